/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_call_bench.c: what a call through the backend seam costs, and
 * whether it takes a lock that serialises domains.
 *
 * A do-nothing backend hook is called through its wrapper
 * (vxlBackendDomainPause) from one thread, then from several at once.
 * pthread_mutex_lock is interposed to count the locks taken per call.
 * In a test build (-Dtest_hooks=true) each call consults fault injection
 * (one global mutex and a control-file lookup); a default build must take
 * none, which is the exit status: 1 if a default build locks.
 */
#include "vxl_internal.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "virtxl/backend.h"

static int counting;
static unsigned long long nlocks;

/* Every virMutexLock (libvirt.so) ends here while the benchmark runs. */
VXL_EXPORT int pthread_mutex_lock(pthread_mutex_t *mutex);
int
pthread_mutex_lock(pthread_mutex_t *mutex)
{
    static int (*real)(pthread_mutex_t *);

    if (!real)
        real = (int (*)(pthread_mutex_t *))dlsym(RTLD_NEXT, "pthread_mutex_lock");
    if (__atomic_load_n(&counting, __ATOMIC_RELAXED))
        __atomic_add_fetch(&nlocks, 1, __ATOMIC_RELAXED);
    return real(mutex);
}

static int
benchPause(vxlBackend *be, uint32_t domid)
{
    return 0;
}

static const vxlBackendOps benchOps = {
    .name = "bench",
    .domainPause = benchPause,
};

typedef struct {
    vxlBackend *be;
    unsigned long calls;
    uint32_t domid;
} benchJob;

static void *
benchRun(void *opaque)
{
    benchJob *job = opaque;
    unsigned long i;

    for (i = 0; i < job->calls; i++) {
        if (vxlBackendDomainPause(job->be, job->domid) < 0)
            abort();
    }
    return NULL;
}

static double
benchNow(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ns per call with @nthreads threads calling at once, each for its own
 * domain. */
static double
benchMeasure(vxlBackend *be, unsigned int nthreads, unsigned long calls)
{
    pthread_t threads[8];
    benchJob jobs[8];
    double t0;
    unsigned int i;

    t0 = benchNow();
    for (i = 0; i < nthreads; i++) {
        jobs[i] = (benchJob){ .be = be, .calls = calls, .domid = i + 1 };
        pthread_create(&threads[i], NULL, benchRun, &jobs[i]);
    }
    for (i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    return (benchNow() - t0) * 1e9 / calls;
}

int
main(int argc, char **argv)
{
    vxlBackend be = { .ops = &benchOps };
    unsigned long calls = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
    g_autofree char *dir = g_dir_make_tmp("vxl-bench-XXXXXX", NULL);
    double one, two, four;
#ifdef VXL_TEST_HOOKS
    bool hooks = true;
#else
    bool hooks = false;
#endif

    /* As the daemon does: fault control in the state directory. */
    vxlBackendFaultSetControlDir(&be, dir);
    benchMeasure(&be, 1, calls / 10);          /* warm up */

    __atomic_store_n(&counting, 1, __ATOMIC_RELAXED);
    one = benchMeasure(&be, 1, calls);
    __atomic_store_n(&counting, 0, __ATOMIC_RELAXED);
    two = benchMeasure(&be, 2, calls);
    four = benchMeasure(&be, 4, calls);

    printf("build: %s\n", hooks ? "test build (-Dtest_hooks=true)" : "default build");
    printf("backend call (vxlBackendDomainPause -> a no-op hook), %lu calls per thread:\n", calls);
    printf("  mutex locks per call:        %.2f\n", (double)nlocks / calls);
    printf("  1 thread:                    %8.1f ns per call\n", one);
    printf("  2 threads, wall time:        %8.1f ns per call and thread\n", two);
    printf("  4 threads, wall time:        %8.1f ns per call and thread\n", four);

    vxlBackendFaultFree(&be);
    rmdir(dir);
    if (!hooks && nlocks > 0) {
        fprintf(stderr, "a default build takes a lock on every backend call\n");
        return 1;
    }
    return 0;
}
