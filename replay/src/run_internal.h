/*
 * run_internal.h - the pieces of a run that the runner (run.c) and the
 * bisector (bisect.c) share; not installed.
 *
 *   - qr__counting / qr__count_alloc: the malloc-based allocator every run
 *     gives its world, counting bytes so peak memory can be reported;
 *   - qr__feed: hands each tick exactly the scenario inputs that carry it
 *     (inputs are sorted by tick, so this is one cursor and a scratch array
 *     sized for the largest group, since qk_step reorders what it gets);
 *   - qr__capture: the canonical lines of one tick, kept in a growing
 *     buffer (event expectations match them, the bisector compares them);
 *   - qr__diverge / qr__first_line_diff: the bisector's descent at the root
 *     tick and its line comparison, which stepping sessions (session.c)
 *     use when their two runs part.
 */
#ifndef QR_RUN_INTERNAL_H
#define QR_RUN_INTERNAL_H

#include "internal.h"

typedef struct qr__counting {
    size_t cur, peak;
} qr__counting;

/* A qk_allocator function over malloc/realloc/free; ud is a qr__counting. */
void *qr__count_alloc(void *ud, void *ptr, size_t osize, size_t nsize);

typedef struct qr__feed {
    const qr_scenario *sc;
    size_t next;       /* first input not handed out yet */
    qk_input *scratch; /* room for the largest group of one tick */
} qr__feed;

/* Sizes the scratch array (O(inputs)).  QR_ERR_NOMEM, with f zeroed. */
qr_status qr__feed_init(qr__feed *f, const qr_scenario *sc);
/* Skips the inputs of ticks before t0 (a resumed run). */
void qr__feed_skip(qr__feed *f, uint64_t t0);
/* Copies tick t's inputs into f->scratch and returns how many; ticks must
 * be asked for in increasing order. */
size_t qr__feed_tick(qr__feed *f, uint64_t t);
void qr__feed_free(qr__feed *f);

typedef struct qr__capture {
    char *p;        /* NUL-terminated lines, each ending in '\n' */
    size_t len, cap;
    bool nomem;     /* a line was dropped for want of memory */
} qr__capture;

/* Appends one line (n bytes); on out of memory drops it and sets nomem. */
void qr__capture_add(qr__capture *c, const char *line, size_t n);
/* Empties c for the next tick (keeps its memory). */
void qr__capture_clear(qr__capture *c);
void qr__capture_free(qr__capture *c);

/* Two worlds that have just stepped tick t: fills out (zeroed first) with
 * found, tick, ticks_compared = t + 1 and, when their chains differ, the
 * differing subsystems and the descent into the first of them (bisect.c;
 * sa and sb name blocks and items).  O(columns + 65,536) at most. */
void qr__diverge(const qr_scenario *sa, qk_world *wa, const qr_scenario *sb, qk_world *wb,
                 uint64_t t, qr_divergence *out);
/* Compares two runs of '\n'-ended lines (a[0..na), b[0..nb)); at the first
 * differing line sets out's has_event, event_line (1-based) and event_a/b
 * and returns true; false when they are equal.  O(na + nb). */
bool qr__first_line_diff(const char *a, size_t na, const char *b, size_t nb,
                         qr_divergence *out);

#endif /* QR_RUN_INTERNAL_H */
