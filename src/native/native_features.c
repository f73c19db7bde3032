/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_features.c: xl.cfg's platform feature keys <-> domain XML.
 *
 *   viridian=            <features><viridian/> and <hyperv mode='custom'>
 *   msr_relaxed=         <features><msrs unknown='ignore'|'fault'>
 *   vpmu=                <features><pmu state>
 *   max_grant_frames=,
 *   max_event_channels=  <controller type='xenbus' maxGrantFrames
 *                        maxEventChannels>
 *   acpi_firmware=       <os><acpi><table type='slic'> (HVM)
 *   ms_vm_genid=         <genid/> (HVM)
 *
 * Each mapping is the inverse of what translate_features.c and
 * translate_misc.c build from the XML, so that xl and the driver start
 * the same guest from either file (tests/native/check-xl compares them).
 */
#include "vxl_internal.h"

#include <libxl.h>

#include "native_private.h"
#include "conf_devices.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* ---- viridian ------------------------------------------------------------
 *
 * xl's viridian= is either a boolean (libxl's "defaults" set of groups)
 * or a list of groups, "defaults", "all" and "!group" exclusions; libxl
 * turns both into one set of groups at create. translate_features.c
 * builds that set from <viridian/> (the defaults) and <hyperv
 * mode='custom'>, whose features it maps to groups with vxlHypervGroup();
 * the table below is that function read backwards. */

#define VXL_VIRIDIAN_NGROUPS (LIBXL_VIRIDIAN_ENLIGHTENMENT_CPU_HOTPLUG + 1)
#define VXL_VIRIDIAN_BIT(g) (1u << (g))
#define VXL_VIRIDIAN_ALL ((1u << VXL_VIRIDIAN_NGROUPS) - 1)
/* libxl's set for viridian=1 (hvm_set_viridian_features). */
#define VXL_VIRIDIAN_DEFAULTS \
    (VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_BASE) | \
     VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_FREQ) | \
     VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT) | \
     VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_APIC_ASSIST) | \
     VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_CRASH_CTL))

/* The <hyperv> features that ask for each group; -1 ends a row. A group
 * with none has no libvirt element. "base" is asked for by any of
 * several features, and by <hyperv mode='custom'> itself; <spinlocks>
 * also maps to it but carries a retry count Xen does not take, so it is
 * never written. time_ref_count comes with <stimer>. */
static const int vxlViridianFeatures[VXL_VIRIDIAN_NGROUPS][4] = {
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_BASE] = { VIR_DOMAIN_HYPERV_RELAXED, VIR_DOMAIN_HYPERV_VPINDEX,
                                            VIR_DOMAIN_HYPERV_RUNTIME, -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_FREQ] = { VIR_DOMAIN_HYPERV_FREQUENCIES, -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT] = { -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_REFERENCE_TSC] = { -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_HCALL_REMOTE_TLB_FLUSH] = { VIR_DOMAIN_HYPERV_TLBFLUSH, -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_APIC_ASSIST] = { VIR_DOMAIN_HYPERV_VAPIC, -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_CRASH_CTL] = { VIR_DOMAIN_HYPERV_RESET, -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_SYNIC] = { VIR_DOMAIN_HYPERV_SYNIC, -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_STIMER] = { VIR_DOMAIN_HYPERV_STIMER, -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_HCALL_IPI] = { VIR_DOMAIN_HYPERV_IPI, -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_EX_PROCESSOR_MASKS] = { -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_NO_VP_LIMIT] = { -1 },
    [LIBXL_VIRIDIAN_ENLIGHTENMENT_CPU_HOTPLUG] = { -1 },
};


/* The group a <hyperv> feature asks for, or -1. */
static int
vxlViridianGroupOf(int feature)
{
    size_t g;
    size_t i;

    /* <spinlocks> asks for base too (translate_features.c). */
    if (feature == VIR_DOMAIN_HYPERV_SPINLOCKS)
        return LIBXL_VIRIDIAN_ENLIGHTENMENT_BASE;
    for (g = 0; g < VXL_VIRIDIAN_NGROUPS; g++) {
        for (i = 0; vxlViridianFeatures[g][i] >= 0; i++) {
            if (vxlViridianFeatures[g][i] == feature)
                return g;
        }
    }
    return -1;
}


/* libxl's set of groups for viridian=, as hvm_set_viridian_features
 * computes it from what xl parsed; -1 with an error where libxl would
 * refuse the guest. */
static int
vxlNativeViridianSet(vxlNativeReader *r, unsigned int *set)
{
    XLU_ConfigList *list = NULL;
    unsigned int enable = 0;
    unsigned int disable = 0;
    bool defaults = false;
    int n = 0;
    int i;

    vxlNativeMarkUsed(r, "viridian");
    if (xlu_cfg_get_list(r->xlu, "viridian", &list, &n, 1) != 0) {
        const char *str = NULL;
        long l = 0;

        /* Not a list: xl reads a boolean (xlu_cfg_get_defbool), and
         * leaves viridian at libxl's default (off) when the string is
         * no number ("all" written without the brackets of a list). */
        if (xlu_cfg_get_long(r->xlu, "viridian", &l, 1) != 0) {
            xlu_cfg_get_string(r->xlu, "viridian", &str, 1);
            vxlNativeWarn(r, "viridian",
                          _("'%s' is neither a number nor a list of groups: xl ignores it and leaves viridian off (a list is written [\"%s\"])"),
                          NULLSTR(str), NULLSTR(str));
            *set = 0;
            return 0;
        }
        *set = l ? VXL_VIRIDIAN_DEFAULTS : 0;
        return 0;
    }

    for (i = 0; i < n; i++) {
        const char *item = xlu_cfg_get_listitem(list, i);
        libxl_viridian_enlightenment group;
        unsigned int *on = &enable;
        unsigned int *off = &disable;

        if (!item) {
            vxlNativeError(r, "viridian", _("item %d is a list, expected a group name"), i + 1);
            return -1;
        }
        if (STREQ(item, "all")) {
            enable |= VXL_VIRIDIAN_ALL;
            continue;
        }
        if (STREQ(item, "defaults")) {
            defaults = true;
            continue;
        }
        if (*item == '!') {
            on = &disable;
            off = &enable;
            item++;
        }
        if (libxl_viridian_enlightenment_from_string(item, &group) != 0 ||
            group >= VXL_VIRIDIAN_NGROUPS) {
            vxlNativeError(r, "viridian", _("'%s' is not an enlightenment group"), item);
            return -1;
        }
        /* A later item overrides an earlier one, as in xl. */
        *on |= VXL_VIRIDIAN_BIT(group);
        *off &= ~VXL_VIRIDIAN_BIT(group);
    }

    if (enable & disable) {
        vxlNativeError(r, "viridian", "%s",
                       _("a group is both enabled and disabled ('!group' before 'all'), which libxl refuses"));
        return -1;
    }
    *set = ((defaults ? VXL_VIRIDIAN_DEFAULTS : 0) | enable) & ~disable;
    if (*set && !(*set & VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_BASE))) {
        vxlNativeError(r, "viridian", "%s",
                       _("every other group needs 'base', which libxl refuses to leave out"));
        return -1;
    }
    return 0;
}


static int
vxlNativeParseViridian(vxlNativeReader *r, vxlNativeXML *x)
{
    unsigned int set = 0;
    unsigned int rest;
    bool stimer;
    size_t g;
    size_t i;

    if (!vxlNativeHas(r, "viridian"))
        return 0;
    if (vxlNativeViridianSet(r, &set) < 0)
        return -1;
    if (!set)
        return 0;

    /* The defaults as <viridian/>, what is beyond them in <hyperv>. */
    rest = set;
    if ((set & VXL_VIRIDIAN_DEFAULTS) == VXL_VIRIDIAN_DEFAULTS) {
        virBufferAddLit(&x->features, "<viridian/>\n");
        rest &= ~VXL_VIRIDIAN_DEFAULTS;
    }
    stimer = rest & VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_STIMER);
    /* <hyperv><stimer> brings time_ref_count (translate_features.c)
     * unless <timer name='hypervclock' present='no'> keeps the group out,
     * as xl's list without it (or with "!time_ref_count" after "all")
     * does: the libxl config is then xl's. */
    if (stimer && !(set & VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT)))
        virBufferAddLit(&x->clock, "<timer name='hypervclock' present='no'/>\n");
    if (stimer)
        rest &= ~VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT);
    /* The reference time counter by itself is libvirt's hypervclock. */
    if (rest & VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT)) {
        virBufferAddLit(&x->clock, "<timer name='hypervclock' present='yes'/>\n");
        rest &= ~VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT);
    }
    /* Groups libvirt has no element for, in the namespace. */
    {
        g_autoptr(GString) others = g_string_new(NULL);

        for (g = 0; g < VXL_VIRIDIAN_NGROUPS; g++) {
            if ((rest & VXL_VIRIDIAN_BIT(g)) && vxlViridianFeatures[g][0] < 0) {
                g_string_append_printf(others, "%s%s", others->len ? "," : "",
                                       libxl_viridian_enlightenment_to_string(g));
                rest &= ~VXL_VIRIDIAN_BIT(g);
            }
        }
        if (others->len) {
            virBufferEscapeString(&x->xmlns, "<virtxl:viridian value='%s'/>\n", others->str);
            /* <virtxl:viridian> builds on the base group: <viridian/>'s,
             * or else <hyperv>'s. */
            if ((set & VXL_VIRIDIAN_DEFAULTS) != VXL_VIRIDIAN_DEFAULTS)
                rest |= VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_BASE);
        }
    }
    if (!rest)
        return 0;

    virBufferAddLit(&x->features, "<hyperv mode='custom'>\n");
    for (g = 0; g < VXL_VIRIDIAN_NGROUPS; g++) {
        libxl_viridian_enlightenment group = g;

        if (!(rest & VXL_VIRIDIAN_BIT(g)))
            continue;
        if (vxlViridianFeatures[g][0] < 0) {
            /* Only base's own features remain beyond <viridian/>. */
            (void)group;
            continue;
        }
        for (i = 0; vxlViridianFeatures[g][i] >= 0; i++)
            virBufferAsprintf(&x->features, "  <%s state='on'/>\n",
                              virDomainHypervTypeToString(vxlViridianFeatures[g][i]));
    }
    virBufferAddLit(&x->features, "</hyperv>\n");
    return 0;
}


/* The groups beyond <viridian/> and <hyperv>: <timer name='hypervclock'>
 * (time_ref_count) and <virtxl:viridian>. */
static unsigned int
vxlNativeViridianExtra(const virDomainDef *def)
{
    const char *ns = vxlNativeXMLNSKeyValue(def, VXL_XMLNS_KEY_VIRIDIAN);
    unsigned int set = 0;
    size_t i;

    for (i = 0; i < def->clock.ntimers; i++) {
        if (def->clock.timers[i]->name == VIR_DOMAIN_TIMER_NAME_HYPERVCLOCK &&
            def->clock.timers[i]->present != VIR_TRISTATE_BOOL_NO)
            set |= VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT);
    }
    if (ns) {
        g_auto(GStrv) groups = g_strsplit(ns, ",", -1);

        for (i = 0; groups[i]; i++) {
            libxl_viridian_enlightenment g;

            if (libxl_viridian_enlightenment_from_string(groups[i], &g) == 0)
                set |= VXL_VIRIDIAN_BIT(g);
        }
    }
    return set;
}


static int
vxlNativeFormatViridian(virBuffer *buf, const virDomainDef *def)
{
    bool defaults = def->features[VIR_DOMAIN_FEATURE_VIRIDIAN] == VIR_TRISTATE_SWITCH_ON;
    int mode = def->features[VIR_DOMAIN_FEATURE_HYPERV];
    g_autoptr(GPtrArray) items = NULL;
    unsigned int set;
    unsigned int extra;
    bool clockOff;
    size_t i;

    if (mode == VIR_DOMAIN_HYPERV_MODE_PASSTHROUGH)
        return vxlNativeFormatRefuse("<hyperv mode='passthrough'>");
    if (!defaults && mode != VIR_DOMAIN_HYPERV_MODE_CUSTOM)
        return 0;
    /* For a PV or PVH guest viridian= is written all the same: xl
     * ignores it there, as the translator ignores the elements. */
    extra = vxlNativeViridianExtra(def);
    clockOff = vxlHypervClockOff(def);
    if (mode != VIR_DOMAIN_HYPERV_MODE_CUSTOM && !extra && !clockOff) {
        virBufferAddLit(buf, "viridian = 1\n");
        return 0;
    }

    /* The groups translate_features.c enables, the namespace's
     * (translate_xmlns_keys_libxl.c) and hypervclock's
     * (vxlTranslateHypervClock). */
    set = VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_BASE) | extra;
    for (i = 0; i < VIR_DOMAIN_HYPERV_LAST; i++) {
        int group;

        if (def->hyperv_features[i] != VIR_TRISTATE_SWITCH_ON)
            continue;
        if (i == VIR_DOMAIN_HYPERV_SPINLOCKS) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<hyperv><spinlocks retries='%u'> cannot be expressed in xl.cfg: Xen's base group advertises its own retry count"),
                           def->hyperv_spinlocks);
            return -1;
        }
        if ((group = vxlViridianGroupOf(i)) < 0) {
            g_autofree char *what = g_strdup_printf("<hyperv><%s>", virDomainHypervTypeToString(i));
            return vxlNativeFormatRefuse(what);
        }
        set |= VXL_VIRIDIAN_BIT(group);
    }
    if (def->hyperv_features[VIR_DOMAIN_HYPERV_STIMER] == VIR_TRISTATE_SWITCH_ON) {
        if (def->hyperv_stimer_direct == VIR_TRISTATE_SWITCH_ON)
            return vxlNativeFormatRefuse("<hyperv><stimer><direct state='on'>");
        if (!clockOff)
            set |= VXL_VIRIDIAN_BIT(LIBXL_VIRIDIAN_ENLIGHTENMENT_TIME_REF_COUNT);
    }
    if (defaults)
        set |= VXL_VIRIDIAN_DEFAULTS;
    /* A feature turned off whose group is on anyway: xl.cfg cannot
     * take one feature out of a group. */
    for (i = 0; i < VIR_DOMAIN_HYPERV_LAST; i++) {
        int group = vxlViridianGroupOf(i);

        if (def->hyperv_features[i] == VIR_TRISTATE_SWITCH_OFF && group >= 0 &&
            (set & VXL_VIRIDIAN_BIT(group))) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<hyperv><%s state='off'> cannot be expressed in xl.cfg: Xen's group '%s' provides it and is on"),
                           virDomainHypervTypeToString(i),
                           libxl_viridian_enlightenment_to_string(group));
            return -1;
        }
    }

    items = g_ptr_array_new();
    if (defaults) {
        g_ptr_array_add(items, (char *)"defaults");
        set &= ~VXL_VIRIDIAN_DEFAULTS;
    }
    for (i = 0; i < VXL_VIRIDIAN_NGROUPS; i++) {
        if (set & VXL_VIRIDIAN_BIT(i))
            g_ptr_array_add(items, (char *)libxl_viridian_enlightenment_to_string(i));
    }
    /* Out of the defaults only by xl's exclusion, which libxl applies
     * last; without them, by leaving it out. */
    if (clockOff && defaults)
        g_ptr_array_add(items, (char *)"!time_ref_count");
    vxlNativeFormatList(buf, "viridian", items);
    return 0;
}


/* ---- the other switches ------------------------------------------------ */

static int
vxlNativeParseSwitches(vxlNativeReader *r, vxlNativeXML *x)
{
    bool b;
    long l;
    int rc;

    /* arch_x86.msr_relaxed, any guest type (translate_features.c). */
    if ((rc = vxlNativeGetBool(r, "msr_relaxed", &b)) < 0)
        return -1;
    if (rc > 0)
        virBufferAsprintf(&x->features, "<msrs unknown='%s'/>\n", b ? "ignore" : "fault");

    if ((rc = vxlNativeGetBool(r, "vpmu", &b)) < 0)
        return -1;
    if (rc > 0)
        virBufferAsprintf(&x->features, "<pmu state='%s'/>\n", b ? "on" : "off");

    /* Both limits live on the one xenbus controller. libxl takes 0 as
     * "its default" for either; so does libvirt's absent attribute. */
    {
        g_autoptr(GString) attrs = g_string_new(NULL);

        /* xl reads it bounded, to a C int, and fails on anything else. */
        if ((rc = vxlNativeGetBoundedLong(r, "max_grant_frames", 0, INT_MAX, &l)) < 0)
            return -1;
        if (rc > 0 && l > 0)
            g_string_append_printf(attrs, " maxGrantFrames='%ld'", l);
        if ((rc = vxlNativeGetLong(r, "max_event_channels", &l)) < 0)
            return -1;
        if (rc > 0 && (l < 0 || l > UINT32_MAX)) {
            vxlNativeError(r, "max_event_channels", _("%ld is out of range"), l);
            return -1;
        }
        if (rc > 0 && l > 0)
            g_string_append_printf(attrs, " maxEventChannels='%ld'", l);
        if (attrs->len)
            virBufferAsprintf(&x->devices, "<controller type='xenbus' index='0'%s/>\n", attrs->str);
    }
    return 0;
}


static int
vxlNativeParseHVMOnly(vxlNativeReader *r, vxlNativeXML *x)
{
    const char *str = NULL;

    if (r->type != LIBXL_DOMAIN_TYPE_HVM)
        return 0;

    /* xl loads the file as the guest's extra ACPI tables; libvirt's one
     * table element for it is the SLIC (translate_misc.c). */
    if (vxlNativeGetString(r, "acpi_firmware", &str) < 0)
        return -1;
    if (str) {
        virBufferAddLit(&x->os, "<acpi>\n");
        virBufferEscapeString(&x->os, "  <table type='slic'>%s</table>\n", str);
        virBufferAddLit(&x->os, "</acpi>\n");
    }

    if (vxlNativeGetString(r, "ms_vm_genid", &str) < 0)
        return -1;
    if (str && STREQ(str, "generate")) {
        /* An empty <genid/>: libvirt generates the ID, as xl does. */
        virBufferAddLit(&x->top, "<genid/>\n");
    } else if (str && STRNEQ(str, "none")) {
        vxlNativeError(r, "ms_vm_genid", _("'%s' is neither 'generate' nor 'none'"), str);
        return -1;
    }
    return vxlNativeParseViridian(r, x);
}


int
vxlNativeParseFeatureKeys(vxlNativeReader *r, vxlNativeXML *x)
{
    if (vxlNativeParseSwitches(r, x) < 0 ||
        vxlNativeParseHVMOnly(r, x) < 0)
        return -1;
    return 0;
}


int
vxlNativeFormatFeatureKeys(virBuffer *buf, const virDomainDef *def)
{
    bool hvm = def->os.type == VIR_DOMAIN_OSTYPE_HVM;
    size_t i;

    if (vxlNativeFormatViridian(buf, def) < 0)
        return -1;

    if (def->features[VIR_DOMAIN_FEATURE_MSRS] == VIR_TRISTATE_SWITCH_ON)
        virBufferAsprintf(buf, "msr_relaxed = %d\n",
                          def->msrs_features[VIR_DOMAIN_MSRS_UNKNOWN] == VIR_DOMAIN_MSRS_UNKNOWN_IGNORE);
    if (def->features[VIR_DOMAIN_FEATURE_PMU] != VIR_TRISTATE_SWITCH_ABSENT)
        virBufferAsprintf(buf, "vpmu = %d\n",
                          def->features[VIR_DOMAIN_FEATURE_PMU] == VIR_TRISTATE_SWITCH_ON);

    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *c = def->controllers[i];

        if (c->type != VIR_DOMAIN_CONTROLLER_TYPE_XENBUS)
            continue;
        if (c->opts.xenbusopts.maxGrantFrames > 0)
            virBufferAsprintf(buf, "max_grant_frames = %d\n", c->opts.xenbusopts.maxGrantFrames);
        if (c->opts.xenbusopts.maxEventChannels > 0)
            virBufferAsprintf(buf, "max_event_channels = %d\n", c->opts.xenbusopts.maxEventChannels);
    }

    if (def->os.slic_table) {
        if (!hvm)
            return vxlNativeFormatRefuse("<os><acpi><table type='slic'> for a PV or PVH guest");
        vxlNativeFormatString(buf, "acpi_firmware", def->os.slic_table);
    }

    /* xl.cfg can only ask for a fresh ID (an empty <genid/>); a given
     * one would be replaced by a random one, which is not the same
     * guest for software that watches the ID. */
    if (def->genidRequested) {
        if (!hvm)
            return vxlNativeFormatRefuse("<genid> for a PV or PVH guest");
        if (!def->genidGenerated) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<genid> with a value cannot be expressed in xl.cfg: ms_vm_genid= can only ask for a generated one (an empty <genid/>)"));
            return -1;
        }
        vxlNativeFormatString(buf, "ms_vm_genid", "generate");
    }
    return 0;
}
