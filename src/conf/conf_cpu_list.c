/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf_cpu_list.c: xl's CPU list grammar (conf_cpu_list.h).
 *
 * What xl accepts, read from xl_parse.c rather than its man page, which
 * shows no blanks: parse_cpurange cuts the list with strtok_r(",") (so
 * ",0,,3," is "0,3" and "" or "," is an empty map); update_cpumap_range
 * takes '^' and then "node:" or "nodes:" only at the very start of an
 * item, compares the rest with "all" exactly, and hands it to
 * parse_range, whose strtoul skips leading blanks and takes a sign
 * before each number, while the range's '-' must follow the first number
 * at once and nothing may follow the last. So "0, 2- 3", "^ 1" and
 * "nodes: 0" are read; "0 ,2", "0 -3", " ^1", " all" and "nodes: all"
 * are refused.
 */
#include "vxl_internal.h"

#include "conf_cpu_list.h"

/* isspace() in the C locale, which xl runs in. */
static bool
vxlCpuListIsBlank(char c)
{
    return c && strchr(" \t\n\v\f\r", c);
}


/* One number as strtoul(@s, @end, 10) reads it: false where it reads
 * none, or saturates (ULONG_MAX, which parse_range refuses). */
static bool
vxlCpuListNumber(const char *s, const char **end, unsigned long *val)
{
    bool neg = false;
    unsigned long v = 0;
    bool over = false;
    const char *p = s;

    while (vxlCpuListIsBlank(*p))
        p++;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (!g_ascii_isdigit(*p))
        return false;
    for (; g_ascii_isdigit(*p); p++) {
        unsigned long d = *p - '0';

        if (v > (ULONG_MAX - d) / 10)
            over = true;
        else
            v = v * 10 + d;
    }
    *end = p;
    /* strtoul negates in unsigned arithmetic; an overflow saturates. */
    *val = over ? ULONG_MAX : neg ? -v : v;
    return *val != ULONG_MAX;
}


/* One item, without its commas; @maxCpus/@maxNodes as for
 * vxlCpuListSplit. */
static vxlCpuListError
vxlCpuListItemParse(const char *s, unsigned long maxCpus, unsigned long maxNodes,
                    vxlCpuListItem *it)
{
    const char *end;

    memset(it, 0, sizeof(*it));
    if ((it->not = *s == '^'))
        s++;
    if (g_str_has_prefix(s, "node:")) {
        it->unit = VXL_CPU_LIST_NODE;
        s += strlen("node:");
    } else if (g_str_has_prefix(s, "nodes:")) {
        it->unit = VXL_CPU_LIST_NODES;
        s += strlen("nodes:");
    }
    if (STREQ(s, "all")) {
        it->all = true;
        return it->not ? VXL_CPU_LIST_NOT_ALL : VXL_CPU_LIST_OK;
    }
    if (!vxlCpuListNumber(s, &end, &it->first))
        return VXL_CPU_LIST_MALFORMED;
    it->last = it->first;
    if (*end == '-' &&
        (!vxlCpuListNumber(end + 1, &end, &it->last) || it->last < it->first))
        return VXL_CPU_LIST_MALFORMED;
    if (*end)
        return VXL_CPU_LIST_MALFORMED;
    if (it->last >= (it->unit == VXL_CPU_LIST_CPUS ? maxCpus : maxNodes))
        return VXL_CPU_LIST_BEYOND;
    return VXL_CPU_LIST_OK;
}


vxlCpuListError
vxlCpuListSplit(const char *list, unsigned long maxCpus, unsigned long maxNodes,
                vxlCpuListItem **items, size_t *n, char **bad)
{
    g_auto(GStrv) parts = g_strsplit(list, ",", 0);
    g_autofree vxlCpuListItem *out = g_new0(vxlCpuListItem, g_strv_length(parts) + 1);
    size_t nout = 0;
    size_t i;

    *items = NULL;
    *n = 0;
    *bad = NULL;
    for (i = 0; parts[i]; i++) {
        vxlCpuListError rc;

        /* strtok_r skips empty items. */
        if (!*parts[i])
            continue;
        if ((rc = vxlCpuListItemParse(parts[i], maxCpus, maxNodes, &out[nout])) != VXL_CPU_LIST_OK) {
            *bad = g_strdup(parts[i]);
            return rc;
        }
        nout++;
    }
    *items = g_steal_pointer(&out);
    *n = nout;
    return VXL_CPU_LIST_OK;
}


/* The part of range [@first, @last] below @max once each number is
 * taken modulo 2^32 (@max is at most 2^31): up to two ranges into
 * @out, their count returned. */
static size_t
vxlCpuListWrap(unsigned long first, unsigned long last, unsigned long max,
               unsigned long long out[2][2])
{
    const unsigned long long mask = 0xffffffffULL;
    unsigned long long lo = first & mask;
    unsigned long long hi = last & mask;
    unsigned long long parts[2][2];
    size_t nparts = 0;
    size_t nout = 0;
    size_t i;

    if ((unsigned long long)last - first >= mask) {
        /* Every residue: all of [0, max). (xl walks such a range number
         * by number, which takes minutes from 2^32 on and, far beyond,
         * never ends; what it would set is still this.) */
        parts[nparts][0] = 0;
        parts[nparts++][1] = mask;
    } else if (lo <= hi) {
        parts[nparts][0] = lo;
        parts[nparts++][1] = hi;
    } else {
        /* Across a multiple of 2^32: the low end first, as xl's map
         * does not care for the order. */
        parts[nparts][0] = 0;
        parts[nparts++][1] = hi;
        parts[nparts][0] = lo;
        parts[nparts++][1] = mask;
    }
    for (i = 0; i < nparts; i++) {
        if (parts[i][0] >= max)
            continue;
        out[nout][0] = parts[i][0];
        out[nout++][1] = MIN(parts[i][1], (unsigned long long)max - 1);
    }
    return nout;
}


bool
vxlCpuListClip(vxlCpuListItem **items, size_t *n, unsigned long maxCpus,
               unsigned long maxNodes)
{
    g_autofree vxlCpuListItem *out = g_new0(vxlCpuListItem, 2 * *n + 1);
    size_t nout = 0;
    bool changed = false;
    size_t i, j;

    for (i = 0; i < *n; i++) {
        const vxlCpuListItem *it = &(*items)[i];
        unsigned long long ranges[2][2];
        size_t nranges;

        if (it->all) {
            out[nout++] = *it;
            continue;
        }
        nranges = vxlCpuListWrap(it->first, it->last,
                                 it->unit == VXL_CPU_LIST_CPUS ? maxCpus : maxNodes,
                                 ranges);
        if (nranges != 1 || ranges[0][0] != it->first || ranges[0][1] != it->last)
            changed = true;
        for (j = 0; j < nranges; j++) {
            out[nout] = *it;
            out[nout].first = ranges[j][0];
            out[nout++].last = ranges[j][1];
        }
    }
    g_free(*items);
    *items = g_steal_pointer(&out);
    *n = nout;
    return changed;
}


char *
vxlCpuListFormat(const vxlCpuListItem *items, size_t n)
{
    g_autoptr(GString) out = g_string_new(NULL);
    size_t i;

    for (i = 0; i < n; i++) {
        const vxlCpuListItem *it = &items[i];

        if (i > 0)
            g_string_append_c(out, ',');
        if (it->not)
            g_string_append_c(out, '^');
        if (it->unit == VXL_CPU_LIST_NODE)
            g_string_append(out, "node:");
        else if (it->unit == VXL_CPU_LIST_NODES)
            g_string_append(out, "nodes:");
        if (it->all)
            g_string_append(out, "all");
        else if (it->first == it->last)
            g_string_append_printf(out, "%lu", it->first);
        else
            g_string_append_printf(out, "%lu-%lu", it->first, it->last);
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}
