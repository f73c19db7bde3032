/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * caps_host.c: <capabilities> from host facts.
 *
 * <host>: CPU (arch, vendor, model, microcode, topology, features), power
 * management, IOMMU, migration, NUMA cells (memory, 4 KiB pages, CPUs with
 * socket/core/siblings, distances). <guest>: one per (os type, arch) the
 * host runs, with its machine, emulator, loader and features.
 *
 * Which guests: Xen's capability string lists what the hypervisor runs,
 * "xen-3.0-<arch>" for PV and "hvm-3.0-<arch>" for HVM. PV guests also
 * need physinfo's PV capability; HVM and PVH guests need hardware
 * virtualization (physinfo's HVM capability) and, on x86, HVM guests in
 * the capability string (PVH is an HVM container without a device model).
 * x86_32p is the only 32-bit PV kind Xen has run since 4.3. On Arm every
 * guest is what libxl calls PVH; physinfo reports no PV there.
 */
#include "vxl_internal.h"

#include "caps.h"
#include "domain_conf.h"
#include "virarch.h"
#include "virbitmap.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* Does Xen's capability string list a guest of @prefix ("xen", "hvm")
 * for @xenarch ("x86_64", "x86_32", "x86_32p", "aarch64")? */
static bool
vxlCapsXenOffers(const vxlHostFacts *facts, const char *prefix,
                 const char *xenarch)
{
    g_auto(GStrv) words = NULL;
    g_autofree char *want = g_strdup_printf("%s-3.0-%s", prefix, xenarch);

    if (!facts->xenCaps)
        return false;
    words = g_strsplit(facts->xenCaps, " ", 0);
    return g_strv_contains((const char *const *)words, want);
}


const char *
vxlCapsDeviceModel(const vxlHostFacts *facts)
{
    return facts->deviceModel ? facts->deviceModel : VXL_CAPS_DEFAULT_DEVICE_MODEL;
}


/* Firmware files are told apart by name, as libxl names them:
 * hvmloader; SeaBIOS's bios.bin or bios-256k.bin under a seabios
 * directory; OVMF*.fd. */
void
vxlCapsClassifyFirmware(const vxlHostFacts *facts, vxlCapsFirmware *fw)
{
    size_t i;

    memset(fw, 0, sizeof(*fw));
    for (i = 0; facts->firmware && facts->firmware[i]; i++) {
        const char *path = facts->firmware[i];
        g_autofree char *base = g_path_get_basename(path);
        g_autofree char *lower = g_ascii_strdown(path, -1);

        if (STREQ(base, "hvmloader")) {
            if (!fw->hvmloader)
                fw->hvmloader = path;
        } else if (strstr(lower, "ovmf")) {
            if (!fw->ovmf)
                fw->ovmf = path;
        } else if (strstr(lower, "seabios")) {
            if (!fw->seabios)
                fw->seabios = path;
        }
    }
}


static void
vxlCapsAddKind(vxlCapsGuestKind **kinds, size_t *n, virArch arch,
               virDomainOSType ostype, unsigned int maxVcpus)
{
    const char *machine = NULL;

    switch (ostype) {
    case VIR_DOMAIN_OSTYPE_XEN:
        machine = "xenpv";
        break;
    case VIR_DOMAIN_OSTYPE_HVM:
        machine = "xenfv";
        break;
    case VIR_DOMAIN_OSTYPE_XENPVH:
        machine = "xenpvh";
        break;
    case VIR_DOMAIN_OSTYPE_LINUX:
    case VIR_DOMAIN_OSTYPE_EXE:
    case VIR_DOMAIN_OSTYPE_UML:
    case VIR_DOMAIN_OSTYPE_LAST:
        return;
    }
    /* A type the host allows no vCPU for is a type it cannot run. */
    if (maxVcpus == 0)
        return;
    *kinds = g_renew(vxlCapsGuestKind, *kinds, *n + 1);
    (*kinds)[*n] = (vxlCapsGuestKind) {
        .arch = arch, .ostype = ostype, .machine = machine, .maxVcpus = maxVcpus,
    };
    (*n)++;
}


vxlCapsGuestKind *
vxlCapsGuestKinds(const vxlHostFacts *facts, size_t *nkinds)
{
    virArch hostarch = virArchFromString(NULLSTR_EMPTY(facts->arch));
    vxlCapsGuestKind *kinds = NULL;
    size_t n = 0;

    if (ARCH_IS_X86(hostarch)) {
        static const struct { virArch arch; const char *pv; const char *hvm[2]; } arches[] = {
            { VIR_ARCH_X86_64, "x86_64", { "x86_64", NULL } },
            { VIR_ARCH_I686, "x86_32p", { "x86_32p", "x86_32" } },
        };
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(arches); i++) {
            bool hvm = facts->hvm &&
                       (vxlCapsXenOffers(facts, "hvm", arches[i].hvm[0]) ||
                        (arches[i].hvm[1] &&
                         vxlCapsXenOffers(facts, "hvm", arches[i].hvm[1])));

            if (facts->pv && vxlCapsXenOffers(facts, "xen", arches[i].pv))
                vxlCapsAddKind(&kinds, &n, arches[i].arch,
                               VIR_DOMAIN_OSTYPE_XEN, facts->maxVcpusPV);
            if (hvm) {
                vxlCapsAddKind(&kinds, &n, arches[i].arch,
                               VIR_DOMAIN_OSTYPE_HVM, facts->maxVcpusHVM);
                vxlCapsAddKind(&kinds, &n, arches[i].arch,
                               VIR_DOMAIN_OSTYPE_XENPVH, facts->maxVcpusPVH);
            }
        }
    } else if (hostarch == VIR_ARCH_AARCH64 || hostarch == VIR_ARCH_ARMV7L) {
        static const struct { virArch arch; const char *xen; } arches[] = {
            { VIR_ARCH_AARCH64, "aarch64" },
            { VIR_ARCH_ARMV7L, "armv7l" },
        };
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(arches); i++) {
            if (!vxlCapsXenOffers(facts, "xen", arches[i].xen))
                continue;
            /* libxl turns a PV config into PVH on Arm; only say "xen"
             * where the host says it runs PV at all. */
            if (facts->pv)
                vxlCapsAddKind(&kinds, &n, arches[i].arch,
                               VIR_DOMAIN_OSTYPE_XEN, facts->maxVcpusPV);
            if (facts->hvm)
                vxlCapsAddKind(&kinds, &n, arches[i].arch,
                               VIR_DOMAIN_OSTYPE_XENPVH, facts->maxVcpusPVH);
        }
    }
    *nkinds = n;
    return kinds;
}


/*
 * CPU @cpu's socket and core: what Xen reported for it (facts->cpus),
 * else from the regular shape sockets x cores x threads, numbering CPUs
 * socket by socket with a core's threads adjacent.
 */
static void
vxlCapsCpuTopology(const vxlHostFacts *facts, unsigned int cpu,
                   unsigned int *socket, unsigned int *core)
{
    unsigned int threads = MAX(1, facts->threadsPerCore);
    unsigned int cores = MAX(1, facts->coresPerSocket);

    if (facts->cpus && cpu < facts->ncpus) {
        *socket = facts->cpus[cpu].socket;
        *core = facts->cpus[cpu].core;
        return;
    }
    *socket = cpu / (threads * cores);
    *core = (cpu / threads) % cores;
}


/* The threads of @cpu's core, @cpu included: the CPUs Xen reported with
 * its socket and core, or its neighbours in the regular shape. */
static virBitmap *
vxlCapsSiblings(const vxlHostFacts *facts, unsigned int cpu)
{
    unsigned int ncpus = MAX(facts->nrCpus, MAX(facts->ncpus, cpu + 1));
    virBitmap *siblings = virBitmapNew(ncpus);
    unsigned int threads = MAX(1, facts->threadsPerCore);
    unsigned int first = cpu - cpu % threads;
    unsigned int t;

    if (facts->cpus && cpu < facts->ncpus) {
        const vxlHostCpu *me = &facts->cpus[cpu];

        for (t = 0; t < facts->ncpus; t++) {
            if (facts->cpus[t].socket == me->socket &&
                facts->cpus[t].core == me->core)
                ignore_value(virBitmapSetBit(siblings, t));
        }
        return siblings;
    }
    for (t = first; t < first + threads && t < ncpus; t++)
        ignore_value(virBitmapSetBit(siblings, t));
    return siblings;
}


static int
vxlCapsAddNUMA(virCaps *caps, const vxlHostFacts *facts)
{
    size_t i, j;

    caps->host.numa = virCapabilitiesHostNUMANew();
    for (i = 0; i < facts->nnodes; i++) {
        const vxlHostNode *node = &facts->nodes[i];
        g_autoptr(virBitmap) cpus = NULL;
        virCapsHostNUMACellCPU *cellcpus = NULL;
        virCapsHostNUMACellPageInfo *pages = NULL;
        virNumaDistance *dist = NULL;
        ssize_t bit = -1;
        int ncpus = 0;
        int ndist = 0;

        if (node->cpus) {
            if (virBitmapParse(node->cpus, &cpus, VIR_DOMAIN_CPUMASK_LEN) < 0)
                return -1;
            cellcpus = g_new0(virCapsHostNUMACellCPU, virBitmapCountBits(cpus));
            while ((bit = virBitmapNextSetBit(cpus, bit)) >= 0) {
                virCapsHostNUMACellCPU *c = &cellcpus[ncpus++];

                c->id = bit;
                vxlCapsCpuTopology(facts, bit, &c->socket_id, &c->core_id);
                c->siblings = vxlCapsSiblings(facts, bit);
            }
        }
        dist = g_new0(virNumaDistance, MAX(1, facts->nnodes));
        for (j = 0; j < facts->nnodes; j++) {
            if (!node->distances[j])
                continue;
            dist[ndist].cellid = j;
            dist[ndist].value = node->distances[j];
            ndist++;
        }
        if (ndist == 0)
            g_clear_pointer(&dist, g_free);

        /* Guests get Xen's own pages; dom0's hugepage pools do not back
         * them, and <memoryBacking><hugepages> is refused. What a cell
         * offers is its memory in 4 KiB pages. */
        pages = g_new0(virCapsHostNUMACellPageInfo, 1);
        pages[0].size = 4;
        pages[0].avail = node->memoryKiB / 4;

        virCapabilitiesHostNUMAAddCell(caps->host.numa, i, node->memoryKiB,
                                       ncpus, &cellcpus, ndist, &dist,
                                       1, &pages, NULL);
    }
    return 0;
}


static int
vxlCapsAddHostCPU(virCaps *caps, const vxlHostFacts *facts, virArch hostarch)
{
    g_autoptr(virCPUDef) cpu = virCPUDefNew();
    unsigned int nodes = MAX(1, facts->nnodes);
    size_t i;

    cpu->type = VIR_CPU_TYPE_HOST;
    cpu->arch = hostarch;
    cpu->model = g_strdup(facts->cpuModel);
    cpu->vendor = g_strdup(facts->cpuVendor);
    cpu->microcodeVersion = facts->microcode;
    /* libvirt formats <signature> only with a family: x86 hosts whose
     * CPUID signature is known. */
    cpu->sigFamily = facts->cpuFamily;
    cpu->sigModel = facts->cpuModelNumber;
    cpu->sigStepping = facts->cpuStepping;
    /* libvirt's host topology counts sockets per NUMA node. */
    cpu->sockets = MAX(1, facts->sockets / nodes);
    cpu->dies = 1;
    cpu->cores = MAX(1, facts->coresPerSocket);
    cpu->threads = MAX(1, facts->threadsPerCore);
    for (i = 0; facts->cpuFeatures && facts->cpuFeatures[i]; i++) {
        if (virCPUDefAddFeature(cpu, facts->cpuFeatures[i], -1) < 0)
            return -1;
    }
    caps->host.cpu = g_steal_pointer(&cpu);

    if (ARCH_IS_X86(hostarch)) {
        /* The host-level flags libvirt clients look for before offering
         * HVM: PAE, and hardware virtualization by vendor (in the order
         * the schema wants). */
        virCapabilitiesAddHostFeature(caps, "pae");
        if (facts->hvm) {
            if (g_strv_contains((const char *const *)facts->cpuFeatures, "vmx"))
                virCapabilitiesAddHostFeature(caps, "vmx");
            if (g_strv_contains((const char *const *)facts->cpuFeatures, "svm"))
                virCapabilitiesAddHostFeature(caps, "svm");
        }
    }
    return 0;
}


static void
vxlCapsAddGuest(virCaps *caps, const vxlHostFacts *facts,
                const vxlCapsGuestKind *kind)
{
    const char *names[] = { kind->machine };
    virCapsGuestMachine **machines = virCapabilitiesAllocMachines(names, 1);
    virCapsGuest *guest;

    machines[0]->maxCpus = kind->maxVcpus;

    /* No <loader>, although every HVM guest starts in hvmloader: libxl
     * runs it without being told, and clients copy a guest's <loader>
     * into the domains they write (virt-install does), where libvirt
     * refuses a loader path next to <os firmware='efi'>. The firmware a
     * guest can choose is in <domainCapabilities>. */
    guest = virCapabilitiesAddGuest(caps, kind->ostype, kind->arch,
                                    vxlCapsDeviceModel(facts), NULL,
                                    1, machines);
    virCapabilitiesAddGuestDomain(guest, VIR_DOMAIN_VIRT_XEN, NULL, NULL, 0, NULL);

    switch (kind->ostype) {
    case VIR_DOMAIN_OSTYPE_HVM:
        /* default='on': what an HVM guest should have, and what
         * virt-install and virt-manager then write (virtinst sets <acpi/>
         * and <apic/> from these defaults; with 'off' they made guests
         * without ACPI power buttons or a local APIC, so one vCPU).
         * translate_basic.c passes them to libxl as given, an absent one
         * as off, as libvirt's libxl driver does; x86_64 guests always get
         * PAE (src/conf/conf_xmlopt.c). HAP is used whenever the host has
         * it; the <hap> element does not change that. */
        virCapabilitiesAddGuestFeatureWithToggle(guest, VIR_CAPS_GUEST_FEATURE_TYPE_ACPI,
                                                 true, true);
        virCapabilitiesAddGuestFeatureWithToggle(guest, VIR_CAPS_GUEST_FEATURE_TYPE_APIC,
                                                 true, true);
        if (kind->arch == VIR_ARCH_I686) {
            virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_TYPE_PAE);
            virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_TYPE_NONPAE);
        } else {
            virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_TYPE_PAE);
        }
        if (facts->hap)
            virCapabilitiesAddGuestFeatureWithToggle(guest, VIR_CAPS_GUEST_FEATURE_TYPE_HAP,
                                                     true, false);
        break;
    case VIR_DOMAIN_OSTYPE_XEN:
        /* 32-bit PV guests are PAE guests (x86_32p). */
        if (kind->arch == VIR_ARCH_I686)
            virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_TYPE_PAE);
        break;
    case VIR_DOMAIN_OSTYPE_XENPVH:
        if (facts->hap)
            virCapabilitiesAddGuestFeatureWithToggle(guest, VIR_CAPS_GUEST_FEATURE_TYPE_HAP,
                                                     true, false);
        break;
    case VIR_DOMAIN_OSTYPE_LINUX:
    case VIR_DOMAIN_OSTYPE_EXE:
    case VIR_DOMAIN_OSTYPE_UML:
    case VIR_DOMAIN_OSTYPE_LAST:
        break;
    }
}


virCaps *
vxlCapsBuildHost(const vxlHostFacts *facts)
{
    virArch hostarch = virArchFromString(NULLSTR_EMPTY(facts->arch));
    g_autoptr(virCaps) caps = NULL;
    g_autofree vxlCapsGuestKind *kinds = NULL;
    size_t nkinds = 0;
    size_t i;

    if (hostarch == VIR_ARCH_NONE) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("host architecture '%s' is not known to libvirt"),
                       NULLSTR(facts->arch));
        return NULL;
    }
    /* The driver migrates domains live and offline, its stream on a
     * plain TCP connection (tcp://HOST:PORT, which the destination hands
     * out; xenmigr://HOST:PORT is accepted as a synonym but is no value
     * libvirt's capability schema allows). */
    if (!(caps = virCapabilitiesNew(hostarch, true, true)))
        return NULL;
    virCapabilitiesAddHostMigrateTransport(caps, "tcp");
    memcpy(caps->host.host_uuid, facts->hostUUID, VIR_UUID_BUFLEN);

    /* No host power management: the driver does not implement
     * virNodeSuspendForDuration, so <power_management/> stays empty. */
    caps->host.powerMgmt = 0;
    caps->host.iommu = facts->iommu;

    if (vxlCapsAddHostCPU(caps, facts, hostarch) < 0 ||
        vxlCapsAddNUMA(caps, facts) < 0)
        return NULL;

    kinds = vxlCapsGuestKinds(facts, &nkinds);
    for (i = 0; i < nkinds; i++)
        vxlCapsAddGuest(caps, facts, &kinds[i]);

    return g_steal_pointer(&caps);
}
