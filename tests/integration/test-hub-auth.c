/* The hub API's authentication and authorization matrix, enrollment, TLS. */

#include "test-hub-fixture.h"

static void
assert_refused (CurbHubClient *client,
                const char    *method,
                const char    *path,
                const char    *body,
                CurbError      code,
                const char    *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) error_body = NULL;
  g_autoptr(JsonObject) reply = hub_call (client, method, path, body, &error_body, &error);

  g_assert_null (reply);
  g_assert_error (error, CURB_ERROR, (gint) code);
  g_assert_nonnull (error_body);
  g_assert_cmpstr (json_object_get_string_member (error_body, "error"), ==, reason);
  g_assert_nonnull (json_object_get_string_member (error_body, "message"));
}

static void
test_no_credential (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) anonymous = hub_fixture_client (fx);
  g_autoptr(CurbHubClient) wrong = hub_fixture_client (fx);
  const char *paths[][2] = {
    { "POST", "/v1/checkins" }, { "POST", "/v1/lookup" }, { "GET", "/v1/orders/A1" },
    { "GET", "/v1/orders?view=board" }, { "POST", "/v1/orders/A1/claim" }, { "POST", "/v1/events" },
    { "POST", "/v1/heartbeat" }, { "GET", "/v1/devices" }, { "GET", "/v1/status" },
    { "POST", "/v1/staff/session" },
  };

  curb_hub_client_set_credential (wrong, "0000000000000000000000000000000000000000000000000000000000000000");
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      const char *body = g_str_equal (paths[i][0], "POST") ? "{}" : NULL;

      assert_refused (anonymous, paths[i][0], paths[i][1], body, CURB_ERROR_UNAUTHORIZED, "unauthorized");
      assert_refused (wrong, paths[i][0], paths[i][1], body, CURB_ERROR_UNAUTHORIZED, "unauthorized");
    }
}

static void
test_revoked (HubFixture *fx, gconstpointer data)
{
  g_autofree char *device_id = NULL;
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, &device_id);
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(GError) error = NULL;

  status = hub_call (kiosk, "GET", "/v1/status", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (status, "store_id"), ==, HUB_TEST_STORE_ID);
  curb_store_revoke_device (fx->store, device_id, &error);
  g_assert_no_error (error);
  assert_refused (kiosk, "GET", "/v1/status", NULL, CURB_ERROR_UNAUTHORIZED, "unauthorized");
}

static void
test_kiosk_cannot_do_staff_actions (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  const char *actions[] = { "claim", "release", "stage", "handover", "no-show", "return-to-stock" };

  hub_fixture_add_order (fx, "A1", FALSE);
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autofree char *path = g_strdup_printf ("/v1/orders/A1/%s", actions[i]);

      assert_refused (kiosk, "POST", path, "{}", CURB_ERROR_FORBIDDEN, "forbidden");
    }
  assert_refused (kiosk, "GET", "/v1/orders?view=board", NULL, CURB_ERROR_FORBIDDEN, "forbidden");
  assert_refused (kiosk, "GET", "/v1/devices", NULL, CURB_ERROR_FORBIDDEN, "forbidden");
  assert_refused (kiosk, "POST", "/v1/staff/session", "{\"staff_id\":\"st-1\",\"pin\":\"1234\"}",
                  CURB_ERROR_FORBIDDEN, "forbidden");
}

static void
test_staff_session_required (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(CurbHubClient) other = NULL;
  g_autoptr(JsonObject) board = NULL;
  g_autoptr(JsonObject) session = NULL;
  g_autoptr(GError) error = NULL;

  hub_fixture_add_order (fx, "A1", FALSE);
  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  board = hub_call (staging, "GET", "/v1/orders?view=board", NULL, NULL, &error);
  g_assert_no_error (error);
  assert_refused (staging, "POST", "/v1/orders/A1/claim", "{}", CURB_ERROR_UNAUTHORIZED,
                  "staff_session_required");
  assert_refused (staging, "POST", "/v1/staff/session", "{\"staff_id\":\"st-1\",\"pin\":\"0000\"}",
                  CURB_ERROR_UNAUTHORIZED, "unauthorized");
  assert_refused (staging, "POST", "/v1/staff/session", "{\"staff_id\":\"nobody\",\"pin\":\"4821\"}",
                  CURB_ERROR_UNAUTHORIZED, "unauthorized");
  session = hub_call (staging, "POST", "/v1/staff/session", "{\"staff_id\":\"st-1\",\"pin\":\"4821\"}",
                      NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (session, "staff"),
                                                  "first_name"), ==, "Alex");
  /* A session is bound to the station that opened it. */
  other = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  curb_hub_client_set_staff_session (other, json_object_get_string_member (session, "session"));
  assert_refused (other, "POST", "/v1/orders/A1/claim", "{}", CURB_ERROR_UNAUTHORIZED,
                  "staff_session_required");
}

static void
test_sign_in_rate_limited (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  guint refused = 0, limited = 0;

  hub_fixture_add_staff (fx, "st-1", "Alex", "4821");
  for (int i = 0; i < 8; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) reply = hub_call (staging, "POST", "/v1/staff/session",
                                              "{\"staff_id\":\"st-1\",\"pin\":\"9999\"}", NULL, &error);

      g_assert_null (reply);
      refused += g_error_matches (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
      limited += g_error_matches (error, CURB_ERROR, CURB_ERROR_RATE_LIMITED);
    }
  g_assert_cmpuint (refused, ==, 5);
  g_assert_cmpuint (limited, ==, 3);
}

static void
test_enrollment_single_use (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) client = hub_fixture_client (fx);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = curb_store_create_enrollment_code (fx->store, CURB_DEVICE_ROLE_KIOSK, 60000, &error);
  g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\",\"name\":\"kiosk-door\"}", code);
  g_autoptr(JsonObject) first = hub_call (client, "POST", "/v1/enroll", body, NULL, &error);
  g_autoptr(JsonArray) audit = NULL;
  g_autoptr(JsonArray) devices = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (first, "role"), ==, "kiosk");
  g_assert_cmpuint (strlen (json_object_get_string_member (first, "credential")), >=, 32);
  assert_refused (client, "POST", "/v1/enroll", body, CURB_ERROR_UNAUTHORIZED, "unauthorized");
  assert_refused (client, "POST", "/v1/enroll", "{\"code\":\"AAAAAAAA\",\"name\":\"x\"}",
                  CURB_ERROR_UNAUTHORIZED, "unauthorized");
  assert_refused (client, "POST", "/v1/enroll", "{\"code\":\"AAAAAAAA\"}", CURB_ERROR_INVALID, "invalid");
  devices = curb_store_list_devices (fx->store, &error);
  g_assert_cmpuint (json_array_get_length (devices), ==, 1);
  audit = curb_store_list_audit (fx->store, 0, 100, &error);
  g_assert_cmpuint (json_array_get_length (audit), >=, 1);
}

static void
test_open_endpoints (HubFixture *fx, gconstpointer data)
{
  g_autofree char *health = NULL;
  g_autofree char *metrics = NULL;

  g_assert_cmpuint (hub_raw (fx, "GET", "/healthz", NULL, NULL, 0, &health), ==, 200);
  g_assert_nonnull (strstr (health, "\"ok\""));
  g_assert_cmpuint (hub_raw (fx, "GET", "/metrics", NULL, NULL, 0, &metrics), ==, 200);
  g_assert_nonnull (strstr (metrics, "# TYPE curbside_checkins_total counter"));
  g_assert_nonnull (strstr (metrics, "curbside_alert_to_claim_seconds_bucket{le=\"+Inf\"} 0"));
  g_assert_nonnull (strstr (metrics, "curbside_outbox_depth 0"));
  g_assert_nonnull (strstr (metrics, "curbside_central_online"));
}

static void
test_heartbeat_gauges (HubFixture *fx, gconstpointer data)
{
  g_autofree char *device_id = NULL;
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, &device_id);
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(JsonObject) beat = NULL;
  g_autoptr(JsonObject) devices = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *metrics = NULL;
  g_autofree char *camera = NULL;
  g_autofree char *printer = NULL;

  beat = hub_call (kiosk, "POST", "/v1/heartbeat",
                   "{\"camera\":\"ok\",\"printer\":\"paper_out\",\"app_version\":\"0.1.0\",\"outbox_depth\":0}",
                   NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (beat, "ok"));
  devices = hub_call (staging, "GET", "/v1/devices", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (devices, "online"), ==, 1);
  g_assert_cmpuint (hub_raw (fx, "GET", "/metrics", NULL, NULL, 0, &metrics), ==, 200);
  camera = g_strdup_printf ("curbside_device_camera_ok{device=\"%s\"} 1\n", device_id);
  printer = g_strdup_printf ("curbside_device_printer_ok{device=\"%s\"} 0\n", device_id);
  g_assert_nonnull (strstr (metrics, camera));
  g_assert_nonnull (strstr (metrics, printer));
  g_assert_nonnull (strstr (metrics, "curbside_devices_online 1\n"));
}

static void
test_tls_pinning (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CurbHubClient) unpinned = curb_hub_client_new (fx->url);
  g_autoptr(CurbHubClient) wrong_pin = curb_hub_client_new (fx->url);
  g_autoptr(CurbHubClient) ca = curb_hub_client_new (fx->url);
  g_autofree char *cert_path = g_build_filename (fx->dir, "hub-cert.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;

  reply = hub_call (unpinned, "GET", "/healthz", NULL, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  curb_hub_client_set_pinned_certificate (wrong_pin, "00:11:22");
  reply = hub_call (wrong_pin, "GET", "/healthz", NULL, NULL, &error);
  g_assert_null (reply);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);
  g_clear_error (&error);

  g_assert_true (curb_hub_client_set_ca_file (ca, cert_path, &error));
  reply = hub_call (ca, "GET", "/healthz", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (reply, "status"), ==, "ok");
}

static void
test_certificate_kept (HubFixture *fx, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) again = curb_hub_cert_ensure (fx->dir, &error);
  g_autofree char *fingerprint = NULL;
  g_autofree char *key_path = g_build_filename (fx->dir, "hub-key.pem", NULL);
  GStatBuf st;

  g_assert_no_error (error);
  fingerprint = curb_hub_cert_fingerprint (again);
  g_assert_cmpstr (fingerprint, ==, fx->fingerprint);
  g_assert_cmpint (g_stat (key_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, HubFixture, NULL, hub_fixture_setup, func, hub_fixture_teardown)
  ADD ("/hub/auth/no-credential", test_no_credential);
  ADD ("/hub/auth/revoked", test_revoked);
  ADD ("/hub/auth/kiosk-forbidden", test_kiosk_cannot_do_staff_actions);
  ADD ("/hub/auth/staff-session", test_staff_session_required);
  ADD ("/hub/auth/sign-in-rate-limited", test_sign_in_rate_limited);
  ADD ("/hub/auth/enrollment-single-use", test_enrollment_single_use);
  ADD ("/hub/auth/open-endpoints", test_open_endpoints);
  ADD ("/hub/auth/heartbeat-gauges", test_heartbeat_gauges);
  ADD ("/hub/auth/tls-pinning", test_tls_pinning);
  ADD ("/hub/auth/certificate-kept", test_certificate_kept);
#undef ADD
  return g_test_run ();
}
