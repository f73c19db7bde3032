/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_fault.c: fail the Nth call of a chosen backend hook.
 *
 * SQLite's test VFS taught this: a countdown that makes one specific call
 * fail proves, call by call, that every failure path cleans up. Tests arm
 * it by writing "HOOK N" into <stateDir>/fault-inject of a running daemon
 * (one line per hook: a step and its cleanup can both be made to fail);
 * the next wrapped call consumes the file, so a test needs no private API.
 *
 * Only a test build (meson -Dtest_hooks=true) has it: its lock and file
 * lookup on every backend call have no place in a shipped module, where
 * backend_fault.h turns the checks into nothing.
 */
#include "vxl_internal.h"

#include "backend_fault.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virthread.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

#ifdef VXL_TEST_HOOKS

VIR_LOG_INIT("virtxl.backend_fault");

typedef struct _vxlBackendFault {
    /* Whether a hook is armed: read without the lock, so that the calls
     * of a daemon nobody injects faults into take no lock at all. */
    gint armed;
    virMutex lock;                 /* guards every field below */
    char *controlFile;             /* NULL: no control file; set once,
                                      before the first call */
    /* Armed hooks, each with the calls until it fires (1 = next); more
     * than one so that a test can fail a step and its cleanup too. */
    char *hooks[VXL_BACKEND_FAULT_MAX];
    unsigned int remaining[VXL_BACKEND_FAULT_MAX];
} vxlBackendFault;

/* Called with f->lock held. */
static void
vxlBackendFaultDisarm(vxlBackendFault *f)
{
    size_t i;

    for (i = 0; i < VXL_BACKEND_FAULT_MAX; i++)
        g_clear_pointer(&f->hooks[i], g_free);
    g_atomic_int_set(&f->armed, 0);
}

/* Called with f->lock held. */
static void
vxlBackendFaultArm(vxlBackendFault *f, size_t slot, const char *hook,
                   unsigned int nth)
{
    g_free(f->hooks[slot]);
    f->hooks[slot] = g_strdup(hook);
    f->remaining[slot] = nth;
    g_atomic_int_set(&f->armed, 1);
}

static vxlBackendFault *
vxlBackendFaultGet(vxlBackend *be)
{
    if (!be->fault) {
        vxlBackendFault *f = g_new0(vxlBackendFault, 1);
        if (virMutexInit(&f->lock) < 0)
            abort();
        be->fault = f;
    }
    return be->fault;
}

void
vxlBackendFaultFree(vxlBackend *be)
{
    vxlBackendFault *f = be->fault;

    if (!f)
        return;
    virMutexDestroy(&f->lock);
    vxlBackendFaultDisarm(f);
    g_free(f->controlFile);
    g_free(f);
    be->fault = NULL;
}

static bool
vxlBackendFaultHookKnown(const char *hook)
{
    return g_strv_contains((const char *const *)vxlBackendHookNames(), hook);
}

int
vxlBackendInjectFault(vxlBackend *be, const char *hook, unsigned int nth)
{
    vxlBackendFault *f = vxlBackendFaultGet(be);

    if (hook && !vxlBackendFaultHookKnown(hook)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot inject a fault into unknown backend hook '%s'"),
                       hook);
        return -1;
    }
    if (hook && nth == 0) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("fault injection counts calls from 1"));
        return -1;
    }
    VIR_WITH_MUTEX_LOCK_GUARD(&f->lock) {
        vxlBackendFaultDisarm(f);
        if (hook)
            vxlBackendFaultArm(f, 0, hook, nth);
    }
    return 0;
}

void
vxlBackendFaultSetControlDir(vxlBackend *be, const char *dir)
{
    vxlBackendFault *f = vxlBackendFaultGet(be);

    VIR_WITH_MUTEX_LOCK_GUARD(&f->lock) {
        g_free(f->controlFile);
        f->controlFile = dir ? g_strdup_printf("%s/fault-inject", dir) : NULL;
    }
}

/* Called with f->lock held. Each line of the file arms one hook
 * ("HOOK N"); what was armed before is replaced. */
static void
vxlBackendFaultReadControl(vxlBackendFault *f)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    size_t slot = 0;
    size_t i;

    if (!f->controlFile || !virFileExists(f->controlFile))
        return;
    if (!g_file_get_contents(f->controlFile, &text, NULL, NULL))
        return;
    unlink(f->controlFile);

    vxlBackendFaultDisarm(f);
    lines = g_strsplit(text, "\n", 0);
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) words = g_strsplit_set(g_strstrip(lines[i]), " \t", 0);
        unsigned int nth = 1;

        if (!words[0] || !*words[0])
            continue;
        if (!vxlBackendFaultHookKnown(words[0])) {
            VIR_WARN("ignoring fault-inject control '%s': unknown hook", lines[i]);
            continue;
        }
        if (words[1] && (virStrToLong_ui(words[1], NULL, 10, &nth) < 0 || nth == 0)) {
            VIR_WARN("ignoring fault-inject control '%s': bad count", lines[i]);
            continue;
        }
        if (slot == VXL_BACKEND_FAULT_MAX) {
            VIR_WARN("ignoring fault-inject control '%s': at most %d hooks",
                     lines[i], VXL_BACKEND_FAULT_MAX);
            break;
        }
        vxlBackendFaultArm(f, slot++, words[0], nth);
        VIR_INFO("fault armed: call %u of %s will fail", nth, words[0]);
    }
}

int
vxlBackendFaultCheck(vxlBackend *be, const char *hook)
{
    vxlBackendFault *f = vxlBackendFaultGet(be);
    bool fire = false;

    /* Tests read which hooks an operation calls from this line. */
    VIR_DEBUG("backend call %s", hook);
    /* Nothing armed and no control file written: no lock taken. */
    if (!g_atomic_int_get(&f->armed) &&
        (!f->controlFile || access(f->controlFile, F_OK) < 0))
        return 0;

    VIR_WITH_MUTEX_LOCK_GUARD(&f->lock) {
        bool left = false;
        size_t i;

        vxlBackendFaultReadControl(f);
        for (i = 0; i < VXL_BACKEND_FAULT_MAX; i++) {
            if (!f->hooks[i])
                continue;
            if (!fire && STREQ(f->hooks[i], hook) && --f->remaining[i] == 0) {
                fire = true;
                g_clear_pointer(&f->hooks[i], g_free);
                continue;
            }
            left = true;
        }
        g_atomic_int_set(&f->armed, left);
    }
    if (fire) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("injected fault in backend hook %s"), hook);
        return -1;
    }
    return 0;
}

#else /* !VXL_TEST_HOOKS */

int
vxlBackendInjectFault(vxlBackend *be G_GNUC_UNUSED, const char *hook G_GNUC_UNUSED,
                      unsigned int nth G_GNUC_UNUSED)
{
    virReportError(VIR_ERR_NO_SUPPORT, "%s",
                   _("fault injection is only built into test builds (meson -Dtest_hooks=true)"));
    return -1;
}

#endif /* !VXL_TEST_HOOKS */
