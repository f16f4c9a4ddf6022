/*
 * bytes.h - little-endian encoding for snapshots and digests.
 *
 * Everything the kernel hashes or serialises goes through these helpers, so
 * digests and snapshots are the same bytes on little- and big-endian hosts.
 * The reader never reads past its end: a short buffer sets `bad` and yields
 * zeros, and the caller checks `bad` (and the offset) once per record.
 */
#ifndef QK_INTERNAL_BYTES_H
#define QK_INTERNAL_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct qk__wbuf {
    uint8_t *p;   /* NULL: only count */
    size_t cap;
    size_t len;   /* bytes written (or that would be written) */
} qk__wbuf;

static inline void qk__put8(qk__wbuf *b, uint8_t v)
{
    if (b->p && b->len < b->cap)
        b->p[b->len] = v;
    b->len++;
}

static inline void qk__put16(qk__wbuf *b, uint16_t v)
{
    qk__put8(b, (uint8_t)v);
    qk__put8(b, (uint8_t)(v >> 8));
}

static inline void qk__put32(qk__wbuf *b, uint32_t v)
{
    qk__put16(b, (uint16_t)v);
    qk__put16(b, (uint16_t)(v >> 16));
}

static inline void qk__put64(qk__wbuf *b, uint64_t v)
{
    qk__put32(b, (uint32_t)v);
    qk__put32(b, (uint32_t)(v >> 32));
}

static inline void qk__put_bytes(qk__wbuf *b, const uint8_t *p, size_t n)
{
    if (b->p && b->len < b->cap)
        memcpy(b->p + b->len, p, n <= b->cap - b->len ? n : b->cap - b->len);
    b->len += n;
}

typedef struct qk__rbuf {
    const uint8_t *p;
    size_t len;
    size_t pos;
    int bad; /* set once a read ran past the end */
} qk__rbuf;

static inline uint8_t qk__get8(qk__rbuf *r)
{
    if (r->pos >= r->len) {
        r->bad = 1;
        return 0;
    }
    return r->p[r->pos++];
}

static inline uint16_t qk__get16(qk__rbuf *r)
{
    uint16_t lo = qk__get8(r);
    return (uint16_t)(lo | (uint16_t)qk__get8(r) << 8);
}

static inline uint32_t qk__get32(qk__rbuf *r)
{
    uint32_t lo = qk__get16(r);
    return lo | (uint32_t)qk__get16(r) << 16;
}

static inline uint64_t qk__get64(qk__rbuf *r)
{
    uint64_t lo = qk__get32(r);
    return lo | (uint64_t)qk__get32(r) << 32;
}

#endif /* QK_INTERNAL_BYTES_H */
