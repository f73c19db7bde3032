/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_call.h: how the driver calls a backend.
 *
 * Every call goes through these wrappers rather than be->ops directly, so
 * that one place (backend_fault.c) can make any hook fail on demand, and
 * a hook a backend lacks gets a uniform VIR_ERR_NO_SUPPORT. Semantics are
 * those of the hooks in include/virtxl/backend.h.
 */
#pragma once

#include "virtxl/backend.h"

const char *vxlBackendName(vxlBackend *be);

/* One wrapper per hook, vxlBackend<Member> with the hook's parameters
 * (backend.c), declared from VXL_BACKEND_HOOKS. */
#define VXL_BACKEND_CALL_DECL(ret, hook, Hook, params) ret vxlBackend##Hook params;
VXL_BACKEND_HOOKS(VXL_BACKEND_CALL_DECL)
#undef VXL_BACKEND_CALL_DECL

#ifdef VXL_TEST_HOOKS
/* backend_fault.c, test builds only (meson -Dtest_hooks=true): returns
 * -1 with an error reported when the armed fault fires for @hook; 0
 * otherwise. Also picks up a fault armed by a test through the control
 * file "<stateDir>/fault-inject" (one line: "HOOK N"), consuming the
 * file. */
int vxlBackendFaultCheck(vxlBackend *be, const char *hook);
void vxlBackendFaultSetControlDir(vxlBackend *be, const char *dir);
void vxlBackendFaultFree(vxlBackend *be);
#else
/* A shipped module has no fault injection: every backend call goes
 * straight to its hook, with no lock and no file lookup. */
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
