/*
 * cmd_bake.c - `quarry bake`: a picture of a world, rendered offscreen.
 *
 * The world comes from a scenario replayed through tick T (qr_run's
 * on_tick hook bakes the world between steps, so the run is exactly
 * `quarry run`'s) or from a save directory (qs_load).  The renderer
 * (adapters/render, qm_bake) needs EGL and GLES; when they are missing
 * this command exits 2 saying so, and is the only one that does: nothing
 * else in the CLI opens a display or a GL context.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc.h"

const char qc_help_bake[] =
    "usage: quarry bake SCENARIO [--tick T] -o OUT.png [options]\n"
    "       quarry bake --save DIR [--pack FILE] -o OUT.png [options]\n"
    "\n"
    "Renders a world offscreen (EGL + OpenGL ES 3.0; Mesa's llvmpipe needs no GPU)\n"
    "and writes an 8-bit RGBA PNG (atomically).  The world is SCENARIO replayed\n"
    "through tick T (the state after tick T's step, as `quarry txn-status` sees\n"
    "it; default the last tick), or the save in DIR.\n"
    "\n"
    "  --tick T             the tick to stop after (below the scenario's \"ticks\")\n"
    "  -o OUT.png           the picture (required)\n"
    "  --size WxH           pixels (default 256x256; at most 16384 a side)\n"
    "  --camera X,Y,Z,YAW,PITCH\n"
    "                       eye in blocks, yaw in degrees (0 looks +z, 90 looks -x),\n"
    "                       pitch in degrees (positive looks down)\n"
    "  --orbit              look at the world's centre from above a corner, fitting\n"
    "                       the whole rectangle (the default without --camera)\n"
    "  --light-debug        colour by light level (a heat map) instead of blocks\n"
    "  --pack-dir DIR       where <pack>.json is found (default: SCENARIO's dir/../packs)\n"
    "  --save DIR           bake the save in DIR instead of a scenario\n"
    "  --pack FILE          with --save: the pack the save was made with\n"
    "                       (default packs/default.json)\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage, bad input, or no EGL / GLES on this machine.\n";

typedef struct bake_job {
    qm_baker *baker;
    const qm_palette *pal;
    const qm_bake_opts *opts;
    uint8_t *rgba;
    uint64_t tick;
    bool done;
    int rc;
    char why[512];
} bake_job;

static void on_tick(void *ud, const qk_world *w, uint64_t tick)
{
    bake_job *j = ud;
    if (tick != j->tick || j->done)
        return;
    j->done = true;
    j->rc = qm_bake(j->baker, w, j->pal, j->opts, j->rgba, j->why, sizeof j->why);
}

static bool parse_size(const char *s, uint32_t *w, uint32_t *h)
{
    char *end;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != 'x' || s[0] == '-' || s[0] == '+')
        return false;
    const char *t = end + 1;
    unsigned long b = strtoul(t, &end, 10);
    if (end == t || *end || t[0] == '-' || t[0] == '+')
        return false;
    if (a < 1 || b < 1 || a > 16384 || b > 16384)
        return false;
    *w = (uint32_t)a;
    *h = (uint32_t)b;
    return true;
}

static bool parse_camera(const char *s, qm_camera *c)
{
    double v[5];
    const char *p = s;
    for (int i = 0; i < 5; i++) {
        char *end;
        v[i] = strtod(p, &end);
        if (end == p || !(v[i] == v[i]) || v[i] > 1e9 || v[i] < -1e9)
            return false;
        if (i < 4 && *end != ',')
            return false;
        if (i == 4 && *end)
            return false;
        p = end + 1;
    }
    *c = (qm_camera){v[0], v[1], v[2], v[3], v[4], 0};
    return true;
}

/* The world from a save: loaded, baked, destroyed. */
static int bake_save(const char *dir, const char *pack_path, qm_baker *bk,
                     const qm_bake_opts *o, uint8_t *rgba)
{
    qc_render_world r;
    int rc = qc_render_open_save("bake", dir, pack_path, &r);
    if (rc)
        return rc;
    char why[512];
    if (qm_bake(bk, r.w, &r.pal, o, rgba, why, sizeof why) != 0) {
        fprintf(stderr, "quarry bake: %s: %s\n", dir, why);
        rc = QC_EXIT_USAGE;
    }
    qc_render_close(&r);
    return rc;
}

/* The world from a scenario replayed through tick (or its last). */
static int bake_scenario(const char *path, const char *pack_dir, bool have_tick, uint64_t tick,
                         qm_baker *bk, const qm_bake_opts *o, uint8_t *rgba)
{
    qr_scenario *sc = qc_load_scenario(path, pack_dir);
    if (!sc)
        return QC_EXIT_USAGE;
    int rc = QC_EXIT_USAGE;
    qm_palette pal = {NULL, 0};
    if (sc->ticks == 0) {
        fprintf(stderr, "quarry bake: %s: the scenario runs no ticks\n", path);
        goto out;
    }
    if (!have_tick)
        tick = sc->ticks - 1;
    if (tick >= sc->ticks) {
        fprintf(stderr, "quarry bake: %s: tick %" PRIu64 " is past the end: the scenario "
                "runs ticks 0 to %" PRIu64 "\n", path, tick, sc->ticks - 1);
        goto out;
    }
    if (!qc_palette(sc->pack, &pal)) {
        fprintf(stderr, "quarry bake: out of memory\n");
        goto out;
    }
    bake_job j = {.baker = bk, .pal = &pal, .opts = o, .rgba = rgba, .tick = tick};
    qr_run_opts ro = {.ticks = tick + 1, .on_tick = on_tick, .hook_ud = &j};
    qr_run_result res;
    qr_error err;
    qr_status st = qr_run(sc, &ro, &res, &err); /* expectations are not ours */
    qr_run_result_free(&res);
    if (st) {
        qr_error_print(&err, stderr);
        rc = qc_exit_for(st);
        goto out;
    }
    if (!j.done || j.rc != 0) {
        fprintf(stderr, "quarry bake: %s: %s\n", path,
                !j.done ? "the run stopped before the tick" : j.why);
        goto out;
    }
    rc = QC_EXIT_OK;
out:
    qc_palette_free(&pal);
    qr_scenario_free(sc);
    return rc;
}

int qc_cmd_bake(int argc, char **argv)
{
    const char *scenario = NULL, *pack_dir = NULL, *out = NULL, *save = NULL, *pack = NULL, *v;
    uint64_t tick = 0;
    bool have_tick = false, have_camera = false;
    qm_bake_opts o = {.width = 256, .height = 256};
    for (int i = 1; i < argc; i++) {
        int m;
        const char *a = argv[i];
        if ((m = qc_opt("bake", argc, argv, &i, "--tick", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            if (!qc_parse_u64(v, &tick))
                return qc_usage("bake", "--tick wants a tick number, got '%s'", v);
            have_tick = true;
        } else if ((m = qc_opt("bake", argc, argv, &i, "-o", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            out = v;
        } else if ((m = qc_opt("bake", argc, argv, &i, "--size", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            if (!parse_size(v, &o.width, &o.height))
                return qc_usage("bake", "--size wants WxH (1 to 16384 each), got '%s'", v);
        } else if ((m = qc_opt("bake", argc, argv, &i, "--camera", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            if (!parse_camera(v, &o.camera))
                return qc_usage("bake", "--camera wants X,Y,Z,YAW,PITCH (numbers), got '%s'", v);
            have_camera = true;
        } else if ((m = qc_opt("bake", argc, argv, &i, "--pack-dir", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            pack_dir = v;
        } else if ((m = qc_opt("bake", argc, argv, &i, "--save", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            save = v;
        } else if ((m = qc_opt("bake", argc, argv, &i, "--pack", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            pack = v;
        } else if (strcmp(a, "--orbit") == 0) {
            o.orbit = true;
        } else if (strcmp(a, "--light-debug") == 0) {
            o.light_debug = true;
        } else if (a[0] == '-' && a[1]) {
            return qc_usage("bake", "unknown option '%s'", a);
        } else if (!scenario) {
            scenario = a;
        } else {
            return qc_usage("bake", "too many arguments (got '%s' after SCENARIO)", a);
        }
    }
    if (!out)
        return qc_usage("bake", "where to? (-o OUT.png)");
    if (have_camera && o.orbit)
        return qc_usage("bake", "--camera and --orbit exclude each other");
    if (!have_camera)
        o.orbit = true;
    if (save && scenario)
        return qc_usage("bake", "bake a SCENARIO or a --save DIR, not both");
    if (!save && !scenario)
        return qc_usage("bake", "wants SCENARIO or --save DIR");
    if (save && (have_tick || pack_dir))
        return qc_usage("bake", "--tick and --pack-dir are for scenarios, not --save");
    if (!save && pack)
        return qc_usage("bake", "--pack is for --save (a scenario names its pack)");

    uint8_t *rgba = malloc((size_t)o.width * o.height * 4);
    if (!rgba) {
        fprintf(stderr, "quarry bake: out of memory for a %ux%u image\n", (unsigned)o.width,
                (unsigned)o.height);
        return QC_EXIT_USAGE;
    }
    char why[512];
    qm_baker *bk = qm_baker_open(why, sizeof why);
    if (!bk) {
        fprintf(stderr, "quarry bake: cannot render on this machine: %s\n", why);
        free(rgba);
        return QC_EXIT_USAGE;
    }
    int rc = save ? bake_save(save, pack ? pack : "packs/default.json", bk, &o, rgba)
                  : bake_scenario(scenario, pack_dir, have_tick, tick, bk, &o, rgba);
    qm_baker_close(bk);
    if (rc == QC_EXIT_OK && qm_write_png(out, rgba, o.width, o.height, why, sizeof why) != 0) {
        fprintf(stderr, "quarry bake: %s\n", why);
        rc = QC_EXIT_USAGE;
    }
    free(rgba);
    return rc;
}
