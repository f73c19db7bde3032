/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_private.h: the translator classes behind translate.h.
 *
 * vxlTranslateDomain() runs the classes of translate_domain.c's registry,
 * in order, into a local libxl_domain_config that it hands to the caller
 * only when every class succeeded. Each class provides:
 *
 *   validate(def)         refuse what Xen cannot do with this part of
 *                         @def: VIR_ERR_CONFIG_UNSUPPORTED naming the
 *                         element and attribute. No side effects.
 *   translate(def, dcfg)  validate, then fill this class's part of
 *                         @dcfg. Device classes build their list into
 *                         locals and hand it to @dcfg only on success, so
 *                         a failure leaves @dcfg as it was. "basic" and
 *                         "boot" write fields of the config under
 *                         construction directly: they only ever run inside
 *                         vxlTranslateDomain(), whose local config is
 *                         thrown away whole on failure.
 *
 * Memory handed to libxl is freed by libxl's _dispose functions with
 * free(). GLib (>= 2.46) allocates with the system malloc, so g_strdup()
 * and g_new0() are fine for strings and arrays; bitmaps, which libxl
 * itself allocates with calloc(), are allocated the same way here.
 */
#pragma once

#include "translate.h"
#include "virbitmap.h"
#include <libxl_utils.h>

/* translate_basic.c: name, uuid, guest type, memory, vCPUs, lifecycle
 * actions, HVM platform features. Must run first: it sets the guest type
 * that b_info's union and every later class depend on. */
int vxlValidateBasic(const virDomainDef *def);
int vxlTranslateBasic(const virDomainDef *def, libxl_domain_config *dcfg);

/* translate_boot.c: kernel, initrd, cmdline, bootloader, HVM firmware
 * and boot order. */
int vxlValidateBoot(const virDomainDef *def);
int vxlTranslateBoot(const virDomainDef *def, libxl_domain_config *dcfg);

/* translate_disk.c: <disk> devices. */
int vxlValidateDiskList(const virDomainDef *def);
int vxlTranslateDiskList(const virDomainDef *def, libxl_domain_config *dcfg);


/* translate_net.c: <interface> devices. */
int vxlValidateNetList(const virDomainDef *def);
int vxlTranslateNetList(const virDomainDef *def, libxl_domain_config *dcfg);

/* translate_cpu.c: affinity, scheduler, vNUMA, CPUID, nested HVM. */
int vxlValidateCpu(const virDomainDef *def);
int vxlTranslateCpu(const virDomainDef *def, libxl_domain_config *dcfg);

/* translate_features.c: <features>, <clock>, memory tuning refusals. */
int vxlValidateFeatures(const virDomainDef *def);
void vxlNotesFeatures(const virDomainDef *def);
int vxlTranslateFeatures(const virDomainDef *def, libxl_domain_config *dcfg);

/* translate_gfx.c: graphics, video, input, sound. */
int vxlValidateGfx(const virDomainDef *def);
void vxlNotesGfx(const virDomainDef *def);
int vxlTranslateGfx(const virDomainDef *def, libxl_domain_config *dcfg);

/* translate_chardev.c: serial, console, parallel, channels. */
int vxlValidateChardev(const virDomainDef *def);
void vxlNotesChardev(const virDomainDef *def);
int vxlTranslateChardev(const virDomainDef *def, libxl_domain_config *dcfg);

/* translate_hostdev.c: PCI and USB host devices, controllers. */
int vxlValidateHostdevList(const virDomainDef *def);
int vxlTranslateHostdevList(const virDomainDef *def, libxl_domain_config *dcfg);

/* translate_misc.c: 9p, ACPI tables, and refusals of the rest. */
int vxlValidateMisc(const virDomainDef *def);
int vxlTranslateMisc(const virDomainDef *def, libxl_domain_config *dcfg);

/* translate_xmlns_libxl.c: the project's XML namespace (device model,
 * stub domain, reserved device memory; src/conf/domain_xmlns.c has the
 * model and its validation vxlValidateXMLNS()); its per-PCI options are
 * applied by vxlTranslateHostdevPCI(). */
int vxlTranslateXMLNS(const virDomainDef *def, libxl_domain_config *dcfg);
/* translate_xmlns_keys_libxl.c: the namespace's verbatim xl.cfg keys
 * (vxlXMLNSKeys), each where xl puts it; part of vxlTranslateXMLNS(). */
void vxlTranslateXMLNSKeys(char *const *keys, libxl_domain_config *dcfg);

/* translate_misc.c: whether @opts (a device's <driver iommu|ats|packed|
 * page_per_vq>, virtio-only, which no Xen device has) sets anything. */
bool vxlVirtioOptionsSet(const virDomainVirtioOptions *opts);

/* translate_misc.c: refuses (naming @element, e.g. "<video>") an
 * <address> on a device libxl places itself. */
int vxlValidateNoAddress(const virDomainDeviceInfo *info, const char *element);

/* translate_misc.c: whether a device's <seclabel>s (@n of them) ask for
 * a label or relabelling, which needs a security manager. */
bool vxlDeviceSeclabelsSet(virSecurityDeviceLabelDef *const *seclabels, size_t n);

/* translate_basic.c: an empty libxl bitmap of @nbits bits, allocated
 * without a libxl_ctx; translate_cpu.c: one holding the bits of a libvirt
 * bitmap. */
void vxlTranslateBitmapAlloc(libxl_bitmap *bitmap, unsigned int nbits);
void vxlTranslateBitmapFromVir(libxl_bitmap *bitmap, virBitmap *vmap);

/* translate_domain.c: the libxl domain type of @def, or -1 (unreported)
 * if it has none. */
int vxlTranslateDomainType(const virDomainDef *def);
