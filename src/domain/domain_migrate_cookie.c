/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_migrate_cookie.c: the cookie the two hosts of a migration pass
 * each other through libvirt (Begin -> Prepare -> Perform -> Finish ->
 * Confirm), in the form libvirt's drivers use: a small XML document.
 *
 *   <virtxl-migration>
 *     <hostname>NAME</hostname>      the host that wrote it
 *     <hostuuid>UUID</hostuuid>
 *     <backend>libxl|sim</backend>   whose stream format it speaks
 *     <name>DOMAIN</name>
 *     <uuid>UUID</uuid>
 *   </virtxl-migration>
 *
 * The host UUID is what stops a domain from being migrated to the host it
 * is on; the backend, a stream from the simulator reaching real Xen.
 */
#include "vxl_internal.h"

#include "domain_migrate_priv.h"
#include "virtxl/backend.h"
#include "virbuffer.h"
#include "virerror.h"
#include "viruuid.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlMigrationCookieBake(vxlDriver *driver, const virDomainDef *def,
                       char **cookie, int *cookielen)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    vxlHostFacts facts = { 0 };
    char uuid[VIR_UUID_STRING_BUFLEN];

    if (!cookie || !cookielen)
        return 0;
    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return -1;
    virBufferAddLit(&buf, "<virtxl-migration>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<hostname>%s</hostname>\n", facts.hostname);
    virBufferAsprintf(&buf, "<hostuuid>%s</hostuuid>\n",
                      virUUIDFormat(facts.hostUUID, uuid));
    virBufferEscapeString(&buf, "<backend>%s</backend>\n",
                          vxlBackendName(driver->backend));
    virBufferEscapeString(&buf, "<name>%s</name>\n", def->name);
    virBufferAsprintf(&buf, "<uuid>%s</uuid>\n", virUUIDFormat(def->uuid, uuid));
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</virtxl-migration>\n");
    vxlHostFactsClear(&facts);

    *cookie = virBufferContentAndReset(&buf);
    *cookielen = strlen(*cookie) + 1;
    return 0;
}

/* The peer's cookie, if any: it must come from another host that speaks
 * our stream. */
int
vxlMigrationCookieCheck(vxlDriver *driver, const char *cookie, int cookielen,
                        const char *domname)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autofree char *hostname = NULL;
    g_autofree char *hostuuid = NULL;
    g_autofree char *backend = NULL;
    unsigned char peer[VIR_UUID_BUFLEN];
    vxlHostFacts facts = { 0 };
    int ret = -1;

    if (!cookie || cookielen <= 0)
        return 0;
    if (cookie[cookielen - 1] != '\0') {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the migration cookie is not a string"));
        return -1;
    }
    if (!(doc = virXMLParseStringCtxt(cookie, _("(migration cookie)"), &ctxt)))
        return -1;
    hostname = virXPathString("string(./hostname)", ctxt);
    hostuuid = virXPathString("string(./hostuuid)", ctxt);
    backend = virXPathString("string(./backend)", ctxt);
    if (!hostname || !hostuuid || !backend ||
        virUUIDParse(hostuuid, peer) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the migration cookie lacks the peer host's name, UUID or backend"));
        return -1;
    }
    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return -1;
    if (memcmp(peer, facts.hostUUID, VIR_UUID_BUFLEN) == 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot migrate domain '%s' to host '%s': it is the host the domain is on (same host UUID %s)"),
                       domname, hostname, hostuuid);
        goto cleanup;
    }
    if (STRNEQ(backend, vxlBackendName(driver->backend))) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot migrate domain '%s' between host '%s' with backend '%s' and a host with backend '%s'"),
                       domname, hostname, backend, vxlBackendName(driver->backend));
        goto cleanup;
    }
    ret = 0;
 cleanup:
    vxlHostFactsClear(&facts);
    return ret;
}
