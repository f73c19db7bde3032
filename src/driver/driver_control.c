/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_control.c: the guest's emulated hardware (virsh reset,
 * inject-nmi, send-key, screenshot, dompmsuspend, dompmwakeup).
 *
 * Each entry point: flags, domain, ACL, job, state, one backend or
 * domain/ call. Which guest types have which control is the backend's
 * to say (vxlBackendControlCheck), so both backends refuse alike.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain.h"
#include "backend_call.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virkeycode.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_control");

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

int
vxlDomainReset(virDomainPtr dom, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);

    if (!(vm = vxlDomainObjFromDomain(driver, dom)))
        return -1;
    if (virDomainResetEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0)
        goto cleanup;
    if (vxlDomainCheckRunning(vm, VXL_CONTROL_ACT_RESET) < 0)
        goto endjob;

    vxlDomainBackendEnter(vm);
    ret = vxlBackendDomainReset(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);
    /* The guest boots again in place: same domain, same state, and (as
     * with QEMU's reset) no lifecycle event. */

 endjob:
    vxlDomainJobEnd(vm);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainInjectNMI(virDomainPtr dom, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);

    if (!(vm = vxlDomainObjFromDomain(driver, dom)))
        return -1;
    if (virDomainInjectNMIEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0)
        goto cleanup;
    if (vxlDomainCheckRunning(vm, VXL_CONTROL_ACT_NMI) < 0)
        goto endjob;

    vxlDomainBackendEnter(vm);
    ret = vxlBackendDomainInjectNMI(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);

 endjob:
    vxlDomainJobEnd(vm);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}

/* @keycodes of @codeset as QEMU's key numbers, which the device model
 * takes; a code the set does not have is the caller's mistake. */
static int
vxlDomainKeysToQnum(unsigned int codeset, const unsigned int *keycodes,
                    int nkeycodes, unsigned int *qnums)
{
    int i;

    if (codeset >= VIR_KEYCODE_SET_LAST) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unknown keycode set %u"), codeset);
        return -1;
    }
    for (i = 0; i < nkeycodes; i++) {
        int q;

        if (codeset == VIR_KEYCODE_SET_QNUM) {
            q = keycodes[i];
            if (keycodes[i] == 0 || keycodes[i] > 0xff)
                q = -1;
        } else {
            q = virKeycodeValueTranslate(codeset, VIR_KEYCODE_SET_QNUM,
                                         keycodes[i]);
        }
        if (q <= 0) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("keycode %u is not a key of the %s keycode set"),
                           keycodes[i], virKeycodeSetTypeToString(codeset));
            return -1;
        }
        qnums[i] = q;
    }
    return 0;
}

int
vxlDomainSendKey(virDomainPtr dom, unsigned int codeset, unsigned int holdtime,
                 unsigned int *keycodes, int nkeycodes, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    g_autofree unsigned int *qnums = NULL;
    int ret = -1;

    virCheckFlags(0, -1);

    if (nkeycodes <= 0 || nkeycodes > VIR_DOMAIN_SEND_KEY_MAX_KEYS) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("between 1 and %d keys can be pressed together, not %d"),
                       VIR_DOMAIN_SEND_KEY_MAX_KEYS, nkeycodes);
        return -1;
    }
    qnums = g_new0(unsigned int, nkeycodes);
    if (vxlDomainKeysToQnum(codeset, keycodes, nkeycodes, qnums) < 0)
        return -1;

    if (!(vm = vxlDomainObjFromDomain(driver, dom)))
        return -1;
    if (virDomainSendKeyEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0)
        goto cleanup;
    if (vxlDomainCheckRunning(vm, VXL_CONTROL_ACT_KEYS) < 0)
        goto endjob;

    vxlDomainBackendEnter(vm);
    ret = vxlBackendDomainSendKeys(driver->backend, vm->def->id, qnums,
                                   nkeycodes, holdtime);
    vxlDomainBackendExit(vm);

 endjob:
    vxlDomainJobEnd(vm);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}

char *
vxlDomainScreenshot(virDomainPtr dom, virStreamPtr st, unsigned int screen,
                    unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    char *mime = NULL;

    virCheckFlags(0, NULL);

    if (!(vm = vxlDomainObjFromDomain(driver, dom)))
        return NULL;
    if (virDomainScreenshotEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    /* A Xen guest has one display: the VGA or the vfb. */
    if (screen != 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has one screen, number 0; there is no screen %u"),
                       vm->def->name, screen);
        goto cleanup;
    }
    if (vxlDomainJobBegin(driver, vm, VIR_JOB_QUERY) < 0)
        goto cleanup;
    if (virDomainObjCheckActive(vm) < 0)
        goto endjob;

    mime = vxlDomainControlScreenshot(driver, vm, st);

 endjob:
    vxlDomainJobEnd(vm);
 cleanup:
    virDomainObjEndAPI(&vm);
    return mime;
}

int
vxlDomainPMSuspendForDuration(virDomainPtr dom, unsigned int target,
                              unsigned long long duration, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);

    /* Xen's one sleep state for guests is S3 (libxl suspends to RAM). */
    if (target != VIR_NODE_SUSPEND_TARGET_MEM) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("Xen guests can only be suspended to RAM (target mem), not to target %u"),
                       target);
        return -1;
    }
    /* Nothing would wake the guest: Xen has no RTC wake-up for it. */
    if (duration != 0) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("Xen guests cannot be suspended for a duration (%llu seconds asked); suspend without one and wake the guest with dompmwakeup"),
                       duration);
        return -1;
    }

    if (!(vm = vxlDomainObjFromDomain(driver, dom)))
        return -1;
    if (virDomainPMSuspendForDurationEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0)
        goto cleanup;
    if (vxlDomainCheckRunning(vm, VXL_CONTROL_ACT_PMSUSPEND) < 0)
        goto endjob;

    ret = vxlDomainControlPMSuspend(driver, vm);

 endjob:
    vxlDomainJobEnd(vm);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainPMWakeup(virDomainPtr dom, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);

    if (!(vm = vxlDomainObjFromDomain(driver, dom)))
        return -1;
    if (virDomainPMWakeupEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0)
        goto cleanup;
    if (virDomainObjCheckActive(vm) < 0)
        goto endjob;
    if (virDomainObjGetState(vm, NULL) != VIR_DOMAIN_PMSUSPENDED) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot wake domain '%s': it is not suspended to RAM"),
                       vm->def->name);
        goto endjob;
    }

    ret = vxlDomainControlPMWakeup(driver, vm);

 endjob:
    vxlDomainJobEnd(vm);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}
