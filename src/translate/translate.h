/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate.h: virDomainDef -> libxl_domain_config.
 *
 * Pure functions: no backend, no globals, no I/O. One file per device
 * class (translate_<class>.c), each with
 *   vxlValidate<Class>()      refuse at define time what Xen cannot do,
 *                             VIR_ERR_CONFIG_UNSUPPORTED naming the element
 *   vxlTranslate<Class>()     fill one _init'ed libxl device (reused by
 *                             hot-plug)
 *   vxlTranslate<Class>List() build every device of the class into locals
 *                             and hand them to @dcfg only on full success
 */
#pragma once

#include "vxl_internal.h"
#include "domain_conf.h"
#include <libxl.h>

/* The namespace model and the parser's defaults (src/conf), which the
 * translators read. */
#include "domain_xmlns.h"
#include "conf_xmlopt.h"
#include "conf_devices.h"

/* Whole-domain validation, called from the XML parser's validate callback
 * (so a define fails early) and again before start. */
int vxlValidateDomain(const virDomainDef *def);

/* What a valid @def asks for that Xen ignores (a PV guest's <serial>,
 * Viridian for a PV guest, ...), said in the log. Not part of the
 * validation, which runs at every parse (status files, copies, each
 * check): domain/ calls it once per define and once per start. */
void vxlTranslateNotes(const virDomainDef *def);

/*
 * Build the complete libxl_domain_config for @def into @dcfg, which the
 * caller has libxl_domain_config_init'ed. On failure @dcfg is left as it
 * was (still just initialised) and an error is reported.
 */
int vxlTranslateDomain(const virDomainDef *def, libxl_domain_config *dcfg);

/*
 * One device, for hot-plug as well as for a whole domain. @def is the
 * domain the device belongs (or is being added) to: what Xen can do
 * depends on the guest type. vxlTranslate<Class>() validates first, so
 * it refuses exactly what vxlValidate<Class>() refuses, with the same
 * message; it fills an _init'ed @xdisk / @xnic and, on failure, leaves
 * what it filled for the caller's _dispose.
 */
int vxlValidateDisk(const virDomainDef *def, const virDomainDiskDef *disk);
int vxlTranslateDisk(const virDomainDef *def, const virDomainDiskDef *disk,
                     libxl_device_disk *xdisk);
int vxlValidateNet(const virDomainDef *def, const virDomainNetDef *net);
int vxlTranslateNet(const virDomainDef *def, const virDomainNetDef *net,
                    libxl_device_nic *xnic);
/* A vif's credit for <bandwidth><outbound average> @averageKBps (1000
 * bytes a second), as translate_net.c gives it: @bytes every @usecs. */
void vxlTranslateNicRate(unsigned long long averageKBps, uint64_t *bytes,
                         uint32_t *usecs);

/*
 * translate_device.c: one device for hotplug. Like vxlTranslate<Class>()
 * but for what Xen can hot-add: PV devices only, so an HVM guest's
 * hd*, sd* and cdrom disks and emulated NIC models are refused with
 * VIR_ERR_OPERATION_UNSUPPORTED saying why, and a NIC is always a PV vif
 * (nictype vif, devid -1 for libxl to number). vxlTranslateDeviceCdrom()
 * is a cdrom with its new media (none: eject) for a media change. On
 * success the _init'ed output holds the device; on failure it is left
 * untouched.
 */
int vxlTranslateDeviceDisk(const virDomainDef *def, const virDomainDiskDef *disk,
                           libxl_device_disk *xdisk);
int vxlTranslateDeviceCdrom(const virDomainDef *def, const virDomainDiskDef *disk,
                            libxl_device_disk *xdisk);
int vxlTranslateDeviceNic(const virDomainDef *def, const virDomainNetDef *net,
                          libxl_device_nic *xnic);



/* translate_hostdev.c: PCI and USB host devices and controllers. */
int vxlValidateHostdev(const virDomainDef *def, const virDomainHostdevDef *hostdev);
int vxlTranslateHostdevPCI(const virDomainDef *def, const virDomainHostdevDef *hostdev,
                           libxl_device_pci *xpci);
int vxlTranslateHostdevUSB(const virDomainDef *def, const virDomainHostdevDef *hostdev,
                           libxl_device_usbdev *xusb);
int vxlValidateController(const virDomainDef *def, const virDomainControllerDef *cont);



/* translate_json.c: libxl_domain_config as JSON, the way xl and libxl print it; needs no
 * libxl_ctx. Returns NULL with an error reported on failure. */
char *vxlTranslateConfigToJSON(libxl_domain_config *dcfg);

