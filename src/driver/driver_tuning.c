/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_tuning.c: knobs and descriptions: scheduler weight and cap
 * (virsh schedinfo), metadata, title and description (virsh desc,
 * metadata), NUMA parameters (numatune), messages, the security model
 * (none: Xen guests are confined by the hypervisor, not by a dom0 LSM
 * label), a disk's size (domblkinfo) and renaming a shut-off domain.
 */
#include "vxl_internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "domain_snapshot.h"
#include "backend_call.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virstring.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_tuning");

/* ----- scheduler ------------------------------------------------------- */

/* The host's scheduler: the default cpupool's, where every domain we
 * start runs. */
static char *
vxlDriverSchedulerName(void)
{
    vxlHostFacts facts = { 0 };
    char *name;

    if (vxlBackendHostGetFacts(vxl_driver->backend, &facts) < 0)
        return NULL;
    name = g_strdup(facts.scheduler ? facts.scheduler : "credit2");
    vxlHostFactsClear(&facts);
    return name;
}

char *
vxlDomainGetSchedulerType(virDomainPtr dom, int *nparams)
{
    virDomainObj *vm;
    char *ret = NULL;

    if (!(vm = vxlEntryBegin(dom, virDomainGetSchedulerTypeEnsureACL,
                             VIR_JOB_NONE)))
        return NULL;
    if (!(ret = vxlDriverSchedulerName()))
        goto cleanup;
    if (nparams)
        *nparams = (STREQ(ret, "credit") || STREQ(ret, "credit2")) ? 2 : 0;

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainGetSchedulerParametersFlags(virDomainPtr dom,
                                     virTypedParameterPtr params,
                                     int *nparams, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    virDomainDef *def;
    unsigned int weight;
    unsigned int cap;
    bool live;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                  VIR_TYPED_PARAM_STRING_OKAY, -1);
    flags &= ~VIR_TYPED_PARAM_STRING_OKAY;

    if (!(vm = vxlEntryBegin(dom, virDomainGetSchedulerParametersFlagsEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    if (!(def = virDomainObjGetOneDefState(vm, flags, &live)))
        goto cleanup;

    if (live) {
        vxlSchedParams sp = { 0 };

        if (vxlDomainIsDom0(vm)) {
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                           _("Domain-0's scheduler parameters are the host's: set them with xl sched-credit2"));
            goto cleanup;
        }
        if (vxlDomainSchedGetLive(driver, vm, &sp) < 0)
            goto cleanup;
        weight = sp.weight;
        cap = sp.cap;
        vxlSchedParamsClear(&sp);
    } else {
        vxlDomainSchedFromDef(def, &weight, &cap);
    }

    if (*nparams > 0 &&
        virTypedParameterAssign(&params[0], VIR_DOMAIN_SCHEDULER_WEIGHT,
                                VIR_TYPED_PARAM_UINT, weight) < 0)
        goto cleanup;
    if (*nparams > 1 &&
        virTypedParameterAssign(&params[1], VIR_DOMAIN_SCHEDULER_CAP,
                                VIR_TYPED_PARAM_UINT, cap) < 0)
        goto cleanup;
    *nparams = MIN(*nparams, 2);
    ret = 0;

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainGetSchedulerParameters(virDomainPtr dom, virTypedParameterPtr params,
                                int *nparams)
{
    return vxlDomainGetSchedulerParametersFlags(dom, params, nparams, 0);
}

int
vxlDomainSetSchedulerParametersFlags(virDomainPtr dom,
                                     virTypedParameterPtr params, int nparams,
                                     unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    virDomainDef *def = NULL;
    virDomainDef *persistentDef = NULL;
    unsigned int weight;
    unsigned int cap;
    unsigned int pweight = 0;
    unsigned int pcap = 0;
    virTypedParameterPtr eventParams = NULL;
    int eventNparams = 0;
    int eventMaxparams = 0;
    size_t i;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (virTypedParamsValidate(params, nparams,
                               VIR_DOMAIN_SCHEDULER_WEIGHT, VIR_TYPED_PARAM_UINT,
                               VIR_DOMAIN_SCHEDULER_CAP, VIR_TYPED_PARAM_UINT,
                               NULL) < 0)
        return -1;

    if (!(vm = vxlEntryBeginFlags(dom, virDomainSetSchedulerParametersFlagsEnsureACL,
                                  flags,
                                  VIR_JOB_MODIFY)))
        return -1;
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) < 0)
        goto cleanup;

    /* Every side is checked before any changes. */
    if (def) {
        vxlSchedParams sp = { 0 };

        if (vxlDomainSchedGetLive(driver, vm, &sp) < 0)
            goto cleanup;
        weight = sp.weight;
        cap = sp.cap;
        vxlSchedParamsClear(&sp);
    } else {
        vxlDomainSchedFromDef(persistentDef, &weight, &cap);
    }
    if (persistentDef)
        vxlDomainSchedFromDef(persistentDef, &pweight, &pcap);
    for (i = 0; i < nparams; i++) {
        if (STREQ(params[i].field, VIR_DOMAIN_SCHEDULER_WEIGHT)) {
            weight = pweight = params[i].value.ui;
        } else if (STREQ(params[i].field, VIR_DOMAIN_SCHEDULER_CAP)) {
            cap = pcap = params[i].value.ui;
        }
    }
    if (def && vxlDomainSchedCheck(def, weight, cap) < 0)
        goto cleanup;
    if (persistentDef && vxlDomainSchedCheck(persistentDef, pweight, pcap) < 0)
        goto cleanup;

    if (def) {
        if (vxlDomainSchedSetLive(driver, vm, weight, cap) < 0 ||
            vxlDomainSaveStatus(driver, vm) < 0)
            goto cleanup;
    }
    if (persistentDef) {
        g_autoptr(virDomainDef) copy = virDomainDefCopy(persistentDef,
                                                         driver->xmlopt, NULL,
                                                         false);

        if (!copy)
            goto cleanup;
        vxlDomainSchedToDef(copy, pweight, pcap);
        if (virDomainDefSave(copy, driver->xmlopt, driver->cfg->configDir) < 0)
            goto cleanup;
        vxlDomainSchedToDef(persistentDef, pweight, pcap);
    }

    /* What a TUNABLE event names: libvirt's cputune keys. */
    if (virTypedParamsAddULLong(&eventParams, &eventNparams, &eventMaxparams,
                                VIR_DOMAIN_TUNABLE_CPU_CPU_SHARES,
                                def ? weight : pweight) < 0 ||
        virTypedParamsAddULLong(&eventParams, &eventNparams, &eventMaxparams,
                                VIR_DOMAIN_TUNABLE_CPU_GLOBAL_PERIOD,
                                (def ? cap : pcap) ? 100000 : 0) < 0 ||
        virTypedParamsAddLLong(&eventParams, &eventNparams, &eventMaxparams,
                               VIR_DOMAIN_TUNABLE_CPU_GLOBAL_QUOTA,
                               (long long)(def ? cap : pcap) * 1000) < 0)
        goto cleanup;
    virObjectEventStateQueue(driver->domainEventState,
                             virDomainEventTunableNewFromObj(vm, &eventParams,
                                                             eventNparams));
    ret = 0;

 cleanup:
    virTypedParamsFree(eventParams, eventNparams);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainSetSchedulerParameters(virDomainPtr dom, virTypedParameterPtr params,
                                int nparams)
{
    return vxlDomainSetSchedulerParametersFlags(dom, params, nparams, 0);
}

/* ----- metadata -------------------------------------------------------- */

int
vxlDomainSetMetadata(virDomainPtr dom, int type, const char *metadata,
                     const char *key, const char *uri, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (!(vm = vxlEntryBeginFlags(dom, virDomainSetMetadataEnsureACL, flags,
                                  VIR_JOB_MODIFY)))
        return -1;
    /* libvirt's own: checks the XML and the flags, changes and saves
     * the live status and the persistent config */
    ret = virDomainObjSetMetadata(vm, type, metadata, key, uri, driver->xmlopt,
                                  driver->cfg->stateDir, driver->cfg->configDir,
                                  flags);
    if (ret == 0)
        virObjectEventStateQueue(driver->domainEventState,
                                 virDomainEventMetadataChangeNewFromObj(vm, type, uri));
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

char *
vxlDomainGetMetadata(virDomainPtr dom, int type, const char *uri,
                     unsigned int flags)
{
    virDomainObj *vm;
    char *ret = NULL;

    if (!(vm = vxlEntryBegin(dom, virDomainGetMetadataEnsureACL, VIR_JOB_NONE)))
        return NULL;
    ret = virDomainObjGetMetadata(vm, type, uri, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

/* ----- NUMA, messages, security ---------------------------------------- */

int
vxlDomainGetNumaParameters(virDomainPtr dom, virTypedParameterPtr params,
                           int *nparams, unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def;
    virDomainNumatuneMemMode mode = VIR_DOMAIN_NUMATUNE_MEM_STRICT;
    g_autofree char *nodeset = NULL;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                  VIR_TYPED_PARAM_STRING_OKAY, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetNumaParametersEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    if (!(def = virDomainObjGetOneDef(vm, flags & ~VIR_TYPED_PARAM_STRING_OKAY)))
        goto cleanup;
    if (*nparams == 0) {
        *nparams = 2;
        ret = 0;
        goto cleanup;
    }
    /* <numatune><memory>: which host nodes the guest's memory comes from
     * (Xen places it there at build time; the mode is always strict). */
    ignore_value(virDomainNumatuneGetMode(def->numa, -1, &mode));
    /* NULL when the definition chooses no nodes */
    if (virDomainNumatuneMaybeFormatNodeset(def->numa, NULL, &nodeset, -1) < 0)
        goto cleanup;
    if (virTypedParameterAssign(&params[0], VIR_DOMAIN_NUMA_MODE,
                                VIR_TYPED_PARAM_INT, mode) < 0)
        goto cleanup;
    if (*nparams > 1) {
        if (!(flags & VIR_TYPED_PARAM_STRING_OKAY)) {
            *nparams = 1;
        } else {
            /* the parameter takes the string over */
            if (!nodeset)
                nodeset = g_strdup("");
            if (virTypedParameterAssign(&params[1], VIR_DOMAIN_NUMA_NODESET,
                                        VIR_TYPED_PARAM_STRING,
                                        g_steal_pointer(&nodeset)) < 0)
                goto cleanup;
            *nparams = 2;
        }
    }
    ret = 0;

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainGetMessages(virDomainPtr dom, char ***msgs, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_MESSAGE_DEPRECATION | VIR_DOMAIN_MESSAGE_TAINTING, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetMessagesEnsureACL, VIR_JOB_NONE)))
        return -1;
    ret = virDomainObjGetMessages(vm, msgs, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel)
{
    if (virNodeGetSecurityModelEnsureACL(conn) < 0)
        return -1;
    memset(secmodel, 0, sizeof(*secmodel));
    /* Guests are isolated by Xen itself; dom0 puts no label on them. */
    if (virStrcpyStatic(secmodel->model, "none") < 0 ||
        virStrcpyStatic(secmodel->doi, "0") < 0)
        return -1;
    return 0;
}

int
vxlDomainGetSecurityLabel(virDomainPtr dom, virSecurityLabelPtr seclabel)
{
    virDomainObj *vm;

    /* Guests are isolated by Xen itself: no label to give. */
    if (!(vm = vxlEntryBegin(dom, virDomainGetSecurityLabelEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    memset(seclabel, 0, sizeof(*seclabel));
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return 0;
}

/* ----- disks: size ------------------------------------------------------ */

/* A qcow2 image's virtual size: big-endian, at byte 24 of its header. */
static int
vxlDiskQcow2Size(int fd, unsigned long long *size)
{
    unsigned char hdr[32];
    size_t i;

    if (pread(fd, hdr, sizeof(hdr), 0) != sizeof(hdr) ||
        memcmp(hdr, "QFI\xfb", 4) != 0)
        return -1;
    *size = 0;
    for (i = 24; i < 32; i++)
        *size = (*size << 8) | hdr[i];
    return 0;
}

int
vxlDomainGetBlockInfo(virDomainPtr dom, const char *path,
                      virDomainBlockInfoPtr info, unsigned int flags)
{
    virDomainObj *vm;
    virDomainDiskDef *disk;
    g_autofree char *source = NULL;
    int format;
    VIR_AUTOCLOSE fd = -1;
    struct stat sb;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetBlockInfoEnsureACL, VIR_JOB_NONE)))
        return -1;
    if (!(disk = virDomainDiskByName(vm->def, path, false))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has no disk '%s'"), vm->def->name, path);
        goto cleanup;
    }
    if (!virStorageSourceIsLocalStorage(disk->src) ||
        !virDomainDiskGetSource(disk)) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("disk '%s' of domain '%s' is not a local file or block device: its size is the storage server's"),
                       disk->dst, vm->def->name);
        goto cleanup;
    }
    source = g_strdup(virDomainDiskGetSource(disk));
    format = virDomainDiskGetFormat(disk);
    vxlEntryEnd(&vm, VIR_JOB_NONE);

    /* The image is dom0's, whatever runs: read it without the lock. */
    if ((fd = open(source, O_RDONLY)) < 0 || fstat(fd, &sb) < 0) {
        virReportSystemError(errno, _("cannot read disk image '%s'"), source);
        return -1;
    }
    if (S_ISBLK(sb.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);

        if (end < 0) {
            virReportSystemError(errno, _("cannot read the size of block device '%s'"),
                                 source);
            return -1;
        }
        info->capacity = info->allocation = info->physical = end;
        return 0;
    }
    info->physical = sb.st_size;
    info->allocation = (unsigned long long)sb.st_blocks * 512;
    info->capacity = sb.st_size;
    if (format == VIR_STORAGE_FILE_QCOW2 &&
        vxlDiskQcow2Size(fd, &info->capacity) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("disk image '%s' is not a qcow2 image"), source);
        return -1;
    }
    return 0;

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainBlockResize(virDomainPtr dom, const char *path, unsigned long long size,
                     unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    virDomainDiskDef *disk;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_BLOCK_RESIZE_BYTES, -1);
    if (!(flags & VIR_DOMAIN_BLOCK_RESIZE_BYTES)) {
        if (size > ULLONG_MAX / 1024) {
            virReportError(VIR_ERR_OVERFLOW,
                           _("disk size %llu KiB is too large"), size);
            return -1;
        }
        size *= 1024;
    }
    if (!(vm = vxlEntryBegin(dom, virDomainBlockResizeEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    if (!(disk = virDomainDiskByName(vm->def, path, false))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has no disk '%s'"), vm->def->name, path);
        goto cleanup;
    }
    ret = vxlDomainDiskGrow(driver, vm, disk, size);

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

/* ----- rename ----------------------------------------------------------- */

/* Under the domain list's write lock: the definition takes the new name
 * and its config file follows; the old one (and its autostart link)
 * goes only once the new one is written. */
static int
vxlDomainRenameCallback(virDomainObj *vm, const char *newName,
                        unsigned int flags G_GNUC_UNUSED, void *opaque)
{
    vxlDriver *driver = opaque;
    g_autofree char *oldName = g_strdup(vm->def->name);
    g_autofree char *oldConfig = virDomainConfigFile(driver->cfg->configDir, oldName);
    g_autofree char *oldLink = virDomainConfigFile(driver->cfg->autostartDir, oldName);
    g_autofree char *newConfig = virDomainConfigFile(driver->cfg->configDir, newName);
    g_autofree char *newLink = virDomainConfigFile(driver->cfg->autostartDir, newName);

    g_free(vm->def->name);
    vm->def->name = g_strdup(newName);
    if (virDomainDefSave(vm->def, driver->xmlopt, driver->cfg->configDir) < 0)
        goto error;
    if (vm->autostart && symlink(newConfig, newLink) < 0) {
        virReportSystemError(errno, _("failed to create symlink '%s' to '%s'"),
                             newLink, newConfig);
        unlink(newConfig);
        goto error;
    }
    if (unlink(oldConfig) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove the old config %s: %s", oldConfig, g_strerror(errno));
    if (vm->autostart && unlink(oldLink) < 0 && errno != ENOENT)
        VIR_WARN("cannot remove the old autostart link %s: %s", oldLink,
                 g_strerror(errno));
    return 0;

 error:
    g_free(vm->def->name);
    vm->def->name = g_steal_pointer(&oldName);
    return -1;
}

int
vxlDomainRename(virDomainPtr dom, const char *new_name, unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainObj *vm;
    virObjectEvent *undefined = NULL;
    int ret = -1;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainRenameEnsureACL, VIR_JOB_MODIFY)))
        return -1;
    if (!new_name || !*new_name || strchr(new_name, '/')) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("'%s' is not a domain name: it must be non-empty and have no '/'"),
                       NULLSTR(new_name));
        goto cleanup;
    }
    if (virDomainObjIsActive(vm) || !vm->persistent ||
        virDomainObjGetState(vm, NULL) != VIR_DOMAIN_SHUTOFF) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot rename domain '%s': only a defined domain that is shut off can be renamed"),
                       vm->def->name);
        goto cleanup;
    }
    if (vm->hasManagedSave) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot rename domain '%s': it has a managed save image"),
                       vm->def->name);
        goto cleanup;
    }
    /* Snapshot metadata is filed under the domain's name. */
    if (virDomainSnapshotObjListNum(vxlSnapshotList(vxl_driver, vm), NULL, 0) > 0) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot rename domain '%s': it has snapshots"),
                       vm->def->name);
        goto cleanup;
    }

    /* The undefine event names the old name: made now, sent on success. */
    undefined = virDomainEventLifecycleNewFromObj(vm, VIR_DOMAIN_EVENT_UNDEFINED,
                                                  VIR_DOMAIN_EVENT_UNDEFINED_RENAMED);
    if (virDomainObjListRename(driver->domains, vm, new_name, flags,
                               vxlDomainRenameCallback, driver) < 0) {
        virObjectUnref(undefined);
        goto cleanup;
    }
    virObjectEventStateQueue(driver->domainEventState, undefined);
    virObjectEventStateQueue(driver->domainEventState,
                             virDomainEventLifecycleNewFromObj(vm, VIR_DOMAIN_EVENT_DEFINED,
                                                               VIR_DOMAIN_EVENT_DEFINED_RENAMED));
    ret = 0;

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}
