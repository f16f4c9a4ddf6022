/*
 * qs_internal.h - what the files of adapters/region share; not installed.
 *
 * Errors: qs__error_set fills a caller's optional qs_error (code, file,
 * message) and returns the code, so a failure is one line:
 *     return qs__error_set(err, QS_ERR_CORRUPT, name, "bad %s", what);
 * then qs__error_region / _chunk / _offset add what is known about where.
 * qs__report_add appends a copy of an error to a qs_report.
 *
 * Bytes: every integer in the adapter's files is little-endian; the
 * put/get helpers read and write them on byte buffers whatever the host
 * (no unaligned loads, no implementation-defined conversions).
 * Checksums: qs__crc32 is zlib's crc32 (defined in region.c).
 */
#ifndef QUARRY_QS_INTERNAL_H
#define QUARRY_QS_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quarry/qs.h"

/* ---- errors ---------------------------------------------------------- */

/* Resets *e (no region, chunk or offset known), sets its code, its file
 * (truncated to fit; NULL means "") and its message (printf-style,
 * truncated).  e may be NULL.  Returns code. */
qs_status qs__error_set(qs_error *e, qs_status code, const char *file, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* The same with a va_list, for helpers of one's own. */
qs_status qs__error_vset(qs_error *e, qs_status code, const char *file, const char *fmt,
                         va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 0)))
#endif
    ;

/* Add a location to an error filled by qs__error_set; e may be NULL. */
void qs__error_region(qs_error *e, int32_t rx, int32_t rz);
void qs__error_chunk(qs_error *e, int32_t cx, int32_t cz);
void qs__error_offset(qs_error *e, uint64_t offset);

/* Appends a copy of *e to r (growing it geometrically); false when out of
 * memory, r unchanged then. */
bool qs__report_add(qs_report *r, const qs_error *e);

/* ---- little-endian integers ------------------------------------------ */

static inline void qs__put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline uint16_t qs__get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline void qs__put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t qs__get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Two's complement on disk; the conversions below are defined for every
 * value (a plain (int32_t) cast of a u32 above INT32_MAX is not). */
static inline void qs__put_i32(uint8_t *p, int32_t v)
{
    qs__put_u32(p, (uint32_t)v);
}

static inline int32_t qs__get_i32(const uint8_t *p)
{
    uint32_t u = qs__get_u32(p);
    return u <= INT32_MAX ? (int32_t)u : -(int32_t)(~u) - 1;
}

static inline void qs__put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t qs__get_u64(const uint8_t *p)
{
    return (uint64_t)qs__get_u32(p) | (uint64_t)qs__get_u32(p + 4) << 32;
}

/* ---- checksums -------------------------------------------------------- */

/* CRC-32 (zlib's crc32(), the ISO-HDLC polynomial) of p[0..len). */
uint32_t qs__crc32(const void *p, size_t len);

#endif /* QUARRY_QS_INTERNAL_H */
