/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf_cpu_names.h: libvirt's and libxl's names for the same x86
 * CPUID (or MSR) bit, shared by translate_cpu.c and native/native_cpu.c.
 */
#pragma once

#include <libxl.h>

/* Where a feature lives: a CPUID output register, or an MSR. */
typedef enum {
    VXL_CPU_REG_EAX,
    VXL_CPU_REG_EBX,
    VXL_CPU_REG_ECX,
    VXL_CPU_REG_EDX,
    VXL_CPU_REG_MSR,   /* leaf is the MSR's index, bit 0..63 */
} vxlCpuReg;

/* For a CPUID leaf that takes no subleaf (ECX input). */
#define VXL_CPU_NO_SUBLEAF (~0U)

/* One feature bit and its two names. */
typedef struct {
    const char *vir;       /* libvirt's name (cpu_map/x86_features.xml) */
    const char *xl;        /* libxl_cpuid_parse_config()'s name for the
                            * same bit, or NULL where libxl has none */
    unsigned int leaf;     /* CPUID leaf (EAX input), or MSR index */
    unsigned int subleaf;  /* ECX input, or VXL_CPU_NO_SUBLEAF */
    vxlCpuReg reg;
    unsigned int bit;
} vxlCpuName;

const vxlCpuName *vxlCpuNameTable(size_t *n);
const vxlCpuName *vxlCpuNameByVir(const char *vir);
const vxlCpuName *vxlCpuNameByXl(const char *xl);
const vxlCpuName *vxlCpuNameByBit(unsigned int leaf, unsigned int subleaf,
                                  vxlCpuReg reg, unsigned int bit);
const char *vxlCpuRegName(vxlCpuReg reg);
bool vxlCpuNameIsXlField(const char *xl);
char *vxlCpuNameXendLine(const vxlCpuName *n, char policy);
/* One <cpu><feature> as libxl sees it. */
typedef struct {
    const char *name;   /* libvirt's name, or libxl's own */
    char policy;        /* libxl's '1', '0' or 'k' */
} vxlCpuFeature;

int vxlCpuNamesPlan(const vxlCpuFeature *features, size_t n, GPtrArray *xend,
                    GPtrArray *named);
int vxlCpuNamesApply(libxl_cpuid_policy_list *cpuid,
                     const vxlCpuFeature *features, size_t n);
int vxlCpuNameAddPolicy(libxl_cpuid_policy_list *cpuid, const char *vir,
                        char policy);
