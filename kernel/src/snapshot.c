/*
 * snapshot.c - the whole world as bytes, and back.
 *
 * Layout (all integers little-endian, see docs/formats.md):
 *   magic "QKSNAP\r\n", u32 format (4), u64 registry hash, u32 block count
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
 *           u32 player, u64 geometry, u64 light; u8 1 if the
 *           column is still exactly as generated (record.h), else 0; then 16
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

#include "record.h"

static const qk__frame frame = {
    {'Q', 'K', 'S', 'N', 'A', 'P', '\r', '\n'}, 4,
    "shorter than a snapshot header", "not a quarry snapshot (bad magic)",
    "unsupported snapshot format", "checksum mismatch",
    "snapshot was taken with another block registry"};

static void put_all(const qk_world *w, qk__wbuf *b)
{
    qk__put_frame_head(b, &frame);
    qk__put_config(b, w);
    qk__put_state(b, w);
    for (uint32_t i = 0; i < w->chunk_count; i++) {
        const qk__chunk *ch = &w->chunks[i];
        qk__put32(b, (uint32_t)ch->cx);
        qk__put32(b, (uint32_t)ch->cz);
        qk__put_chunk_txns(b, ch);
        qk__put8(b, qk__chunk_as_generated(ch));
        qk__put_sections(b, ch);
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
    if (w->failed || w->loading)
        return QK_ERR_STATE;
    qk__wbuf b = {buf, buf ? cap : 0, 0}; /* one pass (qk__put_frame_end) */
    put_all(w, &b);
    return qk__put_frame_end(&b, buf, cap, written);
}

/* ---- restore ---- */

/* One column: key, revisions, the as-generated mark, sections. */
static qk_status get_chunk(qk__reader *rd, qk_world *w, qk__chunk *c)
{
    int32_t cx = (int32_t)qk__get32(&rd->r), cz = (int32_t)qk__get32(&rd->r);
    if (rd->r.bad || cx != c->cx || cz != c->cz)
        return qk__corrupt(rd, "chunk out of key order or truncated");
    qk_status st = qk__get_chunk_txns(rd, w, &c->light);
    if (st != QK_OK)
        return st;
    uint8_t gen = qk__get8(&rd->r);
    if (rd->r.bad || gen > 1 || (gen && c->light.geometry_rev != 1))
        return qk__corrupt(rd, "chunk: bad as-generated mark");
    c->gen_known = gen != 0;
    c->gen_light = c->light.light_rev;
    qk__section sec[QK_SECTIONS];
    st = qk__get_sections(rd, w, sec);
    if (st == QK_OK)
        qk__install_sections(w, c, sec);
    return st;
}

qk_status qk_world_restore(qk_world **out, const uint8_t *buf, size_t len,
                           const qk_registry *reg, const qk_allocator *alloc,
                           qk_diag *diag)
{
    if (!out)
        return qk__fail(diag, QK_ERR_INVALID, "out is required", 0);
    *out = NULL;
    qk__reader rd = {{NULL, 0, 0, 0}, diag};
    qk_world *w;
    qk_status st = qk__open_world(&rd, buf, len, &frame, qk__world_alloc, reg, alloc, &w);
    if (st != QK_OK)
        return st;
    for (uint32_t i = 0; st == QK_OK && i < w->chunk_count; i++)
        st = get_chunk(&rd, w, &w->chunks[i]);
    if (st == QK_OK && rd.r.pos != rd.r.len)
        st = qk__corrupt(&rd, "trailing bytes after the last chunk");
    if (st == QK_OK) /* light is derived: the unique fixed point of the blocks */
        st = qk__world_light_all(w);
    if (st != QK_OK) {
        qk_world_destroy(w);
        return st;
    }
    qk__world_finish(w, out);
    return QK_OK;
}
