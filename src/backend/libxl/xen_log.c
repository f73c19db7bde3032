/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_log.c: libxl's and libxc's messages, into libvirt's log.
 *
 * libxl reports through a xentoollog_logger. Ours hands each message to
 * virLogMessage under the source "virtxl.xen_log" with the priority that
 * matches its level, so libvirtd's log_filters pick them like any other
 * (e.g. "1:virtxl.xen_log" for everything libxl says). The first message
 * of level ERROR or worse since the last reset is also kept per thread:
 * when the libxl call that thread made fails, its error message names
 * the real cause ("domain with name web already exists") instead of a
 * bare ERROR_FAIL. The first, because libxl logs a failure at every
 * level it unwinds through: "failed to read BIOS file: No such file or
 * directory" comes before "cannot (re-)build domain: -3".
 *
 * An asynchronous operation fails on libvirt's event loop thread, in
 * the dispatch that completes it (xen_event.c resets that thread's
 * error before each dispatch); its completion carries the message over
 * to the thread waiting for it.
 *
 * Building a domain (create, restore, incoming migration) is many
 * dispatches long, and the one that completes it in failure is often
 * not the one where libxl logged why: the device model dies, libxl logs
 * "error on QMP socket", and the failure completes after the half-built
 * domain is destroyed, many events later. A capture (vxlXenLogCapture)
 * therefore keeps, for the length of the build, every error line logged
 * on the building thread or naming a domain ("Domain N:", libxl's
 * prefix), whatever thread logged it; xen_build_error.c picks the
 * build's own from them.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_log");

struct _vxlXenLogger {
    xentoollog_logger xtl;          /* first: libxl sees only this */
    GMutex lock;
    GSList *captures;               /* lock: vxlXenLogCapture in progress */
};

struct _vxlXenLogCapture {
    vxlXenLogger *logger;
    GThread *thread;                /* the building thread */
    GPtrArray *lines;               /* logger->lock: vxlXenLogLine */
};

static void
vxlXenLogLineFree(gpointer data)
{
    vxlXenLogLine *line = data;

    g_free(line->text);
    g_free(line);
}

/* libxl prefixes what concerns one domain with "Domain N:" after the
 * source position ("libxl_qmp.c:1399:qmp_ev_fd_callback: Domain 1:...").
 * INVALID_DOMID when @msg names none. */
static uint32_t
vxlXenLogDomid(const char *msg)
{
    const char *p = strstr(msg, ": Domain ");
    unsigned long long id;
    char *end = NULL;

    if (!p)
        return INVALID_DOMID;
    p += strlen(": Domain ");
    if (!g_ascii_isdigit(*p))
        return INVALID_DOMID;
    id = g_ascii_strtoull(p, &end, 10);
    if (*end != ':' || id >= INVALID_DOMID)
        return INVALID_DOMID;
    return id;
}

static void
vxlXenLogCaptureLine(vxlXenLogger *logger, const char *full)
{
    uint32_t domid = vxlXenLogDomid(full);
    GThread *self = g_thread_self();
    GSList *l;

    g_mutex_lock(&logger->lock);
    for (l = logger->captures; l; l = l->next) {
        vxlXenLogCapture *cap = l->data;
        bool own = cap->thread == self;
        vxlXenLogLine *line;

        /* Bounded: the first lines are the ones that tell the cause. */
        if ((!own && domid == INVALID_DOMID) || cap->lines->len >= 64)
            continue;
        line = g_new0(vxlXenLogLine, 1);
        line->domid = domid;
        line->ownThread = own;
        line->text = g_strdup(full);
        g_ptr_array_add(cap->lines, line);
    }
    g_mutex_unlock(&logger->lock);
}

static GPrivate vxlXenLastError = G_PRIVATE_INIT(g_free);

static virLogPriority
vxlXenLogPriority(xentoollog_level level)
{
    switch (level) {
    case XTL_NONE:
    case XTL_DEBUG:
    case XTL_VERBOSE:
    case XTL_DETAIL:
        return VIR_LOG_DEBUG;
    case XTL_PROGRESS:
    case XTL_INFO:
    case XTL_NOTICE:
        return VIR_LOG_INFO;
    case XTL_WARN:
        return VIR_LOG_WARN;
    case XTL_ERROR:
    case XTL_CRITICAL:
    case XTL_NUM_LEVELS:
        break;
    }
    return VIR_LOG_ERROR;
}

static void
vxlXenLogMessage(xentoollog_logger *xtl, xentoollog_level level, int errnoval,
                 const char *context, const char *format, va_list args)
{
    g_autofree char *msg = g_strdup_vprintf(format, args);
    g_autofree char *full = NULL;

    if (errnoval >= 0)
        full = g_strdup_printf("%s: %s: %s", NULLSTR(context), msg,
                               g_strerror(errnoval));
    else
        full = g_strdup_printf("%s: %s", NULLSTR(context), msg);

    if (level >= XTL_ERROR && !g_private_get(&vxlXenLastError))
        g_private_set(&vxlXenLastError, g_strdup(full));
    if (level >= XTL_ERROR)
        vxlXenLogCaptureLine((vxlXenLogger *)xtl, full);

    virLogMessage(&virLogSelf, vxlXenLogPriority(level), __FILE__, __LINE__,
                  __func__, NULL, "%s", full);
}

static void
vxlXenLogProgress(xentoollog_logger *xtl, const char *context,
                  const char *doing, int percent, unsigned long done,
                  unsigned long total)
{
    VIR_DEBUG("%s: %s: %d%% (%lu/%lu)", NULLSTR(context), NULLSTR(doing),
              percent, done, total);
}

static void
vxlXenLogDestroy(xentoollog_logger *xtl)
{
}

vxlXenLogger *
vxlXenLoggerNew(void)
{
    vxlXenLogger *logger = g_new0(vxlXenLogger, 1);

    logger->xtl.vmessage = vxlXenLogMessage;
    logger->xtl.progress = vxlXenLogProgress;
    logger->xtl.destroy = vxlXenLogDestroy;
    g_mutex_init(&logger->lock);
    return logger;
}

void
vxlXenLoggerFree(vxlXenLogger *logger)
{
    if (!logger)
        return;
    g_mutex_clear(&logger->lock);
    g_free(logger);
}

xentoollog_logger *
vxlXenLoggerXtl(vxlXenLogger *logger)
{
    return &logger->xtl;
}

void
vxlXenLogResetLastError(void)
{
    g_private_replace(&vxlXenLastError, NULL);
}

const char *
vxlXenLogLastError(void)
{
    return g_private_get(&vxlXenLastError);
}

void
vxlXenLogAdoptError(const char *msg)
{
    if (msg && !g_private_get(&vxlXenLastError))
        g_private_set(&vxlXenLastError, g_strdup(msg));
}

vxlXenLogCapture *
vxlXenLogCaptureBegin(vxlXenLogger *logger)
{
    vxlXenLogCapture *cap = g_new0(vxlXenLogCapture, 1);

    cap->logger = logger;
    cap->thread = g_thread_self();
    cap->lines = g_ptr_array_new_with_free_func(vxlXenLogLineFree);
    g_mutex_lock(&logger->lock);
    logger->captures = g_slist_prepend(logger->captures, cap);
    g_mutex_unlock(&logger->lock);
    return cap;
}

GPtrArray *
vxlXenLogCaptureEnd(vxlXenLogCapture *cap)
{
    GPtrArray *lines;

    if (!cap)
        return NULL;
    g_mutex_lock(&cap->logger->lock);
    cap->logger->captures = g_slist_remove(cap->logger->captures, cap);
    g_mutex_unlock(&cap->logger->lock);
    lines = cap->lines;
    g_free(cap);
    return lines;
}
