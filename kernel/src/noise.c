/*
 * noise.c - integer value noise (see noise.h for the exact definitions).
 *
 * Why value noise rather than gradient (Perlin) noise: with integer math the
 * gradient dot products need signed products and rescaling, while value
 * noise is a chain of convex blends of unsigned 16-bit node values, which
 * stays in 0..65535 by construction and never needs a signed shift.  The
 * quintic fade hides the lattice well enough for terrain; fractal sums of a
 * few octaves (worldgen.c) hide the rest.
 *
 * Arithmetic: every intermediate is a non-negative uint64_t below 2^52,
 * except the fade's one 128-bit product, taken as its high half from 32-bit
 * pieces (mulhi64); nothing overflows and every shift is of an unsigned value.
 * Coordinates are split with qk__noise_cell, which is exact floor division
 * for negative coordinates too (the mask of a two's complement value modulo
 * a power of two is its floor remainder; C11 defines signed -> unsigned
 * conversion as reduction modulo 2^64).
 */
#include "noise.h"

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>

#include "rng.h"

/* High 64 bits of the 128-bit product a*b, from 32-bit halves (portable). */
static uint64_t mulhi64(uint64_t a, uint64_t b)
{
    uint64_t al = a & 0xFFFFFFFFu, ah = a >> 32;
    uint64_t bl = b & 0xFFFFFFFFu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

uint32_t qk__noise_fade(uint32_t t)
{
    assert(t <= QK_NOISE_ONE);
    uint64_t u = t;
    /* fade = t^3 * (6t^2 - 15t + 10), evaluated exactly and floored: t^3 in
     * Q48 times the quadratic in Q32 is the answer in Q80; its high 64 bits
     * are Q16.  The quadratic is at least 1 on [0, 1] (its minimum there, at
     * t = 1), so the unsigned sum never wraps; exact flooring keeps fade
     * monotone. */
    uint64_t cube = u * u * u;                                      /* <= 2^48 */
    uint64_t quad = 6u * u * u + ((uint64_t)10 << 32) - ((15u * u) << 16); /* <= 10*2^32 */
    return (uint32_t)mulhi64(cube, quad);
}

uint32_t qk__noise_lerp(uint32_t a, uint32_t b, uint32_t f)
{
    assert(a <= 0xFFFFu && b <= 0xFFFFu && f <= QK_NOISE_ONE);
    uint64_t s = (uint64_t)a * (QK_NOISE_ONE - f) + (uint64_t)b * f;
    return (uint32_t)(s >> 16);
}

int64_t qk__noise_cell(int64_t v, unsigned shift, uint32_t *frac16)
{
    assert(shift <= 16 && v > INT64_MIN);
    uint64_t size = (uint64_t)1 << shift;
    uint64_t rem = (uint64_t)v & (size - 1u); /* floor remainder, 0..size-1 */
    *frac16 = (uint32_t)(rem << (16u - shift));
    /* v - rem is an exact multiple of size, so truncating division is exact. */
    return (v - (int64_t)rem) / (int64_t)size;
}

static uint32_t node(uint64_t seed, int64_t x, int64_t y, int64_t z)
{
    return (uint32_t)(qk__hash3(seed, x, y, z) >> 48);
}

uint32_t qk__noise_value2(uint64_t seed, int64_t x, int64_t z, unsigned shift)
{
    uint32_t fx, fz;
    int64_t ix = qk__noise_cell(x, shift, &fx);
    int64_t iz = qk__noise_cell(z, shift, &fz);
    fx = qk__noise_fade(fx);
    fz = qk__noise_fade(fz);
    uint32_t r0 = qk__noise_lerp(node(seed, ix, 0, iz), node(seed, ix + 1, 0, iz), fx);
    uint32_t r1 = qk__noise_lerp(node(seed, ix, 0, iz + 1),
                                 node(seed, ix + 1, 0, iz + 1), fx);
    return qk__noise_lerp(r0, r1, fz);
}

/* The 3D blend shared by value3 and the box: n[dy][dz][dx] are the nodes
 * around the point, fx, fy, fz the raw Q16 positions in the cell. */
static uint32_t blend3(uint32_t n[2][2][2], uint32_t fx, uint32_t fy, uint32_t fz)
{
    fx = qk__noise_fade(fx);
    fy = qk__noise_fade(fy);
    fz = qk__noise_fade(fz);
    uint32_t plane[2];
    for (unsigned dy = 0; dy < 2; dy++) {
        uint32_t r0 = qk__noise_lerp(n[dy][0][0], n[dy][0][1], fx);
        uint32_t r1 = qk__noise_lerp(n[dy][1][0], n[dy][1][1], fx);
        plane[dy] = qk__noise_lerp(r0, r1, fz);
    }
    return qk__noise_lerp(plane[0], plane[1], fy);
}

uint32_t qk__noise_value3(uint64_t seed, int64_t x, int64_t y, int64_t z,
                          unsigned hshift, unsigned vshift)
{
    uint32_t fx, fy, fz, n[2][2][2];
    int64_t ix = qk__noise_cell(x, hshift, &fx);
    int64_t iy = qk__noise_cell(y, vshift, &fy);
    int64_t iz = qk__noise_cell(z, hshift, &fz);
    for (int64_t dy = 0; dy < 2; dy++)
        for (int64_t dz = 0; dz < 2; dz++)
            for (int64_t dx = 0; dx < 2; dx++)
                n[dy][dz][dx] = node(seed, ix + dx, iy + dy, iz + dz);
    return blend3(n, fx, fy, fz);
}

bool qk__noise_box_init(qk__noise_box *b, uint64_t seed, unsigned hshift,
                        unsigned vshift, const int64_t lo[3], const int64_t hi[3])
{
    uint32_t f;
    int64_t first[3], count[3];
    for (unsigned a = 0; a < 3; a++) {
        unsigned shift = a == 1 ? vshift : hshift;
        assert(lo[a] <= hi[a]);
        first[a] = qk__noise_cell(lo[a], shift, &f);
        count[a] = qk__noise_cell(hi[a], shift, &f) - first[a] + 2;
    }
    if (count[0] * count[1] * count[2] > QK_NOISE_BOX_NODES)
        return false;
    b->hshift = hshift;
    b->vshift = vshift;
    for (unsigned a = 0; a < 3; a++) {
        b->first[a] = first[a];
        b->count[a] = (uint32_t)count[a];
    }
    uint16_t *out = b->node;
    for (int64_t y = 0; y < count[1]; y++)
        for (int64_t z = 0; z < count[2]; z++)
            for (int64_t x = 0; x < count[0]; x++)
                *out++ = (uint16_t)node(seed, first[0] + x, first[1] + y, first[2] + z);
    return true;
}

uint32_t qk__noise_box_value3(const qk__noise_box *b, int64_t x, int64_t y, int64_t z)
{
    uint32_t fx, fy, fz, n[2][2][2];
    int64_t ix = qk__noise_cell(x, b->hshift, &fx) - b->first[0];
    int64_t iy = qk__noise_cell(y, b->vshift, &fy) - b->first[1];
    int64_t iz = qk__noise_cell(z, b->hshift, &fz) - b->first[2];
    assert(ix >= 0 && iy >= 0 && iz >= 0 && ix + 1 < (int64_t)b->count[0] &&
           iy + 1 < (int64_t)b->count[1] && iz + 1 < (int64_t)b->count[2]);
    for (unsigned dy = 0; dy < 2; dy++)
        for (unsigned dz = 0; dz < 2; dz++)
            for (unsigned dx = 0; dx < 2; dx++) {
                size_t i = ((size_t)(iy + dy) * b->count[2] + (size_t)(iz + dz)) * b->count[0] +
                           (size_t)(ix + dx);
                n[dy][dz][dx] = b->node[i];
            }
    return blend3(n, fx, fy, fz);
}
