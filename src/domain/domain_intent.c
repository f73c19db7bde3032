/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_intent.c: intent records on disk (domain_intent.h says what
 * they are for).
 *
 * One JSON file per domain and operation, so that an operation nested in
 * another (the start of an on_reboot restart) has its own record.
 */
#include "vxl_internal.h"

#include "domain_intent.h"
#include "virerror.h"
#include "virfile.h"
#include "virjson.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_intent");

/* Far above any record: a start's holds one domain definition. */
#define VXL_INTENT_MAX_SIZE (16 * 1024 * 1024)

VIR_ENUM_IMPL(vxlIntentOp, VXL_INTENT_LAST,
              "start", "destroy", "lifecycle", "attach", "detach",
              "setmem", "setmaxmem", "setvcpus", "save", "restore",
              "snapshot", "snapshot-revert", "snapshot-delete",
              "setvcpu", "rename");

void
vxlIntentClear(vxlIntent *intent)
{
    g_clear_pointer(&intent->name, g_free);
    g_clear_pointer(&intent->xml, g_free);
    g_clear_pointer(&intent->key, g_free);
    g_clear_pointer(&intent->oldXml, g_free);
}

void
vxlIntentListFree(vxlIntent *intents, size_t nintents)
{
    size_t i;

    for (i = 0; i < nintents; i++)
        vxlIntentClear(&intents[i]);
    g_free(intents);
}

/* The records of operations on the configs (a rename) live beside
 * them, as hidden files: the state directory is under /run, and a host
 * that loses power between a rename's two file operations would lose
 * the record and keep two configs with one UUID. Neither libvirt's
 * loader nor ours (domain_load.c) reads a file whose name does not end
 * in ".xml". */
#define VXL_INTENT_CONFIG_PREFIX ".vxl-intent-"

static bool
vxlIntentInConfigDir(vxlIntentOp op)
{
    return op == VXL_INTENT_RENAME;
}

static char *
vxlIntentDir(vxlDriver *driver)
{
    return g_strdup_printf("%s/intent", driver->cfg->stateDir);
}

/* Where the record of @op of domain @uuid is (@legacy: where a daemon
 * before the config-directory records kept it). */
static char *
vxlIntentPathIn(vxlDriver *driver, const unsigned char *uuid, vxlIntentOp op,
                bool legacy)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    g_autofree char *dir = vxlIntentDir(driver);

    virUUIDFormat(uuid, uuidstr);
    if (vxlIntentInConfigDir(op) && !legacy)
        return g_strdup_printf("%s/" VXL_INTENT_CONFIG_PREFIX "%s-%s.json",
                               driver->cfg->configDir, uuidstr,
                               vxlIntentOpTypeToString(op));
    return g_strdup_printf("%s/%s-%s.json", dir, uuidstr,
                           vxlIntentOpTypeToString(op));
}

static char *
vxlIntentPath(vxlDriver *driver, const unsigned char *uuid, vxlIntentOp op)
{
    return vxlIntentPathIn(driver, uuid, op, false);
}

int
vxlIntentRecord(vxlDriver *driver, const vxlIntent *intent)
{
    g_autoptr(virJSONValue) obj = virJSONValueNewObject();
    g_autofree char *dir = vxlIntentInConfigDir(intent->op) ?
                           g_strdup(driver->cfg->configDir) :
                           vxlIntentDir(driver);
    g_autofree char *path = vxlIntentPath(driver, intent->uuid, intent->op);
    g_autofree char *text = NULL;
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (g_mkdir_with_parents(dir, 0700) < 0) {
        virReportSystemError(errno, _("cannot create directory '%s'"), dir);
        return -1;
    }
    if (virJSONValueObjectAdd(&obj,
                              "s:op", vxlIntentOpTypeToString(intent->op),
                              "s:uuid", virUUIDFormat(intent->uuid, uuidstr),
                              "s:name", intent->name,
                              "i:domid", intent->domid,
                              "b:paused", intent->paused,
                              "b:incoming", intent->incoming,
                              "b:restore", intent->restore,
                              "S:xml", intent->xml,
                              "i:action", intent->action,
                              "b:live", intent->live,
                              "b:config", intent->config,
                              "b:net", intent->net,
                              "S:key", intent->key,
                              "b:hostdev", intent->hostdev,
                              "b:managed", intent->managed,
                              "U:value", intent->value,
                              "S:oldxml", intent->oldXml,
                              NULL) < 0)
        return -1;
    if (!(text = virJSONValueToString(obj, false)))
        return -1;
    /* A new file, synced, renamed over the old one. */
    if (virFileRewriteStr(path, 0600, text) < 0)
        return -1;
    VIR_DEBUG("intent %s of domain %s recorded",
              vxlIntentOpTypeToString(intent->op), intent->name);
    return 0;
}

void
vxlIntentDone(vxlDriver *driver, const unsigned char *uuid, vxlIntentOp op)
{
    g_autofree char *path = vxlIntentPath(driver, uuid, op);

    if (unlink(path) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove intent record %s: %s", path, g_strerror(errno));
    if (vxlIntentInConfigDir(op)) {
        g_autofree char *legacy = vxlIntentPathIn(driver, uuid, op, true);

        if (unlink(legacy) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove intent record %s: %s", legacy,
                     g_strerror(errno));
    }
}

static int
vxlIntentParse(const char *path, vxlIntent *intent)
{
    g_autofree char *text = NULL;
    g_autoptr(virJSONValue) obj = NULL;
    const char *op;
    const char *uuid;
    const char *s;
    int i;

    if (virFileReadAll(path, VXL_INTENT_MAX_SIZE, &text) < 0 ||
        !(obj = virJSONValueFromString(text)))
        return -1;
    if (!(op = virJSONValueObjectGetString(obj, "op")) ||
        (intent->op = vxlIntentOpTypeFromString(op)) < 0 ||
        !(uuid = virJSONValueObjectGetString(obj, "uuid")) ||
        virUUIDParse(uuid, intent->uuid) < 0 ||
        !(s = virJSONValueObjectGetString(obj, "name")) ||
        virJSONValueObjectGetNumberInt(obj, "domid", &intent->domid) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("intent record '%s' is malformed"), path);
        return -1;
    }
    intent->name = g_strdup(s);
    ignore_value(virJSONValueObjectGetBoolean(obj, "paused", &intent->paused));
    ignore_value(virJSONValueObjectGetBoolean(obj, "incoming", &intent->incoming));
    ignore_value(virJSONValueObjectGetBoolean(obj, "restore", &intent->restore));
    intent->xml = g_strdup(virJSONValueObjectGetString(obj, "xml"));
    if (virJSONValueObjectGetNumberInt(obj, "action", &i) == 0)
        intent->action = i;
    ignore_value(virJSONValueObjectGetBoolean(obj, "live", &intent->live));
    ignore_value(virJSONValueObjectGetBoolean(obj, "config", &intent->config));
    ignore_value(virJSONValueObjectGetBoolean(obj, "net", &intent->net));
    intent->key = g_strdup(virJSONValueObjectGetString(obj, "key"));
    ignore_value(virJSONValueObjectGetBoolean(obj, "hostdev", &intent->hostdev));
    ignore_value(virJSONValueObjectGetBoolean(obj, "managed", &intent->managed));
    ignore_value(virJSONValueObjectGetNumberUlong(obj, "value", &intent->value));
    intent->oldXml = g_strdup(virJSONValueObjectGetString(obj, "oldxml"));
    return 0;
}

int
vxlIntentLoadOne(vxlDriver *driver, const unsigned char *uuid,
                 vxlIntentOp op, vxlIntent *intent)
{
    g_autofree char *path = vxlIntentPath(driver, uuid, op);

    if (!virFileExists(path))
        return 0;
    if (vxlIntentParse(path, intent) < 0) {
        VIR_WARN("dropping intent record %s: %s", path,
                 virGetLastErrorMessage());
        virResetLastError();
        vxlIntentClear(intent);
        unlink(path);
        return 0;
    }
    return 1;
}

/* The records in @dir whose names start with @prefix onto @list. */
static void
vxlIntentLoadDir(const char *dir, const char *prefix, GArray *list)
{
    g_autoptr(DIR) dh = NULL;
    struct dirent *ent;

    if (virDirOpenIfExists(&dh, dir) > 0) {
        while (virDirRead(dh, &ent, dir) > 0) {
            g_autofree char *path = NULL;
            vxlIntent intent = { 0 };

            if (!g_str_has_prefix(ent->d_name, prefix) ||
                !g_str_has_suffix(ent->d_name, ".json"))
                continue;
            path = g_strdup_printf("%s/%s", dir, ent->d_name);
            if (vxlIntentParse(path, &intent) < 0) {
                VIR_WARN("dropping intent record %s: %s", path,
                         virGetLastErrorMessage());
                virResetLastError();
                vxlIntentClear(&intent);
                unlink(path);
                continue;
            }
            g_array_append_val(list, intent);
        }
    }
    virResetLastError();
}

void
vxlIntentLoadAll(vxlDriver *driver, vxlIntent **intents, size_t *nintents)
{
    g_autofree char *dir = vxlIntentDir(driver);
    GArray *list = g_array_new(FALSE, TRUE, sizeof(vxlIntent));

    vxlIntentLoadDir(dir, "", list);
    vxlIntentLoadDir(driver->cfg->configDir, VXL_INTENT_CONFIG_PREFIX, list);
    *nintents = list->len;
    *intents = (vxlIntent *)g_array_free(list, FALSE);
}

void
vxlIntentRemoveStaleTemps(const char *dir)
{
    g_autoptr(DIR) dh = NULL;
    struct dirent *ent;

    if (virDirOpenIfExists(&dh, dir) <= 0) {
        virResetLastError();
        return;
    }
    while (virDirRead(dh, &ent, dir) > 0) {
        g_autofree char *path = NULL;

        if (!g_str_has_suffix(ent->d_name, ".new"))
            continue;
        path = g_strdup_printf("%s/%s", dir, ent->d_name);
        VIR_INFO("removing %s, left by an interrupted write", path);
        if (unlink(path) < 0)
            VIR_WARN("cannot remove %s: %s", path, g_strerror(errno));
    }
    virResetLastError();
}

int
vxlIntentRecordDevice(vxlDriver *driver, virDomainObj *vm, vxlIntentOp op,
                      bool net, const char *key, bool config)
{
    vxlIntent intent = {
        .op = op,
        .name = vm->def->name,
        .domid = vm->def->id,
        .live = true,
        .config = config,
        .net = net,
        .key = (char *)key,
    };

    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    return vxlIntentRecord(driver, &intent);
}

int
vxlIntentRecordHostdev(vxlDriver *driver, virDomainObj *vm, vxlIntentOp op,
                       const char *addr, bool managed, bool config)
{
    vxlIntent intent = {
        .op = op,
        .name = vm->def->name,
        .domid = vm->def->id,
        .live = true,
        .config = config,
        .key = (char *)addr,
        .hostdev = true,
        .managed = managed,
    };

    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    return vxlIntentRecord(driver, &intent);
}

int
vxlIntentRecordResource(vxlDriver *driver, virDomainObj *vm, vxlIntentOp op,
                        bool live, bool config, unsigned long long value)
{
    vxlIntent intent = {
        .op = op,
        .name = vm->def->name,
        .domid = vm->def->id,
        .live = live,
        .config = config,
        .value = value,
    };

    memcpy(intent.uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    return vxlIntentRecord(driver, &intent);
}
