/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_read.c: an xl.cfg file, as Xen's libxlutil reads it.
 *
 * libxlutil parses the text and answers for values; it cannot list the
 * keys a file sets, so a small scanner finds each assignment and its
 * line. Every typed read marks its key used, so that whatever is left
 * at the end was not converted and is reported, never dropped silently.
 */
#include "vxl_internal.h"

#include <stdio.h>
#include <errno.h>

#include "native_private.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


static void
vxlNativeKeyFree(void *opaque)
{
    vxlNativeKey *key = opaque;

    g_free(key->name);
    g_free(key);
}


/*
 * Find "NAME =" and "NAME +=" at the start of each statement of the
 * grammar libxlutil implements (tools/libs/util/libxlu_cfg_l.l): a
 * statement ends at a newline or ';' outside brackets; strings are
 * quoted with ' or " (with backslash escapes); '#' starts a comment.
 * Anything the scanner cannot make sense of, libxlutil has already
 * refused, since this runs only on text it parsed.
 */
static void
vxlNativeScanKeys(vxlNativeReader *r, const char *data, size_t len)
{
    size_t i = 0;
    int line = 1;
    int depth = 0;
    bool atStart = true;

    while (i < len) {
        char c = data[i];

        if (c == '\n') {
            line++;
            i++;
            if (depth == 0)
                atStart = true;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            i++;
            continue;
        }
        if (c == '#') {
            while (i < len && data[i] != '\n')
                i++;
            continue;
        }
        if (c == '\'' || c == '"') {
            char quote = c;

            i++;
            while (i < len && data[i] != quote) {
                if (data[i] == '\\' && i + 1 < len)
                    i++;
                if (data[i] == '\n')
                    line++;
                i++;
            }
            i++;
            atStart = false;
            continue;
        }
        if (c == '[') {
            depth++;
            i++;
            continue;
        }
        if (c == ']') {
            if (depth > 0)
                depth--;
            i++;
            continue;
        }
        if (c == ';' && depth == 0) {
            atStart = true;
            i++;
            continue;
        }
        if (atStart && (g_ascii_isalpha(c) || c == '_')) {
            size_t start = i;
            size_t end;
            size_t j;

            while (i < len && (g_ascii_isalnum(data[i]) || data[i] == '_' ||
                               data[i] == '.'))
                i++;
            end = i;
            j = i;
            while (j < len && (data[j] == ' ' || data[j] == '\t'))
                j++;
            if (j < len && (data[j] == '=' ||
                            (data[j] == '+' && j + 1 < len && data[j + 1] == '='))) {
                vxlNativeKey *key = g_new0(vxlNativeKey, 1);

                key->name = g_strndup(data + start, end - start);
                key->line = line;
                g_ptr_array_add(r->keys, key);
            }
            atStart = false;
            continue;
        }
        atStart = false;
        i++;
    }
}


/* libxlutil's own complaint, without its trailing newline. */
static char *
vxlNativeReportText(vxlNativeReader *r)
{
    g_autofree char *text = NULL;

    fflush(r->report);
    text = g_strndup(r->reportBuf ? r->reportBuf : "", r->reportLen);
    g_strstrip(text);
    return g_steal_pointer(&text);
}


/* The first KEY = -N of @data (a negative number where xl's lexer
 * takes none: it knows digits only, so xl refuses such a file with a
 * lexical error that names neither the key nor the reason). Its line,
 * or 0. */
static int
vxlNativeNegativeNumber(const char *data, size_t len, char **key, char **number)
{
    g_autofree char *text = g_strndup(data, len);
    g_autoptr(GRegex) re = g_regex_new("^[ \\t]*([A-Za-z_][A-Za-z0-9_]*)[ \\t]*\\+?=[ \\t]*(-[0-9][0-9A-Za-z.]*)",
                                       G_REGEX_MULTILINE, 0, NULL);
    g_autoptr(GMatchInfo) m = NULL;
    int start = 0;
    const char *p;
    int line = 1;

    if (!re || !g_regex_match(re, text, 0, &m))
        return 0;
    *key = g_match_info_fetch(m, 1);
    *number = g_match_info_fetch(m, 2);
    ignore_value(g_match_info_fetch_pos(m, 0, &start, NULL));
    for (p = text; p < text + start; p++)
        line += *p == '\n';
    return line;
}


int
vxlNativeReaderOpen(vxlNativeReader *r, const char *data, size_t len,
                    const char *source, GPtrArray *warnings)
{
    const char *nul;
    int rc;

    memset(r, 0, sizeof(*r));
    r->source = source;
    r->warnings = warnings;
    r->keys = g_ptr_array_new_with_free_func(vxlNativeKeyFree);
    r->nsPcis = g_ptr_array_new_with_free_func(g_free);
    r->nsDisks = g_ptr_array_new_with_free_func(g_free);
    r->nsNics = g_ptr_array_new_with_free_func(g_free);
    r->nsLines = g_ptr_array_new_with_free_func(g_free);
    r->type = -1;

    if (len > INT_MAX) {
        virReportError(VIR_ERR_CONF_SYNTAX, _("%s: too large for an xl.cfg"), source);
        return -1;
    }
    /* libxlutil's lexer asserts (aborting the daemon) on a NUL inside a
     * quoted string, and xl.cfg is text: refuse it here, with its line. */
    if ((nul = memchr(data, '\0', len))) {
        const char *p;
        int line = 1;

        for (p = data; p < nul; p++)
            line += *p == '\n';
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s:%d: malformed xl.cfg: a NUL byte, not text"),
                       source, line);
        return -1;
    }
    if (!(r->report = open_memstream(&r->reportBuf, &r->reportLen)) ||
        !(r->xlu = xlu_cfg_init(r->report, source))) {
        virReportSystemError(errno, "%s", _("cannot set up libxlutil's parser"));
        return -1;
    }

    if ((rc = xlu_cfg_readdata(r->xlu, data, len)) != 0) {
        g_autofree char *why = vxlNativeReportText(r);
        g_autofree char *key = NULL;
        g_autofree char *number = NULL;
        int line;

        if ((line = vxlNativeNegativeNumber(data, len, &key, &number)) > 0) {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("%s:%d: %s = %s: xl.cfg's grammar has no negative numbers, so xl refuses the file; write it as a string, \"%s\", which xl reads as that number"),
                           source, line, key, number, number);
            return -1;
        }

        /* libxlutil's message names file and line already. */
        virReportError(VIR_ERR_CONF_SYNTAX, _("malformed xl.cfg: %s"),
                       *why ? why : g_strerror(rc));
        return -1;
    }

    vxlNativeScanKeys(r, data, len);
    return 0;
}


void
vxlNativeReaderClose(vxlNativeReader *r)
{
    if (r->xlu)
        xlu_cfg_destroy(r->xlu);
    r->xlu = NULL;
    if (r->report)
        fclose(r->report);
    r->report = NULL;
    g_clear_pointer(&r->reportBuf, free);
    g_clear_pointer(&r->keys, g_ptr_array_unref);
    g_clear_pointer(&r->nsPcis, g_ptr_array_unref);
    g_clear_pointer(&r->nsDisks, g_ptr_array_unref);
    g_clear_pointer(&r->nsNics, g_ptr_array_unref);
    g_clear_pointer(&r->nsLines, g_ptr_array_unref);
}


/* The last assignment of @key (the one xl uses), or NULL. */
static vxlNativeKey *
vxlNativeKeyLast(vxlNativeReader *r, const char *key)
{
    vxlNativeKey *last = NULL;
    size_t i;

    for (i = 0; i < r->keys->len; i++) {
        vxlNativeKey *k = g_ptr_array_index(r->keys, i);

        if (STREQ(k->name, key))
            last = k;
    }
    return last;
}


int
vxlNativeKeyLine(vxlNativeReader *r, const char *key)
{
    vxlNativeKey *k = vxlNativeKeyLast(r, key);

    return k ? k->line : 0;
}


bool
vxlNativeHas(vxlNativeReader *r, const char *key)
{
    return vxlNativeKeyLine(r, key) > 0;
}


void
vxlNativeMarkUsed(vxlNativeReader *r, const char *key)
{
    size_t i;

    for (i = 0; i < r->keys->len; i++) {
        vxlNativeKey *k = g_ptr_array_index(r->keys, i);

        if (STREQ(k->name, key))
            k->used = true;
    }
}


static char *
vxlNativeWhere(vxlNativeReader *r, const char *key)
{
    int line = vxlNativeKeyLine(r, key);

    if (line > 0)
        return g_strdup_printf("%s:%d: %s", r->source, line, key);
    return g_strdup_printf("%s: %s", r->source, key);
}


void
vxlNativeWarn(vxlNativeReader *r, const char *key, const char *fmt, ...)
{
    g_autofree char *where = vxlNativeWhere(r, key);
    g_autofree char *what = NULL;
    va_list ap;

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    vxlNativeMarkUsed(r, key);
    /* Each warning is said once by its reader (a key read in two places
     * says why it is not a number once: vxlNativeWarnNotNumber); the
     * corpora check that no line comes twice (check-corpus). */
    if (r->warnings)
        g_ptr_array_add(r->warnings, g_strdup_printf("%s: %s", where, what));
}


/* Report @code for @key (where it is, then what is wrong). */
static void
vxlNativeReportV(vxlNativeReader *r, int code, const char *key,
                 const char *fmt, va_list ap)
{
    g_autofree char *where = vxlNativeWhere(r, key);
    g_autofree char *what = g_strdup_vprintf(fmt, ap);

    virReportError(code, "%s: %s", where, what);
}


void
vxlNativeError(vxlNativeReader *r, const char *key, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vxlNativeReportV(r, VIR_ERR_CONF_SYNTAX, key, fmt, ap);
    va_end(ap);
}


/* As vxlNativeError, for a key xl reads but Xen cannot do: xl create
 * would fail on it, so the conversion does. */
void
vxlNativeUnsupported(vxlNativeReader *r, const char *key, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vxlNativeReportV(r, VIR_ERR_CONFIG_UNSUPPORTED, key, fmt, ap);
    va_end(ap);
}


int
vxlNativeGetString(vxlNativeReader *r, const char *key, const char **value)
{
    int rc;

    *value = NULL;
    vxlNativeMarkUsed(r, key);
    rc = xlu_cfg_get_string(r->xlu, key, value, 1);
    if (rc == ESRCH)
        return 0;
    if (rc != 0) {
        vxlNativeError(r, key, "%s", _("expected a string, not a list"));
        return -1;
    }
    return 1;
}


/*
 * Why libxlutil did not read @key as a number (@rc from
 * xlu_cfg_get_long), in xl's terms. xl names the same reasons.
 */
static void
vxlNativeWarnNotNumber(vxlNativeReader *r, const char *key, int rc)
{
    const char *str = NULL;
    char *end = NULL;
    vxlNativeKey *k = vxlNativeKeyLast(r, key);

    /* Read twice (spice=, pae=, spiceusbredirection=: by each feature
     * that depends on it), said once. */
    if (k) {
        if (k->notNumberSaid)
            return;
        k->notNumberSaid = true;
    }
    xlu_cfg_get_string(r->xlu, key, &str, 1);
    if (!str) {
        vxlNativeWarn(r, key, "%s",
                      _("a list where xl reads a number: xl warns and ignores it, so libxl's default applies"));
        return;
    }
    if (rc == ERANGE) {
        vxlNativeWarn(r, key,
                      _("'%s' is out of the range of a number: xl warns and ignores it, so libxl's default applies"),
                      str);
        return;
    }
    /* A number that libxlutil still refuses was given with '+=' */
    errno = 0;
    ignore_value(strtol(str, &end, 0));
    if (errno == 0 && end != str && *end == '\0') {
        vxlNativeWarn(r, key,
                      _("'+= %s': xl adds to strings only, so it warns and ignores the key, and libxl's default applies"),
                      str);
        return;
    }
    vxlNativeWarn(r, key,
                  _("'%s' is not a number: xl warns and ignores it, so libxl's default applies"),
                  str);
}


/*
 * xl reads nearly every number with xlu_cfg_get_long and goes on
 * without it when that fails (xl_parse.c's `if (!xlu_cfg_get_long(...))`):
 * a value that is not a number is warned about and the key is as good
 * as absent. So here: warned with xl's reason, and 0 (absent) returned.
 */
int
vxlNativeGetLong(vxlNativeReader *r, const char *key, long *value)
{
    int rc;

    vxlNativeMarkUsed(r, key);
    rc = xlu_cfg_get_long(r->xlu, key, value, 1);
    if (rc == ESRCH)
        return 0;
    if (rc != 0) {
        vxlNativeWarnNotNumber(r, key, rc);
        return 0;
    }
    return 1;
}


/*
 * The few keys xl reads with xlu_cfg_get_bounded_long and exits on
 * when that fails (the grant table limits): anything but a number in
 * [@min, @max] makes xl create fail, so it is refused here.
 */
int
vxlNativeGetBoundedLong(vxlNativeReader *r, const char *key,
                        long min, long max, long *value)
{
    const char *str = NULL;
    int rc;

    vxlNativeMarkUsed(r, key);
    rc = xlu_cfg_get_bounded_long(r->xlu, key, min, max, value, 1);
    if (rc == ESRCH)
        return 0;
    if (rc != 0) {
        xlu_cfg_get_string(r->xlu, key, &str, 1);
        if (str)
            vxlNativeError(r, key,
                           _("expected a number from %ld to %ld, not '%s': xl create fails on it"),
                           min, max, str);
        else
            vxlNativeError(r, key,
                           _("expected a number from %ld to %ld, not a list: xl create fails on it"),
                           min, max);
        return -1;
    }
    return 1;
}


/* xl's booleans are numbers, 0 or anything else (xlu_cfg_get_defbool). */
int
vxlNativeGetBool(vxlNativeReader *r, const char *key, bool *value)
{
    long l;
    int rc;

    if ((rc = vxlNativeGetLong(r, key, &l)) <= 0)
        return rc;
    *value = l != 0;
    return 1;
}


int
vxlNativeGetList(vxlNativeReader *r, const char *key,
                 XLU_ConfigList **list, int *n)
{
    int rc;

    *list = NULL;
    *n = 0;
    vxlNativeMarkUsed(r, key);
    rc = xlu_cfg_get_list(r->xlu, key, list, n, 1);
    if (rc == ESRCH)
        return 0;
    if (rc != 0) {
        vxlNativeError(r, key, "%s", _("expected a list [ ... ]"));
        return -1;
    }
    return 1;
}


int
vxlNativeGetStringOrList(vxlNativeReader *r, const char *key, GPtrArray *items)
{
    XLU_ConfigList *list = NULL;
    const char *str = NULL;
    int n = 0;
    int i;

    vxlNativeMarkUsed(r, key);
    if (xlu_cfg_get_list(r->xlu, key, &list, &n, 1) == 0) {
        for (i = 0; i < n; i++) {
            const char *item = xlu_cfg_get_listitem(list, i);

            if (!item) {
                vxlNativeError(r, key, _("item %d is a list, expected a string"), i + 1);
                return -1;
            }
            g_ptr_array_add(items, (char *)item);
        }
        return 1;
    }
    if (xlu_cfg_get_string(r->xlu, key, &str, 1) == 0) {
        g_ptr_array_add(items, (char *)str);
        return 1;
    }
    return 0;
}


void
vxlNativeWarnUnused(vxlNativeReader *r)
{
    size_t i;

    for (i = 0; i < r->keys->len; i++) {
        vxlNativeKey *k = g_ptr_array_index(r->keys, i);
        const vxlNativeKeyInfo *info;

        if (k->used)
            continue;
        k->used = true;
        if (!r->warnings)
            continue;
        info = vxlNativeKeyInfoFind(k->name);
        if (!info)
            g_ptr_array_add(r->warnings,
                            g_strdup_printf(_("%s:%d: %s: dropped: not a key of xl.cfg(5), which xl ignores too"),
                                            r->source, k->line, k->name));
        else if (info->xlIgnores)
            g_ptr_array_add(r->warnings,
                            g_strdup_printf(_("%s:%d: %s: ignored: %s"),
                                            r->source, k->line, k->name, _(info->dropped)));
        else
            g_ptr_array_add(r->warnings,
                            g_strdup_printf(_("%s:%d: %s: dropped: %s"),
                                            r->source, k->line, k->name,
                                            info->dropped ? _(info->dropped) :
                                            _("not applicable to this guest type")));
    }
}


GStrv
vxlNativeSplitSpec(const char *spec, char sep)
{
    char seps[2] = { sep, 0 };
    g_auto(GStrv) parts = g_strsplit(spec, seps, -1);
    GPtrArray *out = g_ptr_array_new();
    size_t i;

    for (i = 0; parts[i]; i++) {
        g_strstrip(parts[i]);
        if (*parts[i])
            g_ptr_array_add(out, g_strdup(parts[i]));
    }
    g_ptr_array_add(out, NULL);
    return (GStrv)g_ptr_array_free(out, FALSE);
}
