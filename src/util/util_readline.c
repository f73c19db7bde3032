/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_readline.c: one short text line read from a socket, with an
 * optional deadline.
 */
#include "vxl_internal.h"

#include <poll.h>

#include "util_readline.h"
#include "virtime.h"

/* Wait for @fd to be readable until @deadlineMs: 1 readable, 0 not yet
 * (poll again), -1 error or deadline passed (*@timedOut set). */
static int
vxlReadLineWait(int fd, unsigned long long deadlineMs, bool *timedOut)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    unsigned long long now = 0;
    int rc;

    if (virTimeMillisNow(&now) < 0 || now >= deadlineMs) {
        if (timedOut)
            *timedOut = true;
        return -1;
    }
    rc = poll(&pfd, 1, MIN(deadlineMs - now, 1000));
    if (rc < 0 && errno != EINTR)
        return -1;
    return rc > 0 ? 1 : 0;
}

char *
vxlReadLine(int fd, size_t max, unsigned long long deadlineMs, bool *timedOut)
{
    g_autoptr(GString) line = g_string_new(NULL);
    char c;

    for (;;) {
        ssize_t n;

        if (deadlineMs) {
            int ready = vxlReadLineWait(fd, deadlineMs, timedOut);

            if (ready < 0)
                return NULL;
            if (ready == 0)
                continue;
        }
        n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        if (c == '\n')
            return g_string_free(g_steal_pointer(&line), FALSE);
        if (line->len >= max)
            return NULL;
        g_string_append_c(line, c);
    }
}
