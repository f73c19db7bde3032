/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_graphics_fd.c: a connection to a running guest's display for a
 * local client (virDomainOpenGraphicsFD, which virt-manager tries first
 * on a local connection). On Xen the display is served by the guest's
 * device model (the simulator serves it alike) on the address and port
 * in the live definition; the driver connects there and hands over the
 * socket. The client then speaks VNC or SPICE on it as on any other,
 * authentication included: libxl gives the device model the password
 * and has no way to let one client in without it.
 */
#include "vxl_internal.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "domain.h"
#include "virerror.h"
#include "virsocketaddr.h"
#include "virstring.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

/* A stream socket connected to @path (a unix socket), or -1. */
static int
vxlGraphicsConnectUnix(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;

    if (virStrcpyStatic(sun.sun_path, path) < 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        int saved = errno;

        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* A stream socket connected to @host:@port, or -1 with errno set. */
static int
vxlGraphicsConnectTCP(const char *host, int port)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICSERV };
    struct addrinfo *res = NULL;
    struct addrinfo *ai;
    g_autofree char *service = g_strdup_printf("%d", port);
    int fd = -1;
    int saved = ECONNREFUSED;

    if (getaddrinfo(host, service, &hints, &res) != 0) {
        errno = EHOSTUNREACH;
        return -1;
    }
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                         ai->ai_protocol)) < 0) {
            saved = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            saved = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        errno = saved;
    return fd;
}

/* Where a client reaches a display listening on @address: the same
 * address, or the loopback one of its family for a wildcard. */
static const char *
vxlGraphicsLocalAddress(const char *address)
{
    virSocketAddr addr;

    if (!address || !*address)
        return "127.0.0.1";
    if (virSocketAddrParse(&addr, address, AF_UNSPEC) > 0 &&
        virSocketAddrIsWildcard(&addr))
        return VIR_SOCKET_ADDR_IS_FAMILY(&addr, AF_INET6) ? "::1" : "127.0.0.1";
    return address;
}

int
vxlDomainGraphicsConnect(virDomainObj *vm, unsigned int idx, bool skipAuth)
{
    virDomainGraphicsDef *gfx;
    virDomainGraphicsListenDef *listen;
    const char *what;
    const char *passwd;
    int port;
    int fd;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (idx >= vm->def->ngraphics) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("domain '%s' has no display number %u (it has %zu)"),
                       vm->def->name, idx, vm->def->ngraphics);
        return -1;
    }
    gfx = vm->def->graphics[idx];
    /* Only the device model's VNC and SPICE servers take connections. */
    if (gfx->type == VIR_DOMAIN_GRAPHICS_TYPE_VNC) {
        port = gfx->data.vnc.port;
        passwd = gfx->data.vnc.auth.passwd;
    } else if (gfx->type == VIR_DOMAIN_GRAPHICS_TYPE_SPICE) {
        port = gfx->data.spice.port;
        passwd = gfx->data.spice.auth.passwd;
    } else {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot open display %u of domain '%s': a %s display is not served on a socket"),
                       idx, vm->def->name,
                       NULLSTR(virDomainGraphicsTypeToString(gfx->type)));
        return -1;
    }
    if (skipAuth && passwd) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED,
                       _("cannot open display %u of domain '%s' without its password: Xen's device model has it and libxl cannot let a client in without it"),
                       idx, vm->def->name);
        return -1;
    }

    listen = virDomainGraphicsGetListen(gfx, 0);
    if (listen && listen->type == VIR_DOMAIN_GRAPHICS_LISTEN_TYPE_SOCKET &&
        listen->socket) {
        what = listen->socket;
        fd = vxlGraphicsConnectUnix(listen->socket);
    } else if (port > 0 &&
               !(listen && listen->type == VIR_DOMAIN_GRAPHICS_LISTEN_TYPE_NONE)) {
        what = vxlGraphicsLocalAddress(listen ? listen->address : NULL);
        fd = vxlGraphicsConnectTCP(what, port);
    } else {
        virReportError(VIR_ERR_OPERATION_INVALID,
                       _("cannot open display %u of domain '%s': it listens on no port"),
                       idx, vm->def->name);
        return -1;
    }
    if (fd < 0) {
        virReportSystemError(errno,
                             _("cannot connect to display %u of domain '%s' at %s port %d"),
                             idx, vm->def->name, what, port);
        return -1;
    }
    return fd;
}
