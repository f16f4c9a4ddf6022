/*
 * mem.h - the kernel's view of the caller's allocator.
 *
 * Every byte the kernel holds comes through qk__mem, which counts it, so
 * qk_world_memory can report exact usage (the per-chunk memory benchmark) and
 * tests can inject failure at the Nth allocation through the caller's
 * allocator.  Nothing here ever calls malloc: the library has no such symbol.
 */
#ifndef QK_INTERNAL_MEM_H
#define QK_INTERNAL_MEM_H

#include <stddef.h>
#include <string.h>

#include "quarry/qk.h"

typedef struct qk__mem {
    qk_allocator a;
    size_t bytes; /* currently held */
} qk__mem;

static inline void *qk__mem_alloc(qk__mem *m, size_t n)
{
    void *p = m->a.fn(m->a.ud, NULL, 0, n);
    if (p)
        m->bytes += n;
    return p;
}

static inline void *qk__mem_zalloc(qk__mem *m, size_t n)
{
    void *p = qk__mem_alloc(m, n);
    if (p)
        memset(p, 0, n);
    return p;
}

static inline void qk__mem_free(qk__mem *m, void *p, size_t n)
{
    if (!p)
        return;
    m->a.fn(m->a.ud, p, n, 0);
    m->bytes -= n;
}

#endif /* QK_INTERNAL_MEM_H */
