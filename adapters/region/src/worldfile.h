/*
 * worldfile.h - world.qw, a save's commit point: encode and parse
 * (worldfile.c has the format).  Internal to adapters/region.
 */
#ifndef QUARRY_QS_WORLDFILE_H
#define QUARRY_QS_WORLDFILE_H

#include <stddef.h>
#include <stdint.h>

#include "quarry/qs.h"

#define QS_WORLD_NAME "world.qw"
#define QS_WORLD_TMP "world.qw.tmp"
#define QS_WORLD_ENTRY_SIZE 20u

/* One region file named by world.qw. */
typedef struct qs_world_entry {
    int32_t rx, rz;
    uint32_t generation; /* the save that wrote the file (its name's G) */
    uint32_t length;     /* of the whole file */
    uint32_t crc;        /* CRC32 of the whole file */
} qs_world_entry;

/* A parsed world.qw.  `record` points into the parsed buffer (no copy):
 * keep that buffer while using it.  `e` is malloc'd. */
typedef struct qs_world_file {
    uint32_t format;
    uint32_t generation;
    const uint8_t *record; /* the kernel's world record */
    uint32_t record_len;
    uint32_t record_offset; /* of the record inside world.qw */
    uint32_t n;
    qs_world_entry *e; /* n entries in key order (rx, then rz) */
} qs_world_file;

/* Builds world.qw's bytes into a malloc'd *out.  Entries must be in key
 * order without repeats.  QS_ERR_INVALID, QS_ERR_NOMEM. */
qs_status qs_world_encode(uint32_t generation, const uint8_t *record, size_t record_len,
                          const qs_world_entry *e, uint32_t n, uint8_t **out, size_t *len,
                          qs_error *err);

/* Parses and checks world.qw (every field, with byte offsets in errors;
 * `name` is the path used in them).  QS_ERR_CORRUPT, QS_ERR_VERSION (a
 * future format), QS_ERR_NOMEM.  Release with qs_world_file_free. */
qs_status qs_world_parse(const uint8_t *buf, size_t len, const char *name, qs_world_file *out,
                         qs_error *err);
void qs_world_file_free(qs_world_file *wf);

/* Whether `name` is a region file name "r.RX.RZ.G.qr" exactly as
 * qs_region_name writes it (canonical decimals, G >= 1); fills what it
 * says.  Anything else in region/ is not ours. */
bool qs_region_name_parse(const char *name, int32_t *rx, int32_t *rz, uint32_t *generation);

#endif /* QUARRY_QS_WORLDFILE_H */
