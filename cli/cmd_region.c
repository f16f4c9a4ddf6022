/*
 * cmd_region.c - `quarry region`: look inside saves (adapters/region).
 *
 *   quarry region inspect FILE [--json]     one region file, chunk by chunk
 *   quarry region verify DIR [--pack FILE]  a whole save, through qs_verify
 *
 * inspect goes on past a bad record so one run lists every column of a
 * damaged file; only a file it cannot read or whose header and index do
 * not parse stops it (exit 2).  It also compares the region in the header
 * with the one in the file name, when the name is r.RX.RZ.G.qr, because a
 * save's table names regions by file name.  Everything is read through the
 * adapter's public API and its I/O layer (qs_io_posix); the ratio is
 * computed in integers, so the output is the same on every machine.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "qc.h"

const char qc_help_region[] =
    "usage: quarry region inspect FILE [--json]\n"
    "       quarry region verify DIR [--pack FILE]\n"
    "\n"
    "inspect reads one region file (DIR/region/r.RX.RZ.G.qr of a save) and lists\n"
    "its chunk columns, one line each: cx, cz, encoding (raw or zstd), kind (the\n"
    "record's first byte: generated, relit, stored, or ? when unknown or\n"
    "unreadable),\n"
    "stored bytes, raw bytes, ratio (raw / stored) and the record's CRC (ok or\n"
    "BAD); then a summary: chunks, generated, relit and stored ones, file size,\n"
    "total\n"
    "raw bytes and ratio (raw / file size).  Each bad record is also described\n"
    "on stderr.\n"
    "\n"
    "verify checks every byte of the save in DIR: world.qw, each region file it\n"
    "names (present, length and CRC as committed, header, index), every record's\n"
    "CRC and decompression, and with --pack that the kernel accepts the world\n"
    "record and every chunk record.  It lists every problem, then a summary.\n"
    "\n"
    "  --json        (inspect) print one JSON object instead of text\n"
    "  --pack FILE   (verify) the pack the save was made with, e.g.\n"
    "                packs/default.json; without it the records are not given to\n"
    "                the kernel\n"
    "\n"
    "Exit codes: 0 ok; 1 a bad record (inspect) or problems in the save (verify);\n"
    "2 bad usage, a file that cannot be read, a region header or index that does\n"
    "not parse, or no save in DIR.\n";

/* ===================================================================== */
/* inspect                                                               */
/* ===================================================================== */

/* One column as inspect reports it. */
typedef struct row {
    const qs_region_entry *e;
    bool crc_ok, decoded;
    size_t raw;   /* decoded length, when decoded */
    uint8_t kind; /* the record's first byte, when decoded */
    char why[768];
} row;

typedef struct totals {
    uint32_t chunks, generated, relit, stored, bad;
    uint64_t raw;
} totals;

static const char *kind_name(const row *r)
{
    if (!r->decoded)
        return "?";
    return r->kind == QK_CHUNK_GENERATED ? "generated"
           : r->kind == QK_CHUNK_RELIT   ? "relit"
           : r->kind == QK_CHUNK_STORED  ? "stored"
                                         : "?";
}

/* raw / den with two decimals, rounded, from integers: "12.34". */
static void ratio_text(uint64_t raw, uint64_t den, char *buf, size_t cap)
{
    if (den == 0) {
        snprintf(buf, cap, "0.00");
        return;
    }
    uint64_t r = (raw * 100 + den / 2) / den;
    snprintf(buf, cap, "%" PRIu64 ".%02" PRIu64, r / 100, r % 100);
}

/* Checks and decodes entry i; out holds QK_CHUNK_RECORD_MAX bytes. */
static void examine(const qs_region_info *ri, const uint8_t *buf, size_t len, const char *path,
                    uint32_t i, uint8_t *out, row *r)
{
    const qs_region_entry *e = &ri->e[i];
    memset(r, 0, sizeof *r);
    r->e = e;
    /* parse checked that the record lies inside the file */
    r->crc_ok = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf + e->offset, e->stored) == e->crc;
    qs_error err;
    if (qs_region_record(ri, buf, len, path, i, out, &r->raw, &err) == QS_OK) {
        r->decoded = true;
        r->kind = out[0];
    } else {
        qs_error_format(&err, r->why, sizeof r->why);
    }
}

static void tally(totals *t, const row *r)
{
    t->chunks++;
    if (!r->decoded) {
        t->bad++;
        return;
    }
    t->raw += r->raw;
    t->generated += r->kind == QK_CHUNK_GENERATED;
    t->relit += r->kind == QK_CHUNK_RELIT;
    t->stored += r->kind == QK_CHUNK_STORED;
}

static void print_row_text(const row *r)
{
    char ratio[32] = "-", raw[24] = "-";
    if (r->decoded) {
        ratio_text(r->raw, r->e->stored, ratio, sizeof ratio);
        snprintf(raw, sizeof raw, "%zu", r->raw);
    }
    printf("%11" PRId32 " %11" PRId32 "  %-4s  %-9s  %8" PRIu32 "  %8s  %7s  %s\n", r->e->cx,
           r->e->cz, r->e->encoding == QS_ENC_ZSTD ? "zstd" : "raw", kind_name(r), r->e->stored,
           raw, ratio, r->crc_ok ? "ok" : "BAD");
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void print_row_json(const row *r, bool first)
{
    printf("%s{\"cx\":%" PRId32 ",\"cz\":%" PRId32 ",\"encoding\":\"%s\",\"kind\":\"%s\","
           "\"stored\":%" PRIu32 ",\"raw\":", first ? "" : ",", r->e->cx, r->e->cz,
           r->e->encoding == QS_ENC_ZSTD ? "zstd" : "raw", kind_name(r), r->e->stored);
    if (r->decoded) {
        char ratio[32];
        ratio_text(r->raw, r->e->stored, ratio, sizeof ratio);
        printf("%zu,\"ratio\":%s", r->raw, ratio);
    } else {
        printf("null,\"ratio\":null");
    }
    printf(",\"crc\":\"%s\"", r->crc_ok ? "ok" : "bad");
    if (!r->decoded) {
        printf(",\"error\":");
        json_string(r->why);
    }
    putchar('}');
}

/* The region a file name "r.RX.RZ.G.qr" names; false for other names. */
static bool region_of_name(const char *path, int32_t *rx, int32_t *rz)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    if (strncmp(b, "r.", 2) != 0)
        return false;
    int64_t v[3];
    const char *p = b + 2;
    for (int k = 0; k < 3; k++) {
        const char *dot = strchr(p, '.');
        char num[24];
        if (!dot || dot == p || (size_t)(dot - p) >= sizeof num)
            return false;
        memcpy(num, p, (size_t)(dot - p));
        num[dot - p] = 0;
        int64_t lo = k < 2 ? INT32_MIN : 0, hi = k < 2 ? INT32_MAX : UINT32_MAX;
        if (!qc_parse_i64(num, &v[k]) || v[k] < lo || v[k] > hi)
            return false;
        p = dot + 1;
    }
    if (strcmp(p, "qr") != 0)
        return false;
    *rx = (int32_t)v[0];
    *rz = (int32_t)v[1];
    return true;
}

/* Reads and parses FILE; prints why not and returns false when it can't. */
static bool load_region(const char *path, uint8_t **buf, size_t *len, qs_region_info *ri)
{
    const qs_io *io = qs_io_posix();
    int rc = io->read(io->ud, path, buf, len);
    if (rc != 0) {
        fprintf(stderr, "quarry region inspect: %s: cannot read: %s\n", path, strerror(-rc));
        return false;
    }
    qs_error err;
    if (qs_region_parse(*buf, *len, path, ri, &err) != QS_OK) {
        char line[1024];
        qs_error_format(&err, line, sizeof line);
        fprintf(stderr, "%s\n", line);
        free(*buf);
        *buf = NULL;
        return false;
    }
    return true;
}

static void print_summary_text(size_t len, const totals *t)
{
    char ratio[32];
    ratio_text(t->raw, len, ratio, sizeof ratio);
    printf("%" PRIu32 " chunks: %" PRIu32 " generated, %" PRIu32 " relit, %" PRIu32 " stored",
           t->chunks, t->generated, t->relit, t->stored);
    uint32_t unknown = t->chunks - t->bad - t->generated - t->relit - t->stored;
    if (unknown)
        printf(", %" PRIu32 " of unknown kind", unknown);
    if (t->bad)
        printf(", %" PRIu32 " BAD", t->bad);
    printf("; file %zu bytes, raw %" PRIu64 " bytes, ratio %s\n", len, t->raw, ratio);
}

static void print_summary_json(size_t len, const totals *t)
{
    char ratio[32];
    ratio_text(t->raw, len, ratio, sizeof ratio);
    printf("],\"summary\":{\"chunks\":%" PRIu32 ",\"generated\":%" PRIu32 ",\"relit\":%" PRIu32
           ",\"stored\":%" PRIu32 ",\"bad\":%" PRIu32 ",\"size\":%zu,\"raw\":%" PRIu64
           ",\"ratio\":%s}}\n",
           t->chunks, t->generated, t->relit, t->stored, t->bad, len, t->raw, ratio);
}

/* The header's region against the file name's; false (and says so on
 * stderr) when they disagree. */
static bool name_agrees(const char *path, const qs_region_info *ri)
{
    int32_t nx, nz;
    if (!region_of_name(path, &nx, &nz) || (nx == ri->rx && nz == ri->rz))
        return true;
    fprintf(stderr, "%s: region (%" PRId32 ",%" PRId32 "): the file name says region (%" PRId32
            ",%" PRId32 ")\n", path, ri->rx, ri->rz, nx, nz);
    return false;
}

static int inspect(const char *path, bool json)
{
    uint8_t *buf = NULL, *out = malloc(QK_CHUNK_RECORD_MAX);
    size_t len = 0;
    qs_region_info ri;
    if (!out)
        return qc_usage("region", "out of memory");
    if (!load_region(path, &buf, &len, &ri)) {
        free(out);
        return QC_EXIT_USAGE;
    }
    bool agrees = name_agrees(path, &ri);
    if (json) {
        printf("{\"file\":");
        json_string(path);
        printf(",\"rx\":%" PRId32 ",\"rz\":%" PRId32 ",\"format\":%" PRIu32
               ",\"name_agrees\":%s,\"chunks\":[", ri.rx, ri.rz, ri.format,
               agrees ? "true" : "false");
    } else {
        printf("%s: region (%" PRId32 ",%" PRId32 "), format %" PRIu32 ", %" PRIu32 " chunks\n",
               path, ri.rx, ri.rz, ri.format, ri.n);
        printf("%11s %11s  %-4s  %-9s  %8s  %8s  %7s  %s\n", "cx", "cz", "enc", "kind", "stored",
               "raw", "ratio", "crc");
    }
    totals t;
    memset(&t, 0, sizeof t);
    for (uint32_t i = 0; i < ri.n; i++) {
        row r;
        examine(&ri, buf, len, path, i, out, &r);
        tally(&t, &r);
        if (json)
            print_row_json(&r, i == 0);
        else
            print_row_text(&r);
        if (!r.decoded)
            fprintf(stderr, "%s\n", r.why);
    }
    if (json)
        print_summary_json(len, &t);
    else
        print_summary_text(len, &t);
    int rc = t.bad || !agrees ? QC_EXIT_FAIL : QC_EXIT_OK;
    if (fflush(stdout) != 0) {
        fprintf(stderr, "quarry region: writing to stdout failed\n");
        rc = QC_EXIT_USAGE;
    }
    qs_region_info_free(&ri);
    free(buf);
    free(out);
    return rc;
}

/* ===================================================================== */
/* verify                                                                */
/* ===================================================================== */

static void print_error(FILE *f, const qs_error *e)
{
    char line[1024];
    qs_error_format(e, line, sizeof line);
    fprintf(f, "%s\n", line);
}

static int verify(const char *dir, const char *pack_path)
{
    qr_pack *pack = NULL;
    if (pack_path) {
        qr_error perr;
        if (qr_pack_load(&pack, pack_path, &perr) != QR_OK) {
            qr_error_print(&perr, stderr);
            return QC_EXIT_USAGE;
        }
    }
    qs_report rep = {NULL, 0, 0};
    qs_verify_stats vs;
    qs_error err;
    memset(&vs, 0, sizeof vs);
    qs_status st = qs_verify(qs_io_posix(), dir, pack ? &pack->registry : NULL, &rep, &vs, &err);
    int rc = QC_EXIT_OK;
    if (st != QS_OK) {
        print_error(stderr, &err);
        rc = QC_EXIT_USAGE;
    } else {
        for (size_t i = 0; i < rep.n; i++)
            print_error(stdout, &rep.v[i]);
        printf("%s: generation %" PRIu32 ", tick %" PRIu64 ", %" PRIu32 " regions, %" PRIu32
               " chunks (%" PRIu32 " generated), %" PRIu64 " region bytes: ", dir, vs.generation,
               vs.tick, vs.regions, vs.chunks, vs.chunks_generated, vs.region_bytes);
        if (rep.n)
            printf("%zu problem%s\n", rep.n, rep.n == 1 ? "" : "s");
        else
            printf("ok%s\n", pack ? "" : " (records not checked by the kernel: no --pack)");
        rc = rep.n ? QC_EXIT_FAIL : QC_EXIT_OK;
        if (fflush(stdout) != 0) {
            fprintf(stderr, "quarry region: writing to stdout failed\n");
            rc = QC_EXIT_USAGE;
        }
    }
    qs_report_free(&rep);
    qr_pack_free(pack);
    return rc;
}

/* ===================================================================== */
/* Arguments                                                             */
/* ===================================================================== */

int qc_cmd_region(int argc, char **argv)
{
    if (argc < 2)
        return qc_usage("region", "inspect FILE or verify DIR?");
    const char *sub = argv[1], *target = NULL, *pack = NULL, *v;
    bool is_inspect = strcmp(sub, "inspect") == 0, json = false;
    if (!is_inspect && strcmp(sub, "verify") != 0)
        return qc_usage("region", "no such subcommand '%s' (inspect or verify)", sub);
    for (int i = 2; i < argc; i++) {
        int m;
        if (!is_inspect && (m = qc_opt("region", argc, argv, &i, "--pack", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            pack = v;
        } else if (is_inspect && strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return qc_usage("region", "unknown option '%s' for %s", argv[i], sub);
        } else if (target) {
            return qc_usage("region", "one %s at a time (got '%s' and '%s')",
                            is_inspect ? "file" : "directory", target, argv[i]);
        } else {
            target = argv[i];
        }
    }
    if (!target)
        return qc_usage("region", is_inspect ? "inspect which file?" : "verify which directory?");
    return is_inspect ? inspect(target, json) : verify(target, pack);
}
