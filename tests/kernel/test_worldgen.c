/*
 * test_worldgen.c - the world generators (kernel/src/worldgen.c, noise.c).
 *
 * What is frozen here: the golden hashes pin the exact terrain and superflat
 * algorithms, so any accidental change, and any compiler/CPU/optimisation
 * difference, fails this test.  If a change to the generator is intended,
 * update the constants on purpose (and say why in the commit): every saved
 * scenario's golden stream changes with them.
 *
 * The rest checks the generator's promises: purity (same input, same column,
 * in any order), continuity across chunk seams at negative coordinates too,
 * exact superflat layers, bedrock floor, caves that exist but never reach
 * y < 5, and a clear diagnostic for every bad config.  It also prints the
 * time per terrain column (informational; sanitizer builds are slower).
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "check.h"
#include "noise.h"
#include "rng.h"
#include "worldgen.h"

enum { AIR = 0, BEDROCK = 1, STONE = 2, DIRT = 3, GRASS = 4, BLOCKS = 5 };

static qk_block_id col_a[QK_COL_VOXELS], col_b[QK_COL_VOXELS];

static qk_world_config terrain_cfg(uint64_t seed)
{
    qk_world_config c;
    memset(&c, 0, sizeof c);
    c.seed = seed;
    c.generator = QK_GEN_TERRAIN;
    c.terrain.bedrock = BEDROCK;
    c.terrain.stone = STONE;
    c.terrain.dirt = DIRT;
    c.terrain.grass = GRASS;
    c.terrain.base_height = 64;
    c.terrain.amplitude = 12;
    c.terrain.caves = 100;
    return c;
}

static qk_world_config flat_cfg(void)
{
    qk_world_config c;
    memset(&c, 0, sizeof c);
    c.seed = 7;
    c.generator = QK_GEN_SUPERFLAT;
    c.layers[0] = (qk_flat_layer){BEDROCK, 1};
    c.layers[1] = (qk_flat_layer){STONE, 3};
    c.layers[2] = (qk_flat_layer){DIRT, 2};
    c.layers[3] = (qk_flat_layer){GRASS, 1};
    c.layer_count = 4;
    return c;
}

/* XXH3-64 of the column as little-endian u16s (host independent). */
static uint64_t column_hash(const qk_block_id *ids)
{
    static uint8_t bytes[QK_COL_VOXELS * 2];
    for (size_t i = 0; i < QK_COL_VOXELS; i++) {
        bytes[2 * i] = (uint8_t)(ids[i] & 0xFFu);
        bytes[2 * i + 1] = (uint8_t)(ids[i] >> 8);
    }
    return XXH3_64bits(bytes, sizeof bytes);
}

static uint64_t gen_hash(const qk_world_config *cfg, int32_t cx, int32_t cz)
{
    qk__gen_column(cfg, cx, cz, col_a);
    return column_hash(col_a);
}

static int32_t floor_div16(int32_t v)
{
    return v >= 0 ? v / 16 : -((-v - 1) / 16) - 1;
}

/* Top non-air y of world column (x, z) as generated, or -1. */
static int32_t generated_top(const qk_world_config *cfg, int32_t x, int32_t z)
{
    int32_t cx = floor_div16(x), cz = floor_div16(z);
    qk__gen_column(cfg, cx, cz, col_b);
    uint32_t lx = (uint32_t)(x - cx * 16), lz = (uint32_t)(z - cz * 16);
    for (int32_t y = QK_CHUNK_H - 1; y >= 0; y--)
        if (col_b[QK_COL_INDEX(lx, y, lz)] != AIR)
            return y;
    return -1;
}

static void test_noise_primitives(void)
{
    CHECK_INT(qk__noise_fade(0), 0);
    CHECK_INT(qk__noise_fade(QK_NOISE_ONE), QK_NOISE_ONE);
    CHECK_INT(qk__noise_fade(QK_NOISE_ONE / 2), QK_NOISE_ONE / 2);
    uint32_t prev = 0;
    int monotone = 1;
    for (uint32_t t = 0; t <= QK_NOISE_ONE; t += 97) {
        uint32_t f = qk__noise_fade(t);
        if (f < prev)
            monotone = 0;
        prev = f;
    }
    CHECK(monotone);
    CHECK_INT(qk__noise_lerp(0, 65535, 0), 0);
    CHECK_INT(qk__noise_lerp(0, 65535, QK_NOISE_ONE), 65535);
    CHECK_INT(qk__noise_lerp(1000, 1000, 12345), 1000);

    uint32_t f;
    CHECK_INT(qk__noise_cell(-1, 4, &f), -1);
    CHECK_INT(f, 15u << 12);
    CHECK_INT(qk__noise_cell(-16, 4, &f), -1);
    CHECK_INT(f, 0);
    CHECK_INT(qk__noise_cell(-17, 4, &f), -2);
    CHECK_INT(f, 15u << 12);
    CHECK_INT(qk__noise_cell(17, 4, &f), 1);
    CHECK_INT(f, 1u << 12);
    CHECK_INT(qk__noise_cell(-5, 0, &f), -5);
    CHECK_INT(f, 0);

    /* At lattice nodes value noise is the node value; between them it stays
     * within the range of its corners and is continuous at negative cells. */
    uint64_t seed = 99;
    int smooth = 1;
    for (int64_t x = -70; x < 70; x++) {
        uint32_t a = qk__noise_value2(seed, x, -3, 3);
        uint32_t b = qk__noise_value2(seed, x + 1, -3, 3);
        uint32_t d = a > b ? a - b : b - a;
        if (d > 65535u * 2u / 8u + 2u) /* fade slope <= 1.875 per cell of 8 */
            smooth = 0;
    }
    CHECK(smooth);

    /* A box of cached nodes gives exactly the directly hashed values, at
     * negative coordinates too; a box too large is refused. */
    qk__noise_box box;
    const int64_t lo[3] = {-37, 0, -100}, hi[3] = {-21, 70, -84};
    CHECK(qk__noise_box_init(&box, seed, 4, 3, lo, hi));
    int same = 1;
    for (int64_t y = lo[1]; y <= hi[1]; y += 3)
        for (int64_t z = lo[2]; z <= hi[2]; z++)
            for (int64_t x = lo[0]; x <= hi[0]; x++)
                same &= qk__noise_box_value3(&box, x, y, z) ==
                        qk__noise_value3(seed, x, y, z, 4, 3);
    CHECK(same);
    const int64_t big[3] = {1000, 256, 1000};
    CHECK(!qk__noise_box_init(&box, seed, 4, 3, lo, big));
}

/* The terrain algorithm written out again from worldgen.c's header comment,
 * the slow and obvious way (direct hashing, the 8-corner blend per voxel):
 * checks that the comment describes the code, cache and all. */
static int32_t ref_height(const qk_world_config *cfg, int64_t x, int64_t z)
{
    uint64_t s = qk__stream_seed(cfg->seed, QK_STREAM_WORLDGEN);
    int64_t v = 0;
    for (unsigned o = 0; o < 4; o++)
        v += (int64_t)(8u >> o) * qk__noise_value2(qk__stream_seed(s, 1 + o), x, z, 6 - o);
    v /= 15;
    int64_t c = 32768 + 3 * (v - 32768) / 2; /* C truncates toward zero */
    c = c < 0 ? 0 : c > 65535 ? 65535 : c;
    int64_t a = cfg->terrain.amplitude;
    return (int32_t)(cfg->terrain.base_height - a + (2 * a * c + 32767) / 65535);
}

static int64_t ref_cave(uint64_t s, unsigned sub, int64_t x, int64_t y, int64_t z)
{
    return (2 * (int64_t)qk__noise_value3(qk__stream_seed(s, sub), x, y, z, 5, 4) +
            (int64_t)qk__noise_value3(qk__stream_seed(s, sub + 1), x, y, z, 4, 3)) / 3;
}

static void ref_column(const qk_world_config *cfg, int32_t cx, int32_t cz, qk_block_id *ids)
{
    const qk_terrain_params *t = &cfg->terrain;
    uint64_t s = qk__stream_seed(cfg->seed, QK_STREAM_WORLDGEN);
    memset(ids, 0, sizeof(qk_block_id) * QK_COL_VOXELS);
    for (int64_t lz = 0; lz < 16; lz++) {
        for (int64_t lx = 0; lx < 16; lx++) {
            int64_t x = (int64_t)cx * 16 + lx, z = (int64_t)cz * 16 + lz;
            int32_t h = ref_height(cfg, x, z);
            for (int32_t y = 0; y <= h; y++)
                ids[QK_COL_INDEX(lx, y, lz)] = y == 0       ? t->bedrock
                                               : y <= h - 4 ? t->stone
                                               : y < h      ? t->dirt
                                                            : t->grass;
            uint64_t b = qk__hash3(qk__stream_seed(s, 32), x, 0, z);
            if (b & 1)
                ids[QK_COL_INDEX(lx, 1, lz)] = t->bedrock;
            if ((b & 6) == 6)
                ids[QK_COL_INDEX(lx, 2, lz)] = t->bedrock;
            for (int64_t y = 5; y < h; y++) {
                int64_t sum[2] = {0, 0};
                for (int64_t c = 0; c < 8; c++) {
                    int64_t px = x - (x & 3) + 4 * (c & 1), py = y - (y & 3) + 4 * ((c >> 1) & 1),
                            pz = z - (z & 3) + 4 * (c >> 2);
                    int64_t w = (4 - (px > x ? 4 - (x & 3) : (x & 3))) *
                                (4 - (py > y ? 4 - (y & 3) : (y & 3))) *
                                (4 - (pz > z ? 4 - (z & 3) : (z & 3)));
                    sum[0] += w * ref_cave(s, 16, px, py, pz);
                    sum[1] += w * ref_cave(s, 18, px, py, pz);
                }
                int64_t d1 = sum[0] / 64 - 32768, d2 = sum[1] / 64 - 32768;
                if (d1 * d1 + d2 * d2 < (int64_t)t->caves * 200000)
                    ids[QK_COL_INDEX(lx, y, lz)] = QK_BLOCK_AIR;
            }
        }
    }
}

static void test_reference(void)
{
    static qk_block_id want[QK_COL_VOXELS];
    qk_world_config c = terrain_cfg(42);
    static const int32_t cols[][2] = {{0, 0}, {-1, -1}, {5, -3}};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        ref_column(&c, cols[i][0], cols[i][1], want);
        qk__gen_column(&c, cols[i][0], cols[i][1], col_a);
        CHECK(memcmp(want, col_a, sizeof want) == 0);
    }
    qk_world_config tall = terrain_cfg(9);
    tall.terrain.base_height = 150;
    tall.terrain.amplitude = 100;
    tall.terrain.caves = 400;
    ref_column(&tall, -3, 4, want);
    qk__gen_column(&tall, -3, 4, col_a);
    CHECK(memcmp(want, col_a, sizeof want) == 0);
}

static void test_reproducible(void)
{
    qk_world_config c = terrain_cfg(42);
    qk__gen_column(&c, 3, -2, col_a);
    qk__gen_column(&c, 3, -2, col_b);
    CHECK(memcmp(col_a, col_b, sizeof col_a) == 0);

    qk_world_config d = terrain_cfg(43);
    qk__gen_column(&d, 3, -2, col_b);
    CHECK(memcmp(col_a, col_b, sizeof col_a) != 0);
    int heights_differ = 0;
    for (int32_t x = 0; x < 64; x++)
        if (qk__terrain_height(&c, x, 5) != qk__terrain_height(&d, x, 5))
            heights_differ++;
    CHECK(heights_differ > 16);

    /* Order independence: a 3x3 block generated forwards and backwards. */
    uint64_t fwd[9], bwd[9];
    for (int i = 0; i < 9; i++)
        fwd[i] = gen_hash(&c, i % 3 - 1, i / 3 - 1);
    for (int i = 8; i >= 0; i--)
        bwd[i] = gen_hash(&c, i % 3 - 1, i / 3 - 1);
    int same = 1;
    for (int i = 0; i < 9; i++)
        same &= fwd[i] == bwd[i];
    CHECK(same);
    /* Interleaving with another config changes nothing either. */
    qk_world_config f = flat_cfg();
    (void)gen_hash(&f, 0, 0);
    CHECK_U64(gen_hash(&c, -1, -1), fwd[0]);
}

static void test_golden(void)
{
    /* Recorded once from this implementation; the same under gcc and clang
     * -O0..-O3, gcc/clang -m32 (i386), ASan+UBSan, and aarch64 (gcc cross,
     * qemu-user).  The superflat columns are all alike, as they should be. */
    static const struct {
        int32_t cx, cz;
        uint64_t terrain, flat;
    } g[] = {
        {0, 0, 0xaaf6d7b8658350b6ull, 0xa7cb430e0e889685ull},
        {-1, -1, 0x69d7224d051ef0f6ull, 0xa7cb430e0e889685ull},
        {5, -3, 0x088a5ee21c7d0d1eull, 0xa7cb430e0e889685ull},
        {-7, 2, 0x840dc82235de2654ull, 0xa7cb430e0e889685ull},
    };
    qk_world_config t = terrain_cfg(42);
    qk_world_config f = flat_cfg();
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
        uint64_t ht = gen_hash(&t, g[i].cx, g[i].cz);
        uint64_t hf = gen_hash(&f, g[i].cx, g[i].cz);
        if (getenv("QUARRY_PRINT_GOLDEN"))
            printf("{%d, %d, 0x%016" PRIx64 "ull, 0x%016" PRIx64 "ull},\n", g[i].cx,
                   g[i].cz, ht, hf);
        CHECK_U64(ht, g[i].terrain);
        CHECK_U64(hf, g[i].flat);
    }
    /* Heights at a few points, for a quick look when hashes diverge. */
    CHECK_INT(qk__terrain_height(&t, 0, 0), 54);
    CHECK_INT(qk__terrain_height(&t, -1000, 777), 58);
}

static void test_continuity(void)
{
    qk_world_config c = terrain_cfg(42);
    /* Across the seams x = -1|0, 15|16, -17|-16 and z = 15|16, -1|0, and
     * over a wider strip, neighbours differ by at most 3 blocks for A = 12. */
    int32_t worst = 0;
    for (int32_t a = -300; a < 300; a++) {
        for (int32_t b = -40; b < 40; b += 13) {
            int32_t h = qk__terrain_height(&c, a, b);
            int32_t hx = qk__terrain_height(&c, a + 1, b);
            int32_t hz = qk__terrain_height(&c, b, a + 1);
            int32_t h2 = qk__terrain_height(&c, b, a);
            int32_t dx = h > hx ? h - hx : hx - h;
            int32_t dz = h2 > hz ? h2 - hz : hz - h2;
            if (dx > worst)
                worst = dx;
            if (dz > worst)
                worst = dz;
        }
    }
    CHECK(worst <= 3);
    CHECK(worst >= 1); /* not flat */

    /* The generated columns agree with the height helper on both sides of
     * chunk seams, negative ones included (the surface is never carved). */
    static const int32_t xs[][2] = {{-1, 0}, {15, 16}, {-17, -16}, {-33, -32}};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        for (int32_t z = -20; z < 20; z += 7) {
            int32_t l = generated_top(&c, xs[i][0], z);
            int32_t r = generated_top(&c, xs[i][1], z);
            CHECK_INT(l, qk__terrain_height(&c, xs[i][0], z));
            CHECK_INT(r, qk__terrain_height(&c, xs[i][1], z));
            CHECK(l - r <= 3 && r - l <= 3);
            /* And along z. */
            int32_t u = generated_top(&c, z, xs[i][0]);
            int32_t v = generated_top(&c, z, xs[i][1]);
            CHECK(u - v <= 3 && v - u <= 3);
        }
    }

    /* Heights stay within base +- amplitude, also near the coordinate limit. */
    int in_range = 1;
    for (int32_t k = -50; k < 50; k++) {
        int32_t xs2[] = {k * 997, QK_COORD_LIMIT - 1 - k, -QK_COORD_LIMIT + k};
        for (size_t i = 0; i < 3; i++) {
            int32_t h = qk__terrain_height(&c, xs2[i], -xs2[i]);
            if (h < 64 - 12 || h > 64 + 12)
                in_range = 0;
        }
    }
    CHECK(in_range);
    qk__gen_column(&c, QK_COORD_LIMIT / 16 - 1, -(QK_COORD_LIMIT / 16), col_a);
    CHECK_INT(col_a[QK_COL_INDEX(0, 0, 0)], BEDROCK);
}

static void test_superflat(void)
{
    qk_world_config c = flat_cfg();
    static const int32_t cols[][2] = {{0, 0}, {-1, -1}, {100, -57}, {-3000, 12}};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        qk__gen_column(&c, cols[i][0], cols[i][1], col_a);
        int ok = 1;
        for (uint32_t y = 0; y < QK_CHUNK_H; y++) {
            qk_block_id want = y == 0   ? BEDROCK
                               : y <= 3 ? STONE
                               : y <= 5 ? DIRT
                               : y == 6 ? GRASS
                                        : AIR;
            for (uint32_t z = 0; z < 16; z++)
                for (uint32_t x = 0; x < 16; x++)
                    if (col_a[QK_COL_INDEX(x, y, z)] != want)
                        ok = 0;
        }
        CHECK(ok);
    }
    CHECK_INT(qk__terrain_height(&c, -5, 9), 6);

    /* Layers filling all 256 blocks exactly; an air layer on top. */
    qk_world_config full;
    memset(&full, 0, sizeof full);
    full.generator = QK_GEN_SUPERFLAT;
    full.layers[0] = (qk_flat_layer){STONE, 200};
    full.layers[1] = (qk_flat_layer){DIRT, 50};
    full.layers[2] = (qk_flat_layer){AIR, 6};
    full.layer_count = 3;
    CHECK_INT(qk__gen_validate(&full, BLOCKS, NULL), QK_OK);
    qk__gen_column(&full, -2, 3, col_a);
    CHECK_INT(col_a[QK_COL_INDEX(3, 199, 4)], STONE);
    CHECK_INT(col_a[QK_COL_INDEX(3, 200, 4)], DIRT);
    CHECK_INT(col_a[QK_COL_INDEX(15, 249, 15)], DIRT);
    CHECK_INT(col_a[QK_COL_INDEX(0, 250, 0)], AIR);
    CHECK_INT(qk__terrain_height(&full, 0, 0), 249);

    qk_world_config empty;
    memset(&empty, 0, sizeof empty);
    empty.generator = QK_GEN_EMPTY;
    memset(col_a, 0xFF, sizeof col_a);
    qk__gen_column(&empty, 4, 4, col_a);
    int all_air = 1;
    for (size_t i = 0; i < QK_COL_VOXELS; i++)
        all_air &= col_a[i] == AIR;
    CHECK(all_air);
    CHECK_INT(qk__terrain_height(&empty, 0, 0), -1);
}

static void test_terrain_layers_and_caves(void)
{
    qk_world_config c = terrain_cfg(42);
    long band = 0, cave_air = 0, low_air = 0, openings = 0, columns = 0;
    int bedrock_floor = 1, layers_ok = 1;
    /* A 4x4 chunk area straddling the origin: cx, cz in -2..1. */
    for (int32_t cz = -2; cz < 2; cz++) {
        for (int32_t cx = -2; cx < 2; cx++) {
            qk__gen_column(&c, cx, cz, col_a);
            for (uint32_t z = 0; z < 16; z++) {
                for (uint32_t x = 0; x < 16; x++) {
                    int32_t h = qk__terrain_height(&c, cx * 16 + (int32_t)x,
                                                   cz * 16 + (int32_t)z);
                    columns++;
                    if (col_a[QK_COL_INDEX(x, 0, z)] != BEDROCK)
                        bedrock_floor = 0;
                    if (col_a[QK_COL_INDEX(x, h, z)] != GRASS ||
                        col_a[QK_COL_INDEX(x, h + 1, z)] != AIR)
                        layers_ok = 0;
                    for (int32_t y = h + 1; y < QK_CHUNK_H; y++)
                        if (col_a[QK_COL_INDEX(x, y, z)] != AIR)
                            layers_ok = 0;
                    for (int32_t y = 1; y < h; y++) {
                        qk_block_id b = col_a[QK_COL_INDEX(x, y, z)];
                        qk_block_id want = y >= h - 3 ? DIRT : STONE;
                        if (b == AIR) {
                            if (y < 5)
                                low_air++;
                            else
                                cave_air++;
                        } else if (b != want && !(y <= 2 && b == BEDROCK)) {
                            layers_ok = 0;
                        }
                        if (y >= 5)
                            band++;
                    }
                    if (col_a[QK_COL_INDEX(x, h - 1, z)] == AIR)
                        openings++;
                }
            }
        }
    }
    CHECK(bedrock_floor);
    CHECK(layers_ok);
    CHECK_INT(low_air, 0);
    /* caves = 100 per mille: expect roughly 10 % of the band carved. */
    CHECK(cave_air * 1000 > band * 50);
    CHECK(cave_air * 1000 < band * 200);
    CHECK(openings > 0); /* some tunnels pass right under the grass */
    printf("caves (seed 42, 4x4 chunks, base 64, amplitude 12, caves 100): "
           "%ld of %ld band voxels carved (%ld per mille), %ld of %ld columns "
           "with air right under the surface\n",
           cave_air, band, band ? cave_air * 1000 / band : 0, openings, columns);

    /* caves = 0 carves nothing; more caves carve more. */
    qk_world_config none = terrain_cfg(42);
    none.terrain.caves = 0;
    qk_world_config many = terrain_cfg(42);
    many.terrain.caves = 400;
    long air0 = 0, air400 = 0;
    for (int32_t cx = -1; cx < 1; cx++) {
        qk__gen_column(&none, cx, 0, col_a);
        qk__gen_column(&many, cx, 0, col_b);
        for (uint32_t i = 0; i < QK_COL_VOXELS; i++) {
            uint32_t y = i >> 8;
            int32_t h = qk__terrain_height(&c, cx * 16 + (int32_t)(i & 15u),
                                           (int32_t)((i >> 4) & 15u));
            if ((int32_t)y < h) {
                air0 += col_a[i] == AIR;
                air400 += col_b[i] == AIR;
            }
        }
    }
    CHECK_INT(air0, 0);
    CHECK(air400 > cave_air / 8); /* 2 of the 16 chunks, much denser */

    /* Extreme but valid parameters: flat, and tall with big hills. */
    qk_world_config flat = terrain_cfg(5);
    flat.terrain.amplitude = 0;
    flat.terrain.base_height = 5;
    CHECK_INT(qk__gen_validate(&flat, BLOCKS, NULL), QK_OK);
    qk__gen_column(&flat, -9, 9, col_a);
    CHECK_INT(col_a[QK_COL_INDEX(7, 5, 7)], GRASS);
    CHECK_INT(col_a[QK_COL_INDEX(7, 6, 7)], AIR);
    qk_world_config tall = terrain_cfg(5);
    tall.terrain.base_height = 150;
    tall.terrain.amplitude = 100;
    tall.terrain.caves = 400;
    CHECK_INT(qk__gen_validate(&tall, BLOCKS, NULL), QK_OK);
    int tall_ok = 1;
    for (int32_t k = -4; k < 4; k++) {
        qk__gen_column(&tall, k, -k, col_a);
        for (uint32_t i = 0; i < 256; i++)
            if (col_a[i] != BEDROCK)
                tall_ok = 0;
    }
    CHECK(tall_ok);
}

static void expect_bad(const qk_world_config *c, uint64_t offset, int line)
{
    qk_diag d = {QK_OK, NULL, 12345};
    qk_status s = qk__gen_validate(c, BLOCKS, &d);
    if (s != QK_ERR_INVALID || d.code != QK_ERR_INVALID || !d.what || d.offset != offset)
        fprintf(stderr, "test_worldgen.c:%d: expected a bad config\n", line);
    CHECK_INT(s, QK_ERR_INVALID);
    CHECK_INT(d.code, QK_ERR_INVALID);
    CHECK(d.what != NULL && d.what[0] != '\0');
    CHECK_U64(d.offset, offset);
    CHECK_INT(qk__gen_validate(c, BLOCKS, NULL), QK_ERR_INVALID); /* diag optional */
}

static void test_validate(void)
{
    qk_world_config c = terrain_cfg(1);
    qk_diag d = {QK_OK, NULL, 0};
    CHECK_INT(qk__gen_validate(&c, BLOCKS, &d), QK_OK);
    qk_world_config f = flat_cfg();
    CHECK_INT(qk__gen_validate(&f, BLOCKS, &d), QK_OK);
    qk_world_config e;
    memset(&e, 0, sizeof e);
    e.generator = QK_GEN_EMPTY;
    e.layer_count = 1000; /* ignored by the empty generator */
    CHECK_INT(qk__gen_validate(&e, 1, &d), QK_OK);

    qk_world_config b;
    b = e;
    b.generator = (qk_generator)7;
    expect_bad(&b, 0, __LINE__);

    /* Superflat. */
    b = f;
    b.layer_count = QK_MAX_LAYERS + 1;
    expect_bad(&b, 0, __LINE__);
    b = f;
    b.layers[2].block = BLOCKS;
    expect_bad(&b, 2, __LINE__);
    b = f;
    b.layers[3].height = 0;
    expect_bad(&b, 3, __LINE__);
    b = f;
    b.layers[1].height = 250; /* 1 + 250 + 2 + 1 = 254: fine */
    CHECK_INT(qk__gen_validate(&b, BLOCKS, NULL), QK_OK);
    b.layers[2].height = 6; /* the third layer reaches 257 */
    expect_bad(&b, 2, __LINE__);
    b = f;
    for (uint32_t i = 0; i < QK_MAX_LAYERS; i++)
        b.layers[i] = (qk_flat_layer){STONE, 8};
    b.layer_count = QK_MAX_LAYERS; /* 32 x 8 = 256 exactly */
    CHECK_INT(qk__gen_validate(&b, BLOCKS, NULL), QK_OK);
    b.layers[31].height = 9;
    expect_bad(&b, 31, __LINE__);
    b.layers[31].height = 65535;
    expect_bad(&b, 31, __LINE__);

    /* Terrain materials. */
    b = c;
    b.terrain.bedrock = BLOCKS;
    expect_bad(&b, 0, __LINE__);
    b = c;
    b.terrain.stone = 4000;
    expect_bad(&b, 0, __LINE__);
    b = c;
    b.terrain.dirt = QK_BLOCK_NONE;
    expect_bad(&b, 0, __LINE__);
    b = c;
    b.terrain.grass = BLOCKS;
    expect_bad(&b, 0, __LINE__);

    /* Terrain shape. */
    b = c;
    b.terrain.base_height = 0;
    b.terrain.amplitude = 0;
    expect_bad(&b, 0, __LINE__);
    b = c;
    b.terrain.base_height = 251;
    b.terrain.amplitude = 0;
    expect_bad(&b, 0, __LINE__);
    b = c;
    b.terrain.amplitude = 101;
    b.terrain.base_height = 140;
    expect_bad(&b, 0, __LINE__);
    b = c;
    b.terrain.base_height = 200;
    b.terrain.amplitude = 51; /* 251 > 250 */
    expect_bad(&b, 0, __LINE__);
    b.terrain.amplitude = 50;
    CHECK_INT(qk__gen_validate(&b, BLOCKS, NULL), QK_OK);
    b = c;
    b.terrain.base_height = 16;
    b.terrain.amplitude = 12; /* 16 <= 12 + 4: bedrock could surface */
    expect_bad(&b, 0, __LINE__);
    b.terrain.base_height = 17;
    CHECK_INT(qk__gen_validate(&b, BLOCKS, NULL), QK_OK);
    b = c;
    b.terrain.base_height = 4;
    b.terrain.amplitude = 0;
    expect_bad(&b, 0, __LINE__);
    b = c;
    b.terrain.caves = 401;
    expect_bad(&b, 0, __LINE__);
    b.terrain.caves = 400;
    CHECK_INT(qk__gen_validate(&b, BLOCKS, NULL), QK_OK);
}

static double now_s(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void test_timing(void)
{
    qk_world_config c = terrain_cfg(42);
    uint64_t acc = 0;
    double t0 = now_s();
    for (int32_t cz = -8; cz < 8; cz++)
        for (int32_t cx = -8; cx < 8; cx++) {
            qk__gen_column(&c, cx, cz, col_a);
            acc += col_a[QK_COL_INDEX(cx & 15, 40, cz & 15)];
        }
    double t1 = now_s();
    CHECK(acc < 256u * BLOCKS);
    printf("terrain generation: %.1f us per column (16x16 chunks in %.1f ms)\n",
           (t1 - t0) * 1e6 / 256.0, (t1 - t0) * 1e3);
}

int main(void)
{
    test_noise_primitives();
    test_reference();
    test_reproducible();
    test_golden();
    test_continuity();
    test_superflat();
    test_terrain_layers_and_caves();
    test_validate();
    test_timing();
    return qt_report();
}
