/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_metadata.h: simulated guest behaviour, read from the domain's
 * <metadata><virtxl:guest .../></metadata> (domain_metadata.c).
 */
#pragma once

#include "vxl_internal.h"
#include "domain_conf.h"
#include "virtxl/backend.h"

/* Fill @script from <metadata><virtxl:guest .../></metadata>; defaults
 * where absent. Errors name the attribute (VIR_ERR_XML_DETAIL). */
int vxlDomainGuestScriptParse(const virDomainDef *def, vxlGuestScript *script);
