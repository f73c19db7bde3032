/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * driver_agent.c: what the guest agent does for libvirt's users (virsh
 * domtime, domfsfreeze, domfsthaw, set-user-password, domhostname,
 * guestinfo, domifaddr --source agent, guest-agent-timeout, shutdown and
 * reboot --mode agent). Each entry point runs qemu-ga commands through
 * domain_agent.c, which says how the agent is reached over Xen.
 */
#include "vxl_internal.h"

#include "driver_entry.h"
#include "domain.h"
#include "viraccessapicheck.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.driver_agent");

typedef int (*vxlAgentACL)(virConnectPtr conn, virDomainDef *def);

/* Find @dom, check @acl, take a job of @job kind, check it is active:
 * the common start. */
static virDomainObj *
vxlAgentBegin(virDomainPtr dom, vxlAgentACL acl, virDomainJob job)
{
    virDomainObj *vm;

    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return NULL;
    if (acl(dom->conn, vm->def) < 0 ||
        vxlDomainJobBegin(vxl_driver, vm, job) < 0) {
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    if (virDomainObjCheckActive(vm) < 0) {
        vxlDomainJobEnd(vm);
        virDomainObjEndAPI(&vm);
        return NULL;
    }
    return vm;
}

static void
vxlAgentEnd(virDomainObj **vm)
{
    vxlDomainJobEnd(*vm);
    virDomainObjEndAPI(vm);
}

int
vxlDomainGetTime(virDomainPtr dom, long long *seconds, unsigned int *nseconds,
                 unsigned int flags)
{
    virDomainObj *vm;
    g_autoptr(virJSONValue) ret = NULL;
    long long ns;
    int rc;

    virCheckFlags(0, -1);
    if (!(vm = vxlAgentBegin(dom, virDomainGetTimeEnsureACL,
                             VIR_JOB_QUERY)))
        return -1;
    rc = vxlDomainAgentCommand(vm, "guest-get-time", NULL, true, &ret);
    vxlAgentEnd(&vm);
    if (rc < 0)
        return -1;
    if (virJSONValueGetNumberLong(ret, &ns) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the guest agent's time is not a number"));
        return -1;
    }
    *seconds = ns / 1000000000LL;
    *nseconds = ns % 1000000000LL;
    return 0;
}

int
vxlDomainSetTime(virDomainPtr dom, long long seconds, unsigned int nseconds,
                 unsigned int flags)
{
    virDomainObj *vm;
    g_autoptr(virJSONValue) args = NULL;
    int rc;

    virCheckFlags(VIR_DOMAIN_TIME_SYNC, -1);
    if (!(flags & VIR_DOMAIN_TIME_SYNC)) {
        if (nseconds > 999999999) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("%u nanoseconds is more than a second"), nseconds);
            return -1;
        }
        if (seconds < 0 || seconds > LLONG_MAX / 1000000000LL - 1) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("cannot set the guest's clock to %lld seconds"), seconds);
            return -1;
        }
        args = virJSONValueNewObject();
        virJSONValueObjectAppendNumberLong(args, "time",
                                           seconds * 1000000000LL + nseconds);
    }
    if (!(vm = vxlAgentBegin(dom, virDomainSetTimeEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    /* Without a time, the guest takes its clock from the hardware's. */
    rc = vxlDomainAgentCommand(vm, "guest-set-time", g_steal_pointer(&args),
                               true, NULL);
    vxlAgentEnd(&vm);
    return rc;
}

static int
vxlAgentFreeze(virDomainPtr dom, const char **mountpoints,
               unsigned int nmountpoints, bool freeze)
{
    virDomainObj *vm;
    g_autoptr(virJSONValue) args = NULL;
    g_autoptr(virJSONValue) ret = NULL;
    const char *cmd = "guest-fsfreeze-thaw";
    int n = -1;
    size_t i;

    if (freeze && nmountpoints > 0) {
        g_autoptr(virJSONValue) list = virJSONValueNewArray();

        for (i = 0; i < nmountpoints; i++) {
            if (virJSONValueArrayAppendString(list, mountpoints[i]) < 0)
                return -1;
        }
        args = virJSONValueNewObject();
        virJSONValueObjectAppend(args, "mountpoints", &list);
        cmd = "guest-fsfreeze-freeze-list";
    } else if (freeze) {
        cmd = "guest-fsfreeze-freeze";
    }
    if (!(vm = vxlAgentBegin(dom, freeze ?
                             virDomainFSFreezeEnsureACL :
                             virDomainFSThawEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    if (vxlDomainAgentCommand(vm, cmd, g_steal_pointer(&args), true, &ret) == 0 &&
        virJSONValueGetNumberInt(ret, &n) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the guest agent's answer to '%s' is not a number"), cmd);
        n = -1;
    }
    vxlAgentEnd(&vm);
    return n;
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
    /* qemu-ga thaws everything it froze; it has no per-mount thaw. */
    if (nmountpoints > 0) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("the guest agent thaws every frozen filesystem at once; give no mount points"));
        return -1;
    }
    return vxlAgentFreeze(dom, NULL, 0, false);
}

int
vxlDomainSetUserPassword(virDomainPtr dom, const char *user,
                         const char *password, unsigned int flags)
{
    virDomainObj *vm;
    g_autoptr(virJSONValue) args = virJSONValueNewObject();
    g_autofree char *b64 = NULL;
    int rc;

    virCheckFlags(VIR_DOMAIN_PASSWORD_ENCRYPTED, -1);
    b64 = g_base64_encode((const guchar *)password, strlen(password));
    virJSONValueObjectAppendString(args, "username", user);
    virJSONValueObjectAppendString(args, "password", b64);
    virJSONValueObjectAppendBoolean(args, "crypted",
                                    !!(flags & VIR_DOMAIN_PASSWORD_ENCRYPTED));
    if (!(vm = vxlAgentBegin(dom, virDomainSetUserPasswordEnsureACL,
                             VIR_JOB_MODIFY)))
        return -1;
    rc = vxlDomainAgentCommand(vm, "guest-set-user-password",
                               g_steal_pointer(&args), true, NULL);
    vxlAgentEnd(&vm);
    return rc;
}

char *
vxlDomainGetHostname(virDomainPtr dom, unsigned int flags)
{
    virDomainObj *vm;
    g_autoptr(virJSONValue) ret = NULL;
    char *name = NULL;

    /* The agent is where a Xen guest's host name can be had. */
    virCheckFlags(VIR_DOMAIN_GET_HOSTNAME_AGENT, NULL);
    if (!(vm = vxlAgentBegin(dom, virDomainGetHostnameEnsureACL,
                             VIR_JOB_QUERY)))
        return NULL;
    if (vxlDomainAgentCommand(vm, "guest-get-host-name", NULL, true, &ret) == 0) {
        const char *s = virJSONValueObjectGetString(ret, "host-name");

        if (!s)
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("the guest agent gave no host name"));
        name = g_strdup(s);
    }
    vxlAgentEnd(&vm);
    return name;
}

int
vxlDomainAgentSetResponseTimeout(virDomainPtr dom, int timeout,
                                 unsigned int flags)
{
    virDomainObj *vm;

    virCheckFlags(0, -1);
    if (timeout < VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("guest agent timeout %d is less than the minimum %d"),
                       timeout, VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK);
        return -1;
    }
    if (!(vm = vxlDomainObjFromDomain(vxl_driver, dom)))
        return -1;
    if (virDomainAgentSetResponseTimeoutEnsureACL(dom->conn, vm->def) < 0) {
        virDomainObjEndAPI(&vm);
        return -1;
    }
    vxlDomainPrivGet(vm)->agentTimeout = timeout;
    virDomainObjEndAPI(&vm);
    return 0;
}

/* The parts of virDomainGetGuestInfo the agent answers. */
static int
vxlAgentGuestInfo(virDomainObj *vm, unsigned int types,
                  virTypedParameterPtr *params, int *nparams, int *maxparams)
{
    g_autoptr(virJSONValue) users = NULL;
    g_autoptr(virJSONValue) os = NULL;
    g_autoptr(virJSONValue) tz = NULL;
    g_autoptr(virJSONValue) host = NULL;
    size_t i;

    if ((types & VIR_DOMAIN_GUEST_INFO_USERS) &&
        vxlDomainAgentCommand(vm, "guest-get-users", NULL, true, &users) < 0)
        return -1;
    if ((types & VIR_DOMAIN_GUEST_INFO_OS) &&
        vxlDomainAgentCommand(vm, "guest-get-osinfo", NULL, true, &os) < 0)
        return -1;
    if ((types & VIR_DOMAIN_GUEST_INFO_TIMEZONE) &&
        vxlDomainAgentCommand(vm, "guest-get-timezone", NULL, true, &tz) < 0)
        return -1;
    if ((types & VIR_DOMAIN_GUEST_INFO_HOSTNAME) &&
        vxlDomainAgentCommand(vm, "guest-get-host-name", NULL, true, &host) < 0)
        return -1;

    if (users && virJSONValueIsArray(users)) {
        size_t n = virJSONValueArraySize(users);

        if (virTypedParamsAddUInt(params, nparams, maxparams, "user.count", n) < 0)
            return -1;
        for (i = 0; i < n; i++) {
            virJSONValue *u = virJSONValueArrayGet(users, i);
            g_autofree char *k = g_strdup_printf("user.%zu.name", i);
            g_autofree char *t = g_strdup_printf("user.%zu.login-time", i);
            double when = 0;

            if (virTypedParamsAddString(params, nparams, maxparams, k,
                                        NULLSTR_EMPTY(virJSONValueObjectGetString(u, "user"))) < 0)
                return -1;
            if (virJSONValueObjectGetNumberDouble(u, "login-time", &when) == 0 &&
                virTypedParamsAddULLong(params, nparams, maxparams, t,
                                        (unsigned long long)(when * 1000)) < 0)
                return -1;
        }
    }
    if (os) {
        static const char *const keys[] = {
            "id", "name", "pretty-name", "version", "version-id",
            "kernel-release", "kernel-version", "machine", "variant",
            "variant-id",
        };

        for (i = 0; i < G_N_ELEMENTS(keys); i++) {
            const char *v = virJSONValueObjectGetString(os, keys[i]);
            g_autofree char *k = g_strdup_printf("os.%s", keys[i]);

            if (v && virTypedParamsAddString(params, nparams, maxparams, k, v) < 0)
                return -1;
        }
    }
    if (tz) {
        const char *zone = virJSONValueObjectGetString(tz, "zone");
        int offset = 0;

        if (zone && virTypedParamsAddString(params, nparams, maxparams,
                                            "timezone.name", zone) < 0)
            return -1;
        if (virJSONValueObjectGetNumberInt(tz, "offset", &offset) == 0 &&
            virTypedParamsAddInt(params, nparams, maxparams, "timezone.offset",
                                 offset) < 0)
            return -1;
    }
    if (host) {
        const char *h = virJSONValueObjectGetString(host, "host-name");

        if (h && virTypedParamsAddString(params, nparams, maxparams,
                                         "hostname", h) < 0)
            return -1;
    }
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
    int maxparams = 0;
    int rc;

    virCheckFlags(0, -1);
    if (types & ~(supported | VIR_DOMAIN_GUEST_INFO_FILESYSTEM |
                  VIR_DOMAIN_GUEST_INFO_DISKS | VIR_DOMAIN_GUEST_INFO_INTERFACES)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("unknown guest information types 0x%x"), types);
        return -1;
    }
    /* Of what the agent can tell, this driver asks for these; no type
     * means all of them. */
    if (types == 0)
        types = supported;
    if (types & ~supported) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("the Xen driver asks the guest agent for users, os, timezone and hostname information only"));
        return -1;
    }
    if (!(vm = vxlAgentBegin(dom, virDomainGetGuestInfoEnsureACL,
                             VIR_JOB_QUERY)))
        return -1;
    *params = NULL;
    *nparams = 0;
    rc = vxlAgentGuestInfo(vm, types, params, nparams, &maxparams);
    vxlAgentEnd(&vm);
    if (rc < 0) {
        virTypedParamsFree(*params, *nparams);
        *params = NULL;
        *nparams = 0;
    }
    return rc;
}

/* domifaddr --source agent: guest-network-get-interfaces. */
int
vxlDomainAgentInterfaces(virDomainObj *vm, virDomainInterfacePtr **ifaces)
{
    g_autoptr(virJSONValue) ret = NULL;
    virDomainInterfacePtr *out = NULL;
    size_t n = 0;
    size_t i;
    size_t j;

    if (vxlDomainAgentCommand(vm, "guest-network-get-interfaces", NULL, true,
                              &ret) < 0)
        return -1;
    if (!virJSONValueIsArray(ret)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the guest agent's interface list is not a list"));
        return -1;
    }
    out = g_new0(virDomainInterfacePtr, virJSONValueArraySize(ret) + 1);
    for (i = 0; i < virJSONValueArraySize(ret); i++) {
        virJSONValue *o = virJSONValueArrayGet(ret, i);
        virJSONValue *ips = virJSONValueObjectGetArray(o, "ip-addresses");
        virDomainInterfacePtr iface = g_new0(virDomainInterface, 1);

        iface->name = g_strdup(NULLSTR_EMPTY(virJSONValueObjectGetString(o, "name")));
        iface->hwaddr = g_strdup(virJSONValueObjectGetString(o, "hardware-address"));
        for (j = 0; ips && j < virJSONValueArraySize(ips); j++) {
            virJSONValue *ip = virJSONValueArrayGet(ips, j);
            const char *type = virJSONValueObjectGetString(ip, "ip-address-type");
            virDomainIPAddressPtr a;
            unsigned int prefix = 0;

            iface->addrs = g_renew(virDomainIPAddress, iface->addrs, iface->naddrs + 1);
            a = &iface->addrs[iface->naddrs++];
            memset(a, 0, sizeof(*a));
            a->addr = g_strdup(virJSONValueObjectGetString(ip, "ip-address"));
            a->type = STREQ_NULLABLE(type, "ipv6") ? VIR_IP_ADDR_TYPE_IPV6 :
                                                     VIR_IP_ADDR_TYPE_IPV4;
            ignore_value(virJSONValueObjectGetNumberUint(ip, "prefix", &prefix));
            a->prefix = prefix;
        }
        out[n++] = iface;
    }
    *ifaces = out;
    return n;
}

/* shutdown/reboot --mode agent: the guest goes down by itself. */
int
vxlDomainAgentShutdown(virDomainObj *vm, bool reboot)
{
    g_autoptr(virJSONValue) args = virJSONValueNewObject();

    virJSONValueObjectAppendString(args, "mode", reboot ? "reboot" : "powerdown");
    return vxlDomainAgentCommand(vm, "guest-shutdown", g_steal_pointer(&args),
                                 false, NULL);
}
