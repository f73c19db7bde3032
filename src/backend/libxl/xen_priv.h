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

/* The backend's hooks (vxlXen<Member> for each vxlBackendOps member),
 * declared from include/virtxl/backend.h's VXL_BACKEND_HOOKS list and
 * defined in the files below. */
#define VXL_XEN_HOOK(ret, hook, Hook, params) ret vxlXen##Hook params;
VXL_BACKEND_HOOKS(VXL_XEN_HOOK)
#undef VXL_XEN_HOOK

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
    char *stateDir;                 /* immutable: the driver's state dir,
                                       where xen_sriov.c keeps VF configs */
} vxlXen;

/* xen_pci.c: the domain that has @pci, or 0 (dom0 never "has" a device
 * here); whether the host has a device at @pci (VIR_ERR_NO_NODE_DEVICE
 * reported: libxl would only say "fail"). */
uint32_t vxlXenPciOwner(vxlXen *xen, const libxl_device_pci *pci);
/* VIR_ERR_NO_NODE_DEVICE (vxlBackendPciNameUnknown) when a pcidevs entry of
 * @dcfg names a device by a name no assignable device has; 0 otherwise. */
int vxlXenPciCheckNames(vxlXen *xen, const libxl_domain_config *dcfg);
int vxlXenPciCheckExists(const libxl_device_pci *pci);

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

/* The error lines of one domain build (create, restore, incoming
 * migration), which libxl logs over many event dispatches: from begin
 * to end, every line of level ERROR logged on the calling thread or
 * naming a domain, in order. End gives them (vxlXenLogLine) back. */
typedef struct _vxlXenLogCapture vxlXenLogCapture;
typedef struct {
    uint32_t domid;                 /* the domain the line names, or
                                     * INVALID_DOMID */
    bool ownThread;                 /* logged on the building thread */
    char *text;
} vxlXenLogLine;

vxlXenLogCapture *vxlXenLogCaptureBegin(vxlXenLogger *logger);
GPtrArray *vxlXenLogCaptureEnd(vxlXenLogCapture *cap);

/* xen_build_error.c: a build's failure, named by the first error libxl
 * logged for it, and when its device model died, by the device model's
 * own last words. The build started at @startUs (g_get_real_time). */
typedef struct {
    vxlXenLogCapture *capture;
    long long startUs;
} vxlXenBuildLog;

void vxlXenBuildLogBegin(vxlXen *xen, vxlXenBuildLog *blog);
/* Ends @blog. With @what (the build failed with libxl's @rc), reports
 * "@what: libxl reported error ...: <cause>" for the domain @dcfg
 * describes, libxl's id @domid (INVALID_DOMID when libxl gave none). */
void vxlXenBuildLogEnd(vxlXen *xen, vxlXenBuildLog *blog, int rc,
                       const char *what, libxl_domain_config *dcfg,
                       uint32_t domid);

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
/* The save of vxlXenDomainSave, or with @live a copy in rounds while the
 * guest runs (LIBXL_SUSPEND_LIVE; xen_save_live.c checks first). */
int vxlXenSaveStream(vxlXen *xen, uint32_t domid, int fd, vxlJobToken *token,
                     bool live);
/* xen_migrate.c: 1 when Xen can track the writes of @dom's guest while
 * it is copied live (log-dirty), 0 when not (a PV guest without shadow
 * paging), -1 with an error when it cannot tell. */
int vxlXenLogDirtyPossible(vxlXen *xen, const vxlXenDom *dom);
/* xen_domain.c */
int vxlXenWatchAll(vxlXen *xen);
