/*
 * feed.c - what a run and a bisection share (run_internal.h): the counting
 * allocator, the per-tick input feed and the capture of a tick's lines.
 */
#include <stdlib.h>
#include <string.h>

#include "run_internal.h"

void *qr__count_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    qr__counting *c = ud;
    if (nsize == 0) {
        free(ptr);
        c->cur -= ptr ? osize : 0;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (!p)
        return NULL;
    c->cur = c->cur - (ptr ? osize : 0) + nsize;
    if (c->cur > c->peak)
        c->peak = c->cur;
    return p;
}

qr_status qr__feed_init(qr__feed *f, const qr_scenario *sc)
{
    const qk_input *in = sc->inputs;
    size_t maxgroup = 1;
    for (size_t i = 0, j; i < sc->n_inputs; i = j) {
        for (j = i; j < sc->n_inputs && in[j].tick == in[i].tick; j++)
            ;
        if (j - i > maxgroup)
            maxgroup = j - i;
    }
    *f = (qr__feed){.sc = sc, .next = 0, .scratch = malloc(maxgroup * sizeof *f->scratch)};
    if (!f->scratch) {
        *f = (qr__feed){0};
        return QR_ERR_NOMEM;
    }
    return QR_OK;
}

void qr__feed_skip(qr__feed *f, uint64_t t0)
{
    while (f->next < f->sc->n_inputs && f->sc->inputs[f->next].tick < t0)
        f->next++;
}

size_t qr__feed_tick(qr__feed *f, uint64_t t)
{
    size_t n = 0;
    qr__feed_skip(f, t);
    while (f->next < f->sc->n_inputs && f->sc->inputs[f->next].tick == t)
        f->scratch[n++] = f->sc->inputs[f->next++];
    return n;
}

void qr__feed_free(qr__feed *f)
{
    free(f->scratch);
    *f = (qr__feed){0};
}

void qr__capture_add(qr__capture *c, const char *line, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        size_t nc = (c->cap ? c->cap * 2 : 4096) + n;
        char *nb = realloc(c->p, nc);
        if (!nb) {
            c->nomem = true;
            return;
        }
        c->p = nb;
        c->cap = nc;
    }
    memcpy(c->p + c->len, line, n);
    c->len += n;
    c->p[c->len] = 0;
}

void qr__capture_clear(qr__capture *c)
{
    c->len = 0;
    c->nomem = false;
    if (c->p)
        c->p[0] = 0;
}

void qr__capture_free(qr__capture *c)
{
    free(c->p);
    *c = (qr__capture){0};
}
