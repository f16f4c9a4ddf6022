/*
 * bench_render.c - mesh: the greedy mesher and the light atlas of
 * adapters/render (qm.h) on the 16x16-column terrain world.
 *
 * The world is built once.  Each run meshes every column (one reused
 * qm_mesh, as the baker does) and builds every column's light atlas, timing
 * each call; the figures are per column across all runs: median and p99 of
 * qm_mesh_chunk (target: median <= 200 us) and of qm_light_atlas, and the
 * quads per column (median and max, which do not vary between runs).
 */
#include <stdlib.h>

#include "bench.h"
#include "quarry/qm.h"

#define NAME "mesh"

json_t *qb_mesh(const qb_opts *o)
{
    char why[1100];
    qk_world_config cfg;
    qr_pack *pack = qb_terrain_pack(o, &cfg, why, sizeof why);
    if (!pack)
        return qb_error(NAME, "%s", why);
    json_t *out = NULL;
    qk_world *w = NULL;
    qm_mesh m = {0};
    enum { SIDE = QB_CHUNK_MAX - QB_CHUNK_MIN + 1, COLS = SIDE * SIDE };
    size_t n = (size_t)COLS * o->runs;
    double *mesh_us = calloc(n, sizeof *mesh_us), *atlas_us = calloc(n, sizeof *atlas_us);
    double *quads = calloc(COLS, sizeof *quads);
    uint8_t *atlas = malloc(QM_ATLAS_BYTES);
    qk_diag d = {0};
    qk_status ks = qk_world_create(&w, &cfg, &pack->registry, &qb_allocator, &d);
    if (ks != QK_OK) {
        out = qb_kernel_error(NAME, "qk_world_create", ks, &d);
        goto done;
    }
    if (!mesh_us || !atlas_us || !quads || !atlas) {
        out = qb_error(NAME, "out of memory");
        goto done;
    }
    size_t k = 0;
    uint64_t total_quads = 0;
    for (unsigned run = 0; run < o->runs; run++) {
        size_t c = 0;
        for (int32_t cx = QB_CHUNK_MIN; cx <= QB_CHUNK_MAX; cx++) {
            for (int32_t cz = QB_CHUNK_MIN; cz <= QB_CHUNK_MAX; cz++, c++, k++) {
                uint64_t t0 = qb_now_ns();
                ks = qm_mesh_chunk(w, cx, cz, &m);
                uint64_t t1 = qb_now_ns();
                if (ks != QK_OK) {
                    out = qb_kernel_error(NAME, "qm_mesh_chunk", ks, NULL);
                    goto done;
                }
                uint64_t rev;
                ks = qm_light_atlas(w, cx, cz, atlas, &rev);
                uint64_t t2 = qb_now_ns();
                if (ks != QK_OK) {
                    out = qb_kernel_error(NAME, "qm_light_atlas", ks, NULL);
                    goto done;
                }
                mesh_us[k] = (double)(t1 - t0) / 1e3;
                atlas_us[k] = (double)(t2 - t1) / 1e3;
                if (run == 0) {
                    quads[c] = m.quads;
                    total_quads += m.quads;
                }
            }
        }
    }
    qb_sort(mesh_us, n);
    qb_sort(atlas_us, n);
    qb_sort(quads, COLS);
    out = json_object();
    json_object_set_new(out, "columns", json_integer(COLS));
    json_object_set_new(out, "mesh_us_median", qb_real(qb_percentile(mesh_us, n, 50), 1));
    json_object_set_new(out, "mesh_us_p99", qb_real(qb_percentile(mesh_us, n, 99), 1));
    json_object_set_new(out, "mesh_us_target", json_integer(200));
    json_object_set_new(out, "atlas_us_median", qb_real(qb_percentile(atlas_us, n, 50), 1));
    json_object_set_new(out, "atlas_us_p99", qb_real(qb_percentile(atlas_us, n, 99), 1));
    json_object_set_new(out, "quads_median", json_integer((json_int_t)qb_percentile(quads, COLS, 50)));
    json_object_set_new(out, "quads_max", json_integer((json_int_t)quads[COLS - 1]));
    json_object_set_new(out, "quads_total", json_integer((json_int_t)total_quads));
done:
    qm_mesh_free(&m);
    free(mesh_us);
    free(atlas_us);
    free(quads);
    free(atlas);
    qk_world_destroy(w);
    qr_pack_free(pack);
    return out;
}
