/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_migrate_suspend.c: pausing a guest during its outgoing
 * migration (virsh migrate --timeout N --timeout-suspend calls
 * virDomainSuspend when N seconds have passed, which may be before the
 * copy begins). The guest then writes no more memory, so the copy ends
 * with the round under way and the last one (or is a single round); the
 * destination resumes it as after any migration, and a migration that
 * fails or is cancelled resumes it here, as it ran before.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_migrate_priv.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_migrate_suspend");

void
vxlMigrationAllowSuspend(virDomainObj *vm)
{
    /* libvirt 9.0 has no setter for the async job's mask outside its
     * QEMU driver: the field is the interface; the job's end resets it. */
    vm->job->mask = VIR_JOB_DEFAULT_MASK | JOB_MASK(VIR_JOB_SUSPEND);
}

int
vxlMigrationPauseSource(vxlDriver *driver, virDomainObj *vm)
{
    vxlMigration *mig = vxlDomainPrivGet(vm)->migration;
    bool before;
    int rc;

    if (!mig || mig->incoming || mig->performed || mig->sendEnded) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' cannot be paused at this point of its migration"),
                       vm->def->name);
        return -1;
    }
    before = !mig->sending;
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainMigratePauseSource(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    /* The lock was released: the migration may have moved on. Its copy
     * complete, the guest waits suspended for the destination, as asked.
     * Its copy failed, or the migration over: the guest is to run on. */
    if (vxlDomainPrivGet(vm)->migration == mig && mig->performed)
        return 0;
    if (vxlDomainPrivGet(vm)->migration != mig || mig->sendEnded) {
        if (virDomainObjIsActive(vm)) {
            vxlDomainBackendEnter(vm);
            rc = vxlBackendDomainUnpause(driver->backend, vm->def->id);
            vxlDomainBackendExit(vm);
            if (rc < 0)
                VIR_WARN("domain %s stays paused after its failed migration: %s",
                         vm->def->name, virGetLastErrorMessage());
        }
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("the migration of domain '%s' ended before it could be paused"),
                       vm->def->name);
        return -1;
    }
    /* Paused before the copy began (or as it began), the backend may
     * find it paused and leave it so if the copy fails. */
    mig->suspended = true;
    if (before)
        mig->pausedBeforeSend = true;
    /* As the stream's own suspend: paused for the migration. */
    vxlDomainStateChanged(driver, vm, VIR_DOMAIN_PAUSED,
                          VIR_DOMAIN_PAUSED_MIGRATION,
                          VIR_DOMAIN_EVENT_SUSPENDED,
                          VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED);
    return 0;
}

void
vxlMigrationUndoPause(vxlDriver *driver, virDomainObj *vm, vxlMigration *mig)
{
    int reason = 0;

    /* Only a guest a suspend paused for this migration, whose copy did
     * not complete: after a complete copy only Confirm (or an
     * administrator, when the outcome is unknown) decides, and a guest
     * paused for other reasons stays as it is. */
    if (!mig->suspended || mig->performed || !virDomainObjIsActive(vm) ||
        virDomainObjGetState(vm, &reason) != VIR_DOMAIN_PAUSED ||
        reason != VIR_DOMAIN_PAUSED_MIGRATION)
        return;
    mig->suspended = false;
    if (mig->pausedBeforeSend) {
        int rc;

        mig->pausedBeforeSend = false;
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainUnpause(driver->backend, vm->def->id);
        vxlDomainBackendExit(vm);
        /* Not paused: the failed copy resumed it already. */
        if (rc < 0 && virGetLastErrorCode() != VIR_ERR_OPERATION_INVALID) {
            VIR_WARN("domain %s stays paused after its failed migration: %s",
                     vm->def->name, virGetLastErrorMessage());
            return;
        }
        virResetLastError();
    }
    /* Paused during the copy, the backend resumed it when the copy
     * failed. */
    vxlDomainStateChanged(driver, vm, VIR_DOMAIN_RUNNING,
                          VIR_DOMAIN_RUNNING_MIGRATION_CANCELED,
                          VIR_DOMAIN_EVENT_RESUMED,
                          VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
}
