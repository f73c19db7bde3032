/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_snapshot.c: creating, reverting to and deleting domain
 * snapshots (see domain_snapshot.h for what a snapshot is here).
 */
#include "vxl_internal.h"

#include <sys/stat.h>
#include <unistd.h>

#include "domain.h"
#include "domain_intent.h"
#include "domain_job.h"
#include "domain_save.h"
#include "domain_snapshot.h"
#include "virtxl/backend.h"
#include "util_crashpoint.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_snapshot");

/* ---------- the snapshot list ---------- */

virDomainMomentObj *
vxlSnapshotFind(vxlDriver *driver, virDomainObj *vm, const char *name)
{
    virDomainMomentObj *snap =
        virDomainSnapshotFindByName(vxlSnapshotList(driver, vm), name);

    if (!snap)
        virReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                       _("domain '%s' has no snapshot named '%s'"),
                       vm->def->name, name);
    return snap;
}

/* Add @def to @vm's snapshots as a child of the current one and write
 * its metadata; on failure it is not in the list. */
static virDomainMomentObj *
vxlSnapshotAdd(vxlDriver *driver, virDomainObj *vm, virDomainSnapshotDef **def)
{
    virDomainMomentObj *snap;

    (*def)->parent.parent_name =
        g_strdup(virDomainSnapshotGetCurrentName(vm->snapshots));
    if (!(snap = virDomainSnapshotAssignDef(vm->snapshots, def)))
        return NULL;
    virDomainSnapshotLinkParent(vm->snapshots, snap);
    if (vxlSnapshotWriteMetadata(driver, vm, snap) < 0) {
        virDomainMomentDropParent(snap);
        virDomainSnapshotObjListRemove(vm->snapshots, snap);
        return NULL;
    }
    return snap;
}

/* ---------- create ---------- */

/* A snapshot's name becomes a file name. */
static int
vxlSnapshotCheckName(const char *name)
{
    if (strchr(name, '/') || name[0] == '.') {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("invalid snapshot name '%s': it may neither contain '/' nor start with '.'"),
                       name);
        return -1;
    }
    return 0;
}

/* Parse @xml and fill the snapshot in for @vm as it is now: its
 * definition(s), state, memory location and disks, all checked. */
static virDomainSnapshotDef *
vxlSnapshotPrepare(vxlDriver *driver, virDomainObj *vm, const char *xml,
                   unsigned int flags)
{
    g_autoptr(virDomainSnapshotDef) def = NULL;
    bool active = virDomainObjIsActive(vm);
    bool diskOnly = !!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY);
    bool reuse = !!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT);
    unsigned int parseFlags = 0;
    int ndisks;

    if (!active || diskOnly)
        parseFlags |= VIR_DOMAIN_SNAPSHOT_PARSE_OFFLINE;
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE)
        parseFlags |= VIR_DOMAIN_SNAPSHOT_PARSE_VALIDATE;
    if (!(def = virDomainSnapshotDefParseString(xml, driver->xmlopt, NULL,
                                                NULL, parseFlags)))
        return NULL;

    if (vxlSnapshotCheckName(def->parent.name) < 0)
        return NULL;
    if (virDomainSnapshotFindByName(vm->snapshots, def->parent.name)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' has a snapshot named '%s' already"),
                       vm->def->name, def->parent.name);
        return NULL;
    }

    if (def->memory == VIR_DOMAIN_SNAPSHOT_LOCATION_INTERNAL ||
        def->memory == VIR_DOMAIN_SNAPSHOT_LOCATION_MANUAL) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot keep the memory of domain '%s' as '%s': Xen domains have external snapshots only"),
                       vm->def->name,
                       virDomainSnapshotLocationTypeToString(def->memory));
        return NULL;
    }
    if (!active || diskOnly || def->memory == VIR_DOMAIN_SNAPSHOT_LOCATION_NO) {
        def->memory = VIR_DOMAIN_SNAPSHOT_LOCATION_NO;
        g_clear_pointer(&def->memorysnapshotfile, g_free);
    } else {
        def->memory = VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL;
        if (!def->memorysnapshotfile) {
            g_autofree char *dir = vxlSnapshotDir(driver, vm->def);

            def->memorysnapshotfile = g_strdup_printf("%s/%s.save", dir,
                                                      def->parent.name);
        }
        if (virFileExists(def->memorysnapshotfile)) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("the memory snapshot file '%s' exists already"),
                           def->memorysnapshotfile);
            return NULL;
        }
    }
    /* A running domain snapshotted without its memory is a disk-only
     * snapshot, as in libvirt. */
    if (def->memory == VIR_DOMAIN_SNAPSHOT_LOCATION_NO && active)
        diskOnly = true;
    if (diskOnly)
        def->state = VIR_DOMAIN_SNAPSHOT_DISK_SNAPSHOT;
    else
        def->state = virDomainObjGetState(vm, NULL);

    if ((ndisks = vxlSnapshotDiskCheck(def, vm->def, false, reuse)) < 0)
        return NULL;
    if (!(def->parent.dom = virDomainDefCopy(vm->def, driver->xmlopt, NULL,
                                             active)))
        return NULL;
    if (active && vm->newDef &&
        !(def->parent.inactiveDom = virDomainDefCopy(vm->newDef, driver->xmlopt,
                                                     NULL, false)))
        return NULL;
    if (virDomainSnapshotAlignDisks(def, NULL,
                                    VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL,
                                    false) < 0)
        return NULL;
    if ((ndisks = vxlSnapshotDiskCheck(def, def->parent.dom, true, reuse)) < 0)
        return NULL;
    if (ndisks == 0 && def->memory == VIR_DOMAIN_SNAPSHOT_LOCATION_NO) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("a snapshot of domain '%s' would hold nothing: no disk is selected and no memory is kept"),
                       vm->def->name);
        return NULL;
    }
    return g_steal_pointer(&def);
}

/* Record that a snapshot of @vm is under way (its definition, memory
 * image if any, and flags), so that a daemon killed in the middle rolls
 * it back or finishes it at its next start (domain_snapshot_recover.c). */
static int
vxlSnapshotIntentRecord(vxlDriver *driver, virDomainObj *vm,
                        virDomainSnapshotDef *def, const char *imagePath,
                        bool paused, bool keepMemory, unsigned int flags)
{
    g_autofree char *xml = NULL;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    vxlIntent intent = {
        .op = VXL_INTENT_SNAPSHOT,
        .name = vm->def->name,
        .domid = vm->def->id,
        .paused = paused,
        .config = keepMemory,
        .key = (char *)imagePath,
        .value = flags,
    };

    virUUIDFormat(vm->def->uuid, uuidstr);
    if (!(xml = virDomainSnapshotDefFormat(uuidstr, def, driver->xmlopt,
                                           VIR_DOMAIN_SNAPSHOT_FORMAT_SECURE |
                                           VIR_DOMAIN_SNAPSHOT_FORMAT_INTERNAL)))
        return -1;
    intent.xml = xml;
    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    return vxlIntentRecord(driver, &intent);
}

/* A shut-off domain: overlays, the definition switched to them. Job
 * held. */
static virDomainMomentObj *
vxlSnapshotCreateOffline(vxlDriver *driver, virDomainObj *vm,
                         virDomainSnapshotDef **defp, unsigned int flags)
{
    bool reuse = !!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT);
    virDomainSnapshotDef *def = *defp;
    g_autoptr(virDomainDef) newdef = NULL;
    virDomainMomentObj *snap;
    virErrorPtr saved;

    if (!(newdef = virDomainDefCopy(vm->def, driver->xmlopt, NULL, false)))
        return NULL;
    /* No guest to recover, but files to: a kill between the overlays and
     * the metadata rolls them back at the next start. */
    if (vxlSnapshotIntentRecord(driver, vm, def, NULL, false, false,
                                flags & (VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT |
                                         VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA)) < 0)
        return NULL;
    if (!reuse && vxlSnapshotOverlaysMake(driver, vm, def, flags) < 0)
        goto done;
    VXL_CRASH_POINT("snapshot.offline.after-overlays");
    vxlSnapshotDefSwitchDisks(def, newdef);
    if (vxlDomainConfigSave(driver, newdef) < 0)
        goto undo_overlays;
    VXL_CRASH_POINT("snapshot.offline.after-config");
    if (!(snap = vxlSnapshotAdd(driver, vm, defp)))
        goto undo_config;
    VXL_CRASH_POINT("snapshot.offline.after-metadata");
    virDomainObjAssignDef(vm, &newdef, false, NULL);
    vxlSnapshotSetCurrent(driver, vm, snap);
    /* --no-metadata: the intent stays until the snapshot is forgotten. */
    if (!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA))
        vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_SNAPSHOT);
    return snap;

 undo_config:
    virErrorPreserveLast(&saved);
    if (vxlDomainConfigSave(driver, vm->def) < 0)
        VIR_WARN("cannot put back the definition of domain %s", vm->def->name);
    virErrorRestore(&saved);
 undo_overlays:
    /* Overlays the caller made (reused) are the caller's. */
    if (!reuse)
        vxlSnapshotOverlaysUndo(driver, vm, def);
 done:
    vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_SNAPSHOT);
    return NULL;
}

int
vxlSnapshotResumeFrom(vxlDriver *driver, virDomainObj *vm, const char *path,
                      virDomainSnapshotDef *snapdef, bool paused)
{
    g_auto(vxlSaveImage) img = { .fd = -1 };

    if (vxlSaveImageOpen(driver, path, &img) < 0 ||
        vxlSaveImageCheckDef(vm->def, img.def) < 0)
        return -1;
    if (snapdef)
        vxlSnapshotDefSwitchDisks(snapdef, img.def);
    if (lseek(img.fd, img.streamOffset, SEEK_SET) < 0) {
        virReportSystemError(errno, _("cannot read save image '%s'"), path);
        return -1;
    }
    virDomainObjAssignDef(vm, &img.def, true, NULL);
    return vxlDomainStartFrom(driver, vm, paused,
                              VIR_DOMAIN_RUNNING_FROM_SNAPSHOT, img.fd,
                              vxlDomainAsyncJobToken(vm));
}

/* Let @vm, which the snapshot left suspended in Xen, carry on from its
 * suspend as before the snapshot; the thread's last error is kept. */
static int
vxlSnapshotCarryOn(vxlDriver *driver, virDomainObj *vm, bool paused)
{
    virErrorPtr saved;

    if (vxlDomainSaveCancelSuspend(driver, vm, paused) < 0)
        return -1;
    virDomainObjSetState(vm, paused ? VIR_DOMAIN_PAUSED : VIR_DOMAIN_RUNNING,
                         paused ? VIR_DOMAIN_PAUSED_USER :
                                  VIR_DOMAIN_RUNNING_SAVE_CANCELED);
    virErrorPreserveLast(&saved);
    if (vxlDomainSaveStatus(driver, vm) < 0)
        VIR_WARN("cannot save the status of domain %s: %s", vm->def->name,
                 virGetLastErrorMessage());
    virErrorRestore(&saved);
    return 0;
}

/* A running or paused domain: its memory to a save image while it
 * stands still, the overlays, then the guest restored onto them. Async
 * job SNAPSHOT held.
 *
 * Until the stopped guest is destroyed, a failure (or a crash) takes
 * everything back and the guest carries on from its suspend; after,
 * the guest lives on only in the image, so the snapshot is finished:
 * the guest is restored from it. */
static virDomainMomentObj *
vxlSnapshotCreateLive(vxlDriver *driver, virDomainObj *vm,
                      virDomainSnapshotDef **defp, unsigned int flags)
{
    virDomainSnapshotDef *def = *defp;
    bool halt = !!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_HALT);
    bool reuse = !!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT);
    bool live = !!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_LIVE);
    bool keepMemory = def->memory == VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL;
    g_autofree char *imagePath = NULL;
    g_autofree char *tmp = NULL;
    g_autofree char *dir = vxlSnapshotDir(driver, vm->def);
    g_autoptr(virDomainDef) newdef = NULL;
    virDomainMomentObj *snap = NULL;
    virDomainState state = virDomainObjGetState(vm, NULL);
    bool paused = state == VIR_DOMAIN_PAUSED;
    bool taken = false;
    virErrorPtr saved = NULL;
    uint32_t domid = vm->def->id;
    int fd;
    int rc;

    if (keepMemory)
        imagePath = g_strdup(def->memorysnapshotfile);
    else
        imagePath = g_strdup_printf("%s/.%s.disk-only.save", dir, def->parent.name);
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        virReportSystemError(errno, _("cannot create the snapshot directory '%s'"),
                             dir);
        return NULL;
    }
    if (!(newdef = virDomainDefCopy(vm->newDef ? vm->newDef : vm->def,
                                    driver->xmlopt, NULL, false)))
        return NULL;
    if (vxlSnapshotIntentRecord(driver, vm, def, imagePath, paused, keepMemory,
                                flags) < 0)
        return NULL;
    VXL_CRASH_POINT("snapshot.after-intent");
    if ((fd = vxlSaveImageCreate(driver, imagePath, vm->def,
                                 paused ? 0 : VXL_SAVE_IMAGE_RUNNING, &tmp)) < 0)
        goto done;

    /* The guest stands still from here until it is restored, so its
     * memory and its disks are of one instant; live, from the save's
     * last round on (the backend stops it there: the job's downtime
     * starts then). */
    if (!live) {
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_SNAPSHOT);
        vxlDomainAsyncJobNoteStopped(vm);
    }
    vxlJobTokenSetProgress(vxlDomainAsyncJobToken(vm), 0,
                           vm->def->mem.cur_balloon * 1024);
    VIR_INFO("snapshot %s of domain %s: saving its memory to %s%s",
             def->parent.name, vm->def->name, imagePath,
             live ? " while it runs" : "");
    vxlDomainBackendEnter(vm);
    if (live)
        rc = vxlBackendDomainSaveLive(driver->backend, vm->def->id, fd,
                                      vxlDomainAsyncJobToken(vm));
    else
        rc = vxlBackendDomainSave(driver->backend, vm->def->id, fd,
                                  vxlDomainAsyncJobToken(vm));
    vxlDomainBackendExit(vm);
    if (live && rc == 0) {
        /* Stopped for good since the last round, as a non-live save
         * leaves it. */
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_SNAPSHOT);
        vxlDomainAsyncJobNoteStopped(vm);
    }
    if (rc < 0) {
        vxlSaveImageDiscard(fd, tmp);
        if (!live && virDomainObjIsActive(vm))
            virDomainObjSetState(vm, paused ? VIR_DOMAIN_PAUSED : VIR_DOMAIN_RUNNING,
                                 paused ? VIR_DOMAIN_PAUSED_USER :
                                          VIR_DOMAIN_RUNNING_UNPAUSED);
        goto done;
    }
    VXL_CRASH_POINT("snapshot.after-save");
    /* A guest destroyed meanwhile is gone: an image of it (which may
     * have missed its last moments) is no snapshot of anything. */
    if (!virDomainObjIsActive(vm) || vm->def->id != domid) {
        vxlSaveImageDiscard(fd, tmp);
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' was destroyed while its snapshot was being taken"),
                       vm->def->name);
        goto done;
    }
    if (vxlSaveImageFinish(fd, tmp, imagePath, false, true) < 0) {
        /* The guest is suspended: it carries on as if nothing happened,
         * or its state stays in the file the error names. */
        if (vxlSnapshotCarryOn(driver, vm, paused) == 0)
            unlink(tmp);
        goto done;
    }
    VXL_CRASH_POINT("snapshot.after-image");
    /* Suspended for good: the guest lives on only through the image. */
    vxlDomainAsyncJobSetAbortable(vm, false);

    if (reuse || vxlSnapshotOverlaysMake(driver, vm, def, flags) == 0) {
        VXL_CRASH_POINT("snapshot.after-overlays");
        vxlSnapshotDefSwitchDisks(def, newdef);
        if (vxlDomainConfigSave(driver, newdef) < 0) {
            virErrorPreserveLast(&saved);
        } else {
            VXL_CRASH_POINT("snapshot.after-config");
            if (!keepMemory)
                def->memory = VIR_DOMAIN_SNAPSHOT_LOCATION_NO;
            if (!(snap = vxlSnapshotAdd(driver, vm, defp)))
                virErrorPreserveLast(&saved);
        }
        if (!snap && vxlDomainConfigSave(driver, vm->newDef ? vm->newDef : vm->def) < 0)
            VIR_WARN("cannot put back the definition of domain %s", vm->def->name);
        if (!snap && !reuse)
            vxlSnapshotOverlaysUndo(driver, vm, def);
    } else {
        virErrorPreserveLast(&saved);
    }
    if (snap) {
        vxlSnapshotSetCurrent(driver, vm, snap);
        VXL_CRASH_POINT("snapshot.after-metadata");
    } else if (vxlSnapshotCarryOn(driver, vm, paused) == 0) {
        /* Nothing was taken: the guest carries on from its suspend. */
        unlink(imagePath);
        goto done;
    }

    /* The saved guest goes; it comes back from the image, on the
     * overlays if the snapshot was taken, else on its own disks. */
    if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT) < 0) {
        if (!saved)
            virErrorPreserveLast(&saved);
        goto done;
    }
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                            VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT);
    VXL_CRASH_POINT("snapshot.after-destroy");
    if (snap)
        virDomainObjAssignDef(vm, &newdef, false, NULL);
    if (!snap || !halt) {
        if (vxlSnapshotResumeFrom(driver, vm, imagePath,
                                  snap ? virDomainSnapshotObjGetDef(snap) : NULL,
                                  paused) < 0) {
            if (!saved)
                virErrorPreserveLast(&saved);
            VIR_WARN("domain %s could not be started again after its snapshot; its memory is kept in %s",
                     vm->def->name, imagePath);
            goto done;
        }
        VXL_CRASH_POINT("snapshot.after-restore");
    }
    if (!keepMemory || !snap)
        unlink(imagePath);
    taken = !!snap;

 done:
    /* --no-metadata: the intent stays until the snapshot is forgotten. */
    if (!(taken && !saved && (flags & VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA)))
        vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_SNAPSHOT);
    if (saved)
        virErrorRestore(&saved);
    return taken && !saved ? snap : NULL;
}

/* snapshot-create --redefine: metadata only, as given (a snapshot
 * taken elsewhere, or one being edited); the files it names are the
 * caller's. Job held. */
static virDomainMomentObj *
vxlSnapshotRedefine(vxlDriver *driver, virDomainObj *vm, const char *xml,
                    unsigned int flags)
{
    g_autoptr(virDomainSnapshotDef) def = NULL;
    virDomainMomentObj *snap = NULL;
    unsigned int parseFlags = VIR_DOMAIN_SNAPSHOT_PARSE_REDEFINE;

    if (!virDomainObjIsActive(vm))
        parseFlags |= VIR_DOMAIN_SNAPSHOT_PARSE_OFFLINE;
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE)
        parseFlags |= VIR_DOMAIN_SNAPSHOT_PARSE_VALIDATE;
    if (!(def = virDomainSnapshotDefParseString(xml, driver->xmlopt, NULL,
                                                NULL, parseFlags)))
        return NULL;
    if (vxlSnapshotCheckName(def->parent.name) < 0 ||
        virDomainSnapshotRedefinePrep(vm, def, &snap, driver->xmlopt, flags) < 0)
        return NULL;

    if (snap) {
        /* Replaced in place (which unlinks it from its parent): its
         * children stay, its parent may change. */
        virDomainSnapshotReplaceDef(snap, &def);
        virDomainSnapshotLinkParent(vm->snapshots, snap);
        if (vxlSnapshotWriteMetadata(driver, vm, snap) < 0)
            return NULL;
    } else {
        if (!(snap = virDomainSnapshotAssignDef(vm->snapshots, &def)))
            return NULL;
        virDomainSnapshotLinkParent(vm->snapshots, snap);
        if (vxlSnapshotWriteMetadata(driver, vm, snap) < 0) {
            virDomainMomentDropParent(snap);
            virDomainSnapshotObjListRemove(vm->snapshots, snap);
            return NULL;
        }
    }
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT)
        vxlSnapshotSetCurrent(driver, vm, snap);
    return snap;
}

void
vxlSnapshotForget(vxlDriver *driver, virDomainObj *vm, virDomainMomentObj *snap)
{
    virDomainMomentObj *parent = snap->parent;

    /* Current no more (which rewrites its file), then gone. */
    if (virDomainSnapshotGetCurrent(vm->snapshots) == snap)
        vxlSnapshotSetCurrent(driver, vm, parent && parent->def ? parent : NULL);
    if (vxlSnapshotRemoveMetadata(driver, vm, snap) < 0) {
        VIR_WARN("%s", virGetLastErrorMessage());
        virResetLastError();
    }
    virDomainMomentDropParent(snap);
    virDomainSnapshotObjListRemove(vm->snapshots, snap);
}

/* Freeze (@freeze) or thaw the filesystems of running @vm through its
 * guest agent; the agent's refusal or absence is the error
 * (VIR_ERR_AGENT_UNRESPONSIVE when there is no agent). */
static int
vxlSnapshotQuiesce(virDomainObj *vm, bool freeze)
{
    return vxlDomainAgentCommand(vm, freeze ? "guest-fsfreeze-freeze" :
                                              "guest-fsfreeze-thaw",
                                 NULL, true, NULL);
}

char *
vxlSnapshotCreate(vxlDriver *driver, virDomainObj *vm, const char *xml,
                  unsigned int flags)
{
    g_autoptr(virDomainSnapshotDef) def = NULL;
    virDomainMomentObj *snap = NULL;
    bool quiesce = !!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE);
    bool frozen = false;
    char *name = NULL;
    bool async = false;

    ignore_value(vxlSnapshotList(driver, vm));
    if (!vm->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot take a snapshot of transient domain '%s'"),
                       vm->def->name);
        return NULL;
    }
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE) {
        if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0)
            return NULL;
        if ((snap = vxlSnapshotRedefine(driver, vm, xml, flags)))
            name = g_strdup(snap->def->name);
        vxlDomainJobEnd(vm);
        return name;
    }
    if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("the current flag of a new snapshot goes with the redefine flag only"));
        return NULL;
    }
    /* The job kind depends on whether the domain runs; it is checked
     * again once the job is held. */
    async = virDomainObjIsActive(vm);
    if (async) {
        if (vxlDomainAsyncJobBegin(driver, vm, VXL_JOB_SNAPSHOT, flags) < 0)
            return NULL;
    } else if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0) {
        return NULL;
    }
    if (virDomainObjIsActive(vm) != async) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' started or stopped while the snapshot was being prepared"),
                       vm->def->name);
        goto endjob;
    }
    if (async) {
        virDomainState state = virDomainObjGetState(vm, NULL);

        if (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_PAUSED) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("cannot take a snapshot of domain '%s': it is neither running nor paused"),
                           vm->def->name);
            goto endjob;
        }
    }
    /* The image would resume the guest on the disks it saved with, not
     * on the overlays: the snapshot's base would be written to. */
    if (!async && vxlDomainHasManagedSave(driver, vm)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot take a snapshot of domain '%s': it has a managed save image; start it or remove the image first"),
                       vm->def->name);
        goto endjob;
    }
    if (!(def = vxlSnapshotPrepare(driver, vm, xml, flags)))
        goto endjob;
    /* Live: the memory is copied while the guest runs, so there must be
     * a running guest and its memory must be kept (as libvirt asks). */
    if ((flags & VIR_DOMAIN_SNAPSHOT_CREATE_LIVE) &&
        (!async || def->memory != VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot take a live snapshot of domain '%s': only a snapshot of a running domain that keeps its memory can be taken live"),
                       vm->def->name);
        goto endjob;
    }
    if (quiesce) {
        /* As libvirt: the filesystems of a running guest, through its
         * agent; without an agent the snapshot is not taken. */
        if (!async) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("cannot quiesce the filesystems of domain '%s': it is not running"),
                           vm->def->name);
            goto endjob;
        }
        if (vxlSnapshotQuiesce(vm, true) < 0)
            goto endjob;
        frozen = true;
    }
    if (async)
        snap = vxlSnapshotCreateLive(driver, vm, &def, flags);
    else
        snap = vxlSnapshotCreateOffline(driver, vm, &def, flags);
    if (frozen && virDomainObjIsActive(vm)) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        if (vxlSnapshotQuiesce(vm, false) < 0)
            VIR_WARN("cannot thaw the filesystems of domain %s: %s",
                     vm->def->name, virGetLastErrorMessage());
        virErrorRestore(&saved);
    }
    if (snap) {
        VIR_INFO("took snapshot %s of domain %s", snap->def->name,
                 vm->def->name);
        name = g_strdup(snap->def->name);
        if (flags & VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA) {
            VXL_CRASH_POINT("snapshot.before-forget");
            vxlSnapshotForget(driver, vm, snap);
            vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_SNAPSHOT);
        }
    }

 endjob:
    if (async)
        vxlDomainAsyncJobEnd(driver, vm, snap ? 0 : -1);
    else
        vxlDomainJobEnd(vm);
    return name;
}

/* ---------- revert ---------- */

typedef struct {
    const char *path;
    bool used;
} vxlSnapshotPathUse;

static int
vxlSnapshotPathUsedIter(void *payload, const char *name G_GNUC_UNUSED,
                        void *opaque)
{
    virDomainMomentObj *snap = payload;
    vxlSnapshotPathUse *use = opaque;
    virDomainDef *defs[] = { snap->def->dom, snap->def->inactiveDom };
    size_t i;
    size_t j;

    for (i = 0; i < G_N_ELEMENTS(defs); i++) {
        if (!defs[i])
            continue;
        for (j = 0; j < defs[i]->ndisks; j++) {
            if (STREQ_NULLABLE(virDomainDiskGetSource(defs[i]->disks[j]),
                               use->path))
                use->used = true;
        }
    }
    return 0;
}

/* Whether some snapshot's disks build on @path. */
static bool
vxlSnapshotPathUsed(virDomainObj *vm, const char *path)
{
    vxlSnapshotPathUse use = { .path = path, .used = false };

    virDomainSnapshotForEach(vm->snapshots, vxlSnapshotPathUsedIter, &use);
    return use.used;
}

/* Where a revert puts disk @sd's fresh overlay: the snapshot's own
 * overlay when nothing else builds on it and it is either gone or the
 * domain's disk now (whose changes the revert throws away), else a name
 * beside it that is free or, on the same terms, the domain's disk. */
static char *
vxlSnapshotRevertPath(virDomainObj *vm, virDomainSnapshotDiskDef *sd,
                      virDomainDef *current)
{
    virDomainDiskDef *disk = virDomainDiskByTarget(current, sd->name);
    const char *path = sd->src->path;
    unsigned int n;

    if (!virFileExists(path) ||
        (disk && STREQ_NULLABLE(virDomainDiskGetSource(disk), path) &&
         !vxlSnapshotPathUsed(vm, path)))
        return g_strdup(path);
    for (n = 1; ; n++) {
        g_autofree char *alt = g_strdup_printf("%s-%u", path, n);

        /* A fresh overlay of an earlier revert that the domain still
         * writes to and nothing builds on is thrown away the same way. */
        if (!virFileExists(alt) ||
            (disk && STREQ_NULLABLE(virDomainDiskGetSource(disk), alt) &&
             !vxlSnapshotPathUsed(vm, alt)))
            return g_steal_pointer(&alt);
    }
}

/* Whether @path is one of the names a revert gives an overlay of
 * @snap's disks: a snapshot overlay's own name or NAME-N. */
static int
vxlSnapshotRevertNameIter(void *payload, const char *name G_GNUC_UNUSED,
                          void *opaque)
{
    virDomainMomentObj *snap = payload;
    virDomainSnapshotDef *def = virDomainSnapshotObjGetDef(snap);
    vxlSnapshotPathUse *use = opaque;
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        const char *own = def->disks[i].src ? def->disks[i].src->path : NULL;
        size_t len = own ? strlen(own) : 0;
        const char *rest;

        if (!own || !STRPREFIX(use->path, own))
            continue;
        rest = use->path + len;
        if (!*rest ||
            (rest[0] == '-' && rest[1] && strspn(rest + 1, "0123456789") == strlen(rest + 1)))
            use->used = true;
    }
    return 0;
}

/* After a revert switched the definition from @old to @vm's: an overlay
 * the domain wrote to before, which a snapshot or revert made and no
 * snapshot's state is in, held only what the revert threw away: it
 * goes, so that reverts do not pile up files. */
void
vxlSnapshotRevertDropOld(virDomainObj *vm, virDomainDef *old)
{
    virDomainDef *now = vm->newDef ? vm->newDef : vm->def;
    size_t i;

    for (i = 0; old && i < old->ndisks; i++) {
        const char *path = virDomainDiskGetSource(old->disks[i]);
        virDomainDiskDef *disk = virDomainDiskByTarget(now, old->disks[i]->dst);
        vxlSnapshotPathUse made = { .path = path, .used = false };

        if (!path || !disk ||
            STREQ_NULLABLE(virDomainDiskGetSource(disk), path) ||
            vxlSnapshotPathUsed(vm, path))
            continue;
        virDomainSnapshotForEach(vm->snapshots, vxlSnapshotRevertNameIter, &made);
        if (!made.used)
            continue;
        VIR_INFO("removing the overlay %s, whose writes the revert of domain %s threw away",
                 path, vm->def->name);
        if (unlink(path) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove %s: %s", path, g_strerror(errno));
    }
}

/* Whether reverting to @snap brings memory back (an async job). */
static bool
vxlSnapshotHasMemory(virDomainSnapshotDef *snapdef)
{
    return snapdef->memory == VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL &&
           (snapdef->state == VIR_DOMAIN_SNAPSHOT_RUNNING ||
            snapdef->state == VIR_DOMAIN_SNAPSHOT_PAUSED);
}

/* Record that @vm is being reverted to @snap, to definition @newdef (on
 * the fresh overlays): a daemon killed in the middle rolls it back while
 * the guest it was to destroy still runs, else finishes it
 * (domain_snapshot_revert_recover.c). */
static int
vxlSnapshotRevertIntent(vxlDriver *driver, virDomainObj *vm,
                        virDomainMomentObj *snap, virDomainDef *newdef,
                        virDomainDef *olddef, unsigned int flags)
{
    g_autofree char *xml = NULL;
    g_autofree char *oldXml = NULL;
    vxlIntent intent = {
        .op = VXL_INTENT_SNAPSHOT_REVERT,
        .name = vm->def->name,
        .domid = virDomainObjIsActive(vm) ? vm->def->id : -1,
        .key = snap->def->name,
        .value = flags,
    };

    if (!(xml = virDomainDefFormat(newdef, driver->xmlopt,
                                   VIR_DOMAIN_DEF_FORMAT_SECURE |
                                   VIR_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    if (!(oldXml = virDomainDefFormat(olddef, driver->xmlopt,
                                      VIR_DOMAIN_DEF_FORMAT_SECURE |
                                      VIR_DOMAIN_DEF_FORMAT_INACTIVE)))
        return -1;
    intent.xml = xml;
    intent.oldXml = oldXml;
    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    return vxlIntentRecord(driver, &intent);
}

int
vxlSnapshotRevertRun(vxlDriver *driver, virDomainObj *vm,
                     virDomainMomentObj *snap, unsigned int flags)
{
    virDomainSnapshotDef *snapdef = virDomainSnapshotObjGetDef(snap);
    const char *name = snap->def->name;
    g_autoptr(virDomainSnapshotDef) fresh = NULL;
    g_autoptr(virDomainDef) newdef = NULL;
    g_autoptr(virDomainDef) olddef = NULL;
    g_autofree char **temps = NULL;
    bool withMemory = vxlSnapshotHasMemory(snapdef);
    bool intent = false;
    bool paused;
    bool start;
    size_t i;
    int ret = -1;

    if (!snapdef->parent.dom) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("snapshot '%s' of domain '%s' has no domain definition to revert to"),
                       name, vm->def->name);
        return -1;
    }
    if (withMemory && !virFileExists(snapdef->memorysnapshotfile)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("the memory of snapshot '%s' is gone: '%s' does not exist"),
                       name, snapdef->memorysnapshotfile);
        return -1;
    }

    /* Fresh overlays on the snapshot's disks: named, recorded in the
     * intent, then made under temporary names before anything else
     * changes. */
    fresh = virDomainSnapshotDefNew();
    fresh->parent.dom = virDomainDefCopy(snapdef->parent.dom, driver->xmlopt,
                                         NULL, withMemory);
    if (!fresh->parent.dom)
        return -1;
    fresh->disks = g_new0(virDomainSnapshotDiskDef, snapdef->ndisks);
    fresh->ndisks = snapdef->ndisks;
    temps = g_new0(char *, snapdef->ndisks + 1);
    for (i = 0; i < snapdef->ndisks; i++) {
        virDomainSnapshotDiskDef *sd = &snapdef->disks[i];

        fresh->disks[i].name = g_strdup(sd->name);
        fresh->disks[i].src = virStorageSourceNew();
        fresh->disks[i].snapshot = VIR_DOMAIN_SNAPSHOT_LOCATION_NO;
        if (sd->snapshot != VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL ||
            !virDomainDiskByTarget(snapdef->parent.dom, sd->name))
            continue;
        fresh->disks[i].snapshot = VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL;
        fresh->disks[i].src->path =
            vxlSnapshotRevertPath(vm, sd, vm->newDef ? vm->newDef : vm->def);
        temps[i] = g_strdup_printf("%s.vxl-revert", fresh->disks[i].src->path);
    }
    if (!(newdef = virDomainDefCopy(snapdef->parent.inactiveDom ?
                                    snapdef->parent.inactiveDom :
                                    snapdef->parent.dom,
                                    driver->xmlopt, NULL, false)))
        goto cleanup;
    vxlSnapshotDefSwitchDisks(fresh, newdef);
    vxlSnapshotDefSwitchDisks(fresh, fresh->parent.dom);
    /* The definition the revert leaves: recorded with the intent, so
     * that its overlays go even if a kill comes before they do. */
    if (!(olddef = virDomainDefCopy(vm->newDef ? vm->newDef : vm->def,
                                    driver->xmlopt, NULL, false)))
        goto cleanup;
    if (vxlSnapshotRevertIntent(driver, vm, snap, newdef, olddef, flags) < 0)
        goto cleanup;
    intent = true;
    VXL_CRASH_POINT("snapshot.revert.after-intent");
    {
        g_autofree const char **paths = g_new0(const char *, fresh->ndisks + 1);
        size_t n = 0;

        for (i = 0; i < fresh->ndisks; i++) {
            if (temps[i])
                paths[n++] = fresh->disks[i].src->path;
        }
        if (vxlSnapshotOverlaysNote(driver, vm, paths) < 0)
            goto cleanup;
    }
    for (i = 0; i < fresh->ndisks; i++) {
        virDomainDiskDef *base;

        if (!temps[i])
            continue;
        base = virDomainDiskByTarget(snapdef->parent.dom, fresh->disks[i].name);
        if (vxlSnapshotOverlayCreate(virDomainDiskGetSource(base), temps[i]) < 0)
            goto undo_temps;
    }
    VXL_CRASH_POINT("snapshot.revert.after-overlays");

    if (virDomainObjIsActive(vm)) {
        if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT) < 0)
            goto undo_temps;
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                                VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT);
    }
    /* The point of no return: the domain is shut off. */
    VXL_CRASH_POINT("snapshot.revert.after-destroy");
    for (i = 0; i < fresh->ndisks; i++) {
        if (temps[i] && rename(temps[i], fresh->disks[i].src->path) < 0) {
            virReportSystemError(errno, _("cannot create the snapshot overlay '%s'"),
                                 fresh->disks[i].src->path);
            goto undo_temps;
        }
        g_clear_pointer(&temps[i], g_free);
    }
    VXL_CRASH_POINT("snapshot.revert.after-rename");
    /* A managed save image is of the state the revert throws away; on
     * the snapshot's disks it would resume a guest onto disks it never
     * saw. */
    if (vxlDomainHasManagedSave(driver, vm) &&
        vxlDomainManagedSaveDiscard(driver, vm) < 0)
        goto cleanup;
    if (vxlDomainConfigSave(driver, newdef) < 0)
        goto cleanup;
    virDomainObjAssignDef(vm, &newdef, false, NULL);
    vxlSnapshotSetCurrent(driver, vm, snap);
    VXL_CRASH_POINT("snapshot.revert.after-config");
    vxlSnapshotRevertDropOld(vm, olddef);
    /* What the domain wrote to before may sit on overlays no snapshot
     * names (a live delete's, an earlier revert's): they go too. */
    vxlSnapshotOverlaysCollect(driver, vm);

    paused = (flags & VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED) ||
             (snapdef->state == VIR_DOMAIN_SNAPSHOT_PAUSED &&
              !(flags & VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING));
    start = withMemory || (flags & (VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING |
                                    VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED));
    if (!start) {
        ret = 0;
        goto cleanup;
    }
    if (withMemory) {
        g_auto(vxlSaveImage) img = { .fd = -1 };

        if (vxlSaveImageOpen(driver, snapdef->memorysnapshotfile, &img) < 0 ||
            vxlSaveImageCheckDef(vm->def, img.def) < 0)
            goto cleanup;
        if (lseek(img.fd, img.streamOffset, SEEK_SET) < 0) {
            virReportSystemError(errno, _("cannot read save image '%s'"),
                                 img.path);
            goto cleanup;
        }
        virDomainObjAssignDef(vm, &fresh->parent.dom, true, NULL);
        ret = vxlDomainStartFrom(driver, vm, paused,
                                 VIR_DOMAIN_RUNNING_FROM_SNAPSHOT, img.fd,
                                 vxlDomainAsyncJobToken(vm));
    } else {
        ret = vxlDomainStart(driver, vm, paused, VIR_DOMAIN_RUNNING_FROM_SNAPSHOT);
    }
    if (ret == 0 && paused) {
        /* As libvirt says of a guest a revert left paused. */
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_FROM_SNAPSHOT);
        if (vxlDomainSaveStatus(driver, vm) < 0) {
            VIR_WARN("cannot save the status of domain %s: %s", vm->def->name,
                     virGetLastErrorMessage());
            virResetLastError();
        }
    }
    if (ret == 0)
        VXL_CRASH_POINT("snapshot.revert.after-start");
    goto cleanup;

 undo_temps:
    {
        g_autofree const char **gone = g_new0(const char *, fresh->ndisks + 1);
        virErrorPtr saved;
        size_t n = 0;

        virErrorPreserveLast(&saved);
        for (i = 0; i < fresh->ndisks; i++) {
            if (temps[i])
                unlink(temps[i]);
            /* Listed, never made. */
            if (temps[i] && !virFileExists(fresh->disks[i].src->path))
                gone[n++] = fresh->disks[i].src->path;
        }
        vxlSnapshotOverlaysForget(driver, vm, gone);
        virErrorRestore(&saved);
    }
 cleanup:
    if (intent)
        vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_SNAPSHOT_REVERT);
    for (i = 0; temps && i < fresh->ndisks; i++)
        g_free(temps[i]);
    return ret;
}

int
vxlSnapshotRevert(vxlDriver *driver, virDomainObj *vm, const char *name,
                  unsigned int flags)
{
    virDomainMomentObj *snap;
    bool withMemory;
    int ret = -1;

    if (!(snap = vxlSnapshotFind(driver, vm, name)))
        return -1;
    withMemory = vxlSnapshotHasMemory(virDomainSnapshotObjGetDef(snap));
    if (withMemory) {
        if (vxlDomainAsyncJobBegin(driver, vm, VXL_JOB_SNAPSHOT_REVERT, flags) < 0)
            return -1;
    } else if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0) {
        return -1;
    }
    /* Found again: it may have gone while the job was awaited. */
    if (!(snap = vxlSnapshotFind(driver, vm, name)))
        goto endjob;
    if (vxlSnapshotHasMemory(virDomainSnapshotObjGetDef(snap)) != withMemory) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("snapshot '%s' of domain '%s' changed while the revert waited"),
                       name, vm->def->name);
        goto endjob;
    }
    ret = vxlSnapshotRevertRun(driver, vm, snap, flags);

 endjob:
    if (withMemory)
        vxlDomainAsyncJobEnd(driver, vm, ret);
    else
        vxlDomainJobEnd(vm);
    return ret;
}
