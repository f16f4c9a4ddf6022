/*
 * bench_rules.c - rules: what an inventory op and a recipe match cost.
 *
 * inventory_op_ns  One survival player in a one-column world holds 18
 *                  stacks of 32 stone.  A timed tick carries OPS inventory
 *                  inputs, cycling split a->b, merge b->a, swap a<->b,
 *                  swap back over the 18 pairs (every op succeeds and the
 *                  inventory returns to where it started every 4 ops).  The
 *                  cost per op is (median tick with OPS ops - median tick
 *                  with none) / OPS, so the tick's fixed work (physics,
 *                  digests) is not charged to the ops.  Each op goes through
 *                  the real qk_step: ordering, dispatch, the rule, two
 *                  inventory_changed events to a counting sink.
 * recipe_match_ns  qk_craft_match against the default pack's recipes, over
 *                  a set of 3x3 grids: every recipe at every offset it fits
 *                  (mirrored too for shaped ones), and for each a near miss
 *                  (one ingredient swapped for another item).  Timed over
 *                  MATCHES calls per run.
 * Targets (issue 4): inventory op < 0.1 us, recipe match < 1 us (medians).
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define NAME "rules"
#define OPS 4096
#define TICKS 200
#define MATCHES 1000000
#define MAX_GRIDS 2048
#define TARGET_INV_NS 100
#define TARGET_MATCH_NS 1000

static void count_event(void *ud, const qk_event *ev)
{
    (void)ev;
    ++*(uint64_t *)ud;
}

static qk_input inv_input(uint64_t tick, uint32_t seq, qk_op op, uint8_t from, uint8_t to)
{
    qk_input in;
    memset(&in, 0, sizeof in);
    in.tick = tick;
    in.player = 1;
    in.seq = seq;
    in.op = op;
    in.u.inv.from = from;
    in.u.inv.to = to;
    return in;
}

/* Fills in[0..n) for `tick` with the split/merge/swap/swap cycle. */
static void fill_ops(qk_input *in, size_t n, uint64_t tick)
{
    static const qk_op cycle[4] = {QK_OP_INV_SPLIT, QK_OP_INV_MERGE, QK_OP_INV_SWAP,
                                   QK_OP_INV_SWAP};
    for (size_t i = 0; i < n; i++) {
        uint8_t a = (uint8_t)((i / 4) % 18), b = (uint8_t)(a + 18);
        qk_op op = cycle[i % 4];
        /* merge moves b back onto a; the swaps exchange a and b and back */
        in[i] = op == QK_OP_INV_MERGE ? inv_input(tick, (uint32_t)i, op, b, a)
                                      : inv_input(tick, (uint32_t)i, op, a, b);
    }
}

/* Median wall time of TICKS steps carrying n inventory ops each, in ns. */
static double tick_median_ns(qk_world *w, qk_input *in, size_t n, uint64_t *events,
                             json_t **err)
{
    double *t = malloc(TICKS * sizeof *t);
    if (!t) {
        *err = qb_error(NAME, "out of memory");
        return -1;
    }
    qk_sink sink = {count_event, events};
    for (unsigned k = 0; k < TICKS; k++) {
        fill_ops(in, n, qk_world_tick(w));
        qk_diag d = {0};
        uint64_t t0 = qb_now_ns();
        qk_status ks = qk_step(w, in, n, &sink, &d);
        t[k] = (double)(qb_now_ns() - t0);
        if (ks != QK_OK) {
            *err = qb_kernel_error(NAME, "qk_step", ks, &d);
            free(t);
            return -1;
        }
    }
    qb_sort(t, TICKS);
    double m = qb_percentile(t, TICKS, 50);
    free(t);
    return m;
}

static json_t *inventory_op(const qb_opts *o, const qr_pack *pack, qk_block_id stone,
                            uint64_t *events_out)
{
    qk_world_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.seed = QB_SEED;
    cfg.generator = QK_GEN_EMPTY;
    double *per_op = calloc(o->runs, sizeof *per_op);
    qk_input *in = calloc(OPS, sizeof *in);
    json_t *err = NULL;
    if (!per_op || !in) {
        err = qb_error(NAME, "out of memory");
        goto done;
    }
    for (unsigned run = 0; run < o->runs && !err; run++) {
        qk_world *w = NULL;
        qk_diag d = {0};
        qk_status ks = qk_world_create(&w, &cfg, &pack->registry, &qb_allocator, &d);
        if (ks != QK_OK) {
            err = qb_kernel_error(NAME, "qk_world_create", ks, &d);
            break;
        }
        qk_input join;
        memset(&join, 0, sizeof join);
        join.player = 1;
        join.op = QK_OP_JOIN;
        join.u.join.x = join.u.join.z = QK_FX_ONE * 8;
        join.u.join.y = QK_FX_ONE * 100;
        for (int s = 0; s < 18; s++)
            join.u.join.inv[s] = (qk_slot){stone, 32};
        ks = qk_step(w, &join, 1, NULL, &d);
        if (ks != QK_OK) {
            err = qb_kernel_error(NAME, "qk_step (join)", ks, &d);
            qk_world_destroy(w);
            break;
        }
        uint64_t ev_empty = 0, ev_ops = 0;
        double base = tick_median_ns(w, in, 0, &ev_empty, &err);
        double full = err ? 0 : tick_median_ns(w, in, OPS, &ev_ops, &err);
        per_op[run] = (full - base) / OPS;
        if (run == 0)
            *events_out = ev_ops - ev_empty;
        qk_world_destroy(w);
    }
    if (err)
        goto done;
    json_t *out = qb_summary(per_op, o->runs, 1);
    free(per_op);
    free(in);
    return out;
done:
    free(per_op);
    free(in);
    return err;
}

/* Puts recipe r into a 3x3 grid at (dr, dc), mirrored or not; false if it
 * does not fit. */
static bool place_recipe(const qk_recipe *r, int dr, int dc, bool mirror, qk_item_id g[9])
{
    memset(g, 0, 9 * sizeof g[0]);
    if (!r->shaped) {
        if (dr || dc || mirror)
            return false;
        for (int i = 0; i < r->n_in; i++)
            g[i] = r->in[i];
        return true;
    }
    if (dr + r->h > 3 || dc + r->w > 3)
        return false;
    for (int y = 0; y < r->h; y++)
        for (int x = 0; x < r->w; x++) {
            int sx = mirror ? r->w - 1 - x : x;
            g[(dr + y) * 3 + dc + x] = r->in[y * r->w + sx];
        }
    return true;
}

static json_t *recipe_match(const qb_opts *o, const qr_pack *pack, size_t *n_grids_out,
                            long *hits_out)
{
    qk_world_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.seed = QB_SEED;
    cfg.generator = QK_GEN_EMPTY;
    qk_world *w = NULL;
    qk_diag d = {0};
    qk_status ks = qk_world_create(&w, &cfg, &pack->registry, &qb_allocator, &d);
    if (ks != QK_OK)
        return qb_kernel_error(NAME, "qk_world_create", ks, &d);
    qk_item_id(*grids)[9] = malloc(MAX_GRIDS * sizeof *grids);
    double *ns = calloc(o->runs, sizeof *ns);
    if (!grids || !ns) {
        free(grids);
        free(ns);
        qk_world_destroy(w);
        return qb_error(NAME, "out of memory");
    }
    size_t n = 0;
    for (uint32_t i = 0; i < qk_recipe_count(w); i++) {
        const qk_recipe *r = qk_recipe_at(w, i);
        for (int v = 0; v < 18 && n + 2 <= MAX_GRIDS; v++) {
            if (!place_recipe(r, v / 6, (v / 2) % 3, v % 2, grids[n]))
                continue;
            memcpy(grids[n + 1], grids[n], sizeof grids[n]);
            for (int c = 0; c < 9; c++) /* the near miss: first ingredient changed */
                if (grids[n + 1][c]) {
                    grids[n + 1][c] = grids[n + 1][c] == r->out ? 1 : r->out;
                    break;
                }
            n += 2;
        }
    }
    long hits = 0;
    for (unsigned run = 0; run < o->runs; run++) {
        hits = 0;
        uint64_t t0 = qb_now_ns();
        for (long k = 0; k < MATCHES; k++)
            hits += qk_craft_match(w, grids[(size_t)k % n], 3, true) >= 0;
        ns[run] = (double)(qb_now_ns() - t0) / MATCHES;
    }
    json_t *out = qb_summary(ns, o->runs, 1);
    *n_grids_out = n;
    *hits_out = hits;
    free(grids);
    free(ns);
    qk_world_destroy(w);
    return out;
}

json_t *qb_rules(const qb_opts *o)
{
    char why[1100];
    qr_pack *pack = qb_load_pack(o, why, sizeof why);
    if (!pack)
        return qb_error(NAME, "%s", why);
    qk_block_id stone;
    if (!qr_pack_lookup(pack, "stone", &stone) || pack->recipe_count == 0) {
        qr_pack_free(pack);
        return qb_error(NAME, "the default pack needs \"stone\" and recipes");
    }
    qb_progress(NAME, "inventory ops, %d per tick", OPS);
    uint64_t events = 0;
    json_t *inv = inventory_op(o, pack, stone, &events);
    qb_progress(NAME, "recipe matching");
    size_t grids = 0;
    long hits = 0;
    json_t *match = recipe_match(o, pack, &grids, &hits);
    if (json_object_get(inv, "error") || json_object_get(match, "error")) {
        json_t *e = json_incref(json_object_get(inv, "error") ? inv : match);
        json_decref(inv);
        json_decref(match);
        qr_pack_free(pack);
        return e;
    }
    json_t *out = json_object();
    json_object_set_new(out, "inventory_op_ns", inv);
    json_object_set_new(out, "inventory_ops_per_tick", json_integer(OPS));
    json_object_set_new(out, "inventory_events_per_tick", json_integer((json_int_t)(events / TICKS)));
    json_object_set_new(out, "target_inventory_op_ns", json_integer(TARGET_INV_NS));
    json_object_set_new(out, "recipe_match_ns", match);
    json_object_set_new(out, "recipes", json_integer(pack->recipe_count));
    json_object_set_new(out, "match_grids", json_integer((json_int_t)grids));
    json_object_set_new(out, "match_hits_per_run", json_integer(hits));
    json_object_set_new(out, "target_recipe_match_ns", json_integer(TARGET_MATCH_NS));
    qr_pack_free(pack);
    return out;
}
