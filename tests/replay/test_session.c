/*
 * test_session.c - stepping sessions (qr.h, "Stepping sessions"), the
 * engine of `quarry repl`: going back through checkpoints gives the state
 * stepping forwards gives; named snapshots restore it; watches fire at the
 * tick the value changes; two runs part where their inputs do; a golden
 * stream is followed tick by tick and a bad one is refused at its line.
 *
 * The scenario is build_and_break (100 ticks): player 1 places stone on
 * (0,6,-1) at tick 6, which puts a block at (0,7,-1), and breaks it at
 * tick 30.  Run b breaks (0,7,0) at tick 30 instead.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "quarry/qr.h"

#define SCENARIO QUARRY_SOURCE_DIR "/scenarios/build_and_break.jsonl"
#define GOLDEN QUARRY_SOURCE_DIR "/golden/build_and_break.events.jsonl"
#define PACKS QUARRY_SOURCE_DIR "/packs"
#define BREAK_A "\"tick\":30,\"player\":1,\"op\":\"break\",\"pos\":[0,7,-1]"
#define BREAK_B "\"tick\":30,\"player\":1,\"op\":\"break\",\"pos\":[0,7,0]"

static const qr_scenario_opts sopts = {.pack_dir = PACKS};

static qr_scenario *load_a(void)
{
    qr_scenario *sc = NULL;
    qr_error err;
    CHECK_INT(qr_scenario_load(&sc, SCENARIO, &sopts, &err), QR_OK);
    return sc;
}

/* build_and_break with tick 30's break moved one block over. */
static qr_scenario *load_b(void)
{
    FILE *f = fopen(SCENARIO, "rb");
    char text[16384];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f)
        fclose(f);
    text[n] = 0;
    char *at = strstr(text, BREAK_A);
    CHECK(at != NULL);
    if (at) { /* B is one byte shorter */
        size_t la = strlen(BREAK_A), lb = strlen(BREAK_B);
        memmove(at + lb, at + la, n - (size_t)(at + la - text) + 1);
        memcpy(at, BREAK_B, lb);
        n -= la - lb;
    }
    qr_scenario *sc = NULL;
    qr_error err;
    CHECK_INT(qr_scenario_parse(&sc, SCENARIO, text, n, &sopts, &err), QR_OK);
    return sc;
}

static uint64_t chain(const qr_session *s, int which)
{
    qk_digests d;
    qk_world_digests(qr_session_world(s, which), &d);
    return d.chain;
}

static bool same_digests(const qr_session *s, const qk_digests *want)
{
    qk_digests d;
    qk_world_digests(qr_session_world(s, 0), &d);
    return memcmp(&d, want, sizeof d) == 0;
}

/* goto 50 -> goto 10 -> goto 50 equals stepping; with a checkpoint every
 * 64 ticks (tick 0's) and every 8 (tick 8's, not tick 0's). */
static void test_goto_back(uint32_t every)
{
    qr_scenario *a = load_a();
    qr_session *s = NULL;
    qr_session_opts o = {.checkpoint_every = every};
    qr_error err;
    qk_digests at10, at50;
    CHECK_INT(qr_session_open(&s, a, &o, &err), QR_OK);
    CHECK_U64(qr_session_tick(s), 0);
    CHECK_U64(qr_session_end(s), 100);
    CHECK(qr_session_world(s, 1) == NULL && !qr_session_compares(s));
    CHECK_INT(qr_session_advance(s, 10, false, NULL, &err), QR_OK);
    qk_world_digests(qr_session_world(s, 0), &at10);
    CHECK_INT(qr_session_goto(s, 50, &err), QR_OK);
    qk_world_digests(qr_session_world(s, 0), &at50);
    size_t lines50;
    qr_session_lines(s, 0, 100, &lines50);
    CHECK_INT(qr_session_goto(s, 10, &err), QR_OK);
    CHECK_U64(qr_session_tick(s), 10);
    CHECK(same_digests(s, &at10));
    size_t lines10, all;
    qr_session_lines(s, 0, 100, &lines10);
    CHECK(lines10 < lines50); /* only the ticks before the current one */
    CHECK_INT(qr_session_goto(s, 50, &err), QR_OK);
    CHECK(same_digests(s, &at50));
    qr_session_lines(s, 0, 100, &all);
    CHECK_U64(all, lines50);
    /* tick 0, and past the end */
    CHECK_INT(qr_session_goto(s, 0, &err), QR_OK);
    CHECK_U64(qr_session_tick(s), 0);
    CHECK_INT(qr_session_goto(s, 101, &err), QR_ERR_INPUT);
    CHECK(strstr(err.msg, "past the end") != NULL);
    qr_stop why;
    CHECK_INT(qr_session_advance(s, 1000, true, &why, &err), QR_OK);
    CHECK_INT(why.kind, QR_STOP_END);
    CHECK_U64(qr_session_tick(s), 100);
    qr_session_free(s);
    qr_scenario_free(a);
}

static void test_snapshots(void)
{
    qr_scenario *a = load_a();
    qr_session *s = NULL;
    qr_error err;
    qk_digests at40;
    CHECK_INT(qr_session_open(&s, a, NULL, &err), QR_OK);
    CHECK_INT(qr_session_goto(s, 40, &err), QR_OK);
    qk_world_digests(qr_session_world(s, 0), &at40);
    CHECK_INT(qr_session_snapshot(s, "mid", &err), QR_OK);
    CHECK_INT(qr_session_goto(s, 90, &err), QR_OK);
    CHECK_INT(qr_session_snapshot(s, "late", &err), QR_OK);
    CHECK_INT(qr_session_restore(s, "mid", &err), QR_OK);
    CHECK_U64(qr_session_tick(s), 40);
    CHECK(same_digests(s, &at40));
    CHECK_INT(qr_session_restore(s, "late", &err), QR_OK); /* forwards too */
    CHECK_U64(qr_session_tick(s), 90);
    CHECK_INT(qr_session_restore(s, "nope", &err), QR_ERR_INPUT);
    uint64_t t = 0;
    CHECK_STR(qr_session_snapshot_name(s, 0, &t), "mid");
    CHECK_U64(t, 40);
    CHECK_STR(qr_session_snapshot_name(s, 1, &t), "late");
    CHECK(qr_session_snapshot_name(s, 2, NULL) == NULL);
    /* stepping on from a restored snapshot equals never stopping */
    CHECK_INT(qr_session_restore(s, "mid", &err), QR_OK);
    CHECK_INT(qr_session_advance(s, 100, false, NULL, &err), QR_OK);
    uint64_t restored = chain(s, 0);
    CHECK_INT(qr_session_goto(s, 0, &err), QR_OK);
    CHECK_INT(qr_session_advance(s, 100, false, NULL, &err), QR_OK);
    CHECK_U64(chain(s, 0), restored);
    qr_session_free(s);
    qr_scenario_free(a);
}

static void test_watch(void)
{
    qr_scenario *a = load_a();
    qr_session *s = NULL;
    qr_error err;
    qr_stop why;
    char v[256];
    CHECK_INT(qr_session_open(&s, a, NULL, &err), QR_OK);
    qr_probe blk = {.kind = QR_PROBE_BLOCK, .pos = {0, 7, -1}};
    CHECK_INT(qr_session_watch(s, &blk, NULL, &err), QR_OK);
    CHECK_INT(qr_session_advance(s, 100, true, &why, &err), QR_OK);
    CHECK_INT(why.kind, QR_STOP_WATCH);
    CHECK_U64(why.tick, 6);
    CHECK_U64(qr_session_tick(s), 7);
    CHECK_STR(why.before, "air");
    CHECK_STR(why.after, "stone");
    CHECK_INT(qr_session_advance(s, 100, true, &why, &err), QR_OK);
    CHECK_INT(why.kind, QR_STOP_WATCH);
    CHECK_U64(why.tick, 30);
    /* after going back, the same watch fires at the same tick again */
    CHECK_INT(qr_session_goto(s, 3, &err), QR_OK);
    CHECK_INT(qr_session_advance(s, 100, true, &why, &err), QR_OK);
    CHECK_U64(why.tick, 6);
    /* step (stop false) passes over it */
    CHECK_INT(qr_session_advance(s, 40, false, &why, &err), QR_OK);
    CHECK_INT(why.kind, QR_STOP_TARGET);
    qr_session_unwatch(s);
    CHECK_U64(qr_session_watch_count(s), 0);
    qr_probe bad = {.kind = QR_PROBE_PLAYER, .player = 1, .field = "speed"};
    CHECK_INT(qr_session_watch(s, &bad, NULL, &err), QR_ERR_INPUT);
    qr_probe inv = {.kind = QR_PROBE_INVENTORY, .player = 1};
    qr_session_value(s, -1, &inv, v, sizeof v);
    CHECK(strncmp(v, "selected ", 9) == 0);
    qr_probe nobody = {.kind = QR_PROBE_PLAYER, .player = 99};
    qr_session_value(s, 0, &nobody, v, sizeof v);
    CHECK_STR(v, "absent");
    qr_probe far = {.kind = QR_PROBE_LIGHT, .pos = {4000, 7, 0}};
    qr_session_value(s, 0, &far, v, sizeof v);
    CHECK_STR(v, "unloaded");
    qr_session_free(s);
    qr_scenario_free(a);
}

static void test_two_runs(void)
{
    qr_scenario *a = load_a(), *b = load_b();
    qr_session *s = NULL;
    qr_session_opts o = {.b = b};
    qr_error err;
    qr_stop why;
    qr_divergence d;
    CHECK_INT(qr_session_open(&s, a, &o, &err), QR_OK);
    CHECK(qr_session_compares(s) && qr_session_world(s, 1) != NULL);
    CHECK_INT(qr_session_advance(s, 100, true, &why, &err), QR_OK);
    CHECK_INT(why.kind, QR_STOP_PARTED);
    CHECK_U64(why.tick, 30);
    CHECK(qr_session_parted(s, &d));
    CHECK_U64(d.tick, 30);
    CHECK(d.descended && d.has_voxel);
    CHECK_INT(d.x, 0);
    CHECK_INT(d.y, 7);
    CHECK_INT(d.z, -1);
    CHECK_STR(d.value_a, "air");
    CHECK_STR(d.value_b, "stone");
    CHECK(d.has_event && strstr(d.event_b, "\"z\":0") != NULL);
    /* going back before the parting: the runs agree again, then part at
     * the same tick; a watch sees the disagreement begin */
    CHECK_INT(qr_session_goto(s, 20, &err), QR_OK);
    CHECK(!qr_session_parted(s, &d));
    CHECK_U64(chain(s, 0), chain(s, 1));
    qr_probe blk = {.kind = QR_PROBE_BLOCK, .pos = {0, 7, 0}};
    CHECK_INT(qr_session_watch(s, &blk, NULL, &err), QR_OK);
    CHECK_INT(qr_session_advance(s, 100, true, &why, &err), QR_OK);
    CHECK_INT(why.kind, QR_STOP_WATCH);
    CHECK_U64(why.tick, 30);
    CHECK_STR(why.after, "a=stone b=air");
    /* once parted, run goes on to the end */
    qr_session_unwatch(s);
    CHECK_INT(qr_session_advance(s, 100, true, &why, &err), QR_OK);
    CHECK_INT(why.kind, QR_STOP_END);
    qr_session_free(s);
    qr_scenario_free(b);
    qr_scenario_free(a);
}

static void test_golden(void)
{
    qr_scenario *a = load_a(), *b = load_b();
    qr_session *s = NULL;
    qr_session_opts o = {.golden = GOLDEN};
    qr_error err;
    qr_stop why;
    qr_divergence d;
    CHECK_INT(qr_session_open(&s, a, &o, &err), QR_OK);
    CHECK_INT(qr_session_advance(s, 100, true, &why, &err), QR_OK);
    CHECK_INT(why.kind, QR_STOP_END);
    CHECK(!qr_session_parted(s, &d));
    CHECK_U64(d.ticks_compared, 100);
    qr_session_free(s);
    /* b against a's golden parts at tick 30, in blocks and light */
    CHECK_INT(qr_session_open(&s, b, &o, &err), QR_OK);
    CHECK_INT(qr_session_advance(s, 100, true, &why, &err), QR_OK);
    CHECK_INT(why.kind, QR_STOP_PARTED);
    CHECK(qr_session_parted(s, &d));
    CHECK_U64(d.tick, 30);
    CHECK_STR(d.subsystems, "blocks,light");
    CHECK_U64(d.event_line, 1);
    qr_session_free(s);
    /* a bad golden: refused at its line */
    char path[] = "/tmp/quarry_session_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    static const char bad[] = "{\"quarry\":\"events\",\"format\":1}\n{\"tick\":0,\"type\":\"x\"}\n"
                              "{\"tick\":2,\"type\":\"digest\"}\n";
    CHECK(write(fd, bad, sizeof bad - 1) == (ssize_t)(sizeof bad - 1));
    close(fd);
    o.golden = path;
    CHECK_INT(qr_session_open(&s, a, &o, &err), QR_ERR_INPUT);
    CHECK(s == NULL);
    CHECK_INT(err.line, 3);
    CHECK_INT(err.col, 1);
    o.golden = SCENARIO; /* not a stream */
    CHECK_INT(qr_session_open(&s, a, &o, &err), QR_ERR_INPUT);
    CHECK_INT(err.line, 1);
    unlink(path);
    qr_scenario_free(b);
    qr_scenario_free(a);
}

int main(void)
{
    test_goto_back(64);
    test_goto_back(8);
    test_snapshots();
    test_watch();
    test_two_runs();
    test_golden();
    return qt_report();
}
