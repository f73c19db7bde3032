/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_define.c: a definition made persistent (virsh define): added
 * to the domain list or replacing the one of the same UUID, written to
 * the configuration directory, announced; a failed write puts back what
 * was there.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "translate.h"
#include "util_crashpoint.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainDefineLockExisting(vxlDriver *driver, const virDomainDef *def,
                            virDomainObj **vm)
{
    *vm = virDomainObjListFindByUUID(driver->domains, def->uuid);
    if (!*vm)
        return 0;
    if (vxlDomainDefEnsure(driver, *vm) < 0) {
        virDomainObjEndAPI(vm);
        return -1;
    }
    if (vxlDomainJobBegin(driver, *vm, VIR_JOB_MODIFY) < 0) {
        virDomainObjEndAPI(vm);
        return -1;
    }
    return 0;
}

int
vxlDomainDefine(vxlDriver *driver, virDomainDef **def, char **name,
                unsigned char *uuid, int *id)
{
    g_autoptr(virDomainDef) oldDef = NULL;
    virDomainObj *existing = NULL;
    virDomainObj *vm = NULL;
    bool wasPersistent = false;
    int ret = -1;

    if (vxlDomainCheckHostCpus(driver, *def) < 0)
        return -1;

    if (vxlDomainDefineLockExisting(driver, *def, &existing) < 0)
        return -1;
    if (existing) {
        wasPersistent = existing->persistent;
        virObjectUnlock(existing);
    }

    if (!(vm = vxlDomainListAdd(driver, def, 0, &oldDef)))
        goto cleanup;
    vm->persistent = 1;

    VXL_CRASH_POINT("define.before-save");
    if (vxlDomainConfigSave(driver, vm->newDef ? vm->newDef : vm->def) < 0) {
        /* Put back what was there: the old definition, or nothing. */
        if (!existing) {
            virDomainObjListRemove(driver->domains, vm);
        } else {
            if (oldDef)
                virDomainObjAssignDef(vm, &oldDef, false, NULL);
            else
                g_clear_pointer(&vm->newDef, virDomainDefFree);
            vm->persistent = wasPersistent;
        }
        goto cleanup;
    }

    VXL_CRASH_POINT("define.after-save");
    /* What Xen ignores of it, once per define (not at each validation). */
    vxlTranslateNotes(vm->newDef ? vm->newDef : vm->def);
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_DEFINED,
                            oldDef ? VIR_DOMAIN_EVENT_DEFINED_UPDATED :
                                     VIR_DOMAIN_EVENT_DEFINED_ADDED);
    *name = g_strdup(vm->def->name);
    memcpy(uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    *id = vm->def->id;
    ret = 0;

 cleanup:
    if (vm)
        virDomainObjEndAPI(&vm);
    if (existing) {
        virObjectLock(existing);
        vxlDomainJobEnd(existing);
        virDomainObjEndAPI(&existing);
    }
    return ret;
}
