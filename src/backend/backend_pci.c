/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_pci.c: when a host can hand PCI devices to guests at all,
 * decided once for both backends.
 *
 * Xen assigns a PCI device to a guest only through an IOMMU (VT-d or
 * AMD-Vi), and libxl 4.17's pci-assignable-add quarantines the device
 * (assigns it to dom_io) through that IOMMU after binding it to pciback.
 * On a host without one the quarantine fails after the bind, and libxl
 * leaves the device on pciback, taken from its host driver and listed as
 * assignable. Refusing before libxl is called leaves the host as it was.
 *
 * A device a domain names by its pci-assignable name (xl's
 * pci=['name=X']) is looked up by libxl at create among the names
 * `xl pci-assignable-add -n` gave; both backends refuse an unknown one
 * alike, before anything is built.
 */
#include "vxl_internal.h"

#include "virtxl/backend.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlBackendPciAssignableCheck(const char *addr, bool iommu)
{
    if (iommu)
        return 0;
    virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                   _("cannot make PCI device %s assignable: Xen assigns devices only through an IOMMU (VT-d or AMD-Vi), and this host has none enabled"),
                   addr);
    return -1;
}

int
vxlBackendPciNameUnknown(const char *domain, const char *name)
{
    virReportError(VIR_ERR_NO_NODE_DEVICE,
                   _("cannot start domain '%s': no PCI device named '%s' is assignable on this host (xl pci-assignable-add -n names one)"),
                   domain, name);
    return -1;
}
