/*
 * test_snapshot.c - snapshots are exact: restoring at any tick and going on
 * gives the same digests as never stopping, snapshot(restore(s)) == s, and
 * malformed bytes (flipped, truncated, or mutated with a valid checksum)
 * are refused without a crash or a leak.
 */
#include <xxhash.h>

#include "fixture.h"

#define TICKS 90

/* A scripted session: two players walk, jump, build and dig. */
static size_t script(uint64_t t, qk_input *in)
{
    size_t n = 0;
    if (t == 0) {
        in[n++] = fx_join(0, 1, -3, 8, -3);
        in[n++] = fx_join(0, 2, 2, 8, 1);
    }
    if (t == 10) {
        in[n] = fx_op(t, 1, 1, QK_OP_MOVE);
        in[n].u.move.dirs = QK_DIR_FORWARD | QK_DIR_LEFT;
        in[n++].u.move.yaw = 8000;
        in[n] = fx_op(t, 2, 1, QK_OP_MOVE);
        in[n].u.move.dirs = QK_DIR_BACK;
        in[n++].u.move.yaw = 40000;
    }
    if (t % 17 == 5)
        in[n++] = fx_op(t, 1, 100 + (uint32_t)t, QK_OP_JUMP);
    if (t >= 20 && t < 80 && t % 4 == 0) {
        qk_input p = fx_op(t, 2, 200 + (uint32_t)t, t % 8 ? QK_OP_PLACE : QK_OP_BREAK);
        p.u.place.x = 2 + (int32_t)(t % 3);
        p.u.place.y = 3;
        p.u.place.z = (int32_t)(t % 5) - 2;
        p.u.place.face = QK_FACE_UP;
        if (p.op == QK_OP_BREAK) {
            p.u.brk.x = 2 + (int32_t)(t % 3);
            p.u.brk.y = 3;
            p.u.brk.z = (int32_t)(t % 5) - 2;
        }
        in[n++] = p;
    }
    for (size_t i = 0; i < n; i++)
        in[i].tick = t;
    return n;
}

static void run_to(qk_world *w, uint64_t until, uint64_t *chains)
{
    while (qk_world_tick(w) < until) {
        qk_input in[8];
        uint64_t t = qk_world_tick(w);
        size_t n = script(t, in);
        CHECK_INT(qk_step(w, in, n, NULL, NULL), QK_OK);
        qk_digests d;
        qk_world_digests(w, &d);
        chains[t] = d.chain;
    }
}

static uint8_t *snap(const qk_world *w, size_t *len)
{
    *len = qk_snapshot_size(w);
    uint8_t *b = malloc(*len);
    size_t wrote = 0;
    CHECK_INT(qk_snapshot_write(w, b, *len - 1, &wrote), QK_ERR_CAPACITY);
    CHECK_INT(qk_snapshot_write(w, b, *len, &wrote), QK_OK);
    CHECK_INT(wrote, *len);
    return b;
}

static void restore_continues_identically(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_allocator al = fx_allocator(&a);
    qk_world_config cfg = fx_flat_config();
    static uint64_t straight[TICKS], resumed[TICKS];
    qk_world *w;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
    run_to(w, TICKS, straight);
    size_t end_len;
    uint8_t *end_snap = snap(w, &end_len);
    qk_world_destroy(w);

    uint64_t points[] = {0, 1, 11, 37, 62, TICKS - 1};
    for (size_t k = 0; k < sizeof points / sizeof points[0]; k++) {
        memset(resumed, 0, sizeof resumed);
        CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
        run_to(w, points[k], resumed);
        size_t len;
        uint8_t *s = snap(w, &len);
        qk_world_destroy(w);
        qk_world *r = NULL;
        CHECK_INT(qk_world_restore(&r, s, len, &fx_registry, &al, NULL), QK_OK);
        if (!r) {
            free(s);
            continue;
        }
        CHECK_INT(qk_world_tick(r), points[k]);
        size_t len2;
        uint8_t *s2 = snap(r, &len2);
        CHECK(len == len2 && memcmp(s, s2, len) == 0); /* snapshot(restore(s)) == s */
        run_to(r, TICKS, resumed);
        int same = 1;
        for (uint64_t t = points[k]; t < TICKS; t++)
            same &= straight[t] == resumed[t];
        CHECK(same);
        size_t len3;
        uint8_t *s3 = snap(r, &len3);
        CHECK(len3 == end_len && memcmp(s3, end_snap, end_len) == 0);
        qk_world_destroy(r);
        free(s);
        free(s2);
        free(s3);
    }
    free(end_snap);
    CHECK_INT(a.live, 0);
}

static void refuses_bad_bytes(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_allocator al = fx_allocator(&a);
    qk_world_config cfg = fx_flat_config();
    cfg.cx_min = cfg.cx_max = -1;
    cfg.cz_min = cfg.cz_max = 0;
    static uint64_t chains[TICKS];
    qk_world *w;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
    run_to(w, 40, chains);
    size_t len;
    uint8_t *s = snap(w, &len);
    qk_world_destroy(w);
    uint8_t *m = malloc(len);
    qk_world *r;
    qk_diag d;

    int flips_refused = 1;
    for (size_t i = 0; i < len; i += 7) {
        memcpy(m, s, len);
        m[i] ^= 0x20;
        r = (qk_world *)1;
        flips_refused &= qk_world_restore(&r, m, len, &fx_registry, &al, &d) != QK_OK && r == NULL;
    }
    CHECK(flips_refused);
    int cuts_refused = 1;
    for (size_t n = 0; n < len; n += 5)
        cuts_refused &= qk_world_restore(&r, s, n, &fx_registry, &al, &d) != QK_OK;
    CHECK(cuts_refused);

    /* Mutations that keep a valid checksum reach the field checks. */
    uint32_t seed = 99;
    int clean = 1, refused = 0;
    for (int k = 0; k < 3000; k++) {
        memcpy(m, s, len);
        seed = seed * 1664525u + 1013904223u;
        size_t i = 12 + (seed >> 8) % (len - 20);
        m[i] = (uint8_t)(seed >> 3);
        uint64_t h = XXH3_64bits(m, len - 8);
        for (int b = 0; b < 8; b++)
            m[len - 8 + (size_t)b] = (uint8_t)(h >> (8 * b));
        r = NULL;
        qk_status st = qk_world_restore(&r, m, len, &fx_registry, &al, &d);
        if (st == QK_OK)
            qk_world_destroy(r);
        else
            refused++;
        clean &= a.live == 0;
    }
    CHECK(clean);
    CHECK(refused > 100);

    /* Another registry: a version error, not garbage. */
    qk_block_def other[B_COUNT];
    memcpy(other, fx_blocks, sizeof other);
    other[B_STONE].emissive = 3;
    qk_registry oreg = {other, B_COUNT, NULL, 0};
    CHECK_INT(qk_world_restore(&r, s, len, &oreg, &al, &d), QK_ERR_VERSION);
    CHECK_INT(qk_world_restore(&r, s, len, &fx_registry, &al, &d), QK_OK);
    qk_world_destroy(r);

    /* Every refused allocation during restore fails cleanly. */
    for (long n = 0; n < 200; n++) {
        fx_alloc f = {n, 0, 0};
        qk_allocator fal = fx_allocator(&f);
        qk_status st = qk_world_restore(&r, s, len, &fx_registry, &fal, &d);
        if (st == QK_OK) {
            qk_world_destroy(r);
            CHECK_INT(f.live, 0);
            break;
        }
        CHECK_INT(st, QK_ERR_NOMEM);
        CHECK_INT(f.live, 0);
    }
    free(m);
    free(s);
    CHECK_INT(a.live, 0);
}

int main(void)
{
    restore_continues_identically();
    refuses_bad_bytes();
    return qt_report();
}
