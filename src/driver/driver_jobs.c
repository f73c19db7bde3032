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
#include "domain.h"
#include "domain_job.h"
#include "viraccessapicheck.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainGetJobInfo(virDomainPtr dom, virDomainJobInfoPtr info)
{
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return -1;
    if (virDomainGetJobInfoEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    ret = vxlDomainJobGetInfo(vm, info);
 cleanup:
    virDomainObjEndAPI(&vm);
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

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return -1;
    if (virDomainGetJobStatsEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    ret = vxlDomainJobGetStats(vm, flags, type, params, nparams);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainAbortJob(virDomainPtr dom)
{
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return -1;
    if (virDomainAbortJobEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    ret = vxlDomainJobAbort(vm);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}
