/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_describe.c: changes to what describes a domain rather than what
 * it runs: its name (virsh domrename) and its metadata (virsh desc,
 * metadata: title, description, custom elements).
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "domain.h"
#include "domain_intent.h"
#include "domain_snapshot.h"
#include "util_crashpoint.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_describe");

/* What a metadata change may alter in a definition, kept to be put
 * back when the change cannot be written. */
typedef struct {
    virDomainDef *def;
    char *title;
    char *description;
    xmlNodePtr metadata;
} vxlMetadataKept;

static void
vxlMetadataKeep(vxlMetadataKept *kept, virDomainDef *def)
{
    kept->def = def;
    if (!def)
        return;
    kept->title = g_strdup(def->title);
    kept->description = g_strdup(def->description);
    kept->metadata = def->metadata ? xmlCopyNode(def->metadata, 1) : NULL;
}

/* Put @kept back into its definition (@restore) or forget it. */
static void
vxlMetadataKeptEnd(vxlMetadataKept *kept, bool restore)
{
    if (kept->def && restore) {
        g_free(kept->def->title);
        kept->def->title = g_steal_pointer(&kept->title);
        g_free(kept->def->description);
        kept->def->description = g_steal_pointer(&kept->description);
        xmlFreeNode(kept->def->metadata);
        kept->def->metadata = g_steal_pointer(&kept->metadata);
    }
    g_free(kept->title);
    g_free(kept->description);
    xmlFreeNode(kept->metadata);
}

int
vxlDomainMetadataChange(vxlDriver *driver, virDomainObj *vm, int type,
                        const char *metadata, const char *key,
                        const char *uri, unsigned int flags)
{
    virDomainDef *def = NULL;
    virDomainDef *persistentDef = NULL;
    vxlMetadataKept live = { 0 };
    vxlMetadataKept config = { 0 };
    virErrorPtr saved = NULL;

    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) < 0)
        return -1;
    vxlMetadataKeep(&live, def);
    vxlMetadataKeep(&config, persistentDef);
    /* libvirt's own: checks the XML and the flags, changes and saves
     * the live status and then the persistent config. It changes each
     * definition before writing it: a write that fails (a full or
     * read-only disk) would leave the change in memory, reported as
     * failed; it is taken back, and the status written again if it was
     * written already (the config write is the one that failed). */
    if (virDomainObjSetMetadata(vm, type, metadata, key, uri, driver->xmlopt,
                                driver->cfg->stateDir, driver->cfg->configDir,
                                flags) < 0) {
        virErrorPreserveLast(&saved);
        vxlMetadataKeptEnd(&live, true);
        vxlMetadataKeptEnd(&config, true);
        if (def && vxlDomainSaveStatus(driver, vm) < 0)
            VIR_WARN("cannot write the status of domain %s again: %s",
                     vm->def->name, virGetLastErrorMessage());
        virErrorRestore(&saved);
        return -1;
    }
    vxlMetadataKeptEnd(&live, false);
    vxlMetadataKeptEnd(&config, false);
    virObjectEventStateQueue(driver->domainEventState,
                             virDomainEventMetadataChangeNewFromObj(vm, type, uri));
    return 0;
}

/* Under the domain list's write lock: the definition takes the new name
 * and its config file follows; the old one (and its autostart link)
 * goes only once the new one is written. A RENAME intent, recorded
 * first, names both: a daemon killed in between finishes the rename at
 * its next start if the new config was written, else forgets it
 * (vxlDomainRenameRecover), so that one config has the UUID. */
static int
vxlDomainRenameCallback(virDomainObj *vm, const char *newName,
                        unsigned int flags G_GNUC_UNUSED, void *opaque)
{
    vxlDriver *driver = opaque;
    g_autofree char *oldName = g_strdup(vm->def->name);
    g_autofree char *oldConfig = virDomainConfigFile(driver->cfg->configDir, oldName);
    g_autofree char *oldLink = virDomainConfigFile(driver->cfg->autostartDir, oldName);
    g_autofree char *newConfig = virDomainConfigFile(driver->cfg->configDir, newName);
    g_autofree char *newLink = virDomainConfigFile(driver->cfg->autostartDir, newName);
    vxlIntent intent = { .op = VXL_INTENT_RENAME, .domid = -1,
                         .name = g_strdup(newName), .key = g_strdup(oldName),
                         .value = vm->autostart ? 1 : 0 };
    bool keepIntent = false;
    int ret = -1;

    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    if (vxlIntentRecord(driver, &intent) < 0)
        goto cleanup;
    VXL_CRASH_POINT("rename.after-intent");

    g_free(vm->def->name);
    vm->def->name = g_strdup(newName);
    /* Synced in the call, not by the batched flusher: the old file goes
     * right after, so the new one must be on the disk first. */
    if (virDomainDefSave(vm->def, driver->xmlopt, driver->cfg->configDir) < 0)
        goto error;
    if (vm->autostart && symlink(newConfig, newLink) < 0) {
        virReportSystemError(errno, _("failed to create symlink '%s' to '%s'"),
                             newLink, newConfig);
        unlink(newConfig);
        goto error;
    }
    VXL_CRASH_POINT("rename.after-new");
    /* A config or link that cannot go keeps the intent: the next start
     * removes it (the rename stands, the client is told so). */
    if (unlink(oldConfig) < 0 && errno != ENOENT) {
        VIR_WARN("cannot remove the old config %s: %s", oldConfig, g_strerror(errno));
        keepIntent = true;
    }
    if (vm->autostart && unlink(oldLink) < 0 && errno != ENOENT) {
        VIR_WARN("cannot remove the old autostart link %s: %s", oldLink,
                 g_strerror(errno));
        keepIntent = true;
    }
    VXL_CRASH_POINT("rename.after-remove");
    ret = 0;
    goto done;

 error:
    g_free(vm->def->name);
    vm->def->name = g_steal_pointer(&oldName);
 done:
    if (!keepIntent)
        vxlIntentDone(driver, intent.uuid, VXL_INTENT_RENAME);
 cleanup:
    vxlIntentClear(&intent);
    return ret;
}

void
vxlDomainRenameRecover(vxlDriver *driver, vxlIntent *intents, size_t nintents)
{
    vxlDriverConfig *cfg = driver->cfg;
    size_t i;

    for (i = 0; i < nintents; i++) {
        vxlIntent *intent = &intents[i];
        g_autofree char *oldConfig = NULL;
        g_autofree char *oldLink = NULL;
        g_autofree char *newConfig = NULL;
        g_autofree char *newLink = NULL;

        if (intent->op != VXL_INTENT_RENAME || !intent->key)
            continue;
        oldConfig = virDomainConfigFile(cfg->configDir, intent->key);
        oldLink = virDomainConfigFile(cfg->autostartDir, intent->key);
        newConfig = virDomainConfigFile(cfg->configDir, intent->name);
        newLink = virDomainConfigFile(cfg->autostartDir, intent->name);

        /* The new config is written whole or not at all (NAME.xml.new,
         * renamed; leftovers are gone by now). */
        if (virFileExists(newConfig)) {
            VIR_INFO("finishing the rename of domain %s to %s",
                     intent->key, intent->name);
            if (intent->value && !virFileExists(newLink) &&
                symlink(newConfig, newLink) < 0)
                VIR_WARN("cannot create the autostart link %s: %s", newLink,
                         g_strerror(errno));
            if (unlink(oldLink) < 0 && errno != ENOENT)
                VIR_WARN("cannot remove the old autostart link %s: %s", oldLink,
                         g_strerror(errno));
            if (unlink(oldConfig) < 0 && errno != ENOENT) {
                VIR_WARN("cannot remove the old config %s: %s", oldConfig,
                         g_strerror(errno));
                continue;       /* kept: the next start tries again */
            }
        } else {
            VIR_INFO("the rename of domain %s to %s did not happen",
                     intent->key, intent->name);
        }
        vxlIntentDone(driver, intent->uuid, VXL_INTENT_RENAME);
    }
}

int
vxlDomainRenameTo(vxlDriver *driver, virDomainObj *vm, const char *newName)
{
    virObjectEvent *undefined = NULL;

    if (!newName || !*newName || strchr(newName, '/')) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("'%s' is not a domain name: it must be non-empty and have no '/'"),
                       NULLSTR(newName));
        return -1;
    }
    if (virDomainObjIsActive(vm) || !vm->persistent ||
        virDomainObjGetState(vm, NULL) != VIR_DOMAIN_SHUTOFF) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot rename domain '%s': only a defined domain that is shut off can be renamed"),
                       vm->def->name);
        return -1;
    }
    if (vm->hasManagedSave) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot rename domain '%s': it has a managed save image"),
                       vm->def->name);
        return -1;
    }
    /* Snapshot metadata is filed under the domain's name. */
    if (virDomainSnapshotObjListNum(vxlSnapshotList(driver, vm), NULL, 0) > 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot rename domain '%s': it has snapshots"),
                       vm->def->name);
        return -1;
    }

    /* The undefine event names the old name: made now, sent on success. */
    undefined = virDomainEventLifecycleNewFromObj(vm, VIR_DOMAIN_EVENT_UNDEFINED,
                                                  VIR_DOMAIN_EVENT_UNDEFINED_RENAMED);
    if (virDomainObjListRename(driver->domains, vm, newName, 0,
                               vxlDomainRenameCallback, driver) < 0) {
        virObjectUnref(undefined);
        return -1;
    }
    virObjectEventStateQueue(driver->domainEventState, undefined);
    virObjectEventStateQueue(driver->domainEventState,
                             virDomainEventLifecycleNewFromObj(vm, VIR_DOMAIN_EVENT_DEFINED,
                                                               VIR_DOMAIN_EVENT_DEFINED_RENAMED));
    return 0;
}
