/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_device.c: disk and vif hotplug, and cdrom media changes, through
 * libxl (xl block-attach, block-detach, network-attach, network-detach,
 * cd-insert, cd-eject).
 *
 * Each hook checks first what libxl would check late or not at all, the
 * way the simulator does, so both backends refuse alike (backend.h): a
 * guest that is not alive, a device Xen cannot hot-add, a vdev or MAC
 * the domain already has (libxl takes a second vif with the same MAC
 * without a word), a device the domain does not have. The device to
 * remove or change is the one libxl lists for the domain: its
 * backend domain and devid come from xenstore, as libxl's remove needs.
 *
 * add and remove run as libxl asynchronous operations (vxlXenAoWait):
 * libxl waits for the backend to connect, or for the frontend to let
 * the device go, on libvirt's event loop while this worker thread
 * waits.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "virmacaddr.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_device");

static vxlXen *
vxlXenGet(vxlBackend *be)
{
    return be->priv;
}

/* The domain's disk @vdev, as libxl lists it, into @out (_init'ed by the
 * caller; filled only when found). Returns 1 found, 0 not, -1 error. */
static int
vxlXenFindDisk(vxlXen *xen, const vxlXenDom *dom, const char *vdev,
               libxl_device_disk *out)
{
    libxl_device_disk *disks;
    int ndisks = 0;
    int found = 0;
    int i;

    vxlXenLogResetLastError();
    /* NULL with ndisks 0 is a domain without disks. */
    disks = libxl_device_disk_list(xen->ctx, dom->domid, &ndisks);
    for (i = 0; i < ndisks; i++) {
        if (!found && disks[i].vdev && STREQ(disks[i].vdev, vdev)) {
            libxl_device_disk_copy(xen->ctx, out, &disks[i]);
            found = 1;
        }
    }
    libxl_device_disk_list_free(disks, ndisks);
    return found;
}

/* The domain's vif with MAC @mac, likewise. */
static int
vxlXenFindNic(vxlXen *xen, const vxlXenDom *dom, const virMacAddr *mac,
              libxl_device_nic *out)
{
    libxl_device_nic *nics;
    int nnics = 0;
    int found = 0;
    int i;

    vxlXenLogResetLastError();
    nics = libxl_device_nic_list(xen->ctx, dom->domid, &nnics);
    for (i = 0; i < nnics; i++) {
        if (!found && memcmp(nics[i].mac, mac->addr, VIR_MAC_BUFLEN) == 0) {
            libxl_device_nic_copy(xen->ctx, out, &nics[i]);
            found = 1;
        }
    }
    libxl_device_nic_list_free(nics, nnics);
    return found;
}

/* libxl's add can fail after it wrote the device into xenstore (a
 * backend that never connects: the wait times out), and leaves it
 * there, where xl block-list still shows it. The contract is that a
 * failed add leaves no device: take it away by force. */
static void
vxlXenDiskAddUndo(vxlXen *xen, const vxlXenDom *dom, const char *vdev)
{
    libxl_device_disk left;
    vxlXenAo ao;
    int rc;

    libxl_device_disk_init(&left);
    if (vxlXenFindDisk(xen, dom, vdev, &left) > 0) {
        rc = vxlXenAoWait(&ao, libxl_device_disk_destroy(xen->ctx, dom->domid, &left,
                                                         vxlXenAoInit(&ao)));
        if (rc != 0)
            VIR_WARN("cannot take away disk %s that a failed add left in domain %u: libxl error %d",
                     vdev, dom->domid, rc);
    }
    libxl_device_disk_dispose(&left);
}

static void
vxlXenNicAddUndo(vxlXen *xen, const vxlXenDom *dom, const virMacAddr *mac)
{
    libxl_device_nic left;
    vxlXenAo ao;
    int rc;

    libxl_device_nic_init(&left);
    if (vxlXenFindNic(xen, dom, mac, &left) > 0) {
        rc = vxlXenAoWait(&ao, libxl_device_nic_destroy(xen->ctx, dom->domid, &left,
                                                        vxlXenAoInit(&ao)));
        if (rc != 0)
            VIR_WARN("cannot take away the vif that a failed add left in domain %u: libxl error %d",
                     dom->domid, rc);
    }
    libxl_device_nic_dispose(&left);
}

int
vxlXenDomainDiskAdd(vxlBackend *be, uint32_t domid, libxl_device_disk *xdisk)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    libxl_device_disk existing;
    vxlXenAo ao;
    int found;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_DISK_ADD) < 0 ||
        vxlBackendHotplugCheck(dom.name, domid, dom.info.domain_type,
                               xdisk, NULL) < 0)
        return -1;
    libxl_device_disk_init(&existing);
    found = vxlXenFindDisk(xen, &dom, xdisk->vdev, &existing);
    libxl_device_disk_dispose(&existing);
    if (found) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot add disk %s to domain '%s' (id %u): it already has a disk %s"),
                       xdisk->vdev, dom.name, domid, xdisk->vdev);
        return -1;
    }

    vxlXenLogResetLastError();
    rc = vxlXenAoWait(&ao, libxl_device_disk_add(xen->ctx, domid, xdisk,
                                                 vxlXenAoInit(&ao)));
    if (rc != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot add disk %s to domain '%s' (id %u)"),
                            xdisk->vdev, dom.name, domid);
        virErrorPtr saved;

        vxlXenReportError(rc, what);
        virErrorPreserveLast(&saved);
        vxlXenDiskAddUndo(xen, &dom, xdisk->vdev);
        virErrorRestore(&saved);
        return -1;
    }
    return 0;
}

int
vxlXenDomainDiskRemove(vxlBackend *be, uint32_t domid, const char *vdev)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    libxl_device_disk xdisk;
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_DISK_REMOVE) < 0)
        return -1;
    libxl_device_disk_init(&xdisk);
    if (vxlXenFindDisk(xen, &dom, vdev, &xdisk) <= 0) {
        libxl_device_disk_dispose(&xdisk);
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no disk %s"),
                       dom.name, domid, vdev);
        return -1;
    }

    /* remove, not destroy: the guest is asked to let the disk go, as
     * xl block-detach does, so a mounted filesystem is not torn away. */
    vxlXenLogResetLastError();
    rc = vxlXenAoWait(&ao, libxl_device_disk_remove(xen->ctx, domid, &xdisk,
                                                    vxlXenAoInit(&ao)));
    libxl_device_disk_dispose(&xdisk);
    if (rc != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot remove disk %s from domain '%s' (id %u)"),
                            vdev, dom.name, domid);

        vxlXenReportError(rc, what);
        return -1;
    }
    return 0;
}

int
vxlXenDomainNicAdd(vxlBackend *be, uint32_t domid, libxl_device_nic *xnic)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    libxl_device_nic existing;
    virMacAddr mac;
    char macstr[VIR_MAC_STRING_BUFLEN];
    vxlXenAo ao;
    int found;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_NIC_ADD) < 0 ||
        vxlBackendHotplugCheck(dom.name, domid, dom.info.domain_type,
                               NULL, xnic) < 0)
        return -1;
    virMacAddrSetRaw(&mac, xnic->mac);
    virMacAddrFormat(&mac, macstr);
    libxl_device_nic_init(&existing);
    found = vxlXenFindNic(xen, &dom, &mac, &existing);
    libxl_device_nic_dispose(&existing);
    if (found) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot add a network interface with MAC %s to domain '%s' (id %u): it already has one"),
                       macstr, dom.name, domid);
        return -1;
    }

    vxlXenLogResetLastError();
    rc = vxlXenAoWait(&ao, libxl_device_nic_add(xen->ctx, domid, xnic,
                                                vxlXenAoInit(&ao)));
    if (rc != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot add network interface %s to domain '%s' (id %u)"),
                            macstr, dom.name, domid);
        virErrorPtr saved;

        vxlXenReportError(rc, what);
        virErrorPreserveLast(&saved);
        vxlXenNicAddUndo(xen, &dom, &mac);
        virErrorRestore(&saved);
        return -1;
    }
    return 0;
}

int
vxlXenDomainNicRemove(vxlBackend *be, uint32_t domid, const char *macstr)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    libxl_device_nic xnic;
    virMacAddr mac;
    vxlXenAo ao;
    int rc;

    if (virMacAddrParse(macstr, &mac) < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("'%s' is not a MAC address"), macstr);
        return -1;
    }
    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_NIC_REMOVE) < 0)
        return -1;
    libxl_device_nic_init(&xnic);
    if (vxlXenFindNic(xen, &dom, &mac, &xnic) <= 0) {
        libxl_device_nic_dispose(&xnic);
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no network interface with MAC %s"),
                       dom.name, domid, macstr);
        return -1;
    }

    vxlXenLogResetLastError();
    rc = vxlXenAoWait(&ao, libxl_device_nic_remove(xen->ctx, domid, &xnic,
                                                   vxlXenAoInit(&ao)));
    libxl_device_nic_dispose(&xnic);
    if (rc != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot remove network interface %s from domain '%s' (id %u)"),
                            macstr, dom.name, domid);

        vxlXenReportError(rc, what);
        return -1;
    }
    return 0;
}

int
vxlXenDomainCdromInsert(vxlBackend *be, uint32_t domid,
                        libxl_device_disk *xdisk)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    libxl_device_disk existing;
    bool cdrom;
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_CDROM_CHANGE) < 0 ||
        vxlBackendMediaCheck(dom.name, domid, dom.info.domain_type,
                             xdisk->vdev) < 0)
        return -1;
    libxl_device_disk_init(&existing);
    if (vxlXenFindDisk(xen, &dom, xdisk->vdev, &existing) <= 0) {
        libxl_device_disk_dispose(&existing);
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no disk %s"),
                       dom.name, domid, xdisk->vdev);
        return -1;
    }
    cdrom = existing.is_cdrom;
    libxl_device_disk_dispose(&existing);
    if (!cdrom) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot change the media of disk %s of domain '%s' (id %u): it is not a cdrom"),
                       xdisk->vdev, dom.name, domid);
        return -1;
    }

    vxlXenLogResetLastError();
    rc = vxlXenAoWait(&ao, libxl_cdrom_insert(xen->ctx, domid, xdisk,
                                              vxlXenAoInit(&ao)));
    if (rc != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot change the media of cdrom %s of domain '%s' (id %u)"),
                            xdisk->vdev, dom.name, domid);

        vxlXenReportError(rc, what);
        return -1;
    }
    return 0;
}
