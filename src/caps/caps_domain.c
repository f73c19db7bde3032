/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * caps_domain.c: <domainCapabilities> from host facts.
 *
 * One answer per (emulator, arch, machine, virttype) the host offers, the
 * guest kinds of caps_host.c. Each section says what the translators of
 * src/translate accept for that kind of guest on this host, and nothing
 * more: a value is listed only when a define with it succeeds and a start
 * builds it into libxl's config; what the translators refuse is
 * supported='no' or left out, even where Xen itself has it (see
 * docs/capabilities.md). tests/caps proves it value by value, in both
 * directions.
 *
 * Sections of libvirt 9.0's format and where their answer comes from:
 *   vcpu max            the host's limit for the guest type (facts)
 *   iothreads           no: Xen has no I/O threads
 *   os                  firmware/loader: HVM only, what the host has
 *                       (translate_boot.c)
 *   cpu                 translate_cpu.c: the host's CPU, levelled
 *   memoryBacking       no: Xen backs guests with its own pages
 *   devices             translate_disk.c, _gfx.c, _hostdev.c, _misc.c,
 *                       _chardev.c; PCI passthrough where there is an
 *                       IOMMU (facts)
 *   features            hyperv (viridian) for HVM; everything else no
 */
#include "vxl_internal.h"

#include "caps.h"
#include "virarch.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


static void
vxlCapsDomainOS(virDomainCaps *dc, const vxlHostFacts *facts,
                const vxlCapsGuestKind *kind)
{
    virDomainCapsOS *os = &dc->os;
    virDomainCapsLoader *loader = &os->loader;
    g_autoptr(GPtrArray) values = g_ptr_array_new();
    vxlCapsFirmware fw;

    vxlCapsClassifyFirmware(facts, &fw);
    os->supported = VIR_TRISTATE_BOOL_YES;
    os->firmware.report = true;

    /* PV and PVH guests have no firmware: they boot a kernel, or a
     * bootloader fetches one (translate_boot.c refuses <loader> and
     * <os firmware> for them). */
    if (kind->ostype != VIR_DOMAIN_OSTYPE_HVM) {
        loader->supported = VIR_TRISTATE_BOOL_NO;
        return;
    }

    /* <os firmware='bios'> is SeaBIOS and 'efi' is OVMF, libxl's bios
     * types; each only where the host has the file libxl loads. */
    if (fw.seabios)
        VIR_DOMAIN_CAPS_ENUM_SET(os->firmware, VIR_DOMAIN_OS_DEF_FIRMWARE_BIOS);
    if (fw.ovmf)
        VIR_DOMAIN_CAPS_ENUM_SET(os->firmware, VIR_DOMAIN_OS_DEF_FIRMWARE_EFI);

    /* <loader>: hvmloader (type rom, what every HVM guest runs first), or
     * OVMF as a pflash loader. libxl takes no path: the values are the
     * files it will load. Xen's OVMF has no secure boot and no NVRAM. */
    loader->supported = VIR_TRISTATE_BOOL_YES;
    loader->type.report = true;
    loader->readonly.report = true;
    loader->secure.report = true;
    if (fw.hvmloader) {
        g_ptr_array_add(values, g_strdup(fw.hvmloader));
        VIR_DOMAIN_CAPS_ENUM_SET(loader->type, VIR_DOMAIN_LOADER_TYPE_ROM);
    }
    if (fw.ovmf) {
        size_t i;

        /* Every OVMF image the host has: whichever a client names, libxl
         * boots the OVMF it was built with. */
        for (i = 0; facts->firmware[i]; i++) {
            g_autofree char *lower = g_ascii_strdown(facts->firmware[i], -1);

            if (strstr(lower, "ovmf"))
                g_ptr_array_add(values, g_strdup(facts->firmware[i]));
        }
        VIR_DOMAIN_CAPS_ENUM_SET(loader->type, VIR_DOMAIN_LOADER_TYPE_PFLASH);
    }
    VIR_DOMAIN_CAPS_ENUM_SET(loader->readonly,
                             VIR_TRISTATE_BOOL_YES, VIR_TRISTATE_BOOL_NO);
    VIR_DOMAIN_CAPS_ENUM_SET(loader->secure, VIR_TRISTATE_BOOL_NO);
    loader->values.nvalues = values->len;
    g_ptr_array_add(values, NULL);
    loader->values.values = (char **)g_ptr_array_free(g_steal_pointer(&values), FALSE);
}


static void
vxlCapsDomainDevices(virDomainCaps *dc, const vxlHostFacts *facts,
                     const vxlCapsGuestKind *kind)
{
    bool hvm = kind->ostype == VIR_DOMAIN_OSTYPE_HVM;

    /* translate_disk.c: disks and cdroms (no floppy: libxl has none; no
     * lun: no SCSI passthrough) on Xen's PV bus, or emulated IDE and SCSI
     * (which PV and PVH guests see as PV disks of those names). No
     * <disk model>: that is virtio's. */
    dc->disk.supported = VIR_TRISTATE_BOOL_YES;
    dc->disk.diskDevice.report = true;
    dc->disk.bus.report = true;
    dc->disk.model.report = true;
    VIR_DOMAIN_CAPS_ENUM_SET(dc->disk.diskDevice,
                             VIR_DOMAIN_DISK_DEVICE_DISK,
                             VIR_DOMAIN_DISK_DEVICE_CDROM);
    VIR_DOMAIN_CAPS_ENUM_SET(dc->disk.bus,
                             VIR_DOMAIN_DISK_BUS_IDE,
                             VIR_DOMAIN_DISK_BUS_SCSI,
                             VIR_DOMAIN_DISK_BUS_XEN);

    /* translate_gfx.c: qemu's VNC, SPICE and SDL displays for HVM; a PV
     * framebuffer shown over VNC or SDL for PV and PVH. */
    dc->graphics.supported = VIR_TRISTATE_BOOL_YES;
    dc->graphics.type.report = true;
    VIR_DOMAIN_CAPS_ENUM_SET(dc->graphics.type,
                             VIR_DOMAIN_GRAPHICS_TYPE_SDL,
                             VIR_DOMAIN_GRAPHICS_TYPE_VNC);
    if (hvm)
        VIR_DOMAIN_CAPS_ENUM_SET(dc->graphics.type, VIR_DOMAIN_GRAPHICS_TYPE_SPICE);

    /* translate_gfx.c: the cards qemu-xen emulates (u.hvm.vga.kind), or
     * the PV framebuffer's own "xen" video. */
    dc->video.supported = VIR_TRISTATE_BOOL_YES;
    dc->video.modelType.report = true;
    if (hvm)
        VIR_DOMAIN_CAPS_ENUM_SET(dc->video.modelType,
                                 VIR_DOMAIN_VIDEO_TYPE_VGA,
                                 VIR_DOMAIN_VIDEO_TYPE_CIRRUS,
                                 VIR_DOMAIN_VIDEO_TYPE_QXL,
                                 VIR_DOMAIN_VIDEO_TYPE_NONE);
    else
        VIR_DOMAIN_CAPS_ENUM_SET(dc->video.modelType, VIR_DOMAIN_VIDEO_TYPE_XEN);

    /* translate_hostdev.c: PCI devices through Xen's pciback, USB devices
     * by host bus and address. PCI passthrough needs the IOMMU
     * (VT-d / AMD-Vi / SMMU): without it Xen refuses to assign. */
    dc->hostdev.supported = VIR_TRISTATE_BOOL_YES;
    dc->hostdev.mode.report = true;
    dc->hostdev.startupPolicy.report = true;
    dc->hostdev.subsysType.report = true;
    dc->hostdev.capsType.report = true;
    dc->hostdev.pciBackend.report = true;
    VIR_DOMAIN_CAPS_ENUM_SET(dc->hostdev.mode, VIR_DOMAIN_HOSTDEV_MODE_SUBSYS);
    /* libxl fails the start when a device is missing: that is
     * 'mandatory'; it cannot drop a device and go on. */
    VIR_DOMAIN_CAPS_ENUM_SET(dc->hostdev.startupPolicy,
                             VIR_DOMAIN_STARTUP_POLICY_DEFAULT,
                             VIR_DOMAIN_STARTUP_POLICY_MANDATORY);
    VIR_DOMAIN_CAPS_ENUM_SET(dc->hostdev.subsysType, VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB);
    if (facts->iommu) {
        VIR_DOMAIN_CAPS_ENUM_SET(dc->hostdev.subsysType, VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI);
        VIR_DOMAIN_CAPS_ENUM_SET(dc->hostdev.pciBackend, VIR_DOMAIN_HOSTDEV_PCI_BACKEND_XEN);
    }

    /* translate_misc.c: a 9p share of a host directory. */
    dc->filesystem.supported = VIR_TRISTATE_BOOL_YES;
    dc->filesystem.driverType.report = true;
    VIR_DOMAIN_CAPS_ENUM_SET(dc->filesystem.driverType, VIR_DOMAIN_FS_DRIVER_TYPE_PATH);

    /* translate_chardev.c: channels over a pty or a unix socket; for HVM
     * guests with SPICE graphics, the spicevmc agent channel and USB
     * redirection (translate_gfx.c). */
    dc->channel.supported = VIR_TRISTATE_BOOL_YES;
    dc->channel.type.report = true;
    VIR_DOMAIN_CAPS_ENUM_SET(dc->channel.type,
                             VIR_DOMAIN_CHR_TYPE_PTY, VIR_DOMAIN_CHR_TYPE_UNIX);
    if (hvm) {
        VIR_DOMAIN_CAPS_ENUM_SET(dc->channel.type, VIR_DOMAIN_CHR_TYPE_SPICEVMC);
        dc->redirdev.supported = VIR_TRISTATE_BOOL_YES;
        dc->redirdev.bus.report = true;
        VIR_DOMAIN_CAPS_ENUM_SET(dc->redirdev.bus, VIR_DOMAIN_REDIRDEV_BUS_USB);
    } else {
        dc->redirdev.supported = VIR_TRISTATE_BOOL_NO;
    }

    /* translate_misc.c refuses both: Xen has no virtio-rng for guests,
     * and its vTPM is a stub domain, not a libvirt TPM backend. */
    dc->rng.supported = VIR_TRISTATE_BOOL_NO;
    dc->tpm.supported = VIR_TRISTATE_BOOL_NO;
}


static void
vxlCapsDomainCPU(virDomainCaps *dc, const vxlHostFacts *facts)
{
    /* translate_cpu.c: Xen always gives a guest the host's CPU, levelled
     * by its CPUID policy, so host-passthrough, host-model and maximum
     * all mean that (features adjust the policy). Named models are
     * refused: there is nothing to choose from, so custom is 'no'. */
    dc->cpu.hostPassthrough = true;
    dc->cpu.maximum = true;
    if (facts->cpuModel) {
        virCPUDef *cpu = virCPUDefNew();

        cpu->type = VIR_CPU_TYPE_GUEST;
        cpu->mode = VIR_CPU_MODE_CUSTOM;
        cpu->match = VIR_CPU_MATCH_EXACT;
        cpu->fallback = VIR_CPU_FALLBACK_FORBID;
        cpu->arch = dc->arch;
        cpu->model = g_strdup(facts->cpuModel);
        cpu->vendor = g_strdup(facts->cpuVendor);
        dc->cpu.hostModel = cpu;
    }
}


/* The Hyper-V enlightenments a viridian group provides
 * (translate_features.c). */
static const int vxlCapsHyperv[] = {
    VIR_DOMAIN_HYPERV_RELAXED,
    VIR_DOMAIN_HYPERV_VAPIC,
    VIR_DOMAIN_HYPERV_SPINLOCKS,
    VIR_DOMAIN_HYPERV_VPINDEX,
    VIR_DOMAIN_HYPERV_RUNTIME,
    VIR_DOMAIN_HYPERV_SYNIC,
    VIR_DOMAIN_HYPERV_STIMER,
    VIR_DOMAIN_HYPERV_RESET,
    VIR_DOMAIN_HYPERV_FREQUENCIES,
    VIR_DOMAIN_HYPERV_TLBFLUSH,
    VIR_DOMAIN_HYPERV_IPI,
};


static void
vxlCapsDomainFeatures(virDomainCaps *dc, const vxlCapsGuestKind *kind)
{
    size_t i;

    /* Xen on Arm gives guests the host's GIC (libxl's gic_version
     * defaults to native), but translate_features.c refuses <gic>, so a
     * guest cannot ask for it: 'no' until it is translated. */
    dc->gic.supported = VIR_TRISTATE_BOOL_NO;

    /* <genid>: hvmloader's VM generation ID (libxl's ms_vm_genid), which
     * only HVM guests have (translate_misc.c). */
    dc->features[VIR_DOMAIN_CAPS_FEATURE_GENID] =
        kind->ostype == VIR_DOMAIN_OSTYPE_HVM ? VIR_TRISTATE_BOOL_YES : VIR_TRISTATE_BOOL_NO;

    /* No translator builds these: vmcoreinfo is a qemu device Xen's
     * qemu does not get; block jobs, backup and s390 protected
     * virtualization do not exist for Xen; Xen 4.17 runs no SEV or SGX
     * guests. */
    dc->features[VIR_DOMAIN_CAPS_FEATURE_IOTHREADS] = VIR_TRISTATE_BOOL_NO;
    dc->features[VIR_DOMAIN_CAPS_FEATURE_VMCOREINFO] = VIR_TRISTATE_BOOL_NO;
    dc->features[VIR_DOMAIN_CAPS_FEATURE_BACKING_STORE_INPUT] = VIR_TRISTATE_BOOL_NO;
    dc->features[VIR_DOMAIN_CAPS_FEATURE_BACKUP] = VIR_TRISTATE_BOOL_NO;
    dc->features[VIR_DOMAIN_CAPS_FEATURE_S390_PV] = VIR_TRISTATE_BOOL_NO;
    dc->sev = NULL;
    dc->sgx = NULL;

    /* <hyperv mode='custom'>: Xen's viridian enlightenments, HVM only. */
    dc->hyperv = g_new0(virDomainCapsFeatureHyperv, 1);
    if (kind->ostype != VIR_DOMAIN_OSTYPE_HVM) {
        dc->hyperv->supported = VIR_TRISTATE_BOOL_NO;
        return;
    }
    dc->hyperv->supported = VIR_TRISTATE_BOOL_YES;
    dc->hyperv->features.report = true;
    for (i = 0; i < G_N_ELEMENTS(vxlCapsHyperv); i++)
        dc->hyperv->features.values |= 1U << vxlCapsHyperv[i];
}


/* "a, b, c": the lists error messages name. */
static char *
vxlCapsJoin(GPtrArray *names)
{
    g_ptr_array_add(names, NULL);
    return g_strjoinv(", ", (char **)names->pdata);
}


static void
vxlCapsAddUnique(GPtrArray *names, const char *name)
{
    size_t i;

    for (i = 0; i < names->len; i++) {
        if (STREQ(g_ptr_array_index(names, i), name))
            return;
    }
    g_ptr_array_add(names, (char *)name);
}


/* The guest kind for @archstr and @machine, or NULL with an error that
 * says what is available. */
static const vxlCapsGuestKind *
vxlCapsFindKind(const vxlHostFacts *facts, const vxlCapsGuestKind *kinds,
                size_t nkinds, const char *archstr, const char *machine)
{
    g_autoptr(GPtrArray) arches = g_ptr_array_new();
    g_autoptr(GPtrArray) machines = g_ptr_array_new();
    g_autofree char *list = NULL;
    virArch arch;
    size_t i;

    for (i = 0; i < nkinds; i++)
        vxlCapsAddUnique(arches, virArchToString(kinds[i].arch));

    if (nkinds == 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("this Xen host (%s, capabilities '%s') runs no guests"),
                       NULLSTR(facts->arch), NULLSTR(facts->xenCaps));
        return NULL;
    }

    if (archstr) {
        if ((arch = virArchFromString(archstr)) == VIR_ARCH_NONE) {
            list = vxlCapsJoin(arches);
            virReportError(VIR_ERR_INVALID_ARG,
                           _("unknown architecture '%s'; this Xen host offers %s"),
                           archstr, list);
            return NULL;
        }
    } else {
        arch = virArchFromString(NULLSTR_EMPTY(facts->arch));
    }

    for (i = 0; i < nkinds; i++) {
        if (kinds[i].arch != arch)
            continue;
        if (!machine || STREQ(machine, kinds[i].machine))
            return &kinds[i];
        vxlCapsAddUnique(machines, kinds[i].machine);
    }

    if (machines->len == 0) {
        list = vxlCapsJoin(arches);
        virReportError(VIR_ERR_INVALID_ARG,
                       _("architecture '%s' is not available on this Xen host; it offers %s"),
                       virArchToString(arch), list);
        return NULL;
    }
    list = vxlCapsJoin(machines);
    virReportError(VIR_ERR_INVALID_ARG,
                   _("machine '%s' is not available for architecture '%s' on this Xen host; it offers %s"),
                   machine, virArchToString(arch), list);
    return NULL;
}


virDomainCaps *
vxlCapsBuildDomain(const vxlHostFacts *facts, const char *emulator,
                   const char *arch, const char *machine, const char *virttype)
{
    const char *dm = vxlCapsDeviceModel(facts);
    g_autofree vxlCapsGuestKind *kinds = NULL;
    const vxlCapsGuestKind *kind;
    g_autoptr(virDomainCaps) dc = NULL;
    size_t nkinds = 0;

    if (virttype && STRNEQ(virttype, "xen")) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("virttype '%s' is not available: the Xen driver offers 'xen'"),
                       virttype);
        return NULL;
    }
    if (emulator && STRNEQ(emulator, dm)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("emulator '%s' is not available: this Xen host's device model is '%s'"),
                       emulator, dm);
        return NULL;
    }

    kinds = vxlCapsGuestKinds(facts, &nkinds);
    if (!(kind = vxlCapsFindKind(facts, kinds, nkinds, arch, machine)))
        return NULL;

    if (!(dc = virDomainCapsNew(dm, kind->machine, kind->arch,
                                VIR_DOMAIN_VIRT_XEN)))
        return NULL;
    dc->maxvcpus = kind->maxVcpus;

    vxlCapsDomainOS(dc, facts, kind);
    vxlCapsDomainCPU(dc, facts);
    /* translate_features.c refuses <memoryBacking>: Xen backs guests
     * with its own pages, not dom0's memory or hugepages. */
    dc->memoryBacking.supported = VIR_TRISTATE_BOOL_NO;
    vxlCapsDomainDevices(dc, facts, kind);
    vxlCapsDomainFeatures(dc, kind);

    return g_steal_pointer(&dc);
}
