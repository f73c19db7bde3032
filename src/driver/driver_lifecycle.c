/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_lifecycle.c: define, undefine, start, stop, pause, resume.
 *
 * Each entry point: check flags, find the domain, ACL check, begin job,
 * check state, one call into domain/, end job, queue the event.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "domain_save.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_lifecycle");

/* ---------- define / undefine ---------- */

virDomainPtr
vxlDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *name = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;
    unsigned int parseFlags = VIR_DOMAIN_DEF_PARSE_INACTIVE;

    virCheckFlags(VIR_DOMAIN_DEFINE_VALIDATE, NULL);
    if (flags & VIR_DOMAIN_DEFINE_VALIDATE)
        parseFlags |= VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA;

    if (!(def = vxlDomainDefParseGuarded(xml, driver->xmlopt, parseFlags)))
        return NULL;
    if (virDomainDefineXMLFlagsEnsureACL(conn, def) < 0)
        return NULL;
    if (vxlDomainDefine(driver, &def, &name, uuid, &id) < 0)
        return NULL;
    return virGetDomain(conn, name, uuid, id);
}

virDomainPtr
vxlDomainDefineXML(virConnectPtr conn, const char *xml)
{
    return vxlDomainDefineXMLFlags(conn, xml, 0);
}

int
vxlDomainUndefineFlags(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    /* No NVRAM or checkpoint metadata is kept by this driver, so those
     * flags have nothing to remove. */
    virCheckFlags(VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                  VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                  VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA |
                  VIR_DOMAIN_UNDEFINE_NVRAM |
                  VIR_DOMAIN_UNDEFINE_KEEP_NVRAM, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainUndefineFlagsEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    ret = vxlDomainUndefinePersistent(vxl_driver, vm, flags);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainUndefine(virDomainPtr dom)
{
    return vxlDomainUndefineFlags(dom, 0);
}

/* ---------- start ---------- */

int
vxlDomainCreateWithFlags(virDomainPtr dom, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_FORCE_BOOT, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainCreateWithFlagsEnsureACL,
                             VIR_JOB_NONE)))
        return -1;

    /* From the managed save image when there is one (FORCE_BOOT
     * discards it), as libvirt's drivers do. */
    if (vxlDomainStartOrRestore(driver, vm, flags) < 0)
        goto cleanup;
    dom->id = vm->def->id;
    ret = 0;

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainCreate(virDomainPtr dom)
{
    return vxlDomainCreateWithFlags(dom, 0);
}

virDomainPtr
vxlDomainCreateXML(virConnectPtr conn, const char *xml, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *name = NULL;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id = -1;
    unsigned int parseFlags = VIR_DOMAIN_DEF_PARSE_INACTIVE;

    virCheckFlags(VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_VALIDATE, NULL);
    if (flags & VIR_DOMAIN_START_VALIDATE)
        parseFlags |= VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA;

    if (!(def = vxlDomainDefParseGuarded(xml, driver->xmlopt, parseFlags)))
        return NULL;
    if (virDomainCreateXMLEnsureACL(conn, def) < 0)
        return NULL;
    if (vxlDomainCreateStarted(driver, &def, !!(flags & VIR_DOMAIN_START_PAUSED),
                               &name, uuid, &id) < 0)
        return NULL;
    return virGetDomain(conn, name, uuid, id);
}

/* ---------- stop ---------- */

int
vxlDomainDestroyFlags(virDomainPtr dom, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    int ret = -1;

    bool cancelled;

    /* Xen has no gentler destroy: GRACEFUL is accepted and means the same. */
    virCheckFlags(VIR_DOMAIN_DESTROY_GRACEFUL, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainDestroyFlagsEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    /* A domain still booting: its start is cancelled, and destroy wins
     * without waiting for the boot. */
    if (vxlDomainDestroyJobBegin(driver, vm, &cancelled) < 0)
        goto cleanup;
    if (cancelled && !virDomainObjIsActive(vm)) {
        dom->id = -1;
        ret = 0;
        goto endjob;
    }
    if (virDomainObjCheckActive(vm) < 0)
        goto endjob;

    if (vxlDomainObjDestroy(driver, vm, VIR_DOMAIN_SHUTOFF_DESTROYED) < 0)
        goto endjob;
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STOPPED,
                            VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    dom->id = -1;
    ret = 0;

 endjob:
    vxlDomainJobEnd(vm);
    if (ret == 0)
        vxlDomainRemoveIfTransient(driver, vm);
 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainDestroy(virDomainPtr dom)
{
    return vxlDomainDestroyFlags(dom, 0);
}

/* Ask the guest to power off or reboot (domain_request.c says how).
 * @modes is the set of ways the caller allows besides the agent, as
 * vxlRequestMode, 0 for any (for none when @agent alone). */
static int
vxlDomainRequestStopEntry(virDomainPtr dom, unsigned int flags,
                          unsigned int modes, bool agent, bool reboot)
{
    virDomainObj *vm;
    int ret;

    if (!(vm = vxlEntryBeginFlags(dom, reboot ? virDomainRebootEnsureACL :
                                                virDomainShutdownFlagsEnsureACL,
                                  flags, VIR_JOB_MODIFY)))
        return -1;
    ret = vxlDomainRequestStop(vxl_driver, vm, modes, agent, reboot);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainShutdownFlags(virDomainPtr dom, unsigned int flags)
{
    unsigned int modes = 0;

    virCheckFlags(VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN |
                  VIR_DOMAIN_SHUTDOWN_PARAVIRT |
                  VIR_DOMAIN_SHUTDOWN_GUEST_AGENT, -1);
    if (flags & VIR_DOMAIN_SHUTDOWN_PARAVIRT)
        modes |= VXL_REQUEST_PARAVIRT;
    if (flags & VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN)
        modes |= VXL_REQUEST_ACPI;
    return vxlDomainRequestStopEntry(dom, flags, modes,
                                !!(flags & VIR_DOMAIN_SHUTDOWN_GUEST_AGENT),
                                false);
}

int
vxlDomainShutdown(virDomainPtr dom)
{
    return vxlDomainShutdownFlags(dom, 0);
}

int
vxlDomainReboot(virDomainPtr dom, unsigned int flags)
{
    unsigned int modes = 0;

    /* The power button cannot ask for a reboot: the backend refuses a
     * request that allows nothing else (vxlBackendRequestPlan). */
    virCheckFlags(VIR_DOMAIN_REBOOT_ACPI_POWER_BTN |
                  VIR_DOMAIN_REBOOT_PARAVIRT |
                  VIR_DOMAIN_REBOOT_GUEST_AGENT, -1);
    if (flags & VIR_DOMAIN_REBOOT_PARAVIRT)
        modes |= VXL_REQUEST_PARAVIRT;
    if (flags & VIR_DOMAIN_REBOOT_ACPI_POWER_BTN)
        modes |= VXL_REQUEST_ACPI;
    return vxlDomainRequestStopEntry(dom, flags, modes,
                                !!(flags & VIR_DOMAIN_REBOOT_GUEST_AGENT),
                                true);
}

/* ---------- pause / resume ---------- */

int
vxlDomainSuspend(virDomainPtr dom)
{
    virDomainObj *vm;
    int ret;

    if (!(vm = vxlEntryBegin(dom, virDomainSuspendEnsureACL, VIR_JOB_SUSPEND)))
        return -1;
    ret = vxlDomainPause(vxl_driver, vm);
    vxlEntryEnd(&vm, VIR_JOB_SUSPEND);
    return ret;
}

int
vxlDomainResume(virDomainPtr dom)
{
    virDomainObj *vm;
    int ret;

    if (!(vm = vxlEntryBegin(dom, virDomainResumeEnsureACL, VIR_JOB_MODIFY)))
        return -1;
    ret = vxlDomainUnpause(vxl_driver, vm);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}
