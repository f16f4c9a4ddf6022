/*
 * cmd_check.c - `quarry check`: replay scenarios and hold them to their goldens.
 *
 * For each scenario: load it, check its golden against golden/MANIFEST.json
 * (a golden edited by hand fails here, before any comparison), replay into a
 * temporary file, compare with the golden line by line, and evaluate the
 * expect lines.  Scenarios are independent, so -j N runs them on N threads
 * (and --threads gives each run its own pool of light workers);
 * each job writes its report into its own slot and the main thread prints
 * slots in file-name order as they complete, so output does not depend on
 * scheduling.
 *
 * A scenario whose stream differs from its golden, or that has none, leaves
 * its stream beside the golden as NAME.events.jsonl.new for review (quarry
 * golden review / accept); the golden itself is never written here, and
 * with CI set in the environment nothing is written at all.  --junit FILE
 * writes a JUnit XML report for CI systems, --report DIR an HTML report for
 * QA (report.c; each job fills its slot through qr_run's hooks).
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qc.h"

const char qc_help_check[] =
    "usage: quarry check [PATH...] [--golden-dir DIR] [--pack-dir DIR] [-j J]\n"
    "                    [--threads N] [--junit FILE] [--shard K/N]\n"
    "                    [--heavy [--rollback K]] [--report DIR]\n"
    "                    [--translate DX,DZ]\n"
    "\n"
    "Replays each scenario (PATH: scenario files or directories of *.jsonl; default\n"
    "scenarios/), compares its event stream with <golden-dir>/<name>.events.jsonl,\n"
    "checks that golden against <golden-dir>/MANIFEST.json, and evaluates the\n"
    "scenario's expect lines.  Prints one line per scenario (PASS, FAIL, MISSING)\n"
    "in file-name order, then \"N passed, N failed\".  A stream that differs from\n"
    "its golden, or has none, is written beside it as <name>.events.jsonl.new for\n"
    "review (quarry golden review); never the golden itself, and nothing at all\n"
    "when the CI environment variable is set.\n"
    "\n"
    "  --golden-dir DIR  default: the scenario's dir/../golden\n"
    "  --pack-dir DIR    default: the scenario's dir/../packs\n"
    "  -j J              run J scenarios at a time (threads)\n"
    "  --threads N       light worker threads per scenario (1 to 64, default 1);\n"
    "                    with -j J, up to J x N threads run at once\n"
    "  --junit FILE      also write a JUnit XML report (one testcase per scenario)\n"
    "  --report DIR      also write DIR/index.html, a self-contained HTML report for\n"
    "                    QA: results, expect lines, divergences, step times, accept\n"
    "                    records\n"
    "  --shard K/N       check only the K-th of N slices (1 <= K <= N): the\n"
    "                    scenarios in file-name order whose index is K-1 mod N, so\n"
    "                    N machines with K = 1..N check every scenario once\n"
    "  --heavy           heavy mode: after every tick, snapshot and restore the\n"
    "                    world and require the same digests and bytes\n"
    "  --rollback K      with --heavy: every K ticks also re-simulate the last K\n"
    "                    ticks from a snapshot\n"
    "  --translate DX,DZ metamorphic check instead of the golden: run each scenario\n"
    "                    and a copy moved by DX,DZ whole chunks; the copy's events\n"
    "                    must be the original's, moved (digest lines aside), and\n"
    "                    its (moved) expect lines must hold.  Terrain scenarios\n"
    "                    are refused (ERROR); goldens are not read or written\n"
    "\n"
    "Exit codes: 0 all passed, 1 some failed, 2 bad usage or a scenario is malformed.\n";

typedef struct job {
    const char *path;
    const char *golden_dir, *pack_dir; /* options, or NULL */
    unsigned threads;                  /* light workers of its run */
    bool heavy;                        /* heavy mode ... */
    uint32_t rollback;                 /* ... and its rollback period */
    bool ci;                           /* CI is set: write nothing */
    bool translate;                    /* --translate: the metamorphic check */
    int32_t tdx, tdz;                  /* ... by these chunks */
    bool passed, bad_input, done;
    bool refused;                      /* --translate refused it (an error) */
    char name[256];
    double seconds;                    /* wall time of its check (JUnit) */
    uint64_t ticks;                    /* ticks it ran (the progress line) */
    char error[1200]; /* bad input: "file:line:col: message" for stderr */
    char *report; /* what to print, lines ending in '\n' */
    qc_report_slot *rep; /* --report: what the HTML report needs, or NULL */
    size_t len, cap;
} job;

static void say(job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(job *j, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int w = vsnprintf(j->report ? j->report + j->len : NULL,
                          j->report ? j->cap - j->len : 0, fmt, ap);
        va_end(ap);
        if (w < 0)
            return;
        if (j->report && j->len + (size_t)w < j->cap) {
            j->len += (size_t)w;
            return;
        }
        size_t nc = (j->cap + (size_t)w + 256) * 2;
        char *nb = realloc(j->report, nc);
        if (!nb)
            return;
        j->report = nb;
        j->cap = nc;
    }
}

/* Leaves the stream in `tmp` beside the golden as NAME.events.jsonl.new
 * (atomically), for quarry golden review; nothing under CI. */
static void write_pending(job *j, const char *golden, FILE *tmp)
{
    if (j->ci) {
        say(j, "  (CI: the new stream is not written)\n");
        return;
    }
    char path[1400];
    snprintf(path, sizeof path, "%s.new", golden);
    qr_afile af;
    qr_error err;
    char buf[1 << 14];
    size_t n;
    bool ok = fflush(tmp) == 0 && fseek(tmp, 0, SEEK_SET) == 0 && !qr_afile_open(&af, path, &err);
    if (!ok) {
        say(j, "  cannot write %s\n", path);
        return;
    }
    while ((n = fread(buf, 1, sizeof buf, tmp)) > 0)
        if (fwrite(buf, 1, n, af.f) != n)
            ok = false;
    if (ok && !ferror(tmp) && !qr_afile_commit(&af, &err)) {
        say(j, "  wrote %s: review with quarry golden review\n", path);
    } else {
        qr_afile_abort(&af);
        say(j, "  cannot write %s\n", path);
    }
}

/* A passing scenario's old pending stream is obsolete. */
static void drop_pending(const job *j, const char *golden)
{
    if (j->ci)
        return;
    char path[1400];
    snprintf(path, sizeof path, "%s.new", golden);
    remove(path);
}

/* Says every failed expectation of res (the first as the scenario's FAIL
 * line when `first`).  True when all of them passed. */
static bool say_expects(job *j, const qr_scenario *sc, const qr_run_result *res, bool first)
{
    for (size_t i = 0; i < sc->n_expects; i++) {
        const qr_expect_result *r = &res->expects[i];
        if (r->passed)
            continue;
        const char *note = sc->expects[i].note;
        const char *msg = r->msg; /* "tick N: ..." - the tick is already in the line */
        if (strncmp(msg, "tick ", 5) == 0 && strstr(msg, ": "))
            msg = strstr(msg, ": ") + 2;
        if (first)
            say(j, "FAIL %s: expect line %u (tick %" PRIu64 "): %s%s%s%s\n", j->name, r->line,
                r->tick, msg, note ? " (" : "", note ? note : "", note ? ")" : "");
        else
            say(j, "  expect line %u (tick %" PRIu64 "): %s%s%s%s\n", r->line, r->tick,
                msg, note ? " (" : "", note ? note : "", note ? ")" : "");
        first = false;
    }
    return res->n_passed == sc->n_expects;
}

/* Says a divergence: the summary as the FAIL line, the detail lines of the
 * full rendering indented; the full rendering goes to the report. */
static void say_diff(job *j, const qr_diff *d, const char *a, const char *b)
{
    /* names are short: a summary is at most ~1,700 bytes (two whole values
     * of 639), the full rendering ~2,800 */
    char s[2048], full[4096];
    qr_diff_summary(d, a, b, s, sizeof s);
    qr_diff_render(d, a, b, full, sizeof full);
    qc_report_divergence(j->rep, full);
    say(j, "FAIL %s: %s\n", j->name, s);
    const char *nl = strchr(full, '\n');
    for (const char *p = nl ? nl + 1 : ""; *p;) {
        const char *e = strchr(p, '\n');
        int n = e ? (int)(e - p) : (int)strlen(p);
        say(j, "  %.*s\n", n, p);
        p += n + (e ? 1 : 0);
    }
}

/* --translate: the scenario against its copy moved by (tdx, tdz) chunks
 * (replay/src/translate.c); goldens are neither read nor written. */
static void check_translated(job *j, const qr_scenario *sc)
{
    qr_error err;
    qr_translate_notes notes;
    qr_scenario *moved = NULL;
    qr_run_result res = {0};
    char e[1200];
    if (qr_scenario_translate(sc, j->tdx, j->tdz, &moved, &notes, &err)) {
        qr_error_format(&err, e, sizeof e);
        say(j, "ERROR %s: --translate %d,%d refused: %s\n", j->name, j->tdx, j->tdz, e);
        j->refused = true;
        qc_report_take(j->rep, sc, &res, NULL, false);
        return;
    }
    qr_diff d;
    if (qr_translate_compare(sc, moved, j->tdx, j->tdz, j->threads, &d, &res, &err)) {
        qr_error_format(&err, e, sizeof e);
        say(j, "FAIL %s: %s\n", j->name, e);
    } else {
        bool same = d.kind == QR_DIFF_SAME;
        j->ticks = 2 * res.ticks; /* both runs */
        if (!same)
            say_diff(j, &d, "original moved", "translated run");
        if (say_expects(j, moved, &res, same) && same) {
            j->passed = true;
            say(j, "PASS %s  translated by %d,%d chunks  %" PRIu64 " ticks  %" PRIu64
                " events  expectations %zu/%zu\n", j->name, j->tdx, j->tdz, res.ticks,
                res.events, res.n_passed, moved->n_expects);
        }
    }
    if (notes.falls)
        say(j, "  note: %zu \"falls\" part%s of sky expect lines not checked: precipitation's "
            "cold cells hash absolute coordinates\n", notes.falls, notes.falls == 1 ? "" : "s");
    if (notes.untyped)
        say(j, "  note: %zu event expect line%s not checked: a coordinate key without a "
            "\"type\" cannot be moved\n", notes.untyped, notes.untyped == 1 ? "" : "s");
    qc_report_take(j->rep, moved, &res, NULL, false);
    qr_run_result_free(&res);
    qr_scenario_free(moved);
}

static void check_scenario(job *j);

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void check_one(job *j)
{
    double t0 = now_s();
    check_scenario(j);
    j->seconds = now_s() - t0;
}

static void check_scenario(job *j)
{
    char *name = j->name, golden_dir[1024], golden[1300], manifest_path[1300];
    qc_basename(j->path, j->name, sizeof j->name);
    qr_error err;
    qr_scenario *sc = NULL;
    qr_scenario_opts so = {j->pack_dir, NULL};
    qr_status st = qr_scenario_load(&sc, j->path, &so, &err);
    if (st) {
        qr_error_format(&err, j->error, sizeof j->error);
        say(j, "FAIL %s: %s\n", name, j->error);
        j->bad_input = true;
        return;
    }
    snprintf(j->name, sizeof j->name, "%s", sc->name);
    if (j->translate) {
        check_translated(j, sc);
        qr_scenario_free(sc);
        return;
    }
    if (j->golden_dir)
        snprintf(golden_dir, sizeof golden_dir, "%s", j->golden_dir);
    else
        qc_sibling_dir(j->path, "golden", golden_dir, sizeof golden_dir);
    snprintf(golden, sizeof golden, "%s/%s.events.jsonl", golden_dir, sc->name);
    snprintf(manifest_path, sizeof manifest_path, "%s/MANIFEST.json", golden_dir);

    FILE *gf = fopen(golden, "rb");
    FILE *tmp = NULL;
    qr_manifest man = {0};
    qr_run_result res = {0};
    if (!gf) {
        say(j, "MISSING %s: no golden, run quarry accept\n", name);
        tmp = tmpfile();
        qr_run_opts mo = {.write = qr_write_stdio, .write_ud = tmp, .threads = j->threads};
        qc_report_attach(j->rep, sc, &mo);
        if (tmp && !qr_run(sc, &mo, &res, &err))
            write_pending(j, golden, tmp);
        goto out;
    }
    if ((st = qr_manifest_load(&man, manifest_path, &err))) {
        qr_error_format(&err, j->error, sizeof j->error);
        say(j, "FAIL %s: %s\n", name, j->error);
        j->bad_input = true;
        goto out;
    }
    const qr_manifest_entry *me = qr_manifest_find(&man, sc->name);
    uint64_t gh = 0, gbytes = 0;
    if (!me) {
        say(j, "FAIL %s: golden has no entry in %s: re-accept with quarry accept\n", name,
            manifest_path);
        goto out;
    }
    if ((st = qr_hash_file(golden, &gh, &gbytes, &err)) || gh != me->stream_hash) {
        say(j, "FAIL %s: golden differs from its manifest entry: re-accept with quarry "
            "accept\n", name);
        goto out;
    }
    if (!(tmp = tmpfile())) {
        say(j, "FAIL %s: cannot create a temporary file\n", name);
        goto out;
    }
    qr_run_opts ro = {.write = qr_write_stdio, .write_ud = tmp, .threads = j->threads,
                      .heavy = j->heavy, .heavy_rollback = j->rollback};
    qc_report_attach(j->rep, sc, &ro);
    if ((st = qr_run(sc, &ro, &res, &err))) {
        char e[1200];
        qr_error_format(&err, e, sizeof e);
        say(j, "FAIL %s: %s\n", name, e);
        goto out;
    }
    bool same = res.hash == gh && res.bytes == gbytes;
    if (!same) {
        qr_diff d;
        if (fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0 ||
            qr_compare_files(gf, tmp, &d, &err)) {
            say(j, "FAIL %s: cannot compare with %s\n", name, golden);
            goto out;
        }
        same = d.kind == QR_DIFF_SAME;
        if (!same) {
            say_diff(j, &d, "golden", "now");
            write_pending(j, golden, tmp);
        }
    }
    if (same)
        drop_pending(j, golden);
    j->ticks = res.ticks;
    if (say_expects(j, sc, &res, same) && same) {
        j->passed = true;
        say(j, "PASS %s  %" PRIu64 " ticks  %" PRIu64 " events  expectations %zu/%zu\n", name,
            res.ticks, res.events, res.n_passed, sc->n_expects);
    }
out:
    qc_report_take(j->rep, sc, &res, qr_manifest_find(&man, sc->name), gf == NULL);
    if (gf)
        fclose(gf);
    if (tmp)
        fclose(tmp);
    qr_run_result_free(&res);
    qr_manifest_free(&man);
    qr_scenario_free(sc);
}

/* --junit FILE (junit.c).  0, or -1 after saying why. */
static int write_junit(const char *path, const job *jobs, size_t n)
{
    qc_case *cases = calloc(n ? n : 1, sizeof *cases);
    if (!cases) {
        fprintf(stderr, "quarry check: --junit: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        cases[i] = (qc_case){jobs[i].name, jobs[i].passed, jobs[i].bad_input || jobs[i].refused,
                             jobs[i].seconds, jobs[i].report};
    int rc = qc_junit_write(path, cases, n, "check --junit");
    free(cases);
    return rc;
}

/* "K/N" with 1 <= K <= N <= 10000; 0 or QC_EXIT_USAGE. */
static int parse_shard(const char *v, uint64_t *k, uint64_t *n)
{
    char a[32], b[32];
    const char *slash = strchr(v, '/');
    if (slash && (size_t)(slash - v) < sizeof a && strlen(slash + 1) < sizeof b) {
        snprintf(a, sizeof a, "%.*s", (int)(slash - v), v);
        snprintf(b, sizeof b, "%s", slash + 1);
        if (qc_parse_u64(a, k) && qc_parse_u64(b, n) && *n >= 1 && *n <= 10000 && *k >= 1 &&
            *k <= *n)
            return 0;
    }
    return qc_usage("check", "--shard wants K/N with 1 <= K <= N <= 10000, got '%s'", v);
}

/* "DX,DZ": whole chunks, each within the world.  0 or QC_EXIT_USAGE. */
static int parse_translate(const char *v, int32_t *dx, int32_t *dz)
{
    char a[32], b[32];
    const char *comma = strchr(v, ',');
    int64_t x, z, lim = QK_COORD_LIMIT / QK_CHUNK_W;
    if (comma && (size_t)(comma - v) < sizeof a && strlen(comma + 1) < sizeof b) {
        snprintf(a, sizeof a, "%.*s", (int)(comma - v), v);
        snprintf(b, sizeof b, "%s", comma + 1);
        if (qc_parse_i64(a, &x) && qc_parse_i64(b, &z) && x >= -lim && x <= lim &&
            z >= -lim && z <= lim) {
            *dx = (int32_t)x;
            *dz = (int32_t)z;
            return 0;
        }
    }
    return qc_usage("check", "--translate wants DX,DZ in whole chunks (|DX|, |DZ| <= %" PRId64
                    "), got '%s'", lim, v);
}

/* Keeps the scenarios of slice K of N: index i (file-name order) with
 * i mod N == K - 1.  The order is the sorted file names, the same on every
 * machine, so the N slices partition the suite. */
static void take_shard(qc_paths *list, uint64_t k, uint64_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < list->n; i++) {
        if (i % n == k - 1)
            list->v[kept++] = list->v[i];
        else
            free(list->v[i]);
    }
    list->n = kept;
}

typedef struct pool {
    job *jobs;
    size_t n, next;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        if (i >= p->n)
            return NULL;
        check_one(&p->jobs[i]);
        pthread_mutex_lock(&p->mu);
        p->jobs[i].done = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

int qc_cmd_check(int argc, char **argv)
{
    const char *golden_dir = NULL, *pack_dir = NULL, *junit = NULL, *report_dir = NULL, *v;
    bool heavy = false, translate = false;
    int32_t tdx = 0, tdz = 0;
    uint32_t rollback = 0;
    uint64_t shard_k = 1, shard_n = 1;
    uint64_t threads = 1;
    unsigned light_threads = 1;
    char **paths = calloc((size_t)argc, sizeof *paths);
    int npaths = 0;
    if (!paths)
        return qc_usage("check", "out of memory");
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = qc_opt("check", argc, argv, &i, "--golden-dir", &v)) != 0) {
            if (m < 0) goto usage;
            golden_dir = v;
        } else if ((m = qc_opt("check", argc, argv, &i, "--pack-dir", &v)) != 0) {
            if (m < 0) goto usage;
            pack_dir = v;
        } else if ((m = qc_opt("check", argc, argv, &i, "-j", &v)) != 0) {
            if (m < 0) goto usage;
            if (!qc_parse_u64(v, &threads) || threads < 1 || threads > 256) {
                qc_usage("check", "-j wants a number of threads from 1 to 256, got '%s'", v);
                goto usage;
            }
        } else if ((m = qc_opt("check", argc, argv, &i, "--threads", &v)) != 0) {
            if (m < 0 || qc_parse_threads("check", v, &light_threads)) goto usage;
        } else if (strcmp(argv[i], "--heavy") == 0) {
            heavy = true;
        } else if ((m = qc_opt("check", argc, argv, &i, "--rollback", &v)) != 0) {
            if (m < 0 || qc_parse_rollback("check", v, &rollback)) goto usage;
        } else if ((m = qc_opt("check", argc, argv, &i, "--shard", &v)) != 0) {
            if (m < 0 || parse_shard(v, &shard_k, &shard_n)) goto usage;
        } else if ((m = qc_opt("check", argc, argv, &i, "--translate", &v)) != 0) {
            if (m < 0 || parse_translate(v, &tdx, &tdz)) goto usage;
            translate = true;
        } else if ((m = qc_opt("check", argc, argv, &i, "--junit", &v)) != 0) {
            if (m < 0) goto usage;
            junit = v;
        } else if ((m = qc_opt("check", argc, argv, &i, "--report", &v)) != 0) {
            if (m < 0) goto usage;
            report_dir = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            qc_usage("check", "unknown option '%s'", argv[i]);
            goto usage;
        } else {
            paths[npaths++] = argv[i];
        }
    }
    if (translate && heavy) {
        qc_usage("check", "--translate and --heavy are separate checks: run them one at a time");
        goto usage;
    }
    if (rollback && !heavy) {
        qc_usage("check", "--rollback K goes with --heavy");
        goto usage;
    }
    qc_paths list;
    if (qc_collect("check", paths, npaths, &list))
        goto usage;
    free(paths);
    take_shard(&list, shard_k, shard_n);
    qc_report *report = NULL;
    if (report_dir && qc_report_open(report_dir, list.n, &report)) {
        qc_paths_free(&list);
        return QC_EXIT_USAGE;
    }
    job *jobs = calloc(list.n ? list.n : 1, sizeof *jobs);
    if (!jobs) {
        qc_report_free(report);
        qc_paths_free(&list);
        return qc_usage("check", "out of memory");
    }
    for (size_t i = 0; i < list.n; i++)
        jobs[i] = (job){.path = list.v[i], .golden_dir = golden_dir, .pack_dir = pack_dir,
                        .threads = light_threads, .heavy = heavy, .rollback = rollback,
                        .ci = qc_in_ci(), .rep = qc_report_slot_at(report, i),
                        .translate = translate, .tdx = tdx, .tdz = tdz};
    pool p = {jobs, list.n, 0, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
    size_t nt = threads < list.n ? (size_t)threads : list.n;
    pthread_t tids[256];
    size_t started = 0;
    for (size_t t = 0; nt > 1 && t < nt; t++) /* workers work, this thread prints */
        if (pthread_create(&tids[started], NULL, worker, &p) == 0)
            started++;
    if (started == 0) /* -j 1, or no thread could start: do it all here */
        worker(&p);
    size_t passed = 0, failed = 0;
    bool bad = false, progress = qc_progress_wanted();
    qc_progress_show(progress, 0, list.n, "", 0);
    for (size_t i = 0; i < list.n; i++) {
        pthread_mutex_lock(&p.mu);
        while (!jobs[i].done)
            pthread_cond_wait(&p.cv, &p.mu);
        pthread_mutex_unlock(&p.mu);
        qc_progress_clear(progress);
        if (jobs[i].report)
            fputs(jobs[i].report, stdout);
        fflush(stdout);
        if (jobs[i].bad_input)
            fprintf(stderr, "%s\n", jobs[i].error);
        if (jobs[i].passed)
            passed++;
        else
            failed++;
        bad |= jobs[i].bad_input;
        qc_progress_show(progress, i + 1, list.n, jobs[i].name,
                         jobs[i].seconds > 0 ? (double)jobs[i].ticks / jobs[i].seconds : 0);
        qc_report_outcome(jobs[i].rep, jobs[i].name, jobs[i].passed,
                          jobs[i].bad_input || jobs[i].refused, jobs[i].seconds, jobs[i].report);
    }
    for (size_t t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    qc_progress_clear(progress);
    printf("%zu passed, %zu failed\n", passed, failed);
    if (junit && write_junit(junit, jobs, list.n) != 0)
        bad = true;
    if (report)
        qc_report_pictures(report, list.v, pack_dir);
    if (report && qc_report_write(report) != 0)
        bad = true;
    qc_report_free(report);
    for (size_t i = 0; i < list.n; i++)
        free(jobs[i].report);
    free(jobs);
    qc_paths_free(&list);
    return bad ? QC_EXIT_USAGE : failed ? QC_EXIT_FAIL : QC_EXIT_OK;
usage:
    free(paths);
    return QC_EXIT_USAGE;
}
