/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_types.c: release functions for the types in backend.h.
 */
#include "vxl_internal.h"

#include "virtxl/backend.h"

void
vxlHostFactsClear(vxlHostFacts *facts)
{
    size_t i;

    if (!facts)
        return;
    g_free(facts->arch);
    g_free(facts->hostname);
    g_free(facts->xenExtra);
    g_free(facts->xenCaps);
    g_free(facts->xenCommandline);
    g_free(facts->cpuVendor);
    g_free(facts->cpuModel);
    g_strfreev(facts->cpuFeatures);
    g_free(facts->cpus);
    g_strfreev(facts->firmware);
    g_free(facts->deviceModel);
    g_free(facts->scheduler);
    for (i = 0; i < facts->nnodes; i++)
        g_free(facts->nodes[i].cpus);
    memset(facts, 0, sizeof(*facts));
}

void
vxlDomainInfoClear(vxlDomainInfo *info)
{
    if (!info)
        return;
    g_free(info->name);
    memset(info, 0, sizeof(*info));
}

void
vxlDomainInfoListFree(vxlDomainInfo *infos, size_t ninfos)
{
    size_t i;

    for (i = 0; i < ninfos; i++)
        vxlDomainInfoClear(&infos[i]);
    g_free(infos);
}

void
vxlVcpuInfoListFree(vxlVcpuInfo *infos, size_t ninfos)
{
    size_t i;

    for (i = 0; infos && i < ninfos; i++)
        g_free(infos[i].affinity);
    g_free(infos);
}

void
vxlHostPciListFree(vxlHostPci *devs, size_t ndevs)
{
    size_t i;

    for (i = 0; i < ndevs; i++) {
        g_free(devs[i].vendorName);
        g_free(devs[i].productName);
        g_free(devs[i].driver);
        g_free(devs[i].physfn);
        g_strfreev(devs[i].vfs);
    }
    g_free(devs);
}

void
vxlNeighbourListFree(vxlNeighbour *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        g_free(list[i].mac);
        g_free(list[i].ip);
    }
    g_free(list);
}
