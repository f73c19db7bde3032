/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlopt.c: the driver's domain XML parser, complete: the conf
 * layer's parser configuration (src/conf/conf_xmlopt.c) with translate/'s
 * define-time validators and the per-domain private data of domain/.
 */
#include "vxl_internal.h"

#include "domain_xmlopt.h"
#include "domain_job.h"
#include "domain_private.h"
#include "translate.h"
#include "virclosecallbacks.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* libvirt's own drivers refuse control characters in names too: a
 * newline in a name breaks every listing that prints one per line. */
static int
vxlDomainNameCheck(const char *name)
{
    const char *p;

    for (p = name; p && *p; p++) {
        if (g_ascii_iscntrl(*p)) {
            virReportError(VIR_ERR_XML_DETAIL,
                           _("domain name '%s' contains a control character (code %d), which is not allowed"),
                           name, *p);
            return -1;
        }
    }
    return 0;
}

static int
vxlDomainDefValidate(const virDomainDef *def, void *opaque, void *parseOpaque)
{
    if (vxlDomainNameCheck(def->name) < 0)
        return -1;
    return vxlValidateDomain(def);
}

/* Each device on its own, as parsed for hot-plug (virsh attach-device)
 * as well as within a whole domain: what Xen cannot do is refused at
 * parse time, with the message the domain-wide validators give. */
static int
vxlDomainDeviceDefValidate(const virDomainDeviceDef *dev,
                           const virDomainDef *def,
                           void *opaque, void *parseOpaque)
{
    switch (dev->type) {
    case VIR_DOMAIN_DEVICE_DISK:
        return vxlValidateDisk(def, dev->data.disk);
    case VIR_DOMAIN_DEVICE_NET:
        return vxlValidateNet(def, dev->data.net);
    case VIR_DOMAIN_DEVICE_HOSTDEV:
        return vxlValidateHostdev(def, dev->data.hostdev);
    case VIR_DOMAIN_DEVICE_CONTROLLER:
        return vxlValidateController(def, dev->data.controller);
    default:
        /* Other classes are validated with the whole domain. */
        return 0;
    }
}

virDomainXMLOption *
vxlDomainXMLOptionNew(void)
{
    virDomainXMLOption *xmlopt;

    xmlopt = vxlConfXMLOptionNew(vxlDomainDefValidate, vxlDomainDeviceDefValidate,
                                 &vxlDomainPrivateDataCallbacks,
                                 &vxlDomainJobConfig);
    /* Per-domain close callbacks: a migration whose client goes away
     * between phases is ended (domain_migrate.c). */
    if (xmlopt)
        virDomainXMLOptionSetCloseCallbackAlloc(xmlopt,
                                                virCloseCallbacksDomainAlloc);
    return xmlopt;
}
