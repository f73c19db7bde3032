/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util_enums.c: the enum pairs that libvirt, libxl and xl.cfg share.
 */
#include "vxl_internal.h"

#include "util_enums.h"
#include "domain_conf.h"
#include "storage_source_conf.h"
#include <libxl.h>

#define VXL_ENUM_TABLE(tname, trows, tlast, ttostring) \
    { .name = tname, .rows = trows, .nrows = G_N_ELEMENTS(trows), \
      .virLast = tlast, .virToString = ttostring }

/* "linux" (xm's name for PV) never reaches here: the parser's post-parse
 * turns it into "xen". exe and uml are refused by post-parse too. */
static const vxlEnumRow vxlDomainTypeRows[] = {
    { VIR_DOMAIN_OSTYPE_XEN, "xen", LIBXL_DOMAIN_TYPE_PV, "pv" },
    { VIR_DOMAIN_OSTYPE_HVM, "hvm", LIBXL_DOMAIN_TYPE_HVM, "hvm" },
    { VIR_DOMAIN_OSTYPE_XENPVH, "xenpvh", LIBXL_DOMAIN_TYPE_PVH, "pvh" },
};
const vxlEnumTable vxlEnumDomainType =
    VXL_ENUM_TABLE("domain type", vxlDomainTypeRows, 0, virDomainOSTypeToString);

/* One to one: libvirt's lifecycle actions were modelled on xend's, which
 * xl kept. libxl also has "soft-reset", which libvirt cannot express;
 * translate/ sets it the way xl does (see translate_basic.c). */
static const vxlEnumRow vxlLifecycleRows[] = {
    { VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY, "destroy",
      LIBXL_ACTION_ON_SHUTDOWN_DESTROY, "destroy" },
    { VIR_DOMAIN_LIFECYCLE_ACTION_RESTART, "restart",
      LIBXL_ACTION_ON_SHUTDOWN_RESTART, "restart" },
    { VIR_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME, "rename-restart",
      LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME, "rename-restart" },
    { VIR_DOMAIN_LIFECYCLE_ACTION_PRESERVE, "preserve",
      LIBXL_ACTION_ON_SHUTDOWN_PRESERVE, "preserve" },
    { VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY, "coredump-destroy",
      LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY, "coredump-destroy" },
    { VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART, "coredump-restart",
      LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART, "coredump-restart" },
};
const vxlEnumTable vxlEnumLifecycle =
    VXL_ENUM_TABLE("lifecycle action", vxlLifecycleRows,
                   VIR_DOMAIN_LIFECYCLE_ACTION_LAST,
                   virDomainLifecycleActionTypeToString);

/* The image formats libxl knows. libxl's "empty" (a cdrom without media)
 * is not a format in libvirt but a <disk> without <source>, so it has no
 * row; translate_disk.c sets it. qemu's name for VHD, "vpc", is a
 * separate libvirt format and is not mapped. */
static const vxlEnumRow vxlDiskFormatRows[] = {
    { VIR_STORAGE_FILE_RAW, "raw", LIBXL_DISK_FORMAT_RAW, "raw" },
    { VIR_STORAGE_FILE_QCOW, "qcow", LIBXL_DISK_FORMAT_QCOW, "qcow" },
    { VIR_STORAGE_FILE_QCOW2, "qcow2", LIBXL_DISK_FORMAT_QCOW2, "qcow2" },
    { VIR_STORAGE_FILE_VHD, "vhd", LIBXL_DISK_FORMAT_VHD, "vhd" },
    { VIR_STORAGE_FILE_QED, "qed", LIBXL_DISK_FORMAT_QED, "qed" },
};
const vxlEnumTable vxlEnumDiskFormat =
    VXL_ENUM_TABLE("disk format", vxlDiskFormatRows, 0,
                   virStorageFileFormatTypeToString);

/* libvirt names a Xen disk backend by <driver name>, a free string. The
 * spellings that name a backend libxl 4.17 can use map one to one;
 * vxlDiskBackendFromDriverName() resolves the legacy names first.
 * libxl's tap backend has no row: since blktap2 left Xen, libxl keeps
 * the name but never finds it usable, so nothing may ask for it.
 * "standalone" (a virtio disk's backend outside libxl) is spelt as xl
 * spells it: libvirt's <driver name> is free text. */
static const vxlEnumRow vxlDiskBackendRows[] = {
    { -1, "phy", LIBXL_DISK_BACKEND_PHY, "phy" },
    { -1, "qemu", LIBXL_DISK_BACKEND_QDISK, "qdisk" },
    { -1, "standalone", LIBXL_DISK_BACKEND_STANDALONE, "standalone" },
};
const vxlEnumTable vxlEnumDiskBackend =
    VXL_ENUM_TABLE("disk backend", vxlDiskBackendRows, 0, NULL);

/*
 * The libxl backend for a <driver name>, or -1 if there is none.
 * NULL and the legacy names leave the choice to libxl, as xl does with
 * the deprecated prefixes of its disk specs ("file:", "tap:aio:",
 * "tap2:vhd:"; xl-disk-configuration(5)): phy for a block device,
 * qdisk for anything else. "file" is xend's loop-mounted
 * image; "tap" and "tap2" are blktap's names from before Xen removed
 * it. The image's format still comes from <driver type>, as xl takes it
 * from the prefix after "tap:". (libvirt's own libxl driver asks for
 * libxl's tap backend for raw and vhd images, which libxl 4.17 keeps as
 * a name only and never finds usable, so the start fails.)
 */
int
vxlDiskBackendFromDriverName(const char *name)
{
    if (!name || STREQ(name, "file") || STREQ(name, "tap") || STREQ(name, "tap2"))
        return LIBXL_DISK_BACKEND_UNKNOWN;
    return vxlEnumVirNameToXl(&vxlEnumDiskBackend, name);
}

/* libxl's boot string is xl's boot= verbatim: one letter per device, in
 * order, the letters qemu's -boot takes. */
static const vxlEnumRow vxlBootDeviceRows[] = {
    { VIR_DOMAIN_BOOT_FLOPPY, "fd", 'a', "a" },
    { VIR_DOMAIN_BOOT_DISK, "hd", 'c', "c" },
    { VIR_DOMAIN_BOOT_CDROM, "cdrom", 'd', "d" },
    { VIR_DOMAIN_BOOT_NET, "network", 'n', "n" },
};
const vxlEnumTable vxlEnumBootDevice =
    VXL_ENUM_TABLE("boot device", vxlBootDeviceRows, VIR_DOMAIN_BOOT_LAST,
                   virDomainBootTypeToString);

/* The project's XML namespace (src/conf/domain_xmlns.c) spells these as xl.cfg
 * does: <virtxl:devicemodel version>, <virtxl:rdm strategy policy>,
 * <virtxl:pci rdm_policy>. libvirt has no element for them. */
static const vxlEnumRow vxlDeviceModelVersionRows[] = {
    { -1, "qemu-xen", LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN, "qemu-xen" },
    { -1, "qemu-xen-traditional", LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL,
      "qemu-xen-traditional" },
};
const vxlEnumTable vxlEnumDeviceModelVersion =
    VXL_ENUM_TABLE("device model version", vxlDeviceModelVersionRows, 0, NULL);

static const vxlEnumRow vxlRdmStrategyRows[] = {
    { -1, "host", LIBXL_RDM_RESERVE_STRATEGY_HOST, "host" },
    { -1, "ignore", LIBXL_RDM_RESERVE_STRATEGY_IGNORE, "ignore" },
};
const vxlEnumTable vxlEnumRdmStrategy =
    VXL_ENUM_TABLE("rdm strategy", vxlRdmStrategyRows, 0, NULL);

static const vxlEnumRow vxlRdmPolicyRows[] = {
    { -1, "strict", LIBXL_RDM_RESERVE_POLICY_STRICT, "strict" },
    { -1, "relaxed", LIBXL_RDM_RESERVE_POLICY_RELAXED, "relaxed" },
};
const vxlEnumTable vxlEnumRdmPolicy =
    VXL_ENUM_TABLE("rdm policy", vxlRdmPolicyRows, 0, NULL);

/* <clock><timer name='pit'|'rtc' tickpolicy> <-> libxl_timer_mode <->
 * timer_mode=: what the guest's emulated timers do with ticks it missed
 * while descheduled. delay: time stalls; catchup: ticks are delivered
 * late, at once (Xen's default); merge: one tick stands for all missed;
 * discard: missed ticks are dropped. */
static const vxlEnumRow vxlTimerModeRows[] = {
    { VIR_DOMAIN_TIMER_TICKPOLICY_DELAY, "delay",
      LIBXL_TIMER_MODE_DELAY_FOR_MISSED_TICKS, "delay_for_missed_ticks" },
    { VIR_DOMAIN_TIMER_TICKPOLICY_CATCHUP, "catchup",
      LIBXL_TIMER_MODE_NO_DELAY_FOR_MISSED_TICKS, "no_delay_for_missed_ticks" },
    { VIR_DOMAIN_TIMER_TICKPOLICY_MERGE, "merge",
      LIBXL_TIMER_MODE_ONE_MISSED_TICK_PENDING, "one_missed_tick_pending" },
    { VIR_DOMAIN_TIMER_TICKPOLICY_DISCARD, "discard",
      LIBXL_TIMER_MODE_NO_MISSED_TICKS_PENDING, "no_missed_ticks_pending" },
};
const vxlEnumTable vxlEnumTimerMode =
    VXL_ENUM_TABLE("timer mode", vxlTimerModeRows, 0, NULL);

/* <filesystem accessmode> <-> the 9pfs security_model of p9=, which
 * libxl hands to qemu's 9pfs backend as a string: qemu's spellings,
 * whose "none" (chown failures ignored) is libvirt's squash. libxl has
 * no enum for it, so its column repeats libvirt's value. libvirt's
 * default accessmode is passthrough, resolved before a lookup. */
static const vxlEnumRow vxlP9SecurityModelRows[] = {
    { VIR_DOMAIN_FS_ACCESSMODE_PASSTHROUGH, "passthrough",
      VIR_DOMAIN_FS_ACCESSMODE_PASSTHROUGH, "passthrough" },
    { VIR_DOMAIN_FS_ACCESSMODE_MAPPED, "mapped", VIR_DOMAIN_FS_ACCESSMODE_MAPPED, "mapped" },
    { VIR_DOMAIN_FS_ACCESSMODE_SQUASH, "squash", VIR_DOMAIN_FS_ACCESSMODE_SQUASH, "none" },
};
const vxlEnumTable vxlEnumP9SecurityModel =
    VXL_ENUM_TABLE("9pfs security model", vxlP9SecurityModelRows, 0,
                   virDomainFSAccessModeTypeToString);

/* <sound model> <-> qemu's -soundhw name (a string to libxl:
 * b_info.u.hvm.soundhw, xl's soundhw=). libxl has no enum for it, so its
 * column repeats libvirt's value. Other models have no Xen equivalent. */
static const vxlEnumRow vxlSoundModelRows[] = {
    { VIR_DOMAIN_SOUND_MODEL_SB16, "sb16", VIR_DOMAIN_SOUND_MODEL_SB16, "sb16" },
    { VIR_DOMAIN_SOUND_MODEL_ES1370, "es1370", VIR_DOMAIN_SOUND_MODEL_ES1370, "es1370" },
    { VIR_DOMAIN_SOUND_MODEL_AC97, "ac97", VIR_DOMAIN_SOUND_MODEL_AC97, "ac97" },
    { VIR_DOMAIN_SOUND_MODEL_ICH6, "ich6", VIR_DOMAIN_SOUND_MODEL_ICH6, "hda" },
};
const vxlEnumTable vxlEnumSoundModel =
    VXL_ENUM_TABLE("sound model", vxlSoundModelRows, 0,
                   virDomainSoundModelTypeToString);

/* <timer name='tsc' mode> <-> libxl_tsc_mode <-> tsc_mode=. No mode
 * (or auto) is libxl's default, which callers handle: it has no row, so
 * that tsc_mode="default" stays no <timer> at all. smpsafe has no Xen
 * equivalent. */
static const vxlEnumRow vxlTscModeRows[] = {
    { VIR_DOMAIN_TIMER_MODE_NATIVE, "native", LIBXL_TSC_MODE_NATIVE, "native" },
    { VIR_DOMAIN_TIMER_MODE_EMULATE, "emulate", LIBXL_TSC_MODE_ALWAYS_EMULATE, "always_emulate" },
    { VIR_DOMAIN_TIMER_MODE_PARAVIRT, "paravirt", LIBXL_TSC_MODE_NATIVE_PARAVIRT, "native_paravirt" },
};
const vxlEnumTable vxlEnumTscMode =
    VXL_ENUM_TABLE("TSC mode", vxlTscModeRows, 0, virDomainTimerModeTypeToString);

/* <video><model type> of an HVM guest <-> libxl_vga_interface_type <->
 * vga=. Xen's PV framebuffer (type='xen') is a vfb device, not a card,
 * so it has no row. */
static const vxlEnumRow vxlVideoModelRows[] = {
    { VIR_DOMAIN_VIDEO_TYPE_VGA, "vga", LIBXL_VGA_INTERFACE_TYPE_STD, "stdvga" },
    { VIR_DOMAIN_VIDEO_TYPE_CIRRUS, "cirrus", LIBXL_VGA_INTERFACE_TYPE_CIRRUS, "cirrus" },
    { VIR_DOMAIN_VIDEO_TYPE_QXL, "qxl", LIBXL_VGA_INTERFACE_TYPE_QXL, "qxl" },
    { VIR_DOMAIN_VIDEO_TYPE_NONE, "none", LIBXL_VGA_INTERFACE_TYPE_NONE, "none" },
};
const vxlEnumTable vxlEnumVideoModel =
    VXL_ENUM_TABLE("video model", vxlVideoModelRows, 0,
                   virDomainVideoTypeToString);

const vxlEnumTable *const vxlEnumTables[] = {
    &vxlEnumVideoModel,
    &vxlEnumTimerMode,
    &vxlEnumTscMode,
    &vxlEnumSoundModel,
    &vxlEnumDomainType,
    &vxlEnumLifecycle,
    &vxlEnumDiskFormat,
    &vxlEnumDiskBackend,
    &vxlEnumBootDevice,
    &vxlEnumDeviceModelVersion,
    &vxlEnumRdmStrategy,
    &vxlEnumRdmPolicy,
    &vxlEnumP9SecurityModel,
};
const size_t vxlEnumTablesCount = G_N_ELEMENTS(vxlEnumTables);


int
vxlEnumVirToXl(const vxlEnumTable *table, int vir)
{
    size_t i;

    for (i = 0; i < table->nrows; i++) {
        if (table->rows[i].vir >= 0 && table->rows[i].vir == vir)
            return table->rows[i].xl;
    }
    return -1;
}


int
vxlEnumXlToVir(const vxlEnumTable *table, int xl)
{
    size_t i;

    for (i = 0; i < table->nrows; i++) {
        if (table->rows[i].xl == xl)
            return table->rows[i].vir;
    }
    return -1;
}


int
vxlEnumVirNameToXl(const vxlEnumTable *table, const char *virName)
{
    size_t i;

    if (!virName)
        return -1;
    for (i = 0; i < table->nrows; i++) {
        if (STREQ(table->rows[i].virName, virName))
            return table->rows[i].xl;
    }
    return -1;
}


const char *
vxlEnumXlToVirName(const vxlEnumTable *table, int xl)
{
    size_t i;

    for (i = 0; i < table->nrows; i++) {
        if (table->rows[i].xl == xl)
            return table->rows[i].virName;
    }
    return NULL;
}


int
vxlEnumCfgToXl(const vxlEnumTable *table, const char *cfg)
{
    size_t i;

    if (!cfg)
        return -1;
    for (i = 0; i < table->nrows; i++) {
        if (STREQ(table->rows[i].cfg, cfg))
            return table->rows[i].xl;
    }
    return -1;
}


const char *
vxlEnumXlToCfg(const vxlEnumTable *table, int xl)
{
    size_t i;

    for (i = 0; i < table->nrows; i++) {
        if (table->rows[i].xl == xl)
            return table->rows[i].cfg;
    }
    return NULL;
}
