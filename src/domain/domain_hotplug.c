/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_hotplug.c: devices added to, removed from or changed in a
 * domain (virsh attach-device, attach-disk, attach-interface,
 * detach-device, detach-disk, detach-interface, change-media; Nova's
 * volume and interface attach).
 *
 * Disks (device disk or cdrom), interfaces, and PCI and USB host
 * devices, as libxl can hot-plug them. Each request may change the running domain (@def, the live
 * definition), the persistent definition (@persistentDef), or both, as
 * the caller's virDomainObjGetDefs() decided from the flags:
 *
 *  - the persistent side is prepared first, on a copy: the device is
 *    added or removed there, and the whole copy checked as a define
 *    would check it; nothing is changed yet;
 *  - the live side then goes to Xen through the backend, the device
 *    translated alone (translate_device.c: PV devices only, which is
 *    all Xen hot-adds); the live definition changes only once the
 *    backend succeeded;
 *  - last, the prepared copy replaces the persistent definition.
 *
 * So a refusal anywhere before the backend call leaves the domain, both
 * definitions and the files on disk as they were. A removed device is
 * announced with VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, naming it by its
 * <alias> when it has one, else by its target (disks), MAC (NICs) or
 * host PCI address (host devices); an added one, likewise, with
 * VIR_DOMAIN_EVENT_ID_DEVICE_ADDED.
 *
 * A device's namespace data goes with it (domain_xmlns_device.c): an
 * attached <disk> may bring a <virtxl:disk> (a Xen device number libvirt
 * cannot name as a target, a block script), which both definitions take
 * with the disk; a detach drops the <virtxl:disk>, <virtxl:nic> or
 * <virtxl:pci> naming the device from the definitions it leaves. An
 * update (media change) takes one only when it is the disk's own.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_intent.h"
#include "util_crashpoint.h"
#include "virtxl/backend.h"
#include "translate.h"
#include "datatypes.h"
#include "domain_validate.h"
#include "domain_xmlns.h"
#include "domain_postparse.h"
#include "virerror.h"
#include "virlog.h"
#include "virmacaddr.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_hotplug");

/* ---------- parsing and finding devices ---------- */

typedef enum {
    VXL_HOTPLUG_ATTACH,
    VXL_HOTPLUG_DETACH,
    VXL_HOTPLUG_UPDATE,
} vxlHotplugAction;

/* Disks, interfaces, and PCI and USB host devices are what Xen hot-plugs
 * through libxl here; an update changes no more than a cdrom's media
 * (vxlDomainHotplugUpdate). Each action has its own whole sentences, for
 * translators. */
static int
vxlDomainHotplugCheckClass(const virDomainDeviceDef *dev, vxlHotplugAction action)
{
    static const char *const diskMsgs[] = {
        [VXL_HOTPLUG_ATTACH] = N_("cannot attach a <disk device='%s'>: the Xen driver hot-plugs disks and cdroms only"),
        [VXL_HOTPLUG_DETACH] = N_("cannot detach a <disk device='%s'>: the Xen driver hot-plugs disks and cdroms only"),
        [VXL_HOTPLUG_UPDATE] = N_("cannot update a <disk device='%s'>: the Xen driver changes only a cdrom's media"),
    };
    static const char *const deviceMsgs[] = {
        [VXL_HOTPLUG_ATTACH] = N_("cannot attach a device of type '%s': the Xen driver hot-plugs <disk>, <interface> and <hostdev> devices only"),
        [VXL_HOTPLUG_DETACH] = N_("cannot detach a device of type '%s': the Xen driver hot-plugs <disk>, <interface> and <hostdev> devices only"),
        [VXL_HOTPLUG_UPDATE] = N_("cannot update a device of type '%s': the Xen driver changes only a cdrom's media"),
    };
    static const char *const hostdevMsgs[] = {
        [VXL_HOTPLUG_ATTACH] = N_("cannot attach a <hostdev> that is neither a PCI nor a USB device: the Xen driver hot-plugs <hostdev type='pci'> and <hostdev type='usb'> only"),
        [VXL_HOTPLUG_DETACH] = N_("cannot detach a <hostdev> that is neither a PCI nor a USB device: the Xen driver hot-plugs <hostdev type='pci'> and <hostdev type='usb'> only"),
        [VXL_HOTPLUG_UPDATE] = N_("cannot update a <hostdev> that is not a PCI device: the Xen driver changes only a cdrom's media"),
    };

    if (dev->type == VIR_DOMAIN_DEVICE_DISK) {
        if (dev->data.disk->device == VIR_DOMAIN_DISK_DEVICE_DISK ||
            dev->data.disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM)
            return 0;
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, _(diskMsgs[action]),
                       virDomainDiskDeviceTypeToString(dev->data.disk->device));
        return -1;
    }
    if (dev->type == VIR_DOMAIN_DEVICE_NET)
        return 0;
    if (dev->type == VIR_DOMAIN_DEVICE_HOSTDEV) {
        const virDomainHostdevDef *hostdev = dev->data.hostdev;

        if (hostdev->mode == VIR_DOMAIN_HOSTDEV_MODE_SUBSYS &&
            (hostdev->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI ||
             (action != VXL_HOTPLUG_UPDATE &&
              hostdev->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB)))
            return 0;
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s", _(hostdevMsgs[action]));
        return -1;
    }
    virReportError(VIR_ERR_OPERATION_UNSUPPORTED, _(deviceMsgs[action]),
                   virDomainDeviceTypeToString(dev->type));
    return -1;
}

/* Parse @xml as one device of @def. @validate: run the checks a define
 * runs on it (not for a detach, which names an existing device by as
 * little as its target). */
static virDomainDeviceDef *
vxlDomainHotplugParse(vxlDriver *driver, virDomainDef *def, const char *xml,
                      bool validate)
{
    unsigned int flags = VIR_DOMAIN_DEF_PARSE_INACTIVE;

    if (!validate)
        flags |= VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE;
    /* libvirt's parser would call <virtxl:pci name> an unknown device. */
    if (vxlXMLNSDeviceRefuseOwn(xml) < 0)
        return NULL;
    return virDomainDeviceDefParse(xml, def, driver->xmlopt, NULL, flags);
}

/* The device twice, for the live and the persistent definition: parsed
 * against each (their post-parse defaults depend on the domain), with
 * the same MAC when the parser made one up. */
static int
vxlDomainHotplugParseBoth(vxlDriver *driver, const char *xml,
                          virDomainDef *def, virDomainDef *persistentDef,
                          bool validate, vxlHotplugAction action,
                          virDomainDeviceDef **devLive,
                          virDomainDeviceDef **devConfig)
{
    g_autoptr(virDomainDeviceDef) live = NULL;
    g_autoptr(virDomainDeviceDef) config = NULL;
    g_autoptr(virDomainDeviceDef) probe = NULL;

    /* What the device is comes first: an <input> is "not hot-plugged
     * here", whatever libvirt's checks would say of it. */
    if (!(probe = vxlDomainHotplugParse(driver, def ? def : persistentDef,
                                        xml, false)) ||
        vxlDomainHotplugCheckClass(probe, action) < 0)
        return -1;

    if (def && !(live = vxlDomainHotplugParse(driver, def, xml, validate)))
        return -1;
    if (persistentDef &&
        !(config = vxlDomainHotplugParse(driver, persistentDef, xml, validate)))
        return -1;
    if (live && config && live->type == VIR_DOMAIN_DEVICE_NET) {
        config->data.net->mac = live->data.net->mac;
        config->data.net->mac_generated = live->data.net->mac_generated;
    }
    *devLive = g_steal_pointer(&live);
    *devConfig = g_steal_pointer(&config);
    return 0;
}

static int
vxlDomainHotplugFindDisk(virDomainDef *def, const char *dst)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (STREQ_NULLABLE(def->disks[i]->dst, dst))
            return i;
    }
    virReportError(VIR_ERR_DEVICE_MISSING,
                   _("domain '%s' has no disk with target '%s'"),
                   def->name, NULLSTR(dst));
    return -1;
}

/* A PCI host device's host address, "0000:03:00.0"; a USB one's bus and
 * device, "usb 001:002". */
static char *
vxlDomainHotplugHostdevAddr(const virDomainHostdevDef *hostdev)
{
    const virPCIDeviceAddress *a = &hostdev->source.subsys.u.pci.addr;

    if (hostdev->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB)
        return g_strdup_printf("usb %03u:%03u", hostdev->source.subsys.u.usb.bus,
                               hostdev->source.subsys.u.usb.device);

    return g_strdup_printf("%04x:%02x:%02x.%x", a->domain, a->bus, a->slot,
                           a->function);
}

static int
vxlDomainHotplugFindHostdev(virDomainDef *def, virDomainHostdevDef *hostdev)
{
    int idx = virDomainHostdevFind(def, hostdev, NULL);

    if (idx < 0) {
        g_autofree char *addr = vxlDomainHotplugHostdevAddr(hostdev);

        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' has no host device %s"), def->name, addr);
    } else if (def->hostdevs[idx]->parentnet) {
        /* An SR-IOV VF interface: its MAC and VLAN go with it. */
        g_autofree char *addr = vxlDomainHotplugHostdevAddr(hostdev);

        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("host device %s of domain '%s' is an <interface type='hostdev'>: detach it as that interface"),
                       addr, def->name);
        return -1;
    }
    return idx;
}

/* Refuse a disk target, MAC or host device that @def has already. */
static int
vxlDomainHotplugCheckUnique(virDomainDef *def, const virDomainDeviceDef *dev,
                            bool live)
{
    size_t i;

    if (dev->type == VIR_DOMAIN_DEVICE_DISK &&
        virDomainDiskByTarget(def, dev->data.disk->dst)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       live ? _("cannot attach disk '%s' to the live definition of domain '%s': it has a disk with that target already") :
                              _("cannot attach disk '%s' to the persistent definition of domain '%s': it has a disk with that target already"),
                       dev->data.disk->dst, def->name);
        return -1;
    }
    /* An SR-IOV VF interface is a host device too. */
    if ((dev->type == VIR_DOMAIN_DEVICE_HOSTDEV &&
         virDomainHostdevFind(def, dev->data.hostdev, NULL) >= 0) ||
        (dev->type == VIR_DOMAIN_DEVICE_NET &&
         dev->data.net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV &&
         virDomainHostdevFind(def, &dev->data.net->data.hostdev.def, NULL) >= 0)) {
        g_autofree char *addr = vxlDomainHotplugHostdevAddr(dev->type == VIR_DOMAIN_DEVICE_NET ?
                                                            &dev->data.net->data.hostdev.def :
                                                            dev->data.hostdev);

        virReportError(VIR_ERR_OPERATION_FAILED,
                       live ? _("cannot attach host device %s to the live definition of domain '%s': it has that device already") :
                              _("cannot attach host device %s to the persistent definition of domain '%s': it has that device already"),
                       addr, def->name);
        return -1;
    }
    if (dev->type == VIR_DOMAIN_DEVICE_NET) {
        for (i = 0; i < def->nnets; i++) {
            char mac[VIR_MAC_STRING_BUFLEN];

            if (virMacAddrCmp(&def->nets[i]->mac, &dev->data.net->mac) != 0)
                continue;
            virReportError(VIR_ERR_OPERATION_FAILED,
                           live ? _("cannot attach an interface with MAC %s to the live definition of domain '%s': it has an interface with that MAC already") :
                                  _("cannot attach an interface with MAC %s to the persistent definition of domain '%s': it has an interface with that MAC already"),
                           virMacAddrFormat(&dev->data.net->mac, mac), def->name);
            return -1;
        }
    }
    return 0;
}

/* The name DEVICE_REMOVED gives a device: its alias, else what Xen
 * names it by. */
static char *
vxlDomainHotplugEventName(const virDomainDeviceDef *dev)
{
    char mac[VIR_MAC_STRING_BUFLEN];

    if (dev->type == VIR_DOMAIN_DEVICE_DISK)
        return g_strdup(dev->data.disk->info.alias ? dev->data.disk->info.alias :
                        dev->data.disk->dst);
    if (dev->type == VIR_DOMAIN_DEVICE_HOSTDEV)
        return dev->data.hostdev->info->alias ?
               g_strdup(dev->data.hostdev->info->alias) :
               vxlDomainHotplugHostdevAddr(dev->data.hostdev);
    if (dev->data.net->info.alias)
        return g_strdup(dev->data.net->info.alias);
    return g_strdup(virMacAddrFormat(&dev->data.net->mac, mac));
}

/* ---------- the persistent definition ---------- */

/* A copy of @persistentDef to change, checked after the change as a
 * define checks it. */
static virDomainDef *
vxlDomainHotplugConfigCopy(vxlDriver *driver, virDomainDef *persistentDef)
{
    return virDomainDefCopy(persistentDef, driver->xmlopt, NULL, false);
}

static int
vxlDomainHotplugConfigCheck(vxlDriver *driver, virDomainDef *copy)
{
    /* Post-parse again, as for a define: hd* and sd* disks need the
     * controllers libvirt adds for them. */
    if (virDomainDefPostParse(copy, VIR_DOMAIN_DEF_PARSE_INACTIVE,
                              driver->xmlopt, NULL) < 0 ||
        virDomainDefValidate(copy, VIR_DOMAIN_DEF_PARSE_INACTIVE,
                             driver->xmlopt, NULL) < 0)
        return -1;
    return 0;
}

static virDomainDef *
vxlDomainHotplugConfigAttach(vxlDriver *driver, virDomainDef *persistentDef,
                             virDomainDeviceDef *dev, const vxlXMLNSDisk *nsdisk)
{
    g_autoptr(virDomainDef) copy = NULL;

    if (vxlDomainHotplugCheckUnique(persistentDef, dev, false) < 0 ||
        !(copy = vxlDomainHotplugConfigCopy(driver, persistentDef)))
        return NULL;
    if (dev->type == VIR_DOMAIN_DEVICE_DISK) {
        if (vxlXMLNSDiskSet(copy, dev->data.disk->dst, nsdisk) < 0)
            return NULL;
        virDomainDiskInsert(copy, g_steal_pointer(&dev->data.disk));
    } else if (dev->type == VIR_DOMAIN_DEVICE_HOSTDEV) {
        if (virDomainHostdevInsert(copy, dev->data.hostdev) < 0)
            return NULL;
        dev->data.hostdev = NULL;
    } else {
        if (virDomainNetInsert(copy, dev->data.net) < 0)
            return NULL;
        dev->data.net = NULL;
    }
    if (vxlDomainHotplugConfigCheck(driver, copy) < 0)
        return NULL;
    return g_steal_pointer(&copy);
}

static virDomainDef *
vxlDomainHotplugConfigDetach(vxlDriver *driver, virDomainDef *persistentDef,
                             virDomainDeviceDef *dev)
{
    g_autoptr(virDomainDef) copy = NULL;
    int idx;

    if (!(copy = vxlDomainHotplugConfigCopy(driver, persistentDef)))
        return NULL;
    if (dev->type == VIR_DOMAIN_DEVICE_DISK) {
        if ((idx = vxlDomainHotplugFindDisk(copy, dev->data.disk->dst)) < 0)
            return NULL;
        vxlXMLNSForgetDisk(copy, copy->disks[idx]->dst);
        virDomainDiskDefFree(virDomainDiskRemove(copy, idx));
    } else if (dev->type == VIR_DOMAIN_DEVICE_HOSTDEV) {
        if ((idx = vxlDomainHotplugFindHostdev(copy, dev->data.hostdev)) < 0)
            return NULL;
        vxlXMLNSForgetPci(copy, copy->hostdevs[idx]);
        virDomainHostdevDefFree(virDomainHostdevRemove(copy, idx));
    } else {
        if ((idx = virDomainNetFindIdx(copy, dev->data.net)) < 0)
            return NULL;
        /* An SR-IOV VF's hostdev leaves the PCI devices too. */
        if (copy->nets[idx]->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
            vxlXMLNSForgetPci(copy, &copy->nets[idx]->data.hostdev.def);
        vxlXMLNSForgetNic(copy, &copy->nets[idx]->mac);
        virDomainNetDefFree(virDomainNetRemove(copy, idx));
    }
    if (vxlDomainHotplugConfigCheck(driver, copy) < 0)
        return NULL;
    return g_steal_pointer(&copy);
}

/* Put @copy in place of the persistent definition and save it. */
static int
vxlDomainHotplugConfigCommit(vxlDriver *driver, virDomainObj *vm,
                             virDomainDef **copy)
{
    if (vxlDomainConfigSave(driver, *copy) < 0)
        return -1;
    virDomainObjAssignDef(vm, copy, false, NULL);
    return 0;
}

/* ---------- the running domain ---------- */

/* A <disk type='volume'> becomes what its pool says it is, as at start
 * (domain_storage.c). */
static int
vxlDomainHotplugDiskSource(virDomainDiskDef *disk)
{
    g_autoptr(virConnect) conn = NULL;

    if (disk->src->type != VIR_STORAGE_TYPE_VOLUME)
        return 0;
    if (!(conn = virGetConnectStorage())) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("<disk type='volume'> of pool '%s' needs libvirt's storage driver, which this daemon does not have: %s"),
                       NULLSTR(disk->src->srcpool ? disk->src->srcpool->pool : NULL),
                       virGetLastErrorMessage());
        return -1;
    }
    return virDomainDiskTranslateSourcePool(disk);
}

static int
vxlDomainHotplugLiveAttachDisk(vxlDriver *driver, virDomainObj *vm,
                               virDomainDef *def, virDomainDeviceDef *dev,
                               const vxlXMLNSDisk *nsdisk)
{
    virDomainDiskDef *disk = dev->data.disk;
    libxl_device_disk xdisk;
    int rc;

    if (vxlDomainHotplugDiskSource(disk) < 0 ||
        vxlDomainDiskSourceCheck(driver, disk) < 0)
        return -1;

    /* The disk's <virtxl:disk> (its vdev, its script) is in the live
     * definition before the translation reads it there; a refusal takes
     * it out again. A Ceph volume's key comes from the secret store, as
     * at start (domain_secrets.c): Nova attaches its Ceph volumes so. */
    libxl_device_disk_init(&xdisk);
    if (vxlXMLNSDiskSet(def, disk->dst, nsdisk) < 0 ||
        vxlTranslateDeviceDisk(def, disk, &xdisk) < 0 ||
        vxlDomainSecretsApplyDisk(def, disk, &xdisk) < 0) {
        vxlXMLNSForgetDisk(def, disk->dst);
        libxl_device_disk_dispose(&xdisk);
        return -1;
    }
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainDiskAdd(driver->backend, vm->def->id, &xdisk);
    vxlDomainBackendExit(vm);
    if (rc == 0)
        vxlDomainDiskBackendName(dev->data.disk, &xdisk);
    libxl_device_disk_dispose(&xdisk);
    if (rc < 0) {
        vxlXMLNSForgetDisk(def, disk->dst);
        return -1;
    }

    virDomainDiskInsert(def, g_steal_pointer(&dev->data.disk));
    return 0;
}

/* Give PCI device @hostdev to the guest: translated and added by libxl. */
static int
vxlDomainHotplugPciAdd(vxlDriver *driver, virDomainObj *vm,
                       virDomainDef *def, virDomainHostdevDef *hostdev)
{
    libxl_device_pci xpci;
    int rc;

    libxl_device_pci_init(&xpci);
    if (vxlTranslateHostdevPCI(def, hostdev, &xpci) < 0) {
        libxl_device_pci_dispose(&xpci);
        return -1;
    }
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainPciAdd(driver->backend, vm->def->id, &xpci);
    vxlDomainBackendExit(vm);
    libxl_device_pci_dispose(&xpci);
    return rc;
}

/* libxl's name for the PCI device at host address @a. */
static void
vxlDomainHotplugPciAt(libxl_device_pci *xpci, const virPCIDeviceAddress *a)
{
    libxl_device_pci_init(xpci);
    xpci->domain = a->domain;
    xpci->bus = a->bus;
    xpci->dev = a->slot;
    xpci->func = a->function;
}

/* Take the PCI device at host address @a from the guest. */
static int
vxlDomainHotplugPciRemove(vxlDriver *driver, virDomainObj *vm,
                          const virPCIDeviceAddress *a)
{
    libxl_device_pci xpci;
    int rc;

    vxlDomainHotplugPciAt(&xpci, a);
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainPciRemove(driver->backend, vm->def->id, &xpci);
    vxlDomainBackendExit(vm);
    libxl_device_pci_dispose(&xpci);
    return rc;
}

/* A managed PCI device the guest let go goes back to its host driver,
 * as libvirt's drivers hand it back. The guest let it go: that stands,
 * so a failure is only logged (the host can take it back with
 * nodedev-reattach). */
static void
vxlDomainHotplugPciGiveBack(vxlDriver *driver, const virPCIDeviceAddress *a)
{
    libxl_device_pci xpci;

    vxlDomainHotplugPciAt(&xpci, a);
    if (vxlBackendHostPciAssignable(driver->backend, &xpci, false, true) < 0) {
        VIR_WARN("cannot give PCI device %04x:%02x:%02x.%x back to the host: %s",
                 a->domain, a->bus, a->slot, a->function,
                 virGetLastErrorMessage());
        virResetLastError();
    }
    libxl_device_pci_dispose(&xpci);
}

/* An SR-IOV VF (<interface type='hostdev'>): its MAC and VLAN set
 * through its PF, then passed through as a PCI device; a failure puts
 * the VF's own MAC back. The interface goes into the live definition's
 * hostdevs too, as libvirt keeps it. */
static int
vxlDomainHotplugLiveAttachNetVF(vxlDriver *driver, virDomainObj *vm,
                                virDomainDef *def, virDomainDeviceDef *dev)
{
    virDomainNetDef *net = dev->data.net;

    if (vxlValidateNet(def, net) < 0 ||
        vxlDomainHostdevNetPrepareOne(driver, net) < 0)
        return -1;
    if (vxlDomainHotplugPciAdd(driver, vm, def, &net->data.hostdev.def) < 0 ||
        virDomainNetInsert(def, net) < 0) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        vxlDomainHostdevNetReleaseOne(driver, net);
        virErrorRestore(&saved);
        return -1;
    }
    dev->data.net = NULL;
    return 0;
}

/* Take the VF of interface @idx of live @def from the guest: out of it,
 * back to its host driver when managed, its own MAC back. */
static virDomainNetDef *
vxlDomainHotplugLiveDetachNetVF(vxlDriver *driver, virDomainObj *vm,
                                virDomainDef *def, size_t idx)
{
    virDomainNetDef *net = def->nets[idx];
    const virPCIDeviceAddress *a = &net->data.hostdev.def.source.subsys.u.pci.addr;

    if (vxlDomainHotplugPciRemove(driver, vm, a) < 0)
        return NULL;
    vxlDomainHostdevNetReleaseOne(driver, net);
    if (net->data.hostdev.def.managed)
        vxlDomainHotplugPciGiveBack(driver, a);
    /* (and out of the hostdevs, where libvirt listed it too) */
    return virDomainNetRemove(def, idx);
}

static int
vxlDomainHotplugLiveAttachNet(vxlDriver *driver, virDomainObj *vm,
                              virDomainDef *def, virDomainDeviceDef *dev)
{
    virDomainNetDef *net = dev->data.net;
    libxl_device_nic xnic;
    int rc;

    if (net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
        return vxlDomainHotplugLiveAttachNetVF(driver, vm, def, dev);
    if (vxlDomainNetworkPrepareOne(def, net) < 0)
        return -1;

    libxl_device_nic_init(&xnic);
    if (vxlTranslateDeviceNic(def, net, &xnic) < 0) {
        libxl_device_nic_dispose(&xnic);
        goto error;
    }
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainNicAdd(driver->backend, vm->def->id, &xnic);
    vxlDomainBackendExit(vm);
    if (rc == 0)
        vxlDomainNetBackendName(net, vm->def->id, &xnic);
    libxl_device_nic_dispose(&xnic);
    if (rc < 0)
        goto error;

    if (virDomainNetInsert(def, net) < 0) {
        /* Only an allocation failure gets here, which aborts anyway. */
        goto error;
    }
    dev->data.net = NULL;
    return 0;

 error:
    {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        vxlDomainNetworkReleaseOne(def, net);
        virErrorRestore(&saved);
    }
    return -1;
}

/* A USB host device: libxl puts it on a free port of the guest's USB
 * controllers, adding a controller when none has one. */
static int
vxlDomainHotplugLiveAttachUsb(vxlDriver *driver, virDomainObj *vm,
                              virDomainDef *def, virDomainDeviceDef *dev)
{
    libxl_device_usbdev xusb;
    int rc;

    if (vxlDomainUsbResolve(driver, dev->data.hostdev) < 0)
        return -1;
    libxl_device_usbdev_init(&xusb);
    if (vxlTranslateHostdevUSB(def, dev->data.hostdev, &xusb) < 0) {
        libxl_device_usbdev_dispose(&xusb);
        return -1;
    }
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainUsbAdd(driver->backend, vm->def->id, &xusb);
    vxlDomainBackendExit(vm);
    libxl_device_usbdev_dispose(&xusb);
    if (rc < 0)
        return -1;
    if (virDomainHostdevInsert(def, dev->data.hostdev) < 0)
        return -1;
    dev->data.hostdev = NULL;
    return 0;
}

/* A PCI host device: managed ones are taken from their host driver by
 * libxl (seize), others must have been made assignable before
 * (nodedev-detach). */
static int
vxlDomainHotplugLiveAttachHostdev(vxlDriver *driver, virDomainObj *vm,
                                  virDomainDef *def, virDomainDeviceDef *dev)
{
    if (dev->data.hostdev->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB)
        return vxlDomainHotplugLiveAttachUsb(driver, vm, def, dev);
    if (vxlDomainHotplugPciAdd(driver, vm, def, dev->data.hostdev) < 0)
        return -1;
    if (virDomainHostdevInsert(def, dev->data.hostdev) < 0)
        return -1;
    dev->data.hostdev = NULL;
    return 0;
}

/* Take host device @idx of live @def from the guest; a managed PCI one
 * goes back to its host driver, as libvirt's drivers hand it back. */
static virDomainHostdevDef *
vxlDomainHotplugLiveDetachHostdev(vxlDriver *driver, virDomainObj *vm,
                                  virDomainDef *def, size_t idx)
{
    virDomainHostdevDef *hostdev = def->hostdevs[idx];
    const virPCIDeviceAddress *a = &hostdev->source.subsys.u.pci.addr;

    if (hostdev->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB) {
        int rc;

        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainUsbRemove(driver->backend, vm->def->id,
                                       hostdev->source.subsys.u.usb.bus,
                                       hostdev->source.subsys.u.usb.device);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            return NULL;
        return virDomainHostdevRemove(def, idx);
    }
    if (vxlDomainHotplugPciRemove(driver, vm, a) < 0)
        return NULL;
    if (hostdev->managed)
        vxlDomainHotplugPciGiveBack(driver, a);
    /* While it is still in @def: named devices after it keep their place. */
    vxlXMLNSForgetPci(def, hostdev);
    return virDomainHostdevRemove(def, idx);
}

/* Undo the live attach of the host device at host address @addr
 * whose recording failed: out of the guest (and back to its host driver
 * when managed), out of the live definition. Failures are logged. */
static void
vxlDomainHotplugHostdevForget(vxlDriver *driver, virDomainObj *vm,
                              const char *addr)
{
    size_t i;

    for (i = 0; i < vm->def->nhostdevs; i++) {
        g_autofree char *have = vxlDomainHotplugHostdevAddr(vm->def->hostdevs[i]);
        virDomainHostdevDef *gone = NULL;

        if (STRNEQ(have, addr))
            continue;
        if (vm->def->hostdevs[i]->parentnet) {
            /* An SR-IOV VF interface: it goes as a whole. */
            virDomainNetDef *net = vm->def->hostdevs[i]->parentnet;
            virDomainNetDef *goneNet = NULL;
            size_t j;

            for (j = 0; j < vm->def->nnets && vm->def->nets[j] != net; j++)
                ;
            if (j == vm->def->nnets ||
                !(goneNet = vxlDomainHotplugLiveDetachNetVF(driver, vm, vm->def, j))) {
                VIR_WARN("cannot take host device %s from domain %s again: %s",
                         addr, vm->def->name, virGetLastErrorMessage());
                virResetLastError();
                return;
            }
            vxlXMLNSForgetNic(vm->def, &goneNet->mac);
            virDomainNetDefFree(goneNet);
        } else if (!(gone = vxlDomainHotplugLiveDetachHostdev(driver, vm, vm->def, i))) {
            VIR_WARN("cannot take host device %s from domain %s again: %s",
                     addr, vm->def->name, virGetLastErrorMessage());
            virResetLastError();
            return;
        }
        virDomainHostdevDefFree(gone);
        if (vxlDomainSaveStatus(driver, vm) < 0) {
            VIR_WARN("cannot save the status of domain %s: %s",
                     vm->def->name, virGetLastErrorMessage());
            virResetLastError();
        }
        return;
    }
}

static int
vxlDomainHotplugLiveDetach(vxlDriver *driver, virDomainObj *vm,
                           virDomainDef *def, virDomainDeviceDef *dev)
{
    g_autoptr(virDomainDeviceDef) removed = g_new0(virDomainDeviceDef, 1);
    g_autofree char *name = NULL;
    virObjectEvent *event;
    int idx;
    int rc;

    if (dev->type == VIR_DOMAIN_DEVICE_DISK) {
        g_autofree char *vdev = NULL;

        if ((idx = vxlDomainHotplugFindDisk(def, dev->data.disk->dst)) < 0)
            return -1;
        /* libxl knows a <virtxl:disk vdev> disk by that number. */
        vdev = g_strdup(vxlXMLNSDiskVdev(def, def->disks[idx]->dst));
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainDiskRemove(driver->backend, vm->def->id, vdev);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            return -1;
        vxlXMLNSForgetDisk(def, def->disks[idx]->dst);
        removed->type = VIR_DOMAIN_DEVICE_DISK;
        removed->data.disk = virDomainDiskRemove(def, idx);
    } else if (dev->type == VIR_DOMAIN_DEVICE_HOSTDEV) {
        if ((idx = vxlDomainHotplugFindHostdev(def, dev->data.hostdev)) < 0 ||
            !(removed->data.hostdev = vxlDomainHotplugLiveDetachHostdev(driver, vm,
                                                                        def, idx)))
            return -1;
        removed->type = VIR_DOMAIN_DEVICE_HOSTDEV;
    } else {
        char mac[VIR_MAC_STRING_BUFLEN];

        if ((idx = virDomainNetFindIdx(def, dev->data.net)) < 0)
            return -1;
        if (def->nets[idx]->type == VIR_DOMAIN_NET_TYPE_HOSTDEV) {
            if (!(removed->data.net = vxlDomainHotplugLiveDetachNetVF(driver, vm,
                                                                      def, idx)))
                return -1;
            removed->type = VIR_DOMAIN_DEVICE_NET;
            vxlXMLNSForgetNic(def, &removed->data.net->mac);
            goto removed;
        }
        virMacAddrFormat(&def->nets[idx]->mac, mac);
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainNicRemove(driver->backend, vm->def->id, mac);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            return -1;
        removed->type = VIR_DOMAIN_DEVICE_NET;
        removed->data.net = virDomainNetRemove(def, idx);
        vxlXMLNSForgetNic(def, &removed->data.net->mac);
        vxlDomainNetworkReleaseOne(def, removed->data.net);
    }

 removed:
    name = vxlDomainHotplugEventName(removed);
    VIR_INFO("device %s removed from domain %s", name, vm->def->name);
    event = virDomainEventDeviceRemovedNewFromObj(vm, name);
    virObjectEventStateQueue(driver->domainEventState, event);
    return 0;
}

/* ---------- intents (domain_intent.h) ---------- */

/* An SR-IOV VF interface: a host device to intents and recovery. */
static bool
vxlDomainHotplugIsVF(const virDomainDeviceDef *dev)
{
    return dev->type == VIR_DOMAIN_DEVICE_NET &&
           dev->data.net->type == VIR_DOMAIN_NET_TYPE_HOSTDEV;
}

/* How the intent names @dev: a disk by target, a NIC by MAC, a host
 * device (an SR-IOV VF interface too) by its host address. */
static char *
vxlDomainHotplugKey(const virDomainDeviceDef *dev)
{
    char mac[VIR_MAC_STRING_BUFLEN];

    if (dev->type == VIR_DOMAIN_DEVICE_DISK)
        return g_strdup(dev->data.disk->dst);
    if (dev->type == VIR_DOMAIN_DEVICE_HOSTDEV)
        return vxlDomainHotplugHostdevAddr(dev->data.hostdev);
    if (vxlDomainHotplugIsVF(dev))
        return vxlDomainHotplugHostdevAddr(&dev->data.net->data.hostdev.def);
    return g_strdup(virMacAddrFormat(&dev->data.net->mac, mac));
}

/* The same for the device of @def that a detach of @dev names. */
static char *
vxlDomainHotplugFoundKey(virDomainDef *def, const virDomainDeviceDef *dev)
{
    char mac[VIR_MAC_STRING_BUFLEN];
    int idx;

    if (dev->type == VIR_DOMAIN_DEVICE_DISK) {
        if ((idx = vxlDomainHotplugFindDisk(def, dev->data.disk->dst)) < 0)
            return NULL;
        return g_strdup(def->disks[idx]->dst);
    }
    if (dev->type == VIR_DOMAIN_DEVICE_HOSTDEV) {
        if ((idx = vxlDomainHotplugFindHostdev(def, dev->data.hostdev)) < 0)
            return NULL;
        return vxlDomainHotplugHostdevAddr(def->hostdevs[idx]);
    }
    if ((idx = virDomainNetFindIdx(def, dev->data.net)) < 0)
        return NULL;
    if (def->nets[idx]->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
        return vxlDomainHotplugHostdevAddr(&def->nets[idx]->data.hostdev.def);
    return g_strdup(virMacAddrFormat(&def->nets[idx]->mac, mac));
}

/* Whether the PCI host device at @addr of @def is managed. */
static bool
vxlDomainHotplugManaged(const virDomainDef *def, const char *addr)
{
    int idx = vxlDomainHostdevFindAddr(def, addr);

    return idx >= 0 && def->hostdevs[idx]->managed;
}

/* ---------- entry points ---------- */

int
vxlDomainHotplugAttach(vxlDriver *driver, virDomainObj *vm, const char *xml,
                      virDomainDef *def, virDomainDef *persistentDef)
{
    g_autoptr(virDomainDeviceDef) devLive = NULL;
    g_autoptr(virDomainDeviceDef) devConfig = NULL;
    g_autoptr(virDomainDef) newConfig = NULL;
    g_autoptr(vxlXMLNSDisk) nsdisk = NULL;
    g_autofree char *key = NULL;
    g_autofree char *name = NULL;
    virErrorPtr saved = NULL;
    bool live = false;
    bool devIsNet;
    bool devIsHostdev;
    bool devIsVF;
    int rc;

    if (vxlDomainHotplugParseBoth(driver, xml, def, persistentDef, true,
                                  VXL_HOTPLUG_ATTACH, &devLive, &devConfig) < 0)
        return -1;
    devIsNet = (devLive ? devLive : devConfig)->type == VIR_DOMAIN_DEVICE_NET;
    devIsHostdev = (devLive ? devLive : devConfig)->type == VIR_DOMAIN_DEVICE_HOSTDEV;
    devIsVF = vxlDomainHotplugIsVF(devLive ? devLive : devConfig);
    if (vxlXMLNSDeviceParse(xml, devLive ? devLive : devConfig, &nsdisk) < 0)
        return -1;
    /* libxl refuses to hot-plug a virtio disk (libxl__device_disk_setdefault). */
    if (def && nsdisk && nsdisk->specification == LIBXL_DISK_SPECIFICATION_VIRTIO) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("<virtxl:disk target='%s' specification='virtio'> cannot be attached to a running domain: libxl has no hotplug for virtio disks"),
                       nsdisk->target);
        return -1;
    }

    if (persistentDef &&
        !(newConfig = vxlDomainHotplugConfigAttach(driver, persistentDef,
                                                   devConfig, nsdisk)))
        return -1;

    if (def) {
        /* A USB device named by vendor and product: which one it is
         * names it in the intent and the event. */
        if (devIsHostdev && vxlDomainUsbResolve(driver, devLive->data.hostdev) < 0)
            return -1;
        if (vxlDomainHotplugCheckUnique(def, devLive, true) < 0)
            return -1;
        key = vxlDomainHotplugKey(devLive);
        name = vxlDomainHotplugEventName(devLive);
        /* A kill from here on is undone at the next start: the device
         * leaves Xen and both definitions, and a managed host device
         * goes back to its host driver. */
        if ((devIsHostdev || devIsVF ?
             vxlIntentRecordHostdev(driver, vm, VXL_INTENT_ATTACH, key,
                                    devIsVF ? devLive->data.net->data.hostdev.def.managed :
                                              devLive->data.hostdev->managed,
                                    !!newConfig) :
             vxlIntentRecordDevice(driver, vm, VXL_INTENT_ATTACH, devIsNet,
                                   key, !!newConfig)) < 0)
            return -1;
        VXL_CRASH_POINT("attach.after-intent");
        if (devLive->type == VIR_DOMAIN_DEVICE_DISK)
            rc = vxlDomainHotplugLiveAttachDisk(driver, vm, def, devLive, nsdisk);
        else if (devLive->type == VIR_DOMAIN_DEVICE_HOSTDEV)
            rc = vxlDomainHotplugLiveAttachHostdev(driver, vm, def, devLive);
        else
            rc = vxlDomainHotplugLiveAttachNet(driver, vm, def, devLive);
        if (rc < 0)
            goto error;
        live = true;
        VXL_CRASH_POINT("attach.after-live");
        if (vxlDomainSaveStatus(driver, vm) < 0)
            goto error;
        VXL_CRASH_POINT("attach.after-status");
    }

    if (newConfig && vxlDomainHotplugConfigCommit(driver, vm, &newConfig) < 0)
        goto error;
    VXL_CRASH_POINT("attach.after-config");
    if (def) {
        vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_ATTACH);
        virObjectEventStateQueue(driver->domainEventState,
                                 virDomainEventDeviceAddedNewFromObj(vm, name));
    }
    return 0;

 error:
    /* Nothing of a refused attach stays: Xen loses the device again. */
    virErrorPreserveLast(&saved);
    if (live && (devIsHostdev || devIsVF))
        vxlDomainHotplugHostdevForget(driver, vm, key);
    else if (live)
        vxlDomainDeviceForget(driver, vm, devIsNet, key);
    if (def)
        vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_ATTACH);
    virErrorRestore(&saved);
    return -1;
}

int
vxlDomainHotplugDetach(vxlDriver *driver, virDomainObj *vm, const char *xml,
                      virDomainDef *def, virDomainDef *persistentDef)
{
    g_autoptr(virDomainDeviceDef) devLive = NULL;
    g_autoptr(virDomainDeviceDef) devConfig = NULL;
    g_autoptr(virDomainDef) newConfig = NULL;
    g_autofree char *key = NULL;

    if (vxlDomainHotplugParseBoth(driver, xml, def, persistentDef, false,
                                  VXL_HOTPLUG_DETACH, &devLive, &devConfig) < 0)
        return -1;

    if (persistentDef &&
        !(newConfig = vxlDomainHotplugConfigDetach(driver, persistentDef, devConfig)))
        return -1;

    if (def) {
        bool hostdev;

        /* A kill from here on is finished at the next start. */
        if (!(key = vxlDomainHotplugFoundKey(def, devLive)))
            return -1;
        /* (an SR-IOV VF interface's key is its host address) */
        hostdev = devLive->type == VIR_DOMAIN_DEVICE_HOSTDEV ||
                  (devLive->type == VIR_DOMAIN_DEVICE_NET &&
                   vxlDomainHostdevFindAddr(def, key) >= 0);
        /* (the key names a device @def has: FoundKey looked it up) */
        if ((hostdev ?
             vxlIntentRecordHostdev(driver, vm, VXL_INTENT_DETACH, key,
                                    vxlDomainHotplugManaged(def, key),
                                    !!newConfig) :
             vxlIntentRecordDevice(driver, vm, VXL_INTENT_DETACH,
                                   devLive->type == VIR_DOMAIN_DEVICE_NET,
                                   key, !!newConfig)) < 0)
            return -1;
        VXL_CRASH_POINT("detach.after-intent");
        if (vxlDomainHotplugLiveDetach(driver, vm, def, devLive) < 0) {
            vxlIntentDone(driver, vm->def->uuid, VXL_INTENT_DETACH);
            return -1;
        }
        VXL_CRASH_POINT("detach.after-live");
        /* The device is gone from Xen, and stays gone: should the status
         * file not take that (a full disk), the intent stays, for the
         * next status write or the next start to finish the detach. */
        if (vxlDomainSaveStatus(driver, vm) < 0) {
            VIR_WARN("cannot save the status of domain %s; the detach of %s will be recorded later: %s",
                     vm->def->name, key, virGetLastErrorMessage());
            virResetLastError();
        } else {
            VXL_CRASH_POINT("detach.after-status");
        }
    }

    if (newConfig && vxlDomainHotplugConfigCommit(driver, vm, &newConfig) < 0)
        return -1;
    VXL_CRASH_POINT("detach.after-config");
    return 0;
}

/* Media change: @disk (of @target's definition) takes @newDisk's source.
 * The old source goes with @newDisk. */
static int
vxlDomainHotplugFindCdrom(virDomainDef *target, const virDomainDiskDef *newDisk)
{
    int idx;

    if ((idx = vxlDomainHotplugFindDisk(target, newDisk->dst)) < 0)
        return -1;
    if (target->disks[idx]->device != VIR_DOMAIN_DISK_DEVICE_CDROM ||
        newDisk->device != VIR_DOMAIN_DISK_DEVICE_CDROM) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot update disk '%s' of domain '%s': the Xen driver changes only a cdrom's media"),
                       newDisk->dst, target->name);
        return -1;
    }
    return idx;
}

/* update-device changes a cdrom's media and nothing else: a
 * <virtxl:disk> in the new <disk> is taken only when it says what the
 * disk has (virsh change-media from a file written for attach-device).
 * Xen knows a disk by its device number while it exists, and its script
 * ran when it was added: another vdev, script or multipath would be
 * another device, so it is refused rather than dropped. */
static int
vxlDomainHotplugUpdateNSCheck(virDomainDef *target, const virDomainDiskDef *newDisk,
                              const vxlXMLNSDisk *nsdisk)
{
    const vxlXMLNSDisk *has;
    size_t i;

    if (!target || !nsdisk)
        return 0;
    for (i = 0; i < target->ndisks; i++) {
        if (STREQ_NULLABLE(target->disks[i]->dst, newDisk->dst))
            break;
    }
    if (i == target->ndisks)
        return 0;               /* the media change says there is no such disk */
    has = vxlXMLNSFindDisk(target, newDisk->dst);
    if (has && STREQ_NULLABLE(has->vdev, nsdisk->vdev) &&
        STREQ_NULLABLE(has->script, nsdisk->script) &&
        has->multipath == nsdisk->multipath)
        return 0;
    virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                   _("cannot update disk '%s' of domain '%s': its <virtxl:disk> differs from the disk's own, and Xen cannot change a disk's device number, script or multipath while the disk exists (detach it and attach it again)"),
                   newDisk->dst, target->name);
    return -1;
}

static void
vxlDomainHotplugSwapSource(virDomainDiskDef *disk, virDomainDiskDef *newDisk)
{
    virStorageSource *old = disk->src;

    disk->src = newDisk->src;
    newDisk->src = old;
}

int
vxlDomainHotplugUpdate(vxlDriver *driver, virDomainObj *vm, const char *xml,
                      virDomainDef *def, virDomainDef *persistentDef)
{
    g_autoptr(virDomainDeviceDef) devLive = NULL;
    g_autoptr(virDomainDeviceDef) devConfig = NULL;
    g_autoptr(virDomainDef) newConfig = NULL;
    g_autoptr(vxlXMLNSDisk) nsdisk = NULL;
    const virDomainDeviceDef *first;
    int idx;

    if (vxlDomainHotplugParseBoth(driver, xml, def, persistentDef, true,
                                  VXL_HOTPLUG_UPDATE, &devLive, &devConfig) < 0)
        return -1;
    first = devLive ? devLive : devConfig;
    if (first->type != VIR_DOMAIN_DEVICE_DISK) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot update a device of type '%s': the Xen driver changes only a cdrom's media"),
                       virDomainDeviceTypeToString(first->type));
        return -1;
    }
    if (vxlXMLNSDeviceParse(xml, first, &nsdisk) < 0 ||
        vxlDomainHotplugUpdateNSCheck(persistentDef, first->data.disk, nsdisk) < 0 ||
        vxlDomainHotplugUpdateNSCheck(def, first->data.disk, nsdisk) < 0)
        return -1;

    if (persistentDef) {
        if (!(newConfig = vxlDomainHotplugConfigCopy(driver, persistentDef)) ||
            (idx = vxlDomainHotplugFindCdrom(newConfig, devConfig->data.disk)) < 0)
            return -1;
        vxlDomainHotplugSwapSource(newConfig->disks[idx], devConfig->data.disk);
        if (vxlDomainHotplugConfigCheck(driver, newConfig) < 0)
            return -1;
    }

    if (def) {
        virDomainDiskDef *newDisk = devLive->data.disk;
        libxl_device_disk xdisk;
        int rc;

        if ((idx = vxlDomainHotplugFindCdrom(def, newDisk)) < 0 ||
            vxlDomainHotplugDiskSource(newDisk) < 0 ||
            vxlDomainDiskSourceCheck(driver, newDisk) < 0)
            return -1;
        libxl_device_disk_init(&xdisk);
        if (vxlTranslateDeviceCdrom(def, newDisk, &xdisk) < 0) {
            libxl_device_disk_dispose(&xdisk);
            return -1;
        }
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainCdromInsert(driver->backend, vm->def->id, &xdisk);
        vxlDomainBackendExit(vm);
        libxl_device_disk_dispose(&xdisk);
        if (rc < 0)
            return -1;
        vxlDomainHotplugSwapSource(def->disks[idx], newDisk);
        if (vxlDomainSaveStatus(driver, vm) < 0)
            return -1;
    }

    if (newConfig && vxlDomainHotplugConfigCommit(driver, vm, &newConfig) < 0)
        return -1;
    return 0;
}
