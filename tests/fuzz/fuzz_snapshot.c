/*
 * fuzz_snapshot.c - qk_world_restore, and what a restored world can do.
 *
 * Input: one mode byte, then snapshot bytes.  With an odd mode byte the
 * trailing XXH3 checksum is recomputed before restoring, so mutations get
 * past the checksum into the field validation; with an even one the bytes
 * are restored as they are (checksum and truncation paths).
 *
 * A failed restore must leave *out NULL and hold no memory.  A restore that
 * succeeds must round-trip (snapshot(restore(s)) == s), and the world must
 * then step: after a few ticks without inputs its snapshot restores into a
 * world with the same digests that steps on to the same digests.
 * The registry is fixed (snapshot_registry.h); seeds are made by gen_seeds.
 */
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "fuzz.h"
#include "snapshot_registry.h"

#define STEPS 3

static uint8_t *snapshot_of(const qk_world *w, size_t *len)
{
    size_t n = qk_snapshot_size(w);
    uint8_t *buf = malloc(n);
    FUZZ_CHECK(buf != NULL);
    size_t written = 0;
    FUZZ_CHECK(qk_snapshot_write(w, buf, n, &written) == QK_OK);
    FUZZ_CHECK(written == n);
    if (n > 0) /* one byte short must be refused */
        FUZZ_CHECK(qk_snapshot_write(w, buf, n - 1, &written) == QK_ERR_CAPACITY);
    FUZZ_CHECK(qk_snapshot_write(w, buf, n, &written) == QK_OK);
    *len = n;
    return buf;
}

static void same_digests(const qk_world *a, const qk_world *b)
{
    qk_digests da, db;
    qk_world_digests(a, &da);
    qk_world_digests(b, &db);
    FUZZ_CHECK(memcmp(&da, &db, sizeof da) == 0);
    FUZZ_CHECK(qk_world_tick(a) == qk_world_tick(b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool fix_checksum = data[0] & 1;
    size_t len = size - 1;
    uint8_t *s = malloc(len ? len : 1); /* exact size: ASan sees overreads */
    FUZZ_CHECK(s != NULL);
    memcpy(s, data + 1, len);
    if (fix_checksum && len >= 8) {
        uint64_t h = XXH3_64bits(s, len - 8);
        for (int i = 0; i < 8; i++)
            s[len - 8 + i] = (uint8_t)(h >> (8 * i));
    }

    qk_registry reg = fuzz_snapshot_registry();
    fuzz_alloc fa = {0};
    qk_allocator al = {fuzz_alloc_fn, &fa};
    qk_world *w = (qk_world *)&fa; /* must be overwritten */
    qk_diag d;
    memset(&d, 0, sizeof d);
    qk_status st = qk_world_restore(&w, s, len, &reg, &al, &d);
    if (st != QK_OK) {
        FUZZ_CHECK(w == NULL);
        FUZZ_CHECK(fa.live == 0);
        FUZZ_CHECK(d.code == st && d.what != NULL);
        FUZZ_CHECK(st == QK_ERR_CORRUPT || st == QK_ERR_VERSION);
        FUZZ_CHECK(d.offset <= len);
        free(s);
        return 0;
    }

    size_t len2;
    uint8_t *s2 = snapshot_of(w, &len2);
    FUZZ_CHECK(len2 == len && memcmp(s2, s, len) == 0);
    free(s2);

    qk_sink sink = {NULL, NULL};
    for (int i = 0; i < STEPS; i++)
        FUZZ_CHECK(qk_step(w, NULL, 0, &sink, &d) == QK_OK);

    size_t len3;
    uint8_t *s3 = snapshot_of(w, &len3);
    fuzz_alloc fb = {0};
    qk_allocator bl = {fuzz_alloc_fn, &fb};
    qk_world *r = NULL;
    FUZZ_CHECK(qk_world_restore(&r, s3, len3, &reg, &bl, &d) == QK_OK);
    same_digests(w, r);
    FUZZ_CHECK(qk_step(w, NULL, 0, &sink, &d) == QK_OK);
    FUZZ_CHECK(qk_step(r, NULL, 0, &sink, &d) == QK_OK);
    same_digests(w, r);

    qk_world_destroy(w);
    qk_world_destroy(r);
    FUZZ_CHECK(fa.live == 0 && fb.live == 0);
    free(s3);
    free(s);
    return 0;
}
