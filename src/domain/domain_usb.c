/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_usb.c: which host USB device a <hostdev type='usb'> named by
 * vendor and product is.
 *
 * libxl names a host USB device by bus and device number only, while
 * virt-manager writes vendor and product (and adds bus and device only
 * when two devices share them). As libvirt's drivers do, the definition
 * keeps what the client wrote and the device is looked up when the
 * guest gets it (start, hot-attach): on the simulator in the host's
 * list, on real Xen in dom0's sysfs (libvirt's own USB lookup). The
 * live definition then says which one it got (the address libvirt marks
 * as found automatically).
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virusb.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* On the host's list (the simulator's): the one device with @vendor
 * and @product; 1 when found, 0 when the backend has no list. */
static int
vxlDomainUsbFindListed(vxlDriver *driver, unsigned int vendor,
                       unsigned int product, unsigned int *bus,
                       unsigned int *device)
{
    vxlHostUsb *devs = NULL;
    size_t ndevs = 0;
    size_t found = 0;
    size_t i;

    if (vxlBackendHostUsbList(driver->backend, &devs, &ndevs) < 0) {
        if (virGetLastErrorCode() == VIR_ERR_NO_SUPPORT) {
            virResetLastError();
            return 0;
        }
        return -1;
    }
    for (i = 0; i < ndevs; i++) {
        if (devs[i].vendor != vendor || devs[i].product != product)
            continue;
        *bus = devs[i].bus;
        *device = devs[i].device;
        found++;
    }
    vxlHostUsbListFree(devs, ndevs);
    if (found == 0) {
        virReportError(VIR_ERR_NO_NODE_DEVICE,
                       _("the host has no USB device with vendor 0x%04x and product 0x%04x"),
                       vendor, product);
        return -1;
    }
    if (found > 1) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the host has %zu USB devices with vendor 0x%04x and product 0x%04x: give the one meant by <address bus device>"),
                       found, vendor, product);
        return -1;
    }
    return 1;
}

/* In dom0's sysfs (real Xen). */
static int
vxlDomainUsbFindSysfs(unsigned int vendor, unsigned int product,
                      unsigned int *bus, unsigned int *device)
{
    g_autoptr(virUSBDeviceList) list = NULL;
    virUSBDevice *usb;
    int n;

    if ((n = virUSBDeviceFindByVendor(vendor, product, NULL, true, &list)) < 0)
        return -1;
    if (n > 1) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the host has %d USB devices with vendor 0x%04x and product 0x%04x: give the one meant by <address bus device>"),
                       n, vendor, product);
        return -1;
    }
    usb = virUSBDeviceListGet(list, 0);
    *bus = virUSBDeviceGetBus(usb);
    *device = virUSBDeviceGetDevno(usb);
    return 0;
}

int
vxlDomainUsbResolve(vxlDriver *driver, virDomainHostdevDef *hostdev)
{
    virDomainHostdevSubsysUSB *usb = &hostdev->source.subsys.u.usb;
    unsigned int bus = 0;
    unsigned int device = 0;
    int rc;

    if (hostdev->mode != VIR_DOMAIN_HOSTDEV_MODE_SUBSYS ||
        hostdev->source.subsys.type != VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB ||
        usb->bus != 0 || usb->device != 0 || (!usb->vendor && !usb->product))
        return 0;
    if ((rc = vxlDomainUsbFindListed(driver, usb->vendor, usb->product,
                                     &bus, &device)) < 0)
        return -1;
    if (rc == 0 &&
        vxlDomainUsbFindSysfs(usb->vendor, usb->product, &bus, &device) < 0)
        return -1;
    usb->bus = bus;
    usb->device = device;
    usb->autoAddress = true;
    return 0;
}

int
vxlDomainUsbResolveAll(vxlDriver *driver, virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        if (vxlDomainUsbResolve(driver, def->hostdevs[i]) < 0)
            return -1;
    }
    return 0;
}
