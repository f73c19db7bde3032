/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_network.c: <interface type='network'> becomes a bridge at start.
 *
 * Translators are pure, so they only know bridges. Before translating,
 * each interface on a libvirt network asks the network driver for a port
 * (virDomainNetAllocateActualDevice); the network answers with the bridge
 * the vif joins. Xen's vifs can only join a bridge, so networks that hand
 * out other kinds of device (macvtap "direct" pools, SR-IOV hostdev pools)
 * are refused, naming the network. Ports are released when the domain
 * stops, or at once when its start fails.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_network");

static bool
vxlDomainNetHasPort(const virDomainNetDef *net)
{
    return net->type == VIR_DOMAIN_NET_TYPE_NETWORK && net->data.network.actual;
}

/* Give @net (of @def) its port; @conn is opened on first need. */
static int
vxlDomainNetworkPrepareNet(virConnectPtr *conn, virDomainDef *def,
                           virDomainNetDef *net)
{
    virDomainNetType actual;

    if (net->type != VIR_DOMAIN_NET_TYPE_NETWORK)
        return 0;
    if (!*conn && !(*conn = virGetConnectNetwork())) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("<interface type='network'> on network '%s' needs libvirt's network driver, which this daemon does not have: %s"),
                       net->data.network.name, virGetLastErrorMessage());
        return -1;
    }
    if (virDomainNetAllocateActualDevice(*conn, def, net) < 0)
        return -1;

    actual = virDomainNetGetActualType(net);
    if ((actual != VIR_DOMAIN_NET_TYPE_BRIDGE &&
         actual != VIR_DOMAIN_NET_TYPE_NETWORK) ||
        !virDomainNetGetActualBridgeName(net)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("network '%s' gives its interfaces devices of type '%s', but a Xen vif can only join a bridge"),
                       net->data.network.name,
                       virDomainNetTypeToString(actual));
        vxlDomainNetworkReleaseOne(def, net);
        return -1;
    }
    VIR_DEBUG("an interface of %s joins bridge %s of network %s", def->name,
              virDomainNetGetActualBridgeName(net), net->data.network.name);
    return 0;
}

int
vxlDomainNetworkPrepare(virDomainDef *def)
{
    g_autoptr(virConnect) conn = NULL;
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (vxlDomainNetworkPrepareNet(&conn, def, def->nets[i]) < 0) {
            /* Releasing opens the network driver's connection, which
             * clears the thread's error: the cause is kept for the
             * client. */
            virErrorPtr cause = NULL;

            virErrorPreserveLast(&cause);
            vxlDomainNetworkRelease(def);
            virErrorRestore(&cause);
            return -1;
        }
    }
    return 0;
}

int
vxlDomainNetworkPrepareOne(virDomainDef *def, virDomainNetDef *net)
{
    g_autoptr(virConnect) conn = NULL;

    return vxlDomainNetworkPrepareNet(&conn, def, net);
}

/* Give @net's port back; @conn is opened on first need. False when the
 * network driver cannot be reached, so the caller stops trying. */
static bool
vxlDomainNetworkReleaseNet(virConnectPtr *conn, virDomainDef *def,
                           virDomainNetDef *net)
{
    if (!vxlDomainNetHasPort(net))
        return true;
    if (!*conn && !(*conn = virGetConnectNetwork())) {
        VIR_WARN("cannot release the port of %s on network %s: %s",
                 def->name, net->data.network.name, virGetLastErrorMessage());
        return false;
    }
    /* libvirt 9.0's virDomainNetReleaseActualDevice answers -1 even
     * when the port was deleted; only an error it raised is a failure. */
    virResetLastError();
    if (virDomainNetReleaseActualDevice(*conn, def, net) < 0 && virGetLastError())
        VIR_WARN("cannot release the port of %s on network %s: %s",
                 def->name, net->data.network.name, virGetLastErrorMessage());
    g_clear_pointer(&net->data.network.actual, virDomainActualNetDefFree);
    return true;
}

/*
 * Releasing runs on failure paths too, so both functions keep the
 * caller's error: opening the connection to the network driver clears
 * the thread's last error, and a client would be told "unknown cause".
 */
void
vxlDomainNetworkReleaseOne(virDomainDef *def, virDomainNetDef *net)
{
    virConnectPtr conn = NULL;
    virErrorPtr saved = NULL;

    virErrorPreserveLast(&saved);
    ignore_value(vxlDomainNetworkReleaseNet(&conn, def, net));
    virObjectUnref(conn);
    virErrorRestore(&saved);
}

void
vxlDomainNetworkRelease(virDomainDef *def)
{
    virConnectPtr conn = NULL;
    virErrorPtr saved = NULL;
    size_t i;

    virErrorPreserveLast(&saved);
    for (i = 0; i < def->nnets; i++) {
        if (!vxlDomainNetworkReleaseNet(&conn, def, def->nets[i]))
            break;
    }
    virObjectUnref(conn);
    virErrorRestore(&saved);
}
