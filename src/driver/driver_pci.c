/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_pci.c: host PCI devices made ready for guests (virsh
 * nodedev-detach, nodedev-reattach, nodedev-reset; Nova's Xen PCI path,
 * which prepares its managed='no' devices so before every boot).
 *
 * libvirt gives these calls to the hypervisor driver with a node device
 * of its node device driver (pci_0000_03_00_0): its XML says which PCI
 * address it is. Xen hands devices to guests through pciback, so
 * "detach" binds the device to pciback (xl pci-assignable-add) and
 * "reattach" gives it back to its own driver (pci-assignable-remove -r).
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain.h"
#include "datatypes.h"
#include "domain_driver.h"
#include "node_device_conf.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_pci");

/* The node device @dev's definition and its PCI address. */
static virNodeDeviceDef *
vxlNodeDevicePCI(virNodeDevicePtr dev, libxl_device_pci *pci)
{
    g_autoptr(virNodeDeviceDef) def = NULL;
    g_autofree char *xml = NULL;
    virPCIDeviceAddress addr = { 0 };

    if (!(xml = virNodeDeviceGetXMLDesc(dev, 0)))
        return NULL;
    if (!(def = virNodeDeviceDefParse(xml, NULL, EXISTING_DEVICE, NULL, NULL,
                                      NULL, false)))
        return NULL;
    if (virDomainDriverNodeDeviceGetPCIInfo(def, &addr) < 0)
        return NULL;
    pci->domain = addr.domain;
    pci->bus = addr.bus;
    pci->dev = addr.slot;
    pci->func = addr.function;
    return g_steal_pointer(&def);
}

int
vxlNodeDeviceDetachFlags(virNodeDevicePtr dev, const char *driverName,
                         unsigned int flags)
{
    g_autoptr(virNodeDeviceDef) def = NULL;
    libxl_device_pci pci;
    int ret = -1;

    virCheckFlags(0, -1);

    /* Xen's one way to give a guest a device. */
    if (driverName && *driverName && STRNEQ(driverName, "xen")) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot detach node device '%s' for driver '%s': Xen passes PCI devices through with pciback, driver 'xen'"),
                       dev->name, driverName);
        return -1;
    }
    libxl_device_pci_init(&pci);
    if (!(def = vxlNodeDevicePCI(dev, &pci)) ||
        virNodeDeviceDetachFlagsEnsureACL(dev->conn, def) < 0)
        goto cleanup;
    ret = vxlDomainHostPciAssignable(vxl_driver, &pci, true, false);

 cleanup:
    libxl_device_pci_dispose(&pci);
    return ret;
}

int
vxlNodeDeviceDettach(virNodeDevicePtr dev)
{
    return vxlNodeDeviceDetachFlags(dev, NULL, 0);
}

int
vxlNodeDeviceReAttach(virNodeDevicePtr dev)
{
    g_autoptr(virNodeDeviceDef) def = NULL;
    libxl_device_pci pci;
    int ret = -1;

    libxl_device_pci_init(&pci);
    if (!(def = vxlNodeDevicePCI(dev, &pci)) ||
        virNodeDeviceReAttachEnsureACL(dev->conn, def) < 0)
        goto cleanup;
    ret = vxlDomainHostPciAssignable(vxl_driver, &pci, false, true);

 cleanup:
    libxl_device_pci_dispose(&pci);
    return ret;
}

int
vxlNodeDeviceReset(virNodeDevicePtr dev)
{
    g_autoptr(virNodeDeviceDef) def = NULL;
    libxl_device_pci pci;
    int ret = -1;

    libxl_device_pci_init(&pci);
    if (!(def = vxlNodeDevicePCI(dev, &pci)) ||
        virNodeDeviceResetEnsureACL(dev->conn, def) < 0)
        goto cleanup;
    ret = vxlDomainHostPciReset(vxl_driver, &pci);

 cleanup:
    libxl_device_pci_dispose(&pci);
    return ret;
}
