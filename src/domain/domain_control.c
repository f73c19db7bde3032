/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_control.c: screenshots and suspend to RAM of a running domain:
 * the backend call, and what libvirt's state, events and streams make
 * of it.
 */
#include "vxl_internal.h"

#include <fcntl.h>

#include "domain.h"
#include "backend_call.h"
#include "virerror.h"
#include "virfdstream.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_control");

/*
 * The device model writes the image to a file of ours (in the driver's
 * lib dir, which only root reads), which then becomes the client's
 * stream; the name goes at once, the open stream keeps the data.
 */
char *
vxlDomainControlScreenshot(vxlDriver *driver, virDomainObj *vm, virStreamPtr st)
{
    g_autofree char *tmp = g_strdup_printf("%s/screenshot.XXXXXX",
                                           driver->cfg->libDir);
    char *mime = NULL;
    int fd;
    int rc;

    if (g_mkdir_with_parents(driver->cfg->libDir, 0755) < 0) {
        virReportSystemError(errno, _("cannot create directory '%s'"),
                             driver->cfg->libDir);
        return NULL;
    }
    if ((fd = g_mkstemp_full(tmp, O_RDWR | O_CLOEXEC, S_IRUSR | S_IWUSR)) < 0) {
        virReportSystemError(errno, _("cannot create the temporary file '%s'"),
                             tmp);
        return NULL;
    }
    VIR_FORCE_CLOSE(fd);

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainScreenshot(driver->backend, vm->def->id, tmp);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        goto cleanup;

    if (virFDStreamOpenFile(st, tmp, 0, 0, O_RDONLY) < 0)
        goto cleanup;
    mime = g_strdup("image/x-portable-pixmap");

 cleanup:
    ignore_value(unlink(tmp));
    return mime;
}

int
vxlDomainControlPMSuspend(vxlDriver *driver, virDomainObj *vm)
{
    int rc;

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainPMSuspend(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    /* Xen reports the guest as shut down for "suspend"; the shutdown
     * handler leaves such a stop alone, this state tells why. */
    virDomainObjSetState(vm, VIR_DOMAIN_PMSUSPENDED,
                         VIR_DOMAIN_PMSUSPENDED_UNKNOWN);
    ignore_value(vxlDomainSaveStatus(driver, vm));
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_PMSUSPENDED,
                            VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY);
    virObjectEventStateQueue(driver->domainEventState,
                             virDomainEventPMSuspendNewFromObj(vm));
    return 0;
}

int
vxlDomainControlPMWakeup(vxlDriver *driver, virDomainObj *vm)
{
    int rc;

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainPMWakeup(driver->backend, vm->def->id);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_WAKEUP);
    ignore_value(vxlDomainSaveStatus(driver, vm));
    vxlDomainEventLifecycle(driver, vm, VIR_DOMAIN_EVENT_STARTED,
                            VIR_DOMAIN_EVENT_STARTED_WAKEUP);
    virObjectEventStateQueue(driver->domainEventState,
                             virDomainEventPMWakeupNewFromObj(vm));
    return 0;
}
