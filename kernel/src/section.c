/*
 * section.c - palette storage for 16x16x16 sections (design in section.h).
 */
#include "section.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

static size_t data_bytes(uint8_t bits)
{
    return bits == 0 ? 0 : (size_t)QK_SECTION_VOXELS * bits / 8;
}

static size_t pal_cap(uint8_t bits)
{
    return bits == 4 ? 16 : bits == 8 ? 256 : 0;
}

size_t qk__section_heap_bytes(const qk__section *s)
{
    return data_bytes(s->bits) + pal_cap(s->bits) * sizeof(qk_block_id);
}

static void index_put(uint8_t *data, uint8_t bits, uint32_t i, uint32_t v)
{
    switch (bits) {
    case 4: {
        unsigned shift = (i & 1u) * 4;
        data[i >> 1] = (uint8_t)((data[i >> 1] & ~(15u << shift)) | (v << shift));
        break;
    }
    case 8: data[i] = (uint8_t)v; break;
    case 16:
        data[2 * i] = (uint8_t)v;
        data[2 * i + 1] = (uint8_t)(v >> 8);
        break;
    default: break;
    }
}

void qk__section_expand(const qk__section *s, qk_block_id *out)
{
    /* One loop per width (digests and the renderer expand whole sections). */
    const uint8_t *d = s->data;
    switch (s->bits) {
    case 0:
        for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
            out[i] = s->uniform;
        break;
    case 4:
        for (uint32_t i = 0; i < QK_SECTION_VOXELS / 2; i++) {
            out[2 * i] = s->palette[d[i] & 15u];
            out[2 * i + 1] = s->palette[d[i] >> 4];
        }
        break;
    case 8:
        for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
            out[i] = s->palette[d[i]];
        break;
    default:
        for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
            out[i] = qk__section_get(s, i);
        break;
    }
}

void qk__section_free(qk__mem *m, qk__section *s)
{
    qk__mem_free(m, s->data, data_bytes(s->bits));
    qk__mem_free(m, s->palette, pal_cap(s->bits) * sizeof(qk_block_id));
    memset(s, 0, sizeof *s);
}

/* Fresh zeroed arrays for width `bits` in *n, with palette pal[0..pal_len)
 * (bits 4 and 8).  On failure nothing is held and *n is untouched. */
static qk_status alloc_arrays(qk__mem *m, qk__section *n, uint8_t bits,
                              const qk_block_id *pal, uint16_t pal_len)
{
    qk__section t = {.bits = bits, .pal_len = pal_len};
    t.data = qk__mem_zalloc(m, data_bytes(bits));
    if (!t.data)
        return QK_ERR_NOMEM;
    if (pal_cap(bits)) {
        t.palette = qk__mem_zalloc(m, pal_cap(bits) * sizeof(qk_block_id));
        if (!t.palette) {
            qk__mem_free(m, t.data, data_bytes(bits));
            return QK_ERR_NOMEM;
        }
        if (pal_len)
            memcpy(t.palette, pal, pal_len * sizeof(qk_block_id));
    }
    *n = t;
    return QK_OK;
}

/* Builds a section of width `bits` holding ids[4096] with palette `pal`
 * (pal_len entries, none for bits 16) into *out; `lookup` maps a block id to
 * its palette index.  On failure *out is untouched and nothing is leaked. */
static qk_status build(qk__mem *m, qk__section *out, uint8_t bits,
                       const qk_block_id *pal, uint16_t pal_len,
                       const qk_block_id *ids, const uint16_t *lookup)
{
    qk__section n;
    if (alloc_arrays(m, &n, bits, pal, pal_len) != QK_OK)
        return QK_ERR_NOMEM;
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++) {
        index_put(n.data, bits, i, bits == 16 ? ids[i] : lookup[ids[i]]);
    }
    *out = n;
    return QK_OK;
}

/* Grows s to the next width, keeping its content and palette order. */
static qk_status widen(qk__mem *m, qk__section *s)
{
    uint8_t nb = s->bits == 0 ? 4 : s->bits == 4 ? 8 : 16;
    qk_block_id pal[256];
    uint16_t pal_len;
    if (s->bits == 0) {
        pal[0] = s->uniform;
        pal_len = 1;
    } else {
        memcpy(pal, s->palette, s->pal_len * sizeof(qk_block_id));
        pal_len = s->pal_len;
    }
    /* Widening keeps palette indices, so indices are copied, not looked up. */
    qk__section n;
    if (alloc_arrays(m, &n, nb, pal, nb == 16 ? 0 : pal_len) != QK_OK)
        return QK_ERR_NOMEM;
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++) {
        uint32_t v = s->bits == 0 ? 0 : qk__section_index_at(s->data, s->bits, i);
        index_put(n.data, nb, i, nb == 16 ? pal[v] : v);
    }
    qk__section_free(m, s);
    *s = n;
    return QK_OK;
}

qk_status qk__section_set(qk__mem *m, qk__section *s, uint32_t i,
                          qk_block_id id, qk_block_id *prev)
{
    assert(i < QK_SECTION_VOXELS);
    qk_block_id old = qk__section_get(s, i);
    if (prev)
        *prev = old;
    if (old == id)
        return QK_OK;
    for (;;) {
        if (s->bits == 16) {
            index_put(s->data, 16, i, id);
            return QK_OK;
        }
        if (s->bits != 0) {
            for (uint16_t k = 0; k < s->pal_len; k++) {
                if (s->palette[k] == id) {
                    index_put(s->data, s->bits, i, k);
                    return QK_OK;
                }
            }
            if (s->pal_len < pal_cap(s->bits)) {
                s->palette[s->pal_len] = id;
                index_put(s->data, s->bits, i, s->pal_len);
                s->pal_len++;
                return QK_OK;
            }
        }
        qk_status st = widen(m, s);
        if (st != QK_OK)
            return st;
    }
}

qk_status qk__section_fill(qk__mem *m, qk__section *s, const qk_block_id *ids)
{
    /* Distinct ids in ascending order: a presence bitmap over the id space. */
    uint8_t present[QK_MAX_BLOCKS / 8];
    memset(present, 0, sizeof present);
    uint32_t distinct = 0;
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++) {
        qk_block_id id = ids[i];
        assert(id < QK_MAX_BLOCKS);
        if (!(present[id >> 3] & (1u << (id & 7)))) {
            present[id >> 3] |= (uint8_t)(1u << (id & 7));
            distinct++;
        }
    }
    qk__section n = {0};
    if (distinct == 1) {
        n.uniform = ids[0];
    } else {
        qk_block_id pal[256];
        uint16_t lookup[QK_MAX_BLOCKS];
        uint16_t len = 0;
        uint8_t bits = distinct <= 16 ? 4 : distinct <= 256 ? 8 : 16;
        if (bits != 16) {
            for (uint32_t id = 0; id < QK_MAX_BLOCKS; id++) {
                if (present[id >> 3] & (1u << (id & 7))) {
                    lookup[id] = len;
                    pal[len++] = (qk_block_id)id;
                }
            }
        }
        qk_status st = build(m, &n, bits, bits == 16 ? NULL : pal, bits == 16 ? 0 : len, ids, lookup);
        if (st != QK_OK)
            return st;
    }
    qk__section_free(m, s);
    *s = n;
    return QK_OK;
}

uint32_t qk__section_canonical(const qk__section *s, qk_block_id pal[256], uint8_t *packed)
{
    assert(s->bits == 4 || s->bits == 8);
    uint8_t used[256];
    memset(used, 0, sizeof used);
    size_t nbytes = data_bytes(s->bits);
    if (s->bits == 4) {
        for (size_t i = 0; i < nbytes; i++) {
            used[s->data[i] & 15u] = 1;
            used[s->data[i] >> 4] = 1;
        }
    } else {
        for (size_t i = 0; i < nbytes; i++)
            used[s->data[i]] = 1;
    }
    /* The used entries' old indices, sorted by id (insertion sort: at
     * most 256, nearly sorted in practice). */
    uint8_t order[256];
    uint32_t k = 0;
    for (uint32_t i = 0; i < s->pal_len; i++) {
        if (!used[i])
            continue;
        uint32_t j = k++;
        while (j > 0 && s->palette[order[j - 1]] > s->palette[i]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = (uint8_t)i;
    }
    /* New index of each old one; equal ids (never made by qk__section_set,
     * but cheap to allow) share one. */
    uint8_t remap[256];
    uint32_t n = 0;
    bool identity = true;
    for (uint32_t j = 0; j < k; j++) {
        qk_block_id id = s->palette[order[j]];
        if (n == 0 || pal[n - 1] != id)
            pal[n++] = id;
        remap[order[j]] = (uint8_t)(n - 1);
        identity = identity && order[j] == n - 1;
    }
    identity = identity && n == k && n == s->pal_len;
    if (n < 2)
        return n;
    uint8_t width = n <= 16 ? 4 : 8;
    if (identity && width == s->bits) {
        memcpy(packed, s->data, nbytes);
        return n;
    }
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i += 2) {
        uint32_t a = remap[qk__section_index_at(s->data, s->bits, i)];
        uint32_t b = remap[qk__section_index_at(s->data, s->bits, i + 1)];
        if (width == 4) {
            packed[i >> 1] = (uint8_t)(a | b << 4);
        } else {
            packed[i] = (uint8_t)a;
            packed[i + 1] = (uint8_t)b;
        }
    }
    return n;
}

qk_status qk__section_from_canonical(qk__mem *m, qk__section *out, const qk_block_id *pal,
                                     uint32_t n, const uint8_t *packed)
{
    assert(n >= 1 && n <= 256);
    if (n == 1) {
        *out = (qk__section){.uniform = pal[0]};
        return QK_OK;
    }
    uint8_t bits = n <= 16 ? 4 : 8;
    qk__section t;
    if (alloc_arrays(m, &t, bits, pal, (uint16_t)n) != QK_OK)
        return QK_ERR_NOMEM;
    memcpy(t.data, packed, data_bytes(bits));
    *out = t;
    return QK_OK;
}
