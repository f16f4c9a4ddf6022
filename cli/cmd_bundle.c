/*
 * cmd_bundle.c - the two-build bisect's report, its desync bundle, and
 * `quarry replay-bundle`, which reproduces a bundle.
 *
 * replay-bundle writes the bundled scenario and pack into a temporary
 * directory, so a bundle needs nothing from the tree it was made in.  With
 * --build-a/--build-b it re-runs the two-build bisect there and checks that
 * it finds the bundled divergence (equal as JSON); without, this quarry
 * restores build A's checkpoint in-process, replays to the divergence tick
 * and checks that it gets build A's leaves again.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qc.h"

const char qc_help_replay_bundle[] =
    "usage: quarry replay-bundle BUNDLE [--build-a BIN --build-b BIN] [--json]\n"
    "\n"
    "Reproduces a desync bundle written by quarry bisect --bundle.  With the two\n"
    "builds, the bundled scenario and pack are bisected under them again and\n"
    "the divergence found is checked against the bundled one.  Without, this\n"
    "quarry restores the bundled checkpoint (build A's snapshot), replays to\n"
    "the divergence tick and checks that it gets build A's leaves again.\n"
    "\n"
    "Exit codes: 1 the divergence is reproduced (or a different one is found:\n"
    "it says so), 0 the builds now agree (or this quarry no longer gets build\n"
    "A's leaves), 2 bad usage or a bad bundle (naming the member or byte).\n";

/* qr_divergence_json's line without its '\n', malloc'ed. */
static char *div_json(const qr_divergence *d)
{
    char one[1];
    size_t n = qr_divergence_json(d, one, 1);
    char *p = malloc(n + 1);
    if (p) {
        qr_divergence_json(d, p, n + 1);
        p[n ? n - 1 : 0] = 0;
    }
    return p;
}

static char *with_segments(const qc_builds *r, bool json)
{
    char one[1];
    size_t n = json ? qr_divergence_json(&r->d, one, 1) : qr_divergence_render(&r->d, one, 1);
    char *buf = malloc(n + 200);
    if (!buf)
        return NULL;
    if (json) {
        qr_divergence_json(&r->d, buf, n + 1);
        snprintf(buf + n - 2, 200, ",\"segment_replays\":%" PRIu64 "}\n", r->segment_replays);
    } else {
        qr_divergence_render(&r->d, buf, n + 1);
        snprintf(buf + n, 200, "  segment replays: %" PRIu64 " (2 full runs%s)\n",
                 r->segment_replays, r->segment_replays > 2 ? ", then probes at the tick" : "");
    }
    return buf;
}

int qc_builds_report(const qc_builds *r, bool json)
{
    char *text = with_segments(r, json);
    if (!text)
        return qc_usage("bisect", "out of memory");
    fputs(text, stdout);
    free(text);
    return r->d.found ? QC_EXIT_FAIL : QC_EXIT_OK;
}

/* XXH3 of the executable: the path as given, else found on PATH. */
static qr_status hash_bin(const char *bin, uint64_t *out, qr_error *err)
{
    uint64_t bytes;
    if (strchr(bin, '/'))
        return qr_hash_file(bin, out, &bytes, err);
    const char *path = getenv("PATH");
    char p[1200];
    for (const char *s = path ? path : ""; *s;) {
        size_t n = strcspn(s, ":");
        snprintf(p, sizeof p, "%.*s/%s", (int)n, s, bin);
        if (access(p, X_OK) == 0)
            return qr_hash_file(p, out, &bytes, err);
        s += n + (s[n] == ':');
    }
    return qr_hash_file(bin, out, &bytes, err);
}

int qc_builds_bundle(const qc_builds *r, const char *scenario, const char *pack_dir,
                     const char *const bin[2], const char *out)
{
    if (!r->d.found || !r->snapshot) {
        fprintf(stderr, "quarry bisect: no bundle written: %s\n", r->d.found
                ? "the divergence could not be descended into (no checkpoint)"
                : "the builds agree");
        return 0;
    }
    qr_bundle b = {0};
    qr_error err;
    qr_status st = qr_bundle_collect(&b, scenario, pack_dir, &err);
    char *div = div_json(&r->d);
    for (int k = 0; !st && k < 2; k++) {
        b.build[k].path = (char *)bin[k];
        b.build[k].version = r->version[k] ? r->version[k] : "";
        st = hash_bin(bin[k], &b.build[k].xxh3, &err);
    }
    b.divergence = div;
    b.segment_replays = r->segment_replays;
    b.checkpoint_tick = r->checkpoint_tick;
    b.snapshot = r->snapshot;
    b.snapshot_len = r->snapshot_len;
    b.leaves[0] = r->leaves[0];
    b.leaves[1] = r->leaves[1];
    qr_afile af;
    if (!st && !div)
        st = QR_ERR_NOMEM, err = (qr_error){.msg = "out of memory"};
    if (!st && (st = qr_afile_open(&af, out, &err)) == QR_OK) {
        st = qr_bundle_write(&b, af.f, out, &err);
        if (st)
            qr_afile_abort(&af);
        else
            st = qr_afile_commit(&af, &err);
    }
    free(b.scenario_file), free(b.scenario), free(b.pack_file), free(b.pack);
    free(b.recipes_file), free(b.recipes), free(div);
    if (st) {
        qr_error_print(&err, stderr);
        return QC_EXIT_USAGE;
    }
    return 0;
}

/* ---- replay-bundle ------------------------------------------------------- */

static int write_file(const char *dir, const char *name, const char *text, size_t len)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    bool ok = f && fwrite(text, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        fprintf(stderr, "quarry replay-bundle: cannot write %s\n", p);
    return ok ? 0 : -1;
}

/* Whether every line of `want` is a line of `have`. */
static bool has_lines(const char *have, const char *want)
{
    for (const char *p = want; *p;) {
        size_t n = strcspn(p, "\n");
        bool found = false;
        for (const char *h = have; *h && !found;) {
            size_t m = strcspn(h, "\n");
            found = m == n && memcmp(h, p, n) == 0;
            h += m + (h[m] == '\n');
        }
        if (!found)
            return false;
        p += n + (p[n] == '\n');
    }
    return true;
}

typedef struct membuf {
    char *p;
    size_t n, cap;
} membuf;

static int mem_write(void *ud, const void *buf, size_t len)
{
    membuf *m = ud;
    if (m->n + len + 1 > m->cap) {
        size_t cap = (m->n + len + 1) * 2;
        char *q = realloc(m->p, cap);
        if (!q)
            return -1;
        m->p = q;
        m->cap = cap;
    }
    memcpy(m->p + m->n, buf, len);
    m->n += len;
    m->p[m->n] = 0;
    return 0;
}

/* In-process: build A's checkpoint, replayed to the tick by this quarry. */
static int replay_here(const qr_bundle *b, const char *scenario_path, const char *pack_dir)
{
    qr_scenario *sc = qc_load_scenario(scenario_path, pack_dir);
    if (!sc)
        return QC_EXIT_USAGE;
    qr_probe_opts po = {.tick = b->tick, .column = b->has_chunk, .cx = b->cx, .cz = b->cz,
                        .from = b->snapshot, .from_len = b->snapshot_len,
                        .from_name = "bundle member \"checkpoint.snapshot\""};
    membuf m = {0};
    qr_error err;
    qr_status st = qr_probe_run(sc, &po, mem_write, &m, &err);
    int rc = QC_EXIT_USAGE;
    if (st) {
        qr_error_print(&err, stderr);
    } else if (has_lines(m.p ? m.p : "", b->leaves[0])) {
        printf("reproduced: from the checkpoint at tick %" PRIu64 " this quarry gets build "
               "A's leaves at tick %" PRIu64 ":\n  %s", b->checkpoint_tick, b->tick,
               b->leaves[0]);
        printf("bundled divergence: %s\n", b->divergence);
        rc = QC_EXIT_FAIL;
    } else {
        printf("not reproduced: from the checkpoint at tick %" PRIu64 " this quarry's leaves "
               "at tick %" PRIu64 " differ from build A's%s\n", b->checkpoint_tick, b->tick,
               has_lines(m.p ? m.p : "", b->leaves[1]) ? " (they are build B's)" : "");
        rc = QC_EXIT_OK;
    }
    free(m.p);
    qr_scenario_free(sc);
    return rc;
}

int qc_cmd_replay_bundle(int argc, char **argv)
{
    const char *path = NULL, *bin[2] = {NULL, NULL};
    bool json = false;
    int m;
    for (int i = 1; i < argc; i++) {
        if ((m = qc_opt("replay-bundle", argc, argv, &i, "--build-a", &bin[0])) ||
            (m = qc_opt("replay-bundle", argc, argv, &i, "--build-b", &bin[1]))) {
            if (m < 0)
                return QC_EXIT_USAGE;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return qc_usage("replay-bundle", "unknown option '%s'", argv[i]);
        } else if (path) {
            return qc_usage("replay-bundle", "one bundle at a time");
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return qc_usage("replay-bundle", "which bundle?");
    if (!bin[0] != !bin[1])
        return qc_usage("replay-bundle", "--build-a and --build-b go together");
    qr_bundle b;
    qr_error err;
    if (qr_bundle_load(&b, path, &err) != QR_OK) {
        qr_error_print(&err, stderr);
        return QC_EXIT_USAGE;
    }
    char dir[1024], sp[1200];
    const char *names[] = {b.scenario_file, b.pack_file, b.recipes_file, NULL};
    if (qc_tmpdir("replay-bundle", dir, sizeof dir)) {
        qr_bundle_free(&b);
        return QC_EXIT_USAGE;
    }
    int rc = QC_EXIT_USAGE;
    if (write_file(dir, b.scenario_file, b.scenario, b.scenario_len) ||
        write_file(dir, b.pack_file, b.pack, b.pack_len) ||
        (b.recipes_file && write_file(dir, b.recipes_file, b.recipes, b.recipes_len)))
        goto done;
    snprintf(sp, sizeof sp, "%s/%s", dir, b.scenario_file);
    if (!bin[0]) {
        rc = replay_here(&b, sp, dir);
        goto done;
    }
    qc_builds r;
    rc = qc_bisect_builds_run(sp, bin, dir, &r);
    if (!rc) {
        char *now = div_json(&r.d);
        bool same = now && qr_divergence_json_equal(now, b.divergence);
        if (!r.d.found)
            fprintf(stderr, "quarry replay-bundle: not reproduced: the builds now agree\n");
        else
            fprintf(stderr, "quarry replay-bundle: %s\n", same ? "reproduced: the same "
                    "divergence as the bundle's" : "a different divergence from the bundle's");
        rc = qc_builds_report(&r, json);
        free(now);
    }
    qc_bisect_builds_free(&r);
done:
    qc_tmpdir_remove(dir, names[2] ? names : (const char *const[]){names[0], names[1], NULL});
    qr_bundle_free(&b);
    return rc;
}
