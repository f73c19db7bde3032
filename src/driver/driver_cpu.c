/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_cpu.c: CPU models (virsh cpu-baseline, cpu-compare,
 * hypervisor-cpu-baseline, hypervisor-cpu-compare, cpu-models), and
 * virt-manager's expansion of the host-model CPU.
 *
 * libvirt's cpu driver does the work with its cpu_map: the host CPU is
 * the one <capabilities> describes (the host facts: Xen's featureset of
 * the host, decoded to a cpu_map model and features). Xen gives a guest
 * the host's CPU levelled by its CPUID policy, so a pool of hosts agrees
 * on the baseline of their CPUs, which each host can then check its own
 * against (xenopsd's CPUID levelling for heterogeneous pools).
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain.h"
#include "cpu/cpu.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_cpu");

/* The host's CPU as <capabilities> shows it, in a new def; @arch is
 * set to the host's arch. */
static virCPUDef *
vxlHostCPU(virArch *arch)
{
    g_autoptr(virCaps) caps = vxlDomainHostCapabilities(vxl_driver);

    if (!caps)
        return NULL;
    *arch = caps->host.arch;
    if (!caps->host.cpu || !caps->host.cpu->model) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("the host's CPU model is not known, so CPUs cannot be compared with it"));
        return NULL;
    }
    return virCPUDefCopy(caps->host.cpu);
}

/* Check @emulator, @arch, @machine and @virttype as domcapabilities
 * would (each NULL or one this host offers); the guest arch in @out. */
static int
vxlHypervisorCPUArch(const char *emulator, const char *arch,
                     const char *machine, const char *virttype, virArch *out)
{
    g_autoptr(virDomainCaps) dc = NULL;

    if (!(dc = vxlDomainHostDomainCapabilities(vxl_driver, emulator, arch,
                                               machine, virttype)))
        return -1;
    *out = dc->arch;
    return 0;
}

static int
vxlCompareCPU(virArch arch, virCPUDef *host, const char *xml,
              unsigned int flags)
{
    return virCPUCompareXML(arch, host, xml,
                            !!(flags & VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE),
                            !!(flags & VIR_CONNECT_COMPARE_CPU_VALIDATE_XML));
}

int
vxlConnectCompareCPU(virConnectPtr conn, const char *xmlDesc,
                     unsigned int flags)
{
    g_autoptr(virCPUDef) host = NULL;
    virArch arch;

    virCheckFlags(VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE |
                  VIR_CONNECT_COMPARE_CPU_VALIDATE_XML,
                  VIR_CPU_COMPARE_ERROR);
    if (virConnectCompareCPUEnsureACL(conn) < 0)
        return VIR_CPU_COMPARE_ERROR;
    if (!(host = vxlHostCPU(&arch)))
        return VIR_CPU_COMPARE_ERROR;
    return vxlCompareCPU(arch, host, xmlDesc, flags);
}

/* Xen gives guests the host's CPU (levelled), so what a guest on this
 * hypervisor can have is what the host has. */
int
vxlConnectCompareHypervisorCPU(virConnectPtr conn, const char *emulator,
                               const char *archStr, const char *machine,
                               const char *virttype, const char *xmlCPU,
                               unsigned int flags)
{
    g_autoptr(virCPUDef) host = NULL;
    virArch hostArch;
    virArch arch;

    virCheckFlags(VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE |
                  VIR_CONNECT_COMPARE_CPU_VALIDATE_XML,
                  VIR_CPU_COMPARE_ERROR);
    if (virConnectCompareHypervisorCPUEnsureACL(conn) < 0)
        return VIR_CPU_COMPARE_ERROR;
    if (vxlHypervisorCPUArch(emulator, archStr, machine, virttype, &arch) < 0 ||
        !(host = vxlHostCPU(&hostArch)))
        return VIR_CPU_COMPARE_ERROR;
    return vxlCompareCPU(arch, host, xmlCPU, flags);
}

static char *
vxlBaselineCPU(virArch arch, const char **xmlCPUs, unsigned int ncpus,
               virCPUType type, unsigned int flags)
{
    virCPUDef **cpus = NULL;
    g_autoptr(virCPUDef) cpu = NULL;
    char *ret = NULL;

    if (!(cpus = virCPUDefListParse(xmlCPUs, ncpus, type)))
        return NULL;
    if (arch == VIR_ARCH_NONE)
        arch = cpus[0]->arch;
    if (!(cpu = virCPUBaseline(arch, cpus, ncpus, NULL, NULL,
                               !!(flags & VIR_CONNECT_BASELINE_CPU_MIGRATABLE))))
        goto cleanup;
    /* The baseline names a model the guest must have as it is. */
    cpu->fallback = VIR_CPU_FALLBACK_FORBID;
    if ((flags & VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES) &&
        virCPUExpandFeatures(arch, cpu) < 0)
        goto cleanup;
    ret = virCPUDefFormat(cpu, NULL);

 cleanup:
    virCPUDefListFree(cpus);
    return ret;
}

char *
vxlConnectBaselineCPU(virConnectPtr conn, const char **xmlCPUs,
                      unsigned int ncpus, unsigned int flags)
{
    virCheckFlags(VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES |
                  VIR_CONNECT_BASELINE_CPU_MIGRATABLE, NULL);
    if (virConnectBaselineCPUEnsureACL(conn) < 0)
        return NULL;
    /* The host CPUs of a pool, as their <capabilities> show them. */
    return vxlBaselineCPU(VIR_ARCH_NONE, xmlCPUs, ncpus, VIR_CPU_TYPE_HOST,
                          flags);
}

char *
vxlConnectBaselineHypervisorCPU(virConnectPtr conn, const char *emulator,
                                const char *archStr, const char *machine,
                                const char *virttype, const char **xmlCPUs,
                                unsigned int ncpus, unsigned int flags)
{
    virArch arch;

    virCheckFlags(VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES |
                  VIR_CONNECT_BASELINE_CPU_MIGRATABLE, NULL);
    if (virConnectBaselineHypervisorCPUEnsureACL(conn) < 0)
        return NULL;
    if (vxlHypervisorCPUArch(emulator, archStr, machine, virttype, &arch) < 0)
        return NULL;
    /* Host CPUs, or a domcapabilities host-model CPU (virt-manager turns
     * that <mode> into a <cpu> to see its features expanded). */
    return vxlBaselineCPU(arch, xmlCPUs, ncpus, VIR_CPU_TYPE_AUTO, flags);
}

int
vxlConnectGetCPUModelNames(virConnectPtr conn, const char *archName,
                           char ***models, unsigned int flags)
{
    virArch arch;

    virCheckFlags(0, -1);
    if (virConnectGetCPUModelNamesEnsureACL(conn) < 0)
        return -1;
    if (!(arch = virArchFromString(archName))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot list the CPU models of unknown architecture '%s'"),
                       archName);
        return -1;
    }
    return virCPUGetModels(arch, models);
}
