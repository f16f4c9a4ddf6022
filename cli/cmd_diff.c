/*
 * cmd_diff.c - `quarry diff A B`: the first divergence of two event streams,
 * in words (line, tick, event type, field, both values).
 */
#include <stdio.h>
#include <stdlib.h>

#include "qc.h"

const char qc_help_diff[] =
    "usage: quarry diff A B\n"
    "\n"
    "Compares two event streams line by line and describes the first difference:\n"
    "line, tick, event type, the first differing field and both values; for\n"
    "digest lines every subsystem whose digest differs; header fields by name.\n"
    "\n"
    "Exit codes: 0 identical, 1 different, 2 bad usage or a file cannot be read.\n";

int qc_cmd_diff(int argc, char **argv)
{
    const char *a = NULL, *b = NULL;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            return qc_usage("diff", "unknown option '%s'", argv[i]);
        if (!a)
            a = argv[i];
        else if (!b)
            b = argv[i];
        else
            return qc_usage("diff", "two files, please (got a third: '%s')", argv[i]);
    }
    if (!b)
        return qc_usage("diff", "two event streams are needed");
    qr_diff d;
    qr_error err;
    qr_status st = qr_compare_paths(a, b, &d, &err);
    if (st) {
        qr_error_print(&err, stderr);
        return QC_EXIT_USAGE;
    }
    /* The file names appear several times: size the text to fit them. */
    char probe[1];
    size_t n = qr_diff_render(&d, a, b, probe, sizeof probe);
    char *buf = malloc(n + 1);
    if (!buf)
        return qc_usage("diff", "out of memory");
    qr_diff_render(&d, a, b, buf, n + 1);
    fputs(buf, stdout);
    free(buf);
    return d.kind == QR_DIFF_SAME ? QC_EXIT_OK : QC_EXIT_FAIL;
}
