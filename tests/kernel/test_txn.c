/*
 * test_txn.c - edit transactions (txn.h): isolation, atomic commits,
 * versioned reads, validation and redo, Morton order, worker-count
 * independence, scratch starvation, undo, history and snapshots.
 *
 * Worker pools here are deterministic stand-ins that run the tasks on the
 * test's thread in a chosen order and with a chosen worker assignment:
 * what matters to the kernel is that tasks run against an unchanging
 * state and each worker index has its own scratch, not which OS thread
 * runs them.  Real threads are exercised end to end by the determinism
 * test (every scenario with --threads 1, 2 and 4).
 */
#include <stdio.h>

#include "light_fixture.h"
#include "txn.h"

/* ---- stand-in pools ---------------------------------------------------- */

typedef struct fake_pool {
    uint32_t count;
    bool reverse; /* run the tasks last to first */
    uint32_t calls, tasks;
} fake_pool;

static void fake_run(void *ud, uint32_t n, qk_task_fn task, void *arg)
{
    fake_pool *p = ud;
    p->calls++;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = p->reverse ? n - 1 - k : k;
        task(arg, i, (i * 7u) % p->count);
        p->tasks++;
    }
}

static qk_workers workers_of(fake_pool *p)
{
    qk_workers wk = {p->count, fake_run, p};
    return wk;
}

/* ---- a recorder that hashes every field of every event ----------------- */

typedef struct tape {
    uint64_t h;
    uint64_t n, commits;
    qk_event last_commit;
} tape;

static void mix(tape *t, uint64_t v)
{
    t->h = (t->h ^ v) * UINT64_C(0x100000001B3);
}

static void tape_fn(void *ud, const qk_event *ev)
{
    tape *t = ud;
    t->n++;
    mix(t, ev->tick);
    mix(t, (uint64_t)ev->type);
    if (ev->type == QK_EV_LIGHT_COMMIT) {
#define c (&ev->u.commit)
        t->commits++;
        t->last_commit = *ev;
        mix(t, c->txn);
        mix(t, c->player);
        mix(t, (uint64_t)c->cause);
        mix(t, (uint64_t)(uint32_t)c->x);
        mix(t, (uint64_t)(uint32_t)c->y);
        mix(t, (uint64_t)(uint32_t)c->z);
        for (uint32_t i = 0; i < c->n_chunks; i++) {
            mix(t, (uint64_t)(uint32_t)c->chunks[i].cx);
            mix(t, (uint64_t)(uint32_t)c->chunks[i].cz);
            mix(t, c->chunks[i].geometry);
            mix(t, c->chunks[i].light);
        }
#undef c
    } else if (ev->type == QK_EV_DIGEST) {
        for (int s = 0; s < QK_SUB__COUNT; s++)
            mix(t, ev->u.digest.sub[s]);
        mix(t, ev->u.digest.chain);
    }
}

/* ---- 1. Morton order ---------------------------------------------------- */

static void morton(void)
{
    CHECK(qk__morton(0, 0) == UINT64_C(0xC000000000000000));
    CHECK(qk__morton(1, 0) == UINT64_C(0xC000000000000001));
    CHECK(qk__morton(0, 1) == UINT64_C(0xC000000000000002));
    CHECK(qk__morton(-1, -1) == UINT64_C(0x3FFFFFFFFFFFFFFF));
    CHECK(qk__morton(0, -1) < qk__morton(-1, 0)); /* cz holds the high bit of each pair */
    CHECK(qk__morton(2, 3) < qk__morton(3, 3));
}

/* ---- 2. generation is transactions -------------------------------------- */

static void generation(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a);
    CHECK(qk_txn_next(w) == 1 + qk_chunk_count(w)); /* 16 columns: ids 1..16 */
    CHECK_INT(qk_txn_pending(w), 0);
    qk_txn_record h[QK_TXN_HISTORY];
    /* (-2, -2) is the first column in key order: txn 1 generated it; its
     * neighbours' generation did not change its light (open sky). */
    uint32_t n = qk_txn_history(w, -2, -2, h);
    CHECK(n >= 1);
    CHECK(h[n - 1].txn == 1);
    CHECK_INT(h[n - 1].cause, QK_CAUSE_GENERATE);
    CHECK(h[0].tick == 0 && h[0].player == 0);
    qk_chunk_revs r;
    CHECK_INT(qk_chunk_revisions(w, -2, -2, &r), QK_OK);
    CHECK(r.geometry == 1 && r.light >= 1);
    CHECK_INT(qk_txn_history(w, 9, 9, h), 0); /* unloaded */
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- 3. isolation, atomic commit, versioned reads ----------------------- */

typedef struct corner_probe {
    qk_world *w;
    uint64_t light_rev_before[4];
    int block_events, commit_events;
    int pre_bad, post_bad, stale_bad;
    qk_event commit;
} corner_probe;

static const int32_t corner_cols[4][2] = {{-1, -1}, {-1, 0}, {0, -1}, {0, 0}};

/* The torch at (0, G, 0) lights all four columns around the origin; a
 * reader that looks at them during the step sees none of that light while
 * the block is already there (the block event is emitted before the light
 * phase), and all of it at the commit event. */
static void corner_sink(void *ud, const qk_event *ev)
{
    corner_probe *p = ud;
    const int32_t y = FX_GROUND;
    if (ev->type == QK_EV_BLOCK) {
        p->block_events++;
        qk_block_id b;
        CHECK_INT(qk_block_at(p->w, 0, y, 0, &b), QK_OK);
        CHECK_INT(b, B_TORCH);
        p->pre_bad += BLK(p->w, 0, y, 0) != 0;
        p->pre_bad += BLK(p->w, -1, y, -1) != 0;
        p->pre_bad += BLK(p->w, -1, y, 0) != 0;
        p->pre_bad += BLK(p->w, 0, y, -1) != 0;
    } else if (ev->type == QK_EV_LIGHT_COMMIT) {
        p->commit_events++;
        p->commit = *ev;
        p->post_bad += BLK(p->w, 0, y, 0) != 14;
        p->post_bad += BLK(p->w, -1, y, -1) != 12;
        p->post_bad += BLK(p->w, -1, y, 0) != 13;
        p->post_bad += BLK(p->w, 0, y, -1) != 13;
        p->post_bad += BLK(p->w, 5, y, 5) != 4;
        /* Versioned reads: the revision each column had before the commit
         * is stale now; the one the event names gives the new light. */
        static uint8_t buf[QK_CHUNK_LIGHT_BYTES];
        for (int k = 0; k < 4; k++) {
            p->stale_bad += qk_light_read(p->w, corner_cols[k][0], corner_cols[k][1],
                                          p->light_rev_before[k], buf) != QK_ERR_STALE;
        }
        const qk_commit_chunk *cc = &ev->u.commit.chunks[0];
        for (uint32_t i = 0; i < ev->u.commit.n_chunks; i++, cc++) {
            p->stale_bad += qk_light_read(p->w, cc->cx, cc->cz, cc->light, buf) != QK_OK;
            if (cc->cx == 0 && cc->cz == 0) {
                /* block channel, section 0, voxel (0, G, 0) */
                uint32_t v = (uint32_t)(FX_GROUND & 15) << 8;
                uint8_t lvl = (buf[QK_SECTIONS * 2048 + v / 2] >> ((v & 1) * 4)) & 15;
                CHECK_INT(lvl, 14);
            }
        }
    }
}

static void atomic_commit(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a);
    corner_probe p = {.w = w};
    qk_sink sink = {corner_sink, &p};
    qk_input in[2] = {fx_join(0, 1, 2, FX_GROUND, 2)};
    CHECK_INT(qk_step(w, in, 1, &sink, NULL), QK_OK);
    for (int k = 0; k < 4; k++) {
        qk_chunk_revs r;
        CHECK_INT(qk_chunk_revisions(w, corner_cols[k][0], corner_cols[k][1], &r), QK_OK);
        p.light_rev_before[k] = r.light;
    }
    uint64_t id = qk_txn_next(w);
    in[0] = fx_op(1, 1, 1, QK_OP_SELECT);
    in[0].u.select.slot = 2;
    in[1] = fx_op(1, 1, 2, QK_OP_PLACE);
    in[1].u.place.x = 0;
    in[1].u.place.y = FX_GROUND - 1;
    in[1].u.place.z = 0;
    in[1].u.place.face = QK_FACE_UP;
    CHECK_INT(qk_step(w, in, 2, &sink, NULL), QK_OK);
    CHECK_INT(p.block_events, 1);
    CHECK_INT(p.commit_events, 1);
    CHECK_INT(p.pre_bad, 0);
    CHECK_INT(p.post_bad, 0);
    CHECK_INT(p.stale_bad, 0);
#define c (&p.commit.u.commit)
    CHECK(c->txn == id);
    CHECK_INT(c->player, 1);
    CHECK_INT(c->cause, QK_CAUSE_PLACE);
    CHECK(c->x == 0 && c->y == FX_GROUND && c->z == 0);
    /* Torch light (14) reaches x, z in -13..13: the four columns around the
     * origin, listed in Morton order. */
    CHECK_INT(c->n_chunks, 4);
    for (uint32_t i = 1; i < c->n_chunks; i++)
        CHECK(qk__morton(c->chunks[i - 1].cx, c->chunks[i - 1].cz) <
              qk__morton(c->chunks[i].cx, c->chunks[i].cz));
    for (uint32_t i = 0; i < c->n_chunks; i++) {
        qk_chunk_revs r;
        CHECK_INT(qk_chunk_revisions(w, c->chunks[i].cx, c->chunks[i].cz, &r), QK_OK);
        CHECK(r.light == c->chunks[i].light && r.geometry == c->chunks[i].geometry);
    }
#undef c
    qk_txn_record h[QK_TXN_HISTORY];
    CHECK(qk_txn_history(w, 0, 0, h) >= 1);
    CHECK(h[0].txn == id && h[0].tick == 1 && h[0].cause == QK_CAUSE_PLACE && h[0].player == 1);
    uint8_t buf[8];
    CHECK_INT(qk_light_read(w, 7, 7, 0, buf), QK_ERR_RANGE);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* An executed transaction has not touched the world: its light is in the
 * overlay until it commits. */
static void isolation(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a);
    uint64_t before[16], during[16], after[16];
    digests_of(w, before);
    edit_only(w, 3, FX_GROUND, 3, B_TORCH);
    CHECK_INT(qk_txn_pending(w), 1);
    qk__txn *t = &w->txns[0];
    CHECK_INT(qk__light_exec(w, t, &w->scratch, false), QK_OK);
    t->executed = true;
    digests_of(w, during);
    CHECK(memcmp(before, during, sizeof before) == 0);
    CHECK_INT(BLK(w, 3, FX_GROUND, 3), 0);
    commit_all(w);
    digests_of(w, after);
    CHECK(memcmp(before, after, sizeof before) != 0);
    CHECK_INT(BLK(w, 3, FX_GROUND, 3), 14);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- 4. validation: stale work is redone -------------------------------- */

/* Executes all pending transactions against the same state (as workers
 * would), then commits: the second of two overlapping ones read light the
 * first changed, so it must be redone; the result equals serial work. */
static void stale_redo(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a), *serial = make(&cfg, &a);
    fake_pool pool = {2, false, 0, 0};
    qk_workers wk = workers_of(&pool);
    CHECK_INT(qk_world_set_workers(w, &wk), QK_OK);
    /* Overlapping: torches 3 apart, the first lighting only column
     * (-2, -2), which the second one's region reads; the third in column
     * (1, 1), whose region (columns 0..2) shares nothing with theirs. */
    const int32_t spots[3][3] = {{-30, FX_GROUND, -30}, {-27, FX_GROUND, -30}, {28, FX_GROUND, 28}};
    for (int i = 0; i < 3; i++) {
        edit_only(w, spots[i][0], spots[i][1], spots[i][2], B_TORCH);
        edit_only(serial, spots[i][0], spots[i][1], spots[i][2], B_TORCH);
    }
    tape tw = {0}, ts = {0};
    qk_sink sw = {tape_fn, &tw}, ss = {tape_fn, &ts};
    CHECK_INT(qk__txn_commit_all(w, &sw, 0), QK_OK);
    CHECK_INT(qk__txn_commit_all(serial, &ss, 0), QK_OK);
    CHECK_INT(pool.calls, 1);
    CHECK_INT(pool.tasks, 3);
    CHECK(w->txn_redone == 1); /* only the second torch */
    CHECK(serial->txn_redone == 0);
    CHECK(tw.h == ts.h && tw.commits == 3);
    CHECK_INT(diff_digests(w, serial), 0);
    CHECK_INT(BLK(w, -27, FX_GROUND, -30), 14);
    CHECK_INT(BLK(w, -29, FX_GROUND, -30), 13);

    /* Geometry moved under an executed transaction: stale too. */
    edit_only(w, 10, FX_GROUND, 10, B_TORCH);
    qk__txn *t = &w->txns[0];
    CHECK_INT(qk__light_exec(w, t, &w->scratch, false), QK_OK);
    t->executed = true;
    CHECK_INT(qk__world_set(w, 10, FX_GROUND + 1, 10, B_STONE, NULL), QK_OK);
    qk__world_chunk(w, 0, 0)->light.geometry_rev++;
    uint64_t redone = w->txn_redone;
    commit_all(w);
    CHECK(w->txn_redone == redone + 1);
    qk_world_destroy(w);
    qk_world_destroy(serial);
    CHECK_INT(a.live, 0);
}

/* ---- 5. worker count and scheduling never change the output ------------ */

/* A seeded storm of ticks with 1..40 edits each, clustered so that many
 * transactions of a tick overlap; the light phase runs with the given
 * pool (NULL: serial).  Returns the event tape; *w_out keeps the world. */
static tape storm_with(fake_pool *pool, qk_world **w_out, fx_alloc *a, uint64_t seed)
{
    static const qk_block_id mix_ids[] = {B_AIR, B_AIR, B_AIR, B_STONE, B_STONE, B_GLASS,
                                          B_TORCH, B_LANTERN, B_GLOW};
    qk_world_config cfg = deep_config();
    qk_world *w = make(&cfg, a);
    if (pool) {
        qk_workers wk = workers_of(pool);
        CHECK_INT(qk_world_set_workers(w, &wk), QK_OK);
    }
    tape t = {0};
    qk_sink sink = {tape_fn, &t};
    uint64_t s = seed;
    for (int tick = 0; tick < 60; tick++) {
        int n = 1 + (int)(splitmix(&s) % 40);
        int32_t cx = in_range(&s, -28, 27), cz = in_range(&s, -28, 27);
        for (int i = 0; i < n; i++) {
            bool far = splitmix(&s) % 4 == 0;
            int32_t x = far ? in_range(&s, -32, 31) : cx + in_range(&s, -4, 4);
            int32_t z = far ? in_range(&s, -32, 31) : cz + in_range(&s, -4, 4);
            x = x < -32 ? -32 : x > 31 ? 31 : x;
            z = z < -32 ? -32 : z > 31 ? 31 : z;
            int32_t y = in_range(&s, DEEP_GROUND - 6, DEEP_GROUND + 6);
            qk_block_id id = mix_ids[splitmix(&s) % (sizeof mix_ids / sizeof mix_ids[0])];
            CHECK_INT(qk__world_edit(w, x, y, z, id, NULL, 1 + (uint32_t)(i % 3), QK_CAUSE_PLACE),
                      QK_OK);
        }
        CHECK_INT(qk__txn_commit_all(w, &sink, (uint64_t)tick), QK_OK);
        uint64_t d[16];
        digests_of(w, d);
        for (int k = 0; k < 16; k++)
            mix(&t, d[k]);
    }
    *w_out = w;
    return t;
}

static void worker_independence(void)
{
    fx_alloc a = {-1, 0, 0};
    fake_pool pools[] = {{1, false, 0, 0}, {2, false, 0, 0}, {4, true, 0, 0}, {3, true, 0, 0}};
    for (uint64_t seed = 1; seed <= 3; seed++) {
        qk_world *ref = NULL;
        tape t0 = storm_with(NULL, &ref, &a, seed);
        CHECK(t0.commits > 100);
        for (size_t k = 0; k < sizeof pools / sizeof pools[0]; k++) {
            qk_world *w = NULL;
            tape t = storm_with(&pools[k], &w, &a, seed);
            CHECK(t.h == t0.h);
            CHECK(t.commits == t0.commits);
            CHECK(w->txn_redone > 0); /* overlapping work really was redone */
            CHECK_INT(diff_digests(w, ref), 0);
            qk_world_destroy(w);
        }
        /* Batched edits of a tick still reach the unique fixed point. */
        qk_world *scratch = make(qk_world_config_of(ref), &a);
        for (int32_t x = -32; x < 32; x++)
            for (int32_t z = -32; z < 32; z++)
                for (int32_t y = DEEP_GROUND - 6; y <= DEEP_GROUND + 6; y++) {
                    qk_block_id b;
                    CHECK_INT(qk_block_at(ref, x, y, z, &b), QK_OK);
                    CHECK_INT(qk__world_set(scratch, x, y, z, b, NULL), QK_OK);
                }
        same_as_scratch(ref, scratch, 0, "batched storm");
        qk_world_destroy(scratch);
        qk_world_destroy(ref);
    }
    CHECK(pools[0].calls > 0 && pools[3].tasks > 0);
    CHECK_INT(a.live, 0);
}

/* ---- 6. a worker short of scratch hands its work back ------------------ */

static void starved_worker(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = empty_config();
    qk_world *w = make(&cfg, &a), *serial = make(&cfg, &a);
    fake_pool pool = {2, false, 0, 0};
    qk_workers wk = workers_of(&pool);
    CHECK_INT(qk_world_set_workers(w, &wk), QK_OK);
    uint32_t first_fill = w->wblocks;
    /* Level-15 lanterns in open air high up: each fills sections of up
     * to 9 columns, more than a worker's first block stack holds. */
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 6; i++) {
            int32_t x = -28 + i * 11, y = 40 + round * 40 + i;
            edit_only(w, x, y, x, B_LANTERN);
            edit_only(serial, x, y, x, B_LANTERN);
        }
        CHECK_INT(qk__txn_commit_all(w, NULL, 0), QK_OK);
        CHECK_INT(qk__txn_commit_all(serial, NULL, 0), QK_OK);
        CHECK_INT(diff_digests(w, serial), 0);
    }
    CHECK(w->wblocks > first_fill); /* it grew after running short */
    CHECK(w->txn_redone > 0);
    CHECK_INT(diff_voxels(w, serial, "starved"), 0);
    CHECK_INT(qk_world_set_workers(w, NULL), QK_OK);
    qk_workers bad = {0, fake_run, &pool};
    CHECK_INT(qk_world_set_workers(w, &bad), QK_ERR_INVALID);
    bad.count = QK_MAX_WORKERS + 1;
    CHECK_INT(qk_world_set_workers(w, &bad), QK_ERR_INVALID);
    qk_world_destroy(w);
    qk_world_destroy(serial);
    CHECK_INT(a.live, 0);
}

/* ---- 7. undo is a compensating transaction ----------------------------- */

static qk_input place_at(uint64_t tick, uint32_t player, uint32_t seq, int32_t x, int32_t z)
{
    qk_input in = fx_op(tick, player, seq, QK_OP_PLACE);
    in.u.place.x = x;
    in.u.place.y = FX_GROUND - 1;
    in.u.place.z = z;
    in.u.place.face = QK_FACE_UP;
    return in;
}

static qk_input undo_of(uint64_t tick, uint32_t player, uint32_t seq, uint64_t txn)
{
    qk_input in = fx_op(tick, player, seq, QK_OP_UNDO);
    in.u.undo.txn = txn;
    return in;
}

static void undo(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a);
    fx_events *r = calloc(1, sizeof *r);
    qk_sink sink = {fx_record, r};
    qk_input in[3] = {fx_join(0, 1, 2, FX_GROUND, 2), fx_join(0, 2, -3, FX_GROUND, -3)};
    CHECK_INT(qk_step(w, in, 2, &sink, NULL), QK_OK);
    uint64_t base[16], now[16];
    digests_of(w, base);

    in[0] = fx_op(1, 1, 1, QK_OP_SELECT);
    in[0].u.select.slot = 2;
    in[1] = place_at(1, 1, 2, 1, 1); /* a torch */
    CHECK_INT(qk_step(w, in, 2, &sink, NULL), QK_OK);
    uint64_t torch_txn = r->ev[r->n - 2].u.commit.txn;
    CHECK_INT(r->ev[r->n - 2].type, QK_EV_LIGHT_COMMIT);
    CHECK_INT(BLK(w, 1, FX_GROUND, 1), 14);

    r->n = 0;
    in[0] = undo_of(2, 2, 1, torch_txn);      /* not player 2's */
    in[1] = undo_of(2, 1, 1, torch_txn + 99); /* no such transaction */
    CHECK_INT(qk_step(w, in, 2, &sink, NULL), QK_OK);
    CHECK_INT(fx_count(r, QK_EV_REJECT, QK_REASON_UNKNOWN_TXN), 1);
    CHECK_INT(fx_count(r, QK_EV_REJECT, QK_REASON_NOT_YOURS), 1);

    r->n = 0;
    in[0] = undo_of(3, 1, 1, torch_txn);
    CHECK_INT(qk_step(w, in, 1, &sink, NULL), QK_OK);
    CHECK_INT(fx_count(r, QK_EV_BLOCK, -1), 1);
    CHECK_INT(r->ev[0].u.block.cause, QK_CAUSE_UNDO);
    CHECK_INT(r->ev[0].u.block.block, B_AIR);
    CHECK_INT(r->ev[0].u.block.prev, B_TORCH);
    CHECK_INT(r->ev[1].type, QK_EV_LIGHT_COMMIT);
    CHECK_INT(r->ev[1].u.commit.cause, QK_CAUSE_UNDO);
    uint64_t undo_txn = r->ev[1].u.commit.txn;
    CHECK(undo_txn > torch_txn);
    CHECK_INT(BLK(w, 1, FX_GROUND, 1), 0);
    digests_of(w, now);
    CHECK(memcmp(base, now, sizeof base) == 0); /* light as before the torch */

    r->n = 0;
    in[0] = undo_of(4, 1, 1, torch_txn); /* the voxel is air now, not the torch */
    CHECK_INT(qk_step(w, in, 1, &sink, NULL), QK_OK);
    CHECK_INT(fx_count(r, QK_EV_REJECT, QK_REASON_CONFLICT), 1);

    /* Undoing the undo puts the torch back (a snapshot in between keeps the
     * log: the restored world does the same). */
    size_t len = qk_snapshot_size(w);
    uint8_t *snap = malloc(len);
    CHECK_INT(qk_snapshot_write(w, snap, len, &len), QK_OK);
    qk_allocator al = fx_allocator(&a);
    qk_world *back = NULL;
    CHECK_INT(qk_world_restore(&back, snap, len, &lt_registry, &al, NULL), QK_OK);
    free(snap);
    CHECK(qk_txn_next(back) == qk_txn_next(w));
    qk_txn_record h1[QK_TXN_HISTORY], h2[QK_TXN_HISTORY];
    uint32_t n1 = qk_txn_history(w, 0, 0, h1), n2 = qk_txn_history(back, 0, 0, h2);
    CHECK_INT(n1, n2);
    CHECK(memcmp(h1, h2, n1 * sizeof h1[0]) == 0);
    tape t1 = {0}, t2 = {0};
    qk_sink s1 = {tape_fn, &t1}, s2 = {tape_fn, &t2};
    in[0] = undo_of(5, 1, 1, undo_txn);
    in[1] = undo_of(5, 1, 1, undo_txn);
    CHECK_INT(qk_step(w, &in[0], 1, &s1, NULL), QK_OK);
    CHECK_INT(qk_step(back, &in[1], 1, &s2, NULL), QK_OK);
    CHECK(t1.h == t2.h && t1.commits == 1);
    CHECK_INT(BLK(w, 1, FX_GROUND, 1), 14);
    CHECK_INT(BLK(back, 1, FX_GROUND, 1), 14);
    qk_world_destroy(back);
    qk_world_destroy(w);
    free(r);
    CHECK_INT(a.live, 0);
}

/* An edit the log has forgotten cannot be undone. */
static void undo_log_bounded(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a);
    uint64_t first = qk_txn_next(w);
    for (int i = 0; i < QK_UNDO_LOG + 1; i++)
        edit(w, -20 + i % 40, FX_GROUND + i / 40, 5, B_STONE);
    CHECK(qk__txn_find_edit(w, first) == NULL);
    CHECK(qk__txn_find_edit(w, first + 1) != NULL);
    CHECK(qk__txn_find_edit(w, first + QK_UNDO_LOG) != NULL);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- 8. out of memory in the light phase with workers ------------------ */

static void nomem_with_workers(void)
{
    for (long n = 0;; n++) {
        fx_alloc a = {-1, 0, 0};
        qk_world_config cfg = fx_flat_config();
        qk_world *w = make(&cfg, &a);
        fake_pool pool = {2, true, 0, 0};
        qk_workers wk = workers_of(&pool);
        CHECK_INT(qk_world_set_workers(w, &wk), QK_OK);
        a.fail_at = a.count + n;
        qk_status st = QK_OK;
        for (int i = 0; i < 4 && st == QK_OK; i++)
            st = qk__world_edit(w, -20 + i * 12, FX_GROUND, 3, B_TORCH, NULL, 1, QK_CAUSE_PLACE);
        if (st == QK_OK)
            st = qk__txn_commit_all(w, NULL, 0);
        a.fail_at = -1;
        qk_world_destroy(w);
        CHECK_INT(a.live, 0);
        if (st == QK_OK)
            break;
        CHECK_INT(st, QK_ERR_NOMEM);
        if (n > 2000) {
            CHECK(!"never succeeded");
            break;
        }
    }
}

int main(void)
{
    init_registry();
    morton();
    generation();
    atomic_commit();
    isolation();
    stale_redo();
    worker_independence();
    starved_worker();
    undo();
    undo_log_bounded();
    nomem_with_workers();
    return qt_report();
}
