/* The pickup rules alone: every state × every action on a CurbOrder, the
 * handoff and ID checks, substitution decisions, bag labels and who may
 * record what. No store, no clock. */
#include "curb-rules.h"
#include "curbside-core.h"

/* docs/data-model.md, written out again: one row per action, one column
 * per state (pending, ready, arrived, claimed, handed_over,
 * partially_handed_over, no_show, cancelled), then pending and ready once
 * more with the shopper on the way, and once more taken on (claimed before
 * the shopper arrived). "ok" allowed; "!" illegal; "A" already arrived;
 * "L" already claimed; "C" cancelled. */
#define ON_THE_WAY_COLUMN CURB_ORDER_STATE_COUNT
#define TAKEN_ON_COLUMN (CURB_ORDER_STATE_COUNT + 2)
#define N_COLUMNS (CURB_ORDER_STATE_COUNT + 4)

static const char * const expected[CURB_EVENT_KIND_COUNT][N_COLUMNS] = {
  [CURB_EVENT_STAGED] = { "ok", "ok", "ok", "ok", "!", "!", "!", "C", "ok", "ok", "ok", "ok" },
  [CURB_EVENT_ARRIVED] = { "ok", "ok", "A", "A", "!", "!", "!", "C", "ok", "ok", "ok", "ok" },
  [CURB_EVENT_CLAIMED] = { "!", "!", "ok", "L", "!", "!", "!", "C", "ok", "ok", "L", "L" },
  [CURB_EVENT_RELEASED] = { "!", "!", "!", "ok", "!", "!", "!", "C", "!", "!", "ok", "ok" },
  [CURB_EVENT_HANDED_OVER] = { "!", "!", "!", "ok", "!", "!", "!", "C", "!", "!", "!", "!" },
  [CURB_EVENT_PARTIALLY_HANDED_OVER] = { "!", "!", "!", "ok", "!", "!", "!", "C", "!", "!", "!", "!" },
  [CURB_EVENT_NO_SHOW] = { "ok", "ok", "!", "!", "!", "!", "!", "C", "ok", "ok", "ok", "ok" },
  [CURB_EVENT_RETURNED_TO_STOCK] = { "!", "!", "!", "!", "!", "!", "ok", "ok", "!", "!", "!", "!" },
  [CURB_EVENT_CANCELLED] = { "ok", "ok", "ok", "ok", "!", "!", "!", "C", "ok", "ok", "ok", "ok" },
  [CURB_EVENT_SUBSTITUTION_DECIDED] = { "ok", "ok", "ok", "ok", "!", "!", "!", "C", "ok", "ok", "ok", "ok" },
  [CURB_EVENT_BAY_CHOSEN] = { "!", "!", "ok", "ok", "!", "!", "!", "C", "!", "!", "!", "!" },
  [CURB_EVENT_WITHDRAWN] = { "!", "!", "ok", "L", "!", "!", "!", "C", "!", "!", "!", "!" },
};

/* A valid request of each kind for the order below. */
static const char * const event_data[CURB_EVENT_KIND_COUNT] = {
  [CURB_EVENT_STAGED] = "{\"locations\": [{\"zone\": \"C\", \"shelf\": \"2\", \"bin\": \"14\"}], \"bags\": {\"ambient\": 2}}",
  [CURB_EVENT_ARRIVED] = "{\"bay\": \"3\", \"source\": \"scan\"}",
  [CURB_EVENT_CLAIMED] = "{\"staff_name\": \"Sam\"}",
  [CURB_EVENT_RELEASED] = "{}",
  [CURB_EVENT_HANDED_OVER] = "{\"id_checked\": true}",
  [CURB_EVENT_PARTIALLY_HANDED_OVER] = "{\"id_checked\": true, \"not_taken\": [{\"line_id\": \"L1\", \"qty\": 1}]}",
  [CURB_EVENT_NO_SHOW] = "{}",
  [CURB_EVENT_RETURNED_TO_STOCK] = "{}",
  [CURB_EVENT_CANCELLED] = "{\"reason\": \"x\"}",
  [CURB_EVENT_SUBSTITUTION_DECIDED] = "{\"substitution_id\": \"S1\", \"approved\": true}",
  [CURB_EVENT_BAY_CHOSEN] = "{\"bay\": \"4\"}",
  [CURB_EVENT_WITHDRAWN] = "{}",
};

static int
expected_error (const char *cell)
{
  switch (cell[0])
    {
    case '!':
      return CURB_ERROR_ILLEGAL_TRANSITION;
    case 'A':
      return CURB_ERROR_ALREADY_ARRIVED;
    case 'L':
      return CURB_ERROR_ALREADY_CLAIMED;
    case 'C':
      return CURB_ERROR_CANCELLED;
    default:
      return -1;
    }
}

/* Two lines (wine is age-restricted), one substitution, two bags. */
static CurbOrder *
order_in (CurbOrderState state)
{
  CurbOrder *order = curb_order_new ("R1");
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) substitutions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(CurbPerson) alex = curb_person_new ("st-7", "Alex", NULL);
  const guint bags[CURB_TEMPERATURE_COUNT] = { 1, 1, 0 };

  g_ptr_array_add (lines, curb_order_line_new ("L1", "EGGS", "Eggs", 2, CURB_TEMPERATURE_CHILLED, FALSE));
  g_ptr_array_add (lines, curb_order_line_new ("L2", "WINE", "Wine", 1, CURB_TEMPERATURE_AMBIENT, TRUE));
  g_ptr_array_add (substitutions, curb_substitution_new ("S1", "L1", "Eggs", "Duck eggs", 2, CURB_SUBSTITUTION_PENDING));
  curb_order_set_lines (order, lines);
  curb_order_set_substitutions (order, substitutions);
  curb_order_set_age_restricted (order, TRUE);
  curb_order_set_bag_counts (order, bags);
  curb_order_set_state (order, state);
  if (state == CURB_ORDER_STATE_CLAIMED)
    curb_order_set_claimer (order, alex);
  return order;
}

/* The order in a column of the table above. */
static CurbOrder *
order_in_column (guint column)
{
  g_autoptr(CurbPerson) alex = curb_person_new ("st-7", "Alex", NULL);
  CurbOrder *order;

  if (column < CURB_ORDER_STATE_COUNT)
    return order_in (column);
  order = order_in ((column - CURB_ORDER_STATE_COUNT) % 2 == 0 ? CURB_ORDER_STATE_PENDING : CURB_ORDER_STATE_READY);
  curb_order_set_on_the_way (order, 1764255000000, 1764256200000);
  if (column >= TAKEN_ON_COLUMN)
    curb_order_set_claimer (order, alex);
  return order;
}

static CurbEvent *
event_of (CurbEventKind  kind,
          const char    *data_json,
          const char    *device)
{
  g_autoptr(JsonNode) data = json_from_string (data_json, NULL);
  g_autoptr(GError) error = NULL;
  CurbEvent *event = curb_event_new (kind, "R1", device, "st-9", json_node_get_object (data));

  g_assert_true (curb_event_validate (event, &error));
  g_assert_no_error (error);
  return event;
}

static void
test_every_state_and_action (void)
{
  guint allowed = 0;

  for (guint kind = 0; kind < CURB_EVENT_KIND_COUNT; kind++)
    for (guint column = 0; column < N_COLUMNS; column++)
      {
        const char *device = kind == CURB_EVENT_CANCELLED ? CURB_EVENT_DEVICE_CENTRAL : "staging-1";
        g_autoptr(CurbOrder) order = order_in_column (column);
        g_autoptr(CurbEvent) event = event_of (kind, event_data[kind], device);
        g_autoptr(GError) error = NULL;
        const char *cell = expected[kind][column];
        CurbOrderState state = curb_order_get_state (order);
        gboolean ok = curb_rules_check_event (order, event, &error);

        g_test_message ("%s on %s%s", curb_event_kind_to_string (kind), curb_order_state_to_string (state),
                        column >= TAKEN_ON_COLUMN ? " (taken on)" : column >= ON_THE_WAY_COLUMN ? " (on the way)" : "");
        if (expected_error (cell) < 0)
          {
            g_assert_no_error (error);
            g_assert_true (ok);
            allowed++;
          }
        else
          {
            g_assert_false (ok);
            g_assert_error (error, CURB_ERROR, expected_error (cell));
          }
        g_assert_cmpint (ok, ==, curb_rules_check_transition (order, kind, NULL));
        g_assert_true (curb_rules_is_taken_on (order) == (column >= TAKEN_ON_COLUMN));
        g_assert_cmpint (curb_order_get_state (order), ==, state);   /* a question, not a change */
      }
  g_assert_cmpuint (allowed, ==, 22 + 12 + 12 + 3);
}

/* Not announced: staff cannot take it on ahead (the arrival would ring
 * nobody but them), and the refusal says why. */
static void
test_take_on_needs_on_the_way (void)
{
  g_autoptr(CurbOrder) order = order_in (CURB_ORDER_STATE_READY);
  g_autoptr(GError) error = NULL;

  g_assert_false (curb_rules_check_transition (order, CURB_EVENT_CLAIMED, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION);
  g_assert_nonnull (strstr (error->message, "on the way"));
  g_clear_error (&error);
  curb_order_set_on_the_way (order, 1764255000000, 1764256200000);
  g_assert_true (curb_rules_check_transition (order, CURB_EVENT_CLAIMED, &error));
  g_assert_no_error (error);
}

static void
test_claim_names_claimer (void)
{
  g_autoptr(CurbOrder) order = order_in (CURB_ORDER_STATE_CLAIMED);
  g_autoptr(CurbOrder) taken_on = order_in_column (TAKEN_ON_COLUMN);
  g_autoptr(GError) error = NULL;

  g_assert_false (curb_rules_check_transition (order, CURB_EVENT_CLAIMED, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED);
  g_assert_cmpstr (error->message, ==, "The order is already claimed by Alex");
  g_clear_error (&error);
  g_assert_false (curb_rules_check_transition (taken_on, CURB_EVENT_CLAIMED, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED);
  g_assert_cmpstr (error->message, ==, "The order is already claimed by Alex");
}

static GPtrArray *
left_behind (const char *line_id,
             guint       qty)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (entries, curb_not_taken_new (line_id, qty, "damaged"));
  return entries;
}

static void
test_handoff (void)
{
  g_autoptr(CurbOrder) order = order_in (CURB_ORDER_STATE_CLAIMED);
  g_autoptr(GPtrArray) wine = left_behind ("L2", 1);
  g_autoptr(GPtrArray) eggs = left_behind ("L1", 1);
  g_autoptr(GPtrArray) too_many = left_behind ("L1", 3);
  g_autoptr(GPtrArray) unknown = left_behind ("L9", 1);
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_rules_check_handoff (order, NULL, TRUE, NULL));
  g_assert_false (curb_rules_check_handoff (order, NULL, FALSE, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "check the shopper's ID"));
  g_clear_error (&error);
  /* the wine stays behind: no ID needed; the eggs stay behind: still needed */
  g_assert_true (curb_rules_check_handoff (order, wine, FALSE, NULL));
  g_assert_false (curb_rules_check_handoff (order, eggs, FALSE, NULL));
  g_assert_false (curb_rules_check_handoff (order, too_many, TRUE, &error));
  g_assert_cmpstr (error->message, ==, "More of line L1 not taken than ordered");
  g_clear_error (&error);
  g_assert_false (curb_rules_check_handoff (order, unknown, TRUE, &error));
  g_assert_cmpstr (error->message, ==, "The order has no line L9");
  g_clear_error (&error);
  curb_order_set_state (order, CURB_ORDER_STATE_ARRIVED);
  g_assert_false (curb_rules_check_handoff (order, NULL, TRUE, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION);
}

static void
test_id_check (void)
{
  g_autoptr(CurbOrder) order = order_in (CURB_ORDER_STATE_CLAIMED);
  g_autoptr(CurbOrder) flagged_order = curb_order_new ("R2");
  g_autoptr(GPtrArray) wine = left_behind ("L2", 1);
  g_autoptr(GPtrArray) none = g_ptr_array_new ();

  g_assert_true (curb_rules_needs_id_check (order, NULL));
  g_assert_true (curb_rules_needs_id_check (order, none));
  g_assert_false (curb_rules_needs_id_check (order, wine));
  /* without line flags the order's own flag decides */
  g_assert_false (curb_rules_needs_id_check (flagged_order, NULL));
  curb_order_set_age_restricted (flagged_order, TRUE);
  g_assert_true (curb_rules_needs_id_check (flagged_order, NULL));
}

static void
test_substitution_decision (void)
{
  g_autoptr(CurbOrder) order = order_in (CURB_ORDER_STATE_ARRIVED);
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_rules_check_substitution_decision (order, "S1", NULL));
  g_assert_false (curb_rules_check_substitution_decision (order, "S2", &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The order has no substitution S2");
}

/* kiosk: arrival, its bay and withdrawal, substitution decisions; staff:
 * every other store fact; central: cancellation only. */
static void
test_who_may_do_what (void)
{
  static const char * const may[CURB_ACTOR_COUNT] = {
    [CURB_ACTOR_KIOSK] = "-a-------sbw",
    [CURB_ACTOR_STAFF] = "sacrhpnr-s--",
    [CURB_ACTOR_CENTRAL] = "--------c---",
  };

  for (guint actor = 0; actor < CURB_ACTOR_COUNT; actor++)
    for (guint kind = 0; kind < CURB_EVENT_KIND_COUNT; kind++)
      {
        gboolean expected_may = may[actor][kind] != '-';
        g_autoptr(GError) error = NULL;

        g_assert_cmpint (curb_rules_may_record (actor, kind), ==, expected_may);
        g_assert_cmpint (curb_rules_check_actor (actor, kind, &error), ==, expected_may);
        if (!expected_may)
          g_assert_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN);
      }
  g_assert_false (curb_rules_may_record (CURB_ACTOR_COUNT, CURB_EVENT_ARRIVED));
}

static void
test_only_central_cancels (void)
{
  g_autoptr(CurbOrder) order = order_in (CURB_ORDER_STATE_READY);
  g_autoptr(CurbEvent) by_device = event_of (CURB_EVENT_CANCELLED, "{}", "staging-1");
  g_autoptr(CurbEvent) by_central_arrival = event_of (CURB_EVENT_ARRIVED, "{}", CURB_EVENT_DEVICE_CENTRAL);
  g_autoptr(GError) error = NULL;

  g_assert_false (curb_rules_check_event (order, by_device, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN);
  g_assert_cmpstr (error->message, ==, "Only central cancels orders");
  g_clear_error (&error);
  g_assert_false (curb_rules_check_event (order, by_central_arrival, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN);
}

static void
test_bag_labels (void)
{
  g_autoptr(CurbOrder) order = order_in (CURB_ORDER_STATE_CLAIMED);
  guint number = 0;

  g_assert_cmpint (curb_rules_check_bag_label (order, "CB1:R1:2/2", &number), ==, CURB_BAG_OF_ORDER);
  g_assert_cmpuint (number, ==, 2);
  g_assert_cmpint (curb_rules_check_bag_label (order, "CB1:R7:1/2", NULL), ==, CURB_BAG_OF_OTHER_ORDER);
  g_assert_cmpint (curb_rules_check_bag_label (order, "CB1:R1:1/3", NULL), ==, CURB_BAG_NOT_A_BAG);
  g_assert_cmpint (curb_rules_check_bag_label (order, "CB1:R1:3/2", NULL), ==, CURB_BAG_NOT_A_BAG);
  g_assert_cmpint (curb_rules_check_bag_label (order, "BIN:C-2-14", NULL), ==, CURB_BAG_NOT_A_BAG);
  g_assert_cmpint (curb_rules_check_bag_label (order, NULL, NULL), ==, CURB_BAG_NOT_A_BAG);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rules/every-state-and-action", test_every_state_and_action);
  g_test_add_func ("/rules/claim-names-claimer", test_claim_names_claimer);
  g_test_add_func ("/rules/take-on-needs-on-the-way", test_take_on_needs_on_the_way);
  g_test_add_func ("/rules/handoff", test_handoff);
  g_test_add_func ("/rules/id-check", test_id_check);
  g_test_add_func ("/rules/substitution-decision", test_substitution_decision);
  g_test_add_func ("/rules/who-may-do-what", test_who_may_do_what);
  g_test_add_func ("/rules/only-central-cancels", test_only_central_cancels);
  g_test_add_func ("/rules/bag-labels", test_bag_labels);
  return g_test_run ();
}
