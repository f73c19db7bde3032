/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_graphics_relay.c: virDomainOpenGraphics, a display for a
 * socket the client hands over.
 *
 * QEMU's own driver passes the client's socket to QEMU (QMP add_client).
 * On Xen the device model is libxl's, and libxl offers no way to give it
 * a connection; so the driver connects to the display as for
 * virDomainOpenGraphicsFD (domain_graphics_fd.c) and relays bytes both
 * ways between the two sockets on libvirtd's event loop until either
 * side closes. The client speaks VNC or SPICE through it as to the
 * server itself, authentication included.
 */
#include "vxl_internal.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "domain.h"
#include "virerror.h"
#include "virevent.h"
#include "virfile.h"
#include "virlog.h"
#include "virutil.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.domain_graphics_relay");

/* What one side may have read and not yet passed on. */
#define VXL_RELAY_MAX_PENDING (256 * 1024)

typedef struct {
    virMutex lock;
    int fd[2];                     /* 0: the client's, 1: the display's */
    int watch[2];
    GByteArray *pending[2];        /* read from fd[i], for fd[1 - i] */
    bool closed;
    int refs;                      /* one per registered watch */
} vxlGraphicsRelay;

static void
vxlGraphicsRelayUnref(void *opaque)
{
    vxlGraphicsRelay *r = opaque;
    bool last = false;

    VIR_WITH_MUTEX_LOCK_GUARD(&r->lock) {
        last = --r->refs == 0;
    }
    if (!last)
        return;
    VIR_FORCE_CLOSE(r->fd[0]);
    VIR_FORCE_CLOSE(r->fd[1]);
    g_byte_array_unref(r->pending[0]);
    g_byte_array_unref(r->pending[1]);
    virMutexDestroy(&r->lock);
    g_free(r);
}

/* Lock held. Both watches go; the sockets close with the last ref. */
static void
vxlGraphicsRelayClose(vxlGraphicsRelay *r)
{
    size_t i;

    if (r->closed)
        return;
    r->closed = true;
    for (i = 0; i < 2; i++) {
        if (r->watch[i] >= 0)
            virEventRemoveHandle(r->watch[i]);
        r->watch[i] = -1;
    }
}

/* Lock held: what each socket waits for now. */
static void
vxlGraphicsRelayWatch(vxlGraphicsRelay *r)
{
    size_t i;

    for (i = 0; i < 2; i++) {
        int events = 0;

        if (r->pending[i]->len < VXL_RELAY_MAX_PENDING)
            events |= VIR_EVENT_HANDLE_READABLE;
        if (r->pending[1 - i]->len > 0)
            events |= VIR_EVENT_HANDLE_WRITABLE;
        virEventUpdateHandle(r->watch[i], events);
    }
}

static void
vxlGraphicsRelayEvent(int watch, int fd, int events, void *opaque)
{
    vxlGraphicsRelay *r = opaque;
    size_t side;
    bool ok = true;

    VIR_WITH_MUTEX_LOCK_GUARD(&r->lock) {
        if (r->closed)
            return;
        side = watch == r->watch[0] ? 0 : 1;
        if (events & VIR_EVENT_HANDLE_READABLE) {
            unsigned char buf[16384];
            ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

            if (n > 0)
                g_byte_array_append(r->pending[side], buf, n);
            else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
                ok = false;
        } else if (events & (VIR_EVENT_HANDLE_HANGUP | VIR_EVENT_HANDLE_ERROR)) {
            ok = false;
        }
        if (ok && (events & VIR_EVENT_HANDLE_WRITABLE) &&
            r->pending[1 - side]->len > 0) {
            GByteArray *out = r->pending[1 - side];
            ssize_t n = send(fd, out->data, out->len, MSG_DONTWAIT | MSG_NOSIGNAL);

            if (n > 0)
                g_byte_array_remove_range(out, 0, n);
            else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                ok = false;
        }
        /* Whatever one side still sent goes on before the other closes. */
        if (ok && r->pending[side]->len > 0) {
            GByteArray *in = r->pending[side];
            ssize_t n = send(r->fd[1 - side], in->data, in->len,
                             MSG_DONTWAIT | MSG_NOSIGNAL);

            if (n > 0)
                g_byte_array_remove_range(in, 0, n);
        }
        if (ok)
            vxlGraphicsRelayWatch(r);
        else
            vxlGraphicsRelayClose(r);
    }
}

int
vxlDomainGraphicsRelay(virDomainObj *vm, unsigned int idx, int clientFd,
                       bool skipAuth)
{
    vxlGraphicsRelay *r;
    VIR_AUTOCLOSE client = -1;
    VIR_AUTOCLOSE display = -1;
    size_t i;

    /* libvirtd closes its copy once the call returns. */
    if ((client = fcntl(clientFd, F_DUPFD_CLOEXEC, 3)) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot take the client's display socket"));
        return -1;
    }
    if ((display = vxlDomainGraphicsConnect(vm, idx, skipAuth)) < 0)
        return -1;
    if (virSetNonBlock(client) < 0 || virSetNonBlock(display) < 0) {
        virReportSystemError(errno, "%s",
                             _("cannot make the display sockets non-blocking"));
        return -1;
    }

    r = g_new0(vxlGraphicsRelay, 1);
    if (virMutexInit(&r->lock) < 0) {
        g_free(r);
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot initialize the display relay's lock"));
        return -1;
    }
    r->fd[0] = client;
    r->fd[1] = display;
    client = display = -1;
    r->watch[0] = r->watch[1] = -1;
    r->pending[0] = g_byte_array_new();
    r->pending[1] = g_byte_array_new();
    r->refs = 1;                   /* this function's, until both watch */

    VIR_WITH_MUTEX_LOCK_GUARD(&r->lock) {
        for (i = 0; i < 2; i++) {
            r->refs++;
            if ((r->watch[i] = virEventAddHandle(r->fd[i], VIR_EVENT_HANDLE_READABLE,
                                                 vxlGraphicsRelayEvent, r,
                                                 vxlGraphicsRelayUnref)) < 0) {
                r->refs--;
                vxlGraphicsRelayClose(r);
                break;
            }
        }
    }
    if (r->closed) {
        vxlGraphicsRelayUnref(r);
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("cannot watch the display sockets on the event loop"));
        return -1;
    }
    VIR_DEBUG("relaying display %u of domain %s for a client socket",
              idx, vm->def->name);
    vxlGraphicsRelayUnref(r);
    return 0;
}
