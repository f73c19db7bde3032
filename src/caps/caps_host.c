/*
 * caps_host.c: <capabilities> from host facts.
 *
 * Guests offered follow what Xen's capability string promises: "xen-3.0-*"
 * means PV guests; "hvm-3.0-*" means HVM and PVH guests (PVH runs in an
 * HVM container). On x86 both 32- and 64-bit guests are offered when the
 * hypervisor can run them.
 */
#include "vxl_internal.h"

#include "caps.h"
#include "domain_conf.h"
#include "virarch.h"
#include "virbitmap.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

static void
vxlCapsAddGuest(virCaps *caps, int ostype, virArch arch, const char *machine)
{
    const char *machines[] = { machine };
    virCapsGuestMachine **m = virCapabilitiesAllocMachines(machines, 1);
    virCapsGuest *guest;

    guest = virCapabilitiesAddGuest(caps, ostype, arch, NULL, NULL, 1, m);
    virCapabilitiesAddGuestDomain(guest, VIR_DOMAIN_VIRT_XEN, NULL, NULL, 0, NULL);

    if (ostype == VIR_DOMAIN_OSTYPE_HVM) {
        virCapabilitiesAddGuestFeatureWithToggle(guest, VIR_CAPS_GUEST_FEATURE_TYPE_ACPI, true, true);
        virCapabilitiesAddGuestFeatureWithToggle(guest, VIR_CAPS_GUEST_FEATURE_TYPE_APIC, true, false);
        virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_TYPE_HAP);
        if (arch == VIR_ARCH_I686) {
            virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_TYPE_PAE);
            virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_TYPE_NONPAE);
        }
    }
}

/* Does Xen's capability string list a guest of @prefix ("xen", "hvm")
 * for @xenarch ("x86_64", "x86_32", "x86_32p", "aarch64")? */
static bool
vxlCapsXenOffers(const vxlHostFacts *facts, const char *prefix, const char *xenarch)
{
    g_auto(GStrv) words = NULL;
    g_autofree char *want = g_strdup_printf("%s-3.0-%s", prefix, xenarch);
    size_t i;

    if (!facts->xenCaps)
        return false;
    words = g_strsplit(facts->xenCaps, " ", 0);
    for (i = 0; words[i]; i++) {
        if (STREQ(words[i], want))
            return true;
    }
    return false;
}

static void
vxlCapsAddNUMA(virCaps *caps, const vxlHostFacts *facts)
{
    size_t i, j;

    caps->host.numa = virCapabilitiesHostNUMANew();
    for (i = 0; i < facts->nnodes; i++) {
        const vxlHostNode *node = &facts->nodes[i];
        g_autoptr(virBitmap) cpus = NULL;
        virCapsHostNUMACellCPU *cellcpus = NULL;
        virNumaDistance *dist = NULL;
        ssize_t bit = -1;
        int ncpus = 0;
        int ndist = 0;

        if (node->cpus && virBitmapParse(node->cpus, &cpus, 4096) == 0) {
            cellcpus = g_new0(virCapsHostNUMACellCPU, virBitmapCountBits(cpus));
            while ((bit = virBitmapNextSetBit(cpus, bit)) >= 0) {
                cellcpus[ncpus].id = bit;
                ncpus++;
            }
        }
        dist = g_new0(virNumaDistance, facts->nnodes);
        for (j = 0; j < facts->nnodes; j++) {
            if (!node->distances[j])
                continue;
            dist[ndist].cellid = j;
            dist[ndist].value = node->distances[j];
            ndist++;
        }
        virCapabilitiesHostNUMAAddCell(caps->host.numa, i, node->memoryKiB,
                                       ncpus, &cellcpus, ndist, &dist,
                                       0, NULL, NULL);
    }
}

virCaps *
vxlCapsBuildHost(const vxlHostFacts *facts)
{
    virArch hostarch = virArchFromString(facts->arch);
    g_autoptr(virCaps) caps = NULL;
    bool x86 = hostarch == VIR_ARCH_X86_64 || hostarch == VIR_ARCH_I686;

    if (hostarch == VIR_ARCH_NONE) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("host architecture '%s' is not known to libvirt"),
                       NULLSTR(facts->arch));
        return NULL;
    }
    if (!(caps = virCapabilitiesNew(hostarch, true, true)))
        return NULL;

    virCapabilitiesAddHostMigrateTransport(caps, "xenmigr");
    vxlCapsAddNUMA(caps, facts);

    if (x86) {
        static const struct { virArch arch; const char *xenarch; } arches[] = {
            { VIR_ARCH_I686, "x86_32p" },
            { VIR_ARCH_X86_64, "x86_64" },
        };
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(arches); i++) {
            bool hvm = vxlCapsXenOffers(facts, "hvm", arches[i].xenarch) ||
                       (arches[i].arch == VIR_ARCH_I686 &&
                        vxlCapsXenOffers(facts, "hvm", "x86_32"));
            bool pv = facts->pv &&
                      vxlCapsXenOffers(facts, "xen", arches[i].xenarch);

            if (pv)
                vxlCapsAddGuest(caps, VIR_DOMAIN_OSTYPE_XEN, arches[i].arch, "xenpv");
            if (hvm && facts->hvm) {
                vxlCapsAddGuest(caps, VIR_DOMAIN_OSTYPE_HVM, arches[i].arch, "xenfv");
                vxlCapsAddGuest(caps, VIR_DOMAIN_OSTYPE_XENPVH, arches[i].arch, "xenpvh");
            }
        }
    } else {
        /* Arm: every guest is a PV-style guest in an HVM container. */
        vxlCapsAddGuest(caps, VIR_DOMAIN_OSTYPE_XEN, hostarch, "xenpv");
    }
    return g_steal_pointer(&caps);
}
