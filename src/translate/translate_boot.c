/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_boot.c: how the guest boots.
 *
 * Covers <os><kernel>, <initrd> and <cmdline> (PV and PVH; HVM direct
 * kernel boot, which qemu performs), <bootloader> and <bootloader_args>
 * (PV and PVH, e.g. pygrub), and for HVM guests the firmware and
 * <os><boot dev> (libxl's boot string). Firmware: <os firmware='efi'> or
 * <loader type='pflash'> is OVMF; <os firmware='bios'>, or nothing, is
 * SeaBIOS; the traditional <loader>.../hvmloader</loader> is accepted,
 * since hvmloader is what Xen always runs first.
 *
 * Refuses a PV or PVH guest with nothing to boot, firmware for PV and PVH, other loaders, NVRAM, secure boot, and
 * per-device <boot order>.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "util_enums.h"
#include "virerror.h"
#include "virutil.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


/* The traditional Xen HVM loader. Xen always starts an HVM guest in
 * hvmloader, which then loads SeaBIOS or OVMF. libvirt's Xen configs
 * have long named it as <loader>; xl likewise ignores a kernel= that
 * names it. */
static bool
vxlBootLoaderIsHvmloader(const virDomainLoaderDef *loader)
{
    g_autofree char *base = NULL;

    if (!loader->path)
        return true;
    base = g_path_get_basename(loader->path);
    return STREQ(base, "hvmloader");
}


/* Whether the HVM firmware is OVMF rather than libxl's default,
 * SeaBIOS. */
static bool
vxlBootWantsOVMF(const virDomainDef *def)
{
    return def->os.firmware == VIR_DOMAIN_OS_DEF_FIRMWARE_EFI ||
           (def->os.loader && def->os.loader->type == VIR_DOMAIN_LOADER_TYPE_PFLASH);
}


static int
vxlValidateBootHVM(const virDomainDef *def)
{
    const virDomainLoaderDef *loader = def->os.loader;

    /* An HVM guest's <bootloader> was taken out at post-parse
     * (conf_xmlopt.c): libxl runs none for HVM. */

    if (def->os.firmwareFeatures &&
        (def->os.firmwareFeatures[VIR_DOMAIN_OS_DEF_FIRMWARE_FEATURE_SECURE_BOOT] == VIR_TRISTATE_BOOL_YES ||
         def->os.firmwareFeatures[VIR_DOMAIN_OS_DEF_FIRMWARE_FEATURE_ENROLLED_KEYS] == VIR_TRISTATE_BOOL_YES)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<os><firmware><feature name='secure-boot'|'enrolled-keys' enabled='yes'> is not supported by Xen: its OVMF has no secure boot"));
        return -1;
    }

    /* libxl pairs the BIOS with the device model: the old
     * qemu-xen-traditional boots ROMBIOS and nothing else. */
    if (vxlBootWantsOVMF(def) && vxlXMLNSTraditionalDM(def)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<os firmware='efi'> is not supported by Xen with <virtxl:devicemodel version='qemu-xen-traditional'>: that device model boots ROMBIOS only"));
        return -1;
    }

    if (!loader)
        return 0;

    /* Xen's OVMF keeps no variable store. */
    if (loader->nvram || loader->nvramTemplate) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<os><nvram> is not supported by Xen: its OVMF keeps no UEFI variable store"));
        return -1;
    }
    if (loader->secure == VIR_TRISTATE_BOOL_YES) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<os><loader secure='yes'> is not supported by Xen"));
        return -1;
    }
    /* A pflash loader is OVMF, a ROM one the BIOS (SeaBIOS, or ROMBIOS
     * with qemu-xen-traditional); either's file is the image hvmloader
     * loads instead of the one Xen was built with (xl's
     * bios_path_override=, b_info.u.hvm.system_firmware). hvmloader
     * itself is what every HVM guest runs first, with no file to name. */
    if (loader->type == VIR_DOMAIN_LOADER_TYPE_ROM && vxlBootWantsOVMF(def) &&
        loader->path && !vxlBootLoaderIsHvmloader(loader)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<os><loader type='rom'>%s</loader> with <os firmware='efi'> is not supported by Xen: name OVMF's image as <loader type='pflash'>"),
                       loader->path);
        return -1;
    }
    return 0;
}




static int
vxlValidateBootDeviceOrder(const virDomainDef *def)
{
    char order[4];

    return vxlBootDeviceOrder(def, order) < 0 ? -1 : 0;
}


int
vxlValidateBoot(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);

    if (vxlValidateBootDeviceOrder(def) < 0)
        return -1;

    /* libxl gives qemu the boot order only, and SeaBIOS its defaults. */
    if (def->os.bootmenu == VIR_TRISTATE_BOOL_YES || def->os.bm_timeout_set) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<os><bootmenu enable='yes'|timeout> is not supported by Xen"));
        return -1;
    }
    if (def->os.bios.useserial == VIR_TRISTATE_BOOL_YES || def->os.bios.rt_set) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<os><bios useserial='yes'|rebootTimeout> is not supported by Xen"));
        return -1;
    }

    /* Xen builds an ARM guest's device tree itself; its device_tree= is
     * a fragment merged into that one (<virtxl:device_tree>), not a
     * whole tree to boot with. */
    if (def->os.dtb) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<os><dtb> is not supported by Xen: libxl builds the guest's device tree itself; a partial tree to merge into it is <virtxl:device_tree>"));
        return -1;
    }

    switch ((virDomainOSType)def->os.type) {
    case VIR_DOMAIN_OSTYPE_HVM:
        return vxlValidateBootHVM(def);

    case VIR_DOMAIN_OSTYPE_XEN:
    case VIR_DOMAIN_OSTYPE_XENPVH:
        /* A PV or PVH guest has no firmware: libxl needs a kernel, or a
         * bootloader to fetch one from the guest's disk. xl refuses such
         * a config too. */
        if (def->os.loader || def->os.firmware != VIR_DOMAIN_OS_DEF_FIRMWARE_NONE ||
            (ns && ns->pvFirmware)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<os><loader>, <os firmware> and <os><firmware> are not supported for Xen PV and PVH guests: boot them with <kernel> (pvgrub included) or <bootloader>"));
            return -1;
        }
        if (!def->os.kernel && !def->os.bootloader) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<os> needs <kernel> or <bootloader> for Xen PV and PVH guests: they have no firmware to boot from a disk"));
            return -1;
        }
        return 0;

    case VIR_DOMAIN_OSTYPE_LINUX:
    case VIR_DOMAIN_OSTYPE_EXE:
    case VIR_DOMAIN_OSTYPE_UML:
        /* vxlValidateBasic() refuses these. */
        return 0;
    case VIR_DOMAIN_OSTYPE_LAST:
    default:
        virReportEnumRangeError(virDomainOSType, def->os.type);
        return -1;
    }
}


/* libxl's bootloader_args is an argv; libvirt keeps one string. Split it
 * on blanks as xl does for a bootloader_args= string, so that the same
 * text means the same arguments. */
static libxl_string_list
vxlBootSplitArgs(const char *args)
{
    g_auto(GStrv) words = g_strsplit_set(args, " \t\n", -1);
    libxl_string_list list = g_new0(char *, g_strv_length(words) + 1);
    size_t i;
    size_t n = 0;

    for (i = 0; words[i]; i++) {
        if (*words[i])
            list[n++] = g_strdup(words[i]);
    }
    return list;
}


static void
vxlTranslateBootOrder(const virDomainDef *def, libxl_domain_build_info *b_info)
{
    char order[VIR_DOMAIN_BOOT_LAST + 1] = { 0 };
    size_t i;

    /* libvirt's post-parse gives an HVM guest at least <boot dev='hd'/>,
     * so the string is never empty (libxl's default would be "cda"). */
    for (i = 0; i < def->os.nBootDevs && i < VIR_DOMAIN_BOOT_LAST; i++)
        order[i] = vxlEnumVirToXl(&vxlEnumBootDevice, def->os.bootDevs[i]);
    /* Or from the devices' own <boot order> (libvirt allows one or the
     * other), validated already. */
    if (def->os.nBootDevs == 0 && vxlBootDeviceOrder(def, order) <= 0)
        order[0] = 0;
    if (order[0])
        b_info->u.hvm.boot = g_strdup(order);
}


int
vxlTranslateBoot(const virDomainDef *def, libxl_domain_config *dcfg)
{
    libxl_domain_build_info *b_info = &dcfg->b_info;

    if (vxlValidateBoot(def) < 0)
        return -1;

    /* The same three fields serve PV, PVH and HVM direct kernel boot. */
    b_info->kernel = g_strdup(def->os.kernel);
    b_info->ramdisk = g_strdup(def->os.initrd);
    /* <os><root> joins the command line as xl's root= does. */
    b_info->cmdline = vxlBootKernelCmdline(def);

    if (b_info->type == LIBXL_DOMAIN_TYPE_HVM) {
        /* Left unset, libxl picks the device model's BIOS: SeaBIOS for
         * qemu-xen (the only one Debian builds), ROMBIOS for
         * qemu-xen-traditional, exactly as for an xl.cfg without bios=;
         * an explicit <os firmware='bios'> names that one. */
        if (vxlBootWantsOVMF(def))
            b_info->u.hvm.bios = LIBXL_BIOS_TYPE_OVMF;
        else if (def->os.firmware == VIR_DOMAIN_OS_DEF_FIRMWARE_BIOS)
            b_info->u.hvm.bios = vxlXMLNSTraditionalDM(def) ? LIBXL_BIOS_TYPE_ROMBIOS :
                                                              LIBXL_BIOS_TYPE_SEABIOS;
        if (def->os.loader && def->os.loader->path &&
            !vxlBootLoaderIsHvmloader(def->os.loader)) {
            b_info->u.hvm.system_firmware = g_strdup(def->os.loader->path);
            /* A BIOS image names its BIOS, as xl's bios= beside it. */
            if (def->os.loader->type != VIR_DOMAIN_LOADER_TYPE_PFLASH && !vxlBootWantsOVMF(def))
                b_info->u.hvm.bios = vxlXMLNSTraditionalDM(def) ? LIBXL_BIOS_TYPE_ROMBIOS :
                                                                  LIBXL_BIOS_TYPE_SEABIOS;
        }
        vxlTranslateBootOrder(def, b_info);
    } else {
        b_info->bootloader = g_strdup(def->os.bootloader);
        if (def->os.bootloaderArgs)
            b_info->bootloader_args = vxlBootSplitArgs(def->os.bootloaderArgs);
    }

    return 0;
}
