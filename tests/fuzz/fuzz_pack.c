/*
 * fuzz_pack.c - block pack reader.
 *
 * The bytes are a pack file.  Parsing either fails with an input error that
 * names this file and a line that exists, or yields a pack whose names and
 * ids agree both ways and whose registry the kernel accepts (a 1-column
 * empty world is created and destroyed with it, nothing leaking).
 */
#include <string.h>

#include "fuzz.h"
#include "quarry/qr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char label[] = "fuzz.json";
    qr_pack *p = NULL;
    qr_error err;
    memset(&err, 0, sizeof err);
    qr_status st = qr_pack_parse(&p, label, (const char *)data, size, &err);
    if (st != QR_OK) {
        FUZZ_CHECK(p == NULL);
        FUZZ_CHECK(st == QR_ERR_INPUT || st == QR_ERR_NOMEM);
        FUZZ_CHECK(strcmp(err.file, label) == 0);
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(err.line <= fuzz_line_count(data, size));
        return 0;
    }
    FUZZ_CHECK(p != NULL);
    FUZZ_CHECK(p->count >= 1 && p->count <= QK_MAX_BLOCKS);
    FUZZ_CHECK(p->registry.count == p->count && p->registry.blocks == p->defs);
    FUZZ_CHECK(p->names[0] && strcmp(p->names[0], "air") == 0);
    for (uint32_t id = 0; id < p->count; id++) {
        const char *name = qr_pack_block_name(p, (qk_block_id)id);
        FUZZ_CHECK(name == p->names[id]);
        if (!name) /* a hole: an inert placeholder */
            continue;
        size_t n = strlen(name);
        FUZZ_CHECK(n >= 1 && n <= QR_NAME_MAX);
        qk_block_id back;
        FUZZ_CHECK(qr_pack_lookup(p, name, &back) && back == id);
    }
    FUZZ_CHECK(qr_pack_block_name(p, QK_BLOCK_NONE) == NULL);

    qk_world_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.generator = QK_GEN_EMPTY;
    fuzz_alloc fa = {0};
    qk_allocator al = {fuzz_alloc_fn, &fa};
    qk_world *w = NULL;
    qk_diag d;
    FUZZ_CHECK(qk_world_create(&w, &cfg, &p->registry, &al, &d) == QK_OK);
    qk_world_destroy(w);
    FUZZ_CHECK(fa.live == 0);
    qr_pack_free(p);
    return 0;
}
