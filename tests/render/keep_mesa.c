/*
 * keep_mesa.c - ru_keep_mesa_loaded (render_util.h): pins Mesa's driver so
 * LeakSanitizer can see what it still holds at exit.
 *
 * Built twice: into render_test_util for test programs that call it before
 * their first bake, and with RU_PRELOAD as a module (librender_keep_mesa.so)
 * whose constructor calls it, LD_PRELOADed by bake_test.sh into the quarry
 * processes of sanitizer builds.
 */
#define _GNU_SOURCE /* RTLD_NODELETE */
#include <dlfcn.h>

#include "render_util.h"

const char *ru_keep_mesa_loaded(void)
{
    static const char *const known[] = {
        "/usr/lib/x86_64-linux-gnu/dri/swrast_dri.so",
        "/usr/lib/x86_64-linux-gnu/dri/kms_swrast_dri.so",
        "/usr/lib/x86_64-linux-gnu/libgallium_dri.so",
        "/usr/lib/aarch64-linux-gnu/dri/swrast_dri.so",
        "/usr/lib64/dri/swrast_dri.so",
        "/usr/lib/dri/swrast_dri.so",
        "/usr/lib/x86_64-linux-gnu/libEGL_mesa.so.0",
    };
    const char *pinned = NULL;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        /* Handles are kept on purpose: with RTLD_NODELETE the library
         * stays even after a dlclose, but we never close it anyway. */
        if (dlopen(known[i], RTLD_NOW | RTLD_NODELETE) && !pinned)
            pinned = known[i];
    }
    return pinned;
}

#ifdef RU_PRELOAD
__attribute__((constructor)) static void keep_at_load(void)
{
    ru_keep_mesa_loaded();
}
#endif
