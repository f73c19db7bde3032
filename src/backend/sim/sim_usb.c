/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_usb.c: the simulated host's USB devices and their assignment to
 * domains (xl usb-list, usbdev-attach, usbdev-detach).
 *
 * The devices come from the host profile's optional "usb" list (bus and
 * device number, as lsusb shows them). Which domain has a device is read
 * from the domains' stored libxl configs (their usbdevs, each on a
 * controller and port), as libxl reads it from xenstore, so a device a
 * domain was built or hot-plugged with is its until removed or until the
 * domain is gone.
 *
 * Rules, as libxl applies them: a device goes to one domain at a time,
 * on a free port of one of the domain's USB controllers; when every
 * port is taken (or the domain has no controller) libxl adds a
 * controller of its default kind (USB 2, 8 ports) first. A removed
 * device leaves its controller in place.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* libxl's default controller: USB 2 with 8 ports. */
#define VXL_SIM_USBCTRL_PORTS 8
#define VXL_SIM_USBCTRL_VERSION 2

void
vxlSimUsbFree(vxlSimUsb *usb)
{
    if (!usb)
        return;
    g_free(usb->vendorName);
    g_free(usb->productName);
    g_free(usb);
}

static int
vxlSimUsbProfileFail(const char *file, size_t i, const char *field)
{
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("host profile %s: usb[%zu].%s is missing or wrong (see docs/host-profiles.md)"),
                   file, i, field);
    return -1;
}

static int
vxlSimUsbHex(virJSONValue *obj, const char *key, unsigned int *out)
{
    const char *s = virJSONValueObjectGetString(obj, key);
    char *end = NULL;
    unsigned long v;

    if (!s)
        return -1;
    errno = 0;
    v = strtoul(s, &end, 16);
    if (errno || end == s || *end || v > 0xffff)
        return -1;
    *out = v;
    return 0;
}

static vxlSimUsb *
vxlSimUsbFind(vxlSim *sim, unsigned int bus, unsigned int device)
{
    size_t i;

    for (i = 0; sim->usb && i < sim->usb->len; i++) {
        vxlSimUsb *u = g_ptr_array_index(sim->usb, i);

        if (u->bus == bus && u->device == device)
            return u;
    }
    return NULL;
}

/* Read the profile's "usb" list (none: a host without USB devices). */
int
vxlSimUsbLoad(vxlSim *sim, virJSONValue *root)
{
    virJSONValue *list;
    size_t i;

    sim->usb = g_ptr_array_new_with_free_func((GDestroyNotify)vxlSimUsbFree);
    if (!(list = virJSONValueObjectGet(root, "usb")))
        return 0;
    if (!virJSONValueIsArray(list))
        return vxlSimUsbProfileFail(sim->profilePath, 0, "(list)");

    for (i = 0; i < virJSONValueArraySize(list); i++) {
        virJSONValue *o = virJSONValueArrayGet(list, i);
        g_autoptr(vxlSimUsb) usb = g_new0(vxlSimUsb, 1);

        if (virJSONValueObjectGetNumberUint(o, "bus", &usb->bus) < 0 ||
            usb->bus < 1 || usb->bus > 255)
            return vxlSimUsbProfileFail(sim->profilePath, i, "bus");
        if (virJSONValueObjectGetNumberUint(o, "device", &usb->device) < 0 ||
            usb->device < 1 || usb->device > 127)
            return vxlSimUsbProfileFail(sim->profilePath, i, "device");
        if (vxlSimUsbHex(o, "vendor", &usb->vendor) < 0)
            return vxlSimUsbProfileFail(sim->profilePath, i, "vendor");
        if (vxlSimUsbHex(o, "product", &usb->product) < 0)
            return vxlSimUsbProfileFail(sim->profilePath, i, "product");
        if (vxlSimUsbFind(sim, usb->bus, usb->device))
            return vxlSimUsbProfileFail(sim->profilePath, i, "device (twice)");
        usb->vendorName = g_strdup(virJSONValueObjectGetString(o, "vendorName"));
        usb->productName = g_strdup(virJSONValueObjectGetString(o, "productName"));
        g_ptr_array_add(sim->usb, g_steal_pointer(&usb));
    }
    return 0;
}

/* ----- the stored config's usbdevs and usbctrls ------------------------ */

typedef struct {
    unsigned int hostbus;
    unsigned int hostaddr;
    int ctrl;
    int port;
} vxlSimUsbEntry;

static bool
vxlSimUsbEntryRead(virJSONValue *o, vxlSimUsbEntry *e)
{
    virJSONValue *host = virJSONValueObjectGetObject(o, "type.hostdev");

    memset(e, 0, sizeof(*e));
    if (!host)
        return false;
    /* libxl's JSON leaves zero numbers out. */
    ignore_value(virJSONValueObjectGetNumberUint(host, "hostbus", &e->hostbus));
    ignore_value(virJSONValueObjectGetNumberUint(host, "hostaddr", &e->hostaddr));
    ignore_value(virJSONValueObjectGetNumberInt(o, "ctrl", &e->ctrl));
    ignore_value(virJSONValueObjectGetNumberInt(o, "port", &e->port));
    return true;
}

/* Which of @dom's config usbdevs is host device @bus:@device: its
 * index, or -1. */
static int
vxlSimUsbIndexIn(const vxlSimDomain *dom, unsigned int bus, unsigned int device)
{
    virJSONValue *list;
    size_t i;

    if (!dom->config || !(list = virJSONValueObjectGetArray(dom->config, "usbdevs")))
        return -1;
    for (i = 0; i < virJSONValueArraySize(list); i++) {
        vxlSimUsbEntry e;

        if (vxlSimUsbEntryRead(virJSONValueArrayGet(list, i), &e) &&
            e.hostbus == bus && e.hostaddr == device)
            return i;
    }
    return -1;
}

/* The domain (building ones included) that has @u, or NULL. */
static vxlSimDomain *
vxlSimUsbOwner(vxlSim *sim, const vxlSimUsb *u)
{
    GHashTableIter it;
    vxlSimDomain *dom;

    g_hash_table_iter_init(&it, sim->domains);
    while (g_hash_table_iter_next(&it, NULL, (gpointer *)&dom)) {
        if (vxlSimUsbIndexIn(dom, u->bus, u->device) >= 0)
            return dom;
    }
    return NULL;
}

static bool
vxlSimUsbPortTaken(virJSONValue *devs, int ctrl, int port)
{
    size_t i;

    for (i = 0; i < virJSONValueArraySize(devs); i++) {
        vxlSimUsbEntry e;

        if (vxlSimUsbEntryRead(virJSONValueArrayGet(devs, i), &e) &&
            e.ctrl == ctrl && e.port == port)
            return true;
    }
    return false;
}

/* Choose the controller and port for a device (@want_ctrl, @want_port
 * when the caller set them, >= 0 and >= 1), adding a controller to
 * @ctrls when none has a free port. */
static int
vxlSimUsbPlace(vxlSimDomain *dom, virJSONValue *ctrls, virJSONValue *devs,
               int wantCtrl, int wantPort, int *ctrl, int *port)
{
    g_autoptr(virJSONValue) added = NULL;
    int nextDevid = 0;
    size_t i;
    int p;

    for (i = 0; i < virJSONValueArraySize(ctrls); i++) {
        virJSONValue *c = virJSONValueArrayGet(ctrls, i);
        int devid = 0;
        int ports = VXL_SIM_USBCTRL_PORTS;

        ignore_value(virJSONValueObjectGetNumberInt(c, "devid", &devid));
        ignore_value(virJSONValueObjectGetNumberInt(c, "ports", &ports));
        nextDevid = MAX(nextDevid, devid + 1);
        if (wantCtrl >= 0 && devid != wantCtrl)
            continue;
        for (p = 1; p <= ports; p++) {
            if (wantPort >= 1 && p != wantPort)
                continue;
            if (!vxlSimUsbPortTaken(devs, devid, p)) {
                *ctrl = devid;
                *port = p;
                return 0;
            }
        }
        if (wantCtrl >= 0) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("cannot add a USB device to domain '%s' (id %u): port %d of its USB controller %d is taken or does not exist"),
                           dom->name, dom->domid, wantPort, wantCtrl);
            return -1;
        }
    }
    if (wantCtrl >= 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot add a USB device to domain '%s' (id %u): it has no USB controller %d"),
                       dom->name, dom->domid, wantCtrl);
        return -1;
    }
    added = virJSONValueNewObject();
    if (virJSONValueObjectAppendNumberInt(added, "devid", nextDevid) < 0 ||
        virJSONValueObjectAppendNumberInt(added, "version", VXL_SIM_USBCTRL_VERSION) < 0 ||
        virJSONValueObjectAppendNumberInt(added, "ports", VXL_SIM_USBCTRL_PORTS) < 0 ||
        virJSONValueArrayAppend(ctrls, &added) < 0)
        return -1;
    *ctrl = nextDevid;
    *port = 1;
    return 0;
}

/* Put each USB device @dom is built with on its controller and port,
 * as libxl's create does one device after the other: where the config
 * names them, else the first free port, a controller added when none
 * has one. The stored config then says where each device is, as
 * libxl's usbdev list reads it back from xenstore. */
int
vxlSimUsbPlaceAtStart(vxlSimDomain *dom)
{
    virJSONValue *devs;
    virJSONValue *ctrls;
    size_t i;

    if (!dom->config ||
        !(devs = virJSONValueObjectGetArray(dom->config, "usbdevs")) ||
        virJSONValueArraySize(devs) == 0)
        return 0;
    if (!(ctrls = vxlSimConfigList(dom, "usbctrls")))
        return -1;
    for (i = 0; i < virJSONValueArraySize(devs); i++) {
        virJSONValue *o = virJSONValueArrayGet(devs, i);
        int wantCtrl = -1;
        int wantPort = 0;
        int ctrl;
        int port;

        if (!virJSONValueObjectGetObject(o, "type.hostdev"))
            continue;
        ignore_value(virJSONValueObjectGetNumberInt(o, "port", &wantPort));
        if (virJSONValueObjectGetNumberInt(o, "ctrl", &wantCtrl) < 0 ||
            (wantCtrl == 0 && wantPort < 1))
            /* libxl's JSON leaves a zero out: controller 0 without a
             * port is "any controller", as libxl's default -1. */
            wantCtrl = -1;
        /* Out of the way of its own place while it is chosen. */
        virJSONValueObjectRemoveKey(o, "ctrl", NULL);
        virJSONValueObjectRemoveKey(o, "port", NULL);
        if (vxlSimUsbPlace(dom, ctrls, devs, wantCtrl, wantPort, &ctrl, &port) < 0)
            return -1;
        if (virJSONValueObjectAppendNumberInt(o, "ctrl", ctrl) < 0 ||
            virJSONValueObjectAppendNumberInt(o, "port", port) < 0)
            return -1;
    }
    return 0;
}

/* ----- the hooks ------------------------------------------------------- */

int
vxlSimHostUsbList(vxlBackend *be, vxlHostUsb **devs, size_t *ndevs)
{
    vxlSim *sim = vxlSimGet(be);
    size_t i;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimCatchUp(sim, g_get_monotonic_time());
        *ndevs = sim->usb->len;
        *devs = g_new0(vxlHostUsb, *ndevs);
        for (i = 0; i < sim->usb->len; i++) {
            vxlSimUsb *u = g_ptr_array_index(sim->usb, i);
            vxlHostUsb *d = &(*devs)[i];
            vxlSimDomain *owner = vxlSimUsbOwner(sim, u);

            d->bus = u->bus;
            d->device = u->device;
            d->vendor = u->vendor;
            d->product = u->product;
            d->vendorName = g_strdup(u->vendorName);
            d->productName = g_strdup(u->productName);
            d->domid = owner && !owner->building ? owner->domid : 0;
        }
    }
    return 0;
}

static int
vxlSimUsbAddAct(vxlSim *sim, vxlSimDomain *dom, long long now G_GNUC_UNUSED,
                void *opaque)
{
    libxl_device_usbdev *x = opaque;
    unsigned int bus = x->u.hostdev.hostbus;
    unsigned int device = x->u.hostdev.hostaddr;
    g_autoptr(virJSONValue) entry = virJSONValueNewObject();
    g_autoptr(virJSONValue) host = virJSONValueNewObject();
    vxlSimDomain *owner;
    virJSONValue *ctrls;
    virJSONValue *devs;
    vxlSimUsb *u;
    int ctrl;
    int port;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_USB_ADD) < 0)
        return -1;
    if (!(u = vxlSimUsbFind(sim, bus, device))) {
        virReportError(VIR_ERR_NO_NODE_DEVICE,
                       _("the simulated host has no USB device %03u:%03u"),
                       bus, device);
        return -1;
    }
    if ((owner = vxlSimUsbOwner(sim, u)) == dom) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("domain '%s' (id %u) has USB device %03u:%03u already"),
                       dom->name, dom->domid, bus, device);
        return -1;
    }
    if (owner) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot give USB device %03u:%03u to domain '%s': domain '%s' (id %u) has it"),
                       bus, device, dom->name, owner->name, owner->domid);
        return -1;
    }
    if (!(ctrls = vxlSimConfigList(dom, "usbctrls")) ||
        !(devs = vxlSimConfigList(dom, "usbdevs"))) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the simulator has no stored configuration for domain '%s' (id %u)"),
                       dom->name, dom->domid);
        return -1;
    }
    if (vxlSimUsbPlace(dom, ctrls, devs, x->ctrl, x->port, &ctrl, &port) < 0)
        return -1;
    virJSONValueObjectAppendNumberInt(entry, "ctrl", ctrl);
    virJSONValueObjectAppendNumberInt(entry, "port", port);
    virJSONValueObjectAppendNumberUint(host, "hostbus", bus);
    virJSONValueObjectAppendNumberUint(host, "hostaddr", device);
    virJSONValueObjectAppend(entry, "type.hostdev", &host);
    if (virJSONValueArrayAppend(devs, &entry) < 0)
        return -1;
    x->ctrl = ctrl;
    x->port = port;
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainUsbAdd(vxlBackend *be, uint32_t domid, libxl_device_usbdev *x)
{
    if (x->type != LIBXL_USBDEV_TYPE_HOSTDEV) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("a USB device to add must be a host device"));
        return -1;
    }
    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimUsbAddAct, x);
}

/* Which device a remove takes: its host bus and device number. */
typedef struct {
    unsigned int hostbus;
    unsigned int hostaddr;
} vxlSimUsbRemoval;

static int
vxlSimUsbRemoveAct(vxlSim *sim G_GNUC_UNUSED, vxlSimDomain *dom,
                   long long now G_GNUC_UNUSED, void *opaque)
{
    const vxlSimUsbRemoval *r = opaque;
    g_autoptr(virJSONValue) gone = NULL;
    int idx;

    if (vxlSimCheckAlive(dom, VXL_BACKEND_OP_USB_REMOVE) < 0)
        return -1;
    if ((idx = vxlSimUsbIndexIn(dom, r->hostbus, r->hostaddr)) < 0) {
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("domain '%s' (id %u) has no USB device %03u:%03u"),
                       dom->name, dom->domid, r->hostbus, r->hostaddr);
        return -1;
    }
    gone = virJSONValueArraySteal(virJSONValueObjectGetArray(dom->config,
                                                             "usbdevs"),
                                  idx);
    return VXL_SIM_ACT_CHANGED;
}

int
vxlSimDomainUsbRemove(vxlBackend *be, uint32_t domid, unsigned int hostbus,
                      unsigned int hostaddr)
{
    vxlSimUsbRemoval r = { hostbus, hostaddr };

    return vxlSimWithDomain(vxlSimGet(be), domid, vxlSimUsbRemoveAct, &r);
}
