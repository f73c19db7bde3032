/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_hostdev.c: host devices given to the guest, and USB
 * controllers.
 *
 * Covers <hostdev mode='subsystem' type='pci'> (pcidevs: host address,
 * managed as libxl's seize, <source writeFiltering='no'> as permissive,
 * the guest <address type='pci'> slot as vslot), <hostdev mode='subsystem' type='usb'> with a host bus and
 * device number (usbdevs; a guest <address type='usb'> gives controller
 * and port), <controller type='usb' model='qusb1'|'qusb2' ports>
 * (usbctrls: Xen's PV USB controllers) and an HVM guest's emulated USB
 * controller by model (b_info.u.hvm.usbversion). Other controllers
 * libvirt adds by itself (ide, scsi, pci root, xenbus) need nothing here.
 *
 * Per-device options libvirt lacks (msitranslate, power_mgmt,
 * rdm_policy; permissive too, for XML without writeFiltering) come from <virtxl:pci> (src/conf/domain_xmlns.c).
 * A <virtxl:pci name> is a PCI device of its own, named by its
 * pci-assignable name (xl's pci=['name=X']): a pcidevs entry with the
 * name and no address, which libxl resolves when it adds it; it comes
 * before the PCI host device its before= names, else after them all.
 *
 * Refuses what libxl cannot assign: capability hostdevs, SCSI, mdev and
 * SCSI-host hostdevs, VFIO or KVM backends, USB devices named only by
 * vendor and product (libxl needs the host bus and address), guest PCI
 * slots off bus 0, nested USB ports, and controllers Xen does not have.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


int
vxlValidateHostdev(const virDomainDef *def, const virDomainHostdevDef *hostdev)
{
    const virDomainHostdevSubsys *subsys = &hostdev->source.subsys;

    if (hostdev->mode != VIR_DOMAIN_HOSTDEV_MODE_SUBSYS) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<hostdev mode='capabilities'> is not supported by Xen: use mode='subsystem'"));
        return -1;
    }
    /* libxl fails the whole start when a device is missing: it cannot
     * go on without one, as 'requisite' and 'optional' ask. */
    if (hostdev->startupPolicy == VIR_DOMAIN_STARTUP_POLICY_REQUISITE ||
        hostdev->startupPolicy == VIR_DOMAIN_STARTUP_POLICY_OPTIONAL) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<hostdev><source startupPolicy='%s'> is not supported by Xen: libxl fails the start when the device is missing; use 'mandatory' or leave it out"),
                       virDomainStartupPolicyTypeToString(hostdev->startupPolicy));
        return -1;
    }
    /* libxl's pci and usb devices have no ROM, ACPI index or failover
     * pairing to set. */
    if (hostdev->teaming || hostdev->info->romenabled || hostdev->info->rombar ||
        hostdev->info->romfile || hostdev->info->acpiIndex) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<hostdev><rom>, <acpi index> and <teaming> are not supported by Xen"));
        return -1;
    }
    switch (subsys->type) {
    case VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI:
        if (subsys->u.pci.backend != VIR_DOMAIN_HOSTDEV_PCI_BACKEND_DEFAULT &&
            subsys->u.pci.backend != VIR_DOMAIN_HOSTDEV_PCI_BACKEND_XEN) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<hostdev><driver name='%s'> is not supported by Xen: PCI devices are passed through by pciback, use name='xen'"),
                           virDomainHostdevSubsysPCIBackendTypeToString(subsys->u.pci.backend));
            return -1;
        }
        if (hostdev->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
            (hostdev->info->addr.pci.domain != 0 || hostdev->info->addr.pci.bus != 0)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<hostdev><address type='pci'> with a domain or bus other than 0 is not supported by Xen: the guest slot (vslot) is on bus 0"));
            return -1;
        }
        if (hostdev->info->romfile || hostdev->info->romenabled == VIR_TRISTATE_BOOL_NO) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<hostdev><rom> is not supported by Xen"));
            return -1;
        }
        return 0;
    case VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB:
        /* Named by vendor and product only, the device is looked up
         * when the guest gets it (domain_usb.c); a definition may say
         * so. */
        if (hostdev->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB &&
            hostdev->info->addr.usb.port[1] != 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<hostdev><address type='usb' port='N.M'> is not supported by Xen: its USB controllers have no hubs"));
            return -1;
        }
        if (subsys->u.usb.bus == 0 && subsys->u.usb.device == 0 &&
            !subsys->u.usb.vendor && !subsys->u.usb.product) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<hostdev type='usb'> names no device: give <source><address bus device> or <vendor> and <product>"));
            return -1;
        }
        return 0;
    default:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<hostdev type='%s'> is not supported by Xen: use type='pci' or type='usb'"),
                       virDomainHostdevSubsysTypeToString(subsys->type));
        return -1;
    }
}


int
vxlTranslateHostdevPCI(const virDomainDef *def, const virDomainHostdevDef *hostdev,
                       libxl_device_pci *xpci)
{
    const virPCIDeviceAddress *addr = &hostdev->source.subsys.u.pci.addr;
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    const vxlXMLNSPci *opts = vxlXMLNSFindPci(def, hostdev);

    if (vxlValidateHostdev(def, hostdev) < 0)
        return -1;
    xpci->domain = addr->domain;
    xpci->bus = addr->bus;
    xpci->dev = addr->slot;
    xpci->func = addr->function;
    /* One function, as xl's BDF without '*'. */
    xpci->vfunc_mask = 1;
    if (hostdev->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI)
        xpci->vdevfn = (hostdev->info->addr.pci.slot << 3) | hostdev->info->addr.pci.function;
    /* managed='yes': the device is taken from its host driver and bound
     * to pciback at start, which libxl does itself with seize. */
    xpci->seize = hostdev->managed;
    /* libvirt's own word for xl's permissive=1 (as libvirt's libxl driver
     * reads it): pciback passes the guest's config space writes through
     * unfiltered. <virtxl:pci permissive='yes'> says the same. */
    xpci->permissive = hostdev->writeFiltering == VIR_TRISTATE_BOOL_NO;

    /* Options libvirt has no element for, from <virtxl:pci>. As in xl, a
     * device without its own rdm_policy takes the domain's <virtxl:rdm
     * policy> (libxl would otherwise use its own default, strict). */
    if (opts) {
        xpci->permissive |= opts->permissive == VIR_TRISTATE_BOOL_YES;
        xpci->msitranslate = opts->msitranslate == VIR_TRISTATE_BOOL_YES;
        xpci->power_mgmt = opts->powerMgmt == VIR_TRISTATE_BOOL_YES;
        if (opts->rdmPolicy >= 0)
            xpci->rdm_policy = opts->rdmPolicy;
        /* xl's BB:DD.*: libxl assigns every function the host device
         * has, function 0 named. */
        if (opts->allFunctions == VIR_TRISTATE_BOOL_YES)
            xpci->vfunc_mask = LIBXL_PCI_FUNC_ALL;
    }
    if (xpci->rdm_policy == LIBXL_RDM_RESERVE_POLICY_INVALID && ns &&
        ns->rdmPolicy >= 0 && def->os.type == VIR_DOMAIN_OSTYPE_HVM)
        xpci->rdm_policy = ns->rdmPolicy;
    return 0;
}


/* <virtxl:pci name>: the entry xl's pci=['name=X,...'] makes, its
 * BDF and vfunc_mask left 0 (libxl fills the BDF in from the name). */
static void
vxlTranslatePciNamed(const virDomainDef *def, const vxlXMLNSPci *opts,
                     libxl_device_pci *xpci)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);

    xpci->name = g_strdup(opts->name);
    xpci->permissive = opts->permissive == VIR_TRISTATE_BOOL_YES;
    xpci->msitranslate = opts->msitranslate == VIR_TRISTATE_BOOL_YES;
    xpci->power_mgmt = opts->powerMgmt == VIR_TRISTATE_BOOL_YES;
    xpci->seize = opts->seize == VIR_TRISTATE_BOOL_YES;
    if (opts->vslot >= 0)
        xpci->vdevfn = opts->vslot << 3;
    if (opts->rdmPolicy >= 0)
        xpci->rdm_policy = opts->rdmPolicy;
    else if (ns->rdmPolicy >= 0 && def->os.type == VIR_DOMAIN_OSTYPE_HVM)
        xpci->rdm_policy = ns->rdmPolicy;
}


/* The named entries whose place is just before PCI host device @pos
 * (after them all when @pos is their count), in their document order,
 * at pcidevs[*@npci] on: the order xl's pci= gave them (before=). */
static void
vxlTranslatePciNamedAt(const virDomainDef *def, size_t pos,
                       libxl_domain_config *dcfg, size_t *npci)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t nhost = vxlXMLNSPciHostdevCount(def);
    size_t i;

    for (i = 0; ns && i < ns->npcis; i++) {
        if (!vxlXMLNSPciNamedAt(&ns->pcis[i], pos, nhost))
            continue;
        libxl_device_pci_init(&dcfg->pcidevs[*npci]);
        vxlTranslatePciNamed(def, &ns->pcis[i], &dcfg->pcidevs[(*npci)++]);
    }
}


/* xl turns on e820_host for a PV guest with PCI devices: pcifront
 * needs the host's memory map to keep the devices' MMIO ranges out of
 * guest RAM. xl does it even over e820_host=0 (xl2xml writes what xl
 * builds); an explicit <e820_host state='off'/> in the XML is kept, as
 * libxl accepts it. */
static void
vxlHostdevPVE820(const virDomainDef *def, libxl_domain_config *dcfg)
{
    if (dcfg->num_pcidevs > 0 && dcfg->b_info.type == LIBXL_DOMAIN_TYPE_PV &&
        libxl_defbool_is_default(dcfg->b_info.u.pv.e820_host))
        libxl_defbool_set(&dcfg->b_info.u.pv.e820_host, true);
}


int
vxlTranslateHostdevUSB(const virDomainDef *def, const virDomainHostdevDef *hostdev,
                       libxl_device_usbdev *xusb)
{
    if (vxlValidateHostdev(def, hostdev) < 0)
        return -1;
    /* libxl names the device by bus and device number only: one named
     * by vendor and product is looked up first, by the driver. */
    if (hostdev->source.subsys.u.usb.bus == 0 && hostdev->source.subsys.u.usb.device == 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<hostdev type='usb'> named by vendor and product is not supported by Xen: give <source><address bus device>"));
        return -1;
    }
    libxl_device_usbdev_init_type(xusb, LIBXL_USBDEV_TYPE_HOSTDEV);
    xusb->u.hostdev.hostbus = hostdev->source.subsys.u.usb.bus;
    xusb->u.hostdev.hostaddr = hostdev->source.subsys.u.usb.device;
    if (hostdev->info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB) {
        xusb->ctrl = hostdev->info->addr.usb.bus;
        xusb->port = hostdev->info->addr.usb.port[0];
    }
    return 0;
}


/* Whether @cont is a PV USB controller (qemu's qusb backend). A USB
 * controller without a model is one for a PV or PVH guest, which has no
 * emulated USB bus, as in libvirt's own libxl driver (USB 2). */
static bool
vxlUsbctrlIsPV(const virDomainDef *def, const virDomainControllerDef *cont)
{
    if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_USB)
        return false;
    if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_DEFAULT)
        return def->os.type != VIR_DOMAIN_OSTYPE_HVM;
    return cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB1 ||
           cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB2;
}


/* An HVM guest's nec-xhci with ports= (virt-install's --controller
 * usb3): the emulated controller libxl builds for usbversion= takes no
 * port count, but one it adds as a device (xl's usbctrl=
 * "type=devicemodel,version=3,ports=N": qemu's nec-usb-xhci with p2 and
 * p3 = N) does. */
static bool
vxlUsbctrlIsXhciPorts(const virDomainDef *def, const virDomainControllerDef *cont)
{
    return cont->type == VIR_DOMAIN_CONTROLLER_TYPE_USB &&
           cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI &&
           def->os.type == VIR_DOMAIN_OSTYPE_HVM &&
           cont->opts.usbopts.ports > 0;
}


/* qemu's nec-usb-xhci has at most 15 ports of each speed. */
#define VXL_XHCI_PORTS_MAX 15


static int
vxlValidateUSBEmulated(const virDomainDef *def, const virDomainControllerDef *cont)
{
    const char *model = virDomainControllerModelUSBTypeToString(cont->model);

    if (def->os.type != VIR_DOMAIN_OSTYPE_HVM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<controller type='usb' model='%s'> is not supported by Xen for PV and PVH guests: use 'qusb1' or 'qusb2' (Xen's PV USB)"),
                       model);
        return -1;
    }
    if (vxlUsbctrlIsXhciPorts(def, cont)) {
        if (cont->opts.usbopts.ports > VXL_XHCI_PORTS_MAX) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<controller type='usb' model='nec-xhci' ports='%d'> is not supported by Xen: qemu's nec-usb-xhci has at most 15 ports"),
                           cont->opts.usbopts.ports);
            return -1;
        }
        /* libxl adds it through qemu-xen's QMP (libxl_usb.c). */
        if (vxlXMLNSTraditionalDM(def)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<controller type='usb' model='nec-xhci' ports> is not supported by Xen with the qemu-xen-traditional device model: libxl adds such a controller to qemu-xen only"));
            return -1;
        }
        return 0;
    }
    if (cont->idx != 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<controller type='usb' index='%d' model='%s'> is not supported by Xen: libxl's device model emulates one USB controller, index 0; add more as 'qusb1' or 'qusb2'"),
                       cont->idx, model);
        return -1;
    }
    if (cont->opts.usbopts.ports > 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<controller type='usb' model='%s' ports='%d'> is not supported by Xen: libxl gives the emulated controller its own number of ports"),
                       model, cont->opts.usbopts.ports);
        return -1;
    }
    return 0;
}


/* The controllers libxl's qemu builds take no options: its own IDE,
 * SCSI, PCI root and virtio-serial (for SPICE's agent) are what they are,
 * and a tuning written for them would not reach qemu. */
static int
vxlValidateControllerOptions(const virDomainControllerDef *cont)
{
    const char *type = virDomainControllerTypeToString(cont->type);

    if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_USB &&
        vxlValidateNoAddress(&cont->info, "<controller>") < 0)
        return -1;
    if (cont->queues || cont->cmd_per_lun || cont->max_sectors ||
        cont->ioeventfd || cont->iothread || vxlVirtioOptionsSet(cont->virtio)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<controller type='%s'><driver> is not supported by Xen: libxl's qemu builds its controllers without options"),
                       type);
        return -1;
    }
    if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI) {
        const virDomainPCIControllerOpts *pci = &cont->opts.pciopts;

        if (pci->pcihole64 || pci->modelName != VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_NONE ||
            pci->chassisNr != -1 || pci->chassis != -1 || pci->port != -1 ||
            pci->busNr != -1 || pci->targetIndex != -1 || pci->numaNode != -1 ||
            pci->hotplug != VIR_TRISTATE_SWITCH_ABSENT) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<controller type='pci'> <model name>, <target> and <pcihole64> are not supported by Xen: libxl's qemu has its one PCI bus, and the MMIO hole below 4 GiB is <virtxl:mmio_hole>"));
            return -1;
        }
    }
    if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL &&
        (cont->opts.vioserial.ports != -1 || cont->opts.vioserial.vectors != -1)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<controller type='virtio-serial'> ports and vectors are not supported by Xen: libxl's qemu makes SPICE's agent channel its own way"));
        return -1;
    }
    return 0;
}


int
vxlValidateController(const virDomainDef *def, const virDomainControllerDef *cont)
{
    if (vxlValidateControllerOptions(cont) < 0)
        return -1;

    switch (cont->type) {
    /* The buses libxl's qemu has anyway: one PIIX3 IDE controller, the
     * lsi53c895a it adds for sd* disks, the root PCI bus. libvirt adds
     * them by itself; other models, another IDE controller or PCI bus,
     * cannot be built. */
    case VIR_DOMAIN_CONTROLLER_TYPE_IDE:
        if (cont->idx == 0 &&
            (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_IDE_DEFAULT ||
             cont->model == VIR_DOMAIN_CONTROLLER_MODEL_IDE_PIIX3))
            return 0;
        break;
    /* libvirt adds one for SATA disks: libxl's one AHCI controller
     * (hdtype=ahci, translate_disk.c). */
    case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
        if (cont->idx == 0 && def->os.type == VIR_DOMAIN_OSTYPE_HVM)
            return 0;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<controller type='sata'> is supported by Xen for HVM guests only, and only index='0': libxl's qemu has one AHCI controller"));
        return -1;
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
        /* libvirt adds one per seven sd* disks: its bookkeeping, as libxl
         * numbers the disks on its one adapter itself. */
        if ((cont->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_DEFAULT ||
             cont->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_AUTO ||
             cont->model == VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LSILOGIC))
            return 0;
        break;
    case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
        if (cont->idx == 0 &&
            (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_DEFAULT ||
             cont->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT))
            return 0;
        break;
    case VIR_DOMAIN_CONTROLLER_TYPE_XENBUS:
        return 0;
    case VIR_DOMAIN_CONTROLLER_TYPE_CCID:
        /* libvirt adds one for a <smartcard>, which vxlValidateMisc()
         * refuses by its own name: the user added a smartcard. */
        if (def->nsmartcards > 0)
            return 0;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<controller type='ccid'> is not supported by Xen: libxl offers no smartcard device"));
        return -1;
    case VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL: {
        size_t i;

        /* libvirt adds one for SPICE's agent channel (spicevmc), which
         * qemu carries over SPICE itself. */
        for (i = 0; i < def->nchannels; i++) {
            if (def->channels[i]->source->type == VIR_DOMAIN_CHR_TYPE_SPICEVMC)
                return 0;
        }
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<controller type='virtio-serial'> is not supported by Xen: use <channel><target type='xen'>"));
        return -1;
    }
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        if (vxlValidateNoAddress(&cont->info, "<controller type='usb'>") < 0)
            return -1;
        if (vxlUsbctrlIsPV(def, cont) ||
            cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE)
            return 0;
        /* libvirt's default USB controller for an HVM guest is the one
         * qemu emulates along with USB input devices. */
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_DEFAULT &&
            def->os.type == VIR_DOMAIN_OSTYPE_HVM)
            return 0;
        if (vxlUSBEmulatedVersion(cont->model))
            return vxlValidateUSBEmulated(def, cont);
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<controller type='usb' model='%s'> is not supported by Xen: use 'qusb1' or 'qusb2' (Xen's PV USB), or for an HVM guest 'piix3-uhci', 'ich9-ehci1' or 'nec-xhci'"),
                       NULLSTR_MINUS(virDomainControllerModelUSBTypeToString(cont->model)));
        return -1;
    default:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<controller type='%s'> is not supported by Xen"),
                       virDomainControllerTypeToString(cont->type));
        return -1;
    }

    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("<controller type='%s' index='%d' model='%s'> is not supported by Xen: qemu under libxl has one IDE (piix3), the lsilogic SCSI adapter and the root PCI (pci-root) controller"),
                   virDomainControllerTypeToString(cont->type), cont->idx,
                   NULLSTR_MINUS(cont->type == VIR_DOMAIN_CONTROLLER_TYPE_IDE ?
                                 virDomainControllerModelIDETypeToString(cont->model) :
                                 cont->type == VIR_DOMAIN_CONTROLLER_TYPE_SCSI ?
                                 virDomainControllerModelSCSITypeToString(cont->model) :
                                 virDomainControllerModelPCITypeToString(cont->model)));
    return -1;
}


int
vxlValidateHostdevList(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        if (vxlValidateHostdev(def, def->hostdevs[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->ncontrollers; i++) {
        if (vxlValidateController(def, def->controllers[i]) < 0)
            return -1;
    }
    return 0;
}


static bool
vxlHostdevIs(const virDomainHostdevDef *hostdev, int type)
{
    return hostdev->mode == VIR_DOMAIN_HOSTDEV_MODE_SUBSYS &&
           hostdev->source.subsys.type == type;
}


static int
vxlUsbctrlCompare(const void *a, const void *b)
{
    const libxl_device_usbctrl *x = a;
    const libxl_device_usbctrl *y = b;

    return (x->devid > y->devid) - (x->devid < y->devid);
}


int
vxlTranslateHostdevList(const virDomainDef *def, libxl_domain_config *dcfg)
{
    size_t npci = vxlXMLNSPciNamedCount(def), nusb = 0, nctrl = 0;
    size_t npciHost = 0;
    size_t i;

    if (vxlValidateHostdevList(def) < 0)
        return -1;

    /* Validated above, so nothing below fails: the lists go straight
     * into @dcfg, which vxlTranslateDomain() owns. */
    for (i = 0; i < def->nhostdevs; i++) {
        if (vxlHostdevIs(def->hostdevs[i], VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI))
            npci++;
        else
            nusb++;
    }
    for (i = 0; i < def->ncontrollers; i++) {
        if (vxlUsbctrlIsPV(def, def->controllers[i]) ||
            vxlUsbctrlIsXhciPorts(def, def->controllers[i]))
            nctrl++;
    }

    if (npci) {
        dcfg->pcidevs = g_new0(libxl_device_pci, npci);
        dcfg->num_pcidevs = npci;
    }
    if (nusb) {
        dcfg->usbdevs = g_new0(libxl_device_usbdev, nusb);
        dcfg->num_usbdevs = nusb;
    }
    npci = nusb = 0;
    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *hostdev = def->hostdevs[i];

        if (vxlHostdevIs(hostdev, VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI)) {
            vxlTranslatePciNamedAt(def, npciHost++, dcfg, &npci);
            libxl_device_pci_init(&dcfg->pcidevs[npci]);
            if (vxlTranslateHostdevPCI(def, hostdev, &dcfg->pcidevs[npci++]) < 0)
                return -1;
        } else {
            libxl_device_usbdev_init(&dcfg->usbdevs[nusb]);
            if (vxlTranslateHostdevUSB(def, hostdev, &dcfg->usbdevs[nusb++]) < 0)
                return -1;
        }
    }
    vxlTranslatePciNamedAt(def, npciHost, dcfg, &npci);

    if (nctrl) {
        dcfg->usbctrls = g_new0(libxl_device_usbctrl, nctrl);
        dcfg->num_usbctrls = nctrl;
    }
    nctrl = 0;
    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *cont = def->controllers[i];
        libxl_device_usbctrl *xctrl;
        const vxlXMLNSUsbctrl *x;

        if (vxlUsbctrlIsXhciPorts(def, cont)) {
            xctrl = &dcfg->usbctrls[nctrl++];
            libxl_device_usbctrl_init(xctrl);
            xctrl->devid = cont->idx;
            xctrl->type = LIBXL_USBCTRL_TYPE_DEVICEMODEL;
            xctrl->version = 3;
            xctrl->ports = cont->opts.usbopts.ports;
            continue;
        }
        if (!vxlUsbctrlIsPV(def, cont))
            continue;
        xctrl = &dcfg->usbctrls[nctrl++];
        libxl_device_usbctrl_init(xctrl);
        xctrl->devid = cont->idx;
        /* qusb1/qusb2 are qemu's PV USB backend. Left to libxl (auto), a
         * PV guest gets the kernel's usbback instead when it is loaded,
         * an HVM guest an emulated controller. */
        xctrl->type = LIBXL_USBCTRL_TYPE_QUSB;
        xctrl->version = cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB1 ? 1 : 2;
        if (cont->opts.usbopts.ports > 0)
            xctrl->ports = cont->opts.usbopts.ports;
        /* <virtxl:usbctrl>: xl's type=pv|devicemodel|auto, version=3. */
        if ((x = vxlXMLNSFindUsbctrl(def, cont->idx))) {
            xctrl->type = x->type;
            if (x->version)
                xctrl->version = x->version;
        }
    }
    /* The emulated one (validated: HVM, index 0, so one version). */
    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *cont = def->controllers[i];

        if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_USB && vxlUSBEmulatedVersion(cont->model) &&
            !vxlUsbctrlIsXhciPorts(def, cont))
            dcfg->b_info.u.hvm.usbversion = vxlUSBEmulatedVersion(cont->model);
    }
    /* By controller index: libvirt keeps its controllers in the order it
     * read them until the definition is formatted and read again, when
     * they come back sorted, and the same domain must give the same list
     * before and after a define/dumpxml round trip. */
    if (dcfg->num_usbctrls > 1)
        qsort(dcfg->usbctrls, dcfg->num_usbctrls, sizeof(*dcfg->usbctrls),
              vxlUsbctrlCompare);
    vxlHostdevPVE820(def, dcfg);
    return 0;
}
