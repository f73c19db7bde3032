/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sim_screen.c: the simulated guests' display, as the device model's
 * screendump writes it: a binary PPM (P6) of the framebuffer.
 *
 * A simulated guest has no pixels of its own, so its screen shows what
 * the model knows of it, in a 5x7 font: its name, its state, the resets
 * and NMIs it has seen and the text typed on its keyboard. The same
 * facts go into the image's header as a comment, one "key=value" each,
 * so that tests can read them without reading pixels.
 */
#include "vxl_internal.h"

#include "sim_priv.h"
#include "virerror.h"
#include "virfile.h"

#include <fcntl.h>

#define VIR_FROM_THIS VIR_FROM_LIBXL

#define VXL_SIM_SCREEN_WIDTH 320
#define VXL_SIM_SCREEN_HEIGHT 120
#define VXL_SIM_GLYPH_SCALE 2
#define VXL_SIM_CELL_W (6 * VXL_SIM_GLYPH_SCALE)
#define VXL_SIM_CELL_H (9 * VXL_SIM_GLYPH_SCALE)

typedef struct {
    char ch;
    unsigned char rows[7];         /* bit 4 is the leftmost column */
} vxlSimGlyph;

static const vxlSimGlyph vxlSimFont[] = {
    { '-', { 0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00 } },
    { '.', { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c } },
    { '/', { 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00 } },
    { '0', { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e } },
    { '1', { 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e } },
    { '2', { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f } },
    { '3', { 0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e } },
    { '4', { 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 } },
    { '5', { 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e } },
    { '6', { 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e } },
    { '7', { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
    { '8', { 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e } },
    { '9', { 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c } },
    { ':', { 0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00 } },
    { '?', { 0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04 } },
    { 'A', { 0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 } },
    { 'B', { 0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e } },
    { 'C', { 0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e } },
    { 'D', { 0x1e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1e } },
    { 'E', { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f } },
    { 'F', { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10 } },
    { 'G', { 0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f } },
    { 'H', { 0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 } },
    { 'I', { 0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e } },
    { 'J', { 0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c } },
    { 'K', { 0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11 } },
    { 'L', { 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f } },
    { 'M', { 0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11 } },
    { 'N', { 0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11 } },
    { 'O', { 0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e } },
    { 'P', { 0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10 } },
    { 'Q', { 0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d } },
    { 'R', { 0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11 } },
    { 'S', { 0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e } },
    { 'T', { 0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 } },
    { 'U', { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e } },
    { 'V', { 0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04 } },
    { 'W', { 0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a } },
    { 'X', { 0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11 } },
    { 'Y', { 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04, 0x04 } },
    { 'Z', { 0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f } },
    { '_', { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f } },
};

static const unsigned char *
vxlSimGlyphRows(char ch)
{
    size_t i;

    ch = g_ascii_toupper(ch);
    for (i = 0; i < G_N_ELEMENTS(vxlSimFont); i++) {
        if (vxlSimFont[i].ch == ch)
            return vxlSimFont[i].rows;
    }
    return NULL;                   /* space, or a character without glyph */
}

typedef struct {
    unsigned char *px;             /* RGB, row by row */
    unsigned char fg[3];
} vxlSimCanvas;

static void
vxlSimCanvasText(vxlSimCanvas *c, unsigned int line, const char *text)
{
    unsigned int x0 = 4;
    unsigned int y0 = 4 + line * VXL_SIM_CELL_H;
    size_t i;

    for (i = 0; text[i]; i++) {
        const unsigned char *rows = vxlSimGlyphRows(text[i]);
        unsigned int gx = x0 + i * VXL_SIM_CELL_W;
        unsigned int r;
        unsigned int col;

        if (gx + VXL_SIM_CELL_W > VXL_SIM_SCREEN_WIDTH)
            break;
        if (!rows)
            continue;
        for (r = 0; r < 7 * VXL_SIM_GLYPH_SCALE; r++) {
            for (col = 0; col < 5 * VXL_SIM_GLYPH_SCALE; col++) {
                unsigned int y = y0 + r;
                unsigned char *p;

                if (!(rows[r / VXL_SIM_GLYPH_SCALE] &
                      (0x10 >> (col / VXL_SIM_GLYPH_SCALE))) ||
                    y >= VXL_SIM_SCREEN_HEIGHT)
                    continue;
                p = c->px + 3 * (y * VXL_SIM_SCREEN_WIDTH + gx + col);
                memcpy(p, c->fg, 3);
            }
        }
    }
}

/* The screen of @dom (lock held) as a PPM image. */
static GString *
vxlSimScreenRender(const vxlSimDomain *dom)
{
    const vxlSimControl *ctl = dom->control;
    bool asleep = dom->state == VXL_DOMSTATE_SHUTDOWN &&
                  dom->reason == VXL_SHUTDOWN_SUSPEND;
    const char *state = asleep ? "suspended" :
                        dom->state == VXL_DOMSTATE_PAUSED ? "paused" : "running";
    g_autofree unsigned char *px = g_new0(unsigned char,
                                          3 * VXL_SIM_SCREEN_WIDTH *
                                          VXL_SIM_SCREEN_HEIGHT);
    vxlSimCanvas c = { .px = px, .fg = { 0xc0, 0xc0, 0xc0 } };
    g_autofree char *l1 = NULL;
    g_autofree char *l2 = NULL;
    g_autofree char *l3 = NULL;
    g_autofree char *l4 = NULL;
    GString *img = g_string_new(NULL);
    unsigned int resets = ctl ? ctl->resets : 0;
    unsigned int nmis = ctl ? ctl->nmis : 0;
    const char *typed = ctl ? ctl->typed : "";

    /* A guest asleep in S3 drives no display: the screen is black. */
    if (!asleep) {
        l1 = g_strdup_printf("%s", dom->name);
        l2 = g_strdup_printf("state %s", state);
        l3 = g_strdup_printf("resets %u nmis %u", resets, nmis);
        l4 = g_strdup_printf("typed %s", typed);
        vxlSimCanvasText(&c, 0, l1);
        vxlSimCanvasText(&c, 1, l2);
        vxlSimCanvasText(&c, 2, l3);
        vxlSimCanvasText(&c, 3, l4);
    }

    g_string_append(img, "P6\n");
    g_string_append_printf(img, "# virtxl-sim domain=%s\n", dom->name);
    g_string_append_printf(img, "# virtxl-sim state=%s\n", state);
    g_string_append_printf(img, "# virtxl-sim resets=%u\n", resets);
    g_string_append_printf(img, "# virtxl-sim nmis=%u\n", nmis);
    g_string_append_printf(img, "# virtxl-sim typed=%s\n", typed);
    g_string_append_printf(img, "%d %d\n255\n", VXL_SIM_SCREEN_WIDTH,
                           VXL_SIM_SCREEN_HEIGHT);
    g_string_append_len(img, (const char *)px,
                        3 * VXL_SIM_SCREEN_WIDTH * VXL_SIM_SCREEN_HEIGHT);
    return img;
}

/* Whether @dom was built with a display (its stored libxl config, as
 * vxlBackendHasDisplay reads a libxl_domain_config). */
static bool
vxlSimHasDisplay(const vxlSimDomain *dom)
{
    virJSONValue *b;
    virJSONValue *hvm;
    virJSONValue *vga;
    virJSONValue *vfbs;
    const char *s;

    if (!dom->config)
        return false;
    if (dom->type != LIBXL_DOMAIN_TYPE_HVM) {
        vfbs = virJSONValueObjectGetArray(dom->config, "vfbs");
        return vfbs && virJSONValueArraySize(vfbs) > 0;
    }
    if (!(b = virJSONValueObjectGetObject(dom->config, "b_info")) ||
        !(hvm = virJSONValueObjectGetObject(b, "type.hvm")))
        return true;               /* all defaults: a VGA card */
    if ((s = virJSONValueObjectGetString(hvm, "nographic")) && STREQ(s, "True"))
        return false;
    if ((vga = virJSONValueObjectGetObject(hvm, "vga")) &&
        (s = virJSONValueObjectGetString(vga, "kind")) && STREQ(s, "none"))
        return false;
    return true;
}

int
vxlSimDomainScreenshot(vxlBackend *be, uint32_t domid, const char *path)
{
    vxlSim *sim = vxlSimGet(be);
    g_autoptr(GString) img = NULL;
    g_autofree char *name = NULL;
    int fd = -1;

    VIR_WITH_MUTEX_LOCK_GUARD(&sim->lock) {
        vxlSimDomain *dom;

        vxlSimCatchUp(sim, g_get_monotonic_time());
        if (!(dom = vxlSimLookup(sim, domid)))
            return -1;
        /* A guest asleep in S3 still has its display, dark. */
        if (!(dom->state == VXL_DOMSTATE_SHUTDOWN &&
              dom->reason == VXL_SHUTDOWN_SUSPEND) &&
            vxlSimCheckAlive(dom, VXL_BACKEND_OP_SCREENSHOT) < 0)
            return -1;
        if (vxlBackendScreenCheck(dom->name, domid, vxlSimHasDisplay(dom)) < 0)
            return -1;
        img = vxlSimScreenRender(dom);
        name = g_strdup(dom->name);
    }

    /* Written without the lock, as QEMU writes its dump. */
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
        safewrite(fd, img->str, img->len) != (ssize_t)img->len ||
        VIR_CLOSE(fd) < 0) {
        virReportSystemError(errno,
                             _("cannot write the screenshot of domain '%s' to '%s'"),
                             name, path);
        VIR_FORCE_CLOSE(fd);
        ignore_value(unlink(path));
        return -1;
    }
    return 0;
}
