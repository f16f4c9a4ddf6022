/*
 * chunk.c - chunk columns and their incremental digests (see chunk.h).
 */
#include "chunk.h"

#include <string.h>
#include "bytes.h"
#include "hash.h"
#include "worldgen.h"

qk_status qk__chunk_set(qk__mem *m, qk__chunk *c, uint32_t x, uint32_t y, uint32_t z,
                        qk_block_id id, qk_block_id *prev)
{
    qk_block_id old;
    qk_status st = qk__section_set(m, &c->sec[y >> 4], ((y & 15u) << 8) | (z << 4) | x, id, &old);
    if (prev)
        *prev = old;
    if (st == QK_OK && old != id)
        c->stale |= (uint16_t)(1u << (y >> 4));
    return st;
}

qk_status qk__chunk_fill(qk__mem *m, qk__chunk *c, const qk_block_id *column)
{
    /* The generator layout (y<<8 | z<<4 | x) makes each section a
     * contiguous run of 4096 ids. */
    for (uint32_t s = 0; s < QK_SECTIONS; s++) {
        qk_status st = qk__section_fill(m, &c->sec[s], column + (size_t)s * QK_SECTION_VOXELS);
        if (st != QK_OK)
            return st;
    }
    c->stale = 0xFFFF;
    return QK_OK;
}

static uint64_t section_digest(const qk__section *s)
{
    qk_block_id ids[QK_SECTION_VOXELS];
    uint8_t le[2 * QK_SECTION_VOXELS];
    qk__section_expand(s, ids);
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++) {
        le[2 * i] = (uint8_t)ids[i];
        le[2 * i + 1] = (uint8_t)(ids[i] >> 8);
    }
    return XXH3_64bits(le, sizeof le);
}

uint64_t qk__chunk_digest(qk__chunk *c)
{
    if (!c->stale)
        return c->digest;
    for (uint32_t s = 0; s < QK_SECTIONS; s++)
        if (c->stale & (1u << s))
            c->sec_digest[s] = section_digest(&c->sec[s]);
    uint8_t raw[8 + 8 * QK_SECTIONS];
    qk__wbuf b = {raw, sizeof raw, 0};
    qk__put32(&b, (uint32_t)c->cx);
    qk__put32(&b, (uint32_t)c->cz);
    for (uint32_t s = 0; s < QK_SECTIONS; s++)
        qk__put64(&b, c->sec_digest[s]);
    c->digest = XXH3_64bits(raw, b.len);
    c->stale = 0;
    return c->digest;
}

void qk__chunk_free(qk__mem *m, qk__chunk *c)
{
    for (uint32_t s = 0; s < QK_SECTIONS; s++)
        qk__section_free(m, &c->sec[s]);
    qk__light_free(m, &c->light);
}
