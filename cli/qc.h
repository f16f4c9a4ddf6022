/*
 * qc.h - shared pieces of the quarry command-line tool; not installed.
 *
 * One file per subcommand (cmd_*.c) plus main.c (dispatch, help, version)
 * and common.c (option parsing, scenario discovery, default directories).
 * Exit codes are the product's: 0 ok, 1 a check failed, 2 bad usage or
 * bad input (with "file:line:col: message" on stderr).
 */
#ifndef QC_H
#define QC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quarry/qr.h"
#include "quarry/qs.h"
#include "quarry/qm.h"

enum { QC_EXIT_OK = 0, QC_EXIT_FAIL = 1, QC_EXIT_USAGE = 2 };

int qc_cmd_run(int argc, char **argv);
int qc_cmd_check(int argc, char **argv);
int qc_cmd_diff(int argc, char **argv);
int qc_cmd_accept(int argc, char **argv);
int qc_cmd_txn_status(int argc, char **argv);
int qc_cmd_region(int argc, char **argv);
int qc_cmd_bisect(int argc, char **argv);
int qc_cmd_golden(int argc, char **argv);
int qc_cmd_repl(int argc, char **argv);
int qc_cmd_probe(int argc, char **argv);
int qc_cmd_replay_bundle(int argc, char **argv);
int qc_cmd_report(int argc, char **argv);
int qc_cmd_bake(int argc, char **argv);
int qc_cmd_export_gltf(int argc, char **argv);

/* Each command's --help text. */
extern const char qc_help_run[], qc_help_check[], qc_help_diff[], qc_help_accept[],
    qc_help_txn_status[], qc_help_region[], qc_help_golden[], qc_help_bisect[],
    qc_help_repl[], qc_help_report[];
extern const char qc_help_probe[], qc_help_replay_bundle[];
extern const char qc_help_bake[], qc_help_export_gltf[];

/* Prints "quarry CMD: message" and a hint to stderr; returns QC_EXIT_USAGE. */
int qc_usage(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Matches option `name` at argv[*i], as "--name VALUE" or "--name=VALUE".
 * Returns 1 and sets *val (advancing *i past a separate value), 0 if argv[*i]
 * is another option, -1 if the value is missing (message printed). */
int qc_opt(const char *cmd, int argc, char **argv, int *i, const char *name,
           const char **val);
/* Decimal u64 with no sign, no junk. */
bool qc_parse_u64(const char *s, uint64_t *out);
/* Decimal int64 with an optional '-' (chunk coordinates). */
bool qc_parse_i64(const char *s, int64_t *out);
/* The value of --threads: light workers per scenario, 1..QR_POOL_MAX.
 * Returns 0, or QC_EXIT_USAGE after printing why. */
int qc_parse_threads(const char *cmd, const char *s, unsigned *out);
/* The value of --rollback (heavy mode): 1..1000000 ticks. */
int qc_parse_rollback(const char *cmd, const char *s, uint32_t *out);

/* "<dir of path>/../<sub>" into out. */
void qc_sibling_dir(const char *path, const char *sub, char *out, size_t cap);
/* File name without directories and without ".jsonl". */
void qc_basename(const char *path, char *out, size_t cap);

/* Scenario files named by PATH arguments: files as given, directories
 * expanded to their *.jsonl files; sorted by file name.  Empty args:
 * "scenarios".  Returns 0, or QC_EXIT_USAGE after printing why. */
typedef struct qc_paths {
    char **v;
    size_t n, cap;
} qc_paths;
int qc_collect(const char *cmd, char **args, int nargs, qc_paths *out);
void qc_paths_free(qc_paths *p);

/* Exit code for a library status: bad input and i/o are 2, the rest 2 too
 * (they are not "a check failed"). */
int qc_exit_for(qr_status st);

/* Loads a scenario (pack_dir may be NULL), printing file:line:col and the
 * message on stderr when it cannot; NULL then (exit code 2 for the caller). */
qr_scenario *qc_load_scenario(const char *path, const char *pack_dir);

/* Is CI set (non-empty) in the environment?  Then commands write no
 * golden or pending file. */
bool qc_in_ci(void);

/* The time now in UTC, "YYYY-MM-DDTHH:MM:SSZ" (out: at least 21 bytes);
 * SOURCE_DATE_EPOCH, when set, replaces the clock (reproducible tests). */
void qc_now_utc(char *out, size_t cap);

/* The QA report of `quarry check --report DIR` (report.c, report_svg.c).
 * One slot per scenario, in the check's order; each job fills only its
 * own slot (no locking), the main thread writes the report after every
 * job is done.  The hooks only observe: the event stream never changes. */
typedef struct qc_report qc_report;
typedef struct qc_report_slot qc_report_slot;
/* Creates DIR (and its parents) if missing and one slot per scenario.
 * Returns 0, or QC_EXIT_USAGE after saying why on stderr. */
int qc_report_open(const char *dir, size_t n, qc_report **out);
qc_report_slot *qc_report_slot_at(qc_report *r, size_t i); /* NULL r: NULL */
/* Before qr_run: hooks that count light commits and time every step
 * (CLOCK_MONOTONIC; the first step from now).  NULL s: nothing. */
void qc_report_attach(qc_report_slot *s, const qr_scenario *sc, qr_run_opts *ro);
/* The check's rendering of the first divergence from the golden. */
void qc_report_divergence(qc_report_slot *s, const char *text);
/* After the check of a loaded scenario: its expectations and results
 * (res may be all zero when the run never started), the manifest's
 * accept record (or NULL), whether the golden is missing. */
void qc_report_take(qc_report_slot *s, const qr_scenario *sc, const qr_run_result *res,
                    const qr_manifest_entry *accepted, bool missing);
/* Once the job is done (main thread): its name, outcome, wall time and the
 * text the check printed for it. */
void qc_report_outcome(qc_report_slot *s, const char *name, bool passed, bool bad_input,
                       double seconds, const char *text);
/* Writes DIR/index.html and DIR/results.json atomically.  0, or -1 after
 * saying why. */
int qc_report_write(qc_report *r);
/* Bakes each checked scenario's final world into its slot as a PNG data
 * URI (report_pictures.c), on the calling thread; paths[i] is slot i's
 * scenario.  Without EGL/GLES each slot says why instead. */
void qc_report_pictures(qc_report *r, char *const *paths, const char *pack_dir);
void qc_report_free(qc_report *r);
/* One testcase of a JUnit XML file (junit.c). */
typedef struct qc_case {
    const char *name;
    bool passed, error; /* error: bad input or refused, else a failure */
    double seconds;
    const char *text;   /* what the check printed; its first line is the message */
} qc_case;
/* Writes a JUnit XML file atomically: one testsuite "quarry check", one
 * testcase per case in the given order.  0, or -1 after saying why on
 * stderr (`cmd` names the command). */
int qc_junit_write(const char *path, const qc_case *cases, size_t n, const char *cmd);

/* Text for XML and HTML (content and quoted attributes): & < > " '
 * escaped, control characters other than tab and newline dropped. */
void qc_markup_text(FILE *f, const char *s);
/* Step times (report_svg.c).  Median, p99 (nearest rank) and max of
 * us[0..n), all 0 when n is 0; false when out of memory.  O(n log n). */
bool qc_step_stats(const float *us, size_t n, double *median, double *p99, double *max);
/* At most cap points into out: the largest sample of each bucket of *per
 * consecutive samples.  Returns the number of points. */
size_t qc_step_buckets(const float *us, size_t n, float *out, size_t cap, size_t *per);
/* An inline SVG line plot of n bucket maxima over a run of `ticks` ticks. */
void qc_step_svg(FILE *f, const float *pts, size_t n, size_t per, uint64_t ticks);
#define QC_PLOT_POINTS 600

/* The progress line of `quarry check` (progress.c): wanted when stderr is
 * a terminal and CI is not set; show and clear do nothing when `on` is
 * false.  show writes "check i/n  NAME  R ticks/s" over the line (the rate
 * left out when 0); clear erases it (before anything else is printed). */
bool qc_progress_wanted(void);
void qc_progress_show(bool on, size_t i, size_t n, const char *name, double ticks_per_s);
void qc_progress_clear(bool on);

/* The save store of `quarry run` (store.c): qr_run's save and load
 * callbacks over adapters/region. */
typedef struct qc_store {
    const qs_io *save_io, *load_io;
    const char *save_dir, *load_dir;
    qs_memfs *mem; /* --reload-at without --save */
    qs_io mem_io;
    qs_save_stats last;
    unsigned saves;
    bool salvage;    /* --salvage: load what is good, report the rest */
    size_t salvaged; /* problems reported by salvaging loads */
} qc_store;
/* Saves go to save_dir (or to memory when reload and no save_dir); loads
 * come from from_dir until the first save.  Returns 0 or an exit code. */
int qc_store_open(qc_store *s, const char *save_dir, const char *from_dir, bool reload);
void qc_store_attach(qc_store *s, qr_run_opts *ro);
void qc_store_close(qc_store *s);

/* Two builds (builds.c).  A whole file into a malloc'ed, NUL-terminated
 * buffer (QR_ERR_IO or QR_ERR_NOMEM with err naming the file). */
qr_status qc_read_file(const char *path, char **out, size_t *len, qr_error *err);
/* A private temporary directory "$TMPDIR/quarry-WHAT.XXXXXX" into out;
 * 0, or -1 after saying why.  _remove unlinks the NULL-ended names in it
 * and removes it. */
int qc_tmpdir(const char *what, char *out, size_t cap);
void qc_tmpdir_remove(const char *dir, const char *const *names);
/* Runs argv (posix_spawnp) with stdout and stderr to the two files and
 * waits: its exit code, 128 + signal, or -1 when it could not start. */
int qc_spawn(char *const argv[], const char *out_path, const char *err_path);

/* The two-binary bisect of one scenario: the divergence with the probes'
 * descent, how many replays it took (full runs and probes), the builds'
 * --version lines, the differing leaves and build A's checkpoint. */
typedef struct qc_builds {
    qr_divergence d;
    uint64_t segment_replays; /* child replays: 2 full runs + the probes */
    uint64_t fallbacks;       /* probes replayed from tick 0 (snapshot refused) */
    uint64_t checkpoint_tick; /* the snapshot is the world before it */
    char *version[2];
    char *leaves[2];
    uint8_t *snapshot;        /* build A's; NULL when there was no descent */
    size_t snapshot_len;
} qc_builds;
/* 0, or QC_EXIT_USAGE after saying why (a child's stderr included). */
int qc_bisect_builds_run(const char *scenario, const char *const bin[2], const char *pack_dir,
                         qc_builds *r);
void qc_bisect_builds_free(qc_builds *r);
/* Prints r as `quarry bisect` does (text or one JSON line, with
 * "segment_replays"); returns 1 when found, 0 when the runs agree. */
int qc_builds_report(const qc_builds *r, bool json);
/* Writes the desync bundle of r to out (atomically).  0 or QC_EXIT_USAGE. */
int qc_builds_bundle(const qc_builds *r, const char *scenario, const char *pack_dir,
                     const char *const bin[2], const char *out);

/* Block colours for the renderer from a pack's "color" fields
 * (render_common.c): pal->rgb has pack->count entries; free with
 * qc_palette_free.  False when out of memory. */
bool qc_palette(const qr_pack *pack, qm_palette *pal);
void qc_palette_free(qm_palette *pal);

/* A save opened for rendering (bake, export-gltf): the pack from
 * pack_path, its palette and the loaded world.  0, or QC_EXIT_USAGE after
 * saying why on stderr (nothing held then). */
typedef struct qc_render_world {
    qr_pack *pack;
    qm_palette pal;
    qk_world *w;
} qc_render_world;
int qc_render_open_save(const char *cmd, const char *dir, const char *pack_path,
                        qc_render_world *r);
void qc_render_close(qc_render_world *r);

#endif /* QC_H */
