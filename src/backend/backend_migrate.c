/*
 * backend_migrate.c: the counters a migration stream shares between the
 * backend copying it and the driver reporting on it.
 */
#include "vxl_internal.h"

#include "virtxl/backend.h"

/* The driver reads these from job queries while the backend's copy
 * writes them from another thread: relaxed atomics are enough, each
 * counter stands alone. */
unsigned long long
vxlMigrateStreamGet(const unsigned long long *field)
{
    return __atomic_load_n(field, __ATOMIC_RELAXED);
}

void
vxlMigrateStreamSet(unsigned long long *field, unsigned long long value)
{
    __atomic_store_n(field, value, __ATOMIC_RELAXED);
}

bool
vxlMigrateStreamCancelled(const vxlMigrateStream *st)
{
    return __atomic_load_n(&st->cancelled, __ATOMIC_SEQ_CST) != 0 ||
           vxlJobTokenCancelled(st->token);
}
