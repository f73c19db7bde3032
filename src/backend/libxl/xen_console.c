/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_console.c: where a domain's consoles are, for virsh console.
 *
 * xenconsoled (the PV console) and the device model (an HVM guest's
 * emulated serial ports) each give a console a pty in dom0 and note it
 * in xenstore; libxl_console_get_tty reads it back. A pty Xen channel
 * is a console too (the device model serves it), read back through
 * libxl's channel info.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* The pty of channel @num of the domain's configuration: libxl made it
 * the guest's console @num + 1, whose backend (QEMU) noted its pty.
 * libxl's channel list numbers the channels (devid) from 0, and its
 * channel info reads console devid + 1; a pty not (yet) noted reads as
 * a path outside /dev. */
static int
vxlXenDomainChannelPath(vxlXen *xen, uint32_t domid, int num, char **path)
{
    libxl_device_channel *channels;
    int n = 0;
    int i;

    vxlXenLogResetLastError();
    channels = libxl_device_channel_list(xen->ctx, domid, &n);
    for (i = 0; i < n && !*path; i++) {
        libxl_channelinfo info;

        if (channels[i].devid != num)
            continue;
        libxl_channelinfo_init(&info);
        if (libxl_device_channel_getinfo(xen->ctx, domid, &channels[i], &info) == 0 &&
            info.connection == LIBXL_CHANNEL_CONNECTION_PTY && info.u.pty.path &&
            STRPREFIX(info.u.pty.path, "/dev/"))
            *path = g_strdup(info.u.pty.path);
        libxl_channelinfo_dispose(&info);
    }
    for (i = 0; i < n; i++)
        libxl_device_channel_dispose(&channels[i]);
    free(channels);
    if (!*path) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain %u has no pty channel %d"), domid, num);
        return -1;
    }
    return 0;
}

int
vxlXenDomainConsolePath(vxlBackend *be, uint32_t domid, vxlConsoleKind kind,
                        int num, char **path)
{
    vxlXen *xen = be->priv;
    libxl_console_type type = kind == VXL_CONSOLE_SERIAL ?
        LIBXL_CONSOLE_TYPE_SERIAL : LIBXL_CONSOLE_TYPE_PV;
    char *tty = NULL;
    int rc;

    if (kind == VXL_CONSOLE_CHANNEL) {
        *path = NULL;
        return vxlXenDomainChannelPath(xen, domid, num, path);
    }
    vxlXenLogResetLastError();
    if ((rc = libxl_console_get_tty(xen->ctx, domid, num, type, &tty)) != 0 || !tty) {
        g_autofree char *what = NULL;

        if (kind == VXL_CONSOLE_SERIAL)
            what = g_strdup_printf(_("domain %u has no serial console %d"),
                                   domid, num);
        else
            what = g_strdup_printf(_("domain %u has no PV console %d"),
                                   domid, num);

        free(tty);
        vxlXenReportError(rc ? rc : ERROR_FAIL, what);
        return -1;
    }
    *path = g_strdup(tty);
    free(tty);
    return 0;
}
