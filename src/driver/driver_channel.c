/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_channel.c: virsh console --devname CHANNEL
 * (virDomainOpenChannel): a pty Xen channel's dom0 end as the client's
 * stream (domain_channel.c).
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainOpenChannel(virDomainPtr dom, const char *name,
                     virStreamPtr st, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_CHANNEL_FORCE, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainOpenChannelEnsureACL, VIR_JOB_NONE)))
        return -1;
    if (virDomainObjCheckActive(vm) < 0 || vxlDomainRefuseDom0(vm) < 0)
        goto cleanup;
    ret = vxlDomainChannelConnect(vm, name, st, flags);

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}
