/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native.c: the converter's entry points, for the driver and the tool.
 */
#include "vxl_internal.h"

#include "native_private.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.native");

/* xm's files are python-like and xl reads them with the same grammar;
 * the keys xl still knows mean the same, so one reader serves both. */
static const char *const vxlNativeFormatNames[] = {
    [VXL_NATIVE_FORMAT_XL] = "xen-xl",
    [VXL_NATIVE_FORMAT_XM] = "xen-xm",
};
G_STATIC_ASSERT(G_N_ELEMENTS(vxlNativeFormatNames) == VXL_NATIVE_FORMAT_LAST);


int
vxlNativeFormatFromString(const char *name)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vxlNativeFormatNames); i++) {
        if (STREQ_NULLABLE(name, vxlNativeFormatNames[i]))
            return i;
    }
    virReportError(VIR_ERR_INVALID_ARG,
                   _("unsupported config format '%s': this driver converts 'xen-xl' and 'xen-xm'"),
                   NULLSTR(name));
    return -1;
}


virDomainDef *
vxlNativeParseXL(const char *data, size_t len, const char *source,
                 virDomainXMLOption *xmlopt, GPtrArray *warnings)
{
    vxlNativeReader r;
    g_autofree char *xml = NULL;
    g_autoptr(GPtrArray) local = g_ptr_array_new_with_free_func(g_free);
    virDomainDef *def = NULL;
    size_t i;

    if (vxlNativeReaderOpen(&r, data, len, source, local) < 0)
        goto cleanup;
    if (!(xml = vxlNativeBuildXML(&r)))
        goto cleanup;
    vxlNativeWarnUnused(&r);

    VIR_DEBUG("%s as domain XML:\n%s", source, xml);
    if (!(def = virDomainDefParseString(xml, xmlopt, NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        goto cleanup;

    /* Warnings only for a conversion that happened. */
    for (i = 0; i < local->len; i++) {
        VIR_WARN("%s", (const char *)g_ptr_array_index(local, i));
        if (warnings)
            g_ptr_array_add(warnings, g_strdup(g_ptr_array_index(local, i)));
    }

 cleanup:
    vxlNativeReaderClose(&r);
    return def;
}


char *
vxlNativeXLToXML(const char *data, size_t len, const char *source,
                 virDomainXMLOption *xmlopt, GPtrArray *warnings)
{
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *xml = NULL;

    /* With the secrets (VNC and SPICE passwords) the file holds: the XML
     * is the same configuration in another form, and without them a
     * define that follows would listen unprotected. libvirt's own
     * converter includes them too. */
    if (!(def = vxlNativeParseXL(data, len, source, xmlopt, warnings)) ||
        !(xml = virDomainDefFormat(def, xmlopt, VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                                   VIR_DOMAIN_DEF_FORMAT_SECURE)))
        return NULL;
    /* ms_vm_genid="generate" asks for a fresh ID, which libvirt's parser
     * has just made up: say what the file says, an empty <genid/>, so
     * that each define generates its own, as each xl create does. */
    if (def->genidGenerated) {
        char *open = strstr(xml, "<genid>");
        char *close = open ? strstr(open, "</genid>") : NULL;

        if (close) {
            g_autofree char *head = g_strndup(xml, open - xml);
            g_autofree char *whole = g_strdup_printf("%s<genid/>%s", head, close + strlen("</genid>"));

            g_free(xml);
            xml = g_steal_pointer(&whole);
        }
    }
    return g_steal_pointer(&xml);
}


char *
vxlNativeXMLToXL(const char *xml, virDomainXMLOption *xmlopt)
{
    g_autoptr(virDomainDef) def = NULL;

    if (!(def = virDomainDefParseString(xml, xmlopt, NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return NULL;
    return vxlNativeFormatXL(def);
}
