/*
 * cmd_run.c - `quarry run`: replay one scenario and write its event stream.
 *
 * With -o the stream goes to a temporary file beside FILE that is renamed
 * over it only when the whole run succeeded; on any error it is removed, so
 * there is never a half-written output file.  --restore-at exercises the
 * kernel's snapshot/restore in the middle of a run, and --threads its light
 * workers; either way the output must be the same bytes as without them.
 * --save-at/--save write a save directory (adapters/region) before a tick,
 * --from resumes from one, and --reload-at round-trips through a save.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc.h"

const char qc_help_run[] =
    "usage: quarry run SCENARIO [-o FILE] [--ticks N] [--pack-dir DIR] [--restore-at T]...\n"
    "                  [--threads N] [--save-at T]... [--save DIR] [--from DIR]\n"
    "                  [--reload-at T]... [--salvage] [--heavy [--rollback K]]\n"
    "\n"
    "Replays SCENARIO and writes its canonical event stream to stdout, or to FILE\n"
    "(atomically: FILE appears only if the whole run succeeds).\n"
    "\n"
    "  -o FILE          write the stream to FILE instead of stdout\n"
    "  --ticks N        run N ticks instead of the scenario's \"ticks\" (benchmarks)\n"
    "  --pack-dir DIR   where <pack>.json is found (default: SCENARIO's dir/../packs)\n"
    "  --restore-at T   before tick T, snapshot the world, destroy it and restore it\n"
    "                   from the bytes (repeatable; the output must not change)\n"
    "  --threads N      run the kernel's light work on N worker threads (1 to 64;\n"
    "                   default 1; the output must not change)\n"
    "  --save-at T      before tick T (or after the last tick when T is the tick\n"
    "                   count), save the world into the --save directory\n"
    "                   (repeatable: each save replaces the last, crash-safely)\n"
    "  --save DIR       the save directory (created when needed)\n"
    "  --from DIR       resume from the save in DIR: the stream has the header,\n"
    "                   then the events from the save's tick on, the same lines\n"
    "                   as the straight run's; expect lines before it are skipped\n"
    "  --salvage        with --from: load a damaged save anyway; each bad region\n"
    "                   file or column is reported on stderr and comes back as\n"
    "                   generated (the stream then differs from the straight run)\n"
    "  --heavy          after every tick, snapshot and restore the world into a\n"
    "                   second one and require the same digests and bytes\n"
    "                   (heavy mode; the output must not change)\n"
    "  --rollback K     with --heavy: every K ticks also re-simulate the last K\n"
    "                   ticks from the snapshot taken before them\n"
    "  --reload-at T    before tick T, save the world, destroy it and load it\n"
    "                   back (through --save DIR, else in memory); repeatable;\n"
    "                   the output must not change\n"
    "\n"
    "Failed expect lines are listed on stderr and make the exit code 1.\n"
    "Exit codes: 0 ok, 1 an expectation failed, 2 bad usage or bad input.\n";

#define MAX_RESTORE 64

/* A repeatable tick option into list[*n]; 0 or QC_EXIT_USAGE. */
static int tick_list(const char *opt, const char *v, uint64_t *list, size_t *n)
{
    if (*n == MAX_RESTORE)
        return qc_usage("run", "at most %d %s", MAX_RESTORE, opt);
    if (!qc_parse_u64(v, &list[(*n)++]))
        return qc_usage("run", "%s wants a tick number, got '%s'", opt, v);
    return 0;
}

int qc_cmd_run(int argc, char **argv)
{
    const char *scenario = NULL, *out = NULL, *pack_dir = NULL, *v;
    const char *save_dir = NULL, *from_dir = NULL;
    bool salvage = false, heavy = false;
    uint32_t rollback = 0;
    uint64_t ticks = 0, restore[MAX_RESTORE], reload[MAX_RESTORE], save_at[MAX_RESTORE];
    size_t nrestore = 0, nreload = 0, nsave = 0;
    unsigned threads = 1;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = qc_opt("run", argc, argv, &i, "-o", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            out = v;
        } else if ((m = qc_opt("run", argc, argv, &i, "--ticks", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            if (!qc_parse_u64(v, &ticks) || ticks == 0)
                return qc_usage("run", "--ticks wants a positive integer, got '%s'", v);
        } else if ((m = qc_opt("run", argc, argv, &i, "--pack-dir", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            pack_dir = v;
        } else if ((m = qc_opt("run", argc, argv, &i, "--restore-at", &v)) != 0) {
            if (m < 0 || tick_list("--restore-at", v, restore, &nrestore)) return QC_EXIT_USAGE;
        } else if ((m = qc_opt("run", argc, argv, &i, "--reload-at", &v)) != 0) {
            if (m < 0 || tick_list("--reload-at", v, reload, &nreload)) return QC_EXIT_USAGE;
        } else if ((m = qc_opt("run", argc, argv, &i, "--save-at", &v)) != 0) {
            if (m < 0 || tick_list("--save-at", v, save_at, &nsave)) return QC_EXIT_USAGE;
        } else if ((m = qc_opt("run", argc, argv, &i, "--save", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            save_dir = v;
        } else if (strcmp(argv[i], "--salvage") == 0) {
            salvage = true;
        } else if (strcmp(argv[i], "--heavy") == 0) {
            heavy = true;
        } else if ((m = qc_opt("run", argc, argv, &i, "--rollback", &v)) != 0) {
            if (m < 0 || qc_parse_rollback("run", v, &rollback)) return QC_EXIT_USAGE;
        } else if ((m = qc_opt("run", argc, argv, &i, "--from", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            from_dir = v;
        } else if ((m = qc_opt("run", argc, argv, &i, "--threads", &v)) != 0) {
            if (m < 0 || qc_parse_threads("run", v, &threads)) return QC_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return qc_usage("run", "unknown option '%s'", argv[i]);
        } else if (scenario) {
            return qc_usage("run", "one scenario at a time (got '%s' and '%s')", scenario,
                            argv[i]);
        } else {
            scenario = argv[i];
        }
    }
    if (!scenario)
        return qc_usage("run", "which scenario?");
    if (nsave && !save_dir)
        return qc_usage("run", "--save-at needs --save DIR");
    if (save_dir && !nsave && !nreload)
        return qc_usage("run", "--save DIR needs --save-at T (or --reload-at T)");
    if (nrestore && nreload)
        return qc_usage("run", "--restore-at and --reload-at cannot be mixed");
    if (salvage && !from_dir)
        return qc_usage("run", "--salvage goes with --from DIR");
    if (rollback && !heavy)
        return qc_usage("run", "--rollback K goes with --heavy");

    qr_scenario *sc = qc_load_scenario(scenario, pack_dir);
    if (!sc)
        return QC_EXIT_USAGE;
    qr_error err;
    qr_status st;
    qr_afile af;
    FILE *f = stdout;
    if (out) {
        if ((st = qr_afile_open(&af, out, &err))) {
            qr_error_print(&err, stderr);
            qr_scenario_free(sc);
            return qc_exit_for(st);
        }
        f = af.f;
    }
    static char obuf[1 << 16];
    if (!out)
        setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    qr_run_opts ro = {.ticks = ticks, .write = qr_write_stdio, .write_ud = f,
                      .restore_at = restore, .n_restore_at = nrestore, .threads = threads,
                      .heavy = heavy, .heavy_rollback = rollback};
    qc_store store;
    int rc = qc_store_open(&store, save_dir, from_dir, nreload > 0);
    if (rc) {
        if (out)
            qr_afile_abort(&af);
        qr_scenario_free(sc);
        return rc;
    }
    store.salvage = salvage;
    if (save_dir || from_dir || nreload) {
        qc_store_attach(&store, &ro);
        ro.save_at = save_at;
        ro.n_save_at = nsave;
        ro.resume = from_dir != NULL;
        if (nreload) {
            ro.restore_at = reload;
            ro.n_restore_at = nreload;
            ro.restore_via_store = true;
        }
    }
    qr_run_result res;
    st = qr_run(sc, &ro, &res, &err);
    qc_store_close(&store);
    if (!st && out)
        st = qr_afile_commit(&af, &err);
    else if (out)
        qr_afile_abort(&af);
    if (!st && !out && fflush(stdout) != 0) {
        st = QR_ERR_IO;
        err = (qr_error){.msg = "writing to stdout failed"};
    }
    if (st) {
        qr_error_print(&err, stderr);
        rc = qc_exit_for(st);
    } else {
        for (size_t i = 0; i < sc->n_expects; i++) {
            const qr_expect_result *r = &res.expects[i];
            if (r->reached && !r->passed) {
                fprintf(stderr, "%s:%u: expectation failed: %s\n", scenario, r->line, r->msg);
                rc = QC_EXIT_FAIL;
            }
        }
    }
    qr_run_result_free(&res);
    qr_scenario_free(sc);
    return rc;
}
