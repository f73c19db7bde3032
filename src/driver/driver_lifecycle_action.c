/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_lifecycle_action.c: virsh set-lifecycle-action, what a guest's
 * power-off, reboot or crash leads to, live and in the definition.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainSetLifecycleAction(virDomainPtr dom, unsigned int type,
                            unsigned int action, unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def;
    virDomainDef *persistentDef;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainSetLifecycleActionEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0)
        ret = vxlDomainLifecycleActionSet(vxl_driver, vm, type, action,
                                          def, persistentDef);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}
