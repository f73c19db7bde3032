/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_hostdev_net.c: the host side of <interface type='hostdev'>, an
 * SR-IOV VF passed through as the guest's NIC.
 *
 * libxl passes the VF through as any PCI function (translate_hostdev.c:
 * libvirt lists the interface among the hostdevs too); the MAC of
 * <mac address> and the tag of <vlan><tag> are the PF's to give the VF,
 * before the guest's VF driver starts, as libvirt's own drivers do. The
 * backend keeps what the VF had and puts it back when the guest lets it
 * go: at stop, at detach, and when a start or attach fails after the
 * set, so that a refused guest changes nothing on the host.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_hostdev_net");

static bool
vxlDomainNetIsVF(const virDomainNetDef *net)
{
    return net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV &&
           net->data.hostdev.def.source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI;
}

static void
vxlDomainNetVFAddr(const virDomainNetDef *net, libxl_device_pci *xpci)
{
    const virPCIDeviceAddress *a = &net->data.hostdev.def.source.subsys.u.pci.addr;

    libxl_device_pci_init(xpci);
    xpci->domain = a->domain;
    xpci->bus = a->bus;
    xpci->dev = a->slot;
    xpci->func = a->function;
}

int
vxlDomainHostdevNetPrepareOne(vxlDriver *driver, const virDomainNetDef *net)
{
    const virNetDevVlan *vlan = virDomainNetGetActualVlan(net);
    char mac[VIR_MAC_STRING_BUFLEN];
    libxl_device_pci xpci;
    int rc;

    if (!vxlDomainNetIsVF(net))
        return 0;
    vxlDomainNetVFAddr(net, &xpci);
    /* One tag at most: translate_net.c refuses trunks. */
    rc = vxlBackendHostNetVFSet(driver->backend, &xpci,
                                virMacAddrFormat(&net->mac, mac),
                                vlan && vlan->nTags > 0 ? vlan->tag[0] : 0);
    libxl_device_pci_dispose(&xpci);
    return rc;
}

void
vxlDomainHostdevNetReleaseOne(vxlDriver *driver, const virDomainNetDef *net)
{
    libxl_device_pci xpci;

    if (!vxlDomainNetIsVF(net))
        return;
    vxlDomainNetVFAddr(net, &xpci);
    if (vxlBackendHostNetVFRestore(driver->backend, &xpci) < 0) {
        VIR_WARN("cannot give SR-IOV VF %04x:%02x:%02x.%x its own MAC address and VLAN back: %s",
                 xpci.domain, xpci.bus, xpci.dev, xpci.func,
                 virGetLastErrorMessage());
        virResetLastError();
    }
    libxl_device_pci_dispose(&xpci);
}

int
vxlDomainHostdevNetPrepare(vxlDriver *driver, const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (vxlDomainHostdevNetPrepareOne(driver, def->nets[i]) < 0) {
            virErrorPtr saved;

            virErrorPreserveLast(&saved);
            while (i-- > 0)
                vxlDomainHostdevNetReleaseOne(driver, def->nets[i]);
            virErrorRestore(&saved);
            return -1;
        }
    }
    return 0;
}

void
vxlDomainHostdevNetRelease(vxlDriver *driver, const virDomainDef *def)
{
    size_t i;

    if (!driver->backend)
        return;
    for (i = 0; i < def->nnets; i++)
        vxlDomainHostdevNetReleaseOne(driver, def->nets[i]);
}
