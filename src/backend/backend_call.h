/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_call.h: how the driver calls a backend.
 *
 * Every call goes through these wrappers rather than be->ops directly, so
 * that one place (backend_fault.c) can make any hook fail on demand, and
 * a hook a backend lacks gets a uniform VIR_ERR_NO_SUPPORT. Semantics are
 * those of the hooks in include/virtxl/backend.h.
 */
#pragma once

#include "virtxl/backend.h"

int vxlBackendOpen(vxlBackend *be, const vxlBackendConfig *cfg);
void vxlBackendClose(vxlBackend *be);
const char *vxlBackendName(vxlBackend *be);

int vxlBackendHostGetFacts(vxlBackend *be, vxlHostFacts *facts);
int vxlBackendHostGetFreeMemory(vxlBackend *be, unsigned long long *freeKiB);

int vxlBackendDomainCreate(vxlBackend *be, libxl_domain_config *dcfg,
                           const vxlGuestScript *script, bool paused,
                           uint32_t *domid);
int vxlBackendDomainDestroy(vxlBackend *be, uint32_t domid);
int vxlBackendDomainShutdown(vxlBackend *be, uint32_t domid,
                             unsigned int modes);
int vxlBackendDomainReboot(vxlBackend *be, uint32_t domid,
                           unsigned int modes);
int vxlBackendDomainPause(vxlBackend *be, uint32_t domid);
int vxlBackendDomainUnpause(vxlBackend *be, uint32_t domid);
int vxlBackendDomainRename(vxlBackend *be, uint32_t domid, const char *name,
                           const unsigned char *uuid);
int vxlBackendDomainGetInfo(vxlBackend *be, uint32_t domid,
                            vxlDomainInfo *info);
int vxlBackendDomainList(vxlBackend *be, vxlDomainInfo **infos,
                         size_t *ninfos);
int vxlBackendDomainSetMemory(vxlBackend *be, uint32_t domid,
                              unsigned long long targetKiB);
int vxlBackendDomainSetMaxMemory(vxlBackend *be, uint32_t domid,
                                 unsigned long long maxKiB);
int vxlBackendDomainSetVcpusOnline(vxlBackend *be, uint32_t domid,
                                   unsigned int nvcpus);
int vxlBackendDomainCoreDump(vxlBackend *be, uint32_t domid,
                             const char *path, vxlJobToken *token);
int vxlBackendDomainConsolePath(vxlBackend *be, uint32_t domid,
                                vxlConsoleKind kind, int num, char **path);
int vxlBackendDomainGetVcpus(vxlBackend *be, uint32_t domid,
                             vxlVcpuInfo **infos, size_t *ninfos);
int vxlBackendDomainPinVcpu(vxlBackend *be, uint32_t domid, unsigned int vcpu,
                            const char *cpuset);
int vxlBackendDomainDiskAdd(vxlBackend *be, uint32_t domid,
                            libxl_device_disk *xdisk);
int vxlBackendDomainDiskRemove(vxlBackend *be, uint32_t domid,
                               const char *vdev);
int vxlBackendDomainNicAdd(vxlBackend *be, uint32_t domid,
                           libxl_device_nic *xnic);
int vxlBackendDomainNicRemove(vxlBackend *be, uint32_t domid,
                              const char *mac);
int vxlBackendDomainCdromInsert(vxlBackend *be, uint32_t domid,
                                libxl_device_disk *xdisk);
int vxlBackendDomainCreateCancel(vxlBackend *be, const unsigned char *uuid);

/* migration */
int vxlBackendDomainMigrateSend(vxlBackend *be, uint32_t domid,
                                vxlMigrateStream *st);
int vxlBackendDomainMigrateResume(vxlBackend *be, uint32_t domid, bool paused);
int vxlBackendDomainMigrateReceive(vxlBackend *be, libxl_domain_config *dcfg,
                                   const vxlGuestScript *script,
                                   vxlMigrateStream *st, uint32_t *domid);
/* save and restore */
int vxlBackendDomainSave(vxlBackend *be, uint32_t domid, int fd,
                         vxlJobToken *token);
int vxlBackendDomainRestore(vxlBackend *be, libxl_domain_config *dcfg,
                            const vxlGuestScript *script, int fd,
                            vxlJobToken *token, uint32_t *domid);

/* control */
int vxlBackendDomainReset(vxlBackend *be, uint32_t domid);
int vxlBackendDomainInjectNMI(vxlBackend *be, uint32_t domid);
int vxlBackendDomainSendKeys(vxlBackend *be, uint32_t domid,
                             const unsigned int *keys, size_t nkeys,
                             unsigned int holdMs);
int vxlBackendDomainScreenshot(vxlBackend *be, uint32_t domid,
                               const char *path);
int vxlBackendDomainPMSuspend(vxlBackend *be, uint32_t domid);
int vxlBackendDomainPMWakeup(vxlBackend *be, uint32_t domid);

/* PCI devices */
int vxlBackendHostPciList(vxlBackend *be, vxlHostPci **devs, size_t *ndevs);
int vxlBackendHostPciAssignable(vxlBackend *be, const libxl_device_pci *pci,
                                bool assignable, bool rebind);
int vxlBackendHostPciReset(vxlBackend *be, const libxl_device_pci *pci);
int vxlBackendDomainPciAdd(vxlBackend *be, uint32_t domid,
                           libxl_device_pci *pci);
int vxlBackendDomainPciRemove(vxlBackend *be, uint32_t domid,
                              const libxl_device_pci *pci);

/* guest addresses */
int vxlBackendHostNeighbours(vxlBackend *be, vxlNeighbour **list, size_t *n);

/* breadth */
int vxlBackendDomainNicSetRate(vxlBackend *be, uint32_t domid, const char *mac,
                               uint64_t bytes, uint32_t usecs);

#ifdef VXL_TEST_HOOKS
/* backend_fault.c, test builds only (meson -Dtest_hooks=true): returns
 * -1 with an error reported when the armed fault fires for @hook; 0
 * otherwise. Also picks up a fault armed by a test through the control
 * file "<stateDir>/fault-inject" (one line: "HOOK N"), consuming the
 * file. */
int vxlBackendFaultCheck(vxlBackend *be, const char *hook);
void vxlBackendFaultSetControlDir(vxlBackend *be, const char *dir);
void vxlBackendFaultFree(vxlBackend *be);
#else
/* A shipped module has no fault injection: every backend call goes
 * straight to its hook, with no lock and no file lookup. */
static inline int
vxlBackendFaultCheck(vxlBackend *be G_GNUC_UNUSED, const char *hook G_GNUC_UNUSED)
{
    return 0;
}
static inline void
vxlBackendFaultSetControlDir(vxlBackend *be G_GNUC_UNUSED, const char *dir G_GNUC_UNUSED)
{
}
static inline void
vxlBackendFaultFree(vxlBackend *be G_GNUC_UNUSED)
{
}
#endif

/* backend_monitor.c: monitoring and tuning */
int vxlBackendHostGetDom0(vxlBackend *be, vxlDomainInfo *info);
int vxlBackendHostGetCpuTimes(vxlBackend *be, vxlHostCpuTime **times,
                              size_t *ntimes);
int vxlBackendDomainGetBlockStats(vxlBackend *be, uint32_t domid,
                                  const char *vdev, vxlBlockStats *stats);
int vxlBackendDomainGetNicStats(vxlBackend *be, uint32_t domid, const char *mac,
                                vxlNicStats *stats);
int vxlBackendDomainGetMemoryStats(vxlBackend *be, uint32_t domid,
                                   vxlMemoryStats *stats);
int vxlBackendDomainGetSchedParams(vxlBackend *be, uint32_t domid,
                                   vxlSchedParams *params);
int vxlBackendDomainSetSchedParams(vxlBackend *be, uint32_t domid,
                                   const vxlSchedParams *params);
int vxlBackendDomainBlockResize(vxlBackend *be, uint32_t domid,
                                const char *vdev, unsigned long long bytes);
