/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_xmlns_keys.c: the scalar xl.cfg keys the project's namespace
 * carries verbatim (vxlXMLNSKeys, src/conf/domain_xmlns_keys.c), read
 * from the file into <virtxl:KEY value='V'/> and written back as KEY = V.
 *
 * A key is read for the guest types xl reads it for; on another guest it
 * stays unread and is reported as not applying. The shutdown actions are
 * the lifecycle group's (native_parse.c): it keeps libvirt's elements
 * for what they can say and uses these for the rest; usbdevice='s host
 * items go with its USB inputs (native_devices.c).
 */
#include "vxl_internal.h"

#include "native_private.h"
#include "conf_devices.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


static bool
vxlNativeXMLNSKeyIsAction(size_t i)
{
    return vxlXMLNSKeys[i].kind == VXL_XMLNS_KEY_KIND_ACTION;
}


/* One element per item, each item as xl reads it. */
static int
vxlNativeParseXMLNSListKey(vxlNativeReader *r, const vxlXMLNSKeyInfo *info,
                           virBuffer *xmlns)
{
    XLU_ConfigList *list = NULL;
    int n = 0;
    int rc;
    int i;

    if ((rc = vxlNativeGetList(r, info->name, &list, &n)) <= 0)
        return rc;
    for (i = 0; i < n; i++) {
        const char *item = xlu_cfg_get_listitem(list, i);
        g_autofree char *canon = NULL;

        if (!item) {
            vxlNativeError(r, info->name, _("item %d is a list, expected a string"), i + 1);
            return -1;
        }
        if (!(canon = vxlXMLNSKeyCanonical(info, item))) {
            vxlNativeError(r, info->name,
                           _("item '%s' is not one xl takes for this key (see xl.cfg(5))"),
                           item);
            return -1;
        }
        virBufferAsprintf(xmlns, "<virtxl:%s", info->name);
        virBufferEscapeString(xmlns, " value='%s'/>\n", canon);
    }
    return 0;
}


/* A list of lists (vsnd): one element per outer item, read as xl's
 * parse_vsnd_config reads it. xl skips the key with a warning when it is
 * not a list, refuses an outer item that is not a list, and reads an
 * inner list's strings up to the first item that is not one. */
static int
vxlNativeParseXMLNSNestedKey(vxlNativeReader *r, const vxlXMLNSKeyInfo *info,
                             virBuffer *xmlns)
{
    XLU_ConfigList *list = NULL;
    const char *str = NULL;
    int n = 0;
    int i;

    vxlNativeMarkUsed(r, info->name);
    if (xlu_cfg_get_list(r->xlu, info->name, &list, &n, 1) != 0) {
        if (xlu_cfg_get_string(r->xlu, info->name, &str, 1) == 0)
            vxlNativeWarn(r, info->name, "%s",
                          _("it is not a list, so xl ignores it"));
        return 0;
    }
    for (i = 0; i < n; i++) {
        XLU_ConfigValue *value = xlu_cfg_get_listitem2(list, i);
        XLU_ConfigList *inner = NULL;
        g_autoptr(GPtrArray) items = g_ptr_array_new();
        g_autofree char *card = NULL;
        g_autofree char *why = NULL;
        const char *item;
        int j;

        if (!value || xlu_cfg_value_get_list(r->xlu, value, &inner, 1) != 0) {
            vxlNativeError(r, info->name, _("item %d is not a list [ \"...\", ... ]"), i + 1);
            return -1;
        }
        for (j = 0; (item = xlu_cfg_get_listitem(inner, j)); j++) {
            if (strchr(item, '\n') || strchr(item, VXL_XMLNS_ITEM_SEP)) {
                vxlNativeError(r, info->name, _("item '%s' holds a control character"), item);
                return -1;
            }
            g_ptr_array_add(items, (char *)item);
        }
        g_ptr_array_add(items, NULL);
        card = g_strjoinv(VXL_XMLNS_ITEM_SEP_STR, (char **)items->pdata);
        if (!vxlXMLNSSpecVsnd(card, NULL, &why)) {
            vxlNativeError(r, info->name, _("card %d: %s"), i + 1, why);
            return -1;
        }
        if (items->len == 1) {
            virBufferAsprintf(xmlns, "<virtxl:%s/>\n", info->name);
            continue;
        }
        virBufferAsprintf(xmlns, "<virtxl:%s>\n", info->name);
        for (j = 0; j < (int)items->len - 1; j++)
            virBufferEscapeString(xmlns, "  <virtxl:item value='%s'/>\n",
                                  (const char *)g_ptr_array_index(items, j));
        virBufferAsprintf(xmlns, "</virtxl:%s>\n", info->name);
    }
    return 0;
}


int
vxlNativeParseXMLNSKey(vxlNativeReader *r, vxlXMLNSKey key, virBuffer *xmlns)
{
    const vxlXMLNSKeyInfo *info = &vxlXMLNSKeys[key];
    g_autofree char *value = NULL;
    const char *str = NULL;
    long l;
    int rc;

    if (!(info->guests & (1u << r->type)))
        return 0;
    if (info->kind == VXL_XMLNS_KEY_KIND_LIST)
        return vxlNativeParseXMLNSListKey(r, info, xmlns);
    if (info->kind == VXL_XMLNS_KEY_KIND_NESTED_LIST)
        return vxlNativeParseXMLNSNestedKey(r, info, xmlns);
    switch (info->kind) {
    case VXL_XMLNS_KEY_KIND_BOOL:
    case VXL_XMLNS_KEY_KIND_NUMBER:
        if ((rc = vxlNativeGetLong(r, info->name, &l)) <= 0)
            return rc;
        /* xl's booleans are any number, true when not 0. */
        if (info->kind == VXL_XMLNS_KEY_KIND_BOOL)
            l = l != 0;
        value = g_strdup_printf("%ld", l);
        break;
    case VXL_XMLNS_KEY_KIND_STRING:
    case VXL_XMLNS_KEY_KIND_ENUM:
    case VXL_XMLNS_KEY_KIND_ACTION:
    case VXL_XMLNS_KEY_KIND_BOOL_OR_ENUM:
    case VXL_XMLNS_KEY_KIND_ENUM_LIST:
        if ((rc = vxlNativeGetString(r, info->name, &str)) <= 0)
            return rc;
        value = g_strdup(str);
        break;
    case VXL_XMLNS_KEY_KIND_LIST:
    case VXL_XMLNS_KEY_KIND_NESTED_LIST:
        return -1;
    }
    {
        g_autofree char *canon = vxlXMLNSKeyCanonical(info, value);

        if (!canon) {
            if (info->kind == VXL_XMLNS_KEY_KIND_NUMBER)
                vxlNativeError(r, info->name, _("%s is out of range: Xen takes %lld to %lld"),
                               value, info->min, info->max);
            else
                vxlNativeError(r, info->name, _("'%s' is not a value xl takes for this key (see xl.cfg(5))"),
                               value);
            return -1;
        }
        /* hdtype=ahci with SATA disks: they say it (native_devices.c). */
        if (key == VXL_XMLNS_KEY_HDTYPE && r->sataDisks && STREQ(canon, "ahci"))
            return 0;
        virBufferAsprintf(xmlns, "<virtxl:%s", info->name);
        virBufferEscapeString(xmlns, " value='%s'/>\n", canon);
    }
    return 0;
}


int
vxlNativeParseXMLNSKeys(vxlNativeReader *r, virBuffer *xmlns)
{
    size_t i;

    for (i = 0; i < VXL_XMLNS_KEY_LAST; i++) {
        /* The boot group's (native_parse.c), with the BIOS names. */
        if (vxlNativeXMLNSKeyIsAction(i) || i == VXL_XMLNS_KEY_FIRMWARE ||
            i == VXL_XMLNS_KEY_VIRIDIAN || i == VXL_XMLNS_KEY_BOOTLOADER_ARGS ||
            i == VXL_XMLNS_KEY_USBDEVICE || i == VXL_XMLNS_KEY_VIDEORAM ||
            /* with the display and sound keys (native_devices.c) */
            i == VXL_XMLNS_KEY_VNCDISPLAY || i == VXL_XMLNS_KEY_SOUNDHW ||
            i == VXL_XMLNS_KEY_KEYMAP ||
            /* with <cpu><feature>s (native_cpu.c) */
            i == VXL_XMLNS_KEY_CPUID)
            continue;
        if (vxlNativeParseXMLNSKey(r, i, xmlns) < 0)
            return -1;
    }
    return 0;
}


/* KEY = [ [ "a", "b" ], [ "c" ] ] from a NESTED_LIST key's value. */
static void
vxlNativeFormatNestedList(virBuffer *buf, const char *key, const char *joined)
{
    g_auto(GStrv) outer = vxlXMLNSKeyItems(joined);
    size_t i, j;

    virBufferAsprintf(buf, "%s = [ ", key);
    for (i = 0; outer[i]; i++) {
        g_auto(GStrv) inner = g_strsplit(outer[i], VXL_XMLNS_ITEM_SEP_STR, -1);

        virBufferAsprintf(buf, "%s[ ", i ? ", " : "");
        for (j = 0; inner[j]; j++) {
            if (j > 0)
                virBufferAddLit(buf, ", ");
            vxlNativeQuote(buf, inner[j]);
        }
        virBufferAddLit(buf, " ]");
    }
    virBufferAddLit(buf, " ]\n");
}


const char *
vxlNativeXMLNSKeyValue(const virDomainDef *def, vxlXMLNSKey key)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);

    return ns ? ns->keys[key] : NULL;
}


int
vxlNativeFormatXMLNSKeys(virBuffer *buf, const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t i;

    for (i = 0; ns && i < VXL_XMLNS_KEY_LAST; i++) {
        const vxlXMLNSKeyInfo *info = &vxlXMLNSKeys[i];
        const char *v = ns->keys[i];

        /* on_poweroff, on_reboot and on_crash go with libvirt's
         * elements (native_format.c), viridian groups with the others
         * (native_features.c). */
        if (!v || (i >= VXL_XMLNS_KEY_ON_POWEROFF && i <= VXL_XMLNS_KEY_ON_CRASH) ||
            i == VXL_XMLNS_KEY_VIRIDIAN || i == VXL_XMLNS_KEY_USBDEVICE ||
            /* top level or in the vfb spec (native_format_devices.c) */
            i == VXL_XMLNS_KEY_VNCDISPLAY ||
            /* in either form of cpuid= (native_cpu.c) */
            i == VXL_XMLNS_KEY_CPUID)
            continue;
        if (info->kind == VXL_XMLNS_KEY_KIND_NESTED_LIST) {
            vxlNativeFormatNestedList(buf, info->name, v);
        } else if (info->kind == VXL_XMLNS_KEY_KIND_LIST) {
            g_auto(GStrv) items = vxlXMLNSKeyItems(v);
            g_autoptr(GPtrArray) arr = g_ptr_array_new();
            size_t j;

            for (j = 0; items[j]; j++)
                g_ptr_array_add(arr, items[j]);
            vxlNativeFormatList(buf, info->name, arr);
        } else if (info->kind == VXL_XMLNS_KEY_KIND_BOOL || info->kind == VXL_XMLNS_KEY_KIND_NUMBER ||
            (info->kind == VXL_XMLNS_KEY_KIND_BOOL_OR_ENUM && g_ascii_isdigit(*v)))
            virBufferAsprintf(buf, "%s = %s\n", info->name, v);
        else
            vxlNativeFormatString(buf, info->name, v);
    }
    return 0;
}
