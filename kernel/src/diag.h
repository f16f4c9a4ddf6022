/*
 * diag.h - how kernel functions report an error: return the status and, if
 * the caller passed a qk_diag, record a static message and an offset.
 */
#ifndef QK_INTERNAL_DIAG_H
#define QK_INTERNAL_DIAG_H

#include "quarry/qk.h"

static inline qk_status qk__fail(qk_diag *d, qk_status code, const char *what, uint64_t offset)
{
    if (d) {
        d->code = code;
        d->what = what;
        d->offset = offset;
    }
    return code;
}

#endif /* QK_INTERNAL_DIAG_H */
