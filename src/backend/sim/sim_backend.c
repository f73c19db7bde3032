/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_backend.c: the simulator's vxlBackendOps, a model of a Xen host.
 *
 * Each hook follows one shape, written once in vxlSimWithDomain: take the
 * model lock, bring the model up to now (vxlSimCatchUp), look the domain
 * up, check that its state allows the operation, change the model (the
 * hook's own act), take a snapshot, re-arm the timer, drop the lock, write
 * the snapshot. Checks come before any change, so a hook that
 * fails has changed nothing (what the catch-up found, a guest that acted
 * meanwhile, is saved and announced by the timer). The only hook that blocks is domainCreate,
 * for the guest's boot delay, and it blocks without the lock.
 *
 * What is and is not modelled is in docs/simulator.md.
 */
#include "vxl_internal.h"

#include <libxl_utils.h>

#include "util_json.h"             /* yajl, before libxl's generators */
#include <_libxl_types_json.h>

#include "virtxl/backend.h"
#include "backend_impl.h"
#include "sim_priv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virutil.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_backend");

vxlSim *
vxlSimGet(vxlBackend *be)
{
    return be->priv;
}

/* The domain @domid as hooks see it: a domain still being built does not
 * exist yet for anybody but its creator. Called with the lock held, after
 * vxlSimCatchUp. */
vxlSimDomain *
vxlSimLookup(vxlSim *sim, uint32_t domid)
{
    vxlSimDomain *dom = vxlSimFindDomain(sim, domid);

    if (!dom || dom->building) {
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with id %u on the simulated host"), domid);
        return NULL;
    }
    /* Its clock, as of the hook's catch-up: the model accounts a domain
     * when somebody looks, not every domain at every hook. */
    vxlSimAccount(dom, sim->now);
    return dom;
}

/* Refuse an operation the guest cannot take part in any more. */
int
vxlSimCheckAlive(const vxlSimDomain *dom, vxlBackendOp op)
{
    if (dom->state == VXL_DOMSTATE_SHUTDOWN) {
        vxlBackendReportStopped(op, dom->name, dom->domid,
                                vxlSimReasonTypeToString(dom->reason));
        return -1;
    }
    if (dom->state == VXL_DOMSTATE_CRASHED) {
        vxlBackendReportStopped(op, dom->name, dom->domid, NULL);
        return -1;
    }
    return 0;
}

/* ----- host ------------------------------------------------------------ */

/*
 * Who the simulated host is: its name from the config, else the
 * profile's, else the machine's; its UUID from the config, else derived
 * from the name, so that a host keeps its identity across restarts and
 * two daemons named differently are two hosts to libvirt's migration.
 */
static int
vxlSimHostIdentity(vxlSim *sim, const vxlBackendConfig *cfg)
{
    g_autoptr(GChecksum) sum = NULL;
    guint8 digest[32];
    gsize len = sizeof(digest);

    if (cfg->simHostName) {
        g_free(sim->facts.hostname);
        sim->facts.hostname = g_strdup(cfg->simHostName);
    }
    if (!sim->facts.hostname && !(sim->facts.hostname = virGetHostnameQuiet()))
        sim->facts.hostname = g_strdup("localhost");

    if (cfg->simHostUUID) {
        if (virUUIDParse(cfg->simHostUUID, sim->facts.hostUUID) < 0) {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("sim_host_uuid = \"%s\" is not a UUID"),
                           cfg->simHostUUID);
            return -1;
        }
        return 0;
    }
    sum = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(sum, (const guchar *)"virtxl simulated host ", -1);
    g_checksum_update(sum, (const guchar *)sim->facts.hostname, -1);
    g_checksum_get_digest(sum, digest, &len);
    memcpy(sim->facts.hostUUID, digest, VIR_UUID_BUFLEN);
    /* An RFC 4122 name-based UUID: version 5 bits, variant 10. */
    sim->facts.hostUUID[6] = (sim->facts.hostUUID[6] & 0x0f) | 0x50;
    sim->facts.hostUUID[8] = (sim->facts.hostUUID[8] & 0x3f) | 0x80;
    return 0;
}

int
vxlSimOpen(vxlBackend *be, const vxlBackendConfig *cfg)
{
    vxlSim *sim = vxlSimNew();
    g_auto(vxlSimSnapshot) snap = { 0 };
    g_autofree char *path = NULL;
    g_autoptr(virJSONValue) profile = NULL;
    long long now;

    if (!(path = vxlHostProfileResolve(cfg->simProfile)) ||
        vxlHostProfileLoad(path, &sim->facts) < 0)
        goto error;
    sim->profilePath = g_steal_pointer(&path);
    if (vxlSimHostIdentity(sim, cfg) < 0)
        goto error;

    sim->saveRateKiB = 1024ULL * (cfg->simSaveRateMiB ? cfg->simSaveRateMiB :
                                  VXL_SIM_SAVE_RATE_MIB_DEFAULT);
    sim->noCreateCancel = cfg->simNoCreateCancel;
    sim->diskChecks = cfg->simDiskCheck;
    if (cfg->events) {
        sim->events = *cfg->events;
        sim->eventsOpaque = cfg->eventsOpaque;
    }
    if (cfg->stateDir) {
        if (g_mkdir_with_parents(cfg->stateDir, 0700) < 0) {
            virReportSystemError(errno,
                                 _("cannot create the simulator's state directory %s"),
                                 cfg->stateDir);
            goto error;
        }
        sim->statePath = g_strdup_printf("%s/%s", cfg->stateDir,
                                         VXL_SIM_STATE_DIR);
        sim->legacyPath = g_strdup_printf("%s/%s", cfg->stateDir,
                                          VXL_SIM_STATE_FILE);
    }

    /* The profile's device lists, read from one parse of it. */
    if (!(profile = vxlSimProfileRead(sim)) ||
        vxlSimPciLoad(sim, profile) < 0 || vxlSimUsbLoad(sim, profile) < 0 ||
        vxlSimPvBackendsLoad(sim, profile) < 0 || vxlSimLoad(sim) < 0)
        goto error;

    /* libxl reports a domain that is already shut down as soon as the
     * toolstack watches it again; so does the model after a restart. */
    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        GHashTableIter it;
        vxlSimDomain *dom;

        g_hash_table_iter_init(&it, sim->domains);
        while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
            if (dom->state == VXL_DOMSTATE_SHUTDOWN ||
                dom->state == VXL_DOMSTATE_CRASHED)
                vxlSimQueueEvent(sim, dom);
            /* The device models kept running while the daemon was
             * away; their displays are served again. */
            if (!dom->building)
                vxlSimDisplayOpen(sim, dom);
        }
        vxlSimTimerCreate(sim);
        now = g_get_monotonic_time();
        vxlSimAdvance(sim, now);
        /* host.json always exists: the layout is whole from the start. */
        sim->hostDirty = true;
        vxlSimSnapshotTake(sim, &snap, NULL);
        vxlSimReschedule(sim, now);
    }
    vxlSimSave(sim, &snap);

    VIR_INFO("simulated Xen host from %s: %s, %u CPUs, %llu KiB",
             sim->profilePath, sim->facts.arch, sim->facts.nrCpus,
             sim->facts.totalKiB);
    be->priv = sim;
    return 0;

 error:
    vxlSimUnref(sim);
    return -1;
}

/*
 * Domains do not stop: they are saved with the rest of the model and found
 * again by the next open(). Events not yet delivered are dropped; the next
 * open() reports every shut-down domain again.
 */
void
vxlSimClose(vxlBackend *be)
{
    vxlSim *sim = vxlSimGet(be);
    g_auto(vxlSimSnapshot) snap = { 0 };

    if (!sim)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        long long now = g_get_monotonic_time();

        vxlSimAdvance(sim, now);
        /* The counters: a create cut short by the close took an id that
         * no domain file records, and the next open must not reuse it. */
        sim->hostDirty = true;
        vxlSimSnapshotTake(sim, &snap, NULL);
        vxlSimTimerRemove(sim);
        sim->closed = true;
        virCondBroadcast(&sim->buildCond);
        /* Free the model now: the struct itself may outlive us until the
         * event loop runs the timer's free callback. */
        vxlSimDomainRemoveAll(sim);
        g_array_set_size(sim->pending, 0);
    }
    vxlSimSave(sim, &snap);
    be->priv = NULL;
    vxlSimUnref(sim);
}

int
vxlSimHostGetFacts(vxlBackend *be, vxlHostFacts *facts)
{
    vxlSim *sim = vxlSimGet(be);
    unsigned long long freeKiB = 0;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        freeKiB = vxlSimFreeKiB(sim);
    }
    vxlSimHostFactsFill(sim, freeKiB, facts);
    return 0;
}

int
vxlSimHostGetFreeMemory(vxlBackend *be, unsigned long long *freeKiB)
{
    vxlSim *sim = vxlSimGet(be);
    VIR_LOCK_GUARD lock = virLockGuardLock(&sim->lock);

    *freeKiB = vxlSimFreeKiB(sim);
    return 0;
}

/* ----- create ---------------------------------------------------------- */

static const char *
vxlSimTypeName(libxl_domain_type type)
{
    switch (type) {
    case LIBXL_DOMAIN_TYPE_HVM: return "HVM";
    case LIBXL_DOMAIN_TYPE_PV: return "PV";
    case LIBXL_DOMAIN_TYPE_PVH: return "PVH";
    case LIBXL_DOMAIN_TYPE_INVALID: break;
    }
    return "unknown";
}

/*
 * Can this host run a domain of @type with @vcpus vCPUs? PV needs Xen's
 * PV support; HVM needs hardware virtualization and HVM guests in Xen's
 * capabilities (Xen on Arm has the former but not the latter: its guests
 * are all PVH to libxl); PVH needs hardware virtualization.
 */
static int
vxlSimCheckType(vxlSim *sim, const char *name, libxl_domain_type type,
                unsigned int vcpus)
{
    const vxlHostFacts *f = &sim->facts;
    unsigned int limit = 0;

    switch (type) {
    case LIBXL_DOMAIN_TYPE_PV:
        if (!f->pv) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("cannot start domain '%s': this host (%s) does not run PV guests; its Xen capabilities are '%s'"),
                           name, f->arch, f->xenCaps);
            return -1;
        }
        limit = f->maxVcpusPV;
        break;
    case LIBXL_DOMAIN_TYPE_HVM:
    case LIBXL_DOMAIN_TYPE_PVH:
        if (!f->hvm) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("cannot start %s domain '%s': the host has no hardware virtualization (VT-x/AMD-V) usable by Xen"),
                           vxlSimTypeName(type), name);
            return -1;
        }
        if (type == LIBXL_DOMAIN_TYPE_HVM && !strstr(f->xenCaps, "hvm-")) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("cannot start HVM domain '%s': Xen on this host (%s) offers no HVM guests; its capabilities are '%s'"),
                           name, f->arch, f->xenCaps);
            return -1;
        }
        limit = type == LIBXL_DOMAIN_TYPE_HVM ? f->maxVcpusHVM : f->maxVcpusPVH;
        break;
    case LIBXL_DOMAIN_TYPE_INVALID:
    default:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot start domain '%s': its configuration has no domain type"),
                       name);
        return -1;
    }
    if (vcpus > limit) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot start domain '%s' with %u vCPUs: this host runs %s domains with at most %u"),
                       name, vcpus, vxlSimTypeName(type), limit);
        return -1;
    }
    return 0;
}

static yajl_gen_status
vxlSimConfigGenJSON(yajl_gen hand, void *obj)
{
    return libxl_domain_config_gen_json(hand, obj);
}

/*
 * Read what the model needs from @dcfg, with libxl's defaults for what the
 * caller left unset, and check the host can run it. Touches no model
 * state; only the host facts, which never change.
 */
static vxlSimDomain *
vxlSimDomainFromConfig(vxlSim *sim, libxl_domain_config *dcfg,
                       const vxlGuestScript *script)
{
    g_autoptr(vxlSimDomain) dom = vxlSimDomainNew();
    const libxl_domain_build_info *b = &dcfg->b_info;
    g_autofree char *json = NULL;
    int online = 0;
    int i;

    if (!dcfg->c_info.name || !*dcfg->c_info.name) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("cannot start a domain without a name"));
        return NULL;
    }
    dom->name = g_strdup(dcfg->c_info.name);
    memcpy(dom->uuid, libxl_uuid_bytearray_const(&dcfg->c_info.uuid),
           VIR_UUID_BUFLEN);
    dom->type = dcfg->c_info.type;
    if (dom->type == LIBXL_DOMAIN_TYPE_INVALID)
        dom->type = b->type;

    /* libxl: max_vcpus 0 means 1; an empty avail_vcpus means all online. */
    dom->vcpusMax = b->max_vcpus > 0 ? b->max_vcpus : 1;
    for (i = 0; i < b->avail_vcpus.size * 8; i++) {
        if (!libxl_bitmap_test(&b->avail_vcpus, i))
            continue;
        if (i >= dom->vcpusMax) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("cannot start domain '%s': vCPU %d is set online but the domain has %u vCPUs"),
                           dom->name, i, dom->vcpusMax);
            return NULL;
        }
        online++;
    }
    dom->vcpusOnline = online > 0 ? online : dom->vcpusMax;
    /* Any of them may be offline, not only the last ones. */
    for (i = 0; online > 0 && i < online; i++) {
        if (libxl_bitmap_test(&b->avail_vcpus, i))
            continue;
        dom->vcpuMap = virBitmapNew(dom->vcpusMax);
        for (i = 0; i < dom->vcpusMax; i++) {
            if (libxl_bitmap_test(&b->avail_vcpus, i))
                ignore_value(virBitmapSetBit(dom->vcpuMap, i));
        }
        break;
    }

    if (vxlSimCheckType(sim, dom->name, dom->type, dom->vcpusMax) < 0)
        return NULL;

    /* libxl's build-info defaults refuse emulated USB devices beside
     * usbversion or SPICE USB redirection (it builds the USB bus itself
     * then); redirection without SPICE it turns off first. */
    if (dom->type == LIBXL_DOMAIN_TYPE_HVM &&
        (b->u.hvm.usbversion ||
         (b->u.hvm.spice.usbredirection > 0 &&
          !libxl_defbool_is_default(b->u.hvm.spice.enable) &&
          libxl_defbool_val(b->u.hvm.spice.enable))) &&
        (b->u.hvm.usbdevice || b->u.hvm.usbdevice_list ||
         (!libxl_defbool_is_default(b->u.hvm.usb) && libxl_defbool_val(b->u.hvm.usb)))) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot start domain '%s': libxl refuses usbdevice/usb together with usbversion or SPICE USB redirection"),
                       dom->name);
        return NULL;
    }

    /* libxl's device model arguments: a SPICE server needs a port, and
     * a password unless ticketing is off (libxl_dm.c). */
    if (dom->type == LIBXL_DOMAIN_TYPE_HVM &&
        !libxl_defbool_is_default(b->u.hvm.spice.enable) &&
        libxl_defbool_val(b->u.hvm.spice.enable)) {
        bool noTicket = !libxl_defbool_is_default(b->u.hvm.spice.disable_ticketing) &&
                        libxl_defbool_val(b->u.hvm.spice.disable_ticketing);

        if (!b->u.hvm.spice.port && !b->u.hvm.spice.tls_port) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot start domain '%s': libxl needs a SPICE port or TLS port"),
                           dom->name);
            return NULL;
        }
        if (!noTicket && (!b->u.hvm.spice.passwd || !*b->u.hvm.spice.passwd)) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot start domain '%s': libxl needs a SPICE password while ticketing is on"),
                           dom->name);
            return NULL;
        }
    }

    dom->maxKiB = b->max_memkb == LIBXL_MEMKB_DEFAULT ?
                  VXL_SIM_DEFAULT_MAXMEM_KIB : b->max_memkb;
    dom->targetKiB = b->target_memkb == LIBXL_MEMKB_DEFAULT ?
                     dom->maxKiB : b->target_memkb;
    if (dom->maxKiB == 0 || dom->targetKiB == 0 || dom->targetKiB > dom->maxKiB) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("cannot start domain '%s': its memory (%llu KiB) must be between 1 KiB and its maximum memory (%llu KiB)"),
                       dom->name, dom->targetKiB, dom->maxKiB);
        return NULL;
    }
    dom->videoKiB = b->video_memkb == LIBXL_MEMKB_DEFAULT ? 0 : b->video_memkb;
    if (dom->type == LIBXL_DOMAIN_TYPE_PV)
        dom->shadowKiB = 0;
    else if (b->shadow_memkb == LIBXL_MEMKB_DEFAULT)
        /* libxl_get_required_shadow_memory(): 1 MiB per vCPU plus 8 KiB
         * per MiB of guest memory, in KiB. */
        dom->shadowKiB = 4 * (256ULL * dom->vcpusMax + 2 * (dom->maxKiB / 1024));
    else
        dom->shadowKiB = b->shadow_memkb;

    for (i = 0; i < dcfg->num_disks; i++)
        vxlSimDiskChooseBackend(&dcfg->disks[i], sim->diskChecks);
    if (vxlSimDevicesFromConfig(dom, dcfg) < 0)
        return NULL;
    dom->script = *script;

    if (!(json = vxlJSONGenerate(vxlSimConfigGenJSON, dcfg)) ||
        !(dom->config = virJSONValueFromString(json)) ||
        vxlSimUsbPlaceAtStart(dom) < 0)
        return NULL;

    return g_steal_pointer(&dom);
}

/* The most of a host profile the model reads. */
#define VXL_SIM_PROFILE_MAX (1024 * 1024)

virJSONValue *
vxlSimProfileRead(vxlSim *sim)
{
    g_autofree char *text = NULL;

    /* vxlHostProfileLoad read and checked the same file just before. */
    if (virFileReadAll(sim->profilePath, VXL_SIM_PROFILE_MAX, &text) < 0)
        return NULL;
    return virJSONValueFromString(text);
}

/* Read the profile's optional "backends" list: the user-space PV
 * backends running in dom0, of "vsnd" (snd_be) and "vdispl" (displ_be).
 * Absent: none, as on a host with Xen and Linux alone. */
int
vxlSimPvBackendsLoad(vxlSim *sim, virJSONValue *root)
{
    virJSONValue *list;
    size_t i;

    if (!(list = virJSONValueObjectGet(root, "backends")))
        return 0;
    for (i = 0; virJSONValueIsArray(list) && i < virJSONValueArraySize(list); i++) {
        const char *name = virJSONValueGetString(virJSONValueArrayGet(list, i));

        if (STREQ_NULLABLE(name, "vsnd")) {
            sim->vsndBackend = true;
        } else if (STREQ_NULLABLE(name, "vdispl")) {
            sim->vdisplBackend = true;
        } else {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("host profile %s: backends[%zu] is not \"vsnd\" or \"vdispl\""),
                           sim->profilePath, i);
            return -1;
        }
    }
    if (!virJSONValueIsArray(list)) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("host profile %s: backends must be a list of \"vsnd\" and \"vdispl\""),
                       sim->profilePath);
        return -1;
    }
    return 0;
}

/* libxl adds a domain's vsnd and vdispl cards after creating it, and
 * fails the build when no backend in the backend domain answers: the
 * same words as the libxl backend's (backend_messages.c), the same
 * path, under the domain's new id. */
static int
vxlSimPvBackendCheck(vxlSim *sim, const vxlSimDomain *dom,
                     const libxl_domain_config *dcfg)
{
    g_autofree char *cause = NULL;
    g_autofree char *detail = NULL;

    if (dcfg->num_vsnds > 0 && (!sim->vsndBackend || dcfg->vsnds[0].backend_domid != 0))
        cause = g_strdup_printf("unable to add device with path /local/domain/%u/backend/vsnd/%u/%d",
                                dcfg->vsnds[0].backend_domid, dom->domid,
                                dcfg->vsnds[0].devid);
    else if (dcfg->num_vdispls > 0 &&
             (!sim->vdisplBackend || dcfg->vdispls[0].backend_domid != 0))
        cause = g_strdup_printf("unable to add device with path /local/domain/%u/backend/vdispl/%u/%d",
                                dcfg->vdispls[0].backend_domid, dom->domid,
                                dcfg->vdispls[0].devid);
    if (!cause)
        return 0;
    detail = vxlBackendPvBackendMissing(cause);
    virReportError(VIR_ERR_INTERNAL_ERROR, _("cannot start domain '%s': %s"),
                   dom->name, detail);
    return -1;
}

/*
 * Claim: under the lock, check the name, uuid and memory against every
 * domain (including those still booting), then take a domid and enter the
 * domain as building, holding its memory. Concurrent creates are thus
 * accounted for before any of them starts its boot delay. On success the
 * caller holds a reference on @sim, to drop when the create is over.
 */
static int
vxlSimDomainClaim(vxlSim *sim, vxlSimDomain *dom,
                  libxl_domain_config *dcfg)
{
    VIR_LOCK_GUARD lock = virLockGuardLock(&sim->lock);
    vxlSimDomain *other;
    unsigned long long freeKiB;
    int i;

    if (sim->closed) {
        virReportError(VIR_ERR_OPERATION_FAILED, "%s",
                       _("the simulator backend is closed"));
        return -1;
    }
    vxlSimCatchUp(sim, g_get_monotonic_time());

    if ((other = vxlSimFindByName(sim, dom->name))) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot start domain '%s': a domain with that name already exists (id %u)"),
                       dom->name, other->domid);
        return -1;
    }
    if ((other = vxlSimFindByUUID(sim, dom->uuid))) {
        char uuid[VIR_UUID_STRING_BUFLEN];

        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot start domain '%s': domain '%s' (id %u) already has uuid %s"),
                       dom->name, other->name, other->domid,
                       virUUIDFormat(dom->uuid, uuid));
        return -1;
    }
    /* Before the memory, as the Xen backend asks libxl's assignable
     * list before it makes room. */
    if (vxlSimPciResolveNames(sim, dom, dcfg) < 0)
        return -1;
    freeKiB = vxlSimFreeKiB(sim);
    if (vxlSimDomainFootprint(dom) > freeKiB) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("not enough free memory on the host to start domain '%s': it needs %llu KiB, the host has %llu KiB free"),
                       dom->name, vxlSimDomainFootprint(dom), freeKiB);
        return -1;
    }
    /* Its PCI devices: there, assignable, nobody else's; seized ones
     * are bound to pciback from here on, as libxl leaves them. */
    if (vxlSimPciClaim(sim, dom, dcfg) < 0)
        return -1;
    /* libxl looks at each disk's image as it sets the config's
     * defaults, before it makes the domain. */
    for (i = 0; i < dcfg->num_disks; i++) {
        if (vxlSimDiskImageCheck(sim, dom, &dcfg->disks[i]) < 0)
            return -1;
    }
    if (vxlSimAllocDomid(sim, &dom->domid) < 0)
        return -1;
    /* The domain is made, then its devices: the id is used up. */
    if (vxlSimPvBackendCheck(sim, dom, dcfg) < 0)
        return -1;
    for (i = 0; i < dcfg->num_disks; i++) {
        if (vxlSimDiskSharingCheck(sim, dom, &dcfg->disks[i]) < 0)
            return -1;
    }

    dom->life = sim->nextLife++;
    dom->building = true;
    dom->state = VXL_DOMSTATE_PAUSED;
    /* Nothing is saved yet: the driver learns the id only when the
     * create returns, and the domain's file then carries the counter. */
    vxlSimDomainInsert(sim, dom);
    /* Taken under the lock, so that a close() racing with us cannot free
     * the model before the create is over. */
    vxlSimRef(sim);
    return 0;
}

/* The guest's boot takes @ms, unless its create is cancelled (the
 * domain leaves the model) or the backend closes first. */
static void
vxlSimBootDelay(vxlSim *sim, uint32_t id, unsigned long long life,
                unsigned int ms)
{
    long long deadline = g_get_monotonic_time() + ms * 1000LL;
    long long left;
    vxlSimDomain *dom;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        while (!sim->closed && (dom = vxlSimFindDomain(sim, id)) &&
               dom->life == life &&
               (left = deadline - g_get_monotonic_time()) > 0) {
            /* The condition's clock is the wall clock, in ms: round up,
             * never wake before the boot is over. */
            unsigned long long when = (g_get_real_time() + left + 999) / 1000;

            if (virCondWaitUntil(&sim->buildCond, &sim->lock, when) < 0 &&
                errno != ETIMEDOUT)
                break;
        }
    }
}

int
vxlSimDomainCreateCancel(vxlBackend *be, const unsigned char *uuid)
{
    vxlSim *sim = vxlSimGet(be);
    g_auto(vxlSimSnapshot) snap = { 0 };
    vxlSimDomain *dom;
    bool found = false;

    if (sim->noCreateCancel) {
        /* As libxl: a create runs to its end. */
        virReportError(VIR_ERR_NO_SUPPORT, "%s",
                       _("the simulated host cannot cancel a domain's create (sim_create_cancel = 0)"));
        return -1;
    }
    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        if ((dom = vxlSimFindByUUID(sim, uuid)) && dom->building) {
            VIR_DEBUG("cancelling the create of domain %u (%s)",
                      dom->domid, dom->name);
            /* Its memory goes back at once (the model's accounting and its
             * state file with it); the create finds it gone. */
            vxlSimSnapshotForget(sim, &snap, dom);
            vxlSimDomainRemove(sim, dom);
            virCondBroadcast(&sim->buildCond);
            found = true;
        }
    }
    if (found) {
        vxlSimSave(sim, &snap);
        return 0;
    }
    virReportError(VIR_ERR_NO_DOMAIN, "%s",
                   _("no domain with that UUID is being created on the simulated host"));
    return -1;
}

int
vxlSimDomainCreate(vxlBackend *be, libxl_domain_config *dcfg,
                   const vxlGuestScript *script, bool paused,
                   uint32_t *domid)
{
    vxlSim *sim = vxlSimGet(be);
    static const vxlGuestScript noScript = { 0 };
    g_autoptr(vxlSimDomain) draft = NULL;
    g_auto(vxlSimSnapshot) snap = { 0 };
    vxlSimDomain *dom;
    uint32_t id;
    unsigned long long life;
    long long now;
    bool gone = false;
    bool closed = false;

    if (!script)
        script = &noScript;
    if (!(draft = vxlSimDomainFromConfig(sim, dcfg, script)))
        return -1;
    if (vxlSimDomainClaim(sim, draft, dcfg) < 0)
        return -1;
    dom = g_steal_pointer(&draft);     /* the model owns it now */
    id = dom->domid;
    life = dom->life;

    /* Building and booting the guest: no lock, so that other creates and
     * every other hook go on meanwhile. The claim's reference keeps the
     * model alive should the backend be closed under us. */
    if (script->bootDelayMs > 0)
        vxlSimBootDelay(sim, id, life, script->bootDelayMs);

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        /* close() freed the domain with the rest of the model. */
        closed = sim->closed;
        if (sim->closed || !(dom = vxlSimFindDomain(sim, id)) ||
            dom->life != life) {
            gone = true;
            break;
        }
        now = g_get_monotonic_time();
        vxlSimCatchUp(sim, now);
        dom->building = false;
        dom->state = paused ? VXL_DOMSTATE_PAUSED : VXL_DOMSTATE_RUNNING;
        dom->accountedAt = now;
        vxlSimDisplayOpen(sim, dom);
        vxlSimAgentStart(sim, dom);
        vxlSimDueUpdate(sim, dom);
        vxlSimSnapshotTake(sim, &snap, dom);
        vxlSimReschedule(sim, now);
    }
    vxlSimSave(sim, &snap);
    vxlSimUnref(sim);

    if (gone && closed) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' was still being built when the simulator backend closed"),
                       dcfg->c_info.name);
        return -1;
    }
    if (gone) {
        virReportError(VIR_ERR_OPERATION_ABORTED,
                       _("the start of domain '%s' was cancelled while it was being built"),
                       dcfg->c_info.name);
        return -1;
    }
    VIR_DEBUG("created domain %u (%s), %s", id, dcfg->c_info.name,
              paused ? "paused" : "running");
    *domid = id;
    return 0;
}

/* ----- lifecycle ------------------------------------------------------- */

static int
vxlSimDestroyAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                 long long now G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
    VIR_DEBUG("destroying domain %u (%s) in state %s",
              dom->domid, dom->name, vxlSimStateTypeToString(dom->state));
    return VXL_SIM_ACT_REMOVE;
}

int
vxlSimDomainDestroy(vxlBackend *be, uint32_t domid)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimDestroyAct, NULL);
}

/*
 * Send the guest a shutdown or reboot request. How and when it answers is
 * its script's business; the answer comes as an event. A request made
 * while one is pending changes nothing: the guest is already on its way.
 */
typedef struct {
    vxlSimRequest req;
    unsigned int modes;
} vxlSimRequestArgs;

static int
vxlSimRequestAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                 long long now G_GNUC_UNUSED, void *opaque)
{
    const vxlSimRequestArgs *args = opaque;
    vxlSimRequest req = args->req;
    bool pv;
    bool acpi;

    if (vxlSimCheckAlive(dom, req == VXL_SIM_REQUEST_REBOOT ?
                         VXL_BACKEND_OP_REBOOT : VXL_BACKEND_OP_SHUTDOWN) < 0)
        return -1;
    /* Simulated guests always run PV drivers, so whichever way is
     * allowed reaches them, and they answer it alike. */
    if (vxlBackendRequestPlan(dom->name, dom->domid, dom->type,
                              req == VXL_SIM_REQUEST_REBOOT, args->modes,
                              &pv, &acpi) < 0)
        return -1;
    if (dom->request != VXL_SIM_REQUEST_NONE) {
        VIR_DEBUG("domain %u already has a %s request pending",
                  dom->domid, vxlSimRequestTypeToString(dom->request));
        return VXL_SIM_ACT_UNCHANGED;
    }

    dom->request = req;
    dom->requestAtRunUs = dom->runUs + dom->script.shutdownDelayMs * 1000ULL;
    switch (dom->script.onShutdownRequest) {
    case VXL_GUEST_SHUTDOWN_HONOUR:
        dom->requestActs = true;
        dom->requestReason = req == VXL_SIM_REQUEST_REBOOT ?
                             VXL_SHUTDOWN_REBOOT : VXL_SHUTDOWN_POWEROFF;
        break;
    case VXL_GUEST_SHUTDOWN_IGNORE:
        dom->requestActs = false;
        dom->requestReason = VXL_SHUTDOWN_POWEROFF;
        break;
    case VXL_GUEST_SHUTDOWN_REBOOT:
        dom->requestActs = true;
        dom->requestReason = VXL_SHUTDOWN_REBOOT;
        break;
    default:
        virReportEnumRangeError(vxlGuestShutdownPolicy,
                                dom->script.onShutdownRequest);
        dom->request = VXL_SIM_REQUEST_NONE;
        return -1;
    }
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainShutdown(vxlBackend *be, uint32_t domid, unsigned int modes)
{
    vxlSimRequestArgs args = { VXL_SIM_REQUEST_POWEROFF, modes };

    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimRequestAct, &args);
}

int
vxlSimDomainReboot(vxlBackend *be, uint32_t domid, unsigned int modes)
{
    vxlSimRequestArgs args = { VXL_SIM_REQUEST_REBOOT, modes };

    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimRequestAct, &args);
}

/* Pause and unpause: the guest's clock stops and starts with it, so
 * scripts and pending requests wait (vxlSimAccount only counts running
 * time). */
static int
vxlSimSetPausedAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                   long long now, void *opaque)
{
    bool pause = *(const bool *)opaque;

    if (vxlSimCheckAlive(dom, pause ? VXL_BACKEND_OP_PAUSE : VXL_BACKEND_OP_UNPAUSE) < 0)
        return -1;
    if (pause && dom->state == VXL_DOMSTATE_PAUSED) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' (id %u) is already paused"),
                       dom->name, dom->domid);
        return -1;
    }
    if (!pause && dom->state != VXL_DOMSTATE_PAUSED) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("domain '%s' (id %u) is not paused"),
                       dom->name, dom->domid);
        return -1;
    }
    dom->state = pause ? VXL_DOMSTATE_PAUSED : VXL_DOMSTATE_RUNNING;
    dom->accountedAt = now;
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainPause(vxlBackend *be, uint32_t domid)
{
    bool pause = true;

    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimSetPausedAct, &pause);
}

int
vxlSimDomainUnpause(vxlBackend *be, uint32_t domid)
{
    bool pause = false;

    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimSetPausedAct, &pause);
}

typedef struct {
    const char *name;
    const unsigned char *uuid;
} vxlSimRenameArgs;

static int
vxlSimRenameAct(vxlSim *sim, vxlSimDomain *dom, long long now G_GNUC_UNUSED,
                void *opaque)
{
    const vxlSimRenameArgs *args = opaque;
    const char *name = args->name;
    const unsigned char *uuid = args->uuid;
    vxlSimDomain *other;
    virJSONValue *cinfo;

    if ((other = vxlSimFindByName(sim, name)) && other != dom) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot rename domain '%s' to '%s': a domain with that name already exists (id %u)"),
                       dom->name, name, other->domid);
        return -1;
    }
    if (uuid && (other = vxlSimFindByUUID(sim, uuid)) && other != dom) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot give domain '%s' the UUID of domain '%s' (id %u)"),
                       dom->name, other->name, other->domid);
        return -1;
    }
    vxlSimDomainSetName(sim, dom, name, uuid);
    /* Keep the stored config telling the same story. */
    if (dom->config &&
        (cinfo = virJSONValueObjectGetObject(dom->config, "c_info"))) {
        ignore_value(virJSONValueObjectRemoveKey(cinfo, "name", NULL));
        virJSONValueObjectAppendString(cinfo, "name", name);
        if (uuid) {
            char uuidstr[VIR_UUID_STRING_BUFLEN];

            ignore_value(virJSONValueObjectRemoveKey(cinfo, "uuid", NULL));
            virJSONValueObjectAppendString(cinfo, "uuid",
                                           virUUIDFormat(uuid, uuidstr));
        }
    }
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainRename(vxlBackend *be, uint32_t domid, const char *name,
                   const unsigned char *uuid)
{
    vxlSimRenameArgs args = { name, uuid };

    if (!name || !*name) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a domain's new name must not be empty"));
        return -1;
    }
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimRenameAct, &args);
}

/* ----- queries --------------------------------------------------------- */

int
vxlSimDomainGetInfo(vxlBackend *be, uint32_t domid, vxlDomainInfo *info)
{
    vxlSim *sim = vxlSimGet(be);

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        long long now = g_get_monotonic_time();
        vxlSimDomain *dom;

        vxlSimCatchUp(sim, now);
        if (!(dom = vxlSimLookup(sim, domid)))
            break;
        vxlSimDomainInfoFill(dom, info);
    }
    return info->name ? 0 : -1;
}

static int
vxlSimInfoCompare(const void *a, const void *b)
{
    const vxlDomainInfo *ia = a;
    const vxlDomainInfo *ib = b;

    return ia->domid < ib->domid ? -1 : ia->domid > ib->domid;
}

int
vxlSimDomainList(vxlBackend *be, vxlDomainInfo **infos, size_t *ninfos)
{
    vxlSim *sim = vxlSimGet(be);
    g_autoptr(GPtrArray) list = g_ptr_array_new();
    vxlDomainInfo *out = NULL;
    size_t i;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        long long now = g_get_monotonic_time();
        GHashTableIter it;
        vxlSimDomain *dom;

        vxlSimCatchUp(sim, now);
        g_hash_table_iter_init(&it, sim->domains);
        while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
            if (dom->building)
                continue;
            vxlSimAccount(dom, now);
            g_ptr_array_add(list, dom);
        }
        out = g_new0(vxlDomainInfo, list->len);
        for (i = 0; i < list->len; i++)
            vxlSimDomainInfoFill(g_ptr_array_index(list, i), &out[i]);
    }

    /* Xen lists domains by id. */
    qsort(out, list->len, sizeof(*out), vxlSimInfoCompare);
    *infos = out;
    *ninfos = list->len;
    return 0;
}

/* ----- memory / vCPUs -------------------------------------------------- */

static int
vxlSimSetMemoryAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                   long long now G_GNUC_UNUSED, void *opaque)
{
    unsigned long long targetKiB = *(const unsigned long long *)opaque;

    if (targetKiB == 0 || targetKiB > dom->maxKiB) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set the memory of domain '%s' (id %u) to %llu KiB: it must be between 1 KiB and its maximum of %llu KiB"),
                       dom->name, dom->domid, targetKiB, dom->maxKiB);
        return -1;
    }
    /* The balloon driver reaches its target at once. */
    dom->targetKiB = targetKiB;
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainSetMemory(vxlBackend *be, uint32_t domid,
                      unsigned long long targetKiB)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimSetMemoryAct,
                            &targetKiB);
}

static int
vxlSimSetMaxMemoryAct(vxlSim *sim, vxlSimDomain *dom,
                      long long now G_GNUC_UNUSED, void *opaque)
{
    unsigned long long maxKiB = *(const unsigned long long *)opaque;
    unsigned long long freeKiB;

    if (maxKiB < dom->targetKiB) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set the maximum memory of domain '%s' (id %u) to %llu KiB: it is below its current memory of %llu KiB"),
                       dom->name, dom->domid, maxKiB, dom->targetKiB);
        return -1;
    }
    freeKiB = vxlSimFreeKiB(sim);
    if (maxKiB > dom->maxKiB && maxKiB - dom->maxKiB > freeKiB) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("not enough free memory on the host to raise the maximum memory of domain '%s' (id %u) to %llu KiB: it needs %llu KiB more, the host has %llu KiB free"),
                       dom->name, dom->domid, maxKiB, maxKiB - dom->maxKiB,
                       freeKiB);
        return -1;
    }
    vxlSimDomainSetMaxKiB(sim, dom, maxKiB);
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainSetMaxMemory(vxlBackend *be, uint32_t domid,
                         unsigned long long maxKiB)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimSetMaxMemoryAct,
                            &maxKiB);
}

/* The frame's catch-up and look-up account CPU time at the old vCPU
 * count up to now. */
static int
vxlSimSetVcpusOnlineAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                        long long now G_GNUC_UNUSED, void *opaque)
{
    unsigned int nvcpus = *(const unsigned int *)opaque;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_SET_VCPUS) < 0)
        return -1;
    if (nvcpus < 1 || nvcpus > dom->vcpusMax) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set %u vCPUs online in domain '%s' (id %u): it has between 1 and %u"),
                       nvcpus, dom->name, dom->domid, dom->vcpusMax);
        return -1;
    }
    vxlSimVcpusSetCount(dom, nvcpus);
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainSetVcpusOnline(vxlBackend *be, uint32_t domid, unsigned int nvcpus)
{
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimSetVcpusOnlineAct,
                            &nvcpus);
}

/* ----- core dumps ------------------------------------------------------ */

/*
 * The model has no guest memory to dump; it writes what it knows of the
 * domain instead, so a coredump-destroy leaves a file where Xen would.
 */
int
vxlSimDomainCoreDump(vxlBackend *be, uint32_t domid, const char *path,
                     vxlJobToken *token)
{
    vxlSim *sim = vxlSimGet(be);
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *name = NULL;
    g_autoptr(GDateTime) when = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(when, "%Y-%m-%dT%H:%M:%SZ");
    unsigned long long guestBytes = 0;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimDomain *dom;
        char uuid[VIR_UUID_STRING_BUFLEN];
        g_autofree char *config = NULL;

        vxlSimCatchUp(sim, g_get_monotonic_time());
        if (!(dom = vxlSimLookup(sim, domid)))
            return -1;
        name = g_strdup(dom->name);
        guestBytes = dom->targetKiB * 1024;
        g_string_append_printf(text,
                               "virtxl simulator core dump\n"
                               "(the simulated host has no guest memory; this file stands for the image Xen would write)\n"
                               "dumped: %s\n"
                               "domid: %u\n"
                               "name: %s\n"
                               "uuid: %s\n"
                               "type: %s\n"
                               "state: %s\n",
                               stamp, dom->domid, dom->name,
                               virUUIDFormat(dom->uuid, uuid),
                               libxl_domain_type_to_string(dom->type),
                               vxlSimStateTypeToString(dom->state));
        if (dom->state == VXL_DOMSTATE_SHUTDOWN ||
            dom->state == VXL_DOMSTATE_CRASHED)
            g_string_append_printf(text, "reason: %s\n",
                                   vxlSimReasonTypeToString(dom->reason));
        g_string_append_printf(text,
                               "memory: %llu KiB (maximum %llu KiB)\n"
                               "vcpus: %u online of %u\n"
                               "cpu time: %llu ns\n",
                               dom->targetKiB, dom->maxKiB, dom->vcpusOnline,
                               dom->vcpusMax, dom->cpuTimeNs);
        if (dom->config && (config = virJSONValueToString(dom->config, true)))
            g_string_append_printf(text, "config:\n%s", config);
    }

    /* Written without the lock: a dump takes as long as its memory
     * takes to write, and can be cancelled meanwhile. */
    if (vxlSimPaceDump(sim, guestBytes, token, name) < 0)
        return -1;
    if (virFileWriteStr(path, text->str, 0600) < 0) {
        virReportSystemError(errno,
                             _("cannot write the core dump of domain '%s' to '%s'"),
                             name, path);
        /* Nothing half-written is left (backend.h), as with libxl. */
        ignore_value(unlink(path));
        return -1;
    }
    return 0;
}

const vxlBackendOps vxlSimBackendOps = {
    .name = "sim",
    .open = vxlSimOpen,
    .close = vxlSimClose,
    .hostGetFacts = vxlSimHostGetFacts,
    .hostGetFreeMemory = vxlSimHostGetFreeMemory,
    .domainCreate = vxlSimDomainCreate,
    .domainDestroy = vxlSimDomainDestroy,
    .domainShutdown = vxlSimDomainShutdown,
    .domainReboot = vxlSimDomainReboot,
    .domainPause = vxlSimDomainPause,
    .domainUnpause = vxlSimDomainUnpause,
    .domainRename = vxlSimDomainRename,
    .domainGetInfo = vxlSimDomainGetInfo,
    .domainList = vxlSimDomainList,
    .domainSetMemory = vxlSimDomainSetMemory,
    .domainSetMaxMemory = vxlSimDomainSetMaxMemory,
    .domainSetVcpusOnline = vxlSimDomainSetVcpusOnline,
    .domainCoreDump = vxlSimDomainCoreDump,
    .domainConsolePath = vxlSimDomainConsolePath,
    .domainGetVcpus = vxlSimDomainGetVcpus,
    .domainPinVcpu = vxlSimDomainPinVcpu,
    .domainDiskAdd = vxlSimDomainDiskAdd,
    .domainDiskRemove = vxlSimDomainDiskRemove,
    .domainNicAdd = vxlSimDomainNicAdd,
    .domainNicRemove = vxlSimDomainNicRemove,
    .domainCdromInsert = vxlSimDomainCdromInsert,
    /* migration */
    .domainMigrateSend = vxlSimDomainMigrateSend,
    .domainMigrateResume = vxlSimDomainMigrateResume,
    .domainMigrateReceive = vxlSimDomainMigrateReceive,
    /* save and restore (sim_save.c) */
    .domainSave = vxlSimDomainSave,
    .domainRestore = vxlSimDomainRestore,
    /* crash consistency */
    .domainCreateCancel = vxlSimDomainCreateCancel,
    /* monitoring and tuning */
    .hostGetDom0 = vxlSimHostGetDom0,
    .hostGetCpuTimes = vxlSimHostGetCpuTimes,
    .domainGetBlockStats = vxlSimDomainGetBlockStats,
    .domainGetNicStats = vxlSimDomainGetNicStats,
    .domainGetMemoryStats = vxlSimDomainGetMemoryStats,
    .domainGetSchedParams = vxlSimDomainGetSchedParams,
    .domainSetSchedParams = vxlSimDomainSetSchedParams,
    .domainBlockResize = vxlSimDomainBlockResize,
    /* control */
    .domainReset = vxlSimDomainReset,
    .domainInjectNMI = vxlSimDomainInjectNMI,
    .domainSendKeys = vxlSimDomainSendKeys,
    .domainScreenshot = vxlSimDomainScreenshot,
    .domainPMSuspend = vxlSimDomainPMSuspend,
    .domainPMWakeup = vxlSimDomainPMWakeup,
    /* PCI devices */
    .hostPciList = vxlSimHostPciList,
    .hostPciAssignable = vxlSimHostPciAssignable,
    .hostPciReset = vxlSimHostPciReset,
    .domainPciAdd = vxlSimDomainPciAdd,
    .domainPciRemove = vxlSimDomainPciRemove,
    .domainPciList = vxlSimDomainPciList,
    /* guest addresses */
    .hostNeighbours = vxlSimHostNeighbours,
    /* breadth */
    .domainNicSetRate = vxlSimDomainNicSetRate,
    /* live snapshots */
    .domainSaveLive = vxlSimDomainSaveLive,
    /* one vCPU online or offline */
    .domainSetVcpusOnlineSet = vxlSimDomainSetVcpusOnlineSet,
    /* USB host devices */
    .hostUsbList = vxlSimHostUsbList,
    .domainUsbAdd = vxlSimDomainUsbAdd,
    .domainUsbRemove = vxlSimDomainUsbRemove,
    /* migration: a pause during the copy */
    .domainMigratePauseSource = vxlSimDomainMigratePauseSource,
    .hostNetVFSet = vxlSimHostNetVFSet,
    .hostNetVFRestore = vxlSimHostNetVFRestore,
};
