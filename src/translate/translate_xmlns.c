/*
 * translate_xmlns.c: the project's domain XML namespace, for what libxl
 * can do and libvirt's domain XML cannot say.
 *
 *   <domain type='xen' xmlns:virtxl='https://virtxl.dev/xmlns/domain/1.0'>
 *     ...
 *     <virtxl:devicemodel version='qemu-xen|qemu-xen-traditional'
 *                         path='/usr/lib/xen/bin/qemu-system-i386'
 *                         stubdomain='yes|no' stubdomain_memory='MiB'>
 *       <virtxl:arg value='-foo'/>              xl device_model_args
 *       <virtxl:arg value='-bar' guest='hvm'/>  xl device_model_args_hvm
 *       <virtxl:arg value='-baz' guest='pv'/>   xl device_model_args_pv
 *     </virtxl:devicemodel>
 *     <virtxl:rdm strategy='host|ignore' policy='strict|relaxed'
 *                 mem_boundary='MiB'/>
 *     <virtxl:pci address='0000:01:00.0' | alias='ua-gpu'
 *                 permissive='yes|no' msitranslate='yes|no'
 *                 power_mgmt='yes|no' rdm_policy='strict|relaxed'/>
 *   </domain>
 *
 * libvirt calls the parse hook for every domain XML (with the prefix
 * "virtxl" registered for XPath) and the format hook at the end of
 * <domain>, so the elements survive define/dumpxml; they are direct
 * children of <domain>, unlike the simulator's <metadata><virtxl:guest>
 * (domain_metadata.c), which libvirt keeps as opaque metadata. Attribute
 * values are xl.cfg's spellings. Unknown elements in the namespace are
 * refused, so that a typo is not silently ignored. What the values mean
 * for a guest type is checked by the "xmlns" translator class at define
 * time (vxlValidateXMLNS); this file only checks syntax.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "util_enums.h"
#include "virerror.h"
#include "virxml.h"
#include "virbuffer.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


static void
vxlXMLNSFree(void *opaque)
{
    vxlXMLNSDef *ns = opaque;
    size_t i;

    if (!ns)
        return;
    g_strfreev(ns->args);
    g_strfreev(ns->argsHVM);
    g_strfreev(ns->argsPV);
    g_free(ns->dmPath);
    for (i = 0; i < ns->npcis; i++)
        g_free(ns->pcis[i].alias);
    g_free(ns->pcis);
    g_free(ns);
}


/* An xl.cfg spelling of @table's, or -1 (reported) naming @elem/@attr. */
static int
vxlXMLNSParseEnum(xmlNodePtr node, const char *elem, const char *attr,
                  const vxlEnumTable *table, int *out)
{
    g_autofree char *str = virXMLPropString(node, attr);

    if (!str)
        return 0;
    if ((*out = vxlEnumCfgToXl(table, str)) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:%s %s='%s'> is not a %s Xen knows"),
                       elem, attr, str, table->name);
        return -1;
    }
    return 0;
}


static int
vxlXMLNSParseDeviceModel(xmlXPathContextPtr ctxt, xmlNodePtr node,
                         vxlXMLNSDef *ns)
{
    g_autofree xmlNodePtr *nodes = NULL;
    /* The arrays own their values until they are handed to @ns, so an
     * error half way frees what was read (found by fuzz-translate). */
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) argsHVM = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) argsPV = g_ptr_array_new_with_free_func(g_free);
    VIR_XPATH_NODE_AUTORESTORE(ctxt)
    int n;
    size_t i;

    if (vxlXMLNSParseEnum(node, "devicemodel", "version",
                          &vxlEnumDeviceModelVersion, &ns->dmVersion) < 0)
        return -1;
    ns->dmPath = virXMLPropString(node, "path");
    if (virXMLPropTristateBool(node, "stubdomain", VIR_XML_PROP_NONE,
                               &ns->stubdomain) < 0)
        return -1;
    if (virXMLPropUInt(node, "stubdomain_memory", 10, VIR_XML_PROP_NONZERO,
                       &ns->stubdomainMemMB) < 0)
        return -1;

    ctxt->node = node;
    if ((n = virXPathNodeSet("./*", ctxt, &nodes)) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        g_autofree char *guest = NULL;
        char *value;

        if (!nodes[i]->ns || STRNEQ_NULLABLE((const char *)nodes[i]->ns->href, VXL_XMLNS_URI) ||
            STRNEQ((const char *)nodes[i]->name, "arg")) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:devicemodel> may contain only <virtxl:arg>, not <%s>"),
                           (const char *)nodes[i]->name);
            return -1;
        }
        if (!(value = virXMLPropString(nodes[i], "value"))) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("<virtxl:arg> needs a value attribute"));
            return -1;
        }
        guest = virXMLPropString(nodes[i], "guest");
        if (!guest) {
            g_ptr_array_add(args, value);
        } else if (STREQ(guest, "hvm")) {
            g_ptr_array_add(argsHVM, value);
        } else if (STREQ(guest, "pv")) {
            g_ptr_array_add(argsPV, value);
        } else {
            g_free(value);
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:arg guest='%s'>: use 'hvm' or 'pv', or leave it out for both"),
                           guest);
            return -1;
        }
    }
#define VXL_TAKE_ARGS(arr, field) \
    if (arr->len > 0) { \
        g_ptr_array_add(arr, NULL); \
        ns->field = (char **)g_ptr_array_free(g_steal_pointer(&arr), FALSE); \
    }
    VXL_TAKE_ARGS(args, args);
    VXL_TAKE_ARGS(argsHVM, argsHVM);
    VXL_TAKE_ARGS(argsPV, argsPV);
#undef VXL_TAKE_ARGS
    return 0;
}


static int
vxlXMLNSParseRdm(xmlNodePtr node, vxlXMLNSDef *ns)
{
    if (vxlXMLNSParseEnum(node, "rdm", "strategy", &vxlEnumRdmStrategy,
                          &ns->rdmStrategy) < 0 ||
        vxlXMLNSParseEnum(node, "rdm", "policy", &vxlEnumRdmPolicy,
                          &ns->rdmPolicy) < 0)
        return -1;
    if (virXMLPropUInt(node, "mem_boundary", 10, VIR_XML_PROP_NONZERO,
                       &ns->rdmMemBoundaryMB) < 0)
        return -1;
    return 0;
}


static int
vxlXMLNSParsePci(xmlNodePtr node, vxlXMLNSPci *pci)
{
    g_autofree char *address = virXMLPropString(node, "address");

    pci->alias = virXMLPropString(node, "alias");
    pci->rdmPolicy = -1;
    if (!!address == !!pci->alias) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:pci> names its <hostdev> by exactly one of address='DDDD:BB:SS.F' or alias"));
        return -1;
    }
    if (address && virPCIDeviceAddressParse(address, &pci->addr) < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:pci address='%s'> is not a PCI address DDDD:BB:SS.F"),
                       address);
        return -1;
    }
    if (virXMLPropTristateBool(node, "permissive", VIR_XML_PROP_NONE, &pci->permissive) < 0 ||
        virXMLPropTristateBool(node, "msitranslate", VIR_XML_PROP_NONE, &pci->msitranslate) < 0 ||
        virXMLPropTristateBool(node, "power_mgmt", VIR_XML_PROP_NONE, &pci->powerMgmt) < 0)
        return -1;
    return vxlXMLNSParseEnum(node, "pci", "rdm_policy", &vxlEnumRdmPolicy,
                             &pci->rdmPolicy);
}


static int
vxlXMLNSParse(xmlXPathContextPtr ctxt, void **data)
{
    vxlXMLNSDef *ns = g_new0(vxlXMLNSDef, 1);
    g_autofree xmlNodePtr *nodes = NULL;
    bool seenDM = false, seenRdm = false;
    bool any = false;
    int n;
    size_t i;

    ns->dmVersion = ns->rdmStrategy = ns->rdmPolicy = -1;

    if ((n = virXPathNodeSet("./virtxl:*", ctxt, &nodes)) < 0)
        goto error;
    for (i = 0; i < n; i++) {
        const char *name = (const char *)nodes[i]->name;

        any = true;
        if (STREQ(name, "devicemodel") && !seenDM) {
            seenDM = true;
            if (vxlXMLNSParseDeviceModel(ctxt, nodes[i], ns) < 0)
                goto error;
        } else if (STREQ(name, "rdm") && !seenRdm) {
            seenRdm = true;
            if (vxlXMLNSParseRdm(nodes[i], ns) < 0)
                goto error;
        } else if (STREQ(name, "pci")) {
            ns->pcis = g_renew(vxlXMLNSPci, ns->pcis, ns->npcis + 1);
            memset(&ns->pcis[ns->npcis++], 0, sizeof(vxlXMLNSPci));
            if (vxlXMLNSParsePci(nodes[i], &ns->pcis[ns->npcis - 1]) < 0)
                goto error;
        } else {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:%s> is not an element of %s here (or appears twice): "
                             "use <virtxl:devicemodel>, <virtxl:rdm> or <virtxl:pci>"),
                           name, VXL_XMLNS_URI);
            goto error;
        }
    }

    if (any)
        *data = ns;
    else
        vxlXMLNSFree(ns);
    return 0;

 error:
    vxlXMLNSFree(ns);
    return -1;
}


static void
vxlXMLNSFormatTristate(virBuffer *buf, const char *attr, virTristateBool v)
{
    if (v != VIR_TRISTATE_BOOL_ABSENT)
        virBufferAsprintf(buf, " %s='%s'", attr, virTristateBoolTypeToString(v));
}


static void
vxlXMLNSFormatArgs(virBuffer *buf, char **args, const char *guest)
{
    for (; args && *args; args++) {
        virBufferEscapeString(buf, "<virtxl:arg value='%s'", *args);
        if (guest)
            virBufferAsprintf(buf, " guest='%s'", guest);
        virBufferAddLit(buf, "/>\n");
    }
}


static int
vxlXMLNSFormat(virBuffer *buf, void *opaque)
{
    vxlXMLNSDef *ns = opaque;
    size_t i;

    if (ns->dmVersion >= 0 || ns->dmPath || ns->stubdomain ||
        ns->stubdomainMemMB || ns->args || ns->argsHVM || ns->argsPV) {
        g_auto(virBuffer) attrs = VIR_BUFFER_INITIALIZER;
        g_auto(virBuffer) children = VIR_BUFFER_INIT_CHILD(buf);

        if (ns->dmVersion >= 0)
            virBufferAsprintf(&attrs, " version='%s'",
                              vxlEnumXlToCfg(&vxlEnumDeviceModelVersion, ns->dmVersion));
        virBufferEscapeString(&attrs, " path='%s'", ns->dmPath);
        vxlXMLNSFormatTristate(&attrs, "stubdomain", ns->stubdomain);
        if (ns->stubdomainMemMB)
            virBufferAsprintf(&attrs, " stubdomain_memory='%u'", ns->stubdomainMemMB);
        vxlXMLNSFormatArgs(&children, ns->args, NULL);
        vxlXMLNSFormatArgs(&children, ns->argsHVM, "hvm");
        vxlXMLNSFormatArgs(&children, ns->argsPV, "pv");
        virXMLFormatElement(buf, "virtxl:devicemodel", &attrs, &children);
    }

    if (ns->rdmStrategy >= 0 || ns->rdmPolicy >= 0 || ns->rdmMemBoundaryMB) {
        virBufferAddLit(buf, "<virtxl:rdm");
        if (ns->rdmStrategy >= 0)
            virBufferAsprintf(buf, " strategy='%s'",
                              vxlEnumXlToCfg(&vxlEnumRdmStrategy, ns->rdmStrategy));
        if (ns->rdmPolicy >= 0)
            virBufferAsprintf(buf, " policy='%s'",
                              vxlEnumXlToCfg(&vxlEnumRdmPolicy, ns->rdmPolicy));
        if (ns->rdmMemBoundaryMB)
            virBufferAsprintf(buf, " mem_boundary='%u'", ns->rdmMemBoundaryMB);
        virBufferAddLit(buf, "/>\n");
    }

    for (i = 0; i < ns->npcis; i++) {
        const vxlXMLNSPci *pci = &ns->pcis[i];

        virBufferAddLit(buf, "<virtxl:pci");
        if (pci->alias)
            virBufferEscapeString(buf, " alias='%s'", pci->alias);
        else
            virBufferAsprintf(buf, " address='" VIR_PCI_DEVICE_ADDRESS_FMT "'",
                              pci->addr.domain, pci->addr.bus,
                              pci->addr.slot, pci->addr.function);
        vxlXMLNSFormatTristate(buf, "permissive", pci->permissive);
        vxlXMLNSFormatTristate(buf, "msitranslate", pci->msitranslate);
        vxlXMLNSFormatTristate(buf, "power_mgmt", pci->powerMgmt);
        if (pci->rdmPolicy >= 0)
            virBufferAsprintf(buf, " rdm_policy='%s'",
                              vxlEnumXlToCfg(&vxlEnumRdmPolicy, pci->rdmPolicy));
        virBufferAddLit(buf, "/>\n");
    }
    return 0;
}


virXMLNamespace vxlTranslateXMLNamespace = {
    .parse = vxlXMLNSParse,
    .free = vxlXMLNSFree,
    .format = vxlXMLNSFormat,
    .prefix = VXL_XMLNS_PREFIX,
    .uri = VXL_XMLNS_URI,
};


const vxlXMLNSDef *
vxlTranslateXMLNSGet(const virDomainDef *def)
{
    if (!def->namespaceData || !def->ns.uri || STRNEQ(def->ns.uri, VXL_XMLNS_URI))
        return NULL;
    return def->namespaceData;
}


static bool
vxlXMLNSPciMatches(const vxlXMLNSPci *pci, const virDomainHostdevDef *hostdev)
{
    if (hostdev->mode != VIR_DOMAIN_HOSTDEV_MODE_SUBSYS ||
        hostdev->source.subsys.type != VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI)
        return false;
    if (pci->alias)
        return hostdev->info->alias && STREQ(hostdev->info->alias, pci->alias);
    return virPCIDeviceAddressEqual(&pci->addr, &hostdev->source.subsys.u.pci.addr);
}


const vxlXMLNSPci *
vxlTranslateXMLNSFindPci(const virDomainDef *def, const virDomainHostdevDef *hostdev)
{
    const vxlXMLNSDef *ns = vxlTranslateXMLNSGet(def);
    size_t i;

    for (i = 0; ns && i < ns->npcis; i++) {
        if (vxlXMLNSPciMatches(&ns->pcis[i], hostdev))
            return &ns->pcis[i];
    }
    return NULL;
}


/*
 * What the namespace's values mean for this guest: HVM-only knobs on
 * other guests, and <virtxl:pci> entries that name no PCI <hostdev> (or
 * the same one twice), are refused rather than silently dropped.
 */
int
vxlValidateXMLNS(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlTranslateXMLNSGet(def);
    bool hvm = def->os.type == VIR_DOMAIN_OSTYPE_HVM;
    size_t i, j;

    if (!ns)
        return 0;
    if (!hvm && ns->argsHVM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:arg guest='hvm'> is only for HVM guests"));
        return -1;
    }
    if (hvm && ns->argsPV) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:arg guest='pv'> is only for PV and PVH guests"));
        return -1;
    }
    if (!hvm && (ns->stubdomain == VIR_TRISTATE_BOOL_YES || ns->stubdomainMemMB)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:devicemodel stubdomain> is only for HVM guests: a stub domain runs an HVM guest's device model"));
        return -1;
    }
    if (ns->stubdomainMemMB && ns->stubdomain != VIR_TRISTATE_BOOL_YES) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:devicemodel stubdomain_memory> needs stubdomain='yes'"));
        return -1;
    }
    if (!hvm && (ns->rdmStrategy >= 0 || ns->rdmPolicy >= 0 || ns->rdmMemBoundaryMB)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:rdm> is only for HVM guests: reserved device memory is an HVM memory-map notion"));
        return -1;
    }
    for (i = 0; i < ns->npcis; i++) {
        const vxlXMLNSPci *pci = &ns->pcis[i];
        g_autofree char *name = pci->alias ? g_strdup_printf("alias='%s'", pci->alias) :
            g_strdup_printf("address='" VIR_PCI_DEVICE_ADDRESS_FMT "'", pci->addr.domain,
                            pci->addr.bus, pci->addr.slot, pci->addr.function);
        size_t found = 0;

        for (j = 0; j < def->nhostdevs; j++)
            found += vxlXMLNSPciMatches(pci, def->hostdevs[j]);
        if (found != 1) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           found ? _("<virtxl:pci %s> names more than one PCI <hostdev>") :
                                   _("<virtxl:pci %s> names no PCI <hostdev> of this domain"),
                           name);
            return -1;
        }
        for (j = 0; j < i; j++) {
            size_t k;

            for (k = 0; k < def->nhostdevs; k++) {
                if (vxlXMLNSPciMatches(pci, def->hostdevs[k]) &&
                    vxlXMLNSPciMatches(&ns->pcis[j], def->hostdevs[k])) {
                    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                                   _("<virtxl:pci %s> names a <hostdev> another <virtxl:pci> already names"),
                                   name);
                    return -1;
                }
            }
        }
        if (!hvm && pci->rdmPolicy >= 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:pci %s rdm_policy> is only for HVM guests"), name);
            return -1;
        }
    }
    return 0;
}


int
vxlTranslateXMLNS(const virDomainDef *def, libxl_domain_config *dcfg)
{
    const vxlXMLNSDef *ns = vxlTranslateXMLNSGet(def);
    libxl_domain_build_info *b_info = &dcfg->b_info;

    if (vxlValidateXMLNS(def) < 0)
        return -1;
    if (!ns)
        return 0;

    /* "basic" ran first and owns @dcfg (see translate_private.h). */
    if (ns->args)
        b_info->extra = g_strdupv(ns->args);
    if (ns->argsHVM)
        b_info->extra_hvm = g_strdupv(ns->argsHVM);
    if (ns->argsPV)
        b_info->extra_pv = g_strdupv(ns->argsPV);
    if (ns->dmVersion >= 0)
        b_info->device_model_version = ns->dmVersion;
    if (ns->dmPath)
        b_info->device_model = g_strdup(ns->dmPath);
    if (ns->stubdomain)
        libxl_defbool_set(&b_info->device_model_stubdomain,
                          ns->stubdomain == VIR_TRISTATE_BOOL_YES);
    if (ns->stubdomainMemMB)
        b_info->stubdomain_memkb = (uint64_t)ns->stubdomainMemMB * 1024;
    if (b_info->type == LIBXL_DOMAIN_TYPE_HVM) {
        if (ns->rdmStrategy >= 0)
            b_info->u.hvm.rdm.strategy = ns->rdmStrategy;
        if (ns->rdmPolicy >= 0)
            b_info->u.hvm.rdm.policy = ns->rdmPolicy;
        if (ns->rdmMemBoundaryMB)
            b_info->u.hvm.rdm_mem_boundary_memkb = (uint64_t)ns->rdmMemBoundaryMB * 1024;
    }
    return 0;
}
