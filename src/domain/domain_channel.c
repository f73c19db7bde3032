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

#include <sys/un.h>

#include "domain.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_channel");

/* A Xen channel over a unix socket whose XML names no socket gets one
 * at start, where libvirt's libxl driver puts it (its channel target
 * directory, NAME-TARGET), with the device model listening on it. Only
 * the live definition holds the path: the persistent one stays without,
 * so each start (here or on a migration's destination) makes its own. */
int
vxlDomainChannelsPrepare(vxlDriver *driver, virDomainDef *def)
{
    const char *dir = driver->cfg->channelDir;
    size_t i;

    for (i = 0; i < def->nchannels; i++) {
        virDomainChrDef *chr = def->channels[i];
        g_autofree char *path = NULL;
        struct sockaddr_un addr;

        if (chr->targetType != VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_XEN ||
            chr->source->type != VIR_DOMAIN_CHR_TYPE_UNIX ||
            chr->source->data.nix.path)
            continue;
        path = g_strdup_printf("%s/%s-%s", dir, def->name,
                               NULLSTR_EMPTY(chr->target.name));
        if (strlen(path) >= sizeof(addr.sun_path)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("the socket of channel '%s' would be '%s', longer than a unix socket's name can be: give it a shorter <source path>"),
                           NULLSTR(chr->target.name), path);
            return -1;
        }
        if (g_mkdir_with_parents(dir, 0755) < 0) {
            virReportSystemError(errno, _("cannot create directory '%s'"), dir);
            return -1;
        }
        chr->source->data.nix.path = g_steal_pointer(&path);
        chr->source->data.nix.listen = true;
    }
    return 0;
}

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
