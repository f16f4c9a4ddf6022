/*
 * record.c - the state's byte records (record.h), shared by snapshots and
 * saves.  All integers little-endian; layouts in docs/formats.md.
 */
#include <string.h>

#include "hash.h"
#include "record.h"
#include "worldgen.h"

qk_status qk__corrupt(qk__reader *rd, const char *what)
{
    return qk__fail(rd->diag, QK_ERR_CORRUPT, what, rd->r.pos);
}

void qk__put_frame_head(qk__wbuf *b, const qk__frame *f)
{
    for (int i = 0; i < 8; i++)
        qk__put8(b, f->magic[i]);
    qk__put32(b, f->format);
}

qk_status qk__put_frame_end(qk__wbuf *b, uint8_t *buf, size_t cap, size_t *written)
{
    /* The writer never stores past cap but keeps counting, so a short
     * buffer shows here (its contents are then undefined). */
    if (!buf || b->len + 8 > cap)
        return QK_ERR_CAPACITY;
    qk__put64(b, XXH3_64bits(buf, b->len));
    if (written)
        *written = b->len;
    return QK_OK;
}

qk_status qk__open_frame(qk__reader *rd, const uint8_t *buf, size_t len, const qk__frame *f)
{
    rd->r = (qk__rbuf){buf, len, 0, 0};
    if (!buf || len < 8 + 4 + 8)
        return qk__corrupt(rd, f->too_short);
    for (int i = 0; i < 8; i++)
        if (buf[i] != f->magic[i])
            return qk__fail(rd->diag, QK_ERR_CORRUPT, f->bad_magic, (uint64_t)i);
    rd->r.pos = 8;
    if (qk__get32(&rd->r) != f->format)
        return qk__fail(rd->diag, QK_ERR_VERSION, f->bad_format, 8);
    qk__rbuf tail = {buf, len, len - 8, 0};
    if (XXH3_64bits(buf, len - 8) != qk__get64(&tail))
        return qk__fail(rd->diag, QK_ERR_CORRUPT, f->bad_sum, len - 8);
    rd->r.len = len - 8; /* the checksum is not content */
    return QK_OK;
}

qk_status qk__open_world(qk__reader *rd, const uint8_t *buf, size_t len, const qk__frame *f,
                         qk__make_world make, const qk_registry *reg,
                         const qk_allocator *alloc, qk_world **out)
{
    *out = NULL;
    qk_world_config cfg;
    uint64_t reg_hash;
    uint32_t block_count;
    qk_status st = qk__open_frame(rd, buf, len, f);
    if (st == QK_OK)
        st = qk__get_config(rd, &cfg, &reg_hash, &block_count);
    if (st != QK_OK)
        return st;
    uint64_t cfg_end = rd->r.pos;
    qk_world *w;
    st = make(&w, &cfg, reg, alloc, rd->diag);
    if (st != QK_OK) { /* the configuration was refused: the bytes are bad */
        if (rd->diag && st != QK_ERR_NOMEM) {
            rd->diag->code = st = QK_ERR_CORRUPT;
            rd->diag->offset = cfg_end;
        }
        return st;
    }
    if (w->registry_hash != reg_hash || w->block_count != block_count)
        st = qk__fail(rd->diag, QK_ERR_VERSION, f->other_registry, 12);
    if (st == QK_OK)
        st = qk__get_state(rd, w);
    if (st != QK_OK) {
        qk_world_destroy(w);
        return st;
    }
    *out = w;
    return QK_OK;
}

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

/* A raw (bits 16) section: its canonical form from its 4096 ids. */
static void put_raw_section(qk__wbuf *b, const qk__section *s)
{
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
    for (uint32_t i = 0; i < QK_SECTION_VOXELS; i += n <= 16 ? 2 : 1)
        qk__put8(b, n <= 16 ? (uint8_t)(lookup[ids[i]] | lookup[ids[i + 1]] << 4)
                            : (uint8_t)lookup[ids[i]]);
}

static void put_section(qk__wbuf *b, const qk__section *s)
{
    if (s->bits == 0) { /* uniform: canonical form without expanding */
        qk__put16(b, 1);
        qk__put16(b, s->uniform);
        return;
    }
    if (s->bits == 16) {
        put_raw_section(b, s);
        return;
    }
    qk_block_id pal[256];
    uint8_t packed[QK_SECTION_VOXELS];
    uint32_t n = qk__section_canonical(s, pal, packed);
    qk__put16(b, (uint16_t)n);
    for (uint32_t k = 0; k < n; k++)
        qk__put16(b, pal[k]);
    if (n >= 2)
        qk__put_bytes(b, packed, n <= 16 ? QK_SECTION_VOXELS / 2 : QK_SECTION_VOXELS);
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

/* Reads one section in canonical form (see the top of snapshot.c) into a
 * new section *out.  Only the canonical form is accepted: n must be the
 * number of distinct ids the voxels really use, else restore(s) would
 * re-snapshot to other bytes.  Palette sections are checked in place and
 * copied, never expanded. */
static qk_status get_section(qk__reader *rd, qk__mem *m, const qk_world *w, qk__section *out)
{
    qk__rbuf *r = &rd->r;
    uint16_t n = qk__get16(r);
    if (r->bad || n == 0 || n > QK_SECTION_VOXELS)
        return qk__corrupt(rd, "section: bad distinct-id count");
    if (n > 256) {
        qk_block_id ids[QK_SECTION_VOXELS];
        for (uint32_t i = 0; i < QK_SECTION_VOXELS; i++) {
            ids[i] = qk__get16(r);
            if (r->bad || ids[i] >= w->block_count)
                return qk__corrupt(rd, "section: block id outside the registry");
        }
        if (distinct_ids(ids) != n)
            return qk__corrupt(rd, "section: distinct-id count does not match its ids");
        qk_status st = qk__section_fill(m, out, ids);
        return st == QK_OK ? st : qk__fail(rd->diag, st, "section", r->pos);
    }
    qk_block_id pal[256];
    for (uint16_t k = 0; k < n; k++) {
        pal[k] = qk__get16(r);
        if (r->bad || pal[k] >= w->block_count || (k > 0 && pal[k] <= pal[k - 1]))
            return qk__corrupt(rd, "section: palette not ascending ids of the registry");
    }
    const uint8_t *packed = NULL;
    if (n >= 2) {
        size_t len = n <= 16 ? QK_SECTION_VOXELS / 2 : QK_SECTION_VOXELS;
        if (r->len - r->pos < len) {
            r->pos = r->len;
            return qk__corrupt(rd, "section: truncated indices");
        }
        packed = r->p + r->pos;
        /* Every index below n and every entry used: a bit per entry. */
        uint64_t used[4] = {0, 0, 0, 0};
        if (n <= 16) {
            uint32_t mask = 0;
            for (size_t i = 0; i < len; i++)
                mask |= 1u << (packed[i] & 15u) | 1u << (packed[i] >> 4u);
            used[0] = mask;
        } else {
            for (size_t i = 0; i < len; i++)
                used[packed[i] >> 6] |= 1ull << (packed[i] & 63u);
        }
        for (uint32_t k = 0; k < 4; k++) {
            uint32_t lo = 64 * k, hi = lo + 64; /* entries [lo, hi) */
            uint64_t want = n >= hi ? ~0ull : n > lo ? (1ull << (n - lo)) - 1 : 0;
            if (used[k] & ~want)
                return qk__corrupt(rd, "section: palette index out of range");
            if (used[k] != want)
                return qk__corrupt(rd, "section: palette lists ids no voxel uses");
        }
        r->pos += len;
    }
    qk_status st = qk__section_from_canonical(m, out, pal, n, packed);
    return st == QK_OK ? st : qk__fail(rd->diag, st, "section", r->pos);
}

static qk_status get_player(qk__reader *rd, qk_world *w, qk_player_state *p, uint32_t prev_id)
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
            return qk__corrupt(rd, "player: inventory slot empty with an item, or over its stack");
    if (!r->bad && (inv_id != p->id || mode > QK_MODE_CREATIVE))
        return qk__corrupt(rd, "player: inventory record of another player, or bad game mode");
    if (r->bad)
        return qk__corrupt(rd, "player: truncated");
    const qk_fx lim = (qk_fx)(QK_COORD_LIMIT + 16) * QK_FX_ONE, vlim = (qk_fx)64 * QK_FX_ONE;
    if (p->id <= prev_id || ground > 1 || p->slot >= QK_HOTBAR || (p->dirs & ~QK_DIR_MASK) ||
        p->pitch < -16384 || p->pitch > 16384 || p->x < -lim || p->x > lim || p->z < -lim ||
        p->z > lim || p->y < -lim || p->y > lim || p->vx < -vlim || p->vx > vlim ||
        p->vy < -vlim || p->vy > vlim || p->vz < -vlim || p->vz > vlim)
        return qk__corrupt(rd, "player: field out of range or ids not ascending");
    return QK_OK;
}

/* The day clock and the weather. */
static qk_status get_sky(qk__reader *rd, qk_world *w)
{
    qk__rbuf *r = &rd->r;
    w->daytime = qk__get64(r);
    uint8_t phase = qk__get8(r), weather = qk__get8(r);
    w->phase = (qk_phase)phase;
    w->weather = (qk_weather)weather;
    w->weather_until = qk__get64(r);
    w->weather_rng.state = qk__get64(r);
    if (r->bad || phase >= QK_PHASE__COUNT || weather >= QK_WEATHER__COUNT)
        return qk__corrupt(rd, "time and weather");
    return QK_OK;
}

/* The transaction counter and the undo log. */
static qk_status get_txn_log(qk__reader *rd, qk_world *w)
{
    qk__rbuf *r = &rd->r;
    w->next_txn = qk__get64(r);
    w->undo_next = qk__get64(r);
    if (r->bad || w->next_txn == 0 || w->undo_next >= w->next_txn)
        return qk__corrupt(rd, "transaction counters");
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
            return qk__corrupt(rd, "undo log entry");
        prev = u->txn;
    }
    return QK_OK;
}

/* A column's revisions and last commits. */
qk_status qk__get_chunk_txns(qk__reader *rd, const qk_world *w, qk__chunk_light *l)
{
    qk__rbuf *r = &rd->r;
    l->geometry_rev = qk__get64(r);
    l->light_rev = qk__get64(r);
    l->n_hist = qk__get8(r);
    if (r->bad || l->n_hist > QK_TXN_HISTORY)
        return qk__corrupt(rd, "chunk revisions");
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
            return qk__corrupt(rd, "chunk commit history");
    }
    return QK_OK;
}

qk_status qk__get_config(qk__reader *rd, qk_world_config *c, uint64_t *reg_hash,
                         uint32_t *block_count)
{
    qk__rbuf *r = &rd->r;
    *reg_hash = qk__get64(r);
    *block_count = qk__get32(r);
    memset(c, 0, sizeof *c);
    c->seed = qk__get64(r);
    c->cx_min = (int32_t)qk__get32(r);
    c->cz_min = (int32_t)qk__get32(r);
    c->cx_max = (int32_t)qk__get32(r);
    c->cz_max = (int32_t)qk__get32(r);
    uint8_t gen = qk__get8(r);
    c->layer_count = qk__get8(r);
    if (r->bad || gen > QK_GEN_TERRAIN || c->layer_count > QK_MAX_LAYERS)
        return qk__corrupt(rd, "config: bad generator or layer count");
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
    return r->bad ? qk__corrupt(rd, "config: truncated") : QK_OK;
}


void qk__put_config(qk__wbuf *b, const qk_world *w)
{
    const qk_world_config *c = &w->cfg;
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
}

void qk__put_state(qk__wbuf *b, const qk_world *w)
{
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
}

qk_status qk__get_state(qk__reader *rd, qk_world *w)
{
    w->tick = qk__get64(&rd->r);
    w->chain = qk__get64(&rd->r);
    qk_status st = get_sky(rd, w);
    if (st == QK_OK)
        st = get_txn_log(rd, w);
    uint32_t np = qk__get32(&rd->r);
    if (st == QK_OK && (rd->r.bad || np > QK_MAX_PLAYERS))
        st = qk__corrupt(rd, "player count");
    for (uint32_t i = 0; st == QK_OK && i < np; i++) {
        qk__player *p = &w->players[i];
        memset(p, 0, sizeof *p);
        st = get_player(rd, w, &p->s, i ? w->players[i - 1].s.id : 0);
        p->shown = p->s;
        w->n_players = i + 1;
    }
    return st;
}

void qk__put_chunk_txns(qk__wbuf *b, const qk__chunk *c)
{
    const qk__chunk_light *l = &c->light;
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
}

void qk__put_sections(qk__wbuf *b, const qk__chunk *c)
{
    for (uint32_t s = 0; s < QK_SECTIONS; s++)
        put_section(b, &c->sec[s]);
}

qk_status qk__get_sections(qk__reader *rd, qk_world *w, qk__section out[QK_SECTIONS])
{
    memset(out, 0, QK_SECTIONS * sizeof *out);
    qk_status st = QK_OK;
    uint32_t s = 0;
    for (; st == QK_OK && s < QK_SECTIONS; s++)
        st = get_section(rd, &w->mem, w, &out[s]);
    if (st != QK_OK)
        qk__free_sections(w, out);
    return st;
}

void qk__free_sections(qk_world *w, qk__section sec[QK_SECTIONS])
{
    for (uint32_t s = 0; s < QK_SECTIONS; s++)
        qk__section_free(&w->mem, &sec[s]);
}

void qk__install_sections(qk_world *w, qk__chunk *c, qk__section sec[QK_SECTIONS])
{
    for (uint32_t s = 0; s < QK_SECTIONS; s++) {
        qk__section_free(&w->mem, &c->sec[s]);
        c->sec[s] = sec[s];
    }
    c->stale = 0xFFFF;
}
