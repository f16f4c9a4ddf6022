/*
 * translate.c - the metamorphic translation check: a world moved by whole
 * chunks must tell the same story, moved.
 *
 * The kernel's rules never look at absolute position, only at what is
 * loaded around a voxel, so a scenario whose chunk rectangle, inputs and
 * spawns are moved by (dx, dz) chunks must give the original's event
 * stream with every coordinate moved the same way.  This catches code that
 * leaks absolute coordinates into behaviour: a chunk key hashed into an
 * order, a floor division done as truncation on negative coordinates, an
 * off-by-one at a chunk seam that only shows at some offsets.
 *
 * What cannot be compared, and why:
 *   - digest lines: the digests hash absolute coordinates (a chunk's key is
 *     part of what it hashes), so they differ legitimately; both streams
 *     are compared without them.  The header's scenario_hash is not
 *     compared either: both headers are written from the translated
 *     scenario, so only events are compared.
 *   - the terrain generator: its noise, caves and bedrock hash absolute
 *     coordinates, so a moved world is a different world.  Refused.
 *   - the order of a light_commit's chunks: the kernel commits (and lists)
 *     them in Morton order of their absolute coordinates (its lock order,
 *     kernel/src/txn.c), which a move may permute.  Both streams list them
 *     sorted by (cx, cz) instead: the chunks and their revisions are
 *     compared, not their order.
 *   - precipitation: rain turns to snow in cold cells that hash absolute
 *     coordinates (qk_precipitation_at).  No event carries it; only "sky"
 *     expect lines with "falls" ask for it, and that part is dropped from
 *     the translated copy (counted in qr_translate_notes).
 *
 * Which event keys are coordinates is the event table's business
 * (events.c marks them): nothing here guesses key names.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

#define FX_CHUNK ((int64_t)QK_CHUNK_W * QK_FX_ONE)

static bool in_limit(int64_t v)
{
    return v >= -QK_COORD_LIMIT && v <= QK_COORD_LIMIT;
}

/* Moves a block coordinate pair; false when it would leave the world. */
static bool move_block(int32_t *x, int32_t *z, int32_t dx, int32_t dz)
{
    int64_t nx = (int64_t)*x + (int64_t)dx * QK_CHUNK_W;
    int64_t nz = (int64_t)*z + (int64_t)dz * QK_CHUNK_W;
    if (!in_limit(nx) || !in_limit(nz))
        return false;
    *x = (int32_t)nx;
    *z = (int32_t)nz;
    return true;
}

static void move_fx(qk_fx *x, qk_fx *z, int32_t dx, int32_t dz)
{
    *x += (int64_t)dx * FX_CHUNK;
    *z += (int64_t)dz * FX_CHUNK;
}

/* An input's positions.  False when one would leave the world. */
static bool move_input(qk_input *in, int32_t dx, int32_t dz)
{
    switch (in->op) {
    case QK_OP_JOIN:
        move_fx(&in->u.join.x, &in->u.join.z, dx, dz);
        return true;
    case QK_OP_PLACE:
        return move_block(&in->u.place.x, &in->u.place.z, dx, dz);
    case QK_OP_BREAK:
        return move_block(&in->u.brk.x, &in->u.brk.z, dx, dz);
    case QK_OP_CRAFT:
        return !in->u.craft.has_table || move_block(&in->u.craft.x, &in->u.craft.z, dx, dz);
    default: /* move, jump, select, undo, inventory, time, weather: no position */
        return true;
    }
}

/* An event expectation's match: coordinate keys of its type move.  Without
 * a "type" a coordinate key is ambiguous (blocks for block events, fixed
 * point for players): *drop then says to leave the line out.  NULL match
 * text on out-of-memory. */
static char *move_match(const char *match, int32_t dx, int32_t dz, bool *drop)
{
    *drop = false;
    json_t *m = json_loads(match, 0, NULL);
    if (!m)
        return NULL;
    const char *type = json_string_value(json_object_get(m, "type"));
    const char *key;
    json_t *v;
    json_object_foreach(m, key, v) {
        int64_t shift = 0;
        if (!type) {
            /* a key that is a coordinate of some event type */
            for (int t = QK_EV_SPAWN; t < QK_EV__COUNT && !*drop; t++)
                if (qr__event_key_shift(qk_event_name((qk_event_type)t), key, 1, 1,
                                        &shift) != 0)
                    *drop = true;
            continue;
        }
        if (qr__event_key_shift(type, key, dx, dz, &shift) == 1 && json_is_integer(v))
            json_integer_set(v, json_integer_value(v) + shift);
    }
    char *out = json_dumps(m, JSON_COMPACT);
    json_decref(m);
    return out;
}

/* Moves one expectation in place.  Returns 1 kept, 0 to leave it out (and
 * counted in notes), -1 out of the world, -2 out of memory. */
static int move_expect(qr_expect *e, int32_t dx, int32_t dz, qr_translate_notes *notes)
{
    switch (e->kind) {
    case QR_EXPECT_BLOCK:
    case QR_EXPECT_LIGHT:
        return move_block(&e->pos[0], &e->pos[2], dx, dz) ? 1 : -1;
    case QR_EXPECT_PLAYER:
        if (e->has_feet && !move_block(&e->feet[0], &e->feet[2], dx, dz))
            return -1;
        if (e->has_fx)
            move_fx(&e->fx[0], &e->fx[2], dx, dz);
        return 1;
    case QR_EXPECT_SKY:
        if (!e->has_falls)
            return 1;
        e->has_falls = false; /* cold cells hash absolute coordinates */
        notes->falls++;
        return e->has_time || e->has_day || e->has_phase || e->has_sun ||
               e->has_sky_scalar || e->has_weather;
    case QR_EXPECT_EVENT: {
        bool drop;
        char *m = move_match(e->match, dx, dz, &drop);
        if (!m)
            return -2;
        free(e->match);
        e->match = m;
        if (drop)
            notes->untyped++;
        return !drop;
    }
    case QR_EXPECT_INVENTORY:
        return 1;
    }
    return 1;
}

static qr_status fail_at(qr_error *err, const qr_scenario *sc, uint32_t line, const char *what)
{
    return qr__fail(err, QR_ERR_INPUT, sc->path, line, 0,
                    "translated, %s would leave the world (|x|, |z| <= %d)", what,
                    QK_COORD_LIMIT);
}

qr_status qr_scenario_translate(const qr_scenario *sc, int32_t dx, int32_t dz,
                                qr_scenario **out, qr_translate_notes *notes, qr_error *err)
{
    *out = NULL;
    qr_translate_notes local;
    if (!notes)
        notes = &local;
    memset(notes, 0, sizeof *notes);
    if (sc->world.generator == QK_GEN_TERRAIN)
        return qr__fail(err, QR_ERR_INPUT, sc->path, 1, 0,
                        "cannot translate: the terrain generator is not translation "
                        "invariant (its noise hashes absolute coordinates)");
    const qk_world_config *w = &sc->world;
    int64_t lim = QK_COORD_LIMIT / QK_CHUNK_W;
    if ((int64_t)w->cx_min + dx < -lim || (int64_t)w->cx_max + dx > lim ||
        (int64_t)w->cz_min + dz < -lim || (int64_t)w->cz_max + dz > lim)
        return fail_at(err, sc, 1, "the chunk rectangle");

    qr_scenario *t = calloc(1, sizeof *t);
    if (!t)
        return qr__fail(err, QR_ERR_NOMEM, sc->path, 0, 0, "out of memory");
    *t = *sc;
    t->path = NULL;
    t->inputs = NULL;
    t->input_lines = NULL;
    t->expects = NULL;
    t->n_expects = 0;
    t->pack_owned = false; /* shared: the original's pack must outlive the copy */
    t->world.cx_min += dx;
    t->world.cx_max += dx;
    t->world.cz_min += dz;
    t->world.cz_max += dz;
    size_t ni = sc->n_inputs ? sc->n_inputs : 1, ne = sc->n_expects ? sc->n_expects : 1;
    t->path = qr__strdup(sc->path ? sc->path : "");
    t->inputs = malloc(ni * sizeof *t->inputs);
    t->input_lines = malloc(ni * sizeof *t->input_lines);
    t->expects = calloc(ne, sizeof *t->expects);
    qr_status st = QR_OK;
    if (!t->path || !t->inputs || !t->input_lines || !t->expects) {
        st = qr__fail(err, QR_ERR_NOMEM, sc->path, 0, 0, "out of memory");
        goto fail;
    }
    if (sc->n_inputs) {
        memcpy(t->inputs, sc->inputs, sc->n_inputs * sizeof *t->inputs);
        memcpy(t->input_lines, sc->input_lines, sc->n_inputs * sizeof *t->input_lines);
    }
    for (size_t i = 0; i < sc->n_inputs; i++)
        if (!move_input(&t->inputs[i], dx, dz)) {
            st = fail_at(err, sc, sc->input_lines[i], "this input's position");
            goto fail;
        }
    for (size_t i = 0; i < sc->n_expects; i++) {
        qr_expect *e = &t->expects[t->n_expects];
        *e = sc->expects[i];
        e->note = NULL;
        e->match = NULL;
        if ((sc->expects[i].note && !(e->note = qr__strdup(sc->expects[i].note))) ||
            (sc->expects[i].match && !(e->match = qr__strdup(sc->expects[i].match)))) {
            t->n_expects++; /* freed with the copy */
            st = qr__fail(err, QR_ERR_NOMEM, sc->path, 0, 0, "out of memory");
            goto fail;
        }
        t->n_expects++;
        int k = move_expect(e, dx, dz, notes);
        if (k == -2) {
            st = qr__fail(err, QR_ERR_NOMEM, sc->path, 0, 0, "out of memory");
            goto fail;
        }
        if (k == -1) {
            st = fail_at(err, sc, e->line, "this expect line's position");
            goto fail;
        }
        if (k == 0) { /* left out: the order of the rest is kept */
            free(e->note);
            free(e->match);
            t->n_expects--;
        }
    }
    *out = t;
    return QR_OK;
fail:
    qr_scenario_free(t);
    return st;
}

/* ---- running both and comparing ---------------------------------------- */

typedef struct sink {
    FILE *f;
    const qr_pack *pack;
    int32_t dx, dz;
    bool move;
} sink;

/* A light_commit's chunks by (cx, cz): at most QK_TXN_MAX_CHUNKS. */
static void sort_chunks(qk_event *ev)
{
    qk_commit_chunk *c = ev->u.commit.chunks;
    uint32_t n = ev->u.commit.n_chunks < QK_TXN_MAX_CHUNKS ? ev->u.commit.n_chunks
                                                             : QK_TXN_MAX_CHUNKS;
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && (c[j - 1].cx > c[j].cx ||
                                       (c[j - 1].cx == c[j].cx && c[j - 1].cz > c[j].cz)); j--) {
            qk_commit_chunk t = c[j];
            c[j] = c[j - 1];
            c[j - 1] = t;
        }
}

/* Every event but digests, moved when asked, as its canonical line (a
 * light_commit's chunks sorted: see the top of the file). */
static void put_event(void *ud, const qk_event *ev)
{
    sink *s = ud;
    if (ev->type == QK_EV_DIGEST)
        return;
    char line[QR_EVENT_LINE_MAX];
    qk_event moved;
    if (s->move || ev->type == QK_EV_LIGHT_COMMIT) {
        moved = *ev;
        if (s->move)
            qr__event_translate(&moved, s->dx, s->dz);
        if (moved.type == QK_EV_LIGHT_COMMIT)
            sort_chunks(&moved);
        ev = &moved;
    }
    size_t n = qr_event_format(s->pack, ev, line);
    fwrite(line, 1, n, s->f);
}

static qr_status run_into(const qr_scenario *sc, const qr_scenario *named, FILE *f, sink *s,
                          unsigned threads, qr_run_result *res, qr_error *err)
{
    char head[1024];
    size_t n = qr_header_format(named->name, named->hash, head, sizeof head);
    if (n >= sizeof head || fwrite(head, 1, n, f) != n)
        return qr__fail(err, QR_ERR_IO, "", 0, 0, "cannot write a temporary file");
    s->f = f;
    s->pack = sc->pack;
    qr_run_opts ro = {.on_event = put_event, .hook_ud = s, .threads = threads};
    return qr_run(sc, &ro, res, err);
}

qr_status qr_translate_compare(const qr_scenario *orig, const qr_scenario *moved, int32_t dx,
                               int32_t dz, unsigned threads, qr_diff *diff,
                               qr_run_result *res, qr_error *err)
{
    memset(diff, 0, sizeof *diff);
    qr_run_result ra;
    memset(&ra, 0, sizeof ra);
    memset(res, 0, sizeof *res);
    FILE *fa = tmpfile(), *fb = tmpfile();
    qr_status st = QR_OK;
    if (!fa || !fb) {
        st = qr__fail(err, QR_ERR_IO, "", 0, 0, "cannot create a temporary file");
        goto out;
    }
    sink sa = {.dx = dx, .dz = dz, .move = true}, sb = {.move = false};
    if ((st = run_into(orig, moved, fa, &sa, threads, &ra, err)) ||
        (st = run_into(moved, moved, fb, &sb, threads, res, err)))
        goto out;
    if (fflush(fa) || fflush(fb) || ferror(fa) || ferror(fb) || fseek(fa, 0, SEEK_SET) ||
        fseek(fb, 0, SEEK_SET)) {
        st = qr__fail(err, QR_ERR_IO, "", 0, 0, "cannot write a temporary file");
        goto out;
    }
    st = qr_compare_files(fa, fb, diff, err);
out:
    qr_run_result_free(&ra);
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return st;
}
