/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_intent.h: intent records, the driver's write-ahead log.
 *
 * Before an operation touches the hypervisor it records what it is about
 * to do (<stateDir>/intent/UUID-OP.json, written as a new file, synced
 * and renamed into place); once its outcome is recorded (status file,
 * persistent config) the intent is removed. A daemon killed in between
 * finds the intent at its next start and finishes or undoes the
 * operation (domain_recover.c), so that the driver's records and the
 * hypervisor never stay out of step.
 */
#pragma once

#include "vxl_internal.h"
#include "vxl_driver.h"
#include "virenum.h"

typedef enum {
    VXL_INTENT_START,        /* create, record, unpause */
    VXL_INTENT_DESTROY,      /* destroy, forget */
    VXL_INTENT_LIFECYCLE,    /* on_poweroff/on_reboot/on_crash action */
    VXL_INTENT_ATTACH,       /* hot-add a disk or NIC */
    VXL_INTENT_DETACH,       /* hot-remove one */
    VXL_INTENT_SETMEM,       /* balloon target */
    VXL_INTENT_SETMAXMEM,    /* maximum memory */
    VXL_INTENT_SETVCPUS,     /* online vCPUs */
    VXL_INTENT_SAVE,         /* suspend into an image, destroy */
    VXL_INTENT_RESTORE,      /* start from a managed save image, drop it */
    VXL_INTENT_SNAPSHOT,     /* memory saved, overlays, restore onto them */
    VXL_INTENT_SNAPSHOT_REVERT, /* fresh overlays, destroy, definition, start */
    VXL_INTENT_SNAPSHOT_DELETE, /* overlays merged, metadata dropped */

    /* setvcpu (domain_vcpu_online.c) */
    VXL_INTENT_SETVCPU,      /* single vCPUs online or offline */

    /* rename (domain_describe.c) */
    VXL_INTENT_RENAME,       /* new config written, old one removed */

    VXL_INTENT_LAST
} vxlIntentOp;

VIR_ENUM_DECL(vxlIntentOp);

typedef struct _vxlIntent {
    vxlIntentOp op;
    unsigned char uuid[VIR_UUID_BUFLEN];
    char *name;
    int domid;               /* the Xen domain it is about; -1: none yet */

    /* START: a paused start; and the live definition as it goes to Xen,
     * to adopt the domain Xen built should the daemon die before
     * recording it. LIFECYCLE: the definition to start again, should the
     * domain be transient. */
    bool paused;
    /* START of a domain arriving by migration: until its Finish phase
     * the source still runs the guest, so a daemon that dies before then
     * must not adopt it; recovery takes it back out of Xen instead. */
    bool incoming;
    /* START from a save image's stream: a domain Xen holds while no
     * status file records it may be half-restored, so recovery takes it
     * back out of Xen (the image is still there) rather than adopt it. */
    bool restore;
    char *xml;

    /* LIFECYCLE: the virDomainLifecycleAction being carried out. */
    int action;

    /* ATTACH, DETACH, SET*: which definitions the change is for. */
    bool live;
    bool config;

    /* ATTACH, DETACH: the device, a NIC (by MAC), a PCI host device (by
     * host address, "0000:03:00.0") or a disk (by target).
     * SAVE: the image being written; RESTORE: the managed save image
     * to remove once the domain runs from it. SAVE: @paused, whether
     * the guest was paused before (it stays so when resumed). */
    bool net;
    char *key;
    /* ATTACH, DETACH of a PCI host device: whether it is managed, so
     * that recovery gives it back to its host driver. */
    bool hostdev;
    bool managed;

    /* SNAPSHOT (domain_snapshot_recover.c): @xml the snapshot's
     * definition (internal format), @key its memory image, @paused
     * whether the guest was paused, @config whether the image is the
     * snapshot's (else a passing one, removed once the guest runs),
     * @value the create flags.
     * SNAPSHOT_REVERT (domain_snapshot_revert_recover.c): @key the
     * snapshot, @xml the persistent definition it leads to (on the fresh
     * overlays), @domid the guest it destroys (-1: shut off), @value the
     * revert flags.
     * SNAPSHOT_DELETE (domain_snapshot_delete.c): @key the snapshot
     * named, @value the delete flags, @xml the plan (JSON: the
     * snapshots going, in order, their parents, the current one if it
     * goes, and the merge steps). */

    /* SETVCPU: @key the vCPUs (a CPU list), @value 1 to take them
     * online, 0 offline. */

    /* RENAME: @name the new name, @key the old one, @value 1 if the
     * domain starts automatically (its link moves too). */

    /* SETMEM, SETMAXMEM (KiB), SETVCPUS (count). */
    unsigned long long value;

    /* SNAPSHOT_REVERT: the persistent definition before the revert,
     * whose overlays the revert throws away once it switched the
     * definition (a kill in between must not leave them behind). */
    char *oldXml;
} vxlIntent;

void vxlIntentClear(vxlIntent *intent);

/* Record @intent durably. On failure (a full or read-only disk) the
 * error is reported and the operation must not go on. */
int vxlIntentRecord(vxlDriver *driver, const vxlIntent *intent);

/* The operation @op of domain @uuid is over (done or undone): forget its
 * intent. A failure is only logged: the next start finds the intent
 * again and sees that there is nothing left to do. */
void vxlIntentDone(vxlDriver *driver, const unsigned char *uuid, vxlIntentOp op);

/* The recorded intent @op of domain @uuid into @intent: 1, or 0 when
 * there is none (or it is unreadable: logged and removed). */
int vxlIntentLoadOne(vxlDriver *driver, const unsigned char *uuid,
                     vxlIntentOp op, vxlIntent *intent);

/* Every recorded intent, oldest first. Unreadable records are logged and
 * removed. */
void vxlIntentLoadAll(vxlDriver *driver, vxlIntent **intents, size_t *nintents);
void vxlIntentListFree(vxlIntent *intents, size_t nintents);

/* Remove the temporary files (NAME.new) of writes a kill interrupted
 * from @dir. */
void vxlIntentRemoveStaleTemps(const char *dir);

/* --- recovery at daemon start (domain_recover.c) --- */

/* Before the persistent definitions are loaded: finish each rename
 * whose new config was written (the old one goes), forget the others
 * (the old one stands), so that exactly one config has the domain's
 * UUID (domain_describe.c). */
void vxlDomainRenameRecover(vxlDriver *driver, vxlIntent *intents, size_t nintents);

/* Before domains are matched with Xen: adopt the domains whose start
 * was cut short after Xen built them. */
void vxlDomainRecoverBegin(vxlDriver *driver, vxlIntent *intents, size_t nintents);
/* After: finish or undo what each intent left, then forget it. */
void vxlDomainRecoverFinish(vxlDriver *driver, vxlIntent *intents, size_t nintents);

/* The live Xen domain with @uuid, if the backend has one (not dying);
 * vxlDomainInfoClear(@found) after. */
bool vxlDomainRecoverFindInXen(vxlDriver *driver, const unsigned char *uuid,
                               vxlDomainInfo *found);

/* Let the guest of active @vm (domid @info's), which a save or snapshot
 * the daemon died in left paused or suspended in Xen, carry on as before
 * (paused if @paused), and record its state. Failures are logged. */
void vxlDomainRecoverResumeSaved(vxlDriver *driver, virDomainObj *vm,
                                 const vxlDomainInfo *info, bool paused);

/* Put the memory or vCPU value of a SETMEM, SETMAXMEM or SETVCPUS
 * intent @op into @def (@live: the running domain's definition). */
void vxlDomainResourceSet(virDomainDef *def, int op, unsigned long long value,
                          bool live);

/* Shorthands for the intents of a running domain @vm: ATTACH or DETACH
 * of the disk with target @key or the NIC with MAC @key (@net), for the
 * live definition and, if @config, the persistent one; SETMEM,
 * SETMAXMEM or SETVCPUS of @value. */
/* The hot-plug of PCI host device @addr (managed or not). */
int vxlIntentRecordHostdev(vxlDriver *driver, virDomainObj *vm, vxlIntentOp op,
                           const char *addr, bool managed, bool config);
int vxlIntentRecordDevice(vxlDriver *driver, virDomainObj *vm, vxlIntentOp op,
                          bool net, const char *key, bool config);
int vxlIntentRecordResource(vxlDriver *driver, virDomainObj *vm, vxlIntentOp op,
                            bool live, bool config, unsigned long long value);

/* Take the vCPUs of a SETVCPU intent online or offline again, in the
 * running domain (Xen and the live definition) and/or the persistent
 * definition, as the interrupted call meant to (domain_vcpu_online.c).
 * Failures are logged. */
void vxlDomainVcpuOnlineRecover(vxlDriver *driver, virDomainObj *vm,
                                const vxlIntent *intent);

/* Take the disk with target @key or the NIC with MAC @key (@net) out of
 * running @vm: out of Xen (one it lacks already is fine), then out of
 * the live definition, whose status is saved. Failures are logged. */
void vxlDomainDeviceForget(vxlDriver *driver, virDomainObj *vm, bool net,
                           const char *key);
