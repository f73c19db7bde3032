/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tool_translate.c: virtxl xml2json FILE.xml
 *
 * What the driver would hand libxl to start this domain, without a
 * daemon: parse with the driver's own parser config, translate, print.
 *
 * There is no host: xl's host NUMA node lists (<virtxl:cpus_nodes>,
 * <virtxl:cpus_soft nodeset|list>) stand for every CPU, unless
 * VIRTXL_XML2JSON_HOST_NODES gives a host to resolve them against as a
 * start does, one CPU list per node, ';' between nodes ("0-7;8-15"):
 * the differential test against xl (tests/native/check-xl) sets it to
 * its dry-run host's. Against that host, as a start does, a hard
 * affinity with none of its CPUs is refused (xl refuses it too: "vcpu
 * hard affinity map is empty") and CPUs it lacks are cut (libxl drops
 * them as it copies the maps).
 */
#include "vxl_internal.h"

#include <stdio.h>

#include "tool.h"
#include "translate.h"
#include "virfile.h"
#include "virbitmap.h"
#include "domain_xmlns.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* Resolve @def's node lists and CPU maps against the host in @spec
 * (see above). */
static int
vxlToolResolveHostNodes(virDomainDef *def, const char *spec)
{
    g_auto(GStrv) nodes = g_strsplit(spec, ";", 0);
    virBitmap *nodeCpus[VXL_XMLNS_NODES_MAX] = { NULL };
    unsigned int ncpus = 0;
    size_t i;
    int ret = -1;

    for (i = 0; nodes[i] && i < G_N_ELEMENTS(nodeCpus); i++) {
        if (virBitmapParse(nodes[i], &nodeCpus[i], VXL_XMLNS_CPUS_ALL) < 0)
            goto cleanup;
        ncpus = MAX(ncpus, (unsigned int)virBitmapLastSetBit(nodeCpus[i]) + 1);
    }
    if (vxlXMLNSCpusResolveNodes(def, nodeCpus, i, ncpus) < 0 ||
        vxlXMLNSCpusHostCheck(def, ncpus) < 0)
        goto cleanup;
    vxlXMLNSCpusHostCut(def, ncpus);
    ret = 0;

 cleanup:
    for (i = 0; i < G_N_ELEMENTS(nodeCpus); i++)
        virBitmapFree(nodeCpus[i]);
    return ret;
}


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
        (g_getenv("VIRTXL_XML2JSON_HOST_NODES") &&
         vxlToolResolveHostNodes(def, g_getenv("VIRTXL_XML2JSON_HOST_NODES")) < 0) ||
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
