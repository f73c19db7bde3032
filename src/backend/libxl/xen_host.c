/*
 * xen_host.c: host facts from libxl, free memory, and autoballooning.
 *
 * vxlHostFacts is filled from libxl_get_version_info (version, capability
 * string, Xen command line), libxl_get_physinfo (CPUs, memory, the HVM/PV/
 * HAP/shadow/IOMMU capabilities), libxl_get_cpu_topology and
 * libxl_get_numainfo (which CPUs and how much memory each node has, and
 * the distances between nodes) and libxl_get_scheduler.
 *
 * Autoballooning (libxl.conf's autoballoon): when a domain needs more
 * memory than Xen has free, take the difference, and no more, from dom0,
 * as xl does with autoballoon="on". dom0 never goes below
 * VXL_XEN_DOM0_MIN_KIB.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virarch.h"
#include "virbitmap.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virutil.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_host");

/* dom0 keeps at least this much when ballooned for a guest. */
#define VXL_XEN_DOM0_MIN_KIB (256ULL * 1024)
/* Each freemem round waits this long for dom0's balloon driver. */
#define VXL_XEN_BALLOON_WAIT_SECS 10
#define VXL_XEN_BALLOON_ROUNDS 3

/* Xen 4.17 x86 guest vCPU limits: HVM_MAX_VCPUS for HVM and PVH; PV is
 * bounded by the vcpu_info placement libxl uses. */
#define VXL_XEN_MAX_VCPUS_PV 512
#define VXL_XEN_MAX_VCPUS_HVM 128

/* Firmware dom0 may have for HVM guests; the ones present are reported. */
static const char *const vxlXenFirmwareCandidates[] = {
    "/usr/lib/xen-4.17/boot/hvmloader",
    "/usr/lib/xen/boot/hvmloader",
    "/usr/share/OVMF/OVMF_CODE.fd",
    "/usr/share/ovmf/OVMF.fd",
    "/usr/share/seabios/bios-256k.bin",
    "/usr/share/seabios/bios.bin",
};

#define VXL_XEN_DEVICE_MODEL "/usr/libexec/xen-qemu-system-i386"

static vxlXen *
vxlXenGet(vxlBackend *be)
{
    return be->priv;
}

static char *
vxlXenCpuVendor(void)
{
    g_autofree char *cpuinfo = NULL;
    g_auto(GStrv) lines = NULL;
    size_t i;

    if (virFileReadAllQuiet("/proc/cpuinfo", 1024 * 1024, &cpuinfo) < 0)
        return NULL;
    lines = g_strsplit(cpuinfo, "\n", 0);
    for (i = 0; lines[i]; i++) {
        const char *colon;

        if (!g_str_has_prefix(lines[i], "vendor_id") ||
            !(colon = strchr(lines[i], ':')))
            continue;
        colon++;
        while (*colon == ' ')
            colon++;
        if (STREQ(colon, "GenuineIntel"))
            return g_strdup("Intel");
        if (STREQ(colon, "AuthenticAMD"))
            return g_strdup("AMD");
        return g_strdup(colon);
    }
    return NULL;
}

static int
vxlXenHostGetNuma(vxlXen *xen, vxlHostFacts *facts)
{
    libxl_numainfo *numa = NULL;
    libxl_cputopology *topo = NULL;
    int nnuma = 0;
    int ncpus = 0;
    int i;
    int j;
    int ret = -1;

    if (!(numa = libxl_get_numainfo(xen->ctx, &nnuma)) || nnuma <= 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot read the host's NUMA information from libxl"));
        goto cleanup;
    }
    if (!(topo = libxl_get_cpu_topology(xen->ctx, &ncpus)) || ncpus <= 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot read the host's CPU topology from libxl"));
        goto cleanup;
    }

    facts->nnodes = MIN(nnuma, VXL_HOST_MAX_NODES);
    for (i = 0; i < facts->nnodes; i++) {
        vxlHostNode *node = &facts->nodes[i];
        g_autoptr(virBitmap) cpus = virBitmapNew(ncpus);

        /* LIBXL_NUMAINFO_INVALID_ENTRY marks a node without memory */
        if (numa[i].size != LIBXL_NUMAINFO_INVALID_ENTRY) {
            node->memoryKiB = numa[i].size / 1024;
            node->freeKiB = numa[i].free / 1024;
        }
        for (j = 0; j < numa[i].num_dists && j < VXL_HOST_MAX_NODES; j++)
            node->distances[j] = numa[i].dists[j];
        for (j = 0; j < ncpus; j++) {
            if (topo[j].node == i)
                ignore_value(virBitmapSetBit(cpus, j));
        }
        node->cpus = virBitmapFormat(cpus);
    }
    ret = 0;

 cleanup:
    if (numa)
        libxl_numainfo_list_free(numa, nnuma);
    if (topo)
        libxl_cputopology_list_free(topo, ncpus);
    return ret;
}

int
vxlXenHostGetFacts(vxlBackend *be, vxlHostFacts *facts)
{
    vxlXen *xen = vxlXenGet(be);
    const libxl_version_info *ver;
    libxl_physinfo phys;
    libxl_dominfo dom0;
    unsigned long long pageKiB;
    size_t i;
    int rc;
    int ret = -1;
    GPtrArray *firmware;

    libxl_physinfo_init(&phys);
    libxl_dominfo_init(&dom0);
    memset(facts, 0, sizeof(*facts));
    vxlXenLogResetLastError();

    if (!(ver = libxl_get_version_info(xen->ctx))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot read Xen's version information from libxl"));
        goto cleanup;
    }
    if ((rc = libxl_get_physinfo(xen->ctx, &phys)) != 0) {
        vxlXenReportError(rc, _("cannot read the host's physical information"));
        goto cleanup;
    }
    if ((rc = libxl_domain_info(xen->ctx, &dom0, 0)) != 0) {
        vxlXenReportError(rc, _("cannot read the memory of dom0"));
        goto cleanup;
    }

    facts->arch = g_strdup(virArchToString(virArchFromHost()));
    facts->hostname = virGetHostname();
    facts->xenMajor = ver->xen_version_major;
    facts->xenMinor = ver->xen_version_minor;
    facts->xenExtra = g_strdup(NULLSTR_EMPTY(ver->xen_version_extra));
    facts->xenCaps = g_strdup(NULLSTR_EMPTY(ver->capabilities));
    facts->xenCommandline = g_strdup(NULLSTR_EMPTY(ver->commandline));

    pageKiB = ver->pagesize > 0 ? ver->pagesize / 1024 : 4;
    facts->nrCpus = phys.nr_cpus;
    facts->threadsPerCore = phys.threads_per_core ? phys.threads_per_core : 1;
    facts->coresPerSocket = phys.cores_per_socket ? phys.cores_per_socket : 1;
    facts->sockets = MAX(1, phys.nr_cpus /
                         (facts->threadsPerCore * facts->coresPerSocket));
    facts->cpuMHz = phys.cpu_khz / 1000;
    facts->totalKiB = phys.total_pages * pageKiB;
    facts->dom0KiB = dom0.current_memkb;
    facts->hvm = phys.cap_hvm;
    facts->pv = phys.cap_pv;
    facts->hap = phys.cap_hap;
    facts->shadow = phys.cap_shadow;
    facts->iommu = phys.cap_hvm_directio;
    facts->iommuHapPtShare = phys.cap_iommu_hap_pt_share;

    /* libvirt's CPU model names need cpuid decoding the prober does not
     * do for real hosts yet: vendor only, no model, no features. */
    facts->cpuVendor = vxlXenCpuVendor();
    facts->cpuFeatures = g_new0(char *, 1);

    facts->maxVcpusPV = VXL_XEN_MAX_VCPUS_PV;
    facts->maxVcpusHVM = VXL_XEN_MAX_VCPUS_HVM;
    facts->maxVcpusPVH = VXL_XEN_MAX_VCPUS_HVM;

    if (vxlXenHostGetNuma(xen, facts) < 0)
        goto cleanup;

    firmware = g_ptr_array_new();
    for (i = 0; i < G_N_ELEMENTS(vxlXenFirmwareCandidates); i++) {
        if (virFileExists(vxlXenFirmwareCandidates[i]))
            g_ptr_array_add(firmware, g_strdup(vxlXenFirmwareCandidates[i]));
    }
    g_ptr_array_add(firmware, NULL);
    facts->firmware = (char **)g_ptr_array_free(firmware, FALSE);

    /* Debian's libxl is built to run qemu-xen from here (its
     * qemu-system-xen package); reported only if installed. */
    if (virFileIsExecutable(VXL_XEN_DEVICE_MODEL))
        facts->deviceModel = g_strdup(VXL_XEN_DEVICE_MODEL);
    /* gicVersion stays 0: x86, or an Arm host whose GIC we do not read yet. */

    facts->scheduler = g_strdup(NULLSTR(libxl_scheduler_to_string(
                                            libxl_get_scheduler(xen->ctx))));
    ret = 0;

 cleanup:
    if (ret < 0)
        vxlHostFactsClear(facts);
    libxl_physinfo_dispose(&phys);
    libxl_dominfo_dispose(&dom0);
    return ret;
}

int
vxlXenHostGetFreeMemory(vxlBackend *be, unsigned long long *freeKiB)
{
    vxlXen *xen = vxlXenGet(be);
    uint64_t memkb = 0;
    int rc;

    vxlXenLogResetLastError();
    if ((rc = libxl_get_free_memory(xen->ctx, &memkb)) != 0) {
        vxlXenReportError(rc, _("cannot read the host's free memory"));
        return -1;
    }
    *freeKiB = memkb;
    return 0;
}

/*
 * Make sure Xen has the memory @dcfg needs free, ballooning dom0 down by
 * the difference when autoballoon allows. Fails with
 * VIR_ERR_OPERATION_FAILED and the figures, as the simulator does, when
 * the host cannot fit the domain. Called with xen->balloonLock held so
 * that two starts do not count the same free memory.
 */
int
vxlXenHostMakeRoom(vxlXen *xen, libxl_domain_config *dcfg)
{
    const char *name = dcfg->c_info.name;
    uint64_t needKiB = 0;
    uint64_t freeKiB = 0;
    unsigned long long spareKiB = 0;
    libxl_dominfo dom0;
    int round;
    int rc;

    vxlXenLogResetLastError();
    if ((rc = libxl_domain_need_memory(xen->ctx, dcfg, INVALID_DOMID,
                                       &needKiB)) != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot compute the memory domain '%s' needs"),
                            name);
        vxlXenReportError(rc, what);
        return -1;
    }
    if ((rc = libxl_get_free_memory(xen->ctx, &freeKiB)) != 0) {
        vxlXenReportError(rc, _("cannot read the host's free memory"));
        return -1;
    }
    VIR_DEBUG("domain '%s' needs %llu KiB, Xen has %llu KiB free",
              name, (unsigned long long)needKiB, (unsigned long long)freeKiB);
    if (freeKiB >= needKiB)
        return 0;

    if (xen->autoballoon) {
        libxl_dominfo_init(&dom0);
        if (libxl_domain_info(xen->ctx, &dom0, 0) == 0 &&
            dom0.current_memkb > VXL_XEN_DOM0_MIN_KIB)
            spareKiB = dom0.current_memkb - VXL_XEN_DOM0_MIN_KIB;
        libxl_dominfo_dispose(&dom0);
    }
    if (freeKiB + spareKiB < needKiB) {
        if (spareKiB) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("not enough free memory on the host to start domain '%s': it needs %llu KiB, the host has %llu KiB free and dom0 can give up %llu KiB more"),
                           name, (unsigned long long)needKiB,
                           (unsigned long long)freeKiB, spareKiB);
        } else {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("not enough free memory on the host to start domain '%s': it needs %llu KiB, the host has %llu KiB free"),
                           name, (unsigned long long)needKiB,
                           (unsigned long long)freeKiB);
        }
        return -1;
    }

    /* xl's freemem loop: ask dom0 for the shortfall, wait, re-check. */
    for (round = 0; round < VXL_XEN_BALLOON_ROUNDS; round++) {
        int64_t shortKiB = needKiB - freeKiB;

        VIR_INFO("ballooning dom0 down by %lld KiB for domain '%s'",
                 (long long)shortKiB, name);
        if ((rc = libxl_set_memory_target(xen->ctx, 0, -shortKiB, 1, 0)) != 0) {
            g_autofree char *what =
                g_strdup_printf(_("cannot balloon dom0 down by %lld KiB to start domain '%s'"),
                                (long long)shortKiB, name);
            vxlXenReportError(rc, what);
            return -1;
        }
        ignore_value(libxl_wait_for_memory_target(xen->ctx, 0,
                                                  VXL_XEN_BALLOON_WAIT_SECS));
        if ((rc = libxl_get_free_memory(xen->ctx, &freeKiB)) != 0) {
            vxlXenReportError(rc, _("cannot read the host's free memory"));
            return -1;
        }
        if (freeKiB >= needKiB)
            return 0;
    }
    virReportError(VIR_ERR_OPERATION_FAILED,
                   _("not enough free memory on the host to start domain '%s': it needs %llu KiB, and after ballooning dom0 the host has %llu KiB free"),
                   name, (unsigned long long)needKiB,
                   (unsigned long long)freeKiB);
    return -1;
}
