/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_pci.c: the simulated host's PCI devices, their driver binding and
 * their assignment to domains (xl pci-assignable-add/-remove/-list,
 * pci-attach, pci-detach).
 *
 * The devices come from the host profile's optional "pci" list, each
 * with the host driver it is bound to at boot ("pciback" for one dom0
 * hides from the start). Binding changes are the model's, saved with
 * the host's own state (host.json). Which domain has a device is read
 * from the domains' stored libxl configs (their pcidevs), as libxl reads
 * it from xenstore, so a device a domain was built or hot-plugged with is
 * its until removed or until the domain is gone.
 *
 * A device may carry a pci-assignable name (the profile's "name", as
 * `xl pci-assignable-add -n` gives one): while it is bound to pciback a
 * domain's pcidevs entry may name it so, and the create resolves the
 * name to the device's address, as libxl's name2bdf does from xenstore.
 * Given back to the host, the device loses its name, as libxl removes
 * it then.
 *
 * Rules, as Xen and libxl apply them: a device can be given to a guest
 * only through an IOMMU, only while bound to pciback (or seized into it
 * by the add), and to one domain at a time; a device a domain has
 * cannot leave pciback or be reset.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "domain_xmlns.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_pci");

#define VXL_SIM_PCIBACK "pciback"

void
vxlSimPciFree(vxlSimPci *pci)
{
    if (!pci)
        return;
    g_free(pci->vendorName);
    g_free(pci->productName);
    g_free(pci->hostDriver);
    g_free(pci->driver);
    g_free(pci->netdev);
    g_free(pci->physfn);
    g_free(pci->name);
    g_free(pci);
}

char *
vxlSimPciAddrFormat(unsigned int domain, unsigned int bus, unsigned int slot,
                    unsigned int function)
{
    return g_strdup_printf("%04x:%02x:%02x.%x", domain, bus, slot, function);
}

static int
vxlSimPciAddrParse(const char *s, unsigned int *domain, unsigned int *bus,
                   unsigned int *slot, unsigned int *function)
{
    char tail;

    if (sscanf(s, "%x:%x:%x.%x%c", domain, bus, slot, function, &tail) != 4 ||
        *domain > 0xffff || *bus > 0xff || *slot > 0x1f || *function > 7)
        return -1;
    return 0;
}

int
vxlSimPciProfileFail(const char *file, size_t i, const char *field)
{
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("host profile %s: pci[%zu].%s is missing or wrong (see docs/host-profiles.md)"),
                   file, i, field);
    return -1;
}

static int
vxlSimPciHex(virJSONValue *obj, const char *key, unsigned int *out)
{
    const char *s = virJSONValueObjectGetString(obj, key);
    char *end = NULL;
    unsigned long v;

    if (!s)
        return -1;
    errno = 0;
    v = strtoul(s, &end, 16);
    if (errno || end == s || *end || v > UINT_MAX)
        return -1;
    *out = v;
    return 0;
}

static vxlSimPci *vxlSimPciFindName(vxlSim *sim, const char *name);

/* Read the profile's "pci" list (none: a host without devices to give). */
int
vxlSimPciLoad(vxlSim *sim, virJSONValue *root)
{
    virJSONValue *list;
    size_t i;

    sim->pci = g_ptr_array_new_with_free_func((GDestroyNotify)vxlSimPciFree);
    if (!(list = virJSONValueObjectGet(root, "pci")))
        return 0;
    if (!virJSONValueIsArray(list))
        return vxlSimPciProfileFail(sim->profilePath, 0, "(list)");

    for (i = 0; i < virJSONValueArraySize(list); i++) {
        virJSONValue *o = virJSONValueArrayGet(list, i);
        g_autoptr(vxlSimPci) pci = g_new0(vxlSimPci, 1);
        const char *addr = virJSONValueObjectGetString(o, "address");
        const char *driver = virJSONValueObjectGetString(o, "driver");
        int group = -1;

        if (!addr || vxlSimPciAddrParse(addr, &pci->domain, &pci->bus,
                                        &pci->slot, &pci->function) < 0)
            return vxlSimPciProfileFail(sim->profilePath, i, "address");
        if (vxlSimPciHex(o, "vendor", &pci->vendor) < 0)
            return vxlSimPciProfileFail(sim->profilePath, i, "vendor");
        if (vxlSimPciHex(o, "product", &pci->product) < 0)
            return vxlSimPciProfileFail(sim->profilePath, i, "product");
        if (vxlSimPciHex(o, "class", &pci->pciClass) < 0)
            return vxlSimPciProfileFail(sim->profilePath, i, "class");
        if (virJSONValueObjectHasKey(o, "iommuGroup") &&
            virJSONValueObjectGetNumberInt(o, "iommuGroup", &group) < 0)
            return vxlSimPciProfileFail(sim->profilePath, i, "iommuGroup");
        if (vxlSimPciFind(sim, pci->domain, pci->bus, pci->slot, pci->function))
            return vxlSimPciProfileFail(sim->profilePath, i, "address (twice)");
        pci->iommuGroup = group;
        pci->name = g_strdup(virJSONValueObjectGetString(o, "name"));
        if (virJSONValueObjectHasKey(o, "name") &&
            (!pci->name || !vxlXMLNSPciNameValid(pci->name) ||
             vxlSimPciFindName(sim, pci->name)))
            return vxlSimPciProfileFail(sim->profilePath, i, "name");
        pci->vendorName = g_strdup(virJSONValueObjectGetString(o, "vendorName"));
        pci->productName = g_strdup(virJSONValueObjectGetString(o, "productName"));
        /* The driver it goes back to when dom0 gives it up. */
        pci->hostDriver = g_strdup(driver && STRNEQ(driver, VXL_SIM_PCIBACK) ?
                                   driver : NULL);
        pci->driver = g_strdup(driver);
        g_ptr_array_add(sim->pci, g_steal_pointer(&pci));
    }
    /* A VF names its PF, which may come later in the list. */
    for (i = 0; i < virJSONValueArraySize(list); i++) {
        if (vxlSimSriovLoad(sim, i, virJSONValueArrayGet(list, i),
                            g_ptr_array_index(sim->pci, i)) < 0)
            return -1;
    }
    return 0;
}

vxlSimPci *
vxlSimPciFind(vxlSim *sim, unsigned int domain, unsigned int bus,
              unsigned int slot, unsigned int function)
{
    size_t i;

    for (i = 0; sim->pci && i < sim->pci->len; i++) {
        vxlSimPci *p = g_ptr_array_index(sim->pci, i);

        if (p->domain == domain && p->bus == bus && p->slot == slot &&
            p->function == function)
            return p;
    }
    return NULL;
}

/* The device whose pci-assignable name is @name, bound or not; NULL. */
static vxlSimPci *
vxlSimPciFindName(vxlSim *sim, const char *name)
{
    size_t i;

    for (i = 0; sim->pci && i < sim->pci->len; i++) {
        vxlSimPci *p = g_ptr_array_index(sim->pci, i);

        if (STREQ_NULLABLE(p->name, name))
            return p;
    }
    return NULL;
}

vxlSimPci *
vxlSimPciLookup(vxlSim *sim, const libxl_device_pci *x)
{
    vxlSimPci *p = vxlSimPciFind(sim, x->domain, x->bus, x->dev, x->func);

    if (!p) {
        g_autofree char *addr = vxlSimPciAddrFormat(x->domain, x->bus, x->dev,
                                                    x->func);

        virReportError(VIR_ERR_NO_NODE_DEVICE,
                       _("the simulated host has no PCI device at %s"), addr);
    }
    return p;
}

static bool
vxlSimPciIsBackend(const vxlSimPci *p)
{
    return STREQ_NULLABLE(p->driver, VXL_SIM_PCIBACK);
}

/* Which of @dom's config pcidevs is @p: its index, or -1. */
static int
vxlSimPciIndexIn(const vxlSimDomain *dom, const vxlSimPci *p)
{
    virJSONValue *list;
    size_t i;

    if (!dom->config || !(list = virJSONValueObjectGetArray(dom->config, "pcidevs")))
        return -1;
    for (i = 0; i < virJSONValueArraySize(list); i++) {
        virJSONValue *o = virJSONValueArrayGet(list, i);
        unsigned int d = 0, b = 0, s = 0, f = 0;

        /* libxl's JSON leaves zero numbers out. */
        ignore_value(virJSONValueObjectGetNumberUint(o, "domain", &d));
        ignore_value(virJSONValueObjectGetNumberUint(o, "bus", &b));
        ignore_value(virJSONValueObjectGetNumberUint(o, "dev", &s));
        ignore_value(virJSONValueObjectGetNumberUint(o, "func", &f));
        if (d == p->domain && b == p->bus && s == p->slot && f == p->function)
            return i;
    }
    return -1;
}

vxlSimDomain *
vxlSimPciOwner(vxlSim *sim, const vxlSimPci *p)
{
    GHashTableIter it;
    vxlSimDomain *dom;

    g_hash_table_iter_init(&it, sim->domains);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
        if (vxlSimPciIndexIn(dom, p) >= 0)
            return dom;
    }
    return NULL;
}

/* What is refused for a device a domain has. */
typedef enum {
    VXL_SIM_PCI_GIVE_BACK,
    VXL_SIM_PCI_RESET,
    VXL_SIM_PCI_ASSIGN,
} vxlSimPciUse;

static int
vxlSimPciCheckFree(vxlSim *sim, const vxlSimPci *p, const vxlSimDomain *self,
                   vxlSimPciUse use)
{
    static const char *const msgs[] = {
        [VXL_SIM_PCI_GIVE_BACK] = N_("cannot give PCI device %s back to the host: domain '%s' (id %u) has it"),
        [VXL_SIM_PCI_RESET] = N_("cannot reset PCI device %s: domain '%s' (id %u) has it"),
        [VXL_SIM_PCI_ASSIGN] = N_("cannot assign PCI device %s: domain '%s' (id %u) has it"),
    };
    vxlSimDomain *owner = vxlSimPciOwner(sim, p);
    g_autofree char *addr = NULL;

    if (!owner || owner == self)
        return 0;
    addr = vxlSimPciAddrFormat(p->domain, p->bus, p->slot, p->function);
    virReportError(VIR_ERR_OPERATION_INVALID, _(msgs[use]),
                   addr, owner->name, owner->domid);
    return -1;
}

/* Whether @p may go to a guest (@seize: libxl may bind it to pciback). */
static int
vxlSimPciCheckAssign(vxlSim *sim, vxlSimPci *p, const vxlSimDomain *dom,
                     bool seize)
{
    g_autofree char *addr = vxlSimPciAddrFormat(p->domain, p->bus, p->slot,
                                                p->function);

    if (!sim->facts.iommu) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot give PCI device %s to domain '%s': PCI passthrough needs an IOMMU (VT-d or AMD-Vi), and this host has none enabled"),
                       addr, dom->name);
        return -1;
    }
    if (vxlSimPciCheckFree(sim, p, dom, VXL_SIM_PCI_ASSIGN) < 0)
        return -1;
    if (!seize && !vxlSimPciIsBackend(p)) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot give PCI device %s to domain '%s': it is not assignable (bound to %s, not pciback); detach it from the host first (virsh nodedev-detach) or make the hostdev managed"),
                       addr, dom->name, NULLSTR_MINUS(p->driver));
        return -1;
    }
    return 0;
}

/* libxl's name2bdf: the entry @i of @dcfg naming a device by its
 * pci-assignable name gets that device's address, in @dcfg and in the
 * domain's stored config. */
static int
vxlSimPciResolveName(vxlSim *sim, vxlSimDomain *dom, libxl_domain_config *dcfg,
                     int i)
{
    libxl_device_pci *x = &dcfg->pcidevs[i];
    vxlSimPci *p = vxlSimPciFindName(sim, x->name);
    vxlSimDomain *owner = NULL;
    virJSONValue *list;
    virJSONValue *entry;

    /* The name is in xenstore only while pci-assignable-add has the
     * device in pciback; one another domain has is not assignable (as
     * libxl_device_pci_assignable_list, which the Xen backend asks). */
    if (!p || !vxlSimPciIsBackend(p) ||
        ((owner = vxlSimPciOwner(sim, p)) && owner != dom))
        return vxlBackendPciNameUnknown(dom->name, x->name);
    x->domain = p->domain;
    x->bus = p->bus;
    x->dev = p->slot;
    x->func = p->function;
    if (dom->config &&
        (list = virJSONValueObjectGetArray(dom->config, "pcidevs")) &&
        (entry = virJSONValueArrayGet(list, i))) {
        /* libxl's JSON leaves zero numbers out. */
        if (p->domain)
            virJSONValueObjectAppendNumberUint(entry, "domain", p->domain);
        if (p->bus)
            virJSONValueObjectAppendNumberUint(entry, "bus", p->bus);
        if (p->slot)
            virJSONValueObjectAppendNumberUint(entry, "dev", p->slot);
        if (p->function)
            virJSONValueObjectAppendNumberUint(entry, "func", p->function);
    }
    return 0;
}

int
vxlSimPciResolveNames(vxlSim *sim, vxlSimDomain *dom, libxl_domain_config *dcfg)
{
    int i;

    for (i = 0; i < dcfg->num_pcidevs; i++) {
        if (dcfg->pcidevs[i].name &&
            vxlSimPciResolveName(sim, dom, dcfg, i) < 0)
            return -1;
    }
    return 0;
}

int
vxlSimPciClaim(vxlSim *sim, vxlSimDomain *dom, libxl_domain_config *dcfg)
{
    int i;

    /* Every check first, then the seizes: a refusal binds nothing. The
     * names are resolved (vxlSimPciResolveNames). */
    /* Xen assigns PCI devices only through an IOMMU: without one the
     * toolstack's assignment fails and the create with it. */
    if (dcfg->num_pcidevs > 0 && !sim->facts.iommu) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot start domain '%s': PCI passthrough needs an IOMMU (VT-d or AMD-Vi), and this host has none enabled"),
                       dom->name);
        return -1;
    }
    for (i = 0; i < dcfg->num_pcidevs; i++) {
        const libxl_device_pci *x = &dcfg->pcidevs[i];
        vxlSimPci *p;

        if (!(p = vxlSimPciLookup(sim, x)) ||
            vxlSimPciCheckAssign(sim, p, dom, x->seize) < 0)
            return -1;
    }
    for (i = 0; i < dcfg->num_pcidevs; i++) {
        vxlSimPci *p = vxlSimPciLookup(sim, &dcfg->pcidevs[i]);

        g_free(p->driver);
        p->driver = g_strdup(VXL_SIM_PCIBACK);
        sim->hostDirty = true;
    }
    return 0;
}

int
vxlSimHostPciList(vxlBackend *be, vxlHostPci **devs, size_t *ndevs)
{
    vxlSim *sim = vxlSimGet(be);
    size_t i;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimCatchUp(sim, g_get_monotonic_time());
        *ndevs = sim->pci->len;
        *devs = g_new0(vxlHostPci, *ndevs);
        for (i = 0; i < sim->pci->len; i++) {
            vxlSimPci *p = g_ptr_array_index(sim->pci, i);
            vxlHostPci *d = &(*devs)[i];
            vxlSimDomain *owner = vxlSimPciOwner(sim, p);

            d->domain = p->domain;
            d->bus = p->bus;
            d->slot = p->slot;
            d->function = p->function;
            d->vendor = p->vendor;
            d->product = p->product;
            d->pciClass = p->pciClass;
            d->vendorName = g_strdup(p->vendorName);
            d->productName = g_strdup(p->productName);
            d->driver = g_strdup(p->driver);
            d->iommuGroup = p->iommuGroup;
            d->physfn = g_strdup(p->physfn);
            d->vfs = vxlSimSriovListVFs(sim, p);
            d->domid = owner && !owner->building ? owner->domid : 0;
        }
    }
    return 0;
}

int
vxlSimHostPciAssignable(vxlBackend *be, const libxl_device_pci *x,
                        bool assignable, bool rebind)
{
    vxlSim *sim = vxlSimGet(be);
    g_auto(vxlSimSnapshot) snap = { 0 };

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimPci *p;

        vxlSimCatchUp(sim, g_get_monotonic_time());
        if (!(p = vxlSimPciLookup(sim, x)))
            return -1;
        if (assignable) {
            g_autofree char *addr = vxlSimPciAddrFormat(x->domain, x->bus,
                                                        x->dev, x->func);

            if (vxlBackendPciAssignableCheck(addr, sim->facts.iommu) < 0)
                return -1;
            if (vxlSimPciIsBackend(p))
                return 0;
            g_free(p->driver);
            p->driver = g_strdup(VXL_SIM_PCIBACK);
        } else {
            if (vxlSimPciCheckFree(sim, p, NULL,
                                   VXL_SIM_PCI_GIVE_BACK) < 0)
                return -1;
            if (!vxlSimPciIsBackend(p))
                return 0;
            g_free(p->driver);
            p->driver = rebind ? g_strdup(p->hostDriver) : NULL;
            /* libxl removes the name with the device from pciback. */
            if (p->name) {
                g_clear_pointer(&p->name, g_free);
                p->unnamed = true;
            }
        }
        sim->hostDirty = true;
        vxlSimSnapshotTake(sim, &snap, NULL);
    }
    vxlSimSave(sim, &snap);
    return 0;
}

int
vxlSimHostPciReset(vxlBackend *be, const libxl_device_pci *x)
{
    vxlSim *sim = vxlSimGet(be);

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimPci *p;

        vxlSimCatchUp(sim, g_get_monotonic_time());
        if (!(p = vxlSimPciLookup(sim, x)) ||
            vxlSimPciCheckFree(sim, p, NULL, VXL_SIM_PCI_RESET) < 0)
            return -1;
        /* Kept in memory only: a reset leaves nothing to save. */
        p->resets++;
    }
    return 0;
}

/* The config's "pcidevs" array of @dom, created when absent. */
static virJSONValue *
vxlSimPciConfigList(vxlSimDomain *dom)
{
    virJSONValue *list;

    if (!dom->config)
        return NULL;
    if (!(list = virJSONValueObjectGetArray(dom->config, "pcidevs"))) {
        g_autoptr(virJSONValue) empty = virJSONValueNewArray();

        ignore_value(virJSONValueObjectRemoveKey(dom->config, "pcidevs", NULL));
        if (virJSONValueObjectAppend(dom->config, "pcidevs", &empty) < 0)
            return NULL;
        list = virJSONValueObjectGetArray(dom->config, "pcidevs");
    }
    return list;
}

static int
vxlSimPciAddAct(vxlSim *sim, vxlSimDomain *dom, long long now G_GNUC_UNUSED,
                void *opaque)
{
    libxl_device_pci *x = opaque;
    vxlSimPci *p;
    virJSONValue *list;
    g_autoptr(virJSONValue) entry = virJSONValueNewObject();

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_PCI_ADD) < 0 ||
        !(p = vxlSimPciLookup(sim, x)))
        return -1;
    if (vxlSimPciIndexIn(dom, p) >= 0) {
        g_autofree char *addr = vxlSimPciAddrFormat(p->domain, p->bus,
                                                    p->slot, p->function);

        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' (id %u) has PCI device %s already"),
                       dom->name, dom->domid, addr);
        return -1;
    }
    if (vxlSimPciCheckAssign(sim, p, dom, x->seize) < 0)
        return -1;
    if (!(list = vxlSimPciConfigList(dom)))
        return -1;
    virJSONValueObjectAppendNumberUint(entry, "domain", p->domain);
    virJSONValueObjectAppendNumberUint(entry, "bus", p->bus);
    virJSONValueObjectAppendNumberUint(entry, "dev", p->slot);
    virJSONValueObjectAppendNumberUint(entry, "func", p->function);
    if (x->seize)
        virJSONValueObjectAppendBoolean(entry, "seize", true);
    if (virJSONValueArrayAppend(list, &entry) < 0)
        return -1;
    g_free(p->driver);
    p->driver = g_strdup(VXL_SIM_PCIBACK);
    sim->hostDirty = true;
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainPciAdd(vxlBackend *be, uint32_t domid, libxl_device_pci *x)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimPciAddAct, x);
}

static int
vxlSimPciRemoveAct(vxlSim *sim, vxlSimDomain *dom, long long now G_GNUC_UNUSED,
                   void *opaque)
{
    const libxl_device_pci *x = opaque;
    vxlSimPci *p;
    virJSONValue *list;
    g_autoptr(virJSONValue) gone = NULL;
    int idx;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_PCI_REMOVE) < 0 ||
        !(p = vxlSimPciLookup(sim, x)))
        return -1;
    if ((idx = vxlSimPciIndexIn(dom, p)) < 0) {
        g_autofree char *addr = vxlSimPciAddrFormat(p->domain, p->bus,
                                                    p->slot, p->function);

        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no PCI device %s"),
                       dom->name, dom->domid, addr);
        return -1;
    }
    list = virJSONValueObjectGetArray(dom->config, "pcidevs");
    gone = virJSONValueArraySteal(list, idx);
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainPciRemove(vxlBackend *be, uint32_t domid, const libxl_device_pci *x)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimPciRemoveAct,
                            (void *)x);
}

/* For the state file: each device's binding now. */
virJSONValue *
vxlSimPciFormatState(vxlSim *sim)
{
    g_autoptr(virJSONValue) list = virJSONValueNewArray();
    size_t i;

    for (i = 0; sim->pci && i < sim->pci->len; i++) {
        vxlSimPci *p = g_ptr_array_index(sim->pci, i);
        g_autoptr(virJSONValue) o = virJSONValueNewObject();
        g_autofree char *addr = vxlSimPciAddrFormat(p->domain, p->bus, p->slot,
                                                    p->function);

        virJSONValueObjectAppendString(o, "address", addr);
        if (p->driver)
            virJSONValueObjectAppendString(o, "driver", p->driver);
        /* null: the profile's name is gone, the device given back. */
        if (p->unnamed)
            virJSONValueObjectAppendNull(o, "name");
        vxlSimSriovFormatState(p, o);
        if (virJSONValueArrayAppend(list, &o) < 0)
            return NULL;
    }
    return g_steal_pointer(&list);
}

/* Bindings from a state file; devices the profile no longer has are
 * forgotten (the state may come from another profile). */
void
vxlSimPciParseState(vxlSim *sim, virJSONValue *list)
{
    size_t i;

    if (!list || !virJSONValueIsArray(list))
        return;
    for (i = 0; i < virJSONValueArraySize(list); i++) {
        virJSONValue *o = virJSONValueArrayGet(list, i);
        const char *addr = virJSONValueObjectGetString(o, "address");
        unsigned int d, b, s, f;
        vxlSimPci *p;

        if (!addr || vxlSimPciAddrParse(addr, &d, &b, &s, &f) < 0 ||
            !(p = vxlSimPciFind(sim, d, b, s, f)))
            continue;
        g_free(p->driver);
        p->driver = g_strdup(virJSONValueObjectGetString(o, "driver"));
        if (virJSONValueObjectHasKey(o, "name")) {
            g_clear_pointer(&p->name, g_free);
            p->unnamed = true;
        }
        vxlSimSriovParseState(p, o);
    }
}

typedef struct {
    libxl_device_pci *pcis;
    size_t npcis;
} vxlSimPciListing;

/* What xenstore's backend entries would say: the stored config's
 * pcidevs, each with the address a name resolved to at create. */
static int
vxlSimPciListAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                 long long now G_GNUC_UNUSED, void *opaque)
{
    vxlSimPciListing *out = opaque;
    virJSONValue *list;
    size_t n;
    size_t i;

    if (!dom->config || !(list = virJSONValueObjectGetArray(dom->config, "pcidevs")) ||
        !(n = virJSONValueArraySize(list)))
        return VXL_SIM_ACT_UNCHANGED;
    out->pcis = g_new0(libxl_device_pci, n);
    for (i = 0; i < n; i++) {
        virJSONValue *o = virJSONValueArrayGet(list, i);
        libxl_device_pci *x = &out->pcis[i];
        const char *name = virJSONValueObjectGetString(o, "name");

        unsigned int d = 0, b = 0, sl = 0, f = 0, vdevfn = 0;

        libxl_device_pci_init(x);
        /* libxl's JSON leaves zero numbers out. */
        ignore_value(virJSONValueObjectGetNumberUint(o, "domain", &d));
        ignore_value(virJSONValueObjectGetNumberUint(o, "bus", &b));
        ignore_value(virJSONValueObjectGetNumberUint(o, "dev", &sl));
        ignore_value(virJSONValueObjectGetNumberUint(o, "func", &f));
        ignore_value(virJSONValueObjectGetNumberUint(o, "vdevfn", &vdevfn));
        x->domain = d;
        x->bus = b;
        x->dev = sl;
        x->func = f;
        x->vdevfn = vdevfn;
        x->name = g_strdup(name);
    }
    out->npcis = n;
    return VXL_SIM_ACT_UNCHANGED;
}

int
vxlSimDomainPciList(vxlBackend *be, uint32_t domid, libxl_device_pci **pcis,
                    size_t *npcis)
{
    vxlSimPciListing out = { 0 };

    if (vxlSimWithDomain(vxlSimGet(be), domid, vxlSimPciListAct, &out) < 0)
        return -1;
    *pcis = out.pcis;
    *npcis = out.npcis;
    return 0;
}
