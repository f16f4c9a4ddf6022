/*
 * fuzz_scenario.c - scenario reader, and the kernel through real inputs.
 *
 * The bytes are a scenario file (JSON Lines).  Parsing must either succeed
 * or fail with an input error that names this file and a line that exists.
 * When it parses, the scenario is run for at most RUN_TICKS ticks with its
 * output only hashed, then run again with a snapshot/destroy/restore before
 * one tick: both runs must produce the same bytes, which fuzzes step, the
 * physics and snapshots with inputs that passed the scenario reader.
 *
 * The pack is loaded once from packs/default.json and handed in through
 * qr_scenario_opts.pack, so no input reads a file.  Worlds above RUN_CHUNKS
 * columns are parsed but not run: the kernel accepts 4096 columns, which
 * take far longer to generate than a fuzzing iteration should.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "quarry/qr.h"

#define RUN_TICKS 50u
#define RUN_CHUNKS 16

static const qr_pack *default_pack(void)
{
    static qr_pack *pack;
    if (!pack) {
        qr_error e;
        if (qr_pack_load(&pack, QUARRY_SOURCE_DIR "/packs/default.json", &e) != QR_OK) {
            qr_error_print(&e, stderr);
            abort();
        }
    }
    return pack;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char label[] = "fuzz.jsonl";
    qr_scenario_opts opts = {NULL, default_pack()};
    qr_scenario *sc = NULL;
    qr_error err;
    memset(&err, 0, sizeof err);
    qr_status st = qr_scenario_parse(&sc, label, (const char *)data, size, &opts, &err);
    if (st != QR_OK) {
        FUZZ_CHECK(sc == NULL);
        FUZZ_CHECK(st == QR_ERR_INPUT || st == QR_ERR_NOMEM);
        FUZZ_CHECK(strcmp(err.file, label) == 0);
        FUZZ_CHECK(err.msg[0] != '\0');
        FUZZ_CHECK(err.line <= fuzz_line_count(data, size));
        char buf[1200];
        size_t n = qr_error_format(&err, buf, sizeof buf);
        FUZZ_CHECK(n == strlen(buf));
        return 0;
    }
    FUZZ_CHECK(sc != NULL);

    const qk_world_config *w = &sc->world;
    int64_t columns = ((int64_t)w->cx_max - w->cx_min + 1) * ((int64_t)w->cz_max - w->cz_min + 1);
    if (columns >= 1 && columns <= RUN_CHUNKS) {
        uint64_t ticks = sc->ticks < RUN_TICKS ? sc->ticks : RUN_TICKS;
        qr_run_opts ro;
        memset(&ro, 0, sizeof ro);
        ro.ticks = ticks;
        qr_run_result straight, restored;
        qr_error e1, e2;
        qr_status s1 = qr_run(sc, &ro, &straight, &e1);

        /* Again, through a snapshot before a tick chosen by the input. */
        uint64_t at = size % ticks;
        ro.restore_at = &at;
        ro.n_restore_at = 1;
        qr_status s2 = qr_run(sc, &ro, &restored, &e2);

        FUZZ_CHECK(s1 == s2);
        if (s1 == QR_OK) {
            FUZZ_CHECK(straight.ticks == ticks);
            FUZZ_CHECK(straight.hash == restored.hash);
            FUZZ_CHECK(straight.bytes == restored.bytes);
            FUZZ_CHECK(straight.events == restored.events);
            FUZZ_CHECK(straight.n_passed == restored.n_passed);
            FUZZ_CHECK(straight.n_failed == restored.n_failed);
            FUZZ_CHECK(straight.n_passed + straight.n_failed + straight.n_skipped ==
                       sc->n_expects);
        } else {
            FUZZ_CHECK(e1.msg[0] != '\0');
        }
        qr_run_result_free(&straight);
        qr_run_result_free(&restored);
    }
    qr_scenario_free(sc);
    return 0;
}
