/*
 * rng.h - the kernel's only sources of pseudo-randomness.
 *
 * Randomness in quarry is derived, never drawn from the OS: one root seed
 * (qk_world_config.seed) is split into one independent stream per subsystem
 * (qk__stream_seed), so a change in how one subsystem draws never shifts the
 * numbers another one sees.  Spatial randomness (world generation) does not
 * use a stream at all: it hashes coordinates (qk__hash3), so the value at a
 * voxel does not depend on the order chunks are generated in.
 *
 * All arithmetic is on unsigned 64-bit integers, whose overflow is defined,
 * so results are identical on every compiler and CPU.
 */
#ifndef QK_INTERNAL_RNG_H
#define QK_INTERNAL_RNG_H

#include <stdint.h>

/* Stream ids: append only, never renumber (that would change every world). */
enum qk__stream {
    QK_STREAM_WORLDGEN = 1,
    QK_STREAM_CHAIN = 2, /* seeds H(-1) of the chained digest */
    QK_STREAM_WEATHER = 3, /* the weather schedule */
    QK_STREAM_CLIMATE = 4  /* cold regions (qk_precipitation_at), hashed */
};

/* splitmix64 finaliser: a bijective 64-bit mixer. */
static inline uint64_t qk__mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Seed of subsystem stream `stream` under root seed `seed`. */
static inline uint64_t qk__stream_seed(uint64_t seed, uint32_t stream)
{
    return qk__mix64(seed ^ qk__mix64((uint64_t)stream * 0xD1B54A32D192ED03ull));
}

/* Hash of an integer lattice point under a seed; signed coordinates are
 * converted to unsigned (defined, two's complement modulo 2^64). */
static inline uint64_t qk__hash3(uint64_t seed, int64_t x, int64_t y, int64_t z)
{
    uint64_t h = qk__mix64(seed ^ (uint64_t)x);
    h = qk__mix64(h ^ (uint64_t)y);
    return qk__mix64(h ^ (uint64_t)z);
}

/* A sequential stream (splitmix64 state).  Use qk__next for each draw. */
typedef struct qk__rng {
    uint64_t state;
} qk__rng;

static inline uint64_t qk__next(qk__rng *r)
{
    r->state += 0x9E3779B97F4A7C15ull;
    uint64_t z = r->state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform integer in [0, n), n > 0, by rejection (no modulo bias). */
static inline uint32_t qk__below(qk__rng *r, uint32_t n)
{
    uint64_t limit = UINT64_MAX - (UINT64_MAX % n);
    uint64_t v;
    do {
        v = qk__next(r);
    } while (v >= limit);
    return (uint32_t)(v % n);
}

#endif /* QK_INTERNAL_RNG_H */
