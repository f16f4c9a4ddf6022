/*
 * progress.c - the progress line of `quarry check` on a terminal.
 *
 * One line on stderr, rewritten in place ("\r", then erase to the end of
 * the line): "check i/n  NAME  R ticks/s", the scenario being waited for
 * and the speed of the one before it; erased when the check ends.  Only
 * when stderr is a terminal and CI is not set, so logs, pipes and the test
 * suite see exactly what they saw before.  stdout is untouched: the line
 * is erased before a result is printed there.
 */
#define _POSIX_C_SOURCE 200809L /* fileno */

#include <stdio.h>
#include <unistd.h>

#include "qc.h"

bool qc_progress_wanted(void)
{
    return isatty(fileno(stderr)) && !qc_in_ci();
}

void qc_progress_show(bool on, size_t i, size_t n, const char *name, double ticks_per_s)
{
    if (!on)
        return;
    fprintf(stderr, "\r\033[Kcheck %zu/%zu", i, n);
    if (*name)
        fprintf(stderr, "  %s", name);
    if (ticks_per_s > 0)
        fprintf(stderr, "  %.0f ticks/s", ticks_per_s);
    fflush(stderr);
}

void qc_progress_clear(bool on)
{
    if (!on)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
}
