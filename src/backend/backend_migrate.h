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
/* Tell the peer the last error ("error MESSAGE"), if the link works. */
void vxlMigrateStreamSendError(int fd);
/* The peer's answer: 0 for @word, else -1 with its reason reported. */
int vxlMigrateStreamExpect(int fd, const char *word, const char *name);
