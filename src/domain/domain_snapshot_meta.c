/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_snapshot_meta.c: snapshot metadata on disk - one XML file per
 * snapshot under <libDir>/snapshot/<domain>/, written on every change
 * and read again the first time a domain's snapshots are asked for
 * after a daemon start (not at the start itself: a host with thousands
 * of domains would read thousands of directories before answering any
 * call), so snapshots outlive the daemon.
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "domain_private.h"
#include "domain.h"
#include "domain_snapshot.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_snapshot_meta");

char *
vxlSnapshotDir(vxlDriver *driver, const virDomainDef *def)
{
    return g_strdup_printf("%s/snapshot/%s", driver->cfg->libDir, def->name);
}

static char *
vxlSnapshotMetadataPath(vxlDriver *driver, virDomainObj *vm,
                        virDomainMomentObj *snap)
{
    g_autofree char *dir = vxlSnapshotDir(driver, vm->def);

    return g_strdup_printf("%s/%s.xml", dir, snap->def->name);
}

int
vxlSnapshotWriteMetadata(vxlDriver *driver, virDomainObj *vm,
                         virDomainMomentObj *snap)
{
    g_autofree char *dir = vxlSnapshotDir(driver, vm->def);
    g_autofree char *path = vxlSnapshotMetadataPath(driver, vm, snap);
    g_autofree char *xml = NULL;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    unsigned int flags = VIR_DOMAIN_SNAPSHOT_FORMAT_SECURE |
                         VIR_DOMAIN_SNAPSHOT_FORMAT_INTERNAL;

    if (virDomainSnapshotGetCurrent(vm->snapshots) == snap)
        flags |= VIR_DOMAIN_SNAPSHOT_FORMAT_CURRENT;
    virUUIDFormat(vm->def->uuid, uuidstr);
    if (!(xml = virDomainSnapshotDefFormat(uuidstr,
                                           virDomainSnapshotObjGetDef(snap),
                                           driver->xmlopt, flags)))
        return -1;
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        virReportSystemError(errno, _("cannot create the snapshot directory '%s'"),
                             dir);
        return -1;
    }
    return virFileRewriteStr(path, 0600, xml);
}

int
vxlSnapshotRemoveMetadata(vxlDriver *driver, virDomainObj *vm,
                          virDomainMomentObj *snap)
{
    g_autofree char *path = vxlSnapshotMetadataPath(driver, vm, snap);

    if (unlink(path) < 0 && errno != ENOENT) {
        virReportSystemError(errno,
                             _("cannot remove the metadata of snapshot '%s' of domain '%s'"),
                             snap->def->name, vm->def->name);
        return -1;
    }
    return 0;
}

void
vxlSnapshotSetCurrent(vxlDriver *driver, virDomainObj *vm,
                      virDomainMomentObj *snap)
{
    virDomainMomentObj *old = virDomainSnapshotGetCurrent(vm->snapshots);

    virDomainSnapshotSetCurrent(vm->snapshots, snap);
    /* The flag lives in each file: a failed rewrite only costs which
     * one is current after a restart, so it is logged, not fatal. */
    if (old && old != snap && vxlSnapshotWriteMetadata(driver, vm, old) < 0)
        VIR_WARN("cannot update snapshot %s: %s", old->def->name,
                 virGetLastErrorMessage());
    if (snap && vxlSnapshotWriteMetadata(driver, vm, snap) < 0)
        VIR_WARN("cannot update snapshot %s: %s", snap->def->name,
                 virGetLastErrorMessage());
}

static void
vxlSnapshotLoadOne(vxlDriver *driver, virDomainObj *vm, const char *dir,
                   const char *file)
{
    g_autofree char *path = g_strdup_printf("%s/%s", dir, file);
    g_autofree char *xml = NULL;
    g_autoptr(virDomainSnapshotDef) def = NULL;
    virDomainMomentObj *snap;
    bool current = false;

    if (virFileReadAll(path, 16 * 1024 * 1024, &xml) < 0 ||
        !(def = virDomainSnapshotDefParseString(xml, driver->xmlopt, NULL,
                                                &current,
                                                VIR_DOMAIN_SNAPSHOT_PARSE_REDEFINE |
                                                VIR_DOMAIN_SNAPSHOT_PARSE_INTERNAL))) {
        VIR_WARN("ignoring the snapshot metadata %s: %s", path,
                 virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    if (!(snap = virDomainSnapshotAssignDef(vm->snapshots, &def))) {
        VIR_WARN("ignoring the snapshot metadata %s: %s", path,
                 virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    if (current)
        virDomainSnapshotSetCurrent(vm->snapshots, snap);
}

static void
vxlSnapshotLoadDir(vxlDriver *driver, virDomainObj *vm, const char *dir,
                   DIR *dh)
{
    struct dirent *ent;

    /* Memory images a killed daemon left half-written, or passing ones
     * of disk-only snapshots, are the crash recovery's to sort out
     * (domain_snapshot_recover.c): the intent says which to keep. */
    while (virDirRead(dh, &ent, dir) > 0) {
        if (g_str_has_suffix(ent->d_name, ".xml"))
            vxlSnapshotLoadOne(driver, vm, dir, ent->d_name);
    }
    if (virDomainSnapshotUpdateRelations(vm->snapshots) < 0)
        VIR_WARN("the snapshots of domain %s do not form a tree; some have lost their parent",
                 vm->def->name);
    VIR_DEBUG("domain %s has %d snapshots", vm->def->name,
              virDomainSnapshotObjListNum(vm->snapshots, NULL, 0));
}

virDomainSnapshotObjList *
vxlSnapshotList(vxlDriver *driver, virDomainObj *vm)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    g_autofree char *dir = NULL;
    g_autoptr(DIR) dh = NULL;

    if (priv->snapshotsLoaded)
        return vm->snapshots;
    /* A snapshot's metadata is read against its domain's definition. */
    if (vxlDomainDefEnsure(driver, vm) < 0) {
        virResetLastError();
        return vm->snapshots;
    }
    priv->snapshotsLoaded = true;
    dir = vxlSnapshotDir(driver, vm->def);
    if (virDirOpenQuiet(&dh, dir) > 0)
        vxlSnapshotLoadDir(driver, vm, dir, dh);
    /* A directory that cannot be read holds no snapshot anyone made. */
    virResetLastError();
    return vm->snapshots;
}

static int
vxlSnapshotLoadDomain(virDomainObj *vm, void *opaque)
{
    VIR_WITH_OBJECT_LOCK_GUARD(vm) {
        ignore_value(vxlSnapshotList(opaque, vm));
    }
    return 0;
}

void
vxlSnapshotLoadAll(vxlDriver *driver)
{
    virDomainObjListForEach(driver->domains, false, vxlSnapshotLoadDomain,
                            driver);
}

int
vxlSnapshotDiscardAll(vxlDriver *driver, virDomainObj *vm)
{
    g_autofree char *dir = vxlSnapshotDir(driver, vm->def);
    g_autoptr(DIR) dh = NULL;
    struct dirent *ent;
    int rc;

    if ((rc = virDirOpenIfExists(&dh, dir)) < 0)
        return -1;
    while (rc > 0 && (rc = virDirRead(dh, &ent, dir)) > 0) {
        g_autofree char *path = g_strdup_printf("%s/%s", dir, ent->d_name);

        if (unlink(path) < 0 && errno != ENOENT) {
            virReportSystemError(errno,
                                 _("cannot remove the snapshot metadata '%s'"),
                                 path);
            return -1;
        }
    }
    if (rc < 0)
        return -1;
    if (rmdir(dir) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove %s: %s", dir, g_strerror(errno));
    vxlSnapshotOverlaysDiscard(driver, vm);
    virDomainSnapshotObjListRemoveAll(vm->snapshots);
    return 0;
}

void
vxlSnapshotRemoveStale(vxlDriver *driver)
{
    g_autofree char *root = g_strdup_printf("%s/snapshot", driver->cfg->libDir);
    g_autoptr(DIR) rootdh = NULL;
    struct dirent *dom;

    if (virDirOpenQuiet(&rootdh, root) <= 0) {
        virResetLastError();
        return;
    }
    while (virDirRead(rootdh, &dom, root) > 0) {
        g_autofree char *dir = g_strdup_printf("%s/%s", root, dom->d_name);
        g_autoptr(DIR) dh = NULL;
        struct dirent *ent;
        virDomainObj *vm;
        bool active = false;

        if (virDirOpenQuiet(&dh, dir) <= 0)
            continue;
        if ((vm = virDomainObjListFindByName(driver->domains, dom->d_name))) {
            active = virDomainObjIsActive(vm);
            virDomainObjEndAPI(&vm);
        }
        while (virDirRead(dh, &ent, dir) > 0) {
            g_autofree char *path = NULL;

            /* Never completed; or the passing image of a disk-only
             * snapshot whose guest runs again (while it is shut off, the
             * image may hold its only state: the log said so). */
            if (!g_str_has_suffix(ent->d_name, ".vxl-partial") &&
                !(active && g_str_has_suffix(ent->d_name, ".disk-only.save")))
                continue;
            path = g_strdup_printf("%s/%s", dir, ent->d_name);
            VIR_INFO("removing the incomplete memory image %s", path);
            if (unlink(path) < 0)
                VIR_WARN("cannot remove %s: %s", path, g_strerror(errno));
        }
    }
    virResetLastError();
}
