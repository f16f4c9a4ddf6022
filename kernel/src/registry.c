/*
 * registry.c - validation and private copy of the caller's block registry.
 *
 * The kernel never sees block names: the registry is data (flags, emission,
 * drops) indexed by id, resolved from a JSON pack by the replay layer.  Its
 * canonical hash goes into snapshots so a snapshot cannot be restored with
 * a different pack and silently mean other blocks.  The same holds for the
 * items (the registry's item-only entries, stack sizes) and the recipes,
 * which are part of the rules a world runs by and so part of the hash.
 */
#include <string.h>
#include "hash.h"
#include "world.h"

uint64_t qk__registry_hash(const qk_block_def *defs, uint32_t count, const qk_recipe *recipes,
                           uint32_t recipe_count)
{
    qk__hasher h;
    qk__hash_begin(&h);
    for (uint32_t i = 0; i < count; i++) {
        qk__wbuf *b = qk__hash_room(&h, 5);
        const qk_block_def *d = &defs[i];
        qk__put8(b, (uint8_t)(d->opaque | d->solid << 1 | d->breakable << 2 | d->item_only << 3 |
                              d->crafting_table << 4));
        qk__put8(b, d->emissive);
        qk__put16(b, d->drops);
        qk__put8(b, d->max_stack);
    }
    for (uint32_t i = 0; i < recipe_count; i++) {
        const qk_recipe *r = &recipes[i];
        qk__wbuf *b = qk__hash_room(&h, 4 + 2 * QK_CRAFT_CELLS + 3);
        qk__put8(b, r->shaped);
        qk__put8(b, r->shaped ? r->w : 0);
        qk__put8(b, r->shaped ? r->h : 0);
        qk__put8(b, r->shaped ? 0 : r->n_in);
        uint32_t n = r->shaped ? (uint32_t)r->w * r->h : r->n_in;
        for (uint32_t k = 0; k < QK_CRAFT_CELLS; k++)
            qk__put16(b, k < n ? r->in[k] : 0);
        qk__put16(b, r->out);
        qk__put8(b, r->out_count);
    }
    return qk__hash_end(&h);
}

qk_status qk__registry_copy(qk_world *w, const qk_registry *reg, qk_diag *diag)
{
    if (!reg || !reg->blocks || reg->count == 0 || reg->count > QK_MAX_BLOCKS)
        return qk__fail(diag, QK_ERR_INVALID, "registry must hold 1..4096 blocks", 0);
    const qk_block_def *air = &reg->blocks[0];
    if (air->opaque || air->solid || air->emissive)
        return qk__fail(diag, QK_ERR_INVALID, "block 0 must be air: not opaque, solid or emissive", 0);
    for (uint32_t i = 0; i < reg->count; i++) {
        const qk_block_def *b = &reg->blocks[i];
        if (b->emissive > 15)
            return qk__fail(diag, QK_ERR_INVALID, "emissive must be 0..15", i);
        if (b->drops != QK_BLOCK_NONE && (b->drops >= reg->count || b->drops == QK_BLOCK_AIR))
            return qk__fail(diag, QK_ERR_INVALID, "drops names air or an id outside the registry", i);
        if (b->max_stack > QK_MAX_STACK)
            return qk__fail(diag, QK_ERR_INVALID, "max_stack must be 0 (64) or 1..64", i);
        if (b->item_only && (b->opaque || b->solid || b->emissive || b->crafting_table || i == 0))
            return qk__fail(diag, QK_ERR_INVALID,
                            "an item-only entry must be neither air, opaque, solid, emissive "
                            "nor a crafting table", i);
    }
    if (reg->recipe_count > QK_MAX_RECIPES || (reg->recipe_count && !reg->recipes))
        return qk__fail(diag, QK_ERR_INVALID, "registry must hold 0..1024 recipes", 0);
    qk_status st = qk__recipes_check(reg, diag);
    if (st != QK_OK)
        return st;
    size_t bytes = (size_t)reg->count * sizeof(qk_block_def);
    w->blocks = qk__mem_alloc(&w->mem, bytes);
    if (!w->blocks)
        return qk__fail(diag, QK_ERR_NOMEM, "registry copy", 0);
    memcpy(w->blocks, reg->blocks, bytes);
    w->block_count = reg->count;
    for (uint32_t i = 0; i < w->block_count; i++)
        if (w->blocks[i].max_stack == 0)
            w->blocks[i].max_stack = QK_MAX_STACK;
    if (reg->recipe_count) {
        size_t rbytes = (size_t)reg->recipe_count * sizeof(qk_recipe);
        w->recipes = qk__mem_alloc(&w->mem, rbytes);
        if (!w->recipes)
            return qk__fail(diag, QK_ERR_NOMEM, "recipe copy", 0);
        memcpy(w->recipes, reg->recipes, rbytes);
        w->recipe_count = reg->recipe_count;
    }
    w->registry_hash =
        qk__registry_hash(w->blocks, w->block_count, w->recipes, w->recipe_count);
    return QK_OK;
}
