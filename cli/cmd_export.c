/*
 * cmd_export.c - `quarry export-gltf`: a world's greedy meshes as one glTF
 * 2.0 binary (adapters/render, qm_export_glb), from a scenario replayed
 * through tick T or from a save directory.
 *
 * The scenario case watches the run through qr_run's on_tick hook and
 * exports the world as it is right after tick T's step; the hook only
 * reads the world, so the run (and its event stream) is what `quarry run`
 * would produce.  Colours come from the pack's "color" fields.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc.h"

const char qc_help_export_gltf[] =
    "usage: quarry export-gltf SCENARIO --tick T -o OUT.glb [--pack-dir DIR]\n"
    "       quarry export-gltf --save DIR -o OUT.glb [--pack FILE]\n"
    "\n"
    "Writes every loaded chunk column's greedy mesh as a glTF 2.0 binary (.glb):\n"
    "one mesh per column, positions in world blocks, vertex colours from the\n"
    "pack's block \"color\" fields with a fixed shade per face direction.  The\n"
    "file is written atomically and its bytes depend only on the world and the\n"
    "pack.\n"
    "\n"
    "  --tick T         export the world after tick T's step (T below the\n"
    "                   scenario's \"ticks\")\n"
    "  -o, --out FILE   the .glb to write (required)\n"
    "  --pack-dir DIR   where <pack>.json is found (default: SCENARIO's dir/../packs)\n"
    "  --save DIR       export a save directory instead of a scenario\n"
    "  --pack FILE      (with --save) the pack the save was made with\n"
    "                   (default: packs/default.json)\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage, bad input or a file that cannot be written.\n";

typedef struct exporter {
    uint64_t tick;
    const char *out;
    const qm_palette *pal;
    bool seen;
    int rc;
    char why[600];
} exporter;

static void on_tick(void *ud, const qk_world *w, uint64_t tick)
{
    exporter *e = ud;
    if (tick != e->tick || e->seen)
        return;
    e->seen = true;
    e->rc = qm_export_glb(w, e->pal, e->out, e->why, sizeof e->why);
}

static int export_scenario(const char *path, const char *pack_dir, uint64_t tick,
                           const char *out)
{
    qr_scenario *sc = qc_load_scenario(path, pack_dir);
    if (!sc)
        return QC_EXIT_USAGE;
    int rc = QC_EXIT_OK;
    qm_palette pal = {0};
    if (tick >= sc->ticks) {
        fprintf(stderr, "quarry export-gltf: %s: tick %" PRIu64 " is past the end: the scenario "
                "runs ticks 0 to %" PRIu64 "\n", path, tick, sc->ticks ? sc->ticks - 1 : 0);
        rc = QC_EXIT_USAGE;
        goto out;
    }
    if (!qc_palette(sc->pack, &pal)) {
        fprintf(stderr, "quarry export-gltf: out of memory\n");
        rc = QC_EXIT_USAGE;
        goto out;
    }
    exporter e = {.tick = tick, .out = out, .pal = &pal};
    qr_run_opts ro = {.ticks = tick + 1, .on_tick = on_tick, .hook_ud = &e};
    qr_run_result res;
    qr_error err;
    qr_status st = qr_run(sc, &ro, &res, &err);
    qr_run_result_free(&res);
    if (st) {
        qr_error_print(&err, stderr);
        rc = qc_exit_for(st);
    } else if (!e.seen) {
        fprintf(stderr, "quarry export-gltf: %s: the run stopped before tick %" PRIu64 "\n",
                path, tick);
        rc = QC_EXIT_USAGE;
    } else if (e.rc != 0) {
        fprintf(stderr, "quarry export-gltf: %s\n", e.why);
        rc = QC_EXIT_USAGE;
    }
out:
    qc_palette_free(&pal);
    qr_scenario_free(sc);
    return rc;
}

static int export_save(const char *dir, const char *pack_path, const char *out)
{
    qc_render_world r;
    int rc = qc_render_open_save("export-gltf", dir, pack_path, &r);
    if (rc)
        return rc;
    char why[600];
    if (qm_export_glb(r.w, &r.pal, out, why, sizeof why) != 0) {
        fprintf(stderr, "quarry export-gltf: %s\n", why);
        rc = QC_EXIT_USAGE;
    }
    qc_render_close(&r);
    return rc;
}

int qc_cmd_export_gltf(int argc, char **argv)
{
    const char *scenario = NULL, *pack_dir = NULL, *pack = NULL, *save = NULL, *out = NULL, *v;
    uint64_t tick = 0;
    bool have_tick = false;
    for (int i = 1; i < argc; i++) {
        int m;
        const char *a = argv[i];
        if ((m = qc_opt("export-gltf", argc, argv, &i, "--tick", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            if (!qc_parse_u64(v, &tick))
                return qc_usage("export-gltf", "--tick wants a tick number, got '%s'", v);
            have_tick = true;
        } else if ((m = qc_opt("export-gltf", argc, argv, &i, "--out", &v)) != 0 ||
                   (m = qc_opt("export-gltf", argc, argv, &i, "-o", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            out = v;
        } else if ((m = qc_opt("export-gltf", argc, argv, &i, "--pack-dir", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            pack_dir = v;
        } else if ((m = qc_opt("export-gltf", argc, argv, &i, "--pack", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            pack = v;
        } else if ((m = qc_opt("export-gltf", argc, argv, &i, "--save", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            save = v;
        } else if (a[0] == '-' && a[1]) {
            return qc_usage("export-gltf", "unknown option '%s'", a);
        } else if (!scenario) {
            scenario = a;
        } else {
            return qc_usage("export-gltf", "one scenario at a time (got '%s' too)", a);
        }
    }
    if (!out)
        return qc_usage("export-gltf", "where to? (-o OUT.glb)");
    if (save) {
        if (scenario || have_tick || pack_dir)
            return qc_usage("export-gltf", "--save DIR takes no SCENARIO, --tick or --pack-dir");
        return export_save(save, pack ? pack : "packs/default.json", out);
    }
    if (!scenario)
        return qc_usage("export-gltf", "wants SCENARIO --tick T -o OUT.glb, or --save DIR");
    if (pack)
        return qc_usage("export-gltf", "--pack goes with --save; scenarios name their pack "
                        "(use --pack-dir)");
    if (!have_tick)
        return qc_usage("export-gltf", "which tick? (--tick T)");
    return export_scenario(scenario, pack_dir, tick, out);
}
