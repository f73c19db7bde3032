/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_iftune.c: an interface's bandwidth limits (virsh domiftune).
 *
 * A Xen vif has one limit: what the guest may send, an average rate
 * (xl's rate=, <bandwidth><outbound average>). What the guest receives,
 * and peaks, bursts and floors, Xen cannot limit: those read as 0 (no
 * limit) and setting them is refused. A running guest's limit changes at
 * once (netback takes a new credit, see the backend's domainNicSetRate).
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virtxl/backend.h"
#include "translate.h"
#include "virerror.h"
#include "virmacaddr.h"
#include "virnetdevbandwidth.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* The parameters, in the order libvirt's drivers give them. */
static const char *const vxlIftuneFields[] = {
    VIR_DOMAIN_BANDWIDTH_IN_AVERAGE,
    VIR_DOMAIN_BANDWIDTH_IN_PEAK,
    VIR_DOMAIN_BANDWIDTH_IN_BURST,
    VIR_DOMAIN_BANDWIDTH_IN_FLOOR,
    VIR_DOMAIN_BANDWIDTH_OUT_AVERAGE,
    VIR_DOMAIN_BANDWIDTH_OUT_PEAK,
    VIR_DOMAIN_BANDWIDTH_OUT_BURST,
};

int
vxlDomainIftuneGet(virDomainDef *def, bool live, const char *device,
                   virTypedParameterPtr params, int *nparams)
{
    const virNetDevBandwidth *bw;
    virDomainNetDef *net;
    unsigned int value;
    size_t i;

    if (*nparams == 0) {
        *nparams = G_N_ELEMENTS(vxlIftuneFields);
        return 0;
    }
    if (!(net = virDomainNetFind(def, device)))
        return -1;
    bw = live ? virDomainNetGetActualBandwidth(net) : net->bandwidth;
    for (i = 0; i < G_N_ELEMENTS(vxlIftuneFields) && i < *nparams; i++) {
        value = 0;
        if (STREQ(vxlIftuneFields[i], VIR_DOMAIN_BANDWIDTH_OUT_AVERAGE) &&
            bw && bw->out)
            value = bw->out->average;
        if (virTypedParameterAssign(&params[i], vxlIftuneFields[i],
                                    VIR_TYPED_PARAM_UINT, value) < 0)
            return -1;
    }
    *nparams = i;
    return 0;
}

/* The new outbound average of @params over *@average; refuse what a vif
 * cannot do. */
static int
vxlIftuneParse(virTypedParameterPtr params, int nparams,
               const char *device, unsigned long long *average)
{
    size_t i;

    for (i = 0; i < nparams; i++) {
        if (STREQ(params[i].field, VIR_DOMAIN_BANDWIDTH_OUT_AVERAGE)) {
            *average = params[i].value.ui;
        } else if (params[i].value.ui != 0) {
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("cannot set '%s' of interface '%s': a Xen vif limits only the average rate the guest sends (outbound.average)"),
                           params[i].field, device);
            return -1;
        }
    }
    return 0;
}

/* @net's outbound average becomes @average (0: no limit). */
static void
vxlIftuneApply(virDomainNetDef *net, unsigned long long average)
{
    if (average > 0) {
        if (!net->bandwidth)
            net->bandwidth = g_new0(virNetDevBandwidth, 1);
        if (!net->bandwidth->out)
            net->bandwidth->out = g_new0(virNetDevBandwidthRate, 1);
        net->bandwidth->out->average = average;
        return;
    }
    if (!net->bandwidth)
        return;
    g_clear_pointer(&net->bandwidth->out, g_free);
    if (!net->bandwidth->in)
        g_clear_pointer(&net->bandwidth, virNetDevBandwidthFree);
}

static unsigned long long
vxlIftuneAverage(const virDomainNetDef *net)
{
    return net->bandwidth && net->bandwidth->out ? net->bandwidth->out->average : 0;
}

int
vxlDomainIftuneSet(vxlDriver *driver, virDomainObj *vm, const char *device,
                   virTypedParameterPtr params, int nparams,
                   virDomainDef *def, virDomainDef *persistentDef)
{
    virDomainNetDef *liveNet = NULL;
    virDomainNetDef *configNet = NULL;
    unsigned long long liveAvg = 0;
    unsigned long long configAvg = 0;
    g_autoptr(virDomainDef) copy = NULL;

    if (virTypedParamsValidate(params, nparams,
                               VIR_DOMAIN_BANDWIDTH_IN_AVERAGE, VIR_TYPED_PARAM_UINT,
                               VIR_DOMAIN_BANDWIDTH_IN_PEAK, VIR_TYPED_PARAM_UINT,
                               VIR_DOMAIN_BANDWIDTH_IN_BURST, VIR_TYPED_PARAM_UINT,
                               VIR_DOMAIN_BANDWIDTH_IN_FLOOR, VIR_TYPED_PARAM_UINT,
                               VIR_DOMAIN_BANDWIDTH_OUT_AVERAGE, VIR_TYPED_PARAM_UINT,
                               VIR_DOMAIN_BANDWIDTH_OUT_PEAK, VIR_TYPED_PARAM_UINT,
                               VIR_DOMAIN_BANDWIDTH_OUT_BURST, VIR_TYPED_PARAM_UINT,
                               NULL) < 0)
        return -1;

    /* Both sides are checked before either changes. */
    if (def) {
        if (!(liveNet = virDomainNetFind(def, device)))
            return -1;
        liveAvg = vxlIftuneAverage(liveNet);
        if (vxlIftuneParse(params, nparams, device, &liveAvg) < 0)
            return -1;
        if (virDomainNetGetActualBandwidth(liveNet) != liveNet->bandwidth) {
            virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                           _("cannot change the bandwidth of interface '%s' live: its limits come from its libvirt network's port group"),
                           device);
            return -1;
        }
    }
    if (persistentDef) {
        if (!(configNet = virDomainNetFind(persistentDef, device)))
            return -1;
        configAvg = vxlIftuneAverage(configNet);
        if (vxlIftuneParse(params, nparams, device, &configAvg) < 0)
            return -1;
        if (!(copy = virDomainDefCopy(persistentDef, driver->xmlopt, NULL, false)))
            return -1;
        vxlIftuneApply(virDomainNetFind(copy, device), configAvg);
    }

    if (liveNet) {
        char mac[VIR_MAC_STRING_BUFLEN];
        uint64_t bytes = 0;
        uint32_t usecs = 0;
        int rc;

        if (liveAvg > 0)
            vxlTranslateNicRate(liveAvg, &bytes, &usecs);
        virMacAddrFormat(&liveNet->mac, mac);
        vxlDomainBackendEnter(vm);
        rc = vxlBackendDomainNicSetRate(driver->backend, vm->def->id, mac,
                                        bytes, usecs);
        vxlDomainBackendExit(vm);
        if (rc < 0)
            return -1;
        vxlIftuneApply(liveNet, liveAvg);
        if (vxlDomainSaveStatus(driver, vm) < 0)
            return -1;
    }
    if (copy) {
        if (virDomainDefSave(copy, driver->xmlopt, driver->cfg->configDir) < 0)
            return -1;
        vxlIftuneApply(configNet, configAvg);
    }
    return 0;
}
