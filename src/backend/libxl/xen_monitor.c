/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_monitor.c: what real Xen tells monitors: Domain-0, each physical
 * CPU's idle time, each guest's disk, vif and memory counters, and the
 * scheduler's weight and cap.
 *
 * Xen itself keeps no I/O counters: blkback keeps a disk's in sysfs
 * (/sys/bus/xen-backend/devices/vbd-DOMID-DEVID/statistics, in sectors
 * of 512 bytes) and netback's vif is an ordinary network device of dom0
 * (/sys/class/net/vifDOMID.DEVID/statistics) whose receive side is the
 * guest's transmit side. A disk served by qdisk (qemu) has no such
 * directory, and QEMU writes no counters to xenstore either. Memory beyond what Xen knows (the balloon's size) comes
 * from what a guest agent writes under data/ in xenstore.
 */
#include "vxl_internal.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/loop.h>
#include <xenctrl.h>
#include <xenstore.h>

#include "xen_priv.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_monitor");

#define VXL_XEN_WEIGHT_MAX 65535

int
vxlXenHostGetDom0(vxlBackend *be, vxlDomainInfo *info)
{
    vxlXen *xen = be->priv;
    libxl_dominfo d;
    int rc;

    libxl_dominfo_init(&d);
    vxlXenLogResetLastError();
    if ((rc = libxl_domain_info(xen->ctx, &d, 0)) != 0) {
        vxlXenReportError(rc, _("cannot read the state of Domain-0"));
        libxl_dominfo_dispose(&d);
        return -1;
    }
    memset(info, 0, sizeof(*info));
    info->domid = 0;
    memcpy(info->uuid, libxl_uuid_bytearray_const(&d.uuid), VIR_UUID_BUFLEN);
    info->name = g_strdup("Domain-0");
    info->state = VXL_DOMSTATE_RUNNING;
    info->currentKiB = d.current_memkb;
    info->maxKiB = d.max_memkb;
    info->vcpusOnline = d.vcpu_online;
    info->vcpusMax = d.vcpu_max_id + 1;
    info->cpuTimeNs = d.cpu_time;
    libxl_dominfo_dispose(&d);
    return 0;
}

/* Xen counts each CPU's idle time since it booted, which dom0 did just
 * after: dom0's boot clock stands for Xen's uptime. */
int
vxlXenHostGetCpuTimes(vxlBackend *be G_GNUC_UNUSED, vxlHostCpuTime **times,
                      size_t *ntimes)
{
    xc_interface *xch;
    g_autofree xc_cpuinfo_t *info = NULL;
    struct timespec ts;
    unsigned long long uptimeNs;
    int max = 4096;
    int nr = 0;
    int i;

    if (!(xch = xc_interface_open(NULL, NULL, 0))) {
        virReportSystemError(errno, "%s",
                             _("cannot open the Xen control interface"));
        return -1;
    }
    info = g_new0(xc_cpuinfo_t, max);
    if (xc_getcpuinfo(xch, max, info, &nr) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot read the physical CPUs' idle time from Xen"));
        xc_interface_close(xch);
        return -1;
    }
    xc_interface_close(xch);
    clock_gettime(CLOCK_BOOTTIME, &ts);
    uptimeNs = ts.tv_sec * 1000000000ULL + ts.tv_nsec;

    *times = g_new0(vxlHostCpuTime, MAX(nr, 1));
    *ntimes = nr;
    for (i = 0; i < nr; i++) {
        (*times)[i].idleNs = info[i].idletime;
        (*times)[i].busyNs = uptimeNs > info[i].idletime ?
                             uptimeNs - info[i].idletime : 0;
    }
    return 0;
}

/* One counter file of @dir; VXL_STAT_UNKNOWN when it is not there. */
static long long
vxlXenReadCounter(const char *dir, const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/%s", dir, name);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return VXL_STAT_UNKNOWN;
    return g_ascii_strtoll(text, NULL, 10);
}

int
vxlXenDomainGetBlockStats(vxlBackend *be, uint32_t domid, const char *vdev,
                          vxlBlockStats *stats)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    libxl_device_disk xdisk;
    libxl_diskinfo dinfo;
    g_autofree char *dir = NULL;
    long long sect;
    int ret = -1;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    libxl_device_disk_init(&xdisk);
    libxl_diskinfo_init(&dinfo);
    if (libxl_vdev_to_device_disk(xen->ctx, domid, vdev, &xdisk) != 0 ||
        libxl_device_disk_getinfo(xen->ctx, domid, &xdisk, &dinfo) != 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' (id %u) has no disk '%s'"),
                       dom.name, domid, vdev);
        goto cleanup;
    }
    dir = g_strdup_printf("/sys/bus/xen-backend/devices/vbd-%u-%d/statistics",
                          domid, dinfo.devid);
    if (xdisk.backend == LIBXL_DISK_BACKEND_QDISK) {
        /* QEMU's xen-block backend keeps its counters inside QEMU and
         * publishes none in xenstore or sysfs; only its QMP monitor
         * answers query-blockstats, which libxl 4.17 offers no call
         * for (and whose socket belongs to libxl and xentop). */
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("disk '%s' of domain '%s' (id %u) is served by QEMU's qdisk backend (its image is not raw, e.g. qcow2), whose I/O statistics Xen does not publish; only disks served by blkback (raw images and block devices) have statistics"),
                       vdev, dom.name, domid);
        goto cleanup;
    }
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        if (xdisk.backend == LIBXL_DISK_BACKEND_PHY)
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("disk '%s' of domain '%s' (id %u) has no statistics in dom0: its blkback backend runs in another domain, or dom0's kernel does not publish them"),
                           vdev, dom.name, domid);
        else
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("disk '%s' of domain '%s' (id %u) is not served by blkback, which is the only disk backend that keeps statistics"),
                           vdev, dom.name, domid);
        goto cleanup;
    }
    stats->rdReqs = vxlXenReadCounter(dir, "rd_req");
    stats->wrReqs = vxlXenReadCounter(dir, "wr_req");
    stats->flushReqs = vxlXenReadCounter(dir, "f_req");
    stats->errs = vxlXenReadCounter(dir, "oo_req");
    sect = vxlXenReadCounter(dir, "rd_sect");
    stats->rdBytes = sect < 0 ? VXL_STAT_UNKNOWN : sect * 512;
    sect = vxlXenReadCounter(dir, "wr_sect");
    stats->wrBytes = sect < 0 ? VXL_STAT_UNKNOWN : sect * 512;
    ret = 0;

 cleanup:
    libxl_diskinfo_dispose(&dinfo);
    libxl_device_disk_dispose(&xdisk);
    return ret;
}

/* Add the counters of dom0's interface @ifname, seen from the guest;
 * false when dom0 has no such interface. */
static bool
vxlXenNicAddCounters(const char *ifname, vxlNicStats *stats)
{
    g_autofree char *dir = g_strdup_printf("/sys/class/net/%s/statistics", ifname);
    struct {
        long long *field;
        const char *name;
    } map[] = {
        /* dom0's transmit side is the guest's receive side */
        { &stats->rxBytes, "tx_bytes" }, { &stats->rxPackets, "tx_packets" },
        { &stats->rxErrs, "tx_errors" }, { &stats->rxDrop, "tx_dropped" },
        { &stats->txBytes, "rx_bytes" }, { &stats->txPackets, "rx_packets" },
        { &stats->txErrs, "rx_errors" }, { &stats->txDrop, "rx_dropped" },
    };
    size_t i;

    if (!g_file_test(dir, G_FILE_TEST_IS_DIR))
        return false;
    for (i = 0; i < G_N_ELEMENTS(map); i++) {
        long long n = vxlXenReadCounter(dir, map[i].name);

        if (n >= 0)
            *map[i].field = MAX(*map[i].field, 0) + n;
    }
    return true;
}

/* The name of @nic's interface in its backend domain. libxl 4.17's
 * nic list leaves ifname empty even when the config named the vif (as
 * Nova's tapXXX names do); the hotplug script renamed it to the
 * backend's "vifname" node, so read that, else netback's vifD.N. */
static char *
vxlXenNicBackendName(uint32_t domid, const libxl_device_nic *nic)
{
    struct xs_handle *xsh;
    g_autofree char *path = NULL;
    char *val = NULL;
    unsigned int len = 0;

    if ((xsh = xs_open(XS_OPEN_READONLY))) {
        path = g_strdup_printf("/local/domain/%u/backend/vif/%u/%d/vifname",
                               nic->backend_domid, domid, nic->devid);
        val = xs_read(xsh, XBT_NULL, path, &len);
        xs_close(xsh);
    }
    if (val && len > 0) {
        char *name = g_strndup(val, len);

        free(val);
        return name;
    }
    free(val);
    return g_strdup_printf("vif%u.%d", domid, nic->devid);
}

int
vxlXenDomainGetNicStats(vxlBackend *be, uint32_t domid, const char *mac,
                        vxlNicStats *stats)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    libxl_device_nic *nics;
    g_autofree char *ifname = NULL;
    bool emulated = false;
    bool found;
    int n = 0;
    int i;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    if ((nics = libxl_device_nic_list(xen->ctx, domid, &n))) {
        for (i = 0; i < n && !ifname; i++) {
            char str[18];
            const uint8_t *m = nics[i].mac;

            g_snprintf(str, sizeof(str), "%02x:%02x:%02x:%02x:%02x:%02x",
                       m[0], m[1], m[2], m[3], m[4], m[5]);
            if (STRCASENEQ(str, mac))
                continue;
            /* netback names the vif as the config asked, or vifD.N */
            ifname = nics[i].ifname ? g_strdup(nics[i].ifname)
                                    : vxlXenNicBackendName(domid, &nics[i]);
            emulated = nics[i].nictype == LIBXL_NIC_TYPE_VIF_IOEMU;
        }
        libxl_device_nic_list_free(nics, n);
    }
    if (!ifname) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' (id %u) has no network interface with MAC %s"),
                       dom.name, domid, mac);
        return -1;
    }
    stats->rxBytes = stats->rxPackets = stats->rxErrs = stats->rxDrop = VXL_STAT_UNKNOWN;
    stats->txBytes = stats->txPackets = stats->txErrs = stats->txDrop = VXL_STAT_UNKNOWN;
    found = vxlXenNicAddCounters(ifname, stats);
    if (emulated) {
        /* libxl's name for the device model's tap beside the vif */
        g_autofree char *tap = g_strdup_printf("%s-emu", ifname);

        found = vxlXenNicAddCounters(tap, stats) || found;
    }
    if (!found) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the backend interface %s of domain '%s' (id %u) is not in dom0"),
                       ifname, dom.name, domid);
        return -1;
    }
    return 0;
}

/* A number (KiB) the guest or toolstack wrote at @key under the
 * domain's xenstore home; VXL_STAT_UNKNOWN when there is none. */
static long long
vxlXenStoreNumber(struct xs_handle *xsh, uint32_t domid, const char *key)
{
    g_autofree char *path = g_strdup_printf("/local/domain/%u/%s", domid, key);
    unsigned int len = 0;
    char *val;
    long long n = VXL_STAT_UNKNOWN;

    if (!xsh || !(val = xs_read(xsh, XBT_NULL, path, &len)))
        return VXL_STAT_UNKNOWN;
    if (len > 0)
        n = g_ascii_strtoll(val, NULL, 10);
    free(val);
    return n;
}

int
vxlXenDomainGetMemoryStats(vxlBackend *be, uint32_t domid,
                           vxlMemoryStats *stats)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    struct xs_handle *xsh;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    stats->actualKiB = dom.info.current_memkb;
    stats->maxKiB = dom.info.max_memkb;
    stats->availableKiB = VXL_STAT_UNKNOWN;
    stats->unusedKiB = VXL_STAT_UNKNOWN;
    stats->usableKiB = VXL_STAT_UNKNOWN;
    stats->lastUpdate = VXL_STAT_UNKNOWN;
    stats->targetKiB = VXL_STAT_UNKNOWN;

    if (!(xsh = xs_open(XS_OPEN_READONLY))) {
        VIR_DEBUG("cannot open xenstore: %s", g_strerror(errno));
        return 0;
    }
    stats->targetKiB = vxlXenStoreNumber(xsh, domid, "memory/target");
    /* xe-guest-utilities' meminfo, the agent Xen guests commonly run */
    stats->availableKiB = vxlXenStoreNumber(xsh, domid, "data/meminfo_total");
    stats->unusedKiB = vxlXenStoreNumber(xsh, domid, "data/meminfo_free");
    if (stats->unusedKiB >= 0) {
        stats->usableKiB = stats->unusedKiB;
        stats->lastUpdate = g_get_real_time() / G_USEC_PER_SEC;
    }
    xs_close(xsh);
    return 0;
}

static bool
vxlXenSchedHasWeight(libxl_scheduler sched)
{
    return sched == LIBXL_SCHEDULER_CREDIT || sched == LIBXL_SCHEDULER_CREDIT2;
}

int
vxlXenDomainGetSchedParams(vxlBackend *be, uint32_t domid,
                           vxlSchedParams *params)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    libxl_domain_sched_params sp;
    int rc;

    /* Domain-0 is not a guest for vxlXenLookup, but Xen schedules it
     * as one (xl sched-credit2 -d 0) */
    if (domid != 0 && vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    libxl_domain_sched_params_init(&sp);
    vxlXenLogResetLastError();
    if ((rc = libxl_domain_sched_params_get(xen->ctx, domid, &sp)) != 0) {
        if (domid == 0)
            vxlXenReportError(rc, _("cannot read the scheduler parameters of Domain-0"));
        else
            vxlXenReportDomError(rc, VXL_BACKEND_OP_SCHED_GET, &dom);
        libxl_domain_sched_params_dispose(&sp);
        return -1;
    }
    params->scheduler = g_strdup(libxl_scheduler_to_string(sp.sched));
    params->weight = sp.weight > 0 ? sp.weight : 0;
    params->cap = sp.cap > 0 ? sp.cap : 0;
    libxl_domain_sched_params_dispose(&sp);
    return 0;
}

int
vxlXenDomainSetSchedParams(vxlBackend *be, uint32_t domid,
                           const vxlSchedParams *params)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    libxl_domain_sched_params sp;
    int rc;
    int ret = -1;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    libxl_domain_sched_params_init(&sp);
    if ((rc = libxl_domain_sched_params_get(xen->ctx, domid, &sp)) != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_SCHED_GET, &dom);
        goto cleanup;
    }
    if (!vxlXenSchedHasWeight(sp.sched)) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("the %s scheduler of this host has no weight or cap for domain '%s'"),
                       libxl_scheduler_to_string(sp.sched), dom.name);
        goto cleanup;
    }
    if (params->weight < 1 || params->weight > VXL_XEN_WEIGHT_MAX) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the scheduler weight of domain '%s' must be between 1 and %d, not %u"),
                       dom.name, VXL_XEN_WEIGHT_MAX, params->weight);
        goto cleanup;
    }
    if (params->cap > 100U * (dom.info.vcpu_max_id + 1)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the scheduler cap of domain '%s' must be between 0 and %u (percent of one CPU, for its %u vCPUs), not %u"),
                       dom.name, 100U * (dom.info.vcpu_max_id + 1),
                       dom.info.vcpu_max_id + 1, params->cap);
        goto cleanup;
    }
    sp.weight = params->weight;
    sp.cap = params->cap;
    vxlXenLogResetLastError();
    if ((rc = libxl_domain_sched_params_set(xen->ctx, domid, &sp)) != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_SCHED_SET, &dom);
        goto cleanup;
    }
    ret = 0;

 cleanup:
    libxl_domain_sched_params_dispose(&sp);
    return ret;
}

/*
 * blkback checks its backing device's size as it serves requests and
 * tells the guest when it grew. A file-backed disk is served through a
 * loop device (the block script's, named in the backend's "node" key),
 * which learns the file's new size only when asked (LOOP_SET_CAPACITY).
 * qdisk (qemu) would need its QMP block_resize, which libxl does not
 * offer.
 */
int
vxlXenDomainBlockResize(vxlBackend *be, uint32_t domid, const char *vdev,
                        unsigned long long bytes G_GNUC_UNUSED)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    libxl_device_disk xdisk;
    libxl_diskinfo dinfo;
    struct xs_handle *xsh = NULL;
    g_autofree char *nodeKey = NULL;
    char *node = NULL;
    unsigned int len = 0;
    int fd = -1;
    int ret = -1;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_BLOCK_RESIZE) < 0)
        return -1;
    libxl_device_disk_init(&xdisk);
    libxl_diskinfo_init(&dinfo);
    if (libxl_vdev_to_device_disk(xen->ctx, domid, vdev, &xdisk) != 0 ||
        libxl_device_disk_getinfo(xen->ctx, domid, &xdisk, &dinfo) != 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' (id %u) has no disk '%s'"),
                       dom.name, domid, vdev);
        goto cleanup;
    }
    if (xdisk.backend == LIBXL_DISK_BACKEND_QDISK) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("disk '%s' of domain '%s' (id %u) is served by qemu (qdisk), which libxl cannot resize"),
                       vdev, dom.name, domid);
        goto cleanup;
    }
    if (!(xsh = xs_open(XS_OPEN_READONLY))) {
        virReportSystemError(errno, "%s", _("cannot open xenstore"));
        goto cleanup;
    }
    nodeKey = g_strdup_printf("%s/node", dinfo.backend);
    node = xs_read(xsh, XBT_NULL, nodeKey, &len);
    /* A block device blkback opened itself: it sees the new size. */
    if (node && STRPREFIX(node, "/dev/loop")) {
        if ((fd = open(node, O_RDONLY)) < 0 ||
            ioctl(fd, LOOP_SET_CAPACITY, 0) < 0) {
            virReportSystemError(errno,
                                 _("cannot tell loop device %s of disk '%s' of domain '%s' its new size"),
                                 node, vdev, dom.name);
            goto cleanup;
        }
    }
    ret = 0;

 cleanup:
    if (fd >= 0)
        close(fd);
    free(node);
    if (xsh)
        xs_close(xsh);
    libxl_diskinfo_dispose(&dinfo);
    libxl_device_disk_dispose(&xdisk);
    return ret;
}
