/*
 * snapshot_registry.h - the fixed registry fuzz_snapshot restores with, and
 * gen_seeds writes its seed snapshots with.  300 blocks, so every section
 * encoding (uniform, 4-bit, 8-bit palette, raw ids) can be reached; the
 * flags vary with the id so physics meets solid and non-solid blocks.
 * Changing it changes the registry hash: regenerate the snapshot seeds.
 */
#ifndef QUARRY_FUZZ_SNAPSHOT_REGISTRY_H
#define QUARRY_FUZZ_SNAPSHOT_REGISTRY_H

#include "quarry/qk.h"

#define FUZZ_SNAP_BLOCKS 300u

static inline qk_registry fuzz_snapshot_registry(void)
{
    static qk_block_def defs[FUZZ_SNAP_BLOCKS];
    if (!defs[1].solid) {
        defs[0] = (qk_block_def){false, false, false, 0, QK_BLOCK_NONE, 0, false, false};
        for (uint32_t i = 1; i < FUZZ_SNAP_BLOCKS; i++) {
            defs[i].opaque = i % 3 != 0;
            defs[i].solid = i == 1 || i % 4 != 2;
            defs[i].breakable = i != 4;
            defs[i].emissive = (uint8_t)(i % 5 == 0 ? i % 16 : 0);
            defs[i].drops = i % 7 == 0 ? QK_BLOCK_NONE : (qk_block_id)i;
        }
    }
    qk_registry r = {defs, FUZZ_SNAP_BLOCKS, NULL, 0};
    return r;
}

#endif
