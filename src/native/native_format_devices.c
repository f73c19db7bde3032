/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_format_devices.c: <devices> -> xl.cfg device keys.
 *
 * The inverse of native_devices.c: disk=, vif=, pci=, usbctrl=, usbdev=,
 * usbdevice=, serial=, channel=, p9=, soundhw=, the display keys (vfb=
 * for PV and PVH, vnc*=, sdl=, spice*= for HVM), vga= and videoram=,
 * and, through native_xmlns.c, the device model keys. Each device attribute xl.cfg has no word for
 * is refused, naming it.
 */
#include "vxl_internal.h"

#include <libxl.h>

#include "native_private.h"
#include "conf_devices.h"
#include "virtxl/virtxl.h"
#include "util_enums.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


static int
vxlNativeRefuseDisk(const virDomainDiskDef *disk, const char *what)
{
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("<disk><target dev='%s'>: %s cannot be expressed in xl.cfg"),
                   disk->dst, what);
    return -1;
}


/* The words of <virtxl:disk> besides script, vdev and multipath, as
 * xl-disk-configuration(5) spells them. */
static void
vxlNativeFormatDiskXMLNS(virBuffer *spec, const vxlXMLNSDisk *x)
{
    if (x->specification == LIBXL_DISK_SPECIFICATION_XEN)
        virBufferAddLit(spec, "specification=xen,");
    else if (x->specification == LIBXL_DISK_SPECIFICATION_VIRTIO)
        virBufferAddLit(spec, "specification=virtio,");
    if (x->colo == VIR_TRISTATE_BOOL_YES)
        virBufferAddLit(spec, "colo,");
    else if (x->colo == VIR_TRISTATE_BOOL_NO)
        virBufferAddLit(spec, "no-colo,");
    if (x->coloHost)
        virBufferAsprintf(spec, "colo-host=%s,", x->coloHost);
    if (x->coloPort)
        virBufferAsprintf(spec, "colo-port=%u,", x->coloPort);
    if (x->coloExport)
        virBufferAsprintf(spec, "colo-export=%s,", x->coloExport);
    if (x->activeDisk)
        virBufferAsprintf(spec, "active-disk=%s,", x->activeDisk);
    if (x->hiddenDisk)
        virBufferAsprintf(spec, "hidden-disk=%s,", x->hiddenDisk);
}


static int
vxlNativeFormatDisk(const virDomainDef *def, const virDomainDiskDef *disk,
                    GPtrArray *specs)
{
    g_auto(virBuffer) spec = VIR_BUFFER_INITIALIZER;
    const vxlXMLNSDisk *xscript;
    const char *backend = NULL;
    int format;

    switch ((virStorageType)disk->src->type) {
    case VIR_STORAGE_TYPE_FILE:
    case VIR_STORAGE_TYPE_BLOCK:
    case VIR_STORAGE_TYPE_NONE:
        break;
    case VIR_STORAGE_TYPE_NETWORK:
        if (disk->src->protocol == VIR_STORAGE_NET_PROTOCOL_ISCSI)
            break;
        if (disk->src->protocol == VIR_STORAGE_NET_PROTOCOL_RBD) {
            /* xl's qemu reads the key from the host's keyring; the
             * secret store's key cannot be named in an xl.cfg. */
            if (disk->src->auth && disk->src->auth->secrettype)
                return vxlNativeRefuseDisk(disk, "an rbd <auth><secret> (xl's qemu reads the Ceph key from the host's keyring; leave <secret> out to convert)");
            break;
        }
        return vxlNativeRefuseDisk(disk, "a network source other than rbd or iscsi");
    default:
        return vxlNativeRefuseDisk(disk, "a source other than a file, block device, rbd image or iSCSI LUN");
    }
    if (disk->device != VIR_DOMAIN_DISK_DEVICE_DISK &&
        disk->device != VIR_DOMAIN_DISK_DEVICE_CDROM)
        return vxlNativeRefuseDisk(disk, "a device other than disk or cdrom");
    /* What the translators take without a libxl field (<serial>, <driver
     * io>, a read-only <shareable/>) has no xl.cfg key either, and
     * changes nothing the guest sees: left out here too. */
    if (disk->error_policy || disk->rerror_policy ||
        disk->ioeventfd || disk->event_idx || disk->copy_on_read ||
        disk->detect_zeroes || disk->wwn || disk->vendor ||
        disk->product || (disk->src->shared && !disk->src->readonly) || disk->transient ||
        disk->startupPolicy || disk->blockio.logical_block_size ||
        disk->blockio.physical_block_size || disk->geometry.cylinders ||
        disk->blkdeviotune.total_bytes_sec || disk->blkdeviotune.read_bytes_sec ||
        disk->blkdeviotune.write_bytes_sec || disk->blkdeviotune.total_iops_sec ||
        disk->blkdeviotune.read_iops_sec || disk->blkdeviotune.write_iops_sec ||
        disk->src->encryption || disk->queues ||
        (disk->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE &&
         disk->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE))
        return vxlNativeRefuseDisk(disk, "<driver error_policy|copy_on_read|...>, <wwn>, <iotune>, <address>, <boot order> and the like");
    if (disk->src->readonly && disk->device == VIR_DOMAIN_DISK_DEVICE_DISK &&
        disk->src->path == NULL)
        return vxlNativeRefuseDisk(disk, "an empty disk");

    /* The legacy names ("file", "tap", "tap2") let libxl choose, as no
     * backendtype= does. */
    if (disk->driverName) {
        int xl = vxlDiskBackendFromDriverName(disk->driverName);

        if (xl < 0)
            return vxlNativeRefuseDisk(disk, "this <driver name>");
        if (xl != LIBXL_DISK_BACKEND_UNKNOWN)
            backend = vxlEnumXlToCfg(&vxlEnumDiskBackend, xl);
    }

    if (disk->src->path && disk->src->format > VIR_STORAGE_FILE_NONE) {
        if ((format = vxlEnumVirToXl(&vxlEnumDiskFormat, disk->src->format)) < 0)
            return vxlNativeRefuseDisk(disk, "this <driver type>");
        virBufferAsprintf(&spec, "format=%s,", vxlEnumXlToCfg(&vxlEnumDiskFormat, format));
    } else if (!disk->src->path) {
        virBufferAddLit(&spec, "format=empty,");
    }
    xscript = vxlXMLNSFindDisk(def, disk->dst);
    virBufferAsprintf(&spec, "vdev=%s,", xscript && xscript->vdev ? xscript->vdev : disk->dst);
    if (disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM)
        virBufferAddLit(&spec, "devtype=cdrom,");
    else
        virBufferAsprintf(&spec, "access=%s,", disk->src->readonly ? "ro" : "rw");
    if (backend)
        virBufferAsprintf(&spec, "backendtype=%s,", backend);
    if (disk->domain_name) {
        if (strchr(disk->domain_name, ','))
            return vxlNativeRefuseDisk(disk, "a <backenddomain> name with a comma");
        virBufferAsprintf(&spec, "backend=%s,", disk->domain_name);
    }
    if (xscript && xscript->script)
        virBufferAsprintf(&spec, "script=%s,", xscript->script);
    if (xscript)
        vxlNativeFormatDiskXMLNS(&spec, xscript);
    if (disk->cachemode == VIR_DOMAIN_DISK_CACHE_DISABLE ||
        disk->cachemode == VIR_DOMAIN_DISK_CACHE_DIRECTSYNC)
        virBufferAddLit(&spec, "direct-io-safe,");
    if (disk->discard == VIR_DOMAIN_DISK_DISCARD_UNMAP)
        virBufferAddLit(&spec, "discard,");
    else if (disk->discard == VIR_DOMAIN_DISK_DISCARD_IGNORE)
        virBufferAddLit(&spec, "no-discard,");
    /* target= comes last: the rest of the spec is the path, commas and
     * all. */
    if (disk->src->type == VIR_STORAGE_TYPE_NETWORK &&
        disk->src->protocol == VIR_STORAGE_NET_PROTOCOL_RBD) {
        g_autofree char *target = vxlDiskRbdTarget(disk->src);

        virBufferAsprintf(&spec, "target=%s", target);
    } else if (disk->src->type == VIR_STORAGE_TYPE_NETWORK) {
        if (vxlNativeFormatDiskISCSI(&spec, disk, xscript && xscript->multipath) < 0)
            return -1;
    } else {
        virBufferAsprintf(&spec, "target=%s", NULLSTR_EMPTY(disk->src->path));
    }
    g_ptr_array_add(specs, virBufferContentAndReset(&spec));
    return 0;
}


static int
vxlNativeRefuseNet(const virDomainNetDef *net, const char *what)
{
    char mac[VIR_MAC_STRING_BUFLEN];

    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("<interface> with <mac address='%s'>: %s cannot be expressed in xl.cfg"),
                   virMacAddrFormat(&net->mac, mac), what);
    return -1;
}


/* <interface type='hostdev'>: xl passes the VF through as its pci=
 * entry (formatted with the hostdevs, where libvirt lists it too), but
 * xl.cfg has no key for the MAC and VLAN the PF should give it, and xl
 * sets none: the file says so where a reader sees it. */
static void
vxlNativeFormatNetVF(virBuffer *buf, const virDomainNetDef *net)
{
    const virPCIDeviceAddress *a = &net->data.hostdev.def.source.subsys.u.pci.addr;
    char mac[VIR_MAC_STRING_BUFLEN];

    virMacAddrFormat(&net->mac, mac);
    virBufferAsprintf(buf, "# pci %04x:%02x:%02x.%x is <interface type='hostdev'> with mac %s",
                      a->domain, a->bus, a->slot, a->function, mac);
    if (net->vlan.nTags > 0)
        virBufferAsprintf(buf, " and vlan %u", net->vlan.tag[0]);
    virBufferAddLit(buf, ": xl sets no MAC or VLAN on a VF it passes through; set them on its PF first (ip link set PF vf N mac M vlan V)\n");
}


static bool
vxlNativeSpecSafe(const char *value)
{
    return !value || !strpbrk(value, ",=");
}


/* xl cuts a vif= entry at every ',' and takes each word's value after
 * the first '=' (parse_nic_config's MATCH_OPTION), so a vif value may
 * hold '=' (a script with its arguments, "vif-x netdev=eth5") but not
 * ','. */
static bool
vxlNativeVifValueSafe(const char *value)
{
    return !value || !strchr(value, ',');
}


static int
vxlNativeFormatNet(const virDomainDef *def, const virDomainNetDef *net, GPtrArray *specs)
{
    g_auto(virBuffer) spec = VIR_BUFFER_INITIALIZER;
    char mac[VIR_MAC_STRING_BUFLEN];
    const char *model = vxlNetModelName(net);
    const vxlXMLNSNic *x;
    bool ovs;
    size_t i;

    if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK)
        return vxlNativeRefuseNet(net, "<interface type='network'> (a libvirt network; name its bridge with type='bridge')");
    if (net->type != VIR_DOMAIN_NET_TYPE_BRIDGE && net->type != VIR_DOMAIN_NET_TYPE_ETHERNET)
        return vxlNativeRefuseNet(net, "an interface type other than bridge or ethernet");
    /* An Open vSwitch port, with its VLAN tags, is a bridge= spelling
     * and vif-openvswitch, as the translator gives libxl. */
    ovs = net->virtPortProfile &&
          net->virtPortProfile->virtPortType == VIR_NETDEV_VPORT_PROFILE_OPENVSWITCH &&
          !net->virtPortProfile->profileID[0] && !net->vlan.nativeMode;
    if (net->filter || (net->virtPortProfile && !ovs) || (net->vlan.nTags && !ovs) ||
        net->driver.virtio.queues ||
        net->linkstate || net->coalesce || net->guestIP.nroutes ||
        net->trustGuestRxFilters ||
        net->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
        return vxlNativeRefuseNet(net, "<filterref>, <virtualport> other than openvswitch, <vlan> off Open vSwitch, <link>, <route>, <address>, <boot order> and the like");
    if (!vxlNativeVifValueSafe(net->script) || !vxlNativeVifValueSafe(net->ifname) ||
        !vxlNativeVifValueSafe(model) || !vxlNativeVifValueSafe(net->domain_name))
        return vxlNativeRefuseNet(net, "a value with ','");

    virBufferAsprintf(&spec, "mac=%s", virMacAddrFormat(&net->mac, mac));
    if (net->type == VIR_DOMAIN_NET_TYPE_BRIDGE) {
        g_autofree char *bridge = vxlNetOvsBridge(net->data.bridge.brname,
                                                  ovs ? &net->vlan : NULL);

        if (!vxlNativeVifValueSafe(bridge))
            return vxlNativeRefuseNet(net, "a bridge name with ','");
        virBufferAsprintf(&spec, ",bridge=%s", bridge);
    }
    if (net->guestIP.nips > 0) {
        virBufferAddLit(&spec, ",ip=");
        for (i = 0; i < net->guestIP.nips; i++) {
            g_autofree char *ip = virSocketAddrFormat(&net->guestIP.ips[i]->address);

            if (net->guestIP.ips[i]->prefix || net->guestIP.ips[i]->peer.data.sa.sa_family)
                return vxlNativeRefuseNet(net, "<ip prefix|peer>");
            virBufferAsprintf(&spec, "%s%s", i ? " " : "", ip);
        }
    }
    if (net->script)
        virBufferAsprintf(&spec, ",script=%s", net->script);
    else if (ovs)
        virBufferAddLit(&spec, ",script=vif-openvswitch");
    if (net->ifname)
        virBufferAsprintf(&spec, ",vifname=%s", net->ifname);
    if (net->model == VIR_DOMAIN_NET_MODEL_NETFRONT) {
        virBufferAddLit(&spec, ",type=vif");
    } else if (model) {
        virBufferAsprintf(&spec, ",model=%s", model);
    }
    if (net->domain_name)
        virBufferAsprintf(&spec, ",backend=%s", net->domain_name);
    if (net->mtu)
        virBufferAsprintf(&spec, ",mtu=%u", net->mtu);
    if (net->bandwidth) {
        if (net->bandwidth->in || !net->bandwidth->out ||
            net->bandwidth->out->peak || net->bandwidth->out->burst ||
            net->bandwidth->out->floor)
            return vxlNativeRefuseNet(net, "<bandwidth> other than <outbound average>");
        virBufferAsprintf(&spec, ",rate=%lluKB/s", net->bandwidth->out->average);
    }
    if ((x = vxlXMLNSFindNic(def, &net->mac))) {
        if (x->rateIntervalUs && net->bandwidth)
            virBufferAsprintf(&spec, "@%lluus", x->rateIntervalUs);
        if (x->devid >= 0)
            virBufferAsprintf(&spec, ",devid=%d", x->devid);
        if (x->gatewaydev)
            virBufferAsprintf(&spec, ",gatewaydev=%s", x->gatewaydev);
        if (x->vifname && !net->ifname)
            virBufferAsprintf(&spec, ",vifname=%s", x->vifname);
        if (x->trusted != VIR_TRISTATE_BOOL_ABSENT)
            virBufferAddStr(&spec, x->trusted == VIR_TRISTATE_BOOL_YES ? ",trusted" : ",untrusted");
        for (i = 0; i < VXL_NIC_COLO_KEYS; i++) {
            if (x->colo[i])
                virBufferAsprintf(&spec, ",%s=%s", vxlNicColoKeys[i], x->colo[i]);
        }
    }
    g_ptr_array_add(specs, virBufferContentAndReset(&spec));
    return 0;
}


/* <virtxl:pci name>: xl's pci=['name=X,...'] of those placed just
 * before PCI host device @pos (after them all: @pos is their count). */
static int
vxlNativeFormatPciNamed(const virDomainDef *def, size_t pos, GPtrArray *pcis)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t nhost = vxlXMLNSPciHostdevCount(def);
    size_t i;

    for (i = 0; ns && i < ns->npcis; i++) {
        const vxlXMLNSPci *pci = &ns->pcis[i];
        g_auto(virBuffer) spec = VIR_BUFFER_INITIALIZER;

        if (!vxlXMLNSPciNamedAt(pci, pos, nhost))
            continue;
        /* xl's spec parser ends a value at the first ','. */
        if (strchr(pci->name, ','))
            return vxlNativeFormatRefuse("a <virtxl:pci name> with a ',' (xl's pci= spec ends the name there)");
        virBufferAsprintf(&spec, "name=%s", pci->name);
        if (pci->permissive == VIR_TRISTATE_BOOL_YES)
            virBufferAddLit(&spec, ",permissive=1");
        if (pci->msitranslate == VIR_TRISTATE_BOOL_YES)
            virBufferAddLit(&spec, ",msitranslate=1");
        if (pci->seize == VIR_TRISTATE_BOOL_YES)
            virBufferAddLit(&spec, ",seize=1");
        if (pci->powerMgmt == VIR_TRISTATE_BOOL_YES)
            virBufferAddLit(&spec, ",power_mgmt=1");
        if (pci->rdmPolicy >= 0)
            virBufferAsprintf(&spec, ",rdm_policy=%s",
                              vxlEnumXlToCfg(&vxlEnumRdmPolicy, pci->rdmPolicy));
        if (pci->vslot >= 0)
            virBufferAsprintf(&spec, ",vslot=%02x", pci->vslot);
        g_ptr_array_add(pcis, virBufferContentAndReset(&spec));
    }
    return 0;
}


static int
vxlNativeFormatHostdev(const virDomainDef *def, const virDomainHostdevDef *hostdev,
                       GPtrArray *pcis, GPtrArray *usbdevs)
{
    if (hostdev->mode != VIR_DOMAIN_HOSTDEV_MODE_SUBSYS)
        return vxlNativeFormatRefuse("<hostdev mode='capabilities'>");

    if (hostdev->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI) {
        const virDomainHostdevSubsysPCI *pci = &hostdev->source.subsys.u.pci;
        const vxlXMLNSPci *opts = vxlXMLNSFindPci(def, hostdev);
        g_auto(virBuffer) spec = VIR_BUFFER_INITIALIZER;

        if (pci->backend != VIR_DOMAIN_HOSTDEV_PCI_BACKEND_DEFAULT &&
            pci->backend != VIR_DOMAIN_HOSTDEV_PCI_BACKEND_XEN)
            return vxlNativeFormatRefuse("<hostdev><driver name> other than xen");
        if (hostdev->info->bootIndex || hostdev->info->romenabled || hostdev->info->romfile)
            return vxlNativeFormatRefuse("<hostdev><boot> or <rom>");
        if (opts && opts->allFunctions == VIR_TRISTATE_BOOL_YES) {
            if (pci->addr.function != 0)
                return vxlNativeFormatRefuse("<virtxl:pci all_functions='yes'> on a function other than 0 (xl.cfg's BB:DD.* names function 0)");
            virBufferAsprintf(&spec, "%04x:%02x:%02x.*", pci->addr.domain, pci->addr.bus,
                              pci->addr.slot);
        } else {
            virBufferAsprintf(&spec, "%04x:%02x:%02x.%x", pci->addr.domain, pci->addr.bus,
                              pci->addr.slot, pci->addr.function);
        }
        if (hostdev->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI) {
            const virPCIDeviceAddress *a = &hostdev->info->addr.pci;

            if (a->domain || a->bus || a->multi)
                return vxlNativeFormatRefuse("a guest <address> of a <hostdev> off bus 0");
            virBufferAsprintf(&spec, "@%02x", a->slot);
            if (a->function)
                return vxlNativeFormatRefuse("a guest <address function> of a <hostdev>");
        } else if (hostdev->info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE) {
            return vxlNativeFormatRefuse("a <hostdev> guest <address> other than PCI");
        }
        if (hostdev->writeFiltering == VIR_TRISTATE_BOOL_NO)
            virBufferAddLit(&spec, ",permissive=1");
        if (hostdev->managed)
            virBufferAddLit(&spec, ",seize=1");
        vxlNativeFormatPciOptions(&spec, def, hostdev);
        g_ptr_array_add(pcis, virBufferContentAndReset(&spec));
        return 0;
    }

    if (hostdev->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB) {
        const virDomainHostdevSubsysUSB *usb = &hostdev->source.subsys.u.usb;

        if (usb->vendor || usb->product || (usb->bus == 0 && usb->device == 0))
            return vxlNativeFormatRefuse("<hostdev type='usb'> by vendor and product (xl.cfg names host bus and address)");
        if (hostdev->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB &&
            hostdev->info->addr.usb.port[0] && !hostdev->info->addr.usb.port[1]) {
            /* The controller and its port: xl's controller=, port=. */
            g_ptr_array_add(usbdevs, g_strdup_printf("type=hostdev,hostbus=%u,hostaddr=%u,controller=%u,port=%u",
                                                     usb->bus, usb->device,
                                                     hostdev->info->addr.usb.bus,
                                                     hostdev->info->addr.usb.port[0]));
            return 0;
        }
        if (hostdev->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB &&
            !hostdev->info->addr.usb.port[0]) {
            /* The controller alone: libxl picks a free port of it. */
            g_ptr_array_add(usbdevs, g_strdup_printf("type=hostdev,hostbus=%u,hostaddr=%u,controller=%u",
                                                     usb->bus, usb->device,
                                                     hostdev->info->addr.usb.bus));
            return 0;
        }
        if (hostdev->info->type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
            return vxlNativeFormatRefuse("a guest <address> of a USB <hostdev> other than a controller's port");
        /* type=hostdev is libxl's default, but xl prints the bus and
         * address of a typed device only (xl -N create). */
        g_ptr_array_add(usbdevs, g_strdup_printf("type=hostdev,hostbus=%u,hostaddr=%u",
                                                 usb->bus, usb->device));
        return 0;
    }
    return vxlNativeFormatRefuse("<hostdev type> other than pci and usb");
}


/* A character device in qemu's -serial syntax (what xl passes on), the
 * spelling the translator gives libxl (conf_devices.c). */
static char *
vxlNativeFormatChrSource(const virDomainChrSourceDef *src)
{
    /* The spec the translator hands libxl (conf_devices.c). */
    char *spec = vxlChrSerialSpec(src);

    if (!spec)
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("a character device of type '%s' cannot be expressed in xl.cfg"),
                       virDomainChrTypeToString(src->type));
    return spec;
}


/* @spec (taken) with xl's backend= for a channel or 9pfs share served
 * by a driver domain (<virtxl:channel>, <virtxl:p9>), or as it is. */
static char *
vxlNativeFormatDevBackend(char *spec, const char *backend)
{
    char *out;

    if (!backend)
        return spec;
    out = g_strdup_printf("%s,backend=%s", spec, backend);
    g_free(spec);
    return out;
}


static int
vxlNativeFormatChars(virBuffer *buf, const virDomainDef *def)
{
    bool hvm = def->os.type == VIR_DOMAIN_OSTYPE_HVM;
    g_autoptr(GPtrArray) serials = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) channels = g_ptr_array_new_with_free_func(g_free);
    bool pv_console = false;
    size_t i;

    for (i = 0; i < def->nserials; i++) {
        g_autofree char *s = NULL;

        /* A PV or PVH guest's <serial> is written too: xl ignores
         * serial= for them as the driver ignores the element, and
         * xl2xml gives it back. */
        if (def->serials[i]->target.port != vxlXMLNSSerialPosition(def, i))
            return vxlNativeFormatRefuse("<serial><target port> out of order");
        if (!(s = vxlNativeFormatChrSource(def->serials[i]->source)))
            return -1;
    }
    /* With <virtxl:serial>'s options and "none"s, as the translator
     * gives them to libxl. */
    {
        g_auto(GStrv) specs = vxlXMLNSSerialSpecs(def);

        for (i = 0; specs && specs[i]; i++)
            g_ptr_array_add(serials, g_strdup(specs[i]));
    }
    for (i = 0; i < def->nconsoles; i++) {
        const virDomainChrDef *con = def->consoles[i];

        /* Xen's PV console, which every guest has: libxl gives an HVM
         * guest one too (console 0, served by its device model), so
         * xl.cfg has no key for it (Qubes writes it on HVM guests). HVM:
         * also libvirt's mirror of the first serial port. */
        if (!pv_console && con->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_XEN &&
            con->source->type == VIR_DOMAIN_CHR_TYPE_PTY) {
            pv_console = true;
            continue;
        }
        if (i == 0 && hvm && con->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL &&
            def->nserials > 0)
            continue;
        /* PV, PVH: a pty console of target type serial is the PV
         * console (translate_chardev.c). */
        if (i == 0 && !hvm && !pv_console &&
            con->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL &&
            con->source->type == VIR_DOMAIN_CHR_TYPE_PTY) {
            pv_console = true;
            continue;
        }
        return vxlNativeFormatRefuse("a <console> other than Xen's PV console or the first serial port");
    }
    for (i = 0; i < def->nchannels; i++) {
        const virDomainChrDef *ch = def->channels[i];
        char *spec;

        if (vxlNativeSpiceIsAgent(ch))
            continue;   /* spicevdagent=, with the SPICE keys */
        if (ch->targetType != VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_XEN || !ch->target.name)
            return vxlNativeFormatRefuse("a <channel> other than <target type='xen' name>");
        if (strpbrk(ch->target.name, ",="))
            return vxlNativeFormatRefuse("a <channel><target name> with ',' or '='");
        /* A start gives a path-less socket one; xl needs it named. */
        if (ch->source->type == VIR_DOMAIN_CHR_TYPE_UNIX && !ch->source->data.nix.path)
            return vxlNativeFormatRefuse("a <channel type='unix'> without <source path>");
        if (ch->source->type == VIR_DOMAIN_CHR_TYPE_PTY)
            spec = g_strdup_printf("name=%s,connection=pty", ch->target.name);
        else if (ch->source->type == VIR_DOMAIN_CHR_TYPE_UNIX && ch->source->data.nix.listen)
            spec = g_strdup_printf("name=%s,connection=socket,path=%s",
                                   ch->target.name, ch->source->data.nix.path);
        else
            return vxlNativeFormatRefuse("a <channel> other than pty or a listening unix socket");
        g_ptr_array_add(channels, vxlNativeFormatDevBackend(spec, vxlXMLNSChannelBackend(def, ch->target.name)));
    }
    if (serials->len == 1)
        vxlNativeFormatString(buf, "serial", g_ptr_array_index(serials, 0));
    else
        vxlNativeFormatList(buf, "serial", serials);
    vxlNativeFormatList(buf, "channel", channels);
    return 0;
}


static const char *
vxlNativeVncKeymap(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        if (def->graphics[i]->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC)
            return def->graphics[i]->data.vnc.keymap;
    }
    return NULL;
}


/* vfb=: an entry per framebuffer (domain_xmlns_vfb.c), joining the
 * specs of the <graphics> it serves (@pieces, one per <graphics>). A
 * framebuffer without VNC graphics says vnc=0: libxl gives it VNC
 * otherwise. */
static int
vxlNativeFormatVfbs(virBuffer *buf, const virDomainDef *def, GPtrArray *pieces)
{
    g_autofree vxlXMLNSVfbGroup *groups = NULL;
    g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(g_free);
    size_t n = vxlXMLNSVfbGroups(def, &groups);
    size_t i, j;

    for (i = 0; i < n; i++) {
        g_autoptr(GPtrArray) words = g_ptr_array_new();
        g_autofree char *keymap = NULL;
        bool vnc = false;
        bool sdl = false;

        for (j = groups[i].first; j < groups[i].first + groups[i].count; j++) {
            bool isVnc = def->graphics[j]->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC;

            if ((isVnc && vnc) || (!isVnc && sdl))
                return vxlNativeFormatRefuse("two <graphics> of one kind on one PV framebuffer");
            vnc |= isVnc;
            sdl |= !isVnc;
            g_ptr_array_add(words, g_ptr_array_index(pieces, j));
        }
        if (!vnc)
            g_ptr_array_insert(words, 0, (char *)"vnc=0");
        if (groups[i].keymap) {
            if (!vxlNativeSpecSafe(groups[i].keymap))
                return vxlNativeFormatRefuse("a <virtxl:vfb keymap> with ',' or '='");
            keymap = g_strdup_printf("keymap=%s", groups[i].keymap);
            g_ptr_array_add(words, keymap);
        }
        g_ptr_array_add(words, NULL);
        g_ptr_array_add(entries, g_strjoinv(",", (char **)words->pdata));
    }
    if (entries->len > 0)
        vxlNativeFormatList(buf, "vfb", entries);
    return 0;
}


static int
vxlNativeFormatGraphics(virBuffer *buf, const virDomainDef *def)
{
    bool hvm = def->os.type == VIR_DOMAIN_OSTYPE_HVM;
    g_autoptr(GPtrArray) vfbs = g_ptr_array_new_with_free_func(g_free);
    bool vnc = false, sdl = false, spice = false;
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        const virDomainGraphicsDef *g = def->graphics[i];
        g_auto(virBuffer) spec = VIR_BUFFER_INITIALIZER;
        const char *listen = NULL;
        int start = vxlXMLNSGraphicsStartDisplay(def, i);

        if (g->nListens > 1 ||
            (g->nListens == 1 && g->listens[0].type != VIR_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS))
            return vxlNativeFormatRefuse("<graphics><listen> other than one address");
        if (g->nListens == 1)
            listen = g->listens[0].address;

        switch ((virDomainGraphicsType)g->type) {
        case VIR_DOMAIN_GRAPHICS_TYPE_VNC:
            /* A PV guest's framebuffers are checked below. */
            if (vnc && hvm)
                return vxlNativeFormatRefuse("a second <graphics type='vnc'>");
            vnc = true;
            if (g->data.vnc.websocket || g->data.vnc.sharePolicy || g->data.vnc.auth.expires ||
                g->data.vnc.auth.connected || g->data.vnc.audioId)
                return vxlNativeFormatRefuse("<graphics type='vnc'> websocket, share policy, password expiry or audio");
            if (hvm) {
                virBufferAddLit(buf, "vnc = 1\n");
                vxlNativeFormatString(buf, "vnclisten", listen);
                /* port='-1' (or 0) with autoport='no' names no display:
                 * the translator lets qemu find one, and so does xl's
                 * default vncunused=1; vncdisplay would go negative. */
                if (!g->data.vnc.autoport && g->data.vnc.port >= 5900) {
                    virBufferAsprintf(buf, "vncdisplay = %d\n", g->data.vnc.port - 5900);
                    virBufferAddLit(buf, "vncunused = 0\n");
                } else if (start >= 0) {
                    /* where the search starts: vncunused=1 is xl's default */
                    virBufferAsprintf(buf, "vncdisplay = %d\n", start);
                }
                vxlNativeFormatString(buf, "vncpasswd", g->data.vnc.auth.passwd);
                vxlNativeFormatString(buf, "keymap", g->data.vnc.keymap);
            } else {
                virBufferAddLit(&spec, "vnc=1");
                if (listen)
                    virBufferAsprintf(&spec, ",vnclisten=%s", listen);
                if (!g->data.vnc.autoport && g->data.vnc.port >= 5900)
                    virBufferAsprintf(&spec, ",vncdisplay=%d,vncunused=0", g->data.vnc.port - 5900);
                else if (start >= 0)
                    virBufferAsprintf(&spec, ",vncdisplay=%d", start);
                if (g->data.vnc.auth.passwd) {
                    if (!vxlNativeSpecSafe(g->data.vnc.auth.passwd))
                        return vxlNativeFormatRefuse("a vfb VNC password with ',' or '='");
                    virBufferAsprintf(&spec, ",vncpasswd=%s", g->data.vnc.auth.passwd);
                }
                if (g->data.vnc.keymap)
                    virBufferAsprintf(&spec, ",keymap=%s", g->data.vnc.keymap);
            }
            break;
        case VIR_DOMAIN_GRAPHICS_TYPE_SDL:
            if (sdl && hvm)
                return vxlNativeFormatRefuse("a second <graphics type='sdl'>");
            sdl = true;
            if (hvm) {
                virBufferAddLit(buf, "sdl = 1\n");
                if (g->data.sdl.gl == VIR_TRISTATE_BOOL_YES)
                    virBufferAddLit(buf, "opengl = 1\n");
                vxlNativeFormatString(buf, "display", g->data.sdl.display);
                vxlNativeFormatString(buf, "xauthority", g->data.sdl.xauth);
            } else {
                virBufferAddLit(&spec, "sdl=1");
                if (g->data.sdl.gl == VIR_TRISTATE_BOOL_YES)
                    virBufferAddLit(&spec, ",opengl=1");
                if (g->data.sdl.display)
                    virBufferAsprintf(&spec, ",display=%s", g->data.sdl.display);
                if (g->data.sdl.xauth)
                    virBufferAsprintf(&spec, ",xauthority=%s", g->data.sdl.xauth);
            }
            break;
        case VIR_DOMAIN_GRAPHICS_TYPE_SPICE:
            if (!hvm || spice)
                return vxlNativeFormatRefuse("<graphics type='spice'> for a PV or PVH guest, or twice");
            spice = true;
            virBufferAddLit(buf, "spice = 1\n");
            vxlNativeFormatString(buf, "spicehost", listen);
            if (g->data.spice.port > 0)
                virBufferAsprintf(buf, "spiceport = %d\n", g->data.spice.port);
            if (g->data.spice.tlsPort > 0)
                virBufferAsprintf(buf, "spicetls_port = %d\n", g->data.spice.tlsPort);
            if (g->data.spice.auth.passwd)
                vxlNativeFormatString(buf, "spicepasswd", g->data.spice.auth.passwd);
            else
                virBufferAddLit(buf, "spicedisable_ticketing = 1\n");
            if (g->data.spice.mousemode == VIR_DOMAIN_MOUSE_MODE_CLIENT)
                virBufferAddLit(buf, "spiceagent_mouse = 1\n");
            else if (g->data.spice.mousemode == VIR_DOMAIN_MOUSE_MODE_SERVER)
                virBufferAddLit(buf, "spiceagent_mouse = 0\n");
            if (g->data.spice.copypaste == VIR_TRISTATE_BOOL_YES)
                virBufferAddLit(buf, "spice_clipboard_sharing = 1\n");
            /* xl has one keymap= for VNC and SPICE (the translator
             * refuses two different ones); VNC's writes it when it has
             * one. */
            if (g->data.spice.keymap && !vxlNativeVncKeymap(def))
                vxlNativeFormatString(buf, "keymap", g->data.spice.keymap);
            /* File transfer on and GL off are qemu's defaults, which the
             * translator takes (translate_gfx.c) and xl.cfg says by
             * leaving them out. */
            if (g->data.spice.jpeg || g->data.spice.zlib ||
                g->data.spice.playback || g->data.spice.filetransfer == VIR_TRISTATE_BOOL_NO ||
                g->data.spice.gl == VIR_TRISTATE_BOOL_YES || g->data.spice.rendernode ||
                g->data.spice.defaultMode)
                return vxlNativeFormatRefuse("<graphics type='spice'> jpeg, zlib, playback, file transfer, gl or channel settings");
            if (vxlNativeFormatSpice(buf, def, g) < 0)
                return -1;
            break;
        default:
            return vxlNativeFormatRefuse("<graphics> other than vnc, sdl and spice");
        }
        if (!hvm)
            g_ptr_array_add(vfbs, virBufferContentAndReset(&spec));
    }
    if (!hvm && vxlNativeFormatVfbs(buf, def, vfbs) < 0)
        return -1;
    /* libxl's default for an HVM guest is a VNC display and a Cirrus
     * card; without <video> there is no card, for which xl also wants
     * nographic (as libvirt's own Xen driver sets it). */
    if (hvm && !vnc)
        virBufferAddLit(buf, "vnc = 0\n");
    if (hvm && def->nvideos == 0)
        virBufferAddLit(buf, "vga = \"none\"\nnographic = 1\n");

    for (i = 0; i < def->nvideos; i++) {
        const virDomainVideoDef *v = def->videos[i];
        const char *vga = NULL;

        if (i > 0)
            return vxlNativeFormatRefuse("a second <video>");
        if (v->heads > 1 || v->accel || v->vram64)
            return vxlNativeFormatRefuse("<video> heads, acceleration or memory other than vram");
        switch ((virDomainVideoType)v->type) {
        case VIR_DOMAIN_VIDEO_TYPE_XEN:
            if (hvm)
                return vxlNativeFormatRefuse("<video><model type='xen'> for an HVM guest");
            /* No vram: a PV framebuffer is guest memory the frontend
             * shares, of the size it chooses; libxl's vfb has no size,
             * and the translator reads none either. */
            continue;
        default:
            vga = vxlEnumXlToCfg(&vxlEnumVideoModel,
                                 vxlEnumVirToXl(&vxlEnumVideoModel, v->type));
            if (!vga)
                return vxlNativeFormatRefuse("<video><model type> other than vga, cirrus, qxl, xen or none");
            break;
        }
        if (!hvm)
            return vxlNativeFormatRefuse("an emulated <video> for a PV or PVH guest");
        /* libxl's own card, as xl.cfg's absent vga= and videoram= mean. */
        if (v->type == VIR_DOMAIN_VIDEO_TYPE_CIRRUS &&
            v->vram == vxlVideoDefaultKiB(def, v->type))
            continue;
        vxlNativeFormatString(buf, "vga", vga);
        if (v->vram) {
            if (v->vram % 1024)
                return vxlNativeFormatRefuse("<video><model vram> other than whole MiB");
            virBufferAsprintf(buf, "videoram = %u\n", v->vram / 1024);
        }
    }
    return 0;
}


static int
vxlNativeFormatInputs(virBuffer *buf, const virDomainDef *def)
{
    g_autoptr(GPtrArray) usb = g_ptr_array_new();
    g_auto(GStrv) hostItems = NULL;
    const char *hosts;
    size_t i;

    for (i = 0; i < def->ninputs; i++) {
        const virDomainInputDef *in = def->inputs[i];

        /* Implicit: the emulated PS/2 pair of an HVM guest, the PV pair
         * that comes with a vfb. */
        if (in->bus == VIR_DOMAIN_INPUT_BUS_PS2 || in->bus == VIR_DOMAIN_INPUT_BUS_XEN)
            continue;
        if (in->bus == VIR_DOMAIN_INPUT_BUS_USB && def->os.type == VIR_DOMAIN_OSTYPE_HVM &&
            in->type <= VIR_DOMAIN_INPUT_TYPE_KBD && !in->source.evdev &&
            in->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE) {
            g_ptr_array_add(usb, (char *)virDomainInputTypeToString(in->type));
            continue;
        }
        return vxlNativeFormatRefuse("an <input> other than USB tablet, mouse or keyboard of an HVM guest");
    }
    /* Where libxl builds the USB bus itself (usbversion, SPICE USB
     * redirection) they are qemu arguments instead (native_xmlns.c),
     * which is how xl can say them. */
    if (vxlUsbBusIsLibxls(def)) {
        if (vxlNativeXMLNSKeyValue(def, VXL_XMLNS_KEY_USBDEVICE))
            return vxlNativeFormatRefuse("<virtxl:usbdevice> beside usbversion or SPICE USB redirection (libxl refuses usbdevice= with them)");
        return 0;
    }
    /* Host devices after them, as translate/ lists them. */
    if ((hosts = vxlNativeXMLNSKeyValue(def, VXL_XMLNS_KEY_USBDEVICE))) {
        hostItems = vxlXMLNSKeyItems(hosts);
        for (i = 0; hostItems[i]; i++)
            g_ptr_array_add(usb, hostItems[i]);
    }
    if (usb->len == 1)
        vxlNativeFormatString(buf, "usbdevice", g_ptr_array_index(usb, 0));
    else
        vxlNativeFormatList(buf, "usbdevice", usb);
    return 0;
}


static int
vxlNativeFormatControllers(GPtrArray *usbctrls, int *usbversion, const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *c = def->controllers[i];

        switch ((virDomainControllerType)c->type) {
        case VIR_DOMAIN_CONTROLLER_TYPE_USB:
            if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB1 ||
                c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB2) {
                const vxlXMLNSUsbctrl *x = vxlXMLNSFindUsbctrl(def, c->idx);
                int version = c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB1 ? 1 : 2;
                g_autofree char *ports = NULL;

                if (x && x->version)
                    version = x->version;
                /* Without ports=, libxl picks (8; an emulated
                 * controller's fixed number for devicemodel). */
                if (c->opts.usbopts.ports > 0)
                    ports = g_strdup_printf(",ports=%d", c->opts.usbopts.ports);
                g_ptr_array_add(usbctrls,
                                g_strdup_printf("type=%s,version=%d%s",
                                                x ? libxl_usbctrl_type_to_string(x->type) : "qusb",
                                                version, NULLSTR_EMPTY(ports)));
                continue;
            }
            /* An HVM guest's nec-xhci with ports, which libxl adds as
             * a device (translate_hostdev.c). */
            if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI &&
                def->os.type == VIR_DOMAIN_OSTYPE_HVM && c->opts.usbopts.ports > 0) {
                g_ptr_array_add(usbctrls,
                                g_strdup_printf("type=devicemodel,version=3,ports=%d",
                                                c->opts.usbopts.ports));
                continue;
            }
            /* The emulated bus libvirt implies for USB inputs. */
            if (c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_DEFAULT ||
                c->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE)
                continue;
            /* An HVM guest's emulated controller by model: usbversion=,
             * once for the EHCI controller and its companions. */
            if (vxlUSBEmulatedVersion(c->model) && def->os.type == VIR_DOMAIN_OSTYPE_HVM &&
                c->idx == 0 && c->opts.usbopts.ports <= 0) {
                *usbversion = vxlUSBEmulatedVersion(c->model);
                continue;
            }
            break;
        case VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
            /* libvirt's home for SPICE's agent channel; libxl's qemu
             * makes its own. */
            if (c->idx == 0 && c->opts.vioserial.ports < 0 && c->opts.vioserial.vectors < 0)
                continue;
            break;
        /* The AHCI controller libvirt adds for SATA disks: hdtype=
         * says it (vxlNativeFormatDevices). */
        case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
            if (c->idx == 0 && def->os.type == VIR_DOMAIN_OSTYPE_HVM)
                continue;
            break;
        /* The xenbus controller's limits are keys of their own
         * (max_grant_frames=, max_event_channels=: native_features.c). */
        case VIR_DOMAIN_CONTROLLER_TYPE_XENBUS:
        case VIR_DOMAIN_CONTROLLER_TYPE_IDE:
        case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
        case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
            /* Implied by the disks and the machine; xl.cfg has none. */
            continue;
        default:
            break;
        }
        return vxlNativeFormatRefuse("a <controller> other than a qusb1/qusb2 USB controller, an HVM guest's emulated one or an implied one");
    }
    return 0;
}


int
vxlNativeFormatDevices(virBuffer *buf, const virDomainDef *def)
{
    g_autoptr(GPtrArray) disks = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) vifs = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) pcis = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) usbdevs = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) usbctrls = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) p9s = g_ptr_array_new_with_free_func(g_free);
    bool p9Backend = false;
    int usbversion = 0;
    size_t npciHost = 0;
    size_t i;

    if (vxlNativeFormatXMLNS(buf, def) < 0)
        return -1;

    for (i = 0; i < def->ndisks; i++) {
        if (vxlNativeFormatDisk(def, def->disks[i], disks) < 0)
            return -1;
    }
    /* SATA disks are libxl's hdtype=ahci, as the translator has it
     * (translate_disk.c); a <virtxl:hdtype> says it itself. */
    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->bus == VIR_DOMAIN_DISK_BUS_SATA &&
            !vxlNativeXMLNSKeyValue(def, VXL_XMLNS_KEY_HDTYPE)) {
            virBufferAddLit(buf, "hdtype = \"ahci\"\n");
            break;
        }
    }
    for (i = 0; i < def->nnets; i++) {
        /* An SR-IOV VF is a pci= entry, with the hostdevs below. */
        if (def->nets[i]->type == VIR_DOMAIN_NET_TYPE_HOSTDEV) {
            vxlNativeFormatNetVF(buf, def->nets[i]);
            continue;
        }
        if (vxlNativeFormatNet(def, def->nets[i], vifs) < 0)
            return -1;
    }
    /* Each named device where its before= puts it, as the translation
     * orders pcidevs: xl reads pci= in order. */
    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *h = def->hostdevs[i];

        if (h->mode == VIR_DOMAIN_HOSTDEV_MODE_SUBSYS &&
            h->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI &&
            vxlNativeFormatPciNamed(def, npciHost++, pcis) < 0)
            return -1;
        if (vxlNativeFormatHostdev(def, h, pcis, usbdevs) < 0)
            return -1;
    }
    if (vxlNativeFormatPciNamed(def, npciHost, pcis) < 0)
        return -1;
    if (vxlNativeFormatControllers(usbctrls, &usbversion, def) < 0)
        return -1;
    for (i = 0; i < def->nfss; i++) {
        const virDomainFSDef *fs = def->fss[i];
        virDomainFSAccessMode mode;
        const char *model;
        const char *backend;

        if (fs->type != VIR_DOMAIN_FS_TYPE_MOUNT ||
            fs->readonly || fs->fsdriver || !fs->src->path ||
            strpbrk(fs->src->path, ",") || strpbrk(fs->dst, ",="))
            return vxlNativeFormatRefuse("a <filesystem> other than a read-write mount of a host directory (Xen's 9pfs)");
        /* The security model translate_misc.c gives qemu's 9pfs backend
         * (libvirt's default is passthrough). */
        mode = fs->accessmode ? fs->accessmode : VIR_DOMAIN_FS_ACCESSMODE_PASSTHROUGH;
        model = vxlEnumXlToCfg(&vxlEnumP9SecurityModel,
                               vxlEnumVirToXl(&vxlEnumP9SecurityModel, mode));
        /* xl carries an entry's backend= on to the later entries that
         * give none (native_devices.c): dom0 cannot follow a driver
         * domain. */
        backend = vxlXMLNSP9Backend(def, fs->dst);
        if (!backend && p9Backend)
            return vxlNativeFormatRefuse("a dom0 9pfs <filesystem> after one with <virtxl:p9 backend> (xl's p9= hands an entry's backend= on to the later ones without)");
        p9Backend |= !!backend;
        g_ptr_array_add(p9s, vxlNativeFormatDevBackend(g_strdup_printf("tag=%s,security_model=%s,path=%s",
                                                                       fs->dst, model, fs->src->path),
                                                       backend));
    }

    vxlNativeFormatList(buf, "disk", disks);
    vxlNativeFormatList(buf, "vif", vifs);
    vxlNativeFormatList(buf, "pci", pcis);
    vxlNativeFormatList(buf, "usbctrl", usbctrls);
    vxlNativeFormatList(buf, "usbdev", usbdevs);
    vxlNativeFormatList(buf, "p9", p9s);
    if (vxlNativeFormatSpiceOrphans(def) < 0 ||
        vxlNativeFormatInputs(buf, def) < 0 ||
        vxlNativeFormatChars(buf, def) < 0 ||
        vxlNativeFormatGraphics(buf, def) < 0)
        return -1;

    if (def->nsounds > 1)
        return vxlNativeFormatRefuse("more than one <sound>");
    if (def->nsounds == 1) {
        const char *hw = vxlEnumXlToCfg(&vxlEnumSoundModel, def->sounds[0]->model);

        if (!hw || def->os.type != VIR_DOMAIN_OSTYPE_HVM || def->sounds[0]->ncodecs)
            return vxlNativeFormatRefuse("a <sound> other than ich6, ac97, sb16 or es1370 of an HVM guest");
        vxlNativeFormatString(buf, "soundhw", hw);
    }
    if (def->memballoon && def->memballoon->model != VIR_DOMAIN_MEMBALLOON_MODEL_XEN &&
        def->memballoon->model != VIR_DOMAIN_MEMBALLOON_MODEL_NONE)
        return vxlNativeFormatRefuse("a <memballoon> other than xen");
    /* Where the same key read into <virtxl:usbversion> comes back, so
     * that either spelling converts to one text. */
    if (usbversion)
        virBufferAsprintf(buf, "usbversion = %d\n", usbversion);
    return 0;
}
