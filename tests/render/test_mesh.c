/*
 * test_mesh.c - the pure half of the offscreen baker (qm.h): the greedy
 * mesher's quad counts on known shapes and at chunk borders, its faces
 * against a naive per-voxel definition, winding, hash determinism, the
 * light atlas against qk_light_at, a light-only change that leaves the
 * mesh alone, and the .glb container.
 *
 * Worlds are the kernel tests' (tests/kernel/light_fixture.h): all-air or
 * superflat chunks -2..1 on both axes, edits through the step's path.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#include "../kernel/light_fixture.h"
#include "quarry/qm.h"

static uint32_t quads_of(const qk_world *w, int32_t cx, int32_t cz)
{
    qm_mesh m = {0};
    CHECK_INT(qm_mesh_chunk(w, cx, cz, &m), QK_OK);
    uint32_t q = m.quads;
    qm_mesh_free(&m);
    return q;
}

static void box(qk_world *w, int32_t x0, int32_t y0, int32_t z0, int n, qk_block_id b)
{
    for (int x = 0; x < n; x++)
        for (int y = 0; y < n; y++)
            for (int z = 0; z < n; z++)
                edit(w, x0 + x, y0 + y, z0 + z, b);
}

static void shapes(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = empty_config();
    qk_world *w = make(&cfg, &a);
    CHECK_INT(quads_of(w, 0, 0), 0);
    edit(w, 5, 100, 5, B_STONE);
    CHECK_INT(quads_of(w, 0, 0), 6);
    box(w, 5, 100, 5, 2, B_STONE);
    CHECK_INT(quads_of(w, 0, 0), 6);
    box(w, 5, 100, 5, 2, B_AIR);
    /* A 3-wide L, one high: 2 top, 2 bottom, 1 -x, 2 +x, 1 -z, 2 +z. */
    static const int l[][2] = {{0, 0}, {1, 0}, {2, 0}, {0, 1}, {0, 2}};
    for (size_t i = 0; i < 5; i++)
        edit(w, 5 + l[i][0], 100, 5 + l[i][1], B_DIRT);
    CHECK_INT(quads_of(w, 0, 0), 10);
    for (size_t i = 0; i < 5; i++)
        edit(w, 5 + l[i][0], 100, 5 + l[i][1], B_AIR);
    /* Checkerboard: no two solids share a face, nothing merges. */
    int n = 0;
    for (int x = 0; x < 4; x++)
        for (int y = 0; y < 4; y++)
            for (int z = 0; z < 4; z++)
                if ((x + y + z) % 2 == 0) {
                    edit(w, 2 + x, 60 + y, 2 + z, B_STONE);
                    n++;
                }
    CHECK_INT(quads_of(w, 0, 0), 6 * n);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static bool has_quad(const qm_mesh *m, uint8_t normal, qk_block_id b, uint16_t x)
{
    for (uint32_t q = 0; q < m->quads; q++) {
        const qm_vertex *v = &m->v[q * 4];
        if (v->normal == normal && v->block == b && v->x == x)
            return true;
    }
    return false;
}

static void borders_and_glass(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = empty_config();
    qk_world *w = make(&cfg, &a);
    qm_mesh m = {0};
    /* x 15 | 16: the +x face of chunk 0 and the -x face of chunk 1 meet. */
    edit(w, 15, 70, 3, B_STONE);
    CHECK_INT(quads_of(w, 0, 0), 6);
    edit(w, 16, 70, 3, B_STONE);
    CHECK_INT(quads_of(w, 0, 0), 5);
    CHECK_INT(quads_of(w, 1, 0), 5);
    /* The world's edge (x 31 is the last loaded column): drawn. */
    edit(w, 31, 70, 3, B_STONE);
    CHECK_INT(qm_mesh_chunk(w, 1, 0, &m), QK_OK);
    CHECK_INT(m.quads, 5 + 6);
    CHECK(has_quad(&m, 1, B_STONE, 16));
    /* Same across -z at the world's edge and at z 0 | -1. */
    edit(w, 3, 70, -32, B_STONE);
    CHECK_INT(quads_of(w, 0, -2), 6);
    edit(w, 3, 80, 0, B_STONE);
    edit(w, 3, 80, -1, B_STONE);
    CHECK_INT(quads_of(w, 0, 0), 5 + 5);
    /* Glass next to glass: no shared faces, and the two merge. */
    edit(w, -10, 90, -10, B_GLASS);
    edit(w, -9, 90, -10, B_GLASS);
    CHECK_INT(quads_of(w, -1, -1), 6);
    /* Stone next to glass: the stone's face behind the glass shows, the
     * glass's face against the stone does not. */
    edit(w, -10, 90, -10, B_STONE);
    CHECK_INT(qm_mesh_chunk(w, -1, -1, &m), QK_OK);
    CHECK_INT(m.quads, 11);
    CHECK(has_quad(&m, 1, B_STONE, 7));
    CHECK(!has_quad(&m, 0, B_GLASS, 7));
    CHECK_INT(qm_mesh_chunk(w, 2, 0, &m), QK_ERR_RANGE);
    CHECK_INT(qm_mesh_chunk(w, -3, 0, &m), QK_ERR_RANGE);
    qm_mesh_free(&m);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* The independent definition: face (voxel, direction) is visible when the
 * voxel holds b != air and the neighbour (through qk_block_at; outside the
 * world is air) is neither opaque nor b.  Every quad must cover visible
 * faces of its block only, wind counter-clockwise around its normal, and
 * together the quads must cover each visible face exactly once. */
static const int dirs[6][3] = {{-1, 0, 0}, {1, 0, 0}, {0, -1, 0}, {0, 1, 0}, {0, 0, -1}, {0, 0, 1}};

static qk_block_id at(const qk_world *w, int32_t x, int32_t y, int32_t z)
{
    qk_block_id b = QK_BLOCK_AIR;
    (void)qk_block_at(w, x, y, z, &b);
    return b;
}

static bool visible(const qk_world *w, int32_t x, int32_t y, int32_t z, int d)
{
    qk_block_id b = at(w, x, y, z);
    qk_block_id n = at(w, x + dirs[d][0], y + dirs[d][1], z + dirs[d][2]);
    return b != QK_BLOCK_AIR && n != b && !qk_block_def_of(w, n)->opaque;
}

static void against_naive(const qk_world *w, int32_t cx, int32_t cz, const qm_mesh *m)
{
    static uint8_t seen[6][QK_CHUNK_W][QK_CHUNK_H][QK_CHUNK_W];
    memset(seen, 0, sizeof seen);
    long bad = 0;
    for (uint32_t q = 0; q < m->quads; q++) {
        const qm_vertex *v = &m->v[q * 4];
        int d = v->normal, axis = d / 2;
        int lo[3] = {v[0].x, v[0].y, v[0].z}, hi[3] = {v[0].x, v[0].y, v[0].z};
        for (int k = 1; k < 4; k++) {
            int c[3] = {v[k].x, v[k].y, v[k].z};
            for (int i = 0; i < 3; i++) {
                lo[i] = c[i] < lo[i] ? c[i] : lo[i];
                hi[i] = c[i] > hi[i] ? c[i] : hi[i];
            }
            bad += v[k].normal != d || v[k].block != v[0].block;
        }
        /* Winding: (v1 - v0) x (v2 - v0) points along the normal. */
        long e1[3] = {v[1].x - v[0].x, v[1].y - v[0].y, v[1].z - v[0].z};
        long e2[3] = {v[2].x - v[0].x, v[2].y - v[0].y, v[2].z - v[0].z};
        long cr[3] = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2],
                      e1[0] * e2[1] - e1[1] * e2[0]};
        bad += cr[axis] * dirs[d][axis] <= 0;
        bad += lo[axis] != hi[axis];
        int plane = lo[axis] - (d & 1); /* the voxel layer the faces belong to */
        hi[axis] = lo[axis] = plane;
        hi[axis]++;
        for (int x = lo[0]; x < hi[0]; x++)
            for (int y = lo[1]; y < hi[1]; y++)
                for (int z = lo[2]; z < hi[2]; z++) {
                    int32_t wx = cx * 16 + x, wz = cz * 16 + z;
                    bad += !visible(w, wx, y, wz, d) || at(w, wx, y, wz) != v->block;
                    bad += seen[d][x][y][z]++ != 0;
                }
        const uint32_t *ix = &m->idx[q * 6];
        bad += ix[0] != q * 4 || ix[1] != q * 4 + 1 || ix[2] != q * 4 + 2 || ix[3] != q * 4 ||
               ix[4] != q * 4 + 2 || ix[5] != q * 4 + 3;
    }
    for (int d = 0; d < 6; d++)
        for (int x = 0; x < 16; x++)
            for (int y = 0; y < QK_CHUNK_H; y++)
                for (int z = 0; z < 16; z++)
                    bad += visible(w, cx * 16 + x, y, cz * 16 + z, d) != (seen[d][x][y][z] == 1);
    CHECK_INT(bad, 0);
}

/* An independent serialisation of the documented hash (qm.h, mesh.c). */
static uint64_t rehash(const qm_mesh *m)
{
    size_t n = 4 + (size_t)m->quads * (4 * 9 + 6 * 4);
    uint8_t *b = malloc(n), *p = b;
    uint32_t q = m->quads;
    for (int i = 0; i < 4; i++)
        *p++ = (uint8_t)(q >> (8 * i));
    for (uint32_t i = 0; i < q * 4; i++) {
        const qm_vertex *v = &m->v[i];
        uint16_t f[3] = {v->x, v->y, v->z};
        for (int k = 0; k < 3; k++) {
            *p++ = (uint8_t)f[k];
            *p++ = (uint8_t)(f[k] >> 8);
        }
        *p++ = v->normal;
        *p++ = (uint8_t)v->block;
        *p++ = (uint8_t)(v->block >> 8);
    }
    for (uint32_t i = 0; i < q * 6; i++)
        for (int k = 0; k < 4; k++)
            *p++ = (uint8_t)(m->idx[i] >> (8 * k));
    uint64_t h = XXH3_64bits(b, n);
    free(b);
    return h;
}

static void random_blocks(qk_world *w, uint64_t seed, int n, bool reverse)
{
    /* The same n edits, in either order (no voxel twice). */
    int32_t (*e)[4] = malloc((size_t)n * sizeof *e);
    uint64_t s = seed;
    static const qk_block_id pick[] = {B_STONE, B_GLASS, B_DIRT, B_GLASS, B_TORCH, B_AIR};
    for (int i = 0; i < n; i++) {
        e[i][0] = in_range(&s, -20, 19);
        e[i][1] = i % 7 == 0 ? in_range(&s, 240, 255) : in_range(&s, 0, 20);
        e[i][2] = in_range(&s, -20, 19);
        e[i][3] = pick[in_range(&s, 0, 5)];
        for (int j = 0; j < i; j++)
            if (e[j][0] == e[i][0] && e[j][1] == e[i][1] && e[j][2] == e[i][2])
                e[i][3] = -1;
    }
    for (int k = 0; k < n; k++) {
        int i = reverse ? n - 1 - k : k;
        if (e[i][3] >= 0)
            edit(w, e[i][0], e[i][1], e[i][2], (qk_block_id)e[i][3]);
    }
    free(e);
}

static void determinism(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w1 = make(&cfg, &a), *w2 = make(&cfg, &a);
    random_blocks(w1, 99, 600, false);
    random_blocks(w2, 99, 600, true);
    qm_mesh m1 = {0}, m2 = {0};
    long diff = 0;
    for (int32_t cx = -2; cx <= 1; cx++)
        for (int32_t cz = -2; cz <= 1; cz++) {
            CHECK_INT(qm_mesh_chunk(w1, cx, cz, &m1), QK_OK);
            CHECK_INT(qm_mesh_chunk(w2, cx, cz, &m2), QK_OK);
            diff += m1.hash != m2.hash || m1.quads != m2.quads;
            CHECK_U64(m1.hash, rehash(&m1));
            against_naive(w1, cx, cz, &m1);
        }
    CHECK_INT(diff, 0);
    /* One block more changes the hash; putting it back restores it. */
    CHECK_INT(qm_mesh_chunk(w1, 0, 0, &m1), QK_OK);
    uint64_t before = m1.hash;
    qk_block_id old = at(w1, 3, 100, 3);
    edit(w1, 3, 100, 3, B_DIRT);
    CHECK_INT(qm_mesh_chunk(w1, 0, 0, &m2), QK_OK);
    CHECK(m2.hash != before);
    edit(w1, 3, 100, 3, old);
    CHECK_INT(qm_mesh_chunk(w1, 0, 0, &m2), QK_OK);
    CHECK_U64(m2.hash, before);
    qm_mesh_free(&m1);
    qm_mesh_free(&m2);
    qk_world_destroy(w1);
    qk_world_destroy(w2);
    CHECK_INT(a.live, 0);
}

static void atlas_matches(const qk_world *w, int32_t cx, int32_t cz, const uint8_t *atlas)
{
    long bad = 0;
    for (int y = 0; y < QK_CHUNK_H; y++)
        for (int z = 0; z < 16; z++)
            for (int x = 0; x < 16; x++) {
                uint8_t sky, blk;
                CHECK_INT(qk_light_at(w, cx * 16 + x, y, cz * 16 + z, &sky, &blk), QK_OK);
                const uint8_t *t = &atlas[2 * ((y * 16 + z) * QM_ATLAS_W + x)];
                bad += t[0] != sky || t[1] != blk;
            }
    CHECK_INT(bad, 0);
}

/* A torch in column (0,0) two blocks from its west border lights column
 * (-1,0): (-1,0)'s geometry stays, its light moves, its mesh is the same
 * and its atlas is not. */
static void light_only(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = deep_config();
    qk_world *w = make(&cfg, &a);
    uint8_t *before = malloc(QM_ATLAS_BYTES), *after = malloc(QM_ATLAS_BYTES);
    qm_mesh m = {0};
    qk_chunk_revs r0, r1;
    uint64_t lrev0, lrev1;
    CHECK_INT(qk_chunk_revisions(w, -1, 0, &r0), QK_OK);
    CHECK_INT(qm_mesh_chunk(w, -1, 0, &m), QK_OK);
    uint64_t hash0 = m.hash;
    CHECK_U64(m.geometry, r0.geometry);
    CHECK_INT(qm_light_atlas(w, -1, 0, before, &lrev0), QK_OK);
    CHECK_U64(lrev0, r0.light);
    atlas_matches(w, -1, 0, before);
    /* Through a real step: a player places a torch. */
    qk_input in[2] = {fx_join(0, 1, 2, DEEP_GROUND, 4), fx_op(1, 1, 1, QK_OP_SELECT)};
    CHECK_INT(qk_step(w, &in[0], 1, NULL, NULL), QK_OK);
    in[1].u.select.slot = 2;
    CHECK_INT(qk_step(w, &in[1], 1, NULL, NULL), QK_OK);
    qk_input pl = fx_op(2, 1, 2, QK_OP_PLACE);
    pl.u.place.x = 1;
    pl.u.place.y = DEEP_GROUND - 1;
    pl.u.place.z = 6;
    pl.u.place.face = QK_FACE_UP;
    CHECK_INT(qk_step(w, &pl, 1, NULL, NULL), QK_OK);
    CHECK_INT(at(w, 1, DEEP_GROUND, 6), B_TORCH);
    CHECK_INT(qk_chunk_revisions(w, -1, 0, &r1), QK_OK);
    CHECK_U64(r1.geometry, r0.geometry);
    CHECK(r1.light != r0.light);
    CHECK_INT(qm_mesh_chunk(w, -1, 0, &m), QK_OK);
    CHECK_U64(m.hash, hash0);
    CHECK_INT(qm_light_atlas(w, -1, 0, after, &lrev1), QK_OK);
    CHECK_U64(lrev1, r1.light);
    CHECK(memcmp(before, after, QM_ATLAS_BYTES) != 0);
    atlas_matches(w, -1, 0, after);
    CHECK_INT(qm_light_atlas(w, 0, 0, after, NULL), QK_OK);
    atlas_matches(w, 0, 0, after);
    CHECK_INT(qm_light_atlas(w, 5, 0, after, NULL), QK_ERR_RANGE);
    qm_mesh_free(&m);
    free(before);
    free(after);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

static void glb(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config();
    qk_world *w = make(&cfg, &a);
    edit(w, 0, FX_GROUND, 0, B_GLASS);
    uint8_t rgb[B_COUNT][3] = {{0}};
    rgb[B_STONE][0] = 200;
    qm_palette pal = {rgb, B_COUNT};
    char path[] = "test_mesh_out.glb", why[256] = "";
    CHECK_INT(qm_export_glb(w, &pal, path, why, sizeof why), 0);
    size_t len = 0;
    uint8_t *b = slurp(path, &len);
    CHECK(b != NULL && len >= 28);
    if (!b || len < 28)
        return;
    CHECK(memcmp(b, "glTF", 4) == 0);
    CHECK_INT(rd32(b + 4), 2);
    CHECK_INT(rd32(b + 8), len);
    uint32_t jlen = rd32(b + 12);
    CHECK(memcmp(b + 16, "JSON", 4) == 0);
    CHECK_INT(jlen % 4, 0);
    CHECK(20 + (size_t)jlen + 8 <= len);
    uint32_t blen = rd32(b + 20 + jlen);
    CHECK(memcmp(b + 24 + jlen, "BIN\0", 4) == 0);
    CHECK_INT(blen % 4, 0);
    CHECK_INT(28 + (size_t)jlen + blen, len);
    json_error_t err;
    json_t *root = json_loadb((const char *)b + 20, jlen, 0, &err);
    CHECK(root != NULL);
    if (root) {
        CHECK_STR(json_string_value(json_object_get(json_object_get(root, "asset"), "version")),
                  "2.0");
        json_t *meshes = json_object_get(root, "meshes"), *acc = json_object_get(root, "accessors");
        CHECK_INT(json_array_size(meshes), 16);
        CHECK_INT(json_array_size(acc), 48);
        CHECK_INT(json_integer_value(json_object_get(json_array_get(json_object_get(root, "buffers"), 0),
                                                     "byteLength")) <= blen, 1);
        /* Each column: the flat ground (6 quads) and, in (0,0), the glass. */
        long quads = 0;
        for (size_t i = 0; i < 16; i++) {
            json_int_t nv = json_integer_value(json_object_get(json_array_get(acc, 3 * i), "count"));
            json_int_t nc = json_integer_value(json_object_get(json_array_get(acc, 3 * i + 1), "count"));
            json_int_t ni = json_integer_value(json_object_get(json_array_get(acc, 3 * i + 2), "count"));
            CHECK_INT(nv, nc);
            CHECK_INT(ni * 4, nv * 6);
            quads += (long)(nv / 4);
        }
        long want = 0;
        for (int32_t cx = -2; cx <= 1; cx++)
            for (int32_t cz = -2; cz <= 1; cz++)
                want += quads_of(w, cx, cz);
        CHECK_INT(quads, want);
        json_decref(root);
    }
    /* Deterministic bytes: a second export is identical. */
    CHECK_INT(qm_export_glb(w, &pal, path, why, sizeof why), 0);
    size_t len2 = 0;
    uint8_t *b2 = slurp(path, &len2);
    CHECK(b2 && len2 == len && memcmp(b, b2, len) == 0);
    free(b2);
    free(b);
    remove(path);
    CHECK_INT(qm_export_glb(w, &pal, "/nonexistent-dir/x.glb", why, sizeof why), -1);
    CHECK(strstr(why, "nonexistent") != NULL);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

int main(void)
{
    init_registry();
    shapes();
    borders_and_glass();
    determinism();
    light_only();
    glb();
    return qt_report();
}
