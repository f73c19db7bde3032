/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_skeleton.c: find, check access, begin the job; and the way back.
 * Every domain entry point goes through these, so a lookup error, a
 * refused access and a busy domain read the same from every API.
 */
#include "vxl_internal.h"

#include "driver_skeleton.h"
#include "domain.h"

/* After the access check: a definition still pending from start-up is
 * read now (a broken one says so only to a client allowed to see the
 * domain), then the job. */
static virDomainObj *
vxlEntryJobBegin(virDomainObj *vm, virDomainJob job)
{
    if (vxlDomainDefEnsure(vxl_driver, vm) < 0) {
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    if (job != VIR_JOB_NONE && vxlDomainJobBegin(vxl_driver, vm, job) < 0) {
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    return vm;
}

virDomainObj *
vxlEntryBegin(virDomainPtr dom, vxlEntryACL acl, virDomainJob job)
{
    virDomainObj *vm;

    if (!(vm = vxlDomainObjFindForAccess(vxl_driver, dom)))
        return NULL;
    if (acl(dom->conn, vm->def) < 0) {
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    return vxlEntryJobBegin(vm, job);
}

virDomainObj *
vxlEntryBeginFlags(virDomainPtr dom, vxlEntryACLFlags acl, unsigned int flags,
                   virDomainJob job)
{
    virDomainObj *vm;

    if (!(vm = vxlDomainObjFindForAccess(vxl_driver, dom)))
        return NULL;
    if (acl(dom->conn, vm->def, flags) < 0) {
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    return vxlEntryJobBegin(vm, job);
}

void
vxlEntryEnd(virDomainObj **vm, virDomainJob job)
{
    if (!*vm)
        return;
    if (job != VIR_JOB_NONE)
        vxlDomainJobEnd(*vm);
    virDomainObjEndAPI(vm);
}
