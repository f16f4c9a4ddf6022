/*
 * jsonpos.c - where does this JSON value start?  (line:col for semantic errors)
 *
 * jansson gives positions only for syntax errors.  Once a document has parsed,
 * a parser that finds an unknown block name or a value out of range still
 * wants to point at it.  Rather than threading positions through jansson, we
 * re-scan the (already valid) text along a JSON Pointer: at each level skip
 * whitespace, then either walk the object's members comparing decoded keys,
 * or skip array elements up to the index.  Skipping a value is bracket
 * counting with strings stepped over, which is enough because the text is
 * known to be valid.  Cost: O(bytes before the target); errors are rare.
 *
 * Columns count UTF-8 code points, 1-based, matching jansson's syntax errors,
 * so both kinds of error point the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* i at the opening quote; returns the index after the closing quote. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return n;
}

static size_t skip_value(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return n;
    if (s[i] == '"')
        return skip_string(s, n, i);
    if (s[i] == '{' || s[i] == '[') {
        int depth = 0;
        while (i < n) {
            char ch = s[i];
            if (ch == '"') {
                i = skip_string(s, n, i);
                continue;
            }
            if (ch == '{' || ch == '[')
                depth++;
            else if (ch == '}' || ch == ']') {
                if (--depth == 0)
                    return i + 1;
            }
            i++;
        }
        return n;
    }
    while (i < n && !strchr(",}] \t\r\n", s[i]))
        i++;
    return i;
}

static unsigned hexval(char c)
{
    if (c >= '0' && c <= '9') return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'f') return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (unsigned)(c - 'A' + 10);
    return 0;
}

/* Decodes the JSON string at s[i] (opening quote) into out[cap] as UTF-8.
 * Returns the decoded length, or cap when it does not fit (no match then). */
static size_t decode_string(const char *s, size_t n, size_t i, char *out, size_t cap)
{
    size_t o = 0;
    for (i++; i < n && s[i] != '"'; i++) {
        unsigned cp;
        if (s[i] != '\\') {
            if (o + 1 >= cap) return cap;
            out[o++] = s[i];
            continue;
        }
        i++;
        if (i >= n) break;
        switch (s[i]) {
        case 'n': cp = '\n'; break;
        case 't': cp = '\t'; break;
        case 'r': cp = '\r'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'u':
            if (i + 4 >= n) return cap;
            cp = hexval(s[i + 1]) << 12 | hexval(s[i + 2]) << 8 |
                 hexval(s[i + 3]) << 4 | hexval(s[i + 4]);
            i += 4;
            if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < n && s[i + 1] == '\\' && s[i + 2] == 'u') {
                unsigned lo = hexval(s[i + 3]) << 12 | hexval(s[i + 4]) << 8 |
                              hexval(s[i + 5]) << 4 | hexval(s[i + 6]);
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                i += 6;
            }
            break;
        default: cp = (unsigned char)s[i]; break;
        }
        if (o + 4 >= cap) return cap;
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xC0 | cp >> 6);
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[o++] = (char)(0xE0 | cp >> 12);
            out[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = (char)(0xF0 | cp >> 18);
            out[o++] = (char)(0x80 | (cp >> 12 & 0x3F));
            out[o++] = (char)(0x80 | (cp >> 6 & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    return o;
}

/* Next reference token of the pointer, unescaped (~1 = '/', ~0 = '~'). */
static const char *next_token(const char *p, char *tok, size_t cap, size_t *toklen)
{
    size_t o = 0;
    p++; /* the '/' */
    while (*p && *p != '/') {
        char ch = *p++;
        if (ch == '~' && (*p == '0' || *p == '1'))
            ch = *p++ == '0' ? '~' : '/';
        if (o + 1 < cap)
            tok[o++] = ch;
    }
    tok[o] = 0;
    *toklen = o;
    return p;
}

static void offset_to_pos(const char *s, size_t off, unsigned *line, unsigned *col)
{
    unsigned l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

bool qr_json_locate(const char *s, size_t n, const char *pointer, bool want_key,
                    unsigned *line, unsigned *col)
{
    size_t i = skip_ws(s, n, 0), found = i, key_at = i;
    bool ok = true, have_key = false;
    const char *p = pointer ? pointer : "";
    char tok[256], key[256];
    while (*p == '/') {
        size_t toklen;
        p = next_token(p, tok, sizeof tok, &toklen);
        if (i >= n || (s[i] != '{' && s[i] != '[')) {
            ok = false;
            break;
        }
        bool hit = false;
        if (s[i] == '{') {
            i = skip_ws(s, n, i + 1);
            while (i < n && s[i] == '"') {
                size_t kat = i;
                size_t klen = decode_string(s, n, i, key, sizeof key);
                i = skip_ws(s, n, skip_string(s, n, i));
                i = skip_ws(s, n, i + 1); /* the ':' */
                if (klen == toklen && memcmp(key, tok, klen) == 0) {
                    hit = true;
                    key_at = kat;
                    break;
                }
                i = skip_ws(s, n, skip_value(s, n, i));
                if (i < n && s[i] == ',')
                    i = skip_ws(s, n, i + 1);
            }
        } else {
            char *end;
            unsigned long idx = strtoul(tok, &end, 10);
            if (toklen && *end == 0) {
                i = skip_ws(s, n, i + 1);
                unsigned long k = 0;
                while (i < n && s[i] != ']') {
                    if (k == idx) {
                        hit = true;
                        break;
                    }
                    i = skip_ws(s, n, skip_value(s, n, i));
                    if (i < n && s[i] == ',')
                        i = skip_ws(s, n, i + 1);
                    k++;
                }
            }
            key_at = i;
        }
        if (!hit) {
            ok = false;
            break;
        }
        found = i;
        have_key = true;
    }
    size_t at = (want_key && have_key && ok) ? key_at : found;
    if (at > n)
        at = n;
    offset_to_pos(s, at, line, col);
    return ok;
}
