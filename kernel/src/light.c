/*
 * light.c - skylight and block light (rules, engine and storage: light.h).
 *
 * Every operation works on a region: the 3x3 chunk columns around a centre
 * column, addressed with region-local coordinates X, Z in 0..47 and Y in
 * 0..255.  Queue entries pack X (6 bits), Z (6), Y (8) and a level (4).
 *
 * An edit (qk__light_block_changed) does, for each channel:
 *   1. update the column's heightmap (skylight sources move with it);
 *   2. zero the voxels whose source vanished or that became opaque, and
 *      queue them for removal with their old level;
 *   3. removal (reverse BFS): a neighbour dimmer than the removed level may
 *      have been lit by it, so it is zeroed and queued in turn (and, if it is
 *      itself a source, queued to be re-seeded); a neighbour at least as
 *      bright is lit from elsewhere and is queued for the increase pass;
 *   4. re-seed: every queued voxel gets max(current, source);
 *   5. increase (BFS): each voxel offers level - 1 to its transparent
 *      neighbours that are dimmer.
 * Increases always read the voxel's current level, so stale or duplicate
 * queue entries cost a little time and never correctness.
 *
 * Writes go either straight to the columns (relight from scratch: restore,
 * the tests' oracle, the benchmark) or, for a transaction, to its overlay:
 * the first write to a section copies it (copy on write), later reads of
 * that section see the copy, and the columns are untouched until
 * qk__light_commit swaps the copies in.  Blocks for arrays come from a
 * qk__scratch, so workers run without the caller's allocator.
 *
 * A full relight of a column seeds skylight directly (15 above the
 * heightmap, written per section, uniform where possible) and queues only
 * the sky voxels next to a column whose roof is higher, i.e. where skylight
 * can spill sideways into shade; emitters are found through the section
 * palettes, so sections without an emissive block are never scanned.
 */
#include "light.h"

#include <string.h>

#include "fixed.h"
#include "hash.h"
#include "txn.h"
#include "world.h"

/* ---- nibble storage ---------------------------------------------------- */

#define NIBBLE_BYTES (QK_SECTION_VOXELS / 2)

static inline uint8_t nib_get(const qk__nibbles *n, uint32_t i)
{
    return n->data ? (uint8_t)((n->data[i >> 1] >> ((i & 1u) * 4)) & 15u) : n->uniform;
}

static void nib_release(qk__mem *m, qk__nibbles *n)
{
    qk__mem_free(m, n->data, NIBBLE_BYTES);
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

static uint8_t *scratch_block(qk_world *w, qk__scratch *s)
{
    if (s->n_blocks)
        return s->blocks[--s->n_blocks];
    if (s->can_grow)
        return qk__mem_alloc(&w->mem, NIBBLE_BYTES);
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
        qk__mem_free(&w->mem, block, NIBBLE_BYTES);
}

static qk_status q_reserve(qk__mem *m, qk__lightq *q, size_t cap)
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
        if (q_reserve(&w->mem, &s->q[i], qcap) != QK_OK)
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
        uint8_t *b = qk__mem_alloc(&w->mem, NIBBLE_BYTES);
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
        qk__mem_free(&w->mem, s->blocks[--s->n_blocks], NIBBLE_BYTES);
    qk__mem_free(&w->mem, s->blocks, s->cap_blocks * sizeof *s->blocks);
    s->blocks = NULL;
    s->cap_blocks = 0;
}

/* ---- queues ------------------------------------------------------------ */

static inline uint32_t pack(uint32_t X, uint32_t Y, uint32_t Z, uint32_t level)
{
    return X | Z << 6 | Y << 12 | level << 20;
}

/* ---- regions ----------------------------------------------------------- */

typedef struct region {
    qk_world *w;
    int32_t cx0, cz0;    /* chunk coordinates of region-local (0, 0) */
    qk__chunk *c[9];     /* [X/16*3 + Z/16]; NULL: not loaded */
    qk__nibbles *lt[2][9][QK_SECTIONS]; /* where reads (and writes) go */
    qk__overlay *ov;     /* NULL: write the columns in place */
    qk__scratch *s;
    qk_status st;        /* first failure (sticky) */
} region;

static void region_init(region *r, qk_world *w, int32_t cx, int32_t cz, qk__overlay *ov,
                        qk__scratch *s)
{
    r->w = w;
    r->cx0 = cx - 1;
    r->cz0 = cz - 1;
    r->ov = ov;
    r->s = s;
    r->st = QK_OK;
    for (int i = 0; i < 9; i++) {
        qk__chunk *c = qk__world_chunk(w, cx - 1 + i / 3, cz - 1 + i % 3);
        r->c[i] = c;
        for (int ch = 0; ch < 2; ch++)
            for (int sec = 0; sec < QK_SECTIONS; sec++)
                r->lt[ch][i][sec] = !c ? NULL
                                    : ov && (ov->mask[ch][i] & (1u << sec)) ? &ov->sec[ch][i][sec]
                                                                             : &c->light.ch[ch][sec];
    }
}

static inline uint32_t vidx(uint32_t X, uint32_t Y, uint32_t Z)
{
    return (Y & 15u) << 8 | (Z & 15u) << 4 | (X & 15u);
}

static inline unsigned cidx(uint32_t X, uint32_t Z)
{
    return (X >> 4) * 3 + (Z >> 4);
}

static inline qk__chunk *rchunk(const region *r, uint32_t X, uint32_t Z)
{
    return r->c[cidx(X, Z)];
}

static inline uint8_t get(const region *r, int ch, uint32_t X, uint32_t Y, uint32_t Z)
{
    const qk__nibbles *n = r->lt[ch][cidx(X, Z)][Y >> 4];
    return n ? nib_get(n, vidx(X, Y, Z)) : 0;
}

/* The nibbles a write to (ch, column ci, section sec) must go to: in place,
 * the column's; in a transaction, its private copy, made on first use. */
static qk__nibbles *writable(region *r, int ch, unsigned ci, unsigned sec)
{
    qk__nibbles *n = r->lt[ch][ci][sec];
    if (!r->ov) {
        r->c[ci]->light.stale |= (uint16_t)(1u << sec);
        return n;
    }
    if (r->ov->mask[ch][ci] & (1u << sec))
        return n;
    qk__nibbles *p = &r->ov->sec[ch][ci][sec];
    p->uniform = n->uniform;
    p->data = NULL;
    if (n->data) {
        p->data = scratch_block(r->w, r->s);
        if (!p->data) {
            r->st = QK_ERR_NOMEM;
            return NULL;
        }
        memcpy(p->data, n->data, NIBBLE_BYTES);
    }
    r->ov->mask[ch][ci] |= (uint16_t)(1u << sec);
    r->lt[ch][ci][sec] = p;
    return p;
}

static void set(region *r, int ch, uint32_t X, uint32_t Y, uint32_t Z, uint8_t v)
{
    qk__nibbles *n = writable(r, ch, cidx(X, Z), Y >> 4);
    if (!n)
        return;
    if (!n->data) {
        if (v == n->uniform)
            return;
        n->data = scratch_block(r->w, r->s);
        if (!n->data) {
            r->st = QK_ERR_NOMEM;
            return;
        }
        memset(n->data, n->uniform * 0x11, NIBBLE_BYTES);
    }
    uint32_t i = vidx(X, Y, Z);
    unsigned shift = (i & 1u) * 4;
    n->data[i >> 1] = (uint8_t)((n->data[i >> 1] & ~(15u << shift)) | ((unsigned)v << shift));
}

/* A whole section of one channel becomes uniform v. */
static void fill(region *r, int ch, unsigned ci, unsigned sec, uint8_t v)
{
    qk__nibbles *n = r->lt[ch][ci][sec];
    if (r->ov && !(r->ov->mask[ch][ci] & (1u << sec))) {
        n = &r->ov->sec[ch][ci][sec];
        n->data = NULL;
        r->ov->mask[ch][ci] |= (uint16_t)(1u << sec);
        r->lt[ch][ci][sec] = n;
    } else if (!r->ov) {
        r->c[ci]->light.stale |= (uint16_t)(1u << sec);
    }
    qk__scratch_put(r->w, r->s, n->data);
    n->data = NULL;
    n->uniform = v;
}

static inline const qk_block_def *block(const region *r, uint32_t X, uint32_t Y, uint32_t Z)
{
    const qk__chunk *c = rchunk(r, X, Z);
    return &r->w->blocks[qk__chunk_get(c, X & 15u, Y, Z & 15u)];
}

/* Unloaded voxels count as opaque: light neither enters nor leaves them. */
static inline bool opaque(const region *r, uint32_t X, uint32_t Y, uint32_t Z)
{
    return !rchunk(r, X, Z) || block(r, X, Y, Z)->opaque;
}

static inline int16_t height(const region *r, uint32_t X, uint32_t Z)
{
    const qk__chunk *c = rchunk(r, X, Z);
    return c ? c->light.height[(Z & 15u) * 16 + (X & 15u)] : -1;
}

static inline uint8_t source(const region *r, int ch, uint32_t X, uint32_t Y, uint32_t Z)
{
    if (!rchunk(r, X, Z))
        return 0;
    if (ch == QK_LIGHT_SKY)
        return (int)Y > height(r, X, Z) ? 15 : 0;
    return block(r, X, Y, Z)->emissive;
}

static void push(region *r, qk__lightq *q, uint32_t e)
{
    if (q->tail == q->cap) {
        if (!r->s->can_grow || q_reserve(&r->w->mem, q, q->cap ? q->cap * 2 : 4096) != QK_OK) {
            r->s->starved = !r->s->can_grow;
            r->st = QK_ERR_NOMEM;
            return;
        }
    }
    q->v[q->tail++] = e;
}

static const int8_t dirs[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};

/* Neighbour d of (X, Y, Z) inside the region, or false. */
static inline bool step_to(uint32_t X, uint32_t Y, uint32_t Z, int d, uint32_t *nx, uint32_t *ny,
                           uint32_t *nz)
{
    *nx = X + (uint32_t)(int32_t)dirs[d][0];
    *ny = Y + (uint32_t)(int32_t)dirs[d][1];
    *nz = Z + (uint32_t)(int32_t)dirs[d][2];
    return *nx < 48 && *ny < 256 && *nz < 48; /* wraps below 0 to large */
}

/* Increase BFS over the queue (entries' levels are ignored: the current
 * level is read).  O(voxels lit). */
static void increase(region *r, int ch, qk__lightq *q)
{
    while (q->head < q->tail) {
        uint32_t e = q->v[q->head++];
        uint32_t X = e & 63u, Z = (e >> 6) & 63u, Y = (e >> 12) & 255u;
        uint8_t l = get(r, ch, X, Y, Z);
        if (l <= 1)
            continue;
        for (int d = 0; d < 6; d++) {
            uint32_t nx, ny, nz;
            if (!step_to(X, Y, Z, d, &nx, &ny, &nz) || opaque(r, nx, ny, nz))
                continue;
            if (get(r, ch, nx, ny, nz) < l - 1) {
                set(r, ch, nx, ny, nz, (uint8_t)(l - 1));
                push(r, q, pack(nx, ny, nz, 0));
            }
        }
    }
    q->head = q->tail = 0;
}

/* Removal BFS: entries carry the level their voxel had before it was
 * zeroed.  Dimmer neighbours are zeroed and followed; brighter or equal
 * ones, and zeroed sources, go to `inc` for re-seeding and re-propagation. */
static void decrease(region *r, int ch, qk__lightq *dec, qk__lightq *inc)
{
    while (dec->head < dec->tail) {
        uint32_t e = dec->v[dec->head++];
        uint32_t X = e & 63u, Z = (e >> 6) & 63u, Y = (e >> 12) & 255u, old = e >> 20;
        for (int d = 0; d < 6; d++) {
            uint32_t nx, ny, nz;
            if (!step_to(X, Y, Z, d, &nx, &ny, &nz) || !rchunk(r, nx, nz))
                continue;
            uint8_t nl = get(r, ch, nx, ny, nz);
            if (nl == 0)
                continue;
            if (nl < old) {
                set(r, ch, nx, ny, nz, 0);
                push(r, dec, pack(nx, ny, nz, nl));
                if (source(r, ch, nx, ny, nz))
                    push(r, inc, pack(nx, ny, nz, 0));
            } else {
                push(r, inc, pack(nx, ny, nz, 0));
            }
        }
    }
    dec->head = dec->tail = 0;
}

/* Every queued voxel gets at least its own source level. */
static void reseed(region *r, int ch, qk__lightq *inc)
{
    for (size_t i = inc->head; i < inc->tail; i++) {
        uint32_t e = inc->v[i];
        uint32_t X = e & 63u, Z = (e >> 6) & 63u, Y = (e >> 12) & 255u;
        if (!rchunk(r, X, Z))
            continue;
        uint8_t s = source(r, ch, X, Y, Z);
        if (s > get(r, ch, X, Y, Z))
            set(r, ch, X, Y, Z, s);
    }
}

/* ---- heightmaps -------------------------------------------------------- */

static bool section_has(const qk_world *w, const qk__section *s, bool want_opaque)
{
    if (s->bits == 16)
        return true;
    if (s->bits == 0) {
        const qk_block_def *b = &w->blocks[s->uniform];
        return want_opaque ? b->opaque : b->emissive > 0;
    }
    for (uint16_t k = 0; k < s->pal_len; k++) {
        const qk_block_def *b = &w->blocks[s->palette[k]];
        if (want_opaque ? b->opaque : b->emissive > 0)
            return true;
    }
    return false;
}

/* Highest opaque y of local column (x, z) at or below `from`, or -1. */
static int16_t scan_down(const qk_world *w, const qk__chunk *c, uint32_t x, uint32_t z, int from)
{
    for (int y = from; y >= 0; y--) {
        if ((y & 15) == 15 && !section_has(w, &c->sec[y >> 4], true)) {
            y -= 15; /* a section without opaque blocks: skip it whole */
            continue;
        }
        if (w->blocks[qk__chunk_get(c, x, (uint32_t)y, z)].opaque)
            return (int16_t)y;
    }
    return -1;
}

void qk__light_heights(const qk_world *w, qk__chunk *c)
{
    for (uint32_t z = 0; z < 16; z++)
        for (uint32_t x = 0; x < 16; x++)
            c->light.height[z * 16 + x] = scan_down(w, c, x, z, QK_CHUNK_H - 1);
}

void qk__light_height_edit(const qk_world *w, qk__chunk *c, uint32_t x, uint32_t y, uint32_t z,
                           qk_block_id now, int16_t *h_old, int16_t *h_new)
{
    int16_t *hp = &c->light.height[z * 16 + x];
    *h_old = *h_new = *hp;
    if (w->blocks[now].opaque && (int)y > *hp)
        *h_new = (int16_t)y;
    else if (!w->blocks[now].opaque && (int)y == *hp)
        *h_new = scan_down(w, c, x, z, (int)y - 1);
    *hp = *h_new;
}

/* ---- full relight ------------------------------------------------------ */

/* Sky: 15 above the heightmap in the centre column, and a queue of the sky
 * voxels beside a higher roof (where skylight spills into shade). */
static void seed_sky(region *r, qk__lightq *q)
{
    qk__chunk *c = r->c[4];
    int maxh = -1;
    for (int i = 0; i < 256; i++)
        maxh = c->light.height[i] > maxh ? c->light.height[i] : maxh;
    for (int s = 0; s < QK_SECTIONS; s++) {
        int base = s * 16;
        if (base > maxh) {
            fill(r, QK_LIGHT_SKY, 4, (unsigned)s, 15);
            continue;
        }
        for (uint32_t z = 0; z < 16; z++)
            for (uint32_t x = 0; x < 16; x++)
                for (int y = base; y < base + 16; y++)
                    if (y > c->light.height[z * 16 + x])
                        set(r, QK_LIGHT_SKY, 16 + x, (uint32_t)y, 16 + z, 15);
    }
    for (uint32_t z = 0; z < 16; z++) {
        for (uint32_t x = 0; x < 16; x++) {
            uint32_t X = 16 + x, Z = 16 + z;
            int h = c->light.height[z * 16 + x], top = -1;
            for (int d = 0; d < 6; d++) {
                if (dirs[d][1])
                    continue;
                int nh = height(r, X + (uint32_t)(int32_t)dirs[d][0], Z + (uint32_t)(int32_t)dirs[d][2]);
                top = nh > top ? nh : top;
            }
            for (int y = h + 1; y <= top && y < QK_CHUNK_H; y++)
                push(r, q, pack(X, (uint32_t)y, Z, 0));
        }
    }
}

/* Block light: every emitter of the centre column, found via palettes. */
static void seed_emitters(region *r, qk__lightq *q)
{
    const qk__chunk *c = r->c[4];
    for (uint32_t s = 0; s < QK_SECTIONS; s++) {
        if (!section_has(r->w, &c->sec[s], false))
            continue;
        for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++) {
            uint8_t e = r->w->blocks[qk__section_get(&c->sec[s], i)].emissive;
            if (!e)
                continue;
            uint32_t X = 16 + (i & 15u), Z = 16 + ((i >> 4) & 15u), Y = s * 16 + (i >> 8);
            if (e > get(r, QK_LIGHT_BLOCK, X, Y, Z))
                set(r, QK_LIGHT_BLOCK, X, Y, Z, e);
            push(r, q, pack(X, Y, Z, 0));
        }
    }
}

/* Light the four neighbours shine across the centre column's borders. */
static void pull_borders(region *r, int ch, qk__lightq *q)
{
    for (int side = 0; side < 4; side++) {
        for (uint32_t k = 0; k < 16; k++) {
            /* u: the centre's border voxel; n: its neighbour across. */
            uint32_t ux = side == 0 ? 16 : side == 1 ? 31 : 16 + k;
            uint32_t uz = side == 2 ? 16 : side == 3 ? 31 : 16 + k;
            uint32_t nx = side == 0 ? 15 : side == 1 ? 32 : ux;
            uint32_t nz = side == 2 ? 15 : side == 3 ? 32 : uz;
            if (!rchunk(r, nx, nz))
                continue;
            for (uint32_t y = 0; y < QK_CHUNK_H; y++) {
                uint8_t nv = get(r, ch, nx, y, nz);
                if (nv > 1 && !opaque(r, ux, y, uz) && get(r, ch, ux, y, uz) < nv - 1) {
                    set(r, ch, ux, y, uz, (uint8_t)(nv - 1));
                    push(r, q, pack(ux, y, uz, 0));
                }
            }
        }
    }
}

/* Seeds and spreads both channels of the centre column; with `pull`, also
 * the light the neighbours shine in (a relight of one column among lit
 * ones); without, the neighbours get theirs from their own seeding. */
static void seed_and_spread(region *r, bool pull)
{
    qk__lightq *q = &r->s->q[0];
    seed_sky(r, q);
    if (pull)
        pull_borders(r, QK_LIGHT_SKY, q);
    increase(r, QK_LIGHT_SKY, q);
    seed_emitters(r, q);
    if (pull)
        pull_borders(r, QK_LIGHT_BLOCK, q);
    increase(r, QK_LIGHT_BLOCK, q);
}

static void clear_light(qk_world *w, qk__chunk *c)
{
    for (int ch = 0; ch < 2; ch++)
        for (int s = 0; s < QK_SECTIONS; s++) {
            qk__scratch_put(w, &w->scratch, c->light.ch[ch][s].data);
            c->light.ch[ch][s].data = NULL;
            c->light.ch[ch][s].uniform = 0;
        }
    c->light.stale = 0xFFFF;
}

static qk_status relight_in_place(qk_world *w, qk__chunk *c, bool pull)
{
    region r;
    region_init(&r, w, c->cx, c->cz, NULL, &w->scratch);
    seed_and_spread(&r, pull);
    return r.st;
}

qk_status qk__light_relight_all(qk_world *w)
{
    for (uint32_t i = 0; i < w->chunk_count; i++) {
        qk__light_heights(w, &w->chunks[i]);
        clear_light(w, &w->chunks[i]);
    }
    /* Each column's light spills into its neighbours as the BFS goes; as all
     * BFS only raise levels to the fixed point, the order cannot matter. */
    for (uint32_t i = 0; i < w->chunk_count; i++) {
        qk_status st = relight_in_place(w, &w->chunks[i], false);
        if (st != QK_OK)
            return st;
    }
    return QK_OK;
}

qk_status qk__light_relight_chunk(qk_world *w, int32_t cx, int32_t cz)
{
    qk__chunk *c = qk__world_chunk(w, cx, cz);
    if (!c)
        return QK_ERR_RANGE;
    qk__light_heights(w, c);
    clear_light(w, c);
    return relight_in_place(w, c, true);
}

/* ---- transactions ------------------------------------------------------ */

/* An edit's light work, against the current blocks and heightmap (later
 * edits of the same tick may already show in them; each has its own
 * transaction, and the passes below converge to the fixed point from any
 * such state): every voxel whose source or opacity may have changed - the
 * edited one, and for skylight the stretch of its column between the old
 * and new roof - is zeroed and its old level removed (reverse BFS), then
 * everything around is re-seeded and spread again. */
static void exec_edit(region *r, const qk__txn *t)
{
    uint32_t X = 16 + (uint32_t)qk__floormod(t->x, 16), Z = 16 + (uint32_t)qk__floormod(t->z, 16);
    uint32_t Y = (uint32_t)t->y;
    int lo = (t->h_old < t->h_new ? t->h_old : t->h_new) + 1;
    int hi = t->h_old > t->h_new ? t->h_old : t->h_new;
    int16_t roof = height(r, X, Z);
    bool clear = !opaque(r, X, Y, Z);
    qk__lightq *inc = &r->s->q[0], *dec = &r->s->q[1];
    for (int ch = 0; ch < 2; ch++) {
        if (ch == QK_LIGHT_SKY) {
            for (int yy = lo; yy <= hi; yy++) {
                uint8_t cur = get(r, ch, X, (uint32_t)yy, Z);
                if (yy > roof) {
                    push(r, inc, pack(X, (uint32_t)yy, Z, 0)); /* sky again: re-seeded */
                } else if (cur) {
                    set(r, ch, X, (uint32_t)yy, Z, 0); /* under a roof now */
                    push(r, dec, pack(X, (uint32_t)yy, Z, cur));
                }
            }
        }
        uint8_t cur = get(r, ch, X, Y, Z);
        if (cur) {
            set(r, ch, X, Y, Z, 0);
            push(r, dec, pack(X, Y, Z, cur));
        }
        push(r, inc, pack(X, Y, Z, 0));
        if (clear) { /* let the neighbours' light flow in */
            for (int d = 0; d < 6; d++) {
                uint32_t nx, ny, nz;
                if (step_to(X, Y, Z, d, &nx, &ny, &nz) && rchunk(r, nx, nz))
                    push(r, inc, pack(nx, ny, nz, 0));
            }
        }
        decrease(r, ch, dec, inc);
        reseed(r, ch, inc);
        increase(r, ch, inc);
    }
}

qk_status qk__light_exec(qk_world *w, qk__txn *t, qk__scratch *s, bool in_place)
{
    memset(&t->ov.mask, 0, sizeof t->ov.mask);
    for (int i = 0; i < 9; i++) {
        const qk__chunk *c = qk__world_chunk(w, t->cx - 1 + i / 3, t->cz - 1 + i % 3);
        t->read_geometry[i] = c ? c->light.geometry_rev : 0;
        t->read_light[i] = c ? c->light.light_rev : 0;
    }
    if (t->kind == QK__TXN_EDIT && !t->light_work)
        return QK_OK; /* nothing to read beyond the revisions */
    region r;
    region_init(&r, w, t->cx, t->cz, in_place ? NULL : &t->ov, s);
    s->q[0].head = s->q[0].tail = s->q[1].head = s->q[1].tail = 0;
    if (t->kind == QK__TXN_GENERATE)
        seed_and_spread(&r, false);
    else if (t->light_work)
        exec_edit(&r, t);
    return r.st;
}

/* Both representations hold the same 4096 values? */
static bool nib_equal(const qk__nibbles *a, const qk__nibbles *b)
{
    if (!a->data && !b->data)
        return a->uniform == b->uniform;
    if (a->data && b->data)
        return memcmp(a->data, b->data, NIBBLE_BYTES) == 0;
    const qk__nibbles *arr = a->data ? a : b;
    uint8_t u = (uint8_t)((a->data ? b->uniform : a->uniform) * 0x11);
    for (size_t i = 0; i < NIBBLE_BYTES; i++)
        if (arr->data[i] != u)
            return false;
    return true;
}

/* An array whose values are all equal becomes uniform (open sky after a
 * source is removed), so memory follows the light, not its history. */
static void nib_compact(qk_world *w, qk__scratch *s, qk__nibbles *n)
{
    if (!n->data)
        return;
    uint8_t b = n->data[0];
    if ((b >> 4) != (b & 15))
        return;
    for (size_t i = 1; i < NIBBLE_BYTES; i++)
        if (n->data[i] != b)
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
    return nib_get(&c->light.ch[channel][y >> 4],
                   vidx((uint32_t)qk__floormod(x, 16), (uint32_t)y, (uint32_t)qk__floormod(z, 16)));
}

void qk__light_copy_out(const qk__chunk_light *l, uint8_t *out)
{
    for (int ch = 0; ch < 2; ch++)
        for (int s = 0; s < QK_SECTIONS; s++, out += NIBBLE_BYTES) {
            const qk__nibbles *n = &l->ch[ch][s];
            if (n->data)
                memcpy(out, n->data, NIBBLE_BYTES);
            else
                memset(out, n->uniform * 0x11, NIBBLE_BYTES);
        }
}

static uint64_t section_light_digest(const qk__chunk_light *l, int s)
{
    uint8_t raw[2 * NIBBLE_BYTES];
    for (int ch = 0; ch < 2; ch++) {
        const qk__nibbles *n = &l->ch[ch][s];
        if (n->data)
            memcpy(raw + ch * NIBBLE_BYTES, n->data, NIBBLE_BYTES);
        else
            memset(raw + ch * NIBBLE_BYTES, n->uniform * 0x11, NIBBLE_BYTES);
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
