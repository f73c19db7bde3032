/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_dom0.c: Domain-0 as a domain object, and the backend names of
 * a running domain's interfaces.
 *
 * Xen's control domain is listed as every Xen toolstack lists it (xl
 * list, libvirt's own libxl driver): id 0, name Domain-0, always
 * running, its memory and vCPUs from Xen. Clients count on it: Nova sums
 * the domains' memory and expects Domain-0 among them. It is not ours to
 * stop, change, save or migrate: every job but a query is refused on it
 * (vxlDomainJobBegin), so entry points need no check of their own.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virtxl/backend.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_dom0");

bool
vxlDomainIsDom0(const virDomainObj *vm)
{
    return vm->def->id == 0;
}

int
vxlDomainRefuseDom0(const virDomainObj *vm)
{
    if (!vxlDomainIsDom0(vm))
        return 0;
    virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                   _("Domain-0 is the host's control domain: libvirt cannot stop, pause, change, save or migrate it"));
    return -1;
}

/* Built, not parsed: a parse would add a guest's defaults (a boot
 * loader, a machine type) that dom0 does not have. */
static virDomainDef *
vxlDomainDom0NewDef(vxlDriver *driver, const unsigned char *uuid)
{
    virDomainDef *def;

    if (!(def = virDomainDefNew(driver->xmlopt)))
        return NULL;
    def->id = 0;
    def->virtType = VIR_DOMAIN_VIRT_XEN;
    def->os.type = VIR_DOMAIN_OSTYPE_XEN;
    def->name = g_strdup("Domain-0");
    memcpy(def->uuid, uuid, VIR_UUID_BUFLEN);
    return def;
}

static int
vxlDomainDom0UpdateDef(vxlDriver *driver, virDomainDef *def,
                       const vxlDomainInfo *info)
{
    if (virDomainDefSetVcpusMax(def, MAX(info->vcpusMax, 1), driver->xmlopt) < 0 ||
        virDomainDefSetVcpus(def, MAX(info->vcpusOnline, 1)) < 0)
        return -1;
    def->mem.cur_balloon = info->currentKiB;
    virDomainDefSetMemoryTotal(def, MAX(info->maxKiB, info->currentKiB));
    return 0;
}

/* Bring dom0's definition in line with what Xen says of it. Its
 * persistent definition is the same (it has no config of libvirt's to
 * differ), so that --config queries answer as for any running domain. */
static int
vxlDomainDom0Update(vxlDriver *driver, virDomainObj *vm,
                    const vxlDomainInfo *info)
{
    if (vxlDomainDom0UpdateDef(driver, vm->def, info) < 0)
        return -1;
    if (!vm->newDef &&
        !(vm->newDef = vxlDomainDom0NewDef(driver, vm->def->uuid)))
        return -1;
    return vxlDomainDom0UpdateDef(driver, vm->newDef, info);
}

int
vxlDomainDom0Add(vxlDriver *driver)
{
    g_autoptr(virDomainDef) def = NULL;
    vxlDomainInfo info = { 0 };
    virDomainObj *vm = NULL;
    int ret = -1;

    if (vxlBackendHostGetDom0(driver->backend, &info) < 0)
        return -1;

    if (!(vm = virDomainObjListFindByID(driver->domains, 0))) {
        if (!(def = vxlDomainDom0NewDef(driver, info.uuid)))
            goto cleanup;
        if (!(vm = virDomainObjListAdd(driver->domains, &def, driver->xmlopt,
                                       0, NULL)))
            goto cleanup;
        /* Xen's own config (the boot loader's) defines it: it always
         * exists, as a persistent domain does. */
        vm->persistent = 1;
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    }
    if (vxlDomainDom0Update(driver, vm, &info) < 0)
        goto cleanup;
    ret = 0;

 cleanup:
    vxlDomainInfoClear(&info);
    virDomainObjEndAPI(&vm);
    return ret;
}

int
vxlDomainGetLiveInfo(vxlDriver *driver, virDomainObj *vm, vxlDomainInfo *info)
{
    uint32_t domid = vm->def->id;
    int rc;

    vxlDomainBackendEnter(vm);
    if (domid == 0)
        rc = vxlBackendHostGetDom0(driver->backend, info);
    else
        rc = vxlBackendDomainGetInfo(driver->backend, domid, info);
    vxlDomainBackendExit(vm);
    if (rc == 0 && domid == 0 && vxlDomainIsDom0(vm))
        rc = vxlDomainDom0Update(driver, vm, info);
    return rc;
}

/* As libxl names them: netback's vif is vifDOMID.DEVID, and an emulated
 * NIC's tap beside it has "-emu" appended; a vifname in the config wins. */
void
vxlDomainNetBackendName(virDomainNetDef *net, uint32_t domid,
                        const libxl_device_nic *xnic)
{
    if (net->ifname)
        return;
    if (xnic->ifname)
        net->ifname = g_strdup(xnic->ifname);
    else
        net->ifname = g_strdup_printf("vif%u.%d%s", domid, xnic->devid,
                                      xnic->nictype == LIBXL_NIC_TYPE_VIF_IOEMU ?
                                      "-emu" : "");
}

void
vxlDomainNetBackendNames(virDomainDef *def, const libxl_domain_config *dcfg)
{
    size_t i;
    int j;

    for (i = 0; i < def->nnets; i++) {
        virDomainNetDef *net = def->nets[i];

        for (j = 0; j < dcfg->num_nics; j++) {
            if (memcmp(dcfg->nics[j].mac, net->mac.addr, VIR_MAC_BUFLEN) == 0) {
                vxlDomainNetBackendName(net, def->id, &dcfg->nics[j]);
                break;
            }
        }
    }
}

/* Names with libxl's prefix are the backend's, given at start: they go
 * with the domain (libvirt's parser drops them from configs too, the
 * netPrefix of domain_xmlopt.c), so that the next start gets its own. */
void
vxlDomainNetBackendNamesClear(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nnets; i++) {
        if (def->nets[i]->ifname && STRPREFIX(def->nets[i]->ifname, "vif"))
            g_clear_pointer(&def->nets[i]->ifname, g_free);
    }
}
