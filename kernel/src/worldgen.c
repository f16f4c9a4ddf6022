/*
 * worldgen.c - the world generators: empty, superflat and terrain.
 *
 * Every generator is a pure function (config, cx, cz) -> column (worldgen.h).
 * Spatial randomness hashes world coordinates under sub-seeds of the
 * worldgen stream; nothing depends on chunk-local state, on which other
 * columns exist or on generation order, so neighbouring columns meet without
 * seams and any column can be regenerated alone.  All arithmetic is integer
 * (unsigned, or signed values far too small to overflow): no floats, no
 * shifts of negative numbers, no overflow.
 *
 * Empty is all air.  Superflat stacks its layers from y = 0 up, layer i
 * filling the next layers[i].height blocks; above them is air.  Every
 * config error is QK_ERR_INVALID (what qk_world_create promises for a bad
 * config), with diag->offset the offending layer's index for superflat.
 * qk__terrain_height answers for superflat too (top of the highest non-air
 * layer) and gives -1 where there is no ground.
 *
 * The terrain algorithm, exactly (so it can be reimplemented elsewhere; the
 * noise primitives value2/value3 are defined in noise.h):
 *
 *   S      = qk__stream_seed(cfg->seed, QK_STREAM_WORLDGEN)
 *   sub(k) = qk__stream_seed(S, k)                  (sub-seed number k)
 *   World block x = cx*16 + local x, z likewise, computed in int64.
 *
 *   Height.  v_o = value2(sub(1+o), x, z, 6-o) for octaves o = 0..3 (cells
 *   of 64, 32, 16 and 8 blocks);  s = (8*v0 + 4*v1 + 2*v2 + v3) / 15, then
 *   a contrast stretch c = clamp(32768 + 3*(s - 32768)/2, 0, 65535), done
 *   in unsigned arithmetic (c = s >= 32768 ? 32768 + 3*(s-32768)/2 :
 *   32768 - 3*(32768-s)/2 with truncating division of the non-negative
 *   differences, then clamped).  With B = base_height, A = amplitude:
 *       height = B - A + (2*A*c + 32767) / 65535        (in B-A .. B+A)
 *   Each octave's slope is at most 1.875 (the fade's) node ranges per cell,
 *   so neighbouring columns differ by at most 0.1875*A blocks plus rounding
 *   (3 blocks for A = 12).
 *
 *   Layers of a column of surface height h (always >= 5, validated):
 *   y = 0 bedrock; y = 1..h-4 stone; y = h-3..h-1 dirt; y = h grass; above
 *   air.  Then jagged bedrock: b = qk__hash3(sub(32), x, 0, z); y = 1 is
 *   bedrock if (b & 1) == 1, y = 2 is bedrock if (b & 6) == 6.
 *
 *   Caves ("spaghetti" tunnels: where two independent 3D noise fields are
 *   both near their midpoint, i.e. along the intersection curves of two
 *   isosurfaces).  Each field is a two-octave 3D value noise:
 *       N1 = (2*value3(sub(16), X, Y, Z, 5, 4) + value3(sub(17), X, Y, Z, 4, 3)) / 3
 *       N2 = (2*value3(sub(18), X, Y, Z, 5, 4) + value3(sub(19), X, Y, Z, 4, 3)) / 3
 *   (cells 32 blocks wide and 16 tall, plus 16 wide and 8 tall; flatter
 *   cells make mostly horizontal tunnels).  N1 and N2 are evaluated only at
 *   coarse points whose X, Y, Z are multiples of 4 and blended trilinearly
 *   in between: for a voxel at 4*g + f on each axis (f = 0..3) the weights
 *   are (4-f) for the lower and f for the upper point, the product of the
 *   three axes' weights multiplies each of the 8 corner values, and the sum
 *   (total weight 64) is divided by 64 rounding down.  With d_i = N_i - 32768
 *   (signed), a voxel with 5 <= y <= h-1 becomes air when
 *       d1*d1 + d2*d2 < caves * 200000.
 *   The grass block at y = h is never carved, so the surface height holds
 *   after carving too, but a tunnel may pass right under it.  The constant
 *   makes `caves` per mille about the fraction of the band 5..h-1 carved
 *   (measured over 6 seeds: 100 -> 10 %, 200 -> 19.5 %, 400 -> 36 %).
 *   Bedrock at y = 0 is never touched.
 *
 * Cost per chunk column: the height map hashes 4 lattice nodes per octave
 * per (x, z), 4096 qk__hash3 calls.  Caves hash each lattice node of the
 * column's box once (qk__noise_box: about 4 x 300 nodes), blend 4 value
 * noises at each of the 5 x 5 x about h/4 coarse points, then one trilinear
 * blend per voxel of the band.  About 90 us per column at -O2 on x86_64
 * (30 us of it the height map); tests/kernel/test_worldgen prints it.
 */
#include "worldgen.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "diag.h"
#include "noise.h"
#include "rng.h"

/* Sub-seed numbers of the worldgen stream: never renumber (see header). */
enum {
    SUB_HEIGHT = 1,  /* 1..4: height octaves */
    SUB_CAVE1 = 16,  /* 16, 17: first cave field's octaves */
    SUB_CAVE2 = 18,  /* 18, 19: second cave field's octaves */
    SUB_BEDROCK = 32 /* jagged bedrock */
};

#define HEIGHT_OCTAVES 4
#define CAVE_MIN_Y 5
#define CAVE_STEP 4                            /* coarse grid spacing, blocks */
#define CAVE_GRID_W (QK_CHUNK_W / CAVE_STEP + 1) /* 5 points per axis */
#define CAVE_GRID_H (QK_CHUNK_H / CAVE_STEP + 1) /* 65 points */
#define CAVE_RADIUS2_PER_MILLE 200000u

/* ------------------------------------------------------------------------ */
/* Validation                                                               */
/* ------------------------------------------------------------------------ */

/* Every generator error is a bad config: qk_world_create documents
 * QK_ERR_INVALID for those and keeps QK_ERR_RANGE for the rectangle. */
static qk_status fail(qk_diag *diag, const char *what, uint64_t offset)
{
    return qk__fail(diag, QK_ERR_INVALID, what, offset);
}

static qk_status validate_flat(const qk_world_config *cfg, uint32_t block_count,
                               qk_diag *diag)
{
    if (cfg->layer_count > QK_MAX_LAYERS)
        return fail(diag, "superflat: more than 32 layers", 0);
    uint32_t total = 0;
    for (uint32_t i = 0; i < cfg->layer_count; i++) {
        const qk_flat_layer *l = &cfg->layers[i];
        if (l->block >= block_count)
            return fail(diag, "superflat: layer block id is not in the registry", i);
        if (l->height == 0)
            return fail(diag, "superflat: layer height is 0", i);
        total += l->height;
        if (total > QK_CHUNK_H)
            return fail(diag, "superflat: layers are taller than 256 blocks", i);
    }
    return QK_OK;
}

static qk_status validate_terrain(const qk_terrain_params *t, uint32_t block_count,
                                  qk_diag *diag)
{
    if (t->bedrock >= block_count)
        return fail(diag, "terrain: bedrock block id is not in the registry", 0);
    if (t->stone >= block_count)
        return fail(diag, "terrain: stone block id is not in the registry", 0);
    if (t->dirt >= block_count)
        return fail(diag, "terrain: dirt block id is not in the registry", 0);
    if (t->grass >= block_count)
        return fail(diag, "terrain: grass block id is not in the registry", 0);
    if (t->base_height < 1 || t->base_height > 250)
        return fail(diag, "terrain: base_height must be 1..250", 0);
    if (t->amplitude > 100)
        return fail(diag, "terrain: amplitude must be 0..100", 0);
    if ((uint32_t)t->base_height + t->amplitude > 250)
        return fail(diag, "terrain: base_height + amplitude must be at most 250", 0);
    if ((uint32_t)t->base_height <= (uint32_t)t->amplitude + 4)
        return fail(diag, "terrain: base_height must exceed amplitude + 4", 0);
    if (t->caves > 400)
        return fail(diag, "terrain: caves must be 0..400 per mille", 0);
    return QK_OK;
}

qk_status qk__gen_validate(const qk_world_config *cfg, uint32_t block_count,
                           qk_diag *diag)
{
    assert(cfg);
    switch (cfg->generator) {
    case QK_GEN_EMPTY:
        return QK_OK;
    case QK_GEN_SUPERFLAT:
        return validate_flat(cfg, block_count, diag);
    case QK_GEN_TERRAIN:
        return validate_terrain(&cfg->terrain, block_count, diag);
    }
    return fail(diag, "unknown generator", 0);
}

/* ------------------------------------------------------------------------ */
/* Terrain                                                                  */
/* ------------------------------------------------------------------------ */

static int32_t height_at(uint64_t s, const qk_terrain_params *t, int64_t x, int64_t z)
{
    uint32_t sum = 0;
    for (unsigned o = 0; o < HEIGHT_OCTAVES; o++) {
        uint32_t weight = 8u >> o;
        sum += weight * qk__noise_value2(qk__stream_seed(s, SUB_HEIGHT + o), x, z, 6 - o);
    }
    uint32_t v = sum / 15u; /* 0..65535 */
    uint32_t c;
    if (v >= 32768u) {
        c = 32768u + 3u * (v - 32768u) / 2u;
        if (c > 65535u)
            c = 65535u;
    } else {
        uint32_t down = 3u * (32768u - v) / 2u;
        c = down >= 32768u ? 0u : 32768u - down;
    }
    uint32_t a = t->amplitude;
    uint32_t rise = (2u * a * c + 32767u) / 65535u; /* 0..2a */
    return (int32_t)(t->base_height - a + rise);
}

/* One cave field: two octaves of 3D value noise, their lattice nodes
 * cached for the column when they fit (they always do for a column's box;
 * the direct path gives the same values, only slower). */
typedef struct cave_noise {
    uint64_t seed[2];
    bool boxed;
    qk__noise_box box[2];
} cave_noise;

static const unsigned cave_hshift[2] = {5, 4}, cave_vshift[2] = {4, 3};

static void cave_noise_init(cave_noise *c, uint64_t s, unsigned sub, const int64_t lo[3],
                            const int64_t hi[3])
{
    c->boxed = true;
    for (unsigned o = 0; o < 2; o++) {
        c->seed[o] = qk__stream_seed(s, sub + o);
        if (!qk__noise_box_init(&c->box[o], c->seed[o], cave_hshift[o], cave_vshift[o], lo,
                                hi))
            c->boxed = false;
    }
}

static uint32_t cave_field(const cave_noise *c, int64_t x, int64_t y, int64_t z)
{
    uint32_t v[2];
    for (unsigned o = 0; o < 2; o++)
        v[o] = c->boxed ? qk__noise_box_value3(&c->box[o], x, y, z)
                        : qk__noise_value3(c->seed[o], x, y, z, cave_hshift[o],
                                           cave_vshift[o]);
    return (2u * v[0] + v[1]) / 3u;
}

/* The two cave fields at the coarse points of one column, [field][gx][gz][gy];
 * point (gx, gy, gz) lies at local (4*gx, 4*gy, 4*gz). */
typedef struct cave_grid {
    uint16_t n[2][CAVE_GRID_W][CAVE_GRID_W][CAVE_GRID_H];
} cave_grid;

/* Carves one (x, z) column of voxels 5 <= y < h.  The trilinear blend of
 * the header comment is summed in two steps, x and z first (weights total
 * 16) and then y (total 64), before the one division by 64: the integer sum
 * is the same in any order, so this is exactly the 8-corner formula. */
static void carve_column(const cave_grid *g, uint64_t r2, unsigned x, unsigned z,
                         int32_t h, qk_block_id *ids)
{
    unsigned gx = x / CAVE_STEP, fx = x % CAVE_STEP;
    unsigned gz = z / CAVE_STEP, fz = z % CAVE_STEP;
    uint32_t w[2][2]; /* [k][i]: weight of grid point (gx + i, gz + k) */
    for (unsigned k = 0; k < 2; k++)
        for (unsigned i = 0; i < 2; i++)
            w[k][i] = (i ? fx : CAVE_STEP - fx) * (k ? fz : CAVE_STEP - fz);
    uint32_t col[2][CAVE_GRID_H]; /* [field][gy], x-z blends times 16 */
    unsigned gy_lo = CAVE_MIN_Y / CAVE_STEP, gy_hi = (unsigned)(h - 1) / CAVE_STEP + 1u;
    for (unsigned f = 0; f < 2; f++)
        for (unsigned gy = gy_lo; gy <= gy_hi; gy++)
            col[f][gy] = w[0][0] * g->n[f][gx][gz][gy] + w[0][1] * g->n[f][gx + 1][gz][gy] +
                         w[1][0] * g->n[f][gx][gz + 1][gy] +
                         w[1][1] * g->n[f][gx + 1][gz + 1][gy];
    for (int32_t y = CAVE_MIN_Y; y < h; y++) {
        unsigned gy = (unsigned)y / CAVE_STEP, fy = (unsigned)y % CAVE_STEP;
        uint32_t s1 = (CAVE_STEP - fy) * col[0][gy] + fy * col[0][gy + 1];
        uint32_t s2 = (CAVE_STEP - fy) * col[1][gy] + fy * col[1][gy + 1];
        int64_t d1 = (int64_t)(s1 / (CAVE_STEP * CAVE_STEP * CAVE_STEP)) - 32768;
        int64_t d2 = (int64_t)(s2 / (CAVE_STEP * CAVE_STEP * CAVE_STEP)) - 32768;
        if ((uint64_t)(d1 * d1 + d2 * d2) < r2)
            ids[QK_COL_INDEX(x, y, z)] = QK_BLOCK_AIR;
    }
}

/* Carves tunnels into voxels 5 <= y < h of the column at world (x0, z0).
 * Cost: one hash3 per lattice node of the column's box (about 4 x 300),
 * 4 value-noise blends per coarse point (25 x about h/4 points) and a
 * trilinear blend per voxel of the band. */
static void carve_caves(const qk_terrain_params *t, uint64_t s, int64_t x0, int64_t z0,
                        const int32_t *heights, qk_block_id *ids)
{
    int32_t top = 0; /* highest y that may be carved */
    for (unsigned i = 0; i < QK_CHUNK_W * QK_CHUNK_W; i++)
        if (heights[i] - 1 > top)
            top = heights[i] - 1;
    if (top < CAVE_MIN_Y)
        return;

    /* Coarse points with gy in [gy_lo, gy_hi] cover every y in [5, top]. */
    unsigned gy_lo = CAVE_MIN_Y / CAVE_STEP;
    unsigned gy_hi = (unsigned)top / CAVE_STEP + 1u;
    const int64_t lo[3] = {x0, (int64_t)(gy_lo * CAVE_STEP), z0};
    const int64_t hi[3] = {x0 + QK_CHUNK_W, (int64_t)(gy_hi * CAVE_STEP), z0 + QK_CHUNK_W};
    cave_noise field[2];
    cave_noise_init(&field[0], s, SUB_CAVE1, lo, hi);
    cave_noise_init(&field[1], s, SUB_CAVE2, lo, hi);
    cave_grid g;
    for (unsigned gx = 0; gx < CAVE_GRID_W; gx++) {
        for (unsigned gz = 0; gz < CAVE_GRID_W; gz++) {
            int64_t x = x0 + (int64_t)(gx * CAVE_STEP);
            int64_t z = z0 + (int64_t)(gz * CAVE_STEP);
            for (unsigned gy = gy_lo; gy <= gy_hi; gy++) {
                int64_t y = (int64_t)(gy * CAVE_STEP);
                g.n[0][gx][gz][gy] = (uint16_t)cave_field(&field[0], x, y, z);
                g.n[1][gx][gz][gy] = (uint16_t)cave_field(&field[1], x, y, z);
            }
        }
    }

    uint64_t r2 = (uint64_t)t->caves * CAVE_RADIUS2_PER_MILLE;
    for (unsigned z = 0; z < QK_CHUNK_W; z++)
        for (unsigned x = 0; x < QK_CHUNK_W; x++)
            if (heights[z * QK_CHUNK_W + x] > CAVE_MIN_Y)
                carve_column(&g, r2, x, z, heights[z * QK_CHUNK_W + x], ids);
}

static void gen_terrain(const qk_world_config *cfg, int32_t cx, int32_t cz,
                        qk_block_id *ids)
{
    const qk_terrain_params *t = &cfg->terrain;
    uint64_t s = qk__stream_seed(cfg->seed, QK_STREAM_WORLDGEN);
    uint64_t bedrock_seed = qk__stream_seed(s, SUB_BEDROCK);
    int64_t x0 = (int64_t)cx * QK_CHUNK_W, z0 = (int64_t)cz * QK_CHUNK_W;
    int32_t heights[QK_CHUNK_W * QK_CHUNK_W]; /* [z*16 + x] */

    for (unsigned z = 0; z < QK_CHUNK_W; z++) {
        for (unsigned x = 0; x < QK_CHUNK_W; x++) {
            int64_t wx = x0 + x, wz = z0 + z;
            int32_t h = height_at(s, t, wx, wz);
            assert(h >= 5 && h < QK_CHUNK_H);
            heights[z * QK_CHUNK_W + x] = h;
            ids[QK_COL_INDEX(x, 0, z)] = t->bedrock;
            for (int32_t y = 1; y <= h - 4; y++)
                ids[QK_COL_INDEX(x, y, z)] = t->stone;
            for (int32_t y = h - 3; y < h; y++)
                ids[QK_COL_INDEX(x, y, z)] = t->dirt;
            ids[QK_COL_INDEX(x, h, z)] = t->grass;
            uint64_t b = qk__hash3(bedrock_seed, wx, 0, wz);
            if ((b & 1u) == 1u)
                ids[QK_COL_INDEX(x, 1, z)] = t->bedrock;
            if ((b & 6u) == 6u)
                ids[QK_COL_INDEX(x, 2, z)] = t->bedrock;
        }
    }
    if (t->caves > 0)
        carve_caves(t, s, x0, z0, heights, ids);
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                             */
/* ------------------------------------------------------------------------ */

void qk__gen_column(const qk_world_config *cfg, int32_t cx, int32_t cz,
                    qk_block_id *ids)
{
    assert(cfg && ids);
    /* Air everywhere first (QK_BLOCK_AIR is 0, so bytes of 0 are air). */
    memset(ids, 0, sizeof(qk_block_id) * QK_COL_VOXELS);
    switch (cfg->generator) {
    case QK_GEN_EMPTY:
        return;
    case QK_GEN_SUPERFLAT: {
        uint32_t y = 0;
        for (uint32_t i = 0; i < cfg->layer_count && i < QK_MAX_LAYERS; i++) {
            for (uint32_t k = 0; k < cfg->layers[i].height && y < QK_CHUNK_H; k++, y++) {
                qk_block_id *row = &ids[QK_COL_INDEX(0, y, 0)];
                for (uint32_t j = 0; j < QK_CHUNK_W * QK_CHUNK_W; j++)
                    row[j] = cfg->layers[i].block;
            }
        }
        return;
    }
    case QK_GEN_TERRAIN:
        gen_terrain(cfg, cx, cz, ids);
        return;
    }
}

int32_t qk__terrain_height(const qk_world_config *cfg, int32_t x, int32_t z)
{
    assert(cfg);
    switch (cfg->generator) {
    case QK_GEN_EMPTY:
        return -1;
    case QK_GEN_SUPERFLAT: {
        /* Top of the highest layer that is not air, or -1. */
        int32_t y = 0, top = -1;
        for (uint32_t i = 0; i < cfg->layer_count && i < QK_MAX_LAYERS; i++) {
            y += cfg->layers[i].height;
            if (cfg->layers[i].block != QK_BLOCK_AIR)
                top = (y > QK_CHUNK_H ? QK_CHUNK_H : y) - 1;
        }
        return top;
    }
    case QK_GEN_TERRAIN:
        return height_at(qk__stream_seed(cfg->seed, QK_STREAM_WORLDGEN), &cfg->terrain,
                         x, z);
    }
    return -1;
}
