/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_private.c: per-domain private data and its status-file form.
 */
#include "vxl_internal.h"

#include "domain_private.h"
#include "domain_migrate_priv.h"
#include "virbuffer.h"
#include "virxml.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* Here rather than in domain_migrate.c: the status file's parser must
 * not pull the migration code into tools that never migrate. */
VIR_ENUM_IMPL(vxlMigrationState, VXL_MIGRATION_STATE_LAST,
              "none", "out", "performed", "in", "performed-p2p",
              "finishing", "confirmed", "confirmed-undefine", "in-persist",
              "in-taken");

static void *
vxlDomainPrivAlloc(void *opaque)
{
    vxlDomainPriv *priv = g_new0(vxlDomainPriv, 1);

    priv->agentTimeout = VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_DEFAULT;

    if (!(priv->devs = virChrdevAlloc())) {
        g_free(priv);
        return NULL;
    }
    return priv;
}

static void
vxlDomainPrivFree(void *data)
{
    vxlDomainPriv *priv = data;

    if (priv)
        virChrdevFree(priv->devs);
    g_free(priv);
}

static int
vxlDomainPrivFormat(virBuffer *buf, virDomainObj *vm)
{
    vxlDomainPriv *priv = vm->privateData;

    virBufferAsprintf(buf, "<virtxl started='%llu' quickRestarts='%u'",
                      priv->startedAt, priv->quickRestarts);
    if (priv->shutdownRequested)
        virBufferAddLit(buf, " shutdownRequested='yes'");
    if (priv->rebootRequested)
        virBufferAddLit(buf, " rebootRequested='yes'");
    if (priv->migrationState)
        virBufferAsprintf(buf, " migration='%s'",
                          vxlMigrationStateTypeToString(priv->migrationState));
    if (priv->migrationState && priv->migrationFlags)
        virBufferAsprintf(buf, " migrationFlags='0x%x'", priv->migrationFlags);
    virBufferAddLit(buf, "/>\n");
    return 0;
}

static int
vxlDomainPrivParse(xmlXPathContextPtr ctxt, virDomainObj *vm,
                   virDomainDefParserConfig *config)
{
    vxlDomainPriv *priv = vm->privateData;
    xmlNodePtr node = virXPathNode("./virtxl", ctxt);
    virTristateBool b;

    if (!node)
        return 0;
    if (virXMLPropULongLong(node, "started", 10, VIR_XML_PROP_NONE,
                            &priv->startedAt) < 0 ||
        virXMLPropUInt(node, "quickRestarts", 10, VIR_XML_PROP_NONE,
                       &priv->quickRestarts) < 0)
        return -1;
    if (virXMLPropTristateBool(node, "shutdownRequested", VIR_XML_PROP_NONE, &b) < 0)
        return -1;
    priv->shutdownRequested = b == VIR_TRISTATE_BOOL_YES;
    if (virXMLPropTristateBool(node, "rebootRequested", VIR_XML_PROP_NONE, &b) < 0)
        return -1;
    priv->rebootRequested = b == VIR_TRISTATE_BOOL_YES;
    if (virXMLPropEnum(node, "migration", vxlMigrationStateTypeFromString,
                       VIR_XML_PROP_NONE, &priv->migrationState) < 0 ||
        virXMLPropUInt(node, "migrationFlags", 16, VIR_XML_PROP_NONE,
                       &priv->migrationFlags) < 0)
        return -1;
    return 0;
}

virDomainXMLPrivateDataCallbacks vxlDomainPrivateDataCallbacks = {
    .alloc = vxlDomainPrivAlloc,
    .free = vxlDomainPrivFree,
    .format = vxlDomainPrivFormat,
    .parse = vxlDomainPrivParse,
};
