/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_jobs.c: entry points that watch and cancel a domain's
 * asynchronous job (virsh domjobinfo, domjobinfo --completed,
 * domjobabort); the jobs themselves are domain_job.h's.
 *
 * None of them takes a job: the running async job holds the domain's job
 * slot for its whole length, and they only read or flag it under the
 * domain's lock.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "domain_job.h"
#include "viraccessapicheck.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainGetJobInfo(virDomainPtr dom, virDomainJobInfoPtr info)
{
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = vxlEntryBegin(dom, virDomainGetJobInfoEnsureACL, VIR_JOB_NONE)))
        return -1;
    ret = vxlDomainJobGetInfo(vm, info);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainGetJobStats(virDomainPtr dom, int *type,
                     virTypedParameterPtr *params, int *nparams,
                     unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_JOB_STATS_COMPLETED |
                  VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainGetJobStatsEnsureACL, VIR_JOB_NONE)))
        return -1;
    ret = vxlDomainJobGetStats(vm, flags, type, params, nparams);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainAbortJob(virDomainPtr dom)
{
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = vxlEntryBegin(dom, virDomainAbortJobEnsureACL, VIR_JOB_NONE)))
        return -1;
    ret = vxlDomainJobAbort(vm);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}
