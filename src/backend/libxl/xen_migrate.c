/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_migrate.c: live migration of real Xen domains through libxl's
 * migration stream, the way xl migrate moves them.
 *
 * Source: libxl_domain_suspend(LIBXL_SUSPEND_LIVE) writes the guest to
 * the socket: pre-copy rounds while it runs, then it is suspended and the
 * rest follows. Destination: libxl_domain_create_restore builds the domain
 * from the socket and leaves it paused. Around libxl's stream the two
 * hosts exchange xl's kind of handshake, one line each way: the receiver
 * says it is ready once it has read the sender's banner, and says "done"
 * once it has the domain, so the sender never destroys its copy before
 * the other side holds one; a receiver that fails says why instead
 * (the driver's error line), which the sender reports when its copy or
 * its wait fails. Until the driver's Confirm the source guest
 * stays suspended, and is resumed (suspend cancelled) if the migration is
 * called off. Through libvirt's tunnel, which carries data one way, the
 * replies are left out and the destination's Finish phase reports.
 *
 * libxl gives no byte progress for a migration stream and cannot cap its
 * bandwidth; a cap is refused. Cancel is libxl_ao_abort (and the driver
 * shuts the socket down).
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "backend_migrate.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_migrate");

#define VXL_XEN_MIGRATE_BANNER "virtxl-xen-migration 1"

static vxlXen *
vxlXenGet(vxlBackend *be)
{
    return be->priv;
}

/*
 * A live copy tracks the pages the guest writes meanwhile (log-dirty).
 * For a PV guest Xen does that in shadow paging mode, which a hypervisor
 * built without CONFIG_SHADOW_PAGING (Debian's 4.17, for one) lacks:
 * libxc then fails deep in the stream, reported by libxl as a guest that
 * did not answer its suspend request. HVM and PVH guests use HAP's
 * log-dirty. Refused up front, with the way out (the caller's words).
 */
int
vxlXenLogDirtyPossible(vxlXen *xen, const vxlXenDom *dom)
{
    libxl_physinfo phys;
    bool shadow;
    int rc;

    if (dom->info.domain_type != LIBXL_DOMAIN_TYPE_PV)
        return 1;
    libxl_physinfo_init(&phys);
    rc = libxl_get_physinfo(xen->ctx, &phys);
    shadow = phys.cap_shadow;
    libxl_physinfo_dispose(&phys);
    if (rc != 0) {
        vxlXenReportError(rc, _("cannot read the host's physical information"));
        return -1;
    }
    return shadow ? 1 : 0;
}

static int
vxlXenMigrateCheckLive(vxlXen *xen, const vxlXenDom *dom)
{
    int possible = vxlXenLogDirtyPossible(xen, dom);

    if (possible < 0)
        return -1;
    if (!possible) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("live migration of the PV domain '%s' needs Xen's shadow paging, which this hypervisor is built without; migrate it without --live (paused while it copies), or run it as PVH or HVM"),
                       dom->name);
        return -1;
    }
    return 0;
}

int
vxlXenDomainMigrateSend(vxlBackend *be, uint32_t domid, vxlMigrateStream *st)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    bool wasPaused;
    vxlXenAo ao;
    int rc;

    if (vxlMigrateStreamGet(&st->bandwidthMiBps) != 0) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("libxl cannot cap the bandwidth of a migration stream; migrate without a bandwidth limit"));
        return -1;
    }
    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_MIGRATE) < 0)
        return -1;
    if (st->live && vxlXenMigrateCheckLive(xen, &dom) < 0)
        return -1;
    wasPaused = dom.info.paused;
    st->progressKnown = false;
    vxlMigrateStreamSet(&st->memTotal, dom.info.current_memkb * 1024);

    if (vxlMigrateStreamWriteLine(st->fd, VXL_XEN_MIGRATE_BANNER) < 0) {
        int err = errno;

        if (!vxlMigrateStreamPeerFailed(st))
            virReportSystemError(err,
                                 _("cannot send domain '%s' to the destination host"),
                                 dom.name);
        return -1;
    }
    if (!st->oneWay && vxlMigrateStreamExpect(st->fd, "ready", dom.name) < 0)
        return -1;

    vxlXenLogResetLastError();
    rc = libxl_domain_suspend(xen->ctx, domid, st->fd,
                              st->live ? LIBXL_SUSPEND_LIVE : 0,
                              vxlXenAoInit(&ao));
    rc = vxlXenAoWaitJob(xen, &ao, rc, st->token, -1, NULL,
                         dom.info.current_memkb * 1024);
    if (rc == 0) {
        /* The guest is suspended here: it must not be destroyed until
         * the other side holds it. */
        if (st->oneWay || vxlMigrateStreamExpect(st->fd, "done", dom.name) == 0) {
            vxlMigrateStreamSet(&st->memProcessed, dom.info.current_memkb * 1024);
            VIR_INFO("domain %s (id %u) sent", dom.name, domid);
            return 0;
        }
    } else if (rc == ERROR_ABORTED || vxlMigrateStreamCancelled(st)) {
        virReportError(VIR_ERR_OPERATION_ABORTED,
                       _("migration of domain '%s' was cancelled"), dom.name);
    } else if (!vxlMigrateStreamPeerFailed(st)) {
        /* libxl's writer does not say whether the socket failed: a
         * destination that failed (its restore refused the guest) and
         * closed the connection has said why on it; else the failure is
         * this side's. */
        vxlXenReportDomError(rc, VXL_BACKEND_OP_MIGRATE, &dom);
    }

    /* The guest may have been suspended before the failure: let it run
     * on here, as xl migrate does, paused again if it was. */
    {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        rc = libxl_domain_resume(xen->ctx, domid, 1, NULL);
        if (rc != 0 && rc != ERROR_DOMAIN_NOTFOUND)
            VIR_WARN("cannot resume domain %u after its failed migration: %s",
                     domid, NULLSTR(libxl_error_to_string(rc)));
        if (rc == 0 && wasPaused && libxl_domain_pause(xen->ctx, domid, NULL) != 0)
            VIR_WARN("cannot pause domain %u again after its failed migration",
                     domid);
        virErrorRestore(&saved);
    }
    return -1;
}

int
vxlXenDomainMigrateResume(vxlBackend *be, uint32_t domid, bool paused)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    if (dom.info.shutdown &&
        dom.info.shutdown_reason == LIBXL_SHUTDOWN_REASON_SUSPEND) {
        /* suspend_cancel: the guest carries on from its suspend, as
         * after a failed checkpoint, rather than rebooting. */
        if ((rc = libxl_domain_resume(xen->ctx, domid, 1, NULL)) != 0) {
            vxlXenReportDomError(rc, VXL_BACKEND_OP_RESUME, &dom);
            return -1;
        }
        if (paused && (rc = libxl_domain_pause(xen->ctx, domid, NULL)) != 0) {
            vxlXenReportDomError(rc, VXL_BACKEND_OP_PAUSE, &dom);
            return -1;
        }
        return 0;
    }
    /* Never suspended (a copy cut off before its last round, after a
     * daemon restart): only a pause may need undoing. */
    if (!paused && dom.info.paused &&
        (rc = libxl_domain_unpause(xen->ctx, domid, NULL)) != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_UNPAUSE, &dom);
        return -1;
    }
    return 0;
}

int
vxlXenDomainMigrateReceive(vxlBackend *be, libxl_domain_config *dcfg,
                           const vxlGuestScript *script G_GNUC_UNUSED,
                           vxlMigrateStream *st, uint32_t *domid)
{
    vxlXen *xen = vxlXenGet(be);
    g_autofree char *banner = vxlMigrateStreamReadLine(st->fd);
    libxl_domain_restore_params params;
    uint32_t id = INVALID_DOMID;
    vxlXenBuildLog blog = { 0 };
    vxlXenAo ao;
    int rc = ERROR_FAIL;

    if (!banner || STRNEQ(banner, VXL_XEN_MIGRATE_BANNER)) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the incoming stream for domain '%s' is no Xen migration stream of this driver"),
                       dcfg->c_info.name);
        goto refuse;
    }
    if (vxlXenCheckUnique(xen, dcfg) < 0 || vxlXenCheckType(xen, dcfg) < 0)
        goto refuse;
    if (!st->oneWay && vxlMigrateStreamWriteLine(st->fd, "ready") < 0) {
        virReportSystemError(errno,
                             _("the source host of domain '%s' went away"),
                             dcfg->c_info.name);
        return -1;
    }

    libxl_domain_restore_params_init(&params);
    params.stream_version = 2;
    params.checkpointed_stream = LIBXL_CHECKPOINTED_STREAM_NONE;
    VIR_WITH_MUTEX_LOCK_GUARD(&xen->balloonLock) {
        if (vxlXenHostMakeRoom(xen, dcfg) < 0) {
            libxl_domain_restore_params_dispose(&params);
            goto refuse;
        }
        vxlXenLogResetLastError();
        vxlXenBuildLogBegin(xen, &blog);
        /* libxl leaves the domain paused; Finish unpauses it. */
        rc = libxl_domain_create_restore(xen->ctx, dcfg, &id, st->fd, -1,
                                         &params, vxlXenAoInit(&ao), NULL);
        rc = vxlXenAoWaitJob(xen, &ao, rc, st->token, -1, NULL, 0);
    }
    libxl_domain_restore_params_dispose(&params);
    if (rc != 0) {
        if (rc == ERROR_ABORTED) {
            vxlXenBuildLogEnd(xen, &blog, rc, NULL, dcfg, id);
            virReportError(VIR_ERR_OPERATION_ABORTED,
                           _("incoming migration of domain '%s' was cancelled"),
                           dcfg->c_info.name);
        } else {
            g_autofree char *what =
                g_strdup_printf(_("cannot receive domain '%s'"),
                                dcfg->c_info.name);

            vxlXenBuildLogEnd(xen, &blog, rc, what, dcfg, id);
        }
        goto cleanup;
    }
    vxlXenBuildLogEnd(xen, &blog, 0, NULL, dcfg, id);
    if (vxlXenWatchDeath(xen, id) < 0)
        goto cleanup;
    if (!st->oneWay && vxlMigrateStreamWriteLine(st->fd, "done") < 0) {
        virReportSystemError(errno,
                             _("the source host of domain '%s' went away"),
                             dcfg->c_info.name);
        goto cleanup;
    }
    VIR_DEBUG("received domain %u (%s)", id, dcfg->c_info.name);
    *domid = id;
    return 0;

 cleanup:
    {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        vxlXenCreateCleanup(xen, id);
        virErrorRestore(&saved);
    }
    return -1;

 refuse:
    /* Nothing built yet. The driver tells the source why, once its
     * start has cleaned up (vxlMigrateStreamSendError). */
    return -1;
}

/* libxl's save ends by asking the guest to suspend itself (xenstore's
 * control/shutdown or its suspend event channel) and waits up to a
 * minute for the answer; a PV or PVH guest paused meanwhile cannot
 * give it, and the migration would fail after that minute. */
int
vxlXenDomainMigratePauseSource(vxlBackend *be G_GNUC_UNUSED, uint32_t domid)
{
    virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                   _("domain %u cannot be paused while libxl migrates it, since libxl's last step asks the guest to suspend itself, which a paused guest cannot do"),
                   domid);
    return -1;
}
