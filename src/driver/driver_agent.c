/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_agent.c: what the guest agent does for libvirt's users (virsh
 * domtime, domfsfreeze, domfsthaw, set-user-password, domhostname,
 * guestinfo, guest-agent-timeout). Each entry point checks its
 * arguments and runs one command through domain_agent_cmds.c, which
 * says what qemu-ga is asked and how its answer reads.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "driver_skeleton.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_agent");

/* The entry skeleton's begin, for a running domain: the agent lives in
 * the guest. */
static virDomainObj *
vxlAgentBegin(virDomainPtr dom, vxlEntryACL acl, virDomainJob job)
{
    virDomainObj *vm;

    if (!(vm = vxlEntryBegin(dom, acl, job)))
        return NULL;
    if (virDomainObjCheckActive(vm) < 0)
        vxlEntryEnd(&vm, job);
    return vm;
}

int
vxlDomainGetTime(virDomainPtr dom, long long *seconds, unsigned int *nseconds,
                 unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(0, -1);
    if (!(vm = vxlAgentBegin(dom, virDomainGetTimeEnsureACL, VIR_JOB_QUERY)))
        return -1;
    ret = vxlDomainAgentGetTime(vm, seconds, nseconds);
    vxlEntryEnd(&vm, VIR_JOB_QUERY);
    return ret;
}

int
vxlDomainSetTime(virDomainPtr dom, long long seconds, unsigned int nseconds,
                 unsigned int flags)
{
    virDomainObj *vm;
    bool sync = !!(flags & VIR_DOMAIN_TIME_SYNC);
    int ret;

    virCheckFlags(VIR_DOMAIN_TIME_SYNC, -1);
    if (!(vm = vxlAgentBegin(dom, virDomainSetTimeEnsureACL, VIR_JOB_MODIFY)))
        return -1;
    if (!sync && nseconds > 999999999) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("%u nanoseconds is more than a second"), nseconds);
        ret = -1;
    } else if (!sync && (seconds < 0 || seconds > LLONG_MAX / 1000000000LL - 1)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("cannot set the guest's clock to %lld seconds"), seconds);
        ret = -1;
    } else {
        ret = vxlDomainAgentSetTime(vm, sync, seconds, nseconds);
    }
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

static int
vxlAgentFreeze(virDomainPtr dom, const char **mountpoints,
               unsigned int nmountpoints, bool freeze)
{
    virDomainObj *vm;
    int ret;

    if (!(vm = vxlAgentBegin(dom, freeze ? virDomainFSFreezeEnsureACL :
                                           virDomainFSThawEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    /* qemu-ga thaws everything it froze; it has no per-mount thaw. */
    if (!freeze && nmountpoints > 0) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("the guest agent thaws every frozen filesystem at once; give no mount points"));
        ret = -1;
    } else {
        ret = vxlDomainAgentFreeze(vm, mountpoints, nmountpoints, freeze);
    }
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

int
vxlDomainFSFreeze(virDomainPtr dom, const char **mountpoints,
                  unsigned int nmountpoints, unsigned int flags)
{
    virCheckFlags(0, -1);
    return vxlAgentFreeze(dom, mountpoints, nmountpoints, true);
}

int
vxlDomainFSThaw(virDomainPtr dom, const char **mountpoints,
                unsigned int nmountpoints, unsigned int flags)
{
    virCheckFlags(0, -1);
    return vxlAgentFreeze(dom, mountpoints, nmountpoints, false);
}

int
vxlDomainSetUserPassword(virDomainPtr dom, const char *user,
                         const char *password, unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    virCheckFlags(VIR_DOMAIN_PASSWORD_ENCRYPTED, -1);
    if (!(vm = vxlAgentBegin(dom, virDomainSetUserPasswordEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    ret = vxlDomainAgentSetUserPassword(vm, user, password,
                                        !!(flags & VIR_DOMAIN_PASSWORD_ENCRYPTED));
    vxlEntryEnd(&vm, VIR_JOB_MODIFY);
    return ret;
}

char *
vxlDomainGetHostname(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    char *name;

    /* The agent is where a Xen guest's host name can be had. */
    virCheckFlags(VIR_DOMAIN_GET_HOSTNAME_AGENT, NULL);
    if (!(vm = vxlAgentBegin(dom, virDomainGetHostnameEnsureACL,
                             VIR_JOB_QUERY)))
        return NULL;
    name = vxlDomainAgentGetHostname(vm);
    vxlEntryEnd(&vm, VIR_JOB_QUERY);
    return name;
}

int
vxlDomainAgentSetResponseTimeout(virDomainPtr dom, int timeout,
                                 unsigned int flags)
{
    virDomainObj *vm;

    virCheckFlags(0, -1);
    if (!(vm = vxlEntryBegin(dom, virDomainAgentSetResponseTimeoutEnsureACL,
                             VIR_JOB_NONE)))
        return -1;
    if (timeout < VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("guest agent timeout %d is less than the minimum %d"),
                       timeout, VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK);
        vxlEntryEnd(&vm, VIR_JOB_NONE);
        return -1;
    }
    vxlDomainPrivGet(vm)->agentTimeout = timeout;
    vxlEntryEnd(&vm, VIR_JOB_NONE);
    return 0;
}

int
vxlDomainGetGuestInfo(virDomainPtr dom, unsigned int types,
                      virTypedParameterPtr *params, int *nparams,
                      unsigned int flags)
{
    virDomainObj *vm;
    unsigned int supported = VIR_DOMAIN_GUEST_INFO_USERS |
                             VIR_DOMAIN_GUEST_INFO_OS |
                             VIR_DOMAIN_GUEST_INFO_TIMEZONE |
                             VIR_DOMAIN_GUEST_INFO_HOSTNAME;
    int ret;

    virCheckFlags(0, -1);
    if (!(vm = vxlAgentBegin(dom, virDomainGetGuestInfoEnsureACL,
                             VIR_JOB_QUERY)))
        return -1;
    /* Of what the agent can tell, this driver asks for these; no type
     * means all of them. */
    if (types == 0)
        types = supported;
    if (types & ~(supported | VIR_DOMAIN_GUEST_INFO_FILESYSTEM |
                  VIR_DOMAIN_GUEST_INFO_DISKS | VIR_DOMAIN_GUEST_INFO_INTERFACES)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unknown guest information types 0x%x"), types);
        ret = -1;
    } else if (types & ~supported) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("the Xen driver asks the guest agent for users, os, timezone and hostname information only"));
        ret = -1;
    } else {
        ret = vxlDomainAgentGuestInfo(vm, types, params, nparams);
    }
    vxlEntryEnd(&vm, VIR_JOB_QUERY);
    return ret;
}
