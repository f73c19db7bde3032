/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_host.c: what the driver's host-level entry points (node info,
 * capabilities, CPU comparison, PCI node devices, daemon start and stop)
 * ask of the hypervisor. The entry points in src/driver reach the
 * backend only through here and the rest of src/domain.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virtxl/backend.h"
#include "backend_fault.h"          /* a test build reads faults from the state dir */
#include "caps.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vxlHostFacts, vxlHostFactsClear);

VIR_LOG_INIT("virtxl.domain_host");

int
vxlDomainHostOpenBackend(vxlDriver *driver, const vxlBackendConfig *bcfg)
{
    vxlBackend *be;

    if (!(be = vxlBackendNew(driver->cfg->backend)))
        return -1;
    vxlBackendFaultSetControlDir(be, driver->cfg->stateDir);
    /* Other drivers live in the same daemon: a host without Xen must
     * not take it down. */
    if (vxlBackendOpen(be, bcfg) < 0) {
        VIR_ERROR("Xen driver backend '%s' unavailable: %s",
                  driver->cfg->backend, virGetLastErrorMessage());
        virErrorPreserveLast(&driver->backendError);
        vxlBackendFree(be);
        return 0;
    }
    VIR_INFO("Xen driver using backend '%s'", driver->cfg->backend);
    driver->backend = be;
    return 0;
}

void
vxlDomainHostCloseBackend(vxlDriver *driver)
{
    if (!driver->backend)
        return;
    vxlBackendClose(driver->backend);
    g_clear_pointer(&driver->backend, vxlBackendFree);
}

bool
vxlDomainHostIsSimulated(vxlDriver *driver)
{
    return driver->backend && STREQ(vxlBackendName(driver->backend), "sim");
}

int
vxlDomainHostGetFacts(vxlDriver *driver, vxlHostFacts *facts)
{
    return vxlBackendHostGetFacts(driver->backend, facts);
}

int
vxlDomainHostGetFreeMemory(vxlDriver *driver, unsigned long long *freeKiB)
{
    return vxlBackendHostGetFreeMemory(driver->backend, freeKiB);
}

int
vxlDomainHostGetCpuTimes(vxlDriver *driver, vxlHostCpuTime **times,
                         size_t *ntimes)
{
    return vxlBackendHostGetCpuTimes(driver->backend, times, ntimes);
}

virBitmap *
vxlDomainHostGetCpus(vxlDriver *driver)
{
    g_auto(vxlHostFacts) facts = { 0 };
    virBitmap *cpus;

    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return NULL;
    cpus = virBitmapNew(facts.nrCpus ? facts.nrCpus : 1);
    virBitmapSetAll(cpus);
    return cpus;
}

virCaps *
vxlDomainHostCapabilities(vxlDriver *driver)
{
    g_auto(vxlHostFacts) facts = { 0 };

    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return NULL;
    return vxlCapsBuildHost(&facts);
}

virDomainCaps *
vxlDomainHostDomainCapabilities(vxlDriver *driver, const char *emulator,
                                const char *arch, const char *machine,
                                const char *virttype)
{
    g_auto(vxlHostFacts) facts = { 0 };

    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return NULL;
    return vxlCapsBuildDomain(&facts, emulator, arch, machine, virttype);
}

int
vxlDomainHostPciList(vxlDriver *driver, vxlHostPci **devs, size_t *ndevs)
{
    return vxlBackendHostPciList(driver->backend, devs, ndevs);
}

int
vxlDomainHostUsbList(vxlDriver *driver, vxlHostUsb **devs, size_t *ndevs)
{
    return vxlBackendHostUsbList(driver->backend, devs, ndevs);
}

int
vxlDomainHostPciAssignable(vxlDriver *driver, const libxl_device_pci *pci,
                           bool assignable, bool rebind)
{
    return vxlBackendHostPciAssignable(driver->backend, pci, assignable,
                                       rebind);
}

int
vxlDomainHostPciReset(vxlDriver *driver, const libxl_device_pci *pci)
{
    return vxlBackendHostPciReset(driver->backend, pci);
}

int
vxlDomainHostNeighbours(vxlDriver *driver, vxlNeighbour **list, size_t *n)
{
    return vxlBackendHostNeighbours(driver->backend, list, n);
}
