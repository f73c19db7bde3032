/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_snapshot_overlays.c: the overlays the driver made for a
 * domain's snapshots and reverts, and their removal once nothing needs
 * them.
 *
 * A snapshot names its overlay only while it exists; a revert's fresh
 * overlay (NAME-N) and an overlay a live delete left in the domain's
 * chain are named by no snapshot at all. So what the driver made is
 * listed in <libDir>/snapshot/.overlays/UUID (one absolute path a line), written
 * before the file is made: a kill in between leaves a name whose file
 * is missing, dropped at the next collection. A file listed is removed
 * when no definition of the domain and no snapshot needs it: neither
 * the domain's disks (live and persistent) nor any snapshot's state or
 * overlay is it or builds on it (their backing chains are followed, so
 * a file still in a chain is never removed). A file not listed (the
 * domain's own image, an overlay reused with --reuse-external, a
 * --no-metadata snapshot's, one a metadata-only delete handed over) is
 * never removed here.
 */
#include "vxl_internal.h"

#include <sys/stat.h>
#include <unistd.h>

#include "domain.h"
#include "domain_snapshot.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_snapshot_overlays");

/* Far deeper than any chain this driver makes. */
#define VXL_OVERLAYS_MAX_DEPTH 256
/* Far above any list: one path a line. */
#define VXL_OVERLAYS_MAX_SIZE (4 * 1024 * 1024)

/* Beside the domains' snapshot directories, by UUID: the list outlives
 * the snapshots (an overlay a live delete kept), and a later domain of
 * the same name must not inherit it. */
static char *
vxlOverlaysDir(vxlDriver *driver)
{
    return g_strdup_printf("%s/snapshot/.overlays", driver->cfg->libDir);
}

static char *
vxlOverlaysPath(vxlDriver *driver, virDomainObj *vm)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    g_autofree char *dir = vxlOverlaysDir(driver);

    return g_strdup_printf("%s/%s", dir, virUUIDFormat(vm->def->uuid, uuidstr));
}

/* The paths listed for @vm (none when there is no list). */
static GPtrArray *
vxlOverlaysLoad(vxlDriver *driver, virDomainObj *vm)
{
    g_autofree char *path = vxlOverlaysPath(driver, vm);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    if (!virFileExists(path))
        return list;
    if (virFileReadAll(path, VXL_OVERLAYS_MAX_SIZE, &text) < 0) {
        VIR_WARN("cannot read the overlay list %s: %s", path,
                 virGetLastErrorMessage());
        virResetLastError();
        return list;
    }
    lines = g_strsplit(text, "\n", -1);
    for (i = 0; lines[i]; i++) {
        if (*lines[i] && g_path_is_absolute(lines[i]))
            g_ptr_array_add(list, g_strdup(lines[i]));
    }
    return list;
}

static int
vxlOverlaysSave(vxlDriver *driver, virDomainObj *vm, GPtrArray *list)
{
    g_autofree char *dir = vxlOverlaysDir(driver);
    g_autofree char *path = vxlOverlaysPath(driver, vm);
    g_autoptr(GString) text = g_string_new(NULL);
    size_t i;

    if (list->len == 0) {
        if (unlink(path) < 0 && errno != ENOENT) {
            virReportSystemError(errno, _("cannot remove '%s'"), path);
            return -1;
        }
        return 0;
    }
    for (i = 0; i < list->len; i++)
        g_string_append_printf(text, "%s\n", (char *)g_ptr_array_index(list, i));
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        virReportSystemError(errno, _("cannot create directory '%s'"), dir);
        return -1;
    }
    /* A new file, synced, renamed over the old one. */
    return virFileRewriteStr(path, 0600, text->str);
}

/* Add @paths to @vm's list (@add) or take them off it. */
static int
vxlOverlaysEdit(vxlDriver *driver, virDomainObj *vm, const char *const *paths,
                bool add)
{
    g_autoptr(GPtrArray) list = vxlOverlaysLoad(driver, vm);
    bool changed = false;
    size_t i;
    guint at;

    for (i = 0; paths[i]; i++) {
        g_autofree char *abs = g_canonicalize_filename(paths[i], "/");
        bool has = g_ptr_array_find_with_equal_func(list, abs, g_str_equal, &at);

        if (add && !has)
            g_ptr_array_add(list, g_steal_pointer(&abs));
        else if (!add && has)
            g_ptr_array_remove_index(list, at);
        changed |= add != has;
    }
    return changed ? vxlOverlaysSave(driver, vm, list) : 0;
}

int
vxlSnapshotOverlaysNote(vxlDriver *driver, virDomainObj *vm,
                        const char *const *paths)
{
    return vxlOverlaysEdit(driver, vm, paths, true);
}

void
vxlSnapshotOverlaysForget(vxlDriver *driver, virDomainObj *vm,
                          const char *const *paths)
{
    if (vxlOverlaysEdit(driver, vm, paths, false) < 0) {
        VIR_WARN("cannot update the overlay list of domain %s: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
    }
}

/* The overlays of @def's external disks, NULL-terminated (the strings
 * are @def's). */
static const char **
vxlSnapshotOverlayPaths(virDomainSnapshotDef *def)
{
    const char **paths = g_new0(const char *, def->ndisks + 1);
    size_t n = 0;
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i].snapshot == VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL &&
            def->disks[i].src && def->disks[i].src->path)
            paths[n++] = def->disks[i].src->path;
    }
    return paths;
}

int
vxlSnapshotOverlaysMake(vxlDriver *driver, virDomainObj *vm,
                        virDomainSnapshotDef *def, unsigned int flags)
{
    g_autofree const char **paths = vxlSnapshotOverlayPaths(def);

    if (!(flags & VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA) &&
        vxlSnapshotOverlaysNote(driver, vm, paths) < 0)
        return -1;
    if (vxlSnapshotOverlaysCreate(def) < 0) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        vxlSnapshotOverlaysForget(driver, vm, paths);
        virErrorRestore(&saved);
        return -1;
    }
    return 0;
}

void
vxlSnapshotOverlaysUndo(vxlDriver *driver, virDomainObj *vm,
                          virDomainSnapshotDef *def)
{
    g_autofree const char **paths = vxlSnapshotOverlayPaths(def);
    virErrorPtr saved;

    virErrorPreserveLast(&saved);
    vxlSnapshotOverlaysRemove(def);
    vxlSnapshotOverlaysForget(driver, vm, paths);
    virErrorRestore(&saved);
}

/* A file by device and inode, so that two names of one file are one. */
static char *
vxlOverlaysFileKey(const char *path)
{
    struct stat sb;

    if (stat(path, &sb) < 0)
        return NULL;
    return g_strdup_printf("%llu:%llu", (unsigned long long)sb.st_dev,
                           (unsigned long long)sb.st_ino);
}

/* Add @path and every file it builds on to @needed. -1 when a chain
 * cannot be read (then nothing may be removed). */
static int
vxlOverlaysMarkChain(GHashTable *needed, const char *path)
{
    g_autofree char *cur = g_strdup(path);
    size_t depth;

    for (depth = 0; cur && depth < VXL_OVERLAYS_MAX_DEPTH; depth++) {
        char *key = vxlOverlaysFileKey(cur);
        char *next;
        int rc;

        /* A missing file holds nothing up; one seen before, the rest of
         * its chain neither. */
        if (!key)
            return 0;
        if (!g_hash_table_add(needed, key))
            return 0;
        next = vxlSnapshotImageBacking(cur, &rc);
        if (rc < 0)
            return -1;
        g_free(cur);
        cur = next;
    }
    return 0;
}

static int
vxlOverlaysMarkDef(GHashTable *needed, virDomainDef *def)
{
    size_t i;

    for (i = 0; def && i < def->ndisks; i++) {
        const char *src = virDomainDiskGetSource(def->disks[i]);

        if (src && virDomainDiskGetType(def->disks[i]) == VIR_STORAGE_TYPE_FILE &&
            vxlOverlaysMarkChain(needed, src) < 0)
            return -1;
    }
    return 0;
}

typedef struct {
    GHashTable *needed;
    int rc;
} vxlOverlaysMark;

static int
vxlOverlaysMarkSnapshot(void *payload, const char *name G_GNUC_UNUSED,
                        void *opaque)
{
    virDomainMomentObj *snap = payload;
    virDomainSnapshotDef *def = virDomainSnapshotObjGetDef(snap);
    vxlOverlaysMark *mark = opaque;
    size_t i;

    if (mark->rc < 0)
        return 0;
    if (vxlOverlaysMarkDef(mark->needed, def->parent.dom) < 0 ||
        vxlOverlaysMarkDef(mark->needed, def->parent.inactiveDom) < 0)
        mark->rc = -1;
    for (i = 0; mark->rc == 0 && i < def->ndisks; i++) {
        virStorageSource *src = def->disks[i].src;

        if (def->disks[i].snapshot == VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL &&
            src && src->path && vxlOverlaysMarkChain(mark->needed, src->path) < 0)
            mark->rc = -1;
    }
    return 0;
}

void
vxlSnapshotOverlaysCollect(vxlDriver *driver, virDomainObj *vm)
{
    g_autoptr(GPtrArray) list = vxlOverlaysLoad(driver, vm);
    g_autoptr(GHashTable) needed = NULL;
    g_autoptr(GPtrArray) left = NULL;
    vxlOverlaysMark mark = { 0 };
    size_t i;

    if (list->len == 0)
        return;
    needed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    mark.needed = needed;
    if (vxlOverlaysMarkDef(needed, vm->def) < 0 ||
        vxlOverlaysMarkDef(needed, vm->newDef) < 0)
        mark.rc = -1;
    if (mark.rc == 0)
        virDomainSnapshotForEach(vxlSnapshotList(driver, vm),
                                 vxlOverlaysMarkSnapshot, &mark);
    if (mark.rc < 0) {
        VIR_WARN("keeping the overlays of domain %s that may be unused: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
        return;
    }

    left = g_ptr_array_new_with_free_func(g_free);
    for (i = 0; i < list->len; i++) {
        const char *path = g_ptr_array_index(list, i);
        g_autofree char *key = vxlOverlaysFileKey(path);

        if (!key)
            continue;           /* gone: dropped from the list */
        if (g_hash_table_contains(needed, key)) {
            g_ptr_array_add(left, g_strdup(path));
            continue;
        }
        VIR_INFO("removing the overlay %s of domain %s: no definition and no snapshot needs it",
                 path, vm->def->name);
        if (unlink(path) < 0 && errno != ENOENT) {
            VIR_WARN("cannot remove %s: %s", path, g_strerror(errno));
            g_ptr_array_add(left, g_strdup(path));
        }
    }
    if (vxlOverlaysSave(driver, vm, left) < 0) {
        VIR_WARN("cannot update the overlay list of domain %s: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
    }
}

void
vxlSnapshotOverlaysDiscard(vxlDriver *driver, virDomainObj *vm)
{
    g_autofree char *path = vxlOverlaysPath(driver, vm);

    if (unlink(path) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove the overlay list %s: %s", path,
                 g_strerror(errno));
}
