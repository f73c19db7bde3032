/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * host_profile.c: host profiles, a machine described as a file: the
 * simulator runs on one, and the offline tool and tests/caps probe them.
 *
 * A profile is a JSON object (docs/host-profiles.md) whose fields map onto
 * vxlHostFacts. The loader is strict: an unknown key, a wrong type, a value
 * out of range or facts that contradict each other (NUMA nodes that do not
 * add up to the host's memory, a CPU in two nodes) are refused, naming the
 * file and the field, so that a typo in a profile cannot silently become a
 * different host.
 *
 * Every problem with a profile is VIR_ERR_CONF_SYNTAX: a profile is a
 * configuration file and the problem is in its content, like a bad key in
 * libxl.conf. VIR_ERR_CONFIG_UNSUPPORTED is kept for what backend.h gives
 * it, a domain configuration the host cannot run, so that "this host has
 * no HVM" and "this profile is broken" never look alike. Only a file that
 * exists but cannot be read is a system error.
 */
#include "vxl_internal.h"

#include <yajl/yajl_parse.h>

#include "host_profile.h"
#include "virjson.h"
#include "virarch.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.host_profile");

#define VXL_HOST_PROFILE_FORMAT 1
#define VXL_HOST_PROFILE_MAX_SIZE (1024 * 1024)
#ifdef VXL_TEST_HOOKS
# define VXL_HOST_PROFILE_ENV "VIRTXL_PROFILE_DIR"
#endif

/* ----- resolving a profile name --------------------------------------- */

/*
 * The directories a bare profile name is looked up in: the installed
 * data directory. A test build also looks, first, in the environment's
 * directory (a test's own profiles) and in the source checkout it was
 * built from (tests run the build tree uninstalled); a shipped module
 * reads nothing from libvirtd's environment and knows no source tree.
 */
static GStrv
vxlHostProfileDirs(void)
{
    g_autoptr(GPtrArray) dirs = g_ptr_array_new();
#ifdef VXL_TEST_HOOKS
    const char *env = getenv(VXL_HOST_PROFILE_ENV);

    if (env && *env)
        g_ptr_array_add(dirs, g_strdup(env));
    g_ptr_array_add(dirs, g_strdup(VXL_SOURCE_DIR "/capabilities"));
#endif
    g_ptr_array_add(dirs, g_strdup(VXL_DATADIR "/capabilities"));
    g_ptr_array_add(dirs, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&dirs), FALSE);
}

/*
 * @spec is what the configuration says (sim_profile in libxl.conf): a path
 * to a .json file, or the bare name of a shipped profile. Returns the path
 * to load, or NULL with an error naming every place that was tried.
 */
char *
vxlHostProfileResolve(const char *spec)
{
    g_auto(GStrv) dirs = NULL;
    g_autofree char *tried = NULL;
    size_t i;

    if (!spec || !*spec)
        spec = VXL_SIM_DEFAULT_PROFILE;

    if (strchr(spec, '/') || g_str_has_suffix(spec, ".json")) {
        if (!virFileExists(spec)) {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("simulator host profile '%s' does not exist"),
                           spec);
            return NULL;
        }
        return g_strdup(spec);
    }

    dirs = vxlHostProfileDirs();
    for (i = 0; dirs[i]; i++) {
        g_autofree char *path = g_strdup_printf("%s/%s.json", dirs[i], spec);

        if (virFileExists(path))
            return g_steal_pointer(&path);
    }

    tried = g_strjoinv(", ", dirs);
    virReportError(VIR_ERR_CONF_SYNTAX,
                   _("simulator host profile '%s' not found: there is no %s.json in %s (give a path to a .json file instead)"),
                   spec, spec, tried);
    return NULL;
}

/* ----- field access with errors that name the field -------------------- */

typedef struct _vxlHostProfileParser {
    const char *file;
} vxlHostProfileParser;

static int G_GNUC_PRINTF(3, 4)
vxlHostProfileFail(vxlHostProfileParser *pp, const char *field,
                  const char *fmt, ...)
{
    va_list ap;
    g_autofree char *why = NULL;

    va_start(ap, fmt);
    why = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    virReportError(VIR_ERR_CONF_SYNTAX,
                   _("simulator host profile '%s': field '%s': %s"),
                   pp->file, field, why);
    return -1;
}

static char *
vxlHostProfileField(const char *parent, const char *key)
{
    if (!parent || !*parent)
        return g_strdup(key);
    return g_strdup_printf("%s.%s", parent, key);
}

static const char *
vxlHostProfileJSONTypeName(virJSONValue *val)
{
    switch (virJSONValueGetType(val)) {
    case VIR_JSON_TYPE_OBJECT: return "an object";
    case VIR_JSON_TYPE_ARRAY: return "an array";
    case VIR_JSON_TYPE_STRING: return "a string";
    case VIR_JSON_TYPE_NUMBER: return "a number";
    case VIR_JSON_TYPE_BOOLEAN: return "a boolean";
    case VIR_JSON_TYPE_NULL: return "null";
    }
    return "unknown";
}

/* Refuse keys the format does not know: a misspelt key would otherwise be
 * ignored and its field silently take a default or be reported missing. */
static int
vxlHostProfileCheckKeys(vxlHostProfileParser *pp, virJSONValue *obj,
                       const char *path, const char *const *known)
{
    int n = virJSONValueObjectKeysNumber(obj);
    int i;

    for (i = 0; i < n; i++) {
        const char *key = virJSONValueObjectGetKey(obj, i);

        if (!g_strv_contains(known, key)) {
            g_autofree char *field = vxlHostProfileField(path, key);
            g_autofree char *list = g_strjoinv(", ", (char **)known);
            return vxlHostProfileFail(pp, field,
                                     _("unknown field (known here: %s)"), list);
        }
    }
    return 0;
}

/* Returns 1 and sets @val when present, 0 when absent and optional, -1
 * with an error when absent and required or of another type. */
static int
vxlHostProfileGet(vxlHostProfileParser *pp, virJSONValue *obj,
                 const char *path, const char *key, virJSONType type,
                 bool required, virJSONValue **val)
{
    g_autofree char *field = vxlHostProfileField(path, key);
    virJSONValue *v = virJSONValueObjectGet(obj, key);

    *val = NULL;
    if (!v) {
        if (required) {
            virReportError(VIR_ERR_CONF_SYNTAX,
                           _("simulator host profile '%s': field '%s': missing, and the profile needs it"),
                           pp->file, field);
            return -1;
        }
        return 0;
    }
    if (virJSONValueGetType(v) != type) {
        /* One sentence per wanted type; what was found is a JSON type
         * name, the same in every language. */
        const char *found = vxlHostProfileJSONTypeName(v);

        switch (type) {
        case VIR_JSON_TYPE_OBJECT:
            return vxlHostProfileFail(pp, field, _("must be an object, not %s"), found);
        case VIR_JSON_TYPE_ARRAY:
            return vxlHostProfileFail(pp, field, _("must be an array, not %s"), found);
        case VIR_JSON_TYPE_STRING:
            return vxlHostProfileFail(pp, field, _("must be a string, not %s"), found);
        case VIR_JSON_TYPE_NUMBER:
            return vxlHostProfileFail(pp, field, _("must be a number, not %s"), found);
        case VIR_JSON_TYPE_BOOLEAN:
            return vxlHostProfileFail(pp, field, _("must be true or false, not %s"), found);
        case VIR_JSON_TYPE_NULL:
            break;
        }
        return vxlHostProfileFail(pp, field, _("must be null, not %s"), found);
    }
    *val = v;
    return 1;
}

static int
vxlHostProfileGetObject(vxlHostProfileParser *pp, virJSONValue *obj,
                       const char *path, const char *key, bool required,
                       virJSONValue **val)
{
    return vxlHostProfileGet(pp, obj, path, key, VIR_JSON_TYPE_OBJECT,
                            required, val);
}

static int
vxlHostProfileGetString(vxlHostProfileParser *pp, virJSONValue *obj,
                       const char *path, const char *key, bool required,
                       char **str)
{
    virJSONValue *v;
    int rc;

    if ((rc = vxlHostProfileGet(pp, obj, path, key, VIR_JSON_TYPE_STRING,
                               required, &v)) <= 0)
        return rc;
    if (!*virJSONValueGetString(v)) {
        g_autofree char *field = vxlHostProfileField(path, key);
        return vxlHostProfileFail(pp, field, "%s", _("must not be empty"));
    }
    g_free(*str);
    *str = g_strdup(virJSONValueGetString(v));
    return 1;
}

static int
vxlHostProfileParseUInt(vxlHostProfileParser *pp, virJSONValue *v,
                       const char *field, unsigned long long min,
                       unsigned long long max, unsigned long long *num)
{
    const char *text = virJSONValueGetNumberString(v);

    if (!text || virStrToLong_ullp(text, NULL, 10, num) < 0)
        return vxlHostProfileFail(pp, field,
                                 _("must be a whole number, not '%s'"),
                                 NULLSTR(text));
    if (*num < min || *num > max)
        return vxlHostProfileFail(pp, field,
                                 _("%llu is out of range (%llu to %llu)"),
                                 *num, min, max);
    return 0;
}

static int
vxlHostProfileGetULL(vxlHostProfileParser *pp, virJSONValue *obj,
                    const char *path, const char *key, bool required,
                    unsigned long long min, unsigned long long max,
                    unsigned long long *num)
{
    g_autofree char *field = vxlHostProfileField(path, key);
    virJSONValue *v;
    int rc;

    if ((rc = vxlHostProfileGet(pp, obj, path, key, VIR_JSON_TYPE_NUMBER,
                               required, &v)) <= 0)
        return rc;
    if (vxlHostProfileParseUInt(pp, v, field, min, max, num) < 0)
        return -1;
    return 1;
}

static int
vxlHostProfileGetUInt(vxlHostProfileParser *pp, virJSONValue *obj,
                     const char *path, const char *key, bool required,
                     unsigned int min, unsigned int max, unsigned int *num)
{
    unsigned long long v = 0;
    int rc;

    if ((rc = vxlHostProfileGetULL(pp, obj, path, key, required,
                                  min, max, &v)) > 0)
        *num = v;
    return rc;
}

static int
vxlHostProfileGetBool(vxlHostProfileParser *pp, virJSONValue *obj,
                     const char *path, const char *key, bool *b)
{
    virJSONValue *v;
    int rc;

    if ((rc = vxlHostProfileGet(pp, obj, path, key, VIR_JSON_TYPE_BOOLEAN,
                               true, &v)) <= 0)
        return rc;
    ignore_value(virJSONValueGetBoolean(v, b));
    return 1;
}

/* An optional array of non-empty strings, returned NULL-terminated (empty
 * when absent: vxlHostFacts promises a list, never NULL). */
static int
vxlHostProfileGetStringList(vxlHostProfileParser *pp, virJSONValue *obj,
                           const char *path, const char *key,
                           bool absolutePaths, char ***list)
{
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *base = vxlHostProfileField(path, key);
    virJSONValue *arr;
    size_t i;

    if (vxlHostProfileGet(pp, obj, path, key, VIR_JSON_TYPE_ARRAY,
                         false, &arr) < 0)
        return -1;

    for (i = 0; arr && i < virJSONValueArraySize(arr); i++) {
        virJSONValue *v = virJSONValueArrayGet(arr, i);
        g_autofree char *field = g_strdup_printf("%s[%zu]", base, i);
        const char *s;

        if (virJSONValueGetType(v) != VIR_JSON_TYPE_STRING ||
            !*(s = virJSONValueGetString(v)))
            return vxlHostProfileFail(pp, field, "%s",
                                     _("must be a non-empty string"));
        if (absolutePaths && !g_path_is_absolute(s))
            return vxlHostProfileFail(pp, field,
                                     _("'%s' is not an absolute path"), s);
        g_ptr_array_add(items, g_strdup(s));
    }
    g_ptr_array_add(items, NULL);
    g_strfreev(*list);
    *list = (char **)g_ptr_array_free(g_steal_pointer(&items), FALSE);
    return 0;
}

/* ----- the sections ---------------------------------------------------- */

/* "4.17.7" -> 4, 17, ".7"; "4.18-rc" -> 4, 18, "-rc". */
static int
vxlHostProfileParseVersion(vxlHostProfileParser *pp, const char *version,
                          vxlHostFacts *facts)
{
    char *end;

    if (virStrToLong_uip(version, &end, 10, &facts->xenMajor) < 0 ||
        *end != '.' ||
        virStrToLong_uip(end + 1, &end, 10, &facts->xenMinor) < 0)
        return vxlHostProfileFail(pp, "xen.version",
                                 _("'%s' is not a Xen version such as \"4.17.3\""),
                                 version);
    facts->xenExtra = g_strdup(end);
    return 0;
}

static int
vxlHostProfileParseXen(vxlHostProfileParser *pp, virJSONValue *root,
                      vxlHostFacts *facts)
{
    static const char *const known[] = {
        "version", "capabilities", "commandline", "scheduler", "maxVcpus",
        "deviceModel", NULL,
    };
    static const char *const knownMax[] = { "pv", "hvm", "pvh", NULL };
    static const char *const schedulers[] = {
        "credit", "credit2", "rtds", "arinc653", "null", NULL,
    };
    g_autofree char *version = NULL;
    virJSONValue *xen;
    virJSONValue *maxv;

    if (vxlHostProfileGetObject(pp, root, NULL, "xen", true, &xen) < 0 ||
        vxlHostProfileCheckKeys(pp, xen, "xen", known) < 0)
        return -1;

    if (vxlHostProfileGetString(pp, xen, "xen", "version", true, &version) < 0 ||
        vxlHostProfileParseVersion(pp, version, facts) < 0)
        return -1;
    if (vxlHostProfileGetString(pp, xen, "xen", "capabilities", true,
                               &facts->xenCaps) < 0)
        return -1;
    if (vxlHostProfileGetString(pp, xen, "xen", "commandline", false,
                               &facts->xenCommandline) < 0)
        return -1;
    if (!facts->xenCommandline)
        facts->xenCommandline = g_strdup("");
    if (vxlHostProfileGetString(pp, xen, "xen", "scheduler", true,
                               &facts->scheduler) < 0)
        return -1;
    if (!g_strv_contains(schedulers, facts->scheduler)) {
        g_autofree char *list = g_strjoinv(", ", (char **)schedulers);
        return vxlHostProfileFail(pp, "xen.scheduler",
                                 _("'%s' is not a Xen scheduler (one of %s)"),
                                 facts->scheduler, list);
    }

    if (vxlHostProfileGetString(pp, xen, "xen", "deviceModel", false,
                               &facts->deviceModel) < 0)
        return -1;
    if (facts->deviceModel && !g_path_is_absolute(facts->deviceModel))
        return vxlHostProfileFail(pp, "xen.deviceModel",
                                 _("'%s' is not an absolute path"),
                                 facts->deviceModel);

    if (vxlHostProfileGetObject(pp, xen, "xen", "maxVcpus", true, &maxv) < 0 ||
        vxlHostProfileCheckKeys(pp, maxv, "xen.maxVcpus", knownMax) < 0 ||
        vxlHostProfileGetUInt(pp, maxv, "xen.maxVcpus", "pv", true,
                             0, 8192, &facts->maxVcpusPV) < 0 ||
        vxlHostProfileGetUInt(pp, maxv, "xen.maxVcpus", "hvm", true,
                             0, 8192, &facts->maxVcpusHVM) < 0 ||
        vxlHostProfileGetUInt(pp, maxv, "xen.maxVcpus", "pvh", true,
                             0, 8192, &facts->maxVcpusPVH) < 0)
        return -1;
    return 0;
}

/*
 * cpu.topology: where each CPU sits, one {"socket", "core"} per CPU in
 * Xen's numbering (`xl info -n`). Optional: without it the CPUs are the
 * regular shape, numbered socket by socket with a core's threads
 * adjacent. A core holds at most threadsPerCore CPUs.
 */
static int
vxlHostProfileParseTopology(vxlHostProfileParser *pp, virJSONValue *cpu,
                           vxlHostFacts *facts)
{
    static const char *const known[] = { "socket", "core", NULL };
    g_autoptr(GHashTable) perCore = g_hash_table_new(g_int64_hash, g_int64_equal);
    g_autofree gint64 *keys = NULL;
    virJSONValue *arr;
    size_t n;
    size_t i;

    if (vxlHostProfileGet(pp, cpu, "cpu", "topology", VIR_JSON_TYPE_ARRAY,
                         false, &arr) < 0)
        return -1;
    if (!arr)
        return 0;
    n = virJSONValueArraySize(arr);
    if (n != facts->nrCpus)
        return vxlHostProfileFail(pp, "cpu.topology",
                                 _("must have one entry per CPU (%u), not %zu"),
                                 facts->nrCpus, n);

    facts->cpus = g_new0(vxlHostCpu, n);
    facts->ncpus = n;
    keys = g_new0(gint64, n);
    for (i = 0; i < n; i++) {
        virJSONValue *ent = virJSONValueArrayGet(arr, i);
        g_autofree char *path = g_strdup_printf("cpu.topology[%zu]", i);
        guint count;

        if (virJSONValueGetType(ent) != VIR_JSON_TYPE_OBJECT)
            return vxlHostProfileFail(pp, path, _("must be an object, not %s"),
                                     vxlHostProfileJSONTypeName(ent));
        if (vxlHostProfileCheckKeys(pp, ent, path, known) < 0 ||
            vxlHostProfileGetUInt(pp, ent, path, "socket", true, 0, 65535,
                                 &facts->cpus[i].socket) < 0 ||
            vxlHostProfileGetUInt(pp, ent, path, "core", true, 0, 65535,
                                 &facts->cpus[i].core) < 0)
            return -1;

        keys[i] = ((gint64)facts->cpus[i].socket << 32) | facts->cpus[i].core;
        count = GPOINTER_TO_UINT(g_hash_table_lookup(perCore, &keys[i])) + 1;
        if (count > facts->threadsPerCore)
            return vxlHostProfileFail(pp, path,
                                     _("socket %u core %u would have %u threads, but cpu.threadsPerCore is %u"),
                                     facts->cpus[i].socket, facts->cpus[i].core,
                                     count, facts->threadsPerCore);
        g_hash_table_insert(perCore, &keys[i], GUINT_TO_POINTER(count));
    }
    return 0;
}

static int
vxlHostProfileParseCPU(vxlHostProfileParser *pp, virJSONValue *root,
                      vxlHostFacts *facts)
{
    static const char *const known[] = {
        "vendor", "model", "mhz", "microcode", "sockets", "coresPerSocket",
        "threadsPerCore", "features", "signature", "topology", NULL,
    };
    static const char *const knownSig[] = { "family", "model", "stepping", NULL };
    virJSONValue *cpu;
    virJSONValue *sig;
    virJSONValue *mc;
    unsigned long long n;

    if (vxlHostProfileGetObject(pp, root, NULL, "cpu", true, &cpu) < 0 ||
        vxlHostProfileCheckKeys(pp, cpu, "cpu", known) < 0)
        return -1;

    if (vxlHostProfileGetString(pp, cpu, "cpu", "vendor", true,
                               &facts->cpuVendor) < 0 ||
        vxlHostProfileGetString(pp, cpu, "cpu", "model", true,
                               &facts->cpuModel) < 0 ||
        vxlHostProfileGetUInt(pp, cpu, "cpu", "mhz", true, 1, 100000,
                             &facts->cpuMHz) < 0 ||
        vxlHostProfileGetUInt(pp, cpu, "cpu", "sockets", true, 1, 64,
                             &facts->sockets) < 0 ||
        vxlHostProfileGetUInt(pp, cpu, "cpu", "coresPerSocket", true, 1, 1024,
                             &facts->coresPerSocket) < 0 ||
        vxlHostProfileGetUInt(pp, cpu, "cpu", "threadsPerCore", true, 1, 8,
                             &facts->threadsPerCore) < 0 ||
        vxlHostProfileGetStringList(pp, cpu, "cpu", "features", false,
                                   &facts->cpuFeatures) < 0)
        return -1;

    /* Microcode revisions are written in hex everywhere (/proc/cpuinfo,
     * xen-ucode), which JSON numbers cannot express: take either. */
    if ((mc = virJSONValueObjectGet(cpu, "microcode"))) {
        const char *s = NULL;

        if (virJSONValueGetType(mc) == VIR_JSON_TYPE_STRING)
            s = virJSONValueGetString(mc);
        else if (virJSONValueGetType(mc) == VIR_JSON_TYPE_NUMBER)
            s = virJSONValueGetNumberString(mc);
        if (!s || virStrToLong_ullp(s, NULL, 0, &n) < 0 || n > UINT_MAX)
            return vxlHostProfileFail(pp, "cpu.microcode", "%s",
                                     _("must be a 32-bit number or a string such as \"0x2007006\""));
        facts->microcode = n;
    }

    /* CPUID's family/model/stepping, as /proc/cpuinfo prints them. */
    if (vxlHostProfileGetObject(pp, cpu, "cpu", "signature", false, &sig) < 0)
        return -1;
    if (sig &&
        (vxlHostProfileCheckKeys(pp, sig, "cpu.signature", knownSig) < 0 ||
         vxlHostProfileGetUInt(pp, sig, "cpu.signature", "family", true,
                              1, 0x10e, &facts->cpuFamily) < 0 ||
         vxlHostProfileGetUInt(pp, sig, "cpu.signature", "model", true,
                              0, 0xff, &facts->cpuModelNumber) < 0 ||
         vxlHostProfileGetUInt(pp, sig, "cpu.signature", "stepping", true,
                              0, 0xf, &facts->cpuStepping) < 0))
        return -1;

    facts->nrCpus = facts->sockets * facts->coresPerSocket *
                    facts->threadsPerCore;
    if (facts->nrCpus > 65536)
        return vxlHostProfileFail(pp, "cpu.sockets", "%s",
                                 _("sockets x coresPerSocket x threadsPerCore exceeds 65536 CPUs"));
    return vxlHostProfileParseTopology(pp, cpu, facts);
}

static int
vxlHostProfileParseVirt(vxlHostProfileParser *pp, virJSONValue *root,
                       vxlHostFacts *facts)
{
    static const char *const known[] = {
        "pv", "hvm", "hap", "shadow", "iommu", "iommuHapPtShare", NULL,
    };
    virJSONValue *virt;

    if (vxlHostProfileGetObject(pp, root, NULL, "virtualization", true,
                               &virt) < 0 ||
        vxlHostProfileCheckKeys(pp, virt, "virtualization", known) < 0 ||
        vxlHostProfileGetBool(pp, virt, "virtualization", "pv", &facts->pv) < 0 ||
        vxlHostProfileGetBool(pp, virt, "virtualization", "hvm", &facts->hvm) < 0 ||
        vxlHostProfileGetBool(pp, virt, "virtualization", "hap", &facts->hap) < 0 ||
        vxlHostProfileGetBool(pp, virt, "virtualization", "shadow",
                             &facts->shadow) < 0 ||
        vxlHostProfileGetBool(pp, virt, "virtualization", "iommu",
                             &facts->iommu) < 0 ||
        vxlHostProfileGetBool(pp, virt, "virtualization", "iommuHapPtShare",
                             &facts->iommuHapPtShare) < 0)
        return -1;

    /* Xen only reports HAP when it can run HVM guests at all, and only
     * shares page tables with the IOMMU when it has both. */
    if (facts->hap && !facts->hvm)
        return vxlHostProfileFail(pp, "virtualization.hap", "%s",
                                 _("HAP (EPT/NPT) needs hvm to be true"));
    if (facts->iommuHapPtShare && !(facts->iommu && facts->hap))
        return vxlHostProfileFail(pp, "virtualization.iommuHapPtShare", "%s",
                                 _("page-table sharing needs both iommu and hap"));
    if (!facts->pv && !facts->hvm)
        return vxlHostProfileFail(pp, "virtualization", "%s",
                                 _("a host must run PV or HVM guests (pv and hvm are both false)"));
    if (strstr(facts->xenCaps, "hvm-") && !facts->hvm)
        return vxlHostProfileFail(pp, "virtualization.hvm", "%s",
                                 _("false, but xen.capabilities lists hvm guests"));
    return 0;
}

/* A cpu list such as "0-11,24-35", each CPU below @nrCpus and not yet in
 * @seen (a CPU belongs to one node). Marks them in @seen. */
static int
vxlHostProfileParseCpuList(vxlHostProfileParser *pp, const char *field,
                          const char *list, unsigned int nrCpus, bool *seen,
                          unsigned int *count)
{
    g_auto(GStrv) ranges = g_strsplit(list, ",", 0);
    size_t i;

    for (i = 0; ranges[i]; i++) {
        unsigned int lo;
        unsigned int hi;
        unsigned int c;
        char *end;

        if (virStrToLong_uip(ranges[i], &end, 10, &lo) < 0)
            goto bad;
        hi = lo;
        if (*end == '-' &&
            virStrToLong_uip(end + 1, &end, 10, &hi) < 0)
            goto bad;
        if (*end || hi < lo)
            goto bad;
        if (hi >= nrCpus)
            return vxlHostProfileFail(pp, field,
                                     _("CPU %u does not exist: the host has %u CPUs (0-%u)"),
                                     hi, nrCpus, nrCpus - 1);
        for (c = lo; c <= hi; c++) {
            if (seen[c])
                return vxlHostProfileFail(pp, field,
                                         _("CPU %u is already in another node"),
                                         c);
            seen[c] = true;
            (*count)++;
        }
    }
    return 0;

 bad:
    return vxlHostProfileFail(pp, field,
                             _("'%s' is not a CPU list such as \"0-11,24-35\""),
                             list);
}

static int
vxlHostProfileParseNuma(vxlHostProfileParser *pp, virJSONValue *root,
                       vxlHostFacts *facts)
{
    static const char *const known[] = {
        "memoryMiB", "cpus", "distances", NULL,
    };
    g_autofree bool *seen = g_new0(bool, facts->nrCpus);
    unsigned long long sumKiB = 0;
    unsigned int ncpus = 0;
    virJSONValue *numa;
    size_t n;
    size_t i;
    size_t j;

    if (vxlHostProfileGet(pp, root, NULL, "numa", VIR_JSON_TYPE_ARRAY,
                         true, &numa) < 0)
        return -1;
    n = virJSONValueArraySize(numa);
    if (n == 0 || n > VXL_HOST_MAX_NODES)
        return vxlHostProfileFail(pp, "numa",
                                 _("must list 1 to %d nodes, not %zu"),
                                 VXL_HOST_MAX_NODES, n);

    for (i = 0; i < n; i++) {
        virJSONValue *node = virJSONValueArrayGet(numa, i);
        vxlHostNode *hn = &facts->nodes[i];
        g_autofree char *path = g_strdup_printf("numa[%zu]", i);
        g_autofree char *cpusField = g_strdup_printf("%s.cpus", path);
        g_autofree char *distField = g_strdup_printf("%s.distances", path);
        unsigned long long mib = 0;
        virJSONValue *dist;

        if (virJSONValueGetType(node) != VIR_JSON_TYPE_OBJECT)
            return vxlHostProfileFail(pp, path, _("must be an object, not %s"),
                                     vxlHostProfileJSONTypeName(node));
        facts->nnodes = i + 1;
        if (vxlHostProfileCheckKeys(pp, node, path, known) < 0 ||
            vxlHostProfileGetULL(pp, node, path, "memoryMiB", true,
                                1, 1ULL << 32, &mib) < 0 ||
            vxlHostProfileGetString(pp, node, path, "cpus", true,
                                   &hn->cpus) < 0 ||
            vxlHostProfileParseCpuList(pp, cpusField, hn->cpus,
                                      facts->nrCpus, seen, &ncpus) < 0)
            return -1;
        hn->memoryKiB = mib * 1024;
        sumKiB += hn->memoryKiB;

        /* Distances are optional: 0 means "unknown" to vxlHostFacts. */
        if (vxlHostProfileGet(pp, node, path, "distances", VIR_JSON_TYPE_ARRAY,
                             false, &dist) < 0)
            return -1;
        if (!dist)
            continue;
        if (virJSONValueArraySize(dist) != n)
            return vxlHostProfileFail(pp, distField,
                                     _("must have one entry per node (%zu), not %zu"),
                                     n, virJSONValueArraySize(dist));
        for (j = 0; j < n; j++) {
            g_autofree char *f = g_strdup_printf("%s[%zu]", distField, j);
            unsigned long long d;

            if (virJSONValueGetType(virJSONValueArrayGet(dist, j)) != VIR_JSON_TYPE_NUMBER)
                return vxlHostProfileFail(pp, f, "%s", _("must be a number"));
            if (vxlHostProfileParseUInt(pp, virJSONValueArrayGet(dist, j), f,
                                       10, 255, &d) < 0)
                return -1;
            /* ACPI SLIT: a node is 10 from itself, further from others. */
            if ((i == j) != (d == 10))
                return vxlHostProfileFail(pp, f,
                                         _("%llu: a node's distance to itself is 10 and to any other node more than 10"),
                                         d);
            hn->distances[j] = d;
        }
    }

    if (ncpus != facts->nrCpus)
        return vxlHostProfileFail(pp, "numa",
                                 _("the nodes hold %u CPUs, but cpu.* describes %u"),
                                 ncpus, facts->nrCpus);
    if (sumKiB != facts->totalKiB)
        return vxlHostProfileFail(pp, "numa",
                                 _("the nodes hold %llu MiB, but memory.totalMiB is %llu"),
                                 sumKiB / 1024, facts->totalKiB / 1024);
    return 0;
}

static int
vxlHostProfileParseMemory(vxlHostProfileParser *pp, virJSONValue *root,
                         vxlHostFacts *facts)
{
    static const char *const known[] = { "totalMiB", "dom0MiB", NULL };
    unsigned long long total = 0;
    unsigned long long dom0 = 0;
    virJSONValue *mem;

    if (vxlHostProfileGetObject(pp, root, NULL, "memory", true, &mem) < 0 ||
        vxlHostProfileCheckKeys(pp, mem, "memory", known) < 0 ||
        vxlHostProfileGetULL(pp, mem, "memory", "totalMiB", true,
                            64, 1ULL << 32, &total) < 0 ||
        vxlHostProfileGetULL(pp, mem, "memory", "dom0MiB", true,
                            1, 1ULL << 32, &dom0) < 0)
        return -1;
    if (dom0 >= total)
        return vxlHostProfileFail(pp, "memory.dom0MiB",
                                 _("dom0 holds %llu MiB, but it must be less than memory.totalMiB (%llu)"),
                                 dom0, total);
    facts->totalKiB = total * 1024;
    facts->dom0KiB = dom0 * 1024;
    return 0;
}

static int
vxlHostProfileParse(vxlHostProfileParser *pp, virJSONValue *root,
                   vxlHostFacts *facts)
{
    static const char *const known[] = {
        "profile", "description", "arch", "hostname", "xen", "cpu",
        "virtualization", "memory", "numa", "firmware", "gicVersion",
        "pci",                     /* the host's PCI devices: the simulator's */
        "usb",                     /* the host's USB devices: the simulator's */
        "backends",                /* dom0's user-space PV backends: the simulator's */
        NULL,
    };
    g_autofree char *description = NULL;
    unsigned int format = 0;

    if (virJSONValueGetType(root) != VIR_JSON_TYPE_OBJECT)
        return vxlHostProfileFail(pp, "(top level)",
                                 _("must be an object, not %s"),
                                 vxlHostProfileJSONTypeName(root));
    if (vxlHostProfileCheckKeys(pp, root, NULL, known) < 0)
        return -1;
    if (vxlHostProfileGetUInt(pp, root, NULL, "profile", true,
                             0, UINT_MAX, &format) < 0)
        return -1;
    if (format != VXL_HOST_PROFILE_FORMAT)
        return vxlHostProfileFail(pp, "profile",
                                 _("format %u is not known; this build reads format %d"),
                                 format, VXL_HOST_PROFILE_FORMAT);
    if (vxlHostProfileGetString(pp, root, NULL, "description", false,
                               &description) < 0)
        return -1;

    if (vxlHostProfileGetString(pp, root, NULL, "arch", true,
                               &facts->arch) < 0)
        return -1;
    if (virArchFromString(facts->arch) == VIR_ARCH_NONE)
        return vxlHostProfileFail(pp, "arch",
                                 _("'%s' is not an architecture name libvirt knows (x86_64, aarch64, ...)"),
                                 facts->arch);
    if (vxlHostProfileGetString(pp, root, NULL, "hostname", false,
                               &facts->hostname) < 0)
        return -1;

    /* Only Arm has a GIC, and there Xen always has one of two. */
    if (vxlHostProfileGetUInt(pp, root, NULL, "gicVersion", false, 2, 3,
                             &facts->gicVersion) < 0)
        return -1;
    if (STREQ(facts->arch, "aarch64") || STREQ(facts->arch, "armv7l")) {
        if (facts->gicVersion == 0)
            return vxlHostProfileFail(pp, "gicVersion",
                                     _("missing: an %s host has a GICv2 or GICv3 (2 or 3)"),
                                     facts->arch);
    } else if (facts->gicVersion != 0) {
        return vxlHostProfileFail(pp, "gicVersion",
                                 _("an %s host has no GIC"), facts->arch);
    }

    if (vxlHostProfileParseXen(pp, root, facts) < 0 ||
        vxlHostProfileParseCPU(pp, root, facts) < 0 ||
        vxlHostProfileParseVirt(pp, root, facts) < 0 ||
        vxlHostProfileParseMemory(pp, root, facts) < 0 ||
        vxlHostProfileParseNuma(pp, root, facts) < 0 ||
        vxlHostProfileGetStringList(pp, root, NULL, "firmware", true,
                                   &facts->firmware) < 0)
        return -1;

    if (!facts->cpuFeatures)
        facts->cpuFeatures = g_new0(char *, 1);
    return 0;
}

/*
 * virJSONValueFromString's own error quotes the whole document and no
 * position. Run yajl once more on a syntax error to say where it is.
 */
static void
vxlHostProfileSyntaxError(const char *file, const char *text)
{
    yajl_handle hand = yajl_alloc(NULL, NULL, NULL);
    size_t len = strlen(text);
    unsigned char *why = NULL;
    size_t at = len;
    size_t line = 1;
    size_t col = 1;
    size_t i;

    if (hand) {
        if (yajl_parse(hand, (const unsigned char *)text, len) != yajl_status_ok) {
            at = yajl_get_bytes_consumed(hand);
            why = yajl_get_error(hand, 0, (const unsigned char *)text, len);
        } else if (yajl_complete_parse(hand) != yajl_status_ok) {
            why = yajl_get_error(hand, 0, (const unsigned char *)text, len);
        }
    }
    for (i = 0; i < at && i < len; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    virReportError(VIR_ERR_CONF_SYNTAX,
                   _("simulator host profile '%s' is not valid JSON: line %zu, column %zu: %s"),
                   file, line, col,
                   why ? (const char *)why : _("unexpected end of input"));
    if (hand) {
        if (why)
            yajl_free_error(hand, why);
        yajl_free(hand);
    }
}

/*
 * Load the profile at @path into @facts (cleared first; cleared again on
 * failure). The hostname is left NULL when the profile has none: the
 * caller fills in the real one.
 */
int
vxlHostProfileLoad(const char *path, vxlHostFacts *facts)
{
    vxlHostProfileParser pp = { .file = path };
    g_autofree char *text = NULL;
    g_autoptr(virJSONValue) root = NULL;

    vxlHostFactsClear(facts);
    if (virFileReadAll(path, VXL_HOST_PROFILE_MAX_SIZE, &text) < 0)
        return -1;
    if (!(root = virJSONValueFromString(text))) {
        virResetLastError();
        vxlHostProfileSyntaxError(path, text);
        return -1;
    }
    if (vxlHostProfileParse(&pp, root, facts) < 0) {
        vxlHostFactsClear(facts);
        return -1;
    }
    VIR_DEBUG("loaded host profile %s: %s, %u CPUs, %llu KiB",
              path, facts->arch, facts->nrCpus, facts->totalKiB);
    return 0;
}
