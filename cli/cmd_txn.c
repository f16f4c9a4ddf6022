/*
 * cmd_txn.c - `quarry txn-status`: a chunk column's edit transactions at a tick.
 *
 * Every block edit is a kernel transaction that commits its light within
 * the tick (qk.h, "Transactions and workers").  This command replays a
 * scenario through tick T and reports, for one column, what a developer
 * chasing a lighting divergence wants to see: the column's geometry and
 * light revisions, the id the next transaction will get, the column's last
 * commits (qk_txn_history), the transactions still pending (always none
 * between steps), and the light_commit events of tick T that touched the
 * column.  It watches the run through qr_run's hooks: on_event collects the
 * commits, on_tick reads the world after tick T's step.  Nothing here
 * changes the run, so what it reports is what `quarry run` would produce.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc.h"

const char qc_help_txn_status[] =
    "usage: quarry txn-status SCENARIO --tick T CX CZ [--json] [--pack-dir DIR]\n"
    "\n"
    "Replays SCENARIO through tick T (the state after tick T's step; T must be\n"
    "below the scenario's \"ticks\") and shows the edit transactions of chunk\n"
    "column (CX, CZ): its geometry and light revisions, the next transaction id,\n"
    "its last commits (txn, tick, cause, player, revisions after), the pending\n"
    "transactions, and the light_commit events of tick T that touched it.\n"
    "CX and CZ are chunk coordinates, floor(x / 16) and floor(z / 16) of a block;\n"
    "negative ones are fine: quarry txn-status s.jsonl --tick 9 -1 0.\n"
    "\n"
    "  --tick T         the tick to stop after (required)\n"
    "  --json           one JSON object instead of text\n"
    "  --pack-dir DIR   where <pack>.json is found (default: SCENARIO's dir/../packs)\n"
    "\n"
    "Exit codes: 0 ok, 2 bad usage, bad input, T past the end or the column not loaded.\n";

typedef struct status {
    uint64_t tick;
    int32_t cx, cz;
    bool seen;        /* on_tick ran for tick T */
    bool loaded;
    qk_chunk_revs revs;
    uint64_t next_txn;
    uint32_t pending;
    uint32_t n_history;
    qk_txn_record history[QK_TXN_HISTORY];
    qk_event *commits; /* light_commit events of tick T touching the column */
    size_t n_commits, cap_commits;
    bool nomem;
} status;

static bool touches(const qk_event *ev, int32_t cx, int32_t cz)
{
    uint32_t n = ev->u.commit.n_chunks;
    for (uint32_t i = 0; i < n && i < QK_TXN_MAX_CHUNKS; i++)
        if (ev->u.commit.chunks[i].cx == cx && ev->u.commit.chunks[i].cz == cz)
            return true;
    return false;
}

static void on_event(void *ud, const qk_event *ev)
{
    status *s = ud;
    if (ev->type != QK_EV_LIGHT_COMMIT || ev->tick != s->tick || !touches(ev, s->cx, s->cz))
        return;
    if (s->n_commits == s->cap_commits) {
        size_t nc = s->cap_commits ? s->cap_commits * 2 : 8;
        qk_event *ne = realloc(s->commits, nc * sizeof *ne);
        if (!ne) {
            s->nomem = true;
            return;
        }
        s->commits = ne;
        s->cap_commits = nc;
    }
    s->commits[s->n_commits++] = *ev;
}

static void on_tick(void *ud, const qk_world *w, uint64_t tick)
{
    status *s = ud;
    if (tick != s->tick)
        return;
    s->seen = true;
    s->loaded = qk_chunk_revisions(w, s->cx, s->cz, &s->revs) == QK_OK;
    s->next_txn = qk_txn_next(w);
    s->pending = qk_txn_pending(w);
    s->n_history = s->loaded ? qk_txn_history(w, s->cx, s->cz, s->history) : 0;
    if (s->n_history > QK_TXN_HISTORY) /* never, by contract; keep the array safe */
        s->n_history = QK_TXN_HISTORY;
}

/* The canonical line of an event, without its '\n'. */
static const char *event_text(const qr_pack *pack, const qk_event *ev, char *buf)
{
    size_t n = qr_event_format(pack, ev, buf);
    buf[n && buf[n - 1] == '\n' ? n - 1 : n] = 0;
    return buf;
}

static void print_text(const qr_scenario *sc, const status *s)
{
    char line[QR_EVENT_LINE_MAX + 1];
    printf("scenario %s, after tick %" PRIu64 ", column (%" PRId32 ", %" PRId32 ")\n",
           sc->name, s->tick, s->cx, s->cz);
    printf("revisions: geometry %" PRIu64 ", light %" PRIu64 "\n", s->revs.geometry,
           s->revs.light);
    printf("next txn: %" PRIu64 "\n", s->next_txn);
    if (s->n_history == 0)
        printf("last commits: none\n");
    else
        printf("last commits (newest first, at most %d):\n", QK_TXN_HISTORY);
    for (uint32_t i = 0; i < s->n_history; i++) {
        const qk_txn_record *h = &s->history[i];
        printf("  txn %" PRIu64 "  tick %" PRIu64 "  %s  player %" PRIu32
               "  -> geometry %" PRIu64 ", light %" PRIu64 "\n",
               h->txn, h->tick, qk_cause_name(h->cause), h->player, h->geometry, h->light);
    }
    if (s->pending == 0)
        printf("pending: none (every transaction commits within its tick)\n");
    else /* the kernel promises this never happens between steps */
        printf("pending: %" PRIu32 " (unexpected between steps: a kernel bug)\n", s->pending);
    if (s->n_commits == 0)
        printf("light_commit events of tick %" PRIu64 " touching the column: none\n", s->tick);
    else
        printf("light_commit events of tick %" PRIu64 " touching the column:\n", s->tick);
    for (size_t i = 0; i < s->n_commits; i++)
        printf("  %s\n", event_text(sc->pack, &s->commits[i], line));
}

static void print_json(const qr_scenario *sc, const status *s)
{
    char line[QR_EVENT_LINE_MAX + 1];
    /* Scenario names are [a-z0-9_]: no escaping needed. */
    printf("{\"scenario\":\"%s\",\"tick\":%" PRIu64 ",\"cx\":%" PRId32 ",\"cz\":%" PRId32
           ",\"geometry\":%" PRIu64 ",\"light\":%" PRIu64 ",\"next_txn\":%" PRIu64
           ",\"history\":[", sc->name, s->tick, s->cx, s->cz, s->revs.geometry, s->revs.light,
           s->next_txn);
    for (uint32_t i = 0; i < s->n_history; i++) {
        const qk_txn_record *h = &s->history[i];
        printf("%s{\"txn\":%" PRIu64 ",\"tick\":%" PRIu64 ",\"cause\":\"%s\",\"player\":%" PRIu32
               ",\"geometry\":%" PRIu64 ",\"light\":%" PRIu64 "}", i ? "," : "", h->txn,
               h->tick, qk_cause_name(h->cause), h->player, h->geometry, h->light);
    }
    printf("],\"pending\":%" PRIu32 ",\"commits\":[", s->pending);
    for (size_t i = 0; i < s->n_commits; i++)
        printf("%s%s", i ? "," : "", event_text(sc->pack, &s->commits[i], line));
    printf("]}\n");
}

int qc_cmd_txn_status(int argc, char **argv)
{
    const char *scenario = NULL, *pack_dir = NULL, *v, *coord[2] = {NULL, NULL};
    uint64_t tick = 0;
    bool have_tick = false, json = false;
    int ncoord = 0;
    for (int i = 1; i < argc; i++) {
        int m;
        const char *a = argv[i];
        bool number = (a[0] == '-' && a[1] >= '0' && a[1] <= '9') || (a[0] >= '0' && a[0] <= '9');
        if ((m = qc_opt("txn-status", argc, argv, &i, "--tick", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            if (!qc_parse_u64(v, &tick))
                return qc_usage("txn-status", "--tick wants a tick number, got '%s'", v);
            have_tick = true;
        } else if ((m = qc_opt("txn-status", argc, argv, &i, "--pack-dir", &v)) != 0) {
            if (m < 0) return QC_EXIT_USAGE;
            pack_dir = v;
        } else if (strcmp(a, "--json") == 0) {
            json = true;
        } else if (a[0] == '-' && a[1] && !number) {
            return qc_usage("txn-status", "unknown option '%s'", a);
        } else if (!scenario) {
            scenario = a;
        } else if (ncoord < 2) {
            coord[ncoord++] = a;
        } else {
            return qc_usage("txn-status", "too many arguments (got '%s' after CX CZ)", a);
        }
    }
    if (!scenario || ncoord < 2)
        return qc_usage("txn-status", "wants SCENARIO --tick T CX CZ");
    if (!have_tick)
        return qc_usage("txn-status", "which tick? (--tick T)");
    int64_t c[2];
    for (int k = 0; k < 2; k++)
        if (!qc_parse_i64(coord[k], &c[k]) || c[k] < INT32_MIN || c[k] > INT32_MAX)
            return qc_usage("txn-status", "%s wants a chunk coordinate (an integer), got '%s'",
                            k ? "CZ" : "CX", coord[k]);

    qr_scenario *sc = qc_load_scenario(scenario, pack_dir);
    if (!sc)
        return QC_EXIT_USAGE;
    int rc = QC_EXIT_OK;
    const qk_world_config *wc = &sc->world;
    status s = {.tick = tick, .cx = (int32_t)c[0], .cz = (int32_t)c[1]};
    if (tick >= sc->ticks) {
        fprintf(stderr, "quarry txn-status: %s: tick %" PRIu64 " is past the end: the scenario "
                "runs ticks 0 to %" PRIu64 "\n", scenario, tick, sc->ticks - 1);
        rc = QC_EXIT_USAGE;
        goto out;
    }
    if (s.cx < wc->cx_min || s.cx > wc->cx_max || s.cz < wc->cz_min || s.cz > wc->cz_max) {
        fprintf(stderr, "quarry txn-status: %s: column (%" PRId32 ", %" PRId32 ") is not "
                "loaded: the scenario loads columns (%" PRId32 ", %" PRId32 ") to (%" PRId32
                ", %" PRId32 ")\n", scenario, s.cx, s.cz, wc->cx_min, wc->cz_min, wc->cx_max,
                wc->cz_max);
        rc = QC_EXIT_USAGE;
        goto out;
    }
    qr_run_opts ro = {.ticks = tick + 1, .on_event = on_event, .on_tick = on_tick,
                      .hook_ud = &s};
    qr_run_result res;
    qr_error err;
    qr_status st = qr_run(sc, &ro, &res, &err); /* expectations are not this command's business */
    qr_run_result_free(&res);
    if (st) {
        qr_error_print(&err, stderr);
        rc = qc_exit_for(st);
        goto out;
    }
    if (s.nomem || !s.seen || !s.loaded) {
        fprintf(stderr, "quarry txn-status: %s: %s\n", scenario,
                s.nomem ? "out of memory" : !s.seen ? "the run stopped before the tick"
                : "the kernel does not know the column");
        rc = QC_EXIT_USAGE;
        goto out;
    }
    if (json)
        print_json(sc, &s);
    else
        print_text(sc, &s);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "quarry txn-status: writing to stdout failed\n");
        rc = QC_EXIT_USAGE;
    }
out:
    free(s.commits);
    qr_scenario_free(sc);
    return rc;
}
