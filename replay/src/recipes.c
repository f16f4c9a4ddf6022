/*
 * recipes.c - crafting recipes: JSON file -> kernel recipe table + names.
 *
 * A recipes file is written against a pack: it names blocks and items, and
 * a result's count is bounded by the item's stack size, so it is parsed
 * after the pack (qr_pack_load follows the pack's "recipes" key; callers
 * parsing from memory call qr_pack_parse_recipes themselves).
 *
 * Shaped recipes are drawn as rows of letters with a key, the way people
 * sketch them ("PPP", " S ", " S "); the parser turns them into the
 * kernel's tight w x h pattern and refuses patterns with a blank border row
 * or column instead of trimming them, so what the file shows is exactly
 * what the kernel matches.  Shapeless recipes list their ingredients.
 *
 * The kernel refuses a registry in which two recipes could match the same
 * grid.  That check is repeated here so the mistake is reported where it
 * was made (file:line:col of the later recipe, naming the earlier one)
 * rather than as a kernel diagnostic without a position.  Because patterns
 * are tight, a grid matches a shaped recipe exactly when its occupied
 * bounding box is the pattern or its mirror image; so two shaped recipes
 * collide when one equals the other or its mirror, and any recipe collides
 * with a shapeless one that takes the same multiset of items (the shaped
 * recipe's own layout is such a grid).  O(n^2) comparisons of at most 9
 * cells, n <= QK_MAX_RECIPES: a few milliseconds at worst, at load time.
 * Format: docs/formats.md, "Recipes".
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const file_keys[] = {"format", "recipes", "note", NULL};
static const char *const recipe_keys[] = {"name", "shape",  "key", "ingredients",
                                          "result", "note", NULL};
static const char *const result_keys[] = {"item", "count", NULL};

void qr__recipes_free(qk_recipe *recipes, char **names, uint32_t n)
{
    if (names)
        for (uint32_t i = 0; i < n; i++)
            free(names[i]);
    free(names);
    free(recipes);
}

/* One recipe as parsed, with what the collision check compares. */
typedef struct parsed {
    qk_recipe r;
    const char *name;   /* points into the JSON document or the pack */
    uint8_t n;          /* items the recipe consumes */
    qk_item_id bag[QK_CRAFT_CELLS]; /* those items, ascending */
} parsed;

/* `v`, found at ptr, names an item a recipe uses; `what` starts the
 * message ("an ingredient", "key \"P\"", "\"item\""). */
static qr_status item_ref(const qr__jctx *c, const qr_pack *p, const json_t *v, const char *ptr,
                          const char *what, const char *air_hint, qk_item_id *out)
{
    if (!json_is_string(v))
        return qr__jfail(c, ptr, false, "%s must be an item name, got %s", what, qr__jtype(v));
    qk_block_id id;
    if (!qr_pack_lookup(p, json_string_value(v), &id))
        return qr__jfail(c, ptr, false, "%s names unknown item \"%.80s\"", what,
                         json_string_value(v));
    if (id == QK_BLOCK_AIR)
        return qr__jfail(c, ptr, false, "%s cannot be air%s", what, air_hint);
    *out = id;
    return QR_OK;
}

/* Appends the JSON Pointer token for `key` to buf (escaping '~' and '/'). */
static void ptr_token(char *buf, size_t cap, const char *base, const char *key)
{
    size_t n = (size_t)snprintf(buf, cap, "%s/", base);
    for (const char *k = key; *k && n + 3 < cap; k++) {
        if (*k == '~' || *k == '/') {
            buf[n++] = '~';
            buf[n++] = *k == '~' ? '0' : '1';
        } else {
            buf[n++] = *k;
        }
    }
    buf[n < cap ? n : cap - 1] = 0;
}

/* "an empty array", "4 rows", "a string": what a list turned out to be. */
static void got_words(const json_t *v, const char *unit, char *out, size_t cap)
{
    if (!json_is_array(v))
        snprintf(out, cap, "%s", qr__jtype(v));
    else if (json_array_size(v) == 0)
        snprintf(out, cap, "an empty array");
    else
        snprintf(out, cap, "%zu %s", json_array_size(v), unit);
}

static bool printable(unsigned char ch)
{
    return ch >= 0x20 && ch <= 0x7e;
}

static qr_status parse_shape(const qr__jctx *c, const qr_pack *p, const json_t *rj,
                             const char *ptr, qk_recipe *r)
{
    char sp[96], rp[112], kp[128];
    snprintf(sp, sizeof sp, "%s/shape", ptr);
    json_t *shape = json_object_get(rj, "shape");
    size_t h = json_array_size(shape), w = 0;
    if (!json_is_array(shape) || h < 1 || h > 3) {
        char got[32];
        got_words(shape, "rows", got, sizeof got);
        return qr__jfail(c, sp, false, "\"shape\" must be an array of 1 to 3 rows, each a "
                         "string of 1 to 3 letters or spaces; got %s", got);
    }
    const char *rows[3];
    for (size_t y = 0; y < h; y++) {
        json_t *row = json_array_get(shape, y);
        snprintf(rp, sizeof rp, "%s/%zu", sp, y);
        if (!json_is_string(row))
            return qr__jfail(c, rp, false, "a row of \"shape\" must be a string of 1 to 3 "
                             "letters or spaces, got %s", qr__jtype(row));
        size_t n = json_string_length(row);
        rows[y] = json_string_value(row);
        for (size_t x = 0; x < n; x++)
            if (!printable((unsigned char)rows[y][x]))
                return qr__jfail(c, rp, false, "a row of \"shape\" may hold only key letters "
                                 "(printable ASCII) and spaces");
        if (n < 1 || n > 3)
            return qr__jfail(c, rp, false, "a row of \"shape\" must be 1 to 3 cells wide, "
                             "got %zu", n);
        if (y == 0)
            w = n;
        else if (n != w)
            return qr__jfail(c, rp, false, "this row of \"shape\" is %zu cells wide but the "
                             "first is %zu (rows must be equally wide)", n, w);
    }

    json_t *key;
    qr_status st = qr__jget(c, rj, ptr, "key", JSON_OBJECT,
                            "an object giving the item of each letter of \"shape\"", &key);
    if (st)
        return st;
    qk_item_id map[128] = {0};
    bool defined[128] = {false}, used[128] = {false};
    const char *k;
    json_t *v;
    char kptr[80];
    snprintf(kptr, sizeof kptr, "%s/key", ptr);
    json_object_foreach(key, k, v) {
        ptr_token(kp, sizeof kp, kptr, k);
        unsigned char ch = (unsigned char)k[0];
        if (strlen(k) != 1 || !printable(ch) || ch == ' ')
            return qr__jfail(c, kp, true, "a letter of \"key\" must be one printable "
                             "character other than space, got \"%.20s\"", k);
        char what[16];
        snprintf(what, sizeof what, "key \"%c\"", ch);
        if ((st = item_ref(c, p, v, kp, what, " (a space in \"shape\" is an empty cell)",
                           &map[ch])))
            return st;
        defined[ch] = true;
    }

    memset(r->in, 0, sizeof r->in);
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            unsigned char ch = (unsigned char)rows[y][x];
            if (ch == ' ')
                continue;
            if (!defined[ch]) {
                snprintf(rp, sizeof rp, "%s/%zu", sp, y);
                return qr__jfail(c, rp, false, "letter \"%c\" of \"shape\" is not defined in "
                                 "\"key\"", ch);
            }
            used[ch] = true;
            r->in[y * w + x] = map[ch];
        }
    json_object_foreach(key, k, v) {
        if (!used[(unsigned char)k[0]]) {
            ptr_token(kp, sizeof kp, kptr, k);
            return qr__jfail(c, kp, true, "key letter \"%s\" is not used in \"shape\"", k);
        }
    }

    /* Tight: the first and last row and column each hold an item. */
    bool row_used[3] = {false}, col_used[3] = {false};
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++)
            if (r->in[y * w + x] != QK_BLOCK_AIR)
                row_used[y] = col_used[x] = true;
    static const char tight[] = " (a pattern must be tight: remove it)";
    if (!row_used[0] || !row_used[h - 1]) {
        snprintf(rp, sizeof rp, "%s/%zu", sp, row_used[0] ? h - 1 : (size_t)0);
        return qr__jfail(c, rp, false, "the %s row of \"shape\" is empty%s",
                         row_used[0] ? "last" : "first", tight);
    }
    if (!col_used[0] || !col_used[w - 1])
        return qr__jfail(c, sp, false, "the %s column of \"shape\" is empty%s",
                         col_used[0] ? "last" : "first", tight);
    r->shaped = true;
    r->w = (uint8_t)w;
    r->h = (uint8_t)h;
    return QR_OK;
}

static qr_status parse_ingredients(const qr__jctx *c, const qr_pack *p, const json_t *rj,
                                   const char *ptr, qk_recipe *r)
{
    char ip[96], ep[112];
    snprintf(ip, sizeof ip, "%s/ingredients", ptr);
    json_t *ing = json_object_get(rj, "ingredients");
    size_t n = json_array_size(ing);
    if (!json_is_array(ing) || n < 1 || n > QK_CRAFT_CELLS) {
        char got[32];
        got_words(ing, "names", got, sizeof got);
        return qr__jfail(c, ip, false, "\"ingredients\" must be an array of 1 to 9 item "
                         "names, got %s", got);
    }
    memset(r->in, 0, sizeof r->in);
    for (size_t k = 0; k < n; k++) {
        snprintf(ep, sizeof ep, "%s/%zu", ip, k);
        qr_status st = item_ref(c, p, json_array_get(ing, k), ep, "an ingredient", "",
                                &r->in[k]);
        if (st)
            return st;
    }
    r->shaped = false;
    r->n_in = (uint8_t)n;
    return QR_OK;
}

static qr_status parse_result(const qr__jctx *c, const qr_pack *p, const json_t *rj,
                              const char *ptr, qk_recipe *r)
{
    char rp[96], fp[112];
    snprintf(rp, sizeof rp, "%s/result", ptr);
    json_t *res;
    qr_status st = qr__jget(c, rj, ptr, "result", JSON_OBJECT,
                            "an object {\"item\": name, \"count\": n}", &res);
    if (st || (st = qr__jkeys(c, res, rp, "result", result_keys)))
        return st;
    json_t *item = json_object_get(res, "item");
    if (!item)
        return qr__jfail(c, rp, false, "missing \"item\" (an item name)");
    snprintf(fp, sizeof fp, "%s/item", rp);
    if ((st = item_ref(c, p, item, fp, "\"item\"", "", &r->out)))
        return st;
    unsigned stack = p->defs[r->out].max_stack ? p->defs[r->out].max_stack : QK_MAX_STACK;
    json_t *count = json_object_get(res, "count");
    r->out_count = 1;
    if (!count)
        return QR_OK;
    if (!json_is_integer(count) || json_integer_value(count) < 1 ||
        json_integer_value(count) > (json_int_t)stack) {
        char got[48];
        if (json_is_integer(count))
            snprintf(got, sizeof got, "%lld", (long long)json_integer_value(count));
        else
            qr__strlcpy(got, qr__jtype(count), sizeof got);
        snprintf(fp, sizeof fp, "%s/count", rp);
        return qr__jfail(c, fp, false, "\"count\" must be an integer from 1 to %u (the stack "
                         "size of \"%s\"), got %s", stack, p->names[r->out], got);
    }
    r->out_count = (uint8_t)json_integer_value(count);
    return QR_OK;
}

static qr_status parse_recipe(const qr__jctx *c, const qr_pack *p, const json_t *rj, size_t i,
                              parsed *out)
{
    char ptr[64], fp[96];
    snprintf(ptr, sizeof ptr, "/recipes/%zu", i);
    if (!json_is_object(rj))
        return qr__jfail(c, ptr, false, "recipe %zu must be an object, got %s", i,
                         qr__jtype(rj));
    qr_status st = qr__jkeys(c, rj, ptr, "recipe", recipe_keys);
    if (st)
        return st;
    bool shaped = json_object_get(rj, "shape") != NULL;
    bool shapeless = json_object_get(rj, "ingredients") != NULL;
    if (!shaped && !shapeless)
        return qr__jfail(c, ptr, false, "a recipe needs \"shape\" and \"key\" (shaped) or "
                         "\"ingredients\" (shapeless)");
    if (shaped && shapeless) {
        snprintf(fp, sizeof fp, "%s/ingredients", ptr);
        return qr__jfail(c, fp, true, "a recipe has \"shape\" or \"ingredients\", not both");
    }
    if (shapeless && json_object_get(rj, "key")) {
        snprintf(fp, sizeof fp, "%s/key", ptr);
        return qr__jfail(c, fp, true, "\"key\" goes with \"shape\"; a shapeless recipe lists "
                         "its \"ingredients\" by name");
    }
    qk_recipe *r = &out->r;
    memset(r, 0, sizeof *r);
    if ((st = shaped ? parse_shape(c, p, rj, ptr, r) : parse_ingredients(c, p, rj, ptr, r)) ||
        (st = parse_result(c, p, rj, ptr, r)))
        return st;

    bool named;
    out->name = p->names[r->out];
    if ((st = qr__jstr(c, rj, ptr, "name", false, QR_NAME_MAX, &out->name, &named)))
        return st;
    if (named && !qr__valid_name(out->name)) {
        snprintf(fp, sizeof fp, "%s/name", ptr);
        return qr__jfail(c, fp, false, "recipe name \"%.80s\" must be 1 to %d characters of "
                         "a-z, 0-9 and _", out->name, QR_NAME_MAX);
    }

    /* The multiset, ascending (insertion sort of at most 9). */
    uint32_t cells = r->shaped ? (uint32_t)r->w * r->h : r->n_in;
    out->n = 0;
    for (uint32_t k = 0; k < cells; k++) {
        qk_item_id it = r->in[k];
        if (it == QK_BLOCK_AIR)
            continue;
        uint8_t j = out->n++;
        while (j > 0 && out->bag[j - 1] > it) {
            out->bag[j] = out->bag[j - 1];
            j--;
        }
        out->bag[j] = it;
    }
    return QR_OK;
}

/* How b collides with the earlier recipe a: 0 not at all, 1 the same
 * pattern, 2 a's mirror image, 3 the same items with one of them shapeless. */
static int collides(const parsed *a, const parsed *b)
{
    if (a->r.shaped && b->r.shaped) {
        if (a->r.w != b->r.w || a->r.h != b->r.h)
            return 0;
        uint32_t w = a->r.w, cells = w * a->r.h;
        if (memcmp(a->r.in, b->r.in, cells * sizeof a->r.in[0]) == 0)
            return 1;
        for (uint32_t k = 0; k < cells; k++)
            if (a->r.in[k] != b->r.in[k / w * w + (w - 1 - k % w)])
                return 0;
        return 2;
    }
    if (a->n != b->n || memcmp(a->bag, b->bag, a->n * sizeof a->bag[0]) != 0)
        return 0;
    return 3;
}

static unsigned line_of(const qr__jctx *c, size_t i)
{
    char ptr[64];
    unsigned line = 1, col = 1;
    snprintf(ptr, sizeof ptr, "/recipes/%zu", i);
    qr_json_locate(c->text, c->len, ptr, false, &line, &col);
    return line;
}

/* The later recipe j against every earlier one: names, then grids. */
static qr_status check_unique(const qr__jctx *c, const json_t *list, const parsed *rs, size_t j)
{
    const parsed *b = &rs[j];
    char fp[96];
    const json_t *rj = json_array_get(list, j);
    for (size_t i = 0; i < j; i++) {
        if (strcmp(rs[i].name, b->name) != 0)
            continue;
        if (json_object_get(rj, "name")) {
            snprintf(fp, sizeof fp, "/recipes/%zu/name", j);
            return qr__jfail(c, fp, false, "duplicate recipe name \"%s\" (already recipe %zu, "
                             "line %u)", b->name, i, line_of(c, i));
        }
        snprintf(fp, sizeof fp, "/recipes/%zu/result/item", j);
        return qr__jfail(c, fp, false, "duplicate recipe name \"%s\", taken from the result "
                         "(already recipe %zu, line %u): give this recipe its own \"name\"",
                         b->name, i, line_of(c, i));
    }
    for (size_t i = 0; i < j; i++) {
        int how = collides(&rs[i], b);
        if (!how)
            continue;
        snprintf(fp, sizeof fp, "/recipes/%zu/%s", j, b->r.shaped ? "shape" : "ingredients");
        static const char *const why[][3] = {
            {"", "", ""},
            {"has the same pattern as", "", ""},
            {"has the mirror image of", "'s pattern", ", and patterns match mirrored too"},
            {"takes the same items as", "",
             ", and a shapeless recipe matches them in any arrangement"},
        };
        return qr__jfail(c, fp, false, "recipe \"%s\" %s recipe \"%s\"%s (line %u)%s: no grid "
                         "could tell them apart", b->name, why[how][0], rs[i].name,
                         why[how][1], line_of(c, i), why[how][2]);
    }
    return QR_OK;
}

qr_status qr_pack_parse_recipes(qr_pack *p, const char *file, const char *text, size_t len,
                                qr_error *err)
{
    qr__jctx c = {file, text, len, 1, err};
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return qr__fail(err, QR_ERR_INPUT, file, je.line > 0 ? (unsigned)je.line : 1,
                        je.column > 0 ? (unsigned)je.column : 1, "%s", je.text);
    qr_status st;
    parsed *rs = NULL;
    qk_recipe *recipes = NULL;
    char **names = NULL;
    size_t n = 0;
    int64_t format;
    json_t *list;
    if (!json_is_object(root)) {
        st = qr__jfail(&c, "", false, "a recipes file must be a JSON object, got %s",
                       qr__jtype(root));
        goto done;
    }
    if ((st = qr__jkeys(&c, root, "", "recipes file", file_keys)) ||
        (st = qr__jint(&c, root, "", "format", true, 1, 1, &format, NULL)) ||
        (st = qr__jget(&c, root, "", "recipes", JSON_ARRAY, "an array of recipes", &list)))
        goto done;
    n = json_array_size(list);
    if (n > QK_MAX_RECIPES) {
        st = qr__jfail(&c, "/recipes", false, "a recipes file holds at most %d recipes, got %zu",
                       QK_MAX_RECIPES, n);
        goto done;
    }
    rs = calloc(n ? n : 1, sizeof *rs);
    recipes = calloc(n ? n : 1, sizeof *recipes);
    names = calloc(n ? n : 1, sizeof *names);
    if (!rs || !recipes || !names) {
        st = qr__fail(err, QR_ERR_NOMEM, file, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        if ((st = parse_recipe(&c, p, json_array_get(list, i), i, &rs[i])) ||
            (st = check_unique(&c, list, rs, i)))
            goto done;
    for (size_t i = 0; i < n; i++) {
        recipes[i] = rs[i].r;
        if (!(names[i] = qr__strdup(rs[i].name))) {
            st = qr__fail(err, QR_ERR_NOMEM, file, 0, 0, "out of memory");
            goto done;
        }
    }
    qr__recipes_free(p->recipes, p->recipe_names, p->recipe_count);
    p->recipes = recipes;
    p->recipe_names = names;
    p->recipe_count = (uint32_t)n;
    p->registry.recipes = n ? recipes : NULL;
    p->registry.recipe_count = (uint32_t)n;
    recipes = NULL;
    names = NULL;
done:
    qr__recipes_free(recipes, names, (uint32_t)n);
    free(rs);
    json_decref(root);
    return st;
}
