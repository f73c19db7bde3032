/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_connect.c: connection and host-level entry points.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain.h"
#include "virclosecallbacks.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virlog.h"
#include "virsysinfo.h"
#include "virutil.h"
#include "virstring.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_connect");

virDrvOpenStatus
vxlConnectOpen(virConnectPtr conn, virConnectAuthPtr auth G_GNUC_UNUSED,
               virConf *conf G_GNUC_UNUSED, unsigned int flags)
{
    virCheckFlags(VIR_CONNECT_RO, VIR_DRV_OPEN_ERROR);

    /* "xen:///" is the historic spelling of "xen:///system". */
    if (conn->uri->path && STRNEQ(conn->uri->path, "") &&
        STRNEQ(conn->uri->path, "/") && STRNEQ(conn->uri->path, "/system")) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unexpected Xen URI path '%s', try xen:///system"),
                       conn->uri->path);
        return VIR_DRV_OPEN_ERROR;
    }
    if (!vxl_driver) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the Xen driver's state is not initialized"));
        return VIR_DRV_OPEN_ERROR;
    }
    if (vxl_driver->backendError) {
        virSetError(vxl_driver->backendError);
        return VIR_DRV_OPEN_ERROR;
    }
    if (virConnectOpenEnsureACL(conn) < 0)
        return VIR_DRV_OPEN_ERROR;

    conn->privateData = vxl_driver;
    return VIR_DRV_OPEN_SUCCESS;
}

int
vxlConnectClose(virConnectPtr conn)
{
    /* A migration this client began and left unfinished. */
    if (vxl_driver && vxl_driver->domains)
        virCloseCallbacksDomainRunForConn(vxl_driver->domains, conn);
    conn->privateData = NULL;
    return 0;
}

const char *
vxlConnectGetType(virConnectPtr conn)
{
    if (virConnectGetTypeEnsureACL(conn) < 0)
        return NULL;
    return "Xen";
}

static int
vxlConnectHostFacts(vxlHostFacts *facts)
{
    return vxlDomainHostGetFacts(vxl_driver, facts);
}

int
vxlConnectGetVersion(virConnectPtr conn, unsigned long *version)
{
    vxlHostFacts facts = { 0 };
    unsigned int micro = 0;

    if (virConnectGetVersionEnsureACL(conn) < 0)
        return -1;
    if (vxlConnectHostFacts(&facts) < 0)
        return -1;
    /* xenExtra is ".7" for 4.17.7; a "-rc" suffix counts as 0. */
    if (facts.xenExtra && facts.xenExtra[0] == '.')
        ignore_value(virStrToLong_ui(facts.xenExtra + 1, NULL, 10, &micro));
    *version = facts.xenMajor * 1000000UL + facts.xenMinor * 1000UL + micro;
    vxlHostFactsClear(&facts);
    return 0;
}

char *
vxlConnectGetHostname(virConnectPtr conn)
{
    if (virConnectGetHostnameEnsureACL(conn) < 0)
        return NULL;
    /* A simulated host of its own (sim_host_name, for migration between
     * two daemons on one machine) answers with its own name. */
    if (vxl_driver->cfg->simHostName &&
        STREQ(vxl_driver->cfg->backend, "sim"))
        return g_strdup(vxl_driver->cfg->simHostName);
    return virGetHostname();
}

int
vxlConnectGetMaxVcpus(virConnectPtr conn, const char *type)
{
    vxlHostFacts facts = { 0 };
    int ret;

    if (virConnectGetMaxVcpusEnsureACL(conn) < 0)
        return -1;
    if (type && STRCASENEQ(type, "xen")) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unknown hypervisor type '%s'; this driver knows 'xen'"),
                       type);
        return -1;
    }
    if (vxlConnectHostFacts(&facts) < 0)
        return -1;
    /* The most any guest type can have: HVM's limit on x86. */
    ret = MAX(MAX(facts.maxVcpusHVM, facts.maxVcpusPV), facts.maxVcpusPVH);
    vxlHostFactsClear(&facts);
    return ret;
}

char *
vxlConnectGetCapabilities(virConnectPtr conn)
{
    g_autoptr(virCaps) caps = NULL;

    if (virConnectGetCapabilitiesEnsureACL(conn) < 0)
        return NULL;
    if (!(caps = vxlDomainHostCapabilities(vxl_driver)))
        return NULL;
    return virCapabilitiesFormatXML(caps);
}

char *
vxlConnectGetSysinfo(virConnectPtr conn, unsigned int flags)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    g_autoptr(virSysinfoDef) sysinfo = NULL;

    virCheckFlags(0, NULL);
    if (virConnectGetSysinfoEnsureACL(conn) < 0)
        return NULL;
    /* dom0's view of the firmware tables is the host's: Xen passes the
     * real SMBIOS through to dom0. Where they cannot be read (dmidecode
     * without /dev/mem or the sysfs tables), the host has no SMBIOS to
     * give: the configuration's fault, not the driver's, so not libvirt's
     * "internal error" from the child process, but its reason kept. */
    if (!(sysinfo = virSysinfoRead())) {
        g_autofree char *why = g_strdup(virGetLastErrorMessage());

        virResetLastError();
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Host SMBIOS information is not available: %s"), why);
        return NULL;
    }
    if (virSysinfoFormat(&buf, sysinfo) < 0)
        return NULL;
    return virBufferContentAndReset(&buf);
}

int
vxlConnectIsAlive(virConnectPtr conn G_GNUC_UNUSED)
{
    return 1;
}

int
vxlConnectIsSecure(virConnectPtr conn G_GNUC_UNUSED)
{
    /* Only reachable through libvirtd's local socket. */
    return 1;
}

int
vxlConnectIsEncrypted(virConnectPtr conn G_GNUC_UNUSED)
{
    return 0;
}

/* The driver-specific features this driver has: string typed
 * parameters, and the migration protocol (v3 with parameters, driven by
 * the client, the source daemon or a direct URI; offline; the job kept
 * from Begin to Confirm). Every other one is answered "no". */
static const int vxlSupportedFeatures[] = {
    VIR_DRV_FEATURE_TYPED_PARAM_STRING,
    VIR_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION,
    VIR_DRV_FEATURE_MIGRATION_DIRECT,
    VIR_DRV_FEATURE_MIGRATION_OFFLINE,
    VIR_DRV_FEATURE_MIGRATION_P2P,
    VIR_DRV_FEATURE_MIGRATION_PARAMS,
    VIR_DRV_FEATURE_MIGRATION_V3,
};

int
vxlConnectSupportsFeature(virConnectPtr conn, int feature)
{
    int supported;
    size_t i;

    if (virConnectSupportsFeatureEnsureACL(conn) < 0)
        return -1;
    if (virDriverFeatureIsGlobal(feature, &supported))
        return supported;

    for (i = 0; i < G_N_ELEMENTS(vxlSupportedFeatures); i++) {
        if (vxlSupportedFeatures[i] == feature)
            return 1;
    }
    return 0;
}

int
vxlNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    vxlHostFacts facts = { 0 };
    unsigned int nodes;

    if (virNodeGetInfoEnsureACL(conn) < 0)
        return -1;
    if (vxlConnectHostFacts(&facts) < 0)
        return -1;

    memset(info, 0, sizeof(*info));
    if (virStrcpyStatic(info->model, NULLSTR(facts.arch)) < 0)
        info->model[0] = '\0';
    info->memory = facts.totalKiB;
    info->cpus = facts.nrCpus;
    info->mhz = facts.cpuMHz;
    nodes = facts.nnodes ? facts.nnodes : 1;
    info->nodes = nodes;
    /* virNodeInfo counts sockets per NUMA node. */
    info->sockets = MAX(1, facts.sockets / nodes);
    info->cores = facts.coresPerSocket;
    info->threads = facts.threadsPerCore;
    vxlHostFactsClear(&facts);
    return 0;
}

/* Xen's physical CPUs are all online to it (xl info's nr_cpus): the map
 * virsh vcpuinfo and clients size their CPU masks with. */
int
vxlNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap,
                 unsigned int *online, unsigned int flags)
{
    vxlHostFacts facts = { 0 };
    unsigned int ncpus;
    unsigned int i;

    virCheckFlags(0, -1);
    if (virNodeGetCPUMapEnsureACL(conn) < 0)
        return -1;
    if (vxlConnectHostFacts(&facts) < 0)
        return -1;
    ncpus = facts.nrCpus ? facts.nrCpus : 1;
    vxlHostFactsClear(&facts);

    if (cpumap) {
        *cpumap = g_new0(unsigned char, VIR_CPU_MAPLEN(ncpus));
        for (i = 0; i < ncpus; i++)
            VIR_USE_CPU(*cpumap, i);
    }
    if (online)
        *online = ncpus;
    return ncpus;
}

unsigned long long
vxlNodeGetFreeMemory(virConnectPtr conn)
{
    unsigned long long freeKiB = 0;

    if (virNodeGetFreeMemoryEnsureACL(conn) < 0)
        return 0;
    if (vxlDomainHostGetFreeMemory(vxl_driver, &freeKiB) < 0)
        return 0;
    return freeKiB * 1024;
}

int
vxlNodeGetCellsFreeMemory(virConnectPtr conn, unsigned long long *freeMems,
                          int startCell, int maxCells)
{
    vxlHostFacts facts = { 0 };
    int n = 0;
    int i;

    if (virNodeGetCellsFreeMemoryEnsureACL(conn) < 0)
        return -1;
    if (vxlConnectHostFacts(&facts) < 0)
        return -1;
    if (startCell < 0 || (size_t)startCell >= MAX(facts.nnodes, 1)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("start cell %d out of range (0-%zu)"), startCell,
                       MAX(facts.nnodes, 1) - 1);
        vxlHostFactsClear(&facts);
        return -1;
    }
    for (i = startCell; i < (int)facts.nnodes && n < maxCells; i++)
        freeMems[n++] = facts.nodes[i].freeKiB * 1024;
    vxlHostFactsClear(&facts);
    return n;
}
