/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_caps.c: <capabilities> for this host, from the backend's facts.
 */
#include "vxl_internal.h"

#include "vxl_driver.h"
#include "backend_call.h"
#include "caps.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

virCaps *
vxlDriverGetCapabilities(vxlDriver *driver)
{
    vxlHostFacts facts = { 0 };
    virCaps *caps;

    if (vxlBackendHostGetFacts(driver->backend, &facts) < 0)
        return NULL;
    caps = vxlCapsBuildHost(&facts);
    vxlHostFactsClear(&facts);
    return caps;
}
