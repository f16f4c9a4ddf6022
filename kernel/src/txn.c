/*
 * txn.c - edit transactions: begin, execute, validate, commit (txn.h says
 * how and why), the undo log, worker scratch, and the queries of qk.h's
 * "Transactions and workers" section.
 */
#include "txn.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

#include "fixed.h"
#include "world.h"

#define MAIN_BLOCK_CAP 256       /* free nibble blocks the caller's thread keeps */
#define WORKER_BLOCKS 32         /* first fill of a worker's block stack */
#define WORKER_QCAP 16384        /* first capacity of a worker's queues */
#define WORKER_BLOCKS_MAX 8192   /* 16 MiB: no transaction needs more (9 x 2 x 16 sections = 288) */
#define WORKER_QCAP_MAX ((size_t)1 << 24)

/* Spreads the 32 bits of v to the even bits of a u64. */
static uint64_t spread(uint32_t v)
{
    uint64_t x = v;
    x = (x | x << 16) & UINT64_C(0x0000FFFF0000FFFF);
    x = (x | x << 8) & UINT64_C(0x00FF00FF00FF00FF);
    x = (x | x << 4) & UINT64_C(0x0F0F0F0F0F0F0F0F);
    x = (x | x << 2) & UINT64_C(0x3333333333333333);
    x = (x | x << 1) & UINT64_C(0x5555555555555555);
    return x;
}

uint64_t qk__morton(int32_t cx, int32_t cz)
{
    return spread((uint32_t)cx ^ 0x80000000u) | spread((uint32_t)cz ^ 0x80000000u) << 1;
}

/* The region's 9 columns (index i*3+k) in Morton order. */
static void morton_order(int32_t cx, int32_t cz, uint8_t order[9])
{
    uint64_t key[9];
    for (int i = 0; i < 9; i++) {
        key[i] = qk__morton(cx - 1 + i / 3, cz - 1 + i % 3);
        order[i] = (uint8_t)i;
    }
    for (int i = 1; i < 9; i++)
        for (int j = i; j > 0 && key[order[j - 1]] > key[order[j]]; j--) {
            uint8_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

/* ---- begin ------------------------------------------------------------- */

static qk__txn *push_txn(qk_world *w)
{
    if (w->n_txns == w->cap_txns) {
        uint32_t cap = w->cap_txns ? w->cap_txns * 2 : 16;
        qk__txn *v = qk__mem_alloc(&w->mem, cap * sizeof *v);
        if (!v)
            return NULL;
        if (w->n_txns)
            memcpy(v, w->txns, w->n_txns * sizeof *v);
        qk__mem_free(&w->mem, w->txns, w->cap_txns * sizeof *v);
        w->txns = v;
        w->cap_txns = cap;
    }
    qk__txn *t = &w->txns[w->n_txns++];
    memset(t, 0, offsetof(qk__txn, ov)); /* not the overlay's sections: its mask governs them */
    memset(t->ov.mask, 0, sizeof t->ov.mask);
    t->id = w->next_txn++;
    return t;
}

qk_status qk__txn_begin_edit(qk_world *w, int32_t x, int32_t y, int32_t z, qk_block_id old,
                             qk_block_id now, uint32_t player, qk_cause cause)
{
    int32_t cx = (int32_t)qk__floordiv(x, 16), cz = (int32_t)qk__floordiv(z, 16);
    qk__chunk *c = qk__world_chunk(w, cx, cz);
    c->light.geometry_rev++;
    qk__txn *t = push_txn(w);
    if (!t)
        return QK_ERR_NOMEM;
    t->kind = QK__TXN_EDIT;
    t->cause = cause;
    t->player = player;
    t->cx = cx;
    t->cz = cz;
    t->x = x;
    t->y = y;
    t->z = z;
    t->old = old;
    t->now = now;
    qk__light_height_edit(w, c, (uint32_t)qk__floormod(x, 16), (uint32_t)y,
                          (uint32_t)qk__floormod(z, 16), now, &t->h_old, &t->h_new);
    const qk_block_def *b0 = &w->blocks[old], *b1 = &w->blocks[now];
    t->light_work = b0->opaque != b1->opaque || b0->emissive != b1->emissive;

    qk__undo_entry *u = &w->undo[w->undo_next % QK_UNDO_LOG];
    w->undo_next++;
    *u = (qk__undo_entry){t->id, player, x, y, z, old, now, {0, 0}, {0, 0}};
    return QK_OK;
}

qk__undo_entry *qk__txn_last_edit(qk_world *w)
{
    assert(w->undo_next > 0);
    return &w->undo[(w->undo_next - 1) % QK_UNDO_LOG];
}

const qk__undo_entry *qk__txn_find_edit(const qk_world *w, uint64_t txn)
{
    uint32_t n = w->undo_next < QK_UNDO_LOG ? (uint32_t)w->undo_next : QK_UNDO_LOG;
    for (uint32_t k = 0; k < n; k++) {
        const qk__undo_entry *u = &w->undo[(w->undo_next - 1 - k) % QK_UNDO_LOG];
        if (u->txn == txn)
            return u;
    }
    return NULL;
}

/* ---- execute ----------------------------------------------------------- */

static void exec_task(void *arg, uint32_t i, uint32_t worker)
{
    qk_world *w = arg;
    qk__txn *t = &w->txns[i];
    qk__scratch *s = &w->wscratch[worker];
    t->st = qk__light_exec(w, t, s, false);
    t->executed = true;
}

/* Tops each worker's scratch up from the caller's thread: blocks first from
 * the world's own stack, then from the allocator. */
static qk_status fill_workers(qk_world *w)
{
    bool starved = false;
    for (uint32_t k = 0; k < w->pool.count; k++) {
        starved |= w->wscratch[k].starved;
        w->wscratch[k].starved = false;
    }
    if (starved) { /* a worker ran short last time: give each twice as much */
        w->wblocks = w->wblocks * 2 > WORKER_BLOCKS_MAX ? WORKER_BLOCKS_MAX : w->wblocks * 2;
        w->wqcap = w->wqcap * 2 > WORKER_QCAP_MAX ? WORKER_QCAP_MAX : w->wqcap * 2;
    }
    for (uint32_t k = 0; k < w->pool.count; k++) {
        qk__scratch *s = &w->wscratch[k];
        qk_status st = qk__scratch_reserve(w, s, w->wblocks, 0, w->wqcap);
        while (st == QK_OK && s->n_blocks < w->wblocks && w->scratch.n_blocks)
            s->blocks[s->n_blocks++] = w->scratch.blocks[--w->scratch.n_blocks];
        if (st == QK_OK) /* the rest from the allocator */
            st = qk__scratch_reserve(w, s, w->wblocks, w->wblocks, w->wqcap);
        if (st != QK_OK)
            return st;
    }
    return QK_OK;
}

static bool current(const qk_world *w, const qk__txn *t)
{
    for (int i = 0; i < 9; i++) {
        const qk__chunk *c = qk__world_chunk(w, t->cx - 1 + i / 3, t->cz - 1 + i % 3);
        if (c && (c->light.geometry_rev != t->read_geometry[i] ||
                  c->light.light_rev != t->read_light[i]))
            return false;
    }
    return true;
}

/* ---- commit ------------------------------------------------------------ */

static void commit(qk_world *w, qk__txn *t, const qk_sink *sink, uint64_t tick)
{
    uint8_t order[9];
    morton_order(t->cx, t->cz, order);
    uint16_t changed = qk__light_commit(w, t->cx, t->cz, &t->ov, order, &w->scratch);
    qk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.tick = tick;
    ev.type = QK_EV_LIGHT_COMMIT;
    ev.u.commit.txn = t->id;
    ev.u.commit.player = t->player;
    ev.u.commit.cause = t->cause;
    ev.u.commit.x = t->x;
    ev.u.commit.y = t->y;
    ev.u.commit.z = t->z;
    for (int o = 0; o < 9; o++) {
        int i = order[o];
        if (i != 4 && !(changed & (1u << i)))
            continue;
        qk__chunk *c = qk__world_chunk(w, t->cx - 1 + i / 3, t->cz - 1 + i % 3);
        qk__chunk_light *l = &c->light;
        if (changed & (1u << i))
            l->light_rev++;
        memmove(&l->hist[1], &l->hist[0], (QK_TXN_HISTORY - 1) * sizeof l->hist[0]);
        l->hist[0] = (qk_txn_record){t->id, tick, t->cause, t->player, l->geometry_rev, l->light_rev};
        if (l->n_hist < QK_TXN_HISTORY)
            l->n_hist++;
        qk_commit_chunk *cc = &ev.u.commit.chunks[ev.u.commit.n_chunks++];
        cc->cx = c->cx;
        cc->cz = c->cz;
        cc->geometry = l->geometry_rev;
        cc->light = l->light_rev;
    }
    if (sink && sink->fn)
        sink->fn(sink->ud, &ev);
}

qk_status qk__txn_commit_all(qk_world *w, const qk_sink *sink, uint64_t tick)
{
    qk_status st = QK_OK;
    if (w->has_pool && w->n_txns > 1) {
        st = fill_workers(w);
        if (st == QK_OK)
            w->pool.run(w->pool.ud, w->n_txns, exec_task, w);
    }
    for (uint32_t i = 0; st == QK_OK && i < w->n_txns; i++) {
        qk__txn *t = &w->txns[i];
        if (t->executed && (t->st != QK_OK || !current(w, t))) {
            qk__light_discard(w, &t->ov, &w->scratch); /* stale or short of scratch: redo */
            t->executed = false;
            w->txn_redone++;
        }
        if (!t->executed) {
            st = qk__light_exec(w, t, &w->scratch, false);
            t->executed = true;
            if (st != QK_OK)
                break;
        }
        commit(w, t, sink, tick);
    }
    for (uint32_t i = 0; i < w->n_txns; i++) /* after a failure: drop the rest */
        qk__light_discard(w, &w->txns[i].ov, &w->scratch);
    w->n_txns = 0;
    return st;
}

qk_status qk__txn_generate(qk_world *w)
{
    qk_status st = qk__scratch_reserve(w, &w->scratch, MAIN_BLOCK_CAP, 0, 4096);
    for (uint32_t i = 0; st == QK_OK && i < w->chunk_count; i++) {
        qk__chunk *c = &w->chunks[i];
        qk__light_heights(w, c);
        c->light.geometry_rev = 1;
    }
    for (uint32_t i = 0; st == QK_OK && i < w->chunk_count; i++) {
        qk__txn *t = push_txn(w);
        if (!t)
            return QK_ERR_NOMEM;
        t->kind = QK__TXN_GENERATE;
        t->cause = QK_CAUSE_GENERATE;
        t->cx = w->chunks[i].cx;
        t->cz = w->chunks[i].cz;
        t->light_work = true;
        st = qk__txn_commit_all(w, NULL, 0);
    }
    return st;
}

static void free_workers(qk_world *w)
{
    if (!w->wscratch)
        return;
    for (uint32_t k = 0; k < w->pool.count; k++)
        qk__scratch_free(w, &w->wscratch[k]);
    qk__mem_free(&w->mem, w->wscratch, w->pool.count * sizeof *w->wscratch);
    w->wscratch = NULL;
}

void qk__txn_free(qk_world *w)
{
    for (uint32_t i = 0; i < w->n_txns; i++)
        qk__light_discard(w, &w->txns[i].ov, &w->scratch);
    qk__mem_free(&w->mem, w->txns, w->cap_txns * sizeof *w->txns);
    w->txns = NULL;
    w->n_txns = w->cap_txns = 0;
    free_workers(w);
    qk__scratch_free(w, &w->scratch);
}

/* ---- public ------------------------------------------------------------ */

qk_status qk_world_set_workers(qk_world *w, const qk_workers *workers)
{
    if (workers && (workers->count < 1 || workers->count > QK_MAX_WORKERS || !workers->run))
        return QK_ERR_INVALID;
    free_workers(w);
    w->has_pool = false;
    memset(&w->pool, 0, sizeof w->pool);
    if (!workers)
        return QK_OK;
    w->wscratch = qk__mem_zalloc(&w->mem, workers->count * sizeof *w->wscratch);
    if (!w->wscratch)
        return QK_ERR_NOMEM;
    w->pool = *workers;
    w->has_pool = true;
    if (!w->wblocks) {
        w->wblocks = WORKER_BLOCKS;
        w->wqcap = WORKER_QCAP;
    }
    return QK_OK;
}

uint64_t qk_txn_next(const qk_world *w)
{
    return w->next_txn;
}

uint32_t qk_txn_pending(const qk_world *w)
{
    return w->n_txns;
}

uint32_t qk_txn_history(const qk_world *w, int32_t cx, int32_t cz,
                        qk_txn_record out[QK_TXN_HISTORY])
{
    const qk__chunk *c = qk__world_chunk(w, cx, cz);
    if (!c)
        return 0;
    memcpy(out, c->light.hist, c->light.n_hist * sizeof *out);
    return c->light.n_hist;
}

qk_status qk_light_read(const qk_world *w, int32_t cx, int32_t cz, uint64_t rev, uint8_t *out)
{
    const qk__chunk *c = qk__world_chunk(w, cx, cz);
    if (!c)
        return QK_ERR_RANGE;
    if (c->light.light_rev != rev)
        return QK_ERR_STALE;
    qk__light_copy_out(&c->light, out);
    return QK_OK;
}
