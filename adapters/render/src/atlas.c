/*
 * atlas.c - a column's light as a 2D texture for the baker's shader.
 *
 * One versioned read (qk_light_read) per column, never a query per voxel:
 * the kernel hands over both channels' nibbles as of one light revision,
 * so the atlas is a consistent picture even if the caller reads it between
 * commits.  The atlas row y*16+z, column x is exactly the kernel's voxel
 * index section*4096 + ((y&15)<<8 | z<<4 | x), so reshaping is unpacking
 * nibbles into the R (sky) and G (block) bytes of each texel.
 */
#include <stdlib.h>

#include "quarry/qm.h"

qk_status qm_light_atlas(const qk_world *w, int32_t cx, int32_t cz, uint8_t *out,
                         uint64_t *light_rev)
{
    qk_chunk_revs revs;
    if (!w || !out)
        return QK_ERR_INVALID;
    if (qk_chunk_revisions(w, cx, cz, &revs) != QK_OK)
        return QK_ERR_RANGE;
    uint8_t *raw = malloc(QK_CHUNK_LIGHT_BYTES);
    if (!raw)
        return QK_ERR_NOMEM;
    qk_status st = qk_light_read(w, cx, cz, revs.light, raw);
    if (st == QK_OK) {
        enum { VOXELS = QK_CHUNK_H * QK_CHUNK_W * QK_CHUNK_W, HALF = VOXELS / 2 };
        for (uint32_t c = 0; c < 2; c++) {
            const uint8_t *src = raw + c * HALF;
            uint8_t *dst = out + c;
            for (uint32_t i = 0; i < HALF; i++) {
                dst[4 * i] = src[i] & 15u;
                dst[4 * i + 2] = (uint8_t)(src[i] >> 4);
            }
        }
        if (light_rev)
            *light_rev = revs.light;
    }
    free(raw);
    return st;
}
