/*
 * bench_replay.c - replay_throughput: the whole replay path, end to end.
 *
 * scenarios/walk_superflat.jsonl is loaded once and scaled to 100,000 ticks
 * by tiling its input log: the inputs of its ticks 0..N-1 (joins excepted)
 * repeat every N ticks with per-player seqs kept unique, so the players keep
 * walking and jumping for the whole run instead of idling after the log
 * ends.  Each run calls qr_run on that with the real stream writer going
 * to /dev/null through qr_write_stdio: world creation, every qk_step, the
 * canonical formatting of every event, the streaming XXH3 and the fwrite
 * calls are all inside the timed region.  Scenario parsing is not (it is
 * reported separately).  Every run must produce the same stream hash; the
 * report says whether it did.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define NAME "replay_throughput"
#define SCENARIO "walk_superflat"
#define TICKS 100000u
#define TARGET_TICKS_PER_S 200000

/* A shallow copy of sc whose inputs repeat every sc->ticks ticks up to
 * `ticks`.  The arrays are malloc'd into *inputs and *lines. */
static bool tile(const qr_scenario *sc, uint64_t ticks, qr_scenario *out,
                 qk_input **inputs, uint32_t **lines)
{
    uint64_t period = sc->ticks, copies = (ticks + period - 1) / period;
    size_t cap = (size_t)(sc->n_inputs * copies), n = 0;
    *inputs = malloc(cap * sizeof **inputs);
    *lines = malloc(cap * sizeof **lines);
    if (!*inputs || !*lines)
        return false;
    for (uint64_t k = 0; k < copies; k++) {
        for (size_t i = 0; i < sc->n_inputs; i++) {
            qk_input in = sc->inputs[i];
            if (k > 0 && in.op == QK_OP_JOIN)
                continue;
            in.tick += k * period;
            if (in.tick >= ticks)
                continue;
            in.seq += (uint32_t)(k * 100000u);
            (*lines)[n] = sc->input_lines[i];
            (*inputs)[n++] = in;
        }
    }
    *out = *sc;
    out->inputs = *inputs;
    out->input_lines = *lines;
    out->n_inputs = n;
    out->ticks = ticks;
    out->n_expects = 0; /* they speak of the original ticks */
    return true;
}

json_t *qb_replay_throughput(const qb_opts *o)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/%s.jsonl", o->root, SCENARIO);
    qr_scenario *sc = NULL;
    qr_error err = {0};
    uint64_t t0 = qb_now_ns();
    if (qr_scenario_load(&sc, path, NULL, &err) != QR_OK) {
        char msg[1100];
        qr_error_format(&err, msg, sizeof msg);
        return qb_error(NAME, "cannot load the scenario: %s", msg);
    }
    double load_ms = (double)(qb_now_ns() - t0) / 1e6;

    qr_scenario scaled;
    qk_input *tiled = NULL;
    uint32_t *tiled_lines = NULL;
    double *secs = calloc(o->runs, sizeof *secs);
    double *tps = calloc(o->runs, sizeof *tps);
    json_t *out = NULL;
    qr_run_result res = {0};
    uint64_t events = 0, bytes = 0, hash = 0;
    size_t peak = 0;
    bool same = true;
    if (!secs || !tps || !tile(sc, TICKS, &scaled, &tiled, &tiled_lines)) {
        out = qb_error(NAME, "out of memory");
        goto done;
    }
    for (unsigned run = 0; run < o->runs; run++) {
        FILE *devnull = fopen("/dev/null", "wb");
        if (!devnull) {
            out = qb_error(NAME, "cannot open /dev/null for writing");
            goto done;
        }
        qr_run_opts ro = {.ticks = TICKS, .write = qr_write_stdio, .write_ud = devnull};
        uint64_t start = qb_now_ns();
        qr_status st = qr_run(&scaled, &ro, &res, &err);
        uint64_t ns = qb_now_ns() - start;
        fclose(devnull);
        if (st != QR_OK) {
            char msg[1100];
            qr_error_format(&err, msg, sizeof msg);
            out = qb_error(NAME, "qr_run failed: %s", msg);
            goto done;
        }
        if (run == 0) {
            events = res.events;
            bytes = res.bytes;
            hash = res.hash;
            peak = res.peak_memory;
        } else if (res.hash != hash || res.events != events || res.bytes != bytes) {
            same = false;
        }
        secs[run] = (double)ns / 1e9;
        tps[run] = (double)res.ticks / secs[run];
        qb_progress(NAME, "run %u/%u: %" PRIu64 " ticks in %.3f s, %.0f ticks/s", run + 1,
                    o->runs, res.ticks, secs[run], tps[run]);
        qr_run_result_free(&res);
    }

    char hex[17];
    qr_hex64(hash, hex);
    out = json_object();
    json_object_set_new(out, "scenario", json_string(SCENARIO));
    json_object_set_new(out, "ticks", json_integer(TICKS));
    json_object_set_new(out, "inputs", json_integer((json_int_t)scaled.n_inputs));
    json_object_set_new(out, "ticks_per_s", qb_summary(tps, o->runs, 0));
    json_object_set_new(out, "target_ticks_per_s", json_integer(TARGET_TICKS_PER_S));
    json_object_set_new(out, "seconds", qb_summary(secs, o->runs, 4));
    json_object_set_new(out, "events", json_integer((json_int_t)events));
    json_object_set_new(out, "bytes", json_integer((json_int_t)bytes));
    json_object_set_new(out, "stream_hash", json_string(hex));
    json_object_set_new(out, "same_stream_every_run", json_boolean(same));
    json_object_set_new(out, "kernel_peak_memory_bytes", json_integer((json_int_t)peak));
    json_object_set_new(out, "scenario_load_ms", qb_real(load_ms, 3));
done:
    qr_run_result_free(&res);
    free(secs);
    free(tps);
    free(tiled);
    free(tiled_lines);
    qr_scenario_free(sc);
    return out;
}
