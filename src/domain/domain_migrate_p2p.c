/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_migrate_p2p.c: peer-to-peer migration, where the source daemon
 * itself drives the destination daemon through phases Prepare and Finish
 * (virsh migrate --p2p; virt-manager's tunnelled option), and direct
 * migration, which is the same driven from a migration URI.
 *
 * A tunnelled migration's stream goes through libvirt's own connection
 * to the destination (virStream) instead of a TCP port of its own: the
 * backend writes into one end of a socket pair and a thread here copies
 * the other end into the stream.
 */
#include "vxl_internal.h"

#include <sys/socket.h>

#include "domain_migrate_priv.h"
#include "datatypes.h"
#include "driver.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virtypedparam.h"
#include "util_crashpoint.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_migrate_p2p");

typedef struct _vxlMigrationTunnel {
    virStreamPtr st;
    int fd;                        /* our end of the pair: read and send */
    virThread thread;
    int result;
    virErrorPtr error;
    bool peerEnded;                /* the destination ended the stream
                                      while data was still to go (a
                                      send refused): its receive failed */
} vxlMigrationTunnel;

static void
vxlMigrationTunnelPump(void *opaque)
{
    vxlMigrationTunnel *tun = opaque;
    g_autofree char *buf = g_malloc(64 * 1024);

    for (;;) {
        ssize_t n = saferead(tun->fd, buf, 64 * 1024);

        if (n < 0) {
            virReportSystemError(errno, "%s",
                                 _("cannot read the migration stream for the tunnel"));
            goto error;
        }
        if (n == 0)
            break;
        if (virStreamSend(tun->st, buf, n) < 0) {
            tun->peerEnded = true;
            goto error;
        }
    }
    /* Not a failed finish: a destination that received the whole
     * guest may have closed its end first, and its Finish then has no
     * failure of its own to tell. */
    if (virStreamFinish(tun->st) < 0)
        goto error;
    tun->result = 0;
    return;

 error:
    tun->result = -1;
    virErrorPreserveLast(&tun->error);
    ignore_value(virStreamAbort(tun->st));
    /* The backend's next write fails instead of blocking. */
    ignore_value(shutdown(tun->fd, SHUT_RDWR));
}

/* Send the domain through @st (vm locked, migration job held).
 * *@peerEnded: on failure, whether the destination's end of the tunnel
 * (or the connection to it) ended it, rather than this side. */
static int
vxlMigrationSendTunnelled(vxlDriver *driver, virDomainObj *vm,
                          virStreamPtr st, unsigned long long bandwidth,
                          unsigned int flags, bool *peerEnded)
{
    vxlMigration *mig = vxlDomainPrivGet(vm)->migration;
    vxlMigrationTunnel tun = { .st = st, .fd = -1, .result = -1 };
    int fds[2] = { -1, -1 };
    int rc;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot create the tunnel of the outgoing migration"));
        return -1;
    }
    tun.fd = fds[0];
    if (virThreadCreateFull(&tun.thread, true, vxlMigrationTunnelPump,
                            "vxl-migrate-tunnel", false, &tun) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot start the thread of the migration tunnel"));
        VIR_FORCE_CLOSE(fds[0]);
        VIR_FORCE_CLOSE(fds[1]);
        return -1;
    }
    mig->st.oneWay = true;
    rc = vxlMigrationSend(driver, vm, fds[1], bandwidth, flags);
    /* End of stream for the pump, which then finishes the virStream. */
    VIR_FORCE_CLOSE(fds[1]);

    vxlDomainBackendEnter(vm);
    virThreadJoin(&tun.thread);
    vxlDomainBackendExit(vm);
    VIR_FORCE_CLOSE(fds[0]);
    *peerEnded = tun.result < 0 && tun.peerEnded;

    if (rc == 0 && tun.result < 0) {
        virSetError(tun.error);
        rc = -1;
        /* The guest went suspended for nothing: it runs here again. */
        ignore_value(vxlMigrationConfirmPhase(driver, vm, flags, true));
    }
    virFreeError(tun.error);
    return rc;
}

/* Copy @params for the destination, with the domain XML Begin made. */
static int
vxlMigrationP2PParams(virTypedParameterPtr params, int nparams, const char *xml,
                      const char *name, virTypedParameterPtr *out, int *nout)
{
    int maxout;

    virTypedParamsCopy(out, params, nparams);
    *nout = maxout = nparams;
    if (virTypedParamsReplaceString(out, nout, VIR_MIGRATE_PARAM_DEST_XML, xml) < 0)
        return -1;
    maxout = *nout;
    if (!virTypedParamsGet(*out, *nout, VIR_MIGRATE_PARAM_DEST_NAME) &&
        virTypedParamsAddString(out, nout, &maxout,
                                VIR_MIGRATE_PARAM_DEST_NAME, name) < 0)
        return -1;
    return 0;
}

/* Whether @err, the destination's Finish error, came from the connection
 * to it (RPC, transport) rather than from its driver. */
static bool
vxlMigrationErrorIsTransport(const virError *err)
{
    return err->domain == VIR_FROM_RPC || err->domain == VIR_FROM_REMOTE ||
           err->code == VIR_ERR_RPC || err->code == VIR_ERR_NO_CONNECT ||
           err->code == VIR_ERR_OPERATION_TIMEOUT;
}

/* Whether @err, the destination's Finish error, says its answer was
 * lost on the way (the connection), rather than what Finish did. */
static bool
vxlMigrationErrorIsLostAnswer(const virError *err)
{
    return err->code == VIR_ERR_RPC || err->code == VIR_ERR_SYSTEM_ERROR ||
           err->code == VIR_ERR_NO_CONNECT ||
           err->code == VIR_ERR_OPERATION_TIMEOUT;
}

static int
vxlMigrationP2PRun(vxlDriver *driver, virDomainObj *vm, virConnectPtr dconn,
                   virTypedParameterPtr params, int nparams, unsigned int flags)
{
    vxlMigration *mig = vxlDomainPrivGet(vm)->migration;
    const char *xmlin = NULL;
    unsigned long long bandwidth = 0;
    g_autofree char *xml = NULL;
    g_autofree char *cookie = NULL;
    g_autofree char *cookieout = NULL;
    g_autofree char *uriOut = NULL;
    g_autofree char *host = NULL;
    virTypedParameterPtr dparams = NULL;
    int ndparams = 0;
    int cookielen = 0;
    int cookieoutlen = 0;
    unsigned int destflags = flags & ~(VIR_MIGRATE_ABORT_ON_ERROR |
                                       VIR_MIGRATE_CHANGE_PROTECTION);
    virStreamPtr st = NULL;
    virDomainPtr ddomain = NULL;
    virErrorPtr origErr = NULL;
    bool cancelled = true;
    bool tunnelEnded = false;
    int port = 0;
    int ret = -1;
    int rc;

    if (virTypedParamsGetString(params, nparams, VIR_MIGRATE_PARAM_DEST_XML, &xmlin) < 0 ||
        virTypedParamsGetULLong(params, nparams, VIR_MIGRATE_PARAM_BANDWIDTH, &bandwidth) < 0)
        return -1;

    if (virDomainObjGetState(vm, NULL) == VIR_DOMAIN_PAUSED)
        destflags |= VIR_MIGRATE_PAUSED;
    if (!(flags & VIR_MIGRATE_OFFLINE) && virDomainObjCheckActive(vm) < 0)
        return -1;
    if (!(xml = vxlMigrationFormatXML(driver, vm, xmlin, flags)) ||
        vxlMigrationCookieBake(driver, vm->def, &cookie, &cookielen) < 0 ||
        vxlMigrationP2PParams(params, nparams, xml, vm->def->name,
                              &dparams, &ndparams) < 0)
        goto cleanup;

    /* Prepare on the destination. */
    vxlDomainBackendEnter(vm);
    if (flags & VIR_MIGRATE_TUNNELLED) {
        if ((st = virStreamNew(dconn, 0)))
            rc = dconn->driver->domainMigratePrepareTunnel3Params
                (dconn, st, dparams, ndparams, cookie, cookielen,
                 &cookieout, &cookieoutlen, destflags);
        else
            rc = -1;
    } else {
        rc = dconn->driver->domainMigratePrepare3Params
            (dconn, dparams, ndparams, cookie, cookielen,
             &cookieout, &cookieoutlen, &uriOut, destflags);
    }
    vxlDomainBackendExit(vm);
    if (rc < 0)
        goto cleanup;

    /* Perform here. */
    if (flags & VIR_MIGRATE_OFFLINE) {
        cancelled = false;
    } else if (__atomic_load_n(&mig->st.cancelled, __ATOMIC_SEQ_CST)) {
        virReportError(VIR_ERR_OPERATION_ABORTED,
                       _("migration of domain '%s' was cancelled"), vm->def->name);
        virErrorPreserveLast(&origErr);
    } else if (st) {
        if (vxlMigrationSendTunnelled(driver, vm, st, bandwidth, flags,
                                      &tunnelEnded) == 0)
            cancelled = false;
        else
            virErrorPreserveLast(&origErr);
    } else {
        int fd = -1;

        if (!uriOut) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("the destination host gave no migration URI"));
        } else if (vxlMigrationParseURI(uriOut, &host, &port) == 0) {
            vxlDomainBackendEnter(vm);
            fd = vxlMigrationConnect(host, port);
            vxlDomainBackendExit(vm);
        }
        if (fd >= 0 && vxlMigrationSend(driver, vm, fd, bandwidth, flags) == 0) {
            cancelled = false;
            /* Kept for the destination's word on Finish. */
            mig->noteFd = fd;
            fd = -1;
        } else {
            virErrorPreserveLast(&origErr);
        }
        VIR_FORCE_CLOSE(fd);
    }

    /* Finish on the destination. From here its answer decides, and a
     * daemon killed before it is recorded cannot know it. */
    if (!cancelled && virDomainObjIsActive(vm)) {
        vxlDomainPrivGet(vm)->migrationState = VXL_MIGRATION_STATE_FINISHING;
        ignore_value(vxlDomainSaveStatus(driver, vm));
    }
    mig->finishAsked = !cancelled;
    g_clear_pointer(&cookie, g_free);
    cookie = g_steal_pointer(&cookieout);
    cookielen = cookieoutlen;
    cookieoutlen = 0;
    vxlDomainBackendEnter(vm);
    ddomain = dconn->driver->domainMigrateFinish3Params
        (dconn, dparams, ndparams, cookie, cookielen, &cookieout, &cookieoutlen,
         destflags, cancelled);
    vxlDomainBackendExit(vm);
    if (!ddomain && tunnelEnded) {
        virErrorPtr finishErr = virGetLastError();

        /* The destination ended the tunnel, which carries nothing back:
         * its Finish, told the migration is off, says why it failed
         * there (its start refused the guest, its job was aborted). That
         * is what the client hears, not the broken stream. */
        if (finishErr && finishErr->message &&
            !vxlMigrationErrorIsTransport(finishErr)) {
            /* Its text without the prefix of its code (str2), which the
             * report adds again; copied, as the report replaces it. */
            g_autofree char *text = g_strdup(finishErr->str2 ?
                                             finishErr->str2 :
                                             finishErr->message);

            vxlMigrateReportPeerError(finishErr->code, text);
            g_clear_pointer(&origErr, virFreeError);
        }
    }
    if (!ddomain && !origErr)
        virErrorPreserveLast(&origErr);
    cancelled = !ddomain;
    VXL_CRASH_POINT("migrate.p2p.after-finish");

    /* Confirm here; a lost answer to Finish is looked into first. */
    rc = vxlMigrationConfirmPhase(driver, vm, flags, cancelled);
    if (rc == 1 && origErr && !vxlMigrationErrorIsLostAnswer(origErr)) {
        /* The destination answered Finish with an error after it took
         * the guest (its unpause failed: the guest stays paused there,
         * for an administrator): the copy here is gone, and the client
         * hears why, as a client-managed migration's does. */
        VIR_WARN("domain %s moved to the destination, whose Finish failed: %s",
                 vm->def->name, NULLSTR(origErr->message));
    } else if (rc == 1) {
        cancelled = false;
        g_clear_pointer(&origErr, virFreeError);
    } else if (rc < 0 && !origErr) {
        virErrorPreserveLast(&origErr);
    } else if (rc < 0 && mig->finishAsked && cancelled) {
        /* The guest stays paused: say so rather than Finish's error. */
        virFreeError(origErr);
        origErr = NULL;
        virErrorPreserveLast(&origErr);
    }
    ret = cancelled ? -1 : 0;

 cleanup:
    if (ddomain)
        virObjectUnref(ddomain);
    if (st)
        virObjectUnref(st);
    virTypedParamsFree(dparams, ndparams);
    if (origErr)
        virErrorRestore(&origErr);
    return ret;
}

int
vxlMigrationPerformP2P(vxlDriver *driver, virDomainObj *vm,
                       const char *dconnuri, virTypedParameterPtr params,
                       int nparams, unsigned int flags)
{
    virConnectPtr dconn = NULL;
    int features;
    int ret = -1;

    VIR_DEBUG("migrating %s peer-to-peer to %s", vm->def->name, dconnuri);
    vxlDomainBackendEnter(vm);
    dconn = virConnectOpenAuth(dconnuri, virConnectAuthPtrDefault, 0);
    vxlDomainBackendExit(vm);
    if (!dconn)
        return -1;

    features = VIR_DRV_SUPPORTS_FEATURE(dconn->driver, dconn,
                                        VIR_DRV_FEATURE_MIGRATION_PARAMS);
    if (features > 0 && (flags & VIR_MIGRATE_OFFLINE))
        features = VIR_DRV_SUPPORTS_FEATURE(dconn->driver, dconn,
                                            VIR_DRV_FEATURE_MIGRATION_OFFLINE);
    if (features <= 0) {
        if (features == 0)
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("the destination '%s' does not support this driver's migration (protocol 3 with parameters)"),
                           dconnuri);
        goto cleanup;
    }
    g_free(vxlDomainPrivGet(vm)->migration->dconnuri);
    vxlDomainPrivGet(vm)->migration->dconnuri = g_strdup(dconnuri);
    ret = vxlMigrationP2PRun(driver, vm, dconn, params, nparams, flags);

 cleanup:
    {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        vxlDomainBackendEnter(vm);
        virConnectClose(dconn);
        vxlDomainBackendExit(vm);
        virErrorRestore(&saved);
    }
    return ret;
}
