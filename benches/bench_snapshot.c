/*
 * bench_snapshot.c - snapshot: size and speed of whole-world snapshots.
 *
 * The 16x16-column terrain world is built once; each run times
 * qk_snapshot_write into a buffer sized with qk_snapshot_size, then
 * qk_world_restore from those bytes (validation and rebuilding every chunk
 * included).  The first run also writes the restored world again and
 * compares the bytes, the property the determinism tests rely on.
 */
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define NAME "snapshot"

/* Writes w's snapshot into a new buffer; NULL with *err set on failure. */
static uint8_t *snapshot_of(const qk_world *w, size_t *len, json_t **err)
{
    size_t n = qk_snapshot_size(w);
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) {
        *err = qb_error(NAME, "out of memory (%zu bytes)", n);
        return NULL;
    }
    qk_status ks = qk_snapshot_write(w, buf, n, len);
    if (ks != QK_OK) {
        qk_diag d = {0};
        *err = qb_kernel_error(NAME, "qk_snapshot_write", ks, &d);
        free(buf);
        return NULL;
    }
    return buf;
}

json_t *qb_snapshot(const qb_opts *o)
{
    char why[1100];
    qk_world_config cfg;
    qr_pack *pack = qb_terrain_pack(o, &cfg, why, sizeof why);
    if (!pack)
        return qb_error(NAME, "%s", why);
    json_t *out = NULL;
    qk_world *w = NULL;
    uint8_t *buf = NULL;
    double *write_ms = calloc(o->runs, sizeof *write_ms);
    double *restore_ms = calloc(o->runs, sizeof *restore_ms);
    qk_diag d = {0};
    qk_status ks = qk_world_create(&w, &cfg, &pack->registry, &qb_allocator, &d);
    if (ks != QK_OK) {
        out = qb_kernel_error(NAME, "qk_world_create", ks, &d);
        goto done;
    }
    size_t size = qk_snapshot_size(w), len = 0;
    buf = malloc(size ? size : 1);
    if (!buf || !write_ms || !restore_ms) {
        out = qb_error(NAME, "out of memory");
        goto done;
    }
    bool identical = false;
    for (unsigned run = 0; run < o->runs; run++) {
        uint64_t t0 = qb_now_ns();
        ks = qk_snapshot_write(w, buf, size, &len);
        uint64_t t1 = qb_now_ns();
        if (ks != QK_OK) {
            out = qb_kernel_error(NAME, "qk_snapshot_write", ks, &d);
            goto done;
        }
        qk_world *r = NULL;
        uint64_t t2 = qb_now_ns();
        ks = qk_world_restore(&r, buf, len, &pack->registry, &qb_allocator, &d);
        uint64_t t3 = qb_now_ns();
        if (ks != QK_OK) {
            out = qb_kernel_error(NAME, "qk_world_restore", ks, &d);
            goto done;
        }
        if (run == 0) {
            size_t len2 = 0;
            uint8_t *again = snapshot_of(r, &len2, &out);
            identical = again && len2 == len && memcmp(again, buf, len) == 0;
            free(again);
        }
        qk_world_destroy(r);
        if (out)
            goto done;
        write_ms[run] = (double)(t1 - t0) / 1e6;
        restore_ms[run] = (double)(t3 - t2) / 1e6;
        qb_progress(NAME, "run %u/%u: %zu bytes, write %.3f ms, restore %.3f ms", run + 1,
                    o->runs, len, write_ms[run], restore_ms[run]);
    }
    uint32_t chunks = qk_chunk_count(w);
    out = json_object();
    json_object_set_new(out, "world", json_string("terrain 16x16"));
    json_object_set_new(out, "chunks", json_integer(chunks));
    json_object_set_new(out, "bytes", json_integer((json_int_t)len));
    json_object_set_new(out, "bytes_per_chunk", qb_real((double)len / chunks, 1));
    json_object_set_new(out, "write_ms", qb_summary(write_ms, o->runs, 3));
    json_object_set_new(out, "restore_ms", qb_summary(restore_ms, o->runs, 3));
    json_object_set_new(out, "roundtrip_identical", json_boolean(identical));
done:
    qk_world_destroy(w);
    free(buf);
    free(write_ms);
    free(restore_ms);
    qr_pack_free(pack);
    return out;
}
