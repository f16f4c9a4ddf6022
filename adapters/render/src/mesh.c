/*
 * mesh.c - the greedy mesher: one chunk column's visible faces merged into
 * maximal quads, as plain vertex and index arrays (no GL).
 *
 * Design.  A mesh call first copies the column's blocks (16
 * qk_section_blocks calls) with a one-voxel apron from the four
 * neighbouring columns (qk_block_at, beside the band only) into a flat
 * array (vox below): after that the mesher never calls the kernel again.
 * The apron is air where no neighbour is loaded, and below y 0 and above
 * y 255, so the world's outer faces are drawn.  Only the y band that holds
 * blocks ([ylo, yhi]) is meshed: the air above a terrain surface costs a
 * copy and nothing more.
 *
 * A face of block b towards neighbour n is visible unless n hides it: n is
 * opaque, or n is b itself (glass next to glass shows no inner faces).  Air
 * is never drawn.  One pass over the band stores each voxel's visible faces
 * as 6 bits (fb) and ORs them per layer and per x and z plane, so that the
 * slices and rows without faces of a direction are skipped.  Then, for each
 * of the 6 directions and each slice across its axis, a 2D mask holds per
 * cell the block id whose face is visible there (0: none), and is merged
 * greedily in a fixed scan order: at the first unmerged cell a row grows
 * along u while the id matches, then the rectangle widens along v while the
 * whole next row matches.  So the vertex and index arrays depend only on
 * the blocks, never on memory or timing, and the hash over them
 * (little-endian, field by field) is stable across runs, compilers and
 * hosts.
 *
 * Cost: O(voxels in the band) for the copy and the face bits, then work in
 * proportion to the faces; a column of the bench's terrain is about 180 us
 * on the development container (benches/README.md, figure "mesh").
 */
#include <stdlib.h>
#include <string.h>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#include "quarry/qm.h"

/* The apron'd column: x and z in -1..16 (18 each), y in -1..256 (258). */
#define AW (QK_CHUNK_W + 2)
#define AH (QK_CHUNK_H + 2)
#define VIDX(x, y, z) ((size_t)((y) + 1) * (AW * AW) + (size_t)((z) + 1) * AW + (size_t)((x) + 1))

typedef struct mesher {
    qk_block_id vox[AW * AW * AH];
    uint8_t opaque[QK_MAX_BLOCKS]; /* by id; ids past the registry: 0 */
    qk_block_id mask[QK_CHUNK_W * QK_CHUNK_H];
    qk_block_id sec[QK_CHUNK_W * QK_CHUNK_W * QK_SECTION_H];
    uint8_t fb[QK_CHUNK_H * QK_CHUNK_W * QK_CHUNK_W]; /* face bits, y << 8 | z << 4 | x */
    uint8_t ybits[QK_CHUNK_H], xbits[QK_CHUNK_W], zbits[QK_CHUNK_W];
    uint8_t rowany[QK_CHUNK_H];
} mesher;

static qk_block_id apron(const qk_world *w, int32_t x, int32_t y, int32_t z)
{
    qk_block_id b;
    return qk_block_at(w, x, y, z, &b) == QK_OK ? b : QK_BLOCK_AIR;
}

/* Reads the column (one qk_section_blocks per section) and its apron
 * (qk_block_at, only beside the band).  Returns the y band holding blocks
 * in *ylo..*yhi (ylo > yhi when the column is empty). */
static void read_column(const qk_world *w, int32_t cx, int32_t cz, mesher *m, int *ylo,
                        int *yhi)
{
    *ylo = QK_CHUNK_H;
    *yhi = -1;
    /* Below y 0 and above y 255: air. */
    memset(&m->vox[VIDX(-1, -1, -1)], 0, AW * AW * sizeof m->vox[0]);
    memset(&m->vox[VIDX(-1, QK_CHUNK_H, -1)], 0, AW * AW * sizeof m->vox[0]);
    int32_t x0 = cx * QK_CHUNK_W, z0 = cz * QK_CHUNK_W;
    int lo = QK_CHUNK_H, hi = -1;
    qk_block_id *sec = m->sec;
    for (uint32_t sy = 0; sy < QK_SECTIONS; sy++) {
        if (qk_section_blocks(w, cx, cz, sy, sec) != QK_OK)
            return; /* checked by the caller: cannot happen */
        for (int y = 0; y < QK_SECTION_H; y++) {
            int wy = (int)sy * QK_SECTION_H + y;
            qk_block_id any = 0;
            for (int z = 0; z < QK_CHUNK_W; z++) {
                const qk_block_id *src = &sec[(y << 8) | (z << 4)];
                qk_block_id *row = &m->vox[VIDX(0, wy, z)];
                for (int x = 0; x < QK_CHUNK_W; x++) {
                    row[x] = src[x];
                    any |= src[x];
                }
            }
            if (any) {
                if (wy < lo)
                    lo = wy;
                hi = wy;
            }
        }
    }
    *ylo = lo;
    *yhi = hi;
    if (lo > hi)
        return;
    /* The apron beside the band; unloaded neighbours are air.  Nothing
     * outside the band and its apron is read, so nothing else is cleared. */
    for (int y = lo; y <= hi; y++) {
        for (int i = 0; i < QK_CHUNK_W; i++) {
            m->vox[VIDX(-1, y, i)] = apron(w, x0 - 1, y, z0 + i);
            m->vox[VIDX(QK_CHUNK_W, y, i)] = apron(w, x0 + QK_CHUNK_W, y, z0 + i);
            m->vox[VIDX(i, y, -1)] = apron(w, x0 + i, y, z0 - 1);
            m->vox[VIDX(i, y, QK_CHUNK_W)] = apron(w, x0 + i, y, z0 + QK_CHUNK_W);
        }
    }
}

static bool grow(qm_mesh *m, uint32_t need)
{
    if (need <= m->cap)
        return true;
    uint32_t cap = m->cap ? m->cap : 256;
    while (cap < need) {
        if (cap > UINT32_MAX / 2 / 6)
            return false;
        cap *= 2;
    }
    qm_vertex *v = realloc(m->v, (size_t)cap * 4 * sizeof *v);
    if (!v)
        return false;
    m->v = v;
    uint32_t *idx = realloc(m->idx, (size_t)cap * 6 * sizeof *idx);
    if (!idx)
        return false;
    m->idx = idx;
    m->cap = cap;
    return true;
}

/* Direction d: axis d/2 (0 x, 1 y, 2 z), sign + when d is odd (qm_vertex's
 * normal numbering).  A slice's plane has axes u and v:
 *   x: u = z, v = y;   y: u = x, v = z;   z: u = x, v = y.
 * Corners in (u, v) order (u0,v0) (u1,v0) (u1,v1) (u0,v1) wind
 * counter-clockwise around u x v, which is -x, -y and +z respectively; the
 * other sign takes them in reverse. */
static void corner(int axis, int a, int u, int v, qm_vertex *out)
{
    switch (axis) {
    case 0: out->x = (uint16_t)a; out->z = (uint16_t)u; out->y = (uint16_t)v; break;
    case 1: out->y = (uint16_t)a; out->x = (uint16_t)u; out->z = (uint16_t)v; break;
    default: out->z = (uint16_t)a; out->x = (uint16_t)u; out->y = (uint16_t)v; break;
    }
}

static void emit(qm_mesh *m, int d, int a, int u0, int v0, int u1, int v1, qk_block_id b)
{
    int axis = d / 2;
    bool pos = d & 1;
    bool natural = (axis == 2) ? pos : !pos;
    int us[4] = {u0, u1, u1, u0}, vs[4] = {v0, v0, v1, v1};
    uint32_t base = m->quads * 4;
    qm_vertex *out = &m->v[base];
    for (int k = 0; k < 4; k++) {
        int c = natural ? k : (4 - k) & 3; /* 0 3 2 1 when reversed */
        qm_vertex *q = &out[k];
        corner(axis, a, us[c], vs[c], q);
        q->normal = (uint8_t)d;
        q->pad = 0;
        q->block = b;
    }
    uint32_t *ix = &m->idx[m->quads * 6];
    ix[0] = base;
    ix[1] = base + 1;
    ix[2] = base + 2;
    ix[3] = base;
    ix[4] = base + 2;
    ix[5] = base + 3;
    m->quads++;
}

/* Merges mask[nu * nv] (row v, column u) into quads on plane a; rows
 * with rowany[v] == 0 are empty and skipped. */
static bool merge(mesher *ms, qm_mesh *m, int d, int a, int nu, int nv, int voff)
{
    qk_block_id *mask = ms->mask;
    for (int v = 0; v < nv; v++) {
        if (!ms->rowany[v])
            continue;
        for (int u = 0; u < nu;) {
            qk_block_id b = mask[v * nu + u];
            if (!b) {
                u++;
                continue;
            }
            int w = 1;
            while (u + w < nu && mask[v * nu + u + w] == b)
                w++;
            int h = 1;
            for (; v + h < nv; h++) {
                const qk_block_id *row = &mask[(v + h) * nu + u];
                int k = 0;
                if (ms->rowany[v + h])
                    while (k < w && row[k] == b)
                        k++;
                if (k < w)
                    break;
            }
            for (int j = 0; j < h; j++)
                memset(&mask[(v + j) * nu + u], 0, (size_t)w * sizeof *mask);
            if (!grow(m, m->quads + 1))
                return false;
            emit(m, d, a, u, v + voff, u + w, v + voff + h, b);
            u += w;
        }
    }
    return true;
}

/* One pass over the band: fb[y][z][x] gets bit d for each visible face of
 * the voxel (see the top of the file), and the ORs per layer (y) and per
 * x and z plane say which slices and rows can hold faces at all. */
static void face_bits(mesher *ms, int ylo, int yhi)
{
    static const ptrdiff_t off[6] = {-1, 1, -(ptrdiff_t)(AW * AW), AW * AW, -AW, AW};
    const uint8_t *op = ms->opaque;
    memset(ms->xbits, 0, sizeof ms->xbits);
    memset(ms->zbits, 0, sizeof ms->zbits);
    for (int y = ylo; y <= yhi; y++) {
        uint8_t lb = 0;
        for (int z = 0; z < QK_CHUNK_W; z++) {
            const qk_block_id *p = &ms->vox[VIDX(0, y, z)];
            uint8_t *f = &ms->fb[(y << 8) | (z << 4)];
            uint8_t zb = 0;
            for (int x = 0; x < QK_CHUNK_W; x++) {
                qk_block_id b = p[x];
                uint8_t bits = 0;
                if (b)
                    for (int d = 0; d < 6; d++) {
                        qk_block_id n = p[x + off[d]];
                        bits |= (uint8_t)((n != b && !op[n & (QK_MAX_BLOCKS - 1)]) << d);
                    }
                f[x] = bits;
                zb |= bits;
                ms->xbits[x] |= bits;
            }
            ms->zbits[z] |= zb;
            lb |= zb;
        }
        ms->ybits[y] = lb;
    }
}

static bool mesh_dir(mesher *ms, qm_mesh *m, int d, int ylo, int yhi)
{
    const qk_block_id *vox = ms->vox;
    const uint8_t *fb = ms->fb;
    uint8_t bit = (uint8_t)(1u << d);
    int axis = d / 2, pos = d & 1;
    /* The rows of this direction's band. */
    while (ylo <= yhi && !(ms->ybits[ylo] & bit))
        ylo++;
    while (yhi >= ylo && !(ms->ybits[yhi] & bit))
        yhi--;
    if (ylo > yhi)
        return true;
    if (axis == 1) {
        /* Horizontal planes: slice y, u = x, v = z. */
        for (int y = ylo; y <= yhi; y++) {
            if (!(ms->ybits[y] & bit))
                continue;
            for (int z = 0; z < QK_CHUNK_W; z++) {
                const qk_block_id *p = &vox[VIDX(0, y, z)];
                const uint8_t *f = &fb[(y << 8) | (z << 4)];
                qk_block_id *mr = &ms->mask[z * QK_CHUNK_W];
                qk_block_id any = 0;
                for (int x = 0; x < QK_CHUNK_W; x++) {
                    mr[x] = (f[x] & bit) ? p[x] : 0;
                    any |= mr[x];
                }
                ms->rowany[z] = any != 0;
            }
            if (!merge(ms, m, d, y + pos, QK_CHUNK_W, QK_CHUNK_W, 0))
                return false;
        }
        return true;
    }
    int nv = yhi - ylo + 1;
    const uint8_t *planes = axis == 0 ? ms->xbits : ms->zbits;
    for (int a = 0; a < QK_CHUNK_W; a++) {
        if (!(planes[a] & bit))
            continue;
        for (int v = 0; v < nv; v++) {
            int y = ylo + v;
            qk_block_id *mr = &ms->mask[v * QK_CHUNK_W];
            qk_block_id any = 0;
            if (ms->ybits[y] & bit) {
                for (int u = 0; u < QK_CHUNK_W; u++) {
                    int x = axis == 0 ? a : u, z = axis == 0 ? u : a;
                    mr[u] = (fb[(y << 8) | (z << 4) | x] & bit) ? vox[VIDX(x, y, z)] : 0;
                    any |= mr[u];
                }
            }
            ms->rowany[v] = any != 0;
        }
        if (!merge(ms, m, d, a + pos, QK_CHUNK_W, nv, ylo))
            return false;
    }
    return true;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* XXH3 of: quad count (u32), then per vertex x y z (u16) normal (u8)
 * block (u16), then every index (u32); all little-endian, no padding. */
static uint64_t mesh_hash(const qm_mesh *m)
{
    XXH3_state_t st;
    XXH3_INITSTATE(&st);
    XXH3_64bits_reset(&st);
    uint8_t buf[4096];
    size_t n = 0;
    put32(buf, m->quads);
    n = 4;
    for (uint32_t i = 0; i < m->quads * 4; i++) {
        if (n + 9 > sizeof buf) {
            XXH3_64bits_update(&st, buf, n);
            n = 0;
        }
        const qm_vertex *q = &m->v[i];
        put16(buf + n, q->x);
        put16(buf + n + 2, q->y);
        put16(buf + n + 4, q->z);
        buf[n + 6] = q->normal;
        put16(buf + n + 7, q->block);
        n += 9;
    }
    for (uint32_t i = 0; i < m->quads * 6; i++) {
        if (n + 4 > sizeof buf) {
            XXH3_64bits_update(&st, buf, n);
            n = 0;
        }
        put32(buf + n, m->idx[i]);
        n += 4;
    }
    XXH3_64bits_update(&st, buf, n);
    return XXH3_64bits_digest(&st);
}

qk_status qm_mesh_chunk(const qk_world *w, int32_t cx, int32_t cz, qm_mesh *m)
{
    qk_chunk_revs revs;
    if (!w || !m)
        return QK_ERR_INVALID;
    if (qk_chunk_revisions(w, cx, cz, &revs) != QK_OK)
        return QK_ERR_RANGE;
    mesher *ms = malloc(sizeof *ms);
    if (!ms)
        return QK_ERR_NOMEM;
    memset(ms->opaque, 0, sizeof ms->opaque);
    const qk_block_def *def;
    for (uint32_t id = 0; id < QK_MAX_BLOCKS && (def = qk_block_def_of(w, (qk_block_id)id)); id++)
        ms->opaque[id] = def->opaque;
    m->cx = cx;
    m->cz = cz;
    m->quads = 0;
    m->geometry = revs.geometry;
    int ylo, yhi;
    read_column(w, cx, cz, ms, &ylo, &yhi);
    qk_status st = QK_OK;
    if (ylo <= yhi) {
        face_bits(ms, ylo, yhi);
        for (int d = 0; d < 6 && st == QK_OK; d++)
            if (!mesh_dir(ms, m, d, ylo, yhi))
                st = QK_ERR_NOMEM;
    }
    free(ms);
    if (st != QK_OK) {
        m->quads = 0;
        m->hash = 0;
        return st;
    }
    m->hash = mesh_hash(m);
    return QK_OK;
}

void qm_mesh_free(qm_mesh *m)
{
    if (!m)
        return;
    free(m->v);
    free(m->idx);
    memset(m, 0, sizeof *m);
}
