/*
 * util.c - clock, statistics and small JSON helpers for quarry-bench.
 *
 * Times come from CLOCK_MONOTONIC in nanoseconds.  Percentiles use the
 * nearest-rank rule (p99 of 2,000 samples is the 1,980th smallest), which
 * always names a sample that was actually measured.  Figures are rounded
 * before they go into JSON so the report reads "212345.678", not a 17-digit
 * binary expansion.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

uint64_t qb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void qb_sort(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
}

double qb_percentile(const double *sorted, size_t n, double p)
{
    double want = p * (double)n / 100.0;
    size_t k = (size_t)want;
    if ((double)k < want)
        k++;
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return sorted[k - 1];
}

json_t *qb_real(double x, int decimals)
{
    double scale = 1.0;
    for (int i = 0; i < decimals; i++)
        scale *= 10.0;
    double r = x * scale + (x < 0 ? -0.5 : 0.5);
    return json_real((double)(long long)r / scale);
}

json_t *qb_summary(double *v, size_t n, int decimals)
{
    qb_sort(v, n);
    double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    json_t *o = json_object();
    json_object_set_new(o, "median", qb_real(median, decimals));
    json_object_set_new(o, "min", qb_real(v[0], decimals));
    json_object_set_new(o, "max", qb_real(v[n - 1], decimals));
    return o;
}

json_t *qb_error(const char *bench, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "quarry-bench: %s: error: %s\n", bench, msg);
    json_t *o = json_object();
    json_object_set_new(o, "error", json_string(msg));
    return o;
}

void qb_progress(const char *bench, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "quarry-bench: %s: ", bench);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void *plain_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

const qk_allocator qb_allocator = {plain_alloc, NULL};

json_t *qb_kernel_error(const char *bench, const char *call, qk_status ks, const qk_diag *d)
{
    const char *what = d && d->what ? d->what : NULL;
    return qb_error(bench, "%s: %s%s%s", call, qk_status_str(ks), what ? ": " : "",
                    what ? what : "");
}
