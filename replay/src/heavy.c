/*
 * heavy.c - heavy mode: check, every tick, that the state survives being
 * serialised, and every K ticks that it can be re-simulated.
 *
 * The best-known desync hunters each do part of this by hand: Factorio's
 * heavy mode and 0 A.D.'s serialization test save and reload every tick
 * and compare; GGPO's SyncTest rolls back and re-simulates.  Here, after
 * each step of a run (run.c):
 *   - the world is snapshotted, the bytes restored into a second world, and
 *     the two must have equal digests and the restored world must snapshot
 *     to the same bytes (nothing the state needs is missing from, or
 *     ambiguous in, the snapshot);
 *   - every `rollback` ticks, the snapshot taken `rollback` ticks earlier is
 *     restored and stepped again with the same inputs up to now (events
 *     discarded), and must reach the live world's digests (the steps are a
 *     function of the snapshot and the inputs alone).
 * It only reads the live world, so the run's output cannot change; its
 * worlds use their own allocator, so peak memory figures do not either.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "heavy.h"


/* The subsystems whose digests differ, "blocks,light". */
static void differing(const qk_digests *a, const qk_digests *b, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = 0;
    for (int s = 0; s < QK_SUB__COUNT; s++)
        if (a->sub[s] != b->sub[s] && n < cap)
            n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "," : "",
                                  qk_subsys_name((qk_subsys)s));
    if (!out[0])
        snprintf(out, cap, "the chain only");
}

static qr_status mismatch(const qr_scenario *sc, qr_error *err, uint64_t tick, const char *what,
                          const qk_digests *a, const qk_digests *b)
{
    char subs[160];
    differing(a, b, subs, sizeof subs);
    return qr__fail(err, QR_ERR_KERNEL, sc->path, 0, 0,
                    "heavy mode: %s at tick %" PRIu64 " (digests differ in %s)", what, tick,
                    subs);
}

/* A snapshot of w into h->buf (grown as needed). */
static qr_status snapshot_into(qr__heavy *h, const qk_world *w, uint8_t **buf, size_t *cap,
                               size_t *len, qr_error *err)
{
    size_t need = qk_snapshot_size(w);
    if (need > *cap) {
        uint8_t *nb = realloc(*buf, need);
        if (!nb)
            return qr__fail(err, QR_ERR_NOMEM, h->sc->path, 0, 0, "out of memory (heavy mode)");
        *buf = nb;
        *cap = need;
    }
    qk_status ks = qk_snapshot_write(w, *buf, *cap, len);
    return ks == QK_OK ? QR_OK
                       : qr__fail(err, QR_ERR_KERNEL, h->sc->path, 0, 0,
                                  "heavy mode: snapshot failed: %s", qk_status_str(ks));
}

static qr_status restore(qr__heavy *h, const uint8_t *buf, size_t len, qk_world **out,
                         qr_error *err)
{
    qk_diag d = {0};
    /* its own counter: the run's peak memory figure is the live world's */
    qk_allocator al = {qr__count_alloc, &h->mem};
    qk_status ks = qk_world_restore(out, buf, len, &h->sc->pack->registry, &al, &d);
    return ks == QK_OK ? QR_OK
                       : qr__fail(err, QR_ERR_KERNEL, h->sc->path, 0, 0,
                                  "heavy mode: restoring the snapshot failed: %s: %s",
                                  qk_status_str(ks), d.what ? d.what : "");
}

qr_status qr__heavy_init(qr__heavy *h, const qr_scenario *sc, uint32_t rollback)
{
    memset(h, 0, sizeof *h);
    h->sc = sc;
    h->rollback = rollback;
    return rollback ? qr__feed_init(&h->feed, sc) : QR_OK;
}

void qr__heavy_free(qr__heavy *h)
{
    free(h->snap);
    free(h->again);
    free(h->check);
    qr__feed_free(&h->feed);
    memset(h, 0, sizeof *h);
}

/* Re-simulates from the checkpoint up to w's tick and compares. */
static qr_status resimulate(qr__heavy *h, const qk_world *w, qr_error *err)
{
    qk_world *r = NULL;
    qr_status st = restore(h, h->check, h->check_len, &r, err);
    h->feed.next = h->check_input;
    for (uint64_t t = h->check_tick; st == QR_OK && t < qk_world_tick(w); t++) {
        size_t n = qr__feed_tick(&h->feed, t);
        qk_diag d = {0};
        qk_status ks = qk_step(r, h->feed.scratch, n, NULL, &d);
        if (ks != QK_OK)
            st = qr__fail(err, QR_ERR_KERNEL, h->sc->path, 0, 0,
                          "heavy mode: re-simulating tick %" PRIu64 " failed: %s", t,
                          qk_status_str(ks));
    }
    if (st == QR_OK) {
        qk_digests a, b;
        qk_world_digests(w, &a);
        qk_world_digests(r, &b);
        if (memcmp(&a, &b, sizeof a) != 0)
            st = mismatch(h->sc, err, qk_world_tick(w) - 1,
                          "re-simulating from the rollback checkpoint gave another state", &a, &b);
    }
    qk_world_destroy(r);
    return st;
}

qr_status qr__heavy_tick(qr__heavy *h, const qk_world *w, size_t next_input, qr_error *err)
{
    uint64_t tick = qk_world_tick(w); /* the next tick to run */
    qr_status st = snapshot_into(h, w, &h->snap, &h->snap_cap, &h->snap_len, err);
    qk_world *r = NULL;
    if (st == QR_OK)
        st = restore(h, h->snap, h->snap_len, &r, err);
    if (st == QR_OK) {
        qk_digests a, b;
        qk_world_digests(w, &a);
        qk_world_digests(r, &b);
        if (memcmp(&a, &b, sizeof a) != 0)
            st = mismatch(h->sc, err, tick - 1, "the restored snapshot has another state", &a, &b);
    }
    size_t again_len = 0;
    if (st == QR_OK)
        st = snapshot_into(h, r, &h->again, &h->again_cap, &again_len, err);
    if (st == QR_OK && (again_len != h->snap_len || memcmp(h->again, h->snap, again_len) != 0))
        st = qr__fail(err, QR_ERR_KERNEL, h->sc->path, 0, 0, "heavy mode: at tick %" PRIu64
                      ", the restored world snapshots to other bytes", tick - 1);
    qk_world_destroy(r);
    h->checks++;
    if (st != QR_OK || !h->rollback)
        return st;
    if (h->check && tick - h->check_tick >= h->rollback) {
        if ((st = resimulate(h, w, err)) != QR_OK)
            return st;
        h->rollbacks++;
    }
    if (!h->check || tick - h->check_tick >= h->rollback) { /* the next checkpoint */
        if (h->snap_len > h->check_cap) {
            uint8_t *nb = realloc(h->check, h->snap_len);
            if (!nb)
                return qr__fail(err, QR_ERR_NOMEM, h->sc->path, 0, 0, "out of memory (heavy mode)");
            h->check = nb;
            h->check_cap = h->snap_len;
        }
        memcpy(h->check, h->snap, h->snap_len);
        h->check_len = h->snap_len;
        h->check_tick = tick;
        h->check_input = next_input;
    }
    return QR_OK;
}
