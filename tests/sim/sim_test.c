/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_test.c: the simulator backend, driven through the backend seam.
 *
 * Every call goes through the wrappers of include/virtxl/backend.h, as
 * domain/'s do, with libvirt's default event loop registered and pumped
 * by the test itself, so timers and events run exactly as they would in libvirtd (on the
 * thread that runs the loop: here, the test's main thread).
 *
 * Timing: guest scripts use delays of 50-600 ms and every wait has a
 * deadline several times longer than needed, so a loaded CI machine slows
 * the test down but does not make it fail. Assertions on CPU time bracket
 * the measured wall time instead of assuming it.
 *
 * VXL_TEST_VERBOSE=1 shows libvirt's log (errors the test provokes
 * included); VXL_TEST_ONLY=name runs one case.
 */
#include "vxl_internal.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libxl_utils.h>

#include "virtxl/backend.h"
#include "backend_migrate.h"
#include "virerror.h"
#include "virfile.h"
#include "virjson.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_NONE

/* ----- a tiny harness --------------------------------------------------- */

#define CHECK(cond, ...) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "  FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__); \
            fprintf(stderr, "\n"); \
            return -1; \
        } \
    } while (0)

/* The hook call @rc failed with @code and a message containing @substr. */
#define CHECK_ERR(rc, code, substr) \
    do { \
        if (testCheckError((rc), (code), (substr), __FILE__, __LINE__) < 0) \
            return -1; \
    } while (0)

#define CHECK_OK(rc) \
    do { \
        if ((rc) < 0) { \
            fprintf(stderr, "  FAIL %s:%d: %s: %s\n", __FILE__, __LINE__, \
                    #rc, virGetLastErrorMessage()); \
            return -1; \
        } \
    } while (0)

static int
testCheckError(int rc, int code, const char *substr,
               const char *file, int line)
{
    virErrorPtr err = virGetLastError();

    if (rc >= 0) {
        fprintf(stderr, "  FAIL %s:%d: call succeeded, expected error %d (%s)\n",
                file, line, code, substr);
        return -1;
    }
    if (!err || err->code != code ||
        (substr && (!err->message || !strstr(err->message, substr)))) {
        fprintf(stderr, "  FAIL %s:%d: expected error %d containing '%s', got %d: %s\n",
                file, line, code, NULLSTR(substr), err ? err->code : -1,
                err ? NULLSTR(err->message) : "(no error)");
        return -1;
    }
    virResetLastError();
    return 0;
}

static char *testTmpRoot;

/* A fresh directory under the test's temporary root. */
static char *
testMkdir(const char *name)
{
    char *dir = g_strdup_printf("%s/%s", testTmpRoot, name);

    g_mkdir_with_parents(dir, 0700);
    return dir;
}

/* ----- the event loop and events ---------------------------------------- */

typedef struct {
    uint32_t domid;
    vxlShutdownReason reason;
    long long at;
} testEvent;

static GArray *testEvents;         /* only touched on the loop thread */

static void
testOnShutdown(uint32_t domid, vxlShutdownReason reason, void *opaque)
{
    testEvent ev = { domid, reason, g_get_monotonic_time() };

    g_assert(opaque == &testEvents);
    g_array_append_val(testEvents, ev);
}

static const vxlBackendEvents testEventTable = {
    .domainShutdown = testOnShutdown,
};

static void
testTick(int timer G_GNUC_UNUSED, void *opaque G_GNUC_UNUSED)
{
    /* Only here to keep virEventRunDefaultImpl from blocking forever. */
}

/* Run the event loop for @ms milliseconds. */
static void
testPump(unsigned int ms)
{
    long long end = g_get_monotonic_time() + ms * 1000LL;

    while (g_get_monotonic_time() < end)
        virEventRunDefaultImpl();
}

/* Run the loop until @n events in all have arrived, or @ms pass. */
static bool
testWaitEvents(guint n, unsigned int ms)
{
    long long end = g_get_monotonic_time() + ms * 1000LL;

    while (testEvents->len < n && g_get_monotonic_time() < end)
        virEventRunDefaultImpl();
    return testEvents->len >= n;
}

static const testEvent *
testFindEvent(uint32_t domid)
{
    guint i;

    for (i = 0; i < testEvents->len; i++) {
        if (g_array_index(testEvents, testEvent, i).domid == domid)
            return &g_array_index(testEvents, testEvent, i);
    }
    return NULL;
}

static guint
testCountEvents(uint32_t domid)
{
    guint i;
    guint n = 0;

    for (i = 0; i < testEvents->len; i++)
        n += g_array_index(testEvents, testEvent, i).domid == domid;
    return n;
}

/* ----- backends and configs --------------------------------------------- */

static vxlBackend *
testOpen(const char *profile, const char *stateDir, bool events)
{
    vxlBackendConfig cfg = {
        .stateDir = stateDir,
        .simProfile = profile,
        .events = events ? &testEventTable : NULL,
        .eventsOpaque = &testEvents,
    };
    vxlBackend *be = vxlBackendNew("sim");

    if (vxlBackendOpen(be, &cfg) < 0) {
        vxlBackendFree(be);
        return NULL;
    }
    g_array_set_size(testEvents, 0);
    return be;
}

static void
testClose(vxlBackend *be)
{
    if (!be)
        return;
    vxlBackendClose(be);
    vxlBackendFree(be);
    /* libvirt frees a removed timer from an idle callback: let it run. */
    testPump(20);
}

/* A failing check returns at once; the backend is closed all the same. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vxlBackend, testClose);

typedef struct {
    const char *name;
    libxl_domain_type type;
    unsigned long long maxKiB;
    unsigned long long targetKiB;  /* 0: LIBXL_MEMKB_DEFAULT */
    unsigned long long videoKiB;   /* 0: LIBXL_MEMKB_DEFAULT */
    int vcpus;
    int online;                    /* 0: leave avail_vcpus empty */
    const char *uuidFrom;          /* NULL: a uuid of its own */
} testDomSpec;

static void
testConfig(libxl_domain_config *dcfg, const testDomSpec *spec)
{
    static gint serial;            /* threads create concurrently */
    uint8_t *uuid;
    size_t i;
    guint h = spec->uuidFrom ? g_str_hash(spec->uuidFrom)
                             : g_str_hash(spec->name) ^
                               ((g_atomic_int_add(&serial, 1) + 1) * 2654435761U);

    libxl_domain_config_init(dcfg);
    dcfg->c_info.type = spec->type;
    dcfg->c_info.name = strdup(spec->name);
    uuid = libxl_uuid_bytearray(&dcfg->c_info.uuid);
    for (i = 0; i < 16; i++)
        uuid[i] = (h >> ((i % 4) * 8)) ^ (i * 37);
    libxl_domain_build_info_init_type(&dcfg->b_info, spec->type);
    dcfg->b_info.max_vcpus = spec->vcpus;
    if (spec->online > 0) {
        /* libxl_bitmap_alloc() wants a libxl_ctx; build it by hand. */
        dcfg->b_info.avail_vcpus.size = (spec->vcpus + 7) / 8;
        dcfg->b_info.avail_vcpus.map = calloc(dcfg->b_info.avail_vcpus.size, 1);
        for (i = 0; i < spec->online; i++)
            libxl_bitmap_set(&dcfg->b_info.avail_vcpus, i);
    }
    dcfg->b_info.max_memkb = spec->maxKiB;
    dcfg->b_info.target_memkb = spec->targetKiB ? spec->targetKiB : LIBXL_MEMKB_DEFAULT;
    dcfg->b_info.video_memkb = spec->videoKiB ? spec->videoKiB : LIBXL_MEMKB_DEFAULT;
}

/* Create a PV domain of @maxKiB behaving as @script. */
static int
testCreate(vxlBackend *be, const char *name, libxl_domain_type type,
           unsigned long long maxKiB, int vcpus, const vxlGuestScript *script,
           bool paused, uint32_t *domid)
{
    testDomSpec spec = { .name = name, .type = type, .maxKiB = maxKiB,
                         .vcpus = vcpus };
    libxl_domain_config dcfg;
    int rc;

    testConfig(&dcfg, &spec);
    rc = vxlBackendDomainCreate(be, &dcfg, script, paused, domid);
    libxl_domain_config_dispose(&dcfg);
    return rc;
}

static int
testInfo(vxlBackend *be, uint32_t domid, vxlDomainInfo *info)
{
    vxlDomainInfoClear(info);
    return vxlBackendDomainGetInfo(be, domid, info);
}

static bool
testIsRunning(vxlDomainState st)
{
    return st == VXL_DOMSTATE_RUNNING || st == VXL_DOMSTATE_BLOCKED;
}

static unsigned long long
testFree(vxlBackend *be)
{
    unsigned long long f = 0;

    if (vxlBackendHostGetFreeMemory(be, &f) < 0)
        return ULLONG_MAX;
    return f;
}

static size_t
testCount(vxlBackend *be)
{
    vxlDomainInfo *infos = NULL;
    size_t n = 0;

    if (vxlBackendDomainList(be, &infos, &n) < 0)
        return SIZE_MAX;
    vxlDomainInfoListFree(infos, n);
    return n;
}

#define MiB 1024ULL

/* ----- profiles --------------------------------------------------------- */

static int
testProfilesShipped(void)
{
    static const struct {
        const char *name;
        const char *arch;
        unsigned int cpus;
        size_t nodes;
        unsigned long long totalMiB;
        unsigned long long dom0MiB;
        bool hvm, hap, iommu, pv;
    } cases[] = {
        { "intel-2s-vtd", "x86_64", 48, 2, 262144, 4096, true, true, true, true },
        { "amd-epyc", "x86_64", 64, 4, 262144, 4096, true, true, true, true },
        { "old-pv-only", "x86_64", 4, 1, 8192, 1024, false, false, false, true },
        { "arm64-gicv3", "aarch64", 8, 1, 16384, 1024, true, true, true, false },
        { "small-host", "x86_64", 2, 1, 2048, 1024, true, true, false, true },
        { "split-threads", "x86_64", 12, 1, 32768, 2048, true, true, true, true },
    };
    size_t i;
    size_t n;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(vxlBackend) be = testOpen(cases[i].name, NULL, false);
        vxlHostFacts f = { 0 };
        unsigned long long nodeFree = 0;
        int rc;

        CHECK(be, "profile %s: %s", cases[i].name, virGetLastErrorMessage());
        rc = vxlBackendHostGetFacts(be, &f);
        g_clear_pointer(&be, testClose);
        CHECK_OK(rc);
        CHECK(STREQ(f.arch, cases[i].arch), "%s: arch %s", cases[i].name, f.arch);
        CHECK(f.nrCpus == cases[i].cpus, "%s: %u cpus", cases[i].name, f.nrCpus);
        CHECK(f.nrCpus == f.sockets * f.coresPerSocket * f.threadsPerCore, "%s", cases[i].name);
        CHECK(f.nnodes == cases[i].nodes, "%s: %zu nodes", cases[i].name, f.nnodes);
        CHECK(f.totalKiB == cases[i].totalMiB * MiB, "%s", cases[i].name);
        CHECK(f.dom0KiB == cases[i].dom0MiB * MiB, "%s", cases[i].name);
        CHECK(f.hvm == cases[i].hvm && f.hap == cases[i].hap &&
              f.iommu == cases[i].iommu && f.pv == cases[i].pv, "%s: virt flags",
              cases[i].name);
        CHECK(f.xenMajor == 4 && f.xenMinor == 17 && STREQ(f.xenExtra, ".7"),
              "%s: version %u.%u%s", cases[i].name, f.xenMajor, f.xenMinor, f.xenExtra);
        CHECK(f.hostname && *f.hostname, "%s", cases[i].name);
        CHECK(f.cpuFeatures && f.firmware && f.scheduler, "%s", cases[i].name);
        CHECK(f.deviceModel && STREQ(f.deviceModel, "/usr/libexec/xen-qemu-system-i386"),
              "%s: device model", cases[i].name);
        CHECK(f.gicVersion == (STREQ(f.arch, "aarch64") ? 3 : 0),
              "%s: gic %u", cases[i].name, f.gicVersion);
        for (n = 0; n < f.nnodes; n++)
            nodeFree += f.nodes[n].freeKiB;
        CHECK(nodeFree == f.totalKiB - f.dom0KiB,
              "%s: nodes' free memory %llu", cases[i].name, nodeFree);
        vxlHostFactsClear(&f);
    }

    /* The reference host in detail. */
    {
        g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, false);
        vxlHostFacts f = { 0 };

        CHECK(be, "%s", virGetLastErrorMessage());
        CHECK_OK(vxlBackendHostGetFacts(be, &f));
        g_clear_pointer(&be, testClose);
        CHECK(STREQ(f.xenCaps, "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64"),
              "%s", f.xenCaps);
        CHECK(f.nodes[0].distances[0] == 10 && f.nodes[0].distances[1] == 21 &&
              f.nodes[1].distances[0] == 21 && f.nodes[1].distances[1] == 10,
              "distances");
        CHECK(STREQ(f.nodes[0].cpus, "0-23") && STREQ(f.nodes[1].cpus, "24-47"), "cpus");
        CHECK(f.nodes[0].memoryKiB == 128 * MiB * MiB, "node memory");
        CHECK(g_strv_contains((const char *const *)f.firmware,
                              "/usr/lib/xen-4.17/boot/hvmloader") &&
              g_strv_contains((const char *const *)f.firmware,
                              "/usr/share/OVMF/OVMF_CODE.fd"), "firmware");
        CHECK(STREQ(f.hostname, "xeon-2s"), "%s", f.hostname);
        CHECK(f.maxVcpusHVM == 128 && f.microcode == 0x2007006, "limits");
        CHECK(STREQ(f.cpuVendor, "Intel") && f.iommuHapPtShare, "cpu");
        CHECK(f.cpuFamily == 6 && f.cpuModelNumber == 85 && f.cpuStepping == 4,
              "signature %u %u %u", f.cpuFamily, f.cpuModelNumber, f.cpuStepping);
        CHECK(!f.cpus && f.ncpus == 0, "no per-CPU topology: the regular shape");
        vxlHostFactsClear(&f);
    }

    /* Per-CPU topology, copied to every caller. */
    {
        g_autoptr(vxlBackend) be = testOpen("split-threads", NULL, false);
        vxlHostFacts f = { 0 };

        CHECK(be, "%s", virGetLastErrorMessage());
        CHECK_OK(vxlBackendHostGetFacts(be, &f));
        g_clear_pointer(&be, testClose);
        CHECK(f.cpus && f.ncpus == 12, "topology of %zu CPUs", f.ncpus);
        CHECK(f.cpus[3].core == 8 && f.cpus[9].core == 8 && f.cpus[11].socket == 0,
              "cpu 3 core %u, cpu 9 core %u", f.cpus[3].core, f.cpus[9].core);
        vxlHostFactsClear(&f);
    }
    return 0;
}

/* Set @path ("a.b", "numa[1].cpus") in @root to the JSON @literal, or
 * remove it when @literal is NULL. */
static int
testJSONSet(virJSONValue *root, const char *path, const char *literal)
{
    g_auto(GStrv) parts = g_strsplit(path, ".", 0);
    virJSONValue *obj = root;
    size_t i;

    for (i = 0; parts[i + 1]; i++) {
        char *br = strchr(parts[i], '[');

        if (br) {
            *br = '\0';
            obj = virJSONValueArrayGet(virJSONValueObjectGet(obj, parts[i]),
                                       atoi(br + 1));
        } else {
            obj = virJSONValueObjectGet(obj, parts[i]);
        }
        if (!obj)
            return -1;
    }
    ignore_value(virJSONValueObjectRemoveKey(obj, parts[i], NULL));
    if (literal) {
        g_autofree char *doc = g_strdup_printf("{\"v\": %s}", literal);
        g_autoptr(virJSONValue) wrap = virJSONValueFromString(doc);
        virJSONValue *v = NULL;

        if (!wrap || virJSONValueObjectRemoveKey(wrap, "v", &v) != 1)
            return -1;
        if (virJSONValueObjectAppend(obj, parts[i], &v) < 0)
            return -1;
    }
    return 0;
}

static char *
testReadProfile(const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/capabilities/%s.json",
                                            VXL_SOURCE_DIR, name);
    char *text = NULL;

    if (virFileReadAll(path, 1 << 20, &text) < 0)
        return NULL;
    return text;
}

static int
testProfileErrors(void)
{
    static const struct {
        const char *path;          /* NULL: @literal is the whole file */
        const char *literal;
        const char *expect;
    } cases[] = {
        { NULL, "{\n  \"profile\": 1,\n  \"arch\": \"x86_64\"\n  \"xen\": {}\n}\n", "line 4" },
        { NULL, "{\"profile\": 1, \"arch\": ", "not valid JSON" },
        { NULL, "[1, 2]", "field '(top level)': must be an object" },
        { "memory", NULL, "field 'memory': missing" },
        { "memroy", "{}", "field 'memroy': unknown field" },
        { "cpu.sockets", "-1", "field 'cpu.sockets': must be a whole number" },
        { "cpu.sockets", "1.5", "field 'cpu.sockets': must be a whole number" },
        { "cpu.sockets", "0", "field 'cpu.sockets': 0 is out of range" },
        { "memory.totalMiB", "\"2048\"", "field 'memory.totalMiB': must be a number, not a string" },
        { "memory.dom0MiB", "2048", "field 'memory.dom0MiB': dom0 holds 2048 MiB" },
        { "virtualization.hvm", "\"yes\"", "field 'virtualization.hvm': must be true or false" },
        { "virtualization.iommuHapPtShare", "true", "field 'virtualization.iommuHapPtShare'" },
        { "xen.version", "\"four\"", "field 'xen.version'" },
        { "xen.scheduler", "\"fifo\"", "field 'xen.scheduler': 'fifo' is not a Xen scheduler" },
        { "xen.maxVcpus.hvm", NULL, "field 'xen.maxVcpus.hvm': missing" },
        { "arch", "\"z80\"", "field 'arch': 'z80'" },
        { "profile", "2", "field 'profile': format 2" },
        { "numa[0].cpus", "\"0-2\"", "field 'numa[0].cpus': CPU 2 does not exist" },
        { "numa[0].cpus", "\"0,0\"", "field 'numa[0].cpus': CPU 0 is already in another node" },
        { "numa[0].cpus", "\"0-\"", "field 'numa[0].cpus': '0-' is not a CPU list" },
        { "numa[0].cpus", "\"0\"", "field 'numa': the nodes hold 1 CPUs" },
        { "numa[0].memoryMiB", "1024", "field 'numa': the nodes hold 1024 MiB" },
        { "numa[0].distances", "[10, 20]", "field 'numa[0].distances': must have one entry per node" },
        { "numa[0].distances", "[12]", "field 'numa[0].distances[0]'" },
        { "numa[0].speed", "1", "field 'numa[0].speed': unknown field" },
        { "numa", "[]", "field 'numa': must list 1 to 64 nodes" },
        { "firmware", "[\"bios.bin\"]", "field 'firmware[0]': 'bios.bin' is not an absolute path" },
        { "cpu.microcode", "\"0xzz\"", "field 'cpu.microcode'" },
        { "gicVersion", "3", "field 'gicVersion': an x86_64 host has no GIC" },
        { "xen.deviceModel", "\"qemu\"", "field 'xen.deviceModel': 'qemu' is not an absolute path" },
        { "cpu.topology", "[{\"socket\": 0, \"core\": 0}]", "field 'cpu.topology': must have one entry per CPU (2), not 1" },
        { "cpu.topology", "[{\"socket\": 0, \"core\": 4}, {\"socket\": 0, \"core\": 4}]",
          "field 'cpu.topology[1]': socket 0 core 4 would have 2 threads, but cpu.threadsPerCore is 1" },
        { "cpu.topology", "[{\"socket\": 0, \"core\": 0}, {\"socket\": 0, \"cores\": 1}]",
          "field 'cpu.topology[1].cores': unknown field" },
        { "cpu.topology", "[{\"socket\": 0, \"core\": 0}, 7]", "field 'cpu.topology[1]': must be an object, not a number" },
        { "cpu.signature", "{\"family\": 6, \"model\": 85}", "field 'cpu.signature.stepping': missing" },
        { "cpu.signature", "{\"family\": 0, \"model\": 85, \"stepping\": 4}", "field 'cpu.signature.family': 0 is out of range" },
    };
    g_autofree char *dir = testMkdir("bad-profiles");
    g_autofree char *base = testReadProfile("small-host");
    size_t i;

    CHECK(base, "cannot read small-host.json");
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *file = g_strdup_printf("%s/bad%zu.json", dir, i);
        g_autofree char *text = NULL;
        g_autoptr(vxlBackend) be = NULL;

        if (cases[i].path) {
            g_autoptr(virJSONValue) root = virJSONValueFromString(base);

            CHECK(root && testJSONSet(root, cases[i].path, cases[i].literal) == 0,
                  "case %zu: cannot edit the profile", i);
            text = virJSONValueToString(root, true);
        } else {
            text = g_strdup(cases[i].literal);
        }
        CHECK(g_file_set_contents(file, text, -1, NULL), "write %s", file);

        be = testOpen(file, NULL, false);
        if (be) {
            g_clear_pointer(&be, testClose);
            CHECK(false, "case %zu (%s): profile accepted", i, cases[i].expect);
        }
        /* Every message names the file and the field. */
        CHECK_ERR(-1, VIR_ERR_CONF_SYNTAX, file);
        be = testOpen(file, NULL, false);
        CHECK(!be, "case %zu", i);
        CHECK_ERR(-1, VIR_ERR_CONF_SYNTAX, cases[i].expect);
    }
    return 0;
}

static int
testProfileResolution(void)
{
    g_autofree char *dir = testMkdir("profiles");
    g_autofree char *base = testReadProfile("small-host");
    g_autofree char *file = g_strdup_printf("%s/custom.json", dir);
    g_autoptr(virJSONValue) root = virJSONValueFromString(base);
    g_autofree char *text = NULL;
    vxlHostFacts f = { 0 };
    g_autoptr(vxlBackend) be = NULL;

    /* A profile without a hostname gets the real one. */
    CHECK(root && testJSONSet(root, "hostname", NULL) == 0, "edit");
    text = virJSONValueToString(root, true);
    CHECK(g_file_set_contents(file, text, -1, NULL), "write");

    /* Not found: the message names the profile and every place tried. */
    be = testOpen("custom", NULL, false);
    CHECK(!be, "custom found without VIRTXL_PROFILE_DIR");
    CHECK_ERR(-1, VIR_ERR_CONF_SYNTAX, "'custom' not found");
    be = testOpen("custom", NULL, false);
    CHECK_ERR(-1, VIR_ERR_CONF_SYNTAX, VXL_SOURCE_DIR "/capabilities");
    be = testOpen("/nonexistent/x.json", NULL, false);
    CHECK_ERR(-1, VIR_ERR_CONF_SYNTAX, "'/nonexistent/x.json' does not exist");

    g_setenv("VIRTXL_PROFILE_DIR", dir, TRUE);
    be = testOpen("custom", NULL, false);
    g_unsetenv("VIRTXL_PROFILE_DIR");
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(vxlBackendHostGetFacts(be, &f));
    g_clear_pointer(&be, testClose);
    CHECK(f.hostname && *f.hostname && STRNEQ(f.hostname, "small-host"),
          "hostname %s", f.hostname);
    CHECK(f.totalKiB == 2048 * MiB, "the custom profile was loaded");
    vxlHostFactsClear(&f);

    /* An explicit path, and the default when none is configured. */
    be = testOpen(file, NULL, false);
    CHECK(be, "%s", virGetLastErrorMessage());
    g_clear_pointer(&be, testClose);
    be = testOpen(NULL, NULL, false);
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(vxlBackendHostGetFacts(be, &f));
    g_clear_pointer(&be, testClose);
    CHECK(f.nrCpus == 48, "default profile is intel-2s-vtd");
    vxlHostFactsClear(&f);
    return 0;
}

/* ----- domids ------------------------------------------------------------ */

static int
testDomids(void)
{
    g_autofree char *dir = testMkdir("domids");
    g_autofree char *state = g_strdup_printf("%s/sim/host.json", dir);
    g_autofree char *text = NULL;
    g_autoptr(virJSONValue) root = NULL;
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", dir, false);
    uint32_t a, b, c, d, e;

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "a", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &a));
    CHECK_OK(testCreate(be, "b", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &b));
    CHECK_OK(testCreate(be, "c", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &c));
    CHECK(a == 1 && b == 2 && c == 3, "ids %u %u %u", a, b, c);
    CHECK_OK(vxlBackendDomainDestroy(be, b));
    CHECK_OK(testCreate(be, "d", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &d));
    CHECK(d == 4, "a freed id is not reused at once: got %u", d);
    CHECK_OK(vxlBackendDomainDestroy(be, c));
    CHECK_OK(vxlBackendDomainDestroy(be, d));
    g_clear_pointer(&be, testClose);

    /* Near the top of the id space: wrap to 1, skipping live ids (1).
     * Destroying the newest domain (d) wrote the counters to host.json. */
    CHECK(virFileReadAll(state, 1 << 20, &text) >= 0, "read state");
    root = virJSONValueFromString(text);
    CHECK(root && testJSONSet(root, "lastDomid", "32750") == 0, "edit state");
    g_free(text);
    text = virJSONValueToString(root, true);
    CHECK(g_file_set_contents(state, text, -1, NULL), "write state");

    be = testOpen("intel-2s-vtd", dir, false);
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "e", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &e));
    CHECK(e == 0x7FEF, "last ordinary id: got %u", e);
    CHECK_OK(testCreate(be, "f", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &e));
    CHECK(e == 2, "wrapped below DOMID_FIRST_RESERVED, skipping live 1: got %u", e);
    CHECK_OK(testCreate(be, "g", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &e));
    CHECK(e == 3, "got %u", e);
    g_clear_pointer(&be, testClose);

    /* The counter survives a restart. */
    be = testOpen("intel-2s-vtd", dir, false);
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "h", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &e));
    CHECK(e == 4, "after restart got %u", e);
    g_clear_pointer(&be, testClose);
    return 0;
}

/* ----- memory and config checks ----------------------------------------- */

static int
testMemory(void)
{
    g_autoptr(vxlBackend) be = testOpen("small-host", NULL, false);
    testDomSpec hvm = { .name = "hvm", .type = LIBXL_DOMAIN_TYPE_HVM,
                        .maxKiB = 256 * MiB, .vcpus = 2, .videoKiB = 8 * MiB };
    libxl_domain_config dcfg;
    vxlDomainInfo info = { 0 };
    uint32_t pv, h, x, y;
    unsigned long long shadow = 4 * (256 * 2 + 2 * 256);
    int rc;

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK(testFree(be) == 1048576, "free %llu", testFree(be));

    CHECK_OK(testCreate(be, "pv", LIBXL_DOMAIN_TYPE_PV, 512 * MiB, 1, NULL, false, &pv));
    CHECK(testFree(be) == 524288, "PV takes its maximum: free %llu", testFree(be));

    /* HVM: max + video + libxl's default shadow pool. */
    testConfig(&dcfg, &hvm);
    rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &h);
    libxl_domain_config_dispose(&dcfg);
    CHECK_OK(rc);
    CHECK(testFree(be) == 524288 - 262144 - 8192 - shadow,
          "HVM footprint: free %llu", testFree(be));

    /* Does not fit: a precise error, and nothing changes, domids included. */
    rc = testCreate(be, "big", LIBXL_DOMAIN_TYPE_PV, 300 * MiB, 1, NULL, false, &x);
    CHECK_ERR(rc, VIR_ERR_OPERATION_FAILED,
              "not enough free memory on the host to start domain 'big': it needs 307200 KiB, the host has 249856 KiB free");
    CHECK(testFree(be) == 249856, "free changed: %llu", testFree(be));
    CHECK(testCount(be) == 2, "domain left behind");
    CHECK_OK(testCreate(be, "fits", LIBXL_DOMAIN_TYPE_PV, 200 * MiB, 1, NULL, false, &x));
    CHECK(x == 3, "the failed create consumed a domid: got %u", x);

    /* Raising the maximum needs the difference free. */
    rc = vxlBackendDomainSetMaxMemory(be, x, 300 * MiB);
    CHECK_ERR(rc, VIR_ERR_OPERATION_FAILED, "it needs 102400 KiB more, the host has 45056 KiB free");
    CHECK_OK(vxlBackendDomainSetMaxMemory(be, x, 240 * MiB));
    CHECK(testFree(be) == 45056 - 40 * MiB, "free %llu", testFree(be));
    CHECK_OK(vxlBackendDomainSetMaxMemory(be, x, 200 * MiB));
    CHECK(testFree(be) == 45056, "lowering the maximum gives memory back");

    /* Destroy gives it all back. */
    CHECK_OK(vxlBackendDomainDestroy(be, pv));
    CHECK_OK(vxlBackendDomainDestroy(be, h));
    CHECK_OK(vxlBackendDomainDestroy(be, x));
    CHECK(testFree(be) == 1048576, "free after destroy %llu", testFree(be));
    CHECK(testCount(be) == 0, "domains left");

    /* Same name, same uuid: refused like libxl does. */
    {
        testDomSpec s = { .name = "twin", .type = LIBXL_DOMAIN_TYPE_PV,
                          .maxKiB = 64 * MiB, .vcpus = 1, .uuidFrom = "twin" };
        testConfig(&dcfg, &s);
        rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &x);
        libxl_domain_config_dispose(&dcfg);
        CHECK_OK(rc);
    }
    rc = testCreate(be, "twin", LIBXL_DOMAIN_TYPE_PVH, 64 * MiB, 1, NULL, false, &y);
    CHECK_ERR(rc, VIR_ERR_OPERATION_FAILED, "a domain with that name already exists (id 4)");
    {
        testDomSpec s = { .name = "other", .type = LIBXL_DOMAIN_TYPE_PV,
                          .maxKiB = 64 * MiB, .vcpus = 1, .uuidFrom = "twin" };
        testConfig(&dcfg, &s);
        rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &y);
        libxl_domain_config_dispose(&dcfg);
        CHECK_ERR(rc, VIR_ERR_OPERATION_FAILED, "already has uuid");
    }

    /* Defaults: target = max; online = max when avail_vcpus is empty. */
    CHECK_OK(testInfo(be, x, &info));
    CHECK(info.currentKiB == 64 * MiB && info.maxKiB == 64 * MiB, "memory");
    CHECK(info.vcpusOnline == 1 && info.vcpusMax == 1, "vcpus");
    vxlDomainInfoClear(&info);
    {
        testDomSpec s = { .name = "part", .type = LIBXL_DOMAIN_TYPE_PVH,
                          .maxKiB = 128 * MiB, .targetKiB = 96 * MiB,
                          .vcpus = 4, .online = 2 };
        testConfig(&dcfg, &s);
        rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &y);
        libxl_domain_config_dispose(&dcfg);
        CHECK_OK(rc);
        CHECK_OK(testInfo(be, y, &info));
        CHECK(info.vcpusOnline == 2 && info.vcpusMax == 4, "online %u", info.vcpusOnline);
        CHECK(info.currentKiB == 96 * MiB && info.maxKiB == 128 * MiB, "target");
        vxlDomainInfoClear(&info);
    }
    g_clear_pointer(&be, testClose);
    return 0;
}

static int
testUnsupported(void)
{
    g_autoptr(vxlBackend) old = testOpen("old-pv-only", NULL, false);
    g_autoptr(vxlBackend) arm = testOpen("arm64-gicv3", NULL, false);
    uint32_t id;
    int rc;

    CHECK(old && arm, "%s", virGetLastErrorMessage());
    rc = testCreate(old, "h", LIBXL_DOMAIN_TYPE_HVM, 64 * MiB, 1, NULL, false, &id);
    CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED, "no hardware virtualization");
    rc = testCreate(old, "p", LIBXL_DOMAIN_TYPE_PVH, 64 * MiB, 1, NULL, false, &id);
    CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED, "cannot start PVH domain 'p'");
    CHECK_OK(testCreate(old, "pv", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 4, NULL, false, &id));
    CHECK(testCount(old) == 1, "count");

    rc = testCreate(arm, "pv", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &id);
    CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED, "does not run PV guests");
    rc = testCreate(arm, "h", LIBXL_DOMAIN_TYPE_HVM, 64 * MiB, 1, NULL, false, &id);
    CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED, "offers no HVM guests");
    rc = testCreate(arm, "big", LIBXL_DOMAIN_TYPE_PVH, 64 * MiB, 129, NULL, false, &id);
    CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED, "with 129 vCPUs: this host runs PVH domains with at most 128");
    CHECK_OK(testCreate(arm, "guest", LIBXL_DOMAIN_TYPE_PVH, 64 * MiB, 128, NULL, false, &id));
    rc = testCreate(arm, "notype", LIBXL_DOMAIN_TYPE_INVALID, 64 * MiB, 1, NULL, false, &id);
    CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED, "no domain type");
    CHECK(testCount(arm) == 1, "count");

    /* PCI passthrough needs an IOMMU, which the old host lacks. */
    {
        testDomSpec s = { .name = "pt", .type = LIBXL_DOMAIN_TYPE_PV,
                          .maxKiB = 64 * MiB, .targetKiB = 64 * MiB, .vcpus = 1 };
        libxl_domain_config dcfg;

        testConfig(&dcfg, &s);
        dcfg.pcidevs = g_new0(libxl_device_pci, 1);
        dcfg.num_pcidevs = 1;
        libxl_device_pci_init(&dcfg.pcidevs[0]);
        dcfg.pcidevs[0].bus = 3;
        rc = vxlBackendDomainCreate(old, &dcfg, NULL, false, &id);
        libxl_domain_config_dispose(&dcfg);
        CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED, "PCI passthrough needs an IOMMU");
        CHECK(testCount(old) == 1, "count after the PCI refusal");
    }
    g_clear_pointer(&old, testClose);
    g_clear_pointer(&arm, testClose);
    return 0;
}

/* A PCI device named by its pci-assignable name (xl's pci=['name=X']):
 * the create writes the address the name resolved to into the config,
 * as libxl's name2bdf does; an unknown name is refused, names first (on
 * a host without an IOMMU too, as libxl looks the name up first). */
static int
testPciName(void)
{
    /* A profile's name is one libxl takes, on one device. */
    static const struct {
        const char *path;
        const char *literal;
    } bad[] = {
        { "pci[5].name", "\"two words\"" },
        { "pci[5].name", "\"\"" },
        { "pci[5].name", "5" },
        { "pci[0].name", "\"i350-lab\"" },
    };
    g_autofree char *dir = testMkdir("pci-name-profiles");
    g_autofree char *base = testReadProfile("intel-2s-vtd");
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, false);
    g_autoptr(vxlBackend) old = testOpen("old-pv-only", NULL, false);
    const char *names[] = { "i350-lab", "no-such-dev", "no-such-dev" };
    size_t i;

    CHECK(be && old && base, "open");
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *file = g_strdup_printf("%s/bad%zu.json", dir, i);
        g_autoptr(virJSONValue) root = virJSONValueFromString(base);
        g_autofree char *text = NULL;
        g_autoptr(vxlBackend) refused = NULL;

        CHECK(root && testJSONSet(root, bad[i].path, bad[i].literal) == 0,
              "case %zu: cannot edit the profile", i);
        text = virJSONValueToString(root, true);
        CHECK(g_file_set_contents(file, text, -1, NULL), "write %s", file);
        refused = testOpen(file, NULL, false);
        CHECK(!refused, "case %zu (%s): profile accepted", i, bad[i].literal);
        CHECK_ERR(-1, VIR_ERR_CONFIG_UNSUPPORTED, "pci[5].name is missing or wrong");
    }
    for (i = 0; i < G_N_ELEMENTS(names); i++) {
        vxlBackend *host = i < 2 ? be : old;
        testDomSpec s = { .name = "named", .type = LIBXL_DOMAIN_TYPE_PV,
                          .maxKiB = 64 * MiB, .targetKiB = 64 * MiB, .vcpus = 1 };
        libxl_domain_config dcfg;
        libxl_device_pci *held = NULL;
        size_t nheld = 0;
        uint32_t id;
        int rc;

        testConfig(&dcfg, &s);
        dcfg.pcidevs = g_new0(libxl_device_pci, 1);
        dcfg.num_pcidevs = 1;
        libxl_device_pci_init(&dcfg.pcidevs[0]);
        dcfg.pcidevs[0].name = g_strdup(names[i]);
        rc = vxlBackendDomainCreate(host, &dcfg, NULL, false, &id);
        if (i == 0) {
            CHECK_OK(rc);
            CHECK(dcfg.pcidevs[0].bus == 0x5e && dcfg.pcidevs[0].dev == 0 &&
                  dcfg.pcidevs[0].func == 0, "resolved to %x:%x.%x",
                  dcfg.pcidevs[0].bus, dcfg.pcidevs[0].dev, dcfg.pcidevs[0].func);
            /* The holder's device list says it too, by name (crash
             * recovery reads it there). */
            CHECK_OK(vxlBackendDomainPciList(host, id, &held, &nheld));
            CHECK(nheld == 1 && STREQ_NULLABLE(held[0].name, names[i]) &&
                  held[0].bus == 0x5e && held[0].dev == 0 && held[0].func == 0,
                  "listed %zu devices", nheld);
            libxl_device_pci_dispose(&held[0]);
            g_clear_pointer(&held, g_free);
            CHECK_OK(vxlBackendDomainDestroy(host, id));
            CHECK_ERR(vxlBackendDomainPciList(host, id, &held, &nheld),
                      VIR_ERR_NO_DOMAIN, NULL);
        } else {
            CHECK_ERR(rc, VIR_ERR_NO_NODE_DEVICE,
                      "no PCI device named 'no-such-dev' is assignable on this host");
            CHECK(testCount(host) == 0, "count after the refusal");
        }
        libxl_domain_config_dispose(&dcfg);
    }
    return 0;
}

/* The MAC and VLAN of VF @addr in the simulator's host.json under @dir ("" when
 * absent), as "MAC/VLAN" or with "+KEPTMAC/KEPTVLAN". */
static char *
testSriovState(const char *dir, const char *addr)
{
    g_autofree char *path = g_strdup_printf("%s/sim/host.json", dir);
    g_autofree char *text = NULL;
    g_autoptr(virJSONValue) root = NULL;
    virJSONValue *list;
    size_t i;

    if (virFileReadAll(path, 1 << 20, &text) < 0 ||
        !(root = virJSONValueFromString(text)) ||
        !(list = virJSONValueObjectGetArray(root, "pci")))
        return g_strdup("");
    for (i = 0; i < virJSONValueArraySize(list); i++) {
        virJSONValue *o = virJSONValueArrayGet(list, i);
        unsigned int vlan = 0, kvlan = 0;

        if (STRNEQ_NULLABLE(virJSONValueObjectGetString(o, "address"), addr))
            continue;
        ignore_value(virJSONValueObjectGetNumberUint(o, "vlan", &vlan));
        if (!virJSONValueObjectHasKey(o, "keptMac"))
            return g_strdup_printf("%s/%u", NULLSTR(virJSONValueObjectGetString(o, "mac")),
                                   vlan);
        ignore_value(virJSONValueObjectGetNumberUint(o, "keptVlan", &kvlan));
        return g_strdup_printf("%s/%u+%s/%u", NULLSTR(virJSONValueObjectGetString(o, "mac")),
                               vlan, virJSONValueObjectGetString(o, "keptMac"), kvlan);
    }
    return g_strdup("");
}

#define CHECK_VF(dir, addr, want) \
    do { \
        g_autofree char *_have = testSriovState(dir, addr); \
        CHECK(STREQ(_have, want), "VF %s: %s, not %s", addr, _have, want); \
    } while (0)

/* SR-IOV in the profile: bad entries are named; a VF's MAC and VLAN are
 * set through hostNetVFSet, kept once, put back by hostNetVFRestore; a
 * VF a domain has, a device that is no VF or none at all are refused
 * with nothing changed. */
static int
testSriov(void)
{
    static const struct {
        const char *path;
        const char *literal;
        const char *expect;
    } bad[] = {
        { "pci[2].physfn", "\"0000:99:00.0\"", "pci[2].physfn is missing or wrong" },
        { "pci[2].physfn", "\"0000:03:10.2\"", "pci[2].physfn (its PF has no netdev)" },
        { "pci[2].vf", NULL, "pci[2].vf is missing" },
        { "pci[2].vf", "1", "pci[3].vf (twice on one PF)" },
        { "pci[3].mac", "\"02:00\"", "pci[3].mac is missing or wrong" },
        { "pci[3].vlan", "4095", "pci[3].vlan is missing or wrong" },
        { "pci[4].vlan", "3", "pci[4].vlan (without physfn)" },
        { "pci[0].netdev", "\"\"", "pci[0].netdev is missing or wrong" },
    };
    g_autofree char *dir = testMkdir("sriov-profiles");
    g_autofree char *state = testMkdir("sriov-state");
    g_autofree char *base = testReadProfile("intel-2s-vtd");
    g_autofree char *good = g_strdup_printf("%s/capabilities/intel-2s-vtd.json",
                                            VXL_SOURCE_DIR);
    g_autoptr(vxlBackend) be = NULL;
    libxl_device_pci vf0, vf1, pf, none;
    uint32_t id;
    size_t i;
    int rc;

    CHECK(base, "cannot read intel-2s-vtd.json");
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *file = g_strdup_printf("%s/bad%zu.json", dir, i);
        g_autoptr(virJSONValue) root = virJSONValueFromString(base);
        g_autofree char *text = NULL;

        CHECK(root && testJSONSet(root, bad[i].path, bad[i].literal) == 0,
              "case %zu: cannot edit the profile", i);
        text = virJSONValueToString(root, true);
        CHECK(g_file_set_contents(file, text, -1, NULL), "write %s", file);
        be = testOpen(file, NULL, false);
        CHECK(!be, "case %zu (%s): profile accepted", i, bad[i].expect);
        CHECK_ERR(-1, VIR_ERR_CONFIG_UNSUPPORTED, bad[i].expect);
    }

    libxl_device_pci_init(&vf0);
    libxl_device_pci_init(&vf1);
    libxl_device_pci_init(&pf);
    libxl_device_pci_init(&none);
    vf0.bus = vf1.bus = pf.bus = 3;
    vf0.dev = vf1.dev = 0x10;
    vf1.func = 2;
    none.bus = 0x99;

    be = testOpen(good, state, false);
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_ERR(vxlBackendHostNetVFSet(be, &none, "52:54:00:00:00:01", 0),
              VIR_ERR_NO_NODE_DEVICE, "no PCI device at 0000:99:00.0");
    CHECK_ERR(vxlBackendHostNetVFSet(be, &pf, "52:54:00:00:00:01", 0),
              VIR_ERR_CONFIG_UNSUPPORTED, "0000:03:00.0 is not an SR-IOV virtual function");
    CHECK_ERR(vxlBackendHostNetVFSet(be, &vf0, "52:54:00:00:00:01", 4095),
              VIR_ERR_INVALID_ARG, "VLAN tag 4095");
    CHECK_ERR(vxlBackendHostNetVFSet(be, &vf0, "52:54", 0),
              VIR_ERR_INVALID_ARG, "not a MAC address");
    /* Restoring a VF nothing set: nothing to do. */
    CHECK_OK(vxlBackendHostNetVFRestore(be, &vf0));

    /* Set twice: the second keeps the host's own values of the first. */
    CHECK_OK(vxlBackendHostNetVFSet(be, &vf1, "52:54:00:00:00:01", 42));
    CHECK_VF(state, "0000:03:10.2", "52:54:00:00:00:01/42+02:00:00:03:10:02/7");
    CHECK_OK(vxlBackendHostNetVFSet(be, &vf1, "52:54:00:00:00:02", 0));
    CHECK_VF(state, "0000:03:10.2", "52:54:00:00:00:02/0+02:00:00:03:10:02/7");
    CHECK_OK(vxlBackendHostNetVFRestore(be, &vf1));
    CHECK_VF(state, "0000:03:10.2", "02:00:00:03:10:02/7");

    /* A VF a domain has is its guest's: refused, and so is nothing
     * changed; kept across a reopen (host.json). */
    CHECK_OK(vxlBackendHostNetVFSet(be, &vf0, "52:54:00:00:00:03", 5));
    {
        testDomSpec s = { .name = "vf-guest", .type = LIBXL_DOMAIN_TYPE_PV,
                          .maxKiB = 64 * MiB, .targetKiB = 64 * MiB, .vcpus = 1 };
        libxl_domain_config dcfg;

        testConfig(&dcfg, &s);
        dcfg.pcidevs = g_new0(libxl_device_pci, 1);
        dcfg.num_pcidevs = 1;
        libxl_device_pci_init(&dcfg.pcidevs[0]);
        dcfg.pcidevs[0].bus = vf0.bus;
        dcfg.pcidevs[0].dev = vf0.dev;
        dcfg.pcidevs[0].seize = true;
        rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &id);
        libxl_domain_config_dispose(&dcfg);
        CHECK_OK(rc);
    }
    CHECK_ERR(vxlBackendHostNetVFSet(be, &vf0, "52:54:00:00:00:04", 0),
              VIR_ERR_OPERATION_INVALID, "domain 'vf-guest'");
    CHECK_VF(state, "0000:03:10.0", "52:54:00:00:00:03/5+00:00:00:00:00:00/0");
    g_clear_pointer(&be, testClose);
    be = testOpen(good, state, false);
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_ERR(vxlBackendHostNetVFSet(be, &vf0, "52:54:00:00:00:04", 0),
              VIR_ERR_OPERATION_INVALID, "domain 'vf-guest'");
    CHECK_OK(vxlBackendDomainDestroy(be, id));
    CHECK_OK(vxlBackendHostNetVFRestore(be, &vf0));
    CHECK_VF(state, "0000:03:10.0", "00:00:00:00:00:00/0");
    g_clear_pointer(&be, testClose);
    libxl_device_pci_dispose(&vf0);
    libxl_device_pci_dispose(&vf1);
    libxl_device_pci_dispose(&pf);
    libxl_device_pci_dispose(&none);
    return 0;
}

/* libxl refuses emulated USB devices beside SPICE USB redirection; the
 * same guest with its tablet on the redirection bus (extra_hvm, as
 * translate_gfx.c builds it) starts. So does usb=1 beside usbversion,
 * and redirection without SPICE, which libxl turns off, refuses
 * nothing. */
static int
testUsbRedirection(void)
{
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, false);
    testDomSpec s = { .name = "spice", .type = LIBXL_DOMAIN_TYPE_HVM,
                      .maxKiB = 256 * MiB, .targetKiB = 256 * MiB, .vcpus = 1 };
    libxl_domain_config dcfg;
    uint32_t id;
    int rc;

    CHECK(be, "%s", virGetLastErrorMessage());
    testConfig(&dcfg, &s);
    dcfg.b_info.u.hvm.usbversion = 2;
    libxl_defbool_set(&dcfg.b_info.u.hvm.usb, true);
    rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &id);
    CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED, "cannot start domain 'spice': libxl refuses usbdevice/usb together with usbversion");
    CHECK(testCount(be) == 0, "count after refusal");
    dcfg.b_info.u.hvm.usbversion = 0;
    libxl_defbool_unset(&dcfg.b_info.u.hvm.usb);

    dcfg.b_info.u.hvm.spice.usbredirection = 2;
    dcfg.b_info.u.hvm.usbdevice_list = g_new0(char *, 2);
    dcfg.b_info.u.hvm.usbdevice_list[0] = g_strdup("tablet");
    rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &id);
    CHECK_OK(rc);
    CHECK_OK(vxlBackendDomainDestroy(be, id));

    libxl_defbool_set(&dcfg.b_info.u.hvm.spice.enable, true);
    libxl_defbool_set(&dcfg.b_info.u.hvm.spice.disable_ticketing, true);
    dcfg.b_info.u.hvm.spice.port = 5910;
    rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &id);
    CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED, "cannot start domain 'spice': libxl refuses usbdevice");
    CHECK(testCount(be) == 0, "count after refusal");

    g_clear_pointer(&dcfg.b_info.u.hvm.usbdevice_list, g_strfreev);
    dcfg.b_info.extra_hvm = g_new0(char *, 3);
    dcfg.b_info.extra_hvm[0] = g_strdup("-device");
    dcfg.b_info.extra_hvm[1] = g_strdup("usb-tablet,bus=usb.0");
    rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &id);
    libxl_domain_config_dispose(&dcfg);
    CHECK_OK(rc);
    g_clear_pointer(&be, testClose);
    return 0;
}

/* libxl fails a create whose disks include two of one Xen device number
 * (xvda is 51712): refused before the domain is built, nothing left. */
static int
testDiskNumbers(void)
{
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, false);
    testDomSpec s = { .name = "twodisks", .type = LIBXL_DOMAIN_TYPE_PV,
                      .maxKiB = 256 * MiB, .targetKiB = 256 * MiB, .vcpus = 1 };
    const char *vdevs[] = { "xvda", "51712" };
    libxl_domain_config dcfg;
    unsigned long long before;
    uint32_t id;
    size_t i;
    int rc;

    CHECK(be, "%s", virGetLastErrorMessage());
    before = testFree(be);
    testConfig(&dcfg, &s);
    dcfg.disks = g_new0(libxl_device_disk, G_N_ELEMENTS(vdevs));
    dcfg.num_disks = G_N_ELEMENTS(vdevs);
    for (i = 0; i < G_N_ELEMENTS(vdevs); i++) {
        libxl_device_disk_init(&dcfg.disks[i]);
        dcfg.disks[i].vdev = g_strdup(vdevs[i]);
        dcfg.disks[i].pdev_path = g_strdup_printf("/srv/disk%zu.img", i);
        dcfg.disks[i].format = LIBXL_DISK_FORMAT_RAW;
        dcfg.disks[i].readwrite = 1;
    }
    rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &id);
    CHECK_ERR(rc, VIR_ERR_OPERATION_FAILED,
              "cannot start domain 'twodisks': disks xvda and 51712 are the same Xen device (number 51712)");
    CHECK(testCount(be) == 0, "count after refusal");
    CHECK(testFree(be) == before, "free memory after refusal");

    /* Another number (xvdb, 51728) starts. */
    g_free(dcfg.disks[1].vdev);
    dcfg.disks[1].vdev = g_strdup("51728");
    rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &id);
    libxl_domain_config_dispose(&dcfg);
    CHECK_OK(rc);
    CHECK(testCount(be) == 1, "count after the start");
    g_clear_pointer(&be, testClose);
    return 0;
}

/* qemu's qdisk backend refuses a vdev that does not begin with a letter
 * (its block node is named after it), so the guest would start without
 * the disk: refused, on the simulator as on Xen; the same number as a
 * dNpM name, or on phy, starts. */
static int
testQdiskVdev(void)
{
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, false);
    testDomSpec s = { .name = "qdisknum", .type = LIBXL_DOMAIN_TYPE_PV,
                      .maxKiB = 256 * MiB, .targetKiB = 256 * MiB, .vcpus = 1 };
    libxl_domain_config dcfg;
    libxl_device_disk disk;
    uint32_t id;
    int rc;

    CHECK(be, "%s", virGetLastErrorMessage());
    testConfig(&dcfg, &s);
    dcfg.disks = g_new0(libxl_device_disk, 1);
    dcfg.num_disks = 1;
    libxl_device_disk_init(&dcfg.disks[0]);
    dcfg.disks[0].vdev = g_strdup("51728");
    dcfg.disks[0].pdev_path = g_strdup("/srv/disk.qcow2");
    dcfg.disks[0].format = LIBXL_DISK_FORMAT_QCOW2;   /* qdisk's, by libxl's choice */
    dcfg.disks[0].readwrite = 1;
    rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &id);
    CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED,
              "qemu's qdisk backend cannot serve disk vdev '51728'");
    CHECK(testCount(be) == 0, "count after refusal");

    g_free(dcfg.disks[0].vdev);
    dcfg.disks[0].vdev = g_strdup("d1p0");
    rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &id);
    CHECK_OK(rc);

    /* The hot-attach of such a disk, named qdisk, is refused alike; raw
     * on phy, blkback never reads the text, and it attaches. */
    libxl_device_disk_init(&disk);
    disk.vdev = g_strdup("0x10");
    disk.pdev_path = g_strdup("/srv/disk2.img");
    disk.format = LIBXL_DISK_FORMAT_RAW;
    disk.backend = LIBXL_DISK_BACKEND_QDISK;
    disk.readwrite = 1;
    rc = vxlBackendDomainDiskAdd(be, id, &disk);
    CHECK_ERR(rc, VIR_ERR_CONFIG_UNSUPPORTED, "cannot attach disk with vdev '0x10'");
    disk.backend = LIBXL_DISK_BACKEND_UNKNOWN;
    rc = vxlBackendDomainDiskAdd(be, id, &disk);
    libxl_device_disk_dispose(&disk);
    libxl_domain_config_dispose(&dcfg);
    CHECK_OK(rc);
    g_clear_pointer(&be, testClose);
    return 0;
}

/* ----- concurrency -------------------------------------------------------- */

typedef struct {
    vxlBackend *be;
    char name[32];
    unsigned long long maxKiB;
    unsigned int delayMs;
    int rc;
    int code;
    uint32_t domid;
    long long start;
    long long end;
} testCreateJob;

/* A starting gate: threads line up, then all call create together, so
 * the time it takes to spawn them (long under valgrind) does not count. */
static GMutex testGateLock;
static GCond testGateCond;
static unsigned int testGateWaiting;
static bool testGateOpen;

static void
testGateWait(void)
{
    g_mutex_lock(&testGateLock);
    testGateWaiting++;
    g_cond_broadcast(&testGateCond);
    while (!testGateOpen)
        g_cond_wait(&testGateCond, &testGateLock);
    g_mutex_unlock(&testGateLock);
}

static gpointer
testCreateThread(gpointer opaque)
{
    testCreateJob *job = opaque;
    vxlGuestScript script = { .bootDelayMs = job->delayMs };

    testGateWait();
    job->start = g_get_monotonic_time();
    job->rc = testCreate(job->be, job->name, LIBXL_DOMAIN_TYPE_PV, job->maxKiB,
                         1, &script, false, &job->domid);
    job->end = g_get_monotonic_time();
    if (job->rc < 0) {
        virErrorPtr err = virGetLastError();
        job->code = err ? err->code : -1;
        virResetLastError();
    }
    return NULL;
}

/* Run the jobs in threads of their own, all released at once; returns
 * the time of release. */
static long long
testRunCreates(testCreateJob *jobs, size_t n)
{
    g_autofree GThread **threads = g_new0(GThread *, n);
    long long released;
    size_t i;

    testGateWaiting = 0;
    testGateOpen = false;
    for (i = 0; i < n; i++)
        threads[i] = g_thread_new("create", testCreateThread, &jobs[i]);
    g_mutex_lock(&testGateLock);
    while (testGateWaiting < n)
        g_cond_wait(&testGateCond, &testGateLock);
    testGateOpen = true;
    released = g_get_monotonic_time();
    g_cond_broadcast(&testGateCond);
    g_mutex_unlock(&testGateLock);
    for (i = 0; i < n; i++)
        g_thread_join(threads[i]);
    return released;
}

static int
testConcurrentCreates(void)
{
    enum { N = 50, DELAY = 500 };
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, false);
    g_autofree testCreateJob *jobs = g_new0(testCreateJob, N);
    g_autoptr(GHashTable) ids = g_hash_table_new(NULL, NULL);
    long long lastStart = 0;
    long long firstEnd = LLONG_MAX;
    long long t0;
    long long elapsed;
    size_t i;

    CHECK(be, "%s", virGetLastErrorMessage());
    for (i = 0; i < N; i++) {
        jobs[i].be = be;
        g_snprintf(jobs[i].name, sizeof(jobs[i].name), "par%zu", i);
        jobs[i].maxKiB = 256 * MiB;
        jobs[i].delayMs = DELAY;
    }
    t0 = testRunCreates(jobs, N);
    elapsed = (g_get_monotonic_time() - t0) / 1000;

    for (i = 0; i < N; i++) {
        CHECK(jobs[i].rc == 0, "create %zu failed: %d", i, jobs[i].code);
        CHECK(jobs[i].end - jobs[i].start >= DELAY * 1000LL, "boot delay honoured");
        CHECK(!g_hash_table_contains(ids, GUINT_TO_POINTER(jobs[i].domid)),
              "domid %u handed out twice", jobs[i].domid);
        g_hash_table_add(ids, GUINT_TO_POINTER(jobs[i].domid));
        lastStart = MAX(lastStart, jobs[i].start);
        firstEnd = MIN(firstEnd, jobs[i].end);
    }
    /* All 50 were in their boot delay at the same moment: the last one
     * started before the first one finished. */
    CHECK(lastStart < firstEnd, "creates did not overlap");
    CHECK(elapsed < N * DELAY / 4, "50 creates of %d ms took %lld ms", DELAY, elapsed);
    CHECK(testCount(be) == N, "listed %zu", testCount(be));
    CHECK(testFree(be) == (262144 - 4096) * MiB - N * 256 * MiB, "free");
    g_clear_pointer(&be, testClose);
    return 0;
}

/* Memory is claimed before the boot delay: of ten 200 MiB creates racing
 * for 1 GiB, exactly five win. */
static int
testConcurrentMemory(void)
{
    enum { N = 10 };
    g_autoptr(vxlBackend) be = testOpen("small-host", NULL, false);
    testCreateJob jobs[N] = { 0 };
    size_t i;
    int ok = 0;
    int refused = 0;

    CHECK(be, "%s", virGetLastErrorMessage());
    for (i = 0; i < N; i++) {
        jobs[i].be = be;
        g_snprintf(jobs[i].name, sizeof(jobs[i].name), "m%zu", i);
        jobs[i].maxKiB = 200 * MiB;
        jobs[i].delayMs = 300;
    }
    testRunCreates(jobs, N);
    for (i = 0; i < N; i++) {
        if (jobs[i].rc == 0)
            ok++;
        else if (jobs[i].code == VIR_ERR_OPERATION_FAILED)
            refused++;
    }
    CHECK(ok == 5 && refused == 5, "%d created, %d refused", ok, refused);
    CHECK(testFree(be) == 1048576 - 5 * 204800, "free %llu", testFree(be));
    g_clear_pointer(&be, testClose);
    return 0;
}

/* close() while a create sleeps in its boot delay: the create fails, the
 * half-built domain is not saved, its domid is not handed out again. */
static int
testCloseDuringCreate(void)
{
    g_autofree char *dir = testMkdir("close-create");
    vxlBackend *raw = testOpen("small-host", dir, true);
    g_autoptr(vxlBackend) be = NULL;
    testCreateJob job = { .be = raw, .name = "late", .maxKiB = 64 * MiB,
                          .delayMs = 300 };
    GThread *thread;
    uint32_t id;

    CHECK(raw, "%s", virGetLastErrorMessage());
    testGateOpen = true;
    thread = g_thread_new("create", testCreateThread, &job);
    g_usleep(100 * 1000);
    vxlBackendClose(raw);
    g_thread_join(thread);
    vxlBackendFree(raw);
    testPump(20);
    CHECK(job.rc < 0 && job.code == VIR_ERR_OPERATION_FAILED, "create: rc %d code %d",
          job.rc, job.code);

    be = testOpen("small-host", dir, true);
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK(testCount(be) == 0, "the half-built domain was saved");
    CHECK(testFree(be) == 1048576, "its memory is still held");
    CHECK_OK(testCreate(be, "late", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &id));
    CHECK(id == 2, "domid %u reused", id);
    return 0;
}

/* ----- states, requests, scripts ----------------------------------------- */

static int
testPause(void)
{
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, false);
    vxlDomainInfo info = { 0 };
    uint32_t id;
    uint32_t p;

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "x", LIBXL_DOMAIN_TYPE_HVM, 128 * MiB, 1, NULL, false, &id));
    CHECK_OK(testInfo(be, id, &info));
    CHECK(testIsRunning(info.state), "state %d", info.state);
    CHECK_ERR(vxlBackendDomainUnpause(be, id), VIR_ERR_OPERATION_INVALID, "is not paused");
    CHECK_OK(vxlBackendDomainPause(be, id));
    CHECK_OK(testInfo(be, id, &info));
    CHECK(info.state == VXL_DOMSTATE_PAUSED, "state %d", info.state);
    CHECK_ERR(vxlBackendDomainPause(be, id), VIR_ERR_OPERATION_INVALID, "is already paused");
    CHECK_OK(vxlBackendDomainUnpause(be, id));
    CHECK_OK(testInfo(be, id, &info));
    CHECK(testIsRunning(info.state), "state %d", info.state);

    CHECK_OK(testCreate(be, "p", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, true, &p));
    CHECK_OK(testInfo(be, p, &info));
    CHECK(info.state == VXL_DOMSTATE_PAUSED, "created paused: %d", info.state);

    CHECK_ERR(vxlBackendDomainPause(be, 999), VIR_ERR_NO_DOMAIN, "no domain with id 999");
    CHECK_ERR(testInfo(be, 0, &info), VIR_ERR_NO_DOMAIN, NULL);
    vxlDomainInfoClear(&info);
    g_clear_pointer(&be, testClose);
    return 0;
}

static int
testShutdownPolicies(void)
{
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, true);
    vxlGuestScript honour = { .shutdownDelayMs = 100 };
    vxlGuestScript now = { .shutdownDelayMs = 0 };
    vxlGuestScript ignore = { .shutdownDelayMs = 50,
                              .onShutdownRequest = VXL_GUEST_SHUTDOWN_IGNORE };
    vxlGuestScript reboots = { .shutdownDelayMs = 50,
                               .onShutdownRequest = VXL_GUEST_SHUTDOWN_REBOOT };
    vxlDomainInfo info = { 0 };
    const testEvent *ev;
    uint32_t a, b, c, d, e, f;
    long long asked;

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "a", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, &honour, false, &a));
    CHECK_OK(testCreate(be, "b", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, &now, false, &b));
    CHECK_OK(testCreate(be, "c", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, &ignore, false, &c));
    CHECK_OK(testCreate(be, "d", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, &reboots, false, &d));
    CHECK_OK(testCreate(be, "e", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, &honour, false, &e));
    CHECK_OK(testCreate(be, "f", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, &honour, true, &f));

    asked = g_get_monotonic_time();
    CHECK_OK(vxlBackendDomainShutdown(be, a, 0));
    CHECK_OK(vxlBackendDomainShutdown(be, b, 0));
    CHECK_OK(vxlBackendDomainShutdown(be, c, 0));
    CHECK_OK(vxlBackendDomainShutdown(be, d, 0));
    CHECK_OK(vxlBackendDomainReboot(be, e, 0));
    CHECK_OK(vxlBackendDomainShutdown(be, f, 0));
    /* Even with no delay, nothing is delivered inside the call. */
    CHECK(testEvents->len == 0, "event raised synchronously");

    CHECK(testWaitEvents(4, 5000), "only %u events", testEvents->len);
    testPump(300);
    CHECK(testEvents->len == 4, "%u events", testEvents->len);

    CHECK((ev = testFindEvent(a)) && ev->reason == VXL_SHUTDOWN_POWEROFF, "honour");
    CHECK(ev->at - asked >= 100 * 1000, "powered off before its delay");
    CHECK((ev = testFindEvent(b)) && ev->reason == VXL_SHUTDOWN_POWEROFF, "delay 0");
    CHECK(!testFindEvent(c), "an ignoring guest acted");
    CHECK((ev = testFindEvent(d)) && ev->reason == VXL_SHUTDOWN_REBOOT, "reboot policy");
    CHECK((ev = testFindEvent(e)) && ev->reason == VXL_SHUTDOWN_REBOOT, "reboot request");
    CHECK(!testFindEvent(f), "a paused guest acted");

    CHECK_OK(testInfo(be, a, &info));
    CHECK(info.state == VXL_DOMSTATE_SHUTDOWN && info.shutdownReason == VXL_SHUTDOWN_POWEROFF,
          "state %d reason %d", info.state, info.shutdownReason);
    CHECK_OK(testInfo(be, c, &info));
    CHECK(testIsRunning(info.state), "ignoring guest state %d", info.state);

    /* Requests to a guest that has already stopped. */
    CHECK_ERR(vxlBackendDomainShutdown(be, a, 0), VIR_ERR_OPERATION_INVALID, "has shut down");
    CHECK_ERR(vxlBackendDomainReboot(be, d, 0), VIR_ERR_OPERATION_INVALID, "has shut down");
    CHECK_ERR(vxlBackendDomainPause(be, a), VIR_ERR_OPERATION_INVALID, "has shut down");
    CHECK_ERR(vxlBackendDomainShutdown(be, 4242, 0), VIR_ERR_NO_DOMAIN, NULL);

    /* The paused guest answers once it runs again. */
    CHECK_OK(vxlBackendDomainUnpause(be, f));
    CHECK(testWaitEvents(5, 5000), "paused guest never answered");
    CHECK((ev = testFindEvent(f)) && ev->reason == VXL_SHUTDOWN_POWEROFF, "f");

    /* The ignoring guest still can be destroyed, with no event. */
    CHECK_OK(vxlBackendDomainDestroy(be, c));
    testPump(150);
    CHECK(testEvents->len == 5, "destroy raised an event");
    vxlDomainInfoClear(&info);
    g_clear_pointer(&be, testClose);
    return 0;
}

/* The ways a request may take (vxlRequestMode): the power button only
 * for an HVM guest, and only to power off; refusals change nothing. */
static int
testRequestModes(void)
{
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, true);
    vxlGuestScript honour = { .shutdownDelayMs = 0 };
    const testEvent *ev;
    uint32_t pv, pvh, hvm;

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "pv", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, &honour, false, &pv));
    CHECK_OK(testCreate(be, "pvh", LIBXL_DOMAIN_TYPE_PVH, 64 * MiB, 1, &honour, false, &pvh));
    CHECK_OK(testCreate(be, "hvm", LIBXL_DOMAIN_TYPE_HVM, 64 * MiB, 1, &honour, false, &hvm));

    CHECK_ERR(vxlBackendDomainShutdown(be, pv, VXL_REQUEST_ACPI),
              VIR_ERR_OPERATION_UNSUPPORTED, "only HVM guests have one, this is a pv guest");
    CHECK_ERR(vxlBackendDomainShutdown(be, pvh, VXL_REQUEST_ACPI),
              VIR_ERR_OPERATION_UNSUPPORTED, "this is a pvh guest");
    CHECK_ERR(vxlBackendDomainReboot(be, hvm, VXL_REQUEST_ACPI),
              VIR_ERR_OPERATION_UNSUPPORTED, "only through its PV control node");
    CHECK_ERR(vxlBackendDomainShutdown(be, 4242, VXL_REQUEST_ACPI), VIR_ERR_NO_DOMAIN, NULL);
    testPump(100);
    CHECK(testEvents->len == 0, "a refused request reached a guest");

    CHECK_OK(vxlBackendDomainShutdown(be, hvm, VXL_REQUEST_ACPI));
    CHECK_OK(vxlBackendDomainShutdown(be, pv, VXL_REQUEST_PARAVIRT | VXL_REQUEST_ACPI));
    CHECK_OK(vxlBackendDomainReboot(be, pvh, VXL_REQUEST_PARAVIRT | VXL_REQUEST_ACPI));
    CHECK(testWaitEvents(3, 5000), "only %u events", testEvents->len);
    CHECK((ev = testFindEvent(hvm)) && ev->reason == VXL_SHUTDOWN_POWEROFF, "hvm");
    CHECK((ev = testFindEvent(pv)) && ev->reason == VXL_SHUTDOWN_POWEROFF, "pv");
    CHECK((ev = testFindEvent(pvh)) && ev->reason == VXL_SHUTDOWN_REBOOT, "pvh");
    g_clear_pointer(&be, testClose);
    return 0;
}

static int
testScripts(void)
{
    static const struct {
        const char *name;
        vxlGuestScript script;
        vxlShutdownReason reason;
        vxlDomainState state;
    } cases[] = {
        { "crash", { .crashAfterMs = 100 }, VXL_SHUTDOWN_CRASH, VXL_DOMSTATE_CRASHED },
        { "reboot", { .rebootAfterMs = 120 }, VXL_SHUTDOWN_REBOOT, VXL_DOMSTATE_SHUTDOWN },
        { "poweroff", { .poweroffAfterMs = 140 }, VXL_SHUTDOWN_POWEROFF, VXL_DOMSTATE_SHUTDOWN },
        { "watchdog", { .watchdogAfterMs = 160 }, VXL_SHUTDOWN_WATCHDOG, VXL_DOMSTATE_SHUTDOWN },
        { "softreset", { .softResetAfterMs = 180 }, VXL_SHUTDOWN_SOFT_RESET, VXL_DOMSTATE_SHUTDOWN },
        /* Several at once: the earliest wins, the rest never fire. */
        { "several", { .crashAfterMs = 400, .poweroffAfterMs = 150 },
          VXL_SHUTDOWN_POWEROFF, VXL_DOMSTATE_SHUTDOWN },
    };
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, true);
    uint32_t ids[G_N_ELEMENTS(cases)];
    vxlDomainInfo info = { 0 };
    vxlGuestScript frozen = { .crashAfterMs = 400 };
    const testEvent *ev;
    uint32_t fz;
    long long created;
    long long paused;
    long long resumed;
    size_t i;

    CHECK(be, "%s", virGetLastErrorMessage());
    for (i = 0; i < G_N_ELEMENTS(cases); i++)
        CHECK_OK(testCreate(be, cases[i].name, LIBXL_DOMAIN_TYPE_HVM, 64 * MiB, 1,
                            &cases[i].script, false, &ids[i]));
    CHECK(testWaitEvents(G_N_ELEMENTS(cases), 5000), "%u events", testEvents->len);
    testPump(500);
    CHECK(testEvents->len == G_N_ELEMENTS(cases), "an action fired twice: %u events",
          testEvents->len);
    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        CHECK((ev = testFindEvent(ids[i])) && ev->reason == cases[i].reason,
              "%s: reason %d", cases[i].name, ev ? (int)ev->reason : -1);
        CHECK(testCountEvents(ids[i]) == 1, "%s", cases[i].name);
        CHECK_OK(testInfo(be, ids[i], &info));
        CHECK(info.state == cases[i].state && info.shutdownReason == cases[i].reason,
              "%s: state %d reason %d", cases[i].name, info.state, info.shutdownReason);
    }

    /* Pausing freezes the script: 400 ms of running time, paused after
     * about 150. The guest ran at most (paused - created) before the
     * pause, so at least 400 ms minus that is left after the unpause. */
    g_array_set_size(testEvents, 0);
    created = g_get_monotonic_time();
    CHECK_OK(testCreate(be, "frozen", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, &frozen, false, &fz));
    testPump(150);
    CHECK_OK(vxlBackendDomainPause(be, fz));
    paused = g_get_monotonic_time();
    testPump(500);
    CHECK(testEvents->len == 0, "a paused guest crashed");
    resumed = g_get_monotonic_time();
    CHECK_OK(vxlBackendDomainUnpause(be, fz));
    CHECK(testWaitEvents(1, 5000), "never crashed after unpause");
    ev = testFindEvent(fz);
    CHECK(ev && ev->reason == VXL_SHUTDOWN_CRASH, "crash");
    CHECK(ev->at - resumed >= 400 * 1000 - (paused - created),
          "crashed %lld ms after unpause; at least %lld ms of running time were left",
          (ev->at - resumed) / 1000, (400 * 1000 - (paused - created)) / 1000);
    vxlDomainInfoClear(&info);
    g_clear_pointer(&be, testClose);
    return 0;
}

static int
testDestroy(void)
{
    g_autoptr(vxlBackend) be = testOpen("small-host", NULL, true);
    vxlGuestScript slow = { .shutdownDelayMs = 200, .crashAfterMs = 250 };
    vxlGuestScript crash = { .crashAfterMs = 20 };
    vxlDomainInfo info = { 0 };
    uint32_t a, b, c;

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "a", LIBXL_DOMAIN_TYPE_PV, 256 * MiB, 1, &slow, false, &a));
    CHECK_OK(testCreate(be, "b", LIBXL_DOMAIN_TYPE_PV, 256 * MiB, 1, NULL, true, &b));
    CHECK_OK(testCreate(be, "c", LIBXL_DOMAIN_TYPE_PV, 256 * MiB, 1, &crash, false, &c));
    CHECK(testWaitEvents(1, 5000), "c never crashed");
    g_array_set_size(testEvents, 0);

    CHECK_OK(vxlBackendDomainShutdown(be, a, 0));
    CHECK_OK(vxlBackendDomainDestroy(be, a));     /* running, request pending */
    CHECK_OK(vxlBackendDomainDestroy(be, b));     /* paused */
    CHECK_OK(vxlBackendDomainDestroy(be, c));     /* crashed */
    CHECK(testFree(be) == 1048576, "memory not returned: %llu", testFree(be));
    CHECK(testCount(be) == 0, "domains left");
    CHECK_ERR(testInfo(be, a, &info), VIR_ERR_NO_DOMAIN, NULL);
    CHECK_ERR(vxlBackendDomainDestroy(be, a), VIR_ERR_NO_DOMAIN, NULL);
    testPump(400);
    CHECK(testEvents->len == 0, "a destroyed domain raised an event");

    /* A shutdown noticed by a hook but not yet delivered dies with it. */
    CHECK_OK(testCreate(be, "d", LIBXL_DOMAIN_TYPE_PV, 256 * MiB, 1, &crash, false, &a));
    g_usleep(60 * 1000);
    CHECK_OK(testInfo(be, a, &info));
    CHECK(info.state == VXL_DOMSTATE_CRASHED, "lazy model: %d", info.state);
    CHECK_OK(vxlBackendDomainDestroy(be, a));
    testPump(100);
    CHECK(testEvents->len == 0, "queued event survived destroy");
    vxlDomainInfoClear(&info);
    g_clear_pointer(&be, testClose);
    return 0;
}

static int
testCpuTime(void)
{
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, true);
    vxlGuestScript off = { .poweroffAfterMs = 100 };
    vxlDomainInfo i0 = { 0 };
    vxlDomainInfo i1 = { 0 };
    long long before, inner0, inner1, after;
    unsigned long long delta;
    uint32_t id;
    uint32_t s;

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "busy", LIBXL_DOMAIN_TYPE_PVH, 64 * MiB, 2, NULL, false, &id));

    /* Running: 2 vCPUs x elapsed x 10%, bracketed by measured time. */
    before = g_get_monotonic_time();
    CHECK_OK(testInfo(be, id, &i0));
    inner0 = g_get_monotonic_time();
    g_usleep(200 * 1000);
    inner1 = g_get_monotonic_time();
    CHECK_OK(testInfo(be, id, &i1));
    after = g_get_monotonic_time();
    delta = i1.cpuTimeNs - i0.cpuTimeNs;
    CHECK(delta >= 2ULL * (inner1 - inner0) * 100 &&
          delta <= 2ULL * (after - before) * 100,
          "cpu time grew %llu ns over %lld-%lld us", delta,
          inner1 - inner0, after - before);

    /* Paused: frozen. */
    CHECK_OK(vxlBackendDomainPause(be, id));
    CHECK_OK(testInfo(be, id, &i0));
    g_usleep(150 * 1000);
    CHECK_OK(testInfo(be, id, &i1));
    CHECK(i1.cpuTimeNs == i0.cpuTimeNs, "grew while paused");
    CHECK_OK(vxlBackendDomainUnpause(be, id));

    /* One vCPU online: half the rate. */
    CHECK_OK(vxlBackendDomainSetVcpusOnline(be, id, 1));
    before = g_get_monotonic_time();
    CHECK_OK(testInfo(be, id, &i0));
    inner0 = g_get_monotonic_time();
    g_usleep(200 * 1000);
    inner1 = g_get_monotonic_time();
    CHECK_OK(testInfo(be, id, &i1));
    after = g_get_monotonic_time();
    delta = i1.cpuTimeNs - i0.cpuTimeNs;
    CHECK(delta >= 1ULL * (inner1 - inner0) * 100 &&
          delta <= 1ULL * (after - before) * 100, "1 vCPU: %llu ns", delta);

    /* Shut down: frozen, and counted only up to the moment it stopped. */
    CHECK_OK(testCreate(be, "stops", LIBXL_DOMAIN_TYPE_PVH, 64 * MiB, 1, &off, false, &s));
    CHECK(testWaitEvents(1, 5000), "never powered off");
    CHECK_OK(testInfo(be, s, &i0));
    g_usleep(100 * 1000);
    CHECK_OK(testInfo(be, s, &i1));
    CHECK(i0.state == VXL_DOMSTATE_SHUTDOWN && i1.cpuTimeNs == i0.cpuTimeNs, "after shutdown");
    CHECK(i0.cpuTimeNs == 100ULL * 1000 * 100, "100 ms x 1 vCPU x 10%% = 10 ms, got %llu ns",
          i0.cpuTimeNs);
    vxlDomainInfoClear(&i0);
    vxlDomainInfoClear(&i1);
    g_clear_pointer(&be, testClose);
    return 0;
}

/* ----- a failed destination's reason on the migration stream ------------ */

/* Write @text on @fd; the test's side of a socket pair. */
static int
testWriteText(int fd, const char *text)
{
    return safewrite(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : -1;
}

/* What a destination sends (vxlMigrateStreamSendError) is what its
 * source reports (the wait for a reply, or a failed write): the code
 * kept, the text once, without the prefix of its code; a line of an
 * earlier peer, or with a code libvirt does not have, still reads; a
 * peer that closed without a word leaves the source's own error. */
static int
testMigrateErrorLine(void)
{
    vxlMigrateStream st = { .fd = -1 };
    virErrorPtr err = NULL;
    int fds[2] = { -1, -1 };
    int ret = -1;
    bool told;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
        return -1;

    virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                   "the guest's config is refused\nby the restore");
    virErrorPreserveLast(&err);
    virResetLastError();
    vxlMigrateStreamSendError(fds[0], err);
    if (vxlMigrateStreamExpect(fds[1], "ready", "dom") == 0 ||
        testCheckError(-1, VIR_ERR_OPERATION_INVALID,
                       "is not valid: migration failed on the destination host: the guest's config is refused by the restore",
                       __FILE__, __LINE__) < 0)
        goto cleanup;

    if (testWriteText(fds[0], "error plain words\n") < 0 ||
        vxlMigrateStreamExpect(fds[1], "ready", "dom") == 0 ||
        testCheckError(-1, VIR_ERR_OPERATION_FAILED,
                       "destination host: plain words", __FILE__, __LINE__) < 0)
        goto cleanup;
    if (testWriteText(fds[0], "error 100000 odd code\n") < 0 ||
        vxlMigrateStreamExpect(fds[1], "ready", "dom") == 0 ||
        testCheckError(-1, VIR_ERR_OPERATION_FAILED,
                       "destination host: odd code", __FILE__, __LINE__) < 0)
        goto cleanup;

    /* One way (libvirt's tunnel): nothing is read from it. */
    st.fd = fds[1];
    st.oneWay = true;
    if (testWriteText(fds[0], "error 9 from the peer\n") < 0)
        goto cleanup;
    if (vxlMigrateStreamPeerFailed(&st)) {
        fprintf(stderr, "  FAIL: a one-way stream was read\n");
        goto cleanup;
    }
    st.oneWay = false;
    told = vxlMigrateStreamPeerFailed(&st);
    if (!told || testCheckError(-1, VIR_ERR_OPERATION_FAILED,
                                "destination host: from the peer",
                                __FILE__, __LINE__) < 0) {
        fprintf(stderr, "  FAIL: the peer's line was not reported\n");
        goto cleanup;
    }
    /* Closed without a word: the caller's error stands. */
    VIR_FORCE_CLOSE(fds[0]);
    virReportError(VIR_ERR_SYSTEM_ERROR, "%s", "the source's own error");
    if (vxlMigrateStreamPeerFailed(&st) ||
        testCheckError(-1, VIR_ERR_SYSTEM_ERROR, "the source's own error",
                       __FILE__, __LINE__) < 0) {
        fprintf(stderr, "  FAIL: a silent close replaced the error\n");
        goto cleanup;
    }
    ret = 0;

 cleanup:
    virFreeError(err);
    VIR_FORCE_CLOSE(fds[0]);
    VIR_FORCE_CLOSE(fds[1]);
    return ret;
}

/* ----- the other hooks ----------------------------------------------------- */

static int
testMisc(void)
{
    g_autofree char *dir = testMkdir("misc");
    g_autofree char *dump = g_strdup_printf("%s/x.core", dir);
    g_autofree char *text = NULL;
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", NULL, false);
    vxlDomainInfo info = { 0 };
    uint32_t x, y;

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "x", LIBXL_DOMAIN_TYPE_HVM, 1024 * MiB, 4, NULL, false, &x));
    CHECK_OK(testCreate(be, "y", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &y));

    /* rename */
    CHECK_ERR(vxlBackendDomainRename(be, x, "y", NULL), VIR_ERR_OPERATION_FAILED,
              "a domain with that name already exists");
    CHECK_ERR(vxlBackendDomainRename(be, x, "", NULL), VIR_ERR_INVALID_ARG, NULL);
    CHECK_OK(vxlBackendDomainRename(be, x, "x-renamed", NULL));
    CHECK_OK(testInfo(be, x, &info));
    CHECK(STREQ(info.name, "x-renamed"), "%s", info.name);
    CHECK_OK(testCreate(be, "x", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &y));

    /* rename-restart: the dead incarnation takes a new name and UUID, so
     * both are free for the next one. */
    {
        testDomSpec s = { .name = "inc", .type = LIBXL_DOMAIN_TYPE_PV,
                          .maxKiB = 64 * MiB, .vcpus = 1, .uuidFrom = "inc" };
        libxl_domain_config dcfg;
        unsigned char fresh[16];
        unsigned char taken[16];
        uint32_t inc, inc2;
        int rc;

        testConfig(&dcfg, &s);
        memcpy(taken, libxl_uuid_bytearray(&dcfg.c_info.uuid), 16);
        rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &inc);
        CHECK_OK(rc);
        CHECK_ERR(vxlBackendDomainRename(be, x, "x-renamed", taken),
                  VIR_ERR_OPERATION_FAILED, "cannot give domain 'x-renamed' the UUID of domain 'inc'");
        memset(fresh, 0x5a, sizeof(fresh));
        CHECK_OK(vxlBackendDomainRename(be, inc, "inc--incarnation-1", fresh));
        CHECK_OK(testInfo(be, inc, &info));
        CHECK(memcmp(info.uuid, fresh, 16) == 0, "uuid not changed");
        rc = vxlBackendDomainCreate(be, &dcfg, NULL, false, &inc2);
        libxl_domain_config_dispose(&dcfg);
        CHECK_OK(rc);
        CHECK_OK(vxlBackendDomainDestroy(be, inc));
        CHECK_OK(vxlBackendDomainDestroy(be, inc2));
    }

    /* memory */
    CHECK_ERR(vxlBackendDomainSetMemory(be, x, 2048 * MiB), VIR_ERR_INVALID_ARG,
              "to 2097152 KiB: it must be between 1 KiB and its maximum of 1048576 KiB");
    CHECK_OK(vxlBackendDomainSetMemory(be, x, 512 * MiB));
    CHECK_OK(testInfo(be, x, &info));
    CHECK(info.currentKiB == 512 * MiB && info.maxKiB == 1024 * MiB, "balloon");
    CHECK_ERR(vxlBackendDomainSetMaxMemory(be, x, 256 * MiB), VIR_ERR_INVALID_ARG,
              "below its current memory of 524288 KiB");

    /* vcpus */
    CHECK_ERR(vxlBackendDomainSetVcpusOnline(be, x, 0), VIR_ERR_INVALID_ARG, "between 1 and 4");
    CHECK_ERR(vxlBackendDomainSetVcpusOnline(be, x, 5), VIR_ERR_INVALID_ARG, "between 1 and 4");
    CHECK_OK(vxlBackendDomainSetVcpusOnline(be, x, 3));
    CHECK_OK(testInfo(be, x, &info));
    CHECK(info.vcpusOnline == 3 && info.vcpusMax == 4, "vcpus %u", info.vcpusOnline);

    /* core dump */
    CHECK_OK(vxlBackendDomainCoreDump(be, x, dump, NULL));
    CHECK(virFileReadAll(dump, 1 << 20, &text) >= 0, "dump not written");
    CHECK(strstr(text, "name: x-renamed\n") && strstr(text, "type: hvm\n") &&
          strstr(text, "\"max_memkb\": 1048576"), "dump: %s", text);
    CHECK_ERR(vxlBackendDomainCoreDump(be, x, "/nonexistent-dir/x.core", NULL),
              VIR_ERR_SYSTEM_ERROR, "cannot write the core dump of domain 'x-renamed' to '/nonexistent-dir/x.core'");
    CHECK_ERR(vxlBackendDomainCoreDump(be, 777, dump, NULL), VIR_ERR_NO_DOMAIN, NULL);

    /* An injected fault leaves nothing behind either. */
    CHECK_OK(vxlBackendInjectFault(be, "domainCreate", 1));
    CHECK_ERR(testCreate(be, "z", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &y),
              VIR_ERR_INTERNAL_ERROR, "injected fault");
    CHECK(testCount(be) == 3, "count %zu", testCount(be));
    vxlDomainInfoClear(&info);
    g_clear_pointer(&be, testClose);
    return 0;
}

/* ----- persistence -------------------------------------------------------- */

static int
testPersistence(void)
{
    g_autofree char *dir = testMkdir("persist");
    g_autofree char *host = g_strdup_printf("%s/sim/host.json", dir);
    g_autofree char *state = NULL;
    g_autofree char *tmp = NULL;
    vxlGuestScript crashLater = { .crashAfterMs = 2500 };
    vxlGuestScript offSoon = { .poweroffAfterMs = 30 };
    vxlGuestScript ignore = { .onShutdownRequest = VXL_GUEST_SHUTDOWN_IGNORE };
    vxlGuestScript pendingReq = { .shutdownDelayMs = 2000 };
    vxlDomainInfo *before = NULL;
    vxlDomainInfo *after = NULL;
    size_t nbefore = 0;
    size_t nafter = 0;
    vxlDomainInfo info = { 0 };
    unsigned long long freeBefore;
    const testEvent *ev;
    uint32_t r, p, s, ig, pr, n;
    long long reopened;
    size_t i;
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", dir, true);

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "runs", LIBXL_DOMAIN_TYPE_HVM, 512 * MiB, 2, &crashLater, false, &r));
    CHECK_OK(testCreate(be, "paused", LIBXL_DOMAIN_TYPE_PV, 256 * MiB, 1, NULL, true, &p));
    CHECK_OK(testCreate(be, "stopped", LIBXL_DOMAIN_TYPE_PVH, 128 * MiB, 1, &offSoon, false, &s));
    CHECK_OK(testCreate(be, "ignores", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, &ignore, false, &ig));
    CHECK_OK(testCreate(be, "asked", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, &pendingReq, false, &pr));
    CHECK(testWaitEvents(1, 5000), "stopped never stopped");
    CHECK_OK(vxlBackendDomainShutdown(be, ig, 0));
    CHECK_OK(vxlBackendDomainShutdown(be, pr, 0));
    CHECK_OK(vxlBackendDomainSetMemory(be, p, 200 * MiB));
    testPump(100);
    state = g_strdup_printf("%s/sim/domain-%u.json", dir, r);
    tmp = g_strdup_printf("%s.new", state);
    CHECK(virFileExists(state), "no state file");
    CHECK(!virFileExists(tmp), "temporary file left behind");
    CHECK_OK(vxlBackendDomainList(be, &before, &nbefore));
    freeBefore = testFree(be);
    g_clear_pointer(&be, testClose);

    /* The daemon is down for a while; its guests run on. */
    g_usleep(100 * 1000);

    reopened = g_get_monotonic_time();
    be = testOpen("intel-2s-vtd", dir, true);
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(vxlBackendDomainList(be, &after, &nafter));
    CHECK(nafter == nbefore && nafter == 5, "%zu domains before, %zu after", nbefore, nafter);
    for (i = 0; i < nafter; i++) {
        CHECK(after[i].domid == before[i].domid && STREQ(after[i].name, before[i].name) &&
              memcmp(after[i].uuid, before[i].uuid, 16) == 0, "domain %zu", i);
        CHECK(testIsRunning(after[i].state) == testIsRunning(before[i].state) &&
              (testIsRunning(after[i].state) || after[i].state == before[i].state),
              "%s: state %d -> %d", after[i].name, before[i].state, after[i].state);
        CHECK(after[i].shutdownReason == before[i].shutdownReason, "%s", after[i].name);
        CHECK(after[i].currentKiB == before[i].currentKiB &&
              after[i].maxKiB == before[i].maxKiB &&
              after[i].vcpusOnline == before[i].vcpusOnline, "%s", after[i].name);
        CHECK(after[i].cpuTimeNs >= before[i].cpuTimeNs, "%s: cpu time went back",
              after[i].name);
        if (after[i].domid == r)
            CHECK(after[i].cpuTimeNs >= before[i].cpuTimeNs + 2 * 100000ULL * 100,
                  "the downtime was not running time: %llu -> %llu",
                  before[i].cpuTimeNs, after[i].cpuTimeNs);
    }
    CHECK(testFree(be) == freeBefore, "free memory %llu -> %llu", freeBefore, testFree(be));

    /* The domain that had shut down is reported again (libxl does so when
     * the toolstack watches it anew); timers fire as they would have. */
    CHECK(testWaitEvents(3, 5000), "%u events after reopen", testEvents->len);
    testPump(200);
    CHECK((ev = testFindEvent(s)) && ev->reason == VXL_SHUTDOWN_POWEROFF, "re-reported");
    CHECK((ev = testFindEvent(pr)) && ev->reason == VXL_SHUTDOWN_POWEROFF, "pending request");
    CHECK((ev = testFindEvent(r)) && ev->reason == VXL_SHUTDOWN_CRASH, "script timer");
    CHECK(ev->at - reopened < 2500 * 1000, "the crash timer restarted from zero");
    CHECK(!testFindEvent(p) && !testFindEvent(ig), "paused/ignoring guests acted");
    CHECK(testEvents->len == 3, "%u events", testEvents->len);

    CHECK_OK(testInfo(be, ig, &info));
    CHECK(testIsRunning(info.state), "ignoring guest");
    CHECK_OK(vxlBackendDomainShutdown(be, ig, 0));   /* still pending: accepted */
    CHECK_OK(testInfo(be, p, &info));
    CHECK(info.state == VXL_DOMSTATE_PAUSED && info.currentKiB == 200 * MiB, "paused");

    /* Ids keep counting from where they were. */
    CHECK_OK(testCreate(be, "new", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &n));
    CHECK(n == 6, "new id %u", n);
    g_clear_pointer(&be, testClose);

    /* A corrupt state file is refused with its name. */
    CHECK(g_file_set_contents(host, "{ \"format\": 2, \"lastDomid\": ", -1, NULL), "write");
    be = testOpen("intel-2s-vtd", dir, true);
    CHECK(!be, "corrupt state accepted");
    CHECK_ERR(-1, VIR_ERR_INTERNAL_ERROR, host);
    CHECK(unlink(host) == 0, "remove host.json");
    CHECK(g_file_set_contents(state, "{\"format\": 2, \"domid\": \"one\"}", -1, NULL),
          "write");
    be = testOpen("intel-2s-vtd", dir, true);
    CHECK(!be, "corrupt state accepted");
    g_free(tmp);
    tmp = g_strdup_printf("%s' is corrupt: field 'domid'", state);
    CHECK_ERR(-1, VIR_ERR_INTERNAL_ERROR, tmp);

    vxlDomainInfoListFree(before, nbefore);
    vxlDomainInfoListFree(after, nafter);
    vxlDomainInfoClear(&info);
    return 0;
}

/* Each change writes the one domain it changed; a destroy removes its
 * file; a leftover temporary file from an interrupted write is ignored. */
static int
testPerDomainFiles(void)
{
    g_autofree char *dir = testMkdir("perdomain");
    g_autofree char *fa = NULL;
    g_autofree char *fb = NULL;
    g_autofree char *stray = NULL;
    struct stat before;
    struct stat after;
    uint32_t a, b, c;
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", dir, false);

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "pa", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &a));
    CHECK_OK(testCreate(be, "pb", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &b));
    fa = g_strdup_printf("%s/sim/domain-%u.json", dir, a);
    fb = g_strdup_printf("%s/sim/domain-%u.json", dir, b);
    CHECK(stat(fa, &before) == 0 && virFileExists(fb), "no domain files");
    g_usleep(20 * 1000);
    CHECK_OK(vxlBackendDomainPause(be, b));
    CHECK(stat(fa, &after) == 0 && after.st_ino == before.st_ino &&
          after.st_mtime == before.st_mtime, "a change to b rewrote a's file");
    CHECK_OK(vxlBackendDomainDestroy(be, a));
    CHECK(!virFileExists(fa), "a destroyed domain's file stays");
    stray = g_strdup_printf("%s.new", fb);
    CHECK(g_file_set_contents(stray, "{ half a file", -1, NULL), "write stray");
    g_clear_pointer(&be, testClose);

    be = testOpen("intel-2s-vtd", dir, false);
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK(testCount(be) == 1, "%zu domains", testCount(be));
    CHECK(!virFileExists(stray), "the stray temporary file stays");
    CHECK_OK(testCreate(be, "pc", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &c));
    CHECK(c == 3, "ids go on after the newest, destroyed or not: got %u", c);
    g_clear_pointer(&be, testClose);
    return 0;
}

/* The whole-host file of earlier versions is read once, converted to
 * per-domain files and removed. */
static int
testUpgrade(void)
{
    g_autofree char *dir = testMkdir("upgrade");
    g_autofree char *legacy = g_strdup_printf("%s/sim-state.json", dir);
    g_autofree char *simdir = g_strdup_printf("%s/sim", dir);
    g_autoptr(virJSONValue) root = virJSONValueNewObject();
    g_autoptr(virJSONValue) doms = virJSONValueNewArray();
    g_autofree char *text = NULL;
    vxlDomainInfo info = { 0 };
    uint32_t ids[3];
    uint32_t n;
    size_t i;
    g_autoptr(vxlBackend) be = testOpen("intel-2s-vtd", dir, false);

    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK_OK(testCreate(be, "u1", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &ids[0]));
    CHECK_OK(testCreate(be, "u2", LIBXL_DOMAIN_TYPE_HVM, 128 * MiB, 2, NULL, true, &ids[1]));
    CHECK_OK(testCreate(be, "u3", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &ids[2]));
    CHECK_OK(vxlBackendDomainDestroy(be, ids[2]));
    g_clear_pointer(&be, testClose);

    /* The same host as the old format had it: one file, every domain. */
    for (i = 0; i < 2; i++) {
        g_autofree char *f = g_strdup_printf("%s/domain-%u.json", simdir, ids[i]);
        g_autofree char *t = NULL;
        g_autoptr(virJSONValue) d = NULL;

        CHECK(virFileReadAll(f, 1 << 20, &t) >= 0, "read %s", f);
        CHECK((d = virJSONValueFromString(t)), "parse %s", f);
        ignore_value(virJSONValueObjectRemoveKey(d, "format", NULL));
        CHECK(virJSONValueArrayAppend(doms, &d) == 0, "append");
    }
    CHECK(virJSONValueObjectAppendNumberUint(root, "format", 1) == 0 &&
          virJSONValueObjectAppendNumberUint(root, "lastDomid", ids[2]) == 0 &&
          virJSONValueObjectAppendNumberUlong(root, "nextLife", 4) == 0 &&
          virJSONValueObjectAppend(root, "domains", &doms) == 0, "build");
    text = virJSONValueToString(root, true);
    CHECK(virFileDeleteTree(simdir) == 0, "remove %s", simdir);
    CHECK(g_file_set_contents(legacy, text, -1, NULL), "write legacy");

    be = testOpen("intel-2s-vtd", dir, false);
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK(!virFileExists(legacy), "the old file stays");
    CHECK(testCount(be) == 2, "%zu domains", testCount(be));
    CHECK_OK(testInfo(be, ids[1], &info));
    CHECK(info.state == VXL_DOMSTATE_PAUSED && info.vcpusMax == 2 && STREQ(info.name, "u2"),
          "u2 after the upgrade");
    vxlDomainInfoClear(&info);
    g_clear_pointer(&be, testClose);

    /* And from the new files on. */
    be = testOpen("intel-2s-vtd", dir, false);
    CHECK(be, "%s", virGetLastErrorMessage());
    CHECK(testCount(be) == 2, "%zu domains after the second open", testCount(be));
    CHECK_OK(testCreate(be, "u4", LIBXL_DOMAIN_TYPE_PV, 64 * MiB, 1, NULL, false, &n));
    CHECK(n == ids[2] + 1, "the old file's counter is kept: got %u", n);
    g_clear_pointer(&be, testClose);
    return 0;
}

/* ----- main ---------------------------------------------------------------- */

/* ----- save and restore (sim_save.c) ------------------------------------ */

/* A fd on a fresh file under the test root, for a stream. */
static int
testStreamFile(const char *name, char **path)
{
    *path = g_strdup_printf("%s/%s", testTmpRoot, name);
    return open(*path, O_RDWR | O_CREAT | O_TRUNC, 0600);
}

static int
testSaveRestore(void)
{
    g_autofree char *dir = testMkdir("save");
    g_autoptr(vxlBackend) be = testOpen(NULL, dir, true);
    g_autofree char *path = NULL;
    g_autofree char *bad = NULL;
    vxlJobToken *tok = vxlJobTokenNew();
    testDomSpec spec = { .name = "sv", .type = LIBXL_DOMAIN_TYPE_PV,
                         .maxKiB = 64 * MiB, .vcpus = 2 };
    testDomSpec other = { .name = "sv", .type = LIBXL_DOMAIN_TYPE_PV,
                          .maxKiB = 64 * MiB, .vcpus = 2, .uuidFrom = "else" };
    libxl_domain_config dcfg;
    libxl_domain_config ocfg;
    vxlDomainInfo info = { 0 };
    unsigned long long cpu;
    unsigned long long done, total;
    uint32_t id, id2;
    int fd, fd2;
    struct stat sb;

    CHECK(be, "open: %s", virGetLastErrorMessage());
    testConfig(&dcfg, &spec);
    testConfig(&ocfg, &other);
    CHECK_OK(vxlBackendDomainCreate(be, &dcfg, NULL, false, &id));
    CHECK_OK(vxlBackendDomainSetVcpusOnline(be, id, 1));
    g_usleep(200 * 1000);

    /* Save: the guest stops, and is left shut down (suspend) without an
     * event; progress reaches the guest's memory. */
    CHECK((fd = testStreamFile("sv.stream", &path)) >= 0, "open");
    CHECK_OK(vxlBackendDomainSave(be, id, fd, tok));
    CHECK_OK(testInfo(be, id, &info));
    CHECK(info.state == VXL_DOMSTATE_SHUTDOWN &&
          info.shutdownReason == VXL_SHUTDOWN_SUSPEND, "state %d", info.state);
    cpu = info.cpuTimeNs;
    vxlDomainInfoClear(&info);
    vxlJobTokenGetProgress(tok, &done, &total);
    CHECK(done == total && total == 64ULL * MiB * 1024, "progress %llu/%llu", done, total);
    testPump(50);
    CHECK(testCountEvents(id) == 0, "an event for the saved domain");
    CHECK_OK(vxlBackendDomainDestroy(be, id));

    /* Another guest's config does not take the stream. */
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "seek");
    CHECK_ERR(vxlBackendDomainRestore(be, &ocfg, NULL, fd, NULL, &id2),
              VIR_ERR_OPERATION_FAILED, "of another guest");
    CHECK(testCount(be) == 0, "a domain was left");

    /* Restore: paused, with the saved vCPUs and CPU time. */
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "seek");
    CHECK_OK(vxlBackendDomainRestore(be, &dcfg, NULL, fd, NULL, &id2));
    CHECK_OK(testInfo(be, id2, &info));
    CHECK(info.state == VXL_DOMSTATE_PAUSED && info.vcpusOnline == 1 &&
          info.cpuTimeNs == cpu, "state %d vcpus %u cpu %llu/%llu",
          info.state, info.vcpusOnline, info.cpuTimeNs, cpu);
    vxlDomainInfoClear(&info);
    CHECK_OK(vxlBackendDomainDestroy(be, id2));

    /* A truncated or corrupt stream: refused, nothing left. */
    CHECK(fstat(fd, &sb) == 0, "stat");
    CHECK((fd2 = testStreamFile("bad.stream", &bad)) >= 0, "open");
    {
        g_autofree char *buf = g_new0(char, sb.st_size);

        CHECK(pread(fd, buf, sb.st_size, 0) == sb.st_size, "read");
        CHECK(write(fd2, buf, sb.st_size / 2) == sb.st_size / 2, "write");
        CHECK(lseek(fd2, 0, SEEK_SET) == 0, "seek");
        CHECK_ERR(vxlBackendDomainRestore(be, &dcfg, NULL, fd2, NULL, &id2),
                  VIR_ERR_OPERATION_FAILED, "truncated");
        buf[sb.st_size - 100] ^= 0x55;
        CHECK(pwrite(fd2, buf, sb.st_size, 0) == sb.st_size, "write");
        CHECK(lseek(fd2, 0, SEEK_SET) == 0, "seek");
        CHECK_ERR(vxlBackendDomainRestore(be, &dcfg, NULL, fd2, NULL, &id2),
                  VIR_ERR_OPERATION_FAILED, "corrupt");
    }
    CHECK(testCount(be) == 0, "a domain was left");

    /* A cancelled save leaves the guest running as before. */
    CHECK_OK(vxlBackendDomainCreate(be, &dcfg, NULL, false, &id));
    vxlJobTokenFree(tok);
    tok = vxlJobTokenNew();
    vxlJobTokenCancel(tok);
    CHECK(lseek(fd2, 0, SEEK_SET) == 0, "seek");
    CHECK_ERR(vxlBackendDomainSave(be, id, fd2, tok), VIR_ERR_OPERATION_ABORTED,
              "cancelled");
    CHECK_OK(testInfo(be, id, &info));
    CHECK(testIsRunning(info.state), "state %d", info.state);
    vxlDomainInfoClear(&info);
    CHECK_ERR(vxlBackendDomainSave(be, 777, fd2, NULL), VIR_ERR_NO_DOMAIN, NULL);

    vxlJobTokenFree(tok);
    VIR_FORCE_CLOSE(fd);
    VIR_FORCE_CLOSE(fd2);
    libxl_domain_config_dispose(&dcfg);
    libxl_domain_config_dispose(&ocfg);
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(void);
} testCases[] = {
    { "profiles-shipped", testProfilesShipped },
    { "profile-errors", testProfileErrors },
    { "profile-resolution", testProfileResolution },
    { "sriov", testSriov },
    { "domids", testDomids },
    { "memory", testMemory },
    { "unsupported", testUnsupported },
    { "pci-name", testPciName },
    { "usb-redirection", testUsbRedirection },
    { "disk-numbers", testDiskNumbers },
    { "qdisk-vdev", testQdiskVdev },
    { "concurrent-creates", testConcurrentCreates },
    { "concurrent-memory", testConcurrentMemory },
    { "close-during-create", testCloseDuringCreate },
    { "pause", testPause },
    { "shutdown-policies", testShutdownPolicies },
    { "request-modes", testRequestModes },
    { "scripts", testScripts },
    { "destroy", testDestroy },
    { "cpu-time", testCpuTime },
    { "misc", testMisc },
    { "migrate-error-line", testMigrateErrorLine },
    { "persistence", testPersistence },
    { "per-domain-files", testPerDomainFiles },
    { "upgrade", testUpgrade },
    { "save-restore", testSaveRestore },
};

int
main(void)
{
    const char *only = getenv("VXL_TEST_ONLY");
    int tick;
    int passed = 0;
    int failed = 0;
    size_t i;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0) {
        fprintf(stderr, "cannot initialise libvirt\n");
        return EXIT_FAILURE;
    }
    /* The test provokes errors on purpose; libvirt would log each one. */
    if (!getenv("VXL_TEST_VERBOSE"))
        ignore_value(virLogSetOutputs("1:file:/dev/null"));
    g_unsetenv("VIRTXL_PROFILE_DIR");

    testEvents = g_array_new(FALSE, FALSE, sizeof(testEvent));
    testTmpRoot = g_dir_make_tmp("vxl-sim-test-XXXXXX", NULL);
    tick = virEventAddTimeout(5, testTick, NULL, NULL);

    for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
        long long t0 = g_get_monotonic_time();
        int rc;

        if (only && STRNEQ(only, testCases[i].name))
            continue;
        rc = testCases[i].fn();
        virResetLastError();
        printf("%s %s (%lld ms)\n", rc == 0 ? "PASS" : "FAIL", testCases[i].name,
               (g_get_monotonic_time() - t0) / 1000);
        if (rc == 0)
            passed++;
        else
            failed++;
    }

    testPump(20);
    /* The removal completes from an idle callback: one more iteration. */
    virEventRemoveTimeout(tick);
    virEventRunDefaultImpl();
    ignore_value(virFileDeleteTree(testTmpRoot));
    g_free(testTmpRoot);
    g_array_free(testEvents, TRUE);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
