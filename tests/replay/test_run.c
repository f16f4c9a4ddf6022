/*
 * test_run.c - determinism inside one process: every scenario in scenarios/
 * replayed twice in a row, then on two threads at once, then with a
 * snapshot/restore at several ticks, then with light worker pools (alone
 * and across restores), must give byte-identical streams.  The second and
 * third prove the runner and kernel keep no hidden global state; the last
 * that the worker count never reaches the output.
 *
 * It also runs two tiny in-memory scenarios (a pack built in memory, see
 * item_pack.h) whose sky and inventory expectations pass and fail on
 * purpose, to pin what the runner checks and how failures read.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, opendir */
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "item_pack.h"
#include "quarry/qr.h"

typedef struct membuf {
    char *p;
    size_t len, cap;
} membuf;

static int to_mem(void *ud, const void *buf, size_t len)
{
    membuf *m = ud;
    if (m->len + len > m->cap) {
        size_t cap = (m->cap + len) * 2;
        char *p = realloc(m->p, cap);
        if (!p)
            return 1;
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->len, buf, len);
    m->len += len;
    return 0;
}

typedef struct job {
    const qr_scenario *sc;
    const uint64_t *restore_at;
    size_t n_restore_at;
    unsigned threads;
    membuf out;
    qr_status st;
    size_t failed_expects;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    qr_run_opts o = {.write = to_mem, .write_ud = &j->out, .restore_at = j->restore_at,
                     .n_restore_at = j->n_restore_at, .threads = j->threads};
    qr_run_result res;
    qr_error err;
    j->st = qr_run(j->sc, &o, &res, &err);
    j->failed_expects = res.n_failed;
    qr_run_result_free(&res);
    return NULL;
}

static int same(const job *a, const job *b)
{
    return a->out.len == b->out.len && memcmp(a->out.p, b->out.p, a->out.len) == 0;
}

static void check_scenario(const char *path)
{
    qr_scenario *sc = NULL;
    qr_error err;
    CHECK_INT(qr_scenario_load(&sc, path, NULL, &err), QR_OK);
    if (!sc) {
        fprintf(stderr, "cannot load %s\n", path);
        return;
    }
    job first = {.sc = sc}, again = {.sc = sc}, t1 = {.sc = sc}, t2 = {.sc = sc};
    run_job(&first);
    run_job(&again);
    CHECK_INT(first.st, QR_OK);
    CHECK_INT(first.failed_expects, 0);
    CHECK(first.out.len > 100);
    CHECK(same(&first, &again));

    pthread_t th1, th2;
    CHECK_INT(pthread_create(&th1, NULL, run_job, &t1), 0);
    CHECK_INT(pthread_create(&th2, NULL, run_job, &t2), 0);
    pthread_join(th1, NULL);
    pthread_join(th2, NULL);
    CHECK(same(&first, &t1));
    CHECK(same(&first, &t2));

    uint64_t at[] = {1, sc->ticks / 3, sc->ticks / 2, sc->ticks - 1};
    job restored = {.sc = sc, .restore_at = at, .n_restore_at = 4};
    run_job(&restored);
    CHECK_INT(restored.st, QR_OK);
    CHECK(same(&first, &restored));

    job pooled = {.sc = sc, .threads = 4};
    run_job(&pooled);
    CHECK_INT(pooled.st, QR_OK);
    CHECK(same(&first, &pooled));
    job pooled_restored = {.sc = sc, .restore_at = at, .n_restore_at = 4, .threads = 3};
    run_job(&pooled_restored);
    CHECK_INT(pooled_restored.st, QR_OK);
    CHECK(same(&first, &pooled_restored));

    job *all[] = {&first, &again, &t1, &t2, &restored, &pooled, &pooled_restored};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]->out.p);
    qr_scenario_free(sc);
}

/* Runs `text` (parsed with `pack`) and checks the outcome and message of
 * the expectation on file line lines[i] against want[i]: "+" (passes) or
 * "-" (fails), then the message. */
static void run_expects(const qr_pack *pack, const char *text, const char *const *want,
                        const unsigned *lines, size_t n)
{
    qr_scenario_opts so = {NULL, pack};
    qr_scenario *sc = NULL;
    qr_error err;
    qr_status st = qr_scenario_parse(&sc, "mem.jsonl", text, strlen(text), &so, &err);
    CHECK_INT(st, QR_OK);
    if (st) {
        qr_error_print(&err, stderr);
        return;
    }
    qr_run_result res;
    st = qr_run(sc, NULL, &res, &err);
    CHECK_INT(st, QR_OK);
    if (st)
        qr_error_print(&err, stderr);
    CHECK_INT(sc->n_expects, n);
    size_t fails = 0;
    for (size_t i = 0; i < n; i++) {
        const qr_expect_result *r = NULL;
        for (size_t k = 0; k < sc->n_expects; k++)
            if (res.expects[k].line == lines[i])
                r = &res.expects[k];
        CHECK(r != NULL);
        if (!r)
            continue;
        bool pass = want[i][0] == '+';
        fails += !pass;
        CHECK(r->reached);
        CHECK_INT(r->passed, pass);
        CHECK_STR(r->msg, want[i] + 1);
        if (r->passed != pass || strcmp(r->msg, want[i] + 1) != 0)
            fprintf(stderr, "  (the expectation on line %u)\n", lines[i]);
    }
    CHECK_INT(res.n_failed, fails);
    CHECK_INT(res.n_passed, n - fails);
    qr_run_result_free(&res);
    qr_scenario_free(sc);
}

#define ITEMS_HEAD(world, players)                                                           \
    "{\"quarry\":\"scenario\",\"format\":1,\"name\":\"mem\",\"seed\":5,\"pack\":\"items\","   \
    "\"ticks\":30,\"world\":{\"generator\":\"superflat\",\"chunks\":{\"min\":[-1,-1],"        \
    "\"max\":[0,0]},\"layers\":[[\"bedrock\",1],[\"dirt\",2],[\"grass\",1]]" world "},"       \
    "\"players\":[" players "]}\n"

/* Sky and inventory expectations, passing and failing, against the
 * documented rules (qk.h, "Time of day, weather and crafting"). */
static void check_expectations(void)
{
    qr_pack *items = ip_items();
    CHECK(items != NULL);
    if (!items)
        return;
    /* Noon of a 1440-tick day in the rain, snow line 1: every column of
     * this 4-block-high world snows.  Player 1 holds planks, sticks and a
     * shovel; player 2 is creative and holds nothing. */
    static const char *const text =
        ITEMS_HEAD(",\"weather\":\"rain\",\"snow_line\":1",
                   "{\"id\":1,\"spawn\":[0,4,0],\"inventory\":[{\"item\":\"oak_planks\","
                   "\"count\":5},\"stick\",null,\"shovel\"]},{\"id\":2,\"spawn\":[-3,4,-3],"
                   "\"mode\":\"creative\"}")
        /* 2 */ "{\"expect\":\"sky\",\"tick\":0,\"time\":720,\"day\":0,\"phase\":\"day\","
                "\"sun\":4096,\"sky\":2816,\"weather\":\"rain\"}\n"
        /* 3 */ "{\"expect\":\"sky\",\"tick\":0,\"sky\":4096}\n"
        /* 4 */ "{\"expect\":\"sky\",\"tick\":0,\"at\":[5,-7],\"falls\":\"snow\"}\n"
        /* 5 */ "{\"expect\":\"sky\",\"tick\":0,\"at\":[100,0],\"falls\":\"snow\"}\n"
        /* 6 */ "{\"expect\":\"inventory\",\"tick\":0,\"player\":1,\"slot\":0,"
                "\"item\":\"oak_planks\",\"count\":5}\n"
        /* 7 */ "{\"expect\":\"inventory\",\"tick\":0,\"player\":1,\"slot\":0,"
                "\"item\":\"oak_planks\",\"count\":6}\n"
        /* 8 */ "{\"expect\":\"inventory\",\"tick\":0,\"player\":1,\"slot\":2,\"item\":null}\n"
        /* 9 */ "{\"expect\":\"inventory\",\"tick\":0,\"player\":1,\"slot\":2,\"item\":\"stick\"}\n"
        /* 10 */ "{\"expect\":\"inventory\",\"tick\":0,\"player\":1,\"slot\":1,\"count\":3}\n"
        /* 11 */ "{\"expect\":\"inventory\",\"tick\":0,\"player\":1,\"item\":\"stick\","
                 "\"total\":64}\n"
        /* 12 */ "{\"expect\":\"inventory\",\"tick\":0,\"player\":2,\"item\":\"stick\","
                 "\"total\":1}\n"
        /* 13 */ "{\"expect\":\"inventory\",\"tick\":0,\"player\":1,\"slot\":3,\"count\":0}\n"
        "{\"tick\":2,\"player\":1,\"op\":\"craft\",\"grid\":[[0,null],[0,null]]}\n"
        /* 15 */ "{\"expect\":\"event\",\"tick\":2,\"match\":{\"type\":\"crafted\",\"player\":1,"
                 "\"recipe\":\"sticks\",\"item\":\"stick\",\"count\":4,\"table\":0}}\n"
        /* 16 */ "{\"expect\":\"inventory\",\"tick\":2,\"player\":1,\"item\":\"stick\","
                 "\"total\":68}\n"
        /* 17 */ "{\"expect\":\"inventory\",\"tick\":2,\"player\":1,\"slot\":0,"
                 "\"item\":\"oak_planks\",\"count\":3}\n"
        "{\"tick\":3,\"player\":1,\"op\":\"inv_swap\",\"from\":3,\"to\":20}\n"
        /* 19 */ "{\"expect\":\"inventory\",\"tick\":3,\"player\":1,\"slot\":3,\"item\":null}\n"
        /* 20 */ "{\"expect\":\"inventory\",\"tick\":3,\"player\":1,\"slot\":20,"
                 "\"item\":\"shovel\",\"count\":1}\n"
        "{\"tick\":4,\"op\":\"set_time\",\"time\":0}\n"
        /* 22 */ "{\"expect\":\"sky\",\"tick\":4,\"time\":0,\"phase\":\"night\",\"sun\":0}\n"
        "{\"tick\":5,\"player\":2,\"op\":\"weather\",\"state\":\"clear\",\"duration\":100}\n"
        /* 24 */ "{\"expect\":\"sky\",\"tick\":5,\"time\":1,\"weather\":\"clear\",\"sky\":819,"
                 "\"at\":[0,0],\"falls\":\"clear\"}\n"
        /* 25 */ "{\"expect\":\"sky\",\"tick\":5,\"time\":2,\"weather\":\"snow\",\"phase\":"
                 "\"day\",\"at\":[0,0],\"falls\":\"rain\"}\n";
    static const char *const want[] = {
        "+tick 0: time is 720; day is 0; phase is day; sun is 4096; sky scalar is 2816; "
        "weather is rain",
        "-tick 0: sky scalar is 2816, expected 4096",
        "+tick 0: precipitation at [5,-7] is snow",
        "-tick 0: precipitation at [100,0] is outside the loaded world, expected snow",
        "+tick 0: player 1 slot 0 holds 5 oak_planks",
        "-tick 0: player 1 slot 0 holds 5 oak_planks, expected 6 oak_planks",
        "+tick 0: player 1 slot 2 holds nothing",
        "-tick 0: player 1 slot 2 holds nothing, expected stick",
        "-tick 0: player 1 slot 1 holds 64 stick, expected 3",
        "+tick 0: player 1 holds 64 stick in all",
        "-tick 0: player 2 holds 0 stick in all, expected 1",
        "-tick 0: player 1 slot 3 holds 1 shovel, expected nothing",
        "+tick 2: an event matches {\"type\":\"crafted\",\"player\":1,\"recipe\":\"sticks\","
        "\"item\":\"stick\",\"count\":4,\"table\":0}",
        "+tick 2: player 1 holds 68 stick in all",
        "+tick 2: player 1 slot 0 holds 3 oak_planks",
        "+tick 3: player 1 slot 3 holds nothing",
        "+tick 3: player 1 slot 20 holds 1 shovel",
        "+tick 4: time is 0; phase is night; sun is 0",
        "+tick 5: time is 1; sky scalar is 819; weather is clear; precipitation at [0,0] is "
        "clear",
        "-tick 5: time is 1, expected 2; phase is night, expected day; weather is clear, "
        "expected snow; precipitation at [0,0] is clear, expected rain",
    };
    static const unsigned lines[] = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17,
                                     19, 20, 22, 24, 25};
    _Static_assert(sizeof lines / sizeof lines[0] == sizeof want / sizeof want[0],
                   "one line per expectation");
    run_expects(items, text, want, lines, sizeof lines / sizeof lines[0]);

    /* The day counter: a 24-tick day from its noon (12); tick 20 is 32
     * ticks after day 0's midnight, day 1 at 8. */
    static const char *const text2 =
        ITEMS_HEAD(",\"day_length\":24", "")
        "{\"expect\":\"sky\",\"tick\":20,\"day\":1,\"time\":8}\n"
        "{\"expect\":\"sky\",\"tick\":11,\"day\":1}\n";
    static const char *const want2[] = {"+tick 20: time is 8; day is 1",
                                        "-tick 11: day is 0, expected 1"};
    static const unsigned lines2[] = {2, 3};
    run_expects(items, text2, want2, lines2, 2);
    ip_free(items);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    const char *dir = QUARRY_SOURCE_DIR "/scenarios";
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while (d && n < 256 && (e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 6 && strcmp(e->d_name + len - 6, ".jsonl") == 0)
            names[n++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    CHECK(n >= 3); /* an empty scenarios/ must not pass vacuously */
    check_expectations();
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        check_scenario(path);
        free(names[i]);
    }
    return qt_report();
}
