/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_ifaddr.c: a running guest's IP addresses (virsh domifaddr);
 * domain_ifaddr.c says where each source's addresses come from.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces,
                            unsigned int source, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);

    /* The access check looks at the source asked for. */
    if (!(vm = vxlEntryBeginFlags(dom, virDomainInterfaceAddressesEnsureACL,
                                  source, VIR_JOB_QUERY)))
        return -1;
    ret = vxlDomainIfaceAddresses(vxl_driver, vm, source, ifaces);
    vxlEntryEnd(&vm, VIR_JOB_QUERY);
    return ret;
}
