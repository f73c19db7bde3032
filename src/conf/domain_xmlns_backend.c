/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_backend.c: the driver domain serving a Xen <channel> or a
 * 9pfs <filesystem>, which libvirt's <backenddomain> cannot say (its
 * schema has it for disks, interfaces and hostdevs only):
 *   <virtxl:channel name='org.example.agent' backend='DOM'/>
 *   <virtxl:p9 tag='share' backend='DOM'/>
 * xl's backend= in a channel= or p9= spec (libxl_device_channel and
 * libxl_device_p9 backend_domname). Each names its device by what xl
 * names it by: a channel by its <target name>, a filesystem by its
 * <target dir> (the 9p mount tag).
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* The attribute naming the device of each element. */
static const char *
vxlXMLNSDevBackendKeyAttr(bool p9)
{
    return p9 ? "tag" : "name";
}


int
vxlXMLNSParseDevBackend(xmlNodePtr node, bool p9, vxlXMLNSDef *ns)
{
    const char *elem = p9 ? "p9" : "channel";
    const char *attr = vxlXMLNSDevBackendKeyAttr(p9);
    g_autofree char *device = virXMLPropString(node, attr);
    g_autofree char *backend = virXMLPropString(node, "backend");
    vxlXMLNSDevBackend **list = p9 ? &ns->p9Backends : &ns->channelBackends;
    size_t *n = p9 ? &ns->np9Backends : &ns->nchannelBackends;

    if (!device || !*device || !backend || !*backend) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s> needs %s='...' (its device's <target %s>) and backend='DOMAIN'"),
                       elem, attr, p9 ? "dir" : "name");
        return -1;
    }
    /* Both go into one xl spec and into xenstore as one word. */
    if (strpbrk(device, ",=\n") || strpbrk(backend, ",= \t\n")) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s %s='%s' backend='%s'>: neither may hold ',' or '=', nor the domain name blanks"),
                       elem, attr, device, backend);
        return -1;
    }
    *list = g_renew(vxlXMLNSDevBackend, *list, *n + 1);
    (*list)[*n].device = g_steal_pointer(&device);
    (*list)[*n].backend = g_steal_pointer(&backend);
    (*n)++;
    return 0;
}


void
vxlXMLNSFormatDevBackends(virBuffer *buf, const vxlXMLNSDef *ns)
{
    size_t i;

    for (i = 0; i < ns->nchannelBackends; i++) {
        virBufferEscapeString(buf, "<virtxl:channel name='%s'", ns->channelBackends[i].device);
        virBufferEscapeString(buf, " backend='%s'/>\n", ns->channelBackends[i].backend);
    }
    for (i = 0; i < ns->np9Backends; i++) {
        virBufferEscapeString(buf, "<virtxl:p9 tag='%s'", ns->p9Backends[i].device);
        virBufferEscapeString(buf, " backend='%s'/>\n", ns->p9Backends[i].backend);
    }
}


static void
vxlXMLNSDevBackendListFree(vxlXMLNSDevBackend *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        g_free(list[i].device);
        g_free(list[i].backend);
    }
    g_free(list);
}


void
vxlXMLNSDevBackendsFree(vxlXMLNSDef *ns)
{
    vxlXMLNSDevBackendListFree(ns->channelBackends, ns->nchannelBackends);
    vxlXMLNSDevBackendListFree(ns->p9Backends, ns->np9Backends);
}


static const char *
vxlXMLNSDevBackendFind(const vxlXMLNSDevBackend *list, size_t n, const char *device)
{
    size_t i;

    for (i = 0; device && i < n; i++) {
        if (STREQ(list[i].device, device))
            return list[i].backend;
    }
    return NULL;
}


const char *
vxlXMLNSChannelBackend(const virDomainDef *def, const char *name)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);

    return ns ? vxlXMLNSDevBackendFind(ns->channelBackends, ns->nchannelBackends, name) : NULL;
}


const char *
vxlXMLNSP9Backend(const virDomainDef *def, const char *tag)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);

    return ns ? vxlXMLNSDevBackendFind(ns->p9Backends, ns->np9Backends, tag) : NULL;
}


/* Whether @device is the <target name> of one Xen channel (or the
 * <target dir> of one 9pfs <filesystem>) of @def. */
static bool
vxlXMLNSDevBackendHasDevice(const virDomainDef *def, bool p9, const char *device)
{
    size_t i;

    if (p9) {
        for (i = 0; i < def->nfss; i++) {
            if (def->fss[i]->type == VIR_DOMAIN_FS_TYPE_MOUNT &&
                STREQ_NULLABLE(def->fss[i]->dst, device))
                return true;
        }
        return false;
    }
    for (i = 0; i < def->nchannels; i++) {
        if (def->channels[i]->targetType == VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_XEN &&
            STREQ_NULLABLE(def->channels[i]->target.name, device))
            return true;
    }
    return false;
}


static int
vxlValidateXMLNSDevBackendList(const virDomainDef *def, bool p9,
                               const vxlXMLNSDevBackend *list, size_t n)
{
    const char *elem = p9 ? "p9" : "channel";
    const char *attr = vxlXMLNSDevBackendKeyAttr(p9);
    size_t i;

    for (i = 0; i < n; i++) {
        if (vxlXMLNSDevBackendFind(list, i, list[i].device)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:%s %s='%s'> appears twice: a device has one backend domain"),
                           elem, attr, list[i].device);
            return -1;
        }
        if (!vxlXMLNSDevBackendHasDevice(def, p9, list[i].device)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           p9 ? _("<virtxl:%s %s='%s'> names no <filesystem type='mount'> with that <target dir>") :
                                _("<virtxl:%s %s='%s'> names no <channel> with <target type='xen' name> of that name"),
                           elem, attr, list[i].device);
            return -1;
        }
    }
    return 0;
}


int
vxlValidateXMLNSDevBackends(const virDomainDef *def, const vxlXMLNSDef *ns)
{
    if (vxlValidateXMLNSDevBackendList(def, false, ns->channelBackends, ns->nchannelBackends) < 0 ||
        vxlValidateXMLNSDevBackendList(def, true, ns->p9Backends, ns->np9Backends) < 0)
        return -1;
    return 0;
}
