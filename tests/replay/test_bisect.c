/*
 * test_bisect.c - the bisector names exactly the fault that was planted.
 *
 * Each case runs scenarios/torch.jsonl against itself with a fault planted
 * in world b through qr_bisect_opts.after_step, by poking kernel internals
 * (world.h) after the step of tick T: one voxel's skylight nibble, one
 * block (without an edit, so light does not follow), a player's x, an
 * inventory slot, the weather, the day clock.  The digests of tick T were
 * taken inside that step, so the first differing chain is tick T + 1, and
 * the bisector must name that tick, the one subsystem, the column and voxel
 * or the player and field, and both values.  Also: identical runs agree, a
 * scenario differing in one input parts at that input's tick, the stream
 * form finds the same tick and subsystems from two written streams, bad
 * streams are errors at file:line:col, and the summary reads as the
 * issue's example.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../check.h"
#include "quarry/qr.h"
#include "world.h"

#define FAULT_TICK 20u
#define TORCH QUARRY_SOURCE_DIR "/scenarios/torch.jsonl"

typedef enum fault { F_LIGHT, F_BLOCK, F_PLAYER, F_SLOT, F_WEATHER, F_TIME } fault;

typedef struct plant {
    fault kind;
    qk_block_id dirt;
    qk_weather was; /* b's weather when the fault went in */
} plant;

/* Sets the skylight nibble of a voxel (x, z >= 0), giving a uniform
 * section its own nibbles first; marks the section's light digest stale. */
static void poke_sky(qk_world *w, int32_t x, int32_t y, int32_t z, uint8_t v)
{
    qk__chunk *c = qk__world_chunk(w, x >> 4, z >> 4);
    int sec = y >> 4;
    qk__nibbles *n = &c->light.ch[QK_LIGHT_SKY][sec];
    if (!n->data) {
        n->data = qk__mem_alloc(&w->mem, QK_NIBBLE_BYTES);
        if (!n->data)
            return;
        memset(n->data, n->uniform * 0x11, QK_NIBBLE_BYTES);
    }
    qk__nib_put(n->data, (uint32_t)(((y & 15) << 8) | ((z & 15) << 4) | (x & 15)), v);
    c->light.stale |= (uint16_t)(1u << sec);
}

static void after_step(void *ud, int which, qk_world *w, uint64_t tick)
{
    plant *p = ud;
    if (which != 1 || tick != FAULT_TICK)
        return;
    qk_block_id prev;
    switch (p->kind) {
    case F_LIGHT: poke_sky(w, 5, 20, 19, 14); break;
    case F_BLOCK: qk__world_set(w, 3, 2, 3, p->dirt, &prev); break;
    case F_PLAYER: w->players[qk__player_find(w, 2)].s.x += 1; break;
    case F_SLOT: w->players[qk__player_find(w, 3)].s.inv[5] = (qk_slot){p->dirt, 3}; break;
    case F_WEATHER:
        p->was = w->weather;
        w->weather = w->weather == QK_WEATHER_RAIN ? QK_WEATHER_SNOW : QK_WEATHER_RAIN;
        break;
    case F_TIME: w->daytime += 7; break;
    }
}

static qr_divergence planted(const qr_scenario *sc, plant *p)
{
    qr_bisect_opts o = {.after_step = after_step, .ud = p};
    qr_divergence d;
    qr_error err;
    CHECK_INT(qr_bisect_runs(sc, sc, &o, &d, &err), QR_OK);
    CHECK(d.found);
    CHECK_U64(d.tick, FAULT_TICK + 1);
    CHECK_U64(d.ticks_compared, sc->ticks);
    CHECK(d.descended);
    return d;
}

static void test_planted(const qr_scenario *sc)
{
    plant p = {.kind = F_LIGHT};
    CHECK(qr_pack_lookup(sc->pack, "dirt", &p.dirt));

    qr_divergence d = planted(sc, &p);
    CHECK_STR(d.subsystems, "light");
    CHECK(d.has_chunk && d.cx == 0 && d.cz == 1);
    CHECK(d.has_voxel && d.x == 5 && d.y == 20 && d.z == 19);
    CHECK_STR(d.field, "sky");
    CHECK_STR(d.value_a, "15");
    CHECK_STR(d.value_b, "14");
    CHECK(!d.has_player);
    /* at most the light digest of every later tick differs */
    CHECK(d.later_differences >= 1 && d.later_differences <= sc->ticks - FAULT_TICK - 2);
    char buf[1024], want[256];
    qr_divergence_render(&d, buf, sizeof buf);
    snprintf(want, sizeof want, "first divergence at tick 21 in light, chunk (0,1), voxel "
             "(5,20,19): sky 15 vs 14; %" PRIu64 " later differences follow from it\n",
             d.later_differences);
    CHECK(strncmp(buf, want, strlen(want)) == 0);

    p.kind = F_BLOCK;
    d = planted(sc, &p);
    CHECK_STR(d.subsystems, "blocks");
    CHECK(d.has_chunk && d.cx == 0 && d.cz == 0);
    CHECK(d.has_voxel && d.x == 3 && d.y == 2 && d.z == 3);
    CHECK_STR(d.field, "block");
    CHECK_STR(d.value_a, "stone");
    CHECK_STR(d.value_b, "dirt");

    p.kind = F_PLAYER;
    d = planted(sc, &p);
    CHECK_STR(d.subsystems, "entities");
    CHECK(!d.has_chunk && !d.has_voxel);
    CHECK(d.has_player && d.player == 2);
    CHECK_STR(d.field, "x");
    CHECK_INT(strtoll(d.value_b, NULL, 10) - strtoll(d.value_a, NULL, 10), 1);

    p.kind = F_SLOT;
    d = planted(sc, &p);
    CHECK_STR(d.subsystems, "inventory");
    CHECK(d.has_player && d.player == 3);
    CHECK_STR(d.field, "slot 5");
    CHECK_STR(d.value_a, "empty");
    CHECK_STR(d.value_b, "3 dirt");

    p.kind = F_WEATHER;
    d = planted(sc, &p);
    CHECK_STR(d.subsystems, "weather");
    CHECK_STR(d.field, "weather");
    CHECK_STR(d.value_a, qk_weather_name(p.was));
    CHECK_STR(d.value_b, qk_weather_name(p.was == QK_WEATHER_RAIN ? QK_WEATHER_SNOW
                                                                  : QK_WEATHER_RAIN));

    p.kind = F_TIME;
    d = planted(sc, &p);
    CHECK(strncmp(d.subsystems, "time", 4) == 0);
    CHECK_STR(d.field, "time");
    CHECK_INT(strtoll(d.value_b, NULL, 10) - strtoll(d.value_a, NULL, 10), 7);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = malloc(1 << 20);
    *len = f && buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    if (f)
        fclose(f);
    if (buf)
        buf[*len] = 0;
    return buf;
}

/* The torch scenario with its first place input moved one block south. */
static qr_scenario *moved_torch(void)
{
    size_t len;
    char *text = slurp(TORCH, &len);
    char *at = text ? strstr(text, "\"pos\":[-8,6,5]") : NULL;
    CHECK(at != NULL);
    if (!at) {
        free(text);
        return NULL;
    }
    at[12] = '6';
    qr_scenario *sc = NULL;
    qr_error err;
    CHECK_INT(qr_scenario_parse(&sc, TORCH, text, len, NULL, &err), QR_OK);
    if (!sc)
        qr_error_print(&err, stderr);
    free(text);
    return sc;
}

static void test_inputs_and_streams(const qr_scenario *sc)
{
    qr_divergence d;
    qr_error err;
    CHECK_INT(qr_bisect_runs(sc, sc, NULL, &d, &err), QR_OK);
    CHECK(!d.found);
    CHECK_U64(d.ticks_compared, sc->ticks);
    char buf[2048];
    qr_divergence_render(&d, buf, sizeof buf);
    CHECK_STR(buf, "no divergence in 80 ticks\n");

    qr_scenario *moved = moved_torch();
    if (!moved)
        return;
    CHECK_INT(qr_bisect_runs(sc, moved, NULL, &d, &err), QR_OK);
    CHECK(d.found && d.tick == 2);
    CHECK_STR(d.subsystems, "blocks,light");
    CHECK(d.has_voxel && d.x == -8 && d.y == 7 && d.z == 5);
    CHECK_STR(d.value_a, "torch");
    CHECK_STR(d.value_b, "air");
    CHECK(d.has_event && d.event_line == 1);
    CHECK(strstr(d.event_b, "\"z\":6") != NULL);
    qr_divergence_json(&d, buf, sizeof buf);
    CHECK(strncmp(buf, "{\"found\":true,\"tick\":2,\"subsystems\":[\"blocks\",\"light\"],"
                       "\"chunk\":[-1,0],\"voxel\":[-8,7,5],\"player\":null,\"field\":"
                       "\"block\",\"a\":\"torch\",\"b\":\"air\",\"event_line\":1,", 121) == 0);
    uint64_t later = d.later_differences;

    /* the same two runs as streams: same tick, subsystems and count */
    char pa[] = "/tmp/bisect_a.XXXXXX", pb[] = "/tmp/bisect_b.XXXXXX";
    const qr_scenario *scs[2] = {sc, moved};
    char *paths[2] = {pa, pb};
    for (int k = 0; k < 2; k++) {
        int fd = mkstemp(paths[k]);
        FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
        CHECK(f != NULL);
        if (!f)
            return;
        qr_run_opts ro = {.write = qr_write_stdio, .write_ud = f};
        qr_run_result res;
        CHECK_INT(qr_run(scs[k], &ro, &res, &err), QR_OK);
        qr_run_result_free(&res);
        fclose(f);
    }
    CHECK_INT(qr_bisect_streams(pa, pb, &d, &err), QR_OK);
    CHECK(d.found && d.tick == 2 && !d.descended && !d.has_chunk);
    CHECK_STR(d.subsystems, "blocks,light");
    CHECK_U64(d.later_differences, later);
    CHECK_U64(d.ticks_compared, 80);
    CHECK(d.has_event && strstr(d.event_a, "\"z\":5") && strstr(d.event_b, "\"z\":6"));
    CHECK_INT(qr_bisect_streams(pa, pa, &d, &err), QR_OK);
    CHECK(!d.found && d.ticks_compared == 80);

    /* bad input: a scenario is not a stream; a broken digest line */
    CHECK_INT(qr_bisect_streams(TORCH, pa, &d, &err), QR_ERR_INPUT);
    CHECK(err.line == 1 && err.col == 1 && strstr(err.file, "torch.jsonl"));
    FILE *f = fopen(pb, "wb");
    if (f) {
        fputs("{\"quarry\":\"events\",\"format\":1}\n"
              "{\"tick\":0,\"type\":\"digest\",\"blocks\":\"0123456789abcdef\"}\n", f);
        fclose(f);
    }
    CHECK_INT(qr_bisect_streams(pa, pb, &d, &err), QR_ERR_INPUT);
    CHECK_INT(err.line, 2);
    CHECK(strstr(err.msg, "\"entities\"") != NULL);
    CHECK_INT(qr_bisect_streams(pa, "/nonexistent/x", &d, &err), QR_ERR_IO);
    unlink(pa);
    unlink(pb);
    qr_scenario_free(moved);
}

static void test_render(void)
{
    qr_divergence d = {.found = true, .descended = true, .tick = 4213, .has_chunk = true,
                       .cx = 3, .cz = -2, .has_voxel = true, .x = 52, .y = 71, .z = -29,
                       .later_differences = 8412};
    strcpy(d.subsystems, "light");
    strcpy(d.field, "sky");
    strcpy(d.value_a, "15");
    strcpy(d.value_b, "14");
    char buf[512];
    size_t n = qr_divergence_render(&d, buf, sizeof buf);
    CHECK_STR(buf, "first divergence at tick 4,213 in light, chunk (3,-2), voxel (52,71,-29): "
                   "sky 15 vs 14; 8,412 later differences follow from it\n");
    CHECK_INT(n, strlen(buf));
    char small[10];
    CHECK_INT(qr_divergence_render(&d, small, sizeof small), n);
    CHECK_INT(strlen(small), 9);
    strcpy(d.field, "q\"x");
    n = qr_divergence_json(&d, buf, sizeof buf);
    CHECK(strstr(buf, "\"field\":\"q\\\"x\"") != NULL);
    CHECK_INT(n, strlen(buf));
    CHECK_INT(qr_divergence_json(&d, small, sizeof small), n);
}

int main(void)
{
    qr_scenario *sc = NULL;
    qr_error err;
    CHECK_INT(qr_scenario_load(&sc, TORCH, NULL, &err), QR_OK);
    if (sc) {
        test_planted(sc);
        test_inputs_and_streams(sc);
    }
    test_render();
    qr_scenario_free(sc);
    return qt_report();
}
