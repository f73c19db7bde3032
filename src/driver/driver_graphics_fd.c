/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_graphics_fd.c: virDomainOpenGraphicsFD, a local client's
 * connection to a guest's display (domain_graphics_fd.c).
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
