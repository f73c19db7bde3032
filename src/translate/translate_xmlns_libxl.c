/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_xmlns_libxl.c: the "xmlns" translator class, the project's
 * domain XML namespace (src/conf/domain_xmlns.c parses and validates it)
 * into libxl_domain_config: device model options, reserved device memory,
 * soft vCPU affinity, vTPMs and the scalar xl.cfg knobs.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "util_strv.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* As xl builds cpus_soft=: a "list" for every vCPU, or one map per vCPU
 * up to the last named. */
static void
vxlTranslateXMLNSCpusSoft(const virDomainDef *def, const vxlXMLNSDef *ns,
                          libxl_domain_build_info *b_info)
{
    const vxlXMLNSCpusSoft *all = NULL;
    size_t n;
    size_t i, j;

    if (ns->ncpusSoft == 0)
        return;
    n = vxlXMLNSCpusSoftSpan(ns, &all);
    if (all)
        n = def->maxvcpus;
    b_info->vcpu_soft_affinity = g_new0(libxl_bitmap, n);
    b_info->num_vcpu_soft_affinity = n;
    for (i = 0; i < n; i++) {
        const vxlXMLNSCpusSoft *soft = all;
        g_autoptr(virBitmap) map = NULL;

        for (j = 0; j < ns->ncpusSoft; j++) {
            if (ns->cpusSoft[j].vcpu == (int)i)
                soft = &ns->cpusSoft[j];
        }
        map = vxlXMLNSCpusSoftMap(soft);
        vxlTranslateBitmapFromVir(&b_info->vcpu_soft_affinity[i], map);
    }
    /* xl turns libxl's NUMA placement off for any cpus_soft=: placement
     * would otherwise overwrite the soft affinity with its own. */
    libxl_defbool_set(&b_info->numa_placement, false);
}


static void
vxlTranslateXMLNSVtpms(const vxlXMLNSDef *ns, libxl_domain_config *dcfg)
{
    size_t i;

    if (ns->nvtpms == 0)
        return;
    dcfg->vtpms = g_new0(libxl_device_vtpm, ns->nvtpms);
    dcfg->num_vtpms = ns->nvtpms;
    for (i = 0; i < ns->nvtpms; i++) {
        libxl_device_vtpm *xvtpm = &dcfg->vtpms[i];

        libxl_device_vtpm_init(xvtpm);
        /* xl numbers them in order, as the frontends see them. */
        xvtpm->devid = i;
        xvtpm->backend_domname = g_strdup(ns->vtpms[i].backend);
        if (ns->vtpms[i].hasUUID)
            memcpy(libxl_uuid_bytearray(&xvtpm->uuid), ns->vtpms[i].uuid, VIR_UUID_BUFLEN);
    }
}


static void
vxlTranslateXMLNSKnobs(const vxlXMLNSDef *ns, libxl_domain_config *dcfg)
{
    libxl_domain_build_info *b_info = &dcfg->b_info;
    size_t i;

    if (ns->smbiosFirmware && b_info->type == LIBXL_DOMAIN_TYPE_HVM)
        b_info->u.hvm.smbios_firmware = g_strdup(ns->smbiosFirmware);

    for (i = 0; i < VXL_XMLNS_KNOB_LAST; i++) {
        long long v = ns->knobs[i].value;

        /* The validator refused a knob on a guest it does not apply
         * to; this keeps a union member of another type untouched. */
        if (!ns->knobs[i].set || !(vxlXMLNSKnobs[i].guests & (1u << b_info->type)))
            continue;
        switch ((vxlXMLNSKnob)i) {
        case VXL_XMLNS_KNOB_NOMIGRATE:
            libxl_defbool_set(&b_info->disable_migrate, v);
            break;
        case VXL_XMLNS_KNOB_DRIVER_DOMAIN:
            libxl_defbool_set(&dcfg->c_info.driver_domain, v);
            break;
        case VXL_XMLNS_KNOB_MAX_MAPTRACK_FRAMES:
            b_info->max_maptrack_frames = v;
            break;
        case VXL_XMLNS_KNOB_MAX_GRANT_VERSION:
            b_info->max_grant_version = v;
            break;
        /* MiB in xl.cfg, KiB in libxl. */
        case VXL_XMLNS_KNOB_SHADOW_MEMORY:
            b_info->shadow_memkb = (uint64_t)v * 1024;
            break;
        case VXL_XMLNS_KNOB_ALTP2M:
            b_info->altp2m = v;
            break;
        /* PV and PVH only: an HVM guest's is <features><acpi/>
         * (translate_basic.c). */
        case VXL_XMLNS_KNOB_ACPI:
            libxl_defbool_set(&b_info->acpi, v);
            break;
        /* HVM only (vxlXMLNSKnobs): b_info.u.hvm is the union's member. */
        case VXL_XMLNS_KNOB_NX:
            libxl_defbool_set(&b_info->u.hvm.nx, v);
            break;
        case VXL_XMLNS_KNOB_MMIO_HOLE:
            b_info->u.hvm.mmio_hole_memkb = (uint64_t)v * 1024;
            break;
        case VXL_XMLNS_KNOB_XEN_PLATFORM_PCI:
            libxl_defbool_set(&b_info->u.hvm.xen_platform_pci, v);
            break;
        case VXL_XMLNS_KNOB_VENDOR_DEVICE:
            b_info->u.hvm.vendor_device = v;
            break;
        case VXL_XMLNS_KNOB_LAST:
        default:
            virReportEnumRangeError(vxlXMLNSKnob, (int)i);
            break;
        }
    }
}


int
vxlTranslateXMLNS(const virDomainDef *def, libxl_domain_config *dcfg)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    libxl_domain_build_info *b_info = &dcfg->b_info;

    if (vxlValidateXMLNS(def) < 0)
        return -1;
    if (!ns)
        return 0;

    /* "basic" ran first and owns @dcfg (see translate_private.h). */
    if (ns->args)
        b_info->extra = g_strdupv(ns->args);
    /* After any the graphics translator put there (USB inputs beside
     * SPICE USB redirection, translate_gfx.c). */
    if (ns->argsHVM) {
        char **all = vxlStrvConcat(b_info->extra_hvm, ns->argsHVM);

        g_strfreev(b_info->extra_hvm);
        b_info->extra_hvm = all;
    }
    if (ns->argsPV)
        b_info->extra_pv = g_strdupv(ns->argsPV);
    if (ns->dmVersion >= 0)
        b_info->device_model_version = ns->dmVersion;
    if (ns->dmPath)
        b_info->device_model = g_strdup(ns->dmPath);
    if (ns->stubdomain)
        libxl_defbool_set(&b_info->device_model_stubdomain,
                          ns->stubdomain == VIR_TRISTATE_BOOL_YES);
    if (ns->stubdomainMemMB)
        b_info->stubdomain_memkb = (uint64_t)ns->stubdomainMemMB * 1024;
    if (b_info->type == LIBXL_DOMAIN_TYPE_HVM) {
        if (ns->rdmStrategy >= 0)
            b_info->u.hvm.rdm.strategy = ns->rdmStrategy;
        if (ns->rdmPolicy >= 0)
            b_info->u.hvm.rdm.policy = ns->rdmPolicy;
        if (ns->rdmMemBoundaryMB)
            b_info->u.hvm.rdm_mem_boundary_memkb = (uint64_t)ns->rdmMemBoundaryMB * 1024;
    }
    vxlTranslateXMLNSCpusSoft(def, ns, b_info);
    if (ns->numaPlacement == VIR_TRISTATE_SWITCH_OFF)
        libxl_defbool_set(&b_info->numa_placement, false);
    vxlTranslateXMLNSVtpms(ns, dcfg);
    vxlTranslateXMLNSKnobs(ns, dcfg);
    vxlTranslateXMLNSKeys(ns->keys, dcfg);  /* translate_xmlns_keys_libxl.c */
    return 0;
}
