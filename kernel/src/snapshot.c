/*
 * snapshot.c - the whole world as bytes, and back.
 *
 * Layout (all integers little-endian, see docs/formats.md):
 *   magic "QKSNAP\r\n", u32 format (3), u64 registry hash, u32 block count
 *   config: u64 seed, i32 cx_min cz_min cx_max cz_max, u8 generator,
 *           u8 layer count, layers (u16 block, u16 height)...,
 *           u16 bedrock stone dirt grass base_height amplitude caves,
 *           u32 day_length, u32 start_time, u8 weather, u16 snow_line
 *           (as the caller gave them, zeros included)
 *   u64 tick, u64 chain
 *   sky: u64 day clock, u8 phase, u8 weather, u64 next weather change,
 *           u64 weather stream state
 *   u64 next txn id, u64 edits ever logged (E), then the last min(E, 64)
 *           logged edits oldest first, each: u64 txn, u32 player,
 *           i32 x y z, u16 old, u16 now, u16 item u8 count spent,
 *           u16 item u8 count gained
 *   u32 players, each: u32 id, i64 x y z vx vy vz, u16 yaw, i16 pitch,
 *           u8 dirs, u8 on_ground; then u32 id, u8 game mode, u8 selected
 *           slot, 36 slots of u16 item, u8 count
 *   every chunk of the rectangle in key order: i32 cx, i32 cz,
 *           u64 geometry revision, u64 light revision, u8 n (0..4), its n
 *           last commits newest first, each: u64 txn, u64 tick, u8 cause,
 *           u32 player, u64 geometry, u64 light; then 16
 *           sections, each: u16 n distinct ids, then
 *             n == 1:       u16 id
 *             2..16:        n ids ascending, 4096 4-bit indices (2048 B)
 *             17..256:      n ids ascending, 4096 8-bit indices
 *             257..4096:    4096 raw u16 ids
 *   u64 XXH3 of every byte before it
 *
 * Light is not stored: it is the unique fixed point of the blocks (light.h),
 * so restore relights from scratch and gets the same light bytes.  Its
 * revisions and commit history are stored: later light_commit events
 * carry them.  Snapshots are taken between steps, when no transaction is
 * pending.
 * Sections are written in canonical form (palette sorted, narrowest width)
 * whatever their in-memory history, and restore rebuilds them canonically,
 * so snapshot(restore(s)) == s byte for byte.  Transient per-tick fields
 * (a pending jump, the last state shown in an event) are equal to their
 * resting values between ticks and are not stored.
 *
 * qk_snapshot_size runs the writer with no buffer (qk__wbuf counts), so the
 * two can never disagree; qk_snapshot_write encodes once and checks the
 * count against the capacity afterwards.  Restore checks every field before
 * trusting it.
 */
#include <string.h>
#include "bytes.h"
#include "hash.h"
#include "world.h"
#include "worldgen.h"

static const uint8_t magic[8] = {'Q', 'K', 'S', 'N', 'A', 'P', '\r', '\n'};
#define FORMAT 3u

static void put_slot(qk__wbuf *b, qk_slot s)
{
    qk__put16(b, s.item);
    qk__put8(b, s.count);
}

/* Reads a slot; false if it is not canonical (qk__slot_ok). */
static bool get_slot(qk__rbuf *r, const qk_world *w, qk_slot *s)
{
    s->item = qk__get16(r);
    s->count = qk__get8(r);
    return qk__slot_ok(w, *s);
}

static void put_section(qk__wbuf *b, const qk__section *s)
{
    if (s->bits == 0) { /* uniform: canonical form without expanding */
        qk__put16(b, 1);
        qk__put16(b, s->uniform);
        return;
    }
    qk_block_id ids[QK_SECTION_VOXELS];
    uint8_t present[QK_MAX_BLOCKS / 8];
    uint16_t lookup[QK_MAX_BLOCKS];
    qk__section_expand(s, ids);
    memset(present, 0, sizeof present);
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
        present[ids[i] >> 3] |= (uint8_t)(1u << (ids[i] & 7));
    uint16_t n = 0;
    for (uint32_t id = 0; id < QK_MAX_BLOCKS; id++)
        if (present[id >> 3] & (1u << (id & 7)))
            lookup[id] = n++;
    qk__put16(b, n);
    if (n == 1) {
        qk__put16(b, ids[0]);
        return;
    }
    if (n > 256) {
        for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
            qk__put16(b, ids[i]);
        return;
    }
    for (uint32_t id = 0; id < QK_MAX_BLOCKS; id++)
        if (present[id >> 3] & (1u << (id & 7)))
            qk__put16(b, (uint16_t)id);
    if (n <= 16) {
        for (uint32_t i = 0; i < QK_SECTION_VOXELS; i += 2)
            qk__put8(b, (uint8_t)(lookup[ids[i]] | lookup[ids[i + 1]] << 4));
    } else {
        for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
            qk__put8(b, (uint8_t)lookup[ids[i]]);
    }
}

static void put_all(const qk_world *w, qk__wbuf *b)
{
    const qk_world_config *c = &w->cfg;
    for (int i = 0; i < 8; i++)
        qk__put8(b, magic[i]);
    qk__put32(b, FORMAT);
    qk__put64(b, w->registry_hash);
    qk__put32(b, w->block_count);
    qk__put64(b, c->seed);
    qk__put32(b, (uint32_t)c->cx_min);
    qk__put32(b, (uint32_t)c->cz_min);
    qk__put32(b, (uint32_t)c->cx_max);
    qk__put32(b, (uint32_t)c->cz_max);
    qk__put8(b, (uint8_t)c->generator);
    qk__put8(b, (uint8_t)c->layer_count);
    for (uint32_t i = 0; i < c->layer_count; i++) {
        qk__put16(b, c->layers[i].block);
        qk__put16(b, c->layers[i].height);
    }
    const qk_terrain_params *t = &c->terrain;
    qk__put16(b, t->bedrock);
    qk__put16(b, t->stone);
    qk__put16(b, t->dirt);
    qk__put16(b, t->grass);
    qk__put16(b, t->base_height);
    qk__put16(b, t->amplitude);
    qk__put16(b, t->caves);
    qk__put32(b, c->day_length);
    qk__put32(b, c->start_time);
    qk__put8(b, (uint8_t)c->weather);
    qk__put16(b, c->snow_line);
    qk__put64(b, w->tick);
    qk__put64(b, w->chain);
    qk__put64(b, w->daytime);
    qk__put8(b, (uint8_t)w->phase);
    qk__put8(b, (uint8_t)w->weather);
    qk__put64(b, w->weather_until);
    qk__put64(b, w->weather_rng.state);
    qk__put64(b, w->next_txn);
    qk__put64(b, w->undo_next);
    uint32_t nu = w->undo_next < QK_UNDO_LOG ? (uint32_t)w->undo_next : QK_UNDO_LOG;
    for (uint32_t k = nu; k-- > 0;) {
        const qk__undo_entry *u = &w->undo[(w->undo_next - 1 - k) % QK_UNDO_LOG];
        qk__put64(b, u->txn);
        qk__put32(b, u->player);
        qk__put32(b, (uint32_t)u->x);
        qk__put32(b, (uint32_t)u->y);
        qk__put32(b, (uint32_t)u->z);
        qk__put16(b, u->old);
        qk__put16(b, u->now);
        put_slot(b, u->spent);
        put_slot(b, u->gained);
    }
    qk__put32(b, w->n_players);
    for (uint32_t i = 0; i < w->n_players; i++) {
        qk__put_player(b, &w->players[i].s);
        qk__put_inventory(b, &w->players[i].s);
    }
    for (uint32_t i = 0; i < w->chunk_count; i++) {
        const qk__chunk *ch = &w->chunks[i];
        qk__put32(b, (uint32_t)ch->cx);
        qk__put32(b, (uint32_t)ch->cz);
        const qk__chunk_light *l = &ch->light;
        qk__put64(b, l->geometry_rev);
        qk__put64(b, l->light_rev);
        qk__put8(b, l->n_hist);
        for (uint32_t k = 0; k < l->n_hist; k++) {
            qk__put64(b, l->hist[k].txn);
            qk__put64(b, l->hist[k].tick);
            qk__put8(b, (uint8_t)l->hist[k].cause);
            qk__put32(b, l->hist[k].player);
            qk__put64(b, l->hist[k].geometry);
            qk__put64(b, l->hist[k].light);
        }
        for (uint32_t s = 0; s < QK_SECTIONS; s++)
            put_section(b, &ch->sec[s]);
    }
}

size_t qk_snapshot_size(const qk_world *w)
{
    qk__wbuf b = {NULL, 0, 0};
    put_all(w, &b);
    return b.len + 8;
}

qk_status qk_snapshot_write(const qk_world *w, uint8_t *buf, size_t cap, size_t *written)
{
    if (written)
        *written = 0;
    if (w->failed)
        return QK_ERR_STATE;
    /* One pass: the writer never stores past cap but keeps counting, so a
     * short buffer is detected afterwards (its contents are then undefined). */
    qk__wbuf b = {buf, buf ? cap : 0, 0};
    put_all(w, &b);
    if (!buf || b.len + 8 > cap)
        return QK_ERR_CAPACITY;
    uint64_t h = XXH3_64bits(buf, b.len);
    qk__put64(&b, h);
    if (written)
        *written = b.len;
    return QK_OK;
}

/* ---- restore ---- */

typedef struct reader {
    qk__rbuf r;
    qk_diag *diag;
} reader;

static qk_status corrupt(reader *rd, const char *what)
{
    return qk__fail(rd->diag, QK_ERR_CORRUPT, what, rd->r.pos);
}

/* Number of distinct ids among a section's 4096. */
static uint32_t distinct_ids(const qk_block_id *ids)
{
    uint8_t seen[QK_MAX_BLOCKS / 8];
    uint32_t n = 0;
    memset(seen, 0, sizeof seen);
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++) {
        uint8_t bit = (uint8_t)(1u << (ids[i] & 7));
        if (!(seen[ids[i] >> 3] & bit)) {
            seen[ids[i] >> 3] |= bit;
            n++;
        }
    }
    return n;
}

/* Reads one section in canonical form (see the top of this file) into ids.
 * Only the canonical form is accepted: n must be the number of distinct ids
 * the voxels really use, else restore(s) would re-snapshot to other bytes. */
static qk_status get_section(reader *rd, qk_world *w, qk_block_id *ids)
{
    qk__rbuf *r = &rd->r;
    uint16_t n = qk__get16(r);
    if (r->bad || n == 0 || n > QK_SECTION_VOXELS)
        return corrupt(rd, "section: bad distinct-id count");
    if (n == 1) {
        qk_block_id id = qk__get16(r);
        if (r->bad || id >= w->block_count)
            return corrupt(rd, "section: block id outside the registry");
        for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++)
            ids[i] = id;
        return QK_OK;
    }
    if (n > 256) {
        for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++) {
            ids[i] = qk__get16(r);
            if (r->bad || ids[i] >= w->block_count)
                return corrupt(rd, "section: block id outside the registry");
        }
        if (distinct_ids(ids) != n)
            return corrupt(rd, "section: distinct-id count does not match its ids");
        return QK_OK;
    }
    qk_block_id pal[256];
    for (uint16_t k = 0; k < n; k++) {
        pal[k] = qk__get16(r);
        if (r->bad || pal[k] >= w->block_count || (k > 0 && pal[k] <= pal[k - 1]))
            return corrupt(rd, "section: palette not ascending ids of the registry");
    }
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i += n <= 16 ? 2 : 1) {
        uint8_t v = qk__get8(r);
        uint32_t a = n <= 16 ? (v & 15u) : v, b2 = n <= 16 ? (uint32_t)(v >> 4) : 0;
        if (r->bad || a >= n || b2 >= n)
            return corrupt(rd, "section: palette index out of range");
        ids[i] = pal[a];
        if (n <= 16)
            ids[i + 1] = pal[b2];
    }
    if (distinct_ids(ids) != n)
        return corrupt(rd, "section: palette lists ids no voxel uses");
    return QK_OK;
}

static qk_status get_player(reader *rd, qk_world *w, qk_player_state *p, uint32_t prev_id)
{
    qk__rbuf *r = &rd->r;
    memset(p, 0, sizeof *p);
    p->id = qk__get32(r);
    p->x = (qk_fx)qk__get64(r);
    p->y = (qk_fx)qk__get64(r);
    p->z = (qk_fx)qk__get64(r);
    p->vx = (qk_fx)qk__get64(r);
    p->vy = (qk_fx)qk__get64(r);
    p->vz = (qk_fx)qk__get64(r);
    p->yaw = qk__get16(r);
    p->pitch = (int16_t)qk__get16(r);
    p->dirs = qk__get8(r);
    uint8_t ground = qk__get8(r);
    p->on_ground = ground != 0;
    uint32_t inv_id = qk__get32(r);
    uint8_t mode = qk__get8(r);
    p->mode = (qk_gamemode)mode;
    p->slot = qk__get8(r);
    for (int k = 0; k < QK_INV_SLOTS; k++)
        if (!get_slot(r, w, &p->inv[k]) && !r->bad)
            return corrupt(rd, "player: inventory slot empty with an item, or over its stack");
    if (!r->bad && (inv_id != p->id || mode > QK_MODE_CREATIVE))
        return corrupt(rd, "player: inventory record of another player, or bad game mode");
    if (r->bad)
        return corrupt(rd, "player: truncated");
    const qk_fx lim = (qk_fx)(QK_COORD_LIMIT + 16) * QK_FX_ONE, vlim = (qk_fx)64 * QK_FX_ONE;
    if (p->id <= prev_id || ground > 1 || p->slot >= QK_HOTBAR || (p->dirs & ~QK_DIR_MASK) ||
        p->pitch < -16384 || p->pitch > 16384 || p->x < -lim || p->x > lim || p->z < -lim ||
        p->z > lim || p->y < -lim || p->y > lim || p->vx < -vlim || p->vx > vlim ||
        p->vy < -vlim || p->vy > vlim || p->vz < -vlim || p->vz > vlim)
        return corrupt(rd, "player: field out of range or ids not ascending");
    return QK_OK;
}

/* The day clock and the weather. */
static qk_status get_sky(reader *rd, qk_world *w)
{
    qk__rbuf *r = &rd->r;
    w->daytime = qk__get64(r);
    uint8_t phase = qk__get8(r), weather = qk__get8(r);
    w->phase = (qk_phase)phase;
    w->weather = (qk_weather)weather;
    w->weather_until = qk__get64(r);
    w->weather_rng.state = qk__get64(r);
    if (r->bad || phase >= QK_PHASE__COUNT || weather >= QK_WEATHER__COUNT)
        return corrupt(rd, "time and weather");
    return QK_OK;
}

/* The transaction counter and the undo log. */
static qk_status get_txn_log(reader *rd, qk_world *w)
{
    qk__rbuf *r = &rd->r;
    w->next_txn = qk__get64(r);
    w->undo_next = qk__get64(r);
    if (r->bad || w->next_txn == 0 || w->undo_next >= w->next_txn)
        return corrupt(rd, "transaction counters");
    uint32_t nu = w->undo_next < QK_UNDO_LOG ? (uint32_t)w->undo_next : QK_UNDO_LOG;
    uint64_t prev = 0;
    for (uint32_t k = nu; k-- > 0;) {
        qk__undo_entry *u = &w->undo[(w->undo_next - 1 - k) % QK_UNDO_LOG];
        u->txn = qk__get64(r);
        u->player = qk__get32(r);
        u->x = (int32_t)qk__get32(r);
        u->y = (int32_t)qk__get32(r);
        u->z = (int32_t)qk__get32(r);
        u->old = qk__get16(r);
        u->now = qk__get16(r);
        bool slots_ok = get_slot(r, w, &u->spent) && get_slot(r, w, &u->gained);
        qk_block_id here;
        if (r->bad || !slots_ok || u->txn <= prev || u->txn >= w->next_txn || u->player == 0 ||
            u->old >= w->block_count || u->now >= w->block_count || u->old == u->now ||
            !qk__world_get(w, u->x, u->y, u->z, &here))
            return corrupt(rd, "undo log entry");
        prev = u->txn;
    }
    return QK_OK;
}

/* A column's revisions and last commits. */
static qk_status get_chunk_txns(reader *rd, const qk_world *w, qk__chunk_light *l)
{
    qk__rbuf *r = &rd->r;
    l->geometry_rev = qk__get64(r);
    l->light_rev = qk__get64(r);
    l->n_hist = qk__get8(r);
    if (r->bad || l->n_hist > QK_TXN_HISTORY)
        return corrupt(rd, "chunk revisions");
    for (uint32_t k = 0; k < l->n_hist; k++) {
        qk_txn_record *h = &l->hist[k];
        h->txn = qk__get64(r);
        h->tick = qk__get64(r);
        uint8_t cause = qk__get8(r);
        h->cause = (qk_cause)cause;
        h->player = qk__get32(r);
        h->geometry = qk__get64(r);
        h->light = qk__get64(r);
        if (r->bad || cause < QK_CAUSE_PLACE || cause >= QK_CAUSE__COUNT || h->txn == 0 ||
            h->txn >= w->next_txn || (k > 0 && h->txn >= l->hist[k - 1].txn) ||
            h->tick > w->tick || h->geometry > l->geometry_rev || h->light > l->light_rev)
            return corrupt(rd, "chunk commit history");
    }
    return QK_OK;
}

static qk_status get_config(reader *rd, qk_world_config *c)
{
    qk__rbuf *r = &rd->r;
    memset(c, 0, sizeof *c);
    c->seed = qk__get64(r);
    c->cx_min = (int32_t)qk__get32(r);
    c->cz_min = (int32_t)qk__get32(r);
    c->cx_max = (int32_t)qk__get32(r);
    c->cz_max = (int32_t)qk__get32(r);
    uint8_t gen = qk__get8(r);
    c->layer_count = qk__get8(r);
    if (r->bad || gen > QK_GEN_TERRAIN || c->layer_count > QK_MAX_LAYERS)
        return corrupt(rd, "config: bad generator or layer count");
    c->generator = (qk_generator)gen;
    for (uint32_t i = 0; i < c->layer_count; i++) {
        c->layers[i].block = qk__get16(r);
        c->layers[i].height = qk__get16(r);
    }
    qk_terrain_params *t = &c->terrain;
    t->bedrock = qk__get16(r);
    t->stone = qk__get16(r);
    t->dirt = qk__get16(r);
    t->grass = qk__get16(r);
    t->base_height = qk__get16(r);
    t->amplitude = qk__get16(r);
    t->caves = qk__get16(r);
    c->day_length = qk__get32(r);
    c->start_time = qk__get32(r);
    c->weather = (qk_weather)qk__get8(r);
    c->snow_line = qk__get16(r);
    return r->bad ? corrupt(rd, "config: truncated") : QK_OK;
}

qk_status qk_world_restore(qk_world **out, const uint8_t *buf, size_t len,
                           const qk_registry *reg, const qk_allocator *alloc,
                           qk_diag *diag)
{
    if (!out)
        return qk__fail(diag, QK_ERR_INVALID, "out is required", 0);
    *out = NULL;
    reader rd = {{buf, len, 0, 0}, diag};
    if (!buf || len < 8 + 4 + 8)
        return corrupt(&rd, "shorter than a snapshot header");
    for (int i = 0; i < 8; i++)
        if (buf[i] != magic[i])
            return qk__fail(diag, QK_ERR_CORRUPT, "not a quarry snapshot (bad magic)", (uint64_t)i);
    rd.r.pos = 8;
    if (qk__get32(&rd.r) != FORMAT)
        return qk__fail(diag, QK_ERR_VERSION, "unsupported snapshot format", 8);
    qk__rbuf tail = {buf, len, len - 8, 0};
    if (XXH3_64bits(buf, len - 8) != qk__get64(&tail))
        return qk__fail(diag, QK_ERR_CORRUPT, "checksum mismatch", len - 8);
    rd.r.len = len - 8; /* the checksum is not content */

    uint64_t reg_hash = qk__get64(&rd.r);
    uint32_t block_count = qk__get32(&rd.r);
    qk_world_config cfg;
    qk_status st = get_config(&rd, &cfg);
    if (st != QK_OK)
        return st;
    uint64_t cfg_end = rd.r.pos;
    qk_world *w;
    st = qk__world_alloc(&w, &cfg, reg, alloc, diag);
    if (st != QK_OK) {
        if (diag && st != QK_ERR_NOMEM) {
            diag->code = st = QK_ERR_CORRUPT;
            diag->offset = cfg_end;
        }
        return st;
    }
    if (w->registry_hash != reg_hash || w->block_count != block_count) {
        qk_world_destroy(w);
        return qk__fail(diag, QK_ERR_VERSION, "snapshot was taken with another block registry", 12);
    }
    w->tick = qk__get64(&rd.r);
    w->chain = qk__get64(&rd.r);
    st = get_sky(&rd, w);
    if (st == QK_OK)
        st = get_txn_log(&rd, w);
    uint32_t np = qk__get32(&rd.r);
    if (st == QK_OK && (rd.r.bad || np > QK_MAX_PLAYERS))
        st = corrupt(&rd, "player count");
    for (uint32_t i = 0; st == QK_OK && i < np; i++) {
        qk__player *p = &w->players[i];
        memset(p, 0, sizeof *p);
        st = get_player(&rd, w, &p->s, i ? w->players[i - 1].s.id : 0);
        p->shown = p->s;
        w->n_players = i + 1;
    }
    size_t col_bytes = (size_t)QK_SECTION_VOXELS * sizeof(qk_block_id);
    qk_block_id *ids = st == QK_OK ? qk__mem_alloc(&w->mem, col_bytes) : NULL;
    if (st == QK_OK && !ids)
        st = qk__fail(diag, QK_ERR_NOMEM, "section buffer", 0);
    for (uint32_t i = 0; st == QK_OK && i < w->chunk_count; i++) {
        qk__chunk *c = &w->chunks[i];
        int32_t cx = (int32_t)qk__get32(&rd.r), cz = (int32_t)qk__get32(&rd.r);
        if (rd.r.bad || cx != c->cx || cz != c->cz) {
            st = corrupt(&rd, "chunk out of key order or truncated");
            break;
        }
        st = get_chunk_txns(&rd, w, &c->light);
        for (uint32_t s = 0; st == QK_OK && s < QK_SECTIONS; s++) {
            st = get_section(&rd, w, ids);
            if (st == QK_OK) {
                st = qk__section_fill(&w->mem, &c->sec[s], ids);
                if (st != QK_OK)
                    qk__fail(diag, st, "section", rd.r.pos);
            }
        }
        c->stale = 0xFFFF;
    }
    qk__mem_free(&w->mem, ids, col_bytes);
    if (st == QK_OK && rd.r.pos != rd.r.len)
        st = corrupt(&rd, "trailing bytes after the last chunk");
    if (st == QK_OK) /* light is derived: the unique fixed point of the blocks */
        st = qk__world_light_all(w);
    if (st != QK_OK) {
        qk_world_destroy(w);
        return st;
    }
    qk__world_finish(w, out);
    return QK_OK;
}
