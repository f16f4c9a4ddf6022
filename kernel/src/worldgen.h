/*
 * worldgen.h - deterministic world generation.
 *
 * A generator is a pure function (config, cx, cz) -> the 16x256x16 block ids
 * of one column.  It must not depend on which other columns exist or the
 * order they are generated in: spatial randomness comes from hashing lattice
 * coordinates with the worldgen stream seed (rng.h), and all arithmetic is
 * integer, so every platform builds the same world.
 *
 * The output is a flat array, not chunk storage: chunk.c packs it into
 * palette sections, so generators stay independent of the storage format.
 */
#ifndef QK_INTERNAL_WORLDGEN_H
#define QK_INTERNAL_WORLDGEN_H

#include "quarry/qk.h"

/* Index of voxel (x, y, z), local to a column, in a generator's output. */
#define QK_COL_INDEX(x, y, z) (((uint32_t)(y) << 8) | ((uint32_t)(z) << 4) | (uint32_t)(x))
#define QK_COL_VOXELS (QK_CHUNK_W * QK_CHUNK_H * QK_CHUNK_W)

/* Checks the generator part of cfg against the registry: layers sum to at
 * most 256 and name valid block ids; terrain materials are valid ids and
 * its heights in range.  Returns QK_OK or QK_ERR_INVALID/QK_ERR_RANGE with
 * diag->what set and diag->offset = the offending layer index when relevant. */
qk_status qk__gen_validate(const qk_world_config *cfg, uint32_t block_count,
                           qk_diag *diag);

/* Writes the column (cx, cz) into ids[QK_COL_VOXELS], indexed QK_COL_INDEX.
 * cfg must have passed qk__gen_validate.  Never fails, never allocates. */
void qk__gen_column(const qk_world_config *cfg, int32_t cx, int32_t cz,
                    qk_block_id *ids);

/* Surface height helper for terrain: the y of the top non-air block the
 * terrain generator places at world column (x, z) before caves are carved.
 * Exposed for tests and for scenario authors' tools. */
int32_t qk__terrain_height(const qk_world_config *cfg, int32_t x, int32_t z);

#endif /* QK_INTERNAL_WORLDGEN_H */
