/*
 * test_translate.c - the metamorphic translation check (translate.c).
 *
 * A superflat scenario moved by (3, -2) chunks: the rectangle, every input
 * position, spawn and expect line move by exactly 48 / -32 blocks (spawns
 * in fixed point), and the two runs tell the same story modulo the move.
 * Then a planted fault: the moved copy with one input left where it was
 * must be reported as a divergence.  Last, what cannot be moved: the
 * terrain generator is refused, a "falls" sky expectation and an untyped
 * coordinate match are left out and counted.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "quarry/qr.h"

#define DX 3
#define DZ (-2)
#define BX (DX * 16)
#define BZ (DZ * 16)
#define FX_X ((qk_fx)BX * QK_FX_ONE)
#define FX_Z ((qk_fx)BZ * QK_FX_ONE)

static qr_scenario *load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/scenarios/%s", QUARRY_SOURCE_DIR, name);
    qr_scenario *sc = NULL;
    qr_error err;
    if (qr_scenario_load(&sc, path, NULL, &err)) {
        qr_error_print(&err, stderr);
        return NULL;
    }
    return sc;
}

static void check_inputs_moved(const qr_scenario *a, const qr_scenario *b)
{
    CHECK_INT(a->n_inputs, b->n_inputs);
    size_t joins = 0, places = 0, breaks = 0, tables = 0;
    for (size_t i = 0; i < a->n_inputs && i < b->n_inputs; i++) {
        const qk_input *x = &a->inputs[i], *y = &b->inputs[i];
        CHECK_INT(x->op, y->op);
        CHECK_INT(x->tick, y->tick);
        switch (x->op) {
        case QK_OP_JOIN:
            joins++;
            CHECK_INT(y->u.join.x, x->u.join.x + FX_X);
            CHECK_INT(y->u.join.y, x->u.join.y);
            CHECK_INT(y->u.join.z, x->u.join.z + FX_Z);
            break;
        case QK_OP_PLACE:
            places++;
            CHECK_INT(y->u.place.x, x->u.place.x + BX);
            CHECK_INT(y->u.place.y, x->u.place.y);
            CHECK_INT(y->u.place.z, x->u.place.z + BZ);
            break;
        case QK_OP_BREAK:
            breaks++;
            CHECK_INT(y->u.brk.x, x->u.brk.x + BX);
            CHECK_INT(y->u.brk.z, x->u.brk.z + BZ);
            break;
        case QK_OP_CRAFT:
            if (x->u.craft.has_table) {
                tables++;
                CHECK_INT(y->u.craft.x, x->u.craft.x + BX);
                CHECK_INT(y->u.craft.z, x->u.craft.z + BZ);
            }
            break;
        default:
            CHECK(memcmp(x, y, sizeof *x) == 0);
        }
    }
    CHECK(joins > 0);
    CHECK(places + breaks + tables > 0);
}

static void check_expects_moved(const qr_scenario *a, const qr_scenario *b)
{
    CHECK_INT(a->n_expects, b->n_expects);
    for (size_t i = 0; i < a->n_expects && i < b->n_expects; i++) {
        const qr_expect *x = &a->expects[i], *y = &b->expects[i];
        CHECK_INT(x->line, y->line);
        if (x->kind == QR_EXPECT_BLOCK || x->kind == QR_EXPECT_LIGHT) {
            CHECK_INT(y->pos[0], x->pos[0] + BX);
            CHECK_INT(y->pos[1], x->pos[1]);
            CHECK_INT(y->pos[2], x->pos[2] + BZ);
        } else if (x->kind == QR_EXPECT_PLAYER && x->has_feet) {
            CHECK_INT(y->feet[0], x->feet[0] + BX);
            CHECK_INT(y->feet[2], x->feet[2] + BZ);
        }
    }
}

/* build_and_break: moved inputs and expects, equal streams modulo the move,
 * then the planted fault. */
static void test_superflat(void)
{
    qr_scenario *sc = load("build_and_break.jsonl"), *mv = NULL;
    CHECK(sc != NULL);
    if (!sc)
        return;
    qr_translate_notes notes;
    qr_error err;
    CHECK_INT(qr_scenario_translate(sc, DX, DZ, &mv, &notes, &err), QR_OK);
    if (!mv) {
        qr_scenario_free(sc);
        return;
    }
    CHECK_INT(mv->world.cx_min, sc->world.cx_min + DX);
    CHECK_INT(mv->world.cx_max, sc->world.cx_max + DX);
    CHECK_INT(mv->world.cz_min, sc->world.cz_min + DZ);
    CHECK_INT(mv->world.cz_max, sc->world.cz_max + DZ);
    CHECK(strcmp(mv->name, sc->name) == 0);
    CHECK_INT(notes.falls + notes.untyped, 0);
    check_inputs_moved(sc, mv);
    check_expects_moved(sc, mv);

    qr_diff d;
    qr_run_result res;
    CHECK_INT(qr_translate_compare(sc, mv, DX, DZ, 1, &d, &res, &err), QR_OK);
    CHECK_INT(d.kind, QR_DIFF_SAME);
    CHECK(res.ticks == sc->ticks);
    CHECK(res.events > 0);
    CHECK_INT(res.n_failed, 0);
    CHECK_INT(res.n_passed, mv->n_expects);
    qr_run_result_free(&res);

    /* The same with light workers: the pool never reaches the output. */
    CHECK_INT(qr_translate_compare(sc, mv, DX, DZ, 3, &d, &res, &err), QR_OK);
    CHECK_INT(d.kind, QR_DIFF_SAME);
    qr_run_result_free(&res);

    /* Planted: the first place input left untranslated. */
    size_t k = 0;
    while (k < mv->n_inputs && mv->inputs[k].op != QK_OP_PLACE)
        k++;
    CHECK(k < mv->n_inputs);
    if (k < mv->n_inputs) {
        mv->inputs[k].u.place.x -= BX;
        mv->inputs[k].u.place.z -= BZ;
        CHECK_INT(qr_translate_compare(sc, mv, DX, DZ, 1, &d, &res, &err), QR_OK);
        CHECK(d.kind != QR_DIFF_SAME);
        CHECK(d.has_tick);
        CHECK_INT(d.tick, mv->inputs[k].tick);
        char s[2048];
        qr_diff_summary(&d, "original moved", "translated run", s, sizeof s);
        CHECK(strstr(s, "original moved") != NULL);
        qr_run_result_free(&res);
    }
    qr_scenario_free(mv);
    qr_scenario_free(sc);
}

/* What cannot be moved is refused or left out, never a crash. */
static void test_refusals(void)
{
    qr_scenario *sc = load("terrain_caves.jsonl"), *mv = (qr_scenario *)1;
    qr_error err;
    CHECK(sc != NULL);
    if (sc) {
        CHECK_INT(qr_scenario_translate(sc, DX, DZ, &mv, NULL, &err), QR_ERR_INPUT);
        CHECK(mv == NULL);
        CHECK(strstr(err.msg, "terrain") != NULL);
        qr_scenario_free(sc);
    }
    /* A move past the edge of the world. */
    sc = load("walk_superflat.jsonl");
    CHECK(sc != NULL);
    if (sc) {
        CHECK_INT(qr_scenario_translate(sc, QK_COORD_LIMIT / 16, 0, &mv, NULL, &err),
                  QR_ERR_INPUT);
        CHECK(mv == NULL);
        qr_scenario_free(sc);
    }
    /* "falls" and an untyped coordinate match: left out and counted. */
    char pack_dir[1024];
    snprintf(pack_dir, sizeof pack_dir, "%s/packs", QUARRY_SOURCE_DIR);
    const char *text =
        "{\"quarry\":\"scenario\",\"format\":1,\"name\":\"mv\",\"seed\":1,\"pack\":\"default\","
        "\"ticks\":4,\"world\":{\"generator\":\"superflat\",\"chunks\":{\"min\":[-1,-1],"
        "\"max\":[0,0]},\"layers\":[[\"stone\",4]]},\"players\":[{\"id\":1,\"name\":\"a\","
        "\"spawn\":[0,4,0],\"hotbar\":[\"stone\"]}]}\n"
        "{\"tick\":1,\"player\":1,\"op\":\"place\",\"pos\":[1,3,1],\"face\":\"up\"}\n"
        "{\"expect\":\"sky\",\"tick\":2,\"at\":[0,0],\"falls\":\"clear\"}\n"
        "{\"expect\":\"sky\",\"tick\":2,\"weather\":\"clear\",\"at\":[0,0],\"falls\":\"clear\"}\n"
        "{\"expect\":\"event\",\"tick\":1,\"match\":{\"x\":1}}\n"
        "{\"expect\":\"event\",\"tick\":1,\"match\":{\"type\":\"block\",\"x\":1,\"z\":1}}\n";
    qr_scenario_opts so = {pack_dir, NULL};
    sc = NULL;
    CHECK_INT(qr_scenario_parse(&sc, "mem.jsonl", text, strlen(text), &so, &err), QR_OK);
    if (!sc) {
        qr_error_print(&err, stderr);
        return;
    }
    qr_translate_notes notes;
    CHECK_INT(qr_scenario_translate(sc, -1, 5, &mv, &notes, &err), QR_OK);
    if (mv) {
        CHECK_INT(notes.falls, 2);
        CHECK_INT(notes.untyped, 1);
        CHECK_INT(mv->n_expects, 2); /* the weather part and the typed match */
        int typed = 0;
        for (size_t i = 0; i < mv->n_expects; i++) {
            if (mv->expects[i].kind == QR_EXPECT_SKY)
                CHECK(!mv->expects[i].has_falls && mv->expects[i].has_weather);
            if (mv->expects[i].kind == QR_EXPECT_EVENT) {
                typed++;
                CHECK(strstr(mv->expects[i].match, "\"x\":-15") != NULL);
                CHECK(strstr(mv->expects[i].match, "\"z\":81") != NULL);
            }
        }
        CHECK_INT(typed, 1);
        qr_diff d;
        qr_run_result res;
        CHECK_INT(qr_translate_compare(sc, mv, -1, 5, 1, &d, &res, &err), QR_OK);
        CHECK_INT(d.kind, QR_DIFF_SAME);
        CHECK_INT(res.n_failed, 0);
        qr_run_result_free(&res);
        qr_scenario_free(mv);
    }
    qr_scenario_free(sc);
}

int main(void)
{
    test_superflat();
    test_refusals();
    return qt_report();
}
