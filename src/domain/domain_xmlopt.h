/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlopt.h: the driver's domain XML parser configuration.
 */
#pragma once

#include "vxl_internal.h"
#include "conf_xmlopt.h"

/* The driver's parser configuration: Xen defaults filled in after parse
 * (src/conf), what Xen cannot do refused by validation (translate/), and
 * the driver's per-domain private data. Used by the driver, the offline
 * tool and every test harness, so all parse alike. */
virDomainXMLOption *vxlDomainXMLOptionNew(void);
