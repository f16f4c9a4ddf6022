/*
 * pack.c - block packs: JSON file -> kernel registry + block and item names.
 *
 * A pack names the blocks a world is made of and gives each the physical
 * properties the kernel needs (qk_block_def).  Items (sticks, tools) share
 * the blocks' id space and name space: every block is also an item, and an
 * item-only entry is one that can be held and crafted but never placed.
 * Ids are what the kernel stores, so they are written explicitly and need
 * not be dense: retiring a block leaves a hole rather than renumbering
 * every later block (which would change every world and snapshot).  Holes
 * become placeholder items that nothing can name.  Names are what people
 * write in scenarios and recipes and what event streams print.
 *
 * A pack may name a recipes file (recipes.c).  qr_pack_load follows it,
 * relative to the pack file's directory; qr_pack_parse works from memory
 * and cannot, so its caller hands the recipes over with
 * qr_pack_parse_recipes.  Format: docs/formats.md, "Block pack".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PACK_MAX_BYTES (16u << 20)
#define RECIPES_PATH_MAX 255 /* longest "recipes" file name */

void qr_pack_free(qr_pack *p)
{
    if (!p)
        return;
    if (p->names)
        for (uint32_t i = 0; i < p->count; i++)
            free(p->names[i]);
    free(p->names);
    free(p->defs);
    free(p->color);
    free(p->has_color);
    qr__recipes_free(p->recipes, p->recipe_names, p->recipe_count);
    free(p);
}

bool qr_pack_lookup(const qr_pack *p, const char *name, qk_block_id *out)
{
    /* Linear: packs are small and lookups happen at load time only. */
    for (uint32_t i = 0; i < p->count; i++)
        if (p->names[i] && strcmp(p->names[i], name) == 0) {
            *out = (qk_block_id)i;
            return true;
        }
    return false;
}

const char *qr_pack_block_name(const qr_pack *p, qk_block_id id)
{
    return id < p->count ? p->names[id] : NULL;
}

static const char *const pack_keys[] = {"format", "name", "blocks", "items", "recipes", "note",
                                        NULL};
static const char *const block_keys[] = {"id",        "name",  "opaque", "solid",
                                         "emissive",  "breakable", "drops", "stack",
                                         "crafting_table", "color", "note", NULL};
static const char *const item_keys[] = {"id", "name", "stack", "note", NULL};

/* "block" or "item", for messages about an id or name already taken. */
static const char *kind(const qr_pack *p, uint32_t id)
{
    return p->defs[id].item_only ? "item" : "block";
}

/* Claims id and name for the entry at ptr ("block" or "item" in `what`). */
static qr_status claim(const qr__jctx *c, qr_pack *p, const char *ptr, const char *what,
                       int64_t id, const char *name)
{
    char fp[96];
    if (!qr__valid_name(name)) {
        snprintf(fp, sizeof fp, "%s/name", ptr);
        return qr__jfail(c, fp, false, "%s name \"%.80s\" must be 1 to %d characters of "
                         "a-z, 0-9 and _", what, name, QR_NAME_MAX);
    }
    if (p->names[id]) {
        snprintf(fp, sizeof fp, "%s/id", ptr);
        return qr__jfail(c, fp, false, "duplicate %s id %d (already used by %s \"%s\")", what,
                         (int)id, kind(p, (uint32_t)id), p->names[id]);
    }
    qk_block_id other;
    if (qr_pack_lookup(p, name, &other)) {
        snprintf(fp, sizeof fp, "%s/name", ptr);
        return qr__jfail(c, fp, false, "duplicate %s name \"%s\" (already %s id %u)", what, name,
                         kind(p, other), (unsigned)other);
    }
    if (!(p->names[id] = qr__strdup(name)))
        return qr__fail(c->err, QR_ERR_NOMEM, c->file, 0, 0, "out of memory");
    if ((uint32_t)id + 1 > p->count)
        p->count = (uint32_t)id + 1;
    return QR_OK;
}

/* "#rrggbb" (hex digits of either case) into rgb: the renderer's colour of
 * a block.  Presentation only: it never reaches the kernel's registry. */
static qr_status parse_color(const qr__jctx *c, const char *ptr, const char *s, uint8_t rgb[3])
{
    char fp[96];
    bool ok = strlen(s) == 7 && s[0] == '#';
    for (int i = 1; ok && i < 7; i++)
        ok = isxdigit((unsigned char)s[i]) != 0;
    if (!ok) {
        snprintf(fp, sizeof fp, "%s/color", ptr);
        return qr__jfail(c, fp, false, "\"color\" must be \"#rrggbb\" (six hex digits), got "
                         "\"%.80s\"", s);
    }
    for (int i = 0; i < 3; i++) {
        char hex[3] = {s[1 + 2 * i], s[2 + 2 * i], 0};
        rgb[i] = (uint8_t)strtoul(hex, NULL, 16);
    }
    return QR_OK;
}

/* First pass over one block: everything but "drops", which may name a
 * block or item defined later. */
static qr_status parse_block(const qr__jctx *c, qr_pack *p, const json_t *b, size_t i)
{
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/blocks/%zu", i);
    if (!json_is_object(b))
        return qr__jfail(c, ptr, false, "block %zu must be an object, got %s", i, qr__jtype(b));
    qr_status st = qr__jkeys(c, b, ptr, "block", block_keys);
    if (st)
        return st;
    int64_t id, emissive = 0, stack = QK_MAX_STACK;
    const char *name, *color = NULL;
    bool opaque, solid, breakable = true, table = false, has_color = false;
    if ((st = qr__jint(c, b, ptr, "id", true, 0, QK_MAX_BLOCKS - 1, &id, NULL)) ||
        (st = qr__jstr(c, b, ptr, "name", true, QR_NAME_MAX, &name, NULL)) ||
        (st = qr__jbool(c, b, ptr, "opaque", true, &opaque, NULL)) ||
        (st = qr__jbool(c, b, ptr, "solid", true, &solid, NULL)) ||
        (st = qr__jint(c, b, ptr, "emissive", false, 0, 15, &emissive, NULL)) ||
        (st = qr__jbool(c, b, ptr, "breakable", false, &breakable, NULL)) ||
        (st = qr__jint(c, b, ptr, "stack", false, 1, QK_MAX_STACK, &stack, NULL)) ||
        (st = qr__jbool(c, b, ptr, "crafting_table", false, &table, NULL)) ||
        (st = qr__jstr(c, b, ptr, "color", false, 16, &color, &has_color)) ||
        (has_color && (st = parse_color(c, ptr, color, p->color[id]))) ||
        (st = claim(c, p, ptr, "block", id, name)))
        return st;
    p->has_color[id] = has_color;
    qk_block_def *d = &p->defs[id];
    d->opaque = opaque;
    d->solid = solid;
    d->breakable = breakable;
    d->emissive = (uint8_t)emissive;
    /* Air drops nothing by default: the kernel allows no drop of air. */
    d->drops = id == QK_BLOCK_AIR ? QK_BLOCK_NONE : (qk_block_id)id;
    d->max_stack = (uint8_t)stack;
    d->item_only = false;
    d->crafting_table = table;
    return QR_OK;
}

/* An item-only entry: held and crafted, never placed, never broken. */
static qr_status parse_item(const qr__jctx *c, qr_pack *p, const json_t *it, size_t i)
{
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/items/%zu", i);
    if (!json_is_object(it))
        return qr__jfail(c, ptr, false, "item %zu must be an object, got %s", i, qr__jtype(it));
    qr_status st = qr__jkeys(c, it, ptr, "item", item_keys);
    if (st)
        return st;
    int64_t id, stack = QK_MAX_STACK;
    const char *name;
    /* Id 0 is air, which is never an item. */
    if ((st = qr__jint(c, it, ptr, "id", true, 1, QK_MAX_BLOCKS - 1, &id, NULL)) ||
        (st = qr__jstr(c, it, ptr, "name", true, QR_NAME_MAX, &name, NULL)) ||
        (st = qr__jint(c, it, ptr, "stack", false, 1, QK_MAX_STACK, &stack, NULL)) ||
        (st = claim(c, p, ptr, "item", id, name)))
        return st;
    p->defs[id] = (qk_block_def){.breakable = false,
                                 .drops = QK_BLOCK_NONE,
                                 .max_stack = (uint8_t)stack,
                                 .item_only = true};
    return QR_OK;
}

static qr_status resolve_drops(const qr__jctx *c, qr_pack *p, const json_t *b, size_t i)
{
    json_t *v = json_object_get(b, "drops");
    if (!v)
        return QR_OK;
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/blocks/%zu/drops", i);
    qk_block_id id = (qk_block_id)json_integer_value(json_object_get(b, "id"));
    if (json_is_null(v)) {
        p->defs[id].drops = QK_BLOCK_NONE;
        return QR_OK;
    }
    if (!json_is_string(v))
        return qr__jfail(c, ptr, false, "\"drops\" must be a block or item name or null, got %s",
                         qr__jtype(v));
    qk_block_id d;
    if (!qr_pack_lookup(p, json_string_value(v), &d))
        return qr__jfail(c, ptr, false, "\"drops\" names unknown block \"%.80s\" (expected "
                         "a block or item name, or null)", json_string_value(v));
    if (d == QK_BLOCK_AIR)
        return qr__jfail(c, ptr, false, "\"drops\" cannot be air (null drops nothing)");
    p->defs[id].drops = d;
    return QR_OK;
}

/* Parses the pack; when recipes_rel is not NULL, *recipes_rel receives a
 * malloc'ed copy of the "recipes" file name (NULL when absent). */
static qr_status parse_pack(qr_pack **out, const char *file, const char *text, size_t len,
                            qr_error *err, char **recipes_rel)
{
    *out = NULL;
    qr__jctx c = {file, text, len, 1, err};
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return qr__fail(err, QR_ERR_INPUT, file, je.line > 0 ? (unsigned)je.line : 1,
                        je.column > 0 ? (unsigned)je.column : 1, "%s", je.text);
    qr_status st = QR_OK;
    qr_pack *p = calloc(1, sizeof *p);
    if (p) {
        p->defs = calloc(QK_MAX_BLOCKS, sizeof *p->defs);
        p->names = calloc(QK_MAX_BLOCKS, sizeof *p->names);
        p->color = calloc(QK_MAX_BLOCKS, sizeof *p->color);
        p->has_color = calloc(QK_MAX_BLOCKS, sizeof *p->has_color);
    }
    if (!p || !p->defs || !p->names || !p->color || !p->has_color) {
        st = qr__fail(err, QR_ERR_NOMEM, file, 0, 0, "out of memory");
        goto done;
    }
    if (!json_is_object(root)) {
        st = qr__jfail(&c, "", false, "a pack must be a JSON object, got %s", qr__jtype(root));
        goto done;
    }
    int64_t format;
    const char *name, *rel = NULL;
    json_t *blocks, *items = json_object_get(root, "items");
    if ((st = qr__jkeys(&c, root, "", "pack", pack_keys)) ||
        (st = qr__jint(&c, root, "", "format", true, 1, 1, &format, NULL)) ||
        (st = qr__jstr(&c, root, "", "name", true, QR_NAME_MAX, &name, NULL)) ||
        (st = qr__jget(&c, root, "", "blocks", JSON_ARRAY, "an array of blocks", &blocks)) ||
        (items && (st = qr__jget(&c, root, "", "items", JSON_ARRAY, "an array of items",
                                 &items))) ||
        (st = qr__jstr(&c, root, "", "recipes", false, RECIPES_PATH_MAX, &rel, NULL)))
        goto done;
    if (!qr__valid_name(name)) {
        st = qr__jfail(&c, "/name", false, "pack name must be of a-z, 0-9 and _");
        goto done;
    }
    if (rel && rel[0] == '/') {
        st = qr__jfail(&c, "/recipes", false, "\"recipes\" must be a file name relative to "
                       "the pack's directory, got \"%.80s\"", rel);
        goto done;
    }
    qr__strlcpy(p->name, name, sizeof p->name);
    for (size_t i = 0; i < json_array_size(blocks); i++)
        if ((st = parse_block(&c, p, json_array_get(blocks, i), i)))
            goto done;
    for (size_t i = 0; i < json_array_size(items); i++)
        if ((st = parse_item(&c, p, json_array_get(items, i), i)))
            goto done;
    for (size_t i = 0; i < json_array_size(blocks); i++)
        if ((st = resolve_drops(&c, p, json_array_get(blocks, i), i)))
            goto done;
    if (!p->names[0] || strcmp(p->names[0], "air") != 0) {
        st = qr__jfail(&c, "/blocks", false, "block id 0 must be \"air\"%s",
                       p->names[0] ? "" : " (no block has id 0)");
        goto done;
    }
    if (p->defs[0].opaque || p->defs[0].solid || p->defs[0].emissive) {
        st = qr__jfail(&c, "/blocks", false, "air (id 0) must be neither opaque, solid nor "
                       "emissive");
        goto done;
    }
    for (uint32_t i = 0; i < p->count; i++)
        if (!p->names[i])
            p->defs[i] = (qk_block_def){false, false, false, 0, QK_BLOCK_NONE, 0, true, false};
    p->registry.blocks = p->defs;
    p->registry.count = p->count;
    if (recipes_rel && rel && !(*recipes_rel = qr__strdup(rel)))
        st = qr__fail(err, QR_ERR_NOMEM, file, 0, 0, "out of memory");
done:
    json_decref(root);
    if (st) {
        qr_pack_free(p);
        return st;
    }
    *out = p;
    return QR_OK;
}

qr_status qr_pack_parse(qr_pack **out, const char *file, const char *text, size_t len,
                        qr_error *err)
{
    return parse_pack(out, file, text, len, err, NULL);
}

/* Reads the recipes file `rel` names (relative to the pack at `path`) into
 * p.  A file that cannot be read is a mistake of the pack (QR_ERR_INPUT at
 * its "recipes" value: the pack itself was found); mistakes inside the
 * recipes file are reported at their place in it. */
static qr_status load_recipes(qr_pack *p, const char *path, const char *ptext, size_t plen,
                              const char *rel, qr_error *err)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    size_t rlen = strlen(rel);
    char *full = malloc(dirlen + rlen + 1);
    if (!full)
        return qr__fail(err, QR_ERR_NOMEM, path, 0, 0, "out of memory");
    memcpy(full, path, dirlen);
    memcpy(full + dirlen, rel, rlen + 1);
    char *text;
    size_t len;
    qr_error rerr;
    qr_status st = qr__read_file(full, PACK_MAX_BYTES, &text, &len, &rerr);
    if (st) {
        unsigned line = 1, col = 1;
        qr_json_locate(ptext, plen, "/recipes", false, &line, &col);
        st = qr__fail(err, st == QR_ERR_IO ? QR_ERR_INPUT : st, path, line, col,
                      "recipes file \"%.300s\": %.160s", full, rerr.msg);
    } else {
        st = qr_pack_parse_recipes(p, full, text, len, err);
        free(text);
    }
    free(full);
    return st;
}

qr_status qr_pack_load(qr_pack **out, const char *path, qr_error *err)
{
    char *text, *rel = NULL;
    size_t len;
    *out = NULL;
    qr_status st = qr__read_file(path, PACK_MAX_BYTES, &text, &len, err);
    if (st)
        return st;
    qr_pack *p;
    st = parse_pack(&p, path, text, len, err, &rel);
    if (!st && rel && (st = load_recipes(p, path, text, len, rel, err))) {
        qr_pack_free(p);
        p = NULL;
    }
    free(rel);
    free(text);
    *out = p;
    return st;
}

const char *qr_pack_recipe_name(const qr_pack *p, uint32_t i)
{
    return i < p->recipe_count ? p->recipe_names[i] : NULL;
}
