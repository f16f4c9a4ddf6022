/*
 * bisect.c - find where two runs part: the tick, the subsystem, the column
 * and voxel or the player and field, and both values.
 *
 * The chained hash makes the search linear and cheap: H(t) folds every
 * subsystem digest of every tick up to t, so the first tick whose chain
 * differs is the root, and every later difference is downstream of it.
 * Both worlds are stepped in lockstep in this process (one step each per
 * tick, each with its own scenario's inputs, fed by run_internal.h's feed
 * exactly as qr_run feeds them), and compared after every tick: one
 * qk_world_digests each, O(1).  Only at the root tick does the bisector
 * pay for a descent:
 *
 *   blocks, light   per-column digests (qk_chunk_digest) in key order find
 *                   the first differing column; its 65,536 voxels are then
 *                   compared in (y, z, x) order - O(columns + 65,536);
 *   entities        players in id order, then the fields of qk_player_state;
 *   inventory       players in id order, then slots, selection, game mode;
 *   time, weather   the fields of qk_world_time.
 *
 * Later ticks are still stepped (to the end), counting the differing
 * (tick, subsystem) pairs: that count is the "N later differences follow
 * from it" of the summary.  The canonical lines of every tick are captured
 * until the root is found, so the first differing event line of the root
 * tick (or, when every digest agrees, of the first tick whose events
 * differ) can be shown.  Stream bisection, without worlds, and the
 * rendering live in bisect_streams.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "run_internal.h"

/* One side of the lockstep: a scenario, its world and its tick's lines. */
typedef struct side {
    const qr_scenario *sc;
    qr__counting cnt;
    qk_allocator alloc;
    qk_world *w;
    qr__feed feed;
    qr__capture lines;
    bool capture;
} side;

static void on_event(void *ud, const qk_event *ev)
{
    side *s = ud;
    if (!s->capture)
        return;
    char line[QR_EVENT_LINE_MAX];
    size_t n = qr_event_format(s->sc->pack, ev, line);
    qr__capture_add(&s->lines, line, n);
}

static void set_value(char *dst, size_t cap, const char *fmt, ...) QR_PRINTF(3, 4);
static void set_value(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
}

#define VAL_A(...) set_value(out->value_a, sizeof out->value_a, __VA_ARGS__)
#define VAL_B(...) set_value(out->value_b, sizeof out->value_b, __VA_ARGS__)
#define FIELD(name) qr__strlcpy(out->field, (name), sizeof out->field)

/* ---- blocks and light ---------------------------------------------------- */

static const char *block_name(const qr_pack *p, qk_block_id id, char buf[16])
{
    const char *n = qr_pack_block_name(p, id);
    if (n)
        return n;
    snprintf(buf, 16, "#%u", (unsigned)id);
    return buf;
}

/* First differing voxel of column (cx, cz) in (y, z, x) order. */
static void descend_voxels(const side *a, const side *b, qk_subsys sub, qr_divergence *out)
{
    for (int32_t y = 0; y < 256; y++)
        for (int32_t lz = 0; lz < 16; lz++)
            for (int32_t lx = 0; lx < 16; lx++) {
                int32_t x = out->cx * 16 + lx, z = out->cz * 16 + lz;
                if (sub == QK_SUB_BLOCKS) {
                    qk_block_id ia = 0, ib = 0;
                    qk_status sa = qk_block_at(a->w, x, y, z, &ia);
                    qk_status sb = qk_block_at(b->w, x, y, z, &ib);
                    if (sa == sb && ia == ib)
                        continue;
                    char ba[16], bb[16];
                    FIELD("block");
                    VAL_A("%s", sa ? "unloaded" : block_name(a->sc->pack, ia, ba));
                    VAL_B("%s", sb ? "unloaded" : block_name(b->sc->pack, ib, bb));
                } else {
                    uint8_t ska = 0, bla = 0, skb = 0, blb = 0;
                    qk_status sa = qk_light_at(a->w, x, y, z, &ska, &bla);
                    qk_status sb = qk_light_at(b->w, x, y, z, &skb, &blb);
                    if (sa == sb && ska == skb && bla == blb)
                        continue;
                    bool sky = sa != sb || ska != skb;
                    FIELD(sky ? "sky" : "block_light");
                    if (sa)
                        VAL_A("unloaded");
                    else
                        VAL_A("%u", (unsigned)(sky ? ska : bla));
                    if (sb)
                        VAL_B("unloaded");
                    else
                        VAL_B("%u", (unsigned)(sky ? skb : blb));
                }
                out->has_voxel = true;
                out->x = x;
                out->y = y;
                out->z = z;
                return;
            }
}

/* First differing column over a's rectangle in key order (cx, then cz). */
static void descend_columns(side *a, side *b, qk_subsys sub, qr_divergence *out)
{
    const qk_world_config *c = qk_world_config_of(a->w);
    for (int32_t cx = c->cx_min; cx <= c->cx_max; cx++)
        for (int32_t cz = c->cz_min; cz <= c->cz_max; cz++) {
            uint64_t da = 0, db = 0;
            qk_status sa = qk_chunk_digest(a->w, cx, cz, sub, &da);
            qk_status sb = qk_chunk_digest(b->w, cx, cz, sub, &db);
            if (sa == sb && da == db)
                continue;
            out->has_chunk = true;
            out->cx = cx;
            out->cz = cz;
            descend_voxels(a, b, sub, out);
            return;
        }
}

/* ---- players ------------------------------------------------------------- */

/* Walks both player lists in id order; calls cmp for each id present in
 * both and reports the first id present in one only.  Returns true when
 * it found a difference. */
static bool descend_players(const side *a, const side *b, qr_divergence *out,
                            bool (*cmp)(const side *, const side *, const qk_player_state *,
                                        const qk_player_state *, qr_divergence *))
{
    uint32_t na = qk_player_count(a->w), nb = qk_player_count(b->w), i = 0, j = 0;
    while (i < na || j < nb) {
        qk_player_state pa, pb;
        if (i < na)
            qk_player_at(a->w, i, &pa);
        if (j < nb)
            qk_player_at(b->w, j, &pb);
        if (i < na && j < nb && pa.id == pb.id) {
            if (cmp(a, b, &pa, &pb, out)) {
                out->has_player = true;
                out->player = pa.id;
                return true;
            }
            i++, j++;
            continue;
        }
        bool in_a = j >= nb || (i < na && pa.id < pb.id);
        out->has_player = true;
        out->player = in_a ? pa.id : pb.id;
        FIELD("present");
        VAL_A(in_a ? "yes" : "no");
        VAL_B(in_a ? "no" : "yes");
        return true;
    }
    return false;
}

static bool cmp_entity(const side *a, const side *b, const qk_player_state *pa,
                       const qk_player_state *pb, qr_divergence *out)
{
    (void)a, (void)b;
#define F(name, fmt, cast)                                                       \
    if (pa->name != pb->name) {                                                  \
        FIELD(#name);                                                            \
        VAL_A(fmt, (cast)pa->name);                                              \
        VAL_B(fmt, (cast)pb->name);                                              \
        return true;                                                             \
    }
    F(x, "%" PRId64, int64_t)
    F(y, "%" PRId64, int64_t)
    F(z, "%" PRId64, int64_t)
    F(vx, "%" PRId64, int64_t)
    F(vy, "%" PRId64, int64_t)
    F(vz, "%" PRId64, int64_t)
    F(yaw, "%u", unsigned)
    F(pitch, "%d", int)
    F(dirs, "%u", unsigned)
    F(on_ground, "%d", int)
    return false;
}

static void slot_text(const qr_pack *p, qk_slot s, char *dst, size_t cap)
{
    char nb[16];
    if (!s.count)
        snprintf(dst, cap, "empty");
    else
        snprintf(dst, cap, "%u %s", (unsigned)s.count, block_name(p, s.item, nb));
}

static bool cmp_inventory(const side *a, const side *b, const qk_player_state *pa,
                          const qk_player_state *pb, qr_divergence *out)
{
    for (int k = 0; k < QK_INV_SLOTS; k++) {
        qk_slot sa = pa->inv[k], sb = pb->inv[k];
        if (sa.count == sb.count && (sa.count == 0 || sa.item == sb.item))
            continue;
        snprintf(out->field, sizeof out->field, "slot %d", k);
        slot_text(a->sc->pack, sa, out->value_a, sizeof out->value_a);
        slot_text(b->sc->pack, sb, out->value_b, sizeof out->value_b);
        return true;
    }
    F(slot, "%u", unsigned)
    if (pa->mode != pb->mode) {
        FIELD("mode");
        VAL_A("%s", qk_mode_name(pa->mode));
        VAL_B("%s", qk_mode_name(pb->mode));
        return true;
    }
#undef F
    return false;
}

/* ---- time and weather ---------------------------------------------------- */

static void descend_sky(const side *a, const side *b, qk_subsys sub, qr_divergence *out)
{
    qk_time_state ta, tb;
    qk_world_time(a->w, &ta);
    qk_world_time(b->w, &tb);
#define T(name, fmt, cast)                                                       \
    if (ta.name != tb.name) {                                                    \
        FIELD(#name);                                                            \
        VAL_A(fmt, (cast)ta.name);                                               \
        VAL_B(fmt, (cast)tb.name);                                               \
        return;                                                                  \
    }
    if (sub == QK_SUB_TIME) {
        T(day_length, "%" PRIu32, uint32_t)
        T(day, "%" PRIu64, uint64_t)
        T(time, "%" PRIu32, uint32_t)
        if (ta.phase != tb.phase) {
            FIELD("phase");
            VAL_A("%s", qk_phase_name(ta.phase));
            VAL_B("%s", qk_phase_name(tb.phase));
        }
        return;
    }
    if (ta.weather != tb.weather) {
        FIELD("weather");
        VAL_A("%s", qk_weather_name(ta.weather));
        VAL_B("%s", qk_weather_name(tb.weather));
        return;
    }
    T(weather_until, "%" PRIu64, uint64_t)
#undef T
    /* Otherwise only the weather's random stream differs: not visible. */
}

static void descend(side *a, side *b, qk_subsys sub, qr_divergence *out)
{
    out->descended = true;
    if (sub == QK_SUB_BLOCKS || sub == QK_SUB_LIGHT)
        descend_columns(a, b, sub, out);
    else if (sub == QK_SUB_ENTITIES)
        descend_players(a, b, out, cmp_entity);
    else if (sub == QK_SUB_INVENTORY)
        descend_players(a, b, out, cmp_inventory);
    else if (sub == QK_SUB_TIME || sub == QK_SUB_WEATHER)
        descend_sky(a, b, sub, out);
}

/* ---- events of a tick ---------------------------------------------------- */

bool qr__first_line_diff(const char *pa, size_t na, const char *pb, size_t nb,
                         qr_divergence *out)
{
    const char *enda = pa + na, *endb = pb + nb;
    for (uint64_t k = 1; pa < enda || pb < endb; k++) {
        const char *ea = memchr(pa, '\n', (size_t)(enda - pa));
        const char *eb = memchr(pb, '\n', (size_t)(endb - pb));
        size_t la = ea ? (size_t)(ea - pa) : (size_t)(enda - pa);
        size_t lb = eb ? (size_t)(eb - pb) : (size_t)(endb - pb);
        if (la != lb || memcmp(pa, pb, la) != 0) {
            out->has_event = true;
            out->event_line = k;
            snprintf(out->event_a, sizeof out->event_a, "%.*s", (int)la, pa);
            snprintf(out->event_b, sizeof out->event_b, "%.*s", (int)lb, pb);
            return true;
        }
        pa += la + (ea != NULL);
        pb += lb + (eb != NULL);
    }
    return false;
}

static bool first_line_diff(const qr__capture *a, const qr__capture *b, qr_divergence *out)
{
    return qr__first_line_diff(a->p ? a->p : "", a->len, b->p ? b->p : "", b->len, out);
}

void qr__diverge(const qr_scenario *sa, qk_world *wa, const qr_scenario *sb, qk_world *wb,
                 uint64_t t, qr_divergence *out)
{
    side a = {.sc = sa, .w = wa}, b = {.sc = sb, .w = wb};
    qk_digests da, db;
    qk_world_digests(wa, &da);
    qk_world_digests(wb, &db);
    memset(out, 0, sizeof *out);
    out->found = true;
    out->tick = t;
    out->ticks_compared = t + 1;
    if (da.chain == db.chain)
        return;
    size_t m = 0;
    int root = -1;
    for (int k = 0; k < QK_SUB__COUNT; k++) {
        if (da.sub[k] == db.sub[k])
            continue;
        if (root < 0)
            root = k;
        m += (size_t)snprintf(out->subsystems + m, m < sizeof out->subsystems
                              ? sizeof out->subsystems - m : 0, "%s%s", m ? "," : "",
                              qk_subsys_name((qk_subsys)k));
    }
    if (root < 0) /* the chain alone differs: the worlds began apart */
        qr__strlcpy(out->subsystems, "chain", sizeof out->subsystems);
    else
        descend(&a, &b, (qk_subsys)root, out);
}

/* ---- the lockstep -------------------------------------------------------- */

static qr_status start(side *s, qr_error *err)
{
    s->alloc = (qk_allocator){qr__count_alloc, &s->cnt};
    if (qr__feed_init(&s->feed, s->sc) != QR_OK)
        return qr__fail(err, QR_ERR_NOMEM, s->sc->path, 0, 0, "out of memory");
    qk_diag d = {0};
    qk_status ks = qk_world_create(&s->w, &s->sc->world, &s->sc->pack->registry, &s->alloc, &d);
    if (ks != QK_OK)
        return qr__fail(err, QR_ERR_KERNEL, s->sc->path, 0, 0, "kernel: qk_world_create failed: "
                        "%s%s%s", qk_status_str(ks), d.what ? ": " : "", d.what ? d.what : "");
    return QR_OK;
}

static qr_status step(side *s, uint64_t t, qr_error *err)
{
    size_t n = qr__feed_tick(&s->feed, t);
    qk_sink sink = {on_event, s};
    qk_diag d = {0};
    qr__capture_clear(&s->lines);
    qk_status ks = qk_step(s->w, s->feed.scratch, n, &sink, &d);
    if (ks != QK_OK)
        return qr__fail(err, QR_ERR_KERNEL, s->sc->path, 0, 0, "kernel: qk_step at tick %" PRIu64
                        " failed: %s%s%s", t, qk_status_str(ks), d.what ? ": " : "",
                        d.what ? d.what : "");
    return QR_OK;
}

static void finish(side *s)
{
    if (s->w)
        qk_world_destroy(s->w);
    qr__feed_free(&s->feed);
    qr__capture_free(&s->lines);
}

qr_status qr_bisect_runs(const qr_scenario *a, const qr_scenario *b,
                         const qr_bisect_opts *opts, qr_divergence *out, qr_error *err)
{
    static const qr_bisect_opts none;
    const qr_bisect_opts *o = opts ? opts : &none;
    memset(out, 0, sizeof *out);
    uint64_t ticks = o->ticks ? o->ticks : a->ticks > b->ticks ? a->ticks : b->ticks;
    side s[2] = {{.sc = a, .capture = true}, {.sc = b, .capture = true}};
    qr_status st;
    bool events_differ = false; /* some tick's lines differed, digests agreeing */
    if ((st = start(&s[0], err)) || (st = start(&s[1], err)))
        goto done;
    for (uint64_t t = 0; t < ticks; t++) {
        for (int k = 0; k < 2; k++) {
            if ((st = step(&s[k], t, err)))
                goto done;
            if (o->after_step)
                o->after_step(o->ud, k, s[k].w, t);
        }
        out->ticks_compared++;
        qk_digests da, db;
        qk_world_digests(s[0].w, &da);
        qk_world_digests(s[1].w, &db);
        if (out->found && out->subsystems[0]) {
            for (int k = 0; k < QK_SUB__COUNT; k++)
                out->later_differences += da.sub[k] != db.sub[k];
            continue;
        }
        if (da.chain == db.chain) {
            if (!events_differ && first_line_diff(&s[0].lines, &s[1].lines, out)) {
                events_differ = out->found = true; /* kept unless a digest differs later */
                out->tick = t;
            }
            continue;
        }
        qr__diverge(a, s[0].w, b, s[1].w, t, out);
        first_line_diff(&s[0].lines, &s[1].lines, out);
        s[0].capture = s[1].capture = false;
    }
    st = QR_OK;
done:
    finish(&s[0]);
    finish(&s[1]);
    if (st)
        memset(out, 0, sizeof *out);
    return st;
}
