/*
 * memfs.c - qs_memfs: an in-memory file system that can lose power.
 *
 * The crash tests need a file system whose failures are exact and
 * repeatable: stop a save at its k-th operation, cut the power, and get
 * the same surviving bytes for the same seed.  The model is deliberately
 * weaker than most real file systems, so that a save protocol that
 * survives it does not lean on any one file system's kindness:
 *
 * Names.  One sorted table of paths; each entry has two views, `cur`
 * (what readers see now) and `dur` (what a power cut would leave): none,
 * a directory, or an inode number.  Namespace operations (mkdir, create
 * of a new name, rename, unlink) change `cur` at once and are appended to
 * a pending log.  sync_dir(d) applies to `dur`, in log order, every
 * pending operation that touches d (the directory of its path, and for a
 * rename of either path) together with every earlier pending operation
 * that shares a directory with one of those, the way a journal commits
 * what a change depends on.  A pending operation pins the entries of the
 * paths it names, so they stay in the table until it is applied or
 * dropped.  A power cut applies a seeded-random prefix of what is still
 * pending (a journal replayed up to some point), then drops every
 * durable entry whose parent directory did not survive.
 *
 * Data.  Files are written front to back, so an inode keeps its bytes
 * and `dlen`, the length its last sync made durable.  A power cut keeps
 * those plus a seeded-random prefix of the bytes written after (a torn
 * write), and with probability 1/4 that kept tail reads as zeros (a disk
 * that kept the size but lost the data).  Truncating an existing file
 * (create over it) keeps the durable bytes aside; a power cut then keeps
 * either them (the truncation was lost) or a prefix of the new bytes.
 * An inode that no surviving name reaches is gone.
 *
 * Failures.  Mutating calls are counted from 1; from call fail_at on,
 * each returns -EIO with no effect (close still releases its handle, as
 * close(2) does).  Reads and listings are not counted and see `cur`.
 *
 * A file in the model is one inode; a rename moves the inode, and a
 * rename across directories is one journal record that either survives
 * whole or not at all.  Directories cannot be renamed or removed (the
 * save protocol does neither).  The power cut never allocates, so it
 * cannot fail: every choice it makes only shortens what survives.  Costs are O(entries) per call; this is a
 * test fixture for directories of tens of files, not a database.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "qs_internal.h"

#define MF_NONE UINT32_MAX        /* no entry in this view */
#define MF_DIR (UINT32_MAX - 1u)  /* a directory */

typedef struct mf_inode {
    bool used, mark;
    bool truncated;   /* cut since its last sync: `old` holds the durable bytes */
    uint8_t *p;       /* current bytes */
    size_t len, cap;
    size_t dlen;      /* p[0..dlen) is durable (when not truncated) */
    uint8_t *old;     /* durable bytes of a truncated file */
    size_t old_len;
} mf_inode;

typedef struct mf_entry {
    char *path;        /* normalised: no leading, trailing or double '/' */
    uint32_t cur, dur; /* MF_NONE, MF_DIR or an inode number */
    uint32_t pins;     /* pending operations naming this path */
} mf_entry;

typedef enum mf_kind { OP_MKDIR, OP_LINK, OP_RENAME, OP_UNLINK } mf_kind;

typedef struct mf_op {
    mf_kind kind;
    char *a, *b;  /* path; rename's target (else NULL) */
    uint32_t ino; /* OP_LINK: the new file's inode */
} mf_op;

typedef struct mf_handle {
    struct mf_handle *next;
    uint32_t ino;
} mf_handle;

struct qs_memfs {
    mf_entry *ent; /* sorted by strcmp of path */
    size_t n_ent, cap_ent;
    mf_inode *ino;
    uint32_t n_ino, cap_ino;
    mf_op *op; /* pending namespace operations, oldest first */
    size_t n_op, cap_op;
    mf_handle *open;
    uint64_t ops, syncs, fail_at;
};

/* ---- small helpers ------------------------------------------------------ */

/* splitmix64: tiny, seedable with any value, good enough to pick cuts. */
static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform enough in 0..n (inclusive). */
static size_t rand_upto(uint64_t *s, size_t n)
{
    return (size_t)(next_rand(s) % ((uint64_t)n + 1));
}

/* strdup is POSIX, not C11. */
static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Counts a mutating call; false when it must fail (the process "died"). */
static bool op_allowed(qs_memfs *fs)
{
    fs->ops++;
    return fs->fail_at == 0 || fs->ops < fs->fail_at;
}

/* Normalises a path into a malloc'd string: components split on '/',
 * empty and "." components dropped (so "/a//b/" and "./a/b" are "a/b",
 * and the root is ""); ".." is refused, there being no need for it. */
static int norm_path(const char *in, char **out)
{
    *out = NULL;
    if (!in)
        return -EINVAL;
    size_t n = strlen(in);
    char *s = malloc(n + 1);
    if (!s)
        return -ENOMEM;
    size_t o = 0;
    const char *p = in;
    while (*p) {
        while (*p == '/')
            p++;
        const char *q = p;
        while (*q && *q != '/')
            q++;
        size_t c = (size_t)(q - p);
        if (c == 2 && p[0] == '.' && p[1] == '.') {
            free(s);
            return -EINVAL;
        }
        if (c > 0 && !(c == 1 && p[0] == '.')) {
            if (o)
                s[o++] = '/';
            memcpy(s + o, p, c);
            o += c;
        }
        p = q;
    }
    s[o] = 0;
    *out = s;
    return 0;
}

/* Length of the parent directory's path inside p ("" for the root). */
static size_t parent_len(const char *p)
{
    const char *slash = strrchr(p, '/');
    return slash ? (size_t)(slash - p) : 0;
}

/* strcmp of key[0..klen) (no NUL inside) against s. */
static int key_cmp(const char *key, size_t klen, const char *s)
{
    int c = strncmp(key, s, klen);
    if (c)
        return c;
    return s[klen] ? -1 : 0;
}

/* Binary search; *pos is the index of the entry or where it would go. */
static bool find(const qs_memfs *fs, const char *key, size_t klen, size_t *pos)
{
    size_t lo = 0, hi = fs->n_ent;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = key_cmp(key, klen, fs->ent[mid].path);
        if (c == 0) {
            *pos = mid;
            return true;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    *pos = lo;
    return false;
}

static mf_entry *lookup(const qs_memfs *fs, const char *key, size_t klen)
{
    size_t pos;
    return find(fs, key, klen, &pos) ? &fs->ent[pos] : NULL;
}

/* What `path` is now: MF_NONE, MF_DIR or an inode (the root is a dir). */
static uint32_t cur_of(const qs_memfs *fs, const char *path)
{
    if (!*path)
        return MF_DIR;
    mf_entry *e = lookup(fs, path, strlen(path));
    return e ? e->cur : MF_NONE;
}

/* 0 when p's parent is a directory now, else -ENOENT or -ENOTDIR. */
static int parent_ok(const qs_memfs *fs, const char *p)
{
    size_t pl = parent_len(p);
    if (pl == 0)
        return 0;
    mf_entry *e = lookup(fs, p, pl);
    if (!e || e->cur == MF_NONE)
        return -ENOENT;
    return e->cur == MF_DIR ? 0 : -ENOTDIR;
}

static bool grow(void **v, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 16;
    while (c < need)
        c *= 2;
    if (c > SIZE_MAX / size)
        return false;
    void *n = realloc(*v, c * size);
    if (!n)
        return false;
    *v = n;
    *cap = c;
    return true;
}

/* Makes room for one more entry and one more pending op, so that what
 * follows cannot fail half way. */
static bool reserve(qs_memfs *fs, size_t entries)
{
    void *e = fs->ent, *o = fs->op;
    bool ok = grow(&e, &fs->cap_ent, fs->n_ent + entries, sizeof *fs->ent);
    fs->ent = e;
    ok = ok && grow(&o, &fs->cap_op, fs->n_op + 1, sizeof *fs->op);
    fs->op = o;
    return ok;
}

/* Inserts (taking ownership of path) at pos; room must be reserved. */
static mf_entry *insert_at(qs_memfs *fs, size_t pos, char *path)
{
    memmove(&fs->ent[pos + 1], &fs->ent[pos], (fs->n_ent - pos) * sizeof *fs->ent);
    fs->n_ent++;
    fs->ent[pos] = (mf_entry){path, MF_NONE, MF_NONE, 0};
    return &fs->ent[pos];
}

/* The entry for path, inserted (empty in both views) when absent; takes
 * ownership of path.  Room must be reserved. */
static mf_entry *entry_for(qs_memfs *fs, char *path)
{
    size_t pos;
    if (find(fs, path, strlen(path), &pos)) {
        free(path);
        return &fs->ent[pos];
    }
    return insert_at(fs, pos, path);
}

/* Drops entries that nothing names any more. */
static void prune(qs_memfs *fs)
{
    size_t o = 0;
    for (size_t i = 0; i < fs->n_ent; i++) {
        mf_entry *e = &fs->ent[i];
        if (e->cur == MF_NONE && e->dur == MF_NONE && e->pins == 0)
            free(e->path);
        else
            fs->ent[o++] = *e;
    }
    fs->n_ent = o;
}

static void inode_clear(mf_inode *in)
{
    free(in->p);
    free(in->old);
    memset(in, 0, sizeof *in);
}

static bool is_file(uint32_t v)
{
    return v != MF_NONE && v != MF_DIR;
}

/* Frees inodes that no name (either view), pending link or open handle
 * reaches.  Mark and sweep: O(entries + ops + inodes). */
static void collect(qs_memfs *fs)
{
    for (uint32_t i = 0; i < fs->n_ino; i++)
        fs->ino[i].mark = false;
    for (size_t i = 0; i < fs->n_ent; i++) {
        if (is_file(fs->ent[i].cur))
            fs->ino[fs->ent[i].cur].mark = true;
        if (is_file(fs->ent[i].dur))
            fs->ino[fs->ent[i].dur].mark = true;
    }
    for (size_t i = 0; i < fs->n_op; i++)
        if (fs->op[i].kind == OP_LINK)
            fs->ino[fs->op[i].ino].mark = true;
    for (mf_handle *h = fs->open; h; h = h->next)
        fs->ino[h->ino].mark = true;
    for (uint32_t i = 0; i < fs->n_ino; i++)
        if (fs->ino[i].used && !fs->ino[i].mark)
            inode_clear(&fs->ino[i]);
}

/* A free inode slot, or MF_NONE when out of memory. */
static uint32_t inode_new(qs_memfs *fs)
{
    for (uint32_t i = 0; i < fs->n_ino; i++)
        if (!fs->ino[i].used) {
            fs->ino[i].used = true;
            return i;
        }
    if (fs->n_ino >= MF_DIR - 1)
        return MF_NONE;
    size_t cap = fs->cap_ino;
    void *v = fs->ino;
    if (!grow(&v, &cap, (size_t)fs->n_ino + 1, sizeof *fs->ino))
        return MF_NONE;
    fs->ino = v;
    fs->cap_ino = (uint32_t)(cap < MF_DIR - 1 ? cap : MF_DIR - 1);
    uint32_t i = fs->n_ino++;
    memset(&fs->ino[i], 0, sizeof fs->ino[i]);
    fs->ino[i].used = true;
    return i;
}

static mf_handle *handle_of(const qs_memfs *fs, const void *file)
{
    for (mf_handle *h = fs->open; h; h = h->next)
        if (h == file)
            return h;
    return NULL;
}

static void pin(qs_memfs *fs, const char *path, int by)
{
    mf_entry *e = lookup(fs, path, strlen(path));
    if (e)
        e->pins = (uint32_t)((int)e->pins + by);
}

/* Appends a pending op (room reserved); pins the paths it names. */
static void log_op(qs_memfs *fs, mf_kind kind, char *a, char *b, uint32_t ino)
{
    fs->op[fs->n_op++] = (mf_op){kind, a, b, ino};
    pin(fs, a, 1);
    if (b)
        pin(fs, b, 1);
}

static void op_free(qs_memfs *fs, mf_op *op)
{
    pin(fs, op->a, -1);
    if (op->b)
        pin(fs, op->b, -1);
    free(op->a);
    free(op->b);
}

/* Applies one pending op to the durable view.  Pinned entries exist, so
 * this never allocates. */
static void apply_durable(qs_memfs *fs, const mf_op *op)
{
    mf_entry *a = lookup(fs, op->a, strlen(op->a));
    if (!a)
        return;
    switch (op->kind) {
    case OP_MKDIR:
        a->dur = MF_DIR;
        break;
    case OP_LINK:
        a->dur = op->ino;
        break;
    case OP_UNLINK:
        a->dur = MF_NONE;
        break;
    case OP_RENAME: {
        mf_entry *b = lookup(fs, op->b, strlen(op->b));
        if (b && is_file(a->dur)) {
            b->dur = a->dur;
            a->dur = MF_NONE;
        }
        break;
    }
    }
}

/* ---- the qs_io functions -------------------------------------------------- */

static int mf_mkdir(void *ud, const char *path)
{
    qs_memfs *fs = ud;
    if (!op_allowed(fs))
        return -EIO;
    char *p, *q = NULL;
    int r = norm_path(path, &p);
    if (r)
        return r;
    uint32_t now = cur_of(fs, p);
    if (now != MF_NONE || (r = parent_ok(fs, p)) != 0) {
        free(p);
        return now == MF_DIR ? 0 : now != MF_NONE ? -EEXIST : r;
    }
    if (!(q = dup_str(p)) || !reserve(fs, 1)) {
        free(p);
        free(q);
        return -ENOMEM;
    }
    entry_for(fs, p)->cur = MF_DIR;
    log_op(fs, OP_MKDIR, q, NULL, 0);
    return 0;
}

static int mf_create(void *ud, const char *path, void **file)
{
    qs_memfs *fs = ud;
    *file = NULL;
    if (!op_allowed(fs))
        return -EIO;
    char *p, *q = NULL;
    int r = norm_path(path, &p);
    if (r)
        return r;
    uint32_t now = cur_of(fs, p);
    r = now == MF_DIR ? -EISDIR : parent_ok(fs, p);
    mf_handle *h = r ? NULL : malloc(sizeof *h);
    if (!r && !h)
        r = -ENOMEM;
    if (!r && now == MF_NONE && (!(q = dup_str(p)) || !reserve(fs, 1)))
        r = -ENOMEM;
    uint32_t ino = now;
    if (!r && now == MF_NONE && (ino = inode_new(fs)) == MF_NONE)
        r = -ENOMEM;
    if (r) {
        free(p);
        free(q);
        free(h);
        return r;
    }
    if (now == MF_NONE) {
        entry_for(fs, p)->cur = ino;
        log_op(fs, OP_LINK, q, NULL, ino);
    } else {
        /* O_TRUNC: the durable bytes stay aside until the next sync. */
        mf_inode *in = &fs->ino[ino];
        free(p);
        if (!in->truncated) {
            in->old = in->p;
            in->old_len = in->dlen;
            in->p = NULL;
            in->cap = 0;
            in->truncated = true;
        }
        in->len = 0;
        in->dlen = 0;
    }
    h->ino = ino;
    h->next = fs->open;
    fs->open = h;
    *file = h;
    return 0;
}

static int mf_write(void *ud, void *file, const void *buf, size_t len)
{
    qs_memfs *fs = ud;
    if (!op_allowed(fs))
        return -EIO;
    mf_handle *h = handle_of(fs, file);
    if (!h)
        return -EBADF;
    mf_inode *in = &fs->ino[h->ino];
    if (len > SIZE_MAX - in->len)
        return -EFBIG;
    void *p = in->p;
    if (!grow(&p, &in->cap, in->len + len, 1))
        return -ENOMEM;
    in->p = p;
    if (len)
        memcpy(in->p + in->len, buf, len);
    in->len += len;
    return 0;
}

static int mf_sync(void *ud, void *file)
{
    qs_memfs *fs = ud;
    if (!op_allowed(fs))
        return -EIO;
    mf_handle *h = handle_of(fs, file);
    if (!h)
        return -EBADF;
    mf_inode *in = &fs->ino[h->ino];
    free(in->old);
    in->old = NULL;
    in->old_len = 0;
    in->truncated = false;
    in->dlen = in->len;
    fs->syncs++;
    return 0;
}

static int mf_close(void *ud, void *file)
{
    qs_memfs *fs = ud;
    bool allowed = op_allowed(fs);
    mf_handle **pp = &fs->open;
    while (*pp && *pp != file)
        pp = &(*pp)->next;
    if (!*pp)
        return allowed ? -EBADF : -EIO;
    mf_handle *h = *pp;
    *pp = h->next;
    free(h);
    collect(fs);
    return allowed ? 0 : -EIO;
}

static int mf_rename(void *ud, const char *from, const char *to)
{
    qs_memfs *fs = ud;
    if (!op_allowed(fs))
        return -EIO;
    char *a = NULL, *b = NULL, *qa = NULL, *qb = NULL;
    int r = norm_path(from, &a);
    if (!r)
        r = norm_path(to, &b);
    uint32_t src = r ? MF_NONE : cur_of(fs, a);
    if (!r)
        r = src == MF_NONE ? -ENOENT : src == MF_DIR ? -EISDIR : 0; /* files only */
    if (!r && strcmp(a, b) == 0)
        r = 1; /* renaming a file onto itself does nothing */
    if (!r)
        r = cur_of(fs, b) == MF_DIR ? -EISDIR : parent_ok(fs, b);
    if (!r && (!(qa = dup_str(a)) || !(qb = dup_str(b)) || !reserve(fs, 1)))
        r = -ENOMEM;
    if (r) {
        free(a);
        free(b);
        free(qa);
        free(qb);
        return r > 0 ? 0 : r;
    }
    entry_for(fs, b)->cur = src;
    lookup(fs, a, strlen(a))->cur = MF_NONE;
    free(a);
    log_op(fs, OP_RENAME, qa, qb, 0);
    collect(fs);
    prune(fs);
    return 0;
}

static int mf_unlink(void *ud, const char *path)
{
    qs_memfs *fs = ud;
    if (!op_allowed(fs))
        return -EIO;
    char *p;
    int r = norm_path(path, &p);
    if (r)
        return r;
    uint32_t now = cur_of(fs, p);
    r = now == MF_NONE ? -ENOENT : now == MF_DIR ? -EISDIR : 0;
    if (!r && !reserve(fs, 0))
        r = -ENOMEM;
    if (r) {
        free(p);
        return r;
    }
    lookup(fs, p, strlen(p))->cur = MF_NONE;
    log_op(fs, OP_UNLINK, p, NULL, 0);
    collect(fs);
    return 0;
}

/* A set of directory names (pointers into op paths, with lengths). */
typedef struct dirset {
    const char **s;
    size_t *len;
    size_t n;
} dirset;

static bool dirset_has(const dirset *d, const char *s, size_t len)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->len[i] == len && memcmp(d->s[i], s, len) == 0)
            return true;
    return false;
}

static void dirset_add(dirset *d, const char *s, size_t len)
{
    if (!dirset_has(d, s, len)) {
        d->s[d->n] = s;
        d->len[d->n++] = len;
    }
}

/* Does op touch a directory in d?  If `add`, adds its directories. */
static bool op_touches(dirset *d, const mf_op *op, bool add)
{
    size_t la = parent_len(op->a), lb = op->b ? parent_len(op->b) : 0;
    bool hit = dirset_has(d, op->a, la) || (op->b && dirset_has(d, op->b, lb));
    if (hit && add) {
        dirset_add(d, op->a, la);
        if (op->b)
            dirset_add(d, op->b, lb);
    }
    return hit;
}

/* sync_dir: the pending ops that touch the directory, and (walking back)
 * every earlier one that shares a directory with an op already taken,
 * become durable in log order.  The rest stay pending, in order. */
static int mf_sync_dir(void *ud, const char *path)
{
    qs_memfs *fs = ud;
    if (!op_allowed(fs))
        return -EIO;
    char *p;
    int r = norm_path(path, &p);
    if (r)
        return r;
    uint32_t now = cur_of(fs, p);
    if (now != MF_DIR) {
        free(p);
        return now == MF_NONE ? -ENOENT : -ENOTDIR;
    }
    size_t cap = 1 + 2 * fs->n_op;
    dirset d = {malloc(cap * sizeof *d.s), malloc(cap * sizeof *d.len), 0};
    bool *take = malloc(fs->n_op ? fs->n_op : 1);
    if (!d.s || !d.len || !take) {
        free(d.s);
        free(d.len);
        free(take);
        free(p);
        return -ENOMEM;
    }
    dirset_add(&d, p, strlen(p));
    for (size_t i = fs->n_op; i-- > 0;)
        take[i] = op_touches(&d, &fs->op[i], true);
    size_t o = 0;
    for (size_t i = 0; i < fs->n_op; i++) {
        if (take[i]) {
            apply_durable(fs, &fs->op[i]);
            op_free(fs, &fs->op[i]);
        } else {
            fs->op[o++] = fs->op[i];
        }
    }
    fs->n_op = o;
    free(d.s);
    free(d.len);
    free(take);
    free(p);
    fs->syncs++;
    collect(fs);
    prune(fs);
    return 0;
}

static int mf_read(void *ud, const char *path, uint8_t **buf, size_t *len)
{
    qs_memfs *fs = ud;
    *buf = NULL;
    *len = 0;
    char *p;
    int r = norm_path(path, &p);
    if (r)
        return r;
    uint32_t now = cur_of(fs, p);
    free(p);
    if (now == MF_NONE)
        return -ENOENT;
    if (now == MF_DIR)
        return -EISDIR;
    const mf_inode *in = &fs->ino[now];
    uint8_t *b = malloc(in->len ? in->len : 1);
    if (!b)
        return -ENOMEM;
    if (in->len)
        memcpy(b, in->p, in->len);
    *buf = b;
    *len = in->len;
    return 0;
}

/* Names are copied out first, so fn may change the file system. */
static int mf_list(void *ud, const char *dir, int (*fn)(void *arg, const char *name), void *arg)
{
    qs_memfs *fs = ud;
    char *p;
    int r = norm_path(dir, &p);
    if (r)
        return r;
    uint32_t now = cur_of(fs, p);
    if (now != MF_DIR) {
        free(p);
        return now == MF_NONE ? -ENOENT : -ENOTDIR;
    }
    size_t pl = strlen(p), n = 0;
    char **names = malloc((fs->n_ent ? fs->n_ent : 1) * sizeof *names);
    if (!names)
        r = -ENOMEM;
    for (size_t i = 0; !r && i < fs->n_ent; i++) {
        const mf_entry *e = &fs->ent[i];
        if (e->cur == MF_NONE || parent_len(e->path) != pl || strncmp(e->path, p, pl) != 0)
            continue;
        const char *name = e->path + pl + (pl ? 1 : 0);
        if (!(names[n] = dup_str(name)))
            r = -ENOMEM;
        else
            n++;
    }
    for (size_t i = 0; !r && i < n; i++)
        r = fn(arg, names[i]);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(p);
    return r;
}

/* ---- the power cut ---------------------------------------------------------- */

/* A file's bytes after the cut (never allocates: it only shortens). */
static void cut_inode(mf_inode *in, uint64_t *rng)
{
    if (in->truncated) {
        if (next_rand(rng) & 1) { /* the truncation itself was lost */
            free(in->p);
            in->p = in->old;
            in->len = in->cap = in->old_len;
        } else {
            free(in->old);
            size_t keep = rand_upto(rng, in->len);
            if (next_rand(rng) % 4 == 0 && keep)
                memset(in->p, 0, keep);
            in->len = keep;
        }
        in->old = NULL;
        in->old_len = 0;
        in->truncated = false;
    } else if (in->len > in->dlen) {
        size_t keep = rand_upto(rng, in->len - in->dlen);
        if (next_rand(rng) % 4 == 0 && keep)
            memset(in->p + in->dlen, 0, keep);
        in->len = in->dlen + keep;
    }
    in->dlen = in->len;
}

void qs_memfs_crash(qs_memfs *fs, uint64_t seed)
{
    if (!fs)
        return;
    uint64_t rng = seed;
    /* The process is gone: its open files with it. */
    while (fs->open) {
        mf_handle *h = fs->open;
        fs->open = h->next;
        free(h);
    }
    /* The journal replays up to some point. */
    size_t keep = rand_upto(&rng, fs->n_op);
    for (size_t i = 0; i < fs->n_op; i++) {
        if (i < keep)
            apply_durable(fs, &fs->op[i]);
        op_free(fs, &fs->op[i]);
    }
    fs->n_op = 0;
    /* An entry whose directory did not survive is lost with it.  A parent
     * sorts before its children (it is a prefix), so one pass suffices. */
    for (size_t i = 0; i < fs->n_ent; i++) {
        mf_entry *e = &fs->ent[i];
        size_t pl = parent_len(e->path);
        if (pl && e->dur != MF_NONE) {
            mf_entry *parent = lookup(fs, e->path, pl);
            if (!parent || parent->dur != MF_DIR)
                e->dur = MF_NONE;
        }
        e->cur = e->dur;
    }
    prune(fs);
    collect(fs);
    for (uint32_t i = 0; i < fs->n_ino; i++)
        if (fs->ino[i].used)
            cut_inode(&fs->ino[i], &rng);
    fs->fail_at = 0;
    fs->ops = 0;
    fs->syncs = 0;
}

/* ---- lifetime and test hooks ---------------------------------------------- */

qs_memfs *qs_memfs_new(void)
{
    return calloc(1, sizeof(qs_memfs));
}

void qs_memfs_free(qs_memfs *fs)
{
    if (!fs)
        return;
    while (fs->open) {
        mf_handle *h = fs->open;
        fs->open = h->next;
        free(h);
    }
    for (size_t i = 0; i < fs->n_op; i++) {
        free(fs->op[i].a);
        free(fs->op[i].b);
    }
    for (size_t i = 0; i < fs->n_ent; i++)
        free(fs->ent[i].path);
    for (uint32_t i = 0; i < fs->n_ino; i++)
        inode_clear(&fs->ino[i]);
    free(fs->op);
    free(fs->ent);
    free(fs->ino);
    free(fs);
}

static bool copy_bytes(uint8_t **dst, const uint8_t *src, size_t len)
{
    *dst = NULL;
    if (!src)
        return true;
    *dst = malloc(len ? len : 1);
    if (*dst && len)
        memcpy(*dst, src, len);
    return *dst != NULL;
}

qs_memfs *qs_memfs_clone(const qs_memfs *fs)
{
    if (!fs)
        return NULL;
    qs_memfs *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    bool ok = (c->ent = calloc(fs->n_ent ? fs->n_ent : 1, sizeof *c->ent)) != NULL &&
              (c->ino = calloc(fs->n_ino ? fs->n_ino : 1, sizeof *c->ino)) != NULL &&
              (c->op = calloc(fs->n_op ? fs->n_op : 1, sizeof *c->op)) != NULL;
    if (ok) {
        c->cap_ent = fs->n_ent ? fs->n_ent : 1;
        c->cap_ino = fs->n_ino ? fs->n_ino : 1;
        c->cap_op = fs->n_op ? fs->n_op : 1;
    }
    for (size_t i = 0; ok && i < fs->n_ent; i++, c->n_ent++) {
        c->ent[i] = fs->ent[i];
        ok = (c->ent[i].path = dup_str(fs->ent[i].path)) != NULL;
    }
    for (uint32_t i = 0; ok && i < fs->n_ino; i++, c->n_ino++) {
        const mf_inode *s = &fs->ino[i];
        mf_inode *d = &c->ino[i];
        *d = *s;
        d->p = d->old = NULL;
        d->cap = s->len;
        ok = copy_bytes(&d->p, s->p, s->len) && copy_bytes(&d->old, s->old, s->old_len);
    }
    for (size_t i = 0; ok && i < fs->n_op; i++, c->n_op++) {
        const mf_op *s = &fs->op[i];
        c->op[i] = (mf_op){s->kind, dup_str(s->a), s->b ? dup_str(s->b) : NULL, s->ino};
        ok = c->op[i].a && (!s->b || c->op[i].b);
    }
    if (!ok) {
        qs_memfs_free(c);
        return NULL;
    }
    /* Open handles belong to the original: the clone has none, and so an
     * inode only a handle kept alive is gone in it. */
    collect(c);
    return c;
}

qs_io qs_memfs_io(qs_memfs *fs)
{
    qs_io io = {fs,        mf_mkdir,    mf_create, mf_write, mf_sync, mf_close,
                mf_rename, mf_sync_dir, mf_unlink, mf_read,  mf_list};
    return io;
}

void qs_memfs_fail_at(qs_memfs *fs, uint64_t op)
{
    if (fs)
        fs->fail_at = op;
}

uint64_t qs_memfs_ops(const qs_memfs *fs)
{
    return fs ? fs->ops : 0;
}

uint64_t qs_memfs_syncs(const qs_memfs *fs)
{
    return fs ? fs->syncs : 0;
}

/* The file's inode, or MF_NONE. */
static uint32_t file_of(const qs_memfs *fs, const char *path)
{
    char *p;
    if (!fs || norm_path(path, &p) != 0)
        return MF_NONE;
    uint32_t now = cur_of(fs, p);
    free(p);
    return is_file(now) ? now : MF_NONE;
}

/* Damage is to the medium: the synced bytes change with the visible ones
 * (they share storage), so a later power cut keeps it. */
int qs_memfs_poke(qs_memfs *fs, const char *path, size_t offset, uint8_t xor_mask)
{
    uint32_t ino = file_of(fs, path);
    if (ino == MF_NONE)
        return -ENOENT;
    mf_inode *in = &fs->ino[ino];
    if (offset >= in->len)
        return -EINVAL;
    in->p[offset] ^= xor_mask;
    return 0;
}

int qs_memfs_truncate(qs_memfs *fs, const char *path, size_t len)
{
    uint32_t ino = file_of(fs, path);
    if (ino == MF_NONE)
        return -ENOENT;
    mf_inode *in = &fs->ino[ino];
    if (len > in->len)
        return -EINVAL; /* only shortens */
    in->len = len;
    if (in->dlen > len)
        in->dlen = len;
    return 0;
}
