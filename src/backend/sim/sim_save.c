/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_save.c: the simulator's save and restore, in a stream format of
 * its own, and the pace at which it moves guest memory.
 *
 * The stream stands where libxl's save stream would, inside the driver's
 * save image:
 *
 *   "VXLSIM-STREAM 1\n"            16 bytes
 *   length of the state, 8 bytes, little endian
 *   the state: JSON (name, uuid, memory, vCPUs, CPU time, running time)
 *   the memory image: one byte per 256 bytes of guest memory (at least
 *     4 KiB), a pattern seeded by the state, checked on restore
 *   "VXLSIM-END\n"
 *
 * A live save (sim_save_live.c) writes its earlier rounds first, each a
 * record the restore skips: "VXLSIM-PRECOPY1\n", 8 bytes of length, and
 * that many bytes (one per 256 bytes of guest memory the round copied).
 *
 * Like a non-live `xl save`, the guest stands still for the whole save
 * (its CPU time stops); on success it is left shut down with reason
 * suspend for the caller to destroy, on failure or cancel it runs on as
 * before. Moving memory takes time: sim->saveRateKiB of guest memory per
 * second (libxl.conf's sim_save_rate_mib), reported on the job token.
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "sim_priv.h"
#include "backend_impl.h"
#include "virfile.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_save");

#define VXL_SIM_STREAM_MAGIC "VXLSIM-STREAM 1\n"
#define VXL_SIM_STREAM_MAGIC_LEN 16
#define VXL_SIM_STREAM_END "VXLSIM-END\n"
#define VXL_SIM_PRECOPY_MAGIC "VXLSIM-PRECOPY1\n"
#define VXL_SIM_STREAM_MAX_STATE (16 * 1024 * 1024)
#define VXL_SIM_MEMORY_SCALE 256
#define VXL_SIM_CHUNK (8 * 1024)   /* stream bytes per step: 2 MiB of guest */

/* The memory image's byte at @off, for a guest whose state has @seed. */
static unsigned char
vxlSimMemoryByte(unsigned long long seed, unsigned long long off)
{
    return (unsigned char)((seed * 31 + off * 7 + (off >> 12)) & 0xff);
}

static unsigned long long
vxlSimImageBytes(unsigned long long guestBytes)
{
    return MAX(4096ULL, guestBytes / VXL_SIM_MEMORY_SCALE);
}

/* Sleep as long as moving @guestBytes takes at the configured rate. */
static void
vxlSimPace(vxlSim *sim, unsigned long long guestBytes)
{
    unsigned long long us = guestBytes * 1000000ULL / 1024 / sim->saveRateKiB;

    if (us > 0)
        g_usleep(us);
}

static int
vxlSimCheckCancel(vxlJobToken *token, const char *name, bool save)
{
    if (!vxlJobTokenCancelled(token))
        return 0;
    if (save)
        virReportError(VIR_ERR_OPERATION_ABORTED,
                       _("the save of domain '%s' was cancelled"), name);
    else
        virReportError(VIR_ERR_OPERATION_ABORTED,
                       _("the restore of domain '%s' was cancelled"), name);
    return -1;
}

static int
vxlSimWriteAll(int fd, const void *buf, size_t len, const char *name)
{
    if (safewrite(fd, buf, len) != (ssize_t)len) {
        virReportSystemError(errno,
                             _("cannot write the saved state of domain '%s'"),
                             name);
        return -1;
    }
    return 0;
}

static int
vxlSimReadAll(int fd, void *buf, size_t len, const char *name)
{
    ssize_t got = saferead(fd, buf, len);

    if (got < 0) {
        virReportSystemError(errno,
                             _("cannot read the saved state of domain '%s'"),
                             name);
        return -1;
    }
    if ((size_t)got != len) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the saved state of domain '%s' is truncated"),
                       name);
        return -1;
    }
    return 0;
}

/*
 * A core dump's pace: the time a guest's memory takes to write, with
 * progress and cancel, but no stream (the dump file is written after).
 * Called unlocked.
 */
int
vxlSimPaceDump(vxlSim *sim, unsigned long long guestBytes,
               vxlJobToken *token, const char *name)
{
    unsigned long long step = (unsigned long long)VXL_SIM_CHUNK * VXL_SIM_MEMORY_SCALE;
    unsigned long long done = 0;

    vxlJobTokenSetProgress(token, 0, guestBytes);
    while (done < guestBytes) {
        unsigned long long n = MIN(step, guestBytes - done);

        if (vxlJobTokenCancelled(token)) {
            virReportError(VIR_ERR_OPERATION_ABORTED,
                           _("the core dump of domain '%s' was cancelled"),
                           name);
            return -1;
        }
        vxlSimPace(sim, n);
        done += n;
        vxlJobTokenSetProgress(token, done, guestBytes);
    }
    return 0;
}

/* ----- save ------------------------------------------------------------ */

/* Under the lock: the domain @domid of life @life, if it still exists. */
static vxlSimDomain *
vxlSimSameDomain(vxlSim *sim, uint32_t domid, unsigned long long life)
{
    vxlSimDomain *dom = vxlSimFindDomain(sim, domid);

    if (!dom || dom->life != life || dom->building)
        return NULL;
    return dom;
}

static virJSONValue *
vxlSimSaveState(const vxlSimDomain *dom, unsigned long long seed)
{
    g_autoptr(virJSONValue) state = virJSONValueNewObject();
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (virJSONValueObjectAppendString(state, "name", dom->name) < 0 ||
        virJSONValueObjectAppendString(state, "uuid",
                                       virUUIDFormat(dom->uuid, uuid)) < 0 ||
        virJSONValueObjectAppendString(state, "type",
                                       libxl_domain_type_to_string(dom->type)) < 0 ||
        virJSONValueObjectAppendNumberUlong(state, "maxKiB", dom->maxKiB) < 0 ||
        virJSONValueObjectAppendNumberUlong(state, "targetKiB", dom->targetKiB) < 0 ||
        virJSONValueObjectAppendNumberUint(state, "vcpusOnline", dom->vcpusOnline) < 0 ||
        virJSONValueObjectAppendNumberUlong(state, "cpuTimeNs", dom->cpuTimeNs) < 0 ||
        virJSONValueObjectAppendNumberUlong(state, "runUs", dom->runUs) < 0 ||
        virJSONValueObjectAppendNumberUlong(state, "seed", seed) < 0)
        return NULL;
    if (dom->vcpuMap) {
        g_autofree char *map = vxlSimVcpusFormat(dom);

        if (virJSONValueObjectAppendString(state, "vcpuMap", map) < 0)
            return NULL;
    }
    return g_steal_pointer(&state);
}

/* Write @imageBytes bytes of pattern @seed standing for @pace bytes of
 * guest memory, at the pace of those, after @sent bytes of earlier
 * rounds (progress); fails when the domain of @life is gone. */
static int
vxlSimWriteMemory(vxlSim *sim, int fd, const char *name,
                  unsigned long long seed, unsigned long long imageBytes,
                  uint32_t domid, unsigned long long life,
                  unsigned long long sent, unsigned long long pace,
                  vxlJobToken *token)
{
    g_autofree unsigned char *buf = g_new0(unsigned char, VXL_SIM_CHUNK);
    unsigned long long off = 0;
    size_t i;

    vxlJobTokenSetProgress(token, sent, sent + pace);
    while (off < imageBytes) {
        size_t n = MIN((unsigned long long)VXL_SIM_CHUNK, imageBytes - off);
        bool alive = false;

        if (vxlSimCheckCancel(token, name, true) < 0)
            return -1;
        for (i = 0; i < n; i++)
            buf[i] = vxlSimMemoryByte(seed, off + i);
        if (vxlSimWriteAll(fd, buf, n, name) < 0)
            return -1;
        vxlSimPace(sim, (unsigned long long)n * pace / imageBytes);
        off += n;
        vxlJobTokenSetProgress(token, sent + off * pace / imageBytes,
                               sent + pace);

        VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
            alive = !sim->closed && vxlSimSameDomain(sim, domid, life);
        }
        if (!alive) {
            virReportError(VIR_ERR_NO_DOMAIN,
                           _("domain '%s' (id %u) was destroyed while it was being saved"),
                           name, domid);
            return -1;
        }
    }
    return 0;
}

int
vxlSimSavePrecopy(vxlSim *sim, int fd, const char *name, uint32_t domid,
                  unsigned long long life, unsigned long long sent,
                  unsigned long long pace, vxlJobToken *token)
{
    unsigned long long imageBytes = vxlSimImageBytes(pace);
    unsigned char len[8];
    size_t i;

    for (i = 0; i < 8; i++)
        len[i] = (imageBytes >> (8 * i)) & 0xff;
    if (vxlSimWriteAll(fd, VXL_SIM_PRECOPY_MAGIC, VXL_SIM_STREAM_MAGIC_LEN,
                       name) < 0 ||
        vxlSimWriteAll(fd, len, sizeof(len), name) < 0)
        return -1;
    return vxlSimWriteMemory(sim, fd, name, 0, imageBytes, domid, life,
                             sent, pace, token);
}

static int
vxlSimWriteStream(vxlSim *sim, int fd, const char *name, const char *json,
                  unsigned long long seed, unsigned long long guestBytes,
                  uint32_t domid, unsigned long long life,
                  unsigned long long sent, unsigned long long pace,
                  vxlJobToken *token)
{
    unsigned long long imageBytes = vxlSimImageBytes(guestBytes);
    unsigned char len[8];
    unsigned long long jsonLen = strlen(json);
    size_t i;

    for (i = 0; i < 8; i++)
        len[i] = (jsonLen >> (8 * i)) & 0xff;
    if (vxlSimWriteAll(fd, VXL_SIM_STREAM_MAGIC, VXL_SIM_STREAM_MAGIC_LEN, name) < 0 ||
        vxlSimWriteAll(fd, len, sizeof(len), name) < 0 ||
        vxlSimWriteAll(fd, json, jsonLen, name) < 0 ||
        vxlSimWriteMemory(sim, fd, name, seed, imageBytes, domid, life,
                          sent, pace, token) < 0)
        return -1;
    return vxlSimWriteAll(fd, VXL_SIM_STREAM_END, strlen(VXL_SIM_STREAM_END), name);
}

/* What the save's first step, which stops the guest, hands the writer. */
typedef struct {
    vxlDomainState before;
    char *name;
    unsigned long long life;
    unsigned long long guestBytes;
    unsigned long long seed;
    char *json;
    /* A live save's copy rounds: the domain must still be the one copied. */
    const vxlSimCopyRounds *rounds;
} vxlSimSaveStart;

static int
vxlSimSaveStartAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom, long long now,
                   void *opaque)
{
    vxlSimSaveStart *st = opaque;
    g_autoptr(virJSONValue) state = NULL;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_SAVE) < 0)
        return -1;
    if (st->rounds && dom->life != st->rounds->life) {
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("domain '%s' (id %u) was destroyed while it was being saved"),
                       dom->name, dom->domid);
        return -1;
    }
    /* The guest stops first, so the image is of one instant. */
    vxlSimAccount(dom, now);
    st->before = dom->state;
    dom->state = VXL_DOMSTATE_PAUSED;
    dom->accountedAt = now;
    st->name = g_strdup(dom->name);
    st->life = dom->life;
    st->guestBytes = dom->targetKiB * 1024;
    st->seed = dom->cpuTimeNs ^ (dom->life << 20) ^ (unsigned long long)now;
    if (!(state = vxlSimSaveState(dom, st->seed)) ||
        !(st->json = virJSONValueToString(state, false))) {
        dom->state = st->before;
        return -1;
    }
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainSave(vxlBackend *be, uint32_t domid, int fd, vxlJobToken *token)
{
    return vxlSimSaveStopAndCopy(vxlSimGet(be), domid, fd, token, NULL);
}

int
vxlSimSaveStopAndCopy(vxlSim *sim, uint32_t domid, int fd, vxlJobToken *token,
                      const vxlSimCopyRounds *rounds)
{
    g_auto(vxlSimSnapshot) snap = { 0 };
    vxlSimSaveStart st = { .before = VXL_DOMSTATE_RUNNING, .rounds = rounds };
    g_autofree char *json = NULL;
    g_autofree char *name = NULL;
    vxlDomainState before;
    unsigned long long life;
    unsigned long long guestBytes;
    unsigned long long seed;
    int rc;

    rc = vxlSimWithDomain(sim, domid, vxlSimSaveStartAct, &st);
    json = st.json;
    name = st.name;
    if (rc < 0)
        return -1;
    before = st.before;
    life = st.life;
    guestBytes = st.guestBytes;
    seed = st.seed;

    VIR_DEBUG("saving domain %u (%s): %llu bytes of memory", domid, name,
              guestBytes);
    rc = vxlSimWriteStream(sim, fd, name, json, seed, guestBytes, domid,
                           life, rounds ? rounds->sent : 0,
                           rounds ? rounds->left : guestBytes, token);

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        long long now = g_get_monotonic_time();
        vxlSimDomain *dom = sim->closed ? NULL :
                            vxlSimSameDomain(sim, domid, life);

        if (!dom)
            break;
        vxlSimCatchUp(sim, now);
        if (rc == 0) {
            /* Suspended for good, as Xen leaves a saved guest: only the
             * caller's destroy follows, so no event is queued. */
            dom->state = VXL_DOMSTATE_SHUTDOWN;
            dom->reason = VXL_SHUTDOWN_SUSPEND;
        } else {
            dom->state = before;
        }
        dom->accountedAt = now;
        vxlSimDueUpdate(sim, dom);
        vxlSimSnapshotTake(sim, &snap, dom);
        vxlSimReschedule(sim, now);
    }
    vxlSimSave(sim, &snap);
    return rc;
}

/* ----- restore --------------------------------------------------------- */

/* Past one pre-copy record of a live save (its magic read already):
 * its pages are superseded by the last round's. */
static int
vxlSimSkipPrecopy(int fd, const char *name)
{
    g_autofree unsigned char *buf = g_new0(unsigned char, VXL_SIM_CHUNK);
    unsigned char len[8];
    unsigned long long left = 0;
    size_t i;

    if (vxlSimReadAll(fd, len, sizeof(len), name) < 0)
        return -1;
    for (i = 0; i < 8; i++)
        left |= (unsigned long long)len[i] << (8 * i);
    while (left > 0) {
        size_t n = MIN((unsigned long long)VXL_SIM_CHUNK, left);

        if (vxlSimReadAll(fd, buf, n, name) < 0)
            return -1;
        left -= n;
    }
    return 0;
}

static virJSONValue *
vxlSimReadState(int fd, const char *name)
{
    char magic[VXL_SIM_STREAM_MAGIC_LEN];
    unsigned char len[8];
    unsigned long long jsonLen = 0;
    g_autofree char *json = NULL;
    virJSONValue *state;
    size_t i;

    if (vxlSimReadAll(fd, magic, sizeof(magic), name) < 0)
        return NULL;
    while (memcmp(magic, VXL_SIM_PRECOPY_MAGIC, sizeof(magic)) == 0) {
        if (vxlSimSkipPrecopy(fd, name) < 0 ||
            vxlSimReadAll(fd, magic, sizeof(magic), name) < 0)
            return NULL;
    }
    if (memcmp(magic, VXL_SIM_STREAM_MAGIC, sizeof(magic)) != 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the saved state of domain '%s' is not a simulator stream"),
                       name);
        return NULL;
    }
    if (vxlSimReadAll(fd, len, sizeof(len), name) < 0)
        return NULL;
    for (i = 0; i < 8; i++)
        jsonLen |= (unsigned long long)len[i] << (8 * i);
    if (jsonLen == 0 || jsonLen > VXL_SIM_STREAM_MAX_STATE) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the saved state of domain '%s' is corrupt"), name);
        return NULL;
    }
    json = g_new0(char, jsonLen + 1);
    if (vxlSimReadAll(fd, json, jsonLen, name) < 0)
        return NULL;
    if (!(state = virJSONValueFromString(json))) {
        virResetLastError();
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the saved state of domain '%s' is corrupt"), name);
        return NULL;
    }
    return state;
}

static int
vxlSimReadMemory(vxlSim *sim, int fd, const char *name, unsigned long long seed,
                 unsigned long long guestBytes, vxlJobToken *token)
{
    unsigned long long imageBytes = vxlSimImageBytes(guestBytes);
    g_autofree unsigned char *buf = g_new0(unsigned char, VXL_SIM_CHUNK);
    char end[sizeof(VXL_SIM_STREAM_END) - 1];
    unsigned long long off = 0;
    size_t i;

    vxlJobTokenSetProgress(token, 0, guestBytes);
    while (off < imageBytes) {
        size_t n = MIN((unsigned long long)VXL_SIM_CHUNK, imageBytes - off);

        if (vxlSimCheckCancel(token, name, false) < 0 ||
            vxlSimReadAll(fd, buf, n, name) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            if (buf[i] != vxlSimMemoryByte(seed, off + i)) {
                virReportError(VIR_ERR_OPERATION_FAILED,
                               _("the saved memory of domain '%s' is corrupt at offset %llu"),
                               name, off + i);
                return -1;
            }
        }
        vxlSimPace(sim, (unsigned long long)n * guestBytes / imageBytes);
        off += n;
        vxlJobTokenSetProgress(token, off * guestBytes / imageBytes, guestBytes);
    }
    if (vxlSimReadAll(fd, end, sizeof(end), name) < 0)
        return -1;
    if (memcmp(end, VXL_SIM_STREAM_END, sizeof(end)) != 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the saved state of domain '%s' is corrupt"), name);
        return -1;
    }
    return 0;
}

int
vxlSimDomainRestore(vxlBackend *be, libxl_domain_config *dcfg,
                    const vxlGuestScript *script, int fd,
                    vxlJobToken *token, uint32_t *domid)
{
    vxlSim *sim = vxlSimGet(be);
    const char *name = dcfg->c_info.name ? dcfg->c_info.name : "";
    g_auto(vxlSimSnapshot) snap = { 0 };
    g_autoptr(virJSONValue) state = NULL;
    vxlGuestScript noBoot = { 0 };
    unsigned char savedUUID[VIR_UUID_BUFLEN];
    const char *uuidstr;
    const char *vcpuMap;
    unsigned long long targetKiB = 0;
    unsigned long long cpuTimeNs = 0;
    unsigned long long runUs = 0;
    unsigned long long seed = 0;
    unsigned int vcpus = 0;
    uint32_t id = 0;

    if (!(state = vxlSimReadState(fd, name)))
        return -1;
    if (!(uuidstr = virJSONValueObjectGetString(state, "uuid")) ||
        virUUIDParse(uuidstr, savedUUID) < 0 ||
        virJSONValueObjectGetNumberUlong(state, "targetKiB", &targetKiB) < 0 ||
        virJSONValueObjectGetNumberUlong(state, "cpuTimeNs", &cpuTimeNs) < 0 ||
        virJSONValueObjectGetNumberUlong(state, "runUs", &runUs) < 0 ||
        virJSONValueObjectGetNumberUlong(state, "seed", &seed) < 0 ||
        virJSONValueObjectGetNumberUint(state, "vcpusOnline", &vcpus) < 0) {
        virResetLastError();
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the saved state of domain '%s' is corrupt"), name);
        return -1;
    }
    vcpuMap = virJSONValueObjectGetString(state, "vcpuMap");
    if (memcmp(savedUUID, libxl_uuid_bytearray_const(&dcfg->c_info.uuid),
               VIR_UUID_BUFLEN) != 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the saved state is of another guest (uuid %s), not of domain '%s'"),
                       uuidstr, name);
        return -1;
    }

    /* The domain is built first, claiming its memory, as libxl does
     * before it reads the stream; a restore boots nothing. */
    if (script)
        noBoot = *script;
    noBoot.bootDelayMs = 0;
    if (vxlSimBackendOps.domainCreate(be, dcfg, &noBoot, true, &id) < 0)
        return -1;

    if (vxlSimReadMemory(sim, fd, name, seed, targetKiB * 1024, token) < 0) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        if (vxlSimBackendOps.domainDestroy(be, id) < 0)
            VIR_WARN("cannot destroy half-restored domain %u", id);
        virErrorRestore(&saved);
        return -1;
    }

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        long long now = g_get_monotonic_time();
        vxlSimDomain *dom = vxlSimFindDomain(sim, id);

        if (!dom)
            break;
        vxlSimCatchUp(sim, now);
        /* A balloon or vCPU count the new configuration cannot hold
         * keeps the configuration's. */
        if (targetKiB == 0 || targetKiB > dom->maxKiB)
            targetKiB = dom->targetKiB;
        if (vcpus == 0 || vcpus > dom->vcpusMax) {
            vcpus = dom->vcpusOnline;
            vcpuMap = NULL;
        }
        vxlSimDomainCarryOn(sim, dom, now, runUs, cpuTimeNs, targetKiB,
                            vcpus, vcpuMap, &snap);
    }
    vxlSimSave(sim, &snap);
    *domid = id;
    return 0;
}
