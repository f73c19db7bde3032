/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_facts.c: copies of the simulated host's facts, which callers of
 * the host-facts hook own and free on their own.
 */
#include "vxl_internal.h"

#include "sim_priv.h"

static char **
vxlSimStrvCopy(char **v)
{
    return v ? g_strdupv(v) : g_new0(char *, 1);
}

/* Deep copy; @dst must be clear. Every pointer field of vxlHostFacts must
 * be duplicated here (a new one added to backend.h would otherwise be
 * freed twice): keep in step with vxlHostFactsClear(). */
void
vxlSimHostFactsCopy(vxlHostFacts *dst, const vxlHostFacts *src)
{
    size_t i;

    *dst = *src;
    dst->arch = g_strdup(src->arch);
    dst->hostname = g_strdup(src->hostname);
    dst->xenExtra = g_strdup(src->xenExtra);
    dst->xenCaps = g_strdup(src->xenCaps);
    dst->xenCommandline = g_strdup(src->xenCommandline);
    dst->cpuVendor = g_strdup(src->cpuVendor);
    dst->cpuModel = g_strdup(src->cpuModel);
    dst->cpuFeatures = vxlSimStrvCopy(src->cpuFeatures);
    if (src->cpus) {
        dst->cpus = g_new0(vxlHostCpu, src->ncpus);
        memcpy(dst->cpus, src->cpus, sizeof(*src->cpus) * src->ncpus);
    }
    dst->firmware = vxlSimStrvCopy(src->firmware);
    dst->deviceModel = g_strdup(src->deviceModel);
    dst->scheduler = g_strdup(src->scheduler);
    for (i = 0; i < src->nnodes; i++)
        dst->nodes[i].cpus = g_strdup(src->nodes[i].cpus);
}
