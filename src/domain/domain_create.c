/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_create.c: a domain created from XML and started at once
 * (virsh create): listed as transient, or as the live run of a defined
 * domain of the same UUID, and removed again when the start fails.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* The domain @def goes into, with its job held: a defined domain of the
 * same UUID (its job taken before its definition can be replaced), or a
 * new transient one. NULL when the list refuses it (already running). */
static virDomainObj *
vxlDomainCreateListed(vxlDriver *driver, virDomainDef **def)
{
    virDomainObj *existing = NULL;
    virDomainObj *vm;

    /* A start in progress has dropped the lock but is not yet active, so
     * CHECK_LIVE alone would let this XML become the live definition of
     * the domain that start creates: hold that domain's job first. */
    if (vxlDomainDefineLockExisting(driver, *def, &existing) < 0)
        return NULL;
    if (existing)
        virObjectUnlock(existing);

    /* CHECK_LIVE refuses a name or UUID that is already running. */
    vm = vxlDomainListAdd(driver, def,
                          VIR_DOMAIN_OBJ_LIST_ADD_LIVE |
                          VIR_DOMAIN_OBJ_LIST_ADD_CHECK_LIVE, NULL);
    if (existing && vm != existing) {
        /* Refused, or the domain went away while we waited: not the job
         * to start under. */
        if (vm)
            virObjectUnlock(vm);
        virObjectLock(existing);
        vxlDomainJobEnd(existing);
        virDomainObjEndAPI(&existing);
        if (vm)
            virObjectLock(vm);
    }
    if (!vm)
        return NULL;

    if (existing) {
        /* vm is existing, whose job we hold: drop the lookup's reference. */
        virObjectUnref(existing);
    } else if (vxlDomainJobBegin(driver, vm, VIR_JOB_MODIFY) < 0) {
        if (!vm->persistent)
            virDomainObjListRemove(driver->domains, vm);
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    return vm;
}

int
vxlDomainCreateStarted(vxlDriver *driver, virDomainDef **def, bool paused,
                       char **name, unsigned char *uuid, int *id)
{
    virDomainObj *vm;
    int ret = -1;

    if (vxlDomainCheckHostCpus(driver, *def) < 0)
        return -1;
    if (!(vm = vxlDomainCreateListed(driver, def)))
        return -1;

    if (vxlDomainStart(driver, vm, paused, VIR_DOMAIN_RUNNING_BOOTED) < 0) {
        vxlDomainJobEnd(vm);
        vxlDomainRemoveIfTransient(driver, vm);
        goto cleanup;
    }
    *name = g_strdup(vm->def->name);
    memcpy(uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    *id = vm->def->id;
    vxlDomainJobEnd(vm);
    ret = 0;

 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}
