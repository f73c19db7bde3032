/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_net.c: <interface> devices.
 *
 * Covers <interface type='bridge'> (<source bridge>) and
 * <interface type='ethernet'>, each with <mac address>, <script path>,
 * <target dev> (the backend's vifname), <model type> (netfront: a PV
 * vif; for HVM guests any other model is an emulated NIC of that model,
 * xl's type=ioemu) and <backenddomain name>.
 *
 * Also <interface type='network'> once domain/ has resolved it to a
 * bridge, <mtu size>, <ip address> (libxl's ip), <bandwidth><outbound
 * average> (rate), and <virtualport type='openvswitch'> with <vlan>
 * tags or trunks (bridge "br.TAG" / "br:T1:T2", script
 * vif-openvswitch; its interfaceid is not passed on, there being no
 * place for it).
 *
 * <interface type='hostdev'> (an SR-IOV VF, managed or not, with <mac>
 * and one <vlan><tag>) is no vif: its PCI function is passed through by
 * translate_hostdev.c, as libvirt lists it among the hostdevs too; the
 * MAC and VLAN are set on the host (domain_hostdev_net.c).
 *
 * Refuses the other types, models other
 * than netfront for PV and PVH guests, inbound or peak/burst/floor
 * bandwidth, other virtualports and an openvswitch profileid, VLANs
 * without Open vSwitch, routes, and a network that was not resolved to
 * a bridge.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "virerror.h"
#include "virnetdevbandwidth.h"
#include "virnetdevvportprofile.h"
#include "virsocketaddr.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* libxl_device_nic has a MAC, bridge, script, model, name, IPs, MTU, rate
 * and backend domain: qemu's and virtio's tuning, and what libvirt
 * itself would do to the host side (filters, link state, isolation),
 * have nowhere to go and are refused, never dropped. */
static int
vxlValidateNetTuning(const virDomainNetDef *net)
{
    static const typeof(net->driver) noDriver;
    const char *what = NULL;

    if (memcmp(&net->driver, &noDriver, sizeof(noDriver)) != 0 ||
        vxlVirtioOptionsSet(net->virtio))
        what = "<driver>";
    else if (net->backend.type || net->backend.tap || net->backend.vhost)
        what = "<backend>";
    else if (net->teaming)
        what = "<teaming>";
    else if (net->tune.sndbuf_specified)
        what = "<tune><sndbuf>";
    else if (net->downscript)
        what = "<downscript>";
    else if (net->managed_tap != VIR_TRISTATE_BOOL_ABSENT)
        what = "<target managed>";
    else if (net->hostIP.nips || net->hostIP.nroutes)
        what = "host-side <ip>";
    else if (net->ifname_guest || net->nPortForwards)
        what = "<guest dev> and <portForward>";
    else if (net->filter)
        what = "<filterref>";
    else if (net->trustGuestRxFilters != VIR_TRISTATE_BOOL_ABSENT)
        what = "trustGuestRxFilters";
    else if (net->isolatedPort != VIR_TRISTATE_BOOL_ABSENT)
        what = "<port isolated>";
    else if (net->linkstate == VIR_DOMAIN_NET_INTERFACE_LINK_STATE_DOWN)
        what = "<link state='down'>";
    else if (net->coalesce)
        what = "<coalesce>";
    else if (net->info.romenabled || net->info.rombar || net->info.romfile)
        what = "<rom>";
    else if (net->mac_check != VIR_TRISTATE_BOOL_ABSENT)
        what = "<mac check>";

    if (what) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface> uses %s, which Xen does not support"), what);
        return -1;
    }
    return 0;
}


/*
 * <interface type='hostdev'>: the VF is the guest's own NIC, driven by
 * its own driver, so nothing of a vif applies (script, bridge, model,
 * rate, target name, backend domain, IPs). Its MAC and one VLAN tag are
 * set on the VF through its PF on the host before the guest gets it
 * (domain_hostdev_net.c); a port profile needs a switch or a bridge Xen
 * does not drive for it.
 */
static int
vxlValidateNetHostdev(const virDomainDef *def, const virDomainNetDef *net)
{
    const virDomainHostdevDef *hostdev = &net->data.hostdev.def;
    const virNetDevVlan *vlan = virDomainNetGetActualVlan(net);
    const virNetDevVPortProfile *vport = virDomainNetGetActualVirtPortProfile(net);
    const char *what = NULL;

    if (hostdev->source.subsys.type != VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface type='hostdev'> with a <source><address type='%s'> is not supported by Xen: only a PCI function (an SR-IOV VF) can be passed through as a NIC"),
                       virDomainHostdevSubsysTypeToString(hostdev->source.subsys.type));
        return -1;
    }
    /* The rules of <hostdev type='pci'>, with its messages. */
    if (vxlValidateHostdev(def, hostdev) < 0)
        return -1;
    if (vport) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface type='hostdev'><virtualport type='%s'> is not supported by Xen: the VF gets its MAC and VLAN through its PF, and no port profile is applied"),
                       virNetDevVPortTypeToString(vport->virtPortType));
        return -1;
    }
    if (vlan && vlan->nTags > 0) {
        if (vlan->trunk || vlan->nTags > 1) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<interface type='hostdev'><vlan trunk> is not supported by Xen: a VF takes one VLAN tag from its PF"));
            return -1;
        }
        if (vlan->nativeMode) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<interface type='hostdev'><vlan><tag nativeMode> is not supported by Xen: a VF takes one VLAN tag from its PF"));
            return -1;
        }
    }

    if (virDomainNetGetModelString(net))
        what = "<model>";
    else if (net->script)
        what = "<script>";
    else if (net->ifname)
        what = "<target dev>";
    else if (net->domain_name)
        what = "<backenddomain>";
    else if (net->mtu)
        what = "<mtu>";
    else if (net->bandwidth)
        what = "<bandwidth>";
    else if (net->guestIP.nips || net->guestIP.nroutes)
        what = "<ip> or <route>";
    if (what) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface type='hostdev'> with %s is not supported by Xen: the VF is passed through, and the guest's own driver runs it"),
                       what);
        return -1;
    }
    return vxlValidateNetTuning(net);
}


int
vxlValidateNet(const virDomainDef *def, const virDomainNetDef *net)
{
    size_t i;
    const virNetDevBandwidth *bandwidth = virDomainNetGetActualBandwidth(net);
    const virNetDevVlan *vlan = virDomainNetGetActualVlan(net);
    const virNetDevVPortProfile *vport = virDomainNetGetActualVirtPortProfile(net);

    switch (net->type) {
    case VIR_DOMAIN_NET_TYPE_BRIDGE:
    case VIR_DOMAIN_NET_TYPE_ETHERNET:
    /* A libvirt network is resolved to its bridge when the domain starts
     * (domain/), before translation; vxlTranslateNet() refuses one that
     * was not. */
    case VIR_DOMAIN_NET_TYPE_NETWORK:
        break;
    /* An SR-IOV VF passed through: translate_hostdev.c makes it a PCI
     * device (libvirt lists it among the hostdevs too); only what is
     * the interface's own is checked here. */
    case VIR_DOMAIN_NET_TYPE_HOSTDEV:
        return vxlValidateNetHostdev(def, net);
    /* qemu's own networking (SLIRP, sockets): a Xen vif has a backend
     * in a driver domain, not in the device model. */
    case VIR_DOMAIN_NET_TYPE_USER:
    case VIR_DOMAIN_NET_TYPE_MCAST:
    case VIR_DOMAIN_NET_TYPE_UDP:
    /* Stream sockets between guests, also qemu's. */
    case VIR_DOMAIN_NET_TYPE_SERVER:
    case VIR_DOMAIN_NET_TYPE_CLIENT:
    /* Host devices a vif cannot be: macvtap, vDPA, vhost-user. */
    case VIR_DOMAIN_NET_TYPE_DIRECT:
    case VIR_DOMAIN_NET_TYPE_VDPA:
    case VIR_DOMAIN_NET_TYPE_VHOSTUSER:
    /* Other hypervisors' kinds: VirtualBox's internal network, */
    case VIR_DOMAIN_NET_TYPE_INTERNAL:
    /* VMware's null device and ESX's distributed switch. */
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

    /* The vif scripts look for the bridge by that name, blanks and all,
     * and Linux gives no interface a name with one: the start would fail
     * in the hotplug script, as xl create does with "bridge=xenbr0 ". */
    if (net->type == VIR_DOMAIN_NET_TYPE_BRIDGE && net->data.bridge.brname &&
        strpbrk(net->data.bridge.brname, " \t\n")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface type='bridge'><source bridge='%s'> has a blank: no Linux bridge is named so, so the vif's hotplug script could not add the vif to it"),
                       net->data.bridge.brname);
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

    if (bandwidth) {
        if (bandwidth->in) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<interface><bandwidth><inbound> is not supported by Xen: a vif limits only what the guest sends"));
            return -1;
        }
        if (bandwidth->out &&
            (bandwidth->out->peak || bandwidth->out->burst || bandwidth->out->floor)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<interface><bandwidth><outbound peak|burst|floor> is not supported by Xen: a vif has one average rate"));
            return -1;
        }
    }

    if (vport && vport->virtPortType != VIR_NETDEV_VPORT_PROFILE_OPENVSWITCH) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface><virtualport type='%s'> is not supported by Xen: use 'openvswitch'"),
                       virNetDevVPortTypeToString(vport->virtPortType));
        return -1;
    }
    /* An Open vSwitch port's interfaceid is not refused, though libxl
     * has nowhere to put it and Xen's vif-openvswitch sets no
     * external-ids on the port: libvirt's parser draws one for every
     * openvswitch port that has none, so refusing it would refuse them
     * all (libvirt's libxl driver drops it too). A profileid is only
     * ever the user's, and names a port profile Xen cannot apply. */
    if (vport && vport->profileID[0]) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<interface><virtualport type='openvswitch'><parameters profileid> is not supported by Xen: vif-openvswitch applies no port profile"));
        return -1;
    }
    if (vlan && vlan->nTags > 0) {
        if (!vport || net->type != VIR_DOMAIN_NET_TYPE_BRIDGE) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<interface><vlan> is supported by Xen only on an Open vSwitch bridge, with <virtualport type='openvswitch'>"));
            return -1;
        }
        if (vlan->nativeMode) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<interface><vlan><tag nativeMode> is not supported by Xen's vif-openvswitch"));
            return -1;
        }
    }
    if (vxlValidateNetTuning(net) < 0)
        return -1;
    for (i = 0; i < net->guestIP.nips; i++) {
        if (net->guestIP.ips[i]->prefix || VIR_SOCKET_ADDR_VALID(&net->guestIP.ips[i]->peer)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<interface><ip prefix|peer> is not supported by Xen: a vif's ip is a list of addresses for its hotplug script"));
            return -1;
        }
    }
    /* libvirt assigns no PCI addresses to a Xen guest's devices: one
     * written down cannot be honoured, libxl places emulated NICs. */
    if (net->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface><address type='%s'> is not supported by Xen: libxl places the NIC itself"),
                       virDomainDeviceAddressTypeToString(net->info.type));
        return -1;
    }
    if (net->info.acpiIndex) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<interface><acpi index> is not supported by Xen"));
        return -1;
    }
    if (net->guestIP.nroutes > 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<interface><route> is not supported by Xen"));
        return -1;
    }
    return 0;
}



/*
 * Whether the vif joins a bridge: <interface type='bridge'>, or one on a
 * libvirt network resolved at start. The network driver resolves a port
 * on a network it manages itself (NAT, routed, isolated, open: the
 * default network among them) to type 'network' with the network's
 * bridge, and one on a forward mode='bridge' network to type 'bridge';
 * either way a Xen vif joins that bridge.
 */
static bool
vxlNetJoinsBridge(const virDomainNetDef *net)
{
    switch (virDomainNetGetActualType(net)) {
    case VIR_DOMAIN_NET_TYPE_BRIDGE:
        return true;
    case VIR_DOMAIN_NET_TYPE_NETWORK:
        return net->type == VIR_DOMAIN_NET_TYPE_NETWORK &&
               net->data.network.actual &&
               virDomainNetGetActualBridgeName(net) != NULL;
    default:
        return false;
    }
}


/* What <virtxl:nic> adds to the vif (domain_xmlns_nic.c): xl's
 * gatewaydev=, trusted/untrusted, a vifname= beginning with "vif", COLO's
 * forwarddev= and colo_*=, and the credit interval of rate=,
 * over which the <bandwidth> average is credited instead of 50 ms. */
static void
vxlTranslateNetXMLNS(const virDomainDef *def, const virDomainNetDef *net,
                     libxl_device_nic *xnic)
{
    const vxlXMLNSNic *x = vxlXMLNSFindNic(def, &net->mac);
    size_t i;

    if (!x)
        return;
    xnic->gatewaydev = g_strdup(x->gatewaydev);
    /* COLO's forwarddev= and colo_*=, copied as xl copies them. */
    for (i = 0; i < VXL_NIC_COLO_KEYS; i++) {
        if (x->colo[i])
            *vxlNicColoField(xnic, i) = g_strdup(x->colo[i]);
    }
    if (x->vifname && !xnic->ifname)
        xnic->ifname = g_strdup(x->vifname);
    if (x->trusted != VIR_TRISTATE_BOOL_ABSENT)
        libxl_defbool_set(&xnic->trusted, x->trusted == VIR_TRISTATE_BOOL_YES);
    if (x->rateIntervalUs && xnic->rate_interval_usecs) {
        unsigned long long bytesPerSec = net->bandwidth->out->average * 1000ULL;

        xnic->rate_interval_usecs = x->rateIntervalUs;
        xnic->rate_bytes_per_interval = bytesPerSec * x->rateIntervalUs / 1000000ULL;
    }
}

int
vxlTranslateNet(const virDomainDef *def, const virDomainNetDef *net,
                libxl_device_nic *xnic)
{
    const char *model;

    const virNetDevBandwidth *bandwidth;
    const virNetDevVPortProfile *vport;
    size_t i;

    if (vxlValidateNet(def, net) < 0)
        return -1;

    if (!vxlNetJoinsBridge(net) &&
        virDomainNetGetActualType(net) != VIR_DOMAIN_NET_TYPE_ETHERNET) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<interface type='network'><source network='%s'> is not supported by Xen unless the network provides a bridge: it was not resolved to one (is the network driver running?)"),
                       NULLSTR(net->data.network.name));
        return -1;
    }
    bandwidth = virDomainNetGetActualBandwidth(net);
    vport = virDomainNetGetActualVirtPortProfile(net);

    virMacAddrGetRaw(&net->mac, xnic->mac);

    /* Without a bridge and script libxl falls back to xenbr0 and
     * vif-bridge, for ethernet as for an xl vif= without bridge=: a Xen
     * vif always runs a hotplug script. */
    if (vxlNetJoinsBridge(net))
        xnic->bridge = vxlNetOvsBridge(virDomainNetGetActualBridgeName(net),
                                       vport ? virDomainNetGetActualVlan(net) : NULL);
    xnic->script = g_strdup(net->script);
    /* An Open vSwitch bridge needs Xen's vif-openvswitch; vif-bridge
     * would try brctl on it. */
    if (vport && !xnic->script)
        xnic->script = g_strdup("vif-openvswitch");
    if (net->mtu > 0)
        xnic->mtu = net->mtu;

    /* libxl's ip is a blank-separated list, read by the vif-route and
     * vif-nat scripts and by anti-spoofing rules. */
    if (net->guestIP.nips > 0) {
        g_auto(GStrv) ips = g_new0(char *, net->guestIP.nips + 1);

        for (i = 0; i < net->guestIP.nips; i++)
            ips[i] = virSocketAddrFormat(&net->guestIP.ips[i]->address);
        xnic->ip = g_strjoinv(" ", ips);
    }

    /* libvirt's average is kilobytes per second of 1000 bytes (what tc's
     * kbps means for every other driver), as xl's rate=NKB/s; Xen's vif
     * credits bytes per interval. xl's default interval is 50 ms, so the
     * same rate= and the same <bandwidth> give the same credit.
     * (libvirt's own libxl driver counts 1024 bytes.) */
    if (bandwidth && bandwidth->out && bandwidth->out->average > 0)
        vxlTranslateNicRate(bandwidth->out->average,
                            &xnic->rate_bytes_per_interval,
                            &xnic->rate_interval_usecs);
    xnic->ifname = g_strdup(net->ifname);
    vxlTranslateNetXMLNS(def, net, xnic);
    xnic->backend_domname = g_strdup(net->domain_name);

    /*
     * Without a model, nictype stays unset and libxl decides as for xl:
     * an emulated NIC plus its PV twin (ioemu) for an HVM guest at start,
     * a PV vif when hot-plugged or for PV and PVH guests. netfront is
     * always the PV vif alone. Any other model is what qemu emulates
     * (qemu is told the model only for ioemu NICs), so it is ioemu, as
     * xl's type=ioemu.
     */
    if ((model = vxlNetModelName(net))) {
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
    size_t n = 0;
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        /* A VF is no vif: vxlTranslateHostdevList() passes it through,
         * it being among the domain's hostdevs too. */
        if (def->nets[i]->type == VIR_DOMAIN_NET_TYPE_HOSTDEV) {
            if (vxlValidateNet(def, def->nets[i]) < 0) {
                vxlNicArrayFree(xnics, n);
                return -1;
            }
            continue;
        }
        libxl_device_nic_init(&xnics[n]);
        if (vxlTranslateNet(def, def->nets[i], &xnics[n]) < 0) {
            vxlNicArrayFree(xnics, n + 1);
            return -1;
        }
        /* As xl numbers vif= entries: the guest sees them as eth0, eth1,
         * ... in this order, unless <virtxl:nic devid> says otherwise. */
        xnics[n++].devid = vxlXMLNSNicDevid(def, i);
    }

    vxlNicArrayFree(dcfg->nics, dcfg->num_nics);
    dcfg->nics = xnics;
    dcfg->num_nics = n;
    return 0;
}


void
vxlTranslateNicRate(unsigned long long averageKBps, uint64_t *bytes,
                    uint32_t *usecs)
{
    *usecs = 50000;
    *bytes = averageKBps * 1000 / 20;
}
