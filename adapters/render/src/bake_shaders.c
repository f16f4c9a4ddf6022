/*
 * bake_shaders.c - the baker's GLSL ES 3.00 program (bake.c draws with it).
 *
 * Vertex stage: chunk-local integer corners (qm_vertex) times a per-column
 * model-view-projection matrix computed in double on the CPU; the block's
 * colour from a 256-wide palette texture.  Fragment stage: the light of
 * the voxel in front of the face from the column's RG8 light texture (or a
 * neighbour's), max(sky * sky scalar, block) / 15 over an ambient floor,
 * fixed shading per face direction, exponential fog; or, in light-debug
 * mode, the level as a heat map.  highp throughout, so llvmpipe computes
 * in 32-bit float; the pictures depend on Mesa's version (docs).
 */
#include <GLES3/gl3.h>

#include "bake_internal.h"

static const char vs_src[] =
    "#version 300 es\n"
    "precision highp float;\n"
    "layout(location = 0) in uvec3 a_pos;\n"
    "layout(location = 1) in uint a_normal;\n"
    "layout(location = 2) in uint a_block;\n"
    "uniform mat4 u_mvp;\n"
        "uniform sampler2D u_pal;\n"
    "out vec3 v_pos;\n"
    "flat out int v_normal;\n"
    "flat out vec3 v_color;\n"
    "void main() {\n"
    "    vec3 p = vec3(a_pos);\n"
    "    v_pos = p;\n"
    "    v_normal = int(a_normal);\n"
    "    int b = int(a_block);\n"
    "    v_color = texelFetch(u_pal, ivec2(b & 255, b >> 8), 0).rgb;\n"
    "    gl_Position = u_mvp * vec4(p, 1.0);\n"
    "}\n";

/* Light of the voxel in front of the face: floor(p + n / 2).  Its x or z
 * may be -1 or 16 (the neighbour column's texture: 1 -x, 2 +x, 3 -z, 4 +z;
 * outside the loaded world: open sky), its y -1 (dark) or 256 (open sky). */
static const char fs_src[] =
    "#version 300 es\n"
    "precision highp float;\n"
    "precision highp int;\n"
    "in vec3 v_pos;\n"
    "flat in int v_normal;\n"
    "flat in vec3 v_color;\n"
    "uniform sampler2D u_light0, u_light1, u_light2, u_light3, u_light4;\n"
    "uniform ivec4 u_has;\n"
    "uniform vec3 u_eye;\n"
    "uniform float u_sky;\n"
    "uniform int u_debug;\n"
    "uniform vec3 u_fog;\n" /* start, density, unused */
    "uniform vec3 u_fogc;\n"
    "out vec4 o_color;\n"
    "const vec3 N[6] = vec3[6](vec3(-1,0,0), vec3(1,0,0), vec3(0,-1,0), vec3(0,1,0),\n"
    "                          vec3(0,0,-1), vec3(0,0,1));\n"
    "const float SHADE[6] = float[6](0.80, 0.80, 0.55, 1.00, 0.68, 0.68);\n"
    "vec2 fetch(sampler2D t, ivec3 v) {\n"
    "    return floor(texelFetch(t, ivec2(v.x, v.y * 16 + v.z), 0).rg * 255.0 + 0.5);\n"
    "}\n"
    "vec2 light_at(ivec3 v) {\n"
    "    if (v.y < 0) return vec2(0.0);\n"
    "    if (v.y > 255) return vec2(15.0, 0.0);\n"
    "    if (v.x < 0) return u_has.x != 0 ? fetch(u_light1, ivec3(v.x + 16, v.yz)) : vec2(15.0, 0.0);\n"
    "    if (v.x > 15) return u_has.y != 0 ? fetch(u_light2, ivec3(v.x - 16, v.yz)) : vec2(15.0, 0.0);\n"
    "    if (v.z < 0) return u_has.z != 0 ? fetch(u_light3, ivec3(v.xy, v.z + 16)) : vec2(15.0, 0.0);\n"
    "    if (v.z > 15) return u_has.w != 0 ? fetch(u_light4, ivec3(v.xy, v.z - 16)) : vec2(15.0, 0.0);\n"
    "    return fetch(u_light0, v);\n"
    "}\n"
    "vec3 heat(float t) {\n"
    "    return clamp(vec3(1.5 - abs(4.0 * t - 3.0), 1.5 - abs(4.0 * t - 2.0),\n"
    "                      1.5 - abs(4.0 * t - 1.0)), 0.0, 1.0);\n"
    "}\n"
    "void main() {\n"
    "    vec3 n = N[v_normal];\n"
    "    ivec3 v = ivec3(floor(v_pos + 0.5 * n));\n"
    "    vec2 l = light_at(v);\n"
    "    float level = max(l.x * u_sky, l.y);\n"
    "    vec3 c;\n"
    "    if (u_debug != 0) {\n"
    "        c = heat(level / 15.0) * (0.75 + 0.25 * SHADE[v_normal]);\n"
    "    } else {\n"
    "        float lit = 0.06 + 0.94 * (level / 15.0);\n"
    "        c = v_color * SHADE[v_normal] * lit;\n"
    "        float d = max(length(v_pos - u_eye) - u_fog.x, 0.0);\n"
    "        float f = exp(-d * u_fog.y);\n"
    "        c = mix(u_fogc, c, f);\n"
    "    }\n"
    "    o_color = vec4(c, 1.0);\n"
    "}\n";

static GLuint compile(GLenum kind, const char *src, char *why, size_t cap)
{
    GLuint s = glCreateShader(kind);
    glShaderSource(s, 1, &src, NULL);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[512] = "";
        glGetShaderInfoLog(s, sizeof log, NULL, log);
        qm__say(why, cap, "GLES shader does not compile: %s", log);
        glDeleteShader(s);
        return 0;
    }
    return s;
}

GLuint qm__program(char *why, size_t cap)
{
    GLuint vs = compile(GL_VERTEX_SHADER, vs_src, why, cap);
    if (!vs)
        return 0;
    GLuint fs = compile(GL_FRAGMENT_SHADER, fs_src, why, cap);
    if (!fs) {
        glDeleteShader(vs);
        return 0;
    }
    GLuint prog = glCreateProgram();
    glAttachShader(prog, vs);
    glAttachShader(prog, fs);
    glLinkProgram(prog);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(prog, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[512] = "";
        glGetProgramInfoLog(prog, sizeof log, NULL, log);
        qm__say(why, cap, "GLES program does not link: %s", log);
        glDeleteProgram(prog);
        return 0;
    }
    return prog;
}
