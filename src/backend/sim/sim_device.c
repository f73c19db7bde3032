/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_device.c: a simulated domain's disks and vifs, and their hotplug.
 *
 * The model keeps what xl block-list and network-list show: each disk's
 * vdev, image and whether it is a cdrom; each vif's devid and MAC. A
 * create starts the lists from the config; the hooks below change them
 * as libxl would, and refuse what libxl (or, where libxl is silent, the
 * backend contract) refuses: a domain that has shut down or crashed, a
 * device Xen cannot hot-add (vxlBackendHotplugCheck), a vdev or MAC the
 * domain has already, a device it does not have, media changes outside
 * HVM guests and on disks that are not cdroms. The stored libxl config
 * follows, as libxl updates the domain's stored config on every device
 * change, so a core dump tells what the domain has now.
 *
 * Not modelled: the guest's part. A real remove waits for the frontend
 * to let the device go (and libxl forces it after a timeout); a
 * simulated guest always lets go at once.
 */
#include "vxl_internal.h"

#include <libxl_utils.h>

#include "util_json.h"             /* yajl, before libxl's generators */
#include <_libxl_types_json.h>

#include "domain_xmlns.h"      /* vxlDiskDevNumber */
#include "sim_priv.h"
#include "viralloc.h"
#include "virerror.h"
#include "virlog.h"
#include "virmacaddr.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_device");

void
vxlSimDiskClear(vxlSimDisk *disk)
{
    g_clear_pointer(&disk->vdev, g_free);
    g_clear_pointer(&disk->path, g_free);
}

void
vxlSimNicClear(vxlSimNic *nic)
{
    g_clear_pointer(&nic->mac, g_free);
}

static char *
vxlSimMacFormat(const libxl_mac mac)
{
    virMacAddr addr;
    char buf[VIR_MAC_STRING_BUFLEN];

    virMacAddrSetRaw(&addr, mac);
    return g_strdup(virMacAddrFormat(&addr, buf));
}

/* Whether blkback can serve the image at @path, as libxl asks before
 * it picks phy (libxl__try_phy_backend): Xen's block hotplug script
 * hands it a block device, or a regular file on a loop device, and
 * nothing else (a character device such as /dev/null, a directory, a
 * FIFO). An image that is not there is not this question's. */
static bool
vxlSimDiskPhyCanServe(const char *path)
{
    struct stat sb;

    return stat(path, &sb) < 0 || S_ISBLK(sb.st_mode) || S_ISREG(sb.st_mode);
}

/* The backend libxl picks for a disk that names none (its
 * disk_try_backend order): standalone alone serves a virtio disk; phy
 * (blkback) a raw image or device not replicated by COLO; qdisk
 * anything else, which blktap's absence leaves to qemu. With
 * @lookAtImage (sim_check_disk_sources = 1, where the model stands for a
 * host whose images exist) libxl's look at the image is made too: one
 * blkback cannot serve goes to qdisk, as on Xen, where qemu opens any
 * file. The caller sees the choice in @xdisk, as libxl's callers do. */
void
vxlSimDiskChooseBackend(libxl_device_disk *xdisk, bool lookAtImage)
{
    if (xdisk->backend != LIBXL_DISK_BACKEND_UNKNOWN)
        return;
    if (xdisk->specification == LIBXL_DISK_SPECIFICATION_VIRTIO)
        xdisk->backend = LIBXL_DISK_BACKEND_STANDALONE;
    else if (!libxl_defbool_is_default(xdisk->colo_enable) &&
             libxl_defbool_val(xdisk->colo_enable))
        xdisk->backend = LIBXL_DISK_BACKEND_QDISK;
    else if (xdisk->format == LIBXL_DISK_FORMAT_RAW && xdisk->pdev_path &&
             *xdisk->pdev_path && !xdisk->is_cdrom &&
             (!lookAtImage || vxlSimDiskPhyCanServe(xdisk->pdev_path)))
        xdisk->backend = LIBXL_DISK_BACKEND_PHY;
    else
        xdisk->backend = LIBXL_DISK_BACKEND_QDISK;
}

static void
vxlSimDiskAppend(vxlSimDomain *dom, const libxl_device_disk *xdisk)
{
    vxlSimDisk disk = {
        .vdev = g_strdup(xdisk->vdev),
        .path = g_strdup(xdisk->format == LIBXL_DISK_FORMAT_EMPTY ?
                         NULL : xdisk->pdev_path),
        .cdrom = xdisk->is_cdrom,
        .writable = xdisk->readwrite && !xdisk->is_cdrom,
        .phy = xdisk->backend == LIBXL_DISK_BACKEND_PHY,
        .sinceRunUs = dom->runUs,
    };

    VIR_APPEND_ELEMENT(dom->disks, dom->ndisks, disk);
}

/* The same file (device and inode) or the same block device. */
static bool
vxlSimSameImage(const struct stat *a, const struct stat *b)
{
    if (S_ISBLK(a->st_mode) || S_ISBLK(b->st_mode))
        return S_ISBLK(a->st_mode) && S_ISBLK(b->st_mode) &&
               a->st_rdev == b->st_rdev;
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* A disk named phy whose image blkback cannot serve: libxl refuses it
 * before it makes the domain ("no suitable backend for disk"), and Xen's
 * block hotplug script will not put a file without write permission on
 * a read-write loop device ("File F is read-only, and so I will not
 * mount it read-write in a guest domain"). Modelled only where the
 * model looks at the host's disks at all (sim_check_disk_sources = 1):
 * elsewhere images are made-up paths. */
int
vxlSimDiskImageCheck(vxlSim *sim, const vxlSimDomain *dom,
                     const libxl_device_disk *xdisk)
{
    struct stat sb;

    if (!sim->diskChecks || xdisk->backend != LIBXL_DISK_BACKEND_PHY ||
        xdisk->format == LIBXL_DISK_FORMAT_EMPTY || !xdisk->pdev_path ||
        !*xdisk->pdev_path || xdisk->script ||
        xdisk->backend_domid != 0 || stat(xdisk->pdev_path, &sb) < 0)
        return 0;
    if (!S_ISBLK(sb.st_mode) && !S_ISREG(sb.st_mode)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot give disk %s of domain '%s' the image %s on the phy backend: it is neither a block device nor a regular file, the only images Xen's blkback serves (libxl finds no suitable backend); qemu's qdisk backend opens it"),
                       xdisk->vdev, dom->name, xdisk->pdev_path);
        return -1;
    }
    if (S_ISREG(sb.st_mode) && xdisk->readwrite && !xdisk->is_cdrom &&
        !(sb.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH))) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot give disk %s of domain '%s' the image %s: the file is read-only, and Xen's block hotplug script does not let a guest write it; make the disk read-only or the file writable"),
                       xdisk->vdev, dom->name, xdisk->pdev_path);
        return -1;
    }
    return 0;
}

/* Xen's block hotplug script (tools/hotplug/Linux/block, check_sharing),
 * which runs for every blkback (phy) disk, refuses a file or device that
 * another guest has when this one would write it, and one another guest
 * writes when this one would read it; the same VM (its uuid) may have it
 * more than once. Modelled only where the model looks at the host's disks
 * at all (sim_check_disk_sources = 1): elsewhere guests share made-up
 * paths. qdisk (qemu) disks are qemu's own business. Under sim->lock. */
int
vxlSimDiskSharingCheck(vxlSim *sim, const vxlSimDomain *dom,
                       const libxl_device_disk *xdisk)
{
    bool writable = xdisk->readwrite && !xdisk->is_cdrom;
    GHashTableIter iter;
    gpointer value;
    struct stat want;

    if (!sim->diskChecks || xdisk->backend != LIBXL_DISK_BACKEND_PHY ||
        xdisk->format == LIBXL_DISK_FORMAT_EMPTY || !xdisk->pdev_path ||
        stat(xdisk->pdev_path, &want) < 0)
        return 0;

    g_hash_table_iter_init(&iter, sim->domains);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        const vxlSimDomain *other = value;
        size_t i;

        if (other == dom || memcmp(other->uuid, dom->uuid, VIR_UUID_BUFLEN) == 0)
            continue;
        for (i = 0; i < other->ndisks; i++) {
            const vxlSimDisk *d = &other->disks[i];
            struct stat have;

            if (!d->phy || !d->path || (!writable && !d->writable) ||
                stat(d->path, &have) < 0 || !vxlSimSameImage(&want, &have))
                continue;
            if (writable) {
                virReportError(VIR_ERR_OPERATION_INVALID,
                               _("cannot give disk %s of domain '%s' the image %s: domain '%s' (id %u) has it as disk %s, and Xen's block hotplug script lets a guest write an image no other guest has"),
                               xdisk->vdev, dom->name, xdisk->pdev_path,
                               other->name, other->domid, d->vdev);
            } else {
                virReportError(VIR_ERR_OPERATION_INVALID,
                               _("cannot give disk %s of domain '%s' the image %s read-only: domain '%s' (id %u) writes it as disk %s, and Xen's block hotplug script lets no other guest have an image a guest writes"),
                               xdisk->vdev, dom->name, xdisk->pdev_path,
                               other->name, other->domid, d->vdev);
            }
            return -1;
        }
    }
    return 0;
}

/* libxl numbers a vif without a devid after the highest one in use. */
static int
vxlSimNicNextDevid(const vxlSimDomain *dom)
{
    int next = 0;
    size_t i;

    for (i = 0; i < dom->nnics; i++)
        next = MAX(next, dom->nics[i].devid + 1);
    return next;
}

static void
vxlSimNicAppend(vxlSimDomain *dom, const libxl_device_nic *xnic)
{
    vxlSimNic nic = {
        .devid = xnic->devid >= 0 ? xnic->devid : vxlSimNicNextDevid(dom),
        .mac = vxlSimMacFormat(xnic->mac),
        .sinceRunUs = dom->runUs,
    };

    VIR_APPEND_ELEMENT(dom->nics, dom->nnics, nic);
}

int
vxlSimDevicesFromConfig(vxlSimDomain *dom, const libxl_domain_config *dcfg)
{
    int i;

    for (i = 0; i < dcfg->num_disks; i++)
        vxlSimDiskAppend(dom, &dcfg->disks[i]);
    for (i = 0; i < dcfg->num_nics; i++)
        vxlSimNicAppend(dom, &dcfg->nics[i]);
    return 0;
}

static ssize_t
vxlSimDiskIndex(const vxlSimDomain *dom, const char *vdev)
{
    size_t i;

    for (i = 0; i < dom->ndisks; i++) {
        if (STREQ(dom->disks[i].vdev, vdev))
            return i;
    }
    return -1;
}

static ssize_t
vxlSimNicIndex(const vxlSimDomain *dom, const char *mac)
{
    size_t i;

    for (i = 0; i < dom->nnics; i++) {
        if (STRCASEEQ(dom->nics[i].mac, mac))
            return i;
    }
    return -1;
}

/* ----- the stored libxl config ----------------------------------------- */

static yajl_gen_status
vxlSimDiskGenJSON(yajl_gen hand, void *obj)
{
    return libxl_device_disk_gen_json(hand, obj);
}

static yajl_gen_status
vxlSimNicGenJSON(yajl_gen hand, void *obj)
{
    return libxl_device_nic_gen_json(hand, obj);
}

/* The config's array @key ("disks", "nics", "usbdevs"), created when
 * absent (libxl leaves empty lists out). NULL without a stored config. */
virJSONValue *
vxlSimConfigList(vxlSimDomain *dom, const char *key)
{
    virJSONValue *list;

    if (!dom->config)
        return NULL;
    if (!(list = virJSONValueObjectGetArray(dom->config, key))) {
        g_autoptr(virJSONValue) empty = virJSONValueNewArray();

        ignore_value(virJSONValueObjectRemoveKey(dom->config, key, NULL));
        if (virJSONValueObjectAppend(dom->config, key, &empty) < 0)
            return NULL;
        list = virJSONValueObjectGetArray(dom->config, key);
    }
    return list;
}

/* The JSON libxl stores for one device. Prepared before the model
 * changes, so that the change cannot fail half-way. */
static virJSONValue *
vxlSimDeviceJSON(vxlJSONGenFunc gen, void *obj)
{
    g_autofree char *json = vxlJSONGenerate(gen, obj);

    return json ? virJSONValueFromString(json) : NULL;
}

/* Remove the entries of config list @key whose @field is @value. */
static void
vxlSimConfigRemove(vxlSimDomain *dom, const char *key, const char *field,
                   const char *value)
{
    virJSONValue *list = vxlSimConfigList(dom, key);
    size_t i;

    if (!list)
        return;
    for (i = virJSONValueArraySize(list); i > 0; i--) {
        virJSONValue *item = virJSONValueArrayGet(list, i - 1);
        const char *v = virJSONValueObjectGetString(item, field);

        if (v && STRCASEEQ(v, value))
            virJSONValueFree(virJSONValueArraySteal(list, i - 1));
    }
}

static void
vxlSimConfigAppend(vxlSimDomain *dom, const char *key, virJSONValue **item)
{
    virJSONValue *list = vxlSimConfigList(dom, key);

    if (list)
        ignore_value(virJSONValueArrayAppend(list, item));
}

/* ----- the hooks ------------------------------------------------------- */

/* What a device hook hands its act: the device, its identity and the
 * stored config entry built before the lock. */
typedef struct {
    libxl_device_disk *disk;
    libxl_device_nic *nic;
    const char *id;                /* vdev or MAC */
    virJSONValue **json;
} vxlSimDeviceArgs;

static int
vxlSimDiskAddAct(vxlSim *sim, vxlSimDomain *dom,
                 long long now G_GNUC_UNUSED, void *opaque)
{
    vxlSimDeviceArgs *args = opaque;
    libxl_device_disk *xdisk = args->disk;
    long long number = vxlDiskDevNumber(xdisk->vdev);
    size_t i;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_DISK_ADD) < 0 ||
        vxlBackendHotplugCheck(dom->name, dom->domid, dom->type, xdisk, NULL) < 0)
        return -1;
    for (i = 0; i < dom->ndisks; i++) {
        if (STRNEQ(dom->disks[i].vdev, xdisk->vdev) &&
            (number < 0 || number != vxlDiskDevNumber(dom->disks[i].vdev)))
            continue;
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot add disk %s to domain '%s' (id %u): it already has a disk %s"),
                       xdisk->vdev, dom->name, dom->domid, dom->disks[i].vdev);
        return -1;
    }
    if (vxlSimDiskImageCheck(sim, dom, xdisk) < 0 ||
        vxlSimDiskSharingCheck(sim, dom, xdisk) < 0)
        return -1;
    vxlSimDiskAppend(dom, xdisk);
    vxlSimConfigAppend(dom, "disks", args->json);
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainDiskAdd(vxlBackend *be, uint32_t domid, libxl_device_disk *xdisk)
{
    g_autoptr(virJSONValue) json = NULL;
    vxlSimDeviceArgs args = { .disk = xdisk, .json = &json };

    if (!xdisk->vdev || !*xdisk->vdev) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a disk to add needs a vdev"));
        return -1;
    }
    vxlSimDiskChooseBackend(xdisk, vxlSimGet(be)->diskChecks);
    if (!(json = vxlSimDeviceJSON(vxlSimDiskGenJSON, xdisk)))
        return -1;
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimDiskAddAct, &args);
}

static int
vxlSimDiskRemoveAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                    long long now G_GNUC_UNUSED, void *opaque)
{
    const char *vdev = ((vxlSimDeviceArgs *)opaque)->id;
    ssize_t idx;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_DISK_REMOVE) < 0)
        return -1;
    if ((idx = vxlSimDiskIndex(dom, vdev)) < 0) {
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no disk %s"),
                       dom->name, dom->domid, vdev);
        return -1;
    }
    vxlSimDiskClear(&dom->disks[idx]);
    VIR_DELETE_ELEMENT(dom->disks, idx, dom->ndisks);
    vxlSimConfigRemove(dom, "disks", "vdev", vdev);
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainDiskRemove(vxlBackend *be, uint32_t domid, const char *vdev)
{
    vxlSimDeviceArgs args = { .id = vdev };

    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimDiskRemoveAct, &args);
}

static int
vxlSimNicAddAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                long long now G_GNUC_UNUSED, void *opaque)
{
    vxlSimDeviceArgs *args = opaque;
    libxl_device_nic *xnic = args->nic;
    libxl_device_nic stored = *xnic;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_NIC_ADD) < 0 ||
        vxlBackendHotplugCheck(dom->name, dom->domid, dom->type, NULL, xnic) < 0)
        return -1;
    if (vxlSimNicIndex(dom, args->id) >= 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot add a network interface with MAC %s to domain '%s' (id %u): it already has one"),
                       args->id, dom->name, dom->domid);
        return -1;
    }
    /* libxl stores the vif with the devid it chose (a shallow copy:
     * only the number differs, and the generator only reads). */
    stored.devid = xnic->devid >= 0 ? xnic->devid : vxlSimNicNextDevid(dom);
    if (!(*args->json = vxlSimDeviceJSON(vxlSimNicGenJSON, &stored)))
        return -1;
    vxlSimNicAppend(dom, &stored);
    vxlSimConfigAppend(dom, "nics", args->json);
    /* As libxl's add, which numbers the caller's vif. */
    xnic->devid = stored.devid;
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainNicAdd(vxlBackend *be, uint32_t domid, libxl_device_nic *xnic)
{
    g_autofree char *mac = vxlSimMacFormat(xnic->mac);
    g_autoptr(virJSONValue) json = NULL;
    vxlSimDeviceArgs args = { .nic = xnic, .id = mac, .json = &json };

    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimNicAddAct, &args);
}

static int
vxlSimNicRemoveAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                   long long now G_GNUC_UNUSED, void *opaque)
{
    const char *mac = ((vxlSimDeviceArgs *)opaque)->id;
    ssize_t idx;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_NIC_REMOVE) < 0)
        return -1;
    if ((idx = vxlSimNicIndex(dom, mac)) < 0) {
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no network interface with MAC %s"),
                       dom->name, dom->domid, mac);
        return -1;
    }
    vxlSimNicClear(&dom->nics[idx]);
    VIR_DELETE_ELEMENT(dom->nics, idx, dom->nnics);
    vxlSimConfigRemove(dom, "nics", "mac", mac);
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainNicRemove(vxlBackend *be, uint32_t domid, const char *mac)
{
    vxlSimDeviceArgs args = { .id = mac };
    virMacAddr addr;

    if (virMacAddrParse(mac, &addr) < 0) {
        virReportError(VIR_ERR_INVALID_ARG, _("'%s' is not a MAC address"), mac);
        return -1;
    }
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimNicRemoveAct, &args);
}

static int
vxlSimCdromInsertAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                     long long now G_GNUC_UNUSED, void *opaque)
{
    vxlSimDeviceArgs *args = opaque;
    libxl_device_disk *xdisk = args->disk;
    bool empty = xdisk->format == LIBXL_DISK_FORMAT_EMPTY;
    vxlSimDisk *disk;
    ssize_t idx;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_CDROM_CHANGE) < 0 ||
        vxlBackendMediaCheck(dom->name, dom->domid, dom->type, xdisk->vdev) < 0)
        return -1;
    if ((idx = vxlSimDiskIndex(dom, xdisk->vdev)) < 0) {
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no disk %s"),
                       dom->name, dom->domid, xdisk->vdev);
        return -1;
    }
    disk = &dom->disks[idx];
    if (!disk->cdrom) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot change the media of disk %s of domain '%s' (id %u): it is not a cdrom"),
                       xdisk->vdev, dom->name, dom->domid);
        return -1;
    }
    g_free(disk->path);
    disk->path = empty ? NULL : g_strdup(xdisk->pdev_path);
    vxlSimConfigRemove(dom, "disks", "vdev", xdisk->vdev);
    vxlSimConfigAppend(dom, "disks", args->json);
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainCdromInsert(vxlBackend *be, uint32_t domid,
                        libxl_device_disk *xdisk)
{
    g_autoptr(virJSONValue) json = NULL;
    vxlSimDeviceArgs args = { .disk = xdisk, .json = &json };
    bool empty = xdisk->format == LIBXL_DISK_FORMAT_EMPTY;

    if (!xdisk->vdev || !*xdisk->vdev) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a cdrom to change needs a vdev"));
        return -1;
    }
    if (!empty && (!xdisk->pdev_path || !*xdisk->pdev_path)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot insert media into cdrom %s without an image: eject with format 'empty'"),
                       xdisk->vdev);
        return -1;
    }
    if (!(json = vxlSimDeviceJSON(vxlSimDiskGenJSON, xdisk)))
        return -1;
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimCdromInsertAct, &args);
}
