/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_migrate_priv.h: what the migration units of src/domain share.
 */
#pragma once

#include "domain_migrate.h"

/* How long a destination waits for the source to connect. */
#define VXL_MIGRATION_ACCEPT_TIMEOUT_MS (120 * 1000)

/* What the status file says a domain was doing (priv->migrationState). */
typedef enum {
    VXL_MIGRATION_STATE_NONE = 0,
    VXL_MIGRATION_STATE_OUT,       /* source: stream not complete */
    VXL_MIGRATION_STATE_PERFORMED, /* source: stream complete, guest
                                      suspended here until Confirm */
    VXL_MIGRATION_STATE_IN,        /* destination: until Finish */
    /* Source, peer-to-peer: stream complete, the destination's Finish
     * not asked yet. Should this daemon die now, the destination drops
     * the guest when the connection closes, so it runs here again. */
    VXL_MIGRATION_STATE_PERFORMED_P2P,
    /* Source, peer-to-peer: Finish asked, its answer not recorded. */
    VXL_MIGRATION_STATE_FINISHING,
    /* Source: Confirm said the destination runs the guest; the copy
     * here is destroyed (also at the next start, if the daemon dies). */
    VXL_MIGRATION_STATE_CONFIRMED,
    /* The same, and the migration asked for the source's definition to
     * go (VIR_MIGRATE_UNDEFINE_SOURCE): it goes too, at the next start
     * if not before. */
    VXL_MIGRATION_STATE_CONFIRMED_UNDEFINE,
    /* Destination, Finish: the guest runs, the definition it brings
     * (VIR_MIGRATE_PERSIST_DEST, none here before) is being written.
     * Should this daemon die now, the source takes the guest back: the
     * definition goes with the incoming domain. */
    VXL_MIGRATION_STATE_IN_PERSIST,
    /* Destination, Finish: the guest is ours from here on (the source
     * has been told, or is told next, to destroy its copy). Should this
     * daemon die now, its next start resumes the guest and writes the
     * definition the migration asked for (priv->migrationFlags). */
    VXL_MIGRATION_STATE_IN_TAKEN,

    VXL_MIGRATION_STATE_LAST
} vxlMigrationState;

VIR_ENUM_DECL(vxlMigrationState);

struct _vxlMigration {
    bool incoming;
    unsigned int flags;
    vxlMigrateStream st;           /* st.fd -1 until connected */
    unsigned long long startedMs;

    /* source */
    bool performed;                /* the stream completed */
    bool sending;                  /* Perform is copying (vm unlocked) */
    bool orphaned;                 /* the client went away meanwhile */
    bool wasPaused;                /* the guest was paused before */
    bool suspended;                /* paused by a suspend during this
                                      migration, its copy not complete */
    bool pausedBeforeSend;         /* ... before the copy began */
    bool sendEnded;                /* the copy is over (or failed) */
    bool finishAsked;              /* a Finish without cancel may have
                                      run on the destination */
    char *dconnuri;                /* peer-to-peer: the destination */

    /* both: the stream's connection, kept after the data (not
     * tunnelled) for the destination's word on the outcome of Finish
     * (domain_migrate_outcome.c); -1 without one */
    int noteFd;

    /* destination; the thread's fields are written by it before it
     * ends and read after virThreadJoin */
    vxlDriver *driver;
    char *name;
    virDomainObj *vm;              /* a reference; NULL for offline */
    virDomainDef *offlineDef;      /* offline: what Finish defines */
    bool newVm;                    /* Prepare added @vm to the list */
    int listenFd;
    unsigned short port;           /* allocated port to give back, 0 */
    int tunnelFd;                  /* tunnelled: our end of the pipe the
                                      client's stream writes into */
    virThread thread;
    bool threadStarted;
    int result;
    virErrorPtr error;
    int done;                      /* atomic: the thread has ended */
};

vxlMigration *vxlMigrationNew(bool incoming, unsigned int flags);
void vxlMigrationFree(vxlMigration *mig);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vxlMigration, vxlMigrationFree);

/* domain_migrate_cookie.c */
int vxlMigrationCookieBake(vxlDriver *driver, const virDomainDef *def,
                           char **cookie, int *cookielen);
int vxlMigrationCookieCheck(vxlDriver *driver, const char *cookie,
                            int cookielen, const char *domname);

/* domain_migrate_net.c */
int vxlMigrationParseURI(const char *uri, char **host, int *port);
int vxlMigrationListen(vxlDriver *driver, int wantPort, unsigned short *port,
                       int *fd);
char *vxlMigrationListenURI(vxlDriver *driver, int port);
int vxlMigrationAccept(int listenFd, const int *cancelled, int timeoutMs);
int vxlMigrationConnect(const char *host, int port);

/* domain_migrate.c, for the peer-to-peer unit */
int vxlMigrationOutStart(vxlDriver *driver, virDomainObj *vm, unsigned int flags);
void vxlMigrationOutEnd(vxlDriver *driver, virDomainObj *vm, int ret);
int vxlMigrationSend(vxlDriver *driver, virDomainObj *vm, int fd,
                     unsigned long long bandwidth, unsigned int flags);
char *vxlMigrationFormatXML(vxlDriver *driver, virDomainObj *vm,
                            const char *xmlin, unsigned int flags);

int vxlMigrationConfirmPhase(vxlDriver *driver, virDomainObj *vm,
                             unsigned int flags, bool cancelled);

/* domain_migrate_suspend.c: a pause during an outgoing migration
 * (virsh migrate --timeout-suspend). Allow the SUSPEND job during the
 * migration job (vm locked); pause the guest for the migration (a
 * SUSPEND job held); after a failed copy or a migration ended before
 * its copy, a guest paused for it runs again. */
void vxlMigrationAllowSuspend(virDomainObj *vm);
int vxlMigrationPauseSource(vxlDriver *driver, virDomainObj *vm);
void vxlMigrationUndoPause(vxlDriver *driver, virDomainObj *vm,
                           vxlMigration *mig);

/* domain_migrate_outcome.c */
typedef enum {
    VXL_MIGRATION_OUTCOME_NOT_TAKEN, /* the destination does not run it */
    VXL_MIGRATION_OUTCOME_TAKEN,     /* the destination runs it */
    VXL_MIGRATION_OUTCOME_UNKNOWN,   /* no way to tell */
} vxlMigrationOutcome;

#define VXL_MIGRATION_NOTE_FINISHING "finishing"
#define VXL_MIGRATION_NOTE_TAKEN "taken"

void vxlMigrationNote(vxlMigration *mig, const char *word);
vxlMigrationOutcome vxlMigrationLostFinish(virDomainObj *vm, vxlMigration *mig);

/* domain_migrate_orphan.c: after a complete stream, the client left
 * before Confirm (vm locked, the migration job held): a worker learns
 * the outcome and ends the job; -1 if it could not start. */
int vxlMigrationOrphanStart(vxlDriver *driver, virDomainObj *vm);

/* domain_migrate_p2p.c */
int vxlMigrationPerformP2P(vxlDriver *driver, virDomainObj *vm,
                           const char *dconnuri, virTypedParameterPtr params,
                           int nparams, unsigned int flags);
