/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xl-dryrun-host.c: an LD_PRELOAD library that lets Xen's own xl run
 * `xl -N create CFG` (parse, build the libxl_domain_config, print it as
 * JSON, create nothing) on a machine without Xen.
 *
 * xl opens libxc and xenstore handles before it reads a config, and its
 * parser asks the host a few questions (CPUs, NUMA nodes, memory, the
 * Xen version) to expand cpus= and friends. Every one of those calls is
 * answered here from one fixed host, described by vxlDryrunHost below,
 * so the output is the same on every machine. The handles are
 * addresses of a private byte: nothing ever dereferences them on the
 * dry-run path, and no other libxc call is supported.
 */
#include <stdint.h>
#include <string.h>
#include <xenctrl.h>
#include <xenstore.h>
#include <xen/version.h>

/* The host every dry run sees: one socket, 4 cores of 2 threads, one
 * NUMA node of 16 GiB, Xen 4.17 with HVM, PV and HAP. */
static const struct {
    unsigned int sockets, coresPerSocket, threadsPerCore;
    uint64_t memBytes, freeBytes;
    const char *caps;
} vxlDryrunHost = {
    .sockets = 1, .coresPerSocket = 4, .threadsPerCore = 2,
    .memBytes = 16ULL << 30, .freeBytes = 12ULL << 30,
    .caps = "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64",
};

static char vxlDryrunHandle;

static unsigned int
vxlDryrunCpus(void)
{
    return vxlDryrunHost.sockets * vxlDryrunHost.coresPerSocket *
           vxlDryrunHost.threadsPerCore;
}

xc_interface *
xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
                  unsigned open_flags)
{
    return (xc_interface *)&vxlDryrunHandle;
}

int
xc_interface_close(xc_interface *xch)
{
    return 0;
}

struct xs_handle *
xs_open(unsigned long flags)
{
    return (struct xs_handle *)&vxlDryrunHandle;
}

void
xs_close(struct xs_handle *xsh)
{
}

int
xc_physinfo(xc_interface *xch, xc_physinfo_t *info)
{
    memset(info, 0, sizeof(*info));
    info->threads_per_core = vxlDryrunHost.threadsPerCore;
    info->cores_per_socket = vxlDryrunHost.coresPerSocket;
    info->nr_cpus = vxlDryrunCpus();
    info->max_cpu_id = vxlDryrunCpus() - 1;
    info->nr_nodes = 1;
    info->max_node_id = 0;
    info->total_pages = vxlDryrunHost.memBytes / 4096;
    info->free_pages = vxlDryrunHost.freeBytes / 4096;
    info->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_pv |
                         XEN_SYSCTL_PHYSCAP_hap;
    return 0;
}

int
xc_cputopoinfo(xc_interface *xch, unsigned *max_cpus, xc_cputopo_t *cputopo)
{
    unsigned int n = vxlDryrunCpus();
    unsigned int i;

    for (i = 0; cputopo && i < *max_cpus && i < n; i++) {
        cputopo[i].core = i / vxlDryrunHost.threadsPerCore;
        cputopo[i].socket = i / (vxlDryrunHost.threadsPerCore * vxlDryrunHost.coresPerSocket);
        cputopo[i].node = 0;
    }
    *max_cpus = n;
    return 0;
}

int
xc_numainfo(xc_interface *xch, unsigned *max_nodes, xc_meminfo_t *meminfo,
            uint32_t *distance)
{
    if (*max_nodes >= 1 && meminfo) {
        meminfo[0].memsize = vxlDryrunHost.memBytes;
        meminfo[0].memfree = vxlDryrunHost.freeBytes;
    }
    if (*max_nodes >= 1 && distance)
        distance[0] = 10;
    *max_nodes = 1;
    return 0;
}

int xc_get_max_cpus(xc_interface *xch) { return vxlDryrunCpus(); }
int xc_get_online_cpus(xc_interface *xch) { return vxlDryrunCpus(); }
int xc_get_max_nodes(xc_interface *xch) { return 1; }
long xc_sharing_freed_pages(xc_interface *xch) { return 0; }
long xc_sharing_used_frames(xc_interface *xch) { return 0; }

int
xc_version(xc_interface *xch, int cmd, void *arg)
{
    switch (cmd) {
    case XENVER_version:
        return (4 << 16) | 17;
    case XENVER_pagesize:
        return 4096;
    case XENVER_extraversion:
        strcpy(arg, ".0");
        return 0;
    case XENVER_capabilities:
        strcpy(arg, vxlDryrunHost.caps);
        return 0;
    case XENVER_changeset:
        strcpy(arg, "virtxl-dry-run");
        return 0;
    case XENVER_commandline:
        strcpy(arg, "");
        return 0;
    case XENVER_compile_info:
        memset(arg, 0, sizeof(xen_compile_info_t));
        return 0;
    case XENVER_platform_parameters:
        ((xen_platform_parameters_t *)arg)->virt_start = 0xffff800000000000ULL;
        return 0;
    default:
        return 0;
    }
}
