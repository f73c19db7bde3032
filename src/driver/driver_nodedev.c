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
 * the same XML, with the driver each is bound to now. It is installed
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

typedef struct {
    vxlHostPci *devs;
    size_t ndevs;
} vxlNodeDevList;

static void
vxlNodeDevListClear(vxlNodeDevList *list)
{
    vxlHostPciListFree(list->devs, list->ndevs);
    list->devs = NULL;
    list->ndevs = 0;
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vxlNodeDevList, vxlNodeDevListClear);

static char *
vxlNodeDevName(const vxlHostPci *d)
{
    return g_strdup_printf("pci_%04x_%02x_%02x_%x", d->domain, d->bus,
                           d->slot, d->function);
}

static int
vxlNodeDevFetch(vxlNodeDevList *list)
{
    return vxlDomainHostPciList(vxl_driver, &list->devs, &list->ndevs);
}

static const vxlHostPci *
vxlNodeDevFind(const vxlNodeDevList *list, const char *name)
{
    size_t i;

    for (i = 0; i < list->ndevs; i++) {
        g_autofree char *n = vxlNodeDevName(&list->devs[i]);

        if (STREQ(n, name))
            return &list->devs[i];
    }
    virReportError(VIR_ERR_NO_NODE_DEVICE,
                   _("no node device with matching name '%s'"), name);
    return NULL;
}

/* Only a name is needed by the ACL checks. */
#define VXL_NODEDEV_ACL_DEF(var, devname) \
    virNodeDeviceDef var = { .name = (char *)(devname) }

static bool
vxlNodeDevWantPCI(const char *cap, unsigned int flags)
{
    if (cap && STRNEQ(cap, "pci"))
        return false;
    return flags == 0 || (flags & VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV);
}

static int
vxlNodeNumOfDevices(virConnectPtr conn, const char *cap, unsigned int flags)
{
    g_auto(vxlNodeDevList) list = { 0 };

    virCheckFlags(0, -1);
    if (virNodeNumOfDevicesEnsureACL(conn) < 0 || vxlNodeDevFetch(&list) < 0)
        return -1;
    return vxlNodeDevWantPCI(cap, 0) ? list.ndevs : 0;
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
    if (!vxlNodeDevWantPCI(cap, 0))
        return 0;
    for (i = 0; i < list.ndevs && n < maxnames; i++)
        names[n++] = vxlNodeDevName(&list.devs[i]);
    return n;
}

static int
vxlConnectListAllNodeDevices(virConnectPtr conn, virNodeDevicePtr **devices,
                             unsigned int flags)
{
    g_auto(vxlNodeDevList) list = { 0 };
    virNodeDevicePtr *out = NULL;
    size_t wanted;
    size_t n = 0;
    size_t i;

    virCheckFlags(VIR_CONNECT_LIST_NODE_DEVICES_FILTERS_CAP |
                  VIR_CONNECT_LIST_NODE_DEVICES_FILTERS_ACTIVE, -1);
    if (virConnectListAllNodeDevicesEnsureACL(conn) < 0 ||
        vxlNodeDevFetch(&list) < 0)
        return -1;
    wanted = list.ndevs;
    /* Every device of the host is there: none is inactive. */
    if ((flags & VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE) &&
        !(flags & VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE))
        wanted = 0;
    if (!vxlNodeDevWantPCI(NULL, flags & VIR_CONNECT_LIST_NODE_DEVICES_FILTERS_CAP))
        wanted = 0;

    if (devices)
        out = g_new0(virNodeDevicePtr, wanted + 1);
    for (i = 0; i < wanted; i++) {
        g_autofree char *name = vxlNodeDevName(&list.devs[i]);
        VXL_NODEDEV_ACL_DEF(def, name);

        if (!virConnectListAllNodeDevicesCheckACL(conn, &def))
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

/* The XML libvirt's node device driver writes for a PCI device. */
static char *
vxlNodeDevFormat(const vxlHostPci *d, const char *name)
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
    virBufferAsprintf(&buf, "<product id='0x%04x'", d->product);
    if (d->productName)
        virBufferEscapeString(&buf, ">%s</product>\n", d->productName);
    else
        virBufferAddLit(&buf, "/>\n");
    virBufferAsprintf(&buf, "<vendor id='0x%04x'", d->vendor);
    if (d->vendorName)
        virBufferEscapeString(&buf, ">%s</vendor>\n", d->vendorName);
    else
        virBufferAddLit(&buf, "/>\n");
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

static char *
vxlNodeDeviceGetXMLDesc(virNodeDevicePtr dev, unsigned int flags)
{
    g_auto(vxlNodeDevList) list = { 0 };
    const vxlHostPci *d;
    VXL_NODEDEV_ACL_DEF(def, dev->name);

    virCheckFlags(0, NULL);
    if (vxlNodeDevFetch(&list) < 0 || !(d = vxlNodeDevFind(&list, dev->name)) ||
        virNodeDeviceGetXMLDescEnsureACL(dev->conn, &def) < 0)
        return NULL;
    return vxlNodeDevFormat(d, dev->name);
}

/* The simulated host has no device tree above its PCI devices. */
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
    VXL_NODEDEV_ACL_DEF(def, dev->name);

    if (vxlNodeDevFetch(&list) < 0 || !vxlNodeDevFind(&list, dev->name) ||
        virNodeDeviceListCapsEnsureACL(dev->conn, &def) < 0)
        return -1;
    if (maxnames < 1)
        return 0;
    names[0] = g_strdup("pci");
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
