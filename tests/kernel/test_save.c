/*
 * test_save.c - the kernel's save records (save.c): world record plus one
 * record per column, and loading them back.
 *
 *  - a fresh world saves every column as the one-byte generated record;
 *  - round trips on random columns (all air, all one block, every voxel
 *    different, few ids, many ids, terrain with scattered edits):
 *    save(load(save(w))) == save(w) byte for byte, the same blocks, light
 *    and snapshot bytes as the original;
 *  - a world stepped with players, edits, torches and weather, saved at a
 *    tick, loaded and stepped on, gives the digests of the straight run at
 *    every later tick; 100 save/load cycles in a row stay bit-identical;
 *  - bad records: every truncation and byte flip of a stored record is
 *    either refused (the column stays as generated) or a valid record;
 *    every byte flip of the world record is refused; unknown kinds,
 *    repeats, missing columns, another registry; no stepping or saving
 *    while loading.
 *
 * Random contents are written with the kernel's internal setter and then
 * marked as edited (geometry revision moved), as an edit would; the light
 * is brought to its fixed point with the kernel's own relight, so the
 * original and the loaded world can be compared voxel by voxel.
 */
#include "fixture.h"

#include "world.h"
#include "worldgen.h"

static fx_alloc fa = {-1, 0, 0};

/* 4096 blocks: air, then every third one opaque, a few emitting. */
static qk_block_def big_defs[QK_MAX_BLOCKS];
static qk_registry big_registry(void)
{
    for (uint32_t i = 0; i < QK_MAX_BLOCKS; i++) {
        qk_block_def d;
        memset(&d, 0, sizeof d);
        d.opaque = i % 3 == 1;
        d.solid = i % 3 != 0;
        d.breakable = true;
        d.emissive = i % 97 == 5 ? 9 : 0;
        d.drops = QK_BLOCK_NONE;
        if (i == 0)
            d.solid = d.breakable = false;
        big_defs[i] = d;
    }
    qk_registry r = {big_defs, QK_MAX_BLOCKS, NULL, 0};
    return r;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

typedef struct buf {
    uint8_t *p;
    size_t n;
} buf;

static buf world_rec(const qk_world *w)
{
    buf b = {malloc(qk_save_world_size(w)), 0};
    CHECK_INT(qk_save_world(w, b.p, qk_save_world_size(w), &b.n), QK_OK);
    CHECK_INT(b.n, qk_save_world_size(w));
    return b;
}

static buf chunk_rec(const qk_world *w, int32_t cx, int32_t cz)
{
    buf b = {malloc(QK_CHUNK_RECORD_MAX), 0};
    CHECK_INT(qk_save_chunk(w, cx, cz, b.p, QK_CHUNK_RECORD_MAX, &b.n), QK_OK);
    return b;
}

static buf snap(const qk_world *w)
{
    size_t n = qk_snapshot_size(w);
    buf b = {malloc(n), 0};
    CHECK_INT(qk_snapshot_write(w, b.p, n, &b.n), QK_OK);
    return b;
}

static bool same(buf a, buf b)
{
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* A whole save in memory: the world record and every column's record. */
typedef struct save {
    buf world;
    buf *chunks; /* key order */
    uint32_t n;
} save;

static save save_of(const qk_world *w)
{
    const qk_world_config *c = qk_world_config_of(w);
    save s = {world_rec(w), calloc(qk_chunk_count(w), sizeof(buf)), 0};
    for (int32_t cx = c->cx_min; cx <= c->cx_max; cx++)
        for (int32_t cz = c->cz_min; cz <= c->cz_max; cz++)
            s.chunks[s.n++] = chunk_rec(w, cx, cz);
    return s;
}

static void save_free(save *s)
{
    free(s->world.p);
    for (uint32_t i = 0; i < s->n; i++)
        free(s->chunks[i].p);
    free(s->chunks);
}

static bool save_same(const save *a, const save *b)
{
    if (!same(a->world, b->world) || a->n != b->n)
        return false;
    for (uint32_t i = 0; i < a->n; i++)
        if (!same(a->chunks[i], b->chunks[i]))
            return false;
    return true;
}

static qk_world *load(const save *s, const qk_registry *reg)
{
    qk_allocator al = fx_allocator(&fa);
    qk_world *w = NULL;
    qk_diag d = {0};
    qk_status st = qk_load_begin(&w, s->world.p, s->world.n, reg, &al, &d);
    CHECK_INT(st, QK_OK);
    if (st != QK_OK)
        return NULL;
    const qk_world_config *c = qk_world_config_of(w);
    uint32_t i = 0;
    for (int32_t cx = c->cx_min; cx <= c->cx_max; cx++)
        for (int32_t cz = c->cz_min; cz <= c->cz_max; cz++, i++)
            CHECK_INT(qk_load_chunk(w, cx, cz, s->chunks[i].p, s->chunks[i].n, &d), QK_OK);
    CHECK_INT(qk_load_finish(w, &d), QK_OK);
    return w;
}

/* Every voxel's block and light equal. */
static bool same_voxels(const qk_world *a, const qk_world *b)
{
    const qk_world_config *c = qk_world_config_of(a);
    for (int32_t x = c->cx_min * 16; x < (c->cx_max + 1) * 16; x++)
        for (int32_t z = c->cz_min * 16; z < (c->cz_max + 1) * 16; z++)
            for (int32_t y = 0; y < 256; y++) {
                qk_block_id ba, bb;
                uint8_t sa, la, sb, lb;
                qk_block_at(a, x, y, z, &ba);
                qk_block_at(b, x, y, z, &bb);
                qk_light_at(a, x, y, z, &sa, &la);
                qk_light_at(b, x, y, z, &sb, &lb);
                if (ba != bb || sa != sb || la != lb)
                    return false;
            }
    return true;
}

/* ---- a fresh world ---- */

static void test_fresh_world(void)
{
    qk_allocator al = fx_allocator(&fa);
    qk_world_config cfg = fx_flat_config();
    qk_world *w;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
    save s = save_of(w);
    for (uint32_t i = 0; i < s.n; i++) {
        CHECK_INT(s.chunks[i].n, 1);
        CHECK_INT(s.chunks[i].p[0], QK_CHUNK_GENERATED);
    }
    qk_world *l = load(&s, &fx_registry);
    save s2 = save_of(l);
    CHECK(save_same(&s, &s2));
    buf a = snap(w), b = snap(l);
    CHECK(same(a, b));
    qk_digests da, db;
    qk_world_digests(w, &da);
    qk_world_digests(l, &db);
    CHECK(memcmp(&da, &db, sizeof da) == 0);
    free(a.p);
    free(b.p);
    save_free(&s);
    save_free(&s2);
    qk_world_destroy(l);
    qk_world_destroy(w);
}

/* ---- random columns ---- */

enum fill { FILL_AIR, FILL_ONE, FILL_ALL_DIFFERENT, FILL_FEW, FILL_MANY, FILL_SPARSE, FILL__N };
static const char *const fill_name[FILL__N] = {"all air", "all one block", "every voxel different",
                                               "few ids", "many ids", "sparse edits"};

/* Rewrites column (cx, cz) of w with a fill and marks it edited. */
static void fill_column(qk_world *w, int32_t cx, int32_t cz, enum fill f)
{
    qk__chunk *c = qk__world_chunk(w, cx, cz);
    qk_block_id one = (qk_block_id)(1 + rnd() % (w->block_count - 1));
    for (uint32_t y = 0; y < 256; y++)
        for (uint32_t z = 0; z < 16; z++)
            for (uint32_t x = 0; x < 16; x++) {
                uint32_t i = (y << 8) | (z << 4) | x;
                qk_block_id id;
                switch (f) {
                case FILL_AIR: id = 0; break;
                case FILL_ONE: id = one; break;
                case FILL_ALL_DIFFERENT: id = (qk_block_id)(i % w->block_count); break;
                case FILL_FEW: id = (qk_block_id)(rnd() % 5); break;
                case FILL_MANY: id = (qk_block_id)(rnd() % 200); break;
                default:
                    if (rnd() % 1000)
                        continue;
                    id = (qk_block_id)(rnd() % w->block_count);
                }
                qk__chunk_set(&w->mem, c, x, y, z, id, NULL);
            }
    c->light.geometry_rev += 1 + rnd() % 5; /* as an edit would */
}

static void test_random_columns(void)
{
    qk_registry reg = big_registry();
    qk_allocator al = fx_allocator(&fa);
    for (int f = 0; f < FILL__N; f++) {
        for (int gen = 0; gen < 2; gen++) {
            qk_world_config cfg;
            memset(&cfg, 0, sizeof cfg);
            cfg.seed = rnd();
            cfg.cx_min = -1;
            cfg.cz_min = -1;
            cfg.cx_max = 0;
            cfg.cz_max = 1;
            if (gen) {
                cfg.generator = QK_GEN_TERRAIN;
                cfg.terrain = (qk_terrain_params){4, 1, 2, 3, 60, 12, 120};
            } else {
                cfg.generator = QK_GEN_SUPERFLAT;
                cfg.layers[0] = (qk_flat_layer){4, 3};
                cfg.layer_count = 1;
            }
            qk_world *w;
            CHECK_INT(qk_world_create(&w, &cfg, &reg, &al, NULL), QK_OK);
            fill_column(w, -1, 0, (enum fill)f);
            fill_column(w, 0, 1, (enum fill)(rnd() % FILL__N));
            CHECK_INT(qk__world_light_all(w), QK_OK);
            save s = save_of(w);
            CHECK_INT(s.chunks[1].p[0], QK_CHUNK_STORED); /* (-1, 0) */
            CHECK_INT(s.chunks[0].p[0], QK_CHUNK_GENERATED);
            qk_world *l = load(&s, &reg);
            if (!l) {
                fprintf(stderr, "fill %s: load failed\n", fill_name[f]);
                continue;
            }
            save s2 = save_of(l);
            bool ok = save_same(&s, &s2) && same_voxels(w, l);
            buf a = snap(w), b = snap(l);
            ok = ok && same(a, b);
            CHECK(ok);
            if (!ok)
                fprintf(stderr, "fill %s (generator %d): round trip differs\n", fill_name[f], gen);
            free(a.p);
            free(b.p);
            save_free(&s);
            save_free(&s2);
            qk_world_destroy(l);
            qk_world_destroy(w);
        }
    }
}

/* ---- stepping across a save ---- */

static void inputs_for(uint64_t t, qk_input *in, size_t *n)
{
    *n = 0;
    if (t == 0) {
        in[(*n)++] = fx_join(0, 1, -10, FX_GROUND, -3);
        in[(*n)++] = fx_join(0, 2, 1, FX_GROUND, 7); /* edits straddle x = 0 */
        return;
    }
    qk_input p = fx_op(t, 1 + (uint32_t)(t % 2), 1, QK_OP_PLACE);
    p.u.place.x = (t % 2 ? 1 : -10) + (int32_t)(t % 4) - 2; /* player 2 on odd ticks */
    p.u.place.y = FX_GROUND - 1 + (int32_t)(t / 8 % 3);
    p.u.place.z = (t % 2 ? 7 : -3) + 2;
    p.u.place.face = QK_FACE_UP;
    if (t % 3 == 0) {
        qk_input s = fx_op(t, p.player, 0, QK_OP_SELECT);
        s.u.select.slot = (uint8_t)(t / 3 % 3);
        in[(*n)++] = s;
    }
    in[(*n)++] = p;
    if (t % 7 == 0) {
        qk_input b = fx_op(t, 2, 2, QK_OP_BREAK);
        b.u.brk.x = 1;
        b.u.brk.y = FX_GROUND - 1;
        b.u.brk.z = 7 + (int32_t)(t % 5);
        in[(*n)++] = b;
    }
    if (t % 40 == 0) {
        qk_input wx = fx_op(t, 1, 3, QK_OP_WEATHER);
        wx.u.weather.state = (qk_weather)(t / 40 % 4);
        in[(*n)++] = wx;
    }
}

static void step_to(qk_world *w, uint64_t until, qk_digests *trace)
{
    qk_sink sink = {NULL, NULL};
    while (qk_world_tick(w) < until) {
        qk_input in[8];
        size_t n;
        uint64_t t = qk_world_tick(w);
        inputs_for(t, in, &n);
        CHECK_INT(qk_step(w, in, n, &sink, NULL), QK_OK);
        if (trace)
            qk_world_digests(w, &trace[t]);
    }
}

#define RUN_TICKS 160

static void test_resume_parity(void)
{
    qk_allocator al = fx_allocator(&fa);
    qk_world_config cfg = fx_flat_config();
    qk_world *w;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
    static qk_digests straight[RUN_TICKS], resumed[RUN_TICKS];
    step_to(w, RUN_TICKS, straight);
    qk_world_destroy(w);

    static const uint64_t save_at[] = {1, 37, 80, 159};
    uint32_t relit_seen = 0;
    for (size_t k = 0; k < sizeof save_at / sizeof save_at[0]; k++) {
        CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
        step_to(w, save_at[k], NULL);
        save s = save_of(w);
        uint32_t kinds[3] = {0, 0, 0};
        for (uint32_t i = 0; i < s.n; i++)
            kinds[s.chunks[i].p[0] < 3 ? s.chunks[i].p[0] : 0]++;
        /* Edits (from tick 1 on) touch some columns only, torches relight
         * some neighbours. */
        CHECK(kinds[QK_CHUNK_GENERATED] > 0);
        if (save_at[k] > 36)
            CHECK(kinds[QK_CHUNK_STORED] > 0 && kinds[QK_CHUNK_RELIT] > 0);
        relit_seen += kinds[QK_CHUNK_RELIT];
        qk_world_destroy(w);
        qk_world *l = load(&s, &fx_registry);
        CHECK_INT(qk_world_tick(l), save_at[k]);
        qk_digests d;
        qk_world_digests(l, &d);
        CHECK(memcmp(&d, &straight[save_at[k] - 1], sizeof d) == 0);
        step_to(l, RUN_TICKS, resumed);
        bool all = true;
        for (uint64_t t = save_at[k]; t < RUN_TICKS; t++)
            all = all && memcmp(&straight[t], &resumed[t], sizeof straight[t]) == 0;
        CHECK(all);
        save_free(&s);
        qk_world_destroy(l);
    }
    CHECK(relit_seen > 0);
}

static void test_hundred_cycles(void)
{
    qk_allocator al = fx_allocator(&fa);
    qk_world_config cfg = fx_flat_config();
    qk_world *w;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
    step_to(w, 90, NULL);
    save first = save_of(w);
    buf first_snap = snap(w);
    qk_world_destroy(w);
    w = load(&first, &fx_registry);
    save cur = save_of(w);
    qk_world_destroy(w);
    int identical = 0;
    for (int i = 0; i < 100; i++) {
        qk_world *l = load(&cur, &fx_registry);
        save next = save_of(l);
        buf sn = snap(l);
        identical += save_same(&first, &next) && same(first_snap, sn);
        free(sn.p);
        save_free(&cur);
        cur = next;
        qk_world_destroy(l);
    }
    CHECK_INT(identical, 100);
    save_free(&cur);
    save_free(&first);
    free(first_snap.p);
}

/* ---- bad records ---- */

static bool column_as_generated(const qk_world *w, int32_t cx, int32_t cz, const qk_block_id *gen)
{
    const qk__chunk *c = qk__world_chunk(w, cx, cz);
    for (uint32_t i = 0; i < QK_COL_VOXELS; i++)
        if (qk__chunk_get(c, i & 15, i >> 8, (i >> 4) & 15) != gen[i])
            return false;
    return c->light.geometry_rev == 1;
}

static void test_bad_records(void)
{
    qk_allocator al = fx_allocator(&fa);
    qk_world_config cfg = fx_flat_config();
    qk_world *w;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
    step_to(w, 30, NULL);
    save s = save_of(w);
    uint32_t stored = s.n;
    for (uint32_t i = 0; i < s.n && stored == s.n; i++)
        if (s.chunks[i].p[0] == QK_CHUNK_STORED)
            stored = i;
    CHECK(stored < s.n);
    int32_t cx = cfg.cx_min + (int32_t)(stored / 4), cz = cfg.cz_min + (int32_t)(stored % 4);
    static qk_block_id gen[QK_COL_VOXELS];
    qk__gen_column(&cfg, cx, cz, gen);
    buf r = s.chunks[stored];
    qk_diag d;

    /* Every truncation is refused and leaves the column as generated. */
    qk_world *l;
    CHECK_INT(qk_load_begin(&l, s.world.p, s.world.n, &fx_registry, &al, &d), QK_OK);
    int refused = 0, kept = 0;
    for (size_t n = 0; n < r.n; n += 1 + n / 64) {
        refused += qk_load_chunk(l, cx, cz, r.p, n, &d) != QK_OK;
        kept += column_as_generated(l, cx, cz, gen);
    }
    size_t tries = 0;
    for (size_t n = 0; n < r.n; n += 1 + n / 64)
        tries++;
    CHECK_INT(refused, tries);
    CHECK_INT(kept, tries);
    /* A byte too many, an unknown kind, a generated record with a tail. */
    uint8_t *longer = malloc(r.n + 1);
    memcpy(longer, r.p, r.n);
    longer[r.n] = 0;
    CHECK_INT(qk_load_chunk(l, cx, cz, longer, r.n + 1, &d), QK_ERR_CORRUPT);
    uint8_t odd[2] = {7, 0};
    CHECK_INT(qk_load_chunk(l, cx, cz, odd, 1, &d), QK_ERR_VERSION);
    odd[0] = QK_CHUNK_GENERATED;
    CHECK_INT(qk_load_chunk(l, cx, cz, odd, 2, &d), QK_ERR_CORRUPT);
    CHECK_INT(qk_load_chunk(l, cfg.cx_max + 1, cz, r.p, r.n, &d), QK_ERR_RANGE);
    CHECK(column_as_generated(l, cx, cz, gen));
    /* A stored record claiming creation's revisions is not canonical. */
    memcpy(longer, r.p, r.n);
    uint64_t gl = qk__world_chunk(l, cx, cz)->gen_light;
    for (int b = 0; b < 8; b++) {
        longer[1 + b] = (uint8_t)(b == 0);
        longer[9 + b] = (uint8_t)(gl >> (8 * b));
    }
    CHECK_INT(qk_load_chunk(l, cx, cz, longer, r.n, &d), QK_ERR_CORRUPT);
    /* Geometry revision 1 must be a relit record, any other a stored one. */
    memcpy(longer, r.p, r.n);
    for (int b = 0; b < 8; b++)
        longer[1 + b] = (uint8_t)(b == 0);
    CHECK_INT(qk_load_chunk(l, cx, cz, longer, r.n, &d), QK_ERR_CORRUPT);
    memcpy(longer, r.p, r.n);
    longer[0] = QK_CHUNK_RELIT;
    CHECK_INT(qk_load_chunk(l, cx, cz, longer, r.n, &d), QK_ERR_CORRUPT);
    free(longer);

    /* Byte flips: refused (column as generated) or accepted whole. */
    uint8_t *m = malloc(r.n);
    int flips = 0, ok_flips = 0;
    for (size_t i = 0; i < r.n; i += 1 + i / 128) {
        memcpy(m, r.p, r.n);
        m[i] ^= (uint8_t)(1u << (rnd() % 8));
        qk_world *t;
        CHECK_INT(qk_load_begin(&t, s.world.p, s.world.n, &fx_registry, &al, &d), QK_OK);
        qk_status st = qk_load_chunk(t, cx, cz, m, r.n, &d);
        flips++;
        if (st == QK_OK)
            ok_flips++;
        else
            CHECK(column_as_generated(t, cx, cz, gen));
        qk_world_destroy(t);
    }
    CHECK(flips > 10 && ok_flips < flips);
    free(m);

    /* Steps and saves wait for qk_load_finish; a missing column is named. */
    CHECK_INT(qk_step(l, NULL, 0, NULL, &d), QK_ERR_STATE);
    uint8_t tiny[64];
    size_t got;
    CHECK_INT(qk_save_chunk(l, cx, cz, tiny, sizeof tiny, &got), QK_ERR_STATE);
    CHECK_INT(qk_save_world(l, tiny, sizeof tiny, &got), QK_ERR_STATE);
    CHECK_INT(qk_load_chunk(l, cx, cz, r.p, r.n, &d), QK_OK);
    CHECK_INT(qk_load_chunk(l, cx, cz, r.p, r.n, &d), QK_ERR_INVALID);
    CHECK_INT(qk_load_finish(l, &d), QK_ERR_INVALID);
    CHECK_INT(d.offset, stored ? 0 : 1);
    qk_world_destroy(l); /* destroying a loading world frees its buffers */

    /* Every single-byte flip of the world record is refused. */
    m = malloc(s.world.n);
    int wrefused = 0, wtries = 0;
    for (size_t i = 0; i < s.world.n; i++, wtries++) {
        memcpy(m, s.world.p, s.world.n);
        m[i] ^= (uint8_t)(1u << (i % 8));
        qk_status st = qk_load_begin(&l, m, s.world.n, &fx_registry, &al, &d);
        wrefused += st != QK_OK && l == NULL;
        qk_world_destroy(l);
    }
    CHECK_INT(wrefused, wtries);
    /* Truncations too, and another registry is a version error. */
    int trefused = 0;
    for (size_t n = 0; n < s.world.n; n++) {
        trefused += qk_load_begin(&l, s.world.p, n, &fx_registry, &al, &d) != QK_OK;
        qk_world_destroy(l);
    }
    CHECK_INT(trefused, s.world.n);
    qk_block_def other[B_COUNT];
    memcpy(other, fx_blocks, sizeof other);
    other[B_GLASS].opaque = true;
    qk_registry oreg = {other, B_COUNT, NULL, 0};
    CHECK_INT(qk_load_begin(&l, s.world.p, s.world.n, &oreg, &al, &d), QK_ERR_VERSION);
    CHECK(l == NULL);
    free(m);
    save_free(&s);
    qk_world_destroy(w);
}

int main(void)
{
    test_fresh_world();
    test_random_columns();
    test_resume_parity();
    test_hundred_cycles();
    test_bad_records();
    CHECK_INT(fa.live, 0);
    return qt_report();
}
