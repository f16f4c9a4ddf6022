/*
 * scenario_lines.c - a scenario's input lines and expect lines.
 *
 * Input lines become qk_input values exactly as the kernel will see them:
 * defaults (seq, clock, a move's yaw/pitch) are filled here, so the runner
 * does no interpretation and a replayed log is what the file says.  The
 * admin ops (set_time, weather) may name no player: they come from the
 * host, player 0, which keeps a seq counter of its own.  Everything a line
 * can get wrong on its own - a slot outside 0..35, a grid that is not 2x2
 * or 3x3, a time past the header's day_length - fails here, with its
 * column; whether the slots hold what an op needs is the kernel's question
 * (a reject event).
 *
 * Expect lines are checked against the pack and the event table now, so a
 * typo in a block or item name or an event key fails at load time with a
 * position rather than as a mysterious failed expectation after a long
 * run.  Only what a line can say about the world is checked here: whether
 * a voxel or column is loaded is the runner's question (a light, block or
 * precipitation expectation outside the loaded chunks is a failed
 * expectation, not a parse error).
 */
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

static qr_status check_tick(qr__scparse *ps, const qr__jctx *c, const json_t *obj,
                            uint64_t *tick)
{
    int64_t t;
    qr_status st = qr__jint(c, obj, "", "tick", true, 0, INT64_MAX, &t, NULL);
    if (st)
        return st;
    if ((uint64_t)t >= ps->sc->ticks)
        return qr__jfail(c, "/tick", false, "tick %lld is past the end: the scenario runs "
                         "ticks 0 to %llu (\"ticks\":%llu)", (long long)t,
                         (unsigned long long)ps->sc->ticks - 1,
                         (unsigned long long)ps->sc->ticks);
    *tick = (uint64_t)t;
    return QR_OK;
}

static qr_status get_player(qr__scparse *ps, const qr__jctx *c, const json_t *obj,
                            qr__scplayer **out)
{
    int64_t id;
    qr_status st = qr__jint(c, obj, "", "player", true, 1, INT64_C(4294967295), &id, NULL);
    if (st)
        return st;
    *out = qr__sc_player(ps, (uint32_t)id);
    if (!*out)
        return qr__jfail(c, "/player", false, "unknown player %lld (the header's \"players\" "
                         "must list it)", (long long)id);
    return QR_OK;
}

/* Admin ops (set_time, weather) may come from the host: "player" absent
 * or 0 gives *out = NULL, player 0. */
static qr_status get_issuer(qr__scparse *ps, const qr__jctx *c, const json_t *obj,
                            qr__scplayer **out)
{
    int64_t id = 0;
    qr_status st = qr__jint(c, obj, "", "player", false, 0, INT64_C(4294967295), &id, NULL);
    *out = NULL;
    if (st || id == 0)
        return st;
    *out = qr__sc_player(ps, (uint32_t)id);
    if (!*out)
        return qr__jfail(c, "/player", false, "unknown player %lld (the header's \"players\" "
                         "must list it)", (long long)id);
    return QR_OK;
}

static qr_status parse_op(const qr__jctx *c, const json_t *obj, qk_op *op)
{
    const char *name;
    qr_status st = qr__jstr(c, obj, "", "op", true, 32, &name, NULL);
    if (st)
        return st;
    for (int o = QK_OP_JOIN; o < QK_OP__COUNT; o++)
        if (strcmp(qk_op_name((qk_op)o), name) == 0) {
            *op = (qk_op)o;
            return QR_OK;
        }
    char list[256] = ""; /* every op, from the kernel's names */
    size_t n = 0;
    for (int o = QK_OP_JOIN; o < QK_OP__COUNT; o++) {
        int w = snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "",
                         qk_op_name((qk_op)o));
        n += w > 0 && (size_t)w < sizeof list - n ? (size_t)w : 0;
    }
    return qr__jfail(c, "/op", false, "unknown op \"%.40s\" (expected one of %s)", name, list);
}

static qr_status parse_keys(const qr__jctx *c, const json_t *obj, uint8_t *dirs)
{
    static const char *const names[] = {"forward", "back", "left", "right"};
    static const uint8_t bits[] = {QK_DIR_FORWARD, QK_DIR_BACK, QK_DIR_LEFT, QK_DIR_RIGHT};
    json_t *keys = json_object_get(obj, "keys");
    *dirs = 0;
    if (!keys)
        return QR_OK;
    if (!json_is_array(keys))
        return qr__jfail(c, "/keys", false, "\"keys\" must be an array of forward, back, "
                         "left, right");
    for (size_t i = 0; i < json_array_size(keys); i++) {
        json_t *k = json_array_get(keys, i);
        bool ok = false;
        for (int j = 0; j < 4 && json_is_string(k); j++)
            if (strcmp(json_string_value(k), names[j]) == 0) {
                *dirs |= bits[j];
                ok = true;
            }
        if (!ok) {
            char p[32];
            snprintf(p, sizeof p, "/keys/%zu", i);
            return qr__jfail(c, p, false, "unknown movement key (expected one of forward, "
                             "back, left, right)");
        }
    }
    return QR_OK;
}

static qr_status parse_face(const qr__jctx *c, const json_t *obj, qk_face *face)
{
    const char *name;
    qr_status st = qr__jstr(c, obj, "", "face", true, 16, &name, NULL);
    if (st)
        return st;
    for (int f = 0; f < QK_FACE__COUNT; f++)
        if (strcmp(qk_face_name((qk_face)f), name) == 0) {
            *face = (qk_face)f;
            return QR_OK;
        }
    return qr__jfail(c, "/face", false, "unknown face \"%.20s\" (expected one of down, up, "
                     "north, south, west, east)", name);
}

/* A slot number 0..QK_INV_SLOTS-1 at key; absent and optional leaves *out. */
static qr_status get_slot(const qr__jctx *c, const json_t *obj, const char *key,
                          bool required, uint8_t *out)
{
    int64_t v;
    bool present = false;
    qr_status st = qr__jint(c, obj, "", key, required, 0, QK_INV_SLOTS - 1, &v, &present);
    if (!st && present)
        *out = (uint8_t)v;
    return st;
}

/* "count" of inv_move / inv_drop: 1..QK_MAX_STACK, absent = all (0). */
static qr_status get_count(const qr__jctx *c, const json_t *obj, uint8_t *out)
{
    int64_t v = 0;
    qr_status st = qr__jint(c, obj, "", "count", false, 1, QK_MAX_STACK, &v, NULL);
    *out = (uint8_t)v;
    return st;
}

/* "grid": 2 or 3 rows of as many cells, each a slot number or null; and
 * the optional "table": [x,y,z]. */
static qr_status parse_craft(const qr__jctx *c, const json_t *obj, qk_input *in)
{
    static const char *const shape = "a 2x2 or 3x3 array of rows of slot numbers (0 to 35) "
                                     "or null";
    json_t *grid;
    qr_status st = qr__jget(c, obj, "", "grid", JSON_ARRAY, shape, &grid);
    if (st)
        return st;
    size_t size = json_array_size(grid);
    if (size != 2 && size != 3)
        return qr__jfail(c, "/grid", false, "\"grid\" must be %s; it has %zu rows", shape, size);
    in->u.craft.size = (uint8_t)size;
    for (size_t r = 0; r < size; r++) {
        json_t *row = json_array_get(grid, r);
        char pr[32];
        snprintf(pr, sizeof pr, "/grid/%zu", r);
        if (!json_is_array(row) || json_array_size(row) != size)
            return qr__jfail(c, pr, false, "row %zu of \"grid\" must be an array of %zu cells "
                             "(the grid is %zux%zu: as many rows as cells per row)", r, size,
                             size, size);
        for (size_t k = 0; k < size; k++) {
            json_t *v = json_array_get(row, k);
            char pc[64];
            snprintf(pc, sizeof pc, "%s/%zu", pr, k);
            uint8_t *cell = &in->u.craft.grid[r * size + k];
            if (json_is_null(v)) {
                *cell = QK_SLOT_NONE;
            } else if (json_is_integer(v) && json_integer_value(v) >= 0 &&
                       json_integer_value(v) < QK_INV_SLOTS) {
                *cell = (uint8_t)json_integer_value(v);
            } else if (json_is_integer(v)) {
                return qr__jfail(c, pc, false, "a grid cell must be a slot number from 0 to %d "
                                 "or null, got %lld", QK_INV_SLOTS - 1,
                                 (long long)json_integer_value(v));
            } else {
                return qr__jfail(c, pc, false, "a grid cell must be a slot number from 0 to %d "
                                 "or null, got %s", QK_INV_SLOTS - 1, qr__jtype(v));
            }
        }
    }
    for (size_t k = size * size; k < QK_CRAFT_CELLS; k++)
        in->u.craft.grid[k] = QK_SLOT_NONE;
    int64_t pos[3];
    bool table = false;
    if ((st = qr__jints(c, obj, "", "table", 3, qr__pos_min, qr__pos_max, pos, false, &table)))
        return st;
    in->u.craft.has_table = table;
    if (table) {
        in->u.craft.x = (int32_t)pos[0];
        in->u.craft.y = (int32_t)pos[1];
        in->u.craft.z = (int32_t)pos[2];
    }
    return QR_OK;
}

static qr_status parse_admin(qr__scparse *ps, const qr__jctx *c, const json_t *obj,
                             qk_input *in)
{
    qr_status st;
    if (in->op == QK_OP_SET_TIME) {
        /* The kernel's bound is the world's day length, which the header
         * fixed: check it here, with a position. */
        int64_t t;
        uint32_t day = ps->sc->world.day_length ? ps->sc->world.day_length : QK_DAY_DEFAULT;
        if ((st = qr__jint(c, obj, "", "time", true, 0, INT64_MAX, &t, NULL)))
            return st;
        if (t >= (int64_t)day)
            return qr__jfail(c, "/time", false, "\"time\" must be below the day length (%u "
                             "ticks, the header's \"day_length\"), got %lld", day,
                             (long long)t);
        in->u.set_time.time = (uint32_t)t;
        return QR_OK;
    }
    const char *name;
    int64_t duration = 0;
    if ((st = qr__jstr(c, obj, "", "state", true, 16, &name, NULL)))
        return st;
    if (!qr__sc_weather(name, &in->u.weather.state))
        return qr__jfail(c, "/state", false, "unknown weather \"%.20s\" (expected one of clear, "
                         "rain, snow, thunder)", name);
    if ((st = qr__jint(c, obj, "", "duration", false, 1, UINT32_MAX, &duration, NULL)))
        return st;
    in->u.weather.duration = (uint32_t)duration;
    return QR_OK;
}

#define BASE_KEYS "tick", "player", "op", "seq", "clock", "note"

/* Keys an input line of op `op` may have. */
static const char *const *op_keys(qk_op op)
{
    static const char *const k_join[] = {BASE_KEYS, NULL};
    static const char *const k_move[] = {BASE_KEYS, "keys", "yaw", "pitch", NULL};
    static const char *const k_pos[] = {BASE_KEYS, "pos", NULL};
    static const char *const k_place[] = {BASE_KEYS, "pos", "face", NULL};
    static const char *const k_select[] = {BASE_KEYS, "slot", NULL};
    static const char *const k_undo[] = {BASE_KEYS, "txn", NULL};
    static const char *const k_inv_move[] = {BASE_KEYS, "from", "to", "count", NULL};
    static const char *const k_inv_pair[] = {BASE_KEYS, "from", "to", NULL};
    static const char *const k_inv_drop[] = {BASE_KEYS, "from", "count", NULL};
    static const char *const k_craft[] = {BASE_KEYS, "grid", "table", NULL};
    static const char *const k_set_time[] = {BASE_KEYS, "time", NULL};
    static const char *const k_weather[] = {BASE_KEYS, "state", "duration", NULL};
    switch (op) {
    case QK_OP_MOVE: return k_move;
    case QK_OP_PLACE: return k_place;
    case QK_OP_BREAK: return k_pos;
    case QK_OP_SELECT: return k_select;
    case QK_OP_UNDO: return k_undo;
    case QK_OP_INV_MOVE: return k_inv_move;
    case QK_OP_INV_SPLIT:
    case QK_OP_INV_MERGE:
    case QK_OP_INV_SWAP: return k_inv_pair;
    case QK_OP_INV_DROP: return k_inv_drop;
    case QK_OP_CRAFT: return k_craft;
    case QK_OP_SET_TIME: return k_set_time;
    case QK_OP_WEATHER: return k_weather;
    default: return k_join;
    }
}

qr_status qr__sc_input(qr__scparse *ps, const qr__jctx *c, json_t *obj)
{
    qk_input in;
    memset(&in, 0, sizeof in);
    qr__scplayer *pl;
    qr_status st;
    const char *note;
    if ((st = parse_op(c, obj, &in.op)) || (st = check_tick(ps, c, obj, &in.tick)))
        return st;
    bool admin = in.op == QK_OP_SET_TIME || in.op == QK_OP_WEATHER;
    if ((st = admin ? get_issuer(ps, c, obj, &pl) : get_player(ps, c, obj, &pl)) ||
        (st = qr__jstr(c, obj, "", "note", false, 4096, &note, NULL)))
        return st;
    if (in.tick < ps->last_tick)
        return qr__jfail(c, "/tick", false, "tick %llu goes backwards: line %u is already at "
                         "tick %llu (inputs must be ordered by tick)",
                         (unsigned long long)in.tick, ps->last_tick_line,
                         (unsigned long long)ps->last_tick);
    char what[48];
    snprintf(what, sizeof what, "a \"%s\" input line", qk_op_name(in.op));
    if ((st = qr__jkeys(c, obj, "", what, op_keys(in.op))))
        return st;
    uint32_t *next_seq = pl ? &pl->next_seq : &ps->host_seq;
    int64_t seq = *next_seq, clock = 0, pos[3];
    if ((st = qr__jint(c, obj, "", "seq", false, 0, UINT32_MAX, &seq, NULL)) ||
        (st = qr__jint(c, obj, "", "clock", false, 0, INT64_MAX, &clock, NULL)))
        return st;
    in.player = pl ? pl->id : 0;
    in.seq = (uint32_t)seq;
    in.clock = (uint64_t)clock;
    (*next_seq)++;
    switch (in.op) {
    case QK_OP_JOIN:
        in.u = pl->join.u;
        break;
    case QK_OP_MOVE: {
        int64_t yaw = pl->yaw, pitch = pl->pitch;
        if ((st = parse_keys(c, obj, &in.u.move.dirs)) ||
            (st = qr__jint(c, obj, "", "yaw", false, 0, 65535, &yaw, NULL)) ||
            (st = qr__jint(c, obj, "", "pitch", false, -16384, 16384, &pitch, NULL)))
            return st;
        pl->yaw = (uint16_t)yaw;
        pl->pitch = (int16_t)pitch;
        in.u.move.yaw = pl->yaw;
        in.u.move.pitch = pl->pitch;
        break;
    }
    case QK_OP_JUMP:
        break;
    case QK_OP_PLACE:
    case QK_OP_BREAK:
        if ((st = qr__jints(c, obj, "", "pos", 3, qr__pos_min, qr__pos_max, pos, true, NULL)))
            return st;
        if (in.op == QK_OP_PLACE) {
            if ((st = parse_face(c, obj, &in.u.place.face)))
                return st;
            in.u.place.x = (int32_t)pos[0];
            in.u.place.y = (int32_t)pos[1];
            in.u.place.z = (int32_t)pos[2];
        } else {
            in.u.brk.x = (int32_t)pos[0];
            in.u.brk.y = (int32_t)pos[1];
            in.u.brk.z = (int32_t)pos[2];
        }
        break;
    case QK_OP_SELECT: {
        int64_t slot;
        if ((st = qr__jint(c, obj, "", "slot", true, 0, QK_HOTBAR - 1, &slot, NULL)))
            return st;
        in.u.select.slot = (uint8_t)slot;
        break;
    }
    case QK_OP_UNDO: {
        /* Transaction ids are u64, but JSON integers stop at 2^63 - 1 here
         * (jansson's limit, and a bigger literal fails the line's parse
         * with a position); ids are counters, so that range is every id a
         * world can reach.  0 is never an id. */
        int64_t txn;
        if ((st = qr__jint(c, obj, "", "txn", true, 1, INT64_MAX, &txn, NULL)))
            return st;
        in.u.undo.txn = (uint64_t)txn;
        break;
    }
    case QK_OP_INV_MOVE:
    case QK_OP_INV_SPLIT:
    case QK_OP_INV_MERGE:
    case QK_OP_INV_SWAP:
    case QK_OP_INV_DROP:
        /* split's "to" may be left out: the first empty slot */
        in.u.inv.to = QK_SLOT_NONE;
        if ((st = get_slot(c, obj, "from", true, &in.u.inv.from)) ||
            (in.op != QK_OP_INV_DROP &&
             (st = get_slot(c, obj, "to", in.op != QK_OP_INV_SPLIT, &in.u.inv.to))) ||
            ((in.op == QK_OP_INV_MOVE || in.op == QK_OP_INV_DROP) &&
             (st = get_count(c, obj, &in.u.inv.count))))
            return st;
        break;
    case QK_OP_CRAFT:
        if ((st = parse_craft(c, obj, &in)))
            return st;
        break;
    case QK_OP_SET_TIME:
    case QK_OP_WEATHER:
        if ((st = parse_admin(ps, c, obj, &in)))
            return st;
        break;
    default:
        break;
    }
    ps->last_tick = in.tick;
    ps->last_tick_line = c->line0;
    return qr__sc_push_input(ps, &in, c->line0);
}

/* ---- expect lines ------------------------------------------------------ */

/* Every key an event may match on: the union over event types. */
static bool match_key_known(const char *type, const char *key)
{
    const char *keys[QR__EVENT_KEYS_MAX];
    for (int t = QK_EV_SPAWN; t < QK_EV__COUNT; t++) {
        const char *name = qk_event_name((qk_event_type)t);
        if (type && strcmp(type, name) != 0)
            continue;
        size_t n = qr__event_keys(name, keys, QR__EVENT_KEYS_MAX);
        for (size_t i = 2; i < n; i++) /* not tick: the expect's own tick is used */
            if (strcmp(keys[i], key) == 0)
                return true;
    }
    return false;
}

static qr_status parse_match(const qr__jctx *c, const json_t *obj, qr_expect *e)
{
    json_t *m;
    qr_status st = qr__jget(c, obj, "", "match", JSON_OBJECT,
                            "an object of event keys and values", &m);
    if (st)
        return st;
    if (json_object_size(m) == 0)
        return qr__jfail(c, "/match", false, "\"match\" must name at least one key");
    const char *type = NULL;
    json_t *tv = json_object_get(m, "type");
    if (tv) {
        char list[200] = "";
        size_t n = 0;
        for (int t = QK_EV_SPAWN; t < QK_EV__COUNT; t++) {
            const char *name = qk_event_name((qk_event_type)t);
            int w = snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", name);
            n += w > 0 ? (size_t)w : 0;
            if (json_is_string(tv) && strcmp(json_string_value(tv), name) == 0)
                type = name;
        }
        if (!type)
            return qr__jfail(c, "/match/type", false, "unknown event type (expected one of %s)",
                             list);
    }
    const char *key;
    json_t *v;
    json_object_foreach(m, key, v) {
        char p[128];
        snprintf(p, sizeof p, "/match/%.100s", key);
        if (strcmp(key, "type") != 0 && !match_key_known(type, key))
            return qr__jfail(c, p, true, "\"%.60s\" is not a key of %s%s events "
                             "(see docs/formats.md)", key, type ? type : "any",
                             type ? "" : "");
        if (json_is_object(v) || json_is_array(v) || json_is_real(v))
            return qr__jfail(c, p, false, "match values must be strings, integers, "
                             "booleans or null");
    }
    e->match = json_dumps(m, JSON_COMPACT);
    return e->match ? QR_OK : qr__fail(c->err, QR_ERR_NOMEM, c->file, c->line0, 0,
                                       "out of memory");
}

/* "pos" and at least one of "sky", "block": light levels 0..15. */
static qr_status parse_light(const qr__jctx *c, const json_t *obj, qr_expect *e)
{
    int64_t v[3], sky = 0, blk = 0;
    qr_status st;
    if ((st = qr__jints(c, obj, "", "pos", 3, qr__pos_min, qr__pos_max, v, true, NULL)) ||
        (st = qr__jint(c, obj, "", "sky", false, 0, 15, &sky, &e->has_sky)) ||
        (st = qr__jint(c, obj, "", "block", false, 0, 15, &blk, &e->has_block_light)))
        return st;
    if (!e->has_sky && !e->has_block_light)
        return qr__jfail(c, "", false, "an \"expect\":\"light\" line needs at least one of "
                         "\"sky\", \"block\" (light levels 0 to 15)");
    for (int i = 0; i < 3; i++)
        e->pos[i] = (int32_t)v[i];
    e->sky = (uint8_t)sky;
    e->block_light = (uint8_t)blk;
    return QR_OK;
}

/* Name of enum value v among n names given by name_of; false if none. */
static bool enum_by_name(const char *(*name_of)(int), int n, const char *s, int *out)
{
    for (int k = 0; k < n; k++)
        if (strcmp(name_of(k), s) == 0) {
            *out = k;
            return true;
        }
    return false;
}

static const char *phase_name(int p) { return qk_phase_name((qk_phase)p); }
static const char *weather_name(int w) { return qk_weather_name((qk_weather)w); }

/* "expect":"sky": any of time, day, phase, sun, sky, weather, and "at" with
 * "falls" (both or neither). */
static qr_status parse_sky(qr__scparse *ps, const qr__jctx *c, const json_t *obj,
                           qr_expect *e)
{
    uint32_t day_length = ps->sc->world.day_length ? ps->sc->world.day_length : QK_DAY_DEFAULT;
    int64_t time = 0, day = 0, sun = 0, sky = 0, at[2];
    const char *phase = NULL, *weather = NULL, *falls = NULL;
    int k;
    const int64_t at_min[2] = {-QK_COORD_LIMIT, -QK_COORD_LIMIT};
    const int64_t at_max[2] = {QK_COORD_LIMIT, QK_COORD_LIMIT};
    qr_status st;
    if ((st = qr__jint(c, obj, "", "time", false, 0, (int64_t)day_length - 1, &time,
                       &e->has_time)) ||
        (st = qr__jint(c, obj, "", "day", false, 0, INT64_MAX, &day, &e->has_day)) ||
        (st = qr__jstr(c, obj, "", "phase", false, 16, &phase, &e->has_phase)) ||
        (st = qr__jint(c, obj, "", "sun", false, 0, QK_FX_ONE, &sun, &e->has_sun)) ||
        (st = qr__jint(c, obj, "", "sky", false, 0, QK_FX_ONE, &sky, &e->has_sky_scalar)) ||
        (st = qr__jstr(c, obj, "", "weather", false, 16, &weather, &e->has_weather)) ||
        (st = qr__jints(c, obj, "", "at", 2, at_min, at_max, at, false, &e->has_falls)) ||
        (st = qr__jstr(c, obj, "", "falls", false, 16, &falls, NULL)))
        return st;
    if (phase && !enum_by_name(phase_name, QK_PHASE__COUNT, phase, &k))
        return qr__jfail(c, "/phase", false, "unknown phase \"%.20s\" (expected one of night, "
                         "dawn, day, dusk)", phase);
    e->phase = phase ? (qk_phase)k : QK_PHASE_NIGHT;
    if (weather && !enum_by_name(weather_name, QK_WEATHER__COUNT, weather, &k))
        return qr__jfail(c, "/weather", false, "unknown weather \"%.20s\" (expected one of "
                         "clear, rain, snow, thunder)", weather);
    e->weather = weather ? (qk_weather)k : QK_WEATHER_CLEAR;
    if (e->has_falls != (falls != NULL))
        return qr__jfail(c, e->has_falls ? "/at" : "/falls", true, "\"at\" and \"falls\" go "
                         "together: \"at\":[x,z] names the column, \"falls\" what falls on it");
    if (falls && (!enum_by_name(weather_name, QK_WEATHER__COUNT, falls, &k) ||
                  k == QK_WEATHER_THUNDER))
        return qr__jfail(c, "/falls", false, "unknown precipitation \"%.20s\" (expected one of "
                         "clear, rain, snow; thunder falls as rain)", falls);
    e->falls = falls ? (qk_weather)k : QK_WEATHER_CLEAR;
    if (!e->has_time && !e->has_day && !e->has_phase && !e->has_sun && !e->has_sky_scalar &&
        !e->has_weather && !e->has_falls)
        return qr__jfail(c, "", false, "an \"expect\":\"sky\" line needs at least one of "
                         "\"time\", \"day\", \"phase\", \"sun\", \"sky\", \"weather\", "
                         "\"at\" with \"falls\"");
    e->time = (uint32_t)time;
    e->day = (uint64_t)day;
    e->sun = sun;
    e->sky_scalar = sky;
    e->at[0] = e->has_falls ? (int32_t)at[0] : 0;
    e->at[1] = e->has_falls ? (int32_t)at[1] : 0;
    return QR_OK;
}

/* "expect":"inventory": "slot" with "item" (name or null) and/or "count",
 * or "item" with "total". */
static qr_status parse_inventory(qr__scparse *ps, const qr__jctx *c, const json_t *obj,
                                 qr_expect *e)
{
    int64_t slot = 0, count = 0, total = 0;
    json_t *item = json_object_get(obj, "item");
    qr_status st;
    if ((st = qr__jint(c, obj, "", "slot", false, 0, QK_INV_SLOTS - 1, &slot, &e->has_slot)))
        return st;
    e->has_item = item != NULL;
    if (e->has_slot) {
        if (json_object_get(obj, "total"))
            return qr__jfail(c, "/total", true, "\"total\" counts an item over every slot: "
                             "it does not go with \"slot\"");
        if (item && !json_is_null(item) && (st = qr__sc_item(ps, c, item, "/item", &e->item)))
            return st;
        unsigned max = item && !json_is_null(item) ? qr__sc_max_stack(ps, e->item)
                                                    : QK_MAX_STACK;
        int64_t min = item && !json_is_null(item) ? 1 : 0; /* a slot with items holds 1+ */
        if ((st = qr__jint(c, obj, "", "count", false, min, max, &count, &e->has_count)))
            return st;
        if (!e->has_item && !e->has_count)
            return qr__jfail(c, "", false, "an \"expect\":\"inventory\" line with \"slot\" "
                             "needs \"item\" (a name, or null for empty) and/or \"count\"");
        if (item && json_is_null(item) && e->has_count && count != 0)
            return qr__jfail(c, "/count", false, "an empty slot (\"item\":null) holds 0 items, "
                             "not %lld", (long long)count);
        e->slot = (uint8_t)slot;
        e->count = (uint32_t)count;
        return QR_OK;
    }
    if (json_object_get(obj, "count"))
        return qr__jfail(c, "/count", true, "\"count\" is about one slot: give \"slot\" too, "
                         "or \"total\" for the whole inventory");
    if (!item)
        return qr__jfail(c, "", false, "an \"expect\":\"inventory\" line needs \"slot\" (with "
                         "\"item\" and/or \"count\") or \"item\" with \"total\"");
    if ((st = qr__sc_item(ps, c, item, "/item", &e->item)) ||
        (st = qr__jint(c, obj, "", "total", true, 0, QK_INV_SLOTS * QK_MAX_STACK, &total,
                       &e->has_total)))
        return st;
    e->total = (uint32_t)total;
    return QR_OK;
}

static qr_status parse_expect_body(qr__scparse *ps, const qr__jctx *c, json_t *obj,
                                   qr_expect *e)
{
    static const char *const k_block[] = {"expect", "tick", "note", "pos", "block", NULL};
    static const char *const k_player[] = {"expect", "tick", "note", "player", "block",
                                           "pos", "on_ground", NULL};
    static const char *const k_event[] = {"expect", "tick", "note", "match", NULL};
    static const char *const k_light[] = {"expect", "tick", "note", "pos", "sky", "block",
                                          NULL};
    static const char *const k_sky[] = {"expect", "tick", "note", "time", "day", "phase",
                                        "sun", "sky", "weather", "at", "falls", NULL};
    static const char *const k_inventory[] = {"expect", "tick", "note", "player", "slot",
                                              "item", "count", "total", NULL};
    const char *kind, *note = NULL;
    qr_status st;
    if ((st = qr__jstr(c, obj, "", "expect", true, 16, &kind, NULL)))
        return st;
    const char *const *allowed;
    if (strcmp(kind, "block") == 0) {
        e->kind = QR_EXPECT_BLOCK;
        allowed = k_block;
    } else if (strcmp(kind, "player") == 0) {
        e->kind = QR_EXPECT_PLAYER;
        allowed = k_player;
    } else if (strcmp(kind, "event") == 0) {
        e->kind = QR_EXPECT_EVENT;
        allowed = k_event;
    } else if (strcmp(kind, "light") == 0) {
        e->kind = QR_EXPECT_LIGHT;
        allowed = k_light;
    } else if (strcmp(kind, "sky") == 0) {
        e->kind = QR_EXPECT_SKY;
        allowed = k_sky;
    } else if (strcmp(kind, "inventory") == 0) {
        e->kind = QR_EXPECT_INVENTORY;
        allowed = k_inventory;
    } else {
        return qr__jfail(c, "/expect", false, "unknown expectation \"%.20s\" (expected one "
                         "of block, player, event, light, sky, inventory)", kind);
    }
    char what[48];
    snprintf(what, sizeof what, "an \"expect\":\"%s\" line", kind);
    if ((st = qr__jkeys(c, obj, "", what, allowed)) ||
        (st = check_tick(ps, c, obj, &e->tick)) ||
        (st = qr__jstr(c, obj, "", "note", false, 4096, &note, NULL)))
        return st;
    if (note && !(e->note = qr__strdup(note)))
        return qr__fail(c->err, QR_ERR_NOMEM, c->file, c->line0, 0, "out of memory");
    int64_t v[3];
    if (e->kind == QR_EXPECT_BLOCK) {
        json_t *b;
        if ((st = qr__jints(c, obj, "", "pos", 3, qr__pos_min, qr__pos_max, v, true, NULL)) ||
            (st = qr__jget(c, obj, "", "block", JSON_STRING, "a block name", &b)) ||
            (st = qr__sc_block(ps, c, b, "/block", &e->block)))
            return st;
        for (int i = 0; i < 3; i++)
            e->pos[i] = (int32_t)v[i];
        return QR_OK;
    }
    if (e->kind == QR_EXPECT_EVENT)
        return parse_match(c, obj, e);
    if (e->kind == QR_EXPECT_LIGHT)
        return parse_light(c, obj, e);
    if (e->kind == QR_EXPECT_SKY)
        return parse_sky(ps, c, obj, e);
    qr__scplayer *pl;
    if ((st = get_player(ps, c, obj, &pl)))
        return st;
    e->player = pl->id;
    if (e->kind == QR_EXPECT_INVENTORY)
        return parse_inventory(ps, c, obj, e);
    const int64_t fmin[3] = {-(INT64_C(1) << 50), -(INT64_C(1) << 50), -(INT64_C(1) << 50)};
    const int64_t fmax[3] = {INT64_C(1) << 50, INT64_C(1) << 50, INT64_C(1) << 50};
    const int64_t bmin[3] = {-QK_COORD_LIMIT - 1, -1024, -QK_COORD_LIMIT - 1};
    const int64_t bmax[3] = {QK_COORD_LIMIT + 1, 1024, QK_COORD_LIMIT + 1};
    if ((st = qr__jints(c, obj, "", "block", 3, bmin, bmax, v, false, &e->has_feet)))
        return st;
    for (int i = 0; e->has_feet && i < 3; i++)
        e->feet[i] = (int32_t)v[i];
    if ((st = qr__jints(c, obj, "", "pos", 3, fmin, fmax, v, false, &e->has_fx)))
        return st;
    for (int i = 0; e->has_fx && i < 3; i++)
        e->fx[i] = v[i];
    if ((st = qr__jbool(c, obj, "", "on_ground", false, &e->on_ground, &e->has_ground)))
        return st;
    if (!e->has_feet && !e->has_fx && !e->has_ground)
        return qr__jfail(c, "", false, "an \"expect\":\"player\" line needs at least one of "
                         "\"block\", \"pos\", \"on_ground\"");
    return QR_OK;
}

qr_status qr__sc_expect(qr__scparse *ps, const qr__jctx *c, json_t *obj)
{
    qr_scenario *sc = ps->sc;
    if (sc->n_expects == ps->cap_expects) {
        size_t nc = ps->cap_expects ? ps->cap_expects * 2 : 16;
        qr_expect *ne = realloc(sc->expects, nc * sizeof *ne);
        if (!ne)
            return qr__fail(ps->err, QR_ERR_NOMEM, c->file, c->line0, 0, "out of memory");
        sc->expects = ne;
        ps->cap_expects = nc;
    }
    qr_expect *e = &sc->expects[sc->n_expects++];
    memset(e, 0, sizeof *e);
    e->line = c->line0;
    return parse_expect_body(ps, c, obj, e);
}
