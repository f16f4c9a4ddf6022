/*
 * test_step.c - the step function: physics (gravity, landing, walking,
 * jumping, collision at chunk seams, negative coordinates and the world's
 * edge), the rules of place and break with every reject reason, canonical
 * input order and the shape of each tick's events.
 */
#include "fixture.h"
#include "world.h"

static qk_world *flat_world(fx_alloc *a)
{
    qk_allocator al = fx_allocator(a);
    qk_world_config cfg = fx_flat_config();
    qk_world *w = NULL;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
    return w;
}

static void step1(qk_world *w, qk_input *in, size_t n, fx_events *r)
{
    qk_sink s = {r ? fx_record : NULL, r};
    for (size_t i = 0; i < n; i++)
        in[i].tick = qk_world_tick(w);
    CHECK_INT(qk_step(w, in, n, &s, NULL), QK_OK);
}

static qk_player_state player(const qk_world *w, uint32_t id)
{
    qk_player_state p;
    memset(&p, 0, sizeof p);
    CHECK_INT(qk_player_get(w, id, &p), QK_OK);
    return p;
}

static void move(qk_world *w, uint32_t id, uint8_t dirs, uint16_t yaw, fx_events *r)
{
    qk_input in = fx_op(0, id, 100 + (uint32_t)qk_world_tick(w), QK_OP_MOVE);
    in.u.move.dirs = dirs;
    in.u.move.yaw = yaw;
    step1(w, &in, 1, r);
}

static void falls_and_lands(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world *w = flat_world(&a);
    static fx_events r;
    r.n = 0;
    qk_input j = fx_join(0, 1, 0, 12, 0);
    step1(w, &j, 1, &r);
    CHECK_INT(r.ev[0].type, QK_EV_SPAWN);
    CHECK(!player(w, 1).on_ground); /* joined in mid-air: falling */
    CHECK_INT(r.ev[r.n - 1].type, QK_EV_DIGEST);
    CHECK_INT(r.ev[r.n - 1].tick, 0);
    fx_idle(w, 60, &r);
    qk_player_state p = player(w, 1);
    CHECK(p.on_ground);
    CHECK_INT(p.y, (qk_fx)FX_GROUND * QK_FX_ONE);
    CHECK_INT(p.x, QK_FX_ONE / 2);
    /* At rest: no player events in the last ticks, only digests. */
    size_t tail_players = 0;
    for (size_t i = 0; i < r.n; i++)
        tail_players += r.ev[i].tick >= 50 && r.ev[i].type == QK_EV_PLAYER;
    CHECK_INT(tail_players, 0);
    CHECK_INT(fx_count(&r, QK_EV_DIGEST, -1), 60);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static void walks_and_jumps(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world *w = flat_world(&a);
    qk_input j = fx_join(0, 1, 0, FX_GROUND, 0);
    step1(w, &j, 1, NULL);
    /* Joined standing on a block: on ground from the first tick, no fall. */
    CHECK(player(w, 1).on_ground);
    CHECK_INT(player(w, 1).y, (qk_fx)FX_GROUND * QK_FX_ONE);
    fx_idle(w, 5, NULL);
    move(w, 1, QK_DIR_FORWARD, 0, NULL); /* yaw 0 faces +z */
    fx_idle(w, 25, NULL);
    qk_player_state p = player(w, 1);
    CHECK(p.z > QK_FX_ONE * 3);
    CHECK_INT(p.x, QK_FX_ONE / 2);
    CHECK(p.vz > 800 && p.vz < 1000); /* steady walk ~0.22 blocks/tick */
    move(w, 1, 0, 0, NULL);
    fx_idle(w, 45, NULL);
    qk_input jump = fx_op(0, 1, 1, QK_OP_JUMP);
    step1(w, &jump, 1, NULL);
    qk_fx top = player(w, 1).y;
    for (int t = 0; t < 30; t++) {
        fx_idle(w, qk_world_tick(w) + 1, NULL);
        p = player(w, 1);
        if (p.y > top)
            top = p.y;
    }
    qk_fx rise = top - (qk_fx)FX_GROUND * QK_FX_ONE;
    CHECK(rise > QK_FX_ONE && rise < QK_FX_ONE * 13 / 10); /* ~1.25 blocks */
    CHECK(p.on_ground);
    CHECK_INT(p.y, (qk_fx)FX_GROUND * QK_FX_ONE);
    /* A jump requested in the air does nothing. */
    step1(w, &jump, 1, NULL);
    jump.seq = 2;
    step1(w, &jump, 1, NULL);
    qk_world_destroy(w);
}

/* Walks player 1 from block (bx, bz) in direction yaw for 60 ticks. */
static qk_player_state walk_into(qk_world *w, int32_t bx, int32_t bz, uint16_t yaw)
{
    qk_input j = fx_join(0, 1, bx, FX_GROUND, bz);
    step1(w, &j, 1, NULL);
    move(w, 1, QK_DIR_FORWARD, yaw, NULL);
    fx_idle(w, qk_world_tick(w) + 60, NULL);
    return player(w, 1);
}

static void walls(qk_world *w, int32_t x0, int32_t x1, int32_t z0, int32_t z1)
{
    for (int32_t x = x0; x <= x1; x++)
        for (int32_t z = z0; z <= z1; z++)
            for (int32_t y = FX_GROUND; y < FX_GROUND + 2; y++)
                CHECK_INT(qk__world_set(w, x, y, z, B_STONE, NULL), QK_OK);
}

static void collides_at_chunk_seams(void)
{
    const qk_fx half_w = 1228;
    fx_alloc a = {-1, 0, 0};
    /* -x across the seam between chunks -1 and -2 (x = -16 | -17). */
    qk_world *w = flat_world(&a);
    walls(w, -17, -17, -32, 31);
    qk_player_state p = walk_into(w, -14, 5, 16384);
    CHECK_INT(p.x, -16 * QK_FX_ONE + half_w);
    CHECK_INT(p.vx, 0);
    qk_world_destroy(w);
    /* -x across the origin seam (chunk 0 -> -1): wall at x = -1. */
    w = flat_world(&a);
    walls(w, -1, -1, -32, 31);
    p = walk_into(w, 3, -3, 16384);
    CHECK_INT(p.x, 0 + half_w);
    qk_world_destroy(w);
    /* -z in the four-chunk corner: wall at z = -1, walking at x = -1. */
    w = flat_world(&a);
    walls(w, -32, 31, -1, -1);
    p = walk_into(w, -1, 2, 32768);
    CHECK_INT(p.z, 0 + half_w);
    qk_world_destroy(w);
    /* +x into the wall at x = 16 (chunk 0 | 1). */
    w = flat_world(&a);
    walls(w, 16, 16, -32, 31);
    p = walk_into(w, 12, -20, 49152);
    CHECK_INT(p.x, 16 * QK_FX_ONE - half_w);
    qk_world_destroy(w);
    /* The rectangle's edge is a wall: x max = 32 blocks. */
    w = flat_world(&a);
    p = walk_into(w, 28, 0, 49152);
    CHECK_INT(p.x, 32 * QK_FX_ONE - half_w);
    qk_world_destroy(w);
    /* Ceiling: a slab two blocks up stops a jump with the head touching it. */
    w = flat_world(&a);
    CHECK_INT(qk__world_set(w, 0, FX_GROUND + 2, 0, B_STONE, NULL), QK_OK);
    qk_input j = fx_join(0, 1, 0, FX_GROUND, 0);
    step1(w, &j, 1, NULL);
    fx_idle(w, 3, NULL);
    qk_input jump = fx_op(0, 1, 1, QK_OP_JUMP);
    step1(w, &jump, 1, NULL);
    qk_fx top = player(w, 1).y; /* the head meets the slab on the jump tick */
    for (int t = 0; t < 20; t++) {
        fx_idle(w, qk_world_tick(w) + 1, NULL);
        p = player(w, 1);
        top = p.y > top ? p.y : top;
    }
    CHECK_INT(top, (FX_GROUND + 2) * QK_FX_ONE - 7372);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static qk_input place(uint32_t seq, int32_t x, int32_t y, int32_t z, qk_face f)
{
    qk_input in = fx_op(0, 1, seq, QK_OP_PLACE);
    in.u.place.x = x;
    in.u.place.y = y;
    in.u.place.z = z;
    in.u.place.face = f;
    return in;
}

static qk_input brk(uint32_t seq, int32_t x, int32_t y, int32_t z)
{
    qk_input in = fx_op(0, 1, seq, QK_OP_BREAK);
    in.u.brk.x = x;
    in.u.brk.y = y;
    in.u.brk.z = z;
    return in;
}

/* Applies one input and returns the reject reason, or 0 if accepted. */
static int try1(qk_world *w, qk_input in)
{
    static fx_events r;
    r.n = 0;
    step1(w, &in, 1, &r);
    for (size_t i = 0; i < r.n; i++)
        if (r.ev[i].type == QK_EV_REJECT)
            return (int)r.ev[i].u.reject.reason;
    return 0;
}

static void place_and_break_rules(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world *w = flat_world(&a);
    qk_input j = fx_join(0, 1, 0, FX_GROUND, 0);
    step1(w, &j, 1, NULL);
    fx_idle(w, 3, NULL);
    qk_block_id id;

    static fx_events r;
    r.n = 0;
    qk_input in = place(1, 0, 3, 2, QK_FACE_UP);
    step1(w, &in, 1, &r);
    CHECK_INT(fx_count(&r, QK_EV_BLOCK, -1), 1);
    CHECK_INT(r.ev[0].u.block.cause, QK_CAUSE_PLACE);
    CHECK_INT(r.ev[0].u.block.y, FX_GROUND);
    CHECK_INT(qk_block_at(w, 0, FX_GROUND, 2, &id), QK_OK);
    CHECK_INT(id, B_STONE);

    CHECK_INT(try1(w, place(2, 0, 3, 2, QK_FACE_UP)), QK_REASON_OCCUPIED);
    CHECK_INT(try1(w, place(3, 0, 6, 1, QK_FACE_UP)), QK_REASON_NO_SUPPORT);
    CHECK_INT(try1(w, brk(4, 0, 3, 8)), QK_REASON_REACH);
    CHECK_INT(try1(w, brk(5, 100, 3, 0)), QK_REASON_OUT_OF_WORLD);
    CHECK_INT(try1(w, brk(6, 0, 300, 0)), QK_REASON_OUT_OF_WORLD);
    CHECK_INT(try1(w, brk(7, -2000000000, 3, 0)), QK_REASON_OUT_OF_WORLD);
    CHECK_INT(try1(w, place(8, 0, 3, 0, QK_FACE_UP)), QK_REASON_INTERSECTS);
    CHECK_INT(try1(w, place(9, 0, 3, 0, (qk_face)9)), QK_REASON_BAD_ARGUMENT);
    CHECK_INT(try1(w, brk(10, 1, FX_GROUND + 1, 1)), QK_REASON_NOTHING);
    CHECK_INT(qk__world_set(w, 1, FX_GROUND, 1, B_BEDROCK, NULL), QK_OK);
    CHECK_INT(try1(w, brk(11, 1, FX_GROUND, 1)), QK_REASON_UNBREAKABLE);

    qk_input sel = fx_op(0, 1, 12, QK_OP_SELECT);
    sel.u.select.slot = 5;
    CHECK_INT(try1(w, sel), 0);
    CHECK_INT(try1(w, place(13, 0, 3, 3, QK_FACE_UP)), QK_REASON_EMPTY_HAND);
    sel.seq = 14;
    sel.u.select.slot = 12;
    CHECK_INT(try1(w, sel), QK_REASON_BAD_ARGUMENT);
    sel.seq = 15;
    sel.u.select.slot = 2; /* torch: not solid, may go where a player is */
    CHECK_INT(try1(w, sel), 0);
    CHECK_INT(try1(w, place(16, 0, 3, 0, QK_FACE_UP)), 0);
    CHECK_INT(qk_block_at(w, 0, FX_GROUND, 0, &id), QK_OK);
    CHECK_INT(id, B_TORCH);

    r.n = 0;
    in = brk(17, 0, 3, 1);
    step1(w, &in, 1, &r);
    CHECK_INT(fx_count(&r, QK_EV_BLOCK, -1), 1);
    CHECK_INT(r.ev[0].u.block.prev, B_DIRT);
    /* fx_join players are creative: breaking collects nothing */
    CHECK_INT(fx_count(&r, QK_EV_DROP, -1), 0);
    CHECK_INT(fx_count(&r, QK_EV_INVENTORY, -1), 0);

    qk_input ghost = fx_op(0, 9, 1, QK_OP_JUMP);
    CHECK_INT(try1(w, ghost), QK_REASON_UNKNOWN_PLAYER);
    qk_input again = fx_join(0, 1, 0, FX_GROUND, 0);
    CHECK_INT(try1(w, again), QK_REASON_ALREADY_JOINED);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* Runs the same batch given in two array orders in two fresh worlds. */
static void canonical_order(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world *w[2] = {flat_world(&a), flat_world(&a)};
    static fx_events r[2];
    for (int k = 0; k < 2; k++) {
        r[k].n = 0;
        qk_input j[2] = {fx_join(0, 1, 0, FX_GROUND, 0), fx_join(0, 2, 1, FX_GROUND, 0)};
        step1(w[k], j, 2, NULL);
        fx_idle(w[k], 3, NULL);
        qk_input batch[4] = {place(1, 0, 3, 2, QK_FACE_UP), brk(2, 0, 4, 2), place(3, 0, 3, 3, QK_FACE_UP),
                             brk(1, 0, 3, 3)};
        batch[3].player = 2; /* player 2 breaks a block next to player 1 */
        if (k == 1) { /* reversed */
            qk_input t = batch[0];
            batch[0] = batch[3];
            batch[3] = t;
            t = batch[1];
            batch[1] = batch[2];
            batch[2] = t;
        }
        step1(w[k], batch, 4, &r[k]);
    }
    CHECK_INT(r[0].n, r[1].n);
    int same = r[0].n == r[1].n;
    for (size_t i = 0; same && i < r[0].n; i++)
        same = r[0].ev[i].type == r[1].ev[i].type && r[0].ev[i].tick == r[1].ev[i].tick;
    CHECK(same);
    qk_digests d0, d1;
    qk_world_digests(w[0], &d0);
    qk_world_digests(w[1], &d1);
    CHECK_U64(d0.chain, d1.chain);
    /* Player 1's inputs (seq 1..3) all come before player 2's. */
    CHECK_INT(r[0].ev[0].type, QK_EV_BLOCK);
    CHECK_INT(r[0].ev[0].u.block.player, 1);

    /* A duplicate (same clock, player, seq) is rejected. */
    qk_input dup[2] = {fx_op(0, 1, 50, QK_OP_JUMP), fx_op(0, 1, 50, QK_OP_JUMP)};
    r[0].n = 0;
    step1(w[0], dup, 2, &r[0]);
    CHECK_INT(fx_count(&r[0], QK_EV_REJECT, QK_REASON_DUPLICATE), 1);

    /* An input for another tick fails the call and leaves the world as is. */
    uint64_t t0 = qk_world_tick(w[0]);
    qk_input late = fx_op(t0 + 5, 1, 60, QK_OP_JUMP);
    qk_diag d = {0};
    CHECK_INT(qk_step(w[0], &late, 1, NULL, &d), QK_ERR_INVALID);
    CHECK_INT(qk_world_tick(w[0]), t0);
    late.tick = t0;
    late.op = (qk_op)77;
    CHECK_INT(qk_step(w[0], &late, 1, NULL, &d), QK_ERR_INVALID);
    qk_world_destroy(w[0]);
    qk_world_destroy(w[1]);
    CHECK_INT(a.live, 0);
}

/* The only allocation a tick can make is a section widening for a placed
 * block; when the allocator refuses it the step fails and the world then
 * refuses to step or snapshot (half a tick has been applied). */
static void nomem_in_a_step_poisons_the_world(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_allocator al = fx_allocator(&a);
    qk_world_config cfg = fx_flat_config();
    cfg.layers[1].height = 14; /* ground top at y 15: section 1 is all air */
    qk_world *w = NULL;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &al, NULL), QK_OK);
    qk_input j = fx_join(0, 1, 0, 16, 0);
    step1(w, &j, 1, NULL);
    fx_idle(w, 3, NULL);
    a.fail_at = a.count; /* (0,16,2) is in a uniform section: it must widen */
    qk_input in = place(1, 0, 15, 2, QK_FACE_UP);
    in.tick = qk_world_tick(w);
    qk_diag d = {0};
    CHECK_INT(qk_step(w, &in, 1, NULL, &d), QK_ERR_NOMEM);
    a.fail_at = -1;
    CHECK_INT(qk_step(w, NULL, 0, NULL, &d), QK_ERR_STATE);
    uint8_t buf[16];
    size_t wrote = 99;
    CHECK_INT(qk_snapshot_write(w, buf, sizeof buf, &wrote), QK_ERR_STATE);
    CHECK_INT(wrote, 0);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

int main(void)
{
    falls_and_lands();
    walks_and_jumps();
    collides_at_chunk_seams();
    place_and_break_rules();
    canonical_order();
    nomem_in_a_step_poisons_the_world();
    return qt_report();
}
