/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_job.c: per-domain jobs and the unlock-around-backend rule, and
 * the asynchronous jobs of domain_job.h (progress, cancel, statistics).
 *
 * A job serialises modifications of one domain; its lock only guards
 * memory. While Xen works (a create may take seconds) the job is held
 * and the lock is not, so lookups, listings and info queries of this and
 * every other domain carry on.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_job.h"
#include "domain_event.h"
#include "virerror.h"
#include "virtime.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainJobBegin(vxlDriver *driver, virDomainObj *vm, virDomainJob job)
{
    if (job != VIR_JOB_QUERY && vxlDomainRefuseDom0(vm) < 0)
        return -1;
    if (driver->cfg->maxQueuedJobs)
        vm->job->maxQueuedJobs = driver->cfg->maxQueuedJobs;
    return virDomainObjBeginJob(vm, job);
}

void
vxlDomainJobEnd(virDomainObj *vm)
{
    virDomainObjEndJob(vm);
}

void
vxlDomainBackendEnter(virDomainObj *vm)
{
    virObjectRef(vm);
    virObjectUnlock(vm);
}

void
vxlDomainBackendExit(virDomainObj *vm)
{
    virObjectLock(vm);
    virObjectUnref(vm);
}

/* A virDomainPtr names a domain by UUID; it may have been undefined or
 * may have been transient and stopped since the client looked it up. */
virDomainObj *
vxlDomainObjFindForAccess(vxlDriver *driver, virDomainPtr dom)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    virDomainObj *vm;

    if ((vm = virDomainObjListFindByUUID(driver->domains, dom->uuid)))
        return vm;
    virReportError(VIR_ERR_NO_DOMAIN,
                   _("domain '%s' (uuid %s) is not defined or running on this host"),
                   dom->name, virUUIDFormat(dom->uuid, uuidstr));
    return NULL;
}

virDomainObj *
vxlDomainObjFromDomain(vxlDriver *driver, virDomainPtr dom)
{
    virDomainObj *vm;

    /* Every call on a domain comes here: its definition, listed at
     * start-up before it was parsed, is read now if it is not yet. */
    if ((vm = vxlDomainObjFindForAccess(driver, dom)) &&
        vxlDomainDefEnsure(driver, vm) < 0)
        virDomainObjEndAPI(&vm);
    return vm;
}

void
vxlDomainEventLifecycle(vxlDriver *driver, virDomainObj *vm,
                        int type, int detail)
{
    virObjectEvent *event = virDomainEventLifecycleNewFromObj(vm, type, detail);

    virObjectEventStateQueue(driver->domainEventState, event);
}

void
vxlDomainStateChanged(vxlDriver *driver, virDomainObj *vm, int state,
                      int reason, int type, int detail)
{
    virDomainObjSetState(vm, state, reason);
    ignore_value(vxlDomainSaveStatus(driver, vm));
    vxlDomainEventLifecycle(driver, vm, type, detail);
}

/* Keep libvirtd's --timeout from stopping the daemon while domains run. */
void
vxlDomainActiveChanged(vxlDriver *driver, bool active)
{
    bool notify = false;
    bool inhibit = false;

    VIR_WITH_MUTEX_LOCK_GUARD(&driver->lock) {
        if (active) {
            notify = driver->nactive++ == 0;
            inhibit = true;
        } else if (driver->nactive > 0) {
            notify = --driver->nactive == 0;
            inhibit = false;
        }
    }
    if (notify && driver->inhibitCallback)
        driver->inhibitCallback(inhibit, driver->inhibitOpaque);
}

/* ---------- asynchronous jobs ---------- */

/* vm->job->privateData: what the running async job needs beyond
 * libvirt's fields. Guarded by the vm lock. */
typedef struct {
    vxlJobKind kind;
    vxlJobToken *token;            /* owned; NULL when no async job runs */
    bool notAbortable;
} vxlDomainJobPriv;

/* virDomainJobData's privateData: the figures of one job, current or
 * completed. */
typedef struct {
    unsigned long long processed;  /* bytes */
    unsigned long long total;      /* bytes; 0 = not known */
    unsigned long long downtime;   /* ms the guest stood still; completed
                                      jobs only */
    bool downtimeSet;
    unsigned long long iteration;  /* live copies: the round; 0: none */
    unsigned long long dirtyRate;  /* live copies: pages per second */
} vxlJobDataPriv;

static void *
vxlDomainJobPrivAlloc(void)
{
    return g_new0(vxlDomainJobPriv, 1);
}

static void
vxlDomainJobPrivReset(void *opaque)
{
    vxlDomainJobPriv *priv = opaque;

    g_clear_pointer(&priv->token, vxlJobTokenFree);
    priv->kind = VXL_JOB_LAST;
    priv->notAbortable = false;
}

static void
vxlDomainJobPrivFree(void *opaque)
{
    if (!opaque)
        return;
    vxlDomainJobPrivReset(opaque);
    g_free(opaque);
}

static void *
vxlJobDataPrivAlloc(void)
{
    return g_new0(vxlJobDataPriv, 1);
}

static void *
vxlJobDataPrivCopy(void *data)
{
    vxlJobDataPriv *copy = g_new0(vxlJobDataPriv, 1);

    /* g_memdup2 is newer than the GLib libvirt builds against. */
    *copy = *(const vxlJobDataPriv *)data;
    return copy;
}

static void
vxlJobDataPrivFree(void *data)
{
    g_free(data);
}

virDomainJobObjConfig vxlDomainJobConfig = {
    .cb = {
        .allocJobPrivate = vxlDomainJobPrivAlloc,
        .freeJobPrivate = vxlDomainJobPrivFree,
        .resetJobPrivate = vxlDomainJobPrivReset,
    },
    .jobDataPrivateCb = {
        .allocPrivateData = vxlJobDataPrivAlloc,
        .copyPrivateData = vxlJobDataPrivCopy,
        .freePrivateData = vxlJobDataPrivFree,
    },
};

static void
vxlJobKindMap(vxlJobKind kind, virDomainAsyncJob *async,
              virDomainJobOperation *op)
{
    switch (kind) {
    case VXL_JOB_SAVE:
        *async = VIR_ASYNC_JOB_SAVE;
        *op = VIR_DOMAIN_JOB_OPERATION_SAVE;
        return;
    case VXL_JOB_RESTORE:
        /* libvirt has no async job "restore": a restore is a start. */
        *async = VIR_ASYNC_JOB_START;
        *op = VIR_DOMAIN_JOB_OPERATION_RESTORE;
        return;
    case VXL_JOB_DUMP:
        *async = VIR_ASYNC_JOB_DUMP;
        *op = VIR_DOMAIN_JOB_OPERATION_DUMP;
        return;
    case VXL_JOB_MIGRATION_OUT:
        *async = VIR_ASYNC_JOB_MIGRATION_OUT;
        *op = VIR_DOMAIN_JOB_OPERATION_MIGRATION_OUT;
        return;
    case VXL_JOB_MIGRATION_IN:
        *async = VIR_ASYNC_JOB_MIGRATION_IN;
        *op = VIR_DOMAIN_JOB_OPERATION_MIGRATION_IN;
        return;
    case VXL_JOB_SNAPSHOT:
        *async = VIR_ASYNC_JOB_SNAPSHOT;
        *op = VIR_DOMAIN_JOB_OPERATION_SNAPSHOT;
        return;
    case VXL_JOB_SNAPSHOT_REVERT:
        *async = VIR_ASYNC_JOB_SNAPSHOT;
        *op = VIR_DOMAIN_JOB_OPERATION_SNAPSHOT_REVERT;
        return;
    case VXL_JOB_LAST:
        break;
    }
    *async = VIR_ASYNC_JOB_NONE;
    *op = VIR_DOMAIN_JOB_OPERATION_UNKNOWN;
}

int
vxlDomainAsyncJobBegin(vxlDriver *driver, virDomainObj *vm,
                       vxlJobKind kind, unsigned int apiFlags)
{
    virDomainAsyncJob async;
    virDomainJobOperation op;
    vxlDomainJobPriv *priv;
    vxlJobToken *token;

    /* save, managed save, dump, snapshot, migration: none for the host's
     * own domain, refused before anything about it changes */
    if (vxlDomainRefuseDom0(vm) < 0)
        return -1;
    vxlJobKindMap(kind, &async, &op);
    if (async == VIR_ASYNC_JOB_NONE) {
        virReportEnumRangeError(vxlJobKind, kind);
        return -1;
    }
    if (!(token = vxlJobTokenNew()))
        return -1;
    if (driver->cfg->maxQueuedJobs)
        vm->job->maxQueuedJobs = driver->cfg->maxQueuedJobs;
    if (virDomainObjBeginAsyncJob(vm, async, op, apiFlags) < 0) {
        vxlJobTokenFree(token);
        return -1;
    }
    priv = vm->job->privateData;
    priv->kind = kind;
    priv->token = token;
    priv->notAbortable = false;
    return 0;
}

vxlJobToken *
vxlDomainAsyncJobToken(virDomainObj *vm)
{
    vxlDomainJobPriv *priv = vm->job->privateData;

    if (vm->job->asyncJob == VIR_ASYNC_JOB_NONE || !priv)
        return NULL;
    return priv->token;
}

void
vxlDomainAsyncJobNoteStopped(virDomainObj *vm)
{
    if (vm->job->current && !vm->job->current->stopped)
        ignore_value(virTimeMillisNow(&vm->job->current->stopped));
}

void
vxlDomainAsyncJobSetAbortable(virDomainObj *vm, bool abortable)
{
    vxlDomainJobPriv *priv = vm->job->privateData;

    if (priv)
        priv->notAbortable = !abortable;
}

bool
vxlDomainAsyncJobCancelled(virDomainObj *vm)
{
    return vxlJobTokenCancelled(vxlDomainAsyncJobToken(vm));
}

/* Bring @data (the current job) up to date: figures from the token and
 * the time elapsed. */
static void
vxlDomainJobRefresh(virDomainObj *vm, virDomainJobData *data)
{
    vxlJobDataPriv *dpriv = data->privateData;
    unsigned long long now = 0;

    if (virTimeMillisNow(&now) == 0 && data->started && now >= data->started)
        data->timeElapsed = now - data->started;
    if (dpriv) {
        unsigned long long stoppedAt = 0;

        vxlJobTokenGetProgress(vxlDomainAsyncJobToken(vm),
                               &dpriv->processed, &dpriv->total);
        vxlJobTokenGetRound(vxlDomainAsyncJobToken(vm), &dpriv->iteration,
                            &dpriv->dirtyRate, &stoppedAt);
        /* A live copy's guest stopped when the backend said so. */
        if (stoppedAt && !data->stopped)
            data->stopped = stoppedAt;
        if (dpriv->total < dpriv->processed)
            dpriv->total = dpriv->processed;
        if (data->stopped && now >= data->stopped) {
            dpriv->downtime = now - data->stopped;
            dpriv->downtimeSet = true;
        }
    }
}

static int
vxlJobDataToParams(virDomainJobData *data, bool completed,
                   virTypedParameterPtr *params, int *nparams)
{
    vxlJobDataPriv *dpriv = data->privateData;
    virTypedParameterPtr par = NULL;
    int npar = 0;
    int maxpar = 0;
    unsigned long long processed = dpriv ? dpriv->processed : 0;
    unsigned long long total = dpriv ? dpriv->total : 0;
    unsigned long long remaining = total > processed ? total - processed : 0;

    if (virTypedParamsAddInt(&par, &npar, &maxpar, VIR_DOMAIN_JOB_OPERATION,
                             data->operation) < 0 ||
        virTypedParamsAddULLong(&par, &npar, &maxpar,
                                VIR_DOMAIN_JOB_TIME_ELAPSED,
                                data->timeElapsed) < 0 ||
        virTypedParamsAddULLong(&par, &npar, &maxpar, VIR_DOMAIN_JOB_DATA_TOTAL,
                                total) < 0 ||
        virTypedParamsAddULLong(&par, &npar, &maxpar,
                                VIR_DOMAIN_JOB_DATA_PROCESSED, processed) < 0 ||
        virTypedParamsAddULLong(&par, &npar, &maxpar,
                                VIR_DOMAIN_JOB_DATA_REMAINING, remaining) < 0 ||
        virTypedParamsAddULLong(&par, &npar, &maxpar,
                                VIR_DOMAIN_JOB_MEMORY_TOTAL, total) < 0 ||
        virTypedParamsAddULLong(&par, &npar, &maxpar,
                                VIR_DOMAIN_JOB_MEMORY_PROCESSED, processed) < 0 ||
        virTypedParamsAddULLong(&par, &npar, &maxpar,
                                VIR_DOMAIN_JOB_MEMORY_REMAINING, remaining) < 0)
        goto error;
    if (dpriv && dpriv->iteration &&
        (virTypedParamsAddULLong(&par, &npar, &maxpar,
                                 VIR_DOMAIN_JOB_MEMORY_ITERATION,
                                 dpriv->iteration) < 0 ||
         virTypedParamsAddULLong(&par, &npar, &maxpar,
                                 VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE,
                                 dpriv->dirtyRate) < 0 ||
         virTypedParamsAddULLong(&par, &npar, &maxpar,
                                 VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE, 4096) < 0))
        goto error;
    if (completed && dpriv && dpriv->downtimeSet &&
        virTypedParamsAddULLong(&par, &npar, &maxpar, VIR_DOMAIN_JOB_DOWNTIME,
                                dpriv->downtime) < 0)
        goto error;
    if (completed &&
        virTypedParamsAddBoolean(&par, &npar, &maxpar, VIR_DOMAIN_JOB_SUCCESS,
                                 data->status == VIR_DOMAIN_JOB_STATUS_COMPLETED) < 0)
        goto error;
    if (data->errmsg &&
        virTypedParamsAddString(&par, &npar, &maxpar, VIR_DOMAIN_JOB_ERRMSG,
                                data->errmsg) < 0)
        goto error;

    *params = par;
    *nparams = npar;
    return 0;

 error:
    virTypedParamsFree(par, npar);
    return -1;
}

void
vxlDomainAsyncJobEnd(vxlDriver *driver, virDomainObj *vm, int ret)
{
    virDomainJobData *cur = vm->job->current;
    virErrorPtr err = NULL;

    virErrorPreserveLast(&err);
    if (cur) {
        vxlDomainJobRefresh(vm, cur);
        if (ret == 0) {
            cur->status = VIR_DOMAIN_JOB_STATUS_COMPLETED;
        } else {
            cur->status = vxlDomainAsyncJobCancelled(vm) ?
                VIR_DOMAIN_JOB_STATUS_CANCELED : VIR_DOMAIN_JOB_STATUS_FAILED;
            g_free(cur->errmsg);
            cur->errmsg = g_strdup(err ? err->message : NULL);
        }
        g_clear_pointer(&vm->job->completed, virDomainJobDataFree);
        vm->job->completed = virDomainJobDataCopy(cur);
        vm->job->completed->jobType = virDomainJobStatusToType(cur->status);

        if (ret == 0) {
            virTypedParameterPtr params = NULL;
            int nparams = 0;

            if (vxlJobDataToParams(vm->job->completed, true,
                                   &params, &nparams) == 0) {
                virObjectEvent *event =
                    virDomainEventJobCompletedNewFromObj(vm, params, nparams);

                virObjectEventStateQueue(driver->domainEventState, event);
            } else {
                virResetLastError();
            }
        }
    }
    virDomainObjEndAsyncJob(vm);
    virErrorRestore(&err);
}

int
vxlDomainJobGetInfo(virDomainObj *vm, virDomainJobInfoPtr info)
{
    virDomainJobData *cur = vm->job->current;
    vxlJobDataPriv *dpriv;

    memset(info, 0, sizeof(*info));
    if (vm->job->asyncJob == VIR_ASYNC_JOB_NONE || !cur) {
        info->type = VIR_DOMAIN_JOB_NONE;
        return 0;
    }
    vxlDomainJobRefresh(vm, cur);
    dpriv = cur->privateData;
    info->type = virDomainJobStatusToType(cur->status);
    info->timeElapsed = cur->timeElapsed;
    if (dpriv) {
        info->dataTotal = info->memTotal = dpriv->total;
        info->dataProcessed = info->memProcessed = dpriv->processed;
        info->dataRemaining = info->memRemaining = dpriv->total - dpriv->processed;
    }
    return 0;
}

int
vxlDomainJobGetStats(virDomainObj *vm, unsigned int flags, int *type,
                     virTypedParameterPtr *params, int *nparams)
{
    bool completed = !!(flags & VIR_DOMAIN_JOB_STATS_COMPLETED);
    virDomainJobData *data;

    *type = VIR_DOMAIN_JOB_NONE;
    *params = NULL;
    *nparams = 0;

    if (completed) {
        if (!(data = vm->job->completed))
            return 0;
    } else {
        if (vm->job->asyncJob == VIR_ASYNC_JOB_NONE || !vm->job->current)
            return 0;
        data = vm->job->current;
        vxlDomainJobRefresh(vm, data);
    }

    if (vxlJobDataToParams(data, completed, params, nparams) < 0)
        return -1;
    *type = completed ? data->jobType : virDomainJobStatusToType(data->status);

    if (completed && !(flags & VIR_DOMAIN_JOB_STATS_KEEP_COMPLETED))
        g_clear_pointer(&vm->job->completed, virDomainJobDataFree);
    return 0;
}

int
vxlDomainJobAbort(virDomainObj *vm)
{
    vxlDomainJobPriv *priv = vm->job->privateData;

    if (vm->job->asyncJob == VIR_ASYNC_JOB_NONE || !priv || !priv->token) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' has no job to abort"), vm->def->name);
        return -1;
    }
    if (priv->notAbortable) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("the %s job of domain '%s' cannot be aborted at this point"),
                       virDomainAsyncJobTypeToString(vm->job->asyncJob),
                       vm->def->name);
        return -1;
    }
    vm->job->abortJob = true;
    vxlJobTokenCancel(priv->token);
    return 0;
}
