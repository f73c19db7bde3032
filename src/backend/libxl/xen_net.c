/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_net.c: dom0's neighbour table, where a guest's vif MAC meets the
 * IP address it answered ARP (or neighbour discovery) for.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virarptable.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlXenHostNeighbours(vxlBackend *be G_GNUC_UNUSED, vxlNeighbour **list,
                     size_t *n)
{
    virArpTable *table;
    int i;

    /* Reads the kernel's table over netlink; reports its own errors. */
    if (!(table = virArpTableGet()))
        return -1;
    *list = g_new0(vxlNeighbour, table->n);
    *n = table->n;
    for (i = 0; i < table->n; i++) {
        (*list)[i].mac = g_ascii_strdown(table->t[i].mac, -1);
        (*list)[i].ip = g_strdup(table->t[i].ipaddr);
    }
    virArpTableFree(table);
    return 0;
}
