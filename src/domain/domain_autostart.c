/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_autostart.c: start domains marked autostart when the daemon
 * starts, once per host boot (libvirt's "autostarted" marker in the
 * state dir keeps a daemon restart from starting them again).
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_save.h"
#include "vxl_driver.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_autostart");

void
vxlDomainAutostartAll(vxlDriver *driver)
{
    virDomainObj **vms = NULL;
    size_t nvms = 0;
    bool autostart;
    size_t i;

    if (virDriverShouldAutostart(driver->cfg->stateDir, &autostart) < 0 ||
        !autostart)
        return;

    virDomainObjListCollect(driver->domains, NULL, &vms, &nvms, NULL, 0);
    for (i = 0; i < nvms; i++) {
        virDomainObj *vm = vms[i];

        virObjectLock(vm);
        /* A domain with a managed save image resumes from it. */
        if (vm->autostart && !virDomainObjIsActive(vm) &&
            (vxlDomainDefEnsure(driver, vm) < 0 ||
             vxlDomainStartOrRestore(driver, vm, 0) < 0))
            VIR_ERROR("failed to autostart domain %s: %s",
                      vm->def->name, virGetLastErrorMessage());
        virObjectUnlock(vm);
    }
    virObjectListFreeCount(vms, nvms);
}
