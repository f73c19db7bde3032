/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz-translate.c: libFuzzer target over domain XML -> libxl translation.
 *
 * Each input goes the way a define and a start take it: libvirt's parse
 * with the driver's own parser config (post-parse defaults, our namespace,
 * the translators' validators), then vxlTranslateDomain() and the JSON
 * libxl prints. Beyond "no crash, no leak", three properties are checked,
 * each an abort() so libFuzzer keeps the input:
 *
 *  - what a define accepts, the translators accept too: a refusal that
 *    only comes at start would let a define succeed that can never run
 *    (what Xen cannot do is refused at define time, never at start). The one host-dependent step a start takes
 *    before translating, resolving <interface type='network'> to its
 *    network's bridge, <disk type='volume'> to its path and a Xen
 *    channel without a socket to the one it gets, is done here as the
 *    network and storage drivers and the start would;
 *  - a refused translation leaves the caller's config as it was;
 *  - the accepted def, formatted and parsed again (dumpxml, then a define
 *    of that), translates to the same JSON: nothing, our namespace
 *    included, is lost or changed by a round trip.
 *
 * Built with clang's -fsanitize=fuzzer,address only when clang's fuzzer
 * runtime is there (tests/native/meson.build); run by check-fuzz.
 */
#include "vxl_internal.h"

#include <stdint.h>
#include <stdio.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "translate.h"
#include "virerror.h"

#include "../fuzz-init.h"


static void
vxlFuzzFail(const char *what, const char *xml)
{
    virErrorPtr err = virGetLastError();

    fprintf(stderr, "fuzz-translate: %s\nerror: %s\nXML:\n%s\n", what,
            err && err->message ? err->message : "(none)", NULLSTR(xml));
    abort();
}


/* libvirt's parser sizes its vCPU array from <vcpu> before any driver
 * callback runs: <vcpu>-1</vcpu> asks it for 32 GiB, and g_realloc
 * aborts. That is libvirt's own parser, the same for every driver, not
 * the code under test here; such inputs are skipped. Xen's limit is far
 * below the bound used. */
#define VXL_FUZZ_MAX_VCPUS 65536

static bool
vxlFuzzVcpusTooMany(const char *xml, size_t size)
{
    xmlDocPtr doc = xmlReadMemory(xml, size, "fuzz.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                  XML_PARSE_NOWARNING);
    xmlXPathContextPtr ctxt = NULL;
    xmlXPathObjectPtr obj = NULL;
    bool tooMany = false;

    if (!doc)
        return false;
    if ((ctxt = xmlXPathNewContext(doc)) &&
        (obj = xmlXPathEvalExpression(BAD_CAST "/domain/vcpu", ctxt)) &&
        obj->nodesetval) {
        int i;

        for (i = 0; i < obj->nodesetval->nodeNr; i++) {
            g_autofree char *text = (char *)xmlNodeGetContent(obj->nodesetval->nodeTab[i]);
            unsigned long long n = g_ascii_strtoull(g_strstrip(text), NULL, 10);

            /* strtoull takes "-1" as the largest value, as libvirt does. */
            if (n > VXL_FUZZ_MAX_VCPUS)
                tooMany = true;
        }
    }
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctxt);
    xmlFreeDoc(doc);
    return tooMany;
}


/* What domain_network.c does at start with the network driver's answer:
 * every <interface type='network'> gets a bridge to plug into. */
static void
vxlFuzzResolveNetworks(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];

        if (net->type != VIR_DOMAIN_NET_TYPE_NETWORK || net->data.network.actual)
            continue;
        net->data.network.actual = g_new0(virDomainActualNetDef, 1);
        net->data.network.actual->type = VIR_DOMAIN_NET_TYPE_BRIDGE;
        net->data.network.actual->data.bridge.brname = g_strdup("virbr-fuzz");
    }
}


/* And a <disk type='volume'> to a file, as the storage driver resolves a
 * directory pool's volume at start (domain_storage.c). */
static void
vxlFuzzResolveVolumes(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ndisks; i++) {
        virStorageSource *src = def->disks[i]->src;

        if (src->type != VIR_STORAGE_TYPE_VOLUME || !src->srcpool ||
            src->srcpool->actualtype)
            continue;
        src->srcpool->actualtype = VIR_STORAGE_TYPE_FILE;
        g_free(src->path);
        src->path = g_strdup_printf("/var/lib/libvirt/images/%s",
                                    NULLSTR(src->srcpool->volume));
    }
}


/* And a Xen channel over a unix socket without a path to the socket a
 * start gives it (domain_channel.c). */
static void
vxlFuzzResolveChannels(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nchannels; i++) {
        virDomainChrSourceDef *src = def->channels[i]->source;

        if (def->channels[i]->targetType != VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_XEN ||
            src->type != VIR_DOMAIN_CHR_TYPE_UNIX || src->data.nix.path)
            continue;
        src->data.nix.path = g_strdup_printf("/var/lib/libvirt/libxl/channel/target/%s-%s",
                                             def->name, NULLSTR_EMPTY(def->channels[i]->target.name));
        src->data.nix.listen = true;
    }
}


/* Whether a USB <hostdev> of @def already has bus 1, device @device. */
static bool
vxlFuzzUsbAddressUsed(const virDomainDef *def, unsigned int device)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        virDomainHostdevDef *h = def->hostdevs[i];

        if (h->mode == VIR_DOMAIN_HOSTDEV_MODE_SUBSYS &&
            h->source.subsys.type == VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB &&
            h->source.subsys.u.usb.bus == 1 &&
            h->source.subsys.u.usb.device == device)
            return true;
    }
    return false;
}

/* And a USB <hostdev> named by vendor and product to a host bus and
 * device, as the driver looks it up at start and hot-attach
 * (domain_usb.c): each to a device of its own, as on a host where
 * every named device is a different one (one device named twice is
 * refused at start, by libxl if not before). */
static void
vxlFuzzResolveUsb(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nhostdevs; i++) {
        virDomainHostdevDef *h = def->hostdevs[i];
        virDomainHostdevSubsysUSB *usb = &h->source.subsys.u.usb;
        unsigned int device = 2;

        if (h->mode != VIR_DOMAIN_HOSTDEV_MODE_SUBSYS ||
            h->source.subsys.type != VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_USB ||
            usb->bus != 0 || usb->device != 0 ||
            (!usb->vendor && !usb->product))
            continue;
        while (vxlFuzzUsbAddressUsed(def, device))
            device++;
        usb->bus = 1;
        usb->device = device;
    }
}


/* The JSON of @def's translation, or NULL with the error reported. A
 * refusal must leave a caller's config untouched: checked here with a
 * config that already holds something. */
static char *
vxlFuzzTranslate(const virDomainDef *def, const char *xml)
{
    libxl_domain_config dcfg;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    char *json = NULL;

    libxl_domain_config_init(&dcfg);
    dcfg.c_info.name = g_strdup("sentinel");
    dcfg.b_info.max_memkb = 4242;
    before = vxlTranslateConfigToJSON(&dcfg);
    libxl_domain_config_dispose(&dcfg);

    libxl_domain_config_init(&dcfg);
    dcfg.c_info.name = g_strdup("sentinel");
    dcfg.b_info.max_memkb = 4242;
    if (vxlTranslateDomain(def, &dcfg) < 0) {
        after = vxlTranslateConfigToJSON(&dcfg);
        if (g_strcmp0(before, after) != 0)
            vxlFuzzFail("a refused translation changed the caller's config", xml);
    } else {
        json = vxlTranslateConfigToJSON(&dcfg);
    }
    libxl_domain_config_dispose(&dcfg);
    return json;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = g_strndup((const char *)data, size);
    g_autoptr(virDomainDef) def = NULL;
    g_autoptr(virDomainDef) again = NULL;
    g_autofree char *json = NULL;
    g_autofree char *formatted = NULL;
    g_autofree char *jsonAgain = NULL;
    unsigned int fmt = VIR_DOMAIN_DEF_FORMAT_SECURE | VIR_DOMAIN_DEF_FORMAT_INACTIVE;

    /* A NUL inside the input is no XML document a client could send. */
    if (strlen(xml) != size || vxlFuzzVcpusTooMany(xml, size))
        return -1;

    if (!(def = virDomainDefParseString(xml, xmlopt, NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE))) {
        virResetLastError();
        return 0;
    }

    vxlFuzzResolveNetworks(def);
    vxlFuzzResolveVolumes(def);
    vxlFuzzResolveUsb(def);
    vxlFuzzResolveChannels(def);
    if (!(json = vxlFuzzTranslate(def, xml)))
        vxlFuzzFail("a define accepts what the translators refuse", xml);

    if (!(formatted = virDomainDefFormat(def, xmlopt, fmt)))
        vxlFuzzFail("an accepted def does not format", xml);
    if (!(again = virDomainDefParseString(formatted, xmlopt, NULL,
                                          VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        vxlFuzzFail("the formatted def is refused when defined again", formatted);
    vxlFuzzResolveNetworks(again);
    vxlFuzzResolveVolumes(again);
    vxlFuzzResolveUsb(again);
    vxlFuzzResolveChannels(again);
    if (!(jsonAgain = vxlFuzzTranslate(again, formatted)))
        vxlFuzzFail("the formatted def no longer translates", formatted);
    if (STRNEQ(json, jsonAgain)) {
        fprintf(stderr, "first:\n%s\nagain:\n%s\n", json, jsonAgain);
        vxlFuzzFail("a format/parse round trip changes the translation", xml);
    }

    virResetLastError();
    return 0;
}
