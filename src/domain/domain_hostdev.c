/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_hostdev.c: host PCI devices a stopped domain leaves behind.
 *
 * A managed <hostdev> is the driver's to prepare and to give back: libxl
 * takes it from its host driver at start (seize), and when the domain
 * is gone it goes back to that driver, as libvirt's drivers do. An
 * unmanaged one stays bound to pciback, for whoever prepared it (Nova).
 */
#include "vxl_internal.h"

#include "domain.h"
#include "backend_call.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_hostdev");

void
vxlDomainHostdevsRelease(vxlDriver *driver, const virDomainDef *def)
{
    size_t i;

    if (!driver->backend)
        return;
    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *hostdev = def->hostdevs[i];
        const virPCIDeviceAddress *a = &hostdev->source.subsys.u.pci.addr;
        libxl_device_pci xpci;

        if (hostdev->mode != VIR_DOMAIN_HOSTDEV_MODE_SUBSYS ||
            hostdev->source.subsys.type != VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI ||
            !hostdev->managed)
            continue;
        libxl_device_pci_init(&xpci);
        xpci.domain = a->domain;
        xpci.bus = a->bus;
        xpci.dev = a->slot;
        xpci.func = a->function;
        if (vxlBackendHostPciAssignable(driver->backend, &xpci, false, true) < 0) {
            VIR_WARN("cannot give PCI device %04x:%02x:%02x.%x of domain %s back to the host: %s",
                     a->domain, a->bus, a->slot, a->function, def->name,
                     virGetLastErrorMessage());
            virResetLastError();
        }
        libxl_device_pci_dispose(&xpci);
    }
}
