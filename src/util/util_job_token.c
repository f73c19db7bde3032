/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_job_token.c: the job token of backend.h, through which long backend
 * operations report progress and learn of a cancel.
 */
#include "vxl_internal.h"

#include "virthread.h"
#include "virtime.h"
#include "virtxl/backend.h"

struct _vxlJobToken {
    virMutex lock;                 /* guards processed, total, cancelled */
    unsigned long long processed;
    unsigned long long total;
    bool cancelled;
    unsigned long long iteration;  /* live copies: the round under way */
    unsigned long long dirtyRate;  /* pages per second */
    unsigned long long stoppedAt;  /* ms since the epoch; 0: running */

    /* The cancel hook runs with hookLock held, so unregistering it (also
     * under hookLock) waits for a call in flight: the backend may then
     * free what @hookOpaque points to. */
    virMutex hookLock;             /* guards hook, hookOpaque */
    void (*hook)(void *opaque);
    void *hookOpaque;
    bool hookFired;                /* guarded by hookLock: once only */
};

vxlJobToken *
vxlJobTokenNew(void)
{
    vxlJobToken *tok = g_new0(vxlJobToken, 1);

    if (virMutexInit(&tok->lock) < 0) {
        g_free(tok);
        return NULL;
    }
    if (virMutexInit(&tok->hookLock) < 0) {
        virMutexDestroy(&tok->lock);
        g_free(tok);
        return NULL;
    }
    return tok;
}

void
vxlJobTokenFree(vxlJobToken *tok)
{
    if (!tok)
        return;
    virMutexDestroy(&tok->lock);
    virMutexDestroy(&tok->hookLock);
    g_free(tok);
}

void
vxlJobTokenSetProgress(vxlJobToken *tok, unsigned long long processed,
                       unsigned long long total)
{
    if (!tok)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&tok->lock) {
        tok->processed = processed;
        tok->total = total;
    }
}

bool
vxlJobTokenCancelled(vxlJobToken *tok)
{
    bool ret = false;

    if (!tok)
        return false;
    VIR_WITH_MUTEX_LOCK_GUARD(&tok->lock) {
        ret = tok->cancelled;
    }
    return ret;
}

void
vxlJobTokenSetCancelHook(vxlJobToken *tok, void (*hook)(void *opaque),
                         void *opaque)
{
    bool fire = false;

    if (!tok)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&tok->hookLock) {
        tok->hook = hook;
        tok->hookOpaque = opaque;
        if (hook) {
            VIR_WITH_MUTEX_LOCK_GUARD(&tok->lock) {
                fire = tok->cancelled;
            }
            /* Cancelled before the backend got this far. */
            if (fire && !tok->hookFired) {
                tok->hookFired = true;
                hook(opaque);
            }
        }
    }
}

void
vxlJobTokenCancel(vxlJobToken *tok)
{
    bool first = false;

    if (!tok)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&tok->lock) {
        first = !tok->cancelled;
        tok->cancelled = true;
    }
    if (!first)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&tok->hookLock) {
        if (tok->hook && !tok->hookFired) {
            tok->hookFired = true;
            tok->hook(tok->hookOpaque);
        }
    }
}

void
vxlJobTokenGetProgress(vxlJobToken *tok, unsigned long long *processed,
                       unsigned long long *total)
{
    *processed = 0;
    *total = 0;
    if (!tok)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&tok->lock) {
        *processed = tok->processed;
        *total = tok->total;
    }
}

void
vxlJobTokenSetRound(vxlJobToken *tok, unsigned long long iteration,
                    unsigned long long dirtyRate, bool stopped)
{
    unsigned long long now = 0;

    if (!tok)
        return;
    if (stopped && virTimeMillisNow(&now) < 0)
        now = 0;
    VIR_WITH_MUTEX_LOCK_GUARD(&tok->lock) {
        if (iteration) {
            tok->iteration = iteration;
            tok->dirtyRate = dirtyRate;
        }
        if (stopped && !tok->stoppedAt)
            tok->stoppedAt = now ? now : 1;
    }
}

void
vxlJobTokenGetRound(vxlJobToken *tok, unsigned long long *iteration,
                    unsigned long long *dirtyRate, unsigned long long *stoppedAt)
{
    *iteration = 0;
    *dirtyRate = 0;
    *stoppedAt = 0;
    if (!tok)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&tok->lock) {
        *iteration = tok->iteration;
        *dirtyRate = tok->dirtyRate;
        *stoppedAt = tok->stoppedAt;
    }
}
