/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_device.c: what Xen can hot-add, decided once for both
 * backends so that they refuse alike.
 *
 * libxl's device_disk_add and device_nic_add only ever create PV
 * devices: a backend in dom0 (or a driver domain) and a frontend the
 * guest's PV drivers connect to. What an HVM guest's device model
 * emulates (IDE and SCSI disks, the IDE cdrom drive, emulated NICs) is
 * built once, from the qemu command line at start, and qemu-xen has no
 * hotplug path for it in libxl. PV and PVH guests have no device model:
 * every disk and vif of theirs is PV, whatever its name.
 */
#include "vxl_internal.h"

#include "virtxl/backend.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlBackendHotplugCheck(const char *name, uint32_t domid,
                       libxl_domain_type type,
                       const libxl_device_disk *xdisk,
                       const libxl_device_nic *xnic)
{
    if (type != LIBXL_DOMAIN_TYPE_HVM)
        return 0;

    if (xdisk && xdisk->is_cdrom) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot hot-add cdrom %s to HVM domain '%s' (id %u): an HVM guest's cdrom drive is emulated by its device model, which Xen builds only at start; add it to the persistent definition (--config) and restart the domain"),
                       NULLSTR(xdisk->vdev), name, domid);
        return -1;
    }
    if (xdisk && xdisk->vdev &&
        (STRPREFIX(xdisk->vdev, "hd") || STRPREFIX(xdisk->vdev, "sd"))) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot hot-add disk %s to HVM domain '%s' (id %u): %s* disks are emulated %s disks, which Xen builds only at start; hot-add a PV disk (an xvd* target) instead"),
                       xdisk->vdev, name, domid,
                       STRPREFIX(xdisk->vdev, "hd") ? "hd" : "sd",
                       STRPREFIX(xdisk->vdev, "hd") ? "IDE" : "SCSI");
        return -1;
    }
    if (xnic && xnic->nictype == LIBXL_NIC_TYPE_VIF_IOEMU) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot hot-add an emulated NIC (model %s) to HVM domain '%s' (id %u): Xen hot-adds PV vifs only; leave the model out or use 'netfront'"),
                       NULLSTR(xnic->model), name, domid);
        return -1;
    }
    return 0;
}

/*
 * Media change is the device model's business (qemu's emulated drive
 * gets the new image; libxl then rewrites the PV backend's params):
 * libxl_cdrom_insert refuses every guest but an HVM one, which is the
 * only kind with a device model.
 */
int
vxlBackendMediaCheck(const char *name, uint32_t domid, libxl_domain_type type,
                     const char *vdev)
{
    if (type == LIBXL_DOMAIN_TYPE_HVM)
        return 0;
    virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                   _("cannot change the media of cdrom %s of domain '%s' (id %u): Xen changes media only in HVM guests, whose device model emulates the drive"),
                   vdev, name, domid);
    return -1;
}
