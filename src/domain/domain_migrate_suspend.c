/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_migrate_suspend.c: pausing a guest while its live migration
 * copies it (virsh migrate --timeout N --timeout-suspend calls
 * virDomainSuspend when N seconds have passed). The guest then writes no
 * more memory, so the copy ends with the round under way and the last
 * one; the destination resumes it as after any migration, and a
 * migration that fails or is cancelled resumes it here, as it ran
 * before the migration began.
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
vxlMigrationAllowSuspend(virDomainObj *vm, bool allow)
{
    /* libvirt 9.0 has no setter for the async job's mask outside its
     * QEMU driver: the field is the interface. */
    if (allow)
        vm->job->mask = VIR_JOB_DEFAULT_MASK | JOB_MASK(VIR_JOB_SUSPEND);
    else
        vm->job->mask = VIR_JOB_DEFAULT_MASK;
}

int
vxlMigrationPauseSource(vxlDriver *driver, virDomainObj *vm)
{
    vxlMigration *mig = vxlDomainPrivGet(vm)->migration;
    int rc;

    if (!mig || mig->incoming || !mig->sending) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' can be paused during its migration only while its memory is being copied"),
                       vm->def->name);
        return -1;
    }
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_PAUSED)
        return 0;
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainMigratePauseSource(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    /* The send may have ended while the lock was released. Succeeded:
     * the guest waits suspended for the destination, as asked. Failed
     * (the migration over, or still on but not performed): it is to run
     * on here, and the backend resumed it before this pause came. */
    if (vxlDomainPrivGet(vm)->migration != mig || !mig->sending) {
        bool failed = vxlDomainPrivGet(vm)->migration != mig ?
                      virDomainObjIsActive(vm) : !mig->performed;

        if (failed && virDomainObjIsActive(vm)) {
            vxlDomainBackendEnter(vm);
            rc = vxlBackendDomainUnpause(driver->backend, vm->def->id);
            vxlDomainBackendExit(vm);
            if (rc < 0)
                VIR_WARN("domain %s stays paused after its failed migration: %s",
                         vm->def->name, virGetLastErrorMessage());
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("the migration of domain '%s' ended before it could be paused"),
                           vm->def->name);
            return -1;
        }
        return 0;
    }
    /* As the stream's own suspend: paused for the migration. */
    vxlDomainStateChanged(driver, vm, VIR_DOMAIN_PAUSED,
                          VIR_DOMAIN_PAUSED_MIGRATION,
                          VIR_DOMAIN_EVENT_SUSPENDED,
                          VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED);
    return 0;
}

void
vxlMigrationSendFailedResync(vxlDriver *driver, virDomainObj *vm)
{
    int reason = 0;

    /* A guest paused during the copy (not before): the backend resumed
     * it when the send failed. */
    if (!virDomainObjIsActive(vm) ||
        virDomainObjGetState(vm, &reason) != VIR_DOMAIN_PAUSED ||
        reason != VIR_DOMAIN_PAUSED_MIGRATION)
        return;
    vxlDomainStateChanged(driver, vm, VIR_DOMAIN_RUNNING,
                          VIR_DOMAIN_RUNNING_MIGRATION_CANCELED,
                          VIR_DOMAIN_EVENT_RESUMED,
                          VIR_DOMAIN_EVENT_RESUMED_MIGRATED);
}
