/*
 * report_pictures.c - the QA report's pictures: each scenario's world after
 * its last tick, baked offscreen (adapters/render) and embedded in the page
 * as a PNG data URI, so the report stays one self-contained file.
 *
 * It runs after every check is done, on the main thread: a GL context
 * belongs to one thread, and check's jobs run on -j threads.  Each scenario
 * is replayed once more (quarry bake's way: a hook bakes at the last tick),
 * which costs a second run of the suite, only with --report.  When EGL or
 * GLES is missing, each scenario's slot says why instead of showing a
 * picture, and the page says the pictures are unavailable.
 */
#include <stdlib.h>
#include <string.h>

#include "qc.h"
#include "report_model.h"

#define PIC_W 320u
#define PIC_H 200u

typedef struct shot {
    qm_baker *baker;
    const qm_palette *pal;
    uint64_t last;   /* the tick to bake after */
    uint8_t *rgba;   /* PIC_W x PIC_H */
    bool done;
    char why[256];
} shot;

static void on_tick(void *ud, const qk_world *w, uint64_t tick)
{
    shot *s = ud;
    if (tick != s->last || s->done)
        return;
    qm_bake_opts o;
    memset(&o, 0, sizeof o);
    o.width = PIC_W;
    o.height = PIC_H;
    o.orbit = true;
    s->done = qm_bake(s->baker, w, s->pal, &o, s->rgba, s->why, sizeof s->why) == 0;
}

/* "data:image/png;base64,..." of the picture, or NULL with why set. */
static char *data_uri(const uint8_t *rgba, char *why, size_t cap)
{
    uint8_t *png = NULL;
    size_t len = 0;
    if (qm_png_encode(rgba, PIC_W, PIC_H, &png, &len, why, cap) != 0)
        return NULL;
    static const char prefix[] = "data:image/png;base64,";
    char *uri = malloc(sizeof prefix + qr_base64_size(len));
    if (uri) {
        memcpy(uri, prefix, sizeof prefix - 1);
        qr_base64_encode(png, len, uri + sizeof prefix - 1);
    } else {
        snprintf(why, cap, "out of memory");
    }
    free(png);
    return uri;
}

static void picture_of(qc_report_slot *slot, const char *path, const char *pack_dir,
                       qm_baker *baker, uint8_t *rgba)
{
    qr_scenario *sc = NULL;
    qr_scenario_opts so = {pack_dir, NULL};
    qr_error err;
    qm_palette pal = {NULL, 0};
    if (qr_scenario_load(&sc, path, &so, &err) != QR_OK || sc->ticks == 0 ||
        !qc_palette(sc->pack, &pal)) {
        snprintf(slot->picture_why, sizeof slot->picture_why, "the scenario did not load");
        qr_scenario_free(sc);
        return;
    }
    shot s = {baker, &pal, sc->ticks - 1, rgba, false, ""};
    qr_run_opts ro = {.on_tick = on_tick, .hook_ud = &s};
    qr_run_result res;
    if (qr_run(sc, &ro, &res, &err) == QR_OK && s.done)
        slot->picture = data_uri(rgba, slot->picture_why, sizeof slot->picture_why);
    else
        snprintf(slot->picture_why, sizeof slot->picture_why, "%s",
                 s.why[0] ? s.why : "the replay did not reach its last tick");
    qr_run_result_free(&res);
    qc_palette_free(&pal);
    qr_scenario_free(sc);
}

void qc_report_pictures(qc_report *r, char *const *paths, const char *pack_dir)
{
    char why[256] = "";
    qm_baker *baker = qm_baker_open(why, sizeof why);
    uint8_t *rgba = malloc((size_t)PIC_W * PIC_H * 4);
    for (size_t i = 0; i < r->n; i++) {
        qc_report_slot *slot = &r->slots[i];
        if (!baker || !rgba) {
            if (snprintf(slot->picture_why, sizeof slot->picture_why, "no renderer here: %s",
                         rgba ? why : "out of memory") < 0)
                slot->picture_why[0] = 0; /* cut: only a message */
        }
        else if (slot->taken && slot->ran)
            picture_of(slot, paths[i], pack_dir, baker, rgba);
        else
            snprintf(slot->picture_why, sizeof slot->picture_why, "the scenario did not run");
    }
    free(rgba);
    qm_baker_close(baker);
}
