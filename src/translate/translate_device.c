/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_device.c: one device for hotplug.
 *
 * The per-class translators (translate_disk.c, translate_net.c) fill a
 * libxl device as a domain's start needs it; hotplug adds what Xen's
 * hot-add can do: libxl hot-adds PV devices only, so an HVM guest gets
 * no new emulated disk (hd*, sd*, cdrom drive) or emulated NIC, and a
 * hot-added NIC is always a PV vif. Each wrapper translates into a local
 * device and hands it over only on success: on failure the caller's
 * device is as it was, still just _init'ed.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


static int
vxlTranslateDeviceDiskInto(const virDomainDef *def,
                           const virDomainDiskDef *disk,
                           libxl_device_disk *xdisk)
{
    libxl_device_disk local;

    libxl_device_disk_init(&local);
    if (vxlTranslateDisk(def, disk, &local) < 0) {
        libxl_device_disk_dispose(&local);
        return -1;
    }
    libxl_device_disk_dispose(xdisk);
    *xdisk = local;
    return 0;
}


int
vxlTranslateDeviceDisk(const virDomainDef *def, const virDomainDiskDef *disk,
                       libxl_device_disk *xdisk)
{
    if (def->os.type == VIR_DOMAIN_OSTYPE_HVM) {
        if (disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM) {
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("cannot hot-add cdrom <target dev='%s'> to HVM domain '%s': its device model emulates cdrom drives, and Xen builds them only at start; add it with --config and restart the domain"),
                           NULLSTR(disk->dst), def->name);
            return -1;
        }
        if (disk->dst && !STRPREFIX(disk->dst, "xvd")) {
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("cannot hot-add disk <target dev='%s'> to HVM domain '%s': Xen hot-adds only PV disks, and hd* and sd* disks are emulated IDE and SCSI disks built at start; use an xvd* target (bus 'xen')"),
                           disk->dst, def->name);
            return -1;
        }
    }
    return vxlTranslateDeviceDiskInto(def, disk, xdisk);
}


int
vxlTranslateDeviceCdrom(const virDomainDef *def, const virDomainDiskDef *disk,
                        libxl_device_disk *xdisk)
{
    if (disk->device != VIR_DOMAIN_DISK_DEVICE_CDROM) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot change the media of <disk device='%s'><target dev='%s'>: only a cdrom's media can change"),
                       virDomainDiskDeviceTypeToString(disk->device),
                       NULLSTR(disk->dst));
        return -1;
    }
    return vxlTranslateDeviceDiskInto(def, disk, xdisk);
}


int
vxlTranslateDeviceNic(const virDomainDef *def, const virDomainNetDef *net,
                      libxl_device_nic *xnic)
{
    libxl_device_nic local;

    if (def->os.type == VIR_DOMAIN_OSTYPE_HVM &&
        virDomainNetGetModelString(net) &&
        net->model != VIR_DOMAIN_NET_MODEL_NETFRONT) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot hot-add <interface><model type='%s'> to HVM domain '%s': Xen hot-adds only PV vifs, and its device model builds emulated NICs only at start; use model 'netfront' or none"),
                       virDomainNetGetModelString(net), def->name);
        return -1;
    }

    libxl_device_nic_init(&local);
    if (vxlTranslateNet(def, net, &local) < 0) {
        libxl_device_nic_dispose(&local);
        return -1;
    }
    /* Without a model libxl would make an HVM guest's NIC at start an
     * emulated one with a PV twin; hot-added, it is the PV vif alone,
     * which is said here rather than left to libxl's defaults. The next
     * free devid is libxl's to choose, as xl network-attach leaves it. */
    local.nictype = LIBXL_NIC_TYPE_VIF;
    local.devid = -1;
    libxl_device_nic_dispose(xnic);
    *xnic = local;
    return 0;
}
