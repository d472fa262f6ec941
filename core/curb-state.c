#include "curb-error.h"
#include "curb-state.h"

#define S(x) (1u << CURB_ORDER_STATE_##x)

typedef struct
{
  guint          from_mask;
  gboolean       keeps_state;
  CurbOrderState to;
} Transition;

/* docs/data-model.md, "Pickup state machine". */
static const Transition transitions[CURB_EVENT_KIND_COUNT] = {
  [CURB_EVENT_STAGED] = { S (PENDING) | S (READY) | S (ARRIVED) | S (CLAIMED), FALSE, CURB_ORDER_STATE_READY },
  [CURB_EVENT_ARRIVED] = { S (PENDING) | S (READY), FALSE, CURB_ORDER_STATE_ARRIVED },
  [CURB_EVENT_CLAIMED] = { S (ARRIVED), FALSE, CURB_ORDER_STATE_CLAIMED },
  [CURB_EVENT_RELEASED] = { S (CLAIMED), FALSE, CURB_ORDER_STATE_ARRIVED },
  [CURB_EVENT_HANDED_OVER] = { S (CLAIMED), FALSE, CURB_ORDER_STATE_HANDED_OVER },
  [CURB_EVENT_PARTIALLY_HANDED_OVER] = { S (CLAIMED), FALSE, CURB_ORDER_STATE_PARTIALLY_HANDED_OVER },
  [CURB_EVENT_NO_SHOW] = { S (PENDING) | S (READY), FALSE, CURB_ORDER_STATE_NO_SHOW },
  [CURB_EVENT_RETURNED_TO_STOCK] = { S (NO_SHOW) | S (CANCELLED), TRUE, 0 },
  [CURB_EVENT_CANCELLED] = { S (PENDING) | S (READY) | S (ARRIVED) | S (CLAIMED), FALSE, CURB_ORDER_STATE_CANCELLED },
  [CURB_EVENT_SUBSTITUTION_DECIDED] = { S (PENDING) | S (READY) | S (ARRIVED) | S (CLAIMED), TRUE, 0 },
};

#undef S

static CurbOrderState
target_state (CurbOrderState from,
              CurbEventKind  kind)
{
  const Transition *t = &transitions[kind];

  /* staged on an arrived or claimed order only sets the staged flag */
  if (t->keeps_state
      || (kind == CURB_EVENT_STAGED && from != CURB_ORDER_STATE_PENDING && from != CURB_ORDER_STATE_READY))
    return from;
  return t->to;
}

static void
set_refusal (CurbOrderState   from,
             CurbEventKind    kind,
             GError         **error)
{
  const char *state = curb_order_state_to_string (from);
  const char *event = curb_event_kind_to_string (kind);

  if (kind == CURB_EVENT_ARRIVED
      && (from == CURB_ORDER_STATE_ARRIVED || from == CURB_ORDER_STATE_CLAIMED))
    g_set_error (error, CURB_ERROR, CURB_ERROR_ALREADY_ARRIVED,
                 "The shopper has already checked in (order is %s)", state);
  else if (kind == CURB_EVENT_CLAIMED && from == CURB_ORDER_STATE_CLAIMED)
    g_set_error_literal (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED,
                         "The order is already claimed");
  else if (from == CURB_ORDER_STATE_CANCELLED)
    g_set_error (error, CURB_ERROR, CURB_ERROR_CANCELLED,
                 "The order was cancelled; %s is not possible", event);
  else
    g_set_error (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION,
                 "Cannot apply %s to an order that is %s", event, state);
}

gboolean
curb_state_is_legal (CurbOrderState from,
                     CurbEventKind  kind)
{
  if ((guint) from >= CURB_ORDER_STATE_COUNT || (guint) kind >= CURB_EVENT_KIND_COUNT)
    return FALSE;
  return (transitions[kind].from_mask & (1u << from)) != 0;
}

gboolean
curb_state_apply (CurbOrderState   from,
                  CurbEventKind    kind,
                  CurbOrderState  *out_to,
                  GError         **error)
{
  g_return_val_if_fail (out_to != NULL, FALSE);

  if ((guint) from >= CURB_ORDER_STATE_COUNT || (guint) kind >= CURB_EVENT_KIND_COUNT)
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID, "Unknown state or event kind");
      return FALSE;
    }
  if (!curb_state_is_legal (from, kind))
    {
      set_refusal (from, kind, error);
      return FALSE;
    }
  *out_to = target_state (from, kind);
  return TRUE;
}
