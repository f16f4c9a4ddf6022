/*
 * render_common.c - what the renderer's commands (bake, export-gltf) share:
 * the block palette from a pack's "color" fields, and opening a save with
 * its pack for rendering.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc.h"

bool qc_palette(const qr_pack *pack, qm_palette *pal)
{
    pal->rgb = NULL;
    pal->count = 0;
    uint32_t n = pack ? pack->count : 0;
    if (n == 0)
        return true;
    pal->rgb = calloc(n, sizeof *pal->rgb);
    if (!pal->rgb)
        return false;
    for (uint32_t id = 0; id < n; id++) {
        if (pack->color && pack->has_color && pack->has_color[id]) {
            for (int k = 0; k < 3; k++)
                pal->rgb[id][k] = pack->color[id][k];
        } else {
            /* No colour in the pack: a grey that tells neighbouring ids apart. */
            uint8_t g = (uint8_t)(96 + (id * 37u) % 128u);
            pal->rgb[id][0] = pal->rgb[id][1] = pal->rgb[id][2] = g;
        }
    }
    pal->count = n;
    return true;
}

void qc_palette_free(qm_palette *pal)
{
    if (!pal)
        return;
    free(pal->rgb);
    pal->rgb = NULL;
    pal->count = 0;
}

int qc_render_open_save(const char *cmd, const char *dir, const char *pack_path,
                        qc_render_world *r)
{
    memset(r, 0, sizeof *r);
    qr_error perr;
    if (qr_pack_load(&r->pack, pack_path, &perr) != QR_OK) {
        qr_error_print(&perr, stderr);
        return QC_EXIT_USAGE;
    }
    if (!qc_palette(r->pack, &r->pal)) {
        fprintf(stderr, "quarry %s: out of memory\n", cmd);
        qc_render_close(r);
        return QC_EXIT_USAGE;
    }
    qs_error e;
    if (qs_load(qs_io_posix(), dir, &r->pack->registry, NULL, false, &r->w, NULL, &e) != QS_OK) {
        char msg[1024];
        qs_error_format(&e, msg, sizeof msg);
        fprintf(stderr, "quarry %s: %s: %s\n", cmd, dir, msg);
        qc_render_close(r);
        return QC_EXIT_USAGE;
    }
    return QC_EXIT_OK;
}

void qc_render_close(qc_render_world *r)
{
    qk_world_destroy(r->w);
    qc_palette_free(&r->pal);
    qr_pack_free(r->pack);
    memset(r, 0, sizeof *r);
}
