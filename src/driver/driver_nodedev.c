/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_nodedev.c: the simulated host's node devices (virsh
 * nodedev-list, nodedev-dumpxml) for a daemon without libvirt's own node
 * device driver.
 *
 * On real Xen, libvirt's node device driver reads the host's sysfs and
 * names each PCI device pci_DDDD_BB_SS_F; the hypervisor calls
 * (nodedev-detach, -reattach, -reset) then find the device through it.
 * The simulator's host is a profile, which sysfs knows nothing of, so
 * the driver lists the profile's PCI devices under the same names and in
 * the same XML, with the driver each is bound to now, and its USB
 * devices (capability usb_device, which virt-manager offers for a USB
 * <hostdev>). It is installed
 * only with the simulator, and only where no other node device driver is.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain.h"
#include "datatypes.h"
#include "node_device_conf.h"
#include "viraccessapicheck.h"
#include "virbuffer.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_NODEDEV

VIR_LOG_INIT("virtxl.driver_nodedev");

/* One node device: its name, its one capability and its XML. */
typedef struct {
    char *name;
    const char *cap;               /* "pci", "usb_device" */
    char *xml;
} vxlNodeDev;

typedef struct {
    vxlNodeDev *devs;
    size_t ndevs;
} vxlNodeDevList;

static void
vxlNodeDevListClear(vxlNodeDevList *list)
{
    size_t i;

    for (i = 0; i < list->ndevs; i++) {
        g_free(list->devs[i].name);
        g_free(list->devs[i].xml);
    }
    g_free(list->devs);
    list->devs = NULL;
    list->ndevs = 0;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vxlNodeDevList, vxlNodeDevListClear);

static char *vxlNodeDevFormatPCI(const vxlHostPci *d, const char *name);
static char *vxlNodeDevFormatUSB(const vxlHostUsb *d, const char *name);

/* The host's PCI devices (pci_DDDD_BB_SS_F), then its USB devices
 * (usb_BUS_DEVICE: the simulated host has no USB tree to name them by
 * sysfs path as udev does). */
static int
vxlNodeDevFetch(vxlNodeDevList *list)
{
    vxlHostPci *pci = NULL;
    vxlHostUsb *usb = NULL;
    size_t npci = 0;
    size_t nusb = 0;
    size_t i;

    if (vxlDomainHostPciList(vxl_driver, &pci, &npci) < 0)
        return -1;
    if (vxlDomainHostUsbList(vxl_driver, &usb, &nusb) < 0) {
        vxlHostPciListFree(pci, npci);
        return -1;
    }
    list->devs = g_new0(vxlNodeDev, npci + nusb);
    for (i = 0; i < npci; i++) {
        vxlNodeDev *d = &list->devs[list->ndevs++];

        d->name = g_strdup_printf("pci_%04x_%02x_%02x_%x", pci[i].domain,
                                  pci[i].bus, pci[i].slot, pci[i].function);
        d->cap = "pci";
        d->xml = vxlNodeDevFormatPCI(&pci[i], d->name);
    }
    for (i = 0; i < nusb; i++) {
        vxlNodeDev *d = &list->devs[list->ndevs++];

        d->name = g_strdup_printf("usb_%u_%u", usb[i].bus, usb[i].device);
        d->cap = "usb_device";
        d->xml = vxlNodeDevFormatUSB(&usb[i], d->name);
    }
    vxlHostPciListFree(pci, npci);
    vxlHostUsbListFree(usb, nusb);
    return 0;
}

static const vxlNodeDev *
vxlNodeDevFind(const vxlNodeDevList *list, const char *name)
{
    size_t i;

    for (i = 0; i < list->ndevs; i++) {
        if (STREQ(list->devs[i].name, name))
            return &list->devs[i];
    }
    virReportError(VIR_ERR_NO_NODE_DEVICE,
                   _("no node device with matching name '%s'"), name);
    return NULL;
}

/* Only a name is needed by the ACL checks. */
#define VXL_NODEDEV_ACL_DEF(var, devname) \
    virNodeDeviceDef var = { .name = (char *)(devname) }

/* Whether device @d is wanted by capability name @cap (NULL: any) and
 * listing filter @flags (0: any). */
static bool
vxlNodeDevWanted(const vxlNodeDev *d, const char *cap, unsigned int flags)
{
    bool pci = STREQ(d->cap, "pci");

    if (cap && STRNEQ(cap, d->cap))
        return false;
    if (flags == 0)
        return true;
    return pci ? !!(flags & VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV) :
                 !!(flags & VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV);
}

static int
vxlNodeNumOfDevices(virConnectPtr conn, const char *cap, unsigned int flags)
{
    g_auto(vxlNodeDevList) list = { 0 };
    size_t n = 0;
    size_t i;

    virCheckFlags(0, -1);
    if (virNodeNumOfDevicesEnsureACL(conn) < 0 || vxlNodeDevFetch(&list) < 0)
        return -1;
    for (i = 0; i < list.ndevs; i++) {
        if (vxlNodeDevWanted(&list.devs[i], cap, 0))
            n++;
    }
    return n;
}

static int
vxlNodeListDevices(virConnectPtr conn, const char *cap, char **const names,
                   int maxnames, unsigned int flags)
{
    g_auto(vxlNodeDevList) list = { 0 };
    int n = 0;
    size_t i;

    virCheckFlags(0, -1);
    if (virNodeListDevicesEnsureACL(conn) < 0 || vxlNodeDevFetch(&list) < 0)
        return -1;
    for (i = 0; i < list.ndevs && n < maxnames; i++) {
        if (vxlNodeDevWanted(&list.devs[i], cap, 0))
            names[n++] = g_strdup(list.devs[i].name);
    }
    return n;
}

static int
vxlConnectListAllNodeDevices(virConnectPtr conn, virNodeDevicePtr **devices,
                             unsigned int flags)
{
    g_auto(vxlNodeDevList) list = { 0 };
    virNodeDevicePtr *out = NULL;
    unsigned int caps = flags & VIR_CONNECT_LIST_NODE_DEVICES_FILTERS_CAP;
    bool none;
    size_t n = 0;
    size_t i;

    virCheckFlags(VIR_CONNECT_LIST_NODE_DEVICES_FILTERS_CAP |
                  VIR_CONNECT_LIST_NODE_DEVICES_FILTERS_ACTIVE, -1);
    if (virConnectListAllNodeDevicesEnsureACL(conn) < 0 ||
        vxlNodeDevFetch(&list) < 0)
        return -1;
    /* Every device of the host is there: none is inactive. */
    none = (flags & VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE) &&
           !(flags & VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE);

    if (devices)
        out = g_new0(virNodeDevicePtr, list.ndevs + 1);
    for (i = 0; i < list.ndevs && !none; i++) {
        const char *name = list.devs[i].name;
        VXL_NODEDEV_ACL_DEF(def, name);

        if (!vxlNodeDevWanted(&list.devs[i], NULL, caps) ||
            !virConnectListAllNodeDevicesCheckACL(conn, &def))
            continue;
        if (out && !(out[n] = virGetNodeDevice(conn, name)))
            goto error;
        n++;
    }
    if (devices)
        *devices = g_steal_pointer(&out);
    return n;

 error:
    for (i = 0; i < n; i++)
        virObjectUnref(out[i]);
    g_free(out);
    return -1;
}

static virNodeDevicePtr
vxlNodeDeviceLookupByName(virConnectPtr conn, const char *name)
{
    g_auto(vxlNodeDevList) list = { 0 };
    VXL_NODEDEV_ACL_DEF(def, name);

    if (vxlNodeDevFetch(&list) < 0 || !vxlNodeDevFind(&list, name) ||
        virNodeDeviceLookupByNameEnsureACL(conn, &def) < 0)
        return NULL;
    return virGetNodeDevice(conn, name);
}

/* A device's <product> and <vendor>, with their names when known. */
static void
vxlNodeDevFormatIds(virBuffer *buf, unsigned int product,
                    const char *productName, unsigned int vendor,
                    const char *vendorName)
{
    virBufferAsprintf(buf, "<product id='0x%04x'", product);
    if (productName)
        virBufferEscapeString(buf, ">%s</product>\n", productName);
    else
        virBufferAddLit(buf, "/>\n");
    virBufferAsprintf(buf, "<vendor id='0x%04x'", vendor);
    if (vendorName)
        virBufferEscapeString(buf, ">%s</vendor>\n", vendorName);
    else
        virBufferAddLit(buf, "/>\n");
}

/* One "DDDD:BB:SS.F" as libvirt's <address>, inside a capability. */
static void
vxlNodeDevFormatAddr(virBuffer *buf, const char *addr)
{
    unsigned int d, b, s, f;

    if (sscanf(addr, "%x:%x:%x.%x", &d, &b, &s, &f) == 4)
        virBufferAsprintf(buf, "  <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n",
                          d, b, s, f);
}

/* The XML libvirt's node device driver writes for a PCI device. */
static char *
vxlNodeDevFormatPCI(const vxlHostPci *d, const char *name)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;

    virBufferAddLit(&buf, "<device>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferAsprintf(&buf, "<name>%s</name>\n", name);
    virBufferAsprintf(&buf, "<path>/sys/devices/pci%04x:%02x/%04x:%02x:%02x.%x</path>\n",
                      d->domain, d->bus, d->domain, d->bus, d->slot, d->function);
    if (d->driver) {
        virBufferAddLit(&buf, "<driver>\n");
        virBufferEscapeString(&buf, "  <name>%s</name>\n", d->driver);
        virBufferAddLit(&buf, "</driver>\n");
    }
    virBufferAddLit(&buf, "<capability type='pci'>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferAsprintf(&buf, "<class>0x%06x</class>\n", d->pciClass);
    virBufferAsprintf(&buf, "<domain>%u</domain>\n", d->domain);
    virBufferAsprintf(&buf, "<bus>%u</bus>\n", d->bus);
    virBufferAsprintf(&buf, "<slot>%u</slot>\n", d->slot);
    virBufferAsprintf(&buf, "<function>%u</function>\n", d->function);
    vxlNodeDevFormatIds(&buf, d->product, d->productName, d->vendor,
                        d->vendorName);
    /* SR-IOV, as libvirt's node device driver says it: a VF names its
     * PF, a PF its VFs (Nova tells type-PF from type-VF by these). */
    if (d->physfn) {
        virBufferAddLit(&buf, "<capability type='phys_function'>\n");
        vxlNodeDevFormatAddr(&buf, d->physfn);
        virBufferAddLit(&buf, "</capability>\n");
    }
    if (d->vfs) {
        size_t i;

        virBufferAsprintf(&buf, "<capability type='virt_functions' maxCount='%u'>\n",
                          g_strv_length(d->vfs));
        for (i = 0; d->vfs[i]; i++)
            vxlNodeDevFormatAddr(&buf, d->vfs[i]);
        virBufferAddLit(&buf, "</capability>\n");
    }
    if (d->iommuGroup >= 0) {
        virBufferAsprintf(&buf, "<iommuGroup number='%d'>\n", d->iommuGroup);
        virBufferAsprintf(&buf, "  <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n",
                          d->domain, d->bus, d->slot, d->function);
        virBufferAddLit(&buf, "</iommuGroup>\n");
    }
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</capability>\n");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</device>\n");
    return virBufferContentAndReset(&buf);
}

/* The XML libvirt's node device driver writes for a USB device. */
static char *
vxlNodeDevFormatUSB(const vxlHostUsb *d, const char *name)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;

    virBufferAddLit(&buf, "<device>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferAsprintf(&buf, "<name>%s</name>\n", name);
    virBufferAsprintf(&buf, "<path>/sys/bus/usb/devices/%u-%u</path>\n",
                      d->bus, d->device);
    virBufferAddLit(&buf, "<driver>\n");
    virBufferAsprintf(&buf, "  <name>%s</name>\n", d->domid ? "usbback" : "usb");
    virBufferAddLit(&buf, "</driver>\n");
    virBufferAddLit(&buf, "<capability type='usb_device'>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferAsprintf(&buf, "<bus>%u</bus>\n", d->bus);
    virBufferAsprintf(&buf, "<device>%u</device>\n", d->device);
    vxlNodeDevFormatIds(&buf, d->product, d->productName, d->vendor,
                        d->vendorName);
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</capability>\n");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</device>\n");
    return virBufferContentAndReset(&buf);
}

static char *
vxlNodeDeviceGetXMLDesc(virNodeDevicePtr dev, unsigned int flags)
{
    g_auto(vxlNodeDevList) list = { 0 };
    const vxlNodeDev *d;
    VXL_NODEDEV_ACL_DEF(def, dev->name);

    virCheckFlags(0, NULL);
    if (vxlNodeDevFetch(&list) < 0 || !(d = vxlNodeDevFind(&list, dev->name)) ||
        virNodeDeviceGetXMLDescEnsureACL(dev->conn, &def) < 0)
        return NULL;
    return g_strdup(d->xml);
}

/* The simulated host has no device tree above its devices. */
static char *
vxlNodeDeviceGetParent(virNodeDevicePtr dev)
{
    g_auto(vxlNodeDevList) list = { 0 };
    VXL_NODEDEV_ACL_DEF(def, dev->name);

    if (vxlNodeDevFetch(&list) < 0 || !vxlNodeDevFind(&list, dev->name) ||
        virNodeDeviceGetParentEnsureACL(dev->conn, &def) < 0)
        return NULL;
    virReportError(VIR_ERR_NO_NODE_DEVICE,
                   _("no parent for node device '%s'"), dev->name);
    return NULL;
}

static int
vxlNodeDeviceNumOfCaps(virNodeDevicePtr dev)
{
    g_auto(vxlNodeDevList) list = { 0 };
    VXL_NODEDEV_ACL_DEF(def, dev->name);

    if (vxlNodeDevFetch(&list) < 0 || !vxlNodeDevFind(&list, dev->name) ||
        virNodeDeviceNumOfCapsEnsureACL(dev->conn, &def) < 0)
        return -1;
    return 1;
}

static int
vxlNodeDeviceListCaps(virNodeDevicePtr dev, char **const names, int maxnames)
{
    g_auto(vxlNodeDevList) list = { 0 };
    const vxlNodeDev *d;
    VXL_NODEDEV_ACL_DEF(def, dev->name);

    if (vxlNodeDevFetch(&list) < 0 || !(d = vxlNodeDevFind(&list, dev->name)) ||
        virNodeDeviceListCapsEnsureACL(dev->conn, &def) < 0)
        return -1;
    if (maxnames < 1)
        return 0;
    names[0] = g_strdup(d->cap);
    return 1;
}

virNodeDeviceDriver vxlSimNodeDeviceDriver = {
    .name = "virtxl-sim",
    .nodeNumOfDevices = vxlNodeNumOfDevices,
    .nodeListDevices = vxlNodeListDevices,
    .connectListAllNodeDevices = vxlConnectListAllNodeDevices,
    .nodeDeviceLookupByName = vxlNodeDeviceLookupByName,
    .nodeDeviceGetXMLDesc = vxlNodeDeviceGetXMLDesc,
    .nodeDeviceGetParent = vxlNodeDeviceGetParent,
    .nodeDeviceNumOfCaps = vxlNodeDeviceNumOfCaps,
    .nodeDeviceListCaps = vxlNodeDeviceListCaps,
};
