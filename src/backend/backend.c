/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend.c: choosing a backend, and the call wrappers include/virtxl/backend.h
 * declares.
 */
#include "vxl_internal.h"

#include "backend_impl.h"
#include "backend_fault.h"
#include "domain_xmlns.h"       /* vxlDiskDevNumber */
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.backend");

static const vxlBackendOps *const vxlBackends[] = {
    &vxlXenBackendOps,
    &vxlSimBackendOps,
};

#define VXL_HOOK_NAME(ret, hook, Hook, params) #hook,
static const char *const vxlHookNames[] = {
    VXL_BACKEND_HOOKS(VXL_HOOK_NAME)
    NULL,
};
#undef VXL_HOOK_NAME

const char *const *
vxlBackendHookNames(void)
{
    return vxlHookNames;
}

const vxlBackendOps *
vxlBackendLookup(const char *name)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vxlBackends); i++) {
        if (STREQ(vxlBackends[i]->name, name))
            return vxlBackends[i];
    }
    return NULL;
}

vxlBackend *
vxlBackendNew(const char *name)
{
    const vxlBackendOps *ops = vxlBackendLookup(name);
    vxlBackend *be;

    if (!ops) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("unknown backend '%s'; known backends are 'libxl' and 'sim'"),
                       name);
        return NULL;
    }
    be = g_new0(vxlBackend, 1);
    be->ops = ops;
    return be;
}

void
vxlBackendFree(vxlBackend *be)
{
    if (!be)
        return;
    vxlBackendFaultFree(be);
    g_free(be);
}

const char *
vxlBackendName(vxlBackend *be)
{
    return be->ops->name;
}

static int
vxlBackendNoHook(vxlBackend *be, const char *hook)
{
    virReportError(VIR_ERR_NO_SUPPORT,
                   _("the '%s' backend does not support %s"),
                   be->ops->name, hook);
    return -1;
}

/* Every wrapper: injected fault first, then the hook or a uniform error. */
#define VXL_BACKEND_CALL(be, hook, ...) \
    do { \
        if (vxlBackendFaultCheck(be, #hook) < 0) \
            return -1; \
        if (!(be)->ops->hook) \
            return vxlBackendNoHook(be, #hook); \
        return (be)->ops->hook(be, __VA_ARGS__); \
    } while (0)

int
vxlBackendOpen(vxlBackend *be, const vxlBackendConfig *cfg)
{
    VXL_BACKEND_CALL(be, open, cfg);
}

void
vxlBackendClose(vxlBackend *be)
{
    if (be && be->ops->close)
        be->ops->close(be);
}

int
vxlBackendHostGetFacts(vxlBackend *be, vxlHostFacts *facts)
{
    VXL_BACKEND_CALL(be, hostGetFacts, facts);
}

int
vxlBackendHostGetFreeMemory(vxlBackend *be, unsigned long long *freeKiB)
{
    VXL_BACKEND_CALL(be, hostGetFreeMemory, freeKiB);
}

/* libxl 4.17 reads b_info.u.hvm.soundhw as one name of its internal
 * enum libxl__qemu_soundhw (libxl_types_internal.idl, compared without
 * case) when it builds qemu's arguments, and fails the create on any
 * other text ("Unknown soundhw option"): xl reads "all" and comma
 * lists, but neither starts. Checked before either backend is asked,
 * so the error names the reason on the simulator and on Xen alike. */
static const char *const vxlBackendSoundhwNames[] = {
    "ac97", "adlib", "cs4231a", "es1370", "gus", "hda", "sb16",
};

static int
vxlBackendCheckSoundhw(const libxl_domain_config *dcfg)
{
    const char *hw;
    size_t i;

    if (dcfg->b_info.type != LIBXL_DOMAIN_TYPE_HVM ||
        !(hw = dcfg->b_info.u.hvm.soundhw))
        return 0;
    for (i = 0; i < G_N_ELEMENTS(vxlBackendSoundhwNames); i++) {
        if (g_ascii_strcasecmp(hw, vxlBackendSoundhwNames[i]) == 0)
            return 0;
    }
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("cannot start domain '%s': libxl refuses soundhw '%s' (Unknown soundhw option): it takes one card, ac97, adlib, cs4231a, es1370, gus, hda or sb16"),
                   NULLSTR(dcfg->c_info.name), hw);
    return -1;
}

/* libxl 4.17's libxl__domain_config_setdefault refuses virtual NUMA
 * for a PV guest ("PV vNUMA is not yet supported"); xl reads vnuma= for
 * every type. HVM and PVH guests have it. */
static int
vxlBackendCheckVnuma(const libxl_domain_config *dcfg)
{
    if (dcfg->b_info.type != LIBXL_DOMAIN_TYPE_PV || dcfg->b_info.num_vnuma_nodes == 0)
        return 0;
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("cannot start domain '%s': libxl refuses virtual NUMA nodes for a PV guest (PV vNUMA is not yet supported); HVM and PVH guests can have them"),
                   NULLSTR(dcfg->c_info.name));
    return -1;
}

/* libxl knows a disk by its Xen device number, which it derives from
 * the vdev (xvda and 51712 are one device). At create it writes each
 * disk's backend in xenstore in turn and fails the whole create on the
 * second disk of a number ("device already exists in xenstore",
 * libxl_disk.c device_disk_add), destroying what it built: refused here
 * before either backend is asked, so nothing is left (each backend
 * refuses the hot-attach of such a disk likewise). */
static int
vxlBackendCheckDiskNumbers(const libxl_domain_config *dcfg)
{
    int i;
    int j;

    for (i = 0; i < dcfg->num_disks; i++) {
        long long number;

        if (!dcfg->disks[i].vdev ||
            (number = vxlDiskDevNumber(dcfg->disks[i].vdev)) < 0)
            continue;
        for (j = 0; j < i; j++) {
            if (!dcfg->disks[j].vdev ||
                vxlDiskDevNumber(dcfg->disks[j].vdev) != number)
                continue;
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot start domain '%s': disks %s and %s are the same Xen device (number %lld), and libxl fails the create on the second (device already exists in xenstore)"),
                           NULLSTR(dcfg->c_info.name), dcfg->disks[j].vdev,
                           dcfg->disks[i].vdev, number);
            return -1;
        }
    }
    return 0;
}

/* Whether libxl serves @xdisk by its qdisk backend (qemu in dom0): named
 * so, or left to libxl's choice (disk_try_backend in libxl_device.c),
 * which gives phy only a raw image or device, not replicated by COLO,
 * and standalone only a virtio disk. */
static bool
vxlBackendDiskIsQdisk(const libxl_device_disk *xdisk)
{
    if (xdisk->backend != LIBXL_DISK_BACKEND_UNKNOWN)
        return xdisk->backend == LIBXL_DISK_BACKEND_QDISK;
    if (xdisk->specification == LIBXL_DISK_SPECIFICATION_VIRTIO)
        return false;
    if (!libxl_defbool_is_default(xdisk->colo_enable) &&
        libxl_defbool_val(xdisk->colo_enable))
        return true;
    return xdisk->format != LIBXL_DISK_FORMAT_RAW || !xdisk->pdev_path ||
           !*xdisk->pdev_path || xdisk->is_cdrom;
}

/* libxl accepts a vdev given as a device number ("51728", "0x1") and
 * writes it as it is into the backend's "dev" node. qemu's qdisk
 * backend names its block nodes after that text ("51728-raw"), and
 * qemu's node names must begin with a letter: it refuses to create the
 * disk ("Invalid node-name"), which libxl does not wait for, so the
 * guest starts without it (seen on Xen 4.17 with Debian 12's qemu 7.2,
 * e2e_only=placement). The xvd, hd, sd and dNpM names of the same
 * number work, and blkback (phy) never reads the text. Refused here, on
 * both backends alike, rather than a guest left without its disk. */
static int
vxlBackendCheckQdiskVdev(const char *domname, const libxl_device_disk *xdisk,
                         bool attach)
{
    if (!xdisk->vdev || g_ascii_isalpha(xdisk->vdev[0]) ||
        !vxlBackendDiskIsQdisk(xdisk))
        return 0;
    if (attach)
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot attach disk with vdev '%s': qemu's qdisk backend cannot serve a vdev that does not begin with a letter (qemu names the disk's block node after it, and refuses it: Invalid node-name); give the same Xen device number as an xvd, hd, sd or dNpM name, or use the phy backend"),
                       xdisk->vdev);
    else
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot start domain '%s': qemu's qdisk backend cannot serve disk vdev '%s', which does not begin with a letter (qemu names the disk's block node after it, refuses it as an Invalid node-name, and the guest would start without the disk); give the same Xen device number as an xvd, hd, sd or dNpM name, or use the phy backend"),
                       NULLSTR(domname), xdisk->vdev);
    return -1;
}

static int
vxlBackendCheckQdiskVdevs(const libxl_domain_config *dcfg)
{
    int i;

    for (i = 0; i < dcfg->num_disks; i++) {
        if (vxlBackendCheckQdiskVdev(dcfg->c_info.name, &dcfg->disks[i], false) < 0)
            return -1;
    }
    return 0;
}

/* The grant table versions Xen 4.17 has (GNTTAB_MAX_VERSION on x86). */
#define VXL_BACKEND_GRANT_VERSION_MAX 2

/* xl reads max_grant_version= as any int and libxl passes it on,
 * refusing only one beyond Xen's 4-bit field ("max grant version out
 * of range": libxl__domain_build_info_setdefault); Xen's domain create
 * then refuses 0 and one above what it has (grant_table_init). Checked
 * here so the simulator refuses what Xen refuses, in the same words. */
static int
vxlBackendCheckGrantVersion(const libxl_domain_config *dcfg)
{
    uint32_t v = dcfg->b_info.max_grant_version;

    if (v == LIBXL_MAX_GRANT_DEFAULT || (v >= 1 && v <= VXL_BACKEND_GRANT_VERSION_MAX))
        return 0;
    if (v > 15)
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot start domain '%s': libxl refuses max grant version %u as out of range"),
                       NULLSTR(dcfg->c_info.name), v);
    else
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot start domain '%s': Xen refuses max grant version %u: it has grant table versions 1 and 2"),
                       NULLSTR(dcfg->c_info.name), v);
    return -1;
}

int
vxlBackendDomainCreate(vxlBackend *be, libxl_domain_config *dcfg,
                       const vxlGuestScript *script, bool paused,
                       uint32_t *domid)
{
    if (vxlBackendCheckSoundhw(dcfg) < 0 || vxlBackendCheckVnuma(dcfg) < 0 ||
        vxlBackendCheckDiskNumbers(dcfg) < 0 ||
        vxlBackendCheckQdiskVdevs(dcfg) < 0 ||
        vxlBackendCheckGrantVersion(dcfg) < 0)
        return -1;
    VXL_BACKEND_CALL(be, domainCreate, dcfg, script, paused, domid);
}

int
vxlBackendDomainDestroy(vxlBackend *be, uint32_t domid)
{
    VXL_BACKEND_CALL(be, domainDestroy, domid);
}

int
vxlBackendDomainShutdown(vxlBackend *be, uint32_t domid, unsigned int modes)
{
    VXL_BACKEND_CALL(be, domainShutdown, domid, modes);
}

int
vxlBackendDomainReboot(vxlBackend *be, uint32_t domid, unsigned int modes)
{
    VXL_BACKEND_CALL(be, domainReboot, domid, modes);
}

int
vxlBackendDomainPause(vxlBackend *be, uint32_t domid)
{
    VXL_BACKEND_CALL(be, domainPause, domid);
}

int
vxlBackendDomainUnpause(vxlBackend *be, uint32_t domid)
{
    VXL_BACKEND_CALL(be, domainUnpause, domid);
}

int
vxlBackendDomainRename(vxlBackend *be, uint32_t domid, const char *name,
                       const unsigned char *uuid)
{
    VXL_BACKEND_CALL(be, domainRename, domid, name, uuid);
}

int
vxlBackendDomainGetInfo(vxlBackend *be, uint32_t domid, vxlDomainInfo *info)
{
    VXL_BACKEND_CALL(be, domainGetInfo, domid, info);
}

int
vxlBackendDomainList(vxlBackend *be, vxlDomainInfo **infos, size_t *ninfos)
{
    VXL_BACKEND_CALL(be, domainList, infos, ninfos);
}

int
vxlBackendDomainSetMemory(vxlBackend *be, uint32_t domid,
                          unsigned long long targetKiB)
{
    VXL_BACKEND_CALL(be, domainSetMemory, domid, targetKiB);
}

int
vxlBackendDomainSetMaxMemory(vxlBackend *be, uint32_t domid,
                             unsigned long long maxKiB)
{
    VXL_BACKEND_CALL(be, domainSetMaxMemory, domid, maxKiB);
}

int
vxlBackendDomainSetVcpusOnline(vxlBackend *be, uint32_t domid,
                               unsigned int nvcpus)
{
    VXL_BACKEND_CALL(be, domainSetVcpusOnline, domid, nvcpus);
}

int
vxlBackendDomainCoreDump(vxlBackend *be, uint32_t domid, const char *path,
                         vxlJobToken *token)
{
    VXL_BACKEND_CALL(be, domainCoreDump, domid, path, token);
}

int
vxlBackendDomainConsolePath(vxlBackend *be, uint32_t domid,
                            vxlConsoleKind kind, int num, char **path)
{
    VXL_BACKEND_CALL(be, domainConsolePath, domid, kind, num, path);
}

int
vxlBackendDomainGetVcpus(vxlBackend *be, uint32_t domid,
                         vxlVcpuInfo **infos, size_t *ninfos)
{
    VXL_BACKEND_CALL(be, domainGetVcpus, domid, infos, ninfos);
}

int
vxlBackendDomainPinVcpu(vxlBackend *be, uint32_t domid, unsigned int vcpu,
                        const char *cpuset)
{
    VXL_BACKEND_CALL(be, domainPinVcpu, domid, vcpu, cpuset);
}

int
vxlBackendDomainDiskAdd(vxlBackend *be, uint32_t domid, libxl_device_disk *xdisk)
{
    if (vxlBackendCheckQdiskVdev(NULL, xdisk, true) < 0)
        return -1;
    VXL_BACKEND_CALL(be, domainDiskAdd, domid, xdisk);
}

int
vxlBackendDomainDiskRemove(vxlBackend *be, uint32_t domid, const char *vdev)
{
    VXL_BACKEND_CALL(be, domainDiskRemove, domid, vdev);
}

int
vxlBackendDomainNicAdd(vxlBackend *be, uint32_t domid, libxl_device_nic *xnic)
{
    VXL_BACKEND_CALL(be, domainNicAdd, domid, xnic);
}

int
vxlBackendDomainNicRemove(vxlBackend *be, uint32_t domid, const char *mac)
{
    VXL_BACKEND_CALL(be, domainNicRemove, domid, mac);
}

int
vxlBackendDomainCdromInsert(vxlBackend *be, uint32_t domid,
                            libxl_device_disk *xdisk)
{
    VXL_BACKEND_CALL(be, domainCdromInsert, domid, xdisk);
}

/* ----- migration ----- */

int
vxlBackendDomainMigrateSend(vxlBackend *be, uint32_t domid,
                            vxlMigrateStream *st)
{
    VXL_BACKEND_CALL(be, domainMigrateSend, domid, st);
}

int
vxlBackendDomainMigrateResume(vxlBackend *be, uint32_t domid, bool paused)
{
    VXL_BACKEND_CALL(be, domainMigrateResume, domid, paused);
}

int
vxlBackendDomainMigrateReceive(vxlBackend *be, libxl_domain_config *dcfg,
                               const vxlGuestScript *script,
                               vxlMigrateStream *st, uint32_t *domid)
{
    VXL_BACKEND_CALL(be, domainMigrateReceive, dcfg, script, st, domid);
}

/* ----- save and restore ----- */

int
vxlBackendDomainSave(vxlBackend *be, uint32_t domid, int fd,
                     vxlJobToken *token)
{
    VXL_BACKEND_CALL(be, domainSave, domid, fd, token);
}

int
vxlBackendDomainRestore(vxlBackend *be, libxl_domain_config *dcfg,
                        const vxlGuestScript *script, int fd,
                        vxlJobToken *token, uint32_t *domid)
{
    VXL_BACKEND_CALL(be, domainRestore, dcfg, script, fd, token, domid);
}

/* ----- cancelling ----- */

int
vxlBackendDomainCreateCancel(vxlBackend *be, const unsigned char *uuid)
{
    VXL_BACKEND_CALL(be, domainCreateCancel, uuid);
}

/* ----- control ----- */

int
vxlBackendDomainReset(vxlBackend *be, uint32_t domid)
{
    VXL_BACKEND_CALL(be, domainReset, domid);
}

int
vxlBackendDomainInjectNMI(vxlBackend *be, uint32_t domid)
{
    VXL_BACKEND_CALL(be, domainInjectNMI, domid);
}

int
vxlBackendDomainSendKeys(vxlBackend *be, uint32_t domid,
                         const unsigned int *keys, size_t nkeys,
                         unsigned int holdMs)
{
    VXL_BACKEND_CALL(be, domainSendKeys, domid, keys, nkeys, holdMs);
}

int
vxlBackendDomainScreenshot(vxlBackend *be, uint32_t domid, const char *path)
{
    VXL_BACKEND_CALL(be, domainScreenshot, domid, path);
}

int
vxlBackendDomainPMSuspend(vxlBackend *be, uint32_t domid)
{
    VXL_BACKEND_CALL(be, domainPMSuspend, domid);
}

int
vxlBackendDomainPMWakeup(vxlBackend *be, uint32_t domid)
{
    VXL_BACKEND_CALL(be, domainPMWakeup, domid);
}

/* ----- PCI devices ----- */

int
vxlBackendHostPciList(vxlBackend *be, vxlHostPci **devs, size_t *ndevs)
{
    VXL_BACKEND_CALL(be, hostPciList, devs, ndevs);
}

int
vxlBackendHostPciAssignable(vxlBackend *be, const libxl_device_pci *pci,
                            bool assignable, bool rebind)
{
    VXL_BACKEND_CALL(be, hostPciAssignable, pci, assignable, rebind);
}

int
vxlBackendHostPciReset(vxlBackend *be, const libxl_device_pci *pci)
{
    VXL_BACKEND_CALL(be, hostPciReset, pci);
}

int
vxlBackendDomainPciAdd(vxlBackend *be, uint32_t domid, libxl_device_pci *pci)
{
    VXL_BACKEND_CALL(be, domainPciAdd, domid, pci);
}

int
vxlBackendDomainPciRemove(vxlBackend *be, uint32_t domid,
                          const libxl_device_pci *pci)
{
    VXL_BACKEND_CALL(be, domainPciRemove, domid, pci);
}

int
vxlBackendDomainPciList(vxlBackend *be, uint32_t domid, libxl_device_pci **pcis,
                        size_t *npcis)
{
    *pcis = NULL;
    *npcis = 0;
    VXL_BACKEND_CALL(be, domainPciList, domid, pcis, npcis);
}

/* ----- guest addresses ----- */

int
vxlBackendHostNeighbours(vxlBackend *be, vxlNeighbour **list, size_t *n)
{
    VXL_BACKEND_CALL(be, hostNeighbours, list, n);
}

/* ----- vif rate limit ----- */

int
vxlBackendDomainNicSetRate(vxlBackend *be, uint32_t domid, const char *mac,
                           uint64_t bytes, uint32_t usecs)
{
    VXL_BACKEND_CALL(be, domainNicSetRate, domid, mac, bytes, usecs);
}

/* ----- live snapshots ----- */

int
vxlBackendDomainSaveLive(vxlBackend *be, uint32_t domid, int fd,
                         vxlJobToken *token)
{
    VXL_BACKEND_CALL(be, domainSaveLive, domid, fd, token);
}

/* ----- one vCPU online or offline ----- */

int
vxlBackendDomainSetVcpusOnlineSet(vxlBackend *be, uint32_t domid,
                                  const char *vcpus)
{
    VXL_BACKEND_CALL(be, domainSetVcpusOnlineSet, domid, vcpus);
}

/* ----- USB host devices ----- */

int
vxlBackendHostUsbList(vxlBackend *be, vxlHostUsb **devs, size_t *ndevs)
{
    VXL_BACKEND_CALL(be, hostUsbList, devs, ndevs);
}

int
vxlBackendDomainUsbAdd(vxlBackend *be, uint32_t domid,
                       libxl_device_usbdev *usb)
{
    VXL_BACKEND_CALL(be, domainUsbAdd, domid, usb);
}

int
vxlBackendDomainUsbRemove(vxlBackend *be, uint32_t domid,
                          unsigned int hostbus, unsigned int hostaddr)
{
    VXL_BACKEND_CALL(be, domainUsbRemove, domid, hostbus, hostaddr);
}

/* ----- migration: a pause during the copy ----- */

int
vxlBackendDomainMigratePauseSource(vxlBackend *be, uint32_t domid)
{
    VXL_BACKEND_CALL(be, domainMigratePauseSource, domid);
}

int
vxlBackendHostNetVFSet(vxlBackend *be, const libxl_device_pci *vf,
                       const char *mac, unsigned int vlan)
{
    VXL_BACKEND_CALL(be, hostNetVFSet, vf, mac, vlan);
}

int
vxlBackendHostNetVFRestore(vxlBackend *be, const libxl_device_pci *vf)
{
    VXL_BACKEND_CALL(be, hostNetVFRestore, vf);
}

void
vxlHostUsbListFree(vxlHostUsb *devs, size_t ndevs)
{
    size_t i;

    for (i = 0; i < ndevs; i++) {
        g_free(devs[i].vendorName);
        g_free(devs[i].productName);
    }
    g_free(devs);
}
