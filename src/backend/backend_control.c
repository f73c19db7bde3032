/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * backend_control.c: which guest types have the emulated hardware that
 * reset, send-key and ACPI sleep act on, decided once for both backends.
 *
 * An HVM guest's device model emulates a PC: a reset line (QEMU's
 * system_reset, which libxl's RESET trigger uses), a PS/2 keyboard and
 * ACPI with S3. A PV or PVH guest has none of them: it is reset only by
 * being rebuilt, types only on a vkbd (which libxl gives no way to press
 * keys on) and sleeps only through a save.
 */
#include "vxl_internal.h"

#include "virtxl/backend.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

int
vxlBackendControlCheck(const char *name, uint32_t domid,
                       libxl_domain_type type, vxlControl control)
{
    const char *typeName = NULLSTR(libxl_domain_type_to_string(type));

    if (type == LIBXL_DOMAIN_TYPE_HVM)
        return 0;

    switch (control) {
    case VXL_CONTROL_RESET:
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot reset domain '%s' (id %u): only HVM guests have a reset line, this is a %s guest; reboot or destroy and start it instead"),
                       name, domid, typeName);
        return -1;
    case VXL_CONTROL_SENDKEY:
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot send keys to domain '%s' (id %u): only HVM guests have an emulated keyboard, this is a %s guest"),
                       name, domid, typeName);
        return -1;
    case VXL_CONTROL_PMSUSPEND:
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot suspend domain '%s' (id %u) to RAM: only HVM guests have ACPI sleep states, this is a %s guest"),
                       name, domid, typeName);
        return -1;
    case VXL_CONTROL_LAST:
    default:
        break;
    }
    virReportEnumRangeError(vxlControl, control);
    return -1;
}

bool
vxlBackendHasDisplay(const libxl_domain_config *dcfg)
{
    const libxl_domain_build_info *b = &dcfg->b_info;

    if (dcfg->c_info.type != LIBXL_DOMAIN_TYPE_HVM)
        return dcfg->num_vfbs > 0;
    /* A defbool left at its default must not be read with _val. */
    if (!libxl_defbool_is_default(b->u.hvm.nographic) &&
        libxl_defbool_val(b->u.hvm.nographic))
        return false;
    return b->u.hvm.vga.kind != LIBXL_VGA_INTERFACE_TYPE_NONE;
}

int
vxlBackendScreenCheck(const char *name, uint32_t domid, bool display)
{
    if (display)
        return 0;
    virReportError(VIR_ERR_OPERATION_INVALID,
                   _("cannot take a screenshot of domain '%s' (id %u): it has no display (give it <graphics> and <video>, or a PV guest a <graphics> framebuffer)"),
                   name, domid);
    return -1;
}
