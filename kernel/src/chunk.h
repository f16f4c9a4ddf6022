/*
 * chunk.h - a 16x256x16 column of blocks: 16 palette sections plus the
 * cached digests that make per-tick hashing incremental.
 *
 * Digests are Merkle-style: a section's digest is XXH3 of its 4096 logical
 * ids (little-endian u16, index order (y<<8)|(z<<4)|x), the chunk's digest is
 * XXH3 of (cx, cz, the 16 section digests), and the world's blocks digest is
 * XXH3 of the chunk digests in key order.  A block edit marks one section
 * stale, so a tick re-hashes 8 KiB per edited section and 136 bytes per
 * edited chunk, never the world.
 */
#ifndef QK_INTERNAL_CHUNK_H
#define QK_INTERNAL_CHUNK_H

#include <stdbool.h>
#include <stdint.h>

#include "light.h"
#include "mem.h"
#include "section.h"

typedef struct qk__chunk {
    int32_t cx, cz;
    qk__section sec[QK_SECTIONS];
    uint64_t sec_digest[QK_SECTIONS];
    uint64_t digest;
    uint16_t stale; /* bit s: sec_digest[s] out of date */
    qk__chunk_light light; /* light, heightmap, revisions (light.h) */
    /* The light revision the column had when world creation finished,
     * when known (creation, load, a snapshot's as-generated mark).  Every
     * later change moves a revision, so a column whose geometry revision
     * is still 1 (creation's) and light revision still gen_light holds
     * exactly the generator's blocks and creation's history: a save
     * stores it as one byte (qk_save_chunk). */
    bool gen_known;
    uint64_t gen_light;
} qk__chunk;

static inline bool qk__chunk_as_generated(const qk__chunk *c)
{
    return c->gen_known && c->light.geometry_rev == 1 && c->light.light_rev == c->gen_light;
}

/* Local voxel (x 0..15, y 0..255, z 0..15). */
static inline qk_block_id qk__chunk_get(const qk__chunk *c, uint32_t x, uint32_t y, uint32_t z)
{
    return qk__section_get(&c->sec[y >> 4], ((y & 15u) << 8) | (z << 4) | x);
}

/* Sets a local voxel, marking its section's digest stale. */
qk_status qk__chunk_set(qk__mem *m, qk__chunk *c, uint32_t x, uint32_t y, uint32_t z,
                        qk_block_id id, qk_block_id *prev);

/* Replaces all sections from a generator column (worldgen.h layout).
 * On QK_ERR_NOMEM some sections may hold new content: callers discard the
 * chunk (world creation) in that case. */
qk_status qk__chunk_fill(qk__mem *m, qk__chunk *c, const qk_block_id *column);

/* Brings digests up to date; returns the chunk digest.  Cost: 8 KiB hashed
 * per stale section. */
uint64_t qk__chunk_digest(qk__chunk *c);

void qk__chunk_free(qk__mem *m, qk__chunk *c);

#endif /* QK_INTERNAL_CHUNK_H */
