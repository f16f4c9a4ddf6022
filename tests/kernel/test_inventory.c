/*
 * test_inventory.c - inventories (inventory.c and the item side of step.c):
 * the join rule and its validation, each inventory op with every refusal,
 * place spending, break pickup and lost drops, undo refunds and take-backs
 * with their refusals and undo of undo, and a seeded property test: long
 * random input sequences from several players whose event stream must
 * account for every slot change and conserve items by cause, and which
 * must give the same digests when snapshotted and restored half way.
 */
#include "item_fixture.h"
#include "txn.h"
#include "world.h"

static const qk_recipe recipes[] = {
    SHAPELESS(1, I_PLANKS, 4, I_LOG),
    SHAPED(1, 2, I_STICK, 4, I_PLANKS, I_PLANKS),
    SHAPED(2, 2, I_TABLE, 1, I_PLANKS, I_PLANKS, I_PLANKS, I_PLANKS),
    SHAPED(3, 3, I_PICK, 1, I_COBBLE, I_COBBLE, I_COBBLE, 0, I_STICK, 0, 0, I_STICK, 0),
    SHAPED(1, 2, I_TORCH, 4, I_COAL, I_STICK),
    SHAPELESS(5, I_STONE, 1, I_DIRT, I_COAL, I_DIRT, I_DIRT, I_DIRT),
    SHAPELESS(2, I_PEARL, 2, I_COAL, I_COBBLE),
    SHAPED(3, 1, I_GLASS, 2, I_COBBLE, I_COBBLE, I_COBBLE),
};
#define N_RECIPES (sizeof recipes / sizeof recipes[0])
static const qk_registry reg = {defs, I_COUNT, recipes, N_RECIPES};

#define GROUND 4

static uint32_t max_of(qk_item_id id)
{
    return defs[id].max_stack ? defs[id].max_stack : QK_MAX_STACK;
}

static qk_world *world_new(fx_alloc *a)
{
    qk_allocator al = fx_allocator(a);
    qk_world_config cfg = item_world_config(11);
    qk_world *w = NULL;
    CHECK_INT(qk_world_create(&w, &cfg, &reg, &al, NULL), QK_OK);
    return w;
}

/* Records the rules' events only: no digests, light, sky or physics. */
static void record_rules(void *ud, const qk_event *ev)
{
    if (ev->type != QK_EV_DIGEST && ev->type != QK_EV_LIGHT_COMMIT && ev->type != QK_EV_TIME &&
        ev->type != QK_EV_WEATHER && ev->type != QK_EV_PLAYER)
        fx_record(ud, ev);
}

static fx_events rec;

static void step_in(qk_world *w, qk_input *in)
{
    qk_sink s = {record_rules, &rec};
    rec.n = 0;
    memset(rec.ev, 0, 8 * sizeof rec.ev[0]); /* no stale event can pass a check */
    in->tick = qk_world_tick(w);
    CHECK_INT(qk_step(w, in, 1, &s, NULL), QK_OK);
}

/* The reason of the step's single reject, or 0 if it has none. */
static int rejected(void)
{
    for (size_t i = 0; i < rec.n; i++)
        if (rec.ev[i].type == QK_EV_REJECT)
            return (int)rec.ev[i].u.reject.reason;
    return 0;
}

/* Steps one input; returns its reject reason or 0. */
static int run(qk_world *w, qk_input in)
{
    step_in(w, &in);
    return rejected();
}

static qk_player_state pget(const qk_world *w, uint32_t id)
{
    qk_player_state p;
    memset(&p, 0, sizeof p);
    CHECK_INT(qk_player_get(w, id, &p), QK_OK);
    return p;
}

static qk_input joiner(uint32_t id, int32_t bx, int32_t bz, qk_gamemode mode)
{
    qk_input in = fx_op(0, id, 0, QK_OP_JOIN);
    in.u.join.x = (qk_fx)bx * QK_FX_ONE + QK_FX_ONE / 2;
    in.u.join.y = (qk_fx)GROUND * QK_FX_ONE;
    in.u.join.z = (qk_fx)bz * QK_FX_ONE + QK_FX_ONE / 2;
    in.u.join.mode = mode;
    return in;
}

/* Place (against the top face of) or break the block at (x, y, z). */
static qk_input target(qk_op op, uint32_t id, uint32_t seq, int32_t x, int32_t y, int32_t z)
{
    qk_input in = fx_op(0, id, seq, op);
    if (op == QK_OP_PLACE) {
        in.u.place.x = x, in.u.place.y = y, in.u.place.z = z;
        in.u.place.face = QK_FACE_UP;
    } else {
        in.u.brk.x = x, in.u.brk.y = y, in.u.brk.z = z;
    }
    return in;
}
#define place(id, seq, x, y, z) target(QK_OP_PLACE, id, seq, x, y, z)
#define brk(id, seq, x, y, z) target(QK_OP_BREAK, id, seq, x, y, z)

static qk_input select_in(uint32_t id, uint32_t seq, uint8_t slot)
{
    qk_input in = fx_op(0, id, seq, QK_OP_SELECT);
    in.u.select.slot = slot;
    return in;
}

static qk_input undo_of(uint32_t id, uint32_t seq, uint64_t txn)
{
    qk_input in = fx_op(0, id, seq, QK_OP_UNDO);
    in.u.undo.txn = txn;
    return in;
}

static qk_input inv_in(uint32_t id, uint32_t seq, qk_op op, uint8_t from, uint8_t to, uint8_t count)
{
    qk_input in = fx_op(0, id, seq, op);
    in.u.inv.from = from;
    in.u.inv.to = to;
    in.u.inv.count = count;
    return in;
}

static bool slot_is(qk_slot s, qk_item_id item, uint32_t count)
{
    return s.item == item && s.count == count;
}

static void inv_ev(const qk_event *e, uint32_t player, uint32_t slot, qk_slot before,
                   qk_slot after, qk_cause cause, int line)
{
    bool ok = e->type == QK_EV_INVENTORY && e->u.inv.player == player && e->u.inv.slot == slot &&
              slot_is(e->u.inv.before, before.item, before.count) &&
              slot_is(e->u.inv.after, after.item, after.count) && e->u.inv.cause == cause;
    if (!ok)
        fprintf(stderr,
                "line %d: want inventory p%u s%u {%u,%u}->{%u,%u} %s; got type %d p%u s%u "
                "{%u,%u}->{%u,%u} %s\n",
                line, player, slot, before.item, before.count, after.item, after.count,
                qk_cause_name(cause), (int)e->type, e->u.inv.player, e->u.inv.slot,
                e->u.inv.before.item, e->u.inv.before.count, e->u.inv.after.item,
                e->u.inv.after.count, qk_cause_name(e->u.inv.cause));
    CHECK(ok);
}
#define INV_EV(e, p, s, b, a, c) inv_ev(e, p, s, b, a, c, __LINE__)
#define S(item, count) ((qk_slot){item, count})
#define EMPTY S(I_AIR, 0)

/* ---- join -------------------------------------------------------------- */

static void join_rule(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world *w = world_new(&a);
    qk_input j = joiner(1, 0, 0, QK_MODE_SURVIVAL);
    j.u.join.inv[0] = S(I_STONE, 64);
    j.u.join.inv[5] = S(I_STICK, 3); /* item-only entries may be held */
    j.u.join.inv[35] = S(I_PICK, 1);
    step_in(w, &j);
    CHECK_INT(rec.n, 4);
    CHECK_INT(rec.ev[0].type, QK_EV_SPAWN);
    INV_EV(&rec.ev[1], 1, 0, EMPTY, S(I_STONE, 64), QK_CAUSE_JOIN);
    INV_EV(&rec.ev[2], 1, 5, EMPTY, S(I_STICK, 3), QK_CAUSE_JOIN);
    INV_EV(&rec.ev[3], 1, 35, EMPTY, S(I_PICK, 1), QK_CAUSE_JOIN);
    qk_player_state p = pget(w, 1);
    CHECK(same_inv(p.inv, j.u.join.inv));
    CHECK_INT(p.mode, QK_MODE_SURVIVAL);
    CHECK_INT(p.slot, 0);

    /* Creative players get their starting inventory by the same rule. */
    j = joiner(2, 1, 1, QK_MODE_CREATIVE);
    j.u.join.inv[8] = S(I_TABLE, 2);
    step_in(w, &j);
    CHECK_INT(rec.n, 2);
    INV_EV(&rec.ev[1], 2, 8, EMPTY, S(I_TABLE, 2), QK_CAUSE_JOIN);
    CHECK_INT(pget(w, 2).mode, QK_MODE_CREATIVE);

    /* Every malformed slot or mode refuses the whole join. */
    const qk_slot bad[] = {S(I_AIR, 3), S(I_STICK, 0), S(I_COUNT, 1), S(QK_BLOCK_NONE, 1),
                           S(I_PICK, 2), S(I_PEARL, 17), S(I_STONE, 65), S(I_STONE, 255)};
    for (uint32_t i = 0; i < sizeof bad / sizeof bad[0] + 1; i++) {
        j = joiner(10 + i, -1, -1, QK_MODE_SURVIVAL);
        j.u.join.inv[0] = S(I_STONE, 1);
        if (i < sizeof bad / sizeof bad[0])
            j.u.join.inv[7 + i] = bad[i];
        else
            j.u.join.mode = (qk_gamemode)2;
        step_in(w, &j);
        CHECK_INT(rec.n, 1);
        CHECK_INT(rejected(), QK_REASON_BAD_ARGUMENT);
        qk_player_state none;
        CHECK(qk_player_get(w, 10 + i, &none) != QK_OK);
    }
    CHECK_INT(qk_player_count(w), 2);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- the inventory ops ------------------------------------------------- */

typedef struct bench {
    qk_world *w;
    uint32_t id, seq;
    qk_slot m[QK_INV_SLOTS]; /* what the slots should hold */
} bench;

/* An op that must succeed, changing slot s1 to a1 and (if n == 2) s2 to
 * a2, with events in that order. */
static void op_ok(bench *b, qk_op op, uint8_t from, uint8_t to, uint8_t count, qk_cause cause,
                  int n, uint8_t s1, qk_slot a1, uint8_t s2, qk_slot a2, int line)
{
    qk_input in = inv_in(b->id, b->seq++, op, from, to, count);
    step_in(b->w, &in);
    if ((int)rec.n != n)
        fprintf(stderr, "line %d: %zu events, want %d (reject %d)\n", line, rec.n, n, rejected());
    CHECK_INT(rec.n, n);
    if (n >= 1 && rec.n >= 1) {
        inv_ev(&rec.ev[0], b->id, s1, b->m[s1], a1, cause, line);
        b->m[s1] = a1;
    }
    if (n >= 2 && rec.n >= 2) {
        inv_ev(&rec.ev[1], b->id, s2, b->m[s2], a2, cause, line);
        b->m[s2] = a2;
    }
    CHECK(same_inv(pget(b->w, b->id).inv, b->m));
}
#define OK1(op, f, t, c, cause, s1, a1) op_ok(&b, op, f, t, c, cause, 1, s1, a1, 0, EMPTY, __LINE__)
#define OK2(op, f, t, c, cause, s1, a1, s2, a2) \
    op_ok(&b, op, f, t, c, cause, 2, s1, a1, s2, a2, __LINE__)

static void op_no(bench *b, qk_op op, uint8_t from, uint8_t to, uint8_t count, qk_reason why,
                  int line)
{
    qk_input in = inv_in(b->id, b->seq++, op, from, to, count);
    step_in(b->w, &in);
    bool ok = rec.n == 1 && rec.ev[0].type == QK_EV_REJECT && rec.ev[0].u.reject.reason == why &&
              rec.ev[0].u.reject.op == op && rec.ev[0].u.reject.player == b->id &&
              rec.ev[0].u.reject.seq == in.seq;
    if (!ok)
        fprintf(stderr, "line %d: want reject %s, got %zu events, reject %d\n", line,
                qk_reason_name(why), rec.n, rejected());
    CHECK(ok);
    CHECK(same_inv(pget(b->w, b->id).inv, b->m));
}
#define NO(op, f, t, c, why) op_no(&b, op, f, t, c, why, __LINE__)

static void inventory_ops(void)
{
    fx_alloc a = {-1, 0, 0};
    bench b = {.w = world_new(&a), .id = 1, .seq = 1};
    qk_input j = joiner(1, 0, 0, QK_MODE_SURVIVAL);
    j.u.join.inv[0] = S(I_STONE, 10);
    j.u.join.inv[1] = S(I_STONE, 60);
    j.u.join.inv[2] = S(I_DIRT, 5);
    j.u.join.inv[3] = S(I_PEARL, 12);
    j.u.join.inv[4] = S(I_PEARL, 10);
    j.u.join.inv[5] = S(I_PICK, 1);
    j.u.join.inv[6] = S(I_STICK, 1);
    memcpy(b.m, j.u.join.inv, sizeof b.m);
    step_in(b.w, &j);
    const qk_op ops[] = {QK_OP_INV_MOVE, QK_OP_INV_SPLIT, QK_OP_INV_MERGE, QK_OP_INV_SWAP,
                         QK_OP_INV_DROP};

    /* Slot numbers out of range, or the same slot twice. */
    for (uint32_t i = 0; i < 5; i++) {
        NO(ops[i], 36, 9, 0, QK_REASON_BAD_ARGUMENT);
        NO(ops[i], 255, 9, 0, QK_REASON_BAD_ARGUMENT);
        if (ops[i] == QK_OP_INV_DROP)
            continue;
        NO(ops[i], 0, 0, 0, QK_REASON_BAD_ARGUMENT);
        NO(ops[i], 0, 36, 0, QK_REASON_BAD_ARGUMENT);
        NO(ops[i], 9, 40, 0, QK_REASON_BAD_ARGUMENT); /* checked before the empty source */
        if (ops[i] != QK_OP_INV_SPLIT)
            NO(ops[i], 0, QK_SLOT_NONE, 0, QK_REASON_BAD_ARGUMENT);
    }

    /* move */
    OK2(QK_OP_INV_MOVE, 0, 9, 4, QK_CAUSE_MOVE, 0, S(I_STONE, 6), 9, S(I_STONE, 4));
    OK2(QK_OP_INV_MOVE, 9, 0, 0, QK_CAUSE_MOVE, 9, EMPTY, 0, S(I_STONE, 10));
    NO(QK_OP_INV_MOVE, 0, 1, 0, QK_REASON_STACK_FULL); /* 10 + 60 > 64 */
    OK2(QK_OP_INV_MOVE, 0, 1, 4, QK_CAUSE_MOVE, 0, S(I_STONE, 6), 1, S(I_STONE, 64));
    NO(QK_OP_INV_MOVE, 0, 1, 1, QK_REASON_STACK_FULL);
    OK2(QK_OP_INV_MOVE, 1, 0, 4, QK_CAUSE_MOVE, 1, S(I_STONE, 60), 0, S(I_STONE, 10));
    NO(QK_OP_INV_MOVE, 0, 2, 0, QK_REASON_SLOT_OCCUPIED);
    NO(QK_OP_INV_MOVE, 0, 9, 11, QK_REASON_NOT_ENOUGH);
    NO(QK_OP_INV_MOVE, 9, 0, 0, QK_REASON_EMPTY_SLOT);

    /* split */
    OK2(QK_OP_INV_SPLIT, 2, QK_SLOT_NONE, 0, QK_CAUSE_SPLIT, 2, S(I_DIRT, 3), 7, S(I_DIRT, 2));
    OK2(QK_OP_INV_SPLIT, 2, 20, 0, QK_CAUSE_SPLIT, 2, S(I_DIRT, 2), 20, S(I_DIRT, 1));
    NO(QK_OP_INV_SPLIT, 6, QK_SLOT_NONE, 0, QK_REASON_NOT_ENOUGH); /* a stack of 1 */
    NO(QK_OP_INV_SPLIT, 8, QK_SLOT_NONE, 0, QK_REASON_EMPTY_SLOT);
    NO(QK_OP_INV_SPLIT, 2, 0, 0, QK_REASON_SLOT_OCCUPIED);
    NO(QK_OP_INV_SPLIT, 2, 7, 0, QK_REASON_SLOT_OCCUPIED); /* even the same item */

    /* merge */
    OK2(QK_OP_INV_MERGE, 4, 3, 0, QK_CAUSE_MERGE, 4, S(I_PEARL, 6), 3, S(I_PEARL, 16));
    NO(QK_OP_INV_MERGE, 4, 3, 0, QK_REASON_STACK_FULL);
    OK2(QK_OP_INV_MERGE, 7, 2, 9, QK_CAUSE_MERGE, 7, EMPTY, 2, S(I_DIRT, 4)); /* count ignored */
    NO(QK_OP_INV_MERGE, 0, 2, 0, QK_REASON_SLOT_OCCUPIED);
    NO(QK_OP_INV_MERGE, 8, 0, 0, QK_REASON_EMPTY_SLOT);
    NO(QK_OP_INV_MERGE, 0, 8, 0, QK_REASON_EMPTY_SLOT); /* nothing to merge onto */

    /* swap */
    OK2(QK_OP_INV_SWAP, 0, 5, 0, QK_CAUSE_SWAP, 0, S(I_PICK, 1), 5, S(I_STONE, 10));
    OK2(QK_OP_INV_SWAP, 5, 8, 0, QK_CAUSE_SWAP, 5, EMPTY, 8, S(I_STONE, 10));
    OK2(QK_OP_INV_SWAP, 30, 8, 0, QK_CAUSE_SWAP, 30, S(I_STONE, 10), 8, EMPTY);
    NO(QK_OP_INV_SWAP, 31, 32, 0, QK_REASON_EMPTY_SLOT);
    OK2(QK_OP_INV_SWAP, 3, 4, 0, QK_CAUSE_SWAP, 3, S(I_PEARL, 6), 4, S(I_PEARL, 16));
    OK2(QK_OP_INV_SPLIT, 3, 10, 0, QK_CAUSE_SPLIT, 3, S(I_PEARL, 3), 10, S(I_PEARL, 3));
    /* equal stacks: nothing changes, so no event */
    op_ok(&b, QK_OP_INV_SWAP, 3, 10, 0, QK_CAUSE_SWAP, 0, 0, EMPTY, 0, EMPTY, __LINE__);

    /* drop: `to` means nothing to it */
    OK1(QK_OP_INV_DROP, 2, 99, 1, QK_CAUSE_DROP, 2, S(I_DIRT, 3));
    OK1(QK_OP_INV_DROP, 2, 0, 0, QK_CAUSE_DROP, 2, EMPTY);
    NO(QK_OP_INV_DROP, 2, 0, 0, QK_REASON_EMPTY_SLOT);
    NO(QK_OP_INV_DROP, 30, 0, 11, QK_REASON_NOT_ENOUGH);
    OK1(QK_OP_INV_DROP, 30, 0, 10, QK_CAUSE_DROP, 30, EMPTY);

    /* split with no empty slot anywhere */
    b.id = 2;
    j = joiner(2, 2, 2, QK_MODE_CREATIVE);
    for (uint32_t s = 0; s < QK_INV_SLOTS; s++)
        j.u.join.inv[s] = S(I_DIRT, 64);
    memcpy(b.m, j.u.join.inv, sizeof b.m);
    step_in(b.w, &j);
    NO(QK_OP_INV_SPLIT, 0, QK_SLOT_NONE, 0, QK_REASON_INVENTORY_FULL);
    NO(QK_OP_INV_MERGE, 0, 1, 0, QK_REASON_STACK_FULL);
    OK1(QK_OP_INV_DROP, 35, 0, 63, QK_CAUSE_DROP, 35, S(I_DIRT, 1));
    NO(QK_OP_INV_MERGE, 35, 34, 0, QK_REASON_STACK_FULL);
    OK2(QK_OP_INV_MERGE, 34, 35, 0, QK_CAUSE_MERGE, 34, S(I_DIRT, 1), 35, S(I_DIRT, 64));
    qk_world_destroy(b.w);
    CHECK_INT(a.live, 0);
}

/* ---- place, break and undo --------------------------------------------- */

static const qk__undo_entry *entry(const qk_world *w, uint64_t txn)
{
    const qk__undo_entry *e = qk__txn_find_edit(w, txn);
    CHECK(e != NULL);
    static const qk__undo_entry none;
    return e ? e : &none;
}

static void place_spends(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world *w = world_new(&a);
    qk_input j = joiner(1, 0, 0, QK_MODE_SURVIVAL);
    j.u.join.inv[0] = S(I_STONE, 2);
    j.u.join.inv[1] = S(I_STICK, 5);
    j.u.join.inv[2] = S(I_DIRT, 1);
    step_in(w, &j);
    j = joiner(2, -3, -3, QK_MODE_CREATIVE);
    j.u.join.inv[0] = S(I_STONE, 5);
    step_in(w, &j);

    uint64_t t = qk_txn_next(w);
    run(w, place(1, 1, 2, GROUND - 1, 0));
    CHECK_INT(rec.n, 2);
    CHECK_INT(rec.ev[0].type, QK_EV_BLOCK);
    CHECK_INT(rec.ev[0].u.block.block, I_STONE);
    INV_EV(&rec.ev[1], 1, 0, S(I_STONE, 2), S(I_STONE, 1), QK_CAUSE_PLACE);
    CHECK(slot_is(entry(w, t)->spent, I_STONE, 1));
    CHECK(slot_is(entry(w, t)->gained, I_AIR, 0));
    run(w, place(1, 2, 3, GROUND - 1, 0));
    INV_EV(&rec.ev[1], 1, 0, S(I_STONE, 1), EMPTY, QK_CAUSE_PLACE);
    CHECK_INT(run(w, place(1, 3, 1, GROUND - 1, 2)), QK_REASON_EMPTY_HAND);

    /* Item-only: refused after the target checks, before the overlap one. */
    run(w, select_in(1, 4, 1));
    CHECK_INT(run(w, place(1, 5, 1, GROUND - 1, 2)), QK_REASON_NOT_PLACEABLE);
    CHECK_INT(run(w, place(1, 6, 2, GROUND - 1, 0)), QK_REASON_OCCUPIED); /* stone there */
    CHECK_INT(run(w, place(1, 7, 0, GROUND - 1, 0)), QK_REASON_NOT_PLACEABLE); /* on the player */
    run(w, select_in(1, 8, 2));
    CHECK_INT(run(w, place(1, 9, 0, GROUND - 1, 0)), QK_REASON_INTERSECTS);
    CHECK(slot_is(pget(w, 1).inv[2], I_DIRT, 1));

    /* Creative: places, spends nothing, logs nothing to give back. */
    t = qk_txn_next(w);
    run(w, place(2, 1, -2, GROUND - 1, -3));
    CHECK_INT(rec.n, 1);
    CHECK_INT(rec.ev[0].type, QK_EV_BLOCK);
    CHECK(slot_is(pget(w, 2).inv[0], I_STONE, 5));
    CHECK(slot_is(entry(w, t)->spent, I_AIR, 0));
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static void break_collects(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world *w = world_new(&a);
    qk_input j = joiner(1, 0, 0, QK_MODE_SURVIVAL);
    j.u.join.inv[0] = S(I_DIRT, 64);
    j.u.join.inv[2] = S(I_COBBLE, 63);
    j.u.join.inv[20] = S(I_COBBLE, 10);
    step_in(w, &j);

    /* The dirt stack is full: the first empty slot takes the drop. */
    uint64_t t = qk_txn_next(w);
    run(w, brk(1, 1, 2, GROUND - 1, 0));
    CHECK_INT(rec.n, 3);
    CHECK_INT(rec.ev[0].type, QK_EV_BLOCK);
    CHECK_INT(rec.ev[1].type, QK_EV_DROP);
    CHECK_INT(rec.ev[1].u.drop.item, I_DIRT);
    INV_EV(&rec.ev[2], 1, 1, EMPTY, S(I_DIRT, 1), QK_CAUSE_PICKUP);
    CHECK(slot_is(entry(w, t)->gained, I_DIRT, 1));
    CHECK(slot_is(entry(w, t)->spent, I_AIR, 0));
    run(w, brk(1, 2, -2, GROUND - 1, 0));
    INV_EV(&rec.ev[2], 1, 1, S(I_DIRT, 1), S(I_DIRT, 2), QK_CAUSE_PICKUP);
    /* Stone drops cobble: matching stacks in slot order, before slot 3. */
    run(w, brk(1, 3, 2, GROUND - 2, 0));
    INV_EV(&rec.ev[2], 1, 2, S(I_COBBLE, 63), S(I_COBBLE, 64), QK_CAUSE_PICKUP);
    run(w, brk(1, 4, -2, GROUND - 2, 0));
    INV_EV(&rec.ev[2], 1, 20, S(I_COBBLE, 10), S(I_COBBLE, 11), QK_CAUSE_PICKUP);

    /* A placed dirt block broken again tops up the first non-full stack. */
    CHECK_INT(run(w, place(1, 5, 1, GROUND - 1, 2)), 0); /* slot 0: dirt */
    qk_input g = joiner(3, -6, -6, QK_MODE_CREATIVE);
    g.u.join.inv[0] = S(I_GLASS, 1);
    step_in(w, &g);
    CHECK_INT(run(w, place(3, 1, -5, GROUND - 1, -6)), 0);
    run(w, brk(1, 7, 1, GROUND, 2));
    INV_EV(&rec.ev[2], 1, 0, S(I_DIRT, 63), S(I_DIRT, 64), QK_CAUSE_PICKUP);

    /* A full inventory: the drop is lost, and nothing is logged as gained. */
    j = joiner(4, -5, -4, QK_MODE_SURVIVAL);
    for (uint32_t s = 0; s < QK_INV_SLOTS; s++)
        j.u.join.inv[s] = S(I_DIRT, 64);
    step_in(w, &j);
    run(w, brk(4, 1, -5, GROUND, -6)); /* glass drops nothing */
    CHECK_INT(rec.n, 1);
    t = qk_txn_next(w);
    run(w, brk(4, 2, -4, GROUND - 1, -5));
    CHECK_INT(rec.n, 3);
    CHECK_INT(rec.ev[1].type, QK_EV_DROP);
    CHECK_INT(rec.ev[2].type, QK_EV_ITEM_LOST);
    CHECK_INT(rec.ev[2].u.lost.player, 4);
    CHECK_INT(rec.ev[2].u.lost.item, I_DIRT);
    CHECK_INT(rec.ev[2].u.lost.count, 1);
    CHECK_INT(rec.ev[2].u.lost.cause, QK_CAUSE_PICKUP);
    CHECK(slot_is(entry(w, t)->gained, I_AIR, 0));

    /* Creative: no drop, no pickup. */
    run(w, brk(3, 2, -6, GROUND - 1, -5));
    CHECK_INT(rec.n, 1);
    CHECK_INT(rec.ev[0].type, QK_EV_BLOCK);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static void undo_compensates(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world *w = world_new(&a);
    qk_input j = joiner(1, 0, 0, QK_MODE_SURVIVAL);
    j.u.join.inv[0] = S(I_STONE, 3);
    step_in(w, &j);
    uint32_t seq = 1;

    /* Place, undo (refund), undo the undo (spend again), undo that. */
    uint64_t t1 = qk_txn_next(w);
    run(w, place(1, seq++, 2, GROUND - 1, 0));
    uint64_t t2 = qk_txn_next(w);
    run(w, undo_of(1, seq++, t1));
    CHECK_INT(rec.n, 2);
    CHECK_INT(rec.ev[0].type, QK_EV_BLOCK);
    CHECK_INT(rec.ev[0].u.block.block, I_AIR);
    CHECK_INT(rec.ev[0].u.block.cause, QK_CAUSE_UNDO);
    INV_EV(&rec.ev[1], 1, 0, S(I_STONE, 2), S(I_STONE, 3), QK_CAUSE_UNDO);
    CHECK(slot_is(entry(w, t2)->gained, I_STONE, 1));
    CHECK(slot_is(entry(w, t2)->spent, I_AIR, 0));
    uint64_t t3 = qk_txn_next(w);
    run(w, undo_of(1, seq++, t2));
    CHECK_INT(rec.n, 2);
    CHECK_INT(rec.ev[0].u.block.block, I_STONE);
    INV_EV(&rec.ev[1], 1, 0, S(I_STONE, 3), S(I_STONE, 2), QK_CAUSE_UNDO);
    CHECK(slot_is(entry(w, t3)->spent, I_STONE, 1));
    CHECK(slot_is(entry(w, t3)->gained, I_AIR, 0));
    run(w, undo_of(1, seq++, t3));
    INV_EV(&rec.ev[1], 1, 0, S(I_STONE, 2), S(I_STONE, 3), QK_CAUSE_UNDO);
    CHECK_INT(run(w, undo_of(1, seq++, t1)), QK_REASON_CONFLICT);

    /* Taking a pickup back spares the hotbar: the highest slot gives. */
    j = joiner(5, 4, -4, QK_MODE_SURVIVAL);
    j.u.join.inv[2] = S(I_DIRT, 5);
    j.u.join.inv[30] = S(I_DIRT, 2);
    step_in(w, &j);
    uint64_t tb = qk_txn_next(w);
    run(w, brk(5, 1, 4, GROUND - 1, -2));
    INV_EV(&rec.ev[2], 5, 2, S(I_DIRT, 5), S(I_DIRT, 6), QK_CAUSE_PICKUP);
    run(w, undo_of(5, 2, tb));
    CHECK_INT(rec.n, 2);
    CHECK_INT(rec.ev[0].u.block.block, I_DIRT);
    INV_EV(&rec.ev[1], 5, 30, S(I_DIRT, 2), S(I_DIRT, 1), QK_CAUSE_UNDO);
    /* ...and with none left to take, the undo is refused. */
    tb = qk_txn_next(w);
    run(w, brk(5, 3, 5, GROUND - 1, -4));
    run(w, inv_in(5, 4, QK_OP_INV_DROP, 2, 0, 0));
    run(w, inv_in(5, 5, QK_OP_INV_DROP, 30, 0, 0));
    run(w, undo_of(5, 6, tb));
    CHECK_INT(rec.n, 1);
    CHECK_INT(rejected(), QK_REASON_NOT_ENOUGH);
    qk_block_id id;
    CHECK_INT(qk_block_at(w, 5, GROUND - 1, -4, &id), QK_OK);
    CHECK_INT(id, I_AIR);

    /* A refund that does not fit refuses the undo. */
    j = joiner(4, -4, -4, QK_MODE_SURVIVAL);
    j.u.join.inv[0] = S(I_STONE, 1);
    for (uint32_t s = 1; s < QK_INV_SLOTS; s++)
        j.u.join.inv[s] = S(I_DIRT, 64);
    step_in(w, &j);
    uint64_t tp = qk_txn_next(w);
    run(w, place(4, 1, -3, GROUND - 1, -4));
    run(w, brk(4, 2, -4, GROUND - 1, -3)); /* its dirt takes slot 0 */
    INV_EV(&rec.ev[2], 4, 0, EMPTY, S(I_DIRT, 1), QK_CAUSE_PICKUP);
    qk_player_state before = pget(w, 4);
    run(w, undo_of(4, 3, tp));
    CHECK_INT(rec.n, 1);
    CHECK_INT(rejected(), QK_REASON_INVENTORY_FULL);
    CHECK(same_inv(before.inv, pget(w, 4).inv));
    CHECK_INT(qk_block_at(w, -3, GROUND, -4, &id), QK_OK);
    CHECK_INT(id, I_STONE);
    run(w, inv_in(4, 4, QK_OP_INV_DROP, 0, 0, 0));
    run(w, undo_of(4, 5, tp));
    CHECK_INT(rec.n, 2);
    INV_EV(&rec.ev[1], 4, 0, EMPTY, S(I_STONE, 1), QK_CAUSE_UNDO);

    /* Undoing a break whose drop was lost: the block only. */
    uint64_t tl = qk_txn_next(w);
    run(w, brk(4, 6, -5, GROUND - 1, -4));
    CHECK_INT(rec.ev[2].type, QK_EV_ITEM_LOST);
    uint64_t tu = qk_txn_next(w);
    run(w, undo_of(4, 7, tl));
    CHECK_INT(rec.n, 1);
    CHECK_INT(rec.ev[0].u.block.block, I_DIRT);
    CHECK(slot_is(entry(w, tu)->spent, I_AIR, 0) && slot_is(entry(w, tu)->gained, I_AIR, 0));

    /* Creative: undo moves blocks only. */
    j = joiner(2, 3, 3, QK_MODE_CREATIVE);
    j.u.join.inv[0] = S(I_STONE, 1);
    step_in(w, &j);
    uint64_t tc = qk_txn_next(w);
    run(w, place(2, 1, 3, GROUND - 1, 5));
    run(w, undo_of(2, 2, tc));
    CHECK_INT(rec.n, 1);
    CHECK(slot_is(pget(w, 2).inv[0], I_STONE, 1));
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- the property test ------------------------------------------------- */

/* Random, often invalid inputs from five players (1..4 survival, 5
 * creative) for thousands of ticks.  A watcher reads the event stream
 * alone: it rebuilds every slot from the inventory events and counts items
 * by cause, reading the rules that take several events (a drop and its
 * pickup, an undo, a craft) as groups; after each tick that is compared
 * with the world's own answers. */
#define NP 5
#define TICKS 3000
enum { G_NONE, G_DROP, G_UNDO, G_CRAFT };

typedef struct watch {
    qk_slot inv[NP][QK_INV_SLOTS]; /* rebuilt from inventory events */
    int64_t expect[I_COUNT];       /* items held, by the events' causes */
    int64_t moved[I_COUNT];        /* this tick's move/split/merge/swap net */
    int group;                     /* the rule being read, its player, */
    uint32_t gplayer;              /* its item or block (and what that */
    qk_block_id gitem, gprev;      /* replaced), its net change per item */
    int64_t gsum[I_COUNT];
    qk_event prev;
    uint64_t txns[NP][8], hash; /* recent edits, for undo inputs; stream hash */
    uint32_t n_txn[NP], n_tables;
    int32_t tables[32][3];
    uint32_t crafted, on_table, lost, pickups, undos, places;
    uint32_t reasons[QK_REASON__COUNT], craft_reasons[QK_REASON__COUNT];
} watch;

static void mix(watch *m, uint64_t v)
{
    m->hash = (m->hash ^ v) * UINT64_C(0x100000001B3);
}

static bool canonical(qk_slot x)
{
    return x.count ? x.item != I_AIR && x.item < I_COUNT && x.count <= max_of(x.item)
                   : x.item == I_AIR;
}

static bool has_room(const qk_slot *inv, qk_item_id item)
{
    for (uint32_t s = 0; s < QK_INV_SLOTS; s++)
        if (inv[s].count == 0 || (inv[s].item == item && inv[s].count < max_of(item)))
            return true;
    return false;
}

static void close_group(watch *m)
{
    int64_t net = 0;
    int items = 0;
    qk_item_id which = 0;
    for (uint32_t i = 0; i < I_COUNT; i++)
        if (m->gsum[i]) {
            net += m->gsum[i];
            which = (qk_item_id)i;
            items++;
        }
    if (m->group == G_DROP) { /* what came in plus what was lost is the drop */
        CHECK(items == 1 && which == m->gitem && net == 1);
    } else if (m->group == G_UNDO) {
        /* Removing a block refunds it (undoing a place) or its drop
         * (undoing the undo of a break); putting one back takes back its
         * drop or the block itself: the mirror cases. */
        qk_block_id b = m->gitem == I_AIR ? m->gprev : m->gitem;
        CHECK(items <= 1 && net >= -1 && net <= 1);
        CHECK(!net || ((net == 1) == (m->gitem == I_AIR) &&
                       (which == b || which == defs[b].drops)));
        m->undos += items > 0;
    } else if (m->group == G_CRAFT) {
        CHECK(false); /* a craft's slot events always end in crafted */
    }
    m->group = G_NONE;
    memset(m->gsum, 0, sizeof m->gsum);
}

static void on_slot(watch *m, const qk_event *ev)
{
    uint32_t pi = ev->u.inv.player - 1, s = ev->u.inv.slot;
    qk_slot b = ev->u.inv.before, a = ev->u.inv.after;
    CHECK(pi < NP && s < QK_INV_SLOTS);
    if (pi >= NP || s >= QK_INV_SLOTS)
        return;
    /* (a) the stream accounts for every change; (c) slots stay canonical */
    CHECK(slot_is(m->inv[pi][s], b.item, b.count) && !slot_is(a, b.item, b.count));
    CHECK(canonical(a));
    m->inv[pi][s] = a;
    mix(m, (uint64_t)ev->u.inv.player << 8 | s);
    mix(m, (uint64_t)a.item << 8 | a.count);
    /* signed changes per item: one if the item stays, two if not */
    qk_item_id it[2] = {b.item, a.item};
    int64_t d[2] = {a.item == b.item ? 0 : -(int64_t)b.count,
                    a.item == b.item ? (int64_t)a.count - b.count : a.count};
    const qk_event *pv = &m->prev;
    for (int k = 0; k < 2; k++) {
        if (!d[k])
            continue;
        switch (ev->u.inv.cause) {
        case QK_CAUSE_JOIN:
            CHECK(d[k] > 0 && (pv->type == QK_EV_SPAWN || pv->type == QK_EV_INVENTORY));
            m->expect[it[k]] += d[k];
            break;
        case QK_CAUSE_PLACE: /* counted from the block event */
            CHECK(pv->type == QK_EV_BLOCK && pv->u.block.cause == QK_CAUSE_PLACE &&
                  pv->u.block.player == ev->u.inv.player && pv->u.block.block == b.item &&
                  a.count + 1 == b.count);
            break;
        case QK_CAUSE_PICKUP:
            CHECK(m->group == G_DROP && m->gplayer == ev->u.inv.player && d[k] > 0);
            m->gsum[it[k]] += d[k];
            m->pickups++;
            break;
        case QK_CAUSE_CRAFT: /* counted from the crafted event */
            m->group = G_CRAFT;
            m->gplayer = ev->u.inv.player;
            m->gsum[it[k]] += d[k];
            break;
        case QK_CAUSE_UNDO:
            CHECK(m->group == G_UNDO && m->gplayer == ev->u.inv.player);
            m->gsum[it[k]] += d[k];
            m->expect[it[k]] += d[k];
            break;
        case QK_CAUSE_DROP:
            CHECK(d[k] < 0);
            m->expect[it[k]] += d[k];
            break;
        case QK_CAUSE_MOVE:
        case QK_CAUSE_SPLIT:
        case QK_CAUSE_MERGE:
        case QK_CAUSE_SWAP:
            m->moved[it[k]] += d[k];
            m->expect[it[k]] += d[k];
            break;
        default:
            CHECK(false);
        }
    }
}

static void on_crafted(watch *m, const qk_event *ev)
{
    uint32_t ri = ev->u.crafted.recipe;
    const qk_recipe *r = &recipes[ri < N_RECIPES ? ri : 0];
    CHECK(ri < N_RECIPES && slot_is(ev->u.crafted.output, r->out, r->out_count));
    CHECK(m->group == G_CRAFT && m->gplayer == ev->u.crafted.player);
    m->gsum[r->out] -= r->out_count;
    m->expect[r->out] += r->out_count;
    for (uint32_t k = 0; k < ev->u.crafted.n_inputs && k < QK_CRAFT_CELLS; k++) {
        qk_slot in = ev->u.crafted.inputs[k];
        CHECK(k == 0 || ev->u.crafted.inputs[k - 1].item < in.item);
        m->gsum[in.item] += in.count;
        m->expect[in.item] -= in.count;
    }
    for (uint32_t i = 0; i < I_COUNT; i++)
        CHECK(m->gsum[i] == 0); /* the slots moved by what crafted says */
    m->group = G_NONE;
    m->crafted++;
    m->on_table += ev->u.crafted.table;
    mix(m, ri);
}

static void watch_fn(void *ud, const qk_event *ev)
{
    watch *m = ud;
    mix(m, ev->tick << 8 | (uint64_t)ev->type);
    qk_cause c = ev->type == QK_EV_INVENTORY ? ev->u.inv.cause : 0;
    bool goes_on = (m->group == G_DROP && (c == QK_CAUSE_PICKUP || ev->type == QK_EV_ITEM_LOST)) ||
                   (m->group == G_UNDO && c == QK_CAUSE_UNDO) ||
                   (m->group == G_CRAFT && (c == QK_CAUSE_CRAFT || ev->type == QK_EV_CRAFTED));
    if (!goes_on && m->group != G_NONE)
        close_group(m);
    uint32_t pi;
    switch (ev->type) {
    case QK_EV_INVENTORY:
        on_slot(m, ev);
        break;
    case QK_EV_BLOCK:
        mix(m, (uint64_t)(uint32_t)ev->u.block.x << 32 | (uint32_t)ev->u.block.z);
        mix(m, (uint64_t)ev->u.block.y << 32 | ev->u.block.block << 16 | ev->u.block.prev);
        if (ev->u.block.block == I_TABLE && m->n_tables < 32) {
            int32_t *t = m->tables[m->n_tables++];
            t[0] = ev->u.block.x, t[1] = ev->u.block.y, t[2] = ev->u.block.z;
        }
        if (ev->u.block.player == 0 || ev->u.block.player == NP) /* creative */
            break;
        if (ev->u.block.cause == QK_CAUSE_PLACE) {
            m->expect[ev->u.block.block]--;
            m->places++;
        }
        if (ev->u.block.cause == QK_CAUSE_UNDO) {
            m->group = G_UNDO;
            m->gplayer = ev->u.block.player;
            m->gitem = ev->u.block.block;
            m->gprev = ev->u.block.prev;
        }
        break;
    case QK_EV_DROP:
        CHECK(ev->u.drop.player >= 1 && ev->u.drop.player < NP);
        CHECK(m->prev.type == QK_EV_BLOCK && m->prev.u.block.cause == QK_CAUSE_BREAK &&
              defs[m->prev.u.block.prev].drops == ev->u.drop.item);
        m->expect[ev->u.drop.item]++;
        m->group = G_DROP;
        m->gplayer = ev->u.drop.player;
        m->gitem = ev->u.drop.item;
        break;
    case QK_EV_ITEM_LOST: /* (d) lost only when there was no room at all */
        pi = ev->u.lost.player - 1;
        CHECK(m->group == G_DROP && ev->u.lost.item == m->gitem && ev->u.lost.count == 1 &&
              ev->u.lost.cause == QK_CAUSE_PICKUP && pi < NP &&
              !has_room(m->inv[pi], ev->u.lost.item));
        m->gsum[ev->u.lost.item] += ev->u.lost.count;
        m->expect[ev->u.lost.item] -= ev->u.lost.count;
        m->lost++;
        break;
    case QK_EV_CRAFTED:
        on_crafted(m, ev);
        break;
    case QK_EV_REJECT:
        m->reasons[ev->u.reject.reason % QK_REASON__COUNT]++;
        mix(m, ev->u.reject.reason);
        break;
    case QK_EV_CRAFT_REJECTED:
        m->craft_reasons[ev->u.craft_rejected.reason % QK_REASON__COUNT]++;
        mix(m, ev->u.craft_rejected.reason);
        break;
    case QK_EV_LIGHT_COMMIT:
        pi = ev->u.commit.player - 1;
        if (pi < NP)
            m->txns[pi][m->n_txn[pi]++ % 8] = ev->u.commit.txn;
        break;
    case QK_EV_DIGEST:
        mix(m, ev->u.digest.chain);
        for (uint32_t i = 0; i < I_COUNT; i++)
            CHECK(m->moved[i] == 0); /* moving items creates and destroys none */
        memset(m->moved, 0, sizeof m->moved);
        break;
    default:
        break;
    }
    m->prev = *ev;
}

/* After each tick: the rebuilt slots are the world's, all canonical, and
 * (b) the items held are what the causes say. */
static void audit(const qk_world *w, const watch *m)
{
    int64_t held[I_COUNT] = {0};
    for (uint32_t i = 0; i < NP; i++) {
        qk_player_state p = pget(w, i + 1);
        CHECK(same_inv(p.inv, m->inv[i]));
        for (uint32_t s = 0; s < QK_INV_SLOTS; s++) {
            CHECK(canonical(p.inv[s]));
            held[p.inv[s].item % I_COUNT] += p.inv[s].count;
        }
    }
    for (uint32_t k = 0; k < I_COUNT; k++)
        if (held[k] != m->expect[k])
            fprintf(stderr, "tick %llu: item %u held %lld, causes say %lld\n",
                    (unsigned long long)qk_world_tick(w), k, (long long)held[k],
                    (long long)m->expect[k]);
    CHECK(memcmp(held, m->expect, sizeof held) == 0);
}

/* ---- random inputs ----------------------------------------------------- */

static uint32_t rnd(uint64_t *g, uint32_t n)
{
    *g ^= *g << 13;
    *g ^= *g >> 7;
    *g ^= *g << 17;
    return (uint32_t)((*g >> 11) % n);
}

static int32_t near(uint64_t *g, qk_fx v) /* a block coordinate within 3 of v */
{
    int64_t b = v >= 0 ? v / QK_FX_ONE : -((-v + QK_FX_ONE - 1) / QK_FX_ONE);
    return (int32_t)b + (int32_t)rnd(g, 7) - 3;
}

/* A slot of p holding item (a random one of them), or a random slot. */
static uint8_t slot_with(uint64_t *g, const qk_player_state *p, qk_item_id item)
{
    uint8_t found[QK_INV_SLOTS], n = 0;
    for (uint8_t s = 0; s < QK_INV_SLOTS; s++)
        if (p->inv[s].count && p->inv[s].item == item)
            found[n++] = s;
    return n ? found[rnd(g, n)] : (uint8_t)rnd(g, QK_INV_SLOTS);
}

/* Half the time a real recipe laid out (shifted, mirrored, scattered)
 * with the player's own slots, half the time noise. */
static void random_craft(uint64_t *g, const watch *m, const qk_player_state *p, qk_input *in)
{
    uint8_t *cell = in->u.craft.grid;
    memset(cell, QK_SLOT_NONE, QK_CRAFT_CELLS);
    const qk_recipe *r = &recipes[rnd(g, N_RECIPES)];
    bool big = r->shaped ? r->w == 3 || r->h == 3 : r->n_in > 4;
    uint32_t size = big ? 3 : 2 + rnd(g, 2);
    in->u.craft.size = (uint8_t)size;
    in->u.craft.has_table = size == 3 || rnd(g, 4) == 0;
    if (rnd(g, 2)) {
        in->u.craft.size = (uint8_t)(1 + rnd(g, 4));
        in->u.craft.has_table = rnd(g, 2);
        for (uint32_t k = 0; k < QK_CRAFT_CELLS; k++)
            cell[k] = rnd(g, 2) ? QK_SLOT_NONE : (uint8_t)rnd(g, 38);
    } else if (r->shaped) {
        uint32_t ox = rnd(g, size - r->w + 1), oy = rnd(g, size - r->h + 1), mir = rnd(g, 2);
        for (uint32_t y = 0; y < r->h; y++)
            for (uint32_t x = 0; x < r->w; x++)
                if (r->in[y * r->w + x])
                    cell[(oy + y) * size + ox + (mir ? r->w - 1 - x : x)] =
                        slot_with(g, p, r->in[y * r->w + x]);
    } else {
        for (uint32_t k = 0, c; k < r->n_in; cell[c] = slot_with(g, p, r->in[k++]))
            do
                c = rnd(g, size * size);
            while (cell[c] != QK_SLOT_NONE);
    }
    if (m->n_tables && rnd(g, 4)) {
        const int32_t *t = m->tables[rnd(g, m->n_tables)];
        in->u.craft.x = t[0], in->u.craft.y = t[1], in->u.craft.z = t[2];
    } else {
        in->u.craft.x = near(g, p->x), in->u.craft.y = (int32_t)rnd(g, 8);
        in->u.craft.z = near(g, p->z);
    }
}

static qk_input random_input(uint64_t *g, uint32_t *seqs, const qk_world *w, const watch *m,
                             uint32_t i)
{
    qk_player_state p = pget(w, i + 1);
    uint32_t seq = rnd(g, 60) ? ++seqs[i] : seqs[i]; /* now and then a duplicate */
    qk_input in = fx_op(0, i + 1, seq, QK_OP_JUMP);
    int32_t x = near(g, p.x), y = (int32_t)rnd(g, 8), z = near(g, p.z);
    uint32_t r = rnd(g, 100), n = m->n_txn[i] < 8 ? m->n_txn[i] : 8;
    if (r < 18) {
        in = target(QK_OP_PLACE, i + 1, seq, x, y, z);
        in.u.place.face = (qk_face)(rnd(g, 2) ? QK_FACE_UP : rnd(g, 7));
    } else if (r < 36) {
        in = target(QK_OP_BREAK, i + 1, seq, x, y, z);
    } else if (r < 42) {
        in.op = QK_OP_SELECT;
        in.u.select.slot = (uint8_t)rnd(g, 10);
    } else if (r < 50) {
        in = undo_of(i + 1, seq, n && rnd(g, 5) ? m->txns[i][rnd(g, n)] : rnd(g, 4000));
    } else if (r < 82) {
        /* player 4 never throws anything away: it stays (nearly) full */
        in = inv_in(i + 1, seq, (qk_op)(QK_OP_INV_MOVE + rnd(g, i == 3 ? 4 : 5)),
                    (uint8_t)(rnd(g, 12) ? rnd(g, QK_INV_SLOTS) : 36 + rnd(g, 3)),
                    (uint8_t)(rnd(g, 4) == 0 ? QK_SLOT_NONE
                              : rnd(g, 20) == 0 ? 36 + rnd(g, 3) : rnd(g, QK_INV_SLOTS)),
                    (uint8_t)(rnd(g, 3) ? 0 : rnd(g, 20)));
    } else if (r < 98) {
        in.op = QK_OP_CRAFT;
        random_craft(g, m, &p, &in);
    }
    in.tick = qk_world_tick(w);
    return in;
}

/* Tick 0: the players join with random slots; player 4's are all full
 * stacks, so its drops are lost and its refunds refused.  Tick 1: players
 * 1..3 place the table they start with. */
static void setup(qk_world *w, uint64_t *g, uint32_t *seqs, const qk_sink *sink)
{
    static const int32_t at[NP][2] = {{-8, -8}, {7, -8}, {-8, 7}, {7, 7}, {0, 0}};
    qk_input in[NP];
    for (uint32_t i = 0; i < NP; i++) {
        in[i] = joiner(i + 1, at[i][0], at[i][1], i < NP - 1 ? QK_MODE_SURVIVAL : QK_MODE_CREATIVE);
        for (uint32_t s = 0; s < QK_INV_SLOTS; s++) {
            if (i != 3 && rnd(g, 3))
                continue; /* a third of the slots filled */
            qk_item_id id = (qk_item_id)(1 + rnd(g, I_COUNT - 1));
            in[i].u.join.inv[s] = S(id, i == 3 ? max_of(id) : 1 + rnd(g, max_of(id)));
        }
        if (i != 3)
            in[i].u.join.inv[0] = S(I_TABLE, 1);
    }
    CHECK_INT(qk_step(w, in, NP, sink, NULL), QK_OK);
    for (uint32_t i = 0; i < 3; i++) {
        in[i] = target(QK_OP_PLACE, i + 1, seqs[i] = 1, at[i][0] + 2, GROUND - 1, at[i][1]);
        in[i].tick = 1;
    }
    CHECK_INT(qk_step(w, in, 3, sink, NULL), QK_OK);
}

static void run_ticks(qk_world *w, uint64_t *g, uint32_t *seqs, watch *m, uint64_t until,
                      uint64_t *chains)
{
    qk_sink sink = {watch_fn, m};
    while (qk_world_tick(w) < until) {
        qk_input in[NP * 2];
        size_t n = 0;
        for (uint32_t i = 0; i < NP; i++)
            for (uint32_t k = rnd(g, 4); k > 0 && k < 3; k--)
                in[n++] = random_input(g, seqs, w, m, i);
        uint64_t t = qk_world_tick(w);
        CHECK_INT(qk_step(w, in, n, &sink, NULL), QK_OK);
        audit(w, m);
        qk_digests d;
        qk_world_digests(w, &d);
        chains[t] = d.chain;
    }
}

/* One seed twice: straight through, then through a snapshot half way. */
static void property(uint64_t seed)
{
    static uint64_t straight[TICKS], resumed[TICKS];
    static watch m1, m2;
    memset(&m1, 0, sizeof m1);
    memset(&m2, 0, sizeof m2);
    fx_alloc a = {-1, 0, 0};
    uint64_t g1 = seed, g2 = seed;
    uint32_t q1[NP] = {0}, q2[NP] = {0};
    qk_sink s1 = {watch_fn, &m1}, s2 = {watch_fn, &m2};

    qk_world *w = world_new(&a);
    setup(w, &g1, q1, &s1);
    audit(w, &m1);
    CHECK_INT(m1.n_tables, 3);
    run_ticks(w, &g1, q1, &m1, TICKS, straight);
    qk_world_destroy(w);

    w = world_new(&a);
    setup(w, &g2, q2, &s2);
    run_ticks(w, &g2, q2, &m2, TICKS / 2, resumed);
    size_t len = qk_snapshot_size(w), wrote = 0;
    uint8_t *snap = malloc(len);
    CHECK_INT(qk_snapshot_write(w, snap, len, &wrote), QK_OK);
    qk_world_destroy(w);
    qk_allocator al = fx_allocator(&a);
    w = NULL;
    CHECK_INT(qk_world_restore(&w, snap, wrote, &reg, &al, NULL), QK_OK);
    free(snap);
    if (w) {
        run_ticks(w, &g2, q2, &m2, TICKS, resumed);
        qk_world_destroy(w);
    }
    CHECK(memcmp(straight + 2, resumed + 2, (TICKS - 2) * sizeof straight[0]) == 0);
    CHECK_U64(m1.hash, m2.hash);
    CHECK_INT(a.live, 0);

    /* The run reached the rules it is meant to exercise. */
    printf("seed %llx: %u crafted (%u on a table), %u pickups, %u lost, %u places, "
           "%u undos with items\n", (unsigned long long)seed, m1.crafted, m1.on_table,
           m1.pickups, m1.lost, m1.places, m1.undos);
    CHECK(m1.crafted > 20 && m1.on_table > 0 && m1.lost > 0 && m1.pickups > 20);
    CHECK(m1.places > 20 && m1.undos > 0);
    static const qk_reason inv_why[] = {
        QK_REASON_BAD_ARGUMENT, QK_REASON_EMPTY_SLOT, QK_REASON_SLOT_OCCUPIED,
        QK_REASON_STACK_FULL, QK_REASON_NOT_ENOUGH, QK_REASON_INVENTORY_FULL,
        QK_REASON_EMPTY_HAND, QK_REASON_NOT_PLACEABLE, QK_REASON_DUPLICATE};
    static const qk_reason craft_why[] = {
        QK_REASON_BAD_ARGUMENT, QK_REASON_NEEDS_TABLE, QK_REASON_NOT_A_TABLE, QK_REASON_REACH,
        QK_REASON_EMPTY_SLOT, QK_REASON_NOT_ENOUGH, QK_REASON_NO_RECIPE};
    for (uint32_t k = 0; k < sizeof inv_why / sizeof inv_why[0]; k++)
        CHECK(m1.reasons[inv_why[k]] > 0);
    for (uint32_t k = 0; k < sizeof craft_why / sizeof craft_why[0]; k++)
        CHECK(m1.craft_reasons[craft_why[k]] > 0);
}

int main(void)
{
    join_rule();
    inventory_ops();
    place_spends();
    break_collects();
    undo_compensates();
    property(0x5EED0001u);
    property(0xC0FFEE42u);
    return qt_report();
}
