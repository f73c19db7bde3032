/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * domain_xmlns_vsnd.c: the grammar of xl.cfg's vsnd= (paravirtual sound
 * cards, d_config.vsnds). libvirt's domain XML has no element for a PV
 * sound frontend, so the namespace carries each card as the list of
 * strings xl.cfg gives it:
 *
 *   <virtxl:vsnd>
 *     <virtxl:item value='card, backend=0, short-name=Card'/>
 *     <virtxl:item value='pcm, name=pcm0'/>
 *     <virtxl:item value='stream, unique-id=s0, type=p'/>
 *   </virtxl:vsnd>
 *
 * A card is read here exactly as xl's parse_vsnd_item reads it
 * (tools/xl/xl_parse.c), so that what xl refuses is refused and what it
 * takes fills the libxl_device_vsnd xl fills: each item is a "card",
 * "pcm" or "stream" word, then KEY=VALUE parameters split at ','; a pcm
 * item adds a PCM, a stream item adds a stream to the last PCM (making
 * one when there is none), and parameters go to the card, the last PCM
 * or its last stream.
 */
#include "vxl_internal.h"

#include "domain_xmlns.h"

/* The parameters every level takes (libxl_vsnd_params). 1: taken,
 * 0: not one of them, -1: refused (*why set). */
static int
vxlXMLNSVsndParam(const char *tok, libxl_vsnd_params *params, char **why)
{
    const char *v;

    if ((v = STRSKIP(tok, "sample-rates="))) {
        g_auto(GStrv) all = g_strsplit(v, ";", -1);
        size_t n = 0;
        size_t i;

        for (i = 0; all[i]; i++) {
            if (*all[i])
                n++;
        }
        /* xl's string splitter dereferences the first piece, which an
         * empty list does not have: it crashes. */
        if (n == 0) {
            *why = g_strdup_printf("'%s' lists no rate", tok);
            return -1;
        }
        if (params) {
            g_free(params->sample_rates);
            params->sample_rates = g_new0(uint32_t, n);
            params->num_sample_rates = n;
            for (i = 0, n = 0; all[i]; i++) {
                if (*all[i])
                    params->sample_rates[n++] = strtoul(all[i], NULL, 0);
            }
        }
        return 1;
    }
    if ((v = STRSKIP(tok, "sample-formats="))) {
        g_auto(GStrv) all = g_strsplit(v, ";", -1);
        g_autofree libxl_vsnd_pcm_format *formats = g_new0(libxl_vsnd_pcm_format,
                                                           g_strv_length(all) + 1);
        size_t n = 0;
        size_t i;

        for (i = 0; all[i]; i++) {
            if (!*all[i])
                continue;
            /* libxl's names, any case, as libxl_vsnd_pcm_format_from_string */
            if (libxl_vsnd_pcm_format_from_string(all[i], &formats[n]) != 0) {
                *why = g_strdup_printf("'%s' is not a PCM format of libxl (S16_LE, U8, ...)",
                                       all[i]);
                return -1;
            }
            n++;
        }
        if (n == 0) {
            *why = g_strdup_printf("'%s' lists no format", tok);
            return -1;
        }
        if (params) {
            g_free(params->sample_formats);
            params->sample_formats = g_steal_pointer(&formats);
            params->num_sample_formats = n;
        }
        return 1;
    }
    if ((v = STRSKIP(tok, "channels-min="))) {
        if (params)
            params->channels_min = strtoul(v, NULL, 0);
        return 1;
    }
    if ((v = STRSKIP(tok, "channels-max="))) {
        if (params)
            params->channels_max = strtoul(v, NULL, 0);
        return 1;
    }
    if ((v = STRSKIP(tok, "buffer-size="))) {
        if (params)
            params->buffer_size = strtoul(v, NULL, 0);
        return 1;
    }
    return 0;
}


typedef enum {
    VXL_VSND_CARD,
    VXL_VSND_PCM,
    VXL_VSND_STREAM,
} vxlVsndLevel;


static bool
vxlXMLNSVsndToken(vxlVsndLevel level, const char *tok, libxl_device_vsnd *vsnd, char **why)
{
    libxl_vsnd_pcm *pcm = NULL;
    libxl_vsnd_stream *stream = NULL;
    libxl_vsnd_params *params = &vsnd->params;
    const char *v;
    int rc;

    if (level != VXL_VSND_CARD) {
        pcm = &vsnd->pcms[vsnd->num_vsnd_pcms - 1];
        params = &pcm->params;
    }
    if (level == VXL_VSND_STREAM) {
        stream = &pcm->streams[pcm->num_vsnd_streams - 1];
        params = &stream->params;
    }
    if ((rc = vxlXMLNSVsndParam(tok, params, why)) != 0)
        return rc > 0;

    switch (level) {
    case VXL_VSND_CARD:
        if ((v = STRSKIP(tok, "backend="))) {
            g_free(vsnd->backend_domname);
            vsnd->backend_domname = g_strdup(v);
            return true;
        }
        if ((v = STRSKIP(tok, "short-name="))) {
            g_free(vsnd->short_name);
            vsnd->short_name = g_strdup(v);
            return true;
        }
        if ((v = STRSKIP(tok, "long-name="))) {
            g_free(vsnd->long_name);
            vsnd->long_name = g_strdup(v);
            return true;
        }
        break;
    case VXL_VSND_PCM:
        if ((v = STRSKIP(tok, "name="))) {
            g_free(pcm->name);
            pcm->name = g_strdup(v);
            return true;
        }
        break;
    case VXL_VSND_STREAM:
        if ((v = STRSKIP(tok, "unique-id="))) {
            g_free(stream->unique_id);
            stream->unique_id = g_strdup(v);
            return true;
        }
        if ((v = STRSKIP(tok, "type="))) {
            /* P or C, any case, as libxl_vsnd_stream_type_from_string */
            if (libxl_vsnd_stream_type_from_string(v, &stream->type) != 0) {
                *why = g_strdup_printf("stream type '%s' is neither p (playback) nor c (capture)",
                                       v);
                return false;
            }
            return true;
        }
        break;
    }
    *why = g_strdup_printf("'%s' is not a parameter of a vsnd %s", tok,
                           level == VXL_VSND_CARD ? "card" :
                           level == VXL_VSND_PCM ? "pcm" : "stream");
    return false;
}


static void
vxlXMLNSVsndAddPcm(libxl_device_vsnd *vsnd)
{
    vsnd->pcms = g_renew(libxl_vsnd_pcm, vsnd->pcms, vsnd->num_vsnd_pcms + 1);
    libxl_vsnd_pcm_init(&vsnd->pcms[vsnd->num_vsnd_pcms++]);
}


static bool
vxlXMLNSVsndItem(const char *item, libxl_device_vsnd *vsnd, char **why)
{
    g_auto(GStrv) tokens = g_strsplit(item, ",", -1);
    bool haveLevel = false;
    vxlVsndLevel level = VXL_VSND_CARD;
    size_t i;

    for (i = 0; tokens[i]; i++) {
        const char *tok = tokens[i];

        if (!*tok)
            continue;   /* strtok skips empty tokens */
        while (*tok == ' ')
            tok++;
        if (haveLevel) {
            if (!vxlXMLNSVsndToken(level, tok, vsnd, why))
                return false;
            continue;
        }
        haveLevel = true;
        if (g_ascii_strcasecmp(tok, "card") == 0) {
            level = VXL_VSND_CARD;
        } else if (g_ascii_strcasecmp(tok, "pcm") == 0) {
            level = VXL_VSND_PCM;
            vxlXMLNSVsndAddPcm(vsnd);
        } else if (g_ascii_strcasecmp(tok, "stream") == 0) {
            libxl_vsnd_pcm *pcm;

            level = VXL_VSND_STREAM;
            if (vsnd->num_vsnd_pcms == 0)
                vxlXMLNSVsndAddPcm(vsnd);
            pcm = &vsnd->pcms[vsnd->num_vsnd_pcms - 1];
            pcm->streams = g_renew(libxl_vsnd_stream, pcm->streams, pcm->num_vsnd_streams + 1);
            libxl_vsnd_stream_init(&pcm->streams[pcm->num_vsnd_streams++]);
        } else {
            *why = g_strdup_printf("an item starts with card, pcm or stream, not '%s'", tok);
            return false;
        }
    }
    return true;
}


bool
vxlXMLNSSpecVsnd(const char *card, libxl_device_vsnd *out, char **why)
{
    g_auto(GStrv) items = g_strsplit(card, VXL_XMLNS_ITEM_SEP_STR, -1);
    g_autofree char *reason = NULL;
    libxl_device_vsnd vsnd;
    bool ok = true;
    size_t i;

    libxl_device_vsnd_init(&vsnd);
    for (i = 0; items[i] && ok; i++)
        ok = vxlXMLNSVsndItem(items[i], &vsnd, &reason);
    if (ok && out) {
        *out = vsnd;
        return true;
    }
    libxl_device_vsnd_dispose(&vsnd);
    if (!ok && why)
        *why = g_steal_pointer(&reason);
    return ok;
}
