/*
 * domain_xmlopt.h: how this driver parses and formats domain XML.
 */
#pragma once

#include "vxl_internal.h"
#include "domain_conf.h"

/* The driver's parser configuration: Xen defaults filled in after parse,
 * and what Xen cannot do refused by validation. Used by the driver, the
 * offline tool and every test harness, so all parse alike. */
virDomainXMLOption *vxlDomainXMLOptionNew(void);

/* The machine name libvirt uses for each Xen guest type. */
const char *vxlDomainDefaultMachine(int ostype);
