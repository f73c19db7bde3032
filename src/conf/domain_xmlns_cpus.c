/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_cpus.c: the reader of the namespace's CPU list elements
 * (<virtxl:cpus_soft> and <virtxl:cpus_exclude>, one grammar), and
 * <virtxl:cpus_exclude>, the hard affinity of xl's CPU lists that start
 * from every host CPU (cpus_soft's exclude='yes' is its soft twin):
 *
 *   <virtxl:cpus_exclude cpuset='3'/>           xl cpus="all,^3"
 *   <virtxl:cpus_exclude vcpu='1' cpuset='3'/>  xl cpus=[ "0", "all,^3" ]
 *
 * "Every CPU of the host but 3" is a different set on each host, and
 * libvirt's cpuset can only name CPUs, so the namespace carries the CPUs
 * taken out and the translation starts from every CPU Xen can have. As
 * libvirt's own pinning, the element without vcpu is for every vCPU that
 * has no pinning of its own (<vcpupin> or a <virtxl:cpus_exclude vcpu>).
 *
 *   <virtxl:cpus_nodes nodeset='1'/>            xl cpus="nodes:1"
 *   <virtxl:cpus_nodes vcpu='1' nodeset='0-1'/> xl cpus=[ "0", "nodes:0-1" ]
 *   <virtxl:cpus_soft nodeset='1'/>             xl cpus_soft="nodes:1"
 *
 * The CPUs of host NUMA nodes, which xl looks up on the host as it
 * parses the file: the namespace keeps the nodes, and domain/ resolves
 * them against the host a domain starts on (vxlXMLNSCpusResolveNodes)
 * into the CPU sets above. An offline translation has no host: there a
 * node set stands for every CPU.
 *
 *   <virtxl:cpus_nodes list='nodes:0,^1'/>      xl cpus="nodes:0,^1"
 *   <virtxl:cpus_soft vcpu='1' list='all,^nodes:1'/>
 *
 * Node items mixed with CPUs or "all": which CPUs remain depends on how
 * the host's nodes and CPUs overlap, so the namespace keeps xl's list as
 * written and the start applies its items in xl's order
 * (update_cpumap_range in xl_parse.c) against the host. The list is read
 * with xl's grammar (conf_cpu_list.c) and kept without the blanks and
 * empty items xl skips: "nodes: 0,,3" is kept as "nodes:0,3".
 *
 *   <virtxl:cpus_soft vcpu='1' cpuset='none'/>  xl cpus_soft=[ "0", "" ]
 *
 * An empty soft affinity, which xl hands Xen for "" or a list leaving no
 * CPU, and Xen takes (libxl warns that only the hard affinity counts).
 * A start also writes it in the live definition for a soft node list,
 * or a soft cpuset, that leaves no CPU of the host.
 *
 *   <virtxl:numa_placement state='off'/>        xl cpus=[] (any list)
 *
 * libxl's automatic NUMA placement, which xl turns off for any cpus=
 * list, even one that pins no vCPU (a list without vcpus=, or of "all"
 * only). libvirt's <vcpu placement='auto'> means numad's advice, which
 * Xen has not; 'on' is libxl's default.
 */
#include "vxl_internal.h"

#include "conf_cpu_list.h"
#include "domain_xmlns.h"
#include "virerror.h"
#include "virxml.h"
#include "virbuffer.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* Walk xl CPU list @xl item by item as xl's update_cpumap_range does,
 * with xl's grammar (vxlCpuListSplit: "nodes: 0, 3" reads as
 * "nodes:0,3"). Collects the nodes named in @nodes. With @out, also
 * applies the items to it against the host (@nodeCpus, @nnodes; CPUs
 * from @ncpus on are dropped, as libxl_bitmap_set drops them; a node the
 * host lacks has none). With @canon, *@canon is the list without blanks
 * or empty items (vxlCpuListFormat). Reported errors name element
 * @elem. */
static int
vxlXMLNSXlListWalk(const char *xl, const char *elem, virBitmap *nodes,
                   virBitmap *const *nodeCpus, size_t nnodes, unsigned int ncpus,
                   virBitmap *out, char **canon)
{
    g_autofree vxlCpuListItem *items = NULL;
    g_autofree char *bad = NULL;
    size_t n = 0;
    size_t i;

    switch (vxlCpuListSplit(xl, VXL_XMLNS_CPUS_ALL, VXL_XMLNS_NODES_MAX, &items, &n, &bad)) {
    case VXL_CPU_LIST_OK:
        break;
    case VXL_CPU_LIST_NOT_ALL:
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s list='%s'> takes '%s' out, which xl refuses: '^' does not go with 'all'"),
                       elem, xl, bad + 1);
        return -1;
    case VXL_CPU_LIST_BEYOND:
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s list='%s'>: item '%s' goes beyond CPU %d or NUMA node %d"),
                       elem, xl, bad, VXL_XMLNS_CPUS_ALL - 1, VXL_XMLNS_NODES_MAX - 1);
        return -1;
    case VXL_CPU_LIST_MALFORMED:
    default:
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s list='%s'> is not an xl CPU list: item '%s' is none of all, N, N-M, nodes:N or nodes:N-M (each maybe after '^')"),
                       elem, xl, bad);
        return -1;
    }
    if (canon)
        *canon = vxlCpuListFormat(items, n);

    for (i = 0; i < n; i++) {
        const vxlCpuListItem *it = &items[i];
        bool isNode = it->unit != VXL_CPU_LIST_CPUS;
        g_autoptr(virBitmap) cpus = virBitmapNew(VXL_XMLNS_CPUS_ALL);
        unsigned long k;
        ssize_t bit;

        if (it->all) {
            for (bit = 0; out && bit < (ssize_t)ncpus; bit++)
                ignore_value(virBitmapSetBit(out, bit));
            continue;
        }
        for (k = it->first; isNode && k <= it->last; k++)
            ignore_value(virBitmapSetBit(nodes, k));
        if (!out)
            continue;
        for (k = it->first; k <= it->last; k++) {
            if (!isNode) {
                if (k < ncpus)
                    ignore_value(virBitmapSetBit(cpus, k));
                continue;
            }
            /* A node the host lacks has no CPU, as for xl
             * (libxl_node_to_cpumap gives it none). */
            if (k < nnodes && nodeCpus[k])
                virBitmapUnion(cpus, nodeCpus[k]);
        }
        if (it->not)
            virBitmapSubtract(out, cpus);
        else
            virBitmapUnion(out, cpus);
    }
    return 0;
}


int
vxlXMLNSParseCpuList(xmlNodePtr node, const char *elem, const char *example,
                     int maxCpus, bool canExclude,
                     vxlXMLNSCpuList **list, size_t *n)
{
    g_autofree char *cpuset = virXMLPropString(node, "cpuset");
    g_autofree char *nodeset = virXMLPropString(node, "nodeset");
    g_autofree char *xl = NULL;
    g_autoptr(virBitmap) map = NULL;
    virTristateBool exclude = VIR_TRISTATE_BOOL_ABSENT;
    bool nodes = false;
    unsigned int vcpu = 0;
    int rc;
    size_t i;

    if (canExclude &&
        virXMLPropTristateBool(node, "exclude", VIR_XML_PROP_NONE, &exclude) < 0)
        return -1;
    if (STRNEQ(elem, "cpus_exclude"))
        xl = virXMLPropString(node, "list");
    /* xl's list as written, for a start to apply against the host. */
    if (xl) {
        if (cpuset || nodeset || exclude != VIR_TRISTATE_BOOL_ABSENT) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:%s list> goes without cpuset, nodeset and exclude: the list says it all"),
                           elem);
            return -1;
        }
        g_autofree char *canon = NULL;

        map = virBitmapNew(VXL_XMLNS_NODES_MAX);
        if (vxlXMLNSXlListWalk(xl, elem, map, NULL, 0, 0, NULL, &canon) < 0)
            return -1;
        nodes = true;
        cpuset = g_strdup(canon);
        /* Kept without blanks and empty items: the same list to xl. */
        g_free(xl);
        xl = g_steal_pointer(&canon);
    } else if (nodeset && STRNEQ(elem, "cpus_exclude")) {
        if (cpuset || exclude == VIR_TRISTATE_BOOL_YES) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:%s> takes either nodeset or cpuset (with exclude), not both"),
                           elem);
            return -1;
        }
        cpuset = g_steal_pointer(&nodeset);
        maxCpus = VXL_XMLNS_NODES_MAX;
        example = "1";
        nodes = true;
    } else if (STREQ(elem, "cpus_nodes")) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:cpus_nodes> needs a nodeset attribute, a list of host NUMA nodes such as '1', or a list attribute, an xl CPU list such as 'nodes:0,^1'"));
        return -1;
    }
    /* The excluded CPUs are counted from every CPU Xen can have. */
    if (exclude == VIR_TRISTATE_BOOL_YES)
        maxCpus = VXL_XMLNS_CPUS_ALL;

    if ((rc = virXMLPropUInt(node, "vcpu", 10, VIR_XML_PROP_NONE, &vcpu)) < 0)
        return -1;
    if (rc > 0 && vcpu >= VIR_DOMAIN_CPUMASK_LEN) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s vcpu='%u'> is not a vCPU number"), elem, vcpu);
        return -1;
    }
    if (!cpuset) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s> needs a cpuset attribute, a CPU list such as '%s'"),
                       elem, example);
        return -1;
    }
    if (nodes && !xl && virBitmapParse(cpuset, &map, maxCpus) < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s nodeset='%s'> is not a list of NUMA nodes such as '1' below %d"),
                       elem, cpuset, maxCpus);
        return -1;
    }
    /* cpus_soft's "all" (for a vCPU before another's list): every CPU
     * Xen can have, as xl's (libxl cuts it to the host's). */
    if (xl) {
        /* checked above; may name no node ("all,^3") */
    } else if (canExclude && !nodes && STREQ(cpuset, "all") && exclude != VIR_TRISTATE_BOOL_YES) {
        map = virBitmapNew(VXL_XMLNS_CPUS_ALL);
        virBitmapSetAll(map);
    } else if (canExclude && !nodes && STREQ(cpuset, "none")) {
        /* cpus_soft's "none": an empty soft affinity, as xl's
         * cpus_soft="" (or a list leaving no CPU) hands Xen, which then
         * schedules by the hard affinity alone. */
        if (exclude == VIR_TRISTATE_BOOL_YES) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("<virtxl:%s cpuset='none' exclude='yes'> takes no CPU out: leave exclude out, or say cpuset='all'"),
                           elem);
            return -1;
        }
        map = virBitmapNew(maxCpus);
    } else if (!nodes && virBitmapParse(cpuset, &map, maxCpus) < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("<virtxl:%s cpuset='%s'> is not a CPU list such as '%s' below %d"),
                       elem, cpuset, example, maxCpus);
        return -1;
    }
    if (nodes && !xl && virBitmapIsAllClear(map)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:%s nodeset='%s'> names no node: leave the element out instead"),
                       elem, cpuset);
        return -1;
    }
    if (!xl && virBitmapIsAllClear(map) && STRNEQ(cpuset, "none")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<virtxl:%s cpuset='%s'> names no CPU: leave the element out instead"),
                       elem, cpuset);
        return -1;
    }
    for (i = 0; i < *n; i++) {
        if ((*list)[i].vcpu == (rc > 0 ? (int)vcpu : -1)) {
            if (rc > 0)
                virReportError(VIR_ERR_XML_ERROR,
                               _("<virtxl:%s vcpu='%u'> appears twice"), elem, vcpu);
            else
                virReportError(VIR_ERR_XML_ERROR,
                               _("<virtxl:%s> without vcpu (for every vCPU) appears twice"), elem);
            return -1;
        }
    }
    *list = g_renew(vxlXMLNSCpuList, *list, *n + 1);
    (*list)[*n].exclude = exclude == VIR_TRISTATE_BOOL_YES;
    (*list)[*n].nodes = nodes;
    (*list)[*n].xl = g_steal_pointer(&xl);
    (*list)[*n].vcpu = rc > 0 ? (int)vcpu : -1;
    (*list)[(*n)++].cpuset = g_steal_pointer(&map);
    return 0;
}


bool
vxlXMLNSCpusIsAll(virBitmap *map)
{
    return virBitmapSize(map) == VXL_XMLNS_CPUS_ALL && virBitmapIsAllSet(map);
}


int
vxlXMLNSParseCpusExclude(xmlNodePtr node, vxlXMLNSDef *ns)
{
    return vxlXMLNSParseCpuList(node, "cpus_exclude", "0-1,6", VXL_XMLNS_CPUS_ALL, false,
                                &ns->cpusExclude, &ns->ncpusExclude);
}


virBitmap *
vxlXMLNSCpusSoftMap(const vxlXMLNSCpusSoft *soft)
{
    virBitmap *map;

    if (!soft->exclude && !soft->nodes)
        return virBitmapNewCopy(soft->cpuset);
    map = virBitmapNew(VXL_XMLNS_CPUS_ALL);
    virBitmapSetAll(map);
    /* Host NUMA nodes unresolved (an offline translation): every CPU. */
    if (soft->exclude)
        virBitmapSubtract(map, soft->cpuset);
    return map;
}


int
vxlXMLNSParseCpusNodes(xmlNodePtr node, vxlXMLNSDef *ns)
{
    return vxlXMLNSParseCpuList(node, "cpus_nodes", "1", VXL_XMLNS_NODES_MAX, false,
                                &ns->cpusNodes, &ns->ncpusNodes);
}


virBitmap *
vxlXMLNSCpusNodes(const vxlXMLNSDef *ns, int vcpu)
{
    size_t i;

    for (i = 0; ns && i < ns->ncpusNodes; i++) {
        if (ns->cpusNodes[i].vcpu == vcpu)
            return ns->cpusNodes[i].cpuset;
    }
    return NULL;
}


const char *
vxlXMLNSCpusNodesXl(const vxlXMLNSDef *ns, int vcpu)
{
    size_t i;

    for (i = 0; ns && i < ns->ncpusNodes; i++) {
        if (ns->cpusNodes[i].vcpu == vcpu)
            return ns->cpusNodes[i].xl;
    }
    return NULL;
}


/* The CPUs of the nodes of @l, from @nodeCpus (@nnodes of them): its
 * nodeset, or its xl list applied in order (@ncpus host CPUs). */
static virBitmap *
vxlXMLNSNodesToCpus(const char *elem, const vxlXMLNSCpuList *l,
                    virBitmap *const *nodeCpus, size_t nnodes, unsigned int ncpus)
{
    g_autoptr(virBitmap) cpus = virBitmapNew(VXL_XMLNS_CPUS_ALL);
    virBitmap *nodeset = l->cpuset;
    ssize_t node = -1;

    if (l->xl) {
        g_autoptr(virBitmap) named = virBitmapNew(VXL_XMLNS_NODES_MAX);

        if (vxlXMLNSXlListWalk(l->xl, elem, named, nodeCpus, nnodes, ncpus, cpus, NULL) < 0)
            return NULL;
        return g_steal_pointer(&cpus);
    }

    /* A node the host lacks has no CPU, as for xl (libxl_node_to_cpumap
     * gives it none; xl refuses only a hard map left empty, which the
     * caller does too). */
    while ((node = virBitmapNextSetBit(nodeset, node)) >= 0) {
        if ((size_t)node < nnodes && nodeCpus[node])
            virBitmapUnion(cpus, nodeCpus[node]);
    }
    return g_steal_pointer(&cpus);
}


int
vxlXMLNSCpusResolveNodes(virDomainDef *def, virBitmap *const *nodeCpus, size_t nnodes,
                         unsigned int ncpus)
{
    vxlXMLNSDef *ns = (vxlXMLNSDef *)vxlXMLNSGet(def);
    g_autoptr(GPtrArray) hard = g_ptr_array_new_with_free_func((GDestroyNotify)virBitmapFree);
    g_autoptr(GPtrArray) soft = g_ptr_array_new_with_free_func((GDestroyNotify)virBitmapFree);
    size_t i;

    if (!ns || nnodes == 0)
        return 0;
    /* All or nothing: the maps first, then the definition. */
    for (i = 0; i < ns->ncpusNodes; i++) {
        virBitmap *map = vxlXMLNSNodesToCpus("cpus_nodes", &ns->cpusNodes[i],
                                             nodeCpus, nnodes, ncpus);
        if (!map)
            return -1;
        g_ptr_array_add(hard, map);
        /* xl's create fails alike: Xen refuses a hard affinity with no
         * CPU (vcpu_set_hard_affinity). */
        if (virBitmapIsAllClear(map) && ns->cpusNodes[i].vcpu < 0) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("the <virtxl:cpus_nodes> of domain '%s' leaves no CPU of this host, where Xen could not run the vCPUs"),
                           def->name);
            return -1;
        }
        if (virBitmapIsAllClear(map)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("the <virtxl:cpus_nodes vcpu='%d'> of domain '%s' leaves no CPU of this host, where Xen could not run the vCPU"),
                           ns->cpusNodes[i].vcpu, def->name);
            return -1;
        }
    }
    for (i = 0; i < ns->ncpusSoft; i++) {
        virBitmap *map = NULL;

        if (ns->cpusSoft[i].nodes &&
            !(map = vxlXMLNSNodesToCpus("cpus_soft", &ns->cpusSoft[i],
                                        nodeCpus, nnodes, ncpus)))
            return -1;
        /* A soft list leaving no CPU ("nodes:0,^nodes:0") stays empty,
         * as xl hands it to Xen (libxl only warns that just the hard
         * affinity counts): cpuset='none' in the live definition. */
        g_ptr_array_add(soft, map);
    }

    /* The hard ones become libvirt's own pinning, as xl's CPU lists do
     * (the validator refused one beside a <vcpupin> or <vcpu cpuset>). */
    for (i = 0; i < ns->ncpusNodes; i++) {
        int vcpu = ns->cpusNodes[i].vcpu;
        virBitmap *map = g_steal_pointer(&g_ptr_array_index(hard, i));

        if (vcpu < 0) {
            virBitmapFree(def->cpumask);
            def->cpumask = map;
        } else if ((size_t)vcpu < def->maxvcpus) {
            virBitmapFree(def->vcpus[vcpu]->cpumask);
            def->vcpus[vcpu]->cpumask = map;
        } else {
            virBitmapFree(map);
        }
        virBitmapFree(ns->cpusNodes[i].cpuset);
        g_free(ns->cpusNodes[i].xl);
    }
    g_clear_pointer(&ns->cpusNodes, g_free);
    ns->ncpusNodes = 0;
    for (i = 0; i < ns->ncpusSoft; i++) {
        if (!ns->cpusSoft[i].nodes)
            continue;
        virBitmapFree(ns->cpusSoft[i].cpuset);
        ns->cpusSoft[i].cpuset = g_steal_pointer(&g_ptr_array_index(soft, i));
        ns->cpusSoft[i].nodes = false;
        g_clear_pointer(&ns->cpusSoft[i].xl, g_free);
    }
    return 0;
}


/* Refuse a hard affinity @map of @def (@what, for the message) with no
 * CPU among the host's @ncpus. CPUs beyond the host are accepted: xl and
 * libxl drop them (libxl_bitmap_set ignores a bit past the host's map,
 * and libxl_set_vcpuaffinity copies into a map of the host's size), and
 * libvirt's qemu driver keeps them too; a start cuts them from the live
 * definition (vxlXMLNSCpusHostCut). A set left empty is refused, as xl
 * create refuses it ("vcpu hard affinity map is empty",
 * apply_global_affinity_masks) and Xen (vcpu_set_hard_affinity). */
static int
vxlXMLNSCheckCpuMap(const virDomainDef *def, virBitmap *map,
                    const char *what, unsigned int ncpus)
{
    ssize_t first;

    if (!map || ((first = virBitmapNextSetBit(map, -1)) >= 0 && first < (ssize_t)ncpus))
        return 0;
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("the %s of domain '%s' names no CPU of this host, where Xen could not run the vCPU: this host has CPUs 0-%u only"),
                   what, def->name, ncpus - 1);
    return -1;
}


int
vxlXMLNSCpusHostCheck(const virDomainDef *def, unsigned int ncpus)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    size_t i;

    if (ncpus == 0)
        return 0;
    if (vxlXMLNSCheckCpuMap(def, def->cpumask, "<vcpu cpuset>", ncpus) < 0)
        return -1;
    for (i = 0; i < def->maxvcpus; i++) {
        g_autofree char *what = NULL;

        if (!def->vcpus[i] || !def->vcpus[i]->cpumask)
            continue;
        what = g_strdup_printf("<vcpupin vcpu='%zu'>", i);
        if (vxlXMLNSCheckCpuMap(def, def->vcpus[i]->cpumask, what, ncpus) < 0)
            return -1;
    }
    /* xl's "all,^0-47" on a host of 48 CPUs leaves none, as above. */
    for (i = 0; ns && i < ns->ncpusExclude; i++) {
        const vxlXMLNSCpusExclude *ex = &ns->cpusExclude[i];
        ssize_t kept = virBitmapNextClearBit(ex->cpuset, -1);

        if (kept >= 0 && kept < (ssize_t)ncpus)
            continue;
        if (ex->vcpu >= 0)
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("the <virtxl:cpus_exclude vcpu='%d'> of domain '%s' takes out every CPU of this host, where Xen could not run the vCPU: this host has CPUs 0-%u only"),
                           ex->vcpu, def->name, ncpus - 1);
        else
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("the <virtxl:cpus_exclude> of domain '%s' takes out every CPU of this host, where Xen could not run the vCPUs: this host has CPUs 0-%u only"),
                           def->name, ncpus - 1);
        return -1;
    }
    return 0;
}


/* Clear the bits of @map from @ncpus on. */
static void
vxlXMLNSCpuMapCut(virBitmap *map, unsigned int ncpus)
{
    ssize_t bit = (ssize_t)ncpus - 1;

    while (map && (bit = virBitmapNextSetBit(map, bit)) >= 0)
        ignore_value(virBitmapClearBit(map, bit));
}


void
vxlXMLNSCpusHostCut(virDomainDef *def, unsigned int ncpus)
{
    vxlXMLNSDef *ns = (vxlXMLNSDef *)vxlXMLNSGet(def);
    size_t i;

    if (ncpus == 0)
        return;
    vxlXMLNSCpuMapCut(def->cpumask, ncpus);
    for (i = 0; i < def->maxvcpus; i++) {
        if (def->vcpus[i])
            vxlXMLNSCpuMapCut(def->vcpus[i]->cpumask, ncpus);
    }
    for (i = 0; ns && i < ns->ncpusSoft; i++) {
        vxlXMLNSCpusSoft *soft = &ns->cpusSoft[i];

        /* "all" and "all,^N" start from every CPU of whichever host;
         * node sets are resolved (and cut) before this. */
        if (soft->exclude || soft->nodes || vxlXMLNSCpusIsAll(soft->cpuset))
            continue;
        /* One with none of the host's becomes cpuset='none': libxl
         * cuts it to an empty soft affinity, which Xen takes (libxl
         * only warns) as for xl, and then schedules by the hard
         * affinity alone. */
        vxlXMLNSCpuMapCut(soft->cpuset, ncpus);
    }
}


int
vxlXMLNSParseNumaPlacement(xmlNodePtr node, vxlXMLNSDef *ns)
{
    virTristateSwitch state = VIR_TRISTATE_SWITCH_ABSENT;

    if (ns->numaPlacement != VIR_TRISTATE_SWITCH_ABSENT) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("<virtxl:numa_placement> appears twice"));
        return -1;
    }
    if (virXMLPropTristateSwitch(node, "state", VIR_XML_PROP_REQUIRED, &state) < 0)
        return -1;
    ns->numaPlacement = state;
    return 0;
}


void
vxlXMLNSFormatCpusExclude(virBuffer *buf, const vxlXMLNSDef *ns)
{
    size_t i;

    if (ns->numaPlacement != VIR_TRISTATE_SWITCH_ABSENT)
        virBufferAsprintf(buf, "<virtxl:numa_placement state='%s'/>\n",
                          virTristateSwitchTypeToString(ns->numaPlacement));

    for (i = 0; i < ns->ncpusExclude; i++) {
        g_autofree char *set = virBitmapFormat(ns->cpusExclude[i].cpuset);

        virBufferAddLit(buf, "<virtxl:cpus_exclude");
        if (ns->cpusExclude[i].vcpu >= 0)
            virBufferAsprintf(buf, " vcpu='%d'", ns->cpusExclude[i].vcpu);
        virBufferAsprintf(buf, " cpuset='%s'/>\n", set);
    }
    for (i = 0; i < ns->ncpusNodes; i++) {
        g_autofree char *set = virBitmapFormat(ns->cpusNodes[i].cpuset);

        virBufferAddLit(buf, "<virtxl:cpus_nodes");
        if (ns->cpusNodes[i].vcpu >= 0)
            virBufferAsprintf(buf, " vcpu='%d'", ns->cpusNodes[i].vcpu);
        if (ns->cpusNodes[i].xl)
            virBufferEscapeString(buf, " list='%s'/>\n", ns->cpusNodes[i].xl);
        else
            virBufferAsprintf(buf, " nodeset='%s'/>\n", set);
    }
}


void
vxlXMLNSCpusExcludeFree(vxlXMLNSDef *ns)
{
    size_t i;

    for (i = 0; i < ns->ncpusExclude; i++)
        virBitmapFree(ns->cpusExclude[i].cpuset);
    g_clear_pointer(&ns->cpusExclude, g_free);
    ns->ncpusExclude = 0;
    for (i = 0; i < ns->ncpusNodes; i++) {
        virBitmapFree(ns->cpusNodes[i].cpuset);
        g_free(ns->cpusNodes[i].xl);
    }
    g_clear_pointer(&ns->cpusNodes, g_free);
    ns->ncpusNodes = 0;
}


virBitmap *
vxlXMLNSCpusExcluded(const vxlXMLNSDef *ns, int vcpu)
{
    size_t i;

    for (i = 0; ns && i < ns->ncpusExclude; i++) {
        if (ns->cpusExclude[i].vcpu == vcpu)
            return ns->cpusExclude[i].cpuset;
    }
    return NULL;
}


void
vxlXMLNSCpusExcludeDrop(virDomainDef *def, int vcpu)
{
    vxlXMLNSDef *ns = (vxlXMLNSDef *)vxlXMLNSGet(def);
    size_t i;

    for (i = 0; ns && i < ns->ncpusExclude; i++) {
        if (ns->cpusExclude[i].vcpu != vcpu)
            continue;
        virBitmapFree(ns->cpusExclude[i].cpuset);
        memmove(ns->cpusExclude + i, ns->cpusExclude + i + 1,
                (ns->ncpusExclude - i - 1) * sizeof(*ns->cpusExclude));
        if (--ns->ncpusExclude == 0)
            g_clear_pointer(&ns->cpusExclude, g_free);
        break;
    }
    /* A <virtxl:cpus_nodes> likewise. */
    for (i = 0; ns && i < ns->ncpusNodes; i++) {
        if (ns->cpusNodes[i].vcpu != vcpu)
            continue;
        virBitmapFree(ns->cpusNodes[i].cpuset);
        g_free(ns->cpusNodes[i].xl);
        memmove(ns->cpusNodes + i, ns->cpusNodes + i + 1,
                (ns->ncpusNodes - i - 1) * sizeof(*ns->cpusNodes));
        if (--ns->ncpusNodes == 0)
            g_clear_pointer(&ns->cpusNodes, g_free);
        return;
    }
}


int
vxlValidateXMLNSCpusExclude(const virDomainDef *def, const vxlXMLNSDef *ns)
{
    size_t i;

    for (i = 0; i < ns->ncpusExclude; i++) {
        int vcpu = ns->cpusExclude[i].vcpu;

        if (vcpu < 0) {
            if (def->cpumask) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<vcpu cpuset> and <virtxl:cpus_exclude> without vcpu both say where every vCPU runs; keep one"));
                return -1;
            }
        } else if (vcpu >= def->maxvcpus) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:cpus_exclude vcpu='%d'>: the domain has %zu vCPUs"),
                           vcpu, def->maxvcpus);
            return -1;
        } else if (def->vcpus[vcpu]->cpumask) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<vcpupin vcpu='%d'> and <virtxl:cpus_exclude vcpu='%d'> both say where vCPU %d runs; keep one"),
                           vcpu, vcpu, vcpu);
            return -1;
        }
    }
    for (i = 0; i < ns->ncpusNodes; i++) {
        int vcpu = ns->cpusNodes[i].vcpu;

        if (vcpu < 0) {
            if (def->cpumask || vxlXMLNSCpusExcluded(ns, -1)) {
                virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                               _("<virtxl:cpus_nodes> without vcpu and <vcpu cpuset> or <virtxl:cpus_exclude> without vcpu all say where every vCPU runs; keep one"));
                return -1;
            }
        } else if (vcpu >= def->maxvcpus) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:cpus_nodes vcpu='%d'>: the domain has %zu vCPUs"),
                           vcpu, def->maxvcpus);
            return -1;
        } else if (def->vcpus[vcpu]->cpumask || vxlXMLNSCpusExcluded(ns, vcpu)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<virtxl:cpus_nodes vcpu='%d'> and another pinning of vCPU %d (<vcpupin> or <virtxl:cpus_exclude>) both say where it runs; keep one"),
                           vcpu, vcpu);
            return -1;
        }
    }
    return 0;
}
