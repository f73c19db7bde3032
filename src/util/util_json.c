/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_json.c: run a libxl JSON generator without a libxl_ctx.
 */
#include "vxl_internal.h"

#include "util_json.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

char *
vxlJSONGenerate(vxlJSONGenFunc gen, void *obj)
{
    yajl_gen hand;
    const unsigned char *buf;
    size_t len;
    char *ret = NULL;

    if (!(hand = yajl_gen_alloc(NULL))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot allocate a JSON generator"));
        return NULL;
    }
    yajl_gen_config(hand, yajl_gen_beautify, 1);
    yajl_gen_config(hand, yajl_gen_indent_string, "    ");

    if (gen(hand, obj) != yajl_gen_status_ok ||
        yajl_gen_get_buf(hand, &buf, &len) != yajl_gen_status_ok) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot format libxl configuration as JSON"));
        goto cleanup;
    }
    ret = g_strndup((const char *)buf, len);

 cleanup:
    yajl_gen_free(hand);
    return ret;
}
