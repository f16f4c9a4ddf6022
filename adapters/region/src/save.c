/*
 * save.c - qs_save: write a world into a save directory so that a crash
 * at any point leaves either the previous save or the new one.
 *
 * The protocol (qs.h has the contract, docs/formats.md the files):
 *
 *   1. DIR and DIR/region exist, created when missing.
 *   2. The current world.qw, if it parses, is the old save.  Without one,
 *      or when this call created them, the directories' own entries are
 *      made durable (sync_dir of DIR's parent, then of DIR) before
 *      anything goes inside them: a save that died without a power cut
 *      may have created them and never synced them.  The new generation G
 *      is one more than the largest seen: the old save's and every region
 *      file name's in region/ (a crashed save may have left files of a
 *      generation that never committed; a corrupt world.qw must not make
 *      G collide with them).  So no region file this save writes can be
 *      one the old save names, and none is ever overwritten.
 *   3. Each region of the world, in key order: its chunk records (the
 *      kernel's), encoded (region.c), CRC'd.  When the old save has the
 *      region with the same length and CRC and its file still reads back
 *      byte for byte, the file is kept under its old name; otherwise
 *      region/r.RX.RZ.G.qr is written: create, write, sync, close.
 *   4. If any region was written: sync_dir(region/), so the new names are
 *      durable before anything can name them.
 *   5. world.qw.tmp: create, write, sync, close; rename over world.qw;
 *      sync_dir(DIR).  The rename is the commit.
 *   6. Region files no entry names any more, and a stale world.qw.tmp, are
 *      removed.  A failure here costs disk space only, never the save.
 *
 * When nothing changed (every region kept, the same world record) there
 * is no new generation: the old world.qw already says exactly this, so
 * the save only makes sure it is durable (sync_dir(DIR)) and cleans up.
 * A second save of an unchanged world therefore leaves the directory byte
 * for byte as it was.
 *
 * Syncs: one per region file written, one for world.qw.tmp, one sync_dir
 * of region/ when a region was written, one of DIR, plus the two of step
 * 2 on a first save (or over a broken one).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qs_internal.h"
#include "worldfile.h"

/* Paths fit qs_error.file; DIR leaves room for the longest region name. */
#define PATH_CAP 512
#define NAME_CAP 64
#define REGION_COLUMNS 1024

typedef struct saver {
    const qs_io *io;
    const qk_world *w;
    const qk_world_config *cfg;
    int level;
    qs_error *err;
    qs_save_stats st;
    char dir[PATH_CAP], region_dir[PATH_CAP], world_path[PATH_CAP], tmp_path[PATH_CAP];

    /* The old save, when its world.qw parses. */
    uint8_t *old_buf;
    size_t old_len;
    qs_world_file old;
    bool have_old;
    bool created_dir, created_region; /* by this call */
    uint32_t max_name_gen; /* largest G among region/ file names */

    uint32_t gen;          /* of the new save */
    uint8_t *record;       /* the kernel's world record */
    size_t record_len;
    qs_world_entry *e;     /* the new table */
    uint32_t n, cap;

    /* One region's chunk records: bytes back to back in `arena`. */
    uint8_t *scratch;      /* QK_CHUNK_RECORD_MAX */
    uint8_t *arena;
    size_t arena_len, arena_cap;
    size_t *rec_off;       /* REGION_COLUMNS offsets into arena */
    qs_chunk_rec *recs;    /* REGION_COLUMNS */
} saver;

static qs_status io_fail(saver *s, const char *path, const char *what, int r)
{
    int e = r < 0 ? -r : EIO;
    qs__error_set(s->err, QS_ERR_IO, path, "%s failed: %s", what, strerror(e));
    if (s->err)
        s->err->sys = e;
    return QS_ERR_IO;
}

static qs_status nomem(saver *s, const char *path)
{
    return qs__error_set(s->err, QS_ERR_NOMEM, path, "out of memory");
}

/* "a/b" into out; false when it does not fit. */
static bool join(char *out, const char *a, const char *b)
{
    int n = snprintf(out, PATH_CAP, "%s/%s", a, b);
    return n > 0 && n < PATH_CAP;
}

/* The directory holding `path`: "." for a bare name, "/" at the root. */
static void parent_of(const char *path, char *out)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 0)
        snprintf(out, PATH_CAP, ".");
    else
        snprintf(out, PATH_CAP, "%.*s", (int)n, path);
}

/* ---- step 1: directories ------------------------------------------------ */

static int ignore_name(void *arg, const char *name)
{
    (void)arg;
    (void)name;
    return 0;
}

static int note_generation(void *arg, const char *name)
{
    saver *s = arg;
    int32_t rx, rz;
    uint32_t g;
    if (qs_region_name_parse(name, &rx, &rz, &g) && g > s->max_name_gen)
        s->max_name_gen = g;
    return 0;
}

/* Creates `path` when listing it says it is absent (*created); otherwise
 * `fn` has seen every name in it. */
static qs_status ensure_dir(saver *s, const char *path, int (*fn)(void *, const char *),
                            bool *created)
{
    const qs_io *io = s->io;
    int r = io->list(io->ud, path, fn, s);
    *created = false;
    if (r == 0)
        return QS_OK;
    if (r != -ENOENT)
        return io_fail(s, path, "list", r);
    if ((r = io->mkdir(io->ud, path)) != 0)
        return io_fail(s, path, "mkdir", r);
    *created = true;
    return QS_OK;
}

static qs_status make_dirs(saver *s)
{
    qs_status st = ensure_dir(s, s->dir, ignore_name, &s->created_dir);
    if (st == QS_OK)
        st = ensure_dir(s, s->region_dir, note_generation, &s->created_region);
    return st;
}

/* Makes the entries of DIR (in its parent) and of region/ (in DIR)
 * durable before anything goes inside them.  Needed when this save made
 * them, and also when there is no committed save: a save that died
 * without a power cut may have made them and never synced (they are
 * there to read, yet a power cut would lose them).  A committed world.qw
 * proves the save that wrote it did this, so it is skipped then. */
static qs_status sync_dirs(saver *s)
{
    const qs_io *io = s->io;
    char parent[PATH_CAP];
    int r;
    parent_of(s->dir, parent);
    if (s->created_dir || !s->have_old) {
        if ((r = io->sync_dir(io->ud, parent)) != 0)
            return io_fail(s, parent, "sync_dir", r);
        s->st.syncs++;
    }
    if (s->created_region || !s->have_old) {
        if ((r = io->sync_dir(io->ud, s->dir)) != 0)
            return io_fail(s, s->dir, "sync_dir", r);
        s->st.syncs++;
    }
    return QS_OK;
}

/* ---- step 2: the old save ------------------------------------------------- */

/* A world.qw that does not parse is no save: the new one replaces it. */
static qs_status read_old(saver *s)
{
    const qs_io *io = s->io;
    int r = io->read(io->ud, s->world_path, &s->old_buf, &s->old_len);
    if (r == -ENOENT)
        return QS_OK;
    if (r != 0)
        return io_fail(s, s->world_path, "read", r);
    qs_error ignored;
    qs_status st = qs_world_parse(s->old_buf, s->old_len, s->world_path, &s->old, &ignored);
    if (st == QS_ERR_NOMEM)
        return nomem(s, s->world_path);
    s->have_old = st == QS_OK;
    return QS_OK;
}

static qs_status next_generation(saver *s)
{
    uint32_t g = s->max_name_gen;
    if (s->have_old && s->old.generation > g)
        g = s->old.generation;
    if (g == UINT32_MAX)
        return qs__error_set(s->err, QS_ERR_CORRUPT, s->region_dir,
                             "save generations exhausted (%" PRIu32 ")", g);
    s->gen = g + 1;
    return QS_OK;
}

/* ---- step 3: regions ------------------------------------------------------ */

static const qs_world_entry *old_entry(const saver *s, int32_t rx, int32_t rz)
{
    if (!s->have_old)
        return NULL;
    size_t lo = 0, hi = s->old.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const qs_world_entry *e = &s->old.e[mid];
        if (e->rx == rx && e->rz == rz)
            return e;
        if (e->rx < rx || (e->rx == rx && e->rz < rz))
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool arena_put(saver *s, const uint8_t *b, size_t len)
{
    if (len > s->arena_cap - s->arena_len) {
        size_t cap = s->arena_cap ? s->arena_cap : 1u << 16;
        while (cap - s->arena_len < len) {
            if (cap > SIZE_MAX / 2)
                return false;
            cap *= 2;
        }
        uint8_t *a = realloc(s->arena, cap);
        if (!a)
            return false;
        s->arena = a;
        s->arena_cap = cap;
    }
    memcpy(s->arena + s->arena_len, b, len);
    s->arena_len += len;
    return true;
}

static int32_t max32(int64_t a, int32_t b)
{
    return a > b ? (int32_t)a : b;
}

static int32_t min32(int64_t a, int32_t b)
{
    return a < b ? (int32_t)a : b;
}

/* The kernel's records of every world column in region (rx, rz), in key
 * order, into s->recs; returns how many (>= 1: the region was chosen
 * because the world reaches into it). */
static qs_status collect_records(saver *s, int32_t rx, int32_t rz, uint32_t *count)
{
    int32_t x0 = max32((int64_t)rx * 32, s->cfg->cx_min);
    int32_t x1 = min32((int64_t)rx * 32 + 31, s->cfg->cx_max);
    int32_t z0 = max32((int64_t)rz * 32, s->cfg->cz_min);
    int32_t z1 = min32((int64_t)rz * 32 + 31, s->cfg->cz_max);
    uint32_t n = 0;
    s->arena_len = 0;
    for (int32_t cx = x0; cx <= x1; cx++)
        for (int32_t cz = z0; cz <= z1; cz++) {
            size_t wrote = 0;
            qk_status k = qk_save_chunk(s->w, cx, cz, s->scratch, QK_CHUNK_RECORD_MAX, &wrote);
            if (k != QK_OK || wrote == 0) {
                qs__error_set(s->err, QS_ERR_KERNEL, s->region_dir, "qk_save_chunk: %s",
                              qk_status_str(k));
                qs__error_region(s->err, rx, rz);
                qs__error_chunk(s->err, cx, cz);
                return QS_ERR_KERNEL;
            }
            s->rec_off[n] = s->arena_len;
            if (!arena_put(s, s->scratch, wrote))
                return nomem(s, "");
            s->recs[n] = (qs_chunk_rec){cx, cz, NULL, wrote};
            s->st.chunks++;
            if (wrote == 1 && s->scratch[0] == QK_CHUNK_GENERATED)
                s->st.chunks_generated++;
            n++;
        }
    for (uint32_t i = 0; i < n; i++) /* the arena may have moved meanwhile */
        s->recs[i].bytes = s->arena + s->rec_off[i];
    *count = n;
    return QS_OK;
}

/* create, write, sync, close; the file is closed whatever happens. */
static qs_status write_file(saver *s, const char *path, const uint8_t *b, size_t len)
{
    const qs_io *io = s->io;
    void *f = NULL;
    int r = io->create(io->ud, path, &f);
    if (r != 0)
        return io_fail(s, path, "create", r);
    const char *what = "write";
    r = io->write(io->ud, f, b, len);
    if (r == 0) {
        what = "sync";
        r = io->sync(io->ud, f);
        if (r == 0)
            s->st.syncs++;
    }
    int rc = io->close(io->ud, f);
    if (r != 0)
        return io_fail(s, path, what, r);
    if (rc != 0)
        return io_fail(s, path, "close", rc);
    s->st.bytes_written += len;
    return QS_OK;
}

/* Whether the old save's file for this region holds exactly these bytes
 * (read back, not trusted: a file rotten on disk gets rewritten). */
static bool old_file_matches(saver *s, const qs_world_entry *old, const uint8_t *b, size_t len)
{
    if (!old || old->length != len || old->crc != qs__crc32(b, len))
        return false;
    char name[NAME_CAP], path[PATH_CAP];
    qs_region_name(old->rx, old->rz, old->generation, name, sizeof name);
    if (!join(path, s->region_dir, name))
        return false;
    uint8_t *got = NULL;
    size_t got_len = 0;
    bool same = s->io->read(s->io->ud, path, &got, &got_len) == 0 && got_len == len &&
                memcmp(got, b, len) == 0;
    free(got);
    return same;
}

static qs_status save_region(saver *s, int32_t rx, int32_t rz)
{
    uint32_t n = 0;
    qs_status st = collect_records(s, rx, rz, &n);
    uint8_t *b = NULL;
    size_t len = 0;
    if (st == QS_OK)
        st = qs_region_encode(rx, rz, s->recs, n, s->level, &b, &len, s->err);
    if (st != QS_OK)
        return st;
    if (len > UINT32_MAX) {
        free(b);
        qs__error_set(s->err, QS_ERR_INVALID, s->region_dir, "region file over 4 GiB");
        qs__error_region(s->err, rx, rz);
        return QS_ERR_INVALID;
    }
    qs_world_entry *e = &s->e[s->n++];
    *e = (qs_world_entry){rx, rz, s->gen, (uint32_t)len, qs__crc32(b, len)};
    const qs_world_entry *old = old_entry(s, rx, rz);
    if (old_file_matches(s, old, b, len)) {
        e->generation = old->generation;
    } else {
        char name[NAME_CAP], path[PATH_CAP];
        qs_region_name(rx, rz, s->gen, name, sizeof name);
        if (!join(path, s->region_dir, name))
            st = qs__error_set(s->err, QS_ERR_INVALID, s->region_dir, "path too long");
        else
            st = write_file(s, path, b, len);
        if (st == QS_OK)
            s->st.regions_written++;
        else
            qs__error_region(s->err, rx, rz);
    }
    s->st.region_bytes += len;
    free(b);
    return st;
}

static qs_status save_regions(saver *s)
{
    int32_t rx0 = qs_region_of(s->cfg->cx_min), rx1 = qs_region_of(s->cfg->cx_max);
    int32_t rz0 = qs_region_of(s->cfg->cz_min), rz1 = qs_region_of(s->cfg->cz_max);
    uint64_t count = (uint64_t)((int64_t)rx1 - rx0 + 1) * (uint64_t)((int64_t)rz1 - rz0 + 1);
    if (rx1 < rx0 || rz1 < rz0 || count > UINT32_MAX / sizeof *s->e)
        return qs__error_set(s->err, QS_ERR_INVALID, "", "bad world rectangle");
    s->cap = (uint32_t)count;
    s->e = malloc(count * sizeof *s->e);
    if (!s->e)
        return nomem(s, "");
    for (int32_t rx = rx0; rx <= rx1; rx++)
        for (int32_t rz = rz0; rz <= rz1; rz++) {
            qs_status st = save_region(s, rx, rz);
            if (st != QS_OK)
                return st;
        }
    s->st.regions = s->n;
    if (s->st.regions_written) {
        int r = s->io->sync_dir(s->io->ud, s->region_dir);
        if (r != 0)
            return io_fail(s, s->region_dir, "sync_dir", r);
        s->st.syncs++;
    }
    return QS_OK;
}

/* ---- step 5: the commit ---------------------------------------------------- */

/* Would the new world.qw say what the old one says (but for G)? */
static bool unchanged(const saver *s)
{
    if (!s->have_old || s->st.regions_written || s->old.n != s->n ||
        s->old.record_len != s->record_len ||
        memcmp(s->old.record, s->record, s->record_len) != 0)
        return false;
    for (uint32_t i = 0; i < s->n; i++) {
        const qs_world_entry *a = &s->old.e[i], *b = &s->e[i];
        if (a->rx != b->rx || a->rz != b->rz || a->generation != b->generation ||
            a->length != b->length || a->crc != b->crc)
            return false;
    }
    return true;
}

static qs_status commit(saver *s)
{
    const qs_io *io = s->io;
    int r;
    if (unchanged(s)) {
        s->st.generation = s->old.generation;
    } else {
        uint8_t *b = NULL;
        size_t len = 0;
        qs_status st = qs_world_encode(s->gen, s->record, s->record_len, s->e, s->n, &b, &len,
                                       s->err);
        if (st == QS_OK)
            st = write_file(s, s->tmp_path, b, len);
        free(b);
        if (st != QS_OK)
            return st;
        if ((r = io->rename(io->ud, s->tmp_path, s->world_path)) != 0)
            return io_fail(s, s->world_path, "rename", r);
        s->st.generation = s->gen;
    }
    if ((r = io->sync_dir(io->ud, s->dir)) != 0)
        return io_fail(s, s->dir, "sync_dir", r);
    s->st.syncs++;
    return QS_OK;
}

/* ---- step 6: cleanup -------------------------------------------------------- */

typedef struct stale {
    const saver *s;
    char (*names)[NAME_CAP];
    size_t n, cap;
    bool tmp; /* world.qw.tmp seen */
} stale;

static bool named_by_table(const saver *s, int32_t rx, int32_t rz, uint32_t g)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (s->e[i].rx == rx && s->e[i].rz == rz)
            return s->e[i].generation == g;
    return false;
}

/* Collects the names first: unlinking while a directory is being read
 * leaves what readdir returns unspecified. */
static int note_stale(void *arg, const char *name)
{
    stale *t = arg;
    int32_t rx, rz;
    uint32_t g;
    if (!qs_region_name_parse(name, &rx, &rz, &g) || named_by_table(t->s, rx, rz, g) ||
        strlen(name) >= NAME_CAP)
        return 0;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        void *v = realloc(t->names, cap * sizeof *t->names);
        if (!v)
            return -ENOMEM;
        t->names = v;
        t->cap = cap;
    }
    snprintf(t->names[t->n++], NAME_CAP, "%s", name);
    return 0;
}

static int note_tmp(void *arg, const char *name)
{
    stale *t = arg;
    if (strcmp(name, QS_WORLD_TMP) == 0)
        t->tmp = true;
    return 0;
}

/* Best effort: whatever fails stays for the next save to remove. */
static void clean_up(saver *s)
{
    const qs_io *io = s->io;
    stale t = {s, NULL, 0, 0, false};
    io->list(io->ud, s->region_dir, note_stale, &t);
    char path[PATH_CAP];
    for (size_t i = 0; i < t.n; i++)
        if (join(path, s->region_dir, t.names[i]) && io->unlink(io->ud, path) == 0)
            s->st.removed++;
    free(t.names);
    if (io->list(io->ud, s->dir, note_tmp, &t) == 0 && t.tmp &&
        io->unlink(io->ud, s->tmp_path) == 0)
        s->st.removed++;
}

/* ---- qs_save ------------------------------------------------------------------ */

static qs_status prepare(saver *s, const char *dir)
{
    if (strlen(dir) + 1 + sizeof "region" + NAME_CAP >= PATH_CAP)
        return qs__error_set(s->err, QS_ERR_INVALID, "", "save directory path too long");
    snprintf(s->dir, PATH_CAP, "%s", dir);
    if (!join(s->region_dir, dir, "region") || !join(s->world_path, dir, QS_WORLD_NAME) ||
        !join(s->tmp_path, dir, QS_WORLD_TMP))
        return qs__error_set(s->err, QS_ERR_INVALID, dir, "save directory path too long");
    s->record_len = qk_save_world_size(s->w);
    s->record = malloc(s->record_len ? s->record_len : 1);
    s->scratch = malloc(QK_CHUNK_RECORD_MAX);
    s->rec_off = malloc(REGION_COLUMNS * sizeof *s->rec_off);
    s->recs = malloc(REGION_COLUMNS * sizeof *s->recs);
    if (!s->record || !s->scratch || !s->rec_off || !s->recs)
        return nomem(s, "");
    size_t wrote = 0;
    qk_status k = qk_save_world(s->w, s->record, s->record_len, &wrote);
    if (k != QK_OK || wrote != s->record_len)
        return qs__error_set(s->err, QS_ERR_KERNEL, s->world_path, "qk_save_world: %s",
                             qk_status_str(k));
    return QS_OK;
}

static void saver_free(saver *s)
{
    free(s->old_buf);
    qs_world_file_free(&s->old);
    free(s->record);
    free(s->e);
    free(s->scratch);
    free(s->arena);
    free(s->rec_off);
    free(s->recs);
}

qs_status qs_save(const qs_io *io, const char *dir, const qk_world *w,
                  const qs_save_opts *opts, qs_save_stats *stats, qs_error *err)
{
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (err)
        qs__error_set(err, QS_OK, "", "%s", "");
    if (!io || !dir || !*dir || !w)
        return qs__error_set(err, QS_ERR_INVALID, dir, "qs_save: missing io, dir or world");
    saver s;
    memset(&s, 0, sizeof s);
    s.io = io;
    s.w = w;
    s.cfg = qk_world_config_of(w);
    s.level = opts ? opts->zstd_level : 0;
    s.err = err;
    qs_status st = prepare(&s, dir);
    if (st == QS_OK)
        st = make_dirs(&s);
    if (st == QS_OK)
        st = read_old(&s);
    if (st == QS_OK)
        st = sync_dirs(&s);
    if (st == QS_OK)
        st = next_generation(&s);
    if (st == QS_OK)
        st = save_regions(&s);
    if (st == QS_OK)
        st = commit(&s);
    if (st == QS_OK) {
        clean_up(&s);
        if (stats)
            *stats = s.st;
    }
    saver_free(&s);
    return st;
}
