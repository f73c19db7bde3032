/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_snapshot.c: the snapshot entry points (virsh snapshot-create,
 * snapshot-list, snapshot-current, snapshot-parent, snapshot-dumpxml,
 * snapshot-revert, snapshot-delete, ...). Queries read libvirt's
 * snapshot object list of the domain; the work is domain_snapshot.c's.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain.h"
#include "domain_snapshot.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* Atomic and non-atomic both hold: a failed snapshot leaves nothing. */
#define VXL_SNAPSHOT_CREATE_FLAGS (VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_HALT | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE)

/* The domain of @snapshot, locked, and its snapshot object. */
static virDomainObj *
vxlSnapshotObjFrom(virDomainSnapshotPtr snapshot, virDomainMomentObj **snap)
{
    virDomainObj *vm;

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, snapshot->domain)))
        return NULL;
    if (!(*snap = vxlSnapshotFind(vm, snapshot->name))) {
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    return vm;
}

virDomainSnapshotPtr
vxlDomainSnapshotCreateXML(virDomainPtr dom, const char *xml,
                           unsigned int flags)
{
    vxlDriver *driver = vxl_driver;
    virDomainMomentObj *snap;
    virDomainSnapshotPtr ret = NULL;
    virDomainObj *vm;

    virCheckFlags(VXL_SNAPSHOT_CREATE_FLAGS, NULL);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE,
                            VIR_DOMAIN_SNAPSHOT_CREATE_HALT, NULL);

    if (!(vm = vxlDomainObjFromDomain(driver, dom)))
        return NULL;
    if (virDomainSnapshotCreateXMLEnsureACL(dom->conn, vm->def, flags) < 0)
        goto cleanup;
    if (vxlDomainRefuseDom0(vm) < 0)
        goto cleanup;
    if ((snap = vxlSnapshotCreate(driver, vm, xml, flags)))
        ret = virGetDomainSnapshot(dom, snap->def->name);
    if (virDomainObjIsActive(vm))
        dom->id = vm->def->id;
    else
        dom->id = -1;
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainListAllSnapshots(virDomainPtr dom, virDomainSnapshotPtr **snaps,
                          unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_LIST_ROOTS |
                  VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL |
                  VIR_DOMAIN_SNAPSHOT_FILTERS_ALL, -1);

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return -1;
    if (virDomainListAllSnapshotsEnsureACL(dom->conn, vm->def) == 0)
        ret = virDomainListSnapshots(vm->snapshots, NULL, dom, snaps, flags);
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainSnapshotNum(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_LIST_ROOTS |
                  VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL |
                  VIR_DOMAIN_SNAPSHOT_FILTERS_ALL, -1);

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return -1;
    if (virDomainSnapshotNumEnsureACL(dom->conn, vm->def) == 0)
        ret = virDomainSnapshotObjListNum(vm->snapshots, NULL, flags);
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainSnapshotListNames(virDomainPtr dom, char **names, int nameslen,
                           unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_LIST_ROOTS |
                  VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL |
                  VIR_DOMAIN_SNAPSHOT_FILTERS_ALL, -1);

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return -1;
    if (virDomainSnapshotListNamesEnsureACL(dom->conn, vm->def) == 0)
        ret = virDomainSnapshotObjListGetNames(vm->snapshots, NULL, names,
                                               nameslen, flags);
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainSnapshotListAllChildren(virDomainSnapshotPtr snapshot,
                                 virDomainSnapshotPtr **snaps,
                                 unsigned int flags)
{
    virDomainMomentObj *snap = NULL;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS |
                  VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL |
                  VIR_DOMAIN_SNAPSHOT_FILTERS_ALL, -1);

    if (!(vm = vxlSnapshotObjFrom(snapshot, &snap)))
        return -1;
    if (virDomainSnapshotListAllChildrenEnsureACL(snapshot->domain->conn,
                                                  vm->def) == 0)
        ret = virDomainListSnapshots(vm->snapshots, snap, snapshot->domain,
                                     snaps, flags);
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainSnapshotNumChildren(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap = NULL;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS |
                  VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL |
                  VIR_DOMAIN_SNAPSHOT_FILTERS_ALL, -1);

    if (!(vm = vxlSnapshotObjFrom(snapshot, &snap)))
        return -1;
    if (virDomainSnapshotNumChildrenEnsureACL(snapshot->domain->conn,
                                              vm->def) == 0)
        ret = virDomainSnapshotObjListNum(vm->snapshots, snap, flags);
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainSnapshotListChildrenNames(virDomainSnapshotPtr snapshot, char **names,
                                   int nameslen, unsigned int flags)
{
    virDomainMomentObj *snap = NULL;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS |
                  VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL |
                  VIR_DOMAIN_SNAPSHOT_FILTERS_ALL, -1);

    if (!(vm = vxlSnapshotObjFrom(snapshot, &snap)))
        return -1;
    if (virDomainSnapshotListChildrenNamesEnsureACL(snapshot->domain->conn,
                                                    vm->def) == 0)
        ret = virDomainSnapshotObjListGetNames(vm->snapshots, snap, names,
                                               nameslen, flags);
    virDomainObjEndAPI(&vm);
    return ret;
}

virDomainSnapshotPtr
vxlDomainSnapshotLookupByName(virDomainPtr dom, const char *name,
                              unsigned int flags)
{
    virDomainSnapshotPtr ret = NULL;
    virDomainObj *vm;

    virCheckFlags(0, NULL);

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return NULL;
    if (virDomainSnapshotLookupByNameEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    if (!vxlSnapshotFind(vm, name))
        goto cleanup;
    ret = virGetDomainSnapshot(dom, name);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainHasCurrentSnapshot(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return -1;
    if (virDomainHasCurrentSnapshotEnsureACL(dom->conn, vm->def) == 0)
        ret = virDomainSnapshotGetCurrent(vm->snapshots) != NULL;
    virDomainObjEndAPI(&vm);
    return ret;
}

virDomainSnapshotPtr
vxlDomainSnapshotCurrent(virDomainPtr dom, unsigned int flags)
{
    virDomainSnapshotPtr ret = NULL;
    virDomainMomentObj *current;
    virDomainObj *vm;

    virCheckFlags(0, NULL);

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return NULL;
    if (virDomainSnapshotCurrentEnsureACL(dom->conn, vm->def) < 0)
        goto cleanup;
    if (!(current = virDomainSnapshotGetCurrent(vm->snapshots))) {
        virReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                       _("domain '%s' has no current snapshot"), vm->def->name);
        goto cleanup;
    }
    ret = virGetDomainSnapshot(dom, current->def->name);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}

virDomainSnapshotPtr
vxlDomainSnapshotGetParent(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap = NULL;
    virDomainSnapshotPtr ret = NULL;
    virDomainObj *vm;

    virCheckFlags(0, NULL);

    if (!(vm = vxlSnapshotObjFrom(snapshot, &snap)))
        return NULL;
    if (virDomainSnapshotGetParentEnsureACL(snapshot->domain->conn, vm->def) < 0)
        goto cleanup;
    if (!snap->def->parent_name) {
        virReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                       _("snapshot '%s' of domain '%s' has no parent"),
                       snap->def->name, vm->def->name);
        goto cleanup;
    }
    ret = virGetDomainSnapshot(snapshot->domain, snap->def->parent_name);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}

char *
vxlDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap = NULL;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    virDomainObj *vm;
    char *ret = NULL;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_XML_SECURE, NULL);

    if (!(vm = vxlSnapshotObjFrom(snapshot, &snap)))
        return NULL;
    if (virDomainSnapshotGetXMLDescEnsureACL(snapshot->domain->conn, vm->def,
                                             flags) == 0) {
        virUUIDFormat(snapshot->domain->uuid, uuidstr);
        ret = virDomainSnapshotDefFormat(uuidstr, virDomainSnapshotObjGetDef(snap),
                                         vxl_driver->xmlopt,
                                         virDomainSnapshotFormatConvertXMLFlags(flags));
    }
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainSnapshotIsCurrent(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap = NULL;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);

    if (!(vm = vxlSnapshotObjFrom(snapshot, &snap)))
        return -1;
    if (virDomainSnapshotIsCurrentEnsureACL(snapshot->domain->conn, vm->def) == 0)
        ret = snap == virDomainSnapshotGetCurrent(vm->snapshots);
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainSnapshotHasMetadata(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap = NULL;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(0, -1);

    /* Every snapshot this driver knows has metadata. */
    if (!(vm = vxlSnapshotObjFrom(snapshot, &snap)))
        return -1;
    if (virDomainSnapshotHasMetadataEnsureACL(snapshot->domain->conn, vm->def) == 0)
        ret = 1;
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap = NULL;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING |
                  VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED |
                  VIR_DOMAIN_SNAPSHOT_REVERT_FORCE, -1);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING,
                            VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED, -1);

    if (!(vm = vxlSnapshotObjFrom(snapshot, &snap)))
        return -1;
    if (virDomainRevertToSnapshotEnsureACL(snapshot->domain->conn, vm->def) < 0)
        goto cleanup;
    ret = vxlSnapshotRevert(vxl_driver, vm, snapshot->name, flags);
 cleanup:
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap = NULL;
    virDomainObj *vm;
    int ret = -1;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN |
                  VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY |
                  VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY, -1);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN,
                            VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY, -1);

    if (!(vm = vxlSnapshotObjFrom(snapshot, &snap)))
        return -1;
    if (virDomainSnapshotDeleteEnsureACL(snapshot->domain->conn, vm->def) == 0)
        ret = vxlSnapshotDelete(vxl_driver, vm, snapshot->name, flags);
    virDomainObjEndAPI(&vm);
    return ret;
}
