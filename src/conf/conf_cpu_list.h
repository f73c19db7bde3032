/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf_cpu_list.h: the grammar of xl's CPU lists (cpus=, cpus_soft=),
 * as xl reads them (parse_cpurange, update_cpumap_range and parse_range
 * in tools/xl/xl_parse.c), shared by native/ (xl.cfg) and conf/ (the
 * namespace's <virtxl:cpus_nodes list> and <virtxl:cpus_soft list>) so
 * both accept the same spellings with the same meaning.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* How an item named NUMA nodes: its prefix as written, kept so a list
 * is written back in its author's spelling. */
typedef enum {
    VXL_CPU_LIST_CPUS = 0,      /* no prefix: CPUs */
    VXL_CPU_LIST_NODE,          /* "node:" */
    VXL_CPU_LIST_NODES,         /* "nodes:" */
} vxlCpuListUnit;

/* One item, [^][node:|nodes:](all | N | N-M). */
typedef struct _vxlCpuListItem vxlCpuListItem;
struct _vxlCpuListItem {
    bool not;                   /* '^': taken out */
    vxlCpuListUnit unit;        /* CPUs, or nodes (first..last are nodes) */
    bool all;                   /* "all" (every CPU, whatever the unit) */
    unsigned long first;        /* the range, unless @all */
    unsigned long last;
};

/* Why a list is refused. */
typedef enum {
    VXL_CPU_LIST_OK = 0,
    VXL_CPU_LIST_MALFORMED,     /* an item xl refuses ("Invalid pcpu range") */
    VXL_CPU_LIST_NOT_ALL,       /* "^all": xl refuses '^' with "all" */
    VXL_CPU_LIST_BEYOND,        /* a CPU or node past any Xen host's */
} vxlCpuListError;

/* Split xl CPU list @list into its items (*@items, *@n; free *@items),
 * as xl does: on commas, empty items skipped (strtok_r); '^', then
 * "node:"/"nodes:", must start the item; "all" is exact; each number
 * may follow blanks and a sign (strtoul), the '-' of a range must follow
 * the first number at once, and nothing may follow the last. CPUs must
 * be below @maxCpus and nodes below @maxNodes (ULONG_MAX: any, for a
 * caller that reads the numbers as xl does with vxlCpuListClip; a '-'
 * sign makes a number of nearly 2^64). On error, *@bad is the item as
 * written (free it). Reports nothing: callers name their key. */
vxlCpuListError vxlCpuListSplit(const char *list, unsigned long maxCpus,
                                unsigned long maxNodes, vxlCpuListItem **items,
                                size_t *n, char **bad);

/* Cut @items (*@items, *@n; may be reallocated) to what xl's map can
 * hold, as libxl_bitmap_set does for each number xl hands it (an int:
 * modulo 2^32, and one from 2^31 on is negative and sets nothing):
 * CPUs below @maxCpus and nodes below @maxNodes, as no Xen host has
 * more (xl drops the others from its map of the host's size). An item
 * with nothing left goes; a range across 2^32 may become two. True
 * where anything changed. */
bool vxlCpuListClip(vxlCpuListItem **items, size_t *n, unsigned long maxCpus,
                    unsigned long maxNodes);

/* @items written back as an xl CPU list of the same meaning, without
 * blanks, empty items or signs (N-N is written N). */
char *vxlCpuListFormat(const vxlCpuListItem *items, size_t n);
