/*
 * qr.h - public interface of quarry's replay library.
 *
 * The replay library is the edge around the pure kernel (qk.h): it reads the
 * files people write (block packs, scenarios), drives the kernel tick by tick,
 * writes the canonical event stream, compares two streams and keeps the golden
 * manifest.  Everything here may do I/O and allocate with malloc; nothing here
 * aborts, exits or keeps global state, so several scenarios can be loaded and
 * run on different threads at once.
 *
 * Errors
 *   Every function that can fail returns a qr_status and, when the caller
 *   passes one, fills a caller-owned qr_error with the file, 1-based line and
 *   column (0 = unknown) and an English message saying what was expected.
 *   qr_error_format renders it as "file:line:col: message".
 *
 * File formats are specified field by field in docs/formats.md.
 */
#ifndef QUARRY_QR_H
#define QUARRY_QR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "quarry/qk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== */
/* Status and errors                                                     */
/* ===================================================================== */

typedef enum qr_status {
    QR_OK = 0,
    QR_ERR_INPUT,  /* a file's content is malformed (exit code 2) */
    QR_ERR_IO,     /* a file could not be opened, read or written */
    QR_ERR_NOMEM,  /* malloc failed */
    QR_ERR_KERNEL, /* the kernel refused (message carries its diagnostic) */
    QR_ERR_OUTPUT  /* the caller's output callback reported failure */
} qr_status;

/* Short English name of a status. */
const char *qr_status_str(qr_status s);

typedef struct qr_error {
    char file[512];
    unsigned line; /* 1-based; 0 = not about a line */
    unsigned col;  /* 1-based, in characters; 0 = unknown */
    char msg[512];
} qr_error;

/* Renders "file:line:col: msg" (dropping the parts that are 0 or empty)
 * into buf[0..cap), always NUL-terminated.  Returns the length it wanted. */
size_t qr_error_format(const qr_error *e, char *buf, size_t cap);

/* Writes qr_error_format(e) and a newline to f. */
void qr_error_print(const qr_error *e, FILE *f);

/* ===================================================================== */
/* JSON positions                                                        */
/* ===================================================================== */

/* Finds where a value starts inside valid JSON text.  `pointer` is an RFC
 * 6901 JSON Pointer ("" = the whole document, "/players/0/spawn/1"); with
 * want_key the position of the member's key is returned instead of its value
 * (for "unknown key" errors).  line and col are 1-based, col counting
 * characters (UTF-8 code points) like jansson does.  Returns false if the
 * pointer names nothing; line/col then hold the position of the deepest
 * value that was found (the enclosing object or array).  O(len). */
bool qr_json_locate(const char *text, size_t len, const char *pointer,
                    bool want_key, unsigned *line, unsigned *col);

/* ===================================================================== */
/* Block packs                                                           */
/* ===================================================================== */

#define QR_NAME_MAX 63 /* longest block, pack or scenario name */

/* A loaded pack: the kernel registry plus the block and item names (one id
 * space) and the recipes.  Ids need not be dense: holes become unnamed
 * placeholder items (item only, unbreakable, drop nothing) that no name
 * resolves to.  The recipes come from the file the pack's "recipes" key
 * names, relative to the pack file (none when the key is absent). */
typedef struct qr_pack {
    char name[QR_NAME_MAX + 1];
    uint32_t count;      /* registry size: highest id + 1 */
    qk_block_def *defs;  /* [count] */
    char **names;        /* [count]; NULL for holes */
    /* The renderer's colour of each block (the block's optional "color",
     * "#rrggbb"): color[id] is meaningful when has_color[id].  Presentation
     * only: colours are not in the registry, so they never change the
     * registry hash, snapshots or digests. */
    uint8_t (*color)[3];  /* [count] */
    bool *has_color;      /* [count] */
    qk_recipe *recipes;  /* [recipe_count] */
    char **recipe_names; /* [recipe_count] */
    uint32_t recipe_count;
    qk_registry registry; /* blocks and recipes */
} qr_pack;

/* Parses a pack from memory; `file` only labels errors.  A "recipes" key
 * is checked but not followed (there is no directory to resolve it in):
 * the pack has no recipes until qr_pack_parse_recipes gives it some. */
qr_status qr_pack_parse(qr_pack **out, const char *file, const char *text,
                        size_t len, qr_error *err);
/* Reads and parses a pack file (at most 16 MiB), and the recipes file its
 * "recipes" key names, relative to the pack file's directory.  A recipes
 * file that cannot be read is an input error at the pack's "recipes"
 * value (QR_ERR_IO is for the pack file itself). */
qr_status qr_pack_load(qr_pack **out, const char *path, qr_error *err);
/* Parses a recipes file from memory against p's block and item names and
 * stack sizes; `file` only labels errors.  On success p's recipes (and
 * p->registry's) are replaced; on failure p is unchanged.  Everything it
 * accepts the kernel accepts too: no two recipes can match the same grid. */
qr_status qr_pack_parse_recipes(qr_pack *p, const char *file, const char *text,
                                size_t len, qr_error *err);
void qr_pack_free(qr_pack *p);

/* Id of a block by name; false if the pack has no such block. */
bool qr_pack_lookup(const qr_pack *p, const char *name, qk_block_id *out);
/* Name of a block id, or NULL for holes, QK_BLOCK_NONE and ids >= count. */
const char *qr_pack_block_name(const qr_pack *p, qk_block_id id);
/* Name of recipe i, or NULL. */
const char *qr_pack_recipe_name(const qr_pack *p, uint32_t i);

/* ===================================================================== */
/* Scenarios                                                             */
/* ===================================================================== */

#define QR_MAX_LINE (1u << 20)         /* longest scenario line, bytes */
#define QR_MAX_TICKS 10000000u         /* largest "ticks" of a scenario */

typedef enum qr_expect_kind {
    QR_EXPECT_BLOCK = 1,  /* the block at a voxel */
    QR_EXPECT_PLAYER,     /* a player's feet block / position / ground */
    QR_EXPECT_EVENT,      /* some event of the tick matches key/values */
    QR_EXPECT_LIGHT,      /* the sky and/or block light at a voxel */
    QR_EXPECT_SKY,        /* the day clock, sun, sky scalar, weather */
    QR_EXPECT_INVENTORY   /* one slot of a player, or an item's total */
} qr_expect_kind;

typedef struct qr_expect {
    qr_expect_kind kind;
    uint32_t line; /* line of the scenario file it came from */
    uint64_t tick; /* checked after the step of this tick */
    char *note;    /* "note" for humans, or NULL */
    /* QR_EXPECT_BLOCK and QR_EXPECT_LIGHT */
    int32_t pos[3];
    qk_block_id block;
    /* QR_EXPECT_LIGHT: every has_* level must hold (0..15, qk_light_at) */
    bool has_sky, has_block_light;
    uint8_t sky, block_light;
    /* QR_EXPECT_PLAYER: every has_* part must hold */
    uint32_t player;
    bool has_feet, has_fx, has_ground;
    int32_t feet[3];
    qk_fx fx[3];
    bool on_ground;
    /* QR_EXPECT_EVENT: compact JSON object of required key/values */
    char *match;
    /* QR_EXPECT_SKY: every has_* part must hold (qk_world_time); with
     * has_falls, qk_precipitation_at(at[0], at[1]) must be `falls`
     * (QK_WEATHER_CLEAR, RAIN or SNOW) */
    bool has_time, has_day, has_phase, has_sun, has_sky_scalar, has_weather, has_falls;
    uint32_t time;
    uint64_t day;
    qk_phase phase;
    qk_fx sun, sky_scalar;
    qk_weather weather, falls;
    int32_t at[2];
    /* QR_EXPECT_INVENTORY (of `player`): with has_slot, slot `slot` holds
     * `item` (QK_BLOCK_AIR: the slot is empty) when has_item, and `count`
     * items when has_count; with has_total, the counts of `item` over all
     * QK_INV_SLOTS slots add up to `total`. */
    bool has_slot, has_item, has_count, has_total;
    uint8_t slot;
    qk_item_id item;
    uint32_t count, total;
} qr_expect;

/* A parsed scenario.  Read-only for callers; owns everything it points to
 * (including its pack) and is freed with qr_scenario_free. */
typedef struct qr_scenario {
    char *path;                    /* as given to the loader */
    char name[QR_NAME_MAX + 1];
    char pack_name[QR_NAME_MAX + 1];
    uint64_t seed;
    uint64_t ticks;
    uint64_t hash;                 /* XXH3-64 of the file's bytes */
    qk_world_config world;
    qr_pack *pack;
    bool pack_owned;               /* pack is freed with the scenario */
    /* Inputs sorted by tick (stable: header joins first, then file order). */
    qk_input *inputs;
    uint32_t *input_lines;         /* file line of each input (header: 1) */
    size_t n_inputs;
    /* Expectations sorted by tick, then file line. */
    qr_expect *expects;
    size_t n_expects;
    uint32_t n_players;
} qr_scenario;

typedef struct qr_scenario_opts {
    /* Where "<pack>.json" is looked up.  NULL: "<dir of scenario>/../packs". */
    const char *pack_dir;
    /* Use this pack instead of looking one up (not owned; must outlive the
     * scenario).  Meant for tests. */
    const qr_pack *pack;
} qr_scenario_opts;

/* Reads a scenario file.  opts may be NULL. */
qr_status qr_scenario_load(qr_scenario **out, const char *path,
                           const qr_scenario_opts *opts, qr_error *err);
/* Parses a scenario held in memory; `path` labels errors and anchors the
 * default pack dir. */
qr_status qr_scenario_parse(qr_scenario **out, const char *path,
                            const char *text, size_t len,
                            const qr_scenario_opts *opts, qr_error *err);
void qr_scenario_free(qr_scenario *s);

/* ===================================================================== */
/* Canonical event stream                                                */
/* ===================================================================== */

#define QR_EVENTS_FORMAT 1
/* No canonical event line is longer.  The longest is a crafted event with
 * QK_CRAFT_CELLS inputs, every item and recipe name QR_NAME_MAX characters
 * and every number at its widest (896 bytes with the '\n'); next comes a
 * light_commit with QK_TXN_MAX_CHUNKS chunks (789).  tests/replay/
 * test_events.c formats both. */
#define QR_EVENT_LINE_MAX 1024

/* XXH3-64 of the canonical schema text (qr_schema_text); goes in every
 * stream header as 16 lowercase hex digits. */
uint64_t qr_schema_hash(void);
/* The schema text: one line per event type, "type:key:kind,key:kind,...".
 * Writes into buf (NUL-terminated); returns the length it wanted. */
size_t qr_schema_text(char *buf, size_t cap);

/* Formats one event as its canonical line (with the '\n') into
 * buf[QR_EVENT_LINE_MAX].  Returns the length.  Block and item ids print
 * as the pack's names, recipe indexes as the pack's recipe names (as the
 * index when the pack names none). */
size_t qr_event_format(const qr_pack *pack, const qk_event *ev, char *buf);

/* Formats the header line (with '\n'); returns the length it wanted. */
size_t qr_header_format(const char *scenario_name, uint64_t scenario_hash,
                        char *buf, size_t cap);

/* Output sink: returns 0 on success, non-zero to stop the run. */
typedef int (*qr_write_fn)(void *ud, const void *buf, size_t len);

/* Writes "%016x" lowercase of v into buf[17]. */
void qr_hex64(uint64_t v, char *buf);

/* ===================================================================== */
/* Worker pool                                                           */
/* ===================================================================== */

/* A pthread pool that runs the kernel's light work (qk_workers, see
 * qk_world_set_workers).  The thread calling run() is worker 0 and takes
 * part; threads - 1 helper threads are workers 1..threads-1, each bound to
 * its index, so no two tasks running at once share a worker index.  run()
 * returns when every task is done; calls are serialised; a task must not
 * call run() again.  Idle helpers sleep on a condition variable.  Worlds
 * may share a pool (their run() calls take turns).  The event stream never
 * depends on the pool or its size. */
typedef struct qr_pool qr_pool;

#define QR_POOL_MAX QK_MAX_WORKERS /* most threads a pool may have */

/* Starts threads - 1 helper threads.  QR_ERR_INPUT if threads is not
 * 1..QR_POOL_MAX; QR_ERR_NOMEM if memory or a thread could not be had
 * (nothing is left running then).  *out is NULL on error. */
qr_status qr_pool_create(unsigned threads, qr_pool **out);
/* The qk_workers that runs tasks on p (count = threads).  Valid while p
 * lives. */
qk_workers qr_pool_workers(qr_pool *p);
/* Stops and joins the helpers and frees the pool; NULL is fine.  No run()
 * may be in progress. */
void qr_pool_free(qr_pool *p);

/* ===================================================================== */
/* Running scenarios                                                     */
/* ===================================================================== */

typedef struct qr_run_opts {
    uint64_t ticks;             /* 0: the scenario's own count */
    qr_write_fn write;          /* NULL: output only hashed and counted */
    void *write_ud;
    const uint64_t *restore_at; /* before these ticks: snapshot, destroy, */
    size_t n_restore_at;        /* restore, continue (output must not change) */
    /* Light workers: 0 or 1 runs the light work on the calling thread (no
     * pool, no qk_world_set_workers); N > 1 (up to QR_POOL_MAX) starts a
     * qr_pool of N for the run and hands it to the world after creating
     * it and after every restore.  The output must not change. */
    unsigned threads;
    /* Hooks for tools that inspect a run (either may be NULL; ud is
     * passed to both).  on_event sees every kernel event as it is written;
     * on_tick runs after each step (and its expectations) with the world
     * as it is between steps: queries only, never step, restore or
     * destroy it.  Neither changes the output. */
    void (*on_event)(void *ud, const qk_event *ev);
    void (*on_tick)(void *ud, const qk_world *w, uint64_t tick);
    void *hook_ud;
    /* Saves and resumes through a store the caller supplies (the CLI
     * passes adapters/region; this library does no save I/O itself).
     * save: called with the world between steps, before tick T runs, for
     *       each T in save_at.
     * load: builds a world from the store (see resume).
     * resume: the run starts from load() instead of creating the world:
     *       load() builds it with `alloc` and the pack's registry, at some
     *       tick T0 (at most the run's tick count, with the scenario's
     *       world configuration); the header is written, then ticks T0..
     *       run.  Inputs before T0 are not applied and expectations
     *       before T0 count as skipped.
     * restore_via_store: restore_at ticks go through save() then load()
     *       instead of a kernel snapshot (the output must not change). */
    const uint64_t *save_at;
    size_t n_save_at;
    qr_status (*save)(void *ud, const qk_world *w, qr_error *err);
    qr_status (*load)(void *ud, const qk_registry *reg, const qk_allocator *alloc,
                      qk_world **out, qr_error *err);
    void *store_ud;
    bool resume;
    bool restore_via_store;
    /* Heavy mode (Factorio's heavy mode and 0 A.D.'s serialization test,
     * GGPO's SyncTest): after every tick the world is snapshotted and
     * restored into a second world, which must have equal digests and
     * snapshot to the same bytes; with heavy_rollback K > 0, every K ticks
     * the snapshot of K ticks earlier is also restored and re-simulated
     * with the same inputs, and must reach the same digests.  A mismatch
     * stops the run (QR_ERR_KERNEL naming the tick and subsystems).  The
     * output never changes. */
    bool heavy;
    uint32_t heavy_rollback;
} qr_run_opts;

typedef struct qr_expect_result {
    uint32_t line;     /* the expect line in the scenario */
    uint64_t tick;
    bool reached;      /* false when the run stopped before its tick */
    bool passed;
    char msg[320];     /* "tick 150: player 1 feet block is [...], expected [...]" */
} qr_expect_result;

typedef struct qr_run_result {
    uint64_t ticks;    /* ticks stepped */
    uint64_t events;   /* event lines written (header excluded) */
    uint64_t bytes;    /* bytes written, header included */
    uint64_t hash;     /* XXH3-64 of the bytes written */
    size_t peak_memory;/* the kernel's peak allocation, bytes */
    uint64_t heavy_checks, heavy_rollbacks; /* heavy mode's round trips */
    size_t n_passed, n_failed, n_skipped;
    qr_expect_result *expects; /* [scenario->n_expects], owned */
} qr_run_result;

/* Runs a scenario: creates the world (malloc-based counting allocator),
 * steps every tick with its inputs, writes the header and every event,
 * checks each expectation after its tick.  A failed expectation is not an
 * error (see res->n_failed).  res is always initialised; release it with
 * qr_run_result_free.  Reentrant. */
qr_status qr_run(const qr_scenario *sc, const qr_run_opts *opts,
                 qr_run_result *res, qr_error *err);
void qr_run_result_free(qr_run_result *res);

/* ===================================================================== */
/* Comparing event streams                                               */
/* ===================================================================== */

typedef enum qr_diff_kind {
    QR_DIFF_SAME = 0,
    QR_DIFF_HEADER, /* header lines differ (fields listed) */
    QR_DIFF_TYPE,   /* the two events at a line have different types */
    QR_DIFF_FIELD,  /* same type, a field differs */
    QR_DIFF_DIGEST, /* digest lines differ (subsystems listed) */
    QR_DIFF_END_A,  /* A ends while B goes on */
    QR_DIFF_END_B,  /* B ends while A goes on */
    QR_DIFF_RAW     /* lines differ and one is not an event we can read */
} qr_diff_kind;

typedef struct qr_diff {
    qr_diff_kind kind;
    uint64_t line;          /* 1-based line of the first difference */
    bool has_tick;
    uint64_t tick;
    char type_a[32], type_b[32];
    char field[64];         /* first differing key (FIELD, HEADER) */
    char value_a[768], value_b[768]; /* its values as compact JSON text, whole
                               up to 767 bytes (any value of a canonical
                               line, a light_commit's 9 chunks and a crafted
                               event's 9 inputs included); a longer one is
                               cut and ends in "..." */
    char fields[256];       /* HEADER: every differing key; DIGEST: every
                               differing subsystem; comma separated */
    char next[256];         /* END_A/END_B: the longer stream's next line */
    char line_a[256], line_b[256]; /* the differing lines, cut at 255 bytes */
    unsigned col;           /* RAW: column of the first differing byte */
    char header_fields[256];/* header keys that differ; set even when the
                               reported difference is a later event, since
                               two different input logs always differ in
                               scenario_hash but are compared event by event */
} qr_diff;

/* Compares two streams line by line (O(1) memory in the stream length). */
qr_status qr_compare_files(FILE *a, FILE *b, qr_diff *out, qr_error *err);
qr_status qr_compare_paths(const char *a, const char *b, qr_diff *out,
                           qr_error *err);

/* Renders the difference as a few lines of plain English, each ending in
 * '\n'; `name_a`/`name_b` label the streams.  Returns the length wanted. */
size_t qr_diff_render(const qr_diff *d, const char *name_a,
                      const char *name_b, char *buf, size_t cap);
/* One line, no newline: the essence, for "FAIL name: ..." lines. */
size_t qr_diff_summary(const qr_diff *d, const char *name_a, const char *name_b,
                       char *buf, size_t cap);

/* ===================================================================== */
/* Translating scenarios (the metamorphic check)                         */
/* ===================================================================== */

/* What a translated copy leaves out: parts of expect lines that depend on
 * absolute position and so cannot be moved. */
typedef struct qr_translate_notes {
    size_t falls;   /* "sky" expect lines' "falls" parts (precipitation: cold
                       cells hash absolute coordinates); a line with nothing
                       else is left out */
    size_t untyped; /* "event" expect lines whose match names a coordinate
                       key but no "type" (blocks or fixed point?): left out */
} qr_translate_notes;

/* A copy of sc moved by (dx, dz) whole chunks: the chunk rectangle, every
 * input position (place, break, a craft's table, join spawns in fixed
 * point: + dx * 16 * QK_FX_ONE) and every expect line's position (block,
 * light, player feet and fixed-point position, an event match's coordinate
 * keys as the event table marks them).  The copy shares sc's pack (sc must
 * outlive it), keeps sc's name and hash, and is freed with
 * qr_scenario_free.  notes may be NULL.  Errors: QR_ERR_INPUT when the
 * world is not translation invariant (the terrain generator) or something
 * would leave the world (line of the input or expect line), QR_ERR_NOMEM.
 * *out is NULL on error.  O(inputs + expects). */
qr_status qr_scenario_translate(const qr_scenario *sc, int32_t dx, int32_t dz,
                                qr_scenario **out, qr_translate_notes *notes,
                                qr_error *err);

/* Runs orig and its translated copy `moved` (light workers: `threads`, as in
 * qr_run_opts) and compares orig's events, each moved by (dx, dz) chunks,
 * with moved's events, line by line (qr_compare_files).  Digest lines are
 * left out of both (digests hash absolute coordinates), and both headers
 * are written from `moved`, so scenario_hash is not compared.  diff->line
 * counts lines of these digest-free streams.  res receives moved's run
 * (its expectations evaluated); release it with qr_run_result_free.
 * Errors: as qr_run, QR_ERR_IO for the temporary files. */
qr_status qr_translate_compare(const qr_scenario *orig, const qr_scenario *moved, int32_t dx,
                               int32_t dz, unsigned threads, qr_diff *diff,
                               qr_run_result *res, qr_error *err);

/* ===================================================================== */
/* Bisecting a divergence                                                */
/* ===================================================================== */

/* Where two runs part, narrowed as far as the inputs allow.  Two scenarios
 * (qr_bisect_runs) are stepped in lockstep in this process: at the first
 * tick whose chain differs the bisector compares the subsystem digests and
 * descends into the first differing subsystem in qk_subsys order: blocks
 * and light to the first differing column (qk_chunk_digest, key order) and
 * voxel (y, then z, then x), entities and inventory to the first differing
 * player and field, time and weather to the differing clock field.  Two
 * event streams (qr_bisect_streams) hold only digests: the tick and the
 * subsystems, no descent (descended is false).  Either way the differing
 * (tick, subsystem) digest pairs after the root are counted: they follow
 * from it.  Text fields are NUL-terminated and cut to fit. */
typedef struct qr_divergence {
    bool found;             /* the runs differ (the rest is meaningful) */
    bool descended;         /* worlds were compared below the digests */
    uint64_t tick;          /* the first tick whose chain differs */
    uint64_t ticks_compared;/* ticks stepped (runs) or digest pairs read */
    char subsystems[96];    /* differing subsystems at `tick`, qk_subsys
                               order, comma separated; "" when only the
                               events or the lengths differ */
    bool has_chunk;
    int32_t cx, cz;         /* the first differing column (blocks, light) */
    bool has_voxel;
    int32_t x, y, z;        /* the first differing voxel in it */
    bool has_player;
    uint32_t player;        /* the first differing player (entities, inventory) */
    char field[32];         /* "block", "sky", "block_light", "x".."mode",
                               "slot N", "present", "day".."weather_until",
                               "ticks"; "" when nothing visible differs */
    char value_a[96], value_b[96]; /* the field's values, as text */
    bool has_event;         /* the tick's canonical lines differ */
    uint64_t event_line;    /* streams: 1-based line of the first differing
                               line; runs: its index within the tick, 1-based */
    char event_a[256], event_b[256]; /* those lines without '\n', cut */
    uint64_t later_differences; /* differing (tick, subsystem) digest pairs
                                   after `tick` */
} qr_divergence;

typedef struct qr_bisect_opts {
    uint64_t ticks; /* ticks to step; 0: the longer scenario's count */
    /* Test-only fault hook, called after every step of each world (which:
     * 0 = a, 1 = b) with the tick just stepped; production callers leave
     * it NULL.  A change it makes shows in the digests of the next tick
     * (tick's digests were taken inside the step). */
    void (*after_step)(void *ud, int which, qk_world *w, uint64_t tick);
    void *ud;
} qr_bisect_opts;

/* Creates a world for each scenario and steps both, each with its own
 * inputs, comparing qk_world_digests after every tick; on the first
 * differing chain it descends (above), then steps on to the end counting
 * later differences.  The two scenarios should describe the same world
 * (seed, generator, rectangle); columns loaded in one only count as
 * differing.  opts may be NULL.  Errors: QR_ERR_KERNEL (a world could not
 * be created or stepped), QR_ERR_NOMEM.  O(ticks x step) time. */
qr_status qr_bisect_runs(const qr_scenario *a, const qr_scenario *b,
                         const qr_bisect_opts *opts, qr_divergence *out,
                         qr_error *err);

/* Bisects two event streams by their digest lines: the first digest line
 * (by tick) whose chain differs gives the tick and the differing
 * subsystems; the first differing line at or before it (qr_compare_paths)
 * is reported too.  Streams whose digests all agree but whose events or
 * lengths differ are found at the first differing line or missing tick.
 * Errors: QR_ERR_IO, QR_ERR_INPUT (not an event stream, or a malformed
 * digest line, at file:line:col).  O(1) memory in the stream length. */
qr_status qr_bisect_streams(const char *path_a, const char *path_b,
                            qr_divergence *out, qr_error *err);

/* Renders the causal summary, e.g. "first divergence at tick 4,213 in
 * light, chunk (3,-2), voxel (52,71,-29): sky 15 vs 14; 8,412 later
 * differences follow from it", then indented detail lines (the first
 * differing event lines; for streams, that no world was descended into),
 * each line ending in '\n'.  "no divergence in N ticks" when not found.
 * Returns the length it wanted; buf is always NUL-terminated. */
size_t qr_divergence_render(const qr_divergence *d, char *buf, size_t cap);

/* One JSON object on one line (with '\n'), keys as documented in
 * docs/formats.md ("quarry bisect").  Returns the length it wanted. */
size_t qr_divergence_json(const qr_divergence *d, char *buf, size_t cap);

/* ===================================================================== */
/* Bisecting two builds: probes and repro bundles                        */
/* ===================================================================== */

/* Two quarry executables cannot share a world, so `quarry bisect --build-a
 * --build-b` has each replay the scenario (`quarry probe`) to just after
 * the root tick and print its leaves as canonical lines (docs/formats.md,
 * "quarry probe"): every column's blocks and light digests, every player's
 * fields and the clock; or, for one column, every voxel's block and light,
 * run-length encoded per y-row.  qr_probe_compare descends into two such
 * outputs as qr_bisect_runs descends into two worlds. */
typedef struct qr_probe_opts {
    uint64_t tick;            /* the state after this tick's step */
    bool column;              /* one column's rows instead of the digests */
    int32_t cx, cz;
    const uint8_t *from;      /* start from these snapshot bytes (NULL: */
    size_t from_len;          /* create the world at tick 0) */
    const char *from_name;    /* labels a refused snapshot */
    uint8_t **checkpoint;     /* non-NULL: a malloc'ed snapshot of the world */
    size_t *checkpoint_len;   /* before tick checkpoint_at goes here (when */
    uint64_t checkpoint_at;   /* the replay passes it) */
} qr_probe_opts;

/* Replays sc to just after tick o->tick and writes its leaves.  Errors:
 * QR_ERR_INPUT (the tick is past the scenario's end; the snapshot is
 * refused: malformed, another format or registry, another world, or past
 * the tick; the message says "snapshot refused" and the byte), QR_ERR_KERNEL,
 * QR_ERR_NOMEM, QR_ERR_OUTPUT.  O(ticks x step + columns) or O(65,536). */
qr_status qr_probe_run(const qr_scenario *sc, const qr_probe_opts *o, qr_write_fn write,
                       void *ud, qr_error *err);

/* The lines two probes differ in (pointers into their text, no '\n'). */
typedef struct qr_probe_leaves {
    const char *a, *b;
    size_t na, nb;
} qr_probe_leaves;

/* Descends into two probes' outputs for root subsystem `sub`: digests to
 * the column (has_chunk), rows to the voxel (has_voxel; out's cx, cz must
 * name the column), players to the player and field, the clock to the
 * field; sets descended.  Only the fields it finds are touched.  leaves
 * (may be NULL) gets the differing lines.  QR_ERR_INPUT at "probe of build
 * A:line:col" for a line that is not a probe line. */
qr_status qr_probe_compare(const char *a, size_t na, const char *b, size_t nb, qk_subsys sub,
                           qr_divergence *out, qr_probe_leaves *leaves, qr_error *err);

/* A desync repro bundle (docs/formats.md, "Desync bundle"): one JSON file
 * with everything needed to reproduce a two-build divergence. */
#define QR_BUNDLE_FORMAT 1
typedef struct qr_bundle_build {
    char *path, *version;     /* as given; `BIN --version`'s first line */
    uint64_t xxh3;            /* of the executable file */
} qr_bundle_build;

typedef struct qr_bundle {
    char *scenario_file, *scenario;   /* file name and verbatim text */
    size_t scenario_len;
    char *pack_file, *pack;           /* the scenario's pack, verbatim */
    size_t pack_len;
    char *recipes_file, *recipes;     /* the file its "recipes" names, or NULL */
    size_t recipes_len;
    qr_bundle_build build[2];
    char *divergence;                 /* qr_divergence_json's line, no '\n' */
    uint64_t segment_replays;
    uint64_t checkpoint_tick;         /* the snapshot is the world before it */
    uint8_t *snapshot;                /* build A's qk_snapshot bytes */
    size_t snapshot_len;
    char *leaves[2];                  /* the two probes' differing lines */
    /* Read back from the divergence (qr_bundle_load only): */
    uint64_t tick;
    bool has_chunk;
    int32_t cx, cz;
} qr_bundle;

/* Fills b's scenario and pack members from the files: the scenario,
 * the pack it names (in pack_dir, or the scenario's dir/../packs) and the
 * recipes file the pack names.  Errors as qr_scenario_load's. */
qr_status qr_bundle_collect(qr_bundle *b, const char *scenario, const char *pack_dir,
                            qr_error *err);
/* Writes b as one JSON object (2-space indented, '\n' ends) to f. */
qr_status qr_bundle_write(const qr_bundle *b, FILE *f, const char *path, qr_error *err);
/* Reads and checks a bundle (at most 1 GiB).  QR_ERR_INPUT names the
 * file:line:col and byte offset of malformed JSON, or the member that is
 * missing or wrong ("checkpoint.snapshot: not base64 at character 17",
 * "checkpoint.xxh3: the snapshot's bytes hash to ..."). *b is zeroed on
 * error. */
qr_status qr_bundle_load(qr_bundle *b, const char *path, qr_error *err);
void qr_bundle_free(qr_bundle *b);
/* Whether two qr_divergence_json lines describe the same divergence
 * (equal as JSON); false when either does not parse. */
bool qr_divergence_json_equal(const char *a, const char *b);

/* ===================================================================== */
/* Stepping sessions                                                     */
/* ===================================================================== */

/* A session steps a scenario's world a tick at a time for a person or a
 * script (`quarry repl`): forwards, backwards (through a checkpoint every
 * 64 ticks: restore the nearest one at or before the target, re-step),
 * to named snapshots.  Optionally it compares each tick with a second run:
 * a second scenario's world stepped in lockstep with its own inputs, or a
 * golden event stream (the tick's canonical lines, digest line included).
 * The first tick where they part is kept with the bisector's descent (for
 * two worlds: subsystem, column and voxel or player and field).  Watches
 * stop qr_session_advance at the first tick a value changes or the two
 * worlds start to disagree on it.  The canonical lines of every tick
 * reached are recorded (qr_session_lines).  Memory: O(lines + snapshot
 * size x ticks / 64). */
typedef struct qr_session qr_session;

typedef struct qr_session_opts {
    const qr_scenario *b;   /* a second run in lockstep (not owned), or NULL */
    const char *golden;     /* a golden stream to compare with, or NULL */
    uint32_t checkpoint_every; /* 0: 64 */
} qr_session_opts;

/* Creates the world(s) at tick 0 and reads the golden (QR_ERR_IO, or
 * QR_ERR_INPUT at file:line:col when it is not an event stream whose lines
 * carry ascending ticks, each tick closed by a digest line).  `a` (and
 * opts->b) must outlive the session.  *out is NULL on error. */
qr_status qr_session_open(qr_session **out, const qr_scenario *a,
                          const qr_session_opts *opts, qr_error *err);
void qr_session_free(qr_session *s);

/* The next tick to run (ticks stepped), and the run's length: the
 * scenario's ticks, the longer one's with a second scenario. */
uint64_t qr_session_tick(const qr_session *s);
uint64_t qr_session_end(const qr_session *s);
/* World and scenario 0 (a) or 1 (b); NULL when there is no second world.
 * The world is for queries only and changes with every call below. */
const qk_world *qr_session_world(const qr_session *s, int which);
const qr_scenario *qr_session_scenario(const qr_session *s, int which);
/* Whether a second run (world or golden) is compared with. */
bool qr_session_compares(const qr_session *s);

/* What a watch or a query looks at. */
typedef enum qr_probe_kind {
    QR_PROBE_BLOCK,    /* "stone", "#12" for an unnamed id, "unloaded" */
    QR_PROBE_LIGHT,    /* "sky 15 block 0", "unloaded" */
    QR_PROBE_PLAYER,   /* one field ("x".."mode") or, with field "", all as
                          "x=.. y=.. .. mode=survival"; "absent" */
    QR_PROBE_INVENTORY /* "selected 0; 0: 64 stone; 1: 3 torch" (non-empty
                          slots); "absent" */
} qr_probe_kind;

typedef struct qr_probe {
    qr_probe_kind kind;
    int32_t pos[3];  /* BLOCK, LIGHT */
    uint32_t player; /* PLAYER, INVENTORY */
    char field[16];  /* PLAYER: x y z vx vy vz yaw pitch dirs on_ground slot mode */
} qr_probe;

/* Whether a player field name is known (for watches). */
bool qr_probe_field_ok(const char *field);
/* The probe's value in world `which` as text into buf (NUL-terminated);
 * returns the length it wanted.  With which = -1: world a's value, or
 * "a=VALUE b=VALUE" when there are two worlds. */
size_t qr_session_value(const qr_session *s, int which, const qr_probe *p, char *buf,
                        size_t cap);

/* Why qr_session_advance stopped. */
typedef enum qr_stop_kind {
    QR_STOP_TARGET = 0, /* reached the tick asked for */
    QR_STOP_END,        /* reached qr_session_end */
    QR_STOP_PARTED,     /* the runs parted at the tick just stepped */
    QR_STOP_WATCH       /* a watch's value changed at the tick just stepped */
} qr_stop_kind;

typedef struct qr_stop {
    qr_stop_kind kind;
    uint64_t tick;     /* PARTED, WATCH: the tick stepped last */
    size_t watch;      /* WATCH: its index (the first that fired) */
    char before[256], after[256]; /* WATCH: its value before and after */
} qr_stop;

#define QR_SESSION_WATCHES 16 /* most watches at once */

/* Adds a watch (QR_ERR_INPUT: too many, or an unknown player field).
 * Returns its index in *index (may be NULL). */
qr_status qr_session_watch(qr_session *s, const qr_probe *p, size_t *index,
                           qr_error *err);
/* Removes every watch. */
void qr_session_unwatch(qr_session *s);
size_t qr_session_watch_count(const qr_session *s);
const qr_probe *qr_session_watch_at(const qr_session *s, size_t i);

/* Steps until the next tick to run is `until` (clamped to the end).  With
 * stop, it also stops after the tick where the runs part (the first time
 * they do; not again once parted earlier) or a watch fires.  stop_out
 * says why (may be NULL).  Errors: QR_ERR_KERNEL, QR_ERR_NOMEM. */
qr_status qr_session_advance(qr_session *s, uint64_t until, bool stop, qr_stop *stop_out,
                             qr_error *err);
/* Makes t the next tick to run, forwards (stepping) or backwards
 * (restoring the nearest checkpoint, then stepping).  QR_ERR_INPUT past
 * the end.  Restoring gives the same state as stepping: digests agree. */
qr_status qr_session_goto(qr_session *s, uint64_t t, qr_error *err);

/* Named snapshots of the current state (every world); a name taken again
 * is replaced.  Restore: QR_ERR_INPUT for an unknown name. */
qr_status qr_session_snapshot(qr_session *s, const char *name, qr_error *err);
qr_status qr_session_restore(qr_session *s, const char *name, qr_error *err);
/* Snapshot i's name and tick, in the order taken; NULL past the last. */
const char *qr_session_snapshot_name(const qr_session *s, size_t i, uint64_t *tick);

/* The first parting found before the current tick: true and *out (the
 * bisector's report for that tick: subsystems, descent for two worlds,
 * the first differing line of the tick); false (*out: not found, ticks
 * compared) when the runs agree so far.  later_differences is 0. */
bool qr_session_parted(const qr_session *s, qr_divergence *out);

/* World a's canonical lines recorded for ticks [t1, t2), clipped to the
 * ticks already stepped: a pointer into the session's log (valid until the
 * next call that steps) and its length in bytes. */
const char *qr_session_lines(const qr_session *s, uint64_t t1, uint64_t t2, size_t *len);

/* ===================================================================== */
/* Golden manifest                                                       */
/* ===================================================================== */

typedef struct qr_manifest_entry {
    char name[QR_NAME_MAX + 1];
    uint64_t stream_hash;
    uint64_t events, ticks, bytes;
    char kernel[32];
    char accepted_by[128];
    char accepted_at[32]; /* UTC, "YYYY-MM-DDTHH:MM:SSZ" */
    char reason[512];
} qr_manifest_entry;

typedef struct qr_manifest {
    qr_manifest_entry *entries; /* sorted by name */
    size_t count, cap;
} qr_manifest;

/* Reads a manifest; a missing file gives an empty manifest and QR_OK. */
qr_status qr_manifest_load(qr_manifest *m, const char *path, qr_error *err);
/* Entry by name, or NULL. */
const qr_manifest_entry *qr_manifest_find(const qr_manifest *m,
                                          const char *name);
/* Inserts or replaces by name, keeping the order. */
qr_status qr_manifest_put(qr_manifest *m, const qr_manifest_entry *e);
/* Writes it atomically, sorted by name, 2-space indented, '\n' ends. */
qr_status qr_manifest_save(const qr_manifest *m, const char *path,
                           qr_error *err);
void qr_manifest_free(qr_manifest *m);

/* ===================================================================== */
/* Files                                                                 */
/* ===================================================================== */

/* A file written atomically: content goes to a temporary file beside
 * `path`, which qr_afile_commit renames over it and qr_afile_abort removes,
 * so readers never see half a file. */
typedef struct qr_afile {
    FILE *f;
    char path[512];
    char tmp[540];
} qr_afile;

qr_status qr_afile_open(qr_afile *a, const char *path, qr_error *err);
qr_status qr_afile_commit(qr_afile *a, qr_error *err);
void qr_afile_abort(qr_afile *a);
/* A qr_write_fn writing to the FILE * passed as ud. */
int qr_write_stdio(void *ud, const void *buf, size_t len);

/* Base64 (RFC 4648, with padding) of p[0..n) into out, which must hold
 * qr_base64_size(n) + 1 bytes; NUL-terminated.  For data URIs (the QA
 * report's pictures) and desync bundles. */
size_t qr_base64_size(size_t n);
void qr_base64_encode(const uint8_t *p, size_t n, char *out);

/* XXH3-64 of a whole file, streamed. */
qr_status qr_hash_file(const char *path, uint64_t *out, uint64_t *bytes,
                       qr_error *err);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_QR_H */
