/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_snapshot_delete.c: deleting snapshots (virDomainSnapshotDelete)
 * in an order a killed daemon can finish.
 *
 * The snapshots going are checked whole first (the merge plan,
 * domain_snapshot_merge.c) and the plan is recorded in a SNAPSHOT_DELETE
 * intent (domain_intent.h). Then each goes, deepest first: its disks
 * (its overlay merged into its base, or removed), its children moved up
 * to its parent, its metadata, its memory image. The metadata goes after
 * the disks, so a snapshot still listed is one whose delete did not
 * finish, and running the plan again skips what is done: a daemon
 * killed in the middle finishes the delete at its next start.
 *
 * A failure stops the delete there, as libvirt's drivers do: the
 * snapshots deleted before stay deleted, the one that failed stays
 * listed with its children (the error names it), and the current
 * snapshot is the nearest one left on the line it was on. When the
 * failed snapshot's disks were past a merge's line (its base holds its
 * overlay's data already) it cannot stay as it was: the intent is kept,
 * and the next delete of the domain's snapshots, or the next start,
 * finishes it first.
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "domain.h"
#include "domain_intent.h"
#include "domain_job.h"
#include "domain_snapshot.h"
#include "util_crashpoint.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_snapshot_delete");

typedef struct {
    char *name;
    char *parent;               /* its parent before the delete, or NULL */
    char *image;                /* its memory image, or NULL */
} vxlDeleteVictim;

typedef struct {
    GPtrArray *victims;         /* vxlDeleteVictim, deepest first */
    char *current;              /* the current snapshot, if it goes */
    vxlSnapshotMerge *merge;    /* NULL: metadata only */
} vxlDeletePlan;

static void
vxlDeleteVictimFree(void *opaque)
{
    vxlDeleteVictim *victim = opaque;

    g_free(victim->name);
    g_free(victim->parent);
    g_free(victim->image);
    g_free(victim);
}

static void
vxlDeletePlanFree(vxlDeletePlan *plan)
{
    if (!plan)
        return;
    g_ptr_array_unref(plan->victims);
    g_free(plan->current);
    vxlSnapshotMergeFree(plan->merge);
    g_free(plan);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vxlDeletePlan, vxlDeletePlanFree);

static vxlDeletePlan *
vxlDeletePlanNew(void)
{
    vxlDeletePlan *plan = g_new0(vxlDeletePlan, 1);

    plan->victims = g_ptr_array_new_with_free_func(vxlDeleteVictimFree);
    return plan;
}

static int
vxlDeleteCollect(void *payload, const char *name G_GNUC_UNUSED, void *opaque)
{
    g_ptr_array_add(opaque, payload);
    return 0;
}

static int
vxlDeleteDepth(virDomainMomentObj *snap)
{
    int depth = 0;

    for (; snap->parent && snap->parent->def; snap = snap->parent)
        depth++;
    return depth;
}

static gint
vxlDeleteDeeperFirst(gconstpointer a, gconstpointer b)
{
    virDomainMomentObj *sa = *(virDomainMomentObj * const *)a;
    virDomainMomentObj *sb = *(virDomainMomentObj * const *)b;

    return vxlDeleteDepth(sb) - vxlDeleteDepth(sa);
}

/* What deleting @snap with @flags does, checked whole before anything
 * changes. */
static vxlDeletePlan *
vxlDeletePlanMake(vxlDriver *driver, virDomainObj *vm,
                  virDomainMomentObj *snap, unsigned int flags)
{
    bool childrenOnly = !!(flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY);
    bool children = childrenOnly || (flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN);
    virDomainMomentObj *current = virDomainSnapshotGetCurrent(vm->snapshots);
    g_autoptr(GPtrArray) victims = g_ptr_array_new();
    g_autoptr(vxlDeletePlan) plan = vxlDeletePlanNew();
    size_t i;

    /* Deepest first, so that each goes as a leaf of what is left. */
    if (children)
        virDomainMomentForEachDescendant(snap, vxlDeleteCollect, victims);
    g_ptr_array_sort(victims, vxlDeleteDeeperFirst);
    if (!childrenOnly)
        g_ptr_array_add(victims, snap);

    for (i = 0; i < victims->len; i++) {
        virDomainMomentObj *one = g_ptr_array_index(victims, i);
        virDomainSnapshotDef *def = virDomainSnapshotObjGetDef(one);
        vxlDeleteVictim *victim = g_new0(vxlDeleteVictim, 1);

        victim->name = g_strdup(one->def->name);
        victim->parent = g_strdup(one->def->parent_name);
        victim->image = g_strdup(def->memorysnapshotfile);
        g_ptr_array_add(plan->victims, victim);
        if (one == current)
            plan->current = g_strdup(one->def->name);
    }
    if (!(flags & VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY) &&
        !(plan->merge = vxlSnapshotMergePlan(driver, vm, victims)))
        return NULL;
    return g_steal_pointer(&plan);
}

static char *
vxlDeletePlanFormat(vxlDeletePlan *plan)
{
    g_autoptr(virJSONValue) obj = NULL;
    g_autoptr(virJSONValue) victims = virJSONValueNewArray();
    g_autoptr(virJSONValue) steps = NULL;
    size_t i;

    for (i = 0; i < plan->victims->len; i++) {
        vxlDeleteVictim *victim = g_ptr_array_index(plan->victims, i);
        g_autoptr(virJSONValue) one = NULL;

        if (virJSONValueObjectAdd(&one,
                                  "s:name", victim->name,
                                  "S:parent", victim->parent,
                                  "S:image", victim->image,
                                  NULL) < 0 ||
            virJSONValueArrayAppend(victims, &one) < 0)
            return NULL;
    }
    if (plan->merge && !(steps = vxlSnapshotMergeToJSON(plan->merge)))
        return NULL;
    if (virJSONValueObjectAdd(&obj,
                              "a:victims", &victims,
                              "S:current", plan->current,
                              "A:steps", &steps,
                              NULL) < 0)
        return NULL;
    return virJSONValueToString(obj, false);
}

static vxlDeletePlan *
vxlDeletePlanParse(const char *text)
{
    g_autoptr(virJSONValue) obj = text ? virJSONValueFromString(text) : NULL;
    g_autoptr(vxlDeletePlan) plan = vxlDeletePlanNew();
    virJSONValue *victims;
    virJSONValue *steps;
    size_t i;

    if (!obj || !(victims = virJSONValueObjectGetArray(obj, "victims")))
        goto malformed;
    for (i = 0; i < virJSONValueArraySize(victims); i++) {
        virJSONValue *one = virJSONValueArrayGet(victims, i);
        const char *name = virJSONValueObjectGetString(one, "name");
        vxlDeleteVictim *victim;

        if (!name)
            goto malformed;
        victim = g_new0(vxlDeleteVictim, 1);
        victim->name = g_strdup(name);
        victim->parent = g_strdup(virJSONValueObjectGetString(one, "parent"));
        victim->image = g_strdup(virJSONValueObjectGetString(one, "image"));
        g_ptr_array_add(plan->victims, victim);
    }
    plan->current = g_strdup(virJSONValueObjectGetString(obj, "current"));
    if ((steps = virJSONValueObjectGetArray(obj, "steps")) &&
        !(plan->merge = vxlSnapshotMergeFromJSON(steps)))
        return NULL;
    return g_steal_pointer(&plan);

 malformed:
    virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                   _("the plan of a snapshot delete is malformed"));
    return NULL;
}

/* Give @kids (the first @n of them rewritten already) back to @victim,
 * whose delete failed before its disks changed. Failures are logged:
 * they cost only where the children hang after a restart. */
static void
vxlDeleteKidsBack(vxlDriver *driver, virDomainObj *vm,
                  virDomainMomentObj *victim, GPtrArray *kids, size_t n)
{
    size_t i;

    for (i = 0; i < kids->len; i++) {
        virDomainMomentObj *kid = g_ptr_array_index(kids, i);

        g_free(kid->def->parent_name);
        kid->def->parent_name = g_strdup(victim->def->name);
        if (i < n && vxlSnapshotWriteMetadata(driver, vm, kid) < 0) {
            VIR_WARN("cannot put snapshot %s back under %s: %s",
                     kid->def->name, victim->def->name,
                     virGetLastErrorMessage());
            virResetLastError();
        }
    }
}

/* Take @victim out: its disks, its children (none when deleted deepest
 * first) up to its parent, its metadata, its memory image. @keep: the
 * intent has to stay (see the header). */
static int
vxlDeleteOne(vxlDriver *driver, virDomainObj *vm, vxlDeletePlan *plan,
             virDomainMomentObj *victim, bool metadataOnly, bool *keep)
{
    virDomainSnapshotDef *def = virDomainSnapshotObjGetDef(victim);
    virDomainMomentObj *parent = victim->parent;
    g_autoptr(GPtrArray) kids = g_ptr_array_new();
    g_autofree char *image = NULL;
    bool changed = false;
    size_t i;

    if (vxlSnapshotMergeRun(driver, vm, plan->merge, victim->def->name,
                            &changed) < 0) {
        *keep = changed;
        return -1;
    }

    virDomainMomentForEachChild(victim, vxlDeleteCollect, kids);
    for (i = 0; i < kids->len; i++) {
        virDomainMomentObj *kid = g_ptr_array_index(kids, i);

        g_free(kid->def->parent_name);
        kid->def->parent_name = parent && parent->def ?
                                g_strdup(parent->def->name) : NULL;
        if (vxlSnapshotWriteMetadata(driver, vm, kid) < 0) {
            g_autofree char *cause = g_strdup(virGetLastErrorMessage());

            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot delete snapshot '%s' of domain '%s': its child '%s' cannot be moved to its parent: %s"),
                           victim->def->name, vm->def->name, kid->def->name,
                           cause);
            goto undo;
        }
    }
    VXL_CRASH_POINT("snapshot.delete.after-reparent");
    if (vxlSnapshotRemoveMetadata(driver, vm, victim) < 0)
        goto undo;

    if (victim == virDomainSnapshotGetCurrent(vm->snapshots))
        virDomainSnapshotSetCurrent(vm->snapshots, NULL);
    if (!metadataOnly)
        image = g_strdup(def->memorysnapshotfile);
    virDomainMomentMoveChildren(victim, parent);
    virDomainMomentDropParent(victim);
    virDomainSnapshotObjListRemove(vm->snapshots, victim);
    VXL_CRASH_POINT("snapshot.delete.after-metadata");
    if (image && unlink(image) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove the memory image %s of a deleted snapshot: %s",
                 image, g_strerror(errno));
    return 0;

 undo:
    /* Past a merge's line the rest is finished later (the intent
     * stays); else the snapshot stays as it was. */
    *keep = changed;
    if (!changed)
        vxlDeleteKidsBack(driver, vm, victim, kids, i);
    return -1;
}

/* The current snapshot went: the nearest one left above it is current. */
static void
vxlDeleteFixCurrent(vxlDriver *driver, virDomainObj *vm, vxlDeletePlan *plan)
{
    virDomainSnapshotObjList *list = vm->snapshots;
    const char *name = plan->current;
    size_t i;

    if (!name || virDomainSnapshotFindByName(list, name))
        return;
    while (name && !virDomainSnapshotFindByName(list, name)) {
        const char *up = NULL;

        for (i = 0; i < plan->victims->len; i++) {
            vxlDeleteVictim *victim = g_ptr_array_index(plan->victims, i);

            if (STREQ(victim->name, name))
                up = victim->parent;
        }
        name = up;
    }
    vxlSnapshotSetCurrent(driver, vm,
                          name ? virDomainSnapshotFindByName(list, name) : NULL);
}

/* Run @plan; what a run before did already is skipped. */
static int
vxlDeleteRun(vxlDriver *driver, virDomainObj *vm, vxlDeletePlan *plan,
             bool metadataOnly, bool *keep)
{
    virDomainSnapshotObjList *list = vxlSnapshotList(driver, vm);
    int ret = 0;
    size_t i;

    *keep = false;
    for (i = 0; i < plan->victims->len; i++) {
        vxlDeleteVictim *victim = g_ptr_array_index(plan->victims, i);
        virDomainMomentObj *snap = virDomainSnapshotFindByName(list, victim->name);

        if (!snap) {
            /* Gone before its memory image went. */
            if (!metadataOnly && victim->image &&
                unlink(victim->image) < 0 && errno != ENOENT)
                VIR_WARN("cannot remove the memory image %s of a deleted snapshot: %s",
                         victim->image, g_strerror(errno));
            continue;
        }
        if (vxlDeleteOne(driver, vm, plan, snap, metadataOnly, keep) < 0) {
            ret = -1;
            break;
        }
    }
    vxlDeleteFixCurrent(driver, vm, plan);
    /* A base the deleted snapshots' state was in may be an overlay no
     * snapshot and no definition needs now (a revert's NAME-N, an
     * overlay a live delete kept): it goes; with --metadata the disks
     * are left alone. */
    if (ret == 0 && !metadataOnly)
        vxlSnapshotOverlaysCollect(driver, vm);
    return ret;
}

/* A metadata-only delete leaves the disks alone: the overlays of the
 * snapshots going are no longer the driver's to remove. */
static void
vxlDeleteHandOver(vxlDriver *driver, virDomainObj *vm, vxlDeletePlan *plan)
{
    g_autoptr(GPtrArray) paths = g_ptr_array_new();
    size_t i;
    size_t j;

    for (i = 0; i < plan->victims->len; i++) {
        vxlDeleteVictim *victim = g_ptr_array_index(plan->victims, i);
        virDomainMomentObj *snap = virDomainSnapshotFindByName(vm->snapshots,
                                                               victim->name);
        virDomainSnapshotDef *def = snap ? virDomainSnapshotObjGetDef(snap) : NULL;

        for (j = 0; def && j < def->ndisks; j++) {
            if (def->disks[j].src && def->disks[j].src->path)
                g_ptr_array_add(paths, def->disks[j].src->path);
        }
    }
    g_ptr_array_add(paths, NULL);
    vxlSnapshotOverlaysForget(driver, vm, (const char *const *)paths->pdata);
}

static int
vxlDeleteIntentRecord(vxlDriver *driver, virDomainObj *vm, const char *name,
                      unsigned int flags, vxlDeletePlan *plan)
{
    g_autofree char *text = vxlDeletePlanFormat(plan);
    vxlIntent intent = {
        .op = VXL_INTENT_SNAPSHOT_DELETE,
        .name = vm->def->name,
        .domid = vm->def->id,
        .key = (char *)name,
        .xml = text,
        .value = flags,
    };

    if (!text)
        return -1;
    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    return vxlIntentRecord(driver, &intent);
}

/* Finish the delete recorded in @intent. @report: a failure is the
 * caller's error (else logged). Whether the intent has to stay. */
static bool
vxlDeleteFinish(vxlDriver *driver, virDomainObj *vm, const vxlIntent *intent,
                bool report, int *rc)
{
    g_autoptr(vxlDeletePlan) plan = vxlDeletePlanParse(intent->xml);
    bool metadataOnly = !!(intent->value & VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY);
    bool keep = false;

    *rc = 0;
    if (!plan) {
        VIR_WARN("dropping the delete intent of domain %s: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
        return false;
    }
    VIR_INFO("finishing the delete of snapshot %s of domain %s",
             NULLSTR(intent->key), vm->def->name);
    if ((*rc = vxlDeleteRun(driver, vm, plan, metadataOnly, &keep)) < 0 &&
        !report) {
        VIR_WARN("cannot finish the delete of snapshot %s of domain %s: %s",
                 NULLSTR(intent->key), vm->def->name,
                 virGetLastErrorMessage());
        virResetLastError();
    }
    return keep;
}

bool
vxlSnapshotDeleteRecover(vxlDriver *driver, virDomainObj *vm,
                         const vxlIntent *intent)
{
    int rc;

    return vxlDeleteFinish(driver, vm, intent, false, &rc);
}

/* A delete of @vm's snapshots that a failed write left unfinished:
 * finished before another starts. Job held. 1 when it was the delete
 * of @name with @flags (asked again: it is done now). */
static int
vxlDeleteFinishPending(vxlDriver *driver, virDomainObj *vm, const char *name,
                       unsigned int flags)
{
    vxlIntent intent = { 0 };
    int rc = 0;

    if (vxlIntentLoadOne(driver, vm->def->uuid, VXL_INTENT_SNAPSHOT_DELETE,
                         &intent) > 0) {
        if (!vxlDeleteFinish(driver, vm, &intent, true, &rc))
            vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_SNAPSHOT_DELETE);
        if (rc == 0 && STREQ_NULLABLE(intent.key, name) && intent.value == flags)
            rc = 1;
    }
    vxlIntentClear(&intent);
    return rc;
}

int
vxlSnapshotDelete(vxlDriver *driver, virDomainObj *vm, const char *name,
                  unsigned int flags)
{
    bool metadataOnly = !!(flags & VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY);
    g_autoptr(vxlDeletePlan) plan = NULL;
    virDomainMomentObj *snap;
    bool keep = false;
    int ret = -1;

    if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0)
        return -1;
    if ((ret = vxlDeleteFinishPending(driver, vm, name, flags)) != 0) {
        ret = ret > 0 ? 0 : -1;
        goto endjob;
    }
    ret = -1;
    if (!(snap = vxlSnapshotFind(driver, vm, name)) ||
        !(plan = vxlDeletePlanMake(driver, vm, snap, flags)) ||
        vxlDeleteIntentRecord(driver, vm, name, flags, plan) < 0)
        goto endjob;
    VXL_CRASH_POINT("snapshot.delete.after-intent");

    if (metadataOnly)
        vxlDeleteHandOver(driver, vm, plan);
    ret = vxlDeleteRun(driver, vm, plan, metadataOnly, &keep);
    if (!keep)
        vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_SNAPSHOT_DELETE);

 endjob:
    vxlDomainJobEnd(vm);
    return ret;
}
