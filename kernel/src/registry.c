/*
 * registry.c - validation and private copy of the caller's block registry.
 *
 * The kernel never sees block names: the registry is data (flags, emission,
 * drops) indexed by id, resolved from a JSON pack by the replay layer.  Its
 * canonical hash goes into snapshots so a snapshot cannot be restored with
 * a different pack and silently mean other blocks.
 */
#include <string.h>
#include "hash.h"
#include "world.h"

uint64_t qk__registry_hash(const qk_block_def *defs, uint32_t count)
{
    qk__hasher h;
    qk__hash_begin(&h);
    for (uint32_t i = 0; i < count; i++) {
        qk__wbuf *b = qk__hash_room(&h, 4);
        qk__put8(b, (uint8_t)(defs[i].opaque | defs[i].solid << 1 | defs[i].breakable << 2));
        qk__put8(b, defs[i].emissive);
        qk__put16(b, defs[i].drops);
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
        if (b->drops != QK_BLOCK_NONE && b->drops >= reg->count)
            return qk__fail(diag, QK_ERR_INVALID, "drops names a block id outside the registry", i);
    }
    size_t bytes = (size_t)reg->count * sizeof(qk_block_def);
    w->blocks = qk__mem_alloc(&w->mem, bytes);
    if (!w->blocks)
        return qk__fail(diag, QK_ERR_NOMEM, "registry copy", 0);
    memcpy(w->blocks, reg->blocks, bytes);
    w->block_count = reg->count;
    w->registry_hash = qk__registry_hash(w->blocks, w->block_count);
    return QK_OK;
}
