/*
 * scenario_lines.c - a scenario's input lines and expect lines.
 *
 * Input lines become qk_input values exactly as the kernel will see them:
 * defaults (seq, clock, a move's yaw/pitch) are filled here, so the runner
 * does no interpretation and a replayed log is what the file says.  Expect
 * lines are checked against the pack and the event table now, so a typo in
 * a block name or an event key fails at load time with a position rather
 * than as a mysterious failed expectation after a long run.  Only what a
 * line can say about the world is checked here: whether a voxel is loaded
 * is the runner's question (a light or block expectation outside the loaded
 * chunks is a failed expectation, not a parse error).
 */
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

static const char *const op_words = "join, move, jump, place, break, select, undo";

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
    return qr__jfail(c, "/op", false, "unknown op \"%.40s\" (expected one of %s)", name,
                     op_words);
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

qr_status qr__sc_input(qr__scparse *ps, const qr__jctx *c, json_t *obj)
{
    static const char *const k_join[] = {"tick", "player", "op", "seq", "clock", "note",
                                         NULL};
    static const char *const k_move[] = {"tick", "player", "op", "seq", "clock", "note",
                                         "keys", "yaw", "pitch", NULL};
    static const char *const k_pos[] = {"tick", "player", "op", "seq", "clock", "note",
                                        "pos", NULL};
    static const char *const k_place[] = {"tick", "player", "op", "seq", "clock", "note",
                                          "pos", "face", NULL};
    static const char *const k_select[] = {"tick", "player", "op", "seq", "clock", "note",
                                           "slot", NULL};
    static const char *const k_undo[] = {"tick", "player", "op", "seq", "clock", "note",
                                         "txn", NULL};
    qk_input in;
    memset(&in, 0, sizeof in);
    qr__scplayer *pl;
    qr_status st;
    const char *note;
    if ((st = parse_op(c, obj, &in.op)) || (st = check_tick(ps, c, obj, &in.tick)) ||
        (st = get_player(ps, c, obj, &pl)) ||
        (st = qr__jstr(c, obj, "", "note", false, 4096, &note, NULL)))
        return st;
    if (in.tick < ps->last_tick)
        return qr__jfail(c, "/tick", false, "tick %llu goes backwards: line %u is already at "
                         "tick %llu (inputs must be ordered by tick)",
                         (unsigned long long)in.tick, ps->last_tick_line,
                         (unsigned long long)ps->last_tick);
    const char *const *allowed = in.op == QK_OP_MOVE     ? k_move
                               : in.op == QK_OP_PLACE    ? k_place
                               : in.op == QK_OP_BREAK    ? k_pos
                               : in.op == QK_OP_SELECT   ? k_select
                               : in.op == QK_OP_UNDO     ? k_undo
                                                         : k_join;
    char what[48];
    snprintf(what, sizeof what, "a \"%s\" input line", qk_op_name(in.op));
    if ((st = qr__jkeys(c, obj, "", what, allowed)))
        return st;
    int64_t seq = pl->next_seq, clock = 0, pos[3];
    if ((st = qr__jint(c, obj, "", "seq", false, 0, UINT32_MAX, &seq, NULL)) ||
        (st = qr__jint(c, obj, "", "clock", false, 0, INT64_MAX, &clock, NULL)))
        return st;
    in.player = pl->id;
    in.seq = (uint32_t)seq;
    in.clock = (uint64_t)clock;
    pl->next_seq++;
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

static qr_status parse_expect_body(qr__scparse *ps, const qr__jctx *c, json_t *obj,
                                   qr_expect *e)
{
    static const char *const k_block[] = {"expect", "tick", "note", "pos", "block", NULL};
    static const char *const k_player[] = {"expect", "tick", "note", "player", "block",
                                           "pos", "on_ground", NULL};
    static const char *const k_event[] = {"expect", "tick", "note", "match", NULL};
    static const char *const k_light[] = {"expect", "tick", "note", "pos", "sky", "block",
                                          NULL};
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
    } else {
        return qr__jfail(c, "/expect", false, "unknown expectation \"%.20s\" (expected one "
                         "of block, player, event, light)", kind);
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
    qr__scplayer *pl;
    if ((st = get_player(ps, c, obj, &pl)))
        return st;
    e->player = pl->id;
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
