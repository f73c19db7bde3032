/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_graphics.c: the ports of autoport displays, chosen at start.
 *
 * A VNC or SPICE display with autoport='yes' gets its port from the
 * driver when the domain starts, as libvirt's own drivers do, so the live
 * XML shows where to connect: virt-manager and `virsh domdisplay` read it
 * from there. Leaving VNC to qemu (libxl's findunused) would hide the
 * port, and libxl refuses SPICE without one. The ports come from
 * libvirt's port allocator, which every driver in the daemon shares, and
 * go back to it when the domain stops or its start fails; a daemon
 * restart marks those of running domains as taken again. A VNC display
 * with <virtxl:vncdisplay> (or, on one of several PV framebuffers, its
 * <virtxl:vfb vncdisplay>) takes the first free port from that display
 * on, as qemu does for xl's vncdisplay with vncunused=1; each VNC display
 * of the guest gets a port of its own.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_xmlns.h"
#include "virerror.h"
#include "virlog.h"
#include "virportallocator.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_graphics");

/* The port of @graphics that the driver chose, or NULL if it has none
 * to choose: only autoport VNC and SPICE displays. */
static int *
vxlDomainGraphicsAutoPort(virDomainGraphicsDef *graphics)
{
    switch (graphics->type) {
    case VIR_DOMAIN_GRAPHICS_TYPE_VNC:
        return graphics->data.vnc.autoport ? &graphics->data.vnc.port : NULL;
    case VIR_DOMAIN_GRAPHICS_TYPE_SPICE:
        return graphics->data.spice.autoport ? &graphics->data.spice.port : NULL;
    default:
        return NULL;
    }
}

/* Where autoport display @index of @def looks for its port: the
 * driver's range, or for a VNC display with a start display (xl's
 * vncdisplay with vncunused=1) that display and the 99 after it, the
 * ones libxl has qemu try ("to=99" in libxl_dm.c). The allocator's ports
 * are one set for every range, so this one shares them with the others. */
static int
vxlDomainGraphicsRange(const virDomainDef *def, size_t index,
                       virPortAllocatorRange **range)
{
    const virDomainGraphicsDef *graphics = def->graphics[index];
    int display = vxlXMLNSGraphicsStartDisplay(def, index);
    unsigned int start, end;

    *range = NULL;
    if (graphics->type != VIR_DOMAIN_GRAPHICS_TYPE_VNC || display < 0)
        return 0;
    /* libxl takes any display (xl's vncdisplay=59635 is valid to it),
     * but one whose port leaves no port above it to look in is where
     * qemu's search fails: refuse it here, naming it. */
    if (display > VXL_GRAPHICS_PORT_MAX - VXL_GRAPHICS_PORT_MIN - 1) {
        const vxlXMLNSDef *ns = vxlXMLNSGet(def);

        if (ns && ns->nvfbs > 0)
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:vfb vncdisplay='%d'>: a VNC display that looks for a free port from %d on needs one below %d, the last TCP port"),
                           display, VXL_GRAPHICS_PORT_MIN + display, VXL_GRAPHICS_PORT_MAX);
        else
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:vncdisplay value='%d'>: a VNC display that looks for a free port from %d on needs one below %d, the last TCP port"),
                           display, VXL_GRAPHICS_PORT_MIN + display, VXL_GRAPHICS_PORT_MAX);
        return -1;
    }
    start = VXL_GRAPHICS_PORT_MIN + display;
    end = MIN(start + 99, VXL_GRAPHICS_PORT_MAX);
    if (!(*range = virPortAllocatorRangeNew("vncdisplay", start, end)))
        return -1;
    return 0;
}

int
vxlDomainGraphicsPrepare(vxlDriver *driver, virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        int *port = vxlDomainGraphicsAutoPort(def->graphics[i]);
        virPortAllocatorRange *range;
        unsigned short chosen;
        int rc;

        if (!port)
            continue;
        if (vxlDomainGraphicsRange(def, i, &range) < 0)
            goto error;
        rc = virPortAllocatorAcquire(range ? range : driver->graphicsPorts, &chosen);
        virPortAllocatorRangeFree(range);
        if (rc < 0)
            goto error;
        *port = chosen;
        VIR_DEBUG("%s display of %s gets port %u",
                  virDomainGraphicsTypeToString(def->graphics[i]->type),
                  def->name, chosen);
    }
    return 0;

 error:
    vxlDomainGraphicsRelease(def);
    return -1;
}

void
vxlDomainGraphicsRelease(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        int *port = vxlDomainGraphicsAutoPort(def->graphics[i]);

        if (!port || *port <= 0)
            continue;
        if (virPortAllocatorRelease(*port) < 0)
            VIR_DEBUG("port %d of %s was not taken", *port, def->name);
        *port = 0;
    }
}

void
vxlDomainGraphicsReclaim(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        int *port = vxlDomainGraphicsAutoPort(def->graphics[i]);

        if (port && *port > 0)
            virPortAllocatorSetUsed(*port);
    }
}
