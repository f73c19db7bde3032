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
#include "domain.h"
#include "domain_xmlopt.h"
#include "backend_call.h"
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
    if (driver->backend) {
        vxlBackendClose(driver->backend);
        vxlBackendFree(driver->backend);
    }
    virObjectUnref(driver->domains);
    virPortAllocatorRangeFree(driver->graphicsPorts);
    virObjectUnref(driver->xmlopt);
    virObjectUnref(driver->domainEventState);
    virObjectUnref(driver->cfg);
    virFreeError(driver->backendError);
    virCondDestroy(&driver->startCond);
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
    };

    if (!(driver->backend = vxlBackendNew(driver->cfg->backend)))
        return -1;
    vxlBackendFaultSetControlDir(driver->backend, driver->cfg->stateDir);
    if (vxlBackendOpen(driver->backend, &bcfg) < 0) {
        VIR_ERROR("Xen driver backend '%s' unavailable: %s",
                  driver->cfg->backend, virGetLastErrorMessage());
        virErrorPreserveLast(&driver->backendError);
        vxlBackendFree(driver->backend);
        driver->backend = NULL;
        return 0;
    }
    VIR_INFO("Xen driver using backend '%s'", driver->cfg->backend);
    /* The simulated host's PCI devices are nowhere in sysfs: list them
     * as node devices ourselves (driver_nodedev.c). */
    if (STREQ(vxlBackendName(driver->backend), "sim"))
        vxlDriverInstallNodeDevices();
    return 0;
}

virDrvStateInitResult
vxlStateInitialize(bool privileged, const char *root, bool monolithic,
                   virStateInhibitCallback callback, void *opaque)
{
    vxlDriver *driver;
    g_autofree char *configFile = NULL;

    if (root) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("the Xen driver does not support embedded mode"));
        return VIR_DRV_STATE_INIT_ERROR;
    }

    driver = g_new0(vxlDriver, 1);
    if (virMutexInit(&driver->lock) < 0 || virCondInit(&driver->startCond) < 0) {
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

    /* The range libvirt's Xen and QEMU drivers take display ports from:
     * VNC displays start at 5900. */
    if (!(driver->graphicsPorts = virPortAllocatorRangeNew(_("graphics"),
                                                           VXL_GRAPHICS_PORT_MIN,
                                                           VXL_GRAPHICS_PORT_MAX)) ||
        !(driver->xmlopt = vxlDomainXMLOptionNew()) ||
        !(driver->domains = virDomainObjListNew()) ||
        !(driver->domainEventState = virObjectEventStateNew()))
        goto error;

    vxl_driver = driver;
    if (vxlStateOpenBackend(driver) < 0)
        goto error;

    if (driver->backend) {
        if (vxlDomainLoadAll(driver) < 0)
            goto error;
        vxlDomainAutostartAll(driver);
    }
    return VIR_DRV_STATE_INIT_COMPLETE;

 error:
    vxl_driver = NULL;
    vxlDriverFree(driver);
    return VIR_DRV_STATE_INIT_ERROR;
}

int
vxlStateCleanup(void)
{
    if (!vxl_driver)
        return -1;
    /* Domains keep running: a daemon restart reconnects to them. */
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
