#include "curb-kiosk-flow.h"
#include "curb-kiosk-page.h"
#include "curb-order-codec.h"
#include "curb-error.h"

typedef struct
{
  CurbKioskFlow *flow;
  int            check_ins;     /* arrival updates: the bay and answers after the check-in */
  char          *update_bay;
  int            withdrawals;
  int            lookups;
  int            resets;
  int            receipts;
  int            staff_calls;
  char          *decided;
} Fixture;

static void
on_arrival_update (CurbKioskFlow *flow, const char *bay, Fixture *fx)
{
  fx->check_ins++;
  g_free (fx->update_bay);
  fx->update_bay = g_strdup (bay);
}

static void
on_withdraw (CurbKioskFlow *flow, Fixture *fx)
{
  fx->withdrawals++;
}

static void
on_lookup (CurbKioskFlow *flow, const char *ref, const char *surname, const char *phone,
           Fixture *fx)
{
  fx->lookups++;
}

static void
on_reset (CurbKioskFlow *flow, Fixture *fx)
{
  fx->resets++;
}

static void
on_print_receipt (CurbKioskFlow *flow, Fixture *fx)
{
  fx->receipts++;
}

static void
on_call_staff (CurbKioskFlow *flow, Fixture *fx)
{
  fx->staff_calls++;
}

static void
on_decided (CurbKioskFlow *flow, const char *id, gboolean approved, Fixture *fx)
{
  g_free (fx->decided);
  fx->decided = g_strdup_printf ("%s=%s", id, approved ? "yes" : "no");
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  const char *bays[] = { "1", "2", "3", NULL };

  fx->flow = curb_kiosk_flow_new ();
  curb_kiosk_flow_set_bays (fx->flow, bays);
  g_signal_connect (fx->flow, "arrival-update", G_CALLBACK (on_arrival_update), fx);
  g_signal_connect (fx->flow, "withdraw", G_CALLBACK (on_withdraw), fx);
  g_signal_connect (fx->flow, "lookup", G_CALLBACK (on_lookup), fx);
  g_signal_connect (fx->flow, "reset", G_CALLBACK (on_reset), fx);
  g_signal_connect (fx->flow, "print-receipt", G_CALLBACK (on_print_receipt), fx);
  g_signal_connect (fx->flow, "call-staff", G_CALLBACK (on_call_staff), fx);
  g_signal_connect (fx->flow, "substitution-decided", G_CALLBACK (on_decided), fx);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  g_assert_finalize_object (fx->flow);
  g_free (fx->decided);
  g_free (fx->update_bay);
}

static CurbOrder *
order_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  CurbOrder *order = curb_order_codec_decode_string (json, &error);

  g_assert_no_error (error);
  return order;
}

static CurbOrder *
ready_order (void)
{
  return order_from_json (
    "{\"ref\":\"A7K3Q9\",\"first_name\":\"Sam\",\"last_initial\":\"R\",\"language\":\"es\","
    "\"state\":\"ready\",\"staged\":true,\"age_restricted\":true,"
    "\"window_start\":\"2026-11-27T15:00:00.000Z\",\"window_end\":\"2026-11-27T16:00:00.000Z\","
    "\"alternate_pickup\":{\"first_name\":\"Alex\",\"last_initial\":\"K\"},"
    "\"lines\":[{\"id\":\"L1\",\"name\":\"Oat milk 1 L\",\"qty\":2},"
    "{\"id\":\"L2\",\"name\":\"Rioja\",\"qty\":3,\"age_restricted\":true}],"
    "\"bags\":{\"ambient\":2,\"chilled\":1,\"frozen\":0},"
    "\"substitutions\":[{\"id\":\"S1\",\"original\":\"Oat milk 1 L\","
    "\"replacement\":\"Soy milk 1 L\",\"qty\":1,\"status\":\"pending\"}]}");
}

static void
test_scan_to_thanks (Fixture *fx, gconstpointer data)
{
  g_autoptr(CurbOrder) order = ready_order ();
  guint visit;

  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WELCOME);
  g_assert_true (curb_kiosk_flow_accepts_scan (fx->flow));
  visit = curb_kiosk_flow_begin (fx->flow);
  g_assert_true (curb_kiosk_flow_get_busy (fx->flow));
  g_assert_false (curb_kiosk_flow_accepts_scan (fx->flow));

  curb_order_set_state (order, CURB_ORDER_STATE_ARRIVED);      /* checked in on the scan */
  curb_kiosk_flow_show_arrival (fx->flow, visit, order, "tok", "scan", 120);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_GREETING);
  g_assert_cmpstr (curb_kiosk_flow_get_language (fx->flow), ==, "es");
  g_assert_true (curb_kiosk_flow_get_arrival_open (fx->flow));
  g_assert_cmpint (curb_kiosk_flow_get_checked_in_at (fx->flow), >, 0);

  curb_kiosk_flow_decide_substitution (fx->flow, "S1", FALSE);
  g_assert_cmpstr (fx->decided, ==, "S1=no");
  g_assert_cmpint (curb_substitution_get_status (curb_order_find_substitution (order, "S1")), ==,
                   CURB_SUBSTITUTION_DECLINED);

  curb_kiosk_flow_confirm (fx->flow);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_BAY);
  curb_kiosk_flow_choose_bay (fx->flow, "9");
  g_assert_cmpint (fx->check_ins, ==, 0);
  curb_kiosk_flow_choose_bay (fx->flow, "2");
  g_assert_cmpint (fx->check_ins, ==, 1);
  g_assert_cmpstr (fx->update_bay, ==, "2");
  g_assert_cmpstr (curb_kiosk_flow_get_bay (fx->flow), ==, "2");
  g_assert_false (curb_kiosk_flow_get_arrival_open (fx->flow));
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WAITING);
  g_assert_cmpint (curb_kiosk_flow_get_eta_s (fx->flow), ==, 120);

  curb_kiosk_flow_order_event (fx->flow, "OTHER", "claimed", "Bo", 60);
  g_assert_null (curb_kiosk_flow_get_staff_name (fx->flow));
  curb_kiosk_flow_order_event (fx->flow, "A7K3Q9", "claimed", "Alex", 180);
  g_assert_cmpstr (curb_kiosk_flow_get_staff_name (fx->flow), ==, "Alex");
  g_assert_cmpint (curb_kiosk_flow_get_eta_s (fx->flow), ==, 180);

  curb_kiosk_flow_order_event (fx->flow, "A7K3Q9", "handed_over", NULL, 0);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_THANKS);
  g_assert_cmpint (fx->receipts, ==, 1);

  curb_kiosk_flow_start_over (fx->flow);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WELCOME);
  g_assert_null (curb_kiosk_flow_get_order (fx->flow));
  g_assert_null (curb_kiosk_flow_get_token (fx->flow));
  g_assert_cmpstr (curb_kiosk_flow_get_language (fx->flow), ==, "en");
  g_assert_cmpint (fx->check_ins, ==, 1);      /* the update went once */
  g_assert_cmpint (fx->withdrawals, ==, 0);
}

static void
test_single_bay_skips_keypad (Fixture *fx, gconstpointer data)
{
  const char *one[] = { "7", NULL };
  g_autoptr(CurbOrder) order = ready_order ();
  guint visit;

  curb_kiosk_flow_set_bays (fx->flow, one);
  visit = curb_kiosk_flow_begin (fx->flow);
  curb_kiosk_flow_show_arrival (fx->flow, visit, order, "tok", "scan", 120);
  curb_kiosk_flow_confirm (fx->flow);
  g_assert_cmpint (fx->check_ins, ==, 1);
  g_assert_cmpstr (fx->update_bay, ==, "7");
  g_assert_cmpstr (curb_kiosk_flow_get_bay (fx->flow), ==, "7");
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WAITING);
}

/* Checked in on the scan: "Not you? Start over" on the greeting or the bay
 * screen takes the arrival back (the screen waits for the hub's answer); the
 * bay screen's Back keeps it. */
static void
test_not_you_withdraws (Fixture *fx, gconstpointer data)
{
  g_autoptr(CurbOrder) order = ready_order ();
  guint visit = curb_kiosk_flow_begin (fx->flow);

  curb_kiosk_flow_show_arrival (fx->flow, visit, order, "tok", "scan", 120);
  curb_kiosk_flow_confirm (fx->flow);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_BAY);
  curb_kiosk_flow_back (fx->flow);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_GREETING);
  g_assert_cmpint (fx->withdrawals + fx->check_ins, ==, 0);
  curb_kiosk_flow_start_over (fx->flow);
  g_assert_cmpint (fx->withdrawals, ==, 1);
  g_assert_true (curb_kiosk_flow_get_busy (fx->flow));
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_GREETING);
  curb_kiosk_flow_start_over (fx->flow);                   /* a second tap while it goes */
  g_assert_cmpint (fx->withdrawals, ==, 1);
  curb_kiosk_flow_withdrawn (fx->flow, visit);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WELCOME);
  g_assert_null (curb_kiosk_flow_get_order (fx->flow));
  g_assert_cmpint (fx->check_ins, ==, 0);                  /* no update after a withdrawal */
}

/* Staff claimed the order before "Not you?": the arrival stays, the kiosk
 * says staff are on their way, and leaving sends "bay not given". */
static void
test_withdraw_after_claim (Fixture *fx, gconstpointer data)
{
  g_autoptr(CurbOrder) order = ready_order ();
  guint visit = curb_kiosk_flow_begin (fx->flow);

  curb_kiosk_flow_show_arrival (fx->flow, visit, order, "tok", "scan", 120);
  curb_kiosk_flow_order_event (fx->flow, "A7K3Q9", "claimed", "Alex", 60);
  curb_kiosk_flow_start_over (fx->flow);
  curb_kiosk_flow_withdraw_refused (fx->flow, visit, NULL);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_PROBLEM);
  g_assert_cmpint (curb_kiosk_flow_get_problem (fx->flow), ==, CURB_KIOSK_PROBLEM_STAFF_COMING);
  g_assert_cmpstr (curb_kiosk_flow_get_staff_name (fx->flow), ==, "Alex");
  g_assert_false (curb_kiosk_flow_accepts_scan (fx->flow));
  curb_kiosk_flow_start_over (fx->flow);
  g_assert_cmpint (fx->withdrawals, ==, 1);
  g_assert_cmpint (fx->check_ins, ==, 1);
  g_assert_null (fx->update_bay);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WELCOME);
}

/* Not staged yet: the arrival is recorded all the same (staff know the
 * shopper is early); the screen says so and Continue goes on to the bay. */
static void
test_not_ready_is_checked_in (Fixture *fx, gconstpointer data)
{
  g_autoptr(CurbOrder) order = order_from_json ("{\"ref\":\"NR1\",\"state\":\"arrived\",\"staged\":false}");
  guint visit = curb_kiosk_flow_begin (fx->flow);

  curb_kiosk_flow_show_arrival (fx->flow, visit, order, "tok", "scan", 600);
  g_assert_cmpint (curb_kiosk_flow_get_problem (fx->flow), ==, CURB_KIOSK_PROBLEM_NOT_READY);
  g_assert_true (curb_kiosk_flow_get_arrival_open (fx->flow));
  curb_kiosk_flow_check_in_anyway (fx->flow);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_GREETING);
  curb_kiosk_flow_confirm (fx->flow);
  curb_kiosk_flow_choose_bay (fx->flow, "3");
  g_assert_cmpstr (fx->update_bay, ==, "3");
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WAITING);
}

static void
test_chosen_language_wins (Fixture *fx, gconstpointer data)
{
  g_autoptr(CurbOrder) order = ready_order ();
  guint visit;

  curb_kiosk_flow_set_language (fx->flow, "en");
  visit = curb_kiosk_flow_begin (fx->flow);
  curb_kiosk_flow_show_order (fx->flow, visit, order, "tok", "scan");
  g_assert_cmpstr (curb_kiosk_flow_get_language (fx->flow), ==, "en");
}

static void
test_stale_answer_dropped (Fixture *fx, gconstpointer data)
{
  g_autoptr(CurbOrder) order = ready_order ();
  guint visit = curb_kiosk_flow_begin (fx->flow);

  curb_kiosk_flow_start_over (fx->flow);
  curb_kiosk_flow_show_order (fx->flow, visit, order, "tok", "scan");
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WELCOME);
  g_assert_null (curb_kiosk_flow_get_order (fx->flow));
}

static void
check_state_problem (Fixture *fx, const char *json, CurbKioskProblem expected)
{
  g_autoptr(CurbOrder) order = order_from_json (json);
  guint visit;

  curb_kiosk_flow_start_over (fx->flow);
  visit = curb_kiosk_flow_begin (fx->flow);
  curb_kiosk_flow_show_order (fx->flow, visit, order, NULL, "lookup");
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_PROBLEM);
  g_assert_cmpstr (curb_kiosk_problem_to_string (curb_kiosk_flow_get_problem (fx->flow)), ==,
                   curb_kiosk_problem_to_string (expected));
}

static void
test_order_states (Fixture *fx, gconstpointer data)
{
  check_state_problem (fx, "{\"ref\":\"R1\",\"state\":\"cancelled\"}",
                       CURB_KIOSK_PROBLEM_CANCELLED);
  check_state_problem (fx, "{\"ref\":\"R1\",\"state\":\"ready\",\"cancelled\":true}",
                       CURB_KIOSK_PROBLEM_CANCELLED);
  check_state_problem (fx, "{\"ref\":\"R1\",\"state\":\"claimed\"}",
                       CURB_KIOSK_PROBLEM_ALREADY_CHECKED_IN);
  curb_kiosk_flow_show_status (fx->flow);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WAITING);
  check_state_problem (fx, "{\"ref\":\"R1\",\"state\":\"handed_over\"}",
                       CURB_KIOSK_PROBLEM_ALREADY_COLLECTED);
  check_state_problem (fx, "{\"ref\":\"R1\",\"state\":\"pending\",\"staged\":false}",
                       CURB_KIOSK_PROBLEM_NOT_READY);
  curb_kiosk_flow_check_in_anyway (fx->flow);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_GREETING);
}

/* Staff took the order on while the shopper was on the way: the kiosk
 * greets with who brings it (even before it is staged), and the check-in
 * leaves the shopper waiting for that person. */
static void
test_taken_on_greets_with_bringer (Fixture *fx, gconstpointer data)
{
  g_autoptr(CurbOrder) order = order_from_json (
    "{\"ref\":\"OW1\",\"first_name\":\"Sam\",\"state\":\"pending\",\"staged\":false,"
    "\"claimed_by\":{\"id\":\"st-1\",\"first_name\":\"Alex\"},"
    "\"on_the_way\":{\"announced_at\":\"2026-11-27T14:50:00.000Z\",\"eta\":\"2026-11-27T15:05:00.000Z\"}}");
  const char *bays[] = { "1", NULL };
  guint visit;

  curb_kiosk_flow_set_bays (fx->flow, bays);
  visit = curb_kiosk_flow_begin (fx->flow);
  curb_order_set_state (order, CURB_ORDER_STATE_CLAIMED);     /* its arrival made it claimed */
  curb_kiosk_flow_show_arrival (fx->flow, visit, order, "tok", "lookup", 120);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_GREETING);
  g_assert_cmpstr (curb_kiosk_flow_get_staff_name (fx->flow), ==, "Alex");
  curb_kiosk_flow_confirm (fx->flow);
  g_assert_cmpint (fx->check_ins, ==, 1);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WAITING);
  g_assert_cmpint (curb_order_get_state (order), ==, CURB_ORDER_STATE_CLAIMED);
  g_assert_cmpstr (curb_kiosk_flow_get_staff_name (fx->flow), ==, "Alex");
}

/* Released before the shopper checked in: nobody brings it any more, and
 * the order is not "arrived" until the check-in. */
static void
test_released_before_check_in (Fixture *fx, gconstpointer data)
{
  g_autoptr(CurbOrder) order = order_from_json (
    "{\"ref\":\"OW2\",\"state\":\"ready\",\"staged\":true,"
    "\"claimed_by\":{\"id\":\"st-1\",\"first_name\":\"Alex\"}}");
  guint visit = curb_kiosk_flow_begin (fx->flow);

  curb_kiosk_flow_show_order (fx->flow, visit, order, "tok", "scan");
  g_assert_cmpstr (curb_kiosk_flow_get_staff_name (fx->flow), ==, "Alex");
  curb_kiosk_flow_order_event (fx->flow, "OW2", "released", NULL, 0);
  g_assert_null (curb_kiosk_flow_get_staff_name (fx->flow));
  g_assert_cmpint (curb_order_get_state (order), ==, CURB_ORDER_STATE_READY);
  curb_kiosk_flow_order_event (fx->flow, "OW2", "claimed", "Kim", 0);
  g_assert_cmpstr (curb_kiosk_flow_get_staff_name (fx->flow), ==, "Kim");
  g_assert_cmpint (curb_order_get_state (order), ==, CURB_ORDER_STATE_READY);
}

static void
test_errors_map_to_problems (Fixture *fx, gconstpointer data)
{
  struct { int code; CurbKioskProblem problem; } cases[] = {
    { CURB_ERROR_TOKEN_MALFORMED, CURB_KIOSK_PROBLEM_UNREADABLE },
    { CURB_ERROR_TOKEN_EXPIRED, CURB_KIOSK_PROBLEM_EXPIRED },
    { CURB_ERROR_TOKEN_BAD_SIGNATURE, CURB_KIOSK_PROBLEM_INVALID },
    { CURB_ERROR_TOKEN_OTHER_STORE, CURB_KIOSK_PROBLEM_OTHER_STORE },
    { CURB_ERROR_RATE_LIMITED, CURB_KIOSK_PROBLEM_RATE_LIMITED },
    { CURB_ERROR_UNAVAILABLE, CURB_KIOSK_PROBLEM_HUB_UNREACHABLE },
    { CURB_ERROR_NOT_FOUND, CURB_KIOSK_PROBLEM_NOT_FOUND },
    /* a valid code for an order central sent but the store could not take */
    { CURB_ERROR_NEEDS_STAFF, CURB_KIOSK_PROBLEM_SEE_STAFF },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (CURB_ERROR, cases[i].code, "x");
      guint visit;

      g_assert_cmpint (curb_kiosk_problem_from_error (error), ==, cases[i].problem);
      curb_kiosk_flow_start_over (fx->flow);
      visit = curb_kiosk_flow_begin (fx->flow);
      curb_kiosk_flow_fail (fx->flow, visit, curb_kiosk_problem_from_error (error));
      g_assert_cmpint (curb_kiosk_flow_get_problem (fx->flow), ==, cases[i].problem);
    }
  /* an expired code can be followed by another scan straight away */
  curb_kiosk_flow_start_over (fx->flow);
  curb_kiosk_flow_fail (fx->flow, curb_kiosk_flow_begin (fx->flow), CURB_KIOSK_PROBLEM_EXPIRED);
  g_assert_true (curb_kiosk_flow_accepts_scan (fx->flow));
}

static void
test_offline_check_in (Fixture *fx, gconstpointer data)
{
  guint visit = curb_kiosk_flow_begin (fx->flow);

  curb_kiosk_flow_show_offline (fx->flow, visit, "A7K3Q9", "tok");
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_BAY);
  curb_kiosk_flow_choose_bay (fx->flow, "3");
  g_assert_cmpint (fx->check_ins, ==, 1);
  g_assert_cmpstr (fx->update_bay, ==, "3");
  g_assert_true (curb_kiosk_flow_get_offline (fx->flow));
  g_assert_cmpint (curb_kiosk_flow_get_problem (fx->flow), ==, CURB_KIOSK_PROBLEM_OFFLINE_QUEUED);
  g_assert_cmpint (curb_kiosk_flow_get_checked_in_at (fx->flow), >, 0);
}

static void
test_lookup_and_camera_failure (Fixture *fx, gconstpointer data)
{
  curb_kiosk_flow_set_camera_ok (fx->flow, FALSE);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_LOOKUP);
  g_assert_cmpint (curb_kiosk_flow_get_notice (fx->flow), ==, CURB_KIOSK_PROBLEM_CAMERA_FAILED);
  g_assert_false (curb_kiosk_flow_submit_lookup (fx->flow, "A7K3Q9", "", NULL));
  g_assert_true (curb_kiosk_flow_submit_lookup (fx->flow, "A7K3Q9", "Rivera", NULL));
  g_assert_cmpint (fx->lookups, ==, 1);
  g_assert_false (curb_kiosk_flow_submit_lookup (fx->flow, "A7K3Q9", "Rivera", NULL));
  curb_kiosk_flow_start_over (fx->flow);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_LOOKUP);
  curb_kiosk_flow_set_camera_ok (fx->flow, TRUE);
  curb_kiosk_flow_back (fx->flow);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WELCOME);
}

static void
test_call_staff_returns (Fixture *fx, gconstpointer data)
{
  g_autoptr(CurbOrder) order = ready_order ();
  guint visit = curb_kiosk_flow_begin (fx->flow);

  curb_kiosk_flow_show_order (fx->flow, visit, order, "tok", "scan");
  curb_kiosk_flow_call_staff (fx->flow);
  g_assert_cmpint (fx->staff_calls, ==, 1);
  g_assert_cmpint (curb_kiosk_flow_get_problem (fx->flow), ==, CURB_KIOSK_PROBLEM_STAFF_CALLED);
  curb_kiosk_flow_back (fx->flow);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_GREETING);
  g_assert_nonnull (curb_kiosk_flow_get_order (fx->flow));
}

static gboolean
on_deadline (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
test_idle_reset_clears_shopper (Fixture *fx, gconstpointer data)
{
  g_autoptr(CurbOrder) order = ready_order ();
  guint visit = curb_kiosk_flow_begin (fx->flow);
  guint deadline;

  curb_kiosk_flow_set_timeouts (fx->flow, 1, 1, 1);
  curb_kiosk_flow_show_arrival (fx->flow, visit, order, "tok", "scan", 120);
  deadline = g_timeout_add_seconds (5, on_deadline, NULL);
  while (fx->resets == 0)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (deadline);
  g_assert_cmpint (curb_kiosk_flow_get_screen (fx->flow), ==, CURB_KIOSK_SCREEN_WELCOME);
  g_assert_null (curb_kiosk_flow_get_order (fx->flow));
  g_assert_null (curb_kiosk_flow_get_token (fx->flow));
  g_assert_cmpstr (curb_kiosk_flow_get_language (fx->flow), ==, "en");
  /* the shopper is at the kerb: the arrival stays, the bay "not given" */
  g_assert_cmpint (fx->withdrawals, ==, 0);
  g_assert_cmpint (fx->check_ins, ==, 1);
  g_assert_null (fx->update_bay);
}

/* The kiosk reads orders with the one codec: a malformed order is refused
 * naming the member (the session then shows "see staff", never half an
 * order); names are shown without control or format characters. */
static void
test_hostile_order_text (void)
{
  g_autoptr(CurbOrder) order = order_from_json (
    "{\"ref\":\"R1\",\"first_name\":\"<b>Sam</b>\\u0007\\u202e\",\"last_initial\":\"R\","
    "\"lines\":[{\"id\":\"L1\",\"name\":\"Tea\",\"qty\":2}],\"bags\":{\"frozen\":3}}");
  g_autofree char *name = curb_order_dup_display_name (order);
  g_autofree char *shown = curb_kiosk_dup_plain_text (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbOrder) bad_ref = curb_order_codec_decode_string ("{\"ref\":\"r1; drop\"}", &error);

  g_assert_cmpstr (shown, ==, "<b>Sam</b> R.");
  g_assert_cmpuint (curb_order_count_bags (order, CURB_TEMPERATURE_FROZEN), ==, 3);
  g_assert_null (bad_ref);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (curb_order_codec_decode_string (
    "{\"ref\":\"R1\",\"lines\":[{\"id\":\"L1\",\"name\":\"Tea\",\"qty\":-5}]}", &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "lines[0].qty"));
  g_clear_error (&error);
  g_assert_null (curb_order_codec_decode_string (
    "{\"ref\":\"R1\",\"bags\":{\"frozen\":\"7\"}}", &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/kiosk/flow/scan-to-thanks", test_scan_to_thanks);
  ADD ("/kiosk/flow/single-bay", test_single_bay_skips_keypad);
  ADD ("/kiosk/flow/not-you-withdraws", test_not_you_withdraws);
  ADD ("/kiosk/flow/withdraw-after-claim", test_withdraw_after_claim);
  ADD ("/kiosk/flow/not-ready-is-checked-in", test_not_ready_is_checked_in);
  ADD ("/kiosk/flow/chosen-language", test_chosen_language_wins);
  ADD ("/kiosk/flow/stale-answer", test_stale_answer_dropped);
  ADD ("/kiosk/flow/order-states", test_order_states);
  ADD ("/kiosk/flow/taken-on", test_taken_on_greets_with_bringer);
  ADD ("/kiosk/flow/released-before-check-in", test_released_before_check_in);
  ADD ("/kiosk/flow/errors", test_errors_map_to_problems);
  ADD ("/kiosk/flow/offline", test_offline_check_in);
  ADD ("/kiosk/flow/lookup-camera", test_lookup_and_camera_failure);
  ADD ("/kiosk/flow/call-staff", test_call_staff_returns);
  ADD ("/kiosk/flow/idle-reset", test_idle_reset_clears_shopper);
#undef ADD
  g_test_add_func ("/kiosk/order/hostile-text", test_hostile_order_text);
  return g_test_run ();
}
