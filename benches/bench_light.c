/*
 * bench_light.c - light: what skylight and block light cost (issue 3).
 *
 * Four measurements, each against the target (reported, never
 * asserted).  They call the kernel's internal lighting entry points
 * (light.h, world.h) directly, so each figure is the lighting work alone:
 *
 *   chunk_relight  qk__light_relight_chunk on each of the 14x14 interior
 *                  columns of the 16x16 terrain world (the 256-column world
 *                  of step_cost): clear, heightmap, sky and emitter seeding,
 *                  light pulled in across the four borders, propagation
 *                  spilling out into the neighbours.  p50 and p99 per
 *                  column within a run.  Anchors: Starlight ~320 us,
 *                  vanilla ~10 ms.  Also a whole-world relight from scratch
 *                  (what creation and restore do).
 *   source         a level-15 source (the pack's glowstone: opaque, so it
 *                  also shades the column under it) placed in open air 36
 *                  blocks over a superflat, then removed, at 256 spots a
 *                  column apart, each through qk__world_edit (set + light).
 *                  "cold": the first edit in untouched sky, whose uniform
 *                  light sections must become arrays; "warm": the same
 *                  spots again.  The torch (14, clear) beside it.
 *   box_roof       the worst case: a hollow stone box 32x256x32 (walls,
 *                  floor and roof, 30x254x30 dark inside) on an empty world;
 *                  breaking one roof block floods the inside with skylight
 *                  (a 15 column, 14 levels sideways on every layer); closing
 *                  it again takes all of that away.  Also the whole 30x30
 *                  roof broken block by block and put back.
 *   random_edits   sustained edits near the terrain surface: places and
 *                  breaks of stone, glass, torches, glowstone and lamps at
 *                  random interior columns, y = surface - 3 .. surface + 3,
 *                  from a fixed seed (every run makes the same edits on a
 *                  fresh world).  Edits per second of wall time, and the
 *                  per-edit p50 and p99.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "light.h"
#include "world.h"

#define NAME "light"
#define TARGET_CHUNK_P50_US 100
#define TARGET_CHUNK_P99_US 400
#define TARGET_PLACE_US 40
#define TARGET_REMOVE_US 60
#define TARGET_ROOF_MS 5
#define TARGET_EDITS_PER_S 20000
#define TARGET_TXN_OVERHEAD_PCT 5

#define SPOTS 256        /* source: places and removals per run */
#define SOURCE_Y 100     /* 36 blocks over the superflat's surface (63) */
#define EDITS 20000      /* random_edits: edits per run */
#define BOX_MIN (-8)     /* box_roof: x and z of the walls, BOX_MIN..BOX_MAX */
#define BOX_MAX 23

typedef struct ids {
    qk_block_id air, stone, glass, torch, glowstone, lamp;
} ids;

static bool pack_ids(const qr_pack *p, ids *out, char *why, size_t cap)
{
    static const char *const names[] = {"stone", "glass", "torch", "glowstone", "lamp"};
    qk_block_id *slot[] = {&out->stone, &out->glass, &out->torch, &out->glowstone, &out->lamp};
    out->air = QK_BLOCK_AIR;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!qr_pack_lookup(p, names[i], slot[i])) {
            snprintf(why, cap, "pack \"%s\" has no block \"%s\"", p->name, names[i]);
            return false;
        }
    }
    return true;
}

static qk_status create(const qk_world_config *cfg, const qr_pack *p, qk_world **w,
                        json_t **err)
{
    qk_diag d = {0};
    qk_status ks = qk_world_create(w, cfg, &p->registry, &qb_allocator, &d);
    if (ks != QK_OK)
        *err = qb_kernel_error(NAME, "qk_world_create", ks, &d);
    return ks;
}

/* How timed_edit lights an edit: as the step does (a transaction: work
 * into an overlay, validate, commit), or the same propagation written
 * straight into the columns - the baseline the transaction overhead is
 * measured against. */
static bool in_place;

/* One timed edit through the step's path (qk__world_edit: set the block
 * and begin its transaction, then the light phase commits it);
 * microseconds, or -1 on failure.  *prev (may be NULL) gets the block it
 * replaced. */
static double timed_edit(qk_world *w, int32_t x, int32_t y, int32_t z, qk_block_id id,
                         qk_block_id *prev)
{
    uint64_t t0 = qb_now_ns();
    qk_status ks = qk__world_edit(w, x, y, z, id, prev, 1, QK_CAUSE_PLACE);
    if (ks == QK_OK && in_place) {
        for (uint32_t i = 0; ks == QK_OK && i < w->n_txns; i++)
            ks = qk__light_exec(w, &w->txns[i], &w->scratch, true);
        w->n_txns = 0;
    } else if (ks == QK_OK) {
        ks = qk__txn_commit_all(w, NULL, 0);
    }
    uint64_t t1 = qb_now_ns();
    return ks == QK_OK ? (double)(t1 - t0) / 1e3 : -1.0;
}

static double median_of(double *v, size_t n)
{
    qb_sort(v, n);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* ---- chunk_relight ------------------------------------------------------ */

#define INTERIOR (QB_CHUNK_MAX - QB_CHUNK_MIN - 1) /* 14 columns a side */

static json_t *chunk_relight(const qb_opts *o, const qr_pack *p)
{
    char why[1100];
    qk_world_config cfg;
    if (!qb_terrain_config(p, &cfg, why, sizeof why))
        return qb_error(NAME, "%s", why);
    json_t *out = NULL;
    qk_world *w = NULL;
    unsigned runs = o->runs;
    size_t n = (size_t)INTERIOR * INTERIOR;
    double *sample = calloc(n, sizeof *sample);
    double *p50 = calloc(runs, sizeof *p50), *p99 = calloc(runs, sizeof *p99),
           *mean = calloc(runs, sizeof *mean), *max = calloc(runs, sizeof *max),
           *all_ms = calloc(runs, sizeof *all_ms);
    if (!sample || !p50 || !p99 || !mean || !max || !all_ms) {
        out = qb_error(NAME, "out of memory");
        goto done;
    }
    if (create(&cfg, p, &w, &out) != QK_OK)
        goto done;
    for (unsigned run = 0; run < runs; run++) {
        size_t k = 0;
        double sum = 0;
        for (int32_t cx = QB_CHUNK_MIN + 1; cx < QB_CHUNK_MAX; cx++)
            for (int32_t cz = QB_CHUNK_MIN + 1; cz < QB_CHUNK_MAX; cz++) {
                uint64_t t0 = qb_now_ns();
                qk_status ks = qk__light_relight_chunk(w, cx, cz);
                uint64_t t1 = qb_now_ns();
                if (ks != QK_OK) {
                    out = qb_kernel_error(NAME, "qk__light_relight_chunk", ks, NULL);
                    goto done;
                }
                sample[k] = (double)(t1 - t0) / 1e3;
                sum += sample[k++];
            }
        qb_sort(sample, n);
        p50[run] = qb_percentile(sample, n, 50);
        p99[run] = qb_percentile(sample, n, 99);
        max[run] = sample[n - 1];
        mean[run] = sum / (double)n;
        uint64_t t0 = qb_now_ns();
        qk_status ks = qk__light_relight_all(w);
        uint64_t t1 = qb_now_ns();
        if (ks != QK_OK) {
            out = qb_kernel_error(NAME, "qk__light_relight_all", ks, NULL);
            goto done;
        }
        all_ms[run] = (double)(t1 - t0) / 1e6;
        qb_progress(NAME, "chunk_relight run %u/%u: p50 %.1f us, p99 %.1f us, world %.2f ms",
                    run + 1, runs, p50[run], p99[run], all_ms[run]);
    }
    out = json_object();
    json_object_set_new(out, "world", json_string("terrain 16x16"));
    json_object_set_new(out, "chunks_timed", json_integer((json_int_t)n));
    json_object_set_new(out, "p50_us", qb_summary(p50, runs, 1));
    json_object_set_new(out, "p99_us", qb_summary(p99, runs, 1));
    json_object_set_new(out, "max_us", qb_summary(max, runs, 1));
    json_object_set_new(out, "mean_us", qb_summary(mean, runs, 1));
    json_object_set_new(out, "target_p50_us", json_integer(TARGET_CHUNK_P50_US));
    json_object_set_new(out, "target_p99_us", json_integer(TARGET_CHUNK_P99_US));
    json_object_set_new(out, "world_relight_ms", qb_summary(all_ms, runs, 3));
    json_object_set_new(out, "world_chunks", json_integer(qk_chunk_count(w)));
done:
    qk_world_destroy(w);
    free(sample);
    free(p50);
    free(p99);
    free(mean);
    free(max);
    free(all_ms);
    return out;
}

/* ---- source ------------------------------------------------------------- */

/* Places `id` at the SPOTS spots and removes it again, one spot at a time;
 * medians of the place and remove times into *place, *remove. */
static bool place_remove(qk_world *w, qk_block_id id, double *buf, double *place,
                         double *remove)
{
    double *rm = buf + SPOTS;
    for (int i = 0; i < SPOTS; i++) {
        /* 16 x 16 spots, 15 apart: one per column, never at the same
         * offset in it, all inside the rectangle's interior. */
        int32_t x = -120 + (i % 16) * 15, z = -120 + (i / 16) * 15;
        buf[i] = timed_edit(w, x, SOURCE_Y, z, id, NULL);
        rm[i] = timed_edit(w, x, SOURCE_Y, z, QK_BLOCK_AIR, NULL);
        if (buf[i] < 0 || rm[i] < 0)
            return false;
    }
    *place = median_of(buf, SPOTS);
    *remove = median_of(rm, SPOTS);
    return true;
}

static json_t *source(const qb_opts *o, const qr_pack *p, const ids *b)
{
    char why[1100];
    qk_world_config cfg;
    if (!qb_superflat_config(p, &cfg, why, sizeof why))
        return qb_error(NAME, "%s", why);
    unsigned runs = o->runs;
    json_t *out = NULL;
    double *buf = calloc(2 * SPOTS, sizeof *buf);
    double *fig[8];
    bool oom = !buf;
    for (int i = 0; i < 8; i++)
        oom |= !(fig[i] = calloc(runs, sizeof *fig[i]));
    if (oom) {
        out = qb_error(NAME, "out of memory");
        goto done;
    }
    for (unsigned run = 0; run < runs; run++) {
        qk_world *w = NULL;
        if (create(&cfg, p, &w, &out) != QK_OK)
            goto done;
        bool ok = place_remove(w, b->glowstone, buf, &fig[0][run], &fig[1][run]) &&
                  place_remove(w, b->glowstone, buf, &fig[2][run], &fig[3][run]) &&
                  place_remove(w, b->torch, buf, &fig[4][run], &fig[5][run]);
        qk_world_destroy(w);
        w = NULL;
        /* The same cold edits written in place: what the transaction
         * (overlay copies, validation, commit) adds on top. */
        ok = ok && create(&cfg, p, &w, &out) == QK_OK;
        in_place = true;
        ok = ok && place_remove(w, b->glowstone, buf, &fig[6][run], &fig[7][run]);
        in_place = false;
        qk_world_destroy(w);
        if (!ok) {
            out = qb_error(NAME, "source: an edit failed");
            goto done;
        }
        qb_progress(NAME, "source run %u/%u: place %.2f us, remove %.2f us (warm %.2f / %.2f)",
                    run + 1, runs, fig[0][run], fig[1][run], fig[2][run], fig[3][run]);
    }
    out = json_object();
    json_object_set_new(out, "block", json_string("glowstone"));
    json_object_set_new(out, "spots", json_integer(SPOTS));
    json_object_set_new(out, "place_us", qb_summary(fig[0], runs, 2));
    json_object_set_new(out, "remove_us", qb_summary(fig[1], runs, 2));
    json_object_set_new(out, "place_warm_us", qb_summary(fig[2], runs, 2));
    json_object_set_new(out, "remove_warm_us", qb_summary(fig[3], runs, 2));
    json_object_set_new(out, "torch_place_us", qb_summary(fig[4], runs, 2));
    json_object_set_new(out, "torch_remove_us", qb_summary(fig[5], runs, 2));
    json_object_set_new(out, "target_place_us", json_integer(TARGET_PLACE_US));
    json_object_set_new(out, "target_remove_us", json_integer(TARGET_REMOVE_US));
    json_object_set_new(out, "place_in_place_us", qb_summary(fig[6], runs, 2));
    json_object_set_new(out, "remove_in_place_us", qb_summary(fig[7], runs, 2));
    for (unsigned run = 0; run < runs; run++) /* overhead of the transaction, percent */
        fig[6][run] = 100.0 * ((fig[0][run] + fig[1][run]) / (fig[6][run] + fig[7][run]) - 1.0);
    json_object_set_new(out, "txn_overhead_pct", qb_summary(fig[6], runs, 1));
    json_object_set_new(out, "target_txn_overhead_pct", json_integer(TARGET_TXN_OVERHEAD_PCT));
done:
    free(buf);
    for (int i = 0; i < 8; i++)
        free(fig[i]);
    return out;
}

/* ---- box_roof ----------------------------------------------------------- */

static bool is_shell(int32_t x, int32_t y, int32_t z)
{
    return x == BOX_MIN || x == BOX_MAX || z == BOX_MIN || z == BOX_MAX || y == 0 ||
           y == QK_CHUNK_H - 1;
}

/* Times breaking (to air) or closing (to stone) every interior roof block,
 * in row order; milliseconds, or -1 on failure. */
static double whole_roof(qk_world *w, qk_block_id id)
{
    uint64_t t0 = qb_now_ns();
    for (int32_t x = BOX_MIN + 1; x < BOX_MAX; x++)
        for (int32_t z = BOX_MIN + 1; z < BOX_MAX; z++)
            if (timed_edit(w, x, QK_CHUNK_H - 1, z, id, NULL) < 0)
                return -1;
    return (double)(qb_now_ns() - t0) / 1e6;
}

static json_t *box_roof(const qb_opts *o, const qr_pack *p, const ids *b)
{
    qk_world_config cfg;
    char why[1100];
    if (!qb_superflat_config(p, &cfg, why, sizeof why))
        return qb_error(NAME, "%s", why);
    cfg.generator = QK_GEN_EMPTY;
    cfg.layer_count = 0;
    unsigned runs = o->runs;
    json_t *out = NULL;
    qk_world *w = NULL;
    double *fig[4];
    bool oom = false;
    for (int i = 0; i < 4; i++)
        oom |= !(fig[i] = calloc(runs, sizeof *fig[i]));
    if (oom) {
        out = qb_error(NAME, "out of memory");
        goto done;
    }
    if (create(&cfg, p, &w, &out) != QK_OK)
        goto done;
    for (int32_t x = BOX_MIN; x <= BOX_MAX; x++)
        for (int32_t z = BOX_MIN; z <= BOX_MAX; z++)
            for (int32_t y = 0; y < QK_CHUNK_H; y++)
                if (is_shell(x, y, z) && qk__world_set(w, x, y, z, b->stone, NULL) != QK_OK) {
                    out = qb_error(NAME, "box_roof: building the box failed");
                    goto done;
                }
    qk_status ks = qk__light_relight_all(w);
    if (ks != QK_OK) {
        out = qb_kernel_error(NAME, "qk__light_relight_all", ks, NULL);
        goto done;
    }
    const int32_t mid = (BOX_MIN + BOX_MAX) / 2;
    for (unsigned run = 0; run < runs; run++) {
        double open = timed_edit(w, mid, QK_CHUNK_H - 1, mid, QK_BLOCK_AIR, NULL);
        double close = timed_edit(w, mid, QK_CHUNK_H - 1, mid, b->stone, NULL);
        double layer_open = whole_roof(w, QK_BLOCK_AIR);
        double layer_close = whole_roof(w, b->stone);
        if (open < 0 || close < 0 || layer_open < 0 || layer_close < 0) {
            out = qb_error(NAME, "box_roof: an edit failed");
            goto done;
        }
        fig[0][run] = open / 1e3;
        fig[1][run] = close / 1e3;
        fig[2][run] = layer_open;
        fig[3][run] = layer_close;
        qb_progress(NAME, "box_roof run %u/%u: break %.3f ms, close %.3f ms, roof %.1f / %.1f ms",
                    run + 1, runs, fig[0][run], fig[1][run], fig[2][run], fig[3][run]);
    }
    out = json_object();
    json_object_set_new(out, "box", json_string("32x256x32 stone, 30x254x30 inside"));
    json_object_set_new(out, "break_one_ms", qb_summary(fig[0], runs, 3));
    json_object_set_new(out, "close_one_ms", qb_summary(fig[1], runs, 3));
    json_object_set_new(out, "roof_blocks", json_integer((BOX_MAX - BOX_MIN - 1) *
                                                         (BOX_MAX - BOX_MIN - 1)));
    json_object_set_new(out, "break_roof_ms", qb_summary(fig[2], runs, 2));
    json_object_set_new(out, "close_roof_ms", qb_summary(fig[3], runs, 2));
    json_object_set_new(out, "target_ms", json_integer(TARGET_ROOF_MS));
done:
    qk_world_destroy(w);
    for (int i = 0; i < 4; i++)
        free(fig[i]);
    return out;
}

/* ---- random_edits ------------------------------------------------------- */

typedef struct edit {
    int32_t x, y, z;
    qk_block_id id;
} edit;

/* The run's edits, drawn from a fixed seed against the new world's surface
 * (the heights are read before timing starts). */
static void draw_edits(const qk_world *w, const qr_pack *p, const ids *b, edit *e)
{
    const qk_block_id mix[] = {b->air,   b->air,   b->air,  b->air,       b->stone,
                               b->stone, b->stone, b->glass, b->torch,    b->torch,
                               b->torch, b->glowstone, b->lamp};
    const int32_t lo = (QB_CHUNK_MIN + 1) * 16, span = INTERIOR * 16;
    uint64_t s = UINT64_C(0x11647);
    for (int i = 0; i < EDITS; i++) {
        int32_t x = lo + (int32_t)(splitmix(&s) % (uint64_t)span);
        int32_t z = lo + (int32_t)(splitmix(&s) % (uint64_t)span);
        int32_t top = qb_top_solid(w, p, x, z);
        int32_t y = top + (int32_t)(splitmix(&s) % 7) - 3;
        e[i] = (edit){x, y < 1 ? 1 : y > 254 ? 254 : y, z,
                      mix[splitmix(&s) % (sizeof mix / sizeof mix[0])]};
    }
}

static json_t *random_edits(const qb_opts *o, const qr_pack *p, const ids *b)
{
    char why[1100];
    qk_world_config cfg;
    if (!qb_terrain_config(p, &cfg, why, sizeof why))
        return qb_error(NAME, "%s", why);
    unsigned runs = o->runs;
    json_t *out = NULL;
    edit *e = calloc(EDITS, sizeof *e);
    int noops = 0; /* edits that found the block already there (the same every run) */
    double *us = calloc(EDITS, sizeof *us);
    double *rate = calloc(runs, sizeof *rate), *p50 = calloc(runs, sizeof *p50),
           *p99 = calloc(runs, sizeof *p99), *rate_ip = calloc(runs, sizeof *rate_ip),
           *overhead = calloc(runs, sizeof *overhead);
    if (!e || !us || !rate || !p50 || !p99 || !rate_ip || !overhead) {
        out = qb_error(NAME, "out of memory");
        goto done;
    }
    for (unsigned run = 0; run < runs; run++) {
        for (int mode = 0; mode < 2; mode++) { /* 0: transactions, 1: in place */
            qk_world *w = NULL;
            if (create(&cfg, p, &w, &out) != QK_OK)
                goto done;
            draw_edits(w, p, b, e);
            in_place = mode == 1;
            uint64_t t0 = qb_now_ns();
            noops = 0;
            for (int i = 0; i < EDITS; i++) {
                qk_block_id prev = QK_BLOCK_NONE;
                us[i] = timed_edit(w, e[i].x, e[i].y, e[i].z, e[i].id, &prev);
                noops += prev == e[i].id;
                if (us[i] < 0) {
                    in_place = false;
                    qk_world_destroy(w);
                    out = qb_error(NAME, "random_edits: edit %d failed", i);
                    goto done;
                }
            }
            uint64_t t1 = qb_now_ns();
            in_place = false;
            qk_world_destroy(w);
            if (mode == 1) {
                rate_ip[run] = EDITS / ((double)(t1 - t0) / 1e9);
                overhead[run] = 100.0 * (rate_ip[run] / rate[run] - 1.0);
                continue;
            }
            rate[run] = EDITS / ((double)(t1 - t0) / 1e9);
            qb_sort(us, EDITS);
            p50[run] = qb_percentile(us, EDITS, 50);
            p99[run] = qb_percentile(us, EDITS, 99);
        }
        qb_progress(NAME, "random_edits run %u/%u: %.0f edits/s, p50 %.2f us, p99 %.2f us, "
                    "txn overhead %.1f%%", run + 1, runs, rate[run], p50[run], p99[run],
                    overhead[run]);
    }
    out = json_object();
    json_object_set_new(out, "world", json_string("terrain 16x16"));
    json_object_set_new(out, "edits", json_integer(EDITS));
    json_object_set_new(out, "unchanged_blocks", json_integer(noops));
    json_object_set_new(out, "edits_per_s", qb_summary(rate, runs, 0));
    json_object_set_new(out, "edit_p50_us", qb_summary(p50, runs, 2));
    json_object_set_new(out, "edit_p99_us", qb_summary(p99, runs, 2));
    json_object_set_new(out, "target_edits_per_s", json_integer(TARGET_EDITS_PER_S));
    json_object_set_new(out, "edits_per_s_in_place", qb_summary(rate_ip, runs, 0));
    json_object_set_new(out, "txn_overhead_pct", qb_summary(overhead, runs, 1));
    json_object_set_new(out, "target_txn_overhead_pct", json_integer(TARGET_TXN_OVERHEAD_PCT));
done:
    free(rate_ip);
    free(overhead);
    free(e);
    free(us);
    free(rate);
    free(p50);
    free(p99);
    return out;
}

/* ---- the benchmark ------------------------------------------------------ */

json_t *qb_light(const qb_opts *o)
{
    char why[1100];
    qr_pack *p = qb_load_pack(o, why, sizeof why);
    if (!p)
        return qb_error(NAME, "%s", why);
    ids b;
    if (!pack_ids(p, &b, why, sizeof why)) {
        qr_pack_free(p);
        return qb_error(NAME, "%s", why);
    }
    json_t *parts[4] = {chunk_relight(o, p), source(o, p, &b), box_roof(o, p, &b),
                        random_edits(o, p, &b)};
    static const char *const keys[4] = {"chunk_relight", "source", "box_roof", "random_edits"};
    json_t *out = json_object();
    json_t *err = NULL;
    for (int i = 0; i < 4; i++) {
        if (!err && json_object_get(parts[i], "error"))
            err = json_object_get(parts[i], "error");
        json_object_set_new(out, keys[i], parts[i]);
    }
    /* main.c marks the bench failed when its object holds "error". */
    if (err)
        json_object_set(out, "error", err);
    qr_pack_free(p);
    return out;
}
