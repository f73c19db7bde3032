/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_graphics_fd.c: virDomainOpenGraphicsFD, a local client's
 * connection to a guest's display (domain_graphics_fd.c), and
 * virDomainOpenGraphics, the same for a socket the client hands over
 * (domain_graphics_relay.c).
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainOpenGraphicsFD(virDomainPtr dom, unsigned int idx, unsigned int flags)
{
    virDomainObj *vm;
    int fd;

    virCheckFlags(VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainOpenGraphicsFdEnsureACL,
                             VIR_JOB_QUERY)))
        return -1;
    fd = vxlDomainGraphicsConnect(vm, idx,
                                  !!(flags & VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH));
    vxlEntryEnd(&vm, VIR_JOB_QUERY);
    return fd;
}

int
vxlDomainOpenGraphics(virDomainPtr dom, unsigned int idx, int fd,
                      unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainOpenGraphicsEnsureACL,
                             VIR_JOB_QUERY)))
        return -1;
    ret = vxlDomainGraphicsRelay(vm, idx, fd,
                                 !!(flags & VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH));
    vxlEntryEnd(&vm, VIR_JOB_QUERY);
    return ret;
}
