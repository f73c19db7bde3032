/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend.h: the one seam between the driver and a hypervisor.
 *
 * Everything that touches Xen goes through a vxlBackend: the real one
 * (src/backend/libxl: libxenlight) or the simulator (src/backend/sim, an
 * in-process model of a Xen host). The driver never knows which it has.
 *
 * Contract shared by every hook:
 *  - Return 0 on success, -1 on failure with a libvirt error already
 *    reported (virReportError) exactly once, by the backend. Both backends
 *    report the same VIR_ERR_* code for the same condition (see the table
 *    at the end of this file).
 *  - Hooks are called WITHOUT any driver or domain lock held and may block
 *    for as long as the hypervisor takes, unless the comment says "must not
 *    block". A backend serialises its own internal state.
 *  - Inputs are borrowed for the duration of the call; outputs are owned by
 *    the caller and released with the matching Clear or Free function.
 *  - Domains are named by domid, as Xen names them. A domid that does not
 *    exist gets VIR_ERR_NO_DOMAIN.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <libxl.h>

typedef struct _vxlBackend vxlBackend;
typedef struct _vxlBackendOps vxlBackendOps;
typedef struct _vxlMigrateStream vxlMigrateStream;  /* migration */

/* One vCPU of a running domain (virsh vcpuinfo), as libxl_list_vcpu
 * gives it. */
typedef struct _vxlVcpuInfo {
    bool online;
    bool running;                  /* on a physical CPU now */
    unsigned long long cpuTimeNs;
    int cpu;                       /* the physical CPU it last ran on */
    char *affinity;                /* hard affinity as a CPU list ("0-3"),
                                      NULL: every CPU */
} vxlVcpuInfo;

void vxlVcpuInfoListFree(vxlVcpuInfo *infos, size_t ninfos);

/* A domain's consoles, as libxl names them: the PV console every guest
 * has, and an HVM guest's emulated serial ports; and its pty Xen
 * channels (channel N of its configuration, libxl's console N + 1). */
typedef enum {
    VXL_CONSOLE_PV,
    VXL_CONSOLE_SERIAL,
    VXL_CONSOLE_CHANNEL,
} vxlConsoleKind;

/* ----- host facts ------------------------------------------------------ */

#define VXL_HOST_MAX_NODES 64

/* One NUMA node as Xen reports it (xc_numainfo + xc_cputopoinfo). */
typedef struct _vxlHostNode {
    unsigned long long memoryKiB;
    unsigned long long freeKiB;
    char *cpus;                    /* cpu list, e.g. "0-7,16-23" */
    unsigned int distances[VXL_HOST_MAX_NODES]; /* to node i; 0 = unknown */
} vxlHostNode;

/* Where one CPU sits, as Xen numbers it (libxl_get_cpu_topology; the
 * cpu_topology table of `xl info -n`). Core IDs are the hardware's: they
 * may have gaps where a die has cores fused off. */
typedef struct _vxlHostCpu {
    unsigned int socket;
    unsigned int core;
} vxlHostCpu;

/*
 * Everything the capabilities prober needs to know about a host. The libxl
 * backend reads it from libxl_get_physinfo/version_info/topology; the
 * simulator from its host profile (capabilities/<profile>.json). A pure
 * function of this struct produces <capabilities> and <domainCapabilities>.
 */
typedef struct _vxlHostFacts {
    char *arch;                    /* libvirt arch name: x86_64, aarch64 */
    char *hostname;

    /* Xen version and the capability string (e.g. "xen-3.0-x86_64
     * hvm-3.0-x86_32 hvm-3.0-x86_64 ..."), exactly as libxl reports. */
    unsigned int xenMajor;
    unsigned int xenMinor;
    char *xenExtra;                /* ".7", "-rc" ... */
    char *xenCaps;
    char *xenCommandline;

    /* physinfo */
    unsigned int nrCpus;
    unsigned int threadsPerCore;
    unsigned int coresPerSocket;
    unsigned int sockets;
    unsigned int cpuMHz;
    unsigned long long totalKiB;   /* all host RAM Xen manages */
    unsigned long long dom0KiB;    /* what dom0 currently holds */
    bool hvm;                      /* physinfo HVM directed I/O capable */
    bool pv;
    bool hap;                      /* EPT/NPT */
    bool shadow;
    bool iommu;                    /* VT-d / AMD-Vi enabled (directio) */
    bool iommuHapPtShare;

    /* Per-CPU topology: cpus[i] is CPU i, for i < ncpus. NULL when only
     * the regular shape above is known; the prober then assumes Xen
     * numbered the CPUs socket by socket with a core's threads adjacent,
     * which many firmwares do not (they list every core's first thread,
     * then the second ones). */
    vxlHostCpu *cpus;
    size_t ncpus;

    /* CPU description for <host><cpu>: libvirt's vendor and model names
     * and the features beyond the model (cpu_map), decoded from the
     * host's CPUID feature set; microcode revision and CPUID signature
     * (family/model/stepping, 0 = unknown) as the host reports them. */
    char *cpuVendor;
    char *cpuModel;
    char **cpuFeatures;            /* NULL-terminated */
    unsigned int microcode;
    unsigned int cpuFamily;
    unsigned int cpuModelNumber;
    unsigned int cpuStepping;

    /* Limits */
    unsigned int maxVcpusPV;
    unsigned int maxVcpusHVM;
    unsigned int maxVcpusPVH;

    size_t nnodes;
    vxlHostNode nodes[VXL_HOST_MAX_NODES];

    /* Firmware files present in dom0 (OVMF, SeaBIOS, hvmloader ...). */
    char **firmware;               /* NULL-terminated absolute paths */

    /* The device model (qemu-xen) binary libxl runs for HVM guests and
     * for PV backends such as qdisk, if installed; NULL when unknown
     * (the prober then assumes Debian's /usr/libexec/xen-qemu-system-i386).
     * libxl: the path it was built with, if that file exists. */
    char *deviceModel;

    /* Arm: the host's interrupt controller, 2 (GICv2) or 3 (GICv3), which
     * Xen gives guests by default (xl.cfg gic_version=native); 0 on x86
     * or when unknown. libxl has no query for it: the libxl backend reads
     * dom0's device tree (an "arm,gic-v3" or "arm,cortex-a15-gic"
     * interrupt-controller under /proc/device-tree). */
    unsigned int gicVersion;

    /* Schedulers: name of the default cpupool's scheduler ("credit2"). */
    char *scheduler;

    /* --- migration --- */
    /* The host's UUID, which <capabilities> reports and migration compares
     * so that a domain is never migrated to the host it is on; all zero
     * when unknown. libxl: libvirt's host UUID (libvirtd.conf host_uuid,
     * else SMBIOS); simulator: from its configured host name. */
    unsigned char hostUUID[16];
} vxlHostFacts;

void vxlHostFactsClear(vxlHostFacts *facts);

/* ----- domains --------------------------------------------------------- */

/* What Xen says a domain is doing. The simulator keeps exactly these. */
typedef enum {
    VXL_DOMSTATE_RUNNING = 0,      /* has a vCPU on a pCPU right now */
    VXL_DOMSTATE_BLOCKED,          /* all vCPUs waiting for events */
    VXL_DOMSTATE_PAUSED,           /* paused by the toolstack */
    VXL_DOMSTATE_SHUTDOWN,         /* guest shut down; still exists */
    VXL_DOMSTATE_CRASHED,          /* guest crashed; still exists */
    VXL_DOMSTATE_DYING,            /* being destroyed */

    VXL_DOMSTATE_LAST
} vxlDomainState;

/* Values equal libxl_shutdown_reason's, so the libxl backend can pass
 * them through; the simulator produces the same ones. */
typedef enum {
    VXL_SHUTDOWN_POWEROFF = LIBXL_SHUTDOWN_REASON_POWEROFF,
    VXL_SHUTDOWN_REBOOT = LIBXL_SHUTDOWN_REASON_REBOOT,
    VXL_SHUTDOWN_SUSPEND = LIBXL_SHUTDOWN_REASON_SUSPEND,
    VXL_SHUTDOWN_CRASH = LIBXL_SHUTDOWN_REASON_CRASH,
    VXL_SHUTDOWN_WATCHDOG = LIBXL_SHUTDOWN_REASON_WATCHDOG,
    VXL_SHUTDOWN_SOFT_RESET = LIBXL_SHUTDOWN_REASON_SOFT_RESET,
} vxlShutdownReason;

typedef struct _vxlDomainInfo {
    uint32_t domid;
    unsigned char uuid[16];
    char *name;
    vxlDomainState state;
    vxlShutdownReason shutdownReason;  /* valid in SHUTDOWN/CRASHED */
    unsigned long long currentKiB;     /* pages the domain holds now */
    unsigned long long maxKiB;         /* its maximum reservation */
    unsigned int vcpusOnline;
    unsigned int vcpusMax;
    unsigned long long cpuTimeNs;      /* total over all vCPUs */
} vxlDomainInfo;

void vxlDomainInfoClear(vxlDomainInfo *info);
void vxlDomainInfoListFree(vxlDomainInfo *infos, size_t ninfos);

/*
 * How a simulated guest behaves. The driver fills this from the domain's
 * metadata (namespace VXL_SIM_XMLNS_URI, see include/virtxl/virtxl.h) and
 * passes it to every create; the libxl backend ignores it because a real
 * guest decides for itself. Times are in milliseconds; 0 means "never" for
 * the *AfterMs fields.
 */
typedef enum {
    VXL_GUEST_SHUTDOWN_HONOUR = 0, /* powers off when asked */
    VXL_GUEST_SHUTDOWN_IGNORE,     /* no PV drivers / hung: never reacts */
    VXL_GUEST_SHUTDOWN_REBOOT,     /* reboots instead of powering off */
} vxlGuestShutdownPolicy;

/* Whether a qemu guest agent runs in the guest (answering on its
 * org.qemu.guest_agent.0 channel). */
typedef enum {
    VXL_GUEST_AGENT_NONE = 0,
    VXL_GUEST_AGENT_YES,           /* answers */
    VXL_GUEST_AGENT_HUNG,          /* takes commands, never answers */
} vxlGuestAgent;

typedef struct _vxlGuestScript {
    unsigned int bootDelayMs;      /* domain create takes this long */
    unsigned int shutdownDelayMs;  /* time from request to poweroff */
    vxlGuestShutdownPolicy onShutdownRequest;
    unsigned int crashAfterMs;     /* guest crashes by itself */
    unsigned int rebootAfterMs;    /* guest reboots itself */
    unsigned int poweroffAfterMs;  /* guest powers itself off */
    unsigned int watchdogAfterMs;  /* watchdog fires */
    unsigned int softResetAfterMs; /* guest asks for soft reset */
    /* migration: MiB of memory the guest writes per second
     * while it runs, which a live migration's pre-copy must send again */
    unsigned int dirtyMiBps;
    /* Activity, for the statistics: every disk reads and writes, and
     * every vif sends and receives, this many KiB per second of running
     * time; the guest uses this many MiB of its memory (0: none). An
     * unscripted guest has small defaults (domain_metadata.c). */
    unsigned int diskRateKiBs;
    unsigned int netRateKiBs;
    unsigned int memUsedMiB;
    /* The IPv4/IPv6 addresses the guest configures on its vifs, in vif
     * order, comma separated ("192.0.2.10,192.0.2.11"); the simulated
     * host's neighbour table then knows them. Empty: none. */
    char addresses[256];
    vxlGuestAgent agent;
    bool crashOnNmi;               /* an NMI panics the guest (Linux's
                                      kernel.unknown_nmi_panic); else it
                                      logs the NMI and runs on */
} vxlGuestScript;

/*
 * How a shutdown or reboot request may reach the guest: the modes of
 * virDomainShutdownFlags and virDomainReboot that exist for Xen guests
 * (agent, initctl and signal do not). A set of them; 0 means any.
 */
typedef enum {
    VXL_REQUEST_PARAVIRT = 1 << 0, /* the PV control node (xenstore
                                      control/shutdown), any guest type */
    VXL_REQUEST_ACPI = 1 << 1,     /* the ACPI power button: HVM guests,
                                      and only to power off */
} vxlRequestMode;

/*
 * Which way to ask guest @name (id @domid, of @type) for a shutdown
 * (@reboot false) or reboot, given the allowed @modes: *pv, try its PV
 * control node; *acpi, press its power button (after the PV attempt
 * found no PV drivers, when both are set). Both backends decide this
 * way, so they refuse alike: VIR_ERR_OPERATION_UNSUPPORTED when no
 * allowed mode exists for the guest (the power button of a PV or PVH
 * guest; a reboot by power button, which Xen cannot ask for).
 * Pure; src/backend/backend_request.c.
 */
int vxlBackendRequestPlan(const char *name, uint32_t domid,
                          libxl_domain_type type, bool reboot,
                          unsigned int modes, bool *pv, bool *acpi);

/*
 * Whether Xen can hot-add @xdisk or @xnic (the other NULL) to guest @name
 * (id @domid) of @type. libxl hot-adds PV devices only: an HVM guest's
 * emulated disks (hd*, sd* and cdroms, which its device model presents
 * as IDE and SCSI devices it builds at start) and emulated NICs (nictype
 * vif_ioemu) are refused with VIR_ERR_OPERATION_UNSUPPORTED. Both
 * backends check this way, so they refuse alike.
 * Pure; src/backend/backend_device.c.
 */
int vxlBackendHotplugCheck(const char *name, uint32_t domid,
                           libxl_domain_type type,
                           const libxl_device_disk *xdisk,
                           const libxl_device_nic *xnic);
/* Whether Xen can change the media of cdrom @vdev of guest @name:
 * libxl does it only for HVM guests, whose device model emulates the
 * drive; VIR_ERR_OPERATION_UNSUPPORTED for the others. Pure, likewise. */
int vxlBackendMediaCheck(const char *name, uint32_t domid,
                         libxl_domain_type type, const char *vdev);

/* ----- long operations: progress and cancel (save, restore, dump,
 *       migration) ---------------------------------------------------- */

/*
 * A job token: how a long backend operation reports progress and learns
 * that the user cancelled it (virsh domjobabort). The driver creates one
 * per asynchronous job (src/domain/domain_job.h) and passes it to the
 * hook; every hook that takes one accepts NULL (no progress wanted, no
 * cancel possible). Thread-safe: the backend's worker updates it while
 * the driver reads it or cancels from another thread.
 *
 * A hook that sees the token cancelled stops as soon as it safely can,
 * undoes what it did (a save leaves the domain running as before and no
 * file) and fails with VIR_ERR_OPERATION_ABORTED.
 * src/util/util_job_token.c (below every layer: domain/ and both backends
 * use it).
 */
typedef struct _vxlJobToken vxlJobToken;

vxlJobToken *vxlJobTokenNew(void);
void vxlJobTokenFree(vxlJobToken *tok);

/* Backend side: @processed of @total bytes are done (@total 0: not
 * known yet). May be called as often as the backend likes. */
void vxlJobTokenSetProgress(vxlJobToken *tok, unsigned long long processed,
                            unsigned long long total);
/* Whether the job was cancelled: backends that work in steps poll it. */
bool vxlJobTokenCancelled(vxlJobToken *tok);
/* Backends that hand the work to someone else (libxl's asynchronous
 * operations) register @hook instead: it is called once, from the
 * cancelling thread, when the job is cancelled (at once when it already
 * is). Setting NULL unregisters and waits for a running @hook to return,
 * so @opaque may be freed afterwards. */
void vxlJobTokenSetCancelHook(vxlJobToken *tok, void (*hook)(void *opaque),
                              void *opaque);

/* Driver side. */
void vxlJobTokenCancel(vxlJobToken *tok);
void vxlJobTokenGetProgress(vxlJobToken *tok, unsigned long long *processed,
                            unsigned long long *total);

/* Live copies (snapshot-create --live): a copy in rounds while the guest
 * runs. Backend side: round @iteration (1: the first, full copy) is
 * under way while the guest writes about @dirtyRate pages (4 KiB) per
 * second (0: not known; @iteration 0: the round is not known and the
 * figures stay as they were); @stopped once the guest was paused for the
 * last round (the token keeps the first moment it was told so). Driver
 * side: the figures, and when the guest stopped (ms since the epoch,
 * 0: still running). */
void vxlJobTokenSetRound(vxlJobToken *tok, unsigned long long iteration,
                         unsigned long long dirtyRate, bool stopped);
void vxlJobTokenGetRound(vxlJobToken *tok, unsigned long long *iteration,
                         unsigned long long *dirtyRate,
                         unsigned long long *stoppedAt);
/*
 * The controls of the guest's emulated hardware, which only some guest
 * types have (see vxlBackendControlCheck).
 */
typedef enum {
    VXL_CONTROL_RESET,             /* the reset line */
    VXL_CONTROL_SENDKEY,           /* the PS/2 keyboard */
    VXL_CONTROL_PMSUSPEND,         /* ACPI sleep states */

    VXL_CONTROL_LAST
} vxlControl;

/*
 * Whether guest @name (id @domid) of @type has @control: only HVM guests
 * do, their device model emulating the hardware; PV and PVH guests get
 * VIR_ERR_OPERATION_UNSUPPORTED saying so. Both backends check this way.
 * Pure; src/backend/backend_control.c.
 */
int vxlBackendControlCheck(const char *name, uint32_t domid,
                           libxl_domain_type type, vxlControl control);

/* Whether the guest @dcfg describes has a display a screenshot can
 * show: an HVM guest's emulated VGA unless it has none (nographic, vga
 * kind none), a PV or PVH guest's vfb. Pure. */
bool vxlBackendHasDisplay(const libxl_domain_config *dcfg);
/* VIR_ERR_OPERATION_INVALID naming guest @name unless @display. */
int vxlBackendScreenCheck(const char *name, uint32_t domid, bool display);

/* One PCI device of the host (hostPciList). */
typedef struct _vxlHostPci {
    unsigned int domain;
    unsigned int bus;
    unsigned int slot;
    unsigned int function;
    unsigned int vendor;           /* PCI vendor and device ids */
    unsigned int product;
    unsigned int pciClass;         /* class code, e.g. 0x020000 */
    char *vendorName;              /* NULL when unknown */
    char *productName;
    char *driver;                  /* bound to: "pciback" when assignable,
                                      the host's driver, or NULL */
    int iommuGroup;                /* -1 when unknown */
    uint32_t domid;                /* the domain that has it, 0: none */
    char *physfn;                  /* an SR-IOV VF: its PF's address
                                      ("0000:03:00.0"); NULL otherwise */
    char **vfs;                    /* an SR-IOV PF: its VFs' addresses by
                                      index, NULL-terminated; NULL: none */
} vxlHostPci;

void vxlHostPciListFree(vxlHostPci *devs, size_t ndevs);
/* VIR_ERR_OPERATION_UNSUPPORTED naming device @addr unless the host has
 * an IOMMU (@iommu): both backends' hostPciAssignable check it before
 * anything changes (backend_pci.c says why). */
int vxlBackendPciAssignableCheck(const char *addr, bool iommu);
/* VIR_ERR_NO_NODE_DEVICE: domain @domain names a PCI device by @name
 * (libxl_device_pci.name) that no assignable device of the host has;
 * -1, the create fails before anything is built. */
int vxlBackendPciNameUnknown(const char *domain, const char *name);

/* One USB device of the host (hostUsbList). */
typedef struct _vxlHostUsb {
    unsigned int bus;              /* bus and device number, as lsusb */
    unsigned int device;
    unsigned int vendor;           /* USB vendor and product ids */
    unsigned int product;
    char *vendorName;              /* NULL when unknown */
    char *productName;
    uint32_t domid;                /* the domain that has it, 0: none */
} vxlHostUsb;

void vxlHostUsbListFree(vxlHostUsb *devs, size_t ndevs);

/* One entry of the host's neighbour table (hostNeighbours). */
typedef struct _vxlNeighbour {
    char *mac;                     /* "00:16:3e:..", lower case */
    char *ip;
} vxlNeighbour;

void vxlNeighbourListFree(vxlNeighbour *list, size_t n);

/* ----- events back to the driver ---------------------------------------- */

/*
 * Asynchronous facts from the hypervisor. Called from libvirt's event loop
 * thread with no backend lock held; handlers must not block (the driver
 * hands real work to a worker thread). @opaque is what the driver gave to
 * vxlBackendOpen.
 */
typedef struct _vxlBackendEvents {
    /* The guest stopped running by itself or at our request: the domain
     * still exists, in SHUTDOWN or CRASHED state, until destroyed. The
     * toolstack decides what happens next (on_poweroff/reboot/crash). */
    void (*domainShutdown)(uint32_t domid, vxlShutdownReason reason,
                           void *opaque);
    /* The domain no longer exists (destroyed outside this driver). */
    void (*domainDeath)(uint32_t domid, void *opaque);
} vxlBackendEvents;

/* ----- monitoring and tuning: statistics and scheduler ----------------- */

/* A counter Xen does not keep for this device or domain. */
#define VXL_STAT_UNKNOWN (-1LL)

/* One disk's counters, as blkback keeps them (sysfs vbd-DOMID-DEVID/
 * statistics); VXL_STAT_UNKNOWN where the backend keeps none (qdisk). */
typedef struct _vxlBlockStats {
    long long rdReqs;
    long long rdBytes;
    long long wrReqs;
    long long wrBytes;
    long long flushReqs;
    long long errs;                /* requests refused: out of ring slots */
} vxlBlockStats;

/* One vif's counters seen from the guest, as libvirt wants them: what
 * netback transmits is what the guest receives. */
typedef struct _vxlNicStats {
    long long rxBytes;
    long long rxPackets;
    long long rxErrs;
    long long rxDrop;
    long long txBytes;
    long long txPackets;
    long long txErrs;
    long long txDrop;
} vxlNicStats;

/* A domain's memory as Xen and its balloon driver see it, in KiB;
 * VXL_STAT_UNKNOWN where the guest does not report it. */
typedef struct _vxlMemoryStats {
    long long actualKiB;           /* the balloon's current size */
    long long maxKiB;              /* the most it may balloon up to */
    long long targetKiB;           /* what the toolstack asked for */
    long long availableKiB;        /* what the guest OS sees as its RAM */
    long long unusedKiB;           /* free in the guest */
    long long usableKiB;           /* could be used without swapping */
    long long lastUpdate;          /* seconds since the epoch, when the
                                      guest last reported */
} vxlMemoryStats;

/* One physical CPU's time since the host booted. */
typedef struct _vxlHostCpuTime {
    unsigned long long idleNs;
    unsigned long long busyNs;     /* running some domain's vCPU */
} vxlHostCpuTime;

/* Scheduler parameters of one domain under credit or credit2 (the
 * scheduler of its cpupool); weight 1..65535, cap 0 (none) .. 100 per
 * vCPU. */
typedef struct _vxlSchedParams {
    char *scheduler;               /* "credit", "credit2"... (g_free) */
    unsigned int weight;
    unsigned int cap;
} vxlSchedParams;

/* ----- opening a backend ----------------------------------------------- */

typedef struct _vxlBackendConfig {
    const char *stateDir;          /* backend may keep files here */
    const char *simProfile;        /* simulator: host profile path */
    const vxlBackendEvents *events;
    void *eventsOpaque;
    /* libxl.conf's autoballoon: the libxl backend may take memory from
     * dom0 (never more than a start needs) when Xen has too little free.
     * The simulator ignores it. */
    bool autoballoon;

    /* --- migration --- */
    /* Simulator: the simulated host's name and UUID (libxl.conf
     * sim_host_name, sim_host_uuid), so that two private daemons on one
     * machine are two hosts to libvirt. NULL: the profile's hostname (or
     * the machine's) and a UUID derived from it. */
    const char *simHostName;
    const char *simHostUUID;
    /* libxl.conf's sim_save_rate_mib: how many MiB of guest memory the
     * simulator saves or restores per second (0: its default). The
     * libxl backend ignores it: Xen takes the time it takes. */
    unsigned int simSaveRateMiB;

    /* --- crash consistency --- */
    /* libxl.conf's sim_create_cancel = 0: the simulator cannot cancel a
     * create in progress (domainCreateCancel fails with
     * VIR_ERR_NO_SUPPORT), as libxl cannot, so that the driver's way
     * with such a backend is tested without Xen. */
    bool simNoCreateCancel;

    /* --- disks --- */
    /* libxl.conf's sim_check_disk_sources = 1: the simulator, which
     * then stands for a host whose disks exist, also refuses a blkback
     * disk another guest has as Xen's block hotplug script does. The
     * libxl backend ignores it: the script itself runs there. */
    bool simDiskCheck;
} vxlBackendConfig;

/*
 * The hooks: X(return type, member, Member, (parameters)) for each, in
 * the struct's order, with its contract. The one list that the ops
 * struct's members, the hook names (fault injection, "no such hook"
 * messages), the call wrappers' prototypes (below) and each
 * backend's implementations' prototypes (vxlXen<Member>, vxlSim<Member>)
 * are made from: a new hook is one entry here.
 */
#define VXL_BACKEND_HOOKS(X) \
    /* --- host --- */ \
    \
    /* Set up: connect to the hypervisor or load the model. Fails with \
     * VIR_ERR_NO_SUPPORT when the hypervisor is absent, with a message \
     * that says how to select the simulator. */ \
    X(int, open, Open, (vxlBackend *be, const vxlBackendConfig *cfg)) \
    /* Release everything; running domains keep running. Never fails. */ \
    X(void, close, Close, (vxlBackend *be)) \
    X(int, hostGetFacts, HostGetFacts, (vxlBackend *be, vxlHostFacts *facts)) \
    X(int, hostGetFreeMemory, HostGetFreeMemory, (vxlBackend *be, \
                                                  unsigned long long *freeKiB)) \
    \
    /* --- domain lifecycle --- */ \
    \
    /* Build and start the domain described by @dcfg (c_info.name and \
     * c_info.uuid set by the caller). The domain is left paused when \
     * @paused, running otherwise. On failure nothing is left behind. \
     * On success each of @dcfg's disks that named no backend has the one \
     * that serves it (libxl's choice, which libxl writes back into the \
     * caller's config), and each PCI device given by name (pcidevs[].name) \
     * the host address the name resolved to. Errors: \
     * VIR_ERR_OPERATION_FAILED "not enough memory" (with the figures) \
     * when the host cannot fit it; vxlBackendPciNameUnknown's for a PCI \
     * name no assignable device has; VIR_ERR_CONFIG_UNSUPPORTED \
     * for a config the host cannot run (e.g. HVM without VT-x). */ \
    X(int, domainCreate, DomainCreate, (vxlBackend *be, \
                                        libxl_domain_config *dcfg, \
                                        const vxlGuestScript *script, \
                                        bool paused, uint32_t *domid)) \
    /* Tear down immediately. The domain is gone when this returns. */ \
    X(int, domainDestroy, DomainDestroy, (vxlBackend *be, uint32_t domid)) \
    /* Ask the guest to power off, the ways @modes allows \
     * (vxlRequestMode, see vxlBackendRequestPlan). Returns as soon as the \
     * request is delivered, without waiting for the guest to notice it \
     * (a paused guest notices when unpaused): must not block on the \
     * guest. The outcome arrives as an event. Errors: those of \
     * vxlBackendRequestPlan; VIR_ERR_OPERATION_INVALID when the request \
     * needs PV drivers the guest is not running (real Xen only: the \
     * simulator's guests always have them). */ \
    X(int, domainShutdown, DomainShutdown, (vxlBackend *be, uint32_t domid, \
                                            unsigned int modes)) \
    /* Ask the guest to reboot, likewise; the outcome arrives as a \
     * shutdown event with reason REBOOT, after which the driver recreates \
     * the domain. */ \
    X(int, domainReboot, DomainReboot, (vxlBackend *be, uint32_t domid, \
                                        unsigned int modes)) \
    X(int, domainPause, DomainPause, (vxlBackend *be, uint32_t domid)) \
    X(int, domainUnpause, DomainUnpause, (vxlBackend *be, uint32_t domid)) \
    /* Rename a live domain and, when @uuid is not NULL, give it that \
     * UUID. rename-restart keeps a dead domain this way, as xl does, so \
     * that its name and UUID are free for the next incarnation. */ \
    X(int, domainRename, DomainRename, (vxlBackend *be, uint32_t domid, \
                                        const char *name, \
                                        const unsigned char *uuid)) \
    \
    /* --- queries --- */ \
    \
    X(int, domainGetInfo, DomainGetInfo, (vxlBackend *be, uint32_t domid, \
                                          vxlDomainInfo *info)) \
    /* Every domain except dom0. */ \
    X(int, domainList, DomainList, (vxlBackend *be, vxlDomainInfo **infos, \
                                    size_t *ninfos)) \
    \
    /* --- memory / vCPUs --- */ \
    \
    X(int, domainSetMemory, DomainSetMemory, (vxlBackend *be, \
                                              uint32_t domid, \
                                              unsigned long long targetKiB)) \
    X(int, domainSetMaxMemory, DomainSetMaxMemory, (vxlBackend *be, \
                                                    uint32_t domid, \
                                                    unsigned long long maxKiB)) \
    X(int, domainSetVcpusOnline, DomainSetVcpusOnline, (vxlBackend *be, \
                                                        uint32_t domid, \
                                                        unsigned int nvcpus)) \
    \
    /* --- core dumps (coredump-destroy / coredump-restart) --- */ \
    \
    /* Writes the domain's memory image to @path, a new file. On failure \
     * (a full disk, typically) nothing is left at @path: a truncated core \
     * would pass for a real one. Progress and cancel through @token (may \
     * be NULL), as for domainSave. */ \
    X(int, domainCoreDump, DomainCoreDump, (vxlBackend *be, uint32_t domid, \
                                            const char *path, \
                                            vxlJobToken *token)) \
    \
    /* --- consoles --- */ \
    \
    /* The pty through which the domain's console @num of @kind is \
     * reached (libxl_console_get_tty), in @path (g_free). Errors: \
     * VIR_ERR_OPERATION_INVALID when the domain has no such console. */ \
    X(int, domainConsolePath, DomainConsolePath, (vxlBackend *be, \
                                                  uint32_t domid, \
                                                  vxlConsoleKind kind, \
                                                  int num, char **path)) \
    \
    /* --- vCPUs of a running domain --- */ \
    \
    /* Every vCPU slot of the domain, online or not, in order. */ \
    X(int, domainGetVcpus, DomainGetVcpus, (vxlBackend *be, uint32_t domid, \
                                            vxlVcpuInfo **infos, \
                                            size_t *ninfos)) \
    /* Pin vCPU @vcpu to the CPUs of @cpuset (a CPU list, non-empty): \
     * its hard affinity, as xl vcpu-pin. Errors: VIR_ERR_INVALID_ARG for \
     * a vCPU the domain does not have or CPUs the host does not have. */ \
    X(int, domainPinVcpu, DomainPinVcpu, (vxlBackend *be, uint32_t domid, \
                                          unsigned int vcpu, \
                                          const char *cpuset)) \
    /* --- devices (hotplug: virsh attach-device, detach-device, \
     *     change-media) --- */ \
    \
    /* Hot-add the PV disk @xdisk (vdev set; pdev_path NULL only for an \
     * empty cdrom) to a live domain, and wait until its backend is \
     * connected; on success @xdisk->backend is the backend serving it, \
     * as for domainCreate. Xen hot-adds PV devices only: the caller \
     * refuses an HVM guest's emulated (hd*, sd*, cdrom) disks before \
     * calling, and both backends refuse them again with \
     * VIR_ERR_OPERATION_UNSUPPORTED. \
     * Errors: VIR_ERR_OPERATION_INVALID when the domain has shut down, \
     * crashed or is dying; VIR_ERR_OPERATION_FAILED when the domain \
     * already has a disk @xdisk->vdev. On failure the domain has no new \
     * device. */ \
    X(int, domainDiskAdd, DomainDiskAdd, (vxlBackend *be, uint32_t domid, \
                                          libxl_device_disk *xdisk)) \
    /* Unplug the disk the guest calls @vdev ("xvdb"), waiting for the \
     * guest to let it go (libxl's remove, not its destroy: a guest that \
     * holds the disk open keeps it and the call fails). Errors: \
     * VIR_ERR_DEVICE_MISSING when the domain has no such disk (libxl: \
     * "device does not exist"); VIR_ERR_OPERATION_INVALID as above. */ \
    X(int, domainDiskRemove, DomainDiskRemove, (vxlBackend *be, \
                                                uint32_t domid, \
                                                const char *vdev)) \
    /* Hot-add the PV vif @xnic (mac set; devid left -1 for the next free \
     * one, as xl network-attach does). Errors: VIR_ERR_OPERATION_FAILED \
     * when the domain already has a vif with @xnic->mac; the state \
     * errors as for disks; VIR_ERR_OPERATION_UNSUPPORTED for an emulated \
     * NIC (nictype vif_ioemu), which Xen cannot hot-add. */ \
    X(int, domainNicAdd, DomainNicAdd, (vxlBackend *be, uint32_t domid, \
                                        libxl_device_nic *xnic)) \
    /* Unplug the vif with MAC @mac ("00:16:3e:..", any case). Errors: \
     * VIR_ERR_DEVICE_MISSING when the domain has no vif with it; the \
     * state errors as for disks. */ \
    X(int, domainNicRemove, DomainNicRemove, (vxlBackend *be, \
                                              uint32_t domid, \
                                              const char *mac)) \
    /* Change the media of the cdrom @xdisk->vdev: insert @xdisk's image, \
     * or eject when @xdisk->format is LIBXL_DISK_FORMAT_EMPTY (no \
     * pdev_path). Errors: VIR_ERR_DEVICE_MISSING when there is no such \
     * disk; VIR_ERR_OPERATION_INVALID when it is not a cdrom (libxl: \
     * only removable disks change media) or the domain is not alive; \
     * VIR_ERR_OPERATION_UNSUPPORTED when the guest is not HVM \
     * (vxlBackendMediaCheck). */ \
    X(int, domainCdromInsert, DomainCdromInsert, (vxlBackend *be, \
                                                  uint32_t domid, \
                                                  libxl_device_disk *xdisk)) \
    \
    /* --- migration: see vxlMigrateStream above --- */ \
    X(int, domainMigrateSend, DomainMigrateSend, (vxlBackend *be, \
                                                  uint32_t domid, \
                                                  vxlMigrateStream *st)) \
    X(int, domainMigrateResume, DomainMigrateResume, (vxlBackend *be, \
                                                      uint32_t domid, \
                                                      bool paused)) \
    X(int, domainMigrateReceive, DomainMigrateReceive, (vxlBackend *be, \
                                                        libxl_domain_config *dcfg, \
                                                        const vxlGuestScript *script, \
                                                        vxlMigrateStream *st, \
                                                        uint32_t *domid)) \
    /* --- save and restore (virsh save, restore, managedsave; \
     *     snapshots with memory) --- */ \
    \
    /* Write the memory and device state of domain @domid (running or \
     * paused) to @fd, from its current offset on, in the backend's own \
     * stream format (libxl: libxl's save stream). Blocks for as long as \
     * that takes; progress (bytes of guest memory) and cancel through \
     * @token. On success the guest has stopped for good (Xen: shut down \
     * with reason suspend, no event to the driver) and the caller \
     * destroys it; on failure, a cancel included, the guest runs (or \
     * stays paused) as before and the caller discards what was written. \
     * Errors: VIR_ERR_OPERATION_INVALID when the guest has shut down, \
     * crashed or is dying; VIR_ERR_OPERATION_ABORTED when cancelled; \
     * VIR_ERR_SYSTEM_ERROR when a write fails (a full disk). */ \
    X(int, domainSave, DomainSave, (vxlBackend *be, uint32_t domid, int fd, \
                                    vxlJobToken *token)) \
    /* Create a domain from @dcfg (as domainCreate: name and uuid set, \
     * @script for the simulator) with the state read from @fd, from its \
     * current offset on, as this backend's domainSave wrote it. The \
     * domain is left paused; on failure nothing is left. Errors: those \
     * of domainCreate; VIR_ERR_OPERATION_FAILED for a stream this \
     * backend cannot read (truncated, corrupt, another guest's); \
     * VIR_ERR_OPERATION_ABORTED when cancelled. */ \
    X(int, domainRestore, DomainRestore, (vxlBackend *be, \
                                          libxl_domain_config *dcfg, \
                                          const vxlGuestScript *script, \
                                          int fd, vxlJobToken *token, \
                                          uint32_t *domid)) \
    /* --- cancelling (crash consistency) --- */ \
    \
    /* Make a domainCreate of the domain with @uuid that is still in \
     * progress (building, booting) fail soon, leaving nothing behind: \
     * virsh destroy of a domain that is starting, and libvirtd's stop, \
     * must not wait on a guest. Must not block. Errors: \
     * VIR_ERR_NO_DOMAIN when no create of that UUID is in progress. */ \
    X(int, domainCreateCancel, DomainCreateCancel, (vxlBackend *be, \
                                                    const unsigned char *uuid)) \
    \
    /* --- monitoring and tuning (virsh domstats, schedinfo, Domain-0) --- */ \
    \
    /* Domain-0 as Xen reports it (libxl_domain_info(0)): id 0, its \
     * memory, vCPUs and CPU time. The other hooks do not know dom0. */ \
    X(int, hostGetDom0, HostGetDom0, (vxlBackend *be, vxlDomainInfo *info)) \
    /* Each physical CPU's idle and busy time (*ntimes = the host's CPU \
     * count), g_free. */ \
    X(int, hostGetCpuTimes, HostGetCpuTimes, (vxlBackend *be, \
                                              vxlHostCpuTime **times, \
                                              size_t *ntimes)) \
    /* Counters of disk @vdev ("xvda"). Errors: VIR_ERR_INVALID_ARG when \
     * the domain has no such disk. */ \
    X(int, domainGetBlockStats, DomainGetBlockStats, (vxlBackend *be, \
                                                      uint32_t domid, \
                                                      const char *vdev, \
                                                      vxlBlockStats *stats)) \
    /* Counters of the vif with MAC @mac ("00:16:3e:..", any case); an \
     * HVM guest's emulated NIC counts its PV vif and its device model's \
     * tap together, since its traffic takes one or the other. Errors: \
     * VIR_ERR_INVALID_ARG when the domain has no such vif. */ \
    X(int, domainGetNicStats, DomainGetNicStats, (vxlBackend *be, \
                                                  uint32_t domid, \
                                                  const char *mac, \
                                                  vxlNicStats *stats)) \
    X(int, domainGetMemoryStats, DomainGetMemoryStats, (vxlBackend *be, \
                                                        uint32_t domid, \
                                                        vxlMemoryStats *stats)) \
    /* The domain's scheduler parameters (libxl_domain_sched_params_get). */ \
    X(int, domainGetSchedParams, DomainGetSchedParams, (vxlBackend *be, \
                                                        uint32_t domid, \
                                                        vxlSchedParams *params)) \
    /* Set weight and cap (@params->scheduler is ignored: the domain's \
     * cpupool decides). Errors: VIR_ERR_INVALID_ARG for a value out of \
     * range; VIR_ERR_OPERATION_UNSUPPORTED under a scheduler without \
     * them. */ \
    X(int, domainSetSchedParams, DomainSetSchedParams, (vxlBackend *be, \
                                                        uint32_t domid, \
                                                        const vxlSchedParams *params)) \
    /* Grow the virtual disk @vdev to @bytes after its backing file or \
     * device grew (blkback notices a bigger device; the guest sees a \
     * capacity change). Errors: VIR_ERR_INVALID_ARG for an unknown disk \
     * or a size below the current one. */ \
    X(int, domainBlockResize, DomainBlockResize, (vxlBackend *be, \
                                                  uint32_t domid, \
                                                  const char *vdev, \
                                                  unsigned long long bytes)) \
    /* --- control (virsh reset, inject-nmi, send-key, screenshot, \
     *     dompmsuspend, dompmwakeup) --- */ \
    \
    /* Reset the guest in place, as its reset button would: same domid, \
     * memory and devices, the guest boots again, and no shutdown event \
     * (libxl_send_trigger RESET: the device model's system_reset). HVM \
     * guests only: VIR_ERR_OPERATION_UNSUPPORTED for PV and PVH guests, \
     * which have no emulated reset line (vxlBackendControlCheck). \
     * VIR_ERR_OPERATION_INVALID when the guest has stopped. */ \
    X(int, domainReset, DomainReset, (vxlBackend *be, uint32_t domid)) \
    /* Raise an NMI on the guest's vCPU 0 (libxl_send_trigger NMI), any \
     * guest type; what the guest makes of it is the guest's affair. \
     * VIR_ERR_OPERATION_INVALID when the guest has stopped. */ \
    X(int, domainInjectNMI, DomainInjectNMI, (vxlBackend *be, uint32_t domid)) \
    /* Press the @nkeys keys @keys together for @holdMs (0: the device \
     * model's default), then release them: QEMU key numbers \
     * (VIR_KEYCODE_SET_QNUM), typed on the emulated PS/2 keyboard of an \
     * HVM guest (the device model's sendkey). Other guest types: \
     * VIR_ERR_OPERATION_UNSUPPORTED; a number no key has: \
     * VIR_ERR_INVALID_ARG. */ \
    X(int, domainSendKeys, DomainSendKeys, (vxlBackend *be, uint32_t domid, \
                                            const unsigned int *keys, \
                                            size_t nkeys, \
                                            unsigned int holdMs)) \
    /* Write what the guest's display shows to @path, a new file, as a \
     * binary PPM (the device model's screendump): an HVM guest's VGA, a \
     * PV guest's vfb. VIR_ERR_OPERATION_INVALID for a guest without a \
     * display (a PV guest with no vfb, an HVM guest with nographic) or \
     * that has stopped. On failure nothing is left at @path. */ \
    X(int, domainScreenshot, DomainScreenshot, (vxlBackend *be, \
                                                uint32_t domid, \
                                                const char *path)) \
    /* Suspend the guest to RAM (ACPI S3, libxl_domain_suspend_only): the \
     * domain then is in SHUTDOWN state with reason SUSPEND, keeping its \
     * memory, until woken. HVM guests only (vxlBackendControlCheck); \
     * VIR_ERR_OPERATION_INVALID unless the guest runs. */ \
    X(int, domainPMSuspend, DomainPMSuspend, (vxlBackend *be, uint32_t domid)) \
    /* Wake a guest suspended to RAM (libxl_domain_resume, cancelling the \
     * suspend): it runs on where it was. VIR_ERR_OPERATION_INVALID when \
     * it is not suspended. */ \
    X(int, domainPMWakeup, DomainPMWakeup, (vxlBackend *be, uint32_t domid)) \
    \
    /* --- PCI devices (virsh nodedev-detach, nodedev-reattach, \
     *     nodedev-reset; <hostdev type='pci'> hotplug) --- */ \
    \
    /* The host's PCI devices and what each is bound to. Only the \
     * simulator has this hook: on real Xen, libvirt's node device driver \
     * reads the host's sysfs itself. */ \
    X(int, hostPciList, HostPciList, (vxlBackend *be, vxlHostPci **devs, \
                                      size_t *ndevs)) \
    /* Bind @pci to pciback so guests can be given it (@assignable, xl \
     * pci-assignable-add), or take it from pciback back to the host, \
     * rebinding its own driver when @rebind (xl pci-assignable-remove \
     * -r). Either is a no-op when the device is bound so already. \
     * Errors: VIR_ERR_NO_NODE_DEVICE for an address the host has no \
     * device at; VIR_ERR_OPERATION_INVALID when a domain has the device \
     * (it cannot leave pciback then); VIR_ERR_OPERATION_UNSUPPORTED when \
     * making it assignable on a host without an IOMMU \
     * (vxlBackendPciAssignableCheck). */ \
    X(int, hostPciAssignable, HostPciAssignable, (vxlBackend *be, \
                                                  const libxl_device_pci *pci, \
                                                  bool assignable, \
                                                  bool rebind)) \
    /* Reset the device (function level reset, through pciback or \
     * sysfs). Errors as above: a device a domain has is not reset. */ \
    X(int, hostPciReset, HostPciReset, (vxlBackend *be, \
                                        const libxl_device_pci *pci)) \
    /* Hot-add host device @pci to a live domain (xl pci-attach): with \
     * @pci->seize libxl binds it to pciback first, without it the device \
     * must be assignable already. Errors: VIR_ERR_OPERATION_INVALID when \
     * it is not assignable or another domain has it, or the domain is \
     * not alive; VIR_ERR_OPERATION_FAILED when this domain has it \
     * already; VIR_ERR_NO_NODE_DEVICE when the host has no such device; \
     * VIR_ERR_CONFIG_UNSUPPORTED without an IOMMU. */ \
    X(int, domainPciAdd, DomainPciAdd, (vxlBackend *be, uint32_t domid, \
                                        libxl_device_pci *pci)) \
    /* Take @pci from the domain (xl pci-detach); it stays bound to \
     * pciback. VIR_ERR_DEVICE_MISSING when the domain does not have it. */ \
    X(int, domainPciRemove, DomainPciRemove, (vxlBackend *be, \
                                              uint32_t domid, \
                                              const libxl_device_pci *pci)) \
    \
    /* --- guest addresses (virsh domifaddr --source arp) --- */ \
    \
    /* dom0's neighbour table: which IP address each MAC answered for, \
     * as /proc/net/arp and ip neigh show it (the simulator: its guests' \
     * scripted addresses on their vifs). */ \
    X(int, hostNeighbours, HostNeighbours, (vxlBackend *be, \
                                            vxlNeighbour **list, size_t *n)) \
    \
    /* --- vif rate limit (virsh domiftune --live) --- */ \
    \
    /* Limit what the guest sends on the vif with MAC @mac to @bytes every \
     * @usecs (@bytes 0: no limit), at once: netback watches its rate \
     * node in xenstore (Linux 4.x and later) and applies a new credit to \
     * the running vif, and libxl reads the node back into the domain's \
     * config. Errors: VIR_ERR_DEVICE_MISSING when the domain has no such \
     * vif; VIR_ERR_OPERATION_INVALID when it is not alive. */ \
    X(int, domainNicSetRate, DomainNicSetRate, (vxlBackend *be, \
                                                uint32_t domid, \
                                                const char *mac, \
                                                uint64_t bytes, \
                                                uint32_t usecs)) \
    \
    /* --- live snapshots --- */ \
    \
    /* As domainSave, but the guest runs while its memory is copied: a \
     * first round copies all of it, each later round what the guest \
     * wrote meanwhile, until little is left or the round limit is \
     * reached; then the guest is paused and the rest copied in a last \
     * round, so the stream is of that instant. Rounds, dirty rate, \
     * progress and the pause are reported on @token (vxlJobTokenSetRound). \
     * A paused guest is saved in one round, as by domainSave. Success \
     * and failure as domainSave: on failure or cancel in any round the \
     * guest runs (or stays paused) as before. Errors: those of \
     * domainSave; VIR_ERR_ARGUMENT_UNSUPPORTED when the hypervisor \
     * cannot track the guest's writes (a PV guest on a Xen built without \
     * shadow paging). */ \
    X(int, domainSaveLive, DomainSaveLive, (vxlBackend *be, uint32_t domid, \
                                            int fd, vxlJobToken *token)) \
    \
    /* --- one vCPU online or offline (virsh setvcpu) --- */ \
    \
    /* Make exactly the vCPUs of the CPU list @vcpus online in the running \
     * domain and the others offline (libxl_set_vcpuonline with that \
     * bitmap; Xen's guest sees each slot's availability change in \
     * xenstore). Errors: VIR_ERR_INVALID_ARG for a list that is not one, \
     * names a vCPU beyond the domain's slots or leaves vCPU 0 offline; \
     * VIR_ERR_OPERATION_INVALID when the domain is not alive. */ \
    X(int, domainSetVcpusOnlineSet, DomainSetVcpusOnlineSet, (vxlBackend *be, \
                                                              uint32_t domid, \
                                                              const char *vcpus)) \
    \
    /* --- USB host devices (<hostdev type='usb'> hotplug) --- */ \
    \
    /* The host's USB devices (bus and device number, ids, names, the \
     * domain that has one). Only the simulator has this hook: on real \
     * Xen, libvirt's node device driver reads the host's sysfs. */ \
    X(int, hostUsbList, HostUsbList, (vxlBackend *be, vxlHostUsb **devs, \
                                      size_t *ndevs)) \
    /* Give host USB device @usb (type hostdev: hostbus, hostaddr) to a \
     * live domain (xl usbdev-attach): on a free port of its USB \
     * controllers, or of a new controller libxl adds when none is free \
     * (@usb's ctrl and port say which, when set). Errors: \
     * VIR_ERR_NO_NODE_DEVICE when the host has no such device; \
     * VIR_ERR_OPERATION_INVALID when another domain has it or the domain \
     * is not alive; VIR_ERR_OPERATION_FAILED when this domain has it. */ \
    X(int, domainUsbAdd, DomainUsbAdd, (vxlBackend *be, uint32_t domid, \
                                        libxl_device_usbdev *usb)) \
    /* Take host USB device @hostbus:@hostaddr from the domain (xl \
     * usbdev-detach of the port it is on); its controller stays. \
     * VIR_ERR_DEVICE_MISSING when the domain does not have it. */ \
    X(int, domainUsbRemove, DomainUsbRemove, (vxlBackend *be, uint32_t domid, \
                                              unsigned int hostbus, \
                                              unsigned int hostaddr)) \
    \
    /* --- migration: a pause during the copy (virsh migrate --timeout \
     *     N --timeout-suspend) --- */ \
    /* Pause domain @domid during its outgoing migration, while \
     * domainMigrateSend copies it live (from another thread) or before \
     * the copy begins, so that it writes no more memory and the copy \
     * ends: the round under way, then the last one. The send then \
     * succeeds as ever (the guest suspended); if it fails a guest paused \
     * during the copy runs again (one paused before it stays paused, as \
     * the send found it). A guest already paused: nothing to do. Errors: VIR_ERR_OPERATION_UNSUPPORTED when the backend cannot \
     * (libxl: its last step asks a PV or PVH guest to suspend itself, \
     * which a paused guest cannot answer). */ \
    X(int, domainMigratePauseSource, DomainMigratePauseSource, \
      (vxlBackend *be, uint32_t domid)) \
    \
    /* --- SR-IOV VFs (<interface type='hostdev'>) --- */ \
    \
    /* Give SR-IOV VF @vf the MAC @mac ("52:54:00:..") and VLAN tag \
     * @vlan (0: untagged) through its PF, as `ip link set PF vf N mac M \
     * vlan V` does, before the VF is passed through: the guest's VF \
     * driver takes the MAC the PF gave it, and the PF tags and filters \
     * the VF's traffic. What the VF had before is kept for \
     * hostNetVFRestore (once: a second set before a restore keeps the \
     * first values, so that a restore gives the host its own back). \
     * Blocks briefly (netlink on real Xen). Errors: \
     * VIR_ERR_NO_NODE_DEVICE when the host has no device at @vf; \
     * VIR_ERR_CONFIG_UNSUPPORTED when it is no SR-IOV VF or its PF has \
     * no network device; VIR_ERR_OPERATION_INVALID when a domain has \
     * it (its MAC is that guest's); a system error when the PF refuses. \
     * On failure nothing has changed. */ \
    X(int, hostNetVFSet, HostNetVFSet, (vxlBackend *be, \
                                        const libxl_device_pci *vf, \
                                        const char *mac, \
                                        unsigned int vlan)) \
    /* Give VF @vf back the MAC and VLAN it had before hostNetVFSet, and \
     * forget them; nothing to do (0) when none are kept. Called once the \
     * guest has let the VF go (stop, detach, a failed start, recovery). \
     * Errors: those of hostNetVFSet (a VF a domain has is still its \
     * guest's: VIR_ERR_OPERATION_INVALID); the kept values stay on \
     * failure, for a later restore. */ \
    X(int, hostNetVFRestore, HostNetVFRestore, (vxlBackend *be, \
                                                const libxl_device_pci *vf)) \
    /* The PCI devices domain @domid holds, as libxl_device_pci_list reads \
     * them from xenstore: each one's host address and guest vdevfn, and \
     * the pci-assignable name a device given by name (pcidevs[].name) \
     * was found by. Crash recovery asks it, to learn what a name \
     * resolved to at a create whose caller died before it could record \
     * it. @pcis (each _init'ed; the caller disposes each and g_free()s \
     * the array) is NULL with @npcis 0 when it holds none. Does not \
     * block. Errors: VIR_ERR_NO_DOMAIN when there is no such domain. */ \
    X(int, domainPciList, DomainPciList, (vxlBackend *be, uint32_t domid, \
                                          libxl_device_pci **pcis, \
                                          size_t *npcis))

struct _vxlBackendOps {
    const char *name;              /* "libxl", "sim" */
#define VXL_BACKEND_OPS_MEMBER(ret, hook, Hook, params) ret (*hook) params;
    VXL_BACKEND_HOOKS(VXL_BACKEND_OPS_MEMBER)
#undef VXL_BACKEND_OPS_MEMBER
};


/* ----- migration ------------------------------------------- */

/*
 * One direction of a migration stream and what both sides of the seam
 * know about it while it runs. The driver owns it; the backend reads and
 * writes the counters while a send or receive hook runs, from its own
 * thread, while the driver's job queries read them: every field below
 * the fd is accessed with __atomic builtins only (vxlMigrateStream*
 * helpers in src/backend/backend_migrate.c).
 */
struct _vxlMigrateStream {
    int fd;                        /* a connected, blocking stream socket;
                                      not closed by the backend */
    bool live;                     /* send: copy while the guest runs */
    bool oneWay;                   /* the connection carries data one
                                      way only (libvirt's tunnel): no
                                      replies are sent or awaited, the
                                      destination's Finish phase reports
                                      its outcome */

    /* The migration job's token (NULL: none): the backend reports the
     * bytes of guest memory copied there too, for domjobinfo. A cancel
     * of the job sets @cancelled (the backend stops at the next chunk
     * and fails with VIR_ERR_OPERATION_ABORTED) and shuts the socket
     * down, so a backend blocked inside the hypervisor's own copy loop
     * (libxl) fails there. */
    vxlJobToken *token;
    int cancelled;
    /* Cap on the memory copy rate in MiB/s, 0 = none; may change while
     * the stream runs (virDomainMigrateSetMaxSpeed). */
    unsigned long long bandwidthMiBps;

    /* Progress, written by the backend (bytes of guest memory): */
    unsigned long long memTotal;
    unsigned long long memProcessed;
    unsigned long long memRemaining;
    unsigned long long memIteration; /* pre-copy round, 1-based */
    unsigned long long dirtyRate;    /* pages the guest dirties per second */
    unsigned long long downtimeMs;   /* once the guest was stopped: how long
                                        it stayed stopped on this side */
    bool progressKnown;            /* false: the hypervisor reports no
                                      progress (libxl's suspend) */
};

unsigned long long vxlMigrateStreamGet(const unsigned long long *field);
void vxlMigrateStreamSet(unsigned long long *field, unsigned long long value);
bool vxlMigrateStreamCancelled(const vxlMigrateStream *st);

/*
 * A destination whose incoming migration fails tells the source why, on
 * the stream's own connection, whoever failed: the backend's receive,
 * or the driver's start around it (a check, a hook, fault injection).
 * The driver sends it once the start has failed and cleaned up, then
 * closes the connection; the source's backend reads it where its own
 * I/O on the stream fails (src/backend/backend_migrate.c).
 *
 * vxlMigrateStreamSendError: on @fd, which carries replies (not libvirt's
 * one-way tunnel), the error @err (its VIR_ERR code and message); a
 * source gone meanwhile hears nothing, which is not an error.
 * vxlMigrateReportPeerError: report, as the last error, that the
 * destination failed with @code (kept when it is a VIR_ERR code, else
 * VIR_ERR_OPERATION_FAILED) and @message: the one wording the client
 * sees for a destination's failure, whichever channel brought it (the
 * stream's connection, or a tunnelled migration's Finish).
 */
void vxlMigrateStreamSendError(int fd, const struct _virError *err);
void vxlMigrateReportPeerError(int code, const char *message);

/*
 * The migration hooks (in vxlBackendOps, at the end):
 *
 * domainMigrateSend: copy live domain @domid to the peer on @st->fd, in
 *   the backend's stream format, and wait for the peer's word that it
 *   has the domain. Live: pre-copy rounds while the guest runs, then the
 *   guest is suspended for the last round; otherwise it is paused first.
 *   On success the domain is left suspended here (it must be destroyed,
 *   or resumed with domainMigrateResume if the migration is called off
 *   later); on failure it runs (or stays paused) as before. Blocks for
 *   the whole copy. Errors: VIR_ERR_OPERATION_ABORTED when cancelled;
 *   when the peer refuses or fails and said why on the connection
 *   before closing it, its error (vxlMigrateReportPeerError: its code
 *   and message); VIR_ERR_OPERATION_FAILED or VIR_ERR_SYSTEM_ERROR when
 *   it went away without a word.
 * domainMigrateResume: take back a domain domainMigrateSend or
 *   domainSave left suspended (libxl_domain_resume with suspend_cancel):
 *   it runs again, or stays paused when @paused. A domain that was never
 *   suspended (a copy a daemon restart cut off) is only unpaused, unless
 *   @paused.
 * domainMigrateReceive: build a domain from @dcfg (name and uuid set)
 *   and the stream on @st->fd, as domainCreate would, and leave it
 *   paused; then tell the peer it has the domain. On failure nothing is
 *   left behind; the driver tells the peer why (vxlMigrateStreamSendError:
 *   the backend itself writes no error line, so the peer reads one).
 *   Errors: those of domainCreate; VIR_ERR_OPERATION_FAILED for a
 *   broken or foreign stream.
 */


void vxlSchedParamsClear(vxlSchedParams *params);

/* The hooks a fault can be injected into, by name ("domainCreate"). */
const char *const *vxlBackendHookNames(void);

struct _vxlBackend {
    const vxlBackendOps *ops;
    void *priv;                    /* the implementation's own state */
    void *fault;                   /* backend_fault.c's armed fault */
};

/* Selection and lifetime (src/backend/backend.c). */
vxlBackend *vxlBackendNew(const char *name);
void vxlBackendFree(vxlBackend *be);
const vxlBackendOps *vxlBackendLookup(const char *name);

/*
 * Fault injection: make the @nth call (1-based, counted from now) of the
 * hook named @hook fail with VIR_ERR_INTERNAL_ERROR "injected fault".
 * Used by tests to prove that a failure at any point leaves no trace.
 * @hook NULL disarms. Works over any backend.
 */
int vxlBackendInjectFault(vxlBackend *be, const char *hook, unsigned int nth);

/*
 * The calls (src/backend/backend.c): one wrapper per hook,
 * vxlBackend<Member> with the hook's parameters and contract, declared
 * from VXL_BACKEND_HOOKS. Callers use these, never be->ops, so that a
 * hook a backend lacks fails alike (VIR_ERR_NO_SUPPORT) and a test build
 * can make any of them fail on demand. domain/ and the offline tool
 * call them; driver/ never does (tests/layering refuses such a call).
 */
const char *vxlBackendName(vxlBackend *be);
#define VXL_BACKEND_CALL_DECL(ret, hook, Hook, params) ret vxlBackend##Hook params;
VXL_BACKEND_HOOKS(VXL_BACKEND_CALL_DECL)
#undef VXL_BACKEND_CALL_DECL

/*
 * Error conventions, the same in both backends:
 *   domid unknown                       VIR_ERR_NO_DOMAIN
 *   host has not enough free memory     VIR_ERR_OPERATION_FAILED
 *   state forbids it (pause a paused)   VIR_ERR_OPERATION_INVALID
 *   the domain has that device already VIR_ERR_OPERATION_FAILED
 *   the domain has no such device       VIR_ERR_DEVICE_MISSING
 *   config the host can't run           VIR_ERR_CONFIG_UNSUPPORTED
 *   a way this guest cannot be asked    VIR_ERR_OPERATION_UNSUPPORTED
 *     (power button of a PV guest), a
 *     device Xen cannot hot-add
 *   hypervisor absent / not reachable   VIR_ERR_NO_SUPPORT
 *   anything else from the hypervisor   VIR_ERR_INTERNAL_ERROR
 */
