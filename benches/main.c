/*
 * main.c - quarry-bench: run the benchmarks, print one JSON object.
 *
 *   quarry-bench [--root DIR] [--runs N] [--only NAME]
 *
 * stdout gets exactly one JSON object with a fixed key order: the machine
 * (architecture, CPU count and model, compiler, build type), the number of
 * runs, then one object per benchmark in the order of the table below.
 * Progress goes to stderr.  Exit status: 0 when every benchmark ran, 1 when
 * one could not (its object then holds "error"), 2 for bad usage.
 * benches/README.md explains each figure and its target.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"

#ifndef QB_BUILD_TYPE
#define QB_BUILD_TYPE ""
#endif

static const struct {
    const char *name;
    json_t *(*fn)(const qb_opts *o);
} benches[] = {
    {"replay_throughput", qb_replay_throughput},
    {"step_cost", qb_step_cost},
    {"chunk_memory", qb_chunk_memory},
    {"snapshot", qb_snapshot},
    {"light", qb_light},
    {"persist", qb_persist},
    {"desync", qb_desync},
    {"rules", qb_rules},
    {"mesh", qb_mesh},
    {"bake", qb_bake},
};
#define N_BENCHES (sizeof benches / sizeof benches[0])

/* The "model name" of the first CPU in /proc/cpuinfo, or "unknown". */
static void cpu_model(char *out, size_t cap)
{
    snprintf(out, cap, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "model name", 10) != 0)
            continue;
        const char *v = strchr(line, ':');
        if (!v)
            continue;
        v++;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t n = strcspn(v, "\r\n");
        snprintf(out, cap, "%.*s", (int)n, v);
        break;
    }
    fclose(f);
}

static json_t *machine(void)
{
    struct utsname u;
    char model[256];
    cpu_model(model, sizeof model);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    /* clang's __VERSION__ names itself ("Debian Clang 14.0.6"); gcc's is
     * the bare number. */
#if defined(__GNUC__) && !defined(__clang__)
    const char *compiler = "gcc " __VERSION__;
#else
    const char *compiler = __VERSION__;
#endif
    json_t *m = json_object();
    json_object_set_new(m, "arch", json_string(uname(&u) == 0 ? u.machine : "unknown"));
    json_object_set_new(m, "cpus", json_integer(cpus > 0 ? cpus : 0));
    json_object_set_new(m, "cpu_model", json_string(model));
    json_object_set_new(m, "compiler", json_string(compiler));
    json_object_set_new(m, "build_type", json_string(QB_BUILD_TYPE[0] ? QB_BUILD_TYPE
                                                                      : "unspecified"));
#ifdef NDEBUG
    json_object_set_new(m, "asserts", json_false());
#else
    json_object_set_new(m, "asserts", json_true());
#endif
    json_object_set_new(m, "kernel_version", json_string(QK_VERSION_STRING));
    return m;
}

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "quarry-bench: %s\n", why);
    fprintf(stderr, "usage: quarry-bench [--root DIR] [--runs N] [--only NAME]\n"
                    "benchmarks:");
    for (size_t i = 0; i < N_BENCHES; i++)
        fprintf(stderr, " %s", benches[i].name);
    fputc('\n', stderr);
    return 2;
}

int main(int argc, char **argv)
{
    qb_opts o = {.root = ".", .runs = 5};
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(NULL);
            return 0;
        }
        if (i + 1 >= argc)
            return usage("missing value or unknown option");
        const char *v = argv[++i];
        if (strcmp(a, "--root") == 0) {
            o.root = v;
        } else if (strcmp(a, "--runs") == 0) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (!*v || *end || n < 1 || n > 1000)
                return usage("--runs takes a number from 1 to 1000");
            o.runs = (unsigned)n;
        } else if (strcmp(a, "--only") == 0) {
            only = v;
        } else {
            return usage("unknown option");
        }
    }
    bool known = !only;
    for (size_t i = 0; i < N_BENCHES && !known; i++)
        known = strcmp(only, benches[i].name) == 0;
    if (!known)
        return usage("unknown benchmark name after --only");

    json_t *report = json_object();
    json_object_set_new(report, "machine", machine());
    json_object_set_new(report, "runs", json_integer(o.runs));
    json_t *results = json_object();
    int rc = 0;
    for (size_t i = 0; i < N_BENCHES; i++) {
        if (only && strcmp(only, benches[i].name) != 0)
            continue;
        qb_progress(benches[i].name, "start (%u runs)", o.runs);
        json_t *r = benches[i].fn(&o);
        if (!r || json_object_get(r, "error"))
            rc = 1;
        json_object_set_new(results, benches[i].name, r ? r : json_null());
    }
    json_object_set_new(report, "benchmarks", results);
    char *text = json_dumps(report, JSON_PRESERVE_ORDER | JSON_INDENT(2) |
                                        JSON_REAL_PRECISION(15));
    json_decref(report);
    if (!text) {
        fprintf(stderr, "quarry-bench: out of memory formatting the report\n");
        return 1;
    }
    fputs(text, stdout);
    fputc('\n', stdout);
    free(text);
    return rc;
}
