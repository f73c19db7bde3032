/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_control.c: the guest's emulated hardware (virsh reset,
 * inject-nmi, send-key, screenshot, dompmsuspend, dompmwakeup).
 *
 * Each entry point checks its arguments, then: find, ACL, job, one
 * domain_control.c call. Which guest types have which control is the
 * backend's to say (vxlBackendControlCheck), so both backends refuse
 * alike.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virkeycode.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainReset(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainResetEnsureACL, VIR_JOB_MODIFY)))
        return -1;
    ret = vxlDomainControlReset(vxl_driver, vm);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainInjectNMI(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainInjectNMIEnsureACL, VIR_JOB_MODIFY)))
        return -1;
    ret = vxlDomainControlInjectNMI(vxl_driver, vm);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
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
    virDomainObj *vm;
    g_autofree unsigned int *qnums = NULL;
    int ret;

    virCheckFlags(0, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainSendKeyEnsureACL, VIR_JOB_MODIFY)))
        return -1;
    ret = -1;
    if (nkeycodes <= 0 || nkeycodes > VIR_DOMAIN_SEND_KEY_MAX_KEYS) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("between 1 and %d keys can be pressed together, not %d"),
                       VIR_DOMAIN_SEND_KEY_MAX_KEYS, nkeycodes);
    } else {
        qnums = g_new0(unsigned int, nkeycodes);
        if (vxlDomainKeysToQnum(codeset, keycodes, nkeycodes, qnums) == 0)
            ret = vxlDomainControlSendKeys(vxl_driver, vm, qnums, nkeycodes,
                                           holdtime);
    }
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

char *
vxlDomainScreenshot(virDomainPtr dom, virStreamPtr st, unsigned int screen,
                    unsigned int flags)
{
    virDomainObj *vm;
    char *mime;

    virCheckFlags(0, NULL);

    if (!(vm = vxlEntryBegin(dom, virDomainScreenshotEnsureACL, VIR_JOB_QUERY)))
        return NULL;
    mime = vxlDomainControlScreenshot(vxl_driver, vm, screen, st);
    vxlEntryEnd(&vm, VIR_JOB_QUERY);
    return mime;
}

int
vxlDomainPMSuspendForDuration(virDomainPtr dom, unsigned int target,
                              unsigned long long duration, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainPMSuspendForDurationEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    ret = -1;
    /* Xen's one sleep state for guests is S3 (libxl suspends to RAM). */
    if (target != VIR_NODE_SUSPEND_TARGET_MEM) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("Xen guests can only be suspended to RAM (target mem), not to target %u"),
                       target);
    } else if (duration != 0) {
        /* Nothing would wake the guest: Xen has no RTC wake-up for it. */
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("Xen guests cannot be suspended for a duration (%llu seconds asked); suspend without one and wake the guest with dompmwakeup"),
                       duration);
    } else {
        ret = vxlDomainControlPMSuspend(vxl_driver, vm);
    }
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainPMWakeup(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainPMWakeupEnsureACL, VIR_JOB_MODIFY)))
        return -1;
    ret = vxlDomainControlPMWakeup(vxl_driver, vm);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}
