/*
 * test_recipes.c - recipes files: good recipes become the kernel's structs
 * and the kernel accepts them; each mistake is refused at the right
 * file:line:col with a message saying what was expected, leaving the pack's
 * recipes as they were; the default pack's recipes load and round-trip.
 *
 * Cases are written with ' for " (swapped before parsing) so the JSON stays
 * readable; the recipe under test starts at line 2, column 1.
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "quarry/qr.h"

static const char base_pack[] =
    "{'format':1,'name':'t','blocks':[\n"
    "{'id':0,'name':'air','opaque':false,'solid':false,'breakable':false},\n"
    "{'id':1,'name':'planks','opaque':true,'solid':true},\n"
    "{'id':2,'name':'log','opaque':true,'solid':true},\n"
    "{'id':3,'name':'stone','opaque':true,'solid':true}],\n"
    "'items':[{'id':256,'name':'stick'},{'id':257,'name':'gem','stack':16},\n"
    "{'id':258,'name':'tool','stack':1}]}";

enum { PLANKS = 1, LOG = 2, STONE = 3, STICK = 256, GEM = 257, TOOL = 258 };

/* A malloc'ed copy of s with every ' turned into ". */
static char *dq(const char *s)
{
    char *t = malloc(strlen(s) + 1);
    if (!t)
        abort();
    size_t i = 0;
    for (; s[i]; i++)
        t[i] = s[i] == '\'' ? '"' : s[i];
    t[i] = 0;
    return t;
}

static qr_pack *base(void)
{
    char *t = dq(base_pack);
    qr_pack *p = NULL;
    qr_error e;
    qr_status st = qr_pack_parse(&p, "t.json", t, strlen(t), &e);
    free(t);
    if (st) {
        qr_error_print(&e, stderr);
        abort();
    }
    return p;
}

/* Parses "{format, recipes:[\n BODY \n]}" (' for ") into p. */
static qr_status parse(qr_pack *p, const char *body, qr_error *e)
{
    static const char head[] = "{'format':1,'recipes':[\n", tail[] = "\n]}";
    char *raw = malloc(strlen(head) + strlen(body) + strlen(tail) + 1);
    if (!raw)
        abort();
    strcpy(raw, head);
    strcat(raw, body);
    strcat(raw, tail);
    char *t = dq(raw);
    free(raw);
    memset(e, 0, sizeof *e);
    qr_status st = qr_pack_parse_recipes(p, "r.json", t, strlen(t), e);
    free(t);
    return st;
}

static void *alloc_fn(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud, (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

static const qk_allocator heap = {alloc_fn, NULL};

/* An empty one-column world over p's registry, or NULL (saying why). */
static qk_world *world_of(const qr_pack *p)
{
    qk_world_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.generator = QK_GEN_EMPTY;
    qk_world *w = NULL;
    qk_diag d;
    memset(&d, 0, sizeof d);
    if (qk_world_create(&w, &cfg, &p->registry, &heap, &d) != QK_OK)
        fprintf(stderr, "  kernel refused the registry: %s (at %llu)\n",
                d.what ? d.what : "?", (unsigned long long)d.offset);
    return w;
}

static bool kernel_accepts(const qr_pack *p)
{
    qk_world *w = world_of(p);
    qk_world_destroy(w);
    return w != NULL;
}

static bool recipe_eq(const qk_recipe *a, const qk_recipe *b)
{
    return a->shaped == b->shaped && a->w == b->w && a->h == b->h && a->n_in == b->n_in &&
           memcmp(a->in, b->in, sizeof a->in) == 0 && a->out == b->out &&
           a->out_count == b->out_count;
}

typedef struct bad_case {
    const char *body;
    unsigned line, col;
    const char *needle;
} bad_case;

#define OK_RESULT "'result':{'item':'stick'}"
#define STICK_PP "{'shape':['P','P'],'key':{'P':'planks'}," OK_RESULT "}"

static const bad_case bad_recipes[] = {
    /* the file */
    {"{'shape':['P'],'key':{'P':'planks'}," OK_RESULT "},", 3, 1, "expected"},
    {"5", 2, 1, "recipe 0 must be an object, got an integer"},
    {"[]", 2, 1, "recipe 0 must be an object, got an array"},
    /* keys of a recipe */
    {"{'shape':['P'],'key':{'P':'planks'}," OK_RESULT ",'colour':1}", 2, 63,
     "unknown key \"colour\" in recipe (expected one of name, shape, key, ingredients, "
     "result, note)"},
    {"{" OK_RESULT "}", 2, 1, "a recipe needs \"shape\" and \"key\" (shaped) or "
     "\"ingredients\" (shapeless)"},
    {"{'shape':['P'],'key':{'P':'planks'},'ingredients':['log']," OK_RESULT "}", 2, 37,
     "not both"},
    {"{'ingredients':['log'],'key':{'P':'planks'}," OK_RESULT "}", 2, 24,
     "\"key\" goes with \"shape\""},
    /* shape */
    {"{'shape':'PP','key':{'P':'planks'}," OK_RESULT "}", 2, 10,
     "\"shape\" must be an array of 1 to 3 rows"},
    {"{'shape':[],'key':{}," OK_RESULT "}", 2, 10, "got an empty array"},
    {"{'shape':['P','P','P','P'],'key':{'P':'planks'}," OK_RESULT "}", 2, 10,
     "1 to 3 letters or spaces; got 4 rows"},
    {"{'shape':['P',5],'key':{'P':'planks'}," OK_RESULT "}", 2, 15,
     "a row of \"shape\" must be a string of 1 to 3 letters or spaces, got an integer"},
    {"{'shape':['PPPP'],'key':{'P':'planks'}," OK_RESULT "}", 2, 11,
     "a row of \"shape\" must be 1 to 3 cells wide, got 4"},
    {"{'shape':[''],'key':{}," OK_RESULT "}", 2, 11, "1 to 3 cells wide, got 0"},
    {"{'shape':['PP',\n 'P'],'key':{'P':'planks'}," OK_RESULT "}", 3, 2,
     "this row of \"shape\" is 1 cells wide but the first is 2 (rows must be equally wide)"},
    {"{'shape':['\\u00e9'],'key':{'P':'planks'}," OK_RESULT "}", 2, 11,
     "may hold only key letters (printable ASCII) and spaces"},
    {"{'shape':['P\\tP'],'key':{'P':'planks'}," OK_RESULT "}", 2, 11, "printable ASCII"},
    /* key */
    {"{'shape':['P']," OK_RESULT "}", 2, 1,
     "missing \"key\" (an object giving the item of each letter of \"shape\")"},
    {"{'shape':['P'],'key':['planks']," OK_RESULT "}", 2, 22, "\"key\" must be an object"},
    {"{'shape':['P'],'key':{'PP':'planks'}," OK_RESULT "}", 2, 23,
     "a letter of \"key\" must be one printable character other than space, got \"PP\""},
    {"{'shape':['P'],'key':{' ':'planks'}," OK_RESULT "}", 2, 23, "other than space"},
    {"{'shape':['P'],'key':{'':'planks'}," OK_RESULT "}", 2, 23, "got \"\""},
    {"{'shape':['P'],'key':{'P':1}," OK_RESULT "}", 2, 27,
     "key \"P\" must be an item name, got an integer"},
    {"{'shape':['P'],'key':{'P':'gold'}," OK_RESULT "}", 2, 27,
     "key \"P\" names unknown item \"gold\""},
    {"{'shape':['P'],'key':{'P':'air'}," OK_RESULT "}", 2, 27,
     "key \"P\" cannot be air (a space in \"shape\" is an empty cell)"},
    {"{'shape':['PP',\n          'PX'],'key':{'P':'planks'}," OK_RESULT "}", 3, 11,
     "letter \"X\" of \"shape\" is not defined in \"key\""},
    {"{'shape':['P'],'key':{'P':'planks','S':'stick'}," OK_RESULT "}", 2, 36,
     "key letter \"S\" is not used in \"shape\""},
    {"{'shape':['P'],'key':{'/':'log','P':'planks','~':'stick'}," OK_RESULT "}", 2, 23,
     "key letter \"/\" is not used"},
    {"{'shape':['/'],'key':{'/':'log','P':'planks'}," OK_RESULT "}", 2, 33,
     "key letter \"P\" is not used"},
    {"{'shape':['P'],'key':{'P':'log','~':'planks'}," OK_RESULT "}", 2, 33,
     "key letter \"~\" is not used"},
    /* tight patterns */
    {"{'shape':[' ','P'],'key':{'P':'planks'}," OK_RESULT "}", 2, 11,
     "the first row of \"shape\" is empty (a pattern must be tight: remove it)"},
    {"{'shape':['P','P',' '],'key':{'P':'planks'}," OK_RESULT "}", 2, 19,
     "the last row of \"shape\" is empty"},
    {"{'shape':[' P',' P'],'key':{'P':'planks'}," OK_RESULT "}", 2, 10,
     "the first column of \"shape\" is empty"},
    {"{'shape':['P  ','PP '],'key':{'P':'planks'}," OK_RESULT "}", 2, 10,
     "the last column of \"shape\" is empty"},
    {"{'shape':['  '],'key':{}," OK_RESULT "}", 2, 11, "the first row of \"shape\" is empty"},
    /* ingredients */
    {"{'ingredients':'log'," OK_RESULT "}", 2, 16,
     "\"ingredients\" must be an array of 1 to 9 item names, got a string"},
    {"{'ingredients':[]," OK_RESULT "}", 2, 16, "got an empty array"},
    {"{'ingredients':['log','log','log','log','log','log','log','log','log','log'],"
     OK_RESULT "}", 2, 16, "item names, got 10 names"},
    {"{'ingredients':['log','gold']," OK_RESULT "}", 2, 23,
     "an ingredient names unknown item \"gold\""},
    {"{'ingredients':['air']," OK_RESULT "}", 2, 17, "an ingredient cannot be air"},
    {"{'ingredients':[null]," OK_RESULT "}", 2, 17,
     "an ingredient must be an item name, got null"},
    /* result */
    {"{'ingredients':['log']}", 2, 1, "missing \"result\" (an object {\"item\": name, "
     "\"count\": n})"},
    {"{'ingredients':['log'],'result':'stick'}", 2, 33, "\"result\" must be an object"},
    {"{'ingredients':['log'],'result':{'item':'stick','n':2}}", 2, 49,
     "unknown key \"n\" in result (expected one of item, count)"},
    {"{'ingredients':['log'],'result':{'count':2}}", 2, 33, "missing \"item\" (an item name)"},
    {"{'ingredients':['log'],'result':{'item':'gold'}}", 2, 41,
     "\"item\" names unknown item \"gold\""},
    {"{'ingredients':['log'],'result':{'item':'air'}}", 2, 41, "\"item\" cannot be air"},
    {"{'ingredients':['log'],'result':{'item':'stick','count':0}}", 2, 57,
     "\"count\" must be an integer from 1 to 64 (the stack size of \"stick\"), got 0"},
    {"{'ingredients':['log'],'result':{'item':'stick','count':65}}", 2, 57,
     "from 1 to 64 (the stack size of \"stick\"), got 65"},
    {"{'ingredients':['log'],'result':{'item':'gem','count':17}}", 2, 55,
     "\"count\" must be an integer from 1 to 16 (the stack size of \"gem\"), got 17"},
    {"{'ingredients':['log'],'result':{'item':'tool','count':2}}", 2, 56,
     "from 1 to 1 (the stack size of \"tool\"), got 2"},
    {"{'ingredients':['log'],'result':{'item':'stick','count':'2'}}", 2, 57, "got a string"},
    {"{'ingredients':['log'],'result':{'item':'stick','count':1.5}}", 2, 57,
     "got a number with a fraction"},
    /* names */
    {"{'name':'Stick','ingredients':['log']," OK_RESULT "}", 2, 9,
     "recipe name \"Stick\" must be 1 to 63 characters of a-z, 0-9 and _"},
    {"{'name':7,'ingredients':['log']," OK_RESULT "}", 2, 9, "\"name\" must be a string"},
    {"{'name':'a','ingredients':['log']," OK_RESULT "},\n"
     "{'name':'a','ingredients':['planks']," OK_RESULT "}", 3, 9,
     "duplicate recipe name \"a\" (already recipe 0, line 2)"},
    {"{'ingredients':['log']," OK_RESULT "},\n"
     "{'ingredients':['planks']," OK_RESULT "}", 3, 44,
     "duplicate recipe name \"stick\", taken from the result (already recipe 0, line 2): "
     "give this recipe its own \"name\""},
    /* two recipes that could match one grid */
    {STICK_PP ",\n{'name':'b','shape':['Q','Q'],'key':{'Q':'planks'}," OK_RESULT "}", 3, 21,
     "recipe \"b\" has the same pattern as recipe \"stick\" (line 2): no grid could tell them "
     "apart"},
    {"{'shape':['PP','PS',' S'],'key':{'P':'planks','S':'stick'},'result':{'item':'tool'}},\n"
     "{'name':'b','shape':['PP','SP','S '],'key':{'P':'planks','S':'stick'},"
     "'result':{'item':'gem'}}", 3, 21,
     "recipe \"b\" has the mirror image of recipe \"tool\"'s pattern (line 2), and patterns "
     "match mirrored too: no grid could tell them apart"},
    {"{'ingredients':['log','planks','log'],'result':{'item':'tool'}},\n"
     "{'name':'b','ingredients':['log','log','planks']," OK_RESULT "}", 3, 27,
     "recipe \"b\" takes the same items as recipe \"tool\" (line 2), and a shapeless recipe "
     "matches them in any arrangement: no grid could tell them apart"},
    {"{'shape':['LP','L '],'key':{'L':'log','P':'planks'},'result':{'item':'tool'}},\n"
     "{'name':'b','ingredients':['log','log','planks']," OK_RESULT "}", 3, 27,
     "takes the same items as recipe \"tool\""},
    {"{'ingredients':['planks','planks']," OK_RESULT "},\n"
     "{'name':'b','shape':['P','P'],'key':{'P':'planks'},'result':{'item':'gem'}}", 3, 21,
     "recipe \"b\" takes the same items as recipe \"stick\""},
    {"{'ingredients':['log']," OK_RESULT "},\n"
     "{'name':'b','shape':['L'],'key':{'L':'log'},'result':{'item':'gem'}}", 3, 21,
     "takes the same items"},
};

static const bad_case bad_files[] = {
    {"{'format':1,\n 'recipes':[] 'note':'x'}", 2, 20, "'}' expected"},
    {"[]", 1, 1, "a recipes file must be a JSON object, got an array"},
    {"{'format':2,'recipes':[]}", 1, 11, "\"format\" must be an integer from 1 to 1, got 2"},
    {"{'recipes':[]}", 1, 1, "missing \"format\""},
    {"{'format':1}", 1, 1, "missing \"recipes\" (an array of recipes)"},
    {"{'format':1,'recipes':{}}", 1, 23, "\"recipes\" must be an array of recipes"},
    {"{'format':1,'recipes':[],\n'recipe':[]}", 2, 1,
     "unknown key \"recipe\" in recipes file (expected one of format, recipes, note)"},
    {"", 1, 1, ""},
};

static void check_error(qr_status st, const qr_error *e, const qr_pack *p, uint32_t had,
                        const bad_case *c, const char *file)
{
    CHECK_INT(st, QR_ERR_INPUT);
    CHECK_STR(e->file, file);
    CHECK_INT(e->line, c->line);
    CHECK_INT(e->col, c->col);
    CHECK(strstr(e->msg, c->needle) != NULL);
    if (!strstr(e->msg, c->needle) || e->line != c->line || e->col != c->col)
        fprintf(stderr, "  case %s\n  got %u:%u: %s\n", c->body, e->line, e->col, e->msg);
    /* the pack keeps the recipes it had */
    CHECK_INT(p->recipe_count, had);
    CHECK_INT(p->registry.recipe_count, had);
}

static void test_bad(void)
{
    qr_pack *p = base();
    qr_error e;
    /* Give the pack one recipe first, so "unchanged" means something. */
    CHECK_INT(parse(p, "{'name':'seed','ingredients':['stone','stone']," OK_RESULT "}", &e),
              QR_OK);
    CHECK_INT(p->recipe_count, 1);
    for (size_t i = 0; i < sizeof bad_recipes / sizeof bad_recipes[0]; i++)
        check_error(parse(p, bad_recipes[i].body, &e), &e, p, 1, &bad_recipes[i], "r.json");
    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        char *t = dq(bad_files[i].body);
        memset(&e, 0, sizeof e);
        qr_status st = qr_pack_parse_recipes(p, "r.json", t, strlen(t), &e);
        free(t);
        check_error(st, &e, p, 1, &bad_files[i], "r.json");
    }
    CHECK_STR(qr_pack_recipe_name(p, 0), "seed");

    /* more recipes than the kernel holds */
    size_t cap = 64 + (QK_MAX_RECIPES + 1) * 3;
    char *many = malloc(cap);
    CHECK(many != NULL);
    if (many) {
        strcpy(many, "{\"format\":1,\"recipes\":[");
        for (int i = 0; i <= QK_MAX_RECIPES; i++)
            strcat(many, i ? ",{}" : "{}");
        strcat(many, "]}");
        qr_status st = qr_pack_parse_recipes(p, "r.json", many, strlen(many), &e);
        const bad_case c = {"1025 recipes", 1, 23, "holds at most 1024 recipes, got 1025"};
        check_error(st, &e, p, 1, &c, "r.json");
        free(many);
    }
    qr_pack_free(p);
}

static void test_good(void)
{
    qr_pack *p = base();
    qr_error e;
    qr_status st = parse(p,
        /* 0: shaped, mirrored letters, count default */
        "{'shape':['PP','PS',' S'],'key':{'P':'planks','S':'stick'},'result':{'item':'tool'}},\n"
        /* 1: shapeless with repeats, explicit name, same output as 0 */
        "{'name':'tool_from_logs','ingredients':['log','stone','log'],"
        "'result':{'item':'tool','count':1},'note':'cheap'},\n"
        /* 2: the same items as 1 but shaped is fine only if the multiset differs */
        "{'shape':['L/','~L'],'key':{'L':'log','/':'stone','~':'planks'},"
        "'result':{'item':'gem','count':16}},\n"
        /* 3: same items as 0, other pattern (not a mirror): no collision */
        "{'name':'sticks','shape':['PPS','S  '],'key':{'P':'planks','S':'stick'},"
        "'result':{'item':'stick','count':64}},\n"
        /* 4: a symmetric pattern is its own mirror */
        "{'name':'stones','shape':['S S','SSS'],'key':{'S':'stone'},"
        "'result':{'item':'stone','count':8}}",
        &e);
    CHECK_INT(st, QR_OK);
    if (st) {
        qr_error_print(&e, stderr);
        qr_pack_free(p);
        return;
    }
    CHECK_INT(p->recipe_count, 5);
    CHECK(p->registry.recipes == p->recipes);
    CHECK_INT(p->registry.recipe_count, 5);
    CHECK_STR(qr_pack_recipe_name(p, 0), "tool");
    CHECK_STR(qr_pack_recipe_name(p, 1), "tool_from_logs");
    CHECK_STR(qr_pack_recipe_name(p, 2), "gem");
    CHECK(qr_pack_recipe_name(p, 5) == NULL);

    const qk_recipe *r = &p->recipes[0];
    static const qk_item_id axe[] = {PLANKS, PLANKS, PLANKS, STICK, 0, STICK};
    CHECK(r->shaped && r->w == 2 && r->h == 3 && r->n_in == 0);
    CHECK(memcmp(r->in, axe, sizeof axe) == 0);
    CHECK_INT(r->in[6], 0);
    CHECK_INT(r->out, TOOL);
    CHECK_INT(r->out_count, 1);

    r = &p->recipes[1];
    CHECK(!r->shaped && r->n_in == 3 && r->w == 0 && r->h == 0);
    CHECK(r->in[0] == LOG && r->in[1] == STONE && r->in[2] == LOG && r->in[3] == 0);
    CHECK_INT(r->out, TOOL);

    r = &p->recipes[2];
    CHECK(r->shaped && r->w == 2 && r->h == 2);
    CHECK(r->in[0] == LOG && r->in[1] == STONE && r->in[2] == PLANKS && r->in[3] == LOG);
    CHECK_INT(r->out_count, 16);
    CHECK_INT(p->recipes[3].out_count, 64);
    CHECK(kernel_accepts(p));

    /* a second parse replaces the recipes */
    CHECK_INT(parse(p, "", &e), QR_OK);
    CHECK_INT(p->recipe_count, 0);
    CHECK_INT(p->registry.recipe_count, 0);
    CHECK(kernel_accepts(p));
    qr_pack_free(p);
}

/* Finds a recipe by name. */
static const qk_recipe *named(const qr_pack *p, const char *name)
{
    for (uint32_t i = 0; i < p->recipe_count; i++)
        if (strcmp(qr_pack_recipe_name(p, i), name) == 0)
            return &p->recipes[i];
    fprintf(stderr, "  no recipe \"%s\"\n", name);
    return NULL;
}

static qk_item_id id_of(const qr_pack *p, const char *name)
{
    qk_block_id id = QK_BLOCK_NONE;
    CHECK(qr_pack_lookup(p, name, &id));
    return id;
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
    static const char *const all[] = {"oak_planks",     "stick",         "crafting_table",
                                      "torch",          "wooden_pickaxe", "stone_pickaxe",
                                      "wooden_axe",     "wooden_shovel", "lamp"};
    CHECK_INT(p->recipe_count, sizeof all / sizeof all[0]);
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        CHECK(named(p, all[i]) != NULL);
    CHECK(p->registry.recipes == p->recipes);
    CHECK_INT(p->registry.recipe_count, p->recipe_count);

    qk_item_id planks = id_of(p, "oak_planks"), stick = id_of(p, "stick");
    const qk_recipe *r = named(p, "wooden_pickaxe");
    if (r) {
        const qk_item_id pick[9] = {planks, planks, planks, 0, stick, 0, 0, stick, 0};
        CHECK(r->shaped && r->w == 3 && r->h == 3);
        CHECK(memcmp(r->in, pick, sizeof pick) == 0);
        CHECK_INT(r->out, id_of(p, "wooden_pickaxe"));
        CHECK_INT(r->out_count, 1);
    }
    if ((r = named(p, "oak_planks"))) {
        CHECK(!r->shaped && r->n_in == 1 && r->in[0] == id_of(p, "oak_log"));
        CHECK_INT(r->out, planks);
        CHECK_INT(r->out_count, 4);
    }
    if ((r = named(p, "torch"))) {
        CHECK(r->shaped && r->w == 1 && r->h == 2);
        CHECK(r->in[0] == id_of(p, "coal") && r->in[1] == stick);
        CHECK_INT(r->out_count, 4);
    }
    if ((r = named(p, "lamp"))) {
        CHECK(!r->shaped && r->n_in == 2);
        CHECK(r->in[0] == id_of(p, "glowstone") && r->in[1] == id_of(p, "torch"));
        CHECK_INT(r->out, id_of(p, "lamp"));
    }
    if ((r = named(p, "crafting_table"))) {
        CHECK(r->shaped && r->w == 2 && r->h == 2 && r->out_count == 1);
        CHECK(p->defs[r->out].crafting_table);
    }
    CHECK(kernel_accepts(p));

    /* The pack's registry with its recipes reaches the kernel intact. */
    qk_world *w = world_of(p);
    CHECK(w != NULL);
    if (w) {
        CHECK_INT(qk_recipe_count(w), p->recipe_count);
        for (uint32_t i = 0; i < p->recipe_count; i++) {
            const qk_recipe *k = qk_recipe_at(w, i);
            CHECK(k && recipe_eq(k, &p->recipes[i]));
        }
        qk_world_destroy(w);
    }
    qr_pack_free(p);
}

int main(void)
{
    test_bad();
    test_good();
    test_default();
    return qt_report();
}
