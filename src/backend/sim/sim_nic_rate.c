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

typedef struct {
    const char *mac;
    uint64_t bytes;
    uint32_t usecs;
} vxlSimNicRateArgs;

static int
vxlSimNicSetRateAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                    long long now G_GNUC_UNUSED, void *opaque)
{
    const vxlSimNicRateArgs *args = opaque;
    virJSONValue *nic;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_NIC_RATE) < 0)
        return -1;
    if (!(nic = vxlSimNicConfigEntry(dom, args->mac))) {
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no network interface with MAC %s"),
                       dom->name, dom->domid, args->mac);
        return -1;
    }
    /* libxl leaves an unlimited vif's rate out of its JSON. */
    ignore_value(virJSONValueObjectRemoveKey(nic, "rate_bytes_per_interval", NULL));
    ignore_value(virJSONValueObjectRemoveKey(nic, "rate_interval_usecs", NULL));
    if (args->bytes > 0 &&
        (virJSONValueObjectAppendNumberUlong(nic, "rate_bytes_per_interval",
                                             args->bytes) < 0 ||
         virJSONValueObjectAppendNumberUint(nic, "rate_interval_usecs",
                                            args->usecs) < 0))
        return -1;
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainNicSetRate(vxlBackend *be, uint32_t domid, const char *mac,
                       uint64_t bytes, uint32_t usecs)
{
    vxlSimNicRateArgs args = { mac, bytes, usecs };

    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimNicSetRateAct, &args);
}
