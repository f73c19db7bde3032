/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_spice.c: the SPICE keys that are more than <graphics> attributes,
 * both ways, as translate_gfx.c reads them back:
 *
 *   spice_image_compression=C  <graphics type='spice'><image compression='C'/>
 *   spice_streaming_video=M    <graphics type='spice'><streaming mode='M'/>
 *   spicevdagent=1             <channel type='spicevmc'> (the agent's
 *                              virtio port, com.redhat.spice.0)
 *   spiceusbredirection=N      N <redirdev bus='usb' type='spicevmc'/>
 *
 * xl passes the two strings to qemu unchecked; libvirt knows the same
 * words (xl.cfg(5) lists auto_glz, auto_lz, quic, glz, lz, off and
 * filter, all, off), so anything else is refused rather than guessed.
 * libxl gives the redirection channels an emulated USB controller of
 * its own; libvirt wants one in the XML for a <redirdev>, so xl2xml adds
 * the implicit <controller type='usb'> (which xml2xl skips, as it skips
 * the virtio-serial controller libvirt adds for the agent's channel).
 */
#include "vxl_internal.h"

#include "native_private.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* The port SPICE's agent talks on: the one libxl's qemu command line
 * names for vdagent, and the one libvirt's spicevmc channel defaults to. */
#define VXL_SPICE_AGENT_PORT "com.redhat.spice.0"

/* qemu's limit for libxl's USB redirection channels (xl.cfg(5): "up to
 * 4 USB devices"). */
#define VXL_SPICE_USBREDIR_MAX 4


int
vxlNativeParseSpiceGraphics(vxlNativeReader *r, virBuffer *buf)
{
    const char *image = NULL, *streaming = NULL;

    if (vxlNativeGetString(r, "spice_image_compression", &image) < 0 ||
        vxlNativeGetString(r, "spice_streaming_video", &streaming) < 0)
        return -1;

    if (image) {
        if (virDomainGraphicsSpiceImageCompressionTypeFromString(image) <= 0) {
            vxlNativeError(r, "spice_image_compression",
                           _("'%s' is not an image compression; use auto_glz, auto_lz, quic, glz, lz or off"),
                           image);
            return -1;
        }
        virBufferEscapeString(buf, "<image compression='%s'/>\n", image);
    }
    if (streaming) {
        if (virDomainGraphicsSpiceStreamingModeTypeFromString(streaming) <= 0) {
            vxlNativeError(r, "spice_streaming_video",
                           _("'%s' is not a streaming mode; use filter, all or off"),
                           streaming);
            return -1;
        }
        virBufferEscapeString(buf, "<streaming mode='%s'/>\n", streaming);
    }
    return 0;
}


int
vxlNativeParseSpiceDevices(vxlNativeReader *r, virBuffer *buf)
{
    bool vdagent = false;
    long usbredir = 0;
    long i;

    if (vxlNativeGetBool(r, "spicevdagent", &vdagent) < 0 ||
        vxlNativeGetLong(r, "spiceusbredirection", &usbredir) < 0)
        return -1;

    if (vdagent)
        virBufferAddLit(buf,
                        "<channel type='spicevmc'>\n"
                        "  <target type='virtio' name='" VXL_SPICE_AGENT_PORT "'/>\n"
                        "</channel>\n");
    if (usbredir < 0 || usbredir > VXL_SPICE_USBREDIR_MAX) {
        vxlNativeError(r, "spiceusbredirection",
                       _("%ld channels: SPICE redirects 0 to %d USB devices"),
                       usbredir, VXL_SPICE_USBREDIR_MAX);
        return -1;
    }
    /* usbctrl= makes libvirt's USB controller 0 already. */
    if (usbredir > 0 && !vxlNativeHas(r, "usbctrl"))
        virBufferAddLit(buf, "<controller type='usb' index='0'/>\n");
    for (i = 0; i < usbredir; i++)
        virBufferAddLit(buf, "<redirdev bus='usb' type='spicevmc'/>\n");
    return 0;
}


/* The agent's channel as xl2xml writes it, in whatever form libvirt
 * accepted it. */
bool
vxlNativeSpiceIsAgent(const virDomainChrDef *ch)
{
    return ch->source->type == VIR_DOMAIN_CHR_TYPE_SPICEVMC;
}


int
vxlNativeFormatSpice(virBuffer *buf, const virDomainDef *def,
                     const virDomainGraphicsDef *graphics)
{
    size_t agents = 0;
    size_t i;

    if (graphics->data.spice.image)
        vxlNativeFormatString(buf, "spice_image_compression",
                              virDomainGraphicsSpiceImageCompressionTypeToString(graphics->data.spice.image));
    if (graphics->data.spice.streaming)
        vxlNativeFormatString(buf, "spice_streaming_video",
                              virDomainGraphicsSpiceStreamingModeTypeToString(graphics->data.spice.streaming));

    for (i = 0; i < def->nchannels; i++) {
        const virDomainChrDef *ch = def->channels[i];

        if (!vxlNativeSpiceIsAgent(ch))
            continue;
        if (ch->targetType != VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_VIRTIO ||
            (ch->target.name && STRNEQ(ch->target.name, VXL_SPICE_AGENT_PORT)) ||
            (ch->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE &&
             ch->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL))
            return vxlNativeFormatRefuse("a spicevmc <channel> other than the agent's port " VXL_SPICE_AGENT_PORT);
        agents++;
    }
    if (agents > 1)
        return vxlNativeFormatRefuse("a second spicevmc <channel>: SPICE has one agent");
    if (agents)
        virBufferAddLit(buf, "spicevdagent = 1\n");

    for (i = 0; i < def->nredirdevs; i++) {
        const virDomainRedirdevDef *rd = def->redirdevs[i];

        if (rd->bus != VIR_DOMAIN_REDIRDEV_BUS_USB ||
            rd->source->type != VIR_DOMAIN_CHR_TYPE_SPICEVMC ||
            rd->info.bootIndex)
            return vxlNativeFormatRefuse("a <redirdev> other than bus='usb' type='spicevmc'");
    }
    if (def->nredirdevs > VXL_SPICE_USBREDIR_MAX)
        return vxlNativeFormatRefuse("more than 4 <redirdev>s: SPICE redirects up to 4 USB devices");
    if (def->nredirdevs)
        virBufferAsprintf(buf, "spiceusbredirection = %zu\n", def->nredirdevs);
    return 0;
}


/* Agent channels and redirdevs belong to SPICE graphics: without one,
 * xl.cfg has nowhere to put them. */
int
vxlNativeFormatSpiceOrphans(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        if (def->graphics[i]->type == VIR_DOMAIN_GRAPHICS_TYPE_SPICE)
            return 0;
    }
    if (def->nredirdevs)
        return vxlNativeFormatRefuse("a <redirdev> without <graphics type='spice'>");
    for (i = 0; i < def->nchannels; i++) {
        if (vxlNativeSpiceIsAgent(def->channels[i]))
            return vxlNativeFormatRefuse("a spicevmc <channel> without <graphics type='spice'>");
    }
    return 0;
}
