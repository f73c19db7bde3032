/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_console.c: virsh console (virDomainOpenConsole).
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainOpenConsole(virDomainPtr dom, const char *dev_name,
                     virStreamPtr st, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_CONSOLE_FORCE | VIR_DOMAIN_CONSOLE_SAFE, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainOpenConsoleEnsureACL, VIR_JOB_NONE)))
        return -1;
    /* dom0's console is the host's own (xl console 0 from its shell) */
    if (virDomainObjCheckActive(vm) < 0 || vxlDomainRefuseDom0(vm) < 0)
        goto cleanup;
    ret = vxlDomainConsoleConnect(vxl_driver, vm, dev_name, st, flags);

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}
