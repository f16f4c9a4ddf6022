/*
 * test_jsonpos.c - qr_json_locate: line:col of values and keys by JSON Pointer.
 */
#include <string.h>

#include "../check.h"
#include "quarry/qr.h"

static void at(const char *text, const char *ptr, bool key, bool ok, unsigned line,
               unsigned col)
{
    unsigned l = 0, c = 0;
    bool r = qr_json_locate(text, strlen(text), ptr, key, &l, &c);
    CHECK_INT(r, ok);
    CHECK_INT(l, line);
    CHECK_INT(c, col);
    if (l != line || c != col)
        fprintf(stderr, "  pointer %s\n", ptr);
}

int main(void)
{
    const char *doc = "{\"a\": 1, \"b\": [10, {\"c\": \"x,]}\"}, [3, 4]],\n"
                      "  \"d\": {\"e\": null,\n"
                      "         \"f/g\": true, \"h~i\": \"\xc3\xa9t\xc3\xa9\", \"j\": 5}}";
    at(doc, "", false, true, 1, 1);
    at(doc, "/a", false, true, 1, 7);
    at(doc, "/a", true, true, 1, 2);
    at(doc, "/b", false, true, 1, 15);
    at(doc, "/b/0", false, true, 1, 16);
    at(doc, "/b/1", false, true, 1, 20);
    at(doc, "/b/1/c", false, true, 1, 26);
    at(doc, "/b/2", false, true, 1, 35);  /* after a string holding ",]}" */
    at(doc, "/b/2/1", false, true, 1, 39);
    at(doc, "/d", false, true, 2, 8);
    at(doc, "/d/e", false, true, 2, 14);
    at(doc, "/d/f~1g", false, true, 3, 17);  /* escaped '/' in a key */
    at(doc, "/d/h~0i", true, true, 3, 23);   /* escaped '~', key position */
    at(doc, "/d/j", false, true, 3, 42);     /* columns count characters, not bytes */
    /* names nothing: the deepest enclosing value */
    at(doc, "/d/zz", false, false, 2, 8);
    at(doc, "/b/7", false, false, 1, 15);
    at(doc, "/a/0", false, false, 1, 7);
    /* keys with escapes in the text */
    const char *esc = "{\"k\\u00e9y\": 1, \"q\\\"\": [true]}";
    at(esc, "/k\xc3\xa9y", false, true, 1, 14);
    at(esc, "/q\"/0", false, true, 1, 25);
    /* whitespace before the document */
    at("\n\n  [1, 2]", "/1", false, true, 3, 7);
    return qt_report();
}
