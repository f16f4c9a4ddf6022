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

/* ---- reading one line --------------------------------------------------- *
 *
 * Only the first differing pair of lines is taken apart, into its members:
 * each key and the text of its value, whatever the value is (an integer, a
 * string, or a light_commit's "chunks", an array of arrays).  Values are
 * compared as text, whitespace outside strings aside: the stream is
 * canonical, so equal text is an equal value, and a u64 above 2^63 (a txn
 * id or a revision may be one) is just digits, where a JSON library would
 * refuse the whole line.  The grammar is checked in full, so "a line we can
 * read" still means valid JSON. */

typedef struct span {
    const char *p;
    size_t n;
} span;

#define MAX_MEMBERS 64 /* an event has at most 14 keys, a header 6 */
#define MAX_DEPTH 32

typedef struct members {
    span key[MAX_MEMBERS], val[MAX_MEMBERS]; /* key: between the quotes */
    size_t n;
} members;

typedef struct scan {
    const char *s;
    size_t n, i;
} scan;

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(scan *c)
{
    while (c->i < c->n && is_ws(c->s[c->i]))
        c->i++;
}

static bool at(const scan *c, char ch)
{
    return c->i < c->n && c->s[c->i] == ch;
}

static bool digits(scan *c)
{
    size_t from = c->i;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
        c->i++;
    return c->i > from;
}

static bool scan_string(scan *c)
{
    if (!at(c, '"'))
        return false;
    for (c->i++; c->i < c->n; c->i++) {
        unsigned char ch = (unsigned char)c->s[c->i];
        if (ch == '"') {
            c->i++;
            return true;
        }
        if (ch < 0x20)
            return false;
        if (ch != '\\')
            continue;
        if (++c->i >= c->n || !strchr("\"\\/bfnrtu", c->s[c->i]))
            return false;
        if (c->s[c->i] == 'u')
            for (int k = 0; k < 4; k++)
                if (++c->i >= c->n || !strchr("0123456789abcdefABCDEF", c->s[c->i]))
                    return false;
    }
    return false;
}

static bool scan_number(scan *c)
{
    if (at(c, '-'))
        c->i++;
    if (at(c, '0'))
        c->i++;
    else if (!digits(c))
        return false;
    if (at(c, '.')) {
        c->i++;
        if (!digits(c))
            return false;
    }
    if (at(c, 'e') || at(c, 'E')) {
        c->i++;
        if (at(c, '+') || at(c, '-'))
            c->i++;
        if (!digits(c))
            return false;
    }
    return true;
}

static bool scan_value(scan *c, int depth);

/* '[' or '{' already seen. */
static bool scan_container(scan *c, int depth, char close)
{
    c->i++;
    skip_ws(c);
    if (at(c, close)) {
        c->i++;
        return true;
    }
    for (;;) {
        if (close == '}') {
            if (!scan_string(c))
                return false;
            skip_ws(c);
            if (!at(c, ':'))
                return false;
            c->i++;
            skip_ws(c);
        }
        if (!scan_value(c, depth + 1))
            return false;
        skip_ws(c);
        if (at(c, close)) {
            c->i++;
            return true;
        }
        if (!at(c, ','))
            return false;
        c->i++;
        skip_ws(c);
    }
}

static bool scan_value(scan *c, int depth)
{
    static const char *const words[] = {"true", "false", "null"};
    if (c->i >= c->n || depth > MAX_DEPTH)
        return false;
    char ch = c->s[c->i];
    if (ch == '"')
        return scan_string(c);
    if (ch == '[' || ch == '{')
        return scan_container(c, depth, ch == '[' ? ']' : '}');
    if (ch == '-' || (ch >= '0' && ch <= '9'))
        return scan_number(c);
    for (int k = 0; k < 3; k++) {
        size_t wl = strlen(words[k]);
        if (c->n - c->i >= wl && memcmp(c->s + c->i, words[k], wl) == 0) {
            c->i += wl;
            return true;
        }
    }
    return false;
}

static bool span_eq(span a, span b)
{
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* Splits a line holding one JSON object into its members.  False when the
 * line is not that (or has duplicate keys, or too many to tell apart). */
static bool split_object(const char *s, size_t n, members *m)
{
    scan c = {s, n, 0};
    m->n = 0;
    skip_ws(&c);
    if (!at(&c, '{'))
        return false;
    c.i++;
    skip_ws(&c);
    bool empty = at(&c, '}');
    if (empty)
        c.i++;
    while (!empty) {
        size_t k0 = c.i;
        if (m->n == MAX_MEMBERS || !scan_string(&c))
            return false;
        span key = {s + k0 + 1, c.i - k0 - 2};
        for (size_t j = 0; j < m->n; j++)
            if (span_eq(m->key[j], key))
                return false;
        skip_ws(&c);
        if (!at(&c, ':'))
            return false;
        c.i++;
        skip_ws(&c);
        size_t v0 = c.i;
        if (!scan_value(&c, 1))
            return false;
        m->key[m->n] = key;
        m->val[m->n] = (span){s + v0, c.i - v0};
        m->n++;
        skip_ws(&c);
        if (at(&c, '}')) {
            c.i++;
            break;
        }
        if (!at(&c, ','))
            return false;
        c.i++;
        skip_ws(&c);
    }
    skip_ws(&c);
    return c.i == n;
}

/* The value of member `key`, or NULL. */
static const span *member(const members *m, const char *key, size_t klen)
{
    for (size_t j = 0; j < m->n; j++)
        if (m->key[j].n == klen && memcmp(m->key[j].p, key, klen) == 0)
            return &m->val[j];
    return NULL;
}

#define MEMBER(m, lit) member((m), lit, sizeof lit - 1)

/* Next byte of v that is not whitespace outside a string, from *i on;
 * -1 at the end.  *in_str and *esc carry the string state. */
static int next_sig(span v, size_t *i, bool *in_str, bool *esc)
{
    while (*i < v.n) {
        char ch = v.p[(*i)++];
        if (*in_str) {
            if (*esc)
                *esc = false;
            else if (ch == '\\')
                *esc = true;
            else if (ch == '"')
                *in_str = false;
            return (unsigned char)ch;
        }
        if (is_ws(ch))
            continue;
        if (ch == '"')
            *in_str = true;
        return (unsigned char)ch;
    }
    return -1;
}

/* Same value text, whitespace outside strings aside. */
static bool value_eq(span a, span b)
{
    size_t i = 0, j = 0;
    bool sa = false, ea = false, sb_ = false, eb = false;
    for (;;) {
        int x = next_sig(a, &i, &sa, &ea), y = next_sig(b, &j, &sb_, &eb);
        if (x != y)
            return false;
        if (x < 0)
            return true;
    }
}

/* The value as compact text into out[cap]; "..." ends a value cut short. */
static void dump(const span *v, char *out, size_t cap)
{
    if (!v) {
        qr__strlcpy(out, "(missing)", cap);
        return;
    }
    size_t i = 0, n = 0;
    bool in_str = false, esc = false;
    int ch;
    while ((ch = next_sig(*v, &i, &in_str, &esc)) >= 0) {
        if (n + 1 >= cap) {
            if (cap >= 4)
                memcpy(out + cap - 4, "...", 3);
            n = cap - 1;
            break;
        }
        out[n++] = (char)ch;
    }
    if (cap)
        out[n < cap ? n : cap - 1] = 0;
}

/* A member's value as a u64 when it is a plain non-negative integer. */
static bool value_u64(const span *v, uint64_t *out)
{
    if (!v || v->n == 0 || v->n > 20)
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < v->n; i++) {
        unsigned d = (unsigned)(v->p[i] - '0');
        if (d > 9 || x > (UINT64_MAX - d) / 10)
            return false;
        x = x * 10 + d;
    }
    *out = x;
    return true;
}

/* A member's string value, without its quotes, into out[cap]; false if
 * it is not a string. */
static bool value_str(const span *v, char *out, size_t cap)
{
    if (!v || v->n < 2 || v->p[0] != '"')
        return false;
    size_t n = v->n - 2 < cap - 1 ? v->n - 2 : cap - 1;
    memcpy(out, v->p + 1, n);
    out[n] = 0;
    return true;
}

static void append(char *list, size_t cap, const char *item, size_t len)
{
    size_t n = strlen(list);
    snprintf(list + n, cap - n, "%s%.*s", n ? ", " : "", (int)len, item);
}

/* Compares a and b key by key (a's order, then keys only b has); records the
 * first difference and lists every differing key not in `skip`. */
static bool diff_keys(qr_diff *d, const members *a, const members *b, const char *skip)
{
    bool any = false;
    for (int pass = 0; pass < 2; pass++) {
        const members *x = pass ? b : a, *y = pass ? a : b;
        for (size_t j = 0; j < x->n; j++) {
            span key = x->key[j];
            const span *vx = &x->val[j], *vy = member(y, key.p, key.n);
            if (pass && vy)
                continue; /* seen in the first pass */
            if (vy && value_eq(*vx, *vy))
                continue;
            if (skip && strlen(skip) == key.n && memcmp(skip, key.p, key.n) == 0)
                continue;
            if (!any) {
                size_t kn = key.n < sizeof d->field - 1 ? key.n : sizeof d->field - 1;
                memcpy(d->field, key.p, kn);
                d->field[kn] = 0;
                dump(pass ? vy : vx, d->value_a, sizeof d->value_a);
                dump(pass ? vx : vy, d->value_b, sizeof d->value_b);
            }
            append(d->fields, sizeof d->fields, key.p, key.n);
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
    members *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    if (!a || !b || !split_object(la->buf, la->len, a) || !split_object(lb->buf, lb->len, b)) {
        d->kind = QR_DIFF_RAW;
        goto out;
    }
    if (d->line == 1) { /* only line 1 is a header (formats.md) */
        d->kind = QR_DIFF_HEADER;
        diff_keys(d, a, b, NULL);
        goto out;
    }
    const span *ta = MEMBER(a, "tick"), *tb = MEMBER(b, "tick");
    d->has_tick = value_u64(ta, &d->tick) || value_u64(tb, &d->tick);
    bool same_tick = ta && tb && value_eq(*ta, *tb);
    bool ha = value_str(MEMBER(a, "type"), d->type_a, sizeof d->type_a);
    bool hb = value_str(MEMBER(b, "type"), d->type_b, sizeof d->type_b);
    if (!ha)
        qr__strlcpy(d->type_a, "?", sizeof d->type_a);
    if (!hb)
        qr__strlcpy(d->type_b, "?", sizeof d->type_b);
    if (!ha || !hb) {
        d->kind = QR_DIFF_RAW;
    } else if (strcmp(d->type_a, d->type_b) != 0 && same_tick) {
        d->kind = QR_DIFF_TYPE;
    } else if (strcmp(d->type_a, d->type_b) == 0 && strcmp(d->type_a, "digest") == 0 &&
               same_tick) {
        d->kind = QR_DIFF_DIGEST;
        if (!diff_keys(d, a, b, "chain")) /* only the chain moved */
            diff_keys(d, a, b, NULL);
    } else {
        d->kind = QR_DIFF_FIELD;
        if (!diff_keys(d, a, b, NULL)) /* same JSON, different bytes */
            d->kind = QR_DIFF_RAW;
    }
out:
    free(a);
    free(b);
}

static void ended(qr_diff *d, qr_diff_kind kind, const qr__lines *longer)
{
    d->kind = kind;
    d->line = longer->lineno;
    qr__strlcpy(d->next, longer->buf, sizeof d->next);
    members *m = malloc(sizeof *m);
    if (m && split_object(longer->buf, longer->len, m))
        d->has_tick = value_u64(MEMBER(m, "tick"), &d->tick);
    free(m);
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

/* internal.h.  Equal lines are never parsed, so identical streams compare
 * at memcmp speed and a late divergence is reached as fast. */
void qr__skip_common_lines(qr__lines *la, qr__lines *lb)
{
    enum { BLOCK = 1 << 20 };
    long pa = ftell(la->f), pb = ftell(lb->f);
    if (pa < 0 || pb < 0 || fseek(la->f, pa, SEEK_SET) != 0 || fseek(lb->f, pb, SEEK_SET) != 0)
        return;
    char *ba = malloc(BLOCK), *bb = malloc(BLOCK);
    uint64_t lines = 0;
    long line_start = 0, prev_start = 0, done = 0; /* offsets from pa / pb */
    bool both_ended = false;
    while (ba && bb) {
        size_t na = fread(ba, 1, BLOCK, la->f), nb = fread(bb, 1, BLOCK, lb->f);
        size_t n = na < nb ? na : nb, same = n;
        if (memcmp(ba, bb, n) != 0)
            for (same = 0; ba[same] == bb[same]; same++)
                ;
        for (const char *p = ba, *end = ba + same; (p = memchr(p, '\n', (size_t)(end - p)));) {
            lines++;
            p++;
            prev_start = line_start;
            line_start = done + (long)(p - ba);
        }
        done += (long)same;
        if (same < n || na != nb || na < BLOCK) {
            both_ended = same == n && na == nb && na < BLOCK;
            break;
        }
    }
    if (both_ended && lines > 0 && line_start == done) {
        /* identical to the end: leave the last line to the reader, so it
         * sees (and callers can count) the final line */
        line_start = prev_start;
        lines--;
    }
    free(ba);
    free(bb);
    if (fseek(la->f, pa + line_start, SEEK_SET) != 0 ||
        fseek(lb->f, pb + line_start, SEEK_SET) != 0) { /* cannot happen on a seekable file */
        fseek(la->f, pa, SEEK_SET);
        fseek(lb->f, pb, SEEK_SET);
        return;
    }
    la->lineno += lines;
    lb->lineno += lines;
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
        if (la.lineno == 1 && lb.lineno == 1) /* after the header, always compared */
            qr__skip_common_lines(&la, &lb);
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
