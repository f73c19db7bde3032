/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_strv.c: NULL-terminated string lists, for the argument lists
 * libxl keeps as char ** (GStrvBuilder is newer than the GLib version
 * libvirt builds against).
 */
#include "vxl_internal.h"

#include "util_strv.h"


char **
vxlStrvConcat(char **first, char **second)
{
    GPtrArray *all = g_ptr_array_new();

    for (; first && *first; first++)
        g_ptr_array_add(all, g_strdup(*first));
    for (; second && *second; second++)
        g_ptr_array_add(all, g_strdup(*second));
    g_ptr_array_add(all, NULL);
    return (char **)g_ptr_array_free(all, FALSE);
}
