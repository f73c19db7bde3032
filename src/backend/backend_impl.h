/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_impl.h: what backend implementations export to backend.c.
 * Only src/backend includes this; callers use the wrappers that
 * include/virtxl/backend.h declares.
 */
#pragma once

#include "virtxl/backend.h"

extern const vxlBackendOps vxlSimBackendOps;   /* backend/sim */
extern const vxlBackendOps vxlXenBackendOps;   /* backend/libxl */
