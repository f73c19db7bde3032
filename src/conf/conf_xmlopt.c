/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf_xmlopt.c: the domain XML parser configuration for Xen.
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
 *    (<virtxl:devicemodel>, <virtxl:rdm>, <virtxl:pci>: domain_xmlns.c);
 *  - what Xen cannot honour is refused by the validators the caller
 *    hands in (translate/'s, wired by src/domain/domain_xmlopt.c), so
 *    that a define fails instead of a later start.
 */
#include "vxl_internal.h"

#include "conf_xmlopt.h"
#include "domain_xmlns.h"
#include "virarch.h"
#include "virutil.h"
#include "virerror.h"
#include "virlog.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.conf_xmlopt");

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

/* The highest disk number libxl gives each family of names a device
 * number for (libxl's vdev encoding: hd* are the two IDE channels, sd*
 * sixteen SCSI disks, xvd* the PV namespace with its extended form). A
 * name beyond these fails the start in libxl, so it is refused here. */
static const struct {
    const char *prefix;
    int maxIndex;
    const char *last;
} vxlDiskTargetLimits[] = {
    { "xvd", (1 << 20) - 1, "xvdbgqcv" },
    { "hd", 3, "hdd" },
    { "sd", 15, "sdp" },
};


int
vxlValidateDiskTarget(const virDomainDiskDef *disk)
{
    size_t i;
    int index;

    if (!disk->dst) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<disk><target> needs a dev attribute: Xen names the guest's disk by it"));
        return -1;
    }
    for (i = 0; i < G_N_ELEMENTS(vxlDiskTargetLimits); i++) {
        if (!STRPREFIX(disk->dst, vxlDiskTargetLimits[i].prefix))
            continue;
        index = virDiskNameToIndex(disk->dst);
        if (index > vxlDiskTargetLimits[i].maxIndex) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<disk><target dev='%s'> is not supported by Xen: %s* disks go up to %s"),
                           disk->dst, vxlDiskTargetLimits[i].prefix,
                           vxlDiskTargetLimits[i].last);
            return -1;
        }
        break;
    }
    return 0;
}


unsigned int
vxlVideoDefaultKiB(const virDomainDef *def, virDomainVideoType type)
{
    bool traditional = vxlXMLNSTraditionalDM(def);

    /* libxl__domain_build_info_setdefault's sizes; other cards keep
     * libvirt's generic default. */
    if (type == VIR_DOMAIN_VIDEO_TYPE_CIRRUS)
        return traditional ? VXL_VIDEO_CIRRUS_TRADITIONAL_KIB : VXL_VIDEO_CIRRUS_DEFAULT_KIB;
    if (type == VIR_DOMAIN_VIDEO_TYPE_VGA)
        return traditional ? VXL_VIDEO_VGA_TRADITIONAL_KIB : VXL_VIDEO_VGA_DEFAULT_KIB;
    return 0;
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

/*
 * A PV or PVH guest has no firmware: with neither a kernel nor a
 * bootloader it has nothing to boot. libvirt's own libxl driver (and xend
 * before it) boots such a guest with pygrub, which reads the kernel from
 * the guest's own disk, and clients count on that: virt-manager's import
 * wizard and virt-install --import write neither. The default is written
 * into the definition, so dumpxml and xml2xl show what will run.
 */
static void
vxlDomainDefDefaultBootloader(virDomainDef *def)
{
    if (def->os.type != VIR_DOMAIN_OSTYPE_XEN &&
        def->os.type != VIR_DOMAIN_OSTYPE_XENPVH)
        return;
    if (def->os.kernel || def->os.bootloader)
        return;
    /* A PV or PVH <loader> or <firmware> is refused by the boot
     * validator with its own reason; a bootloader would hide it. */
    if (def->os.loader || def->os.firmware != VIR_DOMAIN_OS_DEF_FIRMWARE_NONE)
        return;
    def->os.bootloader = g_strdup(VXL_DEFAULT_BOOTLOADER);
}

/*
 * libxl runs a bootloader for PV and PVH guests only (libxl__bootloader_run
 * skips an HVM domain), and xl keeps an HVM file's bootloader= unused, as
 * libvirt's libxl driver ignores <bootloader> on HVM: clients write it
 * there (a PXE bootloader for an installer). It is taken out of the
 * definition, with a warning, rather than kept: libvirt's formatter
 * writes no <os><boot dev> beside a <bootloader>, so a kept one would
 * cost the guest its boot order at the next save and reload, and
 * dumpxml shows what the guest has.
 */
static void
vxlDomainDefDropHVMBootloader(virDomainDef *def)
{
    if (def->os.type != VIR_DOMAIN_OSTYPE_HVM ||
        (!def->os.bootloader && !def->os.bootloaderArgs))
        return;
    VIR_WARN("domain '%s': <bootloader> and <bootloader_args> are dropped: Xen runs no bootloader for an HVM guest, which boots from its <os><boot dev> order",
             def->name);
    g_clear_pointer(&def->os.bootloader, g_free);
    g_clear_pointer(&def->os.bootloaderArgs, g_free);
}

/*
 * A PV or PVH guest has no USB bus; its framebuffer's PV keyboard and
 * absolute pointer (the xen-bus inputs libvirt adds beside graphics) do
 * what a USB keyboard, mouse or tablet would. Clients ask for one
 * anyway: virt-install and virt-manager 4.1 give every PVH guest with
 * graphics a USB tablet, which libvirt's validation then refuses ("unsupported
 * input bus usb") and the guest cannot be created. So when a framebuffer
 * serves them, such inputs are taken out of the definition (dumpxml
 * shows what the guest has); without one they are left for the
 * validation to refuse.
 */
static void
vxlDomainDefDropPVUsbInputs(virDomainDef *def)
{
    bool framebuffer = false;
    size_t i;

    if (def->os.type != VIR_DOMAIN_OSTYPE_XEN &&
        def->os.type != VIR_DOMAIN_OSTYPE_XENPVH)
        return;
    for (i = 0; i < def->ngraphics; i++) {
        if (def->graphics[i]->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC ||
            def->graphics[i]->type == VIR_DOMAIN_GRAPHICS_TYPE_SDL)
            framebuffer = true;
    }
    if (!framebuffer)
        return;
    for (i = def->ninputs; i-- > 0;) {
        virDomainInputDef *input = def->inputs[i];

        if (input->bus != VIR_DOMAIN_INPUT_BUS_USB)
            continue;
        if (input->type != VIR_DOMAIN_INPUT_TYPE_MOUSE &&
            input->type != VIR_DOMAIN_INPUT_TYPE_TABLET &&
            input->type != VIR_DOMAIN_INPUT_TYPE_KBD)
            continue;
        memmove(def->inputs + i, def->inputs + i + 1,
                (def->ninputs - i - 1) * sizeof(*def->inputs));
        def->ninputs--;
        virDomainInputDefFree(input);
    }
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

    vxlDomainDefDefaultBootloader(def);
    vxlDomainDefDropHVMBootloader(def);
    vxlDomainDefDropPVUsbInputs(def);
    /* Where a <virtxl:pci name> resolved is the running domain's fact:
     * a definition (a dumpxml defined again, a migration's) has it
     * resolved anew on its host at each start. */
    if (parseFlags & VIR_DOMAIN_DEF_PARSE_INACTIVE)
        vxlXMLNSPciNamesForget(def);
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
         * worker thread for one bad define). */
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

virDomainXMLOption *
vxlConfXMLOptionNew(virDomainDefValidateCallback domainValidate,
                    virDomainDeviceDefValidateCallback deviceValidate,
                    virDomainXMLPrivateDataCallbacks *privateData,
                    virDomainJobObjConfig *jobConfig)
{
    virDomainDefParserConfig config = {
        .domainPostParseBasicCallback = vxlDomainDefPostParseBasic,
        .domainPostParseCallback = vxlDomainDefPostParse,
        .devicesPostParseCallback = vxlDomainDeviceDefPostParse,
        .domainValidateCallback = domainValidate,
        .deviceValidateCallback = deviceValidate,
        .macPrefix = VXL_MAC_PREFIX,
        .netPrefix = "vif",
        /* FW_AUTOSELECT: <os firmware='efi'|'bios'> is how libvirt
         * clients ask for UEFI; translate/ maps it to libxl's bios type. */
        .features = VIR_DOMAIN_DEF_FEATURE_USER_ALIAS |
                    VIR_DOMAIN_DEF_FEATURE_FW_AUTOSELECT |
                    VIR_DOMAIN_DEF_FEATURE_NET_MODEL_STRING |
                    VIR_DOMAIN_DEF_FEATURE_INDIVIDUAL_VCPUS,
    };

    /* The project's namespace (domain_xmlns.c): device model arguments,
     * stub domains, PCI options libvirt lacks. */
    return virDomainXMLOptionNew(&config, privateData,
                                 &vxlXMLNamespace, NULL, NULL, jobConfig);
}
