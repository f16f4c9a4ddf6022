/*
 * inventory.c - a player's 36 slots: what a valid slot is, the pickup rule
 * every "items come in" path shares, and the five inventory ops.
 *
 * Slots.  A slot is empty, {QK_BLOCK_AIR, 0}, or holds 1..max_stack of a
 * registered non-air item; nothing else is ever stored, so every reader
 * (digests, snapshots, craft matching) can trust a slot without checking.
 * The join rule checks a starting inventory against the same definition.
 *
 * Accounting.  Items appear or vanish only through a rule that says so: an
 * `inventory` event per slot that changed (with the slot before and after,
 * and the cause), or `item_lost` for items a rule gave that found no room.
 * Replaying those events from an empty inventory therefore rebuilds every
 * slot, and summing them by cause accounts for every item ever held.
 *
 * The pickup rule (break drops, craft output, undo refunds) fills the
 * matching stacks that have room first, in slot order, and only then the
 * first empty slots, so a stack the player is building grows before a new
 * one starts.  It is computed on a copy (qk__inv_fit) and then committed
 * (qk__inv_commit), which emits one event per changed slot in slot order:
 * the stream's order depends on the slots, not on which pass touched them.
 * Callers that must refuse when things do not fit (craft, undo) run the
 * same simulation first and commit only if nothing is left over.
 *
 * The ops are all-or-nothing: every check runs before the first write, and
 * a refused op emits one reject and leaves the slots as they were.  An op
 * whose result equals what was there (swapping two equal stacks) succeeds
 * without events, since no slot changed.
 */
#include <assert.h>
#include <string.h>

#include "step.h"

static qk_slot slot_empty(void)
{
    return (qk_slot){QK_BLOCK_AIR, 0};
}

static bool slot_eq(qk_slot a, qk_slot b)
{
    return a.item == b.item && a.count == b.count;
}

static uint32_t max_of(const qk_world *w, qk_item_id item)
{
    return w->blocks[item].max_stack;
}

bool qk__slot_ok(const qk_world *w, qk_slot s)
{
    if (s.count == 0)
        return s.item == QK_BLOCK_AIR;
    return s.item != QK_BLOCK_AIR && s.item < w->block_count && s.count <= max_of(w, s.item);
}

uint32_t qk__inv_fit(const qk_world *w, qk_slot inv[QK_INV_SLOTS], qk_item_id item,
                     uint32_t count)
{
    uint32_t max = max_of(w, item);
    for (uint32_t i = 0; i < QK_INV_SLOTS && count; i++) {
        if (inv[i].count == 0 || inv[i].item != item || inv[i].count >= max)
            continue;
        uint32_t n = max - inv[i].count < count ? max - inv[i].count : count;
        inv[i].count = (uint8_t)(inv[i].count + n);
        count -= n;
    }
    for (uint32_t i = 0; i < QK_INV_SLOTS && count; i++) {
        if (inv[i].count != 0)
            continue;
        uint32_t n = max < count ? max : count;
        inv[i] = (qk_slot){item, (uint8_t)n};
        count -= n;
    }
    return count;
}

void qk__inv_set(qk__step *c, qk__player *p, uint32_t slot, qk_slot now, qk_cause cause)
{
    assert(slot < QK_INV_SLOTS && qk__slot_ok(c->w, now));
    c->ev.type = QK_EV_INVENTORY;
    c->ev.u.inv.player = p->s.id;
    c->ev.u.inv.slot = (uint8_t)slot;
    c->ev.u.inv.before = p->s.inv[slot];
    c->ev.u.inv.after = now;
    c->ev.u.inv.cause = cause;
    p->s.inv[slot] = now;
    qk__emit(c);
}

void qk__inv_commit(qk__step *c, qk__player *p, const qk_slot after[QK_INV_SLOTS], qk_cause cause)
{
    for (uint32_t i = 0; i < QK_INV_SLOTS; i++)
        if (!slot_eq(p->s.inv[i], after[i]))
            qk__inv_set(c, p, i, after[i], cause);
}

uint32_t qk__inv_give(qk__step *c, qk__player *p, qk_item_id item, uint32_t count, qk_cause cause)
{
    qk_slot after[QK_INV_SLOTS];
    memcpy(after, p->s.inv, sizeof after);
    uint32_t left = qk__inv_fit(c->w, after, item, count);
    qk__inv_commit(c, p, after, cause);
    return left;
}

bool qk__inv_take_last(qk_slot inv[QK_INV_SLOTS], qk_item_id item)
{
    for (uint32_t i = QK_INV_SLOTS; i-- > 0;) {
        if (inv[i].count == 0 || inv[i].item != item)
            continue;
        inv[i].count--;
        if (inv[i].count == 0)
            inv[i] = slot_empty();
        return true;
    }
    return false;
}

bool qk__inv_valid(const qk_world *w, const qk_slot inv[QK_INV_SLOTS])
{
    for (uint32_t i = 0; i < QK_INV_SLOTS; i++)
        if (!qk__slot_ok(w, inv[i]))
            return false;
    return true;
}

void qk__inv_join(qk__step *c, qk__player *p, const qk_slot inv[QK_INV_SLOTS])
{
    memset(p->s.inv, 0, sizeof p->s.inv);
    for (uint32_t i = 0; i < QK_INV_SLOTS; i++)
        if (inv[i].count)
            qk__inv_set(c, p, i, inv[i], QK_CAUSE_JOIN);
}

/* ---- the ops ----------------------------------------------------------- */

/* Checks an op's slots; returns 0 or the reason to refuse. */
static qk_reason check_slots(const qk_input *in)
{
    uint8_t from = in->u.inv.from, to = in->u.inv.to;
    if (from >= QK_INV_SLOTS)
        return QK_REASON_BAD_ARGUMENT;
    if (in->op == QK_OP_INV_DROP)
        return 0; /* no target */
    if (in->op == QK_OP_INV_SPLIT && to == QK_SLOT_NONE)
        return 0;
    if (to >= QK_INV_SLOTS || to == from)
        return QK_REASON_BAD_ARGUMENT;
    return 0;
}

/* Works out the op's result into *nf (from) and *nt (to, at *to); returns
 * 0 or the reason to refuse. */
static qk_reason plan(const qk_world *w, const qk_input *in, const qk_slot inv[QK_INV_SLOTS],
                      qk_slot *nf, qk_slot *nt, uint32_t *to)
{
    uint32_t from = in->u.inv.from;
    qk_slot f = inv[from];
    *to = in->u.inv.to;
    if (in->op == QK_OP_INV_SWAP) {
        if (f.count == 0 && inv[*to].count == 0)
            return QK_REASON_EMPTY_SLOT;
        *nf = inv[*to];
        *nt = f;
        return 0;
    }
    if (f.count == 0)
        return QK_REASON_EMPTY_SLOT;
    uint32_t max = max_of(w, f.item), n;
    switch (in->op) {
    case QK_OP_INV_DROP:
        n = in->u.inv.count ? in->u.inv.count : f.count;
        if (n > f.count)
            return QK_REASON_NOT_ENOUGH;
        *nf = n == f.count ? slot_empty() : (qk_slot){f.item, (uint8_t)(f.count - n)};
        return 0;
    case QK_OP_INV_SPLIT:
        if (f.count < 2)
            return QK_REASON_NOT_ENOUGH;
        if (*to == QK_SLOT_NONE) {
            for (*to = 0; *to < QK_INV_SLOTS && inv[*to].count; (*to)++) {
            }
            if (*to == QK_INV_SLOTS)
                return QK_REASON_INVENTORY_FULL;
        } else if (inv[*to].count) {
            return QK_REASON_SLOT_OCCUPIED;
        }
        n = f.count / 2u;
        *nf = (qk_slot){f.item, (uint8_t)(f.count - n)};
        *nt = (qk_slot){f.item, (uint8_t)n};
        return 0;
    case QK_OP_INV_MOVE: {
        qk_slot t = inv[*to];
        n = in->u.inv.count ? in->u.inv.count : f.count;
        if (n > f.count)
            return QK_REASON_NOT_ENOUGH;
        if (t.count && t.item != f.item)
            return QK_REASON_SLOT_OCCUPIED;
        if (t.count + n > max)
            return QK_REASON_STACK_FULL;
        *nf = n == f.count ? slot_empty() : (qk_slot){f.item, (uint8_t)(f.count - n)};
        *nt = (qk_slot){f.item, (uint8_t)(t.count + n)};
        return 0;
    }
    case QK_OP_INV_MERGE: {
        qk_slot t = inv[*to];
        /* Merge tops up a stack; onto nothing there is nothing to top up
         * (a move does that), so an empty target is refused like an empty
         * source. */
        if (t.count == 0)
            return QK_REASON_EMPTY_SLOT;
        if (t.item != f.item)
            return QK_REASON_SLOT_OCCUPIED;
        if (t.count >= max)
            return QK_REASON_STACK_FULL;
        n = max - t.count < f.count ? max - t.count : f.count;
        *nf = n == f.count ? slot_empty() : (qk_slot){f.item, (uint8_t)(f.count - n)};
        *nt = (qk_slot){f.item, (uint8_t)(t.count + n)};
        return 0;
    }
    default:
        return QK_REASON_BAD_ARGUMENT; /* unreachable: step.c routes only the inv ops */
    }
}

static qk_cause cause_of(qk_op op)
{
    switch (op) {
    case QK_OP_INV_MOVE: return QK_CAUSE_MOVE;
    case QK_OP_INV_SPLIT: return QK_CAUSE_SPLIT;
    case QK_OP_INV_MERGE: return QK_CAUSE_MERGE;
    case QK_OP_INV_SWAP: return QK_CAUSE_SWAP;
    default: return QK_CAUSE_DROP;
    }
}

qk_status qk__inv_op(qk__step *c, const qk_input *in, qk__player *p)
{
    qk_slot nf = slot_empty(), nt = slot_empty();
    uint32_t to = 0;
    qk_reason why = check_slots(in);
    if (!why)
        why = plan(c->w, in, p->s.inv, &nf, &nt, &to);
    if (why) {
        qk__reject(c, in, why);
        return QK_OK;
    }
    qk_cause cause = cause_of(in->op);
    uint32_t from = in->u.inv.from;
    if (!slot_eq(p->s.inv[from], nf))
        qk__inv_set(c, p, from, nf, cause);
    if (in->op != QK_OP_INV_DROP && !slot_eq(p->s.inv[to], nt))
        qk__inv_set(c, p, to, nt, cause);
    return QK_OK;
}
