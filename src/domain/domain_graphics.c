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
 * restart marks those of running domains as taken again.
 */
#include "vxl_internal.h"

#include "domain.h"
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

int
vxlDomainGraphicsPrepare(vxlDriver *driver, virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        int *port = vxlDomainGraphicsAutoPort(def->graphics[i]);
        unsigned short chosen;

        if (!port)
            continue;
        if (virPortAllocatorAcquire(driver->graphicsPorts, &chosen) < 0)
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
