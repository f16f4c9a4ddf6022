/*
 * internal.h - helpers shared by the replay library's files; not installed.
 *
 * Three things live here:
 *   - qr__fail: fill a qr_error with a position and a printf-style message;
 *   - qr__jctx and the qr__j* field readers: every JSON parser (pack,
 *     scenario, manifest) reads fields through them, so a wrong type, a value
 *     out of range or an unknown key is reported the same way everywhere, at
 *     the exact line:col found by qr_json_locate;
 *   - qr__lines: a line reader with a hard length limit, used for scenarios
 *     and event streams, so a 10 MB line is an error, never a 10 MB buffer.
 */
#ifndef QR_INTERNAL_H
#define QR_INTERNAL_H

#include <stdarg.h>

#include <jansson.h>

#include "quarry/qr.h"

#if defined(__GNUC__)
#define QR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define QR_PRINTF(f, a)
#endif

/* Fills err (if not NULL) and returns `st`. */
qr_status qr__fail(qr_error *err, qr_status st, const char *file,
                   unsigned line, unsigned col, const char *fmt, ...)
    QR_PRINTF(6, 7);

/* Copies src into dst[cap], truncating, always NUL-terminating. */
void qr__strlcpy(char *dst, const char *src, size_t cap);
/* malloc'ed copy, or NULL. */
char *qr__strdup(const char *s);
/* True if s is 1..QR_NAME_MAX characters of [a-z0-9_]. */
bool qr__valid_name(const char *s);
/* floor(a / b) for b > 0, correct for negative a. */
int64_t qr__floordiv(int64_t a, int64_t b);
/* Reads a whole file (at most max bytes) into a malloc'ed, NUL-terminated
 * buffer. */
qr_status qr__read_file(const char *path, size_t max, char **out,
                        size_t *len, qr_error *err);

/* ---- JSON field readers ---------------------------------------------- */

typedef struct qr__jctx {
    const char *file;  /* for messages */
    const char *text;  /* the JSON text the values came from */
    size_t len;
    unsigned line0;    /* file line of text's first line (1 for whole files) */
    qr_error *err;
} qr__jctx;

/* Error at the value (or, with at_key, the key) named by JSON pointer
 * `ptr` inside the context's text.  Returns QR_ERR_INPUT. */
qr_status qr__jfail(const qr__jctx *c, const char *ptr, bool at_key,
                    const char *fmt, ...) QR_PRINTF(4, 5);

/* "an integer", "a string", ... for messages. */
const char *qr__jtype(const json_t *v);

/* Rejects any key of obj not in the NULL-terminated `allowed` list; `what`
 * names the object in the message ("input line"). */
qr_status qr__jkeys(const qr__jctx *c, const json_t *obj, const char *ptr,
                    const char *what, const char *const *allowed);

/* Member `key` of obj (at pointer ptr).  Missing and required: error.
 * Missing and optional: *present = false, output untouched, QR_OK. */
qr_status qr__jint(const qr__jctx *c, const json_t *obj, const char *ptr,
                   const char *key, bool required, int64_t min, int64_t max,
                   int64_t *out, bool *present);
qr_status qr__jbool(const qr__jctx *c, const json_t *obj, const char *ptr,
                    const char *key, bool required, bool *out, bool *present);
/* String of 1..maxlen bytes. *out points into obj (valid while obj lives). */
qr_status qr__jstr(const qr__jctx *c, const json_t *obj, const char *ptr,
                   const char *key, bool required, size_t maxlen,
                   const char **out, bool *present);
/* Member that must exist, with a given jansson type. */
qr_status qr__jget(const qr__jctx *c, const json_t *obj, const char *ptr,
                   const char *key, json_type type, const char *type_words,
                   json_t **out);
/* Array of exactly n integers within [min[i], max[i]]. */
qr_status qr__jints(const qr__jctx *c, const json_t *obj, const char *ptr,
                    const char *key, size_t n, const int64_t *min,
                    const int64_t *max, int64_t *out, bool required,
                    bool *present);

/* ---- moving events by whole chunks (events.c, for translate.c) -------- */

/* Adds (dx, dz) chunks to every coordinate of ev the event table marks as
 * one: block x/z (16 a chunk), fixed-point x/z (16 * QK_FX_ONE a chunk) and
 * a light_commit's chunk columns.  Digests are left alone (they cannot be
 * moved: they hash absolute coordinates). */
void qr__event_translate(qk_event *ev, int32_t dx, int32_t dz);
/* How key `key` of events of type `type_name` moves: 1 with *shift its
 * offset (a coordinate), 0 (*shift 0) when it does not move or is unknown,
 * -1 when it is a chunk list (not a scalar). */
int qr__event_key_shift(const char *type_name, const char *key, int32_t dx, int32_t dz,
                        int64_t *shift);

/* ---- recipes (recipes.c) -------------------------------------------- */

/* Frees a recipe table and its n names (either may be NULL). */
void qr__recipes_free(qk_recipe *recipes, char **names, uint32_t n);

/* ---- line reader ----------------------------------------------------- */

typedef struct qr__lines {
    FILE *f;
    char *buf;       /* current line, NUL-terminated, without '\n' */
    size_t len, cap;
    size_t max;      /* longest accepted line */
    uint64_t lineno; /* of the current line */
    bool newline;    /* the current line ended with '\n' */
    bool hashing;
    void *xxh;       /* XXH3_state_t *, when hashing */
} qr__lines;

void qr__lines_init(qr__lines *r, FILE *f, size_t max, bool hash);
/* 1: a line is ready; 0: end of file; -1: line longer than max (r->len then
 * holds max+1); -2: read error; -3: out of memory. */
int qr__lines_next(qr__lines *r);
uint64_t qr__lines_hash(qr__lines *r);
void qr__lines_free(qr__lines *r);
/* Skips, in 1 MiB blocks, the lines two readers' files share from their
 * current positions: finds the first differing byte (or the end of either
 * file), leaves both files at the start of the line that holds it and adds
 * the whole lines skipped to both line counters (compare.c).  Files that
 * cannot seek (pipes) are left where they were. */
void qr__skip_common_lines(qr__lines *la, qr__lines *lb);

/* ---- event table (events.c) ------------------------------------------ */

/* Keys of the event type named type_name in canonical order ("tick" and
 * "type" first) into keys[cap]; returns how many there are, 0 for an
 * unknown type.  QR__EVENT_KEYS_MAX is always enough. */
#define QR__EVENT_KEYS_MAX 16
size_t qr__event_keys(const char *type_name, const char **keys, size_t cap);

/* Appends s as the inside of a JSON string (minimal escaping: '"', '\\'
 * and control characters) to buf at offset n, writing only below cap - 1
 * (no NUL).  Returns the offset after it, as if cap were unlimited. */
size_t qr__json_escape(char *buf, size_t cap, size_t n, const char *s);

/* ---- base64 (base64.c) ---------------------------------------------- */

/* Characters qr__base64_encode writes for n bytes (without the NUL). */
size_t qr__base64_size(size_t n);
/* Encodes p[0..n) into out[qr__base64_size(n) + 1], NUL-terminated. */
void qr__base64_encode(const uint8_t *p, size_t n, char *out);
/* Decodes s[0..n) into a malloc'ed *out of *len bytes.  Returns (size_t)-1
 * on success, (size_t)-2 when out of memory, else the offset of the first
 * bad character (*out is then NULL). */
size_t qr__base64_decode(const char *s, size_t n, uint8_t **out, size_t *len);

#endif /* QR_INTERNAL_H */
