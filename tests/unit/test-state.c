#include "curbside-core.h"

/* The table of docs/data-model.md, written out independently of the code:
 * one row per event kind, one column per state (pending, ready, arrived,
 * claimed, handed_over, partially_handed_over, no_show, cancelled), then
 * pending and ready once more for an order staff took on before its shopper
 * arrived. A state name is the result; "!" illegal, "A" already arrived,
 * "L" already claimed, "C" cancelled. */
#define N_COLUMNS (CURB_ORDER_STATE_COUNT + 2)

static const char * const expected[CURB_EVENT_KIND_COUNT][N_COLUMNS] = {
  [CURB_EVENT_STAGED] = { "ready", "ready", "arrived", "claimed", "!", "!", "!", "C", "ready", "ready" },
  [CURB_EVENT_ARRIVED] = { "arrived", "arrived", "A", "A", "!", "!", "!", "C", "claimed", "claimed" },
  [CURB_EVENT_CLAIMED] = { "pending", "ready", "claimed", "L", "!", "!", "!", "C", "L", "L" },
  [CURB_EVENT_RELEASED] = { "!", "!", "!", "arrived", "!", "!", "!", "C", "pending", "ready" },
  [CURB_EVENT_HANDED_OVER] = { "!", "!", "!", "handed_over", "!", "!", "!", "C", "!", "!" },
  [CURB_EVENT_PARTIALLY_HANDED_OVER] = { "!", "!", "!", "partially_handed_over", "!", "!", "!", "C", "!", "!" },
  [CURB_EVENT_NO_SHOW] = { "no_show", "no_show", "!", "!", "!", "!", "!", "C", "no_show", "no_show" },
  [CURB_EVENT_RETURNED_TO_STOCK] = { "!", "!", "!", "!", "!", "!", "no_show", "cancelled", "!", "!" },
  [CURB_EVENT_CANCELLED] = { "cancelled", "cancelled", "cancelled", "cancelled", "!", "!", "!", "C", "cancelled", "cancelled" },
  [CURB_EVENT_SUBSTITUTION_DECIDED] = { "pending", "ready", "arrived", "claimed", "!", "!", "!", "C", "pending", "ready" },
  [CURB_EVENT_BAY_CHOSEN] = { "!", "!", "arrived", "claimed", "!", "!", "!", "C", "!", "!" },
  [CURB_EVENT_WITHDRAWN] = { "!", "!", "pending", "L", "!", "!", "!", "C", "!", "!" },
};

static int
expected_error (const char *cell)
{
  switch (cell[0])
    {
    case '!': return CURB_ERROR_ILLEGAL_TRANSITION;
    case 'A': return CURB_ERROR_ALREADY_ARRIVED;
    case 'L': return CURB_ERROR_ALREADY_CLAIMED;
    case 'C': return CURB_ERROR_CANCELLED;
    default: return -1;
    }
}

static void
check_cell (CurbOrderState from,
            gboolean       taken_on,
            CurbEventKind  kind,
            const char    *cell)
{
  CurbOrderState to = (CurbOrderState) 99;
  g_autoptr(GError) error = NULL;
  gboolean ok = curb_state_apply_taken_on (from, taken_on, kind, &to, &error);

  g_test_message ("%s on %s%s", curb_event_kind_to_string (kind), curb_order_state_to_string (from),
                  taken_on ? " (taken on)" : "");
  if (expected_error (cell) < 0)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_cmpstr (curb_order_state_to_string (to), ==, cell);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, CURB_ERROR, expected_error (cell));
      g_assert_cmpint (to, ==, 99);   /* untouched */
      g_assert_cmpstr (error->message, !=, "");
    }
}

static void
test_every_pair (void)
{
  guint legal = 0;

  for (guint kind = 0; kind < CURB_EVENT_KIND_COUNT; kind++)
    for (guint from = 0; from < CURB_ORDER_STATE_COUNT; from++)
      {
        const char *cell = expected[kind][from];
        CurbOrderState to = (CurbOrderState) 99;
        g_autoptr(GError) error = NULL;
        gboolean ok = curb_state_apply (from, kind, &to, &error);

        check_cell (from, FALSE, kind, cell);
        g_assert_true (ok == (expected_error (cell) < 0));
        g_assert_true (curb_state_is_legal (from, kind) == ok);
        legal += ok;
      }
  g_assert_cmpuint (legal, ==, 24 + 3);
}

/* Taken on ahead: pending and ready differ; in every other state the flag
 * changes nothing. */
static void
test_every_pair_taken_on (void)
{
  guint legal = 0;

  for (guint kind = 0; kind < CURB_EVENT_KIND_COUNT; kind++)
    for (guint from = 0; from < CURB_ORDER_STATE_COUNT; from++)
      {
        guint column = from == CURB_ORDER_STATE_PENDING ? CURB_ORDER_STATE_COUNT
                       : from == CURB_ORDER_STATE_READY ? CURB_ORDER_STATE_COUNT + 1 : from;

        check_cell (from, TRUE, kind, expected[kind][column]);
        legal += expected_error (expected[kind][column]) < 0;
      }
  g_assert_cmpuint (legal, ==, 24 + 3);
}

static void
test_out_of_range (void)
{
  CurbOrderState to = CURB_ORDER_STATE_PENDING;
  g_autoptr(GError) error = NULL;

  g_assert_false (curb_state_apply ((CurbOrderState) 42, CURB_EVENT_ARRIVED, &to, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_false (curb_state_is_legal (CURB_ORDER_STATE_PENDING, (CurbEventKind) 42));
}

static void
test_strings (void)
{
  for (guint i = 0; i < CURB_ORDER_STATE_COUNT; i++)
    {
      CurbOrderState back;

      g_assert_true (curb_order_state_from_string (curb_order_state_to_string (i), &back));
      g_assert_cmpint (back, ==, i);
    }
  for (guint i = 0; i < CURB_EVENT_KIND_COUNT; i++)
    {
      CurbEventKind back;

      g_assert_true (curb_event_kind_from_string (curb_event_kind_to_string (i), &back));
      g_assert_cmpint (back, ==, i);
      g_assert_true (curb_event_kind_is_store_owned (i) == (i != CURB_EVENT_CANCELLED && i != CURB_EVENT_BAY_CHOSEN));
    }
  g_assert_false (curb_order_state_from_string ("Arrived", NULL));
  g_assert_false (curb_order_state_from_string (NULL, NULL));
  g_assert_false (curb_event_kind_from_string ("teleported", NULL));
  g_assert_cmpstr (curb_order_state_to_string (CURB_ORDER_STATE_PARTIALLY_HANDED_OVER), ==,
                   "partially_handed_over");
  g_assert_cmpstr (curb_event_kind_to_string (CURB_EVENT_SUBSTITUTION_DECIDED), ==, "substitution_decided");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/state/every-pair", test_every_pair);
  g_test_add_func ("/state/every-pair-taken-on", test_every_pair_taken_on);
  g_test_add_func ("/state/out-of-range", test_out_of_range);
  g_test_add_func ("/state/strings", test_strings);
  return g_test_run ();
}
