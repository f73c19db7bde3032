/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_undefine.c: forgetting a domain's persistent definition (virsh
 * undefine), with what hangs off it: its managed save image and its
 * snapshots' metadata.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_save.h"
#include "domain_snapshot.h"
#include "util_crashpoint.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_undefine");

int
vxlDomainUndefinePersistent(vxlDriver *driver, virDomainObj *vm,
                            unsigned int flags)
{
    if (!vm->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot undefine transient domain '%s'"), vm->def->name);
        return -1;
    }
    if (vxlDomainHasManagedSave(driver, vm) &&
        !(flags & VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' has a managed save image; undefine it with the managed-save flag"),
                       vm->def->name);
        return -1;
    }
    if (virDomainSnapshotObjListNum(vxlSnapshotList(driver, vm), NULL, 0) > 0 &&
        !(flags & VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' has snapshots; undefine it with the snapshots-metadata flag"),
                       vm->def->name);
        return -1;
    }
    VXL_CRASH_POINT("undefine.before-delete");
    if (vm->hasManagedSave && vxlDomainManagedSaveDiscard(driver, vm) < 0)
        return -1;
    if (vxlSnapshotDiscardAll(driver, vm) < 0)
        return -1;
    if (vxlDomainConfigDelete(driver, vm) < 0)
        return -1;
    VXL_CRASH_POINT("undefine.after-delete");

    vm->autostart = 0;
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_UNDEFINED,
                            VIR_DOMAIN_EVENT_UNDEFINED_REMOVED);

    /* A running domain lives on as a transient one, as in every libvirt
     * driver; it disappears when it stops. */
    if (virDomainObjIsActive(vm)) {
        vm->persistent = 0;
        g_clear_pointer(&vm->newDef, virDomainDefFree);
        ignore_value(vxlDomainSaveStatus(driver, vm));
    } else {
        virDomainObjListRemove(driver->domains, vm);
    }
    return 0;
}
