/*
 * section.h - one 16x16x16 cube of block ids, stored with a palette.
 *
 * Most sections hold few distinct blocks (all air above ground, a handful of
 * materials below), so each voxel stores a small index into a per-section
 * palette instead of a 16-bit id:
 *
 *   bits 0   uniform: one id (`uniform`), no arrays at all
 *   bits 4   palette of up to 16 ids, 4096 nibbles = 2 KiB
 *   bits 8   palette of up to 256 ids, 4096 bytes = 4 KiB
 *   bits 16  no palette, 4096 raw ids = 8 KiB
 *
 * A set that needs a new id appends it to the palette, growing the index
 * width when the palette is full; stale palette entries stay until the
 * section is rebuilt (qk__section_fill, used by worldgen and restore, always
 * builds the compact canonical form: palette sorted by id, smallest width).
 * The representation never leaks: digests and snapshots see only the 4096
 * logical ids (qk__section_expand).
 *
 * Voxel index within a section: (y << 8) | (z << 4) | x, each 0..15.
 */
#ifndef QK_INTERNAL_SECTION_H
#define QK_INTERNAL_SECTION_H

#include <assert.h>
#include <stdint.h>

#include "mem.h"
#include "quarry/qk.h"

#define QK_SECTION_VOXELS 4096

typedef struct qk__section {
    uint8_t bits;         /* 0, 4, 8 or 16 */
    uint16_t pal_len;     /* palette entries in use (bits 4, 8) */
    qk_block_id uniform;  /* the id when bits == 0 */
    qk_block_id *palette; /* capacity 16 (bits 4) or 256 (bits 8) */
    uint8_t *data;        /* packed indices, or raw ids when bits == 16 */
} qk__section;

/* Palette index (or raw id when bits == 16) stored at voxel i. */
static inline uint32_t qk__section_index_at(const uint8_t *data, uint8_t bits, uint32_t i)
{
    switch (bits) {
    case 4: return (data[i >> 1] >> ((i & 1u) * 4)) & 15u;
    case 8: return data[i];
    case 16: return (uint32_t)data[2 * i] | (uint32_t)data[2 * i + 1] << 8;
    default: return 0;
    }
}

/* Block id at voxel index i. O(1); inline because physics and light call it
 * for every voxel they look at. */
static inline qk_block_id qk__section_get(const qk__section *s, uint32_t i)
{
    assert(i < QK_SECTION_VOXELS);
    if (s->bits == 0)
        return s->uniform;
    uint32_t v = qk__section_index_at(s->data, s->bits, i);
    return s->bits == 16 ? (qk_block_id)v : s->palette[v];
}

/* Sets voxel i to id; *prev (optional) receives the old id.  May grow the
 * index width: O(4096) then, O(palette) otherwise.  On QK_ERR_NOMEM the
 * section is unchanged. */
qk_status qk__section_set(qk__mem *m, qk__section *s, uint32_t i,
                          qk_block_id id, qk_block_id *prev);

/* Replaces the content with ids[4096] in canonical compact form.
 * On QK_ERR_NOMEM the section is unchanged. */
qk_status qk__section_fill(qk__mem *m, qk__section *s, const qk_block_id *ids);

/* The canonical form of a palette section (bits 4 or 8): its n distinct
 * ids ascending in pal[0..n), returns n; for n in 2..256 also every voxel's
 * index into pal, packed as snapshots store it, in packed[]: 4 bits for
 * n <= 16 (low nibble first, 2048 bytes), else 8 bits (4096 bytes).  Costs
 * one pass over the indices (a copy when the section is already
 * canonical), never a scan of the id space.  Not for bits 0 or 16. */
uint32_t qk__section_canonical(const qk__section *s, qk_block_id pal[256], uint8_t *packed);

/* Builds *out from a canonical form the caller has checked: n in 1..256
 * ids ascending, and for n >= 2 packed indices below n, every one used.
 * On QK_ERR_NOMEM *out is untouched. */
qk_status qk__section_from_canonical(qk__mem *m, qk__section *out, const qk_block_id *pal,
                                     uint32_t n, const uint8_t *packed);

/* Writes the 4096 logical ids to out. */
void qk__section_expand(const qk__section *s, qk_block_id *out);

/* Frees the arrays; the section becomes uniform air. */
void qk__section_free(qk__mem *m, qk__section *s);

/* Bytes of palette + data held. */
size_t qk__section_heap_bytes(const qk__section *s);

#endif /* QK_INTERNAL_SECTION_H */
