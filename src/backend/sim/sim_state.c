/*
 * sim_state.c: the model survives a daemon restart, as Xen's domains do.
 *
 * After every change the whole model is written to
 * <stateDir>/sim-state.json (a temporary file renamed over the old one, so
 * a crash leaves the old or the new state, never half of one); open()
 * reads it back. The snapshot is built under the model lock and written
 * outside it, under saveLock, newest snapshot wins: a slow disk never
 * stalls the model and an older snapshot never overwrites a newer one.
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
 * the daemon, and the driver never learnt their domid. The id counter is.
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

#define VXL_SIM_STATE_FORMAT 1
#define VXL_SIM_STATE_MAX_SIZE (256 * 1024 * 1024)

void
vxlSimSnapshotClear(vxlSimSnapshot *snap)
{
    g_clear_pointer(&snap->json, g_free);
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

static gint
vxlSimDomainCompare(gconstpointer a, gconstpointer b)
{
    const vxlSimDomain *da = *(vxlSimDomain *const *)a;
    const vxlSimDomain *db = *(vxlSimDomain *const *)b;

    return da->domid < db->domid ? -1 : da->domid > db->domid;
}

/* Called with sim->lock held. Leaves @snap empty without persistence. */
void
vxlSimSnapshotTake(vxlSim *sim, vxlSimSnapshot *snap)
{
    g_autoptr(virJSONValue) root = NULL;
    g_autoptr(virJSONValue) doms = virJSONValueNewArray();
    g_autoptr(GPtrArray) list = g_ptr_array_new();
    long long nowMono = g_get_monotonic_time();
    long long nowReal = g_get_real_time();
    GHashTableIter it;
    vxlSimDomain *dom;
    size_t i;

    vxlSimSnapshotClear(snap);
    sim->dirty = false;
    if (!sim->statePath)
        return;

    g_hash_table_iter_init(&it, sim->domains);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
        if (!dom->building)
            g_ptr_array_add(list, dom);
    }
    g_ptr_array_sort(list, vxlSimDomainCompare);
    for (i = 0; i < list->len; i++) {
        g_autoptr(virJSONValue) d = vxlSimDomainFormat(g_ptr_array_index(list, i),
                                                       nowMono, nowReal);
        virJSONValueArrayAppend(doms, &d);
    }

    root = virJSONValueNewObject();
    virJSONValueObjectAppendNumberUint(root, "format", VXL_SIM_STATE_FORMAT);
    virJSONValueObjectAppendString(root, "profile", sim->profilePath);
    virJSONValueObjectAppendNumberLong(root, "savedAtRealUs", nowReal);
    virJSONValueObjectAppendNumberUint(root, "lastDomid", sim->lastDomid);
    virJSONValueObjectAppendNumberUlong(root, "nextLife", sim->nextLife);
    virJSONValueObjectAppend(root, "domains", &doms);
    if (sim->pci && sim->pci->len > 0) {
        g_autoptr(virJSONValue) pci = vxlSimPciFormatState(sim);

        if (pci)
            virJSONValueObjectAppend(root, "pci", &pci);
    }

    snap->json = virJSONValueToString(root, true);
    snap->seq = ++sim->saveSeq;
}

/*
 * Write @snap unless a newer one is already on disk. Called without
 * sim->lock. A failure to write is logged, not returned: the model, like
 * Xen's own state, is what counts, and the next change tries again.
 */
void
vxlSimSave(vxlSim *sim, vxlSimSnapshot *snap)
{
    if (!snap->json || !sim->statePath)
        return;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->saveLock) {
        if (snap->seq <= sim->savedSeq)
            return;
        if (virFileRewriteStr(sim->statePath, 0600, snap->json) < 0) {
            VIR_WARN("cannot save the simulator state to %s: %s",
                     sim->statePath, virGetLastErrorMessage());
            virResetLastError();
            return;
        }
        sim->savedSeq = snap->seq;
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
    s->onShutdownRequest = policy;
    /* Optional: files written before it existed lack it. */
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

        disk.vdev = g_strdup(virJSONValueObjectGetString(d, "vdev"));
        if (!disk.vdev)
            continue;
        if (!format || STRNEQ(format, "empty"))
            disk.path = g_strdup(virJSONValueObjectGetString(d, "pdev_path"));
        /* libxl writes its booleans as numbers. */
        if (virJSONValueObjectGetNumberInt(d, "is_cdrom", &isCdrom) == 0)
            disk.cdrom = isCdrom != 0;
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
                  size_t idx, long long nowMono, long long nowReal)
{
    g_autofree char *path = g_strdup_printf("domains[%zu]", idx);
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

/*
 * Read <stateDir>/sim-state.json into the (empty) model. A missing file is
 * an empty host. Called from open(), before the timer exists.
 */
int
vxlSimLoad(vxlSim *sim)
{
    vxlSimStateParser sp = { .file = sim->statePath };
    g_autofree char *text = NULL;
    g_autoptr(virJSONValue) root = NULL;
    virJSONValue *doms;
    long long nowMono = g_get_monotonic_time();
    long long nowReal = g_get_real_time();
    unsigned int format;
    size_t i;

    if (!sim->statePath || !virFileExists(sim->statePath))
        return 0;
    if (virFileReadAll(sim->statePath, VXL_SIM_STATE_MAX_SIZE, &text) < 0)
        return -1;
    if (!(root = virJSONValueFromString(text))) {
        virResetLastError();
        return vxlSimStateFail(&sp, "(top level)", "%s", _("not valid JSON"));
    }
    if (virJSONValueGetType(root) != VIR_JSON_TYPE_OBJECT)
        return vxlSimStateFail(&sp, "(top level)", "%s", _("not an object"));
    if (vxlSimStateGetUInt(&sp, root, "(top level)", "format", &format) < 0)
        return -1;
    if (format != VXL_SIM_STATE_FORMAT)
        return vxlSimStateFail(&sp, "format", _("format %u is not known; this build reads format %d"),
                               format, VXL_SIM_STATE_FORMAT);
    if (vxlSimStateGetUInt(&sp, root, "(top level)", "lastDomid", &sim->lastDomid) < 0 ||
        vxlSimStateGetULL(&sp, root, "(top level)", "nextLife", ULLONG_MAX,
                          &sim->nextLife) < 0)
        return -1;
    if (sim->lastDomid >= VXL_SIM_DOMID_FIRST_RESERVED)
        return vxlSimStateFail(&sp, "lastDomid", _("%u is a reserved domain id"),
                               sim->lastDomid);
    /* Optional: the host's PCI bindings (sim_pci.c). */
    vxlSimPciParseState(sim, virJSONValueObjectGet(root, "pci"));
    if (!(doms = virJSONValueObjectGetArray(root, "domains")))
        return vxlSimStateFail(&sp, "domains", "%s", _("missing or not an array"));

    for (i = 0; i < virJSONValueArraySize(doms); i++) {
        vxlSimDomain *dom = vxlSimDomainParse(&sp, sim, virJSONValueArrayGet(doms, i),
                                              i, nowMono, nowReal);

        if (!dom) {
            g_hash_table_remove_all(sim->domains);
            return -1;
        }
        if (dom->life >= sim->nextLife)
            sim->nextLife = dom->life + 1;
        g_hash_table_insert(sim->domains, GUINT_TO_POINTER(dom->domid), dom);
        /* The guest kept running, and its agent with it. */
        if (dom->state == VXL_DOMSTATE_RUNNING || dom->state == VXL_DOMSTATE_PAUSED)
            vxlSimAgentStart(sim, dom);
    }

    if (vxlSimFreeKiB(sim) == 0 && g_hash_table_size(sim->domains) > 0)
        VIR_WARN("the simulated domains in %s use all the memory of host profile %s (or more)",
                 sim->statePath, sim->profilePath);
    VIR_INFO("simulator state loaded from %s: %u domains",
             sim->statePath, g_hash_table_size(sim->domains));
    return 0;
}
