/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_private.h: what the driver keeps per domain beyond its def.
 *
 * Every field is guarded by the virDomainObj's lock. Fields marked
 * "status" are saved in the status file (<domstatus>) so that a daemon
 * restart knows them again.
 */
#pragma once

#include "vxl_internal.h"
#include "domain_conf.h"
#include "virchrdev.h"
#include "virtxl/backend.h"

typedef struct _vxlDomainPriv vxlDomainPriv;
struct _vxlDomainPriv {
    /* Simulated guest behaviour, parsed from <metadata> at start. */
    vxlGuestScript script;

    /* A shutdown/reboot the driver asked for is under way, so the next
     * guest shutdown is "shutdown" rather than a guest-initiated one;
     * status. */
    bool shutdownRequested;
    bool rebootRequested;

    /* Reboot-loop guard: when a guest keeps crashing right after start
     * under on_crash=restart, stop restarting. Times in ms since epoch;
     * status. */
    unsigned long long startedAt;
    unsigned int quickRestarts;

    /* True while the backend builds the domain (vxlDomainStart's create
     * call): destroy and the daemon's stop cancel it rather than wait. */
    bool starting;
    /* A destroy came while the backend, which cannot cancel a create
     * (libxl), was building the domain: the start destroys what the
     * create returns instead of running it. */
    bool startAbort;

    /* True while a worker thread handles a backend event for the domain,
     * so a second event for the same domid is not handled twice. */
    bool handlingEvent;

    /* Who holds each console's stream (virsh console): one at a time,
     * unless forced. */
    virChrdevs *devs;

    /* Migration (domain_migrate.c): the outgoing migration in
     * progress (the incoming ones live in the driver's table); the
     * migration cap in MiB/s (virDomainMigrateSetMaxSpeed), 0 = none;
     * where a migration stood, a vxlMigrationState (status). */
    struct _vxlMigration *migration;
    struct _vxlMigration *migrationIn;  /* the incoming one, owned by the
                                           driver's table */
    unsigned long long migrationMaxSpeed;
    int migrationState;
    unsigned int migrationFlags;   /* the migration's flags, with
                                      migrationState (recovery) */
    /* How long guest agent commands wait for an answer, in seconds, or
     * one of VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_* (virsh
     * guest-agent-timeout); the vm lock guards it. */
    int agentTimeout;

    /* Snapshots (domain_snapshot_meta.c): whether vm->snapshots holds
     * the metadata on disk yet; it is read on first use, not at daemon
     * start. The vm lock guards it. */
    bool snapshotsLoaded;
};

extern virDomainXMLPrivateDataCallbacks vxlDomainPrivateDataCallbacks;

static inline vxlDomainPriv *
vxlDomainPrivGet(virDomainObj *vm)
{
    return vm->privateData;
}
