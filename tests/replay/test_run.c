/*
 * test_run.c - determinism inside one process: every scenario in scenarios/
 * replayed twice in a row, then on two threads at once, then with a
 * snapshot/restore at several ticks, then with light worker pools (alone
 * and across restores), must give byte-identical streams.  The second and
 * third prove the runner and kernel keep no hidden global state; the last
 * that the worker count never reaches the output.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, opendir */
#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
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
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        check_scenario(path);
        free(names[i]);
    }
    return qt_report();
}
