/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_sriov.c: an SR-IOV VF's MAC and VLAN, set through its PF before
 * the VF is passed through (<interface type='hostdev'>), and put back
 * when the guest lets it go.
 *
 * libxl passes the VF through as any PCI function and knows nothing of
 * its MAC: the PF's driver holds it (ip link set PF vf N mac M vlan V),
 * and the guest's VF driver takes what the PF gave it. libvirt's
 * virNetDev helpers do the netlink work and keep what the VF had in a
 * file named after PF and VF under <stateDir>/sriov, so that the host
 * gets its own values back even after a daemon restart. The first set
 * keeps them; a second set before a restore keeps the first file.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virmacaddr.h"
#include "virnetdev.h"
#include "virnetdevvlan.h"
#include "virpci.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_sriov");

/* IEEE 802.1Q: 12 bits, 4095 reserved. */
#define VXL_XEN_VLAN_MAX 4094

/* The PF's network device and the VF's index on it, for VF @x. */
static int
vxlXenSriovVF(const libxl_device_pci *x, char **pf, int *vf)
{
    virPCIDeviceAddress addr = {
        .domain = x->domain, .bus = x->bus, .slot = x->dev, .function = x->func,
    };
    g_autofree char *sysfs = NULL;

    if (vxlXenPciCheckExists(x) < 0 ||
        virPCIDeviceAddressGetSysfsFile(&addr, &sysfs) < 0)
        return -1;
    if (virPCIIsVirtualFunction(sysfs) != 1) {
        g_autofree char *where = virPCIDeviceAddressAsString(&addr);

        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("PCI device %s is not an SR-IOV virtual function: its MAC address and VLAN cannot be set through a PF"),
                       where);
        return -1;
    }
    /* 0: the PF's first network device, as libvirt's hostdev code asks
     * when it sets a VF: the VF, bound to pciback or about to be, has no
     * netdev of its own to tell a multi-port PF's ports apart. Set and
     * restore must name the same one. */
    return virPCIGetVirtualFunctionInfo(sysfs, 0, pf, vf);
}

static char *
vxlXenSriovDir(vxlXen *xen)
{
    return g_strdup_printf("%s/sriov", NULLSTR(xen->stateDir));
}

/* The file virNetDevSaveNetConfig writes for VF @vf of @pf. */
static char *
vxlXenSriovKept(const char *dir, const char *pf, int vf)
{
    return g_strdup_printf("%s/%s_vf%d", dir, pf, vf);
}

/* A VF a domain has is its guest's: neither set nor restored. */
static int
vxlXenSriovCheckFree(vxlXen *xen, const libxl_device_pci *x, bool set)
{
    uint32_t owner = vxlXenPciOwner(xen, x);
    g_autofree char *where = NULL;
    g_autofree char *name = NULL;

    if (!owner)
        return 0;
    where = g_strdup_printf("%04x:%02x:%02x.%x", x->domain, x->bus, x->dev, x->func);
    name = libxl_domid_to_name(xen->ctx, owner);
    if (set)
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot set the MAC address of SR-IOV VF %s: domain '%s' (id %u) has it"),
                       where, NULLSTR(name), owner);
    else
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot restore the MAC address of SR-IOV VF %s: domain '%s' (id %u) has it"),
                       where, NULLSTR(name), owner);
    return -1;
}

int
vxlXenHostNetVFSet(vxlBackend *be, const libxl_device_pci *x, const char *mac,
                   unsigned int vlan)
{
    vxlXen *xen = be->priv;
    g_autofree char *pf = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *kept = NULL;
    unsigned int tag = vlan;
    virNetDevVlan vl = { .nTags = vlan ? 1 : 0, .tag = vlan ? &tag : NULL };
    virMacAddr addr;
    bool saved = false;
    int vf = -1;

    if (!mac || virMacAddrParse(mac, &addr) < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("'%s' is not a MAC address"), NULLSTR(mac));
        return -1;
    }
    if (vlan > VXL_XEN_VLAN_MAX) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("VLAN tag %u is out of range: a VLAN tag is 0 (none) to 4094"),
                       vlan);
        return -1;
    }
    if (vxlXenSriovVF(x, &pf, &vf) < 0 ||
        vxlXenSriovCheckFree(xen, x, true) < 0)
        return -1;

    dir = vxlXenSriovDir(xen);
    kept = vxlXenSriovKept(dir, pf, vf);
    if (g_mkdir_with_parents(dir, 0700) < 0) {
        virReportSystemError(errno, _("cannot create directory '%s'"), dir);
        return -1;
    }
    if (!virFileExists(kept)) {
        if (virNetDevSaveNetConfig(pf, vf, dir, true) < 0)
            return -1;
        saved = true;
    }
    /* setVLan: an untagged request clears a tag the VF had. */
    if (virNetDevSetNetConfig(pf, vf, &addr, vlan ? &vl : NULL, NULL, true) < 0) {
        if (saved)
            unlink(kept);
        return -1;
    }
    VIR_DEBUG("VF %d of %s: mac %s vlan %u", vf, pf, mac, vlan);
    return 0;
}

int
vxlXenHostNetVFRestore(vxlBackend *be, const libxl_device_pci *x)
{
    vxlXen *xen = be->priv;
    g_autofree char *pf = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *kept = NULL;
    g_autofree virMacAddr *adminMAC = NULL;
    g_autofree virMacAddr *MAC = NULL;
    g_autoptr(virNetDevVlan) vlan = NULL;
    int vf = -1;

    if (vxlXenSriovVF(x, &pf, &vf) < 0)
        return -1;
    dir = vxlXenSriovDir(xen);
    kept = vxlXenSriovKept(dir, pf, vf);
    if (!virFileExists(kept))
        return 0;
    if (vxlXenSriovCheckFree(xen, x, false) < 0)
        return -1;
    if (virNetDevReadNetConfig(pf, vf, dir, &adminMAC, &vlan, &MAC) < 0 ||
        virNetDevSetNetConfig(pf, vf, adminMAC, vlan, MAC, !!vlan) < 0)
        return -1;
    if (unlink(kept) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove '%s': %s", kept, g_strerror(errno));
    return 0;
}
