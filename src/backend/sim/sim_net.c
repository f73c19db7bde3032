/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_net.c: the simulated host's neighbour table. A simulated guest
 * answers ARP for the addresses its script gives its vifs (metadata
 * ip='...'), in vif order, while it runs or is paused (a paused guest's
 * entries have not aged out yet); a stopped guest answers for nothing.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlSimHostNeighbours(vxlBackend *be, vxlNeighbour **list, size_t *n)
{
    vxlSim *sim = vxlSimGet(be);
    g_autoptr(GArray) out = g_array_new(FALSE, TRUE, sizeof(vxlNeighbour));

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        GHashTableIter it;
        vxlSimDomain *dom;

        vxlSimCatchUp(sim, g_get_monotonic_time());
        g_hash_table_iter_init(&it, sim->domains);
        while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
            g_auto(GStrv) addrs = NULL;
            size_t i;

            if (dom->building || !dom->script.addresses[0] ||
                (dom->state != VXL_DOMSTATE_RUNNING &&
                 dom->state != VXL_DOMSTATE_PAUSED))
                continue;
            addrs = g_strsplit(dom->script.addresses, ",", -1);
            for (i = 0; i < dom->nnics && addrs[i]; i++) {
                vxlNeighbour nb = {
                    .mac = g_ascii_strdown(dom->nics[i].mac, -1),
                    .ip = g_strdup(g_strstrip(addrs[i])),
                };

                g_array_append_val(out, nb);
            }
        }
    }
    *n = out->len;
    *list = (vxlNeighbour *)(void *)g_array_free(g_steal_pointer(&out), FALSE);
    return 0;
}
