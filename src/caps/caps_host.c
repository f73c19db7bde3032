/* Placeholder replaced by the capabilities prober. */
#include "vxl_internal.h"
