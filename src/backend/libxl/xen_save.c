/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_save.c: save and restore of real Xen domains through libxl's save
 * stream (libxl_domain_suspend, libxl_domain_create_restore), and the
 * wait that gives long libxl operations progress and cancel.
 *
 * libxl reports no byte progress for a save, a restore or a core dump,
 * but it writes (or reads) the file the driver gave it in order: the
 * file offset of that fd, or the size of the core file, says how far it
 * got. Cancel is libxl_ao_abort on the operation's ao_how; libxl then
 * completes the operation with ERROR_ABORTED.
 */
#include "vxl_internal.h"

#include <sys/stat.h>
#include <unistd.h>

#include "xen_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "virtime.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_save");

/* How often progress is sampled and a cancel looked for, in ms. */
#define VXL_XEN_JOB_TICK_MS 200

static vxlXen *
vxlXenGet(vxlBackend *be)
{
    return be->priv;
}

/* Whether @domid is shut down with reason suspend (stopped by a save). */
static bool
vxlXenSuspendedNow(vxlXen *xen, uint32_t domid)
{
    libxl_dominfo info;
    bool ret;

    libxl_dominfo_init(&info);
    ret = libxl_domain_info(xen->ctx, &info, domid) == 0 && info.shutdown &&
          info.shutdown_reason == LIBXL_SHUTDOWN_REASON_SUSPEND;
    libxl_dominfo_dispose(&info);
    return ret;
}

/* A live save's guest (@liveDomid, else INVALID_DOMID) suspended:
 * libxc stopped it for the last round. */
static void
vxlXenJobSampleLive(vxlXen *xen, uint32_t liveDomid, vxlJobToken *token)
{
    if (liveDomid != INVALID_DOMID && vxlXenSuspendedNow(xen, liveDomid))
        vxlJobTokenSetRound(token, 0, 0, true);
}

/* @total 0 with an fd: a stream of unknown length (a live save sends
 * pages again): the guest's memory or what was written, whichever is
 * more. */
static void
vxlXenJobSample(vxlJobToken *token, int fd, off_t base, const char *path,
                unsigned long long total)
{
    unsigned long long done = 0;

    if (fd >= 0) {
        off_t off = lseek(fd, 0, SEEK_CUR);

        if (off >= base)
            done = off - base;
    } else if (path) {
        struct stat sb;

        if (stat(path, &sb) == 0)
            done = sb.st_size;
    }
    vxlJobTokenSetProgress(token, MIN(done, total), total);
}

static int
vxlXenAoWaitJobFull(vxlXen *xen, vxlXenAo *ao, int rc, vxlJobToken *token,
                    int fd, const char *path, unsigned long long total,
                    uint32_t liveDomid)
{
    off_t base = fd >= 0 ? lseek(fd, 0, SEEK_CUR) : 0;
    bool aborted = false;

    if (rc != 0 || !token)
        return vxlXenAoWait(ao, rc);
    if (base < 0)
        base = 0;

    virMutexLock(&ao->lock);
    while (!ao->done) {
        unsigned long long now = 0;

        if (virTimeMillisNow(&now) < 0)
            now = 0;
        /* A timeout is the expected outcome: sample, then wait again. */
        ignore_value(virCondWaitUntil(&ao->cond, &ao->lock,
                                      now + VXL_XEN_JOB_TICK_MS));
        if (ao->done)
            break;
        if (liveDomid != INVALID_DOMID && fd >= 0) {
            off_t off = lseek(fd, 0, SEEK_CUR);

            /* Pages sent again make the stream longer than memory. */
            if (off > base && (unsigned long long)(off - base) > total)
                total = off - base;
        }
        vxlXenJobSample(token, fd, base, path, total);
        vxlXenJobSampleLive(xen, liveDomid, token);
        if (!aborted && vxlJobTokenCancelled(token)) {
            int arc;

            aborted = true;
            /* libxl may complete the operation on this very thread,
             * inside the abort, and its callback takes ao->lock. */
            virMutexUnlock(&ao->lock);
            arc = libxl_ao_abort(xen->ctx, &ao->how);
            VIR_DEBUG("abort requested: %s",
                      arc == 0 ? "aborting" : NULLSTR(libxl_error_to_string(arc)));
            virMutexLock(&ao->lock);
        }
    }
    virMutexUnlock(&ao->lock);
    rc = vxlXenAoWait(ao, 0);
    if (rc == 0)
        vxlJobTokenSetProgress(token, total, total);
    return rc;
}

int
vxlXenAoWaitJob(vxlXen *xen, vxlXenAo *ao, int rc, vxlJobToken *token,
                int fd, const char *path, unsigned long long total)
{
    return vxlXenAoWaitJobFull(xen, ao, rc, token, fd, path, total,
                               INVALID_DOMID);
}

int
vxlXenDomainSave(vxlBackend *be, uint32_t domid, int fd, vxlJobToken *token)
{
    return vxlXenSaveStream(vxlXenGet(be), domid, fd, token, false);
}

int
vxlXenSaveStream(vxlXen *xen, uint32_t domid, int fd, vxlJobToken *token,
                 bool live)
{
    g_auto(vxlXenDom) dom = { 0 };
    bool wasPaused;
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_SAVE) < 0)
        return -1;
    wasPaused = dom.info.paused;

    /* A paused PV or PVH guest cannot answer libxl's suspend request (it
     * suspends itself), so it would time out: let it run for the
     * suspend. The image is still of one instant, and the domain layer
     * records that the guest was paused, so a restore leaves it paused. */
    if (wasPaused && (rc = libxl_domain_unpause(xen->ctx, domid, NULL)) != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_UNPAUSE, &dom);
        return -1;
    }

    vxlXenLogResetLastError();
    /* Not live: libxl suspends the guest, then writes its memory, as
     * `xl save` does; the image is of one instant. Live: libxc copies
     * while the guest runs, then suspends it for the last round; the
     * image is of that instant. libxl tells nothing of the rounds: the
     * samples watch for the suspend. */
    if (live)
        vxlJobTokenSetRound(token, 1, 0, wasPaused);
    rc = libxl_domain_suspend(xen->ctx, domid, fd, live ? LIBXL_SUSPEND_LIVE : 0,
                              vxlXenAoInit(&ao));
    rc = vxlXenAoWaitJobFull(xen, &ao, rc, token, fd, NULL,
                             dom.info.current_memkb * 1024,
                             live ? domid : INVALID_DOMID);
    if (rc == 0 && live)
        vxlJobTokenSetRound(token, 0, 0, true);
    if (rc == 0)
        return 0;

    if (rc == ERROR_ABORTED) {
        virReportError(VIR_ERR_OPERATION_ABORTED,
                       _("the save of domain '%s' (id %u) was cancelled"),
                       dom.name, domid);
    } else {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_SAVE, &dom);
    }

    /* The guest may have been suspended before the failure: let it run
     * on (xl save does the same), paused again if it was. */
    {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        /* A save that failed before the guest suspended left it running:
         * nothing to resume, only the pause above to undo. */
        if ((live || wasPaused) && !vxlXenSuspendedNow(xen, domid)) {
            if (wasPaused && libxl_domain_pause(xen->ctx, domid, NULL) != 0)
                VIR_WARN("cannot pause domain %u again after its failed save",
                         domid);
            virErrorRestore(&saved);
            return -1;
        }
        rc = libxl_domain_resume(xen->ctx, domid, 1, NULL);
        if (rc != 0 && rc != ERROR_DOMAIN_NOTFOUND)
            VIR_WARN("cannot resume domain %u after its failed save: %s",
                     domid, NULLSTR(libxl_error_to_string(rc)));
        if (rc == 0 && wasPaused && libxl_domain_pause(xen->ctx, domid, NULL) != 0)
            VIR_WARN("cannot pause domain %u again after its failed save",
                     domid);
        virErrorRestore(&saved);
    }
    return -1;
}

int
vxlXenDomainRestore(vxlBackend *be, libxl_domain_config *dcfg,
                    const vxlGuestScript *script G_GNUC_UNUSED, int fd,
                    vxlJobToken *token, uint32_t *domid)
{
    vxlXen *xen = vxlXenGet(be);
    libxl_domain_restore_params params;
    uint32_t id = INVALID_DOMID;
    unsigned long long total = 0;
    vxlXenBuildLog blog = { 0 };
    vxlXenAo ao;
    int rc = ERROR_FAIL;

    if (vxlXenCheckUnique(xen, dcfg) < 0 || vxlXenCheckType(xen, dcfg) < 0)
        return -1;

    libxl_domain_restore_params_init(&params);
    /* libxl_domain_suspend writes version 2 of the stream. */
    params.stream_version = 2;
    params.checkpointed_stream = LIBXL_CHECKPOINTED_STREAM_NONE;
    if (dcfg->b_info.target_memkb != LIBXL_MEMKB_DEFAULT)
        total = dcfg->b_info.target_memkb * 1024;

    VIR_WITH_MUTEX_LOCK_GUARD(&xen->balloonLock) {
        if (vxlXenHostMakeRoom(xen, dcfg) < 0) {
            libxl_domain_restore_params_dispose(&params);
            return -1;
        }
        vxlXenLogResetLastError();
        vxlXenBuildLogBegin(xen, &blog);
        /* libxl leaves the restored domain paused; the driver unpauses. */
        rc = libxl_domain_create_restore(xen->ctx, dcfg, &id, fd, -1, &params,
                                         vxlXenAoInit(&ao), NULL);
        rc = vxlXenAoWaitJob(xen, &ao, rc, token, fd, NULL, total);
    }
    libxl_domain_restore_params_dispose(&params);
    if (rc == 0)
        vxlXenBuildLogEnd(xen, &blog, 0, NULL, dcfg, id);
    if (rc != 0) {
        virErrorPtr saved;

        if (rc == ERROR_ABORTED) {
            vxlXenBuildLogEnd(xen, &blog, rc, NULL, dcfg, id);
            virReportError(VIR_ERR_OPERATION_ABORTED,
                           _("the restore of domain '%s' was cancelled"),
                           dcfg->c_info.name);
        } else {
            g_autofree char *what =
                g_strdup_printf(_("cannot restore domain '%s'"),
                                dcfg->c_info.name);

            vxlXenBuildLogEnd(xen, &blog, rc, what, dcfg, id);
        }
        virErrorPreserveLast(&saved);
        vxlXenCreateCleanup(xen, id);
        virErrorRestore(&saved);
        return -1;
    }
    if (vxlXenWatchDeath(xen, id) < 0) {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        vxlXenCreateCleanup(xen, id);
        virErrorRestore(&saved);
        return -1;
    }
    VIR_DEBUG("libxl restored domain %u (%s)", id, dcfg->c_info.name);
    *domid = id;
    return 0;
}
