/*
 * domain_reconnect.c: after a daemon (re)start, find running domains again.
 *
 * A status file (<domstatus>, in the state dir) is written for every
 * domain the driver starts. At start-up each is matched against what the
 * hypervisor reports for its domid: still there with the same UUID means
 * still ours, and its state is taken from Xen; gone means it died while
 * the daemon was away and is cleaned up; stopped (shutdown/crashed)
 * means the daemon missed the event, so its lifecycle action is applied
 * now, exactly as if the event had just arrived.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "backend_call.h"
#include "virerror.h"
#include "virhook.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_reconnect");

static void
vxlDomainReconnectOne(vxlDriver *driver, virDomainObj *vm)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    vxlDomainInfo info = { 0 };
    uint32_t domid = vm->def->id;
    int rc;

    if (!virDomainObjIsActive(vm))
        return;
    vxlDomainGraphicsReclaim(vm->def);

    if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0)
        return;

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainGetInfo(driver->backend, domid, &info);
    vxlDomainBackendExit(vm);

    if (rc < 0 || memcmp(info.uuid, vm->def->uuid, VIR_UUID_BUFLEN) != 0 ||
        info.state == VXL_DOMSTATE_DYING) {
        VIR_INFO("domain %s (domid %u) is gone from Xen: %s", vm->def->name,
                 domid, rc < 0 ? virGetLastErrorMessage() : "different domain");
        virResetLastError();
        vxlDomainCleanup(driver, vm, VIR_DOMAIN_SHUTOFF_UNKNOWN);
        vxlDomainRemoveIfTransient(driver, vm);
        goto endjob;
    }

    vxlDomainActiveChanged(driver, true);
    if (vxlDomainGuestScriptParse(vm->def, &priv->script) < 0)
        virResetLastError();
    /* The backend may have new ptys for them (the simulator does). */
    vxlDomainConsolesRefresh(driver, vm);

    switch (info.state) {
    case VXL_DOMSTATE_RUNNING:
    case VXL_DOMSTATE_BLOCKED:
        if (virDomainObjGetState(vm, NULL) != VIR_DOMAIN_RUNNING)
            virDomainObjSetState(vm, VIR_DOMAIN_RUNNING,
                                 VIR_DOMAIN_RUNNING_UNKNOWN);
        break;
    case VXL_DOMSTATE_PAUSED:
        if (virDomainObjGetState(vm, NULL) != VIR_DOMAIN_PAUSED)
            virDomainObjSetState(vm, VIR_DOMAIN_PAUSED,
                                 VIR_DOMAIN_PAUSED_UNKNOWN);
        break;
    case VXL_DOMSTATE_SHUTDOWN:
    case VXL_DOMSTATE_CRASHED:
        /* Preserved dead domains stay as they are; others missed their
         * event while the daemon was down. */
        if (virDomainObjGetState(vm, NULL) != VIR_DOMAIN_SHUTDOWN &&
            virDomainObjGetState(vm, NULL) != VIR_DOMAIN_CRASHED) {
            vxlDomainHandleShutdown(driver, vm, info.shutdownReason);
            goto endjob;
        }
        break;
    case VXL_DOMSTATE_DYING:
    case VXL_DOMSTATE_LAST:
        break;
    }
    ignore_value(vxlDomainSaveStatus(driver, vm));
    VIR_INFO("reconnected to domain %s (domid %u)", vm->def->name, domid);
    /* The guest runs on whatever the script says: a failure is logged. */
    vxlDomainHookRunQuiet(driver, vm, VIR_HOOK_LIBXL_OP_RECONNECT,
                          VIR_HOOK_SUBOP_BEGIN);

 endjob:
    vxlDomainJobEnd(vm);
    vxlDomainInfoClear(&info);
}

int
vxlDomainLoadAll(vxlDriver *driver)
{
    vxlDriverConfig *cfg = driver->cfg;
    virDomainObj **vms = NULL;
    size_t nvms = 0;
    size_t i;

    /* Live domains first, then persistent configs: a config for a domain
     * that is running becomes its newDef, as libvirt expects. */
    if (virDomainObjListLoadAllConfigs(driver->domains, cfg->stateDir, NULL,
                                       true, driver->xmlopt, NULL, NULL) < 0)
        return -1;
    if (virDomainObjListLoadAllConfigs(driver->domains, cfg->configDir,
                                       cfg->autostartDir, false,
                                       driver->xmlopt, NULL, NULL) < 0)
        return -1;

    virDomainObjListCollect(driver->domains, NULL, &vms, &nvms, NULL, 0);
    for (i = 0; i < nvms; i++) {
        virObjectLock(vms[i]);
        vxlDomainReconnectOne(driver, vms[i]);
        virObjectUnlock(vms[i]);
    }
    virObjectListFreeCount(vms, nvms);
    return 0;
}
