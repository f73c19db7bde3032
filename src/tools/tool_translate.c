/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tool_translate.c: virtxl xml2json FILE.xml
 *
 * What the driver would hand libxl to start this domain, without a
 * daemon: parse with the driver's own parser config, translate, print.
 */
#include "vxl_internal.h"

#include <stdio.h>

#include "tool.h"
#include "translate.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlToolXML2JSON(int argc, char **argv)
{
    g_autofree char *xml = NULL;
    g_autofree char *json = NULL;
    g_autoptr(virDomainDef) def = NULL;
    libxl_domain_config dcfg;
    int ret = 1;

    if (argc != 2) {
        fprintf(stderr, "%s\n", _("usage: virtxl xml2json FILE.xml"));
        return 2;
    }
    if (virFileReadAll(argv[1], 10 * 1024 * 1024, &xml) < 0) {
        vxlToolReportError(argv[1]);
        return 1;
    }
    libxl_domain_config_init(&dcfg);
    if (!(def = virDomainDefParseString(xml, vxlToolXMLOption(), NULL,
                                        VIR_DOMAIN_DEF_PARSE_INACTIVE)) ||
        vxlTranslateDomain(def, &dcfg) < 0 ||
        !(json = vxlTranslateConfigToJSON(&dcfg))) {
        vxlToolReportError(argv[1]);
        goto cleanup;
    }
    printf("%s\n", json);
    ret = 0;

 cleanup:
    libxl_domain_config_dispose(&dcfg);
    return ret;
}
