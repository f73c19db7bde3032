/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_agent_cmds.c: what each guest-agent entry point asks qemu-ga
 * and how its answer becomes libvirt's (domtime, domfsfreeze/thaw,
 * set-user-password, domhostname, guestinfo, domifaddr --source agent,
 * shutdown and reboot --mode agent). How the agent is reached is
 * domain_agent.c's business.
 */
#include "vxl_internal.h"

#include "domain.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_agent_cmds");

int
vxlDomainAgentGetTime(virDomainObj *vm, long long *seconds,
                      unsigned int *nseconds)
{
    g_autoptr(virJSONValue) ret = NULL;
    long long ns;

    if (vxlDomainAgentCommand(vm, "guest-get-time", NULL, true, &ret) < 0)
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
vxlDomainAgentSetTime(virDomainObj *vm, bool sync, long long seconds,
                      unsigned int nseconds)
{
    g_autoptr(virJSONValue) args = NULL;

    /* Without a time, the guest takes its clock from the hardware's. */
    if (!sync) {
        args = virJSONValueNewObject();
        virJSONValueObjectAppendNumberLong(args, "time",
                                           seconds * 1000000000LL + nseconds);
    }
    return vxlDomainAgentCommand(vm, "guest-set-time", g_steal_pointer(&args),
                                 true, NULL);
}

int
vxlDomainAgentFreeze(virDomainObj *vm, const char **mountpoints,
                     unsigned int nmountpoints, bool freeze)
{
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
    if (vxlDomainAgentCommand(vm, cmd, g_steal_pointer(&args), true, &ret) < 0)
        return -1;
    if (virJSONValueGetNumberInt(ret, &n) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the guest agent's answer to '%s' is not a number"), cmd);
        return -1;
    }
    return n;
}

int
vxlDomainAgentSetUserPassword(virDomainObj *vm, const char *user,
                              const char *password, bool crypted)
{
    g_autoptr(virJSONValue) args = virJSONValueNewObject();
    g_autofree char *b64 = NULL;

    b64 = g_base64_encode((const guchar *)password, strlen(password));
    virJSONValueObjectAppendString(args, "username", user);
    virJSONValueObjectAppendString(args, "password", b64);
    virJSONValueObjectAppendBoolean(args, "crypted", crypted);
    return vxlDomainAgentCommand(vm, "guest-set-user-password",
                                 g_steal_pointer(&args), true, NULL);
}

char *
vxlDomainAgentGetHostname(virDomainObj *vm)
{
    g_autoptr(virJSONValue) ret = NULL;
    const char *s;

    if (vxlDomainAgentCommand(vm, "guest-get-host-name", NULL, true, &ret) < 0)
        return NULL;
    if (!(s = virJSONValueObjectGetString(ret, "host-name"))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("the guest agent gave no host name"));
        return NULL;
    }
    return g_strdup(s);
}

/* The parts of virDomainGetGuestInfo the agent answers. */
static int
vxlAgentGuestInfoAdd(virDomainObj *vm, unsigned int types,
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
vxlDomainAgentGuestInfo(virDomainObj *vm, unsigned int types,
                        virTypedParameterPtr *params, int *nparams)
{
    int maxparams = 0;

    *params = NULL;
    *nparams = 0;
    if (vxlAgentGuestInfoAdd(vm, types, params, nparams, &maxparams) < 0) {
        virTypedParamsFree(*params, *nparams);
        *params = NULL;
        *nparams = 0;
        return -1;
    }
    return 0;
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
