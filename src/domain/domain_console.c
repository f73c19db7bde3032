/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_console.c: the ptys of a running domain's consoles, and
 * virsh console.
 *
 * Xen gives each console a pty in dom0 when the domain is built (the PV
 * console by xenconsoled, an HVM guest's "pty" serial ports by the device
 * model). Once the domain exists the driver asks the backend for them and
 * writes each into the live definition, where `virsh dumpxml` shows it
 * (<console type='pty' tty='/dev/pts/N'>) and virDomainOpenConsole finds
 * it. One client at a time holds a console, unless it forces the others
 * off (libvirt's virChrdevs, as in its other drivers).
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_console");

/* Which of Xen's consoles @chr is: an HVM guest's <serial> (and its
 * <console target type='serial'>, which is the same port) is serial port
 * N; any other console is the PV console 0. False for what has no pty. */
static bool
vxlDomainChrConsole(const virDomainDef *def, const virDomainChrDef *chr,
                    vxlConsoleKind *kind, int *num)
{
    if (chr->source->type != VIR_DOMAIN_CHR_TYPE_PTY)
        return false;
    if (def->os.type == VIR_DOMAIN_OSTYPE_HVM &&
        (chr->deviceType == VIR_DOMAIN_CHR_DEVICE_TYPE_SERIAL ||
         chr->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL)) {
        *kind = VXL_CONSOLE_SERIAL;
        *num = chr->target.port > 0 ? chr->target.port : 0;
        return true;
    }
    if (chr->deviceType == VIR_DOMAIN_CHR_DEVICE_TYPE_CONSOLE) {
        *kind = VXL_CONSOLE_PV;
        *num = 0;
        return true;
    }
    return false;
}

static void
vxlDomainChrRefresh(vxlDriver *driver, virDomainObj *vm, virDomainChrDef *chr)
{
    vxlConsoleKind kind;
    g_autofree char *path = NULL;
    int num;
    int rc;

    if (!vxlDomainChrConsole(vm->def, chr, &kind, &num))
        return;
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainConsolePath(driver->backend, vm->def->id, kind, num, &path);
    vxlDomainBackendExit(vm);
    if (rc < 0) {
        /* The domain runs without it: virsh console then says so. */
        VIR_WARN("no pty for a console of domain %s: %s", vm->def->name,
                 virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    g_free(chr->source->data.file.path);
    chr->source->data.file.path = g_steal_pointer(&path);
}

void
vxlDomainConsolesRefresh(vxlDriver *driver, virDomainObj *vm)
{
    size_t i;

    for (i = 0; i < vm->def->nconsoles; i++) {
        if (!vm->def->consoles[i]->info.alias)
            vm->def->consoles[i]->info.alias = g_strdup_printf("console%zu", i);
        vxlDomainChrRefresh(driver, vm, vm->def->consoles[i]);
    }
    /* Named as libvirt's drivers name them, so that `virsh console
     * DOMAIN serial1` reaches the second port. */
    for (i = 0; i < vm->def->nserials; i++) {
        if (!vm->def->serials[i]->info.alias)
            vm->def->serials[i]->info.alias = g_strdup_printf("serial%zu", i);
        vxlDomainChrRefresh(driver, vm, vm->def->serials[i]);
    }
    vxlDomainChannelsRefresh(driver, vm);
}

/* Hand @st the pty of @source, unless another client holds it. */
static int
vxlDomainConsoleOpenPty(virDomainObj *vm, virDomainChrSourceDef *source,
                        virStreamPtr st, unsigned int flags)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);

    switch (virChrdevOpen(priv->devs, source, st,
                          (flags & VIR_DOMAIN_CONSOLE_FORCE) != 0)) {
    case 0:
        return 0;
    case 1:
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the console of domain '%s' is in use by another client; force it to take it over"),
                       vm->def->name);
        return -1;
    default:
        return -1;
    }
}

/* A PV or PVH guest without a <console> still has Xen's PV console,
 * which xl console reaches: so does virsh console. */
static int
vxlDomainConsoleConnectPV(vxlDriver *driver, virDomainObj *vm,
                          virStreamPtr st, unsigned int flags)
{
    g_autoptr(virDomainChrSourceDef) source = virDomainChrSourceDefNew(NULL);
    g_autofree char *path = NULL;
    int rc;

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainConsolePath(driver->backend, vm->def->id,
                                     VXL_CONSOLE_PV, 0, &path);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    source->type = VIR_DOMAIN_CHR_TYPE_PTY;
    source->data.file.path = g_steal_pointer(&path);
    return vxlDomainConsoleOpenPty(vm, source, st, flags);
}

int
vxlDomainConsoleConnect(vxlDriver *driver, virDomainObj *vm, const char *devname,
                        virStreamPtr st, unsigned int flags)
{
    bool hvm = vm->def->os.type == VIR_DOMAIN_OSTYPE_HVM;
    virDomainChrDef *chr = NULL;
    size_t i;

    if (devname) {
        for (i = 0; !chr && i < vm->def->nconsoles; i++) {
            if (STREQ_NULLABLE(vm->def->consoles[i]->info.alias, devname))
                chr = vm->def->consoles[i];
        }
        for (i = 0; !chr && i < vm->def->nserials; i++) {
            if (STREQ_NULLABLE(vm->def->serials[i]->info.alias, devname))
                chr = vm->def->serials[i];
        }
    } else if (vm->def->nconsoles > 0) {
        chr = vm->def->consoles[0];
    } else if (vm->def->nserials > 0 && hvm) {
        chr = vm->def->serials[0];
    }
    /* A PV or PVH guest's <serial> is kept but Xen gives the guest no
     * such port (translate_chardev.c): no pty stands behind it, and
     * libvirt's libxl driver would fail to open it. Its console is the
     * PV console, which virsh console without a name reaches. */
    if (chr && !hvm && chr->deviceType == VIR_DOMAIN_CHR_DEVICE_TYPE_SERIAL) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("serial port '%s' of domain '%s' is not connected: Xen gives PV and PVH guests no serial port, connect to the PV console (virsh console without a device name)"),
                       NULLSTR(devname), vm->def->name);
        return -1;
    }
    /* An HVM guest's <console target type='serial'> stands for its
     * first serial port (libvirt keeps the console an empty placeholder
     * and formats it from there), which holds the pty. On a PV or PVH
     * guest that console is the PV console itself. */
    if (chr && hvm && chr->deviceType == VIR_DOMAIN_CHR_DEVICE_TYPE_CONSOLE &&
        chr->targetType == VIR_DOMAIN_CHR_CONSOLE_TARGET_TYPE_SERIAL &&
        vm->def->nserials > 0)
        chr = vm->def->serials[0];
    if (!chr && !devname && !hvm)
        return vxlDomainConsoleConnectPV(driver, vm, st, flags);
    if (!chr) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' has no console %s"), vm->def->name,
                       NULLSTR_EMPTY(devname));
        return -1;
    }
    if (chr->source->type != VIR_DOMAIN_CHR_TYPE_PTY || !chr->source->data.file.path) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("console %s of domain '%s' has no pty to connect to"),
                       NULLSTR(devname ? devname : chr->info.alias), vm->def->name);
        return -1;
    }
    return vxlDomainConsoleOpenPty(vm, chr->source, st, flags);
}
