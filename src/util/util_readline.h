/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_readline.h: one short text line read from a socket, byte by byte
 * so that nothing after the line is consumed (the hypervisor's stream
 * may follow it on the same descriptor).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The line (without its newline) read from @fd, at most @max bytes;
 * NULL on end of stream, error, an over-long line, or when @deadlineMs
 * (ms since the epoch; 0: none) passes first, which sets *@timedOut
 * (may be NULL). */
char *vxlReadLine(int fd, size_t max, unsigned long long deadlineMs,
                  bool *timedOut);
