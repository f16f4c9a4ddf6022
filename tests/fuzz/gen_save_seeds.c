/*
 * gen_save_seeds.c - writes, or checks, the seeds of fuzz_save.
 *
 *   fuzz_gen_save_seeds DIR           write the seeds into DIR
 *   fuzz_gen_save_seeds --check DIR   every seed in DIR must still load
 *
 * Seeds (mode byte + record, see fuzz_save.c):
 *   seed_world, seed_world_fixsum  a terrain column's world record after a
 *                                  player joined (modes 0 and 2)
 *   seed_chunk_generated           the one-byte generated record
 *   seed_chunk_stored              a stored record of fuzz_save's fixed
 *                                  world's column (0, 0): creation's history
 *                                  with a moved geometry revision
 *   seed_chunk_relit               its relit record (light revision moved)
 * The ctest fuzz_save_seeds runs --check: when the record format changes so
 * that a seed no longer loads, it fails and says to regenerate them with
 *   build/<dir>/tests/fuzz/fuzz_gen_save_seeds tests/fuzz/corpus/save
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "record.h"
#include "snapshot_registry.h"

static fuzz_alloc fa;
static const qk_allocator al = {fuzz_alloc_fn, &fa};

static qk_world_config fixed_config(void)
{
    qk_world_config c;
    memset(&c, 0, sizeof c);
    c.seed = 0x5eed5a7eull; /* fuzz_save.c's fixed world */
    c.generator = QK_GEN_TERRAIN;
    c.terrain = (qk_terrain_params){4, 1, 2, 3, 40, 12, 250};
    return c;
}

static int put(const char *dir, const char *name, uint8_t mode, const uint8_t *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fputc(mode, f) == EOF || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

static int write_seeds(const char *dir)
{
    qk_registry reg = fuzz_snapshot_registry();
    qk_world_config c = fixed_config();
    qk_world *w;
    FUZZ_CHECK(qk_world_create(&w, &c, &reg, &al, NULL) == QK_OK);
    qk_input in;
    memset(&in, 0, sizeof in);
    in.op = QK_OP_JOIN;
    in.player = 1;
    in.u.join.x = 8 * QK_FX_ONE;
    in.u.join.y = 90 * QK_FX_ONE;
    in.u.join.z = 8 * QK_FX_ONE;
    in.u.join.inv[0] = (qk_slot){5, 64};
    FUZZ_CHECK(qk_step(w, &in, 1, NULL, NULL) == QK_OK);
    size_t n = qk_save_world_size(w);
    uint8_t *rec = malloc(QK_CHUNK_RECORD_MAX > n ? QK_CHUNK_RECORD_MAX : n);
    FUZZ_CHECK(rec && qk_save_world(w, rec, n, &n) == QK_OK);
    int bad = put(dir, "seed_world", 0, rec, n) + put(dir, "seed_world_fixsum", 2, rec, n);
    qk_world_destroy(w);

    static const uint8_t gen = QK_CHUNK_GENERATED;
    bad += put(dir, "seed_chunk_generated", 1, &gen, 1);
    FUZZ_CHECK(qk_world_create(&w, &c, &reg, &al, NULL) == QK_OK);
    qk__chunk *ch = qk__world_chunk(w, 0, 0);
    ch->light.geometry_rev = 2;
    qk__wbuf b = {rec, QK_CHUNK_RECORD_MAX, 0};
    qk__put8(&b, QK_CHUNK_STORED);
    qk__put_chunk_txns(&b, ch);
    qk__put_sections(&b, ch);
    bad += put(dir, "seed_chunk_stored", 1, rec, b.len);
    ch->light.geometry_rev = 1;
    ch->light.light_rev++;
    b = (qk__wbuf){rec, QK_CHUNK_RECORD_MAX, 0};
    qk__put8(&b, QK_CHUNK_RELIT);
    qk__put_chunk_txns(&b, ch);
    bad += put(dir, "seed_chunk_relit", 1, rec, b.len);
    qk_world_destroy(w);
    free(rec);
    return bad ? 1 : 0;
}

static uint8_t *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    uint8_t *p = malloc(1 << 20);
    *n = f && p ? fread(p, 1, 1 << 20, f) : 0;
    if (f)
        fclose(f);
    return p;
}

/* Does seed `name` still load with the current kernel? */
static bool loads(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t n;
    uint8_t *p = slurp(path, &n);
    qk_registry reg = fuzz_snapshot_registry();
    qk_world *w = NULL;
    bool ok = false;
    if (n >= 2 && !(p[0] & 1)) {
        ok = qk_load_begin(&w, p + 1, n - 1, &reg, &al, NULL) == QK_OK;
    } else if (n >= 2) {
        qk_world_config c = fixed_config();
        qk_world *f;
        FUZZ_CHECK(qk_world_create(&f, &c, &reg, &al, NULL) == QK_OK);
        size_t wn = qk_save_world_size(f);
        uint8_t *wr = malloc(wn);
        FUZZ_CHECK(wr && qk_save_world(f, wr, wn, &wn) == QK_OK);
        FUZZ_CHECK(qk_load_begin(&w, wr, wn, &reg, &al, NULL) == QK_OK);
        ok = qk_load_chunk(w, 0, 0, p + 1, n - 1, NULL) == QK_OK;
        free(wr);
        qk_world_destroy(f);
    }
    qk_world_destroy(w);
    free(p);
    if (!ok)
        fprintf(stderr, "%s no longer loads: regenerate the seeds (see gen_save_seeds.c)\n", path);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return write_seeds(argv[1]);
    if (argc != 3 || strcmp(argv[1], "--check") != 0) {
        fprintf(stderr, "usage: %s DIR | --check DIR\n", argv[0]);
        return 2;
    }
    static const char *const names[] = {"seed_world", "seed_world_fixsum", "seed_chunk_generated",
                                        "seed_chunk_stored", "seed_chunk_relit"};
    int bad = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        bad += !loads(argv[2], names[i]);
    printf("%zu save seeds checked, %d stale\n", sizeof names / sizeof names[0], bad);
    return bad ? 1 : 0;
}
