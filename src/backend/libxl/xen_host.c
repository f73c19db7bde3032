/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_host.c: host facts from libxl, free memory, and autoballooning.
 *
 * vxlHostFacts is filled from libxl_get_version_info (version, capability
 * string, Xen command line), libxl_get_physinfo (CPUs, memory, the HVM/PV/
 * HAP/shadow/IOMMU capabilities), libxl_get_cpu_topology and
 * libxl_get_numainfo (which CPUs and how much memory each node has, the
 * distances between nodes, and each CPU's socket and core, as `xl info -n`
 * shows them) and libxl_get_scheduler; the CPU's model, features,
 * microcode and signature, and an Arm host's GIC, come from xen_cpu.c.
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
#include "viruuid.h"

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

/* Where Xen put each CPU, kept only when it is a description: Xen on
 * Arm 4.17 reports every CPU as core 0 of socket 0, which no physinfo
 * shape allows (more CPUs on a core than threads per core). CPUs past
 * the last online one are left out; an offline CPU in between keeps an
 * out-of-range socket so that it matches no online CPU. */
static void
vxlXenHostTakeTopology(const libxl_cputopology *topo, int ncpus,
                       vxlHostFacts *facts)
{
    g_autoptr(GHashTable) perCore = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_autofree gint64 *keys = g_new0(gint64, MAX(ncpus, 1));
    g_autofree vxlHostCpu *cpus = NULL;
    int last = -1;
    int i;

    for (i = 0; i < ncpus; i++) {
        if (topo[i].core != LIBXL_CPUTOPOLOGY_INVALID_ENTRY)
            last = i;
    }
    if (last < 0)
        return;
    cpus = g_new0(vxlHostCpu, last + 1);
    for (i = 0; i <= last; i++) {
        guint count;

        if (topo[i].core == LIBXL_CPUTOPOLOGY_INVALID_ENTRY) {
            cpus[i].socket = cpus[i].core = UINT_MAX;
            continue;
        }
        cpus[i].socket = topo[i].socket;
        cpus[i].core = topo[i].core;
        keys[i] = ((gint64)topo[i].socket << 32) | topo[i].core;
        count = GPOINTER_TO_UINT(g_hash_table_lookup(perCore, &keys[i])) + 1;
        if (count > MAX(1, facts->threadsPerCore)) {
            VIR_DEBUG("CPU topology puts %u CPUs on socket %u core %u, with %u threads per core: using the regular shape",
                      count, topo[i].socket, topo[i].core, facts->threadsPerCore);
            return;
        }
        g_hash_table_insert(perCore, &keys[i], GUINT_TO_POINTER(count));
    }
    facts->cpus = g_steal_pointer(&cpus);
    facts->ncpus = last + 1;
}


/* The host CPU's model, features, microcode and signature (xen_cpu.c),
 * from Xen's feature set or, failing that, physinfo's hw_cap. */
static void
vxlXenHostGetCpu(const libxl_physinfo *phys, virArch arch, vxlHostFacts *facts)
{
    g_autofree char *text = NULL;
    g_autofree uint32_t *words = NULL;
    vxlXenCpuinfo info;
    size_t nwords = 0;

    ignore_value(virFileReadAllQuiet("/proc/cpuinfo", 1024 * 1024, &text));
    vxlXenCpuinfoParse(text, &info);
    if (ARCH_IS_X86(arch) && !(words = vxlXenCpuFeatureset(&nwords))) {
        nwords = G_N_ELEMENTS(phys->hw_cap);
        words = g_new0(uint32_t, nwords);
        memcpy(words, phys->hw_cap, sizeof(phys->hw_cap));
    }
    vxlXenCpuDescribe(arch, &info, words, nwords, facts);
    vxlXenCpuinfoClear(&info);
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
    vxlXenHostTakeTopology(topo, ncpus, facts);
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
    /* libvirtd's host UUID (host_uuid in libvirtd.conf, else SMBIOS):
     * migration tells two hosts apart by it. */
    if (virGetHostUUID(facts->hostUUID) < 0)
        goto cleanup;
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

    vxlXenHostGetCpu(&phys, virArchFromHost(), facts);

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
    /* libxl has no query for the GIC: what Xen told dom0 about it. */
    if (ARCH_IS_ARM(virArchFromHost()))
        facts->gicVersion = vxlXenGicVersion("/proc/device-tree",
                                             "/sys/firmware/acpi/tables/APIC");

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
