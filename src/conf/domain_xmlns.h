/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns.h: the project's domain XML namespace as a model: the
 * structures libvirt keeps in def->namespaceData, the parse/format hooks
 * (vxlXMLNamespace), their define-time validation and lookups.
 * translate/ turns the model into libxl_domain_config; native/ turns it
 * into xl.cfg keys and back.
 */
#pragma once

#include "vxl_internal.h"
#include "domain_conf.h"
#include "virbuffer.h"
#include <libxl.h>

/*
 * The project's XML namespace (VXL_XMLNS_URI, prefix "virtxl"): what
 * libxl can do and libvirt's domain XML cannot say. Direct children of
 * <domain>, parsed and formatted by libvirt through vxlXMLNamespace
 * (domain_xmlns.c has the syntax), kept in def->namespaceData:
 *   <virtxl:devicemodel>  device model version, path, stub domain, args
 *   <virtxl:rdm>          domain-wide reserved device memory policy
 *   <virtxl:pci>          options of one PCI <hostdev>, by address or alias
 *   <virtxl:disk>         the hotplug script of one <disk>, by target
 *   <virtxl:serial>       qemu chardev options of one <serial>, by port,
 *                         or a "none" entry of serial=
 *   <virtxl:cpus_soft>    soft vCPU affinity, for all vCPUs or one
 *   <virtxl:vtpm>         a vTPM frontend and its backend domain
 *   <virtxl:channel>, <virtxl:p9>  the backend domain of a Xen channel
 *                         or a 9pfs <filesystem>
 *   <virtxl:smbios_firmware>, and one element per scalar xl.cfg key of
 *                         vxlXMLNSKnobs (nomigrate, shadow_memory, ...)
 *                         and of vxlXMLNSKeys (seclabel, pool, ...)
 */
typedef struct _vxlXMLNSPci vxlXMLNSPci;
struct _vxlXMLNSPci {
    char *alias;                  /* the hostdev's <alias name>, or NULL */
    virPCIDeviceAddress addr;     /* its host address, when alias is NULL */
    virTristateBool permissive;
    virTristateBool msitranslate;
    virTristateBool powerMgmt;
    int rdmPolicy;                /* libxl_rdm_reserve_policy; -1 unset */
    /* all_functions='yes': every function of the host device, xl's
     * BB:DD.* (vfunc_mask all); the <hostdev> names function 0. */
    virTristateBool allFunctions;
    /* name='X' (domain_xmlns_pciname.c): not the options of a <hostdev>
     * but a device of its own, xl's pci=['name=X'], named by what `xl
     * pci-assignable-add -n` called it on the host. libxl looks the name
     * up at start; libvirt's <hostdev> cannot hold it, as it needs the
     * address. The fields below are for this form only. */
    char *name;
    virTristateBool seize;        /* what a <hostdev managed> says */
    int vslot;                    /* the guest slot, xl's vslot=; -1 unset */
    /* before='N': its place in libxl's pcidevs, which is the order xl
     * gives the devices to the guest (slots, where no vslot fixes one):
     * before the PCI host device N (from 0, as def->hostdevs lists
     * them: <interface type='hostdev'>s, then <hostdev>s); -1 unset,
     * after them all (vxlXMLNSPciNamedAt). */
    int before;
    /* In the live XML: @addr is the host device the name resolved to
     * at start (address='...'); dropped when a definition is parsed
     * (vxlXMLNSPciNamesForget), ignored by the translation. */
    bool resolved;
};

/* <virtxl:disk target='DEV' script?='NAME' vdev?='NUMBER' multipath?='yes'
 *              specification?='xen|virtio' colo?='yes|no' colo_host? colo_port?
 *              colo_export? active_disk? hidden_disk?/>: a disk's
 * hotplug script, xl's script= in a disk spec, and the virtual device
 * libxl is given where libvirt cannot name it (a raw device number). */
typedef struct _vxlXMLNSDisk vxlXMLNSDisk;
struct _vxlXMLNSDisk {
    char *target;                 /* the <disk>'s <target dev> */
    char *script;                 /* libxl_device_disk.script, or NULL */
    char *vdev;                   /* libxl_device_disk.vdev, or NULL (target) */
    /* multipath='yes' on an iSCSI <disk type='network'>: block-iscsi's
     * multipath=y, the last word of the target it is given. */
    bool multipath;
    /* specification='xen|virtio': libxl_device_disk.specification, the
     * protocol the guest sees (xl's specification=); 0 (unknown) unset. */
    int specification;
    /* COLO's replicated disk (xl's colo/no-colo, colo-host=, colo-port=,
     * colo-export=, active-disk=, hidden-disk=): the libxl_device_disk
     * fields of those names, which qemu's block replication uses. */
    virTristateBool colo;
    char *coloHost;
    unsigned int coloPort;        /* 0: unset */
    char *coloExport;
    char *activeDisk;
    char *hiddenDisk;
};

/* The number of xl's COLO vif keys and their names, as xl spells them
 * and as the <virtxl:nic> attributes are called (domain_xmlns_nic.c). */
#define VXL_NIC_COLO_KEYS 49
extern const char *const vxlNicColoKeys[VXL_NIC_COLO_KEYS];
/* Where libxl_device_nic keeps the value of vxlNicColoKeys[@i]. */
char **vxlNicColoField(libxl_device_nic *xnic, size_t i);

/* <virtxl:nic mac='MAC' devid? gatewaydev? trusted? rate_interval_us? vifname?
 *             forwarddev? colo_*?/>:
 * the options of an xl vif= entry libvirt's <interface> has no word for
 * (domain_xmlns_nic.c). */
typedef struct _vxlXMLNSNic vxlXMLNSNic;
struct _vxlXMLNSNic {
    virMacAddr mac;               /* its <interface>'s */
    int devid;                    /* libxl_device_nic.devid; -1 unset */
    char *gatewaydev;             /* libxl_device_nic.gatewaydev */
    virTristateBool trusted;      /* libxl_device_nic.trusted */
    unsigned long long rateIntervalUs; /* rate_interval_usecs; 0 unset */
    /* libxl_device_nic.ifname when it begins with "vif", which libvirt's
     * parser drops from <target dev> as a name it generated itself. */
    char *vifname;
    /* COLO's vif keys, forwarddev= and colo_*=, by vxlNicColoKeys'
     * index: their libxl_device_nic strings, or NULL. */
    char *colo[VXL_NIC_COLO_KEYS];
};


/* <virtxl:usbctrl index='N' type='pv|devicemodel|auto' version='V'?/>:
 * the libxl type of the USB <controller> with that index (its model is
 * qusb1 or qusb2, which alone is type qusb), and a version the model
 * cannot say (3, for an emulated xHCI) (domain_xmlns_usbctrl.c). */
typedef struct _vxlXMLNSUsbctrl vxlXMLNSUsbctrl;
struct _vxlXMLNSUsbctrl {
    unsigned int index;           /* its <controller type='usb' index> */
    int type;                     /* libxl_usbctrl_type */
    unsigned int version;         /* 0: the model's */
};

/* One element of the form <virtxl:NAME vcpu='N'? cpuset='...'/>, read
 * by vxlXMLNSParseCpuList (domain_xmlns_cpus.c):
 *   cpus_soft:    xl's cpus_soft=, the CPUs preferred;
 *   cpus_exclude: xl's cpus= entries that start from every host CPU,
 *                 "all,^3", the CPUs taken out. */
typedef struct _vxlXMLNSCpuList vxlXMLNSCpuList;
struct _vxlXMLNSCpuList {
    int vcpu;                     /* -1: every vCPU without its own */
    virBitmap *cpuset;            /* empty only for cpus_soft
                                     cpuset='none' (an empty soft
                                     affinity, xl's cpus_soft="") */
    bool exclude;                 /* cpus_soft exclude='yes': every CPU
                                     Xen can have but @cpuset, xl's
                                     "all,^3" */
    bool nodes;                   /* nodeset='...': @cpuset holds host
                                     NUMA nodes, xl's "nodes:1" */
    char *xl;                     /* list='...': xl's CPU list as written
                                     (without blanks or empty items),
                                     node items mixed with CPUs or "all"
                                     ("nodes:0,^1"), resolved at start in
                                     xl's order; @cpuset holds the nodes
                                     it names (maybe none), @nodes set */
};
typedef vxlXMLNSCpuList vxlXMLNSCpusSoft;
typedef vxlXMLNSCpuList vxlXMLNSCpusExclude;

/* The CPUs an xl "all" stands for in the translation: every CPU Xen can
 * have (libxl copies the map into one of the host's size). */
#define VXL_XMLNS_CPUS_ALL 4096
/* Host NUMA nodes a nodeset may name (Xen's MAX_NUMNODES is 64). */
#define VXL_XMLNS_NODES_MAX 64

/* <virtxl:vtpm backend='DOM'? uuid='U'?/>: one entry of xl's vtpm=. */
typedef struct _vxlXMLNSVtpm vxlXMLNSVtpm;
struct _vxlXMLNSVtpm {
    char *backend;                /* backend domain name, or NULL for dom0 */
    bool hasUUID;                 /* else libxl makes one at each start */
    unsigned char uuid[VIR_UUID_BUFLEN];
};

/* <virtxl:channel name='N' backend='DOM'/>, <virtxl:p9 tag='T'
 * backend='DOM'/>: the driver domain serving a Xen channel or a 9pfs
 * share, xl's backend= in a channel= or p9= spec
 * (domain_xmlns_backend.c). */
typedef struct _vxlXMLNSDevBackend vxlXMLNSDevBackend;
struct _vxlXMLNSDevBackend {
    char *device;                 /* the <channel>'s <target name>, the
                                     <filesystem>'s <target dir> */
    char *backend;                /* backend_domname */
};

/* <virtxl:serial port='N' options='...'/> or none='yes': qemu chardev
 * options of a tcp:, telnet: or unix: serial= entry beyond what the
 * <serial> of port N says, or a "none" entry of serial= at position N
 * (domain_xmlns_serial.c). */
typedef struct _vxlXMLNSSerial vxlXMLNSSerial;
struct _vxlXMLNSSerial {
    unsigned int port;            /* the <serial>'s <target port>, or the
                                     place in serial= of none='yes' */
    char *options;                /* the words after the address, as
                                     written; NULL with none */
    bool none;                    /* qemu's "-serial none" at @port */
};

/* What qemu's chardev options (the words after a tcp:, telnet: or unix:
 * address) say that libvirt's <serial> says too. */
typedef struct _vxlChrOptions vxlChrOptions;
struct _vxlChrOptions {
    bool server;                  /* <source mode='bind'> */
    bool telnet;                  /* <protocol type='telnet'> */
    unsigned long long reconnect; /* <reconnect timeout>; 0 none */
    bool hasReconnect;            /* reconnect= given, even 0 (which qemu
                                     refuses on a listening socket too) */
};

/* <virtxl:vfb graphics='N' vncdisplay='D'? keymap='K'?/>: one PV
 * framebuffer of a PV or PVH guest (xl's vfb= entry), serving the next
 * N <graphics> (domain_xmlns_vfb.c). */
typedef struct _vxlXMLNSVfb vxlXMLNSVfb;
struct _vxlXMLNSVfb {
    unsigned int ngraphics;       /* how many <graphics> it serves */
    int vncdisplay;               /* its VNC search start; -1 unset */
    char *keymap;                 /* the keymap of a framebuffer without
                                     VNC <graphics> to say it; NULL */
};

/* One framebuffer as the translation sees it: def->graphics[first] to
 * [first + count - 1], and where its autoport VNC display starts
 * looking (-1: libxl's display 0). */
typedef struct _vxlXMLNSVfbGroup vxlXMLNSVfbGroup;
struct _vxlXMLNSVfbGroup {
    size_t first;
    size_t count;
    int vncdisplay;
    const char *keymap;           /* <virtxl:vfb keymap>, the namespace's */
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
    VXL_XMLNS_KNOB_ACPI,
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
    bool xlBounded;               /* NUMBER: xl reads it bounded and fails
                                     on a value that is not a number,
                                     where it ignores others' */
};
/* VNC display N is TCP port 5900 + N (qemu's -vnc :N). */
#define VXL_XMLNS_VNC_PORT_MIN 5900
#define VXL_XMLNS_VNC_PORT_MAX 65535

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

/* ---- xl.cfg keys carried verbatim (domain_xmlns_keys.c) -------------
 * More scalar keys with no libvirt element: security labels, the
 * device model's sandbox, stub domain images, cpupools, scheduler
 * parameters, HVM platform switches, ... One element each,
 * <virtxl:KEY value='V'/>, the value spelt as xl.cfg spells it and kept
 * as text (checked by kind when parsed), so that xml2xl writes back what
 * the file said. vxlXMLNSKeys says how each is read and where it
 * applies; translate/ puts them where xl puts them. */
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
    /* Read by xl on every architecture, used by Arm's libxl. */
    VXL_XMLNS_KEY_DEVICE_TREE,
    VXL_XMLNS_KEY_GIC_VERSION,
    VXL_XMLNS_KEY_TEE,
    VXL_XMLNS_KEY_VUART,
    VXL_XMLNS_KEY_DTDEV,
    /* Host resources and paravirtual devices, lists of xl's specs. */
    VXL_XMLNS_KEY_MCA_CAPS,
    VXL_XMLNS_KEY_IOMEM,
    VXL_XMLNS_KEY_IOPORTS,
    VXL_XMLNS_KEY_IRQS,
    VXL_XMLNS_KEY_PVCALLS,
    VXL_XMLNS_KEY_VKB,
    VXL_XMLNS_KEY_VDISPL,
    /* A PV bootloader's argv when an argument holds blanks, which
     * libvirt's one <bootloader_args> string cannot keep apart. */
    VXL_XMLNS_KEY_BOOTLOADER_ARGS,
    /* usbdevice= items naming host devices (host:VENDOR:PRODUCT,
     * host:BUS.ADDR), after the USB <input>s xl's other items are. */
    VXL_XMLNS_KEY_USBDEVICE,
    /* PV sound cards (vsnd=, domain_xmlns_vsnd.c): a list of lists. */
    VXL_XMLNS_KEY_VSND,
    /* videoram= of an HVM guest without a card (vga="none"), which
     * libvirt's <video><model type='none'> cannot hold. */
    VXL_XMLNS_KEY_VIDEORAM,
    /* vncdisplay= with vncunused=1 (xl's default): the display qemu
     * starts looking for a free one at, for an autoport VNC <graphics>
     * (a fixed one is its port). */
    VXL_XMLNS_KEY_VNCDISPLAY,
    /* soundhw= other than one card libvirt's <sound> names: the text xl
     * hands to libxl ("gus", "all", "ac97,es1370"). */
    VXL_XMLNS_KEY_SOUNDHW,
    /* cpuid= when <cpu><feature>s cannot say all of it (vmx/svm bits,
     * the 's' policy, multi-bit fields, bits libvirt has no name for):
     * the whole key, "host,..." alone or xend's lines, one element each
     * (b_info.cpuid, as xl builds it). */
    VXL_XMLNS_KEY_CPUID,
    /* keymap= of an HVM guest without VNC (sdl=1, or no display): qemu's
     * -k (b_info.u.hvm.keymap), which libvirt has only on a VNC or
     * SPICE <graphics>. */
    VXL_XMLNS_KEY_KEYMAP,

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
    VXL_XMLNS_KEY_KIND_LIST,      /* an xl.cfg list: one element per
                                     item, kept joined by '\n', each
                                     item checked by itemCheck */
    VXL_XMLNS_KEY_KIND_NESTED_LIST, /* an xl.cfg list of lists: one
                                     element per outer item holding a
                                     <virtxl:item value> per inner one;
                                     kept as the outer items joined by
                                     '\n', each the inner ones joined by
                                     VXL_XMLNS_ITEM_SEP, checked whole by
                                     itemCheck */
} vxlXMLNSKeyKind;

/* Between the inner items of a NESTED_LIST key's outer item: a control
 * character XML 1.0 cannot hold and both readers refuse in an item. */
#define VXL_XMLNS_ITEM_SEP '\x1f'
#define VXL_XMLNS_ITEM_SEP_STR "\x1f"


typedef struct _vxlXMLNSKeyInfo vxlXMLNSKeyInfo;
struct _vxlXMLNSKeyInfo {
    const char *name;             /* the xl.cfg key and the element */
    vxlXMLNSKeyKind kind;
    unsigned int guests;          /* VXL_XMLNS_GUEST_* where xl reads it */
    long long min, max;           /* NUMBER */
    const libxl_enum_string_table *values; /* ENUM, BOOL_OR_ENUM */
    /* LIST: true when xl's parser takes @item (tools/xl/xl_parse.c). */
    bool (*itemCheck)(const char *item);
};
extern const vxlXMLNSKeyInfo vxlXMLNSKeys[VXL_XMLNS_KEY_LAST];

/* @value in @info's canonical spelling, or NULL (unreported) when it
 * is not a value of @info. */
char *vxlXMLNSKeyCanonical(const vxlXMLNSKeyInfo *info, const char *value);
/* The libxl_action_on_shutdown xl spells @value (destroy, restart,
 * rename-restart, preserve, coredump-destroy, coredump-restart,
 * soft-reset), or -1 (unreported). */
int vxlXMLNSKeyActionFromString(const char *value);
/* For the namespace's parse, format, free and validate. Parse: 1 when
 * @node is one of vxlXMLNSKeys (its value now in @keys), 0 when it is
 * none of them, -1 on error (reported). */
int vxlXMLNSKeysParse(xmlNodePtr node, char **keys);
/* The items of a LIST key's value (joined by '\n'; "" is one empty
 * item). */
GStrv vxlXMLNSKeyItems(const char *joined);
/* domain_xmlns_specs.c: one item of a LIST key, read as xl reads it;
 * false when xl refuses it. The outputs may be NULL (a check only);
 * an iomem range without @GFN leaves *gfn as it was. */
bool vxlXMLNSSpecIomem(const char *item, uint64_t *start, uint64_t *number, uint64_t *gfn);
bool vxlXMLNSSpecIoports(const char *item, uint32_t *first, uint32_t *number);
bool vxlXMLNSSpecIrq(const char *item, uint32_t *irq);
bool vxlXMLNSSpecMcaCap(const char *item, uint64_t *cap);
bool vxlXMLNSSpecDtdev(const char *item);
bool vxlXMLNSSpecPvcalls(const char *item, libxl_device_pvcallsif *pv);
bool vxlXMLNSSpecVkb(const char *item, libxl_device_vkb *vkb);
bool vxlXMLNSSpecVdispl(const char *item, libxl_device_vdispl *vdispl);
/* cpuid=: one item, "host,NAME=VALUE,..." (the string form, alone) or
 * a xend line, added to @cpuid (may be NULL: a check only) as xl adds
 * it. */
bool vxlXMLNSSpecCpuid(const char *item, libxl_cpuid_policy_list *cpuid);
bool vxlXMLNSSpecCpuidXendShaped(const char *item);
/* domain_xmlns_vsnd.c: one vsnd card, its items joined by
 * VXL_XMLNS_ITEM_SEP; on refusal *why (when @why is not NULL) says why
 * in a phrase, to be freed. */
bool vxlXMLNSSpecVsnd(const char *card, libxl_device_vsnd *vsnd, char **why);
/* <virtxl:vncdisplay>: the display @def's autoport VNC display starts
 * looking from, or -1 when it has none. */
int vxlXMLNSVncStartDisplay(const virDomainDef *def);
void vxlXMLNSKeysFormat(virBuffer *buf, char *const *keys);
void vxlXMLNSKeysFree(char **keys);
int vxlValidateXMLNSKeys(const virDomainDef *def, char *const *keys);
/* Every element name of vxlXMLNSKeys, ", <virtxl:K>" each. */
void vxlXMLNSKeysNames(GString *out);

/* ---- the whole namespace model (domain_xmlns.c; the disk lookup is
 * domain_xmlns_disk.c's) ------------------------------------------- */

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
    vxlXMLNSNic *nics;            /* in document order */
    size_t nnics;
    vxlXMLNSUsbctrl *usbctrls;    /* in document order */
    size_t nusbctrls;
    vxlXMLNSCpusSoft *cpusSoft;   /* in document order */
    size_t ncpusSoft;
    vxlXMLNSCpusExclude *cpusExclude;  /* in document order */
    size_t ncpusExclude;
    vxlXMLNSCpuList *cpusNodes;   /* <virtxl:cpus_nodes>, in document order */
    size_t ncpusNodes;
    int numaPlacement;            /* virTristateSwitch: <virtxl:numa_placement> */
    vxlXMLNSVtpm *vtpms;          /* in order: devid is the position */
    size_t nvtpms;
    vxlXMLNSDevBackend *channelBackends; /* <virtxl:channel>, in document order */
    size_t nchannelBackends;
    vxlXMLNSDevBackend *p9Backends;      /* <virtxl:p9>, in document order */
    size_t np9Backends;
    char *smbiosFirmware;         /* b_info.u.hvm.smbios_firmware */
    vxlXMLNSVfb *vfbs;            /* <virtxl:vfb>, in order: devid is the
                                     position */
    size_t nvfbs;
    vxlXMLNSSerial *serials;      /* <virtxl:serial>, in document order */
    size_t nserials;
    vxlXMLNSKnobValue knobs[VXL_XMLNS_KNOB_LAST];
    /* Not ours: <os firmware> or <os><firmware> on a PV or PVH guest,
     * which libvirt's parser drops unseen; noted to be refused. */
    bool pvFirmware;
    /* vxlXMLNSKeys: each value as xl.cfg spells it, NULL unset. */
    char *keys[VXL_XMLNS_KEY_LAST];
};

extern virXMLNamespace vxlXMLNamespace;

/* @def's namespace data, or NULL when it has none. */
const vxlXMLNSDef *vxlXMLNSGet(const virDomainDef *def);
/* Whether @def asks for the old qemu-xen-traditional device model
 * (<virtxl:devicemodel version>), whose BIOS is ROMBIOS and whose
 * default video sizes differ. */
bool vxlXMLNSTraditionalDM(const virDomainDef *def);

/* The <virtxl:disk> entry for the disk with <target dev=@target>, or
 * NULL. */
const vxlXMLNSDisk *vxlXMLNSFindDisk(const virDomainDef *def,
                                     const char *target);
/* domain_xmlns_pciname.c: <virtxl:pci name>, a PCI device named by
 * its pci-assignable name. Parse: the attributes of the name form
 * (@pci->name set by the caller); 0, or -1 reported. */
int vxlXMLNSParsePciName(xmlNodePtr node, vxlXMLNSPci *pci);
void vxlXMLNSFormatPciName(virBuffer *buf, const vxlXMLNSPci *pci);
/* " attr='yes|no'" for a set tristate, nothing when absent. */
void vxlXMLNSFormatTristate(virBuffer *buf, const char *attr, virTristateBool v);
/* The checks of one named entry, number @index of @ns->pcis; 0, or -1
 * reported (VIR_ERR_CONFIG_UNSUPPORTED, naming it). */
int vxlValidateXMLNSPciName(const virDomainDef *def, const vxlXMLNSDef *ns,
                            size_t index);
/* Whether @name is one libxl takes: 1 to 64 printable characters, none
 * a blank (libxl__device_pci_assignable_add's sanitising). */
bool vxlXMLNSPciNameValid(const char *name);
/* How many <virtxl:pci name> entries @def has. */
size_t vxlXMLNSPciNamedCount(const virDomainDef *def);
/* How many PCI host devices @def->hostdevs holds: what a named entry's
 * before= counts. */
size_t vxlXMLNSPciHostdevCount(const virDomainDef *def);
/* Whether named entry @pci comes in pcidevs just before PCI host
 * device @pos of @npci (@pos == @npci: after them all). The
 * translation and xml2xl both order the named entries by it, so that
 * xl.cfg's pci= order is libxl's. */
bool vxlXMLNSPciNamedAt(const vxlXMLNSPci *pci, size_t pos, size_t npci);
/* At start: the entry named @name is the host device @addr now (live
 * XML); nothing when @def has no such entry. */
void vxlXMLNSPciNameResolved(virDomainDef *def, const char *name,
                             const virPCIDeviceAddress *addr);
/* Every <virtxl:pci name> of @def without the address it resolved to:
 * a definition (parsed inactive) keeps the name only, as libvirt drops
 * a device's live <alias>. */
void vxlXMLNSPciNamesForget(virDomainDef *def);
/* The <virtxl:pci> entry for @hostdev, or NULL. */
const vxlXMLNSPci *vxlXMLNSFindPci(const virDomainDef *def,
                                   const virDomainHostdevDef *hostdev);
/* The value of @table (a libxl enum string table) spelt @str, as xl
 * reads it (case-insensitively), or -1 (unreported). */
int vxlXMLNSKnobEnumFromString(const libxl_enum_string_table *table, const char *str);
const char *vxlXMLNSKnobEnumToString(const libxl_enum_string_table *table, int value);
/* Whether @value is a value of @knob (a range or enum check); unreported. */
bool vxlXMLNSKnobValueValid(const vxlXMLNSKnobInfo *knob, long long value);

/* <virtxl:cpus_soft>: the catch-all element (NULL if none) into @all,
 * and one more than the highest vCPU named on its own (0 if none). */
size_t vxlXMLNSCpusSoftSpan(const vxlXMLNSDef *ns, const vxlXMLNSCpusSoft **all);

/* domain_xmlns_cpus.c: one <virtxl:@elem vcpu? cpuset/> appended to
 * *@list (*@n entries), its cpuset below @maxCpus (@example in
 * messages); 0, or -1 reported. */
int vxlXMLNSParseCpuList(xmlNodePtr node, const char *elem, const char *example,
                         int maxCpus, bool canExclude,
                         vxlXMLNSCpuList **list, size_t *n);
/* The CPUs a <virtxl:cpus_soft> prefers: a copy of its cpuset, or with
 * exclude='yes' every CPU Xen can have but those; every CPU for a
 * nodeset not resolved against a host (vxlXMLNSCpusResolveNodes). */
virBitmap *vxlXMLNSCpusSoftMap(const vxlXMLNSCpusSoft *soft);
/* Whether @map is <virtxl:cpus_soft cpuset='all'>'s: every CPU Xen can
 * have. */
bool vxlXMLNSCpusIsAll(virBitmap *map);
/* domain_xmlns_cpus.c: <virtxl:cpus_exclude>. */
int vxlXMLNSParseCpusExclude(xmlNodePtr node, vxlXMLNSDef *ns);
int vxlXMLNSParseNumaPlacement(xmlNodePtr node, vxlXMLNSDef *ns);
void vxlXMLNSFormatCpusExclude(virBuffer *buf, const vxlXMLNSDef *ns);
void vxlXMLNSCpusExcludeFree(vxlXMLNSDef *ns);
int vxlValidateXMLNSCpusExclude(const virDomainDef *def, const vxlXMLNSDef *ns);
/* The CPUs vCPU @vcpu is kept off by its own element (@vcpu -1: the
 * element without vcpu); NULL if none. */
virBitmap *vxlXMLNSCpusExcluded(const vxlXMLNSDef *ns, int vcpu);
/* Drop the element of vCPU @vcpu (-1: the one without vcpu) from @def's
 * namespace data, if it has one: a pinning that replaces it. Its
 * <virtxl:cpus_nodes> too. */
void vxlXMLNSCpusExcludeDrop(virDomainDef *def, int vcpu);
/* <virtxl:cpus_nodes>: the host NUMA nodes vCPU @vcpu (-1: every vCPU
 * without its own) runs on, or NULL. */
int vxlXMLNSParseCpusNodes(xmlNodePtr node, vxlXMLNSDef *ns);
virBitmap *vxlXMLNSCpusNodes(const vxlXMLNSDef *ns, int vcpu);
/* At start, on the live definition: every nodeset of @def's namespace
 * (<virtxl:cpus_nodes>, <virtxl:cpus_soft nodeset>) replaced by the CPUs
 * of those nodes, @nodeCpus[N] being node N's (@nnodes nodes; 0: a host
 * that reports none, left alone). The hard ones become <vcpupin> or
 * <vcpu cpuset>; xl's mixed lists (list='...') are applied item by item,
 * CPUs from @ncpus on dropped. A node the host lacks has no CPU, as in
 * xl; a hard affinity left empty is refused (reported), and then @def is
 * unchanged; a soft one left empty becomes every CPU. */
int vxlXMLNSCpusResolveNodes(virDomainDef *def, virBitmap *const *nodeCpus, size_t nnodes,
                             unsigned int ncpus);
/* Whether @def's hard affinity (<vcpu cpuset>, <vcpupin>,
 * <virtxl:cpus_exclude>) leaves each vCPU a CPU of a host of @ncpus
 * CPUs (0: a host that reports none, not checked); CPUs beyond it are
 * fine. 0, or -1 reported. */
int vxlXMLNSCpusHostCheck(const virDomainDef *def, unsigned int ncpus);
/* At start, on the live definition: CPUs from @ncpus on dropped from
 * <vcpu cpuset>, <vcpupin> and <virtxl:cpus_soft cpuset>, as libxl
 * drops them from the maps it hands Xen (libxl__bitmap_copy_best_effort).
 * A soft set with none of the host's, "all", exclude='yes' and node sets
 * are left alone. @ncpus 0: nothing is cut. */
void vxlXMLNSCpusHostCut(virDomainDef *def, unsigned int ncpus);
/* The xl CPU list (list='...') of <virtxl:cpus_nodes> for @vcpu (-1: the
 * one without vcpu), or NULL. */
const char *vxlXMLNSCpusNodesXl(const vxlXMLNSDef *ns, int vcpu);

/* Whether the namespace of @def holds only what its guest type can take
 * (define time; also before each start). */
int vxlValidateXMLNS(const virDomainDef *def);

/* domain_xmlns_disk.c: <virtxl:disk>'s syntax and checks, for
 * domain_xmlns.c. */
int vxlXMLNSParseDisk(xmlNodePtr node, vxlXMLNSDisk *disk);
bool vxlXMLNSDiskVdevNumber(const char *vdev);
/* The Xen device number libxl gives disk name @vdev
 * (libxl__device_disk_dev_number in Xen 4.17), or -1 for a name it
 * refuses: xvd<letters>[part] (202 << 8 | disk << 4 | part below 16 and
 * 16, else 1 << 28 | disk << 8 | part, up to 2^20 disks and 255
 * partitions), dNpM alike, hd[a-d][1-63] (IDE majors 3 and 22),
 * sd[a-p][1-15] (SCSI major 8), a number up to INT_MAX itself. Two names
 * of one number are one disk to Xen ("xvdb" and "51728"). */
long long vxlDiskDevNumber(const char *vdev);
void vxlXMLNSFormatDisk(virBuffer *buf, const vxlXMLNSDisk *disk);
/* The attributes after target= (the converter writes the element too). */
void vxlXMLNSFormatDiskAttrs(virBuffer *buf, const vxlXMLNSDisk *disk);
/* A copy of @src's options into the cleared @dst. */
void vxlXMLNSDiskCopy(vxlXMLNSDisk *dst, const vxlXMLNSDisk *src);
void vxlXMLNSDiskClear(vxlXMLNSDisk *disk);
int vxlValidateXMLNSDisks(const virDomainDef *def, const vxlXMLNSDef *ns);
/* domain_xmlns_device.c: the namespace data of one device follows it
 * through attach and detach. */
/* What libxl names the disk with <target dev=@target> of @def by: its
 * <virtxl:disk vdev>, else @target. */
const char *vxlXMLNSDiskVdev(const virDomainDef *def, const char *target);
/* The <virtxl:disk> inside the attached device @xml (parsed as @dev)
 * into *@disk (NULL: none); any other element of the namespace is
 * refused. 0, or -1 reported. */
int vxlXMLNSDeviceParse(const char *xml, const virDomainDeviceDef *dev,
                        vxlXMLNSDisk **disk);
/* VIR_ERR_OPERATION_UNSUPPORTED (reported, -1) when @xml is an element
 * of the namespace itself (<virtxl:pci name>) rather than a device;
 * else 0. */
int vxlXMLNSDeviceRefuseOwn(const char *xml);
void vxlXMLNSDiskFree(vxlXMLNSDisk *disk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vxlXMLNSDisk, vxlXMLNSDiskFree);
/* The <virtxl:disk> of the disk with <target dev=@target> becomes a
 * copy of @disk (NULL: none). */
int vxlXMLNSDiskSet(virDomainDef *def, const char *target,
                    const vxlXMLNSDisk *disk);
/* Drop the element naming the disk, interface or PCI host device. A
 * PCI host device is forgotten while still in @def->hostdevs: the
 * before= of named devices after it follows (domain_xmlns_device.c). */
void vxlXMLNSForgetDisk(virDomainDef *def, const char *target);
void vxlXMLNSForgetNic(virDomainDef *def, const virMacAddr *mac);
void vxlXMLNSForgetPci(virDomainDef *def, const virDomainHostdevDef *hostdev);
/* An empty namespace record (domain_xmlns.c). */
vxlXMLNSDef *vxlXMLNSDefNew(void);
/* Free @def's namespace data when it holds nothing any more. */
void vxlXMLNSDropIfEmpty(virDomainDef *def);
/* domain_xmlns_nic.c */
int vxlXMLNSParseNic(xmlNodePtr node, vxlXMLNSNic *nic);
void vxlXMLNSFormatNic(virBuffer *buf, const vxlXMLNSNic *nic);
void vxlXMLNSNicClear(vxlXMLNSNic *nic);
int vxlValidateXMLNSNics(const virDomainDef *def, const vxlXMLNSDef *ns);
/* The <virtxl:nic> of the <interface> with @mac, or NULL. */
const vxlXMLNSNic *vxlXMLNSFindNic(const virDomainDef *def,
                                   const virMacAddr *mac);
/* domain_xmlns_usbctrl.c */
int vxlXMLNSParseUsbctrl(xmlNodePtr node, vxlXMLNSUsbctrl *ctrl);
void vxlXMLNSFormatUsbctrl(virBuffer *buf, const vxlXMLNSUsbctrl *ctrl);
int vxlValidateXMLNSUsbctrls(const virDomainDef *def, const vxlXMLNSDef *ns);
/* The <virtxl:usbctrl> of the USB controller with @index, or NULL. */
const vxlXMLNSUsbctrl *vxlXMLNSFindUsbctrl(const virDomainDef *def,
                                           unsigned int index);
/* The vif number of def->nets[@index]: its <virtxl:nic devid>, else
 * its position (as xl numbers vif= entries). */
int vxlXMLNSNicDevid(const virDomainDef *def, size_t index);
/* domain_xmlns_vfb.c: <virtxl:vfb>. */
int vxlXMLNSParseVfb(xmlNodePtr node, vxlXMLNSDef *ns);
void vxlXMLNSFormatVfbs(virBuffer *buf, const vxlXMLNSDef *ns);
int vxlValidateXMLNSVfbs(const virDomainDef *def, const vxlXMLNSDef *ns);
/* The framebuffers of a PV or PVH @def into *@groups (to be freed),
 * their number returned: one per <virtxl:vfb>, else one serving every
 * <graphics> (none without graphics), starting at <virtxl:vncdisplay>. */
size_t vxlXMLNSVfbGroups(const virDomainDef *def, vxlXMLNSVfbGroup **groups);
/* The display where def->graphics[@index]'s autoport VNC search
 * starts: its framebuffer's (PV, PVH) or <virtxl:vncdisplay> (HVM);
 * -1 when none is given. */
int vxlXMLNSGraphicsStartDisplay(const virDomainDef *def, size_t index);
/* Whether framebuffer number @pos of @def can serve @group's <graphics>:
 * one VNC and one SDL at most; 0, or -1 reported. */
int vxlValidateVfbGroup(const virDomainDef *def, size_t pos,
                        const vxlXMLNSVfbGroup *group);
/* domain_xmlns_backend.c: <virtxl:channel> (@p9 false) and <virtxl:p9>. */
int vxlXMLNSParseDevBackend(xmlNodePtr node, bool p9, vxlXMLNSDef *ns);
void vxlXMLNSFormatDevBackends(virBuffer *buf, const vxlXMLNSDef *ns);
void vxlXMLNSDevBackendsFree(vxlXMLNSDef *ns);
int vxlValidateXMLNSDevBackends(const virDomainDef *def, const vxlXMLNSDef *ns);
/* The backend domain of the Xen channel named @name, or of the 9pfs
 * share tagged @tag, or NULL (dom0). */
const char *vxlXMLNSChannelBackend(const virDomainDef *def, const char *name);
const char *vxlXMLNSP9Backend(const virDomainDef *def, const char *tag);

/* domain_xmlns_serial.c: <virtxl:serial>. */
int vxlXMLNSParseSerial(xmlNodePtr node, vxlXMLNSDef *ns);
void vxlXMLNSFormatSerials(virBuffer *buf, const vxlXMLNSDef *ns);
void vxlXMLNSSerialsFree(vxlXMLNSDef *ns);
int vxlValidateXMLNSSerials(const virDomainDef *def, const vxlXMLNSDef *ns);
/* @options (qemu's chardev option words, comma-separated) read as
 * qemu 7.2 reads them into @out; -1 with *@why (to be freed) naming the
 * word qemu refuses or the driver cannot carry. */
int vxlChrOptionsRead(const char *options, vxlChrOptions *out, char **why);
/* The option words xml2xl and the translator write for a tcp or unix
 * @src without <virtxl:serial options>: "server,nowait" for a bind,
 * "reconnect=N" for a client that reconnects, else ""; NULL for other
 * types. */
char *vxlChrOptionsCanonical(const virDomainChrSourceDef *src);
/* Where def->serials[@index] sits in serial=: its index, past the
 * none='yes' places before it. */
size_t vxlXMLNSSerialPosition(const virDomainDef *def, size_t index);
/* qemu's -serial spec of @chr, a <serial> of @def, with its
 * <virtxl:serial options>; NULL (unreported) when it has none. */
char *vxlXMLNSSerialSpec(const virDomainDef *def, const virDomainChrDef *chr);
/* The whole serial= list of @def in order, "none" where
 * <virtxl:serial none='yes'> says so; NULL (unreported) when a place
 * has no port or a port no spec. */
GStrv vxlXMLNSSerialSpecs(const virDomainDef *def);
