/*
 * domain_job.c: per-domain jobs and the unlock-around-backend rule.
 *
 * A job serialises modifications of one domain; its lock only guards
 * memory. While Xen works (a create may take seconds) the job is held
 * and the lock is not, so lookups, listings and info queries of this and
 * every other domain carry on.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virerror.h"
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
vxlDomainObjFromDomain(vxlDriver *driver, virDomainPtr dom)
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

void
vxlDomainEventLifecycle(vxlDriver *driver, virDomainObj *vm,
                        int type, int detail)
{
    virObjectEvent *event = virDomainEventLifecycleNewFromObj(vm, type, detail);

    virObjectEventStateQueue(driver->domainEventState, event);
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
