/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_save_live.c: the live save of a real Xen domain (snapshot-create
 * --live): libxl_domain_suspend with LIBXL_SUSPEND_LIVE, whose libxc
 * loop copies memory while the guest runs and suspends it for the last
 * round. xen_save.c does the stream, the wait and the undo.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlXenDomainSaveLive(vxlBackend *be, uint32_t domid, int fd,
                     vxlJobToken *token)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    int possible;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_SAVE) < 0)
        return -1;
    /* A paused guest writes nothing: libxc's first round is its last,
     * and no log-dirty mode is needed. */
    if (!dom.info.paused) {
        if ((possible = vxlXenLogDirtyPossible(xen, &dom)) < 0)
            return -1;
        if (!possible) {
            virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                           _("a live snapshot of the PV domain '%s' needs Xen's shadow paging, which this hypervisor is built without; take the snapshot without --live (the guest is paused while its memory is saved), or run it as PVH or HVM"),
                           dom.name);
            return -1;
        }
    }
    return vxlXenSaveStream(xen, domid, fd, token, true);
}
