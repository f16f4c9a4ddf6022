/*
 * pack.c - block packs: JSON file -> kernel registry + block names.
 *
 * A pack names the blocks a world is made of and gives each the physical
 * properties the kernel needs (qk_block_def).  Ids are what the kernel
 * stores, so they are written explicitly and need not be dense: retiring a
 * block leaves a hole rather than renumbering every later block (which
 * would change every world and snapshot).  Holes become placeholder entries
 * that nothing can name.  Names are what people write in scenarios and
 * what event streams print.  Format: docs/formats.md, "Block pack".
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PACK_MAX_BYTES (16u << 20)

void qr_pack_free(qr_pack *p)
{
    if (!p)
        return;
    if (p->names)
        for (uint32_t i = 0; i < p->count; i++)
            free(p->names[i]);
    free(p->names);
    free(p->defs);
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

static const char *const pack_keys[] = {"format", "name", "blocks", "note", NULL};
static const char *const block_keys[] = {"id",        "name",  "opaque", "solid", "emissive",
                                         "breakable", "drops", "note",   NULL};

/* First pass over one block: everything but "drops", which may name a
 * block defined later. */
static qr_status parse_block(const qr__jctx *c, qr_pack *p, const json_t *b, size_t i)
{
    char ptr[64];
    snprintf(ptr, sizeof ptr, "/blocks/%zu", i);
    if (!json_is_object(b))
        return qr__jfail(c, ptr, false, "block %zu must be an object, got %s", i, qr__jtype(b));
    qr_status st = qr__jkeys(c, b, ptr, "block", block_keys);
    if (st)
        return st;
    int64_t id, emissive = 0;
    const char *name;
    bool opaque, solid, breakable = true;
    if ((st = qr__jint(c, b, ptr, "id", true, 0, QK_MAX_BLOCKS - 1, &id, NULL)) ||
        (st = qr__jstr(c, b, ptr, "name", true, QR_NAME_MAX, &name, NULL)) ||
        (st = qr__jbool(c, b, ptr, "opaque", true, &opaque, NULL)) ||
        (st = qr__jbool(c, b, ptr, "solid", true, &solid, NULL)) ||
        (st = qr__jint(c, b, ptr, "emissive", false, 0, 15, &emissive, NULL)) ||
        (st = qr__jbool(c, b, ptr, "breakable", false, &breakable, NULL)))
        return st;
    char fp[96];
    if (!qr__valid_name(name)) {
        snprintf(fp, sizeof fp, "%s/name", ptr);
        return qr__jfail(c, fp, false, "block name \"%.80s\" must be 1 to %d characters of "
                         "a-z, 0-9 and _", name, QR_NAME_MAX);
    }
    if (p->names[id]) {
        snprintf(fp, sizeof fp, "%s/id", ptr);
        return qr__jfail(c, fp, false, "duplicate block id %d (already used by \"%s\")",
                         (int)id, p->names[id]);
    }
    qk_block_id other;
    if (qr_pack_lookup(p, name, &other)) {
        snprintf(fp, sizeof fp, "%s/name", ptr);
        return qr__jfail(c, fp, false, "duplicate block name \"%s\" (already id %u)", name,
                         (unsigned)other);
    }
    if (!(p->names[id] = qr__strdup(name)))
        return qr__fail(c->err, QR_ERR_NOMEM, c->file, 0, 0, "out of memory");
    qk_block_def *d = &p->defs[id];
    d->opaque = opaque;
    d->solid = solid;
    d->breakable = breakable;
    d->emissive = (uint8_t)emissive;
    d->drops = (qk_block_id)id;
    if ((uint32_t)id + 1 > p->count)
        p->count = (uint32_t)id + 1;
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
        return qr__jfail(c, ptr, false, "\"drops\" must be a block name or null, got %s",
                         qr__jtype(v));
    qk_block_id d;
    if (!qr_pack_lookup(p, json_string_value(v), &d))
        return qr__jfail(c, ptr, false, "\"drops\" names unknown block \"%.80s\"",
                         json_string_value(v));
    p->defs[id].drops = d;
    return QR_OK;
}

qr_status qr_pack_parse(qr_pack **out, const char *file, const char *text, size_t len,
                        qr_error *err)
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
    }
    if (!p || !p->defs || !p->names) {
        st = qr__fail(err, QR_ERR_NOMEM, file, 0, 0, "out of memory");
        goto done;
    }
    if (!json_is_object(root)) {
        st = qr__jfail(&c, "", false, "a pack must be a JSON object, got %s", qr__jtype(root));
        goto done;
    }
    int64_t format;
    const char *name;
    json_t *blocks;
    if ((st = qr__jkeys(&c, root, "", "pack", pack_keys)) ||
        (st = qr__jint(&c, root, "", "format", true, 1, 1, &format, NULL)) ||
        (st = qr__jstr(&c, root, "", "name", true, QR_NAME_MAX, &name, NULL)) ||
        (st = qr__jget(&c, root, "", "blocks", JSON_ARRAY, "an array of blocks", &blocks)))
        goto done;
    if (!qr__valid_name(name)) {
        st = qr__jfail(&c, "/name", false, "pack name must be of a-z, 0-9 and _");
        goto done;
    }
    qr__strlcpy(p->name, name, sizeof p->name);
    for (size_t i = 0; i < json_array_size(blocks); i++)
        if ((st = parse_block(&c, p, json_array_get(blocks, i), i)))
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
done:
    json_decref(root);
    if (st) {
        qr_pack_free(p);
        return st;
    }
    *out = p;
    return QR_OK;
}

qr_status qr_pack_load(qr_pack **out, const char *path, qr_error *err)
{
    char *text;
    size_t len;
    *out = NULL;
    qr_status st = qr__read_file(path, PACK_MAX_BYTES, &text, &len, err);
    if (st)
        return st;
    st = qr_pack_parse(out, path, text, len, err);
    free(text);
    return st;
}

const char *qr_pack_recipe_name(const qr_pack *p, uint32_t i)
{
    return i < p->recipe_count ? p->recipe_names[i] : NULL;
}
