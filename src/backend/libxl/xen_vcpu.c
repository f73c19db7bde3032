/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_vcpu.c: a running domain's vCPUs (virsh vcpuinfo, vcpupin), as
 * xl vcpu-list and vcpu-pin see and set them.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virbitmap.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* A CPU list of the bits of @map, or NULL when every one of @ncpus is
 * set (no pinning). */
static char *
vxlXenCpumapFormat(const libxl_bitmap *map, int ncpus)
{
    g_autoptr(virBitmap) bits = virBitmapNew(ncpus > 0 ? ncpus : 1);
    int i;

    for (i = 0; i < ncpus; i++) {
        if (libxl_bitmap_test(map, i))
            ignore_value(virBitmapSetBit(bits, i));
    }
    if (virBitmapIsAllSet(bits))
        return NULL;
    return virBitmapFormat(bits);
}

int
vxlXenDomainGetVcpus(vxlBackend *be, uint32_t domid, vxlVcpuInfo **infos,
                     size_t *ninfos)
{
    vxlXen *xen = be->priv;
    libxl_vcpuinfo *list;
    int n = 0;
    int ncpus = 0;
    int i;

    vxlXenLogResetLastError();
    if (!(list = libxl_list_vcpu(xen->ctx, domid, &n, &ncpus))) {
        g_autofree char *what =
            g_strdup_printf(_("cannot list the vCPUs of domain %u"), domid);

        vxlXenReportError(ERROR_FAIL, what);
        return -1;
    }
    *infos = g_new0(vxlVcpuInfo, n);
    *ninfos = n;
    for (i = 0; i < n; i++) {
        (*infos)[i].online = list[i].online;
        (*infos)[i].running = list[i].running;
        (*infos)[i].cpuTimeNs = list[i].vcpu_time;
        (*infos)[i].cpu = list[i].cpu;
        (*infos)[i].affinity = vxlXenCpumapFormat(&list[i].cpumap, ncpus);
    }
    libxl_vcpuinfo_list_free(list, n);
    return 0;
}

int
vxlXenDomainPinVcpu(vxlBackend *be, uint32_t domid, unsigned int vcpu,
                    const char *cpuset)
{
    vxlXen *xen = be->priv;
    g_autoptr(virBitmap) bits = NULL;
    libxl_bitmap map;
    ssize_t bit = -1;
    int rc;

    /* As many CPUs as libvirt's <vcpupin cpuset> may name. */
    if (virBitmapParse(cpuset, &bits, 4096) < 0)
        return -1;
    libxl_bitmap_init(&map);
    if (libxl_cpu_bitmap_alloc(xen->ctx, &map, 0) != 0) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("cannot allocate a CPU map"));
        return -1;
    }
    while ((bit = virBitmapNextSetBit(bits, bit)) >= 0) {
        if (bit >= map.size * 8) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("cannot pin vCPU %u of domain %u to CPU %zd: the host has no such CPU"),
                           vcpu, domid, bit);
            libxl_bitmap_dispose(&map);
            return -1;
        }
        libxl_bitmap_set(&map, bit);
    }
    vxlXenLogResetLastError();
    rc = libxl_set_vcpuaffinity(xen->ctx, domid, vcpu, &map, NULL);
    libxl_bitmap_dispose(&map);
    if (rc != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot pin vCPU %u of domain %u to CPUs %s"),
                            vcpu, domid, cpuset);

        vxlXenReportError(rc, what);
        return -1;
    }
    return 0;
}

int
vxlXenDomainSetVcpusOnlineSet(vxlBackend *be, uint32_t domid, const char *vcpus)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    g_autoptr(virBitmap) want = NULL;
    libxl_bitmap map;
    unsigned int max;
    ssize_t bit = -1;
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_SET_VCPUS) < 0)
        return -1;
    max = dom.info.vcpu_max_id + 1;
    if (virBitmapParse(vcpus, &want, max) < 0) {
        virResetLastError();
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set vCPUs '%s' online in domain '%s' (id %u): it has vCPUs 0-%u"),
                       vcpus, dom.name, domid, max - 1);
        return -1;
    }
    if (!virBitmapIsBitSet(want, 0)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set vCPUs '%s' online in domain '%s' (id %u): vCPU 0 must stay online"),
                       vcpus, dom.name, domid);
        return -1;
    }
    libxl_bitmap_init(&map);
    vxlXenLogResetLastError();
    if ((rc = libxl_cpu_bitmap_alloc(xen->ctx, &map, max)) != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_SET_VCPUS, &dom);
        return -1;
    }
    while ((bit = virBitmapNextSetBit(want, bit)) >= 0)
        libxl_bitmap_set(&map, bit);
    /* libxl writes each slot's availability to xenstore (PV) or asks
     * the device model to plug or unplug it (HVM); the guest follows. */
    rc = vxlXenAoWait(&ao, libxl_set_vcpuonline(xen->ctx, domid, &map,
                                                vxlXenAoInit(&ao)));
    libxl_bitmap_dispose(&map);
    if (rc != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_SET_VCPUS, &dom);
        return -1;
    }
    return 0;
}
