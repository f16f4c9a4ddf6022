/*
 * util.c - errors, small string helpers, whole-file and line-by-line reading.
 *
 * The line reader is the one place that decides how long a line may be:
 * it stops buffering at the limit and skips the rest of the line, so a
 * hostile 10 MB line costs 10 MB of reading but only `max` bytes of memory.
 */
#define _POSIX_C_SOURCE 200809L /* getc_unlocked */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "internal.h"

const char *qr_status_str(qr_status s)
{
    switch (s) {
    case QR_OK: return "ok";
    case QR_ERR_INPUT: return "bad input";
    case QR_ERR_IO: return "i/o error";
    case QR_ERR_NOMEM: return "out of memory";
    case QR_ERR_KERNEL: return "kernel error";
    case QR_ERR_OUTPUT: return "output failed";
    }
    return "?";
}

qr_status qr__fail(qr_error *err, qr_status st, const char *file,
                   unsigned line, unsigned col, const char *fmt, ...)
{
    if (!err)
        return st;
    qr__strlcpy(err->file, file ? file : "", sizeof err->file);
    err->line = line;
    err->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return st;
}

size_t qr_error_format(const qr_error *e, char *buf, size_t cap)
{
    int n;
    if (e->file[0] && e->line && e->col)
        n = snprintf(buf, cap, "%s:%u:%u: %s", e->file, e->line, e->col, e->msg);
    else if (e->file[0] && e->line)
        n = snprintf(buf, cap, "%s:%u: %s", e->file, e->line, e->msg);
    else if (e->file[0])
        n = snprintf(buf, cap, "%s: %s", e->file, e->msg);
    else
        n = snprintf(buf, cap, "%s", e->msg);
    return n < 0 ? 0 : (size_t)n;
}

void qr_error_print(const qr_error *e, FILE *f)
{
    char buf[1200];
    qr_error_format(e, buf, sizeof buf);
    fprintf(f, "%s\n", buf);
}

void qr__strlcpy(char *dst, const char *src, size_t cap)
{
    if (!cap)
        return;
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

char *qr__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

bool qr__valid_name(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char ch = s[n];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
            return false;
    }
    return n >= 1 && n <= QR_NAME_MAX;
}

int64_t qr__floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b) != 0 && a < 0)
        q--;
    return q;
}

qr_status qr__read_file(const char *path, size_t max, char **out, size_t *len,
                        qr_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        fclose(f);
        return qr__fail(err, QR_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                free(buf);
                fclose(f);
                return qr__fail(err, QR_ERR_INPUT, path, 0, 0,
                                "file larger than %zu bytes", max);
            }
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                fclose(f);
                return qr__fail(err, QR_ERR_NOMEM, path, 0, 0, "out of memory");
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(buf);
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "read error");
    }
    if (n > max) {
        free(buf);
        return qr__fail(err, QR_ERR_INPUT, path, 0, 0, "file larger than %zu bytes", max);
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return QR_OK;
}

/* ---- line reader ------------------------------------------------------ */

void qr__lines_init(qr__lines *r, FILE *f, size_t max, bool hash)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->max = max;
    r->hashing = hash;
    if (hash) {
        r->xxh = XXH3_createState();
        if (r->xxh)
            XXH3_64bits_reset(r->xxh);
        else
            r->hashing = false;
    }
}

static int lines_push(qr__lines *r, int ch)
{
    if (r->len + 1 >= r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 256;
        if (nc > r->max + 2)
            nc = r->max + 2;
        char *nb = realloc(r->buf, nc);
        if (!nb)
            return -1;
        r->buf = nb;
        r->cap = nc;
    }
    r->buf[r->len++] = (char)ch;
    return 0;
}

int qr__lines_next(qr__lines *r)
{
    r->len = 0;
    r->newline = false;
    bool any = false, over = false;
    int ch;
    char chunk[4096];
    size_t cn = 0;
    while ((ch = getc_unlocked(r->f)) != EOF) {
        any = true;
        if (r->hashing) {
            chunk[cn++] = (char)ch;
            if (cn == sizeof chunk) {
                XXH3_64bits_update(r->xxh, chunk, cn);
                cn = 0;
            }
        }
        if (ch == '\n') {
            r->newline = true;
            break;
        }
        if (over)
            continue;
        if (r->len >= r->max) {
            over = true;
            continue;
        }
        if (lines_push(r, ch) < 0)
            return -3;
    }
    if (r->hashing && cn)
        XXH3_64bits_update(r->xxh, chunk, cn);
    if (ferror(r->f))
        return -2;
    if (!any)
        return 0;
    r->lineno++;
    if (!r->buf && lines_push(r, 0) < 0)
        return -3;
    if (over) {
        r->buf[r->len] = 0;
        r->len = r->max + 1;
        return -1;
    }
    r->buf[r->len] = 0;
    return 1;
}

uint64_t qr__lines_hash(qr__lines *r)
{
    return r->hashing ? XXH3_64bits_digest(r->xxh) : 0;
}

void qr__lines_free(qr__lines *r)
{
    free(r->buf);
    if (r->xxh)
        XXH3_freeState(r->xxh);
    memset(r, 0, sizeof *r);
}

/* ---- files ------------------------------------------------------------ */

int qr_write_stdio(void *ud, const void *buf, size_t len)
{
    return fwrite(buf, 1, len, (FILE *)ud) == len ? 0 : -1;
}

qr_status qr_hash_file(const char *path, uint64_t *out, uint64_t *bytes,
                       qr_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    XXH3_state_t *st = XXH3_createState();
    if (!st) {
        fclose(f);
        return qr__fail(err, QR_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    XXH3_64bits_reset(st);
    char buf[65536];
    uint64_t total = 0;
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        XXH3_64bits_update(st, buf, got);
        total += got;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    *out = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    if (bytes)
        *bytes = total;
    if (bad)
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "read error");
    return QR_OK;
}
