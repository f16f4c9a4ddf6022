/*
 * light_store.c - where light lives: nibble arrays, the propagation
 * scratch, committing and dropping a transaction's overlay, queries and
 * digests.  The engine that computes light is light.c; light.h states the
 * rules and the storage layout.
 */
#include <string.h>

#include "fixed.h"
#include "hash.h"
#include "light.h"
#include "txn.h"
#include "world.h"

static void nib_release(qk__mem *m, qk__nibbles *n)
{
    qk__mem_free(m, n->data, QK_NIBBLE_BYTES);
    n->data = NULL;
}

void qk__light_free(qk__mem *m, qk__chunk_light *l)
{
    for (int ch = 0; ch < 2; ch++)
        for (int s = 0; s < QK_SECTIONS; s++) {
            nib_release(m, &l->ch[ch][s]);
            l->ch[ch][s].uniform = 0;
        }
}

/* ---- scratch ----------------------------------------------------------- */

uint8_t *qk__scratch_block(qk_world *w, qk__scratch *s)
{
    if (s->n_blocks)
        return s->blocks[--s->n_blocks];
    if (s->can_grow)
        return qk__mem_alloc(&w->mem, QK_NIBBLE_BYTES);
    s->starved = true;
    return NULL;
}

void qk__scratch_put(qk_world *w, qk__scratch *s, uint8_t *block)
{
    if (!block)
        return;
    if (s->n_blocks < s->cap_blocks)
        s->blocks[s->n_blocks++] = block;
    else
        qk__mem_free(&w->mem, block, QK_NIBBLE_BYTES);
}

qk_status qk__lightq_reserve(qk__mem *m, qk__lightq *q, size_t cap)
{
    if (q->cap >= cap)
        return QK_OK;
    uint32_t *v = qk__mem_alloc(m, cap * sizeof *v);
    if (!v)
        return QK_ERR_NOMEM;
    if (q->v)
        memcpy(v, q->v, q->tail * sizeof *v);
    qk__mem_free(m, q->v, q->cap * sizeof *v);
    q->v = v;
    q->cap = cap;
    return QK_OK;
}

qk_status qk__scratch_reserve(qk_world *w, qk__scratch *s, uint32_t cap, uint32_t blocks,
                              size_t qcap)
{
    for (int i = 0; i < 2; i++)
        if (qk__lightq_reserve(&w->mem, &s->q[i], qcap) != QK_OK)
            return QK_ERR_NOMEM;
    cap = cap > blocks ? cap : blocks;
    if (s->cap_blocks < cap) {
        uint8_t **v = qk__mem_alloc(&w->mem, cap * sizeof *v);
        if (!v)
            return QK_ERR_NOMEM;
        if (s->n_blocks)
            memcpy(v, s->blocks, s->n_blocks * sizeof *v);
        qk__mem_free(&w->mem, s->blocks, s->cap_blocks * sizeof *v);
        s->blocks = v;
        s->cap_blocks = cap;
    }
    while (s->n_blocks < blocks) {
        uint8_t *b = qk__mem_alloc(&w->mem, QK_NIBBLE_BYTES);
        if (!b)
            return QK_ERR_NOMEM;
        s->blocks[s->n_blocks++] = b;
    }
    return QK_OK;
}

void qk__scratch_free(qk_world *w, qk__scratch *s)
{
    for (int i = 0; i < 2; i++) {
        qk__mem_free(&w->mem, s->q[i].v, s->q[i].cap * sizeof *s->q[i].v);
        memset(&s->q[i], 0, sizeof s->q[i]);
    }
    while (s->n_blocks)
        qk__mem_free(&w->mem, s->blocks[--s->n_blocks], QK_NIBBLE_BYTES);
    qk__mem_free(&w->mem, s->blocks, s->cap_blocks * sizeof *s->blocks);
    s->blocks = NULL;
    s->cap_blocks = 0;
}

/* ---- commits ----------------------------------------------------------- */

/* Every byte of a nibble array is b?  Eight bytes at a time. */
static bool all_bytes(const uint8_t *data, uint8_t b)
{
    uint64_t want = UINT64_C(0x0101010101010101) * b;
    for (size_t k = 0; k < QK_NIBBLE_BYTES; k += 8) {
        uint64_t v;
        memcpy(&v, data + k, sizeof v);
        if (v != want)
            return false;
    }
    return true;
}

/* Both representations hold the same 4096 values? */
static bool nib_equal(const qk__nibbles *a, const qk__nibbles *b)
{
    if (!a->data && !b->data)
        return a->uniform == b->uniform;
    if (a->data && b->data)
        return memcmp(a->data, b->data, QK_NIBBLE_BYTES) == 0;
    const qk__nibbles *arr = a->data ? a : b;
    return all_bytes(arr->data, (uint8_t)((a->data ? b->uniform : a->uniform) * 0x11));
}

/* An array whose values are all equal becomes uniform (open sky after a
 * source is removed), so memory follows the light, not its history. */
static void nib_compact(qk_world *w, qk__scratch *s, qk__nibbles *n)
{
    if (!n->data)
        return;
    uint8_t b = n->data[0];
    if ((b >> 4) != (b & 15) || !all_bytes(n->data, b))
        return;
    qk__scratch_put(w, s, n->data);
    n->data = NULL;
    n->uniform = b & 15;
}

uint16_t qk__light_commit(qk_world *w, int32_t cx, int32_t cz, qk__overlay *ov,
                          const uint8_t order[9], qk__scratch *s)
{
    uint16_t changed = 0;
    for (int o = 0; o < 9; o++) {
        int i = order[o];
        qk__chunk *c = qk__world_chunk(w, cx - 1 + i / 3, cz - 1 + i % 3);
        for (int ch = 0; ch < 2; ch++) {
            uint16_t m = ov->mask[ch][i];
            for (int sec = 0; m; sec++, m >>= 1) {
                if (!(m & 1u))
                    continue;
                qk__nibbles *p = &ov->sec[ch][i][sec], *b = &c->light.ch[ch][sec];
                if (nib_equal(p, b)) {
                    qk__scratch_put(w, s, p->data);
                } else {
                    nib_compact(w, s, p);
                    qk__scratch_put(w, s, b->data);
                    *b = *p;
                    c->light.stale |= (uint16_t)(1u << sec);
                    changed |= (uint16_t)(1u << i);
                }
                p->data = NULL;
            }
            ov->mask[ch][i] = 0;
        }
    }
    return changed;
}

void qk__light_discard(qk_world *w, qk__overlay *ov, qk__scratch *s)
{
    for (int ch = 0; ch < 2; ch++)
        for (int i = 0; i < 9; i++) {
            for (int sec = 0; sec < QK_SECTIONS; sec++)
                if (ov->mask[ch][i] & (1u << sec)) {
                    qk__scratch_put(w, s, ov->sec[ch][i][sec].data);
                    ov->sec[ch][i][sec].data = NULL;
                }
            ov->mask[ch][i] = 0;
        }
}

/* ---- queries and digests ----------------------------------------------- */

uint8_t qk__light_get(const qk_world *w, int channel, int64_t x, int64_t y, int64_t z)
{
    if (y < 0 || y >= QK_CHUNK_H)
        return 0;
    const qk__chunk *c = qk__world_chunk(w, (int32_t)qk__floordiv(x, 16), (int32_t)qk__floordiv(z, 16));
    if (!c)
        return 0;
    return qk__nib_get(&c->light.ch[channel][y >> 4],
                       (uint32_t)(y & 15) << 8 | (uint32_t)qk__floormod(z, 16) << 4 |
                           (uint32_t)qk__floormod(x, 16));
}

void qk__light_copy_out(const qk__chunk_light *l, uint8_t *out)
{
    for (int ch = 0; ch < 2; ch++)
        for (int s = 0; s < QK_SECTIONS; s++, out += QK_NIBBLE_BYTES) {
            const qk__nibbles *n = &l->ch[ch][s];
            if (n->data)
                memcpy(out, n->data, QK_NIBBLE_BYTES);
            else
                memset(out, n->uniform * 0x11, QK_NIBBLE_BYTES);
        }
}

static uint64_t section_light_digest(const qk__chunk_light *l, int s)
{
    uint8_t raw[2 * QK_NIBBLE_BYTES];
    for (int ch = 0; ch < 2; ch++) {
        const qk__nibbles *n = &l->ch[ch][s];
        if (n->data)
            memcpy(raw + ch * QK_NIBBLE_BYTES, n->data, QK_NIBBLE_BYTES);
        else
            memset(raw + ch * QK_NIBBLE_BYTES, n->uniform * 0x11, QK_NIBBLE_BYTES);
    }
    return XXH3_64bits(raw, sizeof raw);
}

uint64_t qk__light_chunk_digest(qk__chunk_light *l)
{
    if (!l->stale)
        return l->digest;
    for (int s = 0; s < QK_SECTIONS; s++)
        if (l->stale & (1u << s))
            l->sec_digest[s] = section_light_digest(l, s);
    uint8_t raw[8 * QK_SECTIONS];
    qk__wbuf b = {raw, sizeof raw, 0};
    for (int s = 0; s < QK_SECTIONS; s++)
        qk__put64(&b, l->sec_digest[s]);
    l->digest = XXH3_64bits(raw, b.len);
    l->stale = 0;
    return l->digest;
}
