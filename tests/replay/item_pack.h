/*
 * item_pack.h - packs built in memory for the replay tests: blocks, items
 * and named recipes without going through a pack file, so the tests of
 * scenarios, events and runs do not depend on what packs/default.json
 * holds.  ip_free releases what ip_make allocated (the recipe tables too,
 * whichever of them qr_pack_free itself releases).
 */
#ifndef QUARRY_TEST_ITEM_PACK_H
#define QUARRY_TEST_ITEM_PACK_H

#include <stdlib.h>
#include <string.h>

#include "quarry/qr.h"

typedef struct ip_entry {
    const char *name;
    qk_block_def def;
} ip_entry;

typedef struct ip_recipe {
    const char *name;
    qk_recipe r;
} ip_recipe;

static char *ip_dup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    if (d)
        strcpy(d, s);
    return d;
}

/* Entry i of `e` gets id i.  NULL when memory runs out. */
static qr_pack *ip_make(const char *name, const ip_entry *e, uint32_t n, const ip_recipe *r,
                        uint32_t nr)
{
    qr_pack *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    strncpy(p->name, name, QR_NAME_MAX);
    p->count = n;
    p->defs = calloc(n, sizeof *p->defs);
    p->names = calloc(n, sizeof *p->names);
    p->recipes = calloc(nr ? nr : 1, sizeof *p->recipes);
    p->recipe_names = calloc(nr ? nr : 1, sizeof *p->recipe_names);
    if (!p->defs || !p->names || !p->recipes || !p->recipe_names)
        return NULL;
    for (uint32_t i = 0; i < n; i++) {
        p->defs[i] = e[i].def;
        p->names[i] = ip_dup(e[i].name);
    }
    for (uint32_t i = 0; i < nr; i++) {
        p->recipes[i] = r[i].r;
        p->recipe_names[i] = ip_dup(r[i].name);
    }
    p->recipe_count = nr;
    p->registry = (qk_registry){p->defs, n, p->recipes, nr};
    return p;
}

static void ip_free(qr_pack *p)
{
    if (!p)
        return;
    for (uint32_t i = 0; i < p->recipe_count; i++)
        free(p->recipe_names[i]);
    free(p->recipe_names);
    free(p->recipes);
    p->recipe_names = NULL;
    p->recipes = NULL;
    p->recipe_count = 0;
    qr_pack_free(p);
}

/* Blocks of a small world and the items crafted from them. */
#define IP_BLOCK(op, so, br, em, drops) {op, so, br, em, drops, 0, false, false}
enum { IP_AIR, IP_STONE, IP_GRASS, IP_DIRT, IP_BEDROCK, IP_PLANKS, IP_STICK, IP_TABLE,
       IP_SHOVEL, IP_SNOWBALL, IP_TORCH, IP__COUNT };

static qr_pack *ip_items(void)
{
    static const ip_entry e[IP__COUNT] = {
        [IP_AIR] = {"air", IP_BLOCK(false, false, false, 0, QK_BLOCK_NONE)},
        [IP_STONE] = {"stone", IP_BLOCK(true, true, true, 0, IP_STONE)},
        [IP_GRASS] = {"grass", IP_BLOCK(true, true, true, 0, IP_DIRT)},
        [IP_DIRT] = {"dirt", IP_BLOCK(true, true, true, 0, IP_DIRT)},
        [IP_BEDROCK] = {"bedrock", IP_BLOCK(true, true, false, 0, QK_BLOCK_NONE)},
        [IP_PLANKS] = {"oak_planks", IP_BLOCK(true, true, true, 0, IP_PLANKS)},
        [IP_STICK] = {"stick", {false, false, false, 0, QK_BLOCK_NONE, 0, true, false}},
        [IP_TABLE] = {"crafting_table", {true, true, true, 0, IP_TABLE, 0, false, true}},
        [IP_SHOVEL] = {"shovel", {false, false, false, 0, QK_BLOCK_NONE, 1, true, false}},
        [IP_SNOWBALL] = {"snowball", {false, false, false, 0, QK_BLOCK_NONE, 16, true, false}},
        [IP_TORCH] = {"torch", IP_BLOCK(false, false, true, 14, IP_TORCH)},
    };
    static const ip_recipe r[] = {
        {"sticks", {true, 1, 2, 0, {IP_PLANKS, IP_PLANKS}, IP_STICK, 4}},
        {"table", {true, 2, 2, 0, {IP_PLANKS, IP_PLANKS, IP_PLANKS, IP_PLANKS}, IP_TABLE, 1}},
        {"shovel", {true, 1, 3, 0, {IP_STONE, IP_STICK, IP_STICK}, IP_SHOVEL, 1}},
    };
    return ip_make("items", e, IP__COUNT, r, sizeof r / sizeof r[0]);
}

#endif
