/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_sched.c: a domain's credit/credit2 weight and cap, live (Xen's
 * scheduler, through the backend) and in its definition, where they are
 * <cputune><shares> (the weight) and <global_period>/<global_quota> (the
 * cap: quota / period is the share of one CPU), as translate_cpu.c
 * reads them at start.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virtxl/backend.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* credit and credit2: the weight a domain gets by default, the range,
 * and the period a cap is written with in a definition. */
#define VXL_SCHED_WEIGHT_DEFAULT 256
#define VXL_SCHED_WEIGHT_MAX 65535
#define VXL_SCHED_CAP_PERIOD_US 100000

void
vxlDomainSchedFromDef(const virDomainDef *def, unsigned int *weight,
                      unsigned int *cap)
{
    const virDomainCputune *t = &def->cputune;

    *weight = t->sharesSpecified ? t->shares : VXL_SCHED_WEIGHT_DEFAULT;
    *cap = 0;
    if (t->global_period > 0 && t->global_quota > 0)
        *cap = t->global_quota * 100 / t->global_period;
    else if (t->period > 0 && t->quota > 0)
        *cap = t->quota * 100 * virDomainDefGetVcpusMax(def) / t->period;
}

int
vxlDomainSchedCheck(const virDomainDef *def, unsigned int weight,
                    unsigned int cap)
{
    unsigned int vcpus = virDomainDefGetVcpusMax(def);

    if (weight < 1 || weight > VXL_SCHED_WEIGHT_MAX) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the scheduler weight of domain '%s' must be between 1 and %d, not %u"),
                       def->name, VXL_SCHED_WEIGHT_MAX, weight);
        return -1;
    }
    if (cap > 100 * vcpus) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("the scheduler cap of domain '%s' must be between 0 and %u (percent of one CPU, for its %u vCPUs), not %u"),
                       def->name, 100 * vcpus, vcpus, cap);
        return -1;
    }
    return 0;
}

void
vxlDomainSchedToDef(virDomainDef *def, unsigned int weight, unsigned int cap)
{
    virDomainCputune *t = &def->cputune;

    t->shares = weight;
    t->sharesSpecified = true;
    /* One cap per domain: the per-vCPU form goes. */
    t->period = 0;
    t->quota = 0;
    t->global_period = cap ? VXL_SCHED_CAP_PERIOD_US : 0;
    t->global_quota = cap ? (long long)cap * VXL_SCHED_CAP_PERIOD_US / 100 : 0;
}

int
vxlDomainSchedGetLive(vxlDriver *driver, virDomainObj *vm,
                      vxlSchedParams *params)
{
    uint32_t domid = vm->def->id;
    int rc;

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainGetSchedParams(driver->backend, domid, params);
    vxlDomainBackendExit(vm);
    return rc;
}

int
vxlDomainSchedSetLive(vxlDriver *driver, virDomainObj *vm, unsigned int weight,
                      unsigned int cap)
{
    vxlSchedParams params = { .weight = weight, .cap = cap };
    uint32_t domid = vm->def->id;
    int rc;

    vxlDomainBackendEnter(vm);
    rc = vxlBackendDomainSetSchedParams(driver->backend, domid, &params);
    vxlDomainBackendExit(vm);
    if (rc < 0)
        return -1;
    vxlDomainSchedToDef(vm->def, weight, cap);
    return 0;
}

int
vxlDomainSchedChange(vxlDriver *driver, virDomainObj *vm, virDomainDef *def,
                     virDomainDef *persistentDef, virTypedParameterPtr params,
                     int nparams)
{
    unsigned int weight;
    unsigned int cap;
    unsigned int pweight = 0;
    unsigned int pcap = 0;
    virTypedParameterPtr eventParams = NULL;
    int eventNparams = 0;
    int eventMaxparams = 0;
    size_t i;

    /* Every side is checked before any changes. */
    if (def) {
        vxlSchedParams sp = { 0 };

        if (vxlDomainSchedGetLive(driver, vm, &sp) < 0)
            goto error;
        weight = sp.weight;
        cap = sp.cap;
        vxlSchedParamsClear(&sp);
    } else {
        vxlDomainSchedFromDef(persistentDef, &weight, &cap);
    }
    if (persistentDef)
        vxlDomainSchedFromDef(persistentDef, &pweight, &pcap);
    for (i = 0; i < nparams; i++) {
        if (STREQ(params[i].field, VIR_DOMAIN_SCHEDULER_WEIGHT)) {
            weight = pweight = params[i].value.ui;
        } else if (STREQ(params[i].field, VIR_DOMAIN_SCHEDULER_CAP)) {
            cap = pcap = params[i].value.ui;
        }
    }
    if (def && vxlDomainSchedCheck(def, weight, cap) < 0)
        goto error;
    if (persistentDef && vxlDomainSchedCheck(persistentDef, pweight, pcap) < 0)
        goto error;

    if (def) {
        if (vxlDomainSchedSetLive(driver, vm, weight, cap) < 0 ||
            vxlDomainSaveStatus(driver, vm) < 0)
            goto error;
    }
    if (persistentDef) {
        g_autoptr(virDomainDef) copy = virDomainDefCopy(persistentDef,
                                                         driver->xmlopt, NULL,
                                                         false);

        if (!copy)
            goto error;
        vxlDomainSchedToDef(copy, pweight, pcap);
        if (vxlDomainConfigSave(driver, copy) < 0)
            goto error;
        vxlDomainSchedToDef(persistentDef, pweight, pcap);
    }

    /* What a TUNABLE event names: libvirt's cputune keys. */
    if (virTypedParamsAddULLong(&eventParams, &eventNparams, &eventMaxparams,
                                VIR_DOMAIN_TUNABLE_CPU_CPU_SHARES,
                                def ? weight : pweight) < 0 ||
        virTypedParamsAddULLong(&eventParams, &eventNparams, &eventMaxparams,
                                VIR_DOMAIN_TUNABLE_CPU_GLOBAL_PERIOD,
                                (def ? cap : pcap) ? 100000 : 0) < 0 ||
        virTypedParamsAddLLong(&eventParams, &eventNparams, &eventMaxparams,
                               VIR_DOMAIN_TUNABLE_CPU_GLOBAL_QUOTA,
                               (long long)(def ? cap : pcap) * 1000) < 0)
        goto error;
    virObjectEventStateQueue(driver->domainEventState,
                             virDomainEventTunableNewFromObj(vm, &eventParams,
                                                             eventNparams));
    return 0;

 error:
    virTypedParamsFree(eventParams, eventNparams);
    return -1;
}
