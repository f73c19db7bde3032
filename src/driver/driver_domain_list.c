/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_domain_list.c: listing and looking up domains.
 *
 * Lookups take the list's read lock only while searching and then the
 * one domain's lock, never a job, so they answer at once even while a
 * backend call on that domain is under way.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain.h"
#include "domain_snapshot.h"
#include "viraccessapicheck.h"
#include "util_cputime.h"
#include "viralloc.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_domain_list");

int
vxlConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    if (virConnectListDomainsEnsureACL(conn) < 0)
        return -1;
    return virDomainObjListGetActiveIDs(vxl_driver->domains, ids, maxids,
                                        virConnectListDomainsCheckACL, conn);
}

int
vxlConnectNumOfDomains(virConnectPtr conn)
{
    if (virConnectNumOfDomainsEnsureACL(conn) < 0)
        return -1;
    return virDomainObjListNumOfDomains(vxl_driver->domains, true,
                                        virConnectNumOfDomainsCheckACL, conn);
}

int
vxlConnectListDefinedDomains(virConnectPtr conn, char **const names,
                             int maxnames)
{
    if (virConnectListDefinedDomainsEnsureACL(conn) < 0)
        return -1;
    return virDomainObjListGetInactiveNames(vxl_driver->domains, names,
                                            maxnames,
                                            virConnectListDefinedDomainsCheckACL,
                                            conn);
}

int
vxlConnectNumOfDefinedDomains(virConnectPtr conn)
{
    if (virConnectNumOfDefinedDomainsEnsureACL(conn) < 0)
        return -1;
    return virDomainObjListNumOfDomains(vxl_driver->domains, false,
                                        virConnectNumOfDefinedDomainsCheckACL,
                                        conn);
}

typedef struct _vxlListAllData {
    virConnectPtr conn;
    virDomainPtr *doms;            /* NULL-terminated */
    size_t ndoms;
    size_t alloc;
    bool failed;
} vxlListAllData;

static int
vxlListAllOne(virDomainObj *vm, void *opaque)
{
    vxlListAllData *data = opaque;
    virDomainPtr dom = NULL;

    if (data->failed)
        return 0;
    VIR_WITH_OBJECT_LOCK_GUARD(vm) {
        if (vm->removing || !virConnectListAllDomainsCheckACL(data->conn, vm->def))
            return 0;
        if (!(dom = virGetDomain(data->conn, vm->def->name, vm->def->uuid,
                                 vm->def->id))) {
            data->failed = true;
            return 0;
        }
    }
    VIR_RESIZE_N(data->doms, data->alloc, data->ndoms, 2);
    data->doms[data->ndoms++] = dom;
    return 0;
}

/*
 * All domains, unfiltered (what virsh list --all, virt-manager and Nova
 * ask for): one pass over the list, each domain locked once while its
 * handle is made. libvirt's export takes two passes (filter, then
 * export), locking each domain in both and holding a reference to each
 * in between: with 10,000 domains that is most of the driver's share of
 * the call, since every domain object touched is a cache miss.
 */
static int
vxlListAllUnfiltered(virConnectPtr conn, virDomainPtr **domains)
{
    vxlListAllData data = { .conn = conn };
    gint64 t0 = g_get_monotonic_time();
    long long cpu0 = vxlThreadCPUTimeUs();

    data.alloc = 64;
    data.doms = g_new0(virDomainPtr, data.alloc);
    virDomainObjListForEach(vxl_driver->domains, false, vxlListAllOne, &data);
    if (data.failed) {
        virObjectListFreeCount(data.doms, data.ndoms);
        return -1;
    }
    /* scripts/bench reads this line: the driver's share of a listing,
     * against what libvirtd's RPC and the client add. */
    VIR_INFO("listed %zu domains in %lld us (CPU %lld us)", data.ndoms,
             (long long)(g_get_monotonic_time() - t0), vxlThreadCPUTimeUs() - cpu0);
    *domains = data.doms;
    return data.ndoms;
}

int
vxlConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                         unsigned int flags)
{
    virCheckFlags(VIR_CONNECT_LIST_DOMAINS_FILTERS_ALL, -1);

    if (virConnectListAllDomainsEnsureACL(conn) < 0)
        return -1;
    if (domains && flags == 0)
        return vxlListAllUnfiltered(conn, domains);
    /* Snapshot metadata is read on first use: the filter needs it. */
    if (flags & (VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT |
                 VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT))
        vxlSnapshotLoadAll(vxl_driver);
    return virDomainObjListExport(vxl_driver->domains, conn, domains,
                                  virConnectListAllDomainsCheckACL, flags);
}

virDomainPtr
vxlDomainLookupByID(virConnectPtr conn, int id)
{
    virDomainObj *vm;
    virDomainPtr dom = NULL;

    if (!(vm = virDomainObjListFindByID(vxl_driver->domains, id))) {
        virReportError(VIR_ERR_NO_DOMAIN, _("no domain with matching id %d"), id);
        return NULL;
    }
    if (virDomainLookupByIDEnsureACL(conn, vm->def) == 0)
        dom = virGetDomain(conn, vm->def->name, vm->def->uuid, vm->def->id);
    virDomainObjEndAPI(&vm);
    return dom;
}

virDomainPtr
vxlDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    virDomainObj *vm;
    virDomainPtr dom = NULL;

    if (!(vm = virDomainObjListFindByUUID(vxl_driver->domains, uuid))) {
        char uuidstr[VIR_UUID_STRING_BUFLEN];

        virUUIDFormat(uuid, uuidstr);
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching uuid '%s'"), uuidstr);
        return NULL;
    }
    if (virDomainLookupByUUIDEnsureACL(conn, vm->def) == 0)
        dom = virGetDomain(conn, vm->def->name, vm->def->uuid, vm->def->id);
    virDomainObjEndAPI(&vm);
    return dom;
}

virDomainPtr
vxlDomainLookupByName(virConnectPtr conn, const char *name)
{
    virDomainObj *vm;
    virDomainPtr dom = NULL;

    if (!(vm = virDomainObjListFindByName(vxl_driver->domains, name))) {
        virReportError(VIR_ERR_NO_DOMAIN,
                       _("no domain with matching name '%s'"), name);
        return NULL;
    }
    if (virDomainLookupByNameEnsureACL(conn, vm->def) == 0)
        dom = virGetDomain(conn, vm->def->name, vm->def->uuid, vm->def->id);
    virDomainObjEndAPI(&vm);
    return dom;
}
