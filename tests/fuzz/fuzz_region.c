/*
 * fuzz_region.c - region files: qs_region_parse, then qs_region_record for
 * every entry.
 *
 * Input: one mode byte, then the bytes of a region file.  With an odd mode
 * byte the header CRC and the CRC of every record that lies inside the
 * input are recomputed first, so mutations get past the checksums into the
 * field checks and the zstd decoder; with an even one the bytes are parsed
 * as they are (checksum and truncation paths).
 *
 * A failed parse fills the error (corrupt or version, the file name, a
 * message, a byte offset inside the input) and holds nothing.  A parse that
 * succeeds describes the file: 1..1024 entries in key order inside the
 * region, records back to back from the end of the index to the end of the
 * file.  Each record then decodes (1..QK_CHUNK_RECORD_MAX bytes; a raw one
 * is its stored bytes) or fails naming its column.  When every record
 * decodes they are encoded again, and the new file must parse and give the
 * same records back.  What the kernel makes of a record is fuzz_save.c's
 * business.  Seeds: gen_region_seeds.c.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "qs_internal.h"
#include "quarry/qs.h"

#define NAME "fuzz.qr"
/* Re-encoding copies every record: skip it past this many decoded bytes
 * (zstd frames of a few bytes can claim 128 KiB each). */
#define ROUNDTRIP_MAX (8u << 20)

/* Recomputes the CRCs a mutation broke, where the index says they are. */
static void fix_crcs(uint8_t *b, size_t len)
{
    if (len < 24)
        return;
    uint32_t n = qs__get_u32(b + 20);
    if (n < 1 || n > 1024 || len < 28 + 16 * (size_t)n)
        return;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = b + 24 + 16 * (size_t)i;
        uint64_t off = qs__get_u32(e + 4), stored = qs__get_u32(e + 8);
        if (off + stored <= len)
            qs__put_u32(e + 12, qs__crc32(b + off, (size_t)stored));
    }
    qs__put_u32(b + 24 + 16 * (size_t)n, qs__crc32(b, 24 + 16 * (size_t)n));
}

static void check_error(const qs_error *e, qs_status st, size_t len)
{
    FUZZ_CHECK(e->code == st);
    FUZZ_CHECK(strcmp(e->file, NAME) == 0 && e->msg[0] != 0);
    FUZZ_CHECK(e->has_offset && e->offset <= len);
    char line[1024];
    size_t n = qs_error_format(e, line, sizeof line);
    FUZZ_CHECK(n > 0 && (n >= sizeof line || strlen(line) == n));
}

/* floor(c / 32) for every int32, INT32_MIN included (qs_region_of computes
 * c - 31, which overflows there). */
static int32_t region_of(int32_t c)
{
    return c >= 0 ? c / 32 : -1 - (-(c + 1)) / 32;
}

static void check_layout(const qs_region_info *ri, size_t len)
{
    FUZZ_CHECK(ri->n >= 1 && ri->n <= 1024 && ri->e != NULL);
    FUZZ_CHECK(ri->format == QS_REGION_FORMAT);
    uint64_t next = 28 + 16 * (uint64_t)ri->n;
    for (uint32_t i = 0; i < ri->n; i++) {
        const qs_region_entry *e = &ri->e[i];
        FUZZ_CHECK(region_of(e->cx) == ri->rx && region_of(e->cz) == ri->rz);
        FUZZ_CHECK(i == 0 || e[-1].cx < e->cx || (e[-1].cx == e->cx && e[-1].cz < e->cz));
        FUZZ_CHECK(e->encoding == QS_ENC_RAW || e->encoding == QS_ENC_ZSTD);
        FUZZ_CHECK(e->offset == next && e->stored > 0);
        next += e->stored;
    }
    FUZZ_CHECK(next == len);
}

/* Encodes recs again and checks the new file holds the same records. */
static void roundtrip(const qs_region_info *ri, const qs_chunk_rec *recs, uint8_t *out)
{
    uint8_t *f = NULL;
    size_t len = 0;
    qs_error err;
    FUZZ_CHECK(qs_region_encode(ri->rx, ri->rz, recs, ri->n, 1, &f, &len, &err) == QS_OK);
    qs_region_info again;
    FUZZ_CHECK(qs_region_parse(f, len, NAME, &again, &err) == QS_OK);
    check_layout(&again, len);
    FUZZ_CHECK(again.n == ri->n);
    for (uint32_t i = 0; i < again.n; i++) {
        size_t got = 0;
        FUZZ_CHECK(qs_region_record(&again, f, len, NAME, i, out, &got, &err) == QS_OK);
        FUZZ_CHECK(again.e[i].cx == recs[i].cx && again.e[i].cz == recs[i].cz);
        FUZZ_CHECK(got == recs[i].len && memcmp(out, recs[i].bytes, got) == 0);
        FUZZ_CHECK(again.e[i].encoding == (got < 16 ? QS_ENC_RAW : QS_ENC_ZSTD));
    }
    qs_region_info_free(&again);
    free(f);
}

/* Decodes every record; keeps copies for the round trip while they are
 * all good and not too big.  Returns true when the round trip can run. */
static bool decode_all(const qs_region_info *ri, const uint8_t *buf, size_t len, uint8_t *out,
                       qs_chunk_rec *recs)
{
    bool keep = true;
    size_t kept = 0;
    for (uint32_t i = 0; i < ri->n; i++) {
        const qs_region_entry *e = &ri->e[i];
        size_t got = 0;
        qs_error err;
        qs_status st = qs_region_record(ri, buf, len, NAME, i, out, &got, &err);
        if (st != QS_OK) {
            FUZZ_CHECK(st == QS_ERR_CORRUPT && got == 0);
            check_error(&err, st, len);
            FUZZ_CHECK(err.has_chunk && err.cx == e->cx && err.cz == e->cz);
            FUZZ_CHECK(err.has_region && err.rx == ri->rx && err.rz == ri->rz);
            keep = false;
            continue;
        }
        FUZZ_CHECK(got >= 1 && got <= QK_CHUNK_RECORD_MAX);
        if (e->encoding == QS_ENC_RAW)
            FUZZ_CHECK(got == e->stored && memcmp(out, buf + e->offset, got) == 0);
        kept += got;
        keep = keep && kept <= ROUNDTRIP_MAX;
        if (!keep)
            continue;
        uint8_t *copy = malloc(got);
        FUZZ_CHECK(copy != NULL);
        memcpy(copy, out, got);
        recs[i] = (qs_chunk_rec){e->cx, e->cz, copy, got};
    }
    return keep;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t len = size - 1;
    uint8_t *buf = malloc(len ? len : 1); /* exact size: ASan sees overreads */
    FUZZ_CHECK(buf != NULL);
    if (len)
        memcpy(buf, data + 1, len);
    if (data[0] & 1)
        fix_crcs(buf, len);

    qs_region_info ri;
    qs_error err;
    qs_status st = qs_region_parse(buf, len, NAME, &ri, &err);
    if (st != QS_OK) {
        FUZZ_CHECK(st == QS_ERR_CORRUPT || st == QS_ERR_VERSION);
        FUZZ_CHECK(ri.e == NULL && ri.n == 0);
        check_error(&err, st, len);
        free(buf);
        return 0;
    }
    check_layout(&ri, len);

    uint8_t *out = malloc(QK_CHUNK_RECORD_MAX); /* exactly the promised capacity */
    qs_chunk_rec *recs = calloc(ri.n, sizeof *recs);
    FUZZ_CHECK(out != NULL && recs != NULL);
    if (decode_all(&ri, buf, len, out, recs))
        roundtrip(&ri, recs, out);
    for (uint32_t i = 0; i < ri.n; i++)
        free((void *)recs[i].bytes);
    free(recs);
    free(out);
    qs_region_info_free(&ri);
    free(buf);
    return 0;
}
