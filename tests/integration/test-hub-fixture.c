#include <string.h>

#include "curb-hub-cert.h"
#include "curb-test-helpers.h"
#include "test-hub-fixture.h"

void
hub_fixture_setup (HubFixture    *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbKeyring) keyring = curb_keyring_new ();
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *db = NULL;

  fx->dir = curb_test_mkdtemp ();
  db = g_build_filename (fx->dir, "store.db", NULL);
  fx->store = curb_store_open (db, &error);
  g_assert_no_error (error);
  fx->issuer = curb_signing_key_generate ("t1", &error);
  g_assert_no_error (error);
  curb_keyring_add (keyring, "t1", curb_signing_key_get_public_key (fx->issuer), &error);
  g_assert_no_error (error);
  certificate = curb_hub_cert_ensure (fx->dir, &error);
  g_assert_no_error (error);
  fx->fingerprint = curb_hub_cert_fingerprint (certificate);
  fx->hub = curb_hub_new (fx->store, keyring, HUB_TEST_STORE_ID);
  curb_hub_set_tls_certificate (fx->hub, certificate);
  curb_hub_listen (fx->hub, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  fx->url = curb_hub_get_url (fx->hub);
  g_assert_true (g_str_has_prefix (fx->url, "https://127.0.0.1:"));
}

void
hub_fixture_teardown (HubFixture    *fx,
                      gconstpointer  data)
{
  curb_hub_shutdown (fx->hub);
  hub_spin (20);
  g_clear_object (&fx->hub);
  g_clear_object (&fx->store);
  g_clear_object (&fx->issuer);
  curb_test_rmdir (fx->dir);
  g_clear_pointer (&fx->dir, g_free);
  g_clear_pointer (&fx->url, g_free);
  g_clear_pointer (&fx->fingerprint, g_free);
}

static void
upsert_order (HubFixture *fx,
              const char *ref,
              gboolean    age_restricted,
              gint64      version,
              const char *extra)
{
  g_autofree char *text = g_strdup_printf (
    "{\"ref\": \"%s\", \"store_id\": \"" HUB_TEST_STORE_ID "\", \"version\": %" G_GINT64_FORMAT ","
    " \"first_name\": \"Sam\", \"last_initial\": \"R\", \"surname\": \"Rivera\", \"phone_last4\": \"0142\","
    " \"window_start\": \"2026-11-27T15:00:00.000Z\", \"window_end\": \"2026-11-27T16:00:00.000Z\","
    " \"age_restricted\": %s,"
    " \"lines\": [{\"id\": \"L1\", \"sku\": \"GRO-EGGS-12\", \"name\": \"Eggs\", \"qty\": 2,"
    "   \"temperature\": \"chilled\", \"age_restricted\": false},"
    "  {\"id\": \"L2\", \"sku\": \"GRO-MILK\", \"name\": \"Oat milk\", \"qty\": 1,"
    "   \"temperature\": \"chilled\", \"age_restricted\": false}],"
    " \"substitutions\": [{\"id\": \"S1\", \"line_id\": \"L2\", \"original\": \"Oat milk 1 L\","
    "   \"replacement\": \"Soy milk 1 L\", \"qty\": 1, \"status\": \"pending\"}],"
    " %s\"cancelled\": false}", ref, version, age_restricted ? "true" : "false", extra);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  curb_store_upsert_order (fx->store, json_node_get_object (node), NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

void
hub_fixture_add_order (HubFixture *fx,
                       const char *ref,
                       gboolean    age_restricted)
{
  upsert_order (fx, ref, age_restricted, 1, "");
}

void
hub_fixture_announce (HubFixture *fx,
                      const char *ref)
{
  g_autofree char *now = curb_iso8601_from_ms (curb_now_ms ());
  g_autofree char *eta = curb_iso8601_from_ms (curb_now_ms () + 10 * 60 * 1000);
  g_autofree char *extra = g_strdup_printf ("\"on_the_way\": {\"announced_at\": \"%s\", \"eta\": \"%s\"},",
                                            now, eta);

  upsert_order (fx, ref, FALSE, 2, extra);
}

char *
hub_fixture_token (HubFixture *fx,
                   const char *store_id,
                   const char *ref,
                   gint64      expires_s)
{
  g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (store_id, ref, expires_s);
  g_autoptr(GError) error = NULL;
  char *token = curb_token_sign (fx->issuer, claims, &error);

  g_assert_no_error (error);
  return token;
}

void
hub_fixture_add_staff (HubFixture *fx,
                       const char *staff_id,
                       const char *first_name,
                       const char *pin)
{
  g_autoptr(GError) error = NULL;

  curb_store_add_staff (fx->store, staff_id, first_name, CURB_STAFF_ROLE_STAFF, pin, NULL, &error);
  g_assert_no_error (error);
}

CurbHubClient *
hub_fixture_client (HubFixture *fx)
{
  CurbHubClient *client = curb_hub_client_new (fx->url);

  curb_hub_client_set_pinned_certificate (client, fx->fingerprint);
  return client;
}

char *
hub_fixture_enroll (HubFixture      *fx,
                    CurbDeviceRole   role,
                    char           **out_device_id)
{
  g_autoptr(CurbHubClient) client = hub_fixture_client (fx);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = curb_store_create_enrollment_code (fx->store, role, 60000, &error);

  g_assert_no_error (error);
  curb_hub_client_enroll_async (client, code, "test device", NULL, hub_store_result, &result);
  hub_wait (&result);
  reply = curb_hub_client_request_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (reply, "role"), ==, curb_device_role_to_string (role));
  g_assert_cmpstr (json_object_get_string_member (reply, "hub_fingerprint"), ==, fx->fingerprint);
  if (out_device_id != NULL)
    *out_device_id = g_strdup (json_object_get_string_member (reply, "device_id"));
  return g_strdup (json_object_get_string_member (reply, "credential"));
}

CurbHubClient *
hub_fixture_device (HubFixture      *fx,
                    CurbDeviceRole   role,
                    char           **out_device_id)
{
  g_autofree char *credential = hub_fixture_enroll (fx, role, out_device_id);
  CurbHubClient *client = hub_fixture_client (fx);

  curb_hub_client_set_credential (client, credential);
  return client;
}

CurbHubClient *
hub_fixture_staff (HubFixture *fx,
                   const char *staff_id,
                   const char *pin)
{
  CurbHubClient *client = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;

  curb_hub_client_staff_sign_in_async (client, staff_id, pin, NULL, NULL, hub_store_result, &result);
  hub_wait (&result);
  reply = curb_hub_client_request_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_object_get_string_member (reply, "session"));
  return client;
}

void
hub_store_result (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

void
hub_wait (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

JsonObject *
hub_finish (CurbHubClient  *client,
            GAsyncResult   *result,
            JsonObject    **out_error_body,
            GError        **error)
{
  JsonObject *reply = curb_hub_client_request_finish (client, result, error);
  JsonObject *body = curb_hub_client_get_error_body (result);

  if (out_error_body != NULL)
    *out_error_body = body != NULL ? json_object_ref (body) : NULL;
  return reply;
}

JsonObject *
hub_call (CurbHubClient  *client,
          const char     *method,
          const char     *path,
          const char     *json_body,
          JsonObject    **out_error_body,
          GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (json_body != NULL)
    {
      node = json_from_string (json_body, NULL);
      g_assert_nonnull (node);
    }
  curb_hub_client_request_async (client, method, path, node != NULL ? json_node_get_object (node) : NULL,
                                 NULL, hub_store_result, &result);
  hub_wait (&result);
  return hub_finish (client, result, out_error_body, error);
}

JsonObject *
hub_checkin (CurbHubClient  *client,
             const char     *token,
             const char     *bay,
             const char     *event_id,
             JsonObject    **out_error_body,
             GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  curb_hub_client_checkin_async (client, token, FALSE, bay, event_id, 0, NULL, hub_store_result, &result);
  hub_wait (&result);
  return hub_finish (client, result, out_error_body, error);
}

JsonObject *
hub_action (CurbHubClient  *client,
            const char     *ref,
            CurbHubAction   action,
            const char     *json_body,
            JsonObject    **out_error_body,
            GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (json_body != NULL)
    node = json_from_string (json_body, NULL);
  curb_hub_client_action_async (client, ref, action, node != NULL ? json_node_get_object (node) : NULL,
                                NULL, hub_store_result, &result);
  hub_wait (&result);
  return hub_finish (client, result, out_error_body, error);
}

static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;
}

guint
hub_raw (HubFixture  *fx,
         const char  *method,
         const char  *path,
         const char  *credential,
         const char  *body,
         gsize        length,
         char       **out_body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (fx->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  if (credential != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", credential, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, hub_store_result, &result);
  hub_wait (&result);
  reply = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  if (out_body != NULL)
    *out_body = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  return soup_message_get_status (msg);
}

static gboolean
on_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
hub_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;
  guint tick = g_timeout_add (5, on_tick, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

gboolean
hub_spin_until (gboolean *flag,
                guint     timeout_ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (5, on_tick, NULL);

  while (!*flag && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return *flag;
}
