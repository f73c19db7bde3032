/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_features.c: platform features, clock and memory tuning.
 *
 * Covers <features> <hap> (c_info.hap), <viridian/> (xl's viridian=1),
 * <hyperv mode='custom'> (libxl's viridian enlightenment groups),
 * <xen><e820_host/> (PV; ignored with a warning for other guests, as
 * <viridian/> and <hyperv> are for PV and PVH ones: xl ignores those
 * keys there) and <xen><passthrough mode> (c_info.passthrough),
 * <msrs unknown> (msr_relaxed), <pmu> (vpmu); <pm> <suspend-to-mem>
 * and <suspend-to-disk> (u.hvm.acpi_s3, acpi_s4); <controller type='xenbus'
 * maxGrantFrames maxEventChannels>; <clock offset='utc'|'localtime'|
 * 'variable'> (localtime, rtc_timeoffset) with <timer name='tsc'
 * mode>, <timer name='hpet' present>, <timer name='pit'|'rtc'
 * tickpolicy> (timer_mode).
 *
 * Refuses features libxl has no switch for (kvm, pvspinlock, smm,
 * vmport, ...), Hyper-V features that no viridian group provides,
 * clocks Xen cannot start from (timezone, absolute), timers libxl does
 * not model, <pm> for PV and PVH guests, and <memoryBacking>, <memtune>, <blkiotune> (Xen has no
 * hugepages for guests and no per-guest memory or I/O cgroups).
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "conf_devices.h"
#include "util_enums.h"
#include "virerror.h"
#include "virlog.h"
#include "virutil.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.translate_features");


/* Hyper-V enlightenments -> the viridian group that provides them.
 * Xen groups enlightenments coarser than libvirt lists them: "base"
 * (hypercall page, VP index, APIC MSRs, VP runtime, relaxed timing
 * hints, spinlock hint) carries several libvirt features. -1: no group
 * provides it. */
static int
vxlHypervGroup(virDomainHyperv feature)
{
    switch (feature) {
    case VIR_DOMAIN_HYPERV_RELAXED:
    case VIR_DOMAIN_HYPERV_VPINDEX:
    case VIR_DOMAIN_HYPERV_RUNTIME:
    case VIR_DOMAIN_HYPERV_SPINLOCKS:
        return LIBXL_VIRIDIAN_ENLIGHTENMENT_BASE;
    case VIR_DOMAIN_HYPERV_VAPIC:
        return LIBXL_VIRIDIAN_ENLIGHTENMENT_APIC_ASSIST;
    case VIR_DOMAIN_HYPERV_SYNIC:
        return LIBXL_VIRIDIAN_ENLIGHTENMENT_SYNIC;
    case VIR_DOMAIN_HYPERV_STIMER:
        return LIBXL_VIRIDIAN_ENLIGHTENMENT_STIMER;
    case VIR_DOMAIN_HYPERV_FREQUENCIES:
        return LIBXL_VIRIDIAN_ENLIGHTENMENT_FREQ;
    case VIR_DOMAIN_HYPERV_TLBFLUSH:
        return LIBXL_VIRIDIAN_ENLIGHTENMENT_HCALL_REMOTE_TLB_FLUSH;
    case VIR_DOMAIN_HYPERV_IPI:
        return LIBXL_VIRIDIAN_ENLIGHTENMENT_HCALL_IPI;
    case VIR_DOMAIN_HYPERV_RESET:
        return LIBXL_VIRIDIAN_ENLIGHTENMENT_CRASH_CTL;
    case VIR_DOMAIN_HYPERV_VENDOR_ID:
    case VIR_DOMAIN_HYPERV_REENLIGHTENMENT:
    case VIR_DOMAIN_HYPERV_EVMCS:
    case VIR_DOMAIN_HYPERV_AVIC:
    case VIR_DOMAIN_HYPERV_LAST:
        break;
    }
    return -1;
}

#define VXL_VIRIDIAN_GROUPS (LIBXL_VIRIDIAN_ENLIGHTENMENT_CPU_HOTPLUG + 1)


static int
vxlValidateHyperv(const virDomainDef *def)
{
    size_t i;

    if (def->features[VIR_DOMAIN_FEATURE_HYPERV] != VIR_DOMAIN_HYPERV_MODE_CUSTOM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<hyperv mode='passthrough'> is not supported by Xen: list the enlightenments with mode='custom'"));
        return -1;
    }
    for (i = 0; i < VIR_DOMAIN_HYPERV_LAST; i++) {
        if (def->hyperv_features[i] != VIR_TRISTATE_SWITCH_ON)
            continue;
        if (vxlHypervGroup(i) < 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<hyperv><%s state='on'> is not supported by Xen: no viridian enlightenment group provides it"),
                           virDomainHypervTypeToString(i));
            return -1;
        }
    }
    if (def->hyperv_features[VIR_DOMAIN_HYPERV_STIMER] == VIR_TRISTATE_SWITCH_ON &&
        def->hyperv_stimer_direct == VIR_TRISTATE_SWITCH_ON) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<hyperv><stimer><direct state='on'> is not supported by Xen"));
        return -1;
    }
    return 0;
}


static int
vxlValidateFeatureList(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < VIR_DOMAIN_FEATURE_LAST; i++) {
        if (def->features[i] == VIR_TRISTATE_SWITCH_ABSENT)
            continue;
        switch ((virDomainFeature)i) {
        case VIR_DOMAIN_FEATURE_ACPI:
        case VIR_DOMAIN_FEATURE_APIC:
        case VIR_DOMAIN_FEATURE_PAE:
        case VIR_DOMAIN_FEATURE_HAP:
        case VIR_DOMAIN_FEATURE_PMU:
        case VIR_DOMAIN_FEATURE_MSRS:
        case VIR_DOMAIN_FEATURE_XEN:
            continue;
        /* Ignored for PV and PVH guests (vxlNotesFeatures). */
        case VIR_DOMAIN_FEATURE_VIRIDIAN:
        case VIR_DOMAIN_FEATURE_HYPERV:
            continue;
        case VIR_DOMAIN_FEATURE_PRIVNET:
        case VIR_DOMAIN_FEATURE_KVM:
        case VIR_DOMAIN_FEATURE_PVSPINLOCK:
        case VIR_DOMAIN_FEATURE_VMPORT:
        case VIR_DOMAIN_FEATURE_GIC:
        case VIR_DOMAIN_FEATURE_SMM:
        case VIR_DOMAIN_FEATURE_HPT:
        case VIR_DOMAIN_FEATURE_VMCOREINFO:
        case VIR_DOMAIN_FEATURE_HTM:
        case VIR_DOMAIN_FEATURE_NESTED_HV:
        case VIR_DOMAIN_FEATURE_CCF_ASSIST:
        case VIR_DOMAIN_FEATURE_TCG:
            /* "off" is what Xen does anyway. */
            if (def->features[i] == VIR_TRISTATE_SWITCH_OFF)
                continue;
            G_GNUC_FALLTHROUGH;
        case VIR_DOMAIN_FEATURE_CAPABILITIES:
        case VIR_DOMAIN_FEATURE_IOAPIC:
        case VIR_DOMAIN_FEATURE_CFPC:
        case VIR_DOMAIN_FEATURE_SBBC:
        case VIR_DOMAIN_FEATURE_IBS:
            /* These hold a value of their own enum (a policy, a driver, a
             * workaround), not a switch: any value asks for something
             * libxl cannot do. */
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<features><%s/> is not supported by Xen: libxl has no such switch"),
                           virDomainFeatureTypeToString(i));
            return -1;
        case VIR_DOMAIN_FEATURE_LAST:
        default:
            virReportEnumRangeError(virDomainFeature, (int)i);
            return -1;
        }
    }

    if (def->features[VIR_DOMAIN_FEATURE_HYPERV] != VIR_TRISTATE_SWITCH_ABSENT &&
        def->features[VIR_DOMAIN_FEATURE_HYPERV] != VIR_DOMAIN_HYPERV_MODE_NONE &&
        vxlValidateHyperv(def) < 0)
        return -1;

    /* S3 and S4 are the ACPI sleep states qemu's firmware tables offer
     * an HVM guest; a PV or PVH guest has no such switch in libxl. */
    if ((def->pm.s3 || def->pm.s4) && def->os.type != VIR_DOMAIN_OSTYPE_HVM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<pm> is supported by Xen for HVM guests only"));
        return -1;
    }

    return 0;
}


static int
vxlValidateClock(const virDomainDef *def)
{
    size_t i;

    switch ((virDomainClockOffsetType)def->clock.offset) {
    case VIR_DOMAIN_CLOCK_OFFSET_UTC:
    case VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME:
    case VIR_DOMAIN_CLOCK_OFFSET_VARIABLE:
        break;
    case VIR_DOMAIN_CLOCK_OFFSET_TIMEZONE:
    case VIR_DOMAIN_CLOCK_OFFSET_ABSOLUTE:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<clock offset='%s'> is not supported by Xen: use 'utc', 'localtime' or 'variable'"),
                       virDomainClockOffsetTypeToString(def->clock.offset));
        return -1;
    case VIR_DOMAIN_CLOCK_OFFSET_LAST:
    default:
        virReportEnumRangeError(virDomainClockOffsetType, def->clock.offset);
        return -1;
    }
    if (def->clock.offset == VIR_DOMAIN_CLOCK_OFFSET_VARIABLE &&
        (def->clock.data.variable.adjustment > INT32_MAX ||
         def->clock.data.variable.adjustment < INT32_MIN)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<clock adjustment> is out of range for Xen's 32-bit RTC offset"));
        return -1;
    }

    for (i = 0; i < def->clock.ntimers; i++) {
        const virDomainTimerDef *t = def->clock.timers[i];
        const char *name = virDomainTimerNameTypeToString(t->name);

        if (t->catchup.threshold || t->catchup.slew || t->catchup.limit ||
            t->track != VIR_DOMAIN_TIMER_TRACK_NONE) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<timer name='%s'> track or <catchup> is not supported by Xen"),
                           name);
            return -1;
        }
        switch (t->name) {
        case VIR_DOMAIN_TIMER_NAME_TSC:
            if (t->frequency || t->mode == VIR_DOMAIN_TIMER_MODE_SMPSAFE ||
                t->tickpolicy != VIR_DOMAIN_TIMER_TICKPOLICY_NONE ||
                t->present == VIR_TRISTATE_BOOL_NO) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<timer name='tsc'> supports only mode='auto'|'native'|'emulate'|'paravirt' with Xen"));
                return -1;
            }
            break;
        case VIR_DOMAIN_TIMER_NAME_HPET:
            if (def->os.type != VIR_DOMAIN_OSTYPE_HVM ||
                t->tickpolicy != VIR_DOMAIN_TIMER_TICKPOLICY_NONE) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<timer name='hpet'> supports only present='yes'|'no', for HVM guests, with Xen"));
                return -1;
            }
            break;
        case VIR_DOMAIN_TIMER_NAME_PIT:
        case VIR_DOMAIN_TIMER_NAME_RTC:
            /* Xen always emulates both for HVM guests; the tick policy
             * is one setting for the platform timers. */
            if (def->os.type != VIR_DOMAIN_OSTYPE_HVM ||
                t->present == VIR_TRISTATE_BOOL_NO) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<timer name='%s'> supports only tickpolicy, for HVM guests, with Xen: Xen always emulates it"),
                               name);
                return -1;
            }
            break;
        /* Hyper-V's reference time counter: Xen's viridian group
         * time_ref_count, which builds on the base group. */
        case VIR_DOMAIN_TIMER_NAME_HYPERVCLOCK:
            if (def->os.type != VIR_DOMAIN_OSTYPE_HVM ||
                t->tickpolicy != VIR_DOMAIN_TIMER_TICKPOLICY_NONE || t->mode || t->frequency) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<timer name='hypervclock'> supports only present='yes'|'no', for HVM guests, with Xen"));
                return -1;
            }
            if (def->features[VIR_DOMAIN_FEATURE_VIRIDIAN] != VIR_TRISTATE_SWITCH_ON &&
                def->features[VIR_DOMAIN_FEATURE_HYPERV] != VIR_DOMAIN_HYPERV_MODE_CUSTOM) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<timer name='hypervclock'> needs <features><viridian/> or <hyperv mode='custom'>: Xen's time_ref_count group builds on the base group those enable"));
                return -1;
            }
            break;
        /* Other hypervisors' paravirtual clocks: Xen guests read Xen's
         * own PV clock, which needs no switch. */
        case VIR_DOMAIN_TIMER_NAME_KVMCLOCK:
        /* Neither exists in a Xen x86 guest. */
        case VIR_DOMAIN_TIMER_NAME_ARMVTIMER:
        case VIR_DOMAIN_TIMER_NAME_PLATFORM:
        case VIR_DOMAIN_TIMER_NAME_LAST:
        default:
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<timer name='%s'> is not supported by Xen"),
                           NULLSTR(name));
            return -1;
        }
    }
    /* pit and rtc share libxl's one timer_mode. */
    for (i = 0; i < def->clock.ntimers; i++) {
        size_t j;

        for (j = i + 1; j < def->clock.ntimers; j++) {
            const virDomainTimerDef *a = def->clock.timers[i];
            const virDomainTimerDef *b = def->clock.timers[j];

            if ((a->name == VIR_DOMAIN_TIMER_NAME_PIT || a->name == VIR_DOMAIN_TIMER_NAME_RTC) &&
                (b->name == VIR_DOMAIN_TIMER_NAME_PIT || b->name == VIR_DOMAIN_TIMER_NAME_RTC) &&
                a->tickpolicy != b->tickpolicy) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<timer name='pit'> and <timer name='rtc'> with different tickpolicy are not supported by Xen: it has one timer mode"));
                return -1;
            }
        }
    }
    return 0;
}


static int
vxlValidateMemoryTuning(const virDomainDef *def)
{
    if (def->mem.nhugepages > 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<memoryBacking><hugepages> is not supported by Xen: Xen backs guests with superpages itself where it can"));
        return -1;
    }
    if (def->mem.nosharepages || def->mem.locked ||
        def->mem.source || def->mem.access || def->mem.allocation ||
        def->mem.discard) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<memoryBacking> is not supported by Xen: guest memory always comes from the hypervisor's heap"));
        return -1;
    }
    if (virMemoryLimitIsSet(def->mem.hard_limit) ||
        virMemoryLimitIsSet(def->mem.soft_limit) ||
        def->mem.min_guarantee ||
        virMemoryLimitIsSet(def->mem.swap_hard_limit)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<memtune> is not supported by Xen: a guest's memory is exactly <memory>, never swapped"));
        return -1;
    }
    if (def->blkio.weight || def->blkio.ndevices) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<blkiotune> is not supported by Xen"));
        return -1;
    }
    return 0;
}


void
vxlNotesFeatures(const virDomainDef *def)
{
    static const virDomainFeature viridian[] = {
        VIR_DOMAIN_FEATURE_VIRIDIAN, VIR_DOMAIN_FEATURE_HYPERV,
    };
    size_t i;

    /* xl reads viridian= for HVM guests only and ignores it, without a
     * word, for PV and PVH ones (which have no Viridian interface to
     * offer); libvirt's libxl driver does the same, and Qubes OS writes
     * <viridian/> for every guest type. So it is ignored here too, said
     * in the log. */
    for (i = 0; i < G_N_ELEMENTS(viridian); i++) {
        if (def->os.type != VIR_DOMAIN_OSTYPE_HVM &&
            def->features[viridian[i]] != VIR_TRISTATE_SWITCH_ABSENT &&
            def->features[viridian[i]] != VIR_TRISTATE_SWITCH_OFF)
            VIR_WARN("domain '%s': <features><%s/> is ignored: Xen offers Viridian to HVM guests only",
                     def->name, virDomainFeatureTypeToString(viridian[i]));
    }
    /* e820_host is a PV build option: xl reads it for PV guests only and
     * ignores it for HVM and PVH ones, as libvirt's libxl driver does
     * (Qubes OS writes it for every guest type). Ignored here too, said
     * in the log. */
    if (def->features[VIR_DOMAIN_FEATURE_XEN] == VIR_TRISTATE_SWITCH_ON &&
        def->xen_features[VIR_DOMAIN_XEN_E820_HOST] == VIR_TRISTATE_SWITCH_ON &&
        def->os.type != VIR_DOMAIN_OSTYPE_XEN)
        VIR_WARN("domain '%s': <features><xen><e820_host state='on'/> is ignored: Xen uses the host's memory map for PV guests only",
                 def->name);
}


int
vxlValidateFeatures(const virDomainDef *def)
{
    if (vxlValidateFeatureList(def) < 0 ||
        vxlValidateClock(def) < 0 ||
        vxlValidateMemoryTuning(def) < 0)
        return -1;
    return 0;
}


static void
vxlTranslateHyperv(const virDomainDef *def, libxl_domain_build_info *b_info)
{
    size_t i;

    vxlTranslateBitmapAlloc(&b_info->u.hvm.viridian_enable, VXL_VIRIDIAN_GROUPS);
    /* Every other group needs "base". */
    libxl_bitmap_set(&b_info->u.hvm.viridian_enable, LIBXL_VIRIDIAN_ENLIGHTENMENT_BASE);
    for (i = 0; i < VIR_DOMAIN_HYPERV_LAST; i++) {
        if (def->hyperv_features[i] == VIR_TRISTATE_SWITCH_ON)
            libxl_bitmap_set(&b_info->u.hvm.viridian_enable, vxlHypervGroup(i));
    }
    /* Xen's synthetic timers count in the reference time the
     * time_ref_count group provides; <timer name='hypervclock'
     * present='no'> keeps the group out of the config (xl's "all",
     * "!time_ref_count", or "stimer" without it), as libxl refuses a
     * group both enabled and disabled. */
    if (def->hyperv_features[VIR_DOMAIN_HYPERV_STIMER] == VIR_TRISTATE_SWITCH_ON &&
        !vxlHypervClockOff(def))
        libxl_bitmap_set(&b_info->u.hvm.viridian_enable,
                         LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT);
}


/* <timer name='hypervclock'>: the time_ref_count group on, or off
 * although <viridian/>'s defaults include it (libxl applies the
 * disable set last). */
static void
vxlTranslateHypervClock(const virDomainDef *def, libxl_domain_build_info *b_info)
{
    size_t i;

    for (i = 0; i < def->clock.ntimers; i++) {
        const virDomainTimerDef *t = def->clock.timers[i];
        libxl_bitmap *set = t->present == VIR_TRISTATE_BOOL_NO ?
            &b_info->u.hvm.viridian_disable : &b_info->u.hvm.viridian_enable;

        if (t->name != VIR_DOMAIN_TIMER_NAME_HYPERVCLOCK)
            continue;
        if (set->size == 0)
            vxlTranslateBitmapAlloc(set, VXL_VIRIDIAN_GROUPS);
        libxl_bitmap_set(set, LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT);
    }
}


static libxl_passthrough
vxlTranslatePassthrough(const virDomainDef *def)
{
    if (def->xen_features[VIR_DOMAIN_XEN_PASSTHROUGH] == VIR_TRISTATE_SWITCH_OFF)
        return LIBXL_PASSTHROUGH_DISABLED;
    switch (def->xen_passthrough_mode) {
    case VIR_DOMAIN_XEN_PASSTHROUGH_MODE_SYNC_PT:
        return LIBXL_PASSTHROUGH_SYNC_PT;
    case VIR_DOMAIN_XEN_PASSTHROUGH_MODE_SHARE_PT:
        return LIBXL_PASSTHROUGH_SHARE_PT;
    case VIR_DOMAIN_XEN_PASSTHROUGH_MODE_DEFAULT:
    case VIR_DOMAIN_XEN_PASSTHROUGH_MODE_LAST:
        break;
    }
    return LIBXL_PASSTHROUGH_ENABLED;
}


static void
vxlTranslateFeatureList(const virDomainDef *def, libxl_domain_config *dcfg)
{
    libxl_domain_build_info *b_info = &dcfg->b_info;
    size_t i;

    if (def->features[VIR_DOMAIN_FEATURE_HAP] != VIR_TRISTATE_SWITCH_ABSENT)
        libxl_defbool_set(&dcfg->c_info.hap,
                          def->features[VIR_DOMAIN_FEATURE_HAP] == VIR_TRISTATE_SWITCH_ON);
    if (def->features[VIR_DOMAIN_FEATURE_PMU] != VIR_TRISTATE_SWITCH_ABSENT)
        libxl_defbool_set(&b_info->vpmu,
                          def->features[VIR_DOMAIN_FEATURE_PMU] == VIR_TRISTATE_SWITCH_ON);
    if (def->features[VIR_DOMAIN_FEATURE_MSRS] == VIR_TRISTATE_SWITCH_ON)
        libxl_defbool_set(&b_info->arch_x86.msr_relaxed,
                          def->msrs_features[VIR_DOMAIN_MSRS_UNKNOWN] == VIR_DOMAIN_MSRS_UNKNOWN_IGNORE);

    if (b_info->type == LIBXL_DOMAIN_TYPE_HVM) {
        if (def->features[VIR_DOMAIN_FEATURE_VIRIDIAN] != VIR_TRISTATE_SWITCH_ABSENT)
            libxl_defbool_set(&b_info->u.hvm.viridian,
                              def->features[VIR_DOMAIN_FEATURE_VIRIDIAN] == VIR_TRISTATE_SWITCH_ON);
        if (def->features[VIR_DOMAIN_FEATURE_HYPERV] == VIR_DOMAIN_HYPERV_MODE_CUSTOM)
            vxlTranslateHyperv(def, b_info);
        vxlTranslateHypervClock(def, b_info);
        /* Unset, libxl offers both sleep states (its default, as xl's). */
        if (def->pm.s3)
            libxl_defbool_set(&b_info->u.hvm.acpi_s3, def->pm.s3 == VIR_TRISTATE_BOOL_YES);
        if (def->pm.s4)
            libxl_defbool_set(&b_info->u.hvm.acpi_s4, def->pm.s4 == VIR_TRISTATE_BOOL_YES);
    }

    if (def->features[VIR_DOMAIN_FEATURE_XEN] == VIR_TRISTATE_SWITCH_ON) {
        if (def->xen_features[VIR_DOMAIN_XEN_E820_HOST] != VIR_TRISTATE_SWITCH_ABSENT &&
            b_info->type == LIBXL_DOMAIN_TYPE_PV)
            libxl_defbool_set(&b_info->u.pv.e820_host,
                              def->xen_features[VIR_DOMAIN_XEN_E820_HOST] == VIR_TRISTATE_SWITCH_ON);
        if (def->xen_features[VIR_DOMAIN_XEN_PASSTHROUGH] != VIR_TRISTATE_SWITCH_ABSENT)
            dcfg->c_info.passthrough = vxlTranslatePassthrough(def);
    }

    /* <controller type='xenbus'> carries the grant table and event
     * channel limits (xl's max_grant_frames=, max_event_channels=). */
    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *cont = def->controllers[i];

        if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_XENBUS)
            continue;
        if (cont->opts.xenbusopts.maxGrantFrames > 0)
            b_info->max_grant_frames = cont->opts.xenbusopts.maxGrantFrames;
        if (cont->opts.xenbusopts.maxEventChannels > 0)
            b_info->event_channels = cont->opts.xenbusopts.maxEventChannels;
    }
}


static libxl_timer_mode
vxlTranslateTickPolicy(virDomainTimerTickpolicyType policy)
{
    int mode = vxlEnumVirToXl(&vxlEnumTimerMode, policy);

    return mode < 0 ? LIBXL_TIMER_MODE_DEFAULT : mode;
}


static libxl_tsc_mode
vxlTranslateTscMode(virDomainTimerModeType mode)
{
    int xl = vxlEnumVirToXl(&vxlEnumTscMode, mode);

    /* No mode given, or "auto": libxl chooses. smpsafe has no TSC mode
     * in Xen; validation refused it already. */
    return xl < 0 ? LIBXL_TSC_MODE_DEFAULT : xl;
}


static void
vxlTranslateClock(const virDomainDef *def, libxl_domain_build_info *b_info)
{
    size_t i;

    /* UTC is libxl's default and is left unset, as xl leaves it. */
    switch ((virDomainClockOffsetType)def->clock.offset) {
    case VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME:
        libxl_defbool_set(&b_info->localtime, true);
        break;
    case VIR_DOMAIN_CLOCK_OFFSET_VARIABLE:
        if (def->clock.data.variable.basis == VIR_DOMAIN_CLOCK_BASIS_LOCALTIME)
            libxl_defbool_set(&b_info->localtime, true);
        /* Seconds, added to the basis; two's complement for a clock
         * behind it, as Xen's RTC reads it. */
        b_info->rtc_timeoffset = (uint32_t)def->clock.data.variable.adjustment;
        break;
    /* UTC is libxl's default: nothing to set. */
    case VIR_DOMAIN_CLOCK_OFFSET_UTC:
    /* Refused at define: libxl has no absolute or named-zone clock. */
    case VIR_DOMAIN_CLOCK_OFFSET_ABSOLUTE:
    case VIR_DOMAIN_CLOCK_OFFSET_TIMEZONE:
    case VIR_DOMAIN_CLOCK_OFFSET_LAST:
        break;
    }

    for (i = 0; i < def->clock.ntimers; i++) {
        const virDomainTimerDef *t = def->clock.timers[i];

        switch (t->name) {
        case VIR_DOMAIN_TIMER_NAME_TSC:
            b_info->tsc_mode = vxlTranslateTscMode(t->mode);
            break;
        case VIR_DOMAIN_TIMER_NAME_HPET:
            if (t->present != VIR_TRISTATE_BOOL_ABSENT)
                libxl_defbool_set(&b_info->u.hvm.hpet, t->present == VIR_TRISTATE_BOOL_YES);
            break;
        case VIR_DOMAIN_TIMER_NAME_PIT:
        case VIR_DOMAIN_TIMER_NAME_RTC:
            if (t->tickpolicy != VIR_DOMAIN_TIMER_TICKPOLICY_NONE)
                b_info->timer_mode = vxlTranslateTickPolicy(t->tickpolicy);
            break;
        default:
            break;
        }
    }
}


int
vxlTranslateFeatures(const virDomainDef *def, libxl_domain_config *dcfg)
{
    if (vxlValidateFeatures(def) < 0)
        return -1;

    vxlTranslateFeatureList(def, dcfg);
    vxlTranslateClock(def, &dcfg->b_info);
    return 0;
}
