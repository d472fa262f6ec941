/* Hostile input: a clear 4xx with a machine-readable reason, nothing
 * written, and the hub keeps serving everyone else. */

#include "test-hub-fixture.h"

static char *
reason_of (const char *body)
{
  g_autoptr(JsonNode) node = json_from_string (body, NULL);

  g_assert_nonnull (node);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "error"));
}

static void
assert_status (HubFixture *fx,
               const char *method,
               const char *path,
               const char *credential,
               const char *body,
               gssize      length,
               guint       status,
               const char *reason)
{
  g_autofree char *reply = NULL;
  g_autofree char *got = NULL;
  guint code = hub_raw (fx, method, path, credential, body,
                        length < 0 && body != NULL ? strlen (body) : (gsize) MAX (length, 0), &reply);

  g_assert_cmpuint (code, ==, status);
  got = reason_of (reply);
  g_assert_cmpstr (got, ==, reason);
}

static void
assert_still_serving (HubFixture *fx, const char *ref)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autofree char *token = hub_fixture_token (fx, HUB_TEST_STORE_ID, ref,
                                              g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;

  hub_fixture_add_order (fx, ref, FALSE);
  reply = hub_checkin (kiosk, token, "1", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
}

static void
test_malformed_json (HubFixture *fx, gconstpointer data)
{
  g_autofree char *kiosk = hub_fixture_enroll (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autofree char *deep = NULL;
  const char *bodies[] = {
    "{", "}", "[]", "null", "\"text\"", "42", "{\"token\": }",
    "{\"token\": \"x\", \"bay\": \"1\"", "\xff\xfe{}", "",
  };
  GString *nested = g_string_new ("{\"token\":");

  for (gsize i = 0; i < G_N_ELEMENTS (bodies); i++)
    assert_status (fx, "POST", "/v1/checkins", kiosk, bodies[i], -1, 400, "malformed_json");
  for (int i = 0; i < 20000; i++)
    g_string_append_c (nested, '[');
  deep = g_string_free (nested, FALSE);
  assert_status (fx, "POST", "/v1/checkins", kiosk, deep, -1, 400, "malformed_json");
  assert_status (fx, "POST", "/v1/events", kiosk, "{\"events\": {}}", -1, 400, "invalid");
  assert_still_serving (fx, "OK1");
}

static void
test_unknown_and_mistyped_fields (HubFixture *fx, gconstpointer data)
{
  g_autofree char *kiosk = hub_fixture_enroll (fx, CURB_DEVICE_ROLE_KIOSK, NULL);

  assert_status (fx, "POST", "/v1/checkins", kiosk, "{\"token\":\"x\",\"bay\":\"1\",\"admin\":true}", -1,
                 400, "unknown_field");
  assert_status (fx, "POST", "/v1/checkins", kiosk, "{\"token\":\"x\",\"bay\":5}", -1, 400, "invalid");
  assert_status (fx, "POST", "/v1/checkins", kiosk, "{\"token\":[\"x\"],\"bay\":\"1\"}", -1, 400, "invalid");
  assert_status (fx, "POST", "/v1/checkins", kiosk, "{\"bay\":\"1\"}", -1, 400, "invalid");
  assert_status (fx, "POST", "/v1/checkins", kiosk, "{\"token\":\"x\",\"ticket\":\"y\",\"bay\":\"1\"}", -1,
                 400, "invalid");
  assert_status (fx, "POST", "/v1/checkins", kiosk, "{\"token\":\"x\",\"bay\":\"1\",\"at\":\"yesterday\"}", -1,
                 400, "invalid");
  assert_status (fx, "POST", "/v1/heartbeat", kiosk, "{\"camera\":\"ok\",\"cpu\":99}", -1, 400, "unknown_field");
  assert_status (fx, "POST", "/v1/heartbeat", kiosk, "{\"outbox_depth\":\"many\"}", -1, 400, "invalid");
  assert_status (fx, "POST", "/v1/lookup", kiosk, "{\"ref\":\"A1\"}", -1, 400, "invalid");
  assert_still_serving (fx, "OK2");
}

static void
test_oversized (HubFixture *fx, gconstpointer data)
{
  g_autofree char *kiosk = hub_fixture_enroll (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  gsize size = 70 * 1024;
  g_autofree char *big = g_malloc (size);

  memset (big, ' ', size);
  big[0] = '{';
  big[size - 1] = '}';
  assert_status (fx, "POST", "/v1/checkins", kiosk, big, size, 413, "payload_too_large");
  assert_status (fx, "POST", "/v1/enroll", NULL, big, size, 413, "payload_too_large");
  assert_still_serving (fx, "OK3");
}

static void
test_markup_and_sql (HubFixture *fx, gconstpointer data)
{
  g_autofree char *kiosk = hub_fixture_enroll (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) devices = NULL;
  g_autofree char *code = NULL;
  g_autofree char *enroll = NULL;
  gboolean found = FALSE;

  hub_fixture_add_order (fx, "M1", FALSE);
  assert_status (fx, "POST", "/v1/checkins", kiosk, "{\"token\":\"x\",\"bay\":\"<b>1</b>\"}", -1, 400, "invalid");
  assert_status (fx, "POST", "/v1/checkins", kiosk, "{\"token\":\"x\",\"bay\":\"1' OR '1'='1\"}", -1, 400, "invalid");
  assert_status (fx, "GET", "/v1/orders/M1%27%3B%20DROP%20TABLE%20orders%3B--", kiosk, NULL, 0, 400, "invalid");
  assert_status (fx, "GET", "/v1/orders/%3Cscript%3E", kiosk, NULL, 0, 400, "invalid");
  assert_status (fx, "POST", "/v1/lookup", kiosk,
                 "{\"ref\":\"M1\",\"surname\":\"Rivera'); DROP TABLE orders;--\"}", -1, 404, "not_found");
  assert_status (fx, "POST", "/v1/lookup", kiosk,
                 "{\"ref\":\"' OR 1=1 --\",\"surname\":\"<span foreground='red'>x</span>\"}", -1, 404, "not_found");
  assert_status (fx, "POST", "/v1/checkins", kiosk,
                 "{\"token\":\"x\",\"bay\":\"1\",\"event_id\":\"" "0123456789012345678901234567890123456789"
                 "0123456789012345678901234567890123456789\"}", -1, 400, "invalid");

  /* Names are data: stored and returned verbatim, never interpreted. */
  code = curb_store_create_enrollment_code (fx->store, CURB_DEVICE_ROLE_KIOSK, 60000, &error);
  enroll = g_strdup_printf ("{\"code\":\"%s\",\"name\":\"<b>Door</b>'; DROP TABLE devices;--\"}", code);
  g_assert_cmpuint (hub_raw (fx, "POST", "/v1/enroll", NULL, enroll, strlen (enroll), NULL), ==, 200);
  devices = curb_store_list_devices (fx->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (devices); i++)
    found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (devices, i), "name"),
                        "<b>Door</b>'; DROP TABLE devices;--") == 0;
  g_assert_true (found);
  g_assert_true (curb_store_integrity_check (fx->store, &error));
  assert_still_serving (fx, "OK4");
}

static void
test_routes_and_methods (HubFixture *fx, gconstpointer data)
{
  g_autofree char *kiosk = hub_fixture_enroll (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autofree char *batch = NULL;
  GString *events = g_string_new ("{\"events\":[");

  assert_status (fx, "GET", "/v1/checkins", kiosk, NULL, 0, 405, "method_not_allowed");
  assert_status (fx, "DELETE", "/v1/orders/A1", kiosk, NULL, 0, 405, "method_not_allowed");
  assert_status (fx, "GET", "/v2/anything", kiosk, NULL, 0, 404, "no_route");
  assert_status (fx, "GET", "/v1/stream", kiosk, NULL, 0, 400, "websocket_required");
  for (int i = 0; i < 101; i++)
    g_string_append_printf (events, "%s{}", i ? "," : "");
  g_string_append (events, "]}");
  batch = g_string_free (events, FALSE);
  assert_status (fx, "POST", "/v1/events", kiosk, batch, -1, 400, "invalid");
  assert_still_serving (fx, "OK5");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, HubFixture, NULL, hub_fixture_setup, func, hub_fixture_teardown)
  ADD ("/hub/input/malformed-json", test_malformed_json);
  ADD ("/hub/input/fields", test_unknown_and_mistyped_fields);
  ADD ("/hub/input/oversized", test_oversized);
  ADD ("/hub/input/markup-and-sql", test_markup_and_sql);
  ADD ("/hub/input/routes", test_routes_and_methods);
#undef ADD
  return g_test_run ();
}
