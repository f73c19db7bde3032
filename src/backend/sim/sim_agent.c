/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_agent.c: the qemu guest agent of a simulated guest, answering on
 * its Xen channel's socket.
 *
 * On real Xen, a guest's <channel type='unix'><target type='xen'
 * name='org.qemu.guest_agent.0'/> is a libxl channel: the device model
 * in dom0 listens on the socket and relays to /dev/hvcN in the guest,
 * where qemu-guest-agent reads. A simulated guest whose script says
 * agent='yes' gets that whole path as one thread listening on the
 * socket and answering qemu-ga's JSON protocol (one command per line,
 * guest-sync-delimited answered after a 0xFF byte) from what the model
 * knows of the guest; agent='hung' accepts connections and never
 * answers, as an agent stuck in the guest does. The agent's own state
 * (frozen filesystems, the clock offset, passwords set) lives as long
 * as the thread, which ends with the domain.
 *
 * The thread holds a reference on the model. It never holds the model
 * lock while it waits; guest-shutdown takes it briefly to make the
 * guest go down, finding its domain by domid and life, so a domain
 * destroyed meanwhile is left alone.
 */
#include "vxl_internal.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "sim_priv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "virthread.h"
#include "virutil.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_agent");

#define VXL_SIM_AGENT_CHANNEL "org.qemu.guest_agent.0"

struct _vxlSimAgent {
    gint refs;                     /* the domain's and the thread's */
    vxlSim *sim;                   /* referenced by the thread */
    uint32_t domid;                /* immutable */
    unsigned long long life;       /* immutable */
    char *path;                    /* immutable: the socket */
    char *hostname;                /* immutable */
    bool hung;                     /* immutable */
    char **macs;                   /* immutable: vif MACs, in order */
    char **addrs;                  /* immutable: their addresses */
    int listenfd;                  /* the thread's */
    dev_t sockDev;                 /* immutable: the socket file's identity, */
    ino_t sockIno;                 /* so only this agent's file is removed */
    int wake[2];                   /* write end: stop the thread */

    /* The guest's state as its agent knows it; only the thread uses it. */
    bool frozen;
    long long clockOffsetNs;

    /* breadth: the guest's first disk (its filesystems live there), and
     * the vCPUs the guest itself took offline (a bit per vCPU). */
    char *rootDisk;                /* immutable; NULL: no disk */
    unsigned long long guestOffline;
};

static void
vxlSimAgentUnref(vxlSimAgent *agent)
{
    if (!agent || !g_atomic_int_dec_and_test(&agent->refs))
        return;
    VIR_FORCE_CLOSE(agent->listenfd);
    VIR_FORCE_CLOSE(agent->wake[0]);
    VIR_FORCE_CLOSE(agent->wake[1]);
    g_free(agent->path);
    g_free(agent->hostname);
    g_strfreev(agent->macs);
    g_strfreev(agent->addrs);
    g_free(agent->rootDisk);
    g_free(agent);
}

/* The socket of @dom's agent channel in its stored config, or NULL.
 * @noFrontend: set when the channel has a devid of 0, which libxl 4.17
 * turns into console 0 and refuses as a primary console with a name
 * (logged, not failed): the device model listens on the socket, but the
 * guest has no /dev/hvcN, so nobody answers. */
static const char *
vxlSimAgentSocket(const vxlSimDomain *dom, bool *noFrontend)
{
    virJSONValue *list;
    size_t i;

    if (!dom->config || !(list = virJSONValueObjectGetArray(dom->config, "channels")))
        return NULL;
    for (i = 0; i < virJSONValueArraySize(list); i++) {
        virJSONValue *ch = virJSONValueArrayGet(list, i);
        virJSONValue *sock = virJSONValueObjectGetObject(ch, "connection.socket");

        long long devid = -1;

        if (STREQ_NULLABLE(virJSONValueObjectGetString(ch, "name"),
                           VXL_SIM_AGENT_CHANNEL) && sock) {
            *noFrontend = virJSONValueObjectGetNumberLong(ch, "devid", &devid) == 0 &&
                          devid == 0;
            return virJSONValueObjectGetString(sock, "path");
        }
    }
    return NULL;
}

static virJSONValue *
vxlSimAgentError(const char *fmt, const char *arg)
{
    g_autoptr(virJSONValue) err = virJSONValueNewObject();
    g_autoptr(virJSONValue) reply = virJSONValueNewObject();
    g_autofree char *desc = g_strdup_printf(fmt, arg);

    virJSONValueObjectAppendString(err, "class", "GenericError");
    virJSONValueObjectAppendString(err, "desc", desc);
    virJSONValueObjectAppend(reply, "error", &err);
    return g_steal_pointer(&reply);
}

static virJSONValue *
vxlSimAgentReturn(virJSONValue **value)
{
    virJSONValue *reply = virJSONValueNewObject();

    if (!*value)
        *value = virJSONValueNewObject();
    virJSONValueObjectAppend(reply, "return", value);
    return reply;
}

static virJSONValue *
vxlSimAgentInterfaces(vxlSimAgent *agent)
{
    virJSONValue *list = virJSONValueNewArray();
    size_t i;

    for (i = 0; agent->macs && agent->macs[i]; i++) {
        g_autoptr(virJSONValue) iface = virJSONValueNewObject();
        g_autoptr(virJSONValue) ips = virJSONValueNewArray();
        g_autofree char *name = g_strdup_printf("eth%zu", i);

        virJSONValueObjectAppendString(iface, "name", name);
        virJSONValueObjectAppendString(iface, "hardware-address", agent->macs[i]);
        if (agent->addrs && i < g_strv_length(agent->addrs)) {
            g_autoptr(virJSONValue) ip = virJSONValueNewObject();
            const char *a = agent->addrs[i];
            bool v6 = strchr(a, ':') != NULL;

            virJSONValueObjectAppendString(ip, "ip-address-type", v6 ? "ipv6" : "ipv4");
            virJSONValueObjectAppendString(ip, "ip-address", a);
            virJSONValueObjectAppendNumberInt(ip, "prefix", v6 ? 64 : 24);
            virJSONValueArrayAppend(ips, &ip);
        }
        virJSONValueObjectAppend(iface, "ip-addresses", &ips);
        virJSONValueArrayAppend(list, &iface);
    }
    return list;
}

/* Make the guest go down by itself (guest-shutdown): a request it acts
 * on after its shutdown delay, as if it came through its PV driver. */
static void
vxlSimAgentShutdown(vxlSimAgent *agent, bool reboot)
{
    vxlSim *sim = agent->sim;
    g_auto(vxlSimSnapshot) snap = { 0 };

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        long long now = g_get_monotonic_time();
        vxlSimDomain *dom = vxlSimFindDomain(sim, agent->domid);

        if (sim->closed || !dom || dom->life != agent->life ||
            dom->state == VXL_DOMSTATE_SHUTDOWN ||
            dom->state == VXL_DOMSTATE_CRASHED)
            return;
        vxlSimCatchUp(sim, now);
        vxlSimAccount(dom, now);
        dom->request = reboot ? VXL_SIM_REQUEST_REBOOT : VXL_SIM_REQUEST_POWEROFF;
        dom->requestActs = true;
        dom->requestReason = reboot ? VXL_SHUTDOWN_REBOOT : VXL_SHUTDOWN_POWEROFF;
        dom->requestAtRunUs = dom->runUs + dom->script.shutdownDelayMs * 1000ULL;
        vxlSimDueUpdate(sim, dom);
        vxlSimSnapshotTake(sim, &snap, dom);
        vxlSimReschedule(sim, now);
    }
    vxlSimSave(agent->sim, &snap);
}

/* The vCPUs Xen gives the guest now (*max slots; *online: bit i set
 * when slot i is available, for the first 64), or false when its
 * domain is gone. */
static bool
vxlSimAgentXenVcpus(vxlSimAgent *agent, unsigned int *max, uint64_t *online)
{
    vxlSim *sim = agent->sim;
    unsigned int i;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimDomain *dom = vxlSimFindDomain(sim, agent->domid);

        if (sim->closed || !dom || dom->life != agent->life)
            return false;
        *max = dom->vcpusMax;
        *online = 0;
        for (i = 0; i < dom->vcpusMax && i < 64; i++) {
            if (vxlSimVcpuIsOnline(dom, i))
                *online |= 1ULL << i;
        }
    }
    return true;
}

/* guest-get-vcpus: every vCPU slot the guest has; one Xen has not made
 * available is offline and stays so, as Linux's Xen CPU hotplug keeps
 * it; the boot CPU cannot go offline. */
static virJSONValue *
vxlSimAgentGetVcpus(vxlSimAgent *agent)
{
    g_autoptr(virJSONValue) list = virJSONValueNewArray();
    unsigned int max = 0;
    uint64_t online = 0;
    unsigned int i;

    if (!vxlSimAgentXenVcpus(agent, &max, &online))
        return NULL;
    for (i = 0; i < max && i < 64; i++) {
        g_autoptr(virJSONValue) cpu = virJSONValueNewObject();
        bool up = (online & (1ULL << i)) && !(agent->guestOffline & (1ULL << i));

        virJSONValueObjectAppendNumberUint(cpu, "logical-id", i);
        virJSONValueObjectAppendBoolean(cpu, "online", up);
        virJSONValueObjectAppendBoolean(cpu, "can-offline", i != 0);
        virJSONValueArrayAppend(list, &cpu);
    }
    return g_steal_pointer(&list);
}

/* guest-set-vcpus: as qemu-ga, stops at the first vCPU it cannot change
 * and answers how many it got through; an error if that is the first. */
static virJSONValue *
vxlSimAgentSetVcpus(vxlSimAgent *agent, virJSONValue *args)
{
    virJSONValue *list = args ? virJSONValueObjectGetArray(args, "vcpus") : NULL;
    unsigned int max = 0;
    uint64_t online = 0;
    size_t i;

    if (!list)
        return vxlSimAgentError("%s", "Parameter 'vcpus' is missing");
    if (!vxlSimAgentXenVcpus(agent, &max, &online))
        return vxlSimAgentError("%s", "the guest is gone");
    for (i = 0; i < virJSONValueArraySize(list); i++) {
        virJSONValue *cpu = virJSONValueArrayGet(list, i);
        unsigned int id;
        bool up;

        if (virJSONValueObjectGetNumberUint(cpu, "logical-id", &id) < 0 ||
            virJSONValueObjectGetBoolean(cpu, "online", &up) < 0 ||
            id >= max || id >= 64 || (id == 0 && !up) ||
            (up && !(online & (1ULL << id))))
            break;
        if (up)
            agent->guestOffline &= ~(1ULL << id);
        else
            agent->guestOffline |= 1ULL << id;
    }
    if (i == 0 && virJSONValueArraySize(list) > 0)
        return vxlSimAgentError("%s", "child process has failed to set vCPU state: Invalid argument");
    return virJSONValueNewNumberUlong(i);
}

/* guest-get-fsinfo: /boot and / on the first disk's two partitions. */
static virJSONValue *
vxlSimAgentFSInfo(vxlSimAgent *agent)
{
    static const struct { const char *mount; const char *type; int part; } fs[] = {
        { "/", "ext4", 2 },
        { "/boot", "ext2", 1 },
    };
    g_autoptr(virJSONValue) list = virJSONValueNewArray();
    size_t i;

    for (i = 0; agent->rootDisk && i < G_N_ELEMENTS(fs); i++) {
        g_autoptr(virJSONValue) entry = virJSONValueNewObject();
        g_autoptr(virJSONValue) disks = virJSONValueNewArray();
        g_autoptr(virJSONValue) disk = virJSONValueNewObject();
        g_autoptr(virJSONValue) pci = virJSONValueNewObject();
        g_autofree char *part = g_strdup_printf("%s%d", agent->rootDisk, fs[i].part);
        g_autofree char *dev = g_strdup_printf("/dev/%s", part);

        virJSONValueObjectAppendNumberInt(pci, "domain", -1);
        virJSONValueObjectAppendNumberInt(pci, "bus", -1);
        virJSONValueObjectAppendNumberInt(pci, "slot", -1);
        virJSONValueObjectAppendNumberInt(pci, "function", -1);
        virJSONValueObjectAppendString(disk, "bus-type", "xen");
        virJSONValueObjectAppendNumberInt(disk, "bus", 0);
        virJSONValueObjectAppendNumberInt(disk, "target", 0);
        virJSONValueObjectAppendNumberInt(disk, "unit", 0);
        virJSONValueObjectAppend(disk, "pci-controller", &pci);
        virJSONValueObjectAppendString(disk, "dev", dev);
        virJSONValueArrayAppend(disks, &disk);
        virJSONValueObjectAppendString(entry, "name", part);
        virJSONValueObjectAppendString(entry, "mountpoint", fs[i].mount);
        virJSONValueObjectAppendString(entry, "type", fs[i].type);
        virJSONValueObjectAppend(entry, "disk", &disks);
        virJSONValueArrayAppend(list, &entry);
    }
    return g_steal_pointer(&list);
}

/* guest-fstrim: each filesystem reports what it gave back. */
static virJSONValue *
vxlSimAgentFSTrim(vxlSimAgent *agent, virJSONValue *args)
{
    g_autoptr(virJSONValue) paths = virJSONValueNewArray();
    g_autoptr(virJSONValue) ret = virJSONValueNewObject();
    unsigned long long minimum = 0;
    const char *mounts[] = { "/", "/boot" };
    size_t i;

    if (args)
        ignore_value(virJSONValueObjectGetNumberUlong(args, "minimum", &minimum));
    for (i = 0; agent->rootDisk && i < G_N_ELEMENTS(mounts); i++) {
        g_autoptr(virJSONValue) p = virJSONValueNewObject();

        virJSONValueObjectAppendString(p, "path", mounts[i]);
        virJSONValueObjectAppendNumberUlong(p, "trimmed", 1 << 20);
        virJSONValueObjectAppendNumberUlong(p, "minimum", minimum);
        virJSONValueArrayAppend(paths, &p);
    }
    virJSONValueObjectAppend(ret, "paths", &paths);
    return g_steal_pointer(&ret);
}

/* One command: its reply, or NULL for none (guest-shutdown). */
static virJSONValue *
vxlSimAgentCommand(vxlSimAgent *agent, virJSONValue *cmd, bool *delimit)
{
    const char *name = virJSONValueObjectGetString(cmd, "execute");
    virJSONValue *args = virJSONValueObjectGetObject(cmd, "arguments");
    g_autoptr(virJSONValue) ret = NULL;
    static const char *const whileFrozen[] = {
        "guest-sync", "guest-sync-delimited", "guest-ping", "guest-info",
        "guest-fsfreeze-status", "guest-fsfreeze-thaw", NULL,
    };

    *delimit = false;
    if (!name)
        return vxlSimAgentError("%s", "Invalid JSON syntax");
    if (agent->frozen && !g_strv_contains(whileFrozen, name))
        return vxlSimAgentError("Command %s has been disabled: the agent is in frozen state",
                                name);

    if (STREQ(name, "guest-sync") || STREQ(name, "guest-sync-delimited")) {
        long long id = 0;

        if (!args || virJSONValueObjectGetNumberLong(args, "id", &id) < 0)
            return vxlSimAgentError("%s", "Parameter 'id' is missing");
        *delimit = STREQ(name, "guest-sync-delimited");
        ret = virJSONValueNewNumberLong(id);
    } else if (STREQ(name, "guest-ping")) {
        ret = NULL;
    } else if (STREQ(name, "guest-get-time")) {
        ret = virJSONValueNewNumberLong(g_get_real_time() * 1000LL +
                                        agent->clockOffsetNs);
    } else if (STREQ(name, "guest-set-time")) {
        long long t;

        /* Without a time: from the hardware clock, which is the host's. */
        if (args && virJSONValueObjectGetNumberLong(args, "time", &t) == 0)
            agent->clockOffsetNs = t - g_get_real_time() * 1000LL;
        else
            agent->clockOffsetNs = 0;
    } else if (STREQ(name, "guest-fsfreeze-freeze") ||
               STREQ(name, "guest-fsfreeze-freeze-list")) {
        agent->frozen = true;
        /* The guest's filesystems: / and /boot. */
        ret = virJSONValueNewNumberInt(2);
    } else if (STREQ(name, "guest-fsfreeze-thaw")) {
        ret = virJSONValueNewNumberInt(agent->frozen ? 2 : 0);
        agent->frozen = false;
    } else if (STREQ(name, "guest-fsfreeze-status")) {
        ret = virJSONValueNewString(g_strdup(agent->frozen ? "frozen" : "thawed"));
    } else if (STREQ(name, "guest-set-user-password")) {
        const char *user = args ? virJSONValueObjectGetString(args, "username") : NULL;
        const char *pw = args ? virJSONValueObjectGetString(args, "password") : NULL;
        g_autofree guchar *plain = NULL;
        gsize len = 0;

        if (!user || !pw)
            return vxlSimAgentError("%s", "Parameter 'username' is missing");
        if (STRNEQ(user, "root") && STRNEQ(user, "guest"))
            return vxlSimAgentError("child process has failed to set user password: chpasswd: user '%s' does not exist",
                                    user);
        plain = g_base64_decode(pw, &len);
        if (len == 0)
            return vxlSimAgentError("%s", "password must not be empty");
    } else if (STREQ(name, "guest-network-get-interfaces")) {
        ret = vxlSimAgentInterfaces(agent);
    } else if (STREQ(name, "guest-get-host-name")) {
        ret = virJSONValueNewObject();
        virJSONValueObjectAppendString(ret, "host-name", agent->hostname);
    } else if (STREQ(name, "guest-get-users")) {
        g_autoptr(virJSONValue) user = virJSONValueNewObject();

        ret = virJSONValueNewArray();
        virJSONValueObjectAppendString(user, "user", "root");
        virJSONValueObjectAppendNumberDouble(user, "login-time", 1700000000.5);
        virJSONValueArrayAppend(ret, &user);
    } else if (STREQ(name, "guest-get-osinfo")) {
        ret = virJSONValueNewObject();
        virJSONValueObjectAppendString(ret, "id", "debian");
        virJSONValueObjectAppendString(ret, "name", "Debian GNU/Linux");
        virJSONValueObjectAppendString(ret, "pretty-name", "Debian GNU/Linux 12 (bookworm)");
        virJSONValueObjectAppendString(ret, "version", "12 (bookworm)");
        virJSONValueObjectAppendString(ret, "version-id", "12");
        virJSONValueObjectAppendString(ret, "kernel-release", "6.1.0-13-amd64");
        virJSONValueObjectAppendString(ret, "machine", "x86_64");
    } else if (STREQ(name, "guest-get-timezone")) {
        ret = virJSONValueNewObject();
        virJSONValueObjectAppendString(ret, "zone", "UTC");
        virJSONValueObjectAppendNumberInt(ret, "offset", 0);
    } else if (STREQ(name, "guest-get-vcpus")) {
        if (!(ret = vxlSimAgentGetVcpus(agent)))
            return vxlSimAgentError("%s", "the guest is gone");
    } else if (STREQ(name, "guest-set-vcpus")) {
        g_autoptr(virJSONValue) reply = vxlSimAgentSetVcpus(agent, args);

        if (virJSONValueIsObject(reply))
            return g_steal_pointer(&reply);    /* the error */
        ret = g_steal_pointer(&reply);
    } else if (STREQ(name, "guest-get-fsinfo")) {
        ret = vxlSimAgentFSInfo(agent);
    } else if (STREQ(name, "guest-fstrim")) {
        ret = vxlSimAgentFSTrim(agent, args);
    } else if (STREQ(name, "guest-shutdown")) {
        const char *mode = args ? virJSONValueObjectGetString(args, "mode") : NULL;

        vxlSimAgentShutdown(agent, STREQ_NULLABLE(mode, "reboot"));
        return NULL;               /* qemu-ga goes down without a word */
    } else {
        return vxlSimAgentError("The command %s has not been found", name);
    }
    return vxlSimAgentReturn(&ret);
}

/* Serve one client until it goes, or the agent is stopped. */
static void
vxlSimAgentServe(vxlSimAgent *agent, int fd)
{
    g_autoptr(GString) line = g_string_new(NULL);
    char buf[4096];

    for (;;) {
        struct pollfd fds[2] = {
            { .fd = fd, .events = POLLIN },
            { .fd = agent->wake[0], .events = POLLIN },
        };
        ssize_t got;
        char *nl;

        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (fds[1].revents)
            return;
        if ((got = read(fd, buf, sizeof(buf))) <= 0)
            return;
        if (agent->hung)
            continue;
        g_string_append_len(line, buf, got);
        while ((nl = memchr(line->str, '\n', line->len))) {
            g_autofree char *text = g_strndup(line->str, nl - line->str);
            g_autoptr(virJSONValue) cmd = NULL;
            g_autoptr(virJSONValue) reply = NULL;
            g_autofree char *out = NULL;
            g_autofree char *json = NULL;
            char *start = text;
            bool delimit = false;

            g_string_erase(line, 0, nl - line->str + 1);
            /* A client may send 0xFF to reset the parser first. */
            while (*start == '\xff')
                start++;
            if (!*start)
                continue;
            if (!(cmd = virJSONValueFromString(start))) {
                virResetLastError();
                reply = vxlSimAgentError("%s", "Invalid JSON syntax");
            } else {
                reply = vxlSimAgentCommand(agent, cmd, &delimit);
            }
            if (!reply)
                continue;
            json = virJSONValueToString(reply, false);
            out = g_strdup_printf("%s%s\n", delimit ? "\xff" : "", json);
            if (safewrite(fd, out, strlen(out)) < 0)
                return;
        }
    }
}

static void
vxlSimAgentThread(void *opaque)
{
    vxlSimAgent *agent = opaque;

    for (;;) {
        struct pollfd fds[2] = {
            { .fd = agent->listenfd, .events = POLLIN },
            { .fd = agent->wake[0], .events = POLLIN },
        };
        int fd;

        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents)
            break;
        if ((fd = accept(agent->listenfd, NULL, NULL)) < 0)
            continue;
        vxlSimAgentServe(agent, fd);
        VIR_FORCE_CLOSE(fd);
    }
    vxlSimUnref(agent->sim);
    vxlSimAgentUnref(agent);
}

static int
vxlSimAgentListen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autofree char *dir = g_path_get_dirname(path);
    int fd;

    if (virStrcpyStatic(addr.sun_path, path) < 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("the agent channel's socket path '%s' is too long"), path);
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        virReportSystemError(errno, "%s", _("cannot create a socket"));
        return -1;
    }
    ignore_value(unlink(path));
    if (g_mkdir_with_parents(dir, 0755) < 0 ||
        bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 4) < 0) {
        virReportSystemError(errno, _("cannot listen on the agent channel '%s'"), path);
        VIR_FORCE_CLOSE(fd);
        return -1;
    }
    return fd;
}

/* Remember which file the bound socket is: a guest restored or
 * rebooted binds the same path anew, and its predecessor must not
 * remove the successor's socket. */
static int
vxlSimAgentNoteSocket(vxlSimAgent *agent)
{
    struct stat sb;

    if (stat(agent->path, &sb) < 0) {
        virReportSystemError(errno, _("cannot find the agent channel '%s'"),
                             agent->path);
        return -1;
    }
    agent->sockDev = sb.st_dev;
    agent->sockIno = sb.st_ino;
    return 0;
}

/* Remove the socket's name if it is still this agent's. */
static void
vxlSimAgentUnlink(vxlSimAgent *agent)
{
    struct stat sb;

    if (agent->listenfd < 0 || stat(agent->path, &sb) < 0)
        return;
    if (sb.st_dev == agent->sockDev && sb.st_ino == agent->sockIno)
        unlink(agent->path);
}

void
vxlSimAgentStart(vxlSim *sim, vxlSimDomain *dom)
{
    vxlSimAgent *agent;
    virThread thread;
    const char *path;
    bool noFrontend = false;
    size_t i;

    if (dom->agent || dom->script.agent == VXL_GUEST_AGENT_NONE ||
        !(path = vxlSimAgentSocket(dom, &noFrontend)))
        return;
    agent = g_new0(vxlSimAgent, 1);
    agent->refs = 1;
    agent->listenfd = -1;
    agent->wake[0] = agent->wake[1] = -1;
    agent->domid = dom->domid;
    agent->life = dom->life;
    agent->path = g_strdup(path);
    agent->hostname = g_strdup(dom->name);
    agent->hung = dom->script.agent == VXL_GUEST_AGENT_HUNG || noFrontend;
    agent->macs = g_new0(char *, dom->nnics + 1);
    for (i = 0; i < dom->nnics; i++)
        agent->macs[i] = g_strdup(dom->nics[i].mac);
    agent->addrs = g_strsplit(dom->script.addresses, ",", -1);
    if (dom->ndisks > 0)
        agent->rootDisk = g_strdup(dom->disks[0].vdev);

    if ((agent->listenfd = vxlSimAgentListen(path)) < 0 ||
        vxlSimAgentNoteSocket(agent) < 0 ||
        virPipe(agent->wake) < 0) {
        VIR_WARN("the guest agent of simulated domain %s cannot run: %s",
                 dom->name, virGetLastErrorMessage());
        virResetLastError();
        vxlSimAgentUnlink(agent);
        vxlSimAgentUnref(agent);
        return;
    }
    g_atomic_int_inc(&agent->refs);
    agent->sim = vxlSimRef(sim);
    if (virThreadCreateFull(&thread, false, vxlSimAgentThread, "vxl-sim-agent",
                            false, agent) < 0) {
        virResetLastError();
        vxlSimUnref(sim);
        g_atomic_int_add(&agent->refs, -1);
        vxlSimAgentUnref(agent);
        return;
    }
    dom->agent = agent;
}

void
vxlSimAgentStop(vxlSimAgent *agent)
{
    if (!agent)
        return;
    /* The name goes now, before the domain's successor (a restore, a
     * reboot) can bind it; the thread only closes the socket. */
    vxlSimAgentUnlink(agent);
    /* The thread sees it, closes the socket and lets go of both. */
    if (safewrite(agent->wake[1], "x", 1) < 0)
        VIR_WARN("cannot stop a simulated guest agent");
    vxlSimAgentUnref(agent);
}
