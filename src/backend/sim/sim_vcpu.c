/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_vcpu.c: the simulated guests' vCPUs, as xl vcpu-list shows them
 * and xl vcpu-pin sets their hard affinity.
 *
 * Slot i is online while i < the domain's online count, unless a
 * setvcpu took slots out of the middle: then the domain's vCPU map says
 * which are (libxl_set_vcpuonline takes any set). Online vCPUs
 * share its CPU time equally and run when the domain runs, on physical
 * CPU i modulo the host's. Each one's hard affinity is that of the
 * config the domain was built with (b_info.vcpu_hard_affinity, one CPU
 * list per vCPU), which a pin updates: it is kept, and saved, there.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "virbitmap.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* The hard affinity of @dom's vCPU @vcpu in its config: a JSON array of
 * CPU numbers, or NULL (every CPU). */
static virJSONValue *
vxlSimVcpuAffinityJSON(const vxlSimDomain *dom, unsigned int vcpu)
{
    virJSONValue *b = virJSONValueObjectGetObject(dom->config, "b_info");
    virJSONValue *list = b ? virJSONValueObjectGetArray(b, "vcpu_hard_affinity") : NULL;

    if (!list || vcpu >= virJSONValueArraySize(list))
        return NULL;
    return virJSONValueArrayGet(list, vcpu);
}

static char *
vxlSimVcpuAffinity(const vxlSimDomain *dom, unsigned int vcpu, unsigned int ncpus)
{
    virJSONValue *cpus = vxlSimVcpuAffinityJSON(dom, vcpu);
    g_autoptr(virBitmap) bits = virBitmapNew(ncpus);
    size_t i;

    if (!cpus || !virJSONValueIsArray(cpus))
        return NULL;
    for (i = 0; i < virJSONValueArraySize(cpus); i++) {
        unsigned int cpu;

        if (virJSONValueGetNumberUint(virJSONValueArrayGet(cpus, i), &cpu) == 0 &&
            cpu < ncpus)
            ignore_value(virBitmapSetBit(bits, cpu));
    }
    if (virBitmapIsAllSet(bits))
        return NULL;
    return virBitmapFormat(bits);
}

int
vxlSimDomainGetVcpus(vxlBackend *be, uint32_t domid, vxlVcpuInfo **infos,
                     size_t *ninfos)
{
    vxlSim *sim = be->priv;
    unsigned int ncpus = sim->facts.nrCpus ? sim->facts.nrCpus : 1;
    unsigned int i;

    /* Domain-0 is the host's, not one of the model's domains */
    if (domid == 0) {
        vxlSimDom0GetVcpus(sim, infos, ninfos);
        return 0;
    }
    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimDomain *dom;

        vxlSimCatchUp(sim, g_get_monotonic_time());
        if (!(dom = vxlSimLookup(sim, domid)))
            return -1;
        *infos = g_new0(vxlVcpuInfo, dom->vcpusMax);
        *ninfos = dom->vcpusMax;
        for (i = 0; i < dom->vcpusMax; i++) {
            vxlVcpuInfo *info = &(*infos)[i];

            info->online = vxlSimVcpuIsOnline(dom, i);
            info->running = info->online && dom->state == VXL_DOMSTATE_RUNNING;
            /* An equal share each; the first takes the rounding, so
             * the vCPUs add up to the domain. */
            info->cpuTimeNs = info->online ? dom->cpuTimeNs / dom->vcpusOnline : 0;
            if (i == 0)
                info->cpuTimeNs += dom->cpuTimeNs % dom->vcpusOnline;
            info->cpu = i % ncpus;
            info->affinity = vxlSimVcpuAffinity(dom, i, ncpus);
        }
    }
    return 0;
}

/* A JSON array of the CPU numbers of @bits (libxl's bitmap in JSON). */
static virJSONValue *
vxlSimCpuListJSON(virBitmap *bits)
{
    g_autoptr(virJSONValue) list = virJSONValueNewArray();
    ssize_t bit = -1;

    while ((bit = virBitmapNextSetBit(bits, bit)) >= 0) {
        g_autoptr(virJSONValue) num = virJSONValueNewNumberUlong(bit);

        if (virJSONValueArrayAppend(list, &num) < 0)
            return NULL;
    }
    return g_steal_pointer(&list);
}

int
vxlSimDomainPinVcpu(vxlBackend *be, uint32_t domid, unsigned int vcpu,
                    const char *cpuset)
{
    vxlSim *sim = be->priv;
    g_auto(vxlSimSnapshot) snap = { 0 };
    g_autoptr(virBitmap) bits = NULL;
    g_autoptr(virBitmap) all = NULL;
    unsigned int ncpus = sim->facts.nrCpus ? sim->facts.nrCpus : 1;
    ssize_t last;

    if (virBitmapParse(cpuset, &bits, 4096) < 0)
        return -1;
    all = virBitmapNew(ncpus);
    virBitmapSetAll(all);

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimDomain *dom;
        virJSONValue *b;
        g_autoptr(virJSONValue) list = virJSONValueNewArray();
        g_autoptr(virJSONValue) old = NULL;
        unsigned int i;

        if (!(dom = vxlSimLookup(sim, domid)))
            return -1;
        if (vcpu >= dom->vcpusMax) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("cannot pin vCPU %u of domain '%s' (id %u): it has %u"),
                           vcpu, dom->name, domid, dom->vcpusMax);
            return -1;
        }
        if ((last = virBitmapLastSetBit(bits)) < 0 || last >= ncpus) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("cannot pin vCPU %u of domain '%s' (id %u) to CPUs '%s': the host has CPUs 0-%u"),
                           vcpu, dom->name, domid, cpuset, ncpus - 1);
            return -1;
        }
        if (!(b = virJSONValueObjectGetObject(dom->config, "b_info"))) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("simulated domain '%s' has no stored config"), dom->name);
            return -1;
        }

        /* A new list, one entry per slot: this vCPU's new CPUs, the
         * others' as they were ("all CPUs" where the config had none). */
        for (i = 0; i < dom->vcpusMax; i++) {
            g_autoptr(virJSONValue) entry = NULL;
            virJSONValue *was = vxlSimVcpuAffinityJSON(dom, i);

            if (i == vcpu)
                entry = vxlSimCpuListJSON(bits);
            else if (was)
                entry = virJSONValueCopy(was);
            else
                entry = vxlSimCpuListJSON(all);
            if (!entry || virJSONValueArrayAppend(list, &entry) < 0)
                return -1;
        }
        ignore_value(virJSONValueObjectRemoveKey(b, "vcpu_hard_affinity", &old));
        if (virJSONValueObjectAppend(b, "vcpu_hard_affinity", &list) < 0)
            return -1;
        vxlSimSnapshotTake(sim, &snap, dom);
    }
    vxlSimSave(sim, &snap);
    return 0;
}

/* ----- each vCPU's online state ---------------------------------------- */

bool
vxlSimVcpuIsOnline(const vxlSimDomain *dom, unsigned int vcpu)
{
    if (dom->vcpuMap)
        return virBitmapIsBitSet(dom->vcpuMap, vcpu);
    return vcpu < dom->vcpusOnline;
}

/* The first @n vCPUs online, the others offline (xl vcpu-set). */
void
vxlSimVcpusSetCount(vxlSimDomain *dom, unsigned int n)
{
    g_clear_pointer(&dom->vcpuMap, virBitmapFree);
    dom->vcpusOnline = n;
}

/* Exactly the vCPUs of CPU list @list online. Errors as the backend's
 * domainSetVcpusOnlineSet; @dom is unchanged then. */
int
vxlSimVcpusSetList(vxlSimDomain *dom, const char *list)
{
    g_autoptr(virBitmap) map = NULL;
    unsigned int n;

    if (virBitmapParse(list, &map, dom->vcpusMax) < 0) {
        virResetLastError();
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set vCPUs '%s' online in domain '%s' (id %u): it has vCPUs 0-%u"),
                       list, dom->name, dom->domid, dom->vcpusMax - 1);
        return -1;
    }
    if (!virBitmapIsBitSet(map, 0)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set vCPUs '%s' online in domain '%s' (id %u): vCPU 0 must stay online"),
                       list, dom->name, dom->domid);
        return -1;
    }
    n = virBitmapCountBits(map);
    vxlSimVcpusSetCount(dom, n);
    /* The first n online is what the count alone says. */
    if (virBitmapLastSetBit(map) + 1 != n)
        dom->vcpuMap = g_steal_pointer(&map);
    return 0;
}

/* The online vCPUs as a CPU list when they are not the first
 * vcpusOnline, else NULL (the count says it). */
char *
vxlSimVcpusFormat(const vxlSimDomain *dom)
{
    return dom->vcpuMap ? virBitmapFormat(dom->vcpuMap) : NULL;
}

static int
vxlSimSetVcpusOnlineSetAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                           long long now G_GNUC_UNUSED, void *opaque)
{
    /* The frame's catch-up accounted CPU time at the old set up to now. */
    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_SET_VCPUS) < 0 ||
        vxlSimVcpusSetList(dom, opaque) < 0)
        return -1;
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainSetVcpusOnlineSet(vxlBackend *be, uint32_t domid, const char *vcpus)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimSetVcpusOnlineSetAct,
                            (void *)vcpus);
}
