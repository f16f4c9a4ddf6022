/*
 * png.c - qm_write_png: 8-bit RGBA PNGs with libpng, byte for byte
 * deterministic (no time, text or gamma chunks; a fixed compression level
 * and filter), written atomically: into "PATH.tmp.PID", flushed, then
 * renamed over PATH, so a reader sees the old file or the whole new one.
 *
 * libpng reports errors by longjmp; that jump never leaves this file.
 */
#define _POSIX_C_SOURCE 200809L /* fsync, fileno, getpid */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "quarry/qm.h"

typedef struct pngctx {
    char *why;
    size_t cap;
} pngctx;

static void on_error(png_structp p, png_const_charp msg)
{
    pngctx *c = png_get_error_ptr(p);
    if (c->why && c->cap)
        snprintf(c->why, c->cap, "libpng: %s", msg);
    png_longjmp(p, 1);
}

static void on_warning(png_structp p, png_const_charp msg)
{
    (void)p;
    (void)msg;
}

/* Everything libpng touches lives in this frame; volatile where it is
 * read after the longjmp. */
static int encode(FILE *f, const uint8_t *rgba, uint32_t width, uint32_t height, pngctx *c)
{
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, c, on_error, on_warning);
    if (!p) {
        snprintf(c->why, c->cap, "libpng: out of memory");
        return -1;
    }
    png_infop info = png_create_info_struct(p);
    if (!info) {
        png_destroy_write_struct(&p, NULL);
        snprintf(c->why, c->cap, "libpng: out of memory");
        return -1;
    }
    if (setjmp(png_jmpbuf(p))) {
        png_destroy_write_struct(&p, &info);
        return -1;
    }
    png_init_io(p, f);
    png_set_compression_level(p, 6);
    png_set_filter(p, PNG_FILTER_TYPE_BASE, PNG_FILTER_PAETH);
    png_set_IHDR(p, info, width, height, 8, PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(p, info);
    for (uint32_t y = 0; y < height; y++)
        png_write_row(p, (png_const_bytep)(rgba + (size_t)y * width * 4));
    png_write_end(p, NULL);
    png_destroy_write_struct(&p, &info);
    return 0;
}

int qm_write_png(const char *path, const uint8_t *rgba, uint32_t width, uint32_t height,
                 char *why, size_t cap)
{
    char dummy[1];
    pngctx c = {why && cap ? why : dummy, why && cap ? cap : sizeof dummy};
    if (width == 0 || height == 0 || width > 0x7fffffffu / 4 || height > 0x7fffffffu) {
        snprintf(c.why, c.cap, "%s: bad image size %ux%u", path, (unsigned)width,
                 (unsigned)height);
        return -1;
    }
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp) {
        snprintf(c.why, c.cap, "%s: path too long", path);
        return -1;
    }
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(c.why, c.cap, "%s: cannot create: %s", tmp, strerror(errno));
        return -1;
    }
    char msg[256] = "";
    pngctx inner = {msg, sizeof msg};
    int rc = encode(f, rgba, width, height, &inner);
    int e = 0;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        e = errno;
    if (fclose(f) != 0 && !e)
        e = errno;
    if (rc != 0 || e) {
        if (rc != 0)
            snprintf(c.why, c.cap, "%s: %s", path, msg);
        else
            snprintf(c.why, c.cap, "%s: writing failed: %s", tmp, strerror(e));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(c.why, c.cap, "%s: cannot rename %s over it: %s", path, tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int qm_png_encode(const uint8_t *rgba, uint32_t width, uint32_t height, uint8_t **out,
                  size_t *len, char *why, size_t cap)
{
    char dummy[1];
    pngctx c = {why && cap ? why : dummy, why && cap ? cap : sizeof dummy};
    *out = NULL;
    *len = 0;
    if (width == 0 || height == 0 || width > 0x7fffffffu / 4 || height > 0x7fffffffu) {
        snprintf(c.why, c.cap, "bad image size %ux%u", (unsigned)width, (unsigned)height);
        return -1;
    }
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n); /* the same encoder, into memory */
    if (!f) {
        snprintf(c.why, c.cap, "out of memory");
        return -1;
    }
    int rc = encode(f, rgba, width, height, &c);
    if (fclose(f) != 0 && rc == 0) {
        snprintf(c.why, c.cap, "out of memory");
        rc = -1;
    }
    if (rc != 0) {
        free(buf);
        return -1;
    }
    *out = (uint8_t *)buf;
    *len = n;
    return 0;
}
