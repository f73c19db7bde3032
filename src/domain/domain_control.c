/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_control.c: the guest's emulated hardware on a running domain
 * (reset, NMI, keys, screenshots, suspend to RAM): the state check, the
 * backend call, and what libvirt's state, events and streams make of
 * it.
 */
#include "vxl_internal.h"

#include <fcntl.h>

#include "domain.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virfdstream.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_control");

typedef enum {
    VXL_CONTROL_ACT_RESET,
    VXL_CONTROL_ACT_NMI,
    VXL_CONTROL_ACT_KEYS,
    VXL_CONTROL_ACT_PMSUSPEND,
} vxlControlAct;

/* The guest must be there and running (or paused) to be acted on: not
 * shut off, not stopped, not asleep in S3. */
static int
vxlDomainCheckRunning(virDomainObj *vm, vxlControlAct act)
{
    static const char *const msgs[] = {
        [VXL_CONTROL_ACT_RESET] = N_("cannot reset domain '%s': it is not running (state %s)"),
        [VXL_CONTROL_ACT_NMI] = N_("cannot send an NMI to domain '%s': it is not running (state %s)"),
        [VXL_CONTROL_ACT_KEYS] = N_("cannot send keys to domain '%s': it is not running (state %s)"),
        [VXL_CONTROL_ACT_PMSUSPEND] = N_("cannot suspend domain '%s': it is not running (state %s)"),
    };
    int state;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    state = virDomainObjGetState(vm, NULL);
    if (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_PAUSED) {
        virReportError(VIR_ERR_OPERATION_INVALID, _(msgs[act]),
                       vm->def->name, virDomainStateTypeToString(state));
        return -1;
    }
    return 0;
}

/* Reset or NMI: a pin of the guest's hardware, no state of ours. */
static int
vxlDomainControlPin(vxlDriver *driver, virDomainObj *vm, vxlControlAct act)
{
    int ret;

    if (vxlDomainCheckRunning(vm, act) < 0)
        return -1;
    vxlDomainBackendEnter(vm);
    if (act == VXL_CONTROL_ACT_RESET)
        ret = vxlBackendDomainReset(driver->backend, vm->def->id);
    else
        ret = vxlBackendDomainInjectNMI(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);
    return ret;
}

int
vxlDomainControlReset(vxlDriver *driver, virDomainObj *vm)
{
    /* The guest boots again in place: same domain, same state, and (as
     * with QEMU's reset) no lifecycle event. */
    return vxlDomainControlPin(driver, vm, VXL_CONTROL_ACT_RESET);
}

int
vxlDomainControlInjectNMI(vxlDriver *driver, virDomainObj *vm)
{
    return vxlDomainControlPin(driver, vm, VXL_CONTROL_ACT_NMI);
}

int
vxlDomainControlSendKeys(vxlDriver *driver, virDomainObj *vm,
                         const unsigned int *qnums, int nkeys,
                         unsigned int holdtime)
{
    int ret;

    if (vxlDomainCheckRunning(vm, VXL_CONTROL_ACT_KEYS) < 0)
        return -1;
    vxlDomainBackendEnter(vm);
    ret = vxlBackendDomainSendKeys(driver->backend, vm->def->id,
                                   (unsigned int *)qnums, nkeys, holdtime);
    vxlDomainBackendExit(vm);
    return ret;
}

/*
 * The device model writes the image to a file of ours (in the driver's
 * lib dir, which only root reads), which then becomes the client's
 * stream; the name goes at once, the open stream keeps the data.
 */
char *
vxlDomainControlScreenshot(vxlDriver *driver, virDomainObj *vm,
                           unsigned int screen, virStreamPtr st)
{
    g_autofree char *tmp = g_strdup_printf("%s/screenshot.XXXXXX",
                                           driver->cfg->libDir);
    char *mime = NULL;
    int fd;
    int rc;

    /* A Xen guest has one display: the VGA or the vfb. */
    if (screen != 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has one screen, number 0; there is no screen %u"),
                       vm->def->name, screen);
        return NULL;
    }
    if (virDomainObjCheckActive(vm) < 0)
        return NULL;
    /* A query job lets Domain-0 through, but its screen is the host's
     * console: no device model of Xen's draws it, and neither backend
     * knows it as a guest to ask. */
    if (vxlDomainIsDom0(vm)) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("cannot take a screenshot of Domain-0: the host's control domain has no display of Xen's, its screen is the host's own console"));
        return NULL;
    }
    if (g_mkdir_with_parents(driver->cfg->libDir, 0755) < 0) {
        virReportSystemError(errno, _("cannot create directory '%s'"),
                             driver->cfg->libDir);
        return NULL;
    }
    if ((fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR)) < 0) {
        virReportSystemError(errno, _("cannot create the temporary file '%s'"),
                             tmp);
        return NULL;
    }
    VIR_FORCE_CLOSE(fd);

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainScreenshot(driver->backend, vm->def->id, tmp);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        goto cleanup;

    if (virFDStreamOpenFile(st, tmp, 0, 0, O_RDONLY) < 0)
        goto cleanup;
    mime = g_strdup("image/x-portable-pixmap");

 cleanup:
    ignore_value(unlink(tmp));
    return mime;
}

int
vxlDomainControlPMSuspend(vxlDriver *driver, virDomainObj *vm)
{
    int rc;

    if (vxlDomainCheckRunning(vm, VXL_CONTROL_ACT_PMSUSPEND) < 0)
        return -1;
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainPMSuspend(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    /* Xen reports the guest as shut down for "suspend"; the shutdown
     * handler leaves such a stop alone, this state tells why. */
    vxlDomainStateChanged(driver, vm, VIR_DOMAIN_PMSUSPENDED,
                          VIR_DOMAIN_PMSUSPENDED_UNKNOWN,
                          VIR_DOMAIN_EVENT_PMSUSPENDED,
                          VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY);
    virObjectEventStateQueue(driver->domainEventState,
                             virDomainEventPMSuspendNewFromObj(vm));
    return 0;
}

int
vxlDomainControlPMWakeup(vxlDriver *driver, virDomainObj *vm)
{
    int rc;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (virDomainObjGetState(vm, NULL) != VIR_DOMAIN_PMSUSPENDED) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot wake domain '%s': it is not suspended to RAM"),
                       vm->def->name);
        return -1;
    }
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainPMWakeup(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    vxlDomainStateChanged(driver, vm, VIR_DOMAIN_RUNNING,
                          VIR_DOMAIN_RUNNING_WAKEUP, VIR_DOMAIN_EVENT_STARTED,
                          VIR_DOMAIN_EVENT_STARTED_WAKEUP);
    virObjectEventStateQueue(driver->domainEventState,
                             virDomainEventPMWakeupNewFromObj(vm));
    return 0;
}
