/*
 * domain_xmlopt.c: the domain XML parser configuration for Xen.
 *
 * libvirt parses and formats domain XML; the driver only supplies the
 * defaults Xen implies and the checks Xen needs:
 *  - virt type must be "xen"; OS type xen (PV), hvm or xenpvh;
 *  - arch defaults to the host's; machine to xenpv / xenfv / xenpvh;
 *  - MACs are generated in Xen's OUI 00:16:3e, as xl does;
 *  - disks without a bus get Xen's PV bus, except HVM cdroms and
 *    hd* targets, which are emulated IDE as in xl;
 *  - x86_64 HVM guests always have PAE;
 *  - HVM guests with USB <redirdev>s get the USB controller libxl adds
 *    for SPICE redirection, when they name none;
 *  - <os firmware='efi'|'bios'> is accepted (firmware auto-selection);
 *  - libxl-only options are read from the project's XML namespace
 *    (<virtxl:devicemodel>, <virtxl:rdm>, <virtxl:pci>: translate_xmlns.c);
 *  - what Xen cannot honour is refused by translate/'s validators, so
 *    that a define fails instead of a later start.
 */
#include "vxl_internal.h"

#include "domain_xmlopt.h"
#include "domain_private.h"
#include "translate.h"
#include "virarch.h"
#include "virerror.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

const char *
vxlDomainDefaultMachine(int ostype)
{
    switch ((virDomainOSType)ostype) {
    case VIR_DOMAIN_OSTYPE_XEN:
    case VIR_DOMAIN_OSTYPE_LINUX:
        return "xenpv";
    case VIR_DOMAIN_OSTYPE_HVM:
        return "xenfv";
    case VIR_DOMAIN_OSTYPE_XENPVH:
        return "xenpvh";
    case VIR_DOMAIN_OSTYPE_EXE:
    case VIR_DOMAIN_OSTYPE_UML:
    case VIR_DOMAIN_OSTYPE_LAST:
        break;
    }
    return NULL;
}

static int
vxlDomainDefPostParseBasic(virDomainDef *def, void *opaque)
{
    /* "linux" is xm's old spelling of a PV guest; libvirt's libxl driver
     * accepts it the same way. */
    if (def->os.type == VIR_DOMAIN_OSTYPE_LINUX)
        def->os.type = VIR_DOMAIN_OSTYPE_XEN;

    if (def->os.arch == VIR_ARCH_NONE)
        def->os.arch = virArchFromHost();
    return 0;
}

/*
 * SPICE USB redirection brings its own USB controller: libxl gives an HVM
 * guest with redirection channels (spice_usbredirection) a USB 2.0
 * controller unless told another version. libvirt refuses a USB
 * <redirdev> in a domain without a USB controller, and clients add the
 * redirdevs without one, counting on the driver's default (virt-install
 * does for every x86 SPICE guest): the default is that controller. A
 * domain with any <controller type='usb'> keeps what it says, so
 * model='none' still refuses the redirdevs.
 */
static int
vxlDomainDefAddRedirUSB(virDomainDef *def)
{
    bool redir = false;
    size_t i;

    if (def->os.type != VIR_DOMAIN_OSTYPE_HVM)
        return 0;
    for (i = 0; i < def->nredirdevs; i++)
        redir |= def->redirdevs[i]->bus == VIR_DOMAIN_REDIRDEV_BUS_USB;
    for (i = 0; i < def->ncontrollers; i++) {
        if (def->controllers[i]->type == VIR_DOMAIN_CONTROLLER_TYPE_USB)
            return 0;
    }
    if (!redir)
        return 0;
    return virDomainDefMaybeAddController(def, VIR_DOMAIN_CONTROLLER_TYPE_USB,
                                          0, -1) < 0 ? -1 : 0;
}

static int
vxlDomainDefPostParse(virDomainDef *def, unsigned int parseFlags,
                      void *opaque, void *parseOpaque)
{
    const char *machine;

    if (def->virtType != VIR_DOMAIN_VIRT_XEN) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<domain type='%s'> is not supported by the Xen driver; use type='xen'"),
                       virDomainVirtTypeToString(def->virtType));
        return -1;
    }

    if (!(machine = vxlDomainDefaultMachine(def->os.type))) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<os><type>%s</type> is not supported by Xen; use 'xen' (PV), 'hvm' or 'xenpvh'"),
                       virDomainOSTypeToString(def->os.type));
        return -1;
    }
    if (!def->os.machine)
        def->os.machine = g_strdup(machine);

    switch (def->os.arch) {
    case VIR_ARCH_X86_64:
    case VIR_ARCH_I686:
    case VIR_ARCH_AARCH64:
    case VIR_ARCH_ARMV7L:
        break;
    default:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<os><type arch='%s'> is not supported by Xen; use x86_64, i686, aarch64 or armv7l"),
                       virArchToString(def->os.arch));
        return -1;
    }

    /* A 64-bit HVM guest cannot enter long mode without PAE, and libvirt's
     * absent <pae/> means "off" (which translate/ passes on to libxl), so
     * x86_64 HVM guests always get it, as with libvirt's own Xen driver. */
    if (def->os.type == VIR_DOMAIN_OSTYPE_HVM && def->os.arch == VIR_ARCH_X86_64)
        def->features[VIR_DOMAIN_FEATURE_PAE] = VIR_TRISTATE_SWITCH_ON;

    if (vxlDomainDefAddRedirUSB(def) < 0)
        return -1;
    return 0;
}

static int
vxlDomainDeviceDefPostParse(virDomainDeviceDef *dev, const virDomainDef *def,
                            unsigned int parseFlags, void *opaque,
                            void *parseOpaque)
{
    if (dev->type == VIR_DOMAIN_DEVICE_DISK) {
        virDomainDiskDef *disk = dev->data.disk;

        /* Refused now, not at validation: libvirt's post-parse would
         * first add an IDE or SCSI controller for every disk number up
         * to the target's (hdzzzz: hundreds of thousands, minutes of a
         * worker thread; found by fuzz-translate). */
        if (vxlValidateDiskTarget(disk) < 0)
            return -1;

        /* This runs before libvirt derives a bus from the target name
         * (hd -> ide, sd -> scsi, vd -> virtio, xvd -> xen, floppies ->
         * fdc), so leave those to it; any other name (libvirt would say
         * ide) gets Xen's PV bus, the only one every guest type has. */
        if (disk->bus == VIR_DOMAIN_DISK_BUS_NONE &&
            disk->device != VIR_DOMAIN_DISK_DEVICE_FLOPPY &&
            !(disk->dst && (STRPREFIX(disk->dst, "hd") ||
                            STRPREFIX(disk->dst, "sd") ||
                            STRPREFIX(disk->dst, "vd") ||
                            STRPREFIX(disk->dst, "ubd"))))
            disk->bus = VIR_DOMAIN_DISK_BUS_XEN;
    }

    if (dev->type == VIR_DOMAIN_DEVICE_VIDEO) {
        virDomainVideoDef *video = dev->data.video;

        if (video->type == VIR_DOMAIN_VIDEO_TYPE_DEFAULT)
            video->type = def->os.type == VIR_DOMAIN_OSTYPE_HVM ?
                VIR_DOMAIN_VIDEO_TYPE_CIRRUS : VIR_DOMAIN_VIDEO_TYPE_XEN;
        /* Video RAM as libxl gives it (with qemu-xen: 8 MiB for cirrus,
         * 16 MiB for stdvga; half that with qemu-xen-traditional).
         * libvirt's generic default (16 MiB cirrus), applied after this
         * callback, would make the same XML a different machine under
         * libvirt than under xl. */
        if (video->vram == 0 && def->os.type == VIR_DOMAIN_OSTYPE_HVM)
            video->vram = vxlVideoDefaultKiB(def, video->type);
    }

    /* A <console> without a target type is a PV or PVH guest's PV
     * console (libvirt would make it a serial port, which they do not
     * have), as in libvirt's own Xen driver; virt-install writes such
     * consoles. An HVM guest's stays libvirt's default, its first serial
     * port. */
    if (dev->type == VIR_DOMAIN_DEVICE_CHR && def->os.type != VIR_DOMAIN_OSTYPE_HVM) {
        virDomainChrDef *chr = dev->data.chr;
        bool untyped = chr->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_NONE;

        if (untyped && chr->deviceType == VIR_DOMAIN_CHR_DEVICE_TYPE_CONSOLE)
            chr->targetType = VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_XEN;
    }
    return 0;
}

/* libvirt's own drivers refuse control characters in names too: a
 * newline in a name breaks every listing that prints one per line. */
static int
vxlDomainNameCheck(const char *name)
{
    const char *p;

    for (p = name; p && *p; p++) {
        if (g_ascii_iscntrl(*p)) {
            virReportError(VIR_ERR_XML_DETAIL,
                           _("domain name '%s' contains a control character (code %d), which is not allowed"),
                           name, *p);
            return -1;
        }
    }
    return 0;
}

static int
vxlDomainDefValidate(const virDomainDef *def, void *opaque, void *parseOpaque)
{
    if (vxlDomainNameCheck(def->name) < 0)
        return -1;
    return vxlValidateDomain(def);
}

/* Each device on its own, as parsed for hot-plug (virsh attach-device)
 * as well as within a whole domain: what Xen cannot do is refused at
 * parse time, with the message the domain-wide validators give. */
static int
vxlDomainDeviceDefValidate(const virDomainDeviceDef *dev,
                           const virDomainDef *def,
                           void *opaque, void *parseOpaque)
{
    switch (dev->type) {
    case VIR_DOMAIN_DEVICE_DISK:
        return vxlValidateDisk(def, dev->data.disk);
    case VIR_DOMAIN_DEVICE_NET:
        return vxlValidateNet(def, dev->data.net);
    case VIR_DOMAIN_DEVICE_HOSTDEV:
        return vxlValidateHostdev(def, dev->data.hostdev);
    case VIR_DOMAIN_DEVICE_CONTROLLER:
        return vxlValidateController(def, dev->data.controller);
    default:
        /* Other classes are validated with the whole domain. */
        return 0;
    }
}

virDomainXMLOption *
vxlDomainXMLOptionNew(void)
{
    virDomainDefParserConfig config = {
        .domainPostParseBasicCallback = vxlDomainDefPostParseBasic,
        .domainPostParseCallback = vxlDomainDefPostParse,
        .devicesPostParseCallback = vxlDomainDeviceDefPostParse,
        .domainValidateCallback = vxlDomainDefValidate,
        .deviceValidateCallback = vxlDomainDeviceDefValidate,
        .macPrefix = VXL_MAC_PREFIX,
        .netPrefix = "vif",
        /* FW_AUTOSELECT: <os firmware='efi'|'bios'> is how libvirt
         * clients ask for UEFI; translate/ maps it to libxl's bios type. */
        .features = VIR_DOMAIN_DEF_FEATURE_USER_ALIAS |
                    VIR_DOMAIN_DEF_FEATURE_FW_AUTOSELECT |
                    VIR_DOMAIN_DEF_FEATURE_NET_MODEL_STRING,
    };

    /* The project's namespace (translate_xmlns.c): device model
     * arguments, stub domains, PCI options libvirt lacks. */
    return virDomainXMLOptionNew(&config, &vxlDomainPrivateDataCallbacks,
                                 &vxlTranslateXMLNamespace, NULL, NULL, NULL);
}
