/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_state.c: the driver's life inside libvirtd.
 *
 * stateInitialize runs once when libvirtd starts: read the config, open
 * the backend, find domains again, autostart. A backend that cannot open
 * (no Xen here) must not take libvirtd down with it, since other drivers
 * live in the same daemon: the reason is kept and every connection
 * attempt reports it.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain_migrate.h"
#include "domain.h"
#include "domain_save.h"
#include "domain_xmlopt.h"
#include "util_crashpoint.h"
#include "util_cputime.h"
#include "virerror.h"
#include "virlog.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_state");

vxlDriver *vxl_driver;

static void
vxlDriverFree(vxlDriver *driver)
{
    if (!driver)
        return;
    /* Definitions written by the last calls reach the disk before the
     * daemon is gone. */
    vxlDomainConfigFlusherStop();
    vxlDomainHostCloseBackend(driver);
    virObjectUnref(driver->domains);
    virPortAllocatorRangeFree(driver->graphicsPorts);
    virPortAllocatorRangeFree(driver->migrationPorts);
    g_clear_pointer(&driver->migrationsIn, g_hash_table_unref);
    virObjectUnref(driver->xmlopt);
    virObjectUnref(driver->domainEventState);
    virObjectUnref(driver->cfg);
    virFreeError(driver->backendError);
    if (driver->eventsHeld)
        g_ptr_array_free(driver->eventsHeld, TRUE);
    virCondDestroy(&driver->startCond);
    virCondDestroy(&driver->eventCond);
    virMutexDestroy(&driver->lock);
    g_free(driver);
}

static int
vxlStateOpenBackend(vxlDriver *driver)
{
    vxlBackendConfig bcfg = {
        .stateDir = driver->cfg->stateDir,
        .simProfile = driver->cfg->simProfile,
        .events = &vxlDomainBackendEvents,
        .eventsOpaque = driver,
        .autoballoon = driver->cfg->autoballoon,
        /* migration */
        .simHostName = driver->cfg->simHostName,
        .simHostUUID = driver->cfg->simHostUUID,
        .simSaveRateMiB = driver->cfg->simSaveRateMiB,
        .simNoCreateCancel = driver->cfg->simNoCreateCancel,
        .simDiskCheck = driver->cfg->simDiskCheck,
    };

    if (vxlDomainHostOpenBackend(driver, &bcfg) < 0)
        return -1;
    /* The simulated host's PCI devices are nowhere in sysfs: list them
     * as node devices ourselves (driver_nodedev.c). */
    if (vxlDomainHostIsSimulated(driver))
        vxlDriverInstallNodeDevices();
    return 0;
}

virDrvStateInitResult
vxlStateInitialize(bool privileged, const char *root, bool monolithic,
                   virStateInhibitCallback callback, void *opaque)
{
    vxlDriver *driver;
    g_autofree char *configFile = NULL;
    gint64 t0 = g_get_monotonic_time();
    long long cpu0 = vxlThreadCPUTimeUs();

    if (root) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("the Xen driver does not support embedded mode"));
        return VIR_DRV_STATE_INIT_ERROR;
    }

    driver = g_new0(vxlDriver, 1);
    if (virMutexInit(&driver->lock) < 0 || virCondInit(&driver->startCond) < 0 ||
        virCondInit(&driver->eventCond) < 0) {
        g_free(driver);
        return VIR_DRV_STATE_INIT_ERROR;
    }
    driver->privileged = privileged;
    driver->inhibitCallback = callback;
    driver->inhibitOpaque = opaque;

    if (!(driver->cfg = vxlDriverConfigNew(privileged, NULL)))
        goto error;
    configFile = g_strdup_printf("%s/%s", driver->cfg->configBaseDir,
                                 VXL_CONFIG_FILE_NAME);
    if (vxlDriverConfigLoadFile(driver->cfg, configFile) < 0)
        goto error;
    if (vxlDriverConfigMakeDirs(driver->cfg) < 0)
        goto error;
#ifdef VXL_TEST_HOOKS
    vxlCrashPointSetControlDir(driver->cfg->stateDir);
#endif

    /* The range libvirt's Xen and QEMU drivers take display ports from:
     * VNC displays start at 5900. */
    if (!(driver->graphicsPorts = virPortAllocatorRangeNew("graphics",
                                                           VXL_GRAPHICS_PORT_MIN,
                                                           VXL_GRAPHICS_PORT_MAX)) ||
        !(driver->migrationPorts = virPortAllocatorRangeNew("migration",
                                                            driver->cfg->migrationPortMin,
                                                            driver->cfg->migrationPortMax)) ||
        !(driver->migrationsIn = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                       g_free, NULL)) ||
        !(driver->xmlopt = vxlDomainXMLOptionNew()) ||
        !(driver->domains = virDomainObjListNew()) ||
        !(driver->domainEventState = virObjectEventStateNew()))
        goto error;

    vxl_driver = driver;
    if (vxlDomainConfigFlusherStart(driver) < 0)
        goto error;
    if (vxlStateOpenBackend(driver) < 0)
        goto error;

    if (driver->backend) {
        if (vxlDomainLoadAll(driver) < 0)
            goto error;
        if (vxlDomainDom0Add(driver) < 0)
            VIR_WARN("Domain-0 is not listed: %s", virGetLastErrorMessage());
        vxlDomainManagedSaveScan(driver);
        vxlDomainEventsReady(driver);
        vxlDomainAutostartAll(driver);
        vxlDomainDefLoaderStart(driver);
    }
    /* scripts/bench reads this line: the driver's share of a restart. */
    VIR_INFO("driver state initialised in %lld us (CPU %lld us on this thread)",
             (long long)(g_get_monotonic_time() - t0), vxlThreadCPUTimeUs() - cpu0);
    return VIR_DRV_STATE_INIT_COMPLETE;

 error:
    vxl_driver = NULL;
    vxlDriverFree(driver);
    return VIR_DRV_STATE_INIT_ERROR;
}

/* libvirtd is going down: no new event worker starts. */
int
vxlStateShutdownPrepare(void)
{
    if (!vxl_driver)
        return 0;
    VIR_WITH_MUTEX_LOCK_GUARD(&vxl_driver->lock) {
        vxl_driver->closing = true;
    }
    vxlDomainDefLoaderStop();
    /* libvirtd waits for its calls in progress; a start does not make
     * it wait for a guest's boot. */
    if (vxl_driver->backend) {
        virDomainObj **vms = NULL;
        size_t nvms = 0;
        size_t i;

        virDomainObjListCollect(vxl_driver->domains, NULL, &vms, &nvms, NULL, 0);
        for (i = 0; i < nvms; i++) {
            virObjectLock(vms[i]);
            ignore_value(vxlDomainStartCancel(vxl_driver, vms[i]));
            virObjectUnlock(vms[i]);
        }
        virObjectListFreeCount(vms, nvms);
    }
    return 0;
}

/* Let the running event workers finish with the backend before
 * stateCleanup closes it: a worker whose backend closed under it would
 * take its domain for gone and forget it. libvirtd waits for this in a
 * thread of its own, and gives up after 30 s. */
int
vxlStateShutdownWait(void)
{
    if (!vxl_driver)
        return 0;
    VIR_WITH_MUTEX_LOCK_GUARD(&vxl_driver->lock) {
        while (vxl_driver->eventWorkers > 0)
            ignore_value(virCondWait(&vxl_driver->eventCond, &vxl_driver->lock));
    }
    return 0;
}

int
vxlStateCleanup(void)
{
    if (!vxl_driver)
        return -1;
    /* Domains keep running: a daemon restart reconnects to them. An
     * incoming migration cannot finish without us: it is cut off. */
    vxlMigrationShutdown(vxl_driver);
    vxlDomainDefLoaderStop();
    vxlDriverFree(vxl_driver);
    vxl_driver = NULL;
    return 0;
}

int
vxlStateReload(void)
{
    if (!vxl_driver || !vxl_driver->backend)
        return 0;
    return virDomainObjListLoadAllConfigs(vxl_driver->domains,
                                          vxl_driver->cfg->configDir,
                                          vxl_driver->cfg->autostartDir,
                                          false, vxl_driver->xmlopt,
                                          NULL, NULL);
}
