/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_metadata.c: simulated guest behaviour from the domain's metadata.
 *
 * A real guest decides for itself whether to honour a shutdown request,
 * crash or reboot. The simulator's guests are told, by one element in
 * the project's namespace, so tests can drive every path Xen can take:
 *
 *   <metadata>
 *     <virtxl:guest xmlns:virtxl="https://virtxl.dev/xmlns/domain/1.0"
 *                   boot-delay-ms="0" shutdown="honour|ignore|reboot"
 *                   shutdown-delay-ms="300" crash-after-ms="..."
 *                   reboot-after-ms="..." poweroff-after-ms="..."
 *                   watchdog-after-ms="..." soft-reset-after-ms="..."
 *                   dirty-mib-per-s="..."
 *                   disk-rate="KiB/s" net-rate="KiB/s" mem-used="MiB"
 *                   nmi="log|crash" ip="192.0.2.10[,...]"
 *                   agent="no|yes|hung"/>
 *   </metadata>
 *
 * Without the element, or an attribute of it, the guest honours
 * shutdown requests after 300 ms, uses a quarter of its memory and does
 * I/O at 16 KiB/s per disk and 4 KiB/s per vif; disk-rate, net-rate
 * and mem-used "0" make it idle.
 *
 * dirty-mib-per-s is how fast the running guest writes its memory: a live
 * migration sends that much again in each pre-copy round, so a guest
 * that writes faster than the link carries never converges.
 *
 * Being metadata, it survives define/dumpxml untouched, and libvirt's
 * virDomainSetMetadata can change it between starts.
 */
#include "vxl_internal.h"

#include "domain_metadata.h"
#include "virxml.h"
#include "virsocketaddr.h"
#include "virerror.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* A guest that is asked to power off does so after this long, which is
 * quick enough for tests and long enough to observe "in shutdown". */
#define VXL_GUEST_DEFAULT_SHUTDOWN_DELAY_MS 300
#define VXL_GUEST_DEFAULT_DISK_RATE_KIBS 16
#define VXL_GUEST_DEFAULT_NET_RATE_KIBS 4

VIR_ENUM_DECL(vxlGuestShutdownPolicy);
VIR_ENUM_IMPL(vxlGuestShutdownPolicy, VXL_GUEST_SHUTDOWN_REBOOT + 1,
              "honour", "ignore", "reboot");

static xmlNodePtr
vxlDomainGuestScriptNode(const virDomainDef *def)
{
    xmlNodePtr n;

    if (!def->metadata)
        return NULL;
    for (n = def->metadata->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
            STREQ((const char *)n->ns->href, VXL_XMLNS_URI) &&
            STREQ((const char *)n->name, "guest"))
            return n;
    }
    return NULL;
}

/* The addresses a simulated guest configures on its vifs. */
static int
vxlDomainGuestAddressesParse(const char *ip, vxlGuestScript *script)
{
    g_auto(GStrv) list = g_strsplit(ip, ",", -1);
    size_t i;

    for (i = 0; list[i]; i++) {
        virSocketAddr addr;

        if (virSocketAddrParse(&addr, g_strstrip(list[i]), AF_UNSPEC) < 0) {
            virResetLastError();
            virReportError(VIR_ERR_XML_DETAIL,
                           _("<virtxl:guest ip='%s'> is not a comma separated list of IP addresses"),
                           ip);
            return -1;
        }
    }
    if (strlen(ip) >= sizeof(script->addresses)) {
        virReportError(VIR_ERR_XML_DETAIL,
                       _("<virtxl:guest ip='%s'> is too long: at most %zu characters"),
                       ip, sizeof(script->addresses) - 1);
        return -1;
    }
    g_strlcpy(script->addresses, ip, sizeof(script->addresses));
    return 0;
}

int
vxlDomainGuestScriptParse(const virDomainDef *def, vxlGuestScript *script)
{
    static const struct {
        const char *attr;
        size_t offset;
    } times[] = {
        { "boot-delay-ms", offsetof(vxlGuestScript, bootDelayMs) },
        { "shutdown-delay-ms", offsetof(vxlGuestScript, shutdownDelayMs) },
        { "crash-after-ms", offsetof(vxlGuestScript, crashAfterMs) },
        { "reboot-after-ms", offsetof(vxlGuestScript, rebootAfterMs) },
        { "poweroff-after-ms", offsetof(vxlGuestScript, poweroffAfterMs) },
        { "watchdog-after-ms", offsetof(vxlGuestScript, watchdogAfterMs) },
        { "soft-reset-after-ms", offsetof(vxlGuestScript, softResetAfterMs) },
        { "dirty-mib-per-s", offsetof(vxlGuestScript, dirtyMiBps) },
        { "disk-rate", offsetof(vxlGuestScript, diskRateKiBs) },
        { "net-rate", offsetof(vxlGuestScript, netRateKiBs) },
        { "mem-used", offsetof(vxlGuestScript, memUsedMiB) },
    };
    /* An unscripted guest is a booted, idle one: it holds a quarter of
     * its memory and trickles I/O, so that clients' graphs (virt-manager's
     * memory, disk and network) show a live guest rather than flat
     * zeros. */
    vxlGuestScript tmp = {
        .shutdownDelayMs = VXL_GUEST_DEFAULT_SHUTDOWN_DELAY_MS,
        .diskRateKiBs = VXL_GUEST_DEFAULT_DISK_RATE_KIBS,
        .netRateKiBs = VXL_GUEST_DEFAULT_NET_RATE_KIBS,
        .memUsedMiB = def->mem.cur_balloon / 1024 / 4,
    };
    xmlNodePtr node = vxlDomainGuestScriptNode(def);
    g_autofree char *policy = NULL;
    g_autofree char *nmi = NULL;
    g_autofree char *ip = NULL;
    g_autofree char *agent = NULL;
    size_t i;

    if (node) {
        for (i = 0; i < G_N_ELEMENTS(times); i++) {
            unsigned int *field = (unsigned int *)((char *)&tmp + times[i].offset);

            /* virXMLPropUInt names the element and attribute in its error */
            if (virXMLPropUInt(node, times[i].attr, 10, VIR_XML_PROP_NONE,
                               field) < 0)
                return -1;
        }
        if ((policy = virXMLPropString(node, "shutdown"))) {
            int p = vxlGuestShutdownPolicyTypeFromString(policy);

            if (p < 0) {
                virReportError(VIR_ERR_XML_DETAIL,
                               _("<virtxl:guest shutdown='%s'> is not known; use honour, ignore or reboot"),
                               policy);
                return -1;
            }
            tmp.onShutdownRequest = p;
        }
        if ((ip = virXMLPropString(node, "ip")) &&
            vxlDomainGuestAddressesParse(ip, &tmp) < 0)
            return -1;
        if ((agent = virXMLPropString(node, "agent"))) {
            if (STREQ(agent, "yes")) {
                tmp.agent = VXL_GUEST_AGENT_YES;
            } else if (STREQ(agent, "hung")) {
                tmp.agent = VXL_GUEST_AGENT_HUNG;
            } else if (STRNEQ(agent, "no")) {
                virReportError(VIR_ERR_XML_DETAIL,
                               _("<virtxl:guest agent='%s'> is not known; use no, yes or hung"),
                               agent);
                return -1;
            }
        }
        if ((nmi = virXMLPropString(node, "nmi"))) {
            if (STREQ(nmi, "crash")) {
                tmp.crashOnNmi = true;
            } else if (STRNEQ(nmi, "log")) {
                virReportError(VIR_ERR_XML_DETAIL,
                               _("<virtxl:guest nmi='%s'> is not known; use log or crash"),
                               nmi);
                return -1;
            }
        }
    }
    *script = tmp;
    return 0;
}
