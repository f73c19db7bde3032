/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_keys.c: scalar xl.cfg keys that libvirt's domain XML
 * has no element for, carried in the project's namespace as
 * <virtxl:KEY value='V'/> with KEY and V exactly as xl.cfg spells them:
 *
 *   <virtxl:seclabel value='system_u:system_r:domU_t'/>
 *   <virtxl:device_model_user value='xen-qemuuser-range-base'/>
 *   <virtxl:dm_restrict value='1'/>
 *   <virtxl:pool value='Pool-node1'/>
 *   <virtxl:on_watchdog value='coredump-restart'/>
 *   <virtxl:gfx_passthru value='igd'/>
 *   ...
 *
 * The security settings among them (FLASK labels, the device model's
 * user and sandbox, stub domain images) are the reason this file
 * exists: a file that asks for them must not lose them on the way
 * through domain XML. Here is the model: the table of keys, each value
 * checked for its kind when parsed and, at define time, for the guest
 * types it applies to; translate_xmlns_keys_libxl.c puts each where
 * xl's own parser (tools/xl/xl_parse.c) puts it.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"
#include "util_enums.h"
#include "virerror.h"
#include "virxml.h"
#include "virbuffer.h"
#include "virstring.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

static bool vxlXMLNSItemIomem(const char *i) { return vxlXMLNSSpecIomem(i, NULL, NULL, NULL); }
static bool vxlXMLNSItemIoports(const char *i) { return vxlXMLNSSpecIoports(i, NULL, NULL); }
static bool vxlXMLNSItemIrq(const char *i) { return vxlXMLNSSpecIrq(i, NULL); }
static bool vxlXMLNSItemMcaCap(const char *i) { return vxlXMLNSSpecMcaCap(i, NULL); }
static bool vxlXMLNSItemPvcalls(const char *i) { return vxlXMLNSSpecPvcalls(i, NULL); }
static bool vxlXMLNSItemVkb(const char *i) { return vxlXMLNSSpecVkb(i, NULL); }
static bool vxlXMLNSItemVdispl(const char *i) { return vxlXMLNSSpecVdispl(i, NULL); }
static bool vxlXMLNSItemVsnd(const char *i) { return vxlXMLNSSpecVsnd(i, NULL, NULL); }
static bool vxlXMLNSItemAny(const char *i G_GNUC_UNUSED) { return true; }
static bool vxlXMLNSItemCpuid(const char *i) { return vxlXMLNSSpecCpuid(i, NULL); }
/* host: devices, and the USB inputs when a host: one comes before them
 * (libvirt's <input>s are plugged first). */
static bool vxlXMLNSItemUsbHost(const char *i)
{
    return (STRPREFIX(i, "host:") && i[5]) ||
           STREQ(i, "tablet") || STREQ(i, "mouse") || STREQ(i, "keyboard");
}

#define ALL VXL_XMLNS_GUEST_ALL
#define HVM VXL_XMLNS_GUEST_HVM
#define PVH VXL_XMLNS_GUEST_PVH
#define STRING VXL_XMLNS_KEY_KIND_STRING
#define BOOL VXL_XMLNS_KEY_KIND_BOOL
#define NUMBER VXL_XMLNS_KEY_KIND_NUMBER
#define ACTION VXL_XMLNS_KEY_KIND_ACTION
#define LIST VXL_XMLNS_KEY_KIND_LIST

const vxlXMLNSKeyInfo vxlXMLNSKeys[VXL_XMLNS_KEY_LAST] = {
    /* FLASK: c_info.ssid_label, b_info.exec_ssid_label,
     * b_info.device_model_ssid_label (xl reads them for every guest). */
    [VXL_XMLNS_KEY_SECLABEL] = { "seclabel", STRING, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_INIT_SECLABEL] = { "init_seclabel", STRING, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_DM_STUBDOMAIN_SECLABEL] = { "device_model_stubdomain_seclabel", STRING, ALL, 0, 0, NULL },
    /* The device model's sandbox: the user qemu runs as, and its
     * restrictions (b_info.device_model_user, b_info.dm_restrict). */
    [VXL_XMLNS_KEY_DEVICE_MODEL_USER] = { "device_model_user", STRING, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_DM_RESTRICT] = { "dm_restrict", BOOL, ALL, 0, 1, NULL },
    /* The stub domain's own images (b_info.stubdomain_*). */
    [VXL_XMLNS_KEY_STUBDOMAIN_KERNEL] = { "stubdomain_kernel", STRING, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_STUBDOMAIN_RAMDISK] = { "stubdomain_ramdisk", STRING, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_STUBDOMAIN_CMDLINE] = { "stubdomain_cmdline", STRING, ALL, 0, 0, NULL },
    /* c_info.pool_name, c_info.oos, c_info.xend_suspend_evtchn_compat. */
    [VXL_XMLNS_KEY_POOL] = { "pool", STRING, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_OOS] = { "oos", BOOL, ALL, 0, 1, NULL },
    [VXL_XMLNS_KEY_XEND_SUSPEND_EVTCHN_COMPAT] = { "xend_suspend_evtchn_compat", BOOL, ALL, 0, 1, NULL },
    /* b_info.sched_params of the RTDS, ARINC653 and null schedulers,
     * ints in libxl. */
    [VXL_XMLNS_KEY_PERIOD] = { "period", NUMBER, ALL, 0, INT_MAX, NULL },
    [VXL_XMLNS_KEY_SLICE] = { "slice", NUMBER, ALL, 0, INT_MAX, NULL },
    [VXL_XMLNS_KEY_LATENCY] = { "latency", NUMBER, ALL, 0, INT_MAX, NULL },
    [VXL_XMLNS_KEY_EXTRATIME] = { "extratime", NUMBER, ALL, 0, INT_MAX, NULL },
    /* KiB per vCPU of processor trace buffer; 0 is xl's "none". */
    [VXL_XMLNS_KEY_VMTRACE_BUF_KB] = { "vmtrace_buf_kb", NUMBER, ALL, 0, INT_MAX, NULL },
    /* Actions libvirt's lifecycle elements cannot name: soft-reset for
     * the three libvirt has elements for, any action for the other two. */
    [VXL_XMLNS_KEY_ON_POWEROFF] = { "on_poweroff", ACTION, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_ON_REBOOT] = { "on_reboot", ACTION, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_ON_CRASH] = { "on_crash", ACTION, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_ON_WATCHDOG] = { "on_watchdog", ACTION, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_ON_SOFT_RESET] = { "on_soft_reset", ACTION, ALL, 0, 0, NULL },
    /* b_info.u.pvh: a PV guest run inside a PVH shim. */
    [VXL_XMLNS_KEY_PVSHIM] = { "pvshim", BOOL, PVH, 0, 1, NULL },
    [VXL_XMLNS_KEY_PVSHIM_PATH] = { "pvshim_path", STRING, PVH, 0, 0, NULL },
    [VXL_XMLNS_KEY_PVSHIM_CMDLINE] = { "pvshim_cmdline", STRING, PVH, 0, 0, NULL },
    [VXL_XMLNS_KEY_PVSHIM_EXTRA] = { "pvshim_extra", STRING, PVH, 0, 0, NULL },
    /* b_info.u.hvm: the emulated platform. */
    [VXL_XMLNS_KEY_ACPI_LAPTOP_SLATE] = { "acpi_laptop_slate", BOOL, HVM, 0, 1, NULL },
    [VXL_XMLNS_KEY_VPT_ALIGN] = { "vpt_align", BOOL, HVM, 0, 1, NULL },
    [VXL_XMLNS_KEY_HDTYPE] = { "hdtype", VXL_XMLNS_KEY_KIND_ENUM, HVM, 0, 0,
                               libxl_hdtype_string_table },
    /* 0, 1, or the kind of card ("igd"), which also turns it on. */
    [VXL_XMLNS_KEY_GFX_PASSTHRU] = { "gfx_passthru", VXL_XMLNS_KEY_KIND_BOOL_OR_ENUM, HVM, 0, 1,
                                     libxl_gfx_passthru_kind_string_table },
    [VXL_XMLNS_KEY_USB] = { "usb", BOOL, HVM, 0, 1, NULL },
    /* qemu's emulated controllers: USB 1, 2 and 3. */
    [VXL_XMLNS_KEY_USBVERSION] = { "usbversion", NUMBER, HVM, 1, 3, NULL },
    [VXL_XMLNS_KEY_VKB_DEVICE] = { "vkb_device", BOOL, HVM, 0, 1, NULL },
    /* firmware= naming a file: hvmloader's own firmware image
     * (b_info.u.hvm.firmware). BIOS names are <os firmware> instead. */
    [VXL_XMLNS_KEY_FIRMWARE] = { "firmware", STRING, HVM, 0, 0, NULL },
    /* viridian= groups that neither <viridian/>, <hyperv> nor
     * <timer name='hypervclock'> name (reference_tsc, ex_processor_masks,
     * no_vp_limit, cpu_hotplug): enabled on top of what those give. */
    [VXL_XMLNS_KEY_VIRIDIAN] = { "viridian", VXL_XMLNS_KEY_KIND_ENUM_LIST, HVM, 0, 0,
                                 libxl_viridian_enlightenment_string_table },
    /* The deprecated boolean spelling of altp2m (b_info.u.hvm.altp2m). */
    [VXL_XMLNS_KEY_ALTP2MHVM] = { "altp2mhvm", VXL_XMLNS_KEY_KIND_BOOL, HVM, 0, 1, NULL },
    /* Arm's: xl reads them on every architecture into b_info, where
     * x86's libxl leaves them unused; carried so the domain is the one
     * the file describes on either. */
    [VXL_XMLNS_KEY_DEVICE_TREE] = { "device_tree", STRING, ALL, 0, 0, NULL },
    [VXL_XMLNS_KEY_GIC_VERSION] = { "gic_version", VXL_XMLNS_KEY_KIND_ENUM, ALL, 0, 0,
                                    libxl_gic_version_string_table },
    [VXL_XMLNS_KEY_TEE] = { "tee", VXL_XMLNS_KEY_KIND_ENUM, ALL, 0, 0,
                            libxl_tee_type_string_table },
    [VXL_XMLNS_KEY_VUART] = { "vuart", VXL_XMLNS_KEY_KIND_ENUM, ALL, 0, 0,
                              libxl_vuart_type_string_table },
    [VXL_XMLNS_KEY_DTDEV] = { "dtdev", LIST, ALL, 0, 0, NULL, vxlXMLNSSpecDtdev },
    /* b_info.u.hvm.mca_caps: "lmce" only. */
    [VXL_XMLNS_KEY_MCA_CAPS] = { "mca_caps", LIST, HVM, 0, 0, NULL, vxlXMLNSItemMcaCap },
    /* Host resources given to the guest (b_info.iomem, ioports, irqs). */
    [VXL_XMLNS_KEY_IOMEM] = { "iomem", LIST, ALL, 0, 0, NULL, vxlXMLNSItemIomem },
    [VXL_XMLNS_KEY_IOPORTS] = { "ioports", LIST, ALL, 0, 0, NULL, vxlXMLNSItemIoports },
    [VXL_XMLNS_KEY_IRQS] = { "irqs", LIST, ALL, 0, 0, NULL, vxlXMLNSItemIrq },
    /* Paravirtual devices libvirt has no element for (d_config.pvcallsifs,
     * d_config.vkbs after the vfbs' keyboards, d_config.vdispls). */
    [VXL_XMLNS_KEY_PVCALLS] = { "pvcalls", LIST, ALL, 0, 0, NULL, vxlXMLNSItemPvcalls },
    [VXL_XMLNS_KEY_VKB] = { "vkb", LIST, ALL, 0, 0, NULL, vxlXMLNSItemVkb },
    /* Paravirtual displays (d_config.vdispls): backend=, be-alloc=,
     * connectors=ID:WxH;... */
    [VXL_XMLNS_KEY_VDISPL] = { "vdispl", LIST, ALL, 0, 0, NULL, vxlXMLNSItemVdispl },
    /* b_info.bootloader_args item by item, for PV and PVH guests (a
     * bootloader runs for no other): used instead of <bootloader_args>
     * when an argument holds blanks (xl's list form). */
    [VXL_XMLNS_KEY_BOOTLOADER_ARGS] = { "bootloader_args", LIST, VXL_XMLNS_GUEST_PV | PVH, 0, 0,
                                        NULL, vxlXMLNSItemAny },
    /* b_info.u.hvm.usbdevice_list's host: items, which qemu takes from
     * the host (tablet, mouse and keyboard are libvirt's USB <input>s,
     * listed first; here too when they follow a host: item). */
    [VXL_XMLNS_KEY_USBDEVICE] = { "usbdevice", LIST, HVM, 0, 0, NULL, vxlXMLNSItemUsbHost },
    /* d_config.vsnds, one card per outer item (libxl creates them for
     * every guest type). */
    [VXL_XMLNS_KEY_VSND] = { "vsnd", VXL_XMLNS_KEY_KIND_NESTED_LIST, ALL, 0, 0, NULL,
                             vxlXMLNSItemVsnd },
    /* MiB; b_info.video_memkb, which libxl reserves from the guest's
     * memory whether or not there is a card to use it. */
    [VXL_XMLNS_KEY_VIDEORAM] = { "videoram", NUMBER, HVM, 1, INT_MAX / 1024, NULL },
    /* b_info.u.hvm.keymap where no <graphics keymap> says it. */
    [VXL_XMLNS_KEY_KEYMAP] = { "keymap", STRING, HVM, 0, 0, NULL },
    /* vnc.display of an HVM guest or of a PV/PVH guest's framebuffer
     * with findunused on: qemu tries that display and the 99 after it
     * (libxl_dm.c's "to=99"). libxl and xl take any display, even one
     * whose port 5900+N is past the last TCP port (qemu is where that
     * fails, and the driver's start: domain_graphics.c); the bound is
     * where 5900+N, a <graphics port>, still fits an int. */
    [VXL_XMLNS_KEY_VNCDISPLAY] = { "vncdisplay", NUMBER, ALL, 0,
                                   INT_MAX - VXL_XMLNS_VNC_PORT_MIN, NULL },
    /* b_info.u.hvm.soundhw as xl's soundhw= gave it, when <sound> cannot
     * say it: a card libvirt has no model for (adlib, cs4231a, gus) or
     * what libxl 4.17 refuses at start ("all", a comma list), which xl
     * still reads. */
    [VXL_XMLNS_KEY_SOUNDHW] = { "soundhw", STRING, HVM, 0, 0, NULL },
    [VXL_XMLNS_KEY_CPUID] = { "cpuid", LIST, ALL, 0, 0, NULL, vxlXMLNSItemCpuid },
};

#undef ALL
#undef HVM
#undef PVH
#undef STRING
#undef BOOL
#undef NUMBER
#undef ACTION
#undef LIST


/* xl's spellings of libxl_action_on_shutdown (xl_parse.c), indexed by
 * the libxl value; libxl's own string table spells them with '_'. */
static const char *const vxlXMLNSKeyActions[] = {
    [LIBXL_ACTION_ON_SHUTDOWN_DESTROY] = "destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART] = "restart",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME] = "rename-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_PRESERVE] = "preserve",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY] = "coredump-destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART] = "coredump-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET] = "soft-reset",
};


int
vxlXMLNSKeyActionFromString(const char *value)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vxlXMLNSKeyActions); i++) {
        if (vxlXMLNSKeyActions[i] && STREQ(vxlXMLNSKeyActions[i], value))
            return i;
    }
    return -1;
}


char *
vxlXMLNSKeyCanonical(const vxlXMLNSKeyInfo *info, const char *value)
{
    long long n;
    int v;

    switch (info->kind) {
    case VXL_XMLNS_KEY_KIND_STRING:
        return g_strdup(value);
    case VXL_XMLNS_KEY_KIND_BOOL_OR_ENUM:
        if ((v = vxlXMLNSKnobEnumFromString(info->values, value)) >= 0)
            return g_strdup(vxlXMLNSKnobEnumToString(info->values, v));
        G_GNUC_FALLTHROUGH;
    case VXL_XMLNS_KEY_KIND_BOOL:
    case VXL_XMLNS_KEY_KIND_NUMBER:
        if (virStrToLong_ll(value, NULL, 10, &n) < 0 || n < info->min || n > info->max)
            return NULL;
        return g_strdup_printf("%lld", n);
    case VXL_XMLNS_KEY_KIND_ENUM:
        if ((v = vxlXMLNSKnobEnumFromString(info->values, value)) < 0)
            return NULL;
        return g_strdup(vxlXMLNSKnobEnumToString(info->values, v));
    case VXL_XMLNS_KEY_KIND_ACTION:
        if (vxlXMLNSKeyActionFromString(value) < 0)
            return NULL;
        return g_strdup(value);
    case VXL_XMLNS_KEY_KIND_ENUM_LIST: {
        g_auto(GStrv) items = g_strsplit(value, ",", -1);
        g_autoptr(GString) out = g_string_new(NULL);
        size_t i;

        for (i = 0; items[i]; i++) {
            if ((v = vxlXMLNSKnobEnumFromString(info->values, g_strstrip(items[i]))) < 0)
                return NULL;
            g_string_append_printf(out, "%s%s", i ? "," : "",
                                   vxlXMLNSKnobEnumToString(info->values, v));
        }
        if (out->len == 0)
            return NULL;
        return g_string_free(g_steal_pointer(&out), FALSE);
    }
    case VXL_XMLNS_KEY_KIND_LIST:
    case VXL_XMLNS_KEY_KIND_NESTED_LIST:
        /* One item: the element repeats for the others. */
        if (strchr(value, '\n') || !info->itemCheck(value))
            return NULL;
        return g_strdup(value);
    }
    return NULL;
}


GStrv
vxlXMLNSKeyItems(const char *joined)
{
    /* g_strsplit makes no item of "", which is one empty item here
     * (pvcalls = [ "" ] is a PV Calls device with its defaults). */
    if (!*joined) {
        GStrv one = g_new0(char *, 2);

        one[0] = g_strdup("");
        return one;
    }
    return g_strsplit(joined, "\n", -1);
}


void
vxlXMLNSKeysNames(GString *out)
{
    size_t i;

    for (i = 0; i < VXL_XMLNS_KEY_LAST; i++)
        g_string_append_printf(out, ", <virtxl:%s>", vxlXMLNSKeys[i].name);
}


/* An item of a NESTED_LIST key, as xl.cfg spells it, or NULL (reported). */
static char *
vxlXMLNSKeysParseInner(xmlNodePtr child, const vxlXMLNSKeyInfo *info)
{
    g_autofree char *value = NULL;

    if (!child->ns || STRNEQ_NULLABLE((const char *)child->ns->href, VXL_XMLNS_URI) ||
        STRNEQ((const char *)child->name, "item")) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s> may contain only <virtxl:item>, not <%s>"),
                       info->name, (const char *)child->name);
        return NULL;
    }
    if (!(value = virXMLPropString(child, "value"))) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:item> of <virtxl:%s> needs a value attribute"),
                       info->name);
        return NULL;
    }
    if (strchr(value, '\n') || strchr(value, VXL_XMLNS_ITEM_SEP)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:item> of <virtxl:%s> holds a line break, which an xl.cfg string cannot"),
                       info->name);
        return NULL;
    }
    return g_steal_pointer(&value);
}


/* <virtxl:KEY><virtxl:item value/>...</virtxl:KEY>: one outer item, its
 * inner items in document order (none is one empty item, which xl reads
 * as nothing), appended to *@joined. */
static int
vxlXMLNSKeysParseNested(xmlNodePtr node, const vxlXMLNSKeyInfo *info, char **joined)
{
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *outer = NULL;
    g_autofree char *why = NULL;
    xmlNodePtr child;

    for (child = node->children; child; child = child->next) {
        char *value;

        if (child->type != XML_ELEMENT_NODE)
            continue;
        if (!(value = vxlXMLNSKeysParseInner(child, info)))
            return -1;
        g_ptr_array_add(items, value);
    }
    g_ptr_array_add(items, NULL);
    outer = g_strjoinv(VXL_XMLNS_ITEM_SEP_STR, (char **)items->pdata);
    /* vsnd is the only such key: say why xl would refuse the card. */
    if (!vxlXMLNSSpecVsnd(outer, NULL, &why)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:%s> is not a card xl.cfg's %s takes: %s (see xl.cfg(5))"),
                       info->name, info->name, why);
        return -1;
    }
    if (*joined) {
        char *both = g_strdup_printf("%s\n%s", *joined, outer);

        g_free(*joined);
        *joined = both;
    } else {
        *joined = g_steal_pointer(&outer);
    }
    return 1;
}


int
vxlXMLNSKeysParse(xmlNodePtr node, char **keys)
{
    g_autofree char *value = NULL;
    const vxlXMLNSKeyInfo *info = NULL;
    size_t i;

    for (i = 0; i < VXL_XMLNS_KEY_LAST && !info; i++) {
        if (STREQ((const char *)node->name, vxlXMLNSKeys[i].name))
            info = &vxlXMLNSKeys[i];
    }
    if (!info)
        return 0;
    i = info - vxlXMLNSKeys;
    if (info->kind == VXL_XMLNS_KEY_KIND_NESTED_LIST)
        return vxlXMLNSKeysParseNested(node, info, &keys[i]);
    if (keys[i] && info->kind != VXL_XMLNS_KEY_KIND_LIST) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s> appears twice: it holds one setting of the domain"),
                       info->name);
        return -1;
    }
    if (!(value = virXMLPropString(node, "value"))) {
        virReportError(VIR_ERR_XML_ERROR, _("<virtxl:%s> needs a value attribute"), info->name);
        return -1;
    }
    {
        g_autofree char *canon = vxlXMLNSKeyCanonical(info, value);

        if (!canon) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:%s value='%s'> is not a value xl.cfg's %s takes (see xl.cfg(5))"),
                           info->name, value, info->name);
            return -1;
        }
        /* A list's items, in document order. */
        if (keys[i]) {
            char *joined = g_strdup_printf("%s\n%s", keys[i], canon);

            g_free(keys[i]);
            keys[i] = joined;
        } else {
            keys[i] = g_steal_pointer(&canon);
        }
    }
    return 1;
}


void
vxlXMLNSKeysFormat(virBuffer *buf, char *const *keys)
{
    size_t i;

    for (i = 0; i < VXL_XMLNS_KEY_LAST; i++) {
        g_auto(GStrv) items = NULL;
        size_t j;

        if (!keys[i])
            continue;
        items = vxlXMLNSKeyItems(keys[i]);
        for (j = 0; items[j]; j++) {
            if (vxlXMLNSKeys[i].kind == VXL_XMLNS_KEY_KIND_NESTED_LIST) {
                g_auto(GStrv) inner = g_strsplit(items[j], VXL_XMLNS_ITEM_SEP_STR, -1);
                size_t k;

                if (!inner[0]) {
                    virBufferAsprintf(buf, "<virtxl:%s/>\n", vxlXMLNSKeys[i].name);
                    continue;
                }
                virBufferAsprintf(buf, "<virtxl:%s>\n", vxlXMLNSKeys[i].name);
                virBufferAdjustIndent(buf, 2);
                for (k = 0; inner[k]; k++)
                    virBufferEscapeString(buf, "<virtxl:item value='%s'/>\n", inner[k]);
                virBufferAdjustIndent(buf, -2);
                virBufferAsprintf(buf, "</virtxl:%s>\n", vxlXMLNSKeys[i].name);
                continue;
            }
            virBufferAsprintf(buf, "<virtxl:%s", vxlXMLNSKeys[i].name);
            virBufferEscapeString(buf, " value='%s'/>\n", items[j]);
        }
    }
}


void
vxlXMLNSKeysFree(char **keys)
{
    size_t i;

    for (i = 0; i < VXL_XMLNS_KEY_LAST; i++)
        g_clear_pointer(&keys[i], g_free);
}


int
vxlXMLNSVncStartDisplay(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    int display;

    /* Checked against the key's range when parsed. */
    if (!ns || !ns->keys[VXL_XMLNS_KEY_VNCDISPLAY] ||
        virStrToLong_i(ns->keys[VXL_XMLNS_KEY_VNCDISPLAY], NULL, 10, &display) < 0)
        return -1;
    return display;
}


/* <virtxl:vncdisplay> is where an autoport VNC display starts looking:
 * a fixed port is already its display, and without VNC there is none. */
static int
vxlValidateXMLNSVncDisplay(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->ngraphics; i++) {
        const virDomainGraphicsDef *g = def->graphics[i];

        if (g->type != VIR_DOMAIN_GRAPHICS_TYPE_VNC)
            continue;
        if (g->data.vnc.autoport)
            return 0;
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:vncdisplay> is the display an autoport VNC display starts looking from (xl's vncunused=1); a <graphics type='vnc' autoport='no'> has its display in its port"));
        return -1;
    }
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                   _("<virtxl:vncdisplay> needs a <graphics type='vnc' autoport='yes'>: it is where that display starts looking for a free port"));
    return -1;
}


/* <virtxl:cpuid> is the whole of xl's cpuid=, in one of its two forms:
 * "host,..." alone, or xend lines; the <cpu><feature>s that are CPUID
 * bits would be a second cpuid= (vmx and svm are nestedhvm=). */
static int
vxlValidateXMLNSCpuid(const virDomainDef *def, const char *joined)
{
    g_auto(GStrv) items = vxlXMLNSKeyItems(joined);
    size_t i;

    for (i = 0; items[i]; i++) {
        if (STRPREFIX(items[i], "host,") && (i > 0 || items[1])) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:cpuid value='%s'>: xl's string form (\"host,...\") is the whole of cpuid=, so it comes alone; the list form has xend lines only"),
                           items[i]);
            return -1;
        }
    }
    for (i = 0; def->cpu && i < def->cpu->nfeatures; i++) {
        const char *name = def->cpu->features[i].name;

        if (STRNEQ(name, "vmx") && STRNEQ(name, "svm")) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:cpuid> and <cpu><feature name='%s'> both set the guest's CPUID, which xl takes as one cpuid=; put the feature into <virtxl:cpuid>, or use <feature>s alone"),
                           name);
            return -1;
        }
    }
    return 0;
}


int
vxlValidateXMLNSKeys(const virDomainDef *def, char *const *keys)
{
    int type = vxlEnumVirToXl(&vxlEnumDomainType, def->os.type);
    size_t i;

    if (type < 0)
        return 0;
    for (i = 0; i < VXL_XMLNS_KEY_LAST; i++) {
        const vxlXMLNSKeyInfo *info = &vxlXMLNSKeys[i];

        if (!keys[i])
            continue;
        if (!(info->guests & (1u << type))) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:%s> is only for %s guests, as xl reads it"),
                           info->name,
                           info->guests == VXL_XMLNS_GUEST_HVM ? "HVM" : "PVH");
            return -1;
        }
    }
    /* A card's memory is its <video><model vram>. */
    if (keys[VXL_XMLNS_KEY_VIDEORAM] && def->nvideos > 0 &&
        def->videos[0]->type != VIR_DOMAIN_VIDEO_TYPE_NONE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:videoram> is for an HVM guest without a graphics card (xl's vga=\"none\"); give a card its memory with <video><model vram>"));
        return -1;
    }
    if (keys[VXL_XMLNS_KEY_VNCDISPLAY] && vxlValidateXMLNSVncDisplay(def) < 0)
        return -1;
    /* libxl has one keymap: a VNC or SPICE display's says it there. */
    if (keys[VXL_XMLNS_KEY_KEYMAP]) {
        size_t i;

        for (i = 0; i < def->ngraphics; i++) {
            const virDomainGraphicsDef *g = def->graphics[i];

            if ((g->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC && g->data.vnc.keymap) ||
                (g->type == VIR_DOMAIN_GRAPHICS_TYPE_SPICE && g->data.spice.keymap)) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<virtxl:keymap> beside a <graphics keymap> is not supported: libxl has one keymap for the guest; give it in one place"));
                return -1;
            }
        }
    }
    /* One soundhw string: a card of <sound>, or the namespace's text. */
    if (keys[VXL_XMLNS_KEY_SOUNDHW] && def->nsounds > 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:soundhw> and <sound> both name the guest's sound hardware, which libxl takes as one soundhw string; use one of them"));
        return -1;
    }
    if (keys[VXL_XMLNS_KEY_CPUID] && vxlValidateXMLNSCpuid(def, keys[VXL_XMLNS_KEY_CPUID]) < 0)
        return -1;
    /* Xen's other groups build on the base one (libxl refuses them
     * alone), which <viridian/> or <hyperv> brings. */
    if (keys[VXL_XMLNS_KEY_VIRIDIAN] &&
        def->features[VIR_DOMAIN_FEATURE_VIRIDIAN] != VIR_TRISTATE_SWITCH_ON &&
        def->features[VIR_DOMAIN_FEATURE_HYPERV] != VIR_DOMAIN_HYPERV_MODE_CUSTOM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:viridian> needs <features><viridian/> or <hyperv mode='custom'>: Xen's viridian groups build on the base group those enable"));
        return -1;
    }
    /* The other actions are what libvirt's own elements say; libvirt
     * has no soft-reset, nor a core dump on poweroff or reboot. */
    for (i = VXL_XMLNS_KEY_ON_POWEROFF; i <= VXL_XMLNS_KEY_ON_CRASH; i++) {
        if (keys[i] && STRNEQ(keys[i], "soft-reset") &&
            !(i != VXL_XMLNS_KEY_ON_CRASH && g_str_has_prefix(keys[i], "coredump-"))) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:%s value='%s'>: the namespace holds only what libvirt's <%s> cannot (soft-reset, and a core dump on poweroff or reboot); use the element for the other actions"),
                           vxlXMLNSKeys[i].name, keys[i], vxlXMLNSKeys[i].name);
            return -1;
        }
    }
    return 0;
}
