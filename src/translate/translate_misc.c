/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * translate_misc.c: the remaining devices and tables.
 *
 * Covers <filesystem type='mount'> (9pfs: p9s, accessmode as the
 * security model), <os><acpi><table type='slic'> (u.hvm.acpi_firmware,
 * HVM), <genid> (u.hvm.ms_vm_genid, HVM), and a <memballoon model='xen'|'none'> (Xen's balloon is the
 * guest's own driver; nothing to configure).
 *
 * Refuses devices Xen does not offer: watchdogs, RNGs, smartcards,
 * hubs, non-SPICE USB redirection, memory modules, shared memory,
 * IOMMUs, vsock, panic devices, TPMs (Xen's vTPM is a stub domain,
 * not a libvirt TPM backend), NVRAM, leases and other
 * balloon models; <sysinfo> and <os><smbios> (libxl takes SMBIOS
 * tables only as a binary file), and filesystems other than a 9p
 * mount of a host directory.
 */
#include "vxl_internal.h"

#include "translate_private.h"
#include "util_enums.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL


static int
vxlMiscRefuse(size_t n, const char *element, const char *reason)
{
    if (n == 0)
        return 0;
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("<%s> is not supported by Xen: %s"), element, reason);
    return -1;
}


/* qemu's 9pfs security model (util_enums.c); libvirt's default is
 * passthrough. */
static const char *
vxlFSSecurityModel(virDomainFSAccessMode mode)
{
    if (mode == VIR_DOMAIN_FS_ACCESSMODE_DEFAULT)
        mode = VIR_DOMAIN_FS_ACCESSMODE_PASSTHROUGH;
    return vxlEnumXlToCfg(&vxlEnumP9SecurityModel,
                          vxlEnumVirToXl(&vxlEnumP9SecurityModel, mode));
}


static int
vxlValidateFS(const virDomainFSDef *fs)
{
    if (fs->type != VIR_DOMAIN_FS_TYPE_MOUNT ||
        (fs->fsdriver != VIR_DOMAIN_FS_DRIVER_TYPE_DEFAULT &&
         fs->fsdriver != VIR_DOMAIN_FS_DRIVER_TYPE_PATH)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<filesystem type='%s'><driver type='%s'> is not supported by Xen: it shares a host directory over 9p, type='mount' with driver 'path'"),
                       virDomainFSTypeToString(fs->type),
                       virDomainFSDriverTypeToString(fs->fsdriver));
        return -1;
    }
    if (fs->readonly || fs->wrpolicy || fs->fmode || fs->dmode ||
        fs->multidevs || fs->space_hard_limit || fs->space_soft_limit) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<filesystem> readonly, wrpolicy, fmode, dmode, multidevs and space limits are not supported by Xen's 9pfs"));
        return -1;
    }
    /* virtiofsd's settings, which libvirt reads whatever the driver:
     * libxl's 9pfs backend has no daemon to give them to. */
    if (fs->binary || fs->xattr || fs->cache || fs->posix_lock || fs->flock ||
        fs->sandbox || fs->thread_pool_size >= 0 || fs->queue_size ||
        vxlVirtioOptionsSet(fs->virtio)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<filesystem><binary> and <driver queue> are not supported by Xen: they set up virtiofsd, and libxl shares a directory over 9p"));
        return -1;
    }
    return vxlValidateNoAddress(&fs->info, "<filesystem>");
}


/* What libvirt's other drivers do on the host around a guest, which
 * neither libxl nor this driver does: refused rather than promised. */
static int
vxlValidateHostSide(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < VIR_PERF_EVENT_LAST; i++) {
        if (def->perf.events[i] == VIR_TRISTATE_BOOL_YES) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<perf><event name='%s' enabled='yes'> is not supported by Xen"),
                           virPerfEventTypeToString(i));
            return -1;
        }
    }
    for (i = 0; i < def->nseclabels; i++) {
        const virSecurityLabelDef *label = def->seclabels[i];

        if (label->type == VIR_DOMAIN_SECLABEL_NONE || label->implicit)
            continue;
        /* A dynamic label names no model (virt-install --security
         * type=dynamic): the security manager would pick it. */
        if (!label->model) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<seclabel type='%s'> is not supported by the Xen driver: it has no security manager; use type='none'"),
                           virDomainSeclabelTypeToString(label->type));
        } else {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("<seclabel model='%s'> is not supported by the Xen driver: it has no security manager; use type='none'"),
                           label->model);
        }
        return -1;
    }
    if (vxlMiscRefuse(def->naudios, "audio", _("libxl leaves qemu's audio backend to qemu")) < 0 ||
        vxlMiscRefuse(def->nresctrls, "cputune><cachetune|memorytune", _("libxl has no cache or memory bandwidth allocation; Xen's is set with xl psr-cat-set")) < 0 ||
        vxlMiscRefuse(def->idmap.nuidmap + def->idmap.ngidmap, "idmap", _("user namespaces are for containers")) < 0 ||
        vxlMiscRefuse(def->keywrap ? 1 : 0, "keywrap", _("it is an s390 feature")) < 0 ||
        vxlMiscRefuse(def->resource ? 1 : 0, "resource", _("the Xen driver does not place guests in cgroups")) < 0 ||
        vxlMiscRefuse(def->redirfilter ? 1 : 0, "redirfilter", _("libxl cannot filter SPICE USB redirection")) < 0)
        return -1;
    return 0;
}


bool
vxlVirtioOptionsSet(const virDomainVirtioOptions *opts)
{
    return opts && (opts->iommu || opts->ats || opts->packed || opts->page_per_vq);
}


/* libvirt assigns a Xen guest's devices no addresses, and libxl places
 * its emulated devices itself (the VGA card at slot 2, the USB and sound
 * controllers after it): an address written in the XML would not be
 * where the guest finds the device. */
int
vxlValidateNoAddress(const virDomainDeviceInfo *info, const char *element)
{
    if (info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE)
        return 0;
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("%s<address type='%s'> is not supported by Xen: libxl places the device itself"),
                   element, virDomainDeviceAddressTypeToString(info->type));
    return -1;
}


/* libxl gives none of its devices an ACPI index (the _DSM name a
 * guest's udev takes for a NIC); interfaces and host devices refuse it
 * with their own messages. */
static int
vxlValidateAcpiIndex(virDomainDef *def G_GNUC_UNUSED, virDomainDeviceDef *dev,
                     virDomainDeviceInfo *info, void *opaque G_GNUC_UNUSED)
{
    if (!info->acpiIndex || dev->type == VIR_DOMAIN_DEVICE_NET ||
        dev->type == VIR_DOMAIN_DEVICE_HOSTDEV)
        return 0;
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("<%s><acpi index='%u'> is not supported by Xen: libxl gives its devices no ACPI index"),
                   dev->type == VIR_DOMAIN_DEVICE_CHR ?
                   virDomainChrDeviceTypeToString(dev->data.chr->deviceType) :
                   virDomainDeviceTypeToString(dev->type),
                   info->acpiIndex);
    return -1;
}


/* The driver has no security manager (a domain's <seclabel> other than
 * type='none' is refused above): relabel='no' asks for what happens
 * anyway, a label or relabelling would not be done. */
bool
vxlDeviceSeclabelsSet(virSecurityDeviceLabelDef *const *seclabels, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (seclabels[i]->relabel || seclabels[i]->label)
            return true;
    }
    return false;
}


/* usb=1 and usbdevice= (the namespace's) where libxl builds the USB bus
 * itself (vxlUsbBusIsLibxls): libxl refuses them at create
 * (libxl__domain_build_info_setdefault), and the rule is the config's
 * alone, so it is refused at define. USB <input>s go onto its bus as
 * qemu arguments instead (vxlUsbInputArgs); host devices cannot. */
static int
vxlValidateUsbBus(const virDomainDef *def)
{
    const vxlXMLNSDef *ns = vxlXMLNSGet(def);
    const char *usb;
    bool redir = def->nredirdevs > 0;

    if (!ns || !vxlUsbBusIsLibxls(def))
        return 0;
    usb = ns->keys[VXL_XMLNS_KEY_USB];
    if (ns->keys[VXL_XMLNS_KEY_USBDEVICE] && redir) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:usbdevice> beside SPICE USB redirection is not supported by Xen: libxl refuses usbdevice= when it gives SPICE its USB redirection"));
        return -1;
    }
    if (ns->keys[VXL_XMLNS_KEY_USBDEVICE]) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:usbdevice> beside an emulated USB controller (<controller type='usb' model> or <virtxl:usbversion>) is not supported by Xen: libxl refuses usbdevice= beside the usbversion= that controller is"));
        return -1;
    }
    if (usb && STRNEQ(usb, "0") && redir) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:usb value='1'> beside SPICE USB redirection is not supported by Xen: libxl refuses usb=1 when it gives SPICE its USB redirection"));
        return -1;
    }
    if (usb && STRNEQ(usb, "0")) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<virtxl:usb value='1'> beside an emulated USB controller (<controller type='usb' model> or <virtxl:usbversion>) is not supported by Xen: libxl refuses usb=1 beside the usbversion= that controller is"));
        return -1;
    }
    return 0;
}



int
vxlValidateMisc(const virDomainDef *def)
{
    size_t i;

    if (vxlMiscRefuse(def->watchdog ? 1 : 0, "watchdog", _("Xen's watchdog is a hypercall the guest uses itself, not a device")) < 0 ||
        vxlMiscRefuse(def->nrngs, "rng", _("libxl offers no RNG device")) < 0 ||
        vxlMiscRefuse(def->nsmartcards, "smartcard", _("libxl offers no smartcard device")) < 0 ||
        vxlMiscRefuse(def->nhubs, "hub", _("libxl offers no USB hub")) < 0 ||
        vxlMiscRefuse(def->nmems, "memory", _("Xen has no memory hotplug")) < 0 ||
        vxlMiscRefuse(def->nshmems, "shmem", _("libxl offers no shared memory device")) < 0 ||
        vxlMiscRefuse(def->iommu ? 1 : 0, "iommu", _("libxl offers no virtual IOMMU")) < 0 ||
        vxlMiscRefuse(def->vsock ? 1 : 0, "vsock", _("libxl offers no vsock device")) < 0 ||
        vxlMiscRefuse(def->npanics, "panic", _("use <on_crash>: Xen sees a guest crash itself")) < 0 ||
        vxlMiscRefuse(def->ntpms, "tpm", _("Xen's vTPM runs in a stub domain, which libvirt's TPM backends do not describe")) < 0 ||
        vxlMiscRefuse(def->nvram ? 1 : 0, "nvram", _("libxl offers no NVRAM device")) < 0 ||
        vxlMiscRefuse(def->nleases, "lease", _("the Xen driver has no lock manager")) < 0 ||
        vxlMiscRefuse(def->nsysinfo, "sysinfo", _("libxl takes SMBIOS tables only as a binary file")) < 0)
        return -1;

    if (vxlValidateHostSide(def) < 0 ||
        virDomainDeviceInfoIterate((virDomainDef *)def, vxlValidateAcpiIndex, NULL) < 0)
        return -1;

    /* Xen's VM generation ID device is HVM firmware (ACPI). */
    if (def->genidRequested && def->os.type != VIR_DOMAIN_OSTYPE_HVM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<genid> is supported by Xen for HVM guests only: the generation ID is an ACPI device"));
        return -1;
    }
    if (def->sec) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<launchSecurity> is not supported by Xen: Xen 4.17 has no confidential guests (SEV, SEV-SNP, s390 PV)"));
        return -1;
    }

    if (def->os.smbios_mode != VIR_DOMAIN_SMBIOS_NONE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<os><smbios> is not supported by Xen: libxl takes SMBIOS tables only as a binary file"));
        return -1;
    }
    if (def->os.slic_table && def->os.type != VIR_DOMAIN_OSTYPE_HVM) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<os><acpi><table type='slic'> is supported by Xen for HVM guests only"));
        return -1;
    }
    /* SPICE carries the redirected USB devices: without it they would
     * be dropped in silence. */
    for (i = 0; i < def->nredirdevs; i++) {
        if (def->redirdevs[i]->source->type != VIR_DOMAIN_CHR_TYPE_SPICEVMC ||
            def->os.type != VIR_DOMAIN_OSTYPE_HVM ||
            !virDomainDefHasSpiceGraphics(def)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                           _("<redirdev> is supported by Xen only as type='spicevmc' for HVM guests with SPICE graphics"));
            return -1;
        }
        /* libxl makes the redirection channels on a USB bus of its own,
         * where qemu picks the ports. */
        if (vxlValidateNoAddress(&def->redirdevs[i]->info, "<redirdev>") < 0)
            return -1;
    }
    if (vxlValidateUsbBus(def) < 0)
        return -1;
    /* libxl gives SPICE between one and four USB redirection channels
     * and fails the start with more. */
    if (def->nredirdevs > 4) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%zu <redirdev> elements are not supported by Xen: libxl gives SPICE at most 4 USB redirection channels"),
                       def->nredirdevs);
        return -1;
    }
    /* Xen's balloon is the guest's driver, steered through xenstore: it
     * has no deflate-on-OOM or free page reporting. A <stats period>
     * (Nova writes one on every Xen guest) has nothing to set: the
     * balloon's figures are in xenstore whenever they are read. */
    if (def->memballoon &&
        (def->memballoon->autodeflate || def->memballoon->free_page_reporting)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("<memballoon> autodeflate and freePageReporting are not supported by Xen"));
        return -1;
    }
    if (def->memballoon &&
        vxlValidateNoAddress(&def->memballoon->info, "<memballoon>") < 0)
        return -1;
    if (def->memballoon &&
        def->memballoon->model != VIR_DOMAIN_MEMBALLOON_MODEL_XEN &&
        def->memballoon->model != VIR_DOMAIN_MEMBALLOON_MODEL_NONE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("<memballoon model='%s'> is not supported by Xen: use 'xen'"),
                       virDomainMemballoonModelTypeToString(def->memballoon->model));
        return -1;
    }
    for (i = 0; i < def->nfss; i++) {
        if (vxlValidateFS(def->fss[i]) < 0)
            return -1;
    }
    return 0;
}


/*
 * libvirt's <genid> is a UUID in its text order; the guest reads the ID
 * as a Microsoft GUID, whose first three fields are little-endian in
 * memory, and libxl copies ms_vm_genid's bytes to the guest as they
 * are. An empty <genid/> needs nothing more here: libvirt's parser has
 * generated the value already (and keeps it in the definition).
 */
static void
vxlTranslateGenid(const unsigned char *uuid, libxl_ms_vm_genid *genid)
{
    static const unsigned char order[LIBXL_MS_VM_GENID_LEN] = {
        3, 2, 1, 0,  /* Data1, a 32-bit field */
        5, 4,        /* Data2 */
        7, 6,        /* Data3 */
        8, 9, 10, 11, 12, 13, 14, 15,  /* Data4, bytes as written */
    };
    size_t i;

    for (i = 0; i < LIBXL_MS_VM_GENID_LEN; i++)
        genid->bytes[i] = uuid[order[i]];
}


int
vxlTranslateMisc(const virDomainDef *def, libxl_domain_config *dcfg)
{
    size_t i;

    if (vxlValidateMisc(def) < 0)
        return -1;

    if (def->os.slic_table)
        dcfg->b_info.u.hvm.acpi_firmware = g_strdup(def->os.slic_table);
    if (def->genidRequested)
        vxlTranslateGenid(def->genid, &dcfg->b_info.u.hvm.ms_vm_genid);

    if (def->nfss == 0)
        return 0;
    dcfg->p9s = g_new0(libxl_device_p9, def->nfss);
    dcfg->num_p9s = def->nfss;
    for (i = 0; i < def->nfss; i++) {
        libxl_device_p9 *xp9 = &dcfg->p9s[i];

        libxl_device_p9_init(xp9);
        xp9->tag = g_strdup(def->fss[i]->dst);
        xp9->path = g_strdup(def->fss[i]->src->path);
        xp9->security_model = g_strdup(vxlFSSecurityModel(def->fss[i]->accessmode));
        /* <virtxl:p9 backend>: xl's backend=, a driver domain. */
        xp9->backend_domname = g_strdup(vxlXMLNSP9Backend(def, def->fss[i]->dst));
    }
    return 0;
}
