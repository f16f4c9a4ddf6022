/*
 * compare.c - where do two event streams first differ, in words?
 *
 * Streams can be hundreds of megabytes, so the comparer reads both line by
 * line (bounded memory) and compares bytes; only the first pair of differing
 * lines is parsed.  Because the stream is canonical, equal bytes mean equal
 * events, and the first differing line is the first divergence.  The report
 * says what a developer needs to start bisecting: the line and tick, the
 * event type, the first differing field in key order with both values, and
 * for digest lines every subsystem whose digest moved.  Header differences
 * are named by field (a kernel version bump reads as exactly that).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void dump(const json_t *v, char *out, size_t cap)
{
    if (!v) {
        qr__strlcpy(out, "(missing)", cap);
        return;
    }
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    qr__strlcpy(out, t ? t : "?", cap);
    free(t);
}

static void append(char *list, size_t cap, const char *item)
{
    size_t n = strlen(list);
    snprintf(list + n, cap - n, "%s%s", n ? ", " : "", item);
}

/* Compares a and b key by key (a's order, then keys only b has); records the
 * first difference and lists every differing key not in `skip`. */
static bool diff_keys(qr_diff *d, const json_t *a, const json_t *b, const char *const *skip)
{
    bool any = false;
    const char *key;
    json_t *va;
    for (int pass = 0; pass < 2; pass++) {
        const json_t *x = pass ? b : a, *y = pass ? a : b;
        json_object_foreach((json_t *)x, key, va) {
            json_t *vb = json_object_get(y, key);
            if (pass && vb)
                continue; /* seen in the first pass */
            if (vb && json_equal(va, vb))
                continue;
            bool skipped = false;
            for (const char *const *s = skip; s && *s; s++)
                skipped |= strcmp(*s, key) == 0;
            if (skipped)
                continue;
            if (!any) {
                qr__strlcpy(d->field, key, sizeof d->field);
                dump(pass ? vb : va, d->value_a, sizeof d->value_a);
                dump(pass ? va : vb, d->value_b, sizeof d->value_b);
            }
            append(d->fields, sizeof d->fields, key);
            any = true;
        }
    }
    return any;
}

static unsigned first_diff_col(const char *a, size_t na, const char *b, size_t nb)
{
    unsigned col = 1;
    for (size_t i = 0; i < na && i < nb && a[i] == b[i]; i++)
        if (((unsigned char)a[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static void describe(qr_diff *d, const qr__lines *la, const qr__lines *lb)
{
    qr__strlcpy(d->line_a, la->buf, sizeof d->line_a);
    qr__strlcpy(d->line_b, lb->buf, sizeof d->line_b);
    d->col = first_diff_col(la->buf, la->len, lb->buf, lb->len);
    json_t *a = json_loadb(la->buf, la->len, 0, NULL);
    json_t *b = json_loadb(lb->buf, lb->len, 0, NULL);
    if (!json_is_object(a) || !json_is_object(b)) {
        d->kind = QR_DIFF_RAW;
        goto out;
    }
    if (d->line == 1) { /* only line 1 is a header (formats.md) */
        d->kind = QR_DIFF_HEADER;
        diff_keys(d, a, b, NULL);
        goto out;
    }
    json_t *ta = json_object_get(a, "tick"), *tb = json_object_get(b, "tick");
    if (json_is_integer(ta)) {
        d->has_tick = true;
        d->tick = (uint64_t)json_integer_value(ta);
    } else if (json_is_integer(tb)) {
        d->has_tick = true;
        d->tick = (uint64_t)json_integer_value(tb);
    }
    const char *ya = json_string_value(json_object_get(a, "type"));
    const char *yb = json_string_value(json_object_get(b, "type"));
    qr__strlcpy(d->type_a, ya ? ya : "?", sizeof d->type_a);
    qr__strlcpy(d->type_b, yb ? yb : "?", sizeof d->type_b);
    if (!ya || !yb) {
        d->kind = QR_DIFF_RAW;
    } else if (strcmp(ya, yb) != 0 && json_equal(ta, tb)) {
        d->kind = QR_DIFF_TYPE;
    } else if (strcmp(ya, yb) == 0 && strcmp(ya, "digest") == 0 && json_equal(ta, tb)) {
        static const char *const skip_chain[] = {"chain", NULL};
        d->kind = QR_DIFF_DIGEST;
        if (!diff_keys(d, a, b, skip_chain)) /* only the chain moved */
            diff_keys(d, a, b, NULL);
    } else {
        d->kind = QR_DIFF_FIELD;
        if (!diff_keys(d, a, b, NULL)) /* same JSON, different bytes */
            d->kind = QR_DIFF_RAW;
    }
out:
    json_decref(a);
    json_decref(b);
}

static void ended(qr_diff *d, qr_diff_kind kind, const qr__lines *longer)
{
    d->kind = kind;
    d->line = longer->lineno;
    qr__strlcpy(d->next, longer->buf, sizeof d->next);
    json_t *v = json_loadb(longer->buf, longer->len, 0, NULL);
    json_t *t = json_object_get(v, "tick");
    if (json_is_integer(t)) {
        d->has_tick = true;
        d->tick = (uint64_t)json_integer_value(t);
    }
    json_decref(v);
}

static qr_status read_err(int got, const char *label, const qr__lines *r, qr_error *err)
{
    if (got == -1)
        return qr__fail(err, QR_ERR_INPUT, label, (unsigned)r->lineno, 1,
                        "line longer than %u bytes: not an event stream", QR_MAX_LINE);
    if (got == -3)
        return qr__fail(err, QR_ERR_NOMEM, label, 0, 0, "out of memory");
    return qr__fail(err, QR_ERR_IO, label, (unsigned)r->lineno + 1, 0, "read error");
}

qr_status qr_compare_files(FILE *a, FILE *b, qr_diff *d, qr_error *err)
{
    memset(d, 0, sizeof *d);
    qr__lines la, lb;
    qr__lines_init(&la, a, QR_MAX_LINE, false);
    qr__lines_init(&lb, b, QR_MAX_LINE, false);
    qr_status st = QR_OK;
    /* A header difference is remembered, not final: the events after it
     * are still compared, and it is reported alone only if they all agree. */
    qr_diff head;
    bool head_differs = false;
    for (;;) {
        int ga = qr__lines_next(&la), gb = qr__lines_next(&lb);
        if (ga < 0 || gb < 0) {
            st = ga < 0 ? read_err(ga, "A", &la, err) : read_err(gb, "B", &lb, err);
            break;
        }
        if (!ga && !gb)
            break;
        if (!ga || !gb) {
            ended(d, ga ? QR_DIFF_END_B : QR_DIFF_END_A, ga ? &la : &lb);
            break;
        }
        if (la.len == lb.len && memcmp(la.buf, lb.buf, la.len) == 0) {
            if (la.newline == lb.newline)
                continue;
            d->line = la.lineno;
            d->kind = QR_DIFF_RAW;
            d->col = (unsigned)la.len + 1;
            qr__strlcpy(d->line_a, la.buf, sizeof d->line_a);
            qr__strlcpy(d->line_b, lb.buf, sizeof d->line_b);
            qr__strlcpy(d->field, "final newline", sizeof d->field);
            break;
        }
        d->line = la.lineno;
        describe(d, &la, &lb);
        if (d->kind == QR_DIFF_HEADER && !head_differs) {
            head = *d;
            head_differs = true;
            memset(d, 0, sizeof *d);
            continue;
        }
        break;
    }
    if (head_differs) {
        if (d->kind == QR_DIFF_SAME)
            *d = head;
        qr__strlcpy(d->header_fields, head.fields, sizeof d->header_fields);
    }
    qr__lines_free(&la);
    qr__lines_free(&lb);
    return st;
}

qr_status qr_compare_paths(const char *pa, const char *pb, qr_diff *d, qr_error *err)
{
    memset(d, 0, sizeof *d);
    FILE *a = fopen(pa, "rb");
    if (!a)
        return qr__fail(err, QR_ERR_IO, pa, 0, 0, "cannot open: %s", strerror(errno));
    FILE *b = fopen(pb, "rb");
    if (!b) {
        fclose(a);
        return qr__fail(err, QR_ERR_IO, pb, 0, 0, "cannot open: %s", strerror(errno));
    }
    qr_status st = qr_compare_files(a, b, d, err);
    if (st && err) /* name the file instead of "A"/"B" */
        qr__strlcpy(err->file, strcmp(err->file, "A") == 0 ? pa : pb, sizeof err->file);
    fclose(a);
    fclose(b);
    return st;
}

/* ---- rendering ---------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t cap, n;
} sbuf;

static void sb(sbuf *s, const char *fmt, ...) QR_PRINTF(2, 3);
static void sb(sbuf *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(s->p + (s->n < s->cap ? s->n : s->cap), s->n < s->cap ? s->cap - s->n : 0,
                      fmt, ap);
    va_end(ap);
    s->n += w > 0 ? (size_t)w : 0;
}

static void where(sbuf *s, const qr_diff *d)
{
    sb(s, "line %" PRIu64, d->line);
    if (d->has_tick)
        sb(s, ", tick %" PRIu64, d->tick);
}

static void essence(sbuf *s, const qr_diff *d, const char *A, const char *B)
{
    switch (d->kind) {
    case QR_DIFF_SAME:
        sb(s, "%s and %s are identical", A, B);
        break;
    case QR_DIFF_HEADER:
        sb(s, "headers differ in \"%s\": %s has %s, %s has %s", d->field, A, d->value_a, B,
           d->value_b);
        if (strchr(d->fields, ','))
            sb(s, " (differing fields: %s)", d->fields);
        break;
    case QR_DIFF_TYPE:
        where(s, d);
        sb(s, ": %s has a %s event, %s has a %s event", A, d->type_a, B, d->type_b);
        break;
    case QR_DIFF_FIELD:
        where(s, d);
        sb(s, ": %s event, field \"%s\": %s has %s, %s has %s", d->type_a, d->field, A,
           d->value_a, B, d->value_b);
        break;
    case QR_DIFF_DIGEST:
        where(s, d);
        sb(s, ": digest differs in %s (%s: %s has %s, %s has %s)", d->fields, d->field, A,
           d->value_a, B, d->value_b);
        break;
    case QR_DIFF_END_A:
    case QR_DIFF_END_B: {
        bool a_ended = d->kind == QR_DIFF_END_A;
        sb(s, "%s ends after line %" PRIu64 "; %s goes on with line %" PRIu64, a_ended ? A : B,
           d->line - 1, a_ended ? B : A, d->line);
        if (d->has_tick)
            sb(s, " (tick %" PRIu64 ")", d->tick);
        break;
    }
    case QR_DIFF_RAW:
        sb(s, "line %" PRIu64 " differs at column %u", d->line, d->col);
        if (d->field[0])
            sb(s, " (%s)", d->field);
        break;
    }
}

size_t qr_diff_summary(const qr_diff *d, const char *A, const char *B, char *buf, size_t cap)
{
    sbuf s = {buf, cap, 0};
    if (cap)
        buf[0] = 0;
    essence(&s, d, A, B);
    return s.n;
}

size_t qr_diff_render(const qr_diff *d, const char *A, const char *B, char *buf, size_t cap)
{
    sbuf s = {buf, cap, 0};
    if (cap)
        buf[0] = 0;
    if (d->kind == QR_DIFF_SAME) {
        essence(&s, d, A, B);
        sb(&s, "\n");
        return s.n;
    }
    sb(&s, "first difference: ");
    essence(&s, d, A, B);
    sb(&s, "\n");
    if (d->kind != QR_DIFF_HEADER && d->header_fields[0])
        sb(&s, "  (the headers differ too, in %s)\n", d->header_fields);
    switch (d->kind) {
    case QR_DIFF_DIGEST:
        if (strcmp(d->fields, "chain") == 0)
            sb(&s, "  every subsystem agrees and only the chain differs: the runs started "
               "from different chain origins (another seed), or diverged before tick %"
               PRIu64 " in lines this stream does not have\n", d->tick);
        else
            sb(&s, "  the state diverged during tick %" PRIu64 " with no differing event "
               "before it; bisect inside that tick's %s\n", d->tick, d->fields);
        break;
    case QR_DIFF_END_A:
    case QR_DIFF_END_B:
        sb(&s, "  next line of %s: %s\n", d->kind == QR_DIFF_END_A ? B : A, d->next);
        break;
    default:
        break;
    }
    if (d->kind != QR_DIFF_END_A && d->kind != QR_DIFF_END_B) {
        sb(&s, "  %s: %s\n", A, d->line_a);
        sb(&s, "  %s: %s\n", B, d->line_b);
    }
    return s.n;
}
