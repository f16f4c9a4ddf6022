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

/* Applies QK_OP_INV_MOVE/SPLIT/MERGE/SWAP/DROP for player p: either the
 * whole op with one QK_EV_INVENTORY per slot that changed, or a reject. */
qk_status qk__inv_op(qk__step *c, const qk_input *in, qk__player *p);

/* ---- craft.c ---- */

/* Applies QK_OP_CRAFT for player p: consumes the grid's inputs and gives
 * the output (QK_EV_INVENTORY per slot, then QK_EV_CRAFTED), or changes
 * nothing and emits QK_EV_CRAFT_REJECTED. */
qk_status qk__craft(qk__step *c, const qk_input *in, qk__player *p);

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
