/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tool_caps.c: capabilities without a daemon.
 *
 *   virtxl caps --profile P              <capabilities> of host profile P
 *   virtxl domcaps --profile P [--machine M] [--arch A] [--emulator E]
 *                  [--virttype V]        <domainCapabilities> of P
 *   virtxl host-profile                  this Xen host, as a host profile
 *
 * P is a profile name from capabilities/ or a path to a .json, resolved
 * as the simulator resolves sim_profile (docs/host-profiles.md). The
 * answers are the driver's own: the same prober, the same facts.
 */
#include "vxl_internal.h"

#include <stdio.h>

#include "tool.h"
#include "caps.h"
#include "virtxl/backend.h"
#include "host_profile.h"
#include "virarch.h"
#include "virerror.h"
#include "virjson.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

typedef struct _vxlToolCapsArgs {
    const char *profile;
    const char *machine;
    const char *arch;
    const char *emulator;
    const char *virttype;
} vxlToolCapsArgs;


/* --name VALUE pairs; @allowDomain takes the domcaps selectors too. */
static int
vxlToolCapsParse(int argc, char **argv, bool allowDomain, vxlToolCapsArgs *args)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char **slot = NULL;

        if (STREQ(opt, "--profile"))
            slot = &args->profile;
        else if (allowDomain && STREQ(opt, "--machine"))
            slot = &args->machine;
        else if (allowDomain && STREQ(opt, "--arch"))
            slot = &args->arch;
        else if (allowDomain && STREQ(opt, "--emulator"))
            slot = &args->emulator;
        else if (allowDomain && STREQ(opt, "--virttype"))
            slot = &args->virttype;

        if (!slot) {
            fprintf(stderr, _("virtxl %s: unknown option '%s'\n"), argv[0], opt);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, _("virtxl %s: %s needs a value\n"), argv[0], opt);
            return -1;
        }
        *slot = argv[++i];
    }
    if (!args->profile) {
        fprintf(stderr, _("virtxl %s: --profile is required (a name in capabilities/ or a .json path)\n"),
                argv[0]);
        return -1;
    }
    return 0;
}


static int
vxlToolCapsLoad(const char *profile, vxlHostFacts *facts)
{
    g_autofree char *path = NULL;

    if (!(path = vxlHostProfileResolve(profile)) ||
        vxlHostProfileLoad(path, facts) < 0) {
        vxlToolReportError(profile);
        return -1;
    }
    return 0;
}


int
vxlToolCaps(int argc, char **argv)
{
    vxlToolCapsArgs args = { 0 };
    vxlHostFacts facts = { 0 };
    g_autoptr(virCaps) caps = NULL;
    g_autofree char *xml = NULL;

    if (vxlToolCapsParse(argc, argv, false, &args) < 0)
        return 2;
    if (vxlToolCapsLoad(args.profile, &facts) < 0)
        return 1;
    caps = vxlCapsBuildHost(&facts);
    vxlHostFactsClear(&facts);
    if (!caps || !(xml = virCapabilitiesFormatXML(caps))) {
        vxlToolReportError(args.profile);
        return 1;
    }
    fputs(xml, stdout);
    return 0;
}


int
vxlToolDomCaps(int argc, char **argv)
{
    vxlToolCapsArgs args = { 0 };
    vxlHostFacts facts = { 0 };
    g_autoptr(virDomainCaps) dc = NULL;
    g_autofree char *xml = NULL;

    if (vxlToolCapsParse(argc, argv, true, &args) < 0)
        return 2;
    if (vxlToolCapsLoad(args.profile, &facts) < 0)
        return 1;
    dc = vxlCapsBuildDomain(&facts, args.emulator, args.arch, args.machine,
                            args.virttype);
    vxlHostFactsClear(&facts);
    if (!dc || !(xml = virDomainCapsFormat(dc))) {
        vxlToolReportError(args.profile);
        return 1;
    }
    fputs(xml, stdout);
    return 0;
}


/* ----- host-profile ------------------------------------------------------ */

static virJSONValue *
vxlToolStringArray(char **list)
{
    g_autoptr(virJSONValue) arr = virJSONValueNewArray();
    size_t i;

    for (i = 0; list && list[i]; i++) {
        if (virJSONValueArrayAppendString(arr, list[i]) < 0)
            return NULL;
    }
    return g_steal_pointer(&arr);
}


/* The facts as a profile (docs/host-profiles.md), format 1. */
static virJSONValue *
vxlToolFactsToProfile(const vxlHostFacts *f)
{
    g_autoptr(virJSONValue) root = virJSONValueNewObject();
    g_autoptr(virJSONValue) xen = virJSONValueNewObject();
    g_autoptr(virJSONValue) maxv = virJSONValueNewObject();
    g_autoptr(virJSONValue) cpu = virJSONValueNewObject();
    g_autoptr(virJSONValue) virt = virJSONValueNewObject();
    g_autoptr(virJSONValue) mem = virJSONValueNewObject();
    g_autoptr(virJSONValue) numa = virJSONValueNewArray();
    g_autoptr(virJSONValue) features = vxlToolStringArray(f->cpuFeatures);
    g_autoptr(virJSONValue) firmware = vxlToolStringArray(f->firmware);
    g_autofree char *version = g_strdup_printf("%u.%u%s", f->xenMajor, f->xenMinor,
                                               NULLSTR_EMPTY(f->xenExtra));
    g_autofree char *microcode = g_strdup_printf("0x%x", f->microcode);
    g_autofree char *description = g_strdup_printf("Captured by virtxl host-profile from %s",
                                                   NULLSTR(f->hostname));
    size_t i, j;

    if (!features || !firmware)
        return NULL;

    if (virJSONValueObjectAppendNumberUint(maxv, "pv", f->maxVcpusPV) < 0 ||
        virJSONValueObjectAppendNumberUint(maxv, "hvm", f->maxVcpusHVM) < 0 ||
        virJSONValueObjectAppendNumberUint(maxv, "pvh", f->maxVcpusPVH) < 0)
        return NULL;

    if (virJSONValueObjectAppendString(xen, "version", version) < 0 ||
        virJSONValueObjectAppendString(xen, "capabilities", NULLSTR_EMPTY(f->xenCaps)) < 0 ||
        (f->xenCommandline && *f->xenCommandline &&
         virJSONValueObjectAppendString(xen, "commandline", f->xenCommandline) < 0) ||
        virJSONValueObjectAppendString(xen, "scheduler", NULLSTR_EMPTY(f->scheduler)) < 0 ||
        (f->deviceModel &&
         virJSONValueObjectAppendString(xen, "deviceModel", f->deviceModel) < 0) ||
        virJSONValueObjectAppend(xen, "maxVcpus", &maxv) < 0)
        return NULL;

    if (virJSONValueObjectAppendString(cpu, "vendor", NULLSTR_EMPTY(f->cpuVendor)) < 0 ||
        virJSONValueObjectAppendString(cpu, "model", NULLSTR_EMPTY(f->cpuModel)) < 0 ||
        virJSONValueObjectAppendNumberUint(cpu, "mhz", f->cpuMHz) < 0 ||
        (f->microcode &&
         virJSONValueObjectAppendString(cpu, "microcode", microcode) < 0) ||
        virJSONValueObjectAppendNumberUint(cpu, "sockets", f->sockets) < 0 ||
        virJSONValueObjectAppendNumberUint(cpu, "coresPerSocket", f->coresPerSocket) < 0 ||
        virJSONValueObjectAppendNumberUint(cpu, "threadsPerCore", f->threadsPerCore) < 0 ||
        virJSONValueObjectAppend(cpu, "features", &features) < 0)
        return NULL;
    if (f->cpuFamily) {
        g_autoptr(virJSONValue) sig = virJSONValueNewObject();

        if (virJSONValueObjectAppendNumberUint(sig, "family", f->cpuFamily) < 0 ||
            virJSONValueObjectAppendNumberUint(sig, "model", f->cpuModelNumber) < 0 ||
            virJSONValueObjectAppendNumberUint(sig, "stepping", f->cpuStepping) < 0 ||
            virJSONValueObjectAppend(cpu, "signature", &sig) < 0)
            return NULL;
    }
    /* Where Xen put each CPU, when it said (a profile keeps it only for
     * as many CPUs as it describes). */
    if (f->cpus && f->ncpus == f->nrCpus) {
        g_autoptr(virJSONValue) topo = virJSONValueNewArray();

        for (i = 0; i < f->ncpus; i++) {
            g_autoptr(virJSONValue) one = virJSONValueNewObject();

            if (virJSONValueObjectAppendNumberUint(one, "socket", f->cpus[i].socket) < 0 ||
                virJSONValueObjectAppendNumberUint(one, "core", f->cpus[i].core) < 0 ||
                virJSONValueArrayAppend(topo, &one) < 0)
                return NULL;
        }
        if (virJSONValueObjectAppend(cpu, "topology", &topo) < 0)
            return NULL;
    }

    if (virJSONValueObjectAppendBoolean(virt, "pv", f->pv) < 0 ||
        virJSONValueObjectAppendBoolean(virt, "hvm", f->hvm) < 0 ||
        virJSONValueObjectAppendBoolean(virt, "hap", f->hap) < 0 ||
        virJSONValueObjectAppendBoolean(virt, "shadow", f->shadow) < 0 ||
        virJSONValueObjectAppendBoolean(virt, "iommu", f->iommu) < 0 ||
        virJSONValueObjectAppendBoolean(virt, "iommuHapPtShare", f->iommuHapPtShare) < 0)
        return NULL;

    if (virJSONValueObjectAppendNumberUlong(mem, "totalMiB", f->totalKiB / 1024) < 0 ||
        virJSONValueObjectAppendNumberUlong(mem, "dom0MiB", f->dom0KiB / 1024) < 0)
        return NULL;

    for (i = 0; i < f->nnodes; i++) {
        g_autoptr(virJSONValue) node = virJSONValueNewObject();
        g_autoptr(virJSONValue) dist = virJSONValueNewArray();
        bool known = false;

        for (j = 0; j < f->nnodes; j++) {
            g_autoptr(virJSONValue) d = virJSONValueNewNumberUint(f->nodes[i].distances[j]);

            known |= f->nodes[i].distances[j] != 0;
            if (virJSONValueArrayAppend(dist, &d) < 0)
                return NULL;
        }
        if (virJSONValueObjectAppendNumberUlong(node, "memoryMiB",
                                                f->nodes[i].memoryKiB / 1024) < 0 ||
            virJSONValueObjectAppendString(node, "cpus", NULLSTR_EMPTY(f->nodes[i].cpus)) < 0 ||
            (known && virJSONValueObjectAppend(node, "distances", &dist) < 0) ||
            virJSONValueArrayAppend(numa, &node) < 0)
            return NULL;
    }

    if (virJSONValueObjectAppendNumberUint(root, "profile", 1) < 0 ||
        virJSONValueObjectAppendString(root, "description", description) < 0 ||
        virJSONValueObjectAppendString(root, "arch", NULLSTR_EMPTY(f->arch)) < 0 ||
        (f->hostname &&
         virJSONValueObjectAppendString(root, "hostname", f->hostname) < 0) ||
        (f->gicVersion &&
         virJSONValueObjectAppendNumberUint(root, "gicVersion", f->gicVersion) < 0) ||
        virJSONValueObjectAppend(root, "xen", &xen) < 0 ||
        virJSONValueObjectAppend(root, "cpu", &cpu) < 0 ||
        virJSONValueObjectAppend(root, "virtualization", &virt) < 0 ||
        virJSONValueObjectAppend(root, "memory", &mem) < 0 ||
        virJSONValueObjectAppend(root, "numa", &numa) < 0 ||
        virJSONValueObjectAppend(root, "firmware", &firmware) < 0)
        return NULL;
    return g_steal_pointer(&root);
}


int
vxlToolHostProfile(int argc, char **argv)
{
    g_autofree char *stateDir = NULL;
    vxlBackendConfig cfg = { 0 };
    vxlHostFacts facts = { 0 };
    g_autoptr(virJSONValue) json = NULL;
    g_autofree char *text = NULL;
    vxlBackend *be = NULL;
    int ret = 1;

    if (argc > 1) {
        fprintf(stderr, _("virtxl %s: takes no arguments; redirect its output to a file\n"),
                argv[0]);
        return 2;
    }
    if (!(stateDir = g_dir_make_tmp("virtxl-host-profile-XXXXXX", NULL))) {
        fprintf(stderr, "%s\n", _("virtxl host-profile: cannot create a temporary directory"));
        return 1;
    }
    cfg.stateDir = stateDir;

    /* Only the real backend can describe a real host: on a machine
     * without Xen its open fails with a message that says so. */
    if (!(be = vxlBackendNew("libxl")) || vxlBackendOpen(be, &cfg) < 0) {
        vxlToolReportError(_("cannot read this host's facts from Xen"));
        vxlBackendFree(be);
        be = NULL;
        goto cleanup;
    }
    if (vxlBackendHostGetFacts(be, &facts) < 0) {
        vxlToolReportError(_("cannot read this host's facts from Xen"));
        goto cleanup;
    }
    if (!(json = vxlToolFactsToProfile(&facts)) ||
        !(text = virJSONValueToString(json, true))) {
        vxlToolReportError("host-profile");
        goto cleanup;
    }
    fputs(text, stdout);
    ret = 0;

 cleanup:
    if (be) {
        vxlBackendClose(be);
        vxlBackendFree(be);
    }
    vxlHostFactsClear(&facts);
    if (stateDir)
        rmdir(stateDir);
    return ret;
}
