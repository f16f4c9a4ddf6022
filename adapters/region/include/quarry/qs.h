/*
 * qs.h - saves on disk: crash-safe directories of zstd region files.
 *
 * The kernel turns a world into bytes and back (qk.h, "Saves"); this
 * adapter owns the files.  Every file operation goes through a qs_io, a
 * small table of functions in the spirit of SQLite's VFS: qs_io_posix()
 * for real directories, and qs_memfs, an in-memory file system that can
 * stop at any operation and simulate a power cut, for the crash tests.
 *
 * A save directory (formats in docs/formats.md):
 *
 *   DIR/world.qw              the commit point: the kernel's world record,
 *                             the save generation and the table of region
 *                             files (name, length, CRC32 of each), CRC32
 *   DIR/region/r.RX.RZ.G.qr   32x32 columns each; G is the save generation
 *                             that wrote the file
 *
 * Saving (qs_save) never changes a file the current world.qw names.  It
 * writes the regions whose bytes changed under the new generation's names
 * (create, write, sync, close: one sync per region), syncs region/, then
 * writes world.qw.tmp, syncs it, renames it over world.qw and syncs DIR.
 * The rename is the commit: a crash at any point leaves either the old
 * save or the new one.  Regions whose bytes did not change are kept under
 * their old names; a save of an unchanged world writes nothing and keeps
 * its generation.  When it created DIR, or finds no readable world.qw, it
 * first syncs DIR's parent and DIR (a save that died may have left
 * directories no power cut would keep).  Last, files no table names any
 * more are removed.
 *
 * Errors name the file and, where known, the region, the chunk column and
 * the byte offset.  Nothing here aborts, exits, or keeps global state.
 */
#ifndef QUARRY_QS_H
#define QUARRY_QS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quarry/qk.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== */
/* Errors                                                                */
/* ===================================================================== */

typedef enum qs_status {
    QS_OK = 0,
    QS_ERR_IO,      /* the I/O layer failed (errno in qs_error.sys) */
    QS_ERR_NOSAVE,  /* DIR holds no save (no world.qw) */
    QS_ERR_CORRUPT, /* a file's bytes are malformed or fail their CRC */
    QS_ERR_VERSION, /* a future format, or a save of another registry */
    QS_ERR_NOMEM,
    QS_ERR_INVALID, /* bad arguments */
    QS_ERR_KERNEL   /* the kernel refused (message carries its diagnostic) */
} qs_status;

const char *qs_status_str(qs_status s);

typedef struct qs_error {
    qs_status code;
    int sys;            /* errno for QS_ERR_IO, else 0 */
    char file[512];     /* the file at fault, "" if none */
    bool has_region;    /* rx, rz valid */
    int32_t rx, rz;
    bool has_chunk;     /* cx, cz valid */
    int32_t cx, cz;
    bool has_offset;    /* offset valid: byte offset in `file` (or in the
                           chunk's decompressed record when the kernel
                           rejected it; msg says which) */
    uint64_t offset;
    char msg[256];
} qs_error;

/* "FILE: region (RX,RZ): chunk (CX,CZ): byte N: msg", leaving out what is
 * unknown.  Always NUL-terminated; returns the length it wanted. */
size_t qs_error_format(const qs_error *e, char *buf, size_t cap);

/* A list of problems, for reports that go on past the first. */
typedef struct qs_report {
    qs_error *v;
    size_t n, cap;
} qs_report;
void qs_report_free(qs_report *r);

/* ===================================================================== */
/* The I/O layer                                                         */
/* ===================================================================== */

/* Every function returns 0 or a negative errno.  Paths use '/'.  Files
 * are written once, front to back: create, write..., sync, close. */
typedef struct qs_io {
    void *ud;
    int (*mkdir)(void *ud, const char *path);  /* an existing directory is fine */
    int (*create)(void *ud, const char *path, void **file); /* new or truncated */
    int (*write)(void *ud, void *file, const void *buf, size_t len); /* all of it */
    int (*sync)(void *ud, void *file);         /* fsync */
    int (*close)(void *ud, void *file);
    int (*rename)(void *ud, const char *from, const char *to); /* atomic replace */
    int (*sync_dir)(void *ud, const char *path); /* makes entries durable */
    int (*unlink)(void *ud, const char *path);
    /* Whole file into a malloc'd buffer (free() it); -ENOENT if absent. */
    int (*read)(void *ud, const char *path, uint8_t **buf, size_t *len);
    /* Calls fn for each name in dir (not "." or ".."), in any order; a
     * non-zero return from fn stops the listing and is returned. */
    int (*list)(void *ud, const char *dir, int (*fn)(void *arg, const char *name), void *arg);
} qs_io;

/* The real file system (open/write/fsync/rename/opendir). */
const qs_io *qs_io_posix(void);

/* An in-memory file system with power cuts, for tests and benches.
 *
 * It keeps two states: what a reader sees now, and what would survive a
 * power cut (file data up to each file's last sync; directory entries as
 * of each directory's last sync_dir).  Mutating operations (mkdir, create,
 * write, sync, close, rename, sync_dir, unlink) are counted from 1.
 * qs_memfs_fail_at(fs, k) makes operation k and every later mutating
 * operation fail with -EIO without effect, as if the process died just
 * before it; qs_memfs_crash(fs, seed) then applies the power cut:
 *   - each file keeps its synced bytes plus a seeded-random prefix of the
 *     bytes written after its last sync (a torn write), the kept tail
 *     sometimes zeroed as a disk that lost the data but kept the size;
 *   - the directory changes made since their directory's last sync_dir
 *     survive as a seeded-random prefix of their sequence (a journal
 *     replayed up to some point);
 * and rearms it (no failure pending; counters restart). */
typedef struct qs_memfs qs_memfs;
qs_memfs *qs_memfs_new(void);            /* NULL when out of memory */
qs_memfs *qs_memfs_clone(const qs_memfs *fs); /* a deep copy, armed state reset */
void qs_memfs_free(qs_memfs *fs);
qs_io qs_memfs_io(qs_memfs *fs);
void qs_memfs_fail_at(qs_memfs *fs, uint64_t op); /* 0: never */
uint64_t qs_memfs_ops(const qs_memfs *fs);        /* mutating operations so far */
uint64_t qs_memfs_syncs(const qs_memfs *fs);      /* sync + sync_dir so far */
void qs_memfs_crash(qs_memfs *fs, uint64_t seed);
/* Paths are normalised ('.' and '//' collapse; '..' is refused);
 * directories cannot be renamed or removed; qs_memfs_syncs counts
 * successful syncs; close always frees its handle.
 * Flips bits / truncates a file in place (corruption tests); -ENOENT, and
 * -EINVAL for an offset past the end or a longer length. */
int qs_memfs_poke(qs_memfs *fs, const char *path, size_t offset, uint8_t xor_mask);
int qs_memfs_truncate(qs_memfs *fs, const char *path, size_t len);

/* ===================================================================== */
/* Region files                                                          */
/* ===================================================================== */

#define QS_REGION_SHIFT 5 /* 32x32 columns per region */
#define QS_REGION_FORMAT 1u
#define QS_WORLD_FORMAT 1u

/* Region of a column: floor(c / 32), for every int32 (no c - 31 overflow). */
static inline int32_t qs_region_of(int32_t c)
{
    return c >= 0 ? c / 32 : -1 - (-(c + 1)) / 32;
}

/* "r.RX.RZ.G.qr" into buf (at least 48 bytes). */
void qs_region_name(int32_t rx, int32_t rz, uint32_t generation, char *buf, size_t cap);

/* How a record is stored in a region file. */
#define QS_ENC_RAW 0u  /* as the kernel wrote it (tiny records) */
#define QS_ENC_ZSTD 1u /* one zstd frame with its content size */
#define QS_RAW_BELOW 16u /* records shorter than this are stored raw */

/* One chunk record to put in a region. */
typedef struct qs_chunk_rec {
    int32_t cx, cz;
    const uint8_t *bytes; /* the kernel's record (qk_save_chunk) */
    size_t len;
} qs_chunk_rec;

/* Builds a region file's bytes from its records (any order; columns must
 * lie in region (rx, rz), 1..1024 of them, no repeats).  Records shorter
 * than QS_RAW_BELOW bytes are stored raw, others as zstd at `level` (0
 * means 3).
 * *out is malloc'd.  QS_ERR_INVALID, QS_ERR_NOMEM. */
qs_status qs_region_encode(int32_t rx, int32_t rz, const qs_chunk_rec *recs, uint32_t n,
                           int level, uint8_t **out, size_t *len, qs_error *err);

typedef struct qs_region_entry {
    int32_t cx, cz;
    uint8_t encoding;  /* QS_ENC_* */
    uint32_t offset;   /* of the stored bytes in the file */
    uint32_t stored;   /* stored length */
    uint32_t crc;      /* CRC32 (zlib) of the stored bytes, as recorded */
} qs_region_entry;

typedef struct qs_region_info {
    int32_t rx, rz;
    uint32_t format;
    uint32_t n;
    qs_region_entry *e; /* n entries in key order (cx, then cz), malloc'd */
    void *zstd;         /* the records' decompression context (internal) */
} qs_region_info;

/* Parses and checks a region file's header and index (magic, format,
 * header CRC, entries in key order inside the region, records laid out
 * back to back inside the file).  Does not read the records.  `name` is
 * the file name used in errors.  Release with qs_region_info_free. */
qs_status qs_region_parse(const uint8_t *buf, size_t len, const char *name,
                          qs_region_info *out, qs_error *err);
void qs_region_info_free(qs_region_info *ri);

/* Checks entry i's CRC and decodes its record into out (capacity at least
 * QK_CHUNK_RECORD_MAX); *out_len is its length.  Errors name the chunk. */
qs_status qs_region_record(const qs_region_info *ri, const uint8_t *buf, size_t len,
                           const char *name, uint32_t i, uint8_t *out, size_t *out_len,
                           qs_error *err);

/* ===================================================================== */
/* Save directories                                                      */
/* ===================================================================== */

typedef struct qs_save_opts {
    int zstd_level; /* 0 means 3 */
} qs_save_opts;

typedef struct qs_save_stats {
    uint32_t generation;      /* of the new save */
    uint32_t regions;         /* in the world */
    uint32_t regions_written; /* the rest were unchanged and kept */
    uint32_t chunks, chunks_generated; /* columns; those saved as generated */
    uint64_t bytes_written;   /* region files and world.qw */
    uint64_t region_bytes;    /* size of all regions of the new save */
    uint32_t syncs;           /* file and directory syncs */
    uint32_t removed;         /* stale files removed after the commit */
} qs_save_stats;

/* Saves w (between steps) into dir, creating it when needed.  opts and
 * stats may be NULL.  On error the previous save in dir, if any, is still
 * the one that loads. */
qs_status qs_save(const qs_io *io, const char *dir, const qk_world *w,
                  const qs_save_opts *opts, qs_save_stats *stats, qs_error *err);

/* Loads the save in dir with the registry it was made with.  Strict
 * (salvage false): the first bad file or record fails the load (*out
 * NULL; rep is not touched).  A region file world.qw names that is
 * missing is QS_ERR_CORRUPT naming it.  Salvage: every bad region file or
 * chunk record is listed in rep (may be NULL) and its columns come back as
 * generated; the load fails only when world.qw itself is unreadable.
 * alloc NULL: the world's memory comes from malloc. */
qs_status qs_load(const qs_io *io, const char *dir, const qk_registry *reg,
                  const qk_allocator *alloc, bool salvage, qk_world **out,
                  qs_report *rep, qs_error *err);

/* What qs_verify learnt about a save. */
typedef struct qs_verify_stats {
    uint32_t generation;
    uint64_t tick;
    uint32_t regions, chunks, chunks_generated;
    uint64_t region_bytes;
} qs_verify_stats;

/* Checks every byte of the save in dir: world.qw, every region it names
 * (present, length and CRC as committed, header, index), every record's
 * CRC and decompression, and, when reg is not NULL, that the kernel
 * accepts the world record and every chunk record.  Every problem found
 * goes into rep.  Returns QS_OK when the checks could run (look at
 * rep->n), an error when dir holds no readable world.qw.  Without reg the
 * kernel's records are not opened: stats->tick stays 0 and which columns
 * the world should have is not checked. */
qs_status qs_verify(const qs_io *io, const char *dir, const qk_registry *reg,
                    qs_report *rep, qs_verify_stats *stats, qs_error *err);

#ifdef __cplusplus
}
#endif

#endif /* QUARRY_QS_H */
