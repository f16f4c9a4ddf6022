/*
 * test_events.c - the canonical event writer: exact bytes of every event
 * type and of the header, the longest line within QR_EVENT_LINE_MAX, and
 * the schema hash pinned.
 */
#include <string.h>

#include "../check.h"
#include "item_pack.h"
#include "quarry/qr.h"

static qr_pack *pack;

static const char *fmt(const qk_event *ev)
{
    static char buf[QR_EVENT_LINE_MAX + 1];
    size_t n = qr_event_format(pack, ev, buf);
    buf[n < QR_EVENT_LINE_MAX ? n : QR_EVENT_LINE_MAX] = 0;
    return buf;
}

static void line(const qk_event *ev, const char *want)
{
    char buf[QR_EVENT_LINE_MAX + 1];
    size_t n = qr_event_format(pack, ev, buf);
    CHECK(n < QR_EVENT_LINE_MAX);
    buf[n < QR_EVENT_LINE_MAX ? n : QR_EVENT_LINE_MAX] = 0;
    CHECK_STR(buf, want);
}

int main(void)
{
    qr_error e;
    if (qr_pack_load(&pack, QUARRY_SOURCE_DIR "/packs/default.json", &e)) {
        qr_error_print(&e, stderr);
        return 1;
    }
    qk_block_id stone, air, cobble, dirt;
    qr_pack_lookup(pack, "stone", &stone);
    qr_pack_lookup(pack, "air", &air);
    qr_pack_lookup(pack, "cobblestone", &cobble);
    qr_pack_lookup(pack, "dirt", &dirt);

    qk_event ev;
    memset(&ev, 0, sizeof ev);
    ev.tick = 0;
    ev.type = QK_EV_SPAWN;
    ev.u.spawn.player = 1;
    ev.u.spawn.x = 2048;
    ev.u.spawn.y = 28672;
    ev.u.spawn.z = -2048;
    line(&ev, "{\"tick\":0,\"type\":\"spawn\",\"player\":1,\"x\":2048,\"y\":28672,\"z\":-2048}\n");

    memset(&ev, 0, sizeof ev);
    ev.tick = 18446744073709551615u;
    ev.type = QK_EV_PLAYER;
    ev.u.player.player = 4294967295u;
    ev.u.player.x = INT64_MIN;
    ev.u.player.y = INT64_MAX;
    ev.u.player.z = -1;
    ev.u.player.vx = 0;
    ev.u.player.vy = -321;
    ev.u.player.vz = 74;
    ev.u.player.yaw = 65535;
    ev.u.player.pitch = -16384;
    ev.u.player.on_ground = true;
    line(&ev, "{\"tick\":18446744073709551615,\"type\":\"player\",\"player\":4294967295,"
              "\"x\":-9223372036854775808,\"y\":9223372036854775807,\"z\":-1,\"vx\":0,"
              "\"vy\":-321,\"vz\":74,\"yaw\":65535,\"pitch\":-16384,\"ground\":1}\n");

    memset(&ev, 0, sizeof ev);
    ev.tick = 12;
    ev.type = QK_EV_BLOCK;
    ev.u.block.x = -30000000;
    ev.u.block.y = 255;
    ev.u.block.z = 30000000;
    ev.u.block.block = air;
    ev.u.block.prev = stone;
    ev.u.block.cause = QK_CAUSE_BREAK;
    ev.u.block.player = 7;
    line(&ev, "{\"tick\":12,\"type\":\"block\",\"x\":-30000000,\"y\":255,\"z\":30000000,"
              "\"block\":\"air\",\"prev\":\"stone\",\"cause\":\"break\",\"player\":7}\n");

    memset(&ev, 0, sizeof ev);
    ev.tick = 12;
    ev.type = QK_EV_DROP;
    ev.u.drop.player = 7;
    ev.u.drop.item = cobble;
    ev.u.drop.x = 1;
    ev.u.drop.y = 2;
    ev.u.drop.z = 3;
    line(&ev, "{\"tick\":12,\"type\":\"drop\",\"player\":7,\"item\":\"cobblestone\",\"x\":1,"
              "\"y\":2,\"z\":3}\n");

    memset(&ev, 0, sizeof ev);
    ev.tick = 3;
    ev.type = QK_EV_SELECT;
    ev.u.select.player = 1;
    ev.u.select.slot = 8;
    ev.u.select.block = QK_BLOCK_NONE;
    line(&ev, "{\"tick\":3,\"type\":\"select\",\"player\":1,\"slot\":8,\"block\":null}\n");
    ev.u.select.block = dirt;
    line(&ev, "{\"tick\":3,\"type\":\"select\",\"player\":1,\"slot\":8,\"block\":\"dirt\"}\n");
    ev.u.select.block = 4000; /* not in the pack: stays a string */
    line(&ev, "{\"tick\":3,\"type\":\"select\",\"player\":1,\"slot\":8,\"block\":\"#4000\"}\n");

    memset(&ev, 0, sizeof ev);
    ev.tick = 30;
    ev.type = QK_EV_REJECT;
    ev.u.reject.player = 1;
    ev.u.reject.seq = 4;
    ev.u.reject.op = QK_OP_PLACE;
    ev.u.reject.reason = QK_REASON_REACH;
    line(&ev, "{\"tick\":30,\"type\":\"reject\",\"player\":1,\"seq\":4,\"op\":\"place\","
              "\"reason\":\"reach\"}\n");

    memset(&ev, 0, sizeof ev);
    ev.tick = 99;
    ev.type = QK_EV_DIGEST;
    ev.u.digest.sub[QK_SUB_BLOCKS] = 0x0123456789abcdefu;
    ev.u.digest.sub[QK_SUB_ENTITIES] = 0;
    ev.u.digest.sub[QK_SUB_LIGHT] = 0x00000000fedcba98u;
    ev.u.digest.chain = 0xffffffffffffffffu;
    ev.u.digest.sub[QK_SUB_INVENTORY] = 1;
    ev.u.digest.sub[QK_SUB_TIME] = 0x10;
    ev.u.digest.sub[QK_SUB_WEATHER] = 0xabcdef0000000000u;
    line(&ev, "{\"tick\":99,\"type\":\"digest\",\"blocks\":\"0123456789abcdef\","
              "\"entities\":\"0000000000000000\",\"light\":\"00000000fedcba98\","
              "\"inventory\":\"0000000000000001\",\"time\":\"0000000000000010\","
              "\"weather\":\"abcdef0000000000\",\"chain\":\"ffffffffffffffff\"}\n");
    /* digest keys follow qk_subsys_name, in qk_subsys order */
    CHECK_STR(qk_subsys_name(QK_SUB_BLOCKS), "blocks");
    CHECK_STR(qk_subsys_name(QK_SUB_ENTITIES), "entities");
    CHECK_STR(qk_subsys_name(QK_SUB_LIGHT), "light");
    CHECK_STR(qk_subsys_name(QK_SUB_INVENTORY), "inventory");
    CHECK_STR(qk_subsys_name(QK_SUB_TIME), "time");
    CHECK_STR(qk_subsys_name(QK_SUB_WEATHER), "weather");

    /* light_commit: txn as a decimal u64, chunks as [[cx,cz,geometry,light],...] */
    memset(&ev, 0, sizeof ev);
    ev.tick = 5;
    ev.type = QK_EV_LIGHT_COMMIT;
    ev.u.commit.txn = 17;
    ev.u.commit.player = 1;
    ev.u.commit.cause = QK_CAUSE_PLACE;
    ev.u.commit.x = -1;
    ev.u.commit.y = 7;
    ev.u.commit.z = 0;
    ev.u.commit.n_chunks = 2;
    ev.u.commit.chunks[0] = (qk_commit_chunk){-1, 0, 2, 3};
    ev.u.commit.chunks[1] = (qk_commit_chunk){0, 0, 1, 4};
    line(&ev, "{\"tick\":5,\"type\":\"light_commit\",\"txn\":17,\"player\":1,"
              "\"cause\":\"place\",\"x\":-1,\"y\":7,\"z\":0,"
              "\"chunks\":[[-1,0,2,3],[0,0,1,4]]}\n");
    ev.u.commit.cause = QK_CAUSE_GENERATE;
    ev.u.commit.player = 0;
    ev.u.commit.n_chunks = 1;
    line(&ev, "{\"tick\":5,\"type\":\"light_commit\",\"txn\":17,\"player\":0,"
              "\"cause\":\"generate\",\"x\":-1,\"y\":7,\"z\":0,"
              "\"chunks\":[[-1,0,2,3]]}\n");
    ev.u.commit.cause = QK_CAUSE_UNDO;
    CHECK(strstr(fmt(&ev), "\"cause\":\"undo\"") != NULL);

    /* The longest light_commit: 9 chunks and every number at its widest
     * (the cause name too: "generate").  Every line must fit
     * QR_EVENT_LINE_MAX, which the runner's buffer relies on. */
    memset(&ev, 0, sizeof ev);
    ev.tick = UINT64_MAX;
    ev.type = QK_EV_LIGHT_COMMIT;
    ev.u.commit.txn = UINT64_MAX;
    ev.u.commit.player = UINT32_MAX;
    ev.u.commit.cause = QK_CAUSE_GENERATE;
    ev.u.commit.x = ev.u.commit.y = ev.u.commit.z = INT32_MIN;
    ev.u.commit.n_chunks = QK_TXN_MAX_CHUNKS;
    for (int i = 0; i < QK_TXN_MAX_CHUNKS; i++)
        ev.u.commit.chunks[i] = (qk_commit_chunk){INT32_MIN, INT32_MIN, UINT64_MAX, UINT64_MAX};
    char big[QR_EVENT_LINE_MAX + 64];
    memset(big, 0x55, sizeof big);
    size_t bn = qr_event_format(pack, &ev, big);
    CHECK_INT(bn, 789);
    CHECK(bn < QR_EVENT_LINE_MAX);
    CHECK((unsigned char)big[QR_EVENT_LINE_MAX] == 0x55); /* nothing written past the max */
    CHECK(big[bn - 1] == '\n');
    big[bn] = 0;
    CHECK(strstr(big, ",\"txn\":18446744073709551615,\"player\":4294967295,") != NULL);
    CHECK(strstr(big, "\"chunks\":[[-2147483648,-2147483648,18446744073709551615,"
                      "18446744073709551615],[") != NULL);
    /* a count beyond the kernel's maximum is clamped, never overruns */
    ev.u.commit.n_chunks = 1000;
    CHECK_INT(qr_event_format(pack, &ev, big), bn);
    /* Every other type but crafted (below) is far shorter: the next
     * longest, a block event with two 63-character block names or a player
     * event with every qk_fx at its widest, stays under 340 bytes. */

    /* time: the day clock after a phase change or a set_time */
    memset(&ev, 0, sizeof ev);
    ev.tick = 360;
    ev.type = QK_EV_TIME;
    ev.u.time.day = 3;
    ev.u.time.time = 1080;
    ev.u.time.phase = QK_PHASE_DUSK;
    ev.u.time.sky = 2458;
    ev.u.time.cause = QK_CAUSE_CYCLE;
    line(&ev, "{\"tick\":360,\"type\":\"time\",\"day\":3,\"time\":1080,\"phase\":\"dusk\","
              "\"sky\":2458,\"cause\":\"cycle\"}\n");
    ev.u.time.phase = QK_PHASE_NIGHT;
    ev.u.time.cause = QK_CAUSE_COMMAND;
    ev.u.time.day = UINT64_MAX;
    CHECK(strstr(fmt(&ev), "\"day\":18446744073709551615,") != NULL);
    CHECK(strstr(fmt(&ev), "\"phase\":\"night\",\"sky\":2458,\"cause\":\"command\"}") != NULL);
    ev.u.time.phase = QK_PHASE_DAWN;
    CHECK(strstr(fmt(&ev), "\"phase\":\"dawn\"") != NULL);
    ev.u.time.phase = QK_PHASE_DAY;
    CHECK(strstr(fmt(&ev), "\"phase\":\"day\"") != NULL);

    /* weather_changed: old and new by name, the next scheduled change */
    memset(&ev, 0, sizeof ev);
    ev.tick = 77;
    ev.type = QK_EV_WEATHER;
    ev.u.weather.old = QK_WEATHER_CLEAR;
    ev.u.weather.now = QK_WEATHER_THUNDER;
    ev.u.weather.until = 12077;
    ev.u.weather.cause = QK_CAUSE_SCHEDULE;
    line(&ev, "{\"tick\":77,\"type\":\"weather_changed\",\"old\":\"clear\",\"new\":\"thunder\","
              "\"until\":12077,\"cause\":\"schedule\"}\n");
    ev.u.weather.old = QK_WEATHER_RAIN;
    ev.u.weather.now = QK_WEATHER_SNOW;
    ev.u.weather.cause = QK_CAUSE_COMMAND;
    CHECK(strstr(fmt(&ev), "\"old\":\"rain\",\"new\":\"snow\",\"until\":12077,"
                           "\"cause\":\"command\"}") != NULL);

    /* inventory_changed: an empty side is null with count 0 */
    memset(&ev, 0, sizeof ev);
    ev.tick = 4;
    ev.type = QK_EV_INVENTORY;
    ev.u.inv.player = 2;
    ev.u.inv.slot = 35;
    ev.u.inv.before = (qk_slot){QK_BLOCK_AIR, 0};
    ev.u.inv.after = (qk_slot){dirt, 64};
    ev.u.inv.cause = QK_CAUSE_PICKUP;
    line(&ev, "{\"tick\":4,\"type\":\"inventory_changed\",\"player\":2,\"slot\":35,"
              "\"prev_item\":null,\"prev_count\":0,\"item\":\"dirt\",\"count\":64,"
              "\"cause\":\"pickup\"}\n");
    ev.u.inv.before = (qk_slot){cobble, 3};
    ev.u.inv.after = (qk_slot){QK_BLOCK_AIR, 0};
    ev.u.inv.cause = QK_CAUSE_SWAP;
    line(&ev, "{\"tick\":4,\"type\":\"inventory_changed\",\"player\":2,\"slot\":35,"
              "\"prev_item\":\"cobblestone\",\"prev_count\":3,\"item\":null,\"count\":0,"
              "\"cause\":\"swap\"}\n");
    ev.u.inv.after = (qk_slot){stone, 0}; /* count 0 is empty whatever the id says */
    CHECK(strstr(fmt(&ev), "\"item\":null,\"count\":0,") != NULL);
    static const qk_cause inv_causes[] = {QK_CAUSE_JOIN, QK_CAUSE_MOVE, QK_CAUSE_SPLIT,
                                          QK_CAUSE_MERGE, QK_CAUSE_DROP, QK_CAUSE_CRAFT,
                                          QK_CAUSE_PLACE, QK_CAUSE_UNDO};
    static const char *const inv_cause_names[] = {"join", "move", "split", "merge", "drop",
                                                  "craft", "place", "undo"};
    for (size_t i = 0; i < sizeof inv_causes / sizeof inv_causes[0]; i++) {
        char want[48];
        ev.u.inv.cause = inv_causes[i];
        snprintf(want, sizeof want, ",\"cause\":\"%s\"}\n", inv_cause_names[i]);
        CHECK(strstr(fmt(&ev), want) != NULL);
    }

    /* item_lost */
    memset(&ev, 0, sizeof ev);
    ev.tick = 9;
    ev.type = QK_EV_ITEM_LOST;
    ev.u.lost.player = 1;
    ev.u.lost.item = cobble;
    ev.u.lost.count = 1;
    ev.u.lost.cause = QK_CAUSE_PICKUP;
    line(&ev, "{\"tick\":9,\"type\":\"item_lost\",\"player\":1,\"item\":\"cobblestone\","
              "\"count\":1,\"cause\":\"pickup\"}\n");

    /* crafted: the recipe by the pack's name (its index without one), the
     * inputs as [[name,count],...] */
    qr_pack *items = ip_items();
    CHECK(items != NULL);
    memset(&ev, 0, sizeof ev);
    ev.tick = 40;
    ev.type = QK_EV_CRAFTED;
    ev.u.crafted.player = 1;
    ev.u.crafted.recipe = 2;
    ev.u.crafted.n_inputs = 2;
    ev.u.crafted.inputs[0] = (qk_slot){IP_STONE, 1};
    ev.u.crafted.inputs[1] = (qk_slot){IP_STICK, 2};
    ev.u.crafted.output = (qk_slot){IP_SHOVEL, 1};
    ev.u.crafted.table = true;
    char cbuf[QR_EVENT_LINE_MAX + 1];
    size_t cn = items ? qr_event_format(items, &ev, cbuf) : 0;
    cbuf[cn] = 0;
    CHECK_STR(cbuf, "{\"tick\":40,\"type\":\"crafted\",\"player\":1,\"recipe\":\"shovel\","
                    "\"inputs\":[[\"stone\",1],[\"stick\",2]],\"item\":\"shovel\",\"count\":1,"
                    "\"table\":1}\n");
    ev.u.crafted.recipe = 7; /* the pack names no recipe 7 */
    ev.u.crafted.n_inputs = 1;
    ev.u.crafted.inputs[0] = (qk_slot){IP_PLANKS, 2};
    ev.u.crafted.output = (qk_slot){IP_STICK, 4};
    ev.u.crafted.table = false;
    cn = items ? qr_event_format(items, &ev, cbuf) : 0;
    cbuf[cn] = 0;
    CHECK_STR(cbuf, "{\"tick\":40,\"type\":\"crafted\",\"player\":1,\"recipe\":7,"
                    "\"inputs\":[[\"oak_planks\",2]],\"item\":\"stick\",\"count\":4,"
                    "\"table\":0}\n");
    ev.u.crafted.n_inputs = 0; /* never from the kernel, but still an array */
    cn = items ? qr_event_format(items, &ev, cbuf) : 0;
    cbuf[cn] = 0;
    CHECK(strstr(cbuf, ",\"inputs\":[],") != NULL);
    ip_free(items);

    /* craft_rejected */
    memset(&ev, 0, sizeof ev);
    ev.tick = 41;
    ev.type = QK_EV_CRAFT_REJECTED;
    ev.u.craft_rejected.player = 3;
    ev.u.craft_rejected.seq = 12;
    ev.u.craft_rejected.reason = QK_REASON_NEEDS_TABLE;
    line(&ev, "{\"tick\":41,\"type\":\"craft_rejected\",\"player\":3,\"seq\":12,"
              "\"reason\":\"needs_table\"}\n");
    ev.u.craft_rejected.reason = QK_REASON_NO_RECIPE;
    CHECK(strstr(fmt(&ev), "\"reason\":\"no_recipe\"}") != NULL);
    ev.u.craft_rejected.reason = QK_REASON_NOT_A_TABLE;
    CHECK(strstr(fmt(&ev), "\"reason\":\"not_a_table\"}") != NULL);

    /* The longest crafted line: 9 inputs, every name 63 characters (items
     * and recipe), every number at its widest, counts at the u8 maximum.
     * It is the longest line of any event now, and must fit too. */
    {
        ip_entry ents[11];
        static char names[11][QR_NAME_MAX + 1];
        ents[0] = (ip_entry){"air", IP_BLOCK(false, false, false, 0, QK_BLOCK_NONE)};
        for (int i = 1; i < 11; i++) {
            memset(names[i], 'a' + i, QR_NAME_MAX);
            names[i][QR_NAME_MAX] = 0;
            ents[i] = (ip_entry){names[i], {false, false, false, 0, QK_BLOCK_NONE, 0, true,
                                            false}};
        }
        char rname[QR_NAME_MAX + 1];
        memset(rname, 'r', QR_NAME_MAX);
        rname[QR_NAME_MAX] = 0;
        ip_recipe rec = {rname, {false, 0, 0, 1, {1}, 10, 1}};
        qr_pack *wide = ip_make("wide", ents, 11, &rec, 1);
        CHECK(wide != NULL);
        memset(&ev, 0, sizeof ev);
        ev.tick = UINT64_MAX;
        ev.type = QK_EV_CRAFTED;
        ev.u.crafted.player = UINT32_MAX;
        ev.u.crafted.recipe = 0;
        ev.u.crafted.n_inputs = QK_CRAFT_CELLS;
        for (int i = 0; i < QK_CRAFT_CELLS; i++)
            ev.u.crafted.inputs[i] = (qk_slot){(qk_item_id)(i + 1), UINT8_MAX};
        ev.u.crafted.output = (qk_slot){10, UINT8_MAX};
        ev.u.crafted.table = true;
        char wbuf[QR_EVENT_LINE_MAX + 64];
        memset(wbuf, 0x55, sizeof wbuf);
        size_t wn = wide ? qr_event_format(wide, &ev, wbuf) : 0;
        CHECK_INT(wn, 896); /* docs: qr.h's QR_EVENT_LINE_MAX comment */
        CHECK(wn < QR_EVENT_LINE_MAX);
        CHECK((unsigned char)wbuf[QR_EVENT_LINE_MAX] == 0x55);
        CHECK(wn > 0 && wbuf[wn - 1] == '\n');
        wbuf[wn] = 0;
        char want_in[96];
        snprintf(want_in, sizeof want_in, ",\"inputs\":[[\"%s\",255],[", names[1]);
        CHECK(strstr(wbuf, want_in) != NULL);
        snprintf(want_in, sizeof want_in, "\"recipe\":\"%s\",", rname);
        CHECK(strstr(wbuf, want_in) != NULL);
        /* a count beyond QK_CRAFT_CELLS is clamped, never overruns */
        ev.u.crafted.n_inputs = 1000;
        CHECK_INT(wide ? qr_event_format(wide, &ev, wbuf) : 0, wn);
        ip_free(wide);
    }

    /* header, with a name needing escapes */
    char h[512];
    size_t n = qr_header_format("walk", 0xabcu, h, sizeof h);
    char schema[17];
    qr_hex64(qr_schema_hash(), schema);
    char want[512];
    snprintf(want, sizeof want, "{\"quarry\":\"events\",\"format\":1,\"kernel\":\"%s\","
             "\"schema\":\"%s\",\"scenario\":\"walk\",\"scenario_hash\":\"0000000000000abc\"}\n",
             QK_VERSION_STRING, schema);
    CHECK_STR(h, want);
    CHECK_INT(n, strlen(want));
    qr_header_format("a\"b\\c\n\x01", 0, h, sizeof h);
    CHECK(strstr(h, "\"scenario\":\"a\\\"b\\\\c\\n\\u0001\"") != NULL);

    /* Schema: the text lists every type; the hash is pinned so that an
     * accidental change to the table fails here.  A deliberate change
     * updates this constant and every golden (quarry accept). */
    char text[4096];
    CHECK(qr_schema_text(text, sizeof text) < sizeof text);
    CHECK(strstr(text, "player:tick:u64,type:str,player:u32,x:fx,y:fx,z:fx,vx:fx,vy:fx,vz:fx,"
                       "yaw:u16,pitch:i16,ground:bool01\n") != NULL);
    CHECK(strstr(text, "digest:tick:u64,type:str,blocks:hex64,entities:hex64,light:hex64,"
                       "inventory:hex64,time:hex64,weather:hex64,chain:hex64\n") != NULL);
    CHECK(strstr(text, "\ntime:tick:u64,type:str,day:u64,time:u32,phase:phase,sky:fx,"
                       "cause:cause\n") != NULL);
    CHECK(strstr(text, "\nweather_changed:tick:u64,type:str,old:weather,new:weather,"
                       "until:u64,cause:cause\n") != NULL);
    CHECK(strstr(text, "\ninventory_changed:tick:u64,type:str,player:u32,slot:u8,"
                       "prev_item:slot_item,prev_count:u8,item:slot_item,count:u8,"
                       "cause:cause\n") != NULL);
    CHECK(strstr(text, "\nitem_lost:tick:u64,type:str,player:u32,item:block,count:u32,"
                       "cause:cause\n") != NULL);
    CHECK(strstr(text, "\ncrafted:tick:u64,type:str,player:u32,recipe:recipe,"
                       "inputs:craft_inputs,item:block,count:u8,table:bool01\n") != NULL);
    CHECK(strstr(text, "\ncraft_rejected:tick:u64,type:str,player:u32,seq:u32,"
                       "reason:reason\n") != NULL);
    /* one line per event type, and the header line */
    size_t lines = 0;
    for (const char *q = text; *q; q++)
        lines += *q == '\n';
    CHECK_INT(lines, 1 + (QK_EV__COUNT - QK_EV_SPAWN));
    CHECK(strstr(text, "light_commit:tick:u64,type:str,txn:u64,player:u32,cause:cause,x:i32,"
                       "y:i32,z:i32,chunks:commit_chunks\n") != NULL);
    /* Changed on purpose with lighting (issue 3): the digest event gained
     * its "light" key (fb75814c1a1c29ef -> dd8e25f8e850837a); then edit
     * transactions added the light_commit event with the u64 and
     * commit_chunks kinds (-> 59b61ddfeeed8b36); then time, weather,
     * items and crafting (issue 4) added the inventory, time and weather
     * digests and six event types with the weather, phase, slot_item,
     * recipe and craft_inputs kinds, giving this hash (XXH3-64 of the text
     * above).  Every golden is re-accepted each time. */
    CHECK_U64(qr_schema_hash(), UINT64_C(0xa8af248f32e8145e));
    qr_pack_free(pack);
    return qt_report();
}
