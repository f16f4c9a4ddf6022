/*
 * world.c - world lifetime, chunk lookup and the read-only queries.
 *
 * The loaded world is a fixed rectangle of chunk columns chosen by the
 * caller, generated completely at creation (outside any tick), so a step
 * never generates or allocates chunks.  Voxels outside it are "not loaded":
 * reads report so, edits are rejected with an event, and physics treats them
 * as solid, which makes the rectangle's edge a wall players cannot leave.
 */
#include <string.h>

#include "fixed.h"
#include "world.h"
#include "worldgen.h"

#define CHUNK_LIMIT (QK_COORD_LIMIT / QK_CHUNK_W)

qk_status qk__world_check_rect(const qk_world_config *cfg, qk_diag *diag)
{
    if (cfg->cx_min > cfg->cx_max || cfg->cz_min > cfg->cz_max)
        return qk__fail(diag, QK_ERR_INVALID, "chunk rectangle: min exceeds max", 0);
    if (cfg->cx_min < -CHUNK_LIMIT || cfg->cx_max >= CHUNK_LIMIT || cfg->cz_min < -CHUNK_LIMIT ||
        cfg->cz_max >= CHUNK_LIMIT)
        return qk__fail(diag, QK_ERR_RANGE, "chunk rectangle outside the coordinate limit", 0);
    uint64_t sx = (uint64_t)((int64_t)cfg->cx_max - cfg->cx_min + 1);
    uint64_t sz = (uint64_t)((int64_t)cfg->cz_max - cfg->cz_min + 1);
    if (sx * sz > QK_MAX_CHUNKS)
        return qk__fail(diag, QK_ERR_RANGE, "chunk rectangle larger than 4096 columns", 0);
    return QK_OK;
}

qk_status qk__world_alloc(qk_world **out, const qk_world_config *cfg,
                          const qk_registry *reg, const qk_allocator *alloc,
                          qk_diag *diag)
{
    *out = NULL;
    if (!cfg || !alloc || !alloc->fn)
        return qk__fail(diag, QK_ERR_INVALID, "config and allocator are required", 0);
    qk_status st = qk__world_check_rect(cfg, diag);
    if (st != QK_OK)
        return st;
    qk__mem mem = {*alloc, 0};
    qk_world *w = qk__mem_zalloc(&mem, sizeof *w);
    if (!w)
        return qk__fail(diag, QK_ERR_NOMEM, "world", 0);
    w->mem = mem;
    w->cfg = *cfg;
    st = qk__registry_copy(w, reg, diag);
    if (st == QK_OK)
        st = qk__gen_validate(cfg, w->block_count, diag);
    if (st == QK_OK)
        st = qk__sky_init(w, diag);
    if (st == QK_OK) {
        w->span_x = (uint32_t)(cfg->cx_max - cfg->cx_min + 1);
        w->span_z = (uint32_t)(cfg->cz_max - cfg->cz_min + 1);
        w->chunk_count = w->span_x * w->span_z;
        w->chunks = qk__mem_zalloc(&w->mem, (size_t)w->chunk_count * sizeof(qk__chunk));
        if (!w->chunks)
            st = qk__fail(diag, QK_ERR_NOMEM, "chunk table", 0);
    }
    if (st != QK_OK) {
        qk_world_destroy(w);
        return st;
    }
    for (uint32_t i = 0; i < w->chunk_count; i++) {
        w->chunks[i].cx = cfg->cx_min + (int32_t)(i / w->span_z);
        w->chunks[i].cz = cfg->cz_min + (int32_t)(i % w->span_z);
        w->chunks[i].stale = 0xFFFF;
        w->chunks[i].light.stale = 0xFFFF;
    }
    w->chain = qk__chain_origin(cfg->seed);
    w->next_txn = 1;
    w->scratch.can_grow = true;
    *out = w;
    return QK_OK;
}

qk_status qk_world_create(qk_world **out, const qk_world_config *cfg,
                          const qk_registry *reg, const qk_allocator *alloc,
                          qk_diag *diag)
{
    if (!out)
        return qk__fail(diag, QK_ERR_INVALID, "out is required", 0);
    *out = NULL;
    qk_world *w;
    qk_status st = qk__world_alloc(&w, cfg, reg, alloc, diag);
    if (st != QK_OK)
        return st;
    /* One reusable column buffer for the generator, freed before return. */
    size_t col_bytes = (size_t)QK_COL_VOXELS * sizeof(qk_block_id);
    qk_block_id *col = qk__mem_alloc(&w->mem, col_bytes);
    if (!col)
        st = qk__fail(diag, QK_ERR_NOMEM, "generator column", 0);
    for (uint32_t i = 0; st == QK_OK && i < w->chunk_count; i++) {
        qk__chunk *c = &w->chunks[i];
        qk__gen_column(&w->cfg, c->cx, c->cz, col);
        st = qk__chunk_fill(&w->mem, c, col);
        if (st != QK_OK)
            qk__fail(diag, st, "chunk sections", i);
    }
    qk__mem_free(&w->mem, col, col_bytes);
    if (st == QK_OK)
        st = qk__txn_generate(w); /* light: one transaction per column */
    qk__scratch_free(w, &w->scratch);
    for (uint32_t i = 0; st == QK_OK && i < w->chunk_count; i++) {
        w->chunks[i].gen_known = true;
        w->chunks[i].gen_light = w->chunks[i].light.light_rev;
    }
    if (st != QK_OK) {
        qk_world_destroy(w);
        return st;
    }
    qk__world_finish(w, out);
    return QK_OK;
}

void qk__world_finish(qk_world *w, qk_world **out)
{
    qk__digest_current(w, w->last.sub);
    w->last.chain = w->chain;
    *out = w;
}

void qk_world_destroy(qk_world *w)
{
    if (!w)
        return;
    qk__load_release(w);
    qk__mem mem = w->mem;
    if (w->chunks) {
        for (uint32_t i = 0; i < w->chunk_count; i++)
            qk__chunk_free(&w->mem, &w->chunks[i]);
        qk__mem_free(&w->mem, w->chunks, (size_t)w->chunk_count * sizeof(qk__chunk));
    }
    qk__mem_free(&w->mem, w->blocks, (size_t)w->block_count * sizeof(qk_block_def));
    qk__mem_free(&w->mem, w->recipes, (size_t)w->recipe_count * sizeof(qk_recipe));
    qk__txn_free(w);
    mem.bytes = w->mem.bytes;
    qk__mem_free(&mem, w, sizeof *w);
}

qk__chunk *qk__world_chunk(const qk_world *w, int32_t cx, int32_t cz)
{
    if (cx < w->cfg.cx_min || cx > w->cfg.cx_max || cz < w->cfg.cz_min || cz > w->cfg.cz_max)
        return NULL;
    uint32_t i = (uint32_t)(cx - w->cfg.cx_min) * w->span_z + (uint32_t)(cz - w->cfg.cz_min);
    return &w->chunks[i];
}

bool qk__world_get(const qk_world *w, int64_t x, int64_t y, int64_t z, qk_block_id *out)
{
    *out = QK_BLOCK_AIR;
    if (y < 0 || y >= QK_CHUNK_H || x < -QK_COORD_LIMIT || x > QK_COORD_LIMIT ||
        z < -QK_COORD_LIMIT || z > QK_COORD_LIMIT)
        return false;
    const qk__chunk *c = qk__world_chunk(w, (int32_t)qk__floordiv(x, 16), (int32_t)qk__floordiv(z, 16));
    if (!c)
        return false;
    *out = qk__chunk_get(c, (uint32_t)qk__floormod(x, 16), (uint32_t)y, (uint32_t)qk__floormod(z, 16));
    return true;
}

qk_status qk__world_set(qk_world *w, int32_t x, int32_t y, int32_t z,
                        qk_block_id id, qk_block_id *prev)
{
    qk__chunk *c = qk__world_chunk(w, (int32_t)qk__floordiv(x, 16), (int32_t)qk__floordiv(z, 16));
    if (!c || y < 0 || y >= QK_CHUNK_H)
        return QK_ERR_RANGE;
    return qk__chunk_set(&w->mem, c, (uint32_t)qk__floormod(x, 16), (uint32_t)y,
                         (uint32_t)qk__floormod(z, 16), id, prev);
}

qk_status qk__world_edit(qk_world *w, int32_t x, int32_t y, int32_t z,
                         qk_block_id id, qk_block_id *prev, uint32_t player, qk_cause cause)
{
    qk_block_id old = QK_BLOCK_AIR;
    qk_status st = qk__world_set(w, x, y, z, id, &old);
    if (prev)
        *prev = old;
    if (st != QK_OK || old == id)
        return st;
    return qk__txn_begin_edit(w, x, y, z, old, id, player, cause);
}

qk_status qk__world_light_all(qk_world *w)
{
    qk_status st = qk__light_relight_all(w);
    qk__scratch_free(w, &w->scratch);
    return st;
}

int qk__player_find(const qk_world *w, uint32_t id)
{
    int lo = 0, hi = (int)w->n_players - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        uint32_t k = w->players[mid].s.id;
        if (k == id)
            return mid;
        if (k < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* ---- queries ---- */

uint64_t qk_world_tick(const qk_world *w) { return w->tick; }

const qk_world_config *qk_world_config_of(const qk_world *w) { return &w->cfg; }

qk_status qk_block_at(const qk_world *w, int32_t x, int32_t y, int32_t z, qk_block_id *out)
{
    return qk__world_get(w, x, y, z, out) ? QK_OK : QK_ERR_RANGE;
}

const qk_block_def *qk_block_def_of(const qk_world *w, qk_block_id id)
{
    return id < w->block_count ? &w->blocks[id] : NULL;
}

qk_status qk_section_blocks(const qk_world *w, int32_t cx, int32_t cz, uint32_t sy,
                            qk_block_id *out)
{
    const qk__chunk *c = qk__world_chunk(w, cx, cz);
    if (!c || sy >= QK_SECTIONS)
        return QK_ERR_RANGE;
    qk__section_expand(&c->sec[sy], out);
    return QK_OK;
}

uint32_t qk_player_count(const qk_world *w) { return w->n_players; }

qk_status qk_player_at(const qk_world *w, uint32_t index, qk_player_state *out)
{
    if (index >= w->n_players)
        return QK_ERR_RANGE;
    *out = w->players[index].s;
    return QK_OK;
}

qk_status qk_player_get(const qk_world *w, uint32_t id, qk_player_state *out)
{
    int i = qk__player_find(w, id);
    if (i < 0)
        return QK_ERR_RANGE;
    *out = w->players[i].s;
    return QK_OK;
}

void qk_world_digests(const qk_world *w, qk_digests *out) { *out = w->last; }

qk_status qk_chunk_digest(qk_world *w, int32_t cx, int32_t cz, qk_subsys sub, uint64_t *out)
{
    if (sub != QK_SUB_BLOCKS && sub != QK_SUB_LIGHT)
        return QK_ERR_INVALID;
    qk__chunk *c = qk__world_chunk(w, cx, cz);
    if (!c)
        return QK_ERR_RANGE;
    *out = sub == QK_SUB_BLOCKS ? qk__chunk_digest(c) : qk__light_chunk_digest(&c->light);
    return QK_OK;
}

qk_status qk_light_at(const qk_world *w, int32_t x, int32_t y, int32_t z, uint8_t *sky,
                      uint8_t *block)
{
    qk_block_id id;
    if (!qk__world_get(w, x, y, z, &id))
        return QK_ERR_RANGE;
    if (sky)
        *sky = qk__light_get(w, QK_LIGHT_SKY, x, y, z);
    if (block)
        *block = qk__light_get(w, QK_LIGHT_BLOCK, x, y, z);
    return QK_OK;
}

qk_status qk_chunk_revisions(const qk_world *w, int32_t cx, int32_t cz, qk_chunk_revs *out)
{
    const qk__chunk *c = qk__world_chunk(w, cx, cz);
    if (!c)
        return QK_ERR_RANGE;
    out->geometry = c->light.geometry_rev;
    out->light = c->light.light_rev;
    return QK_OK;
}

size_t qk_world_memory(const qk_world *w) { return w->mem.bytes; }

uint32_t qk_chunk_count(const qk_world *w) { return w->chunk_count; }
