/*
 * light_fixture.h - shared scaffolding of the light tests (test_light.c,
 * test_light_scratch.c): a registry with level-15 emitters, worlds, edits
 * through the step's path, exact-value helpers and from-scratch comparisons.
 */
#ifndef QUARRY_TEST_LIGHT_FIXTURE_H
#define QUARRY_TEST_LIGHT_FIXTURE_H

#include "fixture.h"
#include "light.h"
#include "world.h"

/* The fixture's blocks plus two level-15 emitters: a lantern lets light
 * through, glowstone is opaque (it keeps its own 15 and casts a shadow). */
enum { B_LANTERN = B_COUNT, B_GLOW, L_COUNT };
static qk_block_def lt_blocks[L_COUNT];
static qk_registry lt_registry;

static inline void init_registry(void)
{
    memcpy(lt_blocks, fx_blocks, sizeof fx_blocks);
    lt_blocks[B_LANTERN] = (qk_block_def){false, false, true, 15, B_LANTERN, 0, false, false};
    lt_blocks[B_GLOW] = (qk_block_def){true, true, true, 15, B_GLOW, 0, false, false};
    lt_registry = (qk_registry){lt_blocks, L_COUNT, NULL, 0};
}

/* Chunks -2..1 on both axes (x, z in -32..31), all air: skylight is 15 in
 * every voxel, so only the block channel says anything. */
static inline qk_world_config empty_config(void)
{
    qk_world_config c = fx_flat_config();
    c.generator = QK_GEN_EMPTY;
    c.layer_count = 0;
    return c;
}

/* Superflat with a thick ground: bedrock 1, stone 40, dirt 1; the top solid
 * block is y = 41, the first air y = 42. */
#define DEEP_GROUND 42
static inline qk_world_config deep_config(void)
{
    qk_world_config c = fx_flat_config();
    c.layers[1].height = 40;
    return c;
}

static inline qk_world *make(const qk_world_config *cfg, fx_alloc *a)
{
    qk_allocator al = fx_allocator(a);
    qk_world *w = NULL;
    CHECK_INT(qk_world_create(&w, cfg, &lt_registry, &al, NULL), QK_OK);
    return w;
}

/* One edit, through the path the step takes: the block and its
 * transaction, then the light phase commits it. */
static inline void edit_only(qk_world *w, int32_t x, int32_t y, int32_t z, qk_block_id now)
{
    CHECK_INT(qk__world_edit(w, x, y, z, now, NULL, 1, QK_CAUSE_PLACE), QK_OK);
}
static inline void commit_all(qk_world *w)
{
    CHECK_INT(qk__txn_commit_all(w, NULL, qk_world_tick(w)), QK_OK);
    CHECK_INT(qk_txn_pending(w), 0);
}
static inline void edit(qk_world *w, int32_t x, int32_t y, int32_t z, qk_block_id now)
{
    edit_only(w, x, y, z, now);
    commit_all(w);
}

/* Light of one channel at a voxel; -1 outside the loaded world. */
static inline int light(const qk_world *w, int channel, int32_t x, int32_t y, int32_t z)
{
    uint8_t sky = 0xEE, blk = 0xEE;
    if (qk_light_at(w, x, y, z, &sky, &blk) != QK_OK)
        return -1;
    return channel == QK_LIGHT_SKY ? sky : blk;
}
#define SKY(w, x, y, z) light(w, QK_LIGHT_SKY, x, y, z)
#define BLK(w, x, y, z) light(w, QK_LIGHT_BLOCK, x, y, z)

static inline int iabs(int v) { return v < 0 ? -v : v; }

/* Checks the block light of every loaded voxel within 16 of (sx, sy, sz)
 * against a lone source of `level` there: max(0, level - distance), except
 * in opaque blocks other than the source (0).  Valid where every lit voxel
 * has a straight-line (Manhattan) path through clear voxels, as in open air
 * or on flat ground.  Returns how many voxels are lit; prints the first
 * wrong one. */
static inline long diamond(const qk_world *w, int32_t sx, int32_t sy, int32_t sz, int level,
                    const char *what)
{
    long lit = 0, wrong = 0;
    for (int dx = -16; dx <= 16; dx++)
        for (int dy = -16; dy <= 16; dy++)
            for (int dz = -16; dz <= 16; dz++) {
                int v = BLK(w, sx + dx, sy + dy, sz + dz);
                if (v < 0)
                    continue;
                int want = level - (iabs(dx) + iabs(dy) + iabs(dz));
                want = want > 0 ? want : 0;
                qk_block_id b = QK_BLOCK_AIR;
                qk_block_at(w, sx + dx, sy + dy, sz + dz, &b); /* loaded: v >= 0 */
                if (lt_blocks[b].opaque && (dx || dy || dz))
                    want = 0;
                if (v != want && !wrong++)
                    fprintf(stderr, "%s: block light at (%d,%d,%d) is %d, want %d\n", what,
                            sx + dx, sy + dy, sz + dz, v, want);
                lit += v > 0;
            }
    CHECK_INT(wrong, 0);
    return lit;
}

/* Voxels lit by a lone source of level n in open space: |d| <= n - 1. */
static inline long octahedron(long n)
{
    long r = n - 1;
    return (2 * r + 1) * (2 * r * r + 2 * r + 3) / 3;
}

/* ---- 2. walls and glass ----------------------------------------------- */

static inline void fill(qk_world *w, int32_t x0, int32_t x1, int32_t y0, int32_t y1, int32_t z0,
                 int32_t z1, qk_block_id id)
{
    for (int32_t x = x0; x <= x1; x++)
        for (int32_t y = y0; y <= y1; y++)
            for (int32_t z = z0; z <= z1; z++)
                edit(w, x, y, z, id);
}

/* ---- 4. incremental == from scratch ----------------------------------- */

static inline uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static inline int32_t in_range(uint64_t *s, int32_t lo, int32_t hi)
{
    return lo + (int32_t)(splitmix(s) % (uint64_t)(hi - lo + 1));
}

/* Compares both channels of every loaded voxel of two worlds with the same
 * rectangle; returns the number of differing voxels, printing the first. */
static inline long diff_voxels(const qk_world *a, const qk_world *b, const char *what)
{
    const qk_world_config *c = qk_world_config_of(a);
    long diff = 0;
    for (int32_t x = c->cx_min * 16; x < (c->cx_max + 1) * 16; x++)
        for (int32_t z = c->cz_min * 16; z < (c->cz_max + 1) * 16; z++)
            for (int32_t y = 0; y < QK_CHUNK_H; y++) {
                uint8_t s1, b1, s2, b2;
                if (qk_light_at(a, x, y, z, &s1, &b1) != QK_OK ||
                    qk_light_at(b, x, y, z, &s2, &b2) != QK_OK) {
                    diff++;
                    continue;
                }
                if ((s1 != s2 || b1 != b2) && !diff++)
                    fprintf(stderr,
                            "%s: first difference at (%d,%d,%d): sky %d vs %d, block %d vs %d\n",
                            what, x, y, z, s1, s2, b1, b2);
            }
    return diff;
}

/* Light digests of every column in key order (at most 16 columns). */
static inline void digests_of(qk_world *w, uint64_t *out)
{
    const qk_world_config *c = qk_world_config_of(w);
    size_t k = 0;
    for (int32_t cx = c->cx_min; cx <= c->cx_max; cx++)
        for (int32_t cz = c->cz_min; cz <= c->cz_max; cz++)
            CHECK_INT(qk_chunk_digest(w, cx, cz, QK_SUB_LIGHT, &out[k++]), QK_OK);
}

/* Number of chunks whose light digests differ between a and b. */
static inline long diff_digests(qk_world *a, qk_world *b)
{
    const qk_world_config *c = qk_world_config_of(a);
    long diff = 0;
    for (int32_t cx = c->cx_min; cx <= c->cx_max; cx++)
        for (int32_t cz = c->cz_min; cz <= c->cz_max; cz++) {
            uint64_t da = 1, db = 2;
            CHECK_INT(qk_chunk_digest(a, cx, cz, QK_SUB_LIGHT, &da), QK_OK);
            CHECK_INT(qk_chunk_digest(b, cx, cz, QK_SUB_LIGHT, &db), QK_OK);
            diff += da != db;
        }
    return diff;
}

/* Relights `scratch` from nothing and compares it with `w`. */
static inline void same_as_scratch(qk_world *w, qk_world *scratch, int after, const char *what)
{
    CHECK_INT(qk__light_relight_all(scratch), QK_OK);
    long d = diff_digests(w, scratch);
    CHECK_INT(d, 0);
    if (d) {
        fprintf(stderr, "%s: %ld chunk light digests differ after %d edits\n", what, d, after);
        CHECK_INT(diff_voxels(w, scratch, what), 0);
    }
}

/* Snapshot, restore (which relights from scratch) and compare. */
static inline void same_after_restore(qk_world *w, fx_alloc *a, const char *what)
{
    size_t n = qk_snapshot_size(w), len = 0;
    uint8_t *buf = malloc(n);
    CHECK(buf != NULL);
    CHECK_INT(qk_snapshot_write(w, buf, n, &len), QK_OK);
    qk_allocator al = fx_allocator(a);
    qk_world *r = NULL;
    CHECK_INT(qk_world_restore(&r, buf, len, &lt_registry, &al, NULL), QK_OK);
    free(buf);
    if (!r)
        return;
    CHECK_INT(diff_voxels(w, r, what), 0);
    CHECK_INT(diff_digests(w, r), 0);
    qk_world_destroy(r);
}


#endif
