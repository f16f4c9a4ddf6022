/*
 * render_util.c - PNG reading and image comparison for the render tests
 * (render_util.h); the Mesa pin is keep_mesa.c.
 */
#include "render_util.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct rd {
    char *why;
    size_t cap;
} rd;

static void rd_error(png_structp p, png_const_charp msg)
{
    rd *r = png_get_error_ptr(p);
    snprintf(r->why, r->cap, "libpng: %s", msg);
    png_longjmp(p, 1);
}

static void rd_warning(png_structp p, png_const_charp msg)
{
    (void)p;
    (void)msg;
}

uint8_t *ru_read_png(const char *path, uint32_t *w, uint32_t *h, char *why, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, cap, "%s: cannot open", path);
        return NULL;
    }
    rd r = {why, cap};
    png_structp p = png_create_read_struct(PNG_LIBPNG_VER_STRING, &r, rd_error, rd_warning);
    png_infop info = p ? png_create_info_struct(p) : NULL;
    uint8_t *volatile px = NULL;
    png_bytep *volatile rows = NULL;
    if (!p || !info) {
        snprintf(why, cap, "libpng: out of memory");
        goto fail;
    }
    if (setjmp(png_jmpbuf(p)))
        goto fail;
    png_init_io(p, f);
    png_read_info(p, info);
    png_set_expand(p);
    png_set_strip_16(p);
    png_set_gray_to_rgb(p);
    png_set_add_alpha(p, 0xff, PNG_FILLER_AFTER);
    png_read_update_info(p, info);
    *w = png_get_image_width(p, info);
    *h = png_get_image_height(p, info);
    if (png_get_rowbytes(p, info) != (size_t)*w * 4 || *w > 16384 || *h > 16384) {
        snprintf(why, cap, "%s: not an RGBA image this reader can take", path);
        goto fail;
    }
    px = malloc((size_t)*w * *h * 4);
    rows = malloc(*h * sizeof *rows);
    if (!px || !rows) {
        snprintf(why, cap, "out of memory");
        goto fail;
    }
    for (uint32_t y = 0; y < *h; y++)
        rows[y] = px + (size_t)y * *w * 4;
    png_read_image(p, rows);
    png_read_end(p, NULL);
    png_destroy_read_struct(&p, &info, NULL);
    free(rows);
    fclose(f);
    return px;
fail:
    png_destroy_read_struct(&p, info ? &info : NULL, NULL);
    free(px);
    free(rows);
    fclose(f);
    return NULL;
}

size_t ru_compare(const uint8_t *a, const uint8_t *b, uint32_t w, uint32_t h, int tol,
                  const char *label, FILE *f)
{
    size_t n = 0;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            const uint8_t *p = a + ((size_t)y * w + x) * 4, *q = b + ((size_t)y * w + x) * 4;
            bool differ = false;
            for (int c = 0; c < 4; c++)
                if (abs((int)p[c] - (int)q[c]) > tol)
                    differ = true;
            if (!differ)
                continue;
            if (n < 8)
                fprintf(f, "%s: pixel (%u, %u): got %u,%u,%u,%u want %u,%u,%u,%u\n", label,
                        (unsigned)x, (unsigned)y, p[0], p[1], p[2], p[3], q[0], q[1], q[2], q[3]);
            n++;
        }
    if (n)
        fprintf(f, "%s: %zu of %zu pixels differ by more than %d in a channel\n", label, n,
                (size_t)w * h, tol);
    return n;
}
