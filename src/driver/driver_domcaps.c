/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_domcaps.c: <domainCapabilities> for this host, from the
 * backend's facts (src/caps/caps_domain.c says what goes in it).
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

char *
vxlConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin,
                                const char *arch, const char *machine,
                                const char *virttype, unsigned int flags)
{
    g_autoptr(virDomainCaps) dc = NULL;

    virCheckFlags(0, NULL);
    if (virConnectGetDomainCapabilitiesEnsureACL(conn) < 0)
        return NULL;
    if (!(dc = vxlDomainHostDomainCapabilities(vxl_driver, emulatorbin, arch,
                                               machine, virttype)))
        return NULL;
    return virDomainCapsFormat(dc);
}
