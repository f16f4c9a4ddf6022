/*
 * gen_region_seeds.c - writes the region seeds of corpus/region/.
 *
 *   fuzz_gen_region_seeds DIR           write the seeds into DIR
 *   fuzz_gen_region_seeds --check DIR   fail unless the seeds in DIR still
 *                                       parse (seed_*) or still fail (bad_*)
 *
 * Each seed is fuzz_region's mode byte (1: the target recomputes the CRCs,
 * so mutations reach the field checks; 0: as is) and a region file whose
 * records are made up here (the kernel's records are fuzz_save's):
 *   seed_mixed          region (0, 0): generated columns (1 byte, raw), a
 *                       9-byte raw record, two zstd ones (compressible and
 *                       noise)
 *   seed_mixed_raw      the same, mode 0
 *   seed_negative       region (-1, -2): a corner column and a stored one
 *   seed_one            one generated column, mode 0
 *   bad_magic, bad_format_2, bad_header_crc, bad_record_crc, bad_truncated,
 *   bad_no_content_size (a zstd frame without its size, CRCs right)
 * The ctest fuzz_region_seeds runs --check: when the region format changes
 * the seeds are regenerated with
 *   build/<dir>/tests/fuzz/fuzz_gen_region_seeds tests/fuzz/corpus/region
 * The files' bytes are those of one libzstd version; --check does not
 * compare bytes, so another version's output is not a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zstd.h>

#include "fuzz.h"
#include "qs_internal.h"
#include "quarry/qs.h"

typedef struct seed {
    uint8_t *bytes; /* mode byte + file */
    size_t len;
} seed;

/* A made-up chunk record: kind "stored", then a pattern or noise. */
static uint8_t *record(size_t len, bool noise)
{
    uint8_t *b = malloc(len);
    FUZZ_CHECK(b != NULL);
    uint32_t s = 2463534242u;
    b[0] = QK_CHUNK_STORED;
    for (size_t i = 1; i < len; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        b[i] = noise ? (uint8_t)s : (uint8_t)(i % 97 < 60 ? 1 : i / 256);
    }
    return b;
}

static const uint8_t generated[1] = {QK_CHUNK_GENERATED};

static seed encode(uint8_t mode, int32_t rx, int32_t rz, const qs_chunk_rec *r, uint32_t n)
{
    uint8_t *f = NULL;
    size_t len = 0;
    FUZZ_CHECK(qs_region_encode(rx, rz, r, n, 0, &f, &len, NULL) == QS_OK);
    seed s = {malloc(len + 1), len + 1};
    FUZZ_CHECK(s.bytes != NULL);
    s.bytes[0] = mode;
    memcpy(s.bytes + 1, f, len);
    free(f);
    return s;
}

static seed mixed(uint8_t mode)
{
    uint8_t *small = record(9, false), *big = record(2000, false), *noise = record(300, true);
    qs_chunk_rec r[] = {
        {0, 0, generated, 1}, {0, 1, small, 9},      {3, 7, big, 2000},
        {5, 5, noise, 300},   {31, 31, generated, 1}, {17, 2, generated, 1},
    };
    seed s = encode(mode, 0, 0, r, sizeof r / sizeof r[0]);
    free(small);
    free(big);
    free(noise);
    return s;
}

static seed negative(void)
{
    uint8_t *big = record(700, false);
    qs_chunk_rec r[] = {{-1, -33, big, 700}, {-32, -64, generated, 1}};
    seed s = encode(1, -1, -2, r, 2);
    free(big);
    return s;
}

static seed one(void)
{
    qs_chunk_rec r[] = {{40, -5, generated, 1}};
    return encode(0, 1, -1, r, 1);
}

/* ---- invalid seeds: the valid mixed file, broken one way each --------- */

static seed broken(uint8_t mode, void (*edit)(seed *s))
{
    seed s = mixed(mode);
    edit(&s);
    return s;
}

static void reseal(seed *s)
{
    uint8_t *f = s->bytes + 1;
    uint32_t n = qs__get_u32(f + 20);
    qs__put_u32(f + 24 + 16 * (size_t)n, qs__crc32(f, 24 + 16 * (size_t)n));
}

static void e_magic(seed *s) { s->bytes[1 + 2] = 'X'; }
static void e_format(seed *s) { qs__put_u32(s->bytes + 1 + 8, 2); reseal(s); }
static void e_header_crc(seed *s) { s->bytes[1 + 12] ^= 0x10; }
static void e_record_crc(seed *s) { s->bytes[s->len - 7] ^= 0x01; }
static void e_truncated(seed *s) { s->len -= 40; }

static seed no_content_size(void)
{
    uint8_t *big = record(2000, false);
    size_t cap = ZSTD_compressBound(2000);
    uint8_t *z = malloc(cap);
    ZSTD_CCtx *c = ZSTD_createCCtx();
    FUZZ_CHECK(z && c);
    ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
    size_t zn = ZSTD_compress2(c, z, cap, big, 2000);
    FUZZ_CHECK(!ZSTD_isError(zn));
    size_t len = 28 + 16 + zn;
    seed s = {calloc(1, len + 1), len + 1};
    FUZZ_CHECK(s.bytes != NULL);
    uint8_t *f = s.bytes + 1;
    s.bytes[0] = 0;
    memcpy(f, "QKREGN\r\n", 8);
    qs__put_u32(f + 8, QS_REGION_FORMAT);
    qs__put_u32(f + 20, 1);
    f[24 + 2] = QS_ENC_ZSTD;
    qs__put_u32(f + 24 + 4, 44);
    qs__put_u32(f + 24 + 8, (uint32_t)zn);
    qs__put_u32(f + 24 + 12, qs__crc32(z, zn));
    memcpy(f + 44, z, zn);
    s.len = len + 1;
    reseal(&s);
    ZSTD_freeCCtx(c);
    free(z);
    free(big);
    return s;
}

/* ---- writing and checking ------------------------------------------- */

/* Parses a seed's file and decodes every record: true when all is well. */
static bool sound(const uint8_t *f, size_t len, qs_error *err)
{
    qs_region_info ri;
    if (qs_region_parse(f, len, "seed", &ri, err) != QS_OK)
        return false;
    uint8_t *out = malloc(QK_CHUNK_RECORD_MAX);
    FUZZ_CHECK(out != NULL);
    bool ok = true;
    for (uint32_t i = 0; ok && i < ri.n; i++) {
        size_t got;
        ok = qs_region_record(&ri, f, len, "seed", i, out, &got, err) == QS_OK;
    }
    free(out);
    qs_region_info_free(&ri);
    return ok;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20;
    uint8_t *b = malloc(cap);
    FUZZ_CHECK(b != NULL);
    *len = fread(b, 1, cap, f);
    fclose(f);
    return b;
}

/* --check: a seed_* must still be sound, a bad_* must still not be. */
static int check_seed(const char *path, const char *name, const char *argv0, const char *dir)
{
    size_t len = 0;
    uint8_t *b = read_file(path, &len);
    if (!b) {
        perror(path);
        return 1;
    }
    qs_error err;
    memset(&err, 0, sizeof err);
    bool ok = len >= 1 && sound(b + 1, len - 1, &err);
    bool want = strncmp(name, "seed_", 5) == 0;
    free(b);
    if (ok == want)
        return 0;
    char msg[1024];
    qs_error_format(&err, msg, sizeof msg);
    fprintf(stderr, "%s %s (%s): regenerate the region seeds with\n  %s %s\n", path,
            want ? "no longer parses" : "is no longer refused", ok ? "it parses" : msg, argv0,
            dir);
    return 1;
}

int main(int argc, char **argv)
{
    int check = argc == 3 && strcmp(argv[1], "--check") == 0;
    if (argc != 2 && !check) {
        fprintf(stderr, "usage: %s [--check] DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[argc - 1];
    seed seeds[] = {
        mixed(1), mixed(0), negative(), one(),
        broken(0, e_magic), broken(1, e_format), broken(0, e_header_crc),
        broken(0, e_record_crc), broken(0, e_truncated), no_content_size(),
    };
    static const char *const names[] = {
        "seed_mixed",     "seed_mixed_raw", "seed_negative",  "seed_one",
        "bad_magic",      "bad_format_2",   "bad_header_crc", "bad_record_crc",
        "bad_truncated",  "bad_no_content_size",
    };
    size_t n = sizeof seeds / sizeof seeds[0];
    _Static_assert(sizeof seeds / sizeof seeds[0] == sizeof names / sizeof names[0], "a name each");
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (check) {
            bad |= check_seed(path, names[i], argv[0], dir);
        } else {
            /* what is written must be what --check expects */
            FUZZ_CHECK(sound(seeds[i].bytes + 1, seeds[i].len - 1, NULL) ==
                       (strncmp(names[i], "seed_", 5) == 0));
            FILE *f = fopen(path, "wb");
            if (!f) {
                perror(path);
                return 1;
            }
            FUZZ_CHECK(fwrite(seeds[i].bytes, 1, seeds[i].len, f) == seeds[i].len);
            FUZZ_CHECK(fclose(f) == 0);
        }
        free(seeds[i].bytes);
    }
    if (!bad)
        printf("%zu region seeds %s\n", n, check ? "as expected" : "written");
    return bad;
}
