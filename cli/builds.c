/*
 * builds.c - bisecting one scenario under two quarry executables.
 *
 * The cost model: a full replay is paid twice, once per build (`BIN run
 * SCENARIO -o FILE`), and qr_bisect_streams finds the root tick T and the
 * subsystems from the two streams (the common prefix is skipped in 1 MiB
 * blocks, unparsed).  The descent then needs at most four segment replays
 * whatever the length of the run:
 *
 *   1. `BIN probe SCENARIO --tick T --snapshot-out CP` under each build:
 *      column digests, players and the clock after tick T (a replay from
 *      tick 0), and the checkpoint CP, the world before tick T - T mod 64;
 *      players and the clock end the descent here;
 *   2. blocks and light: `BIN probe SCENARIO --tick T --column CX,CZ
 *      --from-snapshot CP` under each build: the column's voxels, replaying
 *      at most 64 ticks from the build's own checkpoint.  A build that
 *      refuses the snapshot (another snapshot format) is replayed from
 *      tick 0 instead, and the fallback is said on stderr.
 *
 * Children are started with posix_spawnp, their stdout and stderr going to
 * files in a private temporary directory; a child that exits with 2 or
 * more, or by a signal, stops the bisect (exit 2) with its stderr shown.
 * The probes print the same text for the same values as bisect.c, so
 * qr_probe_compare's result has the in-process report's shape.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, posix_spawn */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qc.h"

extern char **environ;

qr_status qc_read_file(const char *path, char **out, size_t *len, qr_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err->file, sizeof err->file, "%s", path);
        err->line = err->col = 0;
        snprintf(err->msg, sizeof err->msg, "cannot open: %s", strerror(errno));
        return QR_ERR_IO;
    }
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    for (size_t got = 1; p && got;) {
        if (n + 1 >= cap) {
            char *q = realloc(p, cap *= 2);
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q;
        }
        got = fread(p + n, 1, cap - n - 1, f);
        n += got;
    }
    bool bad = !p || ferror(f);
    fclose(f);
    if (bad) {
        free(p);
        snprintf(err->file, sizeof err->file, "%s", path);
        err->line = err->col = 0;
        snprintf(err->msg, sizeof err->msg, "%s", p ? "read error" : "out of memory");
        return p ? QR_ERR_IO : QR_ERR_NOMEM;
    }
    p[n] = 0;
    *out = p;
    *len = n;
    return QR_OK;
}

int qc_tmpdir(const char *what, char *out, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    snprintf(out, cap, "%s/quarry-%s.XXXXXX", dir && *dir ? dir : "/tmp", what);
    if (mkdtemp(out))
        return 0;
    fprintf(stderr, "quarry %s: cannot create a temporary directory in %s: %s\n", what,
            dir && *dir ? dir : "/tmp", strerror(errno));
    return -1;
}

void qc_tmpdir_remove(const char *dir, const char *const *names)
{
    char p[1200];
    for (size_t i = 0; names[i]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

int qc_spawn(char *const argv[], const char *out_path, const char *err_path)
{
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return -1;
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        FILE *f = fopen(err_path, "w");
        if (f) {
            fprintf(f, "cannot start %s: %s\n", argv[0], strerror(rc));
            fclose(f);
        }
        return -1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status)
                                                           ? WTERMSIG(status) : 0);
}

/* ---- the bisector -------------------------------------------------------- */

typedef struct job {
    const char *scenario, *pack_dir, *dir;
    const char *const *bin;
    uint64_t replays;
} job;

static const char *const tmp_names[] = {"a.events.jsonl", "b.events.jsonl", "a.probe",
                                        "b.probe", "a.err", "b.err", "a.snap", "b.snap",
                                        "a.version", "b.version", NULL};

/* Shows a failed child's stderr; returns QC_EXIT_USAGE. */
static int child_failed(const job *j, int k, const char *what, int rc)
{
    char p[1100], *text = NULL;
    size_t len = 0;
    qr_error e;
    fprintf(stderr, "quarry bisect: build %c (%s) failed %s (exit %d)%s\n", "AB"[k], j->bin[k],
            what, rc, rc < 0 ? ": it could not be started" : "; its stderr:");
    snprintf(p, sizeof p, "%s/%c.err", j->dir, "ab"[k]);
    if (qc_read_file(p, &text, &len, &e) == QR_OK)
        fputs(text, stderr);
    free(text);
    return QC_EXIT_USAGE;
}

/* Runs build k with args after SCENARIO; stdout to DIR/<out>.  Returns the
 * child's exit code (0 or 1 allowed when ok1), else a message and -2. */
static int child(job *j, int k, const char *what, const char *out, bool ok1, const char *a1,
                 const char *a2, const char *a3, const char *a4, const char *a5,
                 const char *a6)
{
    char po[1100], pe[1100];
    snprintf(po, sizeof po, "%s/%s", j->dir, out);
    snprintf(pe, sizeof pe, "%s/%c.err", j->dir, "ab"[k]);
    const char *argv[16] = {j->bin[k]};
    int n = 1;
    const char *extra[] = {a1, a2, a3, a4, a5, a6};
    for (int i = 0; i < 6 && extra[i]; i++)
        argv[n++] = extra[i];
    if (j->pack_dir) {
        argv[n++] = "--pack-dir";
        argv[n++] = j->pack_dir;
    }
    argv[n] = NULL;
    int rc = qc_spawn((char *const *)argv, po, pe);
    if (rc == 0 || (ok1 && rc == 1))
        return rc;
    child_failed(j, k, what, rc);
    return -2;
}

static int probe_both(job *j, qc_builds *r, bool column, const char *col,
                      char *text[2], size_t len[2])
{
    char tick[24];
    snprintf(tick, sizeof tick, "%" PRIu64, r->d.tick);
    for (int k = 0; k < 2; k++) {
        char out[16], snap[1100];
        snprintf(out, sizeof out, "%c.probe", "ab"[k]);
        snprintf(snap, sizeof snap, "%s/%c.snap", j->dir, "ab"[k]);
        int rc;
        j->replays++;
        if (!column) {
            rc = child(j, k, "to probe", out, false, "probe", j->scenario, "--tick", tick,
                       "--snapshot-out", snap);
        } else {
            char pe[1100];
            snprintf(pe, sizeof pe, "%s/%c.err", j->dir, "ab"[k]);
            const char *argv[12] = {j->bin[k], "probe", j->scenario, "--tick", tick,
                                    "--column", col, "--from-snapshot", snap};
            int n = 9;
            if (j->pack_dir) {
                argv[n++] = "--pack-dir";
                argv[n++] = j->pack_dir;
            }
            argv[n] = NULL;
            char po[1100];
            snprintf(po, sizeof po, "%s/%s", j->dir, out);
            rc = qc_spawn((char *const *)argv, po, pe);
            if (rc != 0) {
                char *why = NULL;
                size_t wl = 0;
                qr_error e;
                qc_read_file(pe, &why, &wl, &e);
                fprintf(stderr, "quarry bisect: build %c refused its checkpoint at tick %"
                        PRIu64 " (%.*s): replaying from tick 0\n", "AB"[k], r->checkpoint_tick,
                        why ? (int)strcspn(why, "\n") : 0, why ? why : "");
                free(why);
                r->fallbacks++;
                j->replays++;
                rc = child(j, k, "to probe", out, false, "probe", j->scenario, "--tick", tick,
                           "--column", col);
            }
        }
        if (rc < 0)
            return QC_EXIT_USAGE;
        char p[1100];
        qr_error e;
        snprintf(p, sizeof p, "%s/%s", j->dir, out);
        if (qc_read_file(p, &text[k], &len[k], &e) != QR_OK) {
            qr_error_print(&e, stderr);
            return QC_EXIT_USAGE;
        }
    }
    return 0;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* The probes' descent into root subsystem `sub`. */
static int descend(job *j, qc_builds *r, qk_subsys sub)
{
    char *text[2] = {NULL, NULL}, *rows[2] = {NULL, NULL};
    size_t len[2] = {0, 0}, rlen[2] = {0, 0};
    qr_probe_leaves lv;
    qr_error err;
    int rc = probe_both(j, r, false, NULL, text, len);
    if (!rc && qr_probe_compare(text[0], len[0], text[1], len[1], sub, &r->d, &lv, &err)) {
        qr_error_print(&err, stderr);
        rc = QC_EXIT_USAGE;
    }
    if (!rc && r->d.has_chunk) {
        char col[48];
        snprintf(col, sizeof col, "%" PRId32 ",%" PRId32, r->d.cx, r->d.cz);
        rc = probe_both(j, r, true, col, rows, rlen);
        if (!rc && qr_probe_compare(rows[0], rlen[0], rows[1], rlen[1], sub, &r->d, &lv,
                                    &err)) {
            qr_error_print(&err, stderr);
            rc = QC_EXIT_USAGE;
        }
    }
    if (!rc) {
        r->leaves[0] = dup_n(lv.a ? lv.a : "", lv.na);
        r->leaves[1] = dup_n(lv.b ? lv.b : "", lv.nb);
        char p[1100];
        snprintf(p, sizeof p, "%s/a.snap", j->dir);
        if (qc_read_file(p, (char **)&r->snapshot, &r->snapshot_len, &err) != QR_OK) {
            qr_error_print(&err, stderr);
            rc = QC_EXIT_USAGE;
        }
    }
    for (int k = 0; k < 2; k++)
        free(text[k]), free(rows[k]);
    return rc;
}

/* The streams name the first differing line by its line in the stream;
 * the in-process bisect by its index within the root tick.  Converts when
 * the line lies in that tick (one pass over build A's stream). */
static void line_within_tick(const char *stream, qr_divergence *d)
{
    FILE *f = fopen(stream, "rb");
    if (!f)
        return;
    char want[48], *line = NULL;
    size_t cap = 0;
    int n = snprintf(want, sizeof want, "{\"tick\":%" PRIu64 ",", d->tick);
    for (uint64_t k = 1; k <= d->event_line && getline(&line, &cap, f) > 0; k++)
        if (strncmp(line, want, (size_t)n) == 0) {
            d->event_line = d->event_line - k + 1;
            break;
        }
    free(line);
    fclose(f);
}

int qc_bisect_builds_run(const char *scenario, const char *const bin[2], const char *pack_dir,
                         qc_builds *r)
{
    memset(r, 0, sizeof *r);
    char dir[1024];
    if (qc_tmpdir("bisect", dir, sizeof dir))
        return QC_EXIT_USAGE;
    job j = {scenario, pack_dir, dir, bin, 0};
    int rc = 0;
    for (int k = 0; k < 2 && !rc; k++) {
        char out[32], p[1100];
        snprintf(out, sizeof out, "%c.version", "ab"[k]);
        const char *argv[] = {bin[k], "--version", NULL};
        char pe[1100];
        snprintf(p, sizeof p, "%s/%s", dir, out);
        snprintf(pe, sizeof pe, "%s/%c.err", dir, "ab"[k]);
        int vr = qc_spawn((char *const *)argv, p, pe);
        if (vr != 0) {
            rc = child_failed(&j, k, "to say its version", vr);
            break;
        }
        size_t n;
        qr_error e;
        if (qc_read_file(p, &r->version[k], &n, &e) == QR_OK)
            r->version[k][strcspn(r->version[k], "\n")] = 0;
        snprintf(out, sizeof out, "%c.events.jsonl", "ab"[k]);
        snprintf(p, sizeof p, "%s/%s", dir, out);
        j.replays++;
        if (child(&j, k, "to run the scenario", k ? "b.probe" : "a.probe", true, "run", scenario, "-o", p,
                  NULL, NULL) < 0)
            rc = QC_EXIT_USAGE;
    }
    if (!rc) {
        char pa[1100], pb[1100];
        qr_error err;
        snprintf(pa, sizeof pa, "%s/a.events.jsonl", dir);
        snprintf(pb, sizeof pb, "%s/b.events.jsonl", dir);
        if (qr_bisect_streams(pa, pb, &r->d, &err) != QR_OK) {
            qr_error_print(&err, stderr);
            rc = QC_EXIT_USAGE;
        } else if (r->d.has_event && r->d.subsystems[0] && strcmp(r->d.subsystems, "chain")) {
            line_within_tick(pa, &r->d);
        }
    }
    int root = -1;
    for (int k = 0; !rc && r->d.found && k < QK_SUB__COUNT && root < 0; k++) {
        size_t n = strlen(qk_subsys_name((qk_subsys)k));
        if (strncmp(r->d.subsystems, qk_subsys_name((qk_subsys)k), n) == 0 &&
            (r->d.subsystems[n] == ',' || !r->d.subsystems[n]))
            root = k;
    }
    r->checkpoint_tick = r->d.tick - r->d.tick % 64;
    if (!rc && root >= 0)
        rc = descend(&j, r, (qk_subsys)root);
    r->segment_replays = j.replays;
    qc_tmpdir_remove(dir, tmp_names);
    return rc;
}

void qc_bisect_builds_free(qc_builds *r)
{
    free(r->version[0]), free(r->version[1]), free(r->leaves[0]), free(r->leaves[1]);
    free(r->snapshot);
    memset(r, 0, sizeof *r);
}
