/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_config.c: writing persistent definitions, flushed in batches.
 *
 * A definition is written as libvirt writes one (NAME.xml.new, then
 * renamed over NAME.xml, so a reader or a crash sees the old file or
 * the new one, whole), but the call returns once the rename is done:
 * from then on the definition survives any end of libvirtd (kill -9
 * included), since the kernel holds it. What a power cut could still
 * take is made durable by one flusher thread, which syncs the file
 * system of the config directory once for every definition written
 * since its last sync: one device flush per batch instead of one per
 * call (on a busy disk a flush costs milliseconds, ten times libvirt's
 * whole in-memory define). A clean stop of the daemon flushes before it
 * returns.
 *
 * A power cut between a write and its flush leaves the definition as it
 * was before (the rename not yet on the disk: libvirt's own define has
 * this window too, it does not sync the directory) or, for a new name,
 * an empty file on some file systems; the loader takes an empty
 * definition for such a lost write (domain_load.c).
 */
#include "vxl_internal.h"

#include <fcntl.h>
#include <unistd.h>

#include "domain.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virthread.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_config");

/* A batch collects what is written meanwhile: a few milliseconds of
 * calls share one flush at no cost to any of them. */
#define VXL_CONFIG_FLUSH_GATHER_US 2000

typedef struct _vxlConfigFlusher {
    virMutex lock;
    virCond cond;                  /* a write is pending, or stop */
    virCond flushedCond;           /* a flush finished */
    GThread *thread;
    char *dir;                     /* the config directory */
    unsigned long long written;    /* writes so far */
    unsigned long long flushed;    /* writes known flushed */
    bool stop;
} vxlConfigFlusher;

static vxlConfigFlusher *flusher;

/* One sync of the file system holding @dir: the definitions' data, their
 * names (renames, unlinks) and the autostart links under it. */
static void
vxlConfigSyncDir(const char *dir)
{
    VIR_AUTOCLOSE fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0 || syncfs(fd) < 0)
        VIR_WARN("cannot flush the definitions in %s to disk: %s",
                 dir, g_strerror(errno));
}

static gpointer
vxlConfigFlusherRun(gpointer opaque)
{
    vxlConfigFlusher *f = opaque;

    virMutexLock(&f->lock);
    for (;;) {
        unsigned long long upto;

        while (!f->stop && f->flushed == f->written)
            ignore_value(virCondWait(&f->cond, &f->lock));
        if (f->flushed == f->written)
            break;
        virMutexUnlock(&f->lock);
        g_usleep(VXL_CONFIG_FLUSH_GATHER_US);
        virMutexLock(&f->lock);
        upto = f->written;
        virMutexUnlock(&f->lock);

        vxlConfigSyncDir(f->dir);

        virMutexLock(&f->lock);
        f->flushed = upto;
        virCondBroadcast(&f->flushedCond);
    }
    virMutexUnlock(&f->lock);
    return NULL;
}

int
vxlDomainConfigFlusherStart(vxlDriver *driver)
{
    vxlConfigFlusher *f = g_new0(vxlConfigFlusher, 1);

    if (virMutexInit(&f->lock) < 0) {
        g_free(f);
        return -1;
    }
    if (virCondInit(&f->cond) < 0 || virCondInit(&f->flushedCond) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot initialize the definitions' flusher"));
        virMutexDestroy(&f->lock);
        g_free(f);
        return -1;
    }
    f->dir = g_strdup(driver->cfg->configDir);
    if (!(f->thread = g_thread_try_new("vxl-cfgflush", vxlConfigFlusherRun,
                                       f, NULL))) {
        /* Without the thread every write is flushed on its own. */
        VIR_WARN("no flusher thread: definitions are flushed one by one");
    }
    flusher = f;
    return 0;
}

void
vxlDomainConfigFlusherStop(void)
{
    vxlConfigFlusher *f = flusher;

    if (!f)
        return;
    if (f->thread) {
        VIR_WITH_MUTEX_LOCK_GUARD(&f->lock) {
            f->stop = true;
            virCondSignal(&f->cond);
        }
        g_thread_join(f->thread);
    }
    flusher = NULL;
    virCondDestroy(&f->cond);
    virCondDestroy(&f->flushedCond);
    virMutexDestroy(&f->lock);
    g_free(f->dir);
    g_free(f);
}

/* A write is in the kernel: have it flushed with the next batch. */
static void
vxlConfigWritten(const char *dir)
{
    vxlConfigFlusher *f = flusher;

    if (!f || !f->thread) {
        vxlConfigSyncDir(dir);
        return;
    }
    VIR_WITH_MUTEX_LOCK_GUARD(&f->lock) {
        f->written++;
        virCondSignal(&f->cond);
    }
}

void
vxlDomainConfigFlushWait(void)
{
    vxlConfigFlusher *f = flusher;

    if (!f || !f->thread)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&f->lock) {
        unsigned long long want = f->written;

        while (f->flushed < want)
            ignore_value(virCondWait(&f->flushedCond, &f->lock));
    }
}

static int
vxlConfigWriteAll(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        text += n;
        len -= n;
    }
    return 0;
}

int
vxlDomainConfigSave(vxlDriver *driver, virDomainDef *def)
{
    const char *dir = driver->cfg->configDir;
    g_autofree char *xml = NULL;
    g_autofree char *text = NULL;
    g_autofree char *path = NULL;
    g_autofree char *tmp = NULL;
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    VIR_AUTOCLOSE fd = -1;

    if (!(xml = virDomainDefFormat(def, driver->xmlopt,
                                   VIR_DOMAIN_DEF_FORMAT_SECURE)))
        return -1;
    if (g_mkdir_with_parents(dir, 0777) < 0) {
        virReportSystemError(errno, _("cannot create the config directory %s"),
                             dir);
        return -1;
    }
    virUUIDFormat(def->uuid, uuidstr);
    /* The header libvirt's files carry, in words of our own: the name in
     * it only if a shell and an XML comment take it as it is. */
    text = g_strdup_printf("<!--\n"
                           "Written by libvirt; changes made here are lost when it writes this\n"
                           "definition again. Change it with:\n"
                           "  virsh edit %s\n"
                           "or another libvirt client.\n"
                           "-->\n\n%s",
                           virXMLPickShellSafeComment(def->name, uuidstr), xml);

    path = virDomainConfigFile(dir, def->name);
    tmp = g_strdup_printf("%s.new", path);
    if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
        virReportSystemError(errno, _("cannot create the file %s"), tmp);
        return -1;
    }
    if (vxlConfigWriteAll(fd, text, strlen(text)) < 0) {
        virReportSystemError(errno, _("cannot write the definition of domain '%s' to %s"),
                             def->name, tmp);
        goto error;
    }
    if (VIR_CLOSE(fd) < 0) {
        virReportSystemError(errno, _("cannot write the definition of domain '%s' to %s"),
                             def->name, tmp);
        goto error;
    }
    if (rename(tmp, path) < 0) {
        virReportSystemError(errno, _("cannot rename %s to %s"), tmp, path);
        goto error;
    }
    vxlConfigWritten(dir);
    return 0;

 error:
    unlink(tmp);
    return -1;
}

int
vxlDomainConfigDelete(vxlDriver *driver, virDomainObj *vm)
{
    if (virDomainDeleteConfig(driver->cfg->configDir, driver->cfg->autostartDir,
                              vm) < 0)
        return -1;
    vxlConfigWritten(driver->cfg->configDir);
    return 0;
}
