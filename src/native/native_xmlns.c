/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_xmlns.c: the xl.cfg keys that only the project's namespace
 * (src/conf/domain_xmlns.c, docs/translation.md "The virtxl XML namespace")
 * can hold, both ways:
 *
 *   device_model_version=        <virtxl:devicemodel version>
 *   device_model_override=       <devices><emulator> (native_devices.c),
 *                                libvirt's own word; xml2xl also reads
 *                                <virtxl:devicemodel path>
 *   device_model_stubdomain_override=  <virtxl:devicemodel stubdomain>
 *   stubdomain_memory=           <virtxl:devicemodel stubdomain_memory>
 *   device_model_args=           <virtxl:arg value>
 *   device_model_args_hvm=       <virtxl:arg value guest='hvm'> (HVM)
 *   device_model_args_pv=        <virtxl:arg value guest='pv'> (PV, PVH)
 *   rdm=, rdm_mem_boundary=      <virtxl:rdm strategy policy mem_boundary>
 *   vif= devid=, gatewaydev=, trusted/untrusted, rate=...@INTERVAL
 *                                <virtxl:nic mac ...> (native_devices.c)
 *   pci= msitranslate=, power_mgmt=, rdm_policy= (and the pci_msitranslate=,
 *   pci_power_mgmt= defaults)    <virtxl:pci address ...>
 *
 * What the translator would refuse for the guest type (args for the
 * other kind of guest, a stub domain for PV) xl accepts and libxl never
 * uses: such keys are left unread, so they are warned about as not
 * applicable. Per-device PCI options are what each device ends up with
 * after xl applies the global defaults, so xml2xl writes them per device
 * and never the globals. permissive= stays libvirt's own <source
 * writeFiltering='no'> and seize= its managed='yes'.
 *
 * The elements are written with their own xmlns:virtxl declaration;
 * libvirt formats the domain with the declaration on <domain>.
 */
#include "vxl_internal.h"

#include <libxl.h>
#include <libxlutil.h>

#include "native_private.h"
#include "conf_devices.h"
#include "util_enums.h"
#include "util_strv.h"
#include "virerror.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

#define VXL_NS_DECL " xmlns:" VXL_XMLNS_PREFIX "='" VXL_XMLNS_URI "'"


/* ---- xl.cfg -> XML ----------------------------------------------------- */

/* A list of strings, as xl's xlu_cfg_get_list_as_string_list takes it. */
static int
vxlNativeXMLNSArgs(vxlNativeReader *r, const char *key, const char *guest,
                   virBuffer *children)
{
    XLU_ConfigList *list;
    int n;
    int i;

    if (vxlNativeGetList(r, key, &list, &n) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        const char *arg = xlu_cfg_get_listitem(list, i);

        if (!arg) {
            vxlNativeError(r, key, _("entry %d is a list, expected a string"), i + 1);
            return -1;
        }
        virBufferEscapeString(children, "<virtxl:arg value='%s'", arg);
        if (guest)
            virBufferAsprintf(children, " guest='%s'", guest);
        virBufferAddLit(children, "/>\n");
    }
    return 0;
}


static int
vxlNativeXMLNSDeviceModel(vxlNativeReader *r, virBuffer *out)
{
    g_auto(virBuffer) attrs = VIR_BUFFER_INITIALIZER;
    g_auto(virBuffer) children = VIR_BUFFER_INITIALIZER;
    bool hvm = r->type == LIBXL_DOMAIN_TYPE_HVM;
    const char *str = NULL;
    bool stubdomain = false;
    long memMB = -1;
    int rc;

    virBufferAdjustIndent(&children, 2);
    if (vxlNativeGetString(r, "device_model_version", &str) < 0)
        return -1;
    if (str) {
        if (vxlEnumCfgToXl(&vxlEnumDeviceModelVersion, str) < 0) {
            vxlNativeError(r, "device_model_version",
                           _("'%s' is not a device model; use qemu-xen or qemu-xen-traditional"), str);
            return -1;
        }
        virBufferEscapeString(&attrs, " version='%s'", str);
    }

    /* A stub domain runs an HVM guest's device model; libxl has none
     * for PV and PVH guests. */
    if (hvm) {
        if ((rc = vxlNativeGetBool(r, "device_model_stubdomain_override", &stubdomain)) < 0 ||
            vxlNativeGetLong(r, "stubdomain_memory", &memMB) < 0)
            return -1;
        if (rc > 0)
            virBufferAsprintf(&attrs, " stubdomain='%s'", stubdomain ? "yes" : "no");
        /* xl keeps the size without a stub domain too
         * (b_info.stubdomain_memkb), where libxl leaves it unused: it is
         * carried all the same, so that both configs say the same. */
        if (memMB == 0 || memMB > UINT_MAX)
            vxlNativeWarn(r, "stubdomain_memory",
                          _("dropped %ld: not a stub domain size the namespace holds (1 MiB or more)"),
                          memMB);
        else if (memMB > 0)
            virBufferAsprintf(&attrs, " stubdomain_memory='%ld'", memMB);
    }

    if (vxlNativeXMLNSArgs(r, "device_model_args", NULL, &children) < 0 ||
        (hvm && vxlNativeXMLNSArgs(r, "device_model_args_hvm", "hvm", &children) < 0) ||
        (!hvm && vxlNativeXMLNSArgs(r, "device_model_args_pv", "pv", &children) < 0))
        return -1;

    if (!virBufferUse(&attrs) && !virBufferUse(&children))
        return 0;
    virBufferAsprintf(out, "<virtxl:devicemodel" VXL_NS_DECL "%s", virBufferCurrentContent(&attrs));
    if (!virBufferUse(&children)) {
        virBufferAddLit(out, "/>\n");
        return 0;
    }
    virBufferAddLit(out, ">\n");
    virBufferAddBuffer(out, &children);
    virBufferAddLit(out, "</virtxl:devicemodel>\n");
    return 0;
}


/*
 * The domain's rdm= as xl 4.17 reads it, with Xen's own parser: that
 * parser takes "strategy=host" alone and fails on anything else
 * (strategy=ignore, and every policy=, which it inverts a test on), and
 * xl then silently ignores the key. The policy is therefore always
 * unset here, and so it is for the PCI devices that inherit it.
 */
static int
vxlNativeXMLNSRdm(vxlNativeReader *r, virBuffer *out)
{
    g_auto(virBuffer) attrs = VIR_BUFFER_INITIALIZER;
    const char *str = NULL;
    long boundary = -1;

    if (r->type != LIBXL_DOMAIN_TYPE_HVM)
        return 0;
    if (vxlNativeGetString(r, "rdm", &str) < 0 ||
        vxlNativeGetLong(r, "rdm_mem_boundary", &boundary) < 0)
        return -1;
    if (str) {
        libxl_rdm_reserve rdm;

        libxl_rdm_reserve_init(&rdm);
        if (xlu_rdm_parse(r->xlu, &rdm, str) != 0) {
            vxlNativeWarn(r, "rdm",
                          _("ignored '%s', as xl 4.17 ignores it: its parser takes strategy=host alone, fails on anything else, and xl then goes on without rdm"),
                          str);
        } else {
            virBufferAsprintf(&attrs, " strategy='%s'",
                              vxlEnumXlToCfg(&vxlEnumRdmStrategy, rdm.strategy));
            if (rdm.policy != LIBXL_RDM_RESERVE_POLICY_INVALID)
                virBufferAsprintf(&attrs, " policy='%s'",
                                  vxlEnumXlToCfg(&vxlEnumRdmPolicy, rdm.policy));
        }
        libxl_rdm_reserve_dispose(&rdm);
    }
    if (boundary == 0 || boundary > UINT_MAX / 1024) {
        vxlNativeWarn(r, "rdm_mem_boundary", _("dropped %ld: not a boundary the namespace holds (1 MiB or more)"),
                      boundary);
    } else if (boundary > 0) {
        virBufferAsprintf(&attrs, " mem_boundary='%ld'", boundary);
    } else if (boundary < -1) {
        vxlNativeError(r, "rdm_mem_boundary", _("%ld is not a size in MiB"), boundary);
        return -1;
    }
    if (virBufferUse(&attrs))
        virBufferAsprintf(out, "<virtxl:rdm" VXL_NS_DECL "%s/>\n",
                          virBufferCurrentContent(&attrs));
    return 0;
}


void
vxlNativeXMLNSAddPci(vxlNativeReader *r, const libxl_device_pci *pci, int index)
{
    g_auto(virBuffer) attrs = VIR_BUFFER_INITIALIZER;

    if (pci->msitranslate)
        virBufferAddLit(&attrs, " msitranslate='yes'");
    if (pci->power_mgmt)
        virBufferAddLit(&attrs, " power_mgmt='yes'");
    /* BB:DD.*: every function (function 0 is the <hostdev>'s). */
    if (pci->vfunc_mask == LIBXL_PCI_FUNC_ALL)
        virBufferAddLit(&attrs, " all_functions='yes'");
    /* xl gives each device the domain's rdm policy before reading its
     * spec, and the translator does the same with <virtxl:rdm policy>:
     * only a policy the spec sets differs from it, and only an HVM
     * guest has one. A PV guest's is ignored, as libxl ignores it:
     * reserved device memory is set up for HVM guests alone
     * (libxl__domain_device_construct_rdm), and xl's own value for a PV
     * guest's device is read out of the HVM half of a union, so it says
     * nothing either way. */
    if (pci->rdm_policy != LIBXL_RDM_RESERVE_POLICY_INVALID) {
        if (r->type == LIBXL_DOMAIN_TYPE_HVM)
            virBufferAsprintf(&attrs, " rdm_policy='%s'",
                              vxlEnumXlToCfg(&vxlEnumRdmPolicy, pci->rdm_policy));
        else
            vxlNativeWarn(r, "pci", _("entry %d: ignored rdm_policy=%s, as libxl ignores it: reserved device memory is for HVM guests only"),
                          index + 1, libxl_rdm_reserve_policy_to_string(pci->rdm_policy));
    }
    if (!virBufferUse(&attrs))
        return;
    g_ptr_array_add(r->nsPcis,
                    g_strdup_printf("<virtxl:pci" VXL_NS_DECL " address='%04x:%02x:%02x.%x'%s/>\n",
                                    pci->domain, pci->bus, pci->dev, pci->func,
                                    virBufferCurrentContent(&attrs)));
}


/* One pci= entry given by name= as <virtxl:pci name>, with every word
 * of it (domain_xmlns_pciname.c), placed before the BDF entry @before
 * (from 0; -1: after them all); 0, or -1 reported. */
int
vxlNativeXMLNSAddPciNamed(vxlNativeReader *r, const libxl_device_pci *pci, int index,
                          int before)
{
    g_auto(virBuffer) line = VIR_BUFFER_INITIALIZER;

    /* libxl refuses such a name whatever the host (its sanitising in
     * libxl__device_pci_assignable_add), so xl create would fail. */
    if (!vxlXMLNSPciNameValid(pci->name)) {
        vxlNativeError(r, "pci", _("entry %d: name=%s is not a name libxl takes: it must be 1 to 64 printable characters without blanks"),
                       index + 1, pci->name);
        return -1;
    }
    virBufferEscapeString(&line, "<virtxl:pci" VXL_NS_DECL " name='%s'", pci->name);
    if (pci->permissive)
        virBufferAddLit(&line, " permissive='yes'");
    if (pci->msitranslate)
        virBufferAddLit(&line, " msitranslate='yes'");
    if (pci->power_mgmt)
        virBufferAddLit(&line, " power_mgmt='yes'");
    if (pci->seize)
        virBufferAddLit(&line, " seize='yes'");
    /* As for a <hostdev>'s (vxlNativeXMLNSAddPci). */
    if (pci->rdm_policy != LIBXL_RDM_RESERVE_POLICY_INVALID) {
        if (r->type == LIBXL_DOMAIN_TYPE_HVM)
            virBufferAsprintf(&line, " rdm_policy='%s'",
                              vxlEnumXlToCfg(&vxlEnumRdmPolicy, pci->rdm_policy));
        else
            vxlNativeWarn(r, "pci", _("entry %d: ignored rdm_policy=%s, as libxl ignores it: reserved device memory is for HVM guests only"),
                          index + 1, libxl_rdm_reserve_policy_to_string(pci->rdm_policy));
    }
    if (pci->vdevfn)
        virBufferAsprintf(&line, " vslot='0x%02x'", pci->vdevfn >> 3);
    if (before >= 0)
        virBufferAsprintf(&line, " before='%d'", before);
    virBufferAddLit(&line, "/>\n");
    g_ptr_array_add(r->nsPcis, virBufferContentAndReset(&line));
    return 0;
}


void
vxlNativeAddDiskXMLNS(vxlNativeReader *r, const vxlXMLNSDisk *disk)
{
    g_auto(virBuffer) line = VIR_BUFFER_INITIALIZER;

    virBufferAddLit(&line, "<virtxl:disk" VXL_NS_DECL);
    virBufferEscapeString(&line, " target='%s'", disk->target);
    vxlXMLNSFormatDiskAttrs(&line, disk);
    virBufferAddLit(&line, "/>\n");
    g_ptr_array_add(r->nsDisks, virBufferContentAndReset(&line));
}


int
vxlNativeParseXMLNS(vxlNativeReader *r, virBuffer *out)
{
    size_t i;

    if (vxlNativeXMLNSDeviceModel(r, out) < 0 ||
        vxlNativeXMLNSRdm(r, out) < 0)
        return -1;
    for (i = 0; i < r->nsDisks->len; i++)
        virBufferAdd(out, g_ptr_array_index(r->nsDisks, i), -1);
    for (i = 0; i < r->nsNics->len; i++)
        virBufferAdd(out, g_ptr_array_index(r->nsNics, i), -1);
    for (i = 0; i < r->nsLines->len; i++)
        virBufferAdd(out, g_ptr_array_index(r->nsLines, i), -1);
    for (i = 0; i < r->nsPcis->len; i++)
        virBufferAdd(out, g_ptr_array_index(r->nsPcis, i), -1);
    return 0;
}


/* ---- XML -> xl.cfg ----------------------------------------------------- */

static void
vxlNativeFormatArgs(virBuffer *buf, const char *key, char **args)
{
    g_autoptr(GPtrArray) items = g_ptr_array_new();

    for (; args && *args; args++)
        g_ptr_array_add(items, *args);
    vxlNativeFormatList(buf, key, items);
}


int
vxlNativeFormatXMLNS(virBuffer *buf, const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    const char *path = def->emulator;
    g_auto(GStrv) usbArgs = NULL;
    g_auto(GStrv) argsHVM = NULL;

    /* <emulator> is the older spelling of the path, kept for XML that
     * came from elsewhere. */
    if (ns && ns->dmPath) {
        if (path && STRNEQ(path, ns->dmPath))
            return vxlNativeFormatRefuse("<emulator> and <virtxl:devicemodel path> naming different device models");
        path = ns->dmPath;
    }
    if (ns && ns->dmVersion >= 0)
        vxlNativeFormatString(buf, "device_model_version",
                              vxlEnumXlToCfg(&vxlEnumDeviceModelVersion, ns->dmVersion));
    vxlNativeFormatString(buf, "device_model_override", path);
    /* USB inputs beside SPICE USB redirection are qemu arguments, ahead
     * of the namespace's own (translate_gfx.c). */
    usbArgs = vxlUsbInputArgs(def);
    if (usbArgs || (ns && ns->argsHVM))
        argsHVM = vxlStrvConcat(usbArgs, ns ? ns->argsHVM : NULL);
    if (!ns) {
        vxlNativeFormatArgs(buf, "device_model_args_hvm", argsHVM);
        return 0;
    }

    if (ns->stubdomain != VIR_TRISTATE_BOOL_ABSENT)
        virBufferAsprintf(buf, "device_model_stubdomain_override = %d\n",
                          ns->stubdomain == VIR_TRISTATE_BOOL_YES);
    if (ns->stubdomainMemMB)
        virBufferAsprintf(buf, "stubdomain_memory = %u\n", ns->stubdomainMemMB);
    vxlNativeFormatArgs(buf, "device_model_args", ns->args);
    vxlNativeFormatArgs(buf, "device_model_args_hvm", argsHVM);
    vxlNativeFormatArgs(buf, "device_model_args_pv", ns->argsPV);

    /* xl 4.17 cannot read a policy back (see vxlNativeXMLNSRdm), and
     * strategy='ignore' is its default, which its parser refuses. */
    if (ns->rdmPolicy >= 0)
        return vxlNativeFormatRefuse("<virtxl:rdm policy> (xl 4.17's rdm= parser refuses every policy=)");
    if (ns->rdmStrategy >= 0 && ns->rdmStrategy != LIBXL_RDM_RESERVE_STRATEGY_IGNORE)
        virBufferAsprintf(buf, "rdm = \"strategy=%s\"\n",
                          vxlEnumXlToCfg(&vxlEnumRdmStrategy, ns->rdmStrategy));
    if (ns->rdmMemBoundaryMB)
        virBufferAsprintf(buf, "rdm_mem_boundary = %u\n", ns->rdmMemBoundaryMB);
    return 0;
}


/* The options of @hostdev's pci= spec that the namespace holds. */
void
vxlNativeFormatPciOptions(virBuffer *spec, const virDomainDef *def,
                          const virDomainHostdevDef *hostdev)
{
    const vxlXMLNSPci *opts = vxlXMLNSFindPci(def, hostdev);

    if (!opts)
        return;
    /* permissive='yes' is the same as libvirt's writeFiltering='no',
     * which the caller writes. */
    if (opts->permissive == VIR_TRISTATE_BOOL_YES &&
        hostdev->writeFiltering != VIR_TRISTATE_BOOL_NO)
        virBufferAddLit(spec, ",permissive=1");
    if (opts->msitranslate == VIR_TRISTATE_BOOL_YES)
        virBufferAddLit(spec, ",msitranslate=1");
    if (opts->powerMgmt == VIR_TRISTATE_BOOL_YES)
        virBufferAddLit(spec, ",power_mgmt=1");
    if (opts->rdmPolicy >= 0)
        virBufferAsprintf(spec, ",rdm_policy=%s",
                          vxlEnumXlToCfg(&vxlEnumRdmPolicy, opts->rdmPolicy));
}
