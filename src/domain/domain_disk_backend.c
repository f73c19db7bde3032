/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_disk_backend.c: the backend serving each disk of a running
 * domain, in its live XML.
 *
 * A disk whose <driver name> is absent is Xen's to place: libxl tries
 * blkback (phy) first and falls back to qemu's qdisk. The live XML says
 * which one it took, as libvirt's own libxl driver does, because it
 * decides what the disk can do: only blkback keeps I/O statistics
 * (virsh domblkstat), only qdisk opens qcow2. The choice lives in the
 * live definition alone; the persistent one keeps leaving it to Xen.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_xmlns.h"
#include "util_enums.h"

void
vxlDomainDiskBackendName(virDomainDiskDef *disk,
                         const libxl_device_disk *xdisk)
{
    const char *name;

    if (virDomainDiskGetDriver(disk))
        return;
    /* "standalone" and an unknown backend have no libvirt name. */
    if ((name = vxlEnumXlToVirName(&vxlEnumDiskBackend, xdisk->backend)))
        virDomainDiskSetDriver(disk, name);
}

void
vxlDomainDiskBackendNames(virDomainDef *def, const libxl_domain_config *dcfg)
{
    size_t i;
    int j;

    for (i = 0; i < def->ndisks; i++) {
        for (j = 0; j < dcfg->num_disks; j++) {
            /* libxl knows a <virtxl:disk vdev> disk by that number. */
            if (def->disks[i]->dst &&
                STREQ_NULLABLE(dcfg->disks[j].vdev,
                               vxlXMLNSDiskVdev(def, def->disks[i]->dst))) {
                vxlDomainDiskBackendName(def->disks[i], &dcfg->disks[j]);
                break;
            }
        }
    }
}
