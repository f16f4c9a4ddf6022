/* sky.c - STUB while time of day and weather are written. */
#include "step.h"

qk_status qk__sky_init(qk_world *w, qk_diag *diag)
{
    (void)diag;
    w->day_length = w->cfg.day_length ? w->cfg.day_length : QK_DAY_DEFAULT;
    w->snow_line = w->cfg.snow_line ? w->cfg.snow_line : QK_SNOW_LINE_DEFAULT;
    w->daytime = w->cfg.start_time;
    w->weather = w->cfg.weather;
    w->weather_rng.state = qk__stream_seed(w->cfg.seed, QK_STREAM_WEATHER);
    w->weather_until = UINT64_MAX;
    return QK_OK;
}

void qk__sky_advance(qk__step *c)
{
    if (c->w->tick > 0)
        c->w->daytime++;
}

qk_status qk__sky_command(qk__step *c, const qk_input *in)
{
    qk__reject(c, in, QK_REASON_BAD_ARGUMENT);
    return QK_OK;
}

void qk__sky_tick(qk__step *c)
{
    (void)c;
}

qk_fx qk_sun_curve(uint32_t time, uint32_t day_length)
{
    (void)time, (void)day_length;
    return QK_FX_ONE;
}

void qk_world_time(const qk_world *w, qk_time_state *out)
{
    out->day = w->daytime / w->day_length;
    out->time = (uint32_t)(w->daytime % w->day_length);
    out->day_length = w->day_length;
    out->phase = w->phase;
    out->sun = qk_sun_curve(out->time, w->day_length);
    out->sky = out->sun;
    out->weather = w->weather;
    out->weather_until = w->weather_until;
}

qk_status qk_sky_effective(const qk_world *w, int32_t x, int32_t y, int32_t z, qk_fx *out)
{
    uint8_t sky, block;
    qk_status st = qk_light_at(w, x, y, z, &sky, &block);
    *out = st == QK_OK ? (qk_fx)sky * QK_FX_ONE : 0;
    return st;
}

qk_status qk_precipitation_at(const qk_world *w, int32_t x, int32_t z, qk_weather *out)
{
    (void)w, (void)x, (void)z;
    *out = QK_WEATHER_CLEAR;
    return QK_OK;
}
