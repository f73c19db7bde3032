/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtxl.c: the offline command-line tool.
 *
 *   virtxl COMMAND [ARGS...]     see "virtxl help"
 */
#include "vxl_internal.h"

#include <locale.h>
#include <stdio.h>

#include "tool.h"
#include "domain_xmlopt.h"
#include "virerror.h"
#include "virgettext.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

static int vxlToolHelp(int argc, char **argv);
static int vxlToolVersion(int argc, char **argv);

static const vxlToolCommand vxlToolCommands[] = {
    { "help", "", N_("list the commands"), vxlToolHelp },
    { "version", "", N_("print the versions of virtxl, libvirt and Xen it was built with"),
      vxlToolVersion },
    { "xml2json", "FILE.xml", N_("translate domain XML to the libxl_domain_config JSON it starts"),
      vxlToolXML2JSON },
    { "xl2xml", "FILE.cfg", N_("convert an xl.cfg to domain XML; dropped keys are listed on stderr"),
      vxlToolXL2XML },
    { "xml2xl", "FILE.xml", N_("convert domain XML to an xl.cfg"), vxlToolXML2XL },
    { "xml2xml", "FILE.xml", N_("parse domain XML as the driver does and format it (for comparisons)"),
      vxlToolXML2XML },
    { "convert-dir", "DIR", N_("convert every *.cfg in DIR to DIR/*.xml, reporting per file"),
      vxlToolConvertDir },
    { "caps", "--profile P", N_("print the <capabilities> of a host profile"),
      vxlToolCaps },
    { "domcaps", "--profile P [--machine M] [--arch A]",
      N_("print the <domainCapabilities> of a host profile"), vxlToolDomCaps },
    { "host-profile", "", N_("describe this Xen host as a host profile (JSON)"),
      vxlToolHostProfile },
};

static int
vxlToolHelp(int argc, char **argv)
{
    size_t i;

    printf("%s\n\n", _("usage: virtxl COMMAND [ARGS...]"));
    for (i = 0; i < G_N_ELEMENTS(vxlToolCommands); i++) {
        g_autofree char *left = g_strdup_printf("%s %s", vxlToolCommands[i].name,
                                               vxlToolCommands[i].args);
        printf("  %-34s %s\n", left, _(vxlToolCommands[i].help));
    }
    return 0;
}

static int
vxlToolVersion(int argc, char **argv)
{
    printf("virtxl %s (built against libvirt %s and libxenlight %s)\n",
           VXL_VERSION, VXL_LIBVIRT_PACKAGE_VERSION, VXL_XENLIGHT_VERSION);
    return 0;
}

virDomainXMLOption *
vxlToolXMLOption(void)
{
    static virDomainXMLOption *xmlopt;

    if (!xmlopt)
        xmlopt = vxlDomainXMLOptionNew();
    return xmlopt;
}

void
vxlToolReportError(const char *context)
{
    virErrorPtr err = virGetLastError();

    if (err && err->code != VIR_ERR_OK)
        fprintf(stderr, "virtxl: %s: %s\n", context, err->message);
    else
        fprintf(stderr, "virtxl: %s: %s\n", context, _("failed"));
}

int
main(int argc, char **argv)
{
    size_t i;

    setlocale(LC_ALL, "");
    bindtextdomain(VXL_GETTEXT_PACKAGE, VXL_LOCALEDIR);
    if (virErrorInitialize() < 0)
        return 2;
    /* libvirt would print each error to stderr as well; we report them. */
    virSetErrorFunc(NULL, NULL);
    virLogSetDefaultPriority(VIR_LOG_ERROR);
    virLogSetOutputs("");

    if (argc < 2) {
        vxlToolHelp(0, NULL);
        return 2;
    }
    for (i = 0; i < G_N_ELEMENTS(vxlToolCommands); i++) {
        if (STREQ(argv[1], vxlToolCommands[i].name))
            return vxlToolCommands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, _("virtxl: unknown command '%s'; try 'virtxl help'\n"), argv[1]);
    return 2;
}
