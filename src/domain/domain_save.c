/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_save.c: save, restore and managed save of domains, as
 * asynchronous jobs (domain_job.h) over the backend's domainSave and
 * domainRestore and the project's save image (domain_save_image.c).
 *
 * The rule throughout: a failure leaves everything as it was. A failed or
 * aborted save leaves the guest running (or paused) as before and no
 * image; a failed restore leaves no domain and the image untouched.
 *
 * A daemon killed in the middle leaves the same: a save records its
 * intent (domain_intent.h) before Xen is touched, and the next start
 * either completes it (the image is in place: the domain goes) or takes
 * it back (no image: the guest carries on from its suspend); a restore
 * from a managed save image records one too, so the image goes once the
 * domain runs from it and stays if it does not (domain_recover.c).
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "domain.h"
#include "domain_intent.h"
#include "domain_job.h"
#include "domain_save.h"
#include "virtxl/backend.h"
#include "util_crashpoint.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_save");

char *
vxlDomainManagedSavePath(vxlDriver *driver, virDomainObj *vm)
{
    return g_strdup_printf("%s/%s.save", driver->cfg->saveDir, vm->def->name);
}

bool
vxlDomainHasManagedSave(vxlDriver *driver, virDomainObj *vm)
{
    g_autofree char *path = NULL;

    /* A running domain's image on disk is of a save still under way (it
     * is renamed into place before the guest is destroyed): it counts
     * only once the save has finished and set the flag. */
    if (virDomainObjIsActive(vm))
        return vm->hasManagedSave;
    path = vxlDomainManagedSavePath(driver, vm);
    vm->hasManagedSave = virFileExists(path);
    return vm->hasManagedSave;
}

/* @opaque: the names of the domains with an image (NAME.save). */
static int
vxlDomainManagedSaveScanOne(virDomainObj *vm, void *opaque)
{
    GHashTable *saved = opaque;

    VIR_WITH_OBJECT_LOCK_GUARD(vm) {
        vm->hasManagedSave = g_hash_table_contains(saved, vm->def->name);
        /* A shut-off domain with an image was saved, whichever daemon
         * saved it. */
        if (vm->persistent && vm->hasManagedSave && !virDomainObjIsActive(vm))
            virDomainObjSetState(vm, VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SAVED);
    }
    return 0;
}

/* One pass over the save directory, not a look for each domain's image
 * (thousands of failed lookups at daemon start). */
void
vxlDomainManagedSaveScan(vxlDriver *driver)
{
    g_autoptr(GHashTable) saved = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                        g_free, NULL);
    g_autoptr(DIR) dir = NULL;
    struct dirent *ent;

    if (virDirOpenQuiet(&dir, driver->cfg->saveDir) > 0) {
        while (virDirRead(dir, &ent, NULL) > 0) {
            g_autofree char *path = NULL;

            if (g_str_has_suffix(ent->d_name, ".save")) {
                g_hash_table_add(saved, g_strndup(ent->d_name,
                                                  strlen(ent->d_name) - strlen(".save")));
                continue;
            }
            /* A daemon killed in the middle of a managed save leaves the
             * image under its temporary name: it never completed, so it
             * goes. */
            if (!g_str_has_suffix(ent->d_name, ".vxl-partial"))
                continue;
            path = g_strdup_printf("%s/%s", driver->cfg->saveDir, ent->d_name);
            VIR_INFO("removing the incomplete save image %s", path);
            if (unlink(path) < 0)
                VIR_WARN("cannot remove %s: %s", path, g_strerror(errno));
        }
    }
    virDomainObjListForEach(driver->domains, false,
                            vxlDomainManagedSaveScanOne, saved);
}

int
vxlDomainManagedSaveDiscard(vxlDriver *driver, virDomainObj *vm)
{
    g_autofree char *path = vxlDomainManagedSavePath(driver, vm);

    if (unlink(path) < 0 && errno != ENOENT) {
        virReportSystemError(errno,
                             _("cannot remove the managed save image of domain '%s'"),
                             vm->def->name);
        return -1;
    }
    vm->hasManagedSave = false;
    return 0;
}

/* ---------- save ---------- */

static int
vxlDomainSaveIntent(vxlDriver *driver, virDomainObj *vm, const char *path,
                    bool managed, bool wasPaused)
{
    vxlIntent intent = {
        .op = VXL_INTENT_SAVE,
        .name = vm->def->name,
        .domid = vm->def->id,
        .paused = wasPaused,
        .config = managed,
        .key = (char *)path,
    };

    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    return vxlIntentRecord(driver, &intent);
}

int
vxlDomainSaveCancelSuspend(vxlDriver *driver, virDomainObj *vm, bool paused)
{
    virErrorPtr saved;
    int rc;

    virErrorPreserveLast(&saved);
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainMigrateResume(driver->backend, vm->def->id, paused);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        VIR_WARN("domain %s cannot carry on from its suspend: %s",
                 vm->def->name, virGetLastErrorMessage());
    virErrorRestore(&saved);
    return rc;
}

int
vxlDomainSaveToImage(vxlDriver *driver, virDomainObj *vm, const char *path,
                     const char *dxml, unsigned int flags)
{
    g_autoptr(virDomainDef) newdef = NULL;
    g_autofree char *managedPath = NULL;
    g_autofree char *tmp = NULL;
    bool managed = !path;
    bool wasRunning = false;
    bool suspended = false;
    bool intent = false;
    unsigned int imgFlags = 0;
    virDomainState state;
    uint32_t domid;
    int fd = -1;
    int ret = -1;
    int rc;

    if (vxlDomainAsyncJobBegin(driver, vm, VXL_JOB_SAVE, flags) < 0)
        return -1;
    if (virDomainObjCheckActive(vm) < 0)
        goto endjob;
    if (managed && !vm->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot do a managed save of transient domain '%s'"),
                       vm->def->name);
        goto endjob;
    }
    state = virDomainObjGetState(vm, NULL);
    if (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_PAUSED) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot save domain '%s': it is neither running nor paused"),
                       vm->def->name);
        goto endjob;
    }
    if (dxml) {
        if (!(newdef = virDomainDefParseString(dxml, driver->xmlopt, NULL,
                                               VIR_DOMAIN_DEF_PARSE_INACTIVE)) ||
            vxlSaveImageCheckDef(vm->def, newdef) < 0)
            goto endjob;
    }
    if (managed)
        path = managedPath = vxlDomainManagedSavePath(driver, vm);

    wasRunning = state == VIR_DOMAIN_RUNNING;
    if (flags & VIR_DOMAIN_SAVE_RUNNING)
        imgFlags |= VXL_SAVE_IMAGE_RUNNING;
    else if (!(flags & VIR_DOMAIN_SAVE_PAUSED) && wasRunning)
        imgFlags |= VXL_SAVE_IMAGE_RUNNING;

    if ((fd = vxlSaveImageCreate(driver, path, newdef ? newdef : vm->def,
                                 imgFlags, &tmp)) < 0)
        goto endjob;
    if (vxlDomainSaveIntent(driver, vm, path, managed, !wasRunning) < 0) {
        vxlSaveImageDiscard(fd, tmp);
        goto endjob;
    }
    intent = true;
    VXL_CRASH_POINT("save.after-intent");

    /* The guest stands still while its state is written (a non-live
     * save, as xl save does). */
    if (wasRunning) {
        virDomainObjSetState(vm, VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_SAVE);
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_SUSPENDED,
                                VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
        suspended = true;
    }
    vxlDomainAsyncJobNoteStopped(vm);
    /* The total is known before the backend says so. */
    vxlJobTokenSetProgress(vxlDomainAsyncJobToken(vm), 0,
                           vm->def->mem.cur_balloon * 1024);
    domid = vm->def->id;
    VIR_INFO("saving domain %s (id %u) to %s", vm->def->name, domid, path);

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainSave(driver->backend, domid, fd,
                              vxlDomainAsyncJobToken(vm));
    VXL_CRASH_POINT("save.backend-returned");
    vxlDomainBackendExit(vm);
    if (rc < 0) {
        vxlSaveImageDiscard(fd, tmp);
        goto resume;
    }
    /* Destroyed while its state was written: the destroy wins, and no
     * image of a guest that is gone is left (it may have missed the
     * guest's last moments). */
    if (!virDomainObjIsActive(vm) || vm->def->id != (int)domid) {
        vxlSaveImageDiscard(fd, tmp);
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' was destroyed while it was being saved"),
                       vm->def->name);
        goto endjob;
    }
    VXL_CRASH_POINT("save.after-backend");

    /* The guest is suspended now. An image that cannot be completed
     * (a full or read-only disk) calls the save off: the guest carries
     * on from its suspend. Only if it cannot is its state kept in the
     * temporary file, named in the error. */
    rc = vxlSaveImageFinish(fd, tmp, path,
                            !!(flags & VIR_DOMAIN_SAVE_BYPASS_CACHE), true);
    if (rc < 0 && vxlDomainSaveCancelSuspend(driver, vm, !wasRunning) == 0) {
        if (unlink(tmp) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove the partial save image %s: %s",
                     tmp, g_strerror(errno));
        goto resume;
    }
    if (rc < 0 && !virDomainObjIsActive(vm)) {
        /* Destroyed meanwhile: its state is not kept for it. */
        if (unlink(tmp) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove the partial save image %s: %s",
                     tmp, g_strerror(errno));
    }
    VXL_CRASH_POINT("save.after-image");
    if (virDomainObjIsActive(vm)) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_SAVED) < 0) {
            virErrorRestore(&saved);
            /* Xen still has the guest: the save did not happen. It
             * carries on from its suspend, and the image of a guest that
             * runs on goes (a managed one would be restored, stale, at
             * the next start); it stays only when the guest cannot carry
             * on, as all that is left of its state. */
            if (rc == 0 && virDomainObjIsActive(vm) &&
                vxlDomainSaveCancelSuspend(driver, vm, !wasRunning) == 0) {
                if (unlink(path) < 0 && errno != ENOENT)
                    VIR_WARN("cannot remove the save image %s: %s",
                             path, g_strerror(errno));
                goto resume;
            }
            goto endjob;
        }
        virErrorRestore(&saved);
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                                VIR_DOMAIN_EVENT_STOPPED_SAVED);
    }
    VXL_CRASH_POINT("save.after-destroy");
    suspended = false;
    if (rc < 0)
        goto endjob;
    if (managed)
        vm->hasManagedSave = true;
    VIR_INFO("saved domain %s to %s", vm->def->name, path);
    ret = 0;

 resume:
    if (suspended && virDomainObjIsActive(vm)) {
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING,
                             VIR_DOMAIN_RUNNING_SAVE_CANCELED);
        vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_RESUMED,
                                VIR_DOMAIN_EVENT_RESUMED_UNPAUSED);
        ignore_value(vxlDomainSaveStatus(driver, vm));
    }
 endjob:
    if (intent)
        vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_SAVE);
    vxlDomainAsyncJobEnd(driver, vm, ret);
    return ret;
}

/* ---------- restore ---------- */

/* Whether a restored guest stays paused: as asked, else as it was when
 * saved (or as the image was told since). */
static bool
vxlDomainRestorePaused(unsigned int imgFlags, bool paused, bool running)
{
    if (paused)
        return true;
    if (running)
        return false;
    return !(imgFlags & VXL_SAVE_IMAGE_RUNNING);
}

/* Start @vm (async job RESTORE held, inactive, its live def the image's)
 * from @img's stream. */
static int
vxlDomainRestoreStart(vxlDriver *driver, virDomainObj *vm, vxlSaveImage *img,
                      bool paused)
{
    if (lseek(img->fd, img->streamOffset, SEEK_SET) < 0) {
        virReportSystemError(errno, _("cannot read save image '%s'"), img->path);
        return -1;
    }
    VIR_INFO("restoring domain %s from %s", vm->def->name, img->path);
    vxlJobTokenSetProgress(vxlDomainAsyncJobToken(vm), 0,
                           vm->def->mem.cur_balloon * 1024);
    return vxlDomainStartFrom(driver, vm, paused, VIR_DOMAIN_RUNNING_RESTORED,
                              img->fd, vxlDomainAsyncJobToken(vm));
}

virDomainObj *
vxlDomainRestoreFromImage(vxlDriver *driver, vxlSaveImage *img,
                          unsigned int flags)
{
    g_autoptr(virDomainDef) def = g_steal_pointer(&img->def);
    virDomainObj *vm;
    int rc = -1;

    if (!(vm = vxlDomainListAdd(driver, &def,
                                VIR_DOMAIN_OBJ_LIST_ADD_LIVE |
                                VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE, NULL)))
        return NULL;

    if (vxlDomainAsyncJobBegin(driver, vm, VXL_JOB_RESTORE, flags) == 0) {
        if (virDomainObjIsActive(vm)) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("domain '%s' is already running"), vm->def->name);
        } else {
            bool paused = vxlDomainRestorePaused(img->flags,
                                                 !!(flags & VIR_DOMAIN_SAVE_PAUSED),
                                                 !!(flags & VIR_DOMAIN_SAVE_RUNNING));

            rc = vxlDomainRestoreStart(driver, vm, img, paused);
        }
        vxlDomainAsyncJobEnd(driver, vm, rc);
    }
    if (rc < 0) {
        if (!vm->persistent && !virDomainObjIsActive(vm))
            virDomainObjListRemove(driver->domains, vm);
        else if (!virDomainObjIsActive(vm))
            virDomainObjRemoveTransientDef(vm);
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    return vm;
}

/* ---------- start, from the managed save image when there is one ---------- */

static int
vxlDomainBoot(vxlDriver *driver, virDomainObj *vm, unsigned int flags)
{
    int ret = -1;

    if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0)
        return -1;
    /* A managed save that ran while this start waited for its job left
     * an image: the guest carries on from it rather than boot afresh. */
    if (!(flags & VIR_DOMAIN_START_FORCE_BOOT) && vm->persistent &&
        !virDomainObjIsActive(vm) && vxlDomainHasManagedSave(driver, vm)) {
        vxlDomainJobEnd(vm);
        return vxlDomainStartOrRestore(driver, vm, flags);
    }
    if ((flags & VIR_DOMAIN_START_FORCE_BOOT) &&
        vxlDomainManagedSaveDiscard(driver, vm) < 0)
        goto endjob;
    vxlDomainPrivGet(vm)->quickRestarts = 0;
    ret = vxlDomainStart(driver, vm, !!(flags & VIR_DOMAIN_START_PAUSED),
                         VIR_DOMAIN_RUNNING_BOOTED);
 endjob:
    vxlDomainJobEnd(vm);
    return ret;
}

int
vxlDomainStartOrRestore(vxlDriver *driver, virDomainObj *vm,
                        unsigned int flags)
{
    g_auto(vxlSaveImage) img = { .fd = -1 };
    g_autofree char *path = NULL;
    vxlIntent intent = { 0 };
    int ret = -1;

    if (!vm->persistent || !vxlDomainHasManagedSave(driver, vm) ||
        (flags & VIR_DOMAIN_START_FORCE_BOOT))
        return vxlDomainBoot(driver, vm, flags);

    if (vxlDomainAsyncJobBegin(driver, vm, VXL_JOB_RESTORE, flags) < 0)
        return -1;
    if (virDomainObjIsActive(vm)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' is already running"), vm->def->name);
        goto endjob;
    }
    path = vxlDomainManagedSavePath(driver, vm);
    if (vxlSaveImageOpen(driver, path, &img) < 0 ||
        vxlSaveImageCheckDef(vm->def, img.def) < 0)
        goto endjob;

    /* Should the daemon die before the image is removed, the next start
     * removes it if the domain runs from it, and keeps it if not. */
    intent.op = VXL_INTENT_RESTORE;
    intent.name = vm->def->name;
    intent.domid = -1;
    intent.key = path;
    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    if (vxlIntentRecord(driver, &intent) < 0)
        goto endjob;

    /* The image's definition is the one the guest ran with; the
     * persistent one comes back when it stops (or if this fails). */
    virDomainObjAssignDef(vm, &img.def, true, NULL);
    vxlDomainPrivGet(vm)->quickRestarts = 0;
    if (vxlDomainRestoreStart(driver, vm, &img,
                              vxlDomainRestorePaused(img.flags,
                                                     !!(flags & VIR_DOMAIN_START_PAUSED),
                                                     false)) < 0) {
        virDomainObjRemoveTransientDef(vm);
        vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_RESTORE);
        goto endjob;
    }
    VXL_CRASH_POINT("restore.after-start");
    /* Restored: the image is spent, as libvirt's drivers have it. */
    if (unlink(path) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove the managed save image %s: %s",
                 path, g_strerror(errno));
    vm->hasManagedSave = false;
    VXL_CRASH_POINT("restore.after-remove");
    vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_RESTORE);
    ret = 0;

 endjob:
    vxlDomainAsyncJobEnd(driver, vm, ret);
    return ret;
}
