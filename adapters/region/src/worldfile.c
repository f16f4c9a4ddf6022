/*
 * worldfile.c - world.qw, the file whose rename commits a save.
 *
 * Format 1 (all integers little-endian; L is the world record's length,
 * R the number of regions):
 *
 *   offset         size  field
 *   0              8     magic "QKSAVE\r\n"
 *   8              u32   format: 1 (QS_WORLD_FORMAT); 0 is corrupt, a
 *                        larger one is QS_ERR_VERSION
 *   12             u32   generation of this save, >= 1; every save writes
 *                        a larger one than any before it in the directory
 *   16             u32   L, >= 1
 *   20             L     the kernel's world record (qk_save_world)
 *   20 + L         u32   R: the region files of the save
 *   24 + L + 20i   20    region entry i (i < R), in key order (rx, then
 *                        rz), no two alike:
 *                          +0  i32  rx  both in [-2^26, 2^26 - 1]
 *                          +4  i32  rz
 *                          +8  u32  generation of the file, 1..this save's
 *                                   generation: its name is
 *                                   region/r.RX.RZ.G.qr
 *                          +12 u32  length of the file, >= 1
 *                          +16 u32  CRC32 (zlib's crc32) of the whole file
 *   24 + L + 20R   u32   CRC32 of bytes [0, 24 + L + 20R): everything before
 *   28 + L + 20R         end of file
 *
 * Why this shape: world.qw is small and written whole on every save, so it
 * can carry the length and CRC of every region file.  A reader then knows
 * before parsing a region whether its bytes are the ones committed, and a
 * torn or stale region file can never pass for part of the save.  The
 * format field comes right after the magic so that a future layout is
 * recognised (QS_ERR_VERSION) before anything else is read.
 *
 * The parser checks every length against the buffer before using it, and
 * names the byte offset of the first field it refuses.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qs_internal.h"
#include "worldfile.h"

#define MAGIC "QKSAVE\r\n"
#define MAGIC_LEN 8
#define OFF_FORMAT 8
#define OFF_GENERATION 12
#define OFF_RECORD_LEN 16
#define OFF_RECORD 20
/* Fixed bytes around the record and entries: header, R, trailing CRC. */
#define FIXED_LEN (OFF_RECORD + 4 + 4)
/* The regions whose 32x32 columns all have int32 coordinates. */
#define REGION_MIN (-(1l << 26))
#define REGION_MAX ((1l << 26) - 1)

static bool key_less(const qs_world_entry *a, const qs_world_entry *b)
{
    return a->rx < b->rx || (a->rx == b->rx && a->rz < b->rz);
}

qs_status qs_world_encode(uint32_t generation, const uint8_t *record, size_t record_len,
                          const qs_world_entry *e, uint32_t n, uint8_t **out, size_t *len,
                          qs_error *err)
{
    *out = NULL;
    *len = 0;
    if (!record || record_len == 0 || record_len > UINT32_MAX || generation == 0 ||
        (n && !e))
        return qs__error_set(err, QS_ERR_INVALID, QS_WORLD_NAME, "bad world.qw contents");
    for (uint32_t i = 0; i < n; i++)
        if ((i && !key_less(&e[i - 1], &e[i])) || e[i].generation == 0 ||
            e[i].generation > generation)
            return qs__error_set(err, QS_ERR_INVALID, QS_WORLD_NAME,
                                 "region entry %" PRIu32 " out of order or of a bad generation",
                                 i);
    uint64_t total = FIXED_LEN + (uint64_t)record_len + (uint64_t)QS_WORLD_ENTRY_SIZE * n;
    if (total > SIZE_MAX)
        return qs__error_set(err, QS_ERR_INVALID, QS_WORLD_NAME, "world.qw too large");
    uint8_t *b = malloc((size_t)total);
    if (!b)
        return qs__error_set(err, QS_ERR_NOMEM, QS_WORLD_NAME, "out of memory");
    memcpy(b, MAGIC, MAGIC_LEN);
    qs__put_u32(b + OFF_FORMAT, QS_WORLD_FORMAT);
    qs__put_u32(b + OFF_GENERATION, generation);
    qs__put_u32(b + OFF_RECORD_LEN, (uint32_t)record_len);
    memcpy(b + OFF_RECORD, record, record_len);
    uint8_t *p = b + OFF_RECORD + record_len;
    qs__put_u32(p, n);
    p += 4;
    for (uint32_t i = 0; i < n; i++, p += QS_WORLD_ENTRY_SIZE) {
        qs__put_i32(p, e[i].rx);
        qs__put_i32(p + 4, e[i].rz);
        qs__put_u32(p + 8, e[i].generation);
        qs__put_u32(p + 12, e[i].length);
        qs__put_u32(p + 16, e[i].crc);
    }
    qs__put_u32(p, qs__crc32(b, (size_t)(p - b)));
    *out = b;
    *len = (size_t)total;
    return QS_OK;
}

/* An error at byte `offset` of world.qw. */
static qs_status bad(qs_error *err, qs_status code, const char *name, uint64_t offset,
                     const char *what)
{
    qs__error_set(err, code, name, "%s", what);
    qs__error_offset(err, offset);
    return code;
}

/* The fixed header: magic, then format before anything else, so a
 * future layout says "version" rather than "corrupt". */
static qs_status parse_header(const uint8_t *buf, size_t len, const char *name, qs_error *err)
{
    if (len < MAGIC_LEN || memcmp(buf, MAGIC, MAGIC_LEN) != 0)
        return bad(err, QS_ERR_CORRUPT, name, 0, "not a quarry save (bad magic)");
    if (len < OFF_FORMAT + 4)
        return bad(err, QS_ERR_CORRUPT, name, len, "truncated in the header");
    uint32_t format = qs__get_u32(buf + OFF_FORMAT);
    if (format == 0)
        return bad(err, QS_ERR_CORRUPT, name, OFF_FORMAT, "format 0");
    if (format > QS_WORLD_FORMAT) {
        qs__error_set(err, QS_ERR_VERSION, name,
                      "format %" PRIu32 " is newer than this build reads (%u)", format,
                      QS_WORLD_FORMAT);
        qs__error_offset(err, OFF_FORMAT);
        return QS_ERR_VERSION;
    }
    if (len < FIXED_LEN)
        return bad(err, QS_ERR_CORRUPT, name, len, "truncated in the header");
    return QS_OK;
}

/* The lengths: L and R must place the CRC exactly at the end. */
static qs_status parse_layout(const uint8_t *buf, size_t len, const char *name,
                              qs_world_file *out, qs_error *err)
{
    uint64_t record_len = qs__get_u32(buf + OFF_RECORD_LEN);
    if (record_len == 0)
        return bad(err, QS_ERR_CORRUPT, name, OFF_RECORD_LEN, "empty world record");
    uint64_t at_n = OFF_RECORD + record_len;
    if (at_n + 4 + 4 > len) {
        qs__error_set(err, QS_ERR_CORRUPT, name,
                      "truncated: the world record of %" PRIu64 " bytes ends past the file",
                      record_len);
        qs__error_offset(err, OFF_RECORD_LEN);
        return QS_ERR_CORRUPT;
    }
    uint64_t n = qs__get_u32(buf + at_n);
    uint64_t total = at_n + 4 + QS_WORLD_ENTRY_SIZE * n + 4;
    if (total != len) {
        qs__error_set(err, QS_ERR_CORRUPT, name,
                      "%s: %" PRIu64 " region entries make %" PRIu64 " bytes, the file has %zu",
                      total > len ? "truncated" : "trailing bytes", n, total, len);
        qs__error_offset(err, total > len ? at_n : total);
        return QS_ERR_CORRUPT;
    }
    out->record = buf + OFF_RECORD;
    out->record_len = (uint32_t)record_len;
    out->record_offset = OFF_RECORD;
    out->n = (uint32_t)n;
    return QS_OK;
}

/* Entries: in range, in key order, of a generation the save could name. */
static qs_status parse_entries(const uint8_t *buf, const char *name, qs_world_file *out,
                               qs_error *err)
{
    size_t at = OFF_RECORD + out->record_len + 4;
    out->e = malloc((out->n ? out->n : 1) * sizeof *out->e);
    if (!out->e)
        return qs__error_set(err, QS_ERR_NOMEM, name, "out of memory");
    for (uint32_t i = 0; i < out->n; i++, at += QS_WORLD_ENTRY_SIZE) {
        qs_world_entry *e = &out->e[i];
        const uint8_t *p = buf + at;
        e->rx = qs__get_i32(p);
        e->rz = qs__get_i32(p + 4);
        e->generation = qs__get_u32(p + 8);
        e->length = qs__get_u32(p + 12);
        e->crc = qs__get_u32(p + 16);
        const char *why = NULL;
        size_t off = at;
        if (e->rx < REGION_MIN || e->rx > REGION_MAX || e->rz < REGION_MIN ||
            e->rz > REGION_MAX)
            why = "region out of range";
        else if (i && !key_less(&out->e[i - 1], e))
            why = "region entries out of key order or repeated";
        else if (e->generation == 0 || e->generation > out->generation)
            why = "region file of generation 0 or newer than the save", off = at + 8;
        else if (e->length == 0)
            why = "region file of length 0", off = at + 12;
        if (why) {
            bad(err, QS_ERR_CORRUPT, name, off, why);
            qs__error_region(err, e->rx, e->rz);
            return QS_ERR_CORRUPT;
        }
    }
    return QS_OK;
}

qs_status qs_world_parse(const uint8_t *buf, size_t len, const char *name, qs_world_file *out,
                         qs_error *err)
{
    memset(out, 0, sizeof *out);
    if (!buf && len)
        return qs__error_set(err, QS_ERR_INVALID, name, "no buffer");
    qs_status s = parse_header(buf, len, name, err);
    if (s == QS_OK)
        s = parse_layout(buf, len, name, out, err);
    if (s != QS_OK)
        return s;
    uint32_t stored = qs__get_u32(buf + len - 4), crc = qs__crc32(buf, len - 4);
    if (stored != crc) {
        qs__error_set(err, QS_ERR_CORRUPT, name,
                      "CRC mismatch: stored %08" PRIx32 ", computed %08" PRIx32, stored, crc);
        qs__error_offset(err, len - 4);
        return QS_ERR_CORRUPT;
    }
    out->format = qs__get_u32(buf + OFF_FORMAT);
    out->generation = qs__get_u32(buf + OFF_GENERATION);
    if (out->generation == 0)
        return bad(err, QS_ERR_CORRUPT, name, OFF_GENERATION, "generation 0");
    s = parse_entries(buf, name, out, err);
    if (s != QS_OK)
        qs_world_file_free(out);
    return s;
}

void qs_world_file_free(qs_world_file *wf)
{
    if (!wf)
        return;
    free(wf->e);
    memset(wf, 0, sizeof *wf);
}

/* Canonical decimal (no '+', no leading zeros, no "-0") of [lo, hi];
 * advances *s past it. */
static bool parse_dec(const char **s, int64_t lo, int64_t hi, int64_t *out)
{
    const char *p = *s;
    bool neg = *p == '-';
    if (neg)
        p++;
    if (*p < '0' || *p > '9' || (*p == '0' && (neg || (p[1] >= '0' && p[1] <= '9'))))
        return false;
    int64_t v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (INT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (*p - '0');
    }
    v = neg ? -v : v;
    if (v < lo || v > hi)
        return false;
    *out = v;
    *s = p;
    return true;
}

bool qs_region_name_parse(const char *name, int32_t *rx, int32_t *rz, uint32_t *generation)
{
    int64_t x, z, g;
    const char *p = name;
    if (strncmp(p, "r.", 2) != 0)
        return false;
    p += 2;
    if (!parse_dec(&p, INT32_MIN, INT32_MAX, &x) || *p++ != '.' ||
        !parse_dec(&p, INT32_MIN, INT32_MAX, &z) || *p++ != '.' ||
        !parse_dec(&p, 1, UINT32_MAX, &g) || strcmp(p, ".qr") != 0)
        return false;
    *rx = (int32_t)x;
    *rz = (int32_t)z;
    *generation = (uint32_t)g;
    return true;
}
