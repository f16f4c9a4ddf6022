/* inventory.c - STUB while the inventory rules are written. */
#include "step.h"

qk_status qk__inv_op(qk__step *c, const qk_input *in, qk__player *p)
{
    (void)p;
    qk__reject(c, in, QK_REASON_BAD_ARGUMENT);
    return QK_OK;
}
