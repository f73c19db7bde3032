/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_event.c: libxl on libvirt's event loop.
 *
 * libxl wants to watch file descriptors (xenstore, the SIGCHLD self-pipe,
 * ...) and timeouts. Through libxl_osevent_register_hooks it hands them
 * to us and we register them with libvirt's event loop (virEventAddHandle
 * / virEventAddTimeout); when one fires, the loop thread tells libxl
 * (libxl_osevent_occurred_*), which runs whatever was waiting on it: the
 * completion of an asynchronous operation, or a domain event. No thread
 * of ours polls.
 *
 * Domain events: libxl_evenable_domain_death() per domain gives one
 * DOMAIN_SHUTDOWN event each time the guest stops running (with Xen's
 * reason), and one DOMAIN_DEATH when the domain is gone. They become the
 * driver's domainShutdown/domainDeath callbacks. A domain this backend
 * destroys itself is unwatched first, so its death is not reported as
 * "destroyed outside this driver".
 *
 * Operations nobody waits for (the guest's acknowledgement of a shutdown
 * request) complete on the loop too, and are aborted at close.
 *
 * Child processes (hotplug scripts, device models) are reaped by libxl's
 * own SIGCHLD handler, but only its own children
 * (libxl_sigchld_owner_libxl_always_selective_reap): libvirtd reaps its
 * children itself with waitpid on their pids, and must keep doing so.
 */
#include "vxl_internal.h"

#include <poll.h>

#include "xen_priv.h"
#include "virerror.h"
#include "virevent.h"
#include "virlog.h"
#include "virtime.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_event");

/* ----- file descriptors ------------------------------------------------ */

typedef struct {
    vxlXen *xen;
    void *forLibxl;
    int watch;
} vxlXenFd;

static int
vxlXenPollToEvent(short events)
{
    int ret = 0;

    if (events & (POLLIN | POLLPRI))
        ret |= VIR_EVENT_HANDLE_READABLE;
    if (events & POLLOUT)
        ret |= VIR_EVENT_HANDLE_WRITABLE;
    if (events & POLLERR)
        ret |= VIR_EVENT_HANDLE_ERROR;
    if (events & POLLHUP)
        ret |= VIR_EVENT_HANDLE_HANGUP;
    return ret;
}

static short
vxlXenEventToPoll(int events)
{
    short ret = 0;

    if (events & VIR_EVENT_HANDLE_READABLE)
        ret |= POLLIN;
    if (events & VIR_EVENT_HANDLE_WRITABLE)
        ret |= POLLOUT;
    if (events & VIR_EVENT_HANDLE_ERROR)
        ret |= POLLERR;
    if (events & VIR_EVENT_HANDLE_HANGUP)
        ret |= POLLHUP;
    return ret;
}

/* On libvirt's event loop thread. */
static void
vxlXenFdFired(int watch, int fd, int events, void *opaque)
{
    vxlXenFd *reg = opaque;
    short revents = vxlXenEventToPoll(events);

    /* What libxl logs now belongs to what this dispatch completes. */
    vxlXenLogResetLastError();
    libxl_osevent_occurred_fd(reg->xen->ctx, reg->forLibxl, fd,
                              revents, revents);
}

static int
vxlXenFdRegister(void *user, int fd, void **forApp, short events,
                 void *forLibxl)
{
    vxlXenFd *reg = g_new0(vxlXenFd, 1);

    reg->xen = user;
    reg->forLibxl = forLibxl;
    reg->watch = virEventAddHandle(fd, vxlXenPollToEvent(events),
                                   vxlXenFdFired, reg, g_free);
    if (reg->watch < 0) {
        VIR_WARN("cannot watch fd %d for libxl", fd);
        g_free(reg);
        return ERROR_OSEVENT_REG_FAIL;
    }
    *forApp = reg;
    return 0;
}

static int
vxlXenFdModify(void *user, int fd, void **forApp, short events)
{
    vxlXenFd *reg = *forApp;

    virEventUpdateHandle(reg->watch, vxlXenPollToEvent(events));
    return 0;
}

static void
vxlXenFdDeregister(void *user, int fd, void *forApp)
{
    vxlXenFd *reg = forApp;

    /* libvirt frees @reg (g_free) once no dispatch can still be using it. */
    virEventRemoveHandle(reg->watch);
}

/* ----- timeouts -------------------------------------------------------- */

/*
 * libxl never deregisters a timeout (libxl_event.h): it either fires, or
 * libxl asks for it to fire at once (modify with {0,0}), possibly racing
 * with its firing. A timer lives in xen->timers from register until it
 * has fired and libxl_osevent_occurred_timeout() has returned, after
 * which libxl will not mention it again.
 */
typedef struct {
    vxlXen *xen;
    void *forLibxl;
    int timer;                      /* xen->lock; -1 once fired */
} vxlXenTimer;

static void
vxlXenTimerFired(int timer, void *opaque)
{
    vxlXenTimer *t = opaque;
    vxlXen *xen = t->xen;

    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        if (t->timer < 0)
            return;
        t->timer = -1;
    }
    virEventRemoveTimeout(timer);
    vxlXenLogResetLastError();
    libxl_osevent_occurred_timeout(xen->ctx, t->forLibxl);
    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        g_hash_table_remove(xen->timers, t);
    }
}

static int
vxlXenTimeoutMs(struct timeval abs)
{
    long long now = g_get_real_time();
    long long when = abs.tv_sec * 1000000LL + abs.tv_usec;

    if (when <= now)
        return 0;
    /* round up, so it never fires early and gets re-registered */
    return MIN((when - now + 999) / 1000, INT_MAX);
}

static int
vxlXenTimeoutRegister(void *user, void **forApp, struct timeval abs,
                      void *forLibxl)
{
    vxlXen *xen = user;
    vxlXenTimer *t = g_new0(vxlXenTimer, 1);

    t->xen = xen;
    t->forLibxl = forLibxl;
    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        t->timer = virEventAddTimeout(vxlXenTimeoutMs(abs), vxlXenTimerFired,
                                      t, NULL);
        if (t->timer < 0) {
            g_free(t);
            return ERROR_OSEVENT_REG_FAIL;
        }
        g_hash_table_add(xen->timers, t);
    }
    *forApp = t;
    return 0;
}

static int
vxlXenTimeoutModify(void *user, void **forApp, struct timeval abs)
{
    vxlXen *xen = user;
    vxlXenTimer *t = *forApp;

    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        if (t->timer >= 0)
            virEventUpdateTimeout(t->timer, 0);
    }
    return 0;
}

static void
vxlXenTimeoutDeregister(void *user, void *forApp)
{
    /* never called by libxl 4.17 (see above) */
}

static const libxl_osevent_hooks vxlXenOseventHooks = {
    .fd_register = vxlXenFdRegister,
    .fd_modify = vxlXenFdModify,
    .fd_deregister = vxlXenFdDeregister,
    .timeout_register = vxlXenTimeoutRegister,
    .timeout_modify = vxlXenTimeoutModify,
    .timeout_deregister = vxlXenTimeoutDeregister,
};

/* ----- asynchronous operations ----------------------------------------- */

static void
vxlXenAoDone(libxl_ctx *ctx, int rc, void *opaque)
{
    vxlXenAo *ao = opaque;

    VIR_WITH_MUTEX_LOCK_GUARD(&ao->lock) {
        ao->rc = rc;
        /* On the thread that completed it: the loop's, or the caller's
         * when it completed at once. */
        if (rc != 0)
            ao->error = g_strdup(vxlXenLogLastError());
        ao->done = true;
        virCondSignal(&ao->cond);
    }
}

const libxl_asyncop_how *
vxlXenAoInit(vxlXenAo *ao)
{
    memset(ao, 0, sizeof(*ao));
    ignore_value(virMutexInit(&ao->lock));
    ignore_value(virCondInit(&ao->cond));
    ao->how.callback = vxlXenAoDone;
    ao->how.u.for_callback = ao;
    return &ao->how;
}

/*
 * @rc is what the initiating libxl call returned. Non-zero: the operation
 * never started and no callback will come. Zero: wait for the callback,
 * which libvirt's event loop thread runs (or the initiating thread, when
 * the operation completed at once). The caller is a worker thread, which
 * the backend contract lets block.
 */
int
vxlXenAoWait(vxlXenAo *ao, int rc)
{
    if (rc == 0) {
        VIR_WITH_MUTEX_LOCK_GUARD(&ao->lock) {
            while (!ao->done)
                ignore_value(virCondWait(&ao->cond, &ao->lock));
            rc = ao->rc;
        }
    }
    vxlXenLogAdoptError(ao->error);
    g_clear_pointer(&ao->error, g_free);
    virCondDestroy(&ao->cond);
    virMutexDestroy(&ao->lock);
    return rc;
}

/* ----- operations nobody waits for ------------------------------------- */

/*
 * libxl_domain_shutdown() and _reboot() write the request into the
 * guest's control node, then wait, up to 60 s, for the guest to clear it
 * as its acknowledgement. A paused guest, or one whose kernel has not
 * set up its xenstore watch yet, clears it only once it runs; waiting
 * for that would hold the domain's job and fail after a minute with
 * "timedout", although the request stays in xenstore and the guest
 * acts on it when it runs. So the wait is left to libxl, on libvirt's
 * event loop: the API call returns once the request is written, and the
 * completion only says in the log how it ended.
 *
 * One vxlXenDetached lives in xen->detached from vxlXenDetachedHow()
 * until its completion callback takes it out and frees it (or
 * vxlXenDetachedStarted(), when the call failed and no callback comes).
 */
typedef struct {
    vxlXen *xen;
    uint32_t domid;
    char *what;
    libxl_asyncop_how how;
} vxlXenDetached;

static void
vxlXenDetachedFree(vxlXenDetached *op)
{
    g_free(op->what);
    g_free(op);
}

/* On libvirt's loop thread; on the initiating thread when the operation
 * completed at once; on the closing thread inside libxl_ao_abort(). */
static void
vxlXenDetachedDone(libxl_ctx *ctx, int rc, void *opaque)
{
    vxlXenDetached *op = opaque;
    vxlXen *xen = op->xen;

    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        g_hash_table_remove(xen->detached, op);
    }
    if (rc == 0) {
        VIR_DEBUG("%s of domain %u: done", op->what, op->domid);
    } else if (rc == ERROR_TIMEDOUT) {
        VIR_WARN("%s of domain %u: none within libxl's time limit; the request stays pending for the guest to act on when it runs",
                 op->what, op->domid);
    } else if (rc == ERROR_ABORTED) {
        VIR_DEBUG("%s of domain %u: no longer awaited (closing); the request stays pending for the guest",
                  op->what, op->domid);
    } else {
        VIR_WARN("%s of domain %u failed: %s", op->what, op->domid,
                 NULLSTR(libxl_error_to_string(rc)));
    }
    vxlXenDetachedFree(op);
}

const libxl_asyncop_how *
vxlXenDetachedHow(vxlXen *xen, uint32_t domid, const char *what)
{
    vxlXenDetached *op = g_new0(vxlXenDetached, 1);

    op->xen = xen;
    op->domid = domid;
    op->what = g_strdup(what);
    op->how.callback = vxlXenDetachedDone;
    op->how.u.for_callback = op;
    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        if (!xen->closing) {
            g_hash_table_add(xen->detached, op);
            return &op->how;
        }
    }
    vxlXenDetachedFree(op);
    return NULL;
}

/*
 * @rc is what the initiating libxl call returned. Zero: the operation is
 * libxl's now, and may already have completed and freed itself, so @how
 * is not touched. Non-zero: it never started and no callback will come.
 */
void
vxlXenDetachedStarted(vxlXen *xen, const libxl_asyncop_how *how, int rc)
{
    vxlXenDetached *op = how->u.for_callback;

    if (rc == 0)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        g_hash_table_remove(xen->detached, op);
    }
    vxlXenDetachedFree(op);
}

/*
 * At close (xen->closing set, so no new ones start): libxl_ctx_free()
 * asserts that no operation is in flight. libxl_ao_abort() cuts a
 * pending acknowledgement short: libxl stops waiting (the request stays
 * in xenstore) and completes it with ERROR_ABORTED before returning, on
 * this thread. One completing on the loop thread meanwhile is waited
 * for, briefly. Copies of the ao_hows are aborted, since an operation
 * may complete and free itself while we look; libxl matches them by
 * callback and opaque pointer, and a freed one is simply not found.
 * Returns false if some are still in flight: the ctx must then not be
 * freed.
 */
static bool
vxlXenDetachedAbortAll(vxlXen *xen)
{
    g_autofree libxl_asyncop_how *hows = NULL;
    long long deadline;
    guint n = 0;
    guint i;

    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        GHashTableIter it;
        vxlXenDetached *op;

        hows = g_new0(libxl_asyncop_how, g_hash_table_size(xen->detached) + 1);
        g_hash_table_iter_init(&it, xen->detached);
        while (g_hash_table_iter_next(&it, (gpointer *)&op, NULL))
            hows[n++] = op->how;
    }
    for (i = 0; i < n; i++) {
        int rc = libxl_ao_abort(xen->ctx, &hows[i]);

        VIR_DEBUG("aborting a pending operation at close: %s",
                  rc == 0 ? "aborted" : NULLSTR(libxl_error_to_string(rc)));
    }

    deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
    for (;;) {
        guint left = 0;

        VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
            left = g_hash_table_size(xen->detached);
        }
        if (left == 0)
            return true;
        if (g_get_monotonic_time() > deadline) {
            VIR_WARN("%u libxl operations still in flight at close", left);
            return false;
        }
        g_usleep(10 * 1000);
    }
}

/* ----- domain events --------------------------------------------------- */

int
vxlXenWatchDeath(vxlXen *xen, uint32_t domid)
{
    libxl_evgen_domain_death *evgen = NULL;
    int rc;

    vxlXenLogResetLastError();
    if ((rc = libxl_evenable_domain_death(xen->ctx, domid, 0, &evgen)) != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot watch domain %u for shutdown and death"),
                            domid);
        vxlXenReportError(rc, what);
        return -1;
    }
    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        libxl_evgen_domain_death *old =
            g_hash_table_lookup(xen->deathWatches, GUINT_TO_POINTER(domid));
        if (!old) {
            g_hash_table_insert(xen->deathWatches, GUINT_TO_POINTER(domid), evgen);
            evgen = NULL;
        }
    }
    /* Already watched (reconnect racing with create): keep one. */
    if (evgen)
        libxl_evdisable_domain_death(xen->ctx, evgen);
    return 0;
}

void
vxlXenUnwatchDeath(vxlXen *xen, uint32_t domid)
{
    libxl_evgen_domain_death *evgen = NULL;

    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        evgen = g_hash_table_lookup(xen->deathWatches, GUINT_TO_POINTER(domid));
        g_hash_table_remove(xen->deathWatches, GUINT_TO_POINTER(domid));
    }
    if (evgen)
        libxl_evdisable_domain_death(xen->ctx, evgen);
}

/*
 * libxl calls this for every event nobody awaits with a callback: from
 * libxl_osevent_occurred_* on libvirt's loop thread, or at the end of a
 * libxl call on a worker thread. Either way, no libxl lock is held and
 * the driver's callbacks only queue work.
 */
static void
vxlXenEventOccurs(void *user, libxl_event *event)
{
    vxlXen *xen = user;
    uint32_t domid = event->domid;

    switch (event->type) {
    case LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN: {
        int reason = event->u.domain_shutdown.shutdown_reason;

        VIR_DEBUG("domain %u shut down, reason %s", domid,
                  NULLSTR(libxl_shutdown_reason_to_string(reason)));
        /* "unknown" (255) is what Xen says when the guest gave none. */
        if (reason < 0 || reason > LIBXL_SHUTDOWN_REASON_SOFT_RESET)
            reason = LIBXL_SHUTDOWN_REASON_POWEROFF;
        if (xen->events && xen->events->domainShutdown)
            xen->events->domainShutdown(domid, reason, xen->eventsOpaque);
        break;
    }
    case LIBXL_EVENT_TYPE_DOMAIN_DEATH:
        VIR_DEBUG("domain %u is gone", domid);
        vxlXenUnwatchDeath(xen, domid);
        if (xen->events && xen->events->domainDeath)
            xen->events->domainDeath(domid, xen->eventsOpaque);
        break;
    case LIBXL_EVENT_TYPE_OPERATION_COMPLETE:
    case LIBXL_EVENT_TYPE_DISK_EJECT:
    case LIBXL_EVENT_TYPE_DOMAIN_CREATE_CONSOLE_AVAILABLE:
    default:
        VIR_DEBUG("ignoring libxl event %s for domain %u",
                  NULLSTR(libxl_event_type_to_string(event->type)), domid);
        break;
    }
    libxl_event_free(xen->ctx, event);
}

/* libxl cannot go on delivering events: say so loudly, once. */
static void
vxlXenDisaster(void *user, libxl_event_type type, const char *msg, int errnoval)
{
    VIR_ERROR("libxl event machinery failed (%s): %s: %s",
              NULLSTR(libxl_event_type_to_string(type)), NULLSTR(msg),
              errnoval > 0 ? g_strerror(errnoval) : "no errno");
}

static const libxl_event_hooks vxlXenEventHooks = {
    .event_occurs_mask = LIBXL_EVENTMASK_ALL,
    .event_occurs = vxlXenEventOccurs,
    .disaster = vxlXenDisaster,
};

static const libxl_childproc_hooks vxlXenChildHooks = {
    .chldowner = libxl_sigchld_owner_libxl_always_selective_reap,
};

static void
vxlXenTimerFree(void *opaque)
{
    g_free(opaque);
}

int
vxlXenEventsInit(vxlXen *xen)
{
    xen->deathWatches = g_hash_table_new(g_direct_hash, g_direct_equal);
    xen->detached = g_hash_table_new(g_direct_hash, g_direct_equal);
    xen->timers = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                        vxlXenTimerFree, NULL);
    libxl_osevent_register_hooks(xen->ctx, &vxlXenOseventHooks, xen);
    libxl_event_register_callbacks(xen->ctx, &vxlXenEventHooks, xen);
    libxl_childproc_setmode(xen->ctx, &vxlXenChildHooks, xen);
    return 0;
}

/*
 * Before libxl_ctx_free(): abort the operations nobody waits for, stop
 * watching domains (they keep running); vxlXenEventsFree() cancels our
 * timers after it, and libxl deregisters its fds itself in ctx_free.
 * Returns false when an operation is still in flight, which
 * libxl_ctx_free() would assert on: the caller then leaks the ctx.
 */
bool
vxlXenEventsClose(vxlXen *xen)
{
    g_autofree gpointer *keys = NULL;
    guint n = 0;
    guint i;
    bool idle;

    if (!xen->deathWatches)
        return true;
    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        xen->closing = true;
    }
    idle = vxlXenDetachedAbortAll(xen);
    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        keys = g_hash_table_get_keys_as_array(xen->deathWatches, &n);
    }
    for (i = 0; i < n; i++)
        vxlXenUnwatchDeath(xen, GPOINTER_TO_UINT(keys[i]));
    return idle;
}

/* After libxl_ctx_free(): nothing can fire into libxl any more. */
void vxlXenEventsFree(vxlXen *xen);

void
vxlXenEventsFree(vxlXen *xen)
{
    GHashTableIter it;
    vxlXenTimer *t;

    if (!xen->timers)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&xen->lock) {
        g_hash_table_iter_init(&it, xen->timers);
        while (g_hash_table_iter_next(&it, (gpointer *)&t, NULL)) {
            if (t->timer >= 0)
                virEventRemoveTimeout(t->timer);
            t->timer = -1;
        }
    }
    g_clear_pointer(&xen->timers, g_hash_table_unref);
    g_clear_pointer(&xen->deathWatches, g_hash_table_unref);
    g_clear_pointer(&xen->detached, g_hash_table_unref);
}
