/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conf_devices.h: spellings of device definitions that the translation
 * to libxl (src/translate) and the xl.cfg converter (src/native) share.
 */
#pragma once

#include "vxl_internal.h"
#include "domain_conf.h"

/* conf_devices.c: libxl's boot string (at least 4 bytes into @order)
 * for the devices' own <boot order>: 1 when they have one, 0 when none
 * does, -1 when the order cannot be expressed (reported). */
int vxlBootDeviceOrder(const virDomainDef *def, char *order);
/* The kernel command line libxl is given (b_info.cmdline, xl's
 * cmdline=): <cmdline>, after "root=DEV" when <os><root> names a root
 * device, as xl builds it from root= and extra=; NULL when neither. */
char *vxlBootKernelCmdline(const virDomainDef *def);
/* The model libxl hands qemu for @net (its nic model, xl's model=):
 * libvirt's name, except for virtio, which qemu calls virtio-net-pci;
 * NULL without a model. */
const char *vxlNetModelName(const virDomainNetDef *net);
/* qemu's rbd target for an rbd disk's @src, as libxl's pdev_path and
 * xl's target= spell it: without the key, which a start adds from the
 * secret store. */
char *vxlDiskRbdTarget(const virStorageSource *src);
/* qemu's name of a USB input device, as xl's usbdevice= spells it. */
const char *vxlUsbInputName(const virDomainInputDef *input);
/* Whether libxl builds @def's USB bus itself (an HVM guest's usbversion
 * or SPICE USB redirection), refusing usb=1 and usbdevice= beside it. */
bool vxlUsbBusIsLibxls(const virDomainDef *def);
/* An HVM guest's USB <input>s as qemu arguments on the bus libxl builds
 * (vxlUsbBusIsLibxls), as libxl then refuses usbdevice=; NULL
 * otherwise. */
char **vxlUsbInputArgs(const virDomainDef *def);
/* The bridge= spelling of an Open vSwitch bridge with its VLAN tags
 * (vif-openvswitch's "br.TAG", "br:TAG1:TAG2"); @vlan may be NULL. */
char *vxlNetOvsBridge(const char *bridge, const virNetDevVlan *vlan);
/* The usbversion (1, 2, 3) of the USB controller libxl has qemu emulate
 * for an HVM guest that @model (a virDomainControllerModelUSB) names;
 * 0 for any other model. */
int vxlUSBEmulatedVersion(int model);

/* conf_disk_iscsi.c: iSCSI through Xen's block-iscsi script: what it
 * cannot do refused at define, and the target= it is given. */
int vxlValidateDiskISCSI(const virDomainDiskDef *disk);
char *vxlDiskISCSITarget(const virStorageSource *src, bool multipath);
/* qemu's -serial spec for a character device's @src (libxl's
 * u.hvm.serial, xl's serial=), or NULL when that syntax cannot say it. */
char *vxlChrSerialSpec(const virDomainChrSourceDef *src);
/* Whether a tcp or unix @src reconnects (<reconnect enabled='yes'>),
 * and whether it listens (<source mode='bind'>). */
bool vxlChrReconnect(const virDomainChrSourceDef *src);
bool vxlChrListens(const virDomainChrSourceDef *src);
/* Whether <timer name='hypervclock' present='no'> keeps Xen's viridian
 * group time_ref_count off (libxl's viridian_disable). */
bool vxlHypervClockOff(const virDomainDef *def);
