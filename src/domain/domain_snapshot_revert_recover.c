/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_snapshot_revert_recover.c: a snapshot revert that a killed
 * daemon left half-done, rolled back or finished at the next start from
 * the SNAPSHOT_REVERT intent (domain_intent.h) it recorded first.
 *
 * A revert goes: intent (the definition it leads to), fresh overlays
 * under temporary names (NAME.vxl-revert), the running guest destroyed,
 * the overlays renamed into place, the definition switched, the
 * snapshot made current, the domain started (from the memory image, or
 * booted) when asked.
 *
 * The line is the destroy. Before it, the guest runs on untouched: the
 * temporary overlays go and nothing else changed. After it, the state
 * the revert was to throw away is gone already: the revert is run again
 * from the start on the shut-off domain (overlays a cut-short run put in
 * place that nothing uses are removed first, so names do not drift), and
 * the domain ends up as the revert would have left it.
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "domain.h"
#include "domain_intent.h"
#include "domain_snapshot.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_snapshot_revert_recover");

typedef struct {
    const char *path;
    bool used;
} vxlRevertPathUse;

static int
vxlRevertPathUseIter(void *payload, const char *name G_GNUC_UNUSED,
                     void *opaque)
{
    virDomainMomentObj *snap = payload;
    virDomainSnapshotDef *def = virDomainSnapshotObjGetDef(snap);
    vxlRevertPathUse *use = opaque;
    virDomainDef *defs[] = { def->parent.dom, def->parent.inactiveDom };
    size_t i;
    size_t j;

    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i].src &&
            STREQ_NULLABLE(def->disks[i].src->path, use->path))
            use->used = true;
    }
    for (i = 0; i < G_N_ELEMENTS(defs); i++) {
        for (j = 0; defs[i] && j < defs[i]->ndisks; j++) {
            if (STREQ_NULLABLE(virDomainDiskGetSource(defs[i]->disks[j]),
                               use->path))
                use->used = true;
        }
    }
    return 0;
}

/* Whether @path is a disk of @vm's definitions or of any snapshot
 * (its state or its overlay). */
static bool
vxlRevertPathKnown(vxlDriver *driver, virDomainObj *vm, const char *path)
{
    vxlRevertPathUse use = { .path = path, .used = false };
    virDomainDef *defs[] = { vm->def, vm->newDef };
    size_t i;
    size_t j;

    for (i = 0; i < G_N_ELEMENTS(defs); i++) {
        for (j = 0; defs[i] && j < defs[i]->ndisks; j++) {
            if (STREQ_NULLABLE(virDomainDiskGetSource(defs[i]->disks[j]), path))
                return true;
        }
    }
    virDomainSnapshotForEach(vxlSnapshotList(driver, vm), vxlRevertPathUseIter,
                             &use);
    return use.used;
}

void
vxlSnapshotRevertRecover(vxlDriver *driver, virDomainObj *vm,
                         const vxlIntent *intent)
{
    g_autoptr(virDomainDef) newdef = NULL;
    virDomainMomentObj *snap;
    size_t i;

    if (!intent->xml || !intent->key ||
        !(newdef = virDomainDefParseString(intent->xml, driver->xmlopt, NULL,
                                           VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                           VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE))) {
        VIR_WARN("the snapshot revert intent of domain %s is unreadable: %s",
                 intent->name, virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    /* Overlays never renamed into place never were (nor the ones a
     * kill caught while qemu-img wrote them, under a second suffix). */
    for (i = 0; i < newdef->ndisks; i++) {
        const char *path = virDomainDiskGetSource(newdef->disks[i]);
        g_autofree char *tmp = path ? g_strdup_printf("%s.vxl-revert", path) : NULL;
        g_autofree char *partial = path ?
            g_strdup_printf("%s.vxl-revert.vxl-partial", path) : NULL;

        if (tmp && unlink(tmp) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove %s: %s", tmp, g_strerror(errno));
        if (partial && unlink(partial) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove %s: %s", partial, g_strerror(errno));
    }
    /* Overlays of the definition the revert left, once the definition
     * no longer names them (the switch came before the kill): they go
     * now, as the interrupted run would have removed them; one the
     * definition still names is skipped (the switch did not happen). */
    if (intent->oldXml) {
        g_autoptr(virDomainDef) olddef =
            virDomainDefParseString(intent->oldXml, driver->xmlopt, NULL,
                                    VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                    VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE);

        if (olddef) {
            ignore_value(vxlSnapshotList(driver, vm));
            vxlSnapshotRevertDropOld(vm, olddef);
            vxlSnapshotOverlaysCollect(driver, vm);
        } else {
            VIR_WARN("the definition before the revert of domain %s is unreadable: %s",
                     intent->name, virGetLastErrorMessage());
            virResetLastError();
        }
    }
    if (virDomainObjIsActive(vm)) {
        /* The same guest: never destroyed, rolled back. Another: the
         * revert started it before the daemon died, finished. */
        VIR_INFO("the revert of domain %s to snapshot %s %s", vm->def->name,
                 intent->key, vm->def->id == intent->domid ?
                 "is rolled back: its guest was not touched" :
                 "had finished");
        return;
    }

    if (!(snap = virDomainSnapshotFindByName(vxlSnapshotList(driver, vm),
                                             intent->key))) {
        VIR_WARN("cannot finish the revert of domain %s: its snapshot %s is gone",
                 vm->def->name, intent->key);
        return;
    }
    /* Overlays a cut-short run renamed into place that neither the
     * definition nor any snapshot uses: the run below makes its own. */
    for (i = 0; i < newdef->ndisks; i++) {
        const char *path = virDomainDiskGetSource(newdef->disks[i]);

        if (path && virFileExists(path) && !vxlRevertPathKnown(driver, vm, path)) {
            VIR_INFO("removing the unused overlay %s of an interrupted revert",
                     path);
            if (unlink(path) < 0)
                VIR_WARN("cannot remove %s: %s", path, g_strerror(errno));
        }
    }
    VIR_INFO("finishing the revert of domain %s to snapshot %s",
             vm->def->name, intent->key);
    if (vxlSnapshotRevertRun(driver, vm, snap, intent->value) < 0) {
        VIR_WARN("cannot finish the revert of domain %s to snapshot %s: %s",
                 vm->def->name, intent->key, virGetLastErrorMessage());
        virResetLastError();
    }
}
