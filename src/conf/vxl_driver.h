/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vxl_driver.h: the driver's one global object and its configuration.
 *
 * Locking: vxlDriver fields are set once in vxlStateInitialize and are
 * read-only afterwards, except where a field's comment names its lock.
 * Per-domain state lives in virDomainObj (its own lock + job); no lock of
 * this struct is ever held across a backend call.
 */
#pragma once

#include "vxl_internal.h"

#include "virdomainobjlist.h"
#include "domain_event.h"
#include "capabilities.h"
#include "virclosecallbacks.h"
#include "driver.h"
#include "datatypes.h"
#include "virportallocator.h"

#include "virtxl/backend.h"

/* Where autoport displays get their ports: VNC display 0 is port 5900. */
#define VXL_GRAPHICS_PORT_MIN 5900
#define VXL_GRAPHICS_PORT_MAX 65535

typedef struct _vxlDriverConfig vxlDriverConfig;
struct _vxlDriverConfig {
    virObject parent;

    /* Directories, from the daemon's roots (privileged or private). */
    char *configBaseDir;           /* /etc/libvirt */
    char *configDir;               /* /etc/libvirt/libxl */
    char *autostartDir;            /* /etc/libvirt/libxl/autostart */
    char *stateDir;                /* /run/libvirt/libxl */
    char *libDir;                  /* /var/lib/libvirt/libxl */
    char *saveDir;                 /* /var/lib/libvirt/libxl/save */
    char *dumpDir;                 /* /var/lib/libvirt/libxl/dump */
    char *channelDir;              /* /var/lib/libvirt/libxl/channel/target */
    char *logDir;                  /* /var/log/libvirt/libxl */

    /* Keys of libvirt's libxl.conf */
    bool autoballoon;
    char *lockManagerName;
    int keepAliveInterval;
    unsigned int keepAliveCount;
    bool nestedHVM;

    /* The project's own keys */
    char *backend;                 /* "libxl" (default) or "sim" */
    char *simProfile;              /* host profile for the simulator */
    unsigned int maxConcurrentStarts; /* 0 = unlimited */
    unsigned int maxQueuedJobs;    /* per domain; 0 = unlimited */

    /* Migration: libvirt's libxl.conf keys migration_port_min
     * and migration_port_max, and the project's migration_address (where
     * an incoming migration listens, default every address) and
     * migration_host (what the source is told to connect to; default the
     * listen address when it is one, else the host's name); the
     * simulator's host identity. */
    unsigned int migrationPortMin;
    unsigned int migrationPortMax;
    char *migrationAddress;
    char *migrationHost;
    char *simHostName;
    char *simHostUUID;
    /* Save and restore */
    unsigned int simSaveRateMiB;   /* sim_save_rate_mib: guest MiB/s the
                                      simulator saves and restores */
    /* Crash consistency */
    bool simNoCreateCancel;        /* sim_create_cancel = 0: the simulator
                                      cannot cancel a create, as libxl */
    /* Disks */
    bool simDiskCheck;             /* sim_check_disk_sources = 1: the
                                      simulator refuses guests whose disk
                                      files do not exist, as the driver
                                      does on real Xen (always) */
};
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vxlDriverConfig, virObjectUnref);

typedef struct _vxlDriver vxlDriver;
struct _vxlDriver {
    virMutex lock;                 /* guards cfg swaps and inhibit state */

    bool privileged;
    char *embeddedRoot;            /* unused: we never run embedded */

    vxlDriverConfig *cfg;          /* immutable after init */
    virDomainXMLOption *xmlopt;    /* immutable after init */
    virDomainObjList *domains;     /* self-locking */
    virObjectEventState *domainEventState; /* self-locking */

    vxlBackend *backend;           /* immutable after init; thread-safe */
    virErrorPtr backendError;      /* why the backend failed to open, if
                                      it did: raised again, unchanged, by
                                      every connectOpen */

    virCaps *caps;                 /* guarded by lock; rebuilt on demand */

    /* Ports for autoport VNC and SPICE displays (domain_graphics.c);
     * the allocator is libvirt's, self-locking. */
    virPortAllocatorRange *graphicsPorts;

    /* Start throttling (maxConcurrentStarts), guarded by lock. */
    unsigned int startsRunning;
    virCond startCond;

    /* Inhibit callback for libvirtd's --timeout (keeps the daemon alive
     * while domains run). */
    virStateInhibitCallback inhibitCallback;
    void *inhibitOpaque;
    unsigned int nactive;          /* guarded by lock */

    /* Migration: ports for incoming migration streams
     * (libvirt's allocator, self-locking). */
    virPortAllocatorRange *migrationPorts;
    /* Incoming migrations between Prepare and Finish, by domain name
     * (vxlMigration *), guarded by lock. */
    GHashTable *migrationsIn;
    /* --- crash consistency (domain_recover.c) --- */
    /* Backend events that arrive before the daemon has loaded its
     * domains are held here (vxlDomainEventJob *), then handled in
     * order once it has: a domain's config must be known before its
     * stop is acted on. Both guarded by lock. */
    bool eventsReady;
    GPtrArray *eventsHeld;
    /* Event workers running, and the daemon going down: the backend
     * must stay open until the last worker is done with it, and no new
     * one starts (the next start reports the same stops again). Guarded
     * by lock; eventCond signals a worker's end. */
    unsigned int eventWorkers;
    bool closing;
    virCond eventCond;
};

extern vxlDriver *vxl_driver;

/* driver_state.c: libvirtd's shutdown steps. */
int vxlStateShutdownPrepare(void);
int vxlStateShutdownWait(void);

/* driver_config.c */
vxlDriverConfig *vxlDriverConfigNew(bool privileged, const char *root);
int vxlDriverConfigLoadFile(vxlDriverConfig *cfg, const char *filename);
int vxlDriverConfigMakeDirs(vxlDriverConfig *cfg);
