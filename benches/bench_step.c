/*
 * bench_step.c - step_cost: what one qk_step costs on a realistic world.
 *
 * Each run builds the 16x16-column terrain world with qk_world_create
 * (timed: that is the world creation figure), joins 8 players spread over
 * it, each standing just above the terrain surface, and lets them walk:
 * held forward key, a different yaw each, a new pseudo-random yaw every 100
 * ticks and a jump now and then.  The inputs are a pure function of the
 * tick and the player, so every run simulates exactly the same ticks.
 * After 50 warm-up ticks, 2,000 qk_step calls are timed one by one with a
 * sink that only counts events; the per-tick median, p90, p99 and max are
 * taken within each run, then summarised across runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define NAME "step_cost"
#define PLAYERS 8
#define WARMUP 50
#define TIMED 2000
#define REAIM_EVERY 100
#define TARGET_P99_US 250

typedef struct walker {
    uint32_t id;
    uint32_t seq;
    uint16_t yaw;
} walker;

/* A fixed integer mixer (lowbias32): deterministic yaws without a PRNG. */
static uint32_t mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

static qk_input input_for(const walker *p, uint64_t tick, qk_op op)
{
    qk_input in;
    memset(&in, 0, sizeof in);
    in.tick = tick;
    in.player = p->id;
    in.seq = p->seq;
    in.op = op;
    return in;
}

static qk_input move_input(const walker *p, uint64_t tick)
{
    qk_input in = input_for(p, tick, QK_OP_MOVE);
    in.u.move.dirs = QK_DIR_FORWARD;
    in.u.move.yaw = p->yaw;
    return in;
}

/* The inputs of one tick, into in[]; returns how many.  Tick 0 joins
 * everyone at spawn[] and starts them walking. */
static size_t inputs_for_tick(walker *pl, const qk_fx (*spawn)[3], uint64_t t, qk_input *in)
{
    size_t n = 0;
    for (uint32_t i = 0; i < PLAYERS; i++) {
        walker *p = &pl[i];
        if (t == 0) {
            qk_input j = input_for(p, t, QK_OP_JOIN);
            j.u.join.x = spawn[i][0];
            j.u.join.y = spawn[i][1];
            j.u.join.z = spawn[i][2];
            j.u.join.yaw = p->yaw;
            in[n++] = j;
            p->seq++;
            in[n++] = move_input(p, t);
            p->seq++;
            continue;
        }
        if (t % REAIM_EVERY == 0) {
            p->yaw = (uint16_t)mix32(p->id * 0x9e3779b9u ^ (uint32_t)t);
            in[n++] = move_input(p, t);
            p->seq++;
        }
        if ((t + 13u * i) % 40u == 0) {
            in[n++] = input_for(p, t, QK_OP_JUMP);
            p->seq++;
        }
    }
    return n;
}

static void count_event(void *ud, const qk_event *ev)
{
    (void)ev;
    (*(uint64_t *)ud)++;
}

/* One run: fills the per-tick figures (us) and the creation time (ms). */
static json_t *one_run(const qr_pack *pack, const qk_world_config *cfg, double *create_ms,
                       double *tick_us, uint64_t *events)
{
    qk_world *w = NULL;
    qk_diag d = {0};
    uint64_t t0 = qb_now_ns();
    qk_status ks = qk_world_create(&w, cfg, &pack->registry, &qb_allocator, &d);
    *create_ms = (double)(qb_now_ns() - t0) / 1e6;
    if (ks != QK_OK)
        return qb_kernel_error(NAME, "qk_world_create", ks, &d);

    /* Spread the players over a 4x2 grid of the 256x256-block world. */
    walker pl[PLAYERS];
    qk_fx spawn[PLAYERS][3];
    for (uint32_t i = 0; i < PLAYERS; i++) {
        int32_t x = -96 + 64 * (int32_t)(i % 4), z = -64 + 128 * (int32_t)(i / 4);
        int32_t top = qb_top_solid(w, pack, x, z);
        pl[i] = (walker){.id = i + 1, .seq = 0, .yaw = (uint16_t)(i * 8192u + 1000u)};
        spawn[i][0] = (qk_fx)x * QK_FX_ONE + QK_FX_ONE / 2;
        spawn[i][1] = (qk_fx)(top + 1) * QK_FX_ONE;
        spawn[i][2] = (qk_fx)z * QK_FX_ONE + QK_FX_ONE / 2;
    }

    qk_input in[2 * PLAYERS];
    *events = 0;
    qk_sink sink = {count_event, events};
    json_t *err = NULL;
    for (uint64_t t = 0; t < WARMUP + TIMED && !err; t++) {
        size_t n = inputs_for_tick(pl, (const qk_fx(*)[3])spawn, t, in);
        if (t == WARMUP)
            *events = 0;
        uint64_t s = qb_now_ns();
        ks = qk_step(w, in, n, &sink, &d);
        uint64_t ns = qb_now_ns() - s;
        if (ks != QK_OK) {
            char call[48];
            snprintf(call, sizeof call, "qk_step at tick %u", (unsigned)t);
            err = qb_kernel_error(NAME, call, ks, &d);
        }
        else if (t >= WARMUP)
            tick_us[t - WARMUP] = (double)ns / 1e3;
    }
    if (!err && qk_player_count(w) != PLAYERS)
        err = qb_error(NAME, "only %u of %d players joined", qk_player_count(w), PLAYERS);
    qk_world_destroy(w);
    return err;
}

json_t *qb_step_cost(const qb_opts *o)
{
    char why[1100];
    qk_world_config cfg;
    qr_pack *pack = qb_terrain_pack(o, &cfg, why, sizeof why);
    if (!pack)
        return qb_error(NAME, "%s", why);

    unsigned runs = o->runs;
    double *tick_us = malloc(TIMED * sizeof *tick_us);
    double *fig = calloc(6 * (size_t)runs, sizeof *fig);
    double *create_ms = fig, *median = fig + runs, *p90 = fig + 2 * runs,
           *p99 = fig + 3 * runs, *max = fig + 4 * runs, *mean = fig + 5 * runs;
    json_t *out = NULL;
    uint64_t events = 0;
    if (!tick_us || !fig) {
        out = qb_error(NAME, "out of memory");
        goto done;
    }
    for (unsigned run = 0; run < runs; run++) {
        if ((out = one_run(pack, &cfg, &create_ms[run], tick_us, &events)))
            goto done;
        double sum = 0;
        for (size_t i = 0; i < TIMED; i++)
            sum += tick_us[i];
        mean[run] = sum / TIMED;
        qb_sort(tick_us, TIMED);
        median[run] = qb_percentile(tick_us, TIMED, 50);
        p90[run] = qb_percentile(tick_us, TIMED, 90);
        p99[run] = qb_percentile(tick_us, TIMED, 99);
        max[run] = tick_us[TIMED - 1];
        qb_progress(NAME, "run %u/%u: create %.1f ms, tick median %.2f us, p99 %.2f us, "
                    "max %.2f us", run + 1, runs, create_ms[run], median[run], p99[run],
                    max[run]);
    }
    out = json_object();
    json_object_set_new(out, "chunks", json_integer(
        (QB_CHUNK_MAX - QB_CHUNK_MIN + 1) * (QB_CHUNK_MAX - QB_CHUNK_MIN + 1)));
    json_object_set_new(out, "players", json_integer(PLAYERS));
    json_object_set_new(out, "warmup_ticks", json_integer(WARMUP));
    json_object_set_new(out, "timed_ticks", json_integer(TIMED));
    json_object_set_new(out, "tick_median_us", qb_summary(median, runs, 3));
    json_object_set_new(out, "tick_p90_us", qb_summary(p90, runs, 3));
    json_object_set_new(out, "tick_p99_us", qb_summary(p99, runs, 3));
    json_object_set_new(out, "tick_max_us", qb_summary(max, runs, 3));
    json_object_set_new(out, "tick_mean_us", qb_summary(mean, runs, 3));
    json_object_set_new(out, "target_p99_us", json_integer(TARGET_P99_US));
    json_object_set_new(out, "events_per_tick", qb_real((double)events / TIMED, 3));
    json_object_set_new(out, "world_create_ms", qb_summary(create_ms, runs, 3));
done:
    free(tick_us);
    free(fig);
    qr_pack_free(pack);
    return out;
}
