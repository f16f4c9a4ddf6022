/*
 * noise.h - integer value noise for world generation.
 *
 * Value noise: every point of an integer lattice gets a pseudo-random value
 * (a hash of its coordinates, rng.h), and points between lattice nodes blend
 * the surrounding node values with a quintic fade.  Everything is unsigned
 * fixed point with 16 fractional bits (Q16, 65536 = 1.0), so the result is a
 * pure function of (seed, coordinates) that every compiler and CPU computes
 * bit for bit alike.  Lattice cells are powers of two so that the cell of a
 * coordinate and the position inside it come from exact integer operations,
 * including at negative coordinates (floor semantics, never truncation).
 *
 * The exact definitions, so the noise can be reimplemented elsewhere:
 *
 *   cell(v, k)  = floor(v / 2^k)                 (floor, also for v < 0)
 *   frac(v, k)  = (v mod 2^k) << (16 - k)        (mod >= 0; Q16 in [0, 65536))
 *   node3(s,i,j,l) = qk__hash3(s, i, j, l) >> 48 (node (x,y,z) = (i,j,l);
 *   node2(s,i,l)   = qk__hash3(s, i, 0, l) >> 48  16 bits, 0..65535)
 *   fade(t)     = floor(t^3 * (6*t^2 + 10*2^32 - 15*t*2^16) / 2^64), exact
 *                 (the quintic 6t^5 - 15t^4 + 10t^3 in Q16, floored)
 *   lerp(a,b,f) = (a*(65536 - f) + b*f) >> 16    (a, b in 0..65535)
 *
 * value2 blends the 4 nodes around (x, z): first along x (the rows z0 and
 * z0+1), then those two results along z.  value3 blends the 8 nodes around
 * (x, y, z): along x (4 pairs), then along z (2 pairs), then along y.  Each
 * blend is lerp with f = fade(frac) of that axis; the order matters because
 * every lerp rounds down.  All shifts are of non-negative uint64_t values.
 */
#ifndef QK_INTERNAL_NOISE_H
#define QK_INTERNAL_NOISE_H

#include <stdbool.h>
#include <stdint.h>

#define QK_NOISE_ONE 65536u /* 1.0 in the noise's Q16 fixed point */

/* Quintic fade of t in Q16 [0, 65536]; returns Q16 in [0, 65536], with
 * fade(0) = 0 and fade(65536) = 65536.  O(1). */
uint32_t qk__noise_fade(uint32_t t);

/* Blend of a and b (0..65535) by f (Q16, 0..65536); result in 0..65535. */
uint32_t qk__noise_lerp(uint32_t a, uint32_t b, uint32_t f);

/* Splits coordinate v into its lattice cell floor(v / 2^shift) (returned)
 * and the Q16 position inside that cell (*frac16).  shift is 0..16 and
 * v must be greater than INT64_MIN. */
int64_t qk__noise_cell(int64_t v, unsigned shift, uint32_t *frac16);

/* 2D value noise at (x, z) on a square lattice of 2^shift blocks, shift
 * 0..16; result 0..65535, continuous in x and z.  Costs 4 hashes. */
uint32_t qk__noise_value2(uint64_t seed, int64_t x, int64_t z, unsigned shift);

/* 3D value noise at (x, y, z) on a lattice of 2^hshift blocks along x and z
 * and 2^vshift blocks along y (both 0..16); result 0..65535.  8 hashes. */
uint32_t qk__noise_value3(uint64_t seed, int64_t x, int64_t y, int64_t z,
                          unsigned hshift, unsigned vshift);

/* A box of precomputed 3D lattice nodes, for evaluating value3 at many
 * points of a small region with one hash per node instead of eight per
 * point.  qk__noise_box_value3 returns exactly what qk__noise_value3 would. */
#define QK_NOISE_BOX_NODES 512
typedef struct qk__noise_box {
    unsigned hshift, vshift;
    int64_t first[3];  /* lattice coordinates (x, y, z) of node[0] */
    uint32_t count[3]; /* nodes along x, y, z */
    uint16_t node[QK_NOISE_BOX_NODES]; /* [y][z][x] */
} qk__noise_box;

/* Fills b with the nodes needed for points lo <= (x, y, z) <= hi (arrays
 * in x, y, z order).  Returns false, leaving b unusable, when they exceed
 * QK_NOISE_BOX_NODES; then use qk__noise_value3.  O(nodes) hashes. */
bool qk__noise_box_init(qk__noise_box *b, uint64_t seed, unsigned hshift,
                        unsigned vshift, const int64_t lo[3], const int64_t hi[3]);

/* value3 at a point inside the box given to qk__noise_box_init.  No hashing. */
uint32_t qk__noise_box_value3(const qk__noise_box *b, int64_t x, int64_t y, int64_t z);

#endif /* QK_INTERNAL_NOISE_H */
