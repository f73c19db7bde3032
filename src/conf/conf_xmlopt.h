/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf_xmlopt.h: how this driver parses and formats domain XML: the
 * defaults Xen implies (post-parse) and the project's namespace.
 */
#pragma once

#include "vxl_internal.h"
#include "domain_conf.h"

/* A parser configuration with Xen's defaults, the project's namespace,
 * and the caller's define-time validators and per-domain private data
 * and async job data (any may be NULL). src/domain/domain_xmlopt.c gives the driver's. */
virDomainXMLOption *vxlConfXMLOptionNew(virDomainDefValidateCallback domainValidate,
                                        virDomainDeviceDefValidateCallback deviceValidate,
                                        virDomainXMLPrivateDataCallbacks *privateData,
                                        virDomainJobObjConfig *jobConfig);

/* The machine name libvirt uses for each Xen guest type. */
const char *vxlDomainDefaultMachine(int ostype);

/* Only the target name: present, and within libxl's device numbers.
 * Called from the parser's device post-parse, before libvirt adds a
 * controller for every disk number up to the highest one, and again by
 * the disk validator. */
int vxlValidateDiskTarget(const virDomainDiskDef *disk);

/* The video RAM (KiB) libxl gives @def's emulated card of @type when
 * none is set, for its device model; 0 for other cards. */
unsigned int vxlVideoDefaultKiB(const virDomainDef *def, virDomainVideoType type);
