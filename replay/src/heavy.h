/*
 * heavy.h - heavy mode (heavy.c): every tick a snapshot/restore round trip
 * compared by digests and bytes, every K ticks a rollback and re-simulation.
 * Used by the runner (run.c); not installed.
 */
#ifndef QR_HEAVY_H
#define QR_HEAVY_H

#include "run_internal.h"

typedef struct qr__heavy {
    const qr_scenario *sc;
    uint32_t rollback;          /* K, 0 = no rollbacks */
    uint8_t *snap, *again;      /* this tick's snapshot, and its restore's */
    size_t snap_len, snap_cap, again_cap;
    uint8_t *check;             /* the rollback checkpoint */
    size_t check_len, check_cap;
    uint64_t check_tick;        /* its world tick (the next tick to run) */
    size_t check_input;         /* the scenario input index at that tick */
    qr__feed feed;              /* re-simulation inputs */
    qr__counting mem;           /* its worlds' allocations */
    uint64_t checks, rollbacks; /* done so far */
} qr__heavy;

qr_status qr__heavy_init(qr__heavy *h, const qr_scenario *sc, uint32_t rollback);
/* After a step: w between steps, next_input the run's feed position. */
qr_status qr__heavy_tick(qr__heavy *h, const qk_world *w, size_t next_input, qr_error *err);
void qr__heavy_free(qr__heavy *h);

#endif /* QR_HEAVY_H */
