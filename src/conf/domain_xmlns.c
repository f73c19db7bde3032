/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns.c: the project's domain XML namespace, for what libxl
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
 *     <virtxl:pci name='gpu0' seize='yes' vslot='0x05' .../>  xl pci=['name=gpu0']
 *     <virtxl:cpus_soft cpuset='0-3'/>           xl cpus_soft="0-3"
 *     <virtxl:cpus_soft vcpu='1' cpuset='4,5'/>  xl cpus_soft=[ ..., "4,5" ]
 *     <virtxl:cpus_soft cpuset='3' exclude='yes'/>  xl cpus_soft="all,^3"
 *     <virtxl:vtpm backend='vtpm-dom' uuid='...'/>  xl vtpm=[ "backend=,uuid=" ]
 *     <virtxl:smbios_firmware value='/path'/>    xl smbios_firmware=
 *     <virtxl:vfb graphics='2' vncdisplay='3'/>  one xl vfb= entry (PV, PVH;
 *     <virtxl:vfb graphics='1' keymap='de'/>     keymap without VNC)
 *     <virtxl:nomigrate value='1'/>              one element per key of
 *     <virtxl:shadow_memory value='16'/>         vxlXMLNSKnobs, value as
 *     <virtxl:altp2m value='mixed'/>             xl.cfg writes it
 *   </domain>
 *
 * libvirt calls the parse hook for every domain XML (with the prefix
 * "virtxl" registered for XPath) and the format hook at the end of
 * <domain>, so the elements survive define/dumpxml; they are direct
 * children of <domain>, unlike the simulator's <metadata><virtxl:guest>
 * (domain_metadata.c), which libvirt keeps as opaque metadata. Attribute
 * values are xl.cfg's spellings. Unknown elements in the namespace are
 * refused, so that a typo is not silently ignored. What the values mean
 * for a guest type is checked at define time by vxlValidateXMLNS, here
 * too; translate_xmlns_libxl.c turns the model into libxl's config.
 */
#include "vxl_internal.h"

#include <stdio.h>

#include "domain_xmlns.h"
#include "util_enums.h"
#include "util_strv.h"
#include "virerror.h"
#include "virxml.h"
#include "virbuffer.h"
#include "virtxl/virtxl.h"
#include "viruuid.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


vxlXMLNSDef *
vxlXMLNSDefNew(void)
{
    vxlXMLNSDef *ns = g_new0(vxlXMLNSDef, 1);

    ns->dmVersion = ns->rdmStrategy = ns->rdmPolicy = -1;
    return ns;
}


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
    for (i = 0; i < ns->npcis; i++) {
        g_free(ns->pcis[i].alias);
        g_free(ns->pcis[i].name);
    }
    g_free(ns->pcis);
    for (i = 0; i < ns->ndisks; i++)
        vxlXMLNSDiskClear(&ns->disks[i]);
    g_free(ns->disks);
    for (i = 0; i < ns->nnics; i++)
        vxlXMLNSNicClear(&ns->nics[i]);
    g_free(ns->nics);
    g_free(ns->usbctrls);
    for (i = 0; i < ns->ncpusSoft; i++) {
        virBitmapFree(ns->cpusSoft[i].cpuset);
        g_free(ns->cpusSoft[i].xl);
    }
    g_free(ns->cpusSoft);
    vxlXMLNSCpusExcludeFree(ns);  /* domain_xmlns_cpus.c */
    for (i = 0; i < ns->nvtpms; i++)
        g_free(ns->vtpms[i].backend);
    g_free(ns->vtpms);
    vxlXMLNSDevBackendsFree(ns);  /* domain_xmlns_backend.c */
    g_free(ns->smbiosFirmware);
    for (i = 0; i < ns->nvfbs; i++)
        g_free(ns->vfbs[i].keymap);
    g_free(ns->vfbs);
    vxlXMLNSSerialsFree(ns);  /* domain_xmlns_serial.c */
    vxlXMLNSKeysFree(ns->keys);  /* domain_xmlns_keys.c */
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
        g_autoptr(GString) known = g_string_new(NULL);
        size_t i;

        for (i = 0; i < table->nrows; i++) {
            if (!table->rows[i].cfg)
                continue;
            g_string_append_printf(known, "%s%s", known->len ? ", " : "",
                                   table->rows[i].cfg);
        }
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:%s %s='%s'> is not a value Xen knows: use one of %s"),
                       elem, attr, str, known->str);
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
     * error half way frees what was read and leaks nothing. */
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


/* DDDD:BB:SS.F exactly, in hex. libvirt 9.0's virPCIDeviceAddressParse
 * does not check the separators and reads past the end of a string such
 * as "0000:01:0021", so it is not used here. */
static bool
vxlXMLNSParsePciAddress(const char *text, virPCIDeviceAddress *addr)
{
    unsigned int domain, bus, slot, function;
    int end = -1;

    if (strspn(text, "0123456789abcdefABCDEF:.") != strlen(text) ||
        sscanf(text, "%4x:%2x:%2x.%1x%n", &domain, &bus, &slot, &function, &end) != 4 ||
        end != (int)strlen(text) || slot > 0x1f || function > 7)
        return false;
    addr->domain = domain;
    addr->bus = bus;
    addr->slot = slot;
    addr->function = function;
    return true;
}


static int
vxlXMLNSParsePci(xmlNodePtr node, vxlXMLNSPci *pci)
{
    g_autofree char *address = virXMLPropString(node, "address");

    pci->alias = virXMLPropString(node, "alias");
    pci->name = virXMLPropString(node, "name");
    pci->rdmPolicy = -1;
    pci->vslot = -1;
    pci->before = -1;
    /* With name=, address= is the device it resolved to (live XML). */
    if (pci->alias ? address || pci->name : !address && !pci->name) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:pci> names its <hostdev> by exactly one of address='DDDD:BB:SS.F' or alias, or a device of its own by name"));
        return -1;
    }
    if (address && !vxlXMLNSParsePciAddress(address, &pci->addr)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:pci address='%s'> is not a PCI address DDDD:BB:SS.F"),
                       address);
        return -1;
    }
    if (virXMLPropTristateBool(node, "permissive", VIR_XML_PROP_NONE, &pci->permissive) < 0 ||
        virXMLPropTristateBool(node, "msitranslate", VIR_XML_PROP_NONE, &pci->msitranslate) < 0 ||
        virXMLPropTristateBool(node, "power_mgmt", VIR_XML_PROP_NONE, &pci->powerMgmt) < 0 ||
        virXMLPropTristateBool(node, "all_functions", VIR_XML_PROP_NONE, &pci->allFunctions) < 0 ||
        vxlXMLNSParseEnum(node, "pci", "rdm_policy", &vxlEnumRdmPolicy, &pci->rdmPolicy) < 0)
        return -1;
    if (pci->name) {
        pci->resolved = !!address;
        return vxlXMLNSParsePciName(node, pci);  /* domain_xmlns_pciname.c */
    }
    if (xmlHasProp(node, BAD_CAST "seize") || xmlHasProp(node, BAD_CAST "vslot")) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:pci> takes seize and vslot only with name=: a <hostdev> says them with managed='yes' and its guest <address type='pci'>"));
        return -1;
    }
    if (xmlHasProp(node, BAD_CAST "before")) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:pci> takes before only with name=: a <hostdev>'s place among the PCI devices is its place in the XML"));
        return -1;
    }
    return 0;
}


/* ---- xl.cfg keys with no libvirt element -------------------------------
 *
 * Each is named as xl.cfg names it and takes the value xl.cfg gives it,
 * so that an operator who knows the key knows the element, and the
 * xl.cfg converter (native_knobs.c) maps them one to one.
 */

const vxlXMLNSKnobInfo vxlXMLNSKnobs[VXL_XMLNS_KNOB_LAST] = {
    /* b_info.disable_migrate; c_info.driver_domain. */
    [VXL_XMLNS_KNOB_NOMIGRATE] = { "nomigrate", VXL_XMLNS_KNOB_BOOL, VXL_XMLNS_GUEST_ALL, 0, 1, NULL },
    [VXL_XMLNS_KNOB_DRIVER_DOMAIN] = { "driver_domain", VXL_XMLNS_KNOB_BOOL, VXL_XMLNS_GUEST_ALL, 0, 1, NULL },
    /* libxl keeps the frame count in a uint32_t; xl reads it bounded,
     * to a C int. */
    [VXL_XMLNS_KNOB_MAX_MAPTRACK_FRAMES] = { "max_maptrack_frames", VXL_XMLNS_KNOB_NUMBER,
                                             VXL_XMLNS_GUEST_ALL, 0, INT_MAX, NULL, true },
    /* Xen 4.17 has grant table versions 1 and 2, but xl reads any int
     * and libxl passes it on (refusing only what does not fit Xen's
     * 4-bit field): Xen itself refuses 0 and a version above the
     * host's at create, so the value is carried as xl reads it and the
     * create refuses it (before either backend is asked: backend.c). */
    [VXL_XMLNS_KNOB_MAX_GRANT_VERSION] = { "max_grant_version", VXL_XMLNS_KNOB_NUMBER,
                                           VXL_XMLNS_GUEST_ALL, 0, INT_MAX, NULL, true },
    /* MiB of paging memory (shadow or HAP). xl.cfg(5) lists it for HVM
     * and PVH, but xl reads it for every guest into b_info.shadow_memkb
     * (a PV guest's log-dirty mode runs on shadow pages too). */
    [VXL_XMLNS_KNOB_SHADOW_MEMORY] = { "shadow_memory", VXL_XMLNS_KNOB_NUMBER,
                                       VXL_XMLNS_GUEST_ALL, 0, UINT32_MAX, NULL },
    /* Alternate p2m views need HAP, so an HVM container as well. */
    [VXL_XMLNS_KNOB_ALTP2M] = { "altp2m", VXL_XMLNS_KNOB_ENUM,
                                VXL_XMLNS_GUEST_HVM | VXL_XMLNS_GUEST_PVH, 0, 0,
                                libxl_altp2m_mode_string_table },
    /* b_info.acpi of a PV or PVH guest: xl reads acpi= for every guest
     * type. An HVM guest's is <features><acpi/>, whose absence means
     * off; for PV and PVH its absence must stay libxl's default (on),
     * and libvirt has no off state, so the off switch lives here. libxl
     * builds a PVH guest's ACPI tables and gives a PV guest none either
     * way (libxl_x86.c), but the value is the guest's configuration all
     * the same, and xl -N shows it. */
    [VXL_XMLNS_KNOB_ACPI] = { "acpi", VXL_XMLNS_KNOB_BOOL,
                              VXL_XMLNS_GUEST_PV | VXL_XMLNS_GUEST_PVH, 0, 1, NULL },
    /* The rest are fields of b_info.u.hvm: the emulated platform. */
    [VXL_XMLNS_KNOB_NX] = { "nx", VXL_XMLNS_KNOB_BOOL, VXL_XMLNS_GUEST_HVM, 0, 1, NULL },
    /* MiB; xl.cfg(5): no smaller than 256, no larger than 3840. */
    [VXL_XMLNS_KNOB_MMIO_HOLE] = { "mmio_hole", VXL_XMLNS_KNOB_NUMBER, VXL_XMLNS_GUEST_HVM,
                                   256, 3840, NULL },
    [VXL_XMLNS_KNOB_XEN_PLATFORM_PCI] = { "xen_platform_pci", VXL_XMLNS_KNOB_BOOL,
                                          VXL_XMLNS_GUEST_HVM, 0, 1, NULL },
    [VXL_XMLNS_KNOB_VENDOR_DEVICE] = { "vendor_device", VXL_XMLNS_KNOB_ENUM, VXL_XMLNS_GUEST_HVM,
                                       0, 0, libxl_vendor_device_string_table },
};


int
vxlXMLNSKnobEnumFromString(const libxl_enum_string_table *table, const char *str)
{
    /* libxl's own _from_string(), which xl calls, ignores case too. */
    for (; table->s; table++) {
        if (g_ascii_strcasecmp(table->s, str) == 0)
            return table->v;
    }
    return -1;
}


const char *
vxlXMLNSKnobEnumToString(const libxl_enum_string_table *table, int value)
{
    for (; table->s; table++) {
        if (table->v == value)
            return table->s;
    }
    return NULL;
}


bool
vxlXMLNSKnobValueValid(const vxlXMLNSKnobInfo *knob, long long value)
{
    switch (knob->kind) {
    case VXL_XMLNS_KNOB_BOOL:
    case VXL_XMLNS_KNOB_NUMBER:
        /* A boolean is the range 0..1. */
        return value >= knob->min && value <= knob->max;
    case VXL_XMLNS_KNOB_ENUM:
        return value >= INT_MIN && value <= INT_MAX &&
            vxlXMLNSKnobEnumToString(knob->values, value) != NULL;
    }
    return false;
}


/* "a, b or c", for messages. */
static char *
vxlXMLNSKnobEnumNames(const libxl_enum_string_table *table)
{
    g_autoptr(GString) out = g_string_new(NULL);
    const libxl_enum_string_table *t;

    for (t = table; t->s; t++) {
        if (t != table)
            g_string_append(out, t[1].s ? ", " : " or ");
        g_string_append(out, t->s);
    }
    return g_string_free(g_steal_pointer(&out), FALSE);
}


static int
vxlXMLNSKnobFind(const char *name)
{
    size_t i;

    for (i = 0; i < VXL_XMLNS_KNOB_LAST; i++) {
        if (STREQ(vxlXMLNSKnobs[i].name, name))
            return i;
    }
    return -1;
}


static int
vxlXMLNSParseKnob(xmlNodePtr node, vxlXMLNSKnob knob, vxlXMLNSDef *ns)
{
    const vxlXMLNSKnobInfo *info = &vxlXMLNSKnobs[knob];
    g_autofree char *str = virXMLPropString(node, "value");
    long long value = -1;

    if (!str) {
        virReportError(VIR_ERR_XML_ERROR, _("<virtxl:%s> needs a value attribute"), info->name);
        return -1;
    }
    switch (info->kind) {
    case VXL_XMLNS_KNOB_BOOL:
        /* As xl.cfg writes its booleans. */
        if (STREQ(str, "0") || STREQ(str, "1")) {
            value = str[0] == '1';
        } else {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:%s value='%s'>: use 1 or 0, as in xl.cfg"), info->name, str);
            return -1;
        }
        break;
    case VXL_XMLNS_KNOB_NUMBER:
        if (virStrToLong_ll(str, NULL, 10, &value) < 0) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:%s value='%s'> is not a number"), info->name, str);
            return -1;
        }
        if (!vxlXMLNSKnobValueValid(info, value)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:%s value='%s'> is out of range: Xen takes %lld to %lld"),
                           info->name, str, info->min, info->max);
            return -1;
        }
        break;
    case VXL_XMLNS_KNOB_ENUM:
        if ((value = vxlXMLNSKnobEnumFromString(info->values, str)) < 0) {
            g_autofree char *names = vxlXMLNSKnobEnumNames(info->values);

            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:%s value='%s'> is not a value Xen knows: use %s"),
                           info->name, str, names);
            return -1;
        }
        break;
    }
    ns->knobs[knob].set = true;
    ns->knobs[knob].value = value;
    return 0;
}


static int
vxlXMLNSParseCpusSoft(xmlNodePtr node, vxlXMLNSDef *ns)
{
    return vxlXMLNSParseCpuList(node, "cpus_soft", "0-3,^2", VIR_DOMAIN_CPUMASK_LEN, true,
                                &ns->cpusSoft, &ns->ncpusSoft);
}


static int
vxlXMLNSParseVtpm(xmlNodePtr node, vxlXMLNSDef *ns)
{
    g_autofree char *backend = virXMLPropString(node, "backend");
    g_autofree char *uuid = virXMLPropString(node, "uuid");
    vxlXMLNSVtpm vtpm = { 0 };

    if (backend && !*backend) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:vtpm backend=''>: name the vTPM's backend domain, or leave the attribute out for dom0"));
        return -1;
    }
    if (uuid) {
        if (virUUIDParse(uuid, vtpm.uuid) < 0) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:vtpm uuid='%s'> is not a UUID"), uuid);
            return -1;
        }
        vtpm.hasUUID = true;
    }
    vtpm.backend = g_steal_pointer(&backend);
    ns->vtpms = g_renew(vxlXMLNSVtpm, ns->vtpms, ns->nvtpms + 1);
    ns->vtpms[ns->nvtpms++] = vtpm;
    return 0;
}


static int
vxlXMLNSParseSmbiosFirmware(xmlNodePtr node, vxlXMLNSDef *ns)
{
    g_autofree char *path = virXMLPropString(node, "value");

    if (!path || !*path) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:smbios_firmware> needs a value attribute, the path of a file of SMBIOS structures"));
        return -1;
    }
    ns->smbiosFirmware = g_steal_pointer(&path);
    return 0;
}


/* Every element name of the namespace, for the message refusing others. */
static char *
vxlXMLNSElementNames(void)
{
    g_autoptr(GString) out = g_string_new("<virtxl:devicemodel>, <virtxl:rdm>, <virtxl:pci>, "
                                          "<virtxl:disk>, <virtxl:nic>, <virtxl:usbctrl>, <virtxl:serial>, "
                                          "<virtxl:cpus_soft>, <virtxl:cpus_exclude>, <virtxl:cpus_nodes>, <virtxl:numa_placement>, "
                                          "<virtxl:vtpm>, <virtxl:channel>, <virtxl:p9>, "
                                          "<virtxl:smbios_firmware>, <virtxl:vfb>");
    size_t i;

    for (i = 0; i < VXL_XMLNS_KNOB_LAST; i++)
        g_string_append_printf(out, ", <virtxl:%s>", vxlXMLNSKnobs[i].name);
    vxlXMLNSKeysNames(out);  /* domain_xmlns_keys.c */
    return g_string_free(g_steal_pointer(&out), FALSE);
}


/* libvirt 9.0 reads <os firmware> and <os><firmware> for HVM guests
 * only: for xen and xenpvh its parser drops them, and no driver hook
 * sees the def's firmware. This hook is the one place that sees the
 * document, so it notes them for vxlValidateBoot() to refuse. */
static bool
vxlXMLNSHasPVFirmware(xmlXPathContextPtr ctxt)
{
    g_autofree char *type = virXPathString("string(./os/type[1])", ctxt);

    if (!type)
        return false;
    if (STRNEQ(type, "xen") && STRNEQ(type, "xenpvh"))
        return false;
    return virXPathBoolean("boolean(./os/@firmware) or boolean(./os/firmware)", ctxt) == 1;
}


/* The namespaces of libvirt's other drivers (domain.rng allows them on
 * any domain). libvirt's parser hands a driver its own namespace only,
 * so without this a <qemu:commandline> in a Xen guest's XML would be
 * dropped unseen. */
static const struct {
    const char *uri;
    const char *driver;
} vxlXMLNSOtherDrivers[] = {
    { "http://libvirt.org/schemas/domain/qemu/1.0", "QEMU" },
    { "http://libvirt.org/schemas/domain/lxc/1.0", "LXC" },
    { "http://libvirt.org/schemas/domain/bhyve/1.0", "bhyve" },
    { "http://libvirt.org/schemas/domain/vmware/1.0", "VMware" },
};

static int
vxlXMLNSRefuseOtherDrivers(xmlNodePtr root)
{
    xmlNodePtr node;
    size_t i;

    for (node = root ? root->children : NULL; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE || !node->ns || !node->ns->href)
            continue;
        for (i = 0; i < G_N_ELEMENTS(vxlXMLNSOtherDrivers); i++) {
            if (STRNEQ((const char *)node->ns->href, vxlXMLNSOtherDrivers[i].uri))
                continue;
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<%s> of libvirt's %s driver namespace is not supported by Xen; qemu arguments for a Xen guest are <virtxl:devicemodel><virtxl:arg value>"),
                           (const char *)node->name, vxlXMLNSOtherDrivers[i].driver);
            return -1;
        }
    }
    return 0;
}


static int
vxlXMLNSParse(xmlXPathContextPtr ctxt, void **data)
{
    vxlXMLNSDef *ns = vxlXMLNSDefNew();
    g_autofree xmlNodePtr *nodes = NULL;
    bool seenDM = false, seenRdm = false;
    bool any = false;
    int knob;
    int rc;
    int n;
    size_t i;

    if (vxlXMLNSRefuseOtherDrivers(ctxt->node) < 0 ||
        (n = virXPathNodeSet("./virtxl:*", ctxt, &nodes)) < 0)
        goto error;
    for (i = 0; i < n; i++) {
        const char *name = (const char *)nodes[i]->name;

        any = true;
        knob = vxlXMLNSKnobFind(name);
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
        } else if (STREQ(name, "disk")) {
            ns->disks = g_renew(vxlXMLNSDisk, ns->disks, ns->ndisks + 1);
            memset(&ns->disks[ns->ndisks++], 0, sizeof(vxlXMLNSDisk));
            if (vxlXMLNSParseDisk(nodes[i], &ns->disks[ns->ndisks - 1]) < 0)
                goto error;
        } else if (STREQ(name, "nic")) {
            ns->nics = g_renew(vxlXMLNSNic, ns->nics, ns->nnics + 1);
            memset(&ns->nics[ns->nnics++], 0, sizeof(vxlXMLNSNic));
            if (vxlXMLNSParseNic(nodes[i], &ns->nics[ns->nnics - 1]) < 0)
                goto error;
        } else if (STREQ(name, "serial")) {
            if (vxlXMLNSParseSerial(nodes[i], ns) < 0)
                goto error;
        } else if (STREQ(name, "usbctrl")) {
            ns->usbctrls = g_renew(vxlXMLNSUsbctrl, ns->usbctrls, ns->nusbctrls + 1);
            memset(&ns->usbctrls[ns->nusbctrls++], 0, sizeof(vxlXMLNSUsbctrl));
            if (vxlXMLNSParseUsbctrl(nodes[i], &ns->usbctrls[ns->nusbctrls - 1]) < 0)
                goto error;
        } else if (STREQ(name, "cpus_soft")) {
            if (vxlXMLNSParseCpusSoft(nodes[i], ns) < 0)
                goto error;
        } else if (STREQ(name, "cpus_exclude")) {
            if (vxlXMLNSParseCpusExclude(nodes[i], ns) < 0)
                goto error;
        } else if (STREQ(name, "cpus_nodes")) {
            if (vxlXMLNSParseCpusNodes(nodes[i], ns) < 0)
                goto error;
        } else if (STREQ(name, "numa_placement")) {
            if (vxlXMLNSParseNumaPlacement(nodes[i], ns) < 0)
                goto error;
        } else if (STREQ(name, "vtpm")) {
            if (vxlXMLNSParseVtpm(nodes[i], ns) < 0)
                goto error;
        } else if (STREQ(name, "channel") || STREQ(name, "p9")) {
            if (vxlXMLNSParseDevBackend(nodes[i], STREQ(name, "p9"), ns) < 0)
                goto error;
        } else if (STREQ(name, "vfb")) {
            if (vxlXMLNSParseVfb(nodes[i], ns) < 0)  /* domain_xmlns_vfb.c */
                goto error;
        } else if (STREQ(name, "smbios_firmware") && !ns->smbiosFirmware) {
            if (vxlXMLNSParseSmbiosFirmware(nodes[i], ns) < 0)
                goto error;
        } else if (knob >= 0 && !ns->knobs[knob].set) {
            if (vxlXMLNSParseKnob(nodes[i], knob, ns) < 0)
                goto error;
        } else if ((rc = vxlXMLNSKeysParse(nodes[i], ns->keys)) != 0) {
            /* domain_xmlns_keys.c */
            if (rc < 0)
                goto error;
        } else if (STREQ(name, "devicemodel") || STREQ(name, "rdm") ||
                   STREQ(name, "smbios_firmware") || knob >= 0) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:%s> appears twice: it holds one setting of the domain"),
                           name);
            goto error;
        } else {
            g_autofree char *names = vxlXMLNSElementNames();

            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:%s> is not an element of %s: use %s"),
                           name, VXL_XMLNS_URI, names);
            goto error;
        }
    }

    if ((ns->pvFirmware = vxlXMLNSHasPVFirmware(ctxt)))
        any = true;

    if (any)
        *data = ns;
    else
        vxlXMLNSFree(ns);
    return 0;

 error:
    vxlXMLNSFree(ns);
    return -1;
}


void
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


/* The elements of xl.cfg's keys, in the order of vxlXMLNSDef. */
static void
vxlXMLNSFormatKnobs(virBuffer *buf, const vxlXMLNSDef *ns)
{
    size_t i;

    for (i = 0; i < ns->ncpusSoft; i++) {
        g_autofree char *set = virBitmapFormat(ns->cpusSoft[i].cpuset);

        virBufferAddLit(buf, "<virtxl:cpus_soft");
        if (ns->cpusSoft[i].vcpu >= 0)
            virBufferAsprintf(buf, " vcpu='%d'", ns->cpusSoft[i].vcpu);
        if (ns->cpusSoft[i].xl)
            virBufferEscapeString(buf, " list='%s'", ns->cpusSoft[i].xl);
        else if (vxlXMLNSCpusIsAll(ns->cpusSoft[i].cpuset))
            virBufferAddLit(buf, " cpuset='all'");
        else if (!ns->cpusSoft[i].exclude && !ns->cpusSoft[i].nodes &&
                 virBitmapIsAllClear(ns->cpusSoft[i].cpuset))
            virBufferAddLit(buf, " cpuset='none'");
        else
            virBufferAsprintf(buf, " %s='%s'", ns->cpusSoft[i].nodes ? "nodeset" : "cpuset", set);
        if (ns->cpusSoft[i].exclude)
            virBufferAddLit(buf, " exclude='yes'");
        virBufferAddLit(buf, "/>\n");
    }
    vxlXMLNSFormatCpusExclude(buf, ns);
    for (i = 0; i < ns->nvtpms; i++) {
        virBufferAddLit(buf, "<virtxl:vtpm");
        virBufferEscapeString(buf, " backend='%s'", ns->vtpms[i].backend);
        if (ns->vtpms[i].hasUUID) {
            char uuid[VIR_UUID_STRING_BUFLEN];

            virUUIDFormat(ns->vtpms[i].uuid, uuid);
            virBufferAsprintf(buf, " uuid='%s'", uuid);
        }
        virBufferAddLit(buf, "/>\n");
    }
    vxlXMLNSFormatDevBackends(buf, ns);  /* domain_xmlns_backend.c */
    virBufferEscapeString(buf, "<virtxl:smbios_firmware value='%s'/>\n", ns->smbiosFirmware);
    for (i = 0; i < VXL_XMLNS_KNOB_LAST; i++) {
        const vxlXMLNSKnobInfo *info = &vxlXMLNSKnobs[i];

        if (!ns->knobs[i].set)
            continue;
        if (info->kind == VXL_XMLNS_KNOB_ENUM)
            virBufferAsprintf(buf, "<virtxl:%s value='%s'/>\n", info->name,
                              vxlXMLNSKnobEnumToString(info->values, ns->knobs[i].value));
        else
            virBufferAsprintf(buf, "<virtxl:%s value='%lld'/>\n", info->name,
                              ns->knobs[i].value);
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

    for (i = 0; i < ns->ndisks; i++)
        vxlXMLNSFormatDisk(buf, &ns->disks[i]);
    for (i = 0; i < ns->nnics; i++)
        vxlXMLNSFormatNic(buf, &ns->nics[i]);
    for (i = 0; i < ns->nusbctrls; i++)
        vxlXMLNSFormatUsbctrl(buf, &ns->usbctrls[i]);
    vxlXMLNSFormatVfbs(buf, ns);
    vxlXMLNSFormatSerials(buf, ns);  /* domain_xmlns_serial.c */
    for (i = 0; i < ns->npcis; i++) {
        const vxlXMLNSPci *pci = &ns->pcis[i];

        if (pci->name) {
            vxlXMLNSFormatPciName(buf, pci);  /* domain_xmlns_pciname.c */
            continue;
        }
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
        vxlXMLNSFormatTristate(buf, "all_functions", pci->allFunctions);
        if (pci->rdmPolicy >= 0)
            virBufferAsprintf(buf, " rdm_policy='%s'",
                              vxlEnumXlToCfg(&vxlEnumRdmPolicy, pci->rdmPolicy));
        virBufferAddLit(buf, "/>\n");
    }

    vxlXMLNSFormatKnobs(buf, ns);
    vxlXMLNSKeysFormat(buf, ns->keys);  /* domain_xmlns_keys.c */
    return 0;
}


virXMLNamespace vxlXMLNamespace = {
    .parse = vxlXMLNSParse,
    .free = vxlXMLNSFree,
    .format = vxlXMLNSFormat,
    .prefix = VXL_XMLNS_PREFIX,
    .uri = VXL_XMLNS_URI,
};


void
vxlXMLNSDropIfEmpty(virDomainDef *def)
{
    vxlXMLNSDef *ns = (vxlXMLNSDef *)vxlXMLNSGet(def);
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;

    /* Empty: what a parse of the same XML gives (vxlXMLNSParse keeps no
     * data without an element), so the XML has no xmlns:virtxl left. */
    if (!ns || ns->pvFirmware || vxlXMLNSFormat(&buf, ns) < 0 ||
        virBufferUse(&buf) > 0)
        return;
    vxlXMLNSFree(ns);
    def->namespaceData = NULL;
}

const vxlXMLNSDef *
vxlXMLNSGet(const virDomainDef *def)
{
    if (!def->namespaceData || !def->ns.uri || STRNEQ(def->ns.uri, VXL_XMLNS_URI))
        return NULL;
    return def->namespaceData;
}


bool
vxlXMLNSTraditionalDM(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);

    return ns && ns->dmVersion == LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL;
}


static bool
vxlXMLNSPciMatches(const vxlXMLNSPci *pci, const virDomainHostdevDef *hostdev)
{
    if (hostdev->mode != VIR_DOMAIN_HOSTDEV_MODE_SUBSYS ||
        hostdev->source.subsys.type != VIR_DOMAIN_HOSTDEV_SUBSYS_TYPE_PCI ||
        pci->name)
        return false;
    if (pci->alias)
        return hostdev->info->alias && STREQ(hostdev->info->alias, pci->alias);
    return virPCIDeviceAddressEqual(&pci->addr, &hostdev->source.subsys.u.pci.addr);
}


const vxlXMLNSPci *
vxlXMLNSFindPci(const virDomainDef *def, const virDomainHostdevDef *hostdev)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t i;

    for (i = 0; ns && i < ns->npcis; i++) {
        if (vxlXMLNSPciMatches(&ns->pcis[i], hostdev))
            return &ns->pcis[i];
    }
    return NULL;
}


/* "HVM", "HVM and PVH", ... for messages. */
static const char *
vxlXMLNSGuestNames(unsigned int guests)
{
    if (guests == VXL_XMLNS_GUEST_HVM)
        return "HVM";
    if (guests == (VXL_XMLNS_GUEST_HVM | VXL_XMLNS_GUEST_PVH))
        return "HVM and PVH";
    if (guests == (VXL_XMLNS_GUEST_PV | VXL_XMLNS_GUEST_PVH))
        return "PV and PVH";
    return "PV, PVH and HVM";
}


static int
vxlValidateXMLNSKnobs(const virDomainDef *def, const vxlXMLNSDef *ns)
{
    int type = vxlEnumVirToXl(&vxlEnumDomainType, def->os.type);
    bool hasAll = false;
    size_t i, j;

    /* An unknown guest type is the "basic" class's to refuse. */
    if (type < 0)
        return 0;
    if (ns->knobs[VXL_XMLNS_KNOB_ACPI].set) {
        if (type == LIBXL_DOMAIN_TYPE_HVM) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<virtxl:acpi> is only for PV and PVH guests: an HVM guest's ACPI is <features><acpi/>"));
            return -1;
        }
        /* <acpi/> on a PV or PVH guest is accepted and changes nothing
         * (translate_basic.c), but beside an off switch it says the
         * opposite. */
        if (!ns->knobs[VXL_XMLNS_KNOB_ACPI].value &&
            def->features[VIR_DOMAIN_FEATURE_ACPI] == VIR_TRISTATE_SWITCH_ON) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<features><acpi/> and <virtxl:acpi value='0'> contradict each other; keep one"));
            return -1;
        }
    }
    for (i = 0; i < VXL_XMLNS_KNOB_LAST; i++) {
        const vxlXMLNSKnobInfo *info = &vxlXMLNSKnobs[i];

        if (ns->knobs[i].set && !(info->guests & (1u << type))) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:%s> is only for %s guests"),
                           info->name, vxlXMLNSGuestNames(info->guests));
            return -1;
        }
    }
    if (ns->knobs[VXL_XMLNS_KNOB_MMIO_HOLE].set &&
        ns->dmVersion == LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:mmio_hole> needs the qemu-xen device model, not qemu-xen-traditional"));
        return -1;
    }
    if (ns->smbiosFirmware && type != LIBXL_DOMAIN_TYPE_HVM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:smbios_firmware> is only for HVM guests: hvmloader builds the SMBIOS tables"));
        return -1;
    }

    /* Soft affinity: xl's per-vCPU list has no holes, so without a
     * <virtxl:cpus_soft> for every vCPU each one up to the last named
     * needs its own. */
    for (i = 0; i < ns->ncpusSoft; i++) {
        int vcpu = ns->cpusSoft[i].vcpu;

        if (vcpu < 0) {
            hasAll = true;
        } else if (vcpu >= def->maxvcpus) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:cpus_soft vcpu='%d'>: the domain has %zu vCPUs"),
                           vcpu, def->maxvcpus);
            return -1;
        }
    }
    for (i = 0; i < ns->ncpusSoft && !hasAll; i++) {
        for (j = 0; (int)j < ns->cpusSoft[i].vcpu; j++) {
            size_t k;
            bool found = false;

            for (k = 0; k < ns->ncpusSoft && !found; k++)
                found = ns->cpusSoft[k].vcpu == (int)j;
            if (!found) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                               _("<virtxl:cpus_soft vcpu='%zu'> is missing: Xen's per-vCPU soft affinity has no gaps; name it, or add a <virtxl:cpus_soft> without vcpu for the others"),
                               j);
                return -1;
            }
        }
    }
    return 0;
}


/*
 * What the namespace's values mean for this guest: HVM-only knobs on
 * other guests, and <virtxl:pci> entries that name no PCI <hostdev> (or
 * the same one twice), are refused rather than silently dropped.
 */
int
vxlValidateXMLNS(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
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
    if (!hvm && (ns->rdmStrategy >= 0 || ns->rdmPolicy >= 0 || ns->rdmMemBoundaryMB)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:rdm> is only for HVM guests: reserved device memory is an HVM memory-map notion"));
        return -1;
    }
    for (i = 0; i < ns->npcis; i++) {
        const vxlXMLNSPci *pci = &ns->pcis[i];
        g_autofree char *name = NULL;
        size_t found = 0;

        if (pci->name) {
            if (vxlValidateXMLNSPciName(def, ns, i) < 0)
                return -1;
            continue;
        }
        name = pci->alias ? g_strdup_printf("alias='%s'", pci->alias) :
            g_strdup_printf("address='" VIR_PCI_DEVICE_ADDRESS_FMT "'", pci->addr.domain,
                            pci->addr.bus, pci->addr.slot, pci->addr.function);
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
    if (vxlValidateXMLNSDisks(def, ns) < 0 ||
        vxlValidateXMLNSNics(def, ns) < 0 ||
        vxlValidateXMLNSUsbctrls(def, ns) < 0 ||
        vxlValidateXMLNSVfbs(def, ns) < 0 ||  /* domain_xmlns_vfb.c */
        vxlValidateXMLNSSerials(def, ns) < 0 ||  /* domain_xmlns_serial.c */
        vxlValidateXMLNSDevBackends(def, ns) < 0 ||  /* domain_xmlns_backend.c */
        vxlValidateXMLNSKeys(def, ns->keys) < 0 ||  /* domain_xmlns_keys.c */
        vxlValidateXMLNSCpusExclude(def, ns) < 0)  /* domain_xmlns_cpus.c */
        return -1;
    return vxlValidateXMLNSKnobs(def, ns);
}


size_t
vxlXMLNSCpusSoftSpan(const vxlXMLNSDef *ns, const vxlXMLNSCpusSoft **all)
{
    size_t n = 0;
    size_t i;

    *all = NULL;
    for (i = 0; i < ns->ncpusSoft; i++) {
        if (ns->cpusSoft[i].vcpu < 0)
            *all = &ns->cpusSoft[i];
        else
            n = MAX(n, ns->cpusSoft[i].vcpu + 1);
    }
    return n;
}


