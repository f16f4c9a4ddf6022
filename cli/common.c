/*
 * common.c - what every subcommand shares: option matching, numbers, the
 * default directories (packs/ and golden/ beside scenarios/), and expanding
 * PATH arguments into a sorted list of scenario files.
 */
#define _POSIX_C_SOURCE 200809L /* opendir, strdup, gmtime_r */

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "qc.h"

int qc_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "quarry%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'quarry %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return QC_EXIT_USAGE;
}

int qc_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != 0)
        return 0;
    if (*i + 1 >= argc) {
        qc_usage(cmd, "option %s needs a value", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

bool qc_parse_u64(const char *s, uint64_t *out)
{
    if (!*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return true;
}

bool qc_parse_i64(const char *s, int64_t *out)
{
    bool neg = *s == '-';
    uint64_t v;
    if (!qc_parse_u64(s + neg, &v) || v > (uint64_t)INT64_MAX + neg)
        return false;
    *out = !neg ? (int64_t)v : v > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)v;
    return true;
}

int qc_parse_threads(const char *cmd, const char *s, unsigned *out)
{
    uint64_t v;
    if (!qc_parse_u64(s, &v) || v < 1 || v > QR_POOL_MAX)
        return qc_usage(cmd, "--threads wants a number of light workers from 1 to %d, "
                        "got '%s'", QR_POOL_MAX, s);
    *out = (unsigned)v;
    return 0;
}

void qc_sibling_dir(const char *path, const char *sub, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(out, cap, "%.*s/../%s", (int)(slash - path), path, sub);
    else
        snprintf(out, cap, "../%s", sub);
}

void qc_basename(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    size_t n = strlen(b);
    if (n > 6 && strcmp(b + n - 6, ".jsonl") == 0)
        n -= 6;
    snprintf(out, cap, "%.*s", (int)n, b);
}

static int push(qc_paths *p, const char *s)
{
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 32;
        char **nv = realloc(p->v, nc * sizeof *nv);
        if (!nv)
            return -1;
        p->v = nv;
        p->cap = nc;
    }
    if (!(p->v[p->n] = strdup(s)))
        return -1;
    p->n++;
    return 0;
}

static int by_basename(const void *a, const void *b)
{
    char x[256], y[256];
    qc_basename(*(char *const *)a, x, sizeof x);
    qc_basename(*(char *const *)b, y, sizeof y);
    int c = strcmp(x, y);
    return c ? c : strcmp(*(char *const *)a, *(char *const *)b);
}

int qc_collect(const char *cmd, char **args, int nargs, qc_paths *out)
{
    static char *def[] = {"scenarios"};
    memset(out, 0, sizeof *out);
    if (nargs == 0) {
        args = def;
        nargs = 1;
    }
    for (int i = 0; i < nargs; i++) {
        struct stat stt;
        if (stat(args[i], &stt) != 0)
            return qc_usage(cmd, "%s: no such file or directory", args[i]);
        if (!S_ISDIR(stt.st_mode)) {
            if (push(out, args[i]))
                return qc_usage(cmd, "out of memory");
            continue;
        }
        DIR *d = opendir(args[i]);
        if (!d)
            return qc_usage(cmd, "%s: cannot read directory", args[i]);
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n <= 6 || strcmp(e->d_name + n - 6, ".jsonl") != 0 || e->d_name[0] == '.')
                continue;
            char full[1024];
            size_t dl = strlen(args[i]);
            snprintf(full, sizeof full, "%s%s%s", args[i],
                     dl && args[i][dl - 1] == '/' ? "" : "/", e->d_name);
            if (push(out, full)) {
                closedir(d);
                return qc_usage(cmd, "out of memory");
            }
        }
        closedir(d);
    }
    if (out->n > 1)
        qsort(out->v, out->n, sizeof *out->v, by_basename);
    return 0;
}

void qc_paths_free(qc_paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    memset(p, 0, sizeof *p);
}

int qc_exit_for(qr_status st)
{
    return st == QR_OK ? QC_EXIT_OK : QC_EXIT_USAGE;
}

qr_scenario *qc_load_scenario(const char *path, const char *pack_dir)
{
    qr_error err;
    qr_scenario *sc = NULL;
    qr_scenario_opts so = {pack_dir, NULL};
    if (qr_scenario_load(&sc, path, &so, &err) != QR_OK) {
        qr_error_print(&err, stderr);
        return NULL;
    }
    return sc;
}

bool qc_in_ci(void)
{
    const char *ci = getenv("CI");
    return ci && *ci;
}

int qc_parse_rollback(const char *cmd, const char *s, uint32_t *out)
{
    uint64_t v;
    if (!qc_parse_u64(s, &v) || v < 1 || v > 1000000)
        return qc_usage(cmd, "--rollback wants a number of ticks from 1 to 1000000, got '%s'", s);
    *out = (uint32_t)v;
    return 0;
}

void qc_now_utc(char *out, size_t cap)
{
    time_t t = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    uint64_t v;
    if (sde && qc_parse_u64(sde, &v))
        t = (time_t)v;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
