/* craft.c - STUB while the crafting rules are written. */
#include "step.h"

qk_status qk__craft(qk__step *c, const qk_input *in, qk__player *p)
{
    (void)p;
    qk__reject(c, in, QK_REASON_BAD_ARGUMENT);
    return QK_OK;
}

int32_t qk_craft_match(const qk_world *w, const qk_item_id *grid, uint32_t size, bool table)
{
    (void)w, (void)grid, (void)size, (void)table;
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

qk_status qk__recipes_check(const qk_registry *reg, qk_diag *diag)
{
    (void)reg, (void)diag;
    return QK_OK;
}
