/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_disk_iscsi.c: xl's block-iscsi disks <-> <disk type='network'>
 * <source protocol='iscsi'>.
 *
 * xl says an iSCSI LUN as script=block-iscsi,target=iqn=IQN,portal=P
 * (Xen's script, which logs the host in and serves LUN 0 through
 * blkback). That is the same disk as libvirt's iscsi source with one
 * host, which src/translate turns back into the same target=. The
 * script's multipath=y is <virtxl:disk multipath='yes'>; a target the script would
 * fail on (no iqn or portal, a portal that is no IP address) is refused
 * with the key's line.
 */
#include "vxl_internal.h"

#include "native_private.h"
#include "conf_devices.h"
#include "virerror.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


void
vxlNativeISCSIClear(vxlNativeISCSI *iscsi)
{
    g_clear_pointer(&iscsi->iqn, g_free);
    g_clear_pointer(&iscsi->host, g_free);
    iscsi->port = 0;
    iscsi->multipath = false;
}


/* "IP", "IP:PORT", "[IPv6]" or "[IPv6]:PORT". */
static bool
vxlNativeISCSIPortal(const char *portal, vxlNativeISCSI *iscsi)
{
    g_autofree char *host = NULL;
    const char *port = NULL;

    if (*portal == '[') {
        const char *close = strchr(portal, ']');

        if (!close)
            return false;
        host = g_strndup(portal + 1, close - portal - 1);
        if (close[1] == ':')
            port = close + 2;
        else if (close[1])
            return false;
    } else {
        const char *colon = strchr(portal, ':');

        host = colon ? g_strndup(portal, colon - portal) : g_strdup(portal);
        if (colon)
            port = colon + 1;
    }
    if (!g_hostname_is_ip_address(host))
        return false;
    if (port && (virStrToLong_uip(port, NULL, 10, &iscsi->port) < 0 ||
                 iscsi->port == 0 || iscsi->port > 65535))
        return false;
    iscsi->host = g_steal_pointer(&host);
    return true;
}


int
vxlNativeISCSIParse(vxlNativeReader *r, int index,
                    const libxl_device_disk *xdisk, vxlNativeISCSI *iscsi)
{
    g_auto(GStrv) params = NULL;
    const char *portal = NULL;
    size_t i;

    if (!xdisk->script || STRNEQ(xdisk->script, "block-iscsi") ||
        !xdisk->pdev_path)
        return 0;
    params = g_strsplit(xdisk->pdev_path, ",", -1);
    for (i = 0; params[i]; i++) {
        if (STRPREFIX(params[i], "iqn=") && !iscsi->iqn) {
            iscsi->iqn = g_strdup(params[i] + strlen("iqn="));
        } else if (STRPREFIX(params[i], "portal=") && !portal) {
            portal = params[i] + strlen("portal=");
        } else if (STREQ(params[i], "multipath=y")) {
            /* The script's own way to the same LUN; libvirt's source has
             * no word for it: <virtxl:disk multipath>. */
            iscsi->multipath = true;
        } else if (STRNEQ(params[i], "multipath=n")) {
            vxlNativeError(r, "disk", _("entry %d: block-iscsi target '%s': '%s' is none of iqn=, portal= and multipath="),
                           index + 1, xdisk->pdev_path, params[i]);
            goto fail;
        }
    }
    if (!iscsi->iqn || !*iscsi->iqn || strchr(iscsi->iqn, '/') || !portal) {
        vxlNativeError(r, "disk", _("entry %d: block-iscsi target '%s' needs iqn=IQN and portal=IP[:PORT]"),
                       index + 1, xdisk->pdev_path);
        goto fail;
    }
    if (!vxlNativeISCSIPortal(portal, iscsi)) {
        vxlNativeError(r, "disk", _("entry %d: block-iscsi portal '%s' is not an IP address with an optional port, which the script needs"),
                       index + 1, portal);
        goto fail;
    }
    return 1;

 fail:
    vxlNativeISCSIClear(iscsi);
    return -1;
}


void
vxlNativeISCSISource(virBuffer *buf, const vxlNativeISCSI *iscsi)
{
    virBufferEscapeString(buf, "<source protocol='iscsi' name='%s'>\n", iscsi->iqn);
    virBufferEscapeString(buf, "  <host name='%s'", iscsi->host);
    if (iscsi->port)
        virBufferAsprintf(buf, " port='%u'", iscsi->port);
    virBufferAddLit(buf, "/>\n</source>\n");
}


int
vxlNativeFormatDiskISCSI(virBuffer *spec, const virDomainDiskDef *disk, bool multipath)
{
    g_autofree char *target = NULL;

    /* The translator's own checks: what block-iscsi cannot do, xl.cfg
     * cannot say either. */
    if (vxlValidateDiskISCSI(disk) < 0 ||
        !(target = vxlDiskISCSITarget(disk->src, multipath)))
        return -1;
    virBufferAsprintf(spec, "script=block-iscsi,target=%s", target);
    return 0;
}
