#pragma once

#include "curb-event.h"
#include "curb-order-model.h"

G_BEGIN_DECLS

/**
 * CurbActor:
 * @CURB_ACTOR_KIOSK: a kiosk, for the shopper standing at it
 * @CURB_ACTOR_STAFF: a staff member signed in at a staging station
 * @CURB_ACTOR_CENTRAL: the central order system (its own facts only)
 *
 * Who asks for a change to an order.
 */
typedef enum
{
  CURB_ACTOR_KIOSK,
  CURB_ACTOR_STAFF,
  CURB_ACTOR_CENTRAL,
} CurbActor;

#define CURB_ACTOR_COUNT (CURB_ACTOR_CENTRAL + 1)

/**
 * CurbBagVerdict:
 * @CURB_BAG_OF_ORDER: a label of one of this order's bags
 * @CURB_BAG_OF_OTHER_ORDER: a bag label of another order: stop the handoff
 * @CURB_BAG_NOT_A_BAG: not a bag label, or a bag this order does not have
 */
typedef enum
{
  CURB_BAG_OF_ORDER,
  CURB_BAG_OF_OTHER_ORDER,
  CURB_BAG_NOT_A_BAG,
} CurbBagVerdict;

/*
 * The pickup rules of docs/data-model.md as pure functions of an order (no
 * clock, no database, no I/O): the hub's store calls them before it appends
 * an event, and screens can ask the same questions before they offer an
 * action. Refusals are CURB_ERROR_ILLEGAL_TRANSITION (or the state machine's
 * special reasons), CURB_ERROR_INVALID for details that do not fit the
 * order, and CURB_ERROR_FORBIDDEN for an actor who may not do this.
 */

/* Who may record which kind of event (kiosk: arrival, its bay or its
 * withdrawal, and substitution decisions; staff: every other store fact;
 * central: cancellation only). */
gboolean       curb_rules_may_record   (CurbActor       actor,
                                        CurbEventKind   kind);
gboolean       curb_rules_check_actor  (CurbActor       actor,
                                        CurbEventKind   kind,
                                        GError        **error);

/* The state machine on the order's state; "already claimed" names the
 * claimer. A pending or ready order can be claimed (taken on) only while its
 * shopper is on the way. */
gboolean       curb_rules_check_transition (CurbOrder      *order,
                                            CurbEventKind   kind,
                                            GError        **error);

/* Staff took the order on before its shopper arrived: pending or ready,
 * with a claimer. Its arrival makes it claimed at once (no unclaimed alert). */
gboolean       curb_rules_is_taken_on      (CurbOrder      *order);

/* An ID check is needed when an age-restricted line leaves with the shopper
 * (when no line is flagged: when the order is age-restricted at all).
 * @not_taken: (element-type CurbNotTaken) (nullable): what stays behind */
gboolean       curb_rules_needs_id_check   (CurbOrder  *order,
                                            GPtrArray  *not_taken);
/**
 * curb_rules_check_handoff:
 * @not_taken: (element-type CurbNotTaken) (nullable): for a partial handoff,
 *   what the shopper did not take; %NULL or empty for a full one
 * @id_checked: whether staff checked the shopper's ID
 *
 * The order must be claimed; every not-taken entry names one of its lines
 * and no more than was ordered; an ID check when curb_rules_needs_id_check().
 */
gboolean       curb_rules_check_handoff    (CurbOrder  *order,
                                            GPtrArray  *not_taken,
                                            gboolean    id_checked,
                                            GError    **error);
/* The order must have this substitution and still need the store. */
gboolean       curb_rules_check_substitution_decision (CurbOrder   *order,
                                                       const char  *substitution_id,
                                                       GError     **error);
/* A scanned code against the order's bags ("CB1:<ref>:<n>/<N>"); @out_number
 * gets the bag's number for %CURB_BAG_OF_ORDER. */
CurbBagVerdict curb_rules_check_bag_label  (CurbOrder  *order,
                                            const char *code,
                                            guint      *out_number);

/**
 * curb_rules_check_event:
 * @order: the order as it stands
 * @event: the change asked for (validated: its data has the documented shape)
 *
 * Every rule for @event at once: the state machine, the handoff checks,
 * the substitution, and that only central records its own facts. This is
 * what the hub's store asks before it appends an event.
 */
gboolean       curb_rules_check_event      (CurbOrder  *order,
                                            CurbEvent  *event,
                                            GError    **error);

G_END_DECLS
