/*
 * test_pool.c - the light-worker pool keeps the qk_workers contract: every
 * index of a batch runs exactly once, run() returns only when all are done,
 * `worker` is within 0..count-1 and never shared by two tasks running at
 * the same time, batches of any size (0 included) work back to back, two
 * threads calling run() on one pool take turns, and bad sizes are refused.
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../check.h"
#include "quarry/qr.h"

#define MAX_N 2000

/* Per worker index: a task is running on it.  Global, so that batches of
 * two callers sharing a pool are checked against each other too. */
static atomic_int busy[QR_POOL_MAX];

typedef struct batch {
    uint32_t count;                    /* the pool's workers */
    atomic_int runs[MAX_N];            /* per index: times run */
    atomic_int used[QR_POOL_MAX];      /* per worker: tasks it ran */
    atomic_int bad_worker, shared_worker;
    long sleep_ns;                     /* per task, to make tasks overlap */
} batch;

static void task(void *arg, uint32_t i, uint32_t worker)
{
    batch *b = arg;
    if (worker >= b->count || i >= MAX_N) {
        atomic_fetch_add(&b->bad_worker, 1);
        return;
    }
    int was = atomic_exchange(&busy[worker], 1);
    if (was)
        atomic_fetch_add(&b->shared_worker, 1);
    if (b->sleep_ns) {
        struct timespec ts = {0, b->sleep_ns};
        nanosleep(&ts, NULL);
    }
    atomic_fetch_add(&b->runs[i], 1);
    atomic_fetch_add(&b->used[worker], 1);
    atomic_store(&busy[worker], 0);
}

static void reset(batch *b, uint32_t count, long sleep_ns)
{
    memset(b, 0, sizeof *b); /* atomics of int: all-zero bytes are 0 */
    b->count = count;
    b->sleep_ns = sleep_ns;
}

/* Runs one batch of n; true if every index ran exactly once before run()
 * returned, on a valid worker never shared.  *workers: how many took part. */
static bool run_batch(qk_workers *wk, batch *b, uint32_t n, int *workers)
{
    wk->run(wk->ud, n, task, b);
    bool ok = atomic_load(&b->bad_worker) == 0 && atomic_load(&b->shared_worker) == 0;
    for (uint32_t i = 0; i < MAX_N; i++)
        ok &= atomic_load(&b->runs[i]) == (i < n);
    *workers = 0;
    for (uint32_t w = 0; w < b->count; w++)
        *workers += atomic_load(&b->used[w]) > 0;
    return ok;
}

typedef struct caller {
    qk_workers *wk;
    batch b;
    int failed; /* checked by main: CHECK is not thread-safe */
} caller;

static void *call_many(void *arg)
{
    caller *c = arg;
    int workers;
    for (int k = 0; k < 50; k++) {
        reset(&c->b, c->wk->count, k % 5 ? 0 : 100000);
        c->failed += !run_batch(c->wk, &c->b, 97, &workers);
    }
    return NULL;
}

int main(void)
{
    qr_pool *p = (qr_pool *)&p;
    CHECK_INT(qr_pool_create(0, &p), QR_ERR_INPUT);
    CHECK(p == NULL);
    CHECK_INT(qr_pool_create(QR_POOL_MAX + 1, &p), QR_ERR_INPUT);
    CHECK(p == NULL);
    qr_pool_free(NULL);

    static batch b;
    static const uint32_t sizes[] = {0, 1, 2, 3, 7, 64, 65, 1000, MAX_N};
    static const unsigned threads[] = {1, 2, 3, 4, 8, QR_POOL_MAX};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
        CHECK_INT(qr_pool_create(threads[t], &p), QR_OK);
        if (!p)
            continue;
        qk_workers wk = qr_pool_workers(p);
        CHECK_INT(wk.count, threads[t]);
        CHECK(wk.run != NULL);
        for (int round = 0; round < 20; round++)
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
                int workers;
                reset(&b, wk.count, 0);
                CHECK(run_batch(&wk, &b, sizes[s], &workers));
                CHECK(workers <= (int)wk.count);
            }
        /* Tasks that take a while overlap: with several threads, more than
         * one worker takes part (the caller alone would be a pool of one). */
        int workers;
        reset(&b, wk.count, 2000000);
        CHECK(run_batch(&wk, &b, 32, &workers));
        if (threads[t] > 1)
            CHECK(workers > 1);
        else
            CHECK_INT(workers, 1);
        qr_pool_free(p);
    }

    /* Two threads stepping two worlds on one pool: their batches take
     * turns, so worker indices are still never shared. */
    CHECK_INT(qr_pool_create(4, &p), QR_OK);
    if (p) {
        qk_workers wk = qr_pool_workers(p);
        static caller c1, c2;
        c1.wk = c2.wk = &wk;
        pthread_t t1, t2;
        CHECK_INT(pthread_create(&t1, NULL, call_many, &c1), 0);
        CHECK_INT(pthread_create(&t2, NULL, call_many, &c2), 0);
        pthread_join(t1, NULL);
        pthread_join(t2, NULL);
        CHECK_INT(c1.failed, 0);
        CHECK_INT(c2.failed, 0);
        qr_pool_free(p);
    }
    return qt_report();
}
