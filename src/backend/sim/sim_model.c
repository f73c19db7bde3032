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
    for (i = 0; i < dom->ndisks; i++)
        vxlSimDiskClear(&dom->disks[i]);
    g_free(dom->disks);
    for (i = 0; i < dom->nnics; i++)
        vxlSimNicClear(&dom->nics[i]);
    g_free(dom->nics);
    g_free(dom);
}

vxlSim *
vxlSimNew(void)
{
    vxlSim *sim = g_new0(vxlSim, 1);

    sim->refs = 1;
    if (virMutexInit(&sim->lock) < 0 || virMutexInit(&sim->saveLock) < 0)
        abort();
    sim->domains = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                         (GDestroyNotify)vxlSimDomainFree);
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
    if (!sim || !g_atomic_int_dec_and_test(&sim->refs))
        return;
    g_hash_table_destroy(sim->domains);
    g_array_free(sim->pending, TRUE);
    if (sim->pci)
        g_ptr_array_unref(sim->pci);
    vxlHostFactsClear(&sim->facts);
    g_free(sim->profilePath);
    g_free(sim->statePath);
    virMutexDestroy(&sim->lock);
    virMutexDestroy(&sim->saveLock);
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
    GHashTableIter it;
    vxlSimDomain *dom;

    g_hash_table_iter_init(&it, sim->domains);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
        if (STREQ(dom->name, name))
            return dom;
    }
    return NULL;
}

vxlSimDomain *
vxlSimFindByUUID(vxlSim *sim, const unsigned char *uuid)
{
    GHashTableIter it;
    vxlSimDomain *dom;

    g_hash_table_iter_init(&it, sim->domains);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
        if (memcmp(dom->uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return dom;
    }
    return NULL;
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
    unsigned long long used = sim->facts.dom0KiB;
    GHashTableIter it;
    vxlSimDomain *dom;

    g_hash_table_iter_init(&it, sim->domains);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom))
        used += vxlSimDomainFootprint(dom);
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

/*
 * Bring the whole model up to @now: account every domain and carry out
 * each guest action whose deadline has passed, at its deadline. A domain
 * acts at most once per call, and once per life: every action ends the
 * running state. Returns whether any domain changed state.
 */
bool
vxlSimAdvance(vxlSim *sim, long long now)
{
    GHashTableIter it;
    vxlSimDomain *dom;
    bool changed = false;

    g_hash_table_iter_init(&it, sim->domains);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
        vxlShutdownReason reason;
        long long due;

        if (!vxlSimNextDue(dom, &due, &reason) || due > now) {
            vxlSimAccount(dom, now);
            continue;
        }
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
        changed = true;
    }
    if (changed)
        sim->dirty = true;
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

/* ----- the timer ------------------------------------------------------- */

/* Arm the timer for the earliest of: undelivered events or unsaved
 * changes (now), the next guest action, nothing. */
void
vxlSimReschedule(vxlSim *sim, long long now)
{
    GHashTableIter it;
    vxlSimDomain *dom;
    bool any = false;
    long long next = 0;
    long long ms;

    if (sim->timer < 0)
        return;
    if (sim->pending->len > 0 || sim->dirty) {
        virEventUpdateTimeout(sim->timer, 0);
        return;
    }
    g_hash_table_iter_init(&it, sim->domains);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
        vxlShutdownReason reason;
        long long due;

        if (vxlSimNextDue(dom, &due, &reason) && (!any || due < next)) {
            next = due;
            any = true;
        }
    }
    if (!any) {
        virEventUpdateTimeout(sim->timer, -1);
        return;
    }
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
        if (sim->dirty)
            vxlSimSnapshotTake(sim, &snap);
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
