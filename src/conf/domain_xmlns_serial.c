/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_serial.c: <virtxl:serial port='N' options='...'/> and
 * <virtxl:serial port='N' none='yes'/>, what an entry of xl's serial=
 * says that libvirt's <serial> cannot.
 *
 *   options=  qemu's chardev options after a tcp:, telnet: or unix:
 *             address, as the file wrote them ("server,nodelay",
 *             "reconnect=5,ipv4"). xl hands the entry to qemu unchanged
 *             (libxl_dm.c), so they mean what they mean to qemu. The
 *             <serial> says what libvirt can (server: <source
 *             mode='bind'>; telnet: <protocol type='telnet'>;
 *             reconnect=N: <reconnect enabled='yes' timeout='N'>), and
 *             the two must agree; the element is written only when
 *             the words are not the ones the <serial> alone gives
 *             (",server,nowait" for a bind, ",reconnect=N").
 *   none=     qemu's "-serial none": no port at N. qemu counts the
 *             entry, so the ports after it keep their numbers; after
 *             the last port it matters only to qemu-xen-traditional,
 *             whose qemu-dm has a serial port when it is given none,
 *             and to a stub domain (a console per entry); libxl starts
 *             qemu-xen in dom0 with -nodefaults, where it is no entry.
 *
 * The serial= list the translator gives libxl and xml2xl writes is
 * vxlXMLNSSerialSpecs'.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"
#include "conf_devices.h"
#include "virerror.h"
#include "virstring.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* qemu 7.2's chardev option names (qemu_chardev_opts), which its legacy
 * -serial syntax takes after the address; any other name is refused by
 * qemu ("Invalid parameter"). */
typedef enum {
    VXL_CHR_OPT_BOOL,             /* on/off; a bare name is on, noNAME off */
    VXL_CHR_OPT_NUMBER,           /* a decimal number */
    VXL_CHR_OPT_STRING,
    VXL_CHR_OPT_SOURCE,           /* qemu's, refused: it would replace
                                     what <source> says (the address, the
                                     socket, the backend) */
    VXL_CHR_OPT_TLS,              /* qemu's, refused: it needs a TLS
                                     object libxl never creates, without
                                     which qemu fails to start */
} vxlChrOptKind;

typedef struct {
    const char *name;
    vxlChrOptKind kind;
} vxlChrOpt;

static const vxlChrOpt vxlChrOpts[] = {
    { "server", VXL_CHR_OPT_BOOL }, { "wait", VXL_CHR_OPT_BOOL },
    { "delay", VXL_CHR_OPT_BOOL }, { "nodelay", VXL_CHR_OPT_BOOL },
    { "telnet", VXL_CHR_OPT_BOOL }, { "tn3270", VXL_CHR_OPT_BOOL },
    { "websocket", VXL_CHR_OPT_BOOL }, { "ipv4", VXL_CHR_OPT_BOOL },
    { "ipv6", VXL_CHR_OPT_BOOL }, { "mux", VXL_CHR_OPT_BOOL },
    { "signal", VXL_CHR_OPT_BOOL }, { "append", VXL_CHR_OPT_BOOL },
    { "logappend", VXL_CHR_OPT_BOOL }, { "mouse", VXL_CHR_OPT_BOOL },
    { "clipboard", VXL_CHR_OPT_BOOL }, { "abstract", VXL_CHR_OPT_BOOL },
    { "tight", VXL_CHR_OPT_BOOL },
    { "reconnect", VXL_CHR_OPT_NUMBER }, { "to", VXL_CHR_OPT_NUMBER },
    { "width", VXL_CHR_OPT_NUMBER }, { "height", VXL_CHR_OPT_NUMBER },
    { "cols", VXL_CHR_OPT_NUMBER }, { "rows", VXL_CHR_OPT_NUMBER },
    { "debug", VXL_CHR_OPT_NUMBER }, { "size", VXL_CHR_OPT_NUMBER },
    { "localaddr", VXL_CHR_OPT_STRING }, { "localport", VXL_CHR_OPT_STRING },
    { "name", VXL_CHR_OPT_STRING }, { "logfile", VXL_CHR_OPT_STRING },
    { "backend", VXL_CHR_OPT_SOURCE }, { "path", VXL_CHR_OPT_SOURCE },
    { "host", VXL_CHR_OPT_SOURCE }, { "port", VXL_CHR_OPT_SOURCE },
    { "fd", VXL_CHR_OPT_SOURCE }, { "chardev", VXL_CHR_OPT_SOURCE },
    { "id", VXL_CHR_OPT_SOURCE },
    { "tls-creds", VXL_CHR_OPT_TLS }, { "tls-authz", VXL_CHR_OPT_TLS },
};


static const vxlChrOpt *
vxlChrOptFind(const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vxlChrOpts); i++) {
        if (strlen(vxlChrOpts[i].name) == len &&
            STREQLEN(vxlChrOpts[i].name, name, len))
            return &vxlChrOpts[i];
    }
    return NULL;
}


/* qemu's boolean spellings (qapi_bool_parse). */
static int
vxlChrOptBool(const char *value)
{
    if (STREQ(value, "on") || STREQ(value, "yes") || STREQ(value, "true") ||
        STREQ(value, "y"))
        return 1;
    if (STREQ(value, "off") || STREQ(value, "no") || STREQ(value, "false") ||
        STREQ(value, "n"))
        return 0;
    return -1;
}


int
vxlChrOptionsRead(const char *options, vxlChrOptions *out, char **why)
{
    g_auto(GStrv) words = g_strsplit(options, ",", -1);
    size_t i;

    memset(out, 0, sizeof(*out));
    for (i = 0; words[i]; i++) {
        const char *w = words[i];
        const char *eq = strchr(w, '=');
        size_t len = eq ? (size_t)(eq - w) : strlen(w);
        const vxlChrOpt *opt = vxlChrOptFind(w, len);
        bool on = true;
        int b;
        unsigned long long num = 0;

        /* A bare "noNAME" is NAME=off (qemu's short form), unless
         * "noNAME" is an option of its own ("nodelay"). */
        if (!opt && !eq && STRPREFIX(w, "no")) {
            opt = vxlChrOptFind(w + 2, len - 2);
            if (opt && opt->kind != VXL_CHR_OPT_BOOL)
                opt = NULL;
            on = false;
        }
        if (!opt) {
            *why = g_strdup_printf(_("'%s' is not an option of qemu's character devices"), w);
            return -1;
        }
        switch (opt->kind) {
        case VXL_CHR_OPT_BOOL:
            if (eq && (b = vxlChrOptBool(eq + 1)) < 0) {
                *why = g_strdup_printf(_("'%s': qemu's option '%s' is 'on' or 'off'"),
                                       w, opt->name);
                return -1;
            }
            if (eq)
                on = b == 1;
            break;
        case VXL_CHR_OPT_NUMBER:
            /* Any base, as qemu reads a number option. */
            if (!eq || virStrToLong_ullp(eq + 1, NULL, 0, &num) < 0) {
                *why = g_strdup_printf(_("'%s': qemu's option '%s' takes a number"),
                                       w, opt->name);
                return -1;
            }
            break;
        case VXL_CHR_OPT_STRING:
            break;
        case VXL_CHR_OPT_SOURCE:
            *why = g_strdup_printf(_("'%s' is not supported: it would replace what the port's <source> says"),
                                   w);
            return -1;
        case VXL_CHR_OPT_TLS:
            *why = g_strdup_printf(_("'%s' is not supported: qemu needs TLS objects for it, which libxl does not create"),
                                   w);
            return -1;
        }
        if (STREQ(opt->name, "server")) {
            out->server = on;
        } else if (STREQ(opt->name, "telnet")) {
            out->telnet = on;
        } else if (STREQ(opt->name, "reconnect")) {
            out->reconnect = num;
            out->hasReconnect = true;
        }
    }
    return 0;
}


char *
vxlChrOptionsCanonical(const virDomainChrSourceDef *src)
{
    const virDomainChrSourceReconnectDef *rc = NULL;
    bool listen = false;

    if (src->type == VIR_DOMAIN_CHR_TYPE_TCP) {
        listen = src->data.tcp.listen;
        rc = &src->data.tcp.reconnect;
    } else if (src->type == VIR_DOMAIN_CHR_TYPE_UNIX) {
        listen = src->data.nix.listen;
        rc = &src->data.nix.reconnect;
    } else {
        return NULL;
    }
    if (listen)
        return g_strdup("server,nowait");
    if (rc->enabled == VIR_TRISTATE_BOOL_YES)
        return g_strdup_printf("reconnect=%u", rc->timeout);
    return g_strdup("");
}


int
vxlXMLNSParseSerial(xmlNodePtr node, vxlXMLNSDef *ns)
{
    vxlXMLNSSerial s = { 0 };
    virTristateBool none = VIR_TRISTATE_BOOL_ABSENT;

    if (virXMLPropUInt(node, "port", 10, VIR_XML_PROP_REQUIRED, &s.port) < 0 ||
        virXMLPropTristateBool(node, "none", VIR_XML_PROP_NONE, &none) < 0)
        return -1;
    s.options = virXMLPropString(node, "options");
    s.none = none == VIR_TRISTATE_BOOL_YES;
    if (s.none == !!s.options) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:serial port='%u'> needs either options='...' or none='yes'"),
                       s.port);
        g_free(s.options);
        return -1;
    }
    ns->serials = g_renew(vxlXMLNSSerial, ns->serials, ns->nserials + 1);
    ns->serials[ns->nserials++] = s;
    return 0;
}


void
vxlXMLNSFormatSerials(virBuffer *buf, const vxlXMLNSDef *ns)
{
    size_t i;

    for (i = 0; i < ns->nserials; i++) {
        virBufferAsprintf(buf, "<virtxl:serial port='%u'", ns->serials[i].port);
        if (ns->serials[i].none)
            virBufferAddLit(buf, " none='yes'");
        else
            virBufferEscapeString(buf, " options='%s'", ns->serials[i].options);
        virBufferAddLit(buf, "/>\n");
    }
}


void
vxlXMLNSSerialsFree(vxlXMLNSDef *ns)
{
    size_t i;

    for (i = 0; i < ns->nserials; i++)
        g_free(ns->serials[i].options);
    g_free(ns->serials);
}


static const vxlXMLNSSerial *
vxlXMLNSFindSerial(const virDomainDef *def, unsigned int port)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t i;

    for (i = 0; ns && i < ns->nserials; i++) {
        if (ns->serials[i].port == port)
            return &ns->serials[i];
    }
    return NULL;
}


size_t
vxlXMLNSSerialPosition(const virDomainDef *def, size_t index)
{
    size_t pos = 0;
    size_t seen = 0;

    /* Position @index among the places no none='yes' entry takes. */
    for (;;) {
        const vxlXMLNSSerial *x = vxlXMLNSFindSerial(def, pos);

        if (!x || !x->none) {
            if (seen == index)
                return pos;
            seen++;
        }
        pos++;
    }
}


/* Whether @chr's options say what its <serial> says; else *why. */
static bool
vxlXMLNSSerialAgrees(const virDomainChrDef *chr, const char *options, char **why)
{
    const virDomainChrSourceDef *src = chr->source;
    const virDomainChrSourceReconnectDef *rc;
    vxlChrOptions o;
    bool listen;

    if (vxlChrOptionsRead(options, &o, why) < 0)
        return false;
    if (src->type == VIR_DOMAIN_CHR_TYPE_TCP) {
        listen = src->data.tcp.listen;
        rc = &src->data.tcp.reconnect;
        if (o.telnet && src->data.tcp.protocol != VIR_DOMAIN_CHR_TCP_PROTOCOL_TELNET) {
            *why = g_strdup(_("the options say telnet, the <serial> <protocol type='raw'>"));
            return false;
        }
    } else {
        listen = src->data.nix.listen;
        rc = &src->data.nix.reconnect;
    }
    if (o.hasReconnect && o.server) {
        *why = g_strdup(_("qemu refuses reconnect= on a listening socket"));
        return false;
    }
    if (o.server != listen) {
        *why = g_strdup(o.server ?
                        _("the options say server, the <serial> <source mode='connect'>") :
                        _("the options do not say server, the <serial> <source mode='bind'>"));
        return false;
    }
    if (o.reconnect != (rc->enabled == VIR_TRISTATE_BOOL_YES ? rc->timeout : 0)) {
        *why = g_strdup(_("the options' reconnect= is not the <serial>'s <reconnect timeout>"));
        return false;
    }
    return true;
}


int
vxlValidateXMLNSSerials(const virDomainDef *def, const vxlXMLNSDef *ns)
{
    size_t i;
    size_t j;

    for (i = 0; i < ns->nserials; i++) {
        const vxlXMLNSSerial *x = &ns->serials[i];
        const virDomainChrDef *chr = NULL;
        g_autofree char *why = NULL;
        bool later = false;

        for (j = 0; j < i; j++) {
            if (ns->serials[j].port == x->port) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<virtxl:serial port='%u'> appears twice"), x->port);
                return -1;
            }
        }
        for (j = 0; j < def->nserials; j++) {
            if (def->serials[j]->target.port == (int)x->port)
                chr = def->serials[j];
        }
        if (x->none) {
            if (chr) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<virtxl:serial port='%u' none='yes'> names the port of a <serial>"),
                               x->port);
                return -1;
            }
            /* Before a <serial>, "none" moves it on (qemu counts the
             * entry). After the last one only qemu-dm has a port of its
             * own for "none" to remove, and a stub domain makes a
             * console of each entry; libxl starts qemu-xen in dom0 with
             * -nodefaults. */
            for (j = 0; j < def->nserials; j++) {
                if (def->serials[j]->target.port > (int)x->port)
                    later = true;
            }
            if (def->os.type != VIR_DOMAIN_OSTYPE_HVM ||
                (!later && !vxlXMLNSTraditionalDM(def) &&
                 ns->stubdomain != VIR_TRISTATE_BOOL_YES)) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<virtxl:serial port='%u' none='yes'> after the last <serial> is only for HVM guests of qemu-xen-traditional or a stub domain: qemu-xen has no serial port it is not given"),
                               x->port);
                return -1;
            }
            continue;
        }
        if (!chr || (chr->source->type != VIR_DOMAIN_CHR_TYPE_TCP &&
                     chr->source->type != VIR_DOMAIN_CHR_TYPE_UNIX)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:serial port='%u' options> names no <serial type='tcp'> or <serial type='unix'> of that port"),
                           x->port);
            return -1;
        }
        if (!vxlXMLNSSerialAgrees(chr, x->options, &why)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:serial port='%u' options='%s'>: %s"),
                           x->port, x->options, why);
            return -1;
        }
    }
    return 0;
}


char *
vxlXMLNSSerialSpec(const virDomainDef *def, const virDomainChrDef *chr)
{
    const vxlXMLNSSerial *x = chr->target.port >= 0 ?
        vxlXMLNSFindSerial(def, chr->target.port) : NULL;
    const virDomainChrSourceDef *src = chr->source;
    g_autofree char *options = NULL;
    vxlChrOptions o = { 0 };
    g_autofree char *why = NULL;
    const char *prefix;

    if (!x || x->none ||
        (src->type != VIR_DOMAIN_CHR_TYPE_TCP && src->type != VIR_DOMAIN_CHR_TYPE_UNIX))
        return vxlChrSerialSpec(src);
    options = g_strdup(x->options);
    if (vxlChrOptionsRead(options, &o, &why) < 0)
        return NULL;   /* refused by validation */
    if (src->type == VIR_DOMAIN_CHR_TYPE_UNIX)
        return g_strdup_printf("unix:%s%s%s", src->data.nix.path,
                               *options ? "," : "", options);
    /* telnet: is tcp: with telnet on; the file's own spelling is kept
     * when its options turn telnet on themselves. */
    prefix = src->data.tcp.protocol == VIR_DOMAIN_CHR_TCP_PROTOCOL_TELNET && !o.telnet ?
        "telnet" : "tcp";
    return g_strdup_printf("%s:%s:%s%s%s", prefix,
                           NULLSTR_EMPTY(src->data.tcp.host), src->data.tcp.service,
                           *options ? "," : "", options);
}


GStrv
vxlXMLNSSerialSpecs(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t n = def->nserials;
    GStrv list;
    size_t i;

    for (i = 0; ns && i < ns->nserials; i++) {
        if (ns->serials[i].none)
            n++;
    }
    list = g_new0(char *, n + 1);
    for (i = 0; i < n; i++) {
        const vxlXMLNSSerial *x = vxlXMLNSFindSerial(def, i);
        size_t j;

        if (x && x->none) {
            list[i] = g_strdup("none");
            continue;
        }
        for (j = 0; j < def->nserials; j++) {
            if (def->serials[j]->target.port == (int)i)
                list[i] = vxlXMLNSSerialSpec(def, def->serials[j]);
        }
        if (!list[i]) {
            g_strfreev(list);
            return NULL;
        }
    }
    return list;
}
