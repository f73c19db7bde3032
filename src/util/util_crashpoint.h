/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_crashpoint.h: numbered points at which a test build can kill the
 * daemon, to prove that every operation can be recovered from a crash at
 * any of its steps (in the spirit of SQLite's crash tests).
 *
 * VXL_CRASH_POINT("start.after-create") marks a point. In a build with
 * the meson option test_hooks (VXL_TEST_HOOKS) a test arms one point by
 * writing "NAME [N]" to <stateDir>/crash-point of a running daemon; the
 * Nth time (default: the first) the daemon reaches that point afterwards
 * it kills itself with SIGKILL, as a power cut or kill -9 would.
 * "NAME N stall MS" makes that reach stall for MS milliseconds instead,
 * a window in which a test can act (a destroy while a save completes).
 * In any other build the macro is nothing at all.
 */
#pragma once

#ifdef VXL_TEST_HOOKS

/* Where the control file lives (the driver's state directory). */
void vxlCrashPointSetControlDir(const char *dir);
/* Log that @name was reached; die if it is the armed point. */
void vxlCrashPointReach(const char *name);

# define VXL_CRASH_POINT(name) vxlCrashPointReach(name)

#else

# define VXL_CRASH_POINT(name) do { } while (0)

#endif
