/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_config.c: the driver's configuration file and directories.
 *
 * The file has the format and keys of libvirt's libxl.conf, so an existing
 * /etc/libvirt/libxl.conf keeps working, plus the project's own keys:
 *
 *   backend = "libxl" | "sim"     hypervisor to drive (default "libxl")
 *   sim_profile = "PATH|NAME"     simulator host profile (default
 *                                 "intel-2s-vtd", from capabilities/)
 *   max_concurrent_starts = N     domain starts allowed at once (0 = no cap)
 *   max_queued_jobs = N           jobs waiting per domain (0 = no cap)
 *   sim_check_disk_sources = 0|1  whether the simulator refuses missing
 *                                 disk files as the driver does on real
 *                                 Xen (default 0: a simulated host's
 *                                 guests may name made-up paths, as
 *                                 with libvirt's test driver)
 *
 * Migration (docs/migration.md): libvirt's migration_port_min and
 * migration_port_max, and the project's
 *   migration_address = "ADDR"    where incoming migrations listen
 *   migration_host = "HOST"       what a source is told to connect to
 *   sim_host_name = "NAME"        the simulated host's name ...
 *   sim_host_uuid = "UUID"        ... and UUID (default: from the name)
 */
#include "vxl_internal.h"

#include "vxl_driver.h"
#include "virconf.h"
#include "virfile.h"
#include "virutil.h"
#include "virlog.h"
#include "virerror.h"
#include "configmake.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_config");

static virClass *vxlDriverConfigClass;

static void
vxlDriverConfigDispose(void *obj)
{
    vxlDriverConfig *cfg = obj;

    g_free(cfg->configBaseDir);
    g_free(cfg->configDir);
    g_free(cfg->autostartDir);
    g_free(cfg->stateDir);
    g_free(cfg->libDir);
    g_free(cfg->saveDir);
    g_free(cfg->dumpDir);
    g_free(cfg->channelDir);
    g_free(cfg->logDir);
    g_free(cfg->lockManagerName);
    g_free(cfg->backend);
    g_free(cfg->simProfile);
    g_free(cfg->migrationAddress);
    g_free(cfg->migrationHost);
    g_free(cfg->simHostName);
    g_free(cfg->simHostUUID);
}

static int
vxlDriverConfigOnceInit(void)
{
    if (!VIR_CLASS_NEW(vxlDriverConfig, virClassForObject()))
        return -1;
    return 0;
}

VIR_ONCE_GLOBAL_INIT(vxlDriverConfig);

/*
 * A privileged daemon uses the system's directories, exactly where
 * libvirt's own libxl driver keeps them, so tooling that knows those paths
 * keeps working. An unprivileged one (never used for Xen in practice, but
 * it must not write to system paths) uses the user's XDG directories.
 * Test daemons are privileged ones in a private mount namespace, so they
 * take the first branch and still never touch the system's state.
 */
vxlDriverConfig *
vxlDriverConfigNew(bool privileged, const char *root)
{
    g_autoptr(vxlDriverConfig) cfg = NULL;

    if (vxlDriverConfigInitialize() < 0)
        return NULL;
    if (!(cfg = virObjectNew(vxlDriverConfigClass)))
        return NULL;

    if (root) {
        cfg->configBaseDir = g_strdup_printf("%s/etc", root);
        cfg->stateDir = g_strdup_printf("%s/run/%s", root, VXL_DIR_NAME);
        cfg->libDir = g_strdup_printf("%s/lib/%s", root, VXL_DIR_NAME);
        cfg->logDir = g_strdup_printf("%s/log/%s", root, VXL_DIR_NAME);
    } else if (privileged) {
        cfg->configBaseDir = g_strdup(SYSCONFDIR "/libvirt");
        cfg->stateDir = g_strdup(RUNSTATEDIR "/libvirt/" VXL_DIR_NAME);
        cfg->libDir = g_strdup(LOCALSTATEDIR "/lib/libvirt/" VXL_DIR_NAME);
        cfg->logDir = g_strdup(LOCALSTATEDIR "/log/libvirt/" VXL_DIR_NAME);
    } else {
        g_autofree char *confdir = virGetUserConfigDirectory();
        g_autofree char *rundir = virGetUserRuntimeDirectory();
        g_autofree char *cachedir = virGetUserCacheDirectory();

        cfg->configBaseDir = g_strdup(confdir);
        cfg->stateDir = g_strdup_printf("%s/%s/run", rundir, VXL_DIR_NAME);
        cfg->libDir = g_strdup_printf("%s/%s/lib", cachedir, VXL_DIR_NAME);
        cfg->logDir = g_strdup_printf("%s/%s/log", cachedir, VXL_DIR_NAME);
    }
    cfg->configDir = g_strdup_printf("%s/%s", cfg->configBaseDir, VXL_DIR_NAME);
    cfg->autostartDir = g_strdup_printf("%s/autostart", cfg->configDir);
    cfg->saveDir = g_strdup_printf("%s/save", cfg->libDir);
    cfg->dumpDir = g_strdup_printf("%s/dump", cfg->libDir);
    cfg->channelDir = g_strdup_printf("%s/channel/target", cfg->libDir);

    cfg->autoballoon = true;
    cfg->keepAliveInterval = 5;
    cfg->keepAliveCount = 5;
    cfg->backend = g_strdup("libxl");
    cfg->simProfile = g_strdup("intel-2s-vtd");
    /* libvirt's libxl driver's defaults */
    cfg->migrationPortMin = 49152;
    cfg->migrationPortMax = 49215;

    return g_steal_pointer(&cfg);
}

static int
vxlDriverConfigCheckBackend(const char *filename, const char *backend)
{
    if (STREQ(backend, "libxl") || STREQ(backend, "sim"))
        return 0;
    virReportError(VIR_ERR_CONF_SYNTAX,
                   _("%s: backend = \"%s\" is not known; use \"libxl\" (real Xen) or \"sim\" (the simulator)"),
                   filename, backend);
    return -1;
}

static int
vxlDriverConfigLoadMigration(virConf *conf, const char *filename,
                             vxlDriverConfig *cfg)
{
    if (virConfGetValueUInt(conf, "migration_port_min", &cfg->migrationPortMin) < 0 ||
        virConfGetValueUInt(conf, "migration_port_max", &cfg->migrationPortMax) < 0 ||
        virConfGetValueString(conf, "migration_address", &cfg->migrationAddress) < 0 ||
        virConfGetValueString(conf, "migration_host", &cfg->migrationHost) < 0 ||
        virConfGetValueString(conf, "sim_host_name", &cfg->simHostName) < 0 ||
        virConfGetValueString(conf, "sim_host_uuid", &cfg->simHostUUID) < 0)
        return -1;
    if (cfg->migrationPortMin == 0 || cfg->migrationPortMin > 65535 ||
        cfg->migrationPortMax > 65535 ||
        cfg->migrationPortMax < cfg->migrationPortMin) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%s: migration_port_min (%u) and migration_port_max (%u) must be a range of TCP ports, the minimum first"),
                       filename, cfg->migrationPortMin, cfg->migrationPortMax);
        return -1;
    }
    return 0;
}

/* The driver keeps no disk leases, so a lock manager (lockd, sanlock)
 * would protect nothing: one is refused rather than silently not used.
 * "nop" is libvirt's name for none. */
static int
vxlDriverConfigCheckLockManager(const char *filename, const char *name)
{
    if (STREQ(name, "") || STREQ(name, "nop") || STREQ(name, "none"))
        return 0;
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("%s: lock_manager = \"%s\" is not supported: the Xen driver has no lock manager; remove the key or set it to \"nop\""),
                   filename, name);
    return -1;
}

/* A missing file is not an error: every key has a default. */
int
vxlDriverConfigLoadFile(vxlDriverConfig *cfg, const char *filename)
{
    g_autoptr(virConf) conf = NULL;
    g_autofree char *backend = NULL;
    g_autofree char *profile = NULL;
    g_autofree char *lockManager = NULL;
    bool createCancel = true;
    bool diskCheck = true;
    int rc;

    if (!virFileExists(filename)) {
        VIR_DEBUG("no config file %s, using defaults", filename);
        return 0;
    }
    if (!(conf = virConfReadFile(filename, 0)))
        return -1;

    if (virConfGetValueBool(conf, "autoballoon", &cfg->autoballoon) < 0)
        return -1;
    if (virConfGetValueString(conf, "lock_manager", &lockManager) < 0)
        return -1;
    if ((rc = virConfGetValueInt(conf, "keepalive_interval", &cfg->keepAliveInterval)) < 0)
        return -1;
    if (rc > 0)
        VIR_WARN("%s: keepalive_interval is not used by the Xen driver: keep-alive of client connections is set for all of libvirtd (keepalive_interval in libvirtd.conf)",
                 filename);
    if ((rc = virConfGetValueUInt(conf, "keepalive_count", &cfg->keepAliveCount)) < 0)
        return -1;
    if (rc > 0)
        VIR_WARN("%s: keepalive_count is not used by the Xen driver: keep-alive of client connections is set for all of libvirtd (keepalive_count in libvirtd.conf)",
                 filename);
    if (virConfGetValueBool(conf, "nested_hvm", &cfg->nestedHVM) < 0)
        return -1;

    if (virConfGetValueString(conf, "backend", &backend) < 0)
        return -1;
    if (virConfGetValueString(conf, "sim_profile", &profile) < 0)
        return -1;
    if (virConfGetValueUInt(conf, "max_concurrent_starts", &cfg->maxConcurrentStarts) < 0)
        return -1;
    if (virConfGetValueUInt(conf, "max_queued_jobs", &cfg->maxQueuedJobs) < 0)
        return -1;
    if (virConfGetValueUInt(conf, "sim_save_rate_mib", &cfg->simSaveRateMiB) < 0)
        return -1;
    if ((rc = virConfGetValueBool(conf, "sim_create_cancel", &createCancel)) < 0)
        return -1;
    cfg->simNoCreateCancel = rc > 0 && !createCancel;
    if ((rc = virConfGetValueBool(conf, "sim_check_disk_sources", &diskCheck)) < 0)
        return -1;
    cfg->simDiskCheck = rc > 0 && diskCheck;

    if (vxlDriverConfigLoadMigration(conf, filename, cfg) < 0)
        return -1;

    if (backend) {
        if (vxlDriverConfigCheckBackend(filename, backend) < 0)
            return -1;
        g_free(cfg->backend);
        cfg->backend = g_steal_pointer(&backend);
    }
    if (profile) {
        g_free(cfg->simProfile);
        cfg->simProfile = g_steal_pointer(&profile);
    }
    if (lockManager) {
        if (vxlDriverConfigCheckLockManager(filename, lockManager) < 0)
            return -1;
        g_free(cfg->lockManagerName);
        cfg->lockManagerName = g_steal_pointer(&lockManager);
    }
    if (cfg->nestedHVM)
        VIR_INFO("%s: nested_hvm = 1: host-passthrough guests get nested HVM unless their <cpu> says otherwise",
                 filename);
    return 0;
}

int
vxlDriverConfigMakeDirs(vxlDriverConfig *cfg)
{
    const char *dirs[] = { cfg->configDir, cfg->autostartDir, cfg->stateDir,
                           cfg->libDir, cfg->saveDir, cfg->dumpDir,
                           cfg->channelDir, cfg->logDir };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (g_mkdir_with_parents(dirs[i], 0777) < 0) {
            virReportSystemError(errno, _("cannot create directory '%s'"),
                                 dirs[i]);
            return -1;
        }
    }
    return 0;
}
