/*
 * test_crash.c - the crash campaign: power cuts at every operation of a
 * save, many times over, in memory.
 *
 * A small world (superflat, 2x2 columns: one in each of the four regions
 * that meet at the origin) goes through states S0 (no save), S1, S2, S3,
 * with edits between them: up to S2 in all four regions, then in one
 * only, so the last save keeps three region files and replaces one.
 *
 * For each transition S(i) -> S(i+1): a memfs holds save i; a full save
 * of S(i+1) takes `ops` operations; for every k in 1..ops and enough
 * seeds, a clone of the memfs fails at operation k (the process dies
 * there), the power is cut with the seed, and a strict load must give
 * exactly S(i) (for S0: no save) or exactly S(i+1) - never an error,
 * never a mix of the two - and exactly S(i+1) when the save had
 * reported success.  Then a fresh save of S(i+1) over whatever
 * the crash left must succeed and load as S(i+1), and verify must find
 * nothing wrong.  Then the same again for crashes in that next save.
 * And a process that dies without a power cut, followed by a save that
 * succeeds and then a power cut, must leave exactly S(i+1): a save that
 * returned QS_OK is durable whatever an earlier one left half done.
 *
 * "Exactly" is the tick plus every subsystem digest and the chain hash.
 * At least 10,000 crashes run (QUARRY_CRASH_SEEDS may raise the seeds per
 * operation; it never lowers them below what 10,000 needs).
 *
 * Why it is fast: after a power cut the memfs holds no pending state, so
 * what a load or a save does next depends only on the directory's
 * contents (which files and directories exist, and their bytes).  Many
 * crashes leave identical contents, so the checks after a crash (load,
 * save again, load, verify) run once per distinct state and are
 * remembered by its exact bytes; every crash is still injected and
 * classified.  The loads, which relight the world, are what cost.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "save_fixture.h"

#define STATES 4 /* S0 .. S3 */
#define MIN_CRASHES 10000u

/* The checks' results for one post-crash directory state. */
typedef struct seen {
    uint64_t hash;
    sv_buf dump;
    int outcome;  /* of the strict load: 0 old, 1 new, -1 neither */
    bool resaved; /* a save of S(i+1) then worked and loaded */
} seen;

typedef struct campaign {
    qk_world *state[STATES]; /* state[0] unused: no save */
    qs_memfs *base[STATES];  /* base[i] holds save i */
    fx_alloc a;
    qk_allocator al;
    uint64_t crashes, old_outcomes, new_outcomes, reported_ok, resaves;
    uint64_t double_crashes, deaths;
    int bad;
    seen *memo; /* distinct states of the current transition */
    size_t n_memo, cap_memo;
} campaign;

static uint64_t fnv1a(sv_buf b)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < b.len; i++)
        h = (h ^ b.p[i]) * 0x100000001b3ull;
    return h;
}

static void forget(campaign *c)
{
    for (size_t i = 0; i < c->n_memo; i++)
        free(c->memo[i].dump.p);
    c->n_memo = 0;
}

static qk_world *copy_world(campaign *c, const qk_world *w)
{
    size_t len = qk_snapshot_size(w), wrote = 0;
    uint8_t *b = malloc(len);
    qk_world *r = NULL;
    if (b && qk_snapshot_write(w, b, len, &wrote) == QK_OK)
        qk_world_restore(&r, b, wrote, &fx_registry, &c->al, NULL);
    free(b);
    CHECK(r != NULL);
    return r;
}

/* S1..S3: one world stepped on, copied at each state. */
static void build_states(campaign *c)
{
    qk_world_config cfg = fx_flat_config();
    cfg.cx_min = cfg.cz_min = -1;
    cfg.cx_max = cfg.cz_max = 0;
    qk_world *w = NULL;
    CHECK_INT(qk_world_create(&w, &cfg, &fx_registry, &c->al, NULL), QK_OK);
    sv_join(w);
    sv_join_at(w, 2, -12, -12);
    for (int i = 1; i < STATES; i++) {
        if (i < STATES - 1)
            sv_edits(w, 6, (uint32_t)i * 11); /* all four regions change */
        else
            sv_edits_at(w, 2, -12, -12, 4, 0); /* only region (-1,-1) */
        c->state[i] = copy_world(c, w);
    }
    qk_world_destroy(w);
    c->base[0] = qs_memfs_new();
    for (int i = 1; i < STATES; i++) {
        c->base[i] = qs_memfs_clone(c->base[i - 1]);
        qs_io io = qs_memfs_io(c->base[i]);
        CHECK_INT(qs_save(&io, "save", c->state[i], NULL, NULL, NULL), QS_OK);
    }
}

/* 0: S(i), 1: S(i+1), -1: anything else (an error, a mix). */
static int outcome(campaign *c, const qs_io *io, int i)
{
    qk_world *r = NULL;
    qs_error e;
    qs_status st = qs_load(io, "save", &fx_registry, &c->al, false, &r, NULL, &e);
    if (st == QS_ERR_NOSAVE && i == 0)
        return 0;
    if (st != QS_OK) {
        char msg[1024];
        qs_error_format(&e, msg, sizeof msg);
        fprintf(stderr, "  transition %d: load failed: %s\n", i, msg);
        return -1;
    }
    int got = -1;
    if (i > 0 && sv_same_state(r, c->state[i]))
        got = 0;
    else if (sv_same_state(r, c->state[i + 1]))
        got = 1;
    qk_world_destroy(r);
    return got;
}

/* After the crash: saving S(i+1) again works and loads, and verify finds
 * nothing wrong with what is there. */
static bool resave(campaign *c, qs_memfs *fs, int i)
{
    qs_io io = qs_memfs_io(fs);
    qs_error e;
    if (qs_save(&io, "save", c->state[i + 1], NULL, NULL, &e) != QS_OK)
        return false;
    if (outcome(c, &io, i) != 1)
        return false;
    qs_report rep = {NULL, 0, 0};
    bool ok = qs_verify(&io, "save", &fx_registry, &rep, NULL, &e) == QS_OK && rep.n == 0;
    qs_report_free(&rep);
    return ok;
}

static uint64_t ops_of_full_save(campaign *c, int i)
{
    qs_memfs *probe = qs_memfs_clone(c->base[i]);
    qs_io io = qs_memfs_io(probe);
    qs_save_stats st;
    CHECK_INT(qs_save(&io, "save", c->state[i + 1], NULL, &st, NULL), QS_OK);
    /* The last transition keeps three regions: that path crashes too. */
    if (i + 2 == STATES)
        CHECK_INT(st.regions_written, 1);
    else
        CHECK(st.regions_written >= 3);
    printf("transition S%d -> S%d: %llu operations, %u regions written\n", i, i + 1,
           (unsigned long long)qs_memfs_ops(probe), st.regions_written);
    uint64_t ops = qs_memfs_ops(probe);
    qs_memfs_free(probe);
    return ops;
}

/* The checks after a crash, run on the crashed memfs itself. */
static seen check_state(campaign *c, qs_memfs *fs, int i)
{
    qs_io io = qs_memfs_io(fs);
    seen r = {0, {NULL, 0}, outcome(c, &io, i), false};
    r.resaved = resave(c, fs, i);
    return r;
}

/* The remembered checks for this state, running them the first time. */
static const seen *checked(campaign *c, qs_memfs *fs, int i)
{
    qs_io io = qs_memfs_io(fs);
    sv_buf d = sv_dump(&io, "save");
    uint64_t h = fnv1a(d);
    for (size_t j = 0; j < c->n_memo; j++)
        if (c->memo[j].hash == h && sv_same_dump(c->memo[j].dump, d)) {
            free(d.p);
            return &c->memo[j];
        }
    if (c->n_memo == c->cap_memo) {
        c->cap_memo = c->cap_memo ? 2 * c->cap_memo : 256;
        c->memo = realloc(c->memo, c->cap_memo * sizeof *c->memo);
        if (!c->memo)
            abort();
    }
    seen *s = &c->memo[c->n_memo++];
    *s = check_state(c, fs, i);
    s->hash = h;
    s->dump = d;
    return s;
}

static void one_crash(campaign *c, int i, uint64_t k, uint64_t seed)
{
    qs_memfs *fs = qs_memfs_clone(c->base[i]);
    if (!fs) {
        c->bad++;
        return;
    }
    qs_io io = qs_memfs_io(fs);
    qs_memfs_fail_at(fs, k);
    qs_status st = qs_save(&io, "save", c->state[i + 1], NULL, NULL, NULL);
    qs_memfs_crash(fs, seed);
    const seen *s = checked(c, fs, i);
    c->crashes++;
    c->reported_ok += st == QS_OK;
    c->old_outcomes += s->outcome == 0;
    c->new_outcomes += s->outcome == 1;
    c->resaves += s->resaved;
    if (s->outcome < 0 || (st == QS_OK && s->outcome != 1) ||
        (st != QS_OK && st != QS_ERR_IO) || !s->resaved) {
        if (c->bad++ < 10)
            fprintf(stderr, "  transition %d, op %llu, seed %llu: save %s, outcome %d, "
                    "resave %s\n", i, (unsigned long long)k, (unsigned long long)seed,
                    qs_status_str(st), s->outcome, s->resaved ? "ok" : "FAILED");
    }
    qs_memfs_free(fs);
}

/* The process dies at operation k (no power cut), a new one saves S(i+1)
 * successfully, then the power goes: that save promised durability, so
 * only S(i+1) may come back, whatever the dead one left half done. */
static void death_then_save_then_cut(campaign *c, int i, uint64_t k, uint64_t seed)
{
    qs_memfs *fs = qs_memfs_clone(c->base[i]);
    qs_io io = qs_memfs_io(fs);
    qs_memfs_fail_at(fs, k);
    qs_save(&io, "save", c->state[i + 1], NULL, NULL, NULL);
    qs_memfs_fail_at(fs, 0);
    qs_status st = qs_save(&io, "save", c->state[i + 1], NULL, NULL, NULL);
    qs_memfs_crash(fs, seed);
    int got = outcome(c, &io, i);
    c->deaths++;
    if (st != QS_OK || got != 1) {
        if (c->bad++ < 10)
            fprintf(stderr, "  transition %d, died at op %llu, saved again (%s), cut with "
                    "seed %llu: outcome %d\n", i, (unsigned long long)k, qs_status_str(st),
                    (unsigned long long)seed, got);
    }
    qs_memfs_free(fs);
}

/* A crash, then a crash at each operation of the save that follows it:
 * the leftovers of the first (orphan region files, a stale world.qw.tmp,
 * directories half made) must not trip the second. */
static void double_crash(campaign *c, int i, uint64_t k1, uint64_t seed)
{
    qs_memfs *first = qs_memfs_clone(c->base[i]);
    qs_io io = qs_memfs_io(first);
    qs_memfs_fail_at(first, k1);
    qs_save(&io, "save", c->state[i + 1], NULL, NULL, NULL);
    qs_memfs_crash(first, seed);
    qs_memfs *probe = qs_memfs_clone(first);
    qs_io pio = qs_memfs_io(probe);
    qs_save(&pio, "save", c->state[i + 1], NULL, NULL, NULL);
    uint64_t ops = qs_memfs_ops(probe);
    qs_memfs_free(probe);
    for (uint64_t k2 = 1; k2 <= ops; k2++) {
        qs_memfs *fs = qs_memfs_clone(first);
        qs_io fio = qs_memfs_io(fs);
        qs_memfs_fail_at(fs, k2);
        qs_status st = qs_save(&fio, "save", c->state[i + 1], NULL, NULL, NULL);
        qs_memfs_crash(fs, seed ^ k2 << 8);
        const seen *s = checked(c, fs, i);
        c->double_crashes++;
        if (s->outcome < 0 || (st == QS_OK && s->outcome != 1) || !s->resaved) {
            if (c->bad++ < 10)
                fprintf(stderr, "  transition %d, ops %llu then %llu: save %s, outcome %d\n",
                        i, (unsigned long long)k1, (unsigned long long)k2, qs_status_str(st),
                        s->outcome);
        }
        qs_memfs_free(fs);
    }
    qs_memfs_free(first);
}

int main(void)
{
    campaign c;
    memset(&c, 0, sizeof c);
    c.a = (fx_alloc){-1, 0, 0};
    c.al = fx_allocator(&c.a);
    clock_t t0 = clock();
    build_states(&c);

    uint64_t ops[STATES - 1], total_ops = 0;
    for (int i = 0; i + 1 < STATES; i++)
        total_ops += ops[i] = ops_of_full_save(&c, i);
    uint64_t seeds = (MIN_CRASHES + total_ops - 1) / total_ops;
    const char *env = getenv("QUARRY_CRASH_SEEDS");
    if (env && strtoull(env, NULL, 10) > seeds)
        seeds = strtoull(env, NULL, 10);

    size_t distinct = 0;
    for (int i = 0; i + 1 < STATES; i++) {
        for (uint64_t k = 1; k <= ops[i]; k++)
            for (uint64_t s = 0; s < seeds; s++)
                one_crash(&c, i, k, (uint64_t)i << 48 ^ k << 24 ^ s);
        for (uint64_t k = 1; k <= ops[i]; k++)
            for (uint64_t s = 0; s < 2; s++)
                double_crash(&c, i, k, (uint64_t)i << 48 ^ k << 24 ^ s ^ 0x5a5a);
        for (uint64_t k = 1; k <= ops[i]; k++)
            for (uint64_t s = 0; s < 8; s++)
                death_then_save_then_cut(&c, i, k, (uint64_t)i << 48 ^ k << 24 ^ s ^ 0xa5a5);
        distinct += c.n_memo;
        forget(&c);
    }
    free(c.memo);

    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("crash campaign: %llu crashes (%llu operations x %llu seeds) in %.1f s: "
           "%llu left the old save, %llu the new one (%llu saves had reported success); "
           "%llu saves after a crash loaded; then %llu crashes in the save after a crash; "
           "%zu distinct states checked; %llu deaths followed by a save and a cut\n",
           (unsigned long long)c.crashes, (unsigned long long)total_ops,
           (unsigned long long)seeds, secs, (unsigned long long)c.old_outcomes,
           (unsigned long long)c.new_outcomes, (unsigned long long)c.reported_ok,
           (unsigned long long)c.resaves, (unsigned long long)c.double_crashes, distinct,
           (unsigned long long)c.deaths);
    CHECK(c.crashes >= MIN_CRASHES);
    CHECK_INT(c.bad, 0);
    CHECK_U64(c.old_outcomes + c.new_outcomes, c.crashes);
    CHECK(c.old_outcomes > 0);
    CHECK(c.new_outcomes > 0);
    CHECK_U64(c.resaves, c.crashes);

    for (int i = 0; i < STATES; i++) {
        if (c.state[i])
            qk_world_destroy(c.state[i]);
        qs_memfs_free(c.base[i]);
    }
    CHECK_INT(c.a.live, 0);
    return qt_report();
}
