/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_migrate.h: the line exchange both backends' migration streams
 * use around their data (backend_migrate.c). Private to src/backend.
 */
#pragma once

#include "virtxl/backend.h"

/* One line from @fd without its newline, NULL at end of stream. */
char *vxlMigrateStreamReadLine(int fd);
int vxlMigrateStreamWrite(int fd, const void *buf, size_t len);
int vxlMigrateStreamWriteLine(int fd, const char *line);
/* The peer's answer: 0 for @word, else -1 with its reason reported
 * (vxlMigrateReportPeerError when it sent one). */
int vxlMigrateStreamExpect(int fd, const char *word, const char *name);
/* Source, where its I/O on @st failed (a write refused, the connection
 * closed): when the destination said why before it closed, report that
 * (vxlMigrateReportPeerError) and return true; else false, the last
 * error untouched, for the caller to report its own. Never on a one-way
 * stream or a cancelled one (the cancel is the reason). Waits at most a
 * second for a destination that is still there. */
bool vxlMigrateStreamPeerFailed(const vxlMigrateStream *st);
