/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_load.c: the persistent definitions, read at daemon start-up.
 *
 * libvirt's parser is the cost of a restart: with 10,000 defined domains
 * it is most of it. A shut-off domain is therefore listed from its name
 * and UUID alone, its definition parsed after the start
 * (domain_def_pending.c); a definition of a domain already running (found
 * by its status file) is parsed now, as it becomes that domain's next
 * definition, and so is any file the quick read does not recognise. The
 * files are independent, so a few threads read them at once (a parse only
 * reads the shared virDomainXMLOption, as concurrent defines do); they are
 * then entered into the domain list one by one, in directory order, as
 * libvirt's own loader (virDomainObjListLoadAllConfigs) would.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "util_cputime.h"
#include "viralloc.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_load");

/* Below this many files a thread costs more than it saves. */
#define VXL_DOMAIN_LOAD_PARALLEL_MIN 64
#define VXL_DOMAIN_LOAD_MAX_THREADS 8

typedef struct _vxlDomainLoadItem {
    char *name;                    /* the file's name without ".xml" */
    virDomainDef *def;             /* parsed; NULL if it failed */
    char *error;                   /* why it failed */
    bool empty;                    /* an empty file: a write a power cut
                                      took before its flush */
    bool running;                  /* the domain runs (a status file) */
} vxlDomainLoadItem;

typedef struct _vxlDomainLoadWork {
    vxlDriver *driver;
    const char *configDir;
    virDomainXMLOption *xmlopt;
    vxlDomainLoadItem *items;
    size_t nitems;
    gint next;                     /* next item to parse; atomic */
    gssize cpuUs;                  /* the parser threads' CPU; atomic */
} vxlDomainLoadWork;

static void
vxlDomainLoadParseOne(vxlDomainLoadWork *work, vxlDomainLoadItem *item)
{
    g_autofree char *path = virDomainConfigFile(work->configDir, item->name);
    struct stat sb;

    /* Definitions are flushed in batches (domain_config.c): a power cut
     * before the flush can leave a new definition's name with no
     * content. That define never reached the disk; its file goes. */
    if (!item->running) {
        if ((item->def = vxlDomainDefPendingRead(work->driver, path, item->name,
                                                 &item->empty)) ||
            item->empty)
            return;
    } else if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0) {
        item->empty = true;
        return;
    }
    /* The flags of libvirt's loader: a definition that was accepted once
     * is loaded even if today's checks would refuse it. */
    item->def = virDomainDefParseFile(path, work->xmlopt, NULL,
                                      VIR_DOMAIN_DEF_PARSE_INACTIVE |
                                      VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE |
                                      VIR_DOMAIN_DEF_PARSE_ALLOW_POST_PARSE_FAIL);
    if (!item->def) {
        item->error = g_strdup(virGetLastErrorMessage());
        virResetLastError();
    }
}

static gpointer
vxlDomainLoadWorker(gpointer opaque)
{
    vxlDomainLoadWork *work = opaque;
    long long cpu0 = vxlThreadCPUTimeUs();
    gint i;

    while ((i = g_atomic_int_add(&work->next, 1)) < (gint)work->nitems)
        vxlDomainLoadParseOne(work, &work->items[i]);
    g_atomic_pointer_add(&work->cpuUs, vxlThreadCPUTimeUs() - cpu0);
    return NULL;
}

/* Enter one parsed definition into the list, as a persistent domain.
 * @autostartNames: the names in the autostart directory; the link of a
 * domain not there need not be looked at. */
static void
vxlDomainLoadAdd(vxlDriver *driver, vxlDomainLoadItem *item,
                 GHashTable *autostartNames)
{
    vxlDriverConfig *cfg = driver->cfg;
    g_autofree char *configFile = virDomainConfigFile(cfg->configDir, item->name);
    g_autofree char *autostartLink = virDomainConfigFile(cfg->autostartDir, item->name);
    g_autoptr(virDomainDef) oldDef = NULL;
    virDomainObj *vm;
    int autostart;

    if (!g_hash_table_contains(autostartNames, item->name))
        autostart = 0;
    else if ((autostart = virFileLinkPointsTo(autostartLink, configFile)) < 0)
        goto error;
    if (!(vm = virDomainObjListAdd(driver->domains, &item->def, driver->xmlopt,
                                   0, &oldDef)))
        goto error;
    vm->autostart = autostart;
    vm->persistent = 1;
    virDomainObjEndAPI(&vm);
    return;

 error:
    VIR_ERROR(_("cannot load the definition of domain '%s': %s"),
              item->name, virGetLastErrorMessage());
    virResetLastError();
}

int
vxlDomainLoadConfigs(vxlDriver *driver)
{
    vxlDriverConfig *cfg = driver->cfg;
    vxlDomainLoadWork work = { .driver = driver, .configDir = cfg->configDir,
                               .xmlopt = driver->xmlopt };
    g_autoptr(DIR) dir = NULL;
    g_autoptr(GPtrArray) threads = g_ptr_array_new();
    g_autoptr(GHashTable) autostartNames = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                                 g_free, NULL);
    g_autoptr(DIR) autostartDir = NULL;
    struct dirent *ent;
    virDomainObj *vm;
    size_t nthreads;
    size_t i;
    size_t npending = 0;
    gint64 t0;
    int rc;

    if ((rc = virDirOpenIfExists(&dir, cfg->configDir)) <= 0)
        return rc;
    while ((rc = virDirRead(dir, &ent, cfg->configDir)) > 0) {
        vxlDomainLoadItem item = { 0 };
        g_autofree char *name = g_strdup(ent->d_name);

        /* An undefine's definition, renamed aside, that the flusher had
         * not removed yet (domain_config.c): that undefine happened. */
        if (g_str_has_suffix(name, ".xml" VXL_CONFIG_GONE_SUFFIX)) {
            g_autofree char *gone = g_strdup_printf("%s/%s", cfg->configDir, name);

            if (unlink(gone) < 0)
                VIR_WARN("cannot remove %s: %s", gone, g_strerror(errno));
            continue;
        }
        if (!virStringStripSuffix(name, ".xml"))
            continue;
        if ((vm = virDomainObjListFindByName(driver->domains, name))) {
            item.running = true;
            virDomainObjEndAPI(&vm);
        }
        item.name = g_steal_pointer(&name);
        VIR_APPEND_ELEMENT(work.items, work.nitems, item);
    }
    if (rc < 0)
        goto cleanup;

    nthreads = work.nitems < VXL_DOMAIN_LOAD_PARALLEL_MIN ? 1 :
               MIN(g_get_num_processors(), VXL_DOMAIN_LOAD_MAX_THREADS);
    VIR_INFO("loading %zu domain definitions from %s with %zu threads",
             work.nitems, cfg->configDir, nthreads);
    t0 = g_get_monotonic_time();
    for (i = 1; i < nthreads; i++) {
        GThread *t = g_thread_try_new("vxl-load", vxlDomainLoadWorker, &work, NULL);

        if (t)
            g_ptr_array_add(threads, t);
    }
    vxlDomainLoadWorker(&work);
    for (i = 0; i < threads->len; i++)
        g_thread_join(g_ptr_array_index(threads, i));
    /* scripts/bench reads this line: the parser's share of a restart. */
    for (i = 0; i < work.nitems; i++) {
        if (vxlDomainDefIsPending(work.items[i].def))
            npending++;
    }
    VIR_INFO("parsed %zu domain definitions in %lld us, parser CPU %lld us on %u threads; %zu of them listed for parsing after the start",
             work.nitems, (long long)(g_get_monotonic_time() - t0),
             (long long)work.cpuUs, threads->len + 1, npending);

    /* One listing of the autostart directory, not a look at a link for
     * every domain (most have none). */
    if (virDirOpenIfExists(&autostartDir, cfg->autostartDir) > 0) {
        while (virDirRead(autostartDir, &ent, cfg->autostartDir) > 0) {
            g_autofree char *name = g_strdup(ent->d_name);

            if (virStringStripSuffix(name, ".xml"))
                g_hash_table_add(autostartNames, g_steal_pointer(&name));
        }
    }
    virResetLastError();

    for (i = 0; i < work.nitems; i++) {
        vxlDomainLoadItem *item = &work.items[i];

        if (item->empty) {
            g_autofree char *path = virDomainConfigFile(cfg->configDir, item->name);

            VIR_WARN("removing the empty definition %s, left by a write that never reached the disk",
                     path);
            if (unlink(path) < 0)
                VIR_WARN("cannot remove %s: %s", path, g_strerror(errno));
            continue;
        }
        if (!item->def) {
            VIR_ERROR(_("cannot load the definition of domain '%s': %s"),
                      item->name, NULLSTR(item->error));
            continue;
        }
        vxlDomainLoadAdd(driver, item, autostartNames);
    }
    rc = 0;

 cleanup:
    for (i = 0; i < work.nitems; i++) {
        g_free(work.items[i].name);
        g_free(work.items[i].error);
        virDomainDefFree(work.items[i].def);
    }
    g_free(work.items);
    return rc;
}
