/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_monitor.c: what the simulated host tells monitors: Domain-0, each
 * physical CPU's idle and busy time, each guest's disk, vif and memory
 * counters, and the scheduler's weight and cap.
 *
 * The counters follow the guest's script (vxlGuestScript's rates) on its
 * running-time axis, so they grow while it runs, stand still while it
 * is paused, and start again at zero with a new life (a reboot), as
 * blkback's and netback's do with new backend devices. A device counts
 * from the running time it joined at (a hot-added one from then).
 * Every disk reads and writes at the disk rate in 4 KiB requests; every
 * vif sends and receives at the network rate in 1 KiB packets; nothing
 * is ever dropped or refused.
 *
 * Physical CPU time: the host has been up since the machine's monotonic
 * clock started. Domain-0 keeps each of its vCPUs (dom0_max_vcpus= on
 * the profile's Xen command line, else one per CPU) busy at the guests'
 * duty cycle; a guest's vCPU i runs on CPU i modulo the host's (as
 * sim_vcpu.c places it), and what no vCPU uses is idle.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

#define VXL_SIM_BLOCK_REQUEST_BYTES 4096ULL
#define VXL_SIM_PACKET_BYTES 1024ULL

/* credit and credit2: a domain's default weight, and the largest. */
#define VXL_SIM_SCHED_WEIGHT_DEFAULT 256
#define VXL_SIM_SCHED_WEIGHT_MAX 65535

unsigned int
vxlSimDom0Vcpus(const vxlHostFacts *facts)
{
    const char *opt = facts->xenCommandline ?
                      strstr(facts->xenCommandline, "dom0_max_vcpus=") : NULL;
    unsigned int n = 0;

    if (opt) {
        const char *val = opt + strlen("dom0_max_vcpus=");
        const char *dash = strchr(val, '-');
        const char *space = strchr(val, ' ');

        /* "N" or "MIN-MAX": dom0 gets the most it may have. */
        if (dash && (!space || dash < space))
            val = dash + 1;
        n = g_ascii_strtoull(val, NULL, 10);
    }
    if (n == 0 || n > facts->nrCpus)
        n = facts->nrCpus ? facts->nrCpus : 1;
    return n;
}

/* Domain-0's CPU time by @now: its vCPUs at the duty cycle since boot. */
static unsigned long long
vxlSimDom0CpuTimeNs(unsigned int vcpus, long long now)
{
    return (unsigned long long)now * vcpus * VXL_SIM_DUTY_PERMILLE;
}

/* Domain-0's vCPUs as `xl vcpu-list 0` shows them on an idle host: each
 * online and running, vCPU i on physical CPU i, free to run anywhere,
 * each with an equal share of dom0's CPU time. */
void
vxlSimDom0GetVcpus(vxlSim *sim, vxlVcpuInfo **infos, size_t *ninfos)
{
    unsigned int vcpus = vxlSimDom0Vcpus(&sim->facts);
    unsigned int ncpus = sim->facts.nrCpus ? sim->facts.nrCpus : 1;
    unsigned long long each = vxlSimDom0CpuTimeNs(1, g_get_monotonic_time());
    unsigned int i;

    *infos = g_new0(vxlVcpuInfo, vcpus);
    *ninfos = vcpus;
    for (i = 0; i < vcpus; i++) {
        (*infos)[i].online = true;
        (*infos)[i].running = true;
        (*infos)[i].cpuTimeNs = each;
        (*infos)[i].cpu = i % ncpus;
    }
}

int
vxlSimHostGetDom0(vxlBackend *be, vxlDomainInfo *info)
{
    vxlSim *sim = vxlSimGet(be);
    unsigned int vcpus = vxlSimDom0Vcpus(&sim->facts);

    memset(info, 0, sizeof(*info));
    info->domid = 0;
    info->name = g_strdup("Domain-0");
    info->state = VXL_DOMSTATE_RUNNING;
    info->currentKiB = sim->facts.dom0KiB;
    info->maxKiB = sim->facts.dom0KiB;
    info->vcpusOnline = vcpus;
    info->vcpusMax = vcpus;
    info->cpuTimeNs = vxlSimDom0CpuTimeNs(vcpus, g_get_monotonic_time());
    return 0;
}

int
vxlSimHostGetCpuTimes(vxlBackend *be, vxlHostCpuTime **times, size_t *ntimes)
{
    vxlSim *sim = vxlSimGet(be);
    unsigned int ncpus = sim->facts.nrCpus ? sim->facts.nrCpus : 1;
    unsigned int dom0 = vxlSimDom0Vcpus(&sim->facts);
    g_autofree vxlHostCpuTime *out = g_new0(vxlHostCpuTime, ncpus);
    unsigned long long uptimeNs = 0;
    unsigned int i;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        long long now = g_get_monotonic_time();
        GHashTableIter it;
        vxlSimDomain *dom;

        vxlSimCatchUp(sim, now);
        uptimeNs = (unsigned long long)now * 1000;
        for (i = 0; i < dom0; i++)
            out[i % ncpus].busyNs += vxlSimDom0CpuTimeNs(1, now);
        g_hash_table_iter_init(&it, sim->domains);
        while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
            if (dom->building || dom->vcpusOnline == 0)
                continue;
            for (i = 0; i < dom->vcpusOnline; i++)
                out[i % ncpus].busyNs += dom->cpuTimeNs / dom->vcpusOnline;
        }
    }
    for (i = 0; i < ncpus; i++) {
        /* A state file from an earlier boot of the machine carries CPU
         * time from before this uptime: a CPU is never busier than up. */
        out[i].busyNs = MIN(out[i].busyNs, uptimeNs);
        out[i].idleNs = uptimeNs - out[i].busyNs;
    }
    *times = g_steal_pointer(&out);
    *ntimes = ncpus;
    return 0;
}

/* KiB at @rate per second over the running time since @sinceRunUs. */
static long long
vxlSimBytes(const vxlSimDomain *dom, unsigned int rateKiBs,
            unsigned long long sinceRunUs)
{
    unsigned long long us = dom->runUs > sinceRunUs ? dom->runUs - sinceRunUs : 0;

    return (long long)((unsigned __int128)us * rateKiBs * 1024 / 1000000);
}

int
vxlSimDomainGetBlockStats(vxlBackend *be, uint32_t domid, const char *vdev,
                          vxlBlockStats *stats)
{
    vxlSim *sim = vxlSimGet(be);
    VIR_LOCK_GUARD lock = virLockGuardLock(&sim->lock);
    vxlSimDomain *dom;
    size_t i;

    vxlSimCatchUp(sim, g_get_monotonic_time());
    if (!(dom = vxlSimLookup(sim, domid)))
        return -1;
    for (i = 0; i < dom->ndisks; i++) {
        const vxlSimDisk *disk = &dom->disks[i];
        long long bytes;

        if (STRNEQ(disk->vdev, vdev))
            continue;
        /* An empty cdrom has nothing to read. */
        bytes = disk->path ? vxlSimBytes(dom, dom->script.diskRateKiBs,
                                         disk->sinceRunUs) : 0;
        bytes -= bytes % VXL_SIM_BLOCK_REQUEST_BYTES;
        stats->rdBytes = bytes;
        stats->rdReqs = bytes / VXL_SIM_BLOCK_REQUEST_BYTES;
        /* A cdrom is read-only. */
        stats->wrBytes = disk->cdrom ? 0 : bytes;
        stats->wrReqs = stats->wrBytes / VXL_SIM_BLOCK_REQUEST_BYTES;
        stats->flushReqs = stats->wrReqs / 16;
        stats->errs = 0;
        return 0;
    }
    virReportError(VIR_ERR_INVALID_ARG,
                   _("domain '%s' (id %u) has no disk '%s'"),
                   dom->name, domid, vdev);
    return -1;
}

int
vxlSimDomainGetNicStats(vxlBackend *be, uint32_t domid, const char *mac,
                        vxlNicStats *stats)
{
    vxlSim *sim = vxlSimGet(be);
    VIR_LOCK_GUARD lock = virLockGuardLock(&sim->lock);
    vxlSimDomain *dom;
    size_t i;

    vxlSimCatchUp(sim, g_get_monotonic_time());
    if (!(dom = vxlSimLookup(sim, domid)))
        return -1;
    for (i = 0; i < dom->nnics; i++) {
        long long bytes;

        if (STRCASENEQ(dom->nics[i].mac, mac))
            continue;
        bytes = vxlSimBytes(dom, dom->script.netRateKiBs,
                            dom->nics[i].sinceRunUs);
        bytes -= bytes % VXL_SIM_PACKET_BYTES;
        stats->rxBytes = stats->txBytes = bytes;
        stats->rxPackets = stats->txPackets = bytes / VXL_SIM_PACKET_BYTES;
        stats->rxErrs = stats->txErrs = 0;
        stats->rxDrop = stats->txDrop = 0;
        return 0;
    }
    virReportError(VIR_ERR_INVALID_ARG,
                   _("domain '%s' (id %u) has no network interface with MAC %s"),
                   dom->name, domid, mac);
    return -1;
}

int
vxlSimDomainGetMemoryStats(vxlBackend *be, uint32_t domid,
                           vxlMemoryStats *stats)
{
    vxlSim *sim = vxlSimGet(be);
    VIR_LOCK_GUARD lock = virLockGuardLock(&sim->lock);
    vxlSimDomain *dom;
    unsigned long long used;

    vxlSimCatchUp(sim, g_get_monotonic_time());
    if (!(dom = vxlSimLookup(sim, domid)))
        return -1;
    /* The balloon driver reaches its target at once (sim_backend.c); the
     * guest's own use never exceeds what it holds. */
    used = MIN(dom->script.memUsedMiB * 1024ULL, dom->targetKiB);
    stats->actualKiB = dom->targetKiB;
    stats->targetKiB = dom->targetKiB;
    stats->maxKiB = dom->maxKiB;
    stats->availableKiB = dom->targetKiB;
    stats->unusedKiB = dom->targetKiB - used;
    stats->usableKiB = dom->targetKiB - used;
    stats->lastUpdate = g_get_real_time() / G_USEC_PER_SEC;
    return 0;
}

/* ----- scheduler ------------------------------------------------------- */

/* The weight and cap kept in @dom's stored config (b_info.sched_params,
 * where libxl keeps them too), with the defaults for what is unset. */
static void
vxlSimSchedGet(const vxlSimDomain *dom, unsigned int *weight, unsigned int *cap)
{
    virJSONValue *b = virJSONValueObjectGetObject(dom->config, "b_info");
    virJSONValue *sp = b ? virJSONValueObjectGetObject(b, "sched_params") : NULL;
    int val;

    *weight = VXL_SIM_SCHED_WEIGHT_DEFAULT;
    *cap = 0;
    /* libxl's JSON leaves out what is at its default (-1) */
    if (sp && virJSONValueObjectGetNumberInt(sp, "weight", &val) == 0 && val > 0)
        *weight = val;
    if (sp && virJSONValueObjectGetNumberInt(sp, "cap", &val) == 0 && val > 0)
        *cap = val;
}

/* credit and credit2 have weight and cap; the others do not. */
static bool
vxlSimSchedHasWeight(const char *scheduler)
{
    return STREQ_NULLABLE(scheduler, "credit") ||
           STREQ_NULLABLE(scheduler, "credit2");
}

int
vxlSimDomainGetSchedParams(vxlBackend *be, uint32_t domid,
                           vxlSchedParams *params)
{
    vxlSim *sim = vxlSimGet(be);
    VIR_LOCK_GUARD lock = virLockGuardLock(&sim->lock);
    vxlSimDomain *dom;

    params->scheduler = g_strdup(sim->facts.scheduler ? sim->facts.scheduler
                                                      : "credit2");
    /* Domain-0 keeps Xen's defaults: nothing in the model changes them */
    if (domid == 0) {
        params->weight = VXL_SIM_SCHED_WEIGHT_DEFAULT;
        params->cap = 0;
        return 0;
    }
    vxlSimCatchUp(sim, g_get_monotonic_time());
    if (!(dom = vxlSimLookup(sim, domid))) {
        g_clear_pointer(&params->scheduler, g_free);
        return -1;
    }
    vxlSimSchedGet(dom, &params->weight, &params->cap);
    return 0;
}

static int
vxlSimSetSchedParamsAct(vxlSim *sim, vxlSimDomain *dom,
                        long long now G_GNUC_UNUSED, void *opaque)
{
    const vxlSchedParams *params = opaque;
    const char *scheduler = sim->facts.scheduler ? sim->facts.scheduler : "credit2";
    virJSONValue *b;
    virJSONValue *sp;

    if (!vxlSimSchedHasWeight(scheduler)) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("the %s scheduler of this host has no weight or cap for domain '%s'"),
                       scheduler, dom->name);
        return -1;
    }
    if (params->weight < 1 || params->weight > VXL_SIM_SCHED_WEIGHT_MAX) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the scheduler weight of domain '%s' must be between 1 and %d, not %u"),
                       dom->name, VXL_SIM_SCHED_WEIGHT_MAX, params->weight);
        return -1;
    }
    if (params->cap > 100 * dom->vcpusMax) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the scheduler cap of domain '%s' must be between 0 and %u (percent of one CPU, for its %u vCPUs), not %u"),
                       dom->name, 100 * dom->vcpusMax, dom->vcpusMax,
                       params->cap);
        return -1;
    }
    if (!(b = virJSONValueObjectGetObject(dom->config, "b_info"))) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the stored configuration of domain '%s' has no build information"),
                       dom->name);
        return -1;
    }
    if (!(sp = virJSONValueObjectGetObject(b, "sched_params"))) {
        g_autoptr(virJSONValue) fresh = virJSONValueNewObject();

        if (virJSONValueObjectAppend(b, "sched_params", &fresh) < 0)
            return -1;
        sp = virJSONValueObjectGetObject(b, "sched_params");
    }
    ignore_value(virJSONValueObjectRemoveKey(sp, "weight", NULL));
    ignore_value(virJSONValueObjectRemoveKey(sp, "cap", NULL));
    if (virJSONValueObjectAppendNumberInt(sp, "weight", params->weight) < 0 ||
        virJSONValueObjectAppendNumberInt(sp, "cap", params->cap) < 0)
        return -1;
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainSetSchedParams(vxlBackend *be, uint32_t domid,
                           const vxlSchedParams *params)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimSetSchedParamsAct,
                            (void *)params);
}

/* ----- disk resize ------------------------------------------------------ */

/* blkback tells the guest of a bigger backing device; the guest never
 * hears of a smaller one (its data would be cut). */
int
vxlSimDomainBlockResize(vxlBackend *be, uint32_t domid, const char *vdev,
                        unsigned long long bytes)
{
    vxlSim *sim = vxlSimGet(be);
    VIR_LOCK_GUARD lock = virLockGuardLock(&sim->lock);
    vxlSimDomain *dom;
    size_t i;

    vxlSimCatchUp(sim, g_get_monotonic_time());
    if (!(dom = vxlSimLookup(sim, domid)) ||
        vxlSimCheckAlive(dom, VXL_BACKEND_OP_BLOCK_RESIZE) < 0)
        return -1;
    for (i = 0; i < dom->ndisks; i++) {
        vxlSimDisk *disk = &dom->disks[i];

        if (STRNEQ(disk->vdev, vdev))
            continue;
        if (disk->cdrom || !disk->path) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("disk '%s' of domain '%s' (id %u) is a cdrom: its size is its media's"),
                           vdev, dom->name, domid);
            return -1;
        }
        if (bytes < disk->sizeBytes) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("disk '%s' of domain '%s' (id %u) cannot shrink from %llu to %llu bytes"),
                           vdev, dom->name, domid, disk->sizeBytes, bytes);
            return -1;
        }
        disk->sizeBytes = bytes;
        return 0;
    }
    virReportError(VIR_ERR_INVALID_ARG,
                   _("domain '%s' (id %u) has no disk '%s'"),
                   dom->name, domid, vdev);
    return -1;
}
