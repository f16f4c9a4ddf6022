/*
 * test_save.c - save directories through qs_save, qs_load and qs_verify:
 * round trips (in memory and on the real file system) give back the same
 * state byte for byte; unchanged regions and unchanged worlds are not
 * rewritten; save(load(save(w))) == save(w) over 100 cycles; every kind
 * of damage is refused (strict), skipped and listed (salvage), and listed
 * (verify) with the file, region, chunk and offset; each region file is
 * synced once per save.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, rmdir */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qs_internal.h" /* qs__crc32, to forge consistent files */
#include "save_fixture.h"
#include "worldfile.h"

static qk_world *new_world(qk_world_config cfg, fx_alloc *a)
{
    qk_allocator al = fx_allocator(a);
    qk_world *w = NULL;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
    return w;
}

/* A world with edits in the four chunks around the origin. */
static qk_world *edited_world(qk_world_config cfg, fx_alloc *a)
{
    qk_world *w = new_world(cfg, a);
    sv_join(w);
    sv_edits(w, 24, 0);
    return w;
}

/* Columns the kernel would save as generated (1-byte records). */
static uint32_t generated_columns(const qk_world *w)
{
    const qk_world_config *c = qk_world_config_of(w);
    static uint8_t buf[QK_CHUNK_RECORD_MAX];
    uint32_t n = 0;
    for (int32_t cx = c->cx_min; cx <= c->cx_max; cx++)
        for (int32_t cz = c->cz_min; cz <= c->cz_max; cz++) {
            size_t len = 0;
            qk_save_chunk(w, cx, cz, buf, sizeof buf, &len);
            n += len == 1 && buf[0] == QK_CHUNK_GENERATED;
        }
    return n;
}

static qk_world *load(const qs_io *io, const char *dir, fx_alloc *a, qs_status want)
{
    qk_allocator al = fx_allocator(a);
    qk_world *w = NULL;
    qs_error e;
    qs_status st = qs_load(io, dir, &fx_registry, &al, false, &w, NULL, &e);
    CHECK_INT(st, want);
    if (st != want) {
        char msg[1024];
        qs_error_format(&e, msg, sizeof msg);
        fprintf(stderr, "  load: %s\n", msg);
    }
    return w;
}

/* ---- round trips ---------------------------------------------------------- */

/* Save, load, compare; then both go on with the same inputs; a second
 * save of the unchanged world leaves every file as it was. */
static void round_trip(const qs_io *io, const char *dir, qk_world_config cfg)
{
    fx_alloc a = {-1, 0, 0};
    qk_world *w = edited_world(cfg, &a);
    qs_save_stats st;
    qs_error e;
    CHECK_INT(qs_save(io, dir, w, NULL, &st, &e), QS_OK);
    CHECK_INT(st.generation, 1);
    CHECK_INT(st.regions, 4);
    CHECK_INT(st.regions_written, 4);
    CHECK_INT(st.chunks, 16);
    CHECK_INT(st.chunks_generated, generated_columns(w));
    CHECK_INT(st.chunks_generated, 12); /* the edits changed the 4 chunks at the origin */
    CHECK(st.bytes_written > st.region_bytes);
    CHECK_INT(st.removed, 0);

    qk_world *r = load(io, dir, &a, QS_OK);
    if (r) {
        CHECK(sv_same_state(w, r));
        CHECK(sv_same_snapshot(w, r));
        sv_edits(w, 10, 5);
        sv_edits(r, 10, 5);
        CHECK(sv_same_state(w, r));
        qk_world_destroy(r);
    }

    /* The world went on: saving it again writes what changed. */
    sv_buf before = sv_dump(io, dir);
    CHECK_INT(qs_save(io, dir, w, NULL, &st, &e), QS_OK);
    CHECK_INT(st.generation, 2);
    sv_buf mid = sv_dump(io, dir);
    CHECK(!sv_same_dump(before, mid));
    /* Unchanged now: no region, no new generation, not a byte moved. */
    CHECK_INT(qs_save(io, dir, w, NULL, &st, &e), QS_OK);
    CHECK_INT(st.regions_written, 0);
    CHECK_INT(st.generation, 2);
    CHECK_INT(st.bytes_written, 0);
    CHECK_INT(st.removed, 0);
    sv_buf after = sv_dump(io, dir);
    CHECK(sv_same_dump(mid, after));
    r = load(io, dir, &a, QS_OK);
    if (r) {
        CHECK(sv_same_snapshot(w, r));
        qk_world_destroy(r);
    }
    free(before.p);
    free(mid.p);
    free(after.p);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static void round_trip_memfs(void)
{
    qs_memfs *fs = qs_memfs_new();
    qs_io io = qs_memfs_io(fs);
    round_trip(&io, "save", fx_flat_config());
    qs_memfs_free(fs);
    fs = qs_memfs_new();
    io = qs_memfs_io(fs);
    round_trip(&io, "save", sv_terrain_config(42));
    qs_memfs_free(fs);
}

static int unlink_in(void *arg, const char *name)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s", (const char *)arg, name);
    if (unlink(path) != 0) /* a directory: empty it first */
        qs_io_posix()->list(NULL, path, unlink_in, path), rmdir(path);
    return 0;
}

static void round_trip_posix(void)
{
    char tmp[] = "/tmp/quarry-save-XXXXXX";
    CHECK(mkdtemp(tmp) != NULL);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/save", tmp);
    const qs_io *io = qs_io_posix();
    round_trip(io, dir, fx_flat_config());
    unlink_in(tmp, "save");
    round_trip(io, dir, sv_terrain_config(9));
    unlink_in(tmp, "save");
    /* A save directory under a missing parent is an I/O error naming it. */
    char deep[700];
    snprintf(deep, sizeof deep, "%s/no/such/save", tmp);
    fx_alloc a = {-1, 0, 0};
    qk_world *w = new_world(fx_flat_config(), &a);
    qs_error e;
    CHECK_INT(qs_save(io, deep, w, NULL, NULL, &e), QS_ERR_IO);
    CHECK_INT(e.sys, ENOENT);
    CHECK(strstr(e.file, "no/such/save") != NULL);
    qk_world_destroy(w);
    CHECK_INT(rmdir(tmp), 0);
}

/* Only the region whose bytes changed is written; its old file goes. */
static void only_changed_regions_are_written(void)
{
    qs_memfs *fs = qs_memfs_new();
    qs_io io = qs_memfs_io(fs);
    fx_alloc a = {-1, 0, 0};
    qk_world *w = edited_world(fx_flat_config(), &a);
    /* Player 2 far inside region (-1,-1): its light cannot cross into
     * another region (light travels at most 14 blocks). */
    sv_join_at(w, 2, -24, -24);
    qs_save_stats st;
    qs_error e;
    CHECK_INT(qs_save(&io, "s", w, NULL, &st, &e), QS_OK);
    sv_edits_at(w, 2, -24, -24, 4, 0);
    CHECK_INT(qs_save(&io, "s", w, NULL, &st, &e), QS_OK);
    CHECK_INT(st.generation, 2);
    CHECK_INT(st.regions_written, 1);
    CHECK_INT(st.removed, 1);
    uint8_t *b = NULL;
    size_t n = 0;
    CHECK_INT(io.read(io.ud, "s/region/r.-1.-1.2.qr", &b, &n), 0);
    free(b);
    CHECK_INT(io.read(io.ud, "s/region/r.-1.-1.1.qr", &b, &n), -ENOENT);
    CHECK_INT(io.read(io.ud, "s/region/r.0.0.1.qr", &b, &n), 0);
    free(b);
    qk_world *r = load(&io, "s", &a, QS_OK);
    if (r) {
        CHECK(sv_same_snapshot(w, r));
        qk_world_destroy(r);
    }
    qk_world_destroy(w);
    qs_memfs_free(fs);
    CHECK_INT(a.live, 0);
}

/* save(load(save(w))) == save(w), byte for byte, 100 times over. */
static void cycles_are_bit_identical(qk_world_config cfg, int cycles)
{
    fx_alloc a = {-1, 0, 0};
    qk_world *w = edited_world(cfg, &a);
    qs_memfs *fs = qs_memfs_new();
    qs_io io = qs_memfs_io(fs);
    CHECK_INT(qs_save(&io, "s", w, NULL, NULL, NULL), QS_OK);
    sv_buf first = sv_dump(&io, "s");
    int same_files = 1, same_state = 1;
    for (int i = 0; i < cycles; i++) {
        qk_world *r = load(&io, "s", &a, QS_OK);
        if (!r)
            break;
        same_state &= sv_same_state(w, r);
        qs_memfs *next = qs_memfs_new();
        qs_io nio = qs_memfs_io(next);
        CHECK_INT(qs_save(&nio, "s", r, NULL, NULL, NULL), QS_OK);
        sv_buf d = sv_dump(&nio, "s");
        same_files &= sv_same_dump(first, d);
        free(d.p);
        qk_world_destroy(r);
        qs_memfs_free(fs);
        fs = next;
        io = nio;
    }
    CHECK(same_files);
    CHECK(same_state);
    free(first.p);
    qs_memfs_free(fs);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- damage -------------------------------------------------------------- */

typedef struct saved {
    qs_memfs *fs;
    qs_io io;
    qk_world *w;
    fx_alloc a;
} saved;

static void saved_open(saved *s)
{
    s->a = (fx_alloc){-1, 0, 0};
    s->fs = qs_memfs_new();
    s->io = qs_memfs_io(s->fs);
    s->w = edited_world(fx_flat_config(), &s->a);
    CHECK_INT(qs_save(&s->io, "s", s->w, NULL, NULL, NULL), QS_OK);
}

static void saved_close(saved *s)
{
    qk_world_destroy(s->w);
    qs_memfs_free(s->fs);
    CHECK_INT(s->a.live, 0);
}

/* The first entry of region (rx, rz)'s file with the given encoding. */
static bool find_entry(saved *s, int32_t rx, int32_t rz, uint8_t enc, qs_region_entry *out)
{
    char name[64], path[128];
    qs_region_name(rx, rz, 1, name, sizeof name);
    snprintf(path, sizeof path, "s/region/%s", name);
    uint8_t *b = NULL;
    size_t n = 0;
    bool found = false;
    qs_region_info ri;
    if (s->io.read(s->io.ud, path, &b, &n) == 0 &&
        qs_region_parse(b, n, path, &ri, NULL) == QS_OK) {
        for (uint32_t i = 0; i < ri.n && !found; i++)
            if (ri.e[i].encoding == enc) {
                *out = ri.e[i];
                found = true;
            }
        qs_region_info_free(&ri);
    }
    free(b);
    return found;
}

/* Block digests of every column: the damaged one must be as generated,
 * every other as saved. */
static void check_salvaged(const qk_world *orig, qk_world *got, const qk_world *fresh,
                           const bool *damaged)
{
    const qk_world_config *c = qk_world_config_of(orig);
    int ok = 1, i = 0;
    for (int32_t cx = c->cx_min; cx <= c->cx_max; cx++)
        for (int32_t cz = c->cz_min; cz <= c->cz_max; cz++, i++) {
            uint64_t want = 0, have = 0;
            qk_chunk_digest((qk_world *)(damaged[i] ? fresh : orig), cx, cz, QK_SUB_BLOCKS,
                            &want);
            qk_chunk_digest(got, cx, cz, QK_SUB_BLOCKS, &have);
            ok &= want == have;
        }
    CHECK(ok);
}

static int column_index(int32_t cx, int32_t cz)
{
    return (cx + 2) * 4 + (cz + 2); /* fx_flat_config: -2..1 both ways */
}

/* One flipped byte in a stored (compressed) record. */
static void damaged_record(uint8_t enc)
{
    saved s;
    saved_open(&s);
    qs_region_entry re;
    memset(&re, 0, sizeof re);
    CHECK(find_entry(&s, 0, 0, enc, &re));
    CHECK_INT(qs_memfs_poke(s.fs, "s/region/r.0.0.1.qr", re.offset + re.stored / 2, 0x10), 0);

    qk_allocator al = fx_allocator(&s.a);
    qk_world *r = NULL;
    qs_error e;
    CHECK_INT(qs_load(&s.io, "s", &fx_registry, &al, false, &r, NULL, &e), QS_ERR_CORRUPT);
    CHECK(r == NULL);
    CHECK(e.has_chunk && e.cx == re.cx && e.cz == re.cz);
    CHECK(e.has_region && e.rx == 0 && e.rz == 0);
    CHECK(strstr(e.file, "s/region/r.0.0.1.qr") != NULL);
    char msg[1024], want[64];
    qs_error_format(&e, msg, sizeof msg);
    snprintf(want, sizeof want, "chunk (%d,%d)", (int)re.cx, (int)re.cz);
    CHECK(strstr(msg, want) != NULL);

    qs_report rep = {NULL, 0, 0};
    CHECK_INT(qs_load(&s.io, "s", &fx_registry, &al, true, &r, &rep, &e), QS_OK);
    CHECK_INT(rep.n, 1);
    if (rep.n == 1)
        CHECK(rep.v[0].has_chunk && rep.v[0].cx == re.cx && rep.v[0].cz == re.cz);
    if (r) {
        qk_world *fresh = new_world(fx_flat_config(), &s.a);
        bool damaged[16] = {false};
        damaged[column_index(re.cx, re.cz)] = true;
        check_salvaged(s.w, r, fresh, damaged);
        CHECK_INT(qk_world_tick(r), qk_world_tick(s.w));
        qk_world_destroy(fresh);
        qk_world_destroy(r);
    }
    qs_report_free(&rep);

    for (int with_reg = 0; with_reg < 2; with_reg++) {
        qs_verify_stats vs;
        CHECK_INT(qs_verify(&s.io, "s", with_reg ? &fx_registry : NULL, &rep, &vs, &e), QS_OK);
        CHECK_INT(rep.n, 1);
        if (rep.n == 1)
            CHECK(rep.v[0].has_chunk && rep.v[0].cx == re.cx && rep.v[0].cz == re.cz);
        CHECK_INT(vs.generation, 1);
        CHECK_INT(vs.regions, 4);
        CHECK_INT(vs.chunks, 15);
        CHECK_INT(vs.tick, with_reg ? qk_world_tick(s.w) : 0);
        qs_report_free(&rep);
    }
    saved_close(&s);
}

static void put_file(saved *s, const char *path, const uint8_t *b, size_t n)
{
    void *f = NULL;
    CHECK_INT(s->io.create(s->io.ud, path, &f), 0);
    CHECK_INT(s->io.write(s->io.ud, f, b, n), 0);
    CHECK_INT(s->io.sync(s->io.ud, f), 0);
    CHECK_INT(s->io.close(s->io.ud, f), 0);
}

/* Rewrites region (0,0) with one stored record grown by a trailing byte,
 * and world.qw to commit the new file: every CRC holds, only the kernel
 * can tell.  Returns that record's column. */
static void forge_bad_record(saved *s, int32_t *cx, int32_t *cz)
{
    const char *path = "s/region/r.0.0.1.qr";
    uint8_t *b = NULL, *out = NULL, *wq = NULL, *nwq = NULL;
    size_t n = 0, out_len = 0, wq_len = 0, nwq_len = 0;
    qs_region_info ri;
    CHECK_INT(s->io.read(s->io.ud, path, &b, &n), 0);
    CHECK_INT(qs_region_parse(b, n, path, &ri, NULL), QS_OK);
    uint8_t *recs = malloc((size_t)ri.n * (QK_CHUNK_RECORD_MAX + 1));
    qs_chunk_rec *cr = calloc(ri.n, sizeof *cr);
    bool forged = false;
    for (uint32_t i = 0; i < ri.n; i++) {
        uint8_t *r = recs + (size_t)i * (QK_CHUNK_RECORD_MAX + 1);
        size_t len = 0;
        CHECK_INT(qs_region_record(&ri, b, n, path, i, r, &len, NULL), QS_OK);
        if (!forged && r[0] == QK_CHUNK_STORED) {
            r[len++] = 0;
            *cx = ri.e[i].cx;
            *cz = ri.e[i].cz;
            forged = true;
        }
        cr[i] = (qs_chunk_rec){ri.e[i].cx, ri.e[i].cz, r, len};
    }
    CHECK(forged);
    CHECK_INT(qs_region_encode(0, 0, cr, ri.n, 0, &out, &out_len, NULL), QS_OK);
    put_file(s, path, out, out_len);

    qs_world_file wf;
    CHECK_INT(s->io.read(s->io.ud, "s/world.qw", &wq, &wq_len), 0);
    CHECK_INT(qs_world_parse(wq, wq_len, "s/world.qw", &wf, NULL), QS_OK);
    for (uint32_t i = 0; i < wf.n; i++)
        if (wf.e[i].rx == 0 && wf.e[i].rz == 0) {
            wf.e[i].length = (uint32_t)out_len;
            wf.e[i].crc = qs__crc32(out, out_len);
        }
    CHECK_INT(qs_world_encode(wf.generation, wf.record, wf.record_len, wf.e, wf.n, &nwq,
                              &nwq_len, NULL),
              QS_OK);
    put_file(s, "s/world.qw", nwq, nwq_len);
    qs_world_file_free(&wf);
    qs_region_info_free(&ri);
    free(recs);
    free(cr);
    free(b);
    free(out);
    free(wq);
    free(nwq);
}

/* A record whose CRCs hold but that the kernel refuses: the error names
 * the chunk and the offset inside the decompressed record. */
static void kernel_refuses_a_record(void)
{
    saved s;
    saved_open(&s);
    int32_t cx = 0, cz = 0;
    forge_bad_record(&s, &cx, &cz);
    qk_allocator al = fx_allocator(&s.a);
    qk_world *r = NULL;
    qs_error e;
    CHECK_INT(qs_load(&s.io, "s", &fx_registry, &al, false, &r, NULL, &e), QS_ERR_CORRUPT);
    CHECK(e.has_chunk && e.cx == cx && e.cz == cz && e.has_offset);
    CHECK(strstr(e.msg, "decompressed record") != NULL);
    qs_report rep = {NULL, 0, 0};
    CHECK_INT(qs_load(&s.io, "s", &fx_registry, &al, true, &r, &rep, &e), QS_OK);
    CHECK_INT(rep.n, 1);
    if (r) {
        qk_world *fresh = new_world(fx_flat_config(), &s.a);
        bool damaged[16] = {false};
        damaged[column_index(cx, cz)] = true;
        check_salvaged(s.w, r, fresh, damaged);
        qk_world_destroy(fresh);
        qk_world_destroy(r);
    }
    qs_report_free(&rep);
    CHECK_INT(qs_verify(&s.io, "s", &fx_registry, &rep, NULL, &e), QS_OK);
    CHECK_INT(rep.n, 1);
    qs_report_free(&rep);
    CHECK_INT(qs_verify(&s.io, "s", NULL, &rep, NULL, &e), QS_OK);
    CHECK_INT(rep.n, 0); /* without a registry only the files are checked */
    qs_report_free(&rep);
    saved_close(&s);
}

/* Damage in a region's index: the whole region is lost to salvage. */
static void damaged_region_index(void)
{
    saved s;
    saved_open(&s);
    CHECK_INT(qs_memfs_poke(s.fs, "s/region/r.-1.0.1.qr", 26, 0x01), 0);
    qk_allocator al = fx_allocator(&s.a);
    qk_world *r = NULL;
    qs_error e;
    CHECK_INT(qs_load(&s.io, "s", &fx_registry, &al, false, &r, NULL, &e), QS_ERR_CORRUPT);
    CHECK(e.has_region && e.rx == -1 && e.rz == 0 && !e.has_chunk);
    qs_report rep = {NULL, 0, 0};
    CHECK_INT(qs_load(&s.io, "s", &fx_registry, &al, true, &r, &rep, &e), QS_OK);
    CHECK_INT(rep.n, 1);
    if (r) {
        qk_world *fresh = new_world(fx_flat_config(), &s.a);
        bool damaged[16] = {false};
        for (int32_t cx = -2; cx <= -1; cx++)
            for (int32_t cz = 0; cz <= 1; cz++)
                damaged[column_index(cx, cz)] = true;
        check_salvaged(s.w, r, fresh, damaged);
        qk_world_destroy(fresh);
        qk_world_destroy(r);
    }
    qs_report_free(&rep);
    saved_close(&s);
}

static void missing_region_file(void)
{
    saved s;
    saved_open(&s);
    CHECK_INT(s.io.unlink(s.io.ud, "s/region/r.0.-1.1.qr"), 0);
    qk_allocator al = fx_allocator(&s.a);
    qk_world *r = NULL;
    qs_error e;
    CHECK_INT(qs_load(&s.io, "s", &fx_registry, &al, false, &r, NULL, &e), QS_ERR_CORRUPT);
    CHECK(strstr(e.file, "r.0.-1.1.qr") != NULL);
    CHECK(e.has_region && e.rx == 0 && e.rz == -1);
    qs_report rep = {NULL, 0, 0};
    CHECK_INT(qs_load(&s.io, "s", &fx_registry, &al, true, &r, &rep, &e), QS_OK);
    CHECK_INT(rep.n, 1);
    qk_world_destroy(r);
    qs_report_free(&rep);
    CHECK_INT(qs_verify(&s.io, "s", &fx_registry, &rep, NULL, &e), QS_OK);
    CHECK_INT(rep.n, 1);
    qs_report_free(&rep);
    /* The next save writes the region again. */
    qs_save_stats st;
    CHECK_INT(qs_save(&s.io, "s", s.w, NULL, &st, &e), QS_OK);
    CHECK_INT(st.regions_written, 1);
    r = load(&s.io, "s", &s.a, QS_OK);
    if (r) {
        CHECK(sv_same_snapshot(s.w, r));
        qk_world_destroy(r);
    }
    saved_close(&s);
}

/* world.qw damage: each is an error naming world.qw; verify cannot run. */
static void damaged_world_file(void)
{
    static const struct {
        const char *what;
        int poke;        /* offset to flip, or -1 */
        uint8_t mask;
        long truncate;   /* new length (negative: from the end), or 0 */
        qs_status want;
        long offset;     /* expected error offset, -1 unchecked, -2 none */
    } cases[] = {
        {"bad magic", 0, 0x01, 0, QS_ERR_CORRUPT, 0},
        {"future format", 8, 0x03, 0, QS_ERR_VERSION, 8},
        {"format 0", 8, 0x01, 0, QS_ERR_CORRUPT, 8},
        {"flipped record byte", 40, 0x04, 0, QS_ERR_CORRUPT, -1},
        {"truncated by one", -1, 0, -1, QS_ERR_CORRUPT, -1},
        {"truncated to the header", -1, 0, 10, QS_ERR_CORRUPT, -1},
        {"empty", -1, 0, -100000, QS_ERR_CORRUPT, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        saved s;
        saved_open(&s);
        uint8_t *b = NULL;
        size_t n = 0;
        s.io.read(s.io.ud, "s/world.qw", &b, &n);
        free(b);
        if (cases[i].poke >= 0)
            CHECK_INT(qs_memfs_poke(s.fs, "s/world.qw", (size_t)cases[i].poke, cases[i].mask), 0);
        if (cases[i].truncate) {
            long len = cases[i].truncate > 0 ? cases[i].truncate : (long)n + cases[i].truncate;
            CHECK_INT(qs_memfs_truncate(s.fs, "s/world.qw", len > 0 ? (size_t)len : 0), 0);
        }
        qk_allocator al = fx_allocator(&s.a);
        qk_world *r = NULL;
        qs_error e;
        qs_status st = qs_load(&s.io, "s", &fx_registry, &al, true, &r, NULL, &e);
        CHECK_INT(st, cases[i].want);
        CHECK(r == NULL);
        CHECK_STR(e.file, "s/world.qw");
        if (cases[i].offset >= 0)
            CHECK(e.has_offset && e.offset == (uint64_t)cases[i].offset);
        qs_report rep = {NULL, 0, 0};
        CHECK_INT(qs_verify(&s.io, "s", &fx_registry, &rep, NULL, &e), cases[i].want);
        qs_report_free(&rep);
        if (st != cases[i].want)
            fprintf(stderr, "  case: %s\n", cases[i].what);
        /* A save over a broken world.qw still works, and never reuses a
         * generation the region files carry. */
        qs_save_stats ss;
        CHECK_INT(qs_save(&s.io, "s", s.w, NULL, &ss, &e), QS_OK);
        CHECK_INT(ss.generation, 2);
        CHECK_INT(ss.regions_written, 4);
        CHECK_INT(ss.removed, 4);
        r = load(&s.io, "s", &s.a, QS_OK);
        if (r) {
            CHECK(sv_same_snapshot(s.w, r));
            qk_world_destroy(r);
        }
        saved_close(&s);
    }
}

typedef struct file_list {
    char path[16][96];
    int n;
} file_list;

static int note_region(void *arg, const char *name)
{
    file_list *f = arg;
    if (f->n < 16)
        snprintf(f->path[f->n++], sizeof f->path[0], "s/region/%s", name);
    return 0;
}

/* Verify's findings (no registry: the file checks only). */
static size_t problems(qs_memfs *fs, qs_status *st)
{
    qs_io io = qs_memfs_io(fs);
    qs_report rep = {NULL, 0, 0};
    qs_error e;
    *st = qs_verify(&io, "s", NULL, &rep, NULL, &e);
    size_t n = rep.n;
    qs_report_free(&rep);
    return n;
}

/* Every single flipped byte and every truncation of every file of a save
 * is caught, without a crash (the sanitizer builds watch the parsers). */
static void every_flip_and_cut_is_caught(void)
{
    saved s;
    saved_open(&s);
    file_list f = {.n = 1};
    snprintf(f.path[0], sizeof f.path[0], "s/world.qw");
    s.io.list(s.io.ud, "s/region", note_region, &f);
    CHECK_INT(f.n, 5);
    qs_status st;
    CHECK_INT(problems(s.fs, &st), 0);
    int flips_caught = 1, cuts_caught = 1;
    long flips = 0, cuts = 0;
    for (int i = 0; i < f.n; i++) {
        uint8_t *b = NULL;
        size_t n = 0;
        s.io.read(s.io.ud, f.path[i], &b, &n);
        free(b);
        for (size_t at = 0; at < n; at++, flips++) {
            uint8_t mask = (uint8_t)(1u << (at % 8));
            qs_memfs_poke(s.fs, f.path[i], at, mask);
            size_t p = problems(s.fs, &st);
            flips_caught &= i == 0 ? st != QS_OK : st == QS_OK && p >= 1;
            qs_memfs_poke(s.fs, f.path[i], at, mask); /* undo */
        }
        for (size_t len = 0; len < n; len++, cuts++) {
            qs_memfs *c = qs_memfs_clone(s.fs);
            qs_memfs_truncate(c, f.path[i], len);
            size_t p = problems(c, &st);
            cuts_caught &= i == 0 ? st != QS_OK : st == QS_OK && p >= 1;
            qs_memfs_free(c);
        }
    }
    CHECK(flips_caught);
    CHECK(cuts_caught);
    CHECK(flips > 1000 && cuts > 1000);
    CHECK_INT(problems(s.fs, &st), 0);
    saved_close(&s);
}

static void no_save_and_other_registry(void)
{
    qs_memfs *fs = qs_memfs_new();
    qs_io io = qs_memfs_io(fs);
    fx_alloc a = {-1, 0, 0};
    qk_allocator al = fx_allocator(&a);
    qk_world *r = NULL;
    qs_error e;
    CHECK_INT(qs_load(&io, "nothing", &fx_registry, &al, false, &r, NULL, &e), QS_ERR_NOSAVE);
    CHECK_STR(e.file, "nothing/world.qw");
    CHECK_INT(qs_verify(&io, "nothing", NULL, NULL, NULL, &e), QS_ERR_NOSAVE);

    qk_world *w = new_world(fx_flat_config(), &a);
    CHECK_INT(qs_save(&io, "s", w, NULL, NULL, NULL), QS_OK);
    qk_block_def more[B_COUNT + 1];
    memcpy(more, fx_blocks, sizeof fx_blocks);
    more[B_COUNT] = fx_blocks[B_STONE];
    qk_registry other = {more, B_COUNT + 1, NULL, 0};
    CHECK_INT(qs_load(&io, "s", &other, &al, true, &r, NULL, &e), QS_ERR_VERSION);
    CHECK_STR(e.file, "s/world.qw");
    qs_report rep = {NULL, 0, 0};
    CHECK_INT(qs_verify(&io, "s", &other, &rep, NULL, &e), QS_OK);
    CHECK_INT(rep.n, 1);
    if (rep.n)
        CHECK_INT(rep.v[0].code, QS_ERR_VERSION);
    qs_report_free(&rep);
    CHECK_INT(qs_save(NULL, "s", w, NULL, NULL, &e), QS_ERR_INVALID);
    CHECK_INT(qs_load(&io, "s", NULL, &al, false, &r, NULL, &e), QS_ERR_INVALID);
    qk_world_destroy(w);
    qs_memfs_free(fs);
    CHECK_INT(a.live, 0);
}

/* ---- syncs and failures --------------------------------------------------- */

/* A qs_io that forwards to memfs and counts syncs per file created. */
typedef struct counting {
    qs_io inner;
    void *handle[64];
    int syncs[64];
    int n;
    int max_syncs;
} counting;

static int c_mkdir(void *ud, const char *p)
{
    counting *c = ud;
    return c->inner.mkdir(c->inner.ud, p);
}
static int c_create(void *ud, const char *p, void **f)
{
    counting *c = ud;
    int r = c->inner.create(c->inner.ud, p, f);
    if (r == 0 && c->n < 64) {
        c->handle[c->n] = *f;
        c->syncs[c->n++] = 0;
    }
    return r;
}
static int c_write(void *ud, void *f, const void *b, size_t n)
{
    counting *c = ud;
    return c->inner.write(c->inner.ud, f, b, n);
}
static int c_sync(void *ud, void *f)
{
    counting *c = ud;
    for (int i = c->n - 1; i >= 0; i--)
        if (c->handle[i] == f) {
            if (++c->syncs[i] > c->max_syncs)
                c->max_syncs = c->syncs[i];
            break;
        }
    return c->inner.sync(c->inner.ud, f);
}
static int c_close(void *ud, void *f)
{
    counting *c = ud;
    for (int i = 0; i < c->n; i++)
        if (c->handle[i] == f)
            c->handle[i] = NULL; /* the pointer may be reused */
    return c->inner.close(c->inner.ud, f);
}
static int c_rename(void *ud, const char *a, const char *b)
{
    counting *c = ud;
    return c->inner.rename(c->inner.ud, a, b);
}
static int c_sync_dir(void *ud, const char *p)
{
    counting *c = ud;
    return c->inner.sync_dir(c->inner.ud, p);
}
static int c_unlink(void *ud, const char *p)
{
    counting *c = ud;
    return c->inner.unlink(c->inner.ud, p);
}
static int c_read(void *ud, const char *p, uint8_t **b, size_t *n)
{
    counting *c = ud;
    return c->inner.read(c->inner.ud, p, b, n);
}
static int c_list(void *ud, const char *d, int (*fn)(void *, const char *), void *arg)
{
    counting *c = ud;
    return c->inner.list(c->inner.ud, d, fn, arg);
}

static void one_sync_per_region(void)
{
    qs_memfs *fs = qs_memfs_new();
    counting c;
    memset(&c, 0, sizeof c);
    c.inner = qs_memfs_io(fs);
    qs_io io = {&c,       c_mkdir,    c_create, c_write, c_sync, c_close,
                c_rename, c_sync_dir, c_unlink, c_read,  c_list};
    fx_alloc a = {-1, 0, 0};
    qk_world *w = edited_world(fx_flat_config(), &a);
    qs_save_stats st;
    for (int round = 0; round < 3; round++) {
        c.n = 0;
        uint64_t before = qs_memfs_syncs(fs);
        CHECK_INT(qs_save(&io, "s", w, NULL, &st, NULL), QS_OK);
        CHECK_INT(c.max_syncs, 1);
        CHECK_INT(qs_memfs_syncs(fs) - before, st.syncs);
        /* region files + world.qw.tmp, sync_dir(region/), sync_dir(DIR),
         * and the first time one sync_dir per directory created */
        uint32_t want = round == 2 ? 1 : st.regions_written + 1 + (st.regions_written > 0) + 1 +
                                             (round == 0 ? 2 : 0);
        CHECK_INT(st.syncs, want);
        sv_edits(w, round == 0 ? 3 : 0, 7);
    }
    qk_world_destroy(w);
    qs_memfs_free(fs);
}

/* A save that fails at any operation returns QS_ERR_IO naming the file
 * and errno; without a power cut the directory then loads the old save
 * (or the new one, once the rename is past). */
static void failures_at_every_operation(void)
{
    saved s;
    saved_open(&s);
    qk_world *old = load(&s.io, "s", &s.a, QS_OK);
    sv_edits(s.w, 8, 3);
    qs_memfs *probe = qs_memfs_clone(s.fs);
    qs_io pio = qs_memfs_io(probe);
    CHECK_INT(qs_save(&pio, "s", s.w, NULL, NULL, NULL), QS_OK);
    uint64_t ops = qs_memfs_ops(probe);
    qs_memfs_free(probe);
    int ok = 1, olds = 0, news = 0;
    for (uint64_t k = 1; k <= ops; k++) {
        qs_memfs *fs = qs_memfs_clone(s.fs);
        qs_io io = qs_memfs_io(fs);
        qs_memfs_fail_at(fs, k);
        qs_error e;
        qs_status st = qs_save(&io, "s", s.w, NULL, NULL, &e);
        if (st != QS_OK)
            ok &= st == QS_ERR_IO && e.sys == EIO && e.file[0] != 0;
        qk_world *r = load(&io, "s", &s.a, QS_OK);
        if (r) {
            bool is_old = old && sv_same_state(r, old), is_new = sv_same_state(r, s.w);
            ok &= is_old || is_new;
            ok &= st != QS_OK || is_new;
            olds += is_old;
            news += is_new;
            qk_world_destroy(r);
        }
        qs_memfs_free(fs);
    }
    CHECK(ok);
    CHECK(olds > 0 && news > 0);
    if (old)
        qk_world_destroy(old);
    saved_close(&s);
}

int main(void)
{
    round_trip_memfs();
    round_trip_posix();
    only_changed_regions_are_written();
    cycles_are_bit_identical(fx_flat_config(), 100);
    cycles_are_bit_identical(sv_terrain_config(42), 10);
    damaged_record(QS_ENC_ZSTD);
    damaged_record(QS_ENC_RAW);
    damaged_region_index();
    kernel_refuses_a_record();
    missing_region_file();
    damaged_world_file();
    every_flip_and_cut_is_caught();
    no_save_and_other_registry();
    one_sync_per_region();
    failures_at_every_operation();
    return qt_report();
}
