/*
 * run.c - drive the kernel through a scenario and write its event stream.
 *
 * The runner is the edge that owns the world: it gives the kernel a
 * malloc-based allocator that counts bytes (peak memory is a benchmark
 * figure), feeds each tick exactly the inputs the scenario lists for it,
 * and turns the kernel's events into canonical lines.  Lines go into a
 * 64 KiB buffer that is hashed (XXH3, streaming) and handed to the caller's
 * write function when full, so writing costs one memcpy-sized pass per event
 * and no printf.
 *
 * With opts->threads > 1 the run owns a qr_pool and hands it to the world
 * (again after each restore, since a restore builds a new world); the
 * kernel merges light work in transaction order, so the bytes are the same
 * for any thread count.  Two optional hooks let a tool watch the run
 * (quarry txn-status): every event, and the world after every step.
 *
 * Expectations are checked after the step of their tick by querying the
 * world (blocks, players, light, the day clock and weather, inventories) or, for "event" expectations, by matching the
 * tick's canonical lines, which are kept only for ticks that have such an
 * expectation.  Optional snapshot/restore points serialise the world,
 * destroy it and rebuild it from the bytes: the output must not change,
 * which is what the determinism tests assert.  Saves and resumes go
 * through a store the caller supplies (qr_run_opts.save/load): a resumed
 * run starts at the save's tick and writes the same lines from there on as
 * the straight run.
 *
 * Everything lives in a struct on the caller's stack: no globals, so runs on
 * several threads do not interact.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "heavy.h"
#include "run_internal.h"

#define OUTBUF (64u * 1024u)

typedef struct runner {
    const qr_scenario *sc;
    const qr_run_opts *o;
    qr_run_result *res;
    XXH3_state_t *xxh;
    char *out;
    size_t len;
    bool failed; /* the write callback refused */
    bool capture;
    qr__capture cap; /* canonical lines of the current tick, when capturing */
} runner;

static void flush(runner *r)
{
    if (!r->len)
        return;
    XXH3_64bits_update(r->xxh, r->out, r->len);
    r->res->bytes += r->len;
    if (r->o->write && !r->failed && r->o->write(r->o->write_ud, r->out, r->len) != 0)
        r->failed = true;
    r->len = 0;
}

static void on_event(void *ud, const qk_event *ev)
{
    runner *r = ud;
    if (OUTBUF - r->len < QR_EVENT_LINE_MAX)
        flush(r);
    size_t n = qr_event_format(r->sc->pack, ev, r->out + r->len);
    if (r->capture)
        qr__capture_add(&r->cap, r->out + r->len, n);
    r->len += n;
    r->res->events++;
    if (r->o->on_event)
        r->o->on_event(r->o->hook_ud, ev);
}

/* ---- expectations ------------------------------------------------------ */

static bool event_matches(const char *line, size_t len, const json_t *match)
{
    json_t *ev = json_loadb(line, len, 0, NULL);
    if (!ev)
        return false;
    bool ok = true;
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)match, key, v) {
        json_t *have = json_object_get(ev, key);
        if (!have || !json_equal(have, v)) {
            ok = false;
            break;
        }
    }
    json_decref(ev);
    return ok;
}

static void check_event(runner *r, const qr_expect *e, qr_expect_result *out)
{
    json_t *match = json_loads(e->match, 0, NULL);
    size_t count = 0;
    bool found = false;
    for (size_t i = 0; match && i < r->cap.len;) {
        const char *nl = memchr(r->cap.p + i, '\n', r->cap.len - i);
        size_t n = nl ? (size_t)(nl - (r->cap.p + i)) : r->cap.len - i;
        if (!found && event_matches(r->cap.p + i, n, match))
            found = true;
        count++;
        i += n + 1;
    }
    json_decref(match);
    out->passed = found;
    if (found)
        snprintf(out->msg, sizeof out->msg, "tick %" PRIu64 ": an event matches %.200s",
                 e->tick, e->match);
    else
        snprintf(out->msg, sizeof out->msg, "tick %" PRIu64 ": no event matches %.200s "
                 "(%zu events that tick)%s", e->tick, e->match, count,
                 r->cap.nomem ? " [out of memory while capturing]" : "");
}

static void check_block(runner *r, qk_world *w, const qr_expect *e, qr_expect_result *out)
{
    qk_block_id id;
    const qr_pack *p = r->sc->pack;
    const char *want = qr_pack_block_name(p, e->block);
    if (qk_block_at(w, e->pos[0], e->pos[1], e->pos[2], &id) != QK_OK) {
        out->passed = false;
        snprintf(out->msg, sizeof out->msg, "tick %" PRIu64 ": block [%d,%d,%d] is outside "
                 "the loaded world, expected %s", e->tick, e->pos[0], e->pos[1], e->pos[2],
                 want);
        return;
    }
    const char *have = qr_pack_block_name(p, id);
    out->passed = id == e->block;
    snprintf(out->msg, sizeof out->msg, "tick %" PRIu64 ": block at [%d,%d,%d] is %s%s%s",
             e->tick, e->pos[0], e->pos[1], e->pos[2], have ? have : "(unnamed id)",
             out->passed ? "" : ", expected ", out->passed ? "" : want);
}

/* "tick 12: light at [3,64,2] is sky 0 block 13, expected block 14": the
 * sentence shows both channels and repeats only the levels the line gave. */
static void check_light(const qk_world *w, const qr_expect *e, qr_expect_result *out)
{
    uint8_t sky = 0, blk = 0;
    char want[32];
    if (e->has_sky && e->has_block_light)
        snprintf(want, sizeof want, "sky %u block %u", (unsigned)e->sky,
                 (unsigned)e->block_light);
    else if (e->has_sky)
        snprintf(want, sizeof want, "sky %u", (unsigned)e->sky);
    else
        snprintf(want, sizeof want, "block %u", (unsigned)e->block_light);
    qk_status ks = qk_light_at(w, e->pos[0], e->pos[1], e->pos[2], &sky, &blk);
    if (ks != QK_OK) {
        out->passed = false;
        snprintf(out->msg, sizeof out->msg, "tick %" PRIu64 ": light at [%d,%d,%d] %s%s, "
                 "expected %s", e->tick, e->pos[0], e->pos[1], e->pos[2],
                 ks == QK_ERR_RANGE ? "is outside the loaded world" : "cannot be read: ",
                 ks == QK_ERR_RANGE ? "" : qk_status_str(ks), want);
        return;
    }
    out->passed = (!e->has_sky || sky == e->sky) && (!e->has_block_light || blk == e->block_light);
    snprintf(out->msg, sizeof out->msg, "tick %" PRIu64 ": light at [%d,%d,%d] is sky %u "
             "block %u%s%s", e->tick, e->pos[0], e->pos[1], e->pos[2], (unsigned)sky,
             (unsigned)blk, out->passed ? "" : ", expected ", out->passed ? "" : want);
}

/* Appends to out->msg at *m (cut at its end). */
static void add(qr_expect_result *out, size_t *m, const char *fmt, ...) QR_PRINTF(3, 4);
static void add(qr_expect_result *out, size_t *m, const char *fmt, ...)
{
    size_t cap = sizeof out->msg;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(out->msg + *m, *m < cap ? cap - *m : 0, fmt, ap);
    va_end(ap);
    *m += w > 0 ? (size_t)w : 0;
    if (*m >= cap)
        *m = cap - 1;
}

static void check_player(const qk_world *w, const qr_expect *e, qr_expect_result *out)
{
    qk_player_state ps;
    size_t m = 0;
    add(out, &m, "tick %" PRIu64 ": ", e->tick);
    if (qk_player_get(w, e->player, &ps) != QK_OK) {
        out->passed = false;
        add(out, &m, "player %u is not in the world", e->player);
        return;
    }
    out->passed = true;
    int64_t feet[3] = {qr__floordiv(ps.x, QK_FX_ONE), qr__floordiv(ps.y, QK_FX_ONE),
                       qr__floordiv(ps.z, QK_FX_ONE)};
    bool sep = false;
    if (e->has_feet) {
        bool ok = feet[0] == e->feet[0] && feet[1] == e->feet[1] && feet[2] == e->feet[2];
        out->passed &= ok;
        add(out, &m, "player %u feet block is [%" PRId64 ",%" PRId64 ",%" PRId64 "]",
            e->player, feet[0], feet[1], feet[2]);
        if (!ok)
            add(out, &m, ", expected [%d,%d,%d]", e->feet[0], e->feet[1], e->feet[2]);
        sep = true;
    }
    if (e->has_fx) {
        bool ok = ps.x == e->fx[0] && ps.y == e->fx[1] && ps.z == e->fx[2];
        out->passed &= ok;
        add(out, &m, "%splayer %u position is [%" PRId64 ",%" PRId64 ",%" PRId64 "]",
            sep ? "; " : "", e->player, ps.x, ps.y, ps.z);
        if (!ok)
            add(out, &m, ", expected [%" PRId64 ",%" PRId64 ",%" PRId64 "]", e->fx[0],
                e->fx[1], e->fx[2]);
        sep = true;
    }
    if (e->has_ground) {
        bool ok = ps.on_ground == e->on_ground;
        out->passed &= ok;
        add(out, &m, "%splayer %u is %son the ground", sep ? "; " : "", e->player,
            ps.on_ground ? "" : "not ");
        if (!ok)
            add(out, &m, ", expected %son the ground", e->on_ground ? "" : "not ");
    }
}

static void check_sky(const qk_world *w, const qr_expect *e, qr_expect_result *out)
{
    qk_time_state ts;
    qk_world_time(w, &ts);
    size_t m = 0;
    const char *sep = "";
    add(out, &m, "tick %" PRIu64 ": ", e->tick);
    out->passed = true;
#define PART(has, ok, have_fmt, have, want_fmt, want)                           \
    do {                                                                        \
        if (!(has))                                                             \
            break;                                                              \
        add(out, &m, "%s" have_fmt, sep, have);                                 \
        if (!(ok))                                                              \
            add(out, &m, ", expected " want_fmt, want);                         \
        out->passed &= (ok);                                                    \
        sep = "; ";                                                             \
    } while (0)
    PART(e->has_time, ts.time == e->time, "time is %" PRIu32, ts.time, "%" PRIu32, e->time);
    PART(e->has_day, ts.day == e->day, "day is %" PRIu64, ts.day, "%" PRIu64, e->day);
    PART(e->has_phase, ts.phase == e->phase, "phase is %s", qk_phase_name(ts.phase), "%s",
         qk_phase_name(e->phase));
    PART(e->has_sun, ts.sun == e->sun, "sun is %" PRId64, ts.sun, "%" PRId64, e->sun);
    PART(e->has_sky_scalar, ts.sky == e->sky_scalar, "sky scalar is %" PRId64, ts.sky,
         "%" PRId64, e->sky_scalar);
    PART(e->has_weather, ts.weather == e->weather, "weather is %s",
         qk_weather_name(ts.weather), "%s", qk_weather_name(e->weather));
#undef PART
    if (e->has_falls) {
        qk_weather falls = QK_WEATHER_CLEAR;
        qk_status ks = qk_precipitation_at(w, e->at[0], e->at[1], &falls);
        add(out, &m, "%sprecipitation at [%d,%d] ", sep, e->at[0], e->at[1]);
        if (ks != QK_OK) {
            add(out, &m, "%s%s, expected %s",
                ks == QK_ERR_RANGE ? "is outside the loaded world" : "cannot be read: ",
                ks == QK_ERR_RANGE ? "" : qk_status_str(ks), qk_weather_name(e->falls));
            out->passed = false;
        } else {
            add(out, &m, "is %s", qk_weather_name(falls));
            if (falls != e->falls)
                add(out, &m, ", expected %s", qk_weather_name(e->falls));
            out->passed &= falls == e->falls;
        }
    }
}

static const char *item_name(const qr_pack *p, qk_item_id id, char buf[16])
{
    const char *n = qr_pack_block_name(p, id);
    if (n)
        return n;
    snprintf(buf, 16, "#%u", (unsigned)id);
    return buf;
}

/* "tick 40: player 1 slot 3 holds 4 stick, expected 5 stick", or for a
 * total "tick 40: player 1 holds 7 stick in all, expected 8". */
static void check_inventory(runner *r, const qk_world *w, const qr_expect *e,
                            qr_expect_result *out)
{
    const qr_pack *p = r->sc->pack;
    qk_player_state ps;
    char b1[16], b2[16];
    size_t m = 0;
    add(out, &m, "tick %" PRIu64 ": ", e->tick);
    if (qk_player_get(w, e->player, &ps) != QK_OK) {
        out->passed = false;
        add(out, &m, "player %u is not in the world", e->player);
        return;
    }
    if (e->has_total) {
        uint32_t total = 0;
        for (int i = 0; i < QK_INV_SLOTS; i++)
            if (ps.inv[i].count && ps.inv[i].item == e->item)
                total += ps.inv[i].count;
        out->passed = total == e->total;
        add(out, &m, "player %u holds %" PRIu32 " %s in all", e->player, total,
            item_name(p, e->item, b1));
        if (!out->passed)
            add(out, &m, ", expected %" PRIu32, e->total);
        return;
    }
    qk_slot s = ps.inv[e->slot];
    bool empty = s.count == 0;
    out->passed = (!e->has_item ||
                   (e->item == QK_BLOCK_AIR ? empty : !empty && s.item == e->item)) &&
                  (!e->has_count || s.count == e->count);
    add(out, &m, "player %u slot %u holds ", e->player, (unsigned)e->slot);
    if (empty)
        add(out, &m, "nothing");
    else
        add(out, &m, "%u %s", (unsigned)s.count, item_name(p, s.item, b1));
    if (out->passed)
        return;
    bool want_empty = (e->has_item && e->item == QK_BLOCK_AIR) ||
                      (e->has_count && e->count == 0);
    if (want_empty)
        add(out, &m, ", expected nothing");
    else if (e->has_item && e->has_count)
        add(out, &m, ", expected %" PRIu32 " %s", e->count, item_name(p, e->item, b2));
    else if (e->has_item)
        add(out, &m, ", expected %s", item_name(p, e->item, b2));
    else
        add(out, &m, ", expected %" PRIu32, e->count);
}

static void check_expect(runner *r, qk_world *w, size_t i)
{
    const qr_expect *e = &r->sc->expects[i];
    qr_expect_result *out = &r->res->expects[i];
    out->reached = true;
    if (e->kind == QR_EXPECT_BLOCK)
        check_block(r, w, e, out);
    else if (e->kind == QR_EXPECT_PLAYER)
        check_player(w, e, out);
    else if (e->kind == QR_EXPECT_LIGHT)
        check_light(w, e, out);
    else if (e->kind == QR_EXPECT_SKY)
        check_sky(w, e, out);
    else if (e->kind == QR_EXPECT_INVENTORY)
        check_inventory(r, w, e, out);
    else
        check_event(r, e, out);
    if (out->passed)
        r->res->n_passed++;
    else
        r->res->n_failed++;
}

/* ---- the run ----------------------------------------------------------- */

static qr_status kernel_fail(qr_error *err, const qr_scenario *sc, const char *call,
                             qk_status ks, const qk_diag *d, uint64_t tick)
{
    return qr__fail(err, QR_ERR_KERNEL, sc->path, 0, 0, "kernel: %s at tick %" PRIu64
                    " failed: %s%s%s", call, tick, qk_status_str(ks),
                    d->what ? ": " : "", d->what ? d->what : "");
}

/* Hands the run's pool (if any) to a new world. */
static qr_status set_workers(const qr_scenario *sc, qk_world *w, qr_pool *pool,
                             qr_error *err)
{
    if (!pool)
        return QR_OK;
    qk_workers wk = qr_pool_workers(pool);
    qk_diag d = {0};
    qk_status ks = qk_world_set_workers(w, &wk);
    return ks == QK_OK ? QR_OK
                       : kernel_fail(err, sc, "qk_world_set_workers", ks, &d, qk_world_tick(w));
}

static qr_status snapshot_restore(const qr_scenario *sc, qk_world **w,
                                  const qk_allocator *alloc, qr_error *err)
{
    uint64_t tick = qk_world_tick(*w);
    size_t n = qk_snapshot_size(*w), written = 0;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf)
        return qr__fail(err, QR_ERR_NOMEM, sc->path, 0, 0, "out of memory (snapshot)");
    qk_diag d = {0};
    qk_status ks = qk_snapshot_write(*w, buf, n, &written);
    if (ks != QK_OK) {
        free(buf);
        return kernel_fail(err, sc, "qk_snapshot_write", ks, &d, tick);
    }
    qk_world_destroy(*w);
    *w = NULL;
    ks = qk_world_restore(w, buf, written, &sc->pack->registry, alloc, &d);
    free(buf);
    if (ks != QK_OK)
        return kernel_fail(err, sc, "qk_world_restore", ks, &d, tick);
    return QR_OK;
}

/* A restore_at point through the caller's store: save, destroy, load. */
static qr_status store_restore(const qr_scenario *sc, const qr_run_opts *o, qk_world **w,
                               const qk_allocator *alloc, qr_error *err)
{
    qr_status st = o->save(o->store_ud, *w, err);
    if (st)
        return st;
    qk_world_destroy(*w);
    *w = NULL;
    return o->load(o->store_ud, &sc->pack->registry, alloc, w, err);
}

/* The world a run starts from: created from the scenario, or resumed from
 * the caller's store (which must hold this scenario's world). */
static qr_status start_world(const qr_scenario *sc, const qr_run_opts *o, uint64_t ticks,
                             const qk_allocator *alloc, qk_world **w, qr_error *err)
{
    qk_diag d = {0};
    if (!o->resume) {
        qk_status ks = qk_world_create(w, &sc->world, &sc->pack->registry, alloc, &d);
        return ks == QK_OK ? QR_OK : kernel_fail(err, sc, "qk_world_create", ks, &d, 0);
    }
    qr_status st = o->load(o->store_ud, &sc->pack->registry, alloc, w, err);
    if (st)
        return st;
    if (memcmp(qk_world_config_of(*w), &sc->world, sizeof sc->world) != 0)
        return qr__fail(err, QR_ERR_INPUT, sc->path, 0, 0, "the save holds another world "
                        "(its seed, generator or chunk rectangle differ from the scenario's)");
    if (qk_world_tick(*w) > ticks)
        return qr__fail(err, QR_ERR_INPUT, sc->path, 0, 0, "the save is at tick %" PRIu64
                        ", past the run's %" PRIu64 " ticks", qk_world_tick(*w), ticks);
    return QR_OK;
}

void qr_run_result_free(qr_run_result *res)
{
    free(res->expects);
    memset(res, 0, sizeof *res);
}

qr_status qr_run(const qr_scenario *sc, const qr_run_opts *opts, qr_run_result *res,
                 qr_error *err)
{
    static const qr_run_opts no_opts;
    const qr_run_opts *o = opts ? opts : &no_opts;
    memset(res, 0, sizeof *res);
    uint64_t ticks = o->ticks ? o->ticks : sc->ticks;
    runner r = {.sc = sc, .o = o, .res = res};
    qr__counting cnt = {0, 0};
    qk_allocator alloc = {qr__count_alloc, &cnt};
    qk_world *w = NULL;
    qr__feed feed = {0};
    qr__heavy hv;
    memset(&hv, 0, sizeof hv);
    qr_pool *pool = NULL;
    qr_status st = QR_OK;

    res->expects = calloc(sc->n_expects ? sc->n_expects : 1, sizeof *res->expects);
    r.out = malloc(OUTBUF);
    r.xxh = XXH3_createState();
    if (!res->expects || !r.out || !r.xxh || qr__feed_init(&feed, sc) != QR_OK ||
        (o->heavy && qr__heavy_init(&hv, sc, o->heavy_rollback) != QR_OK)) {
        st = qr__fail(err, QR_ERR_NOMEM, sc->path, 0, 0, "out of memory");
        goto done;
    }
    if (o->threads > 1) {
        qr_status ps = qr_pool_create(o->threads, &pool);
        if (ps) {
            st = qr__fail(err, ps, sc->path, 0, 0, ps == QR_ERR_INPUT
                          ? "%u light worker threads: the most is %d" :
                          "cannot start %u light worker threads (%d at most)",
                          o->threads, QR_POOL_MAX);
            goto done;
        }
    }
    for (size_t i = 0; i < sc->n_expects; i++) {
        res->expects[i].line = sc->expects[i].line;
        res->expects[i].tick = sc->expects[i].tick;
    }
    XXH3_64bits_reset(r.xxh);
    r.len = qr_header_format(sc->name, sc->hash, r.out, OUTBUF);

    if ((o->restore_via_store && !(o->save && o->load)) || (o->resume && !o->load) ||
        (o->n_save_at && !o->save)) {
        st = qr__fail(err, QR_ERR_INPUT, sc->path, 0, 0, "run options: saving, resuming or "
                      "restoring through a store needs the store's save and load");
        goto done;
    }
    if ((st = start_world(sc, o, ticks, &alloc, &w, err)) ||
        (st = set_workers(sc, w, pool, err)))
        goto done;
    qk_sink sink = {on_event, &r};
    qk_diag d = {0};
    qk_status ks;
    uint64_t t0 = qk_world_tick(w);
    size_t ex = 0;
    qr__feed_skip(&feed, t0);
    for (; ex < sc->n_expects && sc->expects[ex].tick < t0; ex++) {
        snprintf(res->expects[ex].msg, sizeof res->expects[ex].msg, "tick %" PRIu64
                 ": before the resumed tick %" PRIu64, sc->expects[ex].tick, t0);
        res->n_skipped++;
    }
    for (uint64_t t = t0; t < ticks; t++) {
        for (size_t k = 0; k < o->n_restore_at; k++)
            if (o->restore_at[k] == t) {
                if ((st = o->restore_via_store ? store_restore(sc, o, &w, &alloc, err)
                                               : snapshot_restore(sc, &w, &alloc, err)) ||
                    (st = set_workers(sc, w, pool, err)))
                    goto done;
                break;
            }
        for (size_t k = 0; k < o->n_save_at && o->save; k++)
            if (o->save_at[k] == t) {
                if ((st = o->save(o->store_ud, w, err)))
                    goto done;
                break;
            }
        size_t n = qr__feed_tick(&feed, t);
        r.capture = false;
        for (size_t k = ex; k < sc->n_expects && sc->expects[k].tick == t; k++)
            if (sc->expects[k].kind == QR_EXPECT_EVENT)
                r.capture = true;
        qr__capture_clear(&r.cap);
        d = (qk_diag){0};
        ks = qk_step(w, feed.scratch, n, &sink, &d);
        if (ks != QK_OK) {
            st = kernel_fail(err, sc, "qk_step", ks, &d, t);
            goto done;
        }
        res->ticks++;
        for (; ex < sc->n_expects && sc->expects[ex].tick == t; ex++)
            check_expect(&r, w, ex);
        if (o->on_tick)
            o->on_tick(o->hook_ud, w, t);
        if (o->heavy && (st = qr__heavy_tick(&hv, w, feed.next, err)))
            goto done;
        if (r.failed) {
            st = qr__fail(err, QR_ERR_OUTPUT, sc->path, 0, 0, "writing the event stream "
                          "failed at tick %" PRIu64, t);
            goto done;
        }
    }
    for (size_t k = 0; k < o->n_save_at && o->save; k++) /* a save after the last tick */
        if (o->save_at[k] == ticks && ticks >= t0) {
            if ((st = o->save(o->store_ud, w, err)))
                goto done;
            break;
        }
    flush(&r);
    if (r.failed)
        st = qr__fail(err, QR_ERR_OUTPUT, sc->path, 0, 0, "writing the event stream failed");
    for (; ex < sc->n_expects; ex++) {
        qr_expect_result *e = &res->expects[ex];
        snprintf(e->msg, sizeof e->msg, "tick %" PRIu64 ": not reached (the run stopped "
                 "after %" PRIu64 " ticks)", e->tick, ticks);
        res->n_skipped++;
    }
done:
    res->hash = r.xxh ? XXH3_64bits_digest(r.xxh) : 0;
    res->peak_memory = cnt.peak;
    if (w)
        qk_world_destroy(w);
    qr_pool_free(pool); /* after the world: it used the pool to the end */
    XXH3_freeState(r.xxh);
    free(r.out);
    qr__capture_free(&r.cap);
    qr__feed_free(&feed);
    res->heavy_checks = hv.checks;
    res->heavy_rollbacks = hv.rollbacks;
    qr__heavy_free(&hv);
    return st;
}
