/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_native.c: domain XML from and to xl.cfg (virsh domxml-from-native
 * and domxml-to-native). Pure conversions: no domain, no job, no
 * hypervisor; native/ does the work.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "native.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

char *
vxlConnectDomainXMLFromNative(virConnectPtr conn, const char *nativeFormat,
                              const char *nativeConfig, unsigned int flags)
{
    virCheckFlags(0, NULL);

    if (virConnectDomainXMLFromNativeEnsureACL(conn) < 0)
        return NULL;
    if (vxlNativeFormatFromString(nativeFormat) < 0)
        return NULL;

    /* Dropped keys are logged (VIR_WARN) by native/: the RPC has no
     * channel for warnings. */
    return vxlNativeXLToXML(nativeConfig, strlen(nativeConfig), nativeFormat,
                            vxl_driver->xmlopt, NULL);
}


char *
vxlConnectDomainXMLToNative(virConnectPtr conn, const char *nativeFormat,
                            const char *domainXml, unsigned int flags)
{
    virCheckFlags(0, NULL);

    if (virConnectDomainXMLToNativeEnsureACL(conn) < 0)
        return NULL;
    if (vxlNativeFormatFromString(nativeFormat) < 0)
        return NULL;

    if (vxlDomainXMLGuard(domainXml) < 0)
        return NULL;
    return vxlNativeXMLToXL(domainXml, vxl_driver->xmlopt);
}
