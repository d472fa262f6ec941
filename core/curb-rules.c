#include "curb-error.h"
#include "curb-label.h"
#include "curb-rules.h"
#include "curb-state.h"

#define KIND(x) (1u << CURB_EVENT_##x)

/* Who may record what (docs/hub-api.md, "POST /v1/events"). */
static const guint allowed_kinds[CURB_ACTOR_COUNT] = {
  [CURB_ACTOR_KIOSK] = KIND (ARRIVED) | KIND (SUBSTITUTION_DECIDED) | KIND (BAY_CHOSEN) | KIND (WITHDRAWN),
  [CURB_ACTOR_STAFF] = KIND (STAGED) | KIND (ARRIVED) | KIND (CLAIMED) | KIND (RELEASED)
                       | KIND (HANDED_OVER) | KIND (PARTIALLY_HANDED_OVER) | KIND (NO_SHOW)
                       | KIND (RETURNED_TO_STOCK) | KIND (SUBSTITUTION_DECIDED),
  [CURB_ACTOR_CENTRAL] = KIND (CANCELLED),
};

#undef KIND

gboolean
curb_rules_may_record (CurbActor     actor,
                       CurbEventKind kind)
{
  if ((guint) actor >= CURB_ACTOR_COUNT || (guint) kind >= CURB_EVENT_KIND_COUNT)
    return FALSE;
  return (allowed_kinds[actor] & (1u << kind)) != 0;
}

gboolean
curb_rules_check_actor (CurbActor       actor,
                        CurbEventKind   kind,
                        GError        **error)
{
  if (curb_rules_may_record (actor, kind))
    return TRUE;
  if (kind == CURB_EVENT_CANCELLED)
    g_set_error_literal (error, CURB_ERROR, CURB_ERROR_FORBIDDEN, "Only central cancels orders");
  else
    g_set_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN, "A %s may not record %s",
                 actor == CURB_ACTOR_KIOSK ? "kiosk" : "central order system",
                 curb_event_kind_to_string (kind));
  return FALSE;
}

static gboolean
is_waiting (CurbOrder *order)
{
  CurbOrderState state = curb_order_get_state (order);

  return state == CURB_ORDER_STATE_PENDING || state == CURB_ORDER_STATE_READY;
}

gboolean
curb_rules_is_taken_on (CurbOrder *order)
{
  g_return_val_if_fail (CURB_IS_ORDER (order), FALSE);

  return is_waiting (order) && curb_order_get_claimer (order) != NULL;
}

/* Taking an order on before its shopper arrives silences the arrival alert
 * for everyone but the claimer: only for a shopper who said they are coming. */
static gboolean
check_take_on (CurbOrder  *order,
               GError    **error)
{
  if (curb_order_get_announced_at (order) > 0)
    return TRUE;
  g_set_error_literal (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION,
                       "Only an order whose shopper is on the way can be claimed before they arrive");
  return FALSE;
}

gboolean
curb_rules_check_transition (CurbOrder      *order,
                             CurbEventKind   kind,
                             GError        **error)
{
  GError *local_error = NULL;
  CurbPerson *claimer;
  CurbOrderState to;

  g_return_val_if_fail (CURB_IS_ORDER (order), FALSE);

  if (curb_state_apply_taken_on (curb_order_get_state (order), curb_rules_is_taken_on (order), kind, &to,
                                 &local_error))
    return kind != CURB_EVENT_CLAIMED || !is_waiting (order) || check_take_on (order, error);
  claimer = curb_order_get_claimer (order);
  if (g_error_matches (local_error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED)
      && claimer != NULL && curb_person_get_first_name (claimer) != NULL)
    {
      g_clear_error (&local_error);
      g_set_error (&local_error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED,
                   "The order is already claimed by %s", curb_person_get_first_name (claimer));
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

static guint
qty_left_behind (GPtrArray  *not_taken,
                 const char *line_id)
{
  guint qty = 0;

  for (guint i = 0; not_taken != NULL && i < not_taken->len; i++)
    {
      CurbNotTaken *entry = g_ptr_array_index (not_taken, i);

      if (g_strcmp0 (curb_not_taken_get_line_id (entry), line_id) == 0)
        qty += curb_not_taken_get_qty (entry);
    }
  return qty;
}

gboolean
curb_rules_needs_id_check (CurbOrder *order,
                           GPtrArray *not_taken)
{
  GListModel *lines;
  gboolean any_flagged = FALSE;

  g_return_val_if_fail (CURB_IS_ORDER (order), TRUE);

  lines = curb_order_get_lines (order);
  for (guint i = 0; i < g_list_model_get_n_items (lines); i++)
    {
      g_autoptr(CurbOrderLine) line = g_list_model_get_item (lines, i);

      if (!curb_order_line_get_age_restricted (line))
        continue;
      any_flagged = TRUE;
      if (curb_order_line_get_qty (line) > qty_left_behind (not_taken, curb_order_line_get_id (line)))
        return TRUE;
    }
  return !any_flagged && curb_order_get_age_restricted (order);
}

static gboolean
check_not_taken (CurbOrder  *order,
                 GPtrArray  *not_taken,
                 GError    **error)
{
  for (guint i = 0; not_taken != NULL && i < not_taken->len; i++)
    {
      const char *line_id = curb_not_taken_get_line_id (g_ptr_array_index (not_taken, i));
      CurbOrderLine *line = curb_order_find_line (order, line_id);

      if (line == NULL)
        {
          g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "The order has no line %s", line_id);
          return FALSE;
        }
      if (qty_left_behind (not_taken, line_id) > curb_order_line_get_qty (line))
        {
          g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "More of line %s not taken than ordered", line_id);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
curb_rules_check_handoff (CurbOrder  *order,
                          GPtrArray  *not_taken,
                          gboolean    id_checked,
                          GError    **error)
{
  gboolean partial = not_taken != NULL && not_taken->len > 0;

  g_return_val_if_fail (CURB_IS_ORDER (order), FALSE);

  if (!curb_rules_check_transition (order, partial ? CURB_EVENT_PARTIALLY_HANDED_OVER : CURB_EVENT_HANDED_OVER,
                                    error)
      || !check_not_taken (order, not_taken, error))
    return FALSE;
  if (!id_checked && curb_rules_needs_id_check (order, not_taken))
    {
      g_set_error_literal (error, CURB_ERROR, CURB_ERROR_INVALID,
                           "This order has age-restricted items: check the shopper's ID before handing it over");
      return FALSE;
    }
  return TRUE;
}

gboolean
curb_rules_check_substitution_decision (CurbOrder   *order,
                                        const char  *substitution_id,
                                        GError     **error)
{
  g_return_val_if_fail (CURB_IS_ORDER (order), FALSE);

  if (!curb_rules_check_transition (order, CURB_EVENT_SUBSTITUTION_DECIDED, error))
    return FALSE;
  if (curb_order_find_substitution (order, substitution_id) == NULL)
    {
      g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "The order has no substitution %s",
                   substitution_id != NULL ? substitution_id : "(none)");
      return FALSE;
    }
  return TRUE;
}

static CurbSubstitution *
find_decision (GPtrArray  *decisions,
               const char *substitution_id)
{
  for (guint i = 0; decisions != NULL && i < decisions->len; i++)
    if (g_strcmp0 (curb_substitution_get_id (g_ptr_array_index (decisions, i)), substitution_id) == 0)
      return g_ptr_array_index (decisions, i);
  return NULL;
}

CurbSubstitution *
curb_rules_undecided_substitution (CurbOrder *order,
                                   GPtrArray *decisions)
{
  GListModel *substitutions;

  g_return_val_if_fail (CURB_IS_ORDER (order), NULL);

  substitutions = curb_order_get_substitutions (order);
  for (guint i = 0; i < g_list_model_get_n_items (substitutions); i++)
    {
      g_autoptr(CurbSubstitution) substitution = g_list_model_get_item (substitutions, i);

      if (curb_substitution_get_status (substitution) == CURB_SUBSTITUTION_PENDING
          && find_decision (decisions, curb_substitution_get_id (substitution)) == NULL)
        return substitution;   /* the order holds a reference */
    }
  return NULL;
}

gboolean
curb_rules_check_handoff_substitutions (CurbOrder  *order,
                                        GPtrArray  *decisions,
                                        GError    **error)
{
  CurbSubstitution *undecided;

  g_return_val_if_fail (CURB_IS_ORDER (order), FALSE);

  for (guint i = 0; decisions != NULL && i < decisions->len; i++)
    {
      CurbSubstitution *decision = g_ptr_array_index (decisions, i);

      if (curb_order_find_substitution (order, curb_substitution_get_id (decision)) == NULL)
        {
          g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "The order has no substitution %s",
                       curb_substitution_get_id (decision));
          return FALSE;
        }
      if (curb_substitution_get_status (decision) == CURB_SUBSTITUTION_PENDING)
        {
          g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID, "Substitution %s needs the shopper's answer, not none",
                       curb_substitution_get_id (decision));
          return FALSE;
        }
    }
  undecided = curb_rules_undecided_substitution (order, decisions);
  if (undecided == NULL)
    return TRUE;
  g_set_error (error, CURB_ERROR, CURB_ERROR_INVALID,
               "Ask the shopper whether they take %s instead of %s before the handoff",
               curb_substitution_get_replacement (undecided), curb_substitution_get_original (undecided));
  return FALSE;
}

CurbBagVerdict
curb_rules_check_bag_label (CurbOrder  *order,
                            const char *code,
                            guint      *out_number)
{
  g_autofree char *ref = NULL;
  guint number, total;

  g_return_val_if_fail (CURB_IS_ORDER (order), CURB_BAG_NOT_A_BAG);

  if (!curb_label_parse_bag_code (code, &ref, &number, &total))
    return CURB_BAG_NOT_A_BAG;
  if (g_strcmp0 (ref, curb_order_get_ref (order)) != 0)
    return CURB_BAG_OF_OTHER_ORDER;
  if (number == 0 || total != curb_order_get_bag_count (order))
    return CURB_BAG_NOT_A_BAG;
  if (out_number != NULL)
    *out_number = number;
  return CURB_BAG_OF_ORDER;
}

static gboolean
check_details (CurbOrder  *order,
               CurbEvent  *event,
               GError    **error)
{
  JsonObject *data = curb_event_get_data (event);
  g_autoptr(GPtrArray) not_taken = NULL;
  g_autoptr(GPtrArray) decisions = NULL;

  switch (curb_event_get_kind (event))
    {
    case CURB_EVENT_SUBSTITUTION_DECIDED:
      return curb_rules_check_substitution_decision (order, json_object_get_string_member (data, "substitution_id"),
                                                     error);
    case CURB_EVENT_HANDED_OVER:
    case CURB_EVENT_PARTIALLY_HANDED_OVER:
      not_taken = curb_event_dup_not_taken (event);
      decisions = curb_event_dup_decisions (event);
      return curb_rules_check_handoff (order, not_taken,
                                       json_object_get_boolean_member_with_default (data, "id_checked", FALSE),
                                       error)
             && curb_rules_check_handoff_substitutions (order, decisions, error);
    case CURB_EVENT_STAGED:
    case CURB_EVENT_ARRIVED:
    case CURB_EVENT_CLAIMED:
    case CURB_EVENT_RELEASED:
    case CURB_EVENT_NO_SHOW:
    case CURB_EVENT_RETURNED_TO_STOCK:
    case CURB_EVENT_CANCELLED:
    case CURB_EVENT_BAY_CHOSEN:
    case CURB_EVENT_WITHDRAWN:
    default:
      return TRUE;
    }
}

gboolean
curb_rules_check_event (CurbOrder  *order,
                        CurbEvent  *event,
                        GError    **error)
{
  /* The hub authorised the device already (which kiosk, which staff member);
   * here a store device may record what staff or a kiosk may, so what is
   * left to guard is central's own fact. */
  CurbEventKind kind;
  CurbActor actor;

  g_return_val_if_fail (CURB_IS_ORDER (order), FALSE);
  g_return_val_if_fail (CURB_IS_EVENT (event), FALSE);

  kind = curb_event_get_kind (event);
  actor = g_strcmp0 (curb_event_get_device (event), CURB_EVENT_DEVICE_CENTRAL) == 0
          ? CURB_ACTOR_CENTRAL : CURB_ACTOR_STAFF;
  if (actor == CURB_ACTOR_STAFF && curb_rules_may_record (CURB_ACTOR_KIOSK, kind))
    actor = CURB_ACTOR_KIOSK;
  return curb_rules_check_transition (order, kind, error)
         && check_details (order, event, error)
         && curb_rules_check_actor (actor, kind, error);
}
