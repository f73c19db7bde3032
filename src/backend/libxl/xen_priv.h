/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_priv.h: the libxl backend's shared state, private to src/backend/libxl.
 *
 * One vxlXen per driver (be->priv) owns one libxl_ctx. Lock rule (libxl's
 * "acquire libxl internal locks before caller register lock", libxl_event.h):
 * vxlXen.lock is taken inside libxl's osevent hooks, which libxl calls with
 * its own lock held, so no libxl function is ever called with
 * vxlXen.lock held.
 */
#pragma once

#include <libxl.h>
#include <libxl_utils.h>

#include "virtxl/backend.h"
#include "../backend_messages.h"
#include "virarch.h"
#include "virthread.h"

/* xentoollog -> virLog; remembers the last error per thread (xen_log.c) */
typedef struct _vxlXenLogger vxlXenLogger;

typedef struct _vxlXen {
    libxl_ctx *ctx;                 /* set at open, immutable until close */
    vxlXenLogger *logger;           /* immutable */
    const vxlBackendEvents *events; /* immutable */
    void *eventsOpaque;             /* immutable */
    bool autoballoon;               /* immutable: libxl.conf's autoballoon */

    virMutex lock;
    GHashTable *deathWatches;       /* lock: domid -> libxl_evgen_domain_death */
    GHashTable *timers;             /* lock: live vxlXenTimer, by pointer */
    GHashTable *detached;           /* lock: vxlXenDetached in flight, by pointer */
    bool closing;                   /* lock: close has begun */

    virMutex balloonLock;           /* one start at a time checks/frees memory */
} vxlXen;

/* xen_log.c */
vxlXenLogger *vxlXenLoggerNew(void);
void vxlXenLoggerFree(vxlXenLogger *logger);
xentoollog_logger *vxlXenLoggerXtl(vxlXenLogger *logger);
void vxlXenLogResetLastError(void);
/* The first error libxl logged on this thread since the last reset, or
 * NULL; valid until the next reset on this thread. */
const char *vxlXenLogLastError(void);
/* Make @msg this thread's first error, unless it has one: the error of
 * an asynchronous operation, which libxl logged on the thread that
 * completed it. */
void vxlXenLogAdoptError(const char *msg);

/* xen_error.c: the one place libxl's ERROR_* become VIR_ERR_*. @what says
 * what failed, e.g. "cannot pause domain 'web' (id 7)". */
void vxlXenReportError(int rc, const char *what);
int vxlXenErrorCode(int rc);

/* xen_event.c */
int vxlXenEventsInit(vxlXen *xen);
bool vxlXenEventsClose(vxlXen *xen);
void vxlXenEventsFree(vxlXen *xen);
int vxlXenWatchDeath(vxlXen *xen, uint32_t domid);
void vxlXenUnwatchDeath(vxlXen *xen, uint32_t domid);

/* An asynchronous libxl operation: started with vxlXenAoHow(), awaited
 * with vxlXenAoWait(). The completion arrives on libvirt's event loop. */
typedef struct _vxlXenAo {
    virMutex lock;
    virCond cond;
    bool done;                      /* lock */
    int rc;                         /* lock */
    char *error;                    /* lock; libxl's first error logged
                                     * while completing it, or NULL */
    libxl_asyncop_how how;
} vxlXenAo;

const libxl_asyncop_how *vxlXenAoInit(vxlXenAo *ao);
int vxlXenAoWait(vxlXenAo *ao, int rc);

/* An asynchronous libxl operation nobody waits for: the guest's
 * acknowledgement of a shutdown or reboot request, which may take as
 * long as the guest likes (forever, while it is paused). Its completion
 * is only logged. vxlXenDetachedHow() gives the ao_how for the libxl
 * call (NULL once close has begun: do not start it then), whose return
 * goes to vxlXenDetachedStarted(). Close aborts those still in flight,
 * since libxl_ctx_free() must not find any. @what names it in the log. */
const libxl_asyncop_how *vxlXenDetachedHow(vxlXen *xen, uint32_t domid,
                                           const char *what);
void vxlXenDetachedStarted(vxlXen *xen, const libxl_asyncop_how *how, int rc);

/* xen_cpu.c: the host CPU for vxlHostFacts. What dom0's /proc/cpuinfo
 * says of the first CPU (x86; family 0 = unknown). */
typedef struct _vxlXenCpuinfo {
    char *vendorId;                 /* CPUID vendor, "GenuineIntel" */
    unsigned int family;
    unsigned int model;
    unsigned int stepping;
    unsigned int microcode;
} vxlXenCpuinfo;

void vxlXenCpuinfoParse(const char *text, vxlXenCpuinfo *info);
void vxlXenCpuinfoClear(vxlXenCpuinfo *info);
uint32_t *vxlXenCpuFeatureset(size_t *nwords);
void vxlXenCpuDescribe(virArch arch, const vxlXenCpuinfo *info,
                       const uint32_t *words, size_t nwords,
                       vxlHostFacts *facts);
unsigned int vxlXenGicVersion(const char *dtRoot, const char *madtPath);

/* xen_host.c */
int vxlXenHostGetFacts(vxlBackend *be, vxlHostFacts *facts);
int vxlXenHostGetFreeMemory(vxlBackend *be, unsigned long long *freeKiB);
int vxlXenHostMakeRoom(vxlXen *xen, libxl_domain_config *dcfg);

/* xen_domain.c */

/* What we know of a live domain, for checks and messages. */
typedef struct {
    uint32_t domid;
    char *name;
    libxl_dominfo info;
} vxlXenDom;

void vxlXenDomClear(vxlXenDom *dom);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vxlXenDom, vxlXenDomClear);
/* Fill @dom for @domid; VIR_ERR_NO_DOMAIN for dom0 and unknown ids. */
int vxlXenLookup(vxlXen *xen, uint32_t domid, vxlXenDom *dom);
/* VIR_ERR_OPERATION_INVALID "cannot <@op> domain ..." unless the guest
 * still runs (the simulator's words, backend_messages.c). */
int vxlXenCheckAlive(const vxlXenDom *dom, vxlBackendOp op);
/* "cannot <@op> domain 'NAME' (id N)" with libxl's @rc. */
void vxlXenReportDomError(int rc, vxlBackendOp op, const vxlXenDom *dom);

int vxlXenDomainCreate(vxlBackend *be, libxl_domain_config *dcfg,
                       const vxlGuestScript *script, bool paused,
                       uint32_t *domid);
int vxlXenDomainDestroy(vxlBackend *be, uint32_t domid);
int vxlXenDomainShutdown(vxlBackend *be, uint32_t domid, unsigned int modes);
int vxlXenDomainReboot(vxlBackend *be, uint32_t domid, unsigned int modes);
int vxlXenDomainPause(vxlBackend *be, uint32_t domid);
int vxlXenDomainUnpause(vxlBackend *be, uint32_t domid);
int vxlXenDomainRename(vxlBackend *be, uint32_t domid, const char *name,
                       const unsigned char *uuid);
int vxlXenDomainGetInfo(vxlBackend *be, uint32_t domid, vxlDomainInfo *info);
int vxlXenDomainList(vxlBackend *be, vxlDomainInfo **infos, size_t *ninfos);
int vxlXenDomainSetMemory(vxlBackend *be, uint32_t domid,
                          unsigned long long targetKiB);
int vxlXenDomainSetMaxMemory(vxlBackend *be, uint32_t domid,
                             unsigned long long maxKiB);
int vxlXenDomainSetVcpusOnline(vxlBackend *be, uint32_t domid,
                               unsigned int nvcpus);
int vxlXenDomainCoreDump(vxlBackend *be, uint32_t domid, const char *path,
                         vxlJobToken *token);
/* Checks and cleanup a create shares with a restore. */
int vxlXenCheckUnique(vxlXen *xen, libxl_domain_config *dcfg);
int vxlXenCheckType(vxlXen *xen, libxl_domain_config *dcfg);
void vxlXenCreateCleanup(vxlXen *xen, uint32_t domid);

/* xen_save.c: save and restore through libxl's stream; long operations
 * with a job token. vxlXenAoWaitJob waits like vxlXenAoWait, meanwhile
 * reporting progress as the offset of @fd (or, @fd -1, the size of
 * @path) against @total bytes, and aborting the operation
 * (libxl_ao_abort) when the token is cancelled. */
int vxlXenAoWaitJob(vxlXen *xen, vxlXenAo *ao, int rc, vxlJobToken *token,
                    int fd, const char *path, unsigned long long total);
int vxlXenDomainSave(vxlBackend *be, uint32_t domid, int fd,
                     vxlJobToken *token);
int vxlXenDomainRestore(vxlBackend *be, libxl_domain_config *dcfg,
                        const vxlGuestScript *script, int fd,
                        vxlJobToken *token, uint32_t *domid);
/* xen_vcpu.c */
int vxlXenDomainGetVcpus(vxlBackend *be, uint32_t domid, vxlVcpuInfo **infos,
                         size_t *ninfos);
int vxlXenDomainPinVcpu(vxlBackend *be, uint32_t domid, unsigned int vcpu,
                        const char *cpuset);
/* xen_console.c */
int vxlXenDomainConsolePath(vxlBackend *be, uint32_t domid, vxlConsoleKind kind,
                            int num, char **path);
/* xen_domain.c */
int vxlXenWatchAll(vxlXen *xen);

/* xen_device.c: hotplug */
int vxlXenDomainDiskAdd(vxlBackend *be, uint32_t domid,
                        libxl_device_disk *xdisk);
int vxlXenDomainDiskRemove(vxlBackend *be, uint32_t domid, const char *vdev);
int vxlXenDomainNicAdd(vxlBackend *be, uint32_t domid,
                       libxl_device_nic *xnic);
int vxlXenDomainNicRemove(vxlBackend *be, uint32_t domid, const char *mac);
int vxlXenDomainCdromInsert(vxlBackend *be, uint32_t domid,
                            libxl_device_disk *xdisk);

/* xen_migrate.c: the migration hooks */
int vxlXenDomainMigrateSend(vxlBackend *be, uint32_t domid,
                            vxlMigrateStream *st);
int vxlXenDomainMigrateResume(vxlBackend *be, uint32_t domid, bool paused);
int vxlXenDomainMigrateReceive(vxlBackend *be, libxl_domain_config *dcfg,
                               const vxlGuestScript *script,
                               vxlMigrateStream *st, uint32_t *domid);
/* xen_monitor.c: statistics, Domain-0 and the scheduler */
int vxlXenHostGetDom0(vxlBackend *be, vxlDomainInfo *info);
int vxlXenHostGetCpuTimes(vxlBackend *be, vxlHostCpuTime **times,
                          size_t *ntimes);
int vxlXenDomainGetBlockStats(vxlBackend *be, uint32_t domid, const char *vdev,
                              vxlBlockStats *stats);
int vxlXenDomainGetNicStats(vxlBackend *be, uint32_t domid, const char *mac,
                            vxlNicStats *stats);
int vxlXenDomainGetMemoryStats(vxlBackend *be, uint32_t domid,
                               vxlMemoryStats *stats);
int vxlXenDomainGetSchedParams(vxlBackend *be, uint32_t domid,
                               vxlSchedParams *params);
int vxlXenDomainSetSchedParams(vxlBackend *be, uint32_t domid,
                               const vxlSchedParams *params);
int vxlXenDomainBlockResize(vxlBackend *be, uint32_t domid, const char *vdev,
                            unsigned long long bytes);
/* xen_control.c: reset, NMI, keys, screenshots, suspend to RAM */
int vxlXenDomainReset(vxlBackend *be, uint32_t domid);
int vxlXenDomainInjectNMI(vxlBackend *be, uint32_t domid);
int vxlXenDomainSendKeys(vxlBackend *be, uint32_t domid,
                         const unsigned int *keys, size_t nkeys,
                         unsigned int holdMs);
int vxlXenDomainScreenshot(vxlBackend *be, uint32_t domid, const char *path);
int vxlXenDomainPMSuspend(vxlBackend *be, uint32_t domid);
int vxlXenDomainPMWakeup(vxlBackend *be, uint32_t domid);

/* xen_pci.c: host PCI devices for guests */
int vxlXenHostPciAssignable(vxlBackend *be, const libxl_device_pci *pci,
                            bool assignable, bool rebind);
int vxlXenHostPciReset(vxlBackend *be, const libxl_device_pci *pci);
int vxlXenDomainPciAdd(vxlBackend *be, uint32_t domid, libxl_device_pci *pci);
int vxlXenDomainPciRemove(vxlBackend *be, uint32_t domid,
                          const libxl_device_pci *pci);

/* xen_net.c */
int vxlXenHostNeighbours(vxlBackend *be, vxlNeighbour **list, size_t *n);

/* xen_nic_rate.c */
int vxlXenDomainNicSetRate(vxlBackend *be, uint32_t domid, const char *mac,
                           uint64_t bytes, uint32_t usecs);
