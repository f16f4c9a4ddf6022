/*
 * item_fixture.h - the blocks and items the inventory and crafting tests
 * share: a registry with item-only entries (sticks, a pickaxe that stacks
 * to 1, a 16-stack pearl), a crafting table, and recipe-writing macros.
 * Each test brings its own recipe table.
 */
#ifndef QUARRY_TEST_ITEM_FIXTURE_H
#define QUARRY_TEST_ITEM_FIXTURE_H

#include "fixture.h"

enum {
    I_AIR, I_STONE, I_DIRT, I_BEDROCK, I_COBBLE, I_LOG, I_PLANKS, I_TABLE, I_GLASS,
    I_TORCH, I_STICK, I_PICK, I_COAL, I_PEARL, I_COUNT
};

static const qk_block_def defs[I_COUNT] = {
    [I_AIR] = {.drops = QK_BLOCK_NONE},
    [I_STONE] = {.opaque = true, .solid = true, .breakable = true, .drops = I_COBBLE},
    [I_DIRT] = {.opaque = true, .solid = true, .breakable = true, .drops = I_DIRT},
    [I_BEDROCK] = {.opaque = true, .solid = true, .drops = QK_BLOCK_NONE},
    [I_COBBLE] = {.opaque = true, .solid = true, .breakable = true, .drops = I_COBBLE},
    [I_LOG] = {.opaque = true, .solid = true, .breakable = true, .drops = I_LOG},
    [I_PLANKS] = {.opaque = true, .solid = true, .breakable = true, .drops = I_PLANKS},
    [I_TABLE] = {.opaque = true, .solid = true, .breakable = true, .drops = I_TABLE,
                 .crafting_table = true},
    [I_GLASS] = {.solid = true, .breakable = true, .drops = QK_BLOCK_NONE},
    [I_TORCH] = {.breakable = true, .emissive = 14, .drops = I_TORCH},
    [I_STICK] = {.drops = QK_BLOCK_NONE, .item_only = true},
    [I_PICK] = {.drops = QK_BLOCK_NONE, .item_only = true, .max_stack = 1},
    [I_COAL] = {.drops = QK_BLOCK_NONE, .item_only = true},
    [I_PEARL] = {.drops = QK_BLOCK_NONE, .item_only = true, .max_stack = 16},
};

#define SHAPED(W, H, OUT, N, ...) {true, W, H, 0, {__VA_ARGS__}, OUT, N}
#define SHAPELESS(K, OUT, N, ...) {false, 0, 0, K, {__VA_ARGS__}, OUT, N}

/* 2x2 chunk columns of superflat bedrock, stone x2, dirt (top block at
 * y = 3) over the item registry's blocks. */
static inline qk_world_config item_world_config(uint64_t seed)
{
    qk_world_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.seed = seed;
    cfg.cx_min = cfg.cz_min = -1;
    cfg.cx_max = cfg.cz_max = 0;
    cfg.generator = QK_GEN_SUPERFLAT;
    cfg.layers[0] = (qk_flat_layer){I_BEDROCK, 1};
    cfg.layers[1] = (qk_flat_layer){I_STONE, 2};
    cfg.layers[2] = (qk_flat_layer){I_DIRT, 1};
    cfg.layer_count = 3;
    return cfg;
}

/* Slots compare by field: a qk_slot has a padding byte. */
static inline bool same_inv(const qk_slot *a, const qk_slot *b)
{
    for (uint32_t s = 0; s < QK_INV_SLOTS; s++)
        if (a[s].item != b[s].item || a[s].count != b[s].count)
            return false;
    return true;
}

#endif /* QUARRY_TEST_ITEM_FIXTURE_H */
