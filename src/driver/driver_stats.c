/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_stats.c: statistics entry points: a domain's disks, interfaces,
 * memory and CPU time, the bulk stats call (virsh domstats), and the
 * host's CPU and memory (virsh nodecpustats, nodememstats).
 *
 * Queries: no job, the domain lock dropped around backend calls
 * (domain_stats.c).
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virlog.h"
#include "virstring.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_stats");

/* ----- disks ----------------------------------------------------------- */

/* The disk @path names (target or source), or every disk for "". */
static int
vxlDomainBlockStatsGather(vxlDriver *driver, virDomainObj *vm, const char *path,
                          vxlBlockStats *out)
{
    g_auto(GStrv) vdevs = NULL;
    size_t i;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (!path || !*path) {
        vdevs = g_new0(char *, vm->def->ndisks + 1);
        for (i = 0; i < vm->def->ndisks; i++)
            vdevs[i] = g_strdup(vm->def->disks[i]->dst);
    } else {
        virDomainDiskDef *disk = virDomainDiskByName(vm->def, path, false);

        if (!disk) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("domain '%s' has no disk '%s'"),
                           vm->def->name, path);
            return -1;
        }
        vdevs = g_new0(char *, 2);
        vdevs[0] = g_strdup(disk->dst);
    }

    out->rdReqs = out->rdBytes = out->wrReqs = out->wrBytes = 0;
    out->flushReqs = out->errs = 0;
    for (i = 0; vdevs[i]; i++) {
        vxlBlockStats st;

        if (vxlDomainStatsBlock(driver, vm, vdevs[i], &st) < 0)
            return -1;
#define VXL_ADD(f) out->f = (out->f < 0 || st.f < 0) ? VXL_STAT_UNKNOWN : out->f + st.f
        VXL_ADD(rdReqs);
        VXL_ADD(rdBytes);
        VXL_ADD(wrReqs);
        VXL_ADD(wrBytes);
        VXL_ADD(flushReqs);
        VXL_ADD(errs);
#undef VXL_ADD
    }
    return 0;
}

int
vxlDomainBlockStats(virDomainPtr dom, const char *path,
                    virDomainBlockStatsPtr stats)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    vxlBlockStats st;
    int ret = -1;

    if (!(vm = vxlEntryBegin(dom, virDomainBlockStatsEnsureACL, VIR_JOB_NONE)))
        return -1;
    if (vxlDomainBlockStatsGather(driver, vm, path, &st) < 0)
        goto cleanup;
    stats->rd_req = st.rdReqs;
    stats->rd_bytes = st.rdBytes;
    stats->wr_req = st.wrReqs;
    stats->wr_bytes = st.wrBytes;
    stats->errs = st.errs;
    ret = 0;

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainBlockStatsFlags(virDomainPtr dom, const char *path,
                         virTypedParameterPtr params, int *nparams,
                         unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    vxlBlockStats st;
    g_autoptr(virTypedParamList) list = g_new0(virTypedParamList, 1);
    int ret = -1;

    virCheckFlags(VIR_TYPED_PARAM_STRING_OKAY, -1);
    /* The returned strings are none: the flag changes nothing. */
    flags &= ~VIR_TYPED_PARAM_STRING_OKAY;

    if (!(vm = vxlEntryBegin(dom, virDomainBlockStatsFlagsEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    if (vxlDomainBlockStatsGather(driver, vm, path, &st) < 0)
        goto cleanup;

#define VXL_PUT(f, name) \
    if (st.f >= 0 && virTypedParamListAddLLong(list, st.f, "%s", name) < 0) \
        goto cleanup
    VXL_PUT(rdReqs, VIR_DOMAIN_BLOCK_STATS_READ_REQ);
    VXL_PUT(rdBytes, VIR_DOMAIN_BLOCK_STATS_READ_BYTES);
    VXL_PUT(wrReqs, VIR_DOMAIN_BLOCK_STATS_WRITE_REQ);
    VXL_PUT(wrBytes, VIR_DOMAIN_BLOCK_STATS_WRITE_BYTES);
    VXL_PUT(flushReqs, VIR_DOMAIN_BLOCK_STATS_FLUSH_REQ);
    VXL_PUT(errs, VIR_DOMAIN_BLOCK_STATS_ERRS);
#undef VXL_PUT

    /* nparams 0: how many there are */
    if (*nparams == 0) {
        *nparams = list->npar;
    } else {
        size_t i;

        *nparams = MIN((size_t)*nparams, list->npar);
        for (i = 0; i < (size_t)*nparams; i++)
            params[i] = list->par[i];
    }
    ret = 0;

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

/* ----- interfaces ------------------------------------------------------ */

int
vxlDomainInterfaceStats(virDomainPtr dom, const char *device,
                        virDomainInterfaceStatsPtr stats)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    virDomainNetDef *net;
    vxlNicStats st;
    int ret = -1;

    if (!(vm = vxlEntryBegin(dom, virDomainInterfaceStatsEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    if (virDomainObjCheckActive(vm) < 0)
        goto cleanup;
    /* by backend name, MAC or alias; reports its own error */
    if (!(net = virDomainNetFind(vm->def, device)))
        goto cleanup;
    if (vxlDomainStatsNet(driver, vm, net, &st) < 0)
        goto cleanup;
    stats->rx_bytes = st.rxBytes;
    stats->rx_packets = st.rxPackets;
    stats->rx_errs = st.rxErrs;
    stats->rx_drop = st.rxDrop;
    stats->tx_bytes = st.txBytes;
    stats->tx_packets = st.txPackets;
    stats->tx_errs = st.txErrs;
    stats->tx_drop = st.txDrop;
    ret = 0;

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

/* ----- memory ---------------------------------------------------------- */

int
vxlDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                     unsigned int nr_stats, unsigned int flags)
{
    virDomainObj *vm;
    vxlMemoryStats mem;
    int n = 0;
    int rc;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainMemoryStatsEnsureACL, VIR_JOB_NONE)))
        return -1;
    rc = vxlDomainStatsMemory(vxl_driver, vm, &mem);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    if (rc < 0)
        return -1;

#define VXL_PUT(tagv, value) \
    do { \
        if ((value) >= 0 && (unsigned int)n < nr_stats) { \
            stats[n].tag = (tagv); \
            stats[n].val = (value); \
            n++; \
        } \
    } while (0)
    VXL_PUT(VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, mem.actualKiB);
    VXL_PUT(VIR_DOMAIN_MEMORY_STAT_AVAILABLE, mem.availableKiB);
    VXL_PUT(VIR_DOMAIN_MEMORY_STAT_UNUSED, mem.unusedKiB);
    VXL_PUT(VIR_DOMAIN_MEMORY_STAT_USABLE, mem.usableKiB);
    VXL_PUT(VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE, mem.lastUpdate);
#undef VXL_PUT
    return n;
}

/* ----- CPU ------------------------------------------------------------- */

/* Xen accounts CPU time per vCPU, not per physical CPU, so the "CPUs" of
 * the per-CPU form are the domain's vCPUs, as libvirt's libxl driver
 * has them: each one's cpu_time. */
int
vxlDomainGetCPUStats(virDomainPtr dom, virTypedParameterPtr params,
                     unsigned int nparams, int start_cpu, unsigned int ncpus,
                     unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    vxlVcpuInfo *infos = NULL;
    size_t ninfos = 0;
    size_t i;
    int ret = -1;

    virCheckFlags(VIR_TYPED_PARAM_STRING_OKAY, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetCPUStatsEnsureACL, VIR_JOB_NONE)))
        return -1;
    if (virDomainObjCheckActive(vm) < 0)
        goto cleanup;

    if (start_cpu == -1) {
        vxlDomainInfo info = { 0 };

        if (nparams == 0) {
            ret = 1;
            goto cleanup;
        }
        if (vxlDomainGetLiveInfo(driver, vm, &info) < 0)
            goto cleanup;
        ret = virTypedParameterAssign(&params[0], VIR_DOMAIN_CPU_STATS_CPUTIME,
                                      VIR_TYPED_PARAM_ULLONG, info.cpuTimeNs);
        vxlDomainInfoClear(&info);
        if (ret == 0)
            ret = 1;
        goto cleanup;
    }

    if (nparams == 0 && ncpus != 0) {
        ret = 1;               /* cpu_time per vCPU */
        goto cleanup;
    }
    if (nparams == 0) {
        ret = virDomainDefGetVcpusMax(vm->def);
        goto cleanup;
    }
    if (vxlDomainStatsVcpus(driver, vm, &infos, &ninfos) < 0)
        goto cleanup;
    if (start_cpu < 0 || (size_t)start_cpu >= ninfos) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has vCPUs 0 to %zu, not %d"),
                       vm->def->name, ninfos - 1, start_cpu);
        goto cleanup;
    }
    for (i = start_cpu; i < ninfos && i < (size_t)start_cpu + ncpus; i++) {
        if (virTypedParameterAssign(&params[(i - start_cpu) * nparams],
                                    VIR_DOMAIN_CPU_STATS_CPUTIME,
                                    VIR_TYPED_PARAM_ULLONG,
                                    infos[i].cpuTimeNs) < 0)
            goto cleanup;
    }
    ret = 1;

 cleanup:
    vxlVcpuInfoListFree(infos, ninfos);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

/* ----- every domain at once -------------------------------------------- */

int
vxlConnectGetAllDomainStats(virConnectPtr conn, virDomainPtr *doms,
                            unsigned int ndoms, unsigned int stats,
                            virDomainStatsRecordPtr **retStats,
                            unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj **vms = NULL;
    size_t nvms = 0;
    virDomainStatsRecordPtr *records = NULL;
    size_t nrecords = 0;
    unsigned int supported = vxlDomainStatsSupported();
    size_t i;
    int ret = -1;

    virCheckFlags(VIR_CONNECT_LIST_DOMAINS_FILTERS_ACTIVE |
                  VIR_CONNECT_LIST_DOMAINS_FILTERS_PERSISTENT |
                  VIR_CONNECT_LIST_DOMAINS_FILTERS_STATE |
                  VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT |
                  VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING |
                  VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS, -1);

    if (virConnectGetAllDomainStatsEnsureACL(conn) < 0)
        return -1;
    if (stats == 0) {
        stats = supported;
    } else if ((flags & VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS) &&
               (stats & ~supported)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("the Xen driver cannot give the statistics groups 0x%x"),
                       stats & ~supported);
        return -1;
    }
    stats &= supported;

    /* No list: every domain the filters let through. */
    if (ndoms == 0) {
        virDomainObjListCollect(driver->domains, conn, &vms, &nvms,
                                virConnectGetAllDomainStatsCheckACL,
                                flags & VIR_CONNECT_LIST_DOMAINS_FILTERS_ALL);
    } else if (virDomainObjListConvert(driver->domains, conn, doms, ndoms,
                                       &vms, &nvms,
                                       virConnectGetAllDomainStatsCheckACL,
                                       flags & VIR_CONNECT_LIST_DOMAINS_FILTERS_ALL,
                                       true) < 0) {
        return -1;
    }

    records = g_new0(virDomainStatsRecordPtr, nvms + 1);
    for (i = 0; i < nvms; i++) {
        virDomainObj *vm = vms[i];
        g_autoptr(virTypedParamList) list = g_new0(virTypedParamList, 1);
        virDomainStatsRecordPtr rec;

        virObjectLock(vm);
        if (vxlDomainStatsCollect(driver, vm, stats, list) < 0) {
            virObjectUnlock(vm);
            goto cleanup;
        }
        rec = g_new0(virDomainStatsRecord, 1);
        rec->dom = virGetDomain(conn, vm->def->name, vm->def->uuid, vm->def->id);
        virObjectUnlock(vm);
        if (!rec->dom) {
            g_free(rec);
            goto cleanup;
        }
        rec->nparams = virTypedParamListStealParams(list, &rec->params);
        records[nrecords++] = rec;
    }
    *retStats = g_steal_pointer(&records);
    ret = nrecords;

 cleanup:
    if (records)
        virDomainStatsRecordListFree(records);
    virObjectListFreeCount(vms, nvms);
    return ret;
}

/* ----- the host -------------------------------------------------------- */

/* The four fields libvirt's own Linux hosts report, which Nova's CPU
 * monitor and virsh nodecpustats --percent read. Xen tells each
 * physical CPU's idle time only: the rest of its uptime it ran some
 * domain's vCPU (dom0's or a guest's), which is "user" here. Xen does
 * not split that time into kernel and user mode, and a pCPU whose
 * guest waits on I/O is idle to Xen, so "kernel" and "iowait" are 0 on
 * a Xen host; dom0's /proc/stat would describe dom0's vCPUs, not the
 * host's CPUs (docs/driver.md, "Host CPU statistics"). */
#define VXL_NODE_CPU_NPARAMS 4

int
vxlNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params,
                   int *nparams, unsigned int flags)
{
    g_autofree vxlHostCpuTime *times = NULL;
    size_t ntimes = 0;
    unsigned long long idle = 0;
    unsigned long long busy = 0;
    struct {
        const char *field;
        unsigned long long value;
    } out[VXL_NODE_CPU_NPARAMS] = {
        { VIR_NODE_CPU_STATS_KERNEL, 0 },
        { VIR_NODE_CPU_STATS_USER, 0 },
        { VIR_NODE_CPU_STATS_IDLE, 0 },
        { VIR_NODE_CPU_STATS_IOWAIT, 0 },
    };
    size_t i;

    virCheckFlags(0, -1);
    if (virNodeGetCPUStatsEnsureACL(conn) < 0)
        return -1;
    if (*nparams == 0) {
        *nparams = VXL_NODE_CPU_NPARAMS;
        return 0;
    }
    if (*nparams < VXL_NODE_CPU_NPARAMS) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the host's CPU statistics need room for %d parameters, not %d"),
                       VXL_NODE_CPU_NPARAMS, *nparams);
        return -1;
    }
    if (vxlDomainHostGetCpuTimes(vxl_driver, &times, &ntimes) < 0)
        return -1;
    if (cpuNum == VIR_NODE_CPU_STATS_ALL_CPUS) {
        for (i = 0; i < ntimes; i++) {
            idle += times[i].idleNs;
            busy += times[i].busyNs;
        }
    } else if (cpuNum >= 0 && (size_t)cpuNum < ntimes) {
        idle = times[cpuNum].idleNs;
        busy = times[cpuNum].busyNs;
    } else {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the host has CPUs 0 to %zu, not %d"),
                       ntimes - 1, cpuNum);
        return -1;
    }
    out[1].value = busy;
    out[2].value = idle;
    memset(params, 0, sizeof(*params) * VXL_NODE_CPU_NPARAMS);
    for (i = 0; i < VXL_NODE_CPU_NPARAMS; i++) {
        if (virStrcpyStatic(params[i].field, out[i].field) < 0)
            return -1;
        params[i].value = out[i].value;
    }
    *nparams = VXL_NODE_CPU_NPARAMS;
    return 0;
}

int
vxlNodeGetMemoryStats(virConnectPtr conn, int cellNum,
                      virNodeMemoryStatsPtr params, int *nparams,
                      unsigned int flags)
{
    vxlHostFacts facts = { 0 };
    unsigned long long total;
    unsigned long long freeKiB = 0;
    int ret = -1;

    virCheckFlags(0, -1);
    if (virNodeGetMemoryStatsEnsureACL(conn) < 0)
        return -1;
    if (*nparams == 0) {
        *nparams = 2;
        return 0;
    }
    if (*nparams < 2) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("the host's memory statistics need room for 2 parameters"));
        return -1;
    }
    if (vxlDomainHostGetFacts(vxl_driver, &facts) < 0)
        return -1;
    if (cellNum == VIR_NODE_MEMORY_STATS_ALL_CELLS) {
        total = facts.totalKiB;
        if (vxlDomainHostGetFreeMemory(vxl_driver, &freeKiB) < 0)
            goto cleanup;
    } else if (cellNum >= 0 && (size_t)cellNum < MAX(facts.nnodes, 1)) {
        if (facts.nnodes == 0) {
            total = facts.totalKiB;
            if (vxlDomainHostGetFreeMemory(vxl_driver, &freeKiB) < 0)
                goto cleanup;
        } else {
            total = facts.nodes[cellNum].memoryKiB;
            freeKiB = facts.nodes[cellNum].freeKiB;
        }
    } else {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the host has NUMA cells 0 to %zu, not %d"),
                       MAX(facts.nnodes, 1) - 1, cellNum);
        goto cleanup;
    }
    memset(params, 0, sizeof(*params) * 2);
    if (virStrcpyStatic(params[0].field, VIR_NODE_MEMORY_STATS_TOTAL) < 0 ||
        virStrcpyStatic(params[1].field, VIR_NODE_MEMORY_STATS_FREE) < 0)
        goto cleanup;
    params[0].value = total;
    params[1].value = freeKiB;
    *nparams = 2;
    ret = 0;

 cleanup:
    vxlHostFactsClear(&facts);
    return ret;
}
