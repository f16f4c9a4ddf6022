/*
 * fuzz_pack.c - block pack and recipes readers.
 *
 * The bytes are read twice: as a pack file, and as a recipes file written
 * against the default pack (packs/default.json and packs/recipes.json are
 * read once, so no input reads a file; seeds of either kind live in
 * corpus/pack/).  Each parse either fails with an input error that names
 * its file and a line that exists, or yields something the kernel
 * accepts: a pack whose names and ids agree both ways and whose items are
 * inert, recipes that are in range and that no grid confuses.  A 1-column
 * empty world is created and destroyed with every accepted registry,
 * nothing leaking.  An accepted pack also gets the default recipes, which
 * it must either refuse cleanly or pass on to the kernel.
 */
#include <string.h>

#include "fuzz.h"
#include "quarry/qr.h"

typedef struct text {
    char bytes[1 << 16];
    size_t len;
} text;

/* A file of the source tree, read once. */
static const text *source_file(text *t, const char *path)
{
    if (!t->len) {
        FILE *f = fopen(path, "rb");
        FUZZ_CHECK(f != NULL);
        t->len = fread(t->bytes, 1, sizeof t->bytes, f);
        FUZZ_CHECK(t->len > 0 && t->len < sizeof t->bytes && !ferror(f));
        fclose(f);
    }
    return t;
}

static const text *default_pack_text(void)
{
    static text t;
    return source_file(&t, QUARRY_SOURCE_DIR "/packs/default.json");
}

static const text *default_recipes_text(void)
{
    static text t;
    return source_file(&t, QUARRY_SOURCE_DIR "/packs/recipes.json");
}

static void check_error(qr_status st, const qr_error *err, const char *label,
                        const uint8_t *data, size_t size)
{
    FUZZ_CHECK(st == QR_ERR_INPUT || st == QR_ERR_NOMEM);
    FUZZ_CHECK(strcmp(err->file, label) == 0);
    FUZZ_CHECK(err->msg[0] != '\0');
    FUZZ_CHECK(err->line <= fuzz_line_count(data, size));
}

/* The kernel accepts the registry (blocks and recipes). */
static void check_kernel(const qk_registry *reg)
{
    qk_world_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.generator = QK_GEN_EMPTY;
    fuzz_alloc fa = {0};
    qk_allocator al = {fuzz_alloc_fn, &fa};
    qk_world *w = NULL;
    qk_diag d;
    FUZZ_CHECK(qk_world_create(&w, &cfg, reg, &al, &d) == QK_OK);
    FUZZ_CHECK(qk_recipe_count(w) == reg->recipe_count);
    qk_world_destroy(w);
    FUZZ_CHECK(fa.live == 0);
}

static void check_recipes(const qr_pack *p)
{
    FUZZ_CHECK(p->registry.recipe_count == p->recipe_count);
    FUZZ_CHECK(p->recipe_count == 0 || p->registry.recipes == p->recipes);
    for (uint32_t i = 0; i < p->recipe_count; i++) {
        const qk_recipe *r = &p->recipes[i];
        const char *name = qr_pack_recipe_name(p, i);
        FUZZ_CHECK(name && strlen(name) >= 1 && strlen(name) <= QR_NAME_MAX);
        for (uint32_t j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(name, qr_pack_recipe_name(p, j)) != 0);
        FUZZ_CHECK(r->out != QK_BLOCK_AIR && r->out < p->count && p->names[r->out]);
        FUZZ_CHECK(r->out_count >= 1 && r->out_count <= p->defs[r->out].max_stack);
        uint32_t n = r->shaped ? (uint32_t)r->w * r->h : r->n_in;
        FUZZ_CHECK(n >= 1 && n <= QK_CRAFT_CELLS);
        for (uint32_t k = 0; k < n; k++)
            FUZZ_CHECK(r->in[k] < p->count && (r->shaped || r->in[k] != QK_BLOCK_AIR));
    }
    FUZZ_CHECK(qr_pack_recipe_name(p, p->recipe_count) == NULL);
}

static void fuzz_as_pack(const uint8_t *data, size_t size)
{
    static const char label[] = "fuzz.json";
    qr_pack *p = NULL;
    qr_error err;
    memset(&err, 0, sizeof err);
    qr_status st = qr_pack_parse(&p, label, (const char *)data, size, &err);
    if (st != QR_OK) {
        FUZZ_CHECK(p == NULL);
        check_error(st, &err, label, data, size);
        return;
    }
    FUZZ_CHECK(p != NULL);
    FUZZ_CHECK(p->count >= 1 && p->count <= QK_MAX_BLOCKS);
    FUZZ_CHECK(p->registry.count == p->count && p->registry.blocks == p->defs);
    FUZZ_CHECK(p->names[0] && strcmp(p->names[0], "air") == 0 && !p->defs[0].item_only);
    for (uint32_t id = 0; id < p->count; id++) {
        const char *name = qr_pack_block_name(p, (qk_block_id)id);
        const qk_block_def *d = &p->defs[id];
        FUZZ_CHECK(name == p->names[id]);
        FUZZ_CHECK(d->max_stack <= QK_MAX_STACK);
        FUZZ_CHECK(d->drops != QK_BLOCK_AIR);
        if (d->item_only) /* items and holes: inert */
            FUZZ_CHECK(!d->opaque && !d->solid && !d->emissive && !d->breakable &&
                       !d->crafting_table && d->drops == QK_BLOCK_NONE);
        if (!name) {
            FUZZ_CHECK(d->item_only);
            continue;
        }
        FUZZ_CHECK(d->max_stack >= 1);
        size_t n = strlen(name);
        FUZZ_CHECK(n >= 1 && n <= QR_NAME_MAX);
        qk_block_id back;
        FUZZ_CHECK(qr_pack_lookup(p, name, &back) && back == id);
    }
    FUZZ_CHECK(qr_pack_block_name(p, QK_BLOCK_NONE) == NULL);
    check_recipes(p); /* none: parsed from memory */
    check_kernel(&p->registry);

    /* the default recipes against this pack: refused cleanly or accepted */
    const text *rt = default_recipes_text();
    memset(&err, 0, sizeof err);
    st = qr_pack_parse_recipes(p, "recipes.json", rt->bytes, rt->len, &err);
    if (st == QR_OK) {
        check_recipes(p);
        check_kernel(&p->registry);
    } else {
        check_error(st, &err, "recipes.json", (const uint8_t *)rt->bytes, rt->len);
        FUZZ_CHECK(p->recipe_count == 0);
    }
    qr_pack_free(p);
}

static void fuzz_as_recipes(const uint8_t *data, size_t size)
{
    static const char label[] = "fuzz_recipes.json";
    /* A fresh default pack for every input: parsing its text is cheap and
     * reads no file. */
    const text *pt = default_pack_text();
    qr_pack *p = NULL;
    qr_error err;
    FUZZ_CHECK(qr_pack_parse(&p, "default.json", pt->bytes, pt->len, &err) == QR_OK);
    memset(&err, 0, sizeof err);
    qr_status st = qr_pack_parse_recipes(p, label, (const char *)data, size, &err);
    if (st != QR_OK) {
        check_error(st, &err, label, data, size);
        FUZZ_CHECK(p->recipe_count == 0 && p->registry.recipe_count == 0);
    } else {
        check_recipes(p);
        check_kernel(&p->registry);
    }
    qr_pack_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_as_pack(data, size);
    fuzz_as_recipes(data, size);
    return 0;
}
