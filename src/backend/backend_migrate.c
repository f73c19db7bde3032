/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_migrate.c: what both backends' migration streams share: the
 * counters the driver reports on, and the few text lines the two hosts
 * exchange around the hypervisor's stream (as xl migrate's receiver
 * says it is ready, and that it has the domain).
 */
#include "vxl_internal.h"

#include "backend_migrate.h"
#include "util/util_readline.h"
#include "virerror.h"
#include "virfile.h"

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

void
vxlMigrateStreamSendError(int fd)
{
    g_autofree char *msg = g_strdup(virGetLastErrorMessage());
    char *nl;

    while ((nl = strchr(msg, '\n')))
        *nl = ' ';
    ignore_value(vxlMigrateStreamWrite(fd, "error ", 6));
    ignore_value(vxlMigrateStreamWriteLine(fd, msg));
}

int
vxlMigrateStreamExpect(int fd, const char *word, const char *name)
{
    g_autofree char *line = vxlMigrateStreamReadLine(fd);

    if (line && STREQ(line, word))
        return 0;
    if (line && STRPREFIX(line, "error ")) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the destination host refused domain '%s': %s"),
                       name, line + 6);
        return -1;
    }
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("the destination host closed the migration stream of domain '%s'"),
                   name);
    return -1;
}
