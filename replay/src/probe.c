/*
 * probe.c - a world's leaves as canonical lines, for bisecting two builds.
 *
 * Two quarry executables cannot share a world in one process, so the
 * two-binary bisector (`quarry bisect --build-a --build-b`) has each build
 * replay the scenario to just after the root tick and print what the
 * in-process descent (bisect.c) would have read from its world, as text:
 *
 *   {"leaf":"column","column":[cx,cz],"blocks":"<hex>","light":"<hex>"}
 *       one per column of the rectangle in key order (cx, then cz), the
 *       qk_chunk_digest of blocks and light ("unloaded":true instead);
 *   {"leaf":"player","id":N,"entities":{..},"inventory":{..}}
 *       one per player in id order, every field already formatted as the
 *       descent formats it ("slot 0":"3 dirt", "mode":"survival");
 *   {"leaf":"clock","time":{..},"weather":{..}}
 *   {"leaf":"row","column":[cx,cz],"y":Y,"blocks":[[name,n],..],
 *    "sky":[[level,n],..],"block_light":[[level,n],..]}
 *       with a column asked for: its 256 rows, each run-length encoded over
 *       the row's 256 voxels in (z, x) order (one line, "unloaded":true,
 *       when the column is not loaded).
 *
 * The lines of two builds are compared by qr_probe_compare
 * (probe_compare.c), which descends exactly as bisect.c does, so the
 * two-binary report has the in-process report's shape.  The probe steps its
 * own world with the runner's feed (run_internal.h) rather than through
 * qr_run, because qk_chunk_digest needs the world mutable; it may start
 * from a snapshot (a checkpoint written by an earlier probe) and may write
 * one on the way.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"

typedef struct emit {
    qr_write_fn write;
    void *ud;
    char line[QR_EVENT_LINE_MAX * 4];
    size_t n;
    bool failed;
    char vb[256][24], vs[256][24], vl[256][24]; /* one row's values as text */
} emit;

static void put(emit *e, const char *fmt, ...) QR_PRINTF(2, 3);
static void put(emit *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(e->line + e->n, sizeof e->line - e->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        e->n = e->n + (size_t)k < sizeof e->line ? e->n + (size_t)k : sizeof e->line - 1;
}

static void end_line(emit *e)
{
    put(e, "\n");
    if (!e->failed && e->write && e->write(e->ud, e->line, e->n) != 0)
        e->failed = true;
    e->n = 0;
}

static void put_str(emit *e, const char *s)
{
    put(e, "\"");
    e->n = qr__json_escape(e->line, sizeof e->line, e->n, s);
    if (e->n >= sizeof e->line)
        e->n = sizeof e->line - 1;
    e->line[e->n] = 0;
    put(e, "\"");
}

static const char *item_name(const qr_pack *p, qk_block_id id, char buf[16])
{
    const char *n = qr_pack_block_name(p, id);
    if (n)
        return n;
    snprintf(buf, 16, "#%u", (unsigned)id);
    return buf;
}

static void columns(emit *e, qk_world *w)
{
    const qk_world_config *c = qk_world_config_of(w);
    for (int32_t cx = c->cx_min; cx <= c->cx_max; cx++)
        for (int32_t cz = c->cz_min; cz <= c->cz_max; cz++) {
            uint64_t db = 0, dl = 0;
            put(e, "{\"leaf\":\"column\",\"column\":[%" PRId32 ",%" PRId32 "],", cx, cz);
            if (qk_chunk_digest(w, cx, cz, QK_SUB_BLOCKS, &db) != QK_OK ||
                qk_chunk_digest(w, cx, cz, QK_SUB_LIGHT, &dl) != QK_OK) {
                put(e, "\"unloaded\":true}");
            } else {
                char hb[17], hl[17];
                qr_hex64(db, hb);
                qr_hex64(dl, hl);
                put(e, "\"blocks\":\"%s\",\"light\":\"%s\"}", hb, hl);
            }
            end_line(e);
        }
}

static void players(emit *e, const qk_world *w, const qr_pack *p)
{
    uint32_t n = qk_player_count(w);
    for (uint32_t i = 0; i < n; i++) {
        qk_player_state ps;
        if (qk_player_at(w, i, &ps) != QK_OK)
            continue;
        put(e, "{\"leaf\":\"player\",\"id\":%" PRIu32 ",\"entities\":{\"x\":\"%" PRId64
            "\",\"y\":\"%" PRId64 "\",\"z\":\"%" PRId64 "\",\"vx\":\"%" PRId64 "\",\"vy\":\"%"
            PRId64 "\",\"vz\":\"%" PRId64 "\",\"yaw\":\"%u\",\"pitch\":\"%d\",\"dirs\":\"%u\","
            "\"on_ground\":\"%d\"},\"inventory\":{", ps.id, (int64_t)ps.x, (int64_t)ps.y,
            (int64_t)ps.z, (int64_t)ps.vx, (int64_t)ps.vy, (int64_t)ps.vz, (unsigned)ps.yaw,
            (int)ps.pitch, (unsigned)ps.dirs, (int)ps.on_ground);
        for (int k = 0; k < QK_INV_SLOTS; k++) {
            char nb[16];
            put(e, "\"slot %d\":", k);
            if (!ps.inv[k].count) {
                put(e, "\"empty\",");
                continue;
            }
            char v[96];
            snprintf(v, sizeof v, "%u %s", (unsigned)ps.inv[k].count,
                     item_name(p, ps.inv[k].item, nb));
            put_str(e, v);
            put(e, ",");
        }
        put(e, "\"slot\":\"%u\",\"mode\":\"%s\"}}", (unsigned)ps.slot, qk_mode_name(ps.mode));
        end_line(e);
    }
}

static void clock_line(emit *e, const qk_world *w)
{
    qk_time_state t;
    qk_world_time(w, &t);
    put(e, "{\"leaf\":\"clock\",\"time\":{\"day_length\":\"%" PRIu32 "\",\"day\":\"%" PRIu64
        "\",\"time\":\"%" PRIu32 "\",\"phase\":\"%s\"},\"weather\":{\"weather\":\"%s\","
        "\"weather_until\":\"%" PRIu64 "\"}}", t.day_length, t.day, t.time,
        qk_phase_name(t.phase), qk_weather_name(t.weather), t.weather_until);
    end_line(e);
}

/* Run-length encodes one row's 256 values (as text) into the line. */
static void rle(emit *e, const char *key, char vals[256][24])
{
    put(e, ",\"%s\":[", key);
    for (int i = 0; i < 256;) {
        int j = i;
        while (j < 256 && strcmp(vals[j], vals[i]) == 0)
            j++;
        put(e, "%s[%s,%d]", i ? "," : "", vals[i], j - i);
        i = j;
    }
    put(e, "]");
}

static void rows(emit *e, const qk_world *w, const qr_pack *p, int32_t cx, int32_t cz)
{
    char (*vb)[24] = e->vb, (*vs)[24] = e->vs, (*vl)[24] = e->vl;
    for (int32_t y = 0; y < 256; y++) {
        for (int i = 0; i < 256; i++) {
            int32_t x = cx * 16 + (i & 15), z = cz * 16 + (i >> 4);
            qk_block_id id;
            uint8_t sky, bl;
            if (qk_block_at(w, x, y, z, &id) != QK_OK || qk_light_at(w, x, y, z, &sky, &bl)) {
                put(e, "{\"leaf\":\"row\",\"column\":[%" PRId32 ",%" PRId32 "],"
                    "\"unloaded\":true}", cx, cz);
                end_line(e);
                return;
            }
            char nb[16];
            snprintf(vb[i], sizeof vb[i], "\"%s\"", item_name(p, id, nb));
            snprintf(vs[i], sizeof vs[i], "%u", (unsigned)sky);
            snprintf(vl[i], sizeof vl[i], "%u", (unsigned)bl);
        }
        put(e, "{\"leaf\":\"row\",\"column\":[%" PRId32 ",%" PRId32 "],\"y\":%" PRId32, cx,
            cz, y);
        rle(e, "blocks", vb);
        rle(e, "sky", vs);
        rle(e, "block_light", vl);
        put(e, "}");
        end_line(e);
    }
}

static qr_status kfail(qr_error *err, const qr_scenario *sc, const char *what, qk_status ks,
                       const qk_diag *d)
{
    return qr__fail(err, QR_ERR_KERNEL, sc->path, 0, 0, "kernel: %s failed: %s%s%s", what,
                    qk_status_str(ks), d->what ? ": " : "", d->what ? d->what : "");
}

static qr_status checkpoint(const qr_scenario *sc, const qk_world *w, const qr_probe_opts *o,
                            qr_error *err)
{
    size_t n = qk_snapshot_size(w), got = 0;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf)
        return qr__fail(err, QR_ERR_NOMEM, sc->path, 0, 0, "out of memory");
    qk_status ks = qk_snapshot_write(w, buf, n, &got);
    if (ks != QK_OK) {
        free(buf);
        qk_diag d = {0};
        return kfail(err, sc, "qk_snapshot_write", ks, &d);
    }
    free(*o->checkpoint);
    *o->checkpoint = buf;
    *o->checkpoint_len = got;
    return QR_OK;
}

qr_status qr_probe_run(const qr_scenario *sc, const qr_probe_opts *o, qr_write_fn write,
                       void *ud, qr_error *err)
{
    qr__counting cnt = {0, 0};
    qk_allocator alloc = {qr__count_alloc, &cnt};
    qk_world *w = NULL;
    qr__feed feed = {0};
    emit *e = calloc(1, sizeof *e);
    qk_diag d = {0};
    qk_status ks;
    qr_status st = QR_OK;
    if (!e || qr__feed_init(&feed, sc) != QR_OK) {
        st = qr__fail(err, QR_ERR_NOMEM, sc->path, 0, 0, "out of memory");
        goto done;
    }
    e->write = write;
    e->ud = ud;
    if (o->tick >= sc->ticks) {
        st = qr__fail(err, QR_ERR_INPUT, sc->path, 0, 0, "tick %" PRIu64 " is past the "
                      "scenario's %" PRIu64 " ticks", o->tick, sc->ticks);
        goto done;
    }
    if (o->from) {
        ks = qk_world_restore(&w, o->from, o->from_len, &sc->pack->registry, &alloc, &d);
        if (ks != QK_OK) {
            st = qr__fail(err, QR_ERR_INPUT, o->from_name ? o->from_name : "snapshot", 0, 0,
                          "snapshot refused: %s%s%s at byte %zu", qk_status_str(ks),
                          d.what ? ": " : "", d.what ? d.what : "", (size_t)d.offset);
            goto done;
        }
        if (memcmp(qk_world_config_of(w), &sc->world, sizeof sc->world) != 0 ||
            qk_world_tick(w) > o->tick) {
            st = qr__fail(err, QR_ERR_INPUT, o->from_name ? o->from_name : "snapshot", 0, 0,
                          "snapshot refused: it holds another world, or tick %" PRIu64
                          " is past %" PRIu64, qk_world_tick(w), o->tick);
            goto done;
        }
    } else if ((ks = qk_world_create(&w, &sc->world, &sc->pack->registry, &alloc, &d))) {
        st = kfail(err, sc, "qk_world_create", ks, &d);
        goto done;
    }
    qr__feed_skip(&feed, qk_world_tick(w));
    for (uint64_t t = qk_world_tick(w); t <= o->tick; t++) {
        if (o->checkpoint && t == o->checkpoint_at && (st = checkpoint(sc, w, o, err)))
            goto done;
        size_t n = qr__feed_tick(&feed, t);
        qk_sink none = {NULL, NULL};
        d = (qk_diag){0};
        if ((ks = qk_step(w, feed.scratch, n, &none, &d))) {
            st = kfail(err, sc, "qk_step", ks, &d);
            goto done;
        }
    }
    if (o->column) {
        rows(e, w, sc->pack, o->cx, o->cz);
    } else {
        columns(e, w);
        players(e, w, sc->pack);
        clock_line(e, w);
    }
    if (e->failed)
        st = qr__fail(err, QR_ERR_OUTPUT, sc->path, 0, 0, "writing the probe failed");
done:
    if (w)
        qk_world_destroy(w);
    qr__feed_free(&feed);
    free(e);
    return st;
}
