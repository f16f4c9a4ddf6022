/*
 * test_bake.c - the GL half of the offscreen baker (qm_bake, qm_write_png)
 * on Mesa's llvmpipe, in one process:
 *
 *   - the same world at noon and at midnight gives different images with
 *     no mesh rebuild and no light upload between them (the sky scalar is a
 *     uniform); baking twice gives the same bytes;
 *   - replaying torch.jsonl and baking after every tick, the mesh build
 *     and light upload counts move exactly by the number of columns whose
 *     geometry / light revision moved, and some tick changes a column's
 *     light and not its blocks (a torch beside a chunk border): its light
 *     is re-uploaded, its mesh is not rebuilt;
 *   - PNG round trip through libpng, deterministic bytes, errors reported.
 *
 * Golden images of the whole command are bake_test.sh's.  The driver is
 * pinned first (render_util.h) so LeakSanitizer sees Mesa's allocations.
 *
 * usage: test_bake SOURCE_DIR TMPDIR
 */
#include <stdlib.h>
#include <string.h>

#include <GLES3/gl3.h>

#include "../check.h"
#include "quarry/qm.h"
#include "quarry/qr.h"
#include "render_util.h"

static const char *src_dir, *tmp_dir;

/* A palette of distinct greys: the tests here compare a world with itself. */
static qm_palette grey_palette(uint8_t (*rgb)[3], uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        rgb[i][0] = rgb[i][1] = rgb[i][2] = (uint8_t)(60 + (i * 37) % 180);
    return (qm_palette){rgb, n};
}

static qr_scenario *load(const char *name)
{
    char path[1024], packs[1024];
    snprintf(path, sizeof path, "%s/scenarios/%s.jsonl", src_dir, name);
    snprintf(packs, sizeof packs, "%s/packs", src_dir);
    qr_scenario *sc = NULL;
    qr_error err;
    qr_scenario_opts so = {packs, NULL};
    if (qr_scenario_load(&sc, path, &so, &err) != QR_OK) {
        qr_error_print(&err, stderr);
        return NULL;
    }
    return sc;
}

/* ------------------------------------------------------------------ */

typedef struct day_night {
    qm_baker *b;
    qm_palette pal;
    uint8_t *noon, *night, *again;
    qm_bake_stats after_noon, after_night;
} day_night;

enum { DW = 64, DH = 48 };

static void day_night_tick(void *ud, const qk_world *w, uint64_t tick)
{
    day_night *d = ud;
    qm_bake_opts o = {.width = DW, .height = DH, .orbit = true};
    char why[256];
    if (tick == 720) { /* noon: start_time 0, a 1440-tick day */
        CHECK_INT(qm_bake(d->b, w, &d->pal, &o, d->noon, why, sizeof why), 0);
        qm_baker_stats(d->b, &d->after_noon);
    } else if (tick == 1439) { /* a minute before midnight */
        CHECK_INT(qm_bake(d->b, w, &d->pal, &o, d->night, why, sizeof why), 0);
        qm_baker_stats(d->b, &d->after_night);
        CHECK_INT(qm_bake(d->b, w, &d->pal, &o, d->again, why, sizeof why), 0);
    }
}

static void test_noon_midnight(qm_baker *b, qm_palette pal)
{
    qr_scenario *sc = load("day_night");
    CHECK(sc != NULL);
    if (!sc)
        return;
    day_night d = {.b = b, .pal = pal, .noon = calloc(DW * DH, 4),
                   .night = calloc(DW * DH, 4), .again = calloc(DW * DH, 4)};
    qm_bake_stats before;
    qm_baker_stats(b, &before);
    qr_run_opts ro = {.ticks = 1440, .on_tick = day_night_tick, .hook_ud = &d};
    qr_run_result res;
    qr_error err;
    CHECK_INT(qr_run(sc, &ro, &res, &err), QR_OK);
    qr_run_result_free(&res);
    CHECK_U64(d.after_noon.draws, before.draws + 1);
    CHECK_U64(d.after_night.draws, before.draws + 2);
    /* No edits in day_night: the second bake rebuilds and uploads nothing. */
    CHECK_U64(d.after_night.mesh_builds, d.after_noon.mesh_builds);
    CHECK_U64(d.after_night.light_uploads, d.after_noon.light_uploads);
    size_t differ = ru_compare(d.noon, d.night, DW, DH, 8, "noon vs midnight (expected)", stdout);
    CHECK(differ > DW * DH / 4); /* the sky scalar changes most of the picture */
    size_t mean_noon = 0, mean_night = 0;
    for (size_t i = 0; i < (size_t)DW * DH * 4; i++)
        if (i % 4 != 3) {
            mean_noon += d.noon[i];
            mean_night += d.night[i];
        }
    CHECK(mean_night < mean_noon / 2);
    CHECK(memcmp(d.night, d.again, (size_t)DW * DH * 4) == 0); /* deterministic */

    /* PNG: round trip, same bytes twice, a write that cannot happen. */
    char p1[1024], p2[1024], why[256];
    snprintf(p1, sizeof p1, "%s/bake_a.png", tmp_dir);
    snprintf(p2, sizeof p2, "%s/bake_b.png", tmp_dir);
    CHECK_INT(qm_write_png(p1, d.night, DW, DH, why, sizeof why), 0);
    CHECK_INT(qm_write_png(p2, d.night, DW, DH, why, sizeof why), 0);
    uint32_t w = 0, h = 0;
    uint8_t *px = ru_read_png(p1, &w, &h, why, sizeof why);
    CHECK(px != NULL);
    CHECK_INT(w, DW);
    CHECK_INT(h, DH);
    CHECK(px && memcmp(px, d.night, (size_t)DW * DH * 4) == 0);
    free(px);
    FILE *f1 = fopen(p1, "rb"), *f2 = fopen(p2, "rb");
    CHECK(f1 && f2);
    if (f1 && f2) {
        int c1, c2;
        do {
            c1 = fgetc(f1);
            c2 = fgetc(f2);
        } while (c1 == c2 && c1 != EOF);
        CHECK(c1 == c2);
    }
    if (f1) fclose(f1);
    if (f2) fclose(f2);
    why[0] = 0;
    CHECK_INT(qm_write_png("/nonexistent-dir/x.png", d.night, DW, DH, why, sizeof why), -1);
    CHECK(strstr(why, "/nonexistent-dir/x.png") != NULL);
    CHECK_INT(qm_write_png(p1, d.night, 0, DH, why, sizeof why), -1);
    free(d.noon);
    free(d.night);
    free(d.again);
    qr_scenario_free(sc);
}

/* ------------------------------------------------------------------ */

#define MAXCOLS 64

typedef struct light_only {
    qm_baker *b;
    qm_palette pal;
    uint8_t *rgba;
    qk_chunk_revs revs[MAXCOLS];
    bool have;
    unsigned light_only_ticks, edit_ticks, mismatches;
} light_only;

static void light_only_tick(void *ud, const qk_world *w, uint64_t tick)
{
    light_only *s = ud;
    const qk_world_config *wc = qk_world_config_of(w);
    qk_chunk_revs now[MAXCOLS];
    unsigned geo = 0, lit = 0, n = 0;
    bool light_alone = false;
    for (int32_t cz = wc->cz_min; cz <= wc->cz_max; cz++)
        for (int32_t cx = wc->cx_min; cx <= wc->cx_max && n < MAXCOLS; cx++, n++) {
            qk_chunk_revisions(w, cx, cz, &now[n]);
            if (!s->have)
                continue;
            bool g = now[n].geometry != s->revs[n].geometry, l = now[n].light != s->revs[n].light;
            geo += g;
            lit += l;
            light_alone |= l && !g;
        }
    qm_bake_stats before, after;
    qm_baker_stats(s->b, &before);
    qm_bake_opts o = {.width = 24, .height = 16, .orbit = true};
    char why[256];
    CHECK_INT(qm_bake(s->b, w, &s->pal, &o, s->rgba, why, sizeof why), 0);
    qm_baker_stats(s->b, &after);
    if (s->have) {
        if (after.mesh_builds - before.mesh_builds != geo ||
            after.light_uploads - before.light_uploads != lit) {
            s->mismatches++;
            printf("tick %llu: %u geometry and %u light revisions moved; %llu meshes built, "
                   "%llu light textures uploaded\n", (unsigned long long)tick, geo, lit,
                   (unsigned long long)(after.mesh_builds - before.mesh_builds),
                   (unsigned long long)(after.light_uploads - before.light_uploads));
        }
        s->edit_ticks += geo > 0;
        s->light_only_ticks += light_alone;
    }
    memcpy(s->revs, now, sizeof now);
    s->have = true;
}

static void test_light_only(qm_baker *b, qm_palette pal)
{
    qr_scenario *sc = load("torch");
    CHECK(sc != NULL);
    if (!sc)
        return;
    light_only s = {.b = b, .pal = pal, .rgba = calloc(24 * 16, 4)};
    qr_run_opts ro = {.on_tick = light_only_tick, .hook_ud = &s};
    qr_run_result res;
    qr_error err;
    CHECK_INT(qr_run(sc, &ro, &res, &err), QR_OK);
    qr_run_result_free(&res);
    CHECK_INT(s.mismatches, 0);
    CHECK(s.edit_ticks > 0);
    printf("torch: %u ticks with edits, %u with a column whose light moved and blocks did not\n",
           s.edit_ticks, s.light_only_ticks);
    CHECK(s.light_only_ticks > 0);
    free(s.rgba);
    qr_scenario_free(sc);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_bake SOURCE_DIR TMPDIR\n");
        return 2;
    }
    src_dir = argv[1];
    tmp_dir = argv[2];
    const char *pinned = ru_keep_mesa_loaded();
    printf("Mesa driver pinned for LeakSanitizer: %s\n", pinned ? pinned : "(none found)");
    char why[512];
    qm_baker *b = qm_baker_open(why, sizeof why);
    if (!b) {
        fprintf(stderr, "test_bake: no renderer: %s\n", why);
        return 1;
    }
    /* What the pictures depend on, for the log (docs/architecture.md). */
    printf("GL_RENDERER: %s\nGL_VERSION: %s\nGL_SHADING_LANGUAGE_VERSION: %s\n",
           (const char *)glGetString(GL_RENDERER), (const char *)glGetString(GL_VERSION),
           (const char *)glGetString(GL_SHADING_LANGUAGE_VERSION));
    static uint8_t rgb[256][3];
    qm_palette pal = grey_palette(rgb, 256);
    test_noon_midnight(b, pal);
    test_light_only(b, pal);
    qm_baker_close(b);
    return qt_report();
}
