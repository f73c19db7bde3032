/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_devices.c: xl.cfg device keys -> <devices>.
 *
 * disk=     xlu_disk_parse (Xen's own parser: positional and key=value
 *           specs, every prefix and alias xl takes) -> <disk>
 * vif=      xl's "k=v,k=v" spec, rate= by xlu_vif_parse_rate -> <interface>
 * pci=      xlu_pci_parse_spec_string -> <hostdev type='pci'>
 * serial=   -> <serial> (kept with a warning for PV and PVH, which xl
 *           ignores); PV and PVH guests get their console
 * vfb=      (PV, PVH), vnc*=, sdl=, spice*=, vga=, videoram= (HVM)
 *           -> <graphics>, <video>
 * usbdevice=, usbctrl=, usbdev=, soundhw=, channel=, p9=,
 * device_model_override= (the other device_model_*= keys and the pci=
 * options the namespace holds: native_xmlns.c)
 *
 * Spec fields that domain XML cannot hold are warned about one by one,
 * naming the key; the key itself counts as converted.
 */
#include "vxl_internal.h"

#include <errno.h>
#include <netdb.h>
#include <libxl.h>
#include <libxl_utils.h>

#include "native_private.h"
#include "util_enums.h"
#include "virerror.h"
#include "virmacaddr.h"
#include "virutil.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


static bool
vxlNativeIsHVM(vxlNativeReader *r)
{
    return r->type == LIBXL_DOMAIN_TYPE_HVM;
}


/* Whether @word is a numeric address as libvirt's <ip address> takes
 * it (virSocketAddrParse: getaddrinfo with AI_NUMERICHOST), or one
 * with a /prefix (which the vif scripts' iptables and ip route take
 * too), without reporting anything. */
static bool
vxlNativeIsIPAddress(const char *word)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_flags = AI_NUMERICHOST };
    struct addrinfo *res = NULL;
    g_autofree char *addr = g_strdup(word);
    char *slash = strchr(addr, '/');

    if (slash)
        *slash = '\0';
    if (getaddrinfo(addr, NULL, &hints, &res) != 0)
        return false;
    freeaddrinfo(res);
    return true;
}


/* "k=v" -> k, v (v after the first '='), or NULL v for a bare word. */
static void
vxlNativeSplitPair(const char *token, char **k, const char **v)
{
    const char *eq = strchr(token, '=');

    if (eq) {
        *k = g_strndup(token, eq - token);
        *v = eq + 1;
    } else {
        *k = g_strdup(token);
        *v = NULL;
    }
}


/* ---- disk= ---------------------------------------------------------- */

/*
 * Whether libxl takes @vdev as a disk's name (libxl__device_disk_dev_number
 * in Xen 4.17): xvd<letters>[part] up to 2^20 disks, d<N>p<M>, a number,
 * hd[a-d][1-63], sd[a-p][1-15]. xl create refuses any other; refusing it
 * here also keeps libvirt from adding an IDE or SCSI controller for every
 * disk index a name like "hdzzzzz" implies.
 */
static bool
vxlNativeVdevValid(const char *vdev)
{
    return vxlDiskDevNumber(vdev) >= 0;
}


/*
 * The xvd name of the Xen device number a disk spec gives as a number
 * or dNpM (which libvirt's parser refuses as a target): 202 << 8 |
 * disk << 4 | partition, the extended 1 << 28 | disk << 8 | partition,
 * or disk N, partition M; NULL for any other number (NetBSD's "0x0",
 * "0x1"), which no name stands for. libxl still gets the number
 * (<virtxl:disk vdev>).
 */
static char *
vxlNativeVdevName(const char *vdev)
{
    unsigned long long n;
    unsigned int disk;
    unsigned int part;
    int d;
    int p;
    int used = -1;
    g_autofree char *name = NULL;

    if (sscanf(vdev, "d%dp%d%n", &d, &p, &used) >= 2 &&
        used == (int)strlen(vdev)) {
        disk = d;
        part = p;
    } else {
        n = strtoull(vdev, NULL, 0);
        if (n & (1u << 28)) {
            disk = (n >> 8) & 0xfffff;
            part = n & 0xff;
        } else if ((n >> 8) == 202) {
            disk = (n >> 4) & 0xf;
            part = n & 0xf;
        } else {
            return NULL;
        }
    }
    name = virIndexToDiskName(disk, "xvd");
    if (part)
        return g_strdup_printf("%s%u", name, part);
    return g_steal_pointer(&name);
}


/* The <target dev> for @vdev, a number or dNpM: its xvd name, or for a
 * number no name stands for the first xvd disk from that index on that
 * no other disk of the file (@taken) is called. */
static char *
vxlNativeVdevTarget(const char *vdev, GHashTable *taken)
{
    char *name = vxlNativeVdevName(vdev);
    unsigned int disk;

    if (name)
        return name;
    for (disk = strtoull(vdev, NULL, 0) & 0xfffff; disk < (1u << 20); disk++) {
        name = virIndexToDiskName(disk, "xvd");
        if (!g_hash_table_contains(taken, name)) {
            g_hash_table_add(taken, g_strdup(name));
            return name;
        }
        g_free(name);
    }
    return NULL;
}


static int
vxlNativeParseDisk(vxlNativeReader *r, virBuffer *buf, const char *spec, int index,
                   GHashTable *taken)
{
    libxl_device_disk xdisk;
    vxlXMLNSDisk ns = { 0 };   /* borrows its strings */
    vxlNativeISCSI iscsi = { 0 };
    g_auto(virBuffer) rbd = VIR_BUFFER_INITIALIZER;
    bool isRbd;
    bool empty;
    bool block;
    bool isISCSI;
    const char *backend = NULL;
    g_autofree char *target = NULL;
    const char *number = NULL;
    int ret = -1;

    libxl_device_disk_init(&xdisk);
    if (xlu_disk_parse(r->xlu, 1, &spec, &xdisk) != 0) {
        vxlNativeError(r, "disk", _("entry %d, '%s': not a disk spec xl accepts"),
                       index + 1, spec);
        goto cleanup;
    }
    if (!xdisk.vdev) {
        vxlNativeError(r, "disk", _("entry %d, '%s': no virtual device (vdev=)"),
                       index + 1, spec);
        goto cleanup;
    }

    if (!vxlNativeVdevValid(xdisk.vdev)) {
        vxlNativeError(r, "disk", _("entry %d, '%s': '%s' is not a virtual device xl accepts (xvdX, hda-hdd, sda-sdp, dNpM or a number)"),
                       index + 1, spec, xdisk.vdev);
        goto cleanup;
    }

    /* A number or dNpM: libvirt has no such target name. */
    if (vxlXMLNSDiskVdevNumber(xdisk.vdev)) {
        number = xdisk.vdev;
        if (!(target = vxlNativeVdevTarget(xdisk.vdev, taken))) {
            vxlNativeError(r, "disk", _("entry %d, '%s': no free xvd name is left for device number %s"),
                           index + 1, spec, xdisk.vdev);
            goto cleanup;
        }
    } else {
        target = g_strdup(xdisk.vdev);
    }

    empty = !xdisk.pdev_path || !*xdisk.pdev_path;
    /* format=empty is an empty cdrom drive: xl takes it on any disk, and
     * libxl then refuses the rest at create (libxl__device_disk_set_backend). */
    if (xdisk.format == LIBXL_DISK_FORMAT_EMPTY && !xdisk.is_cdrom) {
        vxlNativeUnsupported(r, "disk", _("entry %d: format=empty on a disk that is no cdrom, which libxl refuses (\"is empty but not cdrom\")"),
                             index + 1);
        goto cleanup;
    }
    if (xdisk.format == LIBXL_DISK_FORMAT_EMPTY && !empty) {
        vxlNativeUnsupported(r, "disk", _("entry %d: format=empty with target=%s, which libxl refuses (\"is empty but an image has been provided\")"),
                             index + 1, xdisk.pdev_path);
        goto cleanup;
    }
    /* An explicit backendtype=tap (unlike the deprecated "tap:" prefix,
     * which leaves the choice to libxl) makes xl create fail: libxl
     * 4.17 keeps the name but has no blktap to serve it. */
    if (xdisk.backend == LIBXL_DISK_BACKEND_TAP) {
        vxlNativeUnsupported(r, "disk", _("entry %d: backendtype=tap is not supported by Xen: libxl has no blktap backend any more; use backendtype=qdisk or leave it out"),
                             index + 1);
        goto cleanup;
    }
    /* Every other backend has a <driver name> (util_enums.c). */
    if (xdisk.backend != LIBXL_DISK_BACKEND_UNKNOWN)
        backend = vxlEnumXlToVirName(&vxlEnumDiskBackend, xdisk.backend);
    /* phy serves a block device (or a file through a loop device), and
     * standalone a block device alone (libxl__try_phy_backend); what
     * else names a /dev node is a block device too. */
    block = !empty && (xdisk.backend == LIBXL_DISK_BACKEND_PHY ||
                       xdisk.backend == LIBXL_DISK_BACKEND_STANDALONE ||
                       (xdisk.backend == LIBXL_DISK_BACKEND_UNKNOWN &&
                        STRPREFIX(xdisk.pdev_path, "/dev/")));
    /* A block script makes a block device of the target. */
    if (!empty && xdisk.script && STRNEQ(xdisk.script, "block-iscsi"))
        block = true;

    if (empty) {
        isISCSI = false;
    } else {
        int rc = vxlNativeISCSIParse(r, index, &xdisk, &iscsi);

        if (rc < 0)
            goto cleanup;
        isISCSI = rc == 1;
    }

    isRbd = !empty && !isISCSI && vxlNativeRbdSource(&xdisk, &rbd);

    virBufferAsprintf(buf, "<disk type='%s' device='%s'>\n",
                      isISCSI || isRbd ? "network" : block ? "block" : "file",
                      xdisk.is_cdrom ? "cdrom" : "disk");
    virBufferAdjustIndent(buf, 2);

    if (backend || (!empty && xdisk.format != LIBXL_DISK_FORMAT_UNKNOWN) ||
        !libxl_defbool_is_default(xdisk.discard_enable) || xdisk.direct_io_safe) {
        const char *format = NULL;

        if (!empty && xdisk.format != LIBXL_DISK_FORMAT_UNKNOWN &&
            xdisk.format != LIBXL_DISK_FORMAT_EMPTY) {
            /* Every format libxlutil parses but empty (below) has a
             * libvirt name (util_enums.c). */
            format = vxlEnumXlToVirName(&vxlEnumDiskFormat, xdisk.format);
        }
        virBufferAddLit(buf, "<driver");
        virBufferEscapeString(buf, " name='%s'", backend);
        virBufferEscapeString(buf, " type='%s'", format);
        /* direct-io-safe: the backend opens the image O_DIRECT, past the
         * host's page cache, which is libvirt's cache='none'. */
        if (xdisk.direct_io_safe)
            virBufferAddLit(buf, " cache='none'");
        if (!libxl_defbool_is_default(xdisk.discard_enable))
            virBufferAsprintf(buf, " discard='%s'",
                              libxl_defbool_val(xdisk.discard_enable) ? "unmap" : "ignore");
        virBufferAddLit(buf, "/>\n");
    }
    if (isISCSI)
        vxlNativeISCSISource(buf, &iscsi);
    else if (isRbd)
        virBufferAddBuffer(buf, &rbd);
    else if (!empty)
        virBufferEscapeString(buf, block ? "<source dev='%s'/>\n" : "<source file='%s'/>\n",
                              xdisk.pdev_path);
    virBufferEscapeString(buf, "<backenddomain name='%s'/>\n", xdisk.backend_domname);
    /* xl, like libxl, takes the bus from the name alone; a PV or PVH
     * guest's disks are all on the Xen bus, whatever their names (so
     * that sda1 and sda2 are two disks, not one SCSI drive address). */
    virBufferEscapeString(buf, "<target dev='%s'", target);
    if (r->type != LIBXL_DOMAIN_TYPE_HVM || number)
        virBufferAddLit(buf, " bus='xen'");
    else if (STRPREFIX(target, "hd") && r->ahci && !xdisk.is_cdrom) {
        /* hdtype=ahci puts the hd* hard disks on qemu's AHCI controller
         * (CD-ROMs stay IDE): libvirt's SATA bus, which the translator
         * turns back into hdtype=ahci (translate_disk.c). */
        virBufferAddLit(buf, " bus='sata'");
        r->sataDisks = true;
    } else if (STRPREFIX(target, "hd"))
        virBufferAddLit(buf, " bus='ide'");
    else if (STRPREFIX(target, "sd"))
        virBufferAddLit(buf, " bus='scsi'");
    else if (STRPREFIX(target, "xvd"))
        virBufferAddLit(buf, " bus='xen'");
    virBufferAddLit(buf, "/>\n");
    if (!xdisk.readwrite && !xdisk.is_cdrom)
        virBufferAddLit(buf, "<readonly/>\n");
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</disk>\n");

    /* No word for access=rw on a cdrom: libxlutil's disk parser makes
     * every cdrom read-only itself (xlu_disk_parse), as xl has it. */
    if (xdisk.script && !isISCSI) {
        /* libxl runs block scripts on its phy backend alone. */
        if ((xdisk.backend != LIBXL_DISK_BACKEND_UNKNOWN &&
             xdisk.backend != LIBXL_DISK_BACKEND_PHY) ||
            (xdisk.format != LIBXL_DISK_FORMAT_UNKNOWN &&
             xdisk.format != LIBXL_DISK_FORMAT_RAW) || empty) {
            vxlNativeError(r, "disk", _("entry %d: script=%s needs a raw target on the phy backend: libxl runs block scripts for blkback only"),
                           index + 1, xdisk.script);
            goto cleanup;
        }
    }
    /* xl takes any number but 0 for colo-port= (atoi); qemu's NBD
     * client needs a TCP port. */
    if (xdisk.colo_port < 0 || xdisk.colo_port > 65535) {
        vxlNativeError(r, "disk", _("entry %d: colo-port=%d is not a TCP port"),
                       index + 1, xdisk.colo_port);
        goto cleanup;
    }
    /* What libvirt's <disk> has no word for: the namespace's
     * <virtxl:disk>, which names the disk by its target. */
    ns.target = target;
    ns.script = xdisk.script && !isISCSI ? xdisk.script : NULL;
    ns.vdev = (char *)number;
    ns.multipath = isISCSI && iscsi.multipath;
    ns.specification = xdisk.specification;
    if (!libxl_defbool_is_default(xdisk.colo_enable))
        ns.colo = libxl_defbool_val(xdisk.colo_enable) ? VIR_TRISTATE_BOOL_YES : VIR_TRISTATE_BOOL_NO;
    ns.coloHost = xdisk.colo_host;
    ns.coloPort = xdisk.colo_port;
    ns.coloExport = xdisk.colo_export;
    ns.activeDisk = xdisk.active_disk;
    ns.hiddenDisk = xdisk.hidden_disk;
    if (ns.script || ns.vdev || ns.multipath || ns.specification || ns.colo ||
        ns.coloHost || ns.coloPort || ns.coloExport || ns.activeDisk || ns.hiddenDisk)
        vxlNativeAddDiskXMLNS(r, &ns);
    /* trusted and untrusted are words of xl-disk-configuration(5), but
     * the disk scanner Xen 4.17 ships was generated before them: there
     * they are positional words (the target, or one too many), exactly
     * as xl reads them, and libxl_device_disk.trusted is never set. */
    ret = 0;

 cleanup:
    vxlNativeISCSIClear(&iscsi);
    libxl_device_disk_dispose(&xdisk);
    return ret;
}


static int
vxlNativeParseDisks(vxlNativeReader *r, virBuffer *buf)
{
    XLU_ConfigList *list;
    g_autoptr(GHashTable) taken = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int n;
    int i;

    if (vxlNativeGetList(r, "disk", &list, &n) < 0)
        return -1;
    /* xl reads hdtype= for HVM guests only, by libxl's name, in any
     * case (libxl_hdtype_from_string); the key itself is read with the
     * other namespace keys (native_xmlns_keys.c), which leave it out
     * when a SATA disk says it. */
    if (r->type == LIBXL_DOMAIN_TYPE_HVM) {
        const char *hdtype = NULL;

        r->ahci = xlu_cfg_get_string(r->xlu, "hdtype", &hdtype, 1) == 0 &&
                  g_ascii_strcasecmp(hdtype, "ahci") == 0;
    }
    /* The targets the disks named by name (or by a number with a name)
     * take, before a number without one picks a free name. */
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        libxl_device_disk xdisk;

        libxl_device_disk_init(&xdisk);
        if (spec && xlu_disk_parse(r->xlu, 1, &spec, &xdisk) == 0 && xdisk.vdev) {
            char *name = vxlXMLNSDiskVdevNumber(xdisk.vdev) ?
                         vxlNativeVdevName(xdisk.vdev) : g_strdup(xdisk.vdev);

            if (name)
                g_hash_table_add(taken, name);
        }
        libxl_device_disk_dispose(&xdisk);
    }
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);

        if (!spec) {
            vxlNativeError(r, "disk", _("entry %d is a list, expected a disk spec"), i + 1);
            return -1;
        }
        if (vxlNativeParseDisk(r, buf, spec, i, taken) < 0)
            return -1;
    }
    return 0;
}


/* ---- vif= ----------------------------------------------------------- */

/* The MAC xl gives a vif entry, read as parse_nic_config reads it, in
 * xl's own copy of the entry that strtok() cuts at each comma as it
 * gets there: six hex numbers up to 255, each followed by one character
 * of any kind, into a MAC that starts all zero. At the first that is
 * not one (a placeholder: 00:16:3e:xx:xx:xx) xl prints "Invalid
 * parameter `mac'" and goes on with the bytes read so far. A value that
 * ends after a number before its sixth makes xl read on into the rest
 * of the entry (mac=00:16:3e,bridge=br0 takes the 'b' of bridge); at
 * the entry's end, past its buffer, which no MAC can be made of.
 * Sets @haveMac unless the result is all zero: libxl draws a random MAC
 * for that (libxl__device_nic_setdefault), as libvirt does for an
 * interface without <mac>. */
static int
vxlNativeVifMac(vxlNativeReader *r, const char *spec, int index,
                unsigned char mac[6], bool *haveMac)
{
    g_autofree char *copy = g_strdup(spec);
    const char *bufEnd = copy + strlen(copy);
    char *save = NULL;
    char *p;

    memset(mac, 0, 6);
    for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        const char *value;
        const char *o;
        char text[VIR_MAC_STRING_BUFLEN];
        int i;

        while (*p == ' ')
            p++;
        if (!STRPREFIX(p, "mac="))
            continue;
        value = p + strlen("mac=");
        for (i = 0, o = value; i < 6; i++) {
            char *end;
            /* xl's unsigned int: a number beyond 32 bits wraps, as in xl. */
            unsigned int v;

            if (o > bufEnd) {
                vxlNativeError(r, "vif", _("entry %d: mac=%s ends before its sixth byte at the end of the entry, where xl reads on past its buffer"),
                               index + 1, value);
                return -1;
            }
            v = strtoul(o, &end, 16);
            if (end == o || v > 255)
                break;
            mac[i] = v;
            o = end + 1;
        }
        *haveMac = mac[0] || mac[1] || mac[2] || mac[3] || mac[4] || mac[5];
        g_snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x",
                   mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
        if (o - 1 > value + strlen(value))
            vxlNativeWarn(r, "vif", _("entry %d: mac=%s is read as %s, as xl reads it: the value ends before its sixth byte, and xl reads on into the rest of the entry"),
                          index + 1, value, text);
        else if (i < 6 && *haveMac)
            vxlNativeWarn(r, "vif", _("entry %d: mac=%s is read as %s, as xl reads it: xl stops at the first byte that is not a hex number, reports an invalid parameter and leaves the other bytes zero (or as an earlier mac= set them), so every guest written so gets this same MAC"),
                          index + 1, value, text);
        else if (i < 6)
            vxlNativeWarn(r, "vif", _("entry %d: mac=%s is read as no MAC, as xl reads it: xl stops at the first byte that is not a hex number, reports an invalid parameter and leaves the MAC all zero, for which libxl draws a random one"),
                          index + 1, value);
    }
    return 0;
}


/* The index of xl's COLO vif key @key in vxlNicColoKeys, or -1. */
static int
vxlNativeNicColoKey(const char *key)
{
    size_t i;

    for (i = 0; i < VXL_NIC_COLO_KEYS; i++) {
        if (STREQ(key, vxlNicColoKeys[i]))
            return i;
    }
    return -1;
}


/* A vif= entry's words as xl cuts them (xl_parse.c): at each ',',
 * empty ones skipped (strtok), leading blanks dropped and trailing ones
 * kept, in the value too: "bridge=xenbr0 " is bridge "xenbr0 ". */
static GStrv
vxlNativeSplitVifSpec(const char *spec)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    GPtrArray *out = g_ptr_array_new();
    size_t i;

    for (i = 0; parts[i]; i++) {
        const char *word = parts[i];

        if (!*word)
            continue;
        while (*word == ' ')
            word++;
        /* xl reports a word of blanks alone as unrecognized and goes on. */
        if (*word)
            g_ptr_array_add(out, g_strdup(word));
    }
    g_ptr_array_add(out, NULL);
    return (GStrv)g_ptr_array_free(out, FALSE);
}


/* A vif number as xl reads it (parse_ulong: strtoul), trailing blanks
 * allowed; -1 for anything else. */
static long long
vxlNativeVifNumber(const char *v, int base)
{
    char *end;
    unsigned long long n;

    if (!g_ascii_isdigit(*v))
        return -1;
    n = g_ascii_strtoull(v, &end, base);
    while (*end == ' ')
        end++;
    if (*end || n > INT_MAX)
        return -1;
    return n;
}


static int
vxlNativeParseVif(vxlNativeReader *r, virBuffer *buf, const char *spec, int index)
{
    g_auto(GStrv) tokens = vxlNativeSplitVifSpec(spec);
    g_auto(virBuffer) inner = VIR_BUFFER_INITIALIZER;
    const char *bridge = NULL;
    const char *model = NULL;
    const char *type = NULL;
    g_auto(virBuffer) ns = VIR_BUFFER_INITIALIZER;
    bool haveMac = false;
    unsigned char mac[6] = { 0 };
    size_t i;
    int colo;

    if (vxlNativeVifMac(r, spec, index, mac, &haveMac) < 0)
        return -1;
    virBufferAdjustIndent(&inner, 2);
    for (i = 0; tokens[i]; i++) {
        g_autofree char *k = NULL;
        const char *v;

        vxlNativeSplitPair(tokens[i], &k, &v);
        /* The two bare words xl takes (whether the backend trusts the
         * frontend); the namespace keeps them. */
        if (!v && (STREQ(k, "trusted") || STREQ(k, "untrusted"))) {
            virBufferAsprintf(&ns, " trusted='%s'", STREQ(k, "trusted") ? "yes" : "no");
            continue;
        }
        if (!v) {
            vxlNativeWarn(r, "vif", _("entry %d: dropped '%s': not a key=value pair, which xl ignores too"),
                          index + 1, tokens[i]);
            continue;
        }
        if (STREQ(k, "mac")) {
            /* vxlNativeVifMac() read it, as xl does. */
        } else if (STREQ(k, "bridge")) {
            /* The vif scripts look for a bridge of that name, blanks
             * and all; Linux gives no interface a name with one. */
            if (strpbrk(v, " \t\n")) {
                vxlNativeError(r, "vif", _("entry %d: bridge='%s' has a blank, which xl keeps: no host bridge is named so (Linux allows no blanks in interface names), so the hotplug script cannot add the vif to it and xl create fails"),
                               index + 1, v);
                return -1;
            }
            bridge = v;
        } else if (STREQ(k, "ip")) {
            g_auto(GStrv) ips = vxlNativeSplitSpec(v, ' ');
            size_t j;

            for (j = 0; ips[j]; j++) {
                /* xl keeps ip= as written and libxl hands it to the vif
                 * scripts, which use each blank-separated word as an
                 * address (vif-common.sh's `for addr in $ip`): a word
                 * that is none (a missing comma: "ip=10.0.0.1
                 * bridge=br1") makes its iptables rule fail, which they
                 * log and skip. */
                if (!vxlNativeIsIPAddress(ips[j])) {
                    vxlNativeWarn(r, "vif", _("entry %d: ignored '%s' in ip=: it is not an IP address, and the vif scripts skip it too"),
                                  index + 1, ips[j]);
                    continue;
                }
                virBufferEscapeString(&inner, "<ip address='%s'/>\n", ips[j]);
            }
        } else if (STREQ(k, "script")) {
            virBufferEscapeString(&inner, "<script path='%s'/>\n", v);
        } else if (STREQ(k, "vifname")) {
            /* The hotplug script renames the vif to it, blanks and all. */
            if (strpbrk(v, " \t\n")) {
                vxlNativeError(r, "vif", _("entry %d: vifname='%s' has a blank, which xl keeps: Linux allows no blanks in interface names, so the hotplug script cannot rename the vif and xl create fails"),
                               index + 1, v);
                return -1;
            }
            /* libvirt's parser forgets a target name with the prefix it
             * gives generated ones (its Xen drivers' "vif"): such a name
             * goes into the namespace instead. */
            if (STRPREFIX(v, "vif")) {
                if (strchr(v, '/')) {
                    vxlNativeError(r, "vif", _("entry %d: vifname=%s is not a host interface name"), index + 1, v);
                    return -1;
                }
                virBufferEscapeString(&ns, " vifname='%s'", v);
            } else
                virBufferEscapeString(&inner, "<target dev='%s'/>\n", v);
        } else if (STREQ(k, "model")) {
            /* libxl hands it to qemu as the device's name, blanks and
             * all: an HVM guest's create fails (a PV guest's is unused,
             * below). */
            if (strpbrk(v, " \t\n") && vxlNativeIsHVM(r)) {
                vxlNativeError(r, "vif", _("entry %d: model='%s' has a blank, which xl keeps: qemu has no NIC model of that name, so xl create fails"),
                               index + 1, v);
                return -1;
            }
            model = v;
        } else if (STREQ(k, "type")) {
            /* xl reports any other type and carries on without it:
             * parse_nic_config's failure is not checked (xl_parse.c), so
             * old files' type=netfront or type=paravirtualized get the
             * default NIC. */
            if (STRNEQ(v, "vif") && STRNEQ(v, "ioemu")) {
                vxlNativeWarn(r, "vif", _("entry %d: dropped type=%s: it is not a vif type (vif or ioemu), which xl ignores too"),
                              index + 1, v);
                continue;
            }
            type = v;
        } else if (STREQ(k, "backend")) {
            virBufferEscapeString(&inner, "<backenddomain name='%s'/>\n", v);
        } else if (STREQ(k, "mtu")) {
            long long mtu = vxlNativeVifNumber(v, 10);

            if (mtu <= 0 || mtu > 65535) {
                vxlNativeError(r, "vif", _("entry %d: mtu=%s is not an MTU"), index + 1, v);
                return -1;
            }
            virBufferAsprintf(&inner, "<mtu size='%lld'/>\n", mtu);
        } else if (STREQ(k, "rate")) {
            libxl_device_nic xnic;
            unsigned long long bps;

            libxl_device_nic_init(&xnic);
            if (xlu_vif_parse_rate(r->xlu, v, &xnic) != 0) {
                libxl_device_nic_dispose(&xnic);
                vxlNativeError(r, "vif", _("entry %d: rate=%s is not a rate xl accepts"), index + 1, v);
                return -1;
            }
            /* libvirt's average is in kB/s; xl's K is 1000 too. */
            bps = xnic.rate_bytes_per_interval * 1000000ULL / xnic.rate_interval_usecs;
            /* The interval, when not xl's default of 50 ms, goes into
             * the namespace; the average is the same either way. */
            if (xnic.rate_interval_usecs != 50000)
                virBufferAsprintf(&ns, " rate_interval_us='%u'", xnic.rate_interval_usecs);
            libxl_device_nic_dispose(&xnic);
            if (bps % 1000) {
                vxlNativeWarn(r, "vif", _("entry %d: rate=%s rounded down to whole kB/s"), index + 1, v);
            }
            virBufferAsprintf(&inner, "<bandwidth>\n  <outbound average='%llu'/>\n</bandwidth>\n",
                              bps / 1000);
        } else if (STREQ(k, "devid")) {
            long long devid = vxlNativeVifNumber(v, 10);

            /* xl numbers vif= entries in order unless told. */
            if (devid < 0) {
                vxlNativeError(r, "vif", _("entry %d: devid=%s is not a device number"), index + 1, v);
                return -1;
            }
            if (devid != index)
                virBufferAsprintf(&ns, " devid='%lld'", devid);
        } else if (STREQ(k, "gatewaydev") || STREQ(k, "netdev")) {
            /* netdev= is xl's older spelling of gatewaydev=. */
            if (!*v || strpbrk(v, " \t\n")) {
                vxlNativeError(r, "vif", _("entry %d: %s=%s is not a host device name"), index + 1, k, v);
                return -1;
            }
            virBufferEscapeString(&ns, " gatewaydev='%s'", v);
        } else if (STREQ(k, "accel")) {
            /* xl reads it, says so and sets nothing. */
            vxlNativeWarn(r, "vif", _("entry %d: ignored accel=%s: xl does not support it either (\"the accel parameter for vifs is currently not supported\")"),
                          index + 1, v);
        } else if ((colo = vxlNativeNicColoKey(k)) >= 0) {
            /* COLO's network setup: <virtxl:nic>, as xl's strings. */
            g_autofree char *attr = g_strdup_printf(" %s='%%s'", vxlNicColoKeys[colo]);

            virBufferEscapeString(&ns, attr, v);
        } else {
            /* Not a key of xl's vif parser, which skips it. */
            vxlNativeWarn(r, "vif", _("entry %d: ignored %s=%s: xl does not know it either (\"unrecognized argument\")"),
                          index + 1, k, v);
        }
    }

    /* A PV or PVH guest has only netfront: libxl refuses an emulated NIC
     * (type=ioemu) for it and leaves any model= unused
     * (libxl__device_nic_setdefault). */
    if (!vxlNativeIsHVM(r)) {
        if (type && STREQ(type, "ioemu")) {
            vxlNativeError(r, "vif", _("entry %d: type=ioemu asks for an emulated NIC, which libxl refuses for a PV or PVH guest"),
                           index + 1);
            return -1;
        }
        if (model && STRNEQ(model, "netfront")) {
            vxlNativeWarn(r, "vif", _("entry %d: dropped model=%s: a PV or PVH guest's NIC is netfront, and libxl leaves the model unused"),
                          index + 1, model);
            model = NULL;
        }
    }
    /* type=vif is the PV NIC alone: libvirt's netfront model. type=ioemu
     * is what libxl picks for an HVM guest anyway. */
    if (type && STREQ(type, "vif"))
        model = "netfront";
    if (model)
        virBufferEscapeString(&inner, "<model type='%s'/>\n", model);

    /* <virtxl:nic> names its interface by MAC: one xl would draw at
     * random is drawn here (Xen's 00:16:3e prefix, as xl's). */
    if (virBufferUse(&ns) && !haveMac) {
        mac[0] = 0x00;
        mac[1] = 0x16;
        mac[2] = 0x3e;
        mac[3] = g_random_int_range(0, 128);
        mac[4] = g_random_int_range(0, 256);
        mac[5] = g_random_int_range(0, 256);
        haveMac = true;
    }
    virBufferAsprintf(buf, "<interface type='%s'>\n", bridge ? "bridge" : "ethernet");
    virBufferAdjustIndent(buf, 2);
    virBufferEscapeString(buf, "<source bridge='%s'/>\n", bridge);
    if (haveMac)
        virBufferAsprintf(buf, "<mac address='%02x:%02x:%02x:%02x:%02x:%02x'/>\n",
                          mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    virBufferAdjustIndent(buf, -2);
    virBufferAddBuffer(buf, &inner);
    if (virBufferUse(&ns))
        g_ptr_array_add(r->nsNics,
                        g_strdup_printf("<virtxl:nic" VXL_NATIVE_NS_DECL " mac='%02x:%02x:%02x:%02x:%02x:%02x'%s/>\n",
                                        mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
                                        virBufferCurrentContent(&ns)));
    virBufferAddLit(buf, "</interface>\n");
    return 0;
}


static int
vxlNativeParseVifs(vxlNativeReader *r, virBuffer *buf)
{
    XLU_ConfigList *list;
    int n;
    int i;

    if (vxlNativeGetList(r, "vif", &list, &n) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);

        if (!spec) {
            vxlNativeError(r, "vif", _("entry %d is a list, expected a vif spec"), i + 1);
            return -1;
        }
        if (vxlNativeParseVif(r, buf, spec, i) < 0)
            return -1;
    }
    return 0;
}


/* ---- pci= ----------------------------------------------------------- */

/* How many of the @n entries of pci= @list name a device by its
 * address (each a <hostdev>), not by name=; what does not parse is
 * reported by the caller. */
static int
vxlNativeCountPciBDF(vxlNativeReader *r, XLU_ConfigList *list, int n)
{
    int count = 0;
    int i;

    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        libxl_device_pci pci;

        if (!spec || !vxlNativePciSpecSafe(spec))
            continue;
        libxl_device_pci_init(&pci);
        if (xlu_pci_parse_spec_string(r->xlu, &pci, spec) == 0 && !pci.name)
            count++;
        libxl_device_pci_dispose(&pci);
    }
    return count;
}


static int
vxlNativeParsePcis(vxlNativeReader *r, virBuffer *buf)
{
    XLU_ConfigList *list;
    bool permissive = false, seize = false, msitranslate = false, powerMgmt = false;
    int nbdf = 0, nbdfAll;
    int n;
    int i;

    if (vxlNativeGetList(r, "pci", &list, &n) < 0 ||
        vxlNativeGetBool(r, "pci_permissive", &permissive) < 0 ||
        vxlNativeGetBool(r, "pci_seize", &seize) < 0 ||
        vxlNativeGetBool(r, "pci_msitranslate", &msitranslate) < 0 ||
        vxlNativeGetBool(r, "pci_power_mgmt", &powerMgmt) < 0)
        return -1;

    nbdfAll = vxlNativeCountPciBDF(r, list, n);
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        libxl_device_pci pci;

        if (!spec) {
            vxlNativeError(r, "pci", _("entry %d is a list, expected a PCI spec"), i + 1);
            return -1;
        }
        /* xl's global defaults first; the spec overrides them. */
        libxl_device_pci_init(&pci);
        pci.permissive = permissive;
        pci.seize = seize;
        pci.msitranslate = msitranslate;
        pci.power_mgmt = powerMgmt;
        if (!vxlNativePciSpecSafe(spec) ||
            xlu_pci_parse_spec_string(r->xlu, &pci, spec) != 0) {
            libxl_device_pci_dispose(&pci);
            vxlNativeError(r, "pci", _("entry %d, '%s': not a PCI spec xl accepts"), i + 1, spec);
            return -1;
        }
        /* name= (xl-pci-configuration(5)): a device named by what `xl
         * pci-assignable-add -n` called it, which libxl looks up at
         * create; libvirt's <hostdev> needs an address, so it is a
         * <virtxl:pci name> of its own. */
        /* Its place among the BDF entries (the <hostdev>s) is before=,
         * left out when none follows. */
        if (pci.name) {
            int rc = vxlNativeXMLNSAddPciNamed(r, &pci, i,
                                               nbdf < nbdfAll ? nbdf : -1);

            libxl_device_pci_dispose(&pci);
            if (rc < 0)
                return -1;
            continue;
        }
        nbdf++;
        virBufferAsprintf(buf, "<hostdev mode='subsystem' type='pci' managed='%s'>\n",
                          pci.seize ? "yes" : "no");
        virBufferAdjustIndent(buf, 2);
        virBufferAddLit(buf, "<driver name='xen'/>\n");
        virBufferAsprintf(buf, "<source%s>\n", pci.permissive ? " writeFiltering='no'" : "");
        virBufferAsprintf(buf, "  <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n",
                          pci.domain, pci.bus, pci.dev, pci.func);
        virBufferAddLit(buf, "</source>\n");
        if (pci.vdevfn)
            virBufferAsprintf(buf, "<address type='pci' domain='0x0000' bus='0x00' slot='0x%02x' function='0x%x'/>\n",
                              pci.vdevfn >> 3, pci.vdevfn & 7);
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</hostdev>\n");

        /* msitranslate, power_mgmt, rdm_policy: <virtxl:pci>. */
        vxlNativeXMLNSAddPci(r, &pci, i);
        libxl_device_pci_dispose(&pci);
    }
    return 0;
}


/* ---- serial=, console ----------------------------------------------- */

/* One HOST:PORT of a udp: spec into @host and @port; an empty HOST is
 * allowed (qemu's "any"). */
static bool
vxlNativeSplitHostPort(const char *s, char **host, char **port)
{
    const char *pc = strrchr(s, ':');

    if (!pc || !pc[1])
        return false;
    *host = g_strndup(s, pc - s);
    *port = g_strdup(pc + 1);
    return true;
}


/* qemu's udp:[RHOST]:RPORT[@[LHOST]:LPORT]: the remote end is libvirt's
 * <source mode='connect'>, the local one its <source mode='bind'>. */
static int
vxlNativeParseChardevUDP(vxlNativeReader *r, const char *key, virBuffer *buf,
                         const char *element, const char *spec, const char *rest,
                         int port)
{
    const char *at = strchr(rest, '@');
    g_autofree char *remote = at ? g_strndup(rest, at - rest) : g_strdup(rest);
    g_autofree char *rhost = NULL;
    g_autofree char *rport = NULL;
    g_autofree char *lhost = NULL;
    g_autofree char *lport = NULL;

    if (!vxlNativeSplitHostPort(remote, &rhost, &rport) ||
        (at && !vxlNativeSplitHostPort(at + 1, &lhost, &lport))) {
        vxlNativeError(r, key, _("'%s': udp needs [host]:port[@[host]:port]"), spec);
        return -1;
    }
    virBufferAsprintf(buf, "<%s type='udp'>\n", element);
    if (at) {
        virBufferAddLit(buf, "  <source mode='bind'");
        if (*lhost)
            virBufferEscapeString(buf, " host='%s'", lhost);
        virBufferEscapeString(buf, " service='%s'/>\n", lport);
    }
    virBufferAddLit(buf, "  <source mode='connect'");
    if (*rhost)
        virBufferEscapeString(buf, " host='%s'", rhost);
    virBufferEscapeString(buf, " service='%s'/>\n", rport);
    virBufferAsprintf(buf, "  <target port='%d'/>\n</%s>\n", port, element);
    return 0;
}


/* One character device of qemu's -serial syntax, as xl passes it on. */
static int
vxlNativeParseChardev(vxlNativeReader *r, const char *key, virBuffer *buf,
                      const char *element, const char *spec, int port)
{
    const char *colon = strchr(spec, ':');
    g_autofree char *kind = colon ? g_strndup(spec, colon - spec) : g_strdup(spec);
    const char *rest = colon ? colon + 1 : NULL;

    if (STREQ(spec, "pty") || STREQ(spec, "null") || STREQ(spec, "vc") ||
        STREQ(spec, "stdio")) {
        virBufferAsprintf(buf, "<%s type='%s'>\n  <target port='%d'/>\n</%s>\n",
                          element, spec, port, element);
        return 0;
    }
    if (spec[0] == '/') {
        virBufferAsprintf(buf, "<%s type='dev'>\n", element);
        virBufferEscapeString(buf, "  <source path='%s'/>\n", spec);
        virBufferAsprintf(buf, "  <target port='%d'/>\n</%s>\n", port, element);
        return 0;
    }
    if (rest && (STREQ(kind, "file") || STREQ(kind, "pipe"))) {
        virBufferAsprintf(buf, "<%s type='%s'>\n", element, kind);
        virBufferEscapeString(buf, "  <source path='%s'/>\n", rest);
        virBufferAsprintf(buf, "  <target port='%d'/>\n</%s>\n", port, element);
        return 0;
    }
    if (rest && STREQ(kind, "udp"))
        return vxlNativeParseChardevUDP(r, key, buf, element, spec, rest, port);
    if (rest && (STREQ(kind, "tcp") || STREQ(kind, "telnet") || STREQ(kind, "unix"))) {
        const char *comma = strchr(rest, ',');
        g_autofree char *addr = comma ? g_strndup(rest, comma - rest) : g_strdup(rest);
        const char *words = comma ? comma + 1 : "";
        g_autofree char *canonical = NULL;
        g_autofree char *why = NULL;
        vxlChrOptions o;

        /* qemu's chardev options, as xl hands them over: what libvirt
         * says (server, telnet, reconnect=) goes into the <serial>, the
         * words themselves into <virtxl:serial options> unless the
         * <serial> alone gives them back. */
        if (vxlChrOptionsRead(words, &o, &why) < 0) {
            vxlNativeError(r, key, _("'%s': %s"), spec, why);
            return -1;
        }
        if (o.hasReconnect && o.server) {
            vxlNativeError(r, key, _("'%s': qemu refuses reconnect= on a listening socket"), spec);
            return -1;
        }
        virBufferAsprintf(buf, "<%s type='%s'>\n", element, STREQ(kind, "unix") ? "unix" : "tcp");
        virBufferAsprintf(buf, "  <source mode='%s'", o.server ? "bind" : "connect");
        if (STREQ(kind, "unix")) {
            virBufferEscapeString(buf, " path='%s'", addr);
        } else {
            const char *pc = strrchr(addr, ':');
            g_autofree char *host = pc ? g_strndup(addr, pc - addr) : NULL;

            if (!pc) {
                vxlNativeError(r, key, _("'%s': tcp needs host:port"), spec);
                return -1;
            }
            /* An empty host (tcp::PORT) is qemu's "every address";
             * libvirt wants the attribute, and keeps it empty. */
            if (*host)
                virBufferEscapeString(buf, " host='%s'", host);
            else
                virBufferAddLit(buf, " host=''");
            virBufferEscapeString(buf, " service='%s'", pc + 1);
        }
        if (o.reconnect > 0)
            virBufferAsprintf(buf, ">\n    <reconnect enabled='yes' timeout='%llu'/>\n  </source>\n",
                              o.reconnect);
        else
            virBufferAddLit(buf, "/>\n");
        if (STRNEQ(kind, "unix"))
            virBufferAsprintf(buf, "  <protocol type='%s'/>\n",
                              STREQ(kind, "telnet") || o.telnet ? "telnet" : "raw");
        virBufferAsprintf(buf, "  <target port='%d'/>\n</%s>\n", port, element);

        canonical = o.server ? g_strdup("server,nowait") :
            o.reconnect > 0 ? g_strdup_printf("reconnect=%llu", o.reconnect) : g_strdup("");
        if (STRNEQ(words, canonical)) {
            g_auto(virBuffer) ns = VIR_BUFFER_INITIALIZER;

            virBufferAsprintf(&ns, "<virtxl:serial" VXL_NATIVE_NS_DECL " port='%d'", port);
            virBufferEscapeString(&ns, " options='%s'/>\n", words);
            g_ptr_array_add(r->nsLines, virBufferContentAndReset(&ns));
        }
        return 0;
    }
    vxlNativeError(r, key, _("'%s' is not a character device libvirt can express"), spec);
    return -1;
}


static int
vxlNativeParseSerials(vxlNativeReader *r, virBuffer *buf)
{
    g_autoptr(GPtrArray) items = g_ptr_array_new();
    bool keepNone = false;
    size_t i;

    if (!vxlNativeIsHVM(r)) {
        /* A PV or PVH guest's console is Xen's own PV console. */
        virBufferAddLit(buf, "<console type='pty'>\n  <target type='xen' port='0'/>\n</console>\n");
    }
    if (vxlNativeGetStringOrList(r, "serial", items) < 0)
        return -1;
    /* xl reads serial= for HVM guests only. The ports are kept as
     * <serial>, which the driver ignores too for these guests (as
     * libvirt's libxl driver does), so that xml2xl gives the key back. */
    if (!vxlNativeIsHVM(r) && items->len > 0)
        vxlNativeWarn(r, "serial", "%s",
                      _("ignored: Xen gives PV and PVH guests no serial port; kept as <serial>, which is ignored too"));
    if (vxlNativeIsHVM(r) && items->len > 0) {
        const char *dm = NULL;
        bool stubdomain = false;

        if (vxlNativeGetString(r, "device_model_version", &dm) < 0 ||
            vxlNativeGetBool(r, "device_model_stubdomain_override", &stubdomain) < 0)
            return -1;
        keepNone = stubdomain || (dm && STREQ(dm, "qemu-xen-traditional"));
    }
    for (i = 0; i < items->len; i++) {
        /* qemu's -serial none: no device on that port (xl's and libvirt's
         * spelling of "no serial port"); the next one keeps its number.
         * libxl starts qemu-xen with -nodefaults, where one after the
         * last port is the same as no entry; qemu-xen-traditional's
         * qemu-dm has a port unless told "none", and a stub domain gets
         * a console per entry: there, and before a port, the word is
         * kept, in <virtxl:serial none='yes'>. */
        if (STREQ(g_ptr_array_index(items, i), "none")) {
            size_t j;
            bool later = false;

            /* Before a port, it moves that port on (qemu counts it). */
            for (j = i + 1; j < items->len; j++)
                later |= STRNEQ(g_ptr_array_index(items, j), "none");
            if (keepNone || later)
                g_ptr_array_add(r->nsLines,
                                g_strdup_printf("<virtxl:serial" VXL_NATIVE_NS_DECL " port='%zu' none='yes'/>\n", i));
            continue;
        }
        if (vxlNativeParseChardev(r, "serial", buf, "serial",
                                  g_ptr_array_index(items, i), i) < 0)
            return -1;
    }
    return 0;
}


/* ---- graphics and video ---------------------------------------------- */

typedef struct _vxlNativeDisplay vxlNativeDisplay;
struct _vxlNativeDisplay {
    bool vnc, sdl, opengl;
    bool vncunused;
    long vncdisplay;      /* -1: unset */
    bool grouped;         /* one of several vfbs: the start display goes
                             into its <virtxl:vfb>, not <virtxl:vncdisplay> */
    const char *vnclisten, *vncpasswd, *keymap, *display, *xauthority;
    GPtrArray *vncWords;  /* the words of a vfb= entry for its VNC */
    GPtrArray *sdlWords;  /* and for its SDL, in order: see below */
};


/* The VNC <graphics> and SDL <graphics> of @d. libxl's vnc.display
 * is a fixed display with findunused off (vncunused=0), a port; with
 * findunused on (vncunused=1, xl's default) it is where qemu starts
 * looking for a free one, which libvirt's autoport cannot say:
 * <virtxl:vncdisplay> beside an autoport <graphics> carries it. */
static int
vxlNativeFormatDisplay(vxlNativeReader *r, const char *key, virBuffer *buf,
                       const vxlNativeDisplay *d)
{
    if (d->vnc) {
        const vxlXMLNSKeyInfo *info = &vxlXMLNSKeys[VXL_XMLNS_KEY_VNCDISPLAY];

        if (d->vncdisplay > info->max) {
            vxlNativeError(r, key, _("vncdisplay=%ld is out of range: VNC displays go from 0 to %lld"),
                           d->vncdisplay, info->max);
            return -1;
        }
        /* A fixed display is a <graphics port>, which ends at the last
         * TCP port; so does what qemu can listen on, and xl create fails
         * beyond it. (One that qemu searches from, vncunused=1, is
         * libxl's any display: <virtxl:vncdisplay> below.) */
        if (!d->vncunused &&
            d->vncdisplay > VXL_XMLNS_VNC_PORT_MAX - VXL_XMLNS_VNC_PORT_MIN) {
            vxlNativeError(r, key, _("vncdisplay=%ld with vncunused=0 is port %ld, beyond the last TCP port (%d): qemu cannot listen there, so xl create fails"),
                           d->vncdisplay, VXL_XMLNS_VNC_PORT_MIN + d->vncdisplay,
                           VXL_XMLNS_VNC_PORT_MAX);
            return -1;
        }
        /* vncunused=0 alone: libxl's display 0, fixed. */
        if (!d->vncunused && d->vncdisplay < 0) {
            virBufferAddLit(buf, "<graphics type='vnc' port='5900' autoport='no'");
        } else if (d->vncdisplay >= 0 && !d->vncunused) {
            virBufferAsprintf(buf, "<graphics type='vnc' port='%ld' autoport='no'", 5900 + d->vncdisplay);
        } else {
            /* Display 0 is where libxl starts anyway. */
            if (d->vncdisplay > 0 && !d->grouped)
                g_ptr_array_add(r->nsLines,
                                g_strdup_printf("<virtxl:vncdisplay" VXL_NATIVE_NS_DECL " value='%ld'/>\n",
                                                d->vncdisplay));
            virBufferAddLit(buf, "<graphics type='vnc' port='-1' autoport='yes'");
        }
        virBufferEscapeString(buf, " listen='%s'", d->vnclisten);
        virBufferEscapeString(buf, " keymap='%s'", d->keymap);
        virBufferEscapeString(buf, " passwd='%s'", d->vncpasswd);
        if (d->vnclisten) {
            virBufferAddLit(buf, ">\n");
            virBufferEscapeString(buf, "  <listen type='address' address='%s'/>\n", d->vnclisten);
            virBufferAddLit(buf, "</graphics>\n");
        } else {
            virBufferAddLit(buf, "/>\n");
        }
    }
    if (d->sdl) {
        virBufferAddLit(buf, "<graphics type='sdl'");
        virBufferEscapeString(buf, " display='%s'", d->display);
        virBufferEscapeString(buf, " xauth='%s'", d->xauthority);
        if (d->opengl)
            virBufferAddLit(buf, ">\n  <gl enable='yes'/>\n</graphics>\n");
        else
            virBufferAddLit(buf, "/>\n");
    }
    return 0;
}


/* The top-level display keys (vnc=, sdl= and theirs) into @d, which
 * holds the defaults: a PV guest's implied vfb and an HVM guest's
 * display read the same ones. */
static int
vxlNativeGetTopLevelDisplay(vxlNativeReader *r, vxlNativeDisplay *d)
{
    if (vxlNativeGetBool(r, "vnc", &d->vnc) < 0 ||
        vxlNativeGetBool(r, "sdl", &d->sdl) < 0 ||
        vxlNativeGetBool(r, "opengl", &d->opengl) < 0 ||
        vxlNativeGetBool(r, "vncunused", &d->vncunused) < 0 ||
        vxlNativeGetLong(r, "vncdisplay", &d->vncdisplay) < 0 ||
        vxlNativeGetString(r, "vnclisten", &d->vnclisten) < 0 ||
        vxlNativeGetString(r, "vncpasswd", &d->vncpasswd) < 0 ||
        vxlNativeGetString(r, "keymap", &d->keymap) < 0 ||
        vxlNativeGetString(r, "display", &d->display) < 0 ||
        vxlNativeGetString(r, "xauthority", &d->xauthority) < 0)
        return -1;
    return 0;
}

/* A PV guest without vfb= gets one from the top-level display keys
 * when vnc= is on, as xl builds it (xl_parse.c): the framebuffer then
 * serves SDL too if sdl= says so. Without vnc=, xl reads none of them. */
static int
vxlNativeParseTopLevelVfb(vxlNativeReader *r, virBuffer *buf)
{
    vxlNativeDisplay d = { .vncunused = true, .vncdisplay = -1 };
    long vnc = 0;

    if (xlu_cfg_get_long(r->xlu, "vnc", &vnc, 1) != 0 || !vnc)
        return 0;
    d.vnc = true;
    if (vxlNativeGetTopLevelDisplay(r, &d) < 0)
        return -1;
    return vxlNativeFormatDisplay(r, "vncdisplay", buf, &d);
}


/* One vfb= entry into @d, read as xl's parser reads it (xl_parse.c):
 * words split at ',' (empty ones skipped, leading blanks dropped, the
 * rest kept: a trailing blank is part of a password), each KEY=VALUE
 * with numbers read as atoi reads them. xl ignores a key it does not
 * know, and stops reading the entry at a word without '='; both are
 * warned as ignored. */
static void
vxlNativeParseVfbEntry(vxlNativeReader *r, int index, const char *spec,
                       vxlNativeDisplay *d, GPtrArray *keep)
{
    g_auto(GStrv) words = g_strsplit(spec, ",", -1);
    size_t j;

    for (j = 0; words[j]; j++) {
        char *word = words[j];
        char *eq;
        const char *v;

        if (!*word)
            continue;   /* strtok skips empty fields */
        while (*word == ' ')
            word++;
        if (!(eq = strchr(word, '='))) {
            vxlNativeWarn(r, "vfb", _("entry %d: '%s' has no '=': xl stops reading the entry there, so it and what follows are ignored"),
                          index + 1, word);
            return;
        }
        *eq = '\0';
        v = eq + 1;
        if (vxlNativeVfbType(r, index, word, v))
            continue;   /* xm's type=vnc|sdl */
        /* @d keeps pointers into @keep, which outlives the formatting. */
        g_ptr_array_add(keep, g_strdup(v));
        v = g_ptr_array_index(keep, keep->len - 1);
        if (STREQ(word, "vnclisten") || STREQ(word, "vncpasswd") ||
            STREQ(word, "vncdisplay") || STREQ(word, "vncunused"))
            g_ptr_array_add(d->vncWords, g_strdup(word));
        else if (STREQ(word, "opengl") || STREQ(word, "display") || STREQ(word, "xauthority"))
            g_ptr_array_add(d->sdlWords, g_strdup(word));
        if (STREQ(word, "vnc"))
            d->vnc = atoi(v) != 0;
        else if (STREQ(word, "sdl"))
            d->sdl = atoi(v) != 0;
        else if (STREQ(word, "opengl"))
            d->opengl = atoi(v) != 0;
        else if (STREQ(word, "vncunused"))
            d->vncunused = atoi(v) != 0;
        else if (STREQ(word, "vncdisplay"))
            d->vncdisplay = atoi(v);
        else if (STREQ(word, "vnclisten"))
            d->vnclisten = v;
        else if (STREQ(word, "vncpasswd"))
            d->vncpasswd = v;
        else if (STREQ(word, "keymap"))
            d->keymap = v;
        else if (STREQ(word, "display"))
            d->display = v;
        else if (STREQ(word, "xauthority"))
            d->xauthority = v;
        else
            vxlNativeWarn(r, "vfb", _("entry %d: '%s' is not a vfb key; ignored, as by xl"),
                          index + 1, word);
    }
}


/* The words of entry @index that no display reads: xl keeps a vfb's
 * VNC settings with vnc=0 and its SDL ones without sdl=1, but libxl
 * gives the device model VNC and SDL settings only for a display that
 * is on (libxl__dm_vnc, dm_sdl in libxl_dm.c), and the framebuffer's
 * backend in xenstore only notes them (libxl__set_xenstore_vfb). The
 * keymap is not among them: it is the framebuffer's, kept either way. */
static void
vxlNativeWarnVfbUnused(vxlNativeReader *r, int index, const vxlNativeDisplay *d)
{
    size_t i;

    for (i = 0; !d->vnc && i < d->vncWords->len; i++)
        vxlNativeWarn(r, "vfb", _("entry %d: ignored %s=: the framebuffer has no VNC display (vnc=0), and libxl gives the settings of one that is off to nothing"),
                      index + 1, (const char *)g_ptr_array_index(d->vncWords, i));
    for (i = 0; !d->sdl && i < d->sdlWords->len; i++)
        vxlNativeWarn(r, "vfb", _("entry %d: ignored %s=: the framebuffer has no SDL window (no sdl=1), and libxl gives the settings of one that is off to nothing"),
                      index + 1, (const char *)g_ptr_array_index(d->sdlWords, i));
}


/* vfb=: a framebuffer and a keyboard per entry, as xl makes them. One
 * entry is the <graphics> it serves; several (or one serving no
 * display, xl's "vnc=0") are said with a <virtxl:vfb> per entry, naming
 * how many of the <graphics> in order are its, with its vncdisplay
 * (vncunused=1) in the element rather than in <virtxl:vncdisplay>. */
static int
vxlNativeParseVfbs(vxlNativeReader *r, virBuffer *buf)
{
    g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    g_autofree vxlNativeDisplay *ds = NULL;
    XLU_ConfigList *list;
    bool grouped;
    int n;
    int i;

    if (vxlNativeGetList(r, "vfb", &list, &n) < 0)
        return -1;
    ds = g_new0(vxlNativeDisplay, MAX(n, 1));
    grouped = n > 1;
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        vxlNativeDisplay *d = &ds[i];

        /* libxl__device_vfb_setdefault: VNC unless the entry says vnc=0. */
        d->vnc = true;
        d->vncunused = true;
        d->vncdisplay = -1;
        if (!spec) {
            vxlNativeError(r, "vfb", _("entry %d is a list, expected a vfb spec"), i + 1);
            return -1;
        }
        d->vncWords = g_ptr_array_new_with_free_func(g_free);
        d->sdlWords = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(words, d->vncWords);
        g_ptr_array_add(words, d->sdlWords);
        vxlNativeParseVfbEntry(r, i, spec, d, keep);
        vxlNativeWarnVfbUnused(r, i, d);
        /* A keymap without VNC is said on the <virtxl:vfb>. */
        if ((!d->vnc && !d->sdl) || (!d->vnc && d->keymap))
            grouped = true;
    }
    for (i = 0; i < n; i++) {
        vxlNativeDisplay *d = &ds[i];

        d->grouped = grouped;
        if (vxlNativeFormatDisplay(r, "vfb", buf, d) < 0)
            return -1;
        if (!grouped)
            continue;
        if (d->vnc && d->vncunused && d->vncdisplay > 0)
            g_ptr_array_add(r->nsLines,
                            g_strdup_printf("<virtxl:vfb" VXL_NATIVE_NS_DECL " graphics='%d' vncdisplay='%ld'/>\n",
                                            d->vnc + d->sdl, d->vncdisplay));
        else if (!d->vnc && d->keymap)
            g_ptr_array_add(r->nsLines,
                            g_markup_printf_escaped("<virtxl:vfb" VXL_NATIVE_NS_DECL " graphics='%d' keymap='%s'/>\n",
                                                    d->sdl, d->keymap));
        else
            g_ptr_array_add(r->nsLines,
                            g_strdup_printf("<virtxl:vfb" VXL_NATIVE_NS_DECL " graphics='%d'/>\n",
                                            d->vnc + d->sdl));
    }
    if (n == 0 && r->type == LIBXL_DOMAIN_TYPE_PV)
        return vxlNativeParseTopLevelVfb(r, buf);
    return 0;
}


static int
vxlNativeParseSpice(vxlNativeReader *r, virBuffer *buf)
{
    const char *host = NULL, *passwd = NULL;
    long port = -1, tlsport = -1;
    bool noticket = false, agentMouse = false, clipboard = false;
    int rc;

    if (vxlNativeGetString(r, "spicehost", &host) < 0 ||
        vxlNativeGetLong(r, "spiceport", &port) < 0 ||
        vxlNativeGetLong(r, "spicetls_port", &tlsport) < 0 ||
        vxlNativeGetBool(r, "spicedisable_ticketing", &noticket) < 0 ||
        vxlNativeGetString(r, "spicepasswd", &passwd) < 0 ||
        (rc = vxlNativeGetBool(r, "spiceagent_mouse", &agentMouse)) < 0 ||
        vxlNativeGetBool(r, "spice_clipboard_sharing", &clipboard) < 0)
        return -1;

    /* libxl refuses to start such a guest (libxl_dm.c); a <graphics>
     * without a password would instead turn ticketing off and let anyone
     * connect. */
    if (!noticket && (!passwd || !*passwd)) {
        vxlNativeError(r, passwd ? "spicepasswd" : "spice", "%s",
                       _("SPICE ticketing is enabled but the password is missing or empty, which libxl refuses; set spicepasswd, or spicedisable_ticketing=1 for a display without one"));
        return -1;
    }

    if (port > 0 || tlsport > 0) {
        virBufferAddLit(buf, "<graphics type='spice' autoport='no'");
        if (port > 0)
            virBufferAsprintf(buf, " port='%ld'", port);
        if (tlsport > 0)
            virBufferAsprintf(buf, " tlsPort='%ld'", tlsport);
    } else {
        virBufferAddLit(buf, "<graphics type='spice' autoport='yes'");
    }
    virBufferEscapeString(buf, " listen='%s'", host);
    if (!noticket)
        virBufferEscapeString(buf, " passwd='%s'", passwd);
    else if (passwd)
        vxlNativeWarn(r, "spicepasswd", "%s", _("ignored with spicedisable_ticketing=1, as by xl"));
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    virBufferEscapeString(buf, "<listen type='address' address='%s'/>\n", host);
    if (rc > 0)
        virBufferAsprintf(buf, "<mouse mode='%s'/>\n", agentMouse ? "client" : "server");
    if (clipboard)
        virBufferAddLit(buf, "<clipboard copypaste='yes'/>\n");
    if (vxlNativeParseSpiceGraphics(r, buf) < 0)
        return -1;
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</graphics>\n");
    return vxlNativeParseSpiceDevices(r, buf);
}


/* spiceusbredirection= without spice=1: libxl turns it off, with a
 * warning ("spice disabled, disabling usbredirection", in
 * libxl__domain_build_info_setdefault); so do we, and say so. */
static int
vxlNativeWarnSpiceUsbredir(vxlNativeReader *r)
{
    long usbredir = 0;

    if (vxlNativeGetLong(r, "spiceusbredirection", &usbredir) < 0)
        return -1;
    if (usbredir > 0)
        vxlNativeWarn(r, "spiceusbredirection",
                      _("%ld channels ignored without spice=1, as libxl turns USB redirection off when SPICE is off"),
                      usbredir);
    return 0;
}


static int
vxlNativeParseGraphicsHVM(vxlNativeReader *r, virBuffer *buf)
{
    vxlNativeDisplay d = { .vncunused = true, .vncdisplay = -1 };
    bool nographic = false, spice = false, stdvga = false;
    const char *vga = NULL;
    long videoram = -1;
    const char *model = NULL;

    /* libxl enables VNC for an HVM guest unless told otherwise. */
    d.vnc = true;
    if (vxlNativeGetTopLevelDisplay(r, &d) < 0 ||
        vxlNativeGetBool(r, "nographic", &nographic) < 0 ||
        vxlNativeGetBool(r, "spice", &spice) < 0 ||
        vxlNativeGetBool(r, "stdvga", &stdvga) < 0 ||
        vxlNativeGetString(r, "vga", &vga) < 0 ||
        vxlNativeGetLong(r, "videoram", &videoram) < 0)
        return -1;

    /* xl passes nographic on to libxl, which gives qemu -nographic only
     * when neither VNC nor SDL is on, after -nodefaults and -display
     * none: it turns nothing off, and VNC stays libxl's default. */
    if (nographic && (d.vnc || d.sdl))
        vxlNativeWarn(r, "nographic", "%s",
                      _("does not turn off the VNC or SDL display that xl still starts; use vnc=0 and sdl=0"));
    if (vxlNativeFormatDisplay(r, "vncdisplay", buf, &d) < 0)
        return -1;
    /* Without VNC the keymap (qemu's -k, for SDL and SPICE too) has no
     * <graphics keymap> to go on. */
    if (!d.vnc && d.keymap)
        g_ptr_array_add(r->nsLines,
                        g_markup_printf_escaped("<virtxl:keymap" VXL_NATIVE_NS_DECL " value='%s'/>\n",
                                                d.keymap));
    if (spice && vxlNativeParseSpice(r, buf) < 0)
        return -1;
    if (!spice && vxlNativeWarnSpiceUsbredir(r) < 0)
        return -1;

    /* libxl gives every HVM guest a card, Cirrus unless vga= (or the
     * older stdvga=) names another: the XML lists it, as libvirt's
     * parser would add one only for a guest with a display. */
    if (vga) {
        int kind = vxlEnumCfgToXl(&vxlEnumVideoModel, vga);

        if (kind < 0) {
            vxlNativeError(r, "vga", _("'%s' is not a video card; use stdvga, cirrus, qxl or none"), vga);
            return -1;
        }
        model = vxlEnumXlToVirName(&vxlEnumVideoModel, kind);
    } else {
        model = stdvga ? "vga" : "cirrus";
    }
    /* xl keeps videoram= without a card too (b_info.video_memkb, which
     * libxl still reserves from the guest's memory); libvirt clears
     * every attribute of a 'none' card, so the namespace carries it. */
    if (videoram > 0 && STREQ(model, "none"))
        g_ptr_array_add(r->nsLines,
                        g_strdup_printf("<virtxl:videoram" VXL_NATIVE_NS_DECL " value='%ld'/>\n",
                                        videoram));
    /* No card and no display is a domain without <video>; with a
     * display, libvirt would add its own card unless told 'none'. */
    if (STREQ(model, "none") && !d.vnc && !d.sdl && !spice)
        return 0;
    virBufferAsprintf(buf, "<video>\n  <model type='%s'", model);
    if (videoram > 0 && STRNEQ(model, "none"))
        virBufferAsprintf(buf, " vram='%ld'", videoram * 1024);
    /* libxl's 128 MiB for a QXL card without videoram= (libvirt's
     * parser would give it its own 64). */
    else if (STREQ(model, "qxl"))
        virBufferAddLit(buf, " vram='131072'");
    if (STREQ(model, "none"))
        virBufferAddLit(buf, "/>\n</video>\n");
    else
        virBufferAddLit(buf, " heads='1' primary='yes'/>\n</video>\n");
    return 0;
}


/* usbdevice= and usb=1 where libxl builds the USB bus itself, for
 * usbversion= or for SPICE's USB redirection (@usbredir, 0 without
 * SPICE, which libxl then turns off): libxl refuses the create
 * (libxl__domain_build_info_setdefault: "usbversion and/or
 * usbredirection cannot be enabled with usb and/or usbdevice
 * parameters"), where xl -N accepts the file. */
static int
vxlNativeCheckUsbBus(vxlNativeReader *r, GPtrArray *usbdevices, long usbredir)
{
    long usbversion = 0;
    long usb = 0;

    /* Read quietly: their own readers report a bad value. */
    ignore_value(xlu_cfg_get_long(r->xlu, "usbversion", &usbversion, 1));
    ignore_value(xlu_cfg_get_long(r->xlu, "usb", &usb, 1));
    if (usbredir <= 0 && !usbversion)
        return 0;
    if (usbdevices->len > 0 && usbredir > 0) {
        vxlNativeError(r, "usbdevice", _("'%s' beside spiceusbredirection=%ld: libxl refuses usbdevice= when it gives SPICE its USB redirection, so xl create fails"),
                       (const char *)g_ptr_array_index(usbdevices, 0), usbredir);
        return -1;
    }
    if (usbdevices->len > 0) {
        vxlNativeError(r, "usbdevice", _("'%s' beside usbversion=%ld: libxl refuses usbdevice= beside usbversion=, so xl create fails"),
                       (const char *)g_ptr_array_index(usbdevices, 0), usbversion);
        return -1;
    }
    if (usb && usbredir > 0) {
        vxlNativeError(r, "usb", _("usb=1 beside spiceusbredirection=%ld: libxl refuses usb=1 when it gives SPICE its USB redirection, so xl create fails"),
                       usbredir);
        return -1;
    }
    if (usb) {
        vxlNativeError(r, "usb", _("usb=1 beside usbversion=%ld: libxl refuses usb=1 beside usbversion=, so xl create fails"),
                       usbversion);
        return -1;
    }
    return 0;
}


/* ---- USB, sound, channels, 9p ------------------------------------------ */

static int
vxlNativeParseUsb(vxlNativeReader *r, virBuffer *buf)
{
    g_autoptr(GPtrArray) items = g_ptr_array_new();
    XLU_ConfigList *list;
    int n;
    int i;
    size_t j;

    if (vxlNativeIsHVM(r)) {
        bool hostSeen = false;
        bool inOrder = true;
        bool spice = false;
        long usbredir = 0;

        if (vxlNativeGetStringOrList(r, "usbdevice", items) < 0 ||
            vxlNativeGetBool(r, "spice", &spice) < 0 ||
            vxlNativeGetLong(r, "spiceusbredirection", &usbredir) < 0)
            return -1;
        if (vxlNativeCheckUsbBus(r, items, spice ? usbredir : 0) < 0)
            return -1;
        /* qemu plugs the devices in the list's order. libvirt's USB
         * <input>s go first (translate_gfx.c); when a host: device comes
         * before one of them, the whole list stays in the namespace, in
         * its order. */
        for (j = 0; j < items->len; j++) {
            const char *dev = g_ptr_array_index(items, j);

            if (STRPREFIX(dev, "host:"))
                hostSeen = true;
            else if (hostSeen && (STREQ(dev, "tablet") || STREQ(dev, "mouse") || STREQ(dev, "keyboard")))
                inOrder = false;
        }
        for (j = 0; j < items->len; j++) {
            const char *dev = g_ptr_array_index(items, j);
            bool input = STREQ(dev, "tablet") || STREQ(dev, "mouse") || STREQ(dev, "keyboard");

            if (input && inOrder)
                virBufferAsprintf(buf, "<input type='%s' bus='usb'/>\n", dev);
            else if (input)
                g_ptr_array_add(r->nsLines,
                                g_markup_printf_escaped("<virtxl:usbdevice" VXL_NATIVE_NS_DECL " value='%s'/>\n",
                                                        dev));
            else if (STRPREFIX(dev, "host:") && dev[5])
                g_ptr_array_add(r->nsLines,
                                g_markup_printf_escaped("<virtxl:usbdevice" VXL_NATIVE_NS_DECL " value='%s'/>\n",
                                                        dev));
            else
                vxlNativeWarn(r, "usbdevice", _("dropped '%s': neither tablet, mouse, keyboard nor a host: device"), dev);
        }
    }

    if (vxlNativeGetList(r, "usbctrl", &list, &n) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        g_auto(GStrv) tokens = NULL;
        long version = 0, ports = 0;
        bool ok = true;
        const char *type = NULL;

        if (!spec) {
            vxlNativeError(r, "usbctrl", _("entry %d is a list, expected a spec"), i + 1);
            return -1;
        }
        tokens = vxlNativeSplitSpec(spec, ',');
        for (j = 0; tokens[j]; j++) {
            g_autofree char *k = NULL;
            const char *v;

            vxlNativeSplitPair(tokens[j], &k, &v);
            /* xl reads both with atoi. */
            if (STREQ(k, "version") && v)
                version = atoi(v);
            else if (STREQ(k, "ports") && v)
                ports = atoi(v);
            else if (STREQ(k, "type") && v &&
                     (STREQ(v, "qusb") || STREQ(v, "pv") ||
                      STREQ(v, "devicemodel") || STREQ(v, "auto")))
                type = v;
            else {
                vxlNativeWarn(r, "usbctrl", _("entry %d: '%s' cannot be expressed: libvirt's Xen USB controllers are qusb1 and qusb2"),
                              i + 1, tokens[j]);
                ok = false;
            }
        }
        /* libxl__device_usbctrl_setdefault fails the guest's creation
         * on a version its controller type has not (0 is its default,
         * 2): the paravirtual types (pv, qusb; auto on a PV or PVH guest)
         * have 1 and 2, qemu's emulated one (devicemodel; auto on HVM)
         * 3 as well, its xHCI. xl -N does not get that far. */
        if (version != 0) {
            bool emulated = type ? STREQ(type, "devicemodel") :
                                   vxlNativeIsHVM(r);

            if (type && STREQ(type, "auto"))
                emulated = vxlNativeIsHVM(r);
            if (!emulated && (version < 1 || version > 2)) {
                vxlNativeError(r, "usbctrl",
                               _("entry %d: version=%ld: libxl refuses it, as USB version for paravirtualized devices must be 1 or 2"),
                               i + 1, version);
                return -1;
            }
            if (emulated && (version < 1 || version > 3)) {
                vxlNativeError(r, "usbctrl",
                               _("entry %d: version=%ld: libxl refuses it as an illegal USB version (an emulated controller is version 1, 2 or 3)"),
                               i + 1, version);
                return -1;
            }
        }
        if (!ok)
            continue;
        /* A qusb1/qusb2 <controller>; the type libvirt cannot say (pv,
         * devicemodel, or xl's default auto, which libxl resolves by
         * host and guest) and a version 3 go into the namespace. */
        virBufferAsprintf(buf, "<controller type='usb' index='%d' model='qusb%d'",
                          i, version == 1 ? 1 : 2);
        if (ports > 0)
            virBufferAsprintf(buf, " ports='%ld'", ports);
        virBufferAddLit(buf, "/>\n");
        if (!type || STRNEQ(type, "qusb")) {
            g_autofree char *ver = version == 3 ? g_strdup(" version='3'") : NULL;

            g_ptr_array_add(r->nsLines,
                            g_strdup_printf("<virtxl:usbctrl" VXL_NATIVE_NS_DECL " index='%d' type='%s'%s/>\n",
                                            i, type ? type : "auto", NULLSTR_EMPTY(ver)));
        }
    }

    if (vxlNativeGetList(r, "usbdev", &list, &n) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        g_auto(GStrv) tokens = NULL;
        long bus = -1, addr = -1, ctrl = -1, port = 0;

        if (!spec) {
            vxlNativeError(r, "usbdev", _("entry %d is a list, expected a spec"), i + 1);
            return -1;
        }
        tokens = vxlNativeSplitSpec(spec, ',');
        for (j = 0; tokens[j]; j++) {
            g_autofree char *k = NULL;
            const char *v;

            vxlNativeSplitPair(tokens[j], &k, &v);
            if (STREQ(k, "hostbus") && v) {
                bus = strtol(v, NULL, 0);
            } else if (STREQ(k, "hostaddr") && v) {
                addr = strtol(v, NULL, 0);
            } else if (STREQ(k, "type") && v) {
                /* hostdev is libxl's one USB device type. */
                if (STRNEQ(v, "hostdev")) {
                    vxlNativeError(r, "usbdev", _("entry %d: type=%s is not a USB device type; xl knows hostdev alone and fails on any other"),
                                   i + 1, v);
                    return -1;
                }
            } else if (STREQ(k, "controller") && v) {
                ctrl = atoi(v);   /* as xl */
            } else if (STREQ(k, "port") && v) {
                port = atoi(v);
            } else {
                /* xl's usbdev reader fails on every other word. */
                vxlNativeError(r, "usbdev", _("entry %d: '%s' is not a usbdev key, and xl fails on it too (\"Unknown string in usbdev spec\")"),
                               i + 1, tokens[j]);
                return -1;
            }
        }
        if (bus < 0 || addr < 0) {
            vxlNativeError(r, "usbdev", _("entry %d, '%s': needs hostbus= and hostaddr="), i + 1, spec);
            return -1;
        }
        virBufferAsprintf(buf, "<hostdev mode='subsystem' type='usb'>\n  <source>\n"
                          "    <address bus='%ld' device='%ld'/>\n  </source>\n",
                          bus, addr);
        /* A controller's port is the guest <address type='usb'>. A
         * controller alone (port=0 is none) gets a free port of it from
         * libxl, as <address type='usb' bus> without port does; a port
         * alone libxl refuses (libxl__device_usbdev_setdefault). */
        if (ctrl < 0 && port > 0) {
            vxlNativeError(r, "usbdev", _("entry %d, '%s': port= without controller=, which libxl refuses: a USB controller must be specified if you specify a port"),
                           i + 1, spec);
            return -1;
        }
        if (ctrl >= 0 && port > 0)
            virBufferAsprintf(buf, "  <address type='usb' bus='%ld' port='%ld'/>\n", ctrl, port);
        else if (ctrl >= 0)
            virBufferAsprintf(buf, "  <address type='usb' bus='%ld'/>\n", ctrl);
        virBufferAddLit(buf, "</hostdev>\n");
    }
    return 0;
}


static int
vxlNativeParseSound(vxlNativeReader *r, virBuffer *buf)
{
    const char *str = NULL;
    const char *model;

    if (!vxlNativeIsHVM(r))
        return 0;
    if (vxlNativeGetString(r, "soundhw", &str) < 0)
        return -1;
    if (!str)
        return 0;
    if ((model = vxlEnumXlToVirName(&vxlEnumSoundModel,
                                    vxlEnumCfgToXl(&vxlEnumSoundModel, str)))) {
        virBufferAsprintf(buf, "<sound model='%s'/>\n", model);
        return 0;
    }
    /* xl hands libxl the text as it is; libxl 4.17 takes one card of
     * its own list at start and refuses the rest there ("all", and the
     * comma lists qemu's old -soundhw took), as the start does here. */
    if (!*str) {
        vxlNativeError(r, "soundhw", "%s", _("is empty, which libxl refuses when the domain starts (Unknown soundhw option): name a sound card, or leave the key out"));
        return -1;
    }
    g_ptr_array_add(r->nsLines,
                    g_markup_printf_escaped("<virtxl:soundhw" VXL_NATIVE_NS_DECL " value='%s'/>\n", str));
    return 0;
}


/* backend= of a channel= or p9= entry (@index from 0): the driver
 * domain serving it, <virtxl:@key @attr='@device' backend>
 * (domain_xmlns_backend.c). libvirt's <backenddomain> is for disks and
 * interfaces only. */
static int
vxlNativeDevBackend(vxlNativeReader *r, const char *key, int index,
                    const char *attr, const char *device, const char *backend)
{
    if (!backend)
        return 0;
    /* xl hands any text to libxl, which looks the domain up at start
     * and fails there on an empty name. */
    if (!*backend || strpbrk(backend, " \t")) {
        vxlNativeError(r, key, _("entry %d: backend='%s' is no domain name"), index + 1, backend);
        return -1;
    }
    g_ptr_array_add(r->nsLines,
                    g_markup_printf_escaped("<virtxl:%s" VXL_NATIVE_NS_DECL " %s='%s' backend='%s'/>\n",
                                            key, attr, device, backend));
    return 0;
}


static int
vxlNativeParseChannels(vxlNativeReader *r, virBuffer *buf)
{
    XLU_ConfigList *list;
    int n;
    int i;

    if (vxlNativeGetList(r, "channel", &list, &n) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        g_auto(GStrv) tokens = NULL;
        const char *name = NULL, *connection = NULL, *path = NULL, *backend = NULL;
        size_t j;

        if (!spec) {
            vxlNativeError(r, "channel", _("entry %d is a list, expected a spec"), i + 1);
            return -1;
        }
        tokens = vxlNativeSplitSpec(spec, ',');
        for (j = 0; tokens[j]; j++) {
            g_autofree char *k = NULL;
            const char *v;

            vxlNativeSplitPair(tokens[j], &k, &v);
            /* xl splits each word at '=' and fails on one that is not
             * a key and a value (split_string_into_pair). */
            if (!v || !*v || !*k) {
                vxlNativeError(r, "channel", _("entry %d: '%s' is not a key=value pair, and xl fails on it too (\"failed to parse channel configuration\")"),
                               i + 1, tokens[j]);
                return -1;
            }
            if (STREQ(k, "name"))
                name = v;
            else if (STREQ(k, "connection"))
                connection = v;
            else if (STREQ(k, "path"))
                path = v;
            else if (STREQ(k, "backend"))
                backend = v;
            else
                vxlNativeWarn(r, "channel", _("entry %d: ignored '%s', as xl ignores it (\"unknown channel parameter, ignoring\")"),
                              i + 1, tokens[j]);
        }
        if (!name || !connection) {
            vxlNativeError(r, "channel", _("entry %d, '%s': needs name= and connection="), i + 1, spec);
            return -1;
        }
        if (STREQ(connection, "pty")) {
            virBufferAddLit(buf, "<channel type='pty'>\n");
        } else if (STREQ(connection, "socket") && path) {
            virBufferAddLit(buf, "<channel type='unix'>\n");
            virBufferEscapeString(buf, "  <source mode='bind' path='%s'/>\n", path);
        } else {
            vxlNativeError(r, "channel", _("entry %d: connection=%s: use pty, or socket with path="),
                           i + 1, connection);
            return -1;
        }
        virBufferEscapeString(buf, "  <target type='xen' name='%s'/>\n", name);
        virBufferAddLit(buf, "</channel>\n");
        if (vxlNativeDevBackend(r, "channel", i, "name", name, backend) < 0)
            return -1;
    }
    return 0;
}


static int
vxlNativeParseP9(vxlNativeReader *r, virBuffer *buf)
{
    XLU_ConfigList *list;
    int n;
    int i;
    /* xl 4.17's p9= reader keeps backend= from one entry to the next:
     * an entry without its own gets the last one given. */
    g_autofree char *carried = NULL;

    if (vxlNativeGetList(r, "p9", &list, &n) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        const char *spec = xlu_cfg_get_listitem(list, i);
        g_auto(GStrv) tokens = NULL;
        const char *tag = NULL, *path = NULL, *model = NULL, *backend = NULL;
        int mode;
        size_t j;

        if (!spec) {
            vxlNativeError(r, "p9", _("entry %d is a list, expected a spec"), i + 1);
            return -1;
        }
        tokens = vxlNativeSplitSpec(spec, ',');
        for (j = 0; tokens[j]; j++) {
            g_autofree char *k = NULL;
            const char *v;

            vxlNativeSplitPair(tokens[j], &k, &v);
            /* xl's p9 reader stops at the first word without '=' and
             * reads nothing after it in the entry. */
            if (!v) {
                vxlNativeWarn(r, "p9", _("entry %d: ignored '%s' and what follows it, as xl stops reading the entry at a word without '='"),
                              i + 1, tokens[j]);
                break;
            }
            if (STREQ(k, "tag")) {
                tag = v;
            } else if (STREQ(k, "path")) {
                path = v;
            } else if (STREQ(k, "security_model")) {
                model = v;
            } else if (STREQ(k, "backend")) {
                backend = v;
            } else {
                vxlNativeError(r, "p9", _("entry %d: '%s' is not a p9 key, and xl fails on it too (\"Unknown string in 9pfs spec\")"),
                               i + 1, tokens[j]);
                return -1;
            }
        }
        if (!tag || !path) {
            vxlNativeError(r, "p9", _("entry %d, '%s': needs tag= and path="), i + 1, spec);
            return -1;
        }
        /* libxl hands the model to qemu's 9pfs backend, whose "none"
         * (xl.cfg's documented one) is libvirt's squash (util_enums.c). */
        if (!model) {
            vxlNativeError(r, "p9", _("entry %d, '%s': needs security_model=, as xl does"), i + 1, spec);
            return -1;
        }
        if ((mode = vxlEnumCfgToXl(&vxlEnumP9SecurityModel, model)) < 0) {
            vxlNativeError(r, "p9", _("entry %d: security_model=%s: qemu's 9pfs knows 'none', 'passthrough' and 'mapped'"),
                           i + 1, model);
            return -1;
        }
        virBufferAsprintf(buf, "<filesystem type='mount' accessmode='%s'>\n",
                          vxlEnumXlToVirName(&vxlEnumP9SecurityModel, mode));
        virBufferEscapeString(buf, "  <source dir='%s'/>\n", path);
        virBufferEscapeString(buf, "  <target dir='%s'/>\n", tag);
        virBufferAddLit(buf, "</filesystem>\n");
        if (backend) {
            g_free(carried);
            carried = g_strdup(backend);
        }
        if (vxlNativeDevBackend(r, "p9", i, "tag", tag, carried) < 0)
            return -1;
    }
    return 0;
}


/* libvirt's own word for the device model's path (translate_basic.c). */
static int
vxlNativeParseEmulator(vxlNativeReader *r, virBuffer *buf)
{
    const char *str = NULL;

    if (vxlNativeGetString(r, "device_model_override", &str) < 0)
        return -1;
    virBufferEscapeString(buf, "<emulator>%s</emulator>\n", str);
    return 0;
}


int
vxlNativeParseDevices(vxlNativeReader *r, virBuffer *devices)
{
    if (vxlNativeParseEmulator(r, devices) < 0 ||
        vxlNativeParseDisks(r, devices) < 0 ||
        vxlNativeParseVifs(r, devices) < 0 ||
        vxlNativeParsePcis(r, devices) < 0 ||
        vxlNativeParseUsb(r, devices) < 0 ||
        vxlNativeParseSerials(r, devices) < 0 ||
        vxlNativeParseChannels(r, devices) < 0 ||
        vxlNativeParseP9(r, devices) < 0 ||
        vxlNativeParseSound(r, devices) < 0)
        return -1;

    if (vxlNativeIsHVM(r))
        return vxlNativeParseGraphicsHVM(r, devices);
    return vxlNativeParseVfbs(r, devices);
}
