/*
 * load.c - qs_load and qs_verify: read a save directory back.
 *
 * Both walk the same way: world.qw (parsed and CRC-checked whole), then
 * every region it names in key order: the file is read, its length must
 * be the one world.qw committed (a torn file is refused whole), its
 * header and index parse, it is the region the table says, and every
 * chunk record's CRC and decompression check out.  The whole file's CRC
 * must also be the committed one; since every byte of a region file lies
 * under a finer CRC (header and index, or one record), damage is named
 * by the finest check that catches it, down to the chunk, so salvage
 * keeps the file's other columns.  The file CRC is reported on its own
 * only when every finer check passed (a file replaced by another).
 *
 * With a world (qs_load, or qs_verify given a registry) the walk also
 * checks that the regions and columns are exactly those of the world's
 * rectangle and hands each record to the kernel.
 *
 * What happens at a problem is the caller's choice: a strict load stops
 * at the first; salvage and verify list each in a report and go on.  In
 * salvage, a column whose record was bad or missing is loaded as
 * generated (the one-byte QK_CHUNK_GENERATED record), so the world the
 * kernel finishes is the save minus the damaged columns, each listed.
 * Out of memory always stops.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qs_internal.h"
#include "worldfile.h"

#define PATH_CAP 512
#define NAME_CAP 64

typedef struct loader {
    const qs_io *io;
    char dir[PATH_CAP], region_dir[PATH_CAP], world_path[PATH_CAP];
    qk_world *w;                /* NULL: no kernel checks */
    const qk_world_config *cfg; /* w's rectangle */
    bool keep_going;            /* salvage and verify */
    qs_report *rep;             /* may be NULL */
    qs_error *err;              /* where a stopping error goes */
    uint8_t *rec;               /* QK_CHUNK_RECORD_MAX */
    uint8_t *done;              /* per column of the rectangle: loaded */
    uint64_t problems;          /* found so far */
    qs_verify_stats vs;
} loader;

/* A problem: stops the walk (returns its code) unless the walk keeps
 * going, in which case it is listed and QS_OK lets the walk go on. */
static qs_status problem(loader *L, const qs_error *e)
{
    L->problems++;
    if (!L->keep_going || e->code == QS_ERR_NOMEM) {
        if (L->err)
            *L->err = *e;
        return e->code;
    }
    if (L->rep && !qs__report_add(L->rep, e)) {
        qs__error_set(L->err, QS_ERR_NOMEM, e->file, "out of memory for the report");
        return QS_ERR_NOMEM;
    }
    return QS_OK;
}

static qs_status kernel_status(qk_status k)
{
    switch (k) {
    case QK_ERR_CORRUPT:
        return QS_ERR_CORRUPT;
    case QK_ERR_VERSION:
        return QS_ERR_VERSION;
    case QK_ERR_NOMEM:
        return QS_ERR_NOMEM;
    default:
        return QS_ERR_KERNEL;
    }
}

static const char *diag_what(const qk_diag *d, qk_status k)
{
    return d->what ? d->what : qk_status_str(k);
}

static bool join(char *out, const char *a, const char *b)
{
    int n = snprintf(out, PATH_CAP, "%s/%s", a, b);
    return n > 0 && n < PATH_CAP;
}

static qs_status io_error(qs_error *e, const char *path, const char *what, int r)
{
    int sys = r < 0 ? -r : EIO;
    qs__error_set(e, QS_ERR_IO, path, "%s failed: %s", what, strerror(sys));
    e->sys = sys;
    return QS_ERR_IO;
}

/* Reads world.qw: QS_ERR_NOSAVE when the directory holds none. */
static qs_status read_world(loader *L, uint8_t **buf, size_t *len, qs_world_file *wf)
{
    int r = L->io->read(L->io->ud, L->world_path, buf, len);
    if (r == -ENOENT || r == -ENOTDIR)
        return qs__error_set(L->err, QS_ERR_NOSAVE, L->world_path, "no save here");
    if (r != 0) {
        qs_error e;
        io_error(&e, L->world_path, "read", r);
        if (L->err)
            *L->err = e;
        return QS_ERR_IO;
    }
    return qs_world_parse(*buf, *len, L->world_path, wf, L->err);
}

/* (a, b) before (c, d) in key order? */
static int key_cmp(int32_t a, int32_t b, int32_t c, int32_t d)
{
    if (a != c)
        return a < c ? -1 : 1;
    return b < d ? -1 : b > d;
}

static int32_t max32(int64_t a, int32_t b)
{
    return a > b ? (int32_t)a : b;
}

static int32_t min32(int64_t a, int32_t b)
{
    return a < b ? (int32_t)a : b;
}

/* ---- one chunk record ---------------------------------------------------- */

static size_t column_index(const loader *L, int32_t cx, int32_t cz)
{
    size_t h = (size_t)((int64_t)L->cfg->cz_max - L->cfg->cz_min + 1);
    return (size_t)((int64_t)cx - L->cfg->cx_min) * h + (size_t)((int64_t)cz - L->cfg->cz_min);
}

static qs_status load_record(loader *L, const char *path, const qs_region_info *ri,
                             const uint8_t *buf, size_t len, uint32_t i)
{
    const qs_region_entry *re = &ri->e[i];
    size_t rlen = 0;
    qs_error e;
    if (qs_region_record(ri, buf, len, path, i, L->rec, &rlen, &e) != QS_OK)
        return problem(L, &e);
    L->vs.chunks++;
    if (rlen == 1 && L->rec[0] == QK_CHUNK_GENERATED)
        L->vs.chunks_generated++;
    if (!L->w)
        return QS_OK;
    qk_diag d = {QK_OK, NULL, 0};
    qk_status k = qk_load_chunk(L->w, re->cx, re->cz, L->rec, rlen, &d);
    if (k == QK_OK) {
        L->done[column_index(L, re->cx, re->cz)] = 1;
        return QS_OK;
    }
    qs__error_set(&e, kernel_status(k), path, "in the decompressed record, the kernel refused: %s",
                  diag_what(&d, k));
    qs__error_region(&e, ri->rx, ri->rz);
    qs__error_chunk(&e, re->cx, re->cz);
    if (k == QK_ERR_CORRUPT)
        qs__error_offset(&e, d.offset);
    return problem(L, &e);
}

/* ---- one region file ------------------------------------------------------- */

static qs_status chunk_problem(loader *L, const char *path, const qs_region_info *ri,
                               int32_t cx, int32_t cz, const char *what)
{
    qs_error e;
    qs__error_set(&e, QS_ERR_CORRUPT, path, "%s", what);
    qs__error_region(&e, ri->rx, ri->rz);
    qs__error_chunk(&e, cx, cz);
    return problem(L, &e);
}

/* With a world: the region's entries must be exactly the world's columns
 * inside it; each one present is loaded. */
static qs_status walk_columns(loader *L, const char *path, const qs_region_info *ri,
                              const uint8_t *buf, size_t len)
{
    int32_t x0 = max32((int64_t)ri->rx * 32, L->cfg->cx_min);
    int32_t x1 = min32((int64_t)ri->rx * 32 + 31, L->cfg->cx_max);
    int32_t z0 = max32((int64_t)ri->rz * 32, L->cfg->cz_min);
    int32_t z1 = min32((int64_t)ri->rz * 32 + 31, L->cfg->cz_max);
    uint32_t j = 0;
    qs_status st = QS_OK;
    for (int32_t cx = x0; st == QS_OK && cx <= x1; cx++)
        for (int32_t cz = z0; st == QS_OK && cz <= z1; cz++) {
            while (st == QS_OK && j < ri->n &&
                   key_cmp(ri->e[j].cx, ri->e[j].cz, cx, cz) < 0) {
                st = chunk_problem(L, path, ri, ri->e[j].cx, ri->e[j].cz,
                                   "a record for a column outside the world");
                j++;
            }
            if (st != QS_OK)
                break;
            if (j < ri->n && ri->e[j].cx == cx && ri->e[j].cz == cz)
                st = load_record(L, path, ri, buf, len, j++);
            else
                st = chunk_problem(L, path, ri, cx, cz, "no record for this column");
        }
    for (; st == QS_OK && j < ri->n; j++)
        st = chunk_problem(L, path, ri, ri->e[j].cx, ri->e[j].cz,
                           "a record for a column outside the world");
    return st;
}

/* A file whose length is not the committed one is torn or replaced:
 * nothing in it is trusted. */
static qs_status length_problem(loader *L, const char *path, const qs_world_entry *we,
                                size_t len)
{
    qs_error e;
    qs__error_set(&e, QS_ERR_CORRUPT, path,
                  "%zu bytes, world.qw committed %" PRIu32 " (torn or replaced file)", len,
                  we->length);
    qs__error_region(&e, we->rx, we->rz);
    return problem(L, &e);
}

/* Every byte of a region file is under a finer CRC (header and index,
 * each record), so damage is normally named by one of those, down to the
 * chunk.  This is for the rest: a file that passes them all yet is not
 * the one committed. */
static qs_status crc_problem(loader *L, const char *path, const qs_world_entry *we,
                             uint32_t crc)
{
    qs_error e;
    qs__error_set(&e, QS_ERR_CORRUPT, path,
                  "CRC %08" PRIx32 ", world.qw committed %08" PRIx32 " (replaced file)", crc,
                  we->crc);
    qs__error_region(&e, we->rx, we->rz);
    return problem(L, &e);
}

static qs_status read_region(loader *L, const char *path, const qs_world_entry *we,
                             uint8_t **buf, size_t *len)
{
    int r = L->io->read(L->io->ud, path, buf, len);
    if (r == 0 && !*buf && (*buf = malloc(1)) != NULL) /* an I/O layer's empty file */
        *len = 0;
    if (r == 0 && *buf)
        return QS_OK;
    if (r == 0)
        r = -ENOMEM;
    qs_error e;
    if (r == -ENOENT)
        qs__error_set(&e, QS_ERR_CORRUPT, path, "missing (world.qw names it)");
    else if (r == -ENOMEM)
        qs__error_set(&e, QS_ERR_NOMEM, path, "out of memory");
    else
        io_error(&e, path, "read", r);
    qs__error_region(&e, we->rx, we->rz);
    return problem(L, &e); /* *buf stays NULL: the caller skips the file */
}

/* Parses the file and checks it is the region the table says. */
static qs_status parse_region(loader *L, const char *path, const qs_world_entry *we,
                              const uint8_t *buf, size_t len, qs_region_info *ri, bool *good)
{
    qs_error e;
    *good = false;
    if (qs_region_parse(buf, len, path, ri, &e) != QS_OK)
        return problem(L, &e);
    if (ri->rx != we->rx || ri->rz != we->rz) {
        qs__error_set(&e, QS_ERR_CORRUPT, path, "holds region (%" PRId32 ",%" PRId32 ")",
                      ri->rx, ri->rz);
        qs__error_region(&e, we->rx, we->rz);
        return problem(L, &e);
    }
    *good = true;
    return QS_OK;
}

static qs_status walk_region(loader *L, const qs_world_entry *we)
{
    char name[NAME_CAP], path[PATH_CAP];
    qs_region_name(we->rx, we->rz, we->generation, name, sizeof name);
    if (!join(path, L->region_dir, name)) {
        qs_error e;
        qs__error_set(&e, QS_ERR_INVALID, L->region_dir, "path too long");
        return problem(L, &e);
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    qs_status st = read_region(L, path, we, &buf, &len);
    if (st != QS_OK || !buf)
        return st;
    L->vs.region_bytes += len;
    if (len != we->length) {
        free(buf);
        return length_problem(L, path, we, len);
    }
    uint32_t crc = qs__crc32(buf, len);
    uint64_t problems_before = L->problems;
    qs_region_info ri;
    memset(&ri, 0, sizeof ri);
    bool good = false;
    st = parse_region(L, path, we, buf, len, &ri, &good);
    if (st == QS_OK && good && L->w)
        st = walk_columns(L, path, &ri, buf, len);
    else if (st == QS_OK && good)
        for (uint32_t i = 0; st == QS_OK && i < ri.n; i++)
            st = load_record(L, path, &ri, buf, len, i);
    if (st == QS_OK && crc != we->crc && L->problems == problems_before)
        st = crc_problem(L, path, we, crc);
    qs_region_info_free(&ri);
    free(buf);
    return st;
}

/* ---- the table -------------------------------------------------------------- */

static qs_status region_problem(loader *L, int32_t rx, int32_t rz, const char *what)
{
    qs_error e;
    qs__error_set(&e, QS_ERR_CORRUPT, L->world_path, "%s", what);
    qs__error_region(&e, rx, rz);
    return problem(L, &e);
}

/* With a world: the table must name exactly the regions its rectangle
 * reaches into.  Without one, every region named is walked. */
static qs_status walk_table(loader *L, const qs_world_file *wf)
{
    qs_status st = QS_OK;
    if (!L->w) {
        for (uint32_t i = 0; st == QS_OK && i < wf->n; i++)
            st = walk_region(L, &wf->e[i]);
        return st;
    }
    int32_t rx0 = qs_region_of(L->cfg->cx_min), rx1 = qs_region_of(L->cfg->cx_max);
    int32_t rz0 = qs_region_of(L->cfg->cz_min), rz1 = qs_region_of(L->cfg->cz_max);
    uint32_t j = 0;
    for (int32_t rx = rx0; st == QS_OK && rx <= rx1; rx++)
        for (int32_t rz = rz0; st == QS_OK && rz <= rz1; rz++) {
            while (st == QS_OK && j < wf->n && key_cmp(wf->e[j].rx, wf->e[j].rz, rx, rz) < 0) {
                st = region_problem(L, wf->e[j].rx, wf->e[j].rz, "a region outside the world");
                j++;
            }
            if (st != QS_OK)
                break;
            if (j < wf->n && wf->e[j].rx == rx && wf->e[j].rz == rz)
                st = walk_region(L, &wf->e[j++]);
            else
                st = region_problem(L, rx, rz, "no region file for this region of the world");
        }
    for (; st == QS_OK && j < wf->n; j++)
        st = region_problem(L, wf->e[j].rx, wf->e[j].rz, "a region outside the world");
    return st;
}

/* ---- set up ------------------------------------------------------------------ */

static qs_status loader_init(loader *L, const qs_io *io, const char *dir, qs_error *err)
{
    memset(L, 0, sizeof *L);
    L->io = io;
    L->err = err;
    if (strlen(dir) + 1 + sizeof "region" + NAME_CAP >= PATH_CAP)
        return qs__error_set(err, QS_ERR_INVALID, "", "save directory path too long");
    snprintf(L->dir, PATH_CAP, "%s", dir);
    join(L->region_dir, dir, "region");
    join(L->world_path, dir, QS_WORLD_NAME);
    L->rec = malloc(QK_CHUNK_RECORD_MAX);
    if (!L->rec)
        return qs__error_set(err, QS_ERR_NOMEM, "", "out of memory");
    return QS_OK;
}

/* The world's memory when the caller brings no allocator (qs_load with
 * alloc NULL, and qs_verify's own world): plain malloc. */
static void *std_alloc(void *ud, void *p, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(p);
        return NULL;
    }
    return realloc(p, nsize);
}

static const qk_allocator malloc_alloc = {std_alloc, NULL};

/* Creates the loading world from world.qw's record: kernel errors name
 * world.qw and the byte in it. */
static qs_status begin_world(loader *L, const qs_world_file *wf, const qk_registry *reg,
                             const qk_allocator *alloc, qs_error *e)
{
    qk_diag d = {QK_OK, NULL, 0};
    qk_status k = qk_load_begin(&L->w, wf->record, wf->record_len, reg,
                                alloc ? alloc : &malloc_alloc, &d);
    if (k != QK_OK) {
        L->w = NULL;
        qs__error_set(e, kernel_status(k), L->world_path, "the kernel refused the world "
                      "record: %s", diag_what(&d, k));
        if (k == QK_ERR_CORRUPT)
            qs__error_offset(e, wf->record_offset + d.offset);
        return kernel_status(k);
    }
    L->cfg = qk_world_config_of(L->w);
    uint64_t cols = ((uint64_t)((int64_t)L->cfg->cx_max - L->cfg->cx_min) + 1) *
                    ((uint64_t)((int64_t)L->cfg->cz_max - L->cfg->cz_min) + 1);
    L->done = cols <= SIZE_MAX ? calloc((size_t)cols, 1) : NULL;
    if (!L->done)
        return qs__error_set(e, QS_ERR_NOMEM, "", "out of memory");
    return QS_OK;
}

static void loader_free(loader *L)
{
    free(L->rec);
    free(L->done);
    if (L->w)
        qk_world_destroy(L->w);
}

/* Salvage: columns that got no good record come back as generated. */
static qs_status fill_generated(loader *L)
{
    static const uint8_t generated[1] = {QK_CHUNK_GENERATED};
    for (int32_t cx = L->cfg->cx_min; cx <= L->cfg->cx_max; cx++)
        for (int32_t cz = L->cfg->cz_min; cz <= L->cfg->cz_max; cz++) {
            if (L->done[column_index(L, cx, cz)])
                continue;
            qk_diag d = {QK_OK, NULL, 0};
            qk_status k = qk_load_chunk(L->w, cx, cz, generated, 1, &d);
            /* INVALID: the kernel already counts the refused record as
             * this column's, and keeps the column generated. */
            if (k == QK_ERR_NOMEM)
                return qs__error_set(L->err, QS_ERR_NOMEM, "", "out of memory");
        }
    return QS_OK;
}

/* ---- the entry points --------------------------------------------------------- */

qs_status qs_load(const qs_io *io, const char *dir, const qk_registry *reg,
                  const qk_allocator *alloc, bool salvage, qk_world **out, qs_report *rep,
                  qs_error *err)
{
    if (out)
        *out = NULL;
    if (err)
        qs__error_set(err, QS_OK, "", "%s", "");
    if (!io || !dir || !*dir || !reg || !out)
        return qs__error_set(err, QS_ERR_INVALID, dir, "qs_load: missing io, dir, registry "
                             "or out");
    loader L;
    qs_status st = loader_init(&L, io, dir, err);
    uint8_t *buf = NULL;
    size_t len = 0;
    qs_world_file wf;
    memset(&wf, 0, sizeof wf);
    if (st == QS_OK)
        st = read_world(&L, &buf, &len, &wf);
    if (st == QS_OK)
        st = begin_world(&L, &wf, reg, alloc, err);
    L.keep_going = salvage;
    L.rep = rep;
    if (st == QS_OK)
        st = walk_table(&L, &wf);
    if (st == QS_OK && salvage)
        st = fill_generated(&L);
    if (st == QS_OK) {
        qk_diag d = {QK_OK, NULL, 0};
        qk_status k = qk_load_finish(L.w, &d);
        if (k != QK_OK)
            st = qs__error_set(err, kernel_status(k), L.world_path, "the kernel could not "
                               "finish the load: %s", diag_what(&d, k));
    }
    if (st == QS_OK) {
        *out = L.w;
        L.w = NULL;
    }
    loader_free(&L);
    qs_world_file_free(&wf);
    free(buf);
    return st;
}

qs_status qs_verify(const qs_io *io, const char *dir, const qk_registry *reg, qs_report *rep,
                    qs_verify_stats *stats, qs_error *err)
{
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (err)
        qs__error_set(err, QS_OK, "", "%s", "");
    if (!io || !dir || !*dir)
        return qs__error_set(err, QS_ERR_INVALID, dir, "qs_verify: missing io or dir");
    loader L;
    qs_status st = loader_init(&L, io, dir, err);
    uint8_t *buf = NULL;
    size_t len = 0;
    qs_world_file wf;
    memset(&wf, 0, sizeof wf);
    if (st == QS_OK)
        st = read_world(&L, &buf, &len, &wf);
    L.keep_going = true;
    L.rep = rep;
    if (st == QS_OK && reg) {
        /* A refused world record is listed; the files are checked all
         * the same, without the kernel. */
        qs_error e;
        if (begin_world(&L, &wf, reg, NULL, &e) != QS_OK) {
            st = problem(&L, &e);
            if (L.w)
                qk_world_destroy(L.w);
            L.w = NULL;
        }
    }
    if (st == QS_OK) {
        L.vs.generation = wf.generation;
        L.vs.regions = wf.n;
        L.vs.tick = L.w ? qk_world_tick(L.w) : 0;
        st = walk_table(&L, &wf);
    }
    if (st == QS_OK && stats)
        *stats = L.vs;
    loader_free(&L);
    qs_world_file_free(&wf);
    free(buf);
    return st;
}
