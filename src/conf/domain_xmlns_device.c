/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_device.c: the namespace data of one device follows the
 * device through hotplug.
 *
 * <virtxl:disk>, <virtxl:nic> and <virtxl:pci> sit at the end of the
 * domain and name their device (by target, MAC, alias or address). A
 * detach removes the device, and with it the element that names it: an
 * element naming no device is refused by the next define, and a later
 * device of the same name would inherit options that were never given
 * for it.
 *
 * An attach takes a <virtxl:disk> inside the attached <disk> (libvirt's
 * device parser would drop it unseen):
 *
 *   <disk type='file' device='disk'
 *         xmlns:virtxl='https://virtxl.dev/xmlns/domain/1.0'>
 *     <source file='/srv/nb.img'/><target dev='xvdb'/>
 *     <virtxl:disk vdev='51728'/>
 *   </disk>
 *
 * its target= is the <disk>'s own and may be left out. Any other
 * element of the namespace inside an attached device is refused rather
 * than dropped: a vif's devid or a PCI device's options change what the
 * guest sees, and they are given in the domain's definition.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"
#include "virtxl/virtxl.h"
#include "viralloc.h"
#include "virerror.h"
#include "virmacaddr.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


const char *
vxlXMLNSDiskVdev(const virDomainDef *def, const char *target)
{
    const vxlXMLNSDisk *x = vxlXMLNSFindDisk(def, target);

    return x && x->vdev ? x->vdev : target;
}


static vxlXMLNSDef *
vxlXMLNSEnsure(virDomainDef *def)
{
    if (!def->ns.uri || STRNEQ(def->ns.uri, VXL_XMLNS_URI)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("domain '%s' has no Xen driver namespace to hold <virtxl:disk>"),
                       def->name);
        return NULL;
    }
    if (!def->namespaceData)
        def->namespaceData = vxlXMLNSDefNew();
    return def->namespaceData;
}


int
vxlXMLNSDeviceRefuseOwn(const char *xml)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    xmlNodePtr root;

    /* Not XML: libvirt's parser says so. */
    if (!(doc = virXMLParse(NULL, xml, _("(device_definition)"), NULL, &ctxt,
                            NULL, false))) {
        virResetLastError();
        return 0;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || !root->ns || !root->ns->href ||
        STRNEQ((const char *)root->ns->href, VXL_XMLNS_URI))
        return 0;
    /* A named PCI device is resolved by libxl at create; xl's
     * pci-attach takes a BDF, and so does a <hostdev>. */
    if (STREQ((const char *)root->name, "pci")) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("<virtxl:pci> cannot be attached, detached or updated, live or in the configuration: a PCI device named by its pci-assignable name is given in the domain's definition; hot-plug it as a <hostdev> by its address"));
        return -1;
    }
    virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                   _("<virtxl:%s> is not a device: it is given in the domain's definition"),
                   (const char *)root->name);
    return -1;
}


int
vxlXMLNSDeviceParse(const char *xml, const virDomainDeviceDef *dev,
                    vxlXMLNSDisk **disk)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    xmlNodePtr root;
    xmlNodePtr node;
    g_autoptr(vxlXMLNSDisk) found = NULL;

    *disk = NULL;
    if (!(doc = virXMLParse(NULL, xml, _("(device_definition)"), NULL, &ctxt,
                            NULL, false)))
        return -1;
    root = xmlDocGetRootElement(doc);
    for (node = root->children; node; node = node->next) {
        const char *name = (const char *)node->name;

        if (node->type != XML_ELEMENT_NODE || !node->ns || !node->ns->href ||
            STRNEQ((const char *)node->ns->href, VXL_XMLNS_URI))
            continue;
        if (dev->type != VIR_DOMAIN_DEVICE_DISK || STRNEQ(name, "disk")) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:%s> inside an attached <%s> is not taken: a device brings <virtxl:disk> inside a <disk> only; give other options in the domain's definition"),
                           name, (const char *)root->name);
            return -1;
        }
        if (found) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:disk> appears twice in <disk> '%s': a disk has one"),
                           NULLSTR(dev->data.disk->dst));
            return -1;
        }
        /* target= is the disk's own; one given must agree. */
        if (!xmlHasProp(node, BAD_CAST "target"))
            xmlSetProp(node, BAD_CAST "target", BAD_CAST dev->data.disk->dst);
        found = g_new0(vxlXMLNSDisk, 1);
        if (vxlXMLNSParseDisk(node, found) < 0)
            return -1;
        if (STRNEQ_NULLABLE(found->target, dev->data.disk->dst)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:disk target='%s'> inside <disk> '%s' names another disk"),
                           found->target, NULLSTR(dev->data.disk->dst));
            return -1;
        }
    }
    *disk = g_steal_pointer(&found);
    return 0;
}


void
vxlXMLNSDiskFree(vxlXMLNSDisk *disk)
{
    if (!disk)
        return;
    vxlXMLNSDiskClear(disk);
    g_free(disk);
}


int
vxlXMLNSDiskSet(virDomainDef *def, const char *target,
                const vxlXMLNSDisk *disk)
{
    vxlXMLNSDef *ns;
    vxlXMLNSDisk *x;

    /* What a definition from before detaches took theirs along may
     * still hold for @target gives way to what the disk brings now. */
    vxlXMLNSForgetDisk(def, target);
    if (!disk)
        return 0;
    if (!(ns = vxlXMLNSEnsure(def)))
        return -1;
    VIR_EXPAND_N(ns->disks, ns->ndisks, 1);   /* zeroed */
    x = &ns->disks[ns->ndisks - 1];
    vxlXMLNSDiskCopy(x, disk);
    return 0;
}


/* Each Forget finds its entry with the matching Find and deletes it
 * from its list; a list left empty is freed, then the record if it
 * holds nothing else. */
void
vxlXMLNSForgetDisk(virDomainDef *def, const char *target)
{
    vxlXMLNSDef *ns = (vxlXMLNSDef *)vxlXMLNSGet(def);
    const vxlXMLNSDisk *disk = vxlXMLNSFindDisk(def, target);
    size_t i;

    if (!disk)
        return;
    i = disk - ns->disks;
    vxlXMLNSDiskClear(&ns->disks[i]);
    VIR_DELETE_ELEMENT(ns->disks, i, ns->ndisks);
    vxlXMLNSDropIfEmpty(def);
}


void
vxlXMLNSForgetNic(virDomainDef *def, const virMacAddr *mac)
{
    vxlXMLNSDef *ns = (vxlXMLNSDef *)vxlXMLNSGet(def);
    const vxlXMLNSNic *nic = vxlXMLNSFindNic(def, mac);
    size_t i;

    if (!nic)
        return;
    i = nic - ns->nics;
    vxlXMLNSNicClear(&ns->nics[i]);
    VIR_DELETE_ELEMENT(ns->nics, i, ns->nnics);
    vxlXMLNSDropIfEmpty(def);
}


void
vxlXMLNSForgetPci(virDomainDef *def, const virDomainHostdevDef *hostdev)
{
    vxlXMLNSDef *ns = (vxlXMLNSDef *)vxlXMLNSGet(def);
    const vxlXMLNSPci *pci = vxlXMLNSFindPci(def, hostdev);
    size_t pos = 0;
    size_t i;

    /* The named devices placed after it move up one place, so that each
     * stays before the host device it was before; one before it now
     * comes before the next, or after them all when it was the last. */
    for (i = 0; i < def->nhostdevs && def->hostdevs[i] != hostdev; i++) {
        pos += def->hostdevs[i]->mode == VIR_DOMAIN_HOSTDEV_MODE_SUBSYS &&
               def->hostdevs[i]->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI;
    }
    if (ns && i < def->nhostdevs &&
        hostdev->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI) {
        size_t left = vxlXMLNSPciHostdevCount(def) - 1;

        for (i = 0; i < ns->npcis; i++) {
            vxlXMLNSPci *named = &ns->pcis[i];

            if (!named->name || named->before < 0)
                continue;
            if (named->before > (int)pos)
                named->before--;
            if ((size_t)named->before >= left)
                named->before = -1;
        }
    }
    if (!pci)
        return;
    i = pci - ns->pcis;
    g_free(ns->pcis[i].alias);
    VIR_DELETE_ELEMENT(ns->pcis, i, ns->npcis);
    vxlXMLNSDropIfEmpty(def);
}
