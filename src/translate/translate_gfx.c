/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_gfx.c: what the guest shows and hears: graphics, video,
 * input and sound.
 *
 * HVM guests: <graphics type='vnc'> (listen, port/autoport, passwd,
 * keymap -> u.hvm.vnc, u.hvm.keymap), <graphics type='spice'> (port,
 * tlsPort, listen, passwd, mouse mode, clipboard, image compression,
 * streaming; a spicevmc <channel> is the vdagent, spicevmc <redirdev>s
 * the USB redirection channels -> u.hvm.spice), <graphics type='sdl'>
 * (display, xauth, gl -> u.hvm.sdl); <video> vga, cirrus, qxl or none
 * (u.hvm.vga.kind) with vram (video_memkb); USB <input> tablet, mouse
 * and keyboard (u.hvm.usbdevice_list; PS/2 ones are always there);
 * <sound> (u.hvm.soundhw). <virtxl:vncdisplay> is where an autoport VNC
 * display starts looking (display with findunused on). Without VNC
 * graphics, VNC is switched off explicitly: libxl would otherwise start
 * one. Without <video> there is
 * no card (vga none, nographic): libxl would otherwise add a Cirrus one.
 *
 * PV and PVH guests: <graphics type='vnc'|'sdl'> are PV framebuffers
 * (vfbs), each with a PV keyboard and mouse (vkbs), as xl's vfb= makes
 * them: one per <virtxl:vfb> (domain_xmlns_vfb.c says which graphics
 * each serves), else one for all; <video type='xen'>, and xen-bus
 * <input> mouse and keyboard, belong to them.
 *
 * Refuses more than one display of a kind (HVM) or per framebuffer
 * (PV, PVH), SPICE and emulated video for
 * PV and PVH, video models qemu-xen does not offer, more than one video
 * card, other input buses, sound for PV and PVH, and more than one
 * sound card (libxl has one soundhw).
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "util_enums.h"
#include "virtxl/virtxl.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.translate_gfx");

#define VXL_VNC_PORT_MIN 5900


static bool
vxlGfxIsHVM(const virDomainDef *def)
{
    return def->os.type == VIR_DOMAIN_OSTYPE_HVM;
}


static const char *
vxlGfxListen(const virDomainGraphicsDef *graphics)
{
    if (graphics->nListens > 0 &&
        graphics->listens[0].type == VIR_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS)
        return graphics->listens[0].address;
    return NULL;
}


/* What libxl's vnc_info cannot say: it has listen, display, password
 * and findunused. */
static int
vxlValidateVncExtras(const virDomainGraphicsDef *graphics)
{
    const char *what = NULL;

    if (graphics->data.vnc.websocket != 0)
        what = "websocket";
    else if (graphics->data.vnc.sharePolicy != VIR_DOMAIN_GRAPHICS_VNC_SHARE_DEFAULT)
        what = "sharePolicy";
    else if (graphics->data.vnc.powerControl != VIR_TRISTATE_BOOL_ABSENT)
        what = "powerControl";
    else if (graphics->data.vnc.audioId > 0)
        what = "<audio>";
    else if (graphics->data.vnc.auth.expires)
        what = "passwdValidTo";
    else if (graphics->data.vnc.auth.connected)
        what = "connected";

    if (what) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<graphics type='vnc'> uses %s, which Xen does not support"), what);
        return -1;
    }
    return 0;
}


/* What libxl's spice_info cannot say: it has port, tls_port, host,
 * password, agent mouse, vdagent, clipboard, USB redirection, image
 * compression and streaming video; qemu's defaults for the rest. */
static int
vxlValidateSpiceExtras(const virDomainGraphicsDef *graphics)
{
    size_t i;

    if (graphics->data.spice.auth.expires || graphics->data.spice.auth.connected) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<graphics type='spice'> passwdValidTo and connected are not supported by Xen"));
        return -1;
    }
    for (i = 0; i < VIR_DOMAIN_GRAPHICS_SPICE_CHANNEL_LAST; i++) {
        if (graphics->data.spice.channels[i] != VIR_DOMAIN_GRAPHICS_SPICE_CHANNEL_MODE_ANY)
            break;
    }
    if (i < VIR_DOMAIN_GRAPHICS_SPICE_CHANNEL_LAST ||
        graphics->data.spice.defaultMode != VIR_DOMAIN_GRAPHICS_SPICE_CHANNEL_MODE_ANY) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<graphics type='spice'><channel mode> and defaultMode are not supported by Xen: libxl leaves each channel to qemu, which takes plain and TLS connections alike"));
        return -1;
    }
    if (graphics->data.spice.jpeg || graphics->data.spice.zlib ||
        graphics->data.spice.playback) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<graphics type='spice'><jpeg>, <zlib> and <playback> are not supported by Xen: libxl sets only <image> and <streaming>"));
        return -1;
    }
    if (graphics->data.spice.filetransfer == VIR_TRISTATE_BOOL_NO) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<graphics type='spice'><filetransfer enable='no'> is not supported by Xen: libxl cannot turn SPICE file transfer off"));
        return -1;
    }
    if (graphics->data.spice.gl == VIR_TRISTATE_BOOL_YES || graphics->data.spice.rendernode) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<graphics type='spice'><gl enable='yes'> is not supported by Xen"));
        return -1;
    }
    return 0;
}


static int
vxlValidateGraphics(const virDomainDef *def, const virDomainGraphicsDef *graphics)
{
    const char *type = virDomainGraphicsTypeToString(graphics->type);

    switch (graphics->type) {
    case VIR_DOMAIN_GRAPHICS_TYPE_VNC:
    case VIR_DOMAIN_GRAPHICS_TYPE_SDL:
        break;
    case VIR_DOMAIN_GRAPHICS_TYPE_SPICE:
        if (!vxlGfxIsHVM(def)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<graphics type='spice'> is supported by Xen for HVM guests only: PV and PVH guests have a PV framebuffer, use type='vnc'"));
            return -1;
        }
        break;
    default:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<graphics type='%s'> is not supported by Xen: use 'vnc', 'spice' or 'sdl'"),
                       NULLSTR(type));
        return -1;
    }

    /* libvirt's post-parse makes SPICE with neither a port nor autoport
     * a listen of type 'none'; libxl refuses SPICE without a port. */
    if (graphics->type == VIR_DOMAIN_GRAPHICS_TYPE_SPICE &&
        graphics->nListens == 1 &&
        graphics->listens[0].type == VIR_DOMAIN_GRAPHICS_LISTEN_TYPE_NONE &&
        !graphics->data.spice.port && !graphics->data.spice.tlsPort) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<graphics type='spice'> needs port, tlsPort or autoport='yes' with Xen: libxl's SPICE server always listens on a port"));
        return -1;
    }
    /* libxl's displays always listen on an address (127.0.0.1 unless
     * told); type='none' (no socket, reached through the daemon) and
     * network or socket listens cannot be said to it. */
    if (graphics->nListens > 1 ||
        (graphics->nListens == 1 &&
         graphics->listens[0].type != VIR_DOMAIN_GRAPHICS_LISTEN_TYPE_ADDRESS)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<graphics type='%s'><listen> supports one type='address' with Xen"),
                       type);
        return -1;
    }
    if (graphics->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC &&
        vxlValidateVncExtras(graphics) < 0)
        return -1;
    if (graphics->type == VIR_DOMAIN_GRAPHICS_TYPE_SDL && graphics->data.sdl.fullscreen) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<graphics type='sdl' fullscreen='yes'> is not supported by Xen: libxl's SDL display is a window"));
        return -1;
    }
    if (graphics->type == VIR_DOMAIN_GRAPHICS_TYPE_SPICE &&
        vxlValidateSpiceExtras(graphics) < 0)
        return -1;
    if (graphics->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC &&
        !graphics->data.vnc.autoport && graphics->data.vnc.port > 0 &&
        graphics->data.vnc.port < VXL_VNC_PORT_MIN) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<graphics type='vnc' port='%d'> is not supported by Xen: a VNC display is port 5900 and above"),
                       graphics->data.vnc.port);
        return -1;
    }
    return 0;
}


static int
vxlValidateVideo(const virDomainDef *def)
{
    const virDomainVideoDef *video;

    if (def->nvideos == 0)
        return 0;
    if (def->nvideos > 1) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("more than one <video> is not supported by Xen: a guest has one graphics card"));
        return -1;
    }
    video = def->videos[0];
    if (vxlValidateNoAddress(&video->info, "<video>") < 0)
        return -1;
    /* libxl sizes the card with one number, videoram; for QXL it splits
     * it between the card's two regions, so the ram and vgamem that
     * libvirt and virt-install always write for QXL are taken. */
    if (((video->vgamem > 0 || video->ram > 0) && video->type != VIR_DOMAIN_VIDEO_TYPE_QXL) ||
        video->vram64 > 0 || video->res || (video->driver && video->driver->vgaconf)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<video><model> vgamem, ram, vram64, <resolution> and <driver vgaconf> are not supported by Xen: use vram"));
        return -1;
    }
    if (video->heads > 1 || (video->accel && (video->accel->accel2d == VIR_TRISTATE_BOOL_YES ||
                                              video->accel->accel3d == VIR_TRISTATE_BOOL_YES))) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<video><model heads> above 1 and <acceleration> are not supported by Xen"));
        return -1;
    }
    switch (video->type) {
    case VIR_DOMAIN_VIDEO_TYPE_VGA:
    case VIR_DOMAIN_VIDEO_TYPE_CIRRUS:
    case VIR_DOMAIN_VIDEO_TYPE_QXL:
    case VIR_DOMAIN_VIDEO_TYPE_NONE:
        if (!vxlGfxIsHVM(def)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<video><model type='%s'> is supported by Xen for HVM guests only: PV and PVH guests use type='xen'"),
                           virDomainVideoTypeToString(video->type));
            return -1;
        }
        /* libxl refuses the create: only qemu-xen has a QXL card. */
        if (video->type == VIR_DOMAIN_VIDEO_TYPE_QXL &&
            vxlXMLNSTraditionalDM(def)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<video><model type='qxl'> is not supported by Xen with the qemu-xen-traditional device model: only qemu-xen has a QXL card"));
            return -1;
        }
        return 0;
    case VIR_DOMAIN_VIDEO_TYPE_XEN:
        if (vxlGfxIsHVM(def)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<video><model type='xen'> is not supported by Xen for HVM guests: use 'vga', 'cirrus', 'qxl' or 'none'"));
            return -1;
        }
        return 0;
    default:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<video><model type='%s'> is not supported by Xen: use 'vga', 'cirrus', 'qxl' or 'none' (HVM), 'xen' (PV, PVH)"),
                       NULLSTR(virDomainVideoTypeToString(video->type)));
        return -1;
    }
}


static int
vxlValidateInput(const virDomainDef *def, const virDomainInputDef *input)
{
    const char *type = virDomainInputTypeToString(input->type);
    const char *bus = virDomainInputBusTypeToString(input->bus);

    /* A USB input goes on the bus libxl gives qemu, at the port qemu
     * picks. */
    if (vxlValidateNoAddress(&input->info, "<input>") < 0)
        return -1;

    if (vxlGfxIsHVM(def)) {
        if (input->bus == VIR_DOMAIN_INPUT_BUS_PS2 &&
            (input->type == VIR_DOMAIN_INPUT_TYPE_MOUSE ||
             input->type == VIR_DOMAIN_INPUT_TYPE_KBD))
            return 0;
        if (input->bus == VIR_DOMAIN_INPUT_BUS_USB &&
            (input->type == VIR_DOMAIN_INPUT_TYPE_MOUSE ||
             input->type == VIR_DOMAIN_INPUT_TYPE_TABLET ||
             input->type == VIR_DOMAIN_INPUT_TYPE_KBD))
            return 0;
        /* Xen's PV input devices come with a PV framebuffer. */
        if (input->bus == VIR_DOMAIN_INPUT_BUS_XEN)
            return 0;
    } else if (input->bus == VIR_DOMAIN_INPUT_BUS_XEN &&
               (input->type == VIR_DOMAIN_INPUT_TYPE_MOUSE ||
                input->type == VIR_DOMAIN_INPUT_TYPE_KBD)) {
        return 0;
    }
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("<input type='%s' bus='%s'> is not supported by Xen: HVM guests have PS/2 and USB mouse, tablet and keyboard; PV and PVH guests a xen-bus mouse and keyboard"),
                   NULLSTR(type), NULLSTR(bus));
    return -1;
}


/* qemu's -soundhw name of a libvirt sound model, or NULL. */
static const char *
vxlSoundModel(int model)
{
    return vxlEnumXlToCfg(&vxlEnumSoundModel, model);
}


static int
vxlValidateSound(const virDomainDef *def)
{
    if (def->nsounds == 0)
        return 0;
    if (!vxlGfxIsHVM(def)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<sound> is supported by Xen for HVM guests only: it is emulated by qemu"));
        return -1;
    }
    if (def->nsounds > 1) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("more than one <sound> is not supported by Xen: libxl gives a guest one sound card"));
        return -1;
    }
    if (!vxlSoundModel(def->sounds[0]->model)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<sound model='%s'> is not supported by Xen: use 'ac97', 'es1370', 'sb16' or 'ich6'"),
                       virDomainSoundModelTypeToString(def->sounds[0]->model));
        return -1;
    }
    if (vxlValidateNoAddress(&def->sounds[0]->info, "<sound>") < 0)
        return -1;
    if (def->sounds[0]->ncodecs > 0 || def->sounds[0]->audioId > 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<sound><codec> and <audio> are not supported by Xen"));
        return -1;
    }
    return 0;
}


static bool
vxlGfxKeymapsDiffer(const virDomainDef *def)
{
    const char *vnc = NULL;
    const char *spice = NULL;
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        if (def->graphics[i]->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC)
            vnc = def->graphics[i]->data.vnc.keymap;
        else if (def->graphics[i]->type == VIR_DOMAIN_GRAPHICS_TYPE_SPICE)
            spice = def->graphics[i]->data.spice.keymap;
    }
    return vnc && spice && STRNEQ(vnc, spice);
}


/* A PV or PVH guest's framebuffers (<virtxl:vfb>, or one for all):
 * each serves one VNC and one SDL display at most, as xl's vfb= entry.
 * SPICE, which none can serve, vxlValidateGraphics refuses. */
static int
vxlValidateGfxPV(const virDomainDef *def)
{
    g_autofree vxlXMLNSVfbGroup *groups = NULL;
    size_t n = vxlXMLNSVfbGroups(def, &groups);
    size_t i;

    for (i = 0; i < n; i++) {
        if (vxlValidateVfbGroup(def, i, &groups[i]) < 0)
            return -1;
    }
    return 0;
}


void
vxlNotesGfx(const virDomainDef *def)
{
    g_autofree vxlXMLNSVfbGroup *groups = NULL;
    size_t n;
    size_t i;

    if (vxlGfxIsHVM(def))
        return;
    n = vxlXMLNSVfbGroups(def, &groups);
    /* What xl makes of the same vfb= entry, and the guest sees each
     * framebuffer; but libxl gives the device model its -vnc and -sdl
     * from vfbs[0] alone (libxl__dm_vnc in libxl_dm.c), so nothing
     * serves the displays of the others. Said in the log, as xl says
     * nothing. */
    for (i = 1; i < n; i++) {
        if (groups[i].count > 0)
            VIR_WARN("domain '%s': the <graphics> of framebuffer %zu (<virtxl:vfb>) are not served: Xen's device model serves the first framebuffer's displays only",
                     def->name, i);
    }
}


int
vxlValidateGfx(const virDomainDef *def)
{
    size_t counts[VIR_DOMAIN_GRAPHICS_TYPE_LAST] = { 0 };
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        if (vxlValidateGraphics(def, def->graphics[i]) < 0)
            return -1;
        /* An HVM guest's displays are its device model's: one of each. */
        if (vxlGfxIsHVM(def) && ++counts[def->graphics[i]->type] > 1) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("more than one <graphics type='%s'> is not supported by Xen for an HVM guest: its device model has one display of each kind"),
                           virDomainGraphicsTypeToString(def->graphics[i]->type));
            return -1;
        }
    }
    if (!vxlGfxIsHVM(def) && vxlValidateGfxPV(def) < 0)
        return -1;
    /* libxl has one keymap for the guest's VNC and SPICE displays. */
    if (vxlGfxKeymapsDiffer(def)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<graphics type='vnc' keymap> and <graphics type='spice' keymap> differing are not supported by Xen: libxl has one keymap for both"));
        return -1;
    }
    if (vxlValidateVideo(def) < 0)
        return -1;
    for (i = 0; i < def->ninputs; i++) {
        if (vxlValidateInput(def, def->inputs[i]) < 0)
            return -1;
    }
    return vxlValidateSound(def);
}


/* @start: where an autoport display's search starts (-1: display 0). */
static void
vxlTranslateVnc(const virDomainGraphicsDef *graphics, int start,
                libxl_vnc_info *vnc, char **keymap)
{
    libxl_defbool_set(&vnc->enable, true);
    vnc->listen = g_strdup(vxlGfxListen(graphics));
    vnc->passwd = g_strdup(graphics->data.vnc.auth.passwd);
    /* A fixed port is a display number; so is the one the driver picked
     * for autoport when the domain starts (domain_graphics.c), which the
     * live XML shows. An inactive definition's autoport lets qemu find
     * a free display (xl's vncunused=1), from <virtxl:vncdisplay> on
     * when it has one. */
    if (graphics->data.vnc.port >= VXL_VNC_PORT_MIN) {
        vnc->display = graphics->data.vnc.port - VXL_VNC_PORT_MIN;
        libxl_defbool_set(&vnc->findunused, false);
    } else {
        if (start > 0)
            vnc->display = start;
        libxl_defbool_set(&vnc->findunused, true);
    }
    /* SPICE's keymap may have come first: it is the same one
     * (vxlValidateGfx). */
    if (!*keymap)
        *keymap = g_strdup(graphics->data.vnc.keymap);
}


static void
vxlTranslateSdl(const virDomainGraphicsDef *graphics, libxl_sdl_info *sdl)
{
    libxl_defbool_set(&sdl->enable, true);
    sdl->display = g_strdup(graphics->data.sdl.display);
    sdl->xauthority = g_strdup(graphics->data.sdl.xauth);
    if (graphics->data.sdl.gl != VIR_TRISTATE_BOOL_ABSENT)
        libxl_defbool_set(&sdl->opengl, graphics->data.sdl.gl == VIR_TRISTATE_BOOL_YES);
}


static void
vxlTranslateSpice(const virDomainDef *def, const virDomainGraphicsDef *graphics,
                  libxl_spice_info *spice)
{
    size_t i;

    libxl_defbool_set(&spice->enable, true);
    if (graphics->data.spice.port > 0)
        spice->port = graphics->data.spice.port;
    if (graphics->data.spice.tlsPort > 0)
        spice->tls_port = graphics->data.spice.tlsPort;
    spice->host = g_strdup(vxlGfxListen(graphics));
    spice->passwd = g_strdup(graphics->data.spice.auth.passwd);
    /* libxl refuses SPICE with neither a password nor ticketing off. */
    libxl_defbool_set(&spice->disable_ticketing, !graphics->data.spice.auth.passwd);
    if (graphics->data.spice.mousemode == VIR_DOMAIN_MOUSE_MODE_CLIENT)
        libxl_defbool_set(&spice->agent_mouse, true);
    else if (graphics->data.spice.mousemode == VIR_DOMAIN_MOUSE_MODE_SERVER)
        libxl_defbool_set(&spice->agent_mouse, false);
    if (graphics->data.spice.copypaste != VIR_TRISTATE_BOOL_ABSENT)
        libxl_defbool_set(&spice->clipboard_sharing,
                          graphics->data.spice.copypaste == VIR_TRISTATE_BOOL_YES);
    if (graphics->data.spice.image)
        spice->image_compression =
            g_strdup(virDomainGraphicsSpiceImageCompressionTypeToString(graphics->data.spice.image));
    if (graphics->data.spice.streaming)
        spice->streaming_video =
            g_strdup(virDomainGraphicsSpiceStreamingModeTypeToString(graphics->data.spice.streaming));

    /* The vdagent is libvirt's spicevmc channel; USB redirection its
     * spicevmc redirdevs, one channel each. */
    for (i = 0; i < def->nchannels; i++) {
        if (def->channels[i]->source->type == VIR_DOMAIN_CHR_TYPE_SPICEVMC)
            libxl_defbool_set(&spice->vdagent, true);
    }
    for (i = 0; i < def->nredirdevs; i++)
        spice->usbredirection++;
}




static void
vxlTranslateGfxHVM(const virDomainDef *def, libxl_domain_build_info *b_info)
{
    bool vnc = false;
    size_t nusb = 0;
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        const virDomainGraphicsDef *graphics = def->graphics[i];

        switch (graphics->type) {
        case VIR_DOMAIN_GRAPHICS_TYPE_VNC:
            vxlTranslateVnc(graphics, vxlXMLNSVncStartDisplay(def),
                            &b_info->u.hvm.vnc, &b_info->u.hvm.keymap);
            vnc = true;
            break;
        case VIR_DOMAIN_GRAPHICS_TYPE_SDL:
            vxlTranslateSdl(graphics, &b_info->u.hvm.sdl);
            break;
        case VIR_DOMAIN_GRAPHICS_TYPE_SPICE:
            vxlTranslateSpice(def, graphics, &b_info->u.hvm.spice);
            if (!b_info->u.hvm.keymap)
                b_info->u.hvm.keymap = g_strdup(graphics->data.spice.keymap);
            break;
        default:
            break;
        }
    }
    /* libxl starts a VNC server for an HVM guest unless told not to;
     * libvirt's guest without <graphics type='vnc'> has none. */
    if (!vnc)
        libxl_defbool_set(&b_info->u.hvm.vnc.enable, false);

    if (def->nvideos == 0) {
        /* libxl would add a Cirrus card the XML does not list: a guest
         * without <video> has no card (and qemu no display), as under
         * libvirt's own Xen driver. xl says vga="none" and nographic=1. */
        b_info->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_NONE;
        libxl_defbool_set(&b_info->u.hvm.nographic, true);
    } else {
        const virDomainVideoDef *video = def->videos[0];

        int kind = vxlEnumVirToXl(&vxlEnumVideoModel, video->type);

        /* Other models were refused when the devices were checked. */
        if (kind >= 0)
            b_info->u.hvm.vga.kind = kind;
        if (video->vram > 0 && video->type != VIR_DOMAIN_VIDEO_TYPE_NONE)
            b_info->video_memkb = video->vram;
    }

    for (i = 0; i < def->ninputs; i++) {
        if (def->inputs[i]->bus == VIR_DOMAIN_INPUT_BUS_USB)
            nusb++;
    }
    if (nusb > 0 && (b_info->extra_hvm = vxlUsbInputArgs(def))) {
        /* on the redirection's USB bus, as qemu devices (above) */
    } else if (nusb > 0) {
        b_info->u.hvm.usbdevice_list = g_new0(char *, nusb + 1);
        nusb = 0;
        for (i = 0; i < def->ninputs; i++) {
            if (def->inputs[i]->bus == VIR_DOMAIN_INPUT_BUS_USB)
                b_info->u.hvm.usbdevice_list[nusb++] =
                    g_strdup(vxlUsbInputName(def->inputs[i]));
        }
    }

    if (def->nsounds == 1)
        b_info->u.hvm.soundhw = g_strdup(vxlSoundModel(def->sounds[0]->model));
}


/* A PV or PVH guest's displays: a PV framebuffer per <virtxl:vfb> (or
 * one for all <graphics>), each with its own VNC and SDL settings, and
 * as xl adds with every vfb= entry a PV keyboard/mouse; devids in
 * order. A framebuffer without VNC graphics says so: libxl would
 * otherwise start a VNC server on it. */
static void
vxlTranslateGfxPV(const virDomainDef *def, libxl_domain_config *dcfg)
{
    g_autofree vxlXMLNSVfbGroup *groups = NULL;
    size_t n = vxlXMLNSVfbGroups(def, &groups);
    size_t i, j;

    if (n == 0)
        return;

    dcfg->vfbs = g_new0(libxl_device_vfb, n);
    dcfg->vkbs = g_new0(libxl_device_vkb, n);
    dcfg->num_vfbs = dcfg->num_vkbs = n;
    for (i = 0; i < n; i++) {
        libxl_device_vfb *vfb = &dcfg->vfbs[i];
        bool vnc = false;

        libxl_device_vfb_init(vfb);
        vfb->devid = i;
        for (j = groups[i].first; j < groups[i].first + groups[i].count; j++) {
            const virDomainGraphicsDef *graphics = def->graphics[j];

            if (graphics->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC) {
                vxlTranslateVnc(graphics, groups[i].vncdisplay, &vfb->vnc, &vfb->keymap);
                vnc = true;
            } else {
                vxlTranslateSdl(graphics, &vfb->sdl);
            }
        }
        if (!vnc) {
            libxl_defbool_set(&vfb->vnc.enable, false);
            /* Without a VNC display the keymap is the framebuffer's own
             * (the SDL window's, for the first one). */
            vfb->keymap = g_strdup(groups[i].keymap);
        }

        libxl_device_vkb_init(&dcfg->vkbs[i]);
        dcfg->vkbs[i].devid = i;
    }
}


int
vxlTranslateGfx(const virDomainDef *def, libxl_domain_config *dcfg)
{
    if (vxlValidateGfx(def) < 0)
        return -1;

    if (vxlGfxIsHVM(def))
        vxlTranslateGfxHVM(def, &dcfg->b_info);
    else
        vxlTranslateGfxPV(def, dcfg);
    return 0;
}
