/*
 * session.h - what the two halves of a stepping session share; not
 * installed.  session.c steps, rewinds and compares; session_probe.c reads
 * values out of the worlds (queries and watches).
 */
#ifndef QR_SESSION_H
#define QR_SESSION_H

#include "run_internal.h"

/* The canonical lines of ticks [0, n): tick t's are text.p[off[t] ..
 * off[t + 1]).  off has room for cap entries. */
typedef struct session_log {
    qr__capture text;
    size_t *off;
    uint64_t n, cap;
} session_log;

/* One run: a scenario, its world, its feed and its log. */
typedef struct session_side {
    const qr_scenario *sc;
    qr__counting cnt;
    qk_allocator alloc;
    qk_world *w;
    qr__feed feed;
    session_log log;
    bool recording; /* the tick being stepped is logged */
} session_side;

/* Snapshot bytes of every world at one tick (a checkpoint or a name). */
typedef struct session_snap {
    char name[64];
    uint64_t tick;
    uint8_t *bytes[2];
    size_t len[2];
} session_snap;

typedef struct session_watch {
    qr_probe probe;
    char last[256]; /* its value after the last tick (qr_session_value, -1) */
} session_watch;

struct qr_session {
    session_side side[2];
    int nw;                  /* worlds: 1, or 2 with a second scenario */
    bool has_golden;
    session_log golden;
    uint64_t end, every;
    session_snap *ck;        /* ck[k]: the checkpoint of tick k * every */
    size_t n_ck, cap_ck;
    session_snap *snaps;     /* named, in the order taken */
    size_t n_snaps, cap_snaps;
    session_watch watch[QR_SESSION_WATCHES];
    size_t n_watch;
    bool parted;             /* div holds the first tick the runs parted */
    qr_divergence div;
};

/* Takes every watch's value now (before stepping). */
void qr__watch_begin(qr_session *s);
/* After a step: true when some watch's value changed; then, if stop is not
 * NULL, fills it (kind WATCH, the first watch that changed, before, after;
 * tick is left as set).  Every watch's value is brought up to date. */
bool qr__watch_check(qr_session *s, qr_stop *stop);

#endif /* QR_SESSION_H */
