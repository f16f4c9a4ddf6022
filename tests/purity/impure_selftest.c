/*
 * impure_selftest.c - deliberately impure code, never linked into anything.
 *
 * tests/purity compiles this into its own library and runs the purity and
 * float checks on it expecting them to fail: a check that cannot fail proves
 * nothing.  One call per forbidden family the checks must catch.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int quarry_impure_selftest(int n);
double quarry_impure_selftest_float(int n);

int quarry_impure_selftest(int n)
{
    int *p = malloc(sizeof *p * (size_t)(n > 0 ? n : 1));
    if (!p)
        return -1;
    p[0] = rand() + (int)time(NULL) + (getenv("QUARRY") != NULL);
    printf("%d\n", p[0]);
    FILE *f = fopen("/dev/null", "w");
    if (f)
        fclose(f);
    int r = p[0] + (int)pthread_self();
    free(p);
    return r;
}

/* Float arithmetic and a libm call: caught by nm (sin) and by the
 * instruction scan in check_no_floats.sh (cvtsi2sd, mulsd). */
double quarry_impure_selftest_float(int n)
{
    return sin((double)n * 1.5);
}
