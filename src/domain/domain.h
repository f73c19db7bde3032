/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain.h: the domain lifecycle, as driver/ entry points use it.
 *
 * Conventions for every function here unless it says otherwise:
 *  - called with @vm locked and a job held (virDomainObjBeginJob);
 *  - the vm lock is dropped around backend calls (vxlDomainBackendEnter/
 *    Exit), never the job, so other domains and read-only queries of this
 *    one proceed while Xen works;
 *  - errors are reported once, where detected; on failure the domain is
 *    left exactly as it was before the call.
 */
#pragma once

#include "vxl_internal.h"
#include "vxl_driver.h"
#include "domain_private.h"
#include "domain_metadata.h"
#include "domain_capabilities.h"
#include "virjson.h"

/* --- jobs and locking (domain_job.c) --- */

int vxlDomainJobBegin(vxlDriver *driver, virDomainObj *vm, virDomainJob job);
void vxlDomainJobEnd(virDomainObj *vm);
/* Keep a reference and unlock @vm for a backend call; relock after. */
void vxlDomainBackendEnter(virDomainObj *vm);
void vxlDomainBackendExit(virDomainObj *vm);

/* Look a domain up by UUID and lock it, or report VIR_ERR_NO_DOMAIN
 * naming the UUID. Release with virDomainObjEndAPI. */
virDomainObj *vxlDomainObjFromDomain(vxlDriver *driver, virDomainPtr dom);
/* The same lookup without reading a definition still pending from
 * start-up: only vm->def's name and UUID may be used, which is what an
 * access check needs. Follow with vxlDomainDefEnsure. */
virDomainObj *vxlDomainObjFindForAccess(vxlDriver *driver, virDomainPtr dom);

/* Queue a lifecycle event for @vm (may be called with or without the
 * vm lock). */
void vxlDomainEventLifecycle(vxlDriver *driver, virDomainObj *vm,
                             int type, int detail);
/* What a running domain's state change does after the backend's part:
 * @vm (locked, job held) gets @state and @reason, its status file says
 * so, and the lifecycle event @type / @detail is queued. */
void vxlDomainStateChanged(vxlDriver *driver, virDomainObj *vm, int state,
                           int reason, int type, int detail);

/* Count active domains; tells libvirtd (--timeout) whether to stay up. */
void vxlDomainActiveChanged(vxlDriver *driver, bool active);

/* --- start and stop (domain_start.c, domain_stop.c) --- */

/* Build, create and (unless @paused) unpause @vm's domain. On success
 * the domain is running (or paused), its status saved and the STARTED
 * event queued. */
int vxlDomainStart(vxlDriver *driver, virDomainObj *vm, bool paused,
                   virDomainRunningReason reason);
/* The same, with the guest's state read from @restoreFd (a save image's
 * stream; -1: boot it) through the backend's domainRestore, progress and
 * cancel on @token. */
int vxlDomainStartFrom(vxlDriver *driver, virDomainObj *vm, bool paused,
                       virDomainRunningReason reason, int restoreFd,
                       vxlJobToken *token);

/* How vxlDomainStartWith makes the Xen domain from the translated
 * config: called with @vm unlocked (its job held), must leave the domain
 * paused and report errors; on failure nothing may be left in Xen. */
typedef int (*vxlDomainCreateFunc)(vxlDriver *driver, virDomainObj *vm,
                                   libxl_domain_config *dcfg,
                                   const vxlGuestScript *script,
                                   uint32_t *domid, void *opaque);
/* vxlDomainStart with another way to make the domain (restoring it from
 * a migration stream). With @reason MIGRATED and @paused the domain is
 * left PAUSED/MIGRATION and only STARTED/MIGRATED is queued. */
int vxlDomainStartWith(vxlDriver *driver, virDomainObj *vm, bool paused,
                       virDomainRunningReason reason,
                       vxlDomainCreateFunc create, void *opaque);

/* Cancel the start of @vm if the backend is building it (destroy and
 * the daemon's stop do not wait on a guest's boot). Called with @vm
 * locked and no job: the start holds it. True if a start was
 * cancelled; it then fails and cleans up as any failed start. */
bool vxlDomainStartCancel(vxlDriver *driver, virDomainObj *vm);
/* Destroy's job on @vm (locked): a start in progress is cancelled
 * (*@cancelled), or, on a backend that cannot cancel a create (libxl),
 * waited for, however long the create takes; that start then destroys
 * the domain it built instead of running it. */
int vxlDomainDestroyJobBegin(vxlDriver *driver, virDomainObj *vm,
                             bool *cancelled);

/* Destroy the Xen domain now and clean up (state SHUTOFF with @reason). */
int vxlDomainObjDestroy(vxlDriver *driver, virDomainObj *vm,
                     virDomainShutoffReason reason);

/* After the Xen domain is gone: state SHUTOFF/@reason, id -1, status
 * file removed, persistent def restored, transient domain removed from
 * the list. Does not queue events. */
void vxlDomainCleanup(vxlDriver *driver, virDomainObj *vm,
                      virDomainShutoffReason reason);

/* Save the live status (<domstatus>) of an active domain. */
int vxlDomainSaveStatus(vxlDriver *driver, virDomainObj *vm);

/* Remove a transient domain that is no longer active from the list. */
void vxlDomainRemoveIfTransient(vxlDriver *driver, virDomainObj *vm);

/* --- the host (domain_host.c): the backend's host-level hooks for the
 * driver's node, capability and node-device entry points --- */

/* Make and open the backend libxl.conf names, as driver->backend. -1
 * for a name no backend has; 0 otherwise, with driver->backend NULL and
 * the reason in driver->backendError when it could not open (no Xen
 * here). */
int vxlDomainHostOpenBackend(vxlDriver *driver, const vxlBackendConfig *bcfg);
/* Close and free driver->backend, if any; running domains run on. */
void vxlDomainHostCloseBackend(vxlDriver *driver);
/* The backend is the simulator (whose host devices are not in sysfs). */
bool vxlDomainHostIsSimulated(vxlDriver *driver);
int vxlDomainHostGetFacts(vxlDriver *driver, vxlHostFacts *facts);
int vxlDomainHostGetFreeMemory(vxlDriver *driver, unsigned long long *freeKiB);
int vxlDomainHostGetCpuTimes(vxlDriver *driver, vxlHostCpuTime **times,
                             size_t *ntimes);
/* The host's physical CPUs, all of them. */
virBitmap *vxlDomainHostGetCpus(vxlDriver *driver);
/* <capabilities>, and <domainCapabilities> for the guests @emulator,
 * @arch, @machine, @virttype describe (each NULL or one the host has). */
virCaps *vxlDomainHostCapabilities(vxlDriver *driver);
virDomainCaps *vxlDomainHostDomainCapabilities(vxlDriver *driver,
                                               const char *emulator,
                                               const char *arch,
                                               const char *machine,
                                               const char *virttype);
int vxlDomainHostPciList(vxlDriver *driver, vxlHostPci **devs, size_t *ndevs);
int vxlDomainHostUsbList(vxlDriver *driver, vxlHostUsb **devs, size_t *ndevs);
/* domain_usb.c: a USB <hostdev> named by vendor and product gets the
 * bus and device of the one host device that has them. */
int vxlDomainUsbResolve(vxlDriver *driver, virDomainHostdevDef *hostdev);
int vxlDomainUsbResolveAll(vxlDriver *driver, virDomainDef *def);
int vxlDomainHostPciAssignable(vxlDriver *driver, const libxl_device_pci *pci,
                               bool assignable, bool rebind);
int vxlDomainHostPciReset(vxlDriver *driver, const libxl_device_pci *pci);
int vxlDomainHostNeighbours(vxlDriver *driver, vxlNeighbour **list, size_t *n);

/* --- a running guest's IP addresses (domain_ifaddr.c); job held --- */

/* The addresses of @vm's interfaces as the virDomainInterfaceAddresses
 * @source sees them; how many. VIR_ERR_OPERATION_INVALID unless @vm
 * runs. */
int vxlDomainIfaceAddresses(vxlDriver *driver, virDomainObj *vm,
                            unsigned int source, virDomainInterfacePtr **ifaces);

/* --- memory, vCPUs and core dumps (domain_resources.c) --- */

/* Change the current (balloon target) or, with @maximum, the maximum
 * memory of @def (the running domain, or NULL) and @persistentDef (or
 * NULL) to @memKiB, and record it; a refused or failed change leaves
 * both and the domain as they were. Job held. */
int vxlDomainMemoryChange(vxlDriver *driver, virDomainObj *vm,
                          virDomainDef *def, virDomainDef *persistentDef,
                          unsigned long long memKiB, bool maximum);
/* The same for the online vCPUs or (@maximum, @persistentDef only) the
 * vCPU slots. */
/* domain_vcpu_online.c: virsh setvcpu (vCPUs of CPU list @cpumap
 * online when @state, else offline). */
int vxlDomainVcpuSetOnline(vxlDriver *driver, virDomainObj *vm,
                           virDomainDef *def, virDomainDef *persistentDef,
                           const char *cpumap, bool state);
int vxlDomainVcpusChange(vxlDriver *driver, virDomainObj *vm,
                         virDomainDef *def, virDomainDef *persistentDef,
                         unsigned int nvcpus, bool maximum);
/* virDomainGetVcpus of running @vm: how many filled in. */
int vxlDomainVcpusInfo(vxlDriver *driver, virDomainObj *vm, virVcpuInfoPtr info,
                       int maxinfo, unsigned char *cpumaps, int maplen);
/* virDomainGetVcpuPinInfo of @def. */
int vxlDomainVcpuPinInfo(vxlDriver *driver, virDomainDef *def, int ncpumaps,
                         unsigned char *cpumaps, int maplen);
/* Pin vCPU @vcpu of @def and/or @persistentDef to the CPUs of @cpumap.
 * Job held. */
int vxlDomainVcpuPin(vxlDriver *driver, virDomainObj *vm, virDomainDef *def,
                     virDomainDef *persistentDef, unsigned int vcpu,
                     unsigned char *cpumap, int maplen);
/* Write running @vm's memory to @to as an ELF core, in an asynchronous
 * job of its own (no job held by the caller); @flags are virDomainCoreDump's
 * (VIR_DUMP_LIVE: the guest runs on; VIR_DUMP_CRASH: destroyed after). */
int vxlDomainDumpCore(vxlDriver *driver, virDomainObj *vm, const char *to,
                      unsigned int flags);

/* --- requests to a running guest (domain_request.c); job held --- */

typedef enum {
    VXL_GUEST_REQUEST_REBOOT,
    VXL_GUEST_REQUEST_SHUTDOWN,
    VXL_GUEST_REQUEST_SUSPEND,
    VXL_GUEST_REQUEST_RESUME,
} vxlGuestRequest;

/* Ask @vm's guest to power off or (@reboot) reboot: through the guest
 * agent first when @agent, then the ways @modes allows (vxlRequestMode,
 * 0 for any; none when @agent alone). Returns once the request is
 * delivered. VIR_ERR_OPERATION_INVALID when the guest has stopped. */
int vxlDomainRequestStop(vxlDriver *driver, virDomainObj *vm,
                         unsigned int modes, bool agent, bool reboot);
/* Pause (unpause) a running (paused) @vm, with its state, status file
 * and event; a no-op when it is so already. */
int vxlDomainPause(vxlDriver *driver, virDomainObj *vm);
int vxlDomainUnpause(vxlDriver *driver, virDomainObj *vm);

/* --- undefine (domain_undefine.c); job held --- */

/* Forget @vm's persistent definition (with its managed save image and
 * snapshots' metadata when @flags allow, refused otherwise); a running
 * @vm lives on as a transient domain, a stopped one leaves the list. */
int vxlDomainUndefinePersistent(vxlDriver *driver, virDomainObj *vm,
                                unsigned int flags);

/* --- libvirt networks (domain_network.c) --- */

/* Give every <interface type='network'> of the live @def a port and its
 * bridge; on failure none is held. */
int vxlDomainNetworkPrepare(virDomainDef *def);
/* Release the ports of @def's interfaces (stop, failed start). */
void vxlDomainNetworkRelease(virDomainDef *def);
/* The same for one interface @net of @def (hotplug; @net need not be
 * in @def's list yet). On failure @net holds no port. */
int vxlDomainNetworkPrepareOne(virDomainDef *def, virDomainNetDef *net);
void vxlDomainNetworkReleaseOne(virDomainDef *def, virDomainNetDef *net);

/* --- device hotplug (domain_hotplug.c) --- */

/* Add, remove or change (a cdrom's media) the device @xml in the live
 * @def and/or @persistentDef, as virDomainObjGetDefs() gave them (NULL:
 * leave that side alone). Disks and interfaces only, others are
 * VIR_ERR_OPERATION_UNSUPPORTED. The persistent side is checked on a
 * copy before the live side goes to the backend, and replaces the
 * persistent definition (saved) only after the live change succeeded;
 * the live def changes after the backend succeeded (status saved). A
 * detach queues VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED. @persistentDef is
 * freed when replaced: do not use it after the call. */
int vxlDomainHotplugAttach(vxlDriver *driver, virDomainObj *vm, const char *xml,
                           virDomainDef *def, virDomainDef *persistentDef);
int vxlDomainHotplugDetach(vxlDriver *driver, virDomainObj *vm, const char *xml,
                           virDomainDef *def, virDomainDef *persistentDef);
int vxlDomainHotplugUpdate(vxlDriver *driver, virDomainObj *vm, const char *xml,
                           virDomainDef *def, virDomainDef *persistentDef);

/* Detach the device with <alias name=@alias> from @def and/or
 * @persistentDef (domain_detach_alias.c): each must have it
 * (VIR_ERR_DEVICE_MISSING otherwise); then as vxlDomainHotplugDetach
 * with that device's XML. */
int vxlDomainHotplugDetachAlias(vxlDriver *driver, virDomainObj *vm,
                                const char *alias, virDomainDef *def,
                                virDomainDef *persistentDef);

/* --- consoles (domain_console.c) --- */

/* Note the pty of each console and pty serial port of running @vm in its
 * live definition; a console without one stays without. */
void vxlDomainConsolesRefresh(vxlDriver *driver, virDomainObj *vm);
/* Note the pty of each pty Xen channel of running @vm in its live
 * definition (domain_channel.c); called by vxlDomainConsolesRefresh. */
int vxlDomainChannelsPrepare(vxlDriver *driver, virDomainDef *def);
void vxlDomainChannelsRefresh(vxlDriver *driver, virDomainObj *vm);
/* Connect @st to @vm's channel @name (an alias or the channel's target
 * name; NULL: the first), a pty (virDomainOpenChannel). */
int vxlDomainChannelConnect(virDomainObj *vm, const char *name,
                            virStreamPtr st, unsigned int flags);
/* Connect @st to @vm's console @devname (an alias; NULL: the first). */
int vxlDomainConsoleConnect(vxlDriver *driver, virDomainObj *vm, const char *devname,
                            virStreamPtr st, unsigned int flags);

/* --- storage volumes (domain_storage.c) --- */

/* Resolve every <disk type='volume'> of the live @def through the
 * storage driver. */
int vxlDomainStoragePrepare(virDomainDef *def);
/* A local disk source (file, block device) that is missing: SYSTEM_ERROR
 * naming the disk and the path. */
int vxlDomainDiskSourceCheck(vxlDriver *driver, virDomainDiskDef *disk);
/* Every disk's source before a start: a missing one refuses the start,
 * unless its startupPolicy lets it go (@coldBoot: a fresh boot, not a
 * restore or an incoming migration); what goes leaves the live
 * definition @def of @vm, with an event. With @vm NULL (@def not yet a
 * domain's), only what may not go is looked for. */
int vxlDomainStorageCheckPresence(vxlDriver *driver, virDomainDef *def,
                                  virDomainObj *vm, bool coldBoot);

/* --- Ceph keys (domain_secrets.c) --- */

/* Append to the translated target of each rbd disk of @def with an
 * <auth><secret> the key from libvirt's secret store. */
int vxlDomainSecretsApply(const virDomainDef *def, libxl_domain_config *dcfg);
/* The same for one translated disk (a hot-added one). */
int vxlDomainSecretsApplyDisk(const virDomainDef *def, const virDomainDiskDef *disk,
                              libxl_device_disk *xdisk);

/* --- display ports (domain_graphics.c) --- */

/* Give each autoport VNC and SPICE display of the live @def a free port;
 * on failure none is held. */
int vxlDomainGraphicsPrepare(vxlDriver *driver, virDomainDef *def);
/* Give back the ports of @def's autoport displays (stop, failed start). */
void vxlDomainGraphicsRelease(virDomainDef *def);
/* Mark the ports of a running @def's autoport displays as taken again
 * (daemon restart). */
void vxlDomainGraphicsReclaim(virDomainDef *def);

/* --- guest shutdown handling (domain_shutdown.c) --- */

/* The backend's event callbacks (the driver passes them at open). */
extern const vxlBackendEvents vxlDomainBackendEvents;

/* Handle the backend events held back while the daemon loaded its
 * domains, and every later one as it comes. */
void vxlDomainEventsReady(vxlDriver *driver);

/* Apply on_poweroff/on_reboot/on_crash to a domain whose guest stopped
 * with @reason. Called with @vm locked and a job held. */
void vxlDomainHandleShutdown(vxlDriver *driver, virDomainObj *vm,
                             vxlShutdownReason reason);

/* --- daemon start (domain_reconnect.c, domain_autostart.c) --- */

/* Load status files, match them against the backend's live domains,
 * then load persistent configs. */
int vxlDomainLoadAll(vxlDriver *driver);

/* domain_load.c: the persistent definitions, parsed in parallel. */
int vxlDomainLoadConfigs(vxlDriver *driver);
/* domain_autostart.c */
void vxlDomainAutostartAll(vxlDriver *driver);

/* --- definitions listed before they are parsed (domain_def_pending.c) --- */

/* Whether @def is a pending definition: a name and UUID, nothing else. */
bool vxlDomainDefIsPending(const virDomainDef *def);
/* A pending definition from the first elements of the file at @path, if
 * it is as libvirt writes them and names @name; NULL otherwise, with
 * *@empty set if the file is empty. */
virDomainDef *vxlDomainDefPendingRead(vxlDriver *driver, const char *path,
                                      const char *name, bool *empty);
/* Parse @vm's definition if it is pending (@vm locked). Whatever looks
 * further than a domain's name, UUID and state calls this first. */
int vxlDomainDefEnsure(vxlDriver *driver, virDomainObj *vm);
/* virDomainObjListAdd once the definitions it may compare and swap are
 * parsed. */
virDomainObj *vxlDomainListAdd(vxlDriver *driver, virDomainDef **def,
                               unsigned int flags, virDomainDef **oldDef);
/* The thread that parses the pending definitions after the start. */
void vxlDomainDefLoaderStart(vxlDriver *driver);
void vxlDomainDefLoaderStop(void);

/* --- Domain-0 and backend names (domain_dom0.c) --- */

/* Whether @vm is Xen's control domain. */
bool vxlDomainIsDom0(const virDomainObj *vm);
/* VIR_ERR_OPERATION_INVALID when @vm is Domain-0 (which no job but a
 * query may touch; vxlDomainJobBegin checks). */
int vxlDomainRefuseDom0(const virDomainObj *vm);
/* List Domain-0 (daemon start, after the other domains are loaded). */
int vxlDomainDom0Add(vxlDriver *driver);
/* What Xen says of running @vm (dom0 included), the lock dropped
 * around the backend call; no job needed. */
int vxlDomainGetLiveInfo(vxlDriver *driver, virDomainObj *vm,
                         vxlDomainInfo *info);
/* Give the live @net (or each interface of the live @def, matched by
 * MAC to @dcfg's vifs) the name of its backend device in dom0, unless
 * it has one. */
void vxlDomainNetBackendName(virDomainNetDef *net, uint32_t domid,
                             const libxl_device_nic *xnic);
void vxlDomainNetBackendNames(virDomainDef *def,
                              const libxl_domain_config *dcfg);
/* Forget those names (the domain stopped). */
void vxlDomainNetBackendNamesClear(virDomainDef *def);

/* --- disk backends in the live XML (domain_disk_backend.c) --- */
/* Give the live @disk (or each disk of the live @def, matched by vdev
 * to @dcfg's) the <driver name> of the backend serving it (phy, qemu),
 * as the backend chose it, unless the XML named one. */
void vxlDomainDiskBackendName(virDomainDiskDef *disk,
                              const libxl_device_disk *xdisk);
void vxlDomainDiskBackendNames(virDomainDef *def,
                               const libxl_domain_config *dcfg);

/* --- statistics (domain_stats.c); no job needed, @vm locked --- */

#include "virtypedparam.h"

/* Counters of running @vm's disk @vdev, its vif with @mac, its memory
 * and its vCPUs. Domain-0 has memory statistics only. */
int vxlDomainStatsBlock(vxlDriver *driver, virDomainObj *vm, const char *vdev,
                        vxlBlockStats *stats);
/* As vxlDomainStatsNic for interface @net of @vm;
 * VIR_ERR_OPERATION_UNSUPPORTED for an SR-IOV VF, which has no vif. */
int vxlDomainStatsNet(vxlDriver *driver, virDomainObj *vm,
                      const virDomainNetDef *net, vxlNicStats *stats);
int vxlDomainStatsNic(vxlDriver *driver, virDomainObj *vm, const virMacAddr *mac,
                      vxlNicStats *stats);
int vxlDomainStatsMemory(vxlDriver *driver, virDomainObj *vm,
                         vxlMemoryStats *stats);
int vxlDomainStatsVcpus(vxlDriver *driver, virDomainObj *vm,
                        vxlVcpuInfo **infos, size_t *ninfos);
/* The VIR_DOMAIN_STATS_* groups we have, and @vm's record of @groups. */
unsigned int vxlDomainStatsSupported(void);
int vxlDomainStatsCollect(vxlDriver *driver, virDomainObj *vm,
                          unsigned int groups, virTypedParamList *list);

/* --- scheduler weight and cap (domain_sched.c) --- */

/* What @def's <cputune> says (defaults where silent). */
void vxlDomainSchedFromDef(const virDomainDef *def, unsigned int *weight,
                           unsigned int *cap);
/* VIR_ERR_INVALID_ARG unless Xen takes @weight and @cap for @def. */
int vxlDomainSchedCheck(const virDomainDef *def, unsigned int weight,
                        unsigned int cap);
/* Write them into @def's <cputune>. */
void vxlDomainSchedToDef(virDomainDef *def, unsigned int weight,
                         unsigned int cap);
/* Xen's view of running @vm; set it there (and in the live def). Job
 * held. */
int vxlDomainSchedGetLive(vxlDriver *driver, virDomainObj *vm,
                          vxlSchedParams *params);
int vxlDomainSchedSetLive(vxlDriver *driver, virDomainObj *vm,
                          unsigned int weight, unsigned int cap);
/* virDomainSetSchedulerParameters' weight and cap (@params, checked
 * for type) into @def (running @vm, or NULL) and @persistentDef (or
 * NULL): all checked before any is changed; then the TUNABLE event.
 * Job held. */
int vxlDomainSchedChange(vxlDriver *driver, virDomainObj *vm,
                         virDomainDef *def, virDomainDef *persistentDef,
                         virTypedParameterPtr params, int nparams);

/* --- disk resize (domain_resize.c) --- */

/* Grow running @vm's disk @path (its target or source; a raw file, or
 * a block device grown already) to @bytes and let the guest see it.
 * VIR_ERR_INVALID_ARG when @vm has no such disk. Job held. */
int vxlDomainDiskGrow(vxlDriver *driver, virDomainObj *vm, const char *path,
                      unsigned long long bytes);

/* --- name and metadata (domain_describe.c); job held --- */

/* virDomainSetMetadata on @vm, with its event. */
int vxlDomainMetadataChange(vxlDriver *driver, virDomainObj *vm, int type,
                            const char *metadata, const char *key,
                            const char *uri, unsigned int flags);
/* Rename defined, shut-off @vm to @newName: its config file (and
 * autostart link) follow, and the undefined/defined events name the old
 * and new names. Refused while @vm has a managed save image or
 * snapshots, which are filed under its name. */
int vxlDomainRenameTo(vxlDriver *driver, virDomainObj *vm, const char *newName);

/* --- hook scripts (domain_hook.c) --- */

/* Run /etc/libvirt/hooks/libxl (and libxl.d/) for @vm with operation
 * @op and @subop (VIR_HOOK_LIBXL_OP_*, VIR_HOOK_SUBOP_*), its live XML
 * on stdin; a failing script is VIR_ERR_HOOK_SCRIPT_FAILED with its
 * message. Nothing for Domain-0. The Quiet form only logs a failure
 * (for the steps that cannot be refused: stopped, release...). */
int vxlDomainHookRun(vxlDriver *driver, virDomainObj *vm, int op, int subop);
void vxlDomainHookRunQuiet(vxlDriver *driver, virDomainObj *vm, int op,
                           int subop);
/* The migrate hook, on the destination, with the incoming definition
 * *@def (secure, migratable XML on stdin): a failing script refuses the
 * migration (VIR_ERR_HOOK_SCRIPT_FAILED); XML the script prints replaces
 * *@def, once it parses and keeps the domain's name and UUID. */
int vxlDomainHookMigrate(vxlDriver *driver, virDomainDef **def);

/* --- libxl.conf nested_hvm (domain_nested.c) --- */

/* With nested_hvm = 1: nested HVM for a host-passthrough guest whose
 * <cpu> leaves vmx/svm unsaid, when the host has it. After translation,
 * before create; @vm locked, job held. */
int vxlDomainNestedDefault(vxlDriver *driver, virDomainObj *vm,
                           libxl_domain_config *dcfg);

/* --- simulated guest behaviour (conf/domain_metadata.c) --- */

/* Fill @script from <metadata><virtxl:guest .../></metadata>; defaults
 * where absent. Errors name the attribute (VIR_ERR_XML_DETAIL). */
int vxlDomainGuestScriptParse(const virDomainDef *def, vxlGuestScript *script);

/* --- hostile input (domain_inputguard.c) --- */

/* Refuse domain XML that libvirt's own parser would abort the daemon on
 * (counts that size its arrays), before it is parsed. Malformed XML
 * passes: the parser reports it. */
int vxlDomainXMLGuard(const char *xml);
/* virDomainDefParseString(@xml, @xmlopt, NULL, @flags) with the guard
 * above, parsing the XML once. */
virDomainDef *vxlDomainDefParseGuarded(const char *xml, virDomainXMLOption *xmlopt,
                                       unsigned int flags);
/* Refuse a hard affinity of @def with no CPU of this host
 * (VIR_ERR_CONFIG_UNSUPPORTED); CPUs beyond the host are accepted. */
int vxlDomainCheckHostCpus(vxlDriver *driver, const virDomainDef *def);
/* Refuse vNUMA nodes of @def bound to host NUMA nodes the host lacks
 * (VIR_ERR_CONFIG_UNSUPPORTED): what a start checks, as the host may
 * have changed since the define. */
int vxlDomainCheckHostNodes(vxlDriver *driver, const virDomainDef *def);
/* domain_cpu_nodes.c: the host NUMA nodes of @def's namespace CPU lists
 * (xl's "nodes:N") replaced by this host's CPUs of those nodes, in the
 * live definition of a start; a hard affinity left with no CPU is
 * refused (VIR_ERR_CONFIG_UNSUPPORTED) and @def left as it was. */
int vxlDomainCpuNodesResolve(vxlDriver *driver, virDomainDef *def);
/* The CPUs beyond this host's cut from the hard and soft affinities of
 * @def (the live definition of a start), as libxl drops them; checked
 * before by vxlDomainCheckHostCpus. */
int vxlDomainCpuHostCut(vxlDriver *driver, virDomainDef *def);
/* The CPUs of this host's NUMA nodes in @nodeset (to free); NULL on
 * error (reported). */
virBitmap *vxlDomainCpuNodesMap(vxlDriver *driver, virBitmap *nodeset);
/* --- control (domain_control.c) --- */

/* Reset, send an NMI to, or press keys (QEMU key numbers, held
 * @holdtime ms) on running or paused @vm; VIR_ERR_OPERATION_INVALID when
 * it is not. */
int vxlDomainControlReset(vxlDriver *driver, virDomainObj *vm);
int vxlDomainControlInjectNMI(vxlDriver *driver, virDomainObj *vm);
int vxlDomainControlSendKeys(vxlDriver *driver, virDomainObj *vm,
                             const unsigned int *qnums, int nkeys,
                             unsigned int holdtime);
/* Take a screenshot of @screen (only 0) of running @vm into @st; returns
 * its MIME type. */
char *vxlDomainControlScreenshot(vxlDriver *driver, virDomainObj *vm,
                                 unsigned int screen, virStreamPtr st);
/* Suspend @vm to RAM (state PMSUSPENDED, event PMSUSPENDED/MEMORY), or
 * wake it (RUNNING/WAKEUP, events STARTED/WAKEUP and PMWAKEUP). */
int vxlDomainControlPMSuspend(vxlDriver *driver, virDomainObj *vm);
int vxlDomainControlPMWakeup(vxlDriver *driver, virDomainObj *vm);

/* --- host devices (domain_hostdev.c) --- */

/* Give the managed PCI host devices of stopped @def back to their host
 * drivers; failures are only logged. */
void vxlDomainHostdevsRelease(vxlDriver *driver, const virDomainDef *def);
/* After a create: each <virtxl:pci name> of the live @def gets the host
 * address @dcfg's entry resolved to (its address= in the live XML). */
void vxlDomainPciNamesResolved(virDomainDef *def, const libxl_domain_config *dcfg);
/* The same for a domain Xen built whose create's config is lost (crash
 * recovery's adoption): from the devices domain @domid holds, as the
 * backend reads them. Failures are only logged (the live XML then lacks
 * the addresses, nothing else). */
void vxlDomainPciNamesFromXen(vxlDriver *driver, virDomainDef *def, uint32_t domid);
/* Take host device @idx out of @def with its namespace entry; one of an
 * SR-IOV VF interface takes that interface with it. */
void vxlDomainHostdevRemoveAt(virDomainDef *def, size_t idx);
/* domain_hostdev_net.c: an SR-IOV VF's MAC and VLAN (<interface
 * type='hostdev'>), set through its PF before the guest gets the VF
 * (a failure sets none of @def's) and put back after (failures logged).
 * Interfaces of other types: nothing to do. */
int vxlDomainHostdevNetPrepare(vxlDriver *driver, const virDomainDef *def);
void vxlDomainHostdevNetRelease(vxlDriver *driver, const virDomainDef *def);
int vxlDomainHostdevNetPrepareOne(vxlDriver *driver, const virDomainNetDef *net);
void vxlDomainHostdevNetReleaseOne(vxlDriver *driver, const virDomainNetDef *net);
/* The index in @def of the host device at host address @addr (PCI:
 * "0000:03:00.0"; USB: "usb 001:003"), or -1. */
int vxlDomainHostdevFindAddr(const virDomainDef *def, const char *addr);
/* The PCI host device at @addr out of running @vm's guest and its live
 * definition, whichever still has it, and a @managed one back to its
 * host driver: how recovery finishes or undoes an interrupted hot-plug
 * of it. Failures are logged. */
void vxlDomainHostdevForget(vxlDriver *driver, virDomainObj *vm,
                            const char *addr, bool managed);

/* --- the guest agent (domain_agent.c) --- */

/* The socket of @def's org.qemu.guest_agent.0 Xen channel, or NULL. */
const char *vxlDomainAgentPath(const virDomainDef *def);
/* Run agent command @name with @args (taken; may be NULL) in running
 * @vm; its "return" value in *@ret when @ret. Without @wantReply the
 * command is sent and not waited for (guest-shutdown). Errors:
 * VIR_ERR_ARGUMENT_UNSUPPORTED without an agent channel,
 * VIR_ERR_OPERATION_INVALID unless the domain runs,
 * VIR_ERR_AGENT_UNRESPONSIVE when the agent is not there or does not
 * answer in time, VIR_ERR_INTERNAL_ERROR with the agent's error (as
 * libvirt's qemu driver reports it). */
int vxlDomainAgentCommand(virDomainObj *vm, const char *name, virJSONValue *args,
                          bool wantReply, virJSONValue **ret);

/* --- what the agent is asked (domain_agent_cmds.c); @vm locked, job
 * held, running; errors those of vxlDomainAgentCommand, or
 * VIR_ERR_INTERNAL_ERROR for an answer that does not read --- */

/* The guest's clock (guest-get-time). */
int vxlDomainAgentGetTime(virDomainObj *vm, long long *seconds,
                          unsigned int *nseconds);
/* Set the guest's clock to @seconds.@nseconds, or with @sync from its
 * hardware clock (guest-set-time). */
int vxlDomainAgentSetTime(virDomainObj *vm, bool sync, long long seconds,
                          unsigned int nseconds);
/* Freeze (@freeze) the @nmountpoints filesystems at @mountpoints (none:
 * all of them), or thaw all; how many the agent froze or thawed. */
int vxlDomainAgentFreeze(virDomainObj *vm, const char **mountpoints,
                         unsigned int nmountpoints, bool freeze);
int vxlDomainAgentSetUserPassword(virDomainObj *vm, const char *user,
                                  const char *password, bool crypted);
/* The guest's host name (g_free), or NULL with an error. */
char *vxlDomainAgentGetHostname(virDomainObj *vm);
/* virDomainGetGuestInfo's @types (users, os, timezone, hostname) into
 * new *@params; on failure *@params is NULL. */
int vxlDomainAgentGuestInfo(virDomainObj *vm, unsigned int types,
                            virTypedParameterPtr *params, int *nparams);
/* domifaddr --source agent: the guest's interfaces; how many. */
int vxlDomainAgentInterfaces(virDomainObj *vm, virDomainInterfacePtr **ifaces);
/* shutdown/reboot --mode agent: the guest goes down by itself. */
int vxlDomainAgentShutdown(virDomainObj *vm, bool reboot);

/* --- persistent definitions, flushed in batches (domain_config.c) --- */

/* Start and stop the thread that flushes written definitions to disk;
 * stopping flushes what is still pending. */
int vxlDomainConfigFlusherStart(vxlDriver *driver);
void vxlDomainConfigFlusherStop(void);
/* Wait until every definition written so far is on the disk. */
void vxlDomainConfigFlushWait(void);
/* Write @def as its domain's persistent definition (atomically: the old
 * file or the new one, whole); durable against a crash of the daemon at
 * return, against a power cut once the next batch is flushed. */
int vxlDomainConfigSave(vxlDriver *driver, virDomainDef *def);
/* Remove @vm's persistent definition and autostart link. The file is
 * first renamed to NAME.xml + VXL_CONFIG_GONE_SUFFIX, which the loader
 * ignores and removes. */
#define VXL_CONFIG_GONE_SUFFIX ".gone"
int vxlDomainConfigDelete(vxlDriver *driver, virDomainObj *vm);

/* --- control state, disk errors (domain_control_info.c) --- */

/* virDomainGetControlInfo of running @vm (locked, no job needed): JOB
 * while an asynchronous job runs, OCCUPIED while another API call holds
 * its job, OK otherwise. VIR_ERR_OPERATION_INVALID when not running. */
int vxlDomainControlState(virDomainObj *vm, virDomainControlInfoPtr info);
/* virDomainGetDiskErrors of running @vm: none (Xen never stops a guest
 * for a disk error); with @errors NULL, how many there could be at most
 * (its disks). VIR_ERR_OPERATION_INVALID when not running. */
int vxlDomainDiskErrorList(virDomainObj *vm, virDomainDiskErrorPtr errors,
                           unsigned int nerrors);

/* --- lifecycle actions (domain_lifecycle_action.c) --- */

/* Set the action of lifecycle event @type (virDomainLifecycle) to
 * @action in the live @def and/or @persistentDef, as
 * virDomainObjGetDefs() gave them (NULL: leave that side alone); the
 * status and the definition are saved. @vm locked, MODIFY job held.
 * Errors: VIR_ERR_INVALID_ARG for an unknown event or action,
 * VIR_ERR_CONFIG_UNSUPPORTED for an action the event cannot have (a
 * core dump on power-off). On failure neither side changed. */
int vxlDomainLifecycleActionSet(vxlDriver *driver, virDomainObj *vm,
                                unsigned int type, unsigned int action,
                                virDomainDef *def,
                                virDomainDef *persistentDef);

/* --- interface bandwidth (domain_iftune.c) --- */

/* virDomainGetInterfaceParameters of interface @device (MAC or target
 * name) of @def (the live one when @live): the outbound average, the
 * only limit a vif has; the others 0. With *@nparams 0, how many there
 * are. VIR_ERR_INVALID_ARG for an unknown interface. */
int vxlDomainIftuneGet(virDomainDef *def, bool live, const char *device,
                       virTypedParameterPtr params, int *nparams);
/* virDomainSetInterfaceParameters on the live @def (through the backend)
 * and/or @persistentDef, as virDomainObjGetDefs() gave them. @vm locked,
 * MODIFY job held. VIR_ERR_OPERATION_UNSUPPORTED for a limit other than
 * the outbound average; both sides are checked before either changes. */
int vxlDomainIftuneSet(vxlDriver *driver, virDomainObj *vm, const char *device,
                       virTypedParameterPtr params, int nparams,
                       virDomainDef *def, virDomainDef *persistentDef);

/* --- a display for a local client (domain_graphics_fd.c) --- */

/* A socket connected to display @idx (VNC or SPICE) of running @vm
 * (locked), where its device model serves it; the caller owns the fd.
 * @skipAuth: the caller asked to bypass the display's password, which
 * Xen cannot (VIR_ERR_OPERATION_UNSUPPORTED when there is one).
 * VIR_ERR_INVALID_ARG for an index the domain has no display at;
 * VIR_ERR_OPERATION_INVALID when it is not running or the display
 * listens nowhere. */
int vxlDomainGraphicsConnect(virDomainObj *vm, unsigned int idx, bool skipAuth);
/* domain_graphics_relay.c: connect to display @idx as above and relay
 * it to the client's socket @fd (a copy is kept) on the event loop. */
int vxlDomainGraphicsRelay(virDomainObj *vm, unsigned int idx, int fd,
                           bool skipAuth);

/* --- the guest's own vCPUs and filesystems, by its agent
 *     (domain_agent_guest.c); @vm locked, a job held, as for
 *     vxlDomainAgentCommand --- */

/* virDomainGetGuestVcpus: "vcpus", "online", "offlinable" CPU lists. */
int vxlDomainAgentGetVcpus(virDomainObj *vm, virTypedParameterPtr *params,
                           unsigned int *nparams);
/* virDomainSetGuestVcpus: the guest takes the vCPUs of @map online
 * (@state) or offline. Every one is checked first: VIR_ERR_INVALID_ARG
 * for one the guest does not have, VIR_ERR_OPERATION_UNSUPPORTED for one
 * it cannot take offline; then nothing changed. */
int vxlDomainAgentSetVcpus(virDomainObj *vm, virBitmap *map, bool state);
/* virDomainGetFSInfo: the guest's mounted filesystems, each with the
 * targets of the disks it is on; returns how many. */
int vxlDomainAgentGetFSInfo(virDomainObj *vm, virDomainFSInfoPtr **info);
/* virDomainFSTrim of every mounted filesystem. */
int vxlDomainAgentFSTrim(virDomainObj *vm, unsigned long long minimum);

/* --- define (domain_define.c) --- */

/* Hold the job of an existing domain of @def's UUID while its
 * definition is replaced, so a define or create never swaps vm->def
 * under a start or a shutdown handler that has dropped the lock for a
 * backend call. Sets *@vm to the domain (locked, job held), or NULL if
 * there is none. */
int vxlDomainDefineLockExisting(vxlDriver *driver, const virDomainDef *def,
                                virDomainObj **vm);
/* virDomainDefineXMLFlags after the ACL check: @def (taken) becomes the
 * persistent definition, saved and announced; what the caller's
 * virDomainPtr needs comes back in @name, @uuid and @id. */
int vxlDomainDefine(vxlDriver *driver, virDomainDef **def, char **name,
                    unsigned char *uuid, int *id);
/* virDomainCreateXML after the ACL check (domain_create.c): @def (taken)
 * started, transient or as the live run of the defined domain of its
 * UUID; removed again when the start fails. @name, @uuid and @id as
 * for vxlDomainDefine. */
int vxlDomainCreateStarted(vxlDriver *driver, virDomainDef **def, bool paused,
                           char **name, unsigned char *uuid, int *id);

/* --- disk image sizes (domain_block_info.c) --- */

/* virDomainGetBlockInfo of @vm's disk @path (locked, a reference held;
 * the lock is dropped while the image is read). */
int vxlDomainBlockInfoRead(virDomainObj *vm, const char *path,
                           virDomainBlockInfoPtr info);
