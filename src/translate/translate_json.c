/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_json.c: a libxl_domain_config as the JSON xl prints.
 */
#include "vxl_internal.h"

#include "translate.h"
#include "util_json.h"
#include <_libxl_types_json.h>

static yajl_gen_status
vxlTranslateGenConfig(yajl_gen hand, void *obj)
{
    return libxl_domain_config_gen_json(hand, obj);
}

char *
vxlTranslateConfigToJSON(libxl_domain_config *dcfg)
{
    return vxlJSONGenerate(vxlTranslateGenConfig, dcfg);
}
