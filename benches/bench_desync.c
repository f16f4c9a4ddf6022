/*
 * bench_desync.c - the desync tools at scale: comparing two large event
 * streams, finding a divergence near the end of one, and bisecting a long
 * run with one planted fault.
 *
 *  - A stream of about QB_DESYNC_MB megabytes (default 1,024) is written by
 *    replaying scenarios/walk_superflat.jsonl for as many ticks as that
 *    takes, into a temporary directory (QB_TMPDIR, default /dev/shm when it
 *    exists, else /tmp); B is a byte copy.  `diff_identical_mb_per_s`:
 *    qr_compare_paths(A, B) over both files (MB of one stream per second).
 *  - One byte of a digest line's chain at 99% of B is changed:
 *    `divergence_near_end_s` is qr_compare_paths finding it, and
 *    `stream_bisect_s` qr_bisect_streams naming its tick and subsystems.
 *  - `bisect_1m_ticks_s`: qr_bisect_runs on walk_superflat run for
 *    1,000,000 ticks against itself with a fault planted at tick 900,000
 *    (a light nibble poked through kernel internals in world b), and the
 *    tick, subsystem, column and voxel it names.  Both worlds are stepped
 *    in lockstep in one process, so it is one segment replay of each run;
 *    the O(log n) checkpoint search of two separate binaries is not built
 *    yet (see the issue note).
 * The streams are files: page-cache reads, not a disk's.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "world.h"

#define NAME "desync"

static double secs(uint64_t a, uint64_t b)
{
    return (double)(b - a) / 1e9;
}

static int write_file(void *ud, const void *buf, size_t len)
{
    return fwrite(buf, 1, len, ud) == len ? 0 : -1;
}

static const char *tmp_dir(void)
{
    const char *d = getenv("QB_TMPDIR");
    if (d && *d)
        return d;
    return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

static bool copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    static char buf[1 << 20];
    size_t n;
    bool ok = a && b;
    while (ok && (n = fread(buf, 1, sizeof buf, a)) > 0)
        ok = fwrite(buf, 1, n, b) == n;
    if (a)
        fclose(a);
    if (b && fclose(b) != 0)
        ok = false;
    return ok;
}

/* Changes one hex digit of the first digest line's chain at or after
 * `at` bytes into the file; false when there is none. */
static bool plant_byte(const char *path, long at)
{
    FILE *f = fopen(path, "r+b");
    if (!f || fseek(f, at, SEEK_SET) != 0) {
        if (f)
            fclose(f);
        return false;
    }
    static char line[4096];
    long pos = at;
    bool done = false;
    if (fgets(line, sizeof line, f)) /* the rest of a line: skip it */
        pos += (long)strlen(line);
    while (!done && fgets(line, sizeof line, f)) {
        char *c = strstr(line, "\"chain\":\"");
        if (strstr(line, "\"type\":\"digest\"") && c) {
            long off = pos + (long)(c - line) + 9;
            char digit = c[9] == '0' ? '1' : '0';
            done = fseek(f, off, SEEK_SET) == 0 && fputc(digit, f) != EOF;
        }
        pos += (long)strlen(line);
    }
    return fclose(f) == 0 && done;
}

typedef struct fault {
    uint64_t tick;
} fault;

static void poke(void *ud, int which, qk_world *w, uint64_t tick)
{
    const fault *f = ud;
    if (which != 1 || tick != f->tick)
        return;
    qk__chunk *c = qk__world_chunk(w, 0, 0);
    qk__nibbles *n = &c->light.ch[QK_LIGHT_SKY][10];
    if (!n->data) {
        n->data = qk__mem_alloc(&w->mem, QK_NIBBLE_BYTES);
        if (!n->data)
            return;
        memset(n->data, n->uniform * 0x11, QK_NIBBLE_BYTES);
    }
    qk__nib_put(n->data, (1u << 8) | (2u << 4) | 3u, 4);
    c->light.stale |= 1u << 10;
}

json_t *qb_desync(const qb_opts *o)
{
    char path[1024], a_path[1100], b_path[1100];
    snprintf(path, sizeof path, "%s/scenarios/walk_superflat.jsonl", o->root);
    qr_scenario *sc = NULL;
    qr_error err;
    if (qr_scenario_load(&sc, path, NULL, &err) != QR_OK)
        return qb_error(NAME, "%s: %s", path, err.msg);
    const char *mbs = getenv("QB_DESYNC_MB");
    long mb = mbs ? atol(mbs) : 1024;
    if (mb < 1)
        mb = 1;
    snprintf(a_path, sizeof a_path, "%s/quarry-bench-%ld-a.jsonl", tmp_dir(), (long)getpid());
    snprintf(b_path, sizeof b_path, "%s/quarry-bench-%ld-b.jsonl", tmp_dir(), (long)getpid());
    json_t *out = NULL;

    /* How many bytes a tick writes, from a short run. */
    FILE *f = fopen(a_path, "wb");
    qr_run_result res;
    qr_run_opts ro = {.ticks = 10000, .write = write_file, .write_ud = f};
    if (!f || qr_run(sc, &ro, &res, &err) != QR_OK || fclose(f) != 0) {
        out = qb_error(NAME, "cannot write %s", a_path);
        goto done;
    }
    uint64_t ticks = (uint64_t)mb * 1000000 / (res.bytes / 10000) + 1;
    qr_run_result_free(&res);
    qb_progress(NAME, "writing a %ld MB stream (%llu ticks) to %s", mb,
                (unsigned long long)ticks, a_path);
    f = fopen(a_path, "wb");
    ro = (qr_run_opts){.ticks = ticks, .write = write_file, .write_ud = f};
    if (!f || qr_run(sc, &ro, &res, &err) != QR_OK || fclose(f) != 0 ||
        !copy_file(a_path, b_path)) {
        out = qb_error(NAME, "cannot write the %ld MB streams in %s", mb, tmp_dir());
        goto done;
    }
    uint64_t stream_bytes = res.bytes;
    double stream_mb = (double)stream_bytes / 1e6;
    qr_run_result_free(&res);

    double *same_s = calloc(o->runs, sizeof(double)), *near_s = calloc(o->runs, sizeof(double));
    double *sb_s = calloc(o->runs, sizeof(double));
    qr_diff d;
    qr_divergence dv;
    memset(&dv, 0, sizeof dv);
    bool same_ok = true;
    for (unsigned r = 0; r < o->runs && same_s; r++) {
        uint64_t t0 = qb_now_ns();
        same_ok = same_ok && qr_compare_paths(a_path, b_path, &d, &err) == QR_OK &&
                  d.kind == QR_DIFF_SAME;
        same_s[r] = secs(t0, qb_now_ns());
        qb_progress(NAME, "identical streams compared in %.3f s", same_s[r]);
    }
    if (!plant_byte(b_path, (long)(stream_bytes * 99 / 100))) {
        out = qb_error(NAME, "could not plant a difference in %s", b_path);
        goto free_times;
    }
    uint64_t found_line = 0;
    for (unsigned r = 0; r < o->runs; r++) {
        uint64_t t0 = qb_now_ns();
        qr_compare_paths(a_path, b_path, &d, &err);
        near_s[r] = secs(t0, qb_now_ns());
        found_line = d.line;
        t0 = qb_now_ns();
        qr_bisect_streams(a_path, b_path, &dv, &err);
        sb_s[r] = secs(t0, qb_now_ns());
    }
    unlink(a_path);
    unlink(b_path);

    /* 1,000,000 ticks with one planted light fault. */
    fault fl = {900000};
    qr_bisect_opts bo = {.ticks = 1000000, .after_step = poke, .ud = &fl};
    qr_divergence run;
    uint64_t t0 = qb_now_ns();
    qr_status bst = qr_bisect_runs(sc, sc, &bo, &run, &err);
    double bisect_s = secs(t0, qb_now_ns());
    qb_progress(NAME, "1,000,000-tick bisect in %.2f s", bisect_s);

    out = json_object();
    json_object_set_new(out, "stream_mb", qb_real(stream_mb, 1));
    json_object_set_new(out, "tmp_dir", json_string(tmp_dir()));
    for (unsigned r = 0; r < o->runs; r++)
        same_s[r] = stream_mb / same_s[r];
    json_object_set_new(out, "diff_identical_mb_per_s", qb_summary(same_s, o->runs, 0));
    json_object_set_new(out, "diff_identical_same", json_boolean(same_ok));
    json_object_set_new(out, "divergence_near_end_s", qb_summary(near_s, o->runs, 3));
    json_object_set_new(out, "divergence_line", json_integer((json_int_t)found_line));
    json_object_set_new(out, "stream_bisect_s", qb_summary(sb_s, o->runs, 3));
    json_object_set_new(out, "stream_bisect_tick", json_integer((json_int_t)dv.tick));
    json_object_set_new(out, "stream_bisect_subsystems", json_string(dv.subsystems));
    json_object_set_new(out, "bisect_1m_ticks_s", qb_real(bisect_s, 2));
    json_object_set_new(out, "bisect_1m_ok", json_boolean(bst == QR_OK && run.found));
    char where[512];
    snprintf(where, sizeof where, "tick %llu, %s, chunk (%d,%d), voxel (%d,%d,%d): %s %s vs %s",
             (unsigned long long)run.tick, run.subsystems, run.cx, run.cz, run.x, run.y, run.z,
             run.field, run.value_a, run.value_b);
    json_object_set_new(out, "bisect_1m_found", json_string(where));
    json_object_set_new(out, "bisect_1m_segment_replays", json_integer(1));
    json_object_set_new(out, "targets", json_string("diff >= 500 MB/s; divergence near the end "
                                                    "of 1 GB < 3 s; 1M-tick bisect < 2 s"));
free_times:
    free(same_s);
    free(near_s);
    free(sb_s);
done:
    unlink(a_path);
    unlink(b_path);
    qr_scenario_free(sc);
    return out;
}
