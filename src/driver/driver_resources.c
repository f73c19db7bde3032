/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_resources.c: memory and vCPUs of a defined or running domain
 * (virsh setmem, setmaxmem, setvcpus, vcpucount, vcpuinfo, vcpupin), and
 * core dumps on request (virsh dump). The flags choose the definitions
 * (AFFECT_LIVE, AFFECT_CONFIG); domain_resources.c changes them.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_resources");

/* ---------- memory ---------- */

int
vxlDomainSetMemoryFlags(virDomainPtr dom, unsigned long memory,
                        unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def = NULL;
    virDomainDef *persistentDef = NULL;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                  VIR_DOMAIN_MEM_MAXIMUM, -1);

    if (!(vm = vxlEntryBeginFlags(dom, virDomainSetMemoryFlagsEnsureACL, flags,
                                  VIR_JOB_MODIFY)))
        return -1;
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0)
        ret = vxlDomainMemoryChange(vxl_driver, vm, def, persistentDef, memory,
                                    !!(flags & VIR_DOMAIN_MEM_MAXIMUM));
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainSetMemory(virDomainPtr dom, unsigned long memory)
{
    return vxlDomainSetMemoryFlags(dom, memory, VIR_DOMAIN_AFFECT_LIVE);
}

int
vxlDomainSetMaxMemory(virDomainPtr dom, unsigned long memory)
{
    return vxlDomainSetMemoryFlags(dom, memory, VIR_DOMAIN_MEM_MAXIMUM);
}

/* ---------- vCPUs ---------- */

int
vxlDomainSetVcpusFlags(virDomainPtr dom, unsigned int nvcpus,
                       unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def = NULL;
    virDomainDef *persistentDef = NULL;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                  VIR_DOMAIN_VCPU_MAXIMUM, -1);

    if (!(vm = vxlEntryBeginFlags(dom, virDomainSetVcpusFlagsEnsureACL, flags,
                                  VIR_JOB_MODIFY)))
        return -1;
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0)
        ret = vxlDomainVcpusChange(vxl_driver, vm, def, persistentDef, nvcpus,
                                   !!(flags & VIR_DOMAIN_VCPU_MAXIMUM));
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

/* virsh setvcpu: the vCPUs of @cpumap online (@state 1) or offline. */
int
vxlDomainSetVcpu(virDomainPtr dom, const char *cpumap, int state,
                 unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def = NULL;
    virDomainDef *persistentDef = NULL;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);

    if (!(vm = vxlEntryBeginFlags(dom, virDomainSetVcpuEnsureACL, flags,
                                  VIR_JOB_MODIFY)))
        return -1;
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0)
        ret = vxlDomainVcpuSetOnline(vxl_driver, vm, def, persistentDef,
                                     cpumap, state != 0);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainSetVcpus(virDomainPtr dom, unsigned int nvcpus)
{
    return vxlDomainSetVcpusFlags(dom, nvcpus, VIR_DOMAIN_AFFECT_LIVE);
}

int
vxlDomainGetVcpusFlags(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG |
                  VIR_DOMAIN_VCPU_MAXIMUM, -1);

    if (!(vm = vxlEntryBeginFlags(dom, virDomainGetVcpusFlagsEnsureACL, flags,
                                  VIR_JOB_NONE)))
        return -1;
    if (!(def = virDomainObjGetOneDef(vm, flags)))
        goto cleanup;
    if (flags & VIR_DOMAIN_VCPU_MAXIMUM)
        ret = virDomainDefGetVcpusMax(def);
    else
        ret = virDomainDefGetVcpus(def);

 cleanup:
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainGetMaxVcpus(virDomainPtr dom)
{
    return vxlDomainGetVcpusFlags(dom, VIR_DOMAIN_AFFECT_LIVE |
                                       VIR_DOMAIN_VCPU_MAXIMUM);
}

/* ---------- vCPU placement (virsh vcpuinfo, vcpupin) ---------- */

int
vxlDomainGetVcpus(virDomainPtr dom, virVcpuInfoPtr info, int maxinfo,
                  unsigned char *cpumaps, int maplen)
{
    virDomainObj *vm;
    int ret;

    if (!(vm = vxlEntryBegin(dom, virDomainGetVcpusEnsureACL, VIR_JOB_NONE)))
        return -1;
    ret = vxlDomainVcpusInfo(vxl_driver, vm, info, maxinfo, cpumaps, maplen);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainGetVcpuPinInfo(virDomainPtr dom, int ncpumaps, unsigned char *cpumaps,
                        int maplen, unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainGetVcpuPinInfoEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    if ((def = virDomainObjGetOneDef(vm, flags)))
        ret = vxlDomainVcpuPinInfo(vxl_driver, def, ncpumaps, cpumaps, maplen);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainPinVcpuFlags(virDomainPtr dom, unsigned int vcpu,
                      unsigned char *cpumap, int maplen, unsigned int flags)
{
    virDomainObj *vm;
    virDomainDef *def = NULL;
    virDomainDef *persistentDef = NULL;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG, -1);

    if (!(vm = vxlEntryBeginFlags(dom, virDomainPinVcpuFlagsEnsureACL, flags,
                                  VIR_JOB_MODIFY)))
        return -1;
    if (virDomainObjGetDefs(vm, flags, &def, &persistentDef) == 0)
        ret = vxlDomainVcpuPin(vxl_driver, vm, def, persistentDef, vcpu,
                               cpumap, maplen);
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainPinVcpu(virDomainPtr dom, unsigned int vcpu, unsigned char *cpumap,
                 int maplen)
{
    return vxlDomainPinVcpuFlags(dom, vcpu, cpumap, maplen, VIR_DOMAIN_AFFECT_LIVE);
}

/* ---------- core dumps ---------- */

int
vxlDomainCoreDumpWithFormat(virDomainPtr dom, const char *to,
                            unsigned int format, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(VIR_DUMP_LIVE | VIR_DUMP_CRASH, -1);

    /* No job here: the dump is an asynchronous job of its own, which
     * domjobinfo follows and domjobabort cancels. */
    if (!(vm = vxlEntryBegin(dom, virDomainCoreDumpWithFormatEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    /* Xen writes an ELF core of the guest's memory, which is what
     * libvirt's default ("raw") format asks for from a driver that has
     * no other. */
    if (format != VIR_DOMAIN_CORE_DUMP_FORMAT_RAW) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("core dump format %u is not supported by Xen: it writes an ELF core (format 'raw')"),
                       format);
        vxlEntryEnd(&vm, VIR_JOB_NONE);
        return -1;
    }
    ret = vxlDomainDumpCore(vxl_driver, vm, to, flags);
    if (ret == 0 && (flags & VIR_DUMP_CRASH))
        dom->id = -1;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainCoreDump(virDomainPtr dom, const char *to, unsigned int flags)
{
    return vxlDomainCoreDumpWithFormat(dom, to, VIR_DOMAIN_CORE_DUMP_FORMAT_RAW,
                                       flags);
}
