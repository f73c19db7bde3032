/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_cpu.c: xl.cfg's keys for what the vCPUs get <-> domain XML.
 *
 *   cap=         <cputune><global_period>/<global_quota>
 *   vnuma=       <cpu><numa><cell cpus memory> with <distances>
 *   cpuid=       <cpu><feature policy name>, from both of xl's syntaxes
 *   nestedhvm=   (written here; read by native_parse.c) a vmx or svm
 *                <feature>: translate_cpu.c's nested HVM switch
 *
 * Each is the inverse of translate_cpu.c: the cap is the credit
 * scheduler's percentage of one pCPU for the whole domain, which
 * translate_cpu.c computes as global_quota * 100 / global_period, or
 * quota * 100 * vCPUs / period from the per-vCPU pair; cap=C is written
 * back as the exact global pair (100000 us, C * 1000 us). The per-vCPU
 * pair round-trips only where that division is exact: xml2xl writes
 * what the translator computes, and reading it back gives the global
 * pair.
 */
#include "vxl_internal.h"

#include <errno.h>

#include <libxl.h>
#include <libxl_utils.h>

#include "native_private.h"
#include "conf_cpu_names.h"
#include "virbitmap.h"
#include "virerror.h"
#include "virstring.h"
#include "virfile.h"
#include "numa_conf.h"
#include "cpu_conf.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* The period cap=C is written with: libvirt's default CFS period. */
#define VXL_CAP_PERIOD_US 100000ULL


/* ---- cap ------------------------------------------------------------------ */

static int
vxlNativeParseCap(vxlNativeReader *r, vxlNativeXML *x)
{
    long cap;
    int rc;

    if ((rc = vxlNativeGetLong(r, "cap", &cap)) <= 0)
        return rc;
    if (cap < 0 || cap > 100 * 4096) {
        vxlNativeError(r, "cap", _("%ld is not a percentage of one CPU"), cap);
        return -1;
    }
    /* 0 is the credit scheduler's "no cap". */
    if (cap > 0)
        virBufferAsprintf(&x->cputune,
                          "<global_period>%llu</global_period>\n<global_quota>%llu</global_quota>\n",
                          VXL_CAP_PERIOD_US, (unsigned long long)cap * VXL_CAP_PERIOD_US / 100);
    return 0;
}


static int
vxlNativeFormatCap(virBuffer *buf, const virDomainDef *def)
{
    const virDomainCputune *t = &def->cputune;
    unsigned long long cap = 0;

    if ((t->period > 0) != (t->quota != 0) ||
        (t->global_period > 0) != (t->global_quota != 0) ||
        (t->period > 0 && t->global_period > 0))
        return vxlNativeFormatRefuse("<cputune><period>/<quota> and <global_period>/<global_quota> other than one complete pair");
    /* translate_cpu.c's arithmetic; a negative quota is no cap. */
    if (t->period > 0 && t->quota > 0)
        cap = t->quota * 100 * def->maxvcpus / t->period;
    if (t->global_period > 0 && t->global_quota > 0)
        cap = t->global_quota * 100 / t->global_period;
    if (cap > 0)
        virBufferAsprintf(buf, "cap = %llu\n", cap);
    return 0;
}


/* ---- vnuma ---------------------------------------------------------------- */

typedef struct {
    long long sizeMiB;
    char *vcpus;
    size_t nvcpus;      /* how many vCPUs vcpus= names */
    char *distances;
    long long pnode;    /* -1: none given */
} vxlNativeVnode;


/* Calls @add with the value of every @option= word of vnuma='s nodes,
 * adding to @total; -1 without vnuma= or when @add refuses a value. */
static int
vxlNativeVnumaSum(vxlNativeReader *r, const char *option,
                  int (*add)(const char *value, long long *total),
                  long long *total)
{
    XLU_ConfigList *list = NULL;
    int n = 0;
    int i;

    *total = 0;
    if (xlu_cfg_get_list(r->xlu, "vnuma", &list, &n, 1) != 0 || n == 0)
        return -1;
    for (i = 0; i < n; i++) {
        XLU_ConfigValue *value = xlu_cfg_get_listitem2(list, i);
        XLU_ConfigList *node = NULL;
        const char *item;
        int j;

        if (!value || xlu_cfg_value_get_list(r->xlu, value, &node, 1) != 0)
            return -1;
        for (j = 0; (item = xlu_cfg_get_listitem(node, j)); j++) {
            const char *eq = strchr(item, '=');
            g_autofree char *key = eq ? g_strndup(item, eq - item) : g_strdup(item);

            if (!eq || STRNEQ(g_strstrip(key), option))
                continue;
            if (add(eq + 1, total) < 0)
                return -1;
        }
    }
    return 0;
}


static int
vxlNativeVnumaAddVcpus(const char *value, long long *total)
{
    g_autoptr(virBitmap) map = NULL;

    if (virBitmapParse(value, &map, 4096) < 0) {
        virResetLastError();
        return -1;
    }
    *total += virBitmapCountBits(map);
    return 0;
}


/* How many vCPUs vnuma='s vcpus= options name, or -1 without vnuma= or
 * with a list that is not one. */
long
vxlNativeVnumaVcpus(vxlNativeReader *r)
{
    long long total;

    if (vxlNativeVnumaSum(r, "vcpus", vxlNativeVnumaAddVcpus, &total) < 0)
        return -1;
    return total > 0 ? (long)total : -1;
}


static int
vxlNativeVnumaAddSize(const char *value, long long *total)
{
    g_autofree char *val = g_strstrip(g_strdup(value));
    char *end = NULL;
    long long size = g_ascii_strtoll(val, &end, 10);

    if (!*val || *end || size <= 0 || size > LLONG_MAX - *total)
        return -1;
    *total += size;
    return 0;
}


/* The sum of vnuma='s size= options in MiB, or -1 without vnuma= or
 * with a size that is not a number (the parser reports it). Without
 * maxmem=, xl takes the guest's maximum from the nodes
 * (parse_vnuma_config, before it defaults maxmem to memory=). */
long
vxlNativeVnumaMemory(vxlNativeReader *r)
{
    long long total;

    if (vxlNativeVnumaSum(r, "size", vxlNativeVnumaAddSize, &total) < 0)
        return -1;
    return total > 0 && total <= LONG_MAX / 1024 ? (long)total : -1;
}


static int
vxlNativeParseVnode(vxlNativeReader *r, XLU_ConfigList *node, int idx,
                    vxlNativeVnode *out)
{
    const char *item;
    int i;

    out->sizeMiB = -1;
    out->pnode = -1;
    for (i = 0; (item = xlu_cfg_get_listitem(node, i)); i++) {
        const char *eq = strchr(item, '=');
        g_autofree char *key = eq ? g_strndup(item, eq - item) : g_strdup(item);
        const char *val = eq ? eq + 1 : "";

        g_strstrip(key);
        if (STREQ(key, "size")) {
            char *end = NULL;

            out->sizeMiB = g_ascii_strtoll(val, &end, 10);
            if (!*val || *end || out->sizeMiB <= 0) {
                vxlNativeError(r, "vnuma", _("node %d: size '%s' is not a number of MiB"), idx, val);
                return -1;
            }
        } else if (STREQ(key, "vcpus")) {
            g_autoptr(virBitmap) map = NULL;

            if (virBitmapParse(val, &map, 4096) < 0) {
                virResetLastError();
                vxlNativeError(r, "vnuma", _("node %d: vcpus '%s' is not a vCPU list"), idx, val);
                return -1;
            }
            g_free(out->vcpus);
            out->vcpus = virBitmapFormat(map);
            out->nvcpus = virBitmapCountBits(map);
        } else if (STREQ(key, "vdistances")) {
            g_free(out->distances);
            out->distances = g_strdup(val);
        } else if (STREQ(key, "pnode")) {
            char *end = NULL;

            /* The host node the vnode's memory comes from: libvirt's
             * <numatune><memnode> with one node (translate_cpu.c). xl
             * checks it against the host's nodes, which the converter
             * does not know; libxl refuses a missing one at start. */
            out->pnode = g_ascii_strtoll(val, &end, 10);
            if (!*val || *end || out->pnode < 0 || out->pnode >= VIR_DOMAIN_CPUMASK_LEN) {
                vxlNativeError(r, "vnuma", _("node %d: pnode '%s' is not a host NUMA node number"), idx, val);
                return -1;
            }
        } else {
            vxlNativeError(r, "vnuma", _("node %d: '%s' is not a vnuma option"), idx, key);
            return -1;
        }
    }
    if (out->sizeMiB < 0 || !out->vcpus) {
        vxlNativeError(r, "vnuma", _("node %d needs size= and vcpus="), idx);
        return -1;
    }
    return 0;
}


static int
vxlNativeParseVnuma(vxlNativeReader *r, vxlNativeXML *x)
{
    XLU_ConfigList *list = NULL;
    g_autofree vxlNativeVnode *nodes = NULL;
    long maxmem = -1;
    long long total = 0;
    int n = 0;
    int i;
    int j;
    int ret = -1;

    if ((ret = vxlNativeGetList(r, "vnuma", &list, &n)) <= 0)
        return ret;
    ret = -1;
    if (n == 0)
        return 0;
    nodes = g_new0(vxlNativeVnode, n);
    for (i = 0; i < n; i++) {
        XLU_ConfigValue *value = xlu_cfg_get_listitem2(list, i);
        XLU_ConfigList *node = NULL;

        if (!value || xlu_cfg_value_get_list(r->xlu, value, &node, 1) != 0) {
            vxlNativeError(r, "vnuma", _("node %d is not a list of options"), i);
            goto cleanup;
        }
        if (vxlNativeParseVnode(r, node, i, &nodes[i]) < 0)
            goto cleanup;
        total += nodes[i].sizeMiB;
    }

    /* xl refuses nodes whose vCPUs do not add up to maxvcpus= (xl_parse.c
     * counts them, node by node). */
    {
        long maxvcpus = -1;
        long long nvcpus = 0;

        for (i = 0; i < n; i++)
            nvcpus += nodes[i].nvcpus;
        if (xlu_cfg_get_long(r->xlu, "maxvcpus", &maxvcpus, 1) == 0 && maxvcpus != nvcpus) {
            vxlNativeError(r, "vnuma", _("the nodes' vCPUs add up to %lld, not maxvcpus's %ld, which xl refuses"),
                           nvcpus, maxvcpus);
            goto cleanup;
        }
    }

    /* xl refuses nodes that do not add up to maxmem=; without maxmem=
     * it takes the maximum from them, memory= being only the target
     * (parse_vnuma_config runs before xl defaults maxmem to memory). */
    if (xlu_cfg_get_long(r->xlu, "maxmem", &maxmem, 1) == 0 && total != maxmem) {
        vxlNativeError(r, "vnuma", _("the nodes' sizes add up to %lld MiB, not maxmem's %ld MiB"),
                       total, maxmem);
        goto cleanup;
    }

    virBufferAddLit(&x->cpu, "<numa>\n");
    for (i = 0; i < n; i++) {
        virBufferAsprintf(&x->cpu, "  <cell id='%d' cpus='%s' memory='%lld' unit='KiB'",
                          i, nodes[i].vcpus, nodes[i].sizeMiB * 1024);
        if (!nodes[i].distances) {
            /* xl leaves the distances 0, which libvirt cannot say: write
             * the defaults translate_cpu.c would fill in. */
            vxlNativeWarn(r, "vnuma", _("node %d: no vdistances=, which xl leaves 0: written as 10 to itself, 20 to the others"), i);
            virBufferAddLit(&x->cpu, ">\n    <distances>\n");
            for (j = 0; j < n; j++)
                virBufferAsprintf(&x->cpu, "      <sibling id='%d' value='%d'/>\n", j, i == j ? 10 : 20);
            virBufferAddLit(&x->cpu, "    </distances>\n  </cell>\n");
            continue;
        }
        {
            g_auto(GStrv) d = vxlNativeSplitSpec(nodes[i].distances, ',');

            if ((int)g_strv_length(d) != n) {
                vxlNativeError(r, "vnuma", _("node %d: vdistances= has %u values for %d nodes"),
                               i, g_strv_length(d), n);
                goto cleanup;
            }
            /* libvirt's <distances> take 10 to the node itself and 11-255
             * to another, and libvirt 9.0's parser writes out of bounds
             * on some values outside that: check before it sees them.
             * xl takes any number. */
            for (j = 0; j < n; j++) {
                unsigned int v;

                if (virStrToLong_uip(d[j], NULL, 10, &v) < 0 ||
                    (i == j ? v != 10 : (v < 11 || v > 255))) {
                    vxlNativeError(r, "vnuma", _("node %d: vdistances= value '%s' to node %d cannot be said in domain XML: libvirt takes 10 from a node to itself and 11 to 255 to another"),
                                   i, d[j], j);
                    goto cleanup;
                }
            }
            virBufferAddLit(&x->cpu, ">\n    <distances>\n");
            for (j = 0; j < n; j++)
                virBufferAsprintf(&x->cpu, "      <sibling id='%d' value='%s'/>\n", j, d[j]);
            virBufferAddLit(&x->cpu, "    </distances>\n  </cell>\n");
        }
    }
    virBufferAddLit(&x->cpu, "</numa>\n");
    for (i = 0; i < n; i++) {
        if (nodes[i].pnode >= 0)
            virBufferAsprintf(&x->numatune, "<memnode cellid='%d' mode='strict' nodeset='%lld'/>\n",
                              i, nodes[i].pnode);
    }
    ret = 0;

 cleanup:
    for (i = 0; i < n; i++) {
        g_free(nodes[i].vcpus);
        g_free(nodes[i].distances);
    }
    return ret;
}


static int
vxlNativeFormatVnuma(virBuffer *buf, const virDomainDef *def)
{
    size_t n = virDomainNumaGetNodeCount(def->numa);
    size_t i;
    size_t j;

    /* libxl's nodemap (translate_cpu.c) has no xl.cfg key: xl always
     * leaves it to libxl's placement. */
    /* placement='auto' is libxl's default placement: nothing to write. */
    if (virDomainNumatuneGetMode(def->numa, -1, NULL) == 0 &&
        !virDomainNumatuneHasPlacementAuto(def->numa))
        return vxlNativeFormatRefuse("<numatune><memory> (libxl's nodemap, which xl.cfg has no key for)");
    if (n == 0)
        return 0;
    virBufferAddLit(buf, "vnuma = [ ");
    for (i = 0; i < n; i++) {
        unsigned long long kib = virDomainNumaGetNodeMemorySize(def->numa, i);
        virBitmap *cpus = virDomainNumaGetNodeCpumask(def->numa, i);
        g_autofree char *set = NULL;

        if (!cpus || virBitmapIsAllClear(cpus) || kib % 1024 ||
            virDomainNumaGetNodeMemoryAccessMode(def->numa, i) != VIR_DOMAIN_MEMORY_ACCESS_DEFAULT ||
            virDomainNumaGetNodeDiscard(def->numa, i) != VIR_TRISTATE_BOOL_ABSENT)
            return vxlNativeFormatRefuse("<cpu><numa><cell> without cpus, with memory not in whole MiB, or with memAccess or discard");
        set = virBitmapFormat(cpus);
        virBufferAsprintf(buf, "%s[ ", i ? ", " : "");
        if (virDomainNumatuneNodeSpecified(def->numa, i))
            virBufferAsprintf(buf, "\"pnode=%zd\", ",
                              virBitmapNextSetBit(virDomainNumatuneGetNodeset(def->numa, NULL, i), -1));
        virBufferAsprintf(buf, "\"size=%llu\", \"vcpus=%s\", \"vdistances=",
                          kib / 1024, set);
        /* Always written: xl's absent distances are 0, while
         * translate_cpu.c fills libvirt's defaults. */
        for (j = 0; j < n; j++) {
            unsigned int d = virDomainNumaGetNodeDistance(def->numa, i, j);

            virBufferAsprintf(buf, "%s%u", j ? "," : "", d ? d : (i == j ? 10 : 20));
        }
        virBufferAddLit(buf, "\" ]");
    }
    virBufferAddLit(buf, " ]\n");
    return 0;
}


/* ---- cpuid ------------------------------------------------------------------
 *
 * translate_cpu.c hands the <feature>s to libxl as xl's cpuid= would:
 * libvirt's names become libxl's for the same bit, or xend lines where
 * libxl has no name (conf_cpu_names.c); P is 1 for force and
 * require, 0 for disable and forbid, k for optional. Read back, 1 is
 * force and 0 disable; x (libxl's default) says nothing; s (keep the
 * host's value across migration) and numbers for multi-bit fields have
 * no libvirt policy. vmx and svm are nested HVM to translate_cpu.c, not
 * CPUID bits. */

static const char *
vxlNativeCpuidPolicy(const char *letter)
{
    if (STREQ(letter, "1"))
        return "force";
    if (STREQ(letter, "0"))
        return "disable";
    if (STREQ(letter, "k"))
        return "optional";
    return NULL;
}


/* libvirt's name for libxl's @xname, or NULL for one of libxl's
 * multi-bit fields, which libvirt's <feature> cannot say. */
static char *
vxlNativeCpuidVirName(const char *xname)
{
    const vxlCpuName *row = vxlCpuNameByXl(xname);

    if (row)
        return g_strdup(row->vir);
    if (vxlCpuNameIsXlField(xname))
        return NULL;
    /* A libxl name libvirt's map lacks (an alias such as lahfsahf):
     * translate_cpu.c hands it back to libxl as it is. */
    return g_strdup(xname);
}


static bool
vxlNativeCpuidIsNested(const char *name)
{
    return STREQ(name, "vmx") || STREQ(name, "svm");
}


/* What cpuid= becomes: <feature>s while each bit it sets has one, else
 * the whole key, the parts xl takes, in <virtxl:cpuid>. */
typedef struct {
    virBuffer features;           /* <feature policy name/> lines */
    bool needNS;                  /* a bit no <feature> can say */
    GPtrArray *items;             /* the namespace's items */
} vxlNativeCpuid;


/* One bit (@vname, libvirt's name for libxl's @name, NULL for none)
 * set to @letter. A multi-bit field, vmx/svm (libvirt's <feature> for
 * them is nestedhvm=) and the 's' policy have no <feature>. */
static void
vxlNativeCpuidFeature(vxlNativeCpuid *c, const char *vname, const char *letter)
{
    const char *policy = vxlNativeCpuidPolicy(letter);

    if (STREQ(letter, "x"))
        return;
    if (!vname || vxlNativeCpuidIsNested(vname) || !policy) {
        c->needNS = true;
        return;
    }
    virBufferAsprintf(&c->features, "<feature policy='%s' name='%s'/>\n", policy, vname);
}


/* cpuid="host,NAME=VALUE,...", libxl's own syntax. */
static void
vxlNativeParseCpuidString(vxlNativeReader *r, vxlNativeCpuid *c, const char *spec)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);
    g_autoptr(GString) kept = g_string_new("host");
    size_t i;

    if (!parts[0] || STRNEQ(parts[0], "host")) {
        /* xl complains and carries on without the key. */
        vxlNativeWarn(r, "cpuid", "%s", _("dropped: xl ignores a string whose first word is not 'host'"));
        return;
    }
    for (i = 1; parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');
        libxl_cpuid_policy_list scratch = NULL;
        g_autofree char *name = NULL;
        g_autofree char *vname = NULL;
        int bad;

        if (!*parts[i])
            continue;
        /* As xl reads it: libxl's names, exactly. */
        bad = libxl_cpuid_parse_config(&scratch, parts[i]);
        libxl_cpuid_dispose(&scratch);
        if (!eq || bad) {
            vxlNativeWarn(r, "cpuid", _("dropped '%s': not a CPUID flag setting libxl knows (xl skips it too)"), parts[i]);
            continue;
        }
        g_string_append_printf(kept, ",%s", parts[i]);
        name = g_strndup(parts[i], eq - parts[i]);
        vname = vxlNativeCpuidVirName(name);
        vxlNativeCpuidFeature(c, vname, eq + 1);
    }
    if (kept->len > strlen("host"))
        g_ptr_array_add(c->items, g_string_free(g_steal_pointer(&kept), FALSE));
}


/* cpuid=[ "LEAF[,SUBLEAF]:REG=32 policy characters,...", ... ], xend's
 * syntax: each bit is named by libvirt's name for it
 * (conf_cpu_names.c), which translate_cpu.c turns back into that
 * bit. A line replaces what an earlier one said for the same register,
 * as in libxl, since a later <feature> for a bit wins. */
static void
vxlNativeParseCpuidXend(vxlNativeReader *r, vxlNativeCpuid *c, XLU_ConfigList *list, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        const char *item = xlu_cfg_get_listitem(list, i);
        g_auto(GStrv) regs = NULL;
        const char *colon;
        unsigned long leaf;
        unsigned long subleaf = VXL_CPU_NO_SUBLEAF;
        char *end = NULL;
        size_t j;

        if (!item)
            continue;
        /* xl reports a malformed line and carries on without it. */
        if (!vxlXMLNSSpecCpuid(item, NULL) || !(colon = strchr(item, ':'))) {
            vxlNativeWarn(r, "cpuid", _("dropped '%s': not a CPUID line xl accepts"), item);
            continue;
        }
        g_ptr_array_add(c->items, g_strdup(item));
        leaf = strtoul(item, &end, 0);
        if (*end == ',')
            subleaf = strtoul(end + 1, NULL, 0);
        regs = g_strsplit(colon + 1, ",", -1);
        for (j = 0; regs[j]; j++) {
            const char *reg = regs[j];
            const char *policy = reg + 4;
            unsigned int k;

            if (strlen(reg) != 36 || reg[3] != '=')
                continue;
            for (k = 0; k < 32; k++) {
                char letter[2] = { policy[k], 0 };
                const vxlCpuName *row;

                if (letter[0] == 'x')
                    continue;
                row = vxlCpuNameByBit(leaf, subleaf, reg[1] - 'a', 31 - k);
                vxlNativeCpuidFeature(c, row ? row->vir : NULL, letter);
            }
        }
    }
}


static void
vxlNativeParseCpuid(vxlNativeReader *r, vxlNativeXML *x)
{
    vxlNativeCpuid c = { VIR_BUFFER_INITIALIZER, false, NULL };
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
    XLU_ConfigList *list = NULL;
    const char *str = NULL;
    int n = 0;
    size_t i;

    c.items = items;
    vxlNativeMarkUsed(r, "cpuid");
    if (xlu_cfg_get_list(r->xlu, "cpuid", &list, &n, 1) == 0)
        vxlNativeParseCpuidXend(r, &c, list, n);
    else if (xlu_cfg_get_string(r->xlu, "cpuid", &str, 1) == 0)
        vxlNativeParseCpuidString(r, &c, str);
    if (!c.needNS) {
        virBufferAddBuffer(&x->cpu, &c.features);
        return;
    }
    /* The whole key, as xl takes it: one form needs no <feature> of its
     * bits beside it (translate_xmlns_keys_libxl.c). */
    virBufferFreeAndReset(&c.features);
    for (i = 0; i < items->len; i++)
        virBufferEscapeString(&x->xmlns, "<virtxl:cpuid value='%s'/>\n",
                              (const char *)g_ptr_array_index(items, i));
}


/* <virtxl:cpuid>: xl's string form when it is one "host,..." item,
 * else its list of xend lines. */
static int
vxlNativeFormatCpuidXMLNS(virBuffer *buf, const virDomainDef *def)
{
    const char *v = vxlNativeXMLNSKeyValue(def, VXL_XMLNS_KEY_CPUID);
    g_auto(GStrv) items = NULL;
    g_autoptr(GPtrArray) arr = NULL;
    size_t i;

    if (!v)
        return 0;
    for (i = 0; def->cpu && i < def->cpu->nfeatures; i++) {
        if (!vxlNativeCpuidIsNested(def->cpu->features[i].name))
            return vxlNativeFormatRefuse("<virtxl:cpuid> beside <cpu><feature>s of CPUID bits");
    }
    items = vxlXMLNSKeyItems(v);
    if (items[0] && !items[1] && STRPREFIX(items[0], "host,")) {
        vxlNativeFormatString(buf, "cpuid", items[0]);
        return 0;
    }
    arr = g_ptr_array_new();
    for (i = 0; items[i]; i++)
        g_ptr_array_add(arr, items[i]);
    vxlNativeFormatList(buf, "cpuid", arr);
    return 0;
}


/* <cpu>: nestedhvm=, cpuid=. */
static int
vxlNativeFormatCpuModel(virBuffer *buf, const virDomainDef *def)
{
    const virCPUDef *cpu = def->cpu;
    g_autofree vxlCpuFeature *features = NULL;
    g_autoptr(GPtrArray) xend = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) named = g_ptr_array_new_with_free_func(g_free);
    libxl_cpuid_policy_list scratch = NULL;
    int nested = -1;
    size_t n = 0;
    size_t i;
    int bad;

    if (vxlNativeFormatCpuidXMLNS(buf, def) < 0)
        return -1;
    if (!cpu)
        return 0;
    /* <topology> is left out as the translator leaves it: libxl has no
     * topology setting, Xen presents its own (docs/translation.md), and
     * Nova and virt-install write one on every guest. */
    if (cpu->model || cpu->vendor || cpu->cache)
        return vxlNativeFormatRefuse("<cpu><model>, <vendor> or <cache>");
    switch ((virCPUMode)cpu->mode) {
    /* Xen offers the host's CPU levelled by its policy whatever the
     * mode; only the <feature>s change it. host-passthrough is not
     * nested HVM by itself (translate_cpu.c). */
    case VIR_CPU_MODE_HOST_PASSTHROUGH:
    case VIR_CPU_MODE_HOST_MODEL:
    case VIR_CPU_MODE_CUSTOM:
        break;
    case VIR_CPU_MODE_MAXIMUM:
    case VIR_CPU_MODE_LAST:
    default:
        return vxlNativeFormatRefuse("<cpu mode='maximum'>");
    }

    features = g_new0(vxlCpuFeature, cpu->nfeatures);
    for (i = 0; i < cpu->nfeatures; i++) {
        const virCPUFeatureDef *f = &cpu->features[i];
        char letter;

        switch ((virCPUFeaturePolicy)f->policy) {
        case VIR_CPU_FEATURE_FORCE:
        case VIR_CPU_FEATURE_REQUIRE:
            letter = '1';
            break;
        case VIR_CPU_FEATURE_OPTIONAL:
            letter = 'k';
            break;
        case VIR_CPU_FEATURE_DISABLE:
        case VIR_CPU_FEATURE_FORBID:
            letter = '0';
            break;
        case VIR_CPU_FEATURE_LAST:
        default:
            return vxlNativeFormatRefuse("<cpu><feature> without a policy");
        }
        /* translate_cpu.c: vmx and svm are one nested HVM switch, on
         * for force, require and optional; both must agree. */
        if (vxlNativeCpuidIsNested(f->name)) {
            int on = letter != '0';

            if (nested >= 0 && nested != on)
                return vxlNativeFormatRefuse("<cpu><feature name='vmx'> and <feature name='svm'> with opposite policies");
            nested = on;
            continue;
        }
        features[n].name = f->name;
        features[n++].policy = letter;
    }

    /* As translate_cpu.c builds it: names in xl's string form, or, for a
     * bit libxl has no name for, every bit in xend lines (the list form);
     * xl.cfg has no form that mixes the two. */
    bad = vxlCpuNamesApply(&scratch, features, n) < 0 ||
          vxlCpuNamesPlan(features, n, xend, named) < 0;
    libxl_cpuid_dispose(&scratch);
    if (bad)
        return vxlNativeFormatRefuse("<cpu><feature> that libxl cannot set");
    if (xend->len && named->len)
        return vxlNativeFormatRefuse("<cpu><feature>s that need both xl's cpuid= forms: bits libxl has no name for with MSR bits or libxl-only names");

    if (nested >= 0) {
        if (def->os.type != VIR_DOMAIN_OSTYPE_HVM && def->os.type != VIR_DOMAIN_OSTYPE_XENPVH)
            return vxlNativeFormatRefuse("a vmx/svm <cpu><feature> (nestedhvm=) for a PV guest");
        virBufferAsprintf(buf, "nestedhvm = %d\n", nested);
    }
    if (named->len) {
        g_autoptr(GString) cpuid = g_string_new("host");

        for (i = 0; i < named->len; i++)
            g_string_append_printf(cpuid, ",%s", (char *)g_ptr_array_index(named, i));
        vxlNativeFormatString(buf, "cpuid", cpuid->str);
    }
    if (xend->len) {
        virBufferAddLit(buf, "cpuid = [ ");
        for (i = 0; i < xend->len; i++)
            virBufferAsprintf(buf, "%s\"%s\"", i ? ", " : "", (char *)g_ptr_array_index(xend, i));
        virBufferAddLit(buf, " ]\n");
    }
    return 0;
}


int
vxlNativeParseCpuKeys(vxlNativeReader *r, vxlNativeXML *x)
{
    if (vxlNativeParseCap(r, x) < 0 ||
        vxlNativeParseVnuma(r, x) < 0)
        return -1;
    vxlNativeParseCpuid(r, x);
    /* <feature>s need a mode that allows them without a model; the
     * host's CPU as Xen levels it is what xl's guests see. */
    if (!x->hostCPU && virBufferUse(&x->cpu) && strstr(virBufferCurrentContent(&x->cpu), "<feature "))
        x->cpuMode = "host-model";
    return 0;
}


int
vxlNativeFormatCpuKeys(virBuffer *buf, const virDomainDef *def)
{
    if (vxlNativeFormatCap(buf, def) < 0 ||
        vxlNativeFormatVnuma(buf, def) < 0 ||
        vxlNativeFormatCpuModel(buf, def) < 0)
        return -1;
    return 0;
}
