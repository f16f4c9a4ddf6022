/*
 * save.c - the world as a world record plus one record per column, and
 * back (qk.h, "Saves").  The store (adapters/region) decides where the
 * records go; this file only turns state into bytes and bytes into state.
 *
 * World record (little-endian; docs/formats.md):
 *   magic "QKWORLD\n", u32 format (1),
 *   the configuration record (record.h: registry hash, block count, config),
 *   the state record (tick, chain, clock, weather, txn counter, undo log,
 *   players with inventories),
 *   u64 XXH3 of every byte before it.
 * Chunk record:
 *   u8 QK_CHUNK_GENERATED                       and nothing else, or
 *   u8 QK_CHUNK_RELIT, the column's revisions and last commits (its blocks
 *   were never edited: geometry revision 1), or
 *   u8 QK_CHUNK_STORED, the column's revisions and last commits, its 16
 *   sections in canonical form (the same bytes a snapshot uses).
 *
 * Loading is creation from the record's configuration (so generated
 * columns, their revisions and their history come back exactly as the
 * original creation made them), then the stored columns replace theirs,
 * then the whole world is relit: light is derived state.  A stored record
 * must not claim creation's revisions (that column would have been saved
 * as generated), which keeps save(load(r)) == r.
 */
#include <string.h>

#include "record.h"

static const qk__frame frame = {
    {'Q', 'K', 'W', 'O', 'R', 'L', 'D', '\n'}, 1,
    "shorter than a world record", "not a quarry world record (bad magic)",
    "unsupported world record format", "world record checksum mismatch",
    "the save was made with another block registry"};

static void put_world(const qk_world *w, qk__wbuf *b)
{
    qk__put_frame_head(b, &frame);
    qk__put_config(b, w);
    qk__put_state(b, w);
}

size_t qk_save_world_size(const qk_world *w)
{
    qk__wbuf b = {NULL, 0, 0};
    put_world(w, &b);
    return b.len + 8;
}

qk_status qk_save_world(const qk_world *w, uint8_t *buf, size_t cap, size_t *written)
{
    if (written)
        *written = 0;
    if (w->failed || w->loading)
        return QK_ERR_STATE;
    qk__wbuf b = {buf, buf ? cap : 0, 0};
    put_world(w, &b);
    return qk__put_frame_end(&b, buf, cap, written);
}

qk_status qk_save_chunk(const qk_world *w, int32_t cx, int32_t cz, uint8_t *buf, size_t cap,
                        size_t *written)
{
    if (written)
        *written = 0;
    if (w->failed || w->loading)
        return QK_ERR_STATE;
    const qk__chunk *c = qk__world_chunk(w, cx, cz);
    if (!c)
        return QK_ERR_RANGE;
    qk__wbuf b = {buf, buf ? cap : 0, 0};
    if (qk__chunk_as_generated(c)) {
        qk__put8(&b, QK_CHUNK_GENERATED);
    } else if (c->light.geometry_rev == 1) { /* every edit moves it */
        qk__put8(&b, QK_CHUNK_RELIT);
        qk__put_chunk_txns(&b, c);
    } else {
        qk__put8(&b, QK_CHUNK_STORED);
        qk__put_chunk_txns(&b, c);
        qk__put_sections(&b, c);
    }
    if (!buf || b.len > cap)
        return QK_ERR_CAPACITY;
    if (written)
        *written = b.len;
    return QK_OK;
}

/* ---- loading ---- */

void qk__load_release(qk_world *w)
{
    if (w->load_seen)
        qk__mem_free(&w->mem, w->load_seen, w->chunk_count);
    w->load_seen = NULL;
}


qk_status qk_load_begin(qk_world **out, const uint8_t *rec, size_t len, const qk_registry *reg,
                        const qk_allocator *alloc, qk_diag *diag)
{
    if (!out)
        return qk__fail(diag, QK_ERR_INVALID, "out is required", 0);
    *out = NULL;
    qk__reader rd = {{NULL, 0, 0, 0}, diag};
    qk_world *w;
    qk_status st = qk__open_world(&rd, rec, len, &frame, qk_world_create, reg, alloc, &w);
    if (st != QK_OK)
        return st;
    /* Creation took transaction ids 1..chunk_count; the record goes on from there. */
    if (w->next_txn <= w->chunk_count)
        st = qk__corrupt(&rd, "transaction counter below the world's generation");
    if (st == QK_OK && rd.r.pos != rd.r.len)
        st = qk__corrupt(&rd, "trailing bytes after the last player");
    if (st == QK_OK && !(w->load_seen = qk__mem_zalloc(&w->mem, w->chunk_count)))
        st = qk__fail(diag, QK_ERR_NOMEM, "loading buffers", 0);
    if (st != QK_OK) {
        qk_world_destroy(w);
        return st;
    }
    w->loading = true;
    *out = w;
    return QK_OK;
}

/* Reads a stored or relit record's revisions (and a stored one's
 * sections), checking everything before the column changes: on error it
 * is left as generated.  Only the kind the saver would have chosen for
 * those revisions is accepted, so save(load(r)) == r. */
static qk_status load_record(qk__reader *rd, qk_world *w, qk__chunk *c, uint8_t kind)
{
    qk__chunk_light l = c->light;
    qk_status st = qk__get_chunk_txns(rd, w, &l);
    if (st != QK_OK)
        return st;
    if (l.geometry_rev == 1 && l.light_rev == c->gen_light)
        return qk__corrupt(rd, "record with the revisions of a generated column");
    if ((kind == QK_CHUNK_RELIT) != (l.geometry_rev == 1))
        return qk__corrupt(rd, kind == QK_CHUNK_RELIT
                                   ? "relit record of a column whose blocks were edited"
                                   : "stored record of a column whose blocks were never edited");
    qk__section sec[QK_SECTIONS];
    if (kind == QK_CHUNK_STORED && (st = qk__get_sections(rd, w, sec)) != QK_OK)
        return st;
    if (rd->r.pos != rd->r.len) {
        if (kind == QK_CHUNK_STORED)
            qk__free_sections(w, sec);
        return qk__corrupt(rd, "trailing bytes after the record");
    }
    if (kind == QK_CHUNK_STORED)
        qk__install_sections(w, c, sec);
    c->light.geometry_rev = l.geometry_rev;
    c->light.light_rev = l.light_rev;
    c->light.n_hist = l.n_hist;
    memcpy(c->light.hist, l.hist, sizeof l.hist);
    return QK_OK;
}

qk_status qk_load_chunk(qk_world *w, int32_t cx, int32_t cz, const uint8_t *rec, size_t len,
                        qk_diag *diag)
{
    if (!w->loading)
        return qk__fail(diag, QK_ERR_STATE, "the world is not loading", 0);
    qk__chunk *c = qk__world_chunk(w, cx, cz);
    if (!c)
        return qk__fail(diag, QK_ERR_RANGE, "column outside the world", 0);
    size_t i = (size_t)(c - w->chunks);
    if (w->load_seen[i])
        return qk__fail(diag, QK_ERR_INVALID, "column given twice", 0);
    qk__reader rd = {{rec, rec ? len : 0, 0, 0}, diag};
    uint8_t kind = qk__get8(&rd.r);
    qk_status st = QK_OK;
    if (rd.r.bad)
        st = qk__corrupt(&rd, "empty chunk record");
    else if (kind == QK_CHUNK_GENERATED && len != 1)
        st = qk__corrupt(&rd, "trailing bytes after a generated chunk record");
    else if (kind == QK_CHUNK_STORED || kind == QK_CHUNK_RELIT)
        st = load_record(&rd, w, c, kind);
    else if (kind != QK_CHUNK_GENERATED)
        st = qk__fail(diag, QK_ERR_VERSION, "unknown chunk record kind", 0);
    if (st == QK_OK)
        w->load_seen[i] = 1;
    return st;
}

qk_status qk_load_finish(qk_world *w, qk_diag *diag)
{
    if (!w->loading)
        return qk__fail(diag, QK_ERR_STATE, "the world is not loading", 0);
    for (uint32_t i = 0; i < w->chunk_count; i++)
        if (!w->load_seen[i])
            return qk__fail(diag, QK_ERR_INVALID, "a column has no record", i);
    qk_status st = qk__world_light_all(w);
    if (st != QK_OK)
        return qk__fail(diag, st, "relighting the loaded world", 0);
    qk__load_release(w);
    w->loading = false;
    qk_world *same;
    qk__world_finish(w, &same);
    return QK_OK;
}
