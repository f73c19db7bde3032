/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_xm.c: spellings of xm's older files ("xen-xm") that xl still
 * reads, with xl's meaning. xm's files have xl's grammar, and most of
 * their keys are xl's (builder=, vncunused=, 'phy:/dev/x,hda,w' disk
 * specs are handled where those keys are); what differs is here:
 *
 *   kernel = ".../hvmloader" for an HVM guest: xm's way of naming the
 *       firmware. xl ignores a kernel whose base name is hvmloader (it
 *       would otherwise be a direct kernel boot), and so do we, warning.
 *   vfb = [ "type=vnc" ]: xm's way of choosing the display. xl ignores
 *       type=, and a vfb gets VNC from libxl unless vnc=0, so it is VNC
 *       (type=sdl too, warned: xl never gave it SDL).
 *   device_model=, vif2=: obsolete, xl ignores them (native_keys.c).
 *
 * domxml-to-native xen-xm writes xl.cfg's spelling: xm itself is gone
 * (Xen 4.5), and its files are read by xl.
 */
#include "vxl_internal.h"

#include <libxl.h>

#include "native_private.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


int
vxlNativeGetKernel(vxlNativeReader *r, const char **kernel)
{
    g_autofree char *base = NULL;
    int rc;

    if ((rc = vxlNativeGetString(r, "kernel", kernel)) <= 0)
        return rc;
    if (r->type != LIBXL_DOMAIN_TYPE_HVM)
        return rc;
    base = g_path_get_basename(*kernel);
    if (STREQ(base, "hvmloader")) {
        vxlNativeWarn(r, "kernel", _("dropped '%s': xm's way of naming the HVM firmware, which xl ignores too"),
                      *kernel);
        *kernel = NULL;
        return 0;
    }
    return rc;
}


/* xm's vfb type=vnc|sdl. xl ignores type=, and libxl enables VNC on a
 * vfb that does not say vnc=0: either way the framebuffer is VNC, which
 * is what type=vnc asked for and not what type=sdl did. */
bool
vxlNativeVfbType(vxlNativeReader *r, int index, const char *key,
                 const char *value)
{
    if (STRNEQ(key, "type"))
        return false;
    if (STRNEQ(value, "vnc"))
        vxlNativeWarn(r, "vfb", _("entry %d: type=%s is xm's; xl ignores it and libxl gives the framebuffer VNC"),
                      index + 1, value);
    return true;
}


/* Where Debian's Xen 4.17 keeps the firmware images xl's firmware=
 * names (its XENFIRMWAREDIR; hvmloader lives there too). */
#define VXL_NATIVE_XEN_FIRMWARE_DIR "/usr/lib/xen-4.17/boot"

char *
vxlNativePvgrubKernel(const char *firmware)
{
    /* xl compares only as many characters as the value has. */
    if (strncmp(firmware, "pvgrub32", strlen(firmware)) != 0 &&
        strncmp(firmware, "pvgrub64", strlen(firmware)) != 0)
        return NULL;
    return g_strdup_printf(VXL_NATIVE_XEN_FIRMWARE_DIR "/%s.bin", firmware);
}


const char *
vxlNativePvgrubFirmware(const char *kernel)
{
    static const char *const names[] = { "pvgrub32", "pvgrub64" };
    size_t i;

    for (i = 0; kernel && i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = vxlNativePvgrubKernel(names[i]);

        if (STREQ(kernel, path))
            return names[i];
    }
    return NULL;
}
