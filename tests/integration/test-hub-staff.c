/* Staff actions: claim race, handover full/partial with ID check, no-show,
 * substitutions, audit log, alert-to-claim metric. */

#include "test-hub-fixture.h"

static const char *
state_of (JsonObject *reply)
{
  return json_object_get_string_member (json_object_get_object_member (reply, "order"), "state");
}

static void
arrive (HubFixture    *fx,
        CurbHubClient *kiosk,
        const char    *ref)
{
  g_autofree char *token = hub_fixture_token (fx, HUB_TEST_STORE_ID, ref,
                                              g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = hub_checkin (kiosk, token, "2", NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (reply);
}

static void
test_claim_race (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) alex = NULL;
  g_autoptr(CurbHubClient) kim = NULL;
  g_autoptr(GAsyncResult) result_a = NULL;
  g_autoptr(GAsyncResult) result_b = NULL;
  g_autoptr(JsonObject) reply_a = NULL;
  g_autoptr(JsonObject) reply_b = NULL;
  g_autoptr(GError) error_a = NULL;
  g_autoptr(GError) error_b = NULL;
  JsonObject *loser_body, *claimed_by;
  GError *loser_error;
  const char *winner;

  hub_fixture_add_order (fx, "R1", FALSE);
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  hub_fixture_add_staff (fx, "st-2", "Kim", "7310");
  alex = hub_fixture_staff (fx, "st-1", "4821");
  kim = hub_fixture_staff (fx, "st-2", "7310");
  arrive (fx, kiosk, "R1");

  curb_hub_client_action_async (alex, "R1", CURB_HUB_ACTION_CLAIM, NULL, NULL, hub_store_result, &result_a);
  curb_hub_client_action_async (kim, "R1", CURB_HUB_ACTION_CLAIM, NULL, NULL, hub_store_result, &result_b);
  hub_wait (&result_a);
  hub_wait (&result_b);
  reply_a = curb_hub_client_request_finish (alex, result_a, &error_a);
  reply_b = curb_hub_client_request_finish (kim, result_b, &error_b);
  g_assert_true ((reply_a == NULL) != (reply_b == NULL));
  winner = reply_a != NULL ? "st-1" : "st-2";
  loser_error = reply_a != NULL ? error_b : error_a;
  g_assert_error (loser_error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED);
  loser_body = curb_hub_client_get_error_body (reply_a != NULL ? result_b : result_a);
  g_assert_cmpstr (json_object_get_string_member (loser_body, "error"), ==, "already_claimed");
  claimed_by = json_object_get_object_member (loser_body, "claimed_by");
  g_assert_cmpstr (json_object_get_string_member (claimed_by, "id"), ==, winner);
  g_assert_cmpstr (state_of (reply_a != NULL ? reply_a : reply_b), ==, "claimed");
}

static void
test_claim_replay_and_metric (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) alex = NULL;
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *metrics = NULL;
  JsonObject *event_data;

  hub_fixture_add_order (fx, "R2", FALSE);
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  alex = hub_fixture_staff (fx, "st-1", "4821");
  arrive (fx, kiosk, "R2");
  g_assert_cmpuint (hub_raw (fx, "GET", "/metrics", NULL, NULL, 0, &metrics), ==, 200);
  g_assert_nonnull (strstr (metrics, "curbside_alerts_outstanding 1"));
  g_clear_pointer (&metrics, g_free);

  first = hub_action (alex, "R2", CURB_HUB_ACTION_CLAIM, "{\"event_id\":\"claim-1\",\"eta_s\":90}", NULL, &error);
  g_assert_no_error (error);
  event_data = json_object_get_object_member (json_object_get_object_member (first, "event"), "data");
  g_assert_cmpstr (json_object_get_string_member (event_data, "staff_name"), ==, "Alex");
  g_assert_cmpint (json_object_get_int_member (event_data, "eta_s"), ==, 90);
  again = hub_action (alex, "R2", CURB_HUB_ACTION_CLAIM, "{\"event_id\":\"claim-1\",\"eta_s\":90}", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (again, "replayed"));
  g_assert_cmpuint (hub_raw (fx, "GET", "/metrics", NULL, NULL, 0, &metrics), ==, 200);
  g_assert_nonnull (strstr (metrics, "curbside_alert_to_claim_seconds_count 1"));
  g_assert_nonnull (strstr (metrics, "curbside_alerts_outstanding 0"));
}

static void
test_handover_full_and_partial (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) alex = NULL;
  g_autoptr(JsonObject) early = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) full = NULL;
  g_autoptr(JsonObject) partial = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *not_taken;

  hub_fixture_add_order (fx, "H1", FALSE);
  hub_fixture_add_order (fx, "H2", FALSE);
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  alex = hub_fixture_staff (fx, "st-1", "4821");
  arrive (fx, kiosk, "H1");
  arrive (fx, kiosk, "H2");

  early = hub_action (alex, "H1", CURB_HUB_ACTION_HANDOVER, "{\"id_checked\":false}", &body, &error);
  g_assert_null (early);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION);
  g_clear_error (&error);

  g_clear_pointer (&early, json_object_unref);
  early = hub_action (alex, "H1", CURB_HUB_ACTION_CLAIM, NULL, NULL, &error);
  g_assert_no_error (error);
  full = hub_action (alex, "H1", CURB_HUB_ACTION_HANDOVER, "{\"id_checked\":false,\"proof\":\"bags_scanned\","
                     " \"substitutions\":[{\"substitution_id\":\"S1\",\"approved\":true}]}",
                     NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (full), ==, "handed_over");

  g_clear_pointer (&early, json_object_unref);
  early = hub_action (alex, "H2", CURB_HUB_ACTION_CLAIM, NULL, NULL, &error);
  g_assert_no_error (error);
  partial = hub_action (alex, "H2", CURB_HUB_ACTION_HANDOVER,
                        "{\"id_checked\":true,\"not_taken\":[{\"line_id\":\"L2\",\"qty\":1,\"reason\":\"damaged\"}],"
                        " \"substitutions\":[{\"substitution_id\":\"S1\",\"approved\":false}]}",
                        NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (partial), ==, "partially_handed_over");
  not_taken = json_object_get_array_member (json_object_get_object_member (partial, "order"), "not_taken");
  g_assert_cmpuint (json_array_get_length (not_taken), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (not_taken, 0), "reason"),
                   ==, "damaged");
}

static void
test_id_check_required (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) alex = NULL;
  g_autoptr(JsonObject) claimed = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) done = NULL;
  g_autoptr(GError) error = NULL;

  hub_fixture_add_order (fx, "AGE1", TRUE);
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  alex = hub_fixture_staff (fx, "st-1", "4821");
  arrive (fx, kiosk, "AGE1");
  claimed = hub_action (alex, "AGE1", CURB_HUB_ACTION_CLAIM, NULL, NULL, &error);
  g_assert_no_error (error);
  refused = hub_action (alex, "AGE1", CURB_HUB_ACTION_HANDOVER, "{\"id_checked\":false}", &body, &error);
  g_assert_null (refused);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, "id_check_required");
  g_clear_error (&error);
  done = hub_action (alex, "AGE1", CURB_HUB_ACTION_HANDOVER, "{\"id_checked\":true,\"substitutions\":[{\"substitution_id\":\"S1\",\"approved\":true}]}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (done), ==, "handed_over");
}

/* The ID check follows the lines: a partial handoff that leaves the only
 * age-restricted line behind needs none (the hub and the store ask the
 * same rule), one that hands it over does. */
static void
test_id_check_follows_lines (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) alex = NULL;
  g_autoptr(JsonNode) order = json_from_string (
    "{\"ref\": \"AGE2\", \"version\": 1, \"first_name\": \"Sam\", \"age_restricted\": true,"
    " \"lines\": [{\"id\": \"L1\", \"name\": \"Wine\", \"qty\": 1, \"age_restricted\": true},"
    "  {\"id\": \"L2\", \"name\": \"Eggs\", \"qty\": 2, \"age_restricted\": false}]}", NULL);
  g_autoptr(JsonObject) claimed = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) done = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_store_upsert_order (fx->store, json_node_get_object (order), NULL, NULL, NULL, &error));
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  alex = hub_fixture_staff (fx, "st-1", "4821");
  arrive (fx, kiosk, "AGE2");
  claimed = hub_action (alex, "AGE2", CURB_HUB_ACTION_CLAIM, NULL, NULL, &error);
  g_assert_no_error (error);
  refused = hub_action (alex, "AGE2", CURB_HUB_ACTION_HANDOVER,
                        "{\"id_checked\":false,\"not_taken\":[{\"line_id\":\"L2\",\"qty\":2,\"reason\":\"damaged\"}]}",
                        &body, &error);
  g_assert_null (refused);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, "id_check_required");
  g_clear_error (&error);
  done = hub_action (alex, "AGE2", CURB_HUB_ACTION_HANDOVER,
                     "{\"id_checked\":false,\"not_taken\":[{\"line_id\":\"L1\",\"qty\":1,\"reason\":\"id_check_failed\"}]}",
                     NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (done), ==, "partially_handed_over");
}

static void
test_release_no_show_return (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) alex = NULL;
  g_autoptr(JsonObject) claimed = NULL;
  g_autoptr(JsonObject) released = NULL;
  g_autoptr(JsonObject) no_show = NULL;
  g_autoptr(JsonObject) returned = NULL;
  g_autoptr(JsonArray) audit = NULL;
  g_autoptr(GError) error = NULL;
  guint staff_entries = 0;

  hub_fixture_add_order (fx, "N1", FALSE);
  hub_fixture_add_order (fx, "N2", FALSE);
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  alex = hub_fixture_staff (fx, "st-1", "4821");
  arrive (fx, kiosk, "N1");
  claimed = hub_action (alex, "N1", CURB_HUB_ACTION_CLAIM, NULL, NULL, &error);
  g_assert_no_error (error);
  released = hub_action (alex, "N1", CURB_HUB_ACTION_RELEASE, "{\"reason\":\"wrong bay\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (released), ==, "arrived");
  no_show = hub_action (alex, "N2", CURB_HUB_ACTION_NO_SHOW, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (no_show), ==, "no_show");
  returned = hub_action (alex, "N2", CURB_HUB_ACTION_RETURN_TO_STOCK, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (returned), ==, "no_show");

  audit = curb_store_list_audit (fx->store, 0, 1000, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (audit); i++)
    {
      JsonObject *entry = json_array_get_object_element (audit, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (entry, "staff", NULL), "st-1") == 0
          && json_object_get_string_member_with_default (entry, "order_ref", NULL) != NULL)
        staff_entries++;
    }
  g_assert_cmpuint (staff_entries, ==, 4);
}

static void
test_substitutions (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) other = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(JsonObject) decided = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) bad = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *event;

  hub_fixture_add_order (fx, "SUB1", FALSE);
  arrive (fx, kiosk, "SUB1");
  refused = hub_action (other, "SUB1", CURB_HUB_ACTION_DECIDE_SUBSTITUTION,
                        "{\"substitution_id\":\"S1\",\"approved\":true}", NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  bad = hub_action (kiosk, "SUB1", CURB_HUB_ACTION_DECIDE_SUBSTITUTION,
                    "{\"substitution_id\":\"S1\",\"approved\":\"yes\"}", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_clear_error (&error);
  decided = hub_action (kiosk, "SUB1", CURB_HUB_ACTION_DECIDE_SUBSTITUTION,
                        "{\"substitution_id\":\"S1\",\"approved\":false}", NULL, &error);
  g_assert_no_error (error);
  event = json_object_get_object_member (decided, "event");
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "substitution_decided");
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (event, "data"), "approved"));
}

static const char *
substitution_status (JsonObject *reply)
{
  JsonArray *substitutions = json_object_get_array_member (json_object_get_object_member (reply, "order"),
                                                           "substitutions");

  return json_object_get_string_member (json_array_get_object_element (substitutions, 0), "status");
}

/* A substitution still undecided at the handoff: the hub refuses the
 * handoff (422 substitution_undecided, naming what to ask), by route and
 * queued; with the shopper's answer the order leaves with it decided. */
static void
test_handoff_needs_answers (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) alex = NULL;
  g_autoptr(JsonObject) claimed = NULL, refused = NULL, body = NULL, done = NULL, queued = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *now = curb_iso8601_from_ms (curb_now_ms ());
  g_autofree char *batch = NULL;
  JsonObject *result;

  hub_fixture_add_order (fx, "HS1", FALSE);
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  alex = hub_fixture_staff (fx, "st-1", "4821");
  arrive (fx, kiosk, "HS1");
  claimed = hub_action (alex, "HS1", CURB_HUB_ACTION_CLAIM, NULL, NULL, &error);
  g_assert_no_error (error);
  refused = hub_action (alex, "HS1", CURB_HUB_ACTION_HANDOVER, "{\"id_checked\":false}", &body, &error);
  g_assert_null (refused);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, "substitution_undecided");
  g_assert_nonnull (strstr (json_object_get_string_member (body, "message"), "Soy milk 1 L instead of Oat milk 1 L"));
  g_clear_error (&error);
  /* queued through /v1/events: rejected for the same reason */
  batch = g_strdup_printf ("{\"events\": [{\"id\": \"hs1-handover-1\", \"kind\": \"handed_over\", \"order_ref\": \"HS1\","
                           " \"at\": \"%s\", \"data\": {\"id_checked\": false}}]}", now);
  queued = hub_call (alex, "POST", "/v1/events", batch, NULL, &error);
  g_assert_no_error (error);
  result = json_array_get_object_element (json_object_get_array_member (queued, "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (result, "error"), ==, "substitution_undecided");
  /* an answer for a substitution the order does not have */
  g_clear_pointer (&body, json_object_unref);
  g_assert_null (hub_action (alex, "HS1", CURB_HUB_ACTION_HANDOVER,
                             "{\"id_checked\":false,\"substitutions\":[{\"substitution_id\":\"S9\",\"approved\":true}]}",
                             &body, &error));
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, "substitution_undecided");
  g_clear_error (&error);
  done = hub_action (alex, "HS1", CURB_HUB_ACTION_HANDOVER,
                     "{\"id_checked\":false,\"substitutions\":[{\"substitution_id\":\"S1\",\"approved\":false}]}",
                     NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (done), ==, "handed_over");
  g_assert_cmpstr (substitution_status (done), ==, "declined");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (done, "event"), "kind"),
                   ==, "handed_over");
}

static const char *
claimer_of (JsonObject *order)
{
  JsonNode *node = json_object_get_member (order, "claimed_by");

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node)
         ? json_object_get_string_member (json_node_get_object (node), "first_name") : NULL;
}

static JsonArray *
board_alerts (CurbHubClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) board = NULL;
  g_autoptr(GError) error = NULL;

  curb_hub_client_get_board_async (client, NULL, hub_store_result, &result);
  hub_wait (&result);
  board = curb_hub_client_request_finish (client, result, &error);
  g_assert_no_error (error);
  return json_array_ref (json_object_get_array_member (board, "alerts"));
}

typedef struct
{
  char    *kind;
  char    *state;
  char    *claimer;
  gboolean seen;
} Frame;

static void
on_stream_event (CurbHubStream *stream, JsonObject *event, Frame *frame)
{
  JsonObject *order = json_object_get_object_member (event, "order");

  if (g_strcmp0 (json_object_get_string_member (event, "kind"), "arrived") != 0 || order == NULL)
    return;
  frame->state = g_strdup (json_object_get_string_member (order, "state"));
  frame->claimer = g_strdup (claimer_of (order));
  frame->seen = TRUE;
}

/* Alex takes on an order whose shopper is on the way; the shopper checks in
 * and finds it claimed: no unclaimed alert, staging still learns of the
 * arrival (the order on the stream names Alex), and Alex hands it over. */
static void
test_claim_before_arrival (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) alex = NULL;
  g_autoptr(CurbHubClient) kim = NULL;
  g_autoptr(CurbHubStream) stream = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) taken = NULL;
  g_autoptr(JsonObject) second = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) checked_in = NULL;
  g_autoptr(JsonObject) handed = NULL;
  g_autoptr(JsonArray) alerts = NULL;
  g_autofree char *token = NULL;
  g_autofree char *metrics = NULL;
  g_autoptr(GError) error = NULL;
  Frame frame = { 0 };
  JsonObject *order;

  hub_fixture_add_order (fx, "OW1", FALSE);
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  hub_fixture_add_staff (fx, "st-2", "Kim", "7310");
  alex = hub_fixture_staff (fx, "st-1", "4821");
  kim = hub_fixture_staff (fx, "st-2", "7310");

  refused = hub_action (alex, "OW1", CURB_HUB_ACTION_CLAIM, NULL, &body, &error);
  g_assert_null (refused);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ILLEGAL_TRANSITION);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, "illegal_transition");
  g_clear_error (&error);
  g_clear_pointer (&body, json_object_unref);

  hub_fixture_announce (fx, "OW1");
  taken = hub_action (alex, "OW1", CURB_HUB_ACTION_CLAIM, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (taken), ==, "pending");
  g_assert_cmpstr (claimer_of (json_object_get_object_member (taken, "order")), ==, "Alex");
  second = hub_action (kim, "OW1", CURB_HUB_ACTION_CLAIM, NULL, &body, &error);
  g_assert_null (second);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ALREADY_CLAIMED);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "claimed_by"), "id"),
                   ==, "st-1");
  g_clear_error (&error);

  stream = curb_hub_client_open_stream (kim, curb_store_get_last_seq (fx->store));
  g_signal_connect (stream, "event", G_CALLBACK (on_stream_event), &frame);
  curb_hub_stream_start (stream);
  token = hub_fixture_token (fx, HUB_TEST_STORE_ID, "OW1", g_get_real_time () / G_USEC_PER_SEC + 3600);
  checked_in = hub_checkin (kiosk, token, "2", NULL, NULL, &error);
  g_assert_no_error (error);
  order = json_object_get_object_member (checked_in, "order");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "claimed");
  g_assert_cmpstr (claimer_of (order), ==, "Alex");
  g_assert_true (hub_spin_until (&frame.seen, 10000));
  g_assert_cmpstr (frame.state, ==, "claimed");
  g_assert_cmpstr (frame.claimer, ==, "Alex");
  curb_hub_stream_stop (stream);

  alerts = board_alerts (kim);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 0);
  g_assert_cmpuint (hub_raw (fx, "GET", "/metrics", NULL, NULL, 0, &metrics), ==, 200);
  g_assert_nonnull (strstr (metrics, "curbside_alerts_outstanding 0"));
  handed = hub_action (alex, "OW1", CURB_HUB_ACTION_HANDOVER, "{\"id_checked\":false,\"proof\":\"bags_scanned\","
                     " \"substitutions\":[{\"substitution_id\":\"S1\",\"approved\":true}]}",
                       NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (handed), ==, "handed_over");
  g_free (frame.state);
  g_free (frame.claimer);
}

/* Released before the shopper came: nobody's again, so the arrival rings. */
static void
test_release_before_arrival (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) alex = NULL;
  g_autoptr(JsonObject) taken = NULL;
  g_autoptr(JsonObject) released = NULL;
  g_autoptr(JsonArray) alerts = NULL;
  g_autoptr(GError) error = NULL;

  hub_fixture_add_order (fx, "OW2", FALSE);
  hub_fixture_announce (fx, "OW2");
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  alex = hub_fixture_staff (fx, "st-1", "4821");
  taken = hub_action (alex, "OW2", CURB_HUB_ACTION_CLAIM, NULL, NULL, &error);
  g_assert_no_error (error);
  released = hub_action (alex, "OW2", CURB_HUB_ACTION_RELEASE, "{\"reason\":\"on break\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state_of (released), ==, "pending");
  g_assert_null (claimer_of (json_object_get_object_member (released, "order")));
  arrive (fx, kiosk, "OW2");
  alerts = board_alerts (alex);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (alerts, 0), ==, "OW2");
}

static void
test_board_alerts (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) alex = NULL;
  g_autoptr(JsonObject) board = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *alerts;

  hub_fixture_add_order (fx, "B1", FALSE);
  hub_fixture_add_order (fx, "B2", FALSE);
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  alex = hub_fixture_staff (fx, "st-1", "4821");
  arrive (fx, kiosk, "B2");
  curb_hub_client_get_board_async (alex, NULL, hub_store_result, &result);
  hub_wait (&result);
  board = curb_hub_client_request_finish (alex, result, &error);
  g_assert_no_error (error);
  alerts = json_object_get_array_member (board, "alerts");
  g_assert_cmpuint (json_array_get_length (alerts), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (alerts, 0), ==, "B2");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (board, "orders")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (board, "escalated")), ==, 0);
  g_clear_pointer (&board, json_object_unref);
  g_clear_object (&result);
  curb_hub_set_alert_escalation (fx->hub, 0);
  curb_hub_client_get_board_async (alex, NULL, hub_store_result, &result);
  hub_wait (&result);
  board = curb_hub_client_request_finish (alex, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (board, "escalated"), 0), ==, "B2");
  g_assert_cmpint (json_object_get_int_member (board, "last_seq"), ==, curb_store_get_last_seq (fx->store));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, HubFixture, NULL, hub_fixture_setup, func, hub_fixture_teardown)
  ADD ("/hub/staff/claim-race", test_claim_race);
  ADD ("/hub/staff/claim-replay-metric", test_claim_replay_and_metric);
  ADD ("/hub/staff/handover", test_handover_full_and_partial);
  ADD ("/hub/staff/id-check", test_id_check_required);
  ADD ("/hub/staff/id-check-follows-lines", test_id_check_follows_lines);
  ADD ("/hub/staff/release-no-show-return", test_release_no_show_return);
  ADD ("/hub/staff/substitutions", test_substitutions);
  ADD ("/hub/staff/handoff-needs-answers", test_handoff_needs_answers);
  ADD ("/hub/staff/board-alerts", test_board_alerts);
  ADD ("/hub/staff/claim-before-arrival", test_claim_before_arrival);
  ADD ("/hub/staff/release-before-arrival", test_release_before_arrival);
#undef ADD
  return g_test_run ();
}
