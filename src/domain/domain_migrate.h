/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_migrate.h: live and offline migration between two hosts, the
 * phases of libvirt's migration protocol v3 as driver/ entry points call
 * them (docs/migration.md).
 *
 * Source: Begin -> Perform -> Confirm. Destination: Prepare -> Finish.
 * Peer-to-peer (and direct) migration runs the destination's phases from
 * the source's Perform, through a connection to the destination daemon.
 */
#pragma once

#include "domain.h"

/* The flags this driver honours; anything else is refused by name.
 * How the guest moves: live or paused; how the phases are driven:
 * peer-to-peer, tunnelled; what becomes of the definitions; the job's
 * protection; and the safety checks a caller may waive. */
#define VXL_MIGRATION_FLAGS \
    (VIR_MIGRATE_LIVE | VIR_MIGRATE_PAUSED | VIR_MIGRATE_OFFLINE | \
     VIR_MIGRATE_PEER2PEER | VIR_MIGRATE_TUNNELLED | \
     VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE | \
     VIR_MIGRATE_CHANGE_PROTECTION | VIR_MIGRATE_ABORT_ON_ERROR | \
     VIR_MIGRATE_UNSAFE)

/* The typed parameters understood; others are refused. */
#define VXL_MIGRATION_PARAMETERS \
    VIR_MIGRATE_PARAM_URI, VIR_TYPED_PARAM_STRING, \
    VIR_MIGRATE_PARAM_DEST_NAME, VIR_TYPED_PARAM_STRING, \
    VIR_MIGRATE_PARAM_DEST_XML, VIR_TYPED_PARAM_STRING, \
    VIR_MIGRATE_PARAM_PERSIST_XML, VIR_TYPED_PARAM_STRING, \
    VIR_MIGRATE_PARAM_BANDWIDTH, VIR_TYPED_PARAM_ULLONG, \
    NULL

/* One migration in progress, in or out. Owned by the domain's private
 * data (source) or the driver's table of incoming migrations (dest);
 * guarded by the domain's lock except the stream's counters (atomics)
 * and what the comments say. */
typedef struct _vxlMigration vxlMigration;

/* Check @flags and @params for a migration; errors name the flag or
 * parameter and why it is refused. */
int vxlMigrationCheckArgs(unsigned int flags, virTypedParameterPtr params,
                          int nparams);

/* --- source (vm locked, no job held by the caller) --- */

/* Begin: the domain's XML for the destination (@xmlin, checked against
 * the domain's ABI, or the migratable live/persistent one) and the
 * cookie. With CHANGE_PROTECTION the migration job starts here and lasts
 * until Confirm (or a failed Perform, or @conn closing before then). */
char *vxlMigrationBegin(vxlDriver *driver, virConnectPtr conn, virDomainObj *vm,
                        const char *xmlin, char **cookieout, int *cookieoutlen,
                        unsigned int flags);

/* Perform. @dconnuri set: peer-to-peer, the source drives the destination
 * daemon there (also direct migration, whose daemon URI comes from
 * @params' URI). Otherwise the stream goes to @params' URI, as the
 * destination's Prepare said. */
int vxlMigrationPerform(vxlDriver *driver, virDomainObj *vm, const char *dconnuri,
                        virTypedParameterPtr params, int nparams,
                        const char *cookiein, int cookieinlen,
                        char **cookieout, int *cookieoutlen, unsigned int flags);

/* Confirm: destroy the source domain (undefining it with
 * UNDEFINE_SOURCE), or when @cancelled resume it. */
int vxlMigrationConfirm(vxlDriver *driver, virDomainObj *vm,
                        const char *cookiein, int cookieinlen,
                        unsigned int flags, bool cancelled);

/* --- destination --- */

/* Prepare: the domain object (PAUSED/MIGRATION once the stream arrives)
 * and a listening port, or for a tunnelled migration the stream @st. */
int vxlMigrationPrepare(vxlDriver *driver, virConnectPtr dconn,
                        virDomainDef **def, const char *origname,
                        const char *uriIn, virStreamPtr st,
                        const char *cookiein, int cookieinlen,
                        char **cookieout, int *cookieoutlen, char **uriOut,
                        unsigned int flags);

/* Finish: wait for the stream, then resume and (PERSIST_DEST) define the
 * domain; or when @cancelled throw it away. NULL when the domain is not
 * running here afterwards. */
virDomainPtr vxlMigrationFinish(vxlDriver *driver, virConnectPtr dconn,
                                const char *dname, const char *persistXML,
                                const char *cookiein, int cookieinlen,
                                char **cookieout, int *cookieoutlen,
                                unsigned int flags, bool cancelled);

/* --- jobs: progress, abort and statistics are the async job's
 * (domain_job.h): VXL_JOB_MIGRATION_OUT on the source from Begin (or
 * Perform) to Confirm, VXL_JOB_MIGRATION_IN on the destination from
 * Prepare to Finish; an abort cancels the stream --- */

/* virDomainMigrateSetMaxSpeed/GetMaxSpeed: the cap of @vm's migrations,
 * applied at once to a running one. */
void vxlMigrationSetMaxSpeed(virDomainObj *vm, unsigned long long mibps);
unsigned long long vxlMigrationGetMaxSpeed(virDomainObj *vm);

/* Daemon start: a domain whose status file says it was migrating when
 * the daemon stopped. Source before the stream completed: resumed; after
 * it (the destination may run it): left paused. Destination: destroyed.
 * Returns true when @vm was cleaned up and is gone. */
bool vxlMigrationReconnect(vxlDriver *driver, virDomainObj *vm);

/* Free whatever incoming migrations are left (daemon stop). */
void vxlMigrationShutdown(vxlDriver *driver);
