/*
 * report_json.c - results.json, the machine-readable twin of a check
 * report, and `quarry report merge`, which joins shards' results.
 *
 * `quarry check --report DIR` writes DIR/results.json beside index.html:
 * every slot of the report model (report_model.h) as JSON, enough to draw
 * the same page again.  A CI matrix runs `check --shard K/N --report DIR_K`
 * on each machine; `quarry report merge OUT DIR_1 .. DIR_N` reads every
 * DIR_K/results.json, orders the scenarios by name and writes
 * OUT/index.html (report.c's writer, from the merged model), OUT/junit.xml
 * and OUT/results.json (so merges compose).  A file that is missing,
 * malformed or not results.json is an input error at file:line:col; a
 * scenario named by two inputs is one too (shards must partition).
 * Format: docs/formats.md, "results.json".
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report_model.h"

#define RESULTS_FORMAT 1

/* ---- writing ------------------------------------------------------------ */

static const char *outcome(const qc_report_slot *s)
{
    return s->passed ? "pass" : s->bad_input ? "error" : s->missing ? "missing" : "fail";
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *slot_json(const qc_report_slot *s)
{
    json_t *o = json_object(), *ex = json_array();
    json_object_set_new(o, "name", json_string(s->name));
    json_object_set_new(o, "outcome", json_string(outcome(s)));
    json_object_set_new(o, "seconds", json_real(s->seconds));
    json_object_set_new(o, "loaded", json_boolean(s->taken));
    json_object_set_new(o, "ran", json_boolean(s->ran));
    json_object_set_new(o, "ticks", json_integer((json_int_t)s->ticks));
    json_object_set_new(o, "events", json_integer((json_int_t)s->events));
    json_object_set_new(o, "light_commits", json_integer((json_int_t)s->light_commits));
    json_object_set_new(o, "expectations_passed", json_integer((json_int_t)s->n_passed));
    for (size_t i = 0; s->expects && i < s->n_expects; i++) {
        const rep_expect *e = &s->expects[i];
        json_array_append_new(ex, json_pack("{s:I,s:I,s:b,s:b,s:s,s:o}", "line",
                                            (json_int_t)e->line, "tick", (json_int_t)e->tick,
                                            "reached", e->reached, "passed", e->passed,
                                            "actual", e->msg, "note", str_or_null(e->note)));
    }
    json_object_set_new(o, "expects", ex);
    json_object_set_new(o, "text", str_or_null(s->text));
    json_object_set_new(o, "divergence", str_or_null(s->divergence));
    json_object_set_new(o, "picture", str_or_null(s->picture));
    json_object_set_new(o, "picture_why", json_string(s->picture_why));
    json_t *step = json_null();
    if (s->taken && s->ran && s->timed) {
        json_t *plot = json_array();
        for (size_t i = 0; i < s->n_plot; i++)
            json_array_append_new(plot, json_real(s->plot[i]));
        step = json_pack("{s:f,s:f,s:f,s:I,s:o}", "median_us", s->median, "p99_us", s->p99,
                         "max_us", s->max, "per", (json_int_t)s->per, "plot_us", plot);
    }
    json_object_set_new(o, "step", step);
    json_t *acc = json_null();
    if (s->has_accept) {
        char hx[17];
        qr_hex64(s->accept.stream_hash, hx);
        acc = json_pack("{s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:s}", "stream_hash", hx, "events",
                        (json_int_t)s->accept.events, "ticks", (json_int_t)s->accept.ticks,
                        "bytes", (json_int_t)s->accept.bytes, "kernel", s->accept.kernel,
                        "by", s->accept.accepted_by, "at", s->accept.accepted_at, "why",
                        s->accept.reason);
    }
    json_object_set_new(o, "accept", acc ? acc : json_null());
    return o;
}

int qc_report_write_json(const qc_report *r, const char *path, const char *cmd)
{
    json_t *root = json_pack("{s:s,s:i,s:s}", "quarry", "check-results", "format",
                             RESULTS_FORMAT, "kernel", QK_VERSION_STRING);
    json_t *arr = json_array();
    for (size_t i = 0; root && arr && i < r->n; i++)
        json_array_append_new(arr, slot_json(&r->slots[i]));
    if (root && arr)
        json_object_set_new(root, "scenarios", arr);
    qr_afile af;
    qr_error err;
    int rc = -1;
    if (!root || !arr) {
        fprintf(stderr, "quarry %s: out of memory\n", cmd);
    } else if (qr_afile_open(&af, path, &err)) {
        fprintf(stderr, "quarry %s: ", cmd);
        qr_error_print(&err, stderr);
    } else if (json_dumpf(root, af.f, JSON_INDENT(1) | JSON_REAL_PRECISION(9)) != 0 ||
               fputc('\n', af.f) == EOF || ferror(af.f) || qr_afile_commit(&af, &err)) {
        qr_afile_abort(&af);
        fprintf(stderr, "quarry %s: cannot write %s\n", cmd, path);
    } else {
        rc = 0;
    }
    json_decref(root);
    return rc;
}

/* ---- reading ------------------------------------------------------------ */

typedef struct rd {
    const char *path, *text;
    size_t len;
} rd;

/* "path:line:col: message" at the value named by JSON pointer ptr. */
static int bad(const rd *c, const char *ptr, const char *msg)
{
    unsigned line = 0, col = 0;
    qr_json_locate(c->text, c->len, ptr, false, &line, &col);
    fprintf(stderr, "%s:%u:%u: %s\n", c->path, line, col, msg);
    return -1;
}

/* Member `key` of obj (at ptr) of the wanted type; NULL after saying why.
 * JSON_NULL in `also` lets null through (returned as is). */
static json_t *member(const rd *c, json_t *obj, const char *ptr, const char *key,
                      json_type type, bool nullable, const char *words)
{
    char p[256], msg[200];
    if (snprintf(p, sizeof p, "%s/%s", ptr, key) < 0)
        p[0] = 0;
    json_t *v = json_object_get(obj, key);
    bool ok = v && (json_typeof(v) == type || (nullable && json_is_null(v)) ||
                    (type == JSON_REAL && json_is_integer(v)) ||
                    (type == JSON_TRUE && json_is_boolean(v)));
    if (ok && type == JSON_INTEGER && json_integer_value(v) < 0)
        ok = false;
    if (ok)
        return v;
    snprintf(msg, sizeof msg, "%s\"%s\" must be %s%s", v ? "" : "missing key: ", key, words,
             nullable ? " or null" : "");
    bad(c, v ? p : ptr, msg);
    return NULL;
}

#define GET(obj, ptr, key, type, words) member(c, obj, ptr, key, type, false, words)
#define UINT_WORDS "an integer >= 0"

static char *dup_or_null(const json_t *v)
{
    return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

static int read_accept(const rd *c, json_t *a, const char *ptr, qc_report_slot *s)
{
    json_t *h, *ev, *tk, *by, *kn, *who, *at, *why;
    if (!(h = GET(a, ptr, "stream_hash", JSON_STRING, "a string")) ||
        !(ev = GET(a, ptr, "events", JSON_INTEGER, UINT_WORDS)) ||
        !(tk = GET(a, ptr, "ticks", JSON_INTEGER, UINT_WORDS)) ||
        !(by = GET(a, ptr, "bytes", JSON_INTEGER, UINT_WORDS)) ||
        !(kn = GET(a, ptr, "kernel", JSON_STRING, "a string")) ||
        !(who = GET(a, ptr, "by", JSON_STRING, "a string")) ||
        !(at = GET(a, ptr, "at", JSON_STRING, "a string")) ||
        !(why = GET(a, ptr, "why", JSON_STRING, "a string")))
        return -1;
    s->has_accept = true;
    qr_manifest_entry *e = &s->accept;
    snprintf(e->name, sizeof e->name, "%.*s", QR_NAME_MAX, s->name);
    e->stream_hash = strtoull(json_string_value(h), NULL, 16);
    e->events = (uint64_t)json_integer_value(ev);
    e->ticks = (uint64_t)json_integer_value(tk);
    e->bytes = (uint64_t)json_integer_value(by);
    snprintf(e->kernel, sizeof e->kernel, "%s", json_string_value(kn));
    snprintf(e->accepted_by, sizeof e->accepted_by, "%s", json_string_value(who));
    snprintf(e->accepted_at, sizeof e->accepted_at, "%s", json_string_value(at));
    snprintf(e->reason, sizeof e->reason, "%s", json_string_value(why));
    return 0;
}

static int read_step(const rd *c, json_t *st, const char *ptr, qc_report_slot *s)
{
    json_t *md, *p99, *mx, *per, *plot;
    char pp[300];
    if (!(md = GET(st, ptr, "median_us", JSON_REAL, "a number")) ||
        !(p99 = GET(st, ptr, "p99_us", JSON_REAL, "a number")) ||
        !(mx = GET(st, ptr, "max_us", JSON_REAL, "a number")) ||
        !(per = GET(st, ptr, "per", JSON_INTEGER, UINT_WORDS)) ||
        !(plot = GET(st, ptr, "plot_us", JSON_ARRAY, "an array of numbers")))
        return -1;
    if (json_array_size(plot) > QC_PLOT_POINTS) {
        if (snprintf(pp, sizeof pp, "%s/plot_us", ptr) < 0)
            pp[0] = 0;
        return bad(c, pp, "at most 600 plot points");
    }
    s->timed = true;
    s->median = json_number_value(md);
    s->p99 = json_number_value(p99);
    s->max = json_number_value(mx);
    s->per = (size_t)json_integer_value(per);
    s->n_plot = json_array_size(plot);
    for (size_t i = 0; i < s->n_plot; i++) {
        json_t *v = json_array_get(plot, i);
        if (!json_is_number(v)) {
            if (snprintf(pp, sizeof pp, "%s/plot_us/%zu", ptr, i) < 0)
                pp[0] = 0;
            return bad(c, pp, "a plot point must be a number");
        }
        s->plot[i] = (float)json_number_value(v);
    }
    return 0;
}

static int read_expects(const rd *c, json_t *arr, const char *ptr, qc_report_slot *s)
{
    s->n_expects = json_array_size(arr);
    s->expects = calloc(s->n_expects ? s->n_expects : 1, sizeof *s->expects);
    if (!s->expects) {
        s->n_expects = 0;
        return bad(c, ptr, "out of memory");
    }
    for (size_t i = 0; i < s->n_expects; i++) {
        char p[300];
        if (snprintf(p, sizeof p, "%s/%zu", ptr, i) < 0)
            p[0] = 0;
        json_t *e = json_array_get(arr, i), *ln, *tk, *rc, *ps, *ac, *nt;
        if (!json_is_object(e))
            return bad(c, p, "an expectation must be an object");
        if (!(ln = GET(e, p, "line", JSON_INTEGER, UINT_WORDS)) ||
            !(tk = GET(e, p, "tick", JSON_INTEGER, UINT_WORDS)) ||
            !(rc = GET(e, p, "reached", JSON_TRUE, "true or false")) ||
            !(ps = GET(e, p, "passed", JSON_TRUE, "true or false")) ||
            !(ac = GET(e, p, "actual", JSON_STRING, "a string")) ||
            !(nt = member(c, e, p, "note", JSON_STRING, true, "a string")))
            return -1;
        rep_expect *x = &s->expects[i];
        x->line = (uint32_t)json_integer_value(ln);
        x->tick = (uint64_t)json_integer_value(tk);
        x->reached = json_is_true(rc);
        x->passed = json_is_true(ps);
        snprintf(x->msg, sizeof x->msg, "%s", json_string_value(ac));
        x->note = dup_or_null(nt);
    }
    return 0;
}

static int read_slot(const rd *c, json_t *o, const char *p, qc_report_slot *s)
{
    json_t *nm, *oc, *sec, *ld, *ran, *tk, *ev, *lc, *np, *ex, *tx, *dv, *st, *ac;
    if (!json_is_object(o))
        return bad(c, p, "a scenario must be an object");
    if (!(nm = GET(o, p, "name", JSON_STRING, "a string")) ||
        !(oc = GET(o, p, "outcome", JSON_STRING, "a string")) ||
        !(sec = GET(o, p, "seconds", JSON_REAL, "a number")) ||
        !(ld = GET(o, p, "loaded", JSON_TRUE, "true or false")) ||
        !(ran = GET(o, p, "ran", JSON_TRUE, "true or false")) ||
        !(tk = GET(o, p, "ticks", JSON_INTEGER, UINT_WORDS)) ||
        !(ev = GET(o, p, "events", JSON_INTEGER, UINT_WORDS)) ||
        !(lc = GET(o, p, "light_commits", JSON_INTEGER, UINT_WORDS)) ||
        !(np = GET(o, p, "expectations_passed", JSON_INTEGER, UINT_WORDS)) ||
        !(ex = GET(o, p, "expects", JSON_ARRAY, "an array")) ||
        !(tx = member(c, o, p, "text", JSON_STRING, true, "a string")) ||
        !(dv = member(c, o, p, "divergence", JSON_STRING, true, "a string")) ||
        !(st = member(c, o, p, "step", JSON_OBJECT, true, "an object")) ||
        !(ac = member(c, o, p, "accept", JSON_OBJECT, true, "an object")))
        return -1;
    const char *out = json_string_value(oc), *name = json_string_value(nm);
    char pp[300];
    if (!*name || strlen(name) >= sizeof s->name) {
        if (snprintf(pp, sizeof pp, "%s/name", p) < 0)
            pp[0] = 0;
        return bad(c, pp, "\"name\" must be 1 to 255 bytes");
    }
    if (strcmp(out, "pass") && strcmp(out, "fail") && strcmp(out, "missing") &&
        strcmp(out, "error")) {
        if (snprintf(pp, sizeof pp, "%s/outcome", p) < 0)
            pp[0] = 0;
        return bad(c, pp, "\"outcome\" must be \"pass\", \"fail\", \"missing\" or \"error\"");
    }
    snprintf(s->name, sizeof s->name, "%s", name);
    s->done = true;
    s->passed = !strcmp(out, "pass");
    s->bad_input = !strcmp(out, "error");
    s->missing = !strcmp(out, "missing");
    s->seconds = json_number_value(sec);
    s->taken = json_is_true(ld);
    s->ran = json_is_true(ran);
    s->ticks = (uint64_t)json_integer_value(tk);
    s->events = (uint64_t)json_integer_value(ev);
    s->light_commits = (uint64_t)json_integer_value(lc);
    s->n_passed = (size_t)json_integer_value(np);
    s->text = dup_or_null(tx);
    s->divergence = dup_or_null(dv);
    /* Optional: the baked picture (a PNG data URI) or why there is none. */
    json_t *pic = json_object_get(o, "picture"), *why = json_object_get(o, "picture_why");
    if (json_is_string(pic) &&
        strncmp(json_string_value(pic), "data:image/png;base64,", 22) == 0)
        s->picture = dup_or_null(pic);
    if (json_is_string(why))
        snprintf(s->picture_why, sizeof s->picture_why, "%s", json_string_value(why));
    if (snprintf(pp, sizeof pp, "%s/expects", p) < 0)
        pp[0] = 0;
    if (read_expects(c, ex, pp, s))
        return -1;
    if (snprintf(pp, sizeof pp, "%s/step", p) < 0)
        pp[0] = 0;
    if (json_is_object(st) && read_step(c, st, pp, s))
        return -1;
    if (snprintf(pp, sizeof pp, "%s/accept", p) < 0)
        pp[0] = 0;
    if (json_is_object(ac) && read_accept(c, ac, pp, s))
        return -1;
    return 0;
}

/* Appends DIR/results.json's scenarios to r (slots grown as needed).
 * 0, or -1 after saying why as file:line:col. */
static int read_results(const char *dir, qc_report *r, size_t *cap)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/results.json", dir);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s:0:0: cannot open: is it a quarry check --report directory?\n", path);
        return -1;
    }
    size_t len = 0, bcap = 1 << 16;
    char *text = malloc(bcap);
    for (size_t n; text && (n = fread(text + len, 1, bcap - len, f)) > 0;) {
        len += n;
        if (len < bcap)
            continue;
        char *t = bcap < ((size_t)1 << 30) ? realloc(text, bcap * 2) : NULL;
        if (!t)
            free(text);
        text = t;
        bcap *= 2;
    }
    bool rerr = ferror(f);
    fclose(f);
    if (!text || rerr) {
        free(text);
        fprintf(stderr, "%s:0:0: cannot read (too big or an i/o error)\n", path);
        return -1;
    }
    rd cc = {path, text, len};
    const rd *c = &cc;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je), *v, *arr;
    int rc = -1;
    if (!root) {
        fprintf(stderr, "%s:%d:%d: %s\n", path, je.line, je.column, je.text);
        goto out;
    }
    if (!json_is_object(root) || !(v = json_object_get(root, "quarry")) ||
        !json_is_string(v) || strcmp(json_string_value(v), "check-results") != 0) {
        bad(c, "", "not a results.json: expected {\"quarry\":\"check-results\",...}");
        goto out;
    }
    if (!(v = GET(root, "", "format", JSON_INTEGER, UINT_WORDS)))
        goto out;
    if (json_integer_value(v) != RESULTS_FORMAT) {
        bad(c, "/format", "unknown format (this quarry reads format 1)");
        goto out;
    }
    if (!(arr = GET(root, "", "scenarios", JSON_ARRAY, "an array")))
        goto out;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        if (r->n == *cap) {
            size_t nc = *cap ? *cap * 2 : 16;
            qc_report_slot *ns = realloc(r->slots, nc * sizeof *ns);
            if (!ns) {
                bad(c, "", "out of memory");
                goto out;
            }
            r->slots = ns;
            *cap = nc;
        }
        qc_report_slot *s = &r->slots[r->n];
        memset(s, 0, sizeof *s);
        r->n++;
        char p[64];
        if (snprintf(p, sizeof p, "/scenarios/%zu", i) < 0)
            p[0] = 0;
        if (read_slot(c, json_array_get(arr, i), p, s))
            goto out;
    }
    rc = 0;
out:
    json_decref(root);
    free(text);
    return rc;
}

/* ---- quarry report merge ---------------------------------------------- */

const char qc_help_report[] =
    "usage: quarry report merge OUT_DIR IN_DIR...\n"
    "\n"
    "Joins the results of several `quarry check --report IN_DIR` runs (typically\n"
    "the shards of a CI matrix, --shard K/N) into one report: reads each\n"
    "IN_DIR/results.json, orders the scenarios by name and writes\n"
    "OUT_DIR/index.html (the same page check --report writes), OUT_DIR/junit.xml\n"
    "and OUT_DIR/results.json.  A scenario in two inputs is an error: shards\n"
    "partition the suite.\n"
    "\n"
    "Exit codes: 0 every scenario passed, 1 some did not, 2 bad usage or a\n"
    "missing or malformed results.json (file:line:col on stderr).\n";

typedef struct keyed {
    qc_report_slot slot;
    size_t from; /* index of its input */
} keyed;

static int by_name(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->slot.name, y->slot.name);
    return c ? c : (x->from > y->from) - (x->from < y->from);
}

/* Reads every input, sorts by name into r.  0 or QC_EXIT_USAGE. */
static int gather(char **in, int n_in, qc_report *r)
{
    size_t cap = 0, n_keyed = 0;
    keyed *k = NULL;
    int rc = 0;
    for (int i = 0; i < n_in && !rc; i++) {
        size_t before = r->n;
        if (read_results(in[i], r, &cap) != 0)
            rc = QC_EXIT_USAGE;
        keyed *nk = realloc(k, (r->n ? r->n : 1) * sizeof *k);
        if (!nk) {
            fprintf(stderr, "quarry report merge: out of memory\n");
            rc = QC_EXIT_USAGE;
            break;
        }
        k = nk;
        for (size_t j = before; j < r->n; j++)
            k[n_keyed++] = (keyed){r->slots[j], (size_t)i};
    }
    if (!rc && n_keyed)
        qsort(k, n_keyed, sizeof *k, by_name);
    for (size_t j = 0; j < n_keyed; j++)
        r->slots[j] = k[j].slot; /* ownership back to r, in name order */
    for (size_t j = 1; !rc && j < n_keyed; j++)
        if (strcmp(k[j - 1].slot.name, k[j].slot.name) == 0) {
            fprintf(stderr, "quarry report merge: scenario %s is in both %s and %s: shards "
                    "must not overlap\n", k[j].slot.name, in[k[j - 1].from], in[k[j].from]);
            rc = QC_EXIT_USAGE;
        }
    free(k);
    return rc;
}

static int merge(const char *out_dir, char **in, int n_in)
{
    qc_report *r = calloc(1, sizeof *r);
    if (!r)
        return qc_usage("report", "out of memory");
    int rc = gather(in, n_in, r);
    char path[1100];
    if (!rc && (strlen(out_dir) + sizeof "/results.json" > sizeof ((qr_afile *)0)->path)) {
        rc = qc_usage("report", "merge %s: path too long", out_dir);
    } else if (!rc && qc_make_dirs(out_dir) != 0) {
        fprintf(stderr, "quarry report merge: cannot create %s\n", out_dir);
        rc = QC_EXIT_USAGE;
    }
    qc_case *cases = rc ? NULL : calloc(r->n ? r->n : 1, sizeof *cases);
    size_t passed = 0;
    if (!rc && !cases)
        rc = qc_usage("report", "out of memory");
    for (size_t i = 0; !rc && i < r->n; i++) {
        const qc_report_slot *s = &r->slots[i];
        cases[i] = (qc_case){s->name, s->passed, s->bad_input, s->seconds, s->text};
        passed += s->passed;
    }
    if (!rc) {
        snprintf(r->dir, sizeof r->dir, "%s", out_dir);
        snprintf(path, sizeof path, "%s/index.html", out_dir);
        if (qc_report_write_html(r, path, "report merge") != 0)
            rc = QC_EXIT_USAGE;
        snprintf(path, sizeof path, "%s/junit.xml", out_dir);
        if (!rc && qc_junit_write(path, cases, r->n, "report merge") != 0)
            rc = QC_EXIT_USAGE;
        snprintf(path, sizeof path, "%s/results.json", out_dir);
        if (!rc && qc_report_write_json(r, path, "report merge") != 0)
            rc = QC_EXIT_USAGE;
    }
    if (!rc) {
        printf("merged %zu scenarios from %d inputs: %zu passed, %zu did not\n", r->n, n_in,
               passed, r->n - passed);
        rc = passed == r->n ? QC_EXIT_OK : QC_EXIT_FAIL;
    }
    free(cases);
    qc_report_free(r);
    return rc;
}

int qc_cmd_report(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "merge") != 0)
        return qc_usage("report", "expected: quarry report merge OUT_DIR IN_DIR...");
    if (argc < 4)
        return qc_usage("report", "merge wants an output directory and at least one input");
    for (int i = 2; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1])
            return qc_usage("report", "unknown option '%s'", argv[i]);
    return merge(argv[2], argv + 3, argc - 3);
}
