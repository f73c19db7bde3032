/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_block_info.c: the size of a disk's image as dom0 sees it
 * (virsh domblkinfo): capacity, allocation and physical size of a local
 * file or block device, a qcow2 image's capacity from its header.
 */
#include "vxl_internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* A qcow2 image's virtual size: big-endian, at byte 24 of its header. */
static int
vxlDiskQcow2Size(int fd, unsigned long long *size)
{
    unsigned char hdr[32];
    size_t i;

    if (pread(fd, hdr, sizeof(hdr), 0) != sizeof(hdr) ||
        memcmp(hdr, "QFI\xfb", 4) != 0)
        return -1;
    *size = 0;
    for (i = 24; i < 32; i++)
        *size = (*size << 8) | hdr[i];
    return 0;
}

static int
vxlDiskImageInfo(const char *source, int format, virDomainBlockInfoPtr info)
{
    VIR_AUTOCLOSE fd = -1;
    struct stat sb;

    if ((fd = open(source, O_RDONLY)) < 0 || fstat(fd, &sb) < 0) {
        virReportSystemError(errno, _("cannot read disk image '%s'"), source);
        return -1;
    }
    if (S_ISBLK(sb.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);

        if (end < 0) {
            virReportSystemError(errno, _("cannot read the size of block device '%s'"),
                                 source);
            return -1;
        }
        info->capacity = info->allocation = info->physical = end;
        return 0;
    }
    info->physical = sb.st_size;
    info->allocation = (unsigned long long)sb.st_blocks * 512;
    info->capacity = sb.st_size;
    if (format == VIR_STORAGE_FILE_QCOW2 &&
        vxlDiskQcow2Size(fd, &info->capacity) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("disk image '%s' is not a qcow2 image"), source);
        return -1;
    }
    return 0;
}

/* @vm locked, with a reference its caller holds: the lock is dropped
 * while the image is read (it is dom0's, whatever the guest does). */
int
vxlDomainBlockInfoRead(virDomainObj *vm, const char *path,
                       virDomainBlockInfoPtr info)
{
    virDomainDiskDef *disk;
    g_autofree char *source = NULL;
    int format;
    int ret;

    if (!(disk = virDomainDiskByName(vm->def, path, false))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has no disk '%s'"), vm->def->name, path);
        return -1;
    }
    if (!virStorageSourceIsLocalStorage(disk->src) ||
        !virDomainDiskGetSource(disk)) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("disk '%s' of domain '%s' is not a local file or block device: its size is the storage server's"),
                       disk->dst, vm->def->name);
        return -1;
    }
    source = g_strdup(virDomainDiskGetSource(disk));
    format = virDomainDiskGetFormat(disk);

    virObjectUnlock(vm);
    ret = vxlDiskImageInfo(source, format, info);
    virObjectLock(vm);
    return ret;
}
