/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_devices.c: device hotplug (virsh attach-device, attach-disk,
 * attach-interface, detach-*, update-device, change-media).
 *
 * Thin entry points: flags, domain, ACL, job, which definitions the
 * flags mean (virDomainObjGetDefs: AFFECT_LIVE needs a running domain,
 * AFFECT_CONFIG a persistent one), then one call into domain_hotplug.c,
 * which does the work and says what Xen can and cannot hot-plug.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_devices");

typedef int (*vxlDomainDeviceFunc)(vxlDriver *driver, virDomainObj *vm,
                                   const char *xml, virDomainDef *def,
                                   virDomainDef *persistentDef);

static int
vxlDomainDeviceChange(virDomainPtr dom, const char *xml, unsigned int flags,
                      vxlEntryACLFlags acl, vxlDomainDeviceFunc func)
{
    virDomainObj *vm;
    virDomainDef *def = NULL;
    virDomainDef *persistentDef = NULL;
    int ret = -1;

    if (!(vm = vxlEntryBeginFlags(dom, acl, flags, VIR_JOB_MODIFY)))
        return -1;
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0)
        ret = func(vxl_driver, vm, xml, def, persistentDef);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainAttachDeviceFlags(virDomainPtr dom, const char *xml,
                           unsigned int flags)
{
    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    return vxlDomainDeviceChange(dom, xml, flags,
                                 virDomainAttachDeviceFlagsEnsureACL,
                                 vxlDomainHotplugAttach);
}

/* The calls without flags are hotplug: the running domain only. */
int
vxlDomainAttachDevice(virDomainPtr dom, const char *xml)
{
    return vxlDomainAttachDeviceFlags(dom, xml, VIR_DOMAIN_AFFECT_LIVE);
}

int
vxlDomainDetachDeviceFlags(virDomainPtr dom, const char *xml,
                           unsigned int flags)
{
    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    return vxlDomainDeviceChange(dom, xml, flags,
                                 virDomainDetachDeviceFlagsEnsureACL,
                                 vxlDomainHotplugDetach);
}

int
vxlDomainDetachDevice(virDomainPtr dom, const char *xml)
{
    return vxlDomainDetachDeviceFlags(dom, xml, VIR_DOMAIN_AFFECT_LIVE);
}

/* virsh detach-device-alias: the device found by its alias in each
 * definition the flags name. */
int
vxlDomainDetachDeviceAlias(virDomainPtr dom, const char *alias,
                           unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def = NULL;
    virDomainDef *persistentDef = NULL;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (!(vm = vxlEntryBeginFlags(dom, virDomainDetachDeviceAliasEnsureACL,
                                  flags, VIR_JOB_MODIFY)))
        return -1;
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0)
        ret = vxlDomainHotplugDetachAlias(vxl_driver, vm, alias, def,
                                          persistentDef);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainUpdateDeviceFlags(virDomainPtr dom, const char *xml,
                           unsigned int flags)
{
    /* FORCE (eject a locked tray) means nothing to Xen, whose guests
     * cannot lock the drive against the toolstack. */
    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                  VIR_DOMAIN_DEVICE_MODIFY_FORCE, -1);
    return vxlDomainDeviceChange(dom, xml, flags & ~VIR_DOMAIN_DEVICE_MODIFY_FORCE,
                                 virDomainUpdateDeviceFlagsEnsureACL,
                                 vxlDomainHotplugUpdate);
}
