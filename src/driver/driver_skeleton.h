/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_skeleton.h: the one shape of a domain entry point.
 *
 *     if (!(vm = vxlEntryBegin(dom, virDomainFooEnsureACL, VIR_JOB_MODIFY)))
 *         return -1;
 *     ret = vxlDomainFoo(vxl_driver, vm, ...);      one call into domain/
 *     vxlEntryEnd(&vm, VIR_JOB_MODIFY);
 *
 * Begin finds the domain, checks the caller's access and (unless the job
 * is VIR_JOB_NONE) takes the job; End gives back what Begin took, so an
 * entry point has no cleanup labels of its own. Entry points that must
 * check arguments against the definition do so between the two.
 */
#pragma once

#include "vxl_driver.h"

/* libvirt's generated access checks come in these two shapes. */
typedef int (*vxlEntryACL)(virConnectPtr conn, virDomainDef *def);
typedef int (*vxlEntryACLFlags)(virConnectPtr conn, virDomainDef *def,
                                unsigned int flags);

/* @dom's object, locked and referenced, with @job begun (none for
 * VIR_JOB_NONE), once @acl allows the caller; NULL with an error
 * reported otherwise (nothing held then). */
virDomainObj *vxlEntryBegin(virDomainPtr dom, vxlEntryACL acl,
                            virDomainJob job);
/* The same for an access check that looks at the API's @flags. */
virDomainObj *vxlEntryBeginFlags(virDomainPtr dom, vxlEntryACLFlags acl,
                                 unsigned int flags, virDomainJob job);

/* End @job (none for VIR_JOB_NONE) and drop the lock and reference;
 * *vm becomes NULL. */
void vxlEntryEnd(virDomainObj **vm, virDomainJob job);
