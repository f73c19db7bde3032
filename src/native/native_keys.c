/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_keys.c: every key of xl.cfg(5) for Xen 4.17, and for each that
 * domain XML cannot hold, why. docs/xl-cfg-keys.md is the same table for
 * people; tests/native checks that the two agree.
 *
 * A key with a NULL reason is converted (native_parse.c,
 * native_devices.c, native_features.c, native_cpu.c, native_knobs.c);
 * if it is present but was not read, it did not apply
 * to the guest's type (serial= for a PV guest, vfb= for HVM).
 */
#include "vxl_internal.h"

#include "native_private.h"

#define CLAIM N_("xl reads claim_mode from xl.conf(5), not from a domain's file")
#define VIF2 N_("xl does not support netchannel2 and ignores the list")
#define DM N_("xm's device model path, which xl ignores: use device_model_override")
#define VIEWER N_("xl starts a viewer only for xl create -V, not from the file; virt-viewer or virt-manager do that for libvirt")

const vxlNativeKeyInfo vxlNativeKeys[] = {
    /* general */
    { "name", NULL }, { "uuid", NULL }, { "type", NULL }, { "builder", NULL },
    { "pool", NULL },
    { "seclabel", NULL },
    { "init_seclabel", NULL },
    { "max_grant_frames", NULL }, { "max_maptrack_frames", NULL },
    { "max_grant_version", NULL }, { "max_event_channels", NULL },
    { "nomigrate", NULL }, { "driver_domain", NULL },
    { "device_tree", NULL }, { "vmtrace_buf_kb", NULL },
    /* cpus and memory */
    { "vcpus", NULL }, { "maxvcpus", NULL }, { "cpus", NULL },
    { "cpus_soft", NULL },
    { "cpu_weight", NULL },
    { "cap", NULL },
    { "period", NULL },
    { "slice", NULL },
    { "latency", NULL },
    { "extratime", NULL },
    { "memory", NULL }, { "maxmem", NULL },
    { "vnuma", NULL },
    { "claim_mode", CLAIM, true },
    /* lifecycle */
    { "on_poweroff", NULL }, { "on_reboot", NULL }, { "on_crash", NULL },
    { "on_watchdog", NULL }, { "on_soft_reset", NULL },
    /* boot */
    { "kernel", NULL }, { "ramdisk", NULL }, { "cmdline", NULL }, { "root", NULL },
    { "extra", NULL }, { "bootloader", NULL }, { "bootloader_args", NULL },
    { "boot", NULL }, { "bios", NULL },
    { "firmware", NULL }, { "firmware_override", NULL },
    { "bios_path_override", NULL },
    { "acpi_firmware", NULL }, { "smbios_firmware", NULL },
    { "pvshim", NULL }, { "pvshim_path", NULL }, { "pvshim_cmdline", NULL },
    { "pvshim_extra", NULL },
    /* devices */
    { "disk", NULL }, { "vif", NULL }, { "vif2", VIF2, true },
    { "device_model", DM, true },
    { "pci", NULL }, { "pci_permissive", NULL }, { "pci_msitranslate", NULL },
    { "pci_seize", NULL }, { "pci_power_mgmt", NULL },
    { "vtpm", NULL },
    { "p9", NULL }, { "pvcalls", NULL }, { "vfb", NULL },
    { "vkb", NULL }, { "vkb_device", NULL }, { "vdispl", NULL }, { "vsnd", NULL },
    { "channel", NULL }, { "usbctrl", NULL }, { "usbdev", NULL },
    { "rdm", NULL }, { "rdm_mem_boundary", NULL },
    { "dtdev", NULL }, { "iomem", NULL }, { "ioports", NULL }, { "irqs", NULL },
    { "usb", NULL },
    { "usbversion", NULL }, { "usbdevice", NULL },
    { "serial", NULL }, { "soundhw", NULL },
    { "vga", NULL }, { "stdvga", NULL }, { "videoram", NULL },
    { "vnc", NULL }, { "vnclisten", NULL }, { "vncdisplay", NULL }, { "vncunused", NULL },
    { "vncpasswd", NULL }, { "keymap", NULL }, { "sdl", NULL }, { "opengl", NULL },
    { "display", NULL }, { "xauthority", NULL }, { "nographic", NULL },
    { "vncviewer", VIEWER, true }, { "vncconsole", VIEWER, true },
    { "spice", NULL }, { "spicehost", NULL }, { "spiceport", NULL }, { "spicetls_port", NULL },
    { "spicedisable_ticketing", NULL }, { "spicepasswd", NULL }, { "spiceagent_mouse", NULL },
    { "spice_clipboard_sharing", NULL },
    { "spicevdagent", NULL }, { "spiceusbredirection", NULL },
    { "spice_image_compression", NULL }, { "spice_streaming_video", NULL },
    { "gfx_passthru", NULL }, { "hdtype", NULL },
    { "xen_platform_pci", NULL }, { "vendor_device", NULL },
    /* features */
    { "acpi", NULL }, { "apic", NULL }, { "pae", NULL }, { "hap", NULL }, { "hpet", NULL },
    { "acpi_s3", NULL }, { "acpi_s4", NULL }, { "acpi_laptop_slate", NULL },
    { "nx", NULL },
    { "viridian", NULL },
    { "cpuid", NULL },
    { "nestedhvm", NULL },
    { "altp2m", NULL }, { "altp2mhvm", NULL },
    { "shadow_memory", NULL }, { "oos", NULL },
    { "timer_mode", NULL }, { "vpt_align", NULL },
    { "mmio_hole", NULL }, { "ms_vm_genid", NULL },
    { "e820_host", NULL }, { "passthrough", NULL },
    { "vpmu", NULL }, { "msr_relaxed", NULL }, { "mca_caps", NULL },
    { "tee", NULL }, { "gic_version", NULL }, { "vuart", NULL },
    { "localtime", NULL }, { "rtc_timeoffset", NULL }, { "tsc_mode", NULL },
    /* device model */
    { "device_model_version", NULL }, { "device_model_override", NULL },
    { "device_model_stubdomain_override", NULL },
    { "device_model_stubdomain_seclabel", NULL },
    { "stubdomain_memory", NULL },
    { "stubdomain_kernel", NULL },
    { "stubdomain_ramdisk", NULL },
    { "stubdomain_cmdline", NULL },
    { "device_model_args", NULL }, { "device_model_args_pv", NULL },
    { "device_model_args_hvm", NULL },
    { "device_model_user", NULL }, { "dm_restrict", NULL },
    { "xend_suspend_evtchn_compat", NULL },
};
const size_t vxlNativeKeysCount = G_N_ELEMENTS(vxlNativeKeys);


const vxlNativeKeyInfo *
vxlNativeKeyInfoFind(const char *name)
{
    size_t i;

    for (i = 0; i < vxlNativeKeysCount; i++) {
        if (STREQ(vxlNativeKeys[i].name, name))
            return &vxlNativeKeys[i];
    }
    return NULL;
}
