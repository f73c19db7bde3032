/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_ifaddr.c: a running guest's IP addresses (virsh domifaddr,
 * virDomainInterfaceAddresses), from the sources libvirt names: the
 * DHCP leases of libvirt's network driver, for interfaces on a libvirt
 * network, dom0's neighbour table (ARP), for any vif, and the guest
 * agent (domain_agent_cmds.c), which knows the guest's own view.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_xmlns.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"
#include "virmacaddr.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_ifaddr");

/* What Xen names vif @idx of domain @domid in dom0 unless the XML
 * names it (<target dev>): vifDOMID.DEVID. */
static char *
vxlIfaceName(const virDomainDef *def, size_t idx)
{
    char mac[VIR_MAC_STRING_BUFLEN];

    if (def->nets[idx]->ifname)
        return g_strdup(def->nets[idx]->ifname);
    /* An SR-IOV VF has no vif in dom0: the guest's driver runs it. */
    if (def->nets[idx]->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
        return g_strdup(virMacAddrFormat(&def->nets[idx]->mac, mac));
    return g_strdup_printf("vif%d.%d", def->id, vxlXMLNSNicDevid(def, idx));
}

/* Interfaces named by what dom0 calls them, where libvirt left the
 * name out (it has only <target dev>, which Xen guests seldom set). */
static void
vxlIfaceNameAll(const virDomainDef *def, virDomainInterfacePtr *ifaces,
                int n)
{
    int i;
    size_t j;

    for (i = 0; i < n; i++) {
        if (ifaces[i]->name)
            continue;
        for (j = 0; j < def->nnets; j++) {
            char mac[VIR_MAC_STRING_BUFLEN];

            if (ifaces[i]->hwaddr &&
                STRCASEEQ(ifaces[i]->hwaddr,
                          virMacAddrFormat(&def->nets[j]->mac, mac))) {
                ifaces[i]->name = vxlIfaceName(def, j);
                break;
            }
        }
        if (!ifaces[i]->name)
            ifaces[i]->name = g_strdup(NULLSTR(ifaces[i]->hwaddr));
    }
}

static int
vxlIfaceFromNeighbours(const virDomainDef *def, const vxlNeighbour *nb,
                       size_t nnb, virDomainInterfacePtr **ifaces)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    size_t i;
    size_t j;

    for (i = 0; i < def->nnets; i++) {
        char mac[VIR_MAC_STRING_BUFLEN];
        virDomainInterfacePtr iface = NULL;

        virMacAddrFormat(&def->nets[i]->mac, mac);
        for (j = 0; j < nnb; j++) {
            virDomainIPAddressPtr addr;

            if (STRCASENEQ(nb[j].mac, mac))
                continue;
            if (!iface) {
                iface = g_new0(virDomainInterface, 1);
                iface->name = vxlIfaceName(def, i);
                iface->hwaddr = g_strdup(mac);
                g_ptr_array_add(out, iface);
            }
            iface->addrs = g_renew(virDomainIPAddress, iface->addrs,
                                   iface->naddrs + 1);
            addr = &iface->addrs[iface->naddrs++];
            memset(addr, 0, sizeof(*addr));
            addr->addr = g_strdup(nb[j].ip);
            addr->type = strchr(nb[j].ip, ':') ? VIR_IP_ADDR_TYPE_IPV6 :
                                                VIR_IP_ADDR_TYPE_IPV4;
            addr->prefix = 0;      /* ARP does not know the netmask */
        }
    }
    *ifaces = g_new0(virDomainInterfacePtr, out->len + 1);
    for (i = 0; i < out->len; i++)
        (*ifaces)[i] = g_ptr_array_index(out, i);
    return out->len;
}

int
vxlDomainIfaceAddresses(vxlDriver *driver, virDomainObj *vm,
                        unsigned int source, virDomainInterfacePtr **ifaces)
{
    vxlNeighbour *nb = NULL;
    size_t nnb = 0;
    int ret = -1;
    int rc;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;

    switch ((virDomainInterfaceAddressesSource) source) {
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE:
        /* libvirt's own walk over the network driver's leases. */
        if ((ret = virDomainNetDHCPInterfaces(vm->def, ifaces)) > 0)
            vxlIfaceNameAll(vm->def, *ifaces, ret);
        break;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP:
        vxlDomainBackendEnter(vm);
        rc = vxlBackendHostNeighbours(driver->backend, &nb, &nnb);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            break;
        ret = vxlIfaceFromNeighbours(vm->def, nb, nnb, ifaces);
        break;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT:
        ret = vxlDomainAgentInterfaces(vm, ifaces);
        break;
    case VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LAST:
    default:
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("unknown IP address data source %u"), source);
        break;
    }
    vxlNeighbourListFree(nb, nnb);
    return ret;
}
