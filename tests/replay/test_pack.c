/*
 * test_pack.c - block packs: the default pack loads (blocks unchanged, the
 * crafting table, items, recipes); each malformed pack is refused with the
 * right line:col and message; a pack's recipes file is found beside it.
 * Recipes themselves are tested in test_recipes.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "quarry/qr.h"

static void bad(const char *text, unsigned line, unsigned col, const char *needle)
{
    qr_pack *p = (qr_pack *)1;
    qr_error e;
    memset(&e, 0, sizeof e);
    qr_status st = qr_pack_parse(&p, "p.json", text, strlen(text), &e);
    CHECK_INT(st, QR_ERR_INPUT);
    CHECK(p == NULL);
    CHECK_STR(e.file, "p.json");
    CHECK_INT(e.line, line);
    CHECK_INT(e.col, col);
    CHECK(strstr(e.msg, needle) != NULL);
    if (!strstr(e.msg, needle) || e.line != line || e.col != col)
        fprintf(stderr, "  got %u:%u: %s\n", e.line, e.col, e.msg);
}

#define AIR "{\"id\":0,\"name\":\"air\",\"opaque\":false,\"solid\":false,\"breakable\":false}"
#define HEAD "{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
#define STONE_2 "{\"id\":2,\"name\":\"t\",\"opaque\":true,\"solid\":true}"
#define STONE "{\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true}"

/* The default pack's blocks as they were before items existed: golden
 * event streams depend on every one of these. */
typedef struct old_block {
    const char *name;
    bool opaque, solid, breakable;
    uint8_t emissive;
    const char *drops; /* NULL: nothing */
} old_block;

static const old_block default_blocks[] = {
    {"air", false, false, false, 0, NULL},
    {"stone", true, true, true, 0, "cobblestone"},
    {"cobblestone", true, true, true, 0, "cobblestone"},
    {"dirt", true, true, true, 0, "dirt"},
    {"grass", true, true, true, 0, "dirt"},
    {"sand", true, true, true, 0, "sand"},
    {"gravel", true, true, true, 0, "gravel"},
    {"bedrock", true, true, false, 0, NULL},
    {"oak_log", true, true, true, 0, "oak_log"},
    {"oak_planks", true, true, true, 0, "oak_planks"},
    {"glass", false, true, true, 0, NULL},
    {"torch", false, false, true, 14, "torch"},
    {"glowstone", true, true, true, 15, "glowstone"},
    {"lamp", true, true, true, 15, "lamp"},
    {"coal_ore", true, true, true, 0, "coal"},
    {"wool", true, true, true, 0, "wool"},
    {"crafting_table", true, true, true, 0, "crafting_table"},
};

static const struct {
    const char *name;
    qk_block_id id;
    uint8_t stack;
} default_items[] = {
    {"stick", 256, 64},         {"coal", 257, 64},       {"wooden_pickaxe", 258, 1},
    {"stone_pickaxe", 259, 1},  {"wooden_axe", 260, 1},  {"wooden_shovel", 261, 1},
    {"snowball", 262, 16},
};

static void *alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud, (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

static bool kernel_accepts(const qr_pack *p)
{
    qk_world_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.generator = QK_GEN_EMPTY;
    qk_allocator al = {alloc_fn, NULL};
    qk_world *w = NULL;
    qk_diag d;
    memset(&d, 0, sizeof d);
    if (qk_world_create(&w, &cfg, &p->registry, &al, &d) != QK_OK) {
        fprintf(stderr, "  kernel refused the registry: %s (at %llu)\n",
                d.what ? d.what : "?", (unsigned long long)d.offset);
        return false;
    }
    qk_world_destroy(w);
    return true;
}

static void test_default(void)
{
    qr_pack *p;
    qr_error e;
    qr_status st = qr_pack_load(&p, QUARRY_SOURCE_DIR "/packs/default.json", &e);
    CHECK_INT(st, QR_OK);
    if (st) {
        qr_error_print(&e, stderr);
        return;
    }
    for (size_t i = 0; i < sizeof default_blocks / sizeof default_blocks[0]; i++) {
        const old_block *b = &default_blocks[i];
        const qk_block_def *d = &p->defs[i];
        qk_block_id drops = QK_BLOCK_NONE;
        CHECK_STR(qr_pack_block_name(p, (qk_block_id)i), b->name);
        CHECK(!b->drops || qr_pack_lookup(p, b->drops, &drops));
        CHECK(d->opaque == b->opaque && d->solid == b->solid && d->breakable == b->breakable);
        CHECK_INT(d->emissive, b->emissive);
        CHECK_INT(d->drops, drops);
        CHECK_INT(d->max_stack, 64);
        CHECK(!d->item_only);
        CHECK(d->crafting_table == (strcmp(b->name, "crafting_table") == 0));
    }
    for (size_t i = 0; i < sizeof default_items / sizeof default_items[0]; i++) {
        qk_block_id id = QK_BLOCK_NONE;
        CHECK(qr_pack_lookup(p, default_items[i].name, &id));
        CHECK_INT(id, default_items[i].id);
        const qk_block_def *d = &p->defs[default_items[i].id];
        CHECK(d->item_only && !d->opaque && !d->solid && !d->breakable && !d->crafting_table);
        CHECK_INT(d->emissive, 0);
        CHECK_INT(d->drops, QK_BLOCK_NONE);
        CHECK_INT(d->max_stack, default_items[i].stack);
    }
    CHECK_INT(p->count, 263);
    /* ids 17..255 are holes: placeholder items nothing names */
    CHECK(qr_pack_block_name(p, 17) == NULL && qr_pack_block_name(p, 255) == NULL);
    CHECK(p->defs[17].item_only && !p->defs[17].breakable && p->defs[17].drops == QK_BLOCK_NONE);
    CHECK_INT(p->recipe_count, 9);
    CHECK(p->registry.recipes == p->recipes && p->registry.recipe_count == 9);
    CHECK(kernel_accepts(p));
    qr_pack_free(p);
}

/* A scratch directory holding pack.json and, when recipes is not NULL,
 * recipes.json; loads the pack into *out.  Returns the status. */
static qr_status load_pair(const char *pack, const char *recipes, qr_pack **out, qr_error *e,
                           char *dir, size_t cap)
{
    char tmpl[] = "/tmp/quarry_pack_XXXXXX";
    if (!mkdtemp(tmpl))
        return QR_ERR_IO;
    snprintf(dir, cap, "%s", tmpl);
    char path[256];
    snprintf(path, sizeof path, "%s/pack.json", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return QR_ERR_IO;
    fputs(pack, f);
    fclose(f);
    if (recipes) {
        char rp[256];
        snprintf(rp, sizeof rp, "%s/recipes.json", dir);
        if (!(f = fopen(rp, "w")))
            return QR_ERR_IO;
        fputs(recipes, f);
        fclose(f);
    }
    memset(e, 0, sizeof *e);
    return qr_pack_load(out, path, e);
}

static void clean_pair(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/pack.json", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/recipes.json", dir);
    remove(path);
    remove(dir);
}

static void test_files(void)
{
    static const char pack[] =
        HEAD "{\"id\":1,\"name\":\"log\",\"opaque\":true,\"solid\":true}],\n"
        "\"items\":[{\"id\":2,\"name\":\"stick\",\"stack\":16}],\n"
        "\"recipes\": \"recipes.json\"}";
    char dir[64], want[128];
    qr_pack *p = NULL;
    qr_error e;

    /* recipes found beside the pack */
    qr_status st = load_pair(pack,
                             "{\"format\":1,\"recipes\":[{\"ingredients\":[\"log\"],"
                             "\"result\":{\"item\":\"stick\",\"count\":16}}]}",
                             &p, &e, dir, sizeof dir);
    CHECK_INT(st, QR_OK);
    if (!st) {
        CHECK_INT(p->recipe_count, 1);
        CHECK_STR(qr_pack_recipe_name(p, 0), "stick");
        CHECK(!p->recipes[0].shaped && p->recipes[0].in[0] == 1 && p->recipes[0].out == 2);
        CHECK_INT(p->recipes[0].out_count, 16);
        CHECK(kernel_accepts(p));
        qr_pack_free(p);
    } else {
        qr_error_print(&e, stderr);
    }
    clean_pair(dir);

    /* a mistake in the recipes file names that file */
    st = load_pair(pack,
                   "{\"format\":1,\"recipes\":[\n {\"ingredients\":[\"log\"],"
                   "\"result\":{\"item\":\"stick\",\"count\":17}}]}",
                   &p, &e, dir, sizeof dir);
    CHECK_INT(st, QR_ERR_INPUT);
    CHECK(p == NULL);
    snprintf(want, sizeof want, "%s/recipes.json", dir);
    CHECK_STR(e.file, want);
    CHECK_INT(e.line, 2);
    CHECK_INT(e.col, 58);
    CHECK(strstr(e.msg, "from 1 to 16 (the stack size of \"stick\"), got 17") != NULL);
    clean_pair(dir);

    /* a recipes file that is not there: reported at the pack's key */
    st = load_pair(pack, NULL, &p, &e, dir, sizeof dir);
    CHECK_INT(st, QR_ERR_INPUT);
    CHECK(p == NULL);
    snprintf(want, sizeof want, "%s/pack.json", dir);
    CHECK_STR(e.file, want);
    CHECK_INT(e.line, 4);
    CHECK_INT(e.col, 12);
    CHECK(strstr(e.msg, "recipes file \"") != NULL && strstr(e.msg, "cannot open") != NULL);
    clean_pair(dir);

    /* parsed from memory, the key is checked but not followed */
    st = qr_pack_parse(&p, "p.json", pack, strlen(pack), &e);
    CHECK_INT(st, QR_OK);
    if (!st) {
        CHECK_INT(p->recipe_count, 0);
        CHECK(p->registry.recipe_count == 0);
        CHECK(kernel_accepts(p));
        qr_pack_free(p);
    }
}

/* "color": presentation only, parsed with positions, kept out of the
 * registry (the registry hash, and so every golden, ignores it). */
static void test_colors(void)
{
    const char *ok = HEAD "{\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,"
                          "\"color\":\"#7D7d0a\"},\n" STONE_2 "]}";
    qr_pack *p = NULL;
    qr_error e;
    CHECK_INT(qr_pack_parse(&p, "p.json", ok, strlen(ok), &e), QR_OK);
    if (p) {
        CHECK(p->has_color[1] && !p->has_color[2] && !p->has_color[0]);
        CHECK_INT(p->color[1][0], 0x7d);
        CHECK_INT(p->color[1][1], 0x7d);
        CHECK_INT(p->color[1][2], 0x0a);
        qr_pack_free(p);
    }
    bad(HEAD "{\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"color\":\"#12345\"}]}",
        2, 55, "#rrggbb");
    bad(HEAD "{\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"color\":\"#12345g\"}]}",
        2, 55, "six hex digits");
    bad(HEAD "{\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"color\":7}]}", 2, 55,
        "color");
    /* Every block of the default pack has a colour. */
    CHECK_INT(qr_pack_load(&p, QUARRY_SOURCE_DIR "/packs/default.json", &e), QR_OK);
    if (p) {
        for (uint32_t i = 1; i < p->count; i++)
            if (p->names[i] && !p->defs[i].item_only)
                CHECK(p->has_color[i]);
        qr_pack_free(p);
    }
}

int main(void)
{
    test_default();
    test_colors();
    test_files();

    qr_pack *p;
    qr_error e;
    qr_status st;

    /* lookups on the default pack */
    st = qr_pack_load(&p, QUARRY_SOURCE_DIR "/packs/default.json", &e);
    CHECK_INT(st, QR_OK);
    if (st) {
        qr_error_print(&e, stderr);
        return qt_report();
    }
    qk_block_id id = 0;
    CHECK(!qr_pack_lookup(p, "water", &id));
    CHECK(qr_pack_block_name(p, QK_BLOCK_NONE) == NULL);
    CHECK(qr_pack_block_name(p, (qk_block_id)p->count) == NULL);
    qr_pack_free(p);

    /* holes in the id space, defaults, forward drops */
    const char *holes = "{\"format\":1,\"name\":\"h\",\"blocks\":[" AIR ",\n"
                        "{\"id\":5,\"name\":\"ore\",\"opaque\":true,\"solid\":true,"
                        "\"drops\":\"gem\"},\n"
                        "{\"id\":3,\"name\":\"gem\",\"opaque\":true,\"solid\":true}]}";
    st = qr_pack_parse(&p, "h.json", holes, strlen(holes), &e);
    CHECK_INT(st, QR_OK);
    if (!st) {
        CHECK_INT(p->count, 6);
        CHECK(qr_pack_block_name(p, 1) == NULL);
        CHECK(!p->defs[1].solid && p->defs[1].drops == QK_BLOCK_NONE);
        CHECK_INT(p->defs[5].drops, 3);
        CHECK_INT(p->defs[3].drops, 3);
        CHECK(p->defs[3].breakable);
        CHECK_INT(p->defs[0].drops, QK_BLOCK_NONE); /* air drops nothing by default */
        CHECK(p->defs[1].item_only && !p->defs[1].breakable);
        CHECK(kernel_accepts(p));
        qr_pack_free(p);
    }

    /* items: defaults, drops naming an item, one name space */
    const char *items = HEAD "{\"id\":1,\"name\":\"ore\",\"opaque\":true,\"solid\":true,"
                        "\"drops\":\"gem\",\"stack\":8,\"crafting_table\":true}],\n"
                        "\"items\":[{\"id\":4095,\"name\":\"gem\",\"note\":\"shiny\"}]}";
    st = qr_pack_parse(&p, "i.json", items, strlen(items), &e);
    CHECK_INT(st, QR_OK);
    if (!st) {
        CHECK_INT(p->count, 4096);
        CHECK_INT(p->defs[1].drops, 4095);
        CHECK_INT(p->defs[1].max_stack, 8);
        CHECK(p->defs[1].crafting_table && !p->defs[1].item_only);
        CHECK(p->defs[4095].item_only && p->defs[4095].max_stack == 64);
        CHECK_INT(p->defs[4095].drops, QK_BLOCK_NONE);
        CHECK(qr_pack_lookup(p, "gem", &id) && id == 4095);
        CHECK(kernel_accepts(p));
        qr_pack_free(p);
    }

    /* each error, with its position */
    bad("{\"format\":1,\n \"name\":\"x\" \"blocks\":[]}", 2, 20, "'}' expected");
    bad("[1]", 1, 1, "must be a JSON object");
    bad("{\"format\":2,\"name\":\"x\",\"blocks\":[" AIR "]}", 1, 11, "\"format\" must be");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR "],\n \"colour\":1}", 2, 2,
        "unknown key \"colour\"");
    bad("{\"format\":1,\"blocks\":[]}", 1, 1, "missing \"name\"");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"Stone\",\"opaque\":true,\"solid\":true}]}", 2, 18,
        "block name \"Stone\"");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":4096,\"name\":\"s\",\"opaque\":true,\"solid\":true}]}", 2, 9,
        "\"id\" must be an integer from 0 to 4095");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":0,\"name\":\"s\",\"opaque\":true,\"solid\":true}]}", 2, 9,
        "duplicate block id 0 (already used by block \"air\")");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"air\",\"opaque\":true,\"solid\":true}]}", 2, 18,
        "duplicate block name \"air\" (already block id 0)");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"s\",\"opaque\":\"yes\",\"solid\":true}]}", 2, 31,
        "\"opaque\" must be true or false");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"emissive\":16}]}", 2, 60,
        "\"emissive\" must be an integer from 0 to 15");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"drops\":\"gold\"}]}", 2, 57,
        "\"drops\" names unknown block \"gold\"");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[\n"
        "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true}]}", 1, 33,
        "block id 0 must be \"air\"");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[\n"
        "  {\"id\":0,\"name\":\"air\",\"opaque\":true,\"solid\":false}]}", 1, 33,
        "must be neither opaque");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"s\",\"solid\":true}]}", 2, 3, "missing \"opaque\"");
    bad("", 1, 1, "");

    /* new block keys */
    bad(HEAD "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"stack\":0}]}", 2, 57,
        "\"stack\" must be an integer from 1 to 64, got 0");
    bad(HEAD "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"stack\":65}]}", 2, 57,
        "\"stack\" must be an integer from 1 to 64, got 65");
    bad(HEAD "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"crafting_table\":1}]}",
        2, 66, "\"crafting_table\" must be true or false");
    /* drops */
    bad(HEAD "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"drops\":\"air\"}]}", 2,
        57, "\"drops\" cannot be air (null drops nothing)");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[\n"
        "{\"id\":0,\"name\":\"air\",\"opaque\":false,\"solid\":false,\"drops\":\"air\"}]}", 2, 59,
        "\"drops\" cannot be air");
    bad(HEAD "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"drops\":3}]}", 2, 57,
        "\"drops\" must be a block or item name or null, got an integer");
    /* items */
    bad(HEAD STONE "],\n \"items\":{}}", 3, 10, "\"items\" must be an array of items");
    bad(HEAD STONE "],\n \"items\":[\"stick\"]}", 3, 11, "item 0 must be an object, got a string");
    bad(HEAD STONE "],\n \"items\":[{\"id\":2,\"name\":\"stick\",\"opaque\":false}]}", 3, 34,
        "unknown key \"opaque\" in item (expected one of id, name, stack, note)");
    bad(HEAD STONE "],\n \"items\":[{\"name\":\"stick\"}]}", 3, 11, "missing \"id\"");
    bad(HEAD STONE "],\n \"items\":[{\"id\":2}]}", 3, 11, "missing \"name\"");
    bad(HEAD STONE "],\n \"items\":[{\"id\":0,\"name\":\"stick\"}]}", 3, 17,
        "\"id\" must be an integer from 1 to 4095, got 0");
    bad(HEAD STONE "],\n \"items\":[{\"id\":2,\"name\":\"Stick\"}]}", 3, 26,
        "item name \"Stick\" must be 1 to 63 characters");
    bad(HEAD STONE "],\n \"items\":[{\"id\":2,\"name\":\"stick\",\"stack\":65}]}", 3, 42,
        "\"stack\" must be an integer from 1 to 64, got 65");
    bad(HEAD STONE "],\n \"items\":[{\"id\":1,\"name\":\"stick\"}]}", 3, 17,
        "duplicate item id 1 (already used by block \"s\")");
    bad(HEAD STONE "],\n \"items\":[{\"id\":2,\"name\":\"stick\"},\n"
        "  {\"id\":2,\"name\":\"coal\"}]}", 4, 9,
        "duplicate item id 2 (already used by item \"stick\")");
    bad(HEAD STONE "],\n \"items\":[{\"id\":2,\"name\":\"s\"}]}", 3, 26,
        "duplicate item name \"s\" (already block id 1)");
    bad(HEAD STONE "],\n \"items\":[{\"id\":2,\"name\":\"a\"},{\"id\":3,\"name\":\"a\"}]}", 3,
        46, "duplicate item name \"a\" (already item id 2)");
    bad(HEAD "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"drops\":\"gold\"}],\n"
        " \"items\":[{\"id\":2,\"name\":\"gem\"}]}", 2, 57,
        "\"drops\" names unknown block \"gold\" (expected a block or item name, or null)");
    /* the recipes key */
    bad(HEAD STONE "],\n \"recipes\":5}", 3, 12, "\"recipes\" must be a string");
    bad(HEAD STONE "],\n \"recipes\":\"\"}", 3, 12, "\"recipes\" must be a string of 1 to 255");
    bad(HEAD STONE "],\n \"recipes\":\"/etc/r.json\"}", 3, 12,
        "\"recipes\" must be a file name relative to the pack's directory, got \"/etc/r.json\"");

    /* file errors */
    st = qr_pack_load(&p, "/nonexistent/pack.json", &e);
    CHECK_INT(st, QR_ERR_IO);
    CHECK(strstr(e.msg, "cannot open") != NULL);
    return qt_report();
}
