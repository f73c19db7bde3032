/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_disk.c: <virtxl:disk target='xvdb' script='block-drbd'/>,
 * the hotplug script of one <disk>, which libvirt's XML cannot name.
 *
 * Xen runs a block script to turn a disk's target into a block device
 * for blkback: block-drbd, block-nbd, block-dmmd or a site's own, named
 * by xl's script= in a disk spec (libxl_device_disk.script). The element
 * names its <disk> by the target device, and the disk's <source dev> or
 * <source file> is the target the script is given (a DRBD resource, an
 * NBD server...), as xl's target= is. libxl runs scripts through its phy
 * backend only, so the disk must be raw and not given to qemu.
 * block-iscsi has its own syntax, an iSCSI <disk type='network'>
 * (conf_disk_iscsi.c).
 *
 * multipath='yes': block-iscsi's multipath=y for an iSCSI disk (the
 * script logs in through every path and serves the multipath device).
 *
 * vdev='NUMBER' (or 'dNpM'): the virtual device libxl gets instead of
 * the target's name. libxl takes a raw Xen device number for a disk's
 * name (libxl__device_disk_dev_number), which NetBSD guides write
 * ("0x0", "0x1"), and libvirt's parser refuses every name but its own
 * (xvdX, hdX, sdX); the <disk> then has an xvd name of its own.
 *
 * specification='virtio': the guest sees a virtio disk instead of Xen's
 * PV protocol (xl's specification=virtio, Xen 4.17), which libxl serves
 * by its standalone backend alone (<driver name='standalone'>); 'xen'
 * is the default said aloud, kept as xl keeps it.
 *
 * colo='yes|no' and colo_host, colo_port, colo_export, active_disk,
 * hidden_disk: COLO's replicated disk (xl's colo, colo-host= ...), which
 * libxl hands to qemu's qdisk backend; libvirt has no COLO at all.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* Whether @vdev is one of the names libxl takes for a disk that libvirt
 * has no target for (libxl__device_disk_dev_number in Xen 4.17): a
 * number up to INT_MAX, or d<disk>p<partition>. */
bool
vxlXMLNSDiskVdevNumber(const char *vdev)
{
    unsigned long long n;
    int disk;
    int part;
    int used = -1;
    char *end;

    if (sscanf(vdev, "d%dp%d%n", &disk, &part, &used) >= 2 &&
        used == (int)strlen(vdev) && disk >= 0 && disk < (1 << 20) &&
        part >= 0 && part < 256)
        return true;
    if (!g_ascii_isdigit(*vdev))
        return false;
    errno = 0;
    n = strtoull(vdev, &end, 0);
    return !errno && !*end && n <= INT_MAX;
}


/* The COLO attributes: strings that go into xenstore and qemu's
 * command line as they are. */
static int
vxlXMLNSParseDiskColo(xmlNodePtr node, vxlXMLNSDisk *disk)
{
    if (virXMLPropTristateBool(node, "colo", VIR_XML_PROP_NONE, &disk->colo) < 0 ||
        virXMLPropUInt(node, "colo_port", 10, VIR_XML_PROP_NONZERO, &disk->coloPort) < 0)
        return -1;
    disk->coloHost = virXMLPropString(node, "colo_host");
    disk->coloExport = virXMLPropString(node, "colo_export");
    disk->activeDisk = virXMLPropString(node, "active_disk");
    disk->hiddenDisk = virXMLPropString(node, "hidden_disk");
    if (disk->coloPort > 65535) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:disk target='%s' colo_port='%u'>: not a TCP port"),
                       NULLSTR(disk->target), disk->coloPort);
        return -1;
    }
    /* One word each of an xl disk spec: a ',' would end it early. */
    if ((disk->coloHost && strchr(disk->coloHost, ',')) ||
        (disk->coloExport && strchr(disk->coloExport, ',')) ||
        (disk->activeDisk && strchr(disk->activeDisk, ',')) ||
        (disk->hiddenDisk && strchr(disk->hiddenDisk, ','))) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:disk target='%s'>: colo_host, colo_export, active_disk and hidden_disk may not hold ','"),
                       NULLSTR(disk->target));
        return -1;
    }
    return 0;
}


static bool
vxlXMLNSDiskHasColo(const vxlXMLNSDisk *disk)
{
    return disk->colo || disk->coloHost || disk->coloPort || disk->coloExport ||
           disk->activeDisk || disk->hiddenDisk;
}


int
vxlXMLNSParseDisk(xmlNodePtr node, vxlXMLNSDisk *disk)
{
    disk->target = virXMLPropString(node, "target");
    disk->script = virXMLPropString(node, "script");
    g_autofree char *multipath = virXMLPropString(node, "multipath");
    g_autofree char *specification = virXMLPropString(node, "specification");

    disk->vdev = virXMLPropString(node, "vdev");
    if (specification) {
        if (STREQ(specification, "xen")) {
            disk->specification = LIBXL_DISK_SPECIFICATION_XEN;
        } else if (STREQ(specification, "virtio")) {
            disk->specification = LIBXL_DISK_SPECIFICATION_VIRTIO;
        } else {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:disk specification='%s'>: say 'xen' or 'virtio'"),
                           specification);
            return -1;
        }
    }
    if (vxlXMLNSParseDiskColo(node, disk) < 0)
        return -1;
    if (multipath) {
        if (STRNEQ(multipath, "yes")) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:disk multipath='%s'>: say 'yes', or leave the attribute out"),
                           multipath);
            return -1;
        }
        disk->multipath = true;
    }
    if (!disk->target || !*disk->target ||
        (!disk->script && !disk->vdev && !disk->multipath && !disk->specification &&
         !vxlXMLNSDiskHasColo(disk)) ||
        (disk->script && !*disk->script)) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:disk> needs target='DEV' (its <disk>'s <target dev>) and script='NAME', vdev='NUMBER', multipath='yes', specification or a colo attribute"));
        return -1;
    }
    /* The script goes into an xl disk spec and xenstore as one word. */
    if ((disk->script && strpbrk(disk->script, ",= \t\n")) || strpbrk(disk->target, ",= \t\n")) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:disk target='%s' script='%s'>: neither may hold ',', '=' or blanks"),
                       disk->target, NULLSTR(disk->script));
        return -1;
    }
    if (disk->vdev && !vxlXMLNSDiskVdevNumber(disk->vdev)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:disk target='%s' vdev='%s'>: vdev is a Xen device number (decimal, 0x hex or 0 octal) or dNpM, the names libvirt cannot write as a target"),
                       disk->target, disk->vdev);
        return -1;
    }
    return 0;
}


/* The disk index of the bijective base-26 letters at *@p (a..z, aa..)
 * up to @maxDisk, and the partition after them (1..@maxPart, 0 for
 * none); false for anything else. */
static bool
vxlDiskNameParse(const char *p, long maxDisk, long maxPart,
                 long *disk, long *part)
{
    *disk = -1;
    *part = 0;
    if (!g_ascii_islower(*p))
        return false;
    for (; g_ascii_islower(*p); p++) {
        *disk = (*disk + 1) * 26 + (*p - 'a');
        if (*disk > maxDisk)
            return false;
    }
    if (!*p)
        return true;
    for (; g_ascii_isdigit(*p); p++) {
        *part = *part * 10 + (*p - '0');
        if (*part > maxPart)
            return false;
    }
    return !*p && *part >= 1;
}


long long
vxlDiskDevNumber(const char *vdev)
{
    long disk;
    long part;
    int d;
    int m;
    int used = -1;

    if (vxlXMLNSDiskVdevNumber(vdev)) {
        if (sscanf(vdev, "d%dp%d%n", &d, &m, &used) < 2 ||
            used != (int)strlen(vdev))
            return (long long)strtoull(vdev, NULL, 0);
        disk = d;
        part = m;
    } else if (STRPREFIX(vdev, "hd")) {
        if (!vxlDiskNameParse(vdev + 2, 3, 63, &disk, &part))
            return -1;
        return ((disk < 2 ? 3 : 22) << 8) | ((disk % 2) * 64 + part);
    } else if (STRPREFIX(vdev, "sd")) {
        if (!vxlDiskNameParse(vdev + 2, 15, 15, &disk, &part))
            return -1;
        return (8 << 8) | (disk * 16 + part);
    } else if (!STRPREFIX(vdev, "xvd") ||
               !vxlDiskNameParse(vdev + 3, (1 << 20) - 1, 255, &disk, &part)) {
        return -1;
    }
    if (disk < 16 && part < 16)
        return (202 << 8) | (disk << 4) | part;
    return (1LL << 28) | (disk << 8) | part;
}


void
vxlXMLNSFormatDiskAttrs(virBuffer *buf, const vxlXMLNSDisk *disk)
{
    virBufferEscapeString(buf, " script='%s'", disk->script);
    virBufferEscapeString(buf, " vdev='%s'", disk->vdev);
    if (disk->multipath)
        virBufferAddLit(buf, " multipath='yes'");
    if (disk->specification == LIBXL_DISK_SPECIFICATION_XEN)
        virBufferAddLit(buf, " specification='xen'");
    else if (disk->specification == LIBXL_DISK_SPECIFICATION_VIRTIO)
        virBufferAddLit(buf, " specification='virtio'");
    if (disk->colo)
        virBufferAsprintf(buf, " colo='%s'", virTristateBoolTypeToString(disk->colo));
    virBufferEscapeString(buf, " colo_host='%s'", disk->coloHost);
    if (disk->coloPort)
        virBufferAsprintf(buf, " colo_port='%u'", disk->coloPort);
    virBufferEscapeString(buf, " colo_export='%s'", disk->coloExport);
    virBufferEscapeString(buf, " active_disk='%s'", disk->activeDisk);
    virBufferEscapeString(buf, " hidden_disk='%s'", disk->hiddenDisk);
}


void
vxlXMLNSFormatDisk(virBuffer *buf, const vxlXMLNSDisk *disk)
{
    virBufferEscapeString(buf, "<virtxl:disk target='%s'", disk->target);
    vxlXMLNSFormatDiskAttrs(buf, disk);
    virBufferAddLit(buf, "/>\n");
}


void
vxlXMLNSDiskCopy(vxlXMLNSDisk *dst, const vxlXMLNSDisk *src)
{
    dst->target = g_strdup(src->target);
    dst->script = g_strdup(src->script);
    dst->vdev = g_strdup(src->vdev);
    dst->multipath = src->multipath;
    dst->specification = src->specification;
    dst->colo = src->colo;
    dst->coloHost = g_strdup(src->coloHost);
    dst->coloPort = src->coloPort;
    dst->coloExport = g_strdup(src->coloExport);
    dst->activeDisk = g_strdup(src->activeDisk);
    dst->hiddenDisk = g_strdup(src->hiddenDisk);
}


void
vxlXMLNSDiskClear(vxlXMLNSDisk *disk)
{
    g_free(disk->target);
    g_free(disk->script);
    g_free(disk->vdev);
    g_free(disk->coloHost);
    g_free(disk->coloExport);
    g_free(disk->activeDisk);
    g_free(disk->hiddenDisk);
}


const vxlXMLNSDisk *
vxlXMLNSFindDisk(const virDomainDef *def, const char *target)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t i;

    for (i = 0; ns && target && i < ns->ndisks; i++) {
        if (STREQ(ns->disks[i].target, target))
            return &ns->disks[i];
    }
    return NULL;
}


/* The name libxl gets for @disk: its <virtxl:disk vdev>, else its
 * target. */
static const char *
vxlXMLNSDiskEffectiveVdev(const vxlXMLNSDef *ns, const virDomainDiskDef *disk)
{
    size_t i;

    for (i = 0; i < ns->ndisks; i++) {
        if (ns->disks[i].vdev && STREQ_NULLABLE(ns->disks[i].target, disk->dst))
            return ns->disks[i].vdev;
    }
    return disk->dst;
}


/* A vdev is a number libxl takes as given: one that is another disk's
 * number (its own vdev, or its target's, xvda being 51712) makes two
 * disks of one Xen device, and libxl fails the create on the second
 * ("device already exists in xenstore"). */
static int
vxlValidateXMLNSDiskNumber(const virDomainDef *def, const vxlXMLNSDef *ns,
                           const vxlXMLNSDisk *x)
{
    long long number = vxlDiskDevNumber(x->vdev);
    size_t j;

    for (j = 0; number >= 0 && j < def->ndisks; j++) {
        const char *other;

        if (STREQ_NULLABLE(def->disks[j]->dst, x->target))
            continue;
        other = vxlXMLNSDiskEffectiveVdev(ns, def->disks[j]);
        if (!other || vxlDiskDevNumber(other) != number)
            continue;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:disk target='%s' vdev='%s'> is Xen device %lld, which disk '%s' (vdev '%s') already is: libxl fails the start on a second disk of one number"),
                       x->target, x->vdev, number,
                       NULLSTR(def->disks[j]->dst), other);
        return -1;
    }
    return 0;
}


int
vxlValidateXMLNSDisks(const virDomainDef *def, const vxlXMLNSDef *ns)
{
    size_t i;
    size_t j;

    for (i = 0; i < ns->ndisks; i++) {
        const vxlXMLNSDisk *x = &ns->disks[i];
        const virDomainDiskDef *disk = NULL;
        virStorageType type;

        for (j = 0; j < i; j++) {
            if (STREQ(ns->disks[j].target, x->target)) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<virtxl:disk target='%s'> appears twice: a disk has one"),
                               x->target);
                return -1;
            }
        }
        for (j = 0; j < def->ndisks; j++) {
            if (STREQ_NULLABLE(def->disks[j]->dst, x->target))
                disk = def->disks[j];
        }
        if (!disk) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:disk target='%s'> names no <disk> of this domain"),
                           x->target);
            return -1;
        }
        type = virStorageSourceGetActualType(disk->src);
        if (x->multipath &&
            (type != VIR_STORAGE_TYPE_NETWORK || disk->src->protocol != VIR_STORAGE_NET_PROTOCOL_ISCSI)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:disk target='%s' multipath='yes'> is for an iSCSI <disk type='network'> (Xen's block-iscsi script)"),
                           x->target);
            return -1;
        }
        if (x->vdev && vxlValidateXMLNSDiskNumber(def, ns, x) < 0)
            return -1;
        if (!x->script)
            continue;
        if (type != VIR_STORAGE_TYPE_BLOCK && type != VIR_STORAGE_TYPE_FILE) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:disk target='%s' script> is for a <disk type='block'> or type='file' whose source the script is given, not type='%s'"),
                           x->target, virStorageTypeToString(type));
            return -1;
        }
        /* libxl's qdisk backend refuses a script; phy takes any target
         * with one, raw only. */
        if ((disk->driverName && STRNEQ(disk->driverName, "phy") &&
             STRNEQ(disk->driverName, "file")) ||
            (disk->src->format > VIR_STORAGE_FILE_NONE &&
             disk->src->format != VIR_STORAGE_FILE_RAW)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:disk target='%s' script> needs a raw disk on the phy backend (<driver name='phy' type='raw'> or none): libxl runs block scripts for blkback only"),
                           x->target);
            return -1;
        }
    }
    return 0;
}
