/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_stop.c: destroying a Xen domain and forgetting its live state.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "util_crashpoint.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virhook.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_stop");

void
vxlDomainCleanup(vxlDriver *driver, virDomainObj *vm,
                 virDomainShutoffReason reason)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    bool wasActive = virDomainObjIsActive(vm);

    virDomainObjSetState(vm, VIR_DOMAIN_SHUTOFF, reason);
    vm->def->id = -1;
    priv->shutdownRequested = false;
    priv->rebootRequested = false;
    priv->startedAt = 0;

    vxlDomainNetworkRelease(vm->def);
    vxlDomainGraphicsRelease(vm->def);
    vxlDomainNetBackendNamesClear(vm->def);
    /* A VF's own MAC comes back before the VF goes back to the host. */
    vxlDomainHostdevNetRelease(driver, vm->def);
    vxlDomainHostdevsRelease(driver, vm->def);
    if (wasActive) {
        vxlDomainHookRunQuiet(driver, vm, VIR_HOOK_LIBXL_OP_STOPPED,
                              VIR_HOOK_SUBOP_END);
        vxlDomainHookRunQuiet(driver, vm, VIR_HOOK_LIBXL_OP_RELEASE,
                              VIR_HOOK_SUBOP_END);
    }

    if (virDomainDeleteConfig(driver->cfg->stateDir, NULL, vm) < 0)
        VIR_WARN("cannot remove status file of domain %s", vm->def->name);

    /* A definition changed while the domain ran (newDef) takes effect
     * now; the transient live copy is dropped. */
    virDomainObjRemoveTransientDef(vm);

    if (wasActive)
        vxlDomainActiveChanged(driver, false);
}

void
vxlDomainRemoveIfTransient(vxlDriver *driver, virDomainObj *vm)
{
    if (!vm->persistent && !virDomainObjIsActive(vm))
        virDomainObjListRemove(driver->domains, vm);
}

int
vxlDomainObjDestroy(vxlDriver *driver, virDomainObj *vm,
                 virDomainShutoffReason reason)
{
    uint32_t domid = vm->def->id;
    int rc;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;

    /* No intent is needed: killed before Xen destroyed it, the domain
     * runs on as its status file says; after, reconnect finds it gone
     * and cleans up. */
    VXL_CRASH_POINT("destroy.before-backend");
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainDestroy(driver->backend, domid);
    vxlDomainBackendExit(vm);
    VXL_CRASH_POINT("destroy.after-backend");

    /* A domain Xen no longer knows is as good as destroyed. */
    if (rc < 0 && virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
        return -1;
    virResetLastError();

    vxlDomainCleanup(driver, vm, reason);
    VXL_CRASH_POINT("destroy.after-cleanup");
    return 0;
}
