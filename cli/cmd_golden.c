/*
 * cmd_golden.c - `quarry golden status | review | accept`: the golden
 * workflow around `quarry check` (which leaves NAME.events.jsonl.new beside
 * a golden it disagrees with) and `quarry accept` (the only writer of
 * goldens and the manifest).
 *
 *   status   every scenario's golden: OK, MISSING, STALE (the scenario, the
 *            event schema or the kernel changed since it was accepted),
 *            UNTRUSTED (it differs from its manifest entry), PENDING (a new
 *            stream awaits review); and ORPHANED goldens, manifest entries
 *            and pending streams whose scenario is gone.
 *   review   steps through pending streams: a readable diff, then accept /
 *            reject / skip, read from stdin (a TTY or a script).
 *   accept   non-interactive: quarry accept for named scenarios, with the
 *            who and the why the manifest records.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qc.h"

const char qc_help_golden[] =
    "usage: quarry golden status [PATH...] [--golden-dir DIR] [--pack-dir DIR]\n"
    "       quarry golden review --why TEXT [--by NAME] [--golden-dir DIR]\n"
    "                            [--scenario-dir DIR]\n"
    "       quarry golden accept NAME... --why TEXT [--by NAME] [--scenario-dir DIR]\n"
    "\n"
    "status lists every scenario's golden (PATH as for check; default scenarios/):\n"
    "  OK         the golden matches its manifest entry and the current scenario\n"
    "  MISSING    no golden: run quarry check (it writes a pending stream), then\n"
    "             review or accept it\n"
    "  STALE      the scenario (its hash), the event schema or the kernel version\n"
    "             in the golden's header differs from now: re-check and re-accept\n"
    "  UNTRUSTED  the golden differs from its manifest entry (edited by hand?)\n"
    "  PENDING    quarry check left <name>.events.jsonl.new: review it\n"
    "  ORPHANED   a golden, manifest entry or pending stream whose scenario is\n"
    "             gone (only when the PATHs are directories)\n"
    "Exit 0 when every golden is OK, 1 otherwise, 2 on bad usage or input.\n"
    "\n"
    "review shows each pending stream's first difference from its golden and\n"
    "asks: accept (a), reject (r: the pending file is removed), skip (s), quit\n"
    "(q).  Answers come from stdin, so a script can drive it.  Accepting runs\n"
    "quarry accept with --why as the reason.\n"
    "\n"
    "accept is quarry accept for scenarios by name (<scenario-dir>/NAME.jsonl;\n"
    "default scenario dir: scenarios), --why being the reason.\n";

/* ---- status ---- */

typedef struct tally {
    size_t ok, bad;
} tally;

static void report(tally *t, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(tally *t, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    if (ok)
        t->ok++;
    else
        t->bad++;
}

static bool file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    return f != NULL;
}

/* The first line of a file (without '\n'), or false. */
static bool first_line(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    bool ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (ok)
        buf[strcspn(buf, "\n")] = 0;
    return ok;
}

/* The string value of "key":"..." in a canonical header line. */
static void header_field(const char *line, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(line, pat);
    out[0] = 0;
    if (!p)
        return;
    p += strlen(pat);
    size_t n = strcspn(p, "\"");
    snprintf(out, cap, "%.*s", (int)(n < cap - 1 ? n : cap - 1), p);
}

/* Why the golden's header is not the one a run would write now, or NULL. */
static const char *stale_reason(const char *have, const char *want, char *buf, size_t cap)
{
    static const char *const keys[] = {"scenario_hash", "schema", "kernel", "scenario"};
    static const char *const what[] = {"the scenario changed", "the event schema changed",
                                       "the kernel version changed", "the scenario was renamed"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        char a[128], b[128];
        header_field(have, keys[k], a, sizeof a);
        header_field(want, keys[k], b, sizeof b);
        if (strcmp(a, b) != 0) {
            snprintf(buf, cap, "%s (%s %s, now %s)", what[k], keys[k], a, b);
            return buf;
        }
    }
    return strcmp(have, want) != 0 ? "its header differs from what a run writes now" : NULL;
}

/* One scenario's golden. */
static void status_one(tally *t, const qr_scenario *sc, const char *golden_dir,
                       const qr_manifest *man)
{
    char golden[1300], pending[1310], have[1024], want[1024], why[400];
    snprintf(golden, sizeof golden, "%s/%s.events.jsonl", golden_dir, sc->name);
    snprintf(pending, sizeof pending, "%s.new", golden);
    if (file_exists(pending)) {
        report(t, false, "PENDING %s: %s awaits review (quarry golden review)", sc->name, pending);
        return;
    }
    if (!first_line(golden, have, sizeof have)) {
        report(t, false, "MISSING %s: no golden (quarry check writes a pending stream)", sc->name);
        return;
    }
    qr_header_format(sc->name, sc->hash, want, sizeof want);
    want[strcspn(want, "\n")] = 0;
    const char *stale = stale_reason(have, want, why, sizeof why);
    if (stale) {
        report(t, false, "STALE %s: %s", sc->name, stale);
        return;
    }
    const qr_manifest_entry *me = qr_manifest_find(man, sc->name);
    uint64_t h = 0, bytes = 0;
    qr_error err;
    if (!me || qr_hash_file(golden, &h, &bytes, &err) || h != me->stream_hash) {
        report(t, false, "UNTRUSTED %s: %s", sc->name,
               me ? "the golden differs from its manifest entry" : "no manifest entry");
        return;
    }
    report(t, true, "OK %s  accepted %s by %s", sc->name, me->accepted_at, me->accepted_by);
}

/* Is `name` one of the scenarios? */
static bool known(char names[][QR_NAME_MAX + 1], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

/* Goldens, pending streams and manifest entries of no scenario. */
static void orphans(tally *t, const char *golden_dir, char names[][QR_NAME_MAX + 1], size_t n,
                    const qr_manifest *man)
{
    DIR *d = opendir(golden_dir);
    qc_paths found = {0};
    for (struct dirent *e; d && (e = readdir(d));) {
        const char *suffixes[] = {".events.jsonl", ".events.jsonl.new"};
        for (int k = 0; k < 2; k++) {
            size_t ln = strlen(e->d_name), ls = strlen(suffixes[k]);
            if (ln <= ls || strcmp(e->d_name + ln - ls, suffixes[k]) != 0)
                continue;
            char name[QR_NAME_MAX + 1];
            snprintf(name, sizeof name, "%.*s", (int)(ln - ls), e->d_name);
            if (!known(names, n, name)) {
                char line[600];
                snprintf(line, sizeof line, "ORPHANED %s: %s/%s has no scenario", name,
                         golden_dir, e->d_name);
                char *c = strdup(line);
                if (c && found.n == found.cap) {
                    size_t nc = found.cap ? 2 * found.cap : 8;
                    char **v = realloc(found.v, nc * sizeof *v);
                    if (v) {
                        found.v = v;
                        found.cap = nc;
                    }
                }
                if (c && found.n < found.cap)
                    found.v[found.n++] = c;
                else
                    free(c);
            }
        }
    }
    if (d)
        closedir(d);
    /* readdir's order is the file system's: sort for stable output. */
    for (size_t i = 1; i < found.n; i++)
        for (size_t j = i; j > 0 && strcmp(found.v[j - 1], found.v[j]) > 0; j--) {
            char *x = found.v[j];
            found.v[j] = found.v[j - 1];
            found.v[j - 1] = x;
        }
    for (size_t i = 0; i < found.n; i++)
        report(t, false, "%s", found.v[i]);
    qc_paths_free(&found);
    for (size_t i = 0; i < man->count; i++)
        if (!known(names, n, man->entries[i].name))
            report(t, false, "ORPHANED %s: manifest entry without a scenario",
                   man->entries[i].name);
}

static int cmd_status(int argc, char **argv)
{
    const char *golden_opt = NULL, *pack_dir = NULL, *v;
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    int npaths = 0;
    bool only_dirs = true;
    if (!paths)
        return qc_usage("golden", "out of memory");
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = qc_opt("golden", argc, argv, &i, "--golden-dir", &v)) != 0) {
            if (m < 0) goto usage;
            golden_opt = v;
        } else if ((m = qc_opt("golden", argc, argv, &i, "--pack-dir", &v)) != 0) {
            if (m < 0) goto usage;
            pack_dir = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            qc_usage("golden", "unknown option '%s'", argv[i]);
            goto usage;
        } else {
            size_t l = strlen(argv[i]);
            only_dirs = only_dirs && !(l > 6 && strcmp(argv[i] + l - 6, ".jsonl") == 0);
            paths[npaths++] = argv[i];
        }
    }
    qc_paths list;
    if (qc_collect("golden", paths, npaths, &list))
        goto usage;
    free(paths);
    char(*names)[QR_NAME_MAX + 1] = calloc(list.n + 1, sizeof *names);
    tally t = {0, 0};
    int rc = QC_EXIT_OK;
    char golden_dir[1024] = "";
    qr_manifest man = {0};
    for (size_t i = 0; names && i < list.n; i++) {
        qr_scenario *sc = NULL;
        qr_scenario_opts so = {pack_dir, NULL};
        qr_error err;
        if (qr_scenario_load(&sc, list.v[i], &so, &err)) {
            qr_error_print(&err, stderr);
            rc = QC_EXIT_USAGE;
            continue;
        }
        snprintf(names[i], sizeof names[i], "%s", sc->name);
        char dir[1024];
        if (golden_opt)
            snprintf(dir, sizeof dir, "%s", golden_opt);
        else
            qc_sibling_dir(list.v[i], "golden", dir, sizeof dir);
        if (strcmp(dir, golden_dir) != 0) { /* the manifest of this golden dir */
            char mp[1100];
            snprintf(golden_dir, sizeof golden_dir, "%s", dir);
            snprintf(mp, sizeof mp, "%s/MANIFEST.json", golden_dir);
            qr_manifest_free(&man);
            if (qr_manifest_load(&man, mp, &err)) {
                qr_error_print(&err, stderr);
                rc = QC_EXIT_USAGE;
            }
        }
        status_one(&t, sc, golden_dir, &man);
        qr_scenario_free(sc);
    }
    if (names && only_dirs && golden_dir[0])
        orphans(&t, golden_dir, names, list.n, &man);
    printf("%zu ok, %zu need attention\n", t.ok, t.bad);
    qr_manifest_free(&man);
    free(names);
    qc_paths_free(&list);
    if (!names)
        return qc_usage("golden", "out of memory");
    return rc ? rc : t.bad ? QC_EXIT_FAIL : QC_EXIT_OK;
usage:
    free(paths);
    return QC_EXIT_USAGE;
}

/* ---- accept and review ---- */

/* quarry accept for scenario `name` (or a path), with who and why. */
static int accept_one(const char *name, const char *scenario_dir, const char *golden_dir,
                      const char *by, const char *why)
{
    char path[1100];
    size_t l = strlen(name);
    if (l > 6 && strcmp(name + l - 6, ".jsonl") == 0)
        snprintf(path, sizeof path, "%s", name);
    else
        snprintf(path, sizeof path, "%s/%s.jsonl", scenario_dir, name);
    char *args[12];
    int n = 0;
    args[n++] = "accept";
    args[n++] = path;
    args[n++] = "--reason";
    args[n++] = (char *)why;
    if (by) {
        args[n++] = "--by";
        args[n++] = (char *)by;
    }
    if (golden_dir) {
        args[n++] = "--golden-dir";
        args[n++] = (char *)golden_dir;
    }
    args[n] = NULL;
    return qc_cmd_accept(n, args);
}

typedef struct common_opts {
    const char *by, *why, *golden_dir, *scenario_dir;
} common_opts;

/* Parses the options review and accept share; names go to names[]. */
static int parse_common(int argc, char **argv, common_opts *o, char **names, int *nnames)
{
    const char *v;
    *o = (common_opts){NULL, NULL, NULL, "scenarios"};
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = qc_opt("golden", argc, argv, &i, "--by", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            o->by = v;
        } else if ((m = qc_opt("golden", argc, argv, &i, "--why", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            o->why = v;
        } else if ((m = qc_opt("golden", argc, argv, &i, "--golden-dir", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            o->golden_dir = v;
        } else if ((m = qc_opt("golden", argc, argv, &i, "--scenario-dir", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            o->scenario_dir = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return qc_usage("golden", "unknown option '%s'", argv[i]);
        } else if (names) {
            names[(*nnames)++] = argv[i];
        } else {
            return qc_usage("golden", "review takes no names (got '%s')", argv[i]);
        }
    }
    if (!o->why || !*o->why)
        return qc_usage("golden", "--why TEXT is required: it goes into the manifest");
    return 0;
}

static int cmd_accept(int argc, char **argv)
{
    char **names = calloc((size_t)argc + 1, sizeof *names);
    int n = 0;
    common_opts o;
    if (!names)
        return qc_usage("golden", "out of memory");
    int rc = parse_common(argc, argv, &o, names, &n);
    if (!rc && n == 0)
        rc = qc_usage("golden", "accept which scenarios? (names)");
    for (int i = 0; !rc && i < n; i++) {
        int r = accept_one(names[i], o.scenario_dir, o.golden_dir, o.by, o.why);
        rc = r > rc ? r : rc;
    }
    free(names);
    return rc;
}

/* Pending streams in dir, sorted. */
static int pending_list(const char *dir, qc_paths *out)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d)
        return qc_usage("golden", "%s: cannot read directory", dir);
    static const char suffix[] = ".events.jsonl.new";
    for (struct dirent *e; (e = readdir(d));) {
        size_t ln = strlen(e->d_name), ls = sizeof suffix - 1;
        if (ln <= ls || strcmp(e->d_name + ln - ls, suffix) != 0)
            continue;
        if (out->n == out->cap) {
            size_t nc = out->cap ? 2 * out->cap : 8;
            char **v = realloc(out->v, nc * sizeof *v);
            if (!v)
                break;
            out->v = v;
            out->cap = nc;
        }
        char *name = strndup(e->d_name, ln - ls);
        if (name)
            out->v[out->n++] = name;
    }
    closedir(d);
    for (size_t i = 1; i < out->n; i++)
        for (size_t j = i; j > 0 && strcmp(out->v[j - 1], out->v[j]) > 0; j--) {
            char *x = out->v[j];
            out->v[j] = out->v[j - 1];
            out->v[j - 1] = x;
        }
    return 0;
}

/* Shows how the pending stream differs from the golden. */
static void show_pending(const char *golden, const char *pending)
{
    qr_diff d;
    qr_error err;
    char out[4096];
    if (!file_exists(golden)) {
        printf("  no golden yet: the pending stream would be the first\n");
        return;
    }
    if (qr_compare_paths(golden, pending, &d, &err)) {
        qr_error_format(&err, out, sizeof out);
        printf("  cannot compare: %s\n", out);
        return;
    }
    qr_diff_render(&d, "golden", "pending", out, sizeof out);
    for (char *p = out; *p;) {
        char *e = strchr(p, '\n');
        int n = e ? (int)(e - p) : (int)strlen(p);
        printf("  %.*s\n", n, p);
        p += n + (e ? 1 : 0);
    }
}

static int cmd_review(int argc, char **argv)
{
    common_opts o;
    int rc = parse_common(argc, argv, &o, NULL, NULL);
    if (rc)
        return rc;
    if (qc_in_ci())
        return qc_usage("golden", "review writes goldens: not with CI set");
    const char *dir = o.golden_dir ? o.golden_dir : "golden";
    qc_paths p;
    if ((rc = pending_list(dir, &p)))
        return rc;
    if (p.n == 0)
        printf("nothing pending in %s\n", dir);
    bool tty = isatty(STDIN_FILENO);
    size_t accepted = 0, rejected = 0, skipped = 0;
    for (size_t i = 0; i < p.n; i++) {
        char golden[1300], pending[1310], answer[64];
        snprintf(golden, sizeof golden, "%s/%s.events.jsonl", dir, p.v[i]);
        snprintf(pending, sizeof pending, "%s.new", golden);
        printf("%s (%zu of %zu):\n", p.v[i], i + 1, p.n);
        show_pending(golden, pending);
        printf("accept, reject, skip or quit? [a/r/s/q] ");
        fflush(stdout);
        if (!fgets(answer, sizeof answer, stdin)) {
            printf("\n");
            break;
        }
        if (!tty)
            printf("%s", answer); /* a script's answers show in the log */
        char c = answer[strspn(answer, " \t")];
        if (c == 'a') {
            int r = accept_one(p.v[i], o.scenario_dir, o.golden_dir, o.by, o.why);
            if (r == QC_EXIT_OK)
                accepted++;
            rc = r > rc ? r : rc;
        } else if (c == 'r') {
            remove(pending);
            printf("  rejected: removed %s\n", pending);
            rejected++;
        } else if (c == 'q') {
            break;
        } else {
            skipped++;
        }
    }
    printf("%zu accepted, %zu rejected, %zu skipped\n", accepted, rejected, skipped);
    qc_paths_free(&p);
    return rc;
}

int qc_cmd_golden(int argc, char **argv)
{
    if (argc < 2)
        return qc_usage("golden", "status, review or accept?");
    if (strcmp(argv[1], "status") == 0)
        return cmd_status(argc - 1, argv + 1);
    if (strcmp(argv[1], "review") == 0)
        return cmd_review(argc - 1, argv + 1);
    if (strcmp(argv[1], "accept") == 0)
        return cmd_accept(argc - 1, argv + 1);
    return qc_usage("golden", "no such golden command '%s' (status, review, accept)", argv[1]);
}
