/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_display.c: the simulated guests' VNC displays.
 *
 * On Xen, a guest's <graphics type='vnc'> is served by its device model
 * (qemu) on the address and port libxl gives it: b_info.u.hvm.vnc for an
 * HVM guest, the vfb's vnc for a PV or PVH one. The simulator serves the
 * same address and port itself, with a small RFB (VNC) server on
 * libvirt's event loop, so that virt-manager's console, virt-viewer and
 * any VNC client work against a host without Xen. The screen it shows is
 * the simulator's own: the guest's name, id and state, and what a client
 * types on it, echoed as a text console would.
 *
 * What is served: RFB 3.3, 3.7 and 3.8; security "None", or "VNC
 * authentication" when libxl was given a password (checked as qemu
 * checks it: DES of the challenge with the first eight characters); raw
 * encoding in any true-colour pixel format the client asks for; key
 * events (printable keys, Return, BackSpace). Pointer events and cut text
 * are read and ignored; a guest without a pointer device does the same.
 *
 * A PV or PVH guest with several framebuffers (xl's vfb= entries,
 * libxl's vfbs) still has one display, its first framebuffer's: libxl
 * gives the device model -vnc and -sdl from vfbs[0] alone
 * (libxl__dm_vnc, dm_sdl in libxl_dm.c), and the others' VNC settings
 * only reach their xenstore backend directories, which qemu-xen's xenfb
 * backend does not read. The guest sees every framebuffer; a client
 * reaches the first.
 *
 * The display opens when the domain is built and closes when it is
 * destroyed or the backend closes, as qemu's lifetime is the domain's.
 * A port another process holds is logged and the guest runs without a
 * display (qemu would fail the start; parallel test daemons share the
 * host's ports, and the driver's port allocator already avoids taken
 * ones).
 */
#include "vxl_internal.h"

#include <netdb.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <zlib.h>
#include <nettle/des.h>

#include "sim_priv.h"
#include "virerror.h"
#include "virevent.h"
#include "virfile.h"
#include "virlog.h"
#include "virrandom.h"
#include "virsocket.h"

#define VIR_FROM_THIS VIR_FROM_LIBXL

VIR_LOG_INIT("virtxl.sim_display");

#define VXL_SIM_VNC_PORT_BASE 5900
#define VXL_SIM_FB_COLS 80
#define VXL_SIM_FB_ROWS 25
#define VXL_SIM_GLYPH_W 8
#define VXL_SIM_GLYPH_H 16
#define VXL_SIM_FB_W (VXL_SIM_FB_COLS * VXL_SIM_GLYPH_W)
#define VXL_SIM_FB_H (VXL_SIM_FB_ROWS * VXL_SIM_GLYPH_H)
#define VXL_SIM_TYPED_LINES 12
#define VXL_SIM_CLIENT_MAX_IN (64 * 1024)

/* ----- the font -------------------------------------------------------- */

/* An 8-pixel-wide console font in PSF format, from Debian's
 * console-setup-linux (or kbd's old location); without one, each
 * character is drawn as a block, which still shows where text is. */
static const char *const vxlSimFontPaths[] = {
    "/usr/share/consolefonts/Uni2-VGA16.psf.gz",
    "/usr/share/consolefonts/Lat15-VGA16.psf.gz",
    "/usr/share/consolefonts/default8x16.psf.gz",
    "/usr/share/kbd/consolefonts/default8x16.psfu.gz",
    NULL,
};

typedef struct {
    bool loaded;
    unsigned char glyphs[128][VXL_SIM_GLYPH_H];   /* ASCII only */
    bool have[128];
} vxlSimFont;

static vxlSimFont vxlSimFontData;

/* Glyph index -> which ASCII characters it draws, from a PSF1 Unicode
 * table (little-endian UCS-2 values, 0xFFFF ends a glyph's list, 0xFFFE
 * starts sequences, which are skipped). */
static void
vxlSimFontMapPSF1(const unsigned char *tab, size_t len, size_t nglyphs,
                  const unsigned char *bitmaps, size_t charsize)
{
    size_t pos = 0;
    size_t g;

    for (g = 0; g < nglyphs && pos + 1 < len; g++) {
        bool seq = false;

        while (pos + 1 < len) {
            unsigned int u = tab[pos] | (tab[pos + 1] << 8);

            pos += 2;
            if (u == 0xFFFF)
                break;
            if (u == 0xFFFE)
                seq = true;
            else if (!seq && u < 128 && !vxlSimFontData.have[u]) {
                memcpy(vxlSimFontData.glyphs[u], bitmaps + g * charsize,
                       MIN(charsize, VXL_SIM_GLYPH_H));
                vxlSimFontData.have[u] = true;
            }
        }
    }
}

/* The same from a PSF2 table: UTF-8, 0xFF ends a glyph's list, 0xFE
 * starts sequences. Only one-byte (ASCII) entries matter here. */
static void
vxlSimFontMapPSF2(const unsigned char *tab, size_t len, size_t nglyphs,
                  const unsigned char *bitmaps, size_t charsize)
{
    size_t pos = 0;
    size_t g;

    for (g = 0; g < nglyphs && pos < len; g++) {
        bool seq = false;

        while (pos < len) {
            unsigned char c = tab[pos++];

            if (c == 0xFF)
                break;
            if (c == 0xFE)
                seq = true;
            else if (!seq && c < 128 && !vxlSimFontData.have[c]) {
                memcpy(vxlSimFontData.glyphs[c], bitmaps + g * charsize,
                       MIN(charsize, VXL_SIM_GLYPH_H));
                vxlSimFontData.have[c] = true;
            }
        }
    }
}

static bool
vxlSimFontParse(const unsigned char *d, size_t len)
{
    size_t nglyphs, charsize, height, width, hdr;
    bool table;
    size_t g;

    if (len >= 4 && d[0] == 0x36 && d[1] == 0x04) {
        hdr = 4;
        nglyphs = (d[2] & 0x01) ? 512 : 256;
        table = d[2] & 0x06;
        charsize = height = d[3];
        width = 8;
    } else if (len >= 32 && d[0] == 0x72 && d[1] == 0xb5 && d[2] == 0x4a &&
               d[3] == 0x86) {
        hdr = d[8] | d[9] << 8 | d[10] << 16 | (size_t)d[11] << 24;
        table = d[12] & 0x01;
        nglyphs = d[16] | d[17] << 8 | d[18] << 16 | (size_t)d[19] << 24;
        charsize = d[20] | d[21] << 8 | d[22] << 16 | (size_t)d[23] << 24;
        height = d[24] | d[25] << 8;
        width = d[28] | d[29] << 8;
    } else {
        return false;
    }
    if (width != VXL_SIM_GLYPH_W || height != VXL_SIM_GLYPH_H ||
        charsize != VXL_SIM_GLYPH_H || nglyphs > 4096 ||
        hdr + nglyphs * charsize > len)
        return false;

    if (!table) {
        for (g = 0; g < 128 && g < nglyphs; g++) {
            memcpy(vxlSimFontData.glyphs[g], d + hdr + g * charsize, charsize);
            vxlSimFontData.have[g] = true;
        }
    } else if (d[0] == 0x36) {
        vxlSimFontMapPSF1(d + hdr + nglyphs * charsize,
                          len - hdr - nglyphs * charsize, nglyphs, d + hdr,
                          charsize);
    } else {
        vxlSimFontMapPSF2(d + hdr + nglyphs * charsize,
                          len - hdr - nglyphs * charsize, nglyphs, d + hdr,
                          charsize);
    }
    return true;
}

static void
vxlSimFontLoadOnce(void)
{
    size_t i;

    for (i = 0; vxlSimFontPaths[i]; i++) {
        g_autoptr(GByteArray) data = g_byte_array_new();
        unsigned char buf[8192];
        gzFile gz;
        int n;

        if (!(gz = gzopen(vxlSimFontPaths[i], "rb")))
            continue;
        while ((n = gzread(gz, buf, sizeof(buf))) > 0 && data->len < (1 << 20))
            g_byte_array_append(data, buf, n);
        gzclose(gz);
        if (vxlSimFontParse(data->data, data->len)) {
            vxlSimFontData.loaded = true;
            VIR_DEBUG("simulated displays draw with %s", vxlSimFontPaths[i]);
            return;
        }
    }
    VIR_INFO("no 8x16 console font found (Debian's console-setup-linux has one): simulated displays draw blocks for text");
}

static void
vxlSimFontLoad(void)
{
    static GOnce once = G_ONCE_INIT;

    g_once(&once, (GThreadFunc)(void (*)(void))vxlSimFontLoadOnce, NULL);
}

/* ----- the screen ------------------------------------------------------ */

typedef struct {
    unsigned char r, g, b;
} vxlSimRGB;

/* What is on the screen: text cells and their colours. A new text means a
 * new frame; the pixels are drawn per client, in its pixel format. */
typedef struct {
    char text[VXL_SIM_FB_ROWS][VXL_SIM_FB_COLS + 1];
    vxlSimRGB fg[VXL_SIM_FB_ROWS];
    vxlSimRGB bg[VXL_SIM_FB_ROWS];
} vxlSimScreen;

/* ----- displays and their clients --------------------------------------- */

typedef enum {
    VXL_RFB_VERSION,               /* waiting for the client's version */
    VXL_RFB_SECURITY,              /* 3.7+: waiting for its chosen type */
    VXL_RFB_AUTH,                  /* waiting for the challenge's answer */
    VXL_RFB_INIT,                  /* waiting for ClientInit */
    VXL_RFB_NORMAL,
    VXL_RFB_CLOSING,               /* flushing a failure, then closed */
} vxlRfbPhase;

typedef struct {
    unsigned int bpp;              /* 8, 16 or 32 */
    bool bigEndian;
    unsigned int rmax, gmax, bmax;
    unsigned int rshift, gshift, bshift;
} vxlRfbPixelFormat;

typedef struct {
    vxlSimDisplay *disp;
    int fd;
    int watch;
    vxlRfbPhase phase;
    unsigned int minor;            /* RFB 3.minor */
    GByteArray *in;
    GByteArray *out;
    unsigned char challenge[16];
    vxlRfbPixelFormat pf;
    bool updateWanted;             /* a request waits for a new frame */
    unsigned long long sentFrame;  /* frame number last sent */
} vxlSimClient;

struct _vxlSimDisplay {
    gint refs;                     /* the listen watch, the timer, clients,
                                      and the domain's, until closed */
    vxlSim *sim;                   /* referenced */
    uint32_t domid;
    unsigned long long life;

    /* Guarded by lock; the event loop thread is the only other user. */
    virMutex lock;
    bool closed;
    int listenFd;
    int listenWatch;
    int timer;
    GPtrArray *clients;            /* vxlSimClient * */
    char *password;                /* NULL: no authentication */
    char *name;                    /* for ServerInit and the screen */
    vxlSimScreen screen;
    unsigned long long frame;      /* bumped when the screen changes */
    char typed[VXL_SIM_TYPED_LINES][VXL_SIM_FB_COLS + 1];
    size_t typedLine;
};

static vxlSimDisplay *
vxlSimDisplayRef(vxlSimDisplay *disp)
{
    g_atomic_int_inc(&disp->refs);
    return disp;
}

static void
vxlSimDisplayUnref(void *opaque)
{
    vxlSimDisplay *disp = opaque;

    if (!disp || !g_atomic_int_dec_and_test(&disp->refs))
        return;
    g_ptr_array_unref(disp->clients);
    virMutexDestroy(&disp->lock);
    g_free(disp->password);
    g_free(disp->name);
    vxlSimUnref(disp->sim);
    g_free(disp);
}

/* What the screen says of the domain, from the model. Called without
 * disp->lock: the model's lock is taken first where both are held (a
 * display is closed under it). */
typedef struct {
    char *state;
    char *facts;
} vxlSimDisplayFacts;

static void
vxlSimDisplayFactsRead(vxlSimDisplay *disp, vxlSimDisplayFacts *f)
{
    VIR_WITH_MUTEX_LOCK_GUARD(&disp->sim->lock) {
        vxlSimDomain *dom = vxlSimFindDomain(disp->sim, disp->domid);

        if (!dom || dom->life != disp->life) {
            f->state = g_strdup("destroyed");
        } else {
            f->state = g_strdup(vxlSimStateTypeToString(dom->state));
            f->facts = g_strdup_printf("%u of %u vCPUs online, %llu MiB",
                                       dom->vcpusOnline, dom->vcpusMax,
                                       dom->targetKiB / 1024);
        }
    }
}

static void
vxlSimDisplayFactsClear(vxlSimDisplayFacts *f)
{
    g_clear_pointer(&f->state, g_free);
    g_clear_pointer(&f->facts, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vxlSimDisplayFacts, vxlSimDisplayFactsClear);

/* Lay out the text of the screen. Called with disp->lock held. */
static void
vxlSimDisplayCompose(vxlSimDisplay *disp, const vxlSimDisplayFacts *f)
{
    vxlSimScreen s = { 0 };
    static const vxlSimRGB white = { 0xe0, 0xe0, 0xe0 };
    static const vxlSimRGB black = { 0x10, 0x10, 0x30 };
    static const vxlSimRGB title = { 0x20, 0x40, 0x90 };
    size_t r;

    for (r = 0; r < VXL_SIM_FB_ROWS; r++) {
        memset(s.text[r], ' ', VXL_SIM_FB_COLS);
        s.fg[r] = white;
        s.bg[r] = black;
    }
#define VXL_SIM_LINE(row, ...) \
    g_snprintf(s.text[row], VXL_SIM_FB_COLS + 1, __VA_ARGS__)
    VXL_SIM_LINE(0, " virtxl simulator: Xen domain %s (id %u)", disp->name,
                 disp->domid);
    s.bg[0] = title;
    VXL_SIM_LINE(2, " state: %s", f->state ? f->state : "unknown");
    if (f->facts)
        VXL_SIM_LINE(3, " %s", f->facts);
    VXL_SIM_LINE(5, " This is the screen of a simulated guest. What you type appears below.");
    for (r = 0; r < VXL_SIM_TYPED_LINES; r++)
        VXL_SIM_LINE(7 + r, " %s%s", disp->typed[r],
                     r == disp->typedLine ? "_" : "");
#undef VXL_SIM_LINE

    if (memcmp(&s, &disp->screen, sizeof(s)) != 0) {
        disp->screen = s;
        disp->frame++;
    }
}

static void
vxlRfbPut32(GByteArray *b, uint32_t v)
{
    unsigned char d[4] = { v >> 24, v >> 16, v >> 8, v };

    g_byte_array_append(b, d, 4);
}

static void
vxlRfbPut16(GByteArray *b, uint16_t v)
{
    unsigned char d[2] = { v >> 8, v };

    g_byte_array_append(b, d, 2);
}

static uint16_t
vxlRfbGet16(const unsigned char *d)
{
    return d[0] << 8 | d[1];
}

static uint32_t
vxlRfbGet32(const unsigned char *d)
{
    return (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
}

static void
vxlRfbPutPixel(GByteArray *b, const vxlRfbPixelFormat *pf, vxlSimRGB c)
{
    uint32_t v = ((c.r * pf->rmax / 255) << pf->rshift) |
                 ((c.g * pf->gmax / 255) << pf->gshift) |
                 ((c.b * pf->bmax / 255) << pf->bshift);
    unsigned char d[4];
    size_t n = pf->bpp / 8;
    size_t i;

    for (i = 0; i < n; i++)
        d[i] = pf->bigEndian ? v >> (8 * (n - 1 - i)) : v >> (8 * i);
    g_byte_array_append(b, d, n);
}

/* A FramebufferUpdate of the whole screen, raw encoding. */
static void
vxlSimClientSendFrame(vxlSimClient *c)
{
    vxlSimDisplay *disp = c->disp;
    unsigned int x, y;

    g_byte_array_append(c->out, (const unsigned char *)"\0\0", 2);
    vxlRfbPut16(c->out, 1);
    vxlRfbPut16(c->out, 0);
    vxlRfbPut16(c->out, 0);
    vxlRfbPut16(c->out, VXL_SIM_FB_W);
    vxlRfbPut16(c->out, VXL_SIM_FB_H);
    vxlRfbPut32(c->out, 0);        /* raw */
    for (y = 0; y < VXL_SIM_FB_H; y++) {
        unsigned int row = y / VXL_SIM_GLYPH_H;
        unsigned int line = y % VXL_SIM_GLYPH_H;

        for (x = 0; x < VXL_SIM_FB_W; x++) {
            unsigned char ch = disp->screen.text[row][x / VXL_SIM_GLYPH_W];
            bool on;

            if (ch >= 128 || ch == ' ' || ch == '\0')
                on = false;
            else if (vxlSimFontData.have[ch])
                on = vxlSimFontData.glyphs[ch][line] & (0x80 >> (x % VXL_SIM_GLYPH_W));
            else
                on = line > 1 && line < 14 && x % VXL_SIM_GLYPH_W < 7;
            vxlRfbPutPixel(c->out, &c->pf,
                           on ? disp->screen.fg[row] : disp->screen.bg[row]);
        }
    }
    c->sentFrame = disp->frame;
    c->updateWanted = false;
}

static void vxlSimClientUpdateWatch(vxlSimClient *c);

static void
vxlSimClientFail(vxlSimClient *c, const char *reason)
{
    VIR_DEBUG("VNC client of %s refused: %s", c->disp->name, reason);
    vxlRfbPut32(c->out, 1);        /* SecurityResult: failed */
    if (c->minor >= 8) {
        vxlRfbPut32(c->out, strlen(reason));
        g_byte_array_append(c->out, (const unsigned char *)reason, strlen(reason));
    }
    c->phase = VXL_RFB_CLOSING;
}

static void
vxlSimClientServerInit(vxlSimClient *c)
{
    static const unsigned char pixfmt[16] = {
        32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0
    };

    vxlRfbPut16(c->out, VXL_SIM_FB_W);
    vxlRfbPut16(c->out, VXL_SIM_FB_H);
    g_byte_array_append(c->out, pixfmt, sizeof(pixfmt));
    vxlRfbPut32(c->out, strlen(c->disp->name));
    g_byte_array_append(c->out, (const unsigned char *)c->disp->name,
                        strlen(c->disp->name));
}

/* VNC authentication, as qemu checks it: the challenge DES-encrypted
 * with the first eight bytes of the password (zero-padded), each key
 * byte bit-reversed, as the protocol's reference implementation did. */
static bool
vxlSimAuthCheck(const char *password, const unsigned char *challenge,
                const unsigned char *response)
{
    struct des_ctx ctx;
    unsigned char key[8] = { 0 };
    unsigned char want[16];
    size_t i;
    int bit;

    for (i = 0; i < 8 && password[i]; i++) {
        unsigned char b = password[i], rev = 0;

        for (bit = 0; bit < 8; bit++)
            if (b & (1 << bit))
                rev |= 0x80 >> bit;
        key[i] = rev;
    }
    des_set_key(&ctx, key);
    des_encrypt(&ctx, sizeof(want), want, challenge);
    return memcmp(want, response, sizeof(want)) == 0;
}

/* X keysyms of the keys the screen echoes. */
#define VXL_KEYSYM_BACKSPACE 0xff08
#define VXL_KEYSYM_RETURN 0xff0d
#define VXL_KEYSYM_KP_ENTER 0xff8d

static void
vxlSimDisplayType(vxlSimDisplay *disp, uint32_t keysym)
{
    char *line = disp->typed[disp->typedLine];
    size_t len = strlen(line);

    if (keysym == VXL_KEYSYM_RETURN || keysym == VXL_KEYSYM_KP_ENTER) {
        if (++disp->typedLine == VXL_SIM_TYPED_LINES) {
            memmove(disp->typed[0], disp->typed[1],
                    sizeof(disp->typed[0]) * (VXL_SIM_TYPED_LINES - 1));
            disp->typedLine--;
        }
        disp->typed[disp->typedLine][0] = '\0';
    } else if (keysym == VXL_KEYSYM_BACKSPACE) {
        if (len > 0)
            line[len - 1] = '\0';
    } else if (keysym >= 0x20 && keysym < 0x7f && len < VXL_SIM_FB_COLS - 3) {
        line[len] = keysym;
        line[len + 1] = '\0';
    }
}

/* Consume what can be consumed of the client's input. False: the client
 * is to be dropped. */
static bool
vxlSimClientProcess(vxlSimClient *c)
{
    vxlSimDisplay *disp = c->disp;

    for (;;) {
        unsigned char *d = c->in->data;
        size_t len = c->in->len;
        size_t used = 0;

        switch (c->phase) {
        case VXL_RFB_VERSION:
            if (len < 12)
                return true;
            if (memcmp(d, "RFB 003.", 8) != 0)
                return false;
            c->minor = g_ascii_strtoull((const char *)d + 8, NULL, 10);
            c->minor = c->minor >= 8 ? 8 : c->minor >= 7 ? 7 : 3;
            used = 12;
            if (c->minor == 3) {
                /* 3.3: the server picks the type. */
                vxlRfbPut32(c->out, disp->password ? 2 : 1);
                if (disp->password) {
                    g_byte_array_append(c->out, c->challenge, 16);
                    c->phase = VXL_RFB_AUTH;
                } else {
                    c->phase = VXL_RFB_INIT;
                }
            } else {
                unsigned char types[2] = { 1, disp->password ? 2 : 1 };

                g_byte_array_append(c->out, types, 2);
                c->phase = VXL_RFB_SECURITY;
            }
            break;

        case VXL_RFB_SECURITY:
            if (len < 1)
                return true;
            used = 1;
            if (d[0] != (disp->password ? 2 : 1)) {
                vxlSimClientFail(c, "security type not offered");
                break;
            }
            if (disp->password) {
                g_byte_array_append(c->out, c->challenge, 16);
                c->phase = VXL_RFB_AUTH;
            } else {
                if (c->minor >= 8)
                    vxlRfbPut32(c->out, 0);
                c->phase = VXL_RFB_INIT;
            }
            break;

        case VXL_RFB_AUTH:
            if (len < 16)
                return true;
            used = 16;
            if (!vxlSimAuthCheck(disp->password, c->challenge, d)) {
                vxlSimClientFail(c, "Authentication failed");
                break;
            }
            vxlRfbPut32(c->out, 0);
            c->phase = VXL_RFB_INIT;
            break;

        case VXL_RFB_INIT:
            if (len < 1)
                return true;
            used = 1;              /* shared or not: all may share */
            vxlSimClientServerInit(c);
            c->phase = VXL_RFB_NORMAL;
            break;

        case VXL_RFB_NORMAL:
            if (len < 1)
                return true;
            switch (d[0]) {
            case 0:                /* SetPixelFormat */
                if (len < 20)
                    return true;
                if (!d[7] || (d[4] != 8 && d[4] != 16 && d[4] != 32)) {
                    VIR_DEBUG("VNC client of %s asks for a colour map or %u bpp",
                              disp->name, d[4]);
                    return false;
                }
                c->pf.bpp = d[4];
                c->pf.bigEndian = d[6];
                c->pf.rmax = vxlRfbGet16(d + 8);
                c->pf.gmax = vxlRfbGet16(d + 10);
                c->pf.bmax = vxlRfbGet16(d + 12);
                c->pf.rshift = d[14];
                c->pf.gshift = d[15];
                c->pf.bshift = d[16];
                used = 20;
                break;
            case 2:                /* SetEncodings: raw is always fine */
                if (len < 4 || len < 4 + 4 * (size_t)vxlRfbGet16(d + 2))
                    return true;
                used = 4 + 4 * (size_t)vxlRfbGet16(d + 2);
                break;
            case 3:                /* FramebufferUpdateRequest */
                if (len < 10)
                    return true;
                used = 10;
                if (!d[1] || c->sentFrame != disp->frame)
                    vxlSimClientSendFrame(c);
                else
                    c->updateWanted = true;
                break;
            case 4:                /* KeyEvent */
                if (len < 8)
                    return true;
                used = 8;
                if (d[1])
                    vxlSimDisplayType(disp, vxlRfbGet32(d + 4));
                break;
            case 5:                /* PointerEvent */
                if (len < 6)
                    return true;
                used = 6;
                break;
            case 6:                /* ClientCutText */
                if (len < 8 || len < 8 + (size_t)vxlRfbGet32(d + 4))
                    return true;
                used = 8 + vxlRfbGet32(d + 4);
                break;
            default:
                VIR_DEBUG("VNC client of %s sent message type %u", disp->name,
                          d[0]);
                return false;
            }
            break;

        case VXL_RFB_CLOSING:
            g_byte_array_set_size(c->in, 0);
            return true;
        }
        g_byte_array_remove_range(c->in, 0, used);
    }
}

static void
vxlSimClientFree(void *opaque)
{
    vxlSimClient *c = opaque;

    VIR_FORCE_CLOSE(c->fd);
    g_byte_array_unref(c->in);
    g_byte_array_unref(c->out);
    vxlSimDisplayUnref(c->disp);
    g_free(c);
}

/* Drop @c: its watch goes, and with it the client (watch's free). */
static void
vxlSimClientDrop(vxlSimClient *c)
{
    g_ptr_array_remove(c->disp->clients, c);
    if (c->watch >= 0)
        virEventRemoveHandle(c->watch);
    else
        vxlSimClientFree(c);
}

static bool
vxlSimClientFlush(vxlSimClient *c)
{
    while (c->out->len > 0) {
        ssize_t n = send(c->fd, c->out->data, c->out->len, MSG_NOSIGNAL);

        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (n <= 0)
            return false;
        g_byte_array_remove_range(c->out, 0, n);
    }
    return c->phase != VXL_RFB_CLOSING;
}

static void
vxlSimClientUpdateWatch(vxlSimClient *c)
{
    if (c->watch >= 0)
        virEventUpdateHandle(c->watch, VIR_EVENT_HANDLE_READABLE |
                             (c->out->len ? VIR_EVENT_HANDLE_WRITABLE : 0));
}

static void
vxlSimClientEvent(int watch G_GNUC_UNUSED, int fd, int events, void *opaque)
{
    vxlSimClient *c = opaque;
    vxlSimDisplay *disp = c->disp;
    g_auto(vxlSimDisplayFacts) facts = { 0 };
    bool ok = true;

    vxlSimDisplayFactsRead(disp, &facts);
    VIR_WITH_MUTEX_LOCK_GUARD(&disp->lock) {
        if (disp->closed || !g_ptr_array_find(disp->clients, c, NULL))
            return;
        if (events & (VIR_EVENT_HANDLE_READABLE | VIR_EVENT_HANDLE_HANGUP |
                      VIR_EVENT_HANDLE_ERROR)) {
            unsigned char buf[4096];
            ssize_t n = recv(fd, buf, sizeof(buf), 0);

            if (n > 0) {
                g_byte_array_append(c->in, buf, n);
                /* Compose first: a frame sent in reply shows the
                 * domain as it is now. */
                vxlSimDisplayCompose(disp, &facts);
                ok = c->in->len <= VXL_SIM_CLIENT_MAX_IN &&
                     vxlSimClientProcess(c);
                /* What it typed shows at once on a waiting request. */
                vxlSimDisplayCompose(disp, &facts);
                if (ok && c->updateWanted && c->sentFrame != disp->frame)
                    vxlSimClientSendFrame(c);
            } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                ok = false;
            }
        }
        if (ok)
            ok = vxlSimClientFlush(c);
        if (!ok)
            vxlSimClientDrop(c);
        else
            vxlSimClientUpdateWatch(c);
    }
}

static void
vxlSimDisplayAccept(int watch G_GNUC_UNUSED, int fd, int events G_GNUC_UNUSED,
                    void *opaque)
{
    vxlSimDisplay *disp = opaque;
    vxlSimClient *c;
    int cfd;
    int one = 1;

    if ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) < 0)
        return;
    ignore_value(setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)));

    VIR_WITH_MUTEX_LOCK_GUARD(&disp->lock) {
        if (disp->closed) {
            VIR_FORCE_CLOSE(cfd);
            return;
        }
        c = g_new0(vxlSimClient, 1);
        c->disp = vxlSimDisplayRef(disp);
        c->fd = cfd;
        c->watch = -1;
        c->in = g_byte_array_new();
        c->out = g_byte_array_new();
        c->pf = (vxlRfbPixelFormat){ 32, false, 255, 255, 255, 16, 8, 0 };
        c->sentFrame = (unsigned long long)-1;
        if (virRandomBytes(c->challenge, sizeof(c->challenge)) < 0) {
            virResetLastError();
            vxlSimClientFree(c);
            return;
        }
        g_byte_array_append(c->out, (const unsigned char *)"RFB 003.008\n", 12);
        if ((c->watch = virEventAddHandle(cfd, VIR_EVENT_HANDLE_READABLE |
                                          VIR_EVENT_HANDLE_WRITABLE,
                                          vxlSimClientEvent, c,
                                          vxlSimClientFree)) < 0) {
            virResetLastError();
            vxlSimClientFree(c);
            return;
        }
        g_ptr_array_add(disp->clients, c);
    }
}

/* Once a second: the screen follows the model (state, memory, vCPUs),
 * and a client waiting for a change gets it. */
static void
vxlSimDisplayTick(int timer G_GNUC_UNUSED, void *opaque)
{
    vxlSimDisplay *disp = opaque;
    g_auto(vxlSimDisplayFacts) facts = { 0 };
    size_t i;

    vxlSimDisplayFactsRead(disp, &facts);
    VIR_WITH_MUTEX_LOCK_GUARD(&disp->lock) {
        if (disp->closed)
            return;
        vxlSimDisplayCompose(disp, &facts);
        for (i = 0; i < disp->clients->len; i++) {
            vxlSimClient *c = g_ptr_array_index(disp->clients, i);

            if (c->updateWanted && c->sentFrame != disp->frame) {
                vxlSimClientSendFrame(c);
                vxlSimClientUpdateWatch(c);
            }
        }
    }
}

/* The VNC server libxl's config asks for in @vnc (b_info's for an HVM
 * guest, a vfb's; NULL: a vfb that says nothing, which libxl gives VNC
 * on its defaults): false when it has none. */
static bool
vxlSimDisplayWanted(virJSONValue *vnc, const char **listen, int *display,
                    bool *findunused, const char **password)
{
    const char *flag;

    /* libxl__device_vfb_setdefault: a framebuffer serves VNC unless told
     * not to. */
    *listen = *password = NULL;
    *display = 0;
    *findunused = true;
    if (!vnc)
        return true;
    if ((flag = virJSONValueObjectGetString(vnc, "enable")) && STRNEQ(flag, "True"))
        return false;

    *listen = virJSONValueObjectGetString(vnc, "listen");
    if (virJSONValueObjectGetNumberInt(vnc, "display", display) < 0)
        *display = 0;
    flag = virJSONValueObjectGetString(vnc, "findunused");
    *findunused = !flag || STREQ(flag, "True");
    *password = virJSONValueObjectGetString(vnc, "passwd");
    return true;
}

static int
vxlSimDisplayBind(const char *address, int port)
{
    struct addrinfo hints = { 0 };
    struct addrinfo *res = NULL;
    g_autofree char *service = g_strdup_printf("%d", port);
    int fd = -1;
    int one = 1;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    if (getaddrinfo(address, service, &hints, &res) != 0 || !res)
        return -1;
    if ((fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) < 0 ||
        listen(fd, 8) < 0) {
        VIR_FORCE_CLOSE(fd);
    }
    freeaddrinfo(res);
    return fd;
}

/* The display of @dom that libxl's @vnc asks for. */
static void
vxlSimDisplayOpenOne(vxlSim *sim, vxlSimDomain *dom, virJSONValue *vnc)
{
    vxlSimDisplay *disp;
    const char *listen = NULL;
    const char *password = NULL;
    bool findunused = false;
    int display = 0;
    int port;
    int fd = -1;

    if (!vxlSimDisplayWanted(vnc, &listen, &display, &findunused, &password))
        return;
    if (!listen || !*listen)
        listen = "127.0.0.1";

    port = VXL_SIM_VNC_PORT_BASE + display;
    fd = vxlSimDisplayBind(listen, port);
    /* xl's vncunused=1: qemu walks up from the display it was given. */
    while (fd < 0 && findunused && ++port < 65536)
        fd = vxlSimDisplayBind(listen, port);
    if (fd < 0) {
        VIR_WARN("the VNC display of simulated domain %s cannot listen on %s port %d (%s); it runs without one",
                 dom->name, listen, port, g_strerror(errno));
        return;
    }

    vxlSimFontLoad();
    disp = g_new0(vxlSimDisplay, 1);
    disp->refs = 1;                /* the domain's */
    disp->sim = vxlSimRef(sim);
    disp->domid = dom->domid;
    disp->life = dom->life;
    disp->listenFd = fd;
    disp->listenWatch = -1;
    disp->timer = -1;
    disp->clients = g_ptr_array_new();
    disp->password = g_strdup(password && *password ? password : NULL);
    disp->name = g_strdup(dom->name);
    if (virMutexInit(&disp->lock) < 0) {
        VIR_FORCE_CLOSE(fd);
        virResetLastError();
        vxlSimDisplayUnref(disp);
        return;
    }

    /* The screen is composed in the event loop (it takes the model's
     * lock, which the caller holds now). */
    if ((disp->listenWatch = virEventAddHandle(fd, VIR_EVENT_HANDLE_READABLE,
                                               vxlSimDisplayAccept,
                                               vxlSimDisplayRef(disp),
                                               vxlSimDisplayUnref)) < 0) {
        vxlSimDisplayUnref(disp);
        virResetLastError();
        VIR_FORCE_CLOSE(fd);
        vxlSimDisplayUnref(disp);
        VIR_DEBUG("no event loop: no VNC display for %s", dom->name);
        return;
    }
    if ((disp->timer = virEventAddTimeout(1000, vxlSimDisplayTick,
                                          vxlSimDisplayRef(disp),
                                          vxlSimDisplayUnref)) < 0) {
        vxlSimDisplayUnref(disp);
        virResetLastError();
    }
    VIR_DEBUG("VNC display of %s on %s port %d%s", dom->name, listen, port,
              disp->password ? " with a password" : "");
    dom->display = disp;
}


void
vxlSimDisplayOpen(vxlSim *sim, vxlSimDomain *dom)
{
    virJSONValue *vfbs;

    if (!dom->config || dom->display)
        return;
    if (dom->type == LIBXL_DOMAIN_TYPE_HVM) {
        virJSONValue *hvm = virJSONValueObjectGetObject(
            virJSONValueObjectGetObject(dom->config, "b_info"), "type.hvm");
        virJSONValue *vnc = hvm ? virJSONValueObjectGetObject(hvm, "vnc") : NULL;
        const char *flag = vnc ? virJSONValueObjectGetString(vnc, "enable") : NULL;

        /* The translation always says whether an HVM guest has VNC. */
        if (flag && STREQ(flag, "True"))
            vxlSimDisplayOpenOne(sim, dom, vnc);
        return;
    }
    /* The first framebuffer's alone, as libxl_dm.c's device model
     * arguments (see the top of this file). */
    if ((vfbs = virJSONValueObjectGetArray(dom->config, "vfbs")) &&
        virJSONValueArraySize(vfbs) > 0)
        vxlSimDisplayOpenOne(sim, dom,
                             virJSONValueObjectGetObject(virJSONValueArrayGet(vfbs, 0), "vnc"));
}


void
vxlSimDisplayClose(vxlSimDisplay *disp)
{
    if (!disp)
        return;
    VIR_WITH_MUTEX_LOCK_GUARD(&disp->lock) {
        disp->closed = true;
        while (disp->clients->len > 0)
            vxlSimClientDrop(g_ptr_array_index(disp->clients, 0));
        if (disp->timer >= 0)
            virEventRemoveTimeout(disp->timer);
        if (disp->listenWatch >= 0)
            virEventRemoveHandle(disp->listenWatch);
        VIR_FORCE_CLOSE(disp->listenFd);
    }
    vxlSimDisplayUnref(disp);
}
