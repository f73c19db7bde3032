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
 */
#include "vxl_internal.h"

#include "domain.h"
#include "datatypes.h"
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
