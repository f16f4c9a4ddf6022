/*
 * gen_seeds.c - writes the snapshot seeds of corpus/snapshot/.
 *
 *   fuzz_gen_seeds DIR           write the seeds into DIR
 *   fuzz_gen_seeds --check DIR   fail unless each seed in DIR still restores
 *
 * Seeds are small worlds restored with snapshot_registry.h's registry, each
 * behind fuzz_snapshot's mode byte (1: the target recomputes the checksum, so
 * mutations reach field validation; 0: as is):
 *   seed_flat_2p       1 column of superflat, two players joined and walking
 *   seed_sections      1 empty column whose sections use every encoding
 *                      (uniform, 4-bit and 8-bit palettes, raw ids)
 *   seed_terrain       1 column of terrain with caves, one player
 * The ctest fuzz_snapshot_seeds runs --check: it fails when the snapshot
 * format (or the fuzz registry) changes so that a committed seed no longer
 * restores, which would leave the fuzzer without valid starting points; the
 * seeds are then regenerated with
 *   build/<dir>/tests/fuzz/fuzz_gen_seeds tests/fuzz/corpus/snapshot
 * It does not compare bytes: a physics change that moves the seeds' players
 * leaves them valid seeds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "fuzz.h"
#include "snapshot_registry.h"

typedef struct seed {
    uint8_t *bytes; /* mode byte + snapshot */
    size_t len;
} seed;

static fuzz_alloc fa;
static const qk_allocator al = {fuzz_alloc_fn, &fa};

static seed seed_of(const qk_world *w, uint8_t mode)
{
    size_t n = qk_snapshot_size(w);
    seed s = {malloc(n + 1), n + 1};
    FUZZ_CHECK(s.bytes != NULL);
    s.bytes[0] = mode;
    FUZZ_CHECK(qk_snapshot_write(w, s.bytes + 1, n, NULL) == QK_OK);
    return s;
}

static qk_input join(uint32_t id, int32_t bx, int32_t by, int32_t bz)
{
    qk_input in;
    memset(&in, 0, sizeof in);
    in.player = id;
    in.op = QK_OP_JOIN;
    in.u.join.x = (qk_fx)bx * QK_FX_ONE + QK_FX_ONE / 2;
    in.u.join.y = (qk_fx)by * QK_FX_ONE;
    in.u.join.z = (qk_fx)bz * QK_FX_ONE + QK_FX_ONE / 2;
    in.u.join.inv[0] = (qk_slot){1, 64};
    in.u.join.inv[1] = (qk_slot){5, 10};
    in.u.join.inv[8] = (qk_slot){299, 1};
    in.u.join.inv[20] = (qk_slot){7, 3};
    return in;
}

static qk_world *flat_two_players(void)
{
    qk_registry reg = fuzz_snapshot_registry();
    qk_world_config c;
    memset(&c, 0, sizeof c);
    c.seed = 42;
    c.generator = QK_GEN_SUPERFLAT;
    c.layers[0] = (qk_flat_layer){4, 1};
    c.layers[1] = (qk_flat_layer){1, 2};
    c.layers[2] = (qk_flat_layer){3, 1};
    c.layer_count = 3;
    qk_world *w;
    FUZZ_CHECK(qk_world_create(&w, &c, &reg, &al, NULL) == QK_OK);
    qk_input in[2] = {join(1, 3, 4, 3), join(2, 12, 6, 9)};
    qk_sink sink = {NULL, NULL};
    FUZZ_CHECK(qk_step(w, in, 2, &sink, NULL) == QK_OK);
    qk_input mv;
    memset(&mv, 0, sizeof mv);
    mv.tick = 1;
    mv.player = 1;
    mv.seq = 1;
    mv.op = QK_OP_MOVE;
    mv.u.move.dirs = QK_DIR_FORWARD | QK_DIR_LEFT;
    mv.u.move.yaw = 8192;
    mv.u.move.pitch = 1000;
    FUZZ_CHECK(qk_step(w, &mv, 1, &sink, NULL) == QK_OK);
    for (int i = 0; i < 3; i++)
        FUZZ_CHECK(qk_step(w, NULL, 0, &sink, NULL) == QK_OK);
    return w;
}

static void put16(uint8_t **p, uint16_t v)
{
    (*p)[0] = (uint8_t)v;
    (*p)[1] = (uint8_t)(v >> 8);
    *p += 2;
}

/* An empty column, then its first sections replaced by hand-encoded ones
 * (restore accepts them and the snapshot writes them back canonically). */
static qk_world *every_section_encoding(void)
{
    qk_registry reg = fuzz_snapshot_registry();
    qk_world_config c;
    memset(&c, 0, sizeof c);
    c.seed = 7;
    c.generator = QK_GEN_EMPTY;
    qk_world *e;
    FUZZ_CHECK(qk_world_create(&e, &c, &reg, &al, NULL) == QK_OK);
    size_t n = qk_snapshot_size(e);
    size_t head = n - 8 - 16 * 4; /* all 16 sections are uniform: 4 bytes */
    uint8_t *b = malloc(head + 3 * (2 + 2 * 300 + 8192) + 13 * 4 + 8);
    FUZZ_CHECK(b != NULL);
    FUZZ_CHECK(qk_snapshot_write(e, b, n, NULL) == QK_OK);
    qk_world_destroy(e);
    uint8_t *p = b + head;
    /* 4-bit palette: 5 ids, a pattern over them */
    put16(&p, 5);
    static const uint16_t pal4[5] = {0, 1, 2, 6, 299};
    for (int k = 0; k < 5; k++)
        put16(&p, pal4[k]);
    for (int i = 0; i < 4096; i += 2)
        *p++ = (uint8_t)(((i / 16) % 5) | (((i / 256) % 5) << 4));
    /* 8-bit palette: 20 ids */
    put16(&p, 20);
    for (int k = 0; k < 20; k++)
        put16(&p, (uint16_t)(k * 3));
    for (int i = 0; i < 4096; i++)
        *p++ = (uint8_t)((i * 7) % 20);
    /* raw: all 300 ids (every non-air block, then air) */
    put16(&p, 300);
    for (int i = 0; i < 4096; i++)
        put16(&p, (uint16_t)(i < 2048 ? 1 + i % 299 : 0));
    for (int s = 3; s < 16; s++) {
        put16(&p, 1);
        put16(&p, (uint16_t)(s == 3 ? 4 : 0));
    }
    size_t len = (size_t)(p - b);
    uint64_t h = XXH3_64bits(b, len);
    for (int i = 0; i < 8; i++)
        *p++ = (uint8_t)(h >> (8 * i));
    qk_world *w;
    qk_diag d;
    if (qk_world_restore(&w, b, len + 8, &reg, &al, &d) != QK_OK) {
        fprintf(stderr, "seed_sections: %s at %llu\n", d.what, (unsigned long long)d.offset);
        abort();
    }
    free(b);
    return w;
}

static qk_world *terrain_one_player(void)
{
    qk_registry reg = fuzz_snapshot_registry();
    qk_world_config c;
    memset(&c, 0, sizeof c);
    c.seed = 0xfeedfacecafebeefull;
    c.cx_min = c.cx_max = -1;
    c.cz_min = c.cz_max = 2;
    c.generator = QK_GEN_TERRAIN;
    c.terrain = (qk_terrain_params){4, 1, 2, 3, 40, 12, 250};
    qk_world *w;
    FUZZ_CHECK(qk_world_create(&w, &c, &reg, &al, NULL) == QK_OK);
    qk_input in = join(9, -8, 80, 40);
    qk_sink sink = {NULL, NULL};
    FUZZ_CHECK(qk_step(w, &in, 1, &sink, NULL) == QK_OK);
    for (int i = 0; i < 4; i++)
        FUZZ_CHECK(qk_step(w, NULL, 0, &sink, NULL) == QK_OK);
    return w;
}

int main(int argc, char **argv)
{
    int check = argc == 3 && strcmp(argv[1], "--check") == 0;
    if (argc != 2 && !check) {
        fprintf(stderr, "usage: %s [--check] DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[argc - 1];
    struct {
        const char *name;
        qk_world *(*make)(void);
        uint8_t mode;
    } seeds[] = {
        {"seed_flat_2p", flat_two_players, 1},
        {"seed_flat_2p_raw", flat_two_players, 0},
        {"seed_sections", every_section_encoding, 1},
        {"seed_terrain", terrain_one_player, 1},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        qk_world *w = seeds[i].make();
        seed s = seed_of(w, seeds[i].mode);
        qk_world_destroy(w);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, seeds[i].name);
        FILE *f = fopen(path, check ? "rb" : "wb");
        if (!f) {
            perror(path);
            return 1;
        }
        if (check) {
            static uint8_t have[1 << 20];
            size_t got = fread(have, 1, sizeof have, f);
            qk_world *r = NULL;
            qk_diag d = {0};
            qk_registry reg = fuzz_snapshot_registry();
            if (got < 2 || qk_world_restore(&r, have + 1, got - 1, &reg, &al, &d) != QK_OK) {
                fprintf(stderr, "%s no longer restores (%s at byte %llu): regenerate the "
                                "snapshot seeds with\n  %s %s\n",
                        path, d.what ? d.what : "too short", (unsigned long long)d.offset,
                        argv[0], dir);
                bad = 1;
            }
            qk_world_destroy(r);
        } else {
            FUZZ_CHECK(fwrite(s.bytes, 1, s.len, f) == s.len);
        }
        FUZZ_CHECK(fclose(f) == 0);
        free(s.bytes);
    }
    FUZZ_CHECK(fa.live == 0);
    if (!bad)
        printf("%zu snapshot seeds %s\n", sizeof seeds / sizeof seeds[0],
               check ? "restore" : "written");
    return bad;
}
