/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xen_cpu.c: the host CPU, for <host><cpu> (vxlHostFacts).
 *
 * Model and features (x86): Xen's host CPUID feature set, the features
 * Xen found on the CPU and uses (xc_get_cpu_featureset with
 * XEN_SYSCTL_cpu_featureset_host). Each word goes back into the CPUID
 * leaf or MSR it was read from, and libvirt's own CPU map names the
 * result (cpuDecode), as libvirt's other drivers name host CPUs: the
 * closest model and the features beyond it. When libxenguest cannot
 * answer, physinfo's hw_cap: the first eight words of the same set, what
 * `xl info` prints as hw_caps.
 *
 * Vendor, signature and microcode: dom0's /proc/cpuinfo. Under Xen these
 * are the host's: CPUID leaf 0 and leaf 1's family/model/stepping reach
 * dom0 as the hardware has them, and Xen answers dom0's read of the
 * microcode revision MSR with the real CPU's. dom0's feature flags are
 * not used: they are dom0's own levelled view (no vmx or svm, for one).
 *
 * Arm: model and vendor as libvirt names the CPU it runs on
 * (virCPUGetHost reads MIDR_EL1, which Xen gives dom0 as the host's); no
 * features, since Xen hides ID register fields from dom0. The GIC version from what Xen tells dom0
 * about the host's GIC: its device tree node (Xen copies the host's
 * compatible string) or, on ACPI hosts, the MADT's distributor entry.
 */
#include "vxl_internal.h"

#include <xenctrl.h>
#include <xenguest.h>

#include "xen_priv.h"
#include "cpu/cpu.h"
#include "cpu/cpu_x86.h"
#include "virarch.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.xen_cpu");

void
vxlXenCpuinfoClear(vxlXenCpuinfo *info)
{
    g_free(info->vendorId);
    memset(info, 0, sizeof(*info));
}


/* "key\t: value" -> value, when @line's key is @key. */
static const char *
vxlXenCpuinfoValue(const char *line, const char *key)
{
    size_t len = strlen(key);
    const char *p;

    if (!STRPREFIX(line, key))
        return NULL;
    p = line + len;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != ':')
        return NULL;
    p++;
    while (*p == ' ')
        p++;
    return p;
}


/* The first processor's block of /proc/cpuinfo @text: every CPU of a
 * host has the same signature, and Xen loads the same microcode on all. */
void
vxlXenCpuinfoParse(const char *text, vxlXenCpuinfo *info)
{
    g_auto(GStrv) lines = g_strsplit(NULLSTR_EMPTY(text), "\n", 0);
    bool inBlock = false;
    size_t i;

    memset(info, 0, sizeof(*info));
    for (i = 0; lines[i]; i++) {
        const char *line = lines[i];
        const char *v;
        unsigned int n;

        if (!*line) {
            if (inBlock)
                break;
            continue;
        }
        inBlock = true;
        if ((v = vxlXenCpuinfoValue(line, "vendor_id")) && *v) {
            g_free(info->vendorId);
            info->vendorId = g_strdup(v);
        } else if ((v = vxlXenCpuinfoValue(line, "cpu family")) &&
                   virStrToLong_ui(v, NULL, 10, &n) == 0) {
            info->family = n;
        } else if ((v = vxlXenCpuinfoValue(line, "model")) &&
                   virStrToLong_ui(v, NULL, 10, &n) == 0) {
            info->model = n;
        } else if ((v = vxlXenCpuinfoValue(line, "stepping")) &&
                   virStrToLong_ui(v, NULL, 10, &n) == 0) {
            info->stepping = n;
        } else if ((v = vxlXenCpuinfoValue(line, "microcode")) &&
                   virStrToLong_ui(v, NULL, 0, &n) == 0) {
            info->microcode = n;
        }
    }
}


/*
 * Where each word of Xen's feature set comes from: a CPUID leaf/subleaf
 * and register, or an MSR's half. The word numbers are Xen's ABI
 * (public/arch-x86/cpufeatureset.h names each word's register); new
 * words are only ever appended, and words past this table are skipped.
 */
typedef struct _vxlXenFeatureWord {
    bool msr;
    uint32_t index;                /* CPUID leaf, or MSR number */
    uint32_t subleaf;
    char reg;                      /* 'a', 'b', 'c' or 'd' (eax ... edx) */
} vxlXenFeatureWord;

static const vxlXenFeatureWord vxlXenFeatureWords[] = {
    { false, 0x00000001, 0, 'd' },  /*  0 */
    { false, 0x00000001, 0, 'c' },  /*  1 */
    { false, 0x80000001, 0, 'd' },  /*  2: AMD-defined */
    { false, 0x80000001, 0, 'c' },  /*  3 */
    { false, 0x0000000d, 1, 'a' },  /*  4: XSAVE extensions */
    { false, 0x00000007, 0, 'b' },  /*  5 */
    { false, 0x00000007, 0, 'c' },  /*  6 */
    { false, 0x80000007, 0, 'd' },  /*  7: invariant TSC */
    { false, 0x80000008, 0, 'b' },  /*  8: AMD speculation controls */
    { false, 0x00000007, 0, 'd' },  /*  9: Intel speculation controls */
    { false, 0x00000007, 1, 'a' },  /* 10 */
    { false, 0x80000021, 0, 'a' },  /* 11 */
    { false, 0x00000007, 1, 'b' },  /* 12 */
    { false, 0x00000007, 2, 'd' },  /* 13 */
    { false, 0x00000007, 1, 'c' },  /* 14 */
    { false, 0x00000007, 1, 'd' },  /* 15 */
    { true,  0x0000010a, 0, 'a' },  /* 16: MSR_ARCH_CAPABILITIES, low */
    { true,  0x0000010a, 0, 'd' },  /* 17: MSR_ARCH_CAPABILITIES, high */
    { false, 0x80000021, 0, 'c' },  /* 18 */
};


static int
vxlXenCpuDataAddWord(virCPUData *data, const vxlXenFeatureWord *w,
                     uint32_t bits)
{
    virCPUx86DataItem item = { 0 };

    if (w->msr) {
        item.type = VIR_CPU_X86_DATA_MSR;
        item.data.msr.index = w->index;
        if (w->reg == 'a')
            item.data.msr.eax = bits;
        else
            item.data.msr.edx = bits;
        return virCPUx86DataAdd(data, &item);
    }
    item.type = VIR_CPU_X86_DATA_CPUID;
    item.data.cpuid.eax_in = w->index;
    item.data.cpuid.ecx_in = w->subleaf;
    switch (w->reg) {
    case 'a': item.data.cpuid.eax = bits; break;
    case 'b': item.data.cpuid.ebx = bits; break;
    case 'c': item.data.cpuid.ecx = bits; break;
    default: item.data.cpuid.edx = bits; break;
    }
    return virCPUx86DataAdd(data, &item);
}


/* libvirt's vendor name for a CPUID vendor string, when the CPU map
 * cannot name the CPU at all. */
static char *
vxlXenCpuVendorName(const char *vendorId)
{
    if (!vendorId)
        return NULL;
    if (STREQ(vendorId, "GenuineIntel"))
        return g_strdup("Intel");
    if (STREQ(vendorId, "AuthenticAMD"))
        return g_strdup("AMD");
    return g_strdup(vendorId);
}


/* Hand @cpu's model, vendor and feature names over to @facts. */
static void
vxlXenCpuTakeDecoded(virCPUDef *cpu, vxlHostFacts *facts)
{
    size_t i;

    facts->cpuModel = g_steal_pointer(&cpu->model);
    if (cpu->vendor) {
        g_free(facts->cpuVendor);
        facts->cpuVendor = g_steal_pointer(&cpu->vendor);
    }
    g_strfreev(facts->cpuFeatures);
    facts->cpuFeatures = g_new0(char *, cpu->nfeatures + 1);
    for (i = 0; i < cpu->nfeatures; i++)
        facts->cpuFeatures[i] = g_strdup(cpu->features[i].name);
}


/*
 * Fill @facts' CPU description (cpuVendor, cpuModel, cpuFeatures,
 * microcode, signature) from dom0's /proc/cpuinfo @info and, on x86,
 * Xen's feature set @words (@nwords words; none: unknown). A CPU the map
 * cannot name keeps its vendor and no model: that is not a failure of
 * the host's facts, only a poorer <cpu>.
 */
void
vxlXenCpuDescribe(virArch arch, const vxlXenCpuinfo *info,
                  const uint32_t *words, size_t nwords, vxlHostFacts *facts)
{
    g_autoptr(virCPUData) data = NULL;
    g_autoptr(virCPUDef) cpu = NULL;
    size_t i;

    g_free(facts->cpuVendor);
    facts->cpuVendor = vxlXenCpuVendorName(info->vendorId);
    facts->microcode = info->microcode;
    if (!facts->cpuFeatures)
        facts->cpuFeatures = g_new0(char *, 1);

    if (ARCH_IS_X86(arch)) {
        facts->cpuFamily = info->family;
        facts->cpuModelNumber = info->model;
        facts->cpuStepping = info->stepping;
        if (nwords == 0 || !info->vendorId)
            return;
        if (!(data = virCPUDataNew(arch)) ||
            virCPUx86DataSetVendor(data, info->vendorId) < 0 ||
            (info->family &&
             virCPUx86DataSetSignature(data, info->family, info->model,
                                       info->stepping) < 0))
            goto undecoded;
        for (i = 0; i < nwords && i < G_N_ELEMENTS(vxlXenFeatureWords); i++) {
            if (words[i] &&
                vxlXenCpuDataAddWord(data, &vxlXenFeatureWords[i], words[i]) < 0)
                goto undecoded;
        }
    } else if (ARCH_IS_ARM(arch)) {
        /* libvirt 9.0 decodes Arm CPUs only from the running CPU */
        if (!(cpu = virCPUGetHost(arch, VIR_CPU_TYPE_HOST, NULL, NULL)))
            goto undecoded;
        virCPUDefFreeFeatures(cpu);
        vxlXenCpuTakeDecoded(cpu, facts);
        return;
    } else {
        return;
    }

    cpu = virCPUDefNew();
    cpu->type = VIR_CPU_TYPE_HOST;
    cpu->arch = arch;
    if (cpuDecode(cpu, data, NULL) < 0)
        goto undecoded;
    vxlXenCpuTakeDecoded(cpu, facts);
    return;

 undecoded:
    VIR_WARN("libvirt's CPU map names no model for this host's CPU (%s): %s",
             NULLSTR(info->vendorId), virGetLastErrorMessage());
    virResetLastError();
}


/* ----- Xen's feature set (x86) ------------------------------------------ */

#if defined(__x86_64__) || defined(__i386__)
/* Xen's host feature set, in a new array of *@nwords words; NULL when
 * libxenguest cannot read it (then the caller has physinfo's hw_cap). */
uint32_t *
vxlXenCpuFeatureset(size_t *nwords)
{
    uint32_t nr = xc_get_cpu_featureset_size();
    g_autofree uint32_t *words = g_new0(uint32_t, MAX(nr, 1));
    xc_interface *xch;
    int rc;

    *nwords = 0;
    if (!(xch = xc_interface_open(NULL, NULL, 0))) {
        VIR_DEBUG("xc_interface_open failed: %s", g_strerror(errno));
        return NULL;
    }
    rc = xc_get_cpu_featureset(xch, XEN_SYSCTL_cpu_featureset_host, &nr, words);
    xc_interface_close(xch);
    if (rc < 0) {
        VIR_DEBUG("xc_get_cpu_featureset failed: %s", g_strerror(errno));
        return NULL;
    }
    *nwords = nr;
    return g_steal_pointer(&words);
}
#else
/* Xen has feature sets on x86 only; Arm CPUs are named by their MIDR. */
uint32_t *
vxlXenCpuFeatureset(size_t *nwords)
{
    *nwords = 0;
    return NULL;
}
#endif


/* ----- Arm: the GIC ------------------------------------------------------ */

/* The GIC version a device-tree compatible list (NUL-separated) names:
 * the compatibles Xen 4.17's GIC drivers accept. */
static unsigned int
vxlXenGicFromCompatible(const char *list, size_t len)
{
    static const char *const v2[] = {
        "arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a7-gic", NULL,
    };
    size_t off = 0;

    while (off < len) {
        const char *c = list + off;
        size_t n = strnlen(c, len - off);

        if (n == strlen("arm,gic-v3") && STREQLEN(c, "arm,gic-v3", n))
            return 3;
        if (g_strv_contains(v2, c))
            return 2;
        off += n + 1;
    }
    return 0;
}


/* Depth-first through the device tree under @dir, up to @depth levels:
 * the first interrupt controller whose compatible names a GIC. */
static unsigned int
vxlXenGicFromTree(const char *dir, int depth)
{
    g_autofree char *compat = g_build_filename(dir, "compatible", NULL);
    g_autofree char *intc = g_build_filename(dir, "interrupt-controller", NULL);
    g_autoptr(GDir) d = NULL;
    const char *ent;

    if (virFileExists(intc)) {
        g_autofree char *text = NULL;
        int len;

        if ((len = virFileReadAllQuiet(compat, 4096, &text)) > 0) {
            unsigned int v = vxlXenGicFromCompatible(text, len);

            if (v)
                return v;
        }
    }
    if (depth <= 0 || !(d = g_dir_open(dir, 0, NULL)))
        return 0;
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *sub = g_build_filename(dir, ent, NULL);
        unsigned int v;

        if (!g_file_test(sub, G_FILE_TEST_IS_DIR) ||
            g_file_test(sub, G_FILE_TEST_IS_SYMLINK))
            continue;
        if ((v = vxlXenGicFromTree(sub, depth - 1)))
            return v;
    }
    return 0;
}


/* ACPI's MADT: after the 44-byte header, entries of (type, length, ...);
 * the GIC distributor (type 0xC) holds the version at byte 20 (0 when
 * the firmware does not say). */
static unsigned int
vxlXenGicFromMadt(const char *path)
{
    g_autofree char *buf = NULL;
    int len;
    int off = 44;

    if ((len = virFileReadAllQuiet(path, 1024 * 1024, &buf)) < off)
        return 0;
    while (off + 2 <= len) {
        unsigned char type = buf[off];
        unsigned char elen = buf[off + 1];

        if (elen < 2 || off + elen > len)
            break;
        if (type == 0xC && elen >= 21) {
            unsigned char v = buf[off + 20];

            /* GICv4 is a GICv3 with direct injection: libvirt's 3 */
            if (v == 2 || v == 3)
                return v;
            if (v == 4)
                return 3;
        }
        off += elen;
    }
    return 0;
}


/*
 * The Arm host's GIC, 2 or 3, from dom0's device tree under @dtRoot or
 * its ACPI MADT at @madtPath; 0 when neither says.
 */
unsigned int
vxlXenGicVersion(const char *dtRoot, const char *madtPath)
{
    unsigned int v = 0;

    if (dtRoot && virFileIsDir(dtRoot))
        v = vxlXenGicFromTree(dtRoot, 3);
    if (!v && madtPath)
        v = vxlXenGicFromMadt(madtPath);
    return v;
}
