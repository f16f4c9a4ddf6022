/*
 * light.c - skylight and block light (rules, engine and storage: light.h).
 *
 * Every operation works on a region: the 3x3 chunk columns around a centre
 * column, addressed with region-local coordinates X, Z in 0..47 and Y in
 * 0..255, or as (s, i): the region section s (0..143) and the voxel index
 * i inside it.  Queue entries pack i (12 bits), s (8) and a level (4).
 *
 * An edit's transaction (exec_edit; the heightmap moved with the block,
 * so skylight sources already did) does, for each channel:
 *   1. (nothing: see above)
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
 * Cost.  The BFS does a few loads per neighbour: a step is i +- 1, 16 or
 * 256 inside a section and wraps to the next section only at its faces;
 * the popped voxel's section is looked up once and its same-section
 * neighbours are read and written through its array; a section's opacity
 * is classified once per region from its palette (all clear, all opaque,
 * or a 16-bit mask over a 4-bit palette), so no block is decoded in open
 * air or solid rock; the first write to a section (copy on write, array
 * for a uniform section) is the slow path, later ones go straight to the
 * cached array (region.wr).  Voxels that get level 1 are never queued.
 *
 * Storage, scratch, commits and queries live in light_store.c.
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

/* The per-neighbour steps of the BFS loops (offer, unlight) are written
 * once and expanded six times; left to its heuristics gcc sometimes keeps
 * them out of line, which costs a call per neighbour (about 25% of a
 * removal). */
#if defined(__GNUC__)
#define QK_HOT_INLINE inline __attribute__((always_inline))
#else
#define QK_HOT_INLINE inline
#endif

/* ---- regions ----------------------------------------------------------- */

/* A region's sections are numbered s = column * 16 + section (column
 * cidx(X, Z) = X/16*3 + Z/16, 0..8), so s is 0..143 and a voxel is (s, i)
 * with i its index inside the section (vidx).  Stepping to a neighbour is
 * i +- 1, 16 or 256 inside a section (most steps) and s +- 48, 16 or 1 with
 * i wrapped to the far face across a section face. */
#define RSECS (9 * QK_SECTIONS)

/* Opacity of a region section, classified on first use (opq_classify). */
enum {
    OPQ_UNKNOWN = 0,
    OPQ_CLEAR,   /* no opaque voxel */
    OPQ_SOLID,   /* every voxel opaque, or the column is not loaded */
    OPQ_NIBBLE,  /* bits 4, mixed: omask says which palette entries are opaque */
    OPQ_LOOKUP   /* bits 8 or 16, mixed: look each voxel's block up */
};

typedef struct region {
    qk_world *w;
    qk__chunk *c[9];     /* [X/16*3 + Z/16]; NULL: not loaded */
    qk__nibbles *lt[2][RSECS]; /* [ch][s]: where reads (and writes) go; NULL: not loaded */
    uint8_t *wr[2][RSECS];     /* [ch][s]: lt's array once a write may go straight
                                * into it (made writable, stale marked), else NULL */
    qk__overlay *ov;     /* NULL: write the columns in place */
    qk__scratch *s;
    qk_status st;        /* first failure (sticky) */
    uint8_t okind[RSECS];      /* OPQ_*, per section */
    uint16_t omask[RSECS];     /* OPQ_NIBBLE: bit k set if palette entry k is opaque */
    const uint8_t *odata[RSECS]; /* OPQ_NIBBLE: the section's packed indices */
} region;

static void region_init(region *r, qk_world *w, int32_t cx, int32_t cz, qk__overlay *ov,
                        qk__scratch *s)
{
    r->w = w;
    r->ov = ov;
    r->s = s;
    r->st = QK_OK;
    memset(r->wr, 0, sizeof r->wr);
    memset(r->okind, 0, sizeof r->okind);
    for (int i = 0; i < 9; i++) {
        qk__chunk *c = qk__world_chunk(w, cx - 1 + i / 3, cz - 1 + i % 3);
        r->c[i] = c;
        for (int ch = 0; ch < 2; ch++)
            for (int sec = 0; sec < QK_SECTIONS; sec++)
                r->lt[ch][i * 16 + sec] = !c ? NULL
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

static inline unsigned sidx(uint32_t X, uint32_t Y, uint32_t Z)
{
    return cidx(X, Z) * 16 + (Y >> 4);
}

static inline qk__chunk *rchunk(const region *r, uint32_t X, uint32_t Z)
{
    return r->c[cidx(X, Z)];
}

enum { STEP_OUT = 0, STEP_SAME, STEP_ACROSS };

/* Neighbour d (+X, -X, +Y, -Y, +Z, -Z) of voxel (s, i): STEP_SAME inside
 * the same section (ns = s), STEP_ACROSS in the next one, STEP_OUT
 * outside the region.  Constant d folds the switch away. */
static inline int step(int d, unsigned s, uint32_t i, unsigned *ns, uint32_t *ni)
{
    *ns = s;
    switch (d) {
    case 0:
        if ((i & 15u) != 15u) { *ni = i + 1; return STEP_SAME; }
        *ns = s + 48; *ni = i - 15; return s < 2 * 48 ? STEP_ACROSS : STEP_OUT;
    case 1:
        if (i & 15u) { *ni = i - 1; return STEP_SAME; }
        *ns = s - 48; *ni = i + 15; return s >= 48 ? STEP_ACROSS : STEP_OUT;
    case 2:
        if (i < 15u << 8) { *ni = i + 256; return STEP_SAME; }
        *ns = s + 1; *ni = i - (15u << 8); return (s & 15u) != 15u ? STEP_ACROSS : STEP_OUT;
    case 3:
        if (i >= 256u) { *ni = i - 256; return STEP_SAME; }
        *ns = s - 1; *ni = i + (15u << 8); return (s & 15u) != 0 ? STEP_ACROSS : STEP_OUT;
    case 4:
        if ((i & 0xF0u) != 0xF0u) { *ni = i + 16; return STEP_SAME; }
        *ns = s + 16; *ni = i - 0xF0u; return (s >> 4) % 3 != 2 ? STEP_ACROSS : STEP_OUT;
    default:
        if (i & 0xF0u) { *ni = i - 16; return STEP_SAME; }
        *ns = s - 16; *ni = i + 0xF0u; return (s >> 4) % 3 != 0 ? STEP_ACROSS : STEP_OUT;
    }
}

/* ---- queues ------------------------------------------------------------ */

/* An entry is a voxel (s, i) and a level: i | s << 12 | level << 20. */
static inline uint32_t entry(unsigned s, uint32_t i, uint32_t level)
{
    return i | s << 12 | level << 20;
}

static inline uint32_t pack(uint32_t X, uint32_t Y, uint32_t Z, uint32_t level)
{
    return entry(sidx(X, Y, Z), vidx(X, Y, Z), level);
}

static void push_grow(region *r, qk__lightq *q, uint32_t e)
{
    if (!r->s->can_grow || qk__lightq_reserve(&r->w->mem, q, q->cap ? q->cap * 2 : 4096) != QK_OK) {
        r->s->starved = !r->s->can_grow;
        r->st = QK_ERR_NOMEM;
        return;
    }
    q->v[q->tail++] = e;
}

static inline void push(region *r, qk__lightq *q, uint32_t e)
{
    if (q->tail < q->cap)
        q->v[q->tail++] = e;
    else
        push_grow(r, q, e);
}

/* ---- reads and writes ---------------------------------------------------- */

static inline uint8_t get_at(const region *r, int ch, unsigned s, uint32_t i)
{
    const qk__nibbles *n = r->lt[ch][s];
    return n ? qk__nib_get(n, i) : 0;
}

static inline uint8_t get(const region *r, int ch, uint32_t X, uint32_t Y, uint32_t Z)
{
    return get_at(r, ch, sidx(X, Y, Z), vidx(X, Y, Z));
}

/* The nibbles a write to (ch, column ci, section sec) must go to: in place,
 * the column's; in a transaction, its private copy, made on first use. */
static qk__nibbles *writable(region *r, int ch, unsigned ci, unsigned sec)
{
    qk__nibbles *n = r->lt[ch][ci * 16 + sec];
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
        p->data = qk__scratch_block(r->w, r->s);
        if (!p->data) {
            r->st = QK_ERR_NOMEM;
            return NULL;
        }
        memcpy(p->data, n->data, QK_NIBBLE_BYTES);
    }
    r->ov->mask[ch][ci] |= (uint16_t)(1u << sec);
    r->lt[ch][ci * 16 + sec] = p;
    return p;
}

/* The slow half of set_at, once per section and channel: makes it
 * writable and gives a uniform section an array (unless v is its value:
 * nothing to write, NULL).  Caches the array in r->wr.  NULL on failure. */
static uint8_t *writable_array(region *r, int ch, unsigned s, uint8_t v)
{
    qk__nibbles *n = writable(r, ch, s >> 4, s & 15u);
    if (!n)
        return NULL;
    if (!n->data) {
        if (v == n->uniform)
            return NULL;
        n->data = qk__scratch_block(r->w, r->s);
        if (!n->data) {
            r->st = QK_ERR_NOMEM;
            return NULL;
        }
        memset(n->data, n->uniform * 0x11, QK_NIBBLE_BYTES);
    }
    r->wr[ch][s] = n->data;
    return n->data;
}

static inline void set_at(region *r, int ch, unsigned s, uint32_t i, uint8_t v)
{
    uint8_t *d = r->wr[ch][s];
    if (!d && !(d = writable_array(r, ch, s, v)))
        return;
    qk__nib_put(d, i, v);
}

static void set(region *r, int ch, uint32_t X, uint32_t Y, uint32_t Z, uint8_t v)
{
    set_at(r, ch, sidx(X, Y, Z), vidx(X, Y, Z), v);
}

/* A whole section of one channel becomes uniform v. */
static void fill(region *r, int ch, unsigned ci, unsigned sec, uint8_t v)
{
    qk__nibbles *n = r->lt[ch][ci * 16 + sec];
    if (r->ov && !(r->ov->mask[ch][ci] & (1u << sec))) {
        n = &r->ov->sec[ch][ci][sec];
        n->data = NULL;
        r->ov->mask[ch][ci] |= (uint16_t)(1u << sec);
        r->lt[ch][ci * 16 + sec] = n;
    } else if (!r->ov) {
        r->c[ci]->light.stale |= (uint16_t)(1u << sec);
    }
    qk__scratch_put(r->w, r->s, n->data);
    n->data = NULL;
    n->uniform = v;
    r->wr[ch][ci * 16 + sec] = NULL;
}

/* Classifies section s's opacity from its palette (or uniform id): a
 * registry lookup per palette entry, once per region and section. */
static unsigned opq_classify(region *r, unsigned s)
{
    const qk__chunk *c = r->c[s >> 4];
    unsigned k;
    if (!c) {
        k = OPQ_SOLID;
    } else {
        const qk__section *sec = &c->sec[s & 15u];
        if (sec->bits == 0) {
            k = r->w->blocks[sec->uniform].opaque ? OPQ_SOLID : OPQ_CLEAR;
        } else if (sec->bits == 16) {
            k = OPQ_LOOKUP;
        } else {
            unsigned n_opaque = 0, mask = 0;
            for (unsigned p = 0; p < sec->pal_len; p++)
                if (r->w->blocks[sec->palette[p]].opaque) {
                    mask |= p < 16 ? 1u << p : 0;
                    n_opaque++;
                }
            k = n_opaque == 0 ? OPQ_CLEAR : n_opaque == sec->pal_len ? OPQ_SOLID
                : sec->bits == 4 ? OPQ_NIBBLE : OPQ_LOOKUP;
            r->omask[s] = (uint16_t)mask;
            r->odata[s] = sec->data;
        }
    }
    r->okind[s] = (uint8_t)k;
    return k;
}

static bool opaque_slow(region *r, unsigned s, uint32_t i);

/* Unloaded voxels count as opaque: light neither enters nor leaves them.
 * O(1), and no block decoding in uniform sections (open air, solid rock)
 * nor registry lookups in 4-bit palette sections. */
static inline bool opaque_at(region *r, unsigned s, uint32_t i)
{
    unsigned k = r->okind[s];
    if (k == OPQ_CLEAR)
        return false;
    if (k == OPQ_NIBBLE)
        return (r->omask[s] >> qk__nib_at(r->odata[s], i)) & 1u;
    if (k == OPQ_SOLID)
        return true;
    return opaque_slow(r, s, i);
}

/* opaque_at's other cases: a section seen for the first time, and wide
 * palettes. */
static bool opaque_slow(region *r, unsigned s, uint32_t i)
{
    if (r->okind[s] == OPQ_UNKNOWN && opq_classify(r, s) != OPQ_LOOKUP)
        return opaque_at(r, s, i);
    return r->w->blocks[qk__section_get(&r->c[s >> 4]->sec[s & 15u], i)].opaque;
}

static inline bool opaque(region *r, uint32_t X, uint32_t Y, uint32_t Z)
{
    return opaque_at(r, sidx(X, Y, Z), vidx(X, Y, Z));
}

static inline int16_t height(const region *r, uint32_t X, uint32_t Z)
{
    const qk__chunk *c = rchunk(r, X, Z);
    return c ? c->light.height[(Z & 15u) * 16 + (X & 15u)] : -1;
}

/* Source level of voxel (s, i); 0 in unloaded columns.  The heightmap
 * index z*16+x is i's low byte. */
static inline uint8_t source_at(const region *r, int ch, unsigned s, uint32_t i)
{
    const qk__chunk *c = r->c[s >> 4];
    if (!c)
        return 0;
    if (ch == QK_LIGHT_SKY)
        return (int)((s & 15u) * 16 + (i >> 8)) > c->light.height[i & 255u] ? 15 : 0;
    return r->w->blocks[qk__section_get(&c->sec[s & 15u], i)].emissive;
}

static const int8_t dirs[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};

/* ---- propagation ------------------------------------------------------- */

/* One step of the increase BFS: the neighbour (step d of (s, i)) gets
 * level nl if it is dimmer and clear.  Dimmer is tested first: it is the
 * cheaper test and fails for most neighbours (unloaded ones read 0 and
 * then fail the second).  `here` is section s's writable array when its
 * opacity needs no lookup beyond the nibble palette (else NULL): then a
 * neighbour in the same section - most of them - is read, tested and
 * written through it directly, its opacity read from `blocks` (the
 * section's 4-bit indices, NULL if it is all clear) and `mask` (omask).
 * Inlined with a constant d. */
static QK_HOT_INLINE void offer(region *r, int ch, qk__lightq *q, int d, unsigned s, uint32_t i,
                         uint8_t nl, uint8_t *here, const uint8_t *blocks, unsigned mask)
{
    unsigned ns;
    uint32_t ni;
    int where = step(d, s, i, &ns, &ni);
    if (where == STEP_SAME && here) {
        if (qk__nib_at(here, ni) < nl && !(blocks && ((mask >> qk__nib_at(blocks, ni)) & 1u))) {
            qk__nib_put(here, ni, nl);
            if (nl > 1)
                push(r, q, entry(s, ni, 0));
        }
    } else if (where != STEP_OUT && get_at(r, ch, ns, ni) < nl && !opaque_at(r, ns, ni)) {
        set_at(r, ch, ns, ni, nl);
        if (nl > 1)
            push(r, q, entry(ns, ni, 0));
    }
}

/* Increase BFS over the queue (entries' levels are ignored: the current
 * level is read).  O(voxels lit); a neighbour that gets level 1 is not
 * queued, as it could light nothing.  The popped voxel's section is looked
 * up once: its array stays put while the voxel is expanded (writes to other
 * sections never move it). */
static void increase(region *r, int ch, qk__lightq *q)
{
    while (q->head < q->tail) {
        uint32_t e = q->v[q->head++];
        unsigned s = (e >> 12) & 255u;
        uint32_t i = e & 4095u;
        uint8_t *here = r->wr[ch][s];
        unsigned k = r->okind[s];
        if (k == OPQ_UNKNOWN)
            k = opq_classify(r, s);
        if (k != OPQ_CLEAR && k != OPQ_NIBBLE)
            here = NULL;
        const uint8_t *blocks = k == OPQ_NIBBLE ? r->odata[s] : NULL;
        unsigned mask = k == OPQ_NIBBLE ? r->omask[s] : 0;
        uint8_t l = here ? qk__nib_at(here, i) : get_at(r, ch, s, i);
        if (l <= 1)
            continue;
        uint8_t nl = (uint8_t)(l - 1);
        offer(r, ch, q, 0, s, i, nl, here, blocks, mask);
        offer(r, ch, q, 1, s, i, nl, here, blocks, mask);
        offer(r, ch, q, 2, s, i, nl, here, blocks, mask);
        offer(r, ch, q, 3, s, i, nl, here, blocks, mask);
        offer(r, ch, q, 4, s, i, nl, here, blocks, mask);
        offer(r, ch, q, 5, s, i, nl, here, blocks, mask);
    }
    q->head = q->tail = 0;
}

/* One step of the removal BFS from a voxel that held `old` (step d of
 * (s, i)); see decrease.  `here` is section s's writable array (or NULL),
 * used directly for neighbours in the same section.  Inlined with a
 * constant d. */
static QK_HOT_INLINE void unlight(region *r, int ch, qk__lightq *dec, qk__lightq *inc, int d,
                           unsigned s, uint32_t i, uint32_t old, uint8_t *here)
{
    unsigned ns;
    uint32_t ni;
    int where = step(d, s, i, &ns, &ni);
    uint8_t nl;
    if (where == STEP_SAME && here)
        nl = qk__nib_at(here, ni);
    else if (where != STEP_OUT && r->lt[ch][ns]) /* NULL: not loaded */
        nl = qk__nib_get(r->lt[ch][ns], ni);
    else
        return;
    if (nl == 0)
        return;
    if (nl < old) {
        if (where == STEP_SAME && here)
            qk__nib_put(here, ni, 0);
        else
            set_at(r, ch, ns, ni, 0);
        push(r, dec, entry(ns, ni, nl));
        if (source_at(r, ch, ns, ni))
            push(r, inc, entry(ns, ni, 0));
    } else {
        push(r, inc, entry(ns, ni, 0));
    }
}

/* Removal BFS: entries carry the level their voxel had before it was
 * zeroed.  Dimmer neighbours are zeroed and followed; brighter or equal
 * ones, and zeroed sources, go to `inc` for re-seeding and re-propagation.
 * O(voxels darkened). */
static void decrease(region *r, int ch, qk__lightq *dec, qk__lightq *inc)
{
    while (dec->head < dec->tail) {
        uint32_t e = dec->v[dec->head++];
        unsigned s = (e >> 12) & 255u;
        uint32_t i = e & 4095u, old = e >> 20;
        uint8_t *here = r->wr[ch][s];
        unlight(r, ch, dec, inc, 0, s, i, old, here);
        unlight(r, ch, dec, inc, 1, s, i, old, here);
        unlight(r, ch, dec, inc, 2, s, i, old, here);
        unlight(r, ch, dec, inc, 3, s, i, old, here);
        unlight(r, ch, dec, inc, 4, s, i, old, here);
        unlight(r, ch, dec, inc, 5, s, i, old, here);
    }
    dec->head = dec->tail = 0;
}

/* Every queued voxel gets at least its own source level. */
static void reseed(region *r, int ch, qk__lightq *inc)
{
    for (size_t k = inc->head; k < inc->tail; k++) {
        uint32_t e = inc->v[k];
        unsigned s = (e >> 12) & 255u;
        uint32_t i = e & 4095u;
        if (!r->c[s >> 4])
            continue;
        uint8_t src = source_at(r, ch, s, i);
        if (src > get_at(r, ch, s, i))
            set_at(r, ch, s, i, src);
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

/* Highest opaque y of local column (x, z) at or below `from`, or -1.
 * has[s] (NULL: asked of the palette as needed): section s may hold an
 * opaque block. */
static int16_t scan_down(const qk_world *w, const qk__chunk *c, uint32_t x, uint32_t z, int from,
                         const bool *has)
{
    for (int y = from; y >= 0; y--) {
        if ((y & 15) == 15 && !(has ? has[y >> 4] : section_has(w, &c->sec[y >> 4], true))) {
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
    bool has[QK_SECTIONS];
    for (int s = 0; s < QK_SECTIONS; s++)
        has[s] = section_has(w, &c->sec[s], true);
    for (uint32_t z = 0; z < 16; z++)
        for (uint32_t x = 0; x < 16; x++)
            c->light.height[z * 16 + x] = scan_down(w, c, x, z, QK_CHUNK_H - 1, has);
}

void qk__light_height_edit(const qk_world *w, qk__chunk *c, uint32_t x, uint32_t y, uint32_t z,
                           qk_block_id now, int16_t *h_old, int16_t *h_new)
{
    int16_t *hp = &c->light.height[z * 16 + x];
    *h_old = *h_new = *hp;
    if (w->blocks[now].opaque && (int)y > *hp)
        *h_new = (int16_t)y;
    else if (!w->blocks[now].opaque && (int)y == *hp)
        *h_new = scan_down(w, c, x, z, (int)y - 1, NULL);
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
        for (uint32_t zx = 0; zx < 256; zx++) { /* z * 16 + x */
            int h = c->light.height[zx];
            for (int y = h < base ? base : h + 1; y < base + 16; y++)
                set_at(r, QK_LIGHT_SKY, 4 * 16 + (unsigned)s, (uint32_t)(y & 15) << 8 | zx, 15);
        }
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

/* Light the four neighbours shine across the centre column's borders,
 * bottom up along each border column; a neighbour section that is
 * uniformly at most 1 has nothing to give and is skipped whole. */
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
            uint32_t iu = vidx(ux, 0, uz), in = vidx(nx, 0, nz);
            for (unsigned sec = 0; sec < QK_SECTIONS; sec++) {
                /* Writes go to the centre column only: n's nibbles stay put. */
                const qk__nibbles *n = r->lt[ch][cidx(nx, nz) * 16 + sec];
                unsigned su = cidx(ux, uz) * 16 + sec;
                if (!n->data && n->uniform <= 1)
                    continue;
                for (uint32_t y = 0; y < 16; y++) {
                    uint8_t nv = qk__nib_get(n, in | y << 8);
                    if (nv > 1 && !opaque_at(r, su, iu | y << 8) && get_at(r, ch, su, iu | y << 8) < nv - 1) {
                        set_at(r, ch, su, iu | y << 8, (uint8_t)(nv - 1));
                        push(r, q, entry(su, iu | y << 8, 0));
                    }
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
                unsigned ns;
                uint32_t ni;
                if (step(d, sidx(X, Y, Z), vidx(X, Y, Z), &ns, &ni) != STEP_OUT && r->c[ns >> 4])
                    push(r, inc, entry(ns, ni, 0));
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
