/*
 * render_util.h - what the render tests share: a PNG reader (libpng), a
 * per-pixel comparison that says which pixels differ, and the helper that
 * keeps Mesa's driver loaded for LeakSanitizer.
 */
#ifndef RENDER_UTIL_H
#define RENDER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Reads an 8-bit RGBA PNG (other formats are converted) into a malloc'ed
 * buffer, rows top to bottom.  NULL with a message in why. */
uint8_t *ru_read_png(const char *path, uint32_t *w, uint32_t *h, char *why, size_t cap);

/* Compares two images of equal size: a pixel differs when any channel is
 * more than tol apart.  Prints the first few differing pixels (coordinates
 * and both values) and the count to f; returns how many differ. */
size_t ru_compare(const uint8_t *a, const uint8_t *b, uint32_t w, uint32_t h, int tol,
                  const char *label, FILE *f);

/* Mesa unloads its driver (swrast_dri.so, libgallium) when the display is
 * terminated, and LeakSanitizer then cannot see what the driver still
 * holds, reporting it as leaks with no symbols.  Before the first bake a
 * test calls this: it dlopen()s the driver with RTLD_NOW | RTLD_NODELETE so
 * it stays mapped until exit.  Returns the path it pinned, or NULL when no
 * known driver was found (the test goes on). */
const char *ru_keep_mesa_loaded(void);

#endif
