/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_snapshot_recover.c: a snapshot of a running domain that a
 * killed daemon left half-taken, rolled back or finished at the next
 * start, from the SNAPSHOT intent (domain_intent.h) it recorded first.
 *
 * A running snapshot goes: intent, memory saved (the guest stops,
 * suspended in Xen once the image is complete), overlays created, the
 * persistent definition switched to them, metadata written, the
 * stopped guest destroyed, the guest restored from the image onto the
 * overlays, a passing image (disk-only snapshot) removed.
 *
 * A shut-off domain's snapshot (overlays, definition, metadata) is
 * taken once its metadata is written, and rolled back before.
 *
 * For a running one, the line is the destroy:
 *  - before it, Xen still holds the stopped guest: everything is taken
 *    back (metadata and the current snapshot, the definition's disks,
 *    the overlays it created, the image) and the guest carries on from
 *    its suspend, as after a failed snapshot. Done before the domains
 *    are matched with Xen, which would take a suspended guest for one
 *    that shut down.
 *  - after it, the guest lives on only in the image: the snapshot is
 *    finished by restoring the guest from it (onto the overlays, or onto
 *    its own disks if the snapshot was not taken), unless it was to halt.
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "domain.h"
#include "domain_intent.h"
#include "domain_save.h"
#include "domain_snapshot.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_snapshot_recover");

static virDomainSnapshotDef *
vxlSnapshotRecoverParse(vxlDriver *driver, const vxlIntent *intent)
{
    virDomainSnapshotDef *def;
    bool current = false;

    if (!intent->xml ||
        !(def = virDomainSnapshotDefParseString(intent->xml, driver->xmlopt,
                                                NULL, &current,
                                                VIR_DOMAIN_SNAPSHOT_PARSE_REDEFINE |
                                                VIR_DOMAIN_SNAPSHOT_PARSE_INTERNAL))) {
        VIR_WARN("the snapshot intent of domain %s is unreadable: %s",
                 intent->name, virGetLastErrorMessage());
        virResetLastError();
        return NULL;
    }
    return def;
}

/* Remove the file at @path if there is one; failures are logged. */
static void
vxlSnapshotRecoverUnlink(const char *path)
{
    if (path && unlink(path) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove %s: %s", path, g_strerror(errno));
}

/* Take back what the snapshot @snapdef changed apart from the guest:
 * its metadata (its parent is current again), the persistent
 * definition's disks and, unless they were the caller's (@reuse), the
 * overlays. @vm locked. */
static void
vxlSnapshotRecoverUndo(vxlDriver *driver, virDomainObj *vm,
                       virDomainSnapshotDef *snapdef, bool reuse)
{
    virDomainSnapshotObjList *list = vxlSnapshotList(driver, vm);
    virDomainMomentObj *snap = virDomainSnapshotFindByName(list,
                                                           snapdef->parent.name);
    virDomainDef *pdef = vm->newDef ? vm->newDef : vm->def;
    bool changed = false;
    size_t i;

    if (snap) {
        virDomainMomentObj *parent = snap->parent;

        /* Current no more (which rewrites its file), then gone. */
        if (virDomainSnapshotGetCurrent(list) == snap)
            vxlSnapshotSetCurrent(driver, vm,
                                  parent && parent->def ? parent : NULL);
        if (vxlSnapshotRemoveMetadata(driver, vm, snap) < 0) {
            VIR_WARN("%s", virGetLastErrorMessage());
            virResetLastError();
        }
        virDomainMomentDropParent(snap);
        virDomainSnapshotObjListRemove(list, snap);
    }

    for (i = 0; i < snapdef->ndisks; i++) {
        virDomainSnapshotDiskDef *sd = &snapdef->disks[i];
        virDomainDiskDef *disk;
        virDomainDiskDef *base;

        if (sd->snapshot != VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL ||
            !snapdef->parent.dom ||
            !(disk = virDomainDiskByTarget(pdef, sd->name)) ||
            !(base = virDomainDiskByTarget(snapdef->parent.dom, sd->name)) ||
            STRNEQ_NULLABLE(virDomainDiskGetSource(disk), sd->src->path))
            continue;
        virDomainDiskSetSource(disk, virDomainDiskGetSource(base));
        disk->src->format = base->src->format;
        changed = true;
    }
    if (changed && vm->persistent &&
        virDomainDefSave(pdef, driver->xmlopt, driver->cfg->configDir) < 0) {
        VIR_WARN("cannot put back the definition of domain %s: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
    }
    if (!reuse)
        vxlSnapshotOverlaysUndo(driver, vm, snapdef);
}

void
vxlSnapshotRecoverBegin(vxlDriver *driver, const vxlIntent *intent)
{
    g_autoptr(virDomainSnapshotDef) snapdef = NULL;
    g_autofree char *tmp = intent->key ? vxlSaveImageTmpPath(intent->key) : NULL;
    vxlDomainInfo info = { 0 };
    virDomainObj *vm = virDomainObjListFindByUUID(driver->domains, intent->uuid);
    bool inXen = vxlDomainRecoverFindInXen(driver, intent->uuid, &info);

    /* An image never completed is of no use either way. */
    vxlSnapshotRecoverUnlink(tmp);
    if (!vm)
        goto cleanup;
    /* The stopped guest was destroyed: the snapshot is finished once
     * the domains are matched with Xen. */
    if (!inXen || !virDomainObjIsActive(vm) ||
        vm->def->id != (int)info.domid || intent->domid != (int)info.domid)
        goto cleanup;
    VIR_INFO("rolling back the snapshot of domain %s, which the daemon did not finish",
             intent->name);
    if ((snapdef = vxlSnapshotRecoverParse(driver, intent)))
        vxlSnapshotRecoverUndo(driver, vm, snapdef,
                               !!(intent->value & VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT));
    vxlSnapshotRecoverUnlink(intent->key);
    vxlDomainRecoverResumeSaved(driver, vm, &info, intent->paused);

 cleanup:
    virDomainObjEndAPI(&vm);
    vxlDomainInfoClear(&info);
}

void
vxlSnapshotRecoverFinish(vxlDriver *driver, virDomainObj *vm,
                         const vxlIntent *intent)
{
    g_autoptr(virDomainSnapshotDef) snapdef = NULL;
    virDomainMomentObj *snap = NULL;
    bool halt = !!(intent->value & VIR_DOMAIN_SNAPSHOT_CREATE_HALT);
    bool noMetadata = !!(intent->value & VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA);
    bool imageNeeded = false;

    if (!(snapdef = vxlSnapshotRecoverParse(driver, intent)))
        return;
    snap = virDomainSnapshotFindByName(vxlSnapshotList(driver, vm),
                                       snapdef->parent.name);
    /* Rolled back already (then @snap is gone), or restored before the
     * daemon died. */
    if (virDomainObjIsActive(vm) && vm->def->id == intent->domid) {
        if (snap && noMetadata)
            vxlSnapshotForget(driver, vm, snap);
        return;
    }

    if (intent->domid < 0) {
        /* A shut-off domain's: taken once its metadata is written (then
         * it is made current, or forgotten for --no-metadata), else taken
         * back. */
        if (snap && noMetadata) {
            vxlSnapshotForget(driver, vm, snap);
        } else if (snap) {
            if (virDomainSnapshotGetCurrent(vm->snapshots) != snap)
                vxlSnapshotSetCurrent(driver, vm, snap);
        } else {
            VIR_INFO("rolling back snapshot %s of shut-off domain %s",
                     snapdef->parent.name, vm->def->name);
            vxlSnapshotRecoverUndo(driver, vm, snapdef,
                                   !!(intent->value & VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT));
        }
        return;
    }

    if (!virDomainObjIsActive(vm) && intent->key && virFileExists(intent->key)) {
        if (!snap) {
            /* Not taken: whatever of it was made goes, and the guest
             * comes back on its own disks. */
            vxlSnapshotRecoverUndo(driver, vm, snapdef,
                                   !!(intent->value & VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT));
        }
        if (!snap || !halt) {
            VIR_INFO("finishing snapshot %s of domain %s: restoring it from %s",
                     snapdef->parent.name, vm->def->name, intent->key);
            if (vxlSnapshotResumeFrom(driver, vm, intent->key,
                                      snap ? virDomainSnapshotObjGetDef(snap) : NULL,
                                      intent->paused) < 0) {
                VIR_WARN("domain %s could not be started again after its snapshot; its memory is kept in %s: %s",
                         vm->def->name, intent->key, virGetLastErrorMessage());
                virResetLastError();
                imageNeeded = true;
            }
        }
    }
    if (!imageNeeded && (!snap || !intent->config))
        vxlSnapshotRecoverUnlink(intent->key);
    /* Taken with --no-metadata: listed no more, its files stay. */
    if (snap && noMetadata)
        vxlSnapshotForget(driver, vm, snap);
}
