/*
 * test_scenario.c - the scenario reader without the kernel: defaults
 * (joins from the header, seq counters, kept yaw/pitch), ordering, light
 * expectations, and a sample of errors with positions.  The CLI tests cover the rest end to end.
 */
#include <string.h>

#include "../check.h"
#include "quarry/qr.h"

static qr_pack *pack;

#define HEAD "{\"quarry\":\"scenario\",\"format\":1,\"name\":\"t\",\"seed\":\"ffffffffffffffff\"," \
             "\"pack\":\"default\",\"ticks\":100,\"world\":{\"generator\":\"superflat\"," \
             "\"chunks\":{\"min\":[-1,-1],\"max\":[0,0]},\"layers\":[[\"bedrock\",1]," \
             "[\"grass\",3]]},\"players\":[{\"id\":9,\"spawn\":[-1,4,2],\"yaw\":100}," \
             "{\"id\":2,\"spawn\":[0,4,0],\"hotbar\":[null,\"glass\"]}]}\n"

static qr_status parse(const char *text, qr_scenario **sc, qr_error *e)
{
    qr_scenario_opts o = {NULL, pack};
    memset(e, 0, sizeof *e);
    return qr_scenario_parse(sc, "s.jsonl", text, strlen(text), &o, e);
}

static void bad(const char *text, unsigned line, unsigned col, const char *needle)
{
    qr_scenario *sc;
    qr_error e;
    CHECK_INT(parse(text, &sc, &e), QR_ERR_INPUT);
    CHECK(sc == NULL);
    CHECK_INT(e.line, line);
    CHECK_INT(e.col, col);
    CHECK(strstr(e.msg, needle) != NULL);
    if (e.line != line || e.col != col || !strstr(e.msg, needle))
        fprintf(stderr, "  got %u:%u: %s\n", e.line, e.col, e.msg);
}

int main(void)
{
    qr_error e;
    if (qr_pack_load(&pack, QUARRY_SOURCE_DIR "/packs/default.json", &e)) {
        qr_error_print(&e, stderr);
        return 1;
    }
    qr_scenario *sc;
    qr_status st = parse(HEAD
                         "{\"tick\":0,\"player\":9,\"op\":\"move\",\"keys\":[\"forward\",\"left\"]}\n"
                         "\n"
                         "{\"expect\":\"block\",\"tick\":50,\"pos\":[0,3,0],\"block\":\"grass\"}\n"
                         "{\"tick\":3,\"player\":9,\"op\":\"move\",\"pitch\":-5,\"seq\":77}\n"
                         "{\"tick\":3,\"player\":9,\"op\":\"jump\",\"clock\":4}\r\n"
                         "{\"expect\":\"player\",\"tick\":10,\"player\":2,\"block\":[0,4,0]}\n"
                         "{\"tick\":4,\"player\":2,\"op\":\"place\",\"pos\":[0,3,0],\"face\":\"up\"}\n",
                         &sc, &e);
    CHECK_INT(st, QR_OK);
    if (st) {
        qr_error_print(&e, stderr);
        return qt_report();
    }
    CHECK_STR(sc->name, "t");
    CHECK_U64(sc->seed, UINT64_MAX);
    CHECK_U64(sc->world.seed, UINT64_MAX);
    CHECK_INT(sc->ticks, 100);
    CHECK_INT(sc->world.cx_min, -1);
    CHECK_INT(sc->world.layer_count, 2);
    CHECK_INT(sc->world.layers[1].height, 3);
    CHECK_INT(sc->n_players, 2);
    CHECK_INT(sc->n_inputs, 6);
    /* joins first, in id order, seq 0 */
    CHECK_INT(sc->inputs[0].op, QK_OP_JOIN);
    CHECK_INT(sc->inputs[0].player, 2);
    CHECK_INT(sc->inputs[0].seq, 0);
    CHECK_INT(sc->inputs[0].u.join.inv[0].count, 0);
    CHECK_INT(sc->inputs[0].u.join.inv[2].count, 0);
    qk_block_id glass;
    qr_pack_lookup(pack, "glass", &glass);
    CHECK_INT(sc->inputs[0].u.join.inv[1].item, glass);
    CHECK_INT(sc->inputs[1].player, 9);
    CHECK_INT(sc->inputs[1].u.join.x, -1 * 4096 + 2048);
    CHECK_INT(sc->inputs[1].u.join.y, 4 * 4096);
    CHECK_INT(sc->inputs[1].u.join.z, 2 * 4096 + 2048);
    /* move: yaw kept from the join, seq counted per player */
    CHECK_INT(sc->inputs[2].u.move.dirs, QK_DIR_FORWARD | QK_DIR_LEFT);
    CHECK_INT(sc->inputs[2].u.move.yaw, 100);
    CHECK_INT(sc->inputs[2].seq, 1);
    CHECK_INT(sc->input_lines[2], 2);
    CHECK_INT(sc->inputs[3].u.move.yaw, 100);
    CHECK_INT(sc->inputs[3].u.move.pitch, -5);
    CHECK_INT(sc->inputs[3].seq, 77);
    CHECK_INT(sc->inputs[4].seq, 3);
    CHECK_INT(sc->inputs[4].clock, 4);
    CHECK_INT(sc->inputs[5].seq, 1);
    CHECK_INT(sc->inputs[5].u.place.face, QK_FACE_UP);
    /* expects sorted by tick */
    CHECK_INT(sc->n_expects, 2);
    CHECK_INT(sc->expects[0].tick, 10);
    CHECK_INT(sc->expects[0].line, 7);
    CHECK(sc->expects[0].has_feet && !sc->expects[0].has_fx);
    CHECK_INT(sc->expects[1].line, 4);
    qr_scenario_free(sc);

    /* light: either channel or both; levels kept per channel */
    st = parse(HEAD
               "{\"expect\":\"light\",\"tick\":12,\"pos\":[-1,3,2],\"block\":14,\"note\":\"torch\"}\n"
               "{\"expect\":\"light\",\"tick\":5,\"pos\":[0,4,0],\"sky\":15,\"block\":0}\n"
               "{\"expect\":\"light\",\"tick\":5,\"pos\":[99,4,-99],\"sky\":0}\n",
               &sc, &e);
    CHECK_INT(st, QR_OK);
    if (st == QR_OK) {
        CHECK_INT(sc->n_expects, 3);
        const qr_expect *x = &sc->expects[0]; /* tick 5, line 3 */
        CHECK_INT(x->kind, QR_EXPECT_LIGHT);
        CHECK_INT(x->line, 3);
        CHECK(x->has_sky && x->has_block_light);
        CHECK_INT(x->sky, 15);
        CHECK_INT(x->block_light, 0);
        x = &sc->expects[1]; /* outside the loaded chunks: the runner's business */
        CHECK(x->has_sky && !x->has_block_light);
        CHECK_INT(x->pos[0], 99);
        CHECK_INT(x->pos[2], -99);
        x = &sc->expects[2];
        CHECK_INT(x->tick, 12);
        CHECK(!x->has_sky && x->has_block_light);
        CHECK_INT(x->block_light, 14);
        CHECK_INT(x->pos[0], -1);
        CHECK_STR(x->note, "torch");
        qr_scenario_free(sc);
    } else {
        qr_error_print(&e, stderr);
    }
    bad(HEAD "{\"expect\":\"light\",\"tick\":1,\"pos\":[0,0,0],\"sky\":1,\"lvl\":3}\n", 2, 50,
        "unknown key \"lvl\" in an \"expect\":\"light\" line");
    bad(HEAD "{\"expect\":\"light\",\"tick\":1,\"pos\":[0,0,0],\"sky\":15,\"block\":16}\n", 2, 59,
        "\"block\" must be an integer from 0 to 15, got 16");
    bad(HEAD "{\"expect\":\"light\",\"tick\":1,\"pos\":[0,0,0],\"sky\":-1}\n", 2, 48,
        "\"sky\" must be an integer from 0 to 15, got -1");
    bad(HEAD "{\"expect\":\"light\",\"tick\":1,\"pos\":[0,0,0],\"block\":\"torch\"}\n", 2, 50,
        "\"block\" must be an integer from 0 to 15, got \"torch\" (a string)");
    bad(HEAD "{\"expect\":\"light\",\"tick\":1,\"pos\":[0,0,0],\"note\":\"no levels\"}\n", 2, 1,
        "needs at least one of \"sky\", \"block\"");
    bad(HEAD "{\"expect\":\"light\",\"tick\":1,\"pos\":[0,256,0],\"sky\":0}\n", 2, 37,
        "element 1 of \"pos\" must be an integer from 0 to 255");
    bad(HEAD "{\"expect\":\"light\",\"tick\":1,\"sky\":0}\n", 2, 1, "missing \"pos\"");
    bad(HEAD "{\"expect\":\"light\",\"tick\":100,\"pos\":[0,0,0],\"sky\":0}\n", 2, 26,
        "past the end");
    bad(HEAD "{\"expect\":\"lite\",\"tick\":1,\"pos\":[0,0,0],\"sky\":0}\n", 2, 11,
        "unknown expectation \"lite\" (expected one of block, player, event, light)");

    /* undo: a transaction id 1..2^63-1, keys as strict as every op's */
    st = parse(HEAD
               "{\"tick\":7,\"op\":\"undo\",\"player\":9,\"seq\":4,\"txn\":17}\n"
               "{\"tick\":8,\"op\":\"undo\",\"player\":2,\"txn\":9223372036854775807,"
               "\"clock\":3,\"note\":\"largest id\"}\n",
               &sc, &e);
    CHECK_INT(st, QR_OK);
    if (st == QR_OK) {
        CHECK_INT(sc->n_inputs, 4);
        const qk_input *u = &sc->inputs[2];
        CHECK_INT(u->op, QK_OP_UNDO);
        CHECK_INT(u->tick, 7);
        CHECK_INT(u->player, 9);
        CHECK_INT(u->seq, 4);
        CHECK_U64(u->u.undo.txn, 17);
        CHECK_INT(sc->input_lines[2], 2);
        u = &sc->inputs[3];
        CHECK_INT(u->player, 2);
        CHECK_INT(u->seq, 1); /* the player's first input line */
        CHECK_U64(u->clock, 3);
        CHECK_U64(u->u.undo.txn, UINT64_C(9223372036854775807));
        qr_scenario_free(sc);
    } else {
        qr_error_print(&e, stderr);
    }
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"undo\"}\n", 2, 1,
        "missing \"txn\" (an integer from 1 to 9223372036854775807)");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"undo\",\"txn\":0}\n", 2, 40,
        "\"txn\" must be an integer from 1 to 9223372036854775807, got 0");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"undo\",\"txn\":-5}\n", 2, 40,
        "\"txn\" must be an integer from 1 to 9223372036854775807, got -5");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"undo\",\"txn\":\"17\"}\n", 2, 40,
        "got \"17\" (a string)");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"undo\",\"txn\":1.5}\n", 2, 40,
        "(a number with a fraction)");
    /* beyond 2^63 - 1 jansson refuses the line: a syntax error with a column */
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"undo\",\"txn\":18446744073709551615}\n", 2, 59,
        "too big integer near '18446744073709551615' (integers in a scenario are at most "
        "9223372036854775807)");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"undo\",\"txn\":3,\"pos\":[0,0,0]}\n", 2, 42,
        "unknown key \"pos\" in a \"undo\" input line (expected one of tick, player, op, seq, "
        "clock, note, txn)");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"jump\",\"txn\":3}\n", 2, 34,
        "unknown key \"txn\" in a \"jump\" input line");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"undo\",\"txn\":3,\"seq\":4294967296}\n", 2,
        48, "\"seq\" must be an integer from 0 to 4294967295");

    bad("", 1, 1, "empty file");
    bad("\n\n", 2, 1, "only blank lines");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"jmp\"}\n", 2, 27,
        "unknown op \"jmp\" (expected one of join, move, jump, place, break, select, undo)");
    bad(HEAD "{\"tick\":5,\"player\":9,\"op\":\"jump\"}\n{\"tick\":4,\"player\":9,\"op\":\"jump\"}\n",
        3, 9, "tick 4 goes backwards: line 2 is already at tick 5");
    bad(HEAD "{\"tick\":100,\"player\":9,\"op\":\"jump\"}\n", 2, 9, "past the end");
    bad(HEAD "{\"tick\":1,\"player\":3,\"op\":\"jump\"}\n", 2, 20, "unknown player 3");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"jump\",\"sneak\":true}\n", 2, 34,
        "unknown key \"sneak\"");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"break\",\"pos\":[1,256,1]}\n", 2, 44,
        "element 1 of \"pos\" must be an integer from 0 to 255");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"break\",\"pos\":[30000001,1,1]}\n", 2, 42,
        "from -30000000 to 30000000");
    bad(HEAD "{\"expect\":\"block\",\"tick\":1,\"pos\":[0,0,0],\"block\":\"stoen\"}\n", 2, 50,
        "unknown block \"stoen\"");
    bad(HEAD "{\"expect\":\"event\",\"tick\":1,\"match\":{\"type\":\"reject\",\"reasn\":\"x\"}}\n",
        2, 53, "\"reasn\" is not a key of reject events");
    bad(HEAD "{\"tick\":1,\"player\":9,\"op\":\"jump\"\n", 2, 32, "'}' expected");
    bad("{\"quarry\":\"scenario\",\"format\":1,\"name\":\"t\",\"seed\":1,\"pack\":\"default\"}\n",
        1, 1, "missing \"ticks\"");
    bad("{\"quarry\":\"scenario\",\"format\":1,\"name\":\"t\",\"seed\":1,\"pack\":\"default\","
        "\"ticks\":9,\"world\":{\"generator\":\"superflat\",\"chunks\":{\"min\":[0,0],"
        "\"max\":[64,64]},\"layers\":[]}}\n", 1, 122, "at most 4096");
    bad(HEAD "{\"tick\":1,\x01\"player\":9}\n", 2, 11, "control byte");
    bad(HEAD "{\"tick\":1,\"n\":\"\xff\"}\n", 2, 16, "invalid UTF-8");
    qr_pack_free(pack);
    return qt_report();
}
