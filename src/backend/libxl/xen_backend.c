/*
 * xen_backend.c: the real hypervisor, through libxenlight.
 *
 * This file holds the entry table and the checks made before any libxl
 * call: libxl_ctx_alloc() on a machine without Xen logs a cascade of
 * errors from xencall/xenstore and fails with a bare ERROR_FAIL, which
 * tells a user nothing. We look for the hypervisor ourselves first and
 * say what is missing and how to use the simulator instead.
 *
 * Domain operations through libxl are the subject of issue 6; until they
 * exist, their hooks are absent and backend.c answers VIR_ERR_NO_SUPPORT.
 */
#include "vxl_internal.h"

#include <unistd.h>

#include "virtxl/backend.h"
#include "backend_impl.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_backend");

#define VXL_XEN_CAPS_FILE "/proc/xen/capabilities"
#define VXL_XEN_PRIVCMD "/dev/xen/privcmd"
#define VXL_XEN_SIM_HINT \
    "to use the built-in simulator instead, set backend = \"sim\" in the driver's libxl.conf"

/*
 * Xen is usable from here when we are dom0 (the capabilities file says
 * "control_d") and the privcmd device exists. A domU or bare metal has
 * neither.
 */
static int
vxlXenCheckPresent(void)
{
    g_autofree char *caps = NULL;

    if (!virFileExists(VXL_XEN_CAPS_FILE)) {
        virReportError(VIR_ERR_NO_SUPPORT,
                       _("no Xen hypervisor found: %s does not exist (this machine is not running on Xen); %s"),
                       VXL_XEN_CAPS_FILE, VXL_XEN_SIM_HINT);
        return -1;
    }
    if (virFileReadAll(VXL_XEN_CAPS_FILE, 1024, &caps) < 0)
        return -1;
    if (!strstr(caps, "control_d")) {
        virReportError(VIR_ERR_NO_SUPPORT,
                       _("this machine runs on Xen but is not its control domain (dom0): %s lacks 'control_d'; %s"),
                       VXL_XEN_CAPS_FILE, VXL_XEN_SIM_HINT);
        return -1;
    }
    if (access(VXL_XEN_PRIVCMD, R_OK | W_OK) < 0) {
        virReportSystemError(errno,
                             _("Xen found, but %s is not accessible (is the xen-privcmd module loaded?)"),
                             VXL_XEN_PRIVCMD);
        return -1;
    }
    return 0;
}

static int
vxlXenOpen(vxlBackend *be, const vxlBackendConfig *cfg)
{
    if (vxlXenCheckPresent() < 0)
        return -1;

    virReportError(VIR_ERR_NO_SUPPORT, "%s",
                   _("Xen found, but managing real Xen domains is not implemented yet in this build; "
                     VXL_XEN_SIM_HINT));
    return -1;
}

static void
vxlXenClose(vxlBackend *be)
{
}

const vxlBackendOps vxlXenBackendOps = {
    .name = "libxl",
    .open = vxlXenOpen,
    .close = vxlXenClose,
};
