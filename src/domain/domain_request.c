/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_request.c: what the host asks of a running guest - power off,
 * reboot (virsh shutdown, reboot), pause and unpause (suspend, resume) -
 * and the state each leaves behind.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_migrate_priv.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_request");

/* A guest can only act on a request while it exists, is alive and awake. */
static int
vxlDomainCheckGuestAlive(virDomainObj *vm, vxlGuestRequest request)
{
    /* Asleep in S3 the guest reads no request (Xen itself calls it "shut
     * down, reason suspend", which a user would read as powered off):
     * only a wakeup brings it back, and destroy still ends it. A resume
     * would change nothing yet tell the client it runs again. qemu's
     * driver refuses suspend, resume and shutdown too; its reboot asks
     * without looking at the state, which here would leave a request
     * in the PV control node that nobody reads. */
    static const char *const asleep[] = {
        [VXL_GUEST_REQUEST_REBOOT] = N_("cannot reboot domain '%s': it is suspended to RAM (pmsuspended); wake it up first (virsh dompmwakeup), or destroy it"),
        [VXL_GUEST_REQUEST_SHUTDOWN] = N_("cannot shut down domain '%s': it is suspended to RAM (pmsuspended); wake it up first (virsh dompmwakeup), or destroy it"),
        [VXL_GUEST_REQUEST_SUSPEND] = N_("cannot suspend domain '%s': it is suspended to RAM (pmsuspended), not running; wake it up first (virsh dompmwakeup)"),
        [VXL_GUEST_REQUEST_RESUME] = N_("cannot resume domain '%s': it is suspended to RAM, not paused; wake it up instead (virsh dompmwakeup)"),
    };
    static const char *const msgs[] = {
        [VXL_GUEST_REQUEST_REBOOT] = N_("cannot reboot domain '%s': its guest has already stopped (state %s); destroy it instead"),
        [VXL_GUEST_REQUEST_SHUTDOWN] = N_("cannot shut down domain '%s': its guest has already stopped (state %s); destroy it instead"),
        [VXL_GUEST_REQUEST_SUSPEND] = N_("cannot suspend domain '%s': its guest has already stopped (state %s); destroy it instead"),
        [VXL_GUEST_REQUEST_RESUME] = N_("cannot resume domain '%s': its guest has already stopped (state %s); destroy it instead"),
    };
    int state = virDomainObjGetState(vm, NULL);

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (state == VIR_DOMAIN_SHUTDOWN || state == VIR_DOMAIN_CRASHED) {
        virReportError(VIR_ERR_OPERATION_INVALID, _(msgs[request]),
                       vm->def->name, virDomainStateTypeToString(state));
        return -1;
    }
    if (state == VIR_DOMAIN_PMSUSPENDED) {
        virReportError(VIR_ERR_OPERATION_INVALID, _(asleep[request]),
                       vm->def->name);
        return -1;
    }
    return 0;
}

/*
 * Xen asks through the guest's PV control node; for an HVM guest without
 * PV drivers, through the ACPI power button; with @agent, first through
 * the guest agent on its Xen channel. initctl and signal do not exist
 * for Xen guests. The backend returns once the request is delivered,
 * without waiting for the guest to notice: the outcome arrives later as
 * a guest shutdown (domain_shutdown.c); the recorded request only tells
 * it whether the host or the guest began it.
 */
int
vxlDomainRequestStop(vxlDriver *driver, virDomainObj *vm, unsigned int modes,
                     bool agent, bool reboot)
{
    vxlDomainPriv *priv;
    bool *requested;
    int rc;

    if (vxlDomainCheckGuestAlive(vm, reboot ? VXL_GUEST_REQUEST_REBOOT :
                                              VXL_GUEST_REQUEST_SHUTDOWN) < 0)
        return -1;

    priv = vxlDomainPrivGet(vm);
    requested = reboot ? &priv->rebootRequested : &priv->shutdownRequested;
    *requested = true;
    /* The guest agent first when asked for; the other ways, if allowed
     * too, when it does not answer (as libvirt's qemu driver does). */
    if (agent) {
        if (vxlDomainAgentShutdown(vm, reboot) == 0) {
            ignore_value(vxlDomainSaveStatus(driver, vm));
            return 0;
        }
        if (modes == 0) {
            *requested = false;
            return -1;
        }
        VIR_INFO("guest agent of %s did not take the request (%s); trying the other ways",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
    }
    vxlDomainBackendEnter(vm);
    rc = reboot ? vxlBackendDomainReboot(driver->backend, vm->def->id, modes) :
                  vxlBackendDomainShutdown(driver->backend, vm->def->id, modes);
    vxlDomainBackendExit(vm);
    if (rc < 0) {
        *requested = false;
        return -1;
    }
    ignore_value(vxlDomainSaveStatus(driver, vm));
    return 0;
}

int
vxlDomainPause(vxlDriver *driver, virDomainObj *vm)
{
    int rc;

    if (vxlDomainCheckGuestAlive(vm, VXL_GUEST_REQUEST_SUSPEND) < 0)
        return -1;
    /* Pausing a paused domain is a no-op, as in every libvirt driver. */
    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_PAUSED)
        return 0;
    if (vm->job->asyncJob == VIR_ASYNC_JOB_MIGRATION_OUT)
        return vxlMigrationPauseSource(driver, vm);
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainPause(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    vxlDomainStateChanged(driver, vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER,
                          VIR_DOMAIN_EVENT_SUSPENDED,
                          VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return 0;
}

int
vxlDomainUnpause(vxlDriver *driver, virDomainObj *vm)
{
    int rc;

    if (vxlDomainCheckGuestAlive(vm, VXL_GUEST_REQUEST_RESUME) < 0)
        return -1;
    if (virDomainObjGetState(vm, NULL) != VIR_DOMAIN_PAUSED)
        return 0;
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainUnpause(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    vxlDomainStateChanged(driver, vm, VIR_DOMAIN_RUNNING,
                          VIR_DOMAIN_RUNNING_UNPAUSED, VIR_DOMAIN_EVENT_RESUMED,
                          VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
    return 0;
}
