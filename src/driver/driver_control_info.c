/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_control_info.c: virsh domcontrol, whether the driver is busy
 * with a domain and for how long. It takes no job, so that it answers
 * while another call holds the domain's.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainGetControlInfo(virDomainPtr dom, virDomainControlInfoPtr info,
                        unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetControlInfoEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    ret = vxlDomainControlState(vm, info);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}
