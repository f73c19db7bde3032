/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_cpu.c: where vCPUs run and what they look like.
 *
 * Covers <vcpu cpuset> and <cputune><vcpupin> (hard affinity, one map
 * per vCPU, as xl's cpus=; with the namespace's <virtxl:cpus_exclude>
 * for xl's "all,^N", and <virtxl:cpus_nodes> for "nodes:N", which
 * domain/ resolves against the host before a start: left here, with no
 * host to ask, it stands for every CPU), <cputune><shares> (credit scheduler weight,
 * xl's cpu_weight=), <period>/<quota> and <global_period>/<global_quota>
 * (the cap, xl's cap=), <cpu><numa> with <distances> and per-cell
 * <numatune><memnode> (vNUMA, xl's vnuma= with pnode=), <cpu
 * mode='host-passthrough'|'host-model'>, <cpu><feature policy> (libxl
 * cpuid policy, xl's cpuid=; libvirt's feature names become libxl's
 * through conf_cpu_names.c) and vmx/svm as nested HVM (xl's
 * nestedhvm=).
 *
 * Refuses what the credit scheduler and libxl cannot express: emulator
 * and iothread pinning or bandwidth, per-vCPU scheduler policies,
 * <numatune><memory> and memnodes of more than one host node, named CPU
 * models, CPU features libxl cannot set, and vmx and svm with opposite
 * policies.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "conf_cpu_names.h"
#include "virbitmap.h"
#include "virerror.h"
#include "cpu_conf.h"
#include "numa_conf.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* Credit scheduler weights are 1..65535 (xl and libxl refuse others). */
#define VXL_SCHED_WEIGHT_MAX 65535


void
vxlTranslateBitmapFromVir(libxl_bitmap *bitmap, virBitmap *vmap)
{
    ssize_t bit = -1;

    vxlTranslateBitmapAlloc(bitmap, virBitmapSize(vmap));
    while ((bit = virBitmapNextSetBit(vmap, bit)) >= 0)
        libxl_bitmap_set(bitmap, bit);
}


/* vCPU @i's hard affinity (to free): its own <vcpupin> or
 * <virtxl:cpus_exclude vcpu>, else the one for every vCPU (<vcpu
 * cpuset> or <virtxl:cpus_exclude>), else every CPU. An exclusion is
 * every CPU Xen can have but those: libxl_set_vcpuaffinity copies the
 * map into one of the host's size (best effort), so what remains is
 * xl's "all,^N" on that host. */
static virBitmap *
vxlCpuVcpuAffinity(const virDomainDef *def, size_t i)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    virBitmap *except = NULL;
    virBitmap *map;
    ssize_t bit = -1;

    if (def->vcpus[i]->cpumask)
        return virBitmapNewCopy(def->vcpus[i]->cpumask);
    map = virBitmapNew(VXL_XMLNS_CPUS_ALL);
    virBitmapSetAll(map);
    /* Host NUMA nodes unresolved (an offline translation): every CPU. */
    if (vxlXMLNSCpusNodes(ns, i))
        return map;
    if (!(except = vxlXMLNSCpusExcluded(ns, i))) {
        if (def->cpumask) {
            virBitmapFree(map);
            return virBitmapNewCopy(def->cpumask);
        }
        if (vxlXMLNSCpusNodes(ns, -1))
            return map;
        /* Unpinned before a pinned one: every CPU, as libvirt leaves
         * it and as xl's cpus=["all","3"] gives vCPU 0. */
        if (!(except = vxlXMLNSCpusExcluded(ns, -1)))
            return map;
    }
    while ((bit = virBitmapNextSetBit(except, bit)) >= 0)
        ignore_value(virBitmapClearBit(map, bit));
    return map;
}


/* How many per-vCPU affinity maps to build: all vCPUs with a cpuset;
 * otherwise up to the last pinned one (later ones stay unpinned, as
 * with a shorter xl cpus=[...] list). */
static size_t
vxlCpuAffinityCount(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t n = 0;
    size_t i;

    if (def->cpumask || vxlXMLNSCpusExcluded(ns, -1) || vxlXMLNSCpusNodes(ns, -1))
        return def->maxvcpus;
    for (i = 0; i < def->maxvcpus; i++) {
        if (def->vcpus[i]->cpumask || vxlXMLNSCpusExcluded(ns, i) || vxlXMLNSCpusNodes(ns, i))
            n = i + 1;
    }
    return n;
}


static int
vxlValidateCpuTune(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->maxvcpus; i++) {
        if (def->vcpus[i]->sched.policy != VIR_PROC_POLICY_NONE) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<cputune><vcpusched> is not supported by Xen: the credit scheduler has no per-vCPU policy"));
            return -1;
        }
    }

    if (def->cputune.sharesSpecified &&
        (def->cputune.shares < 1 || def->cputune.shares > VXL_SCHED_WEIGHT_MAX)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<cputune><shares>%llu</shares> is not supported by Xen: the credit scheduler's weight is 1 to %d"),
                       def->cputune.shares, VXL_SCHED_WEIGHT_MAX);
        return -1;
    }
    if ((def->cputune.period > 0) != (def->cputune.quota != 0) ||
        (def->cputune.global_period > 0) != (def->cputune.global_quota != 0)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<cputune><period> and <quota> are supported by Xen only together: they become the scheduler's cap"));
        return -1;
    }
    if (def->cputune.period > 0 && def->cputune.global_period > 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<cputune><period>/<quota> and <global_period>/<global_quota> are not supported together by Xen: it has one cap per domain"));
        return -1;
    }
    if (def->cputune.emulatorpin || def->cputune.emulator_period ||
        def->cputune.emulator_quota || def->cputune.emulatorsched) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<cputune><emulatorpin>, <emulator_period>, <emulator_quota> and <emulatorsched> are not supported by Xen: the device model runs in dom0 (or a stub domain), not in the guest's scheduling context"));
        return -1;
    }
    if (def->cputune.iothread_period || def->cputune.iothread_quota ||
        def->niothreadids > 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<iothreads> and <cputune><iothread_*> are not supported by Xen"));
        return -1;
    }
    /* qemu's pool of worker threads for its main loop: libxl starts
     * qemu with its own threads and no option to size them. */
    if (def->defaultIOThread) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<defaultiothread> is not supported by Xen: libxl gives qemu no thread pool settings"));
        return -1;
    }
    return 0;
}


/*
 * <numatune><memory mode='preferred' nodeset>: libxl's b_info.nodemap,
 * the domain's NUMA node affinity, from which Xen allocates its memory,
 * taking other nodes when those are full (Xen's page allocator falls
 * back past a domain's node affinity). That is libvirt's 'preferred';
 * 'strict' would need the allocation to fail instead, which Xen does
 * only for a vNUMA node's memory (<memnode>); 'interleave' and
 * 'restrictive' (cgroups) Xen has not. xl.cfg has no key for the
 * nodemap (xl always leaves it to libxl's placement).
 */
static int
vxlValidateCpuNumatuneMemory(const virDomainDef *def)
{
    virDomainNumatuneMemMode mode = VIR_DOMAIN_NUMATUNE_MEM_STRICT;

    if (virDomainNumatuneGetMode(def->numa, -1, &mode) < 0)
        return 0;
    /* placement='auto' (also what libvirt's parser makes of <vcpu
     * placement='auto'>, which Salt and others write): "choose the nodes
     * for me". libxl does exactly that by default (numa_placement), so
     * nothing is set; only modes Xen has no form of are refused. */
    if (virDomainNumatuneHasPlacementAuto(def->numa)) {
        if (mode == VIR_DOMAIN_NUMATUNE_MEM_INTERLEAVE ||
            mode == VIR_DOMAIN_NUMATUNE_MEM_RESTRICTIVE) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<numatune><memory mode='%s' placement='auto'> is not supported by Xen: libxl's automatic NUMA placement gives a guest the memory of the nodes it picks, with no interleaving"),
                           virDomainNumatuneMemModeTypeToString(mode));
            return -1;
        }
        return 0;
    }
    if (mode != VIR_DOMAIN_NUMATUNE_MEM_PREFERRED) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<numatune><memory mode='%s'> is not supported by Xen: Xen's NUMA node affinity is a preference (memory comes from other nodes when these are full), use mode='preferred'"),
                       virDomainNumatuneMemModeTypeToString(mode));
        return -1;
    }
    if (virDomainNumaGetNodeCount(def->numa) > 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<numatune><memory> with vNUMA cells (<cpu><numa>) is not supported by Xen: place each cell's memory with <memnode>"));
        return -1;
    }
    return 0;
}


static int
vxlValidateCpuNuma(const virDomainDef *def)
{
    size_t nnodes = virDomainNumaGetNodeCount(def->numa);
    size_t i;

    if (vxlValidateCpuNumatuneMemory(def) < 0)
        return -1;
    /* libxl sizes a vNUMA guest by its nodes and refuses a maximum that
     * is not their sum (libxl__vnuma_config_check); xl refuses such a
     * maxmem= too. libvirt's parser keeps a <memory> beside the cells
     * unless its driver asks it to recompute (qemu's define does, the
     * libxl driver does not, and then fails at start). */
    if (nnodes > 0 &&
        virDomainNumaGetMemorySize(def->numa) != virDomainDefGetMemoryInitial(def)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<memory> of %llu KiB is not supported by Xen beside <cpu><numa> cells of %llu KiB in all: Xen sizes a vNUMA guest by its cells, set <memory> to their sum"),
                       virDomainDefGetMemoryInitial(def),
                       virDomainNumaGetMemorySize(def->numa));
        return -1;
    }
    for (i = 0; i < nnodes; i++) {
        virDomainNumatuneMemMode mode = VIR_DOMAIN_NUMATUNE_MEM_STRICT;
        virBitmap *nodeset;

        /* A vNUMA node's memory comes from one host node (libxl's
         * pnode, xl's vnuma pnode=). */
        if (!virDomainNumatuneNodeSpecified(def->numa, i))
            continue;
        nodeset = virDomainNumatuneGetNodeset(def->numa, NULL, i);
        ignore_value(virDomainNumatuneGetMode(def->numa, i, &mode));
        if (mode != VIR_DOMAIN_NUMATUNE_MEM_STRICT || virBitmapCountBits(nodeset) != 1) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<numatune><memnode cellid='%zu'> is supported by Xen only with mode='strict' and one host node in nodeset: a vNUMA node's memory comes from one host node"),
                           i);
            return -1;
        }
    }
    for (i = 0; i < nnodes; i++) {
        if (!virDomainNumaGetNodeCpumask(def->numa, i) ||
            virBitmapIsAllClear(virDomainNumaGetNodeCpumask(def->numa, i))) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<cpu><numa><cell id='%zu'> without cpus is not supported by Xen: every vNUMA node needs a vCPU"),
                           i);
            return -1;
        }
        if (virDomainNumaGetNodeMemoryAccessMode(def->numa, i) != VIR_DOMAIN_MEMORY_ACCESS_DEFAULT ||
            virDomainNumaGetNodeDiscard(def->numa, i) != VIR_TRISTATE_BOOL_ABSENT) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<cpu><numa><cell id='%zu' memAccess|discard> is not supported by Xen"),
                           i);
            return -1;
        }
    }
    return 0;
}


/* The libxl cpuid policy letter for a libvirt feature policy: force and
 * require set the bit, disable and forbid clear it, optional keeps the
 * host's value ('k'). Xen cannot check at define time that the host
 * has a required feature; libxl fails the start if it cannot set it.
 * 0 for no policy. */
static char
vxlCpuFeaturePolicy(int policy)
{
    switch ((virCPUFeaturePolicy)policy) {
    case VIR_CPU_FEATURE_FORCE:
    case VIR_CPU_FEATURE_REQUIRE:
        return '1';
    case VIR_CPU_FEATURE_OPTIONAL:
        return 'k';
    case VIR_CPU_FEATURE_DISABLE:
    case VIR_CPU_FEATURE_FORBID:
        return '0';
    case VIR_CPU_FEATURE_LAST:
        break;
    }
    return 0;
}


/* vmx (Intel) and svm (AMD) are one switch to Xen: nested HVM
 * (b_info.nested_hvm, xl's nestedhvm=) offers the guest the host
 * vendor's own virtualisation extension, whichever of the two libvirt
 * named; neither is a CPUID bit libxl sets. */
static bool
vxlCpuFeatureIsNested(const char *name)
{
    return STREQ(name, "vmx") || STREQ(name, "svm");
}


/* Add one feature to @cpuid as xl's cpuid= would: libvirt's name
 * becomes libxl's for the same bit, or a xend line for that bit where
 * libxl has no name (conf_cpu_names.c). */
static int
vxlCpuAddFeature(libxl_cpuid_policy_list *cpuid, const virCPUFeatureDef *f)
{
    char policy = vxlCpuFeaturePolicy(f->policy);

    if (!policy) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<cpu><feature name='%s'> needs a policy for Xen"), f->name);
        return -1;
    }
    if (vxlCpuNameAddPolicy(cpuid, f->name, policy) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<cpu><feature name='%s'> is not supported by Xen: libxl knows no CPUID feature of that name"),
                       f->name);
        return -1;
    }
    return 0;
}


/* The nested HVM switch the vmx/svm <feature>s ask for: -1 for none,
 * else on (force, require, optional) or off (disable, forbid). vmx
 * and svm at once must agree, as they are the same switch. */
static int
vxlCpuNested(const virCPUDef *cpu, int *nested)
{
    size_t i;

    *nested = -1;
    for (i = 0; cpu && i < cpu->nfeatures; i++) {
        const virCPUFeatureDef *f = &cpu->features[i];
        int on;

        if (!vxlCpuFeatureIsNested(f->name))
            continue;
        on = f->policy == VIR_CPU_FEATURE_FORCE ||
             f->policy == VIR_CPU_FEATURE_REQUIRE ||
             f->policy == VIR_CPU_FEATURE_OPTIONAL;
        if (*nested >= 0 && *nested != on) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<cpu><feature name='vmx'> and <feature name='svm'> with opposite policies are not supported by Xen: both are its one nested HVM switch"));
            return -1;
        }
        *nested = on;
    }
    return 0;
}


static int
vxlValidateCpuModel(const virDomainDef *def)
{
    const virCPUDef *cpu = def->cpu;
    libxl_cpuid_policy_list cpuid = NULL;
    size_t i;
    int nested;
    int ret = 0;

    if (!cpu)
        return 0;

    switch ((virCPUMode)cpu->mode) {
    case VIR_CPU_MODE_HOST_PASSTHROUGH:
    case VIR_CPU_MODE_HOST_MODEL:
    case VIR_CPU_MODE_MAXIMUM:
        break;
    case VIR_CPU_MODE_CUSTOM:
        if (cpu->model) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<cpu><model>%s</model> is not supported by Xen: Xen offers the host's CPU levelled by its policy; use mode='host-passthrough' with <feature> elements"),
                           cpu->model);
            return -1;
        }
        break;
    case VIR_CPU_MODE_LAST:
    default:
        virReportEnumRangeError(virCPUMode, cpu->mode);
        return -1;
    }

    if (cpu->addr) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<cpu><maxphysaddr> is not supported by Xen: Xen gives guests the host's physical address width"));
        return -1;
    }
    if (cpu->cache) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<cpu><cache> is not supported by Xen"));
        return -1;
    }

    if (vxlCpuNested(cpu, &nested) < 0)
        return -1;
    /* Check every feature name by parsing it into a scratch policy of
     * its own: libxl's xend parser, given a register an earlier line
     * set, drops (and leaks) what it held. */
    for (i = 0; i < cpu->nfeatures && ret == 0; i++) {
        if (vxlCpuFeatureIsNested(cpu->features[i].name))
            continue;
        ret = vxlCpuAddFeature(&cpuid, &cpu->features[i]);
        libxl_cpuid_dispose(&cpuid);
        cpuid = NULL;
    }
    return ret;
}


int
vxlValidateCpu(const virDomainDef *def)
{
    if (vxlValidateCpuTune(def) < 0 ||
        vxlValidateCpuNuma(def) < 0 ||
        vxlValidateCpuModel(def) < 0)
        return -1;
    return 0;
}


static void
vxlTranslateCpuAffinity(const virDomainDef *def, libxl_domain_build_info *b_info)
{
    size_t n = vxlCpuAffinityCount(def);
    bool perVcpu = false;
    size_t i;

    if (n == 0)
        return;
    b_info->vcpu_hard_affinity = g_new0(libxl_bitmap, n);
    b_info->num_vcpu_hard_affinity = n;
    for (i = 0; i < n; i++) {
        g_autoptr(virBitmap) map = vxlCpuVcpuAffinity(def, i);

        vxlTranslateBitmapFromVir(&b_info->vcpu_hard_affinity[i], map);
        if (def->vcpus[i]->cpumask || vxlXMLNSCpusExcluded(vxlXMLNSGet(def), i) ||
            vxlXMLNSCpusNodes(vxlXMLNSGet(def), i))
            perVcpu = true;
    }
    /* As xl does with a cpus=[...] list: per-vCPU pinning replaces
     * libxl's automatic NUMA placement. For one cpuset for all (xl's
     * cpus="..."), xl leaves placement to libxl, which places within
     * the set. */
    if (perVcpu)
        libxl_defbool_set(&b_info->numa_placement, false);
}


static void
vxlTranslateCpuSched(const virDomainDef *def, libxl_domain_build_info *b_info)
{
    if (def->cputune.sharesSpecified)
        b_info->sched_params.weight = def->cputune.shares;

    /* The credit scheduler's cap is a percentage of one pCPU for the
     * whole domain. libvirt's period/quota is per vCPU, its
     * global_period/global_quota for the whole domain. A negative quota
     * is libvirt's "unlimited": no cap. */
    if (def->cputune.period > 0 && def->cputune.quota > 0)
        b_info->sched_params.cap = def->cputune.quota * 100 * def->maxvcpus /
                                   def->cputune.period;
    if (def->cputune.global_period > 0 && def->cputune.global_quota > 0)
        b_info->sched_params.cap = def->cputune.global_quota * 100 /
                                   def->cputune.global_period;
}


static void
vxlTranslateCpuNuma(const virDomainDef *def, libxl_domain_build_info *b_info)
{
    size_t nnodes = virDomainNumaGetNodeCount(def->numa);
    size_t i;
    size_t j;

    /* Validated: mode='preferred', no vNUMA cells. Automatic placement
     * would overwrite the nodemap (and libxl refuses it beside one). */
    if (virDomainNumatuneGetMode(def->numa, -1, NULL) == 0 &&
        !virDomainNumatuneHasPlacementAuto(def->numa)) {
        vxlTranslateBitmapFromVir(&b_info->nodemap,
                                  virDomainNumatuneGetNodeset(def->numa, NULL, -1));
        libxl_defbool_set(&b_info->numa_placement, false);
    }
    if (nnodes == 0)
        return;
    b_info->vnuma_nodes = g_new0(libxl_vnode_info, nnodes);
    b_info->num_vnuma_nodes = nnodes;
    for (i = 0; i < nnodes; i++) {
        libxl_vnode_info *node = &b_info->vnuma_nodes[i];

        libxl_vnode_info_init(node);
        node->memkb = virDomainNumaGetNodeMemorySize(def->numa, i);
        /* libxl wants a full distance row. Unset distances take the
         * ACPI SLIT defaults libvirt itself reports: 10 to itself, 20
         * to any other node. */
        node->distances = g_new0(uint32_t, nnodes);
        node->num_distances = nnodes;
        for (j = 0; j < nnodes; j++) {
            unsigned int d = virDomainNumaGetNodeDistance(def->numa, i, j);

            node->distances[j] = d ? d : (i == j ? 10 : 20);
        }
        vxlTranslateBitmapFromVir(&node->vcpus, virDomainNumaGetNodeCpumask(def->numa, i));
        /* Host node 0 (libxl's default) without a <memnode>. xl turns
         * libxl's automatic NUMA placement off once pnode= chooses a
         * node; without, it stays on. */
        if (virDomainNumatuneNodeSpecified(def->numa, i)) {
            node->pnode = virBitmapNextSetBit(virDomainNumatuneGetNodeset(def->numa, NULL, i), -1);
            libxl_defbool_set(&b_info->numa_placement, false);
        }
    }
}


static int
vxlTranslateCpuModel(const virDomainDef *def, libxl_domain_build_info *b_info)
{
    const virCPUDef *cpu = def->cpu;
    g_autofree vxlCpuFeature *features = NULL;
    int nested;
    size_t n = 0;
    size_t i;

    if (!cpu)
        return 0;
    /* The CPU mode itself changes nothing: Xen offers every guest the
     * host's CPU levelled by its policy. In particular host-passthrough
     * alone is not nested HVM (virt-manager's default mode; libvirt's
     * own libxl driver reads it so only under a libxl.conf option that
     * is off by default): vmx or svm asks for it. */
    if (vxlCpuNested(cpu, &nested) < 0)
        return -1;
    if (nested >= 0)
        libxl_defbool_set(&b_info->nested_hvm, nested);

    features = g_new0(vxlCpuFeature, cpu->nfeatures);
    for (i = 0; i < cpu->nfeatures; i++) {
        const virCPUFeatureDef *f = &cpu->features[i];

        if (vxlCpuFeatureIsNested(f->name))
            continue;
        features[n].name = f->name;
        features[n++].policy = vxlCpuFeaturePolicy(f->policy);
    }
    /* All at once: bits libxl has no name for go through xend lines,
     * which must not undo each other (conf_cpu_names.c). Each
     * feature alone passed vxlValidateCpuModel(). */
    if (vxlCpuNamesApply(&b_info->cpuid, features, n) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("libxl refused the <cpu><feature>s it accepted one by one"));
        return -1;
    }
    return 0;
}


int
vxlTranslateCpu(const virDomainDef *def, libxl_domain_config *dcfg)
{
    libxl_domain_build_info *b_info = &dcfg->b_info;

    if (vxlValidateCpu(def) < 0)
        return -1;

    vxlTranslateCpuAffinity(def, b_info);
    vxlTranslateCpuSched(def, b_info);
    vxlTranslateCpuNuma(def, b_info);
    return vxlTranslateCpuModel(def, b_info);
}
