/*
 * fixture.h - shared scaffolding for kernel unit tests: a counting
 * allocator that can fail the Nth request, a small registry, an event
 * recorder and ready-made world configurations.
 */
#ifndef QUARRY_TEST_FIXTURE_H
#define QUARRY_TEST_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "quarry/qk.h"

enum { B_AIR, B_STONE, B_DIRT, B_GRASS, B_BEDROCK, B_GLASS, B_TORCH, B_COUNT };

static const qk_block_def fx_blocks[B_COUNT] = {
    [B_AIR] = {false, false, false, 0, QK_BLOCK_NONE},
    [B_STONE] = {true, true, true, 0, B_STONE},
    [B_DIRT] = {true, true, true, 0, B_DIRT},
    [B_GRASS] = {true, true, true, 0, B_DIRT},
    [B_BEDROCK] = {true, true, false, 0, QK_BLOCK_NONE},
    [B_GLASS] = {false, true, true, 0, QK_BLOCK_NONE},
    [B_TORCH] = {false, false, true, 14, B_TORCH},
};
static const qk_registry fx_registry = {fx_blocks, B_COUNT, NULL, 0};

typedef struct fx_alloc {
    long fail_at; /* index of the request to refuse, -1 never */
    long count;   /* requests so far */
    long long live;
} fx_alloc;

static void *fx_alloc_fn(void *ud, void *p, size_t osize, size_t nsize)
{
    fx_alloc *a = ud;
    if (nsize == 0) {
        free(p);
        a->live -= (long long)osize;
        return NULL;
    }
    if (a->fail_at >= 0 && a->count++ == a->fail_at)
        return NULL;
    void *q = realloc(p, nsize);
    if (q)
        a->live += (long long)nsize - (long long)osize;
    return q;
}

static inline qk_allocator fx_allocator(fx_alloc *a)
{
    qk_allocator al = {fx_alloc_fn, a};
    return al;
}

/* Superflat: bedrock 1, stone 2, dirt 1 -> top solid block y = 3, ground
 * surface at y = 4.  Chunks -2..1 on both axes: negative coordinates and
 * the four-chunk corner at the origin are inside. */
static inline qk_world_config fx_flat_config(void)
{
    qk_world_config c;
    memset(&c, 0, sizeof c);
    c.seed = 7;
    c.cx_min = -2;
    c.cz_min = -2;
    c.cx_max = 1;
    c.cz_max = 1;
    c.generator = QK_GEN_SUPERFLAT;
    c.layers[0] = (qk_flat_layer){B_BEDROCK, 1};
    c.layers[1] = (qk_flat_layer){B_STONE, 2};
    c.layers[2] = (qk_flat_layer){B_DIRT, 1};
    c.layer_count = 3;
    return c;
}

#define FX_GROUND 4 /* y of the first air block on fx_flat_config */

typedef struct fx_events {
    qk_event ev[4096];
    size_t n;
} fx_events;

static void fx_record(void *ud, const qk_event *ev)
{
    fx_events *r = ud;
    if (r->n < sizeof r->ev / sizeof r->ev[0])
        r->ev[r->n++] = *ev;
}

/* Count of recorded events of a type (optionally only a reject reason). */
static inline size_t fx_count(const fx_events *r, qk_event_type t, int reason)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->ev[i].type == t && (reason < 0 || (int)r->ev[i].u.reject.reason == reason))
            k++;
    return k;
}

static inline qk_input fx_join(uint64_t tick, uint32_t id, int32_t bx, int32_t by, int32_t bz)
{
    qk_input in;
    memset(&in, 0, sizeof in);
    in.tick = tick;
    in.player = id;
    in.op = QK_OP_JOIN;
    in.u.join.x = (qk_fx)bx * QK_FX_ONE + QK_FX_ONE / 2;
    in.u.join.y = (qk_fx)by * QK_FX_ONE;
    in.u.join.z = (qk_fx)bz * QK_FX_ONE + QK_FX_ONE / 2;
    /* Creative: the block and light tests place without running out. */
    in.u.join.mode = QK_MODE_CREATIVE;
    in.u.join.inv[0] = (qk_slot){B_STONE, 64};
    in.u.join.inv[1] = (qk_slot){B_GLASS, 64};
    in.u.join.inv[2] = (qk_slot){B_TORCH, 64};
    return in;
}

static inline qk_input fx_op(uint64_t tick, uint32_t id, uint32_t seq, qk_op op)
{
    qk_input in;
    memset(&in, 0, sizeof in);
    in.tick = tick;
    in.player = id;
    in.seq = seq;
    in.op = op;
    return in;
}

/* Steps with no inputs until tick `until`, recording into r (may be NULL). */
static inline void fx_idle(qk_world *w, uint64_t until, fx_events *r)
{
    qk_sink s = {r ? fx_record : NULL, r};
    while (qk_world_tick(w) < until)
        qk_step(w, NULL, 0, &s, NULL);
}

#endif
