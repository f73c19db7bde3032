/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_backend.c: the real hypervisor, through libxenlight.
 *
 * This file holds the entry table and the checks made before any libxl
 * call: libxl_ctx_alloc() on a machine without Xen logs a cascade of
 * errors from xencall/xenstore and fails with a bare ERROR_FAIL, which
 * tells a user nothing. We look for the hypervisor ourselves first and
 * say what is missing and how to use the simulator instead.
 *
 * Then one libxl_ctx for the driver, its events on libvirt's event loop
 * (xen_event.c), and a death watch on every domain already running, so
 * that a daemon restart finds them again (the driver's reconnect asks
 * for their state; shutdowns and deaths from then on arrive as events).
 * The units: xen_host.c (facts, memory), xen_domain.c (domains),
 * xen_event.c (event loop, events, async ops), xen_log.c (xentoollog),
 * xen_error.c (libxl errors as libvirt errors).
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "virtxl/backend.h"
#include "backend_impl.h"
#include "xen_priv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_backend");

#define VXL_XEN_CAPS_FILE "/proc/xen/capabilities"
#define VXL_XEN_PRIVCMD "/dev/xen/privcmd"
#define VXL_XEN_SIM_HINT \
    "to use the built-in simulator instead, set backend = \"sim\" in the driver's libxl.conf"

/*
 * Xen is usable from here when we are dom0 (the capabilities file says
 * "control_d") and the privcmd device exists. A domU or bare metal has
 * neither.
 */
static int
vxlXenCheckPresent(void)
{
    g_autofree char *caps = NULL;

    if (!virFileExists(VXL_XEN_CAPS_FILE)) {
        virReportError(VIR_ERR_NO_SUPPORT,
                       _("no Xen hypervisor found: %s does not exist (this machine is not running on Xen); %s"),
                       VXL_XEN_CAPS_FILE, VXL_XEN_SIM_HINT);
        return -1;
    }
    if (virFileReadAll(VXL_XEN_CAPS_FILE, 1024, &caps) < 0)
        return -1;
    if (!strstr(caps, "control_d")) {
        virReportError(VIR_ERR_NO_SUPPORT,
                       _("this machine runs on Xen but is not its control domain (dom0): %s lacks 'control_d'; %s"),
                       VXL_XEN_CAPS_FILE, VXL_XEN_SIM_HINT);
        return -1;
    }
    if (access(VXL_XEN_PRIVCMD, R_OK | W_OK) < 0) {
        virReportSystemError(errno,
                             _("Xen found, but %s is not accessible (is the xen-privcmd module loaded?)"),
                             VXL_XEN_PRIVCMD);
        return -1;
    }
    return 0;
}

void vxlXenEventsFree(vxlXen *xen);

static void
vxlXenFree(vxlXen *xen)
{
    if (!xen)
        return;
    if (xen->ctx && !vxlXenEventsClose(xen)) {
        /* libxl_ctx_free() would abort the daemon; at daemon shutdown a
         * leak is harmless. Our fd and timer registrations point at @xen,
         * so it stays too. */
        VIR_WARN("libxl still has operations in flight: leaving its context allocated");
        return;
    }
    libxl_ctx_free(xen->ctx);
    vxlXenEventsFree(xen);
    vxlXenLoggerFree(xen->logger);
    virMutexDestroy(&xen->balloonLock);
    virMutexDestroy(&xen->lock);
    g_free(xen->stateDir);
    g_free(xen);
}

int
vxlXenOpen(vxlBackend *be, const vxlBackendConfig *cfg)
{
    vxlXen *xen;
    int rc;

    if (vxlXenCheckPresent() < 0)
        return -1;

    xen = g_new0(vxlXen, 1);
    if (virMutexInit(&xen->lock) < 0 || virMutexInit(&xen->balloonLock) < 0) {
        g_free(xen);
        return -1;
    }
    xen->events = cfg->events;
    xen->eventsOpaque = cfg->eventsOpaque;
    xen->autoballoon = cfg->autoballoon;
    xen->stateDir = g_strdup(cfg->stateDir);
    xen->logger = vxlXenLoggerNew();

    vxlXenLogResetLastError();
    rc = libxl_ctx_alloc(&xen->ctx, LIBXL_VERSION, 0,
                         vxlXenLoggerXtl(xen->logger));
    if (rc != 0) {
        /* dom0, privcmd there, yet libxl cannot start: almost always
         * xenstored not running (xencommons not started). */
        vxlXenReportError(rc, _("Xen found, but libxl cannot connect to it (is xenstored running? start the xencommons service)"));
        virErrorPtr saved;
        virErrorPreserveLast(&saved);
        vxlXenFree(xen);
        virErrorRestore(&saved);
        return -1;
    }
    if (vxlXenEventsInit(xen) < 0 || vxlXenWatchAll(xen) < 0) {
        virErrorPtr saved;
        virErrorPreserveLast(&saved);
        vxlXenFree(xen);
        virErrorRestore(&saved);
        return -1;
    }
    be->priv = xen;
    VIR_INFO("connected to Xen through libxl%s", xen->autoballoon ?
             ", autoballoon on" : "");
    return 0;
}

void
vxlXenClose(vxlBackend *be)
{
    vxlXenFree(be->priv);
    be->priv = NULL;
}

const vxlBackendOps vxlXenBackendOps = {
    .name = "libxl",
    .open = vxlXenOpen,
    .close = vxlXenClose,
    .hostGetFacts = vxlXenHostGetFacts,
    .hostGetFreeMemory = vxlXenHostGetFreeMemory,
    .domainCreate = vxlXenDomainCreate,
    .domainDestroy = vxlXenDomainDestroy,
    .domainShutdown = vxlXenDomainShutdown,
    .domainReboot = vxlXenDomainReboot,
    .domainPause = vxlXenDomainPause,
    .domainUnpause = vxlXenDomainUnpause,
    .domainRename = vxlXenDomainRename,
    .domainGetInfo = vxlXenDomainGetInfo,
    .domainList = vxlXenDomainList,
    .domainSetMemory = vxlXenDomainSetMemory,
    .domainSetMaxMemory = vxlXenDomainSetMaxMemory,
    .domainSetVcpusOnline = vxlXenDomainSetVcpusOnline,
    .domainCoreDump = vxlXenDomainCoreDump,
    .domainConsolePath = vxlXenDomainConsolePath,
    .domainGetVcpus = vxlXenDomainGetVcpus,
    .domainPinVcpu = vxlXenDomainPinVcpu,
    .domainDiskAdd = vxlXenDomainDiskAdd,
    .domainDiskRemove = vxlXenDomainDiskRemove,
    .domainNicAdd = vxlXenDomainNicAdd,
    .domainNicRemove = vxlXenDomainNicRemove,
    .domainCdromInsert = vxlXenDomainCdromInsert,
    /* save and restore (xen_save.c) */
    .domainSave = vxlXenDomainSave,
    .domainRestore = vxlXenDomainRestore,
    /* migration */
    .domainMigrateSend = vxlXenDomainMigrateSend,
    .domainMigrateResume = vxlXenDomainMigrateResume,
    .domainMigrateReceive = vxlXenDomainMigrateReceive,
    /* monitoring and tuning */
    .hostGetDom0 = vxlXenHostGetDom0,
    .hostGetCpuTimes = vxlXenHostGetCpuTimes,
    .domainGetBlockStats = vxlXenDomainGetBlockStats,
    .domainGetNicStats = vxlXenDomainGetNicStats,
    .domainGetMemoryStats = vxlXenDomainGetMemoryStats,
    .domainGetSchedParams = vxlXenDomainGetSchedParams,
    .domainSetSchedParams = vxlXenDomainSetSchedParams,
    .domainBlockResize = vxlXenDomainBlockResize,
    /* control */
    .domainReset = vxlXenDomainReset,
    .domainInjectNMI = vxlXenDomainInjectNMI,
    .domainSendKeys = vxlXenDomainSendKeys,
    .domainScreenshot = vxlXenDomainScreenshot,
    .domainPMSuspend = vxlXenDomainPMSuspend,
    .domainPMWakeup = vxlXenDomainPMWakeup,
    /* PCI devices; the host's list is libvirt's node device driver's */
    .hostPciAssignable = vxlXenHostPciAssignable,
    .hostPciReset = vxlXenHostPciReset,
    .domainPciAdd = vxlXenDomainPciAdd,
    .domainPciRemove = vxlXenDomainPciRemove,
    .domainPciList = vxlXenDomainPciList,
    /* guest addresses */
    .hostNeighbours = vxlXenHostNeighbours,
    /* breadth */
    .domainNicSetRate = vxlXenDomainNicSetRate,
    /* live snapshots */
    .domainSaveLive = vxlXenDomainSaveLive,
    /* one vCPU online or offline */
    .domainSetVcpusOnlineSet = vxlXenDomainSetVcpusOnlineSet,
    /* USB host devices; the host's list is libvirt's node device driver's */
    .domainUsbAdd = vxlXenDomainUsbAdd,
    .domainUsbRemove = vxlXenDomainUsbRemove,
    /* migration: a pause during the copy (refused, with the reason) */
    .domainMigratePauseSource = vxlXenDomainMigratePauseSource,
    .hostNetVFSet = vxlXenHostNetVFSet,
    .hostNetVFRestore = vxlXenHostNetVFRestore,
};
