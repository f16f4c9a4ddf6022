/*
 * qm.h - the offscreen baker's public interface (adapters/render).
 *
 * Two layers:
 *   - pure C, no GL (mesh.c, atlas.c, gltf.c): the greedy mesher, the light
 *     atlas and glTF export.  They read a world through the kernel's public
 *     queries only and never change it.  Testable anywhere.
 *   - GL (bake.c): EGL on Mesa with no display (EGL_PLATFORM_SURFACELESS_MESA
 *     through eglGetPlatformDisplayEXT), a GLES 3.0 context, a framebuffer
 *     object with depth, glReadPixels, PNG through libpng.  Works on Mesa's
 *     llvmpipe with no GPU.
 *
 * Geometry and light are separate on purpose: a chunk's mesh depends only
 * on blocks (rebuilt when its geometry revision moves), its light atlas
 * only on light (re-uploaded when its light revision moves), and the
 * fragment shader scales skylight by the sky scalar, so noon and midnight
 * differ with no re-meshing.
 */
#ifndef QUARRY_QM_H
#define QUARRY_QM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quarry/qk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== */
/* Greedy mesher (pure)                                                  */
/* ===================================================================== */

/* A visible face is between a voxel of block b (not air) and a neighbour
 * that does not hide it: air, a non-opaque block of another id, or
 * outside the loaded world (chunk borders consult the neighbouring
 * columns when they are loaded).  Faces of the same block and direction in
 * one plane merge into maximal rectangles (greedy: rows first, then
 * widened along the other axis), so a 2x2x2 cube is 6 quads.
 *
 * Vertices are in chunk-local block units (x 0..16, y 0..256, z 0..16),
 * each carrying the face normal index and the block id; 4 vertices and 6
 * indices (two triangles, counter-clockwise seen from outside) per quad. */
typedef struct qm_vertex {
    uint16_t x, y, z;  /* corner, chunk-local blocks */
    uint8_t normal;    /* 0 -x, 1 +x, 2 -y, 3 +y, 4 -z, 5 +z */
    uint8_t pad;
    qk_block_id block;
} qm_vertex;

typedef struct qm_mesh {
    int32_t cx, cz;
    qm_vertex *v;      /* 4 per quad */
    uint32_t *idx;     /* 6 per quad */
    uint32_t quads;
    uint32_t cap;      /* quads the arrays can hold */
    uint64_t geometry; /* the column's geometry revision it was built from */
    uint64_t hash;     /* XXH3 of the vertices and indices as little-endian
                          bytes: stable across runs, compilers and hosts */
} qm_mesh;

/* Meshes column (cx, cz) of w into m (its arrays are grown as needed and
 * reused across calls; m starts zeroed).  QK_ERR_RANGE for a column that is
 * not loaded, QK_ERR_NOMEM. */
qk_status qm_mesh_chunk(const qk_world *w, int32_t cx, int32_t cz, qm_mesh *m);
void qm_mesh_free(qm_mesh *m);

/* ===================================================================== */
/* Light atlas (pure)                                                    */
/* ===================================================================== */

/* A column's light as a 2D texture, x by (y * 16 + z): 16 wide, 4096 high,
 * two 8-bit channels per texel (R: skylight 0..15, G: block light 0..15),
 * texel (x, y*16+z) at byte 2 * ((y*16+z) * 16 + x). */
#define QM_ATLAS_W 16
#define QM_ATLAS_H (QK_CHUNK_H * QK_CHUNK_W)
#define QM_ATLAS_BYTES (2 * QM_ATLAS_W * QM_ATLAS_H)

/* Fills out[QM_ATLAS_BYTES]; *light_rev gets the revision it shows.
 * QK_ERR_RANGE for an unloaded column. */
qk_status qm_light_atlas(const qk_world *w, int32_t cx, int32_t cz, uint8_t *out,
                         uint64_t *light_rev);

/* ===================================================================== */
/* Colours                                                               */
/* ===================================================================== */

/* RGB per block id (index = id), from the pack's "color" fields; blocks
 * without one get a grey derived from the id. */
typedef struct qm_palette {
    uint8_t (*rgb)[3];
    uint32_t count;
} qm_palette;

/* ===================================================================== */
/* glTF export (pure)                                                    */
/* ===================================================================== */

/* Writes every loaded column's mesh as one glTF 2.0 binary (.glb): one
 * mesh per column, positions in blocks (world coordinates), vertex colours
 * from the palette with the face's directional shading, at path
 * (atomically).  Returns 0, or -1 with a message in why[0..cap). */
int qm_export_glb(const qk_world *w, const qm_palette *pal, const char *path, char *why,
                  size_t cap);

/* ===================================================================== */
/* Baking (GL)                                                           */
/* ===================================================================== */

typedef struct qm_camera {
    double x, y, z;    /* eye, world blocks */
    double yaw, pitch; /* degrees: yaw 0 looks +z, 90 looks -x; pitch + down */
    double fov;        /* vertical, degrees (0: 60) */
} qm_camera;

typedef struct qm_bake_opts {
    uint32_t width, height; /* pixels (0: 256) */
    qm_camera camera;
    bool orbit;             /* ignore camera: look at the world's centre from
                               above a corner, fitting the whole rectangle */
    bool light_debug;       /* colour by light level (a heat map), not blocks */
} qm_bake_opts;

typedef struct qm_baker qm_baker;

/* Opens EGL (surfaceless Mesa) and a GLES 3.0 context.  NULL with a
 * message in why when EGL or GLES is missing: the caller exits 2. */
qm_baker *qm_baker_open(char *why, size_t cap);
void qm_baker_close(qm_baker *b);

/* Renders w into rgba[width * height * 4] (rows top to bottom).  Meshes
 * are rebuilt only for columns whose geometry revision moved since the
 * last bake of this baker, light atlases re-uploaded only when the light
 * revision moved (see qm_baker_stats).  0, or -1 with why filled. */
int qm_bake(qm_baker *b, const qk_world *w, const qm_palette *pal, const qm_bake_opts *o,
            uint8_t *rgba, char *why, size_t cap);

typedef struct qm_bake_stats {
    uint64_t mesh_builds;    /* columns meshed since the baker opened */
    uint64_t light_uploads;  /* light atlases uploaded */
    uint64_t draws;          /* bakes */
} qm_bake_stats;
void qm_baker_stats(const qm_baker *b, qm_bake_stats *out);

/* Writes rgba (width x height) as an 8-bit RGBA PNG with libpng,
 * atomically.  0, or -1 with why filled. */
int qm_write_png(const char *path, const uint8_t *rgba, uint32_t width, uint32_t height,
                 char *why, size_t cap);

/* The same PNG bytes as qm_write_png, into a malloc'd buffer (*out,
 * *len; free() it).  0, or -1 with why filled. */
int qm_png_encode(const uint8_t *rgba, uint32_t width, uint32_t height, uint8_t **out,
                  size_t *len, char *why, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_QM_H */
