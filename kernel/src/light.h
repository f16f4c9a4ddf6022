/*
 * light.h - skylight and block light: storage, propagation, digests.
 *
 * Rules (the fixed point).  Each voxel has two 4-bit channels.  For block
 * light the source of a voxel is its block's emission; for skylight it is 15
 * when the voxel lies above its column's highest opaque block (so skylight
 * goes straight down through transparent blocks without decaying), else 0.
 * An opaque voxel holds its source only; any other voxel holds
 *     L = max(source, max over its 6 neighbours of L - 1).
 * This has exactly one solution (every lit value is justified by a chain of
 * decrements from a source), so the result never depends on the order edits
 * are processed: the tests compare incremental light with a relight from
 * scratch after seeded edit storms.
 *
 * Engine.  Light never travels more than 14 voxels, so every change stays
 * inside the 3x3 chunks around the chunk it starts in: propagation runs on a
 * qk__light_region, the 3x3 block of chunk pointers around a centre column
 * (unloaded neighbours are dark walls), with flat FIFO queues of packed
 * entries (region-local x 0..47, z 0..47, y 0..255, level) - no hash sets.
 * Increases are a BFS from the new sources; a removal is a reverse BFS that
 * zeroes everything the old value could have lit, collects the brighter
 * voxels at its edge and the sources it cleared, and hands them to one
 * increase pass.  The region is the unit a later transaction layer (MVCC)
 * will snapshot, validate and commit; today each edit is committed at once,
 * within its tick.
 *
 * Storage.  Light lives beside the blocks, not in them: per section, each
 * channel is either uniform (one value, no array: open sky, solid rock) or
 * a 2 KiB nibble array.  Chunks keep a heightmap of their highest opaque
 * block per column, a geometry revision (block changes) and a light
 * revision (light changes); a light-only change never moves the geometry
 * revision, so a renderer can re-upload light without re-meshing.
 */
#ifndef QK_INTERNAL_LIGHT_H
#define QK_INTERNAL_LIGHT_H

#include <stdint.h>

#include "mem.h"
#include "quarry/qk.h"

enum { QK_LIGHT_SKY = 0, QK_LIGHT_BLOCK = 1 };

/* One channel of one section: uniform value, or 4096 nibbles. */
typedef struct qk__nibbles {
    uint8_t *data; /* NULL: every voxel holds `uniform` */
    uint8_t uniform;
} qk__nibbles;

/* Light of a whole column; lives in qk__chunk. */
typedef struct qk__chunk_light {
    qk__nibbles ch[2][QK_SECTIONS]; /* [channel][section] */
    int16_t height[QK_CHUNK_W * QK_CHUNK_W]; /* highest opaque y, -1 none; z*16+x */
    uint64_t light_rev, geometry_rev;
    uint64_t sec_digest[QK_SECTIONS];
    uint64_t digest;
    uint16_t stale; /* bit s: sec_digest[s] out of date */
} qk__chunk_light;

/* A FIFO of packed voxel entries; grown through the world's allocator and
 * kept for reuse between edits. */
typedef struct qk__lightq {
    uint32_t *v;
    size_t cap, head, tail;
} qk__lightq;

void qk__lightq_free(qk__mem *m, qk__lightq *q);

struct qk_world;

/* Lights every loaded chunk from scratch (creation, restore, and the oracle
 * the tests compare incremental light with).  Clears existing light first. */
qk_status qk__light_relight_all(struct qk_world *w);

/* Relights one column from scratch: clears it, seeds its sources and the
 * light its neighbours shine across its borders, propagates (spilling into
 * the neighbours as the rules require).  The benchmark's unit of work. */
qk_status qk__light_relight_chunk(struct qk_world *w, int32_t cx, int32_t cz);

/* After the block at (x, y, z) changed from `old` to `now` (already stored):
 * updates the heightmap, bumps the geometry revision and brings both
 * channels back to the fixed point.  QK_ERR_NOMEM leaves light stale (the
 * step then poisons the world). */
qk_status qk__light_block_changed(struct qk_world *w, int32_t x, int32_t y, int32_t z,
                                  qk_block_id old, qk_block_id now);

/* Light value of one channel at a loaded voxel (0 outside). */
uint8_t qk__light_get(const struct qk_world *w, int channel, int64_t x, int64_t y, int64_t z);

/* Digest of a column's light (both channels, all sections), incremental. */
uint64_t qk__light_chunk_digest(qk__chunk_light *l);

void qk__light_free(qk__mem *m, qk__chunk_light *l);

#endif /* QK_INTERNAL_LIGHT_H */
