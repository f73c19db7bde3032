/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_save_params.c: save and restore with typed parameters
 * (virDomainSaveParams, virDomainRestoreParams: what virsh save and
 * restore use when given no more than a file and an XML). They read the
 * parameters and save or restore as driver_save.c's entry points do,
 * through the same domain/ code, so a save made either way is the same
 * image.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "domain_save.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

#define VXL_SAVE_PARAMS_FLAGS (VIR_DOMAIN_SAVE_BYPASS_CACHE | \
                               VIR_DOMAIN_SAVE_RUNNING | \
                               VIR_DOMAIN_SAVE_PAUSED)

/* The file and XML of @params; both may be absent. */
static int
vxlSaveParamsRead(virTypedParameterPtr params, int nparams,
                  const char **file, const char **dxml)
{
    *file = NULL;
    *dxml = NULL;
    if (virTypedParamsValidate(params, nparams,
                               VIR_DOMAIN_SAVE_PARAM_FILE, VIR_TYPED_PARAM_STRING,
                               VIR_DOMAIN_SAVE_PARAM_DXML, VIR_TYPED_PARAM_STRING,
                               NULL) < 0)
        return -1;
    if (virTypedParamsGetString(params, nparams, VIR_DOMAIN_SAVE_PARAM_FILE,
                                file) < 0 ||
        virTypedParamsGetString(params, nparams, VIR_DOMAIN_SAVE_PARAM_DXML,
                                dxml) < 0)
        return -1;
    return 0;
}

int
vxlDomainSaveParams(virDomainPtr dom, virTypedParameterPtr params,
                    int nparams, unsigned int flags)
{
    const char *file;
    const char *dxml;

    virCheckFlags(VXL_SAVE_PARAMS_FLAGS, -1);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SAVE_RUNNING, VIR_DOMAIN_SAVE_PAUSED, -1);
    if (vxlSaveParamsRead(params, nparams, &file, &dxml) < 0)
        return -1;
    /* Without a file, libvirt's API makes this a managed save. */
    return vxlDomainSaveEntry(dom, virDomainSaveParamsEnsureACL, file, dxml,
                              flags);
}

int
vxlDomainRestoreParams(virConnectPtr conn, virTypedParameterPtr params,
                       int nparams, unsigned int flags)
{
    const char *file;
    const char *dxml;

    virCheckFlags(VXL_SAVE_PARAMS_FLAGS, -1);
    if (vxlSaveParamsRead(params, nparams, &file, &dxml) < 0)
        return -1;
    if (!file) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a restore needs the save image's file name (parameter 'file')"));
        return -1;
    }
    return vxlDomainRestoreFlags(conn, file, dxml, flags);
}
