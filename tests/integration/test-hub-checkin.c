/* Check-in by token and by lookup, every token rejection, idempotency,
 * offline-queued events, lookup rate limits. */

#include "test-hub-fixture.h"

static gint64
in_an_hour (void)
{
  return g_get_real_time () / G_USEC_PER_SEC + 3600;
}

static JsonObject *
order_of (JsonObject *reply)
{
  return json_object_get_object_member (reply, "order");
}

static void
test_checkin_by_token (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autofree char *token = hub_fixture_token (fx, HUB_TEST_STORE_ID, "A7K3Q9", in_an_hour ());
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *order, *event;

  hub_fixture_add_order (fx, "A7K3Q9", FALSE);
  reply = hub_checkin (kiosk, token, "3", "ev-1", NULL, &error);
  g_assert_no_error (error);
  order = order_of (reply);
  event = json_object_get_object_member (reply, "event");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "arrived");
  g_assert_cmpstr (json_object_get_string_member (order, "bay"), ==, "3");
  g_assert_cmpstr (json_object_get_string_member (order, "first_name"), ==, "Sam");
  g_assert_false (json_object_has_member (order, "surname"));
  g_assert_false (json_object_has_member (order, "phone_last4"));
  g_assert_false (json_object_has_member (order, "token"));
  /* Not staged yet is no error: the shopper is told to wait longer. */
  g_assert_false (json_object_get_boolean_member (reply, "staged"));
  g_assert_cmpint (json_object_get_int_member (reply, "eta_s"), >, 0);
  g_assert_false (json_object_get_boolean_member (reply, "replayed"));
  g_assert_cmpstr (json_object_get_string_member (event, "id"), ==, "ev-1");
  g_assert_cmpstr (json_object_get_string_member (event, "kind"), ==, "arrived");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "data"), "source"),
                   ==, "scan");
  g_assert_cmpint (json_object_get_int_member (event, "seq"), >, 0);
}

static void
test_token_rejections (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbSigningKey) impostor = curb_signing_key_generate ("t1", NULL);
  g_autoptr(CurbSigningKey) stranger = curb_signing_key_generate ("zz", NULL);
  g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (HUB_TEST_STORE_ID, "A7K3Q9", in_an_hour ());
  g_autofree char *bad_signature = curb_token_sign (impostor, claims, NULL);
  g_autofree char *unknown_key = curb_token_sign (stranger, claims, NULL);
  g_autofree char *expired = hub_fixture_token (fx, HUB_TEST_STORE_ID, "A7K3Q9",
                                                g_get_real_time () / G_USEC_PER_SEC - 3600);
  g_autofree char *other_store = hub_fixture_token (fx, "store-999", "A7K3Q9", in_an_hour ());
  g_autofree char *unknown_order = hub_fixture_token (fx, HUB_TEST_STORE_ID, "NOPE42", in_an_hour ());
  const struct { const char *token; const char *reason; CurbError code; } cases[] = {
    { "HELLO", "token_malformed", CURB_ERROR_TOKEN_MALFORMED },
    { "<script>alert(1)</script>", "token_malformed", CURB_ERROR_TOKEN_MALFORMED },
    { bad_signature, "token_bad_signature", CURB_ERROR_TOKEN_BAD_SIGNATURE },
    { unknown_key, "token_unknown_key", CURB_ERROR_TOKEN_UNKNOWN_KEY },
    { expired, "token_expired", CURB_ERROR_TOKEN_EXPIRED },
    { other_store, "token_other_store", CURB_ERROR_TOKEN_OTHER_STORE },
    { unknown_order, "not_found", CURB_ERROR_NOT_FOUND },
  };
  g_autofree char *metrics = NULL;

  hub_fixture_add_order (fx, "A7K3Q9", FALSE);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) body = NULL;
      g_autoptr(JsonObject) reply = hub_checkin (kiosk, cases[i].token, "3", NULL, &body, &error);

      g_assert_null (reply);
      g_assert_error (error, CURB_ERROR, (gint) cases[i].code);
      g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, cases[i].reason);
      g_assert_null (strstr (json_object_get_string_member (body, "message"), "A7K3Q9"));
      g_assert_false (json_object_has_member (body, "order"));
    }
  g_assert_cmpuint (hub_raw (fx, "GET", "/metrics", NULL, NULL, 0, &metrics), ==, 200);
  g_assert_nonnull (strstr (metrics, "curbside_checkin_rejections_total{reason=\"token_expired\"} 1"));
  g_assert_nonnull (strstr (metrics, "curbside_checkins_total 0"));
  g_assert_cmpint (curb_store_get_last_seq (fx->store), ==, 0);
}

static void
test_duplicate_event_id (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autofree char *token = hub_fixture_token (fx, HUB_TEST_STORE_ID, "A7K3Q9", in_an_hour ());
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) other = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;

  hub_fixture_add_order (fx, "A7K3Q9", FALSE);
  first = hub_checkin (kiosk, token, "3", "same-id", NULL, &error);
  g_assert_no_error (error);
  again = hub_checkin (kiosk, token, "3", "same-id", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (again, "replayed"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (first, "event"), "seq"), ==,
                   json_object_get_int_member (json_object_get_object_member (again, "event"), "seq"));
  /* A second scan (new event id) is refused with the current state. */
  other = hub_checkin (kiosk, token, "5", "another-id", &body, &error);
  g_assert_null (other);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_ALREADY_ARRIVED);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "order"), "state"),
                   ==, "arrived");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "order"), "bay"),
                   ==, "3");
  events = curb_store_list_order_events (fx->store, "A7K3Q9", NULL);
  g_assert_cmpuint (events->len, ==, 1);
}

static void
test_cancelled_order (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autofree char *token = hub_fixture_token (fx, HUB_TEST_STORE_ID, "C1", in_an_hour ());
  g_autoptr(JsonNode) cancel = json_from_string ("{\"ref\":\"C1\",\"version\":2,\"first_name\":\"Sam\","
                                                 "\"cancelled\":true}", NULL);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  hub_fixture_add_order (fx, "C1", FALSE);
  curb_store_upsert_order (fx->store, json_node_get_object (cancel), NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  reply = hub_checkin (kiosk, token, "1", NULL, &body, &error);
  g_assert_null (reply);
  /* one answer for every closed order, without the order */
  g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFLICT);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, "order_closed");
  g_assert_false (json_object_has_member (body, "order"));
}

static void
test_staged_order_eta (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) staff = NULL;
  g_autofree char *token = hub_fixture_token (fx, HUB_TEST_STORE_ID, "S1", in_an_hour ());
  g_autoptr(JsonObject) staged = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  hub_fixture_add_order (fx, "S1", FALSE);
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  staff = hub_fixture_staff (fx, "st-1", "4821");
  staged = hub_action (staff, "S1", CURB_HUB_ACTION_STAGE,
                       "{\"locations\":[{\"zone\":\"C\",\"shelf\":\"2\",\"bin\":\"14\"}],"
                       "\"bags\":{\"ambient\":1,\"chilled\":1,\"frozen\":0}}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (order_of (staged), "state"), ==, "ready");
  reply = hub_checkin (kiosk, token, "2", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (reply, "staged"));
  g_assert_cmpint (json_object_get_int_member (reply, "eta_s"), <, 600);
}

static JsonObject *
post_events (CurbHubClient *client,
             const char    *events_json,
             GError       **error)
{
  g_autofree char *body = g_strdup_printf ("{\"events\": %s}", events_json);

  return hub_call (client, "POST", "/v1/events", body, NULL, error);
}

static const char *
result_status (JsonObject *reply,
               guint       index)
{
  JsonArray *results = json_object_get_array_member (reply, "results");

  return json_object_get_string_member (json_array_get_object_element (results, index), "status");
}

static void
test_offline_events (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = hub_fixture_token (fx, HUB_TEST_STORE_ID, "Q1", in_an_hour ());
  g_autofree char *arrived_at = curb_iso8601_from_ms (curb_now_ms () - 10 * 60 * 1000);
  g_autofree char *later = curb_iso8601_from_ms (curb_now_ms () - 9 * 60 * 1000);
  /* an offline check-in carries its token, like a live one */
  g_autofree char *queued = g_strdup_printf (
    "[{\"id\":\"off-1\",\"kind\":\"arrived\",\"order_ref\":\"Q1\",\"at\":\"%s\",\"token\":\"%s\","
    "  \"device\":\"someone-else\",\"data\":{\"bay\":\"4\",\"source\":\"scan\"}},"
    " {\"id\":\"off-2\",\"kind\":\"claimed\",\"order_ref\":\"Q1\",\"at\":\"%s\","
    "  \"device\":\"k\",\"staff\":\"st-1\",\"data\":{\"staff_name\":\"Alex\",\"eta_s\":60}},"
    " {\"id\":\"off-3\",\"kind\":\"cancelled\",\"order_ref\":\"Q1\",\"at\":\"%s\","
    "  \"device\":\"k\",\"data\":{\"reason\":\"x\"}},"
    " {\"id\":\"off-4\",\"kind\":\"arrived\",\"order_ref\":\"NOPE\",\"at\":\"%s\","
    "  \"device\":\"k\",\"data\":{\"bay\":\"4\",\"source\":\"scan\"}},"
    " 42]", arrived_at, token, later, later, arrived_at);

  hub_fixture_add_order (fx, "Q1", FALSE);
  first = post_events (kiosk, queued, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result_status (first, 0), ==, "applied");
  g_assert_cmpstr (result_status (first, 1), ==, "rejected");
  g_assert_cmpstr (result_status (first, 2), ==, "rejected");
  g_assert_cmpstr (result_status (first, 3), ==, "rejected");
  g_assert_cmpstr (result_status (first, 4), ==, "rejected");
  again = post_events (kiosk, queued, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result_status (again, 0), ==, "duplicate");
  order = curb_store_get_order (fx->store, "Q1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "arrived");
  g_assert_cmpstr (json_object_get_string_member (order, "arrived_at"), ==, arrived_at);
  g_assert_cmpint (curb_store_get_last_seq (fx->store), ==, 1);
}

static JsonObject *
lookup (CurbHubClient *client,
        const char    *ref,
        const char    *surname,
        const char    *phone,
        JsonObject   **out_body,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  curb_hub_client_lookup_async (client, ref, surname, phone, NULL, hub_store_result, &result);
  hub_wait (&result);
  return hub_finish (client, result, out_body, error);
}

static void
test_lookup_and_ticket (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) other = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(JsonObject) found = NULL;
  g_autoptr(JsonObject) by_phone = NULL;
  g_autoptr(JsonObject) wrong = NULL;
  g_autoptr(JsonObject) stolen = NULL;
  g_autoptr(JsonObject) checked_in = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *ticket;

  hub_fixture_add_order (fx, "L1", FALSE);
  wrong = lookup (kiosk, "L1", "Smith", NULL, NULL, &error);
  g_assert_null (wrong);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND);
  g_clear_error (&error);
  by_phone = lookup (kiosk, "l1", NULL, "0142", NULL, &error);
  g_assert_no_error (error);
  found = lookup (kiosk, "L1", "rivera", NULL, NULL, &error);
  g_assert_no_error (error);
  ticket = json_object_get_string_member (found, "ticket");
  g_assert_nonnull (ticket);
  g_assert_false (json_object_has_member (order_of (found), "surname"));

  curb_hub_client_checkin_async (other, ticket, TRUE, "7", NULL, 0, NULL, hub_store_result, &result);
  hub_wait (&result);
  stolen = curb_hub_client_request_finish (other, result, &error);
  g_assert_null (stolen);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_cmpstr (json_object_get_string_member (curb_hub_client_get_error_body (result), "error"), ==,
                   "ticket_invalid");
  g_clear_error (&error);
  g_clear_object (&result);

  curb_hub_client_checkin_async (kiosk, ticket, TRUE, "7", NULL, 0, NULL, hub_store_result, &result);
  hub_wait (&result);
  checked_in = curb_hub_client_request_finish (kiosk, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_object_get_object_member (checked_in, "event"), "data"),
                     "source"), ==, "lookup");
}

static void
test_lookup_rate_limited (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) other = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) third = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  hub_fixture_add_order (fx, "L1", FALSE);
  curb_hub_set_lookup_limits (fx->hub, 3, 5);
  for (int i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) miss = lookup (kiosk, "L1", "Wrong", NULL, NULL, &error);

      g_assert_null (miss);
      g_assert_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }
  reply = lookup (kiosk, "L1", "Rivera", NULL, &body, &error);
  g_assert_null (reply);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_RATE_LIMITED);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, "rate_limited");
  g_assert_cmpint (json_object_get_int_member (body, "retry_after_s"), >=, 1);
  g_clear_error (&error);
  g_clear_pointer (&body, json_object_unref);

  /* The store-wide bucket (5) runs out across devices. */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(JsonObject) ok = lookup (other, "L1", "Rivera", NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (ok);
    }
  reply = lookup (third, "L1", "Rivera", NULL, &body, &error);
  g_assert_null (reply);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_RATE_LIMITED);
}

static void
test_retry_after_header (HubFixture *fx, gconstpointer data)
{
  g_autofree char *credential = hub_fixture_enroll (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  const char *body = "{\"ref\":\"X1\",\"surname\":\"Doe\"}";
  guint status = 0;

  curb_hub_set_lookup_limits (fx->hub, 1, 100);
  g_assert_cmpuint (hub_raw (fx, "POST", "/v1/lookup", credential, body, strlen (body), NULL), ==, 404);
  status = hub_raw (fx, "POST", "/v1/lookup", credential, body, strlen (body), NULL);
  g_assert_cmpuint (status, ==, 429);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, HubFixture, NULL, hub_fixture_setup, func, hub_fixture_teardown)
  ADD ("/hub/checkin/by-token", test_checkin_by_token);
  ADD ("/hub/checkin/token-rejections", test_token_rejections);
  ADD ("/hub/checkin/duplicate-event-id", test_duplicate_event_id);
  ADD ("/hub/checkin/cancelled", test_cancelled_order);
  ADD ("/hub/checkin/staged-eta", test_staged_order_eta);
  ADD ("/hub/checkin/offline-events", test_offline_events);
  ADD ("/hub/lookup/ticket", test_lookup_and_ticket);
  ADD ("/hub/lookup/rate-limited", test_lookup_rate_limited);
  ADD ("/hub/lookup/retry-after", test_retry_after_header);
#undef ADD
  return g_test_run ();
}
