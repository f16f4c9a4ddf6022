/*
 * test_compare.c - the streaming comparer: each kind of difference is found
 * at the right line and described with the right field and values.
 */
#include <stdio.h>
#include <string.h>

#include "../check.h"
#include "quarry/qr.h"

#define HDR "{\"quarry\":\"events\",\"format\":1,\"kernel\":\"0.1.0\",\"schema\":\"00\"," \
            "\"scenario\":\"s\",\"scenario_hash\":\"01\"}\n"
#define P0 "{\"tick\":0,\"type\":\"player\",\"player\":1,\"x\":0,\"y\":28672,\"z\":0,\"vx\":0," \
           "\"vy\":0,\"vz\":0,\"yaw\":0,\"pitch\":0,\"ground\":1}\n"
#define D0 "{\"tick\":0,\"type\":\"digest\",\"blocks\":\"00000000000000aa\",\"entities\":" \
           "\"00000000000000bb\",\"light\":\"00000000000000dd\",\"chain\":\"00000000000000cc\"}\n"
#define B1 "{\"tick\":1,\"type\":\"block\",\"x\":1,\"y\":2,\"z\":3,\"block\":\"stone\"," \
           "\"prev\":\"air\",\"cause\":\"place\",\"player\":1}\n"

static FILE *mem(const char *s)
{
    FILE *f = tmpfile();
    fputs(s, f);
    rewind(f);
    return f;
}

static qr_diff cmp(const char *a, const char *b)
{
    qr_diff d;
    qr_error e;
    FILE *fa = mem(a), *fb = mem(b);
    qr_status st = qr_compare_files(fa, fb, &d, &e);
    CHECK_INT(st, QR_OK);
    fclose(fa);
    fclose(fb);
    return d;
}

static void swap_in(char *dst, size_t cap, const char *src, const char *from, const char *to)
{
    const char *at = strstr(src, from);
    snprintf(dst, cap, "%.*s%s%s", (int)(at - src), src, to, at + strlen(from));
}

int main(void)
{
    char b[2048], r[4096];
    qr_diff d = cmp(HDR P0 D0 B1, HDR P0 D0 B1);
    CHECK_INT(d.kind, QR_DIFF_SAME);

    /* one field */
    swap_in(b, sizeof b, HDR P0 D0 B1, "\"y\":28672", "\"y\":28670");
    d = cmp(HDR P0 D0 B1, b);
    CHECK_INT(d.kind, QR_DIFF_FIELD);
    CHECK_INT(d.line, 2);
    CHECK(d.has_tick && d.tick == 0);
    CHECK_STR(d.type_a, "player");
    CHECK_STR(d.field, "y");
    CHECK_STR(d.value_a, "28672");
    CHECK_STR(d.value_b, "28670");
    qr_diff_summary(&d, "golden", "now", r, sizeof r);
    CHECK_STR(r, "line 2, tick 0: player event, field \"y\": golden has 28672, now has 28670");
    qr_diff_render(&d, "A", "B", r, sizeof r);
    CHECK(strstr(r, "first difference: line 2, tick 0") == r);
    CHECK(strstr(r, "\n  A: {\"tick\":0,\"type\":\"player\"") != NULL);

    /* the first differing field in key order, strings shown as JSON */
    swap_in(b, sizeof b, HDR P0 D0 B1, "\"block\":\"stone\",\"prev\":\"air\"",
            "\"block\":\"dirt\",\"prev\":\"sand\"");
    d = cmp(HDR P0 D0 B1, b);
    CHECK_INT(d.kind, QR_DIFF_FIELD);
    CHECK_INT(d.line, 4);
    CHECK_INT(d.tick, 1);
    CHECK_STR(d.field, "block");
    CHECK_STR(d.value_a, "\"stone\"");
    CHECK_STR(d.value_b, "\"dirt\"");

    /* different types at the same tick */
    d = cmp(HDR P0 D0, HDR D0 P0);
    CHECK_INT(d.kind, QR_DIFF_TYPE);
    CHECK_INT(d.line, 2);
    CHECK_STR(d.type_a, "player");
    CHECK_STR(d.type_b, "digest");
    qr_diff_summary(&d, "A", "B", r, sizeof r);
    CHECK_STR(r, "line 2, tick 0: A has a player event, B has a digest event");

    /* digests: every differing subsystem is listed, the chain is not */
    swap_in(b, sizeof b, HDR P0 D0, "\"blocks\":\"00000000000000aa\",\"entities\":"
            "\"00000000000000bb\",\"light\":\"00000000000000dd\",\"chain\":\"00000000000000cc\"",
            "\"blocks\":\"00000000000000a1\",\"entities\":\"00000000000000b1\","
            "\"light\":\"00000000000000dd\",\"chain\":\"00000000000000c1\"");
    d = cmp(HDR P0 D0, b);
    CHECK_INT(d.kind, QR_DIFF_DIGEST);
    CHECK_INT(d.line, 3);
    CHECK_STR(d.fields, "blocks, entities");
    CHECK_STR(d.field, "blocks");
    qr_diff_render(&d, "A", "B", r, sizeof r);
    CHECK(strstr(r, "digest differs in blocks, entities") != NULL);
    swap_in(b, sizeof b, HDR P0 D0, "\"entities\":\"00000000000000bb\"",
            "\"entities\":\"00000000000000b2\"");
    d = cmp(HDR P0 D0, b);
    CHECK_STR(d.fields, "entities");
    /* a light-only divergence (same blocks, different light) is named as such */
    swap_in(b, sizeof b, HDR P0 D0, "\"light\":\"00000000000000dd\",\"chain\":\"00000000000000cc\"",
            "\"light\":\"00000000000000d1\",\"chain\":\"00000000000000c1\"");
    d = cmp(HDR P0 D0, b);
    CHECK_INT(d.kind, QR_DIFF_DIGEST);
    CHECK_STR(d.fields, "light");
    qr_diff_render(&d, "A", "B", r, sizeof r);
    CHECK(strstr(r, "digest differs in light") != NULL);
    /* only the chain: every subsystem agrees, the runs started apart */
    swap_in(b, sizeof b, HDR P0 D0, "\"chain\":\"00000000000000cc\"",
            "\"chain\":\"00000000000000c9\"");
    d = cmp(HDR P0 D0, b);
    CHECK_INT(d.kind, QR_DIFF_DIGEST);
    CHECK_STR(d.fields, "chain");
    qr_diff_render(&d, "A", "B", r, sizeof r);
    CHECK(strstr(r, "only the chain differs: the runs started from different chain origins") !=
          NULL);

    /* one stream ends early, either side */
    d = cmp(HDR P0, HDR P0 D0 B1);
    CHECK_INT(d.kind, QR_DIFF_END_A);
    CHECK_INT(d.line, 3);
    CHECK(d.has_tick && d.tick == 0);
    CHECK(strncmp(d.next, "{\"tick\":0,\"type\":\"digest\"", 25) == 0);
    qr_diff_summary(&d, "A", "B", r, sizeof r);
    CHECK_STR(r, "A ends after line 2; B goes on with line 3 (tick 0)");
    d = cmp(HDR P0 D0 B1, HDR P0 D0);
    CHECK_INT(d.kind, QR_DIFF_END_B);
    CHECK_INT(d.line, 4);
    CHECK_INT(d.tick, 1);

    /* header fields by name */
    swap_in(b, sizeof b, HDR P0, "\"kernel\":\"0.1.0\"", "\"kernel\":\"0.2.0\"");
    d = cmp(HDR P0, b);
    CHECK_INT(d.kind, QR_DIFF_HEADER);
    CHECK_INT(d.line, 1);
    CHECK_STR(d.field, "kernel");
    CHECK_STR(d.value_b, "\"0.2.0\"");
    qr_diff_summary(&d, "A", "B", r, sizeof r);
    CHECK_STR(r, "headers differ in \"kernel\": A has \"0.1.0\", B has \"0.2.0\"");
    char b2[2048];
    swap_in(b2, sizeof b2, b, "\"schema\":\"00\"", "\"schema\":\"11\"");
    d = cmp(HDR P0, b2);
    CHECK_STR(d.fields, "kernel, schema");
    CHECK_STR(d.header_fields, "kernel, schema");

    /* Two input logs always differ in scenario_hash; the events after the
     * header are still compared and the first event difference reported. */
    char b3[2048], b4[2048];
    swap_in(b3, sizeof b3, HDR P0 D0 B1, "\"scenario_hash\":\"01\"", "\"scenario_hash\":\"02\"");
    swap_in(b4, sizeof b4, b3, "\"x\":1,", "\"x\":9,");
    d = cmp(HDR P0 D0 B1, b4);
    CHECK_INT(d.kind, QR_DIFF_FIELD);
    CHECK_INT(d.line, 4);
    CHECK_INT(d.tick, 1);
    CHECK_STR(d.field, "x");
    CHECK_STR(d.header_fields, "scenario_hash");
    qr_diff_render(&d, "A", "B", r, sizeof r);
    CHECK(strstr(r, "the headers differ too, in scenario_hash") != NULL);
    d = cmp(HDR P0 D0 B1, b3); /* only the header differs */
    CHECK_INT(d.kind, QR_DIFF_HEADER);
    CHECK_STR(d.field, "scenario_hash");

    /* not JSON: raw difference with the column */
    d = cmp(HDR "hello world\n", HDR "hello there\n");
    CHECK_INT(d.kind, QR_DIFF_RAW);
    CHECK_INT(d.line, 2);
    CHECK_INT(d.col, 7);
    /* a missing final newline is a difference too */
    d = cmp(HDR P0, HDR "{\"tick\":0,\"type\":\"player\",\"player\":1,\"x\":0,\"y\":28672,"
            "\"z\":0,\"vx\":0,\"vy\":0,\"vz\":0,\"yaw\":0,\"pitch\":0,\"ground\":1}");
    CHECK_INT(d.kind, QR_DIFF_RAW);
    CHECK_STR(d.field, "final newline");
    /* both empty: same */
    d = cmp("", "");
    CHECK_INT(d.kind, QR_DIFF_SAME);

    /* light_commit: a difference inside "chunks" (an array of arrays) is
     * the field "chunks" with both whole values; u64 values beyond 2^63
     * (txn ids, revisions) are read, not refused */
#define LC0 "{\"tick\":1,\"type\":\"light_commit\",\"txn\":17,\"player\":1,\"cause\":" \
            "\"place\",\"x\":-1,\"y\":7,\"z\":0,\"chunks\":[[-1,0,2,3],[0,0,1,4]]}\n"
    swap_in(b, sizeof b, HDR P0 D0 LC0, "[0,0,1,4]", "[0,0,1,5]");
    d = cmp(HDR P0 D0 LC0, b);
    CHECK_INT(d.kind, QR_DIFF_FIELD);
    CHECK_INT(d.line, 4);
    CHECK_INT(d.tick, 1);
    CHECK_STR(d.type_a, "light_commit");
    CHECK_STR(d.field, "chunks");
    CHECK_STR(d.fields, "chunks");
    CHECK_STR(d.value_a, "[[-1,0,2,3],[0,0,1,4]]");
    CHECK_STR(d.value_b, "[[-1,0,2,3],[0,0,1,5]]");
    qr_diff_summary(&d, "A", "B", r, sizeof r);
    CHECK_STR(r, "line 4, tick 1: light_commit event, field \"chunks\": A has "
              "[[-1,0,2,3],[0,0,1,4]], B has [[-1,0,2,3],[0,0,1,5]]");
    /* one chunk more: still "chunks", not a raw difference */
    swap_in(b, sizeof b, HDR P0 D0 LC0, "[0,0,1,4]]", "[0,0,1,4],[0,1,1,1]]");
    d = cmp(HDR P0 D0 LC0, b);
    CHECK_INT(d.kind, QR_DIFF_FIELD);
    CHECK_STR(d.field, "chunks");
    CHECK_STR(d.value_b, "[[-1,0,2,3],[0,0,1,4],[0,1,1,1]]");
    /* a field before "chunks" that differs is the one reported, and the
     * chunks after it are listed too */
    swap_in(b2, sizeof b2, b, "\"txn\":17", "\"txn\":18446744073709551615");
    d = cmp(HDR P0 D0 LC0, b2);
    CHECK_INT(d.kind, QR_DIFF_FIELD);
    CHECK_STR(d.field, "txn");
    CHECK_STR(d.value_b, "18446744073709551615");
    CHECK_STR(d.fields, "txn, chunks");
    /* whitespace inside an array is not a difference in value (the lines
     * still differ in bytes: a raw difference) */
    swap_in(b, sizeof b, HDR P0 D0 LC0, "[[-1,0,2,3],[0,0,1,4]]", "[[-1, 0,2,3], [0,0,1,4]]");
    d = cmp(HDR P0 D0 LC0, b);
    CHECK_INT(d.kind, QR_DIFF_RAW);
    CHECK_INT(d.line, 4);
    /* the widest chunks value (9 chunks, every number at its widest) is
     * reported whole */
    {
        static char wa[4096], wb[4096];
        char chunks[1024] = "";
        for (int i = 0; i < QK_TXN_MAX_CHUNKS; i++)
            snprintf(chunks + strlen(chunks), sizeof chunks - strlen(chunks), "%s[%s]",
                     i ? "," : "", "-2147483648,-2147483648,18446744073709551615,"
                     "18446744073709551615");
        snprintf(wa, sizeof wa, HDR "{\"tick\":1,\"type\":\"light_commit\",\"txn\":1,"
                 "\"chunks\":[%s]}\n", chunks);
        chunks[strlen(chunks) - 2] = '4'; /* ...615] -> ...614] */
        snprintf(wb, sizeof wb, HDR "{\"tick\":1,\"type\":\"light_commit\",\"txn\":1,"
                 "\"chunks\":[%s]}\n", chunks);
        d = cmp(wa, wb);
        CHECK_INT(d.kind, QR_DIFF_FIELD);
        CHECK_STR(d.field, "chunks");
        CHECK_INT(strlen(d.value_a), 613);
        CHECK_STR(d.value_b + 605, "551614]]");
        qr_diff_render(&d, "A", "B", r, sizeof r);
        CHECK(strstr(r, "551615]], B has [[") != NULL);
    }
    /* crafted: "inputs" (an array of [name,count] pairs) differs as one
     * field with both whole values, and a difference in "item" after it
     * is listed too */
#define CR0 "{\"tick\":2,\"type\":\"crafted\",\"player\":1,\"recipe\":\"sticks\",\"inputs\":" \
            "[[\"oak_planks\",2]],\"item\":\"stick\",\"count\":4,\"table\":0}\n"
    swap_in(b, sizeof b, HDR P0 D0 CR0, "[[\"oak_planks\",2]]", "[[\"oak_planks\",1],[\"stick\",1]]");
    d = cmp(HDR P0 D0 CR0, b);
    CHECK_INT(d.kind, QR_DIFF_FIELD);
    CHECK_INT(d.line, 4);
    CHECK_STR(d.type_a, "crafted");
    CHECK_STR(d.field, "inputs");
    CHECK_STR(d.fields, "inputs");
    CHECK_STR(d.value_a, "[[\"oak_planks\",2]]");
    CHECK_STR(d.value_b, "[[\"oak_planks\",1],[\"stick\",1]]");
    qr_diff_summary(&d, "A", "B", r, sizeof r);
    CHECK_STR(r, "line 4, tick 2: crafted event, field \"inputs\": A has "
              "[[\"oak_planks\",2]], B has [[\"oak_planks\",1],[\"stick\",1]]");
    {
        char b2c[2048];
        swap_in(b2c, sizeof b2c, b, "\"item\":\"stick\"", "\"item\":\"torch\"");
        d = cmp(HDR P0 D0 CR0, b2c);
        CHECK_STR(d.field, "inputs");
        CHECK_STR(d.fields, "inputs, item");
    }
    /* the recipe falls back to its index: a string against an integer */
    swap_in(b, sizeof b, HDR P0 D0 CR0, "\"sticks\"", "0");
    d = cmp(HDR P0 D0 CR0, b);
    CHECK_STR(d.field, "recipe");
    CHECK_STR(d.value_a, "\"sticks\"");
    CHECK_STR(d.value_b, "0");
    /* the widest inputs value (9 inputs of 63-character names, counts at
     * the u8 maximum) is reported whole */
    {
        static char wa[4096], wb[4096];
        char inputs[1024] = "", name[64];
        memset(name, 'n', 63);
        name[63] = 0;
        for (int i = 0; i < QK_CRAFT_CELLS; i++)
            snprintf(inputs + strlen(inputs), sizeof inputs - strlen(inputs),
                     "%s[\"%s\",255]", i ? "," : "", name);
        CHECK_INT(strlen(inputs) + 2, 649);
        snprintf(wa, sizeof wa, HDR "{\"tick\":1,\"type\":\"crafted\",\"inputs\":[%s]}\n", inputs);
        inputs[strlen(inputs) - 2] = '4'; /* ...255] -> ...254] */
        snprintf(wb, sizeof wb, HDR "{\"tick\":1,\"type\":\"crafted\",\"inputs\":[%s]}\n", inputs);
        d = cmp(wa, wb);
        CHECK_INT(d.kind, QR_DIFF_FIELD);
        CHECK_STR(d.field, "inputs");
        CHECK_INT(strlen(d.value_a), 649);
        CHECK_STR(d.value_b + 642, "\",254]]");
    }
    /* a value too long for the report is cut with "..." */
    {
        static char la[8192], lb[8192];
        char longv[2000];
        memset(longv, 'x', sizeof longv - 1);
        longv[sizeof longv - 1] = 0;
        snprintf(la, sizeof la, HDR "{\"tick\":2,\"type\":\"t\",\"s\":\"%sa\"}\n", longv);
        snprintf(lb, sizeof lb, HDR "{\"tick\":2,\"type\":\"t\",\"s\":\"%sb\"}\n", longv);
        d = cmp(la, lb);
        CHECK_INT(d.kind, QR_DIFF_FIELD);
        CHECK_INT(strlen(d.value_a), sizeof d.value_a - 1);
        CHECK_STR(d.value_a + sizeof d.value_a - 4, "...");
    }
    /* not an object we can read: duplicate keys, trailing junk, bad tokens */
    d = cmp(HDR "{\"tick\":1,\"type\":\"t\",\"a\":1,\"a\":2}\n",
            HDR "{\"tick\":1,\"type\":\"t\",\"a\":1,\"a\":3}\n");
    CHECK_INT(d.kind, QR_DIFF_RAW);
    d = cmp(HDR "{\"tick\":1,\"type\":\"t\",\"a\":1} x\n", HDR "{\"tick\":1,\"type\":\"t\",\"a\":2}\n");
    CHECK_INT(d.kind, QR_DIFF_RAW);
    d = cmp(HDR "{\"tick\":1,\"type\":\"t\",\"a\":tru}\n", HDR "{\"tick\":1,\"type\":\"t\",\"a\":true}\n");
    CHECK_INT(d.kind, QR_DIFF_RAW);
    d = cmp(HDR "{\"tick\":1,\"type\":\"t\",\"a\":[1,2}\n", HDR "{\"tick\":1,\"type\":\"t\",\"a\":[1,3]}\n");
    CHECK_INT(d.kind, QR_DIFF_RAW);
    d = cmp(HDR "{\"tick\":1,\"type\":\"t\",\"a\":\"x\\q\"}\n", HDR "{\"tick\":1,\"type\":\"t\",\"a\":\"y\"}\n");
    CHECK_INT(d.kind, QR_DIFF_RAW);
    /* strings holding brackets, commas and escaped quotes are one value */
    d = cmp(HDR "{\"tick\":1,\"type\":\"t\",\"a\":\"[,\\\"}\",\"b\":1}\n",
            HDR "{\"tick\":1,\"type\":\"t\",\"a\":\"[,\\\"}\",\"b\":2}\n");
    CHECK_INT(d.kind, QR_DIFF_FIELD);
    CHECK_STR(d.field, "b");
    /* a key only one side has */
    d = cmp(HDR "{\"tick\":1,\"type\":\"t\"}\n", HDR "{\"tick\":1,\"type\":\"t\",\"n\":[]}\n");
    CHECK_INT(d.kind, QR_DIFF_FIELD);
    CHECK_STR(d.field, "n");
    CHECK_STR(d.value_a, "(missing)");
    CHECK_STR(d.value_b, "[]");

    /* unreadable */
    qr_error e;
    CHECK_INT(qr_compare_paths("/nonexistent/a", "/nonexistent/b", &d, &e), QR_ERR_IO);
    CHECK_STR(e.file, "/nonexistent/a");
    return qt_report();
}
