/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_pciname.c: <virtxl:pci name='X'>, a host PCI device
 * named by what `xl pci-assignable-add -n X` called it on the host
 * (xl-pci-configuration(5): pci=['name=X,...']).
 *
 *   <virtxl:pci name='gpu0' permissive='yes' msitranslate='yes'
 *               power_mgmt='yes' seize='yes' rdm_policy='relaxed'
 *               vslot='0x05'/>
 *
 * libxl looks the name up in xenstore when it adds the device (at create
 * or attach, name2bdf in libxl_pci.c) and fails the create when no
 * assignable device has it; so the name, not an address, is what the
 * definition keeps. libvirt's <hostdev> needs a source address, so such
 * a device is an element of the namespace on its own, with every word a
 * BDF entry of xl's has: seize (a <hostdev>'s managed) and vslot (its
 * guest <address>) are said here. In the live XML, address= is the host
 * device the name resolved to at start.
 *
 * The order of libxl's pcidevs is the order xl gives the devices to
 * the guest (the slots of those without vslot=), and xl's pci= mixes
 * named and BDF entries freely; so a named device says where it comes:
 * before='N', before the PCI host device N (from 0, in def->hostdevs'
 * order), or, without it, after every host device.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"
#include "util_enums.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* libxl's bound on a name's length (libxl__device_pci_assignable_add). */
#define VXL_PCI_NAME_MAX 64
/* xl's vslot= is a slot of bus 0 (parse_vslot in libxlu_pci.c). */
#define VXL_PCI_VSLOT_MAX 0x1f


bool
vxlXMLNSPciNameValid(const char *name)
{
    size_t n = strlen(name);
    size_t i;

    if (n == 0 || n > VXL_PCI_NAME_MAX)
        return false;
    /* isgraph() in the C locale, as libxl checks it. */
    for (i = 0; i < n; i++) {
        if (!g_ascii_isgraph(name[i]))
            return false;
    }
    return true;
}


int
vxlXMLNSParsePciName(xmlNodePtr node, vxlXMLNSPci *pci)
{
    unsigned int vslot;
    unsigned int before;
    int rc;

    if (pci->allFunctions != VIR_TRISTATE_BOOL_ABSENT) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:pci name='%s' all_functions> is not possible: a name stands for one function, as in xl"),
                       pci->name);
        return -1;
    }
    if (virXMLPropTristateBool(node, "seize", VIR_XML_PROP_NONE, &pci->seize) < 0)
        return -1;
    if ((rc = virXMLPropUInt(node, "vslot", 0, VIR_XML_PROP_NONE, &vslot)) < 0)
        return -1;
    if (rc > 0) {
        if (vslot > VXL_PCI_VSLOT_MAX) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:pci name='%s' vslot='%u'> is not a guest slot: use 0x00 to 0x1f"),
                           pci->name, vslot);
            return -1;
        }
        pci->vslot = vslot;
    }
    if ((rc = virXMLPropUInt(node, "before", 10, VIR_XML_PROP_NONE, &before)) < 0)
        return -1;
    if (rc > 0) {
        if (before > INT_MAX) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:pci name='%s' before='%u'> is not a place among the PCI devices"),
                           pci->name, before);
            return -1;
        }
        pci->before = before;
    }
    return 0;
}


void
vxlXMLNSFormatPciName(virBuffer *buf, const vxlXMLNSPci *pci)
{
    virBufferEscapeString(buf, "<virtxl:pci name='%s'", pci->name);
    if (pci->resolved)
        virBufferAsprintf(buf, " address='" VIR_PCI_DEVICE_ADDRESS_FMT "'",
                          pci->addr.domain, pci->addr.bus, pci->addr.slot,
                          pci->addr.function);
    vxlXMLNSFormatTristate(buf, "permissive", pci->permissive);
    vxlXMLNSFormatTristate(buf, "msitranslate", pci->msitranslate);
    vxlXMLNSFormatTristate(buf, "power_mgmt", pci->powerMgmt);
    vxlXMLNSFormatTristate(buf, "seize", pci->seize);
    if (pci->rdmPolicy >= 0)
        virBufferAsprintf(buf, " rdm_policy='%s'",
                          vxlEnumXlToCfg(&vxlEnumRdmPolicy, pci->rdmPolicy));
    if (pci->vslot >= 0)
        virBufferAsprintf(buf, " vslot='0x%02x'", pci->vslot);
    if (pci->before >= 0)
        virBufferAsprintf(buf, " before='%d'", pci->before);
    virBufferAddLit(buf, "/>\n");
}


int
vxlValidateXMLNSPciName(const virDomainDef *def, const vxlXMLNSDef *ns,
                        size_t index)
{
    const vxlXMLNSPci *pci = &ns->pcis[index];
    size_t i;

    if (!vxlXMLNSPciNameValid(pci->name)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:pci name='%s'> is not a name libxl takes: it must be 1 to 64 printable characters without blanks"),
                       pci->name);
        return -1;
    }
    /* libxl would fail the second add: the device is the guest's. */
    for (i = 0; i < index; i++) {
        if (STREQ_NULLABLE(ns->pcis[i].name, pci->name)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:pci name='%s'> names a device another <virtxl:pci name> already names"),
                           pci->name);
            return -1;
        }
    }
    /* A place past the last host device is no place: refused rather
     * than read as the end, which is said by leaving before out. */
    if (pci->before >= 0 && (size_t)pci->before >= vxlXMLNSPciHostdevCount(def)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:pci name='%s' before='%d'> names no PCI host device: the domain has %zu; leave before out to put it after them all"),
                       pci->name, pci->before, vxlXMLNSPciHostdevCount(def));
        return -1;
    }
    if (def->os.type != VIR_DOMAIN_OSTYPE_HVM && pci->rdmPolicy >= 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:pci name='%s' rdm_policy> is only for HVM guests"),
                       pci->name);
        return -1;
    }
    return 0;
}


size_t
vxlXMLNSPciNamedCount(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t n = 0;
    size_t i;

    for (i = 0; ns && i < ns->npcis; i++)
        n += !!ns->pcis[i].name;
    return n;
}


size_t
vxlXMLNSPciHostdevCount(const virDomainDef *def)
{
    size_t n = 0;
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        n += def->hostdevs[i]->mode == VIR_DOMAIN_HOSTDEV_MODE_SUBSYS &&
             def->hostdevs[i]->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI;
    }
    return n;
}


bool
vxlXMLNSPciNamedAt(const vxlXMLNSPci *pci, size_t pos, size_t npci)
{
    if (!pci->name)
        return false;
    /* Validated at define, and kept in step when a host device goes
     * (vxlXMLNSForgetPci); one past the end would be the end. */
    if (pci->before < 0 || (size_t)pci->before >= npci)
        return pos == npci;
    return (size_t)pci->before == pos;
}


void
vxlXMLNSPciNameResolved(virDomainDef *def, const char *name,
                        const virPCIDeviceAddress *addr)
{
    vxlXMLNSDef *ns = (vxlXMLNSDef *)vxlXMLNSGet(def);
    size_t i;

    for (i = 0; ns && i < ns->npcis; i++) {
        if (STREQ_NULLABLE(ns->pcis[i].name, name)) {
            ns->pcis[i].addr = *addr;
            ns->pcis[i].resolved = true;
            return;
        }
    }
}


void
vxlXMLNSPciNamesForget(virDomainDef *def)
{
    vxlXMLNSDef *ns = (vxlXMLNSDef *)vxlXMLNSGet(def);
    size_t i;

    for (i = 0; ns && i < ns->npcis; i++)
        ns->pcis[i].resolved = false;
}
