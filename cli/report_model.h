/*
 * report_model.h - the data behind a `quarry check --report` page; not
 * installed.
 *
 * One slot per scenario holds everything the page shows.  A live check
 * fills the slots through the hooks in report.c; `quarry report merge`
 * fills them from shards' results.json files (report_json.c).  The HTML
 * writer (qc_report_write_html) reads only this model, so a merged report
 * and a live one are the same page.
 */
#ifndef QC_REPORT_MODEL_H
#define QC_REPORT_MODEL_H

#include <time.h>

#include "qc.h"

typedef struct rep_expect {
    uint32_t line;
    uint64_t tick;
    bool reached, passed;
    char msg[320];
    char *note; /* or NULL */
} rep_expect;

struct qc_report_slot {
    char name[256];
    bool done, taken, passed, bad_input, missing, ran;
    double seconds;   /* wall time of its check (JUnit) */
    char *text;       /* what the check printed for it */
    char *divergence; /* the rendered first divergence, or NULL */
    uint64_t ticks, events, light_commits;
    size_t n_passed, n_expects;
    rep_expect *expects;
    bool has_accept;
    qr_manifest_entry accept;
    float *us; /* step times while running, freed by qc_report_take */
    size_t n_us, cap_us;
    struct timespec last;
    bool timed;
    double median, p99, max;
    float plot[QC_PLOT_POINTS];
    size_t n_plot, per;
    char *picture;         /* "data:image/png;base64,..." of the final world */
    char picture_why[256]; /* why there is none */
};

struct qc_report {
    char dir[1024];
    size_t n;
    qc_report_slot *slots;
};

/* Writes the page for r's slots to `path` atomically; `cmd` names the
 * command in messages.  0, or -1 after saying why on stderr. */
int qc_report_write_html(const qc_report *r, const char *path, const char *cmd);
/* Writes r's slots as results.json (docs/formats.md) to `path`
 * atomically.  0, or -1 after saying why. */
int qc_report_write_json(const qc_report *r, const char *path, const char *cmd);
/* mkdir -p; 0 or -1 with errno set. */
int qc_make_dirs(const char *dir);
/* Frees what one slot owns (not the slot). */
void qc_report_slot_clear(qc_report_slot *s);

#endif /* QC_REPORT_MODEL_H */
