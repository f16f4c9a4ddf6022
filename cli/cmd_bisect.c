/*
 * cmd_bisect.c - `quarry bisect`: where two runs part, and why.
 *
 * Three forms, one report (qr_divergence):
 *   quarry bisect A.jsonl B.jsonl            two scenarios, stepped in lockstep
 *                                            in this process: tick, subsystem,
 *                                            column and voxel or player and
 *                                            field, both values;
 *   quarry bisect A.events.jsonl B.events.jsonl   two event streams: tick and
 *                                            subsystems from the digest lines;
 *   quarry bisect SCENARIO --against GOLDEN  the scenario replayed (qr_run) to
 *                                            a temporary stream, then bisected
 *                                            against the golden like two streams.
 * A file is a stream when its first line is a header with "quarry":"events",
 * otherwise it is read as a scenario (whose loader names file:line:col).
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qc.h"

const char qc_help_bisect[] =
    "usage: quarry bisect A B [--json] [--ticks N] [--pack-dir DIR]\n"
    "       quarry bisect SCENARIO --against GOLDEN [--json] [--pack-dir DIR]\n"
    "       quarry bisect SCENARIO --build-a BIN --build-b BIN [--json] [--bundle OUT]\n"
    "                     [--pack-dir DIR]\n"
    "\n"
    "Finds the first tick whose chained hash differs between two runs and\n"
    "narrows it down.  A and B are two scenarios (stepped side by side: the\n"
    "subsystem, then the chunk column and voxel, or the player and field, with\n"
    "both values) or two event streams (the tick and the subsystems, from the\n"
    "digest lines).  With --against, SCENARIO is replayed and its stream is\n"
    "bisected against the golden stream GOLDEN.  Every later differing\n"
    "(tick, subsystem) digest pair is counted as following from the first:\n"
    "\n"
    "  first divergence at tick 4,213 in light, chunk (3,-2), voxel (52,71,-29):\n"
    "  sky 15 vs 14; 8,412 later differences follow from it\n"
    "\n"
    "  --json           one JSON object instead of text (keys: docs/formats.md)\n"
    "  --ticks N        step N ticks (scenarios; default: the longer one's count)\n"
    "  --against GOLDEN bisect SCENARIO's replay against this event stream\n"
    "  --pack-dir DIR   where <pack>.json is found (default: SCENARIO's dir/../packs)\n"
    "  --build-a BIN, --build-b BIN\n"
    "                   run SCENARIO under two quarry executables (e.g. two commits'\n"
    "                   builds): both streams give the tick, then `BIN probe` at that\n"
    "                   tick (from a checkpoint) the column and voxel or player and\n"
    "                   field; the number of segment replays is reported\n"
    "  --bundle OUT     with the builds: write a desync bundle (scenario, pack, build\n"
    "                   identities, divergence, checkpoint, leaves) that\n"
    "                   quarry replay-bundle reproduces\n"
    "\n"
    "Exit codes: 0 the runs agree, 1 a divergence was found, 2 bad usage or input.\n";

/* 1: an event stream; 0: something else (read as a scenario); -1: unreadable. */
static int is_stream(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    char line[512];
    bool got = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    return got && strstr(line, "\"quarry\":\"events\"") != NULL;
}

static int report(const qr_divergence *d, bool json)
{
    char probe[1];
    size_t n = json ? qr_divergence_json(d, probe, sizeof probe)
                    : qr_divergence_render(d, probe, sizeof probe);
    char *buf = malloc(n + 1);
    if (!buf)
        return qc_usage("bisect", "out of memory");
    if (json)
        qr_divergence_json(d, buf, n + 1);
    else
        qr_divergence_render(d, buf, n + 1);
    fputs(buf, stdout);
    free(buf);
    return d->found ? QC_EXIT_FAIL : QC_EXIT_OK;
}

static int bisect_scenarios(const char *pa, const char *pb, const char *pack_dir,
                            uint64_t ticks, bool json)
{
    qr_scenario *a = qc_load_scenario(pa, pack_dir), *b = a ? qc_load_scenario(pb, pack_dir) : NULL;
    int rc = QC_EXIT_USAGE;
    if (a && b) {
        qr_bisect_opts o = {.ticks = ticks};
        qr_divergence d;
        qr_error err;
        if (qr_bisect_runs(a, b, &o, &d, &err) != QR_OK)
            qr_error_print(&err, stderr);
        else
            rc = report(&d, json);
    }
    qr_scenario_free(a);
    qr_scenario_free(b);
    return rc;
}

static int bisect_streams(const char *pa, const char *pb, bool json)
{
    qr_divergence d;
    qr_error err;
    if (qr_bisect_streams(pa, pb, &d, &err) != QR_OK) {
        qr_error_print(&err, stderr);
        return QC_EXIT_USAGE;
    }
    return report(&d, json);
}

/* Replays SCENARIO into a temporary stream and bisects it against GOLDEN. */
static int bisect_against(const char *scenario, const char *golden, const char *pack_dir,
                          bool json)
{
    if (is_stream(golden) != 1) {
        fprintf(stderr, "%s:1:1: not an event stream (its first line is not a header with "
                "\"quarry\":\"events\")\n", golden);
        return QC_EXIT_USAGE;
    }
    qr_scenario *sc = qc_load_scenario(scenario, pack_dir);
    if (!sc)
        return QC_EXIT_USAGE;
    const char *dir = getenv("TMPDIR");
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s/quarry-bisect.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    int rc = QC_EXIT_USAGE;
    if (!f) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        fprintf(stderr, "quarry bisect: cannot create a temporary file in %s\n",
                dir && *dir ? dir : "/tmp");
        qr_scenario_free(sc);
        return QC_EXIT_USAGE;
    }
    qr_run_opts ro = {.write = qr_write_stdio, .write_ud = f};
    qr_run_result res;
    qr_error err;
    qr_status st = qr_run(sc, &ro, &res, &err);
    qr_run_result_free(&res);
    bool closed = fclose(f) == 0;
    if (st)
        qr_error_print(&err, stderr);
    else if (!closed)
        fprintf(stderr, "%s: writing the replay of %s failed\n", tmp, scenario);
    else
        rc = bisect_streams(tmp, golden, json);
    unlink(tmp);
    qr_scenario_free(sc);
    return rc;
}

/* The scenario under two quarry executables (builds.c), and its bundle. */
static int bisect_builds(const char *scenario, const char *const bin[2], const char *pack_dir,
                         bool json, const char *bundle)
{
    qc_builds r;
    int rc = qc_bisect_builds_run(scenario, bin, pack_dir, &r);
    if (!rc && bundle)
        rc = qc_builds_bundle(&r, scenario, pack_dir, bin, bundle);
    if (!rc)
        rc = qc_builds_report(&r, json);
    qc_bisect_builds_free(&r);
    return rc;
}

int qc_cmd_bisect(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL}, *against = NULL, *pack_dir = NULL, *v;
    const char *bin[2] = {NULL, NULL}, *bundle = NULL;
    uint64_t ticks = 0;
    bool json = false;
    int nfiles = 0, m;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if ((m = qc_opt("bisect", argc, argv, &i, "--ticks", &v))) {
            if (m < 0)
                return QC_EXIT_USAGE;
            if (!qc_parse_u64(v, &ticks) || ticks == 0 || ticks > QR_MAX_TICKS)
                return qc_usage("bisect", "--ticks wants a tick count from 1 to %u, got '%s'",
                                QR_MAX_TICKS, v);
        } else if ((m = qc_opt("bisect", argc, argv, &i, "--against", &against))) {
            if (m < 0)
                return QC_EXIT_USAGE;
        } else if ((m = qc_opt("bisect", argc, argv, &i, "--build-a", &bin[0])) ||
                   (m = qc_opt("bisect", argc, argv, &i, "--build-b", &bin[1])) ||
                   (m = qc_opt("bisect", argc, argv, &i, "--bundle", &bundle))) {
            if (m < 0)
                return QC_EXIT_USAGE;
        } else if ((m = qc_opt("bisect", argc, argv, &i, "--pack-dir", &pack_dir))) {
            if (m < 0)
                return QC_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return qc_usage("bisect", "unknown option '%s'", argv[i]);
        } else if (nfiles < 2) {
            files[nfiles++] = argv[i];
        } else {
            return qc_usage("bisect", "two files, please (got a third: '%s')", argv[i]);
        }
    }
    if (bin[0] || bin[1]) {
        if (!bin[0] || !bin[1])
            return qc_usage("bisect", "--build-a and --build-b go together");
        if (nfiles != 1 || against || ticks)
            return qc_usage("bisect", "--build-a/--build-b go with one SCENARIO (no --against, "
                            "no --ticks)");
        return bisect_builds(files[0], bin, pack_dir, json, bundle);
    }
    if (bundle)
        return qc_usage("bisect", "--bundle goes with --build-a and --build-b");
    if (against) {
        if (nfiles != 1)
            return qc_usage("bisect", "--against GOLDEN goes with one SCENARIO");
        if (ticks)
            return qc_usage("bisect", "--ticks goes with two scenarios, not --against");
        return bisect_against(files[0], against, pack_dir, json);
    }
    if (nfiles != 2)
        return qc_usage("bisect", "two scenarios or two event streams are needed "
                        "(or SCENARIO --against GOLDEN)");
    int sa = is_stream(files[0]), sb = sa < 0 ? -1 : is_stream(files[1]);
    if (sa < 0 || sb < 0)
        return QC_EXIT_USAGE;
    if (sa != sb)
        return qc_usage("bisect", "%s is %s but %s is %s: give two of a kind", files[0],
                        sa ? "an event stream" : "a scenario", files[1],
                        sb ? "an event stream" : "a scenario");
    if (sa) {
        if (ticks)
            return qc_usage("bisect", "--ticks goes with two scenarios, not event streams");
        return bisect_streams(files[0], files[1], json);
    }
    return bisect_scenarios(files[0], files[1], pack_dir, ticks, json);
}
