/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_snapshot.c: the snapshot entry points (virsh snapshot-create,
 * snapshot-list, snapshot-current, snapshot-parent, snapshot-dumpxml,
 * snapshot-revert, snapshot-delete, ...). Queries read libvirt's
 * snapshot object list of the domain; the work is domain_snapshot.c's.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "domain_snapshot.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* Atomic and non-atomic both hold: a failed snapshot leaves nothing. */
#define VXL_SNAPSHOT_CREATE_FLAGS (VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_HALT | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_LIVE | \
                                   VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE)

/* What listing a domain's snapshots, and a snapshot's children, take. */
#define VXL_SNAPSHOT_LIST_FLAGS (VIR_DOMAIN_SNAPSHOT_LIST_ROOTS | \
                                 VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL | \
                                 VIR_DOMAIN_SNAPSHOT_FILTERS_ALL)
#define VXL_SNAPSHOT_CHILDREN_FLAGS (VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS | \
                                     VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL | \
                                     VIR_DOMAIN_SNAPSHOT_FILTERS_ALL)

/* The domain of @snapshot, locked, once @acl allows the caller, and its
 * snapshot object in *snap; NULL with an error reported otherwise. No
 * job: the domain layer takes one where the work changes the domain. */
static virDomainObj *
vxlSnapshotEntryBegin(virDomainSnapshotPtr snapshot, vxlEntryACL acl,
                      virDomainMomentObj **snap)
{
    virDomainObj *vm;

    if (!(vm = vxlEntryBegin(snapshot->domain, acl, VIR_JOB_NONE)))
        return NULL;
    if (!(*snap = vxlSnapshotFind(vxl_driver, vm, snapshot->name))) {
        vxlEntryEnd(&vm, VIR_JOB_NONE);
        return NULL;
    }
    return vm;
}

virDomainSnapshotPtr
vxlDomainSnapshotCreateXML(virDomainPtr dom, const char *xml,
                           unsigned int flags)
{
    g_autofree char *name = NULL;
    virDomainSnapshotPtr ret = NULL;
    virDomainObj *vm;

    virCheckFlags(VXL_SNAPSHOT_CREATE_FLAGS, NULL);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE,
                            VIR_DOMAIN_SNAPSHOT_CREATE_HALT, NULL);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE,
                            VIR_DOMAIN_SNAPSHOT_CREATE_LIVE, NULL);
    VIR_REQUIRE_FLAG_RET(VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE,
                         VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY, NULL);

    if (!(vm = vxlEntryBeginFlags(dom, virDomainSnapshotCreateXMLEnsureACL,
                                  flags, VIR_JOB_NONE)))
        return NULL;
    if (vxlDomainRefuseDom0(vm) == 0) {
        if ((name = vxlSnapshotCreate(vxl_driver, vm, xml, flags)))
            ret = virGetDomainSnapshot(dom, name);
        dom->id = virDomainObjIsActive(vm) ? vm->def->id : -1;
    }
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainListAllSnapshots(virDomainPtr dom, virDomainSnapshotPtr **snaps,
                          unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(VXL_SNAPSHOT_LIST_FLAGS, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainListAllSnapshotsEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    ret = virDomainListSnapshots(vxlSnapshotList(vxl_driver, vm), NULL, dom, snaps, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainSnapshotNum(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(VXL_SNAPSHOT_LIST_FLAGS, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainSnapshotNumEnsureACL, VIR_JOB_NONE)))
        return -1;
    ret = virDomainSnapshotObjListNum(vxlSnapshotList(vxl_driver, vm), NULL, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainSnapshotListNames(virDomainPtr dom, char **names, int nameslen,
                           unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(VXL_SNAPSHOT_LIST_FLAGS, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainSnapshotListNamesEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    ret = virDomainSnapshotObjListGetNames(vxlSnapshotList(vxl_driver, vm), NULL, names,
                                           nameslen, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainSnapshotListAllChildren(virDomainSnapshotPtr snapshot,
                                 virDomainSnapshotPtr **snaps,
                                 unsigned int flags)
{
    virDomainMomentObj *snap;
    virDomainObj *vm;
    int ret;

    virCheckFlags(VXL_SNAPSHOT_CHILDREN_FLAGS, -1);

    if (!(vm = vxlSnapshotEntryBegin(snapshot,
                                     virDomainSnapshotListAllChildrenEnsureACL,
                                     &snap)))
        return -1;
    ret = virDomainListSnapshots(vxlSnapshotList(vxl_driver, vm), snap, snapshot->domain,
                                 snaps, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainSnapshotNumChildren(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap;
    virDomainObj *vm;
    int ret;

    virCheckFlags(VXL_SNAPSHOT_CHILDREN_FLAGS, -1);

    if (!(vm = vxlSnapshotEntryBegin(snapshot,
                                     virDomainSnapshotNumChildrenEnsureACL,
                                     &snap)))
        return -1;
    ret = virDomainSnapshotObjListNum(vxlSnapshotList(vxl_driver, vm), snap, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainSnapshotListChildrenNames(virDomainSnapshotPtr snapshot, char **names,
                                   int nameslen, unsigned int flags)
{
    virDomainMomentObj *snap;
    virDomainObj *vm;
    int ret;

    virCheckFlags(VXL_SNAPSHOT_CHILDREN_FLAGS, -1);

    if (!(vm = vxlSnapshotEntryBegin(snapshot,
                                     virDomainSnapshotListChildrenNamesEnsureACL,
                                     &snap)))
        return -1;
    ret = virDomainSnapshotObjListGetNames(vxlSnapshotList(vxl_driver, vm), snap, names,
                                           nameslen, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

virDomainSnapshotPtr
vxlDomainSnapshotLookupByName(virDomainPtr dom, const char *name,
                              unsigned int flags)
{
    virDomainSnapshotPtr ret = NULL;
    virDomainObj *vm;

    virCheckFlags(0, NULL);

    if (!(vm = vxlEntryBegin(dom, virDomainSnapshotLookupByNameEnsureACL,
                             VIR_JOB_NONE)))
        return NULL;
    if (vxlSnapshotFind(vxl_driver, vm, name))
        ret = virGetDomainSnapshot(dom, name);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainHasCurrentSnapshot(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);

    if (!(vm = vxlEntryBegin(dom, virDomainHasCurrentSnapshotEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    ret = virDomainSnapshotGetCurrent(vxlSnapshotList(vxl_driver, vm)) != NULL;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

virDomainSnapshotPtr
vxlDomainSnapshotCurrent(virDomainPtr dom, unsigned int flags)
{
    virDomainSnapshotPtr ret = NULL;
    virDomainMomentObj *current;
    virDomainObj *vm;

    virCheckFlags(0, NULL);

    if (!(vm = vxlEntryBegin(dom, virDomainSnapshotCurrentEnsureACL,
                             VIR_JOB_NONE)))
        return NULL;
    if ((current = virDomainSnapshotGetCurrent(vxlSnapshotList(vxl_driver, vm))))
        ret = virGetDomainSnapshot(dom, current->def->name);
    else
        virReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                       _("domain '%s' has no current snapshot"), vm->def->name);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

virDomainSnapshotPtr
vxlDomainSnapshotGetParent(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap;
    virDomainSnapshotPtr ret = NULL;
    virDomainObj *vm;

    virCheckFlags(0, NULL);

    if (!(vm = vxlSnapshotEntryBegin(snapshot,
                                     virDomainSnapshotGetParentEnsureACL,
                                     &snap)))
        return NULL;
    if (snap->def->parent_name)
        ret = virGetDomainSnapshot(snapshot->domain, snap->def->parent_name);
    else
        virReportError(VIR_ERR_NO_DOMAIN_SNAPSHOT,
                       _("snapshot '%s' of domain '%s' has no parent"),
                       snap->def->name, vm->def->name);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

char *
vxlDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    virDomainObj *vm;
    char *ret = NULL;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_XML_SECURE, NULL);

    /* The only access check that looks at the flags (secure XML). */
    if (!(vm = vxlEntryBeginFlags(snapshot->domain,
                                  virDomainSnapshotGetXMLDescEnsureACL,
                                  flags, VIR_JOB_NONE)))
        return NULL;
    if ((snap = vxlSnapshotFind(vxl_driver, vm, snapshot->name))) {
        virUUIDFormat(snapshot->domain->uuid, uuidstr);
        ret = virDomainSnapshotDefFormat(uuidstr, virDomainSnapshotObjGetDef(snap),
                                         vxl_driver->xmlopt,
                                         virDomainSnapshotFormatConvertXMLFlags(flags));
    }
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainSnapshotIsCurrent(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap;
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);

    if (!(vm = vxlSnapshotEntryBegin(snapshot,
                                     virDomainSnapshotIsCurrentEnsureACL,
                                     &snap)))
        return -1;
    ret = snap == virDomainSnapshotGetCurrent(vxlSnapshotList(vxl_driver, vm));
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainSnapshotHasMetadata(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap;
    virDomainObj *vm;

    virCheckFlags(0, -1);

    /* Every snapshot this driver knows has metadata. */
    if (!(vm = vxlSnapshotEntryBegin(snapshot,
                                     virDomainSnapshotHasMetadataEnsureACL,
                                     &snap)))
        return -1;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return 1;
}

/* Revert and delete take their own job in domain_snapshot.c (an async
 * one for a live revert), so the entry point takes none. */
int
vxlDomainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap;
    virDomainObj *vm;
    int ret;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING |
                  VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED |
                  VIR_DOMAIN_SNAPSHOT_REVERT_FORCE, -1);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING,
                            VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED, -1);

    if (!(vm = vxlSnapshotEntryBegin(snapshot,
                                     virDomainRevertToSnapshotEnsureACL, &snap)))
        return -1;
    ret = vxlSnapshotRevert(vxl_driver, vm, snapshot->name, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}

int
vxlDomainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    virDomainMomentObj *snap;
    virDomainObj *vm;
    int ret;

    virCheckFlags(VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN |
                  VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY |
                  VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY, -1);
    VIR_EXCLUSIVE_FLAGS_RET(VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN,
                            VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY, -1);

    if (!(vm = vxlSnapshotEntryBegin(snapshot,
                                     virDomainSnapshotDeleteEnsureACL, &snap)))
        return -1;
    ret = vxlSnapshotDelete(vxl_driver, vm, snapshot->name, flags);
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return ret;
}
