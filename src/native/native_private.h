/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * native_private.h: what the xl.cfg reader's parts share.
 *
 * native_read.c   the file: libxlutil's parse, where each key is, typed
 *                 access that remembers which keys were used, warnings
 * native_parse.c  key groups -> domain XML
 * native_features.c, native_cpu.c: the groups for platform features
 *                 and for the vCPUs' scheduling, topology and CPUID
 * native_format.c virDomainDef -> xl.cfg
 * native_keys.c   every key of xl.cfg(5) and what becomes of it
 */
#pragma once

#include "native.h"
#include "conf_devices.h"
#include "domain_xmlns.h"
#include "conf_xmlopt.h"
#include "virbuffer.h"
#include <libxl.h>
#include <libxlutil.h>

/* The declaration each namespace element of xl2xml's output carries. */
#define VXL_NATIVE_NS_DECL " xmlns:" VXL_XMLNS_PREFIX "='" VXL_XMLNS_URI "'"

/* One assignment in the file. Keys are found by our own scan of the text
 * (libxlutil has no way to list them); values always come from
 * libxlutil. */
typedef struct _vxlNativeKey vxlNativeKey;
struct _vxlNativeKey {
    char *name;
    int line;
    bool used;      /* converted, or reported as dropped */
    bool notNumberSaid; /* vxlNativeGetLong/Bool said it is not a number
                           (a key read in two places says it once) */
};

typedef struct _vxlNativeReader vxlNativeReader;
struct _vxlNativeReader {
    XLU_Config *xlu;
    const char *source;     /* the file's name, for messages */
    GPtrArray *keys;        /* of vxlNativeKey, in file order */
    GPtrArray *warnings;    /* of char *, may be NULL */
    int type;               /* the guest's LIBXL_DOMAIN_TYPE_* */
    FILE *report;           /* where libxlutil writes its complaints */
    char *reportBuf;
    size_t reportLen;
    GPtrArray *nsPcis;      /* <virtxl:pci> lines from pci= (native_xmlns.c) */
    GPtrArray *nsDisks;     /* <virtxl:disk> lines from disk= scripts */
    GPtrArray *nsNics;      /* <virtxl:nic> lines from vif= options */
    GPtrArray *nsLines;     /* other namespace lines from device keys */
    bool numaPlacementOff;  /* <virtxl:numa_placement state='off'/> written */
    long maxvcpus;          /* xl's max_vcpus, once vxlNativeParseMemory
                               has read it (0 before) */
    bool ahci;              /* an HVM guest's hdtype="ahci" (native_devices.c) */
    bool sataDisks;         /* a disk written with bus='sata', which says
                               hdtype=ahci itself */
};

/* native_read.c */
int vxlNativeReaderOpen(vxlNativeReader *r, const char *data, size_t len,
                        const char *source, GPtrArray *warnings);
void vxlNativeReaderClose(vxlNativeReader *r);
/* The line of @key's last assignment (the one xl uses), or 0. */
int vxlNativeKeyLine(vxlNativeReader *r, const char *key);
bool vxlNativeHas(vxlNativeReader *r, const char *key);
void vxlNativeMarkUsed(vxlNativeReader *r, const char *key);
/* 1 found, 0 absent, -1 malformed (reported). Each marks @key used. */
int vxlNativeGetString(vxlNativeReader *r, const char *key, const char **value);
/* A value that is not a number is warned about and taken as absent (0),
 * as xl does for all but the keys it reads bounded: */
int vxlNativeGetLong(vxlNativeReader *r, const char *key, long *value);
/* ... those refuse anything but a number in [@min, @max] (-1). */
int vxlNativeGetBoundedLong(vxlNativeReader *r, const char *key,
                            long min, long max, long *value);
int vxlNativeGetBool(vxlNativeReader *r, const char *key, bool *value);
int vxlNativeGetList(vxlNativeReader *r, const char *key,
                     XLU_ConfigList **list, int *n);
/* A list, or a single string taken as a list of one. */
int vxlNativeGetStringOrList(vxlNativeReader *r, const char *key,
                             GPtrArray *items);
void vxlNativeWarn(vxlNativeReader *r, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void vxlNativeError(vxlNativeReader *r, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void vxlNativeUnsupported(vxlNativeReader *r, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
/* Report every key present and not used as dropped, with the reason
 * native_keys.c gives. */
void vxlNativeWarnUnused(vxlNativeReader *r);

/* native_keys.c */
typedef struct _vxlNativeKeyInfo vxlNativeKeyInfo;
struct _vxlNativeKeyInfo {
    const char *name;
    const char *dropped;  /* why domain XML cannot hold it, or NULL when
                             it is converted */
    bool xlIgnores;       /* xl gives it no meaning either: @dropped says
                             why, warned as ignored */
};
extern const vxlNativeKeyInfo vxlNativeKeys[];
extern const size_t vxlNativeKeysCount;
const vxlNativeKeyInfo *vxlNativeKeyInfoFind(const char *name);

/* native_disk_iscsi.c: block-iscsi disks as libvirt's iscsi sources. */
typedef struct _vxlNativeISCSI vxlNativeISCSI;
struct _vxlNativeISCSI {
    char *iqn;
    char *host;
    unsigned int port;      /* 0: left out (iscsiadm's 3260) */
    bool multipath;         /* multipath=y: <virtxl:disk multipath> */
};
void vxlNativeISCSIClear(vxlNativeISCSI *iscsi);
/* 1 when @xdisk is a block-iscsi disk (filling @iscsi), 0 when it is
 * none, -1 when its target is one the script cannot use (reported). */
int vxlNativeISCSIParse(vxlNativeReader *r, int index,
                        const libxl_device_disk *xdisk, vxlNativeISCSI *iscsi);
void vxlNativeISCSISource(virBuffer *buf, const vxlNativeISCSI *iscsi);
/* native_disk_rbd.c: <source protocol='rbd'> for @xdisk's rbd: target
 * into @buf, when the translator would make the same target of it. */
bool vxlNativeRbdSource(const libxl_device_disk *xdisk, virBuffer *buf);
/* native_disk_iscsi.c: appends script= and target= (the last of a disk
 * spec) to @spec. */
int vxlNativeFormatDiskISCSI(virBuffer *spec, const virDomainDiskDef *disk, bool multipath);

/* native_xlu_guard.c: false for a pci= spec that Xen 4.17's libxlutil
 * would parse reading an unset offset (see there). */
bool vxlNativePciSpecSafe(const char *spec);

/* native_devices.c: every device key, into <devices>. */
int vxlNativeParseDevices(vxlNativeReader *r, virBuffer *devices);

/* native_format_devices.c: <devices> into @buf, or -1 refusing what
 * xl.cfg cannot express. */
int vxlNativeFormatDevices(virBuffer *buf, const virDomainDef *def);
/* native_format.c: a refusal naming @what; one key's value, one list. */
int vxlNativeFormatRefuse(const char *what);
/* native_format.c: xl's "all,^N,..." for the CPUs @except takes out. */
char *vxlNativeFormatCpusExcept(virBitmap *except);
/* native_parse.c: an xl CPU list with an "all" item: 1 with *@except
 * the CPUs taken out after the last "all" (NULL: none), 0 for a list
 * without "all", -1 for one xl refuses (reported against @key). */
int vxlNativeCpusetExcept(vxlNativeReader *r, const char *key, const char *spec,
                          char **except);
/* native_parse.c: cpus_soft= list @spec of CPUs only ("0-3,^2") in
 * libvirt's spelling, "none" for one that leaves no CPU (an empty soft
 * affinity, which xl takes), NULL for one xl refuses (reported). */
char *vxlNativeCpusetSoft(vxlNativeReader *r, const char *spec);
/* Warn, once for CPU list @spec of @key (entry @item from 1, or 0 for a
 * string), about the CPUs and nodes xl drops from it (vxlCpuListClip). */
void vxlNativeCpuListWarnCut(vxlNativeReader *r, const char *key, int item,
                             const char *spec);
/* Refuse the list in entry @index (from 0) of CPU list @key within the
 * vCPUs, as xl create cannot go on from it. */
void vxlNativeCpuListNested(vxlNativeReader *r, const char *key, int index);
/* native_parse.c: an xl CPU list with NUMA node items: 1 with *@nodes
 * the nodes it leaves in libvirt's spelling for node items only
 * ("nodes:1", "node:0-1,^nodes:1"); 2 with *@nodes @spec itself
 * (without blanks and empty items, vxlCpuListFormat) for one
 * that mixes them with CPUs or "all" or leaves no node (the host alone
 * knows which CPUs those are: <virtxl:cpus_nodes list>); 0 for a list
 * without node items, -2 for one xl refuses (reported). */
int vxlNativeCpusetNodes(vxlNativeReader *r, const char *key, const char *spec,
                         char **nodes);
/* native_parse.c: @spec with "nodes:all" items as xl reads them, "all"
 * (to free). */
char *vxlNativeCpusNodesAll(const char *spec);
/* native_format.c: xl's "nodes:..." for a nodeset. */
char *vxlNativeFormatNodes(virBitmap *nodes);
/* native_knobs.c: <virtxl:numa_placement state='off'/> into @xmlns,
 * once per file. */
void vxlNativeNumaPlacementOff(vxlNativeReader *r, virBuffer *xmlns);
/* @str as an xl.cfg string, quoted and escaped. */
void vxlNativeQuote(virBuffer *buf, const char *str);
void vxlNativeFormatString(virBuffer *buf, const char *key, const char *value);
void vxlNativeFormatList(virBuffer *buf, const char *key, GPtrArray *items);

/* native_knobs.c: keys with no libvirt element, as children of <domain>
 * in the project's namespace (appended to @xmlns), and back. */
int vxlNativeParseKnobs(vxlNativeReader *r, virBuffer *xmlns);
int vxlNativeFormatKnobs(virBuffer *buf, const virDomainDef *def);
/* native_spice.c: the SPICE keys beyond <graphics> attributes. */
int vxlNativeParseSpiceGraphics(vxlNativeReader *r, virBuffer *buf);
int vxlNativeParseSpiceDevices(vxlNativeReader *r, virBuffer *buf);
bool vxlNativeSpiceIsAgent(const virDomainChrDef *ch);
int vxlNativeFormatSpice(virBuffer *buf, const virDomainDef *def,
                         const virDomainGraphicsDef *graphics);
int vxlNativeFormatSpiceOrphans(const virDomainDef *def);

/* native_xmlns.c: keys only the virtxl namespace holds. */
void vxlNativeXMLNSAddPci(vxlNativeReader *r, const libxl_device_pci *pci, int index);
/* One pci= entry given by name=: its <virtxl:pci name>, before='@before'
 * unless -1; 0, or -1 reported. */
int vxlNativeXMLNSAddPciNamed(vxlNativeReader *r, const libxl_device_pci *pci, int index,
                              int before);
int vxlNativeParseXMLNS(vxlNativeReader *r, virBuffer *out);
/* Note <virtxl:disk> with @disk's options for the output. */
void vxlNativeAddDiskXMLNS(vxlNativeReader *r, const vxlXMLNSDisk *disk);
int vxlNativeFormatXMLNS(virBuffer *buf, const virDomainDef *def);
void vxlNativeFormatPciOptions(virBuffer *spec, const virDomainDef *def,
                               const virDomainHostdevDef *hostdev);

/* native_xmlns_keys.c: the keys of vxlXMLNSKeys (translate.h). One
 * key into @xmlns (0 when absent or not for this guest type), or every
 * key but the shutdown actions; and back, each as KEY = V. */
int vxlNativeParseXMLNSKey(vxlNativeReader *r, vxlXMLNSKey key, virBuffer *xmlns);
int vxlNativeParseXMLNSKeys(vxlNativeReader *r, virBuffer *xmlns);
int vxlNativeFormatXMLNSKeys(virBuffer *buf, const virDomainDef *def);
/* The namespace's value of @key for @def, or NULL. */
const char *vxlNativeXMLNSKeyValue(const virDomainDef *def, vxlXMLNSKey key);

/* native_xm.c: xm's spellings xl still reads. */
int vxlNativeGetKernel(vxlNativeReader *r, const char **kernel);
bool vxlNativeVfbType(vxlNativeReader *r, int index, const char *key,
                      const char *value);
/* firmware="pvgrub32|pvgrub64" of a PV or PVH guest: the kernel xl
 * boots for it, or NULL for a value xl refuses; and back, the firmware=
 * value of such a kernel path, or NULL. */
char *vxlNativePvgrubKernel(const char *firmware);
const char *vxlNativePvgrubFirmware(const char *kernel);

/* native_parse.c */
char *vxlNativeBuildXML(vxlNativeReader *r);

/* The parts of <domain> that groups append to; native_parse.c puts
 * them together in libvirt's order. */
typedef struct _vxlNativeXML vxlNativeXML;
struct _vxlNativeXML {
    virBuffer top;       /* name, uuid, genid, memory, vcpu */
    virBuffer cputune;
    virBuffer numatune;  /* <memnode>s: vnuma='s pnode= (native_cpu.c) */
    virBuffer os;
    virBuffer features;
    virBuffer featuresXen;
    virBuffer clock;     /* <timer>s */
    char *clockAttrs;    /* <clock ...> */
    const char *firmware; /* <os firmware='...'> */
    bool hostCPU;        /* <cpu mode='host-passthrough'> (nestedhvm=, with vmx) */
    const char *cpuMode; /* <cpu mode> otherwise, or NULL for none */
    virBuffer cpu;       /* <cpu>'s <feature>s and <numa> */
    virBuffer pm;
    virBuffer lifecycle;
    virBuffer devices;
    virBuffer xmlns;     /* children of <domain> in the virtxl namespace */
};

/* native_features.c: viridian=, msr_relaxed=, vpmu=, max_grant_frames=,
 * max_event_channels=, acpi_firmware=, ms_vm_genid=. */
/* native_features.c: the feature keys. */
int vxlNativeParseFeatureKeys(vxlNativeReader *r, vxlNativeXML *x);
int vxlNativeFormatFeatureKeys(virBuffer *buf, const virDomainDef *def);

/* native_cpu.c: cap=, vnuma=, cpuid=. */
int vxlNativeParseCpuKeys(vxlNativeReader *r, vxlNativeXML *x);
int vxlNativeFormatCpuKeys(virBuffer *buf, const virDomainDef *def);
/* How many vCPUs vnuma='s nodes name together (xl's maxvcpus when the
 * file has none), or -1 without vnuma= or when it is malformed (the
 * vnuma group reports that). */
long vxlNativeVnumaVcpus(vxlNativeReader *r);
long vxlNativeVnumaMemory(vxlNativeReader *r);

/* native_read.c: split "k=v,k=v" spec strings as xl does (no quoting
 * inside). */
GStrv vxlNativeSplitSpec(const char *spec, char sep);
