/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_xlu_guard.c: inputs that Xen 4.17's libxlutil mishandles, caught
 * before they reach it.
 *
 * xlu_pci_parse_spec_string() reads a BDF with sscanf and a %n that is
 * only set when the '.' after the device number matches. "03:0_1" (or
 * "bdf=03:0_1") converts bus and device, misses the '.', and the parser
 * then advances by an uninitialised offset: garbage on a good day, a
 * crash under a sanitizer. xl has the same bug; we refuse such a spec as
 * malformed instead.
 */
#include "vxl_internal.h"

#include <stdio.h>

#include "native_private.h"


/* Whether the BDF at @bdf (up to the end of its token) is one libxlutil
 * parses without reading an unset offset. */
static bool
vxlNativeBdfSafe(const char *bdf)
{
    const char *p = bdf;
    unsigned int colons = 0;
    unsigned int a, b, c;
    int n = -1;
    int got;

    /* libxlutil counts the colons of the leading run of hex digits and
     * colons to tell DDDD:BB:SS from BB:SS. */
    while (g_ascii_isxdigit(*p) || *p == ':') {
        if (*p == ':')
            colons++;
        p++;
    }
    if (colons == 1) {
        got = sscanf(bdf, "%x:%x.%n", &a, &b, &n);
        return got != 2 || n >= 0;
    }
    if (colons == 2) {
        got = sscanf(bdf, "%x:%x:%x.%n", &a, &b, &c, &n);
        return got != 3 || n >= 0;
    }
    /* Any other count is refused by libxlutil before it reads further. */
    return true;
}


bool
vxlNativePciSpecSafe(const char *spec)
{
    g_auto(GStrv) tokens = g_strsplit(spec, ",", -1);
    size_t i;

    for (i = 0; tokens[i]; i++) {
        const char *t = tokens[i];

        /* libxlutil tries a token as a positional BDF before it looks for
         * a '=' ("04:0e=1" crashes too): check each one as a BDF. A
         * key=value token has no colon before its '=', so it passes. */
        if (!vxlNativeBdfSafe(t))
            return false;
        if (g_str_has_prefix(t, "bdf=") && !vxlNativeBdfSafe(t + strlen("bdf=")))
            return false;
    }
    return true;
}
