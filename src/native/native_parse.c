/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_parse.c: xl.cfg keys -> domain XML, group by group.
 *
 * Each group reads its keys through native_read.c (which marks them
 * used) and writes domain XML; libvirt then parses the XML with the
 * driver's parser config, so its defaults and validation apply as for a
 * define. Where a key's value has parts domain XML cannot hold, the group
 * warns about that part itself; keys never read are reported by
 * vxlNativeWarnUnused() with native_keys.c's reason.
 *
 * Defaults are xl's: where xl.cfg leaves something out and libvirt's
 * absence would mean something else (HVM ACPI, APIC and PAE; the boot
 * order), the XML says what xl means explicitly.
 */
#include "vxl_internal.h"

#include <libxl.h>
#include <libxl_utils.h>

#include "native_private.h"
#include "conf_cpu_list.h"
#include "util_enums.h"
#include "virbitmap.h"
#include "virerror.h"
#include "virstring.h"
#include "viruuid.h"
#include "virtxl/virtxl.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

static void
vxlNativeXMLClear(vxlNativeXML *x)
{
    virBufferFreeAndReset(&x->top);
    virBufferFreeAndReset(&x->cputune);
    virBufferFreeAndReset(&x->numatune);
    virBufferFreeAndReset(&x->os);
    virBufferFreeAndReset(&x->features);
    virBufferFreeAndReset(&x->featuresXen);
    virBufferFreeAndReset(&x->clock);
    g_clear_pointer(&x->clockAttrs, g_free);
    virBufferFreeAndReset(&x->cpu);
    virBufferFreeAndReset(&x->pm);
    virBufferFreeAndReset(&x->lifecycle);
    virBufferFreeAndReset(&x->devices);
    virBufferFreeAndReset(&x->xmlns);
}


static bool
vxlNativeIsHVM(vxlNativeReader *r)
{
    return r->type == LIBXL_DOMAIN_TYPE_HVM;
}


/* ---- general: name, uuid, type ----------------------------------- */

static int
vxlNativeParseGeneral(vxlNativeReader *r, vxlNativeXML *x)
{
    const char *name = NULL;
    const char *uuid = NULL;
    const char *type = NULL;
    const char *builder = NULL;
    unsigned char raw[VIR_UUID_BUFLEN];
    int rc;

    if ((rc = vxlNativeGetString(r, "name", &name)) < 0)
        return -1;
    if (rc == 0) {
        virReportError(VIR_ERR_CONF_SYNTAX, _("%s: name: missing; xl requires a domain name"),
                       r->source);
        return -1;
    }
    virBufferEscapeString(&x->top, "<name>%s</name>\n", name);

    if ((rc = vxlNativeGetString(r, "uuid", &uuid)) < 0)
        return -1;
    if (rc > 0) {
        if (virUUIDParse(uuid, raw) < 0) {
            vxlNativeError(r, "uuid", _("'%s' is not a UUID"), uuid);
            return -1;
        }
        virBufferEscapeString(&x->top, "<uuid>%s</uuid>\n", uuid);
    }

    if (vxlNativeGetString(r, "type", &type) < 0 ||
        vxlNativeGetString(r, "builder", &builder) < 0)
        return -1;
    if (type) {
        if ((r->type = vxlEnumCfgToXl(&vxlEnumDomainType, type)) < 0) {
            vxlNativeError(r, "type", _("'%s' is not a guest type; use pv, pvh or hvm"), type);
            return -1;
        }
    }
    /* builder= is xm's spelling, still read by xl, which accepts any
     * prefix of "hvm" or "generic" (PV). */
    if (builder) {
        int btype;

        if (*builder && g_str_has_prefix("hvm", builder))
            btype = LIBXL_DOMAIN_TYPE_HVM;
        else if (*builder && g_str_has_prefix("generic", builder))
            btype = LIBXL_DOMAIN_TYPE_PV;
        else {
            vxlNativeError(r, "builder", _("'%s' is not a builder; use hvm or generic"), builder);
            return -1;
        }
        if (type && btype != r->type) {
            vxlNativeError(r, "builder", _("'%s' contradicts type='%s'"), builder, type);
            return -1;
        }
        r->type = btype;
    }
    /* xl's default on x86. */
    if (r->type < 0)
        r->type = LIBXL_DOMAIN_TYPE_PV;
    return 0;
}


/* ---- memory and vCPUs --------------------------------------------- */

/* The items of one xl CPU list, in order (conf_cpu_list.c). */
typedef struct _vxlNativeCpuList vxlNativeCpuList;
struct _vxlNativeCpuList {
    vxlCpuListItem *items;
    size_t n;
};

static void
vxlNativeCpuListClear(vxlNativeCpuList *list)
{
    g_clear_pointer(&list->items, g_free);
    list->n = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vxlNativeCpuList, vxlNativeCpuListClear);


/* Read xl CPU list @spec into @list (cleared first) with xl's grammar
 * (vxlCpuListSplit: blanks before a number, empty items and the like
 * read as xl reads them) and its numbers (vxlCpuListClip: CPUs from
 * @maxCpus on and nodes no Xen host has dropped, as xl drops them;
 * vxlNativeCpuListWarnCut says so, once per list). 0, or -1 reported
 * against @key. */
static int
vxlNativeCpuListRead(vxlNativeReader *r, const char *key, const char *spec,
                     unsigned long maxCpus, vxlNativeCpuList *list)
{
    g_autofree char *bad = NULL;

    vxlNativeCpuListClear(list);
    switch (vxlCpuListSplit(spec, ULONG_MAX, ULONG_MAX,
                            &list->items, &list->n, &bad)) {
    case VXL_CPU_LIST_OK:
        ignore_value(vxlCpuListClip(&list->items, &list->n, maxCpus, VXL_XMLNS_NODES_MAX));
        return 0;
    case VXL_CPU_LIST_NOT_ALL:
        vxlNativeError(r, key, _("'%s' combines '^' and 'all', which xl refuses"), spec);
        return -1;
    case VXL_CPU_LIST_BEYOND:   /* none with ULONG_MAX */
    case VXL_CPU_LIST_MALFORMED:
        break;
    }
    vxlNativeError(r, key, _("'%s' is not a CPU list"), spec);
    return -1;
}


void
vxlNativeCpuListNested(vxlNativeReader *r, const char *key, int index)
{
    /* parse_vcpu_affinity stops at the first item that is not a string
     * but has already sized the affinity array by the list: the maps
     * of that vCPU and those after it stay uninitialised memory, which
     * xl then reads (on the dry-run host it dies of it). */
    vxlNativeError(r, key, _("entry %d is a list, not a CPU list: xl stops reading there and leaves the affinity of vCPU %d and of those after it uninitialised, on which xl create crashes"),
                   index + 1, index);
}


void
vxlNativeCpuListWarnCut(vxlNativeReader *r, const char *key, int item,
                        const char *spec)
{
    g_auto(vxlNativeCpuList) list = { 0 };
    g_autofree char *bad = NULL;
    g_autofree char *now = NULL;
    bool wrapped = false;
    size_t i;

    /* A list xl refuses is reported where it is read. */
    if (vxlCpuListSplit(spec, ULONG_MAX, ULONG_MAX, &list.items, &list.n, &bad) != VXL_CPU_LIST_OK)
        return;
    for (i = 0; i < list.n; i++)
        wrapped |= !list.items[i].all && list.items[i].last > G_MAXUINT32;
    if (!vxlCpuListClip(&list.items, &list.n, VXL_XMLNS_CPUS_ALL, VXL_XMLNS_NODES_MAX))
        return;
    now = vxlCpuListFormat(list.items, list.n);
    if (item > 0 && wrapped)
        vxlNativeWarn(r, key, _("entry %d: '%s' is read as '%s', as by xl: it takes a number of 2^32 or more modulo 2^32, and drops CPUs from %d and NUMA nodes from %d on, which no Xen host has"),
                      item, spec, now, VXL_XMLNS_CPUS_ALL, VXL_XMLNS_NODES_MAX);
    else if (item > 0)
        vxlNativeWarn(r, key, _("entry %d: '%s' is read as '%s', as by xl: it drops CPUs from %d and NUMA nodes from %d on, which no Xen host has"),
                      item, spec, now, VXL_XMLNS_CPUS_ALL, VXL_XMLNS_NODES_MAX);
    else if (wrapped)
        vxlNativeWarn(r, key, _("'%s' is read as '%s', as by xl: it takes a number of 2^32 or more modulo 2^32, and drops CPUs from %d and NUMA nodes from %d on, which no Xen host has"),
                      spec, now, VXL_XMLNS_CPUS_ALL, VXL_XMLNS_NODES_MAX);
    else
        vxlNativeWarn(r, key, _("'%s' is read as '%s', as by xl: it drops CPUs from %d and NUMA nodes from %d on, which no Xen host has"),
                      spec, now, VXL_XMLNS_CPUS_ALL, VXL_XMLNS_NODES_MAX);
}


/* Apply item @it of a CPU-only list to @map, as update_cpumap_range. */
static void
vxlNativeCpuItemApply(const vxlCpuListItem *it, virBitmap *map)
{
    unsigned long i;

    for (i = it->first; i <= it->last; i++) {
        if (it->not)
            ignore_value(virBitmapClearBit(map, i));
        else
            ignore_value(virBitmapSetBit(map, i));
    }
}


/* A cpu list as xl.cfg writes it ("0-3,^2", "0, 2-3"), without "all"
 * or node items, in libvirt's spelling: its items applied in order to
 * an empty map, as parse_cpurange does. NULL for one xl refuses or, but
 * for @soft, that leaves no CPU (reported against @key); "none" for a
 * soft one that leaves none, which xl hands to Xen as an empty soft
 * affinity. */
static char *
vxlNativeCpuset(vxlNativeReader *r, const char *key, const char *spec,
                unsigned long maxCpus, bool soft)
{
    g_auto(vxlNativeCpuList) list = { 0 };
    g_autoptr(virBitmap) map = virBitmapNew(maxCpus);
    size_t i;

    if (vxlNativeCpuListRead(r, key, spec, maxCpus, &list) < 0)
        return NULL;
    for (i = 0; i < list.n; i++) {
        /* "all" and node items are the callers' to handle first. */
        if (list.items[i].all || list.items[i].unit != VXL_CPU_LIST_CPUS) {
            vxlNativeError(r, key, _("'%s' is not a CPU list"), spec);
            return NULL;
        }
        vxlNativeCpuItemApply(&list.items[i], map);
    }
    if (virBitmapIsAllClear(map)) {
        if (soft)
            return g_strdup("none");
        vxlNativeError(r, key, _("'%s' leaves no CPU, which xl refuses ('vcpu hard affinity map is empty')"),
                       spec);
        return NULL;
    }
    return virBitmapFormat(map);
}


char *
vxlNativeCpusetSoft(vxlNativeReader *r, const char *spec)
{
    return vxlNativeCpuset(r, "cpus_soft", spec, VXL_XMLNS_CPUS_ALL, true);
}


char *
vxlNativeCpusNodesAll(const char *spec)
{
    g_auto(GStrv) items = g_strsplit(spec, ",", 0);
    size_t i;

    /* update_cpumap_range: "nodes:all" is "all" (every CPU), and
     * "^nodes:all" is "^all", which xl refuses alike. */
    for (i = 0; items[i]; i++) {
        const char *item = items[i] + (items[i][0] == '^');

        if (STREQ(item, "node:all") || STREQ(item, "nodes:all")) {
            char *all = g_strdup(items[i][0] == '^' ? "^all" : "all");

            g_free(items[i]);
            items[i] = all;
        }
    }
    return g_strjoinv(",", items);
}


int
vxlNativeCpusetNodes(vxlNativeReader *r, const char *key, const char *spec,
                     char **nodes)
{
    g_auto(vxlNativeCpuList) list = { 0 };
    g_autoptr(virBitmap) out = virBitmapNew(VXL_XMLNS_NODES_MAX);
    bool anyNode = false;
    bool other = false;
    size_t i;

    *nodes = NULL;
    if (vxlNativeCpuListRead(r, key, spec, VXL_XMLNS_CPUS_ALL, &list) < 0)
        return -2;
    /* update_cpumap_range: each item applied in order. A host's nodes
     * share no CPU, so node items alone come down to a set of nodes;
     * mixed with CPUs or "all", only the host can say. */
    for (i = 0; i < list.n; i++) {
        vxlCpuListItem it = list.items[i];

        anyNode |= it.unit != VXL_CPU_LIST_CPUS && !it.all;
        if (it.unit == VXL_CPU_LIST_CPUS || it.all) {
            other = true;
            continue;
        }
        vxlNativeCpuItemApply(&it, out);
    }
    if (!anyNode)
        return 0;
    /* Which CPUs remain depends on the host: the list is kept, in
     * xl's spelling without its blanks, for each start to apply
     * (<virtxl:cpus_nodes list>). */
    if (other || virBitmapIsAllClear(out)) {
        *nodes = vxlCpuListFormat(list.items, list.n);
        return 2;
    }
    *nodes = virBitmapFormat(out);
    return 1;
}


/* An xl CPU list with an "all" item (parse_cpurange in xl_parse.c
 * applies the items in order, "all" setting every host CPU): 1 with
 * *@except the CPUs taken out after the last "all" in libvirt's
 * spelling (NULL when none is: every CPU), 0 for a list without "all",
 * -1 for one xl refuses (reported). */
int
vxlNativeCpusetExcept(vxlNativeReader *r, const char *key, const char *spec,
                      char **except)
{
    g_auto(vxlNativeCpuList) list = { 0 };
    g_autoptr(virBitmap) out = virBitmapNew(VXL_XMLNS_CPUS_ALL);
    bool all = false;
    size_t i;

    *except = NULL;
    if (vxlNativeCpuListRead(r, key, spec, VXL_XMLNS_CPUS_ALL, &list) < 0)
        return -1;
    for (i = 0; i < list.n; i++) {
        vxlCpuListItem it = list.items[i];

        if (it.all) {
            all = true;
            virBitmapClearAll(out);
            continue;
        }
        /* Node items are vxlNativeCpusetNodes's. */
        if (it.unit != VXL_CPU_LIST_CPUS) {
            vxlNativeError(r, key, _("'%s' is not a CPU list"), spec);
            return -1;
        }
        /* After "all", a CPU named is already in; one taken out is not. */
        it.not = !it.not;
        vxlNativeCpuItemApply(&it, out);
    }
    if (!all)
        return 0;
    if (!virBitmapIsAllClear(out))
        *except = virBitmapFormat(out);
    return 1;
}


static int
vxlNativeParseCpus(vxlNativeReader *r, vxlNativeXML *x, GString *vcpuAttrs,
                   long maxvcpus)
{
    XLU_ConfigList *list = NULL;
    const char *str = NULL;
    long weight;
    int n = 0;
    int i;
    int rc;

    vxlNativeMarkUsed(r, "cpus");
    /* xl sizes the affinity by the vCPUs vcpus= or maxvcpus= name, before
     * libxl's default of one: without either, it applies none. Any list
     * still turns libxl's NUMA placement off (parse_vcpu_affinity). */
    if (vxlNativeHas(r, "cpus") && !vxlNativeHas(r, "vcpus") && !vxlNativeHas(r, "maxvcpus")) {
        if (xlu_cfg_get_list(r->xlu, "cpus", &list, &n, 1) == 0) {
            vxlNativeWarn(r, "cpus", "%s", _("pins no vCPU without vcpus= or maxvcpus=, as by xl, which only turns its NUMA placement off for the list"));
            vxlNativeNumaPlacementOff(r, &x->xmlns);
        } else {
            vxlNativeWarn(r, "cpus", "%s", _("ignored without vcpus= or maxvcpus=, as by xl"));
        }
        goto weight;
    }
    if (xlu_cfg_get_list(r->xlu, "cpus", &list, &n, 1) == 0) {
        bool pinned = false;

        /* One entry per vCPU, in order. */
        for (i = 0; i < n; i++) {
            const char *item = xlu_cfg_get_listitem(list, i);
            g_autofree char *set = NULL;
            g_autofree char *spelt = NULL;

            /* xl reads no entry past the last vCPU (parse_vcpu_affinity). */
            if (i >= maxvcpus)
                break;
            if (!item) {
                vxlNativeCpuListNested(r, "cpus", i);
                return -1;
            }
            vxlNativeCpuListWarnCut(r, "cpus", i + 1, item);
            item = spelt = vxlNativeCpusNodesAll(item);
            if (strstr(item, "node")) {
                g_autofree char *nodes = NULL;
                int rc = vxlNativeCpusetNodes(r, "cpus", item, &nodes);

                if (rc == -2)
                    return -1;
                /* xl ignores entries past the last vCPU. */
                if (rc == 1 && i < maxvcpus)
                    virBufferAsprintf(&x->xmlns, "<virtxl:cpus_nodes vcpu='%d' nodeset='%s'/>\n",
                                      i, nodes);
                if (rc == 2 && i < maxvcpus) {
                    virBufferAsprintf(&x->xmlns, "<virtxl:cpus_nodes vcpu='%d'", i);
                    virBufferEscapeString(&x->xmlns, " list='%s'/>\n", nodes);
                }
                if (rc > 0 && i < maxvcpus)
                    pinned = true;
                if (rc != 0)
                    continue;
            }
            {
                g_autofree char *except = NULL;
                int all = vxlNativeCpusetExcept(r, "cpus", item, &except);

                if (all < 0)
                    return -1;
                /* xl ignores entries past the last vCPU. */
                if (all > 0 && except && i < maxvcpus) {
                    virBufferAsprintf(&x->xmlns, "<virtxl:cpus_exclude vcpu='%d' cpuset='%s'/>\n",
                                      i, except);
                    pinned = true;
                }
                if (all > 0)
                    continue;
            }
            if (!(set = vxlNativeCpuset(r, "cpus", item, VXL_XMLNS_CPUS_ALL, false)))
                return -1;
            virBufferAsprintf(&x->cputune, "<vcpupin vcpu='%d' cpuset='%s'/>\n", i, set);
            pinned = true;
        }
        /* A list pinning no vCPU (empty, or "all" only) still turns
         * placement off in xl; pinned vCPUs do it in the translation. */
        if (!pinned)
            vxlNativeNumaPlacementOff(r, &x->xmlns);
    } else if (xlu_cfg_get_string(r->xlu, "cpus", &str, 1) == 0) {
        g_autofree char *spelt = vxlNativeCpusNodesAll(str);
        g_autofree char *set = NULL;
        g_autofree char *except = NULL;
        int all = 0;

        vxlNativeCpuListWarnCut(r, "cpus", 0, str);
        str = spelt;
        if (strstr(str, "node")) {
            g_autofree char *nodes = NULL;
            int rc = vxlNativeCpusetNodes(r, "cpus", str, &nodes);

            if (rc == -2)
                return -1;
            if (rc == 1)
                virBufferAsprintf(&x->xmlns, "<virtxl:cpus_nodes nodeset='%s'/>\n", nodes);
            if (rc == 2)
                virBufferEscapeString(&x->xmlns, "<virtxl:cpus_nodes list='%s'/>\n", nodes);
            if (rc != 0)
                goto weight;
        }
        if ((all = vxlNativeCpusetExcept(r, "cpus", str, &except)) < 0)
            return -1;
        if (all > 0) {
            if (except)
                virBufferAsprintf(&x->xmlns, "<virtxl:cpus_exclude cpuset='%s'/>\n", except);
            goto weight;
        }
        if (!(set = vxlNativeCpuset(r, "cpus", str, VXL_XMLNS_CPUS_ALL, false)))
            return -1;
        g_string_append_printf(vcpuAttrs, " cpuset='%s'", set);
    }

 weight:
    if ((rc = vxlNativeGetLong(r, "cpu_weight", &weight)) < 0)
        return -1;
    if (rc > 0)
        virBufferAsprintf(&x->cputune, "<shares>%ld</shares>\n", weight);
    return 0;
}


static int
vxlNativeParseMemory(vxlNativeReader *r, vxlNativeXML *x)
{
    long memory = -1;
    long maxmem = -1;
    long vcpus = -1;
    long maxvcpus = -1;
    g_autoptr(GString) vcpuAttrs = g_string_new(" placement='static'");

    if (vxlNativeGetLong(r, "memory", &memory) < 0 ||
        vxlNativeGetLong(r, "maxmem", &maxmem) < 0 ||
        vxlNativeGetLong(r, "vcpus", &vcpus) < 0 ||
        vxlNativeGetLong(r, "maxvcpus", &maxvcpus) < 0)
        return -1;

    /* Both in MiB. Without maxmem=, a vnuma= guest's maximum is its
     * nodes' sum (xl's parse_vnuma_config); memory= stays the target. */
    if (maxmem < 0 && (maxmem = vxlNativeVnumaMemory(r)) > 0 && memory > maxmem) {
        vxlNativeError(r, "vnuma", _("the nodes' sizes add up to %ld MiB, less than memory=%ld: without maxmem=, xl takes the nodes' sum as the maximum"),
                       maxmem, memory);
        return -1;
    }
    /* libxl's defaults, when xl.cfg says nothing: 32 MiB, and a maxmem
     * equal to memory. */
    if (memory < 0)
        memory = maxmem >= 0 ? maxmem : 32;
    if (maxmem < 0)
        maxmem = memory;
    if (memory <= 0 || maxmem < memory) {
        vxlNativeError(r, maxmem < memory ? "maxmem" : "memory",
                       _("memory=%ld and maxmem=%ld: need 0 < memory <= maxmem"),
                       memory, maxmem);
        return -1;
    }
    virBufferAsprintf(&x->top, "<memory unit='KiB'>%lld</memory>\n", (long long)maxmem * 1024);
    virBufferAsprintf(&x->top, "<currentMemory unit='KiB'>%lld</currentMemory>\n",
                      (long long)memory * 1024);

    if (vcpus == 0 || vcpus < -1 || maxvcpus == 0 || maxvcpus < -1 || vcpus > 4096 || maxvcpus > 4096) {
        vxlNativeError(r, vcpus <= 0 && vcpus != -1 ? "vcpus" : "maxvcpus", "%s",
                       _("needs a number of vCPUs from 1 to 4096"));
        return -1;
    }
    /* Without maxvcpus=, xl takes the maximum from vnuma='s nodes
     * (parse_vnuma_config), before vcpus= is checked against it. */
    if (maxvcpus < 0)
        maxvcpus = vxlNativeVnumaVcpus(r);
    if (vcpus < 0)
        vcpus = maxvcpus > 0 ? maxvcpus : 1;
    if (maxvcpus < 0)
        maxvcpus = vcpus;
    if (maxvcpus < vcpus) {
        vxlNativeError(r, "maxvcpus", _("maxvcpus=%ld is less than vcpus=%ld"), maxvcpus, vcpus);
        return -1;
    }

    r->maxvcpus = maxvcpus;
    if (vxlNativeParseCpus(r, x, vcpuAttrs, maxvcpus) < 0)
        return -1;
    if (vcpus != maxvcpus)
        g_string_append_printf(vcpuAttrs, " current='%ld'", vcpus);
    virBufferAsprintf(&x->top, "<vcpu%s>%ld</vcpu>\n", vcpuAttrs->str, maxvcpus);
    return 0;
}


/* ---- boot ---------------------------------------------------------- */


/* libxl pairs each BIOS with its device model (libxl_create.c): ROMBIOS
 * with qemu-xen-traditional only, SeaBIOS and OVMF with qemu-xen only. A
 * config xl would fail to start is refused, never converted to another
 * machine. */
static int
vxlNativeCheckBios(vxlNativeReader *r, const char *bios)
{
    const char *dm = NULL;
    bool traditional;

    if (vxlNativeGetString(r, "device_model_version", &dm) < 0)
        return -1;
    traditional = dm && STREQ(dm, "qemu-xen-traditional");
    if (STRNEQ(bios, "rombios") && STRNEQ(bios, "seabios") && STRNEQ(bios, "ovmf")) {
        vxlNativeError(r, "bios", _("'%s' is not a BIOS; use seabios, ovmf or rombios"), bios);
        return -1;
    }
    if (STREQ(bios, "rombios") != traditional) {
        vxlNativeError(r, "bios", _("'%s' does not go with device model %s: libxl boots ROMBIOS with qemu-xen-traditional only, SeaBIOS and OVMF with qemu-xen only"),
                       bios, traditional ? "qemu-xen-traditional" : "qemu-xen");
        return -1;
    }
    return 0;
}

/* bootloader= and bootloader_args=, which xl reads for every guest
 * type. libvirt's one string of arguments is split on blanks when
 * started: a list whose items hold blanks goes item by item into the
 * namespace instead (<virtxl:bootloader_args>). An HVM guest's are
 * dropped with a warning: libxl runs no bootloader for HVM
 * (libxl__bootloader_run skips it) and xl keeps them unused; a domain
 * definition drops them too (conf_xmlopt.c says why). */
static int
vxlNativeParseBootloader(vxlNativeReader *r, vxlNativeXML *x,
                         const char **bootloader)
{
    g_autoptr(GPtrArray) bargs = g_ptr_array_new();
    g_autofree char *joined = NULL;
    bool blanks = false;
    size_t i;

    if (vxlNativeGetString(r, "bootloader", bootloader) < 0 ||
        vxlNativeGetStringOrList(r, "bootloader_args", bargs) < 0)
        return -1;
    if (!*bootloader) {
        if (bargs->len > 0)
            vxlNativeWarn(r, "bootloader_args", "%s", _("ignored without bootloader=, as by xl"));
        return 0;
    }
    if (vxlNativeIsHVM(r)) {
        vxlNativeWarn(r, "bootloader", "%s",
                      _("dropped: libxl runs no bootloader for an HVM guest, and xl keeps it unused"));
        if (bargs->len > 0)
            vxlNativeWarn(r, "bootloader_args", "%s",
                          _("dropped: libxl runs no bootloader for an HVM guest, and xl keeps it unused"));
        return 0;
    }

    for (i = 0; i < bargs->len && bargs->len > 1; i++) {
        if (strpbrk(g_ptr_array_index(bargs, i), " \t"))
            blanks = true;
    }
    virBufferEscapeString(&x->top, "<bootloader>%s</bootloader>\n", *bootloader);
    if (blanks) {
        for (i = 0; i < bargs->len; i++)
            virBufferEscapeString(&x->xmlns, "<virtxl:bootloader_args value='%s'/>\n",
                                  g_ptr_array_index(bargs, i));
        return 0;
    }
    g_ptr_array_add(bargs, NULL);
    joined = g_strjoinv(" ", (char **)bargs->pdata);
    if (*joined)
        virBufferEscapeString(&x->top, "<bootloader_args>%s</bootloader_args>\n", joined);
    return 0;
}


static int
vxlNativeParseBoot(vxlNativeReader *r, vxlNativeXML *x)
{
    const char *kernel = NULL, *ramdisk = NULL, *cmdline = NULL;
    const char *root = NULL, *extra = NULL;
    const char *bootloader = NULL;
    const char *boot = NULL;
    const char *bios = NULL;
    const char *firmware = NULL;
    const char *biosPath = NULL;
    g_autofree char *pvgrub = NULL;
    g_autofree char *line = NULL;

    if (vxlNativeGetKernel(r, &kernel) < 0 ||
        vxlNativeGetString(r, "ramdisk", &ramdisk) < 0 ||
        vxlNativeGetString(r, "cmdline", &cmdline) < 0 ||
        vxlNativeGetString(r, "root", &root) < 0 ||
        vxlNativeGetString(r, "extra", &extra) < 0)
        return -1;

    /* pae=0: a 32-bit HVM guest without PAE. An x86_64 guest always has
     * PAE (domain_xmlopt.c), so it is written as an i686 one, which
     * libxl builds alike: the architecture of an HVM guest is only
     * what its firmware and kernel make of it. */
    if (r->type == LIBXL_DOMAIN_TYPE_HVM) {
        bool pae = true;

        if (vxlNativeGetBool(r, "pae", &pae) < 0)
            return -1;
        if (!pae)
            virBufferAddLit(&x->os, "<type arch='i686'>hvm</type>\n");
        else
            virBufferAddLit(&x->os, "<type>hvm</type>\n");
    } else {
        virBufferAsprintf(&x->os, "<type>%s</type>\n",
                          vxlEnumXlToVirName(&vxlEnumDomainType, r->type));
    }

    /* xl's own assembly of the kernel command line. */
    if (cmdline) {
        line = g_strdup(cmdline);
        if (root)
            vxlNativeWarn(r, "root", "%s", _("ignored in favour of cmdline=, as xl does"));
        if (extra)
            vxlNativeWarn(r, "extra", "%s", _("ignored in favour of cmdline=, as xl does"));
    } else if (root && extra) {
        line = g_strdup_printf("root=%s %s", root, extra);
    } else if (root) {
        line = g_strdup_printf("root=%s", root);
    } else if (extra) {
        line = g_strdup(extra);
    }

    if (vxlNativeIsHVM(r)) {
        size_t i;

        const char *firmwareOverride = NULL;
        bool firmwareFile = false;

        if (vxlNativeGetString(r, "bios", &bios) < 0 ||
            vxlNativeGetString(r, "boot", &boot) < 0 ||
            vxlNativeGetString(r, "firmware", &firmware) < 0 ||
            vxlNativeGetString(r, "firmware_override", &firmwareOverride) < 0)
            return -1;
        /* firmware= after bios=, as xl reads them: a BIOS by libxl's
         * name, "uefi" (or its prefix) for OVMF, "bios" for the default,
         * anything else a file of hvmloader's (the namespace's). */
        if (firmware) {
            libxl_bios_type type;

            if (libxl_bios_type_from_string(firmware, &type) == 0)
                bios = libxl_bios_type_to_string(type);
            else if (strncmp(firmware, "uefi", strlen(firmware)) == 0)
                bios = "ovmf";
            else if (strncmp(firmware, "bios", strlen(firmware)) != 0) {
                if (vxlNativeParseXMLNSKey(r, VXL_XMLNS_KEY_FIRMWARE, &x->xmlns) < 0)
                    return -1;
                firmwareFile = true;
            }
        }
        /* firmware_override=: the older spelling of a firmware file,
         * which xl reads first, so a file named by firmware= wins. */
        if (firmwareOverride) {
            if (firmwareFile)
                vxlNativeWarn(r, "firmware_override", "%s",
                              _("ignored in favour of the file firmware= names, as xl does"));
            else
                virBufferEscapeString(&x->xmlns, "<virtxl:firmware value='%s'/>\n", firmwareOverride);
        }
        if (bios && vxlNativeCheckBios(r, bios) < 0)
            return -1;
        if (vxlNativeParseBootloader(r, x, &bootloader) < 0)
            return -1;
        virBufferEscapeString(&x->os, "<kernel>%s</kernel>\n", kernel);
        virBufferEscapeString(&x->os, "<initrd>%s</initrd>\n", ramdisk);
        virBufferEscapeString(&x->os, "<cmdline>%s</cmdline>\n", line);
        /* libxl's default boot order is "cda"; libvirt's absent <boot>
         * would mean the disk alone. */
        if (!boot)
            boot = "cda";
        for (i = 0; boot[i]; i++) {
            char letter[2] = { boot[i], 0 };
            int xl = vxlEnumCfgToXl(&vxlEnumBootDevice, letter);

            if (xl < 0) {
                vxlNativeError(r, "boot", _("'%c' is not a boot device; use a (floppy), c (disk), d (cdrom) or n (network)"),
                               boot[i]);
                return -1;
            }
            virBufferAsprintf(&x->os, "<boot dev='%s'/>\n",
                              vxlEnumXlToVirName(&vxlEnumBootDevice, xl));
        }
        /* ROMBIOS is the BIOS of qemu-xen-traditional, SeaBIOS that of
         * qemu-xen: <os firmware='bios'> with the device model. */
        /* bios_path_override=: the BIOS's own image, as libvirt's
         * <loader> (pflash for OVMF, rom for the others). */
        if (vxlNativeGetString(r, "bios_path_override", &biosPath) < 0)
            return -1;
        if (biosPath) {
            if (!bios)
                vxlNativeWarn(r, "bios_path_override", "%s",
                              _("given without bios=, as xl warns: taken as the default BIOS's image"));
            virBufferEscapeString(&x->os, bios && STREQ(bios, "ovmf") ?
                                  "<loader type='pflash'>%s</loader>\n" :
                                  "<loader type='rom'>%s</loader>\n", biosPath);
            return 0;
        }
        if (bios && (STREQ(bios, "seabios") || STREQ(bios, "rombios")))
            x->firmware = "bios";
        else if (bios && STREQ(bios, "ovmf"))
            x->firmware = "efi";
        return 0;
    }

    /* firmware=: xl's shorthand for a PV-GRUB kernel (xl_parse.c). */
    if (vxlNativeGetString(r, "firmware", &firmware) < 0)
        return -1;
    if (firmware) {
        if (kernel) {
            vxlNativeError(r, "firmware", "%s", _("both kernel and firmware are given, which xl refuses"));
            return -1;
        }
        if (!(pvgrub = vxlNativePvgrubKernel(firmware))) {
            vxlNativeError(r, "firmware", _("'%s' is not a PV firmware: xl takes only pvgrub32 and pvgrub64"),
                           firmware);
            return -1;
        }
        kernel = pvgrub;
    }
    virBufferEscapeString(&x->os, "<kernel>%s</kernel>\n", kernel);
    virBufferEscapeString(&x->os, "<initrd>%s</initrd>\n", ramdisk);
    virBufferEscapeString(&x->os, "<cmdline>%s</cmdline>\n", line);

    if (vxlNativeParseBootloader(r, x, &bootloader) < 0)
        return -1;
    /* libvirt's drivers boot such a guest with pygrub; xl refuses it
     * ("Neither kernel nor bootloader specified"), and a conversion keeps
     * xl's meaning. */
    if (!kernel && !bootloader) {
        vxlNativeError(r, "kernel", "%s",
                       _("neither kernel= nor bootloader= is given, and xl refuses a PV or PVH guest with nothing to boot"));
        return -1;
    }
    return 0;
}


/* ---- features, CPU, clock, power management ------------------------- */

static int
vxlNativeParseFeatures(vxlNativeReader *r, vxlNativeXML *x)
{
    bool b;
    int rc;
    const char *str = NULL;

    if (vxlNativeIsHVM(r)) {
        /* Defaults on in xl; libvirt's absence means off. */
        static const char *const onByDefault[] = { "acpi", "apic", "pae" };
        size_t i;

        for (i = 0; i < G_N_ELEMENTS(onByDefault); i++) {
            b = true;
            if (vxlNativeGetBool(r, onByDefault[i], &b) < 0)
                return -1;
            if (b)
                virBufferAsprintf(&x->features, "<%s/>\n", onByDefault[i]);
        }
        if ((rc = vxlNativeGetBool(r, "hpet", &b)) < 0)
            return -1;
        if (rc > 0)
            virBufferAsprintf(&x->clock, "<timer name='hpet' present='%s'/>\n", b ? "yes" : "no");

        if ((rc = vxlNativeGetBool(r, "acpi_s3", &b)) < 0)
            return -1;
        if (rc > 0)
            virBufferAsprintf(&x->pm, "<suspend-to-mem enabled='%s'/>\n", b ? "yes" : "no");
        if ((rc = vxlNativeGetBool(r, "acpi_s4", &b)) < 0)
            return -1;
        if (rc > 0)
            virBufferAsprintf(&x->pm, "<suspend-to-disk enabled='%s'/>\n", b ? "yes" : "no");
    }

    /* Paging and nested HVM are the HVM container's: xl.cfg(5) lists
     * hap= and nestedhvm= for PVH guests too, and libxl gives a PVH
     * domain c_info.hap (XEN_DOMCTL_CDF_hap) and b_info.nested_hvm
     * (HVM_PARAM_NESTEDHVM) as it does an HVM one. */
    if (r->type != LIBXL_DOMAIN_TYPE_PV) {
        if ((rc = vxlNativeGetBool(r, "hap", &b)) < 0)
            return -1;
        if (rc > 0)
            virBufferAsprintf(&x->features, "<hap state='%s'/>\n", b ? "on" : "off");

        if ((rc = vxlNativeGetBool(r, "nestedhvm", &b)) < 0)
            return -1;
        /* Nested HVM is translate_cpu.c's vmx/svm switch (Xen offers
         * the host vendor's extension either way): vmx required or
         * disabled, in the host's CPU passed through, as libvirt's own
         * Xen driver writes it. host-passthrough alone is not nested
         * HVM. */
        if (rc > 0) {
            x->hostCPU = true;
            virBufferAsprintf(&x->cpu, "<feature policy='%s' name='vmx'/>\n",
                              b ? "require" : "disable");
        }
    }

    /* xl reads e820_host for PV guests only (b_info.u.pv); for others it
     * stays unread and is reported as not applying. */
    if (r->type == LIBXL_DOMAIN_TYPE_PV &&
        (rc = vxlNativeGetBool(r, "e820_host", &b)) < 0)
        return -1;
    if (r->type == LIBXL_DOMAIN_TYPE_PV) {
        XLU_ConfigList *pcis = NULL;
        int npci = 0;

        /* xl turns the host's memory map on for a PV guest given PCI
         * devices, over an e820_host=0 (parse_config_data, after the
         * pci= list). */
        if (xlu_cfg_get_list(r->xlu, "pci", &pcis, &npci, 1) == 0 && npci > 0) {
            if (rc > 0 && !b)
                vxlNativeWarn(r, "e820_host", "%s",
                              _("turned on, as xl does for a PV guest with PCI devices"));
            rc = 1;
            b = true;
        }
    }
    if (r->type == LIBXL_DOMAIN_TYPE_PV && rc > 0)
        virBufferAsprintf(&x->featuresXen, "<e820_host state='%s'/>\n", b ? "on" : "off");

    if ((rc = vxlNativeGetString(r, "passthrough", &str)) < 0)
        return -1;
    if (rc > 0) {
        if (STREQ(str, "disabled"))
            virBufferAddLit(&x->featuresXen, "<passthrough state='off'/>\n");
        else if (STREQ(str, "enabled"))
            virBufferAddLit(&x->featuresXen, "<passthrough state='on'/>\n");
        else if (STREQ(str, "sync_pt") || STREQ(str, "share_pt"))
            virBufferAsprintf(&x->featuresXen, "<passthrough state='on' mode='%s'/>\n", str);
        else if (STREQ(str, "default"))
            ;   /* libxl's own choice, as with no passthrough= */
        else {
            vxlNativeError(r, "passthrough", _("'%s' is not a mode; use disabled, enabled, sync_pt or share_pt"), str);
            return -1;
        }
    }
    return 0;
}


static int
vxlNativeParseClock(vxlNativeReader *r, vxlNativeXML *x)
{
    bool localtime = false;
    long offset = 0;
    const char *tsc = NULL;
    int rc;

    if (vxlNativeGetBool(r, "localtime", &localtime) < 0 ||
        (rc = vxlNativeGetLong(r, "rtc_timeoffset", &offset)) < 0 ||
        vxlNativeGetString(r, "tsc_mode", &tsc) < 0)
        return -1;

    /* timer_mode=: the HVM guest's emulated timers, which libvirt says
     * per timer; pit stands for both (the translator refuses pit and rtc
     * that differ, as Xen has one mode). */
    if (vxlNativeIsHVM(r)) {
        const char *mode = NULL;
        int xl;

        if (vxlNativeGetString(r, "timer_mode", &mode) < 0)
            return -1;
        /* xl still takes the mode's number (deprecated). */
        if (mode && g_ascii_isdigit(*mode)) {
            const char *named = libxl_timer_mode_to_string(atoi(mode));

            if (!named || strspn(mode, "0123456789") != strlen(mode)) {
                vxlNativeError(r, "timer_mode", _("%s is not a timer mode"), mode);
                return -1;
            }
            mode = named;
        }
        if (mode) {
            if ((xl = vxlEnumCfgToXl(&vxlEnumTimerMode, mode)) < 0) {
                vxlNativeError(r, "timer_mode", _("'%s' is not a timer mode; use delay_for_missed_ticks, no_delay_for_missed_ticks, no_missed_ticks_pending or one_missed_tick_pending"),
                               mode);
                return -1;
            }
            virBufferAsprintf(&x->clock, "<timer name='pit' tickpolicy='%s'/>\n",
                              vxlEnumXlToVirName(&vxlEnumTimerMode, xl));
        }
    }

    if (rc > 0)
        x->clockAttrs = g_strdup_printf("offset='variable' adjustment='%ld' basis='%s'",
                                        offset, localtime ? "localtime" : "utc");
    else
        x->clockAttrs = g_strdup_printf("offset='%s'", localtime ? "localtime" : "utc");

    if (tsc) {
        /* libxl_tsc_mode, by libvirt's names for the same modes. */
        const char *mode;
        long n;

        /* The deprecated numbers xl still reads: libxl_tsc_mode's values. */
        if (virStrToLong_l(tsc, NULL, 10, &n) == 0) {
            if (n < LIBXL_TSC_MODE_DEFAULT || n > LIBXL_TSC_MODE_NATIVE_PARAVIRT) {
                vxlNativeError(r, "tsc_mode", _("%ld is not a TSC mode; use default, always_emulate, native or native_paravirt (0 to 3)"),
                               n);
                return -1;
            }
            tsc = libxl_tsc_mode_to_string(n);
        }
        mode = vxlEnumXlToVirName(&vxlEnumTscMode,
                                  vxlEnumCfgToXl(&vxlEnumTscMode, tsc));
        if (STREQ(tsc, "default"))
            return 0;
        if (mode) {
            virBufferAsprintf(&x->clock, "<timer name='tsc' mode='%s'/>\n", mode);
            return 0;
        }
        vxlNativeError(r, "tsc_mode", _("'%s' is not a TSC mode; use default, always_emulate, native or native_paravirt"),
                       tsc);
        return -1;
    }
    return 0;
}


static int
vxlNativeParseLifecycle(vxlNativeReader *r, vxlNativeXML *x)
{
    static const char *const keys[] = { "on_poweroff", "on_reboot", "on_crash" };
    static const char *const defaults[] = { "destroy", "restart", "destroy" };
    const char *str = NULL;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(keys); i++) {
        int xl;

        if (vxlNativeGetString(r, keys[i], &str) < 0)
            return -1;
        if (!str)
            str = defaults[i];
        /* What libvirt's element cannot say (soft-reset anywhere, a core
         * dump on poweroff or reboot): xl's default beside the
         * namespace's <virtxl:on_...> (domain_xmlns_keys.c), which
         * overrides it. */
        if (STREQ(str, "soft-reset") ||
            (i < 2 && g_str_has_prefix(str, "coredump-"))) {
            if (vxlNativeParseXMLNSKey(r, VXL_XMLNS_KEY_ON_POWEROFF + i, &x->xmlns) < 0)
                return -1;
            str = defaults[i];
        }
        if ((xl = vxlEnumCfgToXl(&vxlEnumLifecycle, str)) < 0) {
            vxlNativeError(r, keys[i], _("'%s' is not an action"), str);
            return -1;
        }
        virBufferAsprintf(&x->lifecycle, "<%s>%s</%s>\n", keys[i],
                          vxlEnumXlToVirName(&vxlEnumLifecycle, xl), keys[i]);
    }

    /* No libvirt element: the namespace's, when not xl's default. */
    if (vxlNativeGetString(r, "on_soft_reset", &str) < 0)
        return -1;
    if (str && STRNEQ(str, "soft-reset") &&
        vxlNativeParseXMLNSKey(r, VXL_XMLNS_KEY_ON_SOFT_RESET, &x->xmlns) < 0)
        return -1;
    if (vxlNativeGetString(r, "on_watchdog", &str) < 0)
        return -1;
    if (str && STRNEQ(str, "destroy") &&
        vxlNativeParseXMLNSKey(r, VXL_XMLNS_KEY_ON_WATCHDOG, &x->xmlns) < 0)
        return -1;
    return 0;
}


/* ---- devices --------------------------------------------------------- */

static int
vxlNativeParseDevicesGroup(vxlNativeReader *r, vxlNativeXML *x)
{
    return vxlNativeParseDevices(r, &x->devices);
}


static int
vxlNativeParseKnobsGroup(vxlNativeReader *r, vxlNativeXML *x)
{
    return vxlNativeParseKnobs(r, &x->xmlns);
}


/* ---- the whole file --------------------------------------------------- */

typedef int (*vxlNativeGroupFunc)(vxlNativeReader *r, vxlNativeXML *x);

/* The order matters for the first two only: general finds the guest
 * type the others depend on. */
static const vxlNativeGroupFunc vxlNativeGroups[] = {
    vxlNativeParseGeneral,
    vxlNativeParseMemory,
    vxlNativeParseBoot,
    vxlNativeParseFeatures,
    vxlNativeParseClock,
    vxlNativeParseLifecycle,
    vxlNativeParseDevicesGroup,
    vxlNativeParseKnobsGroup,
    vxlNativeParseFeatureKeys,  /* native_features.c */
    vxlNativeParseCpuKeys,      /* native_cpu.c */
};


static void
vxlNativeAppendSection(virBuffer *out, const char *open, const char *close,
                       virBuffer *inner)
{
    g_autofree char *content = virBufferContentAndReset(inner);

    if (!content)
        return;
    virBufferAdd(out, open, -1);
    virBufferAdjustIndent(out, 2);
    virBufferAdd(out, content, -1);
    virBufferAdjustIndent(out, -2);
    virBufferAdd(out, close, -1);
}


char *
vxlNativeBuildXML(vxlNativeReader *r)
{
    vxlNativeXML x = { 0 };
    g_auto(virBuffer) out = VIR_BUFFER_INITIALIZER;
    g_autofree char *os = NULL;
    g_autofree char *features = NULL;
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vxlNativeGroups); i++) {
        if (vxlNativeGroups[i](r, &x) < 0) {
            vxlNativeXMLClear(&x);
            return NULL;
        }
    }

    /* The namespace is declared only where it is used. */
    if (virBufferUse(&x.xmlns) > 0)
        virBufferAddLit(&out, "<domain type='xen' xmlns:" VXL_XMLNS_PREFIX "='" VXL_XMLNS_URI "'>\n");
    else
        virBufferAddLit(&out, "<domain type='xen'>\n");
    virBufferAdjustIndent(&out, 2);
    virBufferAddBuffer(&out, &x.top);
    vxlNativeAppendSection(&out, "<cputune>\n", "</cputune>\n", &x.cputune);
    vxlNativeAppendSection(&out, "<numatune>\n", "</numatune>\n", &x.numatune);

    os = virBufferContentAndReset(&x.os);
    if (os) {
        g_auto(GStrv) lines = g_strsplit(os, "\n", -1);
        size_t j;

        if (x.firmware)
            virBufferAsprintf(&out, "<os firmware='%s'>\n", x.firmware);
        else
            virBufferAddLit(&out, "<os>\n");
        for (j = 0; lines[j]; j++) {
            if (*lines[j])
                virBufferAsprintf(&out, "  %s\n", lines[j]);
        }
        virBufferAddLit(&out, "</os>\n");
    }

    {
        g_autofree char *xen = virBufferContentAndReset(&x.featuresXen);

        if (xen) {
            virBufferAddLit(&x.features, "<xen>\n");
            virBufferAdjustIndent(&x.features, 2);
            virBufferAdd(&x.features, xen, -1);
            virBufferAdjustIndent(&x.features, -2);
            virBufferAddLit(&x.features, "</xen>\n");
        }
    }
    features = virBufferContentAndReset(&x.features);
    if (features) {
        virBufferAddLit(&out, "<features>\n");
        virBufferAdjustIndent(&out, 2);
        virBufferAdd(&out, features, -1);
        virBufferAdjustIndent(&out, -2);
        virBufferAddLit(&out, "</features>\n");
    }
    {
        g_autofree char *cpu = virBufferContentAndReset(&x.cpu);
        const char *mode = x.hostCPU ? "host-passthrough" : x.cpuMode;
        g_autofree char *open = mode ? g_strdup_printf("<cpu mode='%s'", mode) : g_strdup("<cpu");

        if (cpu) {
            virBufferAsprintf(&out, "%s>\n", open);
            virBufferAdjustIndent(&out, 2);
            virBufferAdd(&out, cpu, -1);
            virBufferAdjustIndent(&out, -2);
            virBufferAddLit(&out, "</cpu>\n");
        } else if (mode) {
            virBufferAsprintf(&out, "%s/>\n", open);
        }
    }
    {
        g_autofree char *open = g_strdup_printf("<clock %s>\n", x.clockAttrs);
        g_autofree char *timers = virBufferContentAndReset(&x.clock);

        if (timers) {
            virBufferAdd(&out, open, -1);
            virBufferAdjustIndent(&out, 2);
            virBufferAdd(&out, timers, -1);
            virBufferAdjustIndent(&out, -2);
            virBufferAddLit(&out, "</clock>\n");
        } else {
            virBufferAsprintf(&out, "<clock %s/>\n", x.clockAttrs);
        }
    }
    virBufferAddBuffer(&out, &x.lifecycle);
    vxlNativeAppendSection(&out, "<pm>\n", "</pm>\n", &x.pm);
    vxlNativeAppendSection(&out, "<devices>\n", "</devices>\n", &x.devices);
    virBufferAddBuffer(&out, &x.xmlns);
    if (vxlNativeParseXMLNS(r, &out) < 0) {
        vxlNativeXMLClear(&x);
        return NULL;
    }
    virBufferAdjustIndent(&out, -2);
    virBufferAddLit(&out, "</domain>\n");

    vxlNativeXMLClear(&x);
    return virBufferContentAndReset(&out);
}
