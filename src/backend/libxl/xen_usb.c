/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_usb.c: host USB devices given to running domains (xl usb-list,
 * usbdev-attach, usbdev-detach).
 *
 * libxl puts a device on a free port of one of the domain's USB
 * controllers and adds a controller of its default kind when none has
 * one (libxl_device_usbdev_add with ctrl -1); it removes a device by
 * controller and port, so a detach first finds where the device is from
 * the domain's list. Which domain has a device is read from every
 * domain's list, so that a device another guest holds is refused with
 * its name instead of libxl's generic failure.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* The index of host device @bus:@addr in @list, or -1. */
static int
vxlXenUsbIndex(const libxl_device_usbdev *list, int n, unsigned int bus,
               unsigned int addr)
{
    int i;

    for (i = 0; i < n; i++) {
        if (list[i].type == LIBXL_USBDEV_TYPE_HOSTDEV &&
            list[i].u.hostdev.hostbus == bus &&
            list[i].u.hostdev.hostaddr == addr)
            return i;
    }
    return -1;
}

/* The domain that has host USB device @bus:@addr, or 0 (none). */
static uint32_t
vxlXenUsbOwner(vxlXen *xen, unsigned int bus, unsigned int addr)
{
    libxl_dominfo *doms;
    uint32_t owner = 0;
    int ndoms = 0;
    int i;

    if (!(doms = libxl_list_domain(xen->ctx, &ndoms)))
        return 0;
    for (i = 0; i < ndoms && owner == 0; i++) {
        libxl_device_usbdev *list;
        int n = 0;

        if (doms[i].domid == 0)
            continue;
        list = libxl_device_usbdev_list(xen->ctx, doms[i].domid, &n);
        if (vxlXenUsbIndex(list, n, bus, addr) >= 0)
            owner = doms[i].domid;
        libxl_device_usbdev_list_free(list, n);
    }
    libxl_dominfo_list_free(doms, ndoms);
    return owner;
}

int
vxlXenDomainUsbAdd(vxlBackend *be, uint32_t domid, libxl_device_usbdev *usb)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    g_autofree char *verb = NULL;
    unsigned int bus;
    unsigned int addr;
    uint32_t owner;
    vxlXenAo ao;
    int rc;

    if (usb->type != LIBXL_USBDEV_TYPE_HOSTDEV) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a USB device to add must be a host device"));
        return -1;
    }
    bus = usb->u.hostdev.hostbus;
    addr = usb->u.hostdev.hostaddr;
    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_USB_ADD) < 0)
        return -1;
    if ((owner = vxlXenUsbOwner(xen, bus, addr)) == domid) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' (id %u) has USB device %03u:%03u already"),
                       dom.name, domid, bus, addr);
        return -1;
    }
    if (owner != 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot give USB device %03u:%03u to domain '%s': domain %u has it"),
                       bus, addr, dom.name, owner);
        return -1;
    }

    verb = g_strdup_printf(_("cannot add USB device %03u:%03u to domain '%s' (id %u)"),
                           bus, addr, dom.name, domid);
    vxlXenLogResetLastError();
    rc = vxlXenAoWait(&ao, libxl_device_usbdev_add(xen->ctx, domid, usb,
                                                   vxlXenAoInit(&ao)));
    if (rc != 0) {
        vxlXenReportError(rc, verb);
        return -1;
    }
    return 0;
}

int
vxlXenDomainUsbRemove(vxlBackend *be, uint32_t domid, unsigned int hostbus,
                      unsigned int hostaddr)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    g_autofree char *verb = NULL;
    libxl_device_usbdev *list;
    int n = 0;
    int idx;
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_USB_REMOVE) < 0)
        return -1;
    list = libxl_device_usbdev_list(xen->ctx, domid, &n);
    if ((idx = vxlXenUsbIndex(list, n, hostbus, hostaddr)) < 0) {
        libxl_device_usbdev_list_free(list, n);
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no USB device %03u:%03u"),
                       dom.name, domid, hostbus, hostaddr);
        return -1;
    }

    verb = g_strdup_printf(_("cannot remove USB device %03u:%03u from domain '%s' (id %u)"),
                           hostbus, hostaddr, dom.name, domid);
    vxlXenLogResetLastError();
    /* The listed entry carries the controller and port libxl needs. */
    rc = vxlXenAoWait(&ao, libxl_device_usbdev_remove(xen->ctx, domid,
                                                      &list[idx],
                                                      vxlXenAoInit(&ao)));
    libxl_device_usbdev_list_free(list, n);
    if (rc != 0) {
        vxlXenReportError(rc, verb);
        return -1;
    }
    return 0;
}
