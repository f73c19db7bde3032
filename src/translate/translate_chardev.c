/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_chardev.c: serial ports, consoles, parallel ports and
 * channels.
 *
 * Covers, for HVM guests, <serial> ports (u.hvm.serial_list, in qemu's
 * chardev syntax as xl's serial=[...]): pty, file, dev, null, tcp, udp,
 * unix, with <reconnect> and <virtxl:serial>'s qemu options and "none"
 * places (domain_xmlns_serial.c makes the list); a <console> of target
 * type serial (the first serial port itself) or xen; for PV and PVH
 * guests a <console type='pty'> of target type xen (the PV console
 * every guest has), or of target type serial (the same); and <channel><target type='xen'
 * name> over pty or a unix socket (channels), for every guest type. A
 * spicevmc channel is SPICE's agent (translate_gfx.c).
 *
 * Serial ports of PV and PVH guests are accepted and ignored with a
 * warning (Xen gives them only the PV console), as xl and libvirt's
 * libxl driver ignore them. Refuses parallel ports (libxl has none),
 * consoles other than a pty, and other channel types.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.translate_chardev");


static int
vxlValidateSerial(const virDomainDef *def, const virDomainChrDef *chr, size_t index)
{
    g_autofree char *spec = NULL;

    /* A PV or PVH guest's port is kept and ignored (vxlNotesChardev);
     * its spec is still checked, for xml2xl writes it. */
    if (chr->targetType != VIR_DOMAIN_CHR_SERIAL_TARGET_TYPE_NONE &&
        chr->targetType != VIR_DOMAIN_CHR_SERIAL_TARGET_TYPE_ISA) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<serial><target type='%s'> is not supported by Xen: qemu emulates ISA serial ports"),
                       virDomainChrSerialTargetTypeToString(chr->targetType));
        return -1;
    }
    /* Only the ISA port qemu emulates for serial=; a model names
     * another device (PCI, USB, 16550A on other machines). */
    if (chr->targetModel != VIR_DOMAIN_CHR_SERIAL_TARGET_MODEL_NONE &&
        chr->targetModel != VIR_DOMAIN_CHR_SERIAL_TARGET_MODEL_ISA_SERIAL) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<serial><target><model name='%s'> is not supported by Xen: qemu emulates isa-serial ports"),
                       virDomainChrSerialTargetModelTypeToString(chr->targetModel));
        return -1;
    }
    /* qemu gives the ports the standard ISA I/O ports and IRQs in
     * order; libxl has nowhere to put another. */
    if (chr->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<serial><address type='%s'> is not supported by Xen: qemu places the serial ports itself, in order (COM1, COM2, ...)"),
                       virDomainDeviceAddressTypeToString(chr->info.type));
        return -1;
    }
    /* libxl hands qemu the ports as a list, and qemu numbers them in
     * order (COM1, COM2, ...): a port number out of that order would be
     * another port in the guest. */
    if (chr->target.port != vxlXMLNSSerialPosition(def, index)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<serial><target port='%d'> is not supported by Xen: libxl numbers serial ports in their order, so this one would be port %zu"),
                       chr->target.port, vxlXMLNSSerialPosition(def, index));
        return -1;
    }
    /* qemu's serial= spec has telnet but no TLS. */
    if (chr->source->type == VIR_DOMAIN_CHR_TYPE_TCP &&
        chr->source->data.tcp.protocol != VIR_DOMAIN_CHR_TCP_PROTOCOL_RAW &&
        chr->source->data.tcp.protocol != VIR_DOMAIN_CHR_TCP_PROTOCOL_TELNET) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<serial type='tcp'><protocol type='%s'> is not supported by Xen: use 'raw' or 'telnet'"),
                       virDomainChrTcpProtocolTypeToString(chr->source->data.tcp.protocol));
        return -1;
    }
    /* qemu's reconnect= is for a client: it refuses the option on a
     * listening socket. */
    if (vxlChrReconnect(chr->source) && vxlChrListens(chr->source)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<serial><source mode='bind'><reconnect enabled='yes'> is not supported by Xen: qemu reconnects only a client socket, use mode='connect'"));
        return -1;
    }
    if (!(spec = vxlChrSerialSpec(chr->source))) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<serial type='%s'> is not supported by Xen"),
                       virDomainChrTypeToString(chr->source->type));
        return -1;
    }
    return 0;
}


static int
vxlValidateChannel(const virDomainDef *def, const virDomainChrDef *chr)
{
    /* SPICE's agent channel: SPICE carries it, so without SPICE it
     * would be dropped in silence. */
    if (chr->source->type == VIR_DOMAIN_CHR_TYPE_SPICEVMC) {
        /* libxl's spicevdagent is the agent's channel alone; another
         * name (SPICE's WebDAV port) would become the agent. */
        if (chr->targetType == VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_VIRTIO &&
            STRNEQ_NULLABLE(chr->target.name, "com.redhat.spice.0")) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<channel type='spicevmc'><target name='%s'> is not supported by Xen: libxl carries only SPICE's agent channel, com.redhat.spice.0"),
                           NULLSTR(chr->target.name));
            return -1;
        }
        if (def->os.type == VIR_DOMAIN_OSTYPE_HVM && virDomainDefHasSpiceGraphics(def))
            return 0;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<channel type='spicevmc'> is supported by Xen only for HVM guests with SPICE graphics"));
        return -1;
    }
    if (chr->targetType != VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_XEN) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<channel><target> other than type='xen' is not supported by Xen: use type='xen' with a name"));
        return -1;
    }
    if (chr->source->type != VIR_DOMAIN_CHR_TYPE_PTY &&
        chr->source->type != VIR_DOMAIN_CHR_TYPE_UNIX) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<channel type='%s'> is not supported by Xen: use 'pty' or 'unix'"),
                       virDomainChrTypeToString(chr->source->type));
        return -1;
    }
    if (!chr->target.name) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<channel><target type='xen'> needs a name for Xen"));
        return -1;
    }
    /* A Xen channel is a PV console (libxl numbers them), not a port on
     * a virtio-serial bus. */
    if (vxlValidateNoAddress(&chr->info, "<channel>") < 0)
        return -1;
    /* libxl's qemu always listens on a channel's socket (a chardev with
     * server=on); it cannot connect out to one. Without a path there is
     * no mode (libvirt formats none): the start gives it a socket to
     * listen on, as libvirt's libxl driver does. */
    if (chr->source->type == VIR_DOMAIN_CHR_TYPE_UNIX &&
        chr->source->data.nix.path && !chr->source->data.nix.listen) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<channel type='unix'><source mode='connect'> is not supported by Xen: qemu listens on a channel's socket, use mode='bind'"));
        return -1;
    }
    return 0;
}


/* A character device's source is one string for libxl (xl's serial=
 * spec, a channel's path): qemu's chardev options beyond it cannot be
 * passed. */
static int
vxlValidateChrSourceExtras(const virDomainChrDef *chr)
{
    const virDomainChrSourceDef *src = chr->source;
    const char *what = NULL;

    /* A pty's <log> is what Nova writes on every Xen guest's console
     * (its console.log); libxl has no per-domain console log (xenconsoled
     * logs all guests or none, to its own directory), and libvirt's libxl
     * driver starts such guests without the log, as this does. A log of
     * any other source would change what the device does, so it stays
     * refused. */
    if (src->logfile && src->type != VIR_DOMAIN_CHR_TYPE_PTY)
        what = "<log>";
    else if (src->type == VIR_DOMAIN_CHR_TYPE_FILE &&
             src->data.file.append != VIR_TRISTATE_SWITCH_ABSENT)
        what = "<source append>";
    else if (src->type == VIR_DOMAIN_CHR_TYPE_TCP &&
             src->data.tcp.haveTLS == VIR_TRISTATE_BOOL_YES)
        what = "<source tls>";
    /* A serial port's is qemu's reconnect= in its spec (so is that of
     * the <console target type='serial'> that mirrors it); a channel's
     * spec is libxl's, which has no such option. */
    else if (vxlChrReconnect(src) &&
             chr->deviceType != VIR_DOMAIN_CHR_DEVICE_TYPE_SERIAL &&
             !(chr->deviceType == VIR_DOMAIN_CHR_DEVICE_TYPE_CONSOLE &&
               chr->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL))
        what = "<reconnect>";
    else if (vxlDeviceSeclabelsSet(src->seclabels, src->nseclabels))
        what = "<seclabel>";

    if (what) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<%s type='%s'> uses %s, which Xen does not support"),
                       virDomainChrDeviceTypeToString(chr->deviceType),
                       virDomainChrTypeToString(src->type), what);
        return -1;
    }
    return 0;
}


int
vxlValidateChardev(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t i;

    /* <virtxl:serial> first: the specs below are made with it. */
    if (ns && vxlValidateXMLNSSerials(def, ns) < 0)
        return -1;

    for (i = 0; i < def->nserials; i++) {
        if (vxlValidateChrSourceExtras(def->serials[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->nconsoles; i++) {
        if (vxlValidateChrSourceExtras(def->consoles[i]) < 0)
            return -1;
    }
    for (i = 0; i < def->nchannels; i++) {
        if (vxlValidateChrSourceExtras(def->channels[i]) < 0)
            return -1;
    }

    for (i = 0; i < def->nserials; i++) {
        if (vxlValidateSerial(def, def->serials[i], i) < 0)
            return -1;
    }
    if (def->nparallels > 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<parallel> is not supported by Xen: libxl gives guests no parallel ports"));
        return -1;
    }
    for (i = 0; i < def->nconsoles; i++) {
        const virDomainChrDef *chr = def->consoles[i];

        if (chr->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL &&
            def->os.type == VIR_DOMAIN_OSTYPE_HVM)
            continue;
        /* A PV or PVH guest's only console is the PV one (hvc0 in a
         * Linux guest): a pty console of target type serial there gets
         * it, as libvirt's libxl driver starts such a guest. */
        if (chr->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL &&
            chr->source->type == VIR_DOMAIN_CHR_TYPE_PTY && i == 0)
            continue;
        if ((chr->targetType != VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_XEN &&
             chr->targetType != VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_NONE) ||
            chr->source->type != VIR_DOMAIN_CHR_TYPE_PTY) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<console type='%s'><target type='%s'> is not supported by Xen: the PV console is <console type='pty'><target type='xen'/>"),
                           virDomainChrTypeToString(chr->source->type),
                           NULLSTR(virDomainChrConsoleTargetTypeToString(chr->targetType)));
            return -1;
        }
    }
    for (i = 0; i < def->nchannels; i++) {
        if (vxlValidateChannel(def, def->channels[i]) < 0)
            return -1;
    }
    return 0;
}


void
vxlNotesChardev(const virDomainDef *def)
{
    size_t i;

    if (def->os.type == VIR_DOMAIN_OSTYPE_HVM)
        return;
    /* Xen gives PV and PVH guests no serial port (no device model
     * emulates one): xl reads serial= for HVM guests only, and
     * libvirt's libxl driver passes a PV guest's <serial> to nobody.
     * virt-install --paravirt --serial pty writes one, beside the PV
     * console it means. So it is kept and ignored, said in the log. */
    for (i = 0; i < def->nserials; i++)
        VIR_WARN("domain '%s': <serial> %zu is ignored: Xen gives PV and PVH guests no serial port, their console is the PV console",
                 def->name, i);
    /* The first console of target type serial is the PV console
     * (vxlValidateChardev accepts it so). */
    if (def->nconsoles > 0 &&
        def->consoles[0]->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL &&
        def->consoles[0]->source->type == VIR_DOMAIN_CHR_TYPE_PTY)
        VIR_WARN("domain '%s': <console><target type='serial'> is Xen's PV console: PV and PVH guests have no serial port",
                 def->name);
}


int
vxlTranslateChardev(const virDomainDef *def, libxl_domain_config *dcfg)
{
    size_t nxen = 0;
    size_t i;

    if (vxlValidateChardev(def) < 0)
        return -1;

    /* One port is xl's serial="..." (u.hvm.serial), several its list,
     * with <virtxl:serial>'s options and "none"s; PV and PVH guests
     * have no port (the union's u.hvm is not theirs). */
    if (def->os.type == VIR_DOMAIN_OSTYPE_HVM) {
        g_auto(GStrv) specs = vxlXMLNSSerialSpecs(def);

        if (!specs) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("the serial ports have no spec for libxl"));
            return -1;
        }
        if (g_strv_length(specs) == 1)
            dcfg->b_info.u.hvm.serial = g_strdup(specs[0]);
        else if (specs[0])
            dcfg->b_info.u.hvm.serial_list = g_steal_pointer(&specs);
    }

    for (i = 0; i < def->nchannels; i++) {
        if (def->channels[i]->targetType == VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_XEN)
            nxen++;
    }
    if (nxen == 0)
        return 0;
    dcfg->channels = g_new0(libxl_device_channel, nxen);
    dcfg->num_channels = nxen;
    nxen = 0;
    for (i = 0; i < def->nchannels; i++) {
        const virDomainChrDef *chr = def->channels[i];
        libxl_device_channel *xch;

        if (chr->targetType != VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_XEN)
            continue;
        xch = &dcfg->channels[nxen++];
        /* devid stays libxl's "unset" (-1): libxl then makes channel i
         * the guest's console i + 1. A devid of 0 would make it console
         * 0, which libxl 4.17 refuses as a primary console with a name,
         * only logging it, so the guest would get no /dev/hvcN (seen on
         * real Xen; xl 4.17 numbers its channels from 0 and has that
         * defect). */
        libxl_device_channel_init(xch);
        xch->name = g_strdup(chr->target.name);
        /* <virtxl:channel backend>: xl's backend=, a driver domain. */
        xch->backend_domname = g_strdup(vxlXMLNSChannelBackend(def, chr->target.name));
        if (chr->source->type == VIR_DOMAIN_CHR_TYPE_UNIX) {
            /* A start has given it one (domain_channel.c); a conversion
             * cannot, and xl refuses a socket channel without a path. */
            if (!chr->source->data.nix.path) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("channel '%s' has no <source path>: a start gives it a socket, a conversion to xl needs one named"),
                               NULLSTR(chr->target.name));
                return -1;
            }
            libxl_device_channel_init_connection(xch, LIBXL_CHANNEL_CONNECTION_SOCKET);
            xch->u.socket.path = g_strdup(chr->source->data.nix.path);
        } else {
            libxl_device_channel_init_connection(xch, LIBXL_CHANNEL_CONNECTION_PTY);
        }
    }
    return 0;
}
