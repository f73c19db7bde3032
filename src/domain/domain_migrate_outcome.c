/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_migrate_outcome.c: what the source learns of the destination's
 * Finish when Finish's own answer is lost (the destination daemon killed
 * or cut off between taking the guest over and replying).
 *
 * Without this the source would take the lost answer for a failure and
 * resume its copy while the destination runs the guest too. Two ways to
 * learn the truth:
 *  - the stream's connection stays open after the data (not tunnelled);
 *    the destination's Finish writes "finishing" on it before it records
 *    the guest as its own, and "taken" after. Nothing written: Finish
 *    never took the guest; "taken": it did; "finishing" alone: it died
 *    in between, and its restart may have kept the guest or not;
 *  - peer-to-peer, the source asks the destination daemon (again, since
 *    the connection that lost the answer is gone) whether it runs the
 *    domain, for a while, as it may be restarting.
 * When neither tells, the copy here stays paused for an administrator:
 * never two running guests.
 */
#include "vxl_internal.h"


#include "domain_migrate_priv.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virtime.h"
#include "util_readline.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_migrate_outcome");

/* How long the source waits for the destination's word on the stream's
 * connection, and for the destination daemon to answer again. */
#define VXL_MIGRATION_NOTE_TIMEOUT_MS (30 * 1000)
#define VXL_MIGRATION_ASK_TIMEOUT_MS (60 * 1000)
/* The notes are single words ("finishing", "taken"). */
#define VXL_MIGRATION_NOTE_MAX 64

/* Destination: tell the source how Finish stands. A source that went
 * away meanwhile hears nothing, which is fine: it no longer asks. */
void
vxlMigrationNote(vxlMigration *mig, const char *word)
{
    g_autofree char *line = NULL;

    if (mig->noteFd < 0)
        return;
    line = g_strdup_printf("%s\n", word);
    if (safewrite(mig->noteFd, line, strlen(line)) != (ssize_t)strlen(line)) {
        VIR_DEBUG("cannot tell the source '%s': %s", word, g_strerror(errno));
        VIR_FORCE_CLOSE(mig->noteFd);
    }
}

static vxlMigrationOutcome
vxlMigrationOutcomeFromNote(int fd, const char *name)
{
    unsigned long long deadline = 0;
    bool finishing = false;
    bool timedOut = false;

    if (virTimeMillisNow(&deadline) < 0)
        return VXL_MIGRATION_OUTCOME_UNKNOWN;
    deadline += VXL_MIGRATION_NOTE_TIMEOUT_MS;
    for (;;) {
        g_autofree char *line = vxlReadLine(fd, VXL_MIGRATION_NOTE_MAX, deadline,
                                            &timedOut);

        if (!line)
            break;
        if (STREQ(line, VXL_MIGRATION_NOTE_TAKEN))
            return VXL_MIGRATION_OUTCOME_TAKEN;
        if (STREQ(line, VXL_MIGRATION_NOTE_FINISHING))
            finishing = true;
    }
    VIR_DEBUG("domain %s: the destination's connection %s, %s",
              name, timedOut ? "is silent" : "closed",
              finishing ? "Finish had begun" : "Finish had not begun");
    /* Closed before Finish began: the destination's restart discards
     * what it received (or it already did). A silent connection may be
     * a cut network with Finish still going on. */
    if (!finishing && !timedOut)
        return VXL_MIGRATION_OUTCOME_NOT_TAKEN;
    return VXL_MIGRATION_OUTCOME_UNKNOWN;
}

/* Peer-to-peer: does the destination run the domain of @uuid? */
static vxlMigrationOutcome
vxlMigrationAskDestination(const char *dconnuri, const unsigned char *uuid,
                           const char *name)
{
    unsigned long long now = 0;
    unsigned long long deadline;

    if (virTimeMillisNow(&now) < 0)
        return VXL_MIGRATION_OUTCOME_UNKNOWN;
    deadline = now + VXL_MIGRATION_ASK_TIMEOUT_MS;
    while (now < deadline) {
        virConnectPtr dconn = virConnectOpenAuth(dconnuri,
                                                 virConnectAuthPtrDefault, 0);
        vxlMigrationOutcome outcome = VXL_MIGRATION_OUTCOME_UNKNOWN;

        if (dconn) {
            virDomainPtr dom = virDomainLookupByUUID(dconn, uuid);
            int state = -1;
            int reason = -1;

            if (!dom) {
                if (virGetLastErrorCode() == VIR_ERR_NO_DOMAIN)
                    outcome = VXL_MIGRATION_OUTCOME_NOT_TAKEN;
            } else if (virDomainGetState(dom, &state, &reason, 0) == 0) {
                if (state == VIR_DOMAIN_SHUTOFF)
                    outcome = VXL_MIGRATION_OUTCOME_NOT_TAKEN;
                else if (state != VIR_DOMAIN_PAUSED ||
                         reason != VIR_DOMAIN_PAUSED_MIGRATION)
                    outcome = VXL_MIGRATION_OUTCOME_TAKEN;
                /* else: still arriving there; ask again */
            }
            if (dom)
                virObjectUnref(dom);
            virConnectClose(dconn);
        }
        VIR_DEBUG("asked %s about domain %s: %d (%s)", dconnuri, name,
                  outcome, virGetLastErrorMessage());
        virResetLastError();
        if (outcome != VXL_MIGRATION_OUTCOME_UNKNOWN)
            return outcome;
        g_usleep(1000 * 1000);
        if (virTimeMillisNow(&now) < 0)
            break;
    }
    return VXL_MIGRATION_OUTCOME_UNKNOWN;
}

/*
 * Source, with @vm locked: the stream had completed and a Finish may have
 * run on the destination, but the answer says cancelled. Whether the
 * destination runs the guest, as far as can be told. The domain's lock
 * is left while waiting.
 */
vxlMigrationOutcome
vxlMigrationLostFinish(virDomainObj *vm, vxlMigration *mig)
{
    vxlMigrationOutcome outcome = VXL_MIGRATION_OUTCOME_NOT_TAKEN;
    g_autofree char *name = g_strdup(vm->def->name);
    unsigned char uuid[VIR_UUID_BUFLEN];
    virErrorPtr saved;

    memcpy(uuid, vm->def->uuid, VIR_UUID_BUFLEN);
    virErrorPreserveLast(&saved);
    vxlDomainBackendEnter(vm);
    if (mig->noteFd >= 0) {
        outcome = vxlMigrationOutcomeFromNote(mig->noteFd, name);
        VIR_FORCE_CLOSE(mig->noteFd);
    } else if (mig->dconnuri) {
        outcome = VXL_MIGRATION_OUTCOME_UNKNOWN;
    }
    if (outcome == VXL_MIGRATION_OUTCOME_UNKNOWN && mig->dconnuri)
        outcome = vxlMigrationAskDestination(mig->dconnuri, uuid, name);
    vxlDomainBackendExit(vm);
    virErrorRestore(&saved);
    VIR_INFO("domain %s: Finish's answer was lost; the destination %s",
             name, outcome == VXL_MIGRATION_OUTCOME_TAKEN ? "runs it" :
             outcome == VXL_MIGRATION_OUTCOME_NOT_TAKEN ? "does not run it" :
             "cannot tell");
    return outcome;
}
