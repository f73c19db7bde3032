/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_fault.h: fault injection in the call wrappers (backend.c,
 * backend_monitor.c), armed through a file in the state directory that
 * domain_host.c names when it opens the backend. A test build (meson -Dtest_hooks=true) has it
 * (backend_fault.c); a shipped module's calls go straight to the hook,
 * with no lock and no file lookup.
 */
#pragma once

#include "virtxl/backend.h"

/* Hooks one control file can arm at once (one line each). */
#define VXL_BACKEND_FAULT_MAX 4

#ifdef VXL_TEST_HOOKS
/* Returns -1 with an error reported when the armed fault fires for
 * @hook; 0 otherwise. Also picks up a fault armed by a test through the
 * control file "<stateDir>/fault-inject" (a line "HOOK N" for each hook
 * to fail, at most VXL_BACKEND_FAULT_MAX), consuming the file. */
int vxlBackendFaultCheck(vxlBackend *be, const char *hook);
void vxlBackendFaultSetControlDir(vxlBackend *be, const char *dir);
void vxlBackendFaultFree(vxlBackend *be);
#else
static inline int
vxlBackendFaultCheck(vxlBackend *be G_GNUC_UNUSED, const char *hook G_GNUC_UNUSED)
{
    return 0;
}
static inline void
vxlBackendFaultSetControlDir(vxlBackend *be G_GNUC_UNUSED, const char *dir G_GNUC_UNUSED)
{
}
static inline void
vxlBackendFaultFree(vxlBackend *be G_GNUC_UNUSED)
{
}
#endif
