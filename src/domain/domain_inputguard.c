/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_inputguard.c: domain XML that libvirt 9.0's own parser cannot
 * survive is refused before it gets there, and what a definition asks of
 * the host is checked against the host.
 *
 * libvirt's parser sizes arrays from numbers in the XML before any
 * driver callback runs: <vcpu>4294967295</vcpu> (or -1, which its
 * unsigned parser wraps to that) allocates an array of four billion vCPU
 * pointers, and the allocation failure aborts the whole daemon;
 * <iothreads> does likewise with its thread list. No Xen guest comes
 * near the limit below (xl refuses more than 4096 vCPUs too).
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_xmlns.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virxml.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

#define VXL_GUARD_MAX_COUNT 4096

/* Refuse a count in element @xpath of @ctxt above the limit. */
static int
vxlDomainXMLGuardCount(xmlXPathContextPtr ctxt, const char *xpath,
                       const char *element)
{
    g_autofree char *text = NULL;
    xmlNodePtr node;
    unsigned int n;

    if (!(node = virXPathNode(xpath, ctxt)) ||
        !(text = virXMLNodeContentString(node))) {
        virResetLastError();
        return 0;
    }
    /* Parsed as libvirt parses it: what libvirt refuses, it reports. */
    if (virStrToLong_ui(text, NULL, 10, &n) < 0 || n <= VXL_GUARD_MAX_COUNT)
        return 0;
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("the value '%s' of <%s> is above the largest this driver accepts (%d)"),
                   text, element, VXL_GUARD_MAX_COUNT);
    return -1;
}

static int
vxlDomainXMLGuardCtxt(xmlXPathContextPtr ctxt)
{
    if (vxlDomainXMLGuardCount(ctxt, "/domain/vcpu[1]", "vcpu") < 0 ||
        vxlDomainXMLGuardCount(ctxt, "/domain/iothreads[1]", "iothreads") < 0)
        return -1;
    return 0;
}

virDomainDef *
vxlDomainDefParseGuarded(const char *xml, virDomainXMLOption *xmlopt,
                         unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    int keepBlanks = xmlKeepBlanksDefault(0);

    /* What virDomainDefParseString does, with the guard between the
     * document and the definition: the XML is parsed once, not once for
     * the guard and again for libvirt (a tenth of a define's time). */
    doc = virXMLParseHelper(VIR_FROM_DOMAIN, NULL, xml, _("(domain_definition)"),
                            "domain", &ctxt, "domain.rng",
                            flags & VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA);
    xmlKeepBlanksDefault(keepBlanks);
    if (!doc || vxlDomainXMLGuardCtxt(ctxt) < 0)
        return NULL;
    return virDomainDefParseNode(ctxt, xmlopt, NULL, flags);
}

int
vxlDomainXMLGuard(const char *xml)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;

    /* Malformed XML is the parser's to report, in its own words. */
    if (!xml || !(doc = virXMLParseStringCtxt(xml, _("(domain_definition)"),
                                              &ctxt))) {
        virResetLastError();
        return 0;
    }
    if (vxlDomainXMLGuardCount(ctxt, "/domain/vcpu[1]", "vcpu") < 0 ||
        vxlDomainXMLGuardCount(ctxt, "/domain/iothreads[1]", "iothreads") < 0)
        return -1;
    return 0;
}

/* A vNUMA node's host node (xl's pnode=) beyond @facts' nodes: xl
 * refuses it while parsing (parse_vnuma_config asks the host), libxl's
 * create too (libxl__vnuma_config_check). A host that reports no nodes
 * is not checked. */
static int
vxlDomainCheckNodeSets(const virDomainDef *def, const vxlHostFacts *facts)
{
    size_t i;

    for (i = 0; facts->nnodes > 0 && i < virDomainNumaGetNodeCount(def->numa); i++) {
        virBitmap *nodes = virDomainNumatuneGetNodeset(def->numa, NULL, i);
        ssize_t last;

        if (!virDomainNumatuneNodeSpecified(def->numa, i) ||
            (last = virBitmapLastSetBit(nodes)) < (ssize_t)facts->nnodes)
            continue;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("the <memnode cellid='%zu'> of domain '%s' names host NUMA node %zd, but this host has nodes 0-%zu only"),
                       i, def->name, last, facts->nnodes - 1);
        return -1;
    }
    /* xl's "nodes:N" CPU lists are not checked here: a node the host
     * lacks adds no CPU in xl (libxl_node_to_cpumap gives it none), and
     * each start refuses a hard affinity left empty (domain_cpu_nodes.c). */
    /* <numatune><memory nodeset> (b_info.nodemap): Xen refuses a node
     * affinity with no online node, and ignores the others. */
    if (facts->nnodes > 0 && virDomainNumatuneGetMode(def->numa, -1, NULL) == 0) {
        virBitmap *nodes = virDomainNumatuneGetNodeset(def->numa, NULL, -1);
        ssize_t last;

        if (nodes && (last = virBitmapLastSetBit(nodes)) >= (ssize_t)facts->nnodes) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("the <numatune><memory nodeset> of domain '%s' names host NUMA node %zd, but this host has nodes 0-%zu only"),
                           def->name, last, facts->nnodes - 1);
            return -1;
        }
    }
    return 0;
}

int
vxlDomainCheckHostNodes(vxlDriver *driver, const virDomainDef *def)
{
    vxlHostFacts facts = { 0 };
    int ret;

    if (!virDomainNumaGetNodeCount(def->numa) &&
        virDomainNumatuneGetMode(def->numa, -1, NULL) < 0 &&
        !vxlXMLNSGet(def))
        return 0;
    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return -1;
    ret = vxlDomainCheckNodeSets(def, &facts);
    vxlHostFactsClear(&facts);
    return ret;
}

int
vxlDomainCheckHostCpus(vxlDriver *driver, const virDomainDef *def)
{
    vxlHostFacts facts = { 0 };
    int ret = -1;

    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return -1;
    /* A host that reports no CPUs is not checked. */
    if (facts.nrCpus > 0 &&
        (vxlXMLNSCpusHostCheck(def, facts.nrCpus) < 0 ||
         vxlDomainCheckNodeSets(def, &facts) < 0))
        goto cleanup;
    ret = 0;

 cleanup:
    vxlHostFactsClear(&facts);
    return ret;
}
