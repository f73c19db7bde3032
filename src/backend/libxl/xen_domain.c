/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_domain.c: domain lifecycle and queries through libxl.
 *
 * Each hook checks the domain's state the way the simulator does before
 * calling libxl, so both backends refuse the same things with the same
 * VIR_ERR_* code (backend.h's table): Xen itself would often accept
 * them silently (pausing twice) or fail with a bare ERROR_FAIL.
 *
 * Long operations (create, destroy, core dump ...) run as libxl
 * asynchronous operations completing on libvirt's event loop
 * (vxlXenAoWait); the calling worker thread waits, as the backend
 * contract allows, and the event loop never does. A shutdown or reboot
 * request does not wait for the guest's acknowledgement: that is left
 * to complete on the loop (vxlXenDetachedHow).
 *
 * dom0 is never a domain of this backend: domid 0 is VIR_ERR_NO_DOMAIN.
 */
#include "vxl_internal.h"

#include "xen_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_domain");

static vxlXen *
vxlXenGet(vxlBackend *be)
{
    return be->priv;
}

static vxlDomainState
vxlXenDomainState(const libxl_dominfo *d)
{
    if (d->dying)
        return VXL_DOMSTATE_DYING;
    if (d->shutdown)
        return d->shutdown_reason == LIBXL_SHUTDOWN_REASON_CRASH ?
            VXL_DOMSTATE_CRASHED : VXL_DOMSTATE_SHUTDOWN;
    if (d->paused)
        return VXL_DOMSTATE_PAUSED;
    if (d->running)
        return VXL_DOMSTATE_RUNNING;
    return VXL_DOMSTATE_BLOCKED;
}

void
vxlXenDomClear(vxlXenDom *dom)
{
    g_free(dom->name);
    libxl_dominfo_dispose(&dom->info);
}

int
vxlXenLookup(vxlXen *xen, uint32_t domid, vxlXenDom *dom)
{
    int rc;

    libxl_dominfo_init(&dom->info);
    dom->domid = domid;
    vxlXenLogResetLastError();
    if (domid == 0 ||
        (rc = libxl_domain_info(xen->ctx, &dom->info, domid)) ==
        ERROR_DOMAIN_NOTFOUND) {
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with id %u on this Xen host"), domid);
        return -1;
    }
    if (rc != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot read the state of domain %u"), domid);
        vxlXenReportError(rc, what);
        return -1;
    }
    dom->name = libxl_domid_to_name(xen->ctx, domid);
    if (!dom->name)
        dom->name = g_strdup_printf("(domid %u)", domid);
    return 0;
}

/* Refuse an operation the guest cannot take part in any more; the same
 * words as the simulator. */
int
vxlXenCheckAlive(const vxlXenDom *dom, vxlBackendOp op)
{
    vxlDomainState state = vxlXenDomainState(&dom->info);

    if (state == VXL_DOMSTATE_SHUTDOWN || state == VXL_DOMSTATE_DYING) {
        vxlBackendReportStopped(op, dom->name, dom->domid,
                                NULLSTR(libxl_shutdown_reason_to_string(dom->info.shutdown_reason)));
        return -1;
    }
    if (state == VXL_DOMSTATE_CRASHED) {
        vxlBackendReportStopped(op, dom->name, dom->domid, NULL);
        return -1;
    }
    return 0;
}

void
vxlXenReportDomError(int rc, vxlBackendOp op, const vxlXenDom *dom)
{
    g_autofree char *what = vxlBackendOpFailed(op, dom->name, dom->domid);

    vxlXenReportError(rc, what);
}

static void
vxlXenInfoFill(vxlXen *xen, const libxl_dominfo *d, const char *name,
               vxlDomainInfo *info)
{
    memset(info, 0, sizeof(*info));
    info->domid = d->domid;
    memcpy(info->uuid, libxl_uuid_bytearray_const(&d->uuid), VIR_UUID_BUFLEN);
    info->name = name ? g_strdup(name) : libxl_domid_to_name(xen->ctx, d->domid);
    if (!info->name)
        info->name = g_strdup("");
    info->state = vxlXenDomainState(d);
    info->shutdownReason = d->shutdown ? d->shutdown_reason : 0;
    info->currentKiB = d->current_memkb;
    info->maxKiB = d->max_memkb;
    info->vcpusOnline = d->vcpu_online;
    info->vcpusMax = d->vcpu_max_id + 1;
    info->cpuTimeNs = d->cpu_time;
}

/* ----- create ---------------------------------------------------------- */

/*
 * The simulator's checks on name and UUID, before Xen's less clear ones.
 * A dying domain does not count: destroy has returned, but Xen keeps the
 * domain, UUID included, until every mapping of its memory (xenconsoled's
 * of the console ring, a backend's grants) is dropped, which on a loaded
 * host takes seconds. Refusing then would fail every on_reboot/on_crash
 * restart that comes right after the destroy; xl and Xen do not refuse.
 */
int
vxlXenCheckUnique(vxlXen *xen, libxl_domain_config *dcfg)
{
    const char *name = dcfg->c_info.name;
    libxl_dominfo *list;
    int n = 0;
    int i;
    int ret = 0;

    if (!name || !*name) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("cannot start a domain without a name"));
        return -1;
    }
    if (!(list = libxl_list_domain(xen->ctx, &n)))
        return 0;               /* create itself will say what is wrong */
    for (i = 0; i < n && ret == 0; i++) {
        g_autofree char *other = NULL;

        if (list[i].dying)
            continue;
        other = libxl_domid_to_name(xen->ctx, list[i].domid);
        if (other && STREQ(other, name)) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot start domain '%s': a domain with that name already exists (id %u)"),
                           name, list[i].domid);
            ret = -1;
        } else if (libxl_uuid_compare(&list[i].uuid, &dcfg->c_info.uuid) == 0) {
            char uuid[VIR_UUID_STRING_BUFLEN];

            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot start domain '%s': domain '%s' (id %u) already has uuid %s"),
                           name, NULLSTR(other), list[i].domid,
                           virUUIDFormat(libxl_uuid_bytearray_const(&dcfg->c_info.uuid),
                                         uuid));
            ret = -1;
        }
    }
    libxl_dominfo_list_free(list, n);
    return ret;
}

int
vxlXenCheckType(vxlXen *xen, libxl_domain_config *dcfg)
{
    libxl_physinfo phys;
    libxl_domain_type type = dcfg->c_info.type;
    const char *name = dcfg->c_info.name;
    int ret = 0;

    libxl_physinfo_init(&phys);
    if (libxl_get_physinfo(xen->ctx, &phys) != 0)
        goto cleanup;           /* create itself will say what is wrong */
    if (type == LIBXL_DOMAIN_TYPE_PV && !phys.cap_pv) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot start domain '%s': this host does not run PV guests"),
                       name);
        ret = -1;
    } else if ((type == LIBXL_DOMAIN_TYPE_HVM || type == LIBXL_DOMAIN_TYPE_PVH) &&
               !phys.cap_hvm) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot start %s domain '%s': the host has no hardware virtualization (VT-x/AMD-V) usable by Xen"),
                       libxl_domain_type_to_string(type), name);
        ret = -1;
    }
 cleanup:
    libxl_physinfo_dispose(&phys);
    return ret;
}

/* After a failed create: libxl normally destroys what it built, but an
 * aborted create may leave a half-built domain (libxl.h). */
void
vxlXenCreateCleanup(vxlXen *xen, uint32_t domid)
{
    libxl_dominfo info;
    vxlXenAo ao;

    if (domid == INVALID_DOMID || domid == 0)
        return;
    libxl_dominfo_init(&info);
    if (libxl_domain_info(xen->ctx, &info, domid) == 0) {
        VIR_WARN("destroying half-created domain %u", domid);
        ignore_value(vxlXenAoWait(&ao, libxl_domain_destroy(xen->ctx, domid,
                                                            vxlXenAoInit(&ao))));
    }
    libxl_dominfo_dispose(&info);
}

int
vxlXenDomainCreate(vxlBackend *be, libxl_domain_config *dcfg,
                   const vxlGuestScript *script, bool paused,
                   uint32_t *domid)
{
    vxlXen *xen = vxlXenGet(be);
    uint32_t id = INVALID_DOMID;
    vxlXenBuildLog blog = { 0 };
    vxlXenAo ao;
    int rc = ERROR_FAIL;

    /* @script is the simulator's: a real guest decides for itself. */
    if (vxlXenCheckUnique(xen, dcfg) < 0 || vxlXenCheckType(xen, dcfg) < 0 ||
        vxlXenPciCheckNames(xen, dcfg) < 0)
        return -1;

    VIR_WITH_MUTEX_LOCK_GUARD(&xen->balloonLock) {
        if (vxlXenHostMakeRoom(xen, dcfg) < 0)
            return -1;
        vxlXenLogResetLastError();
        vxlXenBuildLogBegin(xen, &blog);
        /* libxl leaves the new domain paused; the driver unpauses it. */
        rc = vxlXenAoWait(&ao, libxl_domain_create_new(xen->ctx, dcfg, &id,
                                                       vxlXenAoInit(&ao),
                                                       NULL));
    }
    if (rc != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot start domain '%s'"), dcfg->c_info.name);
        virErrorPtr saved;

        vxlXenBuildLogEnd(xen, &blog, rc, what, dcfg, id);
        virErrorPreserveLast(&saved);
        vxlXenCreateCleanup(xen, id);
        virErrorRestore(&saved);
        return -1;
    }

    vxlXenBuildLogEnd(xen, &blog, 0, NULL, dcfg, id);
    VIR_DEBUG("libxl created domain %u (%s)", id, dcfg->c_info.name);
    if (vxlXenWatchDeath(xen, id) < 0)
        goto error;
    if (!paused) {
        vxlXenLogResetLastError();
        if ((rc = vxlXenAoWait(&ao, libxl_domain_unpause(xen->ctx, id,
                                                         vxlXenAoInit(&ao)))) != 0) {
            g_autofree char *what =
                g_strdup_printf(_("cannot unpause new domain '%s' (id %u)"),
                                dcfg->c_info.name, id);
            vxlXenReportError(rc, what);
            goto error;
        }
    }
    VIR_DEBUG("created domain %u (%s), %s", id, dcfg->c_info.name,
              paused ? "paused" : "running");
    *domid = id;
    return 0;

 error:
    {
        virErrorPtr saved;

        virErrorPreserveLast(&saved);
        vxlXenUnwatchDeath(xen, id);
        vxlXenCreateCleanup(xen, id);
        virErrorRestore(&saved);
    }
    return -1;
}

/* ----- lifecycle ------------------------------------------------------- */

int
vxlXenDomainDestroy(vxlBackend *be, uint32_t domid)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    VIR_DEBUG("destroying domain %u (%s)", domid, dom.name);
    /* Our own destroy is not a death "outside this driver". */
    vxlXenUnwatchDeath(xen, domid);
    vxlXenLogResetLastError();
    rc = vxlXenAoWait(&ao, libxl_domain_destroy(xen->ctx, domid,
                                                vxlXenAoInit(&ao)));
    if (rc != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_DESTROY, &dom);
        ignore_value(vxlXenWatchDeath(xen, domid));
        return -1;
    }
    return 0;
}

/*
 * Ask the guest, the ways @modes allows (vxlBackendRequestPlan): through
 * its PV control node when it has PV drivers; an HVM guest without them
 * gets the ACPI power button, which is what a guest OS without PV
 * drivers understands. No ACPI fallback for a reboot: a reset trigger
 * restarts the guest in place, without the shutdown event the driver's
 * on_reboot needs.
 *
 * libxl writes the control node before its call returns; the guest's
 * acknowledgement is a detached operation (xen_event.c), so a paused
 * guest or one still booting does not hold the caller for libxl's
 * 60 s: it acts on the request when it runs.
 */
static int
vxlXenDomainRequest(vxlBackend *be, uint32_t domid, bool reboot,
                    unsigned int modes)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    vxlBackendOp op = reboot ? VXL_BACKEND_OP_REBOOT : VXL_BACKEND_OP_SHUTDOWN;
    g_autofree char *what = NULL;
    const libxl_asyncop_how *how;
    bool pv;
    bool acpi;
    vxlXenAo ao;
    int rc = ERROR_NOPARAVIRT;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, op) < 0 ||
        vxlBackendRequestPlan(dom.name, domid, dom.info.domain_type, reboot,
                              modes, &pv, &acpi) < 0)
        return -1;

    if (pv) {
        what = g_strdup_printf("guest acknowledgement of the %s request",
                               reboot ? "reboot" : "poweroff");
        if (!(how = vxlXenDetachedHow(xen, domid, what))) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           reboot ? _("cannot reboot domain '%s' (id %u): the driver is shutting down") :
                                    _("cannot shut down domain '%s' (id %u): the driver is shutting down"),
                           dom.name, domid);
            return -1;
        }
        vxlXenLogResetLastError();
        rc = reboot ? libxl_domain_reboot(xen->ctx, domid, how) :
                      libxl_domain_shutdown(xen->ctx, domid, how);
        vxlXenDetachedStarted(xen, how, rc);
        if (rc == 0)
            return 0;
    }
    if (rc == ERROR_NOPARAVIRT && acpi) {
        VIR_DEBUG("domain %u %s: pressing its power button", domid,
                  pv ? "has no PV drivers" : "is asked by ACPI only");
        vxlXenLogResetLastError();
        rc = vxlXenAoWait(&ao, libxl_send_trigger(xen->ctx, domid,
                                                  LIBXL_TRIGGER_POWER, 0,
                                                  vxlXenAoInit(&ao)));
        if (rc == 0)
            return 0;
    }
    if (rc == ERROR_NOPARAVIRT) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       reboot ? _("cannot reboot domain '%s' (id %u) through its PV control node: the guest has no PV drivers running") :
                                _("cannot shut down domain '%s' (id %u) through its PV control node: the guest has no PV drivers running"),
                       dom.name, domid);
        return -1;
    }
    vxlXenReportDomError(rc, op, &dom);
    return -1;
}

int
vxlXenDomainShutdown(vxlBackend *be, uint32_t domid, unsigned int modes)
{
    return vxlXenDomainRequest(be, domid, false, modes);
}

int
vxlXenDomainReboot(vxlBackend *be, uint32_t domid, unsigned int modes)
{
    return vxlXenDomainRequest(be, domid, true, modes);
}

static int
vxlXenDomainSetPaused(vxlBackend *be, uint32_t domid, bool pause)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, pause ? VXL_BACKEND_OP_PAUSE : VXL_BACKEND_OP_UNPAUSE) < 0)
        return -1;
    if (pause && dom.info.paused) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' (id %u) is already paused"),
                       dom.name, domid);
        return -1;
    }
    if (!pause && !dom.info.paused) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' (id %u) is not paused"), dom.name, domid);
        return -1;
    }
    vxlXenLogResetLastError();
    if (pause)
        rc = vxlXenAoWait(&ao, libxl_domain_pause(xen->ctx, domid,
                                                  vxlXenAoInit(&ao)));
    else
        rc = vxlXenAoWait(&ao, libxl_domain_unpause(xen->ctx, domid,
                                                    vxlXenAoInit(&ao)));
    if (rc != 0) {
        vxlXenReportDomError(rc, pause ? VXL_BACKEND_OP_PAUSE : VXL_BACKEND_OP_UNPAUSE, &dom);
        return -1;
    }
    return 0;
}

int
vxlXenDomainPause(vxlBackend *be, uint32_t domid)
{
    return vxlXenDomainSetPaused(be, domid, true);
}

int
vxlXenDomainUnpause(vxlBackend *be, uint32_t domid)
{
    return vxlXenDomainSetPaused(be, domid, false);
}

/*
 * Without @uuid a plain rename. With it, libxl_domain_preserve(), which
 * is how xl keeps a dead domain for rename-restart: new name, new UUID
 * in xenstore, so the next incarnation can have the old ones.
 */
int
vxlXenDomainRename(vxlBackend *be, uint32_t domid, const char *name,
                   const unsigned char *uuid)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    uint32_t other;
    int rc;

    if (!name || !*name) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a domain's new name must not be empty"));
        return -1;
    }
    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    if (libxl_name_to_domid(xen->ctx, name, &other) == 0 && other != domid) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot rename domain '%s' to '%s': a domain with that name already exists (id %u)"),
                       dom.name, name, other);
        return -1;
    }
    vxlXenLogResetLastError();
    if (uuid) {
        libxl_domain_create_info cinfo;
        libxl_uuid xuuid;

        libxl_domain_create_info_init(&cinfo);
        cinfo.name = g_strdup(name);
        memcpy(libxl_uuid_bytearray(&xuuid), uuid, VIR_UUID_BUFLEN);
        rc = libxl_domain_preserve(xen->ctx, domid, &cinfo, "", xuuid);
        libxl_domain_create_info_dispose(&cinfo);
    } else {
        rc = libxl_domain_rename(xen->ctx, domid, NULL, name);
    }
    if (rc != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot rename domain '%s' (id %u) to '%s'"),
                            dom.name, domid, name);
        vxlXenReportError(rc, what);
        return -1;
    }
    return 0;
}

/* ----- queries --------------------------------------------------------- */

int
vxlXenDomainGetInfo(vxlBackend *be, uint32_t domid, vxlDomainInfo *info)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    vxlXenInfoFill(xen, &dom.info, dom.name, info);
    return 0;
}

int
vxlXenDomainList(vxlBackend *be, vxlDomainInfo **infos, size_t *ninfos)
{
    vxlXen *xen = vxlXenGet(be);
    libxl_dominfo *list;
    vxlDomainInfo *out;
    size_t nout = 0;
    int n = 0;
    int i;

    vxlXenLogResetLastError();
    if (!(list = libxl_list_domain(xen->ctx, &n))) {
        vxlXenReportError(ERROR_FAIL, _("cannot list the domains on this Xen host"));
        return -1;
    }
    /* libxl lists by domid, dom0 first. */
    out = g_new0(vxlDomainInfo, MAX(n, 1));
    for (i = 0; i < n; i++) {
        if (list[i].domid == 0)
            continue;
        vxlXenInfoFill(xen, &list[i], NULL, &out[nout++]);
    }
    libxl_dominfo_list_free(list, n);
    *infos = out;
    *ninfos = nout;
    return 0;
}

/* Every domain but dom0: what a daemon restart reconnects to. */
int
vxlXenWatchAll(vxlXen *xen)
{
    libxl_dominfo *list;
    int n = 0;
    int i;

    vxlXenLogResetLastError();
    if (!(list = libxl_list_domain(xen->ctx, &n))) {
        vxlXenReportError(ERROR_FAIL, _("cannot list the domains on this Xen host"));
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (list[i].domid == 0 || list[i].dying)
            continue;
        if (vxlXenWatchDeath(xen, list[i].domid) < 0) {
            VIR_WARN("%s", virGetLastErrorMessage());
            virResetLastError();
        }
    }
    libxl_dominfo_list_free(list, n);
    return 0;
}

/* ----- memory / vCPUs -------------------------------------------------- */

int
vxlXenDomainSetMemory(vxlBackend *be, uint32_t domid,
                      unsigned long long targetKiB)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    if (targetKiB == 0 || targetKiB > dom.info.max_memkb) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set the memory of domain '%s' (id %u) to %llu KiB: it must be between 1 KiB and its maximum of %llu KiB"),
                       dom.name, domid, targetKiB,
                       (unsigned long long)dom.info.max_memkb);
        return -1;
    }
    vxlXenLogResetLastError();
    if ((rc = libxl_set_memory_target(xen->ctx, domid, targetKiB, 0, 1)) != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_SET_MEMORY, &dom);
        return -1;
    }
    return 0;
}

int
vxlXenDomainSetMaxMemory(vxlBackend *be, uint32_t domid,
                         unsigned long long maxKiB)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    if (maxKiB < dom.info.current_memkb) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set the maximum memory of domain '%s' (id %u) to %llu KiB: it is below its current memory of %llu KiB"),
                       dom.name, domid, maxKiB,
                       (unsigned long long)dom.info.current_memkb);
        return -1;
    }
    vxlXenLogResetLastError();
    if ((rc = libxl_domain_setmaxmem(xen->ctx, domid, maxKiB)) != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_SET_MAX_MEMORY, &dom);
        return -1;
    }
    return 0;
}

int
vxlXenDomainSetVcpusOnline(vxlBackend *be, uint32_t domid, unsigned int nvcpus)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    libxl_bitmap map;
    unsigned int max;
    unsigned int i;
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0 ||
        vxlXenCheckAlive(&dom, VXL_BACKEND_OP_SET_VCPUS) < 0)
        return -1;
    max = dom.info.vcpu_max_id + 1;
    if (nvcpus < 1 || nvcpus > max) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set %u vCPUs online in domain '%s' (id %u): it has between 1 and %u"),
                       nvcpus, dom.name, domid, max);
        return -1;
    }
    libxl_bitmap_init(&map);
    vxlXenLogResetLastError();
    if ((rc = libxl_cpu_bitmap_alloc(xen->ctx, &map, max)) != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_SET_VCPUS, &dom);
        return -1;
    }
    for (i = 0; i < nvcpus; i++)
        libxl_bitmap_set(&map, i);
    rc = vxlXenAoWait(&ao, libxl_set_vcpuonline(xen->ctx, domid, &map,
                                                vxlXenAoInit(&ao)));
    libxl_bitmap_dispose(&map);
    if (rc != 0) {
        vxlXenReportDomError(rc, VXL_BACKEND_OP_SET_VCPUS, &dom);
        return -1;
    }
    return 0;
}

/* ----- core dumps ------------------------------------------------------ */

int
vxlXenDomainCoreDump(vxlBackend *be, uint32_t domid, const char *path,
                     vxlJobToken *token)
{
    vxlXen *xen = vxlXenGet(be);
    g_auto(vxlXenDom) dom = { 0 };
    vxlXenAo ao;
    int rc;

    if (vxlXenLookup(xen, domid, &dom) < 0)
        return -1;
    vxlXenLogResetLastError();
    rc = libxl_domain_core_dump(xen->ctx, domid, path, vxlXenAoInit(&ao));
    rc = vxlXenAoWaitJob(xen, &ao, rc, token, -1, path,
                         dom.info.current_memkb * 1024);
    if (rc != 0) {
        g_autofree char *what =
            g_strdup_printf(_("cannot dump the core of domain '%s' (id %u) to %s"),
                            dom.name, domid, path);
        vxlXenReportError(rc, what);
        /* libxl leaves what it wrote before failing (on a full disk,
         * most of a core): remove it, as the backend contract says. */
        if (unlink(path) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove the partial core dump %s: %s",
                     path, g_strerror(errno));
        return -1;
    }
    return 0;
}
