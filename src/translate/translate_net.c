/*
 * translate_net.c: <interface> devices.
 *
 * Covers <interface type='bridge'> (<source bridge>) and
 * <interface type='ethernet'>, each with <mac address>, <script path>,
 * <target dev> (the backend's vifname), <model type> (netfront: a PV
 * vif; for HVM guests any other model is an emulated NIC of that model,
 * xl's type=ioemu) and <backenddomain name>.
 *
 * Refuses, for now: type='network' and type='hostdev'; and for good the
 * other types, and models other than netfront for PV and PVH guests.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


int
vxlValidateNet(const virDomainDef *def, const virDomainNetDef *net)
{
    switch (net->type) {
    case VIR_DOMAIN_NET_TYPE_BRIDGE:
    case VIR_DOMAIN_NET_TYPE_ETHERNET:
        break;
    case VIR_DOMAIN_NET_TYPE_NETWORK:
    case VIR_DOMAIN_NET_TYPE_HOSTDEV:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface type='%s'> is not supported by the Xen driver yet: use type='bridge'"),
                       virDomainNetTypeToString(net->type));
        return -1;
    case VIR_DOMAIN_NET_TYPE_USER:
    case VIR_DOMAIN_NET_TYPE_VHOSTUSER:
    case VIR_DOMAIN_NET_TYPE_SERVER:
    case VIR_DOMAIN_NET_TYPE_CLIENT:
    case VIR_DOMAIN_NET_TYPE_MCAST:
    case VIR_DOMAIN_NET_TYPE_INTERNAL:
    case VIR_DOMAIN_NET_TYPE_DIRECT:
    case VIR_DOMAIN_NET_TYPE_UDP:
    case VIR_DOMAIN_NET_TYPE_VDPA:
    case VIR_DOMAIN_NET_TYPE_NULL:
    case VIR_DOMAIN_NET_TYPE_VDS:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface type='%s'> is not supported by Xen: use type='bridge' or type='ethernet'"),
                       virDomainNetTypeToString(net->type));
        return -1;
    case VIR_DOMAIN_NET_TYPE_LAST:
    default:
        virReportEnumRangeError(virDomainNetType, net->type);
        return -1;
    }

    /* A PV or PVH guest has no device model to emulate a NIC: its only
     * NIC is the PV one, netfront. */
    if (def->os.type != VIR_DOMAIN_OSTYPE_HVM &&
        virDomainNetGetModelString(net) &&
        net->model != VIR_DOMAIN_NET_MODEL_NETFRONT) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface><model type='%s'> is not supported for Xen PV and PVH guests: use 'netfront' or no model"),
                       virDomainNetGetModelString(net));
        return -1;
    }

    return 0;
}


int
vxlTranslateNet(const virDomainDef *def, const virDomainNetDef *net,
                libxl_device_nic *xnic)
{
    const char *model;

    if (vxlValidateNet(def, net) < 0)
        return -1;

    virMacAddrGetRaw(&net->mac, xnic->mac);

    /* Without a bridge and script libxl falls back to xenbr0 and
     * vif-bridge, for ethernet as for an xl vif= without bridge=: a Xen
     * vif always runs a hotplug script. */
    if (net->type == VIR_DOMAIN_NET_TYPE_BRIDGE)
        xnic->bridge = g_strdup(virDomainNetGetActualBridgeName(net));
    xnic->script = g_strdup(net->script);
    xnic->ifname = g_strdup(net->ifname);
    xnic->backend_domname = g_strdup(net->domain_name);

    /*
     * Without a model, nictype stays unset and libxl decides as for xl:
     * an emulated NIC plus its PV twin (ioemu) for an HVM guest at start,
     * a PV vif when hot-plugged or for PV and PVH guests. netfront is
     * always the PV vif alone. Any other model is what qemu emulates
     * (qemu is told the model only for ioemu NICs), so it is ioemu, as
     * xl's type=ioemu.
     */
    if ((model = virDomainNetGetModelString(net))) {
        xnic->model = g_strdup(model);
        if (net->model == VIR_DOMAIN_NET_MODEL_NETFRONT)
            xnic->nictype = LIBXL_NIC_TYPE_VIF;
        else
            xnic->nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
    }
    return 0;
}


int
vxlValidateNetList(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (vxlValidateNet(def, def->nets[i]) < 0)
            return -1;
    }
    return 0;
}


static void
vxlNicArrayFree(libxl_device_nic *xnics, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        libxl_device_nic_dispose(&xnics[i]);
    g_free(xnics);
}


int
vxlTranslateNetList(const virDomainDef *def, libxl_domain_config *dcfg)
{
    libxl_device_nic *xnics = g_new0(libxl_device_nic, def->nnets);
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        libxl_device_nic_init(&xnics[i]);
        if (vxlTranslateNet(def, def->nets[i], &xnics[i]) < 0) {
            vxlNicArrayFree(xnics, i + 1);
            return -1;
        }
        /* As xl numbers vif= entries: the guest sees them as eth0, eth1,
         * ... in this order. */
        xnics[i].devid = i;
    }

    vxlNicArrayFree(dcfg->nics, dcfg->num_nics);
    dcfg->nics = xnics;
    dcfg->num_nics = def->nnets;
    return 0;
}
