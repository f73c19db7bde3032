/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_json.h: libxl's generated *_gen_json functions, as strings.
 *
 * libxl_*_to_json() want a libxl_ctx, and a libxl_ctx wants a running
 * Xen. The generators underneath only need a yajl handle, so this wraps
 * them for the translators' golden tests, the offline tool and the
 * simulator, none of which may require a hypervisor.
 */
#pragma once

#include <yajl/yajl_gen.h>

typedef yajl_gen_status (*vxlJSONGenFunc)(yajl_gen hand, void *obj);

/* Pretty-printed JSON of @obj (4-space indent, as xl prints it), or NULL
 * with an error reported. */
char *vxlJSONGenerate(vxlJSONGenFunc gen, void *obj);
