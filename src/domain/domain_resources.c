/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_resources.c: memory and vCPUs of a defined or running domain
 * (virsh setmem, setmaxmem, setvcpus, vcpuinfo, vcpupin), and core dumps
 * on request (virsh dump).
 *
 * Each change goes to the running domain (Xen's balloon target, maximum
 * memory, online vCPUs or a vCPU's hard affinity, through the backend)
 * and/or to the persistent definition, whichever the caller's flags
 * chose. Xen cannot change a running guest's number of vCPU slots, so a
 * live change of the maximum is refused; everything else Xen does live,
 * as xl mem-set, mem-max, vcpu-set and vcpu-pin do. A refused change
 * leaves both definitions and the domain as they were.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_job.h"
#include "domain_intent.h"
#include "domain_xmlns.h"
#include "virtxl/backend.h"
#include "util_crashpoint.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_resources");

/* Save what changed: the status of a running domain, the persistent
 * definition when it changed. */
static int
vxlDomainSaveChanged(vxlDriver *driver, virDomainObj *vm,
                     virDomainDef *def, virDomainDef *persistentDef)
{
    if (def && vxlDomainSaveStatus(driver, vm) < 0)
        return -1;
    if (persistentDef &&
        vxlDomainConfigSave(driver, persistentDef) < 0)
        return -1;
    return 0;
}

/*
 * A change that cannot be recorded is undone: the definitions it touched
 * get their old copy back and the running domain its old value. A live
 * change is recorded as an intent first, so that a daemon killed
 * midway applies it again at its next start (domain_recover.c).
 */
typedef struct {
    vxlIntentOp op;              /* VXL_INTENT_LAST: config only, no intent */
    bool intent;                 /* recorded, to be removed */
    bool live;
    unsigned long long oldLive;  /* the running domain's value before */
    virDomainDef *liveCopy;      /* copies of the definitions before */
    virDomainDef *configCopy;
    virDomainDef *def;           /* the definitions being changed */
    virDomainDef *persistentDef;
} vxlDomainResourceUndoData;

static unsigned long long
vxlDomainResourceValue(virDomainDef *def, vxlIntentOp op)
{
    switch (op) {
    case VXL_INTENT_SETMEM:
        return def->mem.cur_balloon;
    case VXL_INTENT_SETMAXMEM:
        return virDomainDefGetMemoryTotal(def);
    default:
        return virDomainDefGetVcpus(def);
    }
}

static int
vxlDomainResourceBegin(vxlDriver *driver, virDomainObj *vm, vxlIntentOp op,
                       virDomainDef *def, virDomainDef *persistentDef,
                       unsigned long long value, vxlDomainResourceUndoData *undo)
{
    undo->op = op;
    undo->def = def;
    undo->persistentDef = persistentDef;
    if (def &&
        !(undo->liveCopy = virDomainDefCopy(def, driver->xmlopt, NULL, false)))
        return -1;
    if (persistentDef &&
        !(undo->configCopy = virDomainDefCopy(persistentDef, driver->xmlopt,
                                              NULL, false)))
        return -1;
    if (def && op != VXL_INTENT_LAST) {
        undo->live = true;
        undo->oldLive = vxlDomainResourceValue(def, op);
        if (vxlIntentRecordResource(driver, vm, op, true, !!persistentDef,
                                    value) < 0)
            return -1;
        undo->intent = true;
        VXL_CRASH_POINT("resource.after-intent");
    }
    return 0;
}

static void
vxlDomainResourceClear(vxlDomainResourceUndoData *undo)
{
    g_clear_pointer(&undo->liveCopy, virDomainDefFree);
    g_clear_pointer(&undo->configCopy, virDomainDefFree);
}

static void
vxlDomainResourceEnd(vxlDriver *driver, virDomainObj *vm,
                     vxlDomainResourceUndoData *undo)
{
    if (undo->intent)
        vxlIntentDone(driver, vm->def->uuid, undo->op);
    vxlDomainResourceClear(undo);
}

/* Put back what vxlDomainResourceBegin saw. @applied: the running
 * domain may have the new value (the backend took it). The error the
 * client sees is the one already reported. */
static void
vxlDomainResourceUndo(vxlDriver *driver, virDomainObj *vm,
                      vxlDomainResourceUndoData *undo, bool applied)
{
    virErrorPtr saved;
    int rc = 0;

    virErrorPreserveLast(&saved);
    if (applied && undo->live) {
        vxlDomainBackendEnter(vm);
        switch (undo->op) {
        case VXL_INTENT_SETMEM:
            rc = vxlBackendDomainSetMemory(driver->backend, vm->def->id,
                                           undo->oldLive);
            break;
        case VXL_INTENT_SETMAXMEM:
            rc = vxlBackendDomainSetMaxMemory(driver->backend, vm->def->id,
                                              undo->oldLive);
            break;
        default:
            rc = vxlBackendDomainSetVcpusOnline(driver->backend, vm->def->id,
                                                undo->oldLive);
            break;
        }
        vxlDomainBackendExit(vm);
        if (rc < 0)
            VIR_WARN("cannot put the %s of domain %s back to %llu: %s",
                     vxlIntentOpTypeToString(undo->op), vm->def->name,
                     undo->oldLive, virGetLastErrorMessage());
    }
    if (undo->liveCopy && rc == 0) {
        vxlDomainResourceSet(undo->def, undo->op,
                             vxlDomainResourceValue(undo->liveCopy, undo->op),
                             true);
        /* The status file may have taken the new value already. */
        if (applied && vxlDomainSaveStatus(driver, vm) < 0)
            VIR_WARN("cannot save the status of domain %s: %s",
                     vm->def->name, virGetLastErrorMessage());
    }
    if (undo->configCopy) {
        /* vm->newDef, or vm->def of an inactive domain, is
         * undo->persistentDef: give it its old copy back in place. */
        if (vm->newDef == undo->persistentDef)
            vm->newDef = g_steal_pointer(&undo->configCopy);
        else if (vm->def == undo->persistentDef)
            vm->def = g_steal_pointer(&undo->configCopy);
        if (!undo->configCopy)
            virDomainDefFree(undo->persistentDef);
    }
    /* Undone, unless the running domain kept the new value, which the
     * next start then records. */
    if (undo->intent && rc == 0)
        vxlIntentDone(driver, vm->def->uuid, undo->op);
    vxlDomainResourceClear(undo);
    virErrorRestore(&saved);
}

/* ---------- memory ---------- */

static int
vxlDomainSetMaxMemoryIn(vxlDriver *driver, virDomainObj *vm,
                        virDomainDef *def, virDomainDef *persistentDef,
                        unsigned long long memKiB)
{
    /* A vNUMA guest's maximum is its cells' sum: libxl refuses any other
     * at create, so a persistent change would only fail the next start
     * (libvirt's qemu driver refuses it too). */
    if (persistentDef && virDomainNumaGetNodeCount(persistentDef->numa) > 0 &&
        memKiB != virDomainNumaGetMemorySize(persistentDef->numa)) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot set the maximum memory of domain '%s' to %llu KiB in its persistent definition: its vNUMA cells make it %llu KiB (Xen sizes a vNUMA guest by its cells)"),
                       vm->def->name, memKiB,
                       virDomainNumaGetMemorySize(persistentDef->numa));
        return -1;
    }
    if (def) {
        int rc;

        if (memKiB < def->mem.cur_balloon) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("cannot set the maximum memory of running domain '%s' to %llu KiB: it is below its current memory of %llu KiB; lower that first"),
                           vm->def->name, memKiB, def->mem.cur_balloon);
            return -1;
        }
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainSetMaxMemory(driver->backend, vm->def->id, memKiB);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            return -1;
        virDomainDefSetMemoryTotal(def, memKiB);
    }
    if (persistentDef) {
        virDomainDefSetMemoryTotal(persistentDef, memKiB);
        if (persistentDef->mem.cur_balloon > memKiB)
            persistentDef->mem.cur_balloon = memKiB;
    }
    return 0;
}

static int
vxlDomainSetCurrentMemoryIn(vxlDriver *driver, virDomainObj *vm,
                            virDomainDef *def, virDomainDef *persistentDef,
                            unsigned long long memKiB)
{
    if ((def && memKiB > virDomainDefGetMemoryTotal(def)) ||
        (persistentDef && memKiB > virDomainDefGetMemoryTotal(persistentDef))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set the memory of domain '%s' to %llu KiB: it is above its maximum of %llu KiB"),
                       vm->def->name, memKiB,
                       virDomainDefGetMemoryTotal(def ? def : persistentDef));
        return -1;
    }
    if (def) {
        int rc;

        /* Xen's balloon target: the guest's balloon driver reaches it. */
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainSetMemory(driver->backend, vm->def->id, memKiB);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            return -1;
        def->mem.cur_balloon = memKiB;
    }
    if (persistentDef)
        persistentDef->mem.cur_balloon = memKiB;
    return 0;
}

int
vxlDomainMemoryChange(vxlDriver *driver, virDomainObj *vm, virDomainDef *def,
                      virDomainDef *persistentDef, unsigned long long memKiB,
                      bool maximum)
{
    vxlDomainResourceUndoData undo = { 0 };
    vxlIntentOp op = maximum ? VXL_INTENT_SETMAXMEM : VXL_INTENT_SETMEM;
    int rc;

    if (memKiB == 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a domain's memory cannot be 0 KiB"));
        return -1;
    }
    if (vxlDomainResourceBegin(driver, vm, op, def, persistentDef, memKiB,
                               &undo) < 0)
        return -1;
    if (maximum)
        rc = vxlDomainSetMaxMemoryIn(driver, vm, def, persistentDef, memKiB);
    else
        rc = vxlDomainSetCurrentMemoryIn(driver, vm, def, persistentDef, memKiB);
    if (rc < 0) {
        vxlDomainResourceUndo(driver, vm, &undo, false);
        return -1;
    }
    VXL_CRASH_POINT("setmem.after-backend");
    if (vxlDomainSaveChanged(driver, vm, def, persistentDef) < 0) {
        vxlDomainResourceUndo(driver, vm, &undo, true);
        return -1;
    }
    VXL_CRASH_POINT("setmem.after-save");
    vxlDomainResourceEnd(driver, vm, &undo);
    return 0;
}

/* ---------- vCPUs ---------- */

/* How many vCPUs the host gives a guest of @def's type, as its
 * <domainCapabilities> says (0: it does not say); -1 on error. */
static long long
vxlDomainVcpusLimit(vxlDriver *driver, const virDomainDef *def)
{
    vxlHostFacts facts = { 0 };
    long long limit;

    if (vxlDomainHostGetFacts(driver, &facts) < 0)
        return -1;
    switch (def->os.type) {
    case VIR_DOMAIN_OSTYPE_HVM:
        limit = facts.maxVcpusHVM;
        break;
    case VIR_DOMAIN_OSTYPE_XENPVH:
        limit = facts.maxVcpusPVH;
        break;
    default:
        limit = facts.maxVcpusPV;
        break;
    }
    vxlHostFactsClear(&facts);
    return limit;
}

int
vxlDomainVcpusChange(vxlDriver *driver, virDomainObj *vm, virDomainDef *def,
                     virDomainDef *persistentDef, unsigned int nvcpus,
                     bool maximum)
{
    vxlDomainResourceUndoData undo = { 0 };
    long long limit;

    if (nvcpus == 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a domain needs at least one vCPU"));
        return -1;
    }

    if (maximum) {
        /* Xen sizes a domain's vCPU array when it builds it. */
        if (def) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("cannot change the maximum vCPUs of running domain '%s': Xen sets them when it builds a domain; change the persistent definition (--config)"),
                           vm->def->name);
            return -1;
        }
        if ((limit = vxlDomainVcpusLimit(driver, persistentDef)) < 0)
            return -1;
        if (limit > 0 && nvcpus > limit) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("cannot give domain '%s' %u vCPUs: this host gives %s guests at most %lld"),
                           vm->def->name, nvcpus,
                           virDomainOSTypeToString(persistentDef->os.type), limit);
            return -1;
        }
        if (vxlDomainResourceBegin(driver, vm, VXL_INTENT_LAST, NULL,
                                   persistentDef, nvcpus, &undo) < 0 ||
            virDomainDefSetVcpusMax(persistentDef, nvcpus, driver->xmlopt) < 0) {
            vxlDomainResourceUndo(driver, vm, &undo, false);
            return -1;
        }
    } else {
        if ((def && nvcpus > virDomainDefGetVcpusMax(def)) ||
            (persistentDef && nvcpus > virDomainDefGetVcpusMax(persistentDef))) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("cannot set %u vCPUs in domain '%s': it has at most %u; raise that first (--maximum --config)"),
                           nvcpus, vm->def->name,
                           virDomainDefGetVcpusMax(def ? def : persistentDef));
            return -1;
        }
        if (vxlDomainResourceBegin(driver, vm, VXL_INTENT_SETVCPUS, def,
                                   persistentDef, nvcpus, &undo) < 0)
            return -1;
        if (def) {
            int rc;

            vxlDomainBackendEnter(vm);
            rc = vxlBackendDomainSetVcpusOnline(driver->backend, vm->def->id, nvcpus);
            vxlDomainBackendExit(vm);
            if (rc < 0) {
                vxlDomainResourceUndo(driver, vm, &undo, false);
                return -1;
            }
            VXL_CRASH_POINT("setvcpus.after-backend");
            ignore_value(virDomainDefSetVcpus(def, nvcpus));
        }
        if (persistentDef)
            ignore_value(virDomainDefSetVcpus(persistentDef, nvcpus));
    }
    if (vxlDomainSaveChanged(driver, vm, def, persistentDef) < 0) {
        vxlDomainResourceUndo(driver, vm, &undo, true);
        return -1;
    }
    VXL_CRASH_POINT("setvcpus.after-save");
    vxlDomainResourceEnd(driver, vm, &undo);
    return 0;
}

/* ---------- vCPU placement (virsh vcpuinfo, vcpupin) ---------- */

/* Set the bits of the CPU list @cpuset (NULL: all of @host) in the
 * @maplen bytes at @map. */
static void
vxlCpumapFill(unsigned char *map, int maplen, const char *cpuset, virBitmap *host)
{
    g_autoptr(virBitmap) parsed = NULL;
    virBitmap *bits = host;
    ssize_t bit = -1;

    memset(map, 0, maplen);
    if (cpuset && virBitmapParse(cpuset, &parsed, 4096) == 0)
        bits = parsed;
    virResetLastError();
    while ((bit = virBitmapNextSetBit(bits, bit)) >= 0 && bit < maplen * 8)
        VIR_USE_CPU(map, bit);
}

int
vxlDomainVcpusInfo(vxlDriver *driver, virDomainObj *vm, virVcpuInfoPtr info,
                   int maxinfo, unsigned char *cpumaps, int maplen)
{
    g_autoptr(virBitmap) host = NULL;
    vxlVcpuInfo *vcpus = NULL;
    size_t nvcpus = 0;
    size_t i;
    int pass;
    int n = 0;
    int rc;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (!(host = vxlDomainHostGetCpus(driver)))
        return -1;
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainGetVcpus(driver->backend, vm->def->id, &vcpus, &nvcpus);
    vxlDomainBackendExit(vm);
    if (rc < 0) {
        vxlVcpuInfoListFree(vcpus, nvcpus);
        return -1;
    }

    /* The online vCPUs first, by number, then the offline ones: clients
     * ask for as many as the domain has online (virsh vcpuinfo, python's
     * vcpus()), which a vCPU taken offline from the middle (setvcpu)
     * must not push out of the answer. */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < nvcpus && n < maxinfo; i++) {
            if (vcpus[i].online != (pass == 0))
                continue;
            info[n].number = i;
            info[n].state = !vcpus[i].online ? VIR_VCPU_OFFLINE :
                            vcpus[i].running ? VIR_VCPU_RUNNING : VIR_VCPU_BLOCKED;
            info[n].cpuTime = vcpus[i].cpuTimeNs;
            info[n].cpu = vcpus[i].online ? vcpus[i].cpu : -1;
            if (cpumaps)
                vxlCpumapFill(VIR_GET_CPUMAP(cpumaps, maplen, n), maplen,
                              vcpus[i].affinity, host);
            n++;
        }
    }
    vxlVcpuInfoListFree(vcpus, nvcpus);
    return n;
}

int
vxlDomainVcpuPinInfo(vxlDriver *driver, virDomainDef *def, int ncpumaps,
                     unsigned char *cpumaps, int maplen)
{
    g_autoptr(virBitmap) host = NULL;
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    int n;
    int i;

    if (!(host = vxlDomainHostGetCpus(driver)))
        return -1;
    /* Xen places unpinned vCPUs itself: they may run anywhere. */
    if ((n = virDomainDefGetVcpuPinInfoHelper(def, maplen, ncpumaps, cpumaps,
                                              host, NULL)) < 0)
        return -1;
    /* A vCPU kept off some CPUs (<virtxl:cpus_exclude>) runs on the
     * others, which is what Xen was told. */
    for (i = 0; i < n; i++) {
        virDomainVcpuDef *v = virDomainDefGetVcpu(def, i);
        virBitmap *except = vxlXMLNSCpusExcluded(ns, i);
        virBitmap *nodes = vxlXMLNSCpusNodes(ns, i);
        ssize_t bit = -1;

        if (!v || v->cpumask)
            continue;
        /* Host NUMA nodes (a persistent definition: a start resolves
         * them): the CPUs of this host's nodes. */
        if (!nodes && !def->cpumask && !except)
            nodes = vxlXMLNSCpusNodes(ns, -1);
        if (nodes) {
            g_autoptr(virBitmap) cpus = vxlDomainCpuNodesMap(driver, nodes);

            if (!cpus)
                return -1;
            memset(VIR_GET_CPUMAP(cpumaps, maplen, i), 0, maplen);
            while ((bit = virBitmapNextSetBit(cpus, bit)) >= 0 &&
                   bit < (ssize_t)maplen * 8)
                VIR_USE_CPU(VIR_GET_CPUMAP(cpumaps, maplen, i), bit);
            continue;
        }
        if (!except && !def->cpumask)
            except = vxlXMLNSCpusExcluded(ns, -1);
        if (!except)
            continue;
        /* An exclusion starts from every CPU, not from <vcpu cpuset>. */
        virBitmapToDataBuf(host, VIR_GET_CPUMAP(cpumaps, maplen, i), maplen);
        while ((bit = virBitmapNextSetBit(except, bit)) >= 0 &&
               bit < (ssize_t)maplen * 8)
            VIR_UNUSE_CPU(VIR_GET_CPUMAP(cpumaps, maplen, i), bit);
    }
    return n;
}

/* Pin @vcpu of @def to @cpus. libxl's affinity list runs from vCPU 0,
 * so the unpinned vCPUs before it are pinned to every host CPU, which is
 * what they had: the definition says what Xen was told, and translates
 * again at the next start. A vCPU kept off some CPUs (<virtxl:cpus_exclude>,
 * its own or the one for every vCPU) is pinned already. The new pinning
 * replaces the vCPU's own exclusion, as a <vcpupin> replaces an earlier
 * one; the definition must not say both. */
static void
vxlDomainDefPinVcpu(virDomainDef *def, unsigned int vcpu, virBitmap *cpus,
                    virBitmap *host)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    unsigned int i;

    for (i = 0; i < vcpu; i++) {
        virDomainVcpuDef *v = virDomainDefGetVcpu(def, i);

        if (v && !v->cpumask && !def->cpumask &&
            !vxlXMLNSCpusExcluded(ns, i) && !vxlXMLNSCpusExcluded(ns, -1) &&
            !vxlXMLNSCpusNodes(ns, i) && !vxlXMLNSCpusNodes(ns, -1))
            v->cpumask = virBitmapNewCopy(host);
    }
    vxlXMLNSCpusExcludeDrop(def, vcpu);
    virBitmapFree(virDomainDefGetVcpu(def, vcpu)->cpumask);
    virDomainDefGetVcpu(def, vcpu)->cpumask = virBitmapNewCopy(cpus);
}

int
vxlDomainVcpuPin(vxlDriver *driver, virDomainObj *vm, virDomainDef *def,
                 virDomainDef *persistentDef, unsigned int vcpu,
                 unsigned char *cpumap, int maplen)
{
    g_autoptr(virBitmap) pcpumap = NULL;
    g_autoptr(virBitmap) host = NULL;
    g_autoptr(virBitmap) live = NULL;
    g_autofree char *cpuset = NULL;
    ssize_t bit = -1;

    if (!(host = vxlDomainHostGetCpus(driver)))
        return -1;
    if (!(pcpumap = virBitmapNewData(cpumap, maplen)) || virBitmapIsAllClear(pcpumap)) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a vCPU must be pinned to at least one CPU"));
        return -1;
    }
    /* CPUs the host lacks are dropped, as libxl drops them and as
     * libvirt's qemu driver lets the kernel drop them; the persistent
     * definition keeps them, as a define does (vxlDomainCheckHostCpus).
     * Xen refuses an affinity with no CPU of the host. */
    live = virBitmapNew(virBitmapSize(host));
    while ((bit = virBitmapNextSetBit(pcpumap, bit)) >= 0 &&
           bit < (ssize_t)virBitmapSize(host))
        ignore_value(virBitmapSetBit(live, bit));
    if (virBitmapIsAllClear(live)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot pin vCPU %u to CPUs the host lacks: the host has CPUs 0-%zu"),
                       vcpu, virBitmapSize(host) - 1);
        return -1;
    }
    if ((def && !virDomainDefGetVcpu(def, vcpu)) ||
        (persistentDef && !virDomainDefGetVcpu(persistentDef, vcpu))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has no vCPU %u"), vm->def->name, vcpu);
        return -1;
    }
    cpuset = virBitmapFormat(live);

    if (def) {
        int rc;

        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainPinVcpu(driver->backend, vm->def->id, vcpu, cpuset);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            return -1;
        vxlDomainDefPinVcpu(def, vcpu, live, host);
    }
    if (persistentDef)
        vxlDomainDefPinVcpu(persistentDef, vcpu, pcpumap, host);
    if (vxlDomainSaveChanged(driver, vm, def, persistentDef) < 0)
        return -1;
    return 0;
}

/* ---------- core dumps ---------- */

int
vxlDomainDumpCore(vxlDriver *driver, virDomainObj *vm, const char *to,
                  unsigned int flags)
{
    bool paused = false;
    int ret = -1;
    int rc;

    /* An asynchronous job: domjobinfo shows its progress, domjobabort
     * cancels it. */
    if (vxlDomainAsyncJobBegin(driver, vm, VXL_JOB_DUMP, flags) < 0)
        return -1;
    if (virDomainObjCheckActive(vm) < 0)
        goto endjob;

    /* Unless asked for a live dump, the guest stands still while its
     * memory is written, so the core is consistent. */
    if (!(flags & VIR_DUMP_LIVE) &&
        virDomainObjGetState(vm, NULL) == VIR_DOMAIN_RUNNING) {
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainPause(driver->backend, vm->def->id);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            goto endjob;
        paused = true;
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_DUMP);
    }

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainCoreDump(driver->backend, vm->def->id, to,
                                  vxlDomainAsyncJobToken(vm));
    vxlDomainBackendExit(vm);
    if (rc < 0)
        goto resume;

    if (flags & VIR_DUMP_CRASH) {
        if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_CRASHED) < 0)
            goto resume;
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                                VIR_DOMAIN_EVENT_STOPPED_CRASHED);
        paused = false;
    }
    ret = 0;

 resume:
    if (paused && virDomainObjIsActive(vm)) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainUnpause(driver->backend, vm->def->id);
        vxlDomainBackendExit(vm);
        if (rc < 0) {
            /* The guest stays paused: the dump did not do what was asked
             * even if the core is written, and the client must know. A
             * dump that failed first keeps its own error. */
            VIR_WARN("could not resume domain %s after its core dump: %s",
                     vm->def->name, virGetLastErrorMessage());
            virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
            if (ret == 0) {
                virFreeError(saved);
                saved = NULL;
                ret = -1;
            }
        } else {
            virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNPAUSED);
        }
        ignore_value(vxlDomainSaveStatus(driver, vm));
        if (saved)
            virErrorRestore(&saved);
    }
 endjob:
    vxlDomainAsyncJobEnd(driver, vm, ret);
    if (ret == 0 && (flags & VIR_DUMP_CRASH))
        vxlDomainRemoveIfTransient(driver, vm);
    return ret;
}
