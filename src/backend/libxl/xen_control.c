/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_control.c: the guest's emulated hardware, through libxl: reset and
 * NMI triggers (xl trigger), keys and screen dumps through the device
 * model's monitor, and suspend to RAM (ACPI S3) with its wakeup.
 *
 * libxl reaches the device model with libxl_qemu_monitor_command, which
 * takes a QEMU human monitor command line: "sendkey" with key numbers
 * (QEMU's qnum set, which the driver translated to) and "screendump"
 * to a file, which QEMU writes as a binary PPM. QEMU runs as root in
 * dom0, so it can write where the driver asks.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_control");

/* Look @domid up and check that its guest runs and has @control
 * (VXL_CONTROL_LAST: any guest type). */
static int
vxlXenControlBegin(vxlBackend *be, uint32_t domid, vxlBackendOp op,
                   vxlControl control, vxlXenDom *dom)
{
    vxlXen *xen = be->priv;

    if (vxlXenLookup(xen, domid, dom) < 0 ||
        vxlXenCheckAlive(dom, op) < 0)
        return -1;
    if (control != VXL_CONTROL_LAST &&
        vxlBackendControlCheck(dom->name, domid, dom->info.domain_type,
                               control) < 0)
        return -1;
    return 0;
}

static int
vxlXenTrigger(vxlBackend *be, uint32_t domid, libxl_trigger trigger,
              vxlBackendOp op, vxlControl control)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    int rc;

    if (vxlXenControlBegin(be, domid, op, control, &dom) < 0)
        return -1;
    vxlXenLogResetLastError();
    if ((rc = libxl_send_trigger(xen->ctx, domid, trigger, 0, NULL)) != 0) {
        vxlXenReportDomError(rc, op, &dom);
        return -1;
    }
    return 0;
}


int
vxlXenDomainInjectNMI(vxlBackend *be, uint32_t domid)
{
    return vxlXenTrigger(be, domid, LIBXL_TRIGGER_NMI,
                         VXL_BACKEND_OP_INJECT_NMI, VXL_CONTROL_LAST);
}

/* Run the monitor command @cmd in @dom's device model. QEMU's human
 * monitor answers a command that worked with nothing: any output is its
 * error message. */
static int
vxlXenMonitor(vxlXen *xen, const vxlXenDom *dom, const char *cmd,
              vxlBackendOp op)
{
    g_autofree char *output = NULL;
    int rc;

    vxlXenLogResetLastError();
    VIR_DEBUG("domain %u monitor: %s", dom->domid, cmd);
    if ((rc = libxl_qemu_monitor_command(xen->ctx, dom->domid, cmd, &output,
                                         NULL)) != 0) {
        vxlXenReportDomError(rc, op, dom);
        return -1;
    }
    if (output && *output && !g_ascii_isspace(*output)) {
        g_autofree char *what = vxlBackendOpFailed(op, dom->name, dom->domid);

        g_strstrip(output);
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("%s: its device model says: %s"), what, output);
        return -1;
    }
    return 0;
}

/* Xen 4.17 has no reset trigger (libxl_send_trigger RESET fails with
 * ENOSYS, seen in the e2e): the reset line of an HVM guest is its device
 * model's, which resets the emulated machine in place. */
int
vxlXenDomainReset(vxlBackend *be, uint32_t domid)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };

    if (vxlXenControlBegin(be, domid, VXL_BACKEND_OP_RESET, VXL_CONTROL_RESET,
                           &dom) < 0)
        return -1;
    return vxlXenMonitor(xen, &dom, "system_reset", VXL_BACKEND_OP_RESET);
}

int
vxlXenDomainSendKeys(vxlBackend *be, uint32_t domid, const unsigned int *keys,
                     size_t nkeys, unsigned int holdMs)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    g_autoptr(GString) cmd = g_string_new("sendkey ");
    size_t i;

    if (vxlXenControlBegin(be, domid, VXL_BACKEND_OP_SEND_KEYS, VXL_CONTROL_SENDKEY,
                           &dom) < 0)
        return -1;
    if (nkeys == 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot send keys to domain '%s' (id %u): no key given"),
                       dom.name, domid);
        return -1;
    }
    /* "0x.." names a key by its number in QEMU's own (qnum) set. */
    for (i = 0; i < nkeys; i++)
        g_string_append_printf(cmd, "%s0x%x", i ? "-" : "", keys[i]);
    if (holdMs)
        g_string_append_printf(cmd, " %u", holdMs);
    return vxlXenMonitor(xen, &dom, cmd->str, VXL_BACKEND_OP_SEND_KEYS);
}

int
vxlXenDomainScreenshot(vxlBackend *be, uint32_t domid, const char *path)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    g_autofree char *cmd = NULL;
    libxl_domain_config dcfg;
    bool display;
    int rc;

    if (vxlXenControlBegin(be, domid, VXL_BACKEND_OP_SCREENSHOT,
                           VXL_CONTROL_LAST, &dom) < 0)
        return -1;

    /* Which display the guest was built with: libxl knows it. */
    libxl_domain_config_init(&dcfg);
    vxlXenLogResetLastError();
    if ((rc = libxl_retrieve_domain_configuration(xen->ctx, domid, &dcfg,
                                                  NULL)) != 0) {
        libxl_domain_config_dispose(&dcfg);
        vxlXenReportDomError(rc, VXL_BACKEND_OP_SCREENSHOT, &dom);
        return -1;
    }
    display = vxlBackendHasDisplay(&dcfg);
    libxl_domain_config_dispose(&dcfg);
    if (vxlBackendScreenCheck(dom.name, domid, display) < 0)
        return -1;

    cmd = g_strdup_printf("screendump %s", path);
    if (vxlXenMonitor(xen, &dom, cmd, VXL_BACKEND_OP_SCREENSHOT) < 0) {
        ignore_value(unlink(path));
        return -1;
    }
    return 0;
}

int
vxlXenDomainPMSuspend(vxlBackend *be, uint32_t domid)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    int rc;

    if (vxlXenControlBegin(be, domid, VXL_BACKEND_OP_PM_SUSPEND, VXL_CONTROL_PMSUSPEND,
                           &dom) < 0)
        return -1;
    if (dom.info.paused) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot suspend domain '%s' (id %u) to RAM: it is paused"),
                       dom.name, domid);
        return -1;
    }
    vxlXenLogResetLastError();
    if ((rc = libxl_domain_suspend_only(xen->ctx, domid, NULL)) != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_PM_SUSPEND, &dom);
        return -1;
    }
    return 0;
}

int
vxlXenDomainPMWakeup(vxlBackend *be, uint32_t domid)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    if (!dom.info.shutdown ||
        dom.info.shutdown_reason != LIBXL_SHUTDOWN_REASON_SUSPEND) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot wake domain '%s' (id %u): it is not suspended"),
                       dom.name, domid);
        return -1;
    }
    vxlXenLogResetLastError();
    /* suspend_cancel: the guest goes on in place, as after S3. */
    if ((rc = libxl_domain_resume(xen->ctx, domid, 1, NULL)) != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_PM_WAKEUP, &dom);
        return -1;
    }
    /* libxl reports a domain's shutdown once per watch: watch anew, so
     * that the guest's next stop is seen. */
    vxlXenUnwatchDeath(xen, domid);
    return vxlXenWatchDeath(xen, domid);
}
