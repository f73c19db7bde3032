/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_agent_guest.c: the guest agent's view of the guest's vCPUs and
 * filesystems (virsh guestvcpus, domfsinfo, domfstrim). The work is
 * domain_agent_guest.c's.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virbitmap.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* libvirt's own bound on vCPU ids in a guest's list. */
#define VXL_GUEST_VCPU_MAX_ID 4096

int
vxlDomainGetGuestVcpus(virDomainPtr dom, virTypedParameterPtr *params,
                       unsigned int *nparams, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetGuestVcpusEnsureACL,
                             VIR_JOB_QUERY)))
        return -1;
    if (virDomainObjCheckActive(vm) == 0)
        ret = vxlDomainAgentGetVcpus(vm, params, nparams);
    vxlEntryEnd(&vm, VIR_JOB_QUERY);
    return ret;
}

int
vxlDomainSetGuestVcpus(virDomainPtr dom, const char *cpumap, int state,
                       unsigned int flags)
{
    virDomainObj *vm;
    g_autoptr(virBitmap) map = NULL;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainSetGuestVcpusEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    if (state != 0 && state != 1) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the state of a guest's vCPUs is 0 (offline) or 1 (online), not %d"),
                       state);
    } else if (virBitmapParse(cpumap, &map, VXL_GUEST_VCPU_MAX_ID) == 0 &&
               virDomainObjCheckActive(vm) == 0) {
        ret = vxlDomainAgentSetVcpus(vm, map, state == 1);
    }
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainGetFSInfo(virDomainPtr dom, virDomainFSInfoPtr **info,
                   unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetFSInfoEnsureACL, VIR_JOB_QUERY)))
        return -1;
    if (virDomainObjCheckActive(vm) == 0)
        ret = vxlDomainAgentGetFSInfo(vm, info);
    vxlEntryEnd(&vm, VIR_JOB_QUERY);
    return ret;
}

int
vxlDomainFSTrim(virDomainPtr dom, const char *mountPoint,
                unsigned long long minimum, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainFSTrimEnsureACL, VIR_JOB_MODIFY)))
        return -1;
    /* qemu-ga's guest-fstrim trims every filesystem; it takes no one. */
    if (mountPoint) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("cannot trim only '%s': the guest agent trims every mounted filesystem"),
                       mountPoint);
    } else if (virDomainObjCheckActive(vm) == 0) {
        ret = vxlDomainAgentFSTrim(vm, minimum);
    }
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}
