/*
 * test_events.c - the canonical event writer: exact bytes of every event
 * type and of the header, and the schema hash pinned.
 */
#include <string.h>

#include "../check.h"
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
    line(&ev, "{\"tick\":99,\"type\":\"digest\",\"blocks\":\"0123456789abcdef\","
              "\"entities\":\"0000000000000000\",\"light\":\"00000000fedcba98\","
              "\"chain\":\"ffffffffffffffff\"}\n");
    /* digest keys follow qk_subsys_name, in qk_subsys order */
    CHECK_STR(qk_subsys_name(QK_SUB_BLOCKS), "blocks");
    CHECK_STR(qk_subsys_name(QK_SUB_ENTITIES), "entities");
    CHECK_STR(qk_subsys_name(QK_SUB_LIGHT), "light");

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

    /* The longest line any event can make: a light_commit with 9 chunks and
     * every number at its widest (the cause name too: "generate").  It
     * must fit QR_EVENT_LINE_MAX, which the runner's buffer relies on. */
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
    CHECK_INT(bn, 789); /* docs: qr.h's QR_EVENT_LINE_MAX comment */
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
    /* Every other type is far shorter: the next longest, a block event with
     * two 63-character block names or a player event with every qk_fx at
     * its widest, stays under 340 bytes. */

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
                       "chain:hex64\n") != NULL);
    CHECK(strstr(text, "light_commit:tick:u64,type:str,txn:u64,player:u32,cause:cause,x:i32,"
                       "y:i32,z:i32,chunks:commit_chunks\n") != NULL);
    /* Changed on purpose with lighting (issue 3): the digest event gained
     * its "light" key (fb75814c1a1c29ef -> dd8e25f8e850837a); then edit
     * transactions added the light_commit event with the u64 and
     * commit_chunks kinds, giving this hash (XXH3-64 of the text above).
     * Every golden is re-accepted each time. */
    CHECK_U64(qr_schema_hash(), UINT64_C(0x59b61ddfeeed8b36));
    qr_pack_free(pack);
    return qt_report();
}
