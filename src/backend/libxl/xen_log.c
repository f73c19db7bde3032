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
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_log");

struct _vxlXenLogger {
    xentoollog_logger xtl;          /* first: libxl sees only this */
};

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
    return logger;
}

void
vxlXenLoggerFree(vxlXenLogger *logger)
{
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
