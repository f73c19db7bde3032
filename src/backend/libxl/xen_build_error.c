/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_build_error.c: why building a domain failed, in the error the
 * client gets.
 *
 * libxl builds a domain over many event dispatches and completes a
 * failed build only after destroying what it built, so the error it
 * logged on the way (xen_log.c's capture keeps those lines) is not the
 * completing dispatch's. Of the captured lines, the build's own are
 * those logged on the building thread (the synchronous start) and those
 * naming the new domain: the id libxl returned, else the one the
 * building thread's lines name, else one that no longer exists (a
 * failed build is destroyed; the other domains whose lines were
 * captured still run). Builds are one at a time (xen->balloonLock), so
 * no other build's domain can be taken for ours.
 *
 * When the device model is what failed, libxl only knows that its QMP
 * socket closed; the reason (a VNC port already taken, a disk image it
 * cannot open) is what QEMU wrote on its stderr, which libxl sends to
 * its log file, /var/log/xen/qemu-dm-NAME.log, started afresh for each
 * spawn. Its last line is added to the message.
 *
 * PV sound and display cards (vsnd, vdispl) have no backend in Xen or
 * in Linux: libxl writes their backend nodes and waits for a user-space
 * server in the backend domain to answer, and only says it could not
 * add the device. The message says what is missing.
 */
#include "vxl_internal.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "xen_priv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_build_error");

/* libxl's XEN_LOG_DIR in Debian's build; libxl.h does not export it. */
#define VXL_XEN_LOG_DIR "/var/log/xen"

/* What a device model's log may end with that is not the reason it
 * failed: libxl stopping it while destroying the failed build. */
#define VXL_XEN_DM_KILLED "terminating on signal"

void
vxlXenBuildLogBegin(vxlXen *xen, vxlXenBuildLog *blog)
{
    blog->startUs = g_get_real_time();
    blog->capture = vxlXenLogCaptureBegin(xen->logger);
}

static bool
vxlXenDomainGone(vxlXen *xen, uint32_t domid)
{
    libxl_dominfo info;
    int rc;

    libxl_dominfo_init(&info);
    rc = libxl_domain_info(xen->ctx, &info, domid);
    libxl_dominfo_dispose(&info);
    return rc == ERROR_DOMAIN_NOTFOUND || rc == ERROR_INVAL;
}

static bool
vxlXenLineIsDeviceModel(const char *text)
{
    return strstr(text, "libxl_dm.c") || strstr(text, "libxl_qmp.c") ||
           strstr(text, "device model") || strstr(text, "Device Model");
}

/* The build's own first error line, or NULL; *@dm when one of the
 * build's lines says its device model failed. */
static const char *
vxlXenBuildCause(vxlXen *xen, GPtrArray *lines, uint32_t domid, bool *dm)
{
    g_autoptr(GHashTable) gone = g_hash_table_new(NULL, NULL);
    const char *cause = NULL;
    uint32_t target = domid;
    guint i;

    *dm = false;
    for (i = 0; target == INVALID_DOMID && i < lines->len; i++) {
        vxlXenLogLine *line = g_ptr_array_index(lines, i);

        if (line->ownThread)
            target = line->domid;
    }
    for (i = 0; i < lines->len; i++) {
        vxlXenLogLine *line = g_ptr_array_index(lines, i);
        bool ours = line->ownThread;

        if (!ours && target != INVALID_DOMID) {
            ours = line->domid == target;
        } else if (!ours) {
            gpointer key = GUINT_TO_POINTER(line->domid + 1);
            gpointer known = g_hash_table_lookup(gone, key);

            if (!known) {
                known = GINT_TO_POINTER(vxlXenDomainGone(xen, line->domid) ? 1 : 2);
                g_hash_table_insert(gone, key, known);
            }
            ours = GPOINTER_TO_INT(known) == 1;
        }
        if (!ours)
            continue;
        if (!cause)
            cause = line->text;
        if (vxlXenLineIsDeviceModel(line->text))
            *dm = true;
    }
    return cause;
}

/* The last line of the device model's log for domain @name, if the log
 * was written since @startUs; NULL otherwise. */
static char *
vxlXenDeviceModelLastWords(const char *name, long long startUs)
{
    g_autofree char *path =
        g_strdup_printf("%s/qemu-dm-%s.log", VXL_XEN_LOG_DIR, name);
    g_autofree char *buf = NULL;
    g_auto(GStrv) lines = NULL;
    VIR_AUTOCLOSE fd = -1;
    struct stat sb;
    off_t from;
    ssize_t got;
    int i;

    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0)
        return NULL;
    /* Whole seconds: a log older than this build is another spawn's. */
    if ((long long)sb.st_mtime < startUs / G_USEC_PER_SEC)
        return NULL;
    from = sb.st_size > 4096 ? sb.st_size - 4096 : 0;
    buf = g_new0(char, 4097);
    if ((got = pread(fd, buf, 4096, from)) <= 0)
        return NULL;
    buf[got] = '\0';
    lines = g_strsplit(buf, "\n", -1);
    for (i = g_strv_length(lines) - 1; i >= 0; i--) {
        char *line = g_strstrip(lines[i]);

        if (!*line || strstr(line, VXL_XEN_DM_KILLED))
            continue;
        if (!g_utf8_validate(line, -1, NULL))
            return NULL;
        return g_utf8_substring(line, 0, 300);
    }
    return NULL;
}

void
vxlXenBuildLogEnd(vxlXen *xen, vxlXenBuildLog *blog, int rc,
                  const char *what, libxl_domain_config *dcfg,
                  uint32_t domid)
{
    g_autoptr(GPtrArray) lines = vxlXenLogCaptureEnd(blog->capture);
    g_autofree char *lastWords = NULL;
    g_autofree char *detail = NULL;
    const char *cause;
    bool dm = false;

    blog->capture = NULL;
    if (!what || !lines)
        return;

    cause = vxlXenBuildCause(xen, lines, domid, &dm);
    if (dm)
        lastWords = vxlXenDeviceModelLastWords(dcfg->c_info.name, blog->startUs);
    VIR_DEBUG("build of '%s' failed (%d): first error %s, device model %s",
              dcfg->c_info.name, rc, NULLSTR(cause), NULLSTR(lastWords));

    /* A vsnd or vdispl card nobody served: said as the simulator says
     * it (backend_messages.c). */
    if (!(detail = vxlBackendPvBackendMissing(cause))) {
        if (cause && lastWords)
            detail = g_strdup_printf(_("%s; the device model logged: %s"),
                                     cause, lastWords);
        else if (lastWords)
            detail = g_strdup_printf(_("the device model logged: %s"), lastWords);
        else
            detail = g_strdup(cause);
    }
    /* The build's own first error replaces the completing dispatch's,
     * which came later (or is empty). */
    if (detail) {
        vxlXenLogResetLastError();
        vxlXenLogAdoptError(detail);
    }
    vxlXenReportError(rc, what);
}
