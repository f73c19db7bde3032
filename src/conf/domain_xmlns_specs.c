/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_specs.c: the item grammars of the xl.cfg lists the
 * namespace carries verbatim (<virtxl:iomem>, <virtxl:ioports>,
 * <virtxl:irqs>, <virtxl:pvcalls>, <virtxl:vkb>, <virtxl:vdispl>,
 * <virtxl:mca_caps>, <virtxl:dtdev>). Each reads an item as xl's own parser
 * (tools/xl/xl_parse.c) reads it, so that an item is accepted exactly
 * where xl accepts it, and fills the libxl structure xl fills; the
 * checks in domain_xmlns_keys.c and the translator share them.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"

#include <inttypes.h>


bool
vxlXMLNSSpecIomem(const char *item, uint64_t *start, uint64_t *number, uint64_t *gfn)
{
    uint64_t s = 0, n = 0, g = 0;
    int used = 0;
    int got;

    /* START,PAGES[@GFN], hexadecimal, nothing after. */
    got = sscanf(item, "%" SCNx64 ",%" SCNx64 "%n@%" SCNx64 "%n", &s, &n, &used, &g, &used);
    if (got < 2 || item[used] != '\0')
        return false;
    if (start)
        *start = s;
    if (number)
        *number = n;
    if (gfn && got == 3)
        *gfn = g;   /* else libxl_iomem_range_init's "none" stays */
    return true;
}


bool
vxlXMLNSSpecIoports(const char *item, uint32_t *first, uint32_t *number)
{
    unsigned long ul;
    uint32_t start, end;
    char *ep;

    /* FIRST[-LAST], hexadecimal. xl complains about other trailing text
     * but goes on with the single port it read. */
    errno = 0;
    ul = strtoul(item, &ep, 16);
    if (ep == item || ul >= UINT32_MAX)
        return false;
    start = end = ul;
    if (*ep == '-') {
        const char *last = ep + 1;

        ul = strtoul(last, &ep, 16);
        if (ep == last || *ep != '\0' || ul >= UINT32_MAX || start > ul)
            return false;
        end = ul;
    }
    if (first)
        *first = start;
    if (number)
        *number = end - start + 1;
    return true;
}


bool
vxlXMLNSSpecIrq(const char *item, uint32_t *irq)
{
    unsigned long ul;
    char *ep;

    ul = strtoul(item, &ep, 10);
    if (ep == item || *ep != '\0' || ul >= UINT32_MAX)
        return false;
    if (irq)
        *irq = ul;
    return true;
}


bool
vxlXMLNSSpecMcaCap(const char *item, uint64_t *cap)
{
    /* Xen's only MCA capability, XEN_HVM_MCA_CAP_LMCE (bit 0). */
    if (STRNEQ(item, "lmce"))
        return false;
    if (cap)
        *cap |= 1ULL << 0;
    return true;
}


bool
vxlXMLNSSpecDtdev(const char *item)
{
    return *item != '\0';
}


/* KEY=VALUE items separated by ',' (blanks before each skipped), as
 * xl's strtok loops split them; calls @fn for each. */
static bool
vxlXMLNSSpecEach(const char *item, bool stopWithoutEquals,
                 bool (*fn)(const char *key, const char *value, void *opaque),
                 void *opaque)
{
    g_auto(GStrv) tokens = g_strsplit(item, ",", -1);
    size_t i;

    for (i = 0; tokens[i]; i++) {
        char *tok = tokens[i];
        char *eq;

        if (*tok == '\0')
            continue;   /* strtok skips empty tokens */
        while (*tok == ' ')
            tok++;
        if (!(eq = strchr(tok, '='))) {
            if (stopWithoutEquals)
                return true;
            return fn(tok, NULL, opaque);
        }
        *eq = '\0';
        if (!fn(tok, eq + 1, opaque))
            return false;
    }
    return true;
}


static bool
vxlXMLNSSpecPvcallsKey(const char *key, const char *value, void *opaque)
{
    libxl_device_pvcallsif *pv = opaque;

    if (STRNEQ(key, "backend"))
        return false;
    if (pv) {
        g_free(pv->backend_domname);
        pv->backend_domname = g_strdup(value);
    }
    return true;
}


bool
vxlXMLNSSpecPvcalls(const char *item, libxl_device_pvcallsif *pv)
{
    /* backend=DOMAIN; a token without '=' ends xl's reading. */
    return vxlXMLNSSpecEach(item, true, vxlXMLNSSpecPvcallsKey, pv);
}


static bool
vxlXMLNSSpecVkbKey(const char *key, const char *value, void *opaque)
{
    libxl_device_vkb *vkb = opaque;
    static const char *const numbers[] = {
        "feature-disable-keyboard", "feature-disable-pointer",
        "feature-abs-pointer", "feature-raw-pointer", "feature-multi-touch",
        "multi-touch-width", "multi-touch-height", "multi-touch-num-contacts",
        "width", "height",
    };
    unsigned long n;
    size_t i;

    if (!value)
        return false;
    if (STREQ(key, "backend")) {
        g_free(vkb->backend_domname);
        vkb->backend_domname = g_strdup(value);
        return true;
    }
    if (STREQ(key, "backend-type")) {
        libxl_vkb_backend type;

        if (libxl_vkb_backend_from_string(value, &type) < 0)
            return false;
        vkb->backend_type = type;
        return true;
    }
    if (STREQ(key, "unique-id")) {
        g_free(vkb->unique_id);
        vkb->unique_id = g_strdup(value);
        return true;
    }
    for (i = 0; i < G_N_ELEMENTS(numbers); i++) {
        if (STREQ(key, numbers[i]))
            break;
    }
    if (i == G_N_ELEMENTS(numbers))
        return false;
    /* xl reads these with strtoul(.., 0), ignoring what follows. */
    n = strtoul(value, NULL, 0);
    switch (i) {
    case 0: vkb->feature_disable_keyboard = n; break;
    case 1: vkb->feature_disable_pointer = n; break;
    case 2: vkb->feature_abs_pointer = n; break;
    case 3: vkb->feature_raw_pointer = n; break;
    case 4: vkb->feature_multi_touch = n; break;
    case 5: vkb->multi_touch_width = n; break;
    case 6: vkb->multi_touch_height = n; break;
    case 7: vkb->multi_touch_num_contacts = n; break;
    case 8: vkb->width = n; break;
    case 9: vkb->height = n; break;
    }
    return true;
}


bool
vxlXMLNSSpecVkb(const char *item, libxl_device_vkb *out)
{
    libxl_device_vkb vkb;
    bool ok;

    libxl_device_vkb_init(&vkb);
    ok = vxlXMLNSSpecEach(item, false, vxlXMLNSSpecVkbKey, &vkb);
    if (ok && vkb.backend_type == LIBXL_VKB_BACKEND_UNKNOWN)
        ok = false;  /* xl needs backend-type */
    if (ok && (vkb.multi_touch_height || vkb.multi_touch_width ||
               vkb.multi_touch_num_contacts))
        vkb.feature_multi_touch = true;
    if (ok && vkb.feature_multi_touch &&
        !(vkb.multi_touch_height || vkb.multi_touch_width ||
          vkb.multi_touch_num_contacts))
        ok = false;  /* multi-touch needs its size */
    if (ok && out) {
        *out = vkb;
        return true;
    }
    libxl_device_vkb_dispose(&vkb);
    return ok;
}


/* connectors=ID:WxH;ID:WxH...: xl splits at ';' and each at ':' with
 * strtok (empty pieces skipped, a third piece ignored), then reads
 * WIDTHxHEIGHT with sscanf (trailing text ignored). */
static bool
vxlXMLNSSpecVdisplConnectors(const char *value, libxl_device_vdispl *vdispl)
{
    g_auto(GStrv) all = g_strsplit(value, ";", -1);
    g_autoptr(GPtrArray) conns = g_ptr_array_new();
    size_t i;

    for (i = 0; all[i]; i++) {
        if (*all[i])
            g_ptr_array_add(conns, all[i]);
    }
    if (conns->len == 0)
        return false;
    for (i = 0; i < vdispl->num_connectors; i++)
        libxl_connector_param_dispose(&vdispl->connectors[i]);
    g_free(vdispl->connectors);
    vdispl->num_connectors = conns->len;
    vdispl->connectors = g_new0(libxl_connector_param, conns->len);
    for (i = 0; i < conns->len; i++) {
        libxl_connector_param *c = &vdispl->connectors[i];
        g_auto(GStrv) parts = g_strsplit(g_ptr_array_index(conns, i), ":", -1);
        const char *id = NULL, *res = NULL;
        size_t k;

        libxl_connector_param_init(c);
        for (k = 0; parts[k]; k++) {
            if (!*parts[k])
                continue;
            if (!id)
                id = parts[k];
            else if (!res)
                res = parts[k];
        }
        if (!id || !res || sscanf(res, "%ux%u", &c->width, &c->height) != 2)
            return false;
        c->unique_id = g_strdup(id);
    }
    return true;
}


static bool
vxlXMLNSSpecVdisplKey(const char *key, const char *value, void *opaque)
{
    libxl_device_vdispl *vdispl = opaque;

    if (!value)
        return false;
    if (STREQ(key, "backend")) {
        g_free(vdispl->backend_domname);
        vdispl->backend_domname = g_strdup(value);
        return true;
    }
    if (STREQ(key, "be-alloc")) {
        /* strtoul(.., 0) into a bool, as xl. */
        vdispl->be_alloc = strtoul(value, NULL, 0) != 0;
        return true;
    }
    if (STREQ(key, "connectors"))
        return vxlXMLNSSpecVdisplConnectors(value, vdispl);
    return false;
}


bool
vxlXMLNSSpecVdispl(const char *item, libxl_device_vdispl *out)
{
    libxl_device_vdispl vdispl;
    bool ok;

    libxl_device_vdispl_init(&vdispl);
    ok = vxlXMLNSSpecEach(item, false, vxlXMLNSSpecVdisplKey, &vdispl);
    if (ok && vdispl.num_connectors == 0)
        ok = false;  /* xl needs at least one connector */
    if (ok && out) {
        *out = vdispl;
        return true;
    }
    libxl_device_vdispl_dispose(&vdispl);
    return ok;
}


/* Whether @item has the shape of a xend CPUID line: LEAF[,SUBLEAF] as
 * 32-bit numbers, then REG=32 policy characters for eax..edx. libxl's
 * own parser leaks what it allocated for a line it then refuses, so a
 * line of another shape never reaches it; one of this shape it still
 * checks. */
bool
vxlXMLNSSpecCpuidXendShaped(const char *item)
{
    const char *colon = strchr(item, ':');
    g_autofree char *head = NULL;
    g_auto(GStrv) nums = NULL;
    g_auto(GStrv) regs = NULL;
    size_t i;

    if (!colon)
        return false;
    head = g_strndup(item, colon - item);
    nums = g_strsplit(head, ",", -1);
    if (!nums[0] || (nums[1] && nums[2]))
        return false;
    for (i = 0; nums[i]; i++) {
        unsigned long long v;
        char *end = NULL;

        errno = 0;
        v = g_ascii_strtoull(nums[i], &end, 0);
        if (errno || end == nums[i] || *end || v > 0xffffffffULL)
            return false;
    }
    regs = g_strsplit(colon + 1, ",", -1);
    if (!regs[0])
        return false;
    for (i = 0; regs[i]; i++) {
        const char *reg = regs[i];

        if (strlen(reg) != 36 || reg[0] != 'e' || !strchr("abcd", reg[1]) ||
            reg[2] != 'x' || reg[3] != '=' ||
            strspn(reg + 4, "01xks") != 32)
            return false;
    }
    return true;
}


/* cpuid=: "host,NAME=VALUE,..." (xl's string form; xl hands each part
 * to libxl_cpuid_parse_config) or one xend line of its list form
 * (libxl_cpuid_parse_config_xend). The namespace keeps only what xl
 * takes: every part must be one libxl knows, none empty. */
bool
vxlXMLNSSpecCpuid(const char *item, libxl_cpuid_policy_list *cpuid)
{
    libxl_cpuid_policy_list scratch = NULL;
    libxl_cpuid_policy_list *out = cpuid ? cpuid : &scratch;
    bool ok = true;

    if (STRPREFIX(item, "host,")) {
        g_auto(GStrv) parts = g_strsplit(item + 5, ",", -1);
        size_t i;

        for (i = 0; ok && parts[i]; i++)
            ok = *parts[i] && strchr(parts[i], '=') &&
                 libxl_cpuid_parse_config(out, parts[i]) == 0;
    } else {
        ok = vxlXMLNSSpecCpuidXendShaped(item) &&
             libxl_cpuid_parse_config_xend(out, item) == 0;
    }
    if (!cpuid)
        libxl_cpuid_dispose(&scratch);
    return ok;
}
