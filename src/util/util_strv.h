/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_strv.h: NULL-terminated string lists.
 */
#pragma once

/* A new list: copies of @first's strings, then of @second's. Either may
 * be NULL. */
char **vxlStrvConcat(char **first, char **second);
