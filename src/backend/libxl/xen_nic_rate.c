/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_nic_rate.c: a running vif's rate limit. libxl sets the limit only
 * when it creates the vif (its "rate" backend node, which xl's rate=
 * fills); netback watches that node and takes a new credit at once, and
 * libxl reads the node back when asked for the domain's config. So a
 * live change is a write of the node in the vif's backend directory,
 * and no limit is its removal (netback then lets everything through).
 */
#include "vxl_internal.h"

#include <inttypes.h>
#include <xenstore.h>

#include "xen_priv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* The backend directory in xenstore of @domid's vif with @mac (g_free),
 * or NULL when it has none. */
static char *
vxlXenNicBackendPath(vxlXen *xen, uint32_t domid, const char *mac)
{
    libxl_device_nic *nics;
    char *path = NULL;
    int n = 0;
    int i;

    if (!(nics = libxl_device_nic_list(xen->ctx, domid, &n)))
        return NULL;
    for (i = 0; i < n && !path; i++) {
        const uint8_t *m = nics[i].mac;
        char str[18];
        libxl_nicinfo info;

        g_snprintf(str, sizeof(str), "%02x:%02x:%02x:%02x:%02x:%02x",
                   m[0], m[1], m[2], m[3], m[4], m[5]);
        if (STRCASENEQ(str, mac))
            continue;
        libxl_nicinfo_init(&info);
        if (libxl_device_nic_getinfo(xen->ctx, domid, &nics[i], &info) == 0 &&
            info.backend)
            path = g_strdup(info.backend);
        libxl_nicinfo_dispose(&info);
    }
    libxl_device_nic_list_free(nics, n);
    return path;
}

int
vxlXenDomainNicSetRate(vxlBackend *be, uint32_t domid, const char *mac,
                       uint64_t bytes, uint32_t usecs)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    g_autofree char *backend = NULL;
    g_autofree char *node = NULL;
    g_autofree char *value = NULL;
    struct xs_handle *xsh;
    bool ok;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_NIC_RATE) < 0)
        return -1;
    if (!(backend = vxlXenNicBackendPath(xen, domid, mac))) {
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no network interface with MAC %s"),
                       dom.name, domid, mac);
        return -1;
    }
    if (!(xsh = xs_open(0))) {
        virReportSystemError(errno, "%s", _("cannot open xenstore"));
        return -1;
    }
    node = g_strdup_printf("%s/rate", backend);
    if (bytes > 0) {
        /* libxl's own format for the node: bytes,microseconds. */
        value = g_strdup_printf("%" PRIu64 ",%" PRIu32, bytes, usecs);
        ok = xs_write(xsh, XBT_NULL, node, value, strlen(value));
    } else {
        ok = xs_rm(xsh, XBT_NULL, node) || errno == ENOENT;
    }
    if (!ok)
        virReportSystemError(errno,
                             _("cannot change the rate limit of network interface %s of domain '%s' (id %u) in xenstore"),
                             mac, dom.name, domid);
    xs_close(xsh);
    return ok ? 0 : -1;
}
