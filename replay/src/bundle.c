/*
 * bundle.c - the desync repro bundle: one JSON file that holds what it
 * takes to reproduce a divergence between two builds (docs/formats.md,
 * "Desync bundle"): the scenario and its pack verbatim, both builds'
 * identities, the divergence, build A's kernel snapshot at the checkpoint
 * before it (base64, with its size and XXH3 so damage is named before the
 * kernel sees it), and the divergent leaves.
 *
 * Reading checks every member, and a bad one is named by its path in the
 * document ("checkpoint.snapshot") and, for malformed JSON, by line, column
 * and byte offset; the bundle is never trusted further than it checks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "internal.h"

static json_t *str_or_null(const char *s, size_t n)
{
    return s ? json_stringn(s, n) : json_null();
}

static json_t *lines_array(const char *s)
{
    json_t *a = json_array();
    for (const char *p = s ? s : ""; a && *p;) {
        size_t n = strcspn(p, "\n");
        json_array_append_new(a, json_stringn(p, n));
        p += n + (p[n] == '\n');
    }
    return a;
}

qr_status qr_bundle_write(const qr_bundle *b, FILE *f, const char *path, qr_error *err)
{
    char hx[17];
    json_t *o = json_object(), *builds = json_array(), *cp = json_object();
    json_t *div = b->divergence ? json_loads(b->divergence, 0, NULL) : NULL;
    char *b64 = malloc(qr__base64_size(b->snapshot_len) + 1);
    if (!o || !builds || !cp || !b64) {
        json_decref(o), json_decref(builds), json_decref(cp), json_decref(div), free(b64);
        return qr__fail(err, QR_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    json_object_set_new(o, "quarry", json_string("desync-bundle"));
    json_object_set_new(o, "format", json_integer(QR_BUNDLE_FORMAT));
    json_object_set_new(o, "scenario", json_pack("{s:s,s:s%}", "file", b->scenario_file,
                                                 "text", b->scenario, b->scenario_len));
    json_t *pk = json_pack("{s:s,s:s%}", "file", b->pack_file, "text", b->pack, b->pack_len);
    json_object_set_new(pk, "recipes_file", str_or_null(b->recipes_file, b->recipes_file
                                                        ? strlen(b->recipes_file) : 0));
    json_object_set_new(pk, "recipes", str_or_null(b->recipes, b->recipes_len));
    json_object_set_new(o, "pack", pk);
    for (int k = 0; k < 2; k++) {
        qr_hex64(b->build[k].xxh3, hx);
        json_array_append_new(builds, json_pack("{s:s,s:s,s:s}", "path", b->build[k].path,
                                                "version", b->build[k].version, "xxh3", hx));
    }
    json_object_set_new(o, "builds", builds);
    json_object_set_new(o, "divergence", div ? div : json_null());
    json_object_set_new(o, "segment_replays", json_integer((json_int_t)b->segment_replays));
    qr__base64_encode(b->snapshot, b->snapshot_len, b64);
    qr_hex64(XXH3_64bits(b->snapshot, b->snapshot_len), hx);
    json_object_set_new(cp, "tick", json_integer((json_int_t)b->checkpoint_tick));
    json_object_set_new(cp, "build", json_string("a"));
    json_object_set_new(cp, "bytes", json_integer((json_int_t)b->snapshot_len));
    json_object_set_new(cp, "xxh3", json_string(hx));
    json_object_set_new(cp, "snapshot", json_string(b64));
    json_object_set_new(o, "checkpoint", cp);
    json_object_set_new(o, "leaves", json_pack("{s:o,s:o}", "a", lines_array(b->leaves[0]),
                                               "b", lines_array(b->leaves[1])));
    free(b64);
    int rc = json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (rc != 0 || fputc('\n', f) == EOF)
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "cannot write the bundle: %s",
                        strerror(errno));
    return QR_OK;
}

/* ---- reading ------------------------------------------------------------- */

typedef struct rd {
    const char *path;
    const char *text;
    size_t len;
    qr_error *err;
} rd;

static qr_status bad(const rd *r, const char *member, const char *fmt, ...) QR_PRINTF(3, 4);
static qr_status bad(const rd *r, const char *member, const char *fmt, ...)
{
    char msg[400], ptr[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ptr, sizeof ptr, "/%s", member);
    for (char *p = ptr; *p; p++)
        *p = *p == '.' ? '/' : *p;
    unsigned line = 0, col = 0;
    qr_json_locate(r->text, r->len, ptr, false, &line, &col);
    return qr__fail(r->err, QR_ERR_INPUT, r->path, line, col, "bundle member \"%s\": %s",
                    member, msg);
}

/* A string member (a.b paths); NULL allowed when nullable. */
static qr_status get_str(const rd *r, json_t *root, const char *member, bool nullable,
                         char **out, size_t *len)
{
    json_t *v = root;
    char key[64];
    for (const char *p = member; v && *p;) {
        size_t n = strcspn(p, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        v = json_is_array(v) ? json_array_get(v, strtoul(key, NULL, 10))
                             : json_object_get(v, key);
        p += n + (p[n] == '.');
    }
    if (nullable && (!v || json_is_null(v))) {
        *out = NULL;
        return QR_OK;
    }
    if (!json_is_string(v))
        return bad(r, member, v ? "must be a string" : "is missing");
    size_t n = json_string_length(v);
    *out = malloc(n + 1);
    if (!*out)
        return qr__fail(r->err, QR_ERR_NOMEM, r->path, 0, 0, "out of memory");
    memcpy(*out, json_string_value(v), n + 1);
    if (len)
        *len = n;
    return QR_OK;
}

static qr_status get_u64(const rd *r, json_t *obj, const char *member, const char *key,
                         uint64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return bad(r, member, "must be a non-negative integer");
    *out = (uint64_t)json_integer_value(v);
    return QR_OK;
}

static qr_status get_hex(const rd *r, json_t *obj, const char *member, const char *key,
                         uint64_t *out)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s || strlen(s) != 16 || strspn(s, "0123456789abcdef") != 16)
        return bad(r, member, "must be 16 lowercase hex digits");
    *out = strtoull(s, NULL, 16);
    return QR_OK;
}

static qr_status join_lines(const rd *r, json_t *arr, const char *member, char **out)
{
    if (!json_is_array(arr))
        return bad(r, member, "must be an array of strings");
    size_t n = 1, i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (!json_is_string(v))
            return bad(r, member, "item %zu must be a string", i);
        n += json_string_length(v) + 1;
    }
    char *p = *out = malloc(n);
    if (!p)
        return qr__fail(r->err, QR_ERR_NOMEM, r->path, 0, 0, "out of memory");
    json_array_foreach(arr, i, v) {
        memcpy(p, json_string_value(v), json_string_length(v));
        p += json_string_length(v);
        *p++ = '\n';
    }
    *p = 0;
    return QR_OK;
}

static qr_status read_doc(qr_bundle *b, const rd *r, json_t *o)
{
    qr_status st;
    json_t *v = json_object_get(o, "quarry");
    if (!json_is_string(v) || strcmp(json_string_value(v), "desync-bundle") != 0)
        return bad(r, "quarry", "must be \"desync-bundle\" (this is not a desync bundle)");
    v = json_object_get(o, "format");
    if (!json_is_integer(v) || json_integer_value(v) != QR_BUNDLE_FORMAT)
        return bad(r, "format", "must be %d (a bundle of another format)", QR_BUNDLE_FORMAT);
    if ((st = get_str(r, o, "scenario.file", false, &b->scenario_file, NULL)) ||
        (st = get_str(r, o, "scenario.text", false, &b->scenario, &b->scenario_len)) ||
        (st = get_str(r, o, "pack.file", false, &b->pack_file, NULL)) ||
        (st = get_str(r, o, "pack.text", false, &b->pack, &b->pack_len)) ||
        (st = get_str(r, o, "pack.recipes_file", true, &b->recipes_file, NULL)) ||
        (st = get_str(r, o, "pack.recipes", true, &b->recipes, &b->recipes_len)))
        return st;
    const char *names[] = {b->scenario_file, b->pack_file, b->recipes_file};
    for (int k = 0; k < 3; k++)
        if (names[k] && (!names[k][0] || strchr(names[k], '/') || names[k][0] == '.'))
            return bad(r, k == 0 ? "scenario.file" : k == 1 ? "pack.file" : "pack.recipes_file",
                       "must be a plain file name (no '/', not starting with '.')");
    json_t *builds = json_object_get(o, "builds");
    if (!json_is_array(builds) || json_array_size(builds) != 2)
        return bad(r, "builds", "must be an array of two builds");
    for (int k = 0; k < 2; k++) {
        char m[32];
        json_t *bo = json_array_get(builds, (size_t)k);
        snprintf(m, sizeof m, "builds.%d", k);
        if (!json_is_object(bo))
            return bad(r, m, "must be an object");
        char mp[48], mv[48];
        snprintf(mp, sizeof mp, "%s.path", m);
        snprintf(mv, sizeof mv, "%s.version", m);
        if ((st = get_str(r, o, mp, false, &b->build[k].path, NULL)) ||
            (st = get_str(r, o, mv, false, &b->build[k].version, NULL)) ||
            (st = get_hex(r, bo, m, "xxh3", &b->build[k].xxh3)))
            return st;
    }
    json_t *div = json_object_get(o, "divergence");
    if (!json_is_object(div) || !json_is_true(json_object_get(div, "found")))
        return bad(r, "divergence", "must be a divergence object with \"found\":true");
    json_t *tk = json_object_get(div, "tick"), *ch = json_object_get(div, "chunk");
    if (!json_is_integer(tk) || json_integer_value(tk) < 0)
        return bad(r, "divergence.tick", "must be a non-negative integer");
    b->tick = (uint64_t)json_integer_value(tk);
    if (!json_is_null(ch)) {
        if (!json_is_array(ch) || json_array_size(ch) != 2 ||
            !json_is_integer(json_array_get(ch, 0)) || !json_is_integer(json_array_get(ch, 1)))
            return bad(r, "divergence.chunk", "must be [cx,cz] or null");
        b->has_chunk = true;
        b->cx = (int32_t)json_integer_value(json_array_get(ch, 0));
        b->cz = (int32_t)json_integer_value(json_array_get(ch, 1));
    }
    b->divergence = json_dumps(div, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!b->divergence)
        return qr__fail(r->err, QR_ERR_NOMEM, r->path, 0, 0, "out of memory");
    if ((st = get_u64(r, o, "segment_replays", "segment_replays", &b->segment_replays)))
        return st;
    json_t *cp = json_object_get(o, "checkpoint");
    uint64_t bytes, sum;
    char *b64 = NULL;
    size_t n64 = 0;
    if (!json_is_object(cp))
        return bad(r, "checkpoint", "must be an object");
    if ((st = get_u64(r, cp, "checkpoint.tick", "tick", &b->checkpoint_tick)) ||
        (st = get_u64(r, cp, "checkpoint.bytes", "bytes", &bytes)) ||
        (st = get_hex(r, cp, "checkpoint.xxh3", "xxh3", &sum)) ||
        (st = get_str(r, o, "checkpoint.snapshot", false, &b64, &n64)))
        return st;
    size_t at = qr__base64_decode(b64, n64, &b->snapshot, &b->snapshot_len);
    free(b64);
    if (at == (size_t)-2)
        return qr__fail(r->err, QR_ERR_NOMEM, r->path, 0, 0, "out of memory");
    if (at != (size_t)-1)
        return bad(r, "checkpoint.snapshot", "not base64 at character %zu", at);
    if (b->snapshot_len != bytes)
        return bad(r, "checkpoint.bytes", "says %" PRIu64 " bytes but the snapshot decodes "
                   "to %zu", bytes, b->snapshot_len);
    uint64_t got = XXH3_64bits(b->snapshot, b->snapshot_len);
    if (got != sum) {
        char hx[17];
        qr_hex64(got, hx);
        return bad(r, "checkpoint.xxh3", "the snapshot's bytes hash to %s (damaged)", hx);
    }
    json_t *lv = json_object_get(o, "leaves");
    if (!json_is_object(lv))
        return bad(r, "leaves", "must be an object with \"a\" and \"b\"");
    if ((st = join_lines(r, json_object_get(lv, "a"), "leaves.a", &b->leaves[0])) ||
        (st = join_lines(r, json_object_get(lv, "b"), "leaves.b", &b->leaves[1])))
        return st;
    return QR_OK;
}

qr_status qr_bundle_load(qr_bundle *b, const char *path, qr_error *err)
{
    memset(b, 0, sizeof *b);
    char *text = NULL;
    size_t len = 0;
    qr_status st = qr__read_file(path, (size_t)1 << 30, &text, &len, err);
    if (st)
        return st;
    rd r = {path, text, len, err};
    json_error_t je;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!o || !json_is_object(o)) {
        st = qr__fail(err, QR_ERR_INPUT, path, o ? 1 : (unsigned)je.line,
                      o ? 1 : (unsigned)je.column, "not a desync bundle: %s (byte %zu)",
                      o ? "the document is not a JSON object" : je.text,
                      o ? (size_t)0 : (size_t)je.position);
    } else {
        st = read_doc(b, &r, o);
    }
    json_decref(o);
    free(text);
    if (st)
        qr_bundle_free(b);
    return st;
}

void qr_bundle_free(qr_bundle *b)
{
    free(b->scenario_file), free(b->scenario), free(b->pack_file), free(b->pack);
    free(b->recipes_file), free(b->recipes), free(b->divergence), free(b->snapshot);
    free(b->leaves[0]), free(b->leaves[1]);
    for (int k = 0; k < 2; k++)
        free(b->build[k].path), free(b->build[k].version);
    memset(b, 0, sizeof *b);
}

bool qr_divergence_json_equal(const char *a, const char *b)
{
    json_t *ja = json_loads(a, 0, NULL), *jb = json_loads(b, 0, NULL);
    bool eq = ja && jb && json_equal(ja, jb);
    json_decref(ja);
    json_decref(jb);
    return eq;
}

/* ---- collecting a scenario and its pack ---------------------------------- */

static char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return qr__strdup(s ? s + 1 : path);
}

qr_status qr_bundle_collect(qr_bundle *b, const char *scenario, const char *pack_dir,
                            qr_error *err)
{
    qr_scenario *sc = NULL;
    qr_scenario_opts so = {.pack_dir = pack_dir};
    qr_status st = qr_scenario_load(&sc, scenario, &so, err);
    if (st)
        return st;
    char dir[512], path[1200];
    if (pack_dir) {
        qr__strlcpy(dir, pack_dir, sizeof dir);
    } else {
        const char *slash = strrchr(scenario, '/');
        if (slash)
            snprintf(dir, sizeof dir, "%.*s/../packs", (int)(slash - scenario), scenario);
        else
            qr__strlcpy(dir, "../packs", sizeof dir);
    }
    snprintf(path, sizeof path, "%s/%s.json", dir, sc->pack_name);
    qr_scenario_free(sc);
    if ((st = qr__read_file(scenario, QR_MAX_TICKS * (size_t)64, &b->scenario,
                            &b->scenario_len, err)) ||
        (st = qr__read_file(path, (size_t)16 << 20, &b->pack, &b->pack_len, err)))
        return st;
    b->scenario_file = base_name(scenario);
    b->pack_file = base_name(path);
    json_t *o = json_loadb(b->pack, b->pack_len, 0, NULL);
    const char *rel = json_string_value(json_object_get(o, "recipes"));
    if (rel && strchr(rel, '/'))
        st = qr__fail(err, QR_ERR_INPUT, path, 0, 0, "its \"recipes\" file is in another "
                      "directory (\"%s\"): a bundle holds only files beside the pack", rel);
    else if (rel) {
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        b->recipes_file = qr__strdup(rel);
        st = qr__read_file(path, (size_t)16 << 20, &b->recipes, &b->recipes_len, err);
    }
    json_decref(o);
    if (!st && (!b->scenario_file || !b->pack_file || (rel && !b->recipes_file)))
        st = qr__fail(err, QR_ERR_NOMEM, scenario, 0, 0, "out of memory");
    return st;
}
