/*
 * domain_private.h: what the driver keeps per domain beyond its def.
 *
 * Every field is guarded by the virDomainObj's lock. Fields marked
 * "status" are saved in the status file (<domstatus>) so that a daemon
 * restart knows them again.
 */
#pragma once

#include "vxl_internal.h"
#include "domain_conf.h"
#include "virchrdev.h"
#include "virtxl/backend.h"

typedef struct _vxlDomainPriv vxlDomainPriv;
struct _vxlDomainPriv {
    /* Simulated guest behaviour, parsed from <metadata> at start. */
    vxlGuestScript script;

    /* A shutdown/reboot the driver asked for is under way, so the next
     * guest shutdown is "shutdown" rather than a guest-initiated one;
     * status. */
    bool shutdownRequested;
    bool rebootRequested;

    /* Reboot-loop guard: when a guest keeps crashing right after start
     * under on_crash=restart, stop restarting. Times in ms since epoch;
     * status. */
    unsigned long long startedAt;
    unsigned int quickRestarts;

    /* True while a worker thread handles a backend event for the domain,
     * so a second event for the same domid is not handled twice. */
    bool handlingEvent;

    /* Who holds each console's stream (virsh console): one at a time,
     * unless forced. */
    virChrdevs *devs;

    /* How long guest agent commands wait for an answer, in seconds, or
     * one of VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_* (virsh
     * guest-agent-timeout); the vm lock guards it. */
    int agentTimeout;
};

extern virDomainXMLPrivateDataCallbacks vxlDomainPrivateDataCallbacks;

static inline vxlDomainPriv *
vxlDomainPrivGet(virDomainObj *vm)
{
    return vm->privateData;
}
