/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_migrate_net.c: the TCP connection a migration stream travels
 * on: the destination listens on a port from migration_port_min..max at
 * migration_address, the source connects to what Prepare handed out.
 */
#include "vxl_internal.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "domain_migrate_priv.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"
#include "viruri.h"
#include "virutil.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_migrate_net");

/* tcp://HOST[:PORT] and xenmigr://HOST[:PORT] (the scheme libvirt's Xen
 * drivers use), any path ignored; a bare HOST[:PORT] is tcp://, as
 * libvirt's libxl driver takes it: virt-manager's Migrate dialog sends
 * the address and port fields that way for a Xen connection. @port 0
 * when absent. */
int
vxlMigrationParseURI(const char *uri, char **host, int *port)
{
    g_autoptr(virURI) parsed = NULL;
    g_autofree char *full = NULL;

    if (!strstr(uri, "://"))
        full = g_strdup_printf("tcp://%s", uri);
    if (!(parsed = virURIParse(full ? full : uri)))
        return -1;
    if (!parsed->scheme ||
        (STRNEQ(parsed->scheme, "tcp") && STRNEQ(parsed->scheme, "xenmigr"))) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("migration URI '%s' is not supported: use tcp://HOST[:PORT] or xenmigr://HOST[:PORT]"),
                       uri);
        return -1;
    }
    if (!parsed->server || !*parsed->server) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("migration URI '%s' names no host"), uri);
        return -1;
    }
    if (parsed->port > 65535) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("migration URI '%s' has no valid port"), uri);
        return -1;
    }
    *host = g_strdup(parsed->server);
    *port = parsed->port;
    return 0;
}

static int
vxlMigrationBind(const char *addr, unsigned short port)
{
    struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
                              .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    g_autofree char *service = g_strdup_printf("%u", port);
    int err;
    int fd = -1;
    int saved = EADDRNOTAVAIL;

    if ((err = getaddrinfo(addr, service, &hints, &res)) != 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot resolve migration_address '%s': %s"),
                       NULLSTR(addr), gai_strerror(err));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int on = 1;

        if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                         ai->ai_protocol)) < 0) {
            saved = errno;
            continue;
        }
        ignore_value(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 1) == 0)
            break;
        saved = errno;
        VIR_FORCE_CLOSE(fd);
    }
    freeaddrinfo(res);
    if (fd < 0)
        errno = saved;
    return fd;
}

int
vxlMigrationListen(vxlDriver *driver, int wantPort, unsigned short *port,
                   int *fd)
{
    const char *addr = driver->cfg->migrationAddress;
    unsigned short p = wantPort;

    if (wantPort == 0 &&
        virPortAllocatorAcquire(driver->migrationPorts, &p) < 0)
        return -1;
    if ((*fd = vxlMigrationBind(addr, p)) < 0) {
        virReportSystemError(errno,
                             _("cannot listen for the incoming migration on %s port %u"),
                             addr ? addr : "every address", p);
        if (wantPort == 0)
            virPortAllocatorRelease(p);
        return -1;
    }
    *port = wantPort == 0 ? p : 0;    /* only an allocated port goes back */
    VIR_DEBUG("listening for a migration on port %u", p);
    return 0;
}

/* What the source is told to connect to (no port: offline, nothing to
 * connect to). */
char *
vxlMigrationListenURI(vxlDriver *driver, int port)
{
    const char *host = driver->cfg->migrationHost;
    const char *addr = driver->cfg->migrationAddress;
    g_autofree char *name = NULL;

    if (!host && addr && STRNEQ(addr, "0.0.0.0") && STRNEQ(addr, "::"))
        host = addr;
    if (!host) {
        if (!(name = virGetHostname()))
            return NULL;
        host = name;
    }
    if (port == 0)
        return g_strdup_printf(strchr(host, ':') ? "tcp://[%s]" : "tcp://%s", host);
    if (strchr(host, ':'))
        return g_strdup_printf("tcp://[%s]:%d", host, port);
    return g_strdup_printf("tcp://%s:%d", host, port);
}

/* Wait for the source on @listenFd; gives up when *@cancelled or after
 * @timeoutMs. */
int
vxlMigrationAccept(int listenFd, const int *cancelled, int timeoutMs)
{
    long long end = g_get_monotonic_time() + timeoutMs * 1000LL;

    for (;;) {
        struct pollfd pfd = { .fd = listenFd, .events = POLLIN };
        int rc;

        if (__atomic_load_n(cancelled, __ATOMIC_SEQ_CST)) {
            virReportError(VIR_ERR_OPERATION_ABORTED, "%s",
                           _("the incoming migration was cancelled before the source connected"));
            return -1;
        }
        if (g_get_monotonic_time() >= end) {
            virReportError(VIR_ERR_OPERATION_TIMEOUT, "%s",
                           _("the source host never connected to send the migrating domain"));
            return -1;
        }
        rc = poll(&pfd, 1, 200);
        if (rc < 0 && errno != EINTR) {
            virReportSystemError(errno, "%s",
                                 _("cannot wait for the migration connection"));
            return -1;
        }
        if (rc > 0) {
            int fd = accept4(listenFd, NULL, NULL, SOCK_CLOEXEC);

            if (fd >= 0)
                return fd;
            if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
                virReportSystemError(errno, "%s",
                                     _("cannot accept the migration connection"));
                return -1;
            }
        }
    }
}

int
vxlMigrationConnect(const char *host, int port)
{
    struct addrinfo hints = { .ai_flags = AI_NUMERICSERV,
                              .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    g_autofree char *service = g_strdup_printf("%d", port);
    int err;
    int fd = -1;
    int saved = ECONNREFUSED;

    if ((err = getaddrinfo(host, service, &hints, &res)) != 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("cannot resolve the destination host '%s': %s"),
                       host, gai_strerror(err));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                         ai->ai_protocol)) < 0) {
            saved = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        saved = errno;
        VIR_FORCE_CLOSE(fd);
    }
    freeaddrinfo(res);
    if (fd < 0) {
        virReportSystemError(saved,
                             _("cannot connect to the destination host '%s' port %d"),
                             host, port);
        return -1;
    }
    return fd;
}
