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

#include <xxhash.h>

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
