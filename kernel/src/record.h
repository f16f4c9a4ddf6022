/*
 * record.h - the state's byte records, shared by snapshots (snapshot.c)
 * and saves (save.c).
 *
 * Each piece of state has one writer and one checking reader here, so a
 * snapshot and a save can never encode the same field two ways.  Writers
 * append to a qk__wbuf (which may only count); readers take a qk__reader,
 * check every field before trusting it and fail with QK_ERR_CORRUPT at the
 * byte offset of what they rejected.  Layouts are in docs/formats.md.
 */
#ifndef QK_INTERNAL_RECORD_H
#define QK_INTERNAL_RECORD_H

#include "bytes.h"
#include "world.h"

typedef struct qk__reader {
    qk__rbuf r;
    qk_diag *diag;
} qk__reader;

/* QK_ERR_CORRUPT at the reader's position. */
qk_status qk__corrupt(qk__reader *rd, const char *what);

/* A framed record (snapshots, world records): 8-byte magic, u32 format,
 * the body, u64 XXH3 of every byte before it.  The messages name the
 * record in errors. */
typedef struct qk__frame {
    uint8_t magic[8];
    uint32_t format;
    const char *too_short, *bad_magic, *bad_format, *bad_sum, *other_registry;
} qk__frame;

void qk__put_frame_head(qk__wbuf *b, const qk__frame *f);
/* After the body: QK_ERR_CAPACITY when buf (cap bytes, or NULL) cannot
 * hold the record and its checksum, else appends the checksum and sets
 * *written. */
qk_status qk__put_frame_end(qk__wbuf *b, uint8_t *buf, size_t cap, size_t *written);
/* Checks magic, format (QK_ERR_VERSION) and checksum of buf[0..len) and
 * leaves rd reading the body (the checksum excluded). */
qk_status qk__open_frame(qk__reader *rd, const uint8_t *buf, size_t len, const qk__frame *f);

/* Opens a framed record whose body starts with the configuration and
 * state records, builds its world with `make` (qk__world_alloc: columns
 * empty; qk_world_create: every column generated), checks the registry
 * (QK_ERR_VERSION) and reads the state into it.  rd is left after the
 * state; on error nothing is held and *out is NULL. */
typedef qk_status (*qk__make_world)(qk_world **out, const qk_world_config *cfg,
                                    const qk_registry *reg, const qk_allocator *alloc,
                                    qk_diag *diag);
qk_status qk__open_world(qk__reader *rd, const uint8_t *buf, size_t len, const qk__frame *f,
                         qk__make_world make, const qk_registry *reg,
                         const qk_allocator *alloc, qk_world **out);

/* Registry hash and block count, then the configuration as the caller
 * gave it (zeros included). */
void qk__put_config(qk__wbuf *b, const qk_world *w);
/* Reads what qk__put_config wrote; the registry fields go to *reg_hash and
 * *block_count for the caller to compare. */
qk_status qk__get_config(qk__reader *rd, qk_world_config *c, uint64_t *reg_hash,
                         uint32_t *block_count);

/* Tick, chain, time and weather, the transaction counter and undo log, and
 * every player with its inventory. */
void qk__put_state(qk__wbuf *b, const qk_world *w);
/* Reads them into w, whose configuration, registry and chunk table are
 * set (ranges are checked against them). */
qk_status qk__get_state(qk__reader *rd, qk_world *w);

/* A column's revisions and last commits. */
void qk__put_chunk_txns(qk__wbuf *b, const qk__chunk *c);
qk_status qk__get_chunk_txns(qk__reader *rd, const qk_world *w, qk__chunk_light *l);

/* A column's 16 sections in canonical form. */
void qk__put_sections(qk__wbuf *b, const qk__chunk *c);
/* Reads 16 sections into new sections out[] (allocated from w's memory;
 * on error none is held).  A column takes them with qk__install_sections
 * (which frees its old ones and marks its digests stale), or the caller
 * releases them with qk__free_sections. */
qk_status qk__get_sections(qk__reader *rd, qk_world *w, qk__section out[QK_SECTIONS]);
void qk__install_sections(qk_world *w, qk__chunk *c, qk__section sec[QK_SECTIONS]);
void qk__free_sections(qk_world *w, qk__section sec[QK_SECTIONS]);

#endif /* QK_INTERNAL_RECORD_H */
