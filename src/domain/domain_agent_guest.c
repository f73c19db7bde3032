/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_agent_guest.c: what the guest agent knows of the guest's own
 * vCPUs and filesystems (virsh guestvcpus, domfsinfo, domfstrim), over
 * the agent channel of domain_agent.c.
 *
 * The guest's vCPUs are not Xen's: Xen decides which vCPUs a guest may
 * run (virsh setvcpus, xl vcpu-set); within those, the guest takes its
 * own CPUs offline and back, which is what these calls see and change.
 * A vCPU Xen has not made available is offline in the guest and cannot
 * be brought up there.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virbitmap.h"
#include "virerror.h"
#include "virstring.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* libvirt's own bound on vCPU ids in a guest's list. */
#define VXL_GUEST_VCPU_MAX_ID 4096

typedef struct {
    unsigned int id;
    bool online;
    bool offlinable;
} vxlGuestVcpu;

/* The agent's guest-get-vcpus, as a g_free'd array. */
static int
vxlAgentGuestVcpus(virDomainObj *vm, vxlGuestVcpu **out, size_t *nout)
{
    g_autoptr(virJSONValue) ret = NULL;
    g_autofree vxlGuestVcpu *vcpus = NULL;
    size_t n;
    size_t i;

    if (vxlDomainAgentCommand(vm, "guest-get-vcpus", NULL, true, &ret) < 0)
        return -1;
    if (!virJSONValueIsArray(ret))
        goto malformed;
    n = virJSONValueArraySize(ret);
    vcpus = g_new0(vxlGuestVcpu, n);
    for (i = 0; i < n; i++) {
        virJSONValue *entry = virJSONValueArrayGet(ret, i);

        if (virJSONValueObjectGetNumberUint(entry, "logical-id", &vcpus[i].id) < 0 ||
            virJSONValueObjectGetBoolean(entry, "online", &vcpus[i].online) < 0 ||
            vcpus[i].id >= VXL_GUEST_VCPU_MAX_ID)
            goto malformed;
        /* qemu-ga leaves can-offline out where it cannot tell. */
        if (virJSONValueObjectGetBoolean(entry, "can-offline",
                                         &vcpus[i].offlinable) < 0)
            vcpus[i].offlinable = false;
    }
    *out = g_steal_pointer(&vcpus);
    *nout = n;
    return 0;

 malformed:
    virReportError(VIR_ERR_INTERNAL_ERROR,
                   _("the guest agent of domain '%s' gave a malformed vCPU list"),
                   vm->def->name);
    return -1;
}

int
vxlDomainAgentGetVcpus(virDomainObj *vm, virTypedParameterPtr *params,
                       unsigned int *nparams)
{
    g_autofree vxlGuestVcpu *vcpus = NULL;
    g_autoptr(virBitmap) all = virBitmapNew(VXL_GUEST_VCPU_MAX_ID);
    g_autoptr(virBitmap) online = virBitmapNew(VXL_GUEST_VCPU_MAX_ID);
    g_autoptr(virBitmap) offlinable = virBitmapNew(VXL_GUEST_VCPU_MAX_ID);
    g_autofree char *allStr = NULL;
    g_autofree char *onlineStr = NULL;
    g_autofree char *offlinableStr = NULL;
    virTypedParameterPtr par = NULL;
    int npar = 0;
    int maxpar = 0;
    size_t n = 0;
    size_t i;

    if (vxlAgentGuestVcpus(vm, &vcpus, &n) < 0)
        return -1;
    for (i = 0; i < n; i++) {
        ignore_value(virBitmapSetBit(all, vcpus[i].id));
        if (vcpus[i].online)
            ignore_value(virBitmapSetBit(online, vcpus[i].id));
        if (vcpus[i].offlinable)
            ignore_value(virBitmapSetBit(offlinable, vcpus[i].id));
    }
    allStr = virBitmapFormat(all);
    onlineStr = virBitmapFormat(online);
    offlinableStr = virBitmapFormat(offlinable);
    if (virTypedParamsAddString(&par, &npar, &maxpar, "vcpus", allStr) < 0 ||
        virTypedParamsAddString(&par, &npar, &maxpar, "online", onlineStr) < 0 ||
        virTypedParamsAddString(&par, &npar, &maxpar, "offlinable",
                                offlinableStr) < 0) {
        virTypedParamsFree(par, npar);
        return -1;
    }
    *params = par;
    *nparams = npar;
    return 0;
}

int
vxlDomainAgentSetVcpus(virDomainObj *vm, virBitmap *map, bool state)
{
    g_autofree vxlGuestVcpu *vcpus = NULL;
    g_autoptr(virBitmap) missing = virBitmapNewCopy(map);
    g_autoptr(virJSONValue) args = virJSONValueNewObject();
    g_autoptr(virJSONValue) list = virJSONValueNewArray();
    g_autoptr(virJSONValue) ret = NULL;
    unsigned long long done = 0;
    size_t nsent = 0;
    size_t n = 0;
    size_t i;

    if (vxlAgentGuestVcpus(vm, &vcpus, &n) < 0)
        return -1;
    /* Every vCPU is checked before the guest is asked for anything. */
    for (i = 0; i < n; i++) {
        if (!virBitmapIsBitSet(map, vcpus[i].id))
            continue;
        ignore_value(virBitmapClearBit(missing, vcpus[i].id));
        if (!state && !vcpus[i].offlinable) {
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("vCPU %u of domain '%s' cannot be taken offline by the guest"),
                           vcpus[i].id, vm->def->name);
            return -1;
        }
    }
    if (!virBitmapIsAllClear(missing)) {
        g_autofree char *str = virBitmapFormat(missing);

        virReportError(VIR_ERR_INVALID_ARG,
                       _("the guest of domain '%s' has no vCPUs '%s'"),
                       vm->def->name, NULLSTR(str));
        return -1;
    }
    for (i = 0; i < n; i++) {
        g_autoptr(virJSONValue) entry = NULL;

        if (!virBitmapIsBitSet(map, vcpus[i].id) || vcpus[i].online == state)
            continue;
        entry = virJSONValueNewObject();
        if (virJSONValueObjectAppendNumberUint(entry, "logical-id", vcpus[i].id) < 0 ||
            virJSONValueObjectAppendBoolean(entry, "online", state) < 0 ||
            virJSONValueArrayAppend(list, &entry) < 0)
            return -1;
        nsent++;
    }
    if (nsent == 0)
        return 0;
    if (virJSONValueObjectAppend(args, "vcpus", &list) < 0)
        return -1;
    if (vxlDomainAgentCommand(vm, "guest-set-vcpus", g_steal_pointer(&args),
                              true, &ret) < 0)
        return -1;
    if (virJSONValueGetNumberUlong(ret, &done) < 0 || done != nsent) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("the guest of domain '%s' changed %llu of the %zu vCPUs asked for"),
                       vm->def->name, done, nsent);
        return -1;
    }
    return 0;
}

/* The disk of @def the guest calls @dev ("/dev/xvda2": disk xvda), or
 * NULL. */
static const char *
vxlAgentDiskTarget(const virDomainDef *def, const char *dev)
{
    const char *name = STRSKIP(dev, "/dev/");
    size_t i;

    if (!name)
        return NULL;
    for (i = 0; i < def->ndisks; i++) {
        const char *dst = def->disks[i]->dst;
        const char *rest = STRSKIP(name, dst);

        /* The disk itself, or one of its partitions. */
        if (rest && (!*rest || g_ascii_isdigit(*rest)))
            return dst;
    }
    return NULL;
}

int
vxlDomainAgentGetFSInfo(virDomainObj *vm, virDomainFSInfoPtr **info)
{
    g_autoptr(virJSONValue) ret = NULL;
    virDomainFSInfoPtr *out = NULL;
    size_t n;
    size_t i;

    if (vxlDomainAgentCommand(vm, "guest-get-fsinfo", NULL, true, &ret) < 0)
        return -1;
    if (!virJSONValueIsArray(ret)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the guest agent of domain '%s' gave a malformed filesystem list"),
                       vm->def->name);
        return -1;
    }
    n = virJSONValueArraySize(ret);
    out = g_new0(virDomainFSInfoPtr, n);
    for (i = 0; i < n; i++) {
        virJSONValue *entry = virJSONValueArrayGet(ret, i);
        virJSONValue *disks = virJSONValueObjectGetArray(entry, "disk");
        virDomainFSInfoPtr fs = g_new0(virDomainFSInfo, 1);
        size_t j;

        out[i] = fs;
        fs->mountpoint = g_strdup(virJSONValueObjectGetString(entry, "mountpoint"));
        fs->name = g_strdup(virJSONValueObjectGetString(entry, "name"));
        fs->fstype = g_strdup(virJSONValueObjectGetString(entry, "type"));
        if (!fs->mountpoint || !fs->name) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("the guest agent of domain '%s' gave a filesystem without a name or mount point"),
                           vm->def->name);
            for (j = 0; j <= i; j++)
                virDomainFSInfoFree(out[j]);
            g_free(out);
            return -1;
        }
        /* The disks it is on, by their target names (as libvirt's other
         * drivers give them). */
        fs->devAlias = g_new0(char *, disks ? virJSONValueArraySize(disks) : 0);
        for (j = 0; disks && j < virJSONValueArraySize(disks); j++) {
            const char *dev = virJSONValueObjectGetString(
                virJSONValueArrayGet(disks, j), "dev");
            const char *dst = dev ? vxlAgentDiskTarget(vm->def, dev) : NULL;

            if (dst)
                fs->devAlias[fs->ndevAlias++] = g_strdup(dst);
        }
    }
    *info = out;
    return n;
}

int
vxlDomainAgentFSTrim(virDomainObj *vm, unsigned long long minimum)
{
    g_autoptr(virJSONValue) args = virJSONValueNewObject();

    if (virJSONValueObjectAppendNumberUlong(args, "minimum", minimum) < 0)
        return -1;
    return vxlDomainAgentCommand(vm, "guest-fstrim", g_steal_pointer(&args),
                                 true, NULL);
}
