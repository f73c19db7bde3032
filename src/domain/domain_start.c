/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
#include "domain_intent.h"
#include "util_crashpoint.h"
#include "virtxl/backend.h"
#include "translate.h"
#include "virerror.h"
#include "virhook.h"
#include "virlog.h"
#include "virtime.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_start");

/* A half-started domain's destroy: tries, and the pause between them. */
#define VXL_START_DESTROY_ATTEMPTS 3
#define VXL_START_DESTROY_RETRY_MS 200

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
    /* Only a running domain has one: a late write for a domain that
     * stopped meanwhile (a migration's end after its Confirm destroyed
     * the copy) would bring back a status file its stop removed. */
    if (!virDomainObjIsActive(vm)) {
        VIR_DEBUG("domain %s is not running: no status file to write",
                  vm->def->name);
        return 0;
    }
    if (virDomainObjSave(vm, driver->xmlopt, driver->cfg->stateDir) < 0)
        return -1;
    /* A status file written after a live detach no longer lists the
     * device: the detach is recorded, its intent done. */
    vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_DETACH);
    return 0;
}

static int
vxlDomainStartIntent(vxlDriver *driver, virDomainObj *vm, bool paused,
                     bool incoming, bool restore)
{
    vxlIntent intent = {
        .op = VXL_INTENT_START,
        .name = vm->def->name,
        .domid = -1,
        .paused = paused,
        .incoming = incoming,
        .restore = restore,
    };
    g_autofree char *xml = NULL;

    if (!(xml = virDomainDefFormat(vm->def, driver->xmlopt,
                                   VIR_DOMAIN_DEF_FORMAT_SECURE)))
        return -1;
    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    intent.xml = xml;
    return vxlIntentRecord(driver, &intent);
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

static int
vxlDomainStartCreateFresh(vxlDriver *driver, virDomainObj *vm,
                          libxl_domain_config *dcfg,
                          const vxlGuestScript *script, uint32_t *domid,
                          void *opaque)
{
    return vxlBackendDomainCreate(driver->backend, dcfg, script, true, domid);
}

bool
vxlDomainStartCancel(vxlDriver *driver, virDomainObj *vm)
{
    unsigned char uuid[VIR_UUID_BUFLEN];
    int rc;

    if (!vxlDomainPrivGet(vm)->starting)
        return false;
    memcpy(uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainCreateCancel(driver->backend, uuid);
    vxlDomainBackendExit(vm);
    if (rc < 0) {
        /* Built already, or the backend cannot cancel (libxl): the
         * caller waits for the create to return, and the start then
         * takes the domain back out of Xen instead of running it. */
        VIR_DEBUG("cannot cancel the start of domain %s: %s", vm->def->name,
                  virGetLastErrorMessage());
        if (virGetLastErrorCode() == VIR_ERR_NO_SUPPORT &&
            vxlDomainPrivGet(vm)->starting) {
            VIR_INFO("domain %s is destroyed once the backend has built it",
                     vm->def->name);
            vxlDomainPrivGet(vm)->startAbort = true;
        }
        virResetLastError();
        return false;
    }
    VIR_INFO("cancelled the start of domain %s", vm->def->name);
    return true;
}

int
vxlDomainDestroyJobBegin(vxlDriver *driver, virDomainObj *vm, bool *cancelled)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);

    bool waits;

    *cancelled = vxlDomainStartCancel(driver, vm);
    waits = priv->startAbort;
    /* A create that cannot be cancelled takes as long as it takes (on
     * Xen, seconds; a bootloader may take longer than libvirt's wait
     * for a job): destroy waits for it rather than fail. */
    while (vxlDomainJobBegin(driver, vm, VIR_JOB_DESTROY) < 0) {
        if (!priv->startAbort ||
            virGetLastErrorCode() != VIR_ERR_OPERATION_TIMEOUT)
            return -1;
        VIR_DEBUG("destroy of domain %s still waits for its create",
                  vm->def->name);
        virResetLastError();
    }
    /* The start gave way to this destroy, as a cancelled one does. */
    if (waits)
        *cancelled = true;
    return 0;
}

int
vxlDomainStart(vxlDriver *driver, virDomainObj *vm, bool paused,
               virDomainRunningReason reason)
{
    return vxlDomainStartWith(driver, vm, paused, reason,
                              vxlDomainStartCreateFresh, NULL);
}

/* A restore: the guest's state comes from a save image's stream. */
typedef struct {
    int fd;
    vxlJobToken *token;
} vxlDomainRestoreSource;

static int
vxlDomainStartCreateRestored(vxlDriver *driver, virDomainObj *vm,
                             libxl_domain_config *dcfg,
                             const vxlGuestScript *script, uint32_t *domid,
                             void *opaque)
{
    vxlDomainRestoreSource *src = opaque;

    return vxlBackendDomainRestore(driver->backend, dcfg, script, src->fd,
                                   src->token, domid);
}

int
vxlDomainStartFrom(vxlDriver *driver, virDomainObj *vm, bool paused,
                   virDomainRunningReason reason, int restoreFd,
                   vxlJobToken *token)
{
    vxlDomainRestoreSource src = { .fd = restoreFd, .token = token };

    if (restoreFd < 0)
        return vxlDomainStart(driver, vm, paused, reason);
    return vxlDomainStartWith(driver, vm, paused, reason,
                              vxlDomainStartCreateRestored, &src);
}

/* How a domain started paused says so: restored or reverted paused, or
 * paused at the user's request. */
static int
vxlDomainStartedPausedDetail(virDomainRunningReason reason)
{
    switch (reason) {
    case VIR_DOMAIN_RUNNING_RESTORED:
        return VIR_DOMAIN_EVENT_SUSPENDED_RESTORED;
    case VIR_DOMAIN_RUNNING_FROM_SNAPSHOT:
        return VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT;
    default:
        return VIR_DOMAIN_EVENT_SUSPENDED_PAUSED;
    }
}

/* Tries the destroy of a start that failed after Xen built the domain a
 * few times, as the failure may be passing (a busy toolstack); a failed
 * attempt is logged, never reported over the start's own error.
 * Returns whether Xen no longer has it. */
static bool
vxlDomainStartDestroyHalfStarted(vxlDriver *driver, virDomainObj *vm,
                                 uint32_t domid)
{
    unsigned int attempt;
    int rc = -1;

    for (attempt = 1; attempt <= VXL_START_DESTROY_ATTEMPTS; attempt++) {
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainDestroy(driver->backend, domid);
        vxlDomainBackendExit(vm);
        if (rc == 0)
            break;
        VIR_WARN("could not destroy half-started domain %s (domid %u), attempt %u: %s",
                 vm->def->name, domid, attempt, virGetLastErrorMessage());
        virResetLastError();
        if (attempt < VXL_START_DESTROY_ATTEMPTS)
            g_usleep(VXL_START_DESTROY_RETRY_MS * 1000);
    }
    return rc == 0;
}

int
vxlDomainStartWith(vxlDriver *driver, virDomainObj *vm, bool paused,
                   virDomainRunningReason reason, vxlDomainCreateFunc create,
                   void *opaque)
{
    /* A domain arriving by migration waits paused for the Finish phase,
     * which resumes it and announces it. */
    bool incoming = reason == VIR_DOMAIN_RUNNING_MIGRATED && paused;
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    libxl_domain_config dcfg;
    vxlGuestScript script;
    virDomainShutoffReason oldReason;
    uint32_t domid = 0;
    bool created = false;
    bool transient = false;
    bool networks = false;
    bool vfs = false;
    bool graphics = false;
    bool intent = false;
    virErrorPtr saved = NULL;
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
        vxlDomainStorageCheckPresence(driver, vm->def, vm,
                                      create == vxlDomainStartCreateFresh) < 0 ||
        vxlDomainUsbResolveAll(driver, vm->def) < 0 ||
        vxlDomainCpuNodesResolve(driver, vm->def) < 0 ||
        vxlDomainCheckHostCpus(driver, vm->def) < 0 ||
        vxlDomainCpuHostCut(driver, vm->def) < 0 ||
        vxlValidateDomain(vm->def) < 0 ||
        vxlDomainCheckHostNodes(driver, vm->def) < 0 ||
        vxlDomainNetworkPrepare(vm->def) < 0)
        goto error;
    /* What Xen ignores of it, once per start (not at each validation). */
    vxlTranslateNotes(vm->def);
    networks = true;
    if (vxlDomainGraphicsPrepare(driver, vm->def) < 0)
        goto error;
    graphics = true;
    if (vxlDomainChannelsPrepare(driver, vm->def) < 0)
        goto error;
    if (vxlTranslateDomain(vm->def, &dcfg) < 0 ||
        vxlDomainNestedDefault(driver, vm, &dcfg) < 0 ||
        vxlDomainSecretsApply(vm->def, &dcfg) < 0)
        goto error;
    /* SR-IOV VFs get their MAC and VLAN before the guest has them; a
     * VF another domain has is refused here, before anything changed. */
    if (vxlDomainHostdevNetPrepare(driver, vm->def) < 0)
        goto error;
    vfs = true;
    if (vxlDomainHookRun(driver, vm, VIR_HOOK_LIBXL_OP_START,
                         VIR_HOOK_SUBOP_BEGIN) < 0)
        goto error;

    /* Should the daemon die before the status file records what Xen
     * built, the next start adopts it from this (domain_recover.c). */
    if (vxlDomainStartIntent(driver, vm, paused, incoming,
                             reason == VIR_DOMAIN_RUNNING_RESTORED) < 0)
        goto error;
    intent = true;
    VXL_CRASH_POINT("start.after-intent");

    vxlDomainStartSlotAcquire(driver);
    VIR_DEBUG("domain %s translated, creating it", vm->def->name);
    priv->startAbort = false;
    priv->starting = true;
    vxlDomainBackendEnter(vm);
    rc = create(driver, vm, &dcfg, &script, &domid, opaque);
    vxlDomainBackendExit(vm);
    priv->starting = false;
    vxlDomainStartSlotRelease(driver);
    if (rc < 0)
        goto error;
    created = true;
    if (priv->startAbort) {
        priv->startAbort = false;
        virReportError(VIR_ERR_OPERATION_ABORTED,
                       _("the start of domain '%s' was cancelled by its destroy"),
                       vm->def->name);
        goto error;
    }
    VXL_CRASH_POINT("start.after-create");

    vm->def->id = domid;
    vxlDomainNetBackendNames(vm->def, &dcfg);
    vxlDomainDiskBackendNames(vm->def, &dcfg);
    vxlDomainPciNamesResolved(vm->def, &dcfg);
    priv->script = script;
    priv->shutdownRequested = false;
    priv->rebootRequested = false;
    if (virTimeMillisNow(&priv->startedAt) < 0)
        priv->startedAt = 0;
    virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_STARTING_UP);
    vxlDomainConsolesRefresh(driver, vm);
    if (vxlDomainSaveStatus(driver, vm) < 0)
        goto error;
    VXL_CRASH_POINT("start.after-status");

    if (!paused) {
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainUnpause(driver->backend, domid);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            goto error;
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, reason);
        VXL_CRASH_POINT("start.after-unpause");
    } else {
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED,
                             incoming ? VIR_DOMAIN_PAUSED_MIGRATION :
                                        VIR_DOMAIN_PAUSED_USER);
    }
    if (vxlDomainSaveStatus(driver, vm) < 0)
        goto error;
    VXL_CRASH_POINT("start.after-final-status");
    vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_START);

    libxl_domain_config_dispose(&dcfg);
    vxlDomainActiveChanged(driver, true);
    vxlDomainHookRunQuiet(driver, vm, VIR_HOOK_LIBXL_OP_STARTED,
                          VIR_HOOK_SUBOP_BEGIN);
    VIR_INFO("started domain %s as domid %u", vm->def->name, domid);

    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STARTED,
                            vxlDomainStartedDetail(reason));
    if (paused && !incoming)
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                vxlDomainStartedPausedDetail(reason));
    return 0;

 error:
    /* The client sees why the start failed, not what a cleanup step
     * says: releasing a network port opens a connection to the network
     * driver, which clears the thread's last error. */
    virErrorPreserveLast(&saved);
    if (!saved) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("starting domain '%s' failed without a reason; the daemon log may say more"),
                       vm->def->name);
        virErrorPreserveLast(&saved);
    }
    if (created && !vxlDomainStartDestroyHalfStarted(driver, vm, domid)) {
        /* Xen still holds it: the start intent stays, so that the next
         * daemon start finds the domain and settles it. */
        intent = false;
        /* ... and the guest its VFs: their MACs stay the guest's. */
        vfs = false;
    }
    if (created && virDomainDeleteConfig(driver->cfg->stateDir, NULL, vm) < 0)
        VIR_WARN("cannot remove the status file of domain %s: %s",
                 vm->def->name, virGetLastErrorMessage());
    if (intent)
        vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_START);
    vm->def->id = -1;
    if (networks)
        vxlDomainNetworkRelease(vm->def);
    if (vfs)
        vxlDomainHostdevNetRelease(driver, vm->def);
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
    virErrorRestore(&saved);
    return -1;
}
