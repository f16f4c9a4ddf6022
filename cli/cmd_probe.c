/*
 * cmd_probe.c - `quarry probe`: a world's leaves after one tick, as lines.
 *
 * Hidden from `quarry help` (it is the protocol between `quarry bisect
 * --build-a --build-b` and the builds it drives) but documented in
 * docs/formats.md.  The lines are qr_probe_run's; the checkpoint options
 * let the bisector replay from a snapshot instead of from tick 0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc.h"

const char qc_help_probe[] =
    "usage: quarry probe SCENARIO --tick T [--column CX,CZ] [--pack-dir DIR]\n"
    "                    [--from-snapshot FILE] [--snapshot-out FILE]\n"
    "\n"
    "Replays SCENARIO to just after tick T and prints its leaves as canonical\n"
    "JSON lines (docs/formats.md): every column's blocks and light digests,\n"
    "every player's fields and the clock; with --column, every voxel of that\n"
    "column, run-length encoded per y-row.  Used by quarry bisect --build-a.\n"
    "\n"
    "  --from-snapshot FILE  start from this kernel snapshot instead of tick 0\n"
    "                        (it must be of this scenario's world, at or before T)\n"
    "  --snapshot-out FILE   write the kernel snapshot of the world before tick\n"
    "                        T - T mod 64 (the checkpoint) to FILE\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage or input (a refused snapshot included).\n";

static int parse_column(const char *v, int32_t *cx, int32_t *cz)
{
    char a[32];
    const char *comma = strchr(v, ',');
    int64_t x, z;
    if (!comma || (size_t)(comma - v) >= sizeof a)
        return -1;
    memcpy(a, v, (size_t)(comma - v));
    a[comma - v] = 0;
    if (!qc_parse_i64(a, &x) || !qc_parse_i64(comma + 1, &z) || x < INT32_MIN / 16 ||
        x > INT32_MAX / 16 || z < INT32_MIN / 16 || z > INT32_MAX / 16)
        return -1;
    *cx = (int32_t)x;
    *cz = (int32_t)z;
    return 0;
}

int qc_cmd_probe(int argc, char **argv)
{
    const char *scenario = NULL, *pack_dir = NULL, *from = NULL, *snap_out = NULL, *v;
    qr_probe_opts po = {0};
    bool have_tick = false;
    int m;
    for (int i = 1; i < argc; i++) {
        if ((m = qc_opt("probe", argc, argv, &i, "--tick", &v))) {
            if (m < 0)
                return QC_EXIT_USAGE;
            if (!qc_parse_u64(v, &po.tick))
                return qc_usage("probe", "--tick wants a tick number, got '%s'", v);
            have_tick = true;
        } else if ((m = qc_opt("probe", argc, argv, &i, "--column", &v))) {
            if (m < 0)
                return QC_EXIT_USAGE;
            if (parse_column(v, &po.cx, &po.cz))
                return qc_usage("probe", "--column wants CX,CZ (chunk coordinates), got '%s'", v);
            po.column = true;
        } else if ((m = qc_opt("probe", argc, argv, &i, "--pack-dir", &pack_dir))) {
            if (m < 0)
                return QC_EXIT_USAGE;
        } else if ((m = qc_opt("probe", argc, argv, &i, "--from-snapshot", &from))) {
            if (m < 0)
                return QC_EXIT_USAGE;
        } else if ((m = qc_opt("probe", argc, argv, &i, "--snapshot-out", &snap_out))) {
            if (m < 0)
                return QC_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return qc_usage("probe", "unknown option '%s'", argv[i]);
        } else if (scenario) {
            return qc_usage("probe", "one scenario at a time (got '%s' and '%s')", scenario,
                            argv[i]);
        } else {
            scenario = argv[i];
        }
    }
    if (!scenario || !have_tick)
        return qc_usage("probe", "SCENARIO and --tick T are needed");
    qr_scenario *sc = qc_load_scenario(scenario, pack_dir);
    if (!sc)
        return QC_EXIT_USAGE;
    qr_error err;
    qr_status st = QR_OK;
    char *snap = NULL;
    size_t snap_len = 0;
    uint8_t *cp = NULL;
    size_t cp_len = 0;
    if (from && (st = qc_read_file(from, &snap, &snap_len, &err)) == QR_OK) {
        po.from = (const uint8_t *)snap;
        po.from_len = snap_len;
        po.from_name = from;
    }
    if (snap_out) {
        po.checkpoint = &cp;
        po.checkpoint_len = &cp_len;
        po.checkpoint_at = po.tick - po.tick % 64;
    }
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    if (!st)
        st = qr_probe_run(sc, &po, qr_write_stdio, stdout, &err);
    if (!st && snap_out) {
        qr_afile af;
        if (!cp) {
            st = QR_ERR_INPUT;
            err = (qr_error){.msg = "no checkpoint was reached (it lies before the snapshot "
                                    "the probe started from)"};
        } else if ((st = qr_afile_open(&af, snap_out, &err)) == QR_OK) {
            if (fwrite(cp, 1, cp_len, af.f) != cp_len) {
                qr_afile_abort(&af);
                st = QR_ERR_IO;
                snprintf(err.msg, sizeof err.msg, "%s: cannot write the snapshot", snap_out);
            } else {
                st = qr_afile_commit(&af, &err);
            }
        }
    }
    if (!st && fflush(stdout) != 0) {
        st = QR_ERR_IO;
        err = (qr_error){.msg = "writing to stdout failed"};
    }
    if (st)
        qr_error_print(&err, stderr);
    free(snap);
    free(cp);
    qr_scenario_free(sc);
    return st ? qc_exit_for(st) : QC_EXIT_OK;
}
