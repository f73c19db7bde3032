/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_hook.c: libvirt's hook scripts for this driver, as libvirt's
 * own libxl driver calls them: /etc/libvirt/hooks/libxl and then each
 * executable of /etc/libvirt/hooks/libxl.d/ (libvirt's virHookCall, which
 * the daemon looked up at its start and again on SIGHUP), with the
 * domain's name, the operation and sub-operation as arguments and its
 * XML on stdin:
 *
 *   prepare begin, start begin   before the domain is built: a script
 *                                that fails refuses the start with
 *                                its message
 *   started begin                once the domain runs
 *   stopped end, release end     after the domain is gone
 *   reconnect begin              a daemon restart found it running
 *   migrate begin                (vxlDomainHookMigrate) on the
 *                                destination, with the incoming XML
 *
 * Domain-0 is the host's and runs no hooks.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virerror.h"
#include "virhook.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_hook");

int
vxlDomainHookRun(vxlDriver *driver, virDomainObj *vm, int op, int subop)
{
    g_autofree char *xml = NULL;
    g_autofree char *name = NULL;
    int rc;

    if (vxlDomainIsDom0(vm) || !virHookPresent(VIR_HOOK_DRIVER_LIBXL))
        return 0;
    if (!(xml = virDomainDefFormat(vm->def, driver->xmlopt,
                                   VIR_DOMAIN_DEF_FORMAT_SECURE)))
        return -1;
    name = g_strdup(vm->def->name);

    /* A script may take its time: other calls may look at the domain
     * meanwhile (the job keeps it from changing). */
    vxlDomainBackendEnter(vm);
    rc = virHookCall(VIR_HOOK_DRIVER_LIBXL, name, op, subop, NULL, xml, NULL);
    vxlDomainBackendExit(vm);
    return rc < 0 ? -1 : 0;
}

void
vxlDomainHookRunQuiet(vxlDriver *driver, virDomainObj *vm, int op, int subop)
{
    virErrorPtr saved;

    virErrorPreserveLast(&saved);
    if (vxlDomainHookRun(driver, vm, op, subop) < 0)
        VIR_WARN("hook script for domain %s failed: %s", vm->def->name,
                 virGetLastErrorMessage());
    virErrorRestore(&saved);
}

int
vxlDomainHookMigrate(vxlDriver *driver G_GNUC_UNUSED, const char *name,
                     const char *xml, char **adjustedXml)
{
    int rc;

    if (adjustedXml)
        *adjustedXml = NULL;
    if (!virHookPresent(VIR_HOOK_DRIVER_LIBXL))
        return 0;
    rc = virHookCall(VIR_HOOK_DRIVER_LIBXL, name, VIR_HOOK_LIBXL_OP_MIGRATE,
                     VIR_HOOK_SUBOP_BEGIN, NULL, xml, adjustedXml);
    if (rc < 0)
        return -1;
    /* An empty answer leaves the XML as it came. */
    if (adjustedXml && *adjustedXml && !**adjustedXml)
        g_clear_pointer(adjustedXml, g_free);
    return 0;
}
