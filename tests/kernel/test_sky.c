/*
 * test_sky.c - time of day and weather (sky.c): the sun curve's shape and
 * its error against a double-precision reference (here only: the kernel has
 * no floats), phases and their events over whole days, start_time, the
 * admin set_time and weather commands, the seeded weather schedule and its
 * isolation from every other stream, the sky scalar, precipitation (snow
 * line, cold regions on both sides of the origin), config validation,
 * snapshot/restore across phase and schedule changes, and the time and
 * weather digests.
 */
#include "fixture.h"
#include "rng.h"
#include "world.h"

static const uint32_t lengths[] = {QK_DAY_MIN, QK_DAY_DEFAULT, 24000, QK_DAY_MAX, 25, 1441};
#define N_LENGTHS (sizeof lengths / sizeof lengths[0])

/* ---- reference curve (test only) ---- */

#define REF_PI 3.14159265358979323846

static double ref_cos(double x)
{
    while (x > REF_PI)
        x -= 2 * REF_PI;
    while (x < -REF_PI)
        x += 2 * REF_PI;
    double term = 1, sum = 1;
    for (int k = 1; k < 40; k++) {
        term *= -x * x / ((2.0 * k - 1) * (2.0 * k));
        sum += term;
    }
    return sum;
}

static double ref_sun(uint32_t t, uint32_t L)
{
    double h = -ref_cos(2 * REF_PI * (double)t / (double)L);
    double b = 2 * h + 0.5;
    b = b < 0 ? 0 : b > 1 ? 1 : b;
    return b * b * (3 - 2 * b) * (double)QK_FX_ONE;
}

/* The phase rule of qk.h, restated from the public curve. */
static qk_phase rule_phase(uint32_t t, uint32_t L)
{
    qk_fx s = qk_sun_curve(t, L);
    if (s == 0)
        return QK_PHASE_NIGHT;
    if (s == QK_FX_ONE)
        return QK_PHASE_DAY;
    return t < L / 2 ? QK_PHASE_DAWN : QK_PHASE_DUSK;
}

static qk_fx rule_sky(qk_fx sun, qk_weather w)
{
    static const qk_fx f[QK_WEATHER__COUNT] = {4096, 2816, 2816, 1936};
    return (QK_SKY_NIGHT + (QK_FX_ONE - QK_SKY_NIGHT) * sun / QK_FX_ONE) * f[w] / QK_FX_ONE;
}

/* ---- worlds and recording ---- */

/* One superflat column (chunk 0, 0): the cheapest world to step. */
static qk_world_config small_cfg(uint32_t day_length, uint64_t seed)
{
    qk_world_config c = fx_flat_config();
    c.cx_min = c.cz_min = c.cx_max = c.cz_max = 0;
    c.day_length = day_length;
    c.seed = seed;
    return c;
}

static qk_world *make(const qk_world_config *cfg, fx_alloc *a)
{
    qk_allocator al = fx_allocator(a);
    qk_world *w = NULL;
    CHECK_INT(qk_world_create(&w, cfg, &fx_registry, &al, NULL), QK_OK);
    return w;
}

/* Events other than digests, and the chain of every tick. */
typedef struct rec {
    qk_event ev[8192];
    size_t n;
    uint64_t chain[4096];
} rec;

static void rec_fn(void *ud, const qk_event *ev)
{
    rec *r = ud;
    if (ev->type == QK_EV_DIGEST) {
        if (ev->tick < sizeof r->chain / sizeof r->chain[0])
            r->chain[ev->tick] = ev->u.digest.chain;
        return;
    }
    if (r->n < sizeof r->ev / sizeof r->ev[0])
        r->ev[r->n++] = *ev;
}

static void step_in(qk_world *w, qk_input *in, size_t n, rec *r)
{
    qk_sink s = {r ? rec_fn : NULL, r};
    for (size_t i = 0; i < n; i++)
        in[i].tick = qk_world_tick(w);
    CHECK_INT(qk_step(w, in, n, &s, NULL), QK_OK);
}

static size_t count(const rec *r, qk_event_type t)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++)
        k += r->ev[i].type == t;
    return k;
}

static qk_time_state now(const qk_world *w)
{
    qk_time_state t;
    qk_world_time(w, &t);
    return t;
}

static qk_input set_time(uint32_t player, uint32_t seq, uint32_t time)
{
    qk_input in = fx_op(0, player, seq, QK_OP_SET_TIME);
    in.u.set_time.time = time;
    return in;
}

static qk_input weather_cmd(uint32_t player, uint32_t seq, qk_weather s, uint32_t duration)
{
    qk_input in = fx_op(0, player, seq, QK_OP_WEATHER);
    in.u.weather.state = s;
    in.u.weather.duration = duration;
    return in;
}

/* The duration sky.c draws for state s: restated from the spec. */
static uint64_t spec_duration(qk__rng *r, qk_weather s, uint32_t L)
{
    uint64_t d;
    if (s == QK_WEATHER_CLEAR)
        d = L / 2 + qk__below(r, L);
    else if (s == QK_WEATHER_THUNDER)
        d = L / 8 + qk__below(r, L / 4);
    else
        d = L / 4 + qk__below(r, L / 2);
    return d ? d : 1;
}

/* ---- the curve ---- */

static void curve_shape(void)
{
    double worst = 0;
    for (size_t k = 0; k < N_LENGTHS; k++) {
        uint32_t L = lengths[k];
        CHECK_INT(qk_sun_curve(0, L), 0);
        CHECK_INT(qk_sun_curve(L / 2, L), QK_FX_ONE);
        int rises = 1, falls = 1, in_range = 1, mirrored = 1, symmetric = 1, rounded = 1;
        double err = 0;
        qk_fx prev = qk_sun_curve(0, L);
        for (uint32_t t = 0; t < L; t++) {
            qk_fx s = qk_sun_curve(t, L);
            in_range &= s >= 0 && s <= QK_FX_ONE;
            if (t > 0 && t <= L / 2)
                rises &= s >= prev;
            if (t > L / 2)
                falls &= s <= prev;
            if (t > 0)
                mirrored &= s == qk_sun_curve(L - t, L);
            if (t <= L / 2 && L % 2 == 0) { /* odd days: no tick at noon */
                qk_fx o = qk_sun_curve(L / 2 + t < L ? L / 2 + t : L / 2 + t - L, L);
                qk_fx e = qk_sun_curve(L / 2 - t, L);
                symmetric &= (o > e ? o - e : e - o) <= 1;
            }
            double ref = ref_sun(t, L), d = (double)s - ref;
            d = d < 0 ? -d : d;
            err = d > err ? d : err;
            /* correctly rounded, except where the reference is a hair from
             * a half (none is, for these lengths, as it happens) */
            double half = ref - (double)(long long)ref - 0.5;
            rounded &= s == (qk_fx)(ref + 0.5) || (half < 0 ? -half : half) < 1e-6;
            prev = s;
        }
        CHECK(rises);
        CHECK(falls);
        CHECK(in_range);
        CHECK(mirrored);
        CHECK(symmetric);
        CHECK(rounded);
        CHECK(err <= 0.5001);
        worst = err > worst ? err : worst;
    }
    printf("sun curve: max |error| vs double reference %.4f / %lld\n", worst, (long long)QK_FX_ONE);
    /* Well defined for any argument: time wraps, 0 is the default day. */
    CHECK_INT(qk_sun_curve(1440 + 720, 1440), QK_FX_ONE);
    CHECK_INT(qk_sun_curve(720, 0), QK_FX_ONE);
    CHECK_INT(qk_sun_curve(0, 0), 0);
    CHECK_INT(qk_sun_curve(UINT32_MAX / 2, UINT32_MAX), QK_FX_ONE);
    /* The smooth part: 06:00 is half way, dawn mirrors dusk. */
    CHECK_INT(qk_sun_curve(360, 1440), QK_FX_ONE / 2);
    CHECK_INT(qk_sun_curve(1080, 1440), QK_FX_ONE / 2);
    CHECK(qk_sun_curve(330, 1440) > 0 && qk_sun_curve(330, 1440) < QK_FX_ONE / 2);
    CHECK(qk_sun_curve(390, 1440) > QK_FX_ONE / 2 && qk_sun_curve(390, 1440) < QK_FX_ONE);
}

static void phases_in_order(void)
{
    for (size_t k = 0; k < N_LENGTHS; k++) {
        uint32_t L = lengths[k];
        static const qk_phase order[4] = {QK_PHASE_DAWN, QK_PHASE_DAY, QK_PHASE_DUSK,
                                          QK_PHASE_NIGHT};
        qk_phase p = rule_phase(0, L);
        CHECK_INT(p, QK_PHASE_NIGHT);
        int changes = 0, ordered = 1;
        for (uint32_t t = 1; t <= L; t++) {
            qk_phase q = rule_phase(t % L, L);
            if (q == p)
                continue;
            ordered &= changes < 4 && q == order[changes];
            changes++;
            p = q;
        }
        CHECK_INT(changes, 4);
        CHECK(ordered);
    }
}

/* ---- the day clock and its events ---- */

static void two_days_of_events(void)
{
    for (size_t k = 0; k < N_LENGTHS; k++) {
        uint32_t L = lengths[k];
        if (L == QK_DAY_MAX)
            continue; /* 2.9M ticks: phases_in_order covers its curve */
        fx_alloc a = {-1, 0, 0};
        qk_world_config cfg = small_cfg(L, 11);
        qk_world *w = make(&cfg, &a);
        static rec r;
        r.n = 0;
        CHECK_INT(now(w).phase, QK_PHASE_NIGHT);
        int at_right_ticks = 1, match_world = 1;
        size_t seen = 0;
        for (uint64_t t = 0; t < 2ull * L; t++) {
            size_t before = r.n;
            step_in(w, NULL, 0, &r);
            qk_time_state ts = now(w);
            at_right_ticks &= ts.time == t % L && ts.day == t / L;
            int changed = t > 0 && rule_phase((uint32_t)(t % L), L) !=
                                       rule_phase((uint32_t)((t - 1) % L), L);
            size_t here = 0;
            for (size_t i = before; i < r.n; i++) {
                const qk_event *e = &r.ev[i];
                if (e->type != QK_EV_TIME)
                    continue;
                here++;
                match_world &= e->tick == t && e->u.time.cause == QK_CAUSE_CYCLE &&
                               e->u.time.day == ts.day && e->u.time.time == ts.time &&
                               e->u.time.phase == ts.phase && e->u.time.sky == ts.sky &&
                               e->u.time.phase == rule_phase(ts.time, L) &&
                               ts.sky == rule_sky(ts.sun, ts.weather);
            }
            at_right_ticks &= here == (size_t)changed;
            seen += here;
        }
        CHECK_INT(seen, 8);
        CHECK_INT(count(&r, QK_EV_TIME), 8);
        CHECK(at_right_ticks);
        CHECK(match_world);
        qk_world_destroy(w);
        CHECK_INT(a.live, 0);
    }
}

static void start_time_honoured(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = small_cfg(0, 3);
    cfg.start_time = 1439;
    qk_world *w = make(&cfg, &a);
    qk_time_state t = now(w);
    CHECK_INT(t.day_length, QK_DAY_DEFAULT);
    CHECK_INT(t.time, 1439);
    CHECK_INT(t.day, 0);
    CHECK_INT(t.phase, QK_PHASE_NIGHT);
    step_in(w, NULL, 0, NULL); /* tick 0 runs at start_time */
    CHECK_INT(now(w).time, 1439);
    CHECK_INT(now(w).day, 0);
    step_in(w, NULL, 0, NULL);
    CHECK_INT(now(w).time, 0);
    CHECK_INT(now(w).day, 1);
    qk_world_destroy(w);

    /* Starting at noon of a 24-tick day: the first event is dusk at 18. */
    static rec r;
    r.n = 0;
    cfg = small_cfg(24, 3);
    cfg.start_time = 12;
    w = make(&cfg, &a);
    CHECK_INT(now(w).phase, QK_PHASE_DAY);
    CHECK_INT(now(w).sun, QK_FX_ONE);
    for (int i = 0; i < 12; i++)
        step_in(w, NULL, 0, &r);
    size_t first = r.n;
    for (size_t i = 0; i < r.n; i++)
        if (r.ev[i].type == QK_EV_TIME) {
            first = i;
            break;
        }
    CHECK(first < r.n);
    if (first < r.n) {
        CHECK_INT(r.ev[first].u.time.phase, QK_PHASE_DUSK);
        CHECK_INT(r.ev[first].u.time.time, 18);
        CHECK_INT(r.ev[first].tick, 6); /* tick T runs at 12 + T */
    }
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static void set_time_command(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = small_cfg(1440, 5);
    qk_world *w = make(&cfg, &a);
    static rec r;
    fx_idle(w, 1500, NULL); /* day 1, 00:59 */
    CHECK_INT(now(w).day, 1);

    /* From the host, player 0, without a join. */
    r.n = 0;
    qk_input in = set_time(0, 1, 720);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_REJECT), 0);
    CHECK_INT(count(&r, QK_EV_TIME), 1);
    CHECK_INT(r.ev[0].type, QK_EV_TIME);
    CHECK_INT(r.ev[0].u.time.cause, QK_CAUSE_COMMAND);
    CHECK_INT(r.ev[0].u.time.day, 1); /* same day */
    CHECK_INT(r.ev[0].u.time.time, 720);
    CHECK_INT(r.ev[0].u.time.phase, QK_PHASE_DAY);
    CHECK_INT(r.ev[0].u.time.sky, now(w).sky);
    CHECK_INT(now(w).time, 720);
    CHECK_INT(now(w).phase, QK_PHASE_DAY);
    step_in(w, NULL, 0, NULL);
    CHECK_INT(now(w).time, 721); /* the clock goes on from there */
    CHECK_INT(now(w).day, 1);

    /* Same phase: still announced. */
    r.n = 0;
    in = set_time(0, 1, 700);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_TIME), 1);
    CHECK_INT(r.ev[0].u.time.phase, QK_PHASE_DAY);

    /* Out of range. */
    r.n = 0;
    in = set_time(0, 1, 1440);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_TIME), 0);
    CHECK_INT(count(&r, QK_EV_REJECT), 1);
    CHECK_INT(r.ev[0].u.reject.reason, QK_REASON_BAD_ARGUMENT);
    CHECK_INT(r.ev[0].u.reject.op, QK_OP_SET_TIME);
    CHECK_INT(now(w).time, 701);

    /* A player that has not joined may not; a joined one may. */
    r.n = 0;
    in = set_time(9, 1, 0);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_REJECT), 1);
    CHECK_INT(r.ev[0].u.reject.reason, QK_REASON_UNKNOWN_PLAYER);
    qk_input j = fx_join(0, 9, 8, FX_GROUND, 8);
    step_in(w, &j, 1, NULL);
    r.n = 0;
    in = set_time(9, 2, 100);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_REJECT), 0);
    CHECK_INT(count(&r, QK_EV_TIME), 1);
    CHECK_INT(r.ev[0].u.time.phase, QK_PHASE_NIGHT);
    CHECK_INT(r.ev[0].u.time.cause, QK_CAUSE_COMMAND);
    CHECK_INT(now(w).time, 100);
    CHECK_INT(now(w).day, 1);

    /* Jumping across a phase boundary by command: no cycle event follows. */
    r.n = 0;
    in = set_time(0, 1, 359);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_TIME), 1);
    CHECK_INT(r.ev[0].u.time.phase, rule_phase(359, 1440));
    step_in(w, NULL, 0, &r);
    CHECK_INT(count(&r, QK_EV_TIME), 1 + (rule_phase(360, 1440) != rule_phase(359, 1440)));
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- weather ---- */

typedef struct wlog {
    uint64_t tick[512];
    qk_weather old[512], now[512];
    uint64_t until[512];
    size_t n;
} wlog;

/* Runs `ticks` ticks with no inputs and logs the weather events, checking
 * that they come exactly at the announced ticks and follow the table. */
static void schedule_run(uint64_t seed, uint32_t L, uint64_t ticks, wlog *out)
{
    static const uint8_t allowed[4][4] = {{0, 1, 1, 1}, {1, 0, 0, 1}, {1, 1, 0, 0}, {1, 1, 0, 0}};
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = small_cfg(L, seed);
    qk_world *w = make(&cfg, &a);
    static rec r;
    out->n = 0;
    int on_time = 1, chained = 1, legal = 1, durations = 1;
    qk__rng mirror = {qk__stream_seed(seed, QK_STREAM_WEATHER)};
    CHECK_U64(now(w).weather_until, spec_duration(&mirror, QK_WEATHER_CLEAR, L));
    for (uint64_t t = 0; t < ticks; t++) {
        qk_time_state before = now(w);
        r.n = 0;
        step_in(w, NULL, 0, &r);
        qk_time_state after = now(w);
        size_t k = count(&r, QK_EV_WEATHER);
        on_time &= k == (size_t)(t == before.weather_until);
        for (size_t i = 0; i < r.n; i++) {
            const qk_event *e = &r.ev[i];
            if (e->type != QK_EV_WEATHER)
                continue;
            chained &= e->u.weather.old == before.weather && e->u.weather.now == after.weather &&
                       e->u.weather.until == after.weather_until &&
                       e->u.weather.cause == QK_CAUSE_SCHEDULE && e->u.weather.until > t;
            legal &= allowed[e->u.weather.old][e->u.weather.now];
            /* the stream, restated: next state, then its duration */
            static const uint8_t row[4][4] = {{0, 5, 2, 3}, {7, 0, 0, 3}, {8, 2, 0, 0}, {4, 6, 0, 0}};
            uint32_t x = qk__below(&mirror, 10), s = 0;
            while (x >= row[before.weather][s])
                x -= row[before.weather][s++];
            durations &= s == (uint32_t)e->u.weather.now &&
                         e->u.weather.until == t + spec_duration(&mirror, (qk_weather)s, L);
            if (out->n < 512) {
                out->tick[out->n] = e->tick;
                out->old[out->n] = e->u.weather.old;
                out->now[out->n] = e->u.weather.now;
                out->until[out->n] = e->u.weather.until;
                out->n++;
            }
        }
        if (!k)
            chained &= after.weather == before.weather && after.weather_until == before.weather_until;
    }
    CHECK(on_time);
    CHECK(chained);
    CHECK(legal);
    CHECK(durations);
    CHECK_U64(w->weather_rng.state, mirror.state);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

static void weather_schedule(void)
{
    static wlog a, b, c;
    schedule_run(21, 24, 2000, &a);
    schedule_run(21, 24, 2000, &b);
    schedule_run(22, 24, 2000, &c);
    CHECK(a.n > 20); /* clear lasts ~L, the others ~L/2: about 2000/18 changes */
    int states[4] = {0};
    for (size_t i = 0; i < a.n; i++)
        states[a.now[i]]++;
    CHECK(states[0] && states[1] && states[2] && states[3]);
    CHECK_INT(a.n, b.n);
    int same = a.n == b.n, differ = a.n != c.n;
    for (size_t i = 0; i < a.n && i < b.n; i++)
        same &= a.tick[i] == b.tick[i] && a.now[i] == b.now[i] && a.until[i] == b.until[i];
    for (size_t i = 0; i < a.n && i < c.n; i++)
        differ |= a.tick[i] != c.tick[i] || a.now[i] != c.now[i];
    CHECK(same);
    CHECK(differ);
    schedule_run(5, QK_DAY_DEFAULT, 6000, &a);
    CHECK(a.n >= 2);
}

static void weather_command(void)
{
    fx_alloc al = {-1, 0, 0};
    qk_world_config cfg = small_cfg(240, 9);
    qk_world *w = make(&cfg, &al);
    static rec r;
    fx_idle(w, 10, NULL);

    /* With a duration: the schedule takes over exactly then. */
    r.n = 0;
    qk_weather was = now(w).weather;
    qk_input in = weather_cmd(0, 1, QK_WEATHER_THUNDER, 5);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_WEATHER), 1);
    CHECK_INT(r.ev[0].u.weather.old, was);
    CHECK_INT(r.ev[0].u.weather.now, QK_WEATHER_THUNDER);
    CHECK_INT(r.ev[0].u.weather.until, 15);
    CHECK_INT(r.ev[0].u.weather.cause, QK_CAUSE_COMMAND);
    CHECK_INT(now(w).weather, QK_WEATHER_THUNDER);
    CHECK_INT(now(w).weather_until, 15);
    r.n = 0;
    fx_idle(w, 15, NULL);
    step_in(w, NULL, 0, &r); /* tick 15 */
    CHECK_INT(count(&r, QK_EV_WEATHER), 1);
    CHECK_INT(r.ev[0].u.weather.cause, QK_CAUSE_SCHEDULE);
    CHECK_INT(r.ev[0].u.weather.old, QK_WEATHER_THUNDER);
    CHECK(r.ev[0].u.weather.now == QK_WEATHER_RAIN || r.ev[0].u.weather.now == QK_WEATHER_CLEAR);

    /* Without: drawn from the stream for the new state. */
    qk__rng mirror = w->weather_rng;
    uint64_t t = qk_world_tick(w);
    r.n = 0;
    in = weather_cmd(0, 1, QK_WEATHER_RAIN, 0);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_WEATHER), 1);
    uint64_t until = t + spec_duration(&mirror, QK_WEATHER_RAIN, 240);
    CHECK_U64(r.ev[0].u.weather.until, until);
    CHECK(until >= t + 60 && until < t + 60 + 120);
    CHECK_U64(w->weather_rng.state, mirror.state);

    /* The same state again: the schedule moved, and the event says so. */
    r.n = 0;
    in = weather_cmd(0, 1, QK_WEATHER_RAIN, 1000);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_WEATHER), 1);
    CHECK_INT(r.ev[0].u.weather.old, QK_WEATHER_RAIN);
    CHECK_INT(r.ev[0].u.weather.now, QK_WEATHER_RAIN);
    CHECK_U64(r.ev[0].u.weather.until, qk_world_tick(w) - 1 + 1000);

    /* Unknown state; a player that has not joined. */
    r.n = 0;
    in = weather_cmd(0, 1, QK_WEATHER__COUNT, 0);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_WEATHER), 0);
    CHECK_INT(count(&r, QK_EV_REJECT), 1);
    CHECK_INT(r.ev[0].u.reject.reason, QK_REASON_BAD_ARGUMENT);
    CHECK_INT(r.ev[0].u.reject.op, QK_OP_WEATHER);
    r.n = 0;
    in = weather_cmd(4, 1, QK_WEATHER_SNOW, 0);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_REJECT), 1);
    CHECK_INT(r.ev[0].u.reject.reason, QK_REASON_UNKNOWN_PLAYER);
    CHECK_INT(now(w).weather, QK_WEATHER_RAIN);
    qk_input j = fx_join(0, 4, 8, FX_GROUND, 8);
    step_in(w, &j, 1, NULL);
    r.n = 0;
    in = weather_cmd(4, 1, QK_WEATHER_SNOW, 0);
    step_in(w, &in, 1, &r);
    CHECK_INT(count(&r, QK_EV_REJECT), 0);
    CHECK_INT(count(&r, QK_EV_WEATHER), 1);
    CHECK_INT(now(w).weather, QK_WEATHER_SNOW);
    qk_world_destroy(w);
    CHECK_INT(al.live, 0);
}

/* Weather draws touch no other stream: worlds that differ only in their
 * weather (config and commands) agree on everything else, tick by tick. */
static void weather_is_isolated(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config c1 = small_cfg(24, 77);
    c1.generator = QK_GEN_TERRAIN;
    c1.cx_max = c1.cz_max = 1;
    c1.terrain = (qk_terrain_params){B_BEDROCK, B_STONE, B_DIRT, B_GRASS, 64, 12, 100};
    qk_world_config c2 = c1;
    c2.weather = QK_WEATHER_THUNDER;
    qk_world *w1 = make(&c1, &a), *w2 = make(&c2, &a);
    qk_digests d1, d2;
    qk_world_digests(w1, &d1);
    qk_world_digests(w2, &d2);
    CHECK_U64(d1.chain, d2.chain); /* H(-1) depends on the seed only */
    CHECK_U64(d1.sub[QK_SUB_BLOCKS], d2.sub[QK_SUB_BLOCKS]);
    CHECK_U64(d1.sub[QK_SUB_LIGHT], d2.sub[QK_SUB_LIGHT]);
    CHECK(d1.sub[QK_SUB_WEATHER] != d2.sub[QK_SUB_WEATHER]);
    int same = 1, weather_differs = 0;
    for (uint64_t t = 0; t < 300; t++) {
        qk_input in[2];
        size_t n = 0;
        if (t % 7 == 3)
            in[n++] = weather_cmd(0, 1, (qk_weather)(t % 4), (uint32_t)(t % 3));
        if (t == 0)
            in[n++] = fx_join(0, 1, 4, 80, 4);
        step_in(w2, in, n, NULL);
        qk_input j = fx_join(0, 1, 4, 80, 4);
        step_in(w1, &j, t == 0, NULL);
        qk_world_digests(w1, &d1);
        qk_world_digests(w2, &d2);
        for (int s = 0; s < QK_SUB__COUNT; s++)
            if (s != QK_SUB_WEATHER)
                same &= d1.sub[s] == d2.sub[s];
        weather_differs |= d1.sub[QK_SUB_WEATHER] != d2.sub[QK_SUB_WEATHER];
    }
    CHECK(same);
    CHECK(weather_differs);
    qk_world_destroy(w1);
    qk_world_destroy(w2);
    CHECK_INT(a.live, 0);
}

static void sky_scalar_per_weather(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = small_cfg(1440, 1);
    cfg.start_time = 720;
    qk_world *w = make(&cfg, &a);
    static const qk_fx noon[4] = {4096, 2816, 2816, 1936};
    static const qk_fx night[4] = {819, 563, 563, 387};
    for (int s = 0; s < QK_WEATHER__COUNT; s++) {
        qk_input in[2] = {weather_cmd(0, 1, (qk_weather)s, 100), set_time(0, 2, 720)};
        step_in(w, in, 2, NULL);
        qk_time_state t = now(w);
        CHECK_INT(t.weather, s);
        CHECK_INT(t.sun, QK_FX_ONE);
        CHECK_INT(t.sky, noon[s]);
        qk_fx eff = -1;
        CHECK_INT(qk_sky_effective(w, 3, FX_GROUND, 3, &eff), QK_OK);
        CHECK_INT(eff, 15 * noon[s]);
        CHECK_INT(qk_sky_effective(w, 3, 1, 3, &eff), QK_OK); /* in the rock */
        CHECK_INT(eff, 0);
        in[1] = set_time(0, 2, 0);
        step_in(w, in, 2, NULL);
        t = now(w);
        CHECK_INT(t.sun, 0);
        CHECK_INT(t.sky, night[s]);
        CHECK_INT(qk_sky_effective(w, 3, 200, 3, &eff), QK_OK);
        CHECK_INT(eff, 15 * night[s]);
        /* every time of day agrees with the formula of qk.h */
        int formula = 1;
        for (uint32_t m = 1; m < 1440; m += 97) {
            qk_input st = set_time(0, 1, m);
            step_in(w, &st, 1, NULL);
            t = now(w);
            formula &= t.time == m && t.sun == qk_sun_curve(m, 1440) &&
                       t.sky == rule_sky(t.sun, (qk_weather)s);
        }
        CHECK(formula);
    }
    qk_fx eff = 7;
    CHECK_INT(qk_sky_effective(w, 16, 10, 0, &eff), QK_ERR_RANGE);
    CHECK_INT(eff, 0);
    CHECK_INT(qk_sky_effective(w, 0, 256, 0, &eff), QK_ERR_RANGE);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- precipitation ---- */

static int cold(uint64_t seed, int64_t cellx, int64_t cellz)
{
    return qk__hash3(qk__stream_seed(seed, QK_STREAM_CLIMATE), cellx, 0, cellz) % 4 == 0;
}

static void precipitation(void)
{
    /* A seed whose cold cell is (-1, -1) among the four around the origin:
     * truncating division would put x, z in -31..-1 into warm cell 0. */
    uint64_t seed = 1;
    while (!(cold(seed, -1, -1) && !cold(seed, 0, 0) && !cold(seed, -1, 0) && !cold(seed, 0, -1)))
        seed++;
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = fx_flat_config(); /* x, z in -32..31, top opaque y = 3 */
    cfg.seed = seed;
    cfg.snow_line = 4;
    qk_world *w = make(&cfg, &a);
    qk_input j = fx_join(0, 1, 0, FX_GROUND, 0);
    qk_input in[2] = {j, weather_cmd(0, 1, QK_WEATHER_CLEAR, 1000)};
    step_in(w, in, 2, NULL);
    qk_weather p = QK_WEATHER__COUNT;
    CHECK_INT(qk_precipitation_at(w, 5, 5, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_CLEAR);

    in[0] = weather_cmd(0, 1, QK_WEATHER_RAIN, 1000);
    step_in(w, in, 1, NULL);
    int rule = 1, snowy = 0, rainy = 0;
    for (int32_t x = -32; x < 32; x++)
        for (int32_t z = -32; z < 32; z++) {
            CHECK_INT(qk_precipitation_at(w, x, z, &p), QK_OK);
            qk_weather want = x < 0 && z < 0 ? QK_WEATHER_SNOW : QK_WEATHER_RAIN;
            rule &= p == want;
            snowy += p == QK_WEATHER_SNOW;
            rainy += p == QK_WEATHER_RAIN;
        }
    CHECK(rule);
    CHECK_INT(snowy, 32 * 32);
    CHECK_INT(rainy, 3 * 32 * 32);
    CHECK_INT(qk_precipitation_at(w, -1, -1, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_SNOW);
    CHECK_INT(qk_precipitation_at(w, 0, -1, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_RAIN);
    CHECK_INT(qk_precipitation_at(w, -1, 0, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_RAIN);

    /* A block at the snow line turns its column's rain to snow. */
    qk_input put = fx_op(0, 1, 7, QK_OP_PLACE);
    put.u.place.x = 2;
    put.u.place.y = FX_GROUND - 1;
    put.u.place.z = 0;
    put.u.place.face = QK_FACE_UP;
    step_in(w, &put, 1, NULL);
    qk_block_id b = 0;
    CHECK_INT(qk_block_at(w, 2, FX_GROUND, 0, &b), QK_OK);
    CHECK_INT(b, B_STONE);
    CHECK_INT(qk_precipitation_at(w, 2, 0, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_SNOW);
    CHECK_INT(qk_precipitation_at(w, 3, 0, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_RAIN);

    /* Thunder falls like rain; snow weather snows everywhere. */
    in[0] = weather_cmd(0, 1, QK_WEATHER_THUNDER, 1000);
    step_in(w, in, 1, NULL);
    CHECK_INT(qk_precipitation_at(w, 2, 0, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_SNOW);
    CHECK_INT(qk_precipitation_at(w, 31, 31, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_RAIN);
    CHECK_INT(qk_precipitation_at(w, -32, -32, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_SNOW);
    in[0] = weather_cmd(0, 1, QK_WEATHER_SNOW, 1000);
    step_in(w, in, 1, NULL);
    int all_snow = 1;
    for (int32_t x = -32; x < 32; x += 3)
        for (int32_t z = -32; z < 32; z += 3)
            all_snow &= qk_precipitation_at(w, x, z, &p) == QK_OK && p == QK_WEATHER_SNOW;
    CHECK(all_snow);

    /* Outside the loaded world, whatever the weather. */
    CHECK_INT(qk_precipitation_at(w, 32, 0, &p), QK_ERR_RANGE);
    CHECK_INT(qk_precipitation_at(w, 0, -33, &p), QK_ERR_RANGE);
    CHECK_INT(qk_precipitation_at(w, INT32_MIN, INT32_MAX, &p), QK_ERR_RANGE);
    qk_world_destroy(w);

    /* Snow line at the ground's top block: every column snows under rain;
     * the default line (96) is far above it. */
    cfg.seed = seed;
    cfg.snow_line = 3;
    cfg.weather = QK_WEATHER_RAIN;
    w = make(&cfg, &a);
    CHECK_INT(qk_precipitation_at(w, 20, 20, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_SNOW);
    qk_world_destroy(w);
    cfg.snow_line = 0;
    w = make(&cfg, &a);
    CHECK_INT(qk_precipitation_at(w, 20, 20, &p), QK_OK);
    CHECK_INT(p, QK_WEATHER_RAIN);
    qk_world_destroy(w);
    CHECK_INT(a.live, 0);
}

/* ---- configuration ---- */

static void config_validation(void)
{
    struct {
        uint32_t day_length, start_time;
        int weather;
        uint32_t snow_line;
        qk_status want;
    } cases[] = {
        {0, 0, 0, 0, QK_OK},
        {QK_DAY_MIN, QK_DAY_MIN - 1, QK_WEATHER_THUNDER, 255, QK_OK},
        {QK_DAY_MAX, QK_DAY_MAX - 1, 0, 1, QK_OK},
        {0, QK_DAY_DEFAULT - 1, 0, 0, QK_OK},
        {QK_DAY_MIN - 1, 0, 0, 0, QK_ERR_INVALID},
        {1, 0, 0, 0, QK_ERR_INVALID},
        {QK_DAY_MAX + 1, 0, 0, 0, QK_ERR_INVALID},
        {0, QK_DAY_DEFAULT, 0, 0, QK_ERR_INVALID},
        {100, 100, 0, 0, QK_ERR_INVALID},
        {0, 0, QK_WEATHER__COUNT, 0, QK_ERR_INVALID},
        {0, 0, -1, 0, QK_ERR_INVALID},
        {0, 0, 0, 256, QK_ERR_INVALID},
        {0, 0, 0, 65535, QK_ERR_INVALID},
    };
    fx_alloc a = {-1, 0, 0};
    qk_allocator al = fx_allocator(&a);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qk_world_config cfg = small_cfg(cases[i].day_length, 1);
        cfg.start_time = cases[i].start_time;
        cfg.weather = (qk_weather)cases[i].weather;
        cfg.snow_line = (uint16_t)cases[i].snow_line;
        qk_world *w = (qk_world *)&a; /* must come back NULL on error */
        qk_diag d;
        memset(&d, 0, sizeof d);
        qk_status st = qk_world_create(&w, &cfg, &fx_registry, &al, &d);
        CHECK_INT(st, cases[i].want);
        if (st == QK_OK) {
            CHECK_INT(now(w).day_length, cases[i].day_length ? cases[i].day_length : QK_DAY_DEFAULT);
            CHECK_INT(now(w).time, cases[i].start_time);
            CHECK_INT(now(w).weather, cases[i].weather);
            CHECK_INT(w->snow_line, cases[i].snow_line ? cases[i].snow_line : QK_SNOW_LINE_DEFAULT);
            CHECK_INT(now(w).phase, rule_phase(cases[i].start_time, now(w).day_length));
            qk_world_destroy(w);
        } else {
            CHECK(w == NULL);
            CHECK_INT(d.code, st);
            CHECK(d.what != NULL && d.what[0] != 0);
        }
    }
    CHECK_INT(a.live, 0);
}

/* ---- snapshot / restore ---- */

#define SNAP_TICKS 220

/* Commands in a run of a 24-tick day: phase changes every few ticks,
 * schedule changes every dozen or so, and a command now and then. */
static size_t sky_script(uint64_t t, qk_input *in)
{
    size_t n = 0;
    if (t == 0)
        in[n++] = fx_join(0, 1, 8, FX_GROUND, 8);
    if (t == 40)
        in[n++] = set_time(0, 1, 17);
    if (t == 41)
        in[n++] = weather_cmd(1, 1, QK_WEATHER_SNOW, 0);
    if (t == 90)
        in[n++] = weather_cmd(0, 1, QK_WEATHER_THUNDER, 3);
    if (t == 130)
        in[n++] = set_time(1, 2, 5);
    for (size_t i = 0; i < n; i++)
        in[i].tick = t;
    return n;
}

static void run_script(qk_world *w, uint64_t until, rec *r)
{
    while (qk_world_tick(w) < until) {
        qk_input in[4];
        size_t n = sky_script(qk_world_tick(w), in);
        step_in(w, in, n, r);
    }
}

static int same_event(const qk_event *a, const qk_event *b)
{
    if (a->tick != b->tick || a->type != b->type)
        return 0;
    switch (a->type) {
    case QK_EV_TIME:
        return a->u.time.day == b->u.time.day && a->u.time.time == b->u.time.time &&
               a->u.time.phase == b->u.time.phase && a->u.time.sky == b->u.time.sky &&
               a->u.time.cause == b->u.time.cause;
    case QK_EV_WEATHER:
        return a->u.weather.old == b->u.weather.old && a->u.weather.now == b->u.weather.now &&
               a->u.weather.until == b->u.weather.until && a->u.weather.cause == b->u.weather.cause;
    case QK_EV_REJECT:
        return a->u.reject.player == b->u.reject.player && a->u.reject.reason == b->u.reject.reason;
    default:
        return 1;
    }
}

static int same_time(const qk_time_state *a, const qk_time_state *b)
{
    return a->day == b->day && a->time == b->time && a->day_length == b->day_length &&
           a->phase == b->phase && a->sun == b->sun && a->sky == b->sky &&
           a->weather == b->weather && a->weather_until == b->weather_until;
}

static void snapshot_mid_run(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_allocator al = fx_allocator(&a);
    qk_world_config cfg = small_cfg(24, 123);
    static rec straight, resumed;
    straight.n = 0;
    qk_world *w = make(&cfg, &a);
    run_script(w, SNAP_TICKS, &straight);
    qk_time_state end = now(w);
    qk_world_destroy(w);
    CHECK(count(&straight, QK_EV_TIME) > 30);
    CHECK(count(&straight, QK_EV_WEATHER) > 8);

    int events_same = 1, chains_same = 1, end_same = 1, restored = 1;
    for (uint64_t k = 0; k < SNAP_TICKS; k += 3) {
        w = make(&cfg, &a);
        run_script(w, k, NULL);
        resumed.n = 0;
        size_t len = qk_snapshot_size(w), wrote = 0;
        uint8_t *buf = malloc(len);
        CHECK_INT(qk_snapshot_write(w, buf, len, &wrote), QK_OK);
        qk_time_state at = now(w);
        qk_digests d0;
        qk_world_digests(w, &d0);
        qk_world_destroy(w);
        qk_world *r = NULL;
        qk_status st = qk_world_restore(&r, buf, wrote, &fx_registry, &al, NULL);
        free(buf);
        restored &= st == QK_OK && r != NULL;
        if (!r)
            continue;
        qk_time_state back = now(r);
        qk_digests d1;
        qk_world_digests(r, &d1);
        restored &= same_time(&at, &back) && d0.chain == d1.chain &&
                    d0.sub[QK_SUB_TIME] == d1.sub[QK_SUB_TIME] &&
                    d0.sub[QK_SUB_WEATHER] == d1.sub[QK_SUB_WEATHER];
        run_script(r, SNAP_TICKS, &resumed);
        qk_time_state e = now(r);
        end_same &= same_time(&e, &end);
        qk_world_destroy(r);
        for (uint64_t t = k; t < SNAP_TICKS; t++)
            chains_same &= straight.chain[t] == resumed.chain[t];
        /* events from tick k on: the same list */
        size_t i = 0;
        while (i < straight.n && straight.ev[i].tick < k)
            i++;
        events_same &= straight.n - i == resumed.n;
        for (size_t m = 0; m < resumed.n && i + m < straight.n; m++)
            events_same &= same_event(&straight.ev[i + m], &resumed.ev[m]);
    }
    CHECK(restored);
    CHECK(events_same);
    CHECK(chains_same);
    CHECK(end_same);
    CHECK_INT(a.live, 0);
}

/* ---- digests ---- */

static void digests_follow_state(void)
{
    fx_alloc a = {-1, 0, 0};
    qk_world_config cfg = small_cfg(24, 31);
    qk_world *w = make(&cfg, &a), *v = make(&cfg, &a);
    static rec r;
    qk_digests prev, d;
    qk_world_digests(w, &prev);
    int time_moves = 1, weather_tracks = 1, changes = 0;
    for (uint64_t t = 0; t < 200; t++) {
        r.n = 0;
        step_in(w, NULL, 0, &r);
        qk_world_digests(w, &d);
        if (t > 0)
            time_moves &= d.sub[QK_SUB_TIME] != prev.sub[QK_SUB_TIME];
        int changed = count(&r, QK_EV_WEATHER) > 0;
        changes += changed;
        weather_tracks &= (d.sub[QK_SUB_WEATHER] != prev.sub[QK_SUB_WEATHER]) == changed;
        prev = d;
    }
    CHECK(time_moves);
    CHECK(weather_tracks);
    CHECK(changes > 5);

    /* Commands: v follows w's ticks; set_time and weather each move only
     * their own digest. */
    fx_idle(v, 200, NULL);
    qk_digests dv;
    qk_world_digests(v, &dv);
    CHECK_U64(dv.chain, d.chain);
    qk_input in = set_time(0, 1, (uint32_t)((200 + 7) % 24));
    step_in(w, &in, 1, NULL);
    step_in(v, NULL, 0, NULL);
    qk_world_digests(w, &d);
    qk_world_digests(v, &dv);
    CHECK(d.sub[QK_SUB_TIME] != dv.sub[QK_SUB_TIME]);
    CHECK_U64(d.sub[QK_SUB_WEATHER], dv.sub[QK_SUB_WEATHER]);
    CHECK(d.chain != dv.chain);
    in = set_time(0, 1, 201 % 24); /* back in step with v */
    step_in(w, &in, 1, NULL);
    step_in(v, NULL, 0, NULL);
    qk_world_digests(w, &d);
    qk_world_digests(v, &dv);
    CHECK_U64(d.sub[QK_SUB_TIME], dv.sub[QK_SUB_TIME]);
    in = weather_cmd(0, 1, now(v).weather, 500);
    step_in(w, &in, 1, NULL);
    step_in(v, NULL, 0, NULL);
    qk_world_digests(w, &d);
    qk_world_digests(v, &dv);
    CHECK(d.sub[QK_SUB_WEATHER] != dv.sub[QK_SUB_WEATHER]);
    CHECK_U64(d.sub[QK_SUB_TIME], dv.sub[QK_SUB_TIME]);
    CHECK_U64(d.sub[QK_SUB_BLOCKS], dv.sub[QK_SUB_BLOCKS]);
    qk_world_destroy(w);
    qk_world_destroy(v);
    CHECK_INT(a.live, 0);
}

int main(void)
{
    curve_shape();
    phases_in_order();
    two_days_of_events();
    start_time_honoured();
    set_time_command();
    weather_schedule();
    weather_command();
    weather_is_isolated();
    sky_scalar_per_weather();
    precipitation();
    config_validation();
    snapshot_mid_run();
    digests_follow_state();
    return qt_report();
}
