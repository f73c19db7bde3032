/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_snapshot_disk.c: the disk half of snapshots - which disks can
 * have an external snapshot, their qcow2 overlays made with qemu-img,
 * and definitions switched to them.
 *
 * Only file-backed qcow2 images are snapshotted: Xen's qdisk backend
 * reads a qcow2 chain, and an overlay on any other kind of disk (a raw
 * file or a block device, which blkback serves, or a network disk) would
 * change how Xen attaches it, so those are refused, naming the disk.
 * Read-only disks and cdroms are left out unless asked for, as libvirt
 * does (their snapshot mode defaults to 'no'); asked for, they are
 * refused.
 */
#include "vxl_internal.h"

#include <sys/stat.h>
#include <unistd.h>

#include "domain_snapshot.h"
#include "vircommand.h"
#include "virerror.h"
#include "virfile.h"
#include "virjson.h"
#include "virlog.h"
#include "storage_source_conf.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_snapshot_disk");

/* The snapshot mode @snapdef asks for @disk before alignment: its own
 * <disk> entry's, else the domain disk's, else external (libvirt's
 * default for a disk with media). */
static int
vxlSnapshotDiskMode(virDomainSnapshotDef *snapdef, virDomainDiskDef *disk)
{
    size_t i;

    for (i = 0; i < snapdef->ndisks; i++) {
        virDomainSnapshotDiskDef *sd = &snapdef->disks[i];

        if (STREQ_NULLABLE(sd->name, disk->dst) &&
            sd->snapshot != VIR_DOMAIN_SNAPSHOT_LOCATION_DEFAULT)
            return sd->snapshot;
        if (STREQ_NULLABLE(sd->name, disk->dst))
            break;
    }
    if (virStorageSourceIsEmpty(disk->src))
        return VIR_DOMAIN_SNAPSHOT_LOCATION_NO;
    if (disk->snapshot != VIR_DOMAIN_SNAPSHOT_LOCATION_DEFAULT)
        return disk->snapshot;
    return VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL;
}

/* Whether domain disk @disk can have an external qcow2 snapshot. */
static int
vxlSnapshotDiskUsable(virDomainDiskDef *disk, int mode)
{
    const char *path = virDomainDiskGetSource(disk);
    struct stat sb;

    if (mode == VIR_DOMAIN_SNAPSHOT_LOCATION_NO)
        return 0;
    if (mode != VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk '%s' cannot have a snapshot of mode '%s': Xen domains have external snapshots only"),
                       disk->dst, virDomainSnapshotLocationTypeToString(mode));
        return -1;
    }
    if (disk->device == VIR_DOMAIN_DISK_DEVICE_CDROM ||
        disk->device == VIR_DOMAIN_DISK_DEVICE_FLOPPY ||
        disk->src->readonly) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk '%s' cannot be snapshotted: it is read-only (leave it out with snapshot='no')"),
                       disk->dst);
        return -1;
    }
    if (virStorageSourceGetActualType(disk->src) != VIR_STORAGE_TYPE_FILE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk '%s' cannot be snapshotted: it is a '%s' disk, and only file-backed qcow2 images can be"),
                       disk->dst,
                       virStorageTypeToString(virStorageSourceGetActualType(disk->src)));
        return -1;
    }
    if (disk->src->format != VIR_STORAGE_FILE_QCOW2) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk '%s' cannot be snapshotted: its format is '%s', and only qcow2 images can be"),
                       disk->dst,
                       disk->src->format > VIR_STORAGE_FILE_NONE ?
                       virStorageFileFormatTypeToString(disk->src->format) : "raw");
        return -1;
    }
    if (!path || stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("disk '%s' cannot be snapshotted: its image '%s' is not a regular file"),
                       disk->dst, NULLSTR(path));
        return -1;
    }
    return 1;
}

virJSONValue *
vxlSnapshotImageInfo(const char *path)
{
    g_autofree char *qemuImg = virFindFileInPath("qemu-img");
    g_autofree char *out = NULL;
    g_autofree char *errbuf = NULL;
    g_autoptr(virCommand) cmd = NULL;
    virJSONValue *info;
    int status = 0;

    if (!qemuImg) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot inspect the image '%s': qemu-img is not installed"),
                       path);
        return NULL;
    }
    cmd = virCommandNewArgList(qemuImg, "info", "-U", "--output=json", path,
                               NULL);
    virCommandSetOutputBuffer(cmd, &out);
    virCommandSetErrorBuffer(cmd, &errbuf);
    if (virCommandRun(cmd, &status) < 0)
        return NULL;
    if (status != 0 || !(info = virJSONValueFromString(out))) {
        virResetLastError();
        g_strstrip(errbuf);
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot inspect the image '%s': %s"),
                       path, NULLSTR_EMPTY(errbuf));
        return NULL;
    }
    return info;
}

bool
vxlSnapshotSameFile(const char *a, const char *b, const char *dir)
{
    g_autofree char *absA = g_path_is_absolute(a) ? g_strdup(a) :
                            g_build_filename(dir, a, NULL);
    g_autofree char *absB = g_path_is_absolute(b) ? g_strdup(b) :
                            g_build_filename(dir, b, NULL);
    g_autofree char *realA = realpath(absA, NULL);
    g_autofree char *realB = realpath(absB, NULL);

    if (realA && realB)
        return STREQ(realA, realB);
    return STREQ(absA, absB);
}

/* The backing file of @path as an absolute name, NULL when it has none
 * (then no error) or on error (reported, -1 in @rc). */
char *
vxlSnapshotImageBacking(const char *path, int *rc)
{
    g_autoptr(virJSONValue) info = NULL;
    g_autofree char *dir = g_path_get_dirname(path);
    const char *backing;

    *rc = 0;
    if (!(info = vxlSnapshotImageInfo(path))) {
        *rc = -1;
        return NULL;
    }
    if (!(backing = virJSONValueObjectGetString(info, "full-backing-filename")))
        backing = virJSONValueObjectGetString(info, "backing-filename");
    if (!backing)
        return NULL;
    return g_path_is_absolute(backing) ? g_strdup(backing) :
                                         g_build_filename(dir, backing, NULL);
}

int
vxlSnapshotOverlayCheckReuse(const char *path, const char *base,
                             const char *diskName)
{
    g_autoptr(virJSONValue) info = NULL;
    g_autofree char *dir = g_path_get_dirname(path);
    const char *format;
    const char *backing;
    struct stat sb;

    if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("the snapshot file '%s' of disk '%s' is not an existing regular file, and reusing it was asked for"),
                       path, diskName);
        return -1;
    }
    if (!(info = vxlSnapshotImageInfo(path)))
        return -1;
    format = virJSONValueObjectGetString(info, "format");
    if (STRNEQ_NULLABLE(format, "qcow2")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("the snapshot file '%s' of disk '%s' cannot be reused: its format is '%s', not qcow2"),
                       path, diskName, NULLSTR(format));
        return -1;
    }
    if (!(backing = virJSONValueObjectGetString(info, "full-backing-filename")))
        backing = virJSONValueObjectGetString(info, "backing-filename");
    if (!backing) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("the snapshot file '%s' of disk '%s' cannot be reused: it has no backing file, and it must be backed by '%s'"),
                       path, diskName, base);
        return -1;
    }
    if (!vxlSnapshotSameFile(backing, base, dir)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("the snapshot file '%s' of disk '%s' cannot be reused: it is backed by '%s', not by the disk's image '%s'"),
                       path, diskName, backing, base);
        return -1;
    }
    return 0;
}

int
vxlSnapshotDiskCheck(virDomainSnapshotDef *snapdef, virDomainDef *def,
                     bool aligned, bool reuse)
{
    int selected = 0;
    size_t i;
    size_t j;

    if (!aligned) {
        /* What virDomainSnapshotAlignDisks would refuse, refused first:
         * its own refusals leak the disks it was given. */
        for (i = 0; i < snapdef->ndisks; i++) {
            virDomainSnapshotDiskDef *sd = &snapdef->disks[i];

            if (!virDomainDiskByName(def, sd->name, false)) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("domain '%s' has no disk named '%s'"),
                               def->name, sd->name);
                return -1;
            }
            for (j = 0; j < i; j++) {
                if (virDomainDiskByName(def, sd->name, false) ==
                    virDomainDiskByName(def, snapdef->disks[j].name, false)) {
                    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                                   _("disk '%s' is named twice in the snapshot"),
                                   sd->name);
                    return -1;
                }
            }
            if (sd->src && sd->src->path &&
                vxlSnapshotDiskMode(snapdef,
                                    virDomainDiskByName(def, sd->name, false)) !=
                VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("the snapshot file '%s' of disk '%s' needs snapshot='external'"),
                               sd->src->path, sd->name);
                return -1;
            }
        }
        for (i = 0; i < def->ndisks; i++) {
            int rc = vxlSnapshotDiskUsable(def->disks[i],
                                           vxlSnapshotDiskMode(snapdef, def->disks[i]));

            if (rc < 0)
                return -1;
            selected += rc;
        }
        return selected;
    }

    /* Aligned: snapdef->disks[i] is def->disks[i], overlay names set. */
    for (i = 0; i < snapdef->ndisks; i++) {
        virDomainSnapshotDiskDef *sd = &snapdef->disks[i];

        if (sd->snapshot != VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL)
            continue;
        if (vxlSnapshotDiskUsable(def->disks[i], sd->snapshot) < 0)
            return -1;
        if (sd->src->type != VIR_STORAGE_TYPE_FILE || !sd->src->path) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("the snapshot of disk '%s' must be a file"),
                           sd->name);
            return -1;
        }
        if (!g_path_is_absolute(sd->src->path)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("the snapshot file '%s' of disk '%s' must be an absolute path"),
                           sd->src->path, sd->name);
            return -1;
        }
        if (sd->src->format == VIR_STORAGE_FILE_NONE) {
            sd->src->format = VIR_STORAGE_FILE_QCOW2;
        } else if (sd->src->format != VIR_STORAGE_FILE_QCOW2) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("the snapshot of disk '%s' cannot be of format '%s': overlays are qcow2"),
                           sd->name, virStorageFileFormatTypeToString(sd->src->format));
            return -1;
        }
        if (reuse) {
            /* The caller made the overlay: it must sit on the disk. */
            if (vxlSnapshotOverlayCheckReuse(sd->src->path,
                                             virDomainDiskGetSource(def->disks[i]),
                                             sd->name) < 0)
                return -1;
        } else if (virFileExists(sd->src->path)) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("the snapshot file '%s' of disk '%s' exists already"),
                           sd->src->path, sd->name);
            return -1;
        }
        for (j = 0; j < def->ndisks; j++) {
            if (STREQ_NULLABLE(virDomainDiskGetSource(def->disks[j]),
                               sd->src->path)) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("the snapshot file '%s' of disk '%s' is the image of disk '%s'"),
                               sd->src->path, sd->name, def->disks[j]->dst);
                return -1;
            }
        }
        selected++;
    }
    return selected;
}

int
vxlSnapshotOverlayCreate(const char *base, const char *path)
{
    g_autofree char *qemuImg = virFindFileInPath("qemu-img");
    g_autofree char *tmp = g_strdup_printf("%s.vxl-partial", path);
    g_autofree char *errbuf = NULL;
    g_autoptr(virCommand) cmd = NULL;
    int status = 0;

    if (!qemuImg) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot create the snapshot overlay '%s': qemu-img is not installed"),
                       path);
        return -1;
    }
    cmd = virCommandNewArgList(qemuImg, "create", "-q", "-f", "qcow2",
                               "-b", base, "-F", "qcow2", tmp, NULL);
    virCommandSetErrorBuffer(cmd, &errbuf);
    if (virCommandRun(cmd, &status) < 0) {
        unlink(tmp);
        return -1;
    }
    if (status != 0) {
        g_strstrip(errbuf);
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot create the snapshot overlay '%s' of '%s': %s"),
                       path, base, NULLSTR_EMPTY(errbuf));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) < 0) {
        virReportSystemError(errno, _("cannot create the snapshot overlay '%s'"),
                             path);
        unlink(tmp);
        return -1;
    }
    VIR_INFO("created the overlay %s on %s", path, base);
    return 0;
}

int
vxlSnapshotOverlaysCreate(virDomainSnapshotDef *snapdef)
{
    virDomainDef *def = snapdef->parent.dom;
    size_t i;

    for (i = 0; i < snapdef->ndisks; i++) {
        virDomainSnapshotDiskDef *sd = &snapdef->disks[i];

        if (sd->snapshot != VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL)
            continue;
        if (vxlSnapshotOverlayCreate(virDomainDiskGetSource(def->disks[i]),
                                     sd->src->path) < 0) {
            virErrorPtr saved;

            virErrorPreserveLast(&saved);
            while (i-- > 0) {
                sd = &snapdef->disks[i];
                if (sd->snapshot == VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL)
                    unlink(sd->src->path);
            }
            virErrorRestore(&saved);
            return -1;
        }
    }
    return 0;
}

void
vxlSnapshotOverlaysRemove(virDomainSnapshotDef *snapdef)
{
    size_t i;

    for (i = 0; i < snapdef->ndisks; i++) {
        virDomainSnapshotDiskDef *sd = &snapdef->disks[i];
        g_autofree char *tmp = NULL;

        if (sd->snapshot != VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL)
            continue;
        if (unlink(sd->src->path) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove the overlay %s: %s", sd->src->path,
                     g_strerror(errno));
        /* A kill inside vxlSnapshotOverlayCreate leaves the overlay
         * under its temporary name. */
        tmp = g_strdup_printf("%s.vxl-partial", sd->src->path);
        if (unlink(tmp) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove the partial overlay %s: %s", tmp,
                     g_strerror(errno));
    }
}

void
vxlSnapshotDefSwitchDisks(virDomainSnapshotDef *snapdef, virDomainDef *def)
{
    size_t i;

    for (i = 0; i < snapdef->ndisks; i++) {
        virDomainSnapshotDiskDef *sd = &snapdef->disks[i];
        virDomainDiskDef *disk;

        if (sd->snapshot != VIR_DOMAIN_SNAPSHOT_LOCATION_EXTERNAL ||
            !(disk = virDomainDiskByTarget(def, sd->name)))
            continue;
        virDomainDiskSetSource(disk, sd->src->path);
        disk->src->format = VIR_STORAGE_FILE_QCOW2;
    }
}
