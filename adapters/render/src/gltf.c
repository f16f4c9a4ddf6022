/*
 * gltf.c - every loaded column's greedy mesh as one glTF 2.0 binary (.glb).
 *
 * Layout: the 12-byte header (magic "glTF", version 2, total length), the
 * JSON chunk (padded with spaces to 4 bytes) and the BIN chunk (padded
 * with zeros).  Columns go in key order (cx, then cz); a column with no
 * faces gets no mesh.  For each meshed column the BIN chunk holds its
 * positions (float32 VEC3, world blocks), colours (normalised uint8 VEC4)
 * and indices (uint32), each a bufferView and an accessor; POSITION
 * carries the min/max glTF requires.
 *
 * This is the one place the mesher's integers become floats, and only in
 * the output: positions are whole block coordinates, exact in float32 up
 * to 2^24, and the JSON prints min/max as integers, so the file's bytes
 * depend only on the world and the palette.  Colours are the palette's
 * times a fixed shade per face direction (top 100%, x sides 80%, z sides
 * 70%, bottom 50%) in integer arithmetic.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, fsync */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "quarry/qm.h"

typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool oom;
} sbuf;

#if defined(__GNUC__)
#define QM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define QM_PRINTF(f, a)
#endif

static void sb_printf(sbuf *b, const char *fmt, ...) QM_PRINTF(2, 3);
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = true;
            return;
        }
        if (b->p && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        size_t cap = b->cap ? b->cap : 4096;
        while (cap <= b->n + (size_t)k)
            cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = true;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void putf(uint8_t *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    put32(p, u);
}

/* Percent of the palette colour a face shows, by qm_vertex normal. */
static const uint32_t shade[6] = {80, 80, 50, 100, 70, 70};

static void colour_of(const qm_palette *pal, qk_block_id b, uint8_t normal, uint8_t out[4])
{
    uint8_t rgb[3];
    if (pal && pal->rgb && b < pal->count) {
        memcpy(rgb, pal->rgb[b], 3);
    } else {
        uint8_t g = (uint8_t)(96 + (b * 37u) % 128u);
        rgb[0] = rgb[1] = rgb[2] = g;
    }
    for (int i = 0; i < 3; i++)
        out[i] = (uint8_t)(rgb[i] * shade[normal % 6] / 100u);
    out[3] = 255;
}

static int fail(char *why, size_t cap, const char *fmt, ...) QM_PRINTF(3, 4);
static int fail(char *why, size_t cap, const char *fmt, ...)
{
    if (why && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Writes the three chunks to a temporary file beside path and renames it
 * over path. */
static int write_glb(const char *path, const sbuf *json, const uint8_t *bin, size_t bin_len,
                     char *why, size_t cap)
{
    size_t jpad = (4 - json->n % 4) % 4, bpad = (4 - bin_len % 4) % 4;
    size_t jlen = json->n + jpad, blen = bin_len + bpad;
    size_t total = 12 + 8 + jlen + (bin_len ? 8 + blen : 0);
    if (total > UINT32_MAX)
        return fail(why, cap, "%s: the model is larger than a .glb can hold", path);
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp)
        return fail(why, cap, "%s: out of memory", path);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return fail(why, cap, "%s: cannot create a temporary file beside it", path);
    }
    (void)fchmod(fd, 0644); /* mkstemp's 0600 is for secrets; this is a model */
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return fail(why, cap, "%s: cannot write", path);
    }
    uint8_t h[20];
    memcpy(h, "glTF", 4);
    put32(h + 4, 2);
    put32(h + 8, (uint32_t)total);
    put32(h + 12, (uint32_t)jlen);
    memcpy(h + 16, "JSON", 4);
    bool ok = fwrite(h, 1, 20, f) == 20 && fwrite(json->p, 1, json->n, f) == json->n &&
              fwrite("   ", 1, jpad, f) == jpad;
    if (ok && bin_len) {
        put32(h, (uint32_t)blen);
        memcpy(h + 4, "BIN\0", 4);
        ok = fwrite(h, 1, 8, f) == 8 && fwrite(bin, 1, bin_len, f) == bin_len &&
             fwrite("\0\0\0", 1, bpad, f) == bpad;
    }
    ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        free(tmp);
        return fail(why, cap, "%s: cannot write", path);
    }
    free(tmp);
    return 0;
}

int qm_export_glb(const qk_world *w, const qm_palette *pal, const char *path, char *why,
                  size_t cap)
{
    if (!w || !path)
        return fail(why, cap, "%s", "qm_export_glb: no world or no path");
    const qk_world_config *cfg = qk_world_config_of(w);
    sbuf js = {0}, nodes = {0}, meshes = {0}, acc = {0}, views = {0};
    uint8_t *bin = NULL;
    size_t bin_len = 0, bin_cap = 0;
    uint32_t n_mesh = 0;
    qm_mesh m = {0};
    int rc = -1;
    for (int32_t cx = cfg->cx_min; cx <= cfg->cx_max; cx++) {
        for (int32_t cz = cfg->cz_min; cz <= cfg->cz_max; cz++) {
            if (qm_mesh_chunk(w, cx, cz, &m) != QK_OK) {
                fail(why, cap, "%s: out of memory while meshing", path);
                goto out;
            }
            if (m.quads == 0)
                continue;
            uint32_t nv = m.quads * 4, ni = m.quads * 6;
            size_t need = bin_len + (size_t)nv * 16 + (size_t)ni * 4;
            if (need > bin_cap) {
                size_t nc = bin_cap ? bin_cap : 65536;
                while (nc < need)
                    nc *= 2;
                uint8_t *q = realloc(bin, nc);
                if (!q) {
                    fail(why, cap, "%s: out of memory", path);
                    goto out;
                }
                bin = q;
                bin_cap = nc;
            }
            int64_t lo[3] = {INT64_MAX, INT64_MAX, INT64_MAX}, hi[3] = {INT64_MIN, INT64_MIN, INT64_MIN};
            size_t pos = bin_len, col = pos + (size_t)nv * 12, ind = col + (size_t)nv * 4;
            for (uint32_t i = 0; i < nv; i++) {
                const qm_vertex *v = &m.v[i];
                int64_t c[3] = {(int64_t)cx * QK_CHUNK_W + v->x, v->y,
                                (int64_t)cz * QK_CHUNK_W + v->z};
                for (int k = 0; k < 3; k++) {
                    putf(bin + pos + (size_t)i * 12 + (size_t)k * 4, (float)c[k]);
                    if (c[k] < lo[k])
                        lo[k] = c[k];
                    if (c[k] > hi[k])
                        hi[k] = c[k];
                }
                colour_of(pal, v->block, v->normal, bin + col + (size_t)i * 4);
            }
            for (uint32_t i = 0; i < ni; i++)
                put32(bin + ind + (size_t)i * 4, m.idx[i]);
            bin_len = ind + (size_t)ni * 4;
            const char *sep = n_mesh ? "," : "";
            uint32_t a = n_mesh * 3;
            sb_printf(&nodes, "%s{\"mesh\":%u,\"name\":\"chunk %d %d\"}", sep, n_mesh, cx, cz);
            sb_printf(&meshes,
                      "%s{\"name\":\"chunk %d %d\",\"primitives\":[{\"attributes\":"
                      "{\"POSITION\":%u,\"COLOR_0\":%u},\"indices\":%u,\"mode\":4}]}",
                      sep, cx, cz, a, a + 1, a + 2);
            sb_printf(&views,
                      "%s{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu,\"target\":34962},"
                      "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu,\"target\":34962},"
                      "{\"buffer\":0,\"byteOffset\":%zu,\"byteLength\":%zu,\"target\":34963}",
                      sep, pos, (size_t)nv * 12, col, (size_t)nv * 4, ind, (size_t)ni * 4);
            sb_printf(&acc,
                      "%s{\"bufferView\":%u,\"componentType\":5126,\"count\":%u,\"type\":\"VEC3\","
                      "\"min\":[%lld,%lld,%lld],\"max\":[%lld,%lld,%lld]},"
                      "{\"bufferView\":%u,\"componentType\":5121,\"normalized\":true,"
                      "\"count\":%u,\"type\":\"VEC4\"},"
                      "{\"bufferView\":%u,\"componentType\":5125,\"count\":%u,\"type\":\"SCALAR\"}",
                      sep, a, nv, (long long)lo[0], (long long)lo[1], (long long)lo[2],
                      (long long)hi[0], (long long)hi[1], (long long)hi[2], a + 1, nv, a + 2, ni);
            n_mesh++;
        }
    }
    sb_printf(&js, "{\"asset\":{\"version\":\"2.0\",\"generator\":\"quarry\"},\"scene\":0,"
                   "\"scenes\":[{");
    if (n_mesh) {
        sb_printf(&js, "\"nodes\":[");
        for (uint32_t i = 0; i < n_mesh; i++)
            sb_printf(&js, "%s%u", i ? "," : "", i);
        sb_printf(&js, "]}],\"nodes\":[%s],\"meshes\":[%s],\"accessors\":[%s],"
                       "\"bufferViews\":[%s],\"buffers\":[{\"byteLength\":%zu}]}",
                  nodes.p, meshes.p, acc.p, views.p, bin_len);
    } else {
        sb_printf(&js, "}]}");
    }
    if (js.oom || nodes.oom || meshes.oom || acc.oom || views.oom) {
        fail(why, cap, "%s: out of memory", path);
        goto out;
    }
    rc = write_glb(path, &js, bin, bin_len, why, cap);
out:
    qm_mesh_free(&m);
    free(bin);
    free(js.p);
    free(nodes.p);
    free(meshes.p);
    free(acc.p);
    free(views.p);
    return rc;
}
