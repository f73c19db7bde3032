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

/* Queue a lifecycle event for @vm (may be called with or without the
 * vm lock). */
void vxlDomainEventLifecycle(vxlDriver *driver, virDomainObj *vm,
                             int type, int detail);

/* Count active domains; tells libvirtd (--timeout) whether to stay up. */
void vxlDomainActiveChanged(vxlDriver *driver, bool active);

/* --- start and stop (domain_start.c, domain_stop.c) --- */

/* Build, create and (unless @paused) unpause @vm's domain. On success
 * the domain is running (or paused), its status saved and the STARTED
 * event queued. */
int vxlDomainStart(vxlDriver *driver, virDomainObj *vm, bool paused,
                   virDomainRunningReason reason);

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

/* --- consoles (domain_console.c) --- */

/* Note the pty of each console and pty serial port of running @vm in its
 * live definition; a console without one stays without. */
void vxlDomainConsolesRefresh(vxlDriver *driver, virDomainObj *vm);
/* Connect @st to @vm's console @devname (an alias; NULL: the first). */
int vxlDomainConsoleConnect(vxlDriver *driver, virDomainObj *vm, const char *devname,
                            virStreamPtr st, unsigned int flags);

/* --- storage volumes (domain_storage.c) --- */

/* Resolve every <disk type='volume'> of the live @def through the
 * storage driver. */
int vxlDomainStoragePrepare(virDomainDef *def);

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

/* Apply on_poweroff/on_reboot/on_crash to a domain whose guest stopped
 * with @reason. Called with @vm locked and a job held. */
void vxlDomainHandleShutdown(vxlDriver *driver, virDomainObj *vm,
                             vxlShutdownReason reason);

/* --- daemon start (domain_reconnect.c, domain_autostart.c) --- */

/* Load status files, match them against the backend's live domains,
 * then load persistent configs. */
int vxlDomainLoadAll(vxlDriver *driver);
void vxlDomainAutostartAll(vxlDriver *driver);

/* --- simulated guest behaviour (domain_metadata.c) --- */

/* Fill @script from <metadata><virtxl:guest .../></metadata>; defaults
 * where absent. Errors name the attribute (VIR_ERR_XML_DETAIL). */
int vxlDomainGuestScriptParse(const virDomainDef *def, vxlGuestScript *script);

/* --- control (domain_control.c) --- */

/* Take a screenshot of running @vm into @st; returns its MIME type. */
char *vxlDomainControlScreenshot(vxlDriver *driver, virDomainObj *vm, virStreamPtr st);
/* Suspend @vm to RAM (state PMSUSPENDED, event PMSUSPENDED/MEMORY), or
 * wake it (RUNNING/WAKEUP, events STARTED/WAKEUP and PMWAKEUP). */
int vxlDomainControlPMSuspend(vxlDriver *driver, virDomainObj *vm);
int vxlDomainControlPMWakeup(vxlDriver *driver, virDomainObj *vm);

/* --- host devices (domain_hostdev.c) --- */

/* Give the managed PCI host devices of stopped @def back to their host
 * drivers; failures are only logged. */
void vxlDomainHostdevsRelease(vxlDriver *driver, const virDomainDef *def);

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
