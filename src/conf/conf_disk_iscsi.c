/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf_disk_iscsi.c: <disk type='network'><source protocol='iscsi'>
 * through Xen's block-iscsi hotplug script.
 *
 * xl says such a disk as script=block-iscsi,target=iqn=IQN,portal=IP:PORT:
 * the script logs the host into the target with open-iscsi's iscsiadm
 * and hands LUN 0's block device to blkback. What the script cannot do
 * is refused here, at define, rather than failing the start in a hotplug
 * script: other LUNs (it waits for "-lun-0"), CHAP or any <auth> (it has
 * no credentials to give iscsiadm), an initiator name of the guest's own
 * (it uses the host's), host names (its portal must be an IP address),
 * more than one portal, and transports other than TCP.
 */
#include "vxl_internal.h"

#include "conf_devices.h"
#include "virerror.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* libvirt keeps name='IQN[/LUN]' as the source path. Sets @iqn to the
 * target's name and @lun to its LUN (0 when left out); false when the
 * part after the last '/' is no number. */
static bool
vxlISCSISplitName(const char *path, char **iqn, unsigned int *lun)
{
    const char *slash = strrchr(path, '/');

    if (!slash) {
        *iqn = g_strdup(path);
        *lun = 0;
        return true;
    }
    if (virStrToLong_ui(slash + 1, NULL, 10, lun) < 0)
        return false;
    *iqn = g_strndup(path, slash - path);
    return true;
}


int
vxlValidateDiskISCSI(const virDomainDiskDef *disk)
{
    const virStorageSource *src = disk->src;
    g_autofree char *iqn = NULL;
    unsigned int lun;

    if (!src->path || !vxlISCSISplitName(src->path, &iqn, &lun) || !*iqn) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<disk type='network'><source protocol='iscsi' name='%s'>: the name must be the target's IQN, optionally followed by /LUN"),
                       NULLSTR(src->path));
        return -1;
    }
    if (lun != 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk type='network'><source protocol='iscsi' name='%s'> is not supported by Xen: its block-iscsi script attaches LUN 0 only; attach other LUNs on the host and give them as type='block'"),
                       src->path);
        return -1;
    }
    if (src->auth) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<disk type='network'><source protocol='iscsi'><auth> is not supported by Xen: its block-iscsi script has no way to pass CHAP credentials; configure them in the host's open-iscsi node settings and leave <auth> out"));
        return -1;
    }
    if (src->initiator.iqn) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<disk type='network'><source protocol='iscsi'><initiator> is not supported by Xen: block-iscsi logs in with the host's initiator name"));
        return -1;
    }
    if (src->nhosts != 1) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk type='network'><source protocol='iscsi'> with %zu <host> elements is not supported by Xen: block-iscsi takes exactly one portal"),
                       src->nhosts);
        return -1;
    }
    if (src->hosts[0].transport != VIR_STORAGE_NET_HOST_TRANS_TCP) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk type='network'><source protocol='iscsi'><host transport='%s'> is not supported by Xen: block-iscsi connects over TCP"),
                       virStorageNetHostTransportTypeToString(src->hosts[0].transport));
        return -1;
    }
    if (!src->hosts[0].name || !g_hostname_is_ip_address(src->hosts[0].name)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk type='network'><source protocol='iscsi'><host name='%s'> is not supported by Xen: block-iscsi needs the portal as an IP address"),
                       NULLSTR(src->hosts[0].name));
        return -1;
    }
    if (disk->driverName && STRNEQ(disk->driverName, "phy")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk type='network'><source protocol='iscsi'><driver name='%s'> is not supported by Xen: the LUN is attached on the host and served by blkback; use name='phy' or leave it out"),
                       disk->driverName);
        return -1;
    }
    if (src->format > VIR_STORAGE_FILE_RAW) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk type='network'><source protocol='iscsi'><driver type='%s'> is not supported by Xen: blkback serves the LUN as a raw block device"),
                       virStorageFileFormatTypeToString(src->format));
        return -1;
    }
    return 0;
}


/* xl's target= for block-iscsi: iqn=IQN,portal=IP[:PORT], an IPv6 portal
 * in brackets as iscsiadm takes it. Without a port iscsiadm uses 3260,
 * so none is added: the same words as an xl.cfg that leaves it out. */
char *
vxlDiskISCSITarget(const virStorageSource *src, bool multipath)
{
    g_autofree char *iqn = NULL;
    unsigned int lun;
    const virStorageNetHostDef *host = &src->hosts[0];
    bool v6 = strchr(host->name, ':') != NULL;

    if (!vxlISCSISplitName(src->path, &iqn, &lun))
        return NULL;
    g_autofree char *port = host->port ? g_strdup_printf(":%u", host->port) : NULL;

    return g_strdup_printf("iqn=%s,portal=%s%s%s%s%s", iqn,
                           v6 ? "[" : "", host->name, v6 ? "]" : "",
                           NULLSTR_EMPTY(port), multipath ? ",multipath=y" : "");
}
