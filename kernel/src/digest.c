/*
 * digest.c - per-subsystem digests and the chained world hash.
 *
 * At the end of every tick the kernel hashes each subsystem's state:
 *   blocks    XXH3 of the chunk digests in key order (chunk.h: Merkle, so
 *             only edited sections are re-hashed)
 *   entities  XXH3 of every player's canonical record, in id order
 *   light     XXH3 of the chunks' light digests in key order (each the
 *             XXH3 of its sections' two nibble channels; incremental)
 *   inventory XXH3 of every player's id, game mode, selected slot and 36
 *             slots, in id order
 *   time      XXH3 of the day length, the day clock and the announced phase
 *   weather   XXH3 of the state, the tick of the next change and the
 *             weather stream's state
 * and chains them: H(t) = XXH3_64(t, digest[0..n), seed = H(t-1)), with
 * H(-1) derived from the world seed.  Two runs agree on H(t) exactly when
 * they agree on every subsystem at every tick up to t, so the first tick
 * whose digest event differs is the first tick whose state differs, and the
 * differing key names the subsystem.  All inputs to the hash are explicit
 * little-endian bytes (bytes.h), never struct memory.
 */
#include "hash.h"
#include "rng.h"
#include "world.h"

uint64_t qk__chain_origin(uint64_t seed)
{
    return qk__stream_seed(seed, QK_STREAM_CHAIN);
}

/* The per-chunk subsystems (blocks, light) in one pass over the chunks:
 * each world digest is XXH3 of its chunk digests in key order. */
static void chunk_digests(qk_world *w, uint64_t *blocks, uint64_t *light)
{
    qk__hasher hb, hl;
    qk__hash_begin(&hb);
    qk__hash_begin(&hl);
    for (uint32_t i = 0; i < w->chunk_count; i++) {
        qk__put64(qk__hash_room(&hb, 8), qk__chunk_digest(&w->chunks[i]));
        qk__put64(qk__hash_room(&hl, 8), qk__light_chunk_digest(&w->chunks[i].light));
    }
    *blocks = qk__hash_end(&hb);
    *light = qk__hash_end(&hl);
}

void qk__put_player(qk__wbuf *b, const qk_player_state *p)
{
    qk__put32(b, p->id);
    qk__put64(b, (uint64_t)p->x);
    qk__put64(b, (uint64_t)p->y);
    qk__put64(b, (uint64_t)p->z);
    qk__put64(b, (uint64_t)p->vx);
    qk__put64(b, (uint64_t)p->vy);
    qk__put64(b, (uint64_t)p->vz);
    qk__put16(b, p->yaw);
    qk__put16(b, (uint16_t)p->pitch);
    qk__put8(b, p->dirs);
    qk__put8(b, p->on_ground);
}

void qk__put_inventory(qk__wbuf *b, const qk_player_state *p)
{
    qk__put32(b, p->id);
    qk__put8(b, (uint8_t)p->mode);
    qk__put8(b, p->slot);
    for (int k = 0; k < QK_INV_SLOTS; k++) {
        qk__put16(b, p->inv[k].item);
        qk__put8(b, p->inv[k].count);
    }
}

static void player_digests(const qk_world *w, uint64_t *entities, uint64_t *inventory)
{
    qk__hasher he, hi;
    qk__hash_begin(&he);
    qk__hash_begin(&hi);
    for (uint32_t i = 0; i < w->n_players; i++) {
        qk__put_player(qk__hash_room(&he, QK_PLAYER_RECORD), &w->players[i].s);
        qk__put_inventory(qk__hash_room(&hi, QK_INVENTORY_RECORD), &w->players[i].s);
    }
    *entities = qk__hash_end(&he);
    *inventory = qk__hash_end(&hi);
}

static uint64_t time_digest(const qk_world *w)
{
    uint8_t raw[4 + 8 + 1];
    qk__wbuf b = {raw, sizeof raw, 0};
    qk__put32(&b, w->day_length);
    qk__put64(&b, w->daytime);
    qk__put8(&b, (uint8_t)w->phase);
    return XXH3_64bits(raw, b.len);
}

static uint64_t weather_digest(const qk_world *w)
{
    uint8_t raw[1 + 8 + 8 + 2];
    qk__wbuf b = {raw, sizeof raw, 0};
    qk__put8(&b, (uint8_t)w->weather);
    qk__put64(&b, w->weather_until);
    qk__put64(&b, w->weather_rng.state);
    qk__put16(&b, w->snow_line);
    return XXH3_64bits(raw, b.len);
}

void qk__digest_current(qk_world *w, uint64_t sub[QK_SUB__COUNT])
{
    chunk_digests(w, &sub[QK_SUB_BLOCKS], &sub[QK_SUB_LIGHT]);
    player_digests(w, &sub[QK_SUB_ENTITIES], &sub[QK_SUB_INVENTORY]);
    sub[QK_SUB_TIME] = time_digest(w);
    sub[QK_SUB_WEATHER] = weather_digest(w);
}

void qk__digest_tick(qk_world *w)
{
    qk__digest_current(w, w->last.sub);
    uint8_t raw[8 + 8 * QK_SUB__COUNT];
    qk__wbuf b = {raw, sizeof raw, 0};
    qk__put64(&b, w->tick);
    for (int s = 0; s < QK_SUB__COUNT; s++)
        qk__put64(&b, w->last.sub[s]);
    w->chain = XXH3_64bits_withSeed(raw, b.len, w->chain);
    w->last.chain = w->chain;
}
