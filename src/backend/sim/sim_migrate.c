/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_migrate.c: the simulator's migration stream, over a real socket.
 *
 * It models what libxc's save/restore does for a live migration: a
 * first round sends all of the guest's memory while it runs, each later
 * round what the guest wrote meanwhile (its script's dirty-mib-per-s),
 * until little is left or libxc's round limit is reached; then the guest
 * is suspended and the rest goes in one last round (the downtime). A
 * guest that writes faster than the link carries never converges: after
 * the last round it has been stopped for as long as a full copy takes,
 * as on Xen. Copy time is proportional to memory, at VXL_SIM_LINK_MIBPS
 * or the migration's bandwidth cap, whichever is lower.
 *
 * The wire format (both ends are this file, but for the error line,
 * which the driver writes once the failed start has cleaned up):
 *   source:  "virtxl-sim-migration 1\n" and a JSON line naming the domain
 *   dest:    "ready\n" once it built the (paused) domain, or
 *            "error CODE MESSAGE\n" (vxlMigrateStreamSendError) and closes
 *   source:  per MiB of guest memory copied, "M ROUND 1\n" and
 *            VXL_SIM_WIRE_BYTES_PER_MIB bytes standing for its pages;
 *            then "E " and a JSON line with the guest's final state
 *   dest:    "done\n" once the domain is complete, or the error line;
 *            a destination failing while the source writes sends it
 *            too, and the source reads it when its write fails
 * The pages are not the guest's (the simulator keeps none): what is real
 * is the connection, its failures and its timing.
 */
#include "vxl_internal.h"

#include <sys/socket.h>

#include "sim_priv.h"
#include "backend_migrate.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_migrate");

#define VXL_SIM_MIGRATE_MAGIC "virtxl-sim-migration 1"
/* The simulated migration network: about a 10 Gb/s link. */
#define VXL_SIM_LINK_MIBPS 1024ULL
/* Bytes on the wire standing for one MiB of guest memory. */
#define VXL_SIM_WIRE_BYTES_PER_MIB 1024
/* libxc's save loop: at most this many rounds while the guest runs ... */
#define VXL_SIM_MAX_ROUNDS 5
/* ... and it stops early once a round left no more than this to send. */
#define VXL_SIM_STOP_COPY_MIB 1ULL

/* ----- source ---------------------------------------------------------- */

typedef struct _vxlSimSendState {
    vxlSim *sim;
    uint32_t domid;
    unsigned long long life;
    char *name;
    vxlMigrateStream *st;
    long long nextAt;              /* pacing: when the next MiB may go */
} vxlSimSendState;

static void
vxlSimSendStateClear(vxlSimSendState *s)
{
    g_free(s->name);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vxlSimSendState, vxlSimSendStateClear);

/* The domain we copy, brought up to @now, or an error when it is gone
 * (destroyed, or a new life under its id): a destroy while migrating
 * ends the migration. The caller holds the simulator's lock. */
static vxlSimDomain *
vxlSimMigrateSourceLocked(vxlSimSendState *s, long long now)
{
    vxlSimDomain *dom;

    vxlSimCatchUp(s->sim, now);
    if (s->sim->closed || !(dom = vxlSimFindDomain(s->sim, s->domid)) ||
        dom->life != s->life) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' disappeared while it was being migrated"),
                       s->name);
        return NULL;
    }
    return dom;
}

/* Whether the domain is still the one we copy, alive. */
static int
vxlSimMigrateCheckSource(vxlSimSendState *s)
{
    VIR_LOCK_GUARD lock = virLockGuardLock(&s->sim->lock);
    vxlSimDomain *dom;

    if (!(dom = vxlSimMigrateSourceLocked(s, g_get_monotonic_time())))
        return -1;
    return vxlSimCheckAlive(dom, VXL_BACKEND_OP_MIGRATE);
}

/* Send @mib MiB of round @round at the link's (or the cap's) pace. */
static int
vxlSimMigrateSendRound(vxlSimSendState *s, unsigned long long round,
                       unsigned long long mib, unsigned long long *left)
{
    g_autofree char *filler = g_malloc0(VXL_SIM_WIRE_BYTES_PER_MIB);
    g_autofree char *head = g_strdup_printf("M %llu 1\n", round);
    vxlMigrateStream *st = s->st;
    unsigned long long i;

    vxlMigrateStreamSet(&st->memIteration, round);
    for (i = 0; i < mib; i++) {
        unsigned long long cap = vxlMigrateStreamGet(&st->bandwidthMiBps);
        unsigned long long rate = cap && cap < VXL_SIM_LINK_MIBPS ?
                                  cap : VXL_SIM_LINK_MIBPS;
        long long now = g_get_monotonic_time();

        if (vxlMigrateStreamCancelled(st)) {
            virReportError(VIR_ERR_OPERATION_ABORTED,
                           _("migration of domain '%s' was cancelled"), s->name);
            return -1;
        }
        if (s->nextAt > now)
            g_usleep(s->nextAt - now);
        else
            s->nextAt = now;
        s->nextAt += G_USEC_PER_SEC / rate;

        if (vxlMigrateStreamWrite(st->fd, head, strlen(head)) < 0 ||
            vxlMigrateStreamWrite(st->fd, filler, VXL_SIM_WIRE_BYTES_PER_MIB) < 0) {
            int err = errno;

            if (vxlMigrateStreamCancelled(st))
                virReportError(VIR_ERR_OPERATION_ABORTED,
                               _("migration of domain '%s' was cancelled"), s->name);
            else if (!vxlMigrateStreamPeerFailed(st))
                virReportSystemError(err,
                                     _("cannot send the memory of domain '%s' to the destination host"),
                                     s->name);
            return -1;
        }
        (*left)--;
        vxlMigrateStreamSet(&st->memProcessed,
                            vxlMigrateStreamGet(&st->memProcessed) + 1024 * 1024);
        vxlJobTokenSetProgress(st->token, vxlMigrateStreamGet(&st->memProcessed),
                               vxlMigrateStreamGet(&st->memProcessed) +
                               *left * 1024 * 1024);
        vxlMigrateStreamSet(&st->memRemaining, *left * 1024 * 1024);
        /* A guest destroyed meanwhile is noticed every 64 MiB. */
        if (i % 64 == 63 && vxlSimMigrateCheckSource(s) < 0)
            return -1;
    }
    return 0;
}

static int
vxlSimMigratePauseSource(vxlSimSendState *s)
{
    g_auto(vxlSimSnapshot) snap = { 0 };

    VIR_WITH_MUTEX_LOCK_GUARD(&s->sim->lock) {
        long long now = g_get_monotonic_time();
        vxlSimDomain *dom;

        if (!(dom = vxlSimMigrateSourceLocked(s, now)))
            return -1;
        if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_MIGRATE) < 0)
            return -1;
        /* Its running time up to the stop, before the clock stops. */
        vxlSimAccount(dom, now);
        dom->state = VXL_DOMSTATE_PAUSED;
        dom->accountedAt = now;
        vxlSimDueUpdate(s->sim, dom);
        vxlSimSnapshotTake(s->sim, &snap, dom);
        vxlSimReschedule(s->sim, now);
    }
    vxlSimSave(s->sim, &snap);
    return 0;
}

/* How long the guest has run (this life), and whether it is paused now:
 * a guest paused during the copy (virsh migrate --timeout-suspend)
 * writes nothing more. */
static int
vxlSimMigrateSourceRunning(vxlSimSendState *s, unsigned long long *runUs,
                           bool *paused)
{
    VIR_LOCK_GUARD lock = virLockGuardLock(&s->sim->lock);
    long long now = g_get_monotonic_time();
    vxlSimDomain *dom;

    if (!(dom = vxlSimMigrateSourceLocked(s, now)))
        return -1;
    /* Accounting is lazy: bring the running time up to now. */
    vxlSimAccount(dom, now);
    *runUs = dom->runUs;
    *paused = dom->state == VXL_DOMSTATE_PAUSED;
    return 0;
}

/* The guest's state as the destination takes it over. */
static char *
vxlSimMigrateFinalState(vxlSimSendState *s)
{
    g_autoptr(virJSONValue) obj = virJSONValueNewObject();
    VIR_LOCK_GUARD lock = virLockGuardLock(&s->sim->lock);
    vxlSimDomain *dom;

    if (!(dom = vxlSimMigrateSourceLocked(s, g_get_monotonic_time())))
        return NULL;
    if (virJSONValueObjectAppendNumberUlong(obj, "runUs", dom->runUs) < 0 ||
        virJSONValueObjectAppendNumberUlong(obj, "cpuTimeNs", dom->cpuTimeNs) < 0 ||
        virJSONValueObjectAppendNumberUlong(obj, "targetKiB", dom->targetKiB) < 0 ||
        virJSONValueObjectAppendNumberUint(obj, "vcpusOnline", dom->vcpusOnline) < 0)
        return NULL;
    if (dom->vcpuMap) {
        g_autofree char *map = vxlSimVcpusFormat(dom);

        if (virJSONValueObjectAppendString(obj, "vcpuMap", map) < 0)
            return NULL;
    }
    return virJSONValueToString(obj, false);
}

int
vxlSimDomainMigrateSend(vxlBackend *be, uint32_t domid, vxlMigrateStream *st)
{
    g_auto(vxlSimSendState) s = { .sim = vxlSimGet(be), .domid = domid, .st = st };
    g_autoptr(virJSONValue) header = virJSONValueNewObject();
    g_autofree char *headerText = NULL;
    g_autofree char *final = NULL;
    unsigned long long memMiB = 0;
    unsigned long long dirtyMiBps = 0;
    unsigned long long round = 1;
    unsigned long long toSend;
    unsigned long long left;
    char uuid[VIR_UUID_STRING_BUFLEN];
    bool wasPaused = false;
    bool stopped = false;
    long long stoppedAt = 0;
    unsigned long long ran = 0;
    bool paused = false;

    VIR_WITH_MUTEX_LOCK_GUARD(&s.sim->lock) {
        vxlSimDomain *dom;

        vxlSimCatchUp(s.sim, g_get_monotonic_time());
        if (!(dom = vxlSimLookup(s.sim, domid)) ||
            vxlSimCheckAlive(dom, VXL_BACKEND_OP_MIGRATE) < 0)
            return -1;
        s.life = dom->life;
        s.name = g_strdup(dom->name);
        wasPaused = dom->state == VXL_DOMSTATE_PAUSED;
        memMiB = (dom->targetKiB + 1023) / 1024;
        dirtyMiBps = dom->script.dirtyMiBps;
        if (virJSONValueObjectAppendString(header, "name", dom->name) < 0 ||
            virJSONValueObjectAppendString(header, "uuid",
                                           virUUIDFormat(dom->uuid, uuid)) < 0 ||
            virJSONValueObjectAppendNumberUlong(header, "maxKiB", dom->maxKiB) < 0 ||
            virJSONValueObjectAppendNumberUlong(header, "targetKiB", dom->targetKiB) < 0)
            return -1;
    }
    if (!(headerText = virJSONValueToString(header, false)))
        return -1;

    vxlMigrateStreamSet(&st->memTotal, memMiB * 1024 * 1024);
    vxlMigrateStreamSet(&st->memRemaining, memMiB * 1024 * 1024);
    vxlMigrateStreamSet(&st->dirtyRate, dirtyMiBps * 256);
    st->progressKnown = true;

    if (vxlMigrateStreamWriteLine(st->fd, VXL_SIM_MIGRATE_MAGIC) < 0 ||
        vxlMigrateStreamWriteLine(st->fd, headerText) < 0) {
        int err = errno;

        if (!vxlMigrateStreamPeerFailed(st))
            virReportSystemError(err,
                                 _("cannot send domain '%s' to the destination host"),
                                 s.name);
        return -1;
    }
    if (!st->oneWay && vxlMigrateStreamExpect(st->fd, "ready", s.name) < 0)
        return -1;

    /* A paused guest writes nothing: one round is all it takes. */
    if (!st->live || wasPaused) {
        if (!wasPaused && vxlSimMigratePauseSource(&s) < 0)
            return -1;
        stopped = true;
        stoppedAt = g_get_monotonic_time();
    }

    toSend = left = memMiB;
    for (;;) {
        unsigned long long ran0 = 0;
        unsigned long long ran1 = 0;
        unsigned long long dirtied;
        bool pausedNow = false;

        if (!stopped &&
            vxlSimMigrateSourceRunning(&s, &ran0, &pausedNow) < 0)
            goto error;
        if (vxlSimMigrateSendRound(&s, round, toSend, &left) < 0)
            goto error;
        if (stopped)
            break;
        /* The guest writes while it runs, not while it is paused. */
        if (vxlSimMigrateSourceRunning(&s, &ran1, &pausedNow) < 0)
            goto error;
        dirtied = MIN(memMiB, dirtyMiBps * (ran1 - ran0) / G_USEC_PER_SEC);
        round++;
        toSend = left = dirtied;
        vxlMigrateStreamSet(&st->memRemaining, left * 1024 * 1024);
        if (pausedNow) {
            /* Paused during the copy: what it wrote goes in one last
             * round, and the downtime began with the pause. */
            stopped = true;
            stoppedAt = g_get_monotonic_time();
        } else if (dirtied <= VXL_SIM_STOP_COPY_MIB || round > VXL_SIM_MAX_ROUNDS) {
            /* Stop and copy the rest. */
            if (vxlSimMigratePauseSource(&s) < 0)
                goto error;
            stopped = true;
            stoppedAt = g_get_monotonic_time();
        }
        VIR_DEBUG("migration of %s: round %llu has %llu MiB to send",
                  s.name, round, toSend);
    }

    if (!(final = vxlSimMigrateFinalState(&s)))
        goto error;
    if (vxlMigrateStreamWrite(st->fd, "E ", 2) < 0 ||
        vxlMigrateStreamWriteLine(st->fd, final) < 0) {
        int err = errno;

        if (!vxlMigrateStreamPeerFailed(st))
            virReportSystemError(err,
                                 _("cannot send domain '%s' to the destination host"),
                                 s.name);
        goto error;
    }
    if (!st->oneWay && vxlMigrateStreamExpect(st->fd, "done", s.name) < 0)
        goto error;
    vxlMigrateStreamSet(&st->memRemaining, 0);
    vxlMigrateStreamSet(&st->downtimeMs,
                        (g_get_monotonic_time() - stoppedAt) / 1000);
    VIR_INFO("domain %s sent in %llu rounds", s.name, round);
    return 0;

 error:
    /* The guest runs on here as if nothing happened (also when it was
     * paused during the copy). */
    if (!wasPaused) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        ignore_value(shutdown(st->fd, SHUT_RDWR));
        if (vxlSimMigrateSourceRunning(&s, &ran, &paused) == 0 && paused &&
            be->ops->domainUnpause(be, domid) < 0)
            VIR_WARN("cannot resume domain %s after its failed migration", s.name);
        virErrorRestore(&saved);
    }
    return -1;
}

/* A pause while the send runs: the guest stops writing; the send's
 * loop sees it after the round under way. */
static int
vxlSimMigratePauseAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                      long long now, void *opaque G_GNUC_UNUSED)
{
    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_PAUSE) < 0)
        return -1;
    if (dom->state == VXL_DOMSTATE_PAUSED)
        return VXL_SIM_ACT_UNCHANGED;
    dom->state = VXL_DOMSTATE_PAUSED;
    dom->accountedAt = now;
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainMigratePauseSource(vxlBackend *be, uint32_t domid)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimMigratePauseAct, NULL);
}

/* A guest a save left suspended (shut down, reason suspend) carries on
 * from its suspend, as libxl_domain_resume with suspend_cancel has it:
 * paused first, so the caller's unpause decides whether it runs. */
static int
vxlSimCancelSuspendAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                       long long now, void *opaque G_GNUC_UNUSED)
{
    if (dom->state != VXL_DOMSTATE_SHUTDOWN ||
        dom->reason != VXL_SHUTDOWN_SUSPEND)
        return VXL_SIM_ACT_UNCHANGED;
    dom->state = VXL_DOMSTATE_PAUSED;
    dom->accountedAt = now;
    return VXL_SIM_ACT_CHANGED;
}

static int
vxlSimCancelSuspend(vxlBackend *be, uint32_t domid)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimCancelSuspendAct, NULL);
}

int
vxlSimDomainMigrateResume(vxlBackend *be, uint32_t domid, bool paused)
{
    vxlDomainInfo info = { 0 };
    int rc;

    if (vxlSimCancelSuspend(be, domid) < 0 ||
        be->ops->domainGetInfo(be, domid, &info) < 0)
        return -1;
    rc = 0;
    if (!paused && info.state == VXL_DOMSTATE_PAUSED)
        rc = be->ops->domainUnpause(be, domid);
    vxlDomainInfoClear(&info);
    return rc;
}

/* ----- destination ----------------------------------------------------- */

static int
vxlSimMigrateApplyFinal(vxlSim *sim, uint32_t domid, const char *text)
{
    g_autoptr(virJSONValue) obj = virJSONValueFromString(text);
    g_auto(vxlSimSnapshot) snap = { 0 };
    unsigned long long runUs, cpuTimeNs, targetKiB;
    unsigned int vcpus;
    const char *vcpuMap = obj ? virJSONValueObjectGetString(obj, "vcpuMap") : NULL;

    if (!obj ||
        virJSONValueObjectGetNumberUlong(obj, "runUs", &runUs) < 0 ||
        virJSONValueObjectGetNumberUlong(obj, "cpuTimeNs", &cpuTimeNs) < 0 ||
        virJSONValueObjectGetNumberUlong(obj, "targetKiB", &targetKiB) < 0 ||
        virJSONValueObjectGetNumberUint(obj, "vcpusOnline", &vcpus) < 0) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("the migration stream's final record is malformed"));
        return -1;
    }
    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        long long now = g_get_monotonic_time();
        vxlSimDomain *dom;

        vxlSimCatchUp(sim, now);
        if (!(dom = vxlSimLookup(sim, domid)))
            return -1;
        if (targetKiB > dom->maxKiB || vcpus == 0 || vcpus > dom->vcpusMax) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("the migration stream of domain '%s' does not fit its configuration"),
                           dom->name);
            return -1;
        }
        vxlSimDomainCarryOn(sim, dom, now, runUs, cpuTimeNs, targetKiB,
                            vcpus, vcpuMap, &snap);
    }
    vxlSimSave(sim, &snap);
    return 0;
}

int
vxlSimDomainMigrateReceive(vxlBackend *be, libxl_domain_config *dcfg,
                           const vxlGuestScript *script, vxlMigrateStream *st,
                           uint32_t *domid)
{
    vxlSim *sim = vxlSimGet(be);
    g_autofree char *magic = vxlMigrateStreamReadLine(st->fd);
    g_autofree char *headerText = NULL;
    g_autoptr(virJSONValue) header = NULL;
    g_autofree char *filler = g_malloc(VXL_SIM_WIRE_BYTES_PER_MIB);
    const char *name = dcfg->c_info.name;
    unsigned long long maxKiB = 0;
    vxlGuestScript migrated = { 0 };
    bool created = false;
    uint32_t id = 0;

    if (!magic || STRNEQ(magic, VXL_SIM_MIGRATE_MAGIC) ||
        !(headerText = vxlMigrateStreamReadLine(st->fd)) ||
        !(header = virJSONValueFromString(headerText)) ||
        virJSONValueObjectGetNumberUlong(header, "maxKiB", &maxKiB) < 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the incoming stream for domain '%s' is no simulator migration stream"),
                       name);
        goto error;
    }
    if (maxKiB != dcfg->b_info.max_memkb) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the incoming domain '%s' has %llu KiB of memory but its configuration here %llu KiB"),
                       name, maxKiB, (unsigned long long)dcfg->b_info.max_memkb);
        goto error;
    }

    /* Restoring builds the domain without booting it. */
    if (script)
        migrated = *script;
    migrated.bootDelayMs = 0;
    if (be->ops->domainCreate(be, dcfg, &migrated, true, &id) < 0)
        goto error;
    created = true;
    if (!st->oneWay && vxlMigrateStreamWriteLine(st->fd, "ready") < 0) {
        virReportSystemError(errno,
                             _("the source host of domain '%s' went away"), name);
        goto error;
    }

    for (;;) {
        g_autofree char *line = vxlMigrateStreamReadLine(st->fd);
        unsigned long long round, mib;
        bool broken = false;

        /* A cancel shuts the socket's reading half: whatever read it
         * cut short, the cancel is the reason. */
        if (line && !STRPREFIX(line, "E "))
            broken = sscanf(line, "M %llu %llu", &round, &mib) != 2 ||
                     mib != 1 ||
                     saferead(st->fd, filler, VXL_SIM_WIRE_BYTES_PER_MIB) !=
                     VXL_SIM_WIRE_BYTES_PER_MIB;
        if (vxlMigrateStreamCancelled(st)) {
            virReportError(VIR_ERR_OPERATION_ABORTED,
                           _("incoming migration of domain '%s' was cancelled"),
                           name);
            goto error;
        }
        if (!line) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("the migration stream of domain '%s' ended early: the source host went away"),
                           name);
            goto error;
        }
        if (STRPREFIX(line, "E ")) {
            if (vxlSimMigrateApplyFinal(sim, id, line + 2) < 0)
                goto error;
            break;
        }
        if (broken) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("the migration stream of domain '%s' is broken"),
                           name);
            goto error;
        }
        vxlMigrateStreamSet(&st->memIteration, round);
        vxlMigrateStreamSet(&st->memProcessed,
                            vxlMigrateStreamGet(&st->memProcessed) + 1024 * 1024);
        vxlJobTokenSetProgress(st->token, vxlMigrateStreamGet(&st->memProcessed),
                               MAX(maxKiB * 1024,
                                   vxlMigrateStreamGet(&st->memProcessed)));
    }
    if (!st->oneWay && vxlMigrateStreamWriteLine(st->fd, "done") < 0) {
        virReportSystemError(errno,
                             _("the source host of domain '%s' went away"), name);
        goto error;
    }
    *domid = id;
    return 0;

 error:
    /* The driver tells the source why, once its start has cleaned up. */
    if (created) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        if (be->ops->domainDestroy(be, id) < 0)
            VIR_WARN("cannot destroy the incomplete incoming domain %u", id);
        virErrorRestore(&saved);
    }
    return -1;
}
