/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_channel.c: the ptys of a running domain's Xen channels, and
 * virsh console --devname CHANNEL (virDomainOpenChannel).
 *
 * A <channel type='pty'><target type='xen' name=...> is a Xen PV
 * channel whose dom0 end the backend (QEMU, for Xen) serves as a pty:
 * libxl makes channel i of the configuration the guest's console i + 1
 * and reads the pty back (libxl_device_channel_getinfo). Once the domain
 * exists the driver asks the backend for each and writes it into the
 * live definition (<source path>), as for consoles; virDomainOpenChannel
 * hands it to the client, one client at a time unless forced.
 * A channel over a unix socket is reached at its socket: the driver
 * holds none of them open (the guest agent's is the driver's own).
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_channel");

void
vxlDomainChannelsRefresh(vxlDriver *driver, virDomainObj *vm)
{
    size_t i;
    int num = 0;

    for (i = 0; i < vm->def->nchannels; i++) {
        virDomainChrDef *chr = vm->def->channels[i];
        g_autofree char *path = NULL;
        int rc;

        if (chr->targetType != VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_XEN)
            continue;
        /* Numbered as the translation numbers the configuration's
         * channels: every Xen channel, whatever its source. */
        num++;
        if (!chr->info.alias)
            chr->info.alias = g_strdup_printf("channel%zu", i);
        if (chr->source->type != VIR_DOMAIN_CHR_TYPE_PTY)
            continue;
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainConsolePath(driver->backend, vm->def->id,
                                         VXL_CONSOLE_CHANNEL, num - 1, &path);
        vxlDomainBackendExit(vm);
        if (rc < 0) {
            VIR_WARN("no pty for channel %s of domain %s: %s",
                     NULLSTR(chr->target.name), vm->def->name,
                     virGetLastErrorMessage());
            virResetLastError();
            continue;
        }
        g_free(chr->source->data.file.path);
        chr->source->data.file.path = g_steal_pointer(&path);
    }
}

int
vxlDomainChannelConnect(virDomainObj *vm, const char *name, virStreamPtr st,
                        unsigned int flags)
{
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    virDomainChrDef *chr = NULL;
    size_t i;

    /* By alias, or by the channel's name in the guest, as libvirt's
     * drivers look it up; no name: the first channel. */
    for (i = 0; !chr && i < vm->def->nchannels; i++) {
        virDomainChrDef *c = vm->def->channels[i];

        if (!name ||
            STREQ_NULLABLE(c->info.alias, name) ||
            (c->targetType == VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_XEN &&
             STREQ_NULLABLE(c->target.name, name)))
            chr = c;
    }
    if (!chr) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has no channel '%s'"),
                       vm->def->name, NULLSTR(name));
        return -1;
    }
    if (chr->source->type != VIR_DOMAIN_CHR_TYPE_PTY) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("channel '%s' of domain '%s' is not a pty: a unix socket channel is reached at its socket"),
                       NULLSTR(name ? name : chr->info.alias), vm->def->name);
        return -1;
    }
    if (!chr->source->data.file.path) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("channel '%s' of domain '%s' has no pty: Xen did not give it one"),
                       NULLSTR(name ? name : chr->info.alias), vm->def->name);
        return -1;
    }
    switch (virChrdevOpen(priv->devs, chr->source, st,
                          (flags & VIR_DOMAIN_CHANNEL_FORCE) != 0)) {
    case 0:
        return 0;
    case 1:
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("channel '%s' of domain '%s' is in use by another client; force it to take it over"),
                       NULLSTR(name ? name : chr->info.alias), vm->def->name);
        return -1;
    default:
        return -1;
    }
}
