/* Placeholder replaced by the simulator implementation. */
#include "vxl_internal.h"
#include "virtxl/backend.h"
#include "backend_impl.h"
const vxlBackendOps vxlSimBackendOps = { .name = "sim" };
