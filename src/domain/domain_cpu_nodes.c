/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_cpu_nodes.c: xl's "nodes:N" CPU lists, resolved against the
 * host a domain starts on.
 *
 * xl looks the nodes' CPUs up on the host as it parses cpus= and
 * cpus_soft= (libxl_node_to_cpumap); the namespace keeps the nodes
 * (<virtxl:cpus_nodes>, <virtxl:cpus_soft nodeset>) so that a definition
 * means the same on any host, and each start turns them into the CPUs of
 * this host's nodes in the live definition, before it is translated: the
 * live XML then shows the pinning the guest got, as libvirt shows
 * <vcpu placement='auto'>'s advice. Lists mixing nodes with CPUs or
 * "all" (list='nodes:0,^1') are applied item by item, as xl does.
 *
 * The same start cuts CPUs the host lacks from <vcpu cpuset>, <vcpupin>
 * and <virtxl:cpus_soft cpuset> (vxlDomainCpuHostCut): libxl drops them
 * as it copies the maps, and the live XML shows the affinity the guest
 * got.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_xmlns.h"
#include "virtxl/backend.h"
#include "virbitmap.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

virBitmap *
vxlDomainCpuNodesMap(vxlDriver *driver, virBitmap *nodeset)
{
    vxlHostFacts facts = { 0 };
    g_autoptr(virBitmap) cpus = virBitmapNew(VXL_XMLNS_CPUS_ALL);
    ssize_t node = -1;

    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return NULL;
    /* A node the host lacks adds nothing, as in xl. */
    while ((node = virBitmapNextSetBit(nodeset, node)) >= 0) {
        g_autoptr(virBitmap) one = NULL;

        if ((size_t)node >= facts.nnodes || !facts.nodes[node].cpus)
            continue;
        if (virBitmapParse(facts.nodes[node].cpus, &one, VXL_XMLNS_CPUS_ALL) < 0) {
            vxlHostFactsClear(&facts);
            return NULL;
        }
        virBitmapUnion(cpus, one);
    }
    vxlHostFactsClear(&facts);
    return g_steal_pointer(&cpus);
}


int
vxlDomainCpuNodesResolve(vxlDriver *driver, virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    vxlHostFacts facts = { 0 };
    virBitmap *nodeCpus[VXL_HOST_MAX_NODES] = { NULL };
    bool soft = false;
    size_t i;
    int ret = -1;

    for (i = 0; ns && i < ns->ncpusSoft; i++)
        soft |= ns->cpusSoft[i].nodes;
    if (!ns || (ns->ncpusNodes == 0 && !soft))
        return 0;
    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return -1;
    for (i = 0; i < facts.nnodes; i++) {
        if (facts.nodes[i].cpus &&
            virBitmapParse(facts.nodes[i].cpus, &nodeCpus[i], VXL_XMLNS_CPUS_ALL) < 0)
            goto cleanup;
    }
    ret = vxlXMLNSCpusResolveNodes(def, nodeCpus, facts.nnodes, facts.nrCpus);

 cleanup:
    for (i = 0; i < G_N_ELEMENTS(nodeCpus); i++)
        virBitmapFree(nodeCpus[i]);
    vxlHostFactsClear(&facts);
    return ret;
}


int
vxlDomainCpuHostCut(vxlDriver *driver, virDomainDef *def)
{
    vxlHostFacts facts = { 0 };

    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return -1;
    /* A host that reports no CPUs is not cut (nor checked). */
    vxlXMLNSCpusHostCut(def, facts.nrCpus);
    vxlHostFactsClear(&facts);
    return 0;
}
