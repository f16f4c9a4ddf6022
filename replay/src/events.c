/*
 * events.c - the canonical event stream: one table, three uses.
 *
 * The stream is what CI diffs, so its bytes must be a function of the events
 * alone: fixed key order per type, integers only (the two arrays, a
 * light_commit's chunks and a crafted event's inputs, hold integers and
 * names), no spaces, '\n' endings.
 * One table below lists, per event type, its keys in order with the kind of
 * each value and where it lives in qk_event.  The writer walks the table,
 * the schema text (whose XXH3 goes into every stream header) is generated
 * from it, and the comparer asks it for key lists - so reordering a key or
 * changing how a value prints changes the schema hash, and no second copy
 * of the format can drift.  docs/formats.md mirrors this table.
 *
 * Speed: the target is 200,000 ticks/s including writing, so numbers are
 * formatted by hand (no printf per event) and block, item and recipe names
 * are copied.
 */
#include <assert.h>
#include <stddef.h>
#include <string.h>

#include <xxhash.h>

#include "internal.h"

typedef enum fkind {
    F_U32, F_I32, F_FX, F_U16, F_I16, F_U8, F_BOOL01,
    F_BLOCK,     /* block id printed as the pack's name */
    F_BLOCK_OPT, /* same, null for QK_BLOCK_NONE */
    F_OP, F_CAUSE, F_REASON, /* enums printed by name */
    F_HEX64,     /* u64 as a 16-hex-digit string */
    F_U64,       /* u64 as a decimal integer (counters: ids, revisions) */
    F_CHUNKS,    /* u.commit's chunks[n_chunks] as [[cx,cz,geometry,light],...] */
    F_WEATHER, F_PHASE, /* enums printed by name */
    F_SLOT_ITEM, /* a qk_slot's item as the pack's name, null when count is 0 */
    F_RECIPE,    /* u32 recipe index printed as the pack's recipe name */
    F_INPUTS     /* u.crafted's inputs[n_inputs] as [["name",count],...] */
} fkind;

static const char *const kind_names[] = {
    [F_U32] = "u32",   [F_I32] = "i32",         [F_FX] = "fx",       [F_U16] = "u16",
    [F_I16] = "i16",   [F_U8] = "u8",           [F_BOOL01] = "bool01", [F_BLOCK] = "block",
    [F_BLOCK_OPT] = "block?", [F_OP] = "op",    [F_CAUSE] = "cause", [F_REASON] = "reason",
    [F_HEX64] = "hex64", [F_U64] = "u64",  [F_CHUNKS] = "commit_chunks",
    [F_WEATHER] = "weather", [F_PHASE] = "phase", [F_SLOT_ITEM] = "slot_item",
    [F_RECIPE] = "recipe", [F_INPUTS] = "craft_inputs",
};

typedef struct field {
    const char *key;
    fkind kind;
    size_t off; /* offset in qk_event */
    char axis;  /* 'x' or 'z': a block (F_I32) or fixed-point (F_FX) coordinate
                   that moves when the world is translated (translate.c); 0
                   otherwise.  F_CHUNKS always holds chunk coordinates. */
} field;

#define MAX_FIELDS 12
typedef struct evdef {
    qk_event_type type;
    field f[MAX_FIELDS];
} evdef;

#define OF(m) offsetof(qk_event, u.m)

/* The digest keys are the subsystem names in qk_subsys order; a new
 * subsystem must be added here (and changes the schema hash). */
_Static_assert(QK_SUB__COUNT == 6, "add the new subsystem to the digest row");

static const evdef table[] = {
    {QK_EV_SPAWN, {{"player", F_U32, OF(spawn.player), 0}, {"x", F_FX, OF(spawn.x), 'x'},
                   {"y", F_FX, OF(spawn.y), 0}, {"z", F_FX, OF(spawn.z), 'z'}}},
    {QK_EV_PLAYER, {{"player", F_U32, OF(player.player), 0}, {"x", F_FX, OF(player.x), 'x'},
                    {"y", F_FX, OF(player.y), 0}, {"z", F_FX, OF(player.z), 'z'},
                    {"vx", F_FX, OF(player.vx), 0}, {"vy", F_FX, OF(player.vy), 0},
                    {"vz", F_FX, OF(player.vz), 0}, {"yaw", F_U16, OF(player.yaw), 0},
                    {"pitch", F_I16, OF(player.pitch), 0},
                    {"ground", F_BOOL01, OF(player.on_ground), 0}}},
    {QK_EV_BLOCK, {{"x", F_I32, OF(block.x), 'x'}, {"y", F_I32, OF(block.y), 0},
                   {"z", F_I32, OF(block.z), 'z'}, {"block", F_BLOCK, OF(block.block), 0},
                   {"prev", F_BLOCK, OF(block.prev), 0}, {"cause", F_CAUSE, OF(block.cause), 0},
                   {"player", F_U32, OF(block.player), 0}}},
    {QK_EV_DROP, {{"player", F_U32, OF(drop.player), 0}, {"item", F_BLOCK, OF(drop.item), 0},
                  {"x", F_I32, OF(drop.x), 'x'}, {"y", F_I32, OF(drop.y), 0},
                  {"z", F_I32, OF(drop.z), 'z'}}},
    {QK_EV_SELECT, {{"player", F_U32, OF(select.player), 0}, {"slot", F_U8, OF(select.slot), 0},
                    {"block", F_BLOCK_OPT, OF(select.block), 0}}},
    {QK_EV_REJECT, {{"player", F_U32, OF(reject.player), 0}, {"seq", F_U32, OF(reject.seq), 0},
                    {"op", F_OP, OF(reject.op), 0}, {"reason", F_REASON, OF(reject.reason), 0}}},
    {QK_EV_DIGEST, { /* digests are not moved: they hash absolute coordinates */
                    {"blocks", F_HEX64, OF(digest.sub) + QK_SUB_BLOCKS * sizeof(uint64_t), 0},
                    {"entities", F_HEX64, OF(digest.sub) + QK_SUB_ENTITIES * sizeof(uint64_t), 0},
                    {"light", F_HEX64, OF(digest.sub) + QK_SUB_LIGHT * sizeof(uint64_t), 0},
                    {"inventory", F_HEX64, OF(digest.sub) + QK_SUB_INVENTORY * sizeof(uint64_t), 0},
                    {"time", F_HEX64, OF(digest.sub) + QK_SUB_TIME * sizeof(uint64_t), 0},
                    {"weather", F_HEX64, OF(digest.sub) + QK_SUB_WEATHER * sizeof(uint64_t), 0},
                    {"chain", F_HEX64, OF(digest.chain), 0}}},
    {QK_EV_LIGHT_COMMIT, {{"txn", F_U64, OF(commit.txn), 0},
                          {"player", F_U32, OF(commit.player), 0},
                          {"cause", F_CAUSE, OF(commit.cause), 0}, {"x", F_I32, OF(commit.x), 'x'},
                          {"y", F_I32, OF(commit.y), 0}, {"z", F_I32, OF(commit.z), 'z'},
                          {"chunks", F_CHUNKS, OF(commit.chunks), 0}}},
    {QK_EV_TIME, {{"day", F_U64, OF(time.day), 0}, {"time", F_U32, OF(time.time), 0},
                  {"phase", F_PHASE, OF(time.phase), 0}, {"sky", F_FX, OF(time.sky), 0},
                  {"cause", F_CAUSE, OF(time.cause), 0}}},
    {QK_EV_WEATHER, {{"old", F_WEATHER, OF(weather.old), 0},
                     {"new", F_WEATHER, OF(weather.now), 0},
                     {"until", F_U64, OF(weather.until), 0},
                     {"cause", F_CAUSE, OF(weather.cause), 0}}},
    {QK_EV_INVENTORY, {{"player", F_U32, OF(inv.player), 0}, {"slot", F_U8, OF(inv.slot), 0},
                       {"prev_item", F_SLOT_ITEM, OF(inv.before), 0},
                       {"prev_count", F_U8, OF(inv.before.count), 0},
                       {"item", F_SLOT_ITEM, OF(inv.after), 0},
                       {"count", F_U8, OF(inv.after.count), 0},
                       {"cause", F_CAUSE, OF(inv.cause), 0}}},
    {QK_EV_ITEM_LOST, {{"player", F_U32, OF(lost.player), 0}, {"item", F_BLOCK, OF(lost.item), 0},
                       {"count", F_U32, OF(lost.count), 0}, {"cause", F_CAUSE, OF(lost.cause), 0}}},
    {QK_EV_CRAFTED, {{"player", F_U32, OF(crafted.player), 0},
                     {"recipe", F_RECIPE, OF(crafted.recipe), 0},
                     {"inputs", F_INPUTS, OF(crafted.inputs), 0},
                     {"item", F_BLOCK, OF(crafted.output.item), 0},
                     {"count", F_U8, OF(crafted.output.count), 0},
                     {"table", F_BOOL01, OF(crafted.table), 0}}},
    {QK_EV_CRAFT_REJECTED, {{"player", F_U32, OF(craft_rejected.player), 0},
                            {"seq", F_U32, OF(craft_rejected.seq), 0},
                            {"reason", F_REASON, OF(craft_rejected.reason), 0}}},
};
_Static_assert(QK_EV__COUNT == 15, "add the new event type to the table");
#define NTYPES (sizeof table / sizeof table[0])

static const evdef *def_of(qk_event_type t)
{
    for (size_t i = 0; i < NTYPES; i++)
        if (table[i].type == t)
            return &table[i];
    return NULL;
}

size_t qr__event_keys(const char *type_name, const char **keys, size_t cap)
{
    for (size_t t = 0; t < NTYPES; t++) {
        if (strcmp(qk_event_name(table[t].type), type_name) != 0)
            continue;
        size_t n = 0;
        if (n < cap) keys[n] = "tick";
        n++;
        if (n < cap) keys[n] = "type";
        n++;
        for (int i = 0; i < MAX_FIELDS && table[t].f[i].key; i++, n++)
            if (n < cap)
                keys[n] = table[t].f[i].key;
        return n;
    }
    return 0;
}

/* ---- translation by whole chunks (translate.c) ------------------------ *
 *
 * The coordinates an event carries are the fields tagged with an axis in
 * the table above plus a light_commit's chunk list; nothing else moves. */

static int64_t axis_shift(const field *f, int32_t dx, int32_t dz)
{
    int64_t chunks = f->axis == 'x' ? dx : f->axis == 'z' ? dz : 0;
    return chunks * QK_CHUNK_W * (f->kind == F_FX ? QK_FX_ONE : 1);
}

void qr__event_translate(qk_event *ev, int32_t dx, int32_t dz)
{
    const evdef *d = def_of(ev->type);
    for (int i = 0; d && i < MAX_FIELDS && d->f[i].key; i++) {
        const field *f = &d->f[i];
        char *at = (char *)ev + f->off;
        if (f->kind == F_CHUNKS) {
            uint32_t n = ev->u.commit.n_chunks;
            for (uint32_t c = 0; c < n && c < QK_TXN_MAX_CHUNKS; c++) {
                ev->u.commit.chunks[c].cx += dx;
                ev->u.commit.chunks[c].cz += dz;
            }
        } else if (f->axis && f->kind == F_I32) {
            int32_t v;
            memcpy(&v, at, 4);
            v = (int32_t)(v + axis_shift(f, dx, dz));
            memcpy(at, &v, 4);
        } else if (f->axis && f->kind == F_FX) {
            qk_fx v;
            memcpy(&v, at, 8);
            v += axis_shift(f, dx, dz);
            memcpy(at, &v, 8);
        }
    }
}

int qr__event_key_shift(const char *type_name, const char *key, int32_t dx, int32_t dz,
                        int64_t *shift)
{
    *shift = 0;
    for (size_t t = 0; t < NTYPES; t++) {
        if (strcmp(qk_event_name(table[t].type), type_name) != 0)
            continue;
        for (int i = 0; i < MAX_FIELDS && table[t].f[i].key; i++) {
            const field *f = &table[t].f[i];
            if (strcmp(f->key, key) != 0)
                continue;
            if (f->kind == F_CHUNKS)
                return -1;
            *shift = axis_shift(f, dx, dz);
            return f->axis ? 1 : 0;
        }
        return 0;
    }
    return 0;
}

/* ---- number formatting ------------------------------------------------ */

static char *put_u64(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_i64(char *p, int64_t v)
{
    if (v < 0) {
        *p++ = '-';
        return put_u64(p, (uint64_t)0 - (uint64_t)v);
    }
    return put_u64(p, (uint64_t)v);
}

void qr_hex64(uint64_t v, char *buf)
{
    static const char hx[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        buf[i] = hx[v & 15];
        v >>= 4;
    }
    buf[16] = 0;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    *p++ = '"';
    memcpy(p, s, n);
    p += n;
    *p++ = '"';
    return p;
}

static char *put_block(char *p, const qr_pack *pack, qk_block_id id, bool opt)
{
    if (opt && id == QK_BLOCK_NONE) {
        memcpy(p, "null", 4);
        return p + 4;
    }
    const char *name = pack ? qr_pack_block_name(pack, id) : NULL;
    if (name)
        return put_str(p, name);
    /* Not in the pack (a kernel bug or a hole): keep the string type. */
    *p++ = '"';
    *p++ = '#';
    p = put_u64(p, id);
    *p++ = '"';
    return p;
}

/* A commit's [[cx,cz,geometry,light],...]: at most QK_TXN_MAX_CHUNKS
 * entries whatever n_chunks says, so no line can outgrow QR_EVENT_LINE_MAX.
 * The kind belongs to u.commit. */
static char *put_chunks(char *p, const qk_event *ev)
{
    uint32_t n = ev->u.commit.n_chunks;
    if (n > QK_TXN_MAX_CHUNKS)
        n = QK_TXN_MAX_CHUNKS;
    *p++ = '[';
    for (uint32_t i = 0; i < n; i++) {
        const qk_commit_chunk c = ev->u.commit.chunks[i];
        if (i)
            *p++ = ',';
        *p++ = '[';
        p = put_i64(p, c.cx);
        *p++ = ',';
        p = put_i64(p, c.cz);
        *p++ = ',';
        p = put_u64(p, c.geometry);
        *p++ = ',';
        p = put_u64(p, c.light);
        *p++ = ']';
    }
    *p++ = ']';
    return p;
}

/* A crafted event's [["name",count],...]: at most QK_CRAFT_CELLS entries
 * whatever n_inputs says (the bound QR_EVENT_LINE_MAX relies on). */
static char *put_inputs(char *p, const qr_pack *pack, const qk_event *ev)
{
    uint32_t n = ev->u.crafted.n_inputs;
    if (n > QK_CRAFT_CELLS)
        n = QK_CRAFT_CELLS;
    *p++ = '[';
    for (uint32_t i = 0; i < n; i++) {
        const qk_slot s = ev->u.crafted.inputs[i];
        if (i)
            *p++ = ',';
        *p++ = '[';
        p = put_block(p, pack, s.item, false);
        *p++ = ',';
        p = put_u64(p, s.count);
        *p++ = ']';
    }
    *p++ = ']';
    return p;
}

/* A recipe's name from the pack; its index when the pack has none (or a
 * name too long for the line bound, which a valid pack never has). */
static char *put_recipe(char *p, const qr_pack *pack, uint32_t i)
{
    const char *name = pack ? qr_pack_recipe_name(pack, i) : NULL;
    if (name && strlen(name) <= QR_NAME_MAX)
        return put_str(p, name);
    return put_u64(p, i);
}

static int read_enum(const qk_event *ev, size_t off)
{
    int v; /* the enums are int-sized; memcpy keeps it strict-aliasing clean */
    _Static_assert(sizeof(qk_op) == sizeof(int), "enum size");
    memcpy(&v, (const char *)ev + off, sizeof v);
    return v;
}

size_t qr_event_format(const qr_pack *pack, const qk_event *ev, char *buf)
{
    const evdef *d = def_of(ev->type);
    char *p = buf;
    memcpy(p, "{\"tick\":", 8);
    p = put_u64(p + 8, ev->tick);
    memcpy(p, ",\"type\":", 8);
    p = put_str(p + 8, qk_event_name(ev->type));
    for (int i = 0; d && i < MAX_FIELDS && d->f[i].key; i++) {
        const field *f = &d->f[i];
        const char *at = (const char *)ev + f->off;
        size_t kl = strlen(f->key);
        *p++ = ',';
        *p++ = '"';
        memcpy(p, f->key, kl);
        p += kl;
        *p++ = '"';
        *p++ = ':';
        switch (f->kind) {
        case F_U32: { uint32_t v; memcpy(&v, at, 4); p = put_u64(p, v); break; }
        case F_I32: { int32_t v; memcpy(&v, at, 4); p = put_i64(p, v); break; }
        case F_FX: { qk_fx v; memcpy(&v, at, 8); p = put_i64(p, v); break; }
        case F_U16: { uint16_t v; memcpy(&v, at, 2); p = put_u64(p, v); break; }
        case F_I16: { int16_t v; memcpy(&v, at, 2); p = put_i64(p, v); break; }
        case F_U8: p = put_u64(p, *(const uint8_t *)at); break;
        case F_BOOL01: { bool v; memcpy(&v, at, sizeof v); *p++ = v ? '1' : '0'; break; }
        case F_BLOCK:
        case F_BLOCK_OPT: {
            qk_block_id v;
            memcpy(&v, at, 2);
            p = put_block(p, pack, v, f->kind == F_BLOCK_OPT);
            break;
        }
        case F_OP: p = put_str(p, qk_op_name((qk_op)read_enum(ev, f->off))); break;
        case F_CAUSE: p = put_str(p, qk_cause_name((qk_cause)read_enum(ev, f->off))); break;
        case F_REASON: p = put_str(p, qk_reason_name((qk_reason)read_enum(ev, f->off))); break;
        case F_HEX64: {
            uint64_t v;
            memcpy(&v, at, 8);
            *p++ = '"';
            qr_hex64(v, p);
            p += 16;
            *p++ = '"';
            break;
        }
        case F_U64: { uint64_t v; memcpy(&v, at, 8); p = put_u64(p, v); break; }
        case F_CHUNKS: p = put_chunks(p, ev); break;
        case F_WEATHER: p = put_str(p, qk_weather_name((qk_weather)read_enum(ev, f->off))); break;
        case F_PHASE: p = put_str(p, qk_phase_name((qk_phase)read_enum(ev, f->off))); break;
        case F_SLOT_ITEM: {
            qk_slot v;
            memcpy(&v, at, sizeof v);
            p = put_block(p, pack, v.count ? v.item : QK_BLOCK_NONE, true);
            break;
        }
        case F_RECIPE: { uint32_t v; memcpy(&v, at, 4); p = put_recipe(p, pack, v); break; }
        case F_INPUTS: p = put_inputs(p, pack, ev); break;
        }
    }
    *p++ = '}';
    *p++ = '\n';
    return (size_t)(p - buf);
}

/* ---- header and schema ------------------------------------------------- */

/* JSON string with minimal escaping (internal.h). */
size_t qr__json_escape(char *buf, size_t cap, size_t n, const char *s)
{
    static const char hx[] = "0123456789abcdef";
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        char e[7];
        size_t el = 0;
        if (ch == '"' || ch == '\\') {
            e[el++] = '\\';
            e[el++] = (char)ch;
        } else if (ch == '\n') {
            e[el++] = '\\'; e[el++] = 'n';
        } else if (ch == '\t') {
            e[el++] = '\\'; e[el++] = 't';
        } else if (ch == '\r') {
            e[el++] = '\\'; e[el++] = 'r';
        } else if (ch < 0x20) {
            memcpy(e, "\\u00", 4);
            e[4] = hx[ch >> 4];
            e[5] = hx[ch & 15];
            el = 6;
        } else {
            e[el++] = (char)ch;
        }
        for (size_t i = 0; i < el; i++, n++)
            if (n + 1 < cap)
                buf[n] = e[i];
    }
    return n;
}

static size_t put_lit(char *buf, size_t cap, size_t n, const char *s)
{
    for (; *s; s++, n++)
        if (n + 1 < cap)
            buf[n] = *s;
    return n;
}

size_t qr_schema_text(char *buf, size_t cap)
{
    size_t n = put_lit(buf, cap, 0, "quarry events 1\n");
    for (size_t t = 0; t < NTYPES; t++) {
        n = put_lit(buf, cap, n, qk_event_name(table[t].type));
        n = put_lit(buf, cap, n, ":tick:u64,type:str");
        for (int i = 0; i < MAX_FIELDS && table[t].f[i].key; i++) {
            n = put_lit(buf, cap, n, ",");
            n = put_lit(buf, cap, n, table[t].f[i].key);
            n = put_lit(buf, cap, n, ":");
            n = put_lit(buf, cap, n, kind_names[table[t].f[i].kind]);
        }
        n = put_lit(buf, cap, n, "\n");
    }
    if (cap)
        buf[n < cap ? n : cap - 1] = 0;
    return n;
}

uint64_t qr_schema_hash(void)
{
    char buf[4096];
    size_t n = qr_schema_text(buf, sizeof buf);
    assert(n < sizeof buf); /* the table outgrew the buffer: enlarge it */
    return XXH3_64bits(buf, n < sizeof buf ? n : sizeof buf - 1);
}

size_t qr_header_format(const char *scenario_name, uint64_t scenario_hash, char *buf,
                        size_t cap)
{
    char hx[17];
    size_t n = put_lit(buf, cap, 0, "{\"quarry\":\"events\",\"format\":1,\"kernel\":\"");
    n = qr__json_escape(buf, cap, n, QK_VERSION_STRING);
    n = put_lit(buf, cap, n, "\",\"schema\":\"");
    qr_hex64(qr_schema_hash(), hx);
    n = put_lit(buf, cap, n, hx);
    n = put_lit(buf, cap, n, "\",\"scenario\":\"");
    n = qr__json_escape(buf, cap, n, scenario_name);
    n = put_lit(buf, cap, n, "\",\"scenario_hash\":\"");
    qr_hex64(scenario_hash, hx);
    n = put_lit(buf, cap, n, hx);
    n = put_lit(buf, cap, n, "\"}\n");
    if (cap)
        buf[n < cap ? n : cap - 1] = 0;
    return n;
}
