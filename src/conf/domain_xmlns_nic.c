/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_nic.c: <virtxl:nic mac='...' devid='N' gatewaydev='DEV'
 * trusted='yes|no' rate_interval_us='N' vifname='vifNAME'/>, the options
 * of one xl vif= entry that libvirt's <interface> cannot name:
 *
 *   devid=       the vif's number (xl takes the entry's position
 *                unless told; holes are allowed)
 *   gatewaydev=  the host device vif-route and vif-nat route through
 *   trusted / untrusted   whether the backend trusts the frontend
 *   rate=...@INTERVAL     the credit interval; the rate itself is the
 *                <bandwidth><outbound average> in kB/s
 *   vifname=     a backend name beginning with "vif": libvirt's parser
 *                drops such a <target dev> as one it generated (the
 *                Xen drivers' prefix), so the namespace keeps it
 *   forwarddev=, colo_*=   COLO's network setup for the vif (the
 *                forwarding device and the sockets and queues of qemu's
 *                colo-compare and filter-mirror/redirector), strings xl
 *                copies into libxl_device_nic as they are; libvirt has no
 *                COLO
 *
 * The element names its <interface> by MAC address, the one identity a
 * libvirt interface keeps through define, hotplug and migration.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* xl's COLO vif keys (parse_nic_config, Xen 4.17) and the
 * libxl_device_nic string each fills: forwarddev= is coloft_forwarddev,
 * every colo_*= the field of its own name. */
static const struct {
    const char *key;
    size_t offset;
} vxlNicColoRows[VXL_NIC_COLO_KEYS] = {
    { "forwarddev", offsetof(libxl_device_nic, coloft_forwarddev) },
    { "colo_sock_mirror_id", offsetof(libxl_device_nic, colo_sock_mirror_id) },
    { "colo_sock_mirror_ip", offsetof(libxl_device_nic, colo_sock_mirror_ip) },
    { "colo_sock_mirror_port", offsetof(libxl_device_nic, colo_sock_mirror_port) },
    { "colo_sock_compare_sec_in_id", offsetof(libxl_device_nic, colo_sock_compare_sec_in_id) },
    { "colo_sock_compare_sec_in_ip", offsetof(libxl_device_nic, colo_sock_compare_sec_in_ip) },
    { "colo_sock_compare_sec_in_port", offsetof(libxl_device_nic, colo_sock_compare_sec_in_port) },
    { "colo_sock_redirector0_id", offsetof(libxl_device_nic, colo_sock_redirector0_id) },
    { "colo_sock_redirector0_ip", offsetof(libxl_device_nic, colo_sock_redirector0_ip) },
    { "colo_sock_redirector0_port", offsetof(libxl_device_nic, colo_sock_redirector0_port) },
    { "colo_sock_redirector1_id", offsetof(libxl_device_nic, colo_sock_redirector1_id) },
    { "colo_sock_redirector1_ip", offsetof(libxl_device_nic, colo_sock_redirector1_ip) },
    { "colo_sock_redirector1_port", offsetof(libxl_device_nic, colo_sock_redirector1_port) },
    { "colo_sock_redirector2_id", offsetof(libxl_device_nic, colo_sock_redirector2_id) },
    { "colo_sock_redirector2_ip", offsetof(libxl_device_nic, colo_sock_redirector2_ip) },
    { "colo_sock_redirector2_port", offsetof(libxl_device_nic, colo_sock_redirector2_port) },
    { "colo_sock_compare_pri_in_id", offsetof(libxl_device_nic, colo_sock_compare_pri_in_id) },
    { "colo_sock_compare_pri_in_ip", offsetof(libxl_device_nic, colo_sock_compare_pri_in_ip) },
    { "colo_sock_compare_pri_in_port", offsetof(libxl_device_nic, colo_sock_compare_pri_in_port) },
    { "colo_sock_compare_notify_id", offsetof(libxl_device_nic, colo_sock_compare_notify_id) },
    { "colo_sock_compare_notify_ip", offsetof(libxl_device_nic, colo_sock_compare_notify_ip) },
    { "colo_sock_compare_notify_port", offsetof(libxl_device_nic, colo_sock_compare_notify_port) },
    { "colo_filter_mirror_queue", offsetof(libxl_device_nic, colo_filter_mirror_queue) },
    { "colo_filter_mirror_outdev", offsetof(libxl_device_nic, colo_filter_mirror_outdev) },
    { "colo_filter_redirector0_queue", offsetof(libxl_device_nic, colo_filter_redirector0_queue) },
    { "colo_filter_redirector0_indev", offsetof(libxl_device_nic, colo_filter_redirector0_indev) },
    { "colo_filter_redirector0_outdev", offsetof(libxl_device_nic, colo_filter_redirector0_outdev) },
    { "colo_filter_redirector1_queue", offsetof(libxl_device_nic, colo_filter_redirector1_queue) },
    { "colo_filter_redirector1_indev", offsetof(libxl_device_nic, colo_filter_redirector1_indev) },
    { "colo_filter_redirector1_outdev", offsetof(libxl_device_nic, colo_filter_redirector1_outdev) },
    { "colo_compare_pri_in", offsetof(libxl_device_nic, colo_compare_pri_in) },
    { "colo_compare_sec_in", offsetof(libxl_device_nic, colo_compare_sec_in) },
    { "colo_compare_out", offsetof(libxl_device_nic, colo_compare_out) },
    { "colo_compare_notify_dev", offsetof(libxl_device_nic, colo_compare_notify_dev) },
    { "colo_sock_sec_redirector0_id", offsetof(libxl_device_nic, colo_sock_sec_redirector0_id) },
    { "colo_sock_sec_redirector0_ip", offsetof(libxl_device_nic, colo_sock_sec_redirector0_ip) },
    { "colo_sock_sec_redirector0_port", offsetof(libxl_device_nic, colo_sock_sec_redirector0_port) },
    { "colo_sock_sec_redirector1_id", offsetof(libxl_device_nic, colo_sock_sec_redirector1_id) },
    { "colo_sock_sec_redirector1_ip", offsetof(libxl_device_nic, colo_sock_sec_redirector1_ip) },
    { "colo_sock_sec_redirector1_port", offsetof(libxl_device_nic, colo_sock_sec_redirector1_port) },
    { "colo_filter_sec_redirector0_queue", offsetof(libxl_device_nic, colo_filter_sec_redirector0_queue) },
    { "colo_filter_sec_redirector0_indev", offsetof(libxl_device_nic, colo_filter_sec_redirector0_indev) },
    { "colo_filter_sec_redirector0_outdev", offsetof(libxl_device_nic, colo_filter_sec_redirector0_outdev) },
    { "colo_filter_sec_redirector1_queue", offsetof(libxl_device_nic, colo_filter_sec_redirector1_queue) },
    { "colo_filter_sec_redirector1_indev", offsetof(libxl_device_nic, colo_filter_sec_redirector1_indev) },
    { "colo_filter_sec_redirector1_outdev", offsetof(libxl_device_nic, colo_filter_sec_redirector1_outdev) },
    { "colo_filter_sec_rewriter0_queue", offsetof(libxl_device_nic, colo_filter_sec_rewriter0_queue) },
    { "colo_checkpoint_host", offsetof(libxl_device_nic, colo_checkpoint_host) },
    { "colo_checkpoint_port", offsetof(libxl_device_nic, colo_checkpoint_port) },
};

const char *const vxlNicColoKeys[VXL_NIC_COLO_KEYS] = {
    "forwarddev",
    "colo_sock_mirror_id",
    "colo_sock_mirror_ip",
    "colo_sock_mirror_port",
    "colo_sock_compare_sec_in_id",
    "colo_sock_compare_sec_in_ip",
    "colo_sock_compare_sec_in_port",
    "colo_sock_redirector0_id",
    "colo_sock_redirector0_ip",
    "colo_sock_redirector0_port",
    "colo_sock_redirector1_id",
    "colo_sock_redirector1_ip",
    "colo_sock_redirector1_port",
    "colo_sock_redirector2_id",
    "colo_sock_redirector2_ip",
    "colo_sock_redirector2_port",
    "colo_sock_compare_pri_in_id",
    "colo_sock_compare_pri_in_ip",
    "colo_sock_compare_pri_in_port",
    "colo_sock_compare_notify_id",
    "colo_sock_compare_notify_ip",
    "colo_sock_compare_notify_port",
    "colo_filter_mirror_queue",
    "colo_filter_mirror_outdev",
    "colo_filter_redirector0_queue",
    "colo_filter_redirector0_indev",
    "colo_filter_redirector0_outdev",
    "colo_filter_redirector1_queue",
    "colo_filter_redirector1_indev",
    "colo_filter_redirector1_outdev",
    "colo_compare_pri_in",
    "colo_compare_sec_in",
    "colo_compare_out",
    "colo_compare_notify_dev",
    "colo_sock_sec_redirector0_id",
    "colo_sock_sec_redirector0_ip",
    "colo_sock_sec_redirector0_port",
    "colo_sock_sec_redirector1_id",
    "colo_sock_sec_redirector1_ip",
    "colo_sock_sec_redirector1_port",
    "colo_filter_sec_redirector0_queue",
    "colo_filter_sec_redirector0_indev",
    "colo_filter_sec_redirector0_outdev",
    "colo_filter_sec_redirector1_queue",
    "colo_filter_sec_redirector1_indev",
    "colo_filter_sec_redirector1_outdev",
    "colo_filter_sec_rewriter0_queue",
    "colo_checkpoint_host",
    "colo_checkpoint_port",
};

G_STATIC_ASSERT(G_N_ELEMENTS(vxlNicColoRows) == VXL_NIC_COLO_KEYS);


char **
vxlNicColoField(libxl_device_nic *xnic, size_t i)
{
    return (char **)((char *)xnic + vxlNicColoRows[i].offset);
}


int
vxlXMLNSParseNic(xmlNodePtr node, vxlXMLNSNic *nic)
{
    g_autofree char *mac = virXMLPropString(node, "mac");
    unsigned int devid = 0;
    size_t i;
    int rc;

    nic->devid = -1;
    if (!mac || virMacAddrParse(mac, &nic->mac) < 0) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:nic> needs mac='MAC', the <mac address> of its <interface>"));
        return -1;
    }
    if ((rc = virXMLPropUInt(node, "devid", 10, VIR_XML_PROP_NONE, &devid)) < 0)
        return -1;
    if (rc > 0) {
        if (devid > INT_MAX) {
            virReportError(VIR_ERR_XML_ERROR, _("<virtxl:nic devid='%u'> is out of range"), devid);
            return -1;
        }
        nic->devid = devid;
    }
    nic->gatewaydev = virXMLPropString(node, "gatewaydev");
    if (nic->gatewaydev && (!*nic->gatewaydev || strpbrk(nic->gatewaydev, ",= \t\n"))) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:nic gatewaydev='%s'> is not a host device name"),
                       nic->gatewaydev);
        return -1;
    }
    nic->vifname = virXMLPropString(node, "vifname");
    if (nic->vifname && (!*nic->vifname || strpbrk(nic->vifname, ",= \t\n/"))) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:nic vifname='%s'> is not a host interface name"),
                       nic->vifname);
        return -1;
    }
    if (virXMLPropTristateBool(node, "trusted", VIR_XML_PROP_NONE, &nic->trusted) < 0)
        return -1;
    if (virXMLPropULongLong(node, "rate_interval_us", 10, VIR_XML_PROP_NONZERO,
                            &nic->rateIntervalUs) < 0)
        return -1;
    if (nic->rateIntervalUs > UINT32_MAX) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:nic rate_interval_us='%llu'> is out of range"),
                       nic->rateIntervalUs);
        return -1;
    }
    for (i = 0; i < VXL_NIC_COLO_KEYS; i++) {
        nic->colo[i] = virXMLPropString(node, vxlNicColoKeys[i]);
        /* One value of an xl vif spec: a ',' would end it early. */
        if (nic->colo[i] && strchr(nic->colo[i], ',')) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:nic %s='%s'> may not hold ','"),
                           vxlNicColoKeys[i], nic->colo[i]);
            return -1;
        }
    }
    return 0;
}


void
vxlXMLNSFormatNic(virBuffer *buf, const vxlXMLNSNic *nic)
{
    char mac[VIR_MAC_STRING_BUFLEN];
    size_t i;

    virBufferAsprintf(buf, "<virtxl:nic mac='%s'", virMacAddrFormat(&nic->mac, mac));
    if (nic->devid >= 0)
        virBufferAsprintf(buf, " devid='%d'", nic->devid);
    virBufferEscapeString(buf, " gatewaydev='%s'", nic->gatewaydev);
    if (nic->trusted != VIR_TRISTATE_BOOL_ABSENT)
        virBufferAsprintf(buf, " trusted='%s'", virTristateBoolTypeToString(nic->trusted));
    if (nic->rateIntervalUs)
        virBufferAsprintf(buf, " rate_interval_us='%llu'", nic->rateIntervalUs);
    virBufferEscapeString(buf, " vifname='%s'", nic->vifname);
    for (i = 0; i < VXL_NIC_COLO_KEYS; i++) {
        if (nic->colo[i]) {
            virBufferAsprintf(buf, " %s=", vxlNicColoKeys[i]);
            virBufferEscapeString(buf, "'%s'", nic->colo[i]);
        }
    }
    virBufferAddLit(buf, "/>\n");
}


void
vxlXMLNSNicClear(vxlXMLNSNic *nic)
{
    size_t i;

    g_free(nic->gatewaydev);
    g_free(nic->vifname);
    for (i = 0; i < VXL_NIC_COLO_KEYS; i++)
        g_free(nic->colo[i]);
}


const vxlXMLNSNic *
vxlXMLNSFindNic(const virDomainDef *def, const virMacAddr *mac)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t i;

    for (i = 0; ns && i < ns->nnics; i++) {
        if (virMacAddrCmp(&ns->nics[i].mac, mac) == 0)
            return &ns->nics[i];
    }
    return NULL;
}


int
vxlXMLNSNicDevid(const virDomainDef *def, size_t index)
{
    const vxlXMLNSNic *nic = vxlXMLNSFindNic(def, &def->nets[index]->mac);
    int vifs = 0;
    size_t i;

    if (nic && nic->devid >= 0)
        return nic->devid;
    /* xl numbers its vif= entries; an SR-IOV VF (<interface
     * type='hostdev'>) is a pci= entry, not one of them. */
    for (i = 0; i < index; i++) {
        if (def->nets[i]->type != VIR_DOMAIN_NET_TYPE_HOSTDEV)
            vifs++;
    }
    return vifs;
}


int
vxlValidateXMLNSNics(const virDomainDef *def, const vxlXMLNSDef *ns)
{
    char mac[VIR_MAC_STRING_BUFLEN];
    size_t i;
    size_t j;

    for (i = 0; i < ns->nnics; i++) {
        const vxlXMLNSNic *x = &ns->nics[i];
        bool found = false;

        virMacAddrFormat(&x->mac, mac);
        for (j = 0; j < i; j++) {
            if (virMacAddrCmp(&ns->nics[j].mac, &x->mac) == 0) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<virtxl:nic mac='%s'> appears twice: give an interface's options in one element"),
                               mac);
                return -1;
            }
        }
        for (j = 0; j < def->nnets; j++) {
            if (virMacAddrCmp(&def->nets[j]->mac, &x->mac) == 0)
                found = true;
        }
        if (!found) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:nic mac='%s'> names no <interface> of this domain"),
                           mac);
            return -1;
        }
    }
    /* libxl refuses two vifs with one number. */
    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i]->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
            continue;
        for (j = 0; j < i; j++) {
            if (def->nets[j]->type == VIR_DOMAIN_NET_TYPE_HOSTDEV)
                continue;
            if (vxlXMLNSNicDevid(def, i) == vxlXMLNSNicDevid(def, j)) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("interfaces %zu and %zu would both be vif number %d: give each <virtxl:nic devid> a number of its own"),
                               j + 1, i + 1, vxlXMLNSNicDevid(def, i));
                return -1;
            }
        }
    }
    return 0;
}
