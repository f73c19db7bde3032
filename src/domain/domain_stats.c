/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_stats.c: a running domain's statistics, as libvirt's stats
 * calls and groups (virsh domstats) name them.
 *
 * Queries take no job (driver_domain_query.c): each backend call drops
 * the domain's lock, so what it needs from the definition (a disk's
 * vdev, a vif's MAC) is copied first, and the definition is looked at
 * again only after the lock is back.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_xmlns.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"
#include "virmacaddr.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_stats");

static int
vxlDomainStatsCheckGuest(virDomainObj *vm)
{
    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (vxlDomainIsDom0(vm)) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("Domain-0's devices are the host's own: Xen keeps no statistics of them"));
        return -1;
    }
    return 0;
}

int
vxlDomainStatsBlock(vxlDriver *driver, virDomainObj *vm, const char *vdev,
                    vxlBlockStats *stats)
{
    uint32_t domid = vm->def->id;
    /* A disk target; libxl knows a <virtxl:disk vdev> disk by that. */
    g_autofree char *name = g_strdup(vxlXMLNSDiskVdev(vm->def, vdev));
    int rc;

    if (vxlDomainStatsCheckGuest(vm) < 0)
        return -1;
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainGetBlockStats(driver->backend, domid, name, stats);
    vxlDomainBackendExit(vm);
    return rc;
}

int
vxlDomainStatsNic(vxlDriver *driver, virDomainObj *vm, const virMacAddr *mac,
                  vxlNicStats *stats)
{
    uint32_t domid = vm->def->id;
    char macstr[VIR_MAC_STRING_BUFLEN];
    int rc;

    if (vxlDomainStatsCheckGuest(vm) < 0)
        return -1;
    virMacAddrFormat(mac, macstr);
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainGetNicStats(driver->backend, domid, macstr, stats);
    vxlDomainBackendExit(vm);
    return rc;
}

int
vxlDomainStatsNet(vxlDriver *driver, virDomainObj *vm,
                  const virDomainNetDef *net, vxlNicStats *stats)
{
    char mac[VIR_MAC_STRING_BUFLEN];

    /* The guest drives the VF itself: dom0 has no vif that counts its
     * traffic (the PF's per-VF counters are the NIC vendor's). */
    if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("interface statistics are not available for <interface type='hostdev'> %s: the guest drives the SR-IOV VF itself, and Xen has no vif to count its traffic"),
                       virMacAddrFormat(&net->mac, mac));
        return -1;
    }
    return vxlDomainStatsNic(driver, vm, &net->mac, stats);
}

int
vxlDomainStatsMemory(vxlDriver *driver, virDomainObj *vm, vxlMemoryStats *stats)
{
    uint32_t domid = vm->def->id;
    int rc;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (vxlDomainIsDom0(vm)) {
        vxlDomainInfo info = { 0 };

        /* Xen knows dom0's reservation; what dom0 does with it is the
         * host's business. */
        if (vxlDomainGetLiveInfo(driver, vm, &info) < 0)
            return -1;
        stats->actualKiB = info.currentKiB;
        stats->maxKiB = info.maxKiB;
        stats->targetKiB = info.currentKiB;
        stats->availableKiB = stats->unusedKiB = stats->usableKiB = VXL_STAT_UNKNOWN;
        stats->lastUpdate = VXL_STAT_UNKNOWN;
        vxlDomainInfoClear(&info);
        return 0;
    }
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainGetMemoryStats(driver->backend, domid, stats);
    vxlDomainBackendExit(vm);
    return rc;
}

int
vxlDomainStatsVcpus(vxlDriver *driver, virDomainObj *vm, vxlVcpuInfo **infos,
                    size_t *ninfos)
{
    uint32_t domid = vm->def->id;
    int rc;

    /* Xen accounts Domain-0's vCPUs as any domain's (xl vcpu-list 0) */
    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainGetVcpus(driver->backend, domid, infos, ninfos);
    vxlDomainBackendExit(vm);
    return rc;
}

/* ----- the groups of virConnectGetAllDomainStats ------------------------ */

static int
vxlDomainStatsAddCounter(virTypedParamList *list, long long val,
                         const char *prefix, size_t i, const char *name)
{
    if (val < 0)
        return 0;
    return virTypedParamListAddULLong(list, val, "%s.%zu.%s", prefix, i, name);
}

static int
vxlDomainStatsGroupState(virDomainObj *vm, virTypedParamList *list)
{
    int reason;
    int state = virDomainObjGetState(vm, &reason);

    if (virTypedParamListAddInt(list, state, "state.state") < 0 ||
        virTypedParamListAddInt(list, reason, "state.reason") < 0)
        return -1;
    return 0;
}

static int
vxlDomainStatsGroupCpu(vxlDriver *driver, virDomainObj *vm,
                       virTypedParamList *list)
{
    vxlDomainInfo info = { 0 };
    int ret = 0;

    if (!virDomainObjIsActive(vm))
        return 0;
    if (vxlDomainGetLiveInfo(driver, vm, &info) < 0)
        return -1;
    if (virTypedParamListAddULLong(list, info.cpuTimeNs, "cpu.time") < 0)
        ret = -1;
    vxlDomainInfoClear(&info);
    return ret;
}

static int
vxlDomainStatsGroupBalloon(vxlDriver *driver, virDomainObj *vm,
                           virTypedParamList *list)
{
    vxlMemoryStats mem;

    if (!virDomainObjIsActive(vm)) {
        if (virTypedParamListAddULLong(list, vm->def->mem.cur_balloon,
                                       "balloon.current") < 0 ||
            virTypedParamListAddULLong(list, virDomainDefGetMemoryTotal(vm->def),
                                       "balloon.maximum") < 0)
            return -1;
        return 0;
    }
    if (vxlDomainStatsMemory(driver, vm, &mem) < 0)
        return -1;
    if (virTypedParamListAddULLong(list, mem.actualKiB, "balloon.current") < 0 ||
        virTypedParamListAddULLong(list, mem.maxKiB, "balloon.maximum") < 0)
        return -1;
    if (mem.availableKiB >= 0 &&
        virTypedParamListAddULLong(list, mem.availableKiB, "balloon.available") < 0)
        return -1;
    if (mem.unusedKiB >= 0 &&
        virTypedParamListAddULLong(list, mem.unusedKiB, "balloon.unused") < 0)
        return -1;
    if (mem.usableKiB >= 0 &&
        virTypedParamListAddULLong(list, mem.usableKiB, "balloon.usable") < 0)
        return -1;
    if (mem.lastUpdate >= 0 &&
        virTypedParamListAddULLong(list, mem.lastUpdate, "balloon.last-update") < 0)
        return -1;
    return 0;
}

static int
vxlDomainStatsGroupVcpu(vxlDriver *driver, virDomainObj *vm,
                        virTypedParamList *list)
{
    vxlVcpuInfo *infos = NULL;
    size_t ninfos = 0;
    size_t i;
    int ret = -1;

    if (virTypedParamListAddUInt(list, virDomainDefGetVcpus(vm->def),
                                 "vcpu.current") < 0 ||
        virTypedParamListAddUInt(list, virDomainDefGetVcpusMax(vm->def),
                                 "vcpu.maximum") < 0)
        return -1;
    if (!virDomainObjIsActive(vm))
        return 0;
    if (vxlDomainStatsVcpus(driver, vm, &infos, &ninfos) < 0)
        return -1;
    for (i = 0; i < ninfos; i++) {
        int state = infos[i].online ?
            (infos[i].running ? VIR_VCPU_RUNNING : VIR_VCPU_BLOCKED) :
            VIR_VCPU_OFFLINE;

        if (virTypedParamListAddInt(list, state, "vcpu.%zu.state", i) < 0 ||
            virTypedParamListAddULLong(list, infos[i].cpuTimeNs,
                                       "vcpu.%zu.time", i) < 0)
            goto cleanup;
    }
    ret = 0;
 cleanup:
    vxlVcpuInfoListFree(infos, ninfos);
    return ret;
}

static int
vxlDomainStatsGroupInterface(vxlDriver *driver, virDomainObj *vm,
                             virTypedParamList *list)
{
    size_t n;
    size_t i;

    if (!virDomainObjIsActive(vm) || vxlDomainIsDom0(vm))
        return 0;
    /* The lock drops for each vif: count and copy first. */
    n = vm->def->nnets;
    if (virTypedParamListAddUInt(list, n, "net.count") < 0)
        return -1;
    for (i = 0; i < n; i++) {
        g_autofree char *ifname = NULL;
        virMacAddr mac;
        vxlNicStats st;

        if (i >= vm->def->nnets)
            break;
        ifname = g_strdup(vm->def->nets[i]->ifname);
        virMacAddrSet(&mac, &vm->def->nets[i]->mac);
        if (ifname &&
            virTypedParamListAddString(list, ifname, "net.%zu.name", i) < 0)
            return -1;
        if (vxlDomainStatsNic(driver, vm, &mac, &st) < 0) {
            /* A vif that went away meanwhile has no counters. */
            virResetLastError();
            continue;
        }
        if (vxlDomainStatsAddCounter(list, st.rxBytes, "net", i, "rx.bytes") < 0 ||
            vxlDomainStatsAddCounter(list, st.rxPackets, "net", i, "rx.pkts") < 0 ||
            vxlDomainStatsAddCounter(list, st.rxErrs, "net", i, "rx.errs") < 0 ||
            vxlDomainStatsAddCounter(list, st.rxDrop, "net", i, "rx.drop") < 0 ||
            vxlDomainStatsAddCounter(list, st.txBytes, "net", i, "tx.bytes") < 0 ||
            vxlDomainStatsAddCounter(list, st.txPackets, "net", i, "tx.pkts") < 0 ||
            vxlDomainStatsAddCounter(list, st.txErrs, "net", i, "tx.errs") < 0 ||
            vxlDomainStatsAddCounter(list, st.txDrop, "net", i, "tx.drop") < 0)
            return -1;
    }
    return 0;
}

static int
vxlDomainStatsGroupBlock(vxlDriver *driver, virDomainObj *vm,
                         virTypedParamList *list)
{
    size_t n;
    size_t i;

    if (vxlDomainIsDom0(vm))
        return 0;
    n = vm->def->ndisks;
    if (virTypedParamListAddUInt(list, n, "block.count") < 0)
        return -1;
    for (i = 0; i < n; i++) {
        g_autofree char *dst = NULL;
        const char *path;
        vxlBlockStats st;

        if (i >= vm->def->ndisks)
            break;
        dst = g_strdup(vm->def->disks[i]->dst);
        path = virDomainDiskGetSource(vm->def->disks[i]);
        if (virTypedParamListAddString(list, dst, "block.%zu.name", i) < 0)
            return -1;
        if (path && virTypedParamListAddString(list, path, "block.%zu.path", i) < 0)
            return -1;
        if (!virDomainObjIsActive(vm))
            continue;
        if (vxlDomainStatsBlock(driver, vm, dst, &st) < 0) {
            /* A disk without counters (qdisk) or gone meanwhile. */
            virResetLastError();
            continue;
        }
        if (vxlDomainStatsAddCounter(list, st.rdReqs, "block", i, "rd.reqs") < 0 ||
            vxlDomainStatsAddCounter(list, st.rdBytes, "block", i, "rd.bytes") < 0 ||
            vxlDomainStatsAddCounter(list, st.wrReqs, "block", i, "wr.reqs") < 0 ||
            vxlDomainStatsAddCounter(list, st.wrBytes, "block", i, "wr.bytes") < 0 ||
            vxlDomainStatsAddCounter(list, st.flushReqs, "block", i, "fl.reqs") < 0 ||
            vxlDomainStatsAddCounter(list, st.errs, "block", i, "errors") < 0)
            return -1;
    }
    return 0;
}

unsigned int
vxlDomainStatsSupported(void)
{
    return VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
           VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU |
           VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK;
}

int
vxlDomainStatsCollect(vxlDriver *driver, virDomainObj *vm, unsigned int groups,
                      virTypedParamList *list)
{
    if (vxlDomainDefEnsure(driver, vm) < 0)
        return -1;
    if ((groups & VIR_DOMAIN_STATS_STATE) &&
        vxlDomainStatsGroupState(vm, list) < 0)
        return -1;
    if ((groups & VIR_DOMAIN_STATS_CPU_TOTAL) &&
        vxlDomainStatsGroupCpu(driver, vm, list) < 0)
        return -1;
    if ((groups & VIR_DOMAIN_STATS_BALLOON) &&
        vxlDomainStatsGroupBalloon(driver, vm, list) < 0)
        return -1;
    if ((groups & VIR_DOMAIN_STATS_VCPU) &&
        vxlDomainStatsGroupVcpu(driver, vm, list) < 0)
        return -1;
    if ((groups & VIR_DOMAIN_STATS_INTERFACE) &&
        vxlDomainStatsGroupInterface(driver, vm, list) < 0)
        return -1;
    if ((groups & VIR_DOMAIN_STATS_BLOCK) &&
        vxlDomainStatsGroupBlock(driver, vm, list) < 0)
        return -1;
    return 0;
}
