/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_iftune.c: virsh domiftune, an interface's bandwidth limits,
 * live and in the definition. The work is domain_iftune.c's.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

#define VXL_IFTUNE_FLAGS (VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)

int
vxlDomainGetInterfaceParameters(virDomainPtr dom, const char *device,
                                virTypedParameterPtr params, int *nparams,
                                unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def;
    virDomainDef *persistentDef;
    int ret = -1;

    virCheckFlags(VXL_IFTUNE_FLAGS | VIR_TYPED_PARAM_STRING_OKAY, -1);
    flags &= ~VIR_TYPED_PARAM_STRING_OKAY;
    if (!(vm = vxlEntryBegin(dom, virDomainGetInterfaceParametersEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0)
        ret = vxlDomainIftuneGet(def ? def : persistentDef, !!def, device,
                                 params, nparams);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainSetInterfaceParameters(virDomainPtr dom, const char *device,
                                virTypedParameterPtr params, int nparams,
                                unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def;
    virDomainDef *persistentDef;
    int ret = -1;

    virCheckFlags(VXL_IFTUNE_FLAGS, -1);
    if (!(vm = vxlEntryBeginFlags(dom, virDomainSetInterfaceParametersEnsureACL,
                                  flags, VIR_JOB_MODIFY)))
        return -1;
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0)
        ret = vxlDomainIftuneSet(vxl_driver, vm, device, params, nparams,
                                 def, persistentDef);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}
