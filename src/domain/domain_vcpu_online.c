/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_vcpu_online.c: one vCPU, or a list of them, online or offline
 * (virsh setvcpu, virDomainSetVcpu), live and in the persistent
 * definition.
 *
 * Xen takes any set of a domain's vCPU slots as its online set
 * (libxl_set_vcpuonline with a bitmap), so unlike QEMU there are no
 * hotpluggable entities of several vCPUs: every slot but vCPU 0 can be
 * changed alone. vCPU 0 is the guest's boot CPU and never changes, as
 * libvirt's rule for every hypervisor is. The definitions then list each
 * vCPU's state (<vcpus><vcpu id= enabled= hotpluggable=>), which the
 * next start hands to libxl as the boot-time online set. A refused or
 * failed change leaves the domain and both definitions as they were.
 * A live change is recorded as an intent before Xen is touched, so that
 * a daemon killed midway makes it again at its next start: Xen's online
 * set and the live definition's per-vCPU list never stay apart.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_intent.h"
#include "util_crashpoint.h"
#include "virtxl/backend.h"
#include "virbitmap.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_vcpu_online");

/* What a definition's vCPUs were before the change, to put back. */
typedef struct {
    virDomainDef *def;
    bool individual;
    bool *online;
    virTristateBool *hotpluggable;
    unsigned int *order;
} vxlVcpuStates;

static void
vxlVcpuStatesTake(vxlVcpuStates *st, virDomainDef *def)
{
    size_t i;

    st->def = def;
    if (!def)
        return;
    st->individual = def->individualvcpus;
    st->online = g_new0(bool, def->maxvcpus);
    st->hotpluggable = g_new0(virTristateBool, def->maxvcpus);
    st->order = g_new0(unsigned int, def->maxvcpus);
    for (i = 0; i < def->maxvcpus; i++) {
        st->online[i] = def->vcpus[i]->online;
        st->hotpluggable[i] = def->vcpus[i]->hotpluggable;
        st->order[i] = def->vcpus[i]->order;
    }
}

static void
vxlVcpuStatesRestore(vxlVcpuStates *st)
{
    size_t i;

    if (!st->def)
        return;
    st->def->individualvcpus = st->individual;
    for (i = 0; i < st->def->maxvcpus; i++) {
        st->def->vcpus[i]->online = st->online[i];
        st->def->vcpus[i]->hotpluggable = st->hotpluggable[i];
        st->def->vcpus[i]->order = st->order[i];
    }
}

static void
vxlVcpuStatesClear(vxlVcpuStates *st)
{
    g_free(st->online);
    g_free(st->hotpluggable);
    g_free(st->order);
}

/* Check @map against @def: no vCPU 0, none beyond its slots, and (live)
 * each one in the other state now, and one vCPU left online. */
static int
vxlVcpuOnlineCheck(virDomainObj *vm, virDomainDef *def, virBitmap *map,
                   bool state, bool live)
{
    unsigned int max = virDomainDefGetVcpusMax(def);
    ssize_t last = virBitmapLastSetBit(map);
    ssize_t bit = -1;
    unsigned int online = 0;
    size_t i;

    if (virBitmapIsBitSet(map, 0)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("vCPU 0 of domain '%s' cannot be enabled or disabled: it is the guest's boot CPU"),
                       vm->def->name);
        return -1;
    }
    if (last >= max) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has no vCPU %zd: its vCPUs are 0-%u"),
                       vm->def->name, last, max - 1);
        return -1;
    }
    while (live && (bit = virBitmapNextSetBit(map, bit)) >= 0) {
        if (virDomainDefGetVcpu(def, bit)->online != state) {
            continue;
        } else if (state) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("vCPU %zd of domain '%s' is online already"),
                           bit, vm->def->name);
            return -1;
        } else {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("vCPU %zd of domain '%s' is offline already"),
                           bit, vm->def->name);
            return -1;
        }
    }
    for (i = 0; i < max; i++) {
        if (virBitmapIsBitSet(map, i) ? state : def->vcpus[i]->online)
            online++;
    }
    if (online == 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot disable the last online vCPU of domain '%s'"),
                       vm->def->name);
        return -1;
    }
    return 0;
}

/* The CPU list of @def's online vCPUs, the ones of @map set to @state. */
static char *
vxlVcpuOnlineList(virDomainDef *def, virBitmap *map, bool state)
{
    unsigned int max = virDomainDefGetVcpusMax(def);
    g_autoptr(virBitmap) online = virBitmapNew(max);
    size_t i;

    for (i = 0; i < max; i++) {
        if (virBitmapIsBitSet(map, i) ? state : def->vcpus[i]->online)
            ignore_value(virBitmapSetBit(online, i));
    }
    return virBitmapFormat(online);
}

static void
vxlVcpuOnlineApply(virDomainDef *def, virBitmap *map, bool state)
{
    ssize_t bit = -1;

    def->individualvcpus = true;
    /* An order given for hotplug no longer says how they came. */
    virDomainDefVcpuOrderClear(def);
    while ((bit = virBitmapNextSetBit(map, bit)) >= 0) {
        virDomainVcpuDef *vcpu = virDomainDefGetVcpu(def, bit);

        vcpu->online = state;
        vcpu->hotpluggable = VIR_TRISTATE_BOOL_YES;
    }
}

/* Record that the vCPUs of @map of running @vm go @state (and, if
 * @config, in its persistent definition too). */
static int
vxlVcpuOnlineIntent(vxlDriver *driver, virDomainObj *vm, virBitmap *map,
                    bool state, bool config)
{
    g_autofree char *list = virBitmapFormat(map);
    vxlIntent intent = {
        .op = VXL_INTENT_SETVCPU,
        .name = vm->def->name,
        .domid = vm->def->id,
        .live = true,
        .config = config,
        .key = list,
        .value = state,
    };

    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    return vxlIntentRecord(driver, &intent);
}

/* The vCPUs of @map that @def has; NULL if none. */
static virBitmap *
vxlVcpuOnlineRecoverMap(virDomainDef *def, virBitmap *map)
{
    unsigned int max = virDomainDefGetVcpusMax(def);
    g_autoptr(virBitmap) within = virBitmapNew(max);
    ssize_t bit = -1;

    /* vCPU 0 never changes; slots beyond the domain's are ignored. */
    while ((bit = virBitmapNextSetBit(map, bit)) >= 0) {
        if (bit > 0 && bit < max)
            ignore_value(virBitmapSetBit(within, bit));
    }
    if (virBitmapIsAllClear(within))
        return NULL;
    return g_steal_pointer(&within);
}

void
vxlDomainVcpuOnlineRecover(vxlDriver *driver, virDomainObj *vm,
                           const vxlIntent *intent)
{
    g_autoptr(virBitmap) map = NULL;
    bool state = intent->value != 0;

    if (!intent->key ||
        virBitmapParse(intent->key, &map, VIR_DOMAIN_CPUMASK_LEN) < 0) {
        VIR_WARN("setvcpu intent of domain %s names no vCPUs ('%s')",
                 vm->def->name, NULLSTR(intent->key));
        virResetLastError();
        return;
    }
    if (intent->live && virDomainObjIsActive(vm) &&
        vm->def->id == intent->domid) {
        g_autoptr(virBitmap) live = vxlVcpuOnlineRecoverMap(vm->def, map);
        g_autofree char *list = NULL;
        int rc;

        if (live) {
            /* The whole online set again: idempotent, whichever side the
             * kill came on. */
            list = vxlVcpuOnlineList(vm->def, live, state);
            vxlDomainBackendEnter(vm);
            rc = vxlBackendDomainSetVcpusOnlineSet(driver->backend,
                                                   intent->domid, list);
            vxlDomainBackendExit(vm);
            if (rc < 0) {
                VIR_WARN("cannot set vCPUs %s of domain %s online again: %s",
                         list, vm->def->name, virGetLastErrorMessage());
                virResetLastError();
            } else {
                vxlVcpuOnlineApply(vm->def, live, state);
                if (vxlDomainSaveStatus(driver, vm) < 0) {
                    VIR_WARN("cannot save the status of domain %s: %s",
                             vm->def->name, virGetLastErrorMessage());
                    virResetLastError();
                }
            }
        }
    }
    if (intent->config && vm->persistent &&
        (vm->newDef || !virDomainObjIsActive(vm))) {
        virDomainDef *pdef = vm->newDef ? vm->newDef : vm->def;
        g_autoptr(virBitmap) cfg = vxlVcpuOnlineRecoverMap(pdef, map);

        if (cfg) {
            vxlVcpuOnlineApply(pdef, cfg, state);
            if (vxlDomainConfigSave(driver, pdef) < 0) {
                VIR_WARN("cannot save the definition of domain %s: %s",
                         vm->def->name, virGetLastErrorMessage());
                virResetLastError();
            }
        }
    }
    VIR_INFO("recovered the setvcpu (%s %s) of domain %s",
             intent->key, state ? "online" : "offline", vm->def->name);
}

int
vxlDomainVcpuSetOnline(vxlDriver *driver, virDomainObj *vm, virDomainDef *def,
                       virDomainDef *persistentDef, const char *cpumap,
                       bool state)
{
    g_autoptr(virBitmap) map = NULL;
    g_autofree char *oldList = NULL;
    g_autofree char *newList = NULL;
    vxlVcpuStates liveOld = { 0 };
    vxlVcpuStates configOld = { 0 };
    bool applied = false;
    bool intent = false;
    virErrorPtr saved;
    int ret = -1;
    int rc;

    if (virBitmapParse(cpumap, &map, VIR_DOMAIN_CPUMASK_LEN) < 0 ||
        virBitmapIsAllClear(map)) {
        virResetLastError();
        virReportError(VIR_ERR_INVALID_ARG,
                       _("'%s' is not a list of vCPUs such as '1', '2-3' or '1,3'"),
                       cpumap);
        return -1;
    }
    if (def && vxlVcpuOnlineCheck(vm, def, map, state, true) < 0)
        return -1;
    if (persistentDef && vxlVcpuOnlineCheck(vm, persistentDef, map, state, false) < 0)
        return -1;

    vxlVcpuStatesTake(&liveOld, def);
    vxlVcpuStatesTake(&configOld, persistentDef);
    if (def) {
        oldList = vxlVcpuOnlineList(def, map, !state);
        newList = vxlVcpuOnlineList(def, map, state);
        if (vxlVcpuOnlineIntent(driver, vm, map, state, !!persistentDef) < 0)
            goto cleanup;
        intent = true;
        VXL_CRASH_POINT("setvcpu.after-intent");
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainSetVcpusOnlineSet(driver->backend, vm->def->id,
                                               newList);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            goto cleanup;
        applied = true;
        VXL_CRASH_POINT("setvcpu.after-backend");
        vxlVcpuOnlineApply(def, map, state);
        if (vxlDomainSaveStatus(driver, vm) < 0)
            goto undo;
        VXL_CRASH_POINT("setvcpu.after-status");
    }
    if (persistentDef) {
        vxlVcpuOnlineApply(persistentDef, map, state);
        if (vxlDomainConfigSave(driver, persistentDef) < 0)
            goto undo;
        VXL_CRASH_POINT("setvcpu.after-config");
    }
    ret = 0;
    goto cleanup;

 undo:
    virErrorPreserveLast(&saved);
    vxlVcpuStatesRestore(&liveOld);
    vxlVcpuStatesRestore(&configOld);
    if (applied) {
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainSetVcpusOnlineSet(driver->backend, vm->def->id,
                                               oldList);
        vxlDomainBackendExit(vm);
        if (rc < 0) {
            VIR_WARN("cannot put the online vCPUs of domain %s back to %s: %s",
                     vm->def->name, oldList, virGetLastErrorMessage());
            /* Xen keeps the new set: the intent stays, for the next
             * start to record it. */
            intent = false;
        } else if (vxlDomainSaveStatus(driver, vm) < 0) {
            VIR_WARN("cannot save the status of domain %s: %s",
                     vm->def->name, virGetLastErrorMessage());
        }
    }
    virErrorRestore(&saved);

 cleanup:
    if (intent)
        vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_SETVCPU);
    vxlVcpuStatesClear(&liveOld);
    vxlVcpuStatesClear(&configOld);
    return ret;
}
