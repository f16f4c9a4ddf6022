/*
 * error.c - the adapter's error values: status names, the one-line
 * rendering of a qs_error, reports (lists of errors), and the internal
 * helpers that fill them (qs_internal.h).
 *
 * A qs_error is plain data the caller owns; everything here treats its
 * strings as possibly unterminated (a caller may have filled it by hand),
 * so formatting never reads past the arrays.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qs_internal.h"

const char *qs_status_str(qs_status s)
{
    static const char *const t[] = {
        [QS_OK] = "ok",
        [QS_ERR_IO] = "i/o error",
        [QS_ERR_NOSAVE] = "no save",
        [QS_ERR_CORRUPT] = "corrupt file",
        [QS_ERR_VERSION] = "unsupported version or registry",
        [QS_ERR_NOMEM] = "out of memory",
        [QS_ERR_INVALID] = "invalid argument",
        [QS_ERR_KERNEL] = "refused by the kernel",
    };
    unsigned i = (unsigned)s;
    return i < sizeof t / sizeof t[0] && t[i] ? t[i] : "unknown status";
}

/* ---- formatting -------------------------------------------------------- */

/* Appends to buf[0..cap) like snprintf would, counting what it wanted in
 * len even past cap, so the caller learns the full length. */
typedef struct sink {
    char *buf;
    size_t cap, len;
} sink;

static void put(sink *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void put(sink *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *at = s->len < s->cap ? s->buf + s->len : NULL;
    int n = vsnprintf(at, at ? s->cap - s->len : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        s->len += (size_t)n;
}

/* strlen that stops at the end of the array (strnlen is not C11). */
static int bounded_len(const char *s, size_t cap)
{
    const char *z = memchr(s, 0, cap);
    return (int)(z ? (size_t)(z - s) : cap);
}

/* Separates the parts: ": " before every one but the first. */
static void part(sink *s, bool *first)
{
    if (!*first)
        put(s, ": ");
    *first = false;
}

size_t qs_error_format(const qs_error *e, char *buf, size_t cap)
{
    sink s = {cap ? buf : NULL, buf ? cap : 0, 0};
    if (s.cap)
        s.buf[0] = 0;
    if (!e)
        return 0;
    bool first = true;
    int file_len = bounded_len(e->file, sizeof e->file);
    int msg_len = bounded_len(e->msg, sizeof e->msg);
    if (file_len) {
        part(&s, &first);
        put(&s, "%.*s", file_len, e->file);
    }
    if (e->has_region) {
        part(&s, &first);
        put(&s, "region (%ld,%ld)", (long)e->rx, (long)e->rz);
    }
    if (e->has_chunk) {
        part(&s, &first);
        put(&s, "chunk (%ld,%ld)", (long)e->cx, (long)e->cz);
    }
    if (e->has_offset) {
        part(&s, &first);
        put(&s, "byte %llu", (unsigned long long)e->offset);
    }
    part(&s, &first);
    if (msg_len)
        put(&s, "%.*s", msg_len, e->msg);
    else /* a bare code still says something */
        put(&s, "%s", qs_status_str(e->code));
    return s.len;
}

void qs_report_free(qs_report *r)
{
    if (!r)
        return;
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}

/* ---- internal helpers (qs_internal.h) ---------------------------------- */

qs_status qs__error_vset(qs_error *e, qs_status code, const char *file, const char *fmt,
                         va_list ap)
{
    if (!e)
        return code;
    memset(e, 0, sizeof *e);
    e->code = code;
    snprintf(e->file, sizeof e->file, "%s", file ? file : "");
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    return code;
}

qs_status qs__error_set(qs_error *e, qs_status code, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    qs__error_vset(e, code, file, fmt, ap);
    va_end(ap);
    return code;
}

void qs__error_region(qs_error *e, int32_t rx, int32_t rz)
{
    if (e) {
        e->has_region = true;
        e->rx = rx;
        e->rz = rz;
    }
}

void qs__error_chunk(qs_error *e, int32_t cx, int32_t cz)
{
    if (e) {
        e->has_chunk = true;
        e->cx = cx;
        e->cz = cz;
    }
}

void qs__error_offset(qs_error *e, uint64_t offset)
{
    if (e) {
        e->has_offset = true;
        e->offset = offset;
    }
}

bool qs__report_add(qs_report *r, const qs_error *e)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        if (cap > SIZE_MAX / sizeof *r->v)
            return false;
        qs_error *v = realloc(r->v, cap * sizeof *v);
        if (!v)
            return false;
        r->v = v;
        r->cap = cap;
    }
    r->v[r->n++] = *e;
    return true;
}
