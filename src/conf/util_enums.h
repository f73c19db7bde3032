/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_enums.h: the enum pairs that libvirt, libxl and xl.cfg share.
 *
 * Every mapping between a libvirt value, a libxl value and an xl.cfg
 * spelling is written once, here, as one table of rows, and used both by
 * translate/ (domain XML -> libxl_domain_config) and by native/ (xl.cfg
 * <-> domain XML). tests/translate/enums_test.c checks that every table
 * maps both ways: each column is unique, so any value found in one column
 * leads back to the same row from any other.
 *
 * Lookups return -1 (or NULL) for a value a table does not hold; the
 * caller reports the error, since only it knows which element and
 * attribute the value came from.
 */
#pragma once

#include "vxl_internal.h"

typedef struct _vxlEnumRow vxlEnumRow;
struct _vxlEnumRow {
    int vir;             /* libvirt's enum value, or -1 where libvirt has
                            only a string (e.g. <driver name>) */
    const char *virName; /* libvirt's spelling in domain XML */
    int xl;              /* libxl's enum value (for boot devices: the
                            letter libxl's boot string uses) */
    const char *cfg;     /* xl.cfg's spelling */
};

typedef struct _vxlEnumTable vxlEnumTable;
struct _vxlEnumTable {
    const char *name;           /* what the table maps, for tests */
    const vxlEnumRow *rows;
    size_t nrows;
    /* When non-zero, every libvirt value in [0, virLast) has a row, and
     * the test checks it: a new libvirt value must be mapped or refused
     * on purpose. */
    int virLast;
    /* libvirt's own TypeToString for the enum, so the test can check
     * virName against libvirt's parser; NULL for string-only tables. */
    const char *(*virToString)(int value);
};

/* <os><type>: xen (PV), hvm, xenpvh <-> libxl_domain_type <-> type= */
extern const vxlEnumTable vxlEnumDomainType;
/* <on_poweroff>, <on_reboot>, <on_crash> <-> libxl_action_on_shutdown
 * <-> on_poweroff=, on_reboot=, on_crash= */
extern const vxlEnumTable vxlEnumLifecycle;
/* <disk><driver type> <-> libxl_disk_format <-> format= */
extern const vxlEnumTable vxlEnumDiskFormat;
/* <disk><driver name> <-> libxl_disk_backend <-> backendtype= */
extern const vxlEnumTable vxlEnumDiskBackend;
/* <disk><driver name>, legacy names included -> libxl_disk_backend, or -1 */
int vxlDiskBackendFromDriverName(const char *name);
/* <os><boot dev> <-> a letter of b_info.u.hvm.boot <-> boot= */
extern const vxlEnumTable vxlEnumBootDevice;
/* <virtxl:devicemodel version>, <virtxl:rdm strategy>, rdm_policy. */
extern const vxlEnumTable vxlEnumDeviceModelVersion;
extern const vxlEnumTable vxlEnumRdmStrategy;
extern const vxlEnumTable vxlEnumRdmPolicy;
/* <filesystem accessmode> <-> p9 security_model (a string to libxl) */
extern const vxlEnumTable vxlEnumP9SecurityModel;

/* <timer name='pit'|'rtc' tickpolicy> <-> libxl_timer_mode <-> timer_mode= */
extern const vxlEnumTable vxlEnumTimerMode;

/* <sound model> <-> qemu's -soundhw name (soundhw=); libxl's column
 * repeats libvirt's value, as libxl takes a string. */
extern const vxlEnumTable vxlEnumSoundModel;

/* <timer name='tsc' mode> <-> libxl_tsc_mode <-> tsc_mode=; no mode or
 * auto is libxl's default ("default"), which has no row. */
extern const vxlEnumTable vxlEnumTscMode;

/* <video><model type> of an HVM guest <-> libxl_vga_interface_type <->
 * vga= (type='xen', the PV framebuffer, has no row). */
extern const vxlEnumTable vxlEnumVideoModel;

/* Every table above, for the reversibility test. */
extern const vxlEnumTable *const vxlEnumTables[];
extern const size_t vxlEnumTablesCount;

int vxlEnumVirToXl(const vxlEnumTable *table, int vir);
int vxlEnumXlToVir(const vxlEnumTable *table, int xl);
int vxlEnumVirNameToXl(const vxlEnumTable *table, const char *virName);
const char *vxlEnumXlToVirName(const vxlEnumTable *table, int xl);
int vxlEnumCfgToXl(const vxlEnumTable *table, const char *cfg);
const char *vxlEnumXlToCfg(const vxlEnumTable *table, int xl);
