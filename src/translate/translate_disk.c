/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_disk.c: <disk> devices.
 *
 * Covers <disk type='file'|'block' device='disk'|'cdrom'> with
 * <source file|dev> (pdev_path; none for an empty cdrom), <target dev>
 * (vdev) and bus, <driver name> (backend: phy, qemu = qdisk; the
 * legacy "file", "tap" and "tap2" let libxl choose, as xl's deprecated
 * prefixes do), <driver type> (format raw, qcow,
 * qcow2, vhd, qed), <readonly/>, and <backenddomain name>.
 *
 * Also <disk type='network'><source protocol='rbd'> with hosts and an
 * auth username (a qemu rbd target, qdisk backend), <driver
 * discard='unmap'|'ignore'> (discard_enable) and <driver cache='none'|
 * 'directsync'> (direct_io_safe).
 *
 * <disk type='network'><source protocol='iscsi'> goes through Xen's
 * block-iscsi script (conf_disk_iscsi.c); other block scripts are
 * named by <virtxl:disk script> (src/conf/domain_xmlns_disk.c).
 *
 * <target bus='sata'> on hd* disks of an HVM guest is libxl's
 * hdtype=ahci, which applies to all of the guest's emulated hard disks.
 *
 * Refuses, for now: volume sources; other network protocols; cache
 * modes other than none, directsync and writeback. For good: dir, nvme and
 * vhost-user sources, floppy and lun devices, buses other than xen, ide,
 * sata and scsi, SATA CD-ROMs, IDE beside SATA hard disks, a bus that
 * contradicts the target's name, other image
 * formats, non-raw images on phy, empty hard disks, transient
 * disks, and read-only disks that an HVM guest would see as IDE disks.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "util_enums.h"
#include "virerror.h"
#include "virutil.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* The libxl format of @disk's image, or -1. libvirt leaves the format
 * unset when <driver type> is absent; xl's default is raw. */
static int
vxlDiskFormat(const virDomainDiskDef *disk)
{
    if (disk->src->format == VIR_STORAGE_FILE_NONE)
        return LIBXL_DISK_FORMAT_RAW;
    return vxlEnumVirToXl(&vxlEnumDiskFormat, disk->src->format);
}


/* What a disk's source is: for a storage pool's volume, what the
 * storage driver resolved it to at start, or VOLUME until then. */
static virStorageType
vxlDiskActualType(const virDomainDiskDef *disk)
{
    return virStorageSourceGetActualType(disk->src);
}


static bool
vxlDiskIsEmpty(const virDomainDiskDef *disk)
{
    return !disk->src->path && vxlDiskActualType(disk) != VIR_STORAGE_TYPE_NETWORK &&
           vxlDiskActualType(disk) != VIR_STORAGE_TYPE_VOLUME;
}



static int
vxlValidateDiskSource(const virDomainDiskDef *disk)
{
    switch (vxlDiskActualType(disk)) {
    case VIR_STORAGE_TYPE_NONE:
    case VIR_STORAGE_TYPE_FILE:
    case VIR_STORAGE_TYPE_BLOCK:
        return 0;
    case VIR_STORAGE_TYPE_NETWORK:
        /* qemu's rbd driver, through the qdisk backend. */
        if (disk->src->protocol == VIR_STORAGE_NET_PROTOCOL_RBD) {
            /* A Ceph key from libvirt's secret store is added when the
             * domain starts (domain_secrets.c); without <secret>, qemu
             * reads the host's keyring. */
            if (disk->src->auth && disk->src->auth->secrettype &&
                STRNEQ(disk->src->auth->secrettype, "ceph")) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<disk type='network'><auth><secret type='%s'> is not supported for rbd: use type='ceph'"),
                               disk->src->auth->secrettype);
                return -1;
            }
            if (disk->driverName && STRNEQ(disk->driverName, "qemu")) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<disk type='network'> needs <driver name='qemu'> with Xen: only qemu speaks rbd"));
                return -1;
            }
            /* qemu's rbd: string separates its options with ':' and ';'
             * and has no escape for them in the image's name. */
            if (strpbrk(NULLSTR_EMPTY(disk->src->path), ":;\\") ||
                strpbrk(NULLSTR_EMPTY(disk->src->volume), ":;\\") ||
                (disk->src->auth && strpbrk(NULLSTR_EMPTY(disk->src->auth->username), ":;\\"))) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<disk type='network'><source protocol='rbd' name> and <auth username> may not hold ':', ';' or '\\' with Xen: qemu's rbd target has no escape for them there"));
                return -1;
            }
            return 0;
        }
        /* Xen's block-iscsi hotplug script, through blkback. */
        if (disk->src->protocol == VIR_STORAGE_NET_PROTOCOL_ISCSI)
            return vxlValidateDiskISCSI(disk);
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk type='network'><source protocol='%s'> is not supported by Xen: use 'rbd' or 'iscsi', or attach the disk on the host and give it as type='block'"),
                       virStorageNetProtocolTypeToString(disk->src->protocol));
        return -1;
    /* A storage pool's volume is resolved when the domain starts
     * (domain_storage.c), and checked again then as what it is. */
    case VIR_STORAGE_TYPE_VOLUME:
        return 0;
    /* qemu-only sources, which libxl's disk backends cannot open: a
     * directory served as a FAT image, */
    case VIR_STORAGE_TYPE_DIR:
    /* userspace NVMe and vhost-user block devices. */
    case VIR_STORAGE_TYPE_NVME:
    case VIR_STORAGE_TYPE_VHOST_USER:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk type='%s'> is not supported by Xen: use type='file' or type='block'"),
                       virStorageTypeToString(vxlDiskActualType(disk)));
        return -1;
    case VIR_STORAGE_TYPE_LAST:
    default:
        virReportEnumRangeError(virStorageType, vxlDiskActualType(disk));
        return -1;
    }
}


/* libxl takes no bus: it derives it from the target's name alone (xvd*
 * is PV only, hd* IDE, sd* SCSI for HVM guests). A bus that disagrees
 * with the name would be silently ignored, so it is refused. A PV or
 * PVH guest has no emulated bus: every name is a blkfront disk there,
 * so bus 'xen' goes with hd* and sd* names too (xl's PV guests with
 * partitions as disks, sda1 and sda2, which a SCSI bus would give one
 * drive address). */
static int
vxlValidateDiskBus(const virDomainDef *def, const virDomainDiskDef *disk)
{
    const char *prefix = NULL;

    switch ((virDomainDiskBus)disk->bus) {
    case VIR_DOMAIN_DISK_BUS_XEN:
        if (def->os.type != VIR_DOMAIN_OSTYPE_HVM)
            return 0;
        prefix = "xvd";
        break;
    case VIR_DOMAIN_DISK_BUS_IDE:
        prefix = "hd";
        break;
    case VIR_DOMAIN_DISK_BUS_SCSI:
        prefix = "sd";
        break;
    /* libxl's hdtype=ahci: qemu puts the hd* disks (with the emulated
     * twins of the first xvd* ones) on an AHCI controller instead of
     * IDE; CD-ROMs stay on IDE whatever hdtype says, and PV and PVH
     * guests have no emulated disks at all. */
    case VIR_DOMAIN_DISK_BUS_SATA:
        if (def->os.type != VIR_DOMAIN_OSTYPE_HVM) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<disk><target bus='sata'> is supported by Xen for HVM guests only: use bus='xen'"));
            return -1;
        }
        if (disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<disk device='cdrom'><target bus='sata'> is not supported by Xen: libxl keeps CD-ROMs on the IDE bus; use bus='ide'"));
            return -1;
        }
        prefix = "hd";
        break;
    case VIR_DOMAIN_DISK_BUS_NONE:
        /* The parser's post-parse assigns a bus; nothing to check. */
        return 0;
    case VIR_DOMAIN_DISK_BUS_FDC:
    case VIR_DOMAIN_DISK_BUS_VIRTIO:
    case VIR_DOMAIN_DISK_BUS_USB:
    case VIR_DOMAIN_DISK_BUS_UML:
    case VIR_DOMAIN_DISK_BUS_SD:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk><target bus='%s'> is not supported by Xen: use 'xen', or 'ide', 'sata' or 'scsi' for HVM guests"),
                       virDomainDiskBusTypeToString(disk->bus));
        return -1;
    case VIR_DOMAIN_DISK_BUS_LAST:
    default:
        virReportEnumRangeError(virDomainDiskBus, disk->bus);
        return -1;
    }

    if (!STRPREFIX(disk->dst, prefix)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk><target dev='%s' bus='%s'> is not supported by Xen: Xen takes the bus from the device name, so use a %s* name for bus '%s'"),
                       disk->dst, virDomainDiskBusTypeToString(disk->bus),
                       prefix, virDomainDiskBusTypeToString(disk->bus));
        return -1;
    }
    return 0;
}


/* The backend against <virtxl:disk specification> and colo, as libxl
 * picks one (disk_try_backend in libxl_device.c): a virtio disk has the
 * standalone backend alone, which serves nothing else; COLO replication
 * is qdisk's. */
static int
vxlValidateDiskProtocol(const virDomainDef *def, const virDomainDiskDef *disk,
                        int backend)
{
    const vxlXMLNSDisk *x = vxlXMLNSFindDisk(def, disk->dst);
    bool virtio = x && x->specification == LIBXL_DISK_SPECIFICATION_VIRTIO;

    if (backend == LIBXL_DISK_BACKEND_STANDALONE && !virtio) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk><driver name='standalone'> of <target dev='%s'> is not supported by Xen without <virtxl:disk specification='virtio'>: libxl's standalone backend serves virtio disks only"),
                       disk->dst);
        return -1;
    }
    if (virtio && backend != LIBXL_DISK_BACKEND_UNKNOWN &&
        backend != LIBXL_DISK_BACKEND_STANDALONE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:disk target='%s' specification='virtio'> is not supported by Xen with <driver name='%s'>: libxl serves a virtio disk by its standalone backend only"),
                       disk->dst, disk->driverName);
        return -1;
    }
    if (x && x->colo == VIR_TRISTATE_BOOL_YES &&
        (virtio || backend == LIBXL_DISK_BACKEND_PHY || backend == LIBXL_DISK_BACKEND_STANDALONE)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:disk target='%s' colo='yes'> is not supported by Xen beside a phy, standalone or virtio disk: libxl replicates a disk through its qdisk backend only"),
                       disk->dst);
        return -1;
    }
    return 0;
}


static int
vxlValidateDiskDriver(const virDomainDef *def, const virDomainDiskDef *disk)
{
    int backend = vxlDiskBackendFromDriverName(disk->driverName);
    int format = vxlDiskFormat(disk);

    if (format < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk><driver type='%s'> is not supported by Xen: use raw, qcow, qcow2, vhd or qed"),
                       virStorageFileFormatTypeToString(disk->src->format));
        return -1;
    }

    if (vxlValidateDiskProtocol(def, disk, backend) < 0)
        return -1;
    switch (backend) {
    case LIBXL_DISK_BACKEND_UNKNOWN:
    case LIBXL_DISK_BACKEND_QDISK:
        return 0;
    case LIBXL_DISK_BACKEND_PHY:
        /* blkback serves the bytes of a device or file as they are. */
        if (format != LIBXL_DISK_FORMAT_RAW) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<disk><driver name='phy' type='%s'> is not supported by Xen: the phy backend serves raw images only; use name='qemu'"),
                           virStorageFileFormatTypeToString(disk->src->format));
            return -1;
        }
        return 0;
    case LIBXL_DISK_BACKEND_STANDALONE:
        /* A virtio backend outside libxl, given the path as it is. */
        if (format != LIBXL_DISK_FORMAT_RAW) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<disk><driver name='standalone' type='%s'> is not supported by Xen: libxl's standalone backend serves raw images only"),
                           virStorageFileFormatTypeToString(disk->src->format));
            return -1;
        }
        return 0;
    default:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk><driver name='%s'> is not supported by Xen: use 'phy', 'qemu' or 'standalone', or leave it out to let Xen choose"),
                       disk->driverName);
        return -1;
    }
}


/* libxl_device_disk has a path, format, backend, vdev, access mode,
 * discard and direct-io-safe: what qemu or virtio would tune besides
 * has nowhere to go. Two things are taken although the guest never
 * sees them: <serial> (Xen's PV disk protocol carries none; Nova puts
 * its volume ID on every disk it attaches) and <driver io> (the
 * backends choose their own I/O: blkback in the kernel, qdisk AIO). */
static int
vxlValidateDiskTuning(const virDomainDiskDef *disk)
{
    const char *what = NULL;

    if (disk->geometry.cylinders || disk->geometry.heads ||
        disk->geometry.sectors || disk->geometry.trans)
        what = "<geometry>";
    else if (disk->blockio.logical_block_size || disk->blockio.physical_block_size)
        what = "<blockio>";
    else if (virDomainBlockIoTuneInfoHasAny(&disk->blkdeviotune) ||
             disk->blkdeviotune.group_name)
        what = "<iotune>";
    else if (disk->wwn)
        what = "<wwn>";
    else if (disk->vendor || disk->product)
        what = "<vendor> and <product>";
    else if (disk->src && disk->src->encryption)
        what = "<encryption>";
    else if (disk->src && vxlDeviceSeclabelsSet(disk->src->seclabels, disk->src->nseclabels))
        what = "<source><seclabel>";
    /* libxl's disk is one path: qemu and blkback follow an image's own
     * backing file, not a chain written in the XML. The bare terminator
     * <backingStore/> says there is none, which is accepted. */
    else if (disk->src && virStorageSourceIsBacking(disk->src->backingStore))
        what = "<backingStore>";
    else if (disk->src && disk->src->pr)
        what = "<source><reservations>";
    else if (disk->src && disk->src->sliceStorage)
        what = "<source><slices>";
    else if (disk->src && disk->src->metadataCacheMaxSize)
        what = "<driver><metadata_cache>";
    else if (disk->mirror)
        what = "<mirror>";
    else if (disk->tray_status == VIR_DOMAIN_DISK_TRAY_OPEN)
        what = "<target tray='open'>";
    else if (disk->error_policy != VIR_DOMAIN_DISK_ERROR_POLICY_DEFAULT ||
             disk->rerror_policy != VIR_DOMAIN_DISK_ERROR_POLICY_DEFAULT)
        what = "<driver error_policy|rerror_policy>";
    else if (disk->copy_on_read || disk->detect_zeroes ||
             disk->ioeventfd || disk->event_idx || disk->iothread ||
             disk->queues || disk->queue_size)
        what = "<driver copy_on_read|detect_zeroes|ioeventfd|event_idx|iothread|queues|queue_size>";
    else if (disk->model != VIR_DOMAIN_DISK_MODEL_DEFAULT ||
             vxlVirtioOptionsSet(disk->virtio))
        what = "<disk model> and virtio options";
    else if (disk->rawio || disk->sgio)
        what = "<disk rawio|sgio>";
    else if (disk->rotation_rate)
        what = "<target rotation_rate>";
    else if (disk->removable != VIR_TRISTATE_SWITCH_ABSENT &&
             disk->device != VIR_DOMAIN_DISK_DEVICE_CDROM)
        what = "<target removable>";

    if (what) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk><target dev='%s'> uses %s, which Xen does not support"),
                       disk->dst, what);
        return -1;
    }

    /* Two guests writing one disk: blkback's hotplug script and qemu's
     * image lock both refuse the second. */
    if (disk->src && disk->src->shared && !disk->src->readonly &&
        disk->device != VIR_DOMAIN_DISK_DEVICE_CDROM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk><target dev='%s'>: <shareable/> without <readonly/> is not supported by Xen: a disk is writable by one guest at a time"),
                       disk->dst);
        return -1;
    }
    return 0;
}


/* libxl places a disk by its target's name alone. libvirt gives IDE and
 * SCSI disks the drive address their name means (its bookkeeping, kept
 * in the definition); another address, or one of another kind, would
 * not be where the guest finds the disk. */
static int
vxlValidateDiskAddress(const virDomainDef *def, const virDomainDiskDef *disk)
{
    virDomainDiskDef named = *disk;     /* only its info is written */
    const virDomainDeviceDriveAddress *want = &named.info.addr.drive;
    const virDomainDeviceDriveAddress *have = &disk->info.addr.drive;

    if (disk->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
        return 0;
    if (disk->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE &&
        (disk->bus == VIR_DOMAIN_DISK_BUS_IDE || disk->bus == VIR_DOMAIN_DISK_BUS_SATA ||
         disk->bus == VIR_DOMAIN_DISK_BUS_SCSI)) {
        named.info.type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE;
        if (virDomainDiskDefAssignAddress(NULL, &named, def) < 0)
            return -1;
        if (want->controller == have->controller && want->bus == have->bus &&
            want->target == have->target && want->unit == have->unit)
            return 0;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk><target dev='%s'><address type='drive' controller='%u' bus='%u' target='%u' unit='%u'> is not supported by Xen: libxl places a disk by its name, which means controller='%u' bus='%u' target='%u' unit='%u'"),
                       disk->dst, have->controller, have->bus, have->target, have->unit,
                       want->controller, want->bus, want->target, want->unit);
        return -1;
    }
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("<disk><target dev='%s'><address type='%s'> is not supported by Xen: libxl places a disk by its name"),
                   disk->dst, virDomainDeviceAddressTypeToString(disk->info.type));
    return -1;
}


/* Whether the domain asks for libxl's hdtype=ahci: any SATA disk. */
static bool
vxlDiskListAHCI(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (def->disks[i]->bus == VIR_DOMAIN_DISK_BUS_SATA)
            return true;
    }
    return false;
}


int
vxlValidateDisk(const virDomainDef *def, const virDomainDiskDef *disk)
{
    int index;

    /* libvirt 9.0's parser takes a <target> without dev=, and its own
     * check for that runs after ours; every rule below names the disk by
     * its target. */
    if (vxlValidateDiskTarget(disk) < 0)
        return -1;

    switch ((virDomainDiskDevice)disk->device) {
    case VIR_DOMAIN_DISK_DEVICE_DISK:
    case VIR_DOMAIN_DISK_DEVICE_CDROM:
        break;
    case VIR_DOMAIN_DISK_DEVICE_FLOPPY:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<disk device='floppy'> is not supported by Xen: libxl gives guests no floppy drives"));
        return -1;
    case VIR_DOMAIN_DISK_DEVICE_LUN:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<disk device='lun'> is not supported by Xen: libxl has no SCSI command passthrough; use device='disk'"));
        return -1;
    case VIR_DOMAIN_DISK_DEVICE_LAST:
    default:
        virReportEnumRangeError(virDomainDiskDevice, disk->device);
        return -1;
    }

    if (vxlValidateDiskSource(disk) < 0 ||
        vxlValidateDiskBus(def, disk) < 0 ||
        vxlValidateDiskDriver(def, disk) < 0)
        return -1;

    if (vxlDiskIsEmpty(disk) && disk->device != VIR_DOMAIN_DISK_DEVICE_CDROM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk device='disk'><target dev='%s'> without <source> is not supported by Xen: only a cdrom may be empty"),
                       disk->dst);
        return -1;
    }

    switch (disk->cachemode) {
    case VIR_DOMAIN_DISK_CACHE_DEFAULT:
    case VIR_DOMAIN_DISK_CACHE_WRITEBACK:
    case VIR_DOMAIN_DISK_CACHE_DISABLE:
    case VIR_DOMAIN_DISK_CACHE_DIRECTSYNC:
        break;
    default:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk><driver cache='%s'> is not supported by Xen: use 'none' or 'directsync' (direct I/O) or leave it out"),
                       virDomainDiskCacheTypeToString(disk->cachemode));
        return -1;
    }

    if (vxlValidateDiskTuning(disk) < 0 ||
        vxlValidateDiskAddress(def, disk) < 0)
        return -1;

    if (disk->transient) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<disk><transient/> is not supported by Xen"));
        return -1;
    }

    /* qemu emulates an HVM guest's first four disks (by number: hda and
     * xvda alike) as IDE disks, unless they are sd*, and its IDE disks
     * cannot be read-only: libxl would fail the start. (With SATA disks
     * they are AHCI disks: vxlValidateDiskAHCI.) */
    if (def->os.type == VIR_DOMAIN_OSTYPE_HVM && !vxlDiskListAHCI(def) &&
        disk->device == VIR_DOMAIN_DISK_DEVICE_DISK &&
        disk->src->readonly &&
        !STRPREFIX(disk->dst, "sd") &&
        (index = virDiskNameToIndex(disk->dst)) >= 0 && index < 4) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<disk><readonly/> is not supported by Xen for <target dev='%s'> of an HVM guest: qemu emulates it as an IDE disk, which cannot be read-only; use an sd* or a later xvd* target"),
                       disk->dst);
        return -1;
    }

    return 0;
}


int
vxlTranslateDisk(const virDomainDef *def, const virDomainDiskDef *disk,
                 libxl_device_disk *xdisk)
{
    const vxlXMLNSDisk *xscript;

    if (vxlValidateDisk(def, disk) < 0)
        return -1;
    if (vxlDiskActualType(disk) == VIR_STORAGE_TYPE_VOLUME) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("<disk><target dev='%s'>: volume '%s' of pool '%s' becomes a path only when the domain starts, through libvirt's storage driver"),
                       disk->dst, NULLSTR(disk->src->srcpool ? disk->src->srcpool->volume : NULL),
                       NULLSTR(disk->src->srcpool ? disk->src->srcpool->pool : NULL));
        return -1;
    }

    xscript = vxlXMLNSFindDisk(def, disk->dst);
    if (vxlDiskActualType(disk) == VIR_STORAGE_TYPE_NETWORK &&
        disk->src->protocol == VIR_STORAGE_NET_PROTOCOL_ISCSI) {
        /* <virtxl:disk multipath>: the script's multipath=y. */
        xdisk->pdev_path = vxlDiskISCSITarget(disk->src, xscript && xscript->multipath);
        xdisk->script = g_strdup("block-iscsi");
    } else if (vxlDiskActualType(disk) == VIR_STORAGE_TYPE_NETWORK)
        xdisk->pdev_path = vxlDiskRbdTarget(disk->src);
    else
        xdisk->pdev_path = g_strdup(disk->src->path);
    /* <virtxl:disk vdev>: a device number libvirt cannot name. */
    xdisk->vdev = g_strdup(xscript && xscript->vdev ? xscript->vdev : disk->dst);
    xdisk->backend = vxlDiskBackendFromDriverName(disk->driverName);
    /* libxl insists on the "empty" format for a cdrom without media. */
    xdisk->format = vxlDiskIsEmpty(disk) ? LIBXL_DISK_FORMAT_EMPTY : vxlDiskFormat(disk);
    /* Only cdroms can change media, in libvirt and in xl
     * (devtype=cdrom sets both flags). */
    xdisk->is_cdrom = disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM;
    xdisk->removable = xdisk->is_cdrom;
    /* A cdrom is read-only with or without <readonly/> (libvirt's parser
     * does not add it): qemu's emulated drive always is, and xl's
     * devtype=cdrom defaults to access=ro, so the PV path gets the same. */
    xdisk->readwrite = !disk->src->readonly && !xdisk->is_cdrom;
    xdisk->backend_domname = g_strdup(disk->domain_name);
    /* <virtxl:disk script>: a block script, which only libxl's phy
     * backend runs (src/conf/domain_xmlns_disk.c). */
    if (xscript && xscript->script)
        xdisk->script = g_strdup(xscript->script);
    /* <virtxl:disk specification> and COLO's attributes, as xl's words. */
    if (xscript) {
        xdisk->specification = xscript->specification;
        if (xscript->colo)
            libxl_defbool_set(&xdisk->colo_enable, xscript->colo == VIR_TRISTATE_BOOL_YES);
        xdisk->colo_host = g_strdup(xscript->coloHost);
        xdisk->colo_port = xscript->coloPort;
        xdisk->colo_export = g_strdup(xscript->coloExport);
        xdisk->active_disk = g_strdup(xscript->activeDisk);
        xdisk->hidden_disk = g_strdup(xscript->hiddenDisk);
    }
    if (vxlDiskActualType(disk) == VIR_STORAGE_TYPE_NETWORK &&
        disk->src->protocol == VIR_STORAGE_NET_PROTOCOL_RBD)
        xdisk->backend = LIBXL_DISK_BACKEND_QDISK;
    /* xl's discard / no-discard. */
    if (disk->discard == VIR_DOMAIN_DISK_DISCARD_UNMAP)
        libxl_defbool_set(&xdisk->discard_enable, true);
    else if (disk->discard == VIR_DOMAIN_DISK_DISCARD_IGNORE)
        libxl_defbool_set(&xdisk->discard_enable, false);
    /* cache='none'|'directsync' bypass the host's page cache: the
     * backend may open the image O_DIRECT (xl's direct-io-safe). */
    xdisk->direct_io_safe = disk->cachemode == VIR_DOMAIN_DISK_CACHE_DISABLE ||
                            disk->cachemode == VIR_DOMAIN_DISK_CACHE_DIRECTSYNC;
    return 0;
}


static int
vxlValidateDiskAHCI(const virDomainDef *def)
{
    size_t i;

    /* hdtype is one setting for the domain: with it, every hd* hard
     * disk is an AHCI disk, so IDE and SATA hard disks cannot be mixed
     * (CD-ROMs stay IDE either way). */
    if (vxlDiskListAHCI(def)) {
        const vxlXMLNSDef *ns = vxlXMLNSGet(def);
        const char *hdtype = ns ? ns->keys[VXL_XMLNS_KEY_HDTYPE] : NULL;

        if (hdtype && STRNEQ(hdtype, "ahci")) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:hdtype value='%s'> beside a disk with <target bus='sata'> is not supported by Xen: SATA disks are hdtype 'ahci'"),
                           hdtype);
            return -1;
        }
        for (i = 0; i < def->ndisks; i++) {
            const virDomainDiskDef *disk = def->disks[i];
            int index = virDiskNameToIndex(disk->dst);

            /* With hdtype=ahci qemu emulates the first six disks by
             * number (sd* aside) on AHCI, which cannot be read-only:
             * libxl would fail the start. */
            if (disk->device == VIR_DOMAIN_DISK_DEVICE_DISK && disk->src->readonly &&
                !STRPREFIX(disk->dst, "sd") && index >= 0 && index < 6) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<disk><readonly/> is not supported by Xen for <target dev='%s'> of an HVM guest with SATA disks: qemu emulates it as an AHCI disk, which cannot be read-only; use an sd* or a later xvd* target"),
                               disk->dst);
                return -1;
            }
            if (disk->bus == VIR_DOMAIN_DISK_BUS_IDE &&
                disk->device == VIR_DOMAIN_DISK_DEVICE_DISK) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<disk><target dev='%s' bus='ide'> beside a disk with bus='sata' is not supported by Xen: libxl makes all of a guest's emulated hard disks IDE or all of them AHCI"),
                               disk->dst);
                return -1;
            }
        }
    }
    return 0;
}


int
vxlValidateDiskList(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        if (vxlValidateDisk(def, def->disks[i]) < 0)
            return -1;
    }
    return vxlValidateDiskAHCI(def);
}


static void
vxlDiskArrayFree(libxl_device_disk *xdisks, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        libxl_device_disk_dispose(&xdisks[i]);
    g_free(xdisks);
}


int
vxlTranslateDiskList(const virDomainDef *def, libxl_domain_config *dcfg)
{
    libxl_device_disk *xdisks;
    size_t i;

    if (vxlValidateDiskAHCI(def) < 0)
        return -1;
    xdisks = g_new0(libxl_device_disk, def->ndisks);

    /* Unlike NICs, xl leaves disks' devid unset: libxl derives it from
     * vdev. */
    for (i = 0; i < def->ndisks; i++) {
        libxl_device_disk_init(&xdisks[i]);
        if (vxlTranslateDisk(def, def->disks[i], &xdisks[i]) < 0) {
            vxlDiskArrayFree(xdisks, i + 1);
            return -1;
        }
    }

    vxlDiskArrayFree(dcfg->disks, dcfg->num_disks);
    dcfg->disks = xdisks;
    dcfg->num_disks = def->ndisks;
    if (vxlDiskListAHCI(def))
        dcfg->b_info.u.hvm.hdtype = LIBXL_HDTYPE_AHCI;
    return 0;
}
