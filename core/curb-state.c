#include "curb-error.h"
#include "curb-state.h"

#define S(x) (1u << CURB_ORDER_STATE_##x)

typedef struct
{
  guint          from_mask;
  guint          keep_mask;   /* from these states the event keeps the state */
  CurbOrderState to;
} Transition;

/* docs/data-model.md, "Pickup state machine". */
static const Transition transitions[CURB_EVENT_KIND_COUNT] = {
  [CURB_EVENT_STAGED] = { S (PENDING) | S (READY) | S (ARRIVED) | S (CLAIMED), S (ARRIVED) | S (CLAIMED), CURB_ORDER_STATE_READY },
  [CURB_EVENT_ARRIVED] = { S (PENDING) | S (READY), 0, CURB_ORDER_STATE_ARRIVED },
  [CURB_EVENT_CLAIMED] = { S (PENDING) | S (READY) | S (ARRIVED), S (PENDING) | S (READY), CURB_ORDER_STATE_CLAIMED },
  [CURB_EVENT_RELEASED] = { S (CLAIMED), 0, CURB_ORDER_STATE_ARRIVED },
  [CURB_EVENT_HANDED_OVER] = { S (CLAIMED), 0, CURB_ORDER_STATE_HANDED_OVER },
  [CURB_EVENT_PARTIALLY_HANDED_OVER] = { S (CLAIMED), 0, CURB_ORDER_STATE_PARTIALLY_HANDED_OVER },
  [CURB_EVENT_NO_SHOW] = { S (PENDING) | S (READY), 0, CURB_ORDER_STATE_NO_SHOW },
  [CURB_EVENT_RETURNED_TO_STOCK] = { S (NO_SHOW) | S (CANCELLED), S (NO_SHOW) | S (CANCELLED), 0 },
  [CURB_EVENT_CANCELLED] = { S (PENDING) | S (READY) | S (ARRIVED) | S (CLAIMED), 0, CURB_ORDER_STATE_CANCELLED },
  [CURB_EVENT_SUBSTITUTION_DECIDED] = { S (PENDING) | S (READY) | S (ARRIVED) | S (CLAIMED), ~0u, 0 },
  [CURB_EVENT_BAY_CHOSEN] = { S (ARRIVED) | S (CLAIMED), ~0u, 0 },
  /* back to waiting; a staged order is ready again (curb_state_after_withdrawal()) */
  [CURB_EVENT_WITHDRAWN] = { S (ARRIVED), 0, CURB_ORDER_STATE_PENDING },
};

/* An order staff took on before its shopper arrived (pending or ready, with
 * a claimer): these kinds differ; the rest are as above. */
static const Transition taken_on_transitions[CURB_EVENT_KIND_COUNT] = {
  [CURB_EVENT_ARRIVED] = { S (PENDING) | S (READY), 0, CURB_ORDER_STATE_CLAIMED },
  [CURB_EVENT_CLAIMED] = { 0, 0, 0 },
  [CURB_EVENT_RELEASED] = { S (PENDING) | S (READY), S (PENDING) | S (READY), 0 },
};

#define WAITING_MASK (S (PENDING) | S (READY))

static const Transition *
find_transition (CurbOrderState from,
                 gboolean       taken_on,
                 CurbEventKind  kind)
{
  if (taken_on && (WAITING_MASK & (1u << from)) != 0
      && (kind == CURB_EVENT_ARRIVED || kind == CURB_EVENT_CLAIMED || kind == CURB_EVENT_RELEASED))
    return &taken_on_transitions[kind];
  return &transitions[kind];
}

#undef WAITING_MASK
#undef S

static CurbOrderState
target_state (const Transition *t,
              CurbOrderState    from)
{
  return (t->keep_mask & (1u << from)) != 0 ? from : t->to;
}

static void
set_refusal (CurbOrderState   from,
             gboolean         taken_on,
             CurbEventKind    kind,
             GError         **error)
{
  const char *state = curb_order_state_to_string (from);
  const char *event = curb_event_kind_to_string (kind);

  if (kind == CURB_EVENT_ARRIVED
      && (from == CURB_ORDER_STATE_ARRIVED || from == CURB_ORDER_STATE_CLAIMED))
    g_set_error (error, CURB_ERROR, CURB_ERROR_ALREADY_ARRIVED,
                 "The shopper has already checked in (order is %s)", state);
  else if ((kind == CURB_EVENT_CLAIMED && (from == CURB_ORDER_STATE_CLAIMED || taken_on))
           || (kind == CURB_EVENT_WITHDRAWN && from == CURB_ORDER_STATE_CLAIMED))
    g_set_error_literal (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED,
                         "The order is already claimed");
  else if (from == CURB_ORDER_STATE_CANCELLED)
    g_set_error (error, CURB_ERROR, CURB_ERROR_CANCELLED,
                 "The order was cancelled; %s is not possible", event);
  else
    g_set_error (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION,
                 "Cannot apply %s to an order that is %s", event, state);
}

static gboolean
is_legal (CurbOrderState from,
          gboolean       taken_on,
          CurbEventKind  kind)
{
  if ((guint) from >= CURB_ORDER_STATE_COUNT || (guint) kind >= CURB_EVENT_KIND_COUNT)
    return FALSE;
  return (find_transition (from, taken_on, kind)->from_mask & (1u << from)) != 0;
}

gboolean
curb_state_is_legal (CurbOrderState from,
                     CurbEventKind  kind)
{
  return is_legal (from, FALSE, kind);
}

gboolean
curb_state_apply_taken_on (CurbOrderState   from,
                           gboolean         taken_on,
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
  taken_on = taken_on && (from == CURB_ORDER_STATE_PENDING || from == CURB_ORDER_STATE_READY);
  if (!is_legal (from, taken_on, kind))
    {
      set_refusal (from, taken_on, kind, error);
      return FALSE;
    }
  *out_to = target_state (find_transition (from, taken_on, kind), from);
  return TRUE;
}

gboolean
curb_state_apply (CurbOrderState   from,
                  CurbEventKind    kind,
                  CurbOrderState  *out_to,
                  GError         **error)
{
  return curb_state_apply_taken_on (from, FALSE, kind, out_to, error);
}

CurbOrderState
curb_state_after_withdrawal (gboolean staged)
{
  return staged ? CURB_ORDER_STATE_READY : CURB_ORDER_STATE_PENDING;
}
