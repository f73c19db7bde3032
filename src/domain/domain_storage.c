/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_storage.c: <disk type='volume'> becomes a path at start.
 *
 * Translators are pure, so they know files, block devices and network
 * sources only. Before translating, each disk that names a volume of a
 * libvirt storage pool asks the storage driver what the volume is
 * (virDomainDiskTranslateSourcePool): a file or block device path for
 * directory, filesystem, LVM, disk and SCSI pools, an iSCSI LUN or an
 * rbd image (with the pool's Ceph auth) for those pools. The live
 * definition keeps the answer; the persistent one keeps the pool and
 * volume, so the next start asks again.
 *
 * Then every file or block device source is looked for, at start,
 * restore, incoming migration and hot-plug (vxlDomainDiskSourceCheck):
 * Xen itself does not refuse a missing file.
 */
#include "vxl_internal.h"

#include <sys/stat.h>

#include "domain.h"
#include "datatypes.h"
#include "domain_event.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_storage");

int
vxlDomainStoragePrepare(virDomainDef *def)
{
    g_autoptr(virConnect) conn = NULL;
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        virDomainDiskDef *disk = def->disks[i];

        if (disk->src->type != VIR_STORAGE_TYPE_VOLUME)
            continue;
        /* The lookup opens its own connection; this one says clearly
         * when there is no storage driver to open one to. */
        if (!conn && !(conn = virGetConnectStorage())) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("<disk type='volume'> of pool '%s' needs libvirt's storage driver, which this daemon does not have: %s"),
                           NULLSTR(disk->src->srcpool ? disk->src->srcpool->pool : NULL),
                           virGetLastErrorMessage());
            return -1;
        }
        if (virDomainDiskTranslateSourcePool(disk) < 0)
            return -1;
        VIR_DEBUG("disk %s of %s: volume %s of pool %s is %s %s", disk->dst,
                  def->name, disk->src->srcpool->volume, disk->src->srcpool->pool,
                  virStorageTypeToString(virStorageSourceGetActualType(disk->src)),
                  NULLSTR(disk->src->path));
    }
    return 0;
}

/* Whether a missing source is looked for at all: only files and block
 * devices are the host's to check (network sources are the server's);
 * the simulator looks only when told to (sim_check_disk_sources = 1):
 * nothing reads its guests' disks, and clients and benchmarks run on it
 * with made-up paths, as on libvirt's test driver. */
static bool
vxlDomainDiskSourceChecked(vxlDriver *driver, virDomainDiskDef *disk)
{
    int type = virStorageSourceGetActualType(disk->src);

    if (!driver->cfg->simDiskCheck &&
        STREQ_NULLABLE(driver->cfg->backend, "sim"))
        return false;
    if (type != VIR_STORAGE_TYPE_FILE && type != VIR_STORAGE_TYPE_BLOCK)
        return false;
    return !virStorageSourceIsEmpty(disk->src);
}

/* Xen does not say when a disk's file is missing: blkback's hotplug
 * script fails only for a block device, and for a file served by qemu's
 * qdisk the guest starts and then finds no disk. So, as libvirt's qemu
 * driver does, the source is looked for before Xen is asked. */
int
vxlDomainDiskSourceCheck(vxlDriver *driver, virDomainDiskDef *disk)
{
    struct stat sb;

    if (!vxlDomainDiskSourceChecked(driver, disk) ||
        stat(disk->src->path, &sb) == 0)
        return 0;
    virReportSystemError(errno,
                         _("cannot access the source '%s' of disk '%s'"),
                         disk->src->path, disk->dst);
    return -1;
}

/* libvirt's startupPolicy, as its qemu driver reads it: 'optional' may
 * go missing at a cold boot; 'requisite' (a cdrom or floppy only) and
 * 'optional' on a cdrom or floppy may go missing when the guest comes
 * back from a save image or a migration, whose device set is the saved
 * guest's, so a disk device cannot go then. */
static bool
vxlDomainDiskMayGo(const virDomainDiskDef *disk, bool coldBoot)
{
    bool removable = disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM ||
                     disk->device == VIR_DOMAIN_DISK_DEVICE_FLOPPY;

    switch ((virDomainStartupPolicy) disk->startupPolicy) {
    case VIR_DOMAIN_STARTUP_POLICY_OPTIONAL:
        return coldBoot || removable;
    case VIR_DOMAIN_STARTUP_POLICY_REQUISITE:
        return !coldBoot;
    case VIR_DOMAIN_STARTUP_POLICY_DEFAULT:
    case VIR_DOMAIN_STARTUP_POLICY_MANDATORY:
    case VIR_DOMAIN_STARTUP_POLICY_LAST:
        break;
    }
    return false;
}

/* A missing source the policy lets go: a cdrom (floppy) starts empty, a
 * disk is left out of the live definition; the persistent one keeps
 * both, so the next start looks again. Returns whether the disk went. */
static bool
vxlDomainDiskDropMissing(vxlDriver *driver, virDomainObj *vm, size_t idx)
{
    virDomainDiskDef *disk = vm->def->disks[idx];
    g_autofree char *src = g_strdup(disk->src->path);
    g_autofree char *target = g_strdup(disk->dst);
    /* Named as DEVICE_REMOVED names it: the event's alias may not be
     * null (libvirt's wire protocol refuses it). */
    const char *alias = disk->info.alias ? disk->info.alias : target;
    virObjectEvent *event;

    if (disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM ||
        disk->device == VIR_DOMAIN_DISK_DEVICE_FLOPPY) {
        VIR_WARN("domain %s: disk %s starts empty: its source %s is missing (startupPolicy '%s')",
                 vm->def->name, disk->dst, src,
                 virDomainStartupPolicyTypeToString(disk->startupPolicy));
        event = virDomainEventDiskChangeNewFromObj(vm, src, NULL, alias,
                                                   VIR_DOMAIN_EVENT_DISK_CHANGE_MISSING_ON_START);
        virDomainDiskEmptySource(disk);
        /* A later medium is the user's choice, with no policy of old. */
        disk->startupPolicy = VIR_DOMAIN_STARTUP_POLICY_DEFAULT;
    } else {
        VIR_WARN("domain %s: disk %s left out: its source %s is missing (startupPolicy '%s')",
                 vm->def->name, disk->dst, src,
                 virDomainStartupPolicyTypeToString(disk->startupPolicy));
        event = virDomainEventDiskChangeNewFromObj(vm, src, NULL, alias,
                                                   VIR_DOMAIN_EVENT_DISK_DROP_MISSING_ON_START);
        virDomainDiskDefFree(virDomainDiskRemove(vm->def, idx));
    }
    virObjectEventStateQueue(driver->domainEventState, event);
    return !virDomainDiskByTarget(vm->def, target);
}

int
vxlDomainStorageCheckPresence(vxlDriver *driver, virDomainDef *def,
                              virDomainObj *vm, bool coldBoot)
{
    size_t i = 0;

    while (i < def->ndisks) {
        virDomainDiskDef *disk = def->disks[i];

        if (vxlDomainDiskSourceCheck(driver, disk) == 0) {
            i++;
            continue;
        }
        if (!vxlDomainDiskMayGo(disk, coldBoot))
            return -1;
        virResetLastError();
        /* Without the domain (a migration's Prepare), what may go is
         * left for the start to drop. */
        if (!vm || !vxlDomainDiskDropMissing(driver, vm, i))
            i++;
    }
    return 0;
}
