/*
 * bake_internal.h - what bake.c and bake_shaders.c share (not installed).
 */
#ifndef QM_BAKE_INTERNAL_H
#define QM_BAKE_INTERNAL_H

#include <stddef.h>

#include <GLES3/gl3.h>

#include "quarry/qm.h"

/* snprintf into why[0..cap) when why is not NULL. */
void qm__say(char *why, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Compiles and links the baker's program (current context).  Its id, or 0
 * with the compiler's log in why. */
GLuint qm__program(char *why, size_t cap);

#endif
