/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf_devices.c: how Xen's tools spell a few things of a device
 * definition - the boot string, a NIC's qemu model, an rbd disk's
 * target, USB inputs as qemu arguments - which both the translation to
 * libxl (src/translate) and the xl.cfg converter (src/native) write, so
 * that both say the same.
 */
#include "vxl_internal.h"

#include "conf_devices.h"
#include "domain_xmlns.h"
#include "virutil.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* Whether @disk is the first of its kind (disk or cdrom) by target, the
 * one libxl's boot string boots for that kind. */
static bool
vxlBootDiskIsFirst(const virDomainDef *def, const virDomainDiskDef *disk)
{
    int idx = virDiskNameToIndex(disk->dst);
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        const virDomainDiskDef *other = def->disks[i];

        if (other != disk && other->device == disk->device &&
            virDiskNameToIndex(other->dst) < idx)
            return false;
    }
    return true;
}


/*
 * Per-device <boot order> (virt-manager writes it when boot devices are
 * reordered): libxl has a boot string of device classes only (c disk,
 * d cdrom, n network), each booting the first device of its class. The
 * order is expressible when every device given one is the first of its
 * class; @order gets the string, classes in the devices' order.
 */
int
vxlBootDeviceOrder(const virDomainDef *def, char *order)
{
    unsigned int best[3] = { 0, 0, 0 };   /* lowest order per class: c d n */
    const char classes[] = "cdn";
    size_t i, n = 0;
    bool any = false;

    for (i = 0; i < def->ndisks; i++) {
        const virDomainDiskDef *disk = def->disks[i];
        unsigned int bi = disk->info.bootIndex;
        int c;

        if (!bi)
            continue;
        any = true;
        if (disk->device != VIR_DOMAIN_DISK_DEVICE_DISK && disk->device != VIR_DOMAIN_DISK_DEVICE_CDROM) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<disk device='%s'><boot order='%u'> is not supported by Xen: libxl boots disks, cdroms and the network"),
                           virDomainDiskDeviceTypeToString(disk->device), bi);
            return -1;
        }
        if (!vxlBootDiskIsFirst(def, disk)) {
            if (disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM)
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<boot order='%u'> on <target dev='%s'> is not supported by Xen: libxl boots the first cdrom by target only"),
                               bi, disk->dst);
            else
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<boot order='%u'> on <target dev='%s'> is not supported by Xen: libxl boots the first disk by target only"),
                               bi, disk->dst);
            return -1;
        }
        c = disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM ? 1 : 0;
        best[c] = best[c] ? MIN(best[c], bi) : bi;
    }
    for (i = 0; i < def->nnets; i++) {
        unsigned int bi = def->nets[i]->info.bootIndex;

        if (!bi)
            continue;
        any = true;
        if (i != 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<interface><boot order='%u'> on interface %zu is not supported by Xen: libxl boots from the first interface only"),
                           bi, i + 1);
            return -1;
        }
        best[2] = bi;
    }
    /* A passed-through NIC's option ROM or a redirected USB disk has no
     * class in libxl's boot string: the order would be lost. */
    for (i = 0; i < def->nhostdevs; i++) {
        if (def->hostdevs[i]->info->bootIndex) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<hostdev><boot order='%u'> is not supported by Xen: libxl boots disks, cdroms and the network"),
                           def->hostdevs[i]->info->bootIndex);
            return -1;
        }
    }
    for (i = 0; i < def->nredirdevs; i++) {
        if (def->redirdevs[i]->info.bootIndex) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<redirdev><boot order='%u'> is not supported by Xen: libxl boots disks, cdroms and the network"),
                           def->redirdevs[i]->info.bootIndex);
            return -1;
        }
    }
    if (!any)
        return 0;
    if (def->os.type != VIR_DOMAIN_OSTYPE_HVM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<boot order> is not supported for Xen PV and PVH guests: they boot a <kernel> or a <bootloader>"));
        return -1;
    }
    /* The classes by their lowest order. */
    while (n < 3) {
        int pick = -1;

        for (i = 0; i < 3; i++) {
            if (best[i] && (pick < 0 || best[i] < best[pick]))
                pick = i;
        }
        if (pick < 0)
            break;
        order[n++] = classes[pick];
        best[pick] = 0;
    }
    order[n] = 0;
    return 1;
}


char *
vxlBootKernelCmdline(const virDomainDef *def)
{
    /* libvirt's <root> and <cmdline> are xl's root= and extra= (its xl
     * converter maps them so); libxl has only the whole line, which xl
     * joins from the two. */
    if (!def->os.root)
        return g_strdup(def->os.cmdline);
    if (def->os.cmdline)
        return g_strdup_printf("root=%s %s", def->os.root, def->os.cmdline);
    return g_strdup_printf("root=%s", def->os.root);
}


const char *
vxlNetModelName(const virDomainNetDef *net)
{
    /* libxl passes the model to qemu as a device name; libvirt's virtio
     * names are the qemu driver's shorthands for these. */
    switch (net->model) {
    case VIR_DOMAIN_NET_MODEL_VIRTIO:
        return "virtio-net-pci";
    case VIR_DOMAIN_NET_MODEL_VIRTIO_TRANSITIONAL:
        return "virtio-net-pci-transitional";
    case VIR_DOMAIN_NET_MODEL_VIRTIO_NON_TRANSITIONAL:
        return "virtio-net-pci-non-transitional";
    default:
        return virDomainNetGetModelString(net);
    }
}


/* qemu's rbd target, as xl's target= spells it for a qdisk:
 * rbd:POOL/IMAGE:(id=USER:auth_supported=cephx|auth_supported=none)
 * [:mon_host=H1\:P1\;[V6\:ADDR]\:P2] (':' and ';' inside a value
 * escaped for qemu). Without <auth>, libvirt means no authentication,
 * which qemu is told: it would otherwise try the host's keyring. */
char *
vxlDiskRbdTarget(const virStorageSource *src)
{
    g_autoptr(GString) out = g_string_new("rbd:");
    size_t i;

    /* libvirt splits name='POOL/IMAGE' into volume and path. */
    if (src->volume)
        g_string_append_printf(out, "%s/", src->volume);
    g_string_append(out, src->path);
    if (src->auth && src->auth->username)
        g_string_append_printf(out, ":id=%s:auth_supported=cephx", src->auth->username);
    else
        g_string_append(out, ":auth_supported=none");
    for (i = 0; i < src->nhosts; i++) {
        g_autofree char *escaped = NULL;

        g_string_append(out, i == 0 ? ":mon_host=" : "\\;");
        /* An IPv6 address, bracketed, its colons escaped. */
        if (strchr(src->hosts[i].name, ':')) {
            g_auto(GStrv) parts = g_strsplit(src->hosts[i].name, ":", -1);

            escaped = g_strjoinv("\\:", parts);
            g_string_append_printf(out, "[%s]", escaped);
        } else {
            g_string_append(out, src->hosts[i].name);
        }
        if (src->hosts[i].port)
            g_string_append_printf(out, "\\:%u", src->hosts[i].port);
    }
    return g_string_free(g_steal_pointer(&out), false);
}


/* qemu's name of a USB input device, as xl's usbdevice= spells it. */
const char *
vxlUsbInputName(const virDomainInputDef *input)
{
    switch (input->type) {
    case VIR_DOMAIN_INPUT_TYPE_TABLET:
        return "tablet";
    case VIR_DOMAIN_INPUT_TYPE_KBD:
        return "keyboard";
    default:
        return "mouse";
    }
}


/*
 * Whether libxl builds an HVM guest's USB bus itself: for usbversion=
 * (the emulated controller a <controller type='usb' model> names, or
 * <virtxl:usbversion>) and for SPICE USB redirection (<redirdev>, which
 * needs SPICE: translate_misc.c). It then refuses usb=1 and usbdevice=
 * at create (libxl__domain_build_info_setdefault: "usbversion and/or
 * usbredirection cannot be enabled with usb and/or usbdevice
 * parameters"). A nec-xhci with ports= is not it: that one is added as
 * a device (a usbctrl of type devicemodel).
 */
bool
vxlUsbBusIsLibxls(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t i;

    if (def->os.type != VIR_DOMAIN_OSTYPE_HVM)
        return false;
    if (def->nredirdevs > 0 || (ns && ns->keys[VXL_XMLNS_KEY_USBVERSION]))
        return true;
    for (i = 0; i < def->ncontrollers; i++) {
        const virDomainControllerDef *cont = def->controllers[i];

        if (cont->type != VIR_DOMAIN_CONTROLLER_TYPE_USB ||
            !vxlUSBEmulatedVersion(cont->model))
            continue;
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI &&
            cont->opts.usbopts.ports > 0)
            continue;
        return true;
    }
    return false;
}


/*
 * USB inputs where libxl builds the USB bus itself (vxlUsbBusIsLibxls):
 * it then refuses usbdevice=, and the bus is a controller with id "usb"
 * (for SPICE's redirection an EHCI one with UHCI companions).
 * virt-install gives every SPICE guest both a USB tablet and two
 * redirection channels, and virt-manager's USB 2 or 3 controller
 * choice comes with its tablet, so the inputs go onto that bus as qemu
 * devices, as an xl user would write them in device_model_args_hvm;
 * qemu hands full-speed devices to the companions. Arguments from
 * <virtxl:devicemodel> come after these.
 */
char **
vxlUsbInputArgs(const virDomainDef *def)
{
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    if (!vxlUsbBusIsLibxls(def))
        return NULL;
    for (i = 0; i < def->ninputs; i++) {
        const char *name = vxlUsbInputName(def->inputs[i]);

        if (def->inputs[i]->bus != VIR_DOMAIN_INPUT_BUS_USB)
            continue;
        /* qemu's devices: usb-tablet, usb-mouse, usb-kbd. */
        if (STREQ(name, "keyboard"))
            name = "kbd";
        g_ptr_array_add(args, g_strdup("-device"));
        g_ptr_array_add(args, g_strdup_printf("usb-%s,bus=usb.0", name));
    }
    if (args->len == 0)
        return NULL;
    g_ptr_array_add(args, NULL);
    g_ptr_array_set_free_func(args, NULL);
    return (char **)g_ptr_array_free(g_steal_pointer(&args), FALSE);
}


/* The bridge name vif-openvswitch reads: "br.TAG" for an access port,
 * "br:TAG1:TAG2..." for a trunk, as xl's bridge= spells them. */
char *
vxlNetOvsBridge(const char *bridge, const virNetDevVlan *vlan)
{
    g_autoptr(GString) out = g_string_new(bridge);
    size_t i;

    if (!vlan || vlan->nTags == 0)
        return g_string_free(g_steal_pointer(&out), false);
    if (!vlan->trunk && vlan->nTags == 1) {
        g_string_append_printf(out, ".%u", vlan->tag[0]);
    } else {
        for (i = 0; i < vlan->nTags; i++)
            g_string_append_printf(out, ":%u", vlan->tag[i]);
    }
    return g_string_free(g_steal_pointer(&out), false);
}


/* The USB controller libxl has qemu emulate for an HVM guest, by the
 * libvirt model naming the same device: libxl_dm.c builds piix3-usb-uhci
 * for usbversion 1, ich9-usb-ehci1 with its three UHCI companions for 2
 * and nec-usb-xhci for 3 (virt-install's --controller usb,model= and
 * virt-manager's USB 2 choice write these). 0: none of them. */
int
vxlUSBEmulatedVersion(int model)
{
    switch (model) {
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI:
        return 1;
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1:
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1:
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI2:
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI3:
        return 2;
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI:
    case VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI:
        return 3;
    }
    return 0;
}


/*
 * qemu's -serial spec for a character device's source, as libxl's
 * u.hvm.serial and xl's serial= hand it to qemu; NULL for a source qemu's
 * -serial syntax has no word for (spicevmc, nmdm, ...), and for a TCP
 * protocol with TLS (telnets, tls), which it cannot say either.
 */
char *
vxlChrSerialSpec(const virDomainChrSourceDef *src)
{
    g_autofree char *options = vxlChrOptionsCanonical(src);

    switch ((virDomainChrType)src->type) {
    case VIR_DOMAIN_CHR_TYPE_PTY:
        return g_strdup("pty");
    case VIR_DOMAIN_CHR_TYPE_NULL:
        return g_strdup("null");
    case VIR_DOMAIN_CHR_TYPE_VC:
        return g_strdup("vc");
    case VIR_DOMAIN_CHR_TYPE_STDIO:
        return g_strdup("stdio");
    case VIR_DOMAIN_CHR_TYPE_FILE:
        return g_strdup_printf("file:%s", src->data.file.path);
    case VIR_DOMAIN_CHR_TYPE_PIPE:
        return g_strdup_printf("pipe:%s", src->data.file.path);
    case VIR_DOMAIN_CHR_TYPE_DEV:
        return g_strdup(src->data.file.path);
    case VIR_DOMAIN_CHR_TYPE_TCP:
        if (src->data.tcp.protocol != VIR_DOMAIN_CHR_TCP_PROTOCOL_RAW &&
            src->data.tcp.protocol != VIR_DOMAIN_CHR_TCP_PROTOCOL_TELNET)
            return NULL;
        return g_strdup_printf("%s:%s:%s%s%s",
                               src->data.tcp.protocol == VIR_DOMAIN_CHR_TCP_PROTOCOL_TELNET ?
                               "telnet" : "tcp",
                               NULLSTR_EMPTY(src->data.tcp.host), src->data.tcp.service,
                               *options ? "," : "", options);
    case VIR_DOMAIN_CHR_TYPE_UDP:
        /* qemu refuses an '@' without a local port after it: without a
         * <source mode='bind'> the local end is left out (qemu picks
         * one), with a host but no service it is port 0 (any). */
        if (!src->data.udp.bindHost && !src->data.udp.bindService)
            return g_strdup_printf("udp:%s:%s",
                                   NULLSTR_EMPTY(src->data.udp.connectHost),
                                   src->data.udp.connectService);
        return g_strdup_printf("udp:%s:%s@%s:%s",
                               NULLSTR_EMPTY(src->data.udp.connectHost),
                               src->data.udp.connectService,
                               NULLSTR_EMPTY(src->data.udp.bindHost),
                               src->data.udp.bindService ? src->data.udp.bindService : "0");
    case VIR_DOMAIN_CHR_TYPE_UNIX:
        return g_strdup_printf("unix:%s%s%s", src->data.nix.path,
                               *options ? "," : "", options);
    default:
        return NULL;
    }
}


bool
vxlHypervClockOff(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->clock.ntimers; i++) {
        if (def->clock.timers[i]->name == VIR_DOMAIN_TIMER_NAME_HYPERVCLOCK &&
            def->clock.timers[i]->present == VIR_TRISTATE_BOOL_NO)
            return true;
    }
    return false;
}


bool
vxlChrReconnect(const virDomainChrSourceDef *src)
{
    if (src->type == VIR_DOMAIN_CHR_TYPE_TCP)
        return src->data.tcp.reconnect.enabled == VIR_TRISTATE_BOOL_YES;
    if (src->type == VIR_DOMAIN_CHR_TYPE_UNIX)
        return src->data.nix.reconnect.enabled == VIR_TRISTATE_BOOL_YES;
    return false;
}


bool
vxlChrListens(const virDomainChrSourceDef *src)
{
    if (src->type == VIR_DOMAIN_CHR_TYPE_TCP)
        return src->data.tcp.listen;
    if (src->type == VIR_DOMAIN_CHR_TYPE_UNIX)
        return src->data.nix.listen;
    return false;
}
