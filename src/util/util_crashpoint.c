/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_crashpoint.c: the test build's kill switch at numbered points
 * (util_crashpoint.h says how a test arms one).
 *
 * The control file is consumed when read, as backend_fault.c's is, so a
 * restarted daemon does not die again at the same point.
 */
#include "vxl_internal.h"

#include "util_crashpoint.h"

#ifdef VXL_TEST_HOOKS

# include <signal.h>
# include <unistd.h>

# include "virlog.h"
# include "virstring.h"

# define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.util_crashpoint");

static GMutex vxlCrashPointLock;       /* guards the three below */
static char *vxlCrashPointControl;     /* <stateDir>/crash-point */
static char *vxlCrashPointArmed;       /* armed point, NULL: none */
static unsigned int vxlCrashPointLeft; /* reaches until it fires */
static unsigned int vxlCrashPointStallMs; /* 0: kill; else stall so long */

void
vxlCrashPointSetControlDir(const char *dir)
{
    g_mutex_lock(&vxlCrashPointLock);
    g_free(vxlCrashPointControl);
    vxlCrashPointControl = dir ? g_strdup_printf("%s/crash-point", dir) : NULL;
    g_mutex_unlock(&vxlCrashPointLock);
}

/* Called with the lock held. */
static void
vxlCrashPointReadControl(void)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) words = NULL;
    unsigned int nth = 1;
    unsigned int stallMs = 0;

    if (!vxlCrashPointControl || access(vxlCrashPointControl, F_OK) < 0)
        return;
    if (!g_file_get_contents(vxlCrashPointControl, &text, NULL, NULL))
        return;
    unlink(vxlCrashPointControl);

    words = g_strsplit_set(g_strstrip(text), " \t\n", 0);
    if (!words[0] || !*words[0] ||
        (words[1] && (virStrToLong_ui(words[1], NULL, 10, &nth) < 0 || nth == 0)) ||
        (words[1] && words[2] &&
         (STRNEQ(words[2], "stall") || !words[3] ||
          virStrToLong_ui(words[3], NULL, 10, &stallMs) < 0 || stallMs == 0))) {
        VIR_WARN("ignoring crash-point control '%s'", text);
        return;
    }
    g_free(vxlCrashPointArmed);
    vxlCrashPointArmed = g_strdup(words[0]);
    vxlCrashPointLeft = nth;
    vxlCrashPointStallMs = stallMs;
    if (stallMs)
        VIR_WARN("crash point %s armed: reach %u stalls for %u ms",
                 words[0], nth, stallMs);
    else
        VIR_WARN("crash point %s armed: reach %u kills the daemon", words[0], nth);
}

void
vxlCrashPointReach(const char *name)
{
    bool fire = false;
    unsigned int stallMs = 0;

    g_mutex_lock(&vxlCrashPointLock);
    vxlCrashPointReadControl();
    if (vxlCrashPointArmed && STREQ(vxlCrashPointArmed, name) &&
        --vxlCrashPointLeft == 0) {
        fire = true;
        stallMs = vxlCrashPointStallMs;
        g_clear_pointer(&vxlCrashPointArmed, g_free);
    }
    g_mutex_unlock(&vxlCrashPointLock);

    VIR_DEBUG("crash point %s reached", name);
    if (!fire)
        return;
    if (stallMs) {
        /* A window for a test to act in, at a step it could not hit by
         * timing alone. */
        VIR_WARN("crash point %s: stalling for %u ms", name, stallMs);
        g_usleep(stallMs * 1000ULL);
        return;
    }
    VIR_WARN("crash point %s: killing the daemon", name);
    kill(getpid(), SIGKILL);
    /* SIGKILL cannot be caught; nothing after it runs. */
    abort();
}

#endif /* VXL_TEST_HOOKS */
