/*
 * region.c - region files: the records of up to 32x32 chunk columns in one
 * file, each checked by its own CRC, most of them zstd-compressed.
 *
 * Format 1 (all integers little-endian; n is the number of entries):
 *
 *   offset     size  field
 *   0          8     magic "QKREGN\r\n"
 *   8          u32   format: 1 (QS_REGION_FORMAT); 0 is corrupt, a larger
 *                    one is QS_ERR_VERSION
 *   12         i32   rx: the region; it holds columns cx in [32 rx, 32 rx + 31]
 *   16         i32   rz   and cz in [32 rz, 32 rz + 31]; both in
 *                         [-2^26, 2^26 - 1], the regions of int32 columns
 *   20         u32   n: entries, 1..1024
 *   24 + 16i   16    entry i (i < n):
 *                      +0  u16  local index (cx - 32 rx) * 32 + (cz - 32 rz),
 *                               0..1023, strictly ascending from entry to
 *                               entry (that is key order: cx, then cz)
 *                      +2  u8   encoding: 0 raw (QS_ENC_RAW), 1 zstd (QS_ENC_ZSTD)
 *                      +3  u8   reserved, 0
 *                      +4  u32  offset of the stored bytes from the file start
 *                      +8  u32  stored length: raw 1..QK_CHUNK_RECORD_MAX,
 *                               zstd 1..ZSTD_COMPRESSBOUND(QK_CHUNK_RECORD_MAX)
 *                      +12 u32  CRC32 (zlib's crc32) of the stored bytes
 *   24 + 16n   u32   CRC32 of bytes [0, 24 + 16n): header and index
 *   28 + 16n         the stored records, back to back in entry order: entry
 *                    0's at 28 + 16n, each next one where the previous ends,
 *                    the last ending exactly at the end of the file
 *
 * A raw record is the kernel's chunk record as is.  A zstd record is one
 * zstd frame that carries its content size (1..QK_CHUNK_RECORD_MAX bytes)
 * and nothing after it.  The writer stores records shorter than 16 bytes
 * raw (a generated column is 1 byte, which zstd would grow to 10) and
 * compresses the rest with ZSTD_compress at the save's level (0: 3); a
 * reader accepts either encoding at any length.  The largest file,
 * 1024 incompressible records, is about 135 MB, so offsets fit a u32.
 *
 * Why this shape: the index is small and read first, so a loader learns
 * where every record is from one CRC-checked block; a record's own CRC
 * covers its stored bytes, so a torn or rotten record names its column and
 * the others still load (salvage).  Being back to back with no slack, a
 * region's bytes are a pure function of its records and the zstd level
 * (with one libzstd version), so an unchanged region writes the same bytes
 * and a save can keep the old file.  Regions are rewritten whole; there is
 * no free-space map to get wrong.
 *
 * The parser trusts nothing: it checks every field against the buffer's
 * length before using it, and it is a fuzz target (tests/fuzz/fuzz_region.c).
 * It checks in file order and stops at the first problem: magic, format,
 * region, n, the index's length, the header CRC, then entry by entry (local
 * index, order, encoding, reserved byte, offset, length, inside the file),
 * then that nothing follows the last record.  So a damaged header or index
 * reports the header CRC; the field errors are for files written wrong.
 * Records are checked one at a time by qs_region_record (CRC, then frame),
 * so a bad record never hides the others.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "qs_internal.h"

#define MAGIC "QKREGN\r\n"
#define MAGIC_LEN 8
#define OFF_FORMAT 8
#define OFF_RX 12
#define OFF_RZ 16
#define OFF_N 20
#define HEADER_LEN 24
#define ENTRY_LEN 16
#define SIDE 32 /* columns along a region's edge */
#define MAX_ENTRIES (SIDE * SIDE)
#define RAW_BELOW QS_RAW_BELOW
#define DEFAULT_LEVEL 3
/* The regions whose 32x32 columns all have int32 coordinates. */
#define REGION_MIN (INT32_MIN / SIDE)
#define REGION_MAX (INT32_MAX / SIDE)
#define ZSTD_STORED_MAX ZSTD_COMPRESSBOUND(QK_CHUNK_RECORD_MAX)

_Static_assert((uint64_t)HEADER_LEN + (uint64_t)ENTRY_LEN * MAX_ENTRIES + 4 +
                       (uint64_t)MAX_ENTRIES * ZSTD_STORED_MAX <= UINT32_MAX,
               "every offset in a region file fits its u32");

/* Where the index ends: the header CRC is there, the records 4 bytes on. */
static size_t index_end(uint32_t n)
{
    return HEADER_LEN + (size_t)ENTRY_LEN * n;
}

static bool region_in_range(int32_t r)
{
    return r >= REGION_MIN && r <= REGION_MAX;
}

/* Local index of column (cx, cz) in region (rx, rz), or -1 outside it. */
static int32_t local_index(int32_t rx, int32_t rz, int32_t cx, int32_t cz)
{
    int64_t dx = (int64_t)cx - (int64_t)rx * SIDE;
    int64_t dz = (int64_t)cz - (int64_t)rz * SIDE;
    if (dx < 0 || dx >= SIDE || dz < 0 || dz >= SIDE)
        return -1;
    return (int32_t)(dx * SIDE + dz);
}

/* The column of a local index (the region is in range, so it fits). */
static void column_of(int32_t rx, int32_t rz, uint32_t local, int32_t *cx, int32_t *cz)
{
    *cx = (int32_t)((int64_t)rx * SIDE + local / SIDE);
    *cz = (int32_t)((int64_t)rz * SIDE + local % SIDE);
}

uint32_t qs__crc32(const void *p, size_t len)
{
    const Bytef *b = p;
    uLong crc = crc32(0L, Z_NULL, 0);
    while (len > 0) { /* crc32 takes a uInt length: feed it in pieces */
        uInt step = len < (1u << 30) ? (uInt)len : (1u << 30);
        crc = crc32(crc, b, step);
        b += step;
        len -= step;
    }
    return (uint32_t)crc;
}

void qs_region_name(int32_t rx, int32_t rz, uint32_t generation, char *buf, size_t cap)
{
    if (buf && cap)
        snprintf(buf, cap, "r.%" PRId32 ".%" PRId32 ".%" PRIu32 ".qr", rx, rz, generation);
}

/* ===================================================================== */
/* Errors with a location                                                */
/* ===================================================================== */

/* What an error can say about where it is: the file, and the region and
 * chunk once they are known. */
typedef struct where {
    const char *name;
    qs_error *err;
    bool region, chunk;
    int32_t rx, rz, cx, cz;
} where;

static qs_status fail_at(const where *w, qs_status code, bool has_offset, uint64_t offset,
                         const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static qs_status fail_at(const where *w, qs_status code, bool has_offset, uint64_t offset,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qs__error_vset(w->err, code, w->name, fmt, ap);
    va_end(ap);
    if (w->region)
        qs__error_region(w->err, w->rx, w->rz);
    if (w->chunk)
        qs__error_chunk(w->err, w->cx, w->cz);
    if (has_offset)
        qs__error_offset(w->err, offset);
    return code;
}

#define CORRUPT(w, offset, ...) fail_at((w), QS_ERR_CORRUPT, true, (offset), __VA_ARGS__)
#define INVALID(w, ...) fail_at((w), QS_ERR_INVALID, false, 0, __VA_ARGS__)

/* ===================================================================== */
/* Encoding                                                              */
/* ===================================================================== */

/* A record and its place in the file. */
typedef struct slot {
    uint32_t local; /* its local index: the sort key */
    uint32_t i;     /* in the caller's array */
} slot;

static int by_local(const void *a, const void *b)
{
    const slot *x = a, *y = b;
    if (x->local != y->local)
        return x->local > y->local ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i); /* a total order: repeats report alike everywhere */
}

static qs_status check_record(where *w, const qs_chunk_rec *r, uint32_t i, slot *s)
{
    w->chunk = true;
    w->cx = r->cx;
    w->cz = r->cz;
    int32_t local = local_index(w->rx, w->rz, r->cx, r->cz);
    if (local < 0)
        return INVALID(w, "record %" PRIu32 ": column outside the region", i);
    if (!r->bytes || r->len == 0 || r->len > QK_CHUNK_RECORD_MAX)
        return INVALID(w, "record %" PRIu32 ": %zu bytes (a chunk record has 1 to %d)", i,
                       r->bytes ? r->len : 0, (int)QK_CHUNK_RECORD_MAX);
    s->local = (uint32_t)local;
    s->i = i;
    return QS_OK;
}

static qs_status check_inputs(where *w, const qs_chunk_rec *recs, uint32_t n, int level)
{
    if (!region_in_range(w->rx) || !region_in_range(w->rz))
        return INVALID(w, "region coordinates out of range (%d to %d)", (int)REGION_MIN,
                       (int)REGION_MAX);
    if (n < 1 || n > MAX_ENTRIES)
        return INVALID(w, "%" PRIu32 " records: a region holds 1 to %d", n, MAX_ENTRIES);
    if (!recs)
        return INVALID(w, "no records");
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel())
        return INVALID(w, "zstd level %d out of range (%d to %d)", level, ZSTD_minCLevel(),
                       ZSTD_maxCLevel());
    return QS_OK;
}

/* Checks every record and sorts them into order[] by key; repeats are an
 * error naming the column.  O(n log n). */
static qs_status sort_records(where *w, const qs_chunk_rec *recs, uint32_t n, slot *order)
{
    for (uint32_t i = 0; i < n; i++) {
        qs_status st = check_record(w, &recs[i], i, &order[i]);
        if (st)
            return st;
    }
    qsort(order, n, sizeof *order, by_local);
    for (uint32_t k = 1; k < n; k++)
        if (order[k].local == order[k - 1].local) {
            const qs_chunk_rec *r = &recs[order[k].i];
            w->cx = r->cx;
            w->cz = r->cz;
            return INVALID(w, "column given twice (records %" PRIu32 " and %" PRIu32 ")",
                           order[k - 1].i, order[k].i);
        }
    w->chunk = false;
    return QS_OK;
}

/* The file being built, grown geometrically. */
typedef struct outbuf {
    uint8_t *p;
    size_t len, cap;
} outbuf;

static bool reserve(outbuf *b, size_t more)
{
    if (b->cap - b->len >= more)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < more)
        cap *= 2; /* files stay under 2^28 bytes: no overflow */
    uint8_t *p = realloc(b->p, cap);
    if (!p)
        return false;
    b->p = p;
    b->cap = cap;
    return true;
}

static qs_status zstd_failed(where *w, size_t code)
{
    if (ZSTD_getErrorCode(code) == ZSTD_error_memory_allocation)
        return fail_at(w, QS_ERR_NOMEM, false, 0, "zstd: out of memory");
    return INVALID(w, "zstd: %s", ZSTD_getErrorName(code));
}

/* Appends record r (local index `local`) and writes its index entry k. */
static qs_status store_record(where *w, ZSTD_CCtx *cctx, int level, const qs_chunk_rec *r,
                              uint32_t local, uint32_t k, outbuf *b)
{
    size_t at = b->len, stored;
    uint8_t enc;
    if (r->len < RAW_BELOW) {
        if (!reserve(b, r->len))
            return fail_at(w, QS_ERR_NOMEM, false, 0, "out of memory");
        memcpy(b->p + at, r->bytes, r->len);
        stored = r->len;
        enc = QS_ENC_RAW;
    } else {
        size_t bound = ZSTD_compressBound(r->len);
        if (!reserve(b, bound))
            return fail_at(w, QS_ERR_NOMEM, false, 0, "out of memory");
        stored = ZSTD_compressCCtx(cctx, b->p + at, bound, r->bytes, r->len, level);
        w->chunk = true;
        w->cx = r->cx;
        w->cz = r->cz;
        if (ZSTD_isError(stored))
            return zstd_failed(w, stored);
        w->chunk = false;
        enc = QS_ENC_ZSTD;
    }
    b->len += stored;
    uint8_t *e = b->p + HEADER_LEN + (size_t)ENTRY_LEN * k;
    qs__put_u16(e, (uint16_t)local);
    e[2] = enc;
    e[3] = 0;
    qs__put_u32(e + 4, (uint32_t)at);
    qs__put_u32(e + 8, (uint32_t)stored);
    qs__put_u32(e + 12, qs__crc32(b->p + at, stored));
    return QS_OK;
}

static void write_header(uint8_t *p, int32_t rx, int32_t rz, uint32_t n)
{
    memcpy(p, MAGIC, MAGIC_LEN);
    qs__put_u32(p + OFF_FORMAT, QS_REGION_FORMAT);
    qs__put_i32(p + OFF_RX, rx);
    qs__put_i32(p + OFF_RZ, rz);
    qs__put_u32(p + OFF_N, n);
    qs__put_u32(p + index_end(n), qs__crc32(p, index_end(n)));
}

/* Lays out the header, then the records in key order, then fills in the
 * header's CRC over the finished index. */
static qs_status build(where *w, const qs_chunk_rec *recs, const slot *order, uint32_t n,
                       int level, outbuf *b)
{
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    if (!cctx || !reserve(b, index_end(n) + 4)) {
        ZSTD_freeCCtx(cctx);
        return fail_at(w, QS_ERR_NOMEM, false, 0, "out of memory");
    }
    b->len = index_end(n) + 4;
    memset(b->p, 0, b->len);
    qs_status st = QS_OK;
    for (uint32_t k = 0; k < n && !st; k++)
        st = store_record(w, cctx, level, &recs[order[k].i], order[k].local, k, b);
    ZSTD_freeCCtx(cctx);
    if (!st)
        write_header(b->p, w->rx, w->rz, n);
    return st;
}

qs_status qs_region_encode(int32_t rx, int32_t rz, const qs_chunk_rec *recs, uint32_t n,
                           int level, uint8_t **out, size_t *len, qs_error *err)
{
    where w = {"", err, true, false, rx, rz, 0, 0};
    if (!out || !len)
        return INVALID(&w, "no place for the output");
    *out = NULL;
    *len = 0;
    if (level == 0)
        level = DEFAULT_LEVEL;
    qs_status st = check_inputs(&w, recs, n, level);
    if (st)
        return st;
    slot *order = malloc((size_t)n * sizeof *order);
    if (!order)
        return fail_at(&w, QS_ERR_NOMEM, false, 0, "out of memory");
    outbuf b = {NULL, 0, 0};
    st = sort_records(&w, recs, n, order);
    if (!st)
        st = build(&w, recs, order, n, level, &b);
    free(order);
    if (st) {
        free(b.p);
        return st;
    }
    uint8_t *fit = realloc(b.p, b.len); /* give back the slack; keep it if that fails */
    *out = fit ? fit : b.p;
    *len = b.len;
    return QS_OK;
}

/* ===================================================================== */
/* Parsing                                                               */
/* ===================================================================== */

/* Magic, format, region, entry count, header CRC.  Sets *n. */
static qs_status parse_header(where *w, const uint8_t *buf, size_t len, uint32_t *n)
{
    size_t m = len < MAGIC_LEN ? len : MAGIC_LEN;
    if (m && memcmp(buf, MAGIC, m) != 0)
        return CORRUPT(w, 0, "not a quarry region file (bad magic)");
    if (len < HEADER_LEN)
        return CORRUPT(w, len, "truncated: %zu bytes, the header needs %d", len, HEADER_LEN);
    uint32_t format = qs__get_u32(buf + OFF_FORMAT);
    if (format == 0)
        return CORRUPT(w, OFF_FORMAT, "format 0 is not a region format");
    if (format > QS_REGION_FORMAT)
        return fail_at(w, QS_ERR_VERSION, true, OFF_FORMAT,
                       "region format %" PRIu32 " is newer than this build reads (%u)", format,
                       QS_REGION_FORMAT);
    int32_t rx = qs__get_i32(buf + OFF_RX), rz = qs__get_i32(buf + OFF_RZ);
    if (!region_in_range(rx) || !region_in_range(rz))
        return CORRUPT(w, region_in_range(rx) ? OFF_RZ : OFF_RX,
                       "region coordinate out of range: (%" PRId32 ",%" PRId32
                       ") is not in %d to %d", rx, rz, (int)REGION_MIN, (int)REGION_MAX);
    w->region = true; /* from here on, errors name the region */
    w->rx = rx;
    w->rz = rz;
    *n = qs__get_u32(buf + OFF_N);
    if (*n < 1 || *n > MAX_ENTRIES)
        return CORRUPT(w, OFF_N, "%" PRIu32 " entries: a region holds 1 to %d", *n, MAX_ENTRIES);
    size_t end = index_end(*n);
    if (len < end + 4)
        return CORRUPT(w, len, "truncated: %zu bytes, the index of %" PRIu32 " entries needs %zu",
                       len, *n, end + 4);
    uint32_t stored = qs__get_u32(buf + end), computed = qs__crc32(buf, end);
    if (stored != computed)
        return CORRUPT(w, end, "header CRC mismatch: stored %08" PRIx32 ", computed %08" PRIx32,
                       stored, computed);
    return QS_OK;
}

/* Checks index entry i against the previous one and the file.  *prev is
 * the previous entry's local index (-1 before the first); *next is where
 * this entry's record must start.  Both move on to this entry. */
static qs_status parse_entry(where *w, const uint8_t *buf, size_t len, uint32_t i,
                             int32_t *prev, uint64_t *next, qs_region_entry *out)
{
    size_t at = HEADER_LEN + (size_t)ENTRY_LEN * i;
    const uint8_t *p = buf + at;
    uint32_t local = qs__get_u16(p);
    w->chunk = false;
    if (local >= MAX_ENTRIES)
        return CORRUPT(w, at, "entry %" PRIu32 ": local index %" PRIu32 " out of range (0 to %d)",
                       i, local, MAX_ENTRIES - 1);
    column_of(w->rx, w->rz, local, &w->cx, &w->cz);
    w->chunk = true;
    if ((int32_t)local <= *prev)
        return CORRUPT(w, at, "entry %" PRIu32 " out of key order (local index %" PRIu32
                       " after %" PRId32 ")", i, local, *prev);
    if (p[2] > QS_ENC_ZSTD)
        return CORRUPT(w, at + 2, "unknown encoding %u", p[2]);
    if (p[3] != 0)
        return CORRUPT(w, at + 3, "reserved byte is %u, must be 0", p[3]);
    uint32_t offset = qs__get_u32(p + 4), stored = qs__get_u32(p + 8);
    if (offset != *next)
        return CORRUPT(w, at + 4, "record at byte %" PRIu32 ", expected %" PRIu64
                       " (records lie back to back)", offset, *next);
    size_t max = p[2] == QS_ENC_RAW ? (size_t)QK_CHUNK_RECORD_MAX : (size_t)ZSTD_STORED_MAX;
    if (stored == 0 || stored > max)
        return CORRUPT(w, at + 8, "stored length %" PRIu32 " out of range (1 to %zu for %s)",
                       stored, max, p[2] == QS_ENC_RAW ? "raw" : "zstd");
    if ((uint64_t)offset + stored > len)
        return CORRUPT(w, at + 8, "record of %" PRIu32 " bytes at byte %" PRIu32
                       " runs past the end of the file (%zu bytes)", stored, offset, len);
    *out = (qs_region_entry){w->cx, w->cz, p[2], offset, stored, qs__get_u32(p + 12)};
    *prev = (int32_t)local;
    *next += stored;
    return QS_OK;
}

static qs_status parse_entries(where *w, const uint8_t *buf, size_t len, qs_region_entry *e,
                               uint32_t n)
{
    uint64_t next = index_end(n) + 4;
    int32_t prev = -1;
    for (uint32_t i = 0; i < n; i++) {
        qs_status st = parse_entry(w, buf, len, i, &prev, &next, &e[i]);
        if (st)
            return st;
    }
    w->chunk = false;
    if (next != len)
        return CORRUPT(w, next, "%" PRIu64 " bytes after the last record", (uint64_t)len - next);
    return QS_OK;
}

qs_status qs_region_parse(const uint8_t *buf, size_t len, const char *name,
                          qs_region_info *out, qs_error *err)
{
    where w = {name, err, false, false, 0, 0, 0, 0};
    if (!out)
        return INVALID(&w, "no place for the result");
    memset(out, 0, sizeof *out);
    if (!buf && len)
        return INVALID(&w, "no buffer");
    uint32_t n = 0;
    qs_status st = parse_header(&w, buf, len, &n);
    if (st)
        return st;
    qs_region_entry *e = malloc((size_t)n * sizeof *e);
    if (!e)
        return fail_at(&w, QS_ERR_NOMEM, false, 0, "out of memory");
    st = parse_entries(&w, buf, len, e, n);
    if (st) {
        free(e);
        return st;
    }
    /* One decompression context for all its records: ZSTD_decompress
     * would allocate and initialise one per record. */
    *out = (qs_region_info){w.rx, w.rz, QS_REGION_FORMAT, n, e, ZSTD_createDCtx()};
    if (!out->zstd) {
        free(e);
        memset(out, 0, sizeof *out);
        return fail_at(&w, QS_ERR_NOMEM, false, 0, "out of memory");
    }
    return QS_OK;
}

void qs_region_info_free(qs_region_info *ri)
{
    if (!ri)
        return;
    free(ri->e);
    ZSTD_freeDCtx(ri->zstd);
    memset(ri, 0, sizeof *ri);
}

/* ===================================================================== */
/* Records                                                               */
/* ===================================================================== */

/* One zstd frame with its content size, exactly `stored` bytes long. */
static qs_status decode_zstd(where *w, ZSTD_DCtx *dctx, const qs_region_entry *e,
                             const uint8_t *src, uint8_t *out, size_t *out_len)
{
    unsigned long long size = ZSTD_getFrameContentSize(src, e->stored);
    if (size == ZSTD_CONTENTSIZE_ERROR)
        return CORRUPT(w, e->offset, "not a zstd frame");
    if (size == ZSTD_CONTENTSIZE_UNKNOWN)
        return CORRUPT(w, e->offset, "zstd frame without its content size");
    if (size == 0 || size > QK_CHUNK_RECORD_MAX)
        return CORRUPT(w, e->offset, "zstd frame of %llu bytes (a chunk record has 1 to %d)",
                       size, (int)QK_CHUNK_RECORD_MAX);
    size_t frame = ZSTD_findFrameCompressedSize(src, e->stored);
    if (ZSTD_isError(frame))
        return CORRUPT(w, e->offset, "malformed zstd frame: %s", ZSTD_getErrorName(frame));
    if (frame != e->stored)
        return CORRUPT(w, (uint64_t)e->offset + frame,
                       "zstd frame of %zu bytes, %" PRIu32 " are stored", frame, e->stored);
    size_t got = dctx ? ZSTD_decompressDCtx(dctx, out, (size_t)size, src, e->stored)
                      : ZSTD_decompress(out, (size_t)size, src, e->stored);
    if (ZSTD_isError(got) && ZSTD_getErrorCode(got) == ZSTD_error_memory_allocation)
        return fail_at(w, QS_ERR_NOMEM, false, 0, "zstd: out of memory");
    if (ZSTD_isError(got))
        return CORRUPT(w, e->offset, "zstd: %s", ZSTD_getErrorName(got));
    if (got != size)
        return CORRUPT(w, e->offset, "zstd frame decompressed to %zu bytes, its header says %llu",
                       got, size);
    *out_len = got;
    return QS_OK;
}

qs_status qs_region_record(const qs_region_info *ri, const uint8_t *buf, size_t len,
                           const char *name, uint32_t i, uint8_t *out, size_t *out_len,
                           qs_error *err)
{
    where w = {name, err, false, false, 0, 0, 0, 0};
    if (out_len)
        *out_len = 0;
    if (!ri || !out || !out_len || (!buf && len))
        return INVALID(&w, "missing argument");
    w.region = true;
    w.rx = ri->rx;
    w.rz = ri->rz;
    if (i >= ri->n || !ri->e)
        return INVALID(&w, "no entry %" PRIu32 " (the region has %" PRIu32 ")", i, ri->n);
    const qs_region_entry *e = &ri->e[i];
    w.chunk = true;
    w.cx = e->cx;
    w.cz = e->cz;
    if (e->stored == 0)
        return CORRUPT(&w, e->offset, "empty record");
    if ((uint64_t)e->offset + e->stored > len)
        return CORRUPT(&w, e->offset, "record runs past the end of the file (%zu bytes)", len);
    const uint8_t *src = buf + e->offset;
    uint32_t crc = qs__crc32(src, e->stored);
    if (crc != e->crc)
        return CORRUPT(&w, e->offset,
                       "record CRC mismatch: stored %08" PRIx32 ", computed %08" PRIx32, e->crc,
                       crc);
    if (e->encoding == QS_ENC_ZSTD)
        return decode_zstd(&w, ri->zstd, e, src, out, out_len);
    if (e->encoding != QS_ENC_RAW)
        return CORRUPT(&w, e->offset, "unknown encoding %u", e->encoding);
    if (e->stored > QK_CHUNK_RECORD_MAX)
        return CORRUPT(&w, e->offset, "raw record of %" PRIu32 " bytes (at most %d)", e->stored,
                       (int)QK_CHUNK_RECORD_MAX);
    memcpy(out, src, e->stored);
    *out_len = e->stored;
    return QS_OK;
}
