/*
 * junit.c - JUnit XML for CI systems: `quarry check --junit FILE` and the
 * merged junit.xml of `quarry report merge`.
 *
 * One testsuite, one testcase per scenario: <failure> for a failed check
 * (the text it printed as the body, its first line as the message), <error>
 * for bad input or a refused scenario.  Written atomically, so a CI system
 * never reads half a file.
 */
#include <stdio.h>
#include <string.h>

#include "qc.h"

int qc_junit_write(const char *path, const qc_case *cases, size_t n, const char *cmd)
{
    qr_afile af;
    qr_error err;
    if (qr_afile_open(&af, path, &err)) {
        fprintf(stderr, "quarry %s: ", cmd);
        qr_error_print(&err, stderr);
        return -1;
    }
    size_t failures = 0, errors = 0;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        errors += !cases[i].passed && cases[i].error;
        failures += !cases[i].passed && !cases[i].error;
        total += cases[i].seconds;
    }
    FILE *f = af.f;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuite name=\"quarry check\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
            "time=\"%.3f\">\n", n, failures, errors, total);
    for (size_t i = 0; i < n; i++) {
        const qc_case *c = &cases[i];
        fputs("  <testcase classname=\"quarry.worldtests\" name=\"", f);
        qc_markup_text(f, c->name);
        fprintf(f, "\" time=\"%.3f\"", c->seconds);
        if (c->passed) {
            fputs("/>\n", f);
            continue;
        }
        const char *rep = c->text ? c->text : "";
        size_t first = strcspn(rep, "\n");
        char msg[512];
        snprintf(msg, sizeof msg, "%.*s", (int)(first < sizeof msg - 1 ? first : sizeof msg - 1),
                 rep);
        fprintf(f, ">\n    <%s message=\"", c->error ? "error" : "failure");
        qc_markup_text(f, msg);
        fputs("\">", f);
        qc_markup_text(f, rep);
        fprintf(f, "</%s>\n  </testcase>\n", c->error ? "error" : "failure");
    }
    fputs("</testsuite>\n", f);
    if (ferror(f) || qr_afile_commit(&af, &err)) {
        qr_afile_abort(&af);
        fprintf(stderr, "quarry %s: cannot write %s\n", cmd, path);
        return -1;
    }
    return 0;
}
