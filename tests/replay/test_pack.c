/*
 * test_pack.c - block packs: the default pack loads; each malformed pack is
 * refused with the right line:col and message.
 */
#include <string.h>

#include "../check.h"
#include "quarry/qr.h"

static void bad(const char *text, unsigned line, unsigned col, const char *needle)
{
    qr_pack *p = (qr_pack *)1;
    qr_error e;
    memset(&e, 0, sizeof e);
    qr_status st = qr_pack_parse(&p, "p.json", text, strlen(text), &e);
    CHECK_INT(st, QR_ERR_INPUT);
    CHECK(p == NULL);
    CHECK_STR(e.file, "p.json");
    CHECK_INT(e.line, line);
    CHECK_INT(e.col, col);
    CHECK(strstr(e.msg, needle) != NULL);
    if (!strstr(e.msg, needle) || e.line != line || e.col != col)
        fprintf(stderr, "  got %u:%u: %s\n", e.line, e.col, e.msg);
}

#define AIR "{\"id\":0,\"name\":\"air\",\"opaque\":false,\"solid\":false,\"breakable\":false}"

int main(void)
{
    qr_pack *p;
    qr_error e;
    qr_status st = qr_pack_load(&p, QUARRY_SOURCE_DIR "/packs/default.json", &e);
    CHECK_INT(st, QR_OK);
    if (st) {
        qr_error_print(&e, stderr);
        return qt_report();
    }
    CHECK_STR(p->name, "default");
    CHECK_INT(p->registry.count, p->count);
    static const char *const need[] = {"air", "stone", "cobblestone", "dirt", "grass", "sand",
                                       "gravel", "bedrock", "oak_log", "oak_planks", "glass",
                                       "torch", "glowstone", "lamp", "coal_ore", "wool"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        qk_block_id id;
        CHECK(qr_pack_lookup(p, need[i], &id));
        CHECK_STR(qr_pack_block_name(p, id), need[i]);
    }
    qk_block_id id = 0, dirt = 0;
    CHECK(qr_pack_lookup(p, "grass", &id) && qr_pack_lookup(p, "dirt", &dirt));
    CHECK_INT(p->defs[id].drops, dirt);
    CHECK(qr_pack_lookup(p, "bedrock", &id) && !p->defs[id].breakable);
    CHECK(qr_pack_lookup(p, "torch", &id));
    CHECK(!p->defs[id].solid && !p->defs[id].opaque && p->defs[id].emissive == 14);
    CHECK(qr_pack_lookup(p, "glass", &id) && !p->defs[id].opaque && p->defs[id].solid);
    CHECK(qr_pack_lookup(p, "glowstone", &id) && p->defs[id].emissive == 15);
    CHECK(!qr_pack_lookup(p, "water", &id));
    CHECK(qr_pack_block_name(p, QK_BLOCK_NONE) == NULL);
    qr_pack_free(p);

    /* holes in the id space, defaults, forward drops */
    const char *holes = "{\"format\":1,\"name\":\"h\",\"blocks\":[" AIR ",\n"
                        "{\"id\":5,\"name\":\"ore\",\"opaque\":true,\"solid\":true,"
                        "\"drops\":\"gem\"},\n"
                        "{\"id\":3,\"name\":\"gem\",\"opaque\":true,\"solid\":true}]}";
    st = qr_pack_parse(&p, "h.json", holes, strlen(holes), &e);
    CHECK_INT(st, QR_OK);
    if (!st) {
        CHECK_INT(p->count, 6);
        CHECK(qr_pack_block_name(p, 1) == NULL);
        CHECK(!p->defs[1].solid && p->defs[1].drops == QK_BLOCK_NONE);
        CHECK_INT(p->defs[5].drops, 3);
        CHECK_INT(p->defs[3].drops, 3);
        CHECK(p->defs[3].breakable);
        CHECK_INT(p->defs[0].drops, 0);
        qr_pack_free(p);
    }

    /* each error, with its position */
    bad("{\"format\":1,\n \"name\":\"x\" \"blocks\":[]}", 2, 20, "'}' expected");
    bad("[1]", 1, 1, "must be a JSON object");
    bad("{\"format\":2,\"name\":\"x\",\"blocks\":[" AIR "]}", 1, 11, "\"format\" must be");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR "],\n \"colour\":1}", 2, 2,
        "unknown key \"colour\"");
    bad("{\"format\":1,\"blocks\":[]}", 1, 1, "missing \"name\"");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"Stone\",\"opaque\":true,\"solid\":true}]}", 2, 18,
        "block name \"Stone\"");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":4096,\"name\":\"s\",\"opaque\":true,\"solid\":true}]}", 2, 9,
        "\"id\" must be an integer from 0 to 4095");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":0,\"name\":\"s\",\"opaque\":true,\"solid\":true}]}", 2, 9,
        "duplicate block id 0");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"air\",\"opaque\":true,\"solid\":true}]}", 2, 18,
        "duplicate block name \"air\"");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"s\",\"opaque\":\"yes\",\"solid\":true}]}", 2, 31,
        "\"opaque\" must be true or false");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"emissive\":16}]}", 2, 60,
        "\"emissive\" must be an integer from 0 to 15");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true,\"drops\":\"gold\"}]}", 2, 57,
        "\"drops\" names unknown block \"gold\"");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[\n"
        "  {\"id\":1,\"name\":\"s\",\"opaque\":true,\"solid\":true}]}", 1, 33,
        "block id 0 must be \"air\"");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[\n"
        "  {\"id\":0,\"name\":\"air\",\"opaque\":true,\"solid\":false}]}", 1, 33,
        "must be neither opaque");
    bad("{\"format\":1,\"name\":\"x\",\"blocks\":[" AIR ",\n"
        "  {\"id\":1,\"name\":\"s\",\"solid\":true}]}", 2, 3, "missing \"opaque\"");
    bad("", 1, 1, "");

    /* file errors */
    st = qr_pack_load(&p, "/nonexistent/pack.json", &e);
    CHECK_INT(st, QR_ERR_IO);
    CHECK(strstr(e.msg, "cannot open") != NULL);
    return qt_report();
}
