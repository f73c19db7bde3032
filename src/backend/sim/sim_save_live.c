/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_save_live.c: the simulator's live save (snapshot-create --live),
 * modelled on libxc's save loop with LIBXL_SUSPEND_LIVE: a first round
 * copies all of the guest's memory while it runs, each later round what
 * the guest wrote meanwhile (its script's dirty-mib-per-s), until
 * little is left or the round limit is reached; then the guest stops and
 * the rest goes in a last round, as sim_save.c's stop-and-copy. A guest
 * that writes faster than the save rate never converges: after the last
 * round it stands still for as long as a full copy takes, as on Xen.
 * Each earlier round is a pre-copy record in the stream (sim_save.c), so
 * the file grows round by round and a full disk can strike in any.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_save_live");

/* libxc's save loop: at most this many rounds while the guest runs ... */
#define VXL_SIM_LIVE_MAX_ROUNDS 5
/* ... and it stops early once a round left no more than this to copy. */
#define VXL_SIM_LIVE_STOP_COPY_BYTES (1024ULL * 1024)

/* What a live save learns of the guest before its first round. */
typedef struct {
    bool paused;
    char *name;
    unsigned long long life;
    unsigned long long guestBytes;
    unsigned long long dirtyBps;
} vxlSimSaveLiveStart;

static int
vxlSimSaveLiveStartAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                       long long now G_GNUC_UNUSED, void *opaque)
{
    vxlSimSaveLiveStart *st = opaque;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_SAVE) < 0)
        return -1;
    st->paused = dom->state == VXL_DOMSTATE_PAUSED;
    st->name = g_strdup(dom->name);
    st->life = dom->life;
    st->guestBytes = dom->targetKiB * 1024;
    st->dirtyBps = (unsigned long long)dom->script.dirtyMiBps * 1024 * 1024;
    return VXL_SIM_ACT_UNCHANGED;
}

int
vxlSimDomainSaveLive(vxlBackend *be, uint32_t domid, int fd,
                     vxlJobToken *token)
{
    vxlSim *sim = vxlSimGet(be);
    vxlSimCopyRounds rounds = { 0 };
    g_autofree char *name = NULL;
    unsigned long long guestBytes = 0;
    unsigned long long dirtyBps = 0;
    unsigned long long round = 1;
    unsigned long long toSend;
    bool paused = false;
    vxlSimSaveLiveStart start = { 0 };

    if (vxlSimWithDomain(sim, domid, vxlSimSaveLiveStartAct, &start) < 0)
        return -1;
    paused = start.paused;
    name = g_steal_pointer(&start.name);
    rounds.life = start.life;
    guestBytes = start.guestBytes;
    dirtyBps = start.dirtyBps;

    /* A paused guest writes nothing: one round is all it takes. */
    if (paused) {
        vxlJobTokenSetRound(token, 1, 0, true);
        return vxlSimSaveStopAndCopy(sim, domid, fd, token, NULL);
    }

    toSend = guestBytes;
    for (;;) {
        long long t0 = g_get_monotonic_time();
        unsigned long long us;

        vxlJobTokenSetRound(token, round, dirtyBps / 4096, false);
        VIR_DEBUG("live save of %s: round %llu copies %llu bytes", name,
                  round, toSend);
        if (vxlSimSavePrecopy(sim, fd, name, domid, rounds.life,
                              rounds.sent, toSend, token) < 0)
            return -1;
        rounds.sent += toSend;
        us = g_get_monotonic_time() - t0;
        /* What the guest wrote while this round was copied. */
        toSend = MIN(guestBytes, dirtyBps / 1000 * us / 1000);
        round++;
        if (toSend <= VXL_SIM_LIVE_STOP_COPY_BYTES ||
            round > VXL_SIM_LIVE_MAX_ROUNDS)
            break;
    }

    rounds.left = toSend;
    vxlJobTokenSetRound(token, round, dirtyBps / 4096, true);
    VIR_INFO("live save of %s: the guest stops for the last round (%llu), %llu bytes left",
             name, round, toSend);
    return vxlSimSaveStopAndCopy(sim, domid, fd, token, &rounds);
}
