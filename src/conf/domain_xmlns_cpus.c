/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_cpus.c: <virtxl:cpus_exclude>, the hard affinity of xl's
 * CPU lists that start from every host CPU:
 *
 *   <virtxl:cpus_exclude cpuset='3'/>           xl cpus="all,^3"
 *   <virtxl:cpus_exclude vcpu='1' cpuset='3'/>  xl cpus=[ "0", "all,^3" ]
 *
 * "Every CPU of the host but 3" is a different set on each host, and
 * libvirt's cpuset can only name CPUs, so the namespace carries the CPUs
 * taken out and the translation starts from every CPU Xen can have. As
 * libvirt's own pinning, the element without vcpu is for every vCPU that
 * has no pinning of its own (<vcpupin> or a <virtxl:cpus_exclude vcpu>).
 *
 *   <virtxl:numa_placement state='off'/>        xl cpus=[] (any list)
 *
 * libxl's automatic NUMA placement, which xl turns off for any cpus=
 * list, even one that pins no vCPU (a list without vcpus=, or of "all"
 * only). libvirt's <vcpu placement='auto'> means numad's advice, which
 * Xen has not; 'on' is libxl's default.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"
#include "virerror.h"
#include "virxml.h"
#include "virbuffer.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


int
vxlXMLNSParseCpusExclude(xmlNodePtr node, vxlXMLNSDef *ns)
{
    g_autofree char *cpuset = virXMLPropString(node, "cpuset");
    g_autoptr(virBitmap) map = NULL;
    unsigned int vcpu = 0;
    int rc;
    size_t i;

    if ((rc = virXMLPropUInt(node, "vcpu", 10, VIR_XML_PROP_NONE, &vcpu)) < 0)
        return -1;
    if (rc > 0 && vcpu >= VIR_DOMAIN_CPUMASK_LEN) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:cpus_exclude vcpu='%u'> is not a vCPU number"), vcpu);
        return -1;
    }
    if (!cpuset) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:cpus_exclude> needs a cpuset attribute, the CPUs to keep the vCPUs off such as '3' or '0-1,6'"));
        return -1;
    }
    if (virBitmapParse(cpuset, &map, VXL_XMLNS_CPUS_ALL) < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:cpus_exclude cpuset='%s'> is not a CPU list such as '3' or '0-1,6' below %d"),
                       cpuset, VXL_XMLNS_CPUS_ALL);
        return -1;
    }
    if (virBitmapIsAllClear(map)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:cpus_exclude cpuset='%s'> names no CPU: leave the vCPUs unpinned instead"),
                       cpuset);
        return -1;
    }
    for (i = 0; i < ns->ncpusExclude; i++) {
        if (ns->cpusExclude[i].vcpu == (rc > 0 ? (int)vcpu : -1)) {
            if (rc > 0)
                virReportError(VIR_ERR_XML_ERROR,
                               _("<virtxl:cpus_exclude vcpu='%u'> appears twice"), vcpu);
            else
                virReportError(VIR_ERR_XML_ERROR, "%s",
                               _("<virtxl:cpus_exclude> without vcpu (for every vCPU) appears twice"));
            return -1;
        }
    }
    ns->cpusExclude = g_renew(vxlXMLNSCpusExclude, ns->cpusExclude, ns->ncpusExclude + 1);
    ns->cpusExclude[ns->ncpusExclude].vcpu = rc > 0 ? (int)vcpu : -1;
    ns->cpusExclude[ns->ncpusExclude++].cpuset = g_steal_pointer(&map);
    return 0;
}


int
vxlXMLNSParseNumaPlacement(xmlNodePtr node, vxlXMLNSDef *ns)
{
    virTristateSwitch state = VIR_TRISTATE_SWITCH_ABSENT;

    if (ns->numaPlacement != VIR_TRISTATE_SWITCH_ABSENT) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:numa_placement> appears twice"));
        return -1;
    }
    if (virXMLPropTristateSwitch(node, "state", VIR_XML_PROP_REQUIRED, &state) < 0)
        return -1;
    ns->numaPlacement = state;
    return 0;
}


void
vxlXMLNSFormatCpusExclude(virBuffer *buf, const vxlXMLNSDef *ns)
{
    size_t i;

    if (ns->numaPlacement != VIR_TRISTATE_SWITCH_ABSENT)
        virBufferAsprintf(buf, "<virtxl:numa_placement state='%s'/>\n",
                          virTristateSwitchTypeToString(ns->numaPlacement));

    for (i = 0; i < ns->ncpusExclude; i++) {
        g_autofree char *set = virBitmapFormat(ns->cpusExclude[i].cpuset);

        virBufferAddLit(buf, "<virtxl:cpus_exclude");
        if (ns->cpusExclude[i].vcpu >= 0)
            virBufferAsprintf(buf, " vcpu='%d'", ns->cpusExclude[i].vcpu);
        virBufferAsprintf(buf, " cpuset='%s'/>\n", set);
    }
}


void
vxlXMLNSCpusExcludeFree(vxlXMLNSDef *ns)
{
    size_t i;

    for (i = 0; i < ns->ncpusExclude; i++)
        virBitmapFree(ns->cpusExclude[i].cpuset);
    g_clear_pointer(&ns->cpusExclude, g_free);
    ns->ncpusExclude = 0;
}


virBitmap *
vxlXMLNSCpusExcluded(const vxlXMLNSDef *ns, int vcpu)
{
    size_t i;

    for (i = 0; ns && i < ns->ncpusExclude; i++) {
        if (ns->cpusExclude[i].vcpu == vcpu)
            return ns->cpusExclude[i].cpuset;
    }
    return NULL;
}


void
vxlXMLNSCpusExcludeDrop(virDomainDef *def, int vcpu)
{
    vxlXMLNSDef *ns = (vxlXMLNSDef *)vxlXMLNSGet(def);
    size_t i;

    for (i = 0; ns && i < ns->ncpusExclude; i++) {
        if (ns->cpusExclude[i].vcpu != vcpu)
            continue;
        virBitmapFree(ns->cpusExclude[i].cpuset);
        memmove(ns->cpusExclude + i, ns->cpusExclude + i + 1,
                (ns->ncpusExclude - i - 1) * sizeof(*ns->cpusExclude));
        if (--ns->ncpusExclude == 0)
            g_clear_pointer(&ns->cpusExclude, g_free);
        return;
    }
}


int
vxlValidateXMLNSCpusExclude(const virDomainDef *def, const vxlXMLNSDef *ns)
{
    size_t i;

    for (i = 0; i < ns->ncpusExclude; i++) {
        int vcpu = ns->cpusExclude[i].vcpu;

        if (vcpu < 0) {
            if (def->cpumask) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<vcpu cpuset> and <virtxl:cpus_exclude> without vcpu both say where every vCPU runs; keep one"));
                return -1;
            }
        } else if (vcpu >= def->maxvcpus) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:cpus_exclude vcpu='%d'>: the domain has %zu vCPUs"),
                           vcpu, def->maxvcpus);
            return -1;
        } else if (def->vcpus[vcpu]->cpumask) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<vcpupin vcpu='%d'> and <virtxl:cpus_exclude vcpu='%d'> both say where vCPU %d runs; keep one"),
                           vcpu, vcpu, vcpu);
            return -1;
        }
    }
    return 0;
}
