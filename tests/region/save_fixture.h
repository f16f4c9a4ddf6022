/*
 * save_fixture.h - what the save tests share: worlds with edits in them,
 * comparing two worlds, and reading a save directory's files back for
 * byte comparisons.  Builds on the kernel tests' fixture (registry,
 * counting allocator, superflat config).
 */
#ifndef QUARRY_TEST_SAVE_FIXTURE_H
#define QUARRY_TEST_SAVE_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "kernel/fixture.h"
#include "quarry/qs.h"

/* Terrain over the same rectangle as fx_flat_config: chunks -2..1 on both
 * axes, so four regions meet at the origin. */
static inline qk_world_config sv_terrain_config(uint64_t seed)
{
    qk_world_config c = fx_flat_config();
    c.seed = seed;
    c.generator = QK_GEN_TERRAIN;
    c.layer_count = 0;
    c.terrain.bedrock = B_BEDROCK;
    c.terrain.stone = B_STONE;
    c.terrain.dirt = B_DIRT;
    c.terrain.grass = B_GRASS;
    c.terrain.base_height = 64;
    c.terrain.amplitude = 12;
    c.terrain.caves = 100;
    return c;
}

/* y of the highest non-air block of column (x, z), or -1. */
static inline int32_t sv_top(const qk_world *w, int32_t x, int32_t z)
{
    for (int32_t y = QK_CHUNK_H - 1; y >= 0; y--) {
        qk_block_id b = QK_BLOCK_AIR;
        if (qk_block_at(w, x, y, z, &b) == QK_OK && b != QK_BLOCK_AIR)
            return y;
    }
    return -1;
}

static inline qk_status sv_step(qk_world *w, qk_input *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        in[i].tick = qk_world_tick(w);
    return qk_step(w, in, n, NULL, NULL);
}

/* Player `id` joins standing on column (x, z) and waits to land. */
static inline void sv_join_at(qk_world *w, uint32_t id, int32_t x, int32_t z)
{
    qk_input in = fx_join(0, id, x, sv_top(w, x, z) + 1, z);
    sv_step(w, &in, 1);
    for (int i = 0; i < 20; i++)
        sv_step(w, NULL, 0);
}

/* n edits by player `id` standing on (px, pz), one per tick, on the
 * surface around it; even rounds of eight break the top block, odd ones
 * place stone on it; `salt` varies which columns see what. */
static inline void sv_edits_at(qk_world *w, uint32_t id, int32_t px, int32_t pz, uint32_t n,
                               uint32_t salt)
{
    static const int8_t off[8][2] = {{1, 1}, {-1, -1}, {2, 0}, {-2, 1},
                                     {0, -2}, {1, -2}, {-2, -1}, {-1, 2}};
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k = salt + i;
        int32_t x = px + off[k % 8][0], z = pz + off[k % 8][1];
        int32_t y = sv_top(w, x, z);
        qk_input in = fx_op(0, id, k + 1, (k / 8) % 2 ? QK_OP_PLACE : QK_OP_BREAK);
        if (in.op == QK_OP_PLACE) {
            in.u.place.x = x;
            in.u.place.y = y;
            in.u.place.z = z;
            in.u.place.face = QK_FACE_UP;
        } else {
            in.u.brk.x = x;
            in.u.brk.y = y;
            in.u.brk.z = z;
        }
        sv_step(w, &in, 1);
    }
}

/* Player 1 on the origin, where four chunks and four regions meet: its
 * edits reach into all of them. */
static inline void sv_join(qk_world *w)
{
    sv_join_at(w, 1, 0, 0);
}

static inline void sv_edits(qk_world *w, uint32_t n, uint32_t salt)
{
    sv_edits_at(w, 1, 0, 0, n, salt);
}

/* Same tick and digests (every subsystem and the chain)? */
static inline bool sv_same_state(const qk_world *a, const qk_world *b)
{
    qk_digests da, db;
    qk_world_digests(a, &da);
    qk_world_digests(b, &db);
    bool same = qk_world_tick(a) == qk_world_tick(b) && da.chain == db.chain;
    for (int i = 0; i < QK_SUB__COUNT; i++)
        same &= da.sub[i] == db.sub[i];
    return same;
}

/* Whole snapshots byte for byte. */
static inline bool sv_same_snapshot(const qk_world *a, const qk_world *b)
{
    size_t la = qk_snapshot_size(a), lb = qk_snapshot_size(b), wa = 0, wb = 0;
    uint8_t *sa = malloc(la), *sb = malloc(lb);
    bool same = sa && sb && la == lb && qk_snapshot_write(a, sa, la, &wa) == QK_OK &&
                qk_snapshot_write(b, sb, lb, &wb) == QK_OK && memcmp(sa, sb, la) == 0;
    free(sa);
    free(sb);
    return same;
}

/* ---- a save directory's files, for byte comparisons ---- */

typedef struct sv_names {
    char **v;
    size_t n;
} sv_names;

static inline int sv_add_name(void *arg, const char *name)
{
    sv_names *s = arg;
    char **v = realloc(s->v, (s->n + 1) * sizeof *v);
    size_t len = strlen(name) + 1;
    char *c = malloc(len);
    if (!v || !c)
        abort();
    memcpy(c, name, len);
    s->v = v;
    s->v[s->n++] = c;
    return 0;
}

static inline int sv_cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct sv_buf {
    uint8_t *p;
    size_t len;
} sv_buf;

static inline void sv_append(sv_buf *b, const void *p, size_t n)
{
    uint8_t *q = realloc(b->p, b->len + n + 1);
    if (!q)
        abort();
    memcpy(q + b->len, p, n);
    b->p = q;
    b->len += n;
}

/* Appends "name\0<len>bytes" for every file of dir (names relative to
 * the save directory, sorted), going into subdirectories `depth` deep. */
static inline void sv_dump_dir(const qs_io *io, const char *dir, const char *rel, sv_buf *out,
                               int depth)
{
    sv_names names = {NULL, 0};
    io->list(io->ud, dir, sv_add_name, &names);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, sv_cmp_name);
    for (size_t i = 0; i < names.n; i++) {
        char path[1200], name[1200], sub[1200];
        if (snprintf(path, sizeof path, "%s/%s", dir, names.v[i]) >= (int)sizeof path ||
            snprintf(name, sizeof name, "%s%s", rel, names.v[i]) >= (int)sizeof name ||
            snprintf(sub, sizeof sub, "%s/", name) >= (int)sizeof sub) {
            free(names.v[i]);
            continue; /* test paths are short: never taken */
        }
        uint8_t *b = NULL;
        size_t n = 0;
        int r = io->read(io->ud, path, &b, &n);
        if (r == 0) {
            uint64_t n64 = n;
            sv_append(out, name, strlen(name) + 1);
            sv_append(out, &n64, sizeof n64);
            sv_append(out, b, n);
        } else if (depth > 0) {
            sv_append(out, sub, strlen(sub) + 1); /* the directory itself */
            sv_dump_dir(io, path, sub, out, depth - 1);
        }
        free(b);
        free(names.v[i]);
    }
    free(names.v);
}

static inline int sv_ignore_name(void *arg, const char *name)
{
    (void)arg;
    (void)name;
    return 0;
}

/* Everything in a save directory - whether it exists, its files' names
 * and bytes, its subdirectories - as one buffer: two directories with
 * equal dumps read the same through any qs_io call. */
static inline sv_buf sv_dump(const qs_io *io, const char *dir)
{
    sv_buf b = {NULL, 0};
    if (io->list(io->ud, dir, sv_ignore_name, NULL) == 0) {
        sv_append(&b, "./", 3);
        sv_dump_dir(io, dir, "", &b, 1);
    }
    return b;
}

static inline bool sv_same_dump(sv_buf a, sv_buf b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

#endif
