/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_refusals.c: calls that exist for other hypervisors and that
 * Xen has nothing to answer with, refused with the reason rather than
 * libvirt's bare "not supported", so the user learns why. The calls Xen
 * has no notion of at all (blkio weights, perf events, emulator
 * pinning, KSM parameters) are left out of the driver table instead;
 * docs/driver.md lists both.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "viraccessapicheck.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlDomainMigrateGetMaxDowntime(virDomainPtr dom, unsigned long long *downtime,
                               unsigned int flags)
{
    virDomainObj *vm;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainMigrateGetMaxDowntimeEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    *downtime = 0;
    virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                   _("a migration of a Xen domain has no maximum downtime: libxl's migration stops the guest after at most five pre-copy rounds whatever is left"));
    return -1;
}

/* virsh migrate-compcache: the cache of QEMU's XBZRLE compression;
 * libxl's migration stream is not compressed. */
static int
vxlDomainMigrateCompressionCache(virDomainPtr dom, unsigned int flags,
                                 vxlEntryACL acl)
{
    virDomainObj *vm;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, acl, VIR_JOB_NONE)))
        return -1;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                   _("a migration of a Xen domain has no compression cache: libxl's migration stream is not compressed"));
    return -1;
}

int
vxlDomainMigrateGetCompressionCache(virDomainPtr dom,
                                    unsigned long long *cacheSize,
                                    unsigned int flags)
{
    *cacheSize = 0;
    return vxlDomainMigrateCompressionCache(
        dom, flags, virDomainMigrateGetCompressionCacheEnsureACL);
}

int
vxlDomainMigrateSetCompressionCache(virDomainPtr dom,
                                    unsigned long long cacheSize G_GNUC_UNUSED,
                                    unsigned int flags)
{
    return vxlDomainMigrateCompressionCache(
        dom, flags, virDomainMigrateSetCompressionCacheEnsureACL);
}

int
vxlDomainSetMemoryStatsPeriod(virDomainPtr dom, int period, unsigned int flags)
{
    virDomainObj *vm;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (!(vm = vxlEntryBeginFlags(dom, virDomainSetMemoryStatsPeriodEnsureACL,
                                  flags, VIR_JOB_NONE)))
        return -1;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    if (period < 0) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the memory statistics period must be 0 or more seconds, not %d"),
                       period);
        return -1;
    }
    virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                   _("a Xen guest's memory statistics have no collection period to set: Xen reports the balloon's size when asked, and a guest's own tools write its free memory to xenstore as often as they choose"));
    return -1;
}
