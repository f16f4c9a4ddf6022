/*
 * craft.c - recipes: their validation, grid matching and the craft op.
 *
 * Matching.  A grid is first trimmed to the bounding box of its items.  A
 * shaped recipe is tight (validated), so it can only match a grid whose
 * box has exactly its w x h, and then only cell for cell, as written or
 * mirrored left to right; the offset inside the grid no longer matters.
 * A shapeless recipe matches when the grid's items, sorted, equal its own
 * ingredients, sorted.  Both tests start with a constant-time reject (box
 * size, item count), so a match is O(recipes) with only a handful of
 * recipes ever compared cell by cell, and it needs no memory: nothing is
 * precomputed, because the world's recipe table is the caller's data
 * copied verbatim (it is hashed and handed back by qk_recipe_at), and
 * sorting at most nine ids on the stack costs less than keeping a second
 * table in step with it.
 *
 * Uniqueness.  Registry validation refuses any two recipes that could
 * match one grid - shaped pairs equal or mirror images of each other,
 * shapeless pairs with one multiset, a shaped pattern whose items form a
 * shapeless recipe's multiset - so the first match is the only one, and
 * the order of the table never decides a craft.  The check is pairwise,
 * O(n^2) with cheap early outs, and runs when a world is created or
 * restored, never in a step.
 *
 * The craft op is all-or-nothing: every check (grid, table, slots, recipe,
 * room for the output once the inputs are gone) runs on the current state
 * or a copy before the first write, and a refusal is one craft_rejected
 * event.  Inputs go first, then the output arrives by the pickup rule, so
 * the output may land in a slot the inputs just emptied.
 */
#include <string.h>

#include "step.h"

/* ---- shared by matching and validation ------------------------------- */

static void sort_ids(qk_item_id *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        qk_item_id k = a[i];
        uint32_t j = i;
        while (j > 0 && a[j - 1] > k) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = k;
    }
}

static bool needs_table(const qk_recipe *r)
{
    return r->shaped ? r->w == 3 || r->h == 3 : r->n_in > 4;
}

/* How many items a recipe consumes. */
static uint32_t items_of(const qk_recipe *r)
{
    if (!r->shaped)
        return r->n_in;
    uint32_t n = 0;
    for (uint32_t k = 0; k < (uint32_t)r->w * r->h; k++)
        n += r->in[k] != QK_BLOCK_AIR;
    return n;
}

/* A recipe's ingredients as a sorted multiset (shaped: its non-air cells);
 * returns how many. */
static uint32_t multiset(const qk_recipe *r, qk_item_id out[QK_CRAFT_CELLS])
{
    uint32_t n = 0;
    if (r->shaped) {
        for (uint32_t k = 0; k < (uint32_t)r->w * r->h; k++)
            if (r->in[k] != QK_BLOCK_AIR)
                out[n++] = r->in[k];
    } else {
        memcpy(out, r->in, r->n_in * sizeof out[0]);
        n = r->n_in;
    }
    sort_ids(out, n);
    return n;
}

/* Does the w x h pattern `p` equal shaped r, as written (mirror false) or
 * mirrored left to right? */
static bool shape_eq(const qk_recipe *r, const qk_item_id *p, bool mirror)
{
    for (uint32_t y = 0; y < r->h; y++)
        for (uint32_t x = 0; x < r->w; x++) {
            uint32_t sx = mirror ? r->w - 1 - x : x;
            if (p[y * r->w + x] != r->in[y * r->w + sx])
                return false;
        }
    return true;
}

/* ---- matching ---------------------------------------------------------- */

int32_t qk_craft_match(const qk_world *w, const qk_item_id *grid, uint32_t size, bool table)
{
    if (!grid || (size != 2 && size != 3))
        return -1;
    uint32_t x0 = size, x1 = 0, y0 = size, y1 = 0, n = 0;
    qk_item_id items[QK_CRAFT_CELLS];
    for (uint32_t y = 0; y < size; y++)
        for (uint32_t x = 0; x < size; x++) {
            qk_item_id id = grid[y * size + x];
            if (id == QK_BLOCK_AIR)
                continue;
            items[n++] = id;
            x0 = x < x0 ? x : x0;
            x1 = x > x1 ? x : x1;
            y0 = y < y0 ? y : y0;
            y1 = y > y1 ? y : y1;
        }
    if (n == 0)
        return -1;
    uint32_t bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    qk_item_id box[QK_CRAFT_CELLS];
    for (uint32_t y = 0; y < bh; y++)
        for (uint32_t x = 0; x < bw; x++)
            box[y * bw + x] = grid[(y0 + y) * size + x0 + x];
    bool sorted = false;

    for (uint32_t i = 0; i < w->recipe_count; i++) {
        const qk_recipe *r = &w->recipes[i];
        if (!table && needs_table(r))
            continue;
        if (r->shaped) {
            if (r->w == bw && r->h == bh && (shape_eq(r, box, false) || shape_eq(r, box, true)))
                return (int32_t)i;
            continue;
        }
        if (r->n_in != n)
            continue;
        if (!sorted) {
            sort_ids(items, n);
            sorted = true;
        }
        qk_item_id want[QK_CRAFT_CELLS];
        multiset(r, want);
        if (memcmp(want, items, n * sizeof items[0]) == 0)
            return (int32_t)i;
    }
    return -1;
}

const qk_recipe *qk_recipe_at(const qk_world *w, uint32_t i)
{
    return i < w->recipe_count ? &w->recipes[i] : NULL;
}

uint32_t qk_recipe_count(const qk_world *w)
{
    return w->recipe_count;
}

/* ---- validation -------------------------------------------------------- */

static bool item_ok(const qk_registry *reg, qk_item_id id)
{
    return id != QK_BLOCK_AIR && id < reg->count;
}

/* What is wrong with recipe r on its own, or NULL. */
static const char *recipe_fault(const qk_registry *reg, const qk_recipe *r)
{
    if (r->shaped) {
        if (r->w < 1 || r->w > 3 || r->h < 1 || r->h > 3)
            return "shaped recipe: w and h must be 1..3";
        bool top = false, bottom = false, left = false, right = false;
        for (uint32_t y = 0; y < r->h; y++)
            for (uint32_t x = 0; x < r->w; x++) {
                qk_item_id id = r->in[y * r->w + x];
                if (id == QK_BLOCK_AIR)
                    continue;
                if (!item_ok(reg, id))
                    return "shaped recipe: a cell names an id outside the registry";
                top |= y == 0;
                bottom |= y == r->h - 1u;
                left |= x == 0;
                right |= x == r->w - 1u;
            }
        if (!(top && bottom && left && right))
            return "shaped recipe: the pattern is not tight (an empty edge row or column)";
    } else {
        if (r->n_in < 1 || r->n_in > QK_CRAFT_CELLS)
            return "shapeless recipe: n_in must be 1..9";
        for (uint32_t k = 0; k < r->n_in; k++)
            if (!item_ok(reg, r->in[k]))
                return "shapeless recipe: an ingredient is air or outside the registry";
    }
    if (!item_ok(reg, r->out))
        return "recipe output is air or outside the registry";
    uint32_t max = reg->blocks[r->out].max_stack ? reg->blocks[r->out].max_stack : QK_MAX_STACK;
    if (r->out_count < 1 || r->out_count > max)
        return "recipe out_count must be 1..the output's max stack";
    return NULL;
}

/* Could valid recipes a and b match the same grid? */
static bool overlap(const qk_recipe *a, const qk_recipe *b)
{
    if (a->shaped && b->shaped)
        return a->w == b->w && a->h == b->h &&
               (shape_eq(a, b->in, false) || shape_eq(a, b->in, true));
    if (items_of(a) != items_of(b))
        return false;
    qk_item_id ma[QK_CRAFT_CELLS], mb[QK_CRAFT_CELLS];
    uint32_t na = multiset(a, ma), nb = multiset(b, mb);
    return na == nb && memcmp(ma, mb, na * sizeof ma[0]) == 0;
}

qk_status qk__recipes_check(const qk_registry *reg, qk_diag *diag)
{
    for (uint32_t i = 0; i < reg->recipe_count; i++) {
        const char *fault = recipe_fault(reg, &reg->recipes[i]);
        if (fault)
            return qk__fail(diag, QK_ERR_INVALID, fault, i);
        for (uint32_t j = 0; j < i; j++)
            if (overlap(&reg->recipes[j], &reg->recipes[i]))
                return qk__fail(diag, QK_ERR_INVALID,
                                "two recipes match the same grid (equal, mirrored, or one "
                                "shaped pattern with a shapeless recipe's items)", i);
    }
    return QK_OK;
}

/* ---- the craft op ------------------------------------------------------ */

static qk_status refuse(qk__step *c, const qk_input *in, qk_reason why)
{
    c->ev.type = QK_EV_CRAFT_REJECTED;
    c->ev.u.craft_rejected.player = in->player;
    c->ev.u.craft_rejected.seq = in->seq;
    c->ev.u.craft_rejected.reason = why;
    qk__emit(c);
    return QK_OK;
}

/* The table named by a craft input: 0 if it is one the player may use. */
static qk_reason table_fault(const qk_world *w, const qk_input *in, const qk__player *p)
{
    int32_t x = in->u.craft.x, y = in->u.craft.y, z = in->u.craft.z;
    qk_block_id b;
    if (!qk__world_get(w, x, y, z, &b))
        return QK_REASON_OUT_OF_WORLD;
    if (!w->blocks[b].crafting_table)
        return QK_REASON_NOT_A_TABLE;
    if (!qk__in_reach(p, x, y, z))
        return QK_REASON_REACH;
    return 0;
}

/* Fills the crafted event's inputs: distinct items of `used` (how many of
 * each slot the grid consumes), ascending id, with their totals. */
static void list_inputs(const qk__player *p, const uint8_t used[QK_INV_SLOTS], qk_event *ev)
{
    uint32_t n = 0;
    qk_slot *list = ev->u.crafted.inputs;
    for (uint32_t s = 0; s < QK_INV_SLOTS; s++) {
        if (!used[s])
            continue;
        qk_item_id id = p->s.inv[s].item;
        uint32_t k = 0;
        while (k < n && list[k].item < id)
            k++;
        if (k < n && list[k].item == id) {
            list[k].count = (uint8_t)(list[k].count + used[s]);
            continue;
        }
        memmove(&list[k + 1], &list[k], (n - k) * sizeof list[0]);
        list[k] = (qk_slot){id, used[s]};
        n++;
    }
    ev->u.crafted.n_inputs = n;
}

qk_status qk__craft(qk__step *c, const qk_input *in, qk__player *p)
{
    qk_world *w = c->w;
    uint32_t size = in->u.craft.size;
    if (size != 2 && size != 3)
        return refuse(c, in, QK_REASON_BAD_ARGUMENT);
    uint8_t used[QK_INV_SLOTS] = {0};
    for (uint32_t k = 0; k < size * size; k++) {
        uint8_t s = in->u.craft.grid[k];
        if (s == QK_SLOT_NONE)
            continue;
        if (s >= QK_INV_SLOTS)
            return refuse(c, in, QK_REASON_BAD_ARGUMENT);
        used[s]++;
    }
    bool table = in->u.craft.has_table;
    if (size == 3 && !table)
        return refuse(c, in, QK_REASON_NEEDS_TABLE);
    qk_reason why = table ? table_fault(w, in, p) : 0;
    if (why)
        return refuse(c, in, why);
    for (uint32_t s = 0; s < QK_INV_SLOTS; s++)
        if (used[s] && p->s.inv[s].count == 0)
            return refuse(c, in, QK_REASON_EMPTY_SLOT);
    for (uint32_t s = 0; s < QK_INV_SLOTS; s++)
        if (used[s] > p->s.inv[s].count)
            return refuse(c, in, QK_REASON_NOT_ENOUGH);

    qk_item_id items[QK_CRAFT_CELLS];
    for (uint32_t k = 0; k < size * size; k++) {
        uint8_t s = in->u.craft.grid[k];
        items[k] = s == QK_SLOT_NONE ? QK_BLOCK_AIR : p->s.inv[s].item;
    }
    /* A 2x2 grid cannot hold a table-only recipe and a 3x3 one has a
     * table by now, so `table` never hides a match that needs one. */
    int32_t idx = qk_craft_match(w, items, size, table);
    if (idx < 0)
        return refuse(c, in, QK_REASON_NO_RECIPE);
    const qk_recipe *r = &w->recipes[idx];

    qk_slot spent[QK_INV_SLOTS], after[QK_INV_SLOTS];
    memcpy(spent, p->s.inv, sizeof spent);
    for (uint32_t s = 0; s < QK_INV_SLOTS; s++) {
        spent[s].count = (uint8_t)(spent[s].count - used[s]);
        if (spent[s].count == 0)
            spent[s].item = QK_BLOCK_AIR;
    }
    memcpy(after, spent, sizeof after);
    if (qk__inv_fit(w, after, r->out, r->out_count) != 0)
        return refuse(c, in, QK_REASON_INVENTORY_FULL);

    qk_event done;
    memset(&done, 0, sizeof done);
    list_inputs(p, used, &done);
    qk__inv_commit(c, p, spent, QK_CAUSE_CRAFT);
    qk__inv_commit(c, p, after, QK_CAUSE_CRAFT);
    c->ev.type = QK_EV_CRAFTED;
    c->ev.u.crafted = done.u.crafted;
    c->ev.u.crafted.player = p->s.id;
    c->ev.u.crafted.recipe = (uint32_t)idx;
    c->ev.u.crafted.output = (qk_slot){r->out, r->out_count};
    c->ev.u.crafted.table = table;
    qk__emit(c);
    return QK_OK;
}
