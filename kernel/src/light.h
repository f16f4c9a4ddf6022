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
 * increase pass.  The region is the unit the transaction layer (txn.h)
 * snapshots, validates and commits: a transaction's writes go to copies of
 * the sections it touches (an overlay) and reach the columns only when it
 * commits.
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

#include <stdbool.h>
#include <stdint.h>

#include "mem.h"
#include "quarry/qk.h"

enum { QK_LIGHT_SKY = 0, QK_LIGHT_BLOCK = 1 };

/* One channel of one section: uniform value, or 4096 nibbles. */
typedef struct qk__nibbles {
    uint8_t *data; /* NULL: every voxel holds `uniform` */
    uint8_t uniform;
} qk__nibbles;

#define QK_NIBBLE_BYTES (QK_SECTION_VOXELS / 2)

/* Nibble i of a 2 KiB array: voxel i's low nibble when i is even. */
static inline uint8_t qk__nib_at(const uint8_t *data, uint32_t i)
{
    return (uint8_t)((data[i >> 1] >> ((i & 1u) * 4)) & 15u);
}

static inline void qk__nib_put(uint8_t *data, uint32_t i, uint8_t v)
{
    unsigned shift = (i & 1u) * 4;
    data[i >> 1] = (uint8_t)((data[i >> 1] & ~(15u << shift)) | ((unsigned)v << shift));
}

static inline uint8_t qk__nib_get(const qk__nibbles *n, uint32_t i)
{
    return n->data ? qk__nib_at(n->data, i) : n->uniform;
}

/* Light of a whole column; lives in qk__chunk. */
typedef struct qk__chunk_light {
    qk__nibbles ch[2][QK_SECTIONS]; /* [channel][section] */
    int16_t height[QK_CHUNK_W * QK_CHUNK_W]; /* highest opaque y, -1 none; z*16+x */
    uint64_t light_rev, geometry_rev;
    qk_txn_record hist[QK_TXN_HISTORY]; /* last commits, newest first */
    uint8_t n_hist;
    uint64_t sec_digest[QK_SECTIONS];
    uint64_t digest;
    uint16_t stale; /* bit s: sec_digest[s] out of date */
} qk__chunk_light;

/* A FIFO of packed voxel entries, kept for reuse between edits. */
typedef struct qk__lightq {
    uint32_t *v;
    size_t cap, head, tail;
} qk__lightq;

/* Propagation scratch: two queues and a stack of free 2 KiB nibble blocks.
 * The world has one for its own thread; each worker has one (txn.h says
 * why workers never allocate). */
typedef struct qk__scratch {
    qk__lightq q[2];
    uint8_t **blocks;   /* free nibble blocks */
    uint32_t n_blocks, cap_blocks;
    bool can_grow;      /* may call the world's allocator */
    bool starved;       /* a queue or the block stack ran dry (workers) */
} qk__scratch;

/* A transaction's private light: copies of the sections it wrote, per
 * channel and region column (index i*3+k for column (cx-1+i, cz-1+k)). */
typedef struct qk__overlay {
    qk__nibbles sec[2][9][QK_SECTIONS];
    uint16_t mask[2][9]; /* bit s: sec[ch][c][s] is a private copy */
} qk__overlay;

struct qk_world;
struct qk__txn;
struct qk__chunk;

/* Lights every loaded chunk from scratch, in place, without moving
 * revisions (restore, and the oracle the tests compare incremental light
 * with).  Computes heightmaps and clears existing light first. */
qk_status qk__light_relight_all(struct qk_world *w);

/* Relights one column from scratch, in place: clears it, seeds its sources
 * and the light its neighbours shine across its borders, propagates
 * (spilling into the neighbours as the rules require).  The benchmark's
 * unit of work; revisions do not move. */
qk_status qk__light_relight_chunk(struct qk_world *w, int32_t cx, int32_t cz);

/* Heightmaps of one column from its blocks (world creation). */
void qk__light_heights(const struct qk_world *w, struct qk__chunk *c);

/* Geometry side of an edit at local (x, y, z) of c whose block is now
 * `now` (already stored): updates the column's heightmap, reporting the
 * highest opaque y before and after. */
void qk__light_height_edit(const struct qk_world *w, struct qk__chunk *c, uint32_t x,
                           uint32_t y, uint32_t z, qk_block_id now, int16_t *h_old,
                           int16_t *h_new);

/* Executes a transaction's light work into its overlay, reading the
 * committed state and recording the revisions it read.  Never writes the
 * world.  Allocates only through s (and the world's allocator if
 * s->can_grow).  `in_place` writes the columns directly instead (no copy,
 * no commit, no revisions): the benchmark's baseline for what the
 * transaction machinery costs. */
qk_status qk__light_exec(struct qk_world *w, struct qk__txn *t, qk__scratch *s, bool in_place);

/* Swaps the overlay's sections that differ from the columns' into them,
 * columns in `order` (9 region indices); returns bit i set for each region
 * column whose light changed.  Replaced and unused blocks go to s. */
uint16_t qk__light_commit(struct qk_world *w, int32_t cx, int32_t cz, qk__overlay *ov,
                          const uint8_t order[9], qk__scratch *s);

/* Drops an overlay, its blocks going to s. */
void qk__light_discard(struct qk_world *w, qk__overlay *ov, qk__scratch *s);

/* Scratch: lets the block stack hold `cap` blocks, fills it to `blocks`
 * and makes room for `qcap` entries per queue (caller's thread).
 * QK_ERR_NOMEM. */
qk_status qk__scratch_reserve(struct qk_world *w, qk__scratch *s, uint32_t cap, uint32_t blocks,
                              size_t qcap);
/* A free nibble block from s; from the allocator if s is empty and may
 * grow, else NULL (and s->starved). */
uint8_t *qk__scratch_block(struct qk_world *w, qk__scratch *s);
/* Room for `cap` entries in q (keeps its contents).  QK_ERR_NOMEM. */
qk_status qk__lightq_reserve(qk__mem *m, qk__lightq *q, size_t cap);
/* Returns a block to s (or to the allocator when s is full). */
void qk__scratch_put(struct qk_world *w, qk__scratch *s, uint8_t *block);
/* Frees everything s holds. */
void qk__scratch_free(struct qk_world *w, qk__scratch *s);

/* Light value of one channel at a loaded voxel (0 outside). */
uint8_t qk__light_get(const struct qk_world *w, int channel, int64_t x, int64_t y, int64_t z);

/* Copies a column's light, both channels, as QK_CHUNK_LIGHT_BYTES (qk.h). */
void qk__light_copy_out(const qk__chunk_light *l, uint8_t *out);

/* Digest of a column's light (both channels, all sections), incremental. */
uint64_t qk__light_chunk_digest(qk__chunk_light *l);

void qk__light_free(qk__mem *m, qk__chunk_light *l);

#endif /* QK_INTERNAL_LIGHT_H */
