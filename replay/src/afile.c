/*
 * afile.c - files that appear whole or not at all.
 *
 * Outputs (event streams, goldens, the manifest) are written to a temporary
 * file in the same directory and renamed over the target on success; rename
 * within a directory is atomic on POSIX, so a crash, a full disk or a bad
 * input mid-run never leaves a half-written file where a reader looks.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, fsync */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

qr_status qr_afile_open(qr_afile *a, const char *path, qr_error *err)
{
    memset(a, 0, sizeof *a);
    if (strlen(path) >= sizeof a->path)
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "path too long");
    qr__strlcpy(a->path, path, sizeof a->path);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(a->tmp);
    if (fd < 0)
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "cannot create a temporary file "
                        "beside it: %s", strerror(errno));
    /* mkstemp creates 0600; give the file the target's mode, or rw-r--r-- */
    struct stat st;
    fchmod(fd, stat(path, &st) == 0 ? (st.st_mode & 07777) : 0644);
    a->f = fdopen(fd, "wb");
    if (!a->f) {
        close(fd);
        unlink(a->tmp);
        return qr__fail(err, QR_ERR_IO, path, 0, 0, "fdopen: %s", strerror(errno));
    }
    return QR_OK;
}

qr_status qr_afile_commit(qr_afile *a, qr_error *err)
{
    if (!a->f)
        return qr__fail(err, QR_ERR_IO, a->path, 0, 0, "not open");
    bool ok = fflush(a->f) == 0 && !ferror(a->f) && fsync(fileno(a->f)) == 0;
    int e = errno;
    ok &= fclose(a->f) == 0;
    a->f = NULL;
    if (!ok) {
        unlink(a->tmp);
        return qr__fail(err, QR_ERR_IO, a->path, 0, 0, "write failed: %s", strerror(e));
    }
    if (rename(a->tmp, a->path) != 0) {
        e = errno;
        unlink(a->tmp);
        return qr__fail(err, QR_ERR_IO, a->path, 0, 0, "rename failed: %s", strerror(e));
    }
    return QR_OK;
}

void qr_afile_abort(qr_afile *a)
{
    if (a->f) {
        fclose(a->f);
        a->f = NULL;
        unlink(a->tmp);
    }
}
