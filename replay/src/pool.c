/*
 * pool.c - a small pthread pool that runs the kernel's light work.
 *
 * The kernel never starts threads: a caller that wants its light
 * transactions computed in parallel hands it a qk_workers, whose run(n,
 * task) must call task(arg, i, worker) once for every i in 0..n-1 and
 * return when all are done.  `worker` names the thread (the kernel keeps
 * per-worker scratch memory indexed by it), so two tasks running at the
 * same time must never share one.
 *
 * Design: `count` workers, of which the calling thread is worker 0 and
 * count - 1 helper threads are workers 1..count-1, each bound to its index
 * for life.  A batch is published under the mutex (task, arg, n, next = 0)
 * and the helpers are woken; everyone, the caller included, claims the
 * next index under the mutex and runs it outside it, until none are left.
 * The caller then sleeps until the last claimed task has finished, so a
 * batch never overlaps the next one and a helper can never pick up an
 * index of a batch that is over.  run() calls are serialised by their own
 * mutex (worker 0 is one thread at a time); a task must not call run().
 *
 * Nothing spins: idle helpers and a caller waiting for stragglers sleep on
 * condition variables.  Cost per batch: one broadcast and one lock round
 * trip per task, which is small beside a light transaction (a BFS over up
 * to 3x3 columns).  A batch of one task runs on the caller alone.
 *
 * Which thread runs which task varies from run to run; the kernel merges
 * results in transaction order, so the event stream does not.
 */
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"

typedef struct helper {
    qr_pool *pool;
    uint32_t index; /* 1..count-1 */
    pthread_t thread;
} helper;

struct qr_pool {
    uint32_t count;            /* workers, the caller's thread included */
    helper *helpers;           /* [count - 1] */
    uint32_t started;          /* helpers whose thread runs */
    pthread_mutex_t run_mu;    /* one run() at a time */
    pthread_mutex_t mu;        /* guards everything below */
    pthread_cond_t work_cv;    /* helpers: a batch was published, or stop */
    pthread_cond_t done_cv;    /* the caller: the last task finished */
    qk_task_fn task;           /* the current batch, NULL between batches */
    void *arg;
    uint32_t n, next, finished;
    bool stop;
};

/* Claims and runs tasks of the current batch as `worker` until none is
 * left to claim.  Called and returns with p->mu held. */
static void work(qr_pool *p, uint32_t worker)
{
    while (p->task && p->next < p->n) {
        uint32_t i = p->next++;
        qk_task_fn task = p->task;
        void *arg = p->arg;
        pthread_mutex_unlock(&p->mu);
        task(arg, i, worker);
        pthread_mutex_lock(&p->mu);
        if (++p->finished == p->n)
            pthread_cond_signal(&p->done_cv);
    }
}

static void *helper_main(void *ud)
{
    helper *h = ud;
    qr_pool *p = h->pool;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && !(p->task && p->next < p->n))
            pthread_cond_wait(&p->work_cv, &p->mu);
        if (p->stop)
            break;
        work(p, h->index);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void pool_run(void *ud, uint32_t n, qk_task_fn task, void *arg)
{
    qr_pool *p = ud;
    if (n == 0)
        return;
    pthread_mutex_lock(&p->run_mu);
    if (n == 1 || p->count == 1) { /* nothing to share: no wake-ups */
        for (uint32_t i = 0; i < n; i++)
            task(arg, i, 0);
        pthread_mutex_unlock(&p->run_mu);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->task = task;
    p->arg = arg;
    p->n = n;
    p->next = 0;
    p->finished = 0;
    pthread_cond_broadcast(&p->work_cv);
    work(p, 0);
    while (p->finished < p->n)
        pthread_cond_wait(&p->done_cv, &p->mu);
    p->task = NULL;
    p->arg = NULL;
    pthread_mutex_unlock(&p->mu);
    pthread_mutex_unlock(&p->run_mu);
}

void qr_pool_free(qr_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    for (uint32_t i = 0; i < p->started; i++)
        pthread_join(p->helpers[i].thread, NULL);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->run_mu);
    free(p->helpers);
    free(p);
}

qr_status qr_pool_create(unsigned threads, qr_pool **out)
{
    *out = NULL;
    if (threads < 1 || threads > QR_POOL_MAX)
        return QR_ERR_INPUT;
    qr_pool *p = calloc(1, sizeof *p);
    if (!p)
        return QR_ERR_NOMEM;
    p->count = threads;
    p->helpers = calloc(threads > 1 ? threads - 1 : 1, sizeof *p->helpers);
    if (!p->helpers) {
        free(p);
        return QR_ERR_NOMEM;
    }
    /* Static initialisers cannot be assigned; init calls on fresh memory
     * do not fail on Linux, but their results are still checked. */
    if (pthread_mutex_init(&p->run_mu, NULL) || pthread_mutex_init(&p->mu, NULL) ||
        pthread_cond_init(&p->work_cv, NULL) || pthread_cond_init(&p->done_cv, NULL)) {
        free(p->helpers);
        free(p);
        return QR_ERR_NOMEM;
    }
    for (uint32_t i = 0; i + 1 < threads; i++) {
        p->helpers[i] = (helper){p, i + 1, 0};
        if (pthread_create(&p->helpers[i].thread, NULL, helper_main, &p->helpers[i]) != 0) {
            qr_pool_free(p); /* joins the ones that started */
            return QR_ERR_NOMEM;
        }
        p->started++;
    }
    *out = p;
    return QR_OK;
}

qk_workers qr_pool_workers(qr_pool *p)
{
    return (qk_workers){p->count, pool_run, p};
}
