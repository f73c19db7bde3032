/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_migrate.c: the phases of a migration on each host (libvirt's
 * protocol v3): Begin, Perform and Confirm on the source, Prepare and
 * Finish on the destination.
 *
 * The source's guest keeps running until the backend's stream has
 * copied it (live) and suspended it; it then waits, suspended, for
 * Confirm: destroyed when the destination runs it, resumed otherwise.
 * The destination builds the domain from the stream in a thread of its
 * own, paused, and Finish resumes it. So at any moment at most one host
 * runs the guest, and a failure anywhere leaves it running on the source.
 */
#include "vxl_internal.h"

#include <sys/socket.h>

#include "domain_migrate_priv.h"
#include "domain_job.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virfdstream.h"
#include "virclosecallbacks.h"
#include "virfile.h"
#include "virlog.h"
#include "virtime.h"
#include "virtypedparam.h"
#include "util_crashpoint.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_migrate");

vxlMigration *
vxlMigrationNew(bool incoming, unsigned int flags)
{
    vxlMigration *mig = g_new0(vxlMigration, 1);

    mig->incoming = incoming;
    mig->flags = flags;
    mig->st.fd = -1;
    mig->st.live = !!(flags & VIR_MIGRATE_LIVE);
    mig->listenFd = -1;
    mig->tunnelFd = -1;
    mig->noteFd = -1;
    if (virTimeMillisNow(&mig->startedMs) < 0)
        mig->startedMs = 0;
    return mig;
}

void
vxlMigrationFree(vxlMigration *mig)
{
    if (!mig)
        return;
    VIR_FORCE_CLOSE(mig->st.fd);
    VIR_FORCE_CLOSE(mig->listenFd);
    VIR_FORCE_CLOSE(mig->tunnelFd);
    VIR_FORCE_CLOSE(mig->noteFd);
    if (mig->port)
        virPortAllocatorRelease(mig->port);
    virDomainDefFree(mig->offlineDef);
    if (mig->vm)
        virObjectUnref(mig->vm);
    virFreeError(mig->error);
    g_free(mig->dconnuri);
    g_free(mig->name);
    g_free(mig);
}

/* ----- arguments -------------------------------------------------------- */

int
vxlMigrationCheckArgs(unsigned int flags, virTypedParameterPtr params,
                      int nparams)
{
    if (flags & (VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_NON_SHARED_INC |
                 VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("migrating storage is not supported: Xen migrates memory and device state only, the disks must be reachable from both hosts (shared storage)"));
        return -1;
    }
    if (flags & (VIR_MIGRATE_POSTCOPY | VIR_MIGRATE_POSTCOPY_RESUME)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("post-copy migration is not supported: Xen's migration stream is pre-copy only"));
        return -1;
    }
    if (flags & (VIR_MIGRATE_COMPRESSED | VIR_MIGRATE_AUTO_CONVERGE |
                 VIR_MIGRATE_RDMA_PIN_ALL | VIR_MIGRATE_TLS |
                 VIR_MIGRATE_PARALLEL | VIR_MIGRATE_ZEROCOPY)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("compression, auto-convergence, RDMA, TLS, parallel and zero-copy migration are not supported: libxl's migration stream offers none of them"));
        return -1;
    }
    /* What is left are bits libvirt 9.0 does not define: an invalid
     * argument, as virCheckFlags reports it in libvirt's own drivers. */
    if (flags & ~VXL_MIGRATION_FLAGS) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("migration flags 0x%x are not supported"),
                       flags & ~VXL_MIGRATION_FLAGS);
        return -1;
    }
    if ((flags & VIR_MIGRATE_TUNNELLED) && !(flags & VIR_MIGRATE_PEER2PEER)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("tunnelled migration needs peer-to-peer migration"));
        return -1;
    }
    if (flags & VIR_MIGRATE_OFFLINE) {
        if (!(flags & VIR_MIGRATE_PERSIST_DEST)) {
            virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                           _("offline migration needs the persistent-destination flag: it migrates the definition only"));
            return -1;
        }
        if (flags & VIR_MIGRATE_LIVE) {
            virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                           _("offline migration cannot be live"));
            return -1;
        }
    }
    if (virTypedParamsValidate(params, nparams, VXL_MIGRATION_PARAMETERS) < 0)
        return -1;
    return 0;
}

/* ----- source ----------------------------------------------------------- */

char *
vxlMigrationFormatXML(vxlDriver *driver, virDomainObj *vm, const char *xmlin,
                      unsigned int flags)
{
    virDomainDef *def = vm->def;
    unsigned int fmt = VIR_DOMAIN_DEF_FORMAT_SECURE |
                       VIR_DOMAIN_DEF_FORMAT_MIGRATABLE;

    if (flags & VIR_MIGRATE_OFFLINE) {
        def = vm->newDef ? vm->newDef : vm->def;
        fmt |= VIR_DOMAIN_DEF_FORMAT_INACTIVE;
    }
    if (xmlin) {
        g_autoptr(virDomainDef) in = NULL;

        if (!(in = virDomainDefParseString(xmlin, driver->xmlopt, NULL,
                                           VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                           VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE)))
            return NULL;
        /* The destination builds exactly the machine the guest runs on:
         * same type, memory, vCPUs and devices; names, paths and
         * networking may differ. */
        if (!virDomainDefCheckABIStability(def, in, driver->xmlopt))
            return NULL;
        return virDomainDefFormat(in, driver->xmlopt, fmt);
    }
    return virDomainDefFormat(def, driver->xmlopt, fmt);
}

/* A cancel of the migration job (virsh domjobabort): the backend stops
 * at its next chunk, and one blocked on the socket fails at once. A
 * destination only reads the stream: its sending half stays open, for
 * the error line that tells the source it was cancelled here. */
static void
vxlMigrationOnCancel(void *opaque)
{
    vxlMigration *mig = opaque;
    int fd;

    __atomic_store_n(&mig->st.cancelled, 1, __ATOMIC_SEQ_CST);
    if ((fd = __atomic_load_n(&mig->st.fd, __ATOMIC_SEQ_CST)) >= 0)
        ignore_value(shutdown(fd, mig->incoming ? SHUT_RD : SHUT_RDWR));
}

/* Tie @mig to the async job just begun on @vm. */
static void
vxlMigrationAttachJob(virDomainObj *vm, vxlMigration *mig)
{
    mig->st.token = vxlDomainAsyncJobToken(vm);
    vxlJobTokenSetCancelHook(mig->st.token, vxlMigrationOnCancel, mig);
}

/* Before the job ends (its token goes with it). */
static void
vxlMigrationDetachJob(vxlMigration *mig)
{
    if (!mig || !mig->st.token)
        return;
    vxlJobTokenSetCancelHook(mig->st.token, NULL, NULL);
    mig->st.token = NULL;
}

/* Start the outgoing migration's async job and state (vm locked). */
int
vxlMigrationOutStart(vxlDriver *driver, virDomainObj *vm, unsigned int flags)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);

    if (vxlDomainAsyncJobBegin(driver, vm, VXL_JOB_MIGRATION_OUT, flags) < 0)
        return -1;
    priv->migration = vxlMigrationNew(false, flags);
    priv->migration->driver = driver;
    priv->migration->st.bandwidthMiBps = priv->migrationMaxSpeed;
    vxlMigrationAttachJob(vm, priv->migration);
    vxlMigrationAllowSuspend(vm);
    return 0;
}

static void vxlMigrationCloseCb(virDomainObj *vm, virConnectPtr conn);

void
vxlMigrationOutEnd(vxlDriver *driver, virDomainObj *vm, int ret)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);

    if (vm->closecallbacks)
        virCloseCallbacksDomainRemove(vm, NULL, vxlMigrationCloseCb);
    if (ret < 0 && priv->migration && !priv->migration->incoming)
        vxlMigrationUndoPause(driver, vm, priv->migration);
    vxlMigrationDetachJob(priv->migration);
    g_clear_pointer(&priv->migration, vxlMigrationFree);
    if (priv->migrationState != VXL_MIGRATION_STATE_NONE) {
        priv->migrationState = VXL_MIGRATION_STATE_NONE;
        if (virDomainObjIsActive(vm))
            ignore_value(vxlDomainSaveStatus(driver, vm));
    }
    vxlDomainAsyncJobEnd(driver, vm, ret);
}

/*
 * The client that began a migration (Begin ... Confirm, with change
 * protection) went away in between: nobody will finish it, so the job
 * ends here. After a complete stream the destination's word on the
 * stream's connection says whether it took the guest: a worker waits
 * for it and acts as Confirm would have (domain_migrate_orphan.c).
 * Without that word a guest the stream suspended stays paused, as after
 * a daemon restart: the destination may be running it.
 */
static void
vxlMigrationCloseCb(virDomainObj *vm, virConnectPtr conn G_GNUC_UNUSED)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    vxlMigration *mig = priv->migration;

    if (!mig || mig->incoming)
        return;
    if (mig->sending) {
        mig->orphaned = true;
        return;
    }
    if (mig->performed && mig->noteFd >= 0 &&
        vxlMigrationOrphanStart(mig->driver, vm) == 0) {
        VIR_WARN("the client migrating domain %s went away after the copy; asking the destination's connection how it ended",
                 vm->def->name);
        return;
    }
    VIR_WARN("the client migrating domain %s went away; the migration ends%s",
             vm->def->name, mig->performed ? " and the domain stays paused" : "");
    vxlMigrationOutEnd(mig->driver, vm, -1);
}

char *
vxlMigrationBegin(vxlDriver *driver, virConnectPtr conn, virDomainObj *vm,
                  const char *xmlin, char **cookieout, int *cookieoutlen,
                  unsigned int flags)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    g_autofree char *xml = NULL;
    bool job = false;

    if (priv->migration) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already being migrated"), vm->def->name);
        return NULL;
    }
    if (flags & VIR_MIGRATE_CHANGE_PROTECTION) {
        if (vxlMigrationOutStart(driver, vm, flags) < 0)
            return NULL;
        job = true;
    }
    if (flags & VIR_MIGRATE_OFFLINE) {
        if (!vm->persistent) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("cannot migrate transient domain '%s' offline: it has no definition to move"),
                           vm->def->name);
            goto error;
        }
    } else if (virDomainObjCheckActive(vm) < 0) {
        goto error;
    }
    if ((flags & VIR_MIGRATE_UNDEFINE_SOURCE) && !vm->persistent &&
        (flags & VIR_MIGRATE_OFFLINE)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot undefine transient domain '%s'"), vm->def->name);
        goto error;
    }
    if (!(xml = vxlMigrationFormatXML(driver, vm, xmlin, flags)))
        goto error;
    if (vxlMigrationCookieBake(driver, vm->def, cookieout, cookieoutlen) < 0)
        goto error;
    if (job && vm->closecallbacks)
        virCloseCallbacksDomainAdd(vm, conn, vxlMigrationCloseCb);
    return g_steal_pointer(&xml);

 error:
    if (job) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        vxlMigrationOutEnd(driver, vm, -1);
        virErrorRestore(&saved);
    }
    return NULL;
}

/* Copy the domain over @fd (vm locked, migration job held). On success
 * the guest is suspended here: PAUSED/MIGRATION. */
int
vxlMigrationSend(vxlDriver *driver, virDomainObj *vm, int fd,
                 unsigned long long bandwidth, unsigned int flags)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    vxlMigration *mig = priv->migration;
    uint32_t domid = vm->def->id;
    bool pausedDuring;
    int reason = 0;
    int rc;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    /* Paused before the migration, not by a suspend during it. */
    mig->wasPaused = virDomainObjGetState(vm, NULL) == VIR_DOMAIN_PAUSED &&
                     !mig->pausedBeforeSend;
    mig->st.live = !!(flags & VIR_MIGRATE_LIVE);
    if (bandwidth)
        vxlMigrateStreamSet(&mig->st.bandwidthMiBps, bandwidth);
    __atomic_store_n(&mig->st.fd, fd, __ATOMIC_SEQ_CST);
    priv->migrationState = VXL_MIGRATION_STATE_OUT;
    ignore_value(vxlDomainSaveStatus(driver, vm));
    VXL_CRASH_POINT("migrate.out.after-state");

    mig->sending = true;
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainMigrateSend(driver->backend, domid, &mig->st);
    vxlDomainBackendExit(vm);
    mig->sending = false;
    mig->sendEnded = true;
    __atomic_store_n(&mig->st.fd, -1, __ATOMIC_SEQ_CST);

    if (rc < 0) {
        /* The client hears why the copy failed: resuming the guest
         * clears the thread's error, a status write may report its own. */
        virErrorPtr sendErr = NULL;

        virErrorPreserveLast(&sendErr);
        vxlMigrationUndoPause(driver, vm, mig);
        priv->migrationState = VXL_MIGRATION_STATE_NONE;
        if (virDomainObjIsActive(vm) && vxlDomainSaveStatus(driver, vm) < 0)
            VIR_WARN("cannot record the failed migration of domain %s: %s",
                     vm->def->name, virGetLastErrorMessage());
        virErrorRestore(&sendErr);
        return -1;
    }
    mig->performed = true;
    /* Suspended for the destination now, whoever paused it first. */
    mig->suspended = false;
    mig->pausedBeforeSend = false;
    /* The destination has the guest now: only it can call this off. */
    vxlDomainAsyncJobSetAbortable(vm, false);
    if (vm->job->current) {
        unsigned long long now = 0;

        if (virTimeMillisNow(&now) == 0)
            vm->job->current->stopped =
                now - vxlMigrateStreamGet(&mig->st.downtimeMs);
    }
    priv->migrationState = (flags & VIR_MIGRATE_PEER2PEER) ?
        VXL_MIGRATION_STATE_PERFORMED_P2P : VXL_MIGRATION_STATE_PERFORMED;
    /* A guest paused during the copy had its event then. */
    pausedDuring = virDomainObjGetState(vm, &reason) == VIR_DOMAIN_PAUSED &&
                   reason == VIR_DOMAIN_PAUSED_MIGRATION;
    virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION);
    ignore_value(vxlDomainSaveStatus(driver, vm));
    VXL_CRASH_POINT("migrate.out.after-send");
    if (!pausedDuring)
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED);
    return 0;
}

static int
vxlMigrationPerformNative(vxlDriver *driver, virDomainObj *vm,
                          virTypedParameterPtr params, int nparams,
                          unsigned int flags)
{
    const char *uri = NULL;
    unsigned long long bandwidth = 0;
    g_autofree char *host = NULL;
    int port = 0;
    int fd;
    int rc;

    if (virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_URI, &uri) < 0 ||
        virTypedParamsGetULLong(params, nparams, VIR_MIGRATE_PARAM_BANDWIDTH,
                                &bandwidth) < 0)
        return -1;
    if (!uri) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("no migration URI for domain '%s': the destination's Prepare phase gives one"),
                       vm->def->name);
        return -1;
    }
    if (vxlMigrationParseURI(uri, &host, &port) < 0)
        return -1;
    if (port == 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("migration URI '%s' names no port"), uri);
        return -1;
    }

    vxlDomainBackendEnter(vm);
    fd = vxlMigrationConnect(host, port);
    vxlDomainBackendExit(vm);
    if (fd < 0)
        return -1;
    rc = vxlMigrationSend(driver, vm, fd, bandwidth, flags);
    if (rc == 0 && vxlDomainPrivGet(vm)->migration) {
        /* Kept for the destination's word on Finish. */
        vxlDomainPrivGet(vm)->migration->noteFd = fd;
        fd = -1;
    }
    VIR_FORCE_CLOSE(fd);
    return rc;
}

int
vxlMigrationPerform(vxlDriver *driver, virDomainObj *vm, const char *dconnuri,
                    virTypedParameterPtr params, int nparams,
                    const char *cookiein, int cookieinlen,
                    char **cookieout, int *cookieoutlen, unsigned int flags)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    bool started = false;

    if (dconnuri) {
        if (priv->migration) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("domain '%s' is already being migrated"), vm->def->name);
            return -1;
        }
        if (vxlMigrationOutStart(driver, vm, flags) < 0)
            return -1;
        if (vxlMigrationPerformP2P(driver, vm, dconnuri, params, nparams,
                                   flags) < 0) {
            virErrorPtr saved;

            virErrorPreserveLast(&saved);
            vxlMigrationOutEnd(driver, vm, -1);
            /* A failure after the guest moved (the destination's Finish
             * failed once it took it) leaves no copy here. */
            if (!virDomainObjIsActive(vm))
                vxlDomainRemoveIfTransient(driver, vm);
            virErrorRestore(&saved);
            return -1;
        }
        vxlMigrationOutEnd(driver, vm, 0);
        if (!virDomainObjIsActive(vm))
            vxlDomainRemoveIfTransient(driver, vm);
        return 0;
    }

    if (!priv->migration) {
        if (vxlMigrationOutStart(driver, vm, flags) < 0)
            return -1;
        started = true;
    } else if (priv->migration->incoming || priv->migration->performed ||
               priv->migration->st.fd >= 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already being migrated"), vm->def->name);
        return -1;
    }
    if (vxlMigrationCookieCheck(driver, cookiein, cookieinlen, vm->def->name) < 0 ||
        vxlMigrationPerformNative(driver, vm, params, nparams, flags) < 0 ||
        vxlMigrationCookieBake(driver, vm->def, cookieout, cookieoutlen) < 0) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        /* Perform failed: libvirt calls no Confirm, so the job ends
         * here; a guest the stream suspended runs again. */
        if (priv->migration && priv->migration->performed) {
            ignore_value(vxlMigrationConfirmPhase(driver, vm, flags, true));
        }
        vxlMigrationOutEnd(driver, vm, -1);
        virErrorRestore(&saved);
        return -1;
    }
    (void)started;
    if (priv->migration->orphaned) {
        /* Nobody can have called Finish yet, and the destination drops
         * what it received when the client's connection closes: the
         * guest runs here again. */
        VIR_WARN("the client migrating domain %s went away during the copy; it runs on here",
                 vm->def->name);
        ignore_value(vxlMigrationConfirmPhase(driver, vm, flags, true));
        vxlMigrationOutEnd(driver, vm, -1);
    }
    return 0;
}

/* The source copy's destroy once the destination runs the guest: tries,
 * and the pause between them. */
#define VXL_MIGRATION_DESTROY_ATTEMPTS 3
#define VXL_MIGRATION_DESTROY_RETRY_MS 200

/* The source no longer runs the guest: it is the destination's now.
 * With VIR_MIGRATE_UNDEFINE_SOURCE the definition goes too: its file
 * first, so that a daemon killed before the destroy finds only the
 * status file and the domain transient (and destroys it, its status
 * saying CONFIRMED_UNDEFINE); the events keep libvirt's order (stopped,
 * then undefined). */
static void
vxlMigrationSourceDone(vxlDriver *driver, virDomainObj *vm, unsigned int flags)
{
    bool undefine = (flags & VIR_MIGRATE_UNDEFINE_SOURCE) && vm->persistent;
    unsigned int attempt;

    if (undefine &&
        virDomainDeleteConfig(driver->cfg->configDir,
                              driver->cfg->autostartDir, vm) < 0) {
        VIR_WARN("cannot remove the definition of migrated domain %s: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
        undefine = false;
    }
    VXL_CRASH_POINT("migrate.confirm.after-undefine");
    /* The guest runs on the destination: a copy left here would hold
     * its memory and show it active on two hosts. A failed destroy may
     * be passing (a busy toolstack), so it is tried again, as a failed
     * start's cleanup is. */
    for (attempt = 1; virDomainObjIsActive(vm); attempt++) {
        if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_MIGRATED) == 0) {
            vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                                    VIR_DOMAIN_EVENT_STOPPED_MIGRATED);
            break;
        }
        VIR_WARN("cannot destroy migrated domain %s on the source, attempt %u: %s",
                 vm->def->name, attempt, virGetLastErrorMessage());
        virResetLastError();
        if (attempt == VXL_MIGRATION_DESTROY_ATTEMPTS)
            break;
        g_usleep(VXL_MIGRATION_DESTROY_RETRY_MS * 1000);
    }
    if (undefine) {
        vm->persistent = 0;
        vm->autostart = 0;
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_UNDEFINED,
                                VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);
    }
}

/* Confirm's work, without ending the job (peer-to-peer ends it).
 * Returns 1 when called off but the destination turned out to run the
 * guest (its answer to Finish was lost): the copy here is gone then. */
int
vxlMigrationConfirmPhase(vxlDriver *driver, virDomainObj *vm,
                         unsigned int flags, bool cancelled)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    vxlMigration *mig = priv->migration;
    int ret = 0;

    if (cancelled && mig->performed && mig->finishAsked) {
        switch (vxlMigrationLostFinish(vm, mig)) {
        case VXL_MIGRATION_OUTCOME_TAKEN:
            VIR_WARN("domain %s runs on the destination although its Finish answered otherwise; the copy here goes",
                     vm->def->name);
            cancelled = false;
            ret = 1;
            break;
        case VXL_MIGRATION_OUTCOME_UNKNOWN:
            VIR_WARN("domain %s stays paused on the source: the destination may run it",
                     vm->def->name);
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("the destination host's answer to the migration of domain '%s' was lost and it may be running the domain; the domain stays paused on this host: resume it only if it does not run on the destination"),
                           vm->def->name);
            mig->performed = false;
            return -1;
        case VXL_MIGRATION_OUTCOME_NOT_TAKEN:
            break;
        }
    }
    VIR_FORCE_CLOSE(mig->noteFd);

    if (!cancelled) {
        if (!(flags & VIR_MIGRATE_OFFLINE) && !mig->performed) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("domain '%s' has not been sent to the destination yet"),
                           vm->def->name);
            ret = -1;
            cancelled = true;
        } else {
            vxlDomainPriv *priv2 = vxlDomainPrivGet(vm);

            /* The destination runs the guest: the copy here goes, now
             * or at the next start. */
            if (virDomainObjIsActive(vm)) {
                priv2->migrationState =
                    (flags & VIR_MIGRATE_UNDEFINE_SOURCE) && vm->persistent ?
                    VXL_MIGRATION_STATE_CONFIRMED_UNDEFINE :
                    VXL_MIGRATION_STATE_CONFIRMED;
                ignore_value(vxlDomainSaveStatus(driver, vm));
            }
            VXL_CRASH_POINT("migrate.confirm.before-destroy");
            vxlMigrationSourceDone(driver, vm, flags);
            VXL_CRASH_POINT("migrate.confirm.after-destroy");
        }
    }
    if (cancelled && mig->performed && virDomainObjIsActive(vm)) {
        int rc;

        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainMigrateResume(driver->backend, vm->def->id,
                                           mig->wasPaused);
        vxlDomainBackendExit(vm);
        if (rc < 0) {
            VIR_WARN("domain %s stays paused on the source: %s",
                     vm->def->name, virGetLastErrorMessage());
            ret = -1;
        } else if (mig->wasPaused) {
            virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        } else {
            virDomainObjSetState(vm, VIR_DOMAIN_RUNNING,
                                 VIR_DOMAIN_RUNNING_MIGRATION_CANCELED);
            vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_RESUMED,
                                    VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
        }
        mig->performed = false;
    }
    return ret;
}

int
vxlMigrationConfirm(vxlDriver *driver, virDomainObj *vm,
                    const char *cookiein, int cookieinlen,
                    unsigned int flags, bool cancelled)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    vxlMigration *mig = priv->migration;
    int ret;

    if (!mig || mig->incoming) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is not being migrated from this host"),
                       vm->def->name);
        return -1;
    }
    /* Called off after a complete stream: the client's Finish on the
     * destination failed, or its answer was lost. */
    if (cancelled && mig->performed)
        mig->finishAsked = true;
    ret = vxlMigrationConfirmPhase(driver, vm, flags, cancelled);
    if (ret == 1) {
        cancelled = false;
        ret = 0;
    }
    vxlMigrationOutEnd(driver, vm, cancelled || ret < 0 ? -1 : 0);
    if (!virDomainObjIsActive(vm))
        vxlDomainRemoveIfTransient(driver, vm);
    return ret;
}

/* ----- destination ------------------------------------------------------ */

static int
vxlMigrationCreateFromStream(vxlDriver *driver, virDomainObj *vm,
                             libxl_domain_config *dcfg,
                             const vxlGuestScript *script, uint32_t *domid,
                             void *opaque)
{
    vxlMigration *mig = opaque;

    return vxlBackendDomainMigrateReceive(driver->backend, dcfg, script,
                                          &mig->st, domid);
}

static vxlMigration *vxlMigrationUnregisterIn(vxlDriver *driver, const char *name);
static void vxlMigrationInDiscard(vxlDriver *driver, virDomainObj *vm,
                                  vxlMigration *mig);

/*
 * The connection that prepared an incoming migration (the client, or
 * the source daemon peer-to-peer) closed before Finish: nobody will
 * finish it. A stream still arriving is cut off (its thread discards the
 * domain); a domain already received, still paused, is thrown away.
 */
static void
vxlMigrationInCloseCb(virDomainObj *vm, virConnectPtr conn G_GNUC_UNUSED)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    vxlMigration *mig;
    vxlDriver *driver;
    int fd;

    if (priv->migrationState != VXL_MIGRATION_STATE_IN || !priv->migrationIn)
        return;
    mig = priv->migrationIn;
    driver = mig->driver;
    __atomic_store_n(&mig->st.cancelled, 1, __ATOMIC_SEQ_CST);
    if ((fd = __atomic_load_n(&mig->st.fd, __ATOMIC_SEQ_CST)) >= 0)
        ignore_value(shutdown(fd, SHUT_RDWR));
    if (!__atomic_load_n(&mig->done, __ATOMIC_SEQ_CST))
        return;
    /* Received and waiting for a Finish that will not come. */
    VIR_WARN("the client of the incoming migration of domain %s went away; discarding it",
             vm->def->name);
    if (vxlMigrationUnregisterIn(driver, mig->name) != mig)
        return;
    vxlMigrationInDiscard(driver, vm, mig);
    /* It has released the vm lock, or is about to: nothing else. */
    virObjectUnlock(vm);
    virThreadJoin(&mig->thread);
    virObjectLock(vm);
    vxlMigrationFree(mig);
}

/* Throw away what an incoming migration built (vm locked, job held). */
static void
vxlMigrationInDiscard(vxlDriver *driver, virDomainObj *vm, vxlMigration *mig)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);

    if (vm->closecallbacks)
        virCloseCallbacksDomainRemove(vm, NULL, vxlMigrationInCloseCb);
    priv->migrationIn = NULL;

    if (virDomainObjIsActive(vm)) {
        if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_FAILED) < 0)
            VIR_WARN("cannot destroy incoming domain %s: %s", vm->def->name,
                     virGetLastErrorMessage());
        else
            vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                                    VIR_DOMAIN_EVENT_STOPPED_FAILED);
    }
    priv->migrationState = VXL_MIGRATION_STATE_NONE;
    vxlMigrationDetachJob(mig);
    vxlDomainAsyncJobEnd(driver, vm, -1);
    if (mig->newVm && !virDomainObjIsActive(vm))
        virDomainObjListRemove(driver->domains, vm);
}

static void
vxlMigrationReceiveThread(void *opaque)
{
    vxlMigration *mig = opaque;
    vxlDriver *driver = mig->driver;
    virDomainObj *vm = mig->vm;
    int fd;

    if (mig->tunnelFd >= 0) {
        fd = mig->tunnelFd;
        mig->tunnelFd = -1;
    } else {
        fd = vxlMigrationAccept(mig->listenFd, &mig->st.cancelled,
                                VXL_MIGRATION_ACCEPT_TIMEOUT_MS);
        VIR_FORCE_CLOSE(mig->listenFd);
        if (mig->port) {
            virPortAllocatorRelease(mig->port);
            mig->port = 0;
        }
    }

    virObjectLock(vm);
    if (fd >= 0) {
        __atomic_store_n(&mig->st.fd, fd, __ATOMIC_SEQ_CST);
        mig->result = vxlDomainStartWith(driver, vm, true,
                                         VIR_DOMAIN_RUNNING_MIGRATED,
                                         vxlMigrationCreateFromStream, mig);
        __atomic_store_n(&mig->st.fd, -1, __ATOMIC_SEQ_CST);
        if (mig->result < 0) {
            virErrorPreserveLast(&mig->error);
            /* The source's client hears why, not just that the stream
             * broke (libvirt keeps Perform's error over Finish's): the
             * reason goes back on the connection before it closes. A
             * tunnelled source learns it from Finish instead. */
            if (!mig->st.oneWay)
                vxlMigrateStreamSendError(fd, mig->error);
        } else if (!mig->st.oneWay) {
            /* For Finish's word to the source. */
            mig->noteFd = fd;
            fd = -1;
        }
        VIR_FORCE_CLOSE(fd);
    } else {
        mig->result = -1;
    }
    if (mig->result < 0) {
        if (!mig->error)
            virErrorPreserveLast(&mig->error);
        VIR_WARN("incoming migration of domain %s failed: %s", mig->name,
                 mig->error && mig->error->message ? mig->error->message : "");
        /* Nothing waits for it if the source went away: clean up now. */
        vxlMigrationInDiscard(driver, vm, mig);
    }
    /* Before the unlock, so a close callback that then takes the lock
     * knows the thread has nothing left to do but return. */
    __atomic_store_n(&mig->done, 1, __ATOMIC_SEQ_CST);
    virObjectUnlock(vm);
}

static int
vxlMigrationPrepareStream(vxlDriver *driver, vxlMigration *mig,
                          const char *uriIn, virStreamPtr st, char **uriOut)
{
    if (st) {
        int fds[2] = { -1, -1 };

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
            virReportSystemError(errno, "%s",
                                 _("cannot create the tunnel of the incoming migration"));
            return -1;
        }
        if (virFDStreamOpen(st, fds[1]) < 0) {
            VIR_FORCE_CLOSE(fds[0]);
            VIR_FORCE_CLOSE(fds[1]);
            return -1;
        }
        mig->tunnelFd = fds[0];
        mig->st.oneWay = true;
        return 0;
    } else {
        g_autofree char *host = NULL;
        unsigned short allocated = 0;
        int port = 0;

        if (uriIn && vxlMigrationParseURI(uriIn, &host, &port) < 0)
            return -1;
        if (vxlMigrationListen(driver, port, &allocated, &mig->listenFd) < 0)
            return -1;
        mig->port = allocated;
        if (port == 0)
            port = allocated;
        /* A URI the client chose names the host it reaches us by. */
        if (host)
            *uriOut = g_strdup_printf("tcp://%s:%d", host, port);
        else if (!(*uriOut = vxlMigrationListenURI(driver, port)))
            return -1;
        return 0;
    }
}

static int
vxlMigrationCheckMemory(vxlDriver *driver, const virDomainDef *def)
{
    unsigned long long freeKiB = 0;
    unsigned long long needKiB = virDomainDefGetMemoryTotal(def);

    if (vxlBackendHostGetFreeMemory(driver->backend, &freeKiB) < 0)
        return -1;
    if (needKiB > freeKiB) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("not enough free memory on this host for incoming domain '%s': it needs %llu KiB, the host has %llu KiB free"),
                       def->name, needKiB, freeKiB);
        return -1;
    }
    return 0;
}

static int
vxlMigrationRegisterIn(vxlDriver *driver, vxlMigration *mig)
{
    VIR_LOCK_GUARD lock = virLockGuardLock(&driver->lock);
    vxlMigration *old = g_hash_table_lookup(driver->migrationsIn, mig->name);

    /* One whose source never came back for Finish is over: forget it. */
    if (old && old->threadStarted && __atomic_load_n(&old->done, __ATOMIC_SEQ_CST)) {
        virThreadJoin(&old->thread);
        g_hash_table_remove(driver->migrationsIn, mig->name);
        vxlMigrationFree(old);
    }
    if (g_hash_table_contains(driver->migrationsIn, mig->name)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already being migrated to this host"),
                       mig->name);
        return -1;
    }
    g_hash_table_insert(driver->migrationsIn, g_strdup(mig->name), mig);
    return 0;
}

static vxlMigration *
vxlMigrationUnregisterIn(vxlDriver *driver, const char *name)
{
    VIR_LOCK_GUARD lock = virLockGuardLock(&driver->lock);
    vxlMigration *mig = g_hash_table_lookup(driver->migrationsIn, name);

    if (mig)
        g_hash_table_remove(driver->migrationsIn, name);
    return mig;
}

int
vxlMigrationPrepare(vxlDriver *driver, virConnectPtr dconn,
                    virDomainDef **def, const char *origname,
                    const char *uriIn, virStreamPtr st,
                    const char *cookiein, int cookieinlen,
                    char **cookieout, int *cookieoutlen, char **uriOut,
                    unsigned int flags)
{
    g_autoptr(vxlMigration) mig = vxlMigrationNew(true, flags);
    virDomainObj *vm = NULL;
    virDomainDef *oldDef = NULL;
    bool registered = false;
    bool job = false;

    if (vxlMigrationCookieCheck(driver, cookiein, cookieinlen, (*def)->name) < 0 ||
        vxlDomainHookMigrate(driver, def) < 0)
        return -1;
    mig->name = g_strdup((*def)->name);
    mig->driver = driver;

    if (flags & VIR_MIGRATE_OFFLINE) {
        /* No stream: the URI only keeps libvirt's client content. */
        if (uriOut && !(*uriOut = vxlMigrationListenURI(driver, 0)))
            return -1;
        mig->offlineDef = g_steal_pointer(def);
        if (vxlMigrationCookieBake(driver, mig->offlineDef, cookieout,
                                   cookieoutlen) < 0 ||
            vxlMigrationRegisterIn(driver, mig) < 0)
            return -1;
        mig = NULL;
        return 0;
    }

    /* Refused here, before any data moves (a start that fails once the
     * stream flows tells the source why on the stream's connection, but
     * only after the source connected and began). */
    if (vxlMigrationCheckMemory(driver, *def) < 0 ||
        vxlDomainStorageCheckPresence(driver, *def, NULL, false) < 0)
        return -1;
    if (vxlMigrationRegisterIn(driver, mig) < 0)
        return -1;
    registered = true;

    if (!(vm = vxlDomainListAdd(driver, def,
                                VIR_DOMAIN_OBJ_LIST_ADD_LIVE |
                                VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE,
                                &oldDef)))
        goto error;
    mig->newVm = !oldDef && !vm->persistent;
    virDomainDefFree(oldDef);
    mig->vm = virObjectRef(vm);

    if (vxlDomainAsyncJobBegin(driver, vm, VXL_JOB_MIGRATION_IN, flags) < 0)
        goto error;
    job = true;
    vxlMigrationAttachJob(vm, mig);

    if (vxlMigrationPrepareStream(driver, mig, uriIn, st, uriOut) < 0 ||
        vxlMigrationCookieBake(driver, vm->def, cookieout, cookieoutlen) < 0)
        goto error;

    vxlDomainPrivGet(vm)->migrationState = VXL_MIGRATION_STATE_IN;
    vxlDomainPrivGet(vm)->migrationIn = mig;
    if (vm->closecallbacks)
        virCloseCallbacksDomainAdd(vm, dconn, vxlMigrationInCloseCb);
    if (virThreadCreateFull(&mig->thread, true, vxlMigrationReceiveThread,
                            "vxl-migrate-in", false, mig) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot start the thread receiving the migration"));
        vxlDomainPrivGet(vm)->migrationState = VXL_MIGRATION_STATE_NONE;
        vxlDomainPrivGet(vm)->migrationIn = NULL;
        if (vm->closecallbacks)
            virCloseCallbacksDomainRemove(vm, NULL, vxlMigrationInCloseCb);
        goto error;
    }
    mig->threadStarted = true;
    VIR_INFO("waiting for incoming domain %s on %s", vm->def->name,
             st ? "the tunnel" : NULLSTR(*uriOut));
    mig = NULL;                        /* the table owns it */
    virDomainObjEndAPI(&vm);
    return 0;

 error:
    if (registered)
        ignore_value(vxlMigrationUnregisterIn(driver, mig->name));
    g_clear_pointer(uriOut, g_free);
    if (vm) {
        if (mig->newVm) {
            virDomainObjListRemove(driver->domains, vm);
        } else {
            virDomainObjRemoveTransientDef(vm);
        }
        if (job) {
            vxlMigrationDetachJob(mig);
            vxlDomainAsyncJobEnd(driver, vm, -1);
        }
        virDomainObjEndAPI(&vm);
    }
    return -1;
}

static virDomainPtr
vxlMigrationFinishOffline(vxlDriver *driver, virConnectPtr dconn,
                          vxlMigration *mig, const char *persistXML)
{
    g_autoptr(virDomainDef) def = g_steal_pointer(&mig->offlineDef);
    virDomainDef *oldDef = NULL;
    virDomainObj *vm;
    virDomainPtr dom;

    if (persistXML) {
        virDomainDefFree(def);
        if (!(def = virDomainDefParseString(persistXML, driver->xmlopt, NULL,
                                            VIR_DOMAIN_DEF_PARSE_INACTIVE)))
            return NULL;
    }
    if (!(vm = vxlDomainListAdd(driver, &def, 0, &oldDef)))
        return NULL;
    vm->persistent = 1;
    if (virDomainDefSave(vm->newDef ? vm->newDef : vm->def, driver->xmlopt,
                         driver->cfg->configDir) < 0) {
        if (!oldDef)
            virDomainObjListRemove(driver->domains, vm);
        virDomainDefFree(oldDef);
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_DEFINED,
                            oldDef ? VIR_DOMAIN_EVENT_DEFINED_UPDATED :
                                     VIR_DOMAIN_EVENT_DEFINED_ADDED);
    virDomainDefFree(oldDef);
    dom = virGetDomain(dconn, vm->def->name, vm->def->uuid, vm->def->id);
    virDomainObjEndAPI(&vm);
    return dom;
}

/* PERSIST_DEST: the domain's definition here from now on. */
static int
vxlMigrationPersist(vxlDriver *driver, virDomainObj *vm, const char *persistXML)
{
    g_autoptr(virDomainDef) def = NULL;
    bool was = vm->persistent;

    if (persistXML)
        def = virDomainDefParseString(persistXML, driver->xmlopt, NULL,
                                      VIR_DOMAIN_DEF_PARSE_INACTIVE);
    else
        def = virDomainDefCopy(vm->def, driver->xmlopt, NULL, true);
    if (!def)
        return -1;
    if (virDomainDefSave(def, driver->xmlopt, driver->cfg->configDir) < 0)
        return -1;
    virDomainDefFree(vm->newDef);
    vm->newDef = g_steal_pointer(&def);
    vm->persistent = 1;
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_DEFINED,
                            was ? VIR_DOMAIN_EVENT_DEFINED_UPDATED :
                                  VIR_DOMAIN_EVENT_DEFINED_ADDED);
    return 0;
}

virDomainPtr
vxlMigrationFinish(vxlDriver *driver, virConnectPtr dconn, const char *dname,
                   const char *persistXML, const char *cookiein, int cookieinlen,
                   char **cookieout, int *cookieoutlen, unsigned int flags,
                   bool cancelled)
{
    g_autoptr(vxlMigration) mig = NULL;
    virDomainObj *vm;
    vxlDomainPriv *priv;
    virDomainPtr dom = NULL;
    virErrorPtr unpauseErr = NULL;
    int rc;

    if (!dname || !(mig = vxlMigrationUnregisterIn(driver, dname))) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("no domain '%s' is being migrated to this host"),
                       NULLSTR(dname));
        return NULL;
    }
    if (cancelled) {
        __atomic_store_n(&mig->st.cancelled, 1, __ATOMIC_SEQ_CST);
        if (mig->st.fd >= 0)
            ignore_value(shutdown(mig->st.fd, SHUT_RDWR));
    }
    if (mig->threadStarted)
        virThreadJoin(&mig->thread);

    if (flags & VIR_MIGRATE_OFFLINE) {
        if (cancelled)
            return NULL;
        return vxlMigrationFinishOffline(driver, dconn, mig, persistXML);
    }
    if (mig->result < 0) {
        virSetError(mig->error);
        return NULL;
    }

    vm = virObjectRef(mig->vm);
    virObjectLock(vm);
    priv = vxlDomainPrivGet(vm);
    if (cancelled || !virDomainObjIsActive(vm)) {
        if (!cancelled)
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("incoming domain '%s' stopped before the migration finished"),
                           vm->def->name);
        vxlMigrationInDiscard(driver, vm, mig);
        virDomainObjEndAPI(&vm);
        return NULL;
    }

    /* The guest becomes this host's: told to the source before and
     * after it is recorded, so that a source whose Finish answer is lost
     * knows (domain_migrate_outcome.c); from the record on, a restart
     * here resumes it rather than discarding it. */
    vxlMigrationNote(mig, VXL_MIGRATION_NOTE_FINISHING);
    VXL_CRASH_POINT("migrate.finish.after-note");
    priv->migrationState = VXL_MIGRATION_STATE_IN_TAKEN;
    priv->migrationFlags = flags;
    ignore_value(vxlDomainSaveStatus(driver, vm));
    VXL_CRASH_POINT("migrate.finish.after-take");
    vxlMigrationNote(mig, VXL_MIGRATION_NOTE_TAKEN);
    VIR_FORCE_CLOSE(mig->noteFd);

    if (!(flags & VIR_MIGRATE_PAUSED)) {
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainUnpause(driver->backend, vm->def->id);
        vxlDomainBackendExit(vm);
        if (rc < 0) {
            /* The source destroys its copy now: this one stays, paused,
             * for an administrator. */
            virErrorPreserveLast(&unpauseErr);
            VIR_WARN("migrated domain %s stays paused: %s", vm->def->name,
                     unpauseErr && unpauseErr->message ? unpauseErr->message : "");
            virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION);
        } else {
            virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_MIGRATED);
            VXL_CRASH_POINT("migrate.finish.after-unpause");
            vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_RESUMED,
                                    VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
        }
    } else {
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER);
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    }
    if ((flags & VIR_MIGRATE_PERSIST_DEST) &&
        vxlMigrationPersist(driver, vm, persistXML) < 0) {
        /* The guest runs here now; only its definition is missing. */
        VIR_WARN("migrated domain %s runs but could not be made persistent: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
    }
    VXL_CRASH_POINT("migrate.finish.after-persist");
    priv->migrationState = VXL_MIGRATION_STATE_NONE;
    priv->migrationFlags = 0;
    priv->migrationIn = NULL;
    if (vm->closecallbacks)
        virCloseCallbacksDomainRemove(vm, NULL, vxlMigrationInCloseCb);
    ignore_value(vxlDomainSaveStatus(driver, vm));
    VXL_CRASH_POINT("migrate.finish.after-status");
    ignore_value(vxlMigrationCookieBake(driver, vm->def, cookieout, cookieoutlen));
    vxlMigrationDetachJob(mig);
    vxlDomainAsyncJobEnd(driver, vm, 0);
    VIR_INFO("domain %s migrated in as domid %d", vm->def->name, vm->def->id);
    if (unpauseErr)
        virErrorRestore(&unpauseErr);
    else
        dom = virGetDomain(dconn, vm->def->name, vm->def->uuid, vm->def->id);
    virDomainObjEndAPI(&vm);
    (void)cookiein;
    (void)cookieinlen;
    return dom;
}

/* ----- speed ----------------------------------------------------------- */

void
vxlMigrationSetMaxSpeed(virDomainObj *vm, unsigned long long mibps)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);

    priv->migrationMaxSpeed = mibps;
    if (priv->migration && !priv->migration->incoming)
        vxlMigrateStreamSet(&priv->migration->st.bandwidthMiBps, mibps);
}

unsigned long long
vxlMigrationGetMaxSpeed(virDomainObj *vm)
{
    return vxlDomainPrivGet(vm)->migrationMaxSpeed;
}

/* ----- daemon start and stop ---------------------------------------------- */

/* Remove @vm's definition, which the migration cut off by the restart
 * made (incoming) or was asked to remove (undefine-source); a failure
 * is logged, as the restart goes on either way. */
static void
vxlMigrationForgetDefinition(vxlDriver *driver, virDomainObj *vm)
{
    if (!vm->persistent)
        return;
    if (virDomainDeleteConfig(driver->cfg->configDir,
                              driver->cfg->autostartDir, vm) < 0) {
        VIR_WARN("cannot remove the definition of domain %s after its migration: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    vm->persistent = 0;
    vm->autostart = 0;
}

/* Finish had taken the guest over (the source destroys its copy) when
 * the daemon stopped: do the rest of Finish's work. */
static void
vxlMigrationReconnectTaken(vxlDriver *driver, virDomainObj *vm)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    unsigned int flags = priv->migrationFlags;
    int reason;

    VIR_INFO("domain %s had migrated in when the daemon stopped; it stays here",
             vm->def->name);
    if (!(flags & VIR_MIGRATE_PAUSED) &&
        virDomainObjGetState(vm, &reason) == VIR_DOMAIN_PAUSED) {
        int rc;

        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainUnpause(driver->backend, vm->def->id);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            VIR_WARN("migrated domain %s stays paused: %s", vm->def->name,
                     virGetLastErrorMessage());
        else
            virDomainObjSetState(vm, VIR_DOMAIN_RUNNING,
                                 VIR_DOMAIN_RUNNING_MIGRATED);
    }
    if ((flags & VIR_MIGRATE_PERSIST_DEST) && !vm->persistent &&
        vxlMigrationPersist(driver, vm, NULL) < 0)
        VIR_WARN("migrated domain %s runs but could not be made persistent: %s",
                 vm->def->name, virGetLastErrorMessage());
    virResetLastError();
    priv->migrationState = VXL_MIGRATION_STATE_NONE;
    priv->migrationFlags = 0;
    ignore_value(vxlDomainSaveStatus(driver, vm));
}

bool
vxlMigrationReconnect(vxlDriver *driver, virDomainObj *vm)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    int rc;

    switch ((vxlMigrationState)priv->migrationState) {
    case VXL_MIGRATION_STATE_NONE:
    case VXL_MIGRATION_STATE_LAST:
        return false;
    case VXL_MIGRATION_STATE_IN_TAKEN:
        vxlMigrationReconnectTaken(driver, vm);
        return false;
    case VXL_MIGRATION_STATE_IN_PERSIST:
        /* Defined here by this migration only (a status file of an
         * earlier version, which persisted before taking the guest). */
        vxlMigrationForgetDefinition(driver, vm);
        G_GNUC_FALLTHROUGH;
    case VXL_MIGRATION_STATE_IN:
        /* The source's Confirm will resume its copy. */
        VIR_INFO("discarding domain %s, whose incoming migration the daemon's restart cut off",
                 vm->def->name);
        priv->migrationState = VXL_MIGRATION_STATE_NONE;
        if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_FAILED) == 0)
            vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                                    VIR_DOMAIN_EVENT_STOPPED_FAILED);
        virResetLastError();
        return true;
    case VXL_MIGRATION_STATE_OUT:
    case VXL_MIGRATION_STATE_PERFORMED_P2P:
        /* The destination cannot have the guest (peer-to-peer: it drops
         * what it received when this daemon's connection closed): it
         * runs here again. */
    {
        int reason;
        /* Paused by the stream (the status may still say running: the
         * stream pauses the guest for its last round), or by the user
         * before the migration, in which case it stays paused. */
        bool userPaused = virDomainObjGetState(vm, &reason) == VIR_DOMAIN_PAUSED &&
                          reason != VIR_DOMAIN_PAUSED_MIGRATION;

        priv->migrationState = VXL_MIGRATION_STATE_NONE;
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainMigrateResume(driver->backend, vm->def->id,
                                           userPaused);
        vxlDomainBackendExit(vm);
        if (rc == 0 && !userPaused)
            virDomainObjSetState(vm, VIR_DOMAIN_RUNNING,
                                 VIR_DOMAIN_RUNNING_MIGRATION_CANCELED);
        virResetLastError();
        ignore_value(vxlDomainSaveStatus(driver, vm));
        return false;
    }
    case VXL_MIGRATION_STATE_CONFIRMED_UNDEFINE:
        /* The migration asked for the definition to go as well. */
        if (vm->persistent)
            VIR_INFO("removing the definition of domain %s, which migrated away with undefine-source",
                     vm->def->name);
        vxlMigrationForgetDefinition(driver, vm);
        G_GNUC_FALLTHROUGH;
    case VXL_MIGRATION_STATE_CONFIRMED:
        VIR_INFO("destroying domain %s, which runs on the host it migrated to",
                 vm->def->name);
        priv->migrationState = VXL_MIGRATION_STATE_NONE;
        if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_MIGRATED) == 0) {
            vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                                    VIR_DOMAIN_EVENT_STOPPED_MIGRATED);
            return true;
        }
        VIR_WARN("cannot destroy migrated domain %s: %s", vm->def->name,
                 virGetLastErrorMessage());
        virResetLastError();
        ignore_value(vxlDomainSaveStatus(driver, vm));
        return false;
    case VXL_MIGRATION_STATE_PERFORMED:
    case VXL_MIGRATION_STATE_FINISHING:
        /* The destination may be running it: only an administrator, who
         * can look there, may resume or destroy this copy. */
        VIR_WARN("domain %s was handed over to another host when the daemon stopped; it stays paused here",
                 vm->def->name);
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_MIGRATION);
        priv->migrationState = VXL_MIGRATION_STATE_NONE;
        ignore_value(vxlDomainSaveStatus(driver, vm));
        return false;
    }
    return false;
}

void
vxlMigrationShutdown(vxlDriver *driver)
{
    g_autoptr(GHashTable) table = NULL;
    GHashTableIter it;
    vxlMigration *mig;

    VIR_WITH_MUTEX_LOCK_GUARD(&driver->lock) {
        table = g_steal_pointer(&driver->migrationsIn);
    }
    if (!table)
        return;
    g_hash_table_iter_init(&it, table);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&mig)) {
        __atomic_store_n(&mig->st.cancelled, 1, __ATOMIC_SEQ_CST);
        if (mig->st.fd >= 0)
            ignore_value(shutdown(mig->st.fd, SHUT_RDWR));
        if (mig->threadStarted)
            virThreadJoin(&mig->thread);
        vxlMigrationFree(mig);
    }
}
