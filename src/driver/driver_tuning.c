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

    if (vxlDomainHostGetFacts(vxl_driver, &facts) < 0)
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
    virDomainObj *vm;
    virDomainDef *def = NULL;
    virDomainDef *persistentDef = NULL;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (!(vm = vxlEntryBeginFlags(dom, virDomainSetSchedulerParametersFlagsEnsureACL,
                                  flags,
                                  VIR_JOB_MODIFY)))
        return -1;
    if (virTypedParamsValidate(params, nparams,
                               VIR_DOMAIN_SCHEDULER_WEIGHT, VIR_TYPED_PARAM_UINT,
                               VIR_DOMAIN_SCHEDULER_CAP, VIR_TYPED_PARAM_UINT,
                               NULL) == 0 &&
        virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0)
        ret = vxlDomainSchedChange(vxl_driver, vm, def, persistentDef, params,
                                   nparams);
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
    virDomainObj *vm;
    int ret;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);
    if (!(vm = vxlEntryBeginFlags(dom, virDomainSetMetadataEnsureACL, flags,
                                  VIR_JOB_MODIFY)))
        return -1;
    ret = vxlDomainMetadataChange(vxl_driver, vm, type, metadata, key, uri,
                                  flags);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

char *
vxlDomainGetMetadata(virDomainPtr dom, int type, const char *uri,
                     unsigned int flags)
{
    virDomainObj *vm;
    char *ret = NULL;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, NULL);
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
    /* NULL when the definition chooses no nodes. placement='auto' is
     * libxl's own NUMA placement, with no numad advice to report (libvirt's
     * formatter fails without one): no nodes, as for none chosen. */
    if (!virDomainNumatuneHasPlacementAuto(def->numa) &&
        virDomainNumatuneMaybeFormatNodeset(def->numa, NULL, &nodeset, -1) < 0)
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

int
vxlDomainGetBlockInfo(virDomainPtr dom, const char *path,
                      virDomainBlockInfoPtr info, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainGetBlockInfoEnsureACL, VIR_JOB_NONE)))
        return -1;
    ret = vxlDomainBlockInfoRead(vm, path, info);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainBlockResize(virDomainPtr dom, const char *path, unsigned long long size,
                     unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(VIR_DOMAIN_BLOCK_RESIZE_BYTES, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainBlockResizeEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    if (!(flags & VIR_DOMAIN_BLOCK_RESIZE_BYTES) && size > ULLONG_MAX / 1024) {
        virReportError(VIR_ERR_OVERFLOW,
                       _("disk size %llu KiB is too large"), size);
        ret = -1;
    } else {
        if (!(flags & VIR_DOMAIN_BLOCK_RESIZE_BYTES))
            size *= 1024;
        ret = vxlDomainDiskGrow(vxl_driver, vm, path, size);
    }
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

/* ----- rename ----------------------------------------------------------- */

int
vxlDomainRename(virDomainPtr dom, const char *new_name, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainRenameEnsureACL, VIR_JOB_MODIFY)))
        return -1;
    ret = vxlDomainRenameTo(vxl_driver, vm, new_name);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}
