#pragma once

#include "curb-event.h"
#include "curb-order.h"

G_BEGIN_DECLS

/**
 * curb_state_apply:
 * @from: the order's current state
 * @kind: the event kind to apply
 * @out_to: (out): the state after the event
 * @error: %CURB_ERROR_ILLEGAL_TRANSITION, or the special reasons
 *   %CURB_ERROR_ALREADY_ARRIVED, %CURB_ERROR_ALREADY_CLAIMED and
 *   %CURB_ERROR_CANCELLED
 *
 * The pickup state machine of docs/data-model.md as a pure function. On
 * failure @out_to is left untouched.
 */
gboolean curb_state_apply (CurbOrderState   from,
                           CurbEventKind    kind,
                           CurbOrderState  *out_to,
                           GError         **error);

/* The same check without an error. */
gboolean curb_state_is_legal (CurbOrderState from,
                              CurbEventKind  kind);

G_END_DECLS
