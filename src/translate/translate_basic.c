/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_basic.c: the domain as a whole.
 *
 * Covers <name>, <uuid>, <os><type> (xen = PV, hvm = HVM, xenpvh = PVH),
 * <memory>, <currentMemory>, <vcpu current>, <vcpus><vcpu enabled>,
 * <on_poweroff>, <on_reboot>, <on_crash>, and for HVM guests the
 * platform features <acpi/>, <apic/> and <pae/>; <emulator> (the device
 * model's path).
 *
 * Refuses <maxMemory> (Xen has no memory hotplug) and HVM guests on ARM.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "util_enums.h"
#include "virarch.h"
#include "virerror.h"
#include <libxl_utils.h>

#define VIR_FROM_THIS VIR_FROM_LIBXL


static int
vxlValidateLifecycle(const char *element, int action)
{
    if (vxlEnumVirToXl(&vxlEnumLifecycle, action) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<%s>%s</%s> is not supported by Xen"),
                       element, NULLSTR(virDomainLifecycleActionTypeToString(action)),
                       element);
        return -1;
    }
    return 0;
}


int
vxlValidateBasic(const virDomainDef *def)
{
    if (vxlTranslateDomainType(def) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<os><type>%s</type> is not supported by Xen; use 'xen' (PV), 'hvm' or 'xenpvh'"),
                       NULLSTR(virDomainOSTypeToString(def->os.type)));
        return -1;
    }

    /* libxl builds HVM guests with hvmloader and a qemu device model,
     * which exist on x86 only. */
    if (def->os.type == VIR_DOMAIN_OSTYPE_HVM && !ARCH_IS_X86(def->os.arch)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<os><type arch='%s'>hvm</type> is not supported by Xen: HVM guests exist on x86 only; use 'xen' or 'xenpvh'"),
                       virArchToString(def->os.arch));
        return -1;
    }

    /* <maxMemory> is the ceiling for memory modules plugged later; Xen
     * grows a guest by ballooning up to <memory> instead, so accepting it
     * would promise what cannot be done. */
    if (def->mem.max_memory > 0 || def->mem.memory_slots > 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<maxMemory> is not supported by Xen: Xen has no memory hotplug; set <memory> to the most the guest may balloon up to and <currentMemory> to what it starts with"));
        return -1;
    }

    /* qemu's madvise of guest RAM out of its own core dumps: a Xen
     * guest's memory is not a host process's to dump. */
    if (def->mem.dump_core != VIR_TRISTATE_SWITCH_ABSENT) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<memory dumpCore> is not supported by Xen"));
        return -1;
    }
    if (def->onLockFailure != VIR_DOMAIN_LOCK_FAILURE_DEFAULT) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<on_lockfailure> is not supported by Xen: the Xen driver has no lock manager"));
        return -1;
    }

    if (vxlValidateLifecycle("on_poweroff", def->onPoweroff) < 0 ||
        vxlValidateLifecycle("on_reboot", def->onReboot) < 0 ||
        vxlValidateLifecycle("on_crash", def->onCrash) < 0)
        return -1;

    return 0;
}


/*
 * libxl_bitmap_alloc() wants a libxl_ctx, which needs a running Xen, so
 * the map is allocated here the way libxl does it: calloc'ed bytes for
 * @nbits bits, freed by libxl_bitmap_dispose() with free().
 */
void
vxlTranslateBitmapAlloc(libxl_bitmap *bitmap, unsigned int nbits)
{
    libxl_bitmap_init(bitmap);
    bitmap->size = (nbits + 7) / 8;
    if (!(bitmap->map = calloc(bitmap->size, 1)))
        abort(); /* out of memory: what g_malloc0 would do */
}


static void
vxlTranslateVcpus(const virDomainDef *def, libxl_domain_build_info *b_info)
{
    size_t i;

    /* max_vcpus is how many vCPUs the domain is built with;
     * avail_vcpus says which of them are online at boot. libvirt allows
     * any of them offline (<vcpus><vcpu enabled='no'>), not just the
     * highest, so every bit is copied rather than the first N set. */
    b_info->max_vcpus = def->maxvcpus;
    vxlTranslateBitmapAlloc(&b_info->avail_vcpus, def->maxvcpus);
    for (i = 0; i < def->maxvcpus; i++) {
        if (def->vcpus[i]->online)
            libxl_bitmap_set(&b_info->avail_vcpus, i);
    }
}


/* Absent and "off" are the same for these libvirt features: the machine
 * does not have them. libxl's own default (when left unset) is "on", so
 * each is set explicitly either way. */
static void
vxlTranslateFeature(const virDomainDef *def, virDomainFeature feature,
                    libxl_defbool *xfeature)
{
    libxl_defbool_set(xfeature, def->features[feature] == VIR_TRISTATE_SWITCH_ON);
}


int
vxlTranslateBasic(const virDomainDef *def, libxl_domain_config *dcfg)
{
    libxl_domain_create_info *c_info = &dcfg->c_info;
    libxl_domain_build_info *b_info = &dcfg->b_info;
    libxl_domain_type type;

    if (vxlValidateBasic(def) < 0)
        return -1;

    type = vxlTranslateDomainType(def);
    c_info->type = type;
    c_info->name = g_strdup(def->name);
    memcpy(libxl_uuid_bytearray(&c_info->uuid), def->uuid, VIR_UUID_BUFLEN);

    /* Selects b_info's per-type union (u.pv, u.hvm, u.pvh). */
    libxl_domain_build_info_init_type(b_info, type);

    /* <memory> (less any memory modules, which Xen has none of) is the
     * most the guest may balloon up to: xl's maxmem=. <currentMemory> is
     * what it boots with: xl's memory=. Both are KiB on both sides. For
     * HVM, target below max is populate-on-demand, as with xl. */
    b_info->max_memkb = virDomainDefGetMemoryInitial(def);
    b_info->target_memkb = def->mem.cur_balloon;

    vxlTranslateVcpus(def, b_info);

    /* libxl only stores these actions; the toolstack carries them out
     * (xl's daemon, here domain/ on libxl's shutdown events). They are set
     * so that the config read back from libxl is complete. */
    dcfg->on_poweroff = vxlEnumVirToXl(&vxlEnumLifecycle, def->onPoweroff);
    dcfg->on_reboot = vxlEnumVirToXl(&vxlEnumLifecycle, def->onReboot);
    dcfg->on_crash = vxlEnumVirToXl(&vxlEnumLifecycle, def->onCrash);
    /* A guest's soft reset (kexec into a crash kernel, for one) must
     * reset the domain in place. libvirt has no element for it; xl sets
     * this by default, where libxl's own default would destroy the
     * guest. on_watchdog stays at libxl's (and xl's) default, destroy. */
    dcfg->on_soft_reset = LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET;

    /* <emulator> is libvirt's word for xl's device_model_override= (as
     * libvirt's libxl driver reads it); <virtxl:devicemodel path>, which
     * the "xmlns" class sets later, says the same and wins. */
    if (def->emulator) {
        const vxlXMLNSDef *ns = vxlXMLNSGet(def);

        if (!ns || !ns->dmPath)
            b_info->device_model = g_strdup(def->emulator);
    }

    /* A PV or PVH guest's <acpi/>, <apic/> and <pae/> change nothing
     * (Qubes OS writes them for every guest): xl reads apic= and pae=
     * for HVM only, and their acpi= off switch is <virtxl:acpi>
     * (translate_xmlns_libxl.c), since libvirt's <acpi/> has no off
     * state and its absence must keep libxl's default, on. */
    if (type == LIBXL_DOMAIN_TYPE_HVM) {
        vxlTranslateFeature(def, VIR_DOMAIN_FEATURE_ACPI, &b_info->acpi);
        vxlTranslateFeature(def, VIR_DOMAIN_FEATURE_APIC, &b_info->apic);
        vxlTranslateFeature(def, VIR_DOMAIN_FEATURE_PAE, &b_info->u.hvm.pae);
    }

    return 0;
}
