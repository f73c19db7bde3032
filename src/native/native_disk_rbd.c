/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_disk_rbd.c: a disk= target that is qemu's rbd: string becomes
 * <disk type='network'><source protocol='rbd'> when that says the same.
 *
 * xl hands "rbd:POOL/IMAGE:opt=val..." to qemu as the qdisk's target.
 * libvirt has a network disk for it, which the translator turns back
 * into such a string (translate_disk.c). The conversion is made only
 * when that string is exactly the one in the xl.cfg, so the domain is
 * the same machine either way: no authentication (auth_supported=none,
 * what a libvirt rbd disk without <auth> means) and monitor hosts.
 * Anything else (a Ceph user, which libvirt's schema wants with a secret,
 * other qemu options, another order) stays a file path, which libxl
 * hands qemu just the same.
 */
#include "vxl_internal.h"

#include "native_private.h"
#include "conf_devices.h"
#include "storage_source_conf.h"
#include "virstring.h"

/* Split @s at each @sep, not inside another backslash escape; the
 * pieces keep their escapes. */
static GStrv
vxlNativeRbdSplit(const char *s, const char *sep)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    size_t len = strlen(sep);
    const char *start = s;
    const char *p = s;

    while (*p) {
        /* The separator first: mon_host's is itself escaped ("\\;"). */
        if (STRPREFIX(p, sep)) {
            g_ptr_array_add(out, g_strndup(start, p - start));
            p += len;
            start = p;
            continue;
        }
        if (*p == '\\' && p[1]) {
            p += 2;
            continue;
        }
        p++;
    }
    g_ptr_array_add(out, g_strdup(start));
    g_ptr_array_add(out, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

/* One mon_host entry, "NAME[\:PORT]" or "[V6\:ADDR][\:PORT]". */
static bool
vxlNativeRbdHost(const char *entry, virStorageNetHostDef *host)
{
    g_autofree char *name = NULL;
    const char *rest;
    unsigned int port = 0;

    if (*entry == '[') {
        const char *end = strchr(entry, ']');
        g_auto(GStrv) parts = NULL;

        if (!end)
            return false;
        name = g_strndup(entry + 1, end - entry - 1);
        parts = g_strsplit(name, "\\:", -1);
        g_free(name);
        name = g_strjoinv(":", parts);
        rest = end + 1;
    } else {
        const char *colon = strstr(entry, "\\:");

        name = g_strndup(entry, colon ? colon - entry : strlen(entry));
        rest = colon ? colon : entry + strlen(entry);
    }
    if (*rest) {
        if (!STRPREFIX(rest, "\\:") || virStrToLong_uip(rest + 2, NULL, 10, &port) < 0 ||
            port == 0 || port > 65535)
            return false;
    }
    if (!*name || strpbrk(name, "\\;[]'\"<>&"))
        return false;
    host->name = g_steal_pointer(&name);
    host->port = port;
    host->transport = VIR_STORAGE_NET_HOST_TRANS_TCP;
    return true;
}

bool
vxlNativeRbdSource(const libxl_device_disk *xdisk, virBuffer *buf)
{
    g_autoptr(virStorageSource) src = NULL;
    g_auto(GStrv) opts = NULL;
    g_autofree char *again = NULL;
    const char *slash;
    size_t i;

    if (!xdisk->pdev_path || !STRPREFIX(xdisk->pdev_path, "rbd:") ||
        xdisk->backend != LIBXL_DISK_BACKEND_QDISK ||
        (xdisk->format != LIBXL_DISK_FORMAT_RAW &&
         xdisk->format != LIBXL_DISK_FORMAT_UNKNOWN) ||
        xdisk->is_cdrom || !xdisk->readwrite)
        return false;

    opts = vxlNativeRbdSplit(xdisk->pdev_path + strlen("rbd:"), ":");
    if (!(slash = strchr(opts[0], '/')) || slash == opts[0] || !slash[1] ||
        strpbrk(opts[0], "\\'\"<>&"))
        return false;

    src = virStorageSourceNew();
    src->type = VIR_STORAGE_TYPE_NETWORK;
    src->protocol = VIR_STORAGE_NET_PROTOCOL_RBD;
    src->volume = g_strndup(opts[0], slash - opts[0]);
    src->path = g_strdup(slash + 1);
    for (i = 1; opts[i]; i++) {
        g_auto(GStrv) hosts = NULL;
        size_t j;

        if (!STRPREFIX(opts[i], "mon_host=") || src->nhosts)
            continue;           /* the rebuilt string says whether it fits */
        hosts = vxlNativeRbdSplit(opts[i] + strlen("mon_host="), "\\;");
        src->nhosts = g_strv_length(hosts);
        src->hosts = g_new0(virStorageNetHostDef, src->nhosts);
        for (j = 0; hosts[j]; j++) {
            if (!vxlNativeRbdHost(hosts[j], &src->hosts[j]))
                return false;
        }
    }

    /* The same string the translator makes, or no conversion. */
    again = vxlDiskRbdTarget(src);
    if (STRNEQ(again, xdisk->pdev_path))
        return false;

    virBufferEscapeString(buf, "<source protocol='rbd' name='%s'", opts[0]);
    if (src->nhosts == 0) {
        virBufferAddLit(buf, "/>\n");
        return true;
    }
    virBufferAddLit(buf, ">\n");
    for (i = 0; i < src->nhosts; i++) {
        virBufferEscapeString(buf, "  <host name='%s'", src->hosts[i].name);
        if (src->hosts[i].port)
            virBufferAsprintf(buf, " port='%u'", src->hosts[i].port);
        virBufferAddLit(buf, "/>\n");
    }
    virBufferAddLit(buf, "</source>\n");
    return true;
}
