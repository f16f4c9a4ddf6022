/*
 * bisect_streams.c - bisect two event streams by their digest lines, and
 * render a qr_divergence for people (one summary line) and tools (JSON).
 *
 * A stream holds one digest line per tick, so the k-th digest line of one
 * stream pairs with the k-th of the other; the first pair whose chain
 * differs is the root, and its subsystem keys say which subsystems parted.
 * Without worlds there is nothing to descend into: the result says so
 * (descended is false) and carries the first differing line, found by the
 * ordinary comparer (qr_compare_paths), when it lies at or before the root.
 * Only digest lines are parsed (jansson), and only from the first line the
 * streams do not share: the common prefix is skipped in blocks
 * (qr__skip_common_lines), so a late divergence costs about a memcmp of
 * the prefix plus the comparer's own (equally fast) pass.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "internal.h"

typedef struct stream {
    const char *path;
    FILE *f;
    qr__lines r;
    uint64_t tick;
    char sub[QK_SUB__COUNT][17];
    char chain[17];
} stream;

static qr_status read_error(const stream *s, qr_error *err)
{
    return qr__fail(err, QR_ERR_IO, s->path, 0, 0, "read error: %s", strerror(errno));
}

/* Reads one hex digest member of a digest line into out[17]. */
static qr_status hex_member(stream *s, json_t *o, const char *key, char out[17], qr_error *err)
{
    json_t *v = json_object_get(o, key);
    const char *t = json_is_string(v) ? json_string_value(v) : NULL;
    if (!t || strlen(t) != 16 || strspn(t, "0123456789abcdef") != 16) {
        char ptr[24];
        unsigned line = 0, col = 0;
        snprintf(ptr, sizeof ptr, "/%s", key);
        qr_json_locate(s->r.buf, s->r.len, ptr, false, &line, &col);
        return qr__fail(err, QR_ERR_INPUT, s->path, (unsigned)s->r.lineno, col,
                        "digest line: \"%s\" must be 16 lowercase hex digits", key);
    }
    memcpy(out, t, 17);
    return QR_OK;
}

/* Advances to the next digest line.  *got: false at the end of the file. */
static qr_status next_digest(stream *s, bool *got, qr_error *err)
{
    *got = false;
    for (;;) {
        int g = qr__lines_next(&s->r);
        if (g == 0)
            return QR_OK;
        if (g == -1)
            return qr__fail(err, QR_ERR_INPUT, s->path, (unsigned)s->r.lineno, 1,
                            "line is longer than %u bytes", QR_MAX_LINE);
        if (g == -3)
            return qr__fail(err, QR_ERR_NOMEM, s->path, 0, 0, "out of memory");
        if (g < 0)
            return read_error(s, err);
        if (!strstr(s->r.buf, "\"type\":\"digest\""))
            continue;
        json_error_t je;
        json_t *o = json_loadb(s->r.buf, s->r.len, 0, &je);
        if (!o || !json_is_object(o)) {
            json_decref(o);
            return qr__fail(err, QR_ERR_INPUT, s->path, (unsigned)s->r.lineno,
                            o ? 1 : (unsigned)je.column, "digest line: %s",
                            o ? "not a JSON object" : je.text);
        }
        json_t *t = json_object_get(o, "tick");
        qr_status st = QR_OK;
        if (!json_is_integer(t) || json_integer_value(t) < 0)
            st = qr__fail(err, QR_ERR_INPUT, s->path, (unsigned)s->r.lineno, 1,
                          "digest line: \"tick\" must be a non-negative integer");
        for (int k = 0; !st && k < QK_SUB__COUNT; k++)
            st = hex_member(s, o, qk_subsys_name((qk_subsys)k), s->sub[k], err);
        if (!st)
            st = hex_member(s, o, "chain", s->chain, err);
        if (!st)
            s->tick = (uint64_t)json_integer_value(t);
        json_decref(o);
        *got = st == QR_OK;
        return st;
    }
}

static qr_status open_stream(stream *s, const char *path, qr_error *err)
{
    s->path = path;
    s->f = fopen(path, "rb");
    if (!s->f)
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    qr__lines_init(&s->r, s->f, QR_MAX_LINE, false);
    int g = qr__lines_next(&s->r);
    if (g == 1 && strstr(s->r.buf, "\"quarry\":\"events\""))
        return QR_OK;
    if (g < 0 && g != -1)
        return g == -3 ? qr__fail(err, QR_ERR_NOMEM, path, 0, 0, "out of memory")
                       : read_error(s, err);
    return qr__fail(err, QR_ERR_INPUT, path, 1, 1, "not an event stream (its first line "
                    "is not a header with \"quarry\":\"events\")");
}

static void close_stream(stream *s)
{
    if (s->f) {
        qr__lines_free(&s->r);
        fclose(s->f);
    }
}

/* The comparer's first differing line, if it lies at or before `tick`
 * (any line when !found yet). */
static qr_status first_line(const char *pa, const char *pb, qr_divergence *out, qr_error *err)
{
    qr_diff d;
    qr_status st = qr_compare_paths(pa, pb, &d, err);
    if (st || d.kind == QR_DIFF_SAME || d.kind == QR_DIFF_HEADER)
        return st;
    if (out->found && d.has_tick && d.tick > out->tick)
        return QR_OK;
    if (!out->found) {
        out->found = true;
        out->tick = d.has_tick ? d.tick : out->ticks_compared;
    }
    out->has_event = true;
    out->event_line = d.line;
    qr__strlcpy(out->event_a, d.kind == QR_DIFF_END_A ? "(end of stream)" : d.line_a,
                sizeof out->event_a);
    qr__strlcpy(out->event_b, d.kind == QR_DIFF_END_B ? "(end of stream)" : d.line_b,
                sizeof out->event_b);
    if (d.kind == QR_DIFF_END_A)
        qr__strlcpy(out->event_b, d.next, sizeof out->event_b);
    if (d.kind == QR_DIFF_END_B)
        qr__strlcpy(out->event_a, d.next, sizeof out->event_a);
    return QR_OK;
}

qr_status qr_bisect_streams(const char *path_a, const char *path_b, qr_divergence *out,
                            qr_error *err)
{
    memset(out, 0, sizeof *out);
    stream s[2] = {{0}, {0}};
    qr_status st;
    if ((st = open_stream(&s[0], path_a, err)) || (st = open_stream(&s[1], path_b, err)))
        goto done;
    /* After the first digest pair, the lines both streams share are
     * skipped unparsed: ticks_compared is then recovered from the next
     * digest line's tick (one digest line per tick). */
    bool skipped = false;
    uint64_t first_tick = 0;
    for (;;) {
        bool ga, gb;
        if ((st = next_digest(&s[0], &ga, err)) || (st = next_digest(&s[1], &gb, err)))
            goto done;
        if (skipped && ga && gb) {
            out->ticks_compared = s[0].tick - first_tick;
            skipped = false;
        }
        if (!ga || !gb) {
            if (ga != gb && !out->found) { /* one stream has ticks the other lacks */
                stream *longer = ga ? &s[0] : &s[1];
                uint64_t more = 0;
                out->found = true;
                out->tick = longer->tick;
                for (bool g = true; g; more++)
                    if ((st = next_digest(longer, &g, err)))
                        goto done;
                qr__strlcpy(out->field, "ticks", sizeof out->field);
                snprintf(out->value_a, sizeof out->value_a, "%" PRIu64,
                         out->ticks_compared + (ga ? more : 0));
                snprintf(out->value_b, sizeof out->value_b, "%" PRIu64,
                         out->ticks_compared + (gb ? more : 0));
            }
            break;
        }
        if (s[0].tick != s[1].tick) {
            st = qr__fail(err, QR_ERR_INPUT, path_b, (unsigned)s[1].r.lineno, 1, "digest "
                          "line of tick %" PRIu64 " where %s has tick %" PRIu64
                          " (the streams are out of step)", s[1].tick, path_a, s[0].tick);
            goto done;
        }
        out->ticks_compared++;
        if (out->found) {
            for (int k = 0; k < QK_SUB__COUNT; k++)
                out->later_differences += strcmp(s[0].sub[k], s[1].sub[k]) != 0;
            continue;
        }
        if (strcmp(s[0].chain, s[1].chain) == 0) {
            if (out->ticks_compared == 1) {
                first_tick = s[0].tick;
                qr__skip_common_lines(&s[0].r, &s[1].r);
                skipped = true;
            }
            continue;
        }
        out->found = true;
        out->tick = s[0].tick;
        size_t m = 0;
        for (int k = 0; k < QK_SUB__COUNT; k++)
            if (strcmp(s[0].sub[k], s[1].sub[k]) != 0)
                m += (size_t)snprintf(out->subsystems + m, m < sizeof out->subsystems
                                      ? sizeof out->subsystems - m : 0, "%s%s", m ? "," : "",
                                      qk_subsys_name((qk_subsys)k));
        if (!m)
            qr__strlcpy(out->subsystems, "chain", sizeof out->subsystems);
    }
    close_stream(&s[0]);
    close_stream(&s[1]);
    return first_line(path_a, path_b, out, err);
done:
    close_stream(&s[0]);
    close_stream(&s[1]);
    memset(out, 0, sizeof *out);
    return st;
}

/* ---- rendering ----------------------------------------------------------- */

typedef struct text {
    char *buf;
    size_t cap, n;
} text;

static void put(text *t, const char *fmt, ...) QR_PRINTF(2, 3);
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(t->buf ? t->buf + (t->n < t->cap ? t->n : t->cap) : NULL,
                      t->n < t->cap ? t->cap - t->n : 0, fmt, ap);
    va_end(ap);
    t->n += w > 0 ? (size_t)w : 0;
}

/* 8412 -> "8,412" into b[32]. */
static const char *grouped(uint64_t v, char b[32])
{
    char d[24];
    int n = snprintf(d, sizeof d, "%" PRIu64, v), o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            b[o++] = ',';
        b[o++] = d[i];
    }
    b[o] = 0;
    return b;
}

size_t qr_divergence_render(const qr_divergence *d, char *buf, size_t cap)
{
    text t = {buf, cap, 0};
    char g1[32], g2[32];
    if (cap)
        buf[0] = 0;
    if (!d->found) {
        put(&t, "no divergence in %s ticks\n", grouped(d->ticks_compared, g1));
        return t.n;
    }
    put(&t, "first divergence at tick %s in ", grouped(d->tick, g1));
    if (d->subsystems[0])
        put(&t, "%s", d->subsystems);
    else
        put(&t, "%s", strcmp(d->field, "ticks") == 0 ? "the length" : "the events (every "
            "digest agrees)");
    if (d->has_chunk)
        put(&t, ", chunk (%" PRId32 ",%" PRId32 ")", d->cx, d->cz);
    if (d->has_voxel)
        put(&t, ", voxel (%" PRId32 ",%" PRId32 ",%" PRId32 ")", d->x, d->y, d->z);
    if (d->has_player)
        put(&t, ", player %" PRIu32, d->player);
    if (d->field[0])
        put(&t, ": %s %s vs %s", d->field, d->value_a, d->value_b);
    put(&t, "; %s later difference%s follow%s from it\n", grouped(d->later_differences, g2),
        d->later_differences == 1 ? "" : "s", d->later_differences == 1 ? "s" : "");
    if (d->has_event)
        put(&t, "  first differing event line (%s %" PRIu64 "):\n    A: %s\n    B: %s\n",
            d->descended ? "of the tick, line" : "line", d->event_line, d->event_a,
            d->event_b);
    if (!d->descended && d->subsystems[0])
        put(&t, "  (event streams hold digests only: no column, voxel or field descent; "
            "bisect the scenarios for that)\n");
    return t.n;
}

/* ---- JSON ---------------------------------------------------------------- */

static void put_jstr(text *t, const char *s)
{
    put(t, "\"");
    size_t n = qr__json_escape(t->buf, t->buf ? t->cap : 0, t->n, s);
    if (t->buf && t->cap)
        t->buf[n < t->cap ? n : t->cap - 1] = 0;
    t->n = n;
    put(t, "\"");
}

size_t qr_divergence_json(const qr_divergence *d, char *buf, size_t cap)
{
    text t = {buf, cap, 0};
    if (cap)
        buf[0] = 0;
    put(&t, "{\"found\":%s,\"tick\":", d->found ? "true" : "false");
    if (d->found)
        put(&t, "%" PRIu64, d->tick);
    else
        put(&t, "null");
    put(&t, ",\"subsystems\":[");
    for (const char *p = d->subsystems; *p;) {
        size_t n = strcspn(p, ",");
        put(&t, "%s\"%.*s\"", p == d->subsystems ? "" : ",", (int)n, p);
        p += n + (p[n] == ',');
    }
    put(&t, "],\"chunk\":");
    if (d->has_chunk)
        put(&t, "[%" PRId32 ",%" PRId32 "]", d->cx, d->cz);
    else
        put(&t, "null");
    put(&t, ",\"voxel\":");
    if (d->has_voxel)
        put(&t, "[%" PRId32 ",%" PRId32 ",%" PRId32 "]", d->x, d->y, d->z);
    else
        put(&t, "null");
    put(&t, ",\"player\":");
    if (d->has_player)
        put(&t, "%" PRIu32, d->player);
    else
        put(&t, "null");
    put(&t, ",\"field\":");
    if (d->field[0]) {
        put_jstr(&t, d->field);
        put(&t, ",\"a\":");
        put_jstr(&t, d->value_a);
        put(&t, ",\"b\":");
        put_jstr(&t, d->value_b);
    } else {
        put(&t, "null,\"a\":null,\"b\":null");
    }
    put(&t, ",\"event_line\":");
    if (d->has_event) {
        put(&t, "%" PRIu64 ",\"event_a\":", d->event_line);
        put_jstr(&t, d->event_a);
        put(&t, ",\"event_b\":");
        put_jstr(&t, d->event_b);
    } else {
        put(&t, "null,\"event_a\":null,\"event_b\":null");
    }
    put(&t, ",\"later_differences\":%" PRIu64 ",\"ticks_compared\":%" PRIu64
        ",\"descended\":%s}\n", d->later_differences, d->ticks_compared,
        d->descended ? "true" : "false");
    return t.n;
}
