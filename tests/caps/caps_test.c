/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * caps_test.c: golden files and the consistency proof for src/caps.
 *
 *   caps_test golden [PROFILE...]
 *     For every host profile capabilities/<profile>.json, the prober's
 *     <capabilities> must equal tests/caps/<profile>/capabilities.xml and
 *     each <domainCapabilities> variant the host offers must equal
 *     tests/caps/<profile>/domcaps-<machine>-<arch>.xml. The folder is the
 *     list: a variant without its file, a file without its variant, or a
 *     folder without its profile fails. VIRTXL_REGENERATE=1 rewrites the
 *     expected files for review with git diff.
 *
 *   caps_test consistency [PROFILE...]
 *     For every variant, every value of every enum of libvirt's domain
 *     capabilities that a domain XML can ask for: a minimal domain using
 *     it is defined (parsed with the driver's parser config, whose
 *     validate callback runs the translators' validators) and translated.
 *     Advertised as supported, it must define and translate; advertised
 *     unsupported or absent, it must be refused. A disagreement is a
 *     failure unless tests/caps/translator-gaps.txt lists it (a known gap
 *     in the translators, with the reason); a listed gap that no longer
 *     happens is a failure too, so the list stays true.
 */
#include "vxl_internal.h"

#include <stdio.h>

#include "caps.h"
#include "domain_xmlopt.h"
#include "translate.h"
#include "host_profile.h"
#include "virerror.h"
#include "virfile.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static const char *srcdir;
static bool regenerate;

static void
vxlTestQuietErrors(void *opaque G_GNUC_UNUSED, virErrorPtr err G_GNUC_UNUSED)
{
}


/* ----- profiles ---------------------------------------------------------- */

static int
vxlTestStrcmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static GPtrArray *
vxlTestProfiles(int argc, char **argv)
{
    g_autofree char *dir = g_strdup_printf("%s/capabilities", srcdir);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = NULL;
    const char *ent;
    int i;

    if (argc > 0) {
        for (i = 0; i < argc; i++)
            g_ptr_array_add(names, g_strdup(argv[i]));
        return names;
    }
    if (!(d = g_dir_open(dir, 0, NULL)))
        return names;
    while ((ent = g_dir_read_name(d))) {
        if (g_str_has_suffix(ent, ".json"))
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - 5));
    }
    g_ptr_array_sort(names, (GCompareFunc)vxlTestStrcmp);
    return names;
}


static int
vxlTestLoadFacts(const char *profile, vxlHostFacts *facts)
{
    g_autofree char *path = g_strdup_printf("%s/capabilities/%s.json", srcdir, profile);

    if (vxlHostProfileLoad(path, facts) < 0) {
        fprintf(stderr, "FAIL %s: %s\n", path, virGetLastErrorMessage());
        return -1;
    }
    return 0;
}


static char *
vxlTestVariantName(const vxlCapsGuestKind *kind)
{
    return g_strdup_printf("domcaps-%s-%s.xml", kind->machine,
                           virArchToString(kind->arch));
}


/* ----- golden files -------------------------------------------------------- */

static int
vxlTestCompare(const char *path, const char *actual)
{
    g_autofree char *expected = NULL;

    if (regenerate) {
        if (virFileWriteStr(path, actual, 0644) < 0) {
            fprintf(stderr, "FAIL %s: cannot write\n", path);
            return -1;
        }
        return 0;
    }
    if (!virFileExists(path)) {
        fprintf(stderr, "FAIL %s: missing (VIRTXL_REGENERATE=1 writes it)\n", path);
        return -1;
    }
    if (virFileReadAll(path, 1024 * 1024, &expected) < 0) {
        fprintf(stderr, "FAIL %s: cannot read\n", path);
        return -1;
    }
    if (STRNEQ(expected, actual)) {
        g_auto(GStrv) exp = g_strsplit(expected, "\n", -1);
        g_auto(GStrv) act = g_strsplit(actual, "\n", -1);
        size_t i;

        /* The first line that differs; the rest is for git diff after
         * VIRTXL_REGENERATE=1. */
        for (i = 0; exp[i] && act[i] && STREQ(exp[i], act[i]); i++)
            ;
        fprintf(stderr, "FAIL %s: differs from the prober's output at line %zu:\n"
                "  expected: %s\n  actual:   %s\n",
                path, i + 1, exp[i] ? exp[i] : "(end)", act[i] ? act[i] : "(end)");
        return -1;
    }
    return 0;
}


static int
vxlTestGoldenProfile(const char *profile)
{
    g_autofree char *dir = g_strdup_printf("%s/tests/caps/%s", srcdir, profile);
    g_autofree char *capsPath = g_strdup_printf("%s/capabilities.xml", dir);
    g_autoptr(GHashTable) produced = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                           g_free, NULL);
    g_autofree vxlCapsGuestKind *kinds = NULL;
    g_autoptr(virCaps) caps = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(GDir) d = NULL;
    vxlHostFacts facts = { 0 };
    const char *ent;
    size_t nkinds = 0;
    size_t i;
    int ret = 0;

    if (vxlTestLoadFacts(profile, &facts) < 0)
        return -1;
    if (regenerate && g_mkdir_with_parents(dir, 0755) < 0)
        ret = -1;

    if (!(caps = vxlCapsBuildHost(&facts)) ||
        !(xml = virCapabilitiesFormatXML(caps))) {
        fprintf(stderr, "FAIL %s: %s\n", capsPath, virGetLastErrorMessage());
        ret = -1;
    } else if (vxlTestCompare(capsPath, xml) < 0) {
        ret = -1;
    }
    g_hash_table_add(produced, g_strdup("capabilities.xml"));

    kinds = vxlCapsGuestKinds(&facts, &nkinds);
    for (i = 0; i < nkinds; i++) {
        g_autofree char *name = vxlTestVariantName(&kinds[i]);
        g_autofree char *path = g_strdup_printf("%s/%s", dir, name);
        g_autoptr(virDomainCaps) dc = NULL;
        g_autofree char *dxml = NULL;

        g_hash_table_add(produced, g_steal_pointer(&name));
        if (!(dc = vxlCapsBuildDomain(&facts, NULL, virArchToString(kinds[i].arch),
                                      kinds[i].machine, NULL)) ||
            !(dxml = virDomainCapsFormat(dc))) {
            fprintf(stderr, "FAIL %s: %s\n", path, virGetLastErrorMessage());
            ret = -1;
            continue;
        }
        if (vxlTestCompare(path, dxml) < 0)
            ret = -1;
    }

    /* The folder is the list: nothing else may be there. */
    if ((d = g_dir_open(dir, 0, NULL))) {
        while ((ent = g_dir_read_name(d))) {
            if (!g_hash_table_contains(produced, ent)) {
                fprintf(stderr, "FAIL %s/%s: the host offers no such variant\n",
                        dir, ent);
                ret = -1;
            }
        }
    }
    vxlHostFactsClear(&facts);
    if (ret == 0)
        printf("ok %s: capabilities and %zu domcaps variants\n", profile, nkinds);
    return ret;
}


static int
vxlTestGolden(GPtrArray *profiles)
{
    g_autofree char *top = g_strdup_printf("%s/tests/caps", srcdir);
    g_autoptr(GDir) d = NULL;
    const char *ent;
    size_t i;
    int ret = 0;

    for (i = 0; i < profiles->len; i++) {
        if (vxlTestGoldenProfile(profiles->pdata[i]) < 0)
            ret = -1;
    }
    /* Every folder under tests/caps is a profile's. */
    if ((d = g_dir_open(top, 0, NULL))) {
        while ((ent = g_dir_read_name(d))) {
            g_autofree char *path = g_strdup_printf("%s/%s", top, ent);
            g_autofree char *json = g_strdup_printf("%s/capabilities/%s.json", srcdir, ent);

            if (g_file_test(path, G_FILE_TEST_IS_DIR) && !virFileExists(json)) {
                fprintf(stderr, "FAIL %s: no capabilities/%s.json\n", path, ent);
                ret = -1;
            }
        }
    }
    return ret;
}


/* ----- consistency --------------------------------------------------------- */

typedef struct _vxlTestCase {
    char *key;                     /* "devices/disk/bus=virtio" */
    bool advertised;               /* supported, per the domain caps */
    char *osAttr;                  /* attributes of <os> */
    char *os;                      /* inside <os>, after <type> */
    char *top;                     /* top-level elements */
    char *devices;                 /* inside <devices> */
    char *features;                /* inside <features> */
} vxlTestCase;

static void
vxlTestCaseFree(void *p)
{
    vxlTestCase *c = p;

    g_free(c->key);
    g_free(c->osAttr);
    g_free(c->os);
    g_free(c->top);
    g_free(c->devices);
    g_free(c->features);
    g_free(c);
}

static void
vxlTestAdd(GPtrArray *cases, bool advertised, const char *osAttr,
           const char *os, const char *top, const char *devices,
           const char *features, const char *keyfmt, ...) G_GNUC_PRINTF(8, 9);

static void
vxlTestAdd(GPtrArray *cases, bool advertised, const char *osAttr,
           const char *os, const char *top, const char *devices,
           const char *features, const char *keyfmt, ...)
{
    vxlTestCase *c = g_new0(vxlTestCase, 1);
    va_list ap;

    va_start(ap, keyfmt);
    c->key = g_strdup_vprintf(keyfmt, ap);
    va_end(ap);
    c->advertised = advertised;
    c->osAttr = g_strdup(osAttr);
    c->os = g_strdup(os);
    c->top = g_strdup(top);
    c->devices = g_strdup(devices);
    c->features = g_strdup(features);
    g_ptr_array_add(cases, c);
}

static bool
vxlTestIn(virTristateBool supported, const virDomainCapsEnum *e, int value)
{
    return supported == VIR_TRISTATE_BOOL_YES && e->report &&
           VIR_DOMAIN_CAPS_ENUM_IS_SET(*e, value);
}

/* A disk of @device on @bus with a fitting target name. */
static char *
vxlTestDisk(int device, int bus, bool hvm)
{
    const char *dev = NULL;
    const char *type = "file";
    const char *source = "<source file='/var/lib/xen/images/t.img'/>";

    switch ((virDomainDiskBus)bus) {
    case VIR_DOMAIN_DISK_BUS_IDE: dev = "hdb"; break;
    case VIR_DOMAIN_DISK_BUS_FDC: dev = "fda"; break;
    case VIR_DOMAIN_DISK_BUS_SCSI: dev = "sdb"; break;
    case VIR_DOMAIN_DISK_BUS_VIRTIO: dev = "vdb"; break;
    case VIR_DOMAIN_DISK_BUS_XEN: dev = "xvdb"; break;
    case VIR_DOMAIN_DISK_BUS_USB: dev = "sdb"; break;
    case VIR_DOMAIN_DISK_BUS_UML: dev = "ubdb"; break;
    case VIR_DOMAIN_DISK_BUS_SATA: dev = "sdb"; break;
    case VIR_DOMAIN_DISK_BUS_SD: dev = "sdb"; break;
    case VIR_DOMAIN_DISK_BUS_NONE:
    case VIR_DOMAIN_DISK_BUS_LAST:
        dev = hvm ? "hdb" : "xvdb";
        break;
    }
    if (device == VIR_DOMAIN_DISK_DEVICE_LUN) {
        type = "block";
        source = "<source dev='/dev/sdz'/>";
    }
    return g_strdup_printf("<disk type='%s' device='%s'><driver name='qemu' type='raw'/>%s"
                           "<target dev='%s' bus='%s'/></disk>",
                           type, virDomainDiskDeviceTypeToString(device), source,
                           dev, virDomainDiskBusTypeToString(bus));
}

static void
vxlTestCasesOS(GPtrArray *cases, const virDomainCaps *dc, const vxlCapsFirmware *fw)
{
    const virDomainCapsLoader *ld = &dc->os.loader;
    const char *hvmloader = fw->hvmloader ? fw->hvmloader : "/usr/lib/xen/boot/hvmloader";
    const char *ovmf = fw->ovmf ? fw->ovmf : "/usr/share/ovmf/OVMF.fd";
    size_t i;
    int v;

    for (v = VIR_DOMAIN_OS_DEF_FIRMWARE_NONE + 1; v < VIR_DOMAIN_OS_DEF_FIRMWARE_LAST; v++) {
        g_autofree char *attr = g_strdup_printf("firmware='%s'",
                                                virDomainOsDefFirmwareTypeToString(v));
        vxlTestAdd(cases, vxlTestIn(dc->os.supported, &dc->os.firmware, v),
                   attr, NULL, NULL, NULL, NULL,
                   "os/firmware=%s", virDomainOsDefFirmwareTypeToString(v));
    }

    for (i = 0; i < ld->values.nvalues; i++) {
        const char *path = ld->values.values[i];
        g_autofree char *base = g_path_get_basename(path);
        g_autofree char *os = g_strdup_printf("<loader readonly='yes' type='%s'>%s</loader>",
                                              STREQ(base, "hvmloader") ? "rom" : "pflash",
                                              path);
        vxlTestAdd(cases, ld->supported == VIR_TRISTATE_BOOL_YES,
                   NULL, os, NULL, NULL, NULL, "os/loader/value=%s", base);
    }
    /* A loader the host does not list: its values are the images the
     * host has, not a limit. A ROM image by path is the BIOS image
     * hvmloader loads instead of Xen's own (xl's bios_path_override=,
     * b_info.u.hvm.system_firmware), so it is taken wherever loaders
     * are. */
    vxlTestAdd(cases, ld->supported == VIR_TRISTATE_BOOL_YES, NULL,
               "<loader type='rom'>/usr/share/qemu/bios-256k.bin</loader>",
               NULL, NULL, NULL, "os/loader/value=(unlisted)");

    for (v = 0; v < VIR_DOMAIN_LOADER_TYPE_LAST; v++) {
        g_autofree char *os = NULL;

        if (v == VIR_DOMAIN_LOADER_TYPE_NONE)
            continue;
        os = g_strdup_printf("<loader readonly='yes' type='%s'>%s</loader>",
                             virDomainLoaderTypeToString(v),
                             v == VIR_DOMAIN_LOADER_TYPE_PFLASH ? ovmf : hvmloader);
        vxlTestAdd(cases, vxlTestIn(ld->supported, &ld->type, v), NULL, os,
                   NULL, NULL, NULL, "os/loader/type=%s", virDomainLoaderTypeToString(v));
    }
    for (v = VIR_TRISTATE_BOOL_YES; v < VIR_TRISTATE_BOOL_LAST; v++) {
        g_autofree char *ro = g_strdup_printf("<loader readonly='%s' type='rom'>%s</loader>",
                                              virTristateBoolTypeToString(v), hvmloader);
        g_autofree char *sec = g_strdup_printf("<loader readonly='yes' secure='%s' type='pflash'>%s</loader>",
                                               virTristateBoolTypeToString(v), ovmf);

        vxlTestAdd(cases, vxlTestIn(ld->supported, &ld->readonly, v), NULL, ro,
                   NULL, NULL, NULL, "os/loader/readonly=%s", virTristateBoolTypeToString(v));
        /* secure='no' is meaningful only with a pflash loader; where the
         * host has none, the loader itself is what is refused. */
        vxlTestAdd(cases, vxlTestIn(ld->supported, &ld->secure, v) &&
                          vxlTestIn(ld->supported, &ld->type, VIR_DOMAIN_LOADER_TYPE_PFLASH),
                   NULL, sec, NULL, NULL, NULL,
                   "os/loader/secure=%s", virTristateBoolTypeToString(v));
    }
}

static void
vxlTestCasesDevices(GPtrArray *cases, const virDomainCaps *dc, bool hvm)
{
    static const char *const graphics[] = {
        "<graphics type='sdl'/>", "<graphics type='vnc' port='-1'/>",
        "<graphics type='rdp'/>", "<graphics type='desktop'/>",
        "<graphics type='spice' autoport='yes'/>", "<graphics type='egl-headless'/>",
        "<graphics type='dbus'/>",
    };
    static const struct { const char *key; int mode; int type; const char *xml; } hostdevs[] = {
        { "subsystem/pci", VIR_DOMAIN_HOSTDEV_MODE_SUBSYS, VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI,
          "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source></hostdev>" },
        { "subsystem/usb", VIR_DOMAIN_HOSTDEV_MODE_SUBSYS, VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB,
          "<hostdev mode='subsystem' type='usb'><source><address bus='1' device='3'/></source></hostdev>" },
        { "subsystem/scsi", VIR_DOMAIN_HOSTDEV_MODE_SUBSYS, VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_SCSI,
          "<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/></source></hostdev>" },
        { "subsystem/scsi_host", VIR_DOMAIN_HOSTDEV_MODE_SUBSYS, VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_SCSI_HOST,
          "<hostdev mode='subsystem' type='scsi_host'><source protocol='vhost' wwpn='naa.5123456789abcde0'/></hostdev>" },
        { "subsystem/mdev", VIR_DOMAIN_HOSTDEV_MODE_SUBSYS, VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_MDEV,
          "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev>" },
        { "capabilities/storage", VIR_DOMAIN_HOSTDEV_MODE_CAPABILITIES, VIR_DOMAIN_HOSTDEV_CAPS_TYPE_STORAGE,
          "<hostdev mode='capabilities' type='storage'><source><block>/dev/sdf1</block></source></hostdev>" },
        { "capabilities/misc", VIR_DOMAIN_HOSTDEV_MODE_CAPABILITIES, VIR_DOMAIN_HOSTDEV_CAPS_TYPE_MISC,
          "<hostdev mode='capabilities' type='misc'><source><char>/dev/input/event3</char></source></hostdev>" },
        { "capabilities/net", VIR_DOMAIN_HOSTDEV_MODE_CAPABILITIES, VIR_DOMAIN_HOSTDEV_CAPS_TYPE_NET,
          "<hostdev mode='capabilities' type='net'><source><interface>eth0</interface></source></hostdev>" },
    };
    static const struct { int type; const char *xml; } channels[] = {
        { VIR_DOMAIN_CHR_TYPE_PTY, "<channel type='pty'><target type='xen' name='org.qemu.guest_agent.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_UNIX, "<channel type='unix'><source mode='bind' path='/run/t.sock'/><target type='xen' name='org.qemu.guest_agent.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_SPICEVMC, "<graphics type='spice' autoport='yes'/><channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>" },
        /* Every other type, with what its source needs: advertised or
         * not, the translators must agree. */
        { VIR_DOMAIN_CHR_TYPE_NULL, "<channel type='null'><target type='xen' name='org.example.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_VC, "<channel type='vc'><target type='xen' name='org.example.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_DEV, "<channel type='dev'><source path='/dev/ttyS1'/><target type='xen' name='org.example.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_FILE, "<channel type='file'><source path='/var/log/t.log'/><target type='xen' name='org.example.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_PIPE, "<channel type='pipe'><source path='/run/t.pipe'/><target type='xen' name='org.example.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_STDIO, "<channel type='stdio'><target type='xen' name='org.example.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_UDP, "<channel type='udp'><source mode='connect' host='127.0.0.1' service='2445'/><target type='xen' name='org.example.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_TCP, "<channel type='tcp'><source mode='bind' host='127.0.0.1' service='2445'/><protocol type='raw'/><target type='xen' name='org.example.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_SPICEPORT, "<graphics type='spice' autoport='yes'/><channel type='spiceport'><source channel='org.example.0'/><target type='xen' name='org.example.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_NMDM, "<channel type='nmdm'><source master='/dev/nmdm0A' slave='/dev/nmdm0B'/><target type='xen' name='org.example.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_QEMU_VDAGENT, "<channel type='qemu-vdagent'><target type='virtio' name='com.redhat.spice.0'/></channel>" },
        { VIR_DOMAIN_CHR_TYPE_DBUS, "<channel type='dbus'><source channel='org.example.0'/><target type='xen' name='org.example.0'/></channel>" },
    };
    size_t i;
    int v;

    for (v = 0; v < VIR_DOMAIN_DISK_DEVICE_LAST; v++) {
        g_autofree char *disk = vxlTestDisk(v, v == VIR_DOMAIN_DISK_DEVICE_FLOPPY ?
                                            VIR_DOMAIN_DISK_BUS_FDC :
                                            v == VIR_DOMAIN_DISK_DEVICE_LUN ?
                                            VIR_DOMAIN_DISK_BUS_SCSI :
                                            hvm ? VIR_DOMAIN_DISK_BUS_IDE :
                                            VIR_DOMAIN_DISK_BUS_XEN, hvm);
        vxlTestAdd(cases, vxlTestIn(dc->disk.supported, &dc->disk.diskDevice, v),
                   NULL, NULL, NULL, disk, NULL,
                   "devices/disk/diskDevice=%s", virDomainDiskDeviceTypeToString(v));
    }
    for (v = VIR_DOMAIN_DISK_BUS_NONE + 1; v < VIR_DOMAIN_DISK_BUS_LAST; v++) {
        g_autofree char *disk = vxlTestDisk(VIR_DOMAIN_DISK_DEVICE_DISK, v, hvm);
        vxlTestAdd(cases, vxlTestIn(dc->disk.supported, &dc->disk.bus, v),
                   NULL, NULL, NULL, disk, NULL,
                   "devices/disk/bus=%s", virDomainDiskBusTypeToString(v));
    }
    for (v = VIR_DOMAIN_DISK_MODEL_DEFAULT + 1; v < VIR_DOMAIN_DISK_MODEL_LAST; v++) {
        g_autofree char *disk = g_strdup_printf("<disk type='file' device='disk' model='%s'><source file='/var/lib/xen/images/t.img'/><target dev='vdb' bus='virtio'/></disk>",
                                                virDomainDiskModelTypeToString(v));
        vxlTestAdd(cases, vxlTestIn(dc->disk.supported, &dc->disk.model, v),
                   NULL, NULL, NULL, disk, NULL,
                   "devices/disk/model=%s", virDomainDiskModelTypeToString(v));
    }

    for (v = 0; v < VIR_DOMAIN_GRAPHICS_TYPE_LAST; v++) {
        vxlTestAdd(cases, vxlTestIn(dc->graphics.supported, &dc->graphics.type, v),
                   NULL, NULL, NULL, graphics[v], NULL,
                   "devices/graphics/type=%s", virDomainGraphicsTypeToString(v));
    }
    for (v = VIR_DOMAIN_VIDEO_TYPE_DEFAULT + 1; v < VIR_DOMAIN_VIDEO_TYPE_LAST; v++) {
        g_autofree char *video = g_strdup_printf("<video><model type='%s'/></video>",
                                                 virDomainVideoTypeToString(v));
        vxlTestAdd(cases, vxlTestIn(dc->video.supported, &dc->video.modelType, v),
                   NULL, NULL, NULL, video, NULL,
                   "devices/video/modelType=%s", virDomainVideoTypeToString(v));
    }
    for (i = 0; i < G_N_ELEMENTS(hostdevs); i++) {
        /* Advertised only with its mode and subsystem or caps type. */
        bool adv = vxlTestIn(dc->hostdev.supported, &dc->hostdev.mode, hostdevs[i].mode) &&
                   vxlTestIn(dc->hostdev.supported,
                             hostdevs[i].mode == VIR_DOMAIN_HOSTDEV_MODE_SUBSYS ?
                             &dc->hostdev.subsysType : &dc->hostdev.capsType,
                             hostdevs[i].type);

        vxlTestAdd(cases, adv, NULL, NULL, NULL, hostdevs[i].xml, NULL,
                   "devices/hostdev/%s", hostdevs[i].key);
    }
    for (v = VIR_DOMAIN_STARTUP_POLICY_DEFAULT + 1; v < VIR_DOMAIN_STARTUP_POLICY_LAST; v++) {
        g_autofree char *hd = g_strdup_printf("<hostdev mode='subsystem' type='usb'><source startupPolicy='%s'><address bus='1' device='3'/></source></hostdev>",
                                              virDomainStartupPolicyTypeToString(v));
        vxlTestAdd(cases, vxlTestIn(dc->hostdev.supported, &dc->hostdev.startupPolicy, v),
                   NULL, NULL, NULL, hd, NULL,
                   "devices/hostdev/startupPolicy=%s", virDomainStartupPolicyTypeToString(v));
    }
    for (v = VIR_DOMAIN_HOSTDEV_PCI_BACKEND_DEFAULT + 1; v < VIR_DOMAIN_HOSTDEV_PCI_BACKEND_TYPE_LAST; v++) {
        g_autofree char *hd = g_strdup_printf("<hostdev mode='subsystem' type='pci' managed='yes'><driver name='%s'/><source><address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source></hostdev>",
                                              virDomainHostdevSubsysPCIBackendTypeToString(v));
        vxlTestAdd(cases, vxlTestIn(dc->hostdev.supported, &dc->hostdev.pciBackend, v) &&
                          vxlTestIn(dc->hostdev.supported, &dc->hostdev.subsysType,
                                    VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI),
                   NULL, NULL, NULL, hd, NULL,
                   "devices/hostdev/pciBackend=%s", virDomainHostdevSubsysPCIBackendTypeToString(v));
    }
    for (v = 0; v < VIR_DOMAIN_RNG_MODEL_LAST; v++) {
        g_autofree char *rng = g_strdup_printf("<rng model='%s'><backend model='random'>/dev/urandom</backend></rng>",
                                               virDomainRNGModelTypeToString(v));
        vxlTestAdd(cases, vxlTestIn(dc->rng.supported, &dc->rng.model, v),
                   NULL, NULL, NULL, rng, NULL,
                   "devices/rng/model=%s", virDomainRNGModelTypeToString(v));
    }
    for (v = VIR_DOMAIN_FS_DRIVER_TYPE_DEFAULT + 1; v < VIR_DOMAIN_FS_DRIVER_TYPE_LAST; v++) {
        g_autofree char *fs = g_strdup_printf("<filesystem type='mount'><driver type='%s'/><source dir='/srv/share'/><target dir='share'/></filesystem>",
                                              virDomainFSDriverTypeToString(v));
        vxlTestAdd(cases, vxlTestIn(dc->filesystem.supported, &dc->filesystem.driverType, v),
                   NULL, NULL, NULL, fs, NULL,
                   "devices/filesystem/driverType=%s", virDomainFSDriverTypeToString(v));
    }
    for (v = VIR_DOMAIN_TPM_MODEL_DEFAULT + 1; v < VIR_DOMAIN_TPM_MODEL_LAST; v++) {
        g_autofree char *tpm = g_strdup_printf("<tpm model='%s'><backend type='emulator' version='2.0'/></tpm>",
                                               virDomainTPMModelTypeToString(v));
        vxlTestAdd(cases, vxlTestIn(dc->tpm.supported, &dc->tpm.model, v),
                   NULL, NULL, NULL, tpm, NULL,
                   "devices/tpm/model=%s", virDomainTPMModelTypeToString(v));
    }
    for (v = 0; v < VIR_DOMAIN_REDIRDEV_BUS_LAST; v++) {
        g_autofree char *rd = g_strdup_printf("<graphics type='spice' autoport='yes'/><controller type='usb' index='0'/><redirdev bus='%s' type='spicevmc'/>",
                                              virDomainRedirdevBusTypeToString(v));
        g_autofree char *bare = g_strdup_printf("<graphics type='spice' autoport='yes'/><redirdev bus='%s' type='spicevmc'/>",
                                                virDomainRedirdevBusTypeToString(v));

        vxlTestAdd(cases, vxlTestIn(dc->redirdev.supported, &dc->redirdev.bus, v),
                   NULL, NULL, NULL, rd, NULL,
                   "devices/redirdev/bus=%s", virDomainRedirdevBusTypeToString(v));
        /* As clients write it (virt-install): no USB controller, the
         * driver's default is the one libxl adds for redirection. */
        vxlTestAdd(cases, vxlTestIn(dc->redirdev.supported, &dc->redirdev.bus, v),
                   NULL, NULL, NULL, bare, NULL,
                   "devices/redirdev/bus=%s/default-controller",
                   virDomainRedirdevBusTypeToString(v));
    }
    for (i = 0; i < G_N_ELEMENTS(channels); i++) {
        vxlTestAdd(cases, vxlTestIn(dc->channel.supported, &dc->channel.type,
                                    channels[i].type),
                   NULL, NULL, NULL, channels[i].xml, NULL,
                   "devices/channel/type=%s", virDomainChrTypeToString(channels[i].type));
    }
}

static void
vxlTestCasesOther(GPtrArray *cases, const virDomainCaps *dc)
{
    int v;

    /* <cpu> modes: supported='no' for every mode the struct leaves
     * unset (virDomainCapsFormat writes all four). */
    vxlTestAdd(cases, dc->cpu.hostPassthrough, NULL, NULL,
               "<cpu mode='host-passthrough'/>", NULL, NULL, "cpu/mode=host-passthrough");
    vxlTestAdd(cases, dc->cpu.maximum, NULL, NULL,
               "<cpu mode='maximum'/>", NULL, NULL, "cpu/mode=maximum");
    vxlTestAdd(cases, dc->cpu.hostModel != NULL, NULL, NULL,
               "<cpu mode='host-model'/>", NULL, NULL, "cpu/mode=host-model");
    vxlTestAdd(cases, dc->cpu.custom && dc->cpu.custom->nmodels, NULL, NULL,
               "<cpu mode='custom' match='exact'><model>qemu64</model></cpu>",
               NULL, NULL, "cpu/mode=custom");

    vxlTestAdd(cases, dc->features[VIR_DOMAIN_CAPS_FEATURE_IOTHREADS] == VIR_TRISTATE_BOOL_YES,
               NULL, NULL, "<iothreads>1</iothreads>", NULL, NULL, "iothreads");
    for (v = VIR_DOMAIN_MEMORY_SOURCE_NONE + 1; v < VIR_DOMAIN_MEMORY_SOURCE_LAST; v++) {
        g_autofree char *mb = g_strdup_printf("<memoryBacking><source type='%s'/></memoryBacking>",
                                              virDomainMemorySourceTypeToString(v));
        vxlTestAdd(cases, vxlTestIn(dc->memoryBacking.supported,
                                    &dc->memoryBacking.sourceType, v),
                   NULL, NULL, mb, NULL, NULL,
                   "memoryBacking/sourceType=%s", virDomainMemorySourceTypeToString(v));
    }

    for (v = VIR_GIC_VERSION_NONE + 1; v < VIR_GIC_VERSION_LAST; v++) {
        g_autofree char *gic = g_strdup_printf("<gic version='%s'/>",
                                               virGICVersionTypeToString(v));
        vxlTestAdd(cases, vxlTestIn(dc->gic.supported, &dc->gic.version, v),
                   NULL, NULL, NULL, NULL, gic,
                   "features/gic/version=%s", virGICVersionTypeToString(v));
    }
    vxlTestAdd(cases, dc->features[VIR_DOMAIN_CAPS_FEATURE_VMCOREINFO] == VIR_TRISTATE_BOOL_YES,
               NULL, NULL, NULL, NULL, "<vmcoreinfo state='on'/>", "features/vmcoreinfo");
    vxlTestAdd(cases, dc->features[VIR_DOMAIN_CAPS_FEATURE_GENID] == VIR_TRISTATE_BOOL_YES,
               NULL, NULL, "<genid/>", NULL, NULL, "features/genid");
    vxlTestAdd(cases, dc->sev != NULL, NULL, NULL,
               "<launchSecurity type='sev'><cbitpos>47</cbitpos><reducedPhysBits>1</reducedPhysBits><policy>0x0003</policy></launchSecurity>",
               NULL, NULL, "features/sev");
    vxlTestAdd(cases, dc->sgx != NULL, NULL, NULL, NULL,
               "<memory model='sgx-epc'><target><size unit='KiB'>16384</size></target></memory>",
               NULL, "features/sgx");
    vxlTestAdd(cases, dc->features[VIR_DOMAIN_CAPS_FEATURE_S390_PV] == VIR_TRISTATE_BOOL_YES,
               NULL, NULL, "<launchSecurity type='s390-pv'/>", NULL, NULL, "features/s390-pv");
    for (v = 0; v < VIR_DOMAIN_HYPERV_LAST; v++) {
        g_autofree char *hv = NULL;
        const char *name = virDomainHypervTypeToString(v);

        switch ((virDomainHyperv)v) {
        case VIR_DOMAIN_HYPERV_SPINLOCKS:
            hv = g_strdup("<hyperv mode='custom'><spinlocks state='on' retries='4096'/></hyperv>");
            break;
        case VIR_DOMAIN_HYPERV_VENDOR_ID:
            hv = g_strdup("<hyperv mode='custom'><vendor_id state='on' value='XenVMMXenVMM'/></hyperv>");
            break;
        case VIR_DOMAIN_HYPERV_STIMER:
            hv = g_strdup("<hyperv mode='custom'><vpindex state='on'/><synic state='on'/><stimer state='on'/></hyperv>");
            break;
        case VIR_DOMAIN_HYPERV_SYNIC:
            hv = g_strdup("<hyperv mode='custom'><vpindex state='on'/><synic state='on'/></hyperv>");
            break;
        default:
            hv = g_strdup_printf("<hyperv mode='custom'><%s state='on'/></hyperv>", name);
            break;
        }
        vxlTestAdd(cases, dc->hyperv &&
                          vxlTestIn(dc->hyperv->supported, &dc->hyperv->features, v),
                   NULL, NULL, NULL, NULL, hv, "features/hyperv/%s", name);
    }
}


static char *
vxlTestDomainXML(const vxlCapsGuestKind *kind, const vxlTestCase *c)
{
    bool hvm = kind->ostype == VIR_DOMAIN_OSTYPE_HVM;

    return g_strdup_printf(
        "<domain type='xen'>\n"
        "  <name>consistency</name>\n"
        "  <uuid>8f9a6a3e-3c47-4c41-9b6e-2f6c7f1d0a01</uuid>\n"
        "  <memory unit='KiB'>524288</memory>\n"
        "  <vcpu>1</vcpu>\n"
        "  %s\n"
        "  <os %s>\n"
        "    <type arch='%s' machine='%s'>%s</type>\n"
        "    %s\n"
        "    %s\n"
        "  </os>\n"
        "  <features>%s</features>\n"
        "  <devices>%s</devices>\n"
        "</domain>\n",
        NULLSTR_EMPTY(c->top), NULLSTR_EMPTY(c->osAttr),
        virArchToString(kind->arch), kind->machine,
        virDomainOSTypeToString(kind->ostype),
        hvm ? "" : "<kernel>/boot/vmlinuz</kernel>",
        NULLSTR_EMPTY(c->os), NULLSTR_EMPTY(c->features),
        NULLSTR_EMPTY(c->devices));
}


/* Define (parse + validate) and translate: NULL on success, else why. */
static char *
vxlTestDefineTranslate(virDomainXMLOption *xmlopt, const char *xml)
{
    g_autoptr(virDomainDef) def = NULL;
    libxl_domain_config dcfg;
    int rc;

    virResetLastError();
    if (!(def = virDomainDefParseString(xml, xmlopt, NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return g_strdup(virGetLastErrorMessage());
    libxl_domain_config_init(&dcfg);
    rc = vxlTranslateDomain(def, &dcfg);
    libxl_domain_config_dispose(&dcfg);
    if (rc < 0)
        return g_strdup(virGetLastErrorMessage());
    return NULL;
}


typedef struct _vxlTestGaps {
    GHashTable *listed;            /* key -> reason */
    GHashTable *seen;              /* keys that happened */
} vxlTestGaps;

static int
vxlTestLoadGaps(vxlTestGaps *gaps)
{
    g_autofree char *path = g_strdup_printf("%s/tests/caps/translator-gaps.txt", srcdir);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    gaps->listed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    gaps->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!virFileExists(path))
        return 0;
    if (virFileReadAll(path, 1024 * 1024, &text) < 0)
        return -1;
    lines = g_strsplit(text, "\n", 0);
    for (i = 0; lines[i]; i++) {
        char *line = g_strstrip(lines[i]);
        char *sep;

        if (!*line || *line == '#')
            continue;
        /* "<machine> <key>: <reason>" */
        if (!(sep = strstr(line, ": "))) {
            fprintf(stderr, "FAIL %s: line %zu has no ': reason'\n", path, i + 1);
            return -1;
        }
        g_hash_table_insert(gaps->listed, g_strndup(line, sep - line),
                            g_strdup(sep + 2));
    }
    return 0;
}


static int
vxlTestConsistency(GPtrArray *profiles, bool allProfiles)
{
    g_autoptr(virDomainXMLOption) xmlopt = vxlDomainXMLOptionNew();
    vxlTestGaps gaps = { 0 };
    size_t ncases = 0;
    size_t nagree = 0;
    size_t ngaps = 0;
    size_t p;
    int ret = 0;

    if (!xmlopt || vxlTestLoadGaps(&gaps) < 0)
        return -1;

    for (p = 0; p < profiles->len; p++) {
        const char *profile = profiles->pdata[p];
        g_autofree vxlCapsGuestKind *kinds = NULL;
        vxlHostFacts facts = { 0 };
        vxlCapsFirmware fw;
        size_t nkinds = 0;
        size_t k;

        if (vxlTestLoadFacts(profile, &facts) < 0) {
            ret = -1;
            continue;
        }
        vxlCapsClassifyFirmware(&facts, &fw);
        kinds = vxlCapsGuestKinds(&facts, &nkinds);
        for (k = 0; k < nkinds; k++) {
            const vxlCapsGuestKind *kind = &kinds[k];
            g_autoptr(virDomainCaps) dc = NULL;
            g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func(vxlTestCaseFree);
            size_t i;

            if (!(dc = vxlCapsBuildDomain(&facts, NULL, virArchToString(kind->arch),
                                          kind->machine, NULL))) {
                fprintf(stderr, "FAIL %s %s: %s\n", profile, kind->machine,
                        virGetLastErrorMessage());
                ret = -1;
                continue;
            }
            /* The bare domain itself must define: the baseline. */
            vxlTestAdd(cases, true, NULL, NULL, NULL, NULL, NULL, "baseline");
            vxlTestCasesOS(cases, dc, &fw);
            vxlTestCasesDevices(cases, dc, kind->ostype == VIR_DOMAIN_OSTYPE_HVM);
            vxlTestCasesOther(cases, dc);

            for (i = 0; i < cases->len; i++) {
                const vxlTestCase *c = cases->pdata[i];
                g_autofree char *xml = vxlTestDomainXML(kind, c);
                g_autofree char *why = vxlTestDefineTranslate(xmlopt, xml);
                g_autofree char *gapKey = g_strdup_printf("%s %s", kind->machine, c->key);
                bool accepted = why == NULL;

                ncases++;
                if (accepted == c->advertised) {
                    nagree++;
                    continue;
                }
                if (!c->advertised && g_hash_table_contains(gaps.listed, gapKey)) {
                    ngaps++;
                    g_hash_table_add(gaps.seen, g_strdup(gapKey));
                    continue;
                }
                ret = -1;
                if (c->advertised)
                    fprintf(stderr, "FAIL %s %s/%s %s: advertised as supported, but refused: %s\n",
                            profile, kind->machine, virArchToString(kind->arch),
                            c->key, why);
                else
                    fprintf(stderr, "FAIL %s %s/%s %s: advertised as unsupported, but defines and translates\n%s",
                            profile, kind->machine, virArchToString(kind->arch),
                            c->key, xml);
            }
        }
        vxlHostFactsClear(&facts);
    }

    /* A listed gap that never happened is a list that lies. */
    if (allProfiles) {
        GHashTableIter it;
        gpointer key;

        g_hash_table_iter_init(&it, gaps.listed);
        while (g_hash_table_iter_next(&it, &key, NULL)) {
            if (!g_hash_table_contains(gaps.seen, key)) {
                fprintf(stderr, "FAIL tests/caps/translator-gaps.txt: '%s' no longer happens: remove it (and advertise the value if it now works)\n",
                        (const char *)key);
                ret = -1;
            }
        }
    }
    printf("%zu cases: %zu agree, %zu known translator gaps (%u listed)\n",
           ncases, nagree, ngaps, g_hash_table_size(gaps.listed));
    g_hash_table_unref(gaps.listed);
    g_hash_table_unref(gaps.seen);
    return ret;
}


int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) profiles = NULL;
    int ret;

    if (argc < 2 || (STRNEQ(argv[1], "golden") && STRNEQ(argv[1], "consistency"))) {
        fprintf(stderr, "usage: %s golden|consistency [PROFILE...]\n", argv[0]);
        return EXIT_FAILURE;
    }
    if (!(srcdir = getenv("VXL_SOURCE_DIR")))
        srcdir = VXL_SOURCE_DIR;
    regenerate = g_strcmp0(getenv("VIRTXL_REGENERATE"), "1") == 0;
    if (virInitialize() < 0) {
        fprintf(stderr, "cannot initialise libvirt\n");
        return EXIT_FAILURE;
    }
    virSetErrorFunc(NULL, vxlTestQuietErrors);

    profiles = vxlTestProfiles(argc - 2, argv + 2);
    if (profiles->len == 0) {
        fprintf(stderr, "FAIL: no host profiles in %s/capabilities\n", srcdir);
        return EXIT_FAILURE;
    }
    if (STREQ(argv[1], "golden"))
        ret = vxlTestGolden(profiles);
    else
        ret = vxlTestConsistency(profiles, argc == 2);
    return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
