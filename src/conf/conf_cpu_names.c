/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf_cpu_names.c: libvirt's and libxl's names for one x86 CPUID
 * bit, keyed by where the bit is.
 *
 * libvirt names CPU features after its cpu_map (the names Linux's
 * /proc/cpuinfo and QEMU use: pni, lahf_lm, ...); libxl's cpuid= parser
 * knows Xen's names (sse3, lahf-lm, ...). Most are spelled alike, some
 * differ, a few libvirt names mean another bit to libxl (libvirt's
 * clflush is libxl's clfsh, libxl's clflush the line size field; libvirt's
 * ssb-no is an ARCH_CAPABILITIES bit, libxl's the AMD CPUID one), and
 * some bits have no libxl name at all: those are set through libxl's
 * xend syntax, "LEAF[,SUBLEAF]:REG=32 policy characters", bit by bit.
 *
 * The table below is every feature of Debian 12's libvirt 9.0.0
 * cpu_map/x86_features.xml, ordered by leaf, register and bit. The
 * test cpu-names (tests/translate/cpu_names_test.c) checks each row
 * against the installed cpu_map (same name, same bit, nothing missing)
 * and against libxl itself (its name sets exactly that bit; a NULL
 * means libxl does not take libvirt's name for it), so the table is
 * data, reviewed once and checked on every run; translation itself
 * reads no file.
 */
#include "vxl_internal.h"

#include "conf_cpu_names.h"

#define VXL_CPUID_BIT(leaf, reg, bit) \
    (leaf), VXL_CPU_NO_SUBLEAF, VXL_CPU_REG_ ## reg, (bit)
#define VXL_CPUID_SUB(leaf, sub, reg, bit) \
    (leaf), (sub), VXL_CPU_REG_ ## reg, (bit)
#define VXL_MSR_BIT(index, bit) \
    (index), VXL_CPU_NO_SUBLEAF, VXL_CPU_REG_MSR, (bit)

static const vxlCpuName vxlCpuNames[] = {
    /* leaf 0x1 ecx */
    { "pni", "sse3", VXL_CPUID_BIT(0x1, ECX, 0) },
    { "pclmuldq", "pclmulqdq", VXL_CPUID_BIT(0x1, ECX, 1) },
    { "dtes64", "dtes64", VXL_CPUID_BIT(0x1, ECX, 2) },
    { "monitor", "monitor", VXL_CPUID_BIT(0x1, ECX, 3) },
    { "ds_cpl", "dscpl", VXL_CPUID_BIT(0x1, ECX, 4) },
    { "vmx", "vmx", VXL_CPUID_BIT(0x1, ECX, 5) },
    { "smx", "smx", VXL_CPUID_BIT(0x1, ECX, 6) },
    { "est", "est", VXL_CPUID_BIT(0x1, ECX, 7) },
    { "tm2", "tm2", VXL_CPUID_BIT(0x1, ECX, 8) },
    { "ssse3", "ssse3", VXL_CPUID_BIT(0x1, ECX, 9) },
    { "cid", "cntxid", VXL_CPUID_BIT(0x1, ECX, 10) },
    { "fma", "fma", VXL_CPUID_BIT(0x1, ECX, 12) },
    { "cx16", "cx16", VXL_CPUID_BIT(0x1, ECX, 13) },
    { "xtpr", "xtpr", VXL_CPUID_BIT(0x1, ECX, 14) },
    { "pdcm", "pdcm", VXL_CPUID_BIT(0x1, ECX, 15) },
    { "pcid", "pcid", VXL_CPUID_BIT(0x1, ECX, 17) },
    { "dca", "dca", VXL_CPUID_BIT(0x1, ECX, 18) },
    { "sse4.1", "sse4_1", VXL_CPUID_BIT(0x1, ECX, 19) },
    { "sse4.2", "sse4_2", VXL_CPUID_BIT(0x1, ECX, 20) },
    { "x2apic", "x2apic", VXL_CPUID_BIT(0x1, ECX, 21) },
    { "movbe", "movbe", VXL_CPUID_BIT(0x1, ECX, 22) },
    { "popcnt", "popcnt", VXL_CPUID_BIT(0x1, ECX, 23) },
    { "tsc-deadline", "tsc-deadline", VXL_CPUID_BIT(0x1, ECX, 24) },
    { "aes", "aes", VXL_CPUID_BIT(0x1, ECX, 25) },
    { "xsave", "xsave", VXL_CPUID_BIT(0x1, ECX, 26) },
    { "osxsave", "osxsave", VXL_CPUID_BIT(0x1, ECX, 27) },
    { "avx", "avx", VXL_CPUID_BIT(0x1, ECX, 28) },
    { "f16c", "f16c", VXL_CPUID_BIT(0x1, ECX, 29) },
    { "rdrand", "rdrand", VXL_CPUID_BIT(0x1, ECX, 30) },
    { "hypervisor", "hypervisor", VXL_CPUID_BIT(0x1, ECX, 31) },

    /* leaf 0x1 edx */
    { "fpu", "fpu", VXL_CPUID_BIT(0x1, EDX, 0) },
    { "vme", "vme", VXL_CPUID_BIT(0x1, EDX, 1) },
    { "de", "de", VXL_CPUID_BIT(0x1, EDX, 2) },
    { "pse", "pse", VXL_CPUID_BIT(0x1, EDX, 3) },
    { "tsc", "tsc", VXL_CPUID_BIT(0x1, EDX, 4) },
    { "msr", "msr", VXL_CPUID_BIT(0x1, EDX, 5) },
    { "pae", "pae", VXL_CPUID_BIT(0x1, EDX, 6) },
    { "mce", "mce", VXL_CPUID_BIT(0x1, EDX, 7) },
    { "cx8", "cx8", VXL_CPUID_BIT(0x1, EDX, 8) },
    { "apic", "apic", VXL_CPUID_BIT(0x1, EDX, 9) },
    { "sep", "sep", VXL_CPUID_BIT(0x1, EDX, 11) },
    { "mtrr", "mtrr", VXL_CPUID_BIT(0x1, EDX, 12) },
    { "pge", "pge", VXL_CPUID_BIT(0x1, EDX, 13) },
    { "mca", "mca", VXL_CPUID_BIT(0x1, EDX, 14) },
    { "cmov", "cmov", VXL_CPUID_BIT(0x1, EDX, 15) },
    { "pat", "pat", VXL_CPUID_BIT(0x1, EDX, 16) },
    { "pse36", "pse36", VXL_CPUID_BIT(0x1, EDX, 17) },
    { "pn", "psn", VXL_CPUID_BIT(0x1, EDX, 18) },
    { "clflush", "clfsh", VXL_CPUID_BIT(0x1, EDX, 19) },
    { "ds", "ds", VXL_CPUID_BIT(0x1, EDX, 21) },
    { "acpi", "acpi", VXL_CPUID_BIT(0x1, EDX, 22) },
    { "mmx", "mmx", VXL_CPUID_BIT(0x1, EDX, 23) },
    { "fxsr", "fxsr", VXL_CPUID_BIT(0x1, EDX, 24) },
    { "sse", "sse", VXL_CPUID_BIT(0x1, EDX, 25) },
    { "sse2", "sse2", VXL_CPUID_BIT(0x1, EDX, 26) },
    { "ss", "ss", VXL_CPUID_BIT(0x1, EDX, 27) },
    { "ht", "htt", VXL_CPUID_BIT(0x1, EDX, 28) },
    { "tm", "tm", VXL_CPUID_BIT(0x1, EDX, 29) },
    { "ia64", "ia64", VXL_CPUID_BIT(0x1, EDX, 30) },
    { "pbe", "pbe", VXL_CPUID_BIT(0x1, EDX, 31) },

    /* leaf 0x6 eax */
    { "arat", "arat", VXL_CPUID_BIT(0x6, EAX, 2) },

    /* leaf 0x7 subleaf 0 ebx */
    { "fsgsbase", "fsgsbase", VXL_CPUID_SUB(0x7, 0, EBX, 0) },
    { "tsc_adjust", "tsc_adjust", VXL_CPUID_SUB(0x7, 0, EBX, 1) },
    { "sgx", "sgx", VXL_CPUID_SUB(0x7, 0, EBX, 2) },
    { "bmi1", "bmi1", VXL_CPUID_SUB(0x7, 0, EBX, 3) },
    { "hle", "hle", VXL_CPUID_SUB(0x7, 0, EBX, 4) },
    { "avx2", "avx2", VXL_CPUID_SUB(0x7, 0, EBX, 5) },
    { "smep", "smep", VXL_CPUID_SUB(0x7, 0, EBX, 7) },
    { "bmi2", "bmi2", VXL_CPUID_SUB(0x7, 0, EBX, 8) },
    { "erms", "erms", VXL_CPUID_SUB(0x7, 0, EBX, 9) },
    { "invpcid", "invpcid", VXL_CPUID_SUB(0x7, 0, EBX, 10) },
    { "rtm", "rtm", VXL_CPUID_SUB(0x7, 0, EBX, 11) },
    { "cmt", "cmt", VXL_CPUID_SUB(0x7, 0, EBX, 12) },
    { "mpx", "mpx", VXL_CPUID_SUB(0x7, 0, EBX, 14) },
    { "avx512f", "avx512f", VXL_CPUID_SUB(0x7, 0, EBX, 16) },
    { "avx512dq", "avx512dq", VXL_CPUID_SUB(0x7, 0, EBX, 17) },
    { "rdseed", "rdseed", VXL_CPUID_SUB(0x7, 0, EBX, 18) },
    { "adx", "adx", VXL_CPUID_SUB(0x7, 0, EBX, 19) },
    { "smap", "smap", VXL_CPUID_SUB(0x7, 0, EBX, 20) },
    { "avx512ifma", "avx512-ifma", VXL_CPUID_SUB(0x7, 0, EBX, 21) },
    { "pcommit", NULL, VXL_CPUID_SUB(0x7, 0, EBX, 22) },
    { "clflushopt", "clflushopt", VXL_CPUID_SUB(0x7, 0, EBX, 23) },
    { "clwb", "clwb", VXL_CPUID_SUB(0x7, 0, EBX, 24) },
    { "intel-pt", "proc-trace", VXL_CPUID_SUB(0x7, 0, EBX, 25) },
    { "avx512pf", "avx512pf", VXL_CPUID_SUB(0x7, 0, EBX, 26) },
    { "avx512er", "avx512er", VXL_CPUID_SUB(0x7, 0, EBX, 27) },
    { "avx512cd", "avx512cd", VXL_CPUID_SUB(0x7, 0, EBX, 28) },
    { "sha-ni", "sha", VXL_CPUID_SUB(0x7, 0, EBX, 29) },
    { "avx512bw", "avx512bw", VXL_CPUID_SUB(0x7, 0, EBX, 30) },
    { "avx512vl", "avx512vl", VXL_CPUID_SUB(0x7, 0, EBX, 31) },

    /* leaf 0x7 subleaf 0 ecx */
    { "avx512vbmi", "avx512-vbmi", VXL_CPUID_SUB(0x7, 0, ECX, 1) },
    { "umip", "umip", VXL_CPUID_SUB(0x7, 0, ECX, 2) },
    { "pku", "pku", VXL_CPUID_SUB(0x7, 0, ECX, 3) },
    { "ospke", "ospke", VXL_CPUID_SUB(0x7, 0, ECX, 4) },
    { "waitpkg", NULL, VXL_CPUID_SUB(0x7, 0, ECX, 5) },
    { "avx512vbmi2", "avx512-vbmi2", VXL_CPUID_SUB(0x7, 0, ECX, 6) },
    { "gfni", "gfni", VXL_CPUID_SUB(0x7, 0, ECX, 8) },
    { "vaes", "vaes", VXL_CPUID_SUB(0x7, 0, ECX, 9) },
    { "vpclmulqdq", "vpclmulqdq", VXL_CPUID_SUB(0x7, 0, ECX, 10) },
    { "avx512vnni", "avx512-vnni", VXL_CPUID_SUB(0x7, 0, ECX, 11) },
    { "avx512bitalg", "avx512-bitalg", VXL_CPUID_SUB(0x7, 0, ECX, 12) },
    { "avx512-vpopcntdq", "avx512-vpopcntdq", VXL_CPUID_SUB(0x7, 0, ECX, 14) },
    { "la57", NULL, VXL_CPUID_SUB(0x7, 0, ECX, 16) },
    { "rdpid", "rdpid", VXL_CPUID_SUB(0x7, 0, ECX, 22) },
    { "bus-lock-detect", NULL, VXL_CPUID_SUB(0x7, 0, ECX, 24) },
    { "cldemote", "cldemote", VXL_CPUID_SUB(0x7, 0, ECX, 25) },
    { "movdiri", "movdiri", VXL_CPUID_SUB(0x7, 0, ECX, 27) },
    { "movdir64b", "movdir64b", VXL_CPUID_SUB(0x7, 0, ECX, 28) },
    { "sgxlc", NULL, VXL_CPUID_SUB(0x7, 0, ECX, 30) },
    { "pks", NULL, VXL_CPUID_SUB(0x7, 0, ECX, 31) },

    /* leaf 0x7 subleaf 0 edx */
    { "avx512-4vnniw", "avx512-4vnniw", VXL_CPUID_SUB(0x7, 0, EDX, 2) },
    { "avx512-4fmaps", "avx512-4fmaps", VXL_CPUID_SUB(0x7, 0, EDX, 3) },
    { "fsrm", "fsrm", VXL_CPUID_SUB(0x7, 0, EDX, 4) },
    { "avx512-vp2intersect", "avx512-vp2intersect", VXL_CPUID_SUB(0x7, 0, EDX, 8) },
    { "md-clear", "md-clear", VXL_CPUID_SUB(0x7, 0, EDX, 10) },
    { "serialize", "serialize", VXL_CPUID_SUB(0x7, 0, EDX, 14) },
    { "tsx-ldtrk", "tsxldtrk", VXL_CPUID_SUB(0x7, 0, EDX, 16) },
    { "pconfig", NULL, VXL_CPUID_SUB(0x7, 0, EDX, 18) },
    { "arch-lbr", NULL, VXL_CPUID_SUB(0x7, 0, EDX, 19) },
    { "amx-bf16", NULL, VXL_CPUID_SUB(0x7, 0, EDX, 22) },
    { "avx512-fp16", "avx512-fp16", VXL_CPUID_SUB(0x7, 0, EDX, 23) },
    { "amx-tile", NULL, VXL_CPUID_SUB(0x7, 0, EDX, 24) },
    { "amx-int8", NULL, VXL_CPUID_SUB(0x7, 0, EDX, 25) },
    { "spec-ctrl", "ibrsb", VXL_CPUID_SUB(0x7, 0, EDX, 26) },
    { "stibp", "stibp", VXL_CPUID_SUB(0x7, 0, EDX, 27) },
    { "arch-capabilities", "arch-caps", VXL_CPUID_SUB(0x7, 0, EDX, 29) },
    { "core-capability", "core-caps", VXL_CPUID_SUB(0x7, 0, EDX, 30) },
    { "ssbd", "ssbd", VXL_CPUID_SUB(0x7, 0, EDX, 31) },

    /* leaf 0x7 subleaf 1 eax */
    { "avx-vnni", "avx-vnni", VXL_CPUID_SUB(0x7, 1, EAX, 4) },
    { "avx512-bf16", "avx512-bf16", VXL_CPUID_SUB(0x7, 1, EAX, 5) },

    /* leaf 0xd subleaf 1 eax */
    { "xsaveopt", "xsaveopt", VXL_CPUID_SUB(0xd, 1, EAX, 0) },
    { "xsavec", "xsavec", VXL_CPUID_SUB(0xd, 1, EAX, 1) },
    { "xgetbv1", "xgetbv1", VXL_CPUID_SUB(0xd, 1, EAX, 2) },
    { "xsaves", "xsaves", VXL_CPUID_SUB(0xd, 1, EAX, 3) },
    { "xfd", NULL, VXL_CPUID_SUB(0xd, 1, EAX, 4) },

    /* leaf 0xf subleaf 1 edx */
    { "mbm_total", NULL, VXL_CPUID_SUB(0xf, 1, EDX, 1) },
    { "mbm_local", NULL, VXL_CPUID_SUB(0xf, 1, EDX, 2) },

    /* leaf 0x12 subleaf 0 eax */
    { "sgx1", NULL, VXL_CPUID_SUB(0x12, 0, EAX, 0) },
    { "sgx2", NULL, VXL_CPUID_SUB(0x12, 0, EAX, 1) },

    /* leaf 0x12 subleaf 0 ebx */
    { "sgx-exinfo", NULL, VXL_CPUID_SUB(0x12, 0, EBX, 0) },

    /* leaf 0x12 subleaf 1 eax */
    { "sgx-debug", NULL, VXL_CPUID_SUB(0x12, 1, EAX, 1) },
    { "sgx-mode64", NULL, VXL_CPUID_SUB(0x12, 1, EAX, 2) },
    { "sgx-provisionkey", NULL, VXL_CPUID_SUB(0x12, 1, EAX, 4) },
    { "sgx-tokenkey", NULL, VXL_CPUID_SUB(0x12, 1, EAX, 5) },
    { "sgx-kss", NULL, VXL_CPUID_SUB(0x12, 1, EAX, 7) },

    /* leaf 0x14 subleaf 0 ecx */
    { "intel-pt-lip", NULL, VXL_CPUID_SUB(0x14, 0, ECX, 31) },

    /* leaf 0x80000001 ecx */
    { "lahf_lm", "lahf-lm", VXL_CPUID_BIT(0x80000001, ECX, 0) },
    { "cmp_legacy", "cmp-legacy", VXL_CPUID_BIT(0x80000001, ECX, 1) },
    { "svm", "svm", VXL_CPUID_BIT(0x80000001, ECX, 2) },
    { "extapic", "extapic", VXL_CPUID_BIT(0x80000001, ECX, 3) },
    { "cr8legacy", "cr8-legacy", VXL_CPUID_BIT(0x80000001, ECX, 4) },
    { "abm", "abm", VXL_CPUID_BIT(0x80000001, ECX, 5) },
    { "sse4a", "sse4a", VXL_CPUID_BIT(0x80000001, ECX, 6) },
    { "misalignsse", "misalignsse", VXL_CPUID_BIT(0x80000001, ECX, 7) },
    { "3dnowprefetch", "3dnowprefetch", VXL_CPUID_BIT(0x80000001, ECX, 8) },
    { "osvw", "osvw", VXL_CPUID_BIT(0x80000001, ECX, 9) },
    { "ibs", "ibs", VXL_CPUID_BIT(0x80000001, ECX, 10) },
    { "xop", "xop", VXL_CPUID_BIT(0x80000001, ECX, 11) },
    { "skinit", "skinit", VXL_CPUID_BIT(0x80000001, ECX, 12) },
    { "wdt", "wdt", VXL_CPUID_BIT(0x80000001, ECX, 13) },
    { "lwp", "lwp", VXL_CPUID_BIT(0x80000001, ECX, 15) },
    { "fma4", "fma4", VXL_CPUID_BIT(0x80000001, ECX, 16) },
    { "tce", NULL, VXL_CPUID_BIT(0x80000001, ECX, 17) },
    { "cvt16", NULL, VXL_CPUID_BIT(0x80000001, ECX, 18) },
    { "nodeid_msr", "nodeid-msr", VXL_CPUID_BIT(0x80000001, ECX, 19) },
    { "tbm", "tbm", VXL_CPUID_BIT(0x80000001, ECX, 21) },
    { "topoext", "topoext", VXL_CPUID_BIT(0x80000001, ECX, 22) },
    { "perfctr_core", "perfctr_core", VXL_CPUID_BIT(0x80000001, ECX, 23) },
    { "perfctr_nb", "perfctr_nb", VXL_CPUID_BIT(0x80000001, ECX, 24) },

    /* leaf 0x80000001 edx */
    { "syscall", "syscall", VXL_CPUID_BIT(0x80000001, EDX, 11) },
    { "nx", "nx", VXL_CPUID_BIT(0x80000001, EDX, 20) },
    { "mmxext", "mmxext", VXL_CPUID_BIT(0x80000001, EDX, 22) },
    { "fxsr_opt", "ffxsr", VXL_CPUID_BIT(0x80000001, EDX, 25) },
    { "pdpe1gb", "page1gb", VXL_CPUID_BIT(0x80000001, EDX, 26) },
    { "rdtscp", "rdtscp", VXL_CPUID_BIT(0x80000001, EDX, 27) },
    { "lm", "lm", VXL_CPUID_BIT(0x80000001, EDX, 29) },
    { "3dnowext", "3dnowext", VXL_CPUID_BIT(0x80000001, EDX, 30) },
    { "3dnow", "3dnow", VXL_CPUID_BIT(0x80000001, EDX, 31) },

    /* leaf 0x80000007 edx */
    { "invtsc", "invtsc", VXL_CPUID_BIT(0x80000007, EDX, 8) },

    /* leaf 0x80000008 ebx */
    { "clzero", "clzero", VXL_CPUID_BIT(0x80000008, EBX, 0) },
    { "xsaveerptr", "rstr-fp-err-ptrs", VXL_CPUID_BIT(0x80000008, EBX, 2) },
    { "wbnoinvd", "wbnoinvd", VXL_CPUID_BIT(0x80000008, EBX, 9) },
    { "ibpb", "ibpb", VXL_CPUID_BIT(0x80000008, EBX, 12) },
    { "ibrs", "ibrs", VXL_CPUID_BIT(0x80000008, EBX, 14) },
    { "amd-stibp", "amd-stibp", VXL_CPUID_BIT(0x80000008, EBX, 15) },
    { "amd-ssbd", "amd-ssbd", VXL_CPUID_BIT(0x80000008, EBX, 24) },
    { "virt-ssbd", "virt-ssbd", VXL_CPUID_BIT(0x80000008, EBX, 25) },
    { "amd-no-ssb", "ssb-no", VXL_CPUID_BIT(0x80000008, EBX, 26) },

    /* leaf 0x8000000a edx */
    { "npt", "svm_npt", VXL_CPUID_BIT(0x8000000a, EDX, 0) },
    { "lbrv", "svm_lbrv", VXL_CPUID_BIT(0x8000000a, EDX, 1) },
    { "svm-lock", NULL, VXL_CPUID_BIT(0x8000000a, EDX, 2) },
    { "nrip-save", "svm_nrips", VXL_CPUID_BIT(0x8000000a, EDX, 3) },
    { "tsc-scale", "svm_tscrate", VXL_CPUID_BIT(0x8000000a, EDX, 4) },
    { "vmcb-clean", "svm_vmcbclean", VXL_CPUID_BIT(0x8000000a, EDX, 5) },
    { "flushbyasid", NULL, VXL_CPUID_BIT(0x8000000a, EDX, 6) },
    { "decodeassists", "svm_decode", VXL_CPUID_BIT(0x8000000a, EDX, 7) },
    { "pause-filter", "svm_pausefilt", VXL_CPUID_BIT(0x8000000a, EDX, 10) },
    { "pfthreshold", NULL, VXL_CPUID_BIT(0x8000000a, EDX, 12) },
    { "avic", NULL, VXL_CPUID_BIT(0x8000000a, EDX, 13) },
    { "v-vmsave-vmload", NULL, VXL_CPUID_BIT(0x8000000a, EDX, 15) },
    { "vgif", NULL, VXL_CPUID_BIT(0x8000000a, EDX, 16) },
    { "svme-addr-chk", NULL, VXL_CPUID_BIT(0x8000000a, EDX, 28) },

    /* MSR 0xcf */
    { "split-lock-detect", NULL, VXL_MSR_BIT(0xcf, 5) },

    /* MSR 0x10a */
    { "rdctl-no", "rdcl-no", VXL_MSR_BIT(0x10a, 0) },
    { "ibrs-all", "eibrs", VXL_MSR_BIT(0x10a, 1) },
    { "rsba", "rsba", VXL_MSR_BIT(0x10a, 2) },
    { "skip-l1dfl-vmentry", "skip-l1dfl", VXL_MSR_BIT(0x10a, 3) },
    { "ssb-no", "intel-ssb-no", VXL_MSR_BIT(0x10a, 4) },
    { "mds-no", "mds-no", VXL_MSR_BIT(0x10a, 5) },
    { "pschange-mc-no", "if-pschange-mc-no", VXL_MSR_BIT(0x10a, 6) },
    { "tsx-ctrl", "tsx-ctrl", VXL_MSR_BIT(0x10a, 7) },
    { "taa-no", "taa-no", VXL_MSR_BIT(0x10a, 8) },
};


const vxlCpuName *
vxlCpuNameTable(size_t *n)
{
    *n = G_N_ELEMENTS(vxlCpuNames);
    return vxlCpuNames;
}


const vxlCpuName *
vxlCpuNameByVir(const char *vir)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vxlCpuNames); i++) {
        if (STREQ(vxlCpuNames[i].vir, vir))
            return &vxlCpuNames[i];
    }
    return NULL;
}


const vxlCpuName *
vxlCpuNameByXl(const char *xl)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vxlCpuNames); i++) {
        if (STREQ_NULLABLE(vxlCpuNames[i].xl, xl))
            return &vxlCpuNames[i];
    }
    return NULL;
}


const vxlCpuName *
vxlCpuNameByBit(unsigned int leaf, unsigned int subleaf, vxlCpuReg reg,
                unsigned int bit)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(vxlCpuNames); i++) {
        const vxlCpuName *n = &vxlCpuNames[i];

        if (n->leaf == leaf && n->subleaf == subleaf && n->reg == reg && n->bit == bit)
            return n;
    }
    return NULL;
}


const char *
vxlCpuRegName(vxlCpuReg reg)
{
    switch (reg) {
    case VXL_CPU_REG_EAX:
        return "eax";
    case VXL_CPU_REG_EBX:
        return "ebx";
    case VXL_CPU_REG_ECX:
        return "ecx";
    case VXL_CPU_REG_EDX:
        return "edx";
    case VXL_CPU_REG_MSR:
        break;
    }
    return NULL;
}


/* libxl's cpuid= keys that take a number for a multi-bit field, not a
 * policy for one feature bit (xl.cfg(5), "List of keys taking a
 * value"): "family=1" would set the CPU family, so none is a feature. */
bool
vxlCpuNameIsXlField(const char *xl)
{
    static const char *const fields[] = {
        "apicidsize", "brandid", "clflush", "family", "localapicid",
        "maxleaf", "maxhvleaf", "model", "nc", "proccount", "procpkg",
        "stepping",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (STREQ(fields[i], xl))
            return true;
    }
    return false;
}


/* xend's spelling of @policy for @n's bit alone: "LEAF[,SUBLEAF]:REG="
 * then 32 characters, bit 31 first, 'x' (the default) but for that
 * bit. NULL for an MSR bit, which the xend syntax cannot name. */
char *
vxlCpuNameXendLine(const vxlCpuName *n, char policy)
{
    char bits[33];
    g_autofree char *head = NULL;

    if (n->reg == VXL_CPU_REG_MSR)
        return NULL;
    memset(bits, 'x', 32);
    bits[32] = '\0';
    bits[31 - n->bit] = policy;
    if (n->subleaf == VXL_CPU_NO_SUBLEAF)
        head = g_strdup_printf("%#x", n->leaf);
    else
        head = g_strdup_printf("%#x,%u", n->leaf, n->subleaf);
    return g_strdup_printf("%s:%s=%s", head, vxlCpuRegName(n->reg), bits);
}


/* One leaf's xend line being built: 32 policy characters per register. */
typedef struct {
    unsigned int leaf;
    unsigned int subleaf;
    char regs[4][33];   /* "" for a register the line leaves out */
} vxlCpuXendLeaf;


static void
vxlCpuXendSet(GArray *leaves, const vxlCpuName *n, char policy)
{
    vxlCpuXendLeaf *l = NULL;
    vxlCpuXendLeaf fresh = { n->leaf, n->subleaf, { "", "", "", "" } };
    size_t i;

    for (i = 0; i < leaves->len && !l; i++) {
        vxlCpuXendLeaf *cur = &g_array_index(leaves, vxlCpuXendLeaf, i);

        if (cur->leaf == n->leaf && cur->subleaf == n->subleaf)
            l = cur;
    }
    if (!l) {
        g_array_append_val(leaves, fresh);
        l = &g_array_index(leaves, vxlCpuXendLeaf, leaves->len - 1);
    }
    if (!l->regs[n->reg][0]) {
        memset(l->regs[n->reg], 'x', 32);
        l->regs[n->reg][32] = '\0';
    }
    l->regs[n->reg][31 - n->bit] = policy;
}


/* How xl's cpuid= says @features, in @xend (xend lines, for
 * libxl_cpuid_parse_config_xend) and @named ("NAME=P", for
 * libxl_cpuid_parse_config), to be applied in that order.
 *
 * A xend line replaces each register it names, where names change
 * single bits. So the bits libxl has no name for are gathered into
 * one line per leaf, and as soon as there is one, every other CPUID
 * bit of the table goes into those lines too: xl.cfg's list form of
 * cpuid= (xend lines only) then says exactly the same, and no line
 * undoes another. Only what has no table bit (an MSR bit, libxl's own
 * names) stays named. Returns -1, reporting nothing, for a feature
 * that libxl cannot set whatever the spelling (a multi-bit field, an
 * MSR bit libxl has no name for); whether libxl knows the other names
 * only its parser says. */
int
vxlCpuNamesPlan(const vxlCpuFeature *features, size_t n, GPtrArray *xend,
                GPtrArray *named)
{
    g_autoptr(GArray) leaves = g_array_new(FALSE, FALSE, sizeof(vxlCpuXendLeaf));
    bool useXend = false;
    size_t i;
    size_t r;

    for (i = 0; i < n; i++) {
        const vxlCpuName *row = vxlCpuNameByVir(features[i].name);

        if (row && !row->xl && row->reg == VXL_CPU_REG_MSR)
            return -1;
        if (!row && vxlCpuNameIsXlField(features[i].name))
            return -1;
        if (row && !row->xl)
            useXend = true;
    }
    for (i = 0; i < n; i++) {
        const vxlCpuName *row = vxlCpuNameByVir(features[i].name);

        if (row && row->reg != VXL_CPU_REG_MSR && (useXend || !row->xl))
            vxlCpuXendSet(leaves, row, features[i].policy);
        else
            g_ptr_array_add(named, g_strdup_printf("%s=%c", row ? row->xl : features[i].name,
                                                   features[i].policy));
    }
    for (i = 0; i < leaves->len; i++) {
        vxlCpuXendLeaf *l = &g_array_index(leaves, vxlCpuXendLeaf, i);
        GString *line = g_string_new(NULL);

        if (l->subleaf == VXL_CPU_NO_SUBLEAF)
            g_string_append_printf(line, "%#x:", l->leaf);
        else
            g_string_append_printf(line, "%#x,%u:", l->leaf, l->subleaf);
        for (r = 0; r < G_N_ELEMENTS(l->regs); r++) {
            if (l->regs[r][0])
                g_string_append_printf(line, "%s%s=%s", line->str[line->len - 1] == ':' ? "" : ",",
                                       vxlCpuRegName(r), l->regs[r]);
        }
        g_ptr_array_add(xend, g_string_free(line, FALSE));
    }
    return 0;
}


/* Add @features to @cpuid as xl's cpuid= would (vxlCpuNamesPlan).
 * @cpuid must hold no register a xend line set before: libxl's xend
 * parser replaces such a register and leaks what it held. Returns -1,
 * reporting nothing, where libxl cannot set one of the features. */
int
vxlCpuNamesApply(libxl_cpuid_policy_list *cpuid, const vxlCpuFeature *features,
                 size_t n)
{
    g_autoptr(GPtrArray) xend = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) named = g_ptr_array_new_with_free_func(g_free);
    size_t i;

    if (vxlCpuNamesPlan(features, n, xend, named) < 0)
        return -1;
    for (i = 0; i < xend->len; i++) {
        if (libxl_cpuid_parse_config_xend(cpuid, g_ptr_array_index(xend, i)) != 0)
            return -1;
    }
    for (i = 0; i < named->len; i++) {
        if (libxl_cpuid_parse_config(cpuid, g_ptr_array_index(named, i)) != 0)
            return -1;
    }
    return 0;
}


/* vxlCpuNamesApply() for the one feature @vir with libxl @policy
 * character ('1', '0' or 'k'). */
int
vxlCpuNameAddPolicy(libxl_cpuid_policy_list *cpuid, const char *vir,
                    char policy)
{
    vxlCpuFeature f = { vir, policy };

    return vxlCpuNamesApply(cpuid, &f, 1);
}
