/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_error.c: libxl's ERROR_* codes as libvirt errors, in one place.
 *
 * The mapping follows the table at the end of include/virtxl/backend.h,
 * so that a condition raises the same VIR_ERR_* here as in the
 * simulator. The message says what failed, libxl's name for the code,
 * and the last error libxl logged on this thread, which is usually the
 * only place the real cause is spelled out.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlXenErrorCode(int rc)
{
    switch (rc) {
    case ERROR_DOMAIN_NOTFOUND:
    case ERROR_DOMAIN_DESTROYED:
        return VIR_ERR_NO_DOMAIN;
    case ERROR_NOMEM:
        return VIR_ERR_NO_MEMORY;
    case ERROR_NI:
    case ERROR_FEATURE_REMOVED:
        return VIR_ERR_NO_SUPPORT;
    case ERROR_NOPARAVIRT:
    case ERROR_NOT_READY:
        return VIR_ERR_OPERATION_INVALID;
    case ERROR_INVAL:
        return VIR_ERR_INVALID_ARG;
    case ERROR_ABORTED:
        return VIR_ERR_OPERATION_ABORTED;
    default:
        return VIR_ERR_INTERNAL_ERROR;
    }
}

void
vxlXenReportError(int rc, const char *what)
{
    const char *detail = vxlXenLogLastError();
    const char *name = libxl_error_to_string(rc);
    g_autofree char *cause = NULL;

    /* @what says what failed, @cause why: each a whole sentence of its
     * own for the translator. */
    if (detail)
        cause = g_strdup_printf(_("libxl reported error %d (%s): %s"),
                                rc, NULLSTR(name), detail);
    else
        cause = g_strdup_printf(_("libxl reported error %d (%s)"),
                                rc, NULLSTR(name));
    virReportError(vxlXenErrorCode(rc), "%s: %s", what, cause);
}
