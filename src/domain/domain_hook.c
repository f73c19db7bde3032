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
 *   migrate begin                on the destination, before anything
 *                                is set up for an incoming domain: a
 *                                script that fails refuses the
 *                                migration; what it prints replaces
 *                                the incoming XML
 *
 * Domain-0 is the host's and runs no hooks.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virerror.h"
#include "virhook.h"
#include "virlog.h"
#include "virstring.h"

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
vxlDomainHookMigrate(vxlDriver *driver, virDomainDef **def)
{
    g_autofree char *xml = NULL;
    g_autofree char *adjusted = NULL;
    g_autoptr(virDomainDef) newdef = NULL;

    if (!virHookPresent(VIR_HOOK_DRIVER_LIBXL))
        return 0;
    if (!(xml = virDomainDefFormat(*def, driver->xmlopt,
                                   VIR_DOMAIN_DEF_FORMAT_SECURE |
                                   VIR_DOMAIN_DEF_FORMAT_MIGRATABLE)))
        return -1;
    if (virHookCall(VIR_HOOK_DRIVER_LIBXL, (*def)->name,
                    VIR_HOOK_LIBXL_OP_MIGRATE, VIR_HOOK_SUBOP_BEGIN, NULL,
                    xml, &adjusted) < 0)
        return -1;
    /* Printing nothing leaves the XML as it came. */
    if (!adjusted || virStringIsEmpty(adjusted))
        return 0;

    VIR_DEBUG("the migrate hook rewrote the XML of incoming domain %s",
              (*def)->name);
    /* Validated like any definition: what Xen cannot run is refused now,
     * before the source sends a byte. */
    if (!(newdef = virDomainDefParseString(adjusted, driver->xmlopt, NULL,
                                           VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return -1;
    /* The source and the rest of this migration know the domain by its
     * name and UUID. */
    if (STRNEQ(newdef->name, (*def)->name) ||
        memcmp(newdef->uuid, (*def)->uuid, VIR_UUID_BUFLEN) != 0) {
        virReportError(VIR_ERR_HOOK_SCRIPT_FAILED,
                       _("the migrate hook script may not change the name or UUID of incoming domain '%s'"),
                       (*def)->name);
        return -1;
    }
    virDomainDefFree(*def);
    *def = g_steal_pointer(&newdef);
    return 0;
}
