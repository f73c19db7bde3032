/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_usbctrl.c: <virtxl:usbctrl index='N' type='T'
 * version='V'/>, what an xl usbctrl= entry says that libvirt's USB
 * <controller> cannot:
 *
 *   type=     pv (the dom0 kernel's usbback), devicemodel (a controller
 *             qemu emulates for an HVM guest), auto (libxl picks by
 *             host and guest); a qusb1/qusb2 model alone is type=qusb
 *   version=  3, a USB 3 controller (devicemodel only), which no qusb
 *             model names; 1 and 2 are the model's
 *
 * The element names its controller by index, which xl's usbdev=
 * controller= names too.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


int
vxlXMLNSParseUsbctrl(xmlNodePtr node, vxlXMLNSUsbctrl *ctrl)
{
    g_autofree char *type = virXMLPropString(node, "type");
    libxl_usbctrl_type t;

    if (virXMLPropUInt(node, "index", 10, VIR_XML_PROP_REQUIRED, &ctrl->index) < 0)
        return -1;
    if (!type || libxl_usbctrl_type_from_string(type, &t) < 0 ||
        t == LIBXL_USBCTRL_TYPE_QUSB) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:usbctrl index='%u'> needs type='pv', 'devicemodel' or 'auto'"),
                       ctrl->index);
        return -1;
    }
    ctrl->type = t;
    if (virXMLPropUInt(node, "version", 10, VIR_XML_PROP_NONZERO, &ctrl->version) < 0)
        return -1;
    if (ctrl->version > 3) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:usbctrl index='%u' version='%u'> is not a USB version: use 1, 2 or 3"),
                       ctrl->index, ctrl->version);
        return -1;
    }
    return 0;
}


void
vxlXMLNSFormatUsbctrl(virBuffer *buf, const vxlXMLNSUsbctrl *ctrl)
{
    virBufferAsprintf(buf, "<virtxl:usbctrl index='%u' type='%s'", ctrl->index,
                      libxl_usbctrl_type_to_string(ctrl->type));
    if (ctrl->version)
        virBufferAsprintf(buf, " version='%u'", ctrl->version);
    virBufferAddLit(buf, "/>\n");
}


const vxlXMLNSUsbctrl *
vxlXMLNSFindUsbctrl(const virDomainDef *def, unsigned int index)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t i;

    for (i = 0; ns && i < ns->nusbctrls; i++) {
        if (ns->usbctrls[i].index == index)
            return &ns->usbctrls[i];
    }
    return NULL;
}


int
vxlValidateXMLNSUsbctrls(const virDomainDef *def, const vxlXMLNSDef *ns)
{
    size_t i;
    size_t j;

    for (i = 0; i < ns->nusbctrls; i++) {
        const vxlXMLNSUsbctrl *x = &ns->usbctrls[i];
        const virDomainControllerDef *cont = NULL;

        for (j = 0; j < i; j++) {
            if (ns->usbctrls[j].index == x->index) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<virtxl:usbctrl index='%u'> appears twice: give a controller's options in one element"),
                               x->index);
                return -1;
            }
        }
        for (j = 0; j < def->ncontrollers; j++) {
            if (def->controllers[j]->type == VIR_DOMAIN_CONTROLLER_TYPE_USB &&
                def->controllers[j]->idx == (int)x->index)
                cont = def->controllers[j];
        }
        if (!cont ||
            (cont->model != VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB1 &&
             cont->model != VIR_DOMAIN_CONTROLLER_MODEL_USB_QUSB2)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:usbctrl index='%u'> names no <controller type='usb' index='%u'> of model qusb1 or qusb2"),
                           x->index, x->index);
            return -1;
        }
        /* As libxl refuses them when it sets the controller up; auto is
         * the devicemodel type for an HVM guest there. */
        if (x->version == 3 && x->type != LIBXL_USBCTRL_TYPE_DEVICEMODEL &&
            !(x->type == LIBXL_USBCTRL_TYPE_AUTO && def->os.type == VIR_DOMAIN_OSTYPE_HVM)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:usbctrl index='%u' version='3'> needs type='devicemodel': Xen's paravirtual USB is version 1 or 2"),
                           x->index);
            return -1;
        }
    }
    return 0;
}
