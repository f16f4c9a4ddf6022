/*
 * report_svg.c - the numbers behind `quarry check --report`: step-time
 * statistics and the inline SVG plot of step time over ticks.
 *
 * A run of T ticks gives T samples (microseconds, as float: 4 bytes a tick,
 * at most 40 MB for the longest scenario, freed once reduced).  They are
 * reduced to the median, p99 and max, and to at most QC_PLOT_POINTS plot
 * points, each the largest sample of its bucket of consecutive ticks, so a
 * one-tick stall never disappears from the picture however long the run.
 * The SVG uses no fonts but the generic families and no external
 * references, so the report stays one self-contained file.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qc.h"

static int by_value(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* O(n log n); sorts a copy.  Nearest-rank percentiles. */
bool qc_step_stats(const float *us, size_t n, double *median, double *p99, double *max)
{
    *median = *p99 = *max = 0;
    if (n == 0)
        return true;
    float *v = malloc(n * sizeof *v);
    if (!v)
        return false;
    memcpy(v, us, n * sizeof *v);
    qsort(v, n, sizeof *v, by_value);
    *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    size_t r = (n * 99 + 99) / 100; /* ceil(0.99 n), 1-based */
    *p99 = v[r - 1];
    *max = v[n - 1];
    free(v);
    return true;
}

size_t qc_step_buckets(const float *us, size_t n, float *out, size_t cap, size_t *per)
{
    *per = n <= cap ? 1 : (n + cap - 1) / cap;
    size_t k = 0;
    for (size_t i = 0; i < n; i += *per, k++) {
        float m = us[i];
        for (size_t j = i + 1; j < i + *per && j < n; j++)
            if (us[j] > m)
                m = us[j];
        out[k] = m;
    }
    return k;
}

enum { W = 720, H = 220, L = 64, R = 16, TOP = 14, BOT = 34 }; /* size and margins */

void qc_step_svg(FILE *f, const float *pts, size_t n, size_t per, uint64_t ticks)
{
    if (n == 0) {
        fputs("<p class=\"muted\">No ticks were stepped: nothing to plot.</p>\n", f);
        return;
    }
    double top = 0;
    for (size_t i = 0; i < n; i++)
        if (pts[i] > top)
            top = pts[i];
    if (top <= 0)
        top = 1;
    const double pw = W - L - R, ph = H - TOP - BOT;
    fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
            "aria-label=\"step time over ticks\">\n", W, H, W, H);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" class=\"plot\"/>\n",
            L, TOP, pw, ph);
    fprintf(f, "<path class=\"axis\" d=\"M%d %d V%d H%d\"/>\n", L, TOP, H - BOT, W - R);
    fputs("<polyline class=\"line\" points=\"", f);
    for (size_t i = 0; i < n; i++) {
        double x = L + (n > 1 ? pw * (double)i / (double)(n - 1) : pw / 2);
        double y = TOP + ph * (1.0 - pts[i] / top);
        fprintf(f, "%s%.1f,%.1f", i ? " " : "", x, y);
    }
    fputs("\"/>\n", f);
    uint64_t last = ticks ? ticks - 1 : 0;
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"r\">%.1f &#181;s</text>\n", L - 6, TOP + 10,
            top);
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"r\">0 &#181;s</text>\n", L - 6, H - BOT);
    fprintf(f, "<text x=\"%d\" y=\"%d\">tick 0</text>\n", L, H - BOT + 16);
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"r\">tick %" PRIu64 "</text>\n", W - R,
            H - BOT + 16, last);
    fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"m\">step time per tick%s</text>\n",
            L + (int)pw / 2, H - 4, per > 1 ? " (each point: the slowest of its bucket)" : "");
    fputs("</svg>\n", f);
    if (per > 1)
        fprintf(f, "<p class=\"muted\">%zu points, each the slowest of %zu consecutive "
                "ticks.</p>\n", n, per);
}
