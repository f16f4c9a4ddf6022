/*
 * test_heavy.c - heavy mode (replay/src/heavy.c) finds what it is for, and
 * never changes a run's output.
 *
 *  - a run of scenarios/torch.jsonl with heavy mode and rollbacks gives the
 *    same bytes as without, and reports one round trip per tick and the
 *    rollbacks it made;
 *  - derived state that disagrees with the state it derives from (a light
 *    nibble poked behind the kernel's back, as an incremental-light bug
 *    would leave it: a snapshot does not carry light, so its restore
 *    relights) is caught by the next tick's round trip, naming the tick and
 *    the light subsystem;
 *  - state changed outside the step (the day clock poked) survives a round
 *    trip but not a re-simulation: the rollback catches it.
 * Faults are planted by poking kernel internals (world.h) between calls.
 */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "heavy.h"
#include "world.h"

#define TORCH QUARRY_SOURCE_DIR "/scenarios/torch.jsonl"

static int count_bytes(void *ud, const void *buf, size_t len)
{
    (void)buf;
    *(size_t *)ud += len;
    return 0;
}

static void test_output_unchanged(const qr_scenario *sc)
{
    size_t plain_len = 0, heavy_len = 0;
    qr_run_opts plain = {.write = count_bytes, .write_ud = &plain_len};
    qr_run_opts heavy = {.write = count_bytes, .write_ud = &heavy_len, .heavy = true,
                         .heavy_rollback = 8};
    qr_run_result a, b;
    qr_error err;
    CHECK_INT(qr_run(sc, &plain, &a, &err), QR_OK);
    CHECK_INT(qr_run(sc, &heavy, &b, &err), QR_OK);
    CHECK(a.hash == b.hash && plain_len == heavy_len && a.events == b.events);
    CHECK(a.peak_memory == b.peak_memory); /* its worlds use their own allocator */
    CHECK_INT(b.heavy_checks, sc->ticks);
    CHECK_INT(b.heavy_rollbacks, sc->ticks / 8 - 1);
    CHECK_INT(a.heavy_checks, 0);
    qr_run_result_free(&a);
    qr_run_result_free(&b);
}

static qk_world *world_at(const qr_scenario *sc, uint64_t ticks, qr__heavy *h, qr__feed *f)
{
    static const qk_allocator al = {qr__count_alloc, NULL};
    static qr__counting cnt;
    qk_allocator a = al;
    a.ud = &cnt;
    qk_world *w = NULL;
    CHECK_INT(qk_world_create(&w, &sc->world, &sc->pack->registry, &a, NULL), QK_OK);
    CHECK_INT(qr__feed_init(f, sc), QR_OK);
    qr_error err;
    for (uint64_t t = 0; t < ticks; t++) {
        size_t n = qr__feed_tick(f, t);
        CHECK_INT(qk_step(w, f->scratch, n, NULL, NULL), QK_OK);
        CHECK_INT(qr__heavy_tick(h, w, f->next, &err), QR_OK);
    }
    return w;
}

static void test_light_poke(const qr_scenario *sc)
{
    qr__heavy h;
    qr__feed f;
    CHECK_INT(qr__heavy_init(&h, sc, 0), QR_OK);
    qk_world *w = world_at(sc, 12, &h, &f);
    /* a lit voxel above the ground of column (0, 0), poked dark */
    qk__chunk *c = qk__world_chunk(w, 0, 0);
    qk__nibbles *n = &c->light.ch[QK_LIGHT_SKY][6];
    if (!n->data) {
        n->data = qk__mem_alloc(&w->mem, QK_NIBBLE_BYTES);
        memset(n->data, n->uniform * 0x11, QK_NIBBLE_BYTES);
    }
    qk__nib_put(n->data, (4u << 8) | (4u << 4) | 4u, 3);
    c->light.stale |= 1u << 6;
    /* the next step's digests see it, as they would see a light bug */
    size_t k = qr__feed_tick(&f, 12);
    CHECK_INT(qk_step(w, f.scratch, k, NULL, NULL), QK_OK);
    qr_error err;
    CHECK_INT(qr__heavy_tick(&h, w, f.next, &err), QR_ERR_KERNEL);
    CHECK(strstr(err.msg, "heavy mode: the restored snapshot has another state at tick 12 "
                          "(digests differ in light)") != NULL);
    qr__heavy_free(&h);
    qr__feed_free(&f);
    qk_world_destroy(w);
}

static void test_clock_poke(const qr_scenario *sc)
{
    qr__heavy h;
    qr__feed f;
    CHECK_INT(qr__heavy_init(&h, sc, 4), QR_OK);
    qk_world *w = world_at(sc, 9, &h, &f); /* checkpoint at tick 9 (after 8 steps) */
    w->daytime += 7;
    qr_error err;
    size_t n = qr__feed_tick(&f, 9);
    CHECK_INT(qk_step(w, f.scratch, n, NULL, NULL), QK_OK);
    CHECK_INT(qr__heavy_tick(&h, w, f.next, &err), QR_OK); /* a round trip keeps the poke */
    qr_status st = QR_OK;
    for (uint64_t t = 10; st == QR_OK && t < 16; t++) {
        n = qr__feed_tick(&f, t);
        CHECK_INT(qk_step(w, f.scratch, n, NULL, NULL), QK_OK);
        st = qr__heavy_tick(&h, w, f.next, &err);
    }
    CHECK_INT(st, QR_ERR_KERNEL);
    CHECK(strstr(err.msg, "re-simulating from the rollback checkpoint gave another state") !=
          NULL);
    CHECK(strstr(err.msg, "time") != NULL);
    qr__heavy_free(&h);
    qr__feed_free(&f);
    qk_world_destroy(w);
}

int main(void)
{
    qr_scenario *sc = NULL;
    qr_error err;
    if (qr_scenario_load(&sc, TORCH, NULL, &err) != QR_OK) {
        qr_error_print(&err, stderr);
        return 1;
    }
    test_output_unchanged(sc);
    test_light_poke(sc);
    test_clock_poke(sc);
    qr_scenario_free(sc);
    return qt_report();
}
