/*
 * check.h - the test suite's tiny assertion kit.
 *
 * A test program runs its checks, then returns qt_report(): it prints
 * "N passed, N failed" and exits non-zero if anything failed.  A failing
 * check prints file:line and both values but does not stop the program, so
 * one run shows every broken expectation.
 */
#ifndef QUARRY_TEST_CHECK_H
#define QUARRY_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int qt_passed, qt_failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            qt_passed++;                                                     \
        } else {                                                             \
            qt_failed++;                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

#define CHECK_INT(a, b)                                                      \
    do {                                                                     \
        long long qt_a = (long long)(a), qt_b = (long long)(b);              \
        if (qt_a == qt_b) {                                                  \
            qt_passed++;                                                     \
        } else {                                                             \
            qt_failed++;                                                     \
            fprintf(stderr, "%s:%d: CHECK_INT failed: %s == %s (%lld vs %lld)\n", \
                    __FILE__, __LINE__, #a, #b, qt_a, qt_b);                 \
        }                                                                    \
    } while (0)

#define CHECK_U64(a, b)                                                      \
    do {                                                                     \
        uint64_t qt_a = (uint64_t)(a), qt_b = (uint64_t)(b);                 \
        if (qt_a == qt_b) {                                                  \
            qt_passed++;                                                     \
        } else {                                                             \
            qt_failed++;                                                     \
            fprintf(stderr, "%s:%d: CHECK_U64 failed: %s == %s (%016" PRIx64 \
                    " vs %016" PRIx64 ")\n", __FILE__, __LINE__, #a, #b,     \
                    qt_a, qt_b);                                             \
        }                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                      \
    do {                                                                     \
        const char *qt_a = (a), *qt_b = (b);                                 \
        if (qt_a && qt_b && strcmp(qt_a, qt_b) == 0) {                       \
            qt_passed++;                                                     \
        } else {                                                             \
            qt_failed++;                                                     \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s == %s (\"%s\" vs \"%s\")\n", \
                    __FILE__, __LINE__, #a, #b, qt_a ? qt_a : "(null)",      \
                    qt_b ? qt_b : "(null)");                                 \
        }                                                                    \
    } while (0)

static inline int qt_report(void)
{
    printf("%d passed, %d failed\n", qt_passed, qt_failed);
    return qt_failed ? 1 : 0;
}

#endif
