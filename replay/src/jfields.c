/*
 * jfields.c - typed, range-checked reads of JSON members with exact positions.
 *
 * Every parser in the replay library reads its fields through these, so all
 * of them say the same thing the same way: where (file:line:col of the value,
 * found with qr_json_locate), which key, and what was expected, e.g.
 *   "ticks" must be an integer from 1 to 10000000, got "200" (a string)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

qr_status qr__jfail(const qr__jctx *c, const char *ptr, bool at_key,
                    const char *fmt, ...)
{
    if (!c->err)
        return QR_ERR_INPUT;
    unsigned line = 1, col = 1;
    qr_json_locate(c->text, c->len, ptr, at_key, &line, &col);
    qr_error *e = c->err;
    qr__strlcpy(e->file, c->file, sizeof e->file);
    e->line = c->line0 + line - 1;
    e->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return QR_ERR_INPUT;
}

const char *qr__jtype(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number with a fraction";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* A short rendering of a value for messages: its JSON text, cut at 40. */
static void brief(const json_t *v, char *out, size_t cap)
{
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!t) {
        qr__strlcpy(out, "?", cap);
        return;
    }
    if (strlen(t) > 40)
        snprintf(out, cap, "%.37s...", t);
    else
        qr__strlcpy(out, t, cap);
    free(t);
}

static void join_ptr(char *out, size_t cap, const char *ptr, const char *key)
{
    snprintf(out, cap, "%s/%s", ptr, key);
}

qr_status qr__jkeys(const qr__jctx *c, const json_t *obj, const char *ptr,
                    const char *what, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                ok = true;
        if (ok)
            continue;
        char list[400] = "", p[300];
        size_t n = 0;
        for (const char *const *a = allowed; *a && n < sizeof list; a++) {
            int w = snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", *a);
            if (w < 0)
                break;
            n += (size_t)w;
        }
        join_ptr(p, sizeof p, ptr, key);
        return qr__jfail(c, p, true, "unknown key \"%.60s\" in %s (expected one of %s)",
                         key, what, list);
    }
    return QR_OK;
}

static qr_status missing(const qr__jctx *c, const char *ptr, const char *key,
                         const char *words)
{
    return qr__jfail(c, ptr, false, "missing \"%s\" (%s)", key, words);
}

qr_status qr__jint(const qr__jctx *c, const json_t *obj, const char *ptr,
                   const char *key, bool required, int64_t min, int64_t max,
                   int64_t *out, bool *present)
{
    char words[96];
    snprintf(words, sizeof words, "an integer from %" PRId64 " to %" PRId64, min, max);
    json_t *v = json_object_get(obj, key);
    if (present)
        *present = v != NULL;
    if (!v)
        return required ? missing(c, ptr, key, words) : QR_OK;
    char p[300], b[48];
    join_ptr(p, sizeof p, ptr, key);
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        brief(v, b, sizeof b);
        return qr__jfail(c, p, false, "\"%s\" must be %s, got %s%s%s%s", key, words, b,
                         json_is_integer(v) ? "" : " (", json_is_integer(v) ? "" : qr__jtype(v),
                         json_is_integer(v) ? "" : ")");
    }
    *out = json_integer_value(v);
    return QR_OK;
}

qr_status qr__jbool(const qr__jctx *c, const json_t *obj, const char *ptr,
                    const char *key, bool required, bool *out, bool *present)
{
    json_t *v = json_object_get(obj, key);
    if (present)
        *present = v != NULL;
    if (!v)
        return required ? missing(c, ptr, key, "true or false") : QR_OK;
    if (!json_is_boolean(v)) {
        char p[300], b[48];
        join_ptr(p, sizeof p, ptr, key);
        brief(v, b, sizeof b);
        return qr__jfail(c, p, false, "\"%s\" must be true or false, got %s (%s)", key, b,
                         qr__jtype(v));
    }
    *out = json_is_true(v);
    return QR_OK;
}

qr_status qr__jstr(const qr__jctx *c, const json_t *obj, const char *ptr,
                   const char *key, bool required, size_t maxlen,
                   const char **out, bool *present)
{
    json_t *v = json_object_get(obj, key);
    if (present)
        *present = v != NULL;
    if (!v)
        return required ? missing(c, ptr, key, "a string") : QR_OK;
    char p[300], b[48];
    join_ptr(p, sizeof p, ptr, key);
    if (!json_is_string(v)) {
        brief(v, b, sizeof b);
        return qr__jfail(c, p, false, "\"%s\" must be a string, got %s (%s)", key, b,
                         qr__jtype(v));
    }
    size_t n = json_string_length(v);
    if (n == 0 || n > maxlen || strlen(json_string_value(v)) != n)
        return qr__jfail(c, p, false, "\"%s\" must be a string of 1 to %zu characters "
                         "without NUL", key, maxlen);
    *out = json_string_value(v);
    return QR_OK;
}

qr_status qr__jget(const qr__jctx *c, const json_t *obj, const char *ptr,
                   const char *key, json_type type, const char *type_words,
                   json_t **out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return missing(c, ptr, key, type_words);
    if (json_typeof(v) != type) {
        char p[300], b[48];
        join_ptr(p, sizeof p, ptr, key);
        brief(v, b, sizeof b);
        return qr__jfail(c, p, false, "\"%s\" must be %s, got %s (%s)", key, type_words, b,
                         qr__jtype(v));
    }
    *out = v;
    return QR_OK;
}

qr_status qr__jints(const qr__jctx *c, const json_t *obj, const char *ptr,
                    const char *key, size_t n, const int64_t *min,
                    const int64_t *max, int64_t *out, bool required,
                    bool *present)
{
    char words[64];
    snprintf(words, sizeof words, "an array of %zu integers", n);
    json_t *v = json_object_get(obj, key);
    if (present)
        *present = v != NULL;
    if (!v)
        return required ? missing(c, ptr, key, words) : QR_OK;
    char p[300], b[48];
    join_ptr(p, sizeof p, ptr, key);
    if (!json_is_array(v) || json_array_size(v) != n) {
        brief(v, b, sizeof b);
        return qr__jfail(c, p, false, "\"%s\" must be %s, got %s", key, words, b);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);
        if (!json_is_integer(e) || json_integer_value(e) < min[i] ||
            json_integer_value(e) > max[i]) {
            char pe[340];
            snprintf(pe, sizeof pe, "%s/%zu", p, i);
            brief(e, b, sizeof b);
            return qr__jfail(c, pe, false,
                             "element %zu of \"%s\" must be an integer from %" PRId64
                             " to %" PRId64 ", got %s", i, key, min[i], max[i], b);
        }
        out[i] = json_integer_value(e);
    }
    return QR_OK;
}
