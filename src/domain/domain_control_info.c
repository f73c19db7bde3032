/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_control_info.c: what the driver is doing with a domain (virsh
 * domcontrol) and which of its disks stopped it (virsh domblkerror).
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virerror.h"
#include "virtime.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/*
 * A background job (save, dump, migration, snapshot) is one the user can
 * watch and abort: JOB. Any other job means an API call is waiting on
 * Xen for this domain (a create, a hotplug): OCCUPIED. The time is how
 * long that has lasted.
 */
int
vxlDomainControlState(virDomainObj *vm, virDomainControlInfoPtr info)
{
    unsigned long long now = 0;
    unsigned long long since = 0;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    memset(info, 0, sizeof(*info));
    if (vm->job->asyncJob != VIR_ASYNC_JOB_NONE) {
        info->state = VIR_DOMAIN_CONTROL_JOB;
        since = vm->job->asyncStarted;
    } else if (vm->job->active != VIR_JOB_NONE) {
        info->state = VIR_DOMAIN_CONTROL_OCCUPIED;
        since = vm->job->started;
    } else {
        info->state = VIR_DOMAIN_CONTROL_OK;
        return 0;
    }
    if (virTimeMillisNow(&now) < 0)
        return -1;
    if (since && now > since)
        info->stateTime = now - since;
    return 0;
}

/*
 * Xen never stops a guest for a disk error: blkback and qdisk fail the
 * request and the guest's own driver sees the error. libvirt lists the
 * disks whose error stopped the guest (qemu's werror=stop), so a Xen
 * guest never has one; asked for the size of the list, the answer is
 * the number of disks, as libvirt's API documents.
 */
int
vxlDomainDiskErrorList(virDomainObj *vm, virDomainDiskErrorPtr errors,
                       unsigned int nerrors G_GNUC_UNUSED)
{
    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (!errors)
        return vm->def->ndisks;
    return 0;
}
