/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_detach_alias.c: detach a device named by its alias (virsh
 * detach-device-alias, virDomainDetachDeviceAlias).
 *
 * The device is looked up in each definition the flags name, and its
 * own XML, as the definition holds it, goes through the ordinary detach
 * (domain_hotplug.c): the same checks, intents, backend calls and
 * events as `virsh detach-device` with that XML, so an alias adds no
 * second way of taking a device out of Xen.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_detach_alias");

/* The XML of the device of @def whose <alias name> is @alias, as @def
 * formats it; NULL (no error reported) when it has none. */
static char *
vxlDomainDeviceXMLByAlias(vxlDriver *driver, virDomainDef *def,
                          const char *alias)
{
    g_autofree char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    xmlNodePtr devices;
    xmlNodePtr dev;

    if (!(xml = virDomainDefFormat(def, driver->xmlopt,
                                   VIR_DOMAIN_DEF_FORMAT_SECURE)) ||
        !(doc = virXMLParseStringCtxt(xml, _("(domain_definition)"), &ctxt)) ||
        !(devices = virXPathNode("./devices", ctxt)))
        return NULL;
    for (dev = devices->children; dev; dev = dev->next) {
        xmlNodePtr child;

        if (dev->type != XML_ELEMENT_NODE)
            continue;
        for (child = dev->children; child; child = child->next) {
            g_autofree char *name = NULL;

            if (child->type != XML_ELEMENT_NODE ||
                !virXMLNodeNameEqual(child, "alias"))
                continue;
            name = virXMLPropString(child, "name");
            if (STREQ_NULLABLE(name, alias))
                return virXMLNodeToString(doc, dev);
        }
    }
    return NULL;
}

/* Whether @def has a device with @alias; reported if not. */
static bool
vxlDomainHasAlias(virDomainObj *vm, virDomainDef *def, const char *alias,
                  bool live)
{
    virDomainDeviceDef dev;

    if (virDomainDefFindDevice(def, alias, &dev, false) == 0)
        return true;
    if (live)
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("running domain '%s' has no device with alias '%s'"),
                       vm->def->name, alias);
    else
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("the persistent definition of domain '%s' has no device with alias '%s'"),
                       vm->def->name, alias);
    return false;
}

int
vxlDomainHotplugDetachAlias(vxlDriver *driver, virDomainObj *vm,
                            const char *alias, virDomainDef *def,
                            virDomainDef *persistentDef)
{
    g_autofree char *xml = NULL;
    virDomainDef *from = def ? def : persistentDef;

    if ((def && !vxlDomainHasAlias(vm, def, alias, true)) ||
        (persistentDef && !vxlDomainHasAlias(vm, persistentDef, alias, false)))
        return -1;
    if (!(xml = vxlDomainDeviceXMLByAlias(driver, from, alias))) {
        /* A device libvirt's definition has but does not format under
         * <devices> (none that Xen hot-plugs). */
        if (!virGetLastError())
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("the device with alias '%s' of domain '%s' cannot be detached"),
                           alias, vm->def->name);
        return -1;
    }
    VIR_DEBUG("detaching device %s of domain %s: %s", alias, vm->def->name, xml);
    return vxlDomainHotplugDetach(driver, vm, xml, def, persistentDef);
}
