/*
 * step.c - one tick of the simulation.
 *
 * qk_step(T) runs, in this fixed order:
 *   1. validate: every input carries tick T and a known op (else the call
 *      fails and the world is untouched); the day clock moves to tick T
 *      (sky.c);
 *   2. sort the inputs into canonical order - (clock, player, seq), stable,
 *      so equal keys keep the caller's order - then apply each one; an
 *      input with the same key as the one before it is a duplicate and is
 *      rejected; so is anything illegal (reach, occupied, ...), with a
 *      reject event naming the reason, leaving the world unchanged by it;
 *      The rules of the ops live here (blocks, join, undo) and in
 *      inventory.c, craft.c and sky.c (admin ops), sharing step.h;
 *   3. physics for every player in id order, then one `player` event for
 *      each player whose physical state differs from what was last shown;
 *   4. the sky: a scheduled weather change whose tick has come, then a
 *      `time` event if the day entered a new phase (sky.c);
 *   5. the light phase: every edit of the tick was an edit transaction
 *      (txn.h); they are executed (on the caller's workers, if any),
 *      validated and committed in id order, one `light_commit` each;
 *   6. digests (digest.c) and the closing `digest` event.
 * Events of one tick therefore come in a fixed order that depends only on
 * the state and the inputs, never on memory addresses or timing.
 *
 * A step allocates when a palette section grows, when the pending
 * transaction list grows and when light needs a nibble array or more queue;
 * if the caller's allocator refuses, the step fails
 * with QK_ERR_NOMEM and the world refuses further steps (QK_ERR_STATE),
 * because half a tick has been applied.
 */
#include <string.h>

#include "step.h"

void qk__emit(qk__step *c)
{
    c->ev.tick = c->w->tick;
    if (c->sink && c->sink->fn)
        c->sink->fn(c->sink->ud, &c->ev);
    memset(&c->ev, 0, sizeof c->ev);
}

void qk__reject(qk__step *c, const qk_input *in, qk_reason why)
{
    c->ev.type = QK_EV_REJECT;
    c->ev.u.reject.player = in->player;
    c->ev.u.reject.seq = in->seq;
    c->ev.u.reject.op = in->op;
    c->ev.u.reject.reason = why;
    qk__emit(c);
}

static void emit_block(qk__step *c, int32_t x, int32_t y, int32_t z, qk_block_id block,
                       qk_block_id prev, qk_cause cause, uint32_t player)
{
    c->ev.type = QK_EV_BLOCK;
    c->ev.u.block.x = x;
    c->ev.u.block.y = y;
    c->ev.u.block.z = z;
    c->ev.u.block.block = block;
    c->ev.u.block.prev = prev;
    c->ev.u.block.cause = cause;
    c->ev.u.block.player = player;
    qk__emit(c);
}

/* Canonical order: clock, then player, then seq. */
static int input_cmp(const qk_input *a, const qk_input *b)
{
    if (a->clock != b->clock)
        return a->clock < b->clock ? -1 : 1;
    if (a->player != b->player)
        return a->player < b->player ? -1 : 1;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return 0;
}

/* Stable insertion sort: O(n) for the already-ordered logs replay feeds,
 * O(n^2) worst case; a tick's batch is small (net/ bounds it per peer). */
static void sort_inputs(qk_input *in, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (input_cmp(&in[i - 1], &in[i]) <= 0)
            continue;
        qk_input key = in[i];
        size_t j = i;
        while (j > 0 && input_cmp(&in[j - 1], &key) > 0) {
            in[j] = in[j - 1];
            j--;
        }
        in[j] = key;
    }
}

static const int8_t face_dir[QK_FACE__COUNT][3] = {
    [QK_FACE_DOWN] = {0, -1, 0}, [QK_FACE_UP] = {0, 1, 0},
    [QK_FACE_NORTH] = {0, 0, -1}, [QK_FACE_SOUTH] = {0, 0, 1},
    [QK_FACE_WEST] = {-1, 0, 0}, [QK_FACE_EAST] = {1, 0, 0},
};

static bool loaded(const qk_world *w, int64_t x, int64_t y, int64_t z, qk_block_id *id)
{
    return qk__world_get(w, x, y, z, id);
}

bool qk__in_reach(const qk__player *p, int32_t x, int32_t y, int32_t z)
{
    return qk__player_reach2(p, x, y, z) <= QK_REACH_FX * QK_REACH_FX;
}

/* Would block `id` at (x, y, z) be solid inside some player's box? */
static bool blocks_a_player(const qk_world *w, qk_block_id id, int32_t x, int32_t y, int32_t z)
{
    if (!w->blocks[id].solid)
        return false;
    for (uint32_t i = 0; i < w->n_players; i++)
        if (qk__player_overlaps(&w->players[i], x, y, z))
            return true;
    return false;
}

static qk_status do_join(qk__step *c, const qk_input *in)
{
    qk_world *w = c->w;
    if (qk__player_find(w, in->player) >= 0) {
        qk__reject(c, in, QK_REASON_ALREADY_JOINED);
        return QK_OK;
    }
    if (w->n_players >= QK_MAX_PLAYERS) {
        qk__reject(c, in, QK_REASON_FULL);
        return QK_OK;
    }
    const qk_fx lim = (qk_fx)QK_COORD_LIMIT * QK_FX_ONE;
    bool bad = in->player == 0 || in->u.join.x < -lim || in->u.join.x > lim ||
               in->u.join.z < -lim || in->u.join.z > lim || in->u.join.y < 0 ||
               in->u.join.y > (qk_fx)QK_CHUNK_H * QK_FX_ONE ||
               (unsigned)in->u.join.mode > QK_MODE_CREATIVE || !qk__inv_valid(w, in->u.join.inv);
    if (bad) {
        qk__reject(c, in, QK_REASON_BAD_ARGUMENT);
        return QK_OK;
    }
    uint32_t at = 0;
    while (at < w->n_players && w->players[at].s.id < in->player)
        at++;
    memmove(&w->players[at + 1], &w->players[at], (w->n_players - at) * sizeof w->players[0]);
    w->n_players++;
    qk__player *p = &w->players[at];
    memset(p, 0, sizeof *p);
    p->s.id = in->player;
    p->s.x = in->u.join.x;
    p->s.y = in->u.join.y;
    p->s.z = in->u.join.z;
    p->s.yaw = in->u.join.yaw;
    p->s.pitch = in->u.join.pitch;
    p->s.mode = in->u.join.mode;
    p->s.on_ground = qk__player_grounded(w, p); /* spawned standing on a block */
    p->shown = p->s;
    c->ev.type = QK_EV_SPAWN;
    c->ev.u.spawn.player = p->s.id;
    c->ev.u.spawn.x = p->s.x;
    c->ev.u.spawn.y = p->s.y;
    c->ev.u.spawn.z = p->s.z;
    qk__emit(c);
    qk__inv_join(c, p, in->u.join.inv);
    return QK_OK;
}

static qk_status do_place(qk__step *c, const qk_input *in, qk__player *p)
{
    qk_world *w = c->w;
    int32_t x = in->u.place.x, y = in->u.place.y, z = in->u.place.z;
    if ((unsigned)in->u.place.face >= QK_FACE__COUNT) {
        qk__reject(c, in, QK_REASON_BAD_ARGUMENT);
        return QK_OK;
    }
    const int8_t *d = face_dir[in->u.place.face];
    int64_t tx = (int64_t)x + d[0], ty = (int64_t)y + d[1], tz = (int64_t)z + d[2];
    qk_block_id clicked, target;
    if (!loaded(w, x, y, z, &clicked) || !loaded(w, tx, ty, tz, &target)) {
        qk__reject(c, in, QK_REASON_OUT_OF_WORLD);
        return QK_OK;
    }
    if (!qk__in_reach(p, x, y, z)) {
        qk__reject(c, in, QK_REASON_REACH);
        return QK_OK;
    }
    if (clicked == QK_BLOCK_AIR) {
        qk__reject(c, in, QK_REASON_NO_SUPPORT);
        return QK_OK;
    }
    if (target != QK_BLOCK_AIR) {
        qk__reject(c, in, QK_REASON_OCCUPIED);
        return QK_OK;
    }
    qk_block_id held = p->s.inv[p->s.slot].item;
    if (p->s.inv[p->s.slot].count == 0) {
        qk__reject(c, in, QK_REASON_EMPTY_HAND);
        return QK_OK;
    }
    if (w->blocks[held].item_only) {
        qk__reject(c, in, QK_REASON_NOT_PLACEABLE);
        return QK_OK;
    }
    if (blocks_a_player(w, held, (int32_t)tx, (int32_t)ty, (int32_t)tz)) {
        qk__reject(c, in, QK_REASON_INTERSECTS);
        return QK_OK;
    }
    qk_status st = qk__world_edit(w, (int32_t)tx, (int32_t)ty, (int32_t)tz, held, NULL, p->s.id,
                                  QK_CAUSE_PLACE);
    if (st != QK_OK)
        return st;
    emit_block(c, (int32_t)tx, (int32_t)ty, (int32_t)tz, held, QK_BLOCK_AIR, QK_CAUSE_PLACE, p->s.id);
    if (p->s.mode == QK_MODE_SURVIVAL) {
        qk_slot now = p->s.inv[p->s.slot];
        now.count--;
        if (now.count == 0)
            now.item = QK_BLOCK_AIR;
        qk__inv_set(c, p, p->s.slot, now, QK_CAUSE_PLACE);
        qk__txn_last_edit(w)->spent = (qk_slot){held, 1};
    }
    return QK_OK;
}

static qk_status do_break(qk__step *c, const qk_input *in, qk__player *p)
{
    qk_world *w = c->w;
    int32_t x = in->u.brk.x, y = in->u.brk.y, z = in->u.brk.z;
    qk_block_id old;
    if (!loaded(w, x, y, z, &old)) {
        qk__reject(c, in, QK_REASON_OUT_OF_WORLD);
        return QK_OK;
    }
    if (!qk__in_reach(p, x, y, z)) {
        qk__reject(c, in, QK_REASON_REACH);
        return QK_OK;
    }
    if (old == QK_BLOCK_AIR) {
        qk__reject(c, in, QK_REASON_NOTHING);
        return QK_OK;
    }
    if (!w->blocks[old].breakable) {
        qk__reject(c, in, QK_REASON_UNBREAKABLE);
        return QK_OK;
    }
    qk_status st = qk__world_edit(w, x, y, z, QK_BLOCK_AIR, NULL, p->s.id, QK_CAUSE_BREAK);
    if (st != QK_OK)
        return st;
    emit_block(c, x, y, z, QK_BLOCK_AIR, old, QK_CAUSE_BREAK, p->s.id);
    qk_block_id drop = w->blocks[old].drops;
    if (p->s.mode != QK_MODE_SURVIVAL || drop == QK_BLOCK_NONE)
        return QK_OK;
    c->ev.type = QK_EV_DROP;
    c->ev.u.drop.player = p->s.id;
    c->ev.u.drop.item = drop;
    c->ev.u.drop.x = x;
    c->ev.u.drop.y = y;
    c->ev.u.drop.z = z;
    qk__emit(c);
    /* There are no item entities: a drop with no room is gone for good,
     * and the undo log remembers only what really came in. */
    uint32_t left = qk__inv_give(c, p, drop, 1, QK_CAUSE_PICKUP);
    if (left) {
        c->ev.type = QK_EV_ITEM_LOST;
        c->ev.u.lost.player = p->s.id;
        c->ev.u.lost.item = drop;
        c->ev.u.lost.count = left;
        c->ev.u.lost.cause = QK_CAUSE_PICKUP;
        qk__emit(c);
    } else {
        qk__txn_last_edit(w)->gained = (qk_slot){drop, 1};
    }
    return QK_OK;
}

/* Undo: a compensating transaction that puts back the block the player's
 * own logged edit replaced, if the voxel still holds what that edit left.
 * It compensates the inventory too (survival): what the edit spent is
 * refunded by the pickup rule and must fit whole, what it gained is taken
 * back (from the highest slot holding it, sparing the hotbar) and must be
 * there; otherwise the undo is refused before anything changes.  The undo
 * is itself a logged edit, and its entry records the mirror image - it
 * gained what it refunded and spent what it took back - so undoing the
 * undo replays the original effect and items stay conserved through any
 * chain of undos. */
static qk_status do_undo(qk__step *c, const qk_input *in, qk__player *p)
{
    qk_world *w = c->w;
    const qk__undo_entry *found = qk__txn_find_edit(w, in->u.undo.txn);
    if (!found) {
        qk__reject(c, in, QK_REASON_UNKNOWN_TXN);
        return QK_OK;
    }
    qk__undo_entry e = *found; /* the edit below logs into the same ring */
    if (e.player != p->s.id) {
        qk__reject(c, in, QK_REASON_NOT_YOURS);
        return QK_OK;
    }
    qk_block_id cur;
    if (!loaded(w, e.x, e.y, e.z, &cur) || cur != e.now) {
        qk__reject(c, in, QK_REASON_CONFLICT);
        return QK_OK;
    }
    if (blocks_a_player(w, e.old, e.x, e.y, e.z)) {
        qk__reject(c, in, QK_REASON_INTERSECTS);
        return QK_OK;
    }
    bool survival = p->s.mode == QK_MODE_SURVIVAL;
    qk_slot after[QK_INV_SLOTS];
    memcpy(after, p->s.inv, sizeof after);
    for (uint32_t k = 0; survival && k < e.gained.count; k++) {
        if (!qk__inv_take_last(after, e.gained.item)) {
            qk__reject(c, in, QK_REASON_NOT_ENOUGH);
            return QK_OK;
        }
    }
    if (survival && e.spent.count &&
        qk__inv_fit(w, after, e.spent.item, e.spent.count) != 0) {
        qk__reject(c, in, QK_REASON_INVENTORY_FULL);
        return QK_OK;
    }
    qk_status st = qk__world_edit(w, e.x, e.y, e.z, e.old, NULL, p->s.id, QK_CAUSE_UNDO);
    if (st != QK_OK)
        return st;
    emit_block(c, e.x, e.y, e.z, e.old, e.now, QK_CAUSE_UNDO, p->s.id);
    if (survival) {
        qk__inv_commit(c, p, after, QK_CAUSE_UNDO);
        qk__undo_entry *u = qk__txn_last_edit(w);
        u->spent = e.gained;
        u->gained = e.spent;
    }
    return QK_OK;
}

static bool admin_op(qk_op op)
{
    return op == QK_OP_SET_TIME || op == QK_OP_WEATHER;
}

static qk_status apply(qk__step *c, const qk_input *in)
{
    if (in->op == QK_OP_JOIN)
        return do_join(c, in);
    if (admin_op(in->op) && in->player == 0)
        return qk__sky_command(c, in);
    int idx = qk__player_find(c->w, in->player);
    if (idx < 0) {
        qk__reject(c, in, QK_REASON_UNKNOWN_PLAYER);
        return QK_OK;
    }
    qk__player *p = &c->w->players[idx];
    switch (in->op) {
    case QK_OP_MOVE:
        if (in->u.move.dirs & ~QK_DIR_MASK || in->u.move.pitch < -16384 || in->u.move.pitch > 16384) {
            qk__reject(c, in, QK_REASON_BAD_ARGUMENT);
            return QK_OK;
        }
        p->s.dirs = in->u.move.dirs;
        p->s.yaw = in->u.move.yaw;
        p->s.pitch = in->u.move.pitch;
        return QK_OK;
    case QK_OP_JUMP:
        p->jump = true;
        return QK_OK;
    case QK_OP_SELECT:
        if (in->u.select.slot >= QK_HOTBAR) {
            qk__reject(c, in, QK_REASON_BAD_ARGUMENT);
            return QK_OK;
        }
        p->s.slot = in->u.select.slot;
        c->ev.type = QK_EV_SELECT;
        c->ev.u.select.player = p->s.id;
        c->ev.u.select.slot = p->s.slot;
        c->ev.u.select.block = p->s.inv[p->s.slot].count ? p->s.inv[p->s.slot].item : QK_BLOCK_NONE;
        qk__emit(c);
        return QK_OK;
    case QK_OP_PLACE:
        return do_place(c, in, p);
    case QK_OP_BREAK:
        return do_break(c, in, p);
    case QK_OP_UNDO:
        return do_undo(c, in, p);
    case QK_OP_INV_MOVE:
    case QK_OP_INV_SPLIT:
    case QK_OP_INV_MERGE:
    case QK_OP_INV_SWAP:
    case QK_OP_INV_DROP:
        return qk__inv_op(c, in, p);
    case QK_OP_CRAFT:
        return qk__craft(c, in, p);
    case QK_OP_SET_TIME:
    case QK_OP_WEATHER:
        return qk__sky_command(c, in);
    default:
        return QK_ERR_INVALID; /* unreachable: validated before */
    }
}

static bool physical_change(const qk_player_state *a, const qk_player_state *b)
{
    return a->x != b->x || a->y != b->y || a->z != b->z || a->vx != b->vx || a->vy != b->vy ||
           a->vz != b->vz || a->yaw != b->yaw || a->pitch != b->pitch || a->on_ground != b->on_ground;
}

qk_status qk_step(qk_world *w, qk_input *inputs, size_t n, const qk_sink *sink, qk_diag *diag)
{
    if (w->failed)
        return qk__fail(diag, QK_ERR_STATE, "an earlier step failed", 0);
    if (w->loading)
        return qk__fail(diag, QK_ERR_STATE, "the world is loading (qk_load_finish first)", 0);
    if (n && !inputs)
        return qk__fail(diag, QK_ERR_INVALID, "inputs is NULL", 0);
    for (size_t i = 0; i < n; i++) {
        if (inputs[i].tick != w->tick)
            return qk__fail(diag, QK_ERR_INVALID, "input for another tick", i);
        if (inputs[i].op < QK_OP_JOIN || inputs[i].op >= QK_OP__COUNT)
            return qk__fail(diag, QK_ERR_INVALID, "unknown op", i);
    }
    sort_inputs(inputs, n);

    qk__step c = {.w = w, .sink = sink};
    memset(&c.ev, 0, sizeof c.ev);
    qk__sky_advance(&c);
    for (size_t i = 0; i < n; i++) {
        qk_status st;
        if (i > 0 && input_cmp(&inputs[i - 1], &inputs[i]) == 0) {
            qk__reject(&c, &inputs[i], QK_REASON_DUPLICATE);
            continue;
        }
        st = apply(&c, &inputs[i]);
        if (st != QK_OK) {
            w->failed = true;
            return qk__fail(diag, st, "applying an input", i);
        }
    }

    for (uint32_t i = 0; i < w->n_players; i++) {
        qk__player *p = &w->players[i];
        qk__player_physics(w, p);
        if (!physical_change(&p->s, &p->shown))
            continue;
        p->shown = p->s;
        c.ev.type = QK_EV_PLAYER;
        c.ev.u.player.player = p->s.id;
        c.ev.u.player.x = p->s.x;
        c.ev.u.player.y = p->s.y;
        c.ev.u.player.z = p->s.z;
        c.ev.u.player.vx = p->s.vx;
        c.ev.u.player.vy = p->s.vy;
        c.ev.u.player.vz = p->s.vz;
        c.ev.u.player.yaw = p->s.yaw;
        c.ev.u.player.pitch = p->s.pitch;
        c.ev.u.player.on_ground = p->s.on_ground;
        qk__emit(&c);
    }

    qk__sky_tick(&c);

    qk_status st = qk__txn_commit_all(w, sink, w->tick);
    if (st != QK_OK) {
        w->failed = true;
        return qk__fail(diag, st, "committing light", 0);
    }

    qk__digest_tick(w);
    c.ev.type = QK_EV_DIGEST;
    memcpy(c.ev.u.digest.sub, w->last.sub, sizeof c.ev.u.digest.sub);
    c.ev.u.digest.chain = w->last.chain;
    qk__emit(&c);
    w->tick++;
    return QK_OK;
}
