/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_nic_rate.c: a simulated vif's rate limit changed while the guest
 * runs, as netback takes a new value of its xenstore rate node: the
 * domain's stored libxl config (the JSON libxl keeps, and that libxl
 * reads the node back into) has the new credit from then on.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* The stored config's entry of the vif with @mac, NULL if none. */
static virJSONValue *
vxlSimNicConfigEntry(vxlSimDomain *dom, const char *mac)
{
    virJSONValue *list = dom->config ?
        virJSONValueObjectGetArray(dom->config, "nics") : NULL;
    size_t i;

    for (i = 0; list && i < virJSONValueArraySize(list); i++) {
        virJSONValue *nic = virJSONValueArrayGet(list, i);
        const char *m = virJSONValueObjectGetString(nic, "mac");

        if (m && STRCASEEQ(m, mac))
            return nic;
    }
    return NULL;
}

int
vxlSimDomainNicSetRate(vxlBackend *be, uint32_t domid, const char *mac,
                       uint64_t bytes, uint32_t usecs)
{
    vxlSim *sim = vxlSimGet(be);
    g_auto(vxlSimSnapshot) snap = { 0 };

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimDomain *dom;
        virJSONValue *nic;

        vxlSimCatchUp(sim, g_get_monotonic_time());
        if (!(dom = vxlSimLookup(sim, domid)) ||
            vxlSimCheckAlive(dom, VXL_BACKEND_OP_NIC_RATE) < 0)
            return -1;
        if (!(nic = vxlSimNicConfigEntry(dom, mac))) {
            virReportError(VIR_ERR_DEVICE_MISSING,
                           _("domain '%s' (id %u) has no network interface with MAC %s"),
                           dom->name, domid, mac);
            return -1;
        }
        /* libxl leaves an unlimited vif's rate out of its JSON. */
        ignore_value(virJSONValueObjectRemoveKey(nic, "rate_bytes_per_interval", NULL));
        ignore_value(virJSONValueObjectRemoveKey(nic, "rate_interval_usecs", NULL));
        if (bytes > 0 &&
            (virJSONValueObjectAppendNumberUlong(nic, "rate_bytes_per_interval",
                                                 bytes) < 0 ||
             virJSONValueObjectAppendNumberUint(nic, "rate_interval_usecs",
                                                usecs) < 0))
            return -1;
        vxlSimSnapshotTake(sim, &snap, dom);
    }
    vxlSimSave(sim, &snap);
    return 0;
}
