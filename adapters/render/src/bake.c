/*
 * bake.c - the GL edge: EGL on Mesa with no display, GLES 3.0, offscreen.
 *
 * Design.  A qm_baker owns one EGL display (EGL_PLATFORM_SURFACELESS_MESA
 * through eglGetPlatformDisplayEXT), one GLES 3.0 context made current with
 * no surface (EGL_KHR_surfaceless_context), a framebuffer object (RGBA8
 * colour and DEPTH_COMPONENT24 renderbuffers, resized on demand) and a
 * cache of GPU state per loaded column:
 *
 *   - geometry: a VAO with the column's greedy mesh (qm_mesh_chunk) in a
 *     VBO and IBO, rebuilt only when the column's geometry revision differs
 *     from the one this baker built it from (stats.mesh_builds);
 *   - light: an RG8 texture of 16 x 4096 texels (qm_light_atlas: R sky,
 *     G block light), re-uploaded only when the light revision moved
 *     (stats.light_uploads).
 *
 * The time of day never touches either: the fragment shader multiplies
 * skylight by the sky scalar (qk_world_time().sky), so noon and midnight
 * are two draws of the same buffers.  Faces at a column's side look their
 * light up in the neighbour's texture (bound beside the column's own), so
 * a torch across a chunk border lights both sides.
 *
 * Floats live here and only here: the kernel's integers become a
 * view-projection matrix computed in double per column (origin-relative, so
 * far-away worlds keep their precision) and handed to GL as float.  The
 * output depends on nothing but the world, the palette, the options and
 * the Mesa build (llvmpipe's version and its LLVM; see docs/architecture.md).
 *
 * The baker caches by world: baking a different world (another pointer or
 * configuration) drops every cached column first, since revisions are only
 * comparable within one world's history.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES3/gl3.h>

#include "bake_internal.h"

typedef struct column {
    int32_t cx, cz;
    GLuint vao, vbo, ibo, light;
    GLsizei nidx;
    uint64_t geometry, light_rev;
    bool built, uploaded, seen;
    uint16_t ymin, ymax; /* vertex y range of the mesh (if quads) */
} column;

struct qm_baker {
    EGLDisplay dpy;
    EGLContext ctx;
    bool current; /* the context was made current: GL calls are valid */
    GLuint fbo, color_rb, depth_rb;
    uint32_t fb_w, fb_h;
    GLuint prog, pal_tex, void_tex;
    GLint u_mvp, u_eye, u_sky, u_debug, u_has, u_fog, u_fogc, u_pal, u_light[5];
    column *cols;
    size_t ncols, capcols;
    const qk_world *world; /* the world the cache belongs to */
    qk_world_config wcfg;
    qm_mesh mesh;
    uint8_t *atlas;
    qm_bake_stats stats;
};

void qm__say(char *why, size_t cap, const char *fmt, ...)
{
    if (!why || !cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
}

static int build_program(qm_baker *b, char *why, size_t cap)
{
    b->prog = qm__program(why, cap);
    if (!b->prog)
        return -1;
    static const char *const lname[5] = {"u_light0", "u_light1", "u_light2", "u_light3",
                                         "u_light4"};
    b->u_mvp = glGetUniformLocation(b->prog, "u_mvp");
    b->u_eye = glGetUniformLocation(b->prog, "u_eye");
    b->u_sky = glGetUniformLocation(b->prog, "u_sky");
    b->u_debug = glGetUniformLocation(b->prog, "u_debug");
    b->u_has = glGetUniformLocation(b->prog, "u_has");
    b->u_fog = glGetUniformLocation(b->prog, "u_fog");
    b->u_fogc = glGetUniformLocation(b->prog, "u_fogc");
    b->u_pal = glGetUniformLocation(b->prog, "u_pal");
    glUseProgram(b->prog);
    for (int i = 0; i < 5; i++) {
        b->u_light[i] = glGetUniformLocation(b->prog, lname[i]);
        glUniform1i(b->u_light[i], i);
    }
    glUniform1i(b->u_pal, 5);
    return 0;
}


/* ------------------------------------------------------------------ */
/* Opening and closing                                                 */
/* ------------------------------------------------------------------ */

static const char *egl_err(void)
{
    switch (eglGetError()) {
    case EGL_NOT_INITIALIZED: return "EGL_NOT_INITIALIZED";
    case EGL_BAD_ACCESS: return "EGL_BAD_ACCESS";
    case EGL_BAD_ALLOC: return "EGL_BAD_ALLOC";
    case EGL_BAD_ATTRIBUTE: return "EGL_BAD_ATTRIBUTE";
    case EGL_BAD_CONFIG: return "EGL_BAD_CONFIG";
    case EGL_BAD_CONTEXT: return "EGL_BAD_CONTEXT";
    case EGL_BAD_DISPLAY: return "EGL_BAD_DISPLAY";
    case EGL_BAD_MATCH: return "EGL_BAD_MATCH";
    case EGL_BAD_PARAMETER: return "EGL_BAD_PARAMETER";
    default: return "no EGL error code";
    }
}

qm_baker *qm_baker_open(char *why, size_t cap)
{
    if (why && cap)
        why[0] = 0;
    const char *cext = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
    if (!cext || !strstr(cext, "EGL_MESA_platform_surfaceless")) {
        qm__say(why, cap, "no EGL with EGL_MESA_platform_surfaceless (%s); install Mesa's EGL "
            "(libegl-mesa0) and llvmpipe (libgl1-mesa-dri)",
            cext ? "the EGL client has no such extension" : "no EGL client extensions");
        return NULL;
    }
    PFNEGLGETPLATFORMDISPLAYEXTPROC get_display =
        (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
    if (!get_display) {
        qm__say(why, cap, "EGL has no eglGetPlatformDisplayEXT");
        return NULL;
    }
    qm_baker *b = calloc(1, sizeof *b);
    if (!b) {
        qm__say(why, cap, "out of memory");
        return NULL;
    }
    b->dpy = get_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, NULL);
    EGLint major = 0, minor = 0;
    if (b->dpy == EGL_NO_DISPLAY) {
        qm__say(why, cap, "no surfaceless EGL display (%s)", egl_err());
        goto fail;
    }
    if (!eglInitialize(b->dpy, &major, &minor)) {
        qm__say(why, cap, "eglInitialize failed (%s): no usable Mesa driver?", egl_err());
        b->dpy = EGL_NO_DISPLAY;
        goto fail;
    }
    const char *dext = eglQueryString(b->dpy, EGL_EXTENSIONS);
    if (!dext || !strstr(dext, "EGL_KHR_surfaceless_context")) {
        qm__say(why, cap, "EGL display lacks EGL_KHR_surfaceless_context");
        goto fail;
    }
    if (!eglBindAPI(EGL_OPENGL_ES_API)) {
        qm__say(why, cap, "EGL cannot bind OpenGL ES (%s)", egl_err());
        goto fail;
    }
    EGLConfig cfg = NULL;
    EGLint n = 0;
    static const EGLint want[2][7] = {
        {EGL_RENDERABLE_TYPE, EGL_OPENGL_ES3_BIT, EGL_SURFACE_TYPE, 0, EGL_NONE},
        {EGL_RENDERABLE_TYPE, EGL_OPENGL_ES3_BIT, EGL_SURFACE_TYPE, EGL_PBUFFER_BIT, EGL_NONE},
    };
    for (int k = 0; k < 2 && n < 1; k++)
        if (!eglChooseConfig(b->dpy, want[k], &cfg, 1, &n))
            n = 0;
    if (n < 1) {
        qm__say(why, cap, "no EGL config renders OpenGL ES 3 (%s)", egl_err());
        goto fail;
    }
    static const EGLint ctx_attr[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION,
                                      0, EGL_NONE};
    b->ctx = eglCreateContext(b->dpy, cfg, EGL_NO_CONTEXT, ctx_attr);
    if (b->ctx == EGL_NO_CONTEXT) {
        qm__say(why, cap, "no OpenGL ES 3.0 context (%s)", egl_err());
        goto fail;
    }
    if (!eglMakeCurrent(b->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, b->ctx)) {
        qm__say(why, cap, "cannot make the GLES context current without a surface (%s)",
            egl_err());
        goto fail;
    }
    b->current = true;
    if (build_program(b, why, cap) != 0)
        goto fail;
    glGenFramebuffers(1, &b->fbo);
    glGenTextures(1, &b->pal_tex);
    glGenTextures(1, &b->void_tex);
    /* Bound where a neighbour is missing, so every sampler has a texture. */
    static const uint8_t sky[2] = {15, 0};
    glBindTexture(GL_TEXTURE_2D, b->void_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RG8, 1, 1, 0, GL_RG, GL_UNSIGNED_BYTE, sky);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    b->atlas = malloc(QM_ATLAS_BYTES);
    if (!b->atlas) {
        qm__say(why, cap, "out of memory");
        goto fail;
    }
    GLenum gerr = glGetError();
    if (gerr != GL_NO_ERROR) {
        qm__say(why, cap, "GLES setup failed (GL error 0x%x)", gerr);
        goto fail;
    }
    return b;
fail:
    qm_baker_close(b);
    return NULL;
}

static void drop_columns(qm_baker *b)
{
    for (size_t i = 0; i < b->ncols; i++) {
        column *c = &b->cols[i];
        glDeleteVertexArrays(1, &c->vao);
        glDeleteBuffers(1, &c->vbo);
        glDeleteBuffers(1, &c->ibo);
        glDeleteTextures(1, &c->light);
    }
    b->ncols = 0;
}

void qm_baker_close(qm_baker *b)
{
    if (!b)
        return;
    if (b->current) {
        drop_columns(b);
        glDeleteProgram(b->prog);
        glDeleteTextures(1, &b->pal_tex);
        glDeleteTextures(1, &b->void_tex);
        glDeleteRenderbuffers(1, &b->color_rb);
        glDeleteRenderbuffers(1, &b->depth_rb);
        glDeleteFramebuffers(1, &b->fbo);
        eglMakeCurrent(b->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    }
    if (b->ctx != EGL_NO_CONTEXT)
        eglDestroyContext(b->dpy, b->ctx);
    if (b->dpy && b->dpy != EGL_NO_DISPLAY)
        eglTerminate(b->dpy);
    eglReleaseThread();
    qm_mesh_free(&b->mesh);
    free(b->cols);
    free(b->atlas);
    free(b);
}

void qm_baker_stats(const qm_baker *b, qm_bake_stats *out)
{
    *out = b->stats;
}

/* ------------------------------------------------------------------ */
/* Per-column GPU state                                                */
/* ------------------------------------------------------------------ */

static column *find_col(qm_baker *b, int32_t cx, int32_t cz)
{
    for (size_t i = 0; i < b->ncols; i++)
        if (b->cols[i].cx == cx && b->cols[i].cz == cz)
            return &b->cols[i];
    return NULL;
}

static column *add_col(qm_baker *b, int32_t cx, int32_t cz)
{
    if (b->ncols == b->capcols) {
        size_t nc = b->capcols ? b->capcols * 2 : 16;
        column *p = realloc(b->cols, nc * sizeof *p);
        if (!p)
            return NULL;
        b->cols = p;
        b->capcols = nc;
    }
    column *c = &b->cols[b->ncols++];
    memset(c, 0, sizeof *c);
    c->cx = cx;
    c->cz = cz;
    glGenVertexArrays(1, &c->vao);
    glGenBuffers(1, &c->vbo);
    glGenBuffers(1, &c->ibo);
    glGenTextures(1, &c->light);
    glBindVertexArray(c->vao);
    glBindBuffer(GL_ARRAY_BUFFER, c->vbo);
    glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, c->ibo);
    GLsizei st = (GLsizei)sizeof(qm_vertex);
    glEnableVertexAttribArray(0);
    glVertexAttribIPointer(0, 3, GL_UNSIGNED_SHORT, st, (void *)offsetof(qm_vertex, x));
    glEnableVertexAttribArray(1);
    glVertexAttribIPointer(1, 1, GL_UNSIGNED_BYTE, st, (void *)offsetof(qm_vertex, normal));
    glEnableVertexAttribArray(2);
    glVertexAttribIPointer(2, 1, GL_UNSIGNED_SHORT, st, (void *)offsetof(qm_vertex, block));
    glBindVertexArray(0);
    return c;
}

/* Brings column (cx, cz)'s mesh and light up to date.  0, or -1 (why). */
static int sync_col(qm_baker *b, const qk_world *w, int32_t cx, int32_t cz, char *why,
                    size_t cap)
{
    qk_chunk_revs r;
    if (qk_chunk_revisions(w, cx, cz, &r) != QK_OK) {
        qm__say(why, cap, "column (%ld, %ld) is not loaded", (long)cx, (long)cz);
        return -1;
    }
    column *c = find_col(b, cx, cz);
    if (!c && !(c = add_col(b, cx, cz))) {
        qm__say(why, cap, "out of memory");
        return -1;
    }
    c->seen = true;
    if (!c->built || c->geometry != r.geometry) {
        qk_status st = qm_mesh_chunk(w, cx, cz, &b->mesh);
        if (st != QK_OK) {
            qm__say(why, cap, "meshing a column failed (%s)", qk_status_str(st));
            return -1;
        }
        glBindVertexArray(0);
        glBindBuffer(GL_ARRAY_BUFFER, c->vbo);
        glBufferData(GL_ARRAY_BUFFER, (GLsizeiptr)(b->mesh.quads * 4 * sizeof(qm_vertex)),
                     b->mesh.v, GL_STATIC_DRAW);
        glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, c->ibo);
        glBufferData(GL_ELEMENT_ARRAY_BUFFER, (GLsizeiptr)(b->mesh.quads * 6 * sizeof(uint32_t)),
                     b->mesh.idx, GL_STATIC_DRAW);
        c->nidx = (GLsizei)(b->mesh.quads * 6);
        c->ymin = 0xffff;
        c->ymax = 0;
        for (uint32_t i = 0; i < b->mesh.quads * 4; i++) {
            if (b->mesh.v[i].y < c->ymin) c->ymin = b->mesh.v[i].y;
            if (b->mesh.v[i].y > c->ymax) c->ymax = b->mesh.v[i].y;
        }
        c->geometry = r.geometry;
        c->built = true;
        b->stats.mesh_builds++;
    }
    if (!c->uploaded || c->light_rev != r.light) {
        uint64_t rev = 0;
        qk_status st = qm_light_atlas(w, cx, cz, b->atlas, &rev);
        if (st != QK_OK) {
            qm__say(why, cap, "reading a column's light failed (%s)", qk_status_str(st));
            return -1;
        }
        glBindTexture(GL_TEXTURE_2D, c->light);
        glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RG8, QM_ATLAS_W, QM_ATLAS_H, 0, GL_RG,
                     GL_UNSIGNED_BYTE, b->atlas);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        c->light_rev = rev;
        c->uploaded = true;
        b->stats.light_uploads++;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Camera (double) and drawing                                         */
/* ------------------------------------------------------------------ */

typedef struct mat4 {
    double m[16]; /* column-major, as GL wants */
} mat4;

static mat4 mul(const mat4 *a, const mat4 *b)
{
    mat4 r;
    for (int c = 0; c < 4; c++)
        for (int rw = 0; rw < 4; rw++) {
            double s = 0;
            for (int k = 0; k < 4; k++)
                s += a->m[k * 4 + rw] * b->m[c * 4 + k];
            r.m[c * 4 + rw] = s;
        }
    return r;
}

static const double DEG = 3.14159265358979323846 / 180.0;

/* View (eye at the origin: columns are translated by origin - eye) times
 * a perspective projection. */
static mat4 view_proj(const qm_camera *cam, double aspect, double zn, double zf)
{
    double pitch = cam->pitch > 89.9 ? 89.9 : cam->pitch < -89.9 ? -89.9 : cam->pitch;
    double yaw = cam->yaw * DEG, pt = pitch * DEG;
    double f[3] = {-sin(yaw) * cos(pt), -sin(pt), cos(yaw) * cos(pt)};
    /* s = f x up (up = +y), u = s x f */
    double s[3] = {-f[2], 0, f[0]};
    double sl = sqrt(s[0] * s[0] + s[2] * s[2]);
    s[0] /= sl;
    s[2] /= sl;
    double u[3] = {s[1] * f[2] - s[2] * f[1], s[2] * f[0] - s[0] * f[2],
                   s[0] * f[1] - s[1] * f[0]};
    mat4 v = {{s[0], u[0], -f[0], 0, s[1], u[1], -f[1], 0, s[2], u[2], -f[2], 0, 0, 0, 0, 1}};
    double fov = cam->fov > 0 && cam->fov < 179 ? cam->fov : 60.0;
    double t = 1.0 / tan(fov * DEG / 2);
    mat4 p = {{t / aspect, 0, 0, 0, 0, t, 0, 0, 0, 0, (zf + zn) / (zn - zf), -1, 0, 0,
               2 * zf * zn / (zn - zf), 0}};
    return mul(&p, &v);
}

static int fit_fbo(qm_baker *b, uint32_t wd, uint32_t ht, char *why, size_t cap)
{
    glBindFramebuffer(GL_FRAMEBUFFER, b->fbo);
    if (b->fb_w == wd && b->fb_h == ht)
        return 0;
    GLint max = 0;
    glGetIntegerv(GL_MAX_RENDERBUFFER_SIZE, &max);
    if ((GLint)wd > max || (GLint)ht > max) {
        qm__say(why, cap, "image too large for this GL (at most %d pixels a side)", (int)max);
        return -1;
    }
    if (!b->color_rb) {
        glGenRenderbuffers(1, &b->color_rb);
        glGenRenderbuffers(1, &b->depth_rb);
    }
    glBindRenderbuffer(GL_RENDERBUFFER, b->color_rb);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, (GLsizei)wd, (GLsizei)ht);
    glBindRenderbuffer(GL_RENDERBUFFER, b->depth_rb);
    glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, (GLsizei)wd, (GLsizei)ht);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, b->color_rb);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, b->depth_rb);
    GLenum st = glCheckFramebufferStatus(GL_FRAMEBUFFER);
    if (st != GL_FRAMEBUFFER_COMPLETE) {
        qm__say(why, cap, "framebuffer incomplete (0x%x)", st);
        b->fb_w = b->fb_h = 0;
        return -1;
    }
    b->fb_w = wd;
    b->fb_h = ht;
    return 0;
}

static void upload_palette(qm_baker *b, const qm_palette *pal)
{
    uint32_t n = pal && pal->rgb ? pal->count : 0;
    uint32_t rows = n ? (n + 255) / 256 : 1;
    uint8_t *px = calloc((size_t)rows * 256, 4);
    if (px) {
        for (uint32_t i = 0; i < n; i++) {
            memcpy(&px[i * 4], pal->rgb[i], 3);
            px[i * 4 + 3] = 255;
        }
    }
    glActiveTexture(GL_TEXTURE5);
    glBindTexture(GL_TEXTURE_2D, b->pal_tex);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    if (px)
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, 256, (GLsizei)rows, 0, GL_RGBA,
                     GL_UNSIGNED_BYTE, px);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    free(px);
}

int qm_bake(qm_baker *b, const qk_world *w, const qm_palette *pal, const qm_bake_opts *o,
            uint8_t *rgba, char *why, size_t cap)
{
    uint32_t wd = o->width ? o->width : 256, ht = o->height ? o->height : 256;
    if (wd > 16384 || ht > 16384) {
        qm__say(why, cap, "image too large (at most 16384 pixels a side)");
        return -1;
    }
    if (!eglMakeCurrent(b->dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, b->ctx)) {
        qm__say(why, cap, "cannot make the GLES context current (%s)", egl_err());
        return -1;
    }
    const qk_world_config *wc = qk_world_config_of(w);
    if (b->world != w || memcmp(&b->wcfg, wc, sizeof *wc) != 0) {
        drop_columns(b);
        b->world = w;
        b->wcfg = *wc;
    }
    for (size_t i = 0; i < b->ncols; i++)
        b->cols[i].seen = false;
    for (int32_t cz = wc->cz_min; cz <= wc->cz_max; cz++)
        for (int32_t cx = wc->cx_min; cx <= wc->cx_max; cx++)
            if (sync_col(b, w, cx, cz, why, cap) != 0)
                return -1;
    if (fit_fbo(b, wd, ht, why, cap) != 0)
        return -1;
    upload_palette(b, pal);

    /* The camera, in world blocks (double). */
    double x0 = wc->cx_min * 16.0, x1 = (wc->cx_max + 1) * 16.0;
    double z0 = wc->cz_min * 16.0, z1 = (wc->cz_max + 1) * 16.0;
    double y0 = 256, y1 = 0;
    for (size_t i = 0; i < b->ncols; i++)
        if (b->cols[i].nidx) {
            if (b->cols[i].ymin < y0) y0 = b->cols[i].ymin;
            if (b->cols[i].ymax > y1) y1 = b->cols[i].ymax;
        }
    if (y0 > y1)
        y0 = y1 = 0;
    qm_camera cam = o->camera;
    double aspect = (double)wd / ht, zn = 0.1, zf = 1024.0, fog_start = 48, fog_density = 1.0 / 128;
    if (o->orbit) {
        double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, cz = (z0 + z1) / 2;
        double r = 0.5 * sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0) + (z1 - z0) * (z1 - z0));
        double fov = 45.0, half = fov * DEG / 2;
        double hh = atan(tan(half) * (aspect < 1 ? aspect : 1)); /* the narrower half angle */
        double d = r / sin(hh);
        cam.fov = fov;
        cam.yaw = -45.0; /* looks +x +z: the eye is above the (x0, z0) corner */
        cam.pitch = 35.0;
        double yaw = cam.yaw * DEG, pt = cam.pitch * DEG;
        cam.x = cx + sin(yaw) * cos(pt) * d;
        cam.y = cy + sin(pt) * d;
        cam.z = cz - cos(yaw) * cos(pt) * d;
        zn = d - r > 1 ? (d - r) * 0.5 : 0.5;
        zf = d + r * 1.5;
        fog_start = d;
        fog_density = 1.0 / (2 * r);
    }
    mat4 vp = view_proj(&cam, aspect, zn, zf);

    qk_time_state ts;
    qk_world_time(w, &ts);
    float sky = (float)((double)ts.sky / (double)QK_FX_ONE);
    float fogc[3] = {0.62f * sky + 0.04f, 0.74f * sky + 0.05f, 0.92f * sky + 0.08f};

    glViewport(0, 0, (GLsizei)wd, (GLsizei)ht);
    glDisable(GL_BLEND);
    glDisable(GL_DITHER);
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LESS);
    glEnable(GL_CULL_FACE);
    glCullFace(GL_BACK);
    glFrontFace(GL_CCW);
    glClearColor(fogc[0], fogc[1], fogc[2], 1.0f);
    glClearDepthf(1.0f);
    glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
    glUseProgram(b->prog);
    glUniform1f(b->u_sky, sky);
    glUniform1i(b->u_debug, o->light_debug ? 1 : 0);
    glUniform3f(b->u_fog, (float)fog_start, (float)fog_density, 0.0f);
    glUniform3fv(b->u_fogc, 1, fogc);
    static const int32_t nb[4][2] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    for (size_t i = 0; i < b->ncols; i++) {
        column *c = &b->cols[i];
        if (!c->seen || !c->nidx)
            continue;
        double ox = c->cx * 16.0, oz = c->cz * 16.0;
        mat4 t = {{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, ox - cam.x, -cam.y, oz - cam.z, 1}};
        mat4 mvp = mul(&vp, &t);
        float mf[16];
        for (int k = 0; k < 16; k++)
            mf[k] = (float)mvp.m[k];
        glUniformMatrix4fv(b->u_mvp, 1, GL_FALSE, mf);
        glUniform3f(b->u_eye, (float)(cam.x - ox), (float)cam.y, (float)(cam.z - oz));
        GLint has[4];
        glActiveTexture(GL_TEXTURE0);
        glBindTexture(GL_TEXTURE_2D, c->light);
        for (int k = 0; k < 4; k++) {
            column *nc = find_col(b, c->cx + nb[k][0], c->cz + nb[k][1]);
            has[k] = nc && nc->seen;
            glActiveTexture(GL_TEXTURE1 + (GLenum)k);
            glBindTexture(GL_TEXTURE_2D, has[k] ? nc->light : b->void_tex);
        }
        glUniform4i(b->u_has, has[0], has[1], has[2], has[3]);
        glBindVertexArray(c->vao);
        glDrawElements(GL_TRIANGLES, c->nidx, GL_UNSIGNED_INT, NULL);
    }
    glBindVertexArray(0);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, (GLsizei)wd, (GLsizei)ht, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    GLenum err = glGetError();
    if (err != GL_NO_ERROR) {
        qm__say(why, cap, "GLES error while drawing (0x%x)", err);
        return -1;
    }
    /* GL's rows run bottom to top; the caller's top to bottom. */
    size_t row = (size_t)wd * 4;
    uint8_t tmp[1024];
    for (uint32_t y = 0; y < ht / 2; y++) {
        uint8_t *a = rgba + (size_t)y * row, *z = rgba + (size_t)(ht - 1 - y) * row;
        for (size_t off = 0; off < row; off += sizeof tmp) {
            size_t k = row - off < sizeof tmp ? row - off : sizeof tmp;
            memcpy(tmp, a + off, k);
            memcpy(a + off, z + off, k);
            memcpy(z + off, tmp, k);
        }
    }
    b->stats.draws++;
    return 0;
}
