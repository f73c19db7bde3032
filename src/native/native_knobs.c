/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_knobs.c: xl.cfg keys that libvirt's domain XML has no element
 * for, to and from the project's namespace (src/conf/domain_xmlns.c):
 *
 *   cpus_soft="0-3"            <virtxl:cpus_soft cpuset='0-3'/>
 *   cpus_soft=["2-3", "4"]     <virtxl:cpus_soft vcpu='0' cpuset='2-3'/>
 *                              <virtxl:cpus_soft vcpu='1' cpuset='4'/>
 *   vtpm=["backend=D,uuid=U"]  <virtxl:vtpm backend='D' uuid='U'/>
 *   smbios_firmware="F"        <virtxl:smbios_firmware value='F'/>
 *   nomigrate=1, altp2m="mixed", ... (vxlXMLNSKnobs)
 *                              <virtxl:nomigrate value='1'/>, ...
 *
 * Keys are read for the guest types xl reads them for and that the
 * namespace accepts them for; elsewhere they stay unread and are reported
 * as not applying to the guest. The values are checked here too, so a
 * bad one is reported against its key and line rather than as XML.
 */
#include "vxl_internal.h"

#include <libxl.h>

#include "native_private.h"
#include "conf_devices.h"
#include "virbitmap.h"
#include "virerror.h"
#include "viruuid.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* ---- xl.cfg -> XML -------------------------------------------------- */

/* One CPU list of cpus_soft= in libvirt's canonical spelling; "" for
 * "all" (no preference); "^" and the CPUs taken out for "all,^N" (read
 * as for cpus=); "@" and the nodes for "nodes:N"; "%" and the list as written for
 * node items mixed with CPUs or "all"; "none" for CPUs leaving none
 * (an empty soft affinity, as xl takes it); NULL for a malformed list
 * (reported, *@err set). */
static char *
vxlNativeKnobsCpuset(vxlNativeReader *r, const char *spec, bool *err)
{
    g_autofree char *except = NULL;
    g_autofree char *spelt = vxlNativeCpusNodesAll(spec);
    g_autofree char *set = NULL;
    int all;

    spec = spelt;
    if (STREQ(spec, "all"))
        return g_strdup("");
    if (strstr(spec, "node")) {
        g_autofree char *nodes = NULL;
        int rc = vxlNativeCpusetNodes(r, "cpus_soft", spec, &nodes);

        if (rc == 2)
            return g_strdup_printf("%%%s", nodes);
        if (rc > 0)
            return g_strdup_printf("@%s", nodes);
        *err = rc == -2;
        if (rc != 0)
            return NULL;
    }
    if ((all = vxlNativeCpusetExcept(r, "cpus_soft", spec, &except)) != 0) {
        if (all < 0) {
            *err = true;
            return NULL;
        }
        return except ? g_strdup_printf("^%s", except) : g_strdup("");
    }
    if (!(set = vxlNativeCpusetSoft(r, spec)))
        *err = true;
    return g_steal_pointer(&set);
}


/* The <virtxl:cpus_soft> of one vxlNativeKnobsCpuset() set, for vCPU
 * @vcpu (-1: all). "all" for a vCPU before a later one's list is every
 * CPU Xen can have, which libxl cuts to the host's, as xl's own "all"
 * (a map of the host's size, every bit set). */
static void
vxlNativeKnobsCpusSoftElement(virBuffer *xmlns, int vcpu, const char *set)
{
    virBufferAddLit(xmlns, "<virtxl:cpus_soft");
    if (vcpu >= 0)
        virBufferAsprintf(xmlns, " vcpu='%d'", vcpu);
    if (!*set)
        virBufferAddLit(xmlns, " cpuset='all'/>\n");
    else if (*set == '@')
        virBufferAsprintf(xmlns, " nodeset='%s'/>\n", set + 1);
    else if (*set == '%')
        virBufferEscapeString(xmlns, " list='%s'/>\n", set + 1);
    else if (*set == '^')
        virBufferAsprintf(xmlns, " cpuset='%s' exclude='yes'/>\n", set + 1);
    else
        virBufferAsprintf(xmlns, " cpuset='%s'/>\n", set);
}


void
vxlNativeNumaPlacementOff(vxlNativeReader *r, virBuffer *xmlns)
{
    if (r->numaPlacementOff)
        return;
    virBufferAddLit(xmlns, "<virtxl:numa_placement state='off'/>\n");
    r->numaPlacementOff = true;
}


/* xl turns libxl's NUMA placement off for any cpus_soft= it reads (a
 * list or a string: parse_vcpu_affinity), even one that gives no vCPU a
 * preference. A <virtxl:cpus_soft> does it in the translation; without
 * one the namespace says it. */
static int vxlNativeParseCpusSoftSets(vxlNativeReader *r, virBuffer *xmlns);

static int
vxlNativeParseCpusSoft(vxlNativeReader *r, virBuffer *xmlns)
{
    XLU_ConfigList *list = NULL;
    const char *str = NULL;
    int n = 0;
    size_t before = virBufferUse(xmlns);
    int rc = vxlNativeParseCpusSoftSets(r, xmlns);

    if (rc == 0 && virBufferUse(xmlns) == before &&
        (xlu_cfg_get_list(r->xlu, "cpus_soft", &list, &n, 1) == 0 ||
         xlu_cfg_get_string(r->xlu, "cpus_soft", &str, 1) == 0))
        vxlNativeNumaPlacementOff(r, xmlns);
    return rc;
}


static int
vxlNativeParseCpusSoftSets(vxlNativeReader *r, virBuffer *xmlns)
{
    g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func(g_free);
    XLU_ConfigList *list = NULL;
    const char *str = NULL;
    bool err = false;
    int n = 0;
    int i;

    vxlNativeMarkUsed(r, "cpus_soft");
    /* As cpus= (native_parse.c): xl applies none without a vCPU count. */
    if (vxlNativeHas(r, "cpus_soft") && !vxlNativeHas(r, "vcpus") && !vxlNativeHas(r, "maxvcpus")) {
        vxlNativeWarn(r, "cpus_soft", "%s", _("prefers no CPU for any vCPU without vcpus= or maxvcpus=, as by xl, which only turns its NUMA placement off for it"));
        return 0;
    }
    if (xlu_cfg_get_list(r->xlu, "cpus_soft", &list, &n, 1) == 0) {
        for (i = 0; i < n; i++) {
            const char *item = xlu_cfg_get_listitem(list, i);
            char *set;

            /* xl reads no entry past the last vCPU (parse_vcpu_affinity). */
            if (i >= r->maxvcpus)
                break;
            if (!item) {
                vxlNativeCpuListNested(r, "cpus_soft", i);
                return -1;
            }
            vxlNativeCpuListWarnCut(r, "cpus_soft", i + 1, item);
            if (!(set = vxlNativeKnobsCpuset(r, item, &err)))
                return err ? -1 : 0;
            g_ptr_array_add(sets, set);
        }
        /* "all" at the end is what vCPUs beyond the list get anyway. */
        while (sets->len > 0 && !*(char *)g_ptr_array_index(sets, sets->len - 1))
            g_ptr_array_remove_index(sets, sets->len - 1);
        for (i = 0; i < sets->len; i++)
            vxlNativeKnobsCpusSoftElement(xmlns, i, g_ptr_array_index(sets, i));
    } else if (xlu_cfg_get_string(r->xlu, "cpus_soft", &str, 1) == 0) {
        g_autofree char *set = NULL;

        vxlNativeCpuListWarnCut(r, "cpus_soft", 0, str);
        set = vxlNativeKnobsCpuset(r, str, &err);

        if (err)
            return -1;
        if (set && *set)
            vxlNativeKnobsCpusSoftElement(xmlns, -1, set);
    }
    return 0;
}


static int
vxlNativeParseVtpms(vxlNativeReader *r, virBuffer *xmlns)
{
    g_autoptr(GPtrArray) specs = g_ptr_array_new();
    size_t i, j;

    if (vxlNativeGetStringOrList(r, "vtpm", specs) < 0)
        return -1;
    for (i = 0; i < specs->len; i++) {
        const char *spec = g_ptr_array_index(specs, i);
        g_auto(GStrv) parts = vxlNativeSplitSpec(spec, ',');
        const char *backend = NULL;
        const char *uuid = NULL;
        unsigned char raw[VIR_UUID_BUFLEN];

        for (j = 0; parts && parts[j]; j++) {
            char *eq = strchr(parts[j], '=');

            if (!*parts[j])
                continue;
            if (eq && g_str_has_prefix(parts[j], "backend=")) {
                backend = eq + 1;
            } else if (eq && g_str_has_prefix(parts[j], "uuid=")) {
                uuid = eq + 1;
            } else {
                /* xl refuses them too. */
                vxlNativeError(r, "vtpm", _("'%s' in '%s' is not a vTPM setting; use backend= and uuid="),
                               parts[j], spec);
                return -1;
            }
        }
        if (uuid && virUUIDParse(uuid, raw) < 0) {
            vxlNativeError(r, "vtpm", _("'%s' is not a UUID"), uuid);
            return -1;
        }
        virBufferAddLit(xmlns, "<virtxl:vtpm");
        if (backend && *backend)
            virBufferEscapeString(xmlns, " backend='%s'", backend);
        virBufferEscapeString(xmlns, " uuid='%s'", uuid);
        virBufferAddLit(xmlns, "/>\n");
    }
    return 0;
}


static int
vxlNativeParseKnob(vxlNativeReader *r, const vxlXMLNSKnobInfo *info, virBuffer *xmlns)
{
    const char *str = NULL;
    bool b;
    long l;
    int v;
    int rc;

    switch (info->kind) {
    case VXL_XMLNS_KNOB_BOOL:
        if ((rc = vxlNativeGetBool(r, info->name, &b)) <= 0)
            return rc;
        virBufferAsprintf(xmlns, "<virtxl:%s value='%d'/>\n", info->name, b);
        return 0;
    case VXL_XMLNS_KNOB_NUMBER:
        /* The grant limits xl reads bounded, all to 0..INT_MAX. */
        rc = info->xlBounded ?
             vxlNativeGetBoundedLong(r, info->name, 0, INT_MAX, &l) :
             vxlNativeGetLong(r, info->name, &l);
        if (rc <= 0)
            return rc;
        if (!vxlXMLNSKnobValueValid(info, l)) {
            vxlNativeError(r, info->name, _("%ld is out of range: Xen takes %lld to %lld"),
                           l, info->min, info->max);
            return -1;
        }
        virBufferAsprintf(xmlns, "<virtxl:%s value='%ld'/>\n", info->name, l);
        return 0;
    case VXL_XMLNS_KNOB_ENUM:
        /* xl reads altp2m as a number first, 0 to 3 being libxl's modes
         * in order (xl_parse.c), and by name only when it is not one. */
        if (info == &vxlXMLNSKnobs[VXL_XMLNS_KNOB_ALTP2M] &&
            xlu_cfg_get_long(r->xlu, info->name, &l, 1) == 0) {
            vxlNativeMarkUsed(r, info->name);
            if (l < LIBXL_ALTP2M_MODE_DISABLED || l > LIBXL_ALTP2M_MODE_LIMITED) {
                vxlNativeError(r, info->name, _("%ld is not an altp2m mode: Xen takes 0 (disabled) to 3 (limited)"), l);
                return -1;
            }
            virBufferAsprintf(xmlns, "<virtxl:%s value='%s'/>\n", info->name,
                              vxlXMLNSKnobEnumToString(info->values, l));
            return 0;
        }
        if ((rc = vxlNativeGetString(r, info->name, &str)) <= 0)
            return rc;
        if ((v = vxlXMLNSKnobEnumFromString(info->values, str)) < 0) {
            g_autoptr(GString) names = g_string_new(NULL);
            const libxl_enum_string_table *t;

            for (t = info->values; t->s; t++)
                g_string_append_printf(names, "%s%s", t == info->values ? "" : ", ", t->s);
            vxlNativeError(r, info->name, _("'%s' is not a value Xen knows; use one of %s"),
                           str, names->str);
            return -1;
        }
        virBufferAsprintf(xmlns, "<virtxl:%s value='%s'/>\n", info->name,
                          vxlXMLNSKnobEnumToString(info->values, v));
        return 0;
    }
    return 0;
}


int
vxlNativeParseKnobs(vxlNativeReader *r, virBuffer *xmlns)
{
    const char *smbios = NULL;
    size_t i;

    if (vxlNativeParseCpusSoft(r, xmlns) < 0 ||
        vxlNativeParseVtpms(r, xmlns) < 0)
        return -1;
    if (r->type == LIBXL_DOMAIN_TYPE_HVM) {
        if (vxlNativeGetString(r, "smbios_firmware", &smbios) < 0)
            return -1;
        virBufferEscapeString(xmlns, "<virtxl:smbios_firmware value='%s'/>\n", smbios);
    }
    for (i = 0; i < VXL_XMLNS_KNOB_LAST; i++) {
        if (!(vxlXMLNSKnobs[i].guests & (1u << r->type)))
            continue;
        if (vxlNativeParseKnob(r, &vxlXMLNSKnobs[i], xmlns) < 0)
            return -1;
    }
    return vxlNativeParseXMLNSKeys(r, xmlns);
}


/* ---- XML -> xl.cfg -------------------------------------------------- */

/* One <virtxl:cpus_soft> as xl spells it: its CPUs, or "all,^N" for
 * the CPUs an exclude='yes' one takes out. */
static char *
vxlNativeFormatCpusSoftSet(const vxlXMLNSCpusSoft *soft)
{
    if (soft->xl)
        return g_strdup(soft->xl);
    if (soft->exclude)
        return vxlNativeFormatCpusExcept(soft->cpuset);
    if (soft->nodes)
        return vxlNativeFormatNodes(soft->cpuset);
    if (vxlXMLNSCpusIsAll(soft->cpuset))
        return g_strdup("all");
    return virBitmapFormat(soft->cpuset);
}


static void
vxlNativeFormatCpusSoft(virBuffer *buf, const virDomainDef *def, const vxlXMLNSDef *ns)
{
    g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func(g_free);
    const vxlXMLNSCpusSoft *all = NULL;
    size_t n;
    size_t i, j;

    if (ns->ncpusSoft == 0)
        return;
    n = vxlXMLNSCpusSoftSpan(ns, &all);
    if (n == 0) {
        g_autofree char *set = vxlNativeFormatCpusSoftSet(all);

        vxlNativeFormatString(buf, "cpus_soft", set);
        return;
    }
    /* A list, one set per vCPU, the shared set filling in (the
     * namespace's validator has refused gaps without one). */
    if (all)
        n = def->maxvcpus;
    for (i = 0; i < n; i++) {
        const vxlXMLNSCpusSoft *soft = all;

        for (j = 0; j < ns->ncpusSoft; j++) {
            if (ns->cpusSoft[j].vcpu == (int)i)
                soft = &ns->cpusSoft[j];
        }
        g_ptr_array_add(sets, vxlNativeFormatCpusSoftSet(soft));
    }
    vxlNativeFormatList(buf, "cpus_soft", sets);
}


static int
vxlNativeFormatVtpms(virBuffer *buf, const vxlXMLNSDef *ns)
{
    g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    for (i = 0; i < ns->nvtpms; i++) {
        const vxlXMLNSVtpm *vtpm = &ns->vtpms[i];
        g_autoptr(GString) spec = g_string_new(NULL);

        if (vtpm->backend) {
            /* xl splits the spec at commas, its keys at '='. */
            if (strpbrk(vtpm->backend, ",=")) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<virtxl:vtpm backend='%s'> cannot be expressed in xl.cfg: a domain name with ',' or '='"),
                               vtpm->backend);
                return -1;
            }
            g_string_append_printf(spec, "backend=%s", vtpm->backend);
        }
        if (vtpm->hasUUID) {
            char uuid[VIR_UUID_STRING_BUFLEN];

            virUUIDFormat(vtpm->uuid, uuid);
            g_string_append_printf(spec, "%suuid=%s", spec->len ? "," : "", uuid);
        }
        g_ptr_array_add(specs, g_string_free(g_steal_pointer(&spec), FALSE));
    }
    vxlNativeFormatList(buf, "vtpm", specs);
    return 0;
}


int
vxlNativeFormatKnobs(virBuffer *buf, const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t i;

    if (!ns)
        return 0;
    vxlNativeFormatCpusSoft(buf, def, ns);
    if (vxlNativeFormatVtpms(buf, ns) < 0)
        return -1;
    vxlNativeFormatString(buf, "smbios_firmware", ns->smbiosFirmware);
    for (i = 0; i < VXL_XMLNS_KNOB_LAST; i++) {
        const vxlXMLNSKnobInfo *info = &vxlXMLNSKnobs[i];

        if (!ns->knobs[i].set)
            continue;
        if (info->kind == VXL_XMLNS_KNOB_ENUM)
            vxlNativeFormatString(buf, info->name,
                                  vxlXMLNSKnobEnumToString(info->values, ns->knobs[i].value));
        else
            virBufferAsprintf(buf, "%s = %lld\n", info->name, ns->knobs[i].value);
    }
    return vxlNativeFormatXMLNSKeys(buf, def);
}
