/*
 * sky.c - time of day and weather.
 *
 * The day clock.  w->daytime counts ticks since day 0's midnight for the
 * tick being run (between steps: the last tick run; before the first step:
 * tick 0, which runs at cfg.start_time).  qk__sky_advance moves it one tick
 * at the start of every step but the first; an admin set_time replaces the
 * time of day within the current day.  time = daytime % day_length, day =
 * daytime / day_length; nothing else is stored, so the clock can never
 * drift from the tick counter except by a logged command.
 *
 * The sun.  The sun's height over a day is h = sin(2 pi (t/L - 1/4)) = -cos(2 pi t/L):
 * -1 at midnight, 0 at 06:00 and 18:00, 1 at noon.  Brightness is
 * b = clamp(2h + 1/2, 0, 1) passed through smoothstep b^2 (3 - 2b), so the
 * sun is exactly 0 while h <= -1/4 (about 19:00 to 05:00), exactly 1 while
 * h >= 1/4 (about 07:00 to 17:00) and rises and falls smoothly in between.
 * Everything is integer:
 *   - the curve is evaluated at u = min(t, L - t), the distance from
 *     midnight, so it is exactly symmetric around noon (t and L - t give the
 *     same value) and its two halves are mirror images by construction;
 *   - phi = 2 pi u/L - pi/2 = pi (4u - L) / (2L) lies in [-pi/2, pi/2]; it
 *     is formed in Q30 from round(pi * 2^30) as |4u - L| * PI_Q30 / (2L),
 *     which fits in 64 bits for every 32-bit L (|4u - L| <= L < 2^32,
 *     PI_Q30 < 2^32), and carries the sign of 4u - L;
 *   - h = phi - phi^3/6 + phi^5/120 (Taylor, Q30, on |phi|, sign put back:
 *     h is exactly odd).  The polynomial increases on all of [0, pi/2]
 *     (its derivative 1 - x^2/2 + x^4/24 has no root below 1.59), and only
 *     |h| < 1/4 (|phi| < 0.2527) escapes the clamp, where the truncation
 *     error is below phi^7/5040 < 1.4e-8;
 *   - b and smoothstep in Q30 (b^2 <= 2^60, b^2 (3 - 2b) / 2^30 < 2^62),
 *     then rounded to QK_FX_ONE units.
 * Error: the series and the Q30 floors add well under 1e-3 unit, so the
 * result is the true curve rounded to nearest, max error 0.5 unit of
 * QK_FX_ONE; tests/kernel/test_sky.c checks that at every tick of days of
 * 24, 25, 1440, 1441, 24000 and 1440000 ticks against a double-precision
 * reference (Bhaskara's formula would be off by up to ~20 units).  Noon
 * gives QK_FX_ONE and midnight 0 exactly.  All of it is uint64_t
 * arithmetic, bit-identical everywhere.  Out of contract arguments are
 * still defined: time is taken mod day_length, and day_length 0 means
 * QK_DAY_DEFAULT, as in the config.
 *
 * Phases follow from the curve: NIGHT while the sun is 0, DAY while it is
 * QK_FX_ONE, DAWN in between before noon (t < L/2), DUSK after.  Because
 * the curve only rises until noon and only falls after, every day passes
 * night -> dawn -> day -> dusk -> night, and qk__sky_tick announces each
 * change with one QK_EV_TIME (cause cycle) in the tick it happens.
 *
 * The sky scalar is what readers multiply skylight by:
 *     base = QK_SKY_NIGHT + (QK_FX_ONE - QK_SKY_NIGHT) * sun / QK_FX_ONE
 *     sky  = base * factor / QK_FX_ONE
 * with factor QK_FX_ONE (clear), 11/16 (rain, snow), 121/256 (thunder) of
 * it; both divisions round down.  Light data never changes with the time.
 *
 * Weather.  A state and the tick of its next scheduled change, drawn from
 * the world's own stream (QK_STREAM_WEATHER), which nothing else reads:
 * weather never shifts world generation or any other subsystem's numbers.
 * At a change, the first draw picks the next state, below(10) walking the
 * row of the transition table below in state order; the second draws how
 * long it lasts:
 *     clear           L/2 + below(L)
 *     rain, snow      L/4 + below(L/2)
 *     thunder         L/8 + below(L/4)
 * (at least 1 tick).  World creation draws the first duration for
 * cfg.weather, so the first change comes at that tick.  An admin weather
 * command sets the state at once and the next change `duration` ticks
 * later (drawn as above when 0), also when the state is unchanged: the
 * schedule moved, and the event says so.
 *
 * Precipitation is derived, never stored: clear skies drop nothing, snow
 * weather snows everywhere, and rain or thunder fall as snow on columns
 * whose highest opaque block (the light heightmap) is at or above the snow
 * line, or in a cold region: 128x128-block cells whose hash under the
 * QK_STREAM_CLIMATE seed is 0 mod 4 (a quarter of the cells).
 */
#include "fixed.h"
#include "step.h"

#define PI_Q30 3373259426u /* round(pi * 2^30) */
#define Q30 ((uint64_t)1 << 30)

/* Weather factors of the sky scalar, in QK_FX_ONE units. */
static const qk_fx weather_factor[QK_WEATHER__COUNT] = {
    [QK_WEATHER_CLEAR] = QK_FX_ONE,
    [QK_WEATHER_RAIN] = QK_FX_ONE * 11 / 16,
    [QK_WEATHER_SNOW] = QK_FX_ONE * 11 / 16,
    [QK_WEATHER_THUNDER] = QK_FX_ONE * 121 / 256,
};

/* Scheduled transitions: weight (in tenths) of each next state. */
static const uint8_t transition[QK_WEATHER__COUNT][QK_WEATHER__COUNT] = {
    /*                     clear rain snow thunder */
    [QK_WEATHER_CLEAR] = {0, 5, 2, 3},
    [QK_WEATHER_RAIN] = {7, 0, 0, 3},
    [QK_WEATHER_SNOW] = {8, 2, 0, 0},
    [QK_WEATHER_THUNDER] = {4, 6, 0, 0},
};

/* ---- the curve ---- */

/* h = sin(phi) in Q30 for 0 <= phi <= pi/2 (Q30): phi - phi^3/6 + phi^5/120. */
static uint64_t sin_q30(uint64_t phi)
{
    uint64_t p2 = phi * phi >> 30;
    uint64_t p3 = phi * p2 >> 30;
    uint64_t p5 = p3 * p2 >> 30;
    return phi - p3 / 6 + p5 / 120;
}

qk_fx qk_sun_curve(uint32_t time, uint32_t day_length)
{
    uint64_t L = day_length ? day_length : QK_DAY_DEFAULT;
    uint64_t t = time % L;
    uint64_t u = t <= L - t ? t : L - t; /* distance from midnight, 0..L/2 */
    bool below = 4 * u < L;               /* before 06:00 (or after 18:00) */
    uint64_t d = below ? L - 4 * u : 4 * u - L; /* |4u - L| <= L */
    uint64_t h = sin_q30(d * PI_Q30 / (2 * L)); /* |h|, Q30 */
    /* b = 2h + 1/2, clamped to [0, 1] */
    uint64_t b;
    if (below)
        b = 2 * h >= Q30 / 2 ? 0 : Q30 / 2 - 2 * h;
    else
        b = 2 * h >= Q30 / 2 ? Q30 : Q30 / 2 + 2 * h;
    uint64_t s = (b * b >> 30) * (3 * Q30 - 2 * b) >> 30; /* smoothstep, Q30 */
    return (qk_fx)((s + (Q30 / QK_FX_ONE / 2)) / (Q30 / QK_FX_ONE));
}

static qk_phase phase_of(uint32_t time, uint32_t day_length)
{
    qk_fx sun = qk_sun_curve(time, day_length);
    if (sun == 0)
        return QK_PHASE_NIGHT;
    if (sun == QK_FX_ONE)
        return QK_PHASE_DAY;
    return time < day_length / 2 ? QK_PHASE_DAWN : QK_PHASE_DUSK;
}

static qk_fx sky_scalar(qk_fx sun, qk_weather weather)
{
    qk_fx base = QK_SKY_NIGHT + (QK_FX_ONE - QK_SKY_NIGHT) * sun / QK_FX_ONE;
    return base * weather_factor[weather] / QK_FX_ONE;
}

static uint32_t time_of_day(const qk_world *w)
{
    return (uint32_t)(w->daytime % w->day_length);
}

/* ---- the weather stream ---- */

static uint64_t draw_duration(qk__rng *r, qk_weather s, uint32_t L)
{
    uint32_t base, span;
    switch (s) {
    case QK_WEATHER_CLEAR:
        base = L / 2, span = L;
        break;
    case QK_WEATHER_THUNDER:
        base = L / 8, span = L / 4;
        break;
    default: /* rain, snow */
        base = L / 4, span = L / 2;
        break;
    }
    uint64_t d = (uint64_t)base + (span ? qk__below(r, span) : 0);
    return d ? d : 1;
}

static qk_weather draw_next(qk__rng *r, qk_weather from)
{
    uint32_t x = qk__below(r, 10);
    for (uint32_t s = 0; s < QK_WEATHER__COUNT; s++) {
        if (x < transition[from][s])
            return (qk_weather)s;
        x -= transition[from][s];
    }
    return QK_WEATHER_CLEAR; /* unreachable: every row sums to 10 */
}

/* ---- events ---- */

static void emit_time(qk__step *c, qk_cause cause)
{
    const qk_world *w = c->w;
    uint32_t t = time_of_day(w);
    c->ev.type = QK_EV_TIME;
    c->ev.u.time.day = w->daytime / w->day_length;
    c->ev.u.time.time = t;
    c->ev.u.time.phase = w->phase;
    c->ev.u.time.sky = sky_scalar(qk_sun_curve(t, w->day_length), w->weather);
    c->ev.u.time.cause = cause;
    qk__emit(c);
}

static void emit_weather(qk__step *c, qk_weather old, qk_cause cause)
{
    c->ev.type = QK_EV_WEATHER;
    c->ev.u.weather.old = old;
    c->ev.u.weather.now = c->w->weather;
    c->ev.u.weather.until = c->w->weather_until;
    c->ev.u.weather.cause = cause;
    qk__emit(c);
}

/* ---- kernel entry points ---- */

qk_status qk__sky_init(qk_world *w, qk_diag *diag)
{
    const qk_world_config *cfg = &w->cfg;
    if (cfg->day_length && (cfg->day_length < QK_DAY_MIN || cfg->day_length > QK_DAY_MAX))
        return qk__fail(diag, QK_ERR_INVALID, "day_length outside 24..1440000", 0);
    w->day_length = cfg->day_length ? cfg->day_length : QK_DAY_DEFAULT;
    if (cfg->start_time >= w->day_length)
        return qk__fail(diag, QK_ERR_INVALID, "start_time not below day_length", 0);
    if ((unsigned)cfg->weather >= QK_WEATHER__COUNT)
        return qk__fail(diag, QK_ERR_INVALID, "unknown weather", 0);
    if (cfg->snow_line > 255)
        return qk__fail(diag, QK_ERR_INVALID, "snow_line above 255", 0);
    w->snow_line = cfg->snow_line ? cfg->snow_line : QK_SNOW_LINE_DEFAULT;
    w->daytime = cfg->start_time;
    w->phase = phase_of(cfg->start_time, w->day_length);
    w->weather = cfg->weather;
    w->weather_rng.state = qk__stream_seed(cfg->seed, QK_STREAM_WEATHER);
    w->weather_until = draw_duration(&w->weather_rng, w->weather, w->day_length);
    return QK_OK;
}

void qk__sky_advance(qk__step *c)
{
    if (c->w->tick > 0)
        c->w->daytime++;
}

qk_status qk__sky_command(qk__step *c, const qk_input *in)
{
    qk_world *w = c->w;
    if (in->op == QK_OP_SET_TIME) {
        if (in->u.set_time.time >= w->day_length) {
            qk__reject(c, in, QK_REASON_BAD_ARGUMENT);
            return QK_OK;
        }
        w->daytime = w->daytime / w->day_length * w->day_length + in->u.set_time.time;
        w->phase = phase_of(in->u.set_time.time, w->day_length);
        emit_time(c, QK_CAUSE_COMMAND);
        return QK_OK;
    }
    /* QK_OP_WEATHER */
    if ((unsigned)in->u.weather.state >= QK_WEATHER__COUNT) {
        qk__reject(c, in, QK_REASON_BAD_ARGUMENT);
        return QK_OK;
    }
    qk_weather old = w->weather;
    w->weather = in->u.weather.state;
    uint64_t d = in->u.weather.duration ? in->u.weather.duration
                                        : draw_duration(&w->weather_rng, w->weather, w->day_length);
    w->weather_until = w->tick + d;
    emit_weather(c, old, QK_CAUSE_COMMAND);
    return QK_OK;
}

void qk__sky_tick(qk__step *c)
{
    qk_world *w = c->w;
    if (w->tick >= w->weather_until) {
        qk_weather old = w->weather;
        w->weather = draw_next(&w->weather_rng, old);
        w->weather_until = w->tick + draw_duration(&w->weather_rng, w->weather, w->day_length);
        emit_weather(c, old, QK_CAUSE_SCHEDULE);
    }
    qk_phase now = phase_of(time_of_day(w), w->day_length);
    if (now != w->phase) {
        w->phase = now;
        emit_time(c, QK_CAUSE_CYCLE);
    }
}

/* ---- queries ---- */

void qk_world_time(const qk_world *w, qk_time_state *out)
{
    out->day = w->daytime / w->day_length;
    out->time = time_of_day(w);
    out->day_length = w->day_length;
    out->phase = w->phase;
    out->sun = qk_sun_curve(out->time, w->day_length);
    out->sky = sky_scalar(out->sun, w->weather);
    out->weather = w->weather;
    out->weather_until = w->weather_until;
}

qk_status qk_sky_effective(const qk_world *w, int32_t x, int32_t y, int32_t z, qk_fx *out)
{
    uint8_t sky;
    qk_status st = qk_light_at(w, x, y, z, &sky, NULL);
    if (st != QK_OK) {
        *out = 0;
        return st;
    }
    *out = (qk_fx)sky * sky_scalar(qk_sun_curve(time_of_day(w), w->day_length), w->weather);
    return QK_OK;
}

static bool cold_region(const qk_world *w, int32_t x, int32_t z)
{
    uint64_t seed = qk__stream_seed(w->cfg.seed, QK_STREAM_CLIMATE);
    return qk__hash3(seed, qk__floordiv(x, 128), 0, qk__floordiv(z, 128)) % 4 == 0;
}

qk_status qk_precipitation_at(const qk_world *w, int32_t x, int32_t z, qk_weather *out)
{
    *out = QK_WEATHER_CLEAR;
    const qk__chunk *c =
        qk__world_chunk(w, (int32_t)qk__floordiv(x, 16), (int32_t)qk__floordiv(z, 16));
    if (!c)
        return QK_ERR_RANGE;
    switch (w->weather) {
    case QK_WEATHER_CLEAR:
        return QK_OK;
    case QK_WEATHER_SNOW:
        *out = QK_WEATHER_SNOW;
        return QK_OK;
    default: { /* rain, thunder */
        int16_t top = c->light.height[qk__floormod(z, 16) * 16 + qk__floormod(x, 16)];
        bool snow = top >= (int32_t)w->snow_line || cold_region(w, x, z);
        *out = snow ? QK_WEATHER_SNOW : QK_WEATHER_RAIN;
        return QK_OK;
    }
    }
}
