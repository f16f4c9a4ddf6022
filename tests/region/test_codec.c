/*
 * test_codec.c - region files (adapters/region/src/region.c) and the
 * adapter's error values (error.c).
 *
 *  - round trips: one record, a full region of 1024 in shuffled order with
 *    negative coordinates, raw and zstd records, the largest record;
 *  - the bytes: a file built here by hand from the format in region.c's
 *    top comment equals the encoder's, and encoding is byte-exact
 *    whatever the input order;
 *  - bad arguments to the encoder;
 *  - corruption: every bit flip in a small file's header and index fails
 *    the parse, every bit flip in a record fails that record (naming its
 *    column) and no other, every truncation fails, and each malformation
 *    (magic, format, coordinates, n, reserved byte, encoding, order, gaps,
 *    lengths, zstd frames) gets its own error at its own byte.
 */
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "check.h"
#include "qs_internal.h"
#include "quarry/qs.h"

#define NAME "r.test.qr"

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A record of len bytes: byte 0 is its kind (a 1-byte record is
 * "generated"), the rest compressible (even seeds) or noise (odd). */
static uint8_t *make_record(uint64_t seed, size_t len)
{
    uint8_t *b = malloc(len);
    if (!b) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
    b[0] = len == 1 ? QK_CHUNK_GENERATED : QK_CHUNK_STORED;
    for (size_t i = 1; i < len; i++)
        b[i] = seed & 1 ? (uint8_t)rng_next(&s) : (uint8_t)((i / 64) % 7);
    return b;
}

typedef struct recset {
    qs_chunk_rec r[1024];
    uint32_t n;
} recset;

static void recset_add(recset *rs, int32_t cx, int32_t cz, uint64_t seed, size_t len)
{
    rs->r[rs->n++] = (qs_chunk_rec){cx, cz, make_record(seed, len), len};
}

static void recset_free(recset *rs)
{
    for (uint32_t i = 0; i < rs->n; i++)
        free((void *)rs->r[i].bytes);
    rs->n = 0;
}

static const qs_chunk_rec *find_rec(const recset *rs, int32_t cx, int32_t cz)
{
    for (uint32_t i = 0; i < rs->n; i++)
        if (rs->r[i].cx == cx && rs->r[i].cz == cz)
            return &rs->r[i];
    return NULL;
}

/* Parses file and checks it holds exactly rs's records, in key order,
 * back to back, each stored as the writer's rule says. */
static void check_holds(const uint8_t *file, size_t len, const recset *rs, int32_t rx,
                        int32_t rz, uint8_t *out)
{
    qs_region_info ri;
    qs_error err;
    CHECK_INT(qs_region_parse(file, len, NAME, &ri, &err), QS_OK);
    CHECK_INT(ri.rx, rx);
    CHECK_INT(ri.rz, rz);
    CHECK_INT(ri.format, QS_REGION_FORMAT);
    CHECK_INT(ri.n, rs->n);
    int bad = 0;
    uint64_t next = 28 + 16 * (uint64_t)ri.n;
    for (uint32_t i = 0; i < ri.n; i++) {
        const qs_region_entry *e = &ri.e[i];
        const qs_chunk_rec *r = find_rec(rs, e->cx, e->cz);
        size_t got = 0;
        bool ordered = i == 0 || e[-1].cx < e->cx || (e[-1].cx == e->cx && e[-1].cz < e->cz);
        bool ok = r && ordered && e->offset == next &&
                  e->encoding == (r->len < 16 ? QS_ENC_RAW : QS_ENC_ZSTD) &&
                  qs_region_record(&ri, file, len, NAME, i, out, &got, &err) == QS_OK &&
                  got == r->len && memcmp(out, r->bytes, got) == 0;
        if (!ok && bad++ < 5)
            fprintf(stderr, "entry %u (%d,%d) does not round-trip\n", i, e->cx, e->cz);
        next += e->stored;
    }
    CHECK_INT(bad, 0);
    CHECK_U64(next, len);
    qs_region_info_free(&ri);
    CHECK(ri.e == NULL && ri.n == 0);
}

/* floor(c / 32) for every int32 (qs_region_of overflows at INT32_MIN). */
static int32_t region_of(int32_t c)
{
    return c >= 0 ? c / 32 : -1 - (-(c + 1)) / 32;
}

/* ---- round trips -------------------------------------------------------- */

static void test_one_record(uint8_t *out)
{
    recset rs = {.n = 0};
    recset_add(&rs, 5, 7, 0, 1);
    uint8_t *f = NULL;
    size_t len = 0;
    qs_error err;
    CHECK_INT(qs_region_encode(0, 0, rs.r, 1, 0, &f, &len, &err), QS_OK);
    CHECK_INT(len, 28 + 16 + 1);
    check_holds(f, len, &rs, 0, 0, out);
    /* the fields where the format says they are */
    CHECK(memcmp(f, "QKREGN\r\n", 8) == 0);
    CHECK_INT(qs__get_u32(f + 8), 1);
    CHECK_INT(qs__get_i32(f + 12), 0);
    CHECK_INT(qs__get_i32(f + 16), 0);
    CHECK_INT(qs__get_u32(f + 20), 1);
    CHECK_INT(qs__get_u16(f + 24), 5 * 32 + 7);
    CHECK_INT(f[26], QS_ENC_RAW);
    CHECK_INT(f[27], 0);
    CHECK_INT(qs__get_u32(f + 28), 44);
    CHECK_INT(qs__get_u32(f + 32), 1);
    CHECK_INT(qs__get_u32(f + 36), qs__crc32(f + 44, 1));
    CHECK_INT(qs__get_u32(f + 40), qs__crc32(f, 40));
    CHECK_INT(f[44], QK_CHUNK_GENERATED);
    free(f);
    recset_free(&rs);
}

/* Record lengths that cover both encodings and their boundary. */
static size_t length_for(uint32_t i)
{
    static const size_t lens[] = {1, 1, 1, 7, 15, 16, 17, 300, 4096, 1, 2000, 1};
    if (i == 100)
        return QK_CHUNK_RECORD_MAX; /* compressible */
    if (i == 101)
        return QK_CHUNK_RECORD_MAX; /* noise: zstd is longer than raw, and still used */
    return lens[i % (sizeof lens / sizeof lens[0])];
}

/* Every column of region (rx, rz), added in a shuffled order. */
static void full_region(recset *rs, int32_t rx, int32_t rz, uint64_t shuffle)
{
    uint32_t perm[1024];
    for (uint32_t i = 0; i < 1024; i++)
        perm[i] = i;
    uint64_t s = shuffle;
    for (uint32_t i = 1023; i > 0; i--) {
        uint32_t j = (uint32_t)(rng_next(&s) % (i + 1));
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (uint32_t k = 0; k < 1024; k++) {
        uint32_t local = perm[k];
        recset_add(rs, rx * 32 + (int32_t)(local / 32), rz * 32 + (int32_t)(local % 32), local,
                   length_for(local));
    }
}

static void test_full_region(uint8_t *out)
{
    recset a = {.n = 0}, b = {.n = 0};
    full_region(&a, -1, -2, 12345);
    full_region(&b, -1, -2, 999); /* the same records, another order */
    CHECK(a.r[0].cx != b.r[0].cx || a.r[0].cz != b.r[0].cz);
    uint8_t *fa = NULL, *fb = NULL, *fc = NULL;
    size_t la = 0, lb = 0, lc = 0;
    qs_error err;
    CHECK_INT(qs_region_encode(-1, -2, a.r, a.n, 0, &fa, &la, &err), QS_OK);
    CHECK_INT(qs_region_encode(-1, -2, b.r, b.n, 3, &fb, &lb, &err), QS_OK);
    CHECK_INT(qs_region_encode(-1, -2, a.r, a.n, 0, &fc, &lc, &err), QS_OK);
    check_holds(fa, la, &a, -1, -2, out);
    /* byte-exact: any input order, again, and level 0 is level 3 */
    CHECK(la == lb && memcmp(fa, fb, la) == 0);
    CHECK(la == lc && memcmp(fa, fc, la) == 0);
    /* the first column is (-32, -64): local index 0, the last (-1, -33) */
    qs_region_info ri;
    CHECK_INT(qs_region_parse(fa, la, NAME, &ri, &err), QS_OK);
    CHECK(ri.n == 1024 && ri.e[0].cx == -32 && ri.e[0].cz == -64);
    CHECK(ri.n == 1024 && ri.e[1023].cx == -1 && ri.e[1023].cz == -33);
    CHECK_INT(qs__get_u16(fa + 24 + 16 * 1023), 1023);
    uint32_t raw = 0, zstd = 0;
    for (uint32_t i = 0; i < ri.n; i++)
        ri.e[i].encoding == QS_ENC_RAW ? raw++ : zstd++;
    CHECK(raw > 0 && zstd > 0);
    qs_region_info_free(&ri);
    /* another level: other bytes maybe, the same records */
    free(fc);
    CHECK_INT(qs_region_encode(-1, -2, a.r, a.n, 1, &fc, &lc, &err), QS_OK);
    check_holds(fc, lc, &a, -1, -2, out);
    free(fc);
    CHECK_INT(qs_region_encode(-1, -2, a.r, a.n, -3, &fc, &lc, &err), QS_OK);
    check_holds(fc, lc, &a, -1, -2, out);
    free(fa);
    free(fb);
    free(fc);
    recset_free(&a);
    recset_free(&b);
}

/* Regions at the ends of the int32 column range. */
static void test_extreme_regions(uint8_t *out)
{
    static const int32_t r[][2] = {{-67108864, 67108863}, {67108863, -67108864}};
    for (int k = 0; k < 2; k++) {
        recset rs = {.n = 0};
        int32_t x0 = (int32_t)((int64_t)r[k][0] * 32), z0 = (int32_t)((int64_t)r[k][1] * 32);
        recset_add(&rs, x0, z0 + 31, 1, 40);
        recset_add(&rs, x0 + 31, z0 + 31, 2, 1);
        CHECK(region_of(x0) == r[k][0] && region_of(z0 + 31) == r[k][1]);
        uint8_t *f = NULL;
        size_t len = 0;
        CHECK_INT(qs_region_encode(r[k][0], r[k][1], rs.r, rs.n, 0, &f, &len, NULL), QS_OK);
        check_holds(f, len, &rs, r[k][0], r[k][1], out);
        free(f);
        recset_free(&rs);
    }
}

/* ---- the format, independently ----------------------------------------- */

typedef struct hand_rec {
    uint16_t local;
    uint8_t enc;
    const uint8_t *stored;
    uint32_t len;
} hand_rec;

/* A region file laid out from the format description alone, with every
 * CRC right. */
static uint8_t *hand_build(int32_t rx, int32_t rz, const hand_rec *h, uint32_t n, size_t *len)
{
    size_t total = 28 + 16 * (size_t)n;
    for (uint32_t i = 0; i < n; i++)
        total += h[i].len;
    uint8_t *f = calloc(1, total);
    if (!f)
        exit(2);
    memcpy(f, "QKREGN\r\n", 8);
    qs__put_u32(f + 8, 1);
    qs__put_i32(f + 12, rx);
    qs__put_i32(f + 16, rz);
    qs__put_u32(f + 20, n);
    size_t at = 28 + 16 * (size_t)n;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = f + 24 + 16 * i;
        qs__put_u16(e, h[i].local);
        e[2] = h[i].enc;
        qs__put_u32(e + 4, (uint32_t)at);
        qs__put_u32(e + 8, h[i].len);
        qs__put_u32(e + 12, qs__crc32(h[i].stored, h[i].len));
        memcpy(f + at, h[i].stored, h[i].len);
        at += h[i].len;
    }
    qs__put_u32(f + 24 + 16 * n, qs__crc32(f, 24 + 16 * n));
    *len = total;
    return f;
}

/* Rewrites the header CRC after a test changed the header or index, so
 * the change reaches the field checks. */
static void reseal(uint8_t *f, size_t len)
{
    uint32_t n = qs__get_u32(f + 20);
    if (n <= 1024 && 28 + 16 * (size_t)n <= len)
        qs__put_u32(f + 24 + 16 * n, qs__crc32(f, 24 + 16 * n));
}

static void test_hand_built_equals_encoder(void)
{
    uint8_t *gen = make_record(0, 1), *small = make_record(3, 9), *big = make_record(4, 5000);
    size_t zcap = ZSTD_compressBound(5000), zlen;
    uint8_t *z = malloc(zcap);
    CHECK(z != NULL);
    zlen = ZSTD_compress(z, zcap, big, 5000, 3);
    CHECK(!ZSTD_isError(zlen));
    /* region (3, -1): columns (96..127, -32..-1) */
    hand_rec h[3] = {{0 * 32 + 31, QS_ENC_RAW, small, 9},
                     {4 * 32 + 0, QS_ENC_ZSTD, z, (uint32_t)zlen},
                     {31 * 32 + 31, QS_ENC_RAW, gen, 1}};
    size_t hl;
    uint8_t *hf = hand_build(3, -1, h, 3, &hl);
    qs_chunk_rec recs[3] = {{127, -1, gen, 1}, {96, -1, small, 9}, {100, -32, big, 5000}};
    uint8_t *f = NULL;
    size_t len = 0;
    CHECK_INT(qs_region_encode(3, -1, recs, 3, 3, &f, &len, NULL), QS_OK);
    CHECK(len == hl && memcmp(f, hf, len) == 0);
    free(f);
    free(hf);
    free(z);
    free(gen);
    free(small);
    free(big);
}

/* ---- bad arguments ---------------------------------------------------- */

static void expect_invalid(int32_t rx, int32_t rz, const qs_chunk_rec *r, uint32_t n,
                           int level, const char *what, bool names_chunk)
{
    uint8_t *f = (uint8_t *)&f; /* must be reset */
    size_t len = 99;
    qs_error err;
    qs_status st = qs_region_encode(rx, rz, r, n, level, &f, &len, &err);
    CHECK_INT(st, QS_ERR_INVALID);
    CHECK(f == NULL && len == 0);
    CHECK_INT(err.code, QS_ERR_INVALID);
    CHECK(strstr(err.msg, what) != NULL);
    CHECK_INT(err.has_chunk, names_chunk);
    if (!strstr(err.msg, what))
        fprintf(stderr, "  message: %s (wanted %s)\n", err.msg, what);
}

static void test_encode_invalid(void)
{
    static const uint8_t one[1] = {0};
    static const uint8_t big[QK_CHUNK_RECORD_MAX + 1];
    qs_chunk_rec r[3] = {{0, 0, one, 1}, {1, 0, one, 1}, {0, 1, one, 1}};
    expect_invalid(0, 0, r, 0, 0, "1 to 1024", false);
    expect_invalid(0, 0, r, 1025, 0, "1 to 1024", false);
    expect_invalid(0, 0, NULL, 1, 0, "no records", false);
    expect_invalid(0, 0, r, 3, 99, "zstd level", false);
    expect_invalid(67108864, 0, r, 3, 0, "out of range", false);
    expect_invalid(0, -67108865, r, 3, 0, "out of range", false);
    qs_chunk_rec out_of_region[2] = {{0, 0, one, 1}, {32, 5, one, 1}};
    expect_invalid(0, 0, out_of_region, 2, 0, "outside the region", true);
    qs_chunk_rec neg[1] = {{-1, 0, one, 1}};
    expect_invalid(0, 0, neg, 1, 0, "outside the region", true);
    qs_chunk_rec twice[3] = {{3, 4, one, 1}, {0, 0, one, 1}, {3, 4, one, 1}};
    expect_invalid(0, 0, twice, 3, 0, "twice", true);
    qs_chunk_rec empty[1] = {{0, 0, one, 0}};
    expect_invalid(0, 0, empty, 1, 0, "1 to", true);
    qs_chunk_rec null_bytes[1] = {{0, 0, NULL, 1}};
    expect_invalid(0, 0, null_bytes, 1, 0, "1 to", true);
    qs_chunk_rec huge[1] = {{0, 0, big, sizeof big}};
    expect_invalid(0, 0, huge, 1, 0, "1 to", true);
    qs_error err;
    size_t len;
    CHECK_INT(qs_region_encode(0, 0, r, 3, 0, NULL, &len, &err), QS_ERR_INVALID);
    /* columns far from the region, where 32 * rx would overflow int32 */
    qs_chunk_rec far[1] = {{INT32_MIN, INT32_MAX, one, 1}};
    expect_invalid(0, 0, far, 1, 0, "outside the region", true);
}

/* ---- names and errors -------------------------------------------------- */

static void test_region_name(void)
{
    char buf[48];
    qs_region_name(-1, 2, 7, buf, sizeof buf);
    CHECK_STR(buf, "r.-1.2.7.qr");
    qs_region_name(INT32_MIN, INT32_MIN, UINT32_MAX, buf, sizeof buf);
    CHECK_STR(buf, "r.-2147483648.-2147483648.4294967295.qr");
    char small[6];
    qs_region_name(10, 20, 3, small, sizeof small);
    CHECK_STR(small, "r.10.");
    qs_region_name(1, 1, 1, NULL, 0); /* nothing to write into: fine */
}

static void test_error_format(void)
{
    qs_error e;
    memset(&e, 0, sizeof e);
    char buf[600];
    e.code = QS_ERR_CORRUPT;
    CHECK_INT(qs_error_format(&e, buf, sizeof buf), strlen("corrupt file"));
    CHECK_STR(buf, "corrupt file");
    snprintf(e.msg, sizeof e.msg, "record CRC mismatch");
    snprintf(e.file, sizeof e.file, "save/region/r.0.-1.3.qr");
    e.has_region = true;
    e.rx = 0;
    e.rz = -1;
    e.has_chunk = true;
    e.cx = 5;
    e.cz = -32;
    e.has_offset = true;
    e.offset = 1234;
    const char *full = "save/region/r.0.-1.3.qr: region (0,-1): chunk (5,-32): byte 1234: "
                       "record CRC mismatch";
    size_t want = strlen(full);
    CHECK_INT(qs_error_format(&e, buf, sizeof buf), want);
    CHECK_STR(buf, full);
    /* short buffers: truncated, terminated, the full length returned */
    for (size_t cap = 0; cap <= want + 1; cap++) {
        char t[200];
        memset(t, 'x', sizeof t);
        size_t n = qs_error_format(&e, t, cap);
        bool ok = n == want && (cap == 0 ? t[0] == 'x'
                                         : strlen(t) == (cap - 1 < want ? cap - 1 : want) &&
                                               strncmp(t, full, strlen(t)) == 0 &&
                                               t[cap] == 'x');
        if (!ok)
            fprintf(stderr, "cap %zu: got %zu \"%.*s\"\n", cap, n, (int)(cap ? cap : 1), t);
        CHECK(ok);
    }
    CHECK_INT(qs_error_format(&e, NULL, 0), want);
    e.has_region = e.has_offset = false;
    snprintf(e.file, sizeof e.file, "%s", "");
    qs_error_format(&e, buf, sizeof buf);
    CHECK_STR(buf, "chunk (5,-32): record CRC mismatch");
    e.has_chunk = false;
    e.has_offset = true;
    e.offset = 0;
    qs_error_format(&e, buf, sizeof buf);
    CHECK_STR(buf, "byte 0: record CRC mismatch");
    /* strings without their NUL never make it read past the struct */
    memset(e.file, 'f', sizeof e.file);
    memset(e.msg, 'm', sizeof e.msg);
    CHECK_INT(qs_error_format(&e, NULL, 0), sizeof e.file + strlen(": byte 0: ") + sizeof e.msg);

    const char *names[8];
    for (int s = QS_OK; s <= QS_ERR_KERNEL; s++) {
        names[s] = qs_status_str((qs_status)s);
        CHECK(names[s] != NULL && names[s][0] != 0);
        for (int t = 0; t < s; t++)
            CHECK(strcmp(names[s], names[t]) != 0);
    }
    CHECK_STR(qs_status_str((qs_status)99), "unknown status");
    CHECK_STR(qs_status_str((qs_status)-1), "unknown status");

    qs_report r = {NULL, 0, 0};
    for (int i = 0; i < 100; i++) {
        e.offset = (uint64_t)i;
        CHECK(qs__report_add(&r, &e));
    }
    CHECK(r.n == 100 && r.v[57].offset == 57);
    qs_report_free(&r);
    CHECK(r.v == NULL && r.n == 0 && r.cap == 0);
    qs_report_free(&r);
    qs_report_free(NULL);

    CHECK_INT(qs__error_set(&e, QS_ERR_IO, "a/b", "open: %s", "denied"), QS_ERR_IO);
    CHECK(e.code == QS_ERR_IO && !e.has_offset && strcmp(e.file, "a/b") == 0);
    CHECK_STR(e.msg, "open: denied");
    CHECK_INT(qs__error_set(NULL, QS_ERR_NOMEM, NULL, "x"), QS_ERR_NOMEM);
}

static void test_little_endian(void)
{
    uint8_t b[8];
    qs__put_i32(b, -2);
    CHECK(b[0] == 0xfe && b[1] == 0xff && b[2] == 0xff && b[3] == 0xff);
    CHECK_INT(qs__get_i32(b), -2);
    qs__put_i32(b, INT32_MIN);
    CHECK_INT(qs__get_i32(b), INT32_MIN);
    qs__put_u32(b, 0x01020304u);
    CHECK(b[0] == 4 && b[3] == 1);
    qs__put_u64(b, 0x0102030405060708ull);
    CHECK(b[0] == 8 && b[7] == 1 && qs__get_u64(b) == 0x0102030405060708ull);
    qs__put_u16(b, 0xbeef);
    CHECK(b[0] == 0xef && qs__get_u16(b) == 0xbeef);
    CHECK_INT(qs__crc32("123456789", 9), 0xcbf43926u); /* the CRC-32 check value */
    CHECK_INT(qs__crc32("", 0), 0);
}

/* ---- corruption --------------------------------------------------------- */

/* Region (2, -3): two raw records and two zstd ones (one compressible,
 * one noise). */
static uint8_t *small_file(recset *rs, size_t *len)
{
    rs->n = 0;
    recset_add(rs, 64, -96, 0, 1);
    recset_add(rs, 70, -80, 5, 10);
    recset_add(rs, 80, -70, 6, 600);
    recset_add(rs, 95, -65, 7, 200);
    uint8_t *f = NULL;
    if (qs_region_encode(2, -3, rs->r, rs->n, 0, &f, len, NULL) != QS_OK)
        exit(2);
    return f;
}

/* A copy of exactly len bytes, so ASan sees any read past the end. */
static uint8_t *copy_of(const uint8_t *f, size_t len)
{
    uint8_t *c = malloc(len ? len : 1);
    if (!c)
        exit(2);
    if (len)
        memcpy(c, f, len);
    return c;
}

static bool sane_error(const qs_error *e, size_t len)
{
    char line[1024];
    return (e->code == QS_ERR_CORRUPT || e->code == QS_ERR_VERSION) &&
           strcmp(e->file, NAME) == 0 && e->msg[0] && e->has_offset && e->offset <= len &&
           qs_error_format(e, line, sizeof line) > strlen(NAME);
}

static void test_header_bit_flips(void)
{
    recset rs;
    size_t len;
    uint8_t *f = small_file(&rs, &len);
    size_t head = 28 + 16 * rs.n;
    int bad = 0;
    for (size_t byte = 0; byte < head; byte++)
        for (int bit = 0; bit < 8; bit++) {
            uint8_t *c = copy_of(f, len);
            c[byte] ^= (uint8_t)(1u << bit);
            qs_region_info ri;
            qs_error err;
            memset(&err, 0, sizeof err);
            qs_status st = qs_region_parse(c, len, NAME, &ri, &err);
            if ((st == QS_OK || !sane_error(&err, len) || ri.e != NULL) && bad++ < 5)
                fprintf(stderr, "flip byte %zu bit %d: status %d, %s\n", byte, bit, st,
                        err.msg);
            qs_region_info_free(&ri);
            free(c);
        }
    CHECK_INT(bad, 0);
    free(f);
    recset_free(&rs);
}

static void test_record_bit_flips(uint8_t *out)
{
    recset rs;
    size_t len;
    uint8_t *f = small_file(&rs, &len);
    qs_region_info ri;
    CHECK_INT(qs_region_parse(f, len, NAME, &ri, NULL), QS_OK);
    int bad = 0, flips = 0;
    for (uint32_t hit = 0; hit < ri.n; hit++) {
        const qs_region_entry *h = &ri.e[hit];
        for (uint32_t byte = h->offset; byte < h->offset + h->stored; byte++)
            for (int bit = 0; bit < 8; bit++) {
                uint8_t *c = copy_of(f, len);
                c[byte] ^= (uint8_t)(1u << bit);
                qs_region_info rc;
                qs_error err;
                memset(&err, 0, sizeof err);
                bool ok = qs_region_parse(c, len, NAME, &rc, &err) == QS_OK;
                for (uint32_t i = 0; ok && i < rc.n; i++) {
                    size_t got = 0;
                    qs_status st = qs_region_record(&rc, c, len, NAME, i, out, &got, &err);
                    const qs_chunk_rec *r = find_rec(&rs, rc.e[i].cx, rc.e[i].cz);
                    if (i == hit)
                        ok = st == QS_ERR_CORRUPT && err.has_chunk && err.cx == h->cx &&
                             err.cz == h->cz && err.has_region && err.rx == 2 &&
                             err.rz == -3 && err.has_offset && err.offset == h->offset &&
                             strstr(err.msg, "CRC") && got == 0 && sane_error(&err, len);
                    else
                        ok = st == QS_OK && r && got == r->len && !memcmp(out, r->bytes, got);
                }
                if (!ok && bad++ < 5)
                    fprintf(stderr, "flip in record %u, byte %u bit %d: %s\n", hit, byte, bit,
                            err.msg);
                flips++;
                qs_region_info_free(&rc);
                free(c);
            }
    }
    CHECK_INT(bad, 0);
    CHECK_INT(flips, 8 * (1 + 10 + (int)(ri.e[2].stored + ri.e[3].stored)));
    qs_region_info_free(&ri);
    free(f);
    recset_free(&rs);
}

static void test_truncation(void)
{
    recset rs;
    size_t len;
    uint8_t *f = small_file(&rs, &len);
    int bad = 0;
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *c = copy_of(f, cut);
        qs_region_info ri;
        qs_error err;
        qs_status st = qs_region_parse(c, cut, NAME, &ri, &err);
        if ((st != QS_ERR_CORRUPT || !sane_error(&err, cut) || err.offset > cut) && bad++ < 5)
            fprintf(stderr, "cut at %zu: status %d %s\n", cut, st, err.msg);
        qs_region_info_free(&ri);
        free(c);
    }
    CHECK_INT(bad, 0);
    /* and one byte too many */
    uint8_t *c = malloc(len + 1);
    CHECK(c != NULL);
    memcpy(c, f, len);
    c[len] = 0;
    qs_region_info ri;
    qs_error err;
    CHECK_INT(qs_region_parse(c, len + 1, NAME, &ri, &err), QS_ERR_CORRUPT);
    CHECK(strstr(err.msg, "1 bytes after the last record") != NULL);
    CHECK(err.has_offset && err.offset == len && !err.has_chunk && err.has_region);
    qs_region_info_free(&ri);
    free(c);
    free(f);
    recset_free(&rs);
}

/* One malformation: edit a copy of the small file, optionally reseal the
 * header CRC, and expect `code` at byte `offset` with `what` in the
 * message; chunk_i >= 0: the error names entry chunk_i's column. */
typedef void (*edit_fn)(uint8_t *f, size_t *len);
#define ANY_OFFSET UINT64_MAX /* checked elsewhere */

static void expect_parse_error(edit_fn edit, bool do_reseal, qs_status code, uint64_t offset,
                               const char *what, int chunk_i, bool has_region)
{
    recset rs;
    size_t len;
    uint8_t *f = small_file(&rs, &len);
    qs_region_info good;
    CHECK_INT(qs_region_parse(f, len, NAME, &good, NULL), QS_OK);
    edit(f, &len);
    if (do_reseal)
        reseal(f, len);
    uint8_t *c = copy_of(f, len);
    qs_region_info ri;
    qs_error err;
    CHECK_INT(qs_region_parse(c, len, NAME, &ri, &err), code);
    CHECK(ri.e == NULL);
    CHECK_INT(err.code, code);
    CHECK(err.has_offset);
    if (offset != ANY_OFFSET)
        CHECK_U64(err.offset, offset);
    CHECK(strstr(err.msg, what) != NULL);
    CHECK_STR(err.file, NAME);
    CHECK_INT(err.has_region, has_region);
    if (has_region)
        CHECK(err.rx == 2 && err.rz == -3);
    CHECK_INT(err.has_chunk, chunk_i >= 0);
    if (chunk_i >= 0)
        CHECK(err.cx == good.e[chunk_i].cx && err.cz == good.e[chunk_i].cz);
    if (!strstr(err.msg, what) || (offset != ANY_OFFSET && err.offset != offset)) {
        char line[1024];
        qs_error_format(&err, line, sizeof line);
        fprintf(stderr, "  got: %s (wanted \"%s\" at byte %llu)\n", line, what,
                (unsigned long long)offset);
    }
    qs_region_info_free(&ri);
    qs_region_info_free(&good);
    free(c);
    free(f);
    recset_free(&rs);
}

/* small_file: n = 4, index [24, 88), header CRC at 88, records from 92. */
static void e_magic(uint8_t *f, size_t *len) { (void)len; f[3] = 'X'; }
static void e_magic_short(uint8_t *f, size_t *len) { (void)f; *len = 5; }
static void e_short_header(uint8_t *f, size_t *len) { (void)f; *len = 23; }
static void e_format2(uint8_t *f, size_t *len) { (void)len; qs__put_u32(f + 8, 2); }
static void e_format0(uint8_t *f, size_t *len) { (void)len; qs__put_u32(f + 8, 0); }
static void e_rx(uint8_t *f, size_t *len) { (void)len; qs__put_i32(f + 12, INT32_MAX); }
static void e_rz(uint8_t *f, size_t *len) { (void)len; qs__put_i32(f + 16, -67108865); }
static void e_n0(uint8_t *f, size_t *len) { (void)len; qs__put_u32(f + 20, 0); }
static void e_n1025(uint8_t *f, size_t *len) { (void)len; qs__put_u32(f + 20, 1025); }
static void e_n_huge(uint8_t *f, size_t *len) { (void)len; qs__put_u32(f + 20, UINT32_MAX); }
static void e_index_cut(uint8_t *f, size_t *len) { (void)f; *len = 80; }
static void e_header_crc(uint8_t *f, size_t *len) { (void)len; f[89] ^= 1; }
static void e_reserved(uint8_t *f, size_t *len) { (void)len; f[24 + 16 + 3] = 7; }
static void e_encoding(uint8_t *f, size_t *len) { (void)len; f[24 + 32 + 2] = 2; }
static void e_local(uint8_t *f, size_t *len) { (void)len; qs__put_u16(f + 24 + 16, 1024); }
static void e_order(uint8_t *f, size_t *len) /* swap the keys of entries 1 and 2 */
{
    (void)len;
    uint16_t a = qs__get_u16(f + 40), b = qs__get_u16(f + 56);
    qs__put_u16(f + 40, b);
    qs__put_u16(f + 56, a);
}
static void e_repeat(uint8_t *f, size_t *len)
{
    (void)len;
    qs__put_u16(f + 56, qs__get_u16(f + 40));
}
static void e_gap(uint8_t *f, size_t *len) /* entry 1 starts a byte late */
{
    (void)len;
    qs__put_u32(f + 40 + 4, qs__get_u32(f + 40 + 4) + 1);
}
static void e_first_offset(uint8_t *f, size_t *len)
{
    (void)len;
    qs__put_u32(f + 24 + 4, 91);
}
static void e_stored0(uint8_t *f, size_t *len) { (void)len; qs__put_u32(f + 24 + 8, 0); }
static void e_stored_huge(uint8_t *f, size_t *len)
{
    (void)len;
    qs__put_u32(f + 24 + 8, QK_CHUNK_RECORD_MAX + 1); /* entry 0 is raw */
}
static void e_past_end(uint8_t *f, size_t *len) /* the last record claims 1 more byte */
{
    (void)len;
    qs__put_u32(f + 72 + 8, qs__get_u32(f + 72 + 8) + 1);
}
static void e_short_last(uint8_t *f, size_t *len) /* ...or 1 byte fewer */
{
    (void)len;
    qs__put_u32(f + 72 + 8, qs__get_u32(f + 72 + 8) - 1);
}
static void e_cut_record(uint8_t *f, size_t *len) { (void)f; *len -= 3; }

static void test_malformed(void)
{
    expect_parse_error(e_magic, false, QS_ERR_CORRUPT, 0, "not a quarry region file (bad magic)",
                       -1, false);
    expect_parse_error(e_magic_short, false, QS_ERR_CORRUPT, 5, "truncated: 5 bytes", -1, false);
    expect_parse_error(e_short_header, false, QS_ERR_CORRUPT, 23, "the header needs 24", -1,
                       false);
    expect_parse_error(e_format2, true, QS_ERR_VERSION, 8, "region format 2 is newer", -1, false);
    expect_parse_error(e_format0, true, QS_ERR_CORRUPT, 8, "format 0", -1, false);
    expect_parse_error(e_rx, true, QS_ERR_CORRUPT, 12, "region coordinate out of range", -1,
                       false);
    expect_parse_error(e_rz, true, QS_ERR_CORRUPT, 16, "region coordinate out of range", -1,
                       false);
    expect_parse_error(e_n0, false, QS_ERR_CORRUPT, 20, "0 entries: a region holds 1 to 1024",
                       -1, true);
    expect_parse_error(e_n1025, false, QS_ERR_CORRUPT, 20, "1025 entries", -1, true);
    expect_parse_error(e_n_huge, false, QS_ERR_CORRUPT, 20, "4294967295 entries", -1, true);
    expect_parse_error(e_index_cut, false, QS_ERR_CORRUPT, 80, "the index of 4 entries needs 92",
                       -1, true);
    expect_parse_error(e_header_crc, false, QS_ERR_CORRUPT, 88, "header CRC mismatch: stored ",
                       -1, true);
    expect_parse_error(e_reserved, true, QS_ERR_CORRUPT, 43, "reserved byte is 7, must be 0", 1,
                       true);
    expect_parse_error(e_encoding, true, QS_ERR_CORRUPT, 58, "unknown encoding 2", 2, true);
    expect_parse_error(e_local, true, QS_ERR_CORRUPT, 40, "local index 1024 out of range", -1,
                       true);
    /* after the swap entry 2 holds entry 1's column */
    expect_parse_error(e_order, true, QS_ERR_CORRUPT, 56, "entry 2 out of key order", 1, true);
    expect_parse_error(e_repeat, true, QS_ERR_CORRUPT, 56, "entry 2 out of key order", 1, true);
    expect_parse_error(e_gap, true, QS_ERR_CORRUPT, 44, "(records lie back to back)", 1, true);
    expect_parse_error(e_first_offset, true, QS_ERR_CORRUPT, 28, "record at byte 91, expected 92",
                       0, true);
    expect_parse_error(e_stored0, true, QS_ERR_CORRUPT, 32, "stored length 0 out of range", 0,
                       true);
    expect_parse_error(e_stored_huge, true, QS_ERR_CORRUPT, 32, "for raw", 0, true);
    expect_parse_error(e_past_end, true, QS_ERR_CORRUPT, 80, "runs past the end of the file", 3,
                       true);
    expect_parse_error(e_short_last, true, QS_ERR_CORRUPT, ANY_OFFSET,
                       "1 bytes after the last record", -1, true);
    expect_parse_error(e_cut_record, false, QS_ERR_CORRUPT, 80, "runs past the end", 3, true);
}

/* e_short_last's offset is the file length - 1: check it separately. */
static void test_trailing_offset(void)
{
    recset rs;
    size_t len;
    uint8_t *f = small_file(&rs, &len);
    e_short_last(f, &len);
    reseal(f, len);
    qs_error err;
    qs_region_info ri;
    CHECK_INT(qs_region_parse(f, len, NAME, &ri, &err), QS_ERR_CORRUPT);
    CHECK_U64(err.offset, len - 1);
    qs_region_info_free(&ri);
    free(f);
    recset_free(&rs);
}

/* ---- zstd records with valid CRCs but bad frames ------------------------ */

static void expect_record_error(const uint8_t *stored, uint32_t n, uint8_t enc, const char *what,
                                uint64_t offset_in_record, uint8_t *out)
{
    hand_rec h[2] = {{0, QS_ENC_RAW, (const uint8_t *)"\0", 1}, {33, enc, stored, n}};
    size_t len;
    uint8_t *f = hand_build(0, 0, h, 2, &len);
    qs_region_info ri;
    qs_error err;
    CHECK_INT(qs_region_parse(f, len, NAME, &ri, &err), QS_OK);
    size_t got = 7;
    CHECK_INT(qs_region_record(&ri, f, len, NAME, 0, out, &got, &err), QS_OK);
    CHECK_INT(got, 1);
    qs_status st = qs_region_record(&ri, f, len, NAME, 1, out, &got, &err);
    CHECK_INT(st, QS_ERR_CORRUPT);
    CHECK_INT(got, 0);
    CHECK(err.has_chunk && err.cx == 1 && err.cz == 1);
    CHECK(err.has_offset && err.offset == ri.e[1].offset + offset_in_record);
    CHECK(strstr(err.msg, what) != NULL);
    if (!strstr(err.msg, what))
        fprintf(stderr, "  got \"%s\", wanted \"%s\"\n", err.msg, what);
    qs_region_info_free(&ri);
    free(f);
}

static size_t compress_with(ZSTD_CCtx *c, uint8_t *dst, size_t cap, const uint8_t *src,
                            size_t n, int content_size)
{
    ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters);
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, content_size);
    return ZSTD_compress2(c, dst, cap, src, n);
}

static void test_bad_frames(uint8_t *out)
{
    size_t cap = ZSTD_compressBound(QK_CHUNK_RECORD_MAX + 1) + 16;
    uint8_t *z = malloc(cap), *src = make_record(2, QK_CHUNK_RECORD_MAX + 1);
    ZSTD_CCtx *c = ZSTD_createCCtx();
    CHECK(z && c);
    size_t n = compress_with(c, z, cap, src, 3000, 0);
    CHECK(!ZSTD_isError(n));
    expect_record_error(z, (uint32_t)n, QS_ENC_ZSTD, "without its content size", 0, out);
    n = compress_with(c, z, cap, src, QK_CHUNK_RECORD_MAX + 1, 1);
    expect_record_error(z, (uint32_t)n, QS_ENC_ZSTD, "a chunk record has 1 to", 0, out);
    n = compress_with(c, z, cap, src, 3000, 1);
    z[n] = 0x55; /* a byte after the frame */
    expect_record_error(z, (uint32_t)n + 1, QS_ENC_ZSTD, "are stored", n, out);
    memcpy(z + n, z, n); /* two frames */
    expect_record_error(z, (uint32_t)(2 * n), QS_ENC_ZSTD, "are stored", n, out);
    expect_record_error(z, (uint32_t)n - 5, QS_ENC_ZSTD, "malformed zstd frame", 0, out);
    expect_record_error(src, 100, QS_ENC_ZSTD, "not a zstd frame", 0, out);
    /* a skippable frame holds no record */
    uint8_t skip[12] = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 1, 2, 3, 4};
    expect_record_error(skip, sizeof skip, QS_ENC_ZSTD, "zstd frame of 0 bytes", 0, out);
    /* a frame whose blocks are damaged under a right CRC */
    n = compress_with(c, z, cap, src, 3000, 1);
    for (size_t i = n / 2; i < n - 4; i++)
        z[i] ^= 0xa5;
    hand_rec h[1] = {{7, QS_ENC_ZSTD, z, (uint32_t)n}};
    size_t len;
    uint8_t *f = hand_build(0, 0, h, 1, &len);
    qs_region_info ri;
    qs_error err;
    size_t got;
    CHECK_INT(qs_region_parse(f, len, NAME, &ri, &err), QS_OK);
    qs_status st = qs_region_record(&ri, f, len, NAME, 0, out, &got, &err);
    /* zstd may or may not see it (no zstd checksum); it must not lie about the length */
    CHECK(st == QS_ERR_CORRUPT || (st == QS_OK && got == 3000));
    qs_region_info_free(&ri);
    free(f);

    /* a raw record may be of any length: readers accept what a future
     * writer might store raw */
    hand_rec r[1] = {{1023, QS_ENC_RAW, src, 100}};
    f = hand_build(-5, 5, r, 1, &len);
    CHECK_INT(qs_region_parse(f, len, NAME, &ri, &err), QS_OK);
    CHECK(ri.e[0].cx == -5 * 32 + 31 && ri.e[0].cz == 5 * 32 + 31);
    CHECK_INT(qs_region_record(&ri, f, len, NAME, 0, out, &got, &err), QS_OK);
    CHECK(got == 100 && memcmp(out, src, 100) == 0);
    /* bad arguments and a buffer that is not the parsed one */
    CHECK_INT(qs_region_record(&ri, f, len, NAME, 1, out, &got, &err), QS_ERR_INVALID);
    CHECK(strstr(err.msg, "no entry 1") != NULL);
    CHECK_INT(qs_region_record(&ri, f, len - 1, NAME, 0, out, &got, &err), QS_ERR_CORRUPT);
    CHECK_INT(qs_region_record(NULL, f, len, NAME, 0, out, &got, &err), QS_ERR_INVALID);
    CHECK_INT(qs_region_record(&ri, f, len, NAME, 0, NULL, &got, &err), QS_ERR_INVALID);
    qs_region_info_free(&ri);
    CHECK_INT(qs_region_parse(NULL, 10, NAME, &ri, &err), QS_ERR_INVALID);
    CHECK(ri.e == NULL);
    CHECK_INT(qs_region_parse(NULL, 0, NAME, &ri, &err), QS_ERR_CORRUPT);
    CHECK_INT(qs_region_parse(f, len, NAME, NULL, &err), QS_ERR_INVALID);
    qs_region_info_free(&ri);
    qs_region_info_free(NULL);
    free(f);
    ZSTD_freeCCtx(c);
    free(z);
    free(src);
}

/* Random edits of the index with the header CRC resealed: whatever parses
 * must hold entries in order, back to back, covering the file, and every
 * record either decodes or fails naming its column. */
static void test_resealed_mutations(uint8_t *out)
{
    recset rs;
    size_t len;
    uint8_t *f = small_file(&rs, &len);
    uint64_t s = 77;
    int bad = 0, parsed = 0;
    for (int k = 0; k < 20000; k++) {
        uint8_t *c = copy_of(f, len);
        int edits = 1 + (int)(rng_next(&s) % 3);
        for (int j = 0; j < edits; j++)
            c[8 + rng_next(&s) % (88 - 8)] ^= (uint8_t)(1u << (rng_next(&s) % 8));
        reseal(c, len);
        qs_region_info ri;
        qs_error err;
        if (qs_region_parse(c, len, NAME, &ri, &err) != QS_OK) {
            bad += !sane_error(&err, len);
        } else {
            parsed++;
            uint64_t next = 28 + 16 * (uint64_t)ri.n;
            for (uint32_t i = 0; i < ri.n; i++) {
                size_t got;
                bad += ri.e[i].offset != next || region_of(ri.e[i].cx) != ri.rx ||
                       region_of(ri.e[i].cz) != ri.rz;
                next += ri.e[i].stored;
                qs_status st = qs_region_record(&ri, c, len, NAME, i, out, &got, &err);
                bad += st != QS_OK && !(st == QS_ERR_CORRUPT && err.has_chunk &&
                                        err.cx == ri.e[i].cx && err.cz == ri.e[i].cz);
            }
            bad += next != len;
        }
        qs_region_info_free(&ri);
        free(c);
    }
    CHECK_INT(bad, 0);
    CHECK(parsed > 0); /* some edits (the CRC fields, the region) still parse */
    free(f);
    recset_free(&rs);
}

int main(void)
{
    uint8_t *out = malloc(QK_CHUNK_RECORD_MAX); /* exactly the promised capacity */
    if (!out)
        return 2;
    test_one_record(out);
    test_full_region(out);
    test_extreme_regions(out);
    test_hand_built_equals_encoder();
    test_encode_invalid();
    test_region_name();
    test_error_format();
    test_little_endian();
    test_header_bit_flips();
    test_record_bit_flips(out);
    test_truncation();
    test_malformed();
    test_trailing_offset();
    test_bad_frames(out);
    test_resealed_mutations(out);
    free(out);
    return qt_report();
}
