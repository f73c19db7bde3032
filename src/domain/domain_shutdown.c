/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_shutdown.c: what happens when a guest stops running.
 *
 * Xen does not destroy a domain whose guest powered off, rebooted or
 * crashed: the domain lingers in "shutdown" state with a reason, and the
 * toolstack decides. Like xl, we apply the domain's lifecycle actions:
 *
 *   reason            action from      libvirt shutoff reason / event
 *   poweroff          on_poweroff      SHUTDOWN, STOPPED/SHUTDOWN
 *   reboot            on_reboot        SHUTDOWN, REBOOT then restart
 *   soft_reset        on_reboot        (libvirt has no on_soft_reset)
 *   crash, watchdog   on_crash         CRASHED, CRASHED/PANICKED
 *   suspend           none             the guest is being saved
 *
 * Actions: destroy; restart; rename-restart (the dead domain is kept
 * under "<name>--incarnation-<domid>", as xl does, and a fresh one
 * started); preserve (kept, state shutdown or crashed, until destroyed);
 * coredump-destroy and coredump-restart (dump under the dump dir first).
 *
 * Backend events arrive on libvirt's event loop thread, which must never
 * block, so each is handed to a worker thread that takes the domain's
 * job like any API call would.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_intent.h"
#include "util_crashpoint.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"
#include "virtime.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_shutdown");

/* Reboot-loop guard: a guest that dies this soon after starting, this
 * many times in a row, is not restarted again (xl has the same guard). */
#define VXL_QUICK_RESTART_MS 1000
#define VXL_QUICK_RESTART_LIMIT 10

typedef struct {
    vxlDriver *driver;
    uint32_t domid;
    bool death;                    /* true: domain vanished */
    vxlShutdownReason reason;
} vxlDomainEventJob;

static bool
vxlDomainReasonIsCrash(vxlShutdownReason reason)
{
    return reason == VXL_SHUTDOWN_CRASH || reason == VXL_SHUTDOWN_WATCHDOG;
}

static int
vxlDomainCoreDump(vxlDriver *driver, virDomainObj *vm)
{
    g_autofree char *path = NULL;
    unsigned long long now = 0;
    uint32_t domid = vm->def->id;
    int rc;

    ignore_value(virTimeMillisNow(&now));
    path = g_strdup_printf("%s/%s-%u-%llu.core", driver->cfg->dumpDir,
                           vm->def->name, domid, now / 1000);
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainCoreDump(driver->backend, domid, path, NULL);
    vxlDomainBackendExit(vm);
    if (rc < 0) {
        VIR_WARN("core dump of domain %s failed: %s", vm->def->name,
                 virGetLastErrorMessage());
        return -1;
    }
    VIR_INFO("core of domain %s dumped to %s", vm->def->name, path);
    return 0;
}

/* Restart after a guest-initiated stop: the old domain is already gone
 * (or renamed away) and cleaned up. */
static void
vxlDomainRestart(vxlDriver *driver, virDomainObj *vm)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    unsigned int quick = priv->quickRestarts;

    if (quick >= VXL_QUICK_RESTART_LIMIT) {
        VIR_WARN("domain %s died %u times within %d ms of starting; not restarting it again",
                 vm->def->name, quick, VXL_QUICK_RESTART_MS);
        priv->quickRestarts = 0;
        vxlDomainRemoveIfTransient(driver, vm);
        return;
    }
    if (vxlDomainStart(driver, vm, false, VIR_DOMAIN_RUNNING_BOOTED) < 0) {
        VIR_WARN("cannot restart domain %s: %s", vm->def->name,
                 virGetLastErrorMessage());
        vxlDomainRemoveIfTransient(driver, vm);
        return;
    }
    priv->quickRestarts = quick;
    ignore_value(vxlDomainSaveStatus(driver, vm));
}

/*
 * The dead incarnation rename-restart keeps in Xen, holding its memory
 * until someone destroys it, is a transient domain of its own in
 * libvirt too (state shutdown or crashed), so that clients list it,
 * see what it holds and can destroy it; a status file carries it across
 * daemon restarts. Its displays and network ports stay with the name's
 * next incarnation.
 */
static void
vxlDomainKeepDead(vxlDriver *driver, virDomainObj *vm, const char *name,
                  const unsigned char *uuid, bool crashed)
{
    g_autoptr(virDomainDef) def = NULL;
    virDomainObj *dead;
    size_t i;

    if (!(def = virDomainDefCopy(vm->def, driver->xmlopt, NULL, false)))
        goto error;
    g_free(def->name);
    def->name = g_strdup(name);
    memcpy(def->uuid, uuid, VIR_UUID_BUFLEN);
    def->id = vm->def->id;
    for (i = 0; i < def->ngraphics; i++)
        virDomainGraphicsDefFree(def->graphics[i]);
    g_clear_pointer(&def->graphics, g_free);
    def->ngraphics = 0;
    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i]->type == VIR_DOMAIN_NET_TYPE_NETWORK)
            g_clear_pointer(&def->nets[i]->data.network.actual,
                            virDomainActualNetDefFree);
    }
    if (!(dead = vxlDomainListAdd(driver, &def,
                                  VIR_DOMAIN_OBJ_LIST_ADD_LIVE |
                                  VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE, NULL)))
        goto error;
    if (crashed)
        virDomainObjSetState(dead, VIR_DOMAIN_CRASHED, VIR_DOMAIN_CRASHED_PANICKED);
    else
        virDomainObjSetState(dead, VIR_DOMAIN_SHUTDOWN, VIR_DOMAIN_SHUTDOWN_USER);
    if (vxlDomainSaveStatus(driver, dead) < 0) {
        VIR_WARN("cannot save the status of dead domain %s: %s", name,
                 virGetLastErrorMessage());
        virResetLastError();
    }
    vxlDomainActiveChanged(driver, true);
    virDomainObjEndAPI(&dead);
    return;

 error:
    VIR_WARN("dead domain %s is kept in Xen but not listed: %s", name,
             virGetLastErrorMessage());
    virResetLastError();
}

/* Stop the domain's current incarnation: destroyed, or for rename-restart
 * renamed away and kept in Xen. Then libvirt's state becomes shutoff. */
static int
vxlDomainStopIncarnation(vxlDriver *driver, virDomainObj *vm, bool keep,
                         virDomainShutoffReason shutoffReason,
                         int stoppedDetail)
{
    uint32_t domid = vm->def->id;
    int rc;

    if (keep) {
        g_autofree char *name = g_strdup_printf("%s--incarnation-%u",
                                                vm->def->name, domid);
        unsigned char uuid[VIR_UUID_BUFLEN];

        if (virUUIDGenerate(uuid) < 0)
            return -1;
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainRename(driver->backend, domid, name, uuid);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            return -1;
        VIR_INFO("kept dead domain %u as %s", domid, name);
        vxlDomainKeepDead(driver, vm, name, uuid,
                          shutoffReason == VIR_DOMAIN_SHUTOFF_CRASHED);
        vxlDomainCleanup(driver, vm, shutoffReason);
    } else if (vxlDomainObjDestroy(driver, vm, shutoffReason) < 0) {
        return -1;
    }
    VXL_CRASH_POINT("shutdown.after-stop");
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED, stoppedDetail);
    return 0;
}

/* A restart action destroys the stopped domain before it starts the new
 * one: should the daemon die in between, the next start finds this
 * record and starts it (domain_recover.c). The other actions need none:
 * reconnect sees a stopped domain, or none. A record that cannot be
 * written does not stop the action: the guest has stopped already. */
static void
vxlDomainLifecycleIntent(vxlDriver *driver, virDomainObj *vm,
                         virDomainLifecycleAction action)
{
    g_autofree char *xml = NULL;
    vxlIntent intent = {
        .op = VXL_INTENT_LIFECYCLE,
        .name = vm->def->name,
        .domid = vm->def->id,
        .action = action,
    };

    if (action != VIR_DOMAIN_LIFECYCLE_ACTION_RESTART &&
        action != VIR_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME &&
        action != VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART)
        return;
    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    /* A transient domain has no config file to start again from. */
    if (!vm->persistent &&
        !(xml = virDomainDefFormat(vm->def, driver->xmlopt,
                                   VIR_DOMAIN_DEF_FORMAT_SECURE |
                                   VIR_DOMAIN_DEF_FORMAT_INACTIVE)))
        goto error;
    intent.xml = xml;
    if (vxlIntentRecord(driver, &intent) < 0)
        goto error;
    return;

 error:
    VIR_WARN("cannot record the %s action of domain %s: %s",
             virDomainLifecycleActionTypeToString(action), vm->def->name,
             virGetLastErrorMessage());
    virResetLastError();
}

void
vxlDomainHandleShutdown(vxlDriver *driver, virDomainObj *vm,
                        vxlShutdownReason reason)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    bool crashed = vxlDomainReasonIsCrash(reason);
    virDomainShutoffReason shutoffReason = crashed ?
        VIR_DOMAIN_SHUTOFF_CRASHED : VIR_DOMAIN_SHUTOFF_SHUTDOWN;
    int stoppedDetail = crashed ?
        VIR_DOMAIN_EVENT_STOPPED_CRASHED : VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
    virDomainLifecycleAction action;
    unsigned long long now = 0;

    switch (reason) {
    case VXL_SHUTDOWN_POWEROFF:
        action = vm->def->onPoweroff;
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_SHUTDOWN,
                                priv->shutdownRequested ?
                                VIR_DOMAIN_EVENT_SHUTDOWN_HOST :
                                VIR_DOMAIN_EVENT_SHUTDOWN_GUEST);
        break;
    case VXL_SHUTDOWN_REBOOT:
    case VXL_SHUTDOWN_SOFT_RESET:
        action = vm->def->onReboot;
        virObjectEventStateQueue(driver->domainEventState,
                                 virDomainEventRebootNewFromObj(vm));
        break;
    case VXL_SHUTDOWN_CRASH:
    case VXL_SHUTDOWN_WATCHDOG:
        action = vm->def->onCrash;
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_CRASHED,
                                VIR_DOMAIN_EVENT_CRASHED_PANICKED);
        break;
    case VXL_SHUTDOWN_SUSPEND:
        /* The guest suspended itself for a save; the save path owns it. */
        return;
    default:
        VIR_WARN("domain %s stopped for unknown reason %d; destroying it",
                 vm->def->name, reason);
        action = VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY;
        break;
    }

    ignore_value(virTimeMillisNow(&now));
    if (priv->startedAt && now - priv->startedAt < VXL_QUICK_RESTART_MS)
        priv->quickRestarts++;
    else
        priv->quickRestarts = 0;

    VIR_INFO("domain %s (domid %d) stopped, reason %d, action %s",
             vm->def->name, vm->def->id, reason,
             virDomainLifecycleActionTypeToString(action));
    vxlDomainLifecycleIntent(driver, vm, action);
    VXL_CRASH_POINT("shutdown.after-intent");

    switch (action) {
    case VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY:
        ignore_value(vxlDomainCoreDump(driver, vm));
        G_GNUC_FALLTHROUGH;
    case VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY:
        if (vxlDomainStopIncarnation(driver, vm, false, shutoffReason,
                                     stoppedDetail) == 0)
            vxlDomainRemoveIfTransient(driver, vm);
        break;

    case VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART:
        ignore_value(vxlDomainCoreDump(driver, vm));
        G_GNUC_FALLTHROUGH;
    case VIR_DOMAIN_LIFECYCLE_ACTION_RESTART:
        if (vxlDomainStopIncarnation(driver, vm, false, shutoffReason,
                                     stoppedDetail) == 0)
            vxlDomainRestart(driver, vm);
        break;

    case VIR_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME:
        if (vxlDomainStopIncarnation(driver, vm, true, shutoffReason,
                                     stoppedDetail) == 0)
            vxlDomainRestart(driver, vm);
        break;

    case VIR_DOMAIN_LIFECYCLE_ACTION_PRESERVE:
        /* Xen keeps the dead domain and its memory; so do we, visibly,
         * until someone destroys it. */
        if (crashed)
            virDomainObjSetState(vm, VIR_DOMAIN_CRASHED,
                                 VIR_DOMAIN_CRASHED_PANICKED);
        else
            virDomainObjSetState(vm, VIR_DOMAIN_SHUTDOWN,
                                 VIR_DOMAIN_SHUTDOWN_USER);
        ignore_value(vxlDomainSaveStatus(driver, vm));
        break;

    case VIR_DOMAIN_LIFECYCLE_ACTION_LAST:
    default:
        virReportEnumRangeError(virDomainLifecycleAction, action);
        break;
    }
    VXL_CRASH_POINT("shutdown.after-action");
    vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_LIFECYCLE);
}

static void
vxlDomainHandleDeath(vxlDriver *driver, virDomainObj *vm)
{
    VIR_INFO("domain %s (domid %d) disappeared from Xen",
             vm->def->name, vm->def->id);
    vxlDomainCleanup(driver, vm, VIR_DOMAIN_SHUTOFF_DESTROYED);
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                            VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    vxlDomainRemoveIfTransient(driver, vm);
}

static void
vxlDomainEventWorkerDone(vxlDriver *driver)
{
    VIR_WITH_MUTEX_LOCK_GUARD(&driver->lock) {
        driver->eventWorkers--;
        virCondBroadcast(&driver->eventCond);
    }
}

static void
vxlDomainEventWorker(void *opaque)
{
    g_autofree vxlDomainEventJob *job = opaque;
    virDomainObj *vm;

    if (!(vm = virDomainObjListFindByID(job->driver->domains, job->domid))) {
        VIR_DEBUG("event for domid %u, which no libvirt domain has", job->domid);
        vxlDomainEventWorkerDone(job->driver);
        return;
    }
    if (vxlDomainJobBegin(job->driver, vm, VIR_JOB_MODIFY) < 0) {
        VIR_WARN("cannot handle event of domain %s: %s", vm->def->name,
                 virGetLastErrorMessage());
        goto cleanup;
    }
    /* Destroyed or restarted while we waited for the job. */
    if (vm->def->id != (int)job->domid)
        goto endjob;
    /* Already handled: a preserved dead domain, or one that reconnect
     * dealt with at daemon start while the backend, like libxl when its
     * watch resumes, reported the same stop again. */
    if (!job->death &&
        (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_CRASHED ||
         virDomainObjGetState(vm, NULL) == VIR_DOMAIN_SHUTDOWN))
        goto endjob;

    if (job->death)
        vxlDomainHandleDeath(job->driver, vm);
    else
        vxlDomainHandleShutdown(job->driver, vm, job->reason);

 endjob:
    vxlDomainJobEnd(vm);
 cleanup:
    virDomainObjEndAPI(&vm);
    vxlDomainEventWorkerDone(job->driver);
}

/* eventWorkers counts @job already. */
static void
vxlDomainEventRun(vxlDomainEventJob *job)
{
    virThread thread;
    g_autofree char *name = g_strdup_printf("vxl-ev-%u", job->domid);
    vxlDriver *driver = job->driver;

    if (virThreadCreateFull(&thread, false, vxlDomainEventWorker, name,
                            false, job) < 0) {
        VIR_ERROR("cannot start a thread to handle an event of domid %u",
                  job->domid);
        g_free(job);
        vxlDomainEventWorkerDone(driver);
    }
}

/* Until the daemon has loaded its domains (status files and persistent
 * configs), an event cannot be matched to its domain: a persistent
 * domain would pass for a transient one and vanish. The backend may
 * raise events as soon as it is open (a guest that stopped while the
 * daemon was down), so they wait for vxlDomainEventsReady. */
static void
vxlDomainEventDispatch(vxlDomainEventJob *job)
{
    vxlDriver *driver = job->driver;

    VIR_WITH_MUTEX_LOCK_GUARD(&driver->lock) {
        if (driver->closing) {
            /* The backend reports the stop again at the next start. */
            VIR_DEBUG("daemon stopping: leaving an event of domid %u",
                      job->domid);
            g_free(job);
            return;
        }
        if (!driver->eventsReady) {
            if (!driver->eventsHeld)
                driver->eventsHeld = g_ptr_array_new_with_free_func(g_free);
            VIR_DEBUG("holding an event of domid %u until domains are loaded",
                      job->domid);
            g_ptr_array_add(driver->eventsHeld, job);
            return;
        }
        driver->eventWorkers++;
    }
    vxlDomainEventRun(job);
}

void
vxlDomainEventsReady(vxlDriver *driver)
{
    g_autoptr(GPtrArray) held = NULL;
    guint i;

    VIR_WITH_MUTEX_LOCK_GUARD(&driver->lock) {
        driver->eventsReady = true;
        held = g_steal_pointer(&driver->eventsHeld);
        if (held)
            driver->eventWorkers += held->len;
    }
    if (!held)
        return;
    for (i = 0; i < held->len; i++) {
        vxlDomainEventRun(g_ptr_array_index(held, i));
        held->pdata[i] = NULL;
    }
}

static void
vxlDomainOnShutdown(uint32_t domid, vxlShutdownReason reason, void *opaque)
{
    vxlDomainEventJob *job = g_new0(vxlDomainEventJob, 1);

    job->driver = opaque;
    job->domid = domid;
    job->reason = reason;
    vxlDomainEventDispatch(job);
}

static void
vxlDomainOnDeath(uint32_t domid, void *opaque)
{
    vxlDomainEventJob *job = g_new0(vxlDomainEventJob, 1);

    job->driver = opaque;
    job->domid = domid;
    job->death = true;
    vxlDomainEventDispatch(job);
}

const vxlBackendEvents vxlDomainBackendEvents = {
    .domainShutdown = vxlDomainOnShutdown,
    .domainDeath = vxlDomainOnDeath,
};
