/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_cputime.h: the calling thread's CPU time, for the timing lines
 * the daemon's start-up and listing write to the log (scripts/bench
 * reads them to say where a restart's or a listing's time goes).
 */
#pragma once

#include <time.h>

/* CPU time the calling thread has used, in microseconds (0 if the clock
 * cannot be read). */
static inline long long
vxlThreadCPUTimeUs(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
        return 0;
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}
