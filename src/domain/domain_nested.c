/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_nested.c: libxl.conf's nested_hvm, the host's default for
 * nested HVM.
 *
 * With nested_hvm = 1, a host-passthrough guest (HVM or PVH) whose <cpu>
 * says nothing of vmx or svm gets nested HVM when the host's CPU has
 * hardware virtualization, as libvirt's own libxl driver does; a vmx or
 * svm <feature> always decides for itself. The translators stay pure: the
 * host and the daemon's configuration are applied here, at start.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virtxl/backend.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_nested");

int
vxlDomainNestedDefault(vxlDriver *driver, virDomainObj *vm,
                       libxl_domain_config *dcfg)
{
    const virDomainDef *def = vm->def;
    vxlHostFacts facts = { 0 };
    bool hwVirt = false;
    size_t i;
    int rc;

    if (!driver->cfg->nestedHVM ||
        (def->os.type != VIR_DOMAIN_OSTYPE_HVM &&
         def->os.type != VIR_DOMAIN_OSTYPE_XENPVH) ||
        !def->cpu || def->cpu->mode != VIR_CPU_MODE_HOST_PASSTHROUGH ||
        !libxl_defbool_is_default(dcfg->b_info.nested_hvm))
        return 0;

    vxlDomainBackendEnter(vm);
    rc = vxlBackendHostGetFacts(driver->backend, &facts);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    for (i = 0; facts.cpuFeatures && facts.cpuFeatures[i]; i++) {
        if (STREQ(facts.cpuFeatures[i], "vmx") || STREQ(facts.cpuFeatures[i], "svm"))
            hwVirt = true;
    }
    vxlHostFactsClear(&facts);

    VIR_DEBUG("nested_hvm: domain %s gets nested HVM %s", def->name,
              hwVirt ? "on" : "off (the host CPU has no vmx or svm)");
    libxl_defbool_set(&dcfg->b_info.nested_hvm, hwVirt);
    return 0;
}
