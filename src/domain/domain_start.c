/*
 * domain_start.c: turning a defined domain into a running Xen domain.
 *
 * The order follows what xl and libvirt both learned the hard way: the
 * domain is created paused, the driver records it (id, live def, status
 * file) and only then lets the guest run. A daemon that dies in between
 * finds a status file for a paused domain and can clean up, instead of a
 * running guest nobody knows about.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "backend_call.h"
#include "translate.h"
#include "virerror.h"
#include "virhook.h"
#include "virlog.h"
#include "virtime.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_start");

/* max_concurrent_starts: wait for a start slot. Called unlocked. */
static void
vxlDomainStartSlotAcquire(vxlDriver *driver)
{
    VIR_WITH_MUTEX_LOCK_GUARD(&driver->lock) {
        while (driver->cfg->maxConcurrentStarts &&
               driver->startsRunning >= driver->cfg->maxConcurrentStarts)
            ignore_value(virCondWait(&driver->startCond, &driver->lock));
        driver->startsRunning++;
    }
}

static void
vxlDomainStartSlotRelease(vxlDriver *driver)
{
    VIR_WITH_MUTEX_LOCK_GUARD(&driver->lock) {
        driver->startsRunning--;
        virCondSignal(&driver->startCond);
    }
}

int
vxlDomainSaveStatus(vxlDriver *driver, virDomainObj *vm)
{
    return virDomainObjSave(vm, driver->xmlopt, driver->cfg->stateDir);
}

static int
vxlDomainStartedDetail(virDomainRunningReason reason)
{
    switch (reason) {
    case VIR_DOMAIN_RUNNING_RESTORED:
        return VIR_DOMAIN_EVENT_STARTED_RESTORED;
    case VIR_DOMAIN_RUNNING_MIGRATED:
        return VIR_DOMAIN_EVENT_STARTED_MIGRATED;
    case VIR_DOMAIN_RUNNING_FROM_SNAPSHOT:
        return VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT;
    case VIR_DOMAIN_RUNNING_WAKEUP:
        return VIR_DOMAIN_EVENT_STARTED_WAKEUP;
    default:
        return VIR_DOMAIN_EVENT_STARTED_BOOTED;
    }
}

int
vxlDomainStart(vxlDriver *driver, virDomainObj *vm, bool paused,
               virDomainRunningReason reason)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    libxl_domain_config dcfg;
    vxlGuestScript script;
    virDomainShutoffReason oldReason;
    uint32_t domid = 0;
    bool created = false;
    bool transient = false;
    bool networks = false;
    bool graphics = false;
    bool prepared = false;
    int rc;

    if (virDomainObjIsActive(vm)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already running"), vm->def->name);
        return -1;
    }
    oldReason = virDomainObjGetState(vm, NULL) == VIR_DOMAIN_SHUTOFF ?
        vm->state.reason : VIR_DOMAIN_SHUTOFF_UNKNOWN;
    VIR_DEBUG("starting domain %s", vm->def->name);

    libxl_domain_config_init(&dcfg);

    if (vxlDomainGuestScriptParse(vm->def, &script) < 0)
        goto error;

    /* From here vm->def is the live copy and vm->newDef the persistent
     * one, so a failed start must put them back. */
    if (virDomainObjSetDefTransient(driver->xmlopt, vm, NULL) < 0)
        goto error;
    transient = true;

    /* The prepare hook may set up what the domain needs (a bridge, a
     * volume); a failure refuses the start. */
    if (vxlDomainHookRun(driver, vm, VIR_HOOK_LIBXL_OP_PREPARE,
                         VIR_HOOK_SUBOP_BEGIN) < 0)
        goto error;
    prepared = true;

    vxlDomainNetBackendNamesClear(vm->def);
    if (vxlDomainStoragePrepare(vm->def) < 0 ||
        vxlValidateDomain(vm->def) < 0 ||
        vxlDomainNetworkPrepare(vm->def) < 0)
        goto error;
    networks = true;
    if (vxlDomainGraphicsPrepare(driver, vm->def) < 0)
        goto error;
    graphics = true;
    if (vxlTranslateDomain(vm->def, &dcfg) < 0 ||
        vxlDomainSecretsApply(vm->def, &dcfg) < 0)
        goto error;
    if (vxlDomainHookRun(driver, vm, VIR_HOOK_LIBXL_OP_START,
                         VIR_HOOK_SUBOP_BEGIN) < 0)
        goto error;

    vxlDomainStartSlotAcquire(driver);
    VIR_DEBUG("domain %s translated, creating it", vm->def->name);
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainCreate(driver->backend, &dcfg, &script, true, &domid);
    vxlDomainBackendExit(vm);
    vxlDomainStartSlotRelease(driver);
    if (rc < 0)
        goto error;
    created = true;

    vm->def->id = domid;
    vxlDomainNetBackendNames(vm->def, &dcfg);
    priv->script = script;
    priv->shutdownRequested = false;
    priv->rebootRequested = false;
    if (virTimeMillisNow(&priv->startedAt) < 0)
        priv->startedAt = 0;
    virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_STARTING_UP);
    vxlDomainConsolesRefresh(driver, vm);
    if (vxlDomainSaveStatus(driver, vm) < 0)
        goto error;

    if (!paused) {
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainUnpause(driver->backend, domid);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            goto error;
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, reason);
    } else {
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    }
    if (vxlDomainSaveStatus(driver, vm) < 0)
        goto error;

    libxl_domain_config_dispose(&dcfg);
    vxlDomainActiveChanged(driver, true);
    vxlDomainHookRunQuiet(driver, vm, VIR_HOOK_LIBXL_OP_STARTED,
                          VIR_HOOK_SUBOP_BEGIN);
    VIR_INFO("started domain %s as domid %u", vm->def->name, domid);

    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STARTED,
                            vxlDomainStartedDetail(reason));
    if (paused)
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return 0;

 error:
    if (created) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        vxlDomainBackendEnter(vm);
        if (vxlBackendDomainDestroy(driver->backend, domid) < 0)
            VIR_WARN("could not destroy half-started domain %u", domid);
        vxlDomainBackendExit(vm);
        virErrorRestore(&saved);
    }
    if (created)
        virDomainDeleteConfig(driver->cfg->stateDir, NULL, vm);
    vm->def->id = -1;
    if (networks)
        vxlDomainNetworkRelease(vm->def);
    if (graphics)
        vxlDomainGraphicsRelease(vm->def);
    /* Whatever prepare set up is released, as after a stop. */
    if (prepared)
        vxlDomainHookRunQuiet(driver, vm, VIR_HOOK_LIBXL_OP_RELEASE,
                              VIR_HOOK_SUBOP_END);
    if (transient)
        virDomainObjRemoveTransientDef(vm);
    virDomainObjSetState(vm, VIR_DOMAIN_SHUTOFF, oldReason);
    libxl_domain_config_dispose(&dcfg);
    return -1;
}
