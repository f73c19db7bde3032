/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_agent.c: talking to the qemu guest agent in a Xen guest.
 *
 * The agent listens on a Xen channel: <channel type='unix'><target
 * type='xen' name='org.qemu.guest_agent.0'/> becomes a libxl channel
 * whose dom0 end is the unix socket the XML names (the device model
 * serves it), the guest end a PV console (/dev/hvcN) where
 * qemu-guest-agent reads. The driver speaks qemu-ga's protocol there:
 * one JSON command per line, one JSON answer per line, and before each
 * command a guest-sync-delimited whose answer follows a 0xFF byte, so
 * that whatever an earlier, abandoned command left in the pipe is
 * skipped. Each command opens its own connection: an agent the guest
 * restarted, or a socket the device model recreated, is found anew.
 *
 * Commands run with the domain unlocked (its job held), since a guest
 * takes as long as it likes; how long the driver waits is the domain's
 * agent timeout (virsh guest-agent-timeout).
 */
#include "vxl_internal.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "domain.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_agent");

#define VXL_AGENT_CHANNEL "org.qemu.guest_agent.0"
/* libvirt's default wait, and the wait for the sync handshake. */
#define VXL_AGENT_DEFAULT_TIMEOUT_S 5

const char *
vxlDomainAgentPath(const virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->nchannels; i++) {
        const virDomainChrDef *ch = def->channels[i];

        if (ch->targetType == VIR_DOMAIN_CHR_CHANNEL_TARGET_TYPE_XEN &&
            ch->source->type == VIR_DOMAIN_CHR_TYPE_UNIX &&
            STREQ_NULLABLE(ch->target.name, VXL_AGENT_CHANNEL))
            return ch->source->data.nix.path;
    }
    return NULL;
}

/* Wait up to @timeoutMs (-1: for ever) for @fd to be readable. */
static int
vxlAgentWait(int fd, int timeoutMs)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    gint64 end = timeoutMs < 0 ? 0 : g_get_monotonic_time() + timeoutMs * 1000LL;

    for (;;) {
        int left = timeoutMs < 0 ? -1 :
                   (int)MAX(0, (end - g_get_monotonic_time()) / 1000);
        int rc = poll(&pfd, 1, left);

        if (rc > 0)
            return 0;
        if (rc == 0)
            return 1;
        if (errno != EINTR)
            return -1;
    }
}

/* Read one line (up to '\n') from @fd into @line, skipping everything
 * up to a 0xFF first when @delimited. 0, 1 on timeout, -1 on error. */
static int
vxlAgentReadLine(int fd, bool delimited, int timeoutMs, GString *line)
{
    bool synced = !delimited;
    char c;

    for (;;) {
        ssize_t got;
        int rc;

        if ((rc = vxlAgentWait(fd, timeoutMs)) != 0)
            return rc;
        if ((got = read(fd, &c, 1)) <= 0) {
            if (got < 0 && errno == EINTR)
                continue;
            errno = got == 0 ? ECONNRESET : errno;
            return -1;
        }
        if (!synced) {
            synced = c == '\xff';
            continue;
        }
        if (c == '\n')
            return 0;
        g_string_append_c(line, c);
    }
}

static int
vxlAgentTimeoutMs(int timeout)
{
    if (timeout == VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK)
        return -1;
    if (timeout == VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_DEFAULT)
        return VXL_AGENT_DEFAULT_TIMEOUT_S * 1000;
    return timeout * 1000;
}

/* One exchange on connected @fd: write @text, read the answer. */
static int
vxlAgentExchange(int fd, const char *name, const char *dom, const char *text,
                 bool delimited, int timeoutMs, virJSONValue **reply)
{
    g_autoptr(GString) line = g_string_new(NULL);
    g_autofree char *msg = g_strdup_printf("%s%s\n", delimited ? "\xff" : "", text);
    int rc;

    if (safewrite(fd, msg, strlen(msg)) < 0) {
        virReportError(VIR_ERR_AGENT_UNRESPONSIVE,
                       _("cannot send command '%s' to the guest agent of domain '%s': %s"),
                       name, dom, g_strerror(errno));
        return -1;
    }
    if (!reply)
        return 0;
    rc = vxlAgentReadLine(fd, delimited, timeoutMs, line);
    if (rc == 1) {
        virReportError(VIR_ERR_AGENT_UNRESPONSIVE,
                       _("the guest agent of domain '%s' did not answer command '%s' in time"),
                       dom, name);
        return -1;
    }
    if (rc < 0) {
        virReportError(VIR_ERR_AGENT_UNRESPONSIVE,
                       _("the guest agent of domain '%s' went away during command '%s': %s"),
                       dom, name, g_strerror(errno));
        return -1;
    }
    if (!(*reply = virJSONValueFromString(line->str))) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the guest agent of domain '%s' answered command '%s' with something that is not JSON"),
                       dom, name);
        return -1;
    }
    return 0;
}

static int
vxlAgentConnect(const char *path, const char *dom)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (virStrcpyStatic(addr.sun_path, path) < 0 ||
        (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        virReportError(VIR_ERR_AGENT_UNRESPONSIVE,
                       _("cannot reach the guest agent of domain '%s' at '%s'"),
                       dom, path);
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        virReportError(VIR_ERR_AGENT_UNRESPONSIVE,
                       _("the guest agent of domain '%s' is not connected: %s"),
                       dom, g_strerror(errno));
        VIR_FORCE_CLOSE(fd);
        return -1;
    }
    return fd;
}

int
vxlDomainAgentCommand(virDomainObj *vm, const char *name, virJSONValue *argsIn,
                      bool wantReply, virJSONValue **ret)
{
    g_autoptr(virJSONValue) args = argsIn;
    vxlDomainPriv *priv = vxlDomainPrivGet(vm);
    g_autofree char *path = NULL;
    g_autofree char *dom = g_strdup(vm->def->name);
    g_autoptr(virJSONValue) cmd = virJSONValueNewObject();
    g_autoptr(virJSONValue) sync = virJSONValueNewObject();
    g_autoptr(virJSONValue) syncArgs = virJSONValueNewObject();
    g_autoptr(virJSONValue) syncReply = NULL;
    g_autoptr(virJSONValue) reply = NULL;
    g_autofree char *cmdText = NULL;
    g_autofree char *syncText = NULL;
    long long id = g_get_real_time();
    long long echoed = 0;
    int timeoutMs = vxlAgentTimeoutMs(priv->agentTimeout);
    int fd = -1;
    int rc = -1;
    virJSONValue *err;

    /* Domain-0 is the host: no channel can be added to it, and its own
     * agent (if any) is no guest agent of Xen's. */
    if (vxlDomainIsDom0(vm)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED, "%s",
                       _("Domain-0 is the host's control domain: it has no guest agent channel, run the command on the host itself"));
        return -1;
    }
    if (!vxlDomainAgentPath(vm->def)) {
        virReportError(VIR_ERR_ARGUMENT_UNSUPPORTED,
                       _("domain '%s' has no guest agent channel: add <channel type='unix'><target type='xen' name='%s'/></channel>"),
                       dom, VXL_AGENT_CHANNEL);
        return -1;
    }
    if (virDomainObjGetState(vm, NULL) != VIR_DOMAIN_RUNNING) {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("the guest agent of domain '%s' cannot answer: the domain is not running"),
                       dom);
        return -1;
    }
    path = g_strdup(vxlDomainAgentPath(vm->def));

    virJSONValueObjectAppendString(cmd, "execute", name);
    if (args)
        virJSONValueObjectAppend(cmd, "arguments", &args);
    virJSONValueObjectAppendString(sync, "execute", "guest-sync-delimited");
    virJSONValueObjectAppendNumberLong(syncArgs, "id", id);
    virJSONValueObjectAppend(sync, "arguments", &syncArgs);
    cmdText = virJSONValueToString(cmd, false);
    syncText = virJSONValueToString(sync, false);

    vxlDomainBackendEnter(vm);
    if ((fd = vxlAgentConnect(path, dom)) < 0)
        goto unlock;
    /* The handshake never waits for ever: an agent that does not sync
     * is not there. */
    if (vxlAgentExchange(fd, "guest-sync-delimited", dom, syncText, true,
                         timeoutMs < 0 ? VXL_AGENT_DEFAULT_TIMEOUT_S * 1000 :
                         MIN(timeoutMs, VXL_AGENT_DEFAULT_TIMEOUT_S * 1000),
                         &syncReply) < 0)
        goto unlock;
    if (virJSONValueObjectGetNumberLong(syncReply, "return", &echoed) < 0 ||
        echoed != id) {
        virReportError(VIR_ERR_AGENT_UNSYNCED,
                       _("the guest agent of domain '%s' answered the sync with another id"),
                       dom);
        goto unlock;
    }
    if (vxlAgentExchange(fd, name, dom, cmdText, false, timeoutMs,
                         wantReply ? &reply : NULL) < 0)
        goto unlock;
    rc = 0;

 unlock:
    VIR_FORCE_CLOSE(fd);
    vxlDomainBackendExit(vm);
    if (rc < 0 || !wantReply)
        return rc;

    /* libvirt's own code for the guest's refusals. */
    if ((err = virJSONValueObjectGetObject(reply, "error"))) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("the guest agent of domain '%s' could not run command '%s': %s"),
                       dom, name, NULLSTR(virJSONValueObjectGetString(err, "desc")));
        return -1;
    }
    if (ret) {
        g_autoptr(virJSONValue) value = NULL;

        if (virJSONValueObjectRemoveKey(reply, "return", &value) <= 0) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("the guest agent of domain '%s' answered command '%s' without a result"),
                           dom, name);
            return -1;
        }
        *ret = g_steal_pointer(&value);
    }
    return 0;
}
