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

/* Whole-domain validation, called from the XML parser's validate callback
 * (so a define fails early) and again before start. */
int vxlValidateDomain(const virDomainDef *def);

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
/* Only the target name: present, and within libxl's device numbers.
 * Also called from the parser's device post-parse, before libvirt adds
 * a controller for every disk number up to the highest one. */
int vxlValidateDiskTarget(const virDomainDiskDef *disk);
int vxlTranslateDisk(const virDomainDef *def, const virDomainDiskDef *disk,
                     libxl_device_disk *xdisk);
int vxlValidateNet(const virDomainDef *def, const virDomainNetDef *net);
int vxlTranslateNet(const virDomainDef *def, const virDomainNetDef *net,
                    libxl_device_nic *xnic);

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

/* translate_gfx.c: an HVM guest's USB <input>s as qemu arguments when
 * SPICE USB redirection is there too (libxl then refuses usbdevice=);
 * NULL otherwise. The xl.cfg converter writes them the same way. */
char **vxlTranslateUsbInputArgs(const virDomainDef *def);

/* translate_disk_iscsi.c: iSCSI through Xen's block-iscsi script; the
 * xl.cfg converter says the same target= (src/native). */
int vxlValidateDiskISCSI(const virDomainDiskDef *disk);
char *vxlDiskISCSITarget(const virStorageSource *src);

int vxlValidateHostdev(const virDomainDef *def, const virDomainHostdevDef *hostdev);
int vxlTranslateHostdevPCI(const virDomainDef *def, const virDomainHostdevDef *hostdev,
                           libxl_device_pci *xpci);
int vxlTranslateHostdevUSB(const virDomainDef *def, const virDomainHostdevDef *hostdev,
                           libxl_device_usbdev *xusb);
int vxlValidateController(const virDomainDef *def, const virDomainControllerDef *cont);

/*
 * The project's XML namespace (VXL_XMLNS_URI, prefix "virtxl"): what
 * libxl can do and libvirt's domain XML cannot say. Direct children of
 * <domain>, parsed and formatted by libvirt through vxlTranslateXMLNamespace
 * (translate_xmlns.c has the syntax), kept in def->namespaceData:
 *   <virtxl:devicemodel>  device model version, path, stub domain, args
 *   <virtxl:rdm>          domain-wide reserved device memory policy
 *   <virtxl:pci>          options of one PCI <hostdev>, by address or alias
 *   <virtxl:disk>         the hotplug script of one <disk>, by target
 *   <virtxl:cpus_soft>    soft vCPU affinity, for all vCPUs or one
 *   <virtxl:vtpm>         a vTPM frontend and its backend domain
 *   <virtxl:smbios_firmware>, and one element per scalar xl.cfg key of
 *                         vxlXMLNSKnobs (nomigrate, shadow_memory, ...)
 */
typedef struct _vxlXMLNSPci vxlXMLNSPci;
struct _vxlXMLNSPci {
    char *alias;                  /* the hostdev's <alias name>, or NULL */
    virPCIDeviceAddress addr;     /* its host address, when alias is NULL */
    virTristateBool permissive;
    virTristateBool msitranslate;
    virTristateBool powerMgmt;
    int rdmPolicy;                /* libxl_rdm_reserve_policy; -1 unset */
};

/* <virtxl:disk target='DEV' script='NAME'/>: a disk's hotplug script,
 * xl's script= in a disk spec. */
typedef struct _vxlXMLNSDisk vxlXMLNSDisk;
struct _vxlXMLNSDisk {
    char *target;                 /* the <disk>'s <target dev> */
    char *script;                 /* libxl_device_disk.script */
};

/* <virtxl:cpus_soft vcpu='N'? cpuset='...'/>: xl's cpus_soft=. */
typedef struct _vxlXMLNSCpusSoft vxlXMLNSCpusSoft;
struct _vxlXMLNSCpusSoft {
    int vcpu;                     /* -1: every vCPU without its own */
    virBitmap *cpuset;            /* never empty */
};

/* <virtxl:vtpm backend='DOM'? uuid='U'?/>: one entry of xl's vtpm=. */
typedef struct _vxlXMLNSVtpm vxlXMLNSVtpm;
struct _vxlXMLNSVtpm {
    char *backend;                /* backend domain name, or NULL for dom0 */
    bool hasUUID;                 /* else libxl makes one at each start */
    unsigned char uuid[VIR_UUID_BUFLEN];
};

/* The scalar xl.cfg keys of the namespace, one element each,
 * <virtxl:KEY value='V'/>, in the order they are formatted. The table
 * vxlXMLNSKnobs says how each is spelt and where it applies. */
typedef enum {
    VXL_XMLNS_KNOB_NOMIGRATE,
    VXL_XMLNS_KNOB_DRIVER_DOMAIN,
    VXL_XMLNS_KNOB_MAX_MAPTRACK_FRAMES,
    VXL_XMLNS_KNOB_MAX_GRANT_VERSION,
    VXL_XMLNS_KNOB_SHADOW_MEMORY,
    VXL_XMLNS_KNOB_ALTP2M,
    VXL_XMLNS_KNOB_NX,
    VXL_XMLNS_KNOB_MMIO_HOLE,
    VXL_XMLNS_KNOB_XEN_PLATFORM_PCI,
    VXL_XMLNS_KNOB_VENDOR_DEVICE,

    VXL_XMLNS_KNOB_LAST
} vxlXMLNSKnob;

typedef enum {
    VXL_XMLNS_KNOB_BOOL,          /* value='0' or '1', as xl writes it */
    VXL_XMLNS_KNOB_NUMBER,        /* a decimal number within min..max */
    VXL_XMLNS_KNOB_ENUM,          /* a name of libxl's string table */
} vxlXMLNSKnobKind;

typedef struct _vxlXMLNSKnobInfo vxlXMLNSKnobInfo;
struct _vxlXMLNSKnobInfo {
    const char *name;             /* the xl.cfg key and the element */
    vxlXMLNSKnobKind kind;
    unsigned int guests;          /* VXL_XMLNS_GUEST_* where it applies */
    long long min, max;           /* NUMBER */
    const libxl_enum_string_table *values; /* ENUM: libxl's, which xl uses */
};
#define VXL_XMLNS_GUEST_PV  (1u << LIBXL_DOMAIN_TYPE_PV)
#define VXL_XMLNS_GUEST_PVH (1u << LIBXL_DOMAIN_TYPE_PVH)
#define VXL_XMLNS_GUEST_HVM (1u << LIBXL_DOMAIN_TYPE_HVM)
#define VXL_XMLNS_GUEST_ALL (VXL_XMLNS_GUEST_PV | VXL_XMLNS_GUEST_PVH | VXL_XMLNS_GUEST_HVM)

extern const vxlXMLNSKnobInfo vxlXMLNSKnobs[VXL_XMLNS_KNOB_LAST];

typedef struct _vxlXMLNSKnobValue vxlXMLNSKnobValue;
struct _vxlXMLNSKnobValue {
    bool set;
    long long value;              /* BOOL 0/1, NUMBER, ENUM libxl's value */
};

/* libxl's boot string (at least 4 bytes into @order) for the devices'
 * own <boot order>: 1 when they have one, 0 when none does, -1 when
 * the order cannot be expressed (reported). */
int vxlBootDeviceOrder(const virDomainDef *def, char *order);

/* ---- xl.cfg keys carried verbatim (translate_xmlns_keys.c) ----------
 * More scalar keys with no libvirt element: security labels, the
 * device model's sandbox, stub domain images, cpupools, scheduler
 * parameters, HVM platform switches, ... One element each,
 * <virtxl:KEY value='V'/>, the value spelt as xl.cfg spells it and kept
 * as text (checked by kind when parsed), so that xml2xl writes back what
 * the file said. vxlXMLNSKeys says how each is read and where it
 * applies; vxlTranslateXMLNSKeys puts them where xl puts them. */
typedef enum {
    VXL_XMLNS_KEY_SECLABEL,
    VXL_XMLNS_KEY_INIT_SECLABEL,
    VXL_XMLNS_KEY_DM_STUBDOMAIN_SECLABEL,
    VXL_XMLNS_KEY_DEVICE_MODEL_USER,
    VXL_XMLNS_KEY_DM_RESTRICT,
    VXL_XMLNS_KEY_STUBDOMAIN_KERNEL,
    VXL_XMLNS_KEY_STUBDOMAIN_RAMDISK,
    VXL_XMLNS_KEY_STUBDOMAIN_CMDLINE,
    VXL_XMLNS_KEY_POOL,
    VXL_XMLNS_KEY_OOS,
    VXL_XMLNS_KEY_XEND_SUSPEND_EVTCHN_COMPAT,
    VXL_XMLNS_KEY_PERIOD,
    VXL_XMLNS_KEY_SLICE,
    VXL_XMLNS_KEY_LATENCY,
    VXL_XMLNS_KEY_EXTRATIME,
    VXL_XMLNS_KEY_VMTRACE_BUF_KB,
    VXL_XMLNS_KEY_ON_POWEROFF,
    VXL_XMLNS_KEY_ON_REBOOT,
    VXL_XMLNS_KEY_ON_CRASH,
    VXL_XMLNS_KEY_ON_WATCHDOG,
    VXL_XMLNS_KEY_ON_SOFT_RESET,
    VXL_XMLNS_KEY_PVSHIM,
    VXL_XMLNS_KEY_PVSHIM_PATH,
    VXL_XMLNS_KEY_PVSHIM_CMDLINE,
    VXL_XMLNS_KEY_PVSHIM_EXTRA,
    VXL_XMLNS_KEY_ACPI_LAPTOP_SLATE,
    VXL_XMLNS_KEY_VPT_ALIGN,
    VXL_XMLNS_KEY_HDTYPE,
    VXL_XMLNS_KEY_GFX_PASSTHRU,
    VXL_XMLNS_KEY_USB,
    VXL_XMLNS_KEY_USBVERSION,
    VXL_XMLNS_KEY_VKB_DEVICE,
    VXL_XMLNS_KEY_FIRMWARE,
    VXL_XMLNS_KEY_VIRIDIAN,
    VXL_XMLNS_KEY_ALTP2MHVM,

    VXL_XMLNS_KEY_LAST
} vxlXMLNSKey;

typedef enum {
    VXL_XMLNS_KEY_KIND_STRING,    /* any text but the empty one */
    VXL_XMLNS_KEY_KIND_BOOL,      /* 0 or 1 */
    VXL_XMLNS_KEY_KIND_NUMBER,    /* decimal, within min..max */
    VXL_XMLNS_KEY_KIND_ENUM,      /* one of values (libxl's table) */
    VXL_XMLNS_KEY_KIND_ACTION,    /* xl's shutdown action spellings */
    VXL_XMLNS_KEY_KIND_BOOL_OR_ENUM, /* 0, 1, or one of values */
    VXL_XMLNS_KEY_KIND_ENUM_LIST, /* values joined by ',' */
} vxlXMLNSKeyKind;

typedef struct _vxlXMLNSKeyInfo vxlXMLNSKeyInfo;
struct _vxlXMLNSKeyInfo {
    const char *name;             /* the xl.cfg key and the element */
    vxlXMLNSKeyKind kind;
    unsigned int guests;          /* VXL_XMLNS_GUEST_* where xl reads it */
    long long min, max;           /* NUMBER */
    const libxl_enum_string_table *values; /* ENUM, BOOL_OR_ENUM */
};
extern const vxlXMLNSKeyInfo vxlXMLNSKeys[VXL_XMLNS_KEY_LAST];

/* @value in @info's canonical spelling, or NULL (unreported) when it
 * is not a value of @info. */
char *vxlXMLNSKeyCanonical(const vxlXMLNSKeyInfo *info, const char *value);
/* For the namespace's parse, format, free and validate. Parse: 1 when
 * @node is one of vxlXMLNSKeys (its value now in @keys), 0 when it is
 * none of them, -1 on error (reported). */
int vxlXMLNSKeysParse(xmlNodePtr node, char **keys);
void vxlXMLNSKeysFormat(virBuffer *buf, char *const *keys);
void vxlXMLNSKeysFree(char **keys);
int vxlValidateXMLNSKeys(const virDomainDef *def, char *const *keys);
/* Each key into where xl puts it. */
void vxlTranslateXMLNSKeys(char *const *keys, libxl_domain_config *dcfg);
/* Every element name of vxlXMLNSKeys, ", <virtxl:K>" each. */
void vxlXMLNSKeysNames(GString *out);

typedef struct _vxlXMLNSDef vxlXMLNSDef;
struct _vxlXMLNSDef {
    char **args;                  /* b_info.extra (NULL-terminated) */
    char **argsHVM;               /* b_info.extra_hvm */
    char **argsPV;                /* b_info.extra_pv */
    int dmVersion;                /* libxl_device_model_version; -1 unset */
    char *dmPath;                 /* b_info.device_model */
    virTristateBool stubdomain;   /* b_info.device_model_stubdomain */
    unsigned int stubdomainMemMB; /* b_info.stubdomain_memkb / 1024; 0 unset */
    int rdmStrategy;              /* b_info.u.hvm.rdm; -1 unset */
    int rdmPolicy;                /* -1 unset */
    unsigned int rdmMemBoundaryMB; /* 0 unset */
    vxlXMLNSPci *pcis;
    size_t npcis;
    vxlXMLNSDisk *disks;          /* in document order */
    size_t ndisks;
    vxlXMLNSCpusSoft *cpusSoft;   /* in document order */
    size_t ncpusSoft;
    vxlXMLNSVtpm *vtpms;          /* in order: devid is the position */
    size_t nvtpms;
    char *smbiosFirmware;         /* b_info.u.hvm.smbios_firmware */
    vxlXMLNSKnobValue knobs[VXL_XMLNS_KNOB_LAST];
    /* Not ours: <os firmware> or <os><firmware> on a PV or PVH guest,
     * which libvirt's parser drops unseen; noted to be refused. */
    bool pvFirmware;
    /* vxlXMLNSKeys: each value as xl.cfg spells it, NULL unset. */
    char *keys[VXL_XMLNS_KEY_LAST];
};

extern virXMLNamespace vxlTranslateXMLNamespace;

/* @def's namespace data, or NULL when it has none. */
const vxlXMLNSDef *vxlTranslateXMLNSGet(const virDomainDef *def);
/* Whether @def asks for the old qemu-xen-traditional device model
 * (<virtxl:devicemodel version>), whose BIOS is ROMBIOS and whose
 * default video sizes differ. */
bool vxlTranslateTraditionalDM(const virDomainDef *def);

/* The video RAM (KiB) libxl gives @def's emulated card of @type when
 * none is set, for its device model; 0 for other cards. */
unsigned int vxlVideoDefaultKiB(const virDomainDef *def, virDomainVideoType type);
/* qemu's rbd target for an rbd disk's @src, as libxl's pdev_path and
 * xl's target= spell it: without the key, which a start adds from the
 * secret store. */
char *vxlTranslateRbdTarget(const virStorageSource *src);
/* The model libxl hands qemu for @net (its nic model, xl's model=):
 * libvirt's name, except for virtio, which qemu calls virtio-net-pci;
 * NULL without a model. */
const char *vxlNetModelName(const virDomainNetDef *net);
/* The <virtxl:disk> entry for the disk with <target dev=@target>, or
 * NULL. */
const vxlXMLNSDisk *vxlTranslateXMLNSFindDisk(const virDomainDef *def,
                                             const char *target);
/* The <virtxl:pci> entry for @hostdev, or NULL. */
const vxlXMLNSPci *vxlTranslateXMLNSFindPci(const virDomainDef *def,
                                           const virDomainHostdevDef *hostdev);
/* The value of @table (a libxl enum string table) spelt @str, as xl
 * reads it (case-insensitively), or -1 (unreported). */
int vxlXMLNSKnobEnumFromString(const libxl_enum_string_table *table, const char *str);
const char *vxlXMLNSKnobEnumToString(const libxl_enum_string_table *table, int value);
/* Whether @value is a value of @knob (a range or enum check); unreported. */
bool vxlXMLNSKnobValueValid(const vxlXMLNSKnobInfo *knob, long long value);

/* libxl_domain_config as JSON, the way xl and libxl print it; needs no
 * libxl_ctx. Returns NULL with an error reported on failure. */
char *vxlTranslateConfigToJSON(libxl_domain_config *dcfg);

/* <virtxl:cpus_soft>: the catch-all set (NULL if none) into @all, and
 * one more than the highest vCPU named on its own (0 if none). */
size_t vxlXMLNSCpusSoftSpan(const vxlXMLNSDef *ns, virBitmap **all);
