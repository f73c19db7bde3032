/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_def_pending.c: persistent definitions listed at daemon start
 * before libvirt's parser has read them.
 *
 * libvirt's XML parser is most of a restart's cost (with 10,000 defined
 * domains, seconds of CPU). Listing a domain needs only its name and UUID,
 * and those sit at the top of every definition libvirt writes. So the
 * start-up lists a shut-off domain from those two alone (a "pending"
 * definition: no devices, nothing else) and answers as soon as every
 * domain is listed; a loader thread then parses the definitions behind
 * it, and whatever needs a domain's definition before the loader got
 * there (finding a domain for a call, a define or restore over it, the
 * statistics, autostart) parses that one first (vxlDomainDefEnsure).
 *
 * A pending definition is marked by a virtualisation type no parse can
 * give (VIR_DOMAIN_VIRT_LAST), so the mark goes wherever the definition
 * goes. A file the quick read does not recognise is parsed in full at
 * start-up, as before; one that fails to parse later is dropped from the
 * list with the error libvirt's loader would have logged.
 */
#include "vxl_internal.h"

#include <sys/resource.h>
#include <unistd.h>

#include "domain.h"
#include "viralloc.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_def_pending");

/* The loader's threads yield to the threads serving calls: its work is
 * what no caller has asked for yet. */
#define VXL_DEF_LOADER_NICE 10

/* Definitions libvirt wrote are a few KiB; anything far larger is read
 * by the parser at start-up. */
#define VXL_DEF_INDEX_MAX_BYTES (256 * 1024)

/* The flags of libvirt's loader: a definition that was accepted once is
 * loaded even if today's checks would refuse it. */
#define VXL_DEF_LOAD_FLAGS (VIR_DOMAIN_DEF_PARSE_INACTIVE | \
                            VIR_DOMAIN_DEF_PARSE_SKIP_VALIDATE | \
                            VIR_DOMAIN_DEF_PARSE_ALLOW_POST_PARSE_FAIL)

bool
vxlDomainDefIsPending(const virDomainDef *def)
{
    return def && def->virtType == VIR_DOMAIN_VIRT_LAST;
}

/* The text between @open and its closing tag, if @p (after blanks) starts
 * with @open; NULL otherwise. *@end is set past the closing tag. */
static char *
vxlDefIndexElement(const char *p, const char *open, const char *close,
                   const char **end)
{
    const char *stop;

    while (g_ascii_isspace(*p))
        p++;
    if (!g_str_has_prefix(p, open))
        return NULL;
    p += strlen(open);
    if (!(stop = strstr(p, close)))
        return NULL;
    *end = stop + strlen(close);
    return g_strndup(p, stop - p);
}

/*
 * The name and UUID of the definition in @path, read from its first two
 * elements as libvirt writes them (<domain ...>, <name>, <uuid>). Returns
 * false for anything else (a name with markup escapes, another order, a
 * file too large): the caller then parses the file in full. Sets *@empty
 * for an empty file.
 */
static bool
vxlDefIndexRead(const char *path, const char *expectName,
                unsigned char *uuid, bool *empty)
{
    g_autofree char *text = NULL;
    g_autofree char *name = NULL;
    g_autofree char *uuidstr = NULL;
    const char *p;
    int len;

    if ((len = virFileReadAllQuiet(path, VXL_DEF_INDEX_MAX_BYTES, &text)) < 0)
        return false;
    if (len == 0) {
        *empty = true;
        return false;
    }
    /* Past the comment libvirt writes first, the root element. */
    if (!(p = strstr(text, "<domain ")) || !(p = strchr(p, '>')))
        return false;
    p++;
    if (!(name = vxlDefIndexElement(p, "<name>", "</name>", &p)) ||
        STRNEQ(name, expectName) || strpbrk(name, "&<>"))
        return false;
    if (!(uuidstr = vxlDefIndexElement(p, "<uuid>", "</uuid>", &p)) ||
        virUUIDParse(uuidstr, uuid) < 0)
        return false;
    return true;
}

virDomainDef *
vxlDomainDefPendingRead(vxlDriver *driver, const char *path, const char *name,
                        bool *empty)
{
    unsigned char uuid[VIR_UUID_BUFLEN];
    virDomainDef *def;

    *empty = false;
    if (!vxlDefIndexRead(path, name, uuid, empty))
        return NULL;
    if (!(def = virDomainDefNew(driver->xmlopt)))
        return NULL;
    def->virtType = VIR_DOMAIN_VIRT_LAST;
    def->id = -1;
    def->name = g_strdup(name);
    memcpy(def->uuid, uuid, VIR_UUID_BUFLEN);
    return def;
}

/* Parse the definition that @pending (name and UUID) stands for, from
 * its file. On failure, an error naming the domain is reported. */
static virDomainDef *
vxlDomainDefPendingParse(vxlDriver *driver, const char *name,
                         const unsigned char *uuid)
{
    g_autofree char *path = virDomainConfigFile(driver->cfg->configDir, name);
    g_autoptr(virDomainDef) def = NULL;
    g_autofree char *why = NULL;

    if ((def = virDomainDefParseFile(path, driver->xmlopt, NULL, VXL_DEF_LOAD_FLAGS))) {
        if (STREQ(def->name, name) && memcmp(def->uuid, uuid, VIR_UUID_BUFLEN) == 0)
            return g_steal_pointer(&def);
        virReportError(VIR_ERR_XML_ERROR,
                       _("the definition in '%s' no longer names domain '%s' with the UUID it had at start-up"),
                       path, name);
    }
    why = g_strdup(virGetLastErrorMessage());
    virReportError(VIR_ERR_XML_ERROR,
                   _("cannot load the definition of domain '%s': %s"), name, why);
    return NULL;
}

int
vxlDomainDefEnsure(vxlDriver *driver, virDomainObj *vm)
{
    virDomainDef *def;

    if (!vxlDomainDefIsPending(vm->def))
        return 0;
    if (!(def = vxlDomainDefPendingParse(driver, vm->def->name, vm->def->uuid)))
        return -1;
    virDomainDefFree(vm->def);
    vm->def = def;
    return 0;
}

/*
 * virDomainObjListAdd, after the pending definition of any domain that
 * @def's name or UUID finds has been parsed: libvirt's list compares and
 * swaps definitions there (a define over a defined domain, a restore, an
 * incoming migration), and the one it hands back must be a real one.
 */
virDomainObj *
vxlDomainListAdd(vxlDriver *driver, virDomainDef **def, unsigned int flags,
                 virDomainDef **oldDef)
{
    virDomainObj *found;

    if ((found = virDomainObjListFindByUUID(driver->domains, (*def)->uuid))) {
        int rc = vxlDomainDefEnsure(driver, found);

        virDomainObjEndAPI(&found);
        if (rc < 0)
            return NULL;
    }
    if ((found = virDomainObjListFindByName(driver->domains, (*def)->name))) {
        int rc = vxlDomainDefEnsure(driver, found);

        virDomainObjEndAPI(&found);
        if (rc < 0)
            return NULL;
    }
    return virDomainObjListAdd(driver->domains, def, driver->xmlopt, flags, oldDef);
}

/* ----- the loader thread ------------------------------------------------ */

typedef struct _vxlDefLoader {
    vxlDriver *driver;
    virDomainObj **vms;
    size_t nvms;
    gint next;                     /* next domain to look at; atomic */
    gint quit;                     /* the daemon is going down; atomic */
    GPtrArray *threads;
} vxlDefLoader;

static vxlDefLoader *vxlDefLoaderRunning;

static gpointer
vxlDefLoaderWorker(gpointer opaque)
{
    vxlDefLoader *loader = opaque;
    vxlDriver *driver = loader->driver;
    gint i;

    /* Linux: a thread's own nice value (a thread is a task there). */
    if (setpriority(PRIO_PROCESS, gettid(), VXL_DEF_LOADER_NICE) < 0)
        VIR_DEBUG("cannot lower the loader thread's priority: %s", g_strerror(errno));

    while (!g_atomic_int_get(&loader->quit) &&
           (i = g_atomic_int_add(&loader->next, 1)) < (gint)loader->nvms) {
        virDomainObj *vm = loader->vms[i];
        virDomainDef *pending;
        g_autofree char *name = NULL;
        unsigned char uuid[VIR_UUID_BUFLEN];
        g_autoptr(virDomainDef) def = NULL;

        /* The parse runs without the domain's lock, so a call on it never
         * waits for this low-priority thread; what the parse gives is
         * used only if nothing replaced the pending definition meanwhile
         * (a call's own parse, a define, an undefine). */
        VIR_WITH_OBJECT_LOCK_GUARD(vm) {
            pending = vm->removing ? NULL : vm->def;
            if (vxlDomainDefIsPending(pending)) {
                name = g_strdup(pending->name);
                memcpy(uuid, pending->uuid, VIR_UUID_BUFLEN);
            }
        }
        if (!name)
            continue;
        def = vxlDomainDefPendingParse(driver, name, uuid);
        virObjectLock(vm);
        /* Pending and the same: no pending definition is made after the
         * start, so this is the one the parse stands for. */
        if (!vm->removing && vm->def == pending && vxlDomainDefIsPending(vm->def)) {
            if (def) {
                virDomainDefFree(vm->def);
                vm->def = g_steal_pointer(&def);
            } else {
                /* What libvirt's loader does with a definition it cannot
                 * parse: log it, and the domain is not there. */
                VIR_ERROR("%s", virGetLastErrorMessage());
                virDomainObjListRemove(driver->domains, vm);
            }
        }
        virObjectUnlock(vm);
        virResetLastError();
    }
    return NULL;
}

/* Parse every pending definition behind the daemon's start, on a few
 * threads; each domain locked while its definition is parsed. */
void
vxlDomainDefLoaderStart(vxlDriver *driver)
{
    vxlDefLoader *loader;
    size_t nthreads;
    size_t i;

    if (vxlDefLoaderRunning)
        return;
#ifdef VXL_TEST_HOOKS
    /* Tests: every pending definition left to the call that needs it. */
    if (getenv("VIRTXL_TEST_NO_DEF_LOADER"))
        return;
#endif
    loader = g_new0(vxlDefLoader, 1);
    loader->driver = driver;
    loader->threads = g_ptr_array_new();
    virDomainObjListCollect(driver->domains, NULL, &loader->vms, &loader->nvms, NULL, 0);
    nthreads = MAX(1, MIN(g_get_num_processors(), 8));
    for (i = 0; i < nthreads; i++) {
        GThread *t = g_thread_try_new("vxl-defload", vxlDefLoaderWorker, loader, NULL);

        if (t)
            g_ptr_array_add(loader->threads, t);
    }
    vxlDefLoaderRunning = loader;
}

/* The daemon is going down: the loader stops after the domains it is
 * parsing (the rest stay pending; nothing is lost, the files are there). */
void
vxlDomainDefLoaderStop(void)
{
    vxlDefLoader *loader = g_steal_pointer(&vxlDefLoaderRunning);
    size_t i;

    if (!loader)
        return;
    g_atomic_int_set(&loader->quit, 1);
    for (i = 0; i < loader->threads->len; i++)
        g_thread_join(g_ptr_array_index(loader->threads, i));
    g_ptr_array_free(loader->threads, TRUE);
    virObjectListFreeCount(loader->vms, loader->nvms);
    g_free(loader);
}
