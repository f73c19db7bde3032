/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_vfb.c: <virtxl:vfb graphics='N' vncdisplay='D'?/>, which
 * of a PV or PVH guest's <graphics> share one PV framebuffer.
 *
 * xl makes a framebuffer (libxl_device_vfb) and a keyboard (vkb) for
 * each vfb= entry, and each framebuffer serves at most one VNC display
 * and one SDL window. libvirt's <graphics> list says neither how many
 * framebuffers there are nor which display is whose, so:
 *
 *   without <virtxl:vfb>  one framebuffer serves every <graphics> (at
 *                         most one VNC and one SDL): the common guest
 *   with them             one framebuffer per element, in order (devid
 *                         is the position); each serves the next
 *                         graphics='N' <graphics> of the domain, in
 *                         document order; N may be 0, a framebuffer
 *                         without a display (xl's "vnc=0")
 *
 * vncdisplay='D' is xl's vncdisplay=D with vncunused=1 for that
 * framebuffer's autoport VNC display: where its search for a free port
 * starts (<virtxl:vncdisplay> is the same for a guest's only one).
 *
 * keymap='K' is xl's keymap=K of a framebuffer without a VNC display
 * (vnc=0, with or without SDL). libxl's keymap belongs to the whole
 * framebuffer, and the device model takes the first one's as qemu's -k
 * for SDL too (dm_keymap in libxl_dm.c); libvirt has it only on
 * <graphics type='vnc'>, which says it whenever there is one.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


int
vxlXMLNSParseVfb(xmlNodePtr node, vxlXMLNSDef *ns)
{
    const vxlXMLNSKeyInfo *info = &vxlXMLNSKeys[VXL_XMLNS_KEY_VNCDISPLAY];
    vxlXMLNSVfb vfb = { .vncdisplay = -1 };
    unsigned int display;
    int rc;

    if (virXMLPropUInt(node, "graphics", 10, VIR_XML_PROP_REQUIRED, &vfb.ngraphics) < 0)
        return -1;
    if ((rc = virXMLPropUInt(node, "vncdisplay", 10, VIR_XML_PROP_NONE, &display)) < 0)
        return -1;
    if (rc > 0) {
        if (display > info->max) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:vfb vncdisplay='%u'> is out of range: VNC displays go from 0 to %lld"),
                           display, info->max);
            return -1;
        }
        vfb.vncdisplay = display;
    }
    vfb.keymap = virXMLPropString(node, "keymap");
    ns->vfbs = g_renew(vxlXMLNSVfb, ns->vfbs, ns->nvfbs + 1);
    ns->vfbs[ns->nvfbs++] = vfb;
    return 0;
}


void
vxlXMLNSFormatVfbs(virBuffer *buf, const vxlXMLNSDef *ns)
{
    size_t i;

    for (i = 0; i < ns->nvfbs; i++) {
        virBufferAsprintf(buf, "<virtxl:vfb graphics='%u'", ns->vfbs[i].ngraphics);
        if (ns->vfbs[i].vncdisplay >= 0)
            virBufferAsprintf(buf, " vncdisplay='%d'", ns->vfbs[i].vncdisplay);
        virBufferEscapeString(buf, " keymap='%s'", ns->vfbs[i].keymap);
        virBufferAddLit(buf, "/>\n");
    }
}


size_t
vxlXMLNSVfbGroups(const virDomainDef *def, vxlXMLNSVfbGroup **groups)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t first = 0;
    size_t i;

    *groups = NULL;
    if (!ns || ns->nvfbs == 0) {
        if (def->ngraphics == 0)
            return 0;
        *groups = g_new0(vxlXMLNSVfbGroup, 1);
        (*groups)[0].count = def->ngraphics;
        (*groups)[0].vncdisplay = vxlXMLNSVncStartDisplay(def);
        return 1;
    }
    *groups = g_new0(vxlXMLNSVfbGroup, ns->nvfbs);
    /* Clamped to the <graphics> there are: a count that does not add
     * up is refused at define (vxlValidateXMLNSVfbs), not read past. */
    for (i = 0; i < ns->nvfbs; i++) {
        (*groups)[i].first = first;
        (*groups)[i].count = MIN(ns->vfbs[i].ngraphics, def->ngraphics - first);
        (*groups)[i].vncdisplay = ns->vfbs[i].vncdisplay;
        (*groups)[i].keymap = ns->vfbs[i].keymap;
        first += (*groups)[i].count;
    }
    return ns->nvfbs;
}


int
vxlXMLNSGraphicsStartDisplay(const virDomainDef *def, size_t index)
{
    g_autofree vxlXMLNSVfbGroup *groups = NULL;
    size_t n;
    size_t i;

    if (def->os.type == VIR_DOMAIN_OSTYPE_HVM)
        return vxlXMLNSVncStartDisplay(def);
    n = vxlXMLNSVfbGroups(def, &groups);
    for (i = 0; i < n; i++) {
        if (index >= groups[i].first && index < groups[i].first + groups[i].count)
            return groups[i].vncdisplay;
    }
    return -1;
}


int
vxlValidateVfbGroup(const virDomainDef *def, size_t pos,
                    const vxlXMLNSVfbGroup *group)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    bool marked = ns && ns->nvfbs > 0;
    const virDomainGraphicsDef *vnc = NULL;
    bool sdl = false;
    size_t i;

    for (i = group->first; i < group->first + group->count; i++) {
        const virDomainGraphicsDef *g = def->graphics[i];

        if (g->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC) {
            if (vnc && !marked) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("more than one <graphics type='vnc'> on a PV or PVH guest needs <virtxl:vfb>: a Xen PV framebuffer has one VNC display, and without <virtxl:vfb> the guest has one framebuffer"));
                return -1;
            }
            if (vnc) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<virtxl:vfb> number %zu serves two <graphics type='vnc'>: a Xen PV framebuffer has one VNC display; give each its own <virtxl:vfb>"),
                               pos + 1);
                return -1;
            }
            vnc = g;
        } else if (g->type == VIR_DOMAIN_GRAPHICS_TYPE_SDL) {
            if (sdl && !marked) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("more than one <graphics type='sdl'> on a PV or PVH guest needs <virtxl:vfb>: a Xen PV framebuffer has one SDL window, and without <virtxl:vfb> the guest has one framebuffer"));
                return -1;
            }
            if (sdl) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<virtxl:vfb> number %zu serves two <graphics type='sdl'>: a Xen PV framebuffer has one SDL window; give each its own <virtxl:vfb>"),
                               pos + 1);
                return -1;
            }
            sdl = true;
        }
        /* SPICE and the rest: refused for PV and PVH by vxlValidateGfx. */
    }
    /* One keymap per framebuffer: a VNC display's is its own. */
    if (group->keymap && vnc) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:vfb keymap> of <virtxl:vfb> number %zu is for a framebuffer without a VNC display: give this one's as <graphics type='vnc' keymap>"),
                       pos + 1);
        return -1;
    }
    /* Without <virtxl:vfb>, <virtxl:vncdisplay>'s own check says it. */
    if (marked && group->vncdisplay >= 0 && !(vnc && vnc->data.vnc.autoport)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:vfb vncdisplay> of <virtxl:vfb> number %zu needs the framebuffer to serve a <graphics type='vnc' autoport='yes'>: it is where that display starts looking for a free port"),
                       pos + 1);
        return -1;
    }
    return 0;
}


int
vxlValidateXMLNSVfbs(const virDomainDef *def, const vxlXMLNSDef *ns)
{
    g_autofree vxlXMLNSVfbGroup *groups = NULL;
    size_t total = 0;
    size_t n;
    size_t i;

    if (ns->nvfbs == 0)
        return 0;
    if (def->os.type == VIR_DOMAIN_OSTYPE_HVM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:vfb> is only for PV and PVH guests: an HVM guest's displays are its device model's, which libxl gives one VNC and one SDL"));
        return -1;
    }
    if (ns->keys[VXL_XMLNS_KEY_VNCDISPLAY]) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:vncdisplay> beside <virtxl:vfb> is not supported: give the framebuffer's start display as <virtxl:vfb vncdisplay>"));
        return -1;
    }
    for (i = 0; i < ns->nvfbs; i++)
        total += ns->vfbs[i].ngraphics;
    if (total != def->ngraphics) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:vfb graphics> add up to %zu displays, but the domain has %zu <graphics>: each <graphics> belongs to exactly one framebuffer"),
                       total, def->ngraphics);
        return -1;
    }
    n = vxlXMLNSVfbGroups(def, &groups);
    for (i = 0; i < n; i++) {
        if (vxlValidateVfbGroup(def, i, &groups[i]) < 0)
            return -1;
    }
    return 0;
}
