/*
 * cmd_repl.c - `quarry repl`: step a scenario by hand, alone or beside a
 * second run, and look at its worlds between ticks.
 *
 * The engine is the replay library's stepping session (qr.h, "Stepping
 * sessions"): stepping, going back through checkpoints, named snapshots,
 * watches and the comparison with the second run all live there, so they
 * are tested without a terminal.  This file reads command lines, parses
 * their words and prints.  On a terminal the lines come through libedit
 * (history, completion of command names and snapshot names); otherwise
 * they are read from stdin with no prompt, so a script gets exactly the
 * lines a person would see.  Output is plain text on stdout, errors
 * included ("error: ..."), so a transcript keeps its order.
 */
#define _POSIX_C_SOURCE 200809L /* isatty, strdup */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "qc.h"

const char qc_help_repl[] =
    "usage: quarry repl SCENARIO [--against GOLDEN | --b SCENARIO_B] [--pack-dir DIR]\n"
    "\n"
    "Steps SCENARIO a tick at a time and answers questions about its world.\n"
    "With --against, every tick's event lines are compared with the golden\n"
    "stream's; with --b, a second scenario is stepped in lockstep with its own\n"
    "inputs.  `run` stops where the two part.  Commands are read from the\n"
    "terminal (with history and tab completion) or, when stdin is not one,\n"
    "one per line from stdin, with the same output.  Type `help` for them.\n"
    "\n"
    "Exit codes: 0 at the end of the commands, 2 bad usage or input.\n";

typedef struct repl {
    qr_session *s;
    const qr_scenario *a, *b;
    bool golden;
    bool quit;
} repl;

typedef void (*cmd_fn)(repl *r, int argc, char **argv);

typedef struct cmd {
    const char *name;
    int min, max; /* arguments */
    cmd_fn fn;
    const char *args, *help;
} cmd;

#if defined(__GNUC__)
static void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
static void error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", stdout);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

static void lib_error(const qr_error *e)
{
    char buf[1200];
    qr_error_format(e, buf, sizeof buf);
    error("%s", buf);
}

static bool arg_u64(const char *s, uint64_t *out)
{
    if (qc_parse_u64(s, out))
        return true;
    error("'%s' is not a tick count (a non-negative integer)", s);
    return false;
}

static bool arg_i32(const char *s, int32_t *out)
{
    int64_t v;
    if (qc_parse_i64(s, &v) && v >= INT32_MIN && v <= INT32_MAX) {
        *out = (int32_t)v;
        return true;
    }
    error("'%s' is not a coordinate (an integer)", s);
    return false;
}

/* A probe from words: "block X Y Z", "light X Y Z", "player ID [FIELD]", "inv ID". */
static bool parse_probe(int argc, char **argv, qr_probe *p)
{
    memset(p, 0, sizeof *p);
    const char *k = argv[0];
    if (strcmp(k, "block") == 0 || strcmp(k, "light") == 0) {
        p->kind = k[0] == 'b' ? QR_PROBE_BLOCK : QR_PROBE_LIGHT;
        if (argc != 4) {
            error("%s wants X Y Z", k);
            return false;
        }
        return arg_i32(argv[1], &p->pos[0]) && arg_i32(argv[2], &p->pos[1]) &&
               arg_i32(argv[3], &p->pos[2]);
    }
    uint64_t id;
    p->kind = strcmp(k, "inv") == 0 ? QR_PROBE_INVENTORY : QR_PROBE_PLAYER;
    if ((p->kind == QR_PROBE_PLAYER && strcmp(k, "player") != 0) || argc < 2 || argc > 3) {
        error("expected block X Y Z, light X Y Z, player ID [FIELD] or inv ID");
        return false;
    }
    if (!qc_parse_u64(argv[1], &id) || id > UINT32_MAX) {
        error("'%s' is not a player id", argv[1]);
        return false;
    }
    p->player = (uint32_t)id;
    if (argc == 3)
        snprintf(p->field, sizeof p->field, "%s", argv[2]);
    if (p->field[0] && (p->kind != QR_PROBE_PLAYER || !qr_probe_field_ok(p->field))) {
        error("unknown player field '%s' (x y z vx vy vz yaw pitch dirs on_ground slot mode)",
              argv[2]);
        return false;
    }
    return true;
}

static void print_probe(const qr_probe *p)
{
    if (p->kind == QR_PROBE_BLOCK || p->kind == QR_PROBE_LIGHT)
        printf("%s %" PRId32 " %" PRId32 " %" PRId32, p->kind == QR_PROBE_BLOCK ? "block" : "light",
               p->pos[0], p->pos[1], p->pos[2]);
    else
        printf("%s %" PRIu32 "%s%s", p->kind == QR_PROBE_PLAYER ? "player" : "inv", p->player,
               p->field[0] ? " " : "", p->field);
}

static void print_divergence(const qr_divergence *d)
{
    char buf[4096];
    qr_divergence_render(d, buf, sizeof buf);
    fputs(buf, stdout);
}

static void print_tick(repl *r)
{
    uint64_t t = qr_session_tick(r->s);
    printf("tick %" PRIu64 "%s\n", t, t == qr_session_end(r->s) ? " (end)" : "");
}

/* ---- moving -------------------------------------------------------------- */

static void advance(repl *r, uint64_t until, bool stop)
{
    qr_stop why;
    qr_error err;
    if (qr_session_advance(r->s, until, stop, &why, &err) != QR_OK) {
        lib_error(&err);
        return;
    }
    if (why.kind == QR_STOP_WATCH) {
        printf("watch %zu (", why.watch + 1);
        print_probe(qr_session_watch_at(r->s, why.watch));
        printf(") changed at tick %" PRIu64 ": %s -> %s\n", why.tick, why.before, why.after);
    } else if (why.kind == QR_STOP_PARTED) {
        qr_divergence d;
        qr_session_parted(r->s, &d);
        printf("the runs part at tick %" PRIu64 "\n", why.tick);
        print_divergence(&d);
    }
    print_tick(r);
}

static void c_step(repl *r, int argc, char **argv)
{
    uint64_t n = 1, t = qr_session_tick(r->s);
    if (argc > 1 && !arg_u64(argv[1], &n))
        return;
    if (t == qr_session_end(r->s)) {
        error("at the end (tick %" PRIu64 ")", t);
        return;
    }
    advance(r, n > UINT64_MAX - t ? UINT64_MAX : t + n, false);
}

static void c_run(repl *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    advance(r, qr_session_end(r->s), true);
}

static void c_goto(repl *r, int argc, char **argv)
{
    (void)argc;
    uint64_t t;
    qr_error err;
    if (!arg_u64(argv[1], &t))
        return;
    if (qr_session_goto(r->s, t, &err) != QR_OK)
        lib_error(&err);
    else
        print_tick(r);
}

static void c_where(repl *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("tick %" PRIu64 " of %" PRIu64, qr_session_tick(r->s), qr_session_end(r->s));
    qr_divergence d;
    if (!qr_session_compares(r->s))
        printf("\n");
    else if (qr_session_parted(r->s, &d))
        printf(", the runs parted at tick %" PRIu64 "\n", d.tick);
    else
        printf(", the runs agree\n");
}

/* ---- looking ------------------------------------------------------------- */

static void c_hash(repl *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    const qk_world *wb = qr_session_world(r->s, 1);
    qk_digests a, b;
    qk_world_digests(qr_session_world(r->s, 0), &a);
    if (wb)
        qk_world_digests(wb, &b);
    for (int k = 0; k <= QK_SUB__COUNT; k++) {
        uint64_t va = k < QK_SUB__COUNT ? a.sub[k] : a.chain;
        char ha[17], hb[17];
        qr_hex64(va, ha);
        printf("%-10s %s", k < QK_SUB__COUNT ? qk_subsys_name((qk_subsys)k) : "chain", ha);
        if (wb) {
            uint64_t vb = k < QK_SUB__COUNT ? b.sub[k] : b.chain;
            qr_hex64(vb, hb);
            printf(" %s%s", hb, va != vb ? " differs" : "");
        }
        putchar('\n');
    }
}

static void c_probe(repl *r, int argc, char **argv)
{
    qr_probe p;
    if (!parse_probe(argc, argv, &p))
        return;
    char buf[2048];
    qr_session_value(r->s, -1, &p, buf, sizeof buf);
    print_probe(&p);
    printf(": %s\n", buf);
}

static bool is_tick(const char *s)
{
    return s[0] >= '0' && s[0] <= '9';
}

static void c_events(repl *r, int argc, char **argv)
{
    uint64_t t1 = 0, t2 = UINT64_MAX - 1;
    int i = 1;
    if (argc > 1 && is_tick(argv[1])) {
        if (argc < 3 || !is_tick(argv[2])) {
            error("events wants [T1 T2] [TYPE]");
            return;
        }
        if (!arg_u64(argv[1], &t1) || !arg_u64(argv[2], &t2))
            return;
        i = 3;
    }
    if (argc > i + 1) {
        error("events wants [T1 T2] [TYPE]");
        return;
    }
    char want[64] = "";
    if (i < argc)
        snprintf(want, sizeof want, "\"type\":\"%s\"", argv[i]);
    size_t len, shown = 0;
    const char *p = qr_session_lines(r->s, t1, t2 + 1, &len), *end = p + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        const char *q = want[0] ? strstr(p, want) : p;
        if (q && q < p + n) {
            fwrite(p, 1, n, stdout);
            shown++;
        }
        p += n;
    }
    if (!shown)
        printf("no events\n");
}

static void c_diff(repl *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (!qr_session_compares(r->s)) {
        error("nothing to compare with (start with --against GOLDEN or --b SCENARIO_B)");
        return;
    }
    qr_divergence d;
    qr_session_parted(r->s, &d);
    print_divergence(&d);
}

static void c_bisect(repl *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (!r->b) {
        error("bisect steps two scenarios (start with --b SCENARIO_B); against a golden, "
              "`run` stops where they part and `diff` shows why");
        return;
    }
    qr_divergence d;
    qr_error err;
    if (qr_bisect_runs(r->a, r->b, NULL, &d, &err) != QR_OK)
        lib_error(&err);
    else
        print_divergence(&d);
}

static void c_txn(repl *r, int argc, char **argv)
{
    (void)argc;
    int32_t cx, cz;
    if (!arg_i32(argv[1], &cx) || !arg_i32(argv[2], &cz))
        return;
    for (int k = 0; k < 2; k++) {
        const qk_world *w = qr_session_world(r->s, k);
        if (!w)
            break;
        const char *label = qr_session_world(r->s, 1) ? (k ? "b: " : "a: ") : "";
        qk_chunk_revs revs;
        if (qk_chunk_revisions(w, cx, cz, &revs) != QK_OK) {
            printf("%scolumn (%" PRId32 ", %" PRId32 ") is not loaded\n", label, cx, cz);
            continue;
        }
        qk_txn_record h[QK_TXN_HISTORY];
        uint32_t n = qk_txn_history(w, cx, cz, h);
        printf("%scolumn (%" PRId32 ", %" PRId32 "): geometry %" PRIu64 ", light %" PRIu64
               ", next txn %" PRIu64 "\n", label, cx, cz, revs.geometry, revs.light,
               qk_txn_next(w));
        for (uint32_t i = 0; i < n; i++)
            printf("%s  txn %" PRIu64 "  tick %" PRIu64 "  %s  player %" PRIu32
                   "  -> geometry %" PRIu64 ", light %" PRIu64 "\n", label, h[i].txn,
                   h[i].tick, qk_cause_name(h[i].cause), h[i].player, h[i].geometry,
                   h[i].light);
    }
}

/* ---- watches, snapshots, saves ------------------------------------------- */

static void c_watch(repl *r, int argc, char **argv)
{
    qr_probe p;
    bool player = strcmp(argv[1], "player") == 0;
    if ((!player && strcmp(argv[1], "block") != 0 && strcmp(argv[1], "light") != 0) ||
        (player && argc != 4)) {
        error("watch wants block X Y Z, light X Y Z or player ID FIELD");
        return;
    }
    if (!parse_probe(argc - 1, argv + 1, &p))
        return;
    size_t i;
    qr_error err;
    if (qr_session_watch(r->s, &p, &i, &err) != QR_OK) {
        lib_error(&err);
        return;
    }
    char buf[256];
    qr_session_value(r->s, -1, &p, buf, sizeof buf);
    printf("watch %zu: ", i + 1);
    print_probe(&p);
    printf(" = %s\n", buf);
}

static void c_unwatch(repl *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("%zu watch%s removed\n", qr_session_watch_count(r->s),
           qr_session_watch_count(r->s) == 1 ? "" : "es");
    qr_session_unwatch(r->s);
}

static void c_snapshot(repl *r, int argc, char **argv)
{
    (void)argc;
    qr_error err;
    if (qr_session_snapshot(r->s, argv[1], &err) != QR_OK)
        lib_error(&err);
    else
        printf("snapshot %s at tick %" PRIu64 "\n", argv[1], qr_session_tick(r->s));
}

static void c_restore(repl *r, int argc, char **argv)
{
    (void)argc;
    qr_error err;
    if (qr_session_restore(r->s, argv[1], &err) != QR_OK)
        lib_error(&err);
    else
        print_tick(r);
}

static void c_save(repl *r, int argc, char **argv)
{
    (void)argc;
    qs_save_stats st;
    qs_error err;
    if (qs_save(qs_io_posix(), argv[1], qr_session_world(r->s, 0), NULL, &st, &err) != QS_OK) {
        char buf[1200];
        qs_error_format(&err, buf, sizeof buf);
        error("%s", buf);
        return;
    }
    printf("saved tick %" PRIu64 " to %s: generation %" PRIu32 ", %" PRIu32 " of %" PRIu32
           " regions written\n", qr_session_tick(r->s), argv[1], st.generation,
           st.regions_written, st.regions);
}

static void c_help(repl *r, int argc, char **argv);

static void c_quit(repl *r, int argc, char **argv)
{
    (void)argc, (void)argv;
    r->quit = true;
}

static const cmd commands[] = {
    {"step", 0, 1, c_step, "[N]", "step N ticks (1)"},
    {"run", 0, 0, c_run, "", "step to the end, or until the runs part or a watch fires"},
    {"goto", 1, 1, c_goto, "T", "make T the next tick, forwards or back"},
    {"where", 0, 0, c_where, "", "the tick, and whether the runs agree"},
    {"hash", 0, 0, c_hash, "", "each subsystem's digest and the chain"},
    {"block", 3, 3, c_probe, "X Y Z", "the block at a voxel"},
    {"light", 3, 3, c_probe, "X Y Z", "the sky and block light at a voxel"},
    {"player", 1, 2, c_probe, "ID [FIELD]", "a player's physical state"},
    {"inv", 1, 1, c_probe, "ID", "a player's inventory"},
    {"events", 0, 3, c_events, "[T1 T2] [TYPE]", "event lines of the ticks stepped"},
    {"diff", 0, 0, c_diff, "", "the first difference from the other run so far"},
    {"bisect", 0, 0, c_bisect, "", "bisect the two scenarios over their whole runs"},
    {"watch", 2, 4, c_watch, "block|light X Y Z | player ID FIELD",
     "stop `run` when the value changes or the runs disagree on it"},
    {"unwatch", 0, 0, c_unwatch, "", "remove every watch"},
    {"txn", 2, 2, c_txn, "CX CZ", "a column's revisions and last commits"},
    {"snapshot", 1, 1, c_snapshot, "NAME", "remember this state"},
    {"restore", 1, 1, c_restore, "NAME", "go back (or forth) to a snapshot"},
    {"save", 1, 1, c_save, "DIR", "save the world into a save directory"},
    {"help", 0, 0, c_help, "", "this list"},
    {"quit", 0, 0, c_quit, "", "leave (so does the end of input)"},
};
#define NCMDS (sizeof commands / sizeof commands[0])

static void c_help(repl *r, int argc, char **argv)
{
    (void)r, (void)argc, (void)argv;
    for (size_t i = 0; i < NCMDS; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s %s", commands[i].name, commands[i].args);
        printf("  %-40s %s\n", head, commands[i].help);
    }
}

/* Runs one command line; blank lines and '#' comments do nothing. */
static void execute(repl *r, char *line)
{
    char *argv[8];
    int argc = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
        if (argc == 8) {
            error("too many words");
            return;
        }
        argv[argc++] = tok;
    }
    if (argc == 0 || argv[0][0] == '#')
        return;
    for (size_t i = 0; i < NCMDS; i++) {
        const cmd *c = &commands[i];
        if (strcmp(c->name, argv[0]) != 0)
            continue;
        if (argc - 1 < c->min || argc - 1 > c->max)
            error("usage: %s %s", c->name, c->args);
        else
            c->fn(r, argc, argv);
        return;
    }
    error("unknown command '%s' (help lists them)", argv[0]);
}

/* ---- line editing -------------------------------------------------------- */

static const qr_session *completing; /* libedit's callbacks take no user data */

static char *complete_name(const char *text, int state)
{
    static size_t i;
    size_t n = strlen(text);
    if (!state)
        i = 0;
    bool first_word = rl_point <= (int)n || !strchr(rl_line_buffer, ' ');
    for (;;) {
        const char *name = NULL;
        if (first_word)
            name = i < NCMDS ? commands[i].name : NULL;
        else
            name = completing ? qr_session_snapshot_name(completing, i, NULL) : NULL;
        if (!name)
            return NULL;
        i++;
        if (strncmp(name, text, n) == 0)
            return strdup(name);
    }
}

static char **complete(const char *text, int start, int end)
{
    (void)start, (void)end;
    rl_attempted_completion_over = 1;
    return rl_completion_matches(text, complete_name);
}

static void loop(repl *r)
{
    if (isatty(STDIN_FILENO)) {
        completing = r->s;
        rl_attempted_completion_function = complete;
        char *line;
        while (!r->quit && (line = readline("quarry> ")) != NULL) {
            if (line[0])
                add_history(line);
            execute(r, line);
            free(line);
            fflush(stdout);
        }
        completing = NULL;
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    while (!r->quit && getline(&line, &cap, stdin) >= 0)
        execute(r, line);
    free(line);
}

int qc_cmd_repl(int argc, char **argv)
{
    const char *path = NULL, *golden = NULL, *path_b = NULL, *pack_dir = NULL, *v;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = qc_opt("repl", argc, argv, &i, "--against", &v)) != 0) {
            if (m < 0)
                return QC_EXIT_USAGE;
            golden = v;
        } else if ((m = qc_opt("repl", argc, argv, &i, "--b", &v)) != 0) {
            if (m < 0)
                return QC_EXIT_USAGE;
            path_b = v;
        } else if ((m = qc_opt("repl", argc, argv, &i, "--pack-dir", &v)) != 0) {
            if (m < 0)
                return QC_EXIT_USAGE;
            pack_dir = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return qc_usage("repl", "unknown option '%s'", argv[i]);
        } else if (path) {
            return qc_usage("repl", "one scenario only (got '%s' after '%s')", argv[i], path);
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return qc_usage("repl", "which scenario?");
    if (golden && path_b)
        return qc_usage("repl", "--against and --b exclude each other");
    repl r = {0};
    qr_scenario *a = qc_load_scenario(path, pack_dir);
    qr_scenario *b = a && path_b ? qc_load_scenario(path_b, pack_dir) : NULL;
    int rc = QC_EXIT_USAGE;
    qr_error err;
    if (a && (b || !path_b)) {
        qr_session_opts o = {.b = b, .golden = golden};
        if (qr_session_open(&r.s, a, &o, &err) != QR_OK) {
            qr_error_print(&err, stderr);
        } else {
            r.a = a;
            r.b = b;
            r.golden = golden != NULL;
            loop(&r);
            rc = QC_EXIT_OK;
        }
    }
    qr_session_free(r.s);
    qr_scenario_free(b);
    qr_scenario_free(a);
    return rc;
}
