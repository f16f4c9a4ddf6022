/*
 * io_posix.c - qs_io over the real file system (POSIX calls).
 *
 * Every function returns 0 or a negative errno and retries EINTR.  A file
 * handle is a small malloc'd box around the descriptor, so the qs_io
 * signature (void *) carries no casts between integers and pointers.
 *
 * Durability is the caller's protocol (save.c): sync is fsync(2) on the
 * file, sync_dir is fsync(2) on a descriptor of the directory, which is
 * what makes a create, rename or unlink inside it survive a power cut.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* rename */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "qs_internal.h"

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#ifndef O_DIRECTORY
#define O_DIRECTORY 0
#endif

typedef struct posix_file {
    int fd;
} posix_file;

/* errno as this layer returns it: negative, and never 0 (a call that
 * failed without setting errno still reports a failure). */
static int neg_errno(void)
{
    return errno ? -errno : -EIO;
}

static int px_mkdir(void *ud, const char *path)
{
    (void)ud;
    if (mkdir(path, 0755) == 0)
        return 0;
    int e = errno;
    if (e != EEXIST)
        return -e;
    /* EEXIST is fine only when what exists is a directory. */
    struct stat st;
    if (stat(path, &st) != 0)
        return neg_errno();
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int px_create(void *ud, const char *path, void **file)
{
    (void)ud;
    *file = NULL;
    posix_file *f = malloc(sizeof *f);
    if (!f)
        return -ENOMEM;
    int fd;
    do
        fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int e = neg_errno();
        free(f);
        return e;
    }
    f->fd = fd;
    *file = f;
    return 0;
}

/* write(2) may take less than asked (signals, quotas, pipes); loop until
 * all of buf is written or a real error comes back. */
static int px_write(void *ud, void *file, const void *buf, size_t len)
{
    (void)ud;
    posix_file *f = file;
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = write(f->fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return neg_errno();
        }
        if (n == 0) /* should not happen for a regular file */
            return -EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int px_sync(void *ud, void *file)
{
    (void)ud;
    posix_file *f = file;
    int r;
    do
        r = fsync(f->fd);
    while (r != 0 && errno == EINTR);
    return r == 0 ? 0 : neg_errno();
}

/* The box is freed whatever close(2) says: after a failed close the
 * descriptor is gone all the same (Linux, and POSIX 2024), and retrying
 * on EINTR could close a descriptor another thread just got. */
static int px_close(void *ud, void *file)
{
    (void)ud;
    posix_file *f = file;
    if (!f)
        return -EBADF;
    int r = close(f->fd);
    int e = r == 0 || errno == EINTR ? 0 : neg_errno();
    free(f);
    return e;
}

static int px_rename(void *ud, const char *from, const char *to)
{
    (void)ud;
    return rename(from, to) == 0 ? 0 : neg_errno();
}

static int px_sync_dir(void *ud, const char *path)
{
    (void)ud;
    int fd;
    do
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return neg_errno();
    int r;
    do
        r = fsync(fd);
    while (r != 0 && errno == EINTR);
    /* Some file systems cannot fsync a directory and say EINVAL; their
     * directory updates are synchronous or journalled, so there is
     * nothing more this layer could do. */
    int e = r == 0 || errno == EINVAL ? 0 : neg_errno();
    close(fd);
    return e;
}

static int px_unlink(void *ud, const char *path)
{
    (void)ud;
    return unlink(path) == 0 ? 0 : neg_errno();
}

/* Reads until end of file rather than trusting st_size alone, so a file
 * that shrank meanwhile gives what is there; one that grew is cut at the
 * size fstat saw (the caller checks lengths against world.qw anyway). */
static int read_all(int fd, uint8_t **buf, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return neg_errno();
    if (S_ISDIR(st.st_mode))
        return -EISDIR;
    if (st.st_size < 0 || (uint64_t)st.st_size > (uint64_t)SIZE_MAX - 1)
        return -EFBIG;
    size_t size = (size_t)st.st_size;
    uint8_t *b = malloc(size ? size : 1);
    if (!b)
        return -ENOMEM;
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, b + got, size - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = neg_errno();
            free(b);
            return e;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    *buf = b;
    *len = got;
    return 0;
}

static int px_read(void *ud, const char *path, uint8_t **buf, size_t *len)
{
    (void)ud;
    *buf = NULL;
    *len = 0;
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return neg_errno();
    int r = read_all(fd, buf, len);
    close(fd);
    return r;
}

static int px_list(void *ud, const char *dir, int (*fn)(void *arg, const char *name), void *arg)
{
    (void)ud;
    DIR *d = opendir(dir);
    if (!d)
        return neg_errno();
    int r = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno)
                r = neg_errno();
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        r = fn(arg, de->d_name);
        if (r != 0)
            break;
    }
    closedir(d);
    return r;
}

const qs_io *qs_io_posix(void)
{
    /* Constant: no state lives here, every call is independent. */
    static const qs_io io = {
        NULL,      px_mkdir,    px_create, px_write,  px_sync, px_close,
        px_rename, px_sync_dir, px_unlink, px_read,   px_list,
    };
    return &io;
}
