/*
 * hash.h - streaming XXH3 over little-endian records.
 *
 * Digest code writes fields with the bytes.h put helpers into a 512-byte
 * staging buffer, which is fed to XXH3 when full: few hash calls, bounded
 * stack, and the bytes hashed are explicit little-endian, never struct
 * memory.  Callers reserve the room a record needs with qk__hash_room.
 */
#ifndef QK_INTERNAL_HASH_H
#define QK_INTERNAL_HASH_H

/*
 * This header is the kernel's only way to xxhash, used header-only
 * (XXH_INLINE_ALL) so the library has no hash symbols to link.  xxhash also
 * defines a heap-allocating state constructor the kernel never calls; gcc at
 * -O0 still emits it, which would put malloc/free among the kernel's
 * undefined symbols.  Its two allocator calls are redirected to stubs for the
 * length of the include: stdlib.h is included first only so that xxhash's own
 * include of it is a no-op and the redirect touches xxhash's body alone.
 */
#include <stdlib.h>
static inline void *qk__xxh_no_malloc(size_t n) { (void)n; return NULL; }
static inline void qk__xxh_no_free(void *p) { (void)p; }
#define malloc(n) qk__xxh_no_malloc(n)
#define free(p) qk__xxh_no_free(p)
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>
#undef malloc
#undef free

#include "bytes.h"

typedef struct qk__hasher {
    XXH3_state_t st;
    uint8_t buf[512];
    qk__wbuf w;
} qk__hasher;

static inline void qk__hash_begin(qk__hasher *h)
{
    XXH3_64bits_reset(&h->st);
    h->w.p = h->buf;
    h->w.cap = sizeof h->buf;
    h->w.len = 0;
}

static inline void qk__hash_flush(qk__hasher *h)
{
    if (h->w.len)
        XXH3_64bits_update(&h->st, h->buf, h->w.len);
    h->w.len = 0;
}

/* The writer to put the next record (at most `need` <= 512 bytes) into. */
static inline qk__wbuf *qk__hash_room(qk__hasher *h, size_t need)
{
    if (h->w.len + need > sizeof h->buf)
        qk__hash_flush(h);
    return &h->w;
}

static inline uint64_t qk__hash_end(qk__hasher *h)
{
    qk__hash_flush(h);
    return XXH3_64bits_digest(&h->st);
}

#endif /* QK_INTERNAL_HASH_H */
