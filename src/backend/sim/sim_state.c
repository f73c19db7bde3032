/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_state.c: the model survives a daemon restart, as Xen's domains do.
 *
 * Each domain has its own file, <stateDir>/sim/domain-<domid>.json,
 * written when a hook changes that domain (and when a guest acts by
 * itself) and removed when it is destroyed; <stateDir>/sim/host.json holds
 * the id counters. A change thus costs one small write, whatever the
 * number of other domains. Every write goes to a temporary file that is
 * synced and renamed over the old one (virFileRewriteStr), so a crash at
 * any moment leaves each file whole, old or new. The records are taken
 * under the model lock and written outside it, under a lock per file
 * (striped by domid), newest record wins: a slow disk never stalls the
 * model, writes of different domains go on in parallel, and an older
 * record never overwrites a newer one.
 *
 * The id counters: a domain's file carries its domid and life, which are
 * the counters as of its creation, so only a destroy can lose them; a
 * destroy writes host.json when the destroyed domain is newer than what
 * host.json has. On load the newest of host.json and the domain files
 * wins.
 *
 * Earlier versions wrote the whole model into <stateDir>/sim-state.json
 * on every change. Such a file is read once, written out as per-domain
 * files and removed; if that is interrupted it is simply done again.
 *
 * Time across a restart: each running domain's clock is stored with the
 * wall-clock time it was last accounted at. A running guest keeps running
 * while the daemon is down (Xen does not stop it), so on load the downtime
 * is counted as running time: CPU time grows by it and script deadlines
 * that passed meanwhile fire at once, with their events. Deadlines are
 * stored as they are kept, points on the domain's running-time axis
 * (script.*AfterMs and request.atRunUs against runUs); the remaining time
 * is their difference.
 *
 * Domains still being built are not saved: their create call dies with
 * the daemon, and the driver never learnt their domid.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "viralloc.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virmacaddr.h"
#include "viruuid.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_state");

/* Format 1: the whole-host sim-state.json; 2: host.json + domain files. */
#define VXL_SIM_STATE_FORMAT_LEGACY 1
#define VXL_SIM_STATE_FORMAT 2
#define VXL_SIM_STATE_MAX_SIZE (256 * 1024 * 1024)
#define VXL_SIM_HOST_FILE "host.json"
#define VXL_SIM_DOMAIN_PREFIX "domain-"
#define VXL_SIM_DOMAIN_SUFFIX ".json"

void
vxlSimSnapshotClear(vxlSimSnapshot *snap)
{
    size_t i;

    if (!snap->records)
        return;
    for (i = 0; i < snap->records->len; i++)
        g_free(g_array_index(snap->records, vxlSimRecord, i).json);
    g_clear_pointer(&snap->records, g_array_unref);
}

static void
vxlSimSnapshotAdd(vxlSim *sim, vxlSimSnapshot *snap, uint32_t domid,
                  char *json)
{
    vxlSimRecord rec = { .domid = domid, .seq = ++sim->saveSeq, .json = json };

    if (!snap->records)
        snap->records = g_array_new(FALSE, FALSE, sizeof(vxlSimRecord));
    g_array_append_val(snap->records, rec);
}

static char *
vxlSimDomainFilePath(vxlSim *sim, uint32_t domid)
{
    return g_strdup_printf("%s/" VXL_SIM_DOMAIN_PREFIX "%u" VXL_SIM_DOMAIN_SUFFIX,
                           sim->statePath, domid);
}

/* ----- saving ---------------------------------------------------------- */

static virJSONValue *
vxlSimScriptFormat(const vxlGuestScript *s)
{
    virJSONValue *obj = virJSONValueNewObject();

    virJSONValueObjectAppendNumberUint(obj, "bootDelayMs", s->bootDelayMs);
    virJSONValueObjectAppendNumberUint(obj, "shutdownDelayMs", s->shutdownDelayMs);
    virJSONValueObjectAppendString(obj, "onShutdownRequest",
                                   vxlSimShutdownPolicyTypeToString(s->onShutdownRequest));
    virJSONValueObjectAppendNumberUint(obj, "crashAfterMs", s->crashAfterMs);
    virJSONValueObjectAppendNumberUint(obj, "rebootAfterMs", s->rebootAfterMs);
    virJSONValueObjectAppendNumberUint(obj, "poweroffAfterMs", s->poweroffAfterMs);
    virJSONValueObjectAppendNumberUint(obj, "watchdogAfterMs", s->watchdogAfterMs);
    virJSONValueObjectAppendNumberUint(obj, "softResetAfterMs", s->softResetAfterMs);
    virJSONValueObjectAppendNumberUint(obj, "diskRateKiBs", s->diskRateKiBs);
    virJSONValueObjectAppendNumberUint(obj, "netRateKiBs", s->netRateKiBs);
    virJSONValueObjectAppendNumberUint(obj, "memUsedMiB", s->memUsedMiB);
    virJSONValueObjectAppendNumberUint(obj, "dirtyMiBps", s->dirtyMiBps);
    if (s->crashOnNmi)
        virJSONValueObjectAppendBoolean(obj, "crashOnNmi", true);
    if (s->addresses[0])
        virJSONValueObjectAppendString(obj, "addresses", s->addresses);
    if (s->agent != VXL_GUEST_AGENT_NONE)
        virJSONValueObjectAppendNumberInt(obj, "agent", s->agent);
    return obj;
}

static virJSONValue *
vxlSimDisksFormat(const vxlSimDomain *dom)
{
    virJSONValue *list = virJSONValueNewArray();
    size_t i;

    for (i = 0; i < dom->ndisks; i++) {
        g_autoptr(virJSONValue) disk = virJSONValueNewObject();

        virJSONValueObjectAppendString(disk, "vdev", dom->disks[i].vdev);
        if (dom->disks[i].path)
            virJSONValueObjectAppendString(disk, "path", dom->disks[i].path);
        virJSONValueObjectAppendBoolean(disk, "cdrom", dom->disks[i].cdrom);
        virJSONValueArrayAppend(list, &disk);
    }
    return list;
}

static virJSONValue *
vxlSimNicsFormat(const vxlSimDomain *dom)
{
    virJSONValue *list = virJSONValueNewArray();
    size_t i;

    for (i = 0; i < dom->nnics; i++) {
        g_autoptr(virJSONValue) nic = virJSONValueNewObject();

        virJSONValueObjectAppendNumberInt(nic, "devid", dom->nics[i].devid);
        virJSONValueObjectAppendString(nic, "mac", dom->nics[i].mac);
        virJSONValueArrayAppend(list, &nic);
    }
    return list;
}

static virJSONValue *
vxlSimDomainFormat(const vxlSimDomain *dom, long long nowMono, long long nowReal)
{
    virJSONValue *obj = virJSONValueNewObject();
    g_autoptr(virJSONValue) script = NULL;
    g_autoptr(virJSONValue) disks = NULL;
    g_autoptr(virJSONValue) nics = NULL;
    char uuid[VIR_UUID_STRING_BUFLEN];

    virJSONValueObjectAppendNumberUint(obj, "format", VXL_SIM_STATE_FORMAT);
    virJSONValueObjectAppendNumberUint(obj, "domid", dom->domid);
    virJSONValueObjectAppendNumberUlong(obj, "life", dom->life);
    virJSONValueObjectAppendString(obj, "name", dom->name);
    virJSONValueObjectAppendString(obj, "uuid", virUUIDFormat(dom->uuid, uuid));
    virJSONValueObjectAppendString(obj, "type", libxl_domain_type_to_string(dom->type));
    virJSONValueObjectAppendString(obj, "state", vxlSimStateTypeToString(dom->state));
    if (dom->state == VXL_DOMSTATE_SHUTDOWN || dom->state == VXL_DOMSTATE_CRASHED)
        virJSONValueObjectAppendString(obj, "reason",
                                       vxlSimReasonTypeToString(dom->reason));
    virJSONValueObjectAppendNumberUlong(obj, "maxKiB", dom->maxKiB);
    virJSONValueObjectAppendNumberUlong(obj, "targetKiB", dom->targetKiB);
    virJSONValueObjectAppendNumberUlong(obj, "videoKiB", dom->videoKiB);
    virJSONValueObjectAppendNumberUlong(obj, "shadowKiB", dom->shadowKiB);
    virJSONValueObjectAppendNumberUint(obj, "vcpusMax", dom->vcpusMax);
    virJSONValueObjectAppendNumberUint(obj, "vcpusOnline", dom->vcpusOnline);
    if (dom->vcpuMap) {
        g_autofree char *map = vxlSimVcpusFormat(dom);

        virJSONValueObjectAppendString(obj, "vcpuMap", map);
    }
    disks = vxlSimDisksFormat(dom);
    virJSONValueObjectAppend(obj, "disks", &disks);
    nics = vxlSimNicsFormat(dom);
    virJSONValueObjectAppend(obj, "nics", &nics);
    virJSONValueObjectAppendNumberUlong(obj, "runUs", dom->runUs);
    virJSONValueObjectAppendNumberUlong(obj, "cpuTimeNs", dom->cpuTimeNs);
    virJSONValueObjectAppendNumberLong(obj, "accountedAtRealUs",
                                       nowReal - (nowMono - dom->accountedAt));
    script = vxlSimScriptFormat(&dom->script);
    virJSONValueObjectAppend(obj, "script", &script);
    if (dom->request != VXL_SIM_REQUEST_NONE) {
        g_autoptr(virJSONValue) req = virJSONValueNewObject();

        virJSONValueObjectAppendString(req, "kind",
                                       vxlSimRequestTypeToString(dom->request));
        virJSONValueObjectAppendBoolean(req, "acts", dom->requestActs);
        virJSONValueObjectAppendString(req, "reason",
                                       vxlSimReasonTypeToString(dom->requestReason));
        virJSONValueObjectAppendNumberUlong(req, "atRunUs", dom->requestAtRunUs);
        virJSONValueObjectAppend(obj, "request", &req);
    }
    if (dom->config) {
        g_autoptr(virJSONValue) config = virJSONValueCopy(dom->config);
        virJSONValueObjectAppend(obj, "config", &config);
    }
    return obj;
}

static char *
vxlSimHostFormat(vxlSim *sim, long long nowReal)
{
    g_autoptr(virJSONValue) root = virJSONValueNewObject();

    virJSONValueObjectAppendNumberUint(root, "format", VXL_SIM_STATE_FORMAT);
    virJSONValueObjectAppendString(root, "profile", sim->profilePath);
    virJSONValueObjectAppendNumberLong(root, "savedAtRealUs", nowReal);
    virJSONValueObjectAppendNumberUint(root, "lastDomid", sim->lastDomid);
    virJSONValueObjectAppendNumberUlong(root, "nextLife", sim->nextLife);
    if (sim->pci && sim->pci->len > 0) {
        g_autoptr(virJSONValue) pci = vxlSimPciFormatState(sim);

        if (pci)
            virJSONValueObjectAppend(root, "pci", &pci);
    }
    return virJSONValueToString(root, true);
}

static char *
vxlSimDomainFormatString(const vxlSimDomain *dom, long long nowMono,
                         long long nowReal)
{
    g_autoptr(virJSONValue) obj = vxlSimDomainFormat(dom, nowMono, nowReal);

    return virJSONValueToString(obj, true);
}

/*
 * Called with sim->lock held: records for @dom (if not NULL), for every
 * domain the model changed by itself since the last snapshot, and for the
 * host file if it is due. Adds nothing without persistence.
 */
void
vxlSimSnapshotTake(vxlSim *sim, vxlSimSnapshot *snap, vxlSimDomain *dom)
{
    long long nowMono = g_get_monotonic_time();
    long long nowReal = g_get_real_time();
    size_t i;

    if (sim->statePath && dom && !dom->dirty && !dom->building)
        vxlSimSnapshotAdd(sim, snap, dom->domid,
                          vxlSimDomainFormatString(dom, nowMono, nowReal));
    for (i = 0; i < sim->dirtyDoms->len; i++) {
        vxlSimDomain *d = g_ptr_array_index(sim->dirtyDoms, i);

        d->dirty = false;
        if (sim->statePath)
            vxlSimSnapshotAdd(sim, snap, d->domid,
                              vxlSimDomainFormatString(d, nowMono, nowReal));
    }
    g_ptr_array_set_size(sim->dirtyDoms, 0);
    if (sim->hostDirty && sim->statePath) {
        vxlSimSnapshotAdd(sim, snap, 0, vxlSimHostFormat(sim, nowReal));
        sim->hostSavedNextLife = sim->nextLife;
    }
    sim->hostDirty = false;
}

/*
 * Called with sim->lock held, before @dom leaves the model: a record that
 * removes its file, and one for host.json if @dom is newer than what that
 * file has (its own file was what kept the counters).
 */
void
vxlSimSnapshotForget(vxlSim *sim, vxlSimSnapshot *snap, const vxlSimDomain *dom)
{
    if (!sim->statePath || dom->building)
        return;
    vxlSimSnapshotAdd(sim, snap, dom->domid, NULL);
    if (dom->life >= sim->hostSavedNextLife) {
        vxlSimSnapshotAdd(sim, snap, 0, vxlSimHostFormat(sim, g_get_real_time()));
        sim->hostSavedNextLife = sim->nextLife;
    }
}

static int
vxlSimWriteRecord(vxlSim *sim, const vxlSimRecord *rec)
{
    g_autofree char *path = NULL;

    if (rec->domid == 0) {
        path = g_strdup_printf("%s/" VXL_SIM_HOST_FILE, sim->statePath);
        return virFileRewriteStr(path, 0600, rec->json);
    }
    path = vxlSimDomainFilePath(sim, rec->domid);
    if (rec->json)
        return virFileRewriteStr(path, 0600, rec->json);
    if (unlink(path) < 0 && errno != ENOENT) {
        virReportSystemError(errno, _("cannot remove '%s'"), path);
        return -1;
    }
    return 0;
}

/*
 * Write @snap's records, each unless a newer one for the same file is
 * already on disk. Called without sim->lock. A failure to write is logged,
 * not returned: the model, like Xen's own state, is what counts, and the
 * domain's next change writes it again.
 */
/* Write one record unless a newer one for its file is on disk; false
 * when the write failed. */
static bool
vxlSimSaveRecord(vxlSim *sim, const vxlSimRecord *rec)
{
    virMutex *lock = rec->domid == 0 ? &sim->hostSaveLock :
                     &sim->saveLocks[rec->domid % VXL_SIM_SAVE_STRIPES];
    unsigned long long *saved = rec->domid == 0 ? &sim->hostSavedSeq :
                                &sim->savedSeqs[rec->domid];

    VIR_WITH_MUTEX_LOCK_GUARD(lock) {
        if (rec->seq <= *saved)
            return true;
        if (vxlSimWriteRecord(sim, rec) < 0) {
            VIR_WARN("cannot save the simulator state in %s (tried again later): %s",
                     sim->statePath, virGetLastErrorMessage());
            virResetLastError();
            return false;
        }
        *saved = rec->seq;
    }
    return true;
}

static void
vxlSimRetryAdd(vxlSim *sim, const vxlSimRecord *rec)
{
    vxlSimRecord copy = *rec;

    copy.json = g_strdup(rec->json);
    VIR_WITH_MUTEX_LOCK_GUARD(&sim->retryLock) {
        if (!sim->retry)
            sim->retry = g_array_new(FALSE, FALSE, sizeof(vxlSimRecord));
        g_array_append_val(sim->retry, copy);
    }
}

/*
 * Write @snap's records, each unless a newer one for the same file is
 * already on disk, after those an earlier save failed to write. Called
 * without sim->lock. A failure is logged, not returned (the model, like
 * Xen's own state, is what counts), and the record is kept to be written
 * by the next save or at close.
 */
void
vxlSimSave(vxlSim *sim, vxlSimSnapshot *snap)
{
    g_autoptr(GArray) again = NULL;
    size_t i;

    if (!sim->statePath)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&sim->retryLock) {
        again = g_steal_pointer(&sim->retry);
    }
    for (i = 0; again && i < again->len; i++) {
        vxlSimRecord *rec = &g_array_index(again, vxlSimRecord, i);

        if (!vxlSimSaveRecord(sim, rec))
            vxlSimRetryAdd(sim, rec);
        g_free(rec->json);
    }
    for (i = 0; snap && snap->records && i < snap->records->len; i++) {
        vxlSimRecord *rec = &g_array_index(snap->records, vxlSimRecord, i);

        if (!vxlSimSaveRecord(sim, rec))
            vxlSimRetryAdd(sim, rec);
    }
}

/* ----- loading --------------------------------------------------------- */

typedef struct _vxlSimStateParser {
    const char *file;
} vxlSimStateParser;

static int G_GNUC_PRINTF(3, 4)
vxlSimStateFail(vxlSimStateParser *sp, const char *field, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *why = NULL;

    va_start(ap, fmt);
    why = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    virReportError(VIR_ERR_INTERNAL_ERROR,
                   _("simulator state file '%s' is corrupt: field '%s': %s; move it away to start with an empty simulated host (its domains are then forgotten)"),
                   sp->file, field, why);
    return -1;
}

static int
vxlSimStateGetULL(vxlSimStateParser *sp, virJSONValue *obj, const char *path,
                  const char *key, unsigned long long max,
                  unsigned long long *val)
{
    virJSONValue *v = virJSONValueObjectGet(obj, key);
    const char *text = v ? virJSONValueGetNumberString(v) : NULL;

    if (!text || virStrToLong_ullp(text, NULL, 10, val) < 0 || *val > max)
        return vxlSimStateFail(sp, key, _("missing or not a number up to %llu (in %s)"),
                               max, path);
    return 0;
}

static int
vxlSimStateGetUInt(vxlSimStateParser *sp, virJSONValue *obj, const char *path,
                   const char *key, unsigned int *val)
{
    unsigned long long v;

    if (vxlSimStateGetULL(sp, obj, path, key, UINT_MAX, &v) < 0)
        return -1;
    *val = v;
    return 0;
}

static int
vxlSimStateGetLL(vxlSimStateParser *sp, virJSONValue *obj, const char *path,
                 const char *key, long long *val)
{
    if (virJSONValueObjectGetNumberLong(obj, key, val) < 0)
        return vxlSimStateFail(sp, key, _("missing or not a number (in %s)"), path);
    return 0;
}

static const char *
vxlSimStateGetString(vxlSimStateParser *sp, virJSONValue *obj,
                     const char *path, const char *key)
{
    const char *s = virJSONValueObjectGetString(obj, key);

    if (!s || !*s)
        vxlSimStateFail(sp, key, _("missing or not a string (in %s)"), path);
    return s;
}

/* Looks @key up with a VIR_ENUM FromString function. */
static int
vxlSimStateGetEnum(vxlSimStateParser *sp, virJSONValue *obj, const char *path,
                   const char *key, int (*fromString)(const char *), int *val)
{
    const char *s = vxlSimStateGetString(sp, obj, path, key);

    if (!s)
        return -1;
    if ((*val = fromString(s)) < 0)
        return vxlSimStateFail(sp, key, _("unknown value '%s' (in %s)"), s, path);
    return 0;
}

static int
vxlSimScriptParse(vxlSimStateParser *sp, virJSONValue *obj, const char *path,
                  vxlGuestScript *s)
{
    int policy;

    if (!obj || virJSONValueGetType(obj) != VIR_JSON_TYPE_OBJECT)
        return vxlSimStateFail(sp, "script", _("missing or not an object (in %s)"), path);
    if (vxlSimStateGetUInt(sp, obj, path, "bootDelayMs", &s->bootDelayMs) < 0 ||
        vxlSimStateGetUInt(sp, obj, path, "shutdownDelayMs", &s->shutdownDelayMs) < 0 ||
        vxlSimStateGetEnum(sp, obj, path, "onShutdownRequest",
                           vxlSimShutdownPolicyTypeFromString, &policy) < 0 ||
        vxlSimStateGetUInt(sp, obj, path, "crashAfterMs", &s->crashAfterMs) < 0 ||
        vxlSimStateGetUInt(sp, obj, path, "rebootAfterMs", &s->rebootAfterMs) < 0 ||
        vxlSimStateGetUInt(sp, obj, path, "poweroffAfterMs", &s->poweroffAfterMs) < 0 ||
        vxlSimStateGetUInt(sp, obj, path, "watchdogAfterMs", &s->watchdogAfterMs) < 0 ||
        vxlSimStateGetUInt(sp, obj, path, "softResetAfterMs", &s->softResetAfterMs) < 0)
        return -1;
    /* The activity rates came later: a state file without them has
     * idle guests. */
    ignore_value(virJSONValueObjectGetNumberUint(obj, "diskRateKiBs", &s->diskRateKiBs));
    ignore_value(virJSONValueObjectGetNumberUint(obj, "netRateKiBs", &s->netRateKiBs));
    ignore_value(virJSONValueObjectGetNumberUint(obj, "memUsedMiB", &s->memUsedMiB));
    /* And the dirtying rate a live migration copies against. */
    ignore_value(virJSONValueObjectGetNumberUint(obj, "dirtyMiBps", &s->dirtyMiBps));
    s->onShutdownRequest = policy;
    /* So did the NMI policy, the addresses and the agent. */
    if (virJSONValueObjectGetBoolean(obj, "crashOnNmi", &s->crashOnNmi) < 0)
        s->crashOnNmi = false;
    s->addresses[0] = '\0';
    if (virJSONValueObjectGetString(obj, "addresses"))
        g_strlcpy(s->addresses, virJSONValueObjectGetString(obj, "addresses"),
                  sizeof(s->addresses));
    {
        int agent = VXL_GUEST_AGENT_NONE;

        ignore_value(virJSONValueObjectGetNumberInt(obj, "agent", &agent));
        s->agent = agent == VXL_GUEST_AGENT_YES || agent == VXL_GUEST_AGENT_HUNG ?
                   agent : VXL_GUEST_AGENT_NONE;
    }
    return 0;
}

static int
vxlSimRequestParse(vxlSimStateParser *sp, virJSONValue *obj, const char *path,
                   vxlSimDomain *dom)
{
    int kind;
    int reason;
    bool acts;

    if (!obj)
        return 0;
    if (vxlSimStateGetEnum(sp, obj, path, "kind", vxlSimRequestTypeFromString,
                           &kind) < 0 ||
        vxlSimStateGetEnum(sp, obj, path, "reason", vxlSimReasonTypeFromString,
                           &reason) < 0 ||
        vxlSimStateGetULL(sp, obj, path, "atRunUs", ULLONG_MAX,
                          &dom->requestAtRunUs) < 0)
        return -1;
    if (virJSONValueObjectGetBoolean(obj, "acts", &acts) < 0)
        return vxlSimStateFail(sp, "acts", _("missing or not a boolean (in %s)"), path);
    dom->request = kind;
    dom->requestReason = reason;
    dom->requestActs = acts;
    return 0;
}

static int
vxlSimDevicesFromStoredConfig(vxlSimDomain *dom)
{
    virJSONValue *disks = virJSONValueObjectGetArray(dom->config, "disks");
    virJSONValue *nics = virJSONValueObjectGetArray(dom->config, "nics");
    size_t i;

    for (i = 0; disks && i < virJSONValueArraySize(disks); i++) {
        virJSONValue *d = virJSONValueArrayGet(disks, i);
        const char *format = virJSONValueObjectGetString(d, "format");
        vxlSimDisk disk = { 0 };
        int isCdrom = 0;
        int readwrite = 0;

        disk.vdev = g_strdup(virJSONValueObjectGetString(d, "vdev"));
        if (!disk.vdev)
            continue;
        if (!format || STRNEQ(format, "empty"))
            disk.path = g_strdup(virJSONValueObjectGetString(d, "pdev_path"));
        /* libxl writes its booleans as numbers. */
        if (virJSONValueObjectGetNumberInt(d, "is_cdrom", &isCdrom) == 0)
            disk.cdrom = isCdrom != 0;
        if (virJSONValueObjectGetNumberInt(d, "readwrite", &readwrite) == 0)
            disk.writable = readwrite != 0 && !disk.cdrom;
        disk.phy = STREQ_NULLABLE(virJSONValueObjectGetString(d, "backend"), "phy");
        VIR_APPEND_ELEMENT(dom->disks, dom->ndisks, disk);
    }
    for (i = 0; nics && i < virJSONValueArraySize(nics); i++) {
        virJSONValue *n = virJSONValueArrayGet(nics, i);
        vxlSimNic nic = { 0 };

        nic.mac = g_strdup(virJSONValueObjectGetString(n, "mac"));
        if (!nic.mac)
            continue;
        if (virJSONValueObjectGetNumberInt(n, "devid", &nic.devid) < 0)
            nic.devid = i;
        VIR_APPEND_ELEMENT(dom->nics, dom->nnics, nic);
    }
    return 0;
}

/* "disks" and "nics": the device lists. */
static int
vxlSimDevicesParse(vxlSimStateParser *sp, virJSONValue *obj, const char *path,
                   vxlSimDomain *dom)
{
    virJSONValue *disks = virJSONValueObjectGetArray(obj, "disks");
    virJSONValue *nics = virJSONValueObjectGetArray(obj, "nics");
    size_t i;

    /* Files written before the model kept device lists have counts
     * there; the stored libxl config has the devices themselves. */
    if (!disks && !nics && dom->config &&
        virJSONValueGetType(virJSONValueObjectGet(obj, "disks")) == VIR_JSON_TYPE_NUMBER)
        return vxlSimDevicesFromStoredConfig(dom);

    if (!disks)
        return vxlSimStateFail(sp, "disks", _("missing or not an array (in %s)"), path);
    if (!nics)
        return vxlSimStateFail(sp, "nics", _("missing or not an array (in %s)"), path);

    for (i = 0; i < virJSONValueArraySize(disks); i++) {
        virJSONValue *d = virJSONValueArrayGet(disks, i);
        const char *vdev = virJSONValueObjectGetString(d, "vdev");
        const char *diskPath = virJSONValueObjectGetString(d, "path");
        bool cdrom = false;
        vxlSimDisk disk = { 0 };

        if (!vdev || !*vdev)
            return vxlSimStateFail(sp, "disks", _("entry %zu has no vdev (in %s)"), i, path);
        ignore_value(virJSONValueObjectGetBoolean(d, "cdrom", &cdrom));
        disk.vdev = g_strdup(vdev);
        disk.path = g_strdup(diskPath);
        disk.cdrom = cdrom;
        VIR_APPEND_ELEMENT(dom->disks, dom->ndisks, disk);
    }
    for (i = 0; i < virJSONValueArraySize(nics); i++) {
        virJSONValue *n = virJSONValueArrayGet(nics, i);
        const char *mac = virJSONValueObjectGetString(n, "mac");
        int devid;
        vxlSimNic nic = { 0 };

        if (!mac || virMacAddrParse(mac, &(virMacAddr){ 0 }) < 0 ||
            virJSONValueObjectGetNumberInt(n, "devid", &devid) < 0 || devid < 0)
            return vxlSimStateFail(sp, "nics", _("entry %zu needs a MAC and a devid (in %s)"), i, path);
        nic.devid = devid;
        nic.mac = g_strdup(mac);
        VIR_APPEND_ELEMENT(dom->nics, dom->nnics, nic);
    }
    return 0;
}

static vxlSimDomain *
vxlSimDomainParse(vxlSimStateParser *sp, vxlSim *sim, virJSONValue *obj,
                  const char *path, long long nowMono, long long nowReal)
{
    g_autoptr(vxlSimDomain) dom = vxlSimDomainNew();
    const char *s;
    long long accountedAtReal;
    int state;
    int reason = VXL_SHUTDOWN_POWEROFF;
    unsigned long long domid;

    if (virJSONValueGetType(obj) != VIR_JSON_TYPE_OBJECT) {
        vxlSimStateFail(sp, path, "%s", _("not an object"));
        return NULL;
    }
    if (vxlSimStateGetULL(sp, obj, path, "domid",
                          VXL_SIM_DOMID_FIRST_RESERVED - 1, &domid) < 0)
        return NULL;
    if (domid == 0) {
        vxlSimStateFail(sp, "domid", _("0 is dom0 (in %s)"), path);
        return NULL;
    }
    dom->domid = domid;
    if (vxlSimFindDomain(sim, dom->domid)) {
        vxlSimStateFail(sp, "domid", _("%u appears twice (in %s)"), dom->domid, path);
        return NULL;
    }
    if (vxlSimStateGetULL(sp, obj, path, "life", ULLONG_MAX, &dom->life) < 0)
        return NULL;

    if (!(s = vxlSimStateGetString(sp, obj, path, "name")))
        return NULL;
    dom->name = g_strdup(s);
    if (vxlSimFindByName(sim, dom->name)) {
        vxlSimStateFail(sp, "name", _("'%s' appears twice (in %s)"), s, path);
        return NULL;
    }
    if (!(s = vxlSimStateGetString(sp, obj, path, "uuid")))
        return NULL;
    if (virUUIDParse(s, dom->uuid) < 0) {
        vxlSimStateFail(sp, "uuid", _("'%s' is not a UUID (in %s)"), s, path);
        return NULL;
    }
    if (!(s = vxlSimStateGetString(sp, obj, path, "type")))
        return NULL;
    if (libxl_domain_type_from_string(s, &dom->type) < 0 ||
        dom->type == LIBXL_DOMAIN_TYPE_INVALID) {
        vxlSimStateFail(sp, "type", _("unknown domain type '%s' (in %s)"), s, path);
        return NULL;
    }

    if (vxlSimStateGetEnum(sp, obj, path, "state", vxlSimStateTypeFromString,
                           &state) < 0)
        return NULL;
    /* BLOCKED is derived and DYING never lasts: neither is stored. */
    if (state == VXL_DOMSTATE_BLOCKED || state == VXL_DOMSTATE_DYING) {
        vxlSimStateFail(sp, "state", _("'%s' is never stored (in %s)"),
                        vxlSimStateTypeToString(state), path);
        return NULL;
    }
    dom->state = state;
    if ((state == VXL_DOMSTATE_SHUTDOWN || state == VXL_DOMSTATE_CRASHED) &&
        vxlSimStateGetEnum(sp, obj, path, "reason", vxlSimReasonTypeFromString,
                           &reason) < 0)
        return NULL;
    dom->reason = reason;

    if (vxlSimStateGetULL(sp, obj, path, "maxKiB", ULLONG_MAX, &dom->maxKiB) < 0 ||
        vxlSimStateGetULL(sp, obj, path, "targetKiB", dom->maxKiB, &dom->targetKiB) < 0 ||
        vxlSimStateGetULL(sp, obj, path, "videoKiB", ULLONG_MAX, &dom->videoKiB) < 0 ||
        vxlSimStateGetULL(sp, obj, path, "shadowKiB", ULLONG_MAX, &dom->shadowKiB) < 0 ||
        vxlSimStateGetUInt(sp, obj, path, "vcpusMax", &dom->vcpusMax) < 0 ||
        vxlSimStateGetUInt(sp, obj, path, "vcpusOnline", &dom->vcpusOnline) < 0 ||
        vxlSimStateGetULL(sp, obj, path, "runUs", ULLONG_MAX, &dom->runUs) < 0 ||
        vxlSimStateGetULL(sp, obj, path, "cpuTimeNs", ULLONG_MAX, &dom->cpuTimeNs) < 0 ||
        vxlSimStateGetLL(sp, obj, path, "accountedAtRealUs", &accountedAtReal) < 0)
        return NULL;
    if (dom->vcpusOnline < 1 || dom->vcpusOnline > dom->vcpusMax) {
        vxlSimStateFail(sp, "vcpusOnline", _("%u is not within 1..vcpusMax (%u) (in %s)"),
                        dom->vcpusOnline, dom->vcpusMax, path);
        return NULL;
    }
    if (virJSONValueObjectGetString(obj, "vcpuMap")) {
        const char *map = virJSONValueObjectGetString(obj, "vcpuMap");

        if (vxlSimVcpusSetList(dom, map) < 0) {
            virResetLastError();
            vxlSimStateFail(sp, "vcpuMap", _("'%s' is not a list of online vCPUs within 0..%u with vCPU 0 (in %s)"),
                            map, dom->vcpusMax - 1, path);
            return NULL;
        }
    }
    /* The guest ran on while nobody watched: the downtime was running
     * time for it (never negative, should the clock have stepped back). */
    dom->accountedAt = nowMono - MAX(0, nowReal - accountedAtReal);

    if (vxlSimScriptParse(sp, virJSONValueObjectGet(obj, "script"), path,
                          &dom->script) < 0 ||
        vxlSimRequestParse(sp, virJSONValueObjectGetObject(obj, "request"), path,
                           dom) < 0)
        return NULL;

    if (virJSONValueObjectHasKey(obj, "config"))
        ignore_value(virJSONValueObjectRemoveKey(obj, "config", &dom->config));

    if (vxlSimDevicesParse(sp, obj, path, dom) < 0)
        return NULL;

    return g_steal_pointer(&dom);
}

static int
vxlSimStateCheckFormat(vxlSimStateParser *sp, virJSONValue *root, unsigned int want)
{
    unsigned int format;

    if (virJSONValueGetType(root) != VIR_JSON_TYPE_OBJECT)
        return vxlSimStateFail(sp, "(top level)", "%s", _("not an object"));
    if (vxlSimStateGetUInt(sp, root, "(top level)", "format", &format) < 0)
        return -1;
    if (format != want)
        return vxlSimStateFail(sp, "format", _("format %u is not known; this build reads format %u here"),
                               format, want);
    return 0;
}

static virJSONValue *
vxlSimStateReadJSON(vxlSimStateParser *sp)
{
    g_autofree char *text = NULL;
    virJSONValue *root;

    if (virFileReadAll(sp->file, VXL_SIM_STATE_MAX_SIZE, &text) < 0)
        return NULL;
    if (!(root = virJSONValueFromString(text))) {
        virResetLastError();
        vxlSimStateFail(sp, "(top level)", "%s", _("not valid JSON"));
    }
    return root;
}

/* The id counters, from a host file or the old whole-host file. */
static int
vxlSimCountersParse(vxlSimStateParser *sp, vxlSim *sim, virJSONValue *root)
{
    if (vxlSimStateGetUInt(sp, root, "(top level)", "lastDomid", &sim->lastDomid) < 0 ||
        vxlSimStateGetULL(sp, root, "(top level)", "nextLife", ULLONG_MAX,
                          &sim->nextLife) < 0)
        return -1;
    if (sim->lastDomid >= VXL_SIM_DOMID_FIRST_RESERVED)
        return vxlSimStateFail(sp, "lastDomid", _("%u is a reserved domain id"),
                               sim->lastDomid);
    return 0;
}

/* Enter a loaded domain; a newer one than the counters say moves them. */
static void
vxlSimLoadedInsert(vxlSim *sim, vxlSimDomain *dom)
{
    if (dom->life >= sim->nextLife) {
        sim->nextLife = dom->life + 1;
        sim->lastDomid = dom->domid;
    }
    vxlSimDomainInsert(sim, dom);
    /* The guest kept running, and its agent with it. */
    if (dom->state == VXL_DOMSTATE_RUNNING || dom->state == VXL_DOMSTATE_PAUSED)
        vxlSimAgentStart(sim, dom);
}

/* The old whole-host file: counters and an array of domains. */
static int
vxlSimLoadLegacy(vxlSim *sim, long long nowMono, long long nowReal)
{
    vxlSimStateParser sp = { .file = sim->legacyPath };
    g_autoptr(virJSONValue) root = NULL;
    virJSONValue *doms;
    size_t i;

    if (!(root = vxlSimStateReadJSON(&sp)) ||
        vxlSimStateCheckFormat(&sp, root, VXL_SIM_STATE_FORMAT_LEGACY) < 0 ||
        vxlSimCountersParse(&sp, sim, root) < 0)
        return -1;
    vxlSimPciParseState(sim, virJSONValueObjectGet(root, "pci"));
    if (!(doms = virJSONValueObjectGetArray(root, "domains")))
        return vxlSimStateFail(&sp, "domains", "%s", _("missing or not an array"));

    for (i = 0; i < virJSONValueArraySize(doms); i++) {
        g_autofree char *path = g_strdup_printf("domains[%zu]", i);
        vxlSimDomain *dom = vxlSimDomainParse(&sp, sim, virJSONValueArrayGet(doms, i),
                                              path, nowMono, nowReal);

        if (!dom)
            return -1;
        vxlSimLoadedInsert(sim, dom);
    }
    return 0;
}

/* Remove every file of the per-domain layout (an interrupted upgrade's). */
static int
vxlSimStateDirClear(vxlSim *sim)
{
    g_autoptr(DIR) dir = NULL;
    struct dirent *ent;
    int rc;

    if (virDirOpenIfExists(&dir, sim->statePath) <= 0)
        return 0;
    while ((rc = virDirRead(dir, &ent, sim->statePath)) > 0) {
        g_autofree char *path = g_strdup_printf("%s/%s", sim->statePath, ent->d_name);

        if (unlink(path) < 0 && errno != ENOENT) {
            virReportSystemError(errno, _("cannot remove '%s'"), path);
            return -1;
        }
    }
    return rc;
}

/*
 * Write the model loaded from the old file in the per-domain layout, then
 * remove the old file: until it is gone, the next open() starts over.
 */
static int
vxlSimUpgrade(vxlSim *sim)
{
    g_auto(vxlSimSnapshot) snap = { 0 };
    GHashTableIter it;
    vxlSimDomain *dom;
    size_t i;

    sim->hostDirty = true;
    g_hash_table_iter_init(&it, sim->domains);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom))
        vxlSimMarkDirty(sim, dom);
    vxlSimSnapshotTake(sim, &snap, NULL);
    for (i = 0; snap.records && i < snap.records->len; i++) {
        if (vxlSimWriteRecord(sim, &g_array_index(snap.records, vxlSimRecord, i)) < 0)
            return -1;
    }
    if (unlink(sim->legacyPath) < 0) {
        virReportSystemError(errno, _("cannot remove the old simulator state file '%s'"),
                             sim->legacyPath);
        return -1;
    }
    VIR_INFO("simulator state %s converted to one file per domain in %s",
             sim->legacyPath, sim->statePath);
    return 0;
}

static int
vxlSimLoadHostFile(vxlSim *sim)
{
    g_autofree char *file = g_strdup_printf("%s/" VXL_SIM_HOST_FILE, sim->statePath);
    vxlSimStateParser sp = { .file = file };
    g_autoptr(virJSONValue) root = NULL;

    if (!virFileExists(file))
        return 0;
    if (!(root = vxlSimStateReadJSON(&sp)) ||
        vxlSimStateCheckFormat(&sp, root, VXL_SIM_STATE_FORMAT) < 0 ||
        vxlSimCountersParse(&sp, sim, root) < 0)
        return -1;
    sim->hostSavedNextLife = sim->nextLife;
    /* Optional: the host's PCI bindings (sim_pci.c). */
    vxlSimPciParseState(sim, virJSONValueObjectGet(root, "pci"));
    return 0;
}

static int
vxlSimLoadDomainFile(vxlSim *sim, const char *file, long long nowMono,
                     long long nowReal)
{
    vxlSimStateParser sp = { .file = file };
    g_autoptr(virJSONValue) root = NULL;
    vxlSimDomain *dom;

    if (!(root = vxlSimStateReadJSON(&sp)) ||
        vxlSimStateCheckFormat(&sp, root, VXL_SIM_STATE_FORMAT) < 0 ||
        !(dom = vxlSimDomainParse(&sp, sim, root, "(top level)", nowMono, nowReal)))
        return -1;
    vxlSimLoadedInsert(sim, dom);
    return 0;
}

/* host.json and every domain-<domid>.json; a temporary file left by a
 * write that a crash interrupted is the old file's unfinished successor,
 * and goes. */
static int
vxlSimLoadDir(vxlSim *sim, long long nowMono, long long nowReal)
{
    g_autoptr(DIR) dir = NULL;
    struct dirent *ent;
    int rc;

    if (vxlSimLoadHostFile(sim) < 0)
        return -1;
    if (virDirOpen(&dir, sim->statePath) < 0)
        return -1;
    while ((rc = virDirRead(dir, &ent, sim->statePath)) > 0) {
        g_autofree char *path = g_strdup_printf("%s/%s", sim->statePath, ent->d_name);

        if (g_str_has_suffix(ent->d_name, ".new")) {
            ignore_value(unlink(path));
            continue;
        }
        if (!g_str_has_prefix(ent->d_name, VXL_SIM_DOMAIN_PREFIX) ||
            !g_str_has_suffix(ent->d_name, VXL_SIM_DOMAIN_SUFFIX))
            continue;
        if (vxlSimLoadDomainFile(sim, path, nowMono, nowReal) < 0)
            return -1;
    }
    return rc;
}

/*
 * Read the saved model into the (empty) model: the per-domain files in
 * <stateDir>/sim, or, once, the old <stateDir>/sim-state.json. Nothing
 * saved is an empty host. Called from open(), before the timer exists.
 */
int
vxlSimLoad(vxlSim *sim)
{
    long long nowMono = g_get_monotonic_time();
    long long nowReal = g_get_real_time();
    bool legacy;

    if (!sim->statePath)
        return 0;
    sim->savedSeqs = g_new0(unsigned long long, VXL_SIM_DOMID_FIRST_RESERVED);
    if (g_mkdir_with_parents(sim->statePath, 0700) < 0) {
        virReportSystemError(errno, _("cannot create the simulator's state directory %s"),
                             sim->statePath);
        return -1;
    }

    legacy = virFileExists(sim->legacyPath);
    if (legacy) {
        if (vxlSimStateDirClear(sim) < 0 ||
            vxlSimLoadLegacy(sim, nowMono, nowReal) < 0 ||
            vxlSimUpgrade(sim) < 0)
            goto error;
    } else if (vxlSimLoadDir(sim, nowMono, nowReal) < 0) {
        goto error;
    }

    if (vxlSimFreeKiB(sim) == 0 && g_hash_table_size(sim->domains) > 0)
        VIR_WARN("the simulated domains in %s use all the memory of host profile %s (or more)",
                 sim->statePath, sim->profilePath);
    VIR_INFO("simulator state loaded from %s: %u domains",
             legacy ? sim->legacyPath : sim->statePath,
             g_hash_table_size(sim->domains));
    return 0;

 error:
    vxlSimDomainRemoveAll(sim);
    return -1;
}
