/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_empty_answers.c: calls whose true answer for a Xen guest is
 * "none", answered so rather than refused, because libvirt's API has a
 * way to say it: a guest's disk errors (virsh domblkerror; Xen never
 * stops a guest for one), its IOThreads (virsh iothreadinfo; Xen has
 * none, and a definition asking for them is refused) and its security
 * labels (Xen confines guests itself; no dom0 LSM label).
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainGetDiskErrors(virDomainPtr dom, virDomainDiskErrorPtr errors,
                       unsigned int maxerrors, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetDiskErrorsEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    ret = vxlDomainDiskErrorList(vm, errors, maxerrors);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainGetIOThreadInfo(virDomainPtr dom, virDomainIOThreadInfoPtr **info,
                         unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def;
    virDomainDef *persistentDef;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetIOThreadInfoEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    /* Only to check @flags against the domain's state. */
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0) {
        *info = NULL;
        ret = 0;
    }
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainGetSecurityLabelList(virDomainPtr dom, virSecurityLabelPtr *seclabels)
{
    virDomainObj *vm;

    /* One label, empty: as virDomainGetSecurityLabel gives, and as
     * libvirt's drivers give for the security model "none". */
    if (!(vm = vxlEntryBegin(dom, virDomainGetSecurityLabelListEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    *seclabels = g_new0(virSecurityLabel, 1);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return 1;
}
