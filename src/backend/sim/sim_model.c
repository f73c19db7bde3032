/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_model.c: the simulated Xen host: domains, time, guest behaviour.
 *
 * Time. Every domain accounts its own running time (runUs) against the
 * monotonic clock; a guest script's deadlines ("crash after 500 ms") and a
 * pending shutdown request are points on that running-time axis, so
 * pausing a domain freezes them without any bookkeeping: a paused guest
 * cannot act. The model is brought up to date lazily, by vxlSimAdvance(),
 * at the start of every hook and from the one event-loop timer. A
 * transition therefore happens at its exact deadline even when it is first
 * noticed later (CPU time is accounted only up to the deadline), and the
 * model stays right without an event loop at all (the offline tool);
 * the timer exists to raise events promptly.
 *
 * Events. A transition queues a vxlSimEvent; only the timer callback
 * delivers them, on the event-loop thread and with no lock held, as
 * backend.h requires. A transition noticed by a hook on a worker thread
 * arms the timer at 0 ms to get there.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "virutil.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_model");

/* The timer never sleeps longer than this: libvirt timers take an int of
 * milliseconds, and script deadlines can be further away. It wakes, finds
 * nothing due, and sleeps again. */
#define VXL_SIM_TIMER_MAX_MS (3600 * 1000)

VIR_ENUM_IMPL(vxlSimState,
              VXL_DOMSTATE_LAST,
              "running", "blocked", "paused", "shutdown", "crashed", "dying",
);

VIR_ENUM_IMPL(vxlSimReason,
              VXL_SHUTDOWN_SOFT_RESET + 1,
              "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset",
);

VIR_ENUM_IMPL(vxlSimRequest,
              VXL_SIM_REQUEST_LAST,
              "none", "poweroff", "reboot",
);

VIR_ENUM_IMPL(vxlSimShutdownPolicy,
              VXL_GUEST_SHUTDOWN_REBOOT + 1,
              "honour", "ignore", "reboot",
);

/* ----- lifetime -------------------------------------------------------- */

vxlSimDomain *
vxlSimDomainNew(void)
{
    vxlSimDomain *dom = g_new0(vxlSimDomain, 1);

    dom->type = LIBXL_DOMAIN_TYPE_INVALID;
    return dom;
}

void
vxlSimDomainFree(vxlSimDomain *dom)
{
    size_t i;

    if (!dom)
        return;
    g_free(dom->name);
    virJSONValueFree(dom->config);
    g_free(dom->control);
    vxlSimAgentStop(dom->agent);
    vxlSimConsolesFree(dom->consoles);
    vxlSimDisplayClose(dom->display);
    for (i = 0; i < dom->ndisks; i++)
        vxlSimDiskClear(&dom->disks[i]);
    g_free(dom->disks);
    for (i = 0; i < dom->nnics; i++)
        vxlSimNicClear(&dom->nics[i]);
    g_free(dom->nics);
    virBitmapFree(dom->vcpuMap);
    g_free(dom);
}

static guint
vxlSimUUIDHash(gconstpointer key)
{
    const unsigned char *uuid = key;
    guint h = 0;
    size_t i;

    /* UUIDs are random: any 4 of their bytes spread well. */
    for (i = 0; i < sizeof(h); i++)
        h = (h << 8) | uuid[i];
    return h;
}

static gboolean
vxlSimUUIDEqual(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, VIR_UUID_BUFLEN) == 0;
}

/* vxlSim.dues is keyed by the domains themselves: due, then life. */
static gint
vxlSimDueCompare(gconstpointer a, gconstpointer b)
{
    const vxlSimDomain *da = a;
    const vxlSimDomain *db = b;

    if (da->due != db->due)
        return da->due < db->due ? -1 : 1;
    return da->life < db->life ? -1 : da->life > db->life;
}

vxlSim *
vxlSimNew(void)
{
    vxlSim *sim = g_new0(vxlSim, 1);
    size_t i;

    sim->refs = 1;
    if (virMutexInit(&sim->lock) < 0 || virMutexInit(&sim->hostSaveLock) < 0 ||
        virMutexInit(&sim->retryLock) < 0 || virCondInit(&sim->buildCond) < 0)
        abort();
    for (i = 0; i < VXL_SIM_SAVE_STRIPES; i++) {
        if (virMutexInit(&sim->saveLocks[i]) < 0)
            abort();
    }
    sim->domains = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                         (GDestroyNotify)vxlSimDomainFree);
    sim->byName = g_hash_table_new(g_str_hash, g_str_equal);
    sim->byUUID = g_hash_table_new(vxlSimUUIDHash, vxlSimUUIDEqual);
    sim->dues = g_tree_new(vxlSimDueCompare);
    sim->dirtyDoms = g_ptr_array_new();
    sim->pending = g_array_new(FALSE, FALSE, sizeof(vxlSimEvent));
    sim->timer = -1;
    sim->nextLife = 1;
    return sim;
}

vxlSim *
vxlSimRef(vxlSim *sim)
{
    g_atomic_int_inc(&sim->refs);
    return sim;
}

void
vxlSimUnref(vxlSim *sim)
{
    size_t i;

    if (!sim || !g_atomic_int_dec_and_test(&sim->refs))
        return;
    vxlSimDomainRemoveAll(sim);
    g_hash_table_destroy(sim->domains);
    g_hash_table_destroy(sim->byName);
    g_hash_table_destroy(sim->byUUID);
    g_tree_destroy(sim->dues);
    g_ptr_array_free(sim->dirtyDoms, TRUE);
    g_array_free(sim->pending, TRUE);
    if (sim->pci)
        g_ptr_array_unref(sim->pci);
    if (sim->usb)
        g_ptr_array_unref(sim->usb);
    vxlHostFactsClear(&sim->facts);
    g_free(sim->profilePath);
    g_free(sim->statePath);
    g_free(sim->legacyPath);
    g_free(sim->savedSeqs);
    virCondDestroy(&sim->buildCond);
    virMutexDestroy(&sim->lock);
    virMutexDestroy(&sim->hostSaveLock);
    if (sim->retry) {
        for (i = 0; i < sim->retry->len; i++)
            g_free(g_array_index(sim->retry, vxlSimRecord, i).json);
        g_array_unref(sim->retry);
    }
    virMutexDestroy(&sim->retryLock);
    for (i = 0; i < VXL_SIM_SAVE_STRIPES; i++)
        virMutexDestroy(&sim->saveLocks[i]);
    g_free(sim);
}

/* ----- lookups and memory ---------------------------------------------- */

vxlSimDomain *
vxlSimFindDomain(vxlSim *sim, uint32_t domid)
{
    return g_hash_table_lookup(sim->domains, GUINT_TO_POINTER(domid));
}

vxlSimDomain *
vxlSimFindByName(vxlSim *sim, const char *name)
{
    return g_hash_table_lookup(sim->byName, name);
}

vxlSimDomain *
vxlSimFindByUUID(vxlSim *sim, const unsigned char *uuid)
{
    return g_hash_table_lookup(sim->byUUID, uuid);
}

/* Enter @dom, whose name, uuid and domid are free, into the model and
 * its indexes; the model owns it from now on. */
void
vxlSimDomainInsert(vxlSim *sim, vxlSimDomain *dom)
{
    g_hash_table_insert(sim->domains, GUINT_TO_POINTER(dom->domid), dom);
    g_hash_table_insert(sim->byName, dom->name, dom);
    g_hash_table_insert(sim->byUUID, dom->uuid, dom);
    sim->usedKiB += vxlSimDomainFootprint(dom);
    vxlSimDueUpdate(sim, dom);
}

static void
vxlSimDomainUnindex(vxlSim *sim, vxlSimDomain *dom)
{
    if (dom->dueQueued)
        g_tree_remove(sim->dues, dom);
    dom->dueQueued = false;
    if (dom->dirty)
        g_ptr_array_remove_fast(sim->dirtyDoms, dom);
    dom->dirty = false;
    g_hash_table_remove(sim->byName, dom->name);
    g_hash_table_remove(sim->byUUID, dom->uuid);
    sim->usedKiB -= vxlSimDomainFootprint(dom);
}

/* Take @dom out of the model and free it. */
void
vxlSimDomainRemove(vxlSim *sim, vxlSimDomain *dom)
{
    vxlSimDomainUnindex(sim, dom);
    g_hash_table_remove(sim->domains, GUINT_TO_POINTER(dom->domid));
}

void
vxlSimDomainRemoveAll(vxlSim *sim)
{
    g_hash_table_remove_all(sim->byName);
    g_hash_table_remove_all(sim->byUUID);
    g_tree_destroy(sim->dues);
    sim->dues = g_tree_new(vxlSimDueCompare);
    g_ptr_array_set_size(sim->dirtyDoms, 0);
    g_hash_table_remove_all(sim->domains);
    sim->usedKiB = 0;
}

/* A new name and, if @uuid, a new UUID, kept in the indexes. */
void
vxlSimDomainSetName(vxlSim *sim, vxlSimDomain *dom, const char *name,
                    const unsigned char *uuid)
{
    g_hash_table_remove(sim->byName, dom->name);
    g_free(dom->name);
    dom->name = g_strdup(name);
    g_hash_table_insert(sim->byName, dom->name, dom);
    if (uuid) {
        g_hash_table_remove(sim->byUUID, dom->uuid);
        memcpy(dom->uuid, uuid, VIR_UUID_BUFLEN);
        g_hash_table_insert(sim->byUUID, dom->uuid, dom);
    }
}

void
vxlSimDomainSetMaxKiB(vxlSim *sim, vxlSimDomain *dom, unsigned long long maxKiB)
{
    sim->usedKiB -= vxlSimDomainFootprint(dom);
    dom->maxKiB = maxKiB;
    sim->usedKiB += vxlSimDomainFootprint(dom);
}

/* Queue @dom for the snapshot that the timer (or the next hook) takes:
 * the model changed it by itself, a guest acted. */
void
vxlSimMarkDirty(vxlSim *sim, vxlSimDomain *dom)
{
    if (dom->dirty)
        return;
    dom->dirty = true;
    g_ptr_array_add(sim->dirtyDoms, dom);
}

/*
 * What a domain takes from the host: its whole maximum reservation plus
 * video RAM and the shadow/HAP pool. The simulator reserves the maximum,
 * not the current balloon target, so that a guest can always balloon back
 * up to it; memory is never overcommitted.
 */
unsigned long long
vxlSimDomainFootprint(const vxlSimDomain *dom)
{
    return dom->maxKiB + dom->videoKiB + dom->shadowKiB;
}

unsigned long long
vxlSimFreeKiB(vxlSim *sim)
{
    unsigned long long used = sim->facts.dom0KiB + sim->usedKiB;

    /* Only a state file written under a bigger profile can overcommit. */
    return used >= sim->facts.totalKiB ? 0 : sim->facts.totalKiB - used;
}

/*
 * Xen's allocation (XEN_DOMCTL_createdomain): search upwards from the id
 * after the last one handed out, wrap from the first reserved id back to
 * 1, and skip ids in use. An id is thus not reused until the whole space
 * has gone round, which keeps a stale domid from naming a new domain.
 */
int
vxlSimAllocDomid(vxlSim *sim, uint32_t *domid)
{
    uint32_t id = sim->lastDomid;
    uint32_t n;

    for (n = 1; n < VXL_SIM_DOMID_FIRST_RESERVED; n++) {
        id++;
        if (id >= VXL_SIM_DOMID_FIRST_RESERVED)
            id = 1;
        if (!vxlSimFindDomain(sim, id)) {
            sim->lastDomid = id;
            *domid = id;
            return 0;
        }
    }
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("no free domain id: all %d ids are in use"),
                   VXL_SIM_DOMID_FIRST_RESERVED - 1);
    return -1;
}

/* ----- time and guest behaviour ---------------------------------------- */

/* Bring @dom's running time and CPU time up to @now. */
void
vxlSimAccount(vxlSimDomain *dom, long long now)
{
    if (now <= dom->accountedAt)
        return;
    if (!dom->building && dom->state == VXL_DOMSTATE_RUNNING) {
        unsigned long long us = now - dom->accountedAt;

        dom->runUs += us;
        /* ns = us * 1000 * permille / 1000 */
        dom->cpuTimeNs += us * dom->vcpusOnline * VXL_SIM_DUTY_PERMILLE;
    }
    dom->accountedAt = now;
}

/*
 * The next thing the guest will do by itself, as a point in its running
 * time. On a tie the order below decides: a crash preempts everything, the
 * watchdog fires before the guest gets to act, and the guest's own actions
 * come before its answer to a toolstack request.
 */
static bool
vxlSimNextAction(const vxlSimDomain *dom, unsigned long long *atRunUs,
                 vxlShutdownReason *reason)
{
    const struct {
        unsigned int afterMs;
        vxlShutdownReason reason;
    } items[] = {
        { dom->script.crashAfterMs, VXL_SHUTDOWN_CRASH },
        { dom->script.watchdogAfterMs, VXL_SHUTDOWN_WATCHDOG },
        { dom->script.poweroffAfterMs, VXL_SHUTDOWN_POWEROFF },
        { dom->script.rebootAfterMs, VXL_SHUTDOWN_REBOOT },
        { dom->script.softResetAfterMs, VXL_SHUTDOWN_SOFT_RESET },
    };
    bool found = false;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(items); i++) {
        unsigned long long at = items[i].afterMs * 1000ULL;

        if (items[i].afterMs == 0 || (found && at >= *atRunUs))
            continue;
        *atRunUs = at;
        *reason = items[i].reason;
        found = true;
    }
    if (dom->request != VXL_SIM_REQUEST_NONE && dom->requestActs &&
        (!found || dom->requestAtRunUs < *atRunUs)) {
        *atRunUs = dom->requestAtRunUs;
        *reason = dom->requestReason;
        found = true;
    }
    return found;
}

/* Wall-clock (monotonic) time at which @dom's next action is due. */
static bool
vxlSimNextDue(const vxlSimDomain *dom, long long *due,
              vxlShutdownReason *reason)
{
    unsigned long long at = 0;

    if (dom->building || dom->state != VXL_DOMSTATE_RUNNING ||
        !vxlSimNextAction(dom, &at, reason))
        return false;
    *due = dom->accountedAt + (at > dom->runUs ? (long long)(at - dom->runUs) : 0);
    return true;
}

void
vxlSimQueueEvent(vxlSim *sim, vxlSimDomain *dom)
{
    vxlSimEvent ev = {
        .domid = dom->domid, .life = dom->life, .reason = dom->reason,
    };

    if (!sim->events.domainShutdown)
        return;
    g_array_append_val(sim->pending, ev);
}

/* A destroyed domain's undelivered events die with it: the driver asked
 * for the destroy and expects no event for it (backend.h). */
void
vxlSimDropEvents(vxlSim *sim, const vxlSimDomain *dom)
{
    guint i = 0;

    while (i < sim->pending->len) {
        if (g_array_index(sim->pending, vxlSimEvent, i).life == dom->life)
            g_array_remove_index(sim->pending, i);
        else
            i++;
    }
}

static gboolean
vxlSimDueFirstCb(gpointer key, gpointer value G_GNUC_UNUSED, gpointer data)
{
    *(vxlSimDomain **)data = key;
    return TRUE;                   /* stop at the first, the earliest */
}

/* The domain whose next action is due first, or NULL. */
static vxlSimDomain *
vxlSimDueFirst(vxlSim *sim)
{
    vxlSimDomain *first = NULL;

    g_tree_foreach(sim->dues, vxlSimDueFirstCb, &first);
    return first;
}

/*
 * Keep @dom's place in vxlSim.dues right after a change to its state,
 * its script or its pending request. Its due time does not move while it
 * runs (running time and the clock advance together), so only such
 * changes need this.
 */
void
vxlSimDueUpdate(vxlSim *sim, vxlSimDomain *dom)
{
    vxlShutdownReason reason;
    long long due;

    if (dom->dueQueued)
        g_tree_remove(sim->dues, dom);
    dom->dueQueued = false;
    if (!vxlSimNextDue(dom, &due, &reason))
        return;
    dom->due = due;
    dom->dueQueued = true;
    g_tree_insert(sim->dues, dom, dom);
}

/*
 * Bring the model up to @now: carry out each guest action whose deadline
 * has passed, at its deadline, taking the domains in order of their
 * deadlines. Other domains are left alone: a domain's clock is brought up
 * to date when a hook looks at it (vxlSimLookup), so the cost is that of
 * the domains that act. A domain acts at most once per call, and once per
 * life: every action ends the running state. Returns whether any domain
 * changed state.
 */
bool
vxlSimAdvance(vxlSim *sim, long long now)
{
    bool changed = false;
    vxlSimDomain *dom;

    sim->now = now;
    while ((dom = vxlSimDueFirst(sim))) {
        vxlShutdownReason reason;
        long long due;

        if (dom->due > now)
            break;
        g_tree_remove(sim->dues, dom);
        dom->dueQueued = false;
        if (!vxlSimNextDue(dom, &due, &reason))
            continue;
        vxlSimAccount(dom, due);
        dom->accountedAt = now;
        dom->state = reason == VXL_SHUTDOWN_CRASH ? VXL_DOMSTATE_CRASHED
                                                  : VXL_DOMSTATE_SHUTDOWN;
        dom->reason = reason;
        dom->request = VXL_SIM_REQUEST_NONE;
        VIR_DEBUG("domain %u (%s) %s, reason %s, after %llu us of running time",
                  dom->domid, dom->name, vxlSimStateTypeToString(dom->state),
                  vxlSimReasonTypeToString(reason), dom->runUs);
        vxlSimQueueEvent(sim, dom);
        vxlSimMarkDirty(sim, dom);
        changed = true;
    }
    return changed;
}

/*
 * The start of every hook. What the catch-up changes (a guest acted) is
 * not the hook's doing: the timer, armed at once, saves and announces it
 * whether the hook goes on to succeed or not.
 */
void
vxlSimCatchUp(vxlSim *sim, long long now)
{
    if (vxlSimAdvance(sim, now))
        vxlSimReschedule(sim, now);
}

/*
 * The frame of every hook that acts on one domain: under the lock, bring
 * the model up to now, look @domid up, let @act check and change it, then
 * keep the model's queue, state files and timer in step with what it did
 * (see vxlSimActResult); the records are written once the lock is
 * dropped. An @act that fails (-1, error reported) has changed nothing.
 */
int
vxlSimWithDomain(vxlSim *sim, uint32_t domid, vxlSimAct act, void *opaque)
{
    g_auto(vxlSimSnapshot) snap = { 0 };

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        long long now = g_get_monotonic_time();
        vxlSimDomain *dom;
        int rc;

        vxlSimCatchUp(sim, now);
        if (!(dom = vxlSimLookup(sim, domid)) ||
            (rc = act(sim, dom, now, opaque)) < 0)
            return -1;
        switch ((vxlSimActResult)rc) {
        case VXL_SIM_ACT_UNCHANGED:
            return 0;
        case VXL_SIM_ACT_REMOVE:
            vxlSimDropEvents(sim, dom);
            vxlSimSnapshotForget(sim, &snap, dom);
            vxlSimDomainRemove(sim, dom);
            break;
        case VXL_SIM_ACT_CHANGED:
        default:
            vxlSimDueUpdate(sim, dom);
            vxlSimSnapshotTake(sim, &snap, dom);
            break;
        }
        vxlSimReschedule(sim, now);
    }
    vxlSimSave(sim, &snap);
    return 0;
}

/* ----- the timer ------------------------------------------------------- */

/* Arm the timer for the earliest of: undelivered events or unsaved
 * changes (now), the next guest action, nothing. */
void
vxlSimReschedule(vxlSim *sim, long long now)
{
    vxlSimDomain *first;
    long long next;
    long long ms;

    if (sim->timer < 0)
        return;
    if (sim->pending->len > 0 || sim->dirtyDoms->len > 0 || sim->hostDirty) {
        virEventUpdateTimeout(sim->timer, 0);
        return;
    }
    if (!(first = vxlSimDueFirst(sim))) {
        virEventUpdateTimeout(sim->timer, -1);
        return;
    }
    next = first->due;
    /* Round up: waking a little late is harmless, waking early costs a
     * second wake-up. */
    ms = next > now ? (next - now + 999) / 1000 : 0;
    virEventUpdateTimeout(sim->timer, MIN(ms, VXL_SIM_TIMER_MAX_MS));
}

static void
vxlSimTimerFire(int timer G_GNUC_UNUSED, void *opaque)
{
    vxlSim *sim = opaque;
    g_auto(vxlSimSnapshot) snap = { 0 };
    g_autoptr(GArray) events = NULL;
    long long now = g_get_monotonic_time();
    guint i;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        if (sim->closed)
            return;
        vxlSimAdvance(sim, now);
        vxlSimSnapshotTake(sim, &snap, NULL);
        events = g_steal_pointer(&sim->pending);
        sim->pending = g_array_new(FALSE, FALSE, sizeof(vxlSimEvent));
        vxlSimReschedule(sim, now);
    }

    vxlSimSave(sim, &snap);

    /* No lock held: the driver may call straight back into a hook. */
    for (i = 0; i < events->len; i++) {
        vxlSimEvent *ev = &g_array_index(events, vxlSimEvent, i);

        VIR_DEBUG("event: domain %u shut down, reason %s",
                  ev->domid, vxlSimReasonTypeToString(ev->reason));
        sim->events.domainShutdown(ev->domid, ev->reason, sim->eventsOpaque);
    }
}

/* libvirt calls this once the timer is removed and no dispatch of it can
 * be running any more: only then may the model go. */
static void
vxlSimTimerFree(void *opaque)
{
    vxlSimUnref(opaque);
}

/* Without an event loop (the offline tool, some tests) the model still
 * works, lazily, but raises no events. */
int
vxlSimTimerCreate(vxlSim *sim)
{
    vxlSimRef(sim);
    sim->timer = virEventAddTimeout(-1, vxlSimTimerFire, sim, vxlSimTimerFree);
    if (sim->timer < 0) {
        vxlSimUnref(sim);
        if (sim->events.domainShutdown)
            VIR_WARN("no event loop: simulated guests will not raise events");
        return -1;
    }
    return 0;
}

void
vxlSimTimerRemove(vxlSim *sim)
{
    if (sim->timer < 0)
        return;
    virEventRemoveTimeout(sim->timer);
    sim->timer = -1;
}

/* ----- reporting ------------------------------------------------------- */

void
vxlSimDomainInfoFill(const vxlSimDomain *dom, vxlDomainInfo *info)
{
    memset(info, 0, sizeof(*info));
    info->domid = dom->domid;
    memcpy(info->uuid, dom->uuid, VIR_UUID_BUFLEN);
    info->name = g_strdup(dom->name);
    info->state = dom->state;
    /* Inside its CPU burst a guest has a vCPU on a pCPU; outside it every
     * vCPU waits for an event (see VXL_SIM_DUTY_PERMILLE). */
    if (dom->state == VXL_DOMSTATE_RUNNING &&
        dom->runUs % VXL_SIM_DUTY_PERIOD_US >=
        VXL_SIM_DUTY_PERIOD_US * VXL_SIM_DUTY_PERMILLE / 1000)
        info->state = VXL_DOMSTATE_BLOCKED;
    if (dom->state == VXL_DOMSTATE_SHUTDOWN ||
        dom->state == VXL_DOMSTATE_CRASHED)
        info->shutdownReason = dom->reason;
    info->currentKiB = dom->targetKiB;
    info->maxKiB = dom->maxKiB;
    info->vcpusOnline = dom->vcpusOnline;
    info->vcpusMax = dom->vcpusMax;
    info->cpuTimeNs = dom->cpuTimeNs;
}

/*
 * A copy of the host facts with @freeKiB free. Free memory per NUMA node
 * is the host's shared in proportion to node sizes: the simulator does
 * not model placement of a domain's pages on nodes. Needs no lock (the
 * facts never change), and must not hold it: the host name may take a
 * resolver lookup.
 */
void
vxlSimHostFactsFill(vxlSim *sim, unsigned long long freeKiB,
                    vxlHostFacts *facts)
{
    unsigned long long given = 0;
    size_t i;

    vxlSimHostFactsCopy(facts, &sim->facts);
    if (!facts->hostname && !(facts->hostname = virGetHostnameQuiet()))
        facts->hostname = g_strdup("localhost");
    for (i = 0; i < facts->nnodes; i++) {
        unsigned __int128 share = (unsigned __int128)freeKiB *
                                  facts->nodes[i].memoryKiB / facts->totalKiB;

        facts->nodes[i].freeKiB = share;
        given += share;
    }
    /* Rounding leftovers go to node 0, so the nodes add up to the host. */
    if (facts->nnodes > 0)
        facts->nodes[0].freeKiB += freeKiB - given;
}

/* Same running time (so the guest script's deadlines keep their place),
 * CPU time, balloon and vCPUs as when the guest stopped. */
void
vxlSimDomainCarryOn(vxlSim *sim, vxlSimDomain *dom, long long now,
                    unsigned long long runUs, unsigned long long cpuTimeNs,
                    unsigned long long targetKiB, unsigned int vcpus,
                    const char *vcpuMap, vxlSimSnapshot *snap)
{
    dom->runUs = runUs;
    dom->cpuTimeNs = cpuTimeNs;
    dom->targetKiB = targetKiB;
    /* A map that does not fit (another config) leaves the count. */
    vxlSimVcpusSetCount(dom, vcpus);
    if (vcpuMap && vxlSimVcpusSetList(dom, vcpuMap) < 0) {
        VIR_WARN("domain %s keeps its first %u vCPUs online, not %s: %s",
                 dom->name, vcpus, vcpuMap, virGetLastErrorMessage());
        virResetLastError();
    }
    dom->accountedAt = now;
    vxlSimDueUpdate(sim, dom);
    vxlSimSnapshotTake(sim, snap, dom);
    vxlSimReschedule(sim, now);
}
