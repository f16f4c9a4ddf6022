/*
 * step.h - what the rule modules of a step share (never installed).
 *
 * qk_step (step.c) owns the order of a tick; the rules it applies live in
 * modules of their own: inventory.c (slots, pickup, the inventory ops),
 * craft.c (recipe matching and the craft op) and sky.c (time of day and
 * weather).  They all speak through one qk__step: the world being stepped
 * and the caller's sink, and one event under construction that qk__emit
 * stamps with the tick, sends and clears.  Every rule that changes state
 * says so with an event, so the stream alone accounts for every change.
 */
#ifndef QK_INTERNAL_STEP_H
#define QK_INTERNAL_STEP_H

#include "world.h"

typedef struct qk__step {
    qk_world *w;
    const qk_sink *sink;
    qk_event ev; /* fill, then qk__emit; zeroed after each emit */
} qk__step;

/* Sends c->ev (tick stamped) to the sink and clears it. */
void qk__emit(qk__step *c);
/* Emits a reject event for `in`. */
void qk__reject(qk__step *c, const qk_input *in, qk_reason why);

/* ---- inventory.c ---- */

/* Are all QK_INV_SLOTS slots canonical? (join) */
bool qk__inv_valid(const qk_world *w, const qk_slot inv[QK_INV_SLOTS]);
/* The pickup rule on a copy: puts `count` of item (a registered non-air
 * id) into inv, onto matching stacks with room in slot order, then into
 * the first empty slots; returns how many did not fit.  No events. */
uint32_t qk__inv_fit(const qk_world *w, qk_slot inv[QK_INV_SLOTS], qk_item_id item,
                     uint32_t count);
/* Takes one of item from the highest-numbered slot holding it (so the
 * hotbar is spared); false if inv holds none. */
bool qk__inv_take_last(qk_slot inv[QK_INV_SLOTS], qk_item_id item);
/* Sets one slot of p and emits its QK_EV_INVENTORY. */
void qk__inv_set(qk__step *c, qk__player *p, uint32_t slot, qk_slot now, qk_cause cause);
/* Makes p's slots equal `after`: one QK_EV_INVENTORY per slot that
 * differs, in slot order. */
void qk__inv_commit(qk__step *c, qk__player *p, const qk_slot after[QK_INV_SLOTS],
                    qk_cause cause);
/* The pickup rule on p, with events; returns how many did not fit (the
 * caller decides whether they are lost or the rule refused earlier). */
uint32_t qk__inv_give(qk__step *c, qk__player *p, qk_item_id item, uint32_t count,
                      qk_cause cause);
/* The join rule: p's slots (zeroed first) become inv, one event (cause
 * JOIN) per non-empty slot in slot order.  inv must be qk__inv_valid. */
void qk__inv_join(qk__step *c, qk__player *p, const qk_slot inv[QK_INV_SLOTS]);

/* Applies QK_OP_INV_MOVE/SPLIT/MERGE/SWAP/DROP for player p: either the
 * whole op with one QK_EV_INVENTORY per slot that changed, or a reject. */
qk_status qk__inv_op(qk__step *c, const qk_input *in, qk__player *p);

/* ---- craft.c ---- */

/* Applies QK_OP_CRAFT for player p: consumes the grid's inputs and gives
 * the output (QK_EV_INVENTORY per slot, then QK_EV_CRAFTED), or changes
 * nothing and emits QK_EV_CRAFT_REJECTED. */
qk_status qk__craft(qk__step *c, const qk_input *in, qk__player *p);

/* ---- step.c ---- */

/* Is the block at (x, y, z) within reach of p's eyes?  (Place, break and
 * the crafting table share one reach.) */
bool qk__in_reach(const qk__player *p, int32_t x, int32_t y, int32_t z);

/* ---- sky.c ---- */

/* Start of a step: the day clock moves to this tick (no event). */
void qk__sky_advance(qk__step *c);
/* QK_OP_SET_TIME and QK_OP_WEATHER (admin; the caller has checked the
 * player may issue them): applies and emits QK_EV_TIME / QK_EV_WEATHER, or
 * rejects with QK_REASON_BAD_ARGUMENT. */
qk_status qk__sky_command(qk__step *c, const qk_input *in);
/* After physics: a scheduled weather change when its tick has come, and a
 * QK_EV_TIME when the day entered a new phase. */
void qk__sky_tick(qk__step *c);

#endif /* QK_INTERNAL_STEP_H */
