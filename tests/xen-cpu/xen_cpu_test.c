/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_cpu_test.c: the libxl backend's host CPU facts without Xen.
 *
 *   xen_cpu_test
 *     For every case tests/xen-cpu/cases/<case>.cpuinfo (dom0's
 *     /proc/cpuinfo) with <case>.words (Xen's host feature set, one
 *     hex word per line, as `xen-cpuid -p` or `xl info`'s hw_caps list
 *     them), what xen_cpu.c makes of them, printed as
 *     "vendor/model/microcode/signature/features", must equal
 *     <case>.expected. VIRTXL_REGENERATE=1 rewrites the expected files
 *     for review. The folder is the list.
 *   Also the Arm GIC: tests/xen-cpu/cases/gic-<case>/ is a device tree
 *   (or holds an MADT in "APIC"), and its "expected" file the version.
 */
#include "vxl_internal.h"

#include <stdio.h>

#include "xen_priv.h"
#include "virerror.h"
#include "virfile.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static const char *dir;
static bool regenerate;


static int
vxlTestExpect(const char *path, const char *actual)
{
    g_autofree char *expected = NULL;

    if (regenerate)
        return virFileWriteStr(path, actual, 0644);
    if (virFileReadAll(path, 1024 * 1024, &expected) < 0) {
        fprintf(stderr, "FAIL %s: cannot read (VIRTXL_REGENERATE=1 writes it)\n", path);
        return -1;
    }
    if (STRNEQ(expected, actual)) {
        fprintf(stderr, "FAIL %s:\n  expected: %s  actual:   %s", path, expected, actual);
        return -1;
    }
    return 0;
}


static int
vxlTestCpu(const char *name)
{
    g_autofree char *base = g_strdup_printf("%s/%s", dir, name);
    g_autofree char *cpuinfoPath = g_strdup_printf("%s.cpuinfo", base);
    g_autofree char *wordsPath = g_strdup_printf("%s.words", base);
    g_autofree char *expectedPath = g_strdup_printf("%s.expected", base);
    g_autofree char *cpuinfo = NULL;
    g_autofree char *wordsText = NULL;
    g_autofree uint32_t *words = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    g_auto(GStrv) lines = NULL;
    vxlHostFacts facts = { 0 };
    vxlXenCpuinfo info;
    size_t nwords = 0;
    size_t i;
    int ret;

    if (virFileReadAll(cpuinfoPath, 1024 * 1024, &cpuinfo) < 0 ||
        virFileReadAll(wordsPath, 1024 * 1024, &wordsText) < 0) {
        fprintf(stderr, "FAIL %s: cannot read its files\n", base);
        return -1;
    }
    lines = g_strsplit(wordsText, "\n", 0);
    words = g_new0(uint32_t, g_strv_length(lines) + 1);
    for (i = 0; lines[i]; i++) {
        char *l = g_strstrip(lines[i]);
        unsigned int w;

        if (!*l || *l == '#')
            continue;
        if (virStrToLong_ui(l, NULL, 16, &w) < 0) {
            fprintf(stderr, "FAIL %s: line %zu is not a hex word\n", wordsPath, i + 1);
            return -1;
        }
        words[nwords++] = w;
    }

    vxlXenCpuinfoParse(cpuinfo, &info);
    vxlXenCpuDescribe(VIR_ARCH_X86_64, &info, words, nwords, &facts);
    g_string_append_printf(out, "vendor %s\nmodel %s\nmicrocode 0x%x\nsignature %u %u %u\n",
                           NULLSTR(facts.cpuVendor), NULLSTR(facts.cpuModel),
                           facts.microcode, facts.cpuFamily,
                           facts.cpuModelNumber, facts.cpuStepping);
    for (i = 0; facts.cpuFeatures && facts.cpuFeatures[i]; i++)
        g_string_append_printf(out, "feature %s\n", facts.cpuFeatures[i]);
    vxlXenCpuinfoClear(&info);
    vxlHostFactsClear(&facts);

    if ((ret = vxlTestExpect(expectedPath, out->str)) == 0)
        printf("ok %s\n", name);
    return ret;
}


static int
vxlTestGic(const char *name)
{
    g_autofree char *base = g_strdup_printf("%s/%s", dir, name);
    g_autofree char *tree = g_strdup_printf("%s/tree", base);
    g_autofree char *madt = g_strdup_printf("%s/APIC", base);
    g_autofree char *expectedPath = g_strdup_printf("%s/expected", base);
    g_autofree char *actual = g_strdup_printf("%u\n", vxlXenGicVersion(tree, madt));
    int ret;

    if ((ret = vxlTestExpect(expectedPath, actual)) == 0)
        printf("ok %s\n", name);
    return ret;
}


int
main(void)
{
    const char *src = getenv("VXL_SOURCE_DIR");
    g_autoptr(GDir) d = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *ent;
    size_t i;
    int ret = 0;

    dir = g_strdup_printf("%s/tests/xen-cpu/cases", src ? src : VXL_SOURCE_DIR);
    regenerate = g_strcmp0(getenv("VIRTXL_REGENERATE"), "1") == 0;
    if (virInitialize() < 0 || !(d = g_dir_open(dir, 0, NULL))) {
        fprintf(stderr, "FAIL: cannot open %s\n", dir);
        return EXIT_FAILURE;
    }
    while ((ent = g_dir_read_name(d))) {
        if (g_str_has_suffix(ent, ".cpuinfo") || g_str_has_prefix(ent, "gic-"))
            g_ptr_array_add(names, g_strdup(ent));
    }
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (i = 0; i < names->len; i++) {
        const char *n = g_ptr_array_index(names, i);

        if (g_str_has_prefix(n, "gic-")) {
            if (vxlTestGic(n) < 0)
                ret = -1;
        } else {
            g_autofree char *c = g_strndup(n, strlen(n) - strlen(".cpuinfo"));

            if (vxlTestCpu(c) < 0)
                ret = -1;
        }
    }
    if (names->len == 0) {
        fprintf(stderr, "FAIL: no cases in %s\n", dir);
        ret = -1;
    }
    return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
