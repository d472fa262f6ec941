/* The hub wired to CurbSync against the in-process reference central:
 * orders arrive, central's token keys join the keyring, check-ins reach
 * central, central's cancellations reach the stream, status and metrics
 * show the sync state. */

#include "central-fixture.h"
#include "curb-central-issuer.h"
#include "test-hub-fixture.h"

typedef struct
{
  GPtrArray *kinds;
  gboolean   cancelled;
  gboolean   orders_changed;
} Watch;

static void
on_orders_changed (CurbHubStream *stream, const char *const *refs, Watch *watch)
{
  g_assert_nonnull (refs[0]);
  watch->orders_changed = TRUE;
}

static void
on_event (CurbHubStream *stream, JsonObject *event, Watch *watch)
{
  const char *kind = json_object_get_string_member (event, "kind");

  g_ptr_array_add (watch->kinds, g_strdup (kind));
  watch->cancelled |= g_str_equal (kind, "cancelled");
}

static gboolean
central_has_event (CentralFixture *central, const char *event_id)
{
  g_autoptr(JsonArray) events = central_fixture_events (central);

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (event, "id", ""), event_id) == 0)
        return TRUE;
    }
  return FALSE;
}

static guint
count_orders (HubFixture *fx)
{
  g_autoptr(JsonArray) orders = curb_store_list_orders (fx->store, CURB_ORDER_FILTER_ALL, NULL);

  return orders != NULL ? json_array_get_length (orders) : 0;
}

static void
test_sync_end_to_end (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CentralFixture) central = central_fixture_new (3);
  g_autoptr(CurbSigningKey) central_key = curb_signing_key_generate ("c9", NULL);
  g_autoptr(JsonArray) keys = curb_central_issuer_public_keys (central_key);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbCentralConnector) connector = NULL;
  g_autoptr(CurbSync) sync = NULL;
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(CurbHubStream) stream = NULL;
  g_autoptr(JsonArray) orders = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(CurbTokenClaims) claims = NULL;
  g_autofree char *token = NULL;
  g_autofree char *metrics = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  Watch watch = { g_ptr_array_new_with_free_func (g_free), FALSE };
  gint64 until;

  curb_central_server_set_keys (central->server, keys);
  connector = curb_central_connector_new (central->url, FIXTURE_STORE, FIXTURE_KEY, &error);
  g_assert_no_error (error);
  sync = curb_sync_new (fx->store, CURB_CONNECTOR (connector));
  curb_sync_set_poll_interval_ms (sync, 200);
  curb_hub_set_sync (fx->hub, sync);
  stream = curb_hub_client_open_stream (staging, 0);
  g_signal_connect (stream, "event", G_CALLBACK (on_event), &watch);
  g_signal_connect (stream, "orders-changed", G_CALLBACK (on_orders_changed), &watch);
  curb_hub_stream_start (stream);
  curb_sync_start (sync);

  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((count_orders (fx) < 3 || !curb_sync_get_online (sync)) && g_get_monotonic_time () < until)
    hub_spin (20);
  g_assert_cmpuint (count_orders (fx), ==, 3);
  orders = curb_store_list_orders (fx->store, CURB_ORDER_FILTER_ALL, NULL);
  first = g_strdup (json_object_get_string_member (json_array_get_object_element (orders, 0), "ref"));
  second = g_strdup (json_object_get_string_member (json_array_get_object_element (orders, 1), "ref"));

  /* A token signed with central's key: the keyring learned it from /v1/keys. */
  claims = curb_token_claims_new (HUB_TEST_STORE_ID, first, g_get_real_time () / G_USEC_PER_SEC + 3600);
  token = curb_token_sign (central_key, claims, &error);
  g_assert_no_error (error);
  until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  do
    {
      g_clear_pointer (&reply, json_object_unref);
      g_clear_error (&error);
      hub_spin (20);
      reply = hub_checkin (kiosk, token, "4", "sync-arrival-1", NULL, &error);
    }
  while (reply == NULL && g_get_monotonic_time () < until);
  g_assert_no_error (error);

  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!central_has_event (central, "sync-arrival-1") && g_get_monotonic_time () < until)
    hub_spin (20);
  g_assert_true (central_has_event (central, "sync-arrival-1"));

  watch.orders_changed = FALSE;
  central_fixture_patch (central, second, "{\"cancelled\": true}");
  g_assert_true (hub_spin_until (&watch.cancelled, 10000));
  g_assert_true (hub_spin_until (&watch.orders_changed, 5000));

  status = hub_call (staging, "GET", "/v1/status", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (status, "sync"), "online"));
  g_assert_cmpuint (hub_raw (fx, "GET", "/metrics", NULL, NULL, 0, &metrics), ==, 200);
  g_assert_nonnull (strstr (metrics, "curbside_central_online 1"));
  g_assert_null (strstr (metrics, "curbside_last_sync_success_timestamp_seconds NaN"));

  curb_hub_stream_stop (stream);
  curb_sync_stop (sync);
  curb_hub_set_sync (fx->hub, NULL);
  g_ptr_array_unref (watch.kinds);
}

static void
test_sync_offline (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CentralFixture) central = central_fixture_new (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbCentralConnector) connector = NULL;
  g_autoptr(CurbSync) sync = NULL;
  g_autofree char *metrics = NULL;
  gint64 until;

  connector = curb_central_connector_new (central->url, FIXTURE_STORE, FIXTURE_KEY, &error);
  g_assert_no_error (error);
  sync = curb_sync_new (fx->store, CURB_CONNECTOR (connector));
  curb_sync_set_poll_interval_ms (sync, 100);
  curb_sync_set_backoff (sync, 50, 200, 1);
  curb_hub_set_sync (fx->hub, sync);
  curb_sync_start (sync);
  until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!curb_sync_get_online (sync) && g_get_monotonic_time () < until)
    hub_spin (20);
  g_assert_true (curb_sync_get_online (sync));
  central_fixture_stop (central);
  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (curb_sync_get_online (sync) && g_get_monotonic_time () < until)
    hub_spin (20);
  g_assert_false (curb_sync_get_online (sync));
  g_assert_cmpuint (hub_raw (fx, "GET", "/metrics", NULL, NULL, 0, &metrics), ==, 200);
  g_assert_nonnull (strstr (metrics, "curbside_central_online 0"));
  curb_sync_stop (sync);
  curb_hub_set_sync (fx->hub, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, HubFixture, NULL, hub_fixture_setup, func, hub_fixture_teardown)
  ADD ("/hub/sync/end-to-end", test_sync_end_to_end);
  ADD ("/hub/sync/offline", test_sync_offline);
#undef ADD
  return g_test_run ();
}
