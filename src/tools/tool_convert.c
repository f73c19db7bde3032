/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tool_convert.c: xl.cfg <-> domain XML without a daemon.
 *
 *   virtxl xl2xml FILE.cfg      domain XML on stdout, dropped keys on stderr
 *   virtxl xml2xl FILE.xml      xl.cfg on stdout
 *   virtxl xml2xml FILE.xml     domain XML as the driver parses and formats it
 *   virtxl convert-dir DIR [OUTDIR]
 *                               each DIR/NAME.cfg to OUTDIR/NAME.xml (default
 *                               DIR), one line per file on stdout
 *
 * The same native/ code as the driver's domxml-from-native and
 * domxml-to-native, with the driver's own parser config.
 */
#include "vxl_internal.h"

#include <stdio.h>

#include "tool.h"
#include "native.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

#define VXL_TOOL_MAX_FILE (10 * 1024 * 1024)


static char *
vxlToolConvertOne(const char *path, GPtrArray *warnings)
{
    g_autofree char *data = NULL;
    int len;

    if ((len = virFileReadAll(path, VXL_TOOL_MAX_FILE, &data)) < 0)
        return NULL;
    return vxlNativeXLToXML(data, len, path, vxlToolXMLOption(), warnings);
}


int
vxlToolXL2XML(int argc, char **argv)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml = NULL;
    size_t i;

    if (argc != 2) {
        fprintf(stderr, "%s\n", _("usage: virtxl xl2xml FILE.cfg"));
        return 2;
    }
    if (!(xml = vxlToolConvertOne(argv[1], warnings))) {
        vxlToolReportError(argv[1]);
        return 1;
    }
    for (i = 0; i < warnings->len; i++)
        fprintf(stderr, _("warning: %s\n"), (char *)g_ptr_array_index(warnings, i));
    fputs(xml, stdout);
    return 0;
}


int
vxlToolXML2XL(int argc, char **argv)
{
    g_autofree char *xml = NULL;
    g_autofree char *cfg = NULL;

    if (argc != 2) {
        fprintf(stderr, "%s\n", _("usage: virtxl xml2xl FILE.xml"));
        return 2;
    }
    if (virFileReadAll(argv[1], VXL_TOOL_MAX_FILE, &xml) < 0 ||
        !(cfg = vxlNativeXMLToXL(xml, vxlToolXMLOption()))) {
        vxlToolReportError(argv[1]);
        return 1;
    }
    fputs(cfg, stdout);
    return 0;
}


/* Domain XML as the driver keeps it: parsed with its parser config
 * (post-parse defaults, validation) and formatted inactive, so that two
 * spellings of one domain compare equal (tests/native/check-peer). */
int
vxlToolXML2XML(int argc, char **argv)
{
    g_autofree char *xml = NULL;
    g_autofree char *out = NULL;
    g_autoptr(virDomainDef) def = NULL;

    if (argc != 2) {
        fprintf(stderr, "%s\n", _("usage: virtxl xml2xml FILE.xml"));
        return 2;
    }
    if (virFileReadAll(argv[1], VXL_TOOL_MAX_FILE, &xml) < 0 ||
        !(def = virDomainDefParseString(xml, vxlToolXMLOption(), NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)) ||
        !(out = virDomainDefFormat(def, vxlToolXMLOption(),
                                   VIR_DOMAIN_DEF_FORMAT_INACTIVE))) {
        vxlToolReportError(argv[1]);
        return 1;
    }
    fputs(out, stdout);
    return 0;
}


static gint
vxlToolCompareNames(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}


int
vxlToolConvertDir(int argc, char **argv)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) gerr = NULL;
    const char *outdir;
    const char *name;
    size_t converted = 0, failed = 0, dropped = 0;
    size_t i;

    if (argc != 2 && argc != 3) {
        fprintf(stderr, "%s\n", _("usage: virtxl convert-dir DIR [OUTDIR]"));
        return 2;
    }
    outdir = argc == 3 ? argv[2] : argv[1];
    if (!(dir = g_dir_open(argv[1], 0, &gerr))) {
        fprintf(stderr, "virtxl: %s\n", gerr->message);
        return 1;
    }
    if (g_mkdir_with_parents(outdir, 0777) < 0) {
        fprintf(stderr, _("virtxl: cannot create %s: %s\n"), outdir, g_strerror(errno));
        return 1;
    }
    while ((name = g_dir_read_name(dir))) {
        if (g_str_has_suffix(name, ".cfg"))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_ptr_array_sort(names, vxlToolCompareNames);

    for (i = 0; i < names->len; i++) {
        const char *base = g_ptr_array_index(names, i);
        g_autofree char *in = g_build_filename(argv[1], base, NULL);
        g_autofree char *stem = g_strndup(base, strlen(base) - 4);
        g_autofree char *out = g_strdup_printf("%s/%s.xml", outdir, stem);
        g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *xml = NULL;
        size_t j;

        if (!(xml = vxlToolConvertOne(in, warnings)) ||
            virFileWriteStr(out, xml, 0644) < 0) {
            virErrorPtr err = virGetLastError();

            printf(_("FAIL %s: %s\n"), in, err ? err->message : _("failed"));
            failed++;
            continue;
        }
        converted++;
        dropped += warnings->len;
        if (warnings->len == 0)
            printf(_("OK   %s -> %s\n"), in, out);
        else
            printf(_("OK   %s -> %s (%u keys or values dropped)\n"), in, out, warnings->len);
        for (j = 0; j < warnings->len; j++)
            printf("     %s\n", (char *)g_ptr_array_index(warnings, j));
    }
    printf(_("%zu converted, %zu failed, %zu keys or values dropped\n"),
           converted, failed, dropped);
    return failed ? 1 : 0;
}
