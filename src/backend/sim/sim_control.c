/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_control.c: the simulated guests' emulated hardware: the reset
 * line, NMIs, the keyboard and ACPI S3.
 *
 * What each does to the model:
 *  - reset: the guest boots again in place (same domid, memory and
 *    devices): its running time starts over, so its script runs again
 *    from the start, and a pending shutdown request is gone with the
 *    kernel that received it; no shutdown event, as with Xen's trigger;
 *  - NMI: counted; a guest whose script says crash-on-nmi panics at
 *    once if it runs, or as soon as it runs again if paused (the NMI
 *    stays pending in its vCPU);
 *  - keys: letters, digits and space are typed into the line its
 *    screen shows, Backspace takes one back, Enter starts a new line;
 *    Ctrl+Alt+Delete asks the guest to reboot, as a PC's kernel takes
 *    it, unless its script says it ignores requests;
 *  - S3: the domain is in state SHUTDOWN with reason SUSPEND, its clock
 *    stopped, until woken; the shutdown event is raised, as libxl
 *    raises it (the driver knows a suspend from a stop by the reason).
 * Only HVM guests have the reset line, keyboard and ACPI
 * (vxlBackendControlCheck).
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_control");

/* QEMU's key numbers (qnum: PC scancode set 1, 0x80 marking the E0
 * prefix) of the keys the guest's line editor knows. */
#define VXL_QNUM_BACKSPACE 0x0e
#define VXL_QNUM_ENTER 0x1c
#define VXL_QNUM_LCTRL 0x1d
#define VXL_QNUM_RCTRL 0x9d
#define VXL_QNUM_LALT 0x38
#define VXL_QNUM_RALT 0xb8
#define VXL_QNUM_DELETE 0xd3
#define VXL_QNUM_SPACE 0x39

static char
vxlSimQnumChar(unsigned int key)
{
    static const char *const rows[] = {
        /* 0x02 .. 0x0b */ "1234567890",
        /* 0x10 .. 0x19 */ "qwertyuiop",
        /* 0x1e .. 0x26 */ "asdfghjkl",
        /* 0x2c .. 0x32 */ "zxcvbnm",
    };
    static const unsigned int starts[] = { 0x02, 0x10, 0x1e, 0x2c };
    size_t i;

    if (key == VXL_QNUM_SPACE)
        return ' ';
    for (i = 0; i < G_N_ELEMENTS(rows); i++) {
        if (key >= starts[i] && key < starts[i] + strlen(rows[i]))
            return rows[i][key - starts[i]];
    }
    return 0;
}

static vxlSimControl *
vxlSimControlGet(vxlSimDomain *dom)
{
    if (!dom->control)
        dom->control = g_new0(vxlSimControl, 1);
    return dom->control;
}

/* May @dom, alive, take @op and, unless @control is VXL_CONTROL_LAST,
 * does its type have @control? */
static int
vxlSimControlCheck(vxlSimDomain *dom, vxlBackendOp op, vxlControl control)
{
    if (vxlSimCheckAlive(dom, op) < 0)
        return -1;
    if (control != VXL_CONTROL_LAST &&
        vxlBackendControlCheck(dom->name, dom->domid, dom->type, control) < 0)
        return -1;
    return 0;
}

static int
vxlSimResetAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom, long long now,
               void *opaque G_GNUC_UNUSED)
{
    vxlSimControl *ctl;

    if (vxlSimControlCheck(dom, VXL_BACKEND_OP_RESET, VXL_CONTROL_RESET) < 0)
        return -1;
    vxlSimAccount(dom, now);
    ctl = vxlSimControlGet(dom);
    ctl->resets++;
    ctl->typed[0] = '\0';
    /* Booting again: the script starts over; CPU time, like Xen's
     * count for the domain, goes on. */
    dom->runUs = 0;
    dom->request = VXL_SIM_REQUEST_NONE;
    dom->requestActs = false;
    VIR_DEBUG("domain %u (%s) reset (%u so far)", dom->domid, dom->name,
              ctl->resets);
    return 0;
}

int
vxlSimDomainReset(vxlBackend *be, uint32_t domid)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimResetAct, NULL);
}

static int
vxlSimInjectNMIAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom, long long now,
                   void *opaque G_GNUC_UNUSED)
{
    if (vxlSimControlCheck(dom, VXL_BACKEND_OP_INJECT_NMI, VXL_CONTROL_LAST) < 0)
        return -1;
    vxlSimAccount(dom, now);
    vxlSimControlGet(dom)->nmis++;
    if (dom->script.crashOnNmi) {
        /* The panic is the guest's next act, at this very point of
         * its running time: now if it runs, when it runs if paused.
         * It replaces any request it had not acted on yet. */
        dom->request = VXL_SIM_REQUEST_POWEROFF;
        dom->requestActs = true;
        dom->requestReason = VXL_SHUTDOWN_CRASH;
        dom->requestAtRunUs = dom->runUs;
    }
    return 0;
}

int
vxlSimDomainInjectNMI(vxlBackend *be, uint32_t domid)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimInjectNMIAct, NULL);
}

static bool
vxlSimKeysHave(const unsigned int *keys, size_t nkeys, unsigned int a,
               unsigned int b)
{
    size_t i;

    for (i = 0; i < nkeys; i++) {
        if (keys[i] == a || keys[i] == b)
            return true;
    }
    return false;
}

/* What the guest's kernel does with one press of @keys together. */
static void
vxlSimKeysPressed(vxlSimDomain *dom, const unsigned int *keys, size_t nkeys)
{
    vxlSimControl *ctl = vxlSimControlGet(dom);
    size_t len = strlen(ctl->typed);
    size_t i;

    if (vxlSimKeysHave(keys, nkeys, VXL_QNUM_LCTRL, VXL_QNUM_RCTRL) &&
        vxlSimKeysHave(keys, nkeys, VXL_QNUM_LALT, VXL_QNUM_RALT) &&
        vxlSimKeysHave(keys, nkeys, VXL_QNUM_DELETE, VXL_QNUM_DELETE)) {
        /* A hung guest (shutdown='ignore') reacts to nothing. */
        if (dom->script.onShutdownRequest != VXL_GUEST_SHUTDOWN_IGNORE &&
            dom->request == VXL_SIM_REQUEST_NONE) {
            dom->request = VXL_SIM_REQUEST_REBOOT;
            dom->requestActs = true;
            dom->requestReason = VXL_SHUTDOWN_REBOOT;
            dom->requestAtRunUs = dom->runUs +
                                  dom->script.shutdownDelayMs * 1000ULL;
        }
        return;
    }
    /* With Ctrl or Alt held, keys are commands, not text. */
    if (vxlSimKeysHave(keys, nkeys, VXL_QNUM_LCTRL, VXL_QNUM_RCTRL) ||
        vxlSimKeysHave(keys, nkeys, VXL_QNUM_LALT, VXL_QNUM_RALT))
        return;
    for (i = 0; i < nkeys; i++) {
        char ch = vxlSimQnumChar(keys[i]);

        if (keys[i] == VXL_QNUM_ENTER) {
            len = 0;
        } else if (keys[i] == VXL_QNUM_BACKSPACE) {
            if (len > 0)
                len--;
        } else if (ch && len < VXL_SIM_TYPED_MAX) {
            ctl->typed[len++] = ch;
        }
    }
    ctl->typed[len] = '\0';
}

typedef struct {
    const unsigned int *keys;
    size_t nkeys;
} vxlSimKeysArgs;

static int
vxlSimSendKeysAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom, long long now,
                  void *opaque)
{
    vxlSimKeysArgs *args = opaque;
    size_t i;

    if (vxlSimControlCheck(dom, VXL_BACKEND_OP_SEND_KEYS,
                           VXL_CONTROL_SENDKEY) < 0)
        return -1;
    if (args->nkeys == 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot send keys to domain '%s' (id %u): no key given"),
                       dom->name, dom->domid);
        return -1;
    }
    /* QEMU's sendkey refuses a number no key has, pressing none. */
    for (i = 0; i < args->nkeys; i++) {
        if (args->keys[i] == 0 || args->keys[i] > 0xff) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("cannot send keys to domain '%s' (id %u): %u is not a key number of QEMU's key set"),
                           dom->name, dom->domid, args->keys[i]);
            return -1;
        }
    }
    vxlSimAccount(dom, now);
    vxlSimKeysPressed(dom, args->keys, args->nkeys);
    return 0;
}

int
vxlSimDomainSendKeys(vxlBackend *be, uint32_t domid, const unsigned int *keys,
                     size_t nkeys, unsigned int holdMs G_GNUC_UNUSED)
{
    vxlSimKeysArgs args = { .keys = keys, .nkeys = nkeys };

    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimSendKeysAct, &args);
}

static int
vxlSimPMSuspendAct(vxlSim *sim, vxlSimDomain *dom, long long now,
                   void *opaque G_GNUC_UNUSED)
{
    if (vxlSimControlCheck(dom, VXL_BACKEND_OP_PM_SUSPEND,
                           VXL_CONTROL_PMSUSPEND) < 0)
        return -1;
    if (dom->state == VXL_DOMSTATE_PAUSED) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot suspend domain '%s' (id %u) to RAM: it is paused"),
                       dom->name, dom->domid);
        return -1;
    }
    vxlSimAccount(dom, now);
    dom->state = VXL_DOMSTATE_SHUTDOWN;
    dom->reason = VXL_SHUTDOWN_SUSPEND;
    vxlSimQueueEvent(sim, dom);
    return 0;
}

int
vxlSimDomainPMSuspend(vxlBackend *be, uint32_t domid)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimPMSuspendAct, NULL);
}

/* No liveness check: a suspended domain is one the check refuses. */
static int
vxlSimPMWakeupAct(vxlSim *sim, vxlSimDomain *dom, long long now,
                  void *opaque G_GNUC_UNUSED)
{
    if (dom->state != VXL_DOMSTATE_SHUTDOWN ||
        dom->reason != VXL_SHUTDOWN_SUSPEND) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot wake domain '%s' (id %u): it is not suspended"),
                       dom->name, dom->domid);
        return -1;
    }
    dom->state = VXL_DOMSTATE_RUNNING;
    dom->accountedAt = now;
    /* An undelivered suspend event would now tell a lie. */
    vxlSimDropEvents(sim, dom);
    return 0;
}

int
vxlSimDomainPMWakeup(vxlBackend *be, uint32_t domid)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimPMWakeupAct, NULL);
}
