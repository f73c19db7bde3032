/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * virtxl.h: constants shared by the driver, the offline tool and tests.
 */
#pragma once

/* libvirt's driver name for Xen. libvirtd dlopens libvirt_driver_libxl.so
 * and calls libxlRegister(); virsh prints this from "virsh version". */
#define VXL_DRIVER_NAME "xenlight"
#define VXL_URI_SCHEME "xen"

/* Our own domain XML namespace, for what libvirt's schema has no element
 * for: simulated guest behaviour and extra device-model arguments. */
#define VXL_XMLNS_URI "https://virtxl.dev/xmlns/domain/1.0"
#define VXL_XMLNS_PREFIX "virtxl"

/* Xen's OUI: libxl and xl give vifs MACs in 00:16:3e:xx:xx:xx. */
#define VXL_MAC_PREFIX { 0x00, 0x16, 0x3e }

/* The driver config file, in libvirt's libxl.conf format, under the
 * daemon's config dir (/etc/libvirt for a privileged daemon). */
#define VXL_CONFIG_FILE_NAME "libxl.conf"

/* Directories under the daemon's roots (cf. libvirt's libxl driver). */
#define VXL_DIR_NAME "libxl"

/* Video RAM libxl gives an emulated card, in KiB, with qemu-xen and
 * with qemu-xen-traditional: what an HVM guest's <video> without vram
 * gets, and what xl.cfg's absent videoram= means (vxlVideoDefaultKiB). */
#define VXL_VIDEO_CIRRUS_DEFAULT_KIB (8 * 1024)
#define VXL_VIDEO_VGA_DEFAULT_KIB (16 * 1024)
#define VXL_VIDEO_CIRRUS_TRADITIONAL_KIB (4 * 1024)
#define VXL_VIDEO_VGA_TRADITIONAL_KIB (8 * 1024)

/* The bootloader a PV or PVH guest with neither <kernel> nor <bootloader>
 * gets, as with libvirt's own libxl driver: libxl finds it on its PATH
 * (Debian: /usr/lib/xen-4.17/bin/pygrub). */
#define VXL_DEFAULT_BOOTLOADER "pygrub"
