/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_domain_query.c: what a domain is and how it is doing.
 *
 * Read-only queries take no job: they read the domain object under its
 * lock and, where Xen knows better (memory held, CPU time), ask the
 * backend with the lock dropped.
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "domain_save.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_domain_query");

int
vxlDomainGetInfo(virDomainPtr dom, virDomainInfoPtr info)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    vxlDomainInfo xinfo = { 0 };
    int ret = -1;

    if (!(vm = vxlEntryBegin(dom, virDomainGetInfoEnsureACL, VIR_JOB_NONE)))
        return -1;

    info->state = virDomainObjGetState(vm, NULL);
    info->maxMem = virDomainDefGetMemoryTotal(vm->def);
    info->nrVirtCpu = virDomainDefGetVcpus(vm->def);
    info->memory = 0;
    info->cpuTime = 0;

    if (virDomainObjIsActive(vm)) {
        if (vxlDomainGetLiveInfo(driver, vm, &xinfo) < 0) {
            /* The guest has just gone (it powered off, or crashed) and
             * its death is still on the way to this domain's state.
             * Pollers (virt-manager, Nova waiting for SHUTOFF) ask
             * exactly then: the domain is off, not missing. */
            if (virGetLastErrorCode() != VIR_ERR_NO_DOMAIN)
                goto cleanup;
            virResetLastError();
            info->state = VIR_DOMAIN_SHUTOFF;
        } else {
            info->memory = xinfo.currentKiB;
            info->cpuTime = xinfo.cpuTimeNs;
            info->nrVirtCpu = xinfo.vcpusOnline;
        }
    }
    ret = 0;

 cleanup:
    vxlDomainInfoClear(&xinfo);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainGetState(virDomainPtr dom, int *state, int *reason, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetStateEnsureACL, VIR_JOB_NONE)))
        return -1;
    *state = virDomainObjGetState(vm, reason);
    ret = 0;

    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

char *
vxlDomainGetXMLDesc(virDomainPtr dom, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    virDomainDef *def;
    char *ret = NULL;

    virCheckFlags(VIR_DOMAIN_XML_COMMON_FLAGS, NULL);
    if (!(vm = vxlEntryBeginFlags(dom, virDomainGetXMLDescEnsureACL, flags,
                                  VIR_JOB_NONE)))
        return NULL;

    if ((flags & VIR_DOMAIN_XML_INACTIVE) && vm->newDef)
        def = vm->newDef;
    else
        def = vm->def;
    ret = virDomainDefFormat(def, driver->xmlopt,
                             virDomainDefFormatConvertXMLFlags(flags));

    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainIsActive(virDomainPtr dom)
{
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = vxlEntryBegin(dom, virDomainIsActiveEnsureACL, VIR_JOB_NONE)))
        return -1;
    ret = virDomainObjIsActive(vm);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainIsPersistent(virDomainPtr dom)
{
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = vxlEntryBegin(dom, virDomainIsPersistentEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    ret = vm->persistent;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainIsUpdated(virDomainPtr dom)
{
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = vxlEntryBegin(dom, virDomainIsUpdatedEnsureACL, VIR_JOB_NONE)))
        return -1;
    ret = vm->updated;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainGetAutostart(virDomainPtr dom, int *autostart)
{
    virDomainObj *vm;

    if (!(vm = vxlEntryBegin(dom, virDomainGetAutostartEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    *autostart = vm->autostart;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return 0;
}

/* The autostart mark is a symlink autostart/NAME.xml -> ../NAME.xml, the
 * layout every libvirt driver uses, so existing tooling understands it. */
static int
vxlDomainAutostartLink(vxlDriver *driver, virDomainObj *vm, bool enable)
{
    g_autofree char *configFile = virDomainConfigFile(driver->cfg->configDir,
                                                      vm->def->name);
    g_autofree char *linkFile = virDomainConfigFile(driver->cfg->autostartDir,
                                                    vm->def->name);

    if (enable) {
        if (g_mkdir_with_parents(driver->cfg->autostartDir, 0777) < 0) {
            virReportSystemError(errno, _("cannot create autostart directory %s"),
                                 driver->cfg->autostartDir);
            return -1;
        }
        if (symlink(configFile, linkFile) < 0 && errno != EEXIST) {
            virReportSystemError(errno, _("failed to create symlink '%s' to '%s'"),
                                 linkFile, configFile);
            return -1;
        }
    } else if (unlink(linkFile) < 0 && errno != ENOENT && errno != ENOTDIR) {
        virReportSystemError(errno, _("failed to delete symlink '%s'"), linkFile);
        return -1;
    }
    return 0;
}

int
vxlDomainSetAutostart(virDomainPtr dom, int autostart)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = vxlEntryBegin(dom, virDomainSetAutostartEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;

    if (!vm->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot set autostart for transient domain '%s'"),
                       vm->def->name);
        goto cleanup;
    }
    autostart = !!autostart;
    if (vm->autostart != autostart) {
        if (vxlDomainAutostartLink(driver, vm, autostart) < 0)
            goto cleanup;
        vm->autostart = autostart;
    }
    ret = 0;

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

char *
vxlDomainGetOSType(virDomainPtr dom)
{
    virDomainObj *vm;
    char *ret = NULL;

    if (!(vm = vxlEntryBegin(dom, virDomainGetOSTypeEnsureACL, VIR_JOB_NONE)))
        return NULL;
    ret = g_strdup(virDomainOSTypeToString(vm->def->os.type));
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

unsigned long long
vxlDomainGetMaxMemory(virDomainPtr dom)
{
    virDomainObj *vm;
    unsigned long long ret = 0;

    if (!(vm = vxlEntryBegin(dom, virDomainGetMaxMemoryEnsureACL,
                             VIR_JOB_NONE)))
        return 0;
    ret = virDomainDefGetMemoryTotal(vm->def);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainHasManagedSaveImageEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    /* The disk decides: an image removed behind libvirt's back is gone. */
    ret = vxlDomainHasManagedSave(vxl_driver, vm);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}
