/*
 * bench.h - what the benchmark files of quarry-bench share.
 *
 * quarry-bench is an edge program, like the cli: it reads the clock, uses
 * floats and malloc, and prints one JSON object.  Each benchmark is one
 * function that runs its measurement opts->runs times and returns a JSON
 * object of figures (or {"error": "..."} when it could not run).  A timed
 * figure is reported as {"median", "min", "max"} across the runs; counts
 * that do not vary between runs (events, bytes) are plain integers.
 *
 * Benchmarks report figures and the targets beside them; they never
 * assert a target, so a slow machine gives a slow report, not a failure.
 */
#ifndef QUARRY_BENCH_H
#define QUARRY_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "quarry/qk.h"
#include "quarry/qr.h"

typedef struct qb_opts {
    const char *root; /* repository root: scenarios/ and packs/ live here */
    unsigned runs;    /* measurements per benchmark, >= 1 */
} qb_opts;

/* ---- the benchmarks (one file each) ------------------------------------ */

json_t *qb_replay_throughput(const qb_opts *o); /* bench_replay.c */
json_t *qb_step_cost(const qb_opts *o);         /* bench_step.c */
json_t *qb_chunk_memory(const qb_opts *o);      /* bench_memory.c */
json_t *qb_snapshot(const qb_opts *o);          /* bench_snapshot.c */
json_t *qb_light(const qb_opts *o);             /* bench_light.c */
json_t *qb_rules(const qb_opts *o);             /* bench_rules.c */
json_t *qb_persist(const qb_opts *o);           /* bench_persist.c */
json_t *qb_desync(const qb_opts *o);            /* bench_desync.c */
json_t *qb_mesh(const qb_opts *o);              /* bench_render.c */
json_t *qb_bake(const qb_opts *o);              /* bench_bake.c */

/* ---- time and statistics (util.c) -------------------------------------- */

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t qb_now_ns(void);

/* Sorts v[0..n) ascending, in place. */
void qb_sort(double *v, size_t n);
/* Nearest-rank percentile (0 < p <= 100) of sorted v[0..n), n >= 1. */
double qb_percentile(const double *sorted, size_t n, double p);
/* {"median", "min", "max"} of v[0..n) (sorted in place), rounded to
 * `decimals` places. */
json_t *qb_summary(double *v, size_t n, int decimals);
/* A JSON real rounded to `decimals` places (0..6), so figures print short. */
json_t *qb_real(double x, int decimals);

/* An object {"error": message}; also echoes the message to stderr. */
json_t *qb_error(const char *bench, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* qb_error for a failed kernel call: "CALL: status: what". */
json_t *qb_kernel_error(const char *bench, const char *call, qk_status ks, const qk_diag *d);

/* Progress line on stderr: "quarry-bench: <bench>: <message>". */
void qb_progress(const char *bench, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A plain malloc allocator for the kernel (the kernel counts bytes itself). */
extern const qk_allocator qb_allocator;

/* ---- worlds built directly with the kernel (worlds.c) ------------------- */

/* The 16x16-column rectangle every world benchmark uses: chunks -8..7. */
#define QB_CHUNK_MIN (-8)
#define QB_CHUNK_MAX 7
#define QB_SEED UINT64_C(0x5eed0000bead)

/* Loads <root>/packs/default.json.  On failure returns NULL and writes a
 * message into why[0..cap). */
qr_pack *qb_load_pack(const qb_opts *o, char *why, size_t cap);

/* Fills cfg for the terrain generator with the scenario reader's defaults
 * (base_height 64, amplitude 12, caves 100) and the pack's bedrock, stone,
 * dirt and grass.  False (message in why) if the pack lacks one of them. */
bool qb_terrain_config(const qr_pack *p, qk_world_config *cfg, char *why, size_t cap);

/* qb_load_pack then qb_terrain_config: the pack (free it with qr_pack_free)
 * and cfg, or NULL with why filled and nothing held. */
qr_pack *qb_terrain_pack(const qb_opts *o, qk_world_config *cfg, char *why, size_t cap);

/* A superflat config over the same rectangle: bedrock 1, stone 58, dirt 4,
 * grass 1 (surface at y = 63, like the terrain's mean height). */
bool qb_superflat_config(const qr_pack *p, qk_world_config *cfg, char *why, size_t cap);

/* y of the highest solid block in column (x, z), scanning down from 255,
 * or -1 if the column has none or is not loaded. */
int32_t qb_top_solid(const qk_world *w, const qr_pack *p, int32_t x, int32_t z);

#endif /* QUARRY_BENCH_H */
