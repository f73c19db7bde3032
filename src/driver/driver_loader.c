/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_loader.c: libvirt_driver_libxl.so, the file libvirtd loads.
 *
 * The driver proper uses libvirt's private API, whose symbols carry the
 * libvirt version (LIBVIRT_PRIVATE_9.0.0). libvirtd dlopens modules with
 * RTLD_NOW, so a driver built for another libvirt would fail inside
 * dlopen with a bare "undefined symbol" before any of its code ran. This
 * loader links only libvirt's public API; it compares versions first,
 * refuses with a message naming both, and only then loads the driver
 * (virtxl-driver.so, next to this file) and hands over to it.
 */
#define _GNU_SOURCE /* dladdr, asprintf */
#include "vxl-config.h"

#include <dlfcn.h>
#include <libgen.h>
#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define VXL_DRIVER_FILE "virtxl-driver.so"

/* The loader test builds this file for a libvirt that is not installed. */
#ifdef VXL_TEST_LIBVIRT_VERSION_NUMBER
# undef VXL_LIBVIRT_VERSION_NUMBER
# define VXL_LIBVIRT_VERSION_NUMBER VXL_TEST_LIBVIRT_VERSION_NUMBER
#endif

/* libvirt's error reporter has had this signature for over a decade;
 * looked up by name so that it binds to whichever libvirt is running. */
typedef void (*vxlReportErrorHelper)(int domcode, int errcode,
                                     const char *filename,
                                     const char *funcname, size_t linenr,
                                     const char *fmt, ...);

static void
vxlLoaderError(const char *fmt, ...)
{
    vxlReportErrorHelper report;
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    /* Reported errors also go to libvirtd's log; stderr reaches the
     * journal when the log is not configured. */
    if ((report = (vxlReportErrorHelper)dlsym(RTLD_DEFAULT, "virReportErrorHelper")))
        report(VIR_FROM_LIBXL, VIR_ERR_INTERNAL_ERROR, __FILE__, __func__,
               __LINE__, "%s", msg);
    fprintf(stderr, "virtxl: %s\n", msg);
}

__attribute__((visibility("default"))) int libxlRegister(void);

int
libxlRegister(void)
{
    unsigned long running = 0;
    char *self = NULL;
    char *path = NULL;
    Dl_info info;
    void *handle;
    int (*reg)(void);
    int ret = -1;

    if (virGetVersion(&running, NULL, NULL) < 0)
        return -1;
    if (running != VXL_LIBVIRT_VERSION_NUMBER) {
        vxlLoaderError(dgettext(VXL_GETTEXT_PACKAGE,
                                "virtxl's Xen driver was built for libvirt %d.%d.%d (Debian %s) but the running libvirt is %lu.%lu.%lu; rebuild the driver against this libvirt"),
                       VXL_LIBVIRT_VERSION_NUMBER / 1000000,
                       (VXL_LIBVIRT_VERSION_NUMBER / 1000) % 1000,
                       VXL_LIBVIRT_VERSION_NUMBER % 1000,
                       VXL_LIBVIRT_PACKAGE_VERSION,
                       running / 1000000, (running / 1000) % 1000,
                       running % 1000);
        return -1;
    }

    if (!dladdr((void *)libxlRegister, &info) || !info.dli_fname)
        return -1;
    self = strdup(info.dli_fname);
    if (!self || asprintf(&path, "%s/%s", dirname(self), VXL_DRIVER_FILE) < 0)
        goto cleanup;

    if (!(handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE))) {
        vxlLoaderError(dgettext(VXL_GETTEXT_PACKAGE,
                                "cannot load the Xen driver %s: %s"),
                       path, dlerror());
        goto cleanup;
    }
    if (!(reg = (int (*)(void))dlsym(handle, "vxlDriverRegister"))) {
        vxlLoaderError(dgettext(VXL_GETTEXT_PACKAGE,
                                "%s is not a virtxl driver: %s"),
                       path, dlerror());
        goto cleanup;
    }
    ret = reg();

 cleanup:
    free(self);
    free(path);
    return ret;
}
