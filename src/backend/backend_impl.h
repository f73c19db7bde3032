/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_impl.h: what backend implementations export to backend.c.
 * Only backend.c includes this; the driver uses backend_call.h.
 */
#pragma once

#include "virtxl/backend.h"

extern const vxlBackendOps vxlSimBackendOps;   /* backend/sim */
extern const vxlBackendOps vxlXenBackendOps;   /* backend/libxl */
