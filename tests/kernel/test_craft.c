/*
 * test_craft.c - recipes and crafting (craft.c): registry validation of
 * every kind of bad recipe and of overlapping pairs, grid matching against
 * an independent brute-force oracle (every offset, mirrored, near misses,
 * random grids), and the craft op: success on both grids, each refusal
 * reason, event order and contents, and that a refusal changes nothing.
 */
#include "item_fixture.h"
#include "world.h"

enum {
    R_PLANKS, R_STICKS, R_TABLE, R_PICK, R_TORCH, R_L, R_BIG, R_MIX, R_ROW, R_PAIR, R_ONE, R_COUNT
};
static const qk_recipe recipes[R_COUNT] = {
    [R_PLANKS] = SHAPELESS(1, I_PLANKS, 4, I_LOG),
    [R_STICKS] = SHAPED(1, 2, I_STICK, 4, I_PLANKS, I_PLANKS),
    [R_TABLE] = SHAPED(2, 2, I_TABLE, 1, I_PLANKS, I_PLANKS, I_PLANKS, I_PLANKS),
    [R_PICK] = SHAPED(3, 3, I_PICK, 1, I_COBBLE, I_COBBLE, I_COBBLE, 0, I_STICK, 0, 0, I_STICK, 0),
    [R_TORCH] = SHAPED(1, 2, I_TORCH, 4, I_COAL, I_STICK),
    [R_L] = SHAPED(2, 2, I_GLASS, 2, I_PEARL, I_PEARL, 0, I_STICK),
    [R_BIG] = SHAPELESS(5, I_STONE, 1, I_DIRT, I_COAL, I_DIRT, I_DIRT, I_DIRT),
    [R_MIX] = SHAPELESS(2, I_PEARL, 2, I_COAL, I_COBBLE),
    [R_ROW] = SHAPED(3, 1, I_STONE, 2, I_COBBLE, I_COBBLE, I_COBBLE),
    [R_PAIR] = SHAPED(2, 1, I_COAL, 1, I_STICK, I_PEARL),
    [R_ONE] = SHAPED(1, 1, I_PEARL, 1, I_GLASS),
};
static const qk_registry reg = {defs, I_COUNT, recipes, R_COUNT};

static bool needs_table(const qk_recipe *r)
{
    return r->shaped ? r->w == 3 || r->h == 3 : r->n_in > 4;
}

/* ---- the oracle: place every recipe every way, compare whole grids ---- */

static bool oracle_one(const qk_recipe *r, const qk_item_id *g, uint32_t size)
{
    if (r->shaped) {
        for (uint32_t oy = 0; oy + r->h <= size; oy++)
            for (uint32_t ox = 0; ox + r->w <= size; ox++)
                for (int m = 0; m < 2; m++) {
                    qk_item_id want[9] = {0};
                    for (uint32_t y = 0; y < r->h; y++)
                        for (uint32_t x = 0; x < r->w; x++) {
                            uint32_t gx = ox + (m ? r->w - 1 - x : x);
                            want[(oy + y) * size + gx] = r->in[y * r->w + x];
                        }
                    if (memcmp(want, g, size * size * sizeof g[0]) == 0)
                        return true;
                }
        return false;
    }
    uint32_t left[I_COUNT + 1] = {0};
    for (uint32_t k = 0; k < r->n_in; k++)
        left[r->in[k]]++;
    for (uint32_t k = 0; k < size * size; k++) {
        if (g[k] == I_AIR)
            continue;
        if (g[k] >= I_COUNT || left[g[k]] == 0)
            return false;
        left[g[k]]--;
    }
    for (uint32_t i = 0; i < I_COUNT; i++)
        if (left[i])
            return false;
    return true;
}

static int oracle(const qk_item_id *g, uint32_t size, bool table, int *hits)
{
    int found = -1;
    *hits = 0;
    for (int i = 0; i < R_COUNT; i++)
        if ((table || !needs_table(&recipes[i])) && oracle_one(&recipes[i], g, size)) {
            found = found < 0 ? i : found;
            ++*hits;
        }
    return found;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static qk_world *world_of(const qk_registry *r, fx_alloc *a, qk_diag *d, qk_status *st)
{
    qk_allocator al = fx_allocator(a);
    qk_world_config cfg = item_world_config(3);
    qk_world *w = NULL;
    *st = qk_world_create(&w, &cfg, r, &al, d);
    return w;
}

#define GROUND 4

/* ---- validation -------------------------------------------------------- */

/* Registry = the good set with `bad` put at index `at` (appended if at ==
 * R_COUNT); expects refusal at `at`. */
static void refused_at(qk_recipe bad, uint32_t at, int line)
{
    qk_recipe rs[R_COUNT + 1];
    uint32_t n = 0;
    for (uint32_t i = 0; i < R_COUNT; i++) {
        if (i == at)
            rs[n++] = bad;
        rs[n++] = recipes[i];
    }
    if (at == R_COUNT)
        rs[n++] = bad;
    qk_registry r = {defs, I_COUNT, rs, n};
    fx_alloc a = {-1, 0, 0};
    qk_diag d = {0};
    qk_status st;
    qk_world *w = world_of(&r, &a, &d, &st);
    if (st != QK_ERR_INVALID || d.offset != at || w)
        fprintf(stderr, "line %d: status %d offset %llu (%s)\n", line, (int)st,
                (unsigned long long)d.offset, d.what ? d.what : "");
    CHECK_INT(st, QK_ERR_INVALID);
    CHECK_U64(d.offset, at);
    CHECK(w == NULL);
    CHECK(d.what != NULL);
    CHECK_INT(a.live, 0);
}
#define REFUSED(bad, at) refused_at(bad, at, __LINE__)

static void validation(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_status st;
    qk_world *w = world_of(&reg, &a, NULL, &st);
    CHECK_INT(st, QK_OK);
    CHECK_INT(qk_recipe_count(w), R_COUNT);
    CHECK(qk_recipe_at(w, R_COUNT) == NULL);
    CHECK(memcmp(qk_recipe_at(w, R_PICK), &recipes[R_PICK], sizeof(qk_recipe)) == 0);
    qk_world_destroy(w);

    /* Shapes. */
    REFUSED((qk_recipe)SHAPED(0, 1, I_COAL, 1, I_LOG), 2);
    REFUSED((qk_recipe)SHAPED(4, 1, I_COAL, 1, I_LOG, I_LOG, I_LOG, I_LOG), 3);
    REFUSED((qk_recipe)SHAPED(1, 0, I_COAL, 1, I_LOG), 0);
    REFUSED((qk_recipe)SHAPED(1, 4, I_COAL, 1, I_LOG, I_LOG, I_LOG, I_LOG), R_COUNT);
    /* Not tight: empty top row, bottom row, left and right column. */
    REFUSED((qk_recipe)SHAPED(2, 2, I_COAL, 1, 0, 0, I_LOG, I_DIRT), 4);
    REFUSED((qk_recipe)SHAPED(2, 2, I_COAL, 1, I_LOG, I_DIRT, 0, 0), 5);
    REFUSED((qk_recipe)SHAPED(2, 2, I_COAL, 1, 0, I_LOG, 0, I_DIRT), 6);
    REFUSED((qk_recipe)SHAPED(3, 2, I_COAL, 1, I_LOG, I_DIRT, 0, I_DIRT, I_LOG, 0), 1);
    REFUSED((qk_recipe)SHAPED(1, 1, I_COAL, 1, 0), 1);
    /* Cells: ids outside the registry. */
    REFUSED((qk_recipe)SHAPED(2, 1, I_COAL, 1, I_LOG, I_COUNT), 7);
    REFUSED((qk_recipe)SHAPED(1, 1, I_COAL, 1, QK_BLOCK_NONE), 7);
    /* Shapeless counts and ingredients. */
    REFUSED((qk_recipe)SHAPELESS(0, I_COAL, 1, 0), 8);
    REFUSED((qk_recipe)SHAPELESS(10, I_COAL, 1, I_LOG), 8);
    REFUSED((qk_recipe)SHAPELESS(2, I_COAL, 1, I_LOG, I_AIR), 9);
    REFUSED((qk_recipe)SHAPELESS(2, I_COAL, 1, I_LOG, 999), 9);
    /* Outputs. */
    REFUSED((qk_recipe)SHAPELESS(2, I_AIR, 1, I_LOG, I_LOG), 10);
    REFUSED((qk_recipe)SHAPELESS(2, I_COUNT, 1, I_LOG, I_LOG), 10);
    REFUSED((qk_recipe)SHAPELESS(2, I_COAL, 0, I_LOG, I_LOG), 2);
    REFUSED((qk_recipe)SHAPELESS(2, I_PICK, 2, I_LOG, I_LOG), 2);   /* max 1 */
    REFUSED((qk_recipe)SHAPELESS(2, I_PEARL, 17, I_LOG, I_LOG), 2); /* max 16 */
    REFUSED((qk_recipe)SHAPELESS(2, I_COAL, 65, I_LOG, I_LOG), 2);  /* 0 = 64 */
    /* Overlaps: the later of the two is named. */
    REFUSED((qk_recipe)SHAPED(1, 2, I_COAL, 1, I_PLANKS, I_PLANKS), R_COUNT);
    /* mirror images of R_L and R_PAIR */
    REFUSED((qk_recipe)SHAPED(2, 2, I_COAL, 1, I_PEARL, I_PEARL, I_STICK, 0), R_COUNT);
    REFUSED((qk_recipe)SHAPED(2, 1, I_COAL, 1, I_PEARL, I_STICK), R_COUNT);
    REFUSED((qk_recipe)SHAPED(2, 1, I_COAL, 1, I_PEARL, I_STICK), R_PAIR + 1);
    REFUSED((qk_recipe)SHAPELESS(5, I_COAL, 1, I_DIRT, I_DIRT, I_COAL, I_DIRT, I_DIRT), R_COUNT);
    REFUSED((qk_recipe)SHAPELESS(2, I_COAL, 1, I_STICK, I_COAL), R_COUNT);  /* R_TORCH's items */
    REFUSED((qk_recipe)SHAPED(2, 1, I_COAL, 1, I_COBBLE, I_COAL), R_COUNT); /* R_MIX's items */
    REFUSED((qk_recipe)SHAPED(1, 1, I_COAL, 1, I_LOG), R_PLANKS + 1);
    /* A shaped recipe in the shapeless multiset of another but of another
     * shape is fine, and so are two shapes with the same items. */
    qk_recipe ok[2] = {SHAPED(2, 1, I_COAL, 1, I_PLANKS, I_PLANKS),
                       SHAPED(2, 2, I_COAL, 1, I_PLANKS, 0, 0, I_PLANKS)};
    qk_registry r2 = {defs, I_COUNT, ok, 2};
    w = world_of(&r2, &a, NULL, &st);
    CHECK_INT(st, QK_OK);
    qk_world_destroy(w);
    /* A diagonal and its mirror image are the same recipe. */
    ok[0] = (qk_recipe)SHAPED(2, 2, I_COAL, 1, 0, I_PLANKS, I_PLANKS, 0);
    w = world_of(&r2, &a, NULL, &st);
    CHECK_INT(st, QK_ERR_INVALID);
    CHECK(w == NULL);
    CHECK_INT(a.live, 0);
}

/* ---- matching ---------------------------------------------------------- */

static void check_grid(const qk_world *w, const qk_item_id *g, uint32_t size, bool table, int want,
                       int line)
{
    int hits;
    int o = oracle(g, size, table, &hits);
    int32_t got = qk_craft_match(w, g, size, table);
    if (got != want || o != want)
        fprintf(stderr, "line %d: size %u table %d: got %d, oracle %d, want %d\n", line, size,
                table, got, o, want);
    CHECK_INT(got, want);
    CHECK_INT(o, want);
    CHECK(hits <= 1);
}

static void every_offset(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_status st;
    qk_world *w = world_of(&reg, &a, NULL, &st);
    for (int i = 0; i < R_COUNT; i++) {
        const qk_recipe *r = &recipes[i];
        for (uint32_t size = 2; size <= 3; size++)
            for (int table = 0; table < 2; table++) {
                int want = table || !needs_table(r) ? i : -1;
                if (r->shaped) {
                    for (uint32_t oy = 0; oy + r->h <= size; oy++)
                        for (uint32_t ox = 0; ox + r->w <= size; ox++)
                            for (int m = 0; m < 2; m++) {
                                qk_item_id g[9] = {0};
                                for (uint32_t y = 0; y < r->h; y++)
                                    for (uint32_t x = 0; x < r->w; x++)
                                        g[(oy + y) * size + ox + (m ? r->w - 1 - x : x)] =
                                            r->in[y * r->w + x];
                                check_grid(w, g, size, table, want, __LINE__);
                            }
                    continue;
                }
                if (r->n_in > size * size)
                    continue;
                for (int trial = 0; trial < 40; trial++) { /* scattered, any order */
                    qk_item_id g[9] = {0};
                    for (uint32_t k = 0; k < r->n_in; k++) {
                        uint32_t c;
                        do
                            c = rnd(size * size);
                        while (g[c]);
                        g[c] = r->in[k];
                    }
                    check_grid(w, g, size, table, want, __LINE__);
                }
            }
    }
    /* Grids that are not grids. */
    qk_item_id g[9] = {I_LOG};
    CHECK_INT(qk_craft_match(w, g, 1, true), -1);
    CHECK_INT(qk_craft_match(w, g, 4, true), -1);
    CHECK_INT(qk_craft_match(w, NULL, 3, true), -1);
    memset(g, 0, sizeof g);
    CHECK_INT(qk_craft_match(w, g, 3, true), -1);
    g[4] = QK_BLOCK_NONE;
    CHECK_INT(qk_craft_match(w, g, 3, true), -1);
    qk_world_destroy(w);
}

/* One cell changed (to air or to each other item), one extra item, a
 * pattern pushed partly off the grid: the oracle decides, and the recipe
 * that was there must never be the answer. */
static void near_misses(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_status st;
    qk_world *w = world_of(&reg, &a, NULL, &st);
    for (int i = 0; i < R_COUNT; i++) {
        const qk_recipe *r = &recipes[i];
        qk_item_id base[9] = {0};
        if (r->shaped) {
            for (uint32_t k = 0; k < (uint32_t)r->w * r->h; k++)
                base[(k / r->w) * 3 + k % r->w] = r->in[k];
        } else {
            memcpy(base, r->in, r->n_in * sizeof base[0]);
        }
        for (uint32_t c = 0; c < 9; c++)
            for (qk_item_id v = 0; v < I_COUNT; v++) {
                if (v == base[c])
                    continue;
                qk_item_id g[9];
                memcpy(g, base, sizeof g);
                g[c] = v;
                int hits;
                int o = oracle(g, 3, true, &hits);
                CHECK(o != i);
                CHECK_INT(qk_craft_match(w, g, 3, true), o);
            }
        if (!r->shaped)
            continue;
        /* Shifted right/down by one with the overhang cut off. */
        for (uint32_t sx = 0; sx <= 1; sx++) {
            uint32_t sy = 1 - sx;
            if (r->w + sx <= 3 && r->h + sy <= 3)
                continue; /* still fits: that is a valid offset, not a miss */
            qk_item_id g[9] = {0};
            for (uint32_t y = 0; y + sy < 3 && y < r->h; y++)
                for (uint32_t x = 0; x + sx < 3 && x < r->w; x++)
                    g[(y + sy) * 3 + x + sx] = r->in[y * r->w + x];
            int hits;
            int o = oracle(g, 3, true, &hits);
            CHECK(o != i);
            CHECK_INT(qk_craft_match(w, g, 3, true), o);
        }
    }
    /* Random grids drawn from the recipes' items, against the oracle. */
    static const qk_item_id pool[] = {I_AIR, I_AIR, I_AIR, I_LOG, I_PLANKS, I_COBBLE, I_STICK,
                                      I_COAL, I_PEARL, I_DIRT, I_GLASS};
    uint32_t matched = 0;
    for (int t = 0; t < 200000; t++) {
        uint32_t size = 2 + rnd(2);
        bool table = rnd(2);
        uint32_t n_items = 1 + rnd(size * size);
        qk_item_id g[9] = {0};
        for (uint32_t k = 0; k < n_items; k++)
            g[rnd(size * size)] = pool[rnd(sizeof pool / sizeof pool[0])];
        int hits;
        int o = oracle(g, size, table, &hits);
        int32_t got = qk_craft_match(w, g, size, table);
        if (got != o) {
            CHECK_INT(got, o);
            break;
        }
        matched += o >= 0;
    }
    CHECK(matched > 1000); /* the draw did reach the recipes */
    qk_world_destroy(w);
}

/* ---- the craft op ------------------------------------------------------ */

static fx_events rec;

/* Records the events of the rules under test only: not digests, light,
 * sky or physics, whose presence is other tests' business. */
static void record_rules(void *ud, const qk_event *ev)
{
    switch (ev->type) {
    case QK_EV_DIGEST:
    case QK_EV_LIGHT_COMMIT:
    case QK_EV_TIME:
    case QK_EV_WEATHER:
    case QK_EV_PLAYER:
        return;
    default:
        fx_record(ud, ev);
    }
}

static void step_in(qk_world *w, qk_input *in, fx_events *r)
{
    qk_sink s = {record_rules, r};
    r->n = 0;
    in->tick = qk_world_tick(w);
    CHECK_INT(qk_step(w, in, 1, &s, NULL), QK_OK);
}

static qk_player_state pstate(const qk_world *w, uint32_t id)
{
    qk_player_state p;
    memset(&p, 0, sizeof p);
    CHECK_INT(qk_player_get(w, id, &p), QK_OK);
    return p;
}

static qk_input craft(uint32_t id, uint32_t seq, uint8_t size, const char *cells, bool table,
                      int32_t x, int32_t y, int32_t z)
{
    qk_input in = fx_op(0, id, seq, QK_OP_CRAFT);
    in.u.craft.size = size;
    /* cells: one char per cell, '.' = none, 'a'.. = slot 0.., the rest none */
    bool end = false;
    for (uint32_t k = 0; k < QK_CRAFT_CELLS; k++) {
        end = end || !cells[k];
        in.u.craft.grid[k] = end || cells[k] == '.' ? QK_SLOT_NONE : (uint8_t)(cells[k] - 'a');
    }
    in.u.craft.has_table = table;
    in.u.craft.x = x;
    in.u.craft.y = y;
    in.u.craft.z = z;
    return in;
}

/* Steps one craft expecting refusal `why`: one craft_rejected naming the
 * player and seq, no inventory event, the slots unchanged. */
static void refuses(qk_world *w, qk_input in, qk_reason why, int line)
{
    qk_player_state before = pstate(w, in.player);
    step_in(w, &in, &rec);
    size_t n = fx_count(&rec, QK_EV_CRAFT_REJECTED, -1);
    const qk_event *e = NULL;
    for (size_t i = 0; i < rec.n; i++)
        if (rec.ev[i].type == QK_EV_CRAFT_REJECTED)
            e = &rec.ev[i];
    if (n != 1 || !e || e->u.craft_rejected.reason != why)
        fprintf(stderr, "line %d: expected craft refusal %s\n", line, qk_reason_name(why));
    CHECK_INT(n, 1);
    if (e) {
        CHECK_INT(e->u.craft_rejected.reason, why);
        CHECK_INT(e->u.craft_rejected.player, in.player);
        CHECK_INT(e->u.craft_rejected.seq, in.seq);
    }
    CHECK_INT(fx_count(&rec, QK_EV_INVENTORY, -1), 0);
    CHECK_INT(fx_count(&rec, QK_EV_REJECT, -1), 0);
    qk_player_state after = pstate(w, in.player);
    CHECK(same_inv(before.inv, after.inv));
}
#define REFUSES(in, why) refuses(w, in, why, __LINE__)

static void slots_eq(qk_slot s, qk_item_id item, uint32_t count, int line)
{
    if (s.item != item || s.count != count)
        fprintf(stderr, "line %d: slot {%u,%u}, want {%u,%u}\n", line, s.item, s.count, item,
                count);
    CHECK(s.item == item && s.count == count);
}
#define SLOT(s, item, count) slots_eq(s, item, count, __LINE__)

static void check_inv_ev(const qk_event *e, uint32_t player, uint32_t slot, qk_item_id bi,
                         uint32_t bc, qk_item_id ai, uint32_t ac, int line)
{
    CHECK_INT(e->type, QK_EV_INVENTORY);
    CHECK_INT(e->u.inv.player, player);
    CHECK_INT(e->u.inv.slot, slot);
    CHECK_INT(e->u.inv.cause, QK_CAUSE_CRAFT);
    slots_eq(e->u.inv.before, bi, bc, line);
    slots_eq(e->u.inv.after, ai, ac, line);
}

static qk_input survivor(uint32_t id, int32_t bx, int32_t bz, qk_gamemode mode)
{
    qk_input in = fx_op(0, id, 0, QK_OP_JOIN);
    in.u.join.x = (qk_fx)bx * QK_FX_ONE + QK_FX_ONE / 2;
    in.u.join.y = (qk_fx)GROUND * QK_FX_ONE;
    in.u.join.z = (qk_fx)bz * QK_FX_ONE + QK_FX_ONE / 2;
    in.u.join.mode = mode;
    in.u.join.inv[0] = (qk_slot){I_LOG, 1};
    in.u.join.inv[1] = (qk_slot){I_PLANKS, 8};
    in.u.join.inv[2] = (qk_slot){I_COBBLE, 5};
    in.u.join.inv[3] = (qk_slot){I_STICK, 4};
    in.u.join.inv[4] = (qk_slot){I_COAL, 1};
    return in;
}

static void craft_op(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_status st;
    qk_world *w = world_of(&reg, &a, NULL, &st);
    /* A table 2 blocks east, one 9 blocks east, ground (dirt) under. */
    CHECK_INT(qk__world_set(w, 2, GROUND, 0, I_TABLE, NULL), QK_OK);
    CHECK_INT(qk__world_set(w, 9, GROUND, 0, I_TABLE, NULL), QK_OK);
    qk_input j = survivor(1, 0, 0, QK_MODE_SURVIVAL);
    step_in(w, &j, &rec);
    uint32_t seq = 1;

    /* Sticks on the 2x2 grid: planks 8 -> 6, sticks onto the stick stack. */
    qk_input in = craft(1, seq++, 2, "b.b.", false, 0, 0, 0);
    step_in(w, &in, &rec);
    CHECK_INT(rec.n, 3); /* inventory x2, crafted */
    check_inv_ev(&rec.ev[0], 1, 1, I_PLANKS, 8, I_PLANKS, 6, __LINE__);
    check_inv_ev(&rec.ev[1], 1, 3, I_STICK, 4, I_STICK, 8, __LINE__);
    const qk_event *e = &rec.ev[2];
    CHECK_INT(e->type, QK_EV_CRAFTED);
    CHECK_INT(e->u.crafted.player, 1);
    CHECK_INT(e->u.crafted.recipe, R_STICKS);
    CHECK_INT(e->u.crafted.n_inputs, 1);
    SLOT(e->u.crafted.inputs[0], I_PLANKS, 2);
    SLOT(e->u.crafted.output, I_STICK, 4);
    CHECK(!e->u.crafted.table);
    /* Mirrored and shifted is the same recipe. */
    in = craft(1, seq++, 2, ".b.b", false, 0, 0, 0);
    step_in(w, &in, &rec);
    CHECK_INT(fx_count(&rec, QK_EV_CRAFTED, -1), 1);
    SLOT(pstate(w, 1).inv[1], I_PLANKS, 4);
    SLOT(pstate(w, 1).inv[3], I_STICK, 12);

    /* The pickaxe on a table in reach: cobble x3 and sticks x2 from two
     * slots; the pick (stack of 1) goes to the first empty slot. */
    in = craft(1, seq++, 3, "ccc.d..d.", true, 2, GROUND, 0);
    step_in(w, &in, &rec);
    CHECK_INT(rec.n, 4);
    check_inv_ev(&rec.ev[0], 1, 2, I_COBBLE, 5, I_COBBLE, 2, __LINE__);
    check_inv_ev(&rec.ev[1], 1, 3, I_STICK, 12, I_STICK, 10, __LINE__);
    check_inv_ev(&rec.ev[2], 1, 5, I_AIR, 0, I_PICK, 1, __LINE__);
    e = &rec.ev[3];
    CHECK_INT(e->type, QK_EV_CRAFTED);
    CHECK_INT(e->u.crafted.recipe, R_PICK);
    CHECK_INT(e->u.crafted.n_inputs, 2);
    SLOT(e->u.crafted.inputs[0], I_COBBLE, 3);
    SLOT(e->u.crafted.inputs[1], I_STICK, 2);
    SLOT(e->u.crafted.output, I_PICK, 1);
    CHECK(e->u.crafted.table);

    /* Planks from the log: by the pickup rule they join the planks stack
     * rather than the slot the log left. */
    in = craft(1, seq++, 2, "a...", false, 0, 0, 0);
    step_in(w, &in, &rec);
    CHECK_INT(rec.n, 3);
    check_inv_ev(&rec.ev[0], 1, 0, I_LOG, 1, I_AIR, 0, __LINE__);
    check_inv_ev(&rec.ev[1], 1, 1, I_PLANKS, 4, I_PLANKS, 8, __LINE__);
    CHECK_INT(rec.ev[2].u.crafted.recipe, R_PLANKS);

    /* Refusals, in the order they are checked. */
    REFUSES(craft(1, seq++, 4, "b", false, 0, 0, 0), QK_REASON_BAD_ARGUMENT);
    REFUSES(craft(1, seq++, 1, "b", false, 0, 0, 0), QK_REASON_BAD_ARGUMENT);
    qk_input bad = craft(1, seq++, 2, "b...", false, 0, 0, 0);
    bad.u.craft.grid[3] = 36;
    REFUSES(bad, QK_REASON_BAD_ARGUMENT);
    REFUSES(craft(1, seq++, 3, "ccc.d..d.", false, 2, GROUND, 0), QK_REASON_NEEDS_TABLE);
    REFUSES(craft(1, seq++, 3, "ccc.d..d.", true, 9, GROUND, 0), QK_REASON_REACH);
    REFUSES(craft(1, seq++, 3, "ccc.d..d.", true, 1, GROUND - 1, 0), QK_REASON_NOT_A_TABLE);
    REFUSES(craft(1, seq++, 3, "ccc.d..d.", true, 1, GROUND, 0), QK_REASON_NOT_A_TABLE); /* air */
    REFUSES(craft(1, seq++, 3, "ccc.d..d.", true, 100, GROUND, 0), QK_REASON_OUT_OF_WORLD);
    /* a table named with a 2x2 grid is checked all the same */
    REFUSES(craft(1, seq++, 2, "bb", true, 9, GROUND, 0), QK_REASON_REACH);
    REFUSES(craft(1, seq++, 2, "g...", false, 0, 0, 0), QK_REASON_EMPTY_SLOT);
    /* one coal for two cells; then coal and stick side by side */
    REFUSES(craft(1, seq++, 2, "ee..", false, 0, 0, 0), QK_REASON_NOT_ENOUGH);
    REFUSES(craft(1, seq++, 2, "ed..", false, 0, 0, 0), QK_REASON_NO_RECIPE);
    REFUSES(craft(1, seq++, 2, "....", false, 0, 0, 0), QK_REASON_NO_RECIPE);
    REFUSES(craft(1, seq++, 3, "ccc......", true, 2, GROUND, 0), QK_REASON_NOT_ENOUGH); /* 2 left */
    /* The torch: coal over stick works on the 2x2 grid... */
    in = craft(1, seq++, 2, ".e.d", false, 0, 0, 0);
    step_in(w, &in, &rec);
    CHECK_INT(fx_count(&rec, QK_EV_CRAFTED, -1), 1);
    SLOT(pstate(w, 1).inv[0], I_TORCH, 4); /* the first empty slot */
    SLOT(pstate(w, 1).inv[4], I_AIR, 0);   /* the coal is gone */
    SLOT(pstate(w, 1).inv[3], I_STICK, 9);

    /* Output that does not fit once the inputs are gone. */
    qk_input full = survivor(2, 1, 1, QK_MODE_SURVIVAL);
    for (uint32_t s = 0; s < QK_INV_SLOTS; s++)
        full.u.join.inv[s] = (qk_slot){I_DIRT, 64};
    full.u.join.inv[0] = (qk_slot){I_PLANKS, 3};
    full.u.join.inv[1] = (qk_slot){I_STICK, 64};
    full.u.join.inv[2] = (qk_slot){I_LOG, 2};
    step_in(w, &full, &rec);
    REFUSES(craft(2, 1, 2, "a.a.", false, 0, 0, 0), QK_REASON_INVENTORY_FULL);
    /* ...while planks from a log fit on the planks stack (3 + 4 <= 64). */
    in = craft(2, 2, 2, "c...", false, 0, 0, 0);
    step_in(w, &in, &rec);
    CHECK_INT(fx_count(&rec, QK_EV_CRAFTED, -1), 1);
    SLOT(pstate(w, 2).inv[0], I_PLANKS, 7);

    /* With every other slot full, the output takes the slot the inputs
     * emptied: two events on one slot, inputs first. */
    qk_input packed = survivor(4, -2, 1, QK_MODE_SURVIVAL);
    for (uint32_t s = 0; s < QK_INV_SLOTS; s++)
        packed.u.join.inv[s] = (qk_slot){I_DIRT, 64};
    packed.u.join.inv[7] = (qk_slot){I_LOG, 1};
    step_in(w, &packed, &rec);
    in = craft(4, 1, 2, "...h", false, 0, 0, 0);
    step_in(w, &in, &rec);
    CHECK_INT(rec.n, 3);
    check_inv_ev(&rec.ev[0], 4, 7, I_LOG, 1, I_AIR, 0, __LINE__);
    check_inv_ev(&rec.ev[1], 4, 7, I_AIR, 0, I_PLANKS, 4, __LINE__);
    CHECK_INT(rec.ev[2].type, QK_EV_CRAFTED);

    /* Creative players craft by the same rules. */
    qk_input cj = survivor(3, -1, -1, QK_MODE_CREATIVE);
    step_in(w, &cj, &rec);
    in = craft(3, 1, 2, "bb..", false, 0, 0, 0);
    REFUSES(in, QK_REASON_NO_RECIPE);
    in = craft(3, 2, 2, "bbbb", false, 0, 0, 0);
    step_in(w, &in, &rec);
    CHECK_INT(fx_count(&rec, QK_EV_CRAFTED, -1), 1);
    SLOT(pstate(w, 3).inv[1], I_PLANKS, 4);
    SLOT(pstate(w, 3).inv[5], I_TABLE, 1);

    /* A player who has not joined is refused like any other input. */
    in = craft(9, 1, 2, "bbbb", false, 0, 0, 0);
    step_in(w, &in, &rec);
    CHECK_INT(fx_count(&rec, QK_EV_REJECT, QK_REASON_UNKNOWN_PLAYER), 1);
    CHECK_INT(fx_count(&rec, QK_EV_CRAFT_REJECTED, -1), 0);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

int main(void)
{
    validation();
    every_offset();
    near_misses();
    craft_op();
    return qt_report();
}
