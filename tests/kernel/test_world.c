/*
 * test_world.c - world creation: registry and rectangle validation, chunk
 * storage at negative coordinates, memory accounting, and that every
 * refused allocation during creation fails cleanly without a leak.
 */
#include "fixture.h"
#include "world.h"

static void registry_validation(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_allocator al = fx_allocator(&a);
    qk_world_config cfg = fx_flat_config();
    qk_block_def bad[B_COUNT];
    qk_registry reg = {bad, B_COUNT, NULL, 0};
    qk_world *w = (qk_world *)1;
    qk_diag d = {0};

    memcpy(bad, fx_blocks, sizeof bad);
    bad[0].solid = true;
    CHECK_INT(qk_world_create(&w, &cfg, &reg, &al, &d), QK_ERR_INVALID);
    CHECK(w == NULL);
    CHECK(d.what != NULL && strstr(d.what, "air") != NULL);

    memcpy(bad, fx_blocks, sizeof bad);
    bad[B_TORCH].emissive = 16;
    CHECK_INT(qk_world_create(&w, &cfg, &reg, &al, &d), QK_ERR_INVALID);
    CHECK_INT(d.offset, B_TORCH);

    memcpy(bad, fx_blocks, sizeof bad);
    bad[B_STONE].drops = B_COUNT;
    CHECK_INT(qk_world_create(&w, &cfg, &reg, &al, &d), QK_ERR_INVALID);
    CHECK_INT(d.offset, B_STONE);

    reg.count = 0;
    CHECK_INT(qk_world_create(&w, &cfg, &reg, &al, &d), QK_ERR_INVALID);

    memcpy(bad, fx_blocks, sizeof bad);
    reg.count = B_COUNT;
    cfg.layers[1].block = B_COUNT + 3; /* layer names a block outside */
    CHECK_INT(qk_world_create(&w, &cfg, &reg, &al, &d) != QK_OK, 1);
    CHECK_INT(a.live, 0);
}

static void rectangle_validation(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_allocator al = fx_allocator(&a);
    qk_world *w;
    qk_world_config cfg = fx_flat_config();
    cfg.cx_min = 3;
    cfg.cx_max = 2;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_ERR_INVALID);
    cfg = fx_flat_config();
    cfg.cx_min = 0;
    cfg.cx_max = 64;
    cfg.cz_min = 0;
    cfg.cz_max = 63; /* 65 x 64 = 4160 columns */
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_ERR_RANGE);
    cfg = fx_flat_config();
    cfg.cx_min = -QK_COORD_LIMIT / 16 - 1;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_ERR_RANGE);
    CHECK_INT(a.live, 0);
}

static void negative_coordinates(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_allocator al = fx_allocator(&a);
    qk_world *w;
    qk_world_config cfg = fx_flat_config();
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
    CHECK_INT(qk_chunk_count(w), 16);
    qk_block_id id;
    /* Corner voxels of the rectangle and around the origin. */
    int32_t xs[] = {-32, -17, -16, -1, 0, 15, 16, 31};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
            CHECK_INT(qk_block_at(w, xs[i], 0, xs[k], &id), QK_OK);
            CHECK_INT(id, B_BEDROCK);
            CHECK_INT(qk_block_at(w, xs[i], 3, xs[k], &id), QK_OK);
            CHECK_INT(id, B_DIRT);
            CHECK_INT(qk_block_at(w, xs[i], 255, xs[k], &id), QK_OK);
            CHECK_INT(id, B_AIR);
        }
    }
    CHECK_INT(qk_block_at(w, -33, 1, 0, &id), QK_ERR_RANGE);
    CHECK_INT(qk_block_at(w, 32, 1, 0, &id), QK_ERR_RANGE);
    CHECK_INT(qk_block_at(w, 0, -1, 0, &id), QK_ERR_RANGE);
    CHECK_INT(qk_block_at(w, 0, 256, 0, &id), QK_ERR_RANGE);

    /* Writes land in the right chunk: -1 belongs to chunk -1 at local 15. */
    CHECK_INT(qk__world_set(w, -1, 10, -17, B_GLASS, NULL), QK_OK);
    const qk__chunk *c = qk__world_chunk(w, -1, -2);
    CHECK(c != NULL);
    CHECK_INT(qk__chunk_get(c, 15, 10, 15), B_GLASS);
    CHECK_INT(qk_block_at(w, -1, 10, -17, &id), QK_OK);
    CHECK_INT(id, B_GLASS);
    CHECK_INT(qk_block_at(w, 0, 10, -17, &id), QK_OK);
    CHECK_INT(id, B_AIR);

    /* Chunks are stored in key order (cx major). */
    uint32_t ordered = 1;
    for (uint32_t i = 1; i < w->chunk_count; i++) {
        const qk__chunk *p = &w->chunks[i - 1], *q = &w->chunks[i];
        ordered &= p->cx < q->cx || (p->cx == q->cx && p->cz < q->cz);
    }
    CHECK(ordered);
    /* Memory is accounted exactly: what the allocator holds. */
    CHECK_INT((long long)qk_world_memory(w), a.live);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static void creation_survives_every_refusal(void)
{
    qk_world_config cfg = fx_flat_config();
    long n = 0;
    for (;; n++) {
        fx_alloc a = {n, 0, 0};
        qk_allocator al = fx_allocator(&a);
        qk_world *w = (qk_world *)1;
        qk_status st = qk_world_create(&w, &cfg, &fx_registry, &al, NULL);
        if (st == QK_OK) {
            qk_world_destroy(w);
            CHECK_INT(a.live, 0);
            break;
        }
        if (st != QK_ERR_NOMEM || w != NULL || a.live != 0) {
            CHECK_INT(st, QK_ERR_NOMEM);
            CHECK(w == NULL);
            CHECK_INT(a.live, 0);
            break;
        }
    }
    CHECK(n > 3); /* the loop really injected failures */
}

static void same_seed_same_digest(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_allocator al = fx_allocator(&a);
    qk_world *w1, *w2, *w3;
    qk_world_config cfg = fx_flat_config();
    CHECK_INT(qk_world_create(&w1, &cfg, &fx_registry, &al, NULL), QK_OK);
    CHECK_INT(qk_world_create(&w2, &cfg, &fx_registry, &al, NULL), QK_OK);
    cfg.seed = 8;
    CHECK_INT(qk_world_create(&w3, &cfg, &fx_registry, &al, NULL), QK_OK);
    qk_digests d1, d2, d3;
    qk_world_digests(w1, &d1);
    qk_world_digests(w2, &d2);
    qk_world_digests(w3, &d3);
    CHECK_U64(d1.sub[QK_SUB_BLOCKS], d2.sub[QK_SUB_BLOCKS]);
    CHECK_U64(d1.chain, d2.chain);
    /* Superflat ignores the seed for blocks, but the chain starts from it. */
    CHECK_U64(d1.sub[QK_SUB_BLOCKS], d3.sub[QK_SUB_BLOCKS]);
    CHECK(d1.chain != d3.chain);
    /* One edited voxel changes the blocks digest and that chunk's digest. */
    uint64_t before, after;
    CHECK_INT(qk_chunk_digest(w1, 0, 0, QK_SUB_BLOCKS, &before), QK_OK);
    CHECK_INT(qk__world_set(w1, 3, 100, 3, B_STONE, NULL), QK_OK);
    CHECK_INT(qk_chunk_digest(w1, 0, 0, QK_SUB_BLOCKS, &after), QK_OK);
    CHECK(before != after);
    uint64_t sub[QK_SUB__COUNT];
    qk__digest_current(w1, sub);
    CHECK(sub[QK_SUB_BLOCKS] != d2.sub[QK_SUB_BLOCKS]);
    CHECK_INT(qk__world_set(w1, 3, 100, 3, B_AIR, NULL), QK_OK);
    qk__digest_current(w1, sub);
    CHECK_U64(sub[QK_SUB_BLOCKS], d2.sub[QK_SUB_BLOCKS]);
    CHECK_INT(qk_chunk_digest(w1, 5, 5, QK_SUB_BLOCKS, &after), QK_ERR_RANGE);
    qk_world_destroy(w1);
    qk_world_destroy(w2);
    qk_world_destroy(w3);
    CHECK_INT(a.live, 0);
}

int main(void)
{
    registry_validation();
    rectangle_validation();
    negative_coordinates();
    creation_survives_every_refusal();
    same_seed_same_digest();
    return qt_report();
}
