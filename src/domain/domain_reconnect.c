/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
#include "domain_migrate.h"
#include "domain_intent.h"
#include "domain_snapshot.h"
#include "virtxl/backend.h"
#include "util_cputime.h"
#include "virerror.h"
#include "virhook.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_reconnect");

/* A failed query of a live domain is asked again this often before the
 * domain is kept on trust. */
#define VXL_RECONNECT_ATTEMPTS 3
#define VXL_RECONNECT_RETRY_MS 100

static void
vxlDomainReconnectOne(vxlDriver *driver, virDomainObj *vm)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    vxlDomainInfo info = { 0 };
    uint32_t domid = vm->def->id;
    unsigned int attempt;
    int rc;

    if (!virDomainObjIsActive(vm)) {
        /* A status file records a running domain; one that names no
         * domid (written after the domain stopped) would list a stopped
         * domain in the state it had, paused by a migration say, and
         * keep it, transient, forever. */
        if (virDomainObjGetState(vm, NULL) != VIR_DOMAIN_SHUTOFF) {
            VIR_WARN("removing the status file of domain %s, which records no running domain",
                     vm->def->name);
            if (virDomainDeleteConfig(driver->cfg->stateDir, NULL, vm) < 0) {
                VIR_WARN("cannot remove the status file of domain %s: %s",
                         vm->def->name, virGetLastErrorMessage());
                virResetLastError();
            }
            virDomainObjSetState(vm, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_UNKNOWN);
            vxlDomainRemoveIfTransient(driver, vm);
        }
        return;
    }
    vxlDomainGraphicsReclaim(vm->def);

    if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0)
        return;

    for (attempt = 1; ; attempt++) {
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainGetInfo(driver->backend, domid, &info);
        vxlDomainBackendExit(vm);
        if (rc == 0 || virGetLastErrorCode() == VIR_ERR_NO_DOMAIN ||
            attempt == VXL_RECONNECT_ATTEMPTS)
            break;
        VIR_WARN("cannot ask Xen about domain %s (domid %u), asking again: %s",
                 vm->def->name, domid, virGetLastErrorMessage());
        virResetLastError();
        g_usleep(VXL_RECONNECT_RETRY_MS * 1000);
    }

    /* Only Xen's own "no such domain" means gone: any other failure to
     * ask says nothing about the domain, which keeps running as far as
     * the driver knows (its status file stays, the next restart asks
     * again). Taking it for gone would leave a running guest nobody
     * manages, holding its name and memory. */
    if (rc < 0 && virGetLastErrorCode() != VIR_ERR_NO_DOMAIN) {
        VIR_WARN("cannot ask Xen about domain %s (domid %u), keeping it: %s",
                 vm->def->name, domid, virGetLastErrorMessage());
        virResetLastError();
        vxlDomainActiveChanged(driver, true);
        goto endjob;
    }
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
    /* migration: a migration the daemon's stop cut off */
    if (vxlDomainPrivGet(vm)->migrationState != 0) {
        if (vxlMigrationReconnect(driver, vm)) {
            vxlDomainRemoveIfTransient(driver, vm);
            goto endjob;
        }
        /* It may have resumed the guest: ask Xen again. */
        vxlDomainInfoClear(&info);
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainGetInfo(driver->backend, domid, &info);
        vxlDomainBackendExit(vm);
        if (rc < 0) {
            VIR_WARN("cannot ask Xen about domain %s (domid %u): %s",
                     vm->def->name, domid, virGetLastErrorMessage());
            virResetLastError();
            goto endjob;
        }
    }
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
    g_autofree char *intentDir = g_strdup_printf("%s/intent", cfg->stateDir);
    vxlIntent *intents = NULL;
    size_t nintents = 0;
    size_t i;
    gint64 t0;
    gint64 statusUs;
    long long cpu0;
    long long statusCPUUs;

    /* A kill during a write leaves its NAME.new behind; the write never
     * happened, the old file stands. */
    vxlIntentRemoveStaleTemps(cfg->stateDir);
    vxlIntentRemoveStaleTemps(intentDir);
    vxlIntentRemoveStaleTemps(cfg->configDir);
    vxlIntentRemoveStaleTemps(cfg->autostartDir);

    /* Live domains first, then persistent configs: a config for a domain
     * that is running becomes its newDef, as libvirt expects. */
    t0 = g_get_monotonic_time();
    cpu0 = vxlThreadCPUTimeUs();
    if (virDomainObjListLoadAllConfigs(driver->domains, cfg->stateDir, NULL,
                                       true, driver->xmlopt, NULL, NULL) < 0)
        return -1;
    statusUs = g_get_monotonic_time() - t0;
    statusCPUUs = vxlThreadCPUTimeUs() - cpu0;
    /* A rename cut short leaves its old and its new config, one UUID:
     * settled before the loader sees both. */
    vxlIntentLoadAll(driver, &intents, &nintents);
    vxlDomainRenameRecover(driver, intents, nintents);
    if (vxlDomainLoadConfigs(driver) < 0) {
        vxlIntentListFree(intents, nintents);
        return -1;
    }

    t0 = g_get_monotonic_time();
    cpu0 = vxlThreadCPUTimeUs();
    /* Recovery looks at the definitions of the domains it finishes or
     * undoes an operation of: parse those now. */
    for (i = 0; i < nintents; i++) {
        virDomainObj *vm = virDomainObjListFindByUUID(driver->domains, intents[i].uuid);

        if (vm) {
            if (vxlDomainDefEnsure(driver, vm) < 0) {
                VIR_WARN("%s", virGetLastErrorMessage());
                virResetLastError();
            }
            virDomainObjEndAPI(&vm);
        }
    }
    vxlDomainRecoverBegin(driver, intents, nintents);

    virDomainObjListCollect(driver->domains, NULL, &vms, &nvms, NULL, 0);
    for (i = 0; i < nvms; i++) {
        virObjectLock(vms[i]);
        vxlDomainReconnectOne(driver, vms[i]);
        virObjectUnlock(vms[i]);
    }
    virObjectListFreeCount(vms, nvms);

    vxlDomainRecoverFinish(driver, intents, nintents);
    vxlIntentListFree(intents, nintents);
    /* What the recovery did not claim (left by daemons that recorded no
     * intent) is of no use. */
    vxlSnapshotRemoveStale(driver);
    /* scripts/bench reads this line, with domain_load.c's: where a
     * restart's time goes. */
    VIR_INFO("status files read in %lld us (CPU %lld us); %zu domains matched with Xen in %lld us (CPU %lld us)",
             (long long)statusUs, statusCPUUs, nvms,
             (long long)(g_get_monotonic_time() - t0), vxlThreadCPUTimeUs() - cpu0);
    return 0;
}
