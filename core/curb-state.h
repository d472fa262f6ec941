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

/**
 * curb_state_apply_taken_on:
 * @taken_on: staff took the order on before its shopper arrived (a pending
 *   or ready order with a claimer; ignored in other states)
 *
 * curb_state_apply() for an order that may have been taken on ahead: then
 * its arrival makes it claimed at once, another claim is
 * %CURB_ERROR_ALREADY_CLAIMED, and a release hands it back (the state stays).
 * Without @taken_on a claim of a pending or ready order takes it on (the
 * state stays; curb_rules_check_transition() allows that only while its
 * shopper is on the way).
 */
gboolean curb_state_apply_taken_on (CurbOrderState   from,
                                    gboolean         taken_on,
                                    CurbEventKind    kind,
                                    CurbOrderState  *out_to,
                                    GError         **error);

/* curb_state_apply() without an error (an order not taken on). */
gboolean curb_state_is_legal (CurbOrderState from,
                              CurbEventKind  kind);

/* Where a withdrawn arrival leaves the order: where it was before it
 * (ready when staged, else pending). */
CurbOrderState curb_state_after_withdrawal (gboolean staged);

G_END_DECLS
