/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_config.c: writing persistent definitions, flushed in batches.
 *
 * A definition is written as libvirt writes one (NAME.xml.new, then
 * renamed over NAME.xml, so a reader or a crash sees the old file or
 * the new one, whole), but the call returns once the rename is done:
 * from then on the definition survives any end of libvirtd (kill -9
 * included), since the kernel holds it. What a power cut could still
 * take is made durable by one flusher thread, which syncs every
 * definition written (and the directory) since its last batch together:
 * one journal commit and device flush per batch instead of one per
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

/* A batch collects what is written meanwhile: calls in this window
 * share one flush at no cost to any of them. It bounds what a power cut
 * can take: the definitions of the last few tens of milliseconds. */
#define VXL_CONFIG_FLUSH_GATHER_US (20 * 1000)

typedef struct _vxlConfigFlusher {
    virMutex lock;
    virCond cond;                  /* a write is pending, or stop */
    virCond flushedCond;           /* a flush finished */
    GThread *thread;
    GHashTable *files;             /* files written since the last batch (a set) */
    GHashTable *trash;             /* undefined definitions to remove (a set) */
    GPtrArray *dirs;               /* directories changed (renames, unlinks) */
    unsigned long long written;    /* writes so far */
    unsigned long long flushed;    /* writes known flushed */
    bool stop;
} vxlConfigFlusher;

static vxlConfigFlusher *flusher;

static void
vxlConfigSyncFd(int fd, const char *path)
{
    if (fd >= 0 && fsync(fd) < 0)
        VIR_WARN("cannot flush %s to disk: %s", path, g_strerror(errno));
}

/* Flush @files, then @dirs (so a name on the disk never points at data
 * that is not). The writeback of every file is started first and waited
 * for after: the file system then allocates and commits them together,
 * rather than one journal commit per file. Only what the driver wrote is
 * synced, never the rest of the file system. A file gone since (renamed
 * over, undefined) needs nothing: what replaced it is in the batch too. */
static void
vxlConfigSyncBatch(GHashTable *files, GHashTable *trash, GPtrArray *dirs)
{
    GHashTableIter iter;
    gpointer key;
    guint nfiles = 0;
    g_autofree const char **paths = (const char **)g_hash_table_get_keys_as_array(files, &nfiles);
    g_autofree int *fds = g_new0(int, nfiles + 1);
    size_t i;

    g_hash_table_iter_init(&iter, trash);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (unlink(key) < 0 && errno != ENOENT)
            VIR_WARN("cannot remove %s: %s", (const char *)key, g_strerror(errno));
    }
    for (i = 0; i < nfiles; i++) {
        fds[i] = open(paths[i], O_RDONLY | O_CLOEXEC);
        if (fds[i] >= 0)
            ignore_value(sync_file_range(fds[i], 0, 0, SYNC_FILE_RANGE_WRITE));
    }
    for (i = 0; i < nfiles; i++) {
        vxlConfigSyncFd(fds[i], paths[i]);
        VIR_FORCE_CLOSE(fds[i]);
    }
    for (i = 0; i < dirs->len; i++) {
        const char *dir = g_ptr_array_index(dirs, i);
        VIR_AUTOCLOSE fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        vxlConfigSyncFd(fd, dir);
    }
}

static gpointer
vxlConfigFlusherRun(gpointer opaque)
{
    vxlConfigFlusher *f = opaque;

    virMutexLock(&f->lock);
    for (;;) {
        g_autoptr(GHashTable) files = NULL;
        g_autoptr(GHashTable) trash = NULL;
        g_autoptr(GPtrArray) dirs = NULL;
        unsigned long long upto;

        while (!f->stop && f->flushed == f->written)
            ignore_value(virCondWait(&f->cond, &f->lock));
        if (f->flushed == f->written)
            break;
        if (!f->stop) {
            virMutexUnlock(&f->lock);
            g_usleep(VXL_CONFIG_FLUSH_GATHER_US);
            virMutexLock(&f->lock);
        }
        upto = f->written;
        files = g_steal_pointer(&f->files);
        trash = g_steal_pointer(&f->trash);
        dirs = g_steal_pointer(&f->dirs);
        f->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        f->trash = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        f->dirs = g_ptr_array_new_with_free_func(g_free);
        virMutexUnlock(&f->lock);

        vxlConfigSyncBatch(files, trash, dirs);

        virMutexLock(&f->lock);
        f->flushed = upto;
        virCondBroadcast(&f->flushedCond);
    }
    virMutexUnlock(&f->lock);
    return NULL;
}

static bool
vxlConfigHasString(GPtrArray *array, const char *str)
{
    size_t i;

    for (i = 0; i < array->len; i++) {
        if (STREQ(g_ptr_array_index(array, i), str))
            return true;
    }
    return false;
}

int
vxlDomainConfigFlusherStart(vxlDriver *driver)
{
    vxlConfigFlusher *f = g_new0(vxlConfigFlusher, 1);

    if (virMutexInit(&f->lock) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot initialize the flusher of domain definitions"));
        g_free(f);
        return -1;
    }
    if (virCondInit(&f->cond) < 0 || virCondInit(&f->flushedCond) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot initialize the flusher of domain definitions"));
        virMutexDestroy(&f->lock);
        g_free(f);
        return -1;
    }
    f->files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    f->trash = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    f->dirs = g_ptr_array_new_with_free_func(g_free);
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
    g_hash_table_unref(f->files);
    g_hash_table_unref(f->trash);
    g_ptr_array_free(f->dirs, TRUE);
    g_free(f);
}

/* A write is in the kernel: have it flushed with the next batch. @file:
 * the file written, or NULL; @trash: a file to remove, or NULL; @dirs:
 * the directories whose entries it changed, NULL-terminated. */
static void
vxlConfigWritten(const char *file, const char *trash, const char *const *dirs)
{
    vxlConfigFlusher *f = flusher;
    size_t i;

    if (!f || !f->thread) {
        g_autoptr(GHashTable) files = g_hash_table_new(g_str_hash, g_str_equal);
        g_autoptr(GHashTable) trashed = g_hash_table_new(g_str_hash, g_str_equal);
        g_autoptr(GPtrArray) dirlist = g_ptr_array_new();

        if (file)
            g_hash_table_add(files, (char *)file);
        if (trash)
            g_hash_table_add(trashed, (char *)trash);
        for (i = 0; dirs[i]; i++)
            g_ptr_array_add(dirlist, (char *)dirs[i]);
        vxlConfigSyncBatch(files, trashed, dirlist);
        return;
    }
    VIR_WITH_MUTEX_LOCK_GUARD(&f->lock) {
        /* A domain defined again and again within one batch is flushed
         * once. */
        if (file && !g_hash_table_contains(f->files, file))
            g_hash_table_add(f->files, g_strdup(file));
        if (trash && !g_hash_table_contains(f->trash, trash))
            g_hash_table_add(f->trash, g_strdup(trash));
        for (i = 0; dirs[i]; i++) {
            if (!vxlConfigHasString(f->dirs, dirs[i]))
                g_ptr_array_add(f->dirs, g_strdup(dirs[i]));
        }
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
    {
        const char *dirs[] = { dir, NULL };

        vxlConfigWritten(path, NULL, dirs);
    }
    return 0;

 error:
    unlink(tmp);
    return -1;
}

int
vxlDomainConfigDelete(vxlDriver *driver, virDomainObj *vm)
{
    vxlDriverConfig *cfg = driver->cfg;
    const char *dirs[] = { cfg->configDir, cfg->autostartDir, NULL };
    g_autofree char *path = virDomainConfigFile(cfg->configDir, vm->def->name);
    g_autofree char *link = virDomainConfigFile(cfg->autostartDir, vm->def->name);
    g_autofree char *gone = g_strdup_printf("%s%s", path, VXL_CONFIG_GONE_SUFFIX);

    /* The autostart link first: a failure there leaves the definition.
     * Then the definition is renamed aside, out of the loader's sight,
     * and the flusher removes it: freeing the file's inode is most of
     * what an unlink costs on a journalled file system, and nobody needs
     * to wait for that. A daemon killed in between leaves the renamed
     * file, which the next start removes (domain_load.c). */
    if (unlink(link) < 0 && errno != ENOENT && errno != ENOTDIR) {
        virReportSystemError(errno, _("cannot remove the autostart link %s"), link);
        return -1;
    }
    if (rename(path, gone) < 0) {
        if (errno != ENOENT) {
            virReportSystemError(errno, _("cannot remove the definition %s"), path);
            return -1;
        }
        g_clear_pointer(&gone, g_free);
    }
    vxlConfigWritten(NULL, gone, dirs);
    return 0;
}
