/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_snapshot_merge.c: what deleting an external snapshot does to
 * its disks, as libvirt's qemu driver does for a shut-off domain.
 *
 * A snapshot's state is its base B (the disk as it was when it was
 * taken); its overlay O holds what was written after. Deleting it:
 *  - O is in the domain's disk chain: O is committed into B (qemu-img
 *    commit -d: B becomes what O showed, O unchanged), the file above O
 *    (or the domain's disk itself) moves onto B, snapshots whose state
 *    was O now have it in B, and O goes. Every step leaves the chain
 *    showing the same data, and each can be run again: the plan is
 *    recorded in the delete's intent (domain_snapshot_delete.c), which a
 *    daemon killed in between finishes at its next start. Once the file
 *    above O has moved onto B, B holds the data O showed and the step
 *    must be finished (the line).
 *    Not while the domain runs on O: libxl has no block commit (qemu's
 *    live merge), and neither blkback nor the qdisk backend can follow
 *    a chain changed under them, while the way this driver moves a
 *    running guest to other files (a snapshot's save and restore) would
 *    give it a new domain id. So O stays in the chain as the disk's own
 *    data, as a metadata-only delete leaves it: the guest runs on, the
 *    snapshot and its memory image go, and the chain stays one file
 *    deeper than a delete with the domain shut off leaves it.
 *  - O is not in the chain (a branch left by a revert): nothing reads it
 *    any more unless another snapshot's state is in it; then the delete
 *    is refused, else O goes.
 * B is kept either way; when B is another snapshot's state too, a merge
 * would change that snapshot, so it is refused.
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "domain.h"
#include "domain_snapshot.h"
#include "vircommand.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "util_crashpoint.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_snapshot_merge");

/* Far deeper than any chain this driver makes. */
#define VXL_MERGE_MAX_DEPTH 256

typedef struct {
    char *snap;                    /* the snapshot deleted */
    char *target;                  /* the disk */
    char *overlay;                 /* O */
    char *base;                    /* B */
    bool inChain;
} vxlMergeStep;

struct _vxlSnapshotMerge {
    GPtrArray *steps;
};

static void
vxlMergeStepFree(void *opaque)
{
    vxlMergeStep *step = opaque;

    g_free(step->snap);
    g_free(step->target);
    g_free(step->overlay);
    g_free(step->base);
    g_free(step);
}

void
vxlSnapshotMergeFree(vxlSnapshotMerge *merge)
{
    if (!merge)
        return;
    g_ptr_array_unref(merge->steps);
    g_free(merge);
}

/* Whether @path is in the chain from @top down; the file just above it
 * in @above (NULL: @path is @top). -1 on error. */
static int
vxlMergeChainFind(const char *top, const char *path, char **above)
{
    g_autofree char *cur = g_strdup(top);
    g_autofree char *prev = NULL;
    size_t depth;

    *above = NULL;
    for (depth = 0; cur && depth < VXL_MERGE_MAX_DEPTH; depth++) {
        char *next;
        int rc;

        if (vxlSnapshotSameFile(cur, path, "/")) {
            *above = g_steal_pointer(&prev);
            return 1;
        }
        if (!virFileExists(cur))
            return 0;
        next = vxlSnapshotImageBacking(cur, &rc);
        if (rc < 0)
            return -1;
        g_free(prev);
        prev = g_steal_pointer(&cur);
        cur = next;
    }
    return 0;
}

typedef struct {
    const char *path;
    GPtrArray *victims;
    virDomainMomentObj *user;      /* a snapshot whose state is @path */
} vxlMergeUse;

static int
vxlMergeUseIter(void *payload, const char *name G_GNUC_UNUSED, void *opaque)
{
    virDomainMomentObj *snap = payload;
    virDomainSnapshotDef *def = virDomainSnapshotObjGetDef(snap);
    vxlMergeUse *use = opaque;
    virDomainDef *defs[] = { def->parent.dom, def->parent.inactiveDom };
    size_t i;
    size_t j;

    if (use->user || g_ptr_array_find(use->victims, snap, NULL))
        return 0;
    for (i = 0; i < G_N_ELEMENTS(defs); i++) {
        for (j = 0; defs[i] && j < defs[i]->ndisks; j++) {
            const char *src = virDomainDiskGetSource(defs[i]->disks[j]);

            if (src && vxlSnapshotSameFile(src, use->path, "/"))
                use->user = snap;
        }
    }
    return 0;
}

/* A snapshot outside @victims whose state is in @path, or NULL. */
static virDomainMomentObj *
vxlMergeStateUser(virDomainObj *vm, GPtrArray *victims, const char *path)
{
    vxlMergeUse use = { .path = path, .victims = victims, .user = NULL };

    virDomainSnapshotForEach(vm->snapshots, vxlMergeUseIter, &use);
    return use.user;
}

/* Whether @path is in the chain of @def's disk @target; -1 on error. */
static int
vxlMergeInChainOf(virDomainDef *def, const char *target, const char *path)
{
    virDomainDiskDef *disk = def ? virDomainDiskByTarget(def, target) : NULL;
    g_autofree char *above = NULL;

    if (!disk || !virDomainDiskGetSource(disk))
        return 0;
    return vxlMergeChainFind(virDomainDiskGetSource(disk), path, &above);
}

static int
vxlMergePlanOne(virDomainObj *vm, GPtrArray *victims,
                virDomainMomentObj *snap, GPtrArray *steps)
{
    virDomainSnapshotDef *def = virDomainSnapshotObjGetDef(snap);
    virDomainDef *pdef = vm->newDef ? vm->newDef : vm->def;
    bool active = virDomainObjIsActive(vm);
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        virDomainSnapshotDiskDef *sd = &def->disks[i];
        virDomainDiskDef *based;
        virDomainMomentObj *user;
        g_autofree char *backing = NULL;
        vxlMergeStep *step;
        int inChain;
        int rc;

        if (sd->snapshot != VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL ||
            !sd->src || !sd->src->path || !virFileExists(sd->src->path) ||
            !def->parent.dom ||
            !(based = virDomainDiskByTarget(def->parent.dom, sd->name)) ||
            !virDomainDiskGetSource(based))
            continue;
        if ((inChain = vxlMergeInChainOf(pdef, sd->name, sd->src->path)) < 0)
            return -1;
        if (active && !inChain &&
            (inChain = vxlMergeInChainOf(vm->def, sd->name, sd->src->path)) < 0)
            return -1;

        if (inChain && active) {
            /* The guest reads and writes O: it stays in the chain as
             * the disk's own data, as a metadata-only delete leaves it. */
            VIR_DEBUG("snapshot '%s' of running domain '%s': overlay '%s' of disk %s stays in its chain",
                      snap->def->name, vm->def->name, sd->src->path, sd->name);
            continue;
        }
        if (inChain) {
            backing = vxlSnapshotImageBacking(sd->src->path, &rc);
            if (rc < 0)
                return -1;
            if (!backing || !vxlSnapshotSameFile(backing,
                                                 virDomainDiskGetSource(based), "/")) {
                virReportError(VIR_ERR_OPERATION_INVALID,
                               _("cannot delete snapshot '%s' of domain '%s': its overlay '%s' is no longer backed by the snapshot's base '%s'"),
                               snap->def->name, vm->def->name, sd->src->path,
                               virDomainDiskGetSource(based));
                return -1;
            }
            if ((user = vxlMergeStateUser(vm, victims,
                                          virDomainDiskGetSource(based)))) {
                virReportError(VIR_ERR_OPERATION_INVALID,
                               _("cannot delete snapshot '%s' of domain '%s': merging its overlay '%s' would change '%s', which holds the state of snapshot '%s'; delete only the metadata"),
                               snap->def->name, vm->def->name, sd->src->path,
                               virDomainDiskGetSource(based), user->def->name);
                return -1;
            }
        } else if ((user = vxlMergeStateUser(vm, victims, sd->src->path))) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("cannot delete snapshot '%s' of domain '%s': its overlay '%s' holds the state of snapshot '%s', which the domain's disks do not build on; delete that snapshot first, or delete only the metadata"),
                           snap->def->name, vm->def->name, sd->src->path,
                           user->def->name);
            return -1;
        }
        step = g_new0(vxlMergeStep, 1);
        step->snap = g_strdup(snap->def->name);
        step->target = g_strdup(sd->name);
        step->overlay = g_strdup(sd->src->path);
        step->base = g_strdup(virDomainDiskGetSource(based));
        step->inChain = inChain;
        g_ptr_array_add(steps, step);
    }
    return 0;
}

vxlSnapshotMerge *
vxlSnapshotMergePlan(vxlDriver *driver, virDomainObj *vm, GPtrArray *victims)
{
    g_autoptr(vxlSnapshotMerge) merge = g_new0(vxlSnapshotMerge, 1);
    size_t i;

    ignore_value(vxlSnapshotList(driver, vm));
    merge->steps = g_ptr_array_new_with_free_func(vxlMergeStepFree);
    for (i = 0; i < victims->len; i++) {
        if (vxlMergePlanOne(vm, victims, g_ptr_array_index(victims, i),
                            merge->steps) < 0)
            return NULL;
    }
    return g_steal_pointer(&merge);
}

/* Run qemu-img with @args (NULL-terminated after the first) for the
 * step of deleting snapshot @step->snap of @vm; @what says what it does
 * ("commit": merge the overlay into its base, "rebase": move the file
 * above it onto the base). */
static int
vxlMergeQemuImg(virDomainObj *vm, vxlMergeStep *step, const char *what,
                const char *first, ...)
{
    g_autofree char *qemuImg = virFindFileInPath("qemu-img");
    g_autofree char *errbuf = NULL;
    g_autoptr(virCommand) cmd = NULL;
    const char *arg;
    va_list ap;
    int status = 0;

    if (!qemuImg) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot delete snapshot '%s' of domain '%s': qemu-img, which merges its overlay '%s', is not installed"),
                       step->snap, vm->def->name, step->overlay);
        return -1;
    }
    cmd = virCommandNew(qemuImg);
    va_start(ap, first);
    for (arg = first; arg; arg = va_arg(ap, const char *))
        virCommandAddArg(cmd, arg);
    va_end(ap);
    virCommandSetErrorBuffer(cmd, &errbuf);
    if (virCommandRun(cmd, &status) < 0)
        return -1;
    if (status != 0) {
        g_strstrip(errbuf);
        if (STREQ(what, "commit"))
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot delete snapshot '%s' of domain '%s': merging its overlay '%s' into '%s' failed: %s"),
                           step->snap, vm->def->name, step->overlay,
                           step->base, NULLSTR_EMPTY(errbuf));
        else
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot delete snapshot '%s' of domain '%s': moving the image above its overlay '%s' onto '%s' failed: %s"),
                           step->snap, vm->def->name, step->overlay,
                           step->base, NULLSTR_EMPTY(errbuf));
        return -1;
    }
    return 0;
}

typedef struct {
    vxlDriver *driver;
    virDomainObj *vm;
    const char *from;
    const char *to;
    int rc;
} vxlMergeMove;

/* Snapshots whose state was in O have it in B now. */
static int
vxlMergeMoveIter(void *payload, const char *name G_GNUC_UNUSED, void *opaque)
{
    virDomainMomentObj *snap = payload;
    virDomainSnapshotDef *def = virDomainSnapshotObjGetDef(snap);
    vxlMergeMove *move = opaque;
    virDomainDef *defs[] = { def->parent.dom, def->parent.inactiveDom };
    g_autoptr(GPtrArray) moved = g_ptr_array_new();
    size_t i;
    size_t j;

    if (move->rc < 0)
        return 0;
    for (i = 0; i < G_N_ELEMENTS(defs); i++) {
        for (j = 0; defs[i] && j < defs[i]->ndisks; j++) {
            virDomainDiskDef *disk = defs[i]->disks[j];

            if (STREQ_NULLABLE(virDomainDiskGetSource(disk), move->from)) {
                virDomainDiskSetSource(disk, move->to);
                g_ptr_array_add(moved, disk);
            }
        }
    }
    /* Its file must say so before O goes, or it would name a file that
     * is no more; the step stops here, with the snapshot as its file
     * says, and is run again. */
    if (moved->len && vxlSnapshotWriteMetadata(move->driver, move->vm, snap) < 0) {
        move->rc = -1;
        for (i = 0; i < moved->len; i++)
            virDomainDiskSetSource(g_ptr_array_index(moved, i), move->from);
    }
    return 0;
}

/* One step, which may have been run in part before (by a daemon killed
 * in the middle): what is done already is skipped. @changed is set once
 * the disks are past the line (domain_snapshot_merge.c's header). */
static int
vxlMergeStepRun(vxlDriver *driver, virDomainObj *vm, vxlMergeStep *step,
                bool *changed)
{
    virDomainDef *pdef = vm->newDef ? vm->newDef : vm->def;
    virDomainDiskDef *disk = virDomainDiskByTarget(pdef, step->target);
    g_autofree char *above = NULL;
    vxlMergeMove move = { driver, vm, step->overlay, step->base, 0 };
    int found = 0;

    /* Its last act is removing O. */
    if (!virFileExists(step->overlay))
        return 0;
    /* Still in the chain: not yet moved off (the file above it is moved
     * only once O is merged), so the merge is run (again, which writes
     * the same data). */
    if (step->inChain && disk && virDomainDiskGetSource(disk) &&
        (found = vxlMergeChainFind(virDomainDiskGetSource(disk),
                                   step->overlay, &above)) < 0)
        return -1;
    if (found) {
        VIR_INFO("merging the overlay %s into %s", step->overlay, step->base);
        if (vxlMergeQemuImg(vm, step, "commit", "commit", "-q", "-d",
                            "-f", "qcow2", step->overlay, NULL) < 0)
            return -1;
        VXL_CRASH_POINT("snapshot.delete.after-commit");
        if (above) {
            if (vxlMergeQemuImg(vm, step, "rebase", "rebase", "-q", "-u",
                                "-f", "qcow2", "-b", step->base, "-F", "qcow2",
                                above, NULL) < 0)
                return -1;
        } else {
            g_autoptr(virDomainDef) newdef = virDomainDefCopy(pdef, driver->xmlopt,
                                                              NULL, false);
            virDomainDiskDef *ndisk;

            if (!newdef ||
                !(ndisk = virDomainDiskByTarget(newdef, step->target)))
                return -1;
            virDomainDiskSetSource(ndisk, step->base);
            if (vxlDomainConfigSave(driver, newdef) < 0)
                return -1;
            virDomainObjAssignDef(vm, &newdef, false, NULL);
        }
        VXL_CRASH_POINT("snapshot.delete.after-rebase");
    }
    *changed = true;
    virDomainSnapshotForEach(vm->snapshots, vxlMergeMoveIter, &move);
    if (move.rc < 0) {
        g_autofree char *cause = g_strdup(virGetLastErrorMessage());

        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot delete snapshot '%s' of domain '%s': the snapshots built on its overlay '%s' cannot be moved onto '%s': %s"),
                       step->snap, vm->def->name, step->overlay, step->base,
                       cause);
        return -1;
    }
    VXL_CRASH_POINT("snapshot.delete.after-move");
    if (unlink(step->overlay) < 0 && errno != ENOENT) {
        virReportSystemError(errno,
                             _("cannot delete snapshot '%s' of domain '%s': its overlay '%s' cannot be removed"),
                             step->snap, vm->def->name, step->overlay);
        return -1;
    }
    VXL_CRASH_POINT("snapshot.delete.after-unlink");
    return 0;
}

int
vxlSnapshotMergeRun(vxlDriver *driver, virDomainObj *vm,
                    vxlSnapshotMerge *merge, const char *snap, bool *changed)
{
    size_t i;

    for (i = 0; merge && i < merge->steps->len; i++) {
        vxlMergeStep *step = g_ptr_array_index(merge->steps, i);

        if (STREQ(step->snap, snap) &&
            vxlMergeStepRun(driver, vm, step, changed) < 0)
            return -1;
    }
    return 0;
}

virJSONValue *
vxlSnapshotMergeToJSON(vxlSnapshotMerge *merge)
{
    g_autoptr(virJSONValue) steps = virJSONValueNewArray();
    size_t i;

    for (i = 0; merge && i < merge->steps->len; i++) {
        vxlMergeStep *step = g_ptr_array_index(merge->steps, i);
        g_autoptr(virJSONValue) obj = NULL;

        if (virJSONValueObjectAdd(&obj,
                                  "s:snapshot", step->snap,
                                  "s:target", step->target,
                                  "s:overlay", step->overlay,
                                  "s:base", step->base,
                                  "b:inChain", step->inChain,
                                  NULL) < 0 ||
            virJSONValueArrayAppend(steps, &obj) < 0)
            return NULL;
    }
    return g_steal_pointer(&steps);
}

vxlSnapshotMerge *
vxlSnapshotMergeFromJSON(virJSONValue *steps)
{
    g_autoptr(vxlSnapshotMerge) merge = g_new0(vxlSnapshotMerge, 1);
    size_t i;

    merge->steps = g_ptr_array_new_with_free_func(vxlMergeStepFree);
    if (!steps || !virJSONValueIsArray(steps))
        goto malformed;
    for (i = 0; i < virJSONValueArraySize(steps); i++) {
        virJSONValue *obj = virJSONValueArrayGet(steps, i);
        const char *snap = virJSONValueObjectGetString(obj, "snapshot");
        const char *target = virJSONValueObjectGetString(obj, "target");
        const char *overlay = virJSONValueObjectGetString(obj, "overlay");
        const char *base = virJSONValueObjectGetString(obj, "base");
        vxlMergeStep *step;
        bool inChain;

        if (!snap || !target || !overlay || !base ||
            virJSONValueObjectGetBoolean(obj, "inChain", &inChain) < 0)
            goto malformed;
        step = g_new0(vxlMergeStep, 1);
        step->snap = g_strdup(snap);
        step->target = g_strdup(target);
        step->overlay = g_strdup(overlay);
        step->base = g_strdup(base);
        step->inChain = inChain;
        g_ptr_array_add(merge->steps, step);
    }
    return g_steal_pointer(&merge);

 malformed:
    virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                   _("the merge steps of a snapshot delete are malformed"));
    return NULL;
}
