/*
 * fuzz_compare.c - the event stream comparer and its rendering.
 *
 * Input: stream A, the first 0 byte, stream B (no 0 byte: B is empty).
 * Both are compared through stdio streams over memory, as quarry diff does
 * with files.  A failure must carry a message; a stream compared with
 * itself is the same; A/B swapped gives the mirrored kind at the same line.
 * The result renders, and rendering into short buffers truncates, stays
 * NUL-terminated and wants the same length.
 */
#define _POSIX_C_SOURCE 200809L /* fmemopen */
#include <string.h>

#include "fuzz.h"
#include "quarry/qr.h"

/* A read-only stdio stream over p[0..n).  fmemopen wants a non-const
 * buffer; it only reads it in mode "r". */
static FILE *stream_of(const uint8_t *p, size_t n)
{
    static uint8_t empty[1];
    FILE *f = fmemopen(n ? (void *)(uintptr_t)p : empty, n, "r");
    FUZZ_CHECK(f != NULL);
    return f;
}

static qr_status compare(const uint8_t *a, size_t na, const uint8_t *b, size_t nb, qr_diff *d)
{
    FILE *fa = stream_of(a, na), *fb = stream_of(b, nb);
    qr_error err;
    memset(&err, 0, sizeof err);
    qr_status st = qr_compare_files(fa, fb, d, &err);
    if (st != QR_OK)
        FUZZ_CHECK(err.msg[0] != '\0');
    fclose(fa);
    fclose(fb);
    return st;
}

static void render(const qr_diff *d)
{
    char full[8192];
    size_t want = qr_diff_render(d, "a.jsonl", "b.jsonl", full, sizeof full);
    FUZZ_CHECK(want < sizeof full && strlen(full) == want);
    if (d->kind != QR_DIFF_SAME)
        FUZZ_CHECK(want > 0);
    static const size_t caps[] = {1, 2, 17, 100};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        char small[100];
        memset(small, 'x', sizeof small);
        FUZZ_CHECK(qr_diff_render(d, "a.jsonl", "b.jsonl", small, caps[i]) == want);
        FUZZ_CHECK(memchr(small, 0, caps[i]) != NULL);
        FUZZ_CHECK(strncmp(small, full, strlen(small)) == 0);
    }
    char sum[4096]; /* two whole values of up to 639 bytes fit */
    size_t ns = qr_diff_summary(d, "a.jsonl", "b.jsonl", sum, sizeof sum);
    FUZZ_CHECK(ns < sizeof sum && strlen(sum) == ns);
    FUZZ_CHECK(qr_diff_summary(d, "a.jsonl", "b.jsonl", sum, 5) == ns);
}

static qr_diff_kind mirror(qr_diff_kind k)
{
    return k == QR_DIFF_END_A ? QR_DIFF_END_B : k == QR_DIFF_END_B ? QR_DIFF_END_A : k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *zero = memchr(data, 0, size);
    size_t na = zero ? (size_t)(zero - data) : size;
    const uint8_t *b = zero ? zero + 1 : data + size;
    size_t nb = zero ? size - na - 1 : 0;

    qr_diff d, back, self;
    qr_status st = compare(data, na, b, nb, &d);
    qr_status st_back = compare(b, nb, data, na, &back);
    if (st == QR_OK && st_back == QR_OK) {
        FUZZ_CHECK(mirror(back.kind) == d.kind);
        FUZZ_CHECK(back.line == d.line);
    }
    if (st == QR_OK)
        render(&d);
    if (st_back == QR_OK)
        render(&back);
    if (compare(data, na, data, na, &self) == QR_OK)
        FUZZ_CHECK(self.kind == QR_DIFF_SAME);
    return 0;
}
