/*
 * scenario.c - reading scenario files: lines, bytes, the header.
 *
 * A scenario is JSONL so that every error has an exact line: each line is
 * parsed on its own with jansson (syntax errors: jansson's column; semantic
 * errors: qr_json_locate's).  Before jansson sees a line we check it is
 * text - no NUL or control bytes, valid UTF-8 - and not longer than
 * QR_MAX_LINE, so binary files and huge lines fail fast with a position.
 * Blank lines are ignored; there are no comments ("note" keys instead).
 *
 * This file handles the header (line 1: world, players, pack) and turns the
 * header's players into join inputs at tick 0; scenario_lines.c reads input
 * and expect lines.  Format: docs/formats.md, "Scenario".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "scenario.h"

const int64_t qr__pos_min[3] = {-QK_COORD_LIMIT, 0, -QK_COORD_LIMIT};
const int64_t qr__pos_max[3] = {QK_COORD_LIMIT, QK_CHUNK_H - 1, QK_COORD_LIMIT};

void qr_scenario_free(qr_scenario *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_expects; i++) {
        free(s->expects[i].note);
        free(s->expects[i].match);
    }
    free(s->expects);
    free(s->inputs);
    free(s->input_lines);
    if (s->pack_owned)
        qr_pack_free(s->pack);
    free(s->path);
    free(s);
}

qr_status qr__sc_push_input(qr__scparse *ps, const qk_input *in, uint32_t line)
{
    qr_scenario *sc = ps->sc;
    if (sc->n_inputs == ps->cap_inputs) {
        size_t nc = ps->cap_inputs ? ps->cap_inputs * 2 : 64;
        qk_input *ni = realloc(sc->inputs, nc * sizeof *ni);
        if (ni)
            sc->inputs = ni;
        uint32_t *nl = realloc(sc->input_lines, nc * sizeof *nl);
        if (nl)
            sc->input_lines = nl;
        if (!ni || !nl)
            return qr__fail(ps->err, QR_ERR_NOMEM, sc->path, line, 0, "out of memory");
        ps->cap_inputs = nc;
    }
    sc->inputs[sc->n_inputs] = *in;
    sc->input_lines[sc->n_inputs++] = line;
    return QR_OK;
}

qr__scplayer *qr__sc_player(qr__scparse *ps, uint32_t id)
{
    size_t lo = 0, hi = ps->n_players;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ps->players[mid].id == id)
            return &ps->players[mid];
        if (ps->players[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

qr_status qr__sc_block(qr__scparse *ps, const qr__jctx *c, const json_t *v,
                       const char *ptr, qk_block_id *out)
{
    if (!json_is_string(v))
        return qr__jfail(c, ptr, false, "expected a block name (a string), got %s",
                         qr__jtype(v));
    if (!qr_pack_lookup(ps->sc->pack, json_string_value(v), out))
        return qr__jfail(c, ptr, false, "unknown block \"%.80s\" (not in pack \"%s\")",
                         json_string_value(v), ps->sc->pack->name);
    return QR_OK;
}

qr_status qr__sc_item(qr__scparse *ps, const qr__jctx *c, const json_t *v,
                      const char *ptr, qk_item_id *out)
{
    if (!json_is_string(v))
        return qr__jfail(c, ptr, false, "expected an item name (a string), got %s",
                         qr__jtype(v));
    if (!qr_pack_lookup(ps->sc->pack, json_string_value(v), out))
        return qr__jfail(c, ptr, false, "unknown item \"%.80s\" (not in pack \"%s\")",
                         json_string_value(v), ps->sc->pack->name);
    if (*out == QK_BLOCK_AIR)
        return qr__jfail(c, ptr, false, "air is not an item (write null for an empty slot)");
    return QR_OK;
}

unsigned qr__sc_max_stack(const qr__scparse *ps, qk_item_id id)
{
    unsigned m = id < ps->sc->pack->count ? ps->sc->pack->defs[id].max_stack : 0;
    return m ? m : QK_MAX_STACK;
}

bool qr__sc_weather(const char *name, qk_weather *out)
{
    for (int k = 0; k < QK_WEATHER__COUNT; k++)
        if (strcmp(qk_weather_name((qk_weather)k), name) == 0) {
            *out = (qk_weather)k;
            return true;
        }
    return false;
}

/* ---- header ------------------------------------------------------------ */

static const char *const header_keys[] = {"quarry", "format", "name", "seed", "pack",
                                          "ticks", "world", "players", "note", NULL};
static const char *const world_keys[] = {"generator", "chunks", "layers", "base_height",
                                         "amplitude", "caves", "materials", "day_length",
                                         "start_time", "weather", "snow_line", NULL};
static const char *const player_keys[] = {"id", "name", "spawn", "yaw", "pitch", "hotbar",
                                          "inventory", "mode", "note", NULL};

static qr_status parse_seed(qr__scparse *ps, const qr__jctx *c, const json_t *h)
{
    json_t *v = json_object_get(h, "seed");
    if (!v)
        return qr__jfail(c, "", false, "missing \"seed\" (an integer from 0 to "
                         "9223372036854775807, or a string of 1 to 16 hex digits)");
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        ps->sc->seed = (uint64_t)json_integer_value(v);
        return QR_OK;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        size_t n = strlen(s);
        uint64_t x = 0;
        bool ok = n >= 1 && n <= 16;
        for (size_t i = 0; ok && i < n; i++) {
            char ch = s[i];
            unsigned d = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0')
                       : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
                       : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10) : 99;
            ok = d < 16;
            x = x << 4 | d;
        }
        if (ok) {
            ps->sc->seed = x;
            return QR_OK;
        }
    }
    return qr__jfail(c, "/seed", false, "\"seed\" must be an integer from 0 to "
                     "9223372036854775807 or a string of 1 to 16 hex digits");
}

/* Time and weather of "world".  Every value is set explicitly, defaults
 * included: the kernel's zero start_time is midnight, a scenario's default
 * is noon (day_length / 2). */
static qr_status parse_sky(const qr__jctx *c, const json_t *wo, qk_world_config *w)
{
    int64_t day = QK_DAY_DEFAULT, start, snow = QK_SNOW_LINE_DEFAULT;
    const char *weather = NULL;
    qr_status st;
    if ((st = qr__jint(c, wo, "/world", "day_length", false, QK_DAY_MIN, QK_DAY_MAX, &day,
                       NULL)))
        return st;
    start = day / 2;
    if ((st = qr__jint(c, wo, "/world", "start_time", false, 0, day - 1, &start, NULL)) ||
        (st = qr__jint(c, wo, "/world", "snow_line", false, 1, QK_CHUNK_H - 1, &snow, NULL)) ||
        (st = qr__jstr(c, wo, "/world", "weather", false, 16, &weather, NULL)))
        return st;
    w->weather = QK_WEATHER_CLEAR;
    if (weather && !qr__sc_weather(weather, &w->weather))
        return qr__jfail(c, "/world/weather", false, "unknown weather \"%.20s\" (expected "
                         "one of clear, rain, snow, thunder)", weather);
    w->day_length = (uint32_t)day;
    w->start_time = (uint32_t)start;
    w->snow_line = (uint16_t)snow;
    return QR_OK;
}

static qr_status parse_world(qr__scparse *ps, const qr__jctx *c, const json_t *h)
{
    qr_scenario *sc = ps->sc;
    qk_world_config *w = &sc->world;
    json_t *wo, *ch;
    const char *gen;
    qr_status st;
    if ((st = qr__jget(c, h, "", "world", JSON_OBJECT, "an object", &wo)) ||
        (st = qr__jkeys(c, wo, "/world", "\"world\"", world_keys)) ||
        (st = qr__jstr(c, wo, "/world", "generator", true, 32, &gen, NULL)))
        return st;
    if (strcmp(gen, "empty") == 0)
        w->generator = QK_GEN_EMPTY;
    else if (strcmp(gen, "superflat") == 0)
        w->generator = QK_GEN_SUPERFLAT;
    else if (strcmp(gen, "terrain") == 0)
        w->generator = QK_GEN_TERRAIN;
    else
        return qr__jfail(c, "/world/generator", false, "unknown generator \"%.40s\" "
                         "(expected one of empty, superflat, terrain)", gen);
    /* chunks: an inclusive rectangle, within the coordinate limit */
    static const char *const chunk_keys[] = {"min", "max", NULL};
    const int64_t lim = QK_COORD_LIMIT / QK_CHUNK_W;
    const int64_t cmin[2] = {-lim, -lim}, cmax[2] = {lim - 1, lim - 1};
    int64_t lo[2], hi[2];
    if ((st = qr__jget(c, wo, "/world", "chunks", JSON_OBJECT, "an object", &ch)) ||
        (st = qr__jkeys(c, ch, "/world/chunks", "\"chunks\"", chunk_keys)) ||
        (st = qr__jints(c, ch, "/world/chunks", "min", 2, cmin, cmax, lo, true, NULL)) ||
        (st = qr__jints(c, ch, "/world/chunks", "max", 2, cmin, cmax, hi, true, NULL)))
        return st;
    if (hi[0] < lo[0] || hi[1] < lo[1])
        return qr__jfail(c, "/world/chunks/max", false, "\"max\" must not be below \"min\"");
    if ((hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) > 4096)
        return qr__jfail(c, "/world/chunks", false, "the rectangle holds %lld chunk columns; "
                         "at most 4096 are allowed",
                         (long long)((hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1)));
    w->cx_min = (int32_t)lo[0];
    w->cz_min = (int32_t)lo[1];
    w->cx_max = (int32_t)hi[0];
    w->cz_max = (int32_t)hi[1];

    bool is_flat = w->generator == QK_GEN_SUPERFLAT, is_terrain = w->generator == QK_GEN_TERRAIN;
    static const char *const flat_only[] = {"layers", NULL};
    static const char *const terrain_only[] = {"base_height", "amplitude", "caves",
                                               "materials", NULL};
    for (const char *const *k = flat_only; !is_flat && *k; k++)
        if (json_object_get(wo, *k)) {
            char p[64];
            snprintf(p, sizeof p, "/world/%s", *k);
            return qr__jfail(c, p, true, "\"%s\" is only for the superflat generator", *k);
        }
    for (const char *const *k = terrain_only; !is_terrain && *k; k++)
        if (json_object_get(wo, *k)) {
            char p[64];
            snprintf(p, sizeof p, "/world/%s", *k);
            return qr__jfail(c, p, true, "\"%s\" is only for the terrain generator", *k);
        }
    if (is_flat) {
        json_t *layers;
        if ((st = qr__jget(c, wo, "/world", "layers", JSON_ARRAY,
                           "an array of [block, height] pairs", &layers)))
            return st;
        if (json_array_size(layers) > QK_MAX_LAYERS)
            return qr__jfail(c, "/world/layers", false, "at most %d layers", QK_MAX_LAYERS);
        unsigned total = 0;
        for (size_t i = 0; i < json_array_size(layers); i++) {
            json_t *l = json_array_get(layers, i);
            char p[64];
            snprintf(p, sizeof p, "/world/layers/%zu", i);
            if (!json_is_array(l) || json_array_size(l) != 2 ||
                !json_is_integer(json_array_get(l, 1)))
                return qr__jfail(c, p, false, "a layer must be [block name, height]");
            json_int_t hgt = json_integer_value(json_array_get(l, 1));
            char pb[72];
            snprintf(pb, sizeof pb, "%s/0", p);
            if ((st = qr__sc_block(ps, c, json_array_get(l, 0), pb, &w->layers[i].block)))
                return st;
            snprintf(pb, sizeof pb, "%s/1", p);
            if (hgt < 1 || hgt > QK_CHUNK_H || total + (unsigned)hgt > QK_CHUNK_H)
                return qr__jfail(c, pb, false, "layer height must be 1 or more, and all "
                                 "layers together at most %d blocks", QK_CHUNK_H);
            total += (unsigned)hgt;
            w->layers[i].height = (uint16_t)hgt;
        }
        w->layer_count = (uint32_t)json_array_size(layers);
    }
    if (is_terrain) {
        qk_terrain_params *t = &w->terrain;
        int64_t base = 64, amp = 12, caves = 100;
        if ((st = qr__jint(c, wo, "/world", "base_height", false, 1, 250, &base, NULL)) ||
            (st = qr__jint(c, wo, "/world", "amplitude", false, 0, 100, &amp, NULL)) ||
            (st = qr__jint(c, wo, "/world", "caves", false, 0, 400, &caves, NULL)))
            return st;
        t->base_height = (uint16_t)base;
        t->amplitude = (uint16_t)amp;
        t->caves = (uint16_t)caves;
        static const char *const mats[] = {"bedrock", "stone", "dirt", "grass", NULL};
        qk_block_id *dst[] = {&t->bedrock, &t->stone, &t->dirt, &t->grass};
        json_t *mo = json_object_get(wo, "materials");
        if (mo && !json_is_object(mo))
            return qr__jfail(c, "/world/materials", false, "\"materials\" must be an object");
        if (mo && (st = qr__jkeys(c, mo, "/world/materials", "\"materials\"", mats)))
            return st;
        for (int i = 0; mats[i]; i++) {
            char p[64];
            snprintf(p, sizeof p, "/world/materials/%s", mats[i]);
            json_t *v = mo ? json_object_get(mo, mats[i]) : NULL;
            if (v) {
                if ((st = qr__sc_block(ps, c, v, p, dst[i])))
                    return st;
            } else if (!qr_pack_lookup(sc->pack, mats[i], dst[i])) {
                return qr__jfail(c, "/world", false, "pack \"%s\" has no block \"%s\": name "
                                 "one in \"materials\"", sc->pack->name, mats[i]);
            }
        }
    }
    return parse_sky(c, wo, w);
}

/* One starting slot: null, an item name (a full stack) or
 * {"item": name, "count": 1..max stack}. */
static qr_status parse_slot(qr__scparse *ps, const qr__jctx *c, const json_t *v,
                            const char *ptr, qk_slot *out)
{
    static const char *const slot_keys[] = {"item", "count", NULL};
    qr_status st;
    if (json_is_null(v))
        return QR_OK;
    if (json_is_string(v)) {
        if ((st = qr__sc_item(ps, c, v, ptr, &out->item)))
            return st;
        out->count = (uint8_t)qr__sc_max_stack(ps, out->item);
        return QR_OK;
    }
    if (!json_is_object(v))
        return qr__jfail(c, ptr, false, "a slot must be null, an item name or "
                         "{\"item\": name, \"count\": n}, got %s", qr__jtype(v));
    json_t *item;
    int64_t count;
    char pi[112];
    snprintf(pi, sizeof pi, "%s/item", ptr);
    if ((st = qr__jkeys(c, v, ptr, "a slot", slot_keys)) ||
        (st = qr__jget(c, v, ptr, "item", JSON_STRING, "an item name", &item)) ||
        (st = qr__sc_item(ps, c, item, pi, &out->item)) ||
        (st = qr__jint(c, v, ptr, "count", true, 1, qr__sc_max_stack(ps, out->item), &count,
                       NULL)))
        return st;
    out->count = (uint8_t)count;
    return QR_OK;
}

/* "hotbar" (slots 0..8) or "inventory" (slots 0..35), and "mode". */
static qr_status parse_inventory(qr__scparse *ps, const qr__jctx *c, const json_t *p,
                                 const char *ptr, qk_input *in)
{
    json_t *hb = json_object_get(p, "hotbar"), *inv = json_object_get(p, "inventory");
    const char *key = inv ? "inventory" : "hotbar", *mode = NULL;
    unsigned max = inv ? QK_INV_SLOTS : QK_HOTBAR;
    char pa[64];
    qr_status st;
    if (hb && inv) { /* the error names whichever comes second */
        unsigned lh, ch, li, ci;
        snprintf(pa, sizeof pa, "%s/hotbar", ptr);
        qr_json_locate(c->text, c->len, pa, true, &lh, &ch);
        snprintf(pa, sizeof pa, "%s/inventory", ptr);
        qr_json_locate(c->text, c->len, pa, true, &li, &ci);
        bool inv_second = li > lh || (li == lh && ci > ch);
        snprintf(pa, sizeof pa, "%s/%s", ptr, inv_second ? "inventory" : "hotbar");
        return qr__jfail(c, pa, true, "\"%s\" and \"%s\" together: give either \"hotbar\" "
                         "(slots 0 to 8) or \"inventory\" (slots 0 to 35)",
                         inv_second ? "hotbar" : "inventory",
                         inv_second ? "inventory" : "hotbar");
    }
    json_t *arr = inv ? inv : hb;
    snprintf(pa, sizeof pa, "%s/%s", ptr, key);
    if (arr && (!json_is_array(arr) || json_array_size(arr) > max))
        return qr__jfail(c, pa, false, "\"%s\" must be an array of at most %u slots (null, "
                         "an item name or {\"item\": name, \"count\": n})", key, max);
    for (size_t k = 0; arr && k < json_array_size(arr); k++) {
        char pk[96];
        snprintf(pk, sizeof pk, "%s/%zu", pa, k);
        if ((st = parse_slot(ps, c, json_array_get(arr, k), pk, &in->u.join.inv[k])))
            return st;
    }
    if ((st = qr__jstr(c, p, ptr, "mode", false, 16, &mode, NULL)))
        return st;
    in->u.join.mode = QK_MODE_SURVIVAL;
    if (mode && strcmp(mode, qk_mode_name(QK_MODE_CREATIVE)) == 0)
        in->u.join.mode = QK_MODE_CREATIVE;
    else if (mode && strcmp(mode, qk_mode_name(QK_MODE_SURVIVAL)) != 0) {
        snprintf(pa, sizeof pa, "%s/mode", ptr);
        return qr__jfail(c, pa, false, "unknown mode \"%.20s\" (expected survival or "
                         "creative)", mode);
    }
    return QR_OK;
}

static int cmp_player(const void *a, const void *b)
{
    uint32_t x = ((const qr__scplayer *)a)->id, y = ((const qr__scplayer *)b)->id;
    return x < y ? -1 : x > y;
}

static qr_status parse_players(qr__scparse *ps, const qr__jctx *c, const json_t *h)
{
    json_t *arr = json_object_get(h, "players");
    if (!arr)
        return QR_OK;
    if (!json_is_array(arr))
        return qr__jfail(c, "/players", false, "\"players\" must be an array, got %s",
                         qr__jtype(arr));
    size_t n = json_array_size(arr);
    ps->players = calloc(n ? n : 1, sizeof *ps->players);
    if (!ps->players)
        return qr__fail(ps->err, QR_ERR_NOMEM, c->file, 1, 0, "out of memory");
    qr_status st;
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(arr, i);
        char ptr[48];
        snprintf(ptr, sizeof ptr, "/players/%zu", i);
        if (!json_is_object(p))
            return qr__jfail(c, ptr, false, "a player must be an object, got %s", qr__jtype(p));
        int64_t id, spawn[3], yaw = 0, pitch = 0;
        const char *name;
        if ((st = qr__jkeys(c, p, ptr, "player", player_keys)) ||
            (st = qr__jint(c, p, ptr, "id", true, 1, INT64_C(2147483648), &id, NULL)) ||
            (st = qr__jstr(c, p, ptr, "name", false, QR_NAME_MAX, &name, NULL)) ||
            (st = qr__jints(c, p, ptr, "spawn", 3, qr__pos_min, qr__pos_max, spawn, true,
                            NULL)) ||
            (st = qr__jint(c, p, ptr, "yaw", false, 0, 65535, &yaw, NULL)) ||
            (st = qr__jint(c, p, ptr, "pitch", false, -16384, 16384, &pitch, NULL)))
            return st;
        for (size_t j = 0; j < i; j++)
            if (ps->players[j].id == (uint32_t)id) {
                char pi[64];
                snprintf(pi, sizeof pi, "%s/id", ptr);
                return qr__jfail(c, pi, false, "duplicate player id %lld", (long long)id);
            }
        qr__scplayer *pl = &ps->players[i];
        pl->id = (uint32_t)id;
        pl->next_seq = 1;
        pl->yaw = (uint16_t)yaw;
        pl->pitch = (int16_t)pitch;
        qk_input *in = &pl->join;
        memset(in, 0, sizeof *in);
        in->op = QK_OP_JOIN;
        in->player = (uint32_t)id;
        in->u.join.x = spawn[0] * QK_FX_ONE + QK_FX_ONE / 2;
        in->u.join.y = spawn[1] * QK_FX_ONE;
        in->u.join.z = spawn[2] * QK_FX_ONE + QK_FX_ONE / 2;
        in->u.join.yaw = (uint16_t)yaw;
        in->u.join.pitch = (int16_t)pitch;
        if ((st = parse_inventory(ps, c, p, ptr, in)))
            return st;
        ps->n_players = i + 1;
    }
    if (n > 1) /* qsort's pointer must not be NULL, even for 0 items */
        qsort(ps->players, n, sizeof *ps->players, cmp_player);
    ps->sc->n_players = (uint32_t)n;
    for (size_t i = 0; i < n; i++)
        if ((st = qr__sc_push_input(ps, &ps->players[i].join, 1)))
            return st;
    return QR_OK;
}

static qr_status load_pack(qr__scparse *ps, const qr__jctx *c,
                           const qr_scenario_opts *opts)
{
    qr_scenario *sc = ps->sc;
    if (opts && opts->pack) {
        sc->pack = (qr_pack *)opts->pack;
        sc->pack_owned = false;
        return QR_OK;
    }
    char dir[512], path[640];
    if (opts && opts->pack_dir) {
        qr__strlcpy(dir, opts->pack_dir, sizeof dir);
    } else {
        const char *slash = strrchr(sc->path, '/');
        if (slash)
            snprintf(dir, sizeof dir, "%.*s/../packs", (int)(slash - sc->path), sc->path);
        else
            qr__strlcpy(dir, "../packs", sizeof dir);
    }
    snprintf(path, sizeof path, "%s/%s.json", dir, sc->pack_name);
    qr_error perr;
    qr_status st = qr_pack_load(&sc->pack, path, &perr);
    if (st == QR_ERR_IO)
        return qr__jfail(c, "/pack", false, "pack \"%s\" not found: %s: %s (use --pack-dir)",
                         sc->pack_name, path, perr.msg);
    if (st) {
        if (ps->err)
            *ps->err = perr;
        return st;
    }
    sc->pack_owned = true;
    return QR_OK;
}

static qr_status parse_header(qr__scparse *ps, const qr__jctx *c, json_t *h,
                              const qr_scenario_opts *opts)
{
    qr_scenario *sc = ps->sc;
    const char *magic, *name, *pack;
    int64_t format, ticks;
    qr_status st;
    if ((st = qr__jstr(c, h, "", "quarry", true, 32, &magic, NULL)))
        return st;
    if (strcmp(magic, "scenario") != 0)
        return qr__jfail(c, "/quarry", false, "expected \"quarry\":\"scenario\" in the "
                         "header, got \"%.40s\"", magic);
    if ((st = qr__jkeys(c, h, "", "the scenario header", header_keys)) ||
        (st = qr__jint(c, h, "", "format", true, 1, 1, &format, NULL)) ||
        (st = qr__jstr(c, h, "", "name", true, QR_NAME_MAX, &name, NULL)))
        return st;
    if (!qr__valid_name(name))
        return qr__jfail(c, "/name", false, "scenario name must be of a-z, 0-9 and _ "
                         "(it names the golden file)");
    qr__strlcpy(sc->name, name, sizeof sc->name);
    if ((st = parse_seed(ps, c, h)) ||
        (st = qr__jint(c, h, "", "ticks", true, 1, QR_MAX_TICKS, &ticks, NULL)) ||
        (st = qr__jstr(c, h, "", "pack", true, QR_NAME_MAX, &pack, NULL)))
        return st;
    if (!qr__valid_name(pack))
        return qr__jfail(c, "/pack", false, "pack name must be of a-z, 0-9 and _");
    qr__strlcpy(sc->pack_name, pack, sizeof sc->pack_name);
    sc->ticks = (uint64_t)ticks;
    if ((st = load_pack(ps, c, opts)))
        return st;
    sc->world.seed = sc->seed;
    if ((st = parse_world(ps, c, h)) || (st = parse_players(ps, c, h)))
        return st;
    ps->have_header = true;
    return QR_OK;
}

/* ---- lines ------------------------------------------------------------- */

/* Checks a line is text: valid UTF-8, no NUL or control bytes but tab.
 * On failure sets *col (characters) and returns a description. */
static const char *check_text(const unsigned char *s, size_t n, unsigned *col)
{
    unsigned c = 1;
    for (size_t i = 0; i < n; c++) {
        unsigned char b = s[i];
        *col = c;
        if (b == 0)
            return "NUL byte (is this a binary file?)";
        if (b < 0x20 && b != '\t')
            return "control byte (is this a binary file?)";
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t k = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
        if (b >= 0xF5 || k == 0 || i + k > n)
            return "invalid UTF-8 (is this a binary file?)";
        for (size_t j = 1; j < k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return "invalid UTF-8 (is this a binary file?)";
        i += k;
    }
    return NULL;
}

static qr_status parse_line(qr__scparse *ps, const char *line, size_t len, uint32_t lineno,
                            const qr_scenario_opts *opts)
{
    const char *file = ps->sc->path;
    if (len && line[len - 1] == '\r')
        len--;
    unsigned col;
    const char *bad = check_text((const unsigned char *)line, len, &col);
    if (bad)
        return qr__fail(ps->err, QR_ERR_INPUT, file, lineno, col, "%s", bad);
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i == len)
        return QR_OK;
    json_error_t je;
    json_t *obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!obj) /* jansson stops at 2^63 - 1; say so rather than leave "too big" bare */
        return qr__fail(ps->err, QR_ERR_INPUT, file, lineno,
                        je.column > 0 ? (unsigned)je.column : 1, "%s%s", je.text,
                        strncmp(je.text, "too big integer", 15) == 0
                            ? " (integers in a scenario are at most 9223372036854775807)"
                            : "");
    qr__jctx c = {file, line, len, lineno, ps->err};
    qr_status st;
    if (!json_is_object(obj))
        st = qr__jfail(&c, "", false, "expected a JSON object, got %s", qr__jtype(obj));
    else if (!ps->have_header)
        st = parse_header(ps, &c, obj, opts);
    else if (json_object_get(obj, "expect"))
        st = qr__sc_expect(ps, &c, obj);
    else
        st = qr__sc_input(ps, &c, obj);
    json_decref(obj);
    return st;
}

static int cmp_expect(const void *a, const void *b)
{
    const qr_expect *x = a, *y = b;
    if (x->tick != y->tick)
        return x->tick < y->tick ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static qr_status begin(qr__scparse *ps, qr_scenario **out, const char *path, qr_error *err)
{
    *out = NULL;
    memset(ps, 0, sizeof *ps);
    ps->err = err;
    ps->host_seq = 1;
    ps->sc = calloc(1, sizeof *ps->sc);
    if (!ps->sc || !(ps->sc->path = qr__strdup(path))) {
        free(ps->sc);
        ps->sc = NULL;
        return qr__fail(err, QR_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    return QR_OK;
}

static qr_status finish(qr__scparse *ps, qr_status st, uint32_t lines, qr_scenario **out)
{
    qr_scenario *sc = ps->sc;
    if (!st && !ps->have_header)
        st = qr__fail(ps->err, QR_ERR_INPUT, sc->path, lines ? lines : 1, 1,
                      "%s: expected a scenario header line "
                      "{\"quarry\":\"scenario\",...}", lines ? "only blank lines" : "empty file");
    free(ps->players);
    if (st) {
        qr_scenario_free(sc);
        return st;
    }
    if (sc->n_expects > 1) /* expects is NULL when there are none */
        qsort(sc->expects, sc->n_expects, sizeof *sc->expects, cmp_expect);
    *out = sc;
    return QR_OK;
}

qr_status qr_scenario_parse(qr_scenario **out, const char *path, const char *text,
                            size_t len, const qr_scenario_opts *opts, qr_error *err)
{
    qr__scparse ps;
    qr_status st = begin(&ps, out, path, err);
    if (st)
        return st;
    ps.sc->hash = XXH3_64bits(text, len);
    uint32_t lineno = 0;
    for (size_t i = 0; i < len && !st;) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        lineno++;
        if (n > QR_MAX_LINE)
            st = qr__fail(err, QR_ERR_INPUT, path, lineno, 1, "line is longer than %u bytes",
                          QR_MAX_LINE);
        else
            st = parse_line(&ps, text + i, n, lineno, opts);
        i += n + 1;
    }
    return finish(&ps, st, lineno, out);
}

qr_status qr_scenario_load(qr_scenario **out, const char *path, const qr_scenario_opts *opts,
                           qr_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "cannot open scenario: %s",
                        strerror(errno));
    qr__scparse ps;
    qr_status st = begin(&ps, out, path, err);
    if (st) {
        fclose(f);
        return st;
    }
    qr__lines r;
    qr__lines_init(&r, f, QR_MAX_LINE, true);
    int got;
    while (!st && (got = qr__lines_next(&r)) != 0) {
        if (got == -1)
            st = qr__fail(err, QR_ERR_INPUT, path, (unsigned)r.lineno, 1,
                          "line is longer than %u bytes", QR_MAX_LINE);
        else if (got == -2)
            st = qr__fail(err, QR_ERR_IO, path, (unsigned)r.lineno + 1, 0, "read error");
        else if (got == -3)
            st = qr__fail(err, QR_ERR_NOMEM, path, (unsigned)r.lineno, 0, "out of memory");
        else
            st = parse_line(&ps, r.buf, r.len, (uint32_t)r.lineno, opts);
    }
    if (!st) /* the hash covers the whole file */
        ps.sc->hash = qr__lines_hash(&r);
    uint32_t lines = (uint32_t)r.lineno;
    qr__lines_free(&r);
    fclose(f);
    return finish(&ps, st, lines, out);
}
