/* Placeholder replaced by the translators. */
#include "vxl_internal.h"
#include "translate.h"
int vxlValidateDomain(const virDomainDef *def) { return 0; }
int vxlTranslateDomain(const virDomainDef *def, libxl_domain_config *dcfg) { return -1; }
