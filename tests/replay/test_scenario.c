/*
 * test_scenario.c - the scenario reader without the kernel: defaults
 * (joins from the header, seq counters, kept yaw/pitch), ordering, light
 * expectations, time/weather/inventory headers, the inventory, craft and
 * admin ops, sky and inventory expectations, and errors with positions
 * for each kind of mistake.  The CLI tests cover the rest end to end.
 */
#include <string.h>

#include "../check.h"
#include "item_pack.h"
#include "quarry/qr.h"

static qr_pack *pack;
static const qr_pack *use; /* the pack parse() hands the scenario: pack or items */

#define HEAD "{\"quarry\":\"scenario\",\"format\":1,\"name\":\"t\",\"seed\":\"ffffffffffffffff\"," \
             "\"pack\":\"default\",\"ticks\":100,\"world\":{\"generator\":\"superflat\"," \
             "\"chunks\":{\"min\":[-1,-1],\"max\":[0,0]},\"layers\":[[\"bedrock\",1]," \
             "[\"grass\",3]]},\"players\":[{\"id\":9,\"spawn\":[-1,4,2],\"yaw\":100}," \
             "{\"id\":2,\"spawn\":[0,4,0],\"hotbar\":[null,\"glass\"]}]}\n"

static qr_status parse(const char *text, qr_scenario **sc, qr_error *e)
{
    qr_scenario_opts o = {NULL, use};
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

/* Like bad(), with the column of `at` (the first occurrence after the
 * start of line `line`) instead of a number: the error must point there. */
static void bad_at(const char *text, unsigned line, const char *at, const char *needle)
{
    const char *l = text;
    for (unsigned i = 1; i < line && l; i++) {
        l = strchr(l, '\n');
        l = l ? l + 1 : NULL;
    }
    const char *hit = l ? strstr(l, at) : NULL;
    CHECK(hit != NULL);
    if (!hit) {
        fprintf(stderr, "  \"%s\" is not on line %u\n", at, line);
        return;
    }
    bad(text, line, (unsigned)(hit - l) + 1, needle);
}

/* A header of the items pack: world keys after the layers, then players. */
static const char *headi(const char *world_extra, const char *players)
{
    static char buf[8192];
    snprintf(buf, sizeof buf,
             "{\"quarry\":\"scenario\",\"format\":1,\"name\":\"t\",\"seed\":1,\"pack\":\"items\","
             "\"ticks\":100,\"world\":{\"generator\":\"superflat\",\"chunks\":{\"min\":[0,0],"
             "\"max\":[0,0]},\"layers\":[[\"bedrock\",1],[\"dirt\",3]]%s},\"players\":[%s]}\n",
             world_extra, players);
    return buf;
}

/* headi() with players 1 and 9 and then `lines`. */
static const char *with(const char *lines)
{
    static char buf[16384];
    snprintf(buf, sizeof buf, "%s%s",
             headi("", "{\"id\":1,\"spawn\":[0,4,0]},{\"id\":9,\"spawn\":[1,4,1]}"), lines);
    return buf;
}

static void world_and_players(void)
{
    qr_scenario *sc;
    qr_error e;
    /* defaults: a 1440-tick day starting at noon, clear, snow line 96 */
    qr_status st = parse(headi("", ""), &sc, &e);
    CHECK_INT(st, QR_OK);
    if (!st) {
        CHECK_INT(sc->world.day_length, 1440);
        CHECK_INT(sc->world.start_time, 720);
        CHECK_INT(sc->world.weather, QK_WEATHER_CLEAR);
        CHECK_INT(sc->world.snow_line, 96);
        qr_scenario_free(sc);
    }
    /* a day_length alone starts at its noon */
    st = parse(headi(",\"day_length\":25", ""), &sc, &e);
    CHECK_INT(st, QR_OK);
    if (!st) {
        CHECK_INT(sc->world.day_length, 25);
        CHECK_INT(sc->world.start_time, 12);
        qr_scenario_free(sc);
    }
    st = parse(headi(",\"day_length\":2000,\"start_time\":0,\"weather\":\"thunder\","
                     "\"snow_line\":64", ""), &sc, &e);
    CHECK_INT(st, QR_OK);
    if (!st) {
        CHECK_INT(sc->world.day_length, 2000);
        CHECK_INT(sc->world.start_time, 0); /* midnight, said explicitly */
        CHECK_INT(sc->world.weather, QK_WEATHER_THUNDER);
        CHECK_INT(sc->world.snow_line, 64);
        qr_scenario_free(sc);
    }
    static const char *const wnames[] = {"clear", "rain", "snow", "thunder"};
    for (int w = 0; w < 4; w++) {
        char x[48];
        snprintf(x, sizeof x, ",\"weather\":\"%s\"", wnames[w]);
        st = parse(headi(x, ""), &sc, &e);
        CHECK_INT(st, QR_OK);
        if (!st) {
            CHECK_INT(sc->world.weather, w);
            qr_scenario_free(sc);
        }
    }
    bad_at(headi(",\"day_length\":23", ""), 1, "23}",
           "\"day_length\" must be an integer from 24 to 1440000, got 23");
    bad_at(headi(",\"day_length\":1440001", ""), 1, "1440001",
           "\"day_length\" must be an integer from 24 to 1440000, got 1440001");
    bad_at(headi(",\"start_time\":1440", ""), 1, "1440}",
           "\"start_time\" must be an integer from 0 to 1439, got 1440");
    bad_at(headi(",\"day_length\":24,\"start_time\":24", ""), 1, "24}",
           "\"start_time\" must be an integer from 0 to 23, got 24");
    bad_at(headi(",\"start_time\":-1", ""), 1, "-1", "from 0 to 1439, got -1");
    bad_at(headi(",\"weather\":\"hail\"", ""), 1, "\"hail\"",
           "unknown weather \"hail\" (expected one of clear, rain, snow, thunder)");
    bad_at(headi(",\"weather\":3", ""), 1, "3}", "\"weather\" must be a string");
    bad_at(headi(",\"snow_line\":0", ""), 1, "0}",
           "\"snow_line\" must be an integer from 1 to 255, got 0");
    bad_at(headi(",\"snow_line\":256", ""), 1, "256",
           "\"snow_line\" must be an integer from 1 to 255, got 256");
    bad_at(headi(",\"daylength\":100", ""), 1, "\"daylength\"",
           "unknown key \"daylength\" in \"world\"");

    /* inventories: null, a name (a full stack of it), {"item","count"} */
    char inv[1024] = "";
    for (int i = 0; i < QK_INV_SLOTS; i++)
        snprintf(inv + strlen(inv), sizeof inv - strlen(inv), "%s%s", i ? "," : "",
                 i == 0 ? "null" : i == 1 ? "\"stick\"" : i == 2 ? "{\"item\":\"snowball\",\"count\":3}"
                 : i == 3 ? "\"shovel\"" : i == 4 ? "\"snowball\"" : i == 35 ? "\"oak_planks\""
                 : "null");
    char pl[4096];
    snprintf(pl, sizeof pl, "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[%s],\"mode\":\"creative\"},"
             "{\"id\":4,\"spawn\":[0,4,0],\"hotbar\":[\"torch\",null,\"crafting_table\"],"
             "\"mode\":\"survival\"},{\"id\":5,\"spawn\":[0,4,0]}", inv);
    st = parse(headi("", pl), &sc, &e);
    CHECK_INT(st, QR_OK);
    if (!st) {
        CHECK_INT(sc->n_inputs, 3);
        const qk_input *j = &sc->inputs[0];
        CHECK_INT(j->player, 3);
        CHECK_INT(j->u.join.mode, QK_MODE_CREATIVE);
        CHECK_INT(j->u.join.inv[0].count, 0);
        CHECK_INT(j->u.join.inv[0].item, QK_BLOCK_AIR);
        CHECK_INT(j->u.join.inv[1].item, IP_STICK);
        CHECK_INT(j->u.join.inv[1].count, 64);  /* max_stack 0 means 64 */
        CHECK_INT(j->u.join.inv[2].item, IP_SNOWBALL);
        CHECK_INT(j->u.join.inv[2].count, 3);
        CHECK_INT(j->u.join.inv[3].item, IP_SHOVEL);
        CHECK_INT(j->u.join.inv[3].count, 1);   /* the item's own max stack */
        CHECK_INT(j->u.join.inv[4].count, 16);
        CHECK_INT(j->u.join.inv[35].item, IP_PLANKS);
        CHECK_INT(j->u.join.inv[35].count, 64);
        j = &sc->inputs[1];
        CHECK_INT(j->u.join.mode, QK_MODE_SURVIVAL);
        CHECK_INT(j->u.join.inv[0].item, IP_TORCH);
        CHECK_INT(j->u.join.inv[0].count, 64);
        CHECK_INT(j->u.join.inv[1].count, 0);
        CHECK_INT(j->u.join.inv[2].item, IP_TABLE);
        CHECK_INT(j->u.join.inv[9].count, 0);
        j = &sc->inputs[2];
        CHECK_INT(j->u.join.mode, QK_MODE_SURVIVAL); /* the default */
        for (int i = 0; i < QK_INV_SLOTS; i++)
            CHECK_INT(j->u.join.inv[i].count, 0);
        qr_scenario_free(sc);
    } else {
        qr_error_print(&e, stderr);
    }
    /* a join line repeats the header's inventory and mode */
    snprintf(pl, sizeof pl, "%s{\"tick\":2,\"player\":3,\"op\":\"join\"}\n",
             headi("", "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[null,{\"item\":\"stick\","
                       "\"count\":5}],\"mode\":\"creative\"}"));
    st = parse(pl, &sc, &e);
    CHECK_INT(st, QR_OK);
    if (!st) {
        CHECK_INT(sc->inputs[1].op, QK_OP_JOIN);
        CHECK_INT(sc->inputs[1].u.join.inv[1].count, 5);
        CHECK_INT(sc->inputs[1].u.join.mode, QK_MODE_CREATIVE);
        qr_scenario_free(sc);
    }

    /* both lists: the error is at whichever key comes second */
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"hotbar\":[],\"inventory\":[]}"), 1,
           "\"inventory\"", "\"hotbar\" and \"inventory\" together: give either");
    bad_at(headi("", "{\"id\":3,\"inventory\":[],\"spawn\":[0,4,0],\"hotbar\":[]}"), 1,
           "\"hotbar\"", "\"inventory\" and \"hotbar\" together: give either");
    snprintf(inv, sizeof inv, "null");
    for (int i = 1; i <= QK_INV_SLOTS; i++)
        snprintf(inv + strlen(inv), sizeof inv - strlen(inv), ",null");
    snprintf(pl, sizeof pl, "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[%s]}", inv);
    bad_at(headi("", pl), 1, "[null,null",
           "\"inventory\" must be an array of at most 36 slots");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"hotbar\":[null,null,null,null,null,null,"
                     "null,null,null,null]}"), 1, "[null",
           "\"hotbar\" must be an array of at most 9 slots");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"hotbar\":{}}"), 1, "{}",
           "\"hotbar\" must be an array of at most 9 slots");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[null,\"stik\"]}"), 1,
           "\"stik\"", "unknown item \"stik\" (not in pack \"items\")");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"hotbar\":[\"air\"]}"), 1, "\"air\"",
           "air is not an item (write null for an empty slot)");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[{\"item\":\"shovel\","
                     "\"count\":2}]}"), 1, "2}]", "\"count\" must be an integer from 1 to 1, got 2");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[{\"item\":\"stick\","
                     "\"count\":0}]}"), 1, "0}]", "\"count\" must be an integer from 1 to 64, got 0");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[{\"item\":\"snowball\","
                     "\"count\":17}]}"), 1, "17}", "from 1 to 16, got 17");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[{\"item\":\"stick\"}]}"), 1,
           "{\"item\":\"stick\"}", "missing \"count\"");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[{\"count\":3}]}"), 1,
           "{\"count\"", "missing \"item\"");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[{\"item\":\"stick\",\"count\":1,"
                     "\"n\":1}]}"), 1, "\"n\"", "unknown key \"n\" in a slot");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[{\"item\":\"stck\",\"count\":1}]}"),
           1, "\"stck\"", "unknown item \"stck\"");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"inventory\":[null,5]}"), 1, "5]",
           "a slot must be null, an item name or {\"item\": name, \"count\": n}, got an integer");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"mode\":\"adventure\"}"), 1, "\"adventure\"",
           "unknown mode \"adventure\" (expected survival or creative)");
    bad_at(headi("", "{\"id\":3,\"spawn\":[0,4,0],\"mod\":\"creative\"}"), 1, "\"mod\"",
           "unknown key \"mod\" in player");
}

static void inventory_ops(void)
{
    qr_scenario *sc;
    qr_error e;
    qr_status st = parse(with(
        "{\"tick\":1,\"player\":1,\"op\":\"inv_move\",\"from\":0,\"to\":35}\n"
        "{\"tick\":1,\"player\":1,\"op\":\"inv_move\",\"from\":35,\"to\":0,\"count\":64}\n"
        "{\"tick\":2,\"player\":1,\"op\":\"inv_split\",\"from\":4}\n"
        "{\"tick\":2,\"player\":1,\"op\":\"inv_split\",\"from\":4,\"to\":9}\n"
        "{\"tick\":3,\"player\":9,\"op\":\"inv_merge\",\"from\":9,\"to\":4}\n"
        "{\"tick\":3,\"player\":9,\"op\":\"inv_swap\",\"from\":8,\"to\":27}\n"
        "{\"tick\":4,\"player\":9,\"op\":\"inv_drop\",\"from\":2}\n"
        "{\"tick\":4,\"player\":9,\"op\":\"inv_drop\",\"from\":2,\"count\":1,\"seq\":50}\n"), &sc, &e);
    CHECK_INT(st, QR_OK);
    if (st) {
        qr_error_print(&e, stderr);
        return;
    }
    CHECK_INT(sc->n_inputs, 10);
    const qk_input *in = &sc->inputs[2];
    CHECK_INT(in->op, QK_OP_INV_MOVE);
    CHECK_INT(in->u.inv.from, 0);
    CHECK_INT(in->u.inv.to, 35);
    CHECK_INT(in->u.inv.count, 0); /* all */
    CHECK_INT(in->seq, 1);
    in = &sc->inputs[3];
    CHECK_INT(in->u.inv.count, 64);
    CHECK_INT(in->seq, 2);
    in = &sc->inputs[4];
    CHECK_INT(in->op, QK_OP_INV_SPLIT);
    CHECK_INT(in->u.inv.from, 4);
    CHECK_INT(in->u.inv.to, QK_SLOT_NONE); /* any empty slot */
    CHECK_INT(sc->inputs[5].u.inv.to, 9);
    in = &sc->inputs[6];
    CHECK_INT(in->op, QK_OP_INV_MERGE);
    CHECK_INT(in->player, 9);
    CHECK_INT(in->u.inv.from, 9);
    CHECK_INT(in->u.inv.to, 4);
    in = &sc->inputs[7];
    CHECK_INT(in->op, QK_OP_INV_SWAP);
    CHECK_INT(in->u.inv.from, 8);
    CHECK_INT(in->u.inv.to, 27);
    in = &sc->inputs[8];
    CHECK_INT(in->op, QK_OP_INV_DROP);
    CHECK_INT(in->u.inv.from, 2);
    CHECK_INT(in->u.inv.count, 0);
    CHECK_INT(sc->inputs[9].u.inv.count, 1);
    CHECK_INT(sc->inputs[9].seq, 50);
    qr_scenario_free(sc);

    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"inv_move\",\"from\":36,\"to\":0}\n"), 2, "36",
           "\"from\" must be an integer from 0 to 35, got 36");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"inv_swap\",\"from\":3,\"to\":-1}\n"), 2, "-1",
           "\"to\" must be an integer from 0 to 35, got -1");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"inv_split\",\"from\":3,\"to\":99}\n"), 2, "99",
           "\"to\" must be an integer from 0 to 35, got 99");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"inv_move\",\"from\":1,\"to\":0,\"count\":0}\n"),
           2, "0}", "\"count\" must be an integer from 1 to 64, got 0");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"inv_drop\",\"from\":1,\"count\":65}\n"), 2,
           "65", "\"count\" must be an integer from 1 to 64, got 65");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"inv_drop\",\"from\":\"a\"}\n"), 2, "\"a\"",
           "\"from\" must be an integer from 0 to 35, got \"a\" (a string)");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"inv_merge\",\"from\":1}\n"), 2, "{",
           "missing \"to\" (an integer from 0 to 35)");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"inv_swap\",\"to\":1}\n"), 2, "{",
           "missing \"from\"");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"inv_split\",\"from\":1,\"count\":2}\n"), 2,
           "\"count\"", "unknown key \"count\" in a \"inv_split\" input line (expected one of "
           "tick, player, op, seq, clock, note, from, to)");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"inv_drop\",\"from\":1,\"to\":2}\n"), 2,
           "\"to\"", "unknown key \"to\" in a \"inv_drop\" input line");
    bad_at(with("{\"tick\":1,\"op\":\"inv_drop\",\"from\":1}\n"), 2, "{",
           "missing \"player\"");
}

static void craft_and_admin(void)
{
    qr_scenario *sc;
    qr_error e;
    qr_status st = parse(with(
        "{\"tick\":1,\"player\":1,\"op\":\"craft\",\"grid\":[[0,null],[0,null]]}\n"
        "{\"tick\":2,\"player\":1,\"op\":\"craft\",\"grid\":[[null,1,null],[null,2,null],"
        "[35,2,null]],\"table\":[3,4,-5]}\n"
        "{\"tick\":3,\"op\":\"set_time\",\"time\":0}\n"
        "{\"tick\":3,\"op\":\"weather\",\"state\":\"thunder\",\"duration\":200}\n"
        "{\"tick\":4,\"player\":9,\"op\":\"set_time\",\"time\":1439,\"note\":\"a player may\"}\n"
        "{\"tick\":5,\"player\":0,\"op\":\"weather\",\"state\":\"clear\"}\n"), &sc, &e);
    CHECK_INT(st, QR_OK);
    if (st) {
        qr_error_print(&e, stderr);
        return;
    }
    CHECK_INT(sc->n_inputs, 8);
    const qk_input *in = &sc->inputs[2];
    CHECK_INT(in->op, QK_OP_CRAFT);
    CHECK_INT(in->u.craft.size, 2);
    CHECK_INT(in->u.craft.grid[0], 0);
    CHECK_INT(in->u.craft.grid[1], QK_SLOT_NONE);
    CHECK_INT(in->u.craft.grid[2], 0);
    CHECK_INT(in->u.craft.grid[3], QK_SLOT_NONE);
    for (int k = 4; k < QK_CRAFT_CELLS; k++)
        CHECK_INT(in->u.craft.grid[k], QK_SLOT_NONE);
    CHECK(!in->u.craft.has_table);
    in = &sc->inputs[3];
    CHECK_INT(in->u.craft.size, 3);
    static const uint8_t g3[9] = {QK_SLOT_NONE, 1, QK_SLOT_NONE, QK_SLOT_NONE, 2,
                                  QK_SLOT_NONE, 35, 2, QK_SLOT_NONE};
    for (int k = 0; k < QK_CRAFT_CELLS; k++)
        CHECK_INT(in->u.craft.grid[k], g3[k]);
    CHECK(in->u.craft.has_table);
    CHECK_INT(in->u.craft.x, 3);
    CHECK_INT(in->u.craft.y, 4);
    CHECK_INT(in->u.craft.z, -5);
    /* admin ops without "player" come from the host, player 0, with its
     * own seq counter */
    in = &sc->inputs[4];
    CHECK_INT(in->op, QK_OP_SET_TIME);
    CHECK_INT(in->player, 0);
    CHECK_INT(in->seq, 1);
    CHECK_INT(in->u.set_time.time, 0);
    in = &sc->inputs[5];
    CHECK_INT(in->op, QK_OP_WEATHER);
    CHECK_INT(in->player, 0);
    CHECK_INT(in->seq, 2);
    CHECK_INT(in->u.weather.state, QK_WEATHER_THUNDER);
    CHECK_INT(in->u.weather.duration, 200);
    in = &sc->inputs[6];
    CHECK_INT(in->player, 9);
    CHECK_INT(in->seq, 1);
    CHECK_INT(in->u.set_time.time, 1439);
    in = &sc->inputs[7];
    CHECK_INT(in->player, 0);
    CHECK_INT(in->seq, 3);
    CHECK_INT(in->u.weather.state, QK_WEATHER_CLEAR);
    CHECK_INT(in->u.weather.duration, 0); /* drawn by the schedule */
    qr_scenario_free(sc);

    /* set_time is bounded by the header's day length */
    static char t[16384];
    snprintf(t, sizeof t, "%s{\"tick\":1,\"op\":\"set_time\",\"time\":23}\n",
             headi(",\"day_length\":24", ""));
    st = parse(t, &sc, &e);
    CHECK_INT(st, QR_OK);
    if (!st)
        qr_scenario_free(sc);
    snprintf(t, sizeof t, "%s{\"tick\":1,\"op\":\"set_time\",\"time\":24}\n",
             headi(",\"day_length\":24", ""));
    bad_at(t, 2, "24}", "\"time\" must be below the day length (24 ticks, the header's "
           "\"day_length\"), got 24");
    bad_at(with("{\"tick\":1,\"op\":\"set_time\",\"time\":1440}\n"), 2, "1440",
           "\"time\" must be below the day length (1440 ticks");
    bad_at(with("{\"tick\":1,\"op\":\"set_time\",\"time\":-3}\n"), 2, "-3",
           "\"time\" must be an integer from 0 to 9223372036854775807, got -3");
    bad_at(with("{\"tick\":1,\"op\":\"set_time\"}\n"), 2, "{", "missing \"time\"");
    bad_at(with("{\"tick\":1,\"player\":3,\"op\":\"set_time\",\"time\":5}\n"), 2, "3,",
           "unknown player 3");
    bad_at(with("{\"tick\":1,\"op\":\"weather\",\"state\":\"hail\"}\n"), 2, "\"hail\"",
           "unknown weather \"hail\" (expected one of clear, rain, snow, thunder)");
    bad_at(with("{\"tick\":1,\"op\":\"weather\",\"state\":\"rain\",\"duration\":0}\n"), 2, "0}",
           "\"duration\" must be an integer from 1 to 4294967295, got 0");
    bad_at(with("{\"tick\":1,\"op\":\"weather\"}\n"), 2, "{", "missing \"state\"");
    bad_at(with("{\"tick\":1,\"op\":\"weather\",\"state\":\"rain\",\"time\":3}\n"), 2, "\"time\"",
           "unknown key \"time\" in a \"weather\" input line (expected one of tick, player, op, "
           "seq, clock, note, state, duration)");
    /* other ops still need a player */
    bad_at(with("{\"tick\":1,\"op\":\"jump\"}\n"), 2, "{", "missing \"player\"");
    bad_at(with("{\"tick\":1,\"player\":0,\"op\":\"jump\"}\n"), 2, "0,",
           "\"player\" must be an integer from 1 to 4294967295, got 0");

    /* craft grids */
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"craft\",\"grid\":[[0,1,2,3],[0,1,2,3],[0,1,2,3],"
                "[0,1,2,3]]}\n"), 2, "[[", "\"grid\" must be a 2x2 or 3x3 array of rows of slot "
           "numbers (0 to 35) or null; it has 4 rows");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"craft\",\"grid\":[[0]]}\n"), 2, "[[",
           "it has 1 rows");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"craft\",\"grid\":[[0,1],[2]]}\n"), 2, "[2]",
           "row 1 of \"grid\" must be an array of 2 cells (the grid is 2x2");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"craft\",\"grid\":[[0,1,2],[0,1,2],[0,1]]}\n"),
           2, "[0,1]]", "row 2 of \"grid\" must be an array of 3 cells");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"craft\",\"grid\":[[0,36],[null,null]]}\n"), 2,
           "36", "a grid cell must be a slot number from 0 to 35 or null, got 36");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"craft\",\"grid\":[[0,\"stick\"],[null,null]]}\n"),
           2, "\"stick\"", "a grid cell must be a slot number from 0 to 35 or null, got a string");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"craft\",\"grid\":{}}\n"), 2, "{}",
           "\"grid\" must be a 2x2 or 3x3 array");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"craft\"}\n"), 2, "{", "missing \"grid\"");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"craft\",\"grid\":[[0,0],[0,0]],"
                "\"table\":[0,256,0]}\n"), 2, "256",
           "element 1 of \"table\" must be an integer from 0 to 255");
    bad_at(with("{\"tick\":1,\"player\":1,\"op\":\"craft\",\"grid\":[[0,0],[0,0]],"
                "\"table\":[0,1]}\n"), 2, "[0,1]}", "\"table\" must be an array of 3 integers");
}

static void sky_and_inventory_expects(void)
{
    qr_scenario *sc;
    qr_error e;
    qr_status st = parse(with(
        "{\"expect\":\"sky\",\"tick\":5,\"time\":700,\"day\":2,\"phase\":\"dawn\",\"sun\":100,"
        "\"sky\":2816,\"weather\":\"rain\",\"at\":[3,-4],\"falls\":\"snow\",\"note\":\"all\"}\n"
        "{\"expect\":\"sky\",\"tick\":6,\"at\":[-30000000,30000000],\"falls\":\"clear\"}\n"
        "{\"expect\":\"sky\",\"tick\":7,\"phase\":\"night\"}\n"
        "{\"expect\":\"inventory\",\"tick\":8,\"player\":9,\"slot\":35,\"item\":\"stick\","
        "\"count\":64}\n"
        "{\"expect\":\"inventory\",\"tick\":9,\"player\":9,\"slot\":0,\"item\":null}\n"
        "{\"expect\":\"inventory\",\"tick\":10,\"player\":1,\"slot\":3,\"count\":0}\n"
        "{\"expect\":\"inventory\",\"tick\":11,\"player\":1,\"item\":\"shovel\",\"total\":2304}\n"
        "{\"expect\":\"inventory\",\"tick\":12,\"player\":1,\"slot\":4,\"item\":\"shovel\"}\n"),
        &sc, &e);
    CHECK_INT(st, QR_OK);
    if (st) {
        qr_error_print(&e, stderr);
        return;
    }
    CHECK_INT(sc->n_expects, 8);
    const qr_expect *x = &sc->expects[0];
    CHECK_INT(x->kind, QR_EXPECT_SKY);
    CHECK(x->has_time && x->has_day && x->has_phase && x->has_sun && x->has_sky_scalar &&
          x->has_weather && x->has_falls);
    CHECK_INT(x->time, 700);
    CHECK_U64(x->day, 2);
    CHECK_INT(x->phase, QK_PHASE_DAWN);
    CHECK_INT(x->sun, 100);
    CHECK_INT(x->sky_scalar, 2816);
    CHECK_INT(x->weather, QK_WEATHER_RAIN);
    CHECK_INT(x->at[0], 3);
    CHECK_INT(x->at[1], -4);
    CHECK_INT(x->falls, QK_WEATHER_SNOW);
    CHECK_STR(x->note, "all");
    x = &sc->expects[1];
    CHECK(!x->has_time && !x->has_day && !x->has_phase && !x->has_sun && !x->has_sky_scalar &&
          !x->has_weather && x->has_falls);
    CHECK_INT(x->at[0], -30000000);
    CHECK_INT(x->falls, QK_WEATHER_CLEAR);
    x = &sc->expects[2];
    CHECK(x->has_phase && !x->has_time && !x->has_falls);
    CHECK_INT(x->phase, QK_PHASE_NIGHT);
    x = &sc->expects[3];
    CHECK_INT(x->kind, QR_EXPECT_INVENTORY);
    CHECK_INT(x->player, 9);
    CHECK(x->has_slot && x->has_item && x->has_count && !x->has_total);
    CHECK_INT(x->slot, 35);
    CHECK_INT(x->item, IP_STICK);
    CHECK_INT(x->count, 64);
    x = &sc->expects[4];
    CHECK(x->has_slot && x->has_item && !x->has_count);
    CHECK_INT(x->item, QK_BLOCK_AIR); /* null: the slot is empty */
    x = &sc->expects[5];
    CHECK(x->has_slot && !x->has_item && x->has_count);
    CHECK_INT(x->count, 0);
    x = &sc->expects[6];
    CHECK(!x->has_slot && x->has_item && x->has_total);
    CHECK_INT(x->item, IP_SHOVEL);
    CHECK_INT(x->total, 2304);
    x = &sc->expects[7];
    CHECK(x->has_slot && x->has_item && !x->has_count);
    qr_scenario_free(sc);

    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"note\":\"nothing\"}\n"), 2, "{",
           "an \"expect\":\"sky\" line needs at least one of \"time\", \"day\", \"phase\", "
           "\"sun\", \"sky\", \"weather\", \"at\" with \"falls\"");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"phase\":\"noon\"}\n"), 2, "\"noon\"",
           "unknown phase \"noon\" (expected one of night, dawn, day, dusk)");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"weather\":\"hail\"}\n"), 2, "\"hail\"",
           "unknown weather \"hail\" (expected one of clear, rain, snow, thunder)");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"at\":[0,0],\"falls\":\"thunder\"}\n"), 2,
           "\"thunder\"", "unknown precipitation \"thunder\" (expected one of clear, rain, snow; "
           "thunder falls as rain)");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"at\":[0,0]}\n"), 2, "\"at\"",
           "\"at\" and \"falls\" go together");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"falls\":\"rain\"}\n"), 2, "\"falls\"",
           "\"at\" and \"falls\" go together");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"at\":[0,0,0],\"falls\":\"rain\"}\n"), 2,
           "[0,0,0]", "\"at\" must be an array of 2 integers");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"at\":[30000001,0],\"falls\":\"rain\"}\n"), 2,
           "30000001", "element 0 of \"at\" must be an integer from -30000000 to 30000000");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"sun\":4097}\n"), 2, "4097",
           "\"sun\" must be an integer from 0 to 4096, got 4097");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"sky\":-1}\n"), 2, "-1",
           "\"sky\" must be an integer from 0 to 4096, got -1");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"time\":1440}\n"), 2, "1440",
           "\"time\" must be an integer from 0 to 1439, got 1440");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"moon\":1}\n"), 2, "\"moon\"",
           "unknown key \"moon\" in an \"expect\":\"sky\" line");
    bad_at(with("{\"expect\":\"sky\",\"tick\":1,\"player\":1,\"time\":3}\n"), 2, "\"player\"",
           "unknown key \"player\" in an \"expect\":\"sky\" line");

    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"slot\":36,\"count\":1}\n"),
           2, "36", "\"slot\" must be an integer from 0 to 35, got 36");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"slot\":0,\"item\":\"stik\"}\n"),
           2, "\"stik\"", "unknown item \"stik\" (not in pack \"items\")");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"slot\":0,\"item\":\"air\"}\n"),
           2, "\"air\"", "air is not an item");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"slot\":0,\"item\":\"shovel\","
                "\"count\":2}\n"), 2, "2}", "\"count\" must be an integer from 1 to 1, got 2");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"slot\":0,\"item\":\"stick\","
                "\"count\":0}\n"), 2, "0}", "\"count\" must be an integer from 1 to 64, got 0");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"slot\":0,\"count\":65}\n"), 2,
           "65", "\"count\" must be an integer from 0 to 64, got 65");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"slot\":0,\"item\":null,"
                "\"count\":3}\n"), 2, "3}", "an empty slot (\"item\":null) holds 0 items, not 3");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"slot\":0}\n"), 2, "{",
           "an \"expect\":\"inventory\" line with \"slot\" needs \"item\"");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"slot\":0,\"item\":\"stick\","
                "\"total\":3}\n"), 2, "\"total\"", "\"total\" counts an item over every slot");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"item\":\"stick\","
                "\"count\":3}\n"), 2, "\"count\"", "\"count\" is about one slot");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"item\":\"stick\"}\n"), 2, "{",
           "missing \"total\" (an integer from 0 to 2304)");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"item\":null,\"total\":0}\n"), 2,
           "null", "expected an item name (a string), got null");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"item\":\"stick\","
                "\"total\":2305}\n"), 2, "2305", "from 0 to 2304, got 2305");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1}\n"), 2, "{",
           "needs \"slot\" (with \"item\" and/or \"count\") or \"item\" with \"total\"");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"slot\":1,\"count\":1}\n"), 2, "{",
           "missing \"player\"");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":4,\"slot\":1,\"count\":1}\n"), 2,
           "4,", "unknown player 4");
    bad_at(with("{\"expect\":\"inventory\",\"tick\":1,\"player\":1,\"slot\":1,\"count\":1,"
                "\"pos\":[0,0,0]}\n"), 2, "\"pos\"",
           "unknown key \"pos\" in an \"expect\":\"inventory\" line");
    bad_at(with("{\"expect\":\"invntory\",\"tick\":1}\n"), 2, "\"invntory\"",
           "unknown expectation \"invntory\" (expected one of block, player, event, light, sky, "
           "inventory)");
    /* event expectations know the new event types and their keys */
    st = parse(with("{\"expect\":\"event\",\"tick\":1,\"match\":{\"type\":\"crafted\","
                    "\"recipe\":\"sticks\",\"item\":\"stick\",\"count\":4}}\n"
                    "{\"expect\":\"event\",\"tick\":1,\"match\":{\"type\":\"inventory_changed\","
                    "\"prev_item\":null,\"cause\":\"swap\"}}\n"
                    "{\"expect\":\"event\",\"tick\":1,\"match\":{\"type\":\"weather_changed\","
                    "\"new\":\"rain\"}}\n"
                    "{\"expect\":\"event\",\"tick\":1,\"match\":{\"phase\":\"dusk\"}}\n"), &sc, &e);
    CHECK_INT(st, QR_OK);
    if (!st)
        qr_scenario_free(sc);
    bad_at(with("{\"expect\":\"event\",\"tick\":1,\"match\":{\"type\":\"crafted\",\"slot\":1}}\n"),
           2, "\"slot\"", "\"slot\" is not a key of crafted events");
}

int main(void)
{
    qr_error e;
    if (qr_pack_load(&pack, QUARRY_SOURCE_DIR "/packs/default.json", &e)) {
        qr_error_print(&e, stderr);
        return 1;
    }
    use = pack;
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
        "unknown expectation \"lite\" (expected one of block, player, event, light, sky, "
        "inventory)");

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
        "unknown op \"jmp\" (expected one of join, move, jump, place, break, select, undo, "
        "inv_move, inv_split, inv_merge, inv_swap, inv_drop, craft, set_time, weather)");
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

    qr_pack *items = ip_items();
    CHECK(items != NULL);
    use = items;
    world_and_players();
    inventory_ops();
    craft_and_admin();
    sky_and_inventory_expects();
    ip_free(items);
    qr_pack_free(pack);
    return qt_report();
}
