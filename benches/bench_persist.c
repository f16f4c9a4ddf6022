/*
 * bench_persist.c - persistence: bytes on disk per column, and the cost of
 * saving and loading one, beside the Anvil way (zlib level 6 in 4 KiB
 * sectors) for the same columns.
 *
 * The world is the 16x16-column terrain world.  One column in each 4x4
 * block (16 of them) gets EDITS random edits (blocks broken to air,
 * torches and cobblestone placed, between y 30 and 100), each a real edit
 * transaction committed with its light, as a step would.  Light spreads
 * over column borders, so some unedited columns are relit too: their
 * blocks are the generator's but their light revision moved, so they are
 * saved as relit records (revisions and history only).  The rest are
 * untouched: saved as generated (one byte).
 *
 * Figures:
 *  - bytes on disk per column for each class, in quarry's region format
 *    (record + its 16-byte index entry); and for the edited columns the
 *    same changes stored as a diff against the generator's column instead;
 *  - the whole save in an in-memory file system (qs_memfs): its bytes, and
 *    the time of qs_save and qs_load (world creation and relight included);
 *  - per stored column: save = encode (qk_save_chunk) + zstd + CRC32, load
 *    = CRC32 + zstd decompress + decode (qk_load_chunk), p50 and p99 over
 *    every stored column of every run.  Reads are from memory: on a real
 *    disk add the page cache's or the device's time;
 *  - the world-level work of a load: generating every column and relighting
 *    the world, per column;
 *  - Anvil baseline: every column's full block record (what a stored
 *    record holds, even for untouched columns: Anvil keeps them all),
 *    zlib-6 compressed with its 5-byte chunk header, rounded up to 4 KiB
 *    sectors, plus its 8 KiB region header shared by 1024 columns; and the
 *    same payload as zstd-3 records in quarry's container for comparison.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include <zstd.h>

#include "bench.h"
#include "quarry/qs.h"
#include "record.h"
#include "txn.h"
#include "worldgen.h"

#define NAME "persist"
#define EDITS 24
#define ENTRY 16u /* a region index entry */

enum { CLASS_EDITED, CLASS_RELIT, CLASS_UNTOUCHED, CLASS__N };
static const char *const class_name[CLASS__N] = {"edited", "relit", "untouched"};

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static bool edited(int32_t cx, int32_t cz)
{
    return (cx & 3) == 0 && (cz & 3) == 0;
}

/* EDITS random edits in one column of every 4x4, committed with their light. */
static qk_status edit_world(qk_world *w, const qr_pack *p)
{
    qk_block_id torch = 0, cobble = 0;
    qr_pack_lookup(p, "torch", &torch);
    qr_pack_lookup(p, "cobblestone", &cobble);
    uint64_t r = 0x1234;
    for (int32_t cx = QB_CHUNK_MIN; cx <= QB_CHUNK_MAX; cx++)
        for (int32_t cz = QB_CHUNK_MIN; cz <= QB_CHUNK_MAX; cz++) {
            if (!edited(cx, cz))
                continue;
            for (int e = 0; e < EDITS; e++) {
                uint64_t v = mix(r++);
                int32_t x = cx * 16 + (int32_t)(v & 15), z = cz * 16 + (int32_t)(v >> 4 & 15);
                int32_t y = 30 + (int32_t)(v >> 8 & 63);
                qk_block_id id = (v >> 20) % 3 == 0 ? torch : (v >> 20) % 3 == 1 ? cobble : 0;
                qk_block_id prev;
                qk_status st = qk__world_edit(w, x, y, z, id, &prev, 1,
                                              id ? QK_CAUSE_PLACE : QK_CAUSE_BREAK);
                if (st != QK_OK)
                    return st;
            }
            qk_status st = qk__txn_commit_all(w, NULL, qk_world_tick(w));
            if (st != QK_OK)
                return st;
        }
    return QK_OK;
}

typedef struct column {
    int32_t cx, cz;
    int cls;
    uint8_t *rec;      /* kernel record */
    size_t len;
    size_t disk;       /* bytes in a quarry region: entry + stored */
    size_t full;       /* full block record (revisions + sections) */
    size_t anvil;      /* zlib-6 in sectors */
    size_t full_zstd;  /* full record as zstd-3 + entry */
    size_t diff;       /* edited: the diff against the generator, zstd-3 + entry */
} column;

/* The full block record of any column (what a stored record holds). */
static uint8_t *full_record(qk_world *w, int32_t cx, int32_t cz, size_t *len)
{
    const qk__chunk *c = qk__world_chunk(w, cx, cz);
    qk__wbuf b = {NULL, 0, 0};
    qk__put8(&b, QK_CHUNK_STORED);
    qk__put_chunk_txns(&b, c);
    qk__put_sections(&b, c);
    uint8_t *p = malloc(b.len);
    if (!p)
        return NULL;
    qk__wbuf b2 = {p, b.len, 0};
    qk__put8(&b2, QK_CHUNK_STORED);
    qk__put_chunk_txns(&b2, c);
    qk__put_sections(&b2, c);
    *len = b.len;
    return p;
}

static size_t zstd_size(const uint8_t *p, size_t n, void *scratch, size_t cap)
{
    size_t z = ZSTD_compress(scratch, cap, p, n, 3);
    return ZSTD_isError(z) ? 0 : z;
}

/* The edited column as a diff against the generator's: the revisions and
 * history, then (u16 voxel index, u16 id) per changed voxel, zstd-3. */
static size_t diff_size(qk_world *w, const qk_block_id *gen, int32_t cx, int32_t cz,
                        void *scratch, size_t cap)
{
    const qk__chunk *c = qk__world_chunk(w, cx, cz);
    size_t max = 1 + 8 + 8 + 1 + QK_TXN_HISTORY * 41 + 4 + 4 * (size_t)QK_COL_VOXELS;
    uint8_t *p = malloc(max);
    if (!p)
        return 0;
    qk__wbuf b = {p, max, 0};
    qk__put8(&b, 2);
    qk__put_chunk_txns(&b, c);
    size_t count_at = b.len;
    qk__put32(&b, 0);
    uint32_t n = 0;
    for (uint32_t i = 0; i < QK_COL_VOXELS; i++) {
        qk_block_id id = qk__chunk_get(c, i & 15, i >> 8, (i >> 4) & 15);
        if (id != gen[i]) {
            qk__put16(&b, (uint16_t)i);
            qk__put16(&b, id);
            n++;
        }
    }
    for (int k = 0; k < 4; k++)
        p[count_at + (size_t)k] = (uint8_t)(n >> (8 * k));
    size_t z = zstd_size(p, b.len, scratch, cap);
    free(p);
    return z + ENTRY;
}

static size_t anvil_size(const uint8_t *p, size_t n, void *scratch, size_t cap)
{
    uLongf z = (uLongf)cap;
    if (compress2(scratch, &z, p, (uLong)n, 6) != Z_OK)
        return 0;
    size_t bytes = 5 + (size_t)z; /* u32 length, u8 compression type */
    return (bytes + 4095) / 4096 * 4096;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static json_t *pct(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    json_t *o = json_object();
    json_object_set_new(o, "p50", qb_real(qb_percentile(v, n, 50), 2));
    json_object_set_new(o, "p99", qb_real(qb_percentile(v, n, 99), 2));
    json_object_set_new(o, "max", qb_real(v[n - 1], 2));
    return o;
}

/* Per stored column save and load times, for every run, into save_us and
 * load_us ([runs * stored]); and the world-level load figures. */
static json_t *time_columns(qk_world *w, const qr_pack *pack, column *col, uint32_t n,
                            unsigned runs, double *save_us, double *load_us, double *part[4],
                            double *begin_ms, double *finish_ms, size_t *m)
{
    /* One context each, reused, as qs_region_encode does. */
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    size_t cap = ZSTD_compressBound(QK_CHUNK_RECORD_MAX);
    uint8_t *rec = malloc(QK_CHUNK_RECORD_MAX), *z = malloc(cap), *back = malloc(QK_CHUNK_RECORD_MAX);
    size_t wn = qk_save_world_size(w);
    uint8_t *wrec = malloc(wn);
    json_t *err = NULL;
    qk_diag d = {0};
    if (!rec || !z || !back || !wrec || !cctx || !dctx ||
        qk_save_world(w, wrec, wn, &wn) != QK_OK) {
        err = qb_error(NAME, "out of memory");
        goto done;
    }
    *m = 0;
    for (unsigned run = 0; run < runs && !err; run++) {
        size_t m0 = *m;
        uint64_t t0 = qb_now_ns();
        qk_world *l = NULL;
        qk_status ks = qk_load_begin(&l, wrec, wn, &pack->registry, &qb_allocator, &d);
        begin_ms[run] = (double)(qb_now_ns() - t0) / 1e6;
        if (ks != QK_OK) {
            err = qb_kernel_error(NAME, "qk_load_begin", ks, &d);
            break;
        }
        for (uint32_t i = 0; i < n && !err; i++) {
            column *c = &col[i];
            if (c->rec[0] != QK_CHUNK_STORED) {
                qk_load_chunk(l, c->cx, c->cz, c->rec, c->len, &d);
                continue;
            }
            uint64_t s0 = qb_now_ns();
            size_t len = 0;
            qk_save_chunk(w, c->cx, c->cz, rec, QK_CHUNK_RECORD_MAX, &len);
            uint64_t s1 = qb_now_ns();
            size_t zl = ZSTD_compressCCtx(cctx, z, cap, rec, len, 3);
            uLong crc = crc32(0, z, (uInt)zl);
            uint64_t s2 = qb_now_ns();
            uLong crc2 = crc32(0, z, (uInt)zl);
            size_t bl = ZSTD_decompressDCtx(dctx, back, QK_CHUNK_RECORD_MAX, z, zl);
            uint64_t s3 = qb_now_ns();
            ks = ZSTD_isError(bl) || crc2 != crc ? QK_ERR_CORRUPT
                                                 : qk_load_chunk(l, c->cx, c->cz, back, bl, &d);
            uint64_t s4 = qb_now_ns();
            if (ks != QK_OK)
                err = qb_kernel_error(NAME, "qk_load_chunk", ks, &d);
            save_us[*m] = (double)(s2 - s0) / 1e3;
            load_us[*m] = (double)(s4 - s2) / 1e3;
            part[0][*m] = (double)(s1 - s0) / 1e3; /* encode */
            part[1][*m] = (double)(s2 - s1) / 1e3; /* compress + CRC */
            part[2][*m] = (double)(s3 - s2) / 1e3; /* CRC + decompress */
            part[3][*m] = (double)(s4 - s3) / 1e3; /* decode */
            (*m)++;
        }
        t0 = qb_now_ns();
        ks = err ? QK_OK : qk_load_finish(l, &d);
        finish_ms[run] = (double)(qb_now_ns() - t0) / 1e6;
        if (ks != QK_OK)
            err = qb_kernel_error(NAME, "qk_load_finish", ks, &d);
        qk_world_destroy(l);
        qb_progress(NAME, "run %u/%u: %zu stored columns timed", run + 1, runs, *m - m0);
    }
done:
    ZSTD_freeCCtx(cctx);
    ZSTD_freeDCtx(dctx);
    free(rec);
    free(z);
    free(back);
    free(wrec);
    return err;
}

/* Mean of the size_t field at offset `off` over a class (-1: all). */
static double mean_of(const column *col, uint32_t n, int cls, size_t off)
{
    double sum = 0;
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (cls < 0 || col[i].cls == cls) {
            size_t v;
            memcpy(&v, (const char *)&col[i] + off, sizeof v);
            sum += (double)v;
            k++;
        }
    return k ? sum / k : 0;
}

json_t *qb_persist(const qb_opts *o)
{
    char why[1100];
    qk_world_config cfg;
    qr_pack *pack = qb_terrain_pack(o, &cfg, why, sizeof why);
    if (!pack)
        return qb_error(NAME, "%s", why);
    json_t *out = NULL;
    qk_world *w = NULL;
    qs_memfs *fs = NULL;
    column *col = NULL;
    qk_block_id *gen = malloc((size_t)QK_COL_VOXELS * sizeof *gen);
    size_t zcap = ZSTD_compressBound(QK_CHUNK_RECORD_MAX);
    uint8_t *z = malloc(zcap);
    double *save_us = NULL, *load_us = NULL, *part[4] = {NULL, NULL, NULL, NULL};
    double *begin_ms = calloc(o->runs, sizeof(double)), *finish_ms = calloc(o->runs, sizeof(double));
    double *qs_save_ms = calloc(o->runs, sizeof(double)), *qs_load_ms = calloc(o->runs, sizeof(double));
    qk_diag d = {0};
    qk_status ks = qk_world_create(&w, &cfg, &pack->registry, &qb_allocator, &d);
    if (ks != QK_OK || (ks = edit_world(w, pack)) != QK_OK) {
        out = qb_kernel_error(NAME, "qk_world_create/edit", ks, &d);
        goto done;
    }
    uint32_t n = qk_chunk_count(w);
    col = calloc(n, sizeof *col);
    if (!gen || !z || !col || !begin_ms || !finish_ms || !qs_save_ms || !qs_load_ms) {
        out = qb_error(NAME, "out of memory");
        goto done;
    }
    uint32_t stored = 0, count[CLASS__N] = {0};
    for (uint32_t i = 0; i < n; i++) {
        column *c = &col[i];
        c->cx = QB_CHUNK_MIN + (int32_t)(i / 16);
        c->cz = QB_CHUNK_MIN + (int32_t)(i % 16);
        c->rec = malloc(QK_CHUNK_RECORD_MAX);
        if (!c->rec || qk_save_chunk(w, c->cx, c->cz, c->rec, QK_CHUNK_RECORD_MAX, &c->len)) {
            out = qb_error(NAME, "qk_save_chunk failed");
            goto done;
        }
        c->cls = edited(c->cx, c->cz) ? CLASS_EDITED
                 : c->rec[0] == QK_CHUNK_GENERATED ? CLASS_UNTOUCHED : CLASS_RELIT;
        count[c->cls]++;
        stored += c->rec[0] == QK_CHUNK_STORED;
        c->disk = ENTRY + (c->len < 16 ? c->len : zstd_size(c->rec, c->len, z, zcap));
        size_t fl = 0;
        uint8_t *full = full_record(w, c->cx, c->cz, &fl);
        if (!full) {
            out = qb_error(NAME, "out of memory");
            goto done;
        }
        c->full = fl;
        c->full_zstd = ENTRY + zstd_size(full, fl, z, zcap);
        c->anvil = anvil_size(full, fl, z, zcap) + 8; /* + its share of 8 KiB per 1024 */
        free(full);
        if (c->cls == CLASS_EDITED) {
            qk__gen_column(&cfg, c->cx, c->cz, gen);
            c->diff = diff_size(w, gen, c->cx, c->cz, z, zcap);
        }
    }
    save_us = calloc((size_t)stored * o->runs, sizeof(double));
    load_us = calloc((size_t)stored * o->runs, sizeof(double));
    for (int k = 0; k < 4; k++)
        part[k] = calloc((size_t)stored * o->runs, sizeof(double));
    size_t m = 0;
    if (!save_us || !load_us || !part[0] || !part[1] || !part[2] || !part[3] ||
        (out = time_columns(w, pack, col, n, o->runs, save_us, load_us, part, begin_ms,
                            finish_ms, &m)))
        goto done;

    /* The whole save through the adapter, in memory. */
    qs_save_stats ss = {0};
    for (unsigned run = 0; run < o->runs; run++) {
        qs_memfs_free(fs);
        fs = qs_memfs_new();
        qs_io io = qs_memfs_io(fs);
        qs_error e;
        uint64_t t0 = qb_now_ns();
        qs_status st = qs_save(&io, "save", w, NULL, &ss, &e);
        uint64_t t1 = qb_now_ns();
        qk_world *l = NULL;
        if (st == QS_OK)
            st = qs_load(&io, "save", &pack->registry, &qb_allocator, false, &l, NULL, &e);
        uint64_t t2 = qb_now_ns();
        qk_world_destroy(l);
        if (st != QS_OK) {
            char msg[800];
            qs_error_format(&e, msg, sizeof msg);
            out = qb_error(NAME, "%s", msg);
            goto done;
        }
        qs_save_ms[run] = (double)(t1 - t0) / 1e6;
        qs_load_ms[run] = (double)(t2 - t1) / 1e6;
    }

    out = json_object();
    json_object_set_new(out, "world", json_string("terrain 16x16, 16 columns (one per 4x4) "
                                                  "with 24 edits each"));
    json_t *cls = json_object();
    for (int k = 0; k < CLASS__N; k++) {
        json_t *c = json_object();
        json_object_set_new(c, "columns", json_integer(count[k]));
        json_object_set_new(c, "bytes_on_disk_mean", qb_real(mean_of(col, n, k, offsetof(column, disk)), 1));
        json_object_set_new(cls, class_name[k], c);
    }
    json_object_set_new(cls, "edited_as_diff_mean",
                        qb_real(mean_of(col, n, CLASS_EDITED, offsetof(column, diff)), 1));
    json_object_set_new(out, "bytes_per_column", cls);
    json_object_set_new(out, "targets", json_string("edited <= 1200 B, untouched <= 32 B, "
                                                    "load p50 <= 20 us, p99 <= 50 us, "
                                                    "save <= 40 us"));
    json_object_set_new(out, "save_column_us", pct(save_us, m));
    json_object_set_new(out, "load_column_us", pct(load_us, m));
    static const char *const part_name[4] = {"save_encode_us", "save_zstd_crc_us",
                                             "load_crc_zstd_us", "load_decode_us"};
    for (int k = 0; k < 4; k++)
        json_object_set_new(out, part_name[k], pct(part[k], m));
    for (unsigned r = 0; r < o->runs; r++) {
        begin_ms[r] = begin_ms[r] * 1e3 / n;
        finish_ms[r] = finish_ms[r] * 1e3 / n;
    }
    json_object_set_new(out, "load_generate_us_per_column", qb_summary(begin_ms, o->runs, 1));
    json_object_set_new(out, "load_relight_us_per_column", qb_summary(finish_ms, o->runs, 1));
    json_t *whole = json_object();
    json_object_set_new(whole, "region_bytes", json_integer((json_int_t)ss.region_bytes));
    json_object_set_new(whole, "bytes_written", json_integer((json_int_t)ss.bytes_written));
    json_object_set_new(whole, "regions", json_integer(ss.regions));
    json_object_set_new(whole, "syncs", json_integer(ss.syncs));
    json_object_set_new(whole, "qs_save_ms", qb_summary(qs_save_ms, o->runs, 2));
    json_object_set_new(whole, "qs_load_ms", qb_summary(qs_load_ms, o->runs, 2));
    json_object_set_new(out, "whole_save_in_memory", whole);
    json_t *anvil = json_object();
    json_object_set_new(anvil, "anvil_zlib6_4k_sectors_mean",
                        qb_real(mean_of(col, n, -1, offsetof(column, anvil)), 1));
    json_object_set_new(anvil, "full_records_zstd3_mean",
                        qb_real(mean_of(col, n, -1, offsetof(column, full_zstd)), 1));
    json_object_set_new(anvil, "quarry_mean", qb_real(mean_of(col, n, -1, offsetof(column, disk)), 1));
    json_object_set_new(anvil, "full_record_raw_mean",
                        qb_real(mean_of(col, n, -1, offsetof(column, full)), 1));
    json_object_set_new(out, "baseline_bytes_per_column", anvil);
done:
    for (uint32_t i = 0; col && i < n; i++)
        free(col[i].rec);
    free(col);
    free(gen);
    free(z);
    free(save_us);
    free(load_us);
    for (int k = 0; k < 4; k++)
        free(part[k]);
    free(begin_ms);
    free(finish_ms);
    free(qs_save_ms);
    free(qs_load_ms);
    qs_memfs_free(fs);
    qk_world_destroy(w);
    qr_pack_free(pack);
    return out;
}
