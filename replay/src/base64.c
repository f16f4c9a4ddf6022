/*
 * base64.c - RFC 4648 base64 (standard alphabet, '=' padding), for the
 * snapshot a desync bundle carries inside its JSON.
 */
#include <stdlib.h>

#include "internal.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t qr__base64_size(size_t n)
{
    return (n + 2) / 3 * 4;
}

void qr__base64_encode(const uint8_t *p, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
    }
    out[o] = 0;
}

static int value_of(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

size_t qr__base64_decode(const char *s, size_t n, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (n % 4)
        return n - n % 4; /* the incomplete last group */
    uint8_t *p = malloc(n / 4 * 3 + 1);
    if (!p)
        return (size_t)-2;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++) {
            bool pad = s[i + k] == '=' && i + 4 == n && (k == 3 || (k == 2 && s[i + 3] == '='));
            v[k] = pad ? 0 : value_of(s[i + k]);
            if (v[k] < 0) {
                free(p);
                return i + (size_t)k;
            }
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
                     (uint32_t)v[3];
        p[o++] = (uint8_t)(w >> 16);
        if (!(i + 4 == n && s[i + 2] == '='))
            p[o++] = (uint8_t)(w >> 8);
        if (!(i + 4 == n && s[i + 3] == '='))
            p[o++] = (uint8_t)w;
    }
    *out = p;
    *len = o;
    return (size_t)-1;
}

size_t qr_base64_size(size_t n)
{
    return qr__base64_size(n);
}

void qr_base64_encode(const uint8_t *p, size_t n, char *out)
{
    qr__base64_encode(p, n, out);
}
