/*
 * fuzz.h - what the fuzz targets share: the entry point's prototype, a check
 * that survives NDEBUG, and a malloc allocator that counts live bytes so a
 * target can prove the kernel returned everything, with or without LSan.
 *
 * Each target is one file defining LLVMFuzzerTestOneInput.  It is linked
 * either with libFuzzer (-fsanitize=fuzzer, clang, QUARRY_FUZZ=ON) or with
 * corpus_main.c, which replays the committed corpus in every ctest run.
 * A failed FUZZ_CHECK is a finding: it prints where and aborts, which both
 * drivers report as a crash with the input that caused it.
 */
#ifndef QUARRY_FUZZ_H
#define QUARRY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__,      \
                    __LINE__, #cond);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* A qk_alloc_fn over malloc that counts the bytes the kernel holds. */
typedef struct fuzz_alloc {
    long long live;
} fuzz_alloc;

static inline void *fuzz_alloc_fn(void *ud, void *p, size_t osize, size_t nsize)
{
    fuzz_alloc *a = ud;
    if (nsize == 0) {
        free(p);
        a->live -= p ? (long long)osize : 0;
        return NULL;
    }
    void *q = realloc(p, nsize);
    if (q)
        a->live += (long long)nsize - (p ? (long long)osize : 0);
    return q;
}

/* Lines in text[0..len): the highest line an error can name (one past a
 * trailing newline, for errors at the end of the input). */
static inline unsigned long fuzz_line_count(const uint8_t *text, size_t len)
{
    unsigned long n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    return n;
}

#endif /* QUARRY_FUZZ_H */
