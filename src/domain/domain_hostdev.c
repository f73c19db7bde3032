/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_hostdev.c: host PCI devices a stopped domain leaves behind, and
 * those an interrupted hot-plug left half done (domain_recover.c).
 *
 * A managed <hostdev> is the driver's to prepare and to give back: libxl
 * takes it from its host driver at start (seize), and when the domain
 * is gone it goes back to that driver, as libvirt's drivers do. An
 * unmanaged one stays bound to pciback, for whoever prepared it (Nova).
 * A <virtxl:pci name> device is libxl's to look up at start: the live
 * XML shows the address it found, and like xl the driver leaves it in
 * pciback when the domain is gone (seize or not: it was assignable by
 * that name before).
 * A USB host device is named "usb BBB:DDD" (host bus and device) where
 * a PCI one is named by its address; it has no host driver to go back
 * to here (libxl rebinds it when the guest lets it go).
 */
#include "vxl_internal.h"

#include "domain.h"
#include "domain_xmlns.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_hostdev");

void
vxlDomainHostdevsRelease(vxlDriver *driver, const virDomainDef *def)
{
    size_t i;

    if (!driver->backend)
        return;
    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *hostdev = def->hostdevs[i];
        const virPCIDeviceAddress *a = &hostdev->source.subsys.u.pci.addr;
        libxl_device_pci xpci;

        if (hostdev->mode != VIR_DOMAIN_HOSTDEV_MODE_SUBSYS ||
            hostdev->source.subsys.type != VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI ||
            !hostdev->managed)
            continue;
        libxl_device_pci_init(&xpci);
        xpci.domain = a->domain;
        xpci.bus = a->bus;
        xpci.dev = a->slot;
        xpci.func = a->function;
        if (vxlBackendHostPciAssignable(driver->backend, &xpci, false, true) < 0) {
            VIR_WARN("cannot give PCI device %04x:%02x:%02x.%x of domain %s back to the host: %s",
                     a->domain, a->bus, a->slot, a->function, def->name,
                     virGetLastErrorMessage());
            virResetLastError();
        }
        libxl_device_pci_dispose(&xpci);
    }
}

void
vxlDomainPciNamesResolved(virDomainDef *def, const libxl_domain_config *dcfg)
{
    int i;

    /* libxl wrote each name's device into the config it was given
     * (name2bdf fills the entry in), as the simulator does. */
    for (i = 0; i < dcfg->num_pcidevs; i++) {
        const libxl_device_pci *x = &dcfg->pcidevs[i];
        virPCIDeviceAddress addr = {
            .domain = x->domain, .bus = x->bus, .slot = x->dev, .function = x->func,
        };

        if (x->name)
            vxlXMLNSPciNameResolved(def, x->name, &addr);
    }
}

void
vxlDomainPciNamesFromXen(vxlDriver *driver, virDomainDef *def, uint32_t domid)
{
    libxl_device_pci *pcis = NULL;
    size_t npcis = 0;
    size_t i;

    if (!vxlXMLNSPciNamedCount(def))
        return;
    /* libxl keeps each name beside the device in the backend's xenstore
     * entries (name-N), so the holder's list says what it resolved to. */
    if (vxlBackendDomainPciList(driver->backend, domid, &pcis, &npcis) < 0) {
        VIR_WARN("cannot read the PCI devices of domain %s (domid %u): %s",
                 def->name, domid, virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    for (i = 0; i < npcis; i++) {
        virPCIDeviceAddress addr = {
            .domain = pcis[i].domain, .bus = pcis[i].bus,
            .slot = pcis[i].dev, .function = pcis[i].func,
        };

        if (pcis[i].name)
            vxlXMLNSPciNameResolved(def, pcis[i].name, &addr);
        libxl_device_pci_dispose(&pcis[i]);
    }
    g_free(pcis);
}

int
vxlDomainHostdevFindAddr(const virDomainDef *def, const char *addr)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        const virDomainHostdevDef *h = def->hostdevs[i];
        const virPCIDeviceAddress *a = &h->source.subsys.u.pci.addr;
        g_autofree char *have = NULL;

        if (h->mode != VIR_DOMAIN_HOSTDEV_MODE_SUBSYS)
            continue;
        if (h->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB)
            have = g_strdup_printf("usb %03u:%03u", h->source.subsys.u.usb.bus,
                                   h->source.subsys.u.usb.device);
        else if (h->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI)
            have = g_strdup_printf("%04x:%02x:%02x.%x", a->domain, a->bus,
                                   a->slot, a->function);
        else
            continue;
        if (STREQ(have, addr))
            return i;
    }
    return -1;
}

void
vxlDomainHostdevRemoveAt(virDomainDef *def, size_t idx)
{
    virDomainNetDef *net = def->hostdevs[idx]->parentnet;
    size_t i;

    vxlXMLNSForgetPci(def, def->hostdevs[idx]);
    if (!net) {
        virDomainHostdevDefFree(virDomainHostdevRemove(def, idx));
        return;
    }
    /* An SR-IOV VF interface owns its hostdev: the interface goes,
     * taking it out of the hostdevs too. */
    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i] == net) {
            net = virDomainNetRemove(def, i);
            vxlXMLNSForgetNic(def, &net->mac);
            virDomainNetDefFree(net);
            return;
        }
    }
}

/* Drop the host device named @addr from the live definition and save
 * the status. */
static void
vxlDomainHostdevDropLive(vxlDriver *driver, virDomainObj *vm, const char *addr)
{
    int idx;

    if ((idx = vxlDomainHostdevFindAddr(vm->def, addr)) < 0)
        return;
    vxlDomainHostdevRemoveAt(vm->def, idx);
    if (vxlDomainSaveStatus(driver, vm) < 0) {
        VIR_WARN("cannot save the status of domain %s: %s",
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
    }
}

/* vxlDomainHostdevForget for a USB device, "usb BBB:DDD". */
static void
vxlDomainHostdevForgetUsb(vxlDriver *driver, virDomainObj *vm, const char *addr)
{
    unsigned int bus, device;
    int rc;

    if (sscanf(addr, "usb %u:%u", &bus, &device) != 2) {
        VIR_WARN("cannot recover USB device '%s' of domain %s: not a bus and device number",
                 addr, vm->def->name);
        return;
    }
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainUsbRemove(driver->backend, vm->def->id, bus, device);
    vxlDomainBackendExit(vm);
    if (rc < 0 && virGetLastErrorCode() != VIR_ERR_DEVICE_MISSING) {
        /* Still in the guest: the live definition must keep saying so. */
        VIR_WARN("cannot take USB device %s from domain %s: %s", addr,
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
        return;
    }
    virResetLastError();
    vxlDomainHostdevDropLive(driver, vm, addr);
}

void
vxlDomainHostdevForget(vxlDriver *driver, virDomainObj *vm, const char *addr,
                       bool managed)
{
    unsigned int domain, bus, slot, function;
    libxl_device_pci xpci;
    int rc;

    if (STRPREFIX(addr, "usb ")) {
        vxlDomainHostdevForgetUsb(driver, vm, addr);
        return;
    }
    if (sscanf(addr, "%x:%x:%x.%x", &domain, &bus, &slot, &function) != 4) {
        VIR_WARN("cannot recover PCI device '%s' of domain %s: not a PCI address",
                 addr, vm->def->name);
        return;
    }
    libxl_device_pci_init(&xpci);
    xpci.domain = domain;
    xpci.bus = bus;
    xpci.dev = slot;
    xpci.func = function;
    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainPciRemove(driver->backend, vm->def->id, &xpci);
    if (rc < 0 && virGetLastErrorCode() != VIR_ERR_DEVICE_MISSING) {
        /* Still in the guest: the live definition must keep saying so. */
        VIR_WARN("cannot take PCI device %s from domain %s: %s", addr,
                 vm->def->name, virGetLastErrorMessage());
        virResetLastError();
        vxlDomainBackendExit(vm);
        libxl_device_pci_dispose(&xpci);
        return;
    }
    virResetLastError();
    /* An SR-IOV VF gets back the MAC and VLAN it had (nothing kept, or
     * no VF: nothing to do). */
    if (vxlBackendHostNetVFRestore(driver->backend, &xpci) < 0 &&
        virGetLastErrorCode() != VIR_ERR_CONFIG_UNSUPPORTED) {
        VIR_WARN("cannot give SR-IOV VF %s its own MAC address and VLAN back: %s",
                 addr, virGetLastErrorMessage());
    }
    virResetLastError();
    /* Managed: libxl took it from its host driver for the guest (or the
     * kill came before it did, and this changes nothing). */
    if (managed &&
        vxlBackendHostPciAssignable(driver->backend, &xpci, false, true) < 0) {
        VIR_WARN("cannot give PCI device %s back to the host: %s", addr,
                 virGetLastErrorMessage());
        virResetLastError();
    }
    vxlDomainBackendExit(vm);
    libxl_device_pci_dispose(&xpci);
    vxlDomainHostdevDropLive(driver, vm, addr);
}
