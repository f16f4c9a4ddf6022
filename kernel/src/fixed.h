/*
 * fixed.h - integer helpers every kernel module uses for fixed-point math.
 *
 * C leaves right shifts of negative numbers implementation-defined and rounds
 * division toward zero, so the kernel never shifts signed values and uses
 * these explicit floor operations instead: the same result on every compiler.
 *
 * Trigonometry uses a quarter-wave table of round(4096 * sin(i * pi / 512)),
 * i = 0..256, computed once offline (python3: the expression above) and
 * committed as constants: no floating point runs in the kernel, ever.
 */
#ifndef QK_INTERNAL_FIXED_H
#define QK_INTERNAL_FIXED_H

#include <stdint.h>

#include "quarry/qk.h"

/* floor(a / b) for b > 0, correct for negative a. */
static inline int64_t qk__floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* floor(a / b) mod b for b > 0, in [0, b). */
static inline int64_t qk__floormod(int64_t a, int64_t b)
{
    int64_t m = a % b;
    return m < 0 ? m + b : m;
}

/* ceil(a / b) for b > 0. */
static inline int64_t qk__ceildiv(int64_t a, int64_t b)
{
    return -qk__floordiv(-a, b);
}

/* Block coordinate containing fixed-point coordinate v. */
static inline int32_t qk__fx_block(qk_fx v)
{
    return (int32_t)qk__floordiv(v, QK_FX_ONE);
}

/* v * num / den, truncating toward zero (defined for negatives since C99). */
static inline qk_fx qk__fx_scale(qk_fx v, int64_t num, int64_t den)
{
    return v * num / den;
}

static const int16_t qk__sin_q[257] = {
    0, 25, 50, 75, 101, 126, 151, 176, 201, 226, 251, 276,
    301, 326, 351, 376, 401, 426, 451, 476, 501, 526, 551, 576,
    601, 626, 651, 675, 700, 725, 750, 774, 799, 824, 848, 873,
    897, 922, 946, 971, 995, 1020, 1044, 1068, 1092, 1117, 1141, 1165,
    1189, 1213, 1237, 1261, 1285, 1309, 1332, 1356, 1380, 1404, 1427, 1451,
    1474, 1498, 1521, 1544, 1567, 1591, 1614, 1637, 1660, 1683, 1706, 1729,
    1751, 1774, 1797, 1819, 1842, 1864, 1886, 1909, 1931, 1953, 1975, 1997,
    2019, 2041, 2062, 2084, 2106, 2127, 2149, 2170, 2191, 2213, 2234, 2255,
    2276, 2296, 2317, 2338, 2359, 2379, 2399, 2420, 2440, 2460, 2480, 2500,
    2520, 2540, 2559, 2579, 2598, 2618, 2637, 2656, 2675, 2694, 2713, 2732,
    2751, 2769, 2788, 2806, 2824, 2843, 2861, 2878, 2896, 2914, 2932, 2949,
    2967, 2984, 3001, 3018, 3035, 3052, 3068, 3085, 3102, 3118, 3134, 3150,
    3166, 3182, 3198, 3214, 3229, 3244, 3260, 3275, 3290, 3305, 3320, 3334,
    3349, 3363, 3378, 3392, 3406, 3420, 3433, 3447, 3461, 3474, 3487, 3500,
    3513, 3526, 3539, 3551, 3564, 3576, 3588, 3600, 3612, 3624, 3636, 3647,
    3659, 3670, 3681, 3692, 3703, 3713, 3724, 3734, 3745, 3755, 3765, 3775,
    3784, 3794, 3803, 3812, 3822, 3831, 3839, 3848, 3857, 3865, 3873, 3881,
    3889, 3897, 3905, 3912, 3920, 3927, 3934, 3941, 3948, 3954, 3961, 3967,
    3973, 3979, 3985, 3991, 3996, 4002, 4007, 4012, 4017, 4022, 4027, 4031,
    4036, 4040, 4044, 4048, 4052, 4055, 4059, 4062, 4065, 4068, 4071, 4074,
    4076, 4079, 4081, 4083, 4085, 4087, 4088, 4090, 4091, 4092, 4093, 4094,
    4095, 4095, 4096, 4096, 4096,
};

/* sin of a binary angle (65536 per turn) in Q12, resolution 1/1024 turn. */
static inline int32_t qk__sin(uint16_t angle)
{
    uint32_t i = (uint32_t)angle >> 6; /* 0..1023 */
    uint32_t quadrant = i >> 8, k = i & 255u;
    switch (quadrant) {
    case 0: return qk__sin_q[k];
    case 1: return qk__sin_q[256 - k];
    case 2: return -qk__sin_q[k];
    default: return -qk__sin_q[256 - k];
    }
}

static inline int32_t qk__cos(uint16_t angle)
{
    return qk__sin((uint16_t)(angle + 16384u));
}

#endif /* QK_INTERNAL_FIXED_H */
