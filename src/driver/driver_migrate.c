/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_migrate.c: migration entry points (libvirt's protocol v3 with
 * parameters, and the direct Perform3 that virDomainMigrateToURI3 calls
 * without the peer-to-peer flag) and the migration speed and downtime
 * settings. The phases are in src/domain/domain_migrate.c.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain_migrate.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"
#include "viruri.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_migrate");

char *
vxlDomainMigrateBegin3Params(virDomainPtr domain, virTypedParameterPtr params,
                             int nparams, char **cookieout, int *cookieoutlen,
                             unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    const char *xmlin = NULL;
    virDomainObj *vm;
    char *xml = NULL;

    if (vxlMigrationCheckArgs(flags, params, nparams) < 0)
        return NULL;
    if (virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_XML,
                                &xmlin) < 0)
        return NULL;
    if (!(vm = vxlEntryBegin(domain, virDomainMigrateBegin3ParamsEnsureACL,
                             VIR_JOB_NONE)))
        return NULL;
    xml = vxlMigrationBegin(driver, domain->conn, vm, xmlin, cookieout,
                            cookieoutlen, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return xml;
}

/* The destination's definition of the incoming domain. */
static virDomainDef *
vxlMigrationIncomingDef(vxlDriver *driver, virTypedParameterPtr params,
                        int nparams, char **origname)
{
    const char *xml = NULL;
    const char *dname = NULL;
    virDomainDef *def;

    if (virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_XML, &xml) < 0 ||
        virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_NAME, &dname) < 0)
        return NULL;
    if (!xml) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("no domain XML was passed for the incoming migration"));
        return NULL;
    }
    if (!(def = virDomainDefParseString(xml, driver->xmlopt, NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return NULL;
    *origname = g_strdup(def->name);
    if (dname) {
        g_free(def->name);
        def->name = g_strdup(dname);
    }
    return def;
}

static int
vxlDomainMigratePrepareAny(virConnectPtr dconn, virStreamPtr st,
                           virTypedParameterPtr params, int nparams,
                           const char *cookiein, int cookieinlen,
                           char **cookieout, int *cookieoutlen,
                           char **uri_out, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *origname = NULL;
    const char *uriIn = NULL;

    if (vxlMigrationCheckArgs(flags, params, nparams) < 0)
        return -1;
    if (virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_URI, &uriIn) < 0)
        return -1;
    if (!(def = vxlMigrationIncomingDef(driver, params, nparams, &origname)))
        return -1;
    if (st) {
        if (virDomainMigratePrepareTunnel3ParamsEnsureACL(dconn, def) < 0)
            return -1;
    } else if (virDomainMigratePrepare3ParamsEnsureACL(dconn, def) < 0) {
        return -1;
    }
    return vxlMigrationPrepare(driver, dconn, &def, origname, uriIn, st,
                               cookiein, cookieinlen, cookieout, cookieoutlen,
                               uri_out, flags);
}

int
vxlDomainMigratePrepare3Params(virConnectPtr dconn, virTypedParameterPtr params,
                               int nparams, const char *cookiein,
                               int cookieinlen, char **cookieout,
                               int *cookieoutlen, char **uri_out,
                               unsigned int flags)
{
    return vxlDomainMigratePrepareAny(dconn, NULL, params, nparams, cookiein,
                                      cookieinlen, cookieout, cookieoutlen,
                                      uri_out, flags);
}

int
vxlDomainMigratePrepareTunnel3Params(virConnectPtr dconn, virStreamPtr st,
                                     virTypedParameterPtr params, int nparams,
                                     const char *cookiein, int cookieinlen,
                                     char **cookieout, int *cookieoutlen,
                                     unsigned int flags)
{
    if (!(flags & VIR_MIGRATE_TUNNELLED)) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a tunnelled Prepare needs the tunnelled migration flag"));
        return -1;
    }
    return vxlDomainMigratePrepareAny(dconn, st, params, nparams, cookiein,
                                      cookieinlen, cookieout, cookieoutlen,
                                      NULL, flags);
}

/*
 * The destination's daemon from a xenmigr:// URI (the migration URI of a
 * direct migration, or the destination URI Nova 22 builds for Xen from
 * its template xenmigr://%s/system when a peer-to-peer call carries it):
 * xenmigr://HOST[:PORT][/system] -> xen+tcp://HOST[:PORT]/system, or with a
 * socket= query (a daemon reached through a UNIX socket, as two private
 * daemons on one machine are) xen+unix:///system?socket=PATH.
 */
static char *
vxlMigrationDirectConnectURI(const char *uri)
{
    g_autoptr(virURI) parsed = NULL;
    size_t i;

    if (!(parsed = virURIParse(uri)))
        return NULL;
    if (!parsed->scheme || STRNEQ(parsed->scheme, "xenmigr")) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("migration URI '%s' is not supported: use xenmigr://HOST"),
                       uri);
        return NULL;
    }
    for (i = 0; i < parsed->paramsCount; i++) {
        if (STREQ(parsed->params[i].name, "socket"))
            return g_strdup_printf("xen+unix:///system?socket=%s",
                                   parsed->params[i].value);
    }
    if (!parsed->server) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("migration URI '%s' names no host"), uri);
        return NULL;
    }
    if (parsed->port > 0)
        return g_strdup_printf("xen+tcp://%s:%d/system", parsed->server,
                               parsed->port);
    return g_strdup_printf("xen+tcp://%s/system", parsed->server);
}

int
vxlDomainMigratePerform3Params(virDomainPtr dom, const char *dconnuri,
                               virTypedParameterPtr params, int nparams,
                               const char *cookiein, int cookieinlen,
                               char **cookieout, int *cookieoutlen,
                               unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    g_autofree char *daemonURI = NULL;
    virDomainObj *vm;
    int ret = -1;

    if (vxlMigrationCheckArgs(flags, params, nparams) < 0)
        return -1;
    if (!(vm = vxlEntryBegin(dom, virDomainMigratePerform3ParamsEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    if ((flags & VIR_MIGRATE_PEER2PEER) && !dconnuri) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("peer-to-peer migration needs the destination's libvirt URI"));
        goto cleanup;
    }
    /* No libvirt driver answers xenmigr://: it names the host only. */
    if ((flags & VIR_MIGRATE_PEER2PEER) && STRPREFIX(dconnuri, "xenmigr:")) {
        if (!(daemonURI = vxlMigrationDirectConnectURI(dconnuri)))
            goto cleanup;
        dconnuri = daemonURI;
    }
    ret = vxlMigrationPerform(driver, vm,
                              (flags & VIR_MIGRATE_PEER2PEER) ? dconnuri : NULL,
                              params, nparams, cookiein, cookieinlen,
                              cookieout, cookieoutlen, flags);
 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainMigratePerform3(virDomainPtr dom, const char *xmlin,
                         const char *cookiein, int cookieinlen,
                         char **cookieout, int *cookieoutlen,
                         const char *dconnuri, const char *uri,
                         unsigned long flags, const char *dname,
                         unsigned long resource)
{
    virTypedParameterPtr params = NULL;
    int nparams = 0;
    int maxparams = 0;
    g_autofree char *directURI = NULL;
    int ret = -1;

    if (!(flags & VIR_MIGRATE_PEER2PEER)) {
        /* virDomainMigrateToURI3 without peer-to-peer passes only the
         * migrate URI parameter here: libvirt's client library drops the
         * destination URI of the call itself (docs/migration.md). */
        if (!uri) {
            virReportError(VIR_ERR_INVALID_ARG, "%s",
                           _("direct migration needs the destination in the migration URI parameter (VIR_MIGRATE_PARAM_URI, e.g. xenmigr://HOST), since libvirt passes the destination URI of virDomainMigrateToURI3 to the driver only with VIR_MIGRATE_PEER2PEER: add that flag or set the parameter"));
            return -1;
        }
        if (!(directURI = vxlMigrationDirectConnectURI(uri)))
            return -1;
        dconnuri = directURI;
        flags |= VIR_MIGRATE_PEER2PEER;
        uri = NULL;
    }
    if ((uri && virTypedParamsAddString(&params, &nparams, &maxparams,
                                        VIR_MIGRATE_PARAM_URI, uri) < 0) ||
        (xmlin && virTypedParamsAddString(&params, &nparams, &maxparams,
                                          VIR_MIGRATE_PARAM_DEST_XML, xmlin) < 0) ||
        (dname && virTypedParamsAddString(&params, &nparams, &maxparams,
                                          VIR_MIGRATE_PARAM_DEST_NAME, dname) < 0) ||
        (resource && virTypedParamsAddULLong(&params, &nparams, &maxparams,
                                             VIR_MIGRATE_PARAM_BANDWIDTH,
                                             resource) < 0))
        goto cleanup;
    ret = vxlDomainMigratePerform3Params(dom, dconnuri, params, nparams,
                                         cookiein, cookieinlen, cookieout,
                                         cookieoutlen, flags);
 cleanup:
    virTypedParamsFree(params, nparams);
    return ret;
}

virDomainPtr
vxlDomainMigrateFinish3Params(virConnectPtr dconn, virTypedParameterPtr params,
                              int nparams, const char *cookiein, int cookieinlen,
                              char **cookieout, int *cookieoutlen,
                              unsigned int flags, int cancelled)
{
    vxlDriver *driver = vxl_driver;
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *origname = NULL;
    const char *dname = NULL;
    const char *persistXML = NULL;
    virDomainObj *vm;

    if (virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_NAME, &dname) < 0 ||
        virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_PERSIST_XML,
                                &persistXML) < 0)
        return NULL;
    /* Without a new name, the domain keeps the one its XML gives. */
    if (!dname) {
        if (!(def = vxlMigrationIncomingDef(driver, params, nparams, &origname)))
            return NULL;
        dname = def->name;
    }
    if ((vm = virDomainObjListFindByName(driver->domains, dname))) {
        int rc = virDomainMigrateFinish3ParamsEnsureACL(dconn, vm->def);

        virDomainObjEndAPI(&vm);
        if (rc < 0)
            return NULL;
    }
    return vxlMigrationFinish(driver, dconn, dname, persistXML, cookiein,
                              cookieinlen, cookieout, cookieoutlen, flags,
                              !!cancelled);
}

int
vxlDomainMigrateConfirm3Params(virDomainPtr domain, virTypedParameterPtr params,
                               int nparams, const char *cookiein,
                               int cookieinlen, unsigned int flags,
                               int cancelled)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    int ret = -1;

    if (!(vm = vxlEntryBegin(domain, virDomainMigrateConfirm3ParamsEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    ret = vxlMigrationConfirm(driver, vm, cookiein, cookieinlen, flags,
                              !!cancelled);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainMigrateSetMaxSpeed(virDomainPtr dom, unsigned long bandwidth,
                            unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainMigrateSetMaxSpeedEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    vxlMigrationSetMaxSpeed(vm, bandwidth);
    ret = 0;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainMigrateGetMaxSpeed(virDomainPtr dom, unsigned long *bandwidth,
                            unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainMigrateGetMaxSpeedEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    *bandwidth = vxlMigrationGetMaxSpeed(vm);
    ret = 0;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainMigrateSetMaxDowntime(virDomainPtr dom, unsigned long long downtime,
                               unsigned int flags)
{
    virDomainObj *vm;

    virCheckFlags(0, -1);
    /* The domain and the caller's right first, as for any domain call. */
    if (!(vm = vxlEntryBegin(dom, virDomainMigrateSetMaxDowntimeEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                   _("a maximum downtime cannot be set: libxl's migration has no downtime target, it stops the guest after at most five pre-copy rounds whatever is left"));
    return -1;
}
