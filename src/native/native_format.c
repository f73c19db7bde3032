/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_format.c: virDomainDef -> xl.cfg, in one canonical spelling.
 *
 * Canonical means: keys in xl.cfg(5)'s order of groups, strings in
 * double quotes, disks as key=value specs with target= last, lists on
 * one line, and only what differs from xl's defaults except where
 * libvirt's absence would mean something else (HVM acpi=, apic=, pae=;
 * boot=; the three lifecycle actions, always written).
 *
 * What xl.cfg cannot express is refused with VIR_ERR_CONFIG_UNSUPPORTED
 * naming the element: a conversion never drops anything.
 */
#include "vxl_internal.h"

#include <libxl.h>

#include "native_private.h"
#include "conf_devices.h"
#include "util_enums.h"
#include "virerror.h"
#include "virbitmap.h"
#include "virutil.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


void
vxlNativeQuote(virBuffer *buf, const char *str)
{
    const char *p;

    virBufferAddChar(buf, '"');
    for (p = str; *p; p++) {
        switch (*p) {
        case '"':
        case '\\':
            virBufferAddChar(buf, '\\');
            virBufferAddChar(buf, *p);
            break;
        case '\n':
            virBufferAddLit(buf, "\\n");
            break;
        case '\t':
            virBufferAddLit(buf, "\\t");
            break;
        default:
            virBufferAddChar(buf, *p);
        }
    }
    virBufferAddChar(buf, '"');
}


void
vxlNativeFormatString(virBuffer *buf, const char *key, const char *value)
{
    if (!value)
        return;
    virBufferAsprintf(buf, "%s = ", key);
    vxlNativeQuote(buf, value);
    virBufferAddChar(buf, '\n');
}


void
vxlNativeFormatList(virBuffer *buf, const char *key, GPtrArray *items)
{
    size_t i;

    if (items->len == 0)
        return;
    virBufferAsprintf(buf, "%s = [ ", key);
    for (i = 0; i < items->len; i++) {
        if (i > 0)
            virBufferAddLit(buf, ", ");
        vxlNativeQuote(buf, g_ptr_array_index(items, i));
    }
    virBufferAddLit(buf, " ]\n");
}


int
vxlNativeFormatRefuse(const char *what)
{
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("%s cannot be expressed in xl.cfg"), what);
    return -1;
}


/* xl's spelling of <virtxl:cpus_exclude cpuset>: every host CPU, then
 * each range taken out ("all,^1,^3-4": a range without '^' would put
 * its CPUs back). */
char *
vxlNativeFormatCpusExcept(virBitmap *except)
{
    g_autofree char *set = virBitmapFormat(except);
    g_auto(GStrv) ranges = g_strsplit(set, ",", 0);
    g_autoptr(GString) out = g_string_new("all");
    size_t i;

    for (i = 0; ranges[i]; i++)
        g_string_append_printf(out, ",^%s", ranges[i]);
    return g_string_free(g_steal_pointer(&out), FALSE);
}


/* xl's spelling of a <virtxl:cpus_nodes> or <virtxl:cpus_soft nodeset>:
 * "nodes:1", or "nodes:0-1,nodes:3" for more than one range. */
char *
vxlNativeFormatNodes(virBitmap *nodes)
{
    g_autofree char *set = virBitmapFormat(nodes);
    g_auto(GStrv) ranges = g_strsplit(set, ",", 0);
    g_autoptr(GString) out = g_string_new(NULL);
    size_t i;

    for (i = 0; ranges[i]; i++)
        g_string_append_printf(out, "%snodes:%s", i ? "," : "", ranges[i]);
    return g_string_free(g_steal_pointer(&out), FALSE);
}


/* ---- general, memory, vCPUs, lifecycle -------------------------------- */

static int
vxlNativeFormatGeneral(virBuffer *buf, const virDomainDef *def)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    unsigned long long maxmem = virDomainDefGetMemoryInitial(def);
    unsigned long long memory = def->mem.cur_balloon;
    int type = vxlEnumVirToXl(&vxlEnumDomainType, def->os.type);
    unsigned int vcpus = virDomainDefGetVcpus(def);
    size_t i;

    if (type < 0)
        return vxlNativeFormatRefuse("<os><type> other than xen, hvm or xenpvh");
    if (def->mem.max_memory > 0 || def->mem.nhugepages || def->mem.locked ||
        def->mem.nosharepages || virMemoryLimitIsSet(def->mem.hard_limit) ||
        virMemoryLimitIsSet(def->mem.soft_limit) ||
        virMemoryLimitIsSet(def->mem.swap_hard_limit) || def->mem.min_guarantee)
        return vxlNativeFormatRefuse("<maxMemory>, <memoryBacking> or <memtune>");
    if (maxmem % 1024 || memory % 1024) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<memory> %llu KiB and <currentMemory> %llu KiB cannot be expressed in xl.cfg, which counts whole MiB"),
                       maxmem, memory);
        return -1;
    }

    vxlNativeFormatString(buf, "name", def->name);
    virUUIDFormat(def->uuid, uuid);
    vxlNativeFormatString(buf, "uuid", uuid);
    vxlNativeFormatString(buf, "type", vxlEnumXlToCfg(&vxlEnumDomainType, type));
    virBufferAsprintf(buf, "memory = %llu\n", memory / 1024);
    if (maxmem != memory)
        virBufferAsprintf(buf, "maxmem = %llu\n", maxmem / 1024);

    /* xl brings vCPUs 0..vcpus-1 online: any other set cannot be said. */
    for (i = 0; i < def->maxvcpus; i++) {
        if (def->vcpus[i]->online != (i < vcpus))
            return vxlNativeFormatRefuse("<vcpus><vcpu enabled> other than the first <vcpu current> vCPUs");
        if (def->vcpus[i]->order)
            return vxlNativeFormatRefuse("<vcpus><vcpu order>");
    }
    virBufferAsprintf(buf, "vcpus = %u\n", vcpus);
    if (def->maxvcpus != vcpus)
        virBufferAsprintf(buf, "maxvcpus = %zu\n", def->maxvcpus);

    /* <vcpu placement='auto'> (libvirt ignores its cpuset) asks for
     * automatic placement: xl's default, so it writes no cpus=. */
    {
        g_autoptr(GPtrArray) pins = g_ptr_array_new_with_free_func(g_free);
        const vxlXMLNSDef *ns = vxlXMLNSGet(def);
        virBitmap *except = vxlXMLNSCpusExcluded(ns, -1);
        virBitmap *nodes = vxlXMLNSCpusNodes(ns, -1);
        bool anyPin = false;

        for (i = 0; i < def->maxvcpus; i++) {
            virBitmap *set = def->vcpus[i]->cpumask;
            virBitmap *own = vxlXMLNSCpusExcluded(ns, i);
            virBitmap *ownNodes = vxlXMLNSCpusNodes(ns, i);

            if (set || own || ownNodes)
                anyPin = true;
            if (set)
                g_ptr_array_add(pins, virBitmapFormat(set));
            else if (own)
                g_ptr_array_add(pins, vxlNativeFormatCpusExcept(own));
            else if (ownNodes && vxlXMLNSCpusNodesXl(ns, i))
                g_ptr_array_add(pins, g_strdup(vxlXMLNSCpusNodesXl(ns, i)));
            else if (ownNodes)
                g_ptr_array_add(pins, vxlNativeFormatNodes(ownNodes));
            else if (nodes && vxlXMLNSCpusNodesXl(ns, -1))
                g_ptr_array_add(pins, g_strdup(vxlXMLNSCpusNodesXl(ns, -1)));
            else if (nodes)
                g_ptr_array_add(pins, vxlNativeFormatNodes(nodes));
            else if (def->cpumask)
                g_ptr_array_add(pins, virBitmapFormat(def->cpumask));
            else if (except)
                g_ptr_array_add(pins, vxlNativeFormatCpusExcept(except));
            else
                g_ptr_array_add(pins, g_strdup("all"));
        }
        bool placementOff = ns && ns->numaPlacement == VIR_TRISTATE_SWITCH_OFF;

        if (anyPin || placementOff) {
            /* xl's list form: one CPU set per vCPU, in order; any list,
             * even an empty one, turns libxl's NUMA placement off. */
            while (pins->len > 0 && STREQ(g_ptr_array_index(pins, pins->len - 1), "all"))
                g_ptr_array_remove_index(pins, pins->len - 1);
            if (pins->len == 0)
                virBufferAddLit(buf, "cpus = [ ]\n");
            else
                vxlNativeFormatList(buf, "cpus", pins);
        } else if (def->cpumask) {
            g_autofree char *set = virBitmapFormat(def->cpumask);

            vxlNativeFormatString(buf, "cpus", set);
        } else if (except) {
            g_autofree char *set = vxlNativeFormatCpusExcept(except);

            vxlNativeFormatString(buf, "cpus", set);
        } else if (nodes) {
            g_autofree char *set = vxlXMLNSCpusNodesXl(ns, -1) ?
                g_strdup(vxlXMLNSCpusNodesXl(ns, -1)) : vxlNativeFormatNodes(nodes);

            vxlNativeFormatString(buf, "cpus", set);
        }
    }
    if (def->cputune.sharesSpecified)
        virBufferAsprintf(buf, "cpu_weight = %llu\n", def->cputune.shares);
    /* period/quota, global_*: cap= (native_cpu.c). */
    if (def->cputune.emulator_period ||
        def->cputune.emulator_quota || def->cputune.iothread_period ||
        def->cputune.iothread_quota || def->cputune.emulatorpin ||
        def->cputune.emulatorsched)
        return vxlNativeFormatRefuse("<cputune> other than <shares>, <vcpupin>, <period>/<quota> and <global_period>/<global_quota>");

    /* soft-reset, which libvirt cannot name, from the namespace. */
    virBufferAsprintf(buf, "on_poweroff = \"%s\"\n",
                      vxlNativeXMLNSKeyValue(def, VXL_XMLNS_KEY_ON_POWEROFF) ?:
                      vxlEnumXlToCfg(&vxlEnumLifecycle, vxlEnumVirToXl(&vxlEnumLifecycle, def->onPoweroff)));
    virBufferAsprintf(buf, "on_reboot = \"%s\"\n",
                      vxlNativeXMLNSKeyValue(def, VXL_XMLNS_KEY_ON_REBOOT) ?:
                      vxlEnumXlToCfg(&vxlEnumLifecycle, vxlEnumVirToXl(&vxlEnumLifecycle, def->onReboot)));
    virBufferAsprintf(buf, "on_crash = \"%s\"\n",
                      vxlNativeXMLNSKeyValue(def, VXL_XMLNS_KEY_ON_CRASH) ?:
                      vxlEnumXlToCfg(&vxlEnumLifecycle, vxlEnumVirToXl(&vxlEnumLifecycle, def->onCrash)));
    if (def->onLockFailure)
        return vxlNativeFormatRefuse("<on_lockfailure>");
    return 0;
}


/* ---- boot, features, clock --------------------------------------------- */

static int
vxlNativeFormatBoot(virBuffer *buf, const virDomainDef *def)
{
    bool hvm = def->os.type == VIR_DOMAIN_OSTYPE_HVM;
    g_autofree char *cmdline = NULL;
    size_t i;

    /* A PV-GRUB image of Xen's is what firmware= names. */
    if (!hvm && vxlNativePvgrubFirmware(def->os.kernel))
        vxlNativeFormatString(buf, "firmware", vxlNativePvgrubFirmware(def->os.kernel));
    else
        vxlNativeFormatString(buf, "kernel", def->os.kernel);
    vxlNativeFormatString(buf, "ramdisk", def->os.initrd);
    /* <os><root> written into cmdline= (xl would ignore a root= beside
     * it), the line libxl is given either way. */
    cmdline = vxlBootKernelCmdline(def);
    vxlNativeFormatString(buf, "cmdline", cmdline);
    /* <acpi><table type='slic'>: acpi_firmware= (native_features.c). */
    if (def->os.dtb || def->os.init)
        return vxlNativeFormatRefuse("<os><dtb>, <init>");

    if (!hvm) {
        vxlNativeFormatString(buf, "bootloader", def->os.bootloader);
        if (def->os.bootloaderArgs &&
            vxlNativeXMLNSKeyValue(def, VXL_XMLNS_KEY_BOOTLOADER_ARGS))
            return vxlNativeFormatRefuse("<bootloader_args> and <virtxl:bootloader_args> together (xl.cfg has one bootloader_args=)");
        if (def->os.bootloaderArgs) {
            if (!def->os.bootloader)
                return vxlNativeFormatRefuse("<bootloader_args> without <bootloader>");
            vxlNativeFormatString(buf, "bootloader_args", def->os.bootloaderArgs);
        }
        if (def->os.loader || def->os.firmware)
            return vxlNativeFormatRefuse("<os><loader> or <os firmware> for a PV or PVH guest");
        return 0;
    }

    if (def->os.bootloader)
        return vxlNativeFormatRefuse("<bootloader> for an HVM guest");
    if (def->os.firmware == VIR_DOMAIN_OS_DEF_FIRMWARE_EFI ||
        (def->os.loader && def->os.loader->type == VIR_DOMAIN_LOADER_TYPE_PFLASH))
        vxlNativeFormatString(buf, "bios", "ovmf");
    else if (def->os.firmware == VIR_DOMAIN_OS_DEF_FIRMWARE_BIOS)
        vxlNativeFormatString(buf, "bios", vxlXMLNSTraditionalDM(def) ? "rombios" : "seabios");
    if (def->os.loader && (def->os.loader->nvram || def->os.loader->nvramTemplate ||
                           def->os.loader->secure == VIR_TRISTATE_BOOL_YES))
        return vxlNativeFormatRefuse("<os><nvram> or <loader secure='yes'>");
    /* The firmware image hvmloader loads (translate_boot.c). */
    if (def->os.loader && def->os.loader->path &&
        !g_str_has_suffix(def->os.loader->path, "hvmloader")) {
        /* xl wants the BIOS named beside it. */
        if (def->os.firmware == VIR_DOMAIN_OS_DEF_FIRMWARE_NONE &&
            def->os.loader->type != VIR_DOMAIN_LOADER_TYPE_PFLASH)
            vxlNativeFormatString(buf, "bios", vxlXMLNSTraditionalDM(def) ? "rombios" : "seabios");
        vxlNativeFormatString(buf, "bios_path_override", def->os.loader->path);
    }

    if (def->os.nBootDevs > 0) {
        char order[VIR_DOMAIN_BOOT_LAST + 1] = { 0 };

        for (i = 0; i < def->os.nBootDevs && i < VIR_DOMAIN_BOOT_LAST; i++)
            order[i] = vxlEnumVirToXl(&vxlEnumBootDevice, def->os.bootDevs[i]);
        vxlNativeFormatString(buf, "boot", order);
    } else {
        /* The devices' own <boot order>, as the translator reads it. */
        char order[4];
        int rc = vxlBootDeviceOrder(def, order);

        if (rc < 0)
            return -1;
        if (rc > 0)
            vxlNativeFormatString(buf, "boot", order);
    }
    if (def->os.bootmenu == VIR_TRISTATE_BOOL_YES || def->os.bm_timeout_set)
        return vxlNativeFormatRefuse("<os><bootmenu>");
    return 0;
}


static int
vxlNativeFormatFeatures(virBuffer *buf, const virDomainDef *def)
{
    bool hvm = def->os.type == VIR_DOMAIN_OSTYPE_HVM;
    size_t i;

    for (i = 0; i < VIR_DOMAIN_FEATURE_LAST; i++) {
        int state = def->features[i];

        switch ((virDomainFeature)i) {
        case VIR_DOMAIN_FEATURE_ACPI:
        case VIR_DOMAIN_FEATURE_APIC:
        case VIR_DOMAIN_FEATURE_PAE:
            /* A PV or PVH guest's <acpi/>, <apic/> and <pae/> change
             * nothing in the translation (translate_basic.c reads them
             * for HVM only; Qubes OS writes them for every guest), so
             * nothing is written: acpi=1 would be libxl's default for
             * them, and xl reads apic= and pae= for HVM guests only.
             * Their ACPI off switch is <virtxl:acpi> (the knobs). */
            if (hvm)
                virBufferAsprintf(buf, "%s = %d\n", virDomainFeatureTypeToString(i),
                                  state == VIR_TRISTATE_SWITCH_ON ? 1 : 0);
            break;
        case VIR_DOMAIN_FEATURE_HAP:
            if (state != VIR_TRISTATE_SWITCH_ABSENT) {
                if (!hvm && def->os.type != VIR_DOMAIN_OSTYPE_XENPVH)
                    return vxlNativeFormatRefuse("<features><hap> for a PV guest");
                virBufferAsprintf(buf, "hap = %d\n", state == VIR_TRISTATE_SWITCH_ON);
            }
            break;
        case VIR_DOMAIN_FEATURE_XEN:
            if (state == VIR_TRISTATE_SWITCH_ON) {
                int e820 = def->xen_features[VIR_DOMAIN_XEN_E820_HOST];
                int pt = def->xen_features[VIR_DOMAIN_XEN_PASSTHROUGH];

                if (e820 != VIR_TRISTATE_SWITCH_ABSENT)
                    virBufferAsprintf(buf, "e820_host = %d\n", e820 == VIR_TRISTATE_SWITCH_ON);
                if (pt == VIR_TRISTATE_SWITCH_OFF)
                    vxlNativeFormatString(buf, "passthrough", "disabled");
                else if (pt == VIR_TRISTATE_SWITCH_ON && def->xen_passthrough_mode)
                    vxlNativeFormatString(buf, "passthrough",
                                    virDomainXenPassthroughModeTypeToString(def->xen_passthrough_mode));
                else if (pt == VIR_TRISTATE_SWITCH_ON)
                    vxlNativeFormatString(buf, "passthrough", "enabled");
            }
            break;
        /* viridian=, vpmu=, msr_relaxed= (native_features.c). */
        case VIR_DOMAIN_FEATURE_VIRIDIAN:
        case VIR_DOMAIN_FEATURE_HYPERV:
        case VIR_DOMAIN_FEATURE_PMU:
        case VIR_DOMAIN_FEATURE_MSRS:
            break;
        default:
            if (state != VIR_TRISTATE_SWITCH_ABSENT && state != VIR_TRISTATE_SWITCH_OFF) {
                g_autofree char *what = g_strdup_printf("<features><%s>",
                                                        virDomainFeatureTypeToString(i));
                return vxlNativeFormatRefuse(what);
            }
        }
    }

    if (def->pm.s3 || def->pm.s4) {
        if (!hvm)
            return vxlNativeFormatRefuse("<pm> for a PV or PVH guest");
        if (def->pm.s3)
            virBufferAsprintf(buf, "acpi_s3 = %d\n", def->pm.s3 == VIR_TRISTATE_BOOL_YES);
        if (def->pm.s4)
            virBufferAsprintf(buf, "acpi_s4 = %d\n", def->pm.s4 == VIR_TRISTATE_BOOL_YES);
    }
    /* <cpu>: nestedhvm=, cpuid=, vnuma= (native_cpu.c). */
    return 0;
}


static int
vxlNativeFormatClock(virBuffer *buf, const virDomainDef *def)
{
    bool hvm = def->os.type == VIR_DOMAIN_OSTYPE_HVM;
    int timerMode = 0;         /* the tickpolicy timer_mode= says */
    size_t i;

    switch ((virDomainClockOffsetType)def->clock.offset) {
    case VIR_DOMAIN_CLOCK_OFFSET_UTC:
        break;
    case VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME:
        virBufferAddLit(buf, "localtime = 1\n");
        break;
    case VIR_DOMAIN_CLOCK_OFFSET_VARIABLE:
        if (def->clock.data.variable.basis == VIR_DOMAIN_CLOCK_BASIS_LOCALTIME)
            virBufferAddLit(buf, "localtime = 1\n");
        /* xl's grammar has no negative numbers; libxlutil reads a
         * quoted one. */
        if (def->clock.data.variable.adjustment < 0)
            virBufferAsprintf(buf, "rtc_timeoffset = \"%lld\"\n", def->clock.data.variable.adjustment);
        else
            virBufferAsprintf(buf, "rtc_timeoffset = %lld\n", def->clock.data.variable.adjustment);
        break;
    case VIR_DOMAIN_CLOCK_OFFSET_TIMEZONE:
    case VIR_DOMAIN_CLOCK_OFFSET_ABSOLUTE:
    case VIR_DOMAIN_CLOCK_OFFSET_LAST:
    default:
        return vxlNativeFormatRefuse("<clock offset='timezone|absolute'>");
    }

    for (i = 0; i < def->clock.ntimers; i++) {
        const virDomainTimerDef *t = def->clock.timers[i];

        if (t->name == VIR_DOMAIN_TIMER_NAME_TSC && t->present != VIR_TRISTATE_BOOL_NO &&
            !t->tickpolicy && !t->frequency && !t->catchup.threshold) {
            const char *mode = NULL;

            /* No mode, or auto: libxl's default. */
            if (t->mode == VIR_DOMAIN_TIMER_MODE_NONE ||
                t->mode == VIR_DOMAIN_TIMER_MODE_AUTO)
                mode = "default";
            else if (!(mode = vxlEnumXlToCfg(&vxlEnumTscMode,
                                             vxlEnumVirToXl(&vxlEnumTscMode, t->mode))))
                return vxlNativeFormatRefuse("<timer name='tsc' mode='smpsafe'>");
            vxlNativeFormatString(buf, "tsc_mode", mode);
        } else if ((t->name == VIR_DOMAIN_TIMER_NAME_PIT ||
                    t->name == VIR_DOMAIN_TIMER_NAME_RTC) && hvm && t->tickpolicy &&
                   t->present != VIR_TRISTATE_BOOL_NO && !t->track &&
                   !t->frequency && !t->catchup.threshold && !t->mode) {
            /* One timer_mode for both (the translator checks they agree). */
            int xl = vxlEnumVirToXl(&vxlEnumTimerMode, t->tickpolicy);

            if (xl < 0)
                return vxlNativeFormatRefuse("this <timer tickpolicy>");
            if (!timerMode)
                vxlNativeFormatString(buf, "timer_mode", vxlEnumXlToCfg(&vxlEnumTimerMode, xl));
            else if (timerMode != t->tickpolicy)
                return vxlNativeFormatRefuse("<timer name='pit'> and <timer name='rtc'> with different tickpolicy");
            timerMode = t->tickpolicy;
        } else if (t->name == VIR_DOMAIN_TIMER_NAME_HYPERVCLOCK && hvm &&
                   !t->tickpolicy && !t->mode &&
                   (t->present != VIR_TRISTATE_BOOL_NO ||
                    def->features[VIR_DOMAIN_FEATURE_VIRIDIAN] == VIR_TRISTATE_SWITCH_ON ||
                    def->features[VIR_DOMAIN_FEATURE_HYPERV] == VIR_DOMAIN_HYPERV_MODE_CUSTOM)) {
            /* A viridian group, on or (present='no', beside the groups
             * it is taken from) off: written with viridian=
             * (native_features.c). */
        } else if (t->name == VIR_DOMAIN_TIMER_NAME_HPET && hvm && !t->tickpolicy &&
                   t->present != VIR_TRISTATE_BOOL_ABSENT) {
            virBufferAsprintf(buf, "hpet = %d\n", t->present == VIR_TRISTATE_BOOL_YES);
        } else {
            g_autofree char *what = g_strdup_printf("<clock><timer name='%s'> with these attributes",
                                                    virDomainTimerNameTypeToString(t->name));
            return vxlNativeFormatRefuse(what);
        }
    }
    return 0;
}



char *
vxlNativeFormatXL(const virDomainDef *def)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;

    if (def->virtType != VIR_DOMAIN_VIRT_XEN)
        return vxlNativeFormatRefuse("<domain type> other than xen"), NULL;
    /* <title>, <description> and <metadata> are not written: they are
     * the management application's notes about the guest (Nova's
     * instance, virt-install's libosinfo id), nothing libxl or xl reads,
     * so the xl.cfg starts the same domain without them. */
    if (def->resource || def->nsysinfo || def->idmap.nuidmap || def->nseclabels ||
        def->keywrap || def->sec || def->nshmems ||
        def->nmems || def->watchdog || def->nrngs ||
        def->nsmartcards || def->nhubs || def->npanics ||
        def->vsock || def->iommu || def->nleases || def->nparallels ||
        def->ntpms)
        return vxlNativeFormatRefuse("<resource>, <sysinfo>, <idmap>, <seclabel>, <launchSecurity>, or devices other than disks, interfaces, host devices, serials, consoles, channels, filesystems, inputs, graphics, video, sound and USB controllers"), NULL;
    if (vxlNativeFormatGeneral(&buf, def) < 0 ||
        vxlNativeFormatBoot(&buf, def) < 0 ||
        vxlNativeFormatFeatures(&buf, def) < 0 ||
        vxlNativeFormatCpuKeys(&buf, def) < 0 ||
        vxlNativeFormatFeatureKeys(&buf, def) < 0 ||
        vxlNativeFormatClock(&buf, def) < 0 ||
        vxlNativeFormatDevices(&buf, def) < 0 ||
        vxlNativeFormatKnobs(&buf, def) < 0)
        return NULL;
    return virBufferContentAndReset(&buf);
}
