/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_priv.h: the simulator's model of a Xen host, shared by its units.
 *
 *   sim_facts.c    copies of the host facts (src/conf/host_profile.c
 *                  loads them from capabilities/<name>.json)
 *   sim_model.c    the model: domains, the clock, guest scripts, the one
 *                  event-loop timer and the events it delivers
 *   sim_state.c    persistence of the model: one file per domain in
 *                  <stateDir>/sim/ (and the old whole-host file, read once)
 *   sim_device.c   disks and vifs: hotplug and cdrom media
 *   sim_backend.c  the vxlBackendOps hooks, thin shells over the model
 *
 * docs/simulator.md says which Xen behaviours are modelled and which are
 * not; docs/host-profiles.md describes the profile format.
 *
 * Locking: one mutex, vxlSim.lock, guards the whole model. Hooks take it
 * for a short, non-blocking section; a create's boot delay and every call
 * back into the driver happen without it. State files are written
 * outside it too, under the save locks, so a slow disk never stalls the
 * model (see vxlSimSave).
 *
 * Cost: no hook's work grows with the number of other domains. Names and
 * UUIDs are indexed, the memory in use is kept as a sum, the guests'
 * next actions are kept in order of their deadlines, a domain's clock is
 * brought up to date when a hook looks at it, and a change writes only
 * the domain it changed.
 */
#pragma once

#include "virtxl/backend.h"
#include "virthread.h"
#include "virjson.h"
#include "virenum.h"
#include "virbitmap.h"
#include "virmacaddr.h"
#include "host_profile.h"
#include "../backend_messages.h"

/* The backend's hooks (vxlSim<Member> for each vxlBackendOps member),
 * declared from include/virtxl/backend.h's VXL_BACKEND_HOOKS list and
 * defined in the files below. */
#define VXL_SIM_HOOK(ret, hook, Hook, params) ret vxlSim##Hook params;
VXL_BACKEND_HOOKS(VXL_SIM_HOOK)
#undef VXL_SIM_HOOK

/* The whole-host state file of earlier versions, read once and replaced. */
#define VXL_SIM_STATE_FILE "sim-state.json"
/* Under <stateDir>: host.json and domain-<domid>.json. */
#define VXL_SIM_STATE_DIR "sim"

/* Xen's first reserved domid (DOMID_FIRST_RESERVED): ordinary domains get
 * ids 1 .. 0x7FEF; the ids above name special domains (DOMID_SELF...). */
#define VXL_SIM_DOMID_FIRST_RESERVED 0x7FF0

/*
 * CPU time model. A guest that is running (not paused, not shut down) is
 * taken to keep each online vCPU busy for VXL_SIM_DUTY_PERMILLE thousandths
 * of the wall-clock time, in bursts at the start of every
 * VXL_SIM_DUTY_PERIOD_US of running time. Inside a burst the domain is
 * reported RUNNING, outside it BLOCKED, as `xl list` shows a mostly idle
 * guest. Deterministic from the running time, so tests can reason on it.
 */
#define VXL_SIM_DUTY_PERMILLE 100ULL
#define VXL_SIM_DUTY_PERIOD_US 1000000ULL

/* libxl's default for an unset max_memkb (LIBXL_MEMKB_DEFAULT). */
#define VXL_SIM_DEFAULT_MAXMEM_KIB (32ULL * 1024)

/* A toolstack request the guest has been sent but not acted upon. */
typedef enum {
    VXL_SIM_REQUEST_NONE = 0,
    VXL_SIM_REQUEST_POWEROFF,      /* domainShutdown */
    VXL_SIM_REQUEST_REBOOT,        /* domainReboot */

    VXL_SIM_REQUEST_LAST
} vxlSimRequest;

/* One disk of a domain: what xl block-list shows of it. */
typedef struct _vxlSimDisk {
    char *vdev;                    /* the guest's name for it, "xvdb" */
    char *path;                    /* its image; NULL: an empty cdrom */
    bool cdrom;                    /* removable: media can change */
    bool writable;                 /* the guest may write it (not a cdrom) */
    bool phy;                      /* served by blkback: the block hotplug
                                      script ran for it (sharing checked) */
    unsigned long long sinceRunUs; /* the domain's running time when the
                                      disk came: its counters start there */
    unsigned long long sizeBytes;  /* what the guest last heard its size
                                      is (a resize); 0: as at start */
} vxlSimDisk;

/* One vif of a domain: what xl network-list shows of it. */
typedef struct _vxlSimNic {
    int devid;                     /* Xen's number for it: ethN in the guest */
    char *mac;                     /* "00:16:3e:..", lower case */
    unsigned long long sinceRunUs; /* as for disks */
} vxlSimNic;

void vxlSimDiskClear(vxlSimDisk *disk);
void vxlSimNicClear(vxlSimNic *nic);

/*
 * One domain. Owned by vxlSim.domains; every field is guarded by
 * vxlSim.lock. Times ending in Us are microseconds.
 */
/* sim_console.c: one console of a domain. */
typedef struct _vxlSimConsole vxlSimConsole;
/* sim_display.c: a domain's VNC display. */
typedef struct _vxlSimDisplay vxlSimDisplay;

/* sim_control.c: what a guest's emulated hardware has seen since the
 * model was loaded (kept in memory only: a daemon restart forgets it,
 * as the guest's screen would be redrawn). Shown on its screen. */
#define VXL_SIM_TYPED_MAX 24
typedef struct _vxlSimControl {
    unsigned int resets;           /* reset presses, this model life */
    unsigned int nmis;             /* NMIs received */
    char typed[VXL_SIM_TYPED_MAX + 1]; /* the line typed since the last
                                      Enter, lower case */
} vxlSimControl;

/* sim_agent.c: a guest's agent on its channel socket */
typedef struct _vxlSimAgent vxlSimAgent;

typedef struct _vxlSimDomain {
    uint32_t domid;
    unsigned long long life;       /* serial unique within this model: tells
                                      a queued event for a dead domain from
                                      one for a later domain with its id */
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    libxl_domain_type type;

    /* True from the memory claim until the boot delay ends: the domain then
     * holds its memory, name, uuid and domid, but no hook sees it. */
    bool building;

    /* RUNNING stands for "unpaused and alive"; whether it is reported as
     * RUNNING or BLOCKED is derived from runUs (see the duty model). */
    vxlDomainState state;
    vxlShutdownReason reason;      /* valid in SHUTDOWN / CRASHED */

    unsigned long long maxKiB;     /* b_info.max_memkb, after defaults */
    unsigned long long targetKiB;  /* balloon target: what it holds now */
    unsigned long long videoKiB;   /* video RAM, 0 if none */
    unsigned long long shadowKiB;  /* shadow/HAP pool, 0 for PV */
    unsigned int vcpusMax;
    unsigned int vcpusOnline;
    /* Which vCPUs are online when they are not the first vcpusOnline
     * (virsh setvcpu took one out of the middle); NULL: those. */
    virBitmap *vcpuMap;
    /* Devices, as libxl lists them (xl block-list, network-list): the
     * ones created with the domain, then the hot-added ones. */
    vxlSimDisk *disks;
    size_t ndisks;
    vxlSimNic *nics;
    size_t nnics;
    GPtrArray *consoles;           /* vxlSimConsole *, opened when asked */
    vxlSimDisplay *display;        /* its VNC server, NULL if none: the
                                      HVM guest's, or its first vfb's
                                      (sim_display.c says why) */

    /* Accounting: runUs (running time of this life) and cpuTimeNs are
     * exact as of accountedAt (g_get_monotonic_time() clock). */
    unsigned long long runUs;
    unsigned long long cpuTimeNs;
    long long accountedAt;

    vxlGuestScript script;         /* how this guest behaves */

    /* Pending toolstack request. The guest acts at running time
     * requestAtRunUs with requestReason; IGNORE guests never act
     * (requestActs false) but the request stays pending. */
    vxlSimRequest request;
    bool requestActs;
    vxlShutdownReason requestReason;
    unsigned long long requestAtRunUs;

    virJSONValue *config;          /* the libxl config, as libxl's JSON */

    /* Indexes: the key in vxlSim.dues while dueQueued (the monotonic time
     * of its next action, then life to break ties), and whether it is in
     * vxlSim.dirtyDoms, changed by the model and not yet snapshot. */
    bool dueQueued;
    long long due;
    bool dirty;
    vxlSimControl *control;        /* NULL until a control first acts */
    vxlSimAgent *agent;            /* its guest agent, NULL: none runs */
} vxlSimDomain;

/* A shutdown event waiting for the timer to deliver it. */
typedef struct _vxlSimEvent {
    uint32_t domid;
    unsigned long long life;
    vxlShutdownReason reason;
} vxlSimEvent;

#define VXL_SIM_SAVE_STRIPES 16

/* sim_pci.c: one PCI device of the simulated host. */
typedef struct _vxlSimPci {
    unsigned int domain;           /* its address */
    unsigned int bus;
    unsigned int slot;
    unsigned int function;
    unsigned int vendor;           /* from the profile */
    unsigned int product;
    unsigned int pciClass;
    char *vendorName;
    char *productName;
    int iommuGroup;                /* -1: not given */
    char *hostDriver;              /* its own driver, NULL: none */
    char *driver;                  /* bound to now: hostDriver, "pciback"
                                      or NULL; saved with the model */
    unsigned int resets;           /* function level resets so far */
    /* Its pci-assignable name (xl pci-assignable-add -n), from the
     * profile: what a <virtxl:pci name> finds it by while it is bound
     * to pciback. libxl forgets it when the device goes back to the
     * host, and so does the model (saved in host.json). */
    char *name;
    bool unnamed;                  /* the profile's name is gone */

    /* SR-IOV (sim_sriov.c), from the profile: a PF's network device, or
     * a VF's PF and index. A VF's MAC and VLAN are the PF's to set; they
     * change and are saved in host.json. All under vxlSim's lock. */
    char *netdev;                  /* a PF's ip link name; NULL: none */
    char *physfn;                  /* a VF's PF address; NULL: no VF */
    unsigned int vf;               /* a VF's index on its PF */
    virMacAddr mac;                /* a VF's MAC now (all zero: none) */
    unsigned int vlan;             /* a VF's VLAN tag now, 0: none */
    bool kept;                     /* hostNetVFSet kept what it had: */
    virMacAddr keptMac;
    unsigned int keptVlan;
} vxlSimPci;

void vxlSimPciFree(vxlSimPci *pci);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vxlSimPci, vxlSimPciFree);

/* sim_usb.c: one USB device of the simulated host. */
typedef struct _vxlSimUsb {
    unsigned int bus;              /* bus and device number */
    unsigned int device;
    unsigned int vendor;           /* from the profile */
    unsigned int product;
    char *vendorName;
    char *productName;
} vxlSimUsb;

void vxlSimUsbFree(vxlSimUsb *usb);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vxlSimUsb, vxlSimUsbFree);

typedef struct _vxlSim vxlSim;
struct _vxlSim {
    /* References: the backend's own (dropped by close), one held by the
     * libvirt timer (dropped by its free callback, which libvirt runs after
     * any dispatch in flight), and one per create sleeping in its boot
     * delay. The last one frees the struct. Atomic; no lock. */
    gint refs;

    /* Immutable after open. */
    vxlHostFacts facts;
    char *profilePath;             /* the profile actually loaded */
    char *statePath;               /* <stateDir>/sim; NULL: no persistence */
    char *legacyPath;              /* <stateDir>/sim-state.json */
    vxlBackendEvents events;       /* copy; both NULL: no events */
    void *eventsOpaque;
    unsigned long long saveRateKiB; /* guest KiB saved/restored per second */
    bool noCreateCancel;           /* sim_create_cancel = 0 (as libxl) */
    bool diskChecks;               /* sim_check_disk_sources = 1: disk
                                      images are looked at as libxl and
                                      Xen's block hotplug script do */
    /* The profile's "backends": user-space PV backends dom0 runs (Xen
     * and Linux have none for these two). */
    bool vsndBackend;
    bool vdisplBackend;

    virMutex lock;                 /* guards every field below */
    bool closed;                   /* close() ran: hooks and timer stop */
    virCond buildCond;             /* a building domain was cancelled, or
                                      close() ran: boot delays end */
    GHashTable *domains;           /* domid -> vxlSimDomain *, owning */
    GHashTable *byName;            /* name -> vxlSimDomain * */
    GHashTable *byUUID;            /* uuid bytes -> vxlSimDomain * */
    GTree *dues;                   /* domains with a next action, by due */
    GPtrArray *dirtyDoms;          /* domains the model itself changed */
    unsigned long long usedKiB;    /* dom0 + every domain's footprint */
    long long now;                 /* the time of the hook in progress */
    uint32_t lastDomid;            /* Xen's rover: last id handed out */
    unsigned long long nextLife;
    GArray *pending;               /* vxlSimEvent, oldest first */
    int timer;                     /* libvirt timer id, -1 if none */
    bool hostDirty;                /* host.json must be written */
    unsigned long long hostSavedNextLife; /* nextLife as host.json has it */
    unsigned long long saveSeq;    /* snapshot records taken so far */

    /* Writing: each domain's file under the stripe lock of its domid,
     * host.json under hostSaveLock. A record older than the one on disk
     * for the same file is dropped (newest wins). */
    virMutex saveLocks[VXL_SIM_SAVE_STRIPES];
    unsigned long long *savedSeqs; /* per domid, under its stripe lock */
    virMutex hostSaveLock;
    unsigned long long hostSavedSeq;
    /* Records a write failed for (a full or read-only disk), tried again
     * by every later save and at close, so that what the model did (a
     * destroy's removal above all) reaches the disk once it can. */
    virMutex retryLock;
    GArray *retry;                 /* vxlSimRecord, owning their json */

    GPtrArray *pci;                /* vxlSimPci *, the host's devices in
                                      profile order; the list is fixed
                                      at open, bindings change and are
                                      saved in host.json */
    GPtrArray *usb;                /* vxlSimUsb *, the host's USB devices
                                      in profile order, fixed at open */
};

/* One file to write (or remove) after the lock is dropped. */
typedef struct _vxlSimRecord {
    uint32_t domid;                /* 0: host.json */
    unsigned long long seq;
    char *json;                    /* NULL: remove the domain's file */
} vxlSimRecord;

/* sim_state.c: what changed, as records, taken under the lock, written
 * outside it. */
typedef struct _vxlSimSnapshot {
    GArray *records;               /* vxlSimRecord; NULL: nothing */
} vxlSimSnapshot;

void vxlSimSnapshotClear(vxlSimSnapshot *snap);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vxlSimSnapshot, vxlSimSnapshotClear);

/* sim_facts.c */
void vxlSimHostFactsCopy(vxlHostFacts *dst, const vxlHostFacts *src);

/* sim_model.c */
vxlSim *vxlSimNew(void);
vxlSim *vxlSimRef(vxlSim *sim);
void vxlSimUnref(vxlSim *sim);
vxlSimDomain *vxlSimDomainNew(void);
void vxlSimDomainFree(vxlSimDomain *dom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vxlSimDomain, vxlSimDomainFree);
VIR_ENUM_DECL(vxlSimState);
VIR_ENUM_DECL(vxlSimReason);
VIR_ENUM_DECL(vxlSimRequest);
VIR_ENUM_DECL(vxlSimShutdownPolicy);

unsigned long long vxlSimDomainFootprint(const vxlSimDomain *dom);
unsigned long long vxlSimFreeKiB(vxlSim *sim);
vxlSimDomain *vxlSimFindDomain(vxlSim *sim, uint32_t domid);
void vxlSimDomainInsert(vxlSim *sim, vxlSimDomain *dom);
void vxlSimDomainRemove(vxlSim *sim, vxlSimDomain *dom);
void vxlSimDomainRemoveAll(vxlSim *sim);
void vxlSimDomainSetName(vxlSim *sim, vxlSimDomain *dom, const char *name,
                         const unsigned char *uuid);
void vxlSimDomainSetMaxKiB(vxlSim *sim, vxlSimDomain *dom,
                           unsigned long long maxKiB);
void vxlSimDueUpdate(vxlSim *sim, vxlSimDomain *dom);
/* A restored or migrated-in guest carries on where it stopped (lock
 * held, values checked by the caller); @snap gets its record to
 * persist once the lock is dropped. */
void vxlSimDomainCarryOn(vxlSim *sim, vxlSimDomain *dom, long long now,
                         unsigned long long runUs,
                         unsigned long long cpuTimeNs,
                         unsigned long long targetKiB, unsigned int vcpus,
                         const char *vcpuMap, vxlSimSnapshot *snap);
void vxlSimMarkDirty(vxlSim *sim, vxlSimDomain *dom);

/* What a vxlSimAct did to the domain it was given (or -1: failed,
 * error reported, nothing changed). */
typedef enum {
    VXL_SIM_ACT_CHANGED = 0,       /* save it and re-arm the timer */
    VXL_SIM_ACT_UNCHANGED,         /* nothing to save */
    VXL_SIM_ACT_REMOVE,            /* destroy it: its events, state file
                                      and place in the model go */
} vxlSimActResult;

/* One hook's work on @dom, under the lock, the model brought up to @now. */
typedef int (*vxlSimAct)(vxlSim *sim, vxlSimDomain *dom, long long now,
                         void *opaque);
int vxlSimWithDomain(vxlSim *sim, uint32_t domid, vxlSimAct act, void *opaque);
/* sim_vcpu.c: each vCPU's online state (lock held) */
bool vxlSimVcpuIsOnline(const vxlSimDomain *dom, unsigned int vcpu);
void vxlSimVcpusSetCount(vxlSimDomain *dom, unsigned int n);
int vxlSimVcpusSetList(vxlSimDomain *dom, const char *list);
char *vxlSimVcpusFormat(const vxlSimDomain *dom);

/* sim_console.c */
void vxlSimConsolesFree(GPtrArray *consoles);

/* sim_model.c */
vxlSimDomain *vxlSimFindByName(vxlSim *sim, const char *name);
vxlSimDomain *vxlSimFindByUUID(vxlSim *sim, const unsigned char *uuid);
int vxlSimAllocDomid(vxlSim *sim, uint32_t *domid);
bool vxlSimAdvance(vxlSim *sim, long long now);
void vxlSimCatchUp(vxlSim *sim, long long now);
void vxlSimAccount(vxlSimDomain *dom, long long now);
void vxlSimQueueEvent(vxlSim *sim, vxlSimDomain *dom);
void vxlSimDropEvents(vxlSim *sim, const vxlSimDomain *dom);
void vxlSimReschedule(vxlSim *sim, long long now);
int vxlSimTimerCreate(vxlSim *sim);
void vxlSimTimerRemove(vxlSim *sim);
void vxlSimDomainInfoFill(const vxlSimDomain *dom, vxlDomainInfo *info);
void vxlSimHostFactsFill(vxlSim *sim, unsigned long long freeKiB,
                         vxlHostFacts *facts);

/* sim_display.c: called with sim->lock held, once the domain is built
 * (create, or found again at open); closed when the domain is freed. */
void vxlSimDisplayOpen(vxlSim *sim, vxlSimDomain *dom);
void vxlSimDisplayClose(vxlSimDisplay *disp);

/* sim_backend.c: for the other hooks' units */
vxlSim *vxlSimGet(vxlBackend *be);
vxlSimDomain *vxlSimLookup(vxlSim *sim, uint32_t domid);
int vxlSimCheckAlive(const vxlSimDomain *dom, vxlBackendOp op);

/* sim_device.c: the device hooks, and the lists a create starts with */
int vxlSimDevicesFromConfig(vxlSimDomain *dom, const libxl_domain_config *dcfg);
/* With sim_check_disk_sources = 1, under sim->lock: the image as libxl
 * looks at it before the domain is made, then as the block hotplug
 * script checks its sharing once the domain exists. */
int vxlSimDiskImageCheck(vxlSim *sim, const vxlSimDomain *dom,
                         const libxl_device_disk *xdisk);
int vxlSimDiskSharingCheck(vxlSim *sim, const vxlSimDomain *dom,
                           const libxl_device_disk *xdisk);
/* The stored config's device array @key, made when absent; NULL
 * without a stored config. */
virJSONValue *vxlSimConfigList(vxlSimDomain *dom, const char *key);
void vxlSimDiskChooseBackend(libxl_device_disk *xdisk, bool lookAtImage);

/* sim_save.c: save and restore, in the simulator's own stream format */
#define VXL_SIM_SAVE_RATE_MIB_DEFAULT 2048
/* sim_save.c, for sim_save_live.c: a live save's rounds so far. */
typedef struct _vxlSimCopyRounds {
    unsigned long long life;       /* the domain's life they copied */
    unsigned long long sent;       /* guest bytes copied while it ran */
    unsigned long long left;       /* guest bytes for the last round */
} vxlSimCopyRounds;
/* One round copied while the guest runs, as a pre-copy record of @pace
 * guest bytes (progress after @sent); unlocked. */
int vxlSimSavePrecopy(vxlSim *sim, int fd, const char *name, uint32_t domid,
                      unsigned long long life, unsigned long long sent,
                      unsigned long long pace, vxlJobToken *token);
/* The guest stopped and its stream written: all of a non-live save
 * (@rounds NULL), the last round of a live one; unlocked. */
int vxlSimSaveStopAndCopy(vxlSim *sim, uint32_t domid, int fd,
                          vxlJobToken *token, const vxlSimCopyRounds *rounds);
int vxlSimPaceDump(vxlSim *sim, unsigned long long guestBytes,
                   vxlJobToken *token, const char *name);
/* sim_monitor.c: statistics, Domain-0 and the scheduler */
unsigned int vxlSimDom0Vcpus(const vxlHostFacts *facts);
void vxlSimDom0GetVcpus(vxlSim *sim, vxlVcpuInfo **infos, size_t *ninfos);

/* sim_state.c */
void vxlSimSnapshotTake(vxlSim *sim, vxlSimSnapshot *snap, vxlSimDomain *dom);
void vxlSimSnapshotForget(vxlSim *sim, vxlSimSnapshot *snap,
                          const vxlSimDomain *dom);
void vxlSimSave(vxlSim *sim, vxlSimSnapshot *snap);
int vxlSimLoad(vxlSim *sim);

/* sim_pci.c: the host's PCI devices and their assignment */
int vxlSimPciLoad(vxlSim *sim, virJSONValue *profile);
/* sim_backend.c: the loaded profile's JSON once more, for the parts only the
 * model reads (pci, usb, backends); NULL reported. */
virJSONValue *vxlSimProfileRead(vxlSim *sim);
/* sim_backend.c: the profile's "backends" list. */
int vxlSimPvBackendsLoad(vxlSim *sim, virJSONValue *profile);
/* sim_usb.c: the host's USB devices (the profile's "usb" list) */
int vxlSimUsbLoad(vxlSim *sim, virJSONValue *profile);
/* Place the USB devices a domain is built with (its stored config's
 * usbdevs) on controllers and ports, as libxl's create does. */
int vxlSimUsbPlaceAtStart(vxlSimDomain *dom);
char *vxlSimPciAddrFormat(unsigned int domain, unsigned int bus,
                          unsigned int slot, unsigned int function);
vxlSimPci *vxlSimPciFind(vxlSim *sim, unsigned int domain, unsigned int bus,
                         unsigned int slot, unsigned int function);
/* The create's PCI devices named by a pci-assignable name get the
 * address of the assignable device that has it (into @dcfg and the
 * stored config), else vxlBackendPciNameUnknown; the Xen backend checks
 * this before all else too (xen_pci.c). 0, or -1 reported. */
int vxlSimPciResolveNames(vxlSim *sim, vxlSimDomain *dom,
                          libxl_domain_config *dcfg);
/* The create's PCI devices (names resolved): each there, assignable and
 * nobody else's, through an IOMMU; seized ones bound to pciback. 0, or
 * -1 reported with nothing changed. */
int vxlSimPciClaim(vxlSim *sim, vxlSimDomain *dom,
                   libxl_domain_config *dcfg);
virJSONValue *vxlSimPciFormatState(vxlSim *sim);
void vxlSimPciParseState(vxlSim *sim, virJSONValue *list);
int vxlSimPciProfileFail(const char *file, size_t i, const char *field);
/* NULL reported (VIR_ERR_NO_NODE_DEVICE) when the host has no @x. */
vxlSimPci *vxlSimPciLookup(vxlSim *sim, const libxl_device_pci *x);
/* The domain (building ones included) that has @p, or NULL. */
vxlSimDomain *vxlSimPciOwner(vxlSim *sim, const vxlSimPci *p);
/* sim_sriov.c: the profile's SR-IOV fields of pci entry @i (@o) into
 * @p, once every entry is loaded (a VF names its PF). */
int vxlSimSriovLoad(vxlSim *sim, size_t i, virJSONValue *o, vxlSimPci *p);
/* A VF's MAC and VLAN (and kept ones) into or from its host.json entry. */
void vxlSimSriovFormatState(const vxlSimPci *p, virJSONValue *o);
/* A PF's VFs' addresses by VF index (NULL-terminated), NULL for none. */
char **vxlSimSriovListVFs(vxlSim *sim, const vxlSimPci *pf);
void vxlSimSriovParseState(vxlSimPci *p, virJSONValue *o);

/* sim_agent.c: start @dom's guest agent if its script says one runs and
 * its config has the channel (lock held); stop one (with the domain). */
void vxlSimAgentStart(vxlSim *sim, vxlSimDomain *dom);
void vxlSimAgentStop(vxlSimAgent *agent);
