/*
 * cmd_accept.c - `quarry accept`: the only way a golden changes.
 *
 * Replays each scenario, refuses if any of its expectations fail (unless
 * --force), writes golden/NAME.events.jsonl atomically and records the new
 * stream's hash, size, kernel version, who, when (UTC) and why in
 * golden/MANIFEST.json, itself written atomically and deterministically.
 * SOURCE_DATE_EPOCH, when set, replaces the clock (reproducible tests).
 * Accepting removes the pending stream quarry check may have left
 * (NAME.events.jsonl.new): it is settled.
 */
#define _POSIX_C_SOURCE 200809L /* popen, mkdir */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "qc.h"

const char qc_help_accept[] =
    "usage: quarry accept [PATH...] --reason TEXT [--by NAME] [--golden-dir DIR]\n"
    "                     [--pack-dir DIR] [--force]\n"
    "\n"
    "Replays each scenario (PATH as for check; default scenarios/) and makes its\n"
    "event stream the golden: writes <golden-dir>/<name>.events.jsonl and updates\n"
    "<golden-dir>/MANIFEST.json (hash, events, ticks, kernel, who, when, why).\n"
    "Refuses a scenario whose expect lines fail, unless --force.\n"
    "\n"
    "  --reason TEXT     why the golden changes (required; goes in the manifest)\n"
    "  --by NAME         who accepts (default: git config user.name, else $USER)\n"
    "  --golden-dir DIR  default: the scenario's dir/../golden\n"
    "  --pack-dir DIR    default: the scenario's dir/../packs\n"
    "  --force           accept even if expectations fail\n"
    "\n"
    "Exit codes: 0 all accepted, 1 some refused, 2 bad usage or bad input.\n";

static void who(const char *by, char *out, size_t cap)
{
    if (by) {
        snprintf(out, cap, "%s", by);
        return;
    }
    out[0] = 0;
    FILE *p = popen("git config user.name 2>/dev/null", "r");
    if (p) {
        if (fgets(out, (int)cap, p))
            out[strcspn(out, "\r\n")] = 0;
        else
            out[0] = 0;
        pclose(p);
    }
    if (!out[0]) {
        const char *u = getenv("USER");
        snprintf(out, cap, "%s", u && *u ? u : "unknown");
    }
}

static int accept_one(const char *path, const char *golden_opt, const char *pack_dir,
                      const char *reason, const char *by, bool force)
{
    qr_scenario *sc = qc_load_scenario(path, pack_dir);
    if (!sc)
        return QC_EXIT_USAGE;
    qr_error err;
    qr_status st;
    char dir[1024], golden[1300], manifest[1300];
    if (golden_opt)
        snprintf(dir, sizeof dir, "%s", golden_opt);
    else
        qc_sibling_dir(path, "golden", dir, sizeof dir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "%s: cannot create directory: %s\n", dir, strerror(errno));
        qr_scenario_free(sc);
        return QC_EXIT_USAGE;
    }
    snprintf(golden, sizeof golden, "%s/%s.events.jsonl", dir, sc->name);
    snprintf(manifest, sizeof manifest, "%s/MANIFEST.json", dir);

    int rc = QC_EXIT_OK;
    qr_manifest man = {0};
    qr_run_result res = {0};
    qr_afile af;
    if ((st = qr_manifest_load(&man, manifest, &err)) || (st = qr_afile_open(&af, golden, &err))) {
        qr_error_print(&err, stderr);
        rc = QC_EXIT_USAGE;
        goto out;
    }
    qr_run_opts ro = {.write = qr_write_stdio, .write_ud = af.f};
    if ((st = qr_run(sc, &ro, &res, &err))) {
        qr_afile_abort(&af);
        qr_error_print(&err, stderr);
        rc = QC_EXIT_USAGE;
        goto out;
    }
    if (res.n_failed && !force) {
        qr_afile_abort(&af);
        for (size_t i = 0; i < sc->n_expects; i++)
            if (res.expects[i].reached && !res.expects[i].passed)
                fprintf(stderr, "%s:%u: expectation failed: %s\n", path, res.expects[i].line,
                        res.expects[i].msg);
        printf("REFUSED %s: %zu expectation(s) fail (use --force to accept anyway)\n",
               sc->name, res.n_failed);
        rc = QC_EXIT_FAIL;
        goto out;
    }
    if ((st = qr_afile_commit(&af, &err))) {
        qr_error_print(&err, stderr);
        rc = QC_EXIT_USAGE;
        goto out;
    }
    qr_manifest_entry e;
    memset(&e, 0, sizeof e);
    snprintf(e.name, sizeof e.name, "%s", sc->name);
    e.stream_hash = res.hash;
    e.events = res.events;
    e.ticks = res.ticks;
    e.bytes = res.bytes;
    snprintf(e.kernel, sizeof e.kernel, "%s", QK_VERSION_STRING);
    who(by, e.accepted_by, sizeof e.accepted_by);
    qc_now_utc(e.accepted_at, sizeof e.accepted_at);
    snprintf(e.reason, sizeof e.reason, "%s", reason);
    if (qr_manifest_put(&man, &e) || (st = qr_manifest_save(&man, manifest, &err))) {
        qr_error_print(&err, stderr);
        rc = QC_EXIT_USAGE;
        goto out;
    }
    char pending[1400]; /* quarry check's pending stream is now settled */
    snprintf(pending, sizeof pending, "%s.new", golden);
    remove(pending);
    char hx[17];
    qr_hex64(res.hash, hx);
    printf("ACCEPTED %s  %" PRIu64 " ticks  %" PRIu64 " events  %s\n", sc->name, res.ticks,
           res.events, hx);
out:
    qr_run_result_free(&res);
    qr_manifest_free(&man);
    qr_scenario_free(sc);
    return rc;
}

int qc_cmd_accept(int argc, char **argv)
{
    const char *golden_dir = NULL, *pack_dir = NULL, *reason = NULL, *by = NULL, *v;
    bool force = false;
    char **paths = calloc((size_t)argc, sizeof *paths);
    int npaths = 0, rc = QC_EXIT_USAGE;
    if (!paths)
        return qc_usage("accept", "out of memory");
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = qc_opt("accept", argc, argv, &i, "--golden-dir", &v)) != 0) {
            if (m < 0) goto done;
            golden_dir = v;
        } else if ((m = qc_opt("accept", argc, argv, &i, "--pack-dir", &v)) != 0) {
            if (m < 0) goto done;
            pack_dir = v;
        } else if ((m = qc_opt("accept", argc, argv, &i, "--reason", &v)) != 0) {
            if (m < 0) goto done;
            reason = v;
        } else if ((m = qc_opt("accept", argc, argv, &i, "--by", &v)) != 0) {
            if (m < 0) goto done;
            by = v;
        } else if (strcmp(argv[i], "--force") == 0) {
            force = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            qc_usage("accept", "unknown option '%s'", argv[i]);
            goto done;
        } else {
            paths[npaths++] = argv[i];
        }
    }
    if (!reason || !*reason) {
        qc_usage("accept", "--reason TEXT is required: say why the golden changes");
        goto done;
    }
    qc_paths list;
    if (qc_collect("accept", paths, npaths, &list))
        goto done;
    rc = QC_EXIT_OK;
    for (size_t i = 0; i < list.n; i++) {
        int r = accept_one(list.v[i], golden_dir, pack_dir, reason, by, force);
        if (r > rc)
            rc = r;
    }
    qc_paths_free(&list);
done:
    free(paths);
    return rc;
}
