/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_test.c: golden-file harness for translate/.
 *
 * The folder is the list of cases. For every tests/translate/<case>.xml:
 *
 *   1. the XML must validate against libvirt's domain schema (after the
 *      project's own namespace, which that schema does not know, is
 *      taken out);
 *   2. it is parsed with the driver's own parser config (post-parse
 *      defaults and the translators' validators, exactly as a define),
 *      then translated with vxlTranslateDomain();
 *   3. the result is compared as text with <case>.json (the
 *      libxl_domain_config as libxl prints it) or, for a refusal, with
 *      <case>.err: the VIR_ERR_* code name on the first line, libvirt's
 *      full message on the second;
 *   3a. a parsed def formatted, parsed and formatted again reads the
 *      same (define then dumpxml keeps everything, our namespace too);
 *   4. for a refusal that comes from our validators, the same def is
 *      parsed again without validation and handed to vxlTranslateDomain()
 *      directly: it must refuse with the validators' error and leave the
 *      caller's config exactly as it was.
 *
 * A case named err-schema-* is the exception to 1: libvirt's schema
 * refuses it, but its parser takes it and drops what it does not read
 * (virsh define without --validate); the driver must refuse it.
 *
 * Case names are <class>-<feature>[-<variant>]. A .json, .err or .cfg
 * without its .xml is an error. VIRTXL_REGENERATE=1 rewrites the
 * expected files from what the code produces, for review with git diff.
 * tests/translate/check-against-xl compares the .json files with what
 * Xen's own xl builds from the matching .cfg files.
 */
#include "vxl_internal.h"

#include <stdio.h>
#include <libxml/relaxng.h>

#include "domain_xmlopt.h"
#include "translate.h"
#include "virerror.h"
#include "virfile.h"
#include "virstring.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_NONE

typedef struct _vxlTestCtx vxlTestCtx;
struct _vxlTestCtx {
    const char *dir;
    bool regenerate;
    virDomainXMLOption *xmlopt;
    xmlRelaxNGPtr schema;
    GString *schemaErrors;
};


/* The code names of the errors a case may expect. */
static const struct {
    int code;
    const char *name;
} vxlTestErrorNames[] = {
    { VIR_ERR_INTERNAL_ERROR, "VIR_ERR_INTERNAL_ERROR" },
    { VIR_ERR_NO_SUPPORT, "VIR_ERR_NO_SUPPORT" },
    { VIR_ERR_XML_ERROR, "VIR_ERR_XML_ERROR" },
    { VIR_ERR_XML_DETAIL, "VIR_ERR_XML_DETAIL" },
    { VIR_ERR_INVALID_ARG, "VIR_ERR_INVALID_ARG" },
    { VIR_ERR_OPERATION_INVALID, "VIR_ERR_OPERATION_INVALID" },
    { VIR_ERR_OPERATION_UNSUPPORTED, "VIR_ERR_OPERATION_UNSUPPORTED" },
    { VIR_ERR_CONFIG_UNSUPPORTED, "VIR_ERR_CONFIG_UNSUPPORTED" },
};


static void
vxlTestQuietErrors(void *opaque, virErrorPtr err)
{
}


static char *
vxlTestErrorText(void)
{
    virErrorPtr err = virGetLastError();
    const char *name = NULL;
    size_t i;

    if (!err)
        return g_strdup("(no error reported)\n\n");
    for (i = 0; i < G_N_ELEMENTS(vxlTestErrorNames); i++) {
        if (vxlTestErrorNames[i].code == err->code)
            name = vxlTestErrorNames[i].name;
    }
    if (name)
        return g_strdup_printf("%s\n%s\n", name, NULLSTR(err->message));
    return g_strdup_printf("VIR_ERR_%d\n%s\n", err->code, NULLSTR(err->message));
}


/* A short, diff-like hint: the first differing line and a few after it. */
static void
vxlTestPrintDiff(const char *file, const char *expected, const char *actual)
{
    g_auto(GStrv) exp = g_strsplit(expected, "\n", -1);
    g_auto(GStrv) act = g_strsplit(actual, "\n", -1);
    size_t n;
    size_t i;

    for (n = 0; exp[n] && act[n] && STREQ(exp[n], act[n]); n++)
        ;
    fprintf(stderr, "--- %s (expected)\n+++ actual\n@@ line %zu @@\n", file, n + 1);
    for (i = n; exp[i] && i < n + 8; i++)
        fprintf(stderr, "-%s\n", exp[i]);
    for (i = n; act[i] && i < n + 8; i++)
        fprintf(stderr, "+%s\n", act[i]);
    fprintf(stderr, "(VIRTXL_REGENERATE=1 rewrites expected files for review)\n");
}


static void
vxlTestSchemaError(void *opaque, const char *fmt, ...)
{
    GString *errors = opaque;
    va_list ap;

    va_start(ap, fmt);
    g_string_append_vprintf(errors, fmt, ap);
    va_end(ap);
}


static int
vxlTestSchemaLoad(vxlTestCtx *ctx)
{
    const char *candidates[] = {
        getenv("VIRTXL_LIBVIRT_SCHEMA"),
        VXL_LIBVIRT_SCHEMA,
        "/usr/share/libvirt/schemas/domain.rng",
    };
    xmlRelaxNGParserCtxtPtr pctxt;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(candidates); i++) {
        if (candidates[i] && virFileExists(candidates[i]))
            break;
    }
    if (i == G_N_ELEMENTS(candidates)) {
        fprintf(stderr, "libvirt's domain.rng not found\n");
        return -1;
    }
    if (!(pctxt = xmlRelaxNGNewParserCtxt(candidates[i])))
        return -1;
    ctx->schema = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (!ctx->schema) {
        fprintf(stderr, "cannot load %s\n", candidates[i]);
        return -1;
    }
    return 0;
}


/* libvirt's schema knows its own namespaces only: the project's elements
 * (children of <domain> in VXL_XMLNS_URI, see src/conf/domain_xmlns.c) are
 * taken out before validating the rest; our parse hook checks them. */
static void
vxlTestDropOwnNamespace(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr n = root ? root->children : NULL;

    while (n) {
        xmlNodePtr next = n->next;

        if (n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
            STREQ((const char *)n->ns->href, VXL_XMLNS_URI)) {
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
        n = next;
    }
}


/* 0 when @xml is valid against libvirt's domain schema; else -1, and
 * when @report, the schema's complaints on stderr. */
static int
vxlTestSchemaValidate(vxlTestCtx *ctx, const char *xmlfile, const char *xml,
                      bool report)
{
    xmlDocPtr doc = xmlReadMemory(xml, strlen(xml), xmlfile, NULL, XML_PARSE_NONET);
    xmlRelaxNGValidCtxtPtr vctxt = NULL;
    int ret = -1;

    g_string_truncate(ctx->schemaErrors, 0);
    if (!doc)
        goto cleanup;
    vxlTestDropOwnNamespace(doc);
    if (!(vctxt = xmlRelaxNGNewValidCtxt(ctx->schema)))
        goto cleanup;
    xmlRelaxNGSetValidErrors(vctxt, vxlTestSchemaError, vxlTestSchemaError,
                             ctx->schemaErrors);
    if (xmlRelaxNGValidateDoc(vctxt, doc) == 0)
        ret = 0;

 cleanup:
    if (ret < 0 && report)
        fprintf(stderr, "FAIL %s: not valid against libvirt's domain schema\n%s",
                xmlfile, ctx->schemaErrors->str);
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlFreeDoc(doc);
    return ret;
}


/* What define then dumpxml keep: @def formatted, parsed again and
 * formatted again must read the same, so nothing (the project's
 * namespace included) is lost between define and start. */
static int
vxlTestRoundTrip(vxlTestCtx *ctx, const char *xmlfile, virDomainDef *def)
{
    unsigned int fmt = VIR_DOMAIN_DEF_FORMAT_INACTIVE | VIR_DOMAIN_DEF_FORMAT_SECURE;
    g_autofree char *first = virDomainDefFormat(def, ctx->xmlopt, fmt);
    g_autoptr(virDomainDef) again = NULL;
    g_autofree char *second = NULL;

    if (!first ||
        !(again = virDomainDefParseString(first, ctx->xmlopt, NULL,
                                          VIR_DOMAIN_DEF_PARSE_INACTIVE)) ||
        !(second = virDomainDefFormat(again, ctx->xmlopt, fmt))) {
        fprintf(stderr, "FAIL %s: formatting and parsing again failed: %s\n",
                xmlfile, virGetLastErrorMessage());
        return -1;
    }
    if (STRNEQ(first, second)) {
        fprintf(stderr, "FAIL %s: does not survive define and dumpxml\n", xmlfile);
        vxlTestPrintDiff(xmlfile, first, second);
        return -1;
    }
    return 0;
}


/* Parse and translate @xml: the JSON, or the error as a .err text. */
static char *
vxlTestTranslate(vxlTestCtx *ctx, const char *xmlfile, const char *xml,
                 bool *refused)
{
    g_autoptr(virDomainDef) def = NULL;
    libxl_domain_config dcfg;
    char *out = NULL;
    g_autofree char *json = NULL;

    *refused = true;
    virResetLastError();
    if (!(def = virDomainDefParseString(xml, ctx->xmlopt, NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return vxlTestErrorText();
    if (vxlTestRoundTrip(ctx, xmlfile, def) < 0)
        return g_strdup("round trip failed\n");

    libxl_domain_config_init(&dcfg);
    if (vxlTranslateDomain(def, &dcfg) < 0) {
        out = vxlTestErrorText();
    } else if (!(json = vxlTranslateConfigToJSON(&dcfg))) {
        out = vxlTestErrorText();
    } else {
        *refused = false;
        out = g_strdup_printf("%s\n", json);
    }
    libxl_domain_config_dispose(&dcfg);
    return out;
}


/*
 * For a refusal by our validators: the def parsed without validation must
 * be refused by vxlTranslateDomain() itself, with the validators' error,
 * and a config handed to it must come back untouched. (Refusals by
 * libvirt's own parser or checks are not ours to repeat.)
 */
static int
vxlTestRefusalLeavesConfig(vxlTestCtx *ctx, const char *xmlfile,
                           const char *xml)
{
    g_autoptr(virDomainDef) def = NULL;
    libxl_domain_config dcfg;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *err = NULL;
    int ret = -1;

    virResetLastError();
    if (!(def = virDomainDefParseString(xml, ctx->xmlopt, NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                        VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE)) ||
        vxlValidateDomain(def) == 0) {
        virResetLastError();
        return 0;
    }
    expected = vxlTestErrorText();

    libxl_domain_config_init(&dcfg);
    dcfg.c_info.name = g_strdup("sentinel");
    dcfg.b_info.max_memkb = 4242;
    before = vxlTranslateConfigToJSON(&dcfg);

    virResetLastError();
    if (vxlTranslateDomain(def, &dcfg) == 0) {
        fprintf(stderr, "FAIL %s: vxlTranslateDomain accepted what vxlValidateDomain refuses\n",
                xmlfile);
        goto cleanup;
    }
    err = vxlTestErrorText();
    after = vxlTranslateConfigToJSON(&dcfg);
    if (STRNEQ(err, expected)) {
        fprintf(stderr, "FAIL %s: vxlTranslateDomain refused differently from vxlValidateDomain\n",
                xmlfile);
        vxlTestPrintDiff(xmlfile, expected, err);
        goto cleanup;
    }
    if (STRNEQ_NULLABLE(before, after)) {
        fprintf(stderr, "FAIL %s: a refused translation changed the caller's config\n",
                xmlfile);
        vxlTestPrintDiff(xmlfile, NULLSTR(before), NULLSTR(after));
        goto cleanup;
    }
    ret = 0;

 cleanup:
    libxl_domain_config_dispose(&dcfg);
    virResetLastError();
    return ret;
}


static int
vxlTestWrite(const char *path, const char *text, const char *stale)
{
    g_autoptr(GError) gerr = NULL;

    if (!g_file_set_contents(path, text, -1, &gerr)) {
        fprintf(stderr, "cannot write %s: %s\n", path, gerr->message);
        return -1;
    }
    unlink(stale);
    fprintf(stderr, "regenerated %s\n", path);
    return 0;
}


static int
vxlTestCase(vxlTestCtx *ctx, const char *name)
{
    g_autofree char *xmlfile = g_strdup_printf("%s/%s.xml", ctx->dir, name);
    g_autofree char *jsonfile = g_strdup_printf("%s/%s.json", ctx->dir, name);
    g_autofree char *errfile = g_strdup_printf("%s/%s.err", ctx->dir, name);
    g_autofree char *xml = NULL;
    g_autofree char *actual = NULL;
    g_autofree char *expected = NULL;
    const char *expfile;
    bool refused;
    bool hasJSON = virFileExists(jsonfile);
    bool hasErr = virFileExists(errfile);

    if (!g_regex_match_simple("^[a-z0-9_]+(-[a-z0-9_]+)+$", name, 0, 0)) {
        fprintf(stderr, "FAIL %s: case names are <class>-<feature>[-<variant>]\n",
                xmlfile);
        return -1;
    }
    if (!g_file_get_contents(xmlfile, &xml, NULL, NULL)) {
        fprintf(stderr, "FAIL %s: cannot read\n", xmlfile);
        return -1;
    }
    if (STRPREFIX(name, "err-schema-")) {
        /* What libvirt's schema refuses but its parser takes, dropping
         * it unseen (virsh define without --validate): must be refused. */
        if (vxlTestSchemaValidate(ctx, xmlfile, xml, false) == 0) {
            fprintf(stderr, "FAIL %s: valid against libvirt's domain schema: drop 'err-schema-' from its name\n",
                    xmlfile);
            return -1;
        }
    } else if (vxlTestSchemaValidate(ctx, xmlfile, xml, true) < 0) {
        return -1;
    }

    actual = vxlTestTranslate(ctx, xmlfile, xml, &refused);
    if (STRPREFIX(name, "err-schema-") && !refused) {
        fprintf(stderr, "FAIL %s: accepted what libvirt's schema refuses\n", xmlfile);
        return -1;
    }
    expfile = refused ? errfile : jsonfile;

    if (ctx->regenerate)
        return vxlTestWrite(expfile, actual, refused ? jsonfile : errfile);

    if (hasJSON && hasErr) {
        fprintf(stderr, "FAIL %s: has both %s.json and %s.err\n", xmlfile, name, name);
        return -1;
    }
    if (!hasJSON && !hasErr) {
        fprintf(stderr, "FAIL %s: no %s.json or %s.err (VIRTXL_REGENERATE=1 writes one)\n",
                xmlfile, name, name);
        return -1;
    }
    if (refused != hasErr) {
        fprintf(stderr, "FAIL %s: expected %s, got %s:\n%s", xmlfile,
                hasErr ? "a refusal" : "a translation",
                refused ? "a refusal" : "a translation", actual);
        return -1;
    }
    if (!g_file_get_contents(expfile, &expected, NULL, NULL)) {
        fprintf(stderr, "FAIL %s: cannot read\n", expfile);
        return -1;
    }
    if (STRNEQ(expected, actual)) {
        fprintf(stderr, "FAIL %s: output differs\n", expfile);
        vxlTestPrintDiff(expfile, expected, actual);
        return -1;
    }
    if (refused && vxlTestRefusalLeavesConfig(ctx, xmlfile, xml) < 0)
        return -1;
    return 0;
}


/* Sorted case names; an expected file without its input counts as a
 * failed case. */
static GPtrArray *
vxlTestListCases(const char *dir, size_t *orphans)
{
    g_autoptr(GDir) d = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GHashTable) inputs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *cases = g_ptr_array_new_with_free_func(g_free);
    const char *ent;
    size_t i;

    *orphans = 0;
    if (!(d = g_dir_open(dir, 0, &gerr))) {
        fprintf(stderr, "cannot list %s: %s\n", dir, gerr->message);
        return cases;
    }
    while ((ent = g_dir_read_name(d))) {
        if (g_str_has_suffix(ent, ".xml")) {
            char *name = g_strndup(ent, strlen(ent) - 4);
            g_ptr_array_add(cases, name);
            g_hash_table_add(inputs, g_strdup(name));
        } else if (g_str_has_suffix(ent, ".json") || g_str_has_suffix(ent, ".err") ||
                   g_str_has_suffix(ent, ".cfg")) {
            g_ptr_array_add(others, g_strdup(ent));
        }
    }
    for (i = 0; i < others->len; i++) {
        const char *file = others->pdata[i];
        g_autofree char *name = g_strndup(file, strrchr(file, '.') - file);

        if (!g_hash_table_contains(inputs, name)) {
            fprintf(stderr, "FAIL %s/%s: no %s.xml beside it\n", dir, file, name);
            (*orphans)++;
        }
    }
    g_ptr_array_sort(cases, (GCompareFunc)virStringSortCompare);
    return cases;
}


int
main(int argc, char **argv)
{
    vxlTestCtx ctx = { 0 };
    g_autofree char *dir = NULL;
    g_autoptr(GPtrArray) cases = NULL;
    const char *srcdir = getenv("VXL_SOURCE_DIR");
    size_t orphans;
    size_t passed = 0;
    size_t i;
    int ret = EXIT_FAILURE;

    if (virInitialize() < 0) {
        fprintf(stderr, "cannot initialise libvirt\n");
        return EXIT_FAILURE;
    }
    /* The harness reports errors itself; keep libvirt's default handler
     * from printing every expected refusal. */
    virSetErrorFunc(NULL, vxlTestQuietErrors);

    dir = g_strdup_printf("%s/tests/translate", srcdir ? srcdir : VXL_SOURCE_DIR);
    ctx.dir = dir;
    ctx.regenerate = g_strcmp0(getenv("VIRTXL_REGENERATE"), "1") == 0;
    ctx.schemaErrors = g_string_new(NULL);

    if (!(ctx.xmlopt = vxlDomainXMLOptionNew()) || vxlTestSchemaLoad(&ctx) < 0)
        goto cleanup;

    cases = vxlTestListCases(dir, &orphans);
    if (argc > 1) {
        /* Run only the named cases. */
        g_ptr_array_set_size(cases, 0);
        for (i = 1; i < argc; i++)
            g_ptr_array_add(cases, g_strdup(argv[i]));
        orphans = 0;
    }

    for (i = 0; i < cases->len; i++) {
        if (vxlTestCase(&ctx, cases->pdata[i]) == 0)
            passed++;
    }

    printf("%u cases, %u passed\n", cases->len, (unsigned int)passed);
    if (orphans)
        printf("%zu expected files without an input\n", orphans);
    if (cases->len > 0 && passed == cases->len && orphans == 0)
        ret = EXIT_SUCCESS;

 cleanup:
    virObjectUnref(ctx.xmlopt);
    if (ctx.schema)
        xmlRelaxNGFree(ctx.schema);
    g_string_free(ctx.schemaErrors, TRUE);
    return ret;
}
