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
};

extern virXMLNamespace vxlTranslateXMLNamespace;

/* @def's namespace data, or NULL when it has none. */
const vxlXMLNSDef *vxlTranslateXMLNSGet(const virDomainDef *def);
/* The <virtxl:pci> entry for @hostdev, or NULL. */
const vxlXMLNSPci *vxlTranslateXMLNSFindPci(const virDomainDef *def,
                                           const virDomainHostdevDef *hostdev);

/* libxl_domain_config as JSON, the way xl and libxl print it; needs no
 * libxl_ctx. Returns NULL with an error reported on failure. */
char *vxlTranslateConfigToJSON(libxl_domain_config *dcfg);
