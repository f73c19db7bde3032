/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_console.c: virsh console (virDomainOpenConsole).
 */
#include "vxl_internal.h"

#include "driver_entry.h"
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

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return -1;
    if (virDomainOpenConsoleEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    /* dom0's console is the host's own (xl console 0 from its shell) */
    if (virDomainObjCheckActive(vm) < 0 || vxlDomainRefuseDom0(vm) < 0)
        goto cleanup;
    ret = vxlDomainConsoleConnect(vxl_driver, vm, dev_name, st, flags);

 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}
