/*
 * session.c - stepping sessions (qr.h, "Stepping sessions"): the engine of
 * `quarry repl`.
 *
 * A session owns one or two sides, each a scenario with its world, its
 * input feed and its log: the canonical lines of every tick reached, in one
 * buffer with the offset where each tick starts.  The feed and the
 * allocator are the runner's (run_internal.h), so a session steps a world
 * exactly as qr_run does; the log is what `events` and `diff` read.
 *
 * Going backwards.  Before the first step of every 64th tick the session
 * snapshots every world (qk_snapshot_write).  `goto T` below the current
 * tick restores the checkpoint of tick floor(T / 64) * 64, rewinds the
 * feeds to it and steps forwards: at most 63 steps, never a replay from
 * tick 0.  Since the kernel is deterministic the re-stepped ticks give the
 * lines already logged, so the log only grows (a tick is logged the first
 * time it is stepped) and the first parting, once found, stays found.
 * Named snapshots are the same bytes under a name.
 *
 * Comparing.  The other run is a second side (stepped in lockstep, each
 * with its own scenario's inputs) or a golden stream read into a log of
 * the same shape.  A tick parts when its lines differ (the digest line
 * included), when the golden has no such tick, or when the two worlds'
 * chains differ; the report is then the bisector's: qr__diverge descends
 * into the first differing subsystem of two worlds, and for a golden the
 * subsystems come from its digest line.  Watches (session_probe.c) are
 * checked after every tick.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

/* ---- logs ---------------------------------------------------------------- */

static bool log_init(session_log *l)
{
    *l = (session_log){.off = malloc(256 * sizeof *l->off), .cap = 256};
    if (l->off)
        l->off[0] = 0;
    return l->off != NULL;
}

/* Marks the end of tick l->n's lines. */
static bool log_close_tick(session_log *l)
{
    if (l->n + 2 > l->cap) {
        size_t *no = realloc(l->off, (size_t)l->cap * 2 * sizeof *no);
        if (!no)
            return false;
        l->off = no;
        l->cap *= 2;
    }
    l->off[++l->n] = l->text.len;
    return !l->text.nomem;
}

static void log_free(session_log *l)
{
    qr__capture_free(&l->text);
    free(l->off);
    *l = (session_log){0};
}

/* Tick t's lines; false when the log does not reach t. */
static bool log_tick(const session_log *l, uint64_t t, const char **p, size_t *n)
{
    if (t >= l->n) {
        *p = "";
        *n = 0;
        return false;
    }
    *p = l->text.p + l->off[t];
    *n = l->off[t + 1] - l->off[t];
    return true;
}

/* Reads a golden stream: a header, then lines {"tick":T,...} with T
 * ascending from 0, every tick closed by its digest line. */
static qr_status load_golden(session_log *l, const char *path, qr_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "cannot open the golden stream");
    qr__lines r;
    qr__lines_init(&r, f, QR_EVENT_LINE_MAX, false);
    qr_status st = QR_OK;
    bool open_tick = false;
    int got;
    if (!log_init(l))
        st = qr__fail(err, QR_ERR_NOMEM, path, 0, 0, "out of memory");
    while (st == QR_OK && (got = qr__lines_next(&r)) != 0) {
        if (got < 0) {
            st = qr__fail(err, QR_ERR_INPUT, path, (unsigned)r.lineno, 1,
                          "line is longer than %u bytes", (unsigned)QR_EVENT_LINE_MAX);
            break;
        }
        if (r.lineno == 1) {
            if (!strstr(r.buf, "\"quarry\":\"events\""))
                st = qr__fail(err, QR_ERR_INPUT, path, 1, 1, "not an event stream (its first "
                              "line is not a header with \"quarry\":\"events\")");
            continue;
        }
        char *end = NULL;
        uint64_t t = strncmp(r.buf, "{\"tick\":", 8) == 0 ? strtoull(r.buf + 8, &end, 10) : 0;
        if (!end || end == r.buf + 8 || *end != ',' || t != l->n) {
            st = qr__fail(err, QR_ERR_INPUT, path, (unsigned)r.lineno, 1,
                          "expected an event of tick %" PRIu64 " ({\"tick\":%" PRIu64 ",...)",
                          l->n, l->n);
            break;
        }
        qr__capture_add(&l->text, r.buf, r.len);
        qr__capture_add(&l->text, "\n", 1);
        open_tick = true;
        if (strstr(r.buf, "\"type\":\"digest\"")) {
            open_tick = false;
            if (!log_close_tick(l))
                st = qr__fail(err, QR_ERR_NOMEM, path, 0, 0, "out of memory");
        }
    }
    if (st == QR_OK && r.lineno == 0)
        st = qr__fail(err, QR_ERR_INPUT, path, 1, 1, "empty file: not an event stream");
    else if (st == QR_OK && open_tick)
        st = qr__fail(err, QR_ERR_INPUT, path, (unsigned)r.lineno, 1,
                      "tick %" PRIu64 " is not closed by a digest line", l->n);
    qr__lines_free(&r);
    fclose(f);
    return st;
}

/* ---- sides --------------------------------------------------------------- */

static void on_event(void *ud, const qk_event *ev)
{
    session_side *sd = ud;
    if (!sd->recording)
        return;
    char line[QR_EVENT_LINE_MAX];
    qr__capture_add(&sd->log.text, line, qr_event_format(sd->sc->pack, ev, line));
}

static qr_status kernel_fail(qr_error *err, const qr_scenario *sc, const char *what,
                             qk_status ks, const qk_diag *d)
{
    return qr__fail(err, QR_ERR_KERNEL, sc->path, 0, 0, "kernel: %s failed: %s%s%s", what,
                    qk_status_str(ks), d->what ? ": " : "", d->what ? d->what : "");
}

static qr_status side_start(session_side *sd, const qr_scenario *sc, qr_error *err)
{
    sd->sc = sc;
    sd->alloc = (qk_allocator){qr__count_alloc, &sd->cnt};
    if (qr__feed_init(&sd->feed, sc) != QR_OK || !log_init(&sd->log))
        return qr__fail(err, QR_ERR_NOMEM, sc->path, 0, 0, "out of memory");
    qk_diag d = {0};
    qk_status ks = qk_world_create(&sd->w, &sc->world, &sc->pack->registry, &sd->alloc, &d);
    return ks == QK_OK ? QR_OK : kernel_fail(err, sc, "qk_world_create", ks, &d);
}

static qr_status side_step(session_side *sd, uint64_t t, qr_error *err)
{
    size_t n = qr__feed_tick(&sd->feed, t);
    qk_sink sink = {on_event, sd};
    qk_diag d = {0};
    sd->recording = sd->log.n == t; /* a tick is logged the first time only */
    qk_status ks = qk_step(sd->w, sd->feed.scratch, n, &sink, &d);
    if (ks != QK_OK)
        return kernel_fail(err, sd->sc, "qk_step", ks, &d);
    if (sd->recording && !log_close_tick(&sd->log))
        return qr__fail(err, QR_ERR_NOMEM, sd->sc->path, 0, 0, "out of memory");
    return QR_OK;
}

static qr_status side_snapshot(session_side *sd, session_snap *snap, int which, qr_error *err)
{
    size_t cap = qk_snapshot_size(sd->w), len = 0;
    uint8_t *b = malloc(cap ? cap : 1);
    if (!b)
        return qr__fail(err, QR_ERR_NOMEM, sd->sc->path, 0, 0, "out of memory");
    qk_status ks = qk_snapshot_write(sd->w, b, cap, &len);
    if (ks != QK_OK) {
        free(b);
        qk_diag d = {0};
        return kernel_fail(err, sd->sc, "qk_snapshot_write", ks, &d);
    }
    snap->bytes[which] = b;
    snap->len[which] = len;
    return QR_OK;
}

/* Replaces the side's world by the snapshot's and rewinds its feed. */
static qr_status side_restore(session_side *sd, const session_snap *snap, int which,
                              qr_error *err)
{
    qk_world *w = NULL;
    qk_diag d = {0};
    qk_status ks = qk_world_restore(&w, snap->bytes[which], snap->len[which],
                                    &sd->sc->pack->registry, &sd->alloc, &d);
    if (ks != QK_OK)
        return kernel_fail(err, sd->sc, "qk_world_restore", ks, &d);
    qk_world_destroy(sd->w);
    sd->w = w;
    sd->feed.next = 0;
    qr__feed_skip(&sd->feed, snap->tick);
    return QR_OK;
}

static void side_free(session_side *sd)
{
    if (sd->w)
        qk_world_destroy(sd->w);
    qr__feed_free(&sd->feed);
    log_free(&sd->log);
}

static void snap_free(session_snap *snap)
{
    free(snap->bytes[0]);
    free(snap->bytes[1]);
    *snap = (session_snap){0};
}

/* ---- the session --------------------------------------------------------- */

qr_status qr_session_open(qr_session **out, const qr_scenario *a, const qr_session_opts *opts,
                          qr_error *err)
{
    static const qr_session_opts none;
    const qr_session_opts *o = opts ? opts : &none;
    *out = NULL;
    qr_session *s = calloc(1, sizeof *s);
    if (!s)
        return qr__fail(err, QR_ERR_NOMEM, a->path, 0, 0, "out of memory");
    s->nw = o->b ? 2 : 1;
    s->every = o->checkpoint_every ? o->checkpoint_every : 64;
    s->end = a->ticks;
    if (o->b && o->b->ticks > s->end)
        s->end = o->b->ticks;
    s->has_golden = !o->b && o->golden;
    qr_status st = side_start(&s->side[0], a, err);
    if (st == QR_OK && o->b)
        st = side_start(&s->side[1], o->b, err);
    if (st == QR_OK && s->has_golden)
        st = load_golden(&s->golden, o->golden, err);
    if (st != QR_OK) {
        qr_session_free(s);
        return st;
    }
    *out = s;
    return QR_OK;
}

void qr_session_free(qr_session *s)
{
    if (!s)
        return;
    for (int k = 0; k < 2; k++)
        side_free(&s->side[k]);
    log_free(&s->golden);
    for (size_t i = 0; i < s->n_ck; i++)
        snap_free(&s->ck[i]);
    free(s->ck);
    for (size_t i = 0; i < s->n_snaps; i++)
        snap_free(&s->snaps[i]);
    free(s->snaps);
    free(s);
}

uint64_t qr_session_tick(const qr_session *s) { return qk_world_tick(s->side[0].w); }
uint64_t qr_session_end(const qr_session *s) { return s->end; }
bool qr_session_compares(const qr_session *s) { return s->nw == 2 || s->has_golden; }

const qk_world *qr_session_world(const qr_session *s, int which)
{
    return which >= 0 && which < s->nw ? s->side[which].w : NULL;
}

const qr_scenario *qr_session_scenario(const qr_session *s, int which)
{
    return which >= 0 && which < s->nw ? s->side[which].sc : NULL;
}

static qr_status snapshot_all(qr_session *s, session_snap *snap, qr_error *err)
{
    *snap = (session_snap){.tick = qr_session_tick(s)};
    qr_status st = QR_OK;
    for (int k = 0; k < s->nw && st == QR_OK; k++)
        st = side_snapshot(&s->side[k], snap, k, err);
    if (st != QR_OK)
        snap_free(snap);
    return st;
}

static qr_status restore_all(qr_session *s, const session_snap *snap, qr_error *err)
{
    qr_status st = QR_OK;
    for (int k = 0; k < s->nw && st == QR_OK; k++)
        st = side_restore(&s->side[k], snap, k, err);
    return st;
}

/* The golden's digest line against world a's digests: which subsystems
 * (and whether the chain) differ, into d->subsystems. */
static void golden_subsystems(const qr_session *s, const char *lines, size_t n,
                              qr_divergence *d)
{
    const char *last = lines;
    for (const char *p = lines; p + 1 < lines + n; p++)
        if (*p == '\n')
            last = p + 1;
    qk_digests dg;
    qk_world_digests(s->side[0].w, &dg);
    size_t m = 0;
    for (int k = 0; k <= QK_SUB__COUNT; k++) {
        const char *name = k < QK_SUB__COUNT ? qk_subsys_name((qk_subsys)k) : "chain";
        char key[48], hex[17];
        snprintf(key, sizeof key, "\"%s\":\"", name);
        qr_hex64(k < QK_SUB__COUNT ? dg.sub[k] : dg.chain, hex);
        const char *at = strstr(last, key);
        if (at && strncmp(at + strlen(key), hex, 16) == 0)
            continue;
        if (k == QK_SUB__COUNT && m) /* the chain follows from a subsystem */
            break;
        m += (size_t)snprintf(d->subsystems + m, m < sizeof d->subsystems
                              ? sizeof d->subsystems - m : 0, "%s%s", m ? "," : "", name);
    }
}

/* After tick t: does it part the runs?  Records the first parting. */
static void compare_tick(qr_session *s, uint64_t t)
{
    if (s->parted || !qr_session_compares(s))
        return;
    const session_log *other = s->nw == 2 ? &s->side[1].log : &s->golden;
    const char *pa, *pb;
    size_t na, nb;
    log_tick(&s->side[0].log, t, &pa, &na);
    bool in_b = log_tick(other, t, &pb, &nb);
    bool chains = true;
    if (s->nw == 2) {
        qk_digests da, db;
        qk_world_digests(s->side[0].w, &da);
        qk_world_digests(s->side[1].w, &db);
        chains = da.chain == db.chain;
    }
    if (in_b && chains && na == nb && memcmp(pa, pb, na) == 0)
        return;
    s->parted = true;
    qr_divergence *d = &s->div;
    if (s->nw == 2) {
        qr__diverge(s->side[0].sc, s->side[0].w, s->side[1].sc, s->side[1].w, t, d);
    } else {
        *d = (qr_divergence){.found = true, .tick = t, .ticks_compared = t + 1};
        if (in_b) {
            golden_subsystems(s, pb, nb, d);
        } else {
            qr__strlcpy(d->field, "ticks", sizeof d->field);
            snprintf(d->value_a, sizeof d->value_a, "%" PRIu64, s->end);
            snprintf(d->value_b, sizeof d->value_b, "%" PRIu64, s->golden.n);
        }
    }
    qr__first_line_diff(pa, na, pb, nb, d);
}

/* Steps every side through tick t, checkpointing first when due. */
static qr_status step_all(qr_session *s, uint64_t t, qr_error *err)
{
    qr_status st;
    if (t % s->every == 0 && t / s->every == s->n_ck) {
        if (s->n_ck == s->cap_ck) {
            size_t nc = s->cap_ck ? s->cap_ck * 2 : 16;
            session_snap *ck = realloc(s->ck, nc * sizeof *ck);
            if (!ck)
                return qr__fail(err, QR_ERR_NOMEM, s->side[0].sc->path, 0, 0, "out of memory");
            s->ck = ck;
            s->cap_ck = nc;
        }
        if ((st = snapshot_all(s, &s->ck[s->n_ck], err)) != QR_OK)
            return st;
        s->n_ck++;
    }
    for (int k = 0; k < s->nw; k++)
        if ((st = side_step(&s->side[k], t, err)) != QR_OK)
            return st;
    compare_tick(s, t);
    return QR_OK;
}

qr_status qr_session_advance(qr_session *s, uint64_t until, bool stop, qr_stop *stop_out,
                             qr_error *err)
{
    qr_stop ignored;
    qr_stop *why = stop_out ? stop_out : &ignored;
    memset(why, 0, sizeof *why);
    if (until > s->end)
        until = s->end;
    qr__watch_begin(s);
    for (uint64_t t = qr_session_tick(s); t < until; t++) {
        qr_status st = step_all(s, t, err);
        if (st != QR_OK)
            return st;
        why->tick = t;
        if (qr__watch_check(s, stop ? why : NULL) && stop)
            return QR_OK;
        if (stop && s->parted && s->div.tick == t) {
            why->kind = QR_STOP_PARTED;
            return QR_OK;
        }
    }
    why->kind = until == s->end ? QR_STOP_END : QR_STOP_TARGET;
    return QR_OK;
}

qr_status qr_session_goto(qr_session *s, uint64_t t, qr_error *err)
{
    if (t > s->end)
        return qr__fail(err, QR_ERR_INPUT, NULL, 0, 0, "tick %" PRIu64 " is past the end "
                        "(%" PRIu64 ")", t, s->end);
    if (t < qr_session_tick(s)) {
        qr_status st = restore_all(s, &s->ck[t / s->every], err);
        if (st != QR_OK)
            return st;
    }
    return qr_session_advance(s, t, false, NULL, err);
}

qr_status qr_session_snapshot(qr_session *s, const char *name, qr_error *err)
{
    size_t i = 0;
    while (i < s->n_snaps && strcmp(s->snaps[i].name, name) != 0)
        i++;
    if (strlen(name) >= sizeof s->snaps[0].name)
        return qr__fail(err, QR_ERR_INPUT, NULL, 0, 0, "snapshot name longer than %zu bytes",
                        sizeof s->snaps[0].name - 1);
    if (i == s->n_snaps && s->n_snaps == s->cap_snaps) {
        size_t nc = s->cap_snaps ? s->cap_snaps * 2 : 8;
        session_snap *ns = realloc(s->snaps, nc * sizeof *ns);
        if (!ns)
            return qr__fail(err, QR_ERR_NOMEM, NULL, 0, 0, "out of memory");
        s->snaps = ns;
        s->cap_snaps = nc;
    }
    session_snap snap;
    qr_status st = snapshot_all(s, &snap, err);
    if (st != QR_OK)
        return st;
    qr__strlcpy(snap.name, name, sizeof snap.name);
    if (i < s->n_snaps)
        snap_free(&s->snaps[i]);
    else
        s->n_snaps++;
    s->snaps[i] = snap;
    return QR_OK;
}

qr_status qr_session_restore(qr_session *s, const char *name, qr_error *err)
{
    for (size_t i = 0; i < s->n_snaps; i++)
        if (strcmp(s->snaps[i].name, name) == 0)
            return restore_all(s, &s->snaps[i], err);
    return qr__fail(err, QR_ERR_INPUT, NULL, 0, 0, "no snapshot named '%s'", name);
}

const char *qr_session_snapshot_name(const qr_session *s, size_t i, uint64_t *tick)
{
    if (i >= s->n_snaps)
        return NULL;
    if (tick)
        *tick = s->snaps[i].tick;
    return s->snaps[i].name;
}

bool qr_session_parted(const qr_session *s, qr_divergence *out)
{
    uint64_t now = qr_session_tick(s);
    if (s->parted && s->div.tick < now) {
        *out = s->div;
        return true;
    }
    *out = (qr_divergence){.ticks_compared = now};
    return false;
}

const char *qr_session_lines(const qr_session *s, uint64_t t1, uint64_t t2, size_t *len)
{
    const session_log *l = &s->side[0].log;
    uint64_t now = qr_session_tick(s);
    if (t2 > now)
        t2 = now;
    if (t1 >= t2) {
        *len = 0;
        return "";
    }
    *len = l->off[t2] - l->off[t1];
    return l->text.p + l->off[t1];
}
