/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_request.c: which way a shutdown or reboot request reaches a
 * guest, decided once for both backends so that they refuse alike.
 *
 * Xen has two ways to ask a guest to stop. The PV control node
 * (xenstore control/shutdown) works for every guest type, once the
 * guest runs PV drivers: a PV or PVH kernel always does (it watches the
 * node from early boot), an HVM guest only with PV drivers loaded. The
 * ACPI power button exists only for HVM guests, whose device model
 * emulates the ACPI hardware; it can only ask for a power off, since a
 * reset trigger restarts the guest in place, without the shutdown event
 * that the driver's on_reboot needs.
 */
#include "vxl_internal.h"

#include "virtxl/backend.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlBackendRequestPlan(const char *name, uint32_t domid,
                      libxl_domain_type type, bool reboot,
                      unsigned int modes, bool *pv, bool *acpi)
{
    if (modes == 0)
        modes = VXL_REQUEST_PARAVIRT | VXL_REQUEST_ACPI;

    *pv = !!(modes & VXL_REQUEST_PARAVIRT);
    *acpi = (modes & VXL_REQUEST_ACPI) && !reboot &&
            type == LIBXL_DOMAIN_TYPE_HVM;
    if (*pv || *acpi)
        return 0;

    /* Only the power button was allowed, and it cannot do this. */
    if (reboot) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot reboot domain '%s' (id %u) with the ACPI power button: Xen asks a guest to reboot only through its PV control node"),
                       name, domid);
    } else {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot shut down domain '%s' (id %u) with the ACPI power button: only HVM guests have one, this is a %s guest"),
                       name, domid, NULLSTR(libxl_domain_type_to_string(type)));
    }
    return -1;
}
