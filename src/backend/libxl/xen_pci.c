/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_pci.c: host PCI devices for guests, through libxl (xl
 * pci-assignable-add, pci-assignable-remove, pci-attach, pci-detach).
 *
 * libxl binds a device to pciback (assignable_add) and back to its own
 * driver (assignable_remove with rebind), and hot-plugs it into a guest
 * (pci_add; with seize it binds it first). It does not say which domain
 * has a device, so each hook asks every domain's device list first and
 * refuses as the simulator does: a device a domain has is neither given
 * back to the host nor reset, nor given to a second domain.
 */
#include "vxl_internal.h"

#include <fcntl.h>

#include "xen_priv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_pci");

static bool
vxlXenPciSame(const libxl_device_pci *a, const libxl_device_pci *b)
{
    return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev &&
           a->func == b->func;
}

static char *
vxlXenPciAddr(const libxl_device_pci *pci)
{
    return g_strdup_printf("%04x:%02x:%02x.%x", pci->domain, pci->bus,
                           pci->dev, pci->func);
}

int
vxlXenPciCheckNames(vxlXen *xen, const libxl_domain_config *dcfg)
{
    libxl_device_pci *list = NULL;
    int n = 0;
    int ret = 0;
    int i, j;

    for (i = 0; i < dcfg->num_pcidevs && ret == 0; i++) {
        const char *name = dcfg->pcidevs[i].name;
        bool found = false;

        if (!name)
            continue;
        /* libxl resolves the name at create (name2bdf) and fails it with
         * no more than a log line when it is unknown: look first, among
         * the assignable devices and their names, to say why. */
        if (!list)
            list = libxl_device_pci_assignable_list(xen->ctx, &n);
        for (j = 0; j < n && !found; j++)
            found = STREQ_NULLABLE(list[j].name, name);
        if (!found)
            ret = vxlBackendPciNameUnknown(dcfg->c_info.name, name);
    }
    if (list)
        libxl_device_pci_assignable_list_free(list, n);
    return ret;
}

uint32_t
vxlXenPciOwner(vxlXen *xen, const libxl_device_pci *pci)
{
    libxl_dominfo *doms;
    int ndoms = 0;
    uint32_t owner = 0;
    int i;

    if (!(doms = libxl_list_domain(xen->ctx, &ndoms)))
        return 0;
    for (i = 0; i < ndoms && !owner; i++) {
        libxl_device_pci *list;
        int n = 0;
        int j;

        if (doms[i].domid == 0)
            continue;
        list = libxl_device_pci_list(xen->ctx, doms[i].domid, &n);
        for (j = 0; j < n; j++) {
            if (vxlXenPciSame(&list[j], pci))
                owner = doms[i].domid;
        }
        libxl_device_pci_list_free(list, n);
    }
    libxl_dominfo_list_free(doms, ndoms);
    return owner;
}

/* What is refused for a device a domain has. */
typedef enum {
    VXL_XEN_PCI_GIVE_BACK,
    VXL_XEN_PCI_RESET,
    VXL_XEN_PCI_ASSIGN,
} vxlXenPciUse;

static int
vxlXenPciCheckFree(vxlXen *xen, const libxl_device_pci *pci, uint32_t self,
                   vxlXenPciUse use)
{
    static const char *const msgs[] = {
        [VXL_XEN_PCI_GIVE_BACK] = N_("cannot give PCI device %s back to the host: domain '%s' (id %u) has it"),
        [VXL_XEN_PCI_RESET] = N_("cannot reset PCI device %s: domain '%s' (id %u) has it"),
        [VXL_XEN_PCI_ASSIGN] = N_("cannot assign PCI device %s: domain '%s' (id %u) has it"),
    };
    uint32_t owner = vxlXenPciOwner(xen, pci);
    g_autofree char *addr = NULL;
    g_autofree char *name = NULL;

    if (!owner || owner == self)
        return 0;
    addr = vxlXenPciAddr(pci);
    name = libxl_domid_to_name(xen->ctx, owner);
    virReportError(VIR_ERR_OPERATION_INVALID, _(msgs[use]),
                   addr, NULLSTR(name), owner);
    return -1;
}

int
vxlXenPciCheckExists(const libxl_device_pci *pci)
{
    g_autofree char *addr = vxlXenPciAddr(pci);
    g_autofree char *path = g_strdup_printf("/sys/bus/pci/devices/%s", addr);

    if (virFileExists(path))
        return 0;
    virReportError(VIR_ERR_NO_NODE_DEVICE,
                   _("this host has no PCI device at %s"), addr);
    return -1;
}

int
vxlXenHostPciAssignable(vxlBackend *be, const libxl_device_pci *pci,
                        bool assignable, bool rebind)
{
    vxlXen *xen = be->priv;
    libxl_device_pci copy;
    g_autofree char *addr = vxlXenPciAddr(pci);
    int rc;

    if (vxlXenPciCheckExists(pci) < 0)
        return -1;
    if (assignable) {
        libxl_physinfo phys;
        bool iommu;

        libxl_physinfo_init(&phys);
        if (libxl_get_physinfo(xen->ctx, &phys) != 0) {
            libxl_physinfo_dispose(&phys);
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("cannot make PCI device %s assignable: libxl cannot read the host's capabilities"),
                           addr);
            return -1;
        }
        iommu = phys.cap_hvm_directio;
        libxl_physinfo_dispose(&phys);
        if (vxlBackendPciAssignableCheck(addr, iommu) < 0)
            return -1;
    }
    if (!assignable &&
        vxlXenPciCheckFree(xen, pci, 0, VXL_XEN_PCI_GIVE_BACK) < 0)
        return -1;
    libxl_device_pci_init(&copy);
    libxl_device_pci_copy(xen->ctx, &copy, pci);
    vxlXenLogResetLastError();
    rc = assignable ? libxl_device_pci_assignable_add(xen->ctx, &copy, 1) :
                      libxl_device_pci_assignable_remove(xen->ctx, &copy, rebind);
    libxl_device_pci_dispose(&copy);
    if (rc != 0) {
        g_autofree char *what = assignable ?
            g_strdup_printf(_("cannot make PCI device %s assignable"), addr) :
            g_strdup_printf(_("cannot give PCI device %s back to the host"), addr);

        vxlXenReportError(rc, what);
        return -1;
    }
    return 0;
}

/* libxl has no reset of its own to offer: the kernel's, through the
 * device's sysfs reset node (function level reset or the bus's). */
int
vxlXenHostPciReset(vxlBackend *be, const libxl_device_pci *pci)
{
    vxlXen *xen = be->priv;
    g_autofree char *addr = vxlXenPciAddr(pci);
    g_autofree char *path = g_strdup_printf("/sys/bus/pci/devices/%s/reset", addr);

    if (vxlXenPciCheckExists(pci) < 0 ||
        vxlXenPciCheckFree(xen, pci, 0, VXL_XEN_PCI_RESET) < 0)
        return -1;
    if (virFileWriteStr(path, "1", 0) < 0) {
        virReportSystemError(errno, _("cannot reset PCI device %s"), addr);
        return -1;
    }
    return 0;
}

int
vxlXenDomainPciAdd(vxlBackend *be, uint32_t domid, libxl_device_pci *pci)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    g_autofree char *addr = vxlXenPciAddr(pci);
    g_autofree char *verb = NULL;
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_PCI_ADD) < 0 ||
        vxlXenPciCheckExists(pci) < 0)
        return -1;
    if (vxlXenPciOwner(xen, pci) == domid) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' (id %u) has PCI device %s already"),
                       dom.name, domid, addr);
        return -1;
    }
    if (vxlXenPciCheckFree(xen, pci, domid, VXL_XEN_PCI_ASSIGN) < 0)
        return -1;

    verb = g_strdup_printf(_("cannot add PCI device %s to domain '%s' (id %u)"),
                           addr, dom.name, domid);
    vxlXenLogResetLastError();
    rc = vxlXenAoWait(&ao, libxl_device_pci_add(xen->ctx, domid, pci,
                                                vxlXenAoInit(&ao)));
    if (rc != 0) {
        vxlXenReportError(rc, verb);
        return -1;
    }
    return 0;
}

int
vxlXenDomainPciRemove(vxlBackend *be, uint32_t domid,
                      const libxl_device_pci *pci)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    g_autofree char *addr = vxlXenPciAddr(pci);
    g_autofree char *verb = NULL;
    libxl_device_pci copy;
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_PCI_REMOVE) < 0)
        return -1;
    if (vxlXenPciOwner(xen, pci) != domid) {
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no PCI device %s"),
                       dom.name, domid, addr);
        return -1;
    }
    verb = g_strdup_printf(_("cannot remove PCI device %s from domain '%s' (id %u)"),
                           addr, dom.name, domid);
    libxl_device_pci_init(&copy);
    libxl_device_pci_copy(xen->ctx, &copy, pci);
    vxlXenLogResetLastError();
    rc = vxlXenAoWait(&ao, libxl_device_pci_remove(xen->ctx, domid, &copy,
                                                   vxlXenAoInit(&ao)));
    libxl_device_pci_dispose(&copy);
    if (rc != 0) {
        vxlXenReportError(rc, verb);
        return -1;
    }
    return 0;
}

int
vxlXenDomainPciList(vxlBackend *be, uint32_t domid, libxl_device_pci **pcis,
                    size_t *npcis)
{
    vxlXen *xen = be->priv;
    g_auto(vxlXenDom) dom = { 0 };
    libxl_device_pci *list;
    int n = 0;
    int i;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    /* The backend's xenstore entries: dev-N, vdevfn-N, name-N. */
    if (!(list = libxl_device_pci_list(xen->ctx, domid, &n)) || n <= 0)
        return 0;
    *pcis = g_new0(libxl_device_pci, n);
    for (i = 0; i < n; i++) {
        libxl_device_pci_init(&(*pcis)[i]);
        libxl_device_pci_copy(xen->ctx, &(*pcis)[i], &list[i]);
    }
    *npcis = n;
    libxl_device_pci_list_free(list, n);
    return 0;
}
