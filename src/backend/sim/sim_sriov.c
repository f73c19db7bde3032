/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_sriov.c: the simulated host's SR-IOV NICs: which PCI functions are
 * virtual functions of which physical one, and the MAC and VLAN tag each
 * VF has, which only its PF sets (ip link set PF vf N mac M vlan V).
 *
 * A PF is a "pci" entry of the host profile with "netdev" (its network
 * device); a VF one with "physfn" (its PF's address), "vf" (its index on
 * the PF) and optionally the "mac" and "vlan" it has at boot
 * (docs/host-profiles.md). As on a real host, the PF's driver keeps a
 * VF's MAC and VLAN whatever the VF is bound to, so they are the host's
 * state (host.json), not a domain's.
 *
 * hostNetVFSet keeps what a VF had before the first set, and
 * hostNetVFRestore puts it back: the way libvirt saves and restores a
 * VF's config around a guest (virNetDevSaveNetConfig). A VF a domain has
 * (in its config's pcidevs) is its guest's: its MAC is not changed.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_sriov");

/* IEEE 802.1Q: 12 bits, 4095 reserved. */
#define VXL_SIM_VLAN_MAX 4094

static int
vxlSimSriovFindPF(vxlSim *sim, const char *addr, vxlSimPci **pf)
{
    size_t i;

    for (i = 0; i < sim->pci->len; i++) {
        vxlSimPci *p = g_ptr_array_index(sim->pci, i);
        g_autofree char *have = vxlSimPciAddrFormat(p->domain, p->bus,
                                                    p->slot, p->function);

        if (STRCASEEQ(have, addr)) {
            *pf = p;
            return 0;
        }
    }
    return -1;
}

int
vxlSimSriovLoad(vxlSim *sim, size_t i, virJSONValue *o, vxlSimPci *p)
{
    const char *netdev = virJSONValueObjectGetString(o, "netdev");
    const char *physfn = virJSONValueObjectGetString(o, "physfn");
    const char *mac = virJSONValueObjectGetString(o, "mac");
    vxlSimPci *pf = NULL;
    size_t j;

    if (virJSONValueObjectHasKey(o, "netdev") && (!netdev || !*netdev))
        return vxlSimPciProfileFail(sim->profilePath, i, "netdev");
    p->netdev = g_strdup(netdev);
    if (!virJSONValueObjectHasKey(o, "physfn")) {
        /* What only a VF has, on a device that is none. */
        if (virJSONValueObjectHasKey(o, "vf"))
            return vxlSimPciProfileFail(sim->profilePath, i, "vf (without physfn)");
        if (mac)
            return vxlSimPciProfileFail(sim->profilePath, i, "mac (without physfn)");
        if (virJSONValueObjectHasKey(o, "vlan"))
            return vxlSimPciProfileFail(sim->profilePath, i, "vlan (without physfn)");
        return 0;
    }

    /* A VF: its PF is another entry, a PF with a network device. */
    if (!physfn || vxlSimSriovFindPF(sim, physfn, &pf) < 0 || pf == p)
        return vxlSimPciProfileFail(sim->profilePath, i, "physfn");
    if (!pf->netdev)
        return vxlSimPciProfileFail(sim->profilePath, i, "physfn (its PF has no netdev)");
    if (p->netdev)
        return vxlSimPciProfileFail(sim->profilePath, i, "netdev (a VF has its PF's)");
    if (virJSONValueObjectGetNumberUint(o, "vf", &p->vf) < 0)
        return vxlSimPciProfileFail(sim->profilePath, i, "vf");
    for (j = 0; j < i; j++) {
        vxlSimPci *q = g_ptr_array_index(sim->pci, j);

        if (q->physfn && STRCASEEQ(q->physfn, physfn) && q->vf == p->vf)
            return vxlSimPciProfileFail(sim->profilePath, i, "vf (twice on one PF)");
    }
    if (mac && virMacAddrParse(mac, &p->mac) < 0)
        return vxlSimPciProfileFail(sim->profilePath, i, "mac");
    if (virJSONValueObjectHasKey(o, "vlan") &&
        (virJSONValueObjectGetNumberUint(o, "vlan", &p->vlan) < 0 ||
         p->vlan > VXL_SIM_VLAN_MAX))
        return vxlSimPciProfileFail(sim->profilePath, i, "vlan");
    p->physfn = g_strdup(physfn);
    return 0;
}


static gint
vxlSimSriovCompareVF(gconstpointer a, gconstpointer b)
{
    const vxlSimPci *x = *(vxlSimPci * const *)a;
    const vxlSimPci *y = *(vxlSimPci * const *)b;

    return (x->vf > y->vf) - (x->vf < y->vf);
}


char **
vxlSimSriovListVFs(vxlSim *sim, const vxlSimPci *pf)
{
    g_autoptr(GPtrArray) vfs = g_ptr_array_new();
    g_autofree char *addr = vxlSimPciAddrFormat(pf->domain, pf->bus, pf->slot,
                                                pf->function);
    char **out;
    size_t i;

    for (i = 0; i < sim->pci->len; i++) {
        vxlSimPci *p = g_ptr_array_index(sim->pci, i);

        if (p->physfn && STRCASEEQ(p->physfn, addr))
            g_ptr_array_add(vfs, p);
    }
    if (vfs->len == 0)
        return NULL;
    g_ptr_array_sort(vfs, vxlSimSriovCompareVF);
    out = g_new0(char *, vfs->len + 1);
    for (i = 0; i < vfs->len; i++) {
        vxlSimPci *p = g_ptr_array_index(vfs, i);

        out[i] = vxlSimPciAddrFormat(p->domain, p->bus, p->slot, p->function);
    }
    return out;
}


void
vxlSimSriovFormatState(const vxlSimPci *p, virJSONValue *o)
{
    char mac[VIR_MAC_STRING_BUFLEN];

    if (!p->physfn)
        return;
    virJSONValueObjectAppendString(o, "mac", virMacAddrFormat(&p->mac, mac));
    virJSONValueObjectAppendNumberUint(o, "vlan", p->vlan);
    if (p->kept) {
        virJSONValueObjectAppendString(o, "keptMac",
                                       virMacAddrFormat(&p->keptMac, mac));
        virJSONValueObjectAppendNumberUint(o, "keptVlan", p->keptVlan);
    }
}


void
vxlSimSriovParseState(vxlSimPci *p, virJSONValue *o)
{
    const char *mac = virJSONValueObjectGetString(o, "mac");
    const char *kept = virJSONValueObjectGetString(o, "keptMac");

    if (!p->physfn)
        return;
    if (mac)
        ignore_value(virMacAddrParse(mac, &p->mac));
    ignore_value(virJSONValueObjectGetNumberUint(o, "vlan", &p->vlan));
    p->kept = kept && virMacAddrParse(kept, &p->keptMac) == 0;
    p->keptVlan = 0;
    if (p->kept)
        ignore_value(virJSONValueObjectGetNumberUint(o, "keptVlan", &p->keptVlan));
}


/* @x's VF, or NULL reported. */
static vxlSimPci *
vxlSimSriovLookupVF(vxlSim *sim, const libxl_device_pci *x)
{
    vxlSimPci *p = vxlSimPciLookup(sim, x);

    if (p && !p->physfn) {
        g_autofree char *addr = vxlSimPciAddrFormat(p->domain, p->bus,
                                                    p->slot, p->function);

        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("PCI device %s is not an SR-IOV virtual function: its MAC address and VLAN cannot be set through a PF"),
                       addr);
        return NULL;
    }
    return p;
}


/* A VF a domain has is its guest's: neither set nor restored. */
static int
vxlSimSriovCheckFree(vxlSim *sim, const vxlSimPci *p, bool set)
{
    vxlSimDomain *owner = vxlSimPciOwner(sim, p);
    g_autofree char *where = NULL;

    if (!owner)
        return 0;
    where = vxlSimPciAddrFormat(p->domain, p->bus, p->slot, p->function);
    if (set)
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot set the MAC address of SR-IOV VF %s: domain '%s' (id %u) has it"),
                       where, owner->name, owner->domid);
    else
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot restore the MAC address of SR-IOV VF %s: domain '%s' (id %u) has it"),
                       where, owner->name, owner->domid);
    return -1;
}


int
vxlSimHostNetVFSet(vxlBackend *be, const libxl_device_pci *x, const char *mac,
                   unsigned int vlan)
{
    vxlSim *sim = vxlSimGet(be);
    g_auto(vxlSimSnapshot) snap = { 0 };
    virMacAddr addr;

    if (!mac || virMacAddrParse(mac, &addr) < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("'%s' is not a MAC address"), NULLSTR(mac));
        return -1;
    }
    if (vlan > VXL_SIM_VLAN_MAX) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("VLAN tag %u is out of range: a VLAN tag is 0 (none) to 4094"),
                       vlan);
        return -1;
    }

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimPci *p;

        vxlSimCatchUp(sim, g_get_monotonic_time());
        if (!(p = vxlSimSriovLookupVF(sim, x)) ||
            vxlSimSriovCheckFree(sim, p, true) < 0)
            return -1;
        if (!p->kept) {
            p->kept = true;
            p->keptMac = p->mac;
            p->keptVlan = p->vlan;
        }
        p->mac = addr;
        p->vlan = vlan;
        VIR_DEBUG("VF %u of %s: mac %s vlan %u", p->vf, p->physfn, mac, vlan);
        sim->hostDirty = true;
        vxlSimSnapshotTake(sim, &snap, NULL);
    }
    vxlSimSave(sim, &snap);
    return 0;
}


int
vxlSimHostNetVFRestore(vxlBackend *be, const libxl_device_pci *x)
{
    vxlSim *sim = vxlSimGet(be);
    g_auto(vxlSimSnapshot) snap = { 0 };

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimPci *p;

        vxlSimCatchUp(sim, g_get_monotonic_time());
        if (!(p = vxlSimSriovLookupVF(sim, x)))
            return -1;
        if (!p->kept)
            return 0;
        if (vxlSimSriovCheckFree(sim, p, false) < 0)
            return -1;
        p->mac = p->keptMac;
        p->vlan = p->keptVlan;
        p->kept = false;
        sim->hostDirty = true;
        vxlSimSnapshotTake(sim, &snap, NULL);
    }
    vxlSimSave(sim, &snap);
    return 0;
}
