/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_entry.h: the driver table's functions, grouped by the file that
 * implements them. Each is "vxl" + the virHypervisorDriver field name.
 */
#pragma once

#include "vxl_driver.h"
#include "driver_skeleton.h"

/* driver_i18n.c: bind the module's message catalogue; at load. */
void vxlDriverI18nInit(void);

/* driver_state.c */
virDrvStateInitResult vxlStateInitialize(bool privileged, const char *root,
                                         bool monolithic,
                                         virStateInhibitCallback callback,
                                         void *opaque);
int vxlStateCleanup(void);
int vxlStateReload(void);

/* driver_connect.c */
virDrvOpenStatus vxlConnectOpen(virConnectPtr conn, virConnectAuthPtr auth,
                                virConf *conf, unsigned int flags);
int vxlConnectClose(virConnectPtr conn);
const char *vxlConnectGetType(virConnectPtr conn);
int vxlConnectGetVersion(virConnectPtr conn, unsigned long *version);
char *vxlConnectGetHostname(virConnectPtr conn);
int vxlConnectGetMaxVcpus(virConnectPtr conn, const char *type);
char *vxlConnectGetCapabilities(virConnectPtr conn);
char *vxlConnectGetSysinfo(virConnectPtr conn, unsigned int flags);
int vxlConnectIsAlive(virConnectPtr conn);
int vxlConnectIsSecure(virConnectPtr conn);
int vxlConnectIsEncrypted(virConnectPtr conn);
int vxlConnectSupportsFeature(virConnectPtr conn, int feature);
int vxlNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info);
int vxlNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap,
                     unsigned int *online, unsigned int flags);
unsigned long long vxlNodeGetFreeMemory(virConnectPtr conn);
int vxlNodeGetCellsFreeMemory(virConnectPtr conn, unsigned long long *freeMems,
                              int startCell, int maxCells);

/* driver_domcaps.c */
char *vxlConnectGetDomainCapabilities(virConnectPtr conn,
                                      const char *emulatorbin,
                                      const char *arch, const char *machine,
                                      const char *virttype, unsigned int flags);

/* driver_events.c */
int vxlConnectDomainEventRegister(virConnectPtr conn,
                                  virConnectDomainEventCallback callback,
                                  void *opaque, virFreeCallback freecb);
int vxlConnectDomainEventDeregister(virConnectPtr conn,
                                    virConnectDomainEventCallback callback);
int vxlConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom,
                                     int eventID,
                                     virConnectDomainEventGenericCallback callback,
                                     void *opaque, virFreeCallback freecb);
int vxlConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID);

/* driver_devices.c */
int vxlDomainAttachDevice(virDomainPtr dom, const char *xml);
int vxlDomainAttachDeviceFlags(virDomainPtr dom, const char *xml,
                               unsigned int flags);
int vxlDomainDetachDevice(virDomainPtr dom, const char *xml);
int vxlDomainDetachDeviceFlags(virDomainPtr dom, const char *xml,
                               unsigned int flags);
int vxlDomainDetachDeviceAlias(virDomainPtr dom, const char *alias,
                               unsigned int flags);
int vxlDomainUpdateDeviceFlags(virDomainPtr dom, const char *xml,
                               unsigned int flags);

/* driver_domain_list.c */
int vxlConnectListDomains(virConnectPtr conn, int *ids, int maxids);
int vxlConnectNumOfDomains(virConnectPtr conn);
int vxlConnectListDefinedDomains(virConnectPtr conn, char **const names,
                                 int maxnames);
int vxlConnectNumOfDefinedDomains(virConnectPtr conn);
int vxlConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                             unsigned int flags);
virDomainPtr vxlDomainLookupByID(virConnectPtr conn, int id);
virDomainPtr vxlDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virDomainPtr vxlDomainLookupByName(virConnectPtr conn, const char *name);

/* driver_lifecycle.c */
virDomainPtr vxlDomainDefineXML(virConnectPtr conn, const char *xml);
virDomainPtr vxlDomainDefineXMLFlags(virConnectPtr conn, const char *xml,
                                     unsigned int flags);
int vxlDomainUndefine(virDomainPtr dom);
int vxlDomainUndefineFlags(virDomainPtr dom, unsigned int flags);
int vxlDomainCreate(virDomainPtr dom);
int vxlDomainCreateWithFlags(virDomainPtr dom, unsigned int flags);
virDomainPtr vxlDomainCreateXML(virConnectPtr conn, const char *xml,
                                unsigned int flags);
int vxlDomainDestroy(virDomainPtr dom);
int vxlDomainDestroyFlags(virDomainPtr dom, unsigned int flags);
int vxlDomainShutdown(virDomainPtr dom);
int vxlDomainShutdownFlags(virDomainPtr dom, unsigned int flags);
int vxlDomainReboot(virDomainPtr dom, unsigned int flags);
int vxlDomainSuspend(virDomainPtr dom);
int vxlDomainResume(virDomainPtr dom);

/* driver_domain_query.c */
int vxlDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info);
int vxlDomainGetState(virDomainPtr dom, int *state, int *reason,
                      unsigned int flags);
char *vxlDomainGetXMLDesc(virDomainPtr dom, unsigned int flags);
int vxlDomainIsActive(virDomainPtr dom);
int vxlDomainIsPersistent(virDomainPtr dom);
int vxlDomainIsUpdated(virDomainPtr dom);
int vxlDomainGetAutostart(virDomainPtr dom, int *autostart);
int vxlDomainSetAutostart(virDomainPtr dom, int autostart);
char *vxlDomainGetOSType(virDomainPtr dom);
unsigned long long vxlDomainGetMaxMemory(virDomainPtr dom);
int vxlDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags);

/* driver_native.c */
char *vxlConnectDomainXMLFromNative(virConnectPtr conn, const char *nativeFormat,
                                    const char *nativeConfig, unsigned int flags);
char *vxlConnectDomainXMLToNative(virConnectPtr conn, const char *nativeFormat,
                                  const char *domainXml, unsigned int flags);

/* driver_resources.c */
int vxlDomainSetMemoryFlags(virDomainPtr dom, unsigned long memory,
                            unsigned int flags);
int vxlDomainSetMemory(virDomainPtr dom, unsigned long memory);
int vxlDomainSetMaxMemory(virDomainPtr dom, unsigned long memory);
int vxlDomainSetVcpu(virDomainPtr dom, const char *cpumap, int state,
                     unsigned int flags);
int vxlDomainSetVcpusFlags(virDomainPtr dom, unsigned int nvcpus,
                           unsigned int flags);
int vxlDomainSetVcpus(virDomainPtr dom, unsigned int nvcpus);
int vxlDomainGetVcpusFlags(virDomainPtr dom, unsigned int flags);
int vxlDomainGetMaxVcpus(virDomainPtr dom);
int vxlDomainGetVcpus(virDomainPtr dom, virVcpuInfoPtr info, int maxinfo,
                      unsigned char *cpumaps, int maplen);
int vxlDomainGetVcpuPinInfo(virDomainPtr dom, int ncpumaps, unsigned char *cpumaps,
                            int maplen, unsigned int flags);
int vxlDomainPinVcpuFlags(virDomainPtr dom, unsigned int vcpu,
                          unsigned char *cpumap, int maplen, unsigned int flags);
int vxlDomainPinVcpu(virDomainPtr dom, unsigned int vcpu, unsigned char *cpumap,
                     int maplen);
int vxlDomainCoreDumpWithFormat(virDomainPtr dom, const char *to,
                                unsigned int format, unsigned int flags);
int vxlDomainCoreDump(virDomainPtr dom, const char *to, unsigned int flags);

/* driver_console.c */
int vxlDomainOpenConsole(virDomainPtr dom, const char *dev_name,
                         virStreamPtr st, unsigned int flags);
int vxlDomainOpenChannel(virDomainPtr dom, const char *name,
                         virStreamPtr st, unsigned int flags);

/* driver_migrate.c */
char *vxlDomainMigrateBegin3Params(virDomainPtr domain, virTypedParameterPtr params,
                                   int nparams, char **cookieout, int *cookieoutlen,
                                   unsigned int flags);
int vxlDomainMigratePrepare3Params(virConnectPtr dconn, virTypedParameterPtr params,
                                   int nparams, const char *cookiein,
                                   int cookieinlen, char **cookieout,
                                   int *cookieoutlen, char **uri_out,
                                   unsigned int flags);
int vxlDomainMigratePrepareTunnel3Params(virConnectPtr dconn, virStreamPtr st,
                                         virTypedParameterPtr params, int nparams,
                                         const char *cookiein, int cookieinlen,
                                         char **cookieout, int *cookieoutlen,
                                         unsigned int flags);
int vxlDomainMigratePerform3Params(virDomainPtr dom, const char *dconnuri,
                                   virTypedParameterPtr params, int nparams,
                                   const char *cookiein, int cookieinlen,
                                   char **cookieout, int *cookieoutlen,
                                   unsigned int flags);
int vxlDomainMigratePerform3(virDomainPtr dom, const char *xmlin,
                             const char *cookiein, int cookieinlen,
                             char **cookieout, int *cookieoutlen,
                             const char *dconnuri, const char *uri,
                             unsigned long flags, const char *dname,
                             unsigned long resource);
virDomainPtr vxlDomainMigrateFinish3Params(virConnectPtr dconn,
                                           virTypedParameterPtr params,
                                           int nparams, const char *cookiein,
                                           int cookieinlen, char **cookieout,
                                           int *cookieoutlen, unsigned int flags,
                                           int cancelled);
int vxlDomainMigrateConfirm3Params(virDomainPtr domain, virTypedParameterPtr params,
                                   int nparams, const char *cookiein,
                                   int cookieinlen, unsigned int flags,
                                   int cancelled);
int vxlDomainMigrateSetMaxSpeed(virDomainPtr dom, unsigned long bandwidth,
                                unsigned int flags);
int vxlDomainMigrateGetMaxSpeed(virDomainPtr dom, unsigned long *bandwidth,
                                unsigned int flags);
int vxlDomainMigrateSetMaxDowntime(virDomainPtr dom, unsigned long long downtime,
                                   unsigned int flags);
/* driver_jobs.c (asynchronous jobs: progress, statistics, abort) */
int vxlDomainGetJobInfo(virDomainPtr dom, virDomainJobInfoPtr info);
int vxlDomainGetJobStats(virDomainPtr dom, int *type,
                         virTypedParameterPtr *params, int *nparams,
                         unsigned int flags);
int vxlDomainAbortJob(virDomainPtr dom);

/* driver_save.c (save, restore, managed save) */
int vxlDomainSave(virDomainPtr dom, const char *to);
int vxlDomainSaveEntry(virDomainPtr dom, vxlEntryACL acl, const char *to,
                       const char *dxml, unsigned int flags);
int vxlDomainSaveFlags(virDomainPtr dom, const char *to, const char *dxml,
                       unsigned int flags);
int vxlDomainRestore(virConnectPtr conn, const char *from);
int vxlDomainRestoreFlags(virConnectPtr conn, const char *from,
                          const char *dxml, unsigned int flags);
char *vxlDomainSaveImageGetXMLDesc(virConnectPtr conn, const char *path,
                                   unsigned int flags);
int vxlDomainSaveImageDefineXML(virConnectPtr conn, const char *path,
                                const char *dxml, unsigned int flags);
int vxlDomainManagedSave(virDomainPtr dom, unsigned int flags);
int vxlDomainManagedSaveRemove(virDomainPtr dom, unsigned int flags);
char *vxlDomainManagedSaveGetXMLDesc(virDomainPtr dom, unsigned int flags);
int vxlDomainManagedSaveDefineXML(virDomainPtr dom, const char *dxml,
                                  unsigned int flags);
/* driver_stats.c */
int vxlDomainBlockStats(virDomainPtr dom, const char *path,
                        virDomainBlockStatsPtr stats);
int vxlDomainBlockStatsFlags(virDomainPtr dom, const char *path,
                             virTypedParameterPtr params, int *nparams,
                             unsigned int flags);
int vxlDomainInterfaceStats(virDomainPtr dom, const char *device,
                            virDomainInterfaceStatsPtr stats);
int vxlDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats,
                         unsigned int nr_stats, unsigned int flags);
int vxlDomainGetCPUStats(virDomainPtr dom, virTypedParameterPtr params,
                         unsigned int nparams, int start_cpu,
                         unsigned int ncpus, unsigned int flags);
int vxlConnectGetAllDomainStats(virConnectPtr conn, virDomainPtr *doms,
                                unsigned int ndoms, unsigned int stats,
                                virDomainStatsRecordPtr **retStats,
                                unsigned int flags);
int vxlNodeGetCPUStats(virConnectPtr conn, int cpuNum,
                       virNodeCPUStatsPtr params, int *nparams,
                       unsigned int flags);
int vxlNodeGetMemoryStats(virConnectPtr conn, int cellNum,
                          virNodeMemoryStatsPtr params, int *nparams,
                          unsigned int flags);

/* driver_tuning.c */
char *vxlDomainGetSchedulerType(virDomainPtr dom, int *nparams);
int vxlDomainGetSchedulerParameters(virDomainPtr dom, virTypedParameterPtr params,
                                    int *nparams);
int vxlDomainGetSchedulerParametersFlags(virDomainPtr dom,
                                         virTypedParameterPtr params,
                                         int *nparams, unsigned int flags);
int vxlDomainSetSchedulerParameters(virDomainPtr dom, virTypedParameterPtr params,
                                    int nparams);
int vxlDomainSetSchedulerParametersFlags(virDomainPtr dom,
                                         virTypedParameterPtr params,
                                         int nparams, unsigned int flags);
int vxlDomainSetMetadata(virDomainPtr dom, int type, const char *metadata,
                         const char *key, const char *uri, unsigned int flags);
char *vxlDomainGetMetadata(virDomainPtr dom, int type, const char *uri,
                           unsigned int flags);
int vxlDomainGetNumaParameters(virDomainPtr dom, virTypedParameterPtr params,
                               int *nparams, unsigned int flags);
int vxlDomainGetMessages(virDomainPtr dom, char ***msgs, unsigned int flags);
int vxlNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel);
int vxlDomainGetSecurityLabel(virDomainPtr dom, virSecurityLabelPtr seclabel);
int vxlDomainGetBlockInfo(virDomainPtr dom, const char *path,
                          virDomainBlockInfoPtr info, unsigned int flags);
int vxlDomainRename(virDomainPtr dom, const char *new_name, unsigned int flags);
int vxlDomainBlockResize(virDomainPtr dom, const char *path,
                         unsigned long long size, unsigned int flags);
/* driver_control.c */
int vxlDomainReset(virDomainPtr dom, unsigned int flags);
int vxlDomainInjectNMI(virDomainPtr dom, unsigned int flags);
int vxlDomainSendKey(virDomainPtr dom, unsigned int codeset,
                     unsigned int holdtime, unsigned int *keycodes,
                     int nkeycodes, unsigned int flags);
char *vxlDomainScreenshot(virDomainPtr dom, virStreamPtr st,
                          unsigned int screen, unsigned int flags);
int vxlDomainPMSuspendForDuration(virDomainPtr dom, unsigned int target,
                                  unsigned long long duration,
                                  unsigned int flags);
int vxlDomainPMWakeup(virDomainPtr dom, unsigned int flags);

/* driver_cpu.c */
int vxlConnectCompareCPU(virConnectPtr conn, const char *xmlDesc,
                         unsigned int flags);
int vxlConnectCompareHypervisorCPU(virConnectPtr conn, const char *emulator,
                                   const char *archStr, const char *machine,
                                   const char *virttype, const char *xmlCPU,
                                   unsigned int flags);
char *vxlConnectBaselineCPU(virConnectPtr conn, const char **xmlCPUs,
                            unsigned int ncpus, unsigned int flags);
char *vxlConnectBaselineHypervisorCPU(virConnectPtr conn, const char *emulator,
                                      const char *archStr, const char *machine,
                                      const char *virttype,
                                      const char **xmlCPUs,
                                      unsigned int ncpus, unsigned int flags);
int vxlConnectGetCPUModelNames(virConnectPtr conn, const char *archName,
                               char ***models, unsigned int flags);

/* driver_nodedev.c: the simulated host's node devices */
extern virNodeDeviceDriver vxlSimNodeDeviceDriver;
/* driver_register.c */
void vxlDriverInstallNodeDevices(void);

/* driver_pci.c */
int vxlNodeDeviceDettach(virNodeDevicePtr dev);
int vxlNodeDeviceDetachFlags(virNodeDevicePtr dev, const char *driverName,
                             unsigned int flags);
int vxlNodeDeviceReAttach(virNodeDevicePtr dev);
int vxlNodeDeviceReset(virNodeDevicePtr dev);

/* driver_ifaddr.c */
int vxlDomainInterfaceAddresses(virDomainPtr dom,
                                virDomainInterfacePtr **ifaces,
                                unsigned int source, unsigned int flags);

/* driver_agent.c */
int vxlDomainGetTime(virDomainPtr dom, long long *seconds,
                     unsigned int *nseconds, unsigned int flags);
int vxlDomainSetTime(virDomainPtr dom, long long seconds,
                     unsigned int nseconds, unsigned int flags);
int vxlDomainFSFreeze(virDomainPtr dom, const char **mountpoints,
                      unsigned int nmountpoints, unsigned int flags);
int vxlDomainFSThaw(virDomainPtr dom, const char **mountpoints,
                    unsigned int nmountpoints, unsigned int flags);
int vxlDomainSetUserPassword(virDomainPtr dom, const char *user,
                             const char *password, unsigned int flags);
char *vxlDomainGetHostname(virDomainPtr dom, unsigned int flags);
int vxlDomainAgentSetResponseTimeout(virDomainPtr dom, int timeout,
                                     unsigned int flags);
int vxlDomainGetGuestInfo(virDomainPtr dom, unsigned int types,
                          virTypedParameterPtr *params, int *nparams,
                          unsigned int flags);

/* driver_snapshot.c: snapshots */
virDomainSnapshotPtr vxlDomainSnapshotCreateXML(virDomainPtr dom, const char *xml,
                                                unsigned int flags);
int vxlDomainListAllSnapshots(virDomainPtr dom, virDomainSnapshotPtr **snaps,
                              unsigned int flags);
int vxlDomainSnapshotNum(virDomainPtr dom, unsigned int flags);
int vxlDomainSnapshotListNames(virDomainPtr dom, char **names, int nameslen,
                               unsigned int flags);
int vxlDomainSnapshotListAllChildren(virDomainSnapshotPtr snapshot,
                                     virDomainSnapshotPtr **snaps,
                                     unsigned int flags);
int vxlDomainSnapshotNumChildren(virDomainSnapshotPtr snapshot,
                                 unsigned int flags);
int vxlDomainSnapshotListChildrenNames(virDomainSnapshotPtr snapshot,
                                       char **names, int nameslen,
                                       unsigned int flags);
virDomainSnapshotPtr vxlDomainSnapshotLookupByName(virDomainPtr dom,
                                                   const char *name,
                                                   unsigned int flags);
int vxlDomainHasCurrentSnapshot(virDomainPtr dom, unsigned int flags);
virDomainSnapshotPtr vxlDomainSnapshotCurrent(virDomainPtr dom,
                                              unsigned int flags);
virDomainSnapshotPtr vxlDomainSnapshotGetParent(virDomainSnapshotPtr snapshot,
                                                unsigned int flags);
char *vxlDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snapshot,
                                  unsigned int flags);
int vxlDomainSnapshotIsCurrent(virDomainSnapshotPtr snapshot, unsigned int flags);
int vxlDomainSnapshotHasMetadata(virDomainSnapshotPtr snapshot,
                                 unsigned int flags);
int vxlDomainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags);
int vxlDomainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags);

/* --- breadth: calls clients make that other hypervisors answer --- */
/* driver_save_params.c */
int vxlDomainSaveParams(virDomainPtr dom, virTypedParameterPtr params,
                        int nparams, unsigned int flags);
int vxlDomainRestoreParams(virConnectPtr conn, virTypedParameterPtr params,
                           int nparams, unsigned int flags);
/* driver_control_info.c */
int vxlDomainGetControlInfo(virDomainPtr dom, virDomainControlInfoPtr info,
                            unsigned int flags);
/* driver_empty_answers.c */
int vxlDomainGetDiskErrors(virDomainPtr dom, virDomainDiskErrorPtr errors,
                           unsigned int maxerrors, unsigned int flags);
int vxlDomainGetIOThreadInfo(virDomainPtr dom, virDomainIOThreadInfoPtr **info,
                             unsigned int flags);
int vxlDomainGetSecurityLabelList(virDomainPtr dom,
                                  virSecurityLabelPtr *seclabels);
/* driver_refusals.c */
int vxlDomainMigrateGetMaxDowntime(virDomainPtr dom,
                                   unsigned long long *downtime,
                                   unsigned int flags);
int vxlDomainSetMemoryStatsPeriod(virDomainPtr dom, int period,
                                  unsigned int flags);
int vxlDomainMigrateGetCompressionCache(virDomainPtr dom,
                                        unsigned long long *cacheSize,
                                        unsigned int flags);
int vxlDomainMigrateSetCompressionCache(virDomainPtr dom,
                                        unsigned long long cacheSize,
                                        unsigned int flags);
/* driver_lifecycle_action.c */
int vxlDomainSetLifecycleAction(virDomainPtr dom, unsigned int type,
                                unsigned int action, unsigned int flags);
/* driver_node_pages.c */
int vxlNodeGetFreePages(virConnectPtr conn, unsigned int npages,
                        unsigned int *pages, int startCell,
                        unsigned int cellCount, unsigned long long *counts,
                        unsigned int flags);
/* driver_iftune.c */
int vxlDomainGetInterfaceParameters(virDomainPtr dom, const char *device,
                                    virTypedParameterPtr params, int *nparams,
                                    unsigned int flags);
int vxlDomainSetInterfaceParameters(virDomainPtr dom, const char *device,
                                    virTypedParameterPtr params, int nparams,
                                    unsigned int flags);
/* driver_graphics_fd.c */
int vxlDomainOpenGraphicsFD(virDomainPtr dom, unsigned int idx,
                            unsigned int flags);
int vxlDomainOpenGraphics(virDomainPtr dom, unsigned int idx, int fd,
                          unsigned int flags);
/* driver_agent_guest.c */
int vxlDomainGetGuestVcpus(virDomainPtr dom, virTypedParameterPtr *params,
                           unsigned int *nparams, unsigned int flags);
int vxlDomainSetGuestVcpus(virDomainPtr dom, const char *cpumap, int state,
                           unsigned int flags);
int vxlDomainGetFSInfo(virDomainPtr dom, virDomainFSInfoPtr **info,
                       unsigned int flags);
int vxlDomainFSTrim(virDomainPtr dom, const char *mountPoint,
                    unsigned long long minimum, unsigned int flags);
