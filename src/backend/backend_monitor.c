/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_monitor.c: the call wrappers of the monitoring and tuning
 * hooks (statistics, Domain-0, scheduler), as backend.c has for the rest.
 */
#include "vxl_internal.h"

#include "backend_impl.h"
#include "backend_fault.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

void
vxlSchedParamsClear(vxlSchedParams *params)
{
    g_clear_pointer(&params->scheduler, g_free);
}

static int
vxlBackendMonitorNoHook(vxlBackend *be, const char *hook)
{
    virReportError(VIR_ERR_NO_SUPPORT,
                   _("the '%s' backend does not support %s"),
                   be->ops->name, hook);
    return -1;
}

#define VXL_BACKEND_MONITOR_CALL(be, hook, ...) \
    do { \
        if (vxlBackendFaultCheck(be, #hook) < 0) \
            return -1; \
        if (!(be)->ops->hook) \
            return vxlBackendMonitorNoHook(be, #hook); \
        return (be)->ops->hook(be, __VA_ARGS__); \
    } while (0)

int
vxlBackendHostGetDom0(vxlBackend *be, vxlDomainInfo *info)
{
    VXL_BACKEND_MONITOR_CALL(be, hostGetDom0, info);
}

int
vxlBackendHostGetCpuTimes(vxlBackend *be, vxlHostCpuTime **times,
                          size_t *ntimes)
{
    VXL_BACKEND_MONITOR_CALL(be, hostGetCpuTimes, times, ntimes);
}

int
vxlBackendDomainGetBlockStats(vxlBackend *be, uint32_t domid,
                              const char *vdev, vxlBlockStats *stats)
{
    VXL_BACKEND_MONITOR_CALL(be, domainGetBlockStats, domid, vdev, stats);
}

int
vxlBackendDomainGetNicStats(vxlBackend *be, uint32_t domid, const char *mac,
                            vxlNicStats *stats)
{
    VXL_BACKEND_MONITOR_CALL(be, domainGetNicStats, domid, mac, stats);
}

int
vxlBackendDomainGetMemoryStats(vxlBackend *be, uint32_t domid,
                               vxlMemoryStats *stats)
{
    VXL_BACKEND_MONITOR_CALL(be, domainGetMemoryStats, domid, stats);
}

int
vxlBackendDomainGetSchedParams(vxlBackend *be, uint32_t domid,
                               vxlSchedParams *params)
{
    VXL_BACKEND_MONITOR_CALL(be, domainGetSchedParams, domid, params);
}

int
vxlBackendDomainSetSchedParams(vxlBackend *be, uint32_t domid,
                               const vxlSchedParams *params)
{
    VXL_BACKEND_MONITOR_CALL(be, domainSetSchedParams, domid, params);
}

int
vxlBackendDomainBlockResize(vxlBackend *be, uint32_t domid, const char *vdev,
                            unsigned long long bytes)
{
    VXL_BACKEND_MONITOR_CALL(be, domainBlockResize, domid, vdev, bytes);
}
