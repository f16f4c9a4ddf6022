/*
 * store.c - the save store behind `quarry run --save-at/--save/--from/
 * --reload-at`: qr_run's save and load callbacks over adapters/region.
 *
 * Saves go to one directory through one qs_io (the real file system, or an
 * in-memory one for --reload-at without --save).  Loads come from the
 * --from directory until the first save, then from the save directory, so
 * a reload always reads back what was just written.  With --salvage a
 * damaged save still loads: each bad region file or column is reported on
 * stderr and comes back as generated.
 */
#include <stdio.h>
#include <string.h>

#include "qc.h"

/* A qs_error as a qr_error; its status as the matching qr_status. */
static qr_status fail(qr_error *err, const qs_error *e)
{
    if (err) {
        memset(err, 0, sizeof *err);
        qs_error_format(e, err->msg, sizeof err->msg);
    }
    switch (e->code) {
    case QS_ERR_IO: return QR_ERR_IO;
    case QS_ERR_NOMEM: return QR_ERR_NOMEM;
    case QS_ERR_KERNEL: return QR_ERR_KERNEL;
    default: return QR_ERR_INPUT;
    }
}

static qr_status store_save(void *ud, const qk_world *w, qr_error *err)
{
    qc_store *s = ud;
    qs_error e;
    if (qs_save(s->save_io, s->save_dir, w, NULL, &s->last, &e) != QS_OK)
        return fail(err, &e);
    s->saves++;
    s->load_io = s->save_io;
    s->load_dir = s->save_dir;
    return QR_OK;
}

static qr_status store_load(void *ud, const qk_registry *reg, const qk_allocator *alloc,
                            qk_world **out, qr_error *err)
{
    qc_store *s = ud;
    qs_error e;
    qs_report rep = {NULL, 0, 0};
    qs_status st = qs_load(s->load_io, s->load_dir, reg, alloc, s->salvage, out, &rep, &e);
    for (size_t i = 0; i < rep.n; i++) {
        char msg[1024];
        qs_error_format(&rep.v[i], msg, sizeof msg);
        fprintf(stderr, "quarry run: salvaged (the column comes back as generated): %s\n", msg);
    }
    s->salvaged += rep.n;
    qs_report_free(&rep);
    return st == QS_OK ? QR_OK : fail(err, &e);
}

int qc_store_open(qc_store *s, const char *save_dir, const char *from_dir, bool reload)
{
    memset(s, 0, sizeof *s);
    s->save_io = s->load_io = qs_io_posix();
    s->save_dir = save_dir;
    s->load_dir = from_dir;
    if (reload && !save_dir) {
        s->mem = qs_memfs_new();
        if (!s->mem) {
            fprintf(stderr, "quarry run: out of memory\n");
            return QC_EXIT_USAGE;
        }
        s->mem_io = qs_memfs_io(s->mem);
        s->save_io = &s->mem_io;
        s->save_dir = "reload";
    }
    return QC_EXIT_OK;
}

void qc_store_attach(qc_store *s, qr_run_opts *ro)
{
    ro->save = store_save;
    ro->load = store_load;
    ro->store_ud = s;
}

void qc_store_close(qc_store *s)
{
    qs_memfs_free(s->mem);
    s->mem = NULL;
}
