/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_migrate.c: what both backends' migration streams share: the
 * counters the driver reports on, and the few text lines the two hosts
 * exchange around the hypervisor's stream (as xl migrate's receiver
 * says it is ready, and that it has the domain), and a failed
 * destination's reason, which its source reports to the client.
 */
#include "vxl_internal.h"

#include "backend_migrate.h"
#include "util/util_readline.h"
#include "virerror.h"
#include "virfile.h"
#include "virtime.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

#define VXL_MIGRATE_LINE_MAX 65536

/* The driver reads these from job queries while the backend's copy
 * writes them from another thread: relaxed atomics are enough, each
 * counter stands alone. */
unsigned long long
vxlMigrateStreamGet(const unsigned long long *field)
{
    return __atomic_load_n(field, __ATOMIC_RELAXED);
}

void
vxlMigrateStreamSet(unsigned long long *field, unsigned long long value)
{
    __atomic_store_n(field, value, __ATOMIC_RELAXED);
}

bool
vxlMigrateStreamCancelled(const vxlMigrateStream *st)
{
    return __atomic_load_n(&st->cancelled, __ATOMIC_SEQ_CST) != 0 ||
           vxlJobTokenCancelled(st->token);
}

char *
vxlMigrateStreamReadLine(int fd)
{
    return vxlReadLine(fd, VXL_MIGRATE_LINE_MAX, 0, NULL);
}

int
vxlMigrateStreamWrite(int fd, const void *buf, size_t len)
{
    return safewrite(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

int
vxlMigrateStreamWriteLine(int fd, const char *line)
{
    g_autofree char *text = g_strdup_printf("%s\n", line);

    return vxlMigrateStreamWrite(fd, text, strlen(text));
}

/* The line a failed destination sends: "error CODE MESSAGE", CODE its
 * VIR_ERR number. (A peer of an earlier version sent "error MESSAGE":
 * read as a message with no code.) */
#define VXL_MIGRATE_ERROR_PREFIX "error "

/* How long a source whose stream failed looks for the destination's
 * reason. A destination that failed wrote it before closing, so it is
 * there at once; the wait only matters when the failure was the
 * source's own (libxl's copy fails without saying why), and then the
 * destination, still waiting for data, says nothing. */
#define VXL_MIGRATE_PEER_ERROR_WAIT_MS 1000

void
vxlMigrateStreamSendError(int fd, const virError *err)
{
    /* The message without libvirt's prefix for its code ("internal
     * error: "), which the source's report adds again. */
    const char *text = !err ? NULL : err->str2 ? err->str2 : err->message;
    g_autofree char *msg = g_strdup(text ? text :
                                    _("the incoming migration failed without a reason; the destination host's log may say more"));
    g_autofree char *line = NULL;
    char *nl;

    while ((nl = strchr(msg, '\n')))
        *nl = ' ';
    line = g_strdup_printf(VXL_MIGRATE_ERROR_PREFIX "%d %s",
                           err ? err->code : VIR_ERR_OPERATION_FAILED, msg);
    ignore_value(vxlMigrateStreamWriteLine(fd, line));
}

void
vxlMigrateReportPeerError(int code, const char *message)
{
    if (code <= VIR_ERR_OK || code >= VIR_ERR_NUMBER_LAST)
        code = VIR_ERR_OPERATION_FAILED;
    virReportError(code, _("migration failed on the destination host: %s"),
                   message);
}

/* Report the destination's error if @line is one; whether it was. */
static bool
vxlMigrateStreamReportPeerLine(const char *line)
{
    const char *rest;
    char *end = NULL;
    long code;

    if (!line || !STRPREFIX(line, VXL_MIGRATE_ERROR_PREFIX))
        return false;
    rest = line + strlen(VXL_MIGRATE_ERROR_PREFIX);
    errno = 0;
    code = strtol(rest, &end, 10);
    if (errno == 0 && end != rest && *end == ' ' && code > 0 && code < INT_MAX)
        rest = end + 1;
    else
        code = VIR_ERR_OPERATION_FAILED;
    vxlMigrateReportPeerError(code, rest);
    return true;
}

bool
vxlMigrateStreamPeerFailed(const vxlMigrateStream *st)
{
    unsigned long long deadline = 0;
    g_autofree char *line = NULL;

    if (st->oneWay || vxlMigrateStreamCancelled(st) ||
        virTimeMillisNow(&deadline) < 0)
        return false;
    line = vxlReadLine(st->fd, VXL_MIGRATE_LINE_MAX,
                       deadline + VXL_MIGRATE_PEER_ERROR_WAIT_MS, NULL);
    return vxlMigrateStreamReportPeerLine(line);
}

int
vxlMigrateStreamExpect(int fd, const char *word, const char *name)
{
    g_autofree char *line = vxlMigrateStreamReadLine(fd);

    if (line && STREQ(line, word))
        return 0;
    if (vxlMigrateStreamReportPeerLine(line))
        return -1;
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("the destination host closed the migration stream of domain '%s'"),
                   name);
    return -1;
}
