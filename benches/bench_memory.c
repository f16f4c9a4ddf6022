/*
 * bench_memory.c - chunk_memory: bytes the kernel holds per chunk column.
 *
 * qk_world_memory counts every byte the world holds from its allocator
 * (chunk table, sections, palettes, players, registry copy), so dividing by
 * qk_chunk_count gives the average cost of a loaded column, overheads
 * included.  A raw column would be 16x256x16 voxels of 3 bytes (a 16-bit
 * block id and two 4-bit light channels): 192 KiB.  The figure is exact and
 * does not vary between runs, so it is measured once per world kind.
 */
#include "bench.h"

#define NAME "chunk_memory"
#define RAW_BYTES_PER_CHUNK (QK_CHUNK_W * QK_CHUNK_H * QK_CHUNK_W * 3)
#define TARGET_KIB_PER_CHUNK 64

static json_t *measure(const qr_pack *pack, const qk_world_config *cfg, const char *kind)
{
    qk_world *w = NULL;
    qk_diag d = {0};
    qk_status ks = qk_world_create(&w, cfg, &pack->registry, &qb_allocator, &d);
    if (ks != QK_OK) {
        char call[64];
        snprintf(call, sizeof call, "%s world: qk_world_create", kind);
        return qb_kernel_error(NAME, call, ks, &d);
    }
    size_t bytes = qk_world_memory(w);
    uint32_t chunks = qk_chunk_count(w);
    qk_world_destroy(w);
    double per = (double)bytes / chunks;
    qb_progress(NAME, "%s: %zu bytes for %u chunks, %.0f bytes (%.2f KiB) per chunk", kind,
                bytes, chunks, per, per / 1024);
    json_t *o = json_object();
    json_object_set_new(o, "chunks", json_integer(chunks));
    json_object_set_new(o, "world_bytes", json_integer((json_int_t)bytes));
    json_object_set_new(o, "bytes_per_chunk", qb_real(per, 1));
    json_object_set_new(o, "kib_per_chunk", qb_real(per / 1024, 3));
    return o;
}

json_t *qb_chunk_memory(const qb_opts *o)
{
    char why[1100];
    qr_pack *pack = qb_load_pack(o, why, sizeof why);
    if (!pack)
        return qb_error(NAME, "%s", why);
    qk_world_config terrain, flat;
    json_t *out;
    if (!qb_terrain_config(pack, &terrain, why, sizeof why) ||
        !qb_superflat_config(pack, &flat, why, sizeof why)) {
        out = qb_error(NAME, "%s", why);
    } else {
        out = json_object();
        json_object_set_new(out, "terrain", measure(pack, &terrain, "terrain"));
        json_object_set_new(out, "superflat", measure(pack, &flat, "superflat"));
        json_object_set_new(out, "target_kib_per_chunk", json_integer(TARGET_KIB_PER_CHUNK));
        json_object_set_new(out, "raw_kib_per_chunk", json_integer(RAW_BYTES_PER_CHUNK / 1024));
    }
    qr_pack_free(pack);
    return out;
}
