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
#include "viraccessapicheck.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

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

int
vxlConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains,
                         unsigned int flags)
{
    virCheckFlags(VIR_CONNECT_LIST_DOMAINS_FILTERS_ALL, -1);

    if (virConnectListAllDomainsEnsureACL(conn) < 0)
        return -1;
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
