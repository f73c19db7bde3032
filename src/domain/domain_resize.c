/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_resize.c: growing a running domain's disk (virsh blockresize).
 *
 * The image is dom0's: a raw file grows here (never shrinks: the guest's
 * data would be cut), a block device must have been grown already (an
 * lvextend) to at least the size asked for. The backend then makes the
 * guest see it (blkback; the simulator's model). If that fails, the
 * file gets its old size back.
 */
#include "vxl_internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_resize");

int
vxlDomainDiskGrow(vxlDriver *driver, virDomainObj *vm, const char *path,
                  unsigned long long bytes)
{
    virDomainDiskDef *disk;
    g_autofree char *source = NULL;
    g_autofree char *vdev = NULL;
    uint32_t domid = vm->def->id;
    int format;
    struct stat sb;
    bool grown = false;
    int rc;

    if (!(disk = virDomainDiskByName(vm->def, path, false))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has no disk '%s'"), vm->def->name, path);
        return -1;
    }
    vdev = g_strdup(disk->dst);
    format = virDomainDiskGetFormat(disk);
    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (disk->device != VIR_DOMAIN_DISK_DEVICE_DISK ||
        !virStorageSourceIsLocalStorage(disk->src) ||
        !virDomainDiskGetSource(disk)) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("disk '%s' of domain '%s' is not a local file or block device: only those can be resized"),
                       disk->dst, vm->def->name);
        return -1;
    }
    source = g_strdup(virDomainDiskGetSource(disk));
    if (stat(source, &sb) < 0) {
        virReportSystemError(errno, _("cannot read disk image '%s'"), source);
        return -1;
    }

    if (S_ISBLK(sb.st_mode)) {
        VIR_AUTOCLOSE fd = open(source, O_RDONLY);
        off_t size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);

        if (size < 0) {
            virReportSystemError(errno, _("cannot read the size of block device '%s'"),
                                 source);
            return -1;
        }
        if (bytes > (unsigned long long)size) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("block device '%s' of disk '%s' has %lld bytes, fewer than the %llu asked for: grow the device first"),
                           source, disk->dst, (long long)size, bytes);
            return -1;
        }
    } else {
        if (format != VIR_STORAGE_FILE_RAW && format != VIR_STORAGE_FILE_NONE) {
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("disk '%s' of domain '%s' is a %s image: only raw images can be resized"),
                           disk->dst, vm->def->name,
                           virStorageFileFormatTypeToString(format));
            return -1;
        }
        if (bytes < (unsigned long long)sb.st_size) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("disk '%s' of domain '%s' cannot shrink from %lld to %llu bytes"),
                           disk->dst, vm->def->name, (long long)sb.st_size, bytes);
            return -1;
        }
        if (truncate(source, bytes) < 0) {
            virReportSystemError(errno, _("cannot grow disk image '%s' to %llu bytes"),
                                 source, bytes);
            return -1;
        }
        grown = true;
    }

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainBlockResize(driver->backend, domid, vdev, bytes);
    vxlDomainBackendExit(vm);
    if (rc < 0 && grown && truncate(source, sb.st_size) < 0)
        VIR_WARN("cannot give disk image %s its old size back: %s",
                 source, g_strerror(errno));
    return rc;
}
