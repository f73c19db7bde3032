/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_domain.c: a whole domain, class by class.
 *
 * The registry below is the list of translator classes. Adding a device
 * class is adding a translate_<class>.c with its two hooks (see
 * translate_private.h) and one line here.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "util_enums.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

typedef struct _vxlTranslateClass vxlTranslateClass;
struct _vxlTranslateClass {
    const char *name;
    int (*validate)(const virDomainDef *def);
    int (*translate)(const virDomainDef *def, libxl_domain_config *dcfg);
};

/* Order matters: "basic" sets the guest type, which initialises b_info's
 * per-type union that "boot" fills, and which the device classes consult
 * (emulated or PV NICs, IDE limits). */
static const vxlTranslateClass vxlTranslateClasses[] = {
    { .name = "basic", .validate = vxlValidateBasic, .translate = vxlTranslateBasic },
    { .name = "boot", .validate = vxlValidateBoot, .translate = vxlTranslateBoot },
    { .name = "disk", .validate = vxlValidateDiskList, .translate = vxlTranslateDiskList },
    { .name = "net", .validate = vxlValidateNetList, .translate = vxlTranslateNetList },
    { .name = "cpu", .validate = vxlValidateCpu, .translate = vxlTranslateCpu },
    { .name = "features", .validate = vxlValidateFeatures, .translate = vxlTranslateFeatures },
    { .name = "gfx", .validate = vxlValidateGfx, .translate = vxlTranslateGfx },
    { .name = "chardev", .validate = vxlValidateChardev, .translate = vxlTranslateChardev },
    { .name = "hostdev", .validate = vxlValidateHostdevList, .translate = vxlTranslateHostdevList },
    { .name = "misc", .validate = vxlValidateMisc, .translate = vxlTranslateMisc },
    { .name = "xmlns", .validate = vxlValidateXMLNS, .translate = vxlTranslateXMLNS },
};


int
vxlValidateDomain(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vxlTranslateClasses); i++) {
        if (vxlTranslateClasses[i].validate(def) < 0)
            return -1;
    }
    return 0;
}


void
vxlTranslateNotes(const virDomainDef *def)
{
    vxlNotesFeatures(def);
    vxlNotesGfx(def);
    vxlNotesChardev(def);
}


/*
 * The hand-over: everything is built into @local, which is ours alone.
 * On failure @local is disposed and @dcfg never touched. On success
 * @dcfg's old contents (normally just _init'ed, so nothing) are disposed
 * and @local's bytes are moved into @dcfg with a plain struct copy; every
 * pointer in it now belongs to @dcfg, so @local is re-initialised (not
 * disposed) to forget them.
 */
int
vxlTranslateDomain(const virDomainDef *def, libxl_domain_config *dcfg)
{
    libxl_domain_config local;
    size_t i;

    libxl_domain_config_init(&local);

    for (i = 0; i < G_N_ELEMENTS(vxlTranslateClasses); i++) {
        if (vxlTranslateClasses[i].translate(def, &local) < 0) {
            libxl_domain_config_dispose(&local);
            return -1;
        }
    }

    libxl_domain_config_dispose(dcfg);
    *dcfg = local;
    libxl_domain_config_init(&local);
    return 0;
}


int
vxlTranslateDomainType(const virDomainDef *def)
{
    return vxlEnumVirToXl(&vxlEnumDomainType, def->os.type);
}
