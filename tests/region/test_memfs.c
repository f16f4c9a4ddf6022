/*
 * test_memfs.c - the in-memory file system's crash model, which every
 * crash test of the save protocol leans on: synced bytes and synced
 * directory entries survive a power cut; unsynced bytes survive as a
 * prefix or as zeros; unsynced entries survive as a prefix of their
 * sequence; fail_at stops at exactly operation k; clones are independent;
 * the same seed gives the same cut.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "quarry/qs.h"

#define SEEDS 200

/* create, write, [sync], close. */
static int put(const qs_io *io, const char *path, const char *data, bool sync)
{
    void *f;
    int r = io->create(io->ud, path, &f);
    if (r)
        return r;
    r = io->write(io->ud, f, data, strlen(data));
    if (!r && sync)
        r = io->sync(io->ud, f);
    int rc = io->close(io->ud, f);
    return r ? r : rc;
}

/* The file's contents as a string ("" and -errno in *r if absent). */
static char *get(const qs_io *io, const char *path, int *r)
{
    uint8_t *b = NULL;
    size_t n = 0;
    *r = io->read(io->ud, path, &b, &n);
    char *s = malloc(n + 1);
    if (!s)
        abort();
    if (*r == 0)
        memcpy(s, b, n);
    s[*r == 0 ? n : 0] = 0;
    free(b);
    return s;
}

static int count_name(void *arg, const char *name)
{
    (void)name;
    (*(int *)arg)++;
    return 0;
}

static int stop_at_b(void *arg, const char *name)
{
    (void)arg;
    return strcmp(name, "b") == 0 ? 42 : 0;
}

static bool dir_exists(const qs_io *io, const char *path)
{
    int n = 0;
    return io->list(io->ud, path, count_name, &n) == 0;
}

static bool exists(const qs_io *io, const char *path)
{
    int r;
    free(get(io, path, &r));
    return r == 0;
}

static void synced_data_survives(void)
{
    int ok = 1;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        qs_memfs *fs = qs_memfs_new();
        qs_io io = qs_memfs_io(fs);
        ok &= put(&io, "a", "hello", true) == 0;
        ok &= io.mkdir(io.ud, "d") == 0;
        ok &= put(&io, "d/b", "world", true) == 0;
        ok &= io.sync_dir(io.ud, "d") == 0;
        ok &= io.sync_dir(io.ud, "") == 0;
        qs_memfs_crash(fs, seed);
        int r;
        char *a = get(&io, "a", &r);
        ok &= r == 0 && strcmp(a, "hello") == 0;
        free(a);
        char *b = get(&io, "/d//b", &r); /* paths are normalised */
        ok &= r == 0 && strcmp(b, "world") == 0;
        free(b);
        qs_memfs_free(fs);
    }
    CHECK(ok);
}

/* Bytes written after the last sync come back as a prefix (possibly all
 * or none of them) or as zeros of a prefix's length. */
static void unsynced_data_torn(void)
{
    const char *data = "0123456789abcdefghijklmnopqrstuvwxyz";
    size_t n = strlen(data);
    int ok = 1, saw_none = 0, saw_all = 0, saw_part = 0, saw_zero = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        qs_memfs *fs = qs_memfs_new();
        qs_io io = qs_memfs_io(fs);
        void *f;
        ok &= io.create(io.ud, "f", &f) == 0;
        ok &= io.write(io.ud, f, "SYNCED:", 7) == 0;
        ok &= io.sync(io.ud, f) == 0;
        ok &= io.write(io.ud, f, data, n) == 0;
        ok &= io.close(io.ud, f) == 0;
        ok &= io.sync_dir(io.ud, ".") == 0;
        qs_memfs_crash(fs, seed);
        uint8_t *b = NULL;
        size_t len = 0;
        ok &= io.read(io.ud, "f", &b, &len) == 0;
        ok &= len >= 7 && len <= 7 + n && memcmp(b, "SYNCED:", 7) == 0;
        size_t tail = len - 7;
        bool prefix = memcmp(b + 7, data, tail) == 0;
        bool zeros = true;
        for (size_t i = 7; i < len; i++)
            zeros &= b[i] == 0;
        ok &= prefix || zeros;
        saw_none += tail == 0;
        saw_all += tail == n && prefix;
        saw_part += tail > 0 && tail < n && prefix;
        saw_zero += tail > 0 && zeros;
        free(b);
        qs_memfs_free(fs);
    }
    CHECK(ok);
    CHECK(saw_none > 0);
    CHECK(saw_all > 0);
    CHECK(saw_part > 0);
    CHECK(saw_zero > 0);
}

/* A file created and synced, but its directory never synced, may vanish;
 * when it survives, its synced bytes are whole. */
static void create_without_sync_dir_may_vanish(void)
{
    int ok = 1, gone = 0, kept = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        qs_memfs *fs = qs_memfs_new();
        qs_io io = qs_memfs_io(fs);
        ok &= put(&io, "f", "data", true) == 0;
        qs_memfs_crash(fs, seed);
        int r;
        char *s = get(&io, "f", &r);
        if (r == 0) {
            kept++;
            ok &= strcmp(s, "data") == 0;
        } else {
            gone++;
            ok &= r == -ENOENT;
        }
        free(s);
        qs_memfs_free(fs);
    }
    CHECK(ok);
    CHECK(gone > 0);
    CHECK(kept > 0);
}

/* The write-rename protocol: after sync_dir the rename is durable; before
 * it, a crash leaves the old file or the new one, never a mix. */
static void rename_is_atomic_and_durable_after_sync_dir(void)
{
    int ok = 1, saw_old = 0, saw_new = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        for (int synced = 0; synced < 2; synced++) {
            qs_memfs *fs = qs_memfs_new();
            qs_io io = qs_memfs_io(fs);
            ok &= put(&io, "w", "old", true) == 0;
            ok &= io.sync_dir(io.ud, "") == 0;
            ok &= put(&io, "w.tmp", "new!", true) == 0;
            ok &= io.rename(io.ud, "w.tmp", "w") == 0;
            if (synced)
                ok &= io.sync_dir(io.ud, "") == 0;
            qs_memfs_crash(fs, seed);
            int r;
            char *s = get(&io, "w", &r);
            ok &= r == 0;
            if (synced) {
                ok &= strcmp(s, "new!") == 0 && !exists(&io, "w.tmp");
            } else {
                ok &= strcmp(s, "old") == 0 || strcmp(s, "new!") == 0;
                saw_old += strcmp(s, "old") == 0;
                saw_new += strcmp(s, "new!") == 0;
            }
            free(s);
            qs_memfs_free(fs);
        }
    }
    CHECK(ok);
    CHECK(saw_old > 0);
    CHECK(saw_new > 0);
}

/* Renaming before the data is synced is the classic bug: the model must
 * be able to show it (an empty or torn file under the final name). */
static void rename_before_sync_can_tear(void)
{
    int torn = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        qs_memfs *fs = qs_memfs_new();
        qs_io io = qs_memfs_io(fs);
        put(&io, "w", "old", true);
        io.sync_dir(io.ud, "");
        put(&io, "w.tmp", "new data", false);
        io.rename(io.ud, "w.tmp", "w");
        io.sync_dir(io.ud, "");
        qs_memfs_crash(fs, seed);
        int r;
        char *s = get(&io, "w", &r);
        torn += r == 0 && strcmp(s, "new data") != 0;
        free(s);
        qs_memfs_free(fs);
    }
    CHECK(torn > 0);
}

/* Pending directory changes survive as a prefix of their sequence: if a
 * later change survived, every earlier one did. */
static void directory_changes_survive_in_order(void)
{
    int ok = 1, counts[4] = {0};
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        qs_memfs *fs = qs_memfs_new();
        qs_io io = qs_memfs_io(fs);
        ok &= put(&io, "a", "1", true) == 0;
        ok &= put(&io, "b", "2", true) == 0;
        ok &= put(&io, "c", "3", true) == 0;
        qs_memfs_crash(fs, seed);
        int a = exists(&io, "a"), b = exists(&io, "b"), c = exists(&io, "c");
        ok &= (a >= b) && (b >= c);
        counts[a + b + c]++;
        qs_memfs_free(fs);
    }
    CHECK(ok);
    for (int i = 0; i < 4; i++)
        CHECK(counts[i] > 0);
}

/* A directory's contents are lost with it when its own entry was never
 * made durable, even if the directory itself was synced. */
static void orphans_are_lost_with_their_directory(void)
{
    int ok = 1, both = 0, neither = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        qs_memfs *fs = qs_memfs_new();
        qs_io io = qs_memfs_io(fs);
        ok &= io.mkdir(io.ud, "d") == 0;
        ok &= io.mkdir(io.ud, "d") == 0; /* an existing directory is fine */
        ok &= put(&io, "d/f", "x", true) == 0;
        ok &= io.sync_dir(io.ud, "d") == 0;
        qs_memfs_crash(fs, seed);
        bool f = exists(&io, "d/f");
        bool d = dir_exists(&io, "d");
        ok &= !f || d;
        both += f && d;
        neither += !f && !d;
        qs_memfs_free(fs);
    }
    CHECK(ok);
    CHECK(both > 0);
    CHECK(neither > 0);
}

/* create over an existing file truncates it; a crash before the new
 * bytes are synced leaves the old bytes or a prefix of the new. */
static void truncation_before_sync(void)
{
    int ok = 1, saw_old = 0, saw_new = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        qs_memfs *fs = qs_memfs_new();
        qs_io io = qs_memfs_io(fs);
        ok &= put(&io, "f", "old bytes", true) == 0;
        ok &= io.sync_dir(io.ud, "") == 0;
        ok &= put(&io, "f", "NEW", false) == 0;
        int r;
        char *now = get(&io, "f", &r);
        ok &= r == 0 && strcmp(now, "NEW") == 0;
        free(now);
        qs_memfs_crash(fs, seed);
        uint8_t *b = NULL;
        size_t n = 0;
        ok &= io.read(io.ud, "f", &b, &n) == 0;
        bool old = n == 9 && memcmp(b, "old bytes", 9) == 0;
        bool zeros = true;
        for (size_t i = 0; i < n; i++)
            zeros &= b[i] == 0;
        bool prefix = n <= 3 && (memcmp(b, "NEW", n) == 0 || zeros);
        ok &= old || prefix;
        saw_old += old;
        saw_new += n == 3 && memcmp(b, "NEW", 3) == 0;
        free(b);
        qs_memfs_free(fs);
    }
    CHECK(ok);
    CHECK(saw_old > 0);
    CHECK(saw_new > 0);
}

/* The same seed cuts the same way. */
static void crash_is_deterministic(void)
{
    int ok = 1;
    for (uint64_t seed = 0; seed < 50; seed++) {
        char *got[2];
        for (int t = 0; t < 2; t++) {
            qs_memfs *fs = qs_memfs_new();
            qs_io io = qs_memfs_io(fs);
            put(&io, "x", "abcdefghijklmnopqrstuvwxyz", false);
            put(&io, "y", "0123456789", false);
            qs_memfs_crash(fs, seed);
            int r1, r2;
            char *x = get(&io, "x", &r1), *y = get(&io, "y", &r2);
            size_t n = strlen(x) + strlen(y) + 16;
            got[t] = malloc(n);
            snprintf(got[t], n, "%d:%s|%d:%s", r1, x, r2, y);
            free(x);
            free(y);
            qs_memfs_free(fs);
        }
        ok &= strcmp(got[0], got[1]) == 0;
        free(got[0]);
        free(got[1]);
    }
    CHECK(ok);
}

/* The script for fail_at: ten mutating operations. */
static int script_op(const qs_io *io, int i, void **f)
{
    switch (i) {
    case 0: return io->mkdir(io->ud, "d");
    case 1: return io->create(io->ud, "d/f", f);
    case 2: return io->write(io->ud, *f, "abc", 3);
    case 3: return io->sync(io->ud, *f);
    case 4: return io->close(io->ud, *f);
    case 5: return io->sync_dir(io->ud, "d");
    case 6: return io->rename(io->ud, "d/f", "d/g");
    case 7: return io->unlink(io->ud, "d/g");
    case 8: return io->mkdir(io->ud, "e");
    default: return io->sync_dir(io->ud, "");
    }
}

static void fail_at_stops_exactly_at_op_k(void)
{
    const int n = 10;
    for (int k = 1; k <= n + 1; k++) {
        qs_memfs *fs = qs_memfs_new();
        qs_io io = qs_memfs_io(fs);
        qs_memfs_fail_at(fs, (uint64_t)k);
        void *f = NULL;
        int ok = 1;
        for (int i = 0; i < n; i++) {
            int r = script_op(&io, i, &f);
            ok &= (i + 1 < k) ? r == 0 : r == -EIO;
            /* Reads are not operations and see what happened so far. */
            if (i == 0)
                ok &= dir_exists(&io, "d") == (k > 1);
            if (i == 2 && k > 3) {
                int rr;
                char *s = get(&io, "d/f", &rr);
                ok &= rr == 0 && strcmp(s, "abc") == 0;
                free(s);
            }
        }
        CHECK(ok);
        CHECK_INT(qs_memfs_ops(fs), n);
        /* What exists is exactly what the first k-1 operations made. */
        CHECK_INT(exists(&io, "d/f"), k >= 3 && k <= 7);
        CHECK_INT(exists(&io, "d/g"), k == 8);
        CHECK_INT(dir_exists(&io, "e"), k >= 10);
        /* The power cut rearms it. */
        qs_memfs_crash(fs, 1);
        CHECK_INT(qs_memfs_ops(fs), 0);
        CHECK_INT(io.mkdir(io.ud, "z"), 0);
        CHECK_INT(qs_memfs_ops(fs), 1);
        qs_memfs_free(fs);
    }
}

static void counters(void)
{
    qs_memfs *fs = qs_memfs_new();
    qs_io io = qs_memfs_io(fs);
    CHECK_INT(qs_memfs_ops(fs), 0);
    CHECK_INT(qs_memfs_syncs(fs), 0);
    CHECK_INT(put(&io, "a", "1", true), 0); /* create, write, sync, close */
    CHECK_INT(qs_memfs_ops(fs), 4);
    CHECK_INT(qs_memfs_syncs(fs), 1);
    CHECK_INT(io.sync_dir(io.ud, ""), 0);
    CHECK_INT(qs_memfs_ops(fs), 5);
    CHECK_INT(qs_memfs_syncs(fs), 2);
    int r;
    free(get(&io, "a", &r)); /* not counted */
    CHECK(dir_exists(&io, ""));
    CHECK_INT(qs_memfs_ops(fs), 5);
    CHECK_INT(io.unlink(io.ud, "nope"), -ENOENT); /* failures count too */
    CHECK_INT(qs_memfs_ops(fs), 6);
    qs_memfs_free(fs);
}

static void clone_is_independent(void)
{
    qs_memfs *fs = qs_memfs_new();
    qs_io io = qs_memfs_io(fs);
    put(&io, "a", "one", true);
    io.sync_dir(io.ud, "");
    put(&io, "b", "two", false); /* pending: the clone carries it */
    qs_memfs_fail_at(fs, 100);
    qs_memfs *c = qs_memfs_clone(fs);
    CHECK(c != NULL);
    qs_io cio = qs_memfs_io(c);
    CHECK_INT(qs_memfs_ops(c), 0);
    CHECK(exists(&cio, "a") && exists(&cio, "b"));
    put(&cio, "c", "three", true);
    CHECK_INT(cio.unlink(cio.ud, "a"), 0);
    CHECK(exists(&io, "a") && !exists(&io, "c"));
    CHECK(!exists(&cio, "a") && exists(&cio, "c"));
    CHECK_INT(qs_memfs_poke(fs, "b", 0, 0x20), 0);
    int r;
    char *s = get(&cio, "b", &r);
    CHECK_STR(s, "two");
    free(s);
    /* A clone crashes as its original would, seed for seed. */
    for (uint64_t seed = 0; seed < 20; seed++) {
        qs_memfs *x = qs_memfs_clone(fs), *y = qs_memfs_clone(fs);
        qs_memfs_crash(x, seed);
        qs_memfs_crash(y, seed);
        qs_io xi = qs_memfs_io(x), yi = qs_memfs_io(y);
        int rx, ry;
        char *sx = get(&xi, "b", &rx), *sy = get(&yi, "b", &ry);
        CHECK(rx == ry && strcmp(sx, sy) == 0);
        free(sx);
        free(sy);
        qs_memfs_free(x);
        qs_memfs_free(y);
    }
    qs_memfs_free(c);
    qs_memfs_free(fs);
}

static void errors_and_hooks(void)
{
    qs_memfs *fs = qs_memfs_new();
    qs_io io = qs_memfs_io(fs);
    void *f = NULL;
    CHECK_INT(io.create(io.ud, "no/such", &f), -ENOENT);
    CHECK_INT(put(&io, "file", "abcdef", true), 0);
    CHECK_INT(io.mkdir(io.ud, "file"), -EEXIST);
    CHECK_INT(io.create(io.ud, "file/x", &f), -ENOTDIR);
    CHECK_INT(io.mkdir(io.ud, "dir"), 0);
    CHECK_INT(io.create(io.ud, "dir", &f), -EISDIR);
    CHECK_INT(io.unlink(io.ud, "missing"), -ENOENT);
    CHECK_INT(io.unlink(io.ud, "dir"), -EISDIR);
    CHECK_INT(io.rename(io.ud, "missing", "x"), -ENOENT);
    CHECK_INT(io.rename(io.ud, "file", "dir"), -EISDIR);
    CHECK_INT(io.rename(io.ud, "file", "file"), 0);
    CHECK_INT(io.sync_dir(io.ud, "missing"), -ENOENT);
    CHECK_INT(io.sync_dir(io.ud, "file"), -ENOTDIR);
    CHECK_INT(io.mkdir(io.ud, "a/../b"), -EINVAL);
    uint8_t *b = NULL;
    size_t n = 0;
    CHECK_INT(io.read(io.ud, "dir", &b, &n), -EISDIR);
    CHECK_INT(io.read(io.ud, "missing", &b, &n), -ENOENT);
    CHECK_INT(io.list(io.ud, "missing", count_name, NULL), -ENOENT);
    CHECK_INT(io.list(io.ud, "file", count_name, NULL), -ENOTDIR);
    CHECK_INT(io.write(io.ud, (void *)&n, "x", 1), -EBADF);
    int names = 0;
    CHECK_INT(io.list(io.ud, "", count_name, &names), 0);
    CHECK_INT(names, 2); /* file, dir */
    CHECK_INT(put(&io, "dir/a", "", true), 0);
    CHECK_INT(put(&io, "dir/b", "", true), 0);
    names = 0;
    CHECK_INT(io.list(io.ud, "dir", count_name, &names), 0);
    CHECK_INT(names, 2);
    CHECK_INT(io.list(io.ud, "dir", stop_at_b, NULL), 42);
    /* Corruption hooks. */
    CHECK_INT(qs_memfs_poke(fs, "file", 1, 0x01), 0);
    CHECK_INT(qs_memfs_poke(fs, "file", 6, 0x01), -EINVAL);
    CHECK_INT(qs_memfs_poke(fs, "missing", 0, 1), -ENOENT);
    CHECK_INT(qs_memfs_truncate(fs, "file", 4), 0);
    CHECK_INT(qs_memfs_truncate(fs, "file", 5), -EINVAL);
    CHECK_INT(qs_memfs_truncate(fs, "dir", 0), -ENOENT);
    int r;
    char *s = get(&io, "file", &r);
    CHECK_STR(s, "accd");
    free(s);
    /* Damage is on the medium: it survives a power cut. */
    io.sync_dir(io.ud, "");
    qs_memfs_crash(fs, 3);
    s = get(&io, "file", &r);
    CHECK_STR(s, "accd");
    free(s);
    qs_memfs_free(fs);
}

/* Open files die with the process: nothing leaks (ASan build). */
static void crash_with_open_files(void)
{
    qs_memfs *fs = qs_memfs_new();
    qs_io io = qs_memfs_io(fs);
    void *f = NULL;
    CHECK_INT(io.create(io.ud, "f", &f), 0);
    CHECK_INT(io.write(io.ud, f, "abc", 3), 0);
    qs_memfs_fail_at(fs, 3);
    CHECK_INT(io.close(io.ud, f), -EIO); /* fails, but the handle is released */
    void *g = NULL;
    CHECK_INT(io.create(io.ud, "g", &g), -EIO);
    CHECK(g == NULL);
    qs_memfs_crash(fs, 9);
    CHECK_INT(io.create(io.ud, "h", &g), 0);
    CHECK_INT(io.write(io.ud, g, "x", 1), 0);
    qs_memfs_crash(fs, 9); /* g was open: freed with the process */
    qs_memfs_free(fs);
}

int main(void)
{
    synced_data_survives();
    unsynced_data_torn();
    create_without_sync_dir_may_vanish();
    rename_is_atomic_and_durable_after_sync_dir();
    rename_before_sync_can_tear();
    directory_changes_survive_in_order();
    orphans_are_lost_with_their_directory();
    truncation_before_sync();
    crash_is_deterministic();
    fail_at_stops_exactly_at_op_k();
    counters();
    clone_is_independent();
    errors_and_hooks();
    crash_with_open_files();
    return qt_report();
}
