/*
 * report.c - `quarry check --report DIR`: one self-contained HTML file for
 * QA sign-off (DIR/index.html, written atomically), and the same data as
 * DIR/results.json (report_json.c) for `quarry report merge`.
 *
 * The check's jobs run on several threads, so the report is gathered in
 * slots, one per scenario in the check's order: a job fills its own slot
 * (qc_report_attach before its run, qc_report_divergence when its stream
 * differs, qc_report_take after), the main thread adds each outcome as it
 * prints it, and writes the file once every job is done.  Nothing is
 * shared between slots, so nothing is locked.
 *
 * Timing only observes.  The hooks are qr_run's on_event (which counts
 * light_commit events) and on_tick (which reads CLOCK_MONOTONIC after every
 * step: a step's time is the interval since the previous on_tick, the first
 * one's since qc_report_attach, so it includes writing the tick's events and
 * checking its expectations).  Neither touches the world or the stream.
 *
 * The page has inline CSS and inline SVG only: no scripts, no fonts, no
 * links outside the file.  Every string that comes from a scenario, a
 * message or the manifest is escaped.  Everything but the timing numbers is
 * a function of the inputs (the date honours SOURCE_DATE_EPOCH).
 */
#define _POSIX_C_SOURCE 200809L /* strdup, clock_gettime, mkdir */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "qc.h"
#include "report_model.h"

void qc_markup_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c == '\'')
            fputs("&#39;", f);
        else if (c >= 0x20 || c == '\n' || c == '\t')
            fputc(c, f);
    }
}

int qc_make_dirs(const char *dir)
{
    char p[1024];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *c = p + 1;; c++) {
        if (*c != '/' && *c)
            continue;
        char keep = *c;
        *c = 0;
        struct stat st;
        if (mkdir(p, 0777) != 0) {
            if (errno != EEXIST || stat(p, &st) != 0)
                return -1;
            if (!S_ISDIR(st.st_mode)) {
                errno = ENOTDIR;
                return -1;
            }
        }
        if (!(*c = keep))
            return 0;
    }
}

int qc_report_open(const char *dir, size_t n, qc_report **out)
{
    *out = NULL;
    if (!*dir)
        return qc_usage("check", "--report wants a directory");
    if (strlen(dir) + sizeof "/index.html" > sizeof ((qr_afile *)0)->path)
        return qc_usage("check", "--report %s: path too long", dir);
    if (qc_make_dirs(dir) != 0) {
        fprintf(stderr, "quarry check: --report %s: cannot create the directory: %s\n", dir,
                strerror(errno));
        return QC_EXIT_USAGE;
    }
    qc_report *r = calloc(1, sizeof *r);
    if (r)
        r->slots = calloc(n ? n : 1, sizeof *r->slots);
    if (!r || !r->slots) {
        free(r);
        return qc_usage("check", "out of memory");
    }
    snprintf(r->dir, sizeof r->dir, "%s", dir);
    r->n = n;
    *out = r;
    return 0;
}

qc_report_slot *qc_report_slot_at(qc_report *r, size_t i)
{
    return r && i < r->n ? &r->slots[i] : NULL;
}

static void on_event(void *ud, const qk_event *ev)
{
    qc_report_slot *s = ud;
    s->light_commits += ev->type == QK_EV_LIGHT_COMMIT;
}

static void on_tick(void *ud, const qk_world *w, uint64_t tick)
{
    (void)w;
    (void)tick;
    qc_report_slot *s = ud;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double us = (double)(now.tv_sec - s->last.tv_sec) * 1e6 +
                (double)(now.tv_nsec - s->last.tv_nsec) / 1e3;
    s->last = now;
    if (s->n_us < s->cap_us)
        s->us[s->n_us++] = (float)us;
}

void qc_report_attach(qc_report_slot *s, const qr_scenario *sc, qr_run_opts *ro)
{
    if (!s)
        return;
    free(s->us);
    s->n_us = s->light_commits = 0;
    s->cap_us = (size_t)(ro->ticks ? ro->ticks : sc->ticks);
    s->us = s->cap_us ? malloc(s->cap_us * sizeof *s->us) : NULL;
    s->timed = s->us || !s->cap_us;
    if (!s->us)
        s->cap_us = 0;
    ro->on_event = on_event;
    ro->on_tick = on_tick;
    ro->hook_ud = s;
    clock_gettime(CLOCK_MONOTONIC, &s->last);
}

void qc_report_divergence(qc_report_slot *s, const char *text)
{
    if (s && !s->divergence)
        s->divergence = strdup(text);
}

void qc_report_take(qc_report_slot *s, const qr_scenario *sc, const qr_run_result *res,
                    const qr_manifest_entry *accepted, bool missing)
{
    if (!s)
        return;
    s->taken = true;
    s->missing = missing;
    s->ran = res->expects != NULL;
    s->ticks = res->ticks;
    s->events = res->events;
    s->n_passed = res->n_passed;
    s->n_expects = sc->n_expects;
    if ((s->has_accept = accepted != NULL))
        s->accept = *accepted;
    s->expects = calloc(sc->n_expects ? sc->n_expects : 1, sizeof *s->expects);
    for (size_t i = 0; s->expects && i < sc->n_expects; i++) {
        rep_expect *e = &s->expects[i];
        e->line = sc->expects[i].line;
        e->tick = sc->expects[i].tick;
        e->note = sc->expects[i].note ? strdup(sc->expects[i].note) : NULL;
        if (!res->expects)
            continue;
        const qr_expect_result *r = &res->expects[i];
        e->reached = r->reached;
        e->passed = r->passed;
        const char *msg = r->msg; /* "tick N: ..." - the tick has its own column */
        if (strncmp(msg, "tick ", 5) == 0 && strstr(msg, ": "))
            msg = strstr(msg, ": ") + 2;
        snprintf(e->msg, sizeof e->msg, "%s", msg);
    }
    if (!s->timed || !qc_step_stats(s->us, s->n_us, &s->median, &s->p99, &s->max))
        s->timed = false;
    s->n_plot = qc_step_buckets(s->us, s->n_us, s->plot, QC_PLOT_POINTS, &s->per);
    free(s->us);
    s->us = NULL;
}

void qc_report_outcome(qc_report_slot *s, const char *name, bool passed, bool bad_input,
                       double seconds, const char *text)
{
    if (!s)
        return;
    snprintf(s->name, sizeof s->name, "%s", name);
    s->seconds = seconds;
    s->done = true;
    s->passed = passed;
    s->bad_input = bad_input;
    s->text = text ? strdup(text) : NULL;
}

static const char *badge(const qc_report_slot *s)
{
    return s->passed ? "PASS" : s->bad_input ? "ERROR" : s->missing ? "MISSING" : "FAIL";
}

static const char css[] =
    "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;"
    "padding:0 1em;color:#222}\n"
    "h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:0 0 .4em}"
    "h3{font-size:1em;margin:1em 0 .3em}\n"
    "table{border-collapse:collapse;margin:.3em 0}th,td{border:1px solid #ccc;"
    "padding:3px 7px;text-align:left;vertical-align:top}th{background:#f2f2f2}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "section{border-top:2px solid #ddd;margin-top:1.5em;padding-top:1em}\n"
    "pre{background:#f7f7f7;border:1px solid #ddd;padding:.6em;overflow-x:auto;"
    "white-space:pre-wrap}\n"
    ".b{display:inline-block;padding:1px 7px;border-radius:3px;color:#fff;font-weight:bold;"
    "font-size:.85em}\n"
    ".PASS{background:#2e7d32}.FAIL{background:#c62828}.MISSING{background:#ef6c00}"
    ".ERROR{background:#6a1b9a}\n"
    "tr.bad td{background:#fdecea}.muted{color:#666}"
    ".notice{background:#fff8e1;border:1px solid #ffe082;padding:.5em .8em}\n"
    "svg{display:block;margin:.5em 0}svg text{font:11px sans-serif;fill:#444}"
    "svg text.r{text-anchor:end}svg text.m{text-anchor:middle}\n"
    "svg .plot{fill:#fafafa;stroke:#eee}svg .axis{fill:none;stroke:#888}"
    "svg .line{fill:none;stroke:#1565c0;stroke-width:1.2}\n";

static void accept_cell(FILE *f, const qc_report_slot *s)
{
    if (!s->has_accept) {
        fputs(s->missing ? "no golden" : "no manifest entry", f);
        return;
    }
    qc_markup_text(f, s->accept.accepted_by);
    fputs(", ", f);
    qc_markup_text(f, s->accept.accepted_at);
    fputs(": ", f);
    qc_markup_text(f, s->accept.reason);
}

static void summary(FILE *f, const qc_report *r)
{
    fputs("<table class=\"summary\">\n<tr><th>Scenario</th><th>Result</th><th>Ticks</th>"
          "<th>Events</th><th>Expectations</th><th>Step median (&#181;s)</th>"
          "<th>Step p99 (&#181;s)</th><th>Light commits</th><th>Golden accepted "
          "(who, when: why)</th></tr>\n", f);
    for (size_t i = 0; i < r->n; i++) {
        const qc_report_slot *s = &r->slots[i];
        fprintf(f, "<tr><td><a href=\"#s%zu\">", i + 1);
        qc_markup_text(f, s->name);
        fprintf(f, "</a></td><td><span class=\"b %s\">%s</span></td>", badge(s), badge(s));
        if (s->taken && s->ran)
            fprintf(f, "<td class=\"n\">%" PRIu64 "</td><td class=\"n\">%" PRIu64 "</td>"
                    "<td class=\"n\">%zu/%zu</td>", s->ticks, s->events, s->n_passed,
                    s->n_expects);
        else
            fputs("<td>&ndash;</td><td>&ndash;</td><td>&ndash;</td>", f);
        if (s->taken && s->ran && s->timed)
            fprintf(f, "<td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>", s->median, s->p99);
        else
            fputs("<td>&ndash;</td><td>&ndash;</td>", f);
        if (s->taken && s->ran)
            fprintf(f, "<td class=\"n\">%" PRIu64 "</td><td>", s->light_commits);
        else
            fputs("<td>&ndash;</td><td>", f);
        accept_cell(f, s);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void expects(FILE *f, const qc_report_slot *s)
{
    fprintf(f, "<h3>Expectations: %zu of %zu passed</h3>\n", s->n_passed, s->n_expects);
    if (s->n_expects == 0 || !s->expects) {
        fputs("<p class=\"muted\">The scenario has no expect lines.</p>\n", f);
        return;
    }
    if (!s->ran)
        fputs("<p class=\"muted\">The scenario was not run, so none was evaluated.</p>\n", f);
    fputs("<table>\n<tr><th>Line</th><th>Tick</th><th>Result</th><th>Actual</th>"
          "<th>Note</th></tr>\n", f);
    for (size_t i = 0; i < s->n_expects; i++) {
        const rep_expect *e = &s->expects[i];
        const char *res = !s->ran ? "not run" : e->passed ? "pass" : e->reached ? "FAIL"
                                                                                 : "not reached";
        fprintf(f, "<tr%s><td class=\"n\">%u</td><td class=\"n\">%" PRIu64 "</td><td>%s</td>"
                "<td>", s->ran && !e->passed ? " class=\"bad\"" : "", e->line, e->tick, res);
        qc_markup_text(f, e->msg);
        fputs("</td><td>", f);
        qc_markup_text(f, e->note ? e->note : "");
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void metrics(FILE *f, const qc_report_slot *s)
{
    fputs("<h3>Metrics</h3>\n", f);
    if (!s->ran) {
        fputs("<p class=\"muted\">None: the scenario was not run.</p>\n", f);
        return;
    }
    fprintf(f, "<table>\n<tr><th>Ticks</th><td class=\"n\">%" PRIu64 "</td></tr>\n"
            "<tr><th>Events</th><td class=\"n\">%" PRIu64 "</td></tr>\n"
            "<tr><th>Light commits</th><td class=\"n\">%" PRIu64 "</td></tr>\n",
            s->ticks, s->events, s->light_commits);
    if (s->timed)
        fprintf(f, "<tr><th>Step time median</th><td class=\"n\">%.1f &#181;s</td></tr>\n"
                "<tr><th>Step time p99</th><td class=\"n\">%.1f &#181;s</td></tr>\n"
                "<tr><th>Step time max</th><td class=\"n\">%.1f &#181;s</td></tr>\n",
                s->median, s->p99, s->max);
    fputs("</table>\n", f);
    if (s->timed)
        qc_step_svg(f, s->plot, s->n_plot, s->per, s->ticks);
    else
        fputs("<p class=\"muted\">Step times were not recorded (out of memory).</p>\n", f);
}

static void section(FILE *f, const qc_report_slot *s, size_t i)
{
    fprintf(f, "<section id=\"s%zu\">\n<h2>", i + 1);
    qc_markup_text(f, s->name);
    fprintf(f, " <span class=\"b %s\">%s</span></h2>\n<p>Golden: ", badge(s), badge(s));
    if (s->has_accept) {
        fputs("accepted by ", f);
        qc_markup_text(f, s->accept.accepted_by);
        fputs(" at ", f);
        qc_markup_text(f, s->accept.accepted_at);
        fputs(" (kernel ", f);
        qc_markup_text(f, s->accept.kernel);
        fprintf(f, ", %" PRIu64 " ticks, %" PRIu64 " events): ", s->accept.ticks,
                s->accept.events);
        qc_markup_text(f, s->accept.reason);
    } else {
        fputs(s->missing ? "none yet (run quarry accept)" : "no manifest entry", f);
    }
    fputs("</p>\n", f);
    if (!s->passed && s->text && *s->text) {
        fputs("<h3>What quarry check printed</h3>\n<pre>", f);
        qc_markup_text(f, s->text);
        fputs("</pre>\n", f);
    }
    if (s->divergence) {
        fputs("<h3>First divergence from the golden</h3>\n<pre>", f);
        qc_markup_text(f, s->divergence);
        fputs("</pre>\n", f);
    }
    if (s->taken) {
        expects(f, s);
        metrics(f, s);
    }
    if (s->picture) {
        fputs("<p>Final world (after its last tick, baked offscreen):</p>\n<img alt=\"", f);
        qc_markup_text(f, s->name);
        fprintf(f, " after its last tick\" width=\"320\" height=\"200\" src=\"%s\">\n",
                s->picture);
    } else {
        fputs("<p class=\"muted\">Final world: no picture (", f);
        qc_markup_text(f, s->picture_why[0] ? s->picture_why : "not baked");
        fputs(").</p>\n", f);
    }
    fputs("</section>\n", f);
}

static void page(FILE *f, const qc_report *r)
{
    size_t pass = 0, fail = 0, missing = 0, errors = 0;
    for (size_t i = 0; i < r->n; i++) {
        const qc_report_slot *s = &r->slots[i];
        pass += s->passed;
        errors += !s->passed && s->bad_input;
        missing += !s->passed && !s->bad_input && s->missing;
        fail += !s->passed && !s->bad_input && !s->missing;
    }
    char when[32], hx[17];
    qc_now_utc(when, sizeof when);
    qr_hex64(qr_schema_hash(), hx);
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<title>quarry check report</title>\n<style>\n%s</style>\n</head>\n<body>\n"
            "<h1>quarry check report</h1>\n", css);
    fprintf(f, "<p>Written %s (UTC) by quarry %s (kernel %s, event schema %s).</p>\n", when,
            QK_VERSION_STRING, QK_VERSION_STRING, hx);
    fprintf(f, "<p><strong>%zu scenario%s: %zu passed, %zu failed, %zu missing a golden, "
            "%zu error%s.</strong></p>\n", r->n, r->n == 1 ? "" : "s", pass, fail, missing,
            errors, errors == 1 ? "" : "s");
    size_t pictures = 0;
    for (size_t i = 0; i < r->n; i++)
        pictures += r->slots[i].picture != NULL;
    if (pictures < r->n)
        fprintf(f, "<p class=\"notice\">%zu of %zu scenarios have no baked picture of their "
                "final world (each section says why: on a machine without EGL or GLES no "
                "picture can be made), so those pictures are missing, not broken.</p>\n",
                r->n - pictures, r->n);
    summary(f, r);
    for (size_t i = 0; i < r->n; i++)
        section(f, &r->slots[i], i);
    fputs("</body>\n</html>\n", f);
}

int qc_report_write_html(const qc_report *r, const char *path, const char *cmd)
{
    qr_afile af;
    qr_error err;
    if (qr_afile_open(&af, path, &err)) {
        fprintf(stderr, "quarry %s: ", cmd);
        qr_error_print(&err, stderr);
        return -1;
    }
    page(af.f, r);
    if (ferror(af.f) || qr_afile_commit(&af, &err)) {
        qr_afile_abort(&af);
        fprintf(stderr, "quarry %s: cannot write %s\n", cmd, path);
        return -1;
    }
    return 0;
}

int qc_report_write(qc_report *r)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/index.html", r->dir);
    if (qc_report_write_html(r, path, "check --report") != 0)
        return -1;
    snprintf(path, sizeof path, "%s/results.json", r->dir);
    return qc_report_write_json(r, path, "check --report");
}

void qc_report_slot_clear(qc_report_slot *s)
{
    for (size_t k = 0; s->expects && k < s->n_expects; k++)
        free(s->expects[k].note);
    free(s->expects);
    free(s->text);
    free(s->divergence);
    free(s->picture);
    free(s->us);
    s->expects = NULL;
    s->text = s->divergence = NULL;
    s->us = NULL;
}

void qc_report_free(qc_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        qc_report_slot_clear(&r->slots[i]);
    free(r->slots);
    free(r);
}
