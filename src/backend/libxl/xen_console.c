/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_console.c: where a domain's consoles are, for virsh console.
 *
 * xenconsoled (the PV console) and the device model (an HVM guest's
 * emulated serial ports) each give a console a pty in dom0 and note it
 * in xenstore; libxl_console_get_tty reads it back.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlXenDomainConsolePath(vxlBackend *be, uint32_t domid, vxlConsoleKind kind,
                        int num, char **path)
{
    vxlXen *xen = be->priv;
    libxl_console_type type = kind == VXL_CONSOLE_SERIAL ?
        LIBXL_CONSOLE_TYPE_SERIAL : LIBXL_CONSOLE_TYPE_PV;
    char *tty = NULL;
    int rc;

    vxlXenLogResetLastError();
    if ((rc = libxl_console_get_tty(xen->ctx, domid, num, type, &tty)) != 0 || !tty) {
        g_autofree char *what =
            g_strdup_printf(_("domain %u has no %s console %d"), domid,
                            kind == VXL_CONSOLE_SERIAL ? "serial" : "PV", num);

        free(tty);
        vxlXenReportError(rc ? rc : ERROR_FAIL, what);
        return -1;
    }
    *path = g_strdup(tty);
    free(tty);
    return 0;
}
