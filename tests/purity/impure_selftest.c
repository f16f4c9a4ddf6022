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
void *quarry_impure_alloc(size_t n);
void quarry_impure_release(void *p);

/* Allocation and release are separate functions whose pointers escape:
 * clang -O2 removes a malloc/free pair inside one function (heap elision),
 * which would leave nothing for the check to catch. */
void *quarry_impure_alloc(size_t n) { return malloc(n); }
void quarry_impure_release(void *p) { free(p); }

int quarry_impure_selftest(int n)
{
    int r = rand() + (int)time(NULL) + (getenv("QUARRY") != NULL) + n;
    printf("%d\n", r);
    FILE *f = fopen("/dev/null", "w");
    if (f)
        fclose(f);
    return r + (int)pthread_self();
}

/* Float arithmetic and a libm call: caught by nm (sin) and by the
 * instruction scan in check_no_floats.sh (cvtsi2sd, mulsd). */
double quarry_impure_selftest_float(int n)
{
    return sin((double)n * 1.5);
}
