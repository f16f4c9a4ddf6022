/*
 * png_compare.c - `render_png_compare GOT.png WANT.png [TOL [MAX_PERMILLE]]`:
 * the golden-image check.  A pixel differs when a channel is more than TOL
 * (default 8) apart; the images match when at most MAX_PERMILLE / 1000 of
 * the pixels (default 5: 0.5%) differ.  Prints the first differing pixels
 * either way.  Exit 0 match, 1 no match, 2 unreadable input.
 */
#include <stdlib.h>

#include "render_util.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: render_png_compare GOT.png WANT.png [TOL [MAX_PERMILLE]]\n");
        return 2;
    }
    int tol = argc > 3 ? atoi(argv[3]) : 8;
    int permille = argc > 4 ? atoi(argv[4]) : 5;
    char why[512];
    uint32_t w[2], h[2];
    uint8_t *a = ru_read_png(argv[1], &w[0], &h[0], why, sizeof why);
    if (!a) {
        fprintf(stderr, "%s\n", why);
        return 2;
    }
    uint8_t *b = ru_read_png(argv[2], &w[1], &h[1], why, sizeof why);
    if (!b) {
        fprintf(stderr, "%s\n", why);
        free(a);
        return 2;
    }
    int rc = 0;
    if (w[0] != w[1] || h[0] != h[1]) {
        printf("%s: size %ux%u, golden %s is %ux%u\n", argv[1], (unsigned)w[0], (unsigned)h[0],
               argv[2], (unsigned)w[1], (unsigned)h[1]);
        rc = 1;
    } else {
        size_t n = ru_compare(a, b, w[0], h[0], tol, argv[1], stdout);
        size_t total = (size_t)w[0] * h[0];
        if (n * 1000 > total * (size_t)permille) {
            printf("%s: FAIL against %s: %zu pixels beyond tolerance (allowed %zu)\n", argv[1],
                   argv[2], n, total * (size_t)permille / 1000);
            rc = 1;
        } else {
            printf("%s: ok against %s (%zu pixels beyond tolerance)\n", argv[1], argv[2], n);
        }
    }
    free(a);
    free(b);
    return rc;
}
