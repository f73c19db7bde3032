/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cpu_names_test.c: src/translate/conf_cpu_names.c's table against
 * its two sources.
 *
 * libvirt's side: every feature of the installed cpu_map
 * (x86_features.xml) has exactly one row, with its name and bit, and
 * every row is such a feature. libxl's side: each row's libxl name,
 * handed to libxl_cpuid_parse_config() as xl's cpuid= would, sets that
 * bit and nothing else; where the row has no libxl name, libvirt's name
 * is not libxl's for that bit and the xend line for it sets the bit.
 * Finally every row goes through vxlCpuNameAddPolicy() with each
 * policy letter, as translate_cpu.c uses it.
 */
#include "vxl_internal.h"

#include <stdio.h>
#include <libxl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "conf_cpu_names.h"
#include "util_json.h"

/* libxl_json.h's, which does not build with yajl 2's headers. */
yajl_gen_status libxl_cpuid_policy_list_gen_json(yajl_gen hand,
                                                 libxl_cpuid_policy_list *p);

#ifndef VXL_CPU_MAP_X86
# define VXL_CPU_MAP_X86 "/usr/share/libvirt/cpu_map/x86_features.xml"
#endif

static int failures;

#define FAIL(...) \
    do { \
        fprintf(stderr, "FAIL: "); \
        fprintf(stderr, __VA_ARGS__); \
        fprintf(stderr, "\n"); \
        failures++; \
    } while (0)


static yajl_gen_status
vxlTestGenCpuid(yajl_gen hand, void *obj)
{
    return libxl_cpuid_policy_list_gen_json(hand, obj);
}


/* @cpuid as compact JSON. */
static char *
vxlTestCpuidJSON(libxl_cpuid_policy_list *cpuid)
{
    g_autofree char *json = vxlJSONGenerate(vxlTestGenCpuid, cpuid);
    GString *out = g_string_new(NULL);
    const char *p;

    for (p = json; p && *p; p++) {
        if (!g_ascii_isspace(*p))
            g_string_append_c(out, *p);
    }
    return g_string_free(out, FALSE);
}


/* The JSON libxl prints for a policy list setting @n's bit to 1 alone. */
static char *
vxlTestExpectJSON(const vxlCpuName *n)
{
    char bits[65];
    size_t width = n->reg == VXL_CPU_REG_MSR ? 64 : 32;

    memset(bits, 'x', width);
    bits[width] = '\0';
    bits[width - 1 - n->bit] = '1';
    if (n->reg == VXL_CPU_REG_MSR)
        return g_strdup_printf("{\"cpuid\":[],\"msr\":[{\"index\":%u,\"policy\":\"%s\"}]}",
                               n->leaf, bits);
    if (n->subleaf == VXL_CPU_NO_SUBLEAF)
        return g_strdup_printf("{\"cpuid\":[{\"leaf\":%u,\"%s\":\"%s\"}],\"msr\":[]}",
                               n->leaf, vxlCpuRegName(n->reg), bits);
    return g_strdup_printf("{\"cpuid\":[{\"leaf\":%u,\"subleaf\":%u,\"%s\":\"%s\"}],\"msr\":[]}",
                           n->leaf, n->subleaf, vxlCpuRegName(n->reg), bits);
}


static unsigned long long
vxlTestHex(xmlNodePtr node, const char *attr, unsigned long long dflt)
{
    g_autofree char *v = (char *)xmlGetProp(node, (const xmlChar *)attr);

    return v ? g_ascii_strtoull(v, NULL, 16) : dflt;
}


/* One <feature> of cpu_map against its row. */
static void
vxlTestMapFeature(xmlNodePtr feat, GHashTable *seen)
{
    g_autofree char *name = (char *)xmlGetProp(feat, (const xmlChar *)"name");
    static const char *const regs[] = { "eax", "ebx", "ecx", "edx" };
    const vxlCpuName *n = vxlCpuNameByVir(name);
    xmlNodePtr c;

    if (!n) {
        FAIL("cpu_map feature '%s' has no row", name);
        return;
    }
    g_hash_table_add(seen, (gpointer)n);
    for (c = feat->children; c; c = c->next) {
        unsigned long long mask = 0;
        unsigned int leaf;
        unsigned int subleaf = VXL_CPU_NO_SUBLEAF;
        vxlCpuReg reg = VXL_CPU_REG_MSR;
        size_t r;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(c->name, (const xmlChar *)"cpuid")) {
            leaf = vxlTestHex(c, "eax_in", 0);
            subleaf = vxlTestHex(c, "ecx_in", VXL_CPU_NO_SUBLEAF);
            for (r = 0; r < G_N_ELEMENTS(regs); r++) {
                unsigned long long v = vxlTestHex(c, regs[r], 0);

                if (v) {
                    if (mask)
                        FAIL("'%s' sets bits in two registers", name);
                    mask = v;
                    reg = r;
                }
            }
        } else if (xmlStrEqual(c->name, (const xmlChar *)"msr")) {
            leaf = vxlTestHex(c, "index", 0);
            mask = vxlTestHex(c, "eax", 0) | (vxlTestHex(c, "edx", 0) << 32);
        } else {
            continue;
        }
        if (!mask || (mask & (mask - 1))) {
            FAIL("'%s' is not one bit (%#llx)", name, mask);
            return;
        }
        if (n->leaf != leaf || n->subleaf != subleaf || n->reg != reg ||
            n->bit != (unsigned int)__builtin_ctzll(mask))
            FAIL("'%s' is leaf/index %#x subleaf %#x reg %d bit %d in cpu_map, not as in the table",
                 name, leaf, subleaf, reg, __builtin_ctzll(mask));
        return;
    }
    FAIL("'%s' has neither <cpuid> nor <msr>", name);
}


static void
vxlTestCpuMap(void)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
    xmlDocPtr doc = xmlReadFile(VXL_CPU_MAP_X86, NULL, XML_PARSE_NONET);
    xmlNodePtr node;
    size_t n;
    size_t i;
    const vxlCpuName *rows = vxlCpuNameTable(&n);

    if (!doc) {
        FAIL("cannot read %s", VXL_CPU_MAP_X86);
        return;
    }
    for (node = xmlDocGetRootElement(doc)->children; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE &&
            xmlStrEqual(node->name, (const xmlChar *)"feature"))
            vxlTestMapFeature(node, seen);
    }
    xmlFreeDoc(doc);
    for (i = 0; i < n; i++) {
        if (!g_hash_table_contains(seen, &rows[i]))
            FAIL("row '%s' is no feature of %s", rows[i].vir, VXL_CPU_MAP_X86);
    }
}


/* Each row against libxl's own parsers. */
static void
vxlTestLibxl(void)
{
    static const char policies[] = { '1', '0', 'k' };
    size_t n;
    size_t i;
    size_t p;
    const vxlCpuName *rows = vxlCpuNameTable(&n);

    for (i = 0; i < n; i++) {
        const vxlCpuName *row = &rows[i];
        libxl_cpuid_policy_list cpuid = NULL;
        g_autofree char *spec = NULL;
        g_autofree char *want = vxlTestExpectJSON(row);
        g_autofree char *got = NULL;
        int rc;

        if (vxlCpuNameByVir(row->vir) != row)
            FAIL("'%s' has two rows", row->vir);
        if (vxlCpuNameByBit(row->leaf, row->subleaf, row->reg, row->bit) != row)
            FAIL("the bit of '%s' has two rows", row->vir);
        if (row->xl) {
            if (vxlCpuNameByXl(row->xl) != row)
                FAIL("libxl's '%s' names two rows", row->xl);
            spec = g_strdup_printf("%s=1", row->xl);
            rc = libxl_cpuid_parse_config(&cpuid, spec);
        } else {
            /* Where the table says libxl has no name, libvirt's is not
             * one for the same bit. */
            g_autofree char *own = g_strdup_printf("%s=1", row->vir);

            if (libxl_cpuid_parse_config(&cpuid, own) == 0) {
                g_autofree char *json = vxlTestCpuidJSON(&cpuid);

                if (STREQ(json, want))
                    FAIL("libxl knows '%s' for its bit: the row should name it", row->vir);
            }
            libxl_cpuid_dispose(&cpuid);
            cpuid = NULL;
            spec = vxlCpuNameXendLine(row, '1');
            if (!spec) {
                /* An MSR bit without a libxl name: it cannot be set. */
                if (vxlCpuNameAddPolicy(&cpuid, row->vir, '1') == 0)
                    FAIL("'%s' has no way into libxl, yet was accepted", row->vir);
                libxl_cpuid_dispose(&cpuid);
                continue;
            }
            rc = libxl_cpuid_parse_config_xend(&cpuid, spec);
        }
        if (rc != 0) {
            FAIL("libxl refuses '%s' (for '%s')", spec, row->vir);
            libxl_cpuid_dispose(&cpuid);
            continue;
        }
        got = vxlTestCpuidJSON(&cpuid);
        libxl_cpuid_dispose(&cpuid);
        if (STRNEQ(got, want))
            FAIL("'%s' (for '%s') sets %s, expected %s", spec, row->vir, got, want);

        for (p = 0; p < G_N_ELEMENTS(policies); p++) {
            cpuid = NULL;
            if (vxlCpuNameAddPolicy(&cpuid, row->vir, policies[p]) < 0)
                FAIL("'%s' with policy %c is refused", row->vir, policies[p]);
            libxl_cpuid_dispose(&cpuid);
        }
    }
}


/* Names outside the table: libxl's own ones pass, its multi-bit fields
 * and unknown names do not. */
static void
vxlTestOthers(void)
{
    static const struct {
        const char *name;
        bool ok;
    } cases[] = {
        { "sse3", true },        /* libxl's spelling of libvirt's pni */
        { "lahf-lm", true },
        { "family", false },     /* a field: family=1 sets the family */
        { "clflush", true },     /* libvirt's: CLFLUSH, libxl's clfsh */
        { "no-such-feature", false },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        libxl_cpuid_policy_list cpuid = NULL;
        bool ok = vxlCpuNameAddPolicy(&cpuid, cases[i].name, '1') == 0;

        if (ok != cases[i].ok)
            FAIL("'%s' is %s", cases[i].name, ok ? "accepted" : "refused");
        libxl_cpuid_dispose(&cpuid);
    }
}


int
main(void)
{
    vxlTestCpuMap();
    vxlTestLibxl();
    vxlTestOthers();
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
