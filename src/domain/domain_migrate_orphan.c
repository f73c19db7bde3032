/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_migrate_orphan.c: the source of a client-managed migration
 * whose client went away after the stream was complete and before
 * Confirm (virsh killed, by a signal or by SIGPIPE when the destination
 * daemon died under it; its connection cut).
 *
 * Nobody will confirm the migration, yet the source need not guess: the
 * destination either went on with the client's Finish, which it says on
 * the stream's connection ("finishing", "taken"), or drops its copy
 * when the client's connection closes (or when it restarts), which
 * closes that connection without a word (domain_migrate_outcome.c). So
 * the source does what Confirm would have done when told "cancelled":
 * it resumes its copy when the destination never took the guest,
 * destroys it when the destination runs it, and only when it cannot
 * tell leaves it paused for an administrator.
 *
 * The connection's word may take a while (the outcome's timeout): close
 * callbacks run in the daemon's event loop, so a worker thread waits
 * for it, counted with the event workers (driver->eventWorkers) so that
 * an orderly daemon stop lets it finish with the backend first.
 */
#include "vxl_internal.h"

#include "domain_migrate_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "virthread.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_migrate_orphan");

typedef struct {
    vxlDriver *driver;
    virDomainObj *vm;              /* a reference */
    vxlMigration *mig;             /* the migration the client left */
} vxlMigrationOrphan;

static void
vxlMigrationOrphanDone(vxlDriver *driver)
{
    VIR_WITH_MUTEX_LOCK_GUARD(&driver->lock) {
        driver->eventWorkers--;
        virCondBroadcast(&driver->eventCond);
    }
}

static void
vxlMigrationOrphanWorker(void *opaque)
{
    g_autofree vxlMigrationOrphan *orphan = opaque;
    vxlDriver *driver = orphan->driver;
    virDomainObj *vm = orphan->vm;
    vxlDomainPriv *priv;
    vxlMigration *mig;
    int rc;

    virObjectLock(vm);
    priv = vxlDomainPrivGet(vm);
    mig = priv->migration;
    /* Ended meanwhile (the domain destroyed, its job ended). */
    if (mig != orphan->mig)
        goto cleanup;

    /* The client may have called Finish before it left. */
    mig->finishAsked = true;
    rc = vxlMigrationConfirmPhase(driver, vm, mig->flags, true);
    if (rc == 1)
        VIR_INFO("domain %s runs on the destination its client migrated it to before leaving",
                 vm->def->name);
    else if (rc == 0)
        VIR_INFO("domain %s runs here again: the destination did not take it before its client left",
                 vm->def->name);
    vxlMigrationOutEnd(driver, vm, rc == 1 ? 0 : -1);
    if (!virDomainObjIsActive(vm))
        vxlDomainRemoveIfTransient(driver, vm);

 cleanup:
    virResetLastError();
    virDomainObjEndAPI(&vm);
    vxlMigrationOrphanDone(driver);
}

int
vxlMigrationOrphanStart(vxlDriver *driver, virDomainObj *vm)
{
    vxlMigrationOrphan *orphan = g_new0(vxlMigrationOrphan, 1);
    virThread thread;

    orphan->driver = driver;
    orphan->vm = virObjectRef(vm);
    orphan->mig = vxlDomainPrivGet(vm)->migration;
    VIR_WITH_MUTEX_LOCK_GUARD(&driver->lock) {
        driver->eventWorkers++;
    }
    if (virThreadCreateFull(&thread, false, vxlMigrationOrphanWorker,
                            "vxl-migrate-orphan", false, orphan) < 0) {
        VIR_WARN("cannot start a thread to learn the outcome of the migration of domain %s",
                 vm->def->name);
        virResetLastError();
        virObjectUnref(orphan->vm);
        g_free(orphan);
        vxlMigrationOrphanDone(driver);
        return -1;
    }
    return 0;
}
