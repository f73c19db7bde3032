/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_lifecycle_action.c: change what happens when a guest powers
 * off, reboots or crashes (virsh set-lifecycle-action), in the running
 * domain and in its definition.
 *
 * The driver, not Xen, carries the actions out (domain_shutdown.c reads
 * them from the live definition when the guest stops), so a live change
 * is the live definition's: libxl's copy of the actions in the config it
 * was built with is only ever read by xl.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

static int *
vxlLifecycleSlot(virDomainDef *def, virDomainLifecycle type)
{
    switch (type) {
    case VIR_DOMAIN_LIFECYCLE_POWEROFF:
        return &def->onPoweroff;
    case VIR_DOMAIN_LIFECYCLE_REBOOT:
        return &def->onReboot;
    case VIR_DOMAIN_LIFECYCLE_CRASH:
        return &def->onCrash;
    case VIR_DOMAIN_LIFECYCLE_LAST:
        break;
    }
    return NULL;
}

int
vxlDomainLifecycleActionSet(vxlDriver *driver, virDomainObj *vm,
                            unsigned int type, unsigned int action,
                            virDomainDef *def, virDomainDef *persistentDef)
{
    int *liveSlot = NULL;
    int oldLive = 0;

    if (type >= VIR_DOMAIN_LIFECYCLE_LAST ||
        action >= VIR_DOMAIN_LIFECYCLE_ACTION_LAST) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("lifecycle event %u or action %u is not one libvirt knows"),
                       type, action);
        return -1;
    }
    /* Xen has every action libvirt has (xl's were the model); which
     * event may have which is libvirt's rule. */
    if (!virDomainDefLifecycleActionAllowed(type, action))
        return -1;

    if (def) {
        liveSlot = vxlLifecycleSlot(def, type);
        oldLive = *liveSlot;
        *liveSlot = action;
        if (vxlDomainSaveStatus(driver, vm) < 0) {
            *liveSlot = oldLive;
            return -1;
        }
    }
    if (persistentDef) {
        g_autoptr(virDomainDef) copy = virDomainDefCopy(persistentDef,
                                                         driver->xmlopt, NULL,
                                                         false);

        if (copy) {
            *vxlLifecycleSlot(copy, type) = action;
            if (virDomainDefSave(copy, driver->xmlopt,
                                 driver->cfg->configDir) == 0) {
                *vxlLifecycleSlot(persistentDef, type) = action;
                return 0;
            }
        }
        /* The definition is as it was: so is the live domain again. */
        if (liveSlot) {
            *liveSlot = oldLive;
            ignore_value(vxlDomainSaveStatus(driver, vm));
        }
        return -1;
    }
    return 0;
}
