/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_i18n.c: the module's own message catalogue.
 *
 * Every message of the project is looked up in the "virtxl" text domain
 * (vxl_internal.h's _()), which libvirtd knows nothing of: the module
 * binds it when it is loaded, to the installed locale directory, or in a
 * test build to the catalogues the build compiled (build/po), so tests
 * see translations without installing.
 */
#include "vxl_internal.h"

#include <libintl.h>

#include "driver_entry.h"

void
vxlDriverI18nInit(void)
{
#ifdef VXL_TEST_HOOKS
    bindtextdomain(VXL_GETTEXT_PACKAGE, VXL_BUILD_LOCALEDIR);
#else
    bindtextdomain(VXL_GETTEXT_PACKAGE, VXL_LOCALEDIR);
#endif
    /* libvirt's messages and the RPC are UTF-8, whatever the locale. */
    bind_textdomain_codeset(VXL_GETTEXT_PACKAGE, "UTF-8");
}
