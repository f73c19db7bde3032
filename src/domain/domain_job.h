/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_job.h: asynchronous jobs of a domain - save, restore, core dump,
 * snapshots and migration - with progress, cancel, completed statistics
 * and the JOB_COMPLETED event.
 *
 * An asynchronous job is libvirt's VIR_JOB_ASYNC (virDomainObjBeginAsyncJob):
 * while it runs, the domain's lock is free and only QUERY, DESTROY and
 * ABORT jobs may start, so a second connection can watch its progress
 * (virsh domjobinfo) or cancel it (virsh domjobabort).
 *
 * How a feature uses it (vm locked throughout, except around the backend
 * call):
 *
 *     if (vxlDomainAsyncJobBegin(driver, vm, VXL_JOB_SAVE, flags) < 0)
 *         goto cleanup;
 *     ...
 *     vxlDomainBackendEnter(vm);
 *     rc = backend hook (..., vxlDomainAsyncJobToken(vm));
 *     vxlDomainBackendExit(vm);
 *     ...
 *     vxlDomainAsyncJobEnd(driver, vm, ret);
 *
 * The backend reports progress through the token (bytes processed of a
 * total) and stops when it is cancelled (VIR_ERR_OPERATION_ABORTED). Code
 * of the driver's own that moves bytes (reading an image) may report on
 * the same token. vxlDomainAsyncJobEnd records the outcome as the
 * domain's completed job (virsh domjobinfo --completed) and, on success,
 * queues VIR_DOMAIN_EVENT_ID_JOB_COMPLETED with the same statistics.
 *
 * A job may span several API calls (migration's Begin/Perform/Finish):
 * any thread holding the vm lock may end it. Nested work that changes the
 * domain while the async job runs takes virDomainObjBeginNestedJob as in
 * libvirt.
 */
#pragma once

#include "vxl_internal.h"
#include "vxl_driver.h"
#include "virdomainjob.h"
#include "virtxl/backend.h"

/* What an asynchronous job does; each maps to libvirt's async job type
 * and job operation (virsh domjobinfo's "Operation"). */
typedef enum {
    VXL_JOB_SAVE = 0,              /* save and managed save */
    VXL_JOB_RESTORE,               /* restore, start from a managed save */
    VXL_JOB_DUMP,                  /* core dump */
    VXL_JOB_MIGRATION_OUT,
    VXL_JOB_MIGRATION_IN,
    VXL_JOB_SNAPSHOT,
    VXL_JOB_SNAPSHOT_REVERT,

    VXL_JOB_LAST
} vxlJobKind;

/* The job callbacks of the driver's virDomainXMLOption. */
extern virDomainJobObjConfig vxlDomainJobConfig;

/* Start an asynchronous job of @kind on @vm (locked, no job held),
 * waiting for other jobs as virDomainObjBeginJob does. @apiFlags are the
 * flags of the API that starts it. */
int vxlDomainAsyncJobBegin(vxlDriver *driver, virDomainObj *vm,
                           vxlJobKind kind, unsigned int apiFlags);

/* The running async job's token, for the backend hook (NULL when no
 * async job runs). Valid until vxlDomainAsyncJobEnd. */
vxlJobToken *vxlDomainAsyncJobToken(virDomainObj *vm);

/* The guest's vCPUs stopped now (for the job's downtime statistic). */
void vxlDomainAsyncJobNoteStopped(virDomainObj *vm);

/* Whether domjobabort may cancel the job now (default true); a job in a
 * phase that must not be interrupted says false, and an abort is then
 * refused with VIR_ERR_OPERATION_INVALID. */
void vxlDomainAsyncJobSetAbortable(virDomainObj *vm, bool abortable);

/* Whether the user asked to cancel the running job. */
bool vxlDomainAsyncJobCancelled(virDomainObj *vm);

/* End the async job: @ret 0 is success, -1 failure (the last error is
 * kept as the job's error message; a job cancelled by the user counts as
 * cancelled). Records the completed job's statistics and on success
 * queues VIR_DOMAIN_EVENT_ID_JOB_COMPLETED. Preserves the last error. */
void vxlDomainAsyncJobEnd(vxlDriver *driver, virDomainObj *vm, int ret);

/* --- what the entry points call (vm locked, no job needed) --- */

/* virDomainGetJobInfo: the running async job, or type NONE. */
int vxlDomainJobGetInfo(virDomainObj *vm, virDomainJobInfoPtr info);

/* virDomainGetJobStats: the running job, or with
 * VIR_DOMAIN_JOB_STATS_COMPLETED the last completed one (forgotten after
 * reading unless VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED). */
int vxlDomainJobGetStats(virDomainObj *vm, unsigned int flags, int *type,
                         virTypedParameterPtr *params, int *nparams);

/* virDomainAbortJob: cancel the running async job. Errors:
 * VIR_ERR_OPERATION_INVALID when none runs or it cannot be aborted now.
 * Returns at once; the job ends (as cancelled) in its own thread. */
int vxlDomainJobAbort(virDomainObj *vm);
