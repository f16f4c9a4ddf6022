/*
 * bench_bake.c - bake: `quarry bake` of a 512x512 picture of an 8x8-chunk
 * terrain world on llvmpipe, as a whole process (target: median <= 300 ms).
 *
 * The scenario (terrain generator, chunks -4..3 on both axes, seed
 * QB_SEED, one tick, no players) is written to a temporary directory once.
 * Each run posix_spawn()s the quarry binary this build made
 * (QB_QUARRY_BIN) and waits for it; the timed region is spawn to exit:
 * loading, world generation and lighting, EGL and GLES setup, meshing and
 * uploading 64 columns, the draw, glReadPixels, the PNG and the exit.
 * `run_ms` times `quarry run` of the same scenario the same way, so
 * bake_ms - run_ms is what rendering adds.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define NAME "bake"

extern char **environ;

/* Runs argv with stdout and stderr to /dev/null; its wall time in ms, or
 * -1 when it could not start or did not exit 0. */
static double timed_spawn(char *const argv[])
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    uint64_t t0 = qb_now_ns();
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return -1;
    int st = 0;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return -1;
    return (double)(qb_now_ns() - t0) / 1e6;
}

json_t *qb_bake(const qb_opts *o)
{
    char dir[] = "/tmp/quarry-bench-bake.XXXXXX";
    if (!mkdtemp(dir))
        return qb_error(NAME, "cannot make a temporary directory");
    char scen[256], png[256], packs[1100];
    snprintf(scen, sizeof scen, "%s/terrain8.jsonl", dir);
    snprintf(png, sizeof png, "%s/out.png", dir);
    snprintf(packs, sizeof packs, "%s/packs", o->root);
    json_t *out = NULL;
    double *bake = calloc(o->runs, sizeof *bake), *run = calloc(o->runs, sizeof *run);
    FILE *f = fopen(scen, "w");
    if (!f || !bake || !run) {
        out = qb_error(NAME, "cannot write %s", scen);
        if (f)
            fclose(f);
        goto done;
    }
    fprintf(f, "{\"quarry\":\"scenario\",\"format\":1,\"name\":\"terrain8\",\"seed\":%llu,"
               "\"pack\":\"default\",\"ticks\":1,\"world\":{\"generator\":\"terrain\","
               "\"chunks\":{\"min\":[-4,-4],\"max\":[3,3]}},\"players\":[]}\n",
            (unsigned long long)QB_SEED);
    fclose(f);
    char *bake_argv[] = {QB_QUARRY_BIN, "bake", scen, "--tick", "0", "--size", "512x512",
                         "--orbit", "--pack-dir", packs, "-o", png, NULL};
    char *run_argv[] = {QB_QUARRY_BIN, "run", scen, "--pack-dir", packs, "-o", "/dev/null",
                        NULL};
    qb_progress(NAME, "%u runs of %s bake (512x512, 8x8 terrain chunks)", o->runs,
                QB_QUARRY_BIN);
    for (unsigned i = 0; i < o->runs; i++) {
        bake[i] = timed_spawn(bake_argv);
        run[i] = timed_spawn(run_argv);
        if (bake[i] < 0 || run[i] < 0) {
            out = qb_error(NAME, "%s failed (no EGL? try it by hand: %s bake %s -o out.png)",
                           bake[i] < 0 ? "quarry bake" : "quarry run", QB_QUARRY_BIN, scen);
            goto done;
        }
    }
    out = json_object();
    json_object_set_new(out, "bake_ms", qb_summary(bake, o->runs, 1));
    json_object_set_new(out, "run_ms", qb_summary(run, o->runs, 1));
    json_object_set_new(out, "target_bake_ms", json_integer(300));
done:
    unlink(png);
    unlink(scen);
    rmdir(dir);
    free(bake);
    free(run);
    return out;
}
