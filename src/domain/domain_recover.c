/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_recover.c: after a crash, bring the driver's records and the
 * hypervisor back into step, from the intents the killed daemon left
 * (domain_intent.h).
 *
 * What each intent means at the next start, and what is done about it:
 *
 *   start      Xen has the domain (by UUID) but no status file records
 *              it: adopt it with the live definition the intent holds.
 *              Then a start that did not get to unpause is finished
 *              (unpaused, or marked paused by request). Xen lacks it:
 *              the start never happened, nothing to do.
 *   lifecycle  the guest's stop was acted on halfway: a restart action
 *              whose new domain is not there is started now.
 *   attach     undone: the device is taken out of Xen and of each
 *              definition the attach was for (it was never acknowledged).
 *   detach     finished: the device is taken out likewise.
 *   setmem, setmaxmem, setvcpus
 *              applied again (they are idempotent) to the running domain
 *              and/or the persistent definition, as the intent says.
 *   save       the image is in place (renamed from its temporary name,
 *              which happens only once it is complete and synced): the
 *              save is completed, the domain destroyed (shut off,
 *              saved). Otherwise the temporary file goes and the guest
 *              carries on from its suspend (or pause), as after a
 *              failed save. Done before reconnect, which would take a
 *              suspended guest for one that shut down.
 *   snapshot   (of a running domain) see domain_snapshot_recover.c:
 *              rolled back while Xen still holds the stopped guest,
 *              finished (restored onto the overlays) once it does not.
 *   restore    (from a managed save image) the domain runs: the image
 *              is spent and removed. It does not: the image stays.
 *              A start from an image (restore, or a migration's
 *              incoming stream) that Xen holds while no status file
 *              records it may be half-built: it is destroyed, not
 *              adopted; the image is still there.
 *
 * Destroy needs no intent: a domain Xen no longer has is cleaned up by
 * reconnect, one it still has runs on as its status file says.
 *
 * "begin" runs after status files and configs are loaded and before the
 * domains are matched with Xen (domain_reconnect.c); "finish" after.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_intent.h"
#include "domain_save.h"
#include "domain_snapshot.h"
#include "domain_xmlns.h"
#include "virtxl/backend.h"
#include "util_crashpoint.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virmacaddr.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_recover");

bool
vxlDomainRecoverFindInXen(vxlDriver *driver, const unsigned char *uuid,
                    vxlDomainInfo *found)
{
    vxlDomainInfo *infos = NULL;
    size_t ninfos = 0;
    size_t i;
    bool ret = false;

    if (vxlBackendDomainList(driver->backend, &infos, &ninfos) < 0) {
        VIR_WARN("cannot list Xen's domains: %s", virGetLastErrorMessage());
        virResetLastError();
        return false;
    }
    for (i = 0; i < ninfos; i++) {
        if (memcmp(infos[i].uuid, uuid, VIR_UUID_BUFLEN) == 0 &&
            infos[i].state != VXL_DOMSTATE_DYING) {
            *found = infos[i];
            infos[i].name = NULL;
            ret = true;
            break;
        }
    }
    vxlDomainInfoListFree(infos, ninfos);
    return ret;
}

/* A start killed between Xen's create and the status file: Xen runs a
 * domain the records lack. It gets the live definition it was built
 * from; the daemon's next steps treat it as a start in progress. */
static void
vxlRecoverAdopt(vxlDriver *driver, const vxlIntent *intent)
{
    g_autoptr(virDomainDef) def = NULL;
    vxlDomainInfo info = { 0 };
    virDomainObj *vm;
    bool known;

    if (!vxlDomainRecoverFindInXen(driver, intent->uuid, &info))
        return;

    /* Recorded already: the daemon's next steps finish the start. */
    if ((vm = virDomainObjListFindByUUID(driver->domains, intent->uuid))) {
        known = virDomainObjIsActive(vm) && vm->def->id == (int)info.domid;
        virDomainObjEndAPI(&vm);
        if (known)
            goto cleanup;
    }

    if (intent->incoming || intent->restore) {
        /* A migration the source never heard finished: the guest runs
         * there, not here. A restore cut off may have loaded part of
         * the guest's memory only; its image is still there. */
        VIR_WARN("destroying domain %s (domid %u), an incoming migration or restore this daemon died in",
                 intent->name, info.domid);
        if (vxlBackendDomainDestroy(driver->backend, info.domid) < 0) {
            VIR_WARN("cannot destroy domain %u: %s", info.domid,
                     virGetLastErrorMessage());
            virResetLastError();
        }
        goto cleanup;
    }


    if (!intent->xml ||
        !(def = virDomainDefParseString(intent->xml, driver->xmlopt, NULL, 0)) ||
        !(vm = vxlDomainListAdd(driver, &def, VIR_DOMAIN_OBJ_LIST_ADD_LIVE, NULL))) {
                                /* Nothing to run it as: take it back out of Xen. */
                                VIR_WARN("cannot adopt domain %s (domid %u), destroying it: %s",
                                intent->name, info.domid, virGetLastErrorMessage());
        virResetLastError();
        if (vxlBackendDomainDestroy(driver->backend, info.domid) < 0) {
            VIR_WARN("cannot destroy domain %u: %s", info.domid,
                     virGetLastErrorMessage());
            virResetLastError();
        }
        goto cleanup;
    }
    vm->def->id = info.domid;
    /* The create's answers died with the daemon: what libxl found for
     * each PCI name is read back from the domain. */
    vxlDomainPciNamesFromXen(driver, vm->def, info.domid);
    virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_STARTING_UP);
    if (vxlDomainSaveStatus(driver, vm) < 0) {
        VIR_WARN("cannot save the status of adopted domain %s: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
    }
    VIR_INFO("adopted domain %s (domid %u), which Xen built before the daemon died",
             vm->def->name, info.domid);
    virDomainObjEndAPI(&vm);

 cleanup:
    vxlDomainInfoClear(&info);
}

/* The start was recorded but not finished: run the guest, or keep it
 * paused when that was asked for. */
static void
vxlRecoverFinishStart(vxlDriver *driver, virDomainObj *vm,
                      const vxlIntent *intent)
{
    int reason;
    int rc;

    if (!virDomainObjIsActive(vm) ||
        virDomainObjGetState(vm, &reason) != VIR_DOMAIN_PAUSED ||
        reason != VIR_DOMAIN_PAUSED_STARTING_UP)
        return;

    if (intent->paused) {
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    } else {
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainUnpause(driver->backend, vm->def->id);
        vxlDomainBackendExit(vm);
        if (rc < 0) {
            VIR_WARN("cannot finish the start of domain %s, destroying it: %s",
                     vm->def->name, virGetLastErrorMessage());
            virResetLastError();
            if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_FAILED) < 0) {
                VIR_WARN("cannot destroy domain %s: %s", vm->def->name,
                         virGetLastErrorMessage());
                virResetLastError();
            }
            vxlDomainRemoveIfTransient(driver, vm);
            return;
        }
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING,
                             intent->restore ? VIR_DOMAIN_RUNNING_RESTORED :
                                               VIR_DOMAIN_RUNNING_BOOTED);
    }
    if (vxlDomainSaveStatus(driver, vm) < 0) {
        VIR_WARN("cannot save the status of domain %s: %s", vm->def->name,
                 virGetLastErrorMessage());
        virResetLastError();
    }
    VIR_INFO("finished the start of domain %s", vm->def->name);
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STARTED,
                            intent->restore ? VIR_DOMAIN_EVENT_STARTED_RESTORED :
                                              VIR_DOMAIN_EVENT_STARTED_BOOTED);
}

static bool
vxlRecoverActionRestarts(int action)
{
    return action == VIR_DOMAIN_LIFECYCLE_ACTION_RESTART ||
           action == VIR_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME ||
           action == VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART;
}

/* The stopped incarnation is gone; the new one was not started. */
static void
vxlRecoverFinishLifecycle(vxlDriver *driver, virDomainObj *vm,
                          const vxlIntent *intent)
{
    if (virDomainObjIsActive(vm))
        return;
    if (vxlRecoverActionRestarts(intent->action)) {
        VIR_INFO("restarting domain %s, whose %s action the daemon did not finish",
                 vm->def->name,
                 virDomainLifecycleActionTypeToString(intent->action));
        if (vxlDomainStart(driver, vm, false, VIR_DOMAIN_RUNNING_BOOTED) < 0) {
            VIR_WARN("cannot restart domain %s: %s", vm->def->name,
                     virGetLastErrorMessage());
            virResetLastError();
        }
    }
    vxlDomainRemoveIfTransient(driver, vm);
}

/* Take the device @intent names out of @def; true if it was there. */
static bool
vxlRecoverDropDevice(virDomainDef *def, const vxlIntent *intent)
{
    size_t i;

    if (!intent->key)
        return false;
    if (intent->hostdev) {
        int idx = vxlDomainHostdevFindAddr(def, intent->key);

        if (idx < 0)
            return false;
        vxlDomainHostdevRemoveAt(def, idx);
        return true;
    }
    if (intent->net) {
        virMacAddr mac;

        if (virMacAddrParse(intent->key, &mac) < 0) {
            virResetLastError();
            return false;
        }
        for (i = 0; i < def->nnets; i++) {
            if (virMacAddrCmp(&def->nets[i]->mac, &mac) == 0) {
                virDomainNetDef *net = virDomainNetRemove(def, i);

                vxlXMLNSForgetNic(def, &net->mac);
                vxlDomainNetworkReleaseOne(def, net);
                virDomainNetDefFree(net);
                return true;
            }
        }
        return false;
    }
    for (i = 0; i < def->ndisks; i++) {
        if (STREQ_NULLABLE(def->disks[i]->dst, intent->key)) {
            vxlXMLNSForgetDisk(def, intent->key);
            virDomainDiskDefFree(virDomainDiskRemove(def, i));
            return true;
        }
    }
    return false;
}

void
vxlDomainDeviceForget(vxlDriver *driver, virDomainObj *vm, bool net,
                      const char *key)
{
    vxlIntent probe = { .net = net, .key = (char *)key };
    uint32_t domid = vm->def->id;
    int rc;

    /* A disk is named by its target; libxl knows a <virtxl:disk vdev>
     * disk by that number. */
    g_autofree char *vdev = net ? NULL : g_strdup(vxlXMLNSDiskVdev(vm->def, key));

    vxlDomainBackendEnter(vm);
    rc = net ? vxlBackendDomainNicRemove(driver->backend, domid, key) :
               vxlBackendDomainDiskRemove(driver->backend, domid, vdev);
    vxlDomainBackendExit(vm);
    if (rc < 0 && virGetLastErrorCode() != VIR_ERR_DEVICE_MISSING) {
        /* Still in Xen: the live definition keeps saying so. */
        VIR_WARN("cannot remove device %s of domain %s: %s", key,
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    virResetLastError();
    if (vxlRecoverDropDevice(vm->def, &probe) &&
        vxlDomainSaveStatus(driver, vm) < 0) {
        VIR_WARN("cannot save the status of domain %s: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
    }
}

/* An attach is undone, a detach finished: either way the device goes
 * from every side the operation was for. */
static void
vxlRecoverDevice(vxlDriver *driver, virDomainObj *vm, const vxlIntent *intent)
{
    if (!intent->key)
        return;
    if (intent->live && virDomainObjIsActive(vm) &&
        vm->def->id == intent->domid) {
        if (intent->hostdev)
            vxlDomainHostdevForget(driver, vm, intent->key, intent->managed);
        else
            vxlDomainDeviceForget(driver, vm, intent->net, intent->key);
    }
    if (intent->config && vm->persistent) {
        virDomainDef *pdef = vm->newDef ? vm->newDef : vm->def;

        if (virDomainObjIsActive(vm) && !vm->newDef)
            return;
        if (vxlRecoverDropDevice(pdef, intent) &&
            vxlDomainConfigSave(driver, pdef) < 0) {
            VIR_WARN("cannot save the definition of domain %s: %s",
                     vm->def->name, virGetLastErrorMessage());
            virResetLastError();
        }
    }
    VIR_INFO("recovered the %s of device %s of domain %s",
             vxlIntentOpTypeToString(intent->op), intent->key, vm->def->name);
}

/* Set memory or vCPUs again, as the interrupted call meant to. */
static void
vxlRecoverResource(vxlDriver *driver, virDomainObj *vm, const vxlIntent *intent)
{
    if (intent->live && virDomainObjIsActive(vm) &&
        vm->def->id == intent->domid) {
        int rc;

        vxlDomainBackendEnter(vm);
        switch (intent->op) {
        case VXL_INTENT_SETMEM:
            rc = vxlBackendDomainSetMemory(driver->backend, intent->domid,
                                           intent->value);
            break;
        case VXL_INTENT_SETMAXMEM:
            rc = vxlBackendDomainSetMaxMemory(driver->backend, intent->domid,
                                              intent->value);
            break;
        default:
            rc = vxlBackendDomainSetVcpusOnline(driver->backend, intent->domid,
                                                intent->value);
            break;
        }
        vxlDomainBackendExit(vm);
        if (rc < 0) {
            VIR_WARN("cannot apply the %s of domain %s again: %s",
                     vxlIntentOpTypeToString(intent->op), vm->def->name,
                     virGetLastErrorMessage());
            virResetLastError();
        } else {
            vxlDomainResourceSet(vm->def, intent->op, intent->value, true);
            if (vxlDomainSaveStatus(driver, vm) < 0) {
                VIR_WARN("cannot save the status of domain %s: %s",
                         vm->def->name, virGetLastErrorMessage());
                virResetLastError();
            }
        }
    }
    if (intent->config && vm->persistent) {
        virDomainDef *pdef = vm->newDef ? vm->newDef : vm->def;

        if (virDomainObjIsActive(vm) && !vm->newDef)
            return;
        vxlDomainResourceSet(pdef, intent->op, intent->value, false);
        if (vxlDomainConfigSave(driver, pdef) < 0) {
            VIR_WARN("cannot save the definition of domain %s: %s",
                     vm->def->name, virGetLastErrorMessage());
            virResetLastError();
        }
    }
}

void
vxlDomainResourceSet(virDomainDef *def, int op, unsigned long long value,
                     bool live)
{
    switch ((vxlIntentOp)op) {
    case VXL_INTENT_SETMEM:
        def->mem.cur_balloon = value;
        break;
    case VXL_INTENT_SETMAXMEM:
        virDomainDefSetMemoryTotal(def, value);
        if (!live && def->mem.cur_balloon > value)
            def->mem.cur_balloon = value;
        break;
    case VXL_INTENT_SETVCPUS:
        if (value >= 1 && value <= virDomainDefGetVcpusMax(def))
            ignore_value(virDomainDefSetVcpus(def, value));
        break;
    case VXL_INTENT_START:
    case VXL_INTENT_DESTROY:
    case VXL_INTENT_SAVE:
    case VXL_INTENT_RESTORE:
    case VXL_INTENT_SNAPSHOT:
    case VXL_INTENT_SNAPSHOT_REVERT:
    case VXL_INTENT_SNAPSHOT_DELETE:
    case VXL_INTENT_SETVCPU:
    case VXL_INTENT_RENAME:
    case VXL_INTENT_LIFECYCLE:
    case VXL_INTENT_ATTACH:
    case VXL_INTENT_DETACH:
    case VXL_INTENT_LAST:
        break;
    }
}

void
vxlDomainRecoverResumeSaved(vxlDriver *driver, virDomainObj *vm,
                            const vxlDomainInfo *info, bool paused)
{
    if (!virDomainObjIsActive(vm) || vm->def->id != (int)info->domid)
        return;
    if (info->state == VXL_DOMSTATE_SHUTDOWN &&
        info->shutdownReason == VXL_SHUTDOWN_SUSPEND) {
        if (vxlDomainSaveCancelSuspend(driver, vm, paused) < 0) {
            virResetLastError();
            return;
        }
    } else if (info->state == VXL_DOMSTATE_PAUSED && !paused) {
        int rc;

        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainUnpause(driver->backend, vm->def->id);
        vxlDomainBackendExit(vm);
        if (rc < 0) {
            VIR_WARN("cannot resume domain %s after its save: %s",
                     vm->def->name, virGetLastErrorMessage());
            virResetLastError();
            return;
        }
    }
    if (paused)
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
    else
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING,
                             VIR_DOMAIN_RUNNING_SAVE_CANCELED);
    if (vxlDomainSaveStatus(driver, vm) < 0) {
        VIR_WARN("cannot save the status of domain %s: %s", vm->def->name,
                 virGetLastErrorMessage());
        virResetLastError();
    }
}

/* A save the daemon died in: complete it if its image is in place,
 * else call it off. */
static void
vxlRecoverSave(vxlDriver *driver, const vxlIntent *intent)
{
    g_autofree char *tmp = intent->key ? vxlSaveImageTmpPath(intent->key) : NULL;
    vxlDomainInfo info = { 0 };
    virDomainObj *vm = virDomainObjListFindByUUID(driver->domains, intent->uuid);
    bool inXen = vxlDomainRecoverFindInXen(driver, intent->uuid, &info);
    bool complete = tmp && !virFileExists(tmp) && virFileExists(intent->key);

    if (complete) {
        VIR_INFO("completing the save of domain %s to %s", intent->name,
                 intent->key);
        if (vm && virDomainObjIsActive(vm)) {
            if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_SAVED) < 0) {
                VIR_WARN("cannot destroy saved domain %s: %s", intent->name,
                         virGetLastErrorMessage());
                virResetLastError();
            } else {
                vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                                        VIR_DOMAIN_EVENT_STOPPED_SAVED);
            }
        } else if (inXen &&
                   vxlBackendDomainDestroy(driver->backend, info.domid) < 0) {
            VIR_WARN("cannot destroy saved domain %s: %s", intent->name,
                     virGetLastErrorMessage());
            virResetLastError();
        }
        if (vm && intent->config)
            vm->hasManagedSave = true;
        goto cleanup;
    }

    VIR_INFO("calling off the save of domain %s, which the daemon did not finish",
             intent->name);
    if (tmp && unlink(tmp) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove the partial save image %s: %s", tmp,
                 g_strerror(errno));
    if (vm && inXen)
        vxlDomainRecoverResumeSaved(driver, vm, &info, intent->paused);

 cleanup:
    if (vm) {
        vxlDomainRemoveIfTransient(driver, vm);
        virDomainObjEndAPI(&vm);
    }
    vxlDomainInfoClear(&info);
}

/* A restore from a managed save image: spent once the domain runs. */
static void
vxlRecoverRestore(vxlDriver *driver, virDomainObj *vm, const vxlIntent *intent)
{
    if (!virDomainObjIsActive(vm) || !intent->key)
        return;
    VIR_INFO("removing the managed save image %s, which domain %s runs from",
             intent->key, vm->def->name);
    if (unlink(intent->key) < 0 && errno != ENOENT) {
        VIR_WARN("cannot remove the managed save image %s: %s", intent->key,
                 g_strerror(errno));
        return;
    }
    vm->hasManagedSave = false;
}

void
vxlDomainRecoverBegin(vxlDriver *driver, vxlIntent *intents, size_t nintents)
{
    size_t i;

    for (i = 0; i < nintents; i++) {
        if (intents[i].op == VXL_INTENT_START)
            vxlRecoverAdopt(driver, &intents[i]);
        else if (intents[i].op == VXL_INTENT_SAVE)
            vxlRecoverSave(driver, &intents[i]);
        else if (intents[i].op == VXL_INTENT_SNAPSHOT)
            vxlSnapshotRecoverBegin(driver, &intents[i]);
    }
}

/* A transient domain the killed daemon was restarting has no file left
 * that names it but the intent. */
static virDomainObj *
vxlRecoverTransient(vxlDriver *driver, const vxlIntent *intent)
{
    g_autoptr(virDomainDef) def = NULL;

    if (!intent->xml ||
        !(def = virDomainDefParseString(intent->xml, driver->xmlopt, NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return NULL;
    return vxlDomainListAdd(driver, &def, 0, NULL);
}

void
vxlDomainRecoverFinish(vxlDriver *driver, vxlIntent *intents, size_t nintents)
{
    size_t i;

    for (i = 0; i < nintents; i++) {
        vxlIntent *intent = &intents[i];
        virDomainObj *vm = virDomainObjListFindByUUID(driver->domains,
                                                      intent->uuid);
        bool keep = false;

        /* Finished before the definitions were loaded. */
        if (intent->op == VXL_INTENT_RENAME) {
            virDomainObjEndAPI(&vm);
            continue;
        }
        VIR_INFO("recovering the %s of domain %s",
                 vxlIntentOpTypeToString(intent->op), intent->name);
        if (!vm && intent->op == VXL_INTENT_LIFECYCLE &&
            vxlRecoverActionRestarts(intent->action))
            vm = vxlRecoverTransient(driver, intent);
        virResetLastError();
        if (!vm)
            goto done;
        if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0) {
            VIR_WARN("cannot recover domain %s: %s", intent->name,
                     virGetLastErrorMessage());
            virResetLastError();
            virDomainObjEndAPI(&vm);
            continue;
        }
        switch (intent->op) {
        case VXL_INTENT_START:
            vxlRecoverFinishStart(driver, vm, intent);
            break;
        case VXL_INTENT_LIFECYCLE:
            vxlRecoverFinishLifecycle(driver, vm, intent);
            break;
        case VXL_INTENT_ATTACH:
        case VXL_INTENT_DETACH:
            vxlRecoverDevice(driver, vm, intent);
            break;
        case VXL_INTENT_SETMEM:
        case VXL_INTENT_SETMAXMEM:
        case VXL_INTENT_SETVCPUS:
            vxlRecoverResource(driver, vm, intent);
            break;
        case VXL_INTENT_RESTORE:
            vxlRecoverRestore(driver, vm, intent);
            break;
        case VXL_INTENT_SETVCPU:
            vxlDomainVcpuOnlineRecover(driver, vm, intent);
            break;
        case VXL_INTENT_SNAPSHOT:
            vxlSnapshotRecoverFinish(driver, vm, intent);
            break;
        case VXL_INTENT_SNAPSHOT_REVERT:
            vxlSnapshotRevertRecover(driver, vm, intent);
            break;
        case VXL_INTENT_SNAPSHOT_DELETE:
            /* Kept when a merge could not be finished: the next start
             * tries again. */
            keep = vxlSnapshotDeleteRecover(driver, vm, intent);
            break;
        case VXL_INTENT_SAVE:
        case VXL_INTENT_DESTROY:
        case VXL_INTENT_RENAME:
        case VXL_INTENT_LAST:
            break;
        }
        vxlDomainJobEnd(vm);
        virDomainObjEndAPI(&vm);
     done:
        if (!keep)
            vxlIntentDone(driver, intent->uuid, intent->op);
    }
}
