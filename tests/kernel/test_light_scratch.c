/*
 * test_light_scratch.c - incremental light equals light from scratch.
 *
 * After seeded edit storms over chunk seams (and on generated terrain with
 * caves and overhangs) the incrementally maintained light must equal, byte
 * for byte: a mirror world relit with qk__light_relight_all, a snapshot
 * round trip (restore relights), and a reference flood of the rules written
 * here without light.c; relighting any single chunk must change nothing.
 */
#include "light_fixture.h"

/* The rules computed again without light.c: both channels of every voxel
 * of w by a plain label-correcting flood over whole-world arrays (sources
 * first, then "raise a neighbour to L - 1 and queue it" until nothing
 * changes; a voxel is queued at most once at a time, so a ring of n
 * entries is enough), then compared with qk_light_at.  O(voxels);
 * independent of the engine's regions, heightmaps, queues and storage. */
static long diff_reference(const qk_world *w, const char *what)
{
    const qk_world_config *c = qk_world_config_of(w);
    const int32_t x0 = c->cx_min * 16, z0 = c->cz_min * 16;
    const size_t nx = (size_t)(c->cx_max - c->cx_min + 1) * 16,
                 nz = (size_t)(c->cz_max - c->cz_min + 1) * 16, n = nx * nz * QK_CHUNK_H;
    uint8_t *opq = calloc(n, 1), *queued = calloc(n, 1), *lv[2] = {calloc(n, 1), calloc(n, 1)};
    uint32_t *q = malloc(n * sizeof *q);
    CHECK(opq && queued && lv[0] && lv[1] && q);
    long diff = 0;
    if (!opq || !queued || !lv[0] || !lv[1] || !q)
        goto done;
    /* index: (x * nz + z) * 256 + y */
    for (size_t ix = 0; ix < nx; ix++)
        for (size_t iz = 0; iz < nz; iz++) {
            size_t col = (ix * nz + iz) * QK_CHUNK_H;
            bool roof = false;
            for (int y = QK_CHUNK_H - 1; y >= 0; y--) {
                qk_block_id b = 0;
                qk_block_at(w, x0 + (int32_t)ix, y, z0 + (int32_t)iz, &b);
                opq[col + (size_t)y] = lt_blocks[b].opaque;
                roof |= lt_blocks[b].opaque;
                lv[QK_LIGHT_SKY][col + (size_t)y] = roof ? 0 : 15;
                lv[QK_LIGHT_BLOCK][col + (size_t)y] = lt_blocks[b].emissive;
            }
        }
    for (int ch = 0; ch < 2; ch++) {
        size_t head = 0, len = 0;
        for (size_t i = 0; i < n; i++)
            if (lv[ch][i] > 1) {
                q[len++] = (uint32_t)i;
                queued[i] = 1;
            }
        while (len) {
            size_t i = q[head];
            head = head + 1 == n ? 0 : head + 1;
            len--;
            queued[i] = 0;
            uint8_t l = lv[ch][i];
            size_t y = i % QK_CHUNK_H, iz = (i / QK_CHUNK_H) % nz, ix = i / QK_CHUNK_H / nz;
            const size_t nb[6] = {ix > 0 ? i - nz * QK_CHUNK_H : n,
                                  ix + 1 < nx ? i + nz * QK_CHUNK_H : n,
                                  iz > 0 ? i - QK_CHUNK_H : n,
                                  iz + 1 < nz ? i + QK_CHUNK_H : n,
                                  y > 0 ? i - 1 : n,
                                  y + 1 < QK_CHUNK_H ? i + 1 : n};
            for (int d = 0; d < 6; d++) {
                size_t k = nb[d];
                if (k == n || opq[k] || lv[ch][k] >= l - 1)
                    continue;
                lv[ch][k] = (uint8_t)(l - 1);
                if (l - 1 > 1 && !queued[k]) {
                    q[(head + len++) % n] = (uint32_t)k;
                    queued[k] = 1;
                }
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        int32_t y = (int32_t)(i % QK_CHUNK_H), z = z0 + (int32_t)((i / QK_CHUNK_H) % nz),
                x = x0 + (int32_t)(i / QK_CHUNK_H / nz);
        uint8_t sky = 0xEE, blk = 0xEE;
        qk_light_at(w, x, y, z, &sky, &blk);
        if ((sky != lv[QK_LIGHT_SKY][i] || blk != lv[QK_LIGHT_BLOCK][i]) && !diff++)
            fprintf(stderr,
                    "%s: first difference from the reference at (%d,%d,%d): sky %d (want %d),"
                    " block %d (want %d)\n",
                    what, x, y, z, sky, lv[QK_LIGHT_SKY][i], blk, lv[QK_LIGHT_BLOCK][i]);
    }
done:
    free(opq);
    free(queued);
    free(lv[0]);
    free(lv[1]);
    free(q);
    return diff;
}

/* Relighting any one chunk from scratch (the benchmark's unit) when its
 * light is already right must change nothing, here or next door. */
static void relight_chunks_idempotent(qk_world *w, qk_world *ref, const char *what)
{
    const qk_world_config *c = qk_world_config_of(w);
    for (int32_t cx = c->cx_min; cx <= c->cx_max; cx++)
        for (int32_t cz = c->cz_min; cz <= c->cz_max; cz++) {
            CHECK_INT(qk__light_relight_chunk(w, cx, cz), QK_OK);
            long d = diff_digests(w, ref);
            if (d)
                fprintf(stderr, "%s: relighting chunk (%d,%d) changed %ld chunks\n", what, cx,
                        cz, d);
            CHECK_INT(d, 0);
        }
    CHECK_INT(qk__light_relight_chunk(w, c->cx_max + 1, 0), QK_ERR_RANGE);
}

typedef struct storm_shape {
    uint64_t seed;
    int edits;
    int32_t xz0, xz1, y0, y1; /* box of the edits, x and z alike */
} storm_shape;

/* Random places and removals of emitters, stone, dirt and glass inside the
 * box, on the fixture's superflat world (chunks -2..1: the seams at -16, 0
 * and 16 and the origin corner are inside every box used here).  A mirror
 * world receives the same blocks without any light work and is relit from
 * scratch every 100 edits. */
static void storm(storm_shape sh)
{
    static const qk_block_id mix[] = {B_AIR,   B_AIR,   B_AIR,     B_AIR,  B_STONE,
                                      B_STONE, B_DIRT,  B_GLASS,   B_TORCH, B_TORCH,
                                      B_LANTERN, B_GLOW};
    char what[64];
    snprintf(what, sizeof what, "storm %llu", (unsigned long long)sh.seed);
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a), *mirror = make(&cfg, &a);
    uint64_t s = sh.seed;
    for (int i = 1; i <= sh.edits; i++) {
        int32_t x = in_range(&s, sh.xz0, sh.xz1), y = in_range(&s, sh.y0, sh.y1),
                z = in_range(&s, sh.xz0, sh.xz1);
        qk_block_id id = mix[splitmix(&s) % (sizeof mix / sizeof mix[0])];
        edit(w, x, y, z, id);
        CHECK_INT(qk__world_set(mirror, x, y, z, id, NULL), QK_OK);
        if (i % 100 == 0)
            same_as_scratch(w, mirror, i, what);
    }
    CHECK_INT(diff_voxels(w, mirror, what), 0);
    CHECK_INT(diff_reference(w, what), 0);
    same_after_restore(w, &a, what);
    relight_chunks_idempotent(w, mirror, what);
    qk_world_destroy(w);
    qk_world_destroy(mirror);
    CHECK_INT(a.live, 0);
}

static void incremental_equals_scratch(void)
{
    /* Sparse and wide: x, z in [-20, 20], up to y = 40 (shadows under
     * floating stone, bedrock dug out at y = 0). */
    storm((storm_shape){0x11, 3000, -20, 20, 0, 40});
    /* Dense, around the origin corner and close to the ground, so that
     * sources, walls and shafts interact on almost every edit. */
    storm((storm_shape){0x22, 3000, -6, 5, 0, 12});
    /* Dense across the seam at -16 and near the world's edge at -32. */
    storm((storm_shape){0x33, 2000, -30, -10, 1, 8});
    /* High up: roofs at the top of the column shade it all the way down. */
    storm((storm_shape){0x44, 1500, -5, 5, 236, 255});
}

/* Generated terrain (hills, caves, overhangs): the light of a new world
 * matches the reference, and still does after edits dug into it. */
static void terrain_light(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    cfg.seed = 42;
    cfg.generator = QK_GEN_TERRAIN;
    cfg.layer_count = 0;
    cfg.terrain = (qk_terrain_params){B_BEDROCK, B_STONE, B_DIRT, B_GRASS, 40, 12, 400};
    qk_world *w = make(&cfg, &a), *mirror = make(&cfg, &a);
    CHECK_INT(diff_reference(w, "terrain"), 0);
    static const qk_block_id mix[] = {B_AIR, B_AIR, B_AIR, B_STONE, B_TORCH, B_GLOW, B_GLASS};
    uint64_t s = 0x7e44a1;
    for (int i = 1; i <= 1500; i++) {
        int32_t x = in_range(&s, -24, 23), y = in_range(&s, 20, 60), z = in_range(&s, -24, 23);
        qk_block_id id = mix[splitmix(&s) % (sizeof mix / sizeof mix[0])];
        edit(w, x, y, z, id);
        CHECK_INT(qk__world_set(mirror, x, y, z, id, NULL), QK_OK);
        if (i % 250 == 0)
            same_as_scratch(w, mirror, i, "terrain storm");
    }
    CHECK_INT(diff_reference(w, "terrain storm"), 0);
    qk_world_destroy(w);
    qk_world_destroy(mirror);
    CHECK_INT(a.live, 0);
}


int main(void)
{
    init_registry();
    incremental_equals_scratch();
    terrain_light();
    return qt_report();
}
