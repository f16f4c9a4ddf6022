/*
 * session_probe.c - values read out of a session's worlds, as text: the
 * queries of `quarry repl` (block, light, player, inv) and its watches.
 *
 * A watch keeps the text of its value after the last tick, over both
 * worlds when there are two ("a=stone b=air"), so one comparison of texts
 * catches both a change in either world and the moment the worlds start
 * to disagree.  Blocks and items print as the pack's names, positions and
 * velocities in fixed point (1 block = 4096) as in the event stream.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "session.h"

static const char *const player_fields[] = {"x", "y", "z", "vx", "vy", "vz", "yaw",
                                            "pitch", "dirs", "on_ground", "slot", "mode"};
#define N_FIELDS (sizeof player_fields / sizeof player_fields[0])

bool qr_probe_field_ok(const char *field)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        if (strcmp(field, player_fields[i]) == 0)
            return true;
    return false;
}

/* Appending to a bounded buffer while counting what it wanted. */
typedef struct out {
    char *buf;
    size_t cap, n;
} out;

static void put(out *o, const char *fmt, ...) QR_PRINTF(2, 3);
static void put(out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->n < o->cap ? o->buf + o->n : NULL, o->n < o->cap ? o->cap - o->n : 0,
                      fmt, ap);
    va_end(ap);
    if (k > 0)
        o->n += (size_t)k;
}

static void put_item(out *o, const qr_pack *p, qk_item_id id)
{
    const char *name = qr_pack_block_name(p, id);
    if (name)
        put(o, "%s", name);
    else
        put(o, "#%u", (unsigned)id);
}

static void put_field(out *o, const qk_player_state *ps, size_t i)
{
    switch (i) {
    case 0: put(o, "%" PRId64, (int64_t)ps->x); break;
    case 1: put(o, "%" PRId64, (int64_t)ps->y); break;
    case 2: put(o, "%" PRId64, (int64_t)ps->z); break;
    case 3: put(o, "%" PRId64, (int64_t)ps->vx); break;
    case 4: put(o, "%" PRId64, (int64_t)ps->vy); break;
    case 5: put(o, "%" PRId64, (int64_t)ps->vz); break;
    case 6: put(o, "%u", (unsigned)ps->yaw); break;
    case 7: put(o, "%d", (int)ps->pitch); break;
    case 8: put(o, "%u", (unsigned)ps->dirs); break;
    case 9: put(o, "%s", ps->on_ground ? "true" : "false"); break;
    case 10: put(o, "%u", (unsigned)ps->slot); break;
    default: put(o, "%s", qk_mode_name(ps->mode)); break;
    }
}

static void put_value(out *o, const session_side *sd, const qr_probe *p)
{
    const qk_world *w = sd->w;
    qk_player_state ps;
    switch (p->kind) {
    case QR_PROBE_BLOCK: {
        qk_block_id id;
        if (qk_block_at(w, p->pos[0], p->pos[1], p->pos[2], &id) != QK_OK)
            put(o, "unloaded");
        else
            put_item(o, sd->sc->pack, id);
        return;
    }
    case QR_PROBE_LIGHT: {
        uint8_t sky, bl;
        if (qk_light_at(w, p->pos[0], p->pos[1], p->pos[2], &sky, &bl) != QK_OK)
            put(o, "unloaded");
        else
            put(o, "sky %u block %u", (unsigned)sky, (unsigned)bl);
        return;
    }
    case QR_PROBE_PLAYER:
        if (qk_player_get(w, p->player, &ps) != QK_OK) {
            put(o, "absent");
            return;
        }
        for (size_t i = 0; i < N_FIELDS; i++) {
            if (p->field[0] && strcmp(p->field, player_fields[i]) != 0)
                continue;
            if (!p->field[0])
                put(o, "%s%s=", i ? " " : "", player_fields[i]);
            put_field(o, &ps, i);
        }
        return;
    case QR_PROBE_INVENTORY:
        if (qk_player_get(w, p->player, &ps) != QK_OK) {
            put(o, "absent");
            return;
        }
        put(o, "selected %u", (unsigned)ps.slot);
        for (int k = 0; k < QK_INV_SLOTS; k++)
            if (ps.inv[k].count) {
                put(o, "; %d: %u ", k, (unsigned)ps.inv[k].count);
                put_item(o, sd->sc->pack, ps.inv[k].item);
            }
        return;
    }
}

size_t qr_session_value(const qr_session *s, int which, const qr_probe *p, char *buf,
                        size_t cap)
{
    out o = {buf, cap, 0};
    if (cap)
        buf[0] = 0;
    if (which >= 0) {
        if (which < s->nw)
            put_value(&o, &s->side[which], p);
    } else if (s->nw == 1) {
        put_value(&o, &s->side[0], p);
    } else {
        put(&o, "a=");
        put_value(&o, &s->side[0], p);
        put(&o, " b=");
        put_value(&o, &s->side[1], p);
    }
    return o.n;
}

/* ---- watches ------------------------------------------------------------- */

qr_status qr_session_watch(qr_session *s, const qr_probe *p, size_t *index, qr_error *err)
{
    if (s->n_watch == QR_SESSION_WATCHES)
        return qr__fail(err, QR_ERR_INPUT, NULL, 0, 0, "at most %d watches (unwatch first)",
                        QR_SESSION_WATCHES);
    if (p->kind == QR_PROBE_PLAYER && !qr_probe_field_ok(p->field))
        return qr__fail(err, QR_ERR_INPUT, NULL, 0, 0, "unknown player field '%s' (expected "
                        "x, y, z, vx, vy, vz, yaw, pitch, dirs, on_ground, slot or mode)",
                        p->field);
    session_watch *w = &s->watch[s->n_watch];
    w->probe = *p;
    qr_session_value(s, -1, p, w->last, sizeof w->last);
    if (index)
        *index = s->n_watch;
    s->n_watch++;
    return QR_OK;
}

void qr_session_unwatch(qr_session *s) { s->n_watch = 0; }
size_t qr_session_watch_count(const qr_session *s) { return s->n_watch; }

const qr_probe *qr_session_watch_at(const qr_session *s, size_t i)
{
    return i < s->n_watch ? &s->watch[i].probe : NULL;
}

void qr__watch_begin(qr_session *s)
{
    for (size_t i = 0; i < s->n_watch; i++)
        qr_session_value(s, -1, &s->watch[i].probe, s->watch[i].last, sizeof s->watch[i].last);
}

bool qr__watch_check(qr_session *s, qr_stop *stop)
{
    bool fired = false;
    for (size_t i = 0; i < s->n_watch; i++) {
        session_watch *w = &s->watch[i];
        char now[sizeof w->last];
        qr_session_value(s, -1, &w->probe, now, sizeof now);
        if (strcmp(now, w->last) == 0)
            continue;
        if (!fired && stop) {
            stop->kind = QR_STOP_WATCH;
            stop->watch = i;
            qr__strlcpy(stop->before, w->last, sizeof stop->before);
            qr__strlcpy(stop->after, now, sizeof stop->after);
        }
        fired = true;
        memcpy(w->last, now, sizeof now);
    }
    return fired;
}
