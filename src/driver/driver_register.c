/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_register.c: the module's one exported symbol and its tables.
 *
 * driver_loader.c (libvirt_driver_libxl.so, what libvirtd loads) checks
 * the libvirt version and then calls vxlDriverRegister here. The check is
 * repeated because this file can also be loaded by hand.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "virerror.h"
#include "virlog.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_register");

static virHypervisorDriver vxlHypervisorDriver = {
    .name = "Xen",
    .connectURIProbe = NULL,
    .connectOpen = vxlConnectOpen,
    .connectClose = vxlConnectClose,
    .connectGetType = vxlConnectGetType,
    .connectGetVersion = vxlConnectGetVersion,
    .connectGetHostname = vxlConnectGetHostname,
    .connectGetSysinfo = vxlConnectGetSysinfo,
    .connectGetMaxVcpus = vxlConnectGetMaxVcpus,
    .connectGetCapabilities = vxlConnectGetCapabilities,
    .connectGetDomainCapabilities = vxlConnectGetDomainCapabilities,
    .connectIsAlive = vxlConnectIsAlive,
    .connectIsSecure = vxlConnectIsSecure,
    .connectIsEncrypted = vxlConnectIsEncrypted,
    .connectSupportsFeature = vxlConnectSupportsFeature,
    .nodeGetInfo = vxlNodeGetInfo,
    .nodeGetCPUMap = vxlNodeGetCPUMap,
    .nodeGetFreeMemory = vxlNodeGetFreeMemory,
    .nodeGetCellsFreeMemory = vxlNodeGetCellsFreeMemory,
    .connectListDomains = vxlConnectListDomains,
    .connectNumOfDomains = vxlConnectNumOfDomains,
    .connectListDefinedDomains = vxlConnectListDefinedDomains,
    .connectNumOfDefinedDomains = vxlConnectNumOfDefinedDomains,
    .connectListAllDomains = vxlConnectListAllDomains,
    .domainLookupByID = vxlDomainLookupByID,
    .domainLookupByUUID = vxlDomainLookupByUUID,
    .domainLookupByName = vxlDomainLookupByName,
    .domainDefineXML = vxlDomainDefineXML,
    .domainDefineXMLFlags = vxlDomainDefineXMLFlags,
    .domainUndefine = vxlDomainUndefine,
    .domainUndefineFlags = vxlDomainUndefineFlags,
    .domainCreate = vxlDomainCreate,
    .domainCreateWithFlags = vxlDomainCreateWithFlags,
    .domainCreateXML = vxlDomainCreateXML,
    .domainDestroy = vxlDomainDestroy,
    .domainDestroyFlags = vxlDomainDestroyFlags,
    .domainShutdown = vxlDomainShutdown,
    .domainShutdownFlags = vxlDomainShutdownFlags,
    .domainReboot = vxlDomainReboot,
    .domainSuspend = vxlDomainSuspend,
    .domainResume = vxlDomainResume,
    .domainGetInfo = vxlDomainGetInfo,
    .domainGetState = vxlDomainGetState,
    .domainGetXMLDesc = vxlDomainGetXMLDesc,
    .domainIsActive = vxlDomainIsActive,
    .domainIsPersistent = vxlDomainIsPersistent,
    .domainIsUpdated = vxlDomainIsUpdated,
    .domainGetAutostart = vxlDomainGetAutostart,
    .domainSetAutostart = vxlDomainSetAutostart,
    .domainGetOSType = vxlDomainGetOSType,
    .domainGetMaxMemory = vxlDomainGetMaxMemory,
    .domainSetMaxMemory = vxlDomainSetMaxMemory,
    .domainSetMemory = vxlDomainSetMemory,
    .domainSetMemoryFlags = vxlDomainSetMemoryFlags,
    .domainSetVcpus = vxlDomainSetVcpus,
    .domainSetVcpusFlags = vxlDomainSetVcpusFlags,
    .domainSetVcpu = vxlDomainSetVcpu,
    .domainGetVcpusFlags = vxlDomainGetVcpusFlags,
    .domainGetMaxVcpus = vxlDomainGetMaxVcpus,
    .domainGetVcpus = vxlDomainGetVcpus,
    .domainGetVcpuPinInfo = vxlDomainGetVcpuPinInfo,
    .domainPinVcpu = vxlDomainPinVcpu,
    .domainPinVcpuFlags = vxlDomainPinVcpuFlags,
    .domainCoreDump = vxlDomainCoreDump,
    .domainCoreDumpWithFormat = vxlDomainCoreDumpWithFormat,
    .domainOpenConsole = vxlDomainOpenConsole,
    .domainOpenChannel = vxlDomainOpenChannel,
    .domainHasManagedSaveImage = vxlDomainHasManagedSaveImage,
    .domainAttachDevice = vxlDomainAttachDevice,
    .domainAttachDeviceFlags = vxlDomainAttachDeviceFlags,
    .domainDetachDevice = vxlDomainDetachDevice,
    .domainDetachDeviceFlags = vxlDomainDetachDeviceFlags,
    .domainDetachDeviceAlias = vxlDomainDetachDeviceAlias,
    .domainUpdateDeviceFlags = vxlDomainUpdateDeviceFlags,
    .connectDomainXMLFromNative = vxlConnectDomainXMLFromNative,
    .connectDomainXMLToNative = vxlConnectDomainXMLToNative,
    .connectDomainEventRegister = vxlConnectDomainEventRegister,
    .connectDomainEventDeregister = vxlConnectDomainEventDeregister,
    .connectDomainEventRegisterAny = vxlConnectDomainEventRegisterAny,
    .connectDomainEventDeregisterAny = vxlConnectDomainEventDeregisterAny,
    /* migration */
    .domainMigrateBegin3Params = vxlDomainMigrateBegin3Params,
    .domainMigratePrepare3Params = vxlDomainMigratePrepare3Params,
    .domainMigratePrepareTunnel3Params = vxlDomainMigratePrepareTunnel3Params,
    .domainMigratePerform3Params = vxlDomainMigratePerform3Params,
    .domainMigratePerform3 = vxlDomainMigratePerform3,
    .domainMigrateFinish3Params = vxlDomainMigrateFinish3Params,
    .domainMigrateConfirm3Params = vxlDomainMigrateConfirm3Params,
    .domainMigrateSetMaxSpeed = vxlDomainMigrateSetMaxSpeed,
    .domainMigrateGetMaxSpeed = vxlDomainMigrateGetMaxSpeed,
    .domainMigrateSetMaxDowntime = vxlDomainMigrateSetMaxDowntime,
    /* asynchronous jobs (driver_jobs.c) */
    .domainGetJobInfo = vxlDomainGetJobInfo,
    .domainGetJobStats = vxlDomainGetJobStats,
    .domainAbortJob = vxlDomainAbortJob,
    /* save, restore, managed save (driver_save.c) */
    .domainSave = vxlDomainSave,
    .domainSaveFlags = vxlDomainSaveFlags,
    .domainRestore = vxlDomainRestore,
    .domainRestoreFlags = vxlDomainRestoreFlags,
    .domainSaveImageGetXMLDesc = vxlDomainSaveImageGetXMLDesc,
    .domainSaveImageDefineXML = vxlDomainSaveImageDefineXML,
    .domainManagedSave = vxlDomainManagedSave,
    .domainManagedSaveRemove = vxlDomainManagedSaveRemove,
    .domainManagedSaveGetXMLDesc = vxlDomainManagedSaveGetXMLDesc,
    .domainManagedSaveDefineXML = vxlDomainManagedSaveDefineXML,
    /* monitoring and tuning (driver_stats.c, driver_tuning.c) */
    .domainBlockStats = vxlDomainBlockStats,
    .domainBlockStatsFlags = vxlDomainBlockStatsFlags,
    .domainInterfaceStats = vxlDomainInterfaceStats,
    .domainMemoryStats = vxlDomainMemoryStats,
    .domainGetCPUStats = vxlDomainGetCPUStats,
    .connectGetAllDomainStats = vxlConnectGetAllDomainStats,
    .nodeGetCPUStats = vxlNodeGetCPUStats,
    .nodeGetMemoryStats = vxlNodeGetMemoryStats,
    .domainGetSchedulerType = vxlDomainGetSchedulerType,
    .domainGetSchedulerParameters = vxlDomainGetSchedulerParameters,
    .domainGetSchedulerParametersFlags = vxlDomainGetSchedulerParametersFlags,
    .domainSetSchedulerParameters = vxlDomainSetSchedulerParameters,
    .domainSetSchedulerParametersFlags = vxlDomainSetSchedulerParametersFlags,
    .domainSetMetadata = vxlDomainSetMetadata,
    .domainGetMetadata = vxlDomainGetMetadata,
    .domainGetNumaParameters = vxlDomainGetNumaParameters,
    .domainGetMessages = vxlDomainGetMessages,
    .nodeGetSecurityModel = vxlNodeGetSecurityModel,
    .domainGetSecurityLabel = vxlDomainGetSecurityLabel,
    .domainGetBlockInfo = vxlDomainGetBlockInfo,
    .domainRename = vxlDomainRename,
    .domainBlockResize = vxlDomainBlockResize,
    /* control (driver_control.c) */
    .domainReset = vxlDomainReset,
    .domainInjectNMI = vxlDomainInjectNMI,
    .domainSendKey = vxlDomainSendKey,
    .domainScreenshot = vxlDomainScreenshot,
    .domainPMSuspendForDuration = vxlDomainPMSuspendForDuration,
    .domainPMWakeup = vxlDomainPMWakeup,
    /* PCI devices (driver_pci.c) */
    .nodeDeviceDettach = vxlNodeDeviceDettach,
    .nodeDeviceDetachFlags = vxlNodeDeviceDetachFlags,
    .nodeDeviceReAttach = vxlNodeDeviceReAttach,
    .nodeDeviceReset = vxlNodeDeviceReset,
    /* guest addresses (driver_ifaddr.c) */
    .domainInterfaceAddresses = vxlDomainInterfaceAddresses,
    /* guest agent (driver_agent.c) */
    .domainGetTime = vxlDomainGetTime,
    .domainSetTime = vxlDomainSetTime,
    .domainFSFreeze = vxlDomainFSFreeze,
    .domainFSThaw = vxlDomainFSThaw,
    .domainSetUserPassword = vxlDomainSetUserPassword,
    .domainGetHostname = vxlDomainGetHostname,
    .domainAgentSetResponseTimeout = vxlDomainAgentSetResponseTimeout,
    .domainGetGuestInfo = vxlDomainGetGuestInfo,
    /* CPU models (driver_cpu.c) */
    .connectCompareCPU = vxlConnectCompareCPU,
    .connectCompareHypervisorCPU = vxlConnectCompareHypervisorCPU,
    .connectBaselineCPU = vxlConnectBaselineCPU,
    .connectBaselineHypervisorCPU = vxlConnectBaselineHypervisorCPU,
    .connectGetCPUModelNames = vxlConnectGetCPUModelNames,
    /* snapshots (driver_snapshot.c) */
    .domainSnapshotCreateXML = vxlDomainSnapshotCreateXML,
    .domainListAllSnapshots = vxlDomainListAllSnapshots,
    .domainSnapshotNum = vxlDomainSnapshotNum,
    .domainSnapshotListNames = vxlDomainSnapshotListNames,
    .domainSnapshotListAllChildren = vxlDomainSnapshotListAllChildren,
    .domainSnapshotNumChildren = vxlDomainSnapshotNumChildren,
    .domainSnapshotListChildrenNames = vxlDomainSnapshotListChildrenNames,
    .domainSnapshotLookupByName = vxlDomainSnapshotLookupByName,
    .domainHasCurrentSnapshot = vxlDomainHasCurrentSnapshot,
    .domainSnapshotCurrent = vxlDomainSnapshotCurrent,
    .domainSnapshotGetParent = vxlDomainSnapshotGetParent,
    .domainSnapshotGetXMLDesc = vxlDomainSnapshotGetXMLDesc,
    .domainSnapshotIsCurrent = vxlDomainSnapshotIsCurrent,
    .domainSnapshotHasMetadata = vxlDomainSnapshotHasMetadata,
    .domainRevertToSnapshot = vxlDomainRevertToSnapshot,
    .domainSnapshotDelete = vxlDomainSnapshotDelete,
    /* breadth: what virsh, virt-manager and Nova call beyond the above
     * (driver_save_params.c, driver_control_info.c,
     * driver_empty_answers.c, driver_refusals.c,
     * driver_lifecycle_action.c, driver_node_pages.c, driver_iftune.c,
     * driver_graphics_fd.c, driver_agent_guest.c) */
    .domainSaveParams = vxlDomainSaveParams,
    .domainRestoreParams = vxlDomainRestoreParams,
    .domainGetControlInfo = vxlDomainGetControlInfo,
    .domainGetDiskErrors = vxlDomainGetDiskErrors,
    .domainGetIOThreadInfo = vxlDomainGetIOThreadInfo,
    .domainGetSecurityLabelList = vxlDomainGetSecurityLabelList,
    .domainMigrateGetMaxDowntime = vxlDomainMigrateGetMaxDowntime,
    .domainSetMemoryStatsPeriod = vxlDomainSetMemoryStatsPeriod,
    .domainSetLifecycleAction = vxlDomainSetLifecycleAction,
    .nodeGetFreePages = vxlNodeGetFreePages,
    .domainGetInterfaceParameters = vxlDomainGetInterfaceParameters,
    .domainSetInterfaceParameters = vxlDomainSetInterfaceParameters,
    .domainOpenGraphicsFD = vxlDomainOpenGraphicsFD,
    .domainOpenGraphics = vxlDomainOpenGraphics,
    .domainGetGuestVcpus = vxlDomainGetGuestVcpus,
    .domainSetGuestVcpus = vxlDomainSetGuestVcpus,
    .domainGetFSInfo = vxlDomainGetFSInfo,
    .domainFSTrim = vxlDomainFSTrim,
    /* migration refusals (driver_refusals.c) */
    .domainMigrateGetCompressionCache = vxlDomainMigrateGetCompressionCache,
    .domainMigrateSetCompressionCache = vxlDomainMigrateSetCompressionCache,
};

static const char *vxlURISchemes[] = { VXL_URI_SCHEME, NULL };

static virConnectDriver vxlConnectDriver = {
    .localOnly = true,
    .uriSchemes = vxlURISchemes,
    .hypervisorDriver = &vxlHypervisorDriver,
};

/* Node devices for a host libvirt's node device driver cannot see (the
 * simulator's): installed at state initialization, and only where that
 * driver is not loaded. Connections opened later use it. */
void
vxlDriverInstallNodeDevices(void)
{
    if (!vxlConnectDriver.nodeDeviceDriver)
        vxlConnectDriver.nodeDeviceDriver = &vxlSimNodeDeviceDriver;
}

static virStateDriver vxlStateDriver = {
    .name = "LIBXL",
    .stateInitialize = vxlStateInitialize,
    .stateCleanup = vxlStateCleanup,
    .stateReload = vxlStateReload,
    .stateShutdownPrepare = vxlStateShutdownPrepare,
    .stateShutdownWait = vxlStateShutdownWait,
};

static int
vxlCheckLibvirtVersion(void)
{
    unsigned long running = 0;

    if (virGetVersion(&running, NULL, NULL) < 0)
        return -1;
    if (running != VXL_LIBVIRT_VERSION_NUMBER) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("virtxl's Xen driver was built for libvirt %d.%d.%d (Debian %s) but the running libvirt is %lu.%lu.%lu; rebuild the driver against this libvirt"),
                       VXL_LIBVIRT_VERSION_NUMBER / 1000000,
                       (VXL_LIBVIRT_VERSION_NUMBER / 1000) % 1000,
                       VXL_LIBVIRT_VERSION_NUMBER % 1000,
                       VXL_LIBVIRT_PACKAGE_VERSION,
                       running / 1000000, (running / 1000) % 1000,
                       running % 1000);
        VIR_ERROR("%s", virGetLastErrorMessage());
        return -1;
    }
    return 0;
}

VXL_EXPORT int vxlDriverRegister(void);

int
vxlDriverRegister(void)
{
    if (vxlCheckLibvirtVersion() < 0)
        return -1;
    vxlDriverI18nInit();
    if (virRegisterConnectDriver(&vxlConnectDriver, true) < 0)
        return -1;
    if (virRegisterStateDriver(&vxlStateDriver) < 0)
        return -1;
    return 0;
}
