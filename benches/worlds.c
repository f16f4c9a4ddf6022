/*
 * worlds.c - the worlds the kernel benchmarks build directly.
 *
 * step_cost, chunk_memory and snapshot skip the scenario reader and call
 * qk_world_create themselves, so they measure the kernel alone.  Block ids
 * still come from packs/default.json, through the replay library's pack
 * loader, so the bench cannot drift from the ids scenarios use.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

qr_pack *qb_load_pack(const qb_opts *o, char *why, size_t cap)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/packs/default.json", o->root);
    qr_pack *p = NULL;
    qr_error err = {0};
    if (qr_pack_load(&p, path, &err) != QR_OK) {
        qr_error_format(&err, why, cap);
        return NULL;
    }
    return p;
}

static bool lookup(const qr_pack *p, const char *name, qk_block_id *out, char *why,
                   size_t cap)
{
    if (qr_pack_lookup(p, name, out))
        return true;
    snprintf(why, cap, "pack \"%s\" has no block \"%s\"", p->name, name);
    return false;
}

static void rectangle(qk_world_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->seed = QB_SEED;
    cfg->cx_min = cfg->cz_min = QB_CHUNK_MIN;
    cfg->cx_max = cfg->cz_max = QB_CHUNK_MAX;
}

bool qb_terrain_config(const qr_pack *p, qk_world_config *cfg, char *why, size_t cap)
{
    rectangle(cfg);
    cfg->generator = QK_GEN_TERRAIN;
    qk_terrain_params *t = &cfg->terrain;
    /* The defaults of a scenario's "world" object (docs/formats.md). */
    t->base_height = 64;
    t->amplitude = 12;
    t->caves = 100;
    return lookup(p, "bedrock", &t->bedrock, why, cap) &&
           lookup(p, "stone", &t->stone, why, cap) && lookup(p, "dirt", &t->dirt, why, cap) &&
           lookup(p, "grass", &t->grass, why, cap);
}

bool qb_superflat_config(const qr_pack *p, qk_world_config *cfg, char *why, size_t cap)
{
    static const struct {
        const char *name;
        uint16_t height;
    } layers[] = {{"bedrock", 1}, {"stone", 58}, {"dirt", 4}, {"grass", 1}};
    rectangle(cfg);
    cfg->generator = QK_GEN_SUPERFLAT;
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        if (!lookup(p, layers[i].name, &cfg->layers[i].block, why, cap))
            return false;
        cfg->layers[i].height = layers[i].height;
    }
    cfg->layer_count = (uint32_t)(sizeof layers / sizeof layers[0]);
    return true;
}

int32_t qb_top_solid(const qk_world *w, const qr_pack *p, int32_t x, int32_t z)
{
    for (int32_t y = QK_CHUNK_H - 1; y >= 0; y--) {
        qk_block_id id;
        if (qk_block_at(w, x, y, z, &id) != QK_OK)
            return -1;
        if (id < p->count && p->defs[id].solid)
            return y;
    }
    return -1;
}

qr_pack *qb_terrain_pack(const qb_opts *o, qk_world_config *cfg, char *why, size_t cap)
{
    qr_pack *pack = qb_load_pack(o, why, cap);
    if (pack && !qb_terrain_config(pack, cfg, why, cap)) {
        qr_pack_free(pack);
        return NULL;
    }
    return pack;
}
