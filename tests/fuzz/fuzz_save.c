/*
 * fuzz_save.c - the kernel's save records: qk_load_begin, qk_load_chunk,
 * qk_load_finish, and what a loaded world can do.
 *
 * Input: one mode byte, then a record.
 *   even mode: the bytes are a world record.  With mode & 2 its trailing
 *     XXH3 is recomputed first, so mutations reach field validation.  A
 *     record the kernel accepts gets every column as generated and must
 *     load, save back to the same bytes, and step.
 *   odd mode: the bytes are the chunk record of column (0, 0) of a fixed
 *     one-column terrain world (its own world record is made here).  A
 *     refused record must leave the column as generated; an accepted one
 *     must load, save back to the same bytes, and step.
 * A refused load must hold no memory once the world is destroyed.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "fuzz.h"
#include "snapshot_registry.h"

static fuzz_alloc fa;

static qk_world *fixed_world(void)
{
    qk_registry reg = fuzz_snapshot_registry();
    qk_world_config c;
    memset(&c, 0, sizeof c);
    c.seed = 0x5eed5a7eull;
    c.generator = QK_GEN_TERRAIN;
    c.terrain = (qk_terrain_params){4, 1, 2, 3, 40, 12, 250};
    qk_allocator al = {fuzz_alloc_fn, &fa};
    qk_world *w = NULL;
    FUZZ_CHECK(qk_world_create(&w, &c, &reg, &al, NULL) == QK_OK);
    return w;
}

static uint8_t *world_record(const qk_world *w, size_t *n)
{
    *n = qk_save_world_size(w);
    uint8_t *b = malloc(*n);
    FUZZ_CHECK(b && qk_save_world(w, b, *n, n) == QK_OK);
    return b;
}

/* The loaded world saves back to `rec` (its world record, or column
 * (0, 0)'s record) and steps. */
static void check_loaded(qk_world *w, const uint8_t *rec, size_t len, bool chunk)
{
    uint8_t *again;
    size_t n;
    if (chunk) {
        again = malloc(QK_CHUNK_RECORD_MAX);
        FUZZ_CHECK(again && qk_save_chunk(w, 0, 0, again, QK_CHUNK_RECORD_MAX, &n) == QK_OK);
    } else {
        again = world_record(w, &n);
    }
    FUZZ_CHECK(n == len && memcmp(again, rec, len) == 0);
    free(again);
    for (int i = 0; i < 3; i++)
        FUZZ_CHECK(qk_step(w, NULL, 0, NULL, NULL) == QK_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    size_t len = size - 1;
    uint8_t *rec = malloc(len ? len : 1); /* exact size: ASan sees overreads */
    FUZZ_CHECK(rec != NULL);
    memcpy(rec, data + 1, len);
    qk_registry reg = fuzz_snapshot_registry();
    qk_allocator al = {fuzz_alloc_fn, &fa};
    qk_diag d;
    qk_world *w = NULL;
    if (!(mode & 1)) {
        if ((mode & 2) && len >= 8) {
            uint64_t h = XXH3_64bits(rec, len - 8);
            for (int i = 0; i < 8; i++)
                rec[len - 8 + i] = (uint8_t)(h >> (8 * i));
        }
        if (qk_load_begin(&w, rec, len, &reg, &al, &d) == QK_OK) {
            const qk_world_config *c = qk_world_config_of(w);
            static const uint8_t gen = QK_CHUNK_GENERATED;
            for (int32_t cx = c->cx_min; cx <= c->cx_max; cx++)
                for (int32_t cz = c->cz_min; cz <= c->cz_max; cz++)
                    FUZZ_CHECK(qk_load_chunk(w, cx, cz, &gen, 1, &d) == QK_OK);
            FUZZ_CHECK(qk_load_finish(w, &d) == QK_OK);
            check_loaded(w, rec, len, false);
        } else {
            FUZZ_CHECK(w == NULL);
        }
    } else {
        qk_world *orig = fixed_world();
        size_t wn;
        uint8_t *wrec = world_record(orig, &wn);
        FUZZ_CHECK(qk_load_begin(&w, wrec, wn, &reg, &al, &d) == QK_OK);
        if (qk_load_chunk(w, 0, 0, rec, len, &d) == QK_OK) {
            FUZZ_CHECK(qk_load_finish(w, &d) == QK_OK);
            check_loaded(w, rec, len, true);
        } else { /* refused: the column is still creation's */
            qk_block_id a, b;
            for (int32_t y = 0; y < 256; y += 5) {
                FUZZ_CHECK(qk_block_at(orig, y % 16, y, (y / 16) % 16, &a) == QK_OK);
                FUZZ_CHECK(qk_block_at(w, y % 16, y, (y / 16) % 16, &b) == QK_OK);
                FUZZ_CHECK(a == b);
            }
        }
        free(wrec);
        qk_world_destroy(orig);
    }
    qk_world_destroy(w);
    FUZZ_CHECK(fa.live == 0);
    free(rec);
    return 0;
}
