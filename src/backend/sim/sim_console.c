/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_console.c: the simulated guests' consoles, for virsh console.
 *
 * On Xen, xenconsoled gives each guest's PV console a pty in dom0, and
 * the device model one to each of an HVM guest's serial ports configured
 * as "pty". The simulator does the same, with the guest at the other end:
 * the first time a console is asked for it opens a pty, writes a line
 * naming the domain (a boot message, in short), and echoes back whatever
 * the client types, as a shell on a serial line would. A console the
 * domain does not have is refused, as libxl refuses it. The pty goes when
 * the domain does; a daemon restart finds new ones (the daemon asks
 * again, as it asks libxl again). A pty Xen channel is served alike.
 */
#include "vxl_internal.h"

#include <fcntl.h>
#include <termios.h>

#include "sim_priv.h"
#include "virerror.h"
#include "virevent.h"
#include "virfile.h"
#include "virlog.h"
#include "virutil.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_console");

/* The guest's end of one console: the pty's master, and a slave kept
 * open as a guest keeps its console open, so the line never hangs up
 * between clients. Owned by the event loop once watched. */
typedef struct {
    int master;
    int slave;
} vxlSimConsoleEnd;

struct _vxlSimConsole {
    vxlConsoleKind kind;
    int num;
    char *path;
    int watch;                     /* -1: not echoing (no event loop) */
    vxlSimConsoleEnd *end;         /* when not watched */
};

static void
vxlSimConsoleEndFree(void *opaque)
{
    vxlSimConsoleEnd *end = opaque;

    VIR_FORCE_CLOSE(end->master);
    VIR_FORCE_CLOSE(end->slave);
    g_free(end);
}

/* What the client wrote comes back, as a terminal echoes it. */
static void
vxlSimConsoleEcho(int watch, int fd, int events, void *opaque)
{
    char buf[512];
    ssize_t n;

    if (!(events & VIR_EVENT_HANDLE_READABLE))
        return;
    if ((n = read(fd, buf, sizeof(buf))) > 0)
        ignore_value(safewrite(fd, buf, n));
}

static void
vxlSimConsoleFree(vxlSimConsole *console)
{
    if (!console)
        return;
    if (console->watch >= 0)
        virEventRemoveHandle(console->watch);  /* frees the end */
    else if (console->end)
        vxlSimConsoleEndFree(console->end);
    g_free(console->path);
    g_free(console);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(vxlSimConsole, vxlSimConsoleFree);

void
vxlSimConsolesFree(GPtrArray *consoles)
{
    if (consoles)
        g_ptr_array_unref(consoles);
}

/* How many of an HVM guest's serial ports qemu gives a pty: the "pty"
 * entries of b_info.u.hvm.serial or serial_list. */
static size_t
vxlSimSerialPtys(const vxlSimDomain *dom)
{
    virJSONValue *hvm = NULL;
    virJSONValue *list;
    const char *one;
    size_t n = 0;
    size_t i;

    if (dom->type != LIBXL_DOMAIN_TYPE_HVM || !dom->config ||
        !(hvm = virJSONValueObjectGetObject(virJSONValueObjectGetObject(dom->config, "b_info"),
                                             "type.hvm")))
        return 0;
    if ((one = virJSONValueObjectGetString(hvm, "serial")))
        return STREQ(one, "pty") ? 1 : 0;
    if ((list = virJSONValueObjectGetArray(hvm, "serial_list"))) {
        for (i = 0; i < virJSONValueArraySize(list); i++) {
            const char *s = virJSONValueGetString(virJSONValueArrayGet(list, i));

            if (s && STREQ(s, "pty"))
                n++;
        }
    }
    return n;
}

/* Whether channel @num of @dom's configuration is one the device model
 * serves as a pty (libxl's JSON: no "connection.socket"). */
static bool
vxlSimChannelIsPty(const vxlSimDomain *dom, int num)
{
    virJSONValue *list;
    virJSONValue *ch;

    if (num < 0 || !dom->config ||
        !(list = virJSONValueObjectGetArray(dom->config, "channels")) ||
        (size_t)num >= virJSONValueArraySize(list) ||
        !(ch = virJSONValueArrayGet(list, num)))
        return false;
    return !virJSONValueObjectGetObject(ch, "connection.socket");
}

static vxlSimConsole *
vxlSimConsoleOpen(const vxlSimDomain *dom, vxlConsoleKind kind, int num)
{
    g_autoptr(vxlSimConsole) console = g_new0(vxlSimConsole, 1);
    vxlSimConsoleEnd *end = g_new0(vxlSimConsoleEnd, 1);
    g_autofree char *hello = NULL;
    struct termios raw;
    char name[128];

    console->kind = kind;
    console->num = num;
    console->watch = -1;
    console->end = end;
    end->master = end->slave = -1;
    if ((end->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0 ||
        grantpt(end->master) < 0 || unlockpt(end->master) < 0 ||
        ptsname_r(end->master, name, sizeof(name)) != 0 ||
        (end->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
        virReportSystemError(errno,
                             _("cannot open a pty for the console of simulated domain '%s'"),
                             dom->name);
        return NULL;
    }
    /* A serial line carries bytes as they are. */
    if (tcgetattr(end->slave, &raw) == 0) {
        cfmakeraw(&raw);
        ignore_value(tcsetattr(end->slave, TCSANOW, &raw));
    }
    ignore_value(virSetNonBlock(end->master));
    console->path = g_strdup(name);

    if (kind == VXL_CONSOLE_CHANNEL)
        hello = g_strdup_printf("virtxl simulator: channel %d of domain %s\r\n",
                                num, dom->name);
    else
        hello = g_strdup_printf("virtxl simulator: %s console %d of domain %s\r\n",
                                kind == VXL_CONSOLE_SERIAL ? "serial" : "PV", num,
                                dom->name);
    ignore_value(safewrite(end->master, hello, strlen(hello)));

    if ((console->watch = virEventAddHandle(end->master, VIR_EVENT_HANDLE_READABLE,
                                            vxlSimConsoleEcho, end,
                                            vxlSimConsoleEndFree)) >= 0)
        console->end = NULL;
    else
        virResetLastError();        /* no event loop: no echo */
    return g_steal_pointer(&console);
}

int
vxlSimDomainConsolePath(vxlBackend *be, uint32_t domid, vxlConsoleKind kind,
                        int num, char **path)
{
    vxlSim *sim = be->priv;
    size_t i;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimDomain *dom = vxlSimLookup(sim, domid);
        vxlSimConsole *console = NULL;

        if (!dom)
            return -1;
        if (kind == VXL_CONSOLE_CHANNEL && !vxlSimChannelIsPty(dom, num)) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           _("domain '%s' (id %u) has no pty channel %d"),
                           dom->name, domid, num);
            return -1;
        }
        /* Every guest has PV console 0; HVM guests their pty serials. */
        if (kind != VXL_CONSOLE_CHANNEL &&
            (num < 0 ||
             (kind == VXL_CONSOLE_PV && num != 0) ||
             (kind == VXL_CONSOLE_SERIAL && (size_t)num >= vxlSimSerialPtys(dom)))) {
            if (kind == VXL_CONSOLE_SERIAL)
                virReportError(VIR_ERR_OPERATION_INVALID,
                               _("domain '%s' (id %u) has no serial console %d"),
                               dom->name, domid, num);
            else
                virReportError(VIR_ERR_OPERATION_INVALID,
                               _("domain '%s' (id %u) has no PV console %d"),
                               dom->name, domid, num);
            return -1;
        }
        if (!dom->consoles)
            dom->consoles = g_ptr_array_new_with_free_func((GDestroyNotify)vxlSimConsoleFree);
        for (i = 0; i < dom->consoles->len; i++) {
            vxlSimConsole *c = g_ptr_array_index(dom->consoles, i);

            if (c->kind == kind && c->num == num)
                console = c;
        }
        if (!console) {
            if (!(console = vxlSimConsoleOpen(dom, kind, num)))
                return -1;
            g_ptr_array_add(dom->consoles, console);
        }
        *path = g_strdup(console->path);
    }
    return 0;
}
