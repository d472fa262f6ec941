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
  gboolean   central_alert;
  gboolean   connected;
} Watch;

static void
on_connected (CurbHubStream *stream, Watch *watch)
{
  watch->connected = TRUE;
}

static void
on_central_alert (CurbHubStream *stream, JsonObject *notice, Watch *watch)
{
  if (g_strcmp0 (json_object_get_string_member_with_default (notice, "type", NULL), "central_alert") == 0)
    watch->central_alert = TRUE;
}

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
  Watch watch = { g_ptr_array_new_with_free_func (g_free), FALSE, FALSE, FALSE, FALSE };
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

/* The hub's warnings, as the journal would get them (the others go on to
 * the default writer, where warnings are fatal in tests). */
static GPtrArray *warnings;

static GLogWriterOutput
capture_warnings (GLogLevelFlags   level,
                  const GLogField *fields,
                  gsize            n_fields,
                  gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;
    else if (g_str_equal (fields[i].key, "MESSAGE"))
      message = fields[i].value;
  if ((level & G_LOG_LEVEL_WARNING) && g_strcmp0 (domain, "curbside-hub") == 0 && message != NULL
      && (strstr (message, "Central sent order") != NULL || strstr (message, "A shopper with a valid code") != NULL))
    {
      g_ptr_array_add (warnings, g_strdup (message));
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static guint
count_warnings (const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < warnings->len; i++)
    n += g_str_has_prefix (g_ptr_array_index (warnings, i), prefix);
  return n;
}

static CurbSync *
start_sync (HubFixture *fx, CentralFixture *central, CurbSigningKey *central_key)
{
  g_autoptr(JsonArray) keys = curb_central_issuer_public_keys (central_key);
  g_autoptr(CurbCentralConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  CurbSync *sync;

  curb_central_server_set_keys (central->server, keys);
  connector = curb_central_connector_new (central->url, FIXTURE_STORE, FIXTURE_KEY, &error);
  g_assert_no_error (error);
  sync = curb_sync_new (fx->store, CURB_CONNECTOR (connector));
  curb_sync_set_poll_interval_ms (sync, 100);
  curb_hub_set_sync (fx->hub, sync);
  curb_sync_start (sync);
  return sync;
}

static void
stop_sync (HubFixture *fx, CurbSync *sync)
{
  curb_sync_stop (sync);
  curb_hub_set_sync (fx->hub, NULL);
}

static gboolean
wait_for_order (HubFixture *fx, const char *ref, gint64 version)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  g_autoptr(JsonObject) order = NULL;

  do
    {
      g_clear_pointer (&order, json_object_unref);
      hub_spin (20);
      order = curb_store_get_order (fx->store, ref, NULL);
    }
  while ((order == NULL || json_object_get_int_member (order, "version") < version)
         && g_get_monotonic_time () < until);
  return order != NULL && json_object_get_int_member (order, "version") >= version;
}

static char *
sign_token (CurbSigningKey *key, const char *ref)
{
  g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (HUB_TEST_STORE_ID, ref,
                                                             g_get_real_time () / G_USEC_PER_SEC + 3600);

  return curb_token_sign (key, claims, NULL);
}

static JsonArray *
order_alerts (CurbHubClient *staging)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) status = hub_call (staging, "GET", "/v1/status", NULL, NULL, &error);

  g_assert_no_error (error);
  return json_array_ref (json_object_get_array_member (json_object_get_object_member (status, "sync"),
                                                       "order_alerts"));
}

/* A 101-character surname, 34 CJK characters (102 bytes) as a first name and
 * a 250-byte product name: the order is taken with the text clipped on
 * character boundaries, and the lookup still finds it by the whole surname. */
static void
test_long_names_are_taken (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CentralFixture) central = central_fixture_new (3);
  g_autoptr(CurbSigningKey) central_key = curb_signing_key_generate ("c9", NULL);
  g_autoptr(CurbSync) sync = start_sync (fx, central, central_key);
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(GString) surname = g_string_new ("O");
  g_autoptr(GString) first = g_string_new (NULL);
  g_autoptr(GString) product = g_string_new (NULL);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *patch = NULL;
  g_autofree char *token = sign_token (central_key, "P00002");
  g_autofree char *lookup = NULL;
  g_autofree char *kept = NULL;
  const char *name, *line_name;

  for (guint i = 0; i < 100; i++)
    g_string_append_c (surname, 'a' + i % 26);
  for (guint i = 0; i < 34; i++)
    g_string_append (first, "\u5c71");
  for (guint i = 0; i < 125; i++)
    g_string_append (product, "\u00e9");
  patch = g_strdup_printf ("{\"first_name\": \"%s\", \"surname\": \"%s\", \"lines\": [{\"id\": \"L1\","
                           " \"name\": \"%s\", \"sku\": \"%0100d\", \"qty\": 2}]}",
                           first->str, surname->str, product->str, 7);
  central_fixture_patch (central, "P00002", patch);
  g_assert_true (wait_for_order (fx, "P00002", 2));
  g_assert_cmpuint (curb_sync_get_rejected_orders (sync), ==, 0);

  order = curb_store_get_order (fx->store, "P00002", &error);
  g_assert_no_error (error);
  name = json_object_get_string_member (order, "first_name");
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_cmpuint (strlen (name), <=, 100);
  kept = g_strndup (name, strlen (name) - strlen ("\u2026"));
  g_assert_true (g_str_has_prefix (first->str, kept));
  g_assert_true (g_str_has_suffix (name, "\u2026"));
  line_name = json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (order, "lines"), 0), "name");
  g_assert_true (g_utf8_validate (line_name, -1, NULL));
  g_assert_cmpuint (strlen (line_name), <=, 200);
  g_assert_true (g_str_has_suffix (line_name, "\u2026"));

  lookup = g_strdup_printf ("{\"ref\": \"P00002\", \"surname\": \"%s\"}", surname->str);
  reply = hub_call (kiosk, "POST", "/v1/lookup", lookup, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, json_object_unref);
  reply = hub_checkin (kiosk, token, "2", "long-name-arrival", NULL, &error);
  g_assert_no_error (error);
  stop_sync (fx, sync);
}

/* An order that truly cannot be taken (its lines are not a list): a
 * store-level alert counted once however often central sends it, visible in
 * /v1/status and /metrics, and a shopper with its valid code is sent to staff
 * instead of being told "not found"; a corrected version ends the alert. */
static void
test_refused_order_alerts (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CentralFixture) central = central_fixture_new (3);
  g_autoptr(CurbSigningKey) central_key = curb_signing_key_generate ("c9", NULL);
  g_autoptr(CurbSync) sync = NULL;
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(CurbHubStream) stream = curb_hub_client_open_stream (staging, 0);
  g_autoptr(JsonArray) alerts = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = sign_token (central_key, "P00002");
  g_autofree char *metrics = NULL;
  Watch watch = { g_ptr_array_new_with_free_func (g_free), FALSE, FALSE, FALSE, FALSE };
  JsonObject *alert;

  g_signal_connect (stream, "notice", G_CALLBACK (on_central_alert), &watch);
  g_signal_connect (stream, "connected", G_CALLBACK (on_connected), &watch);
  curb_hub_stream_start (stream);
  g_assert_true (hub_spin_until (&watch.connected, 5000));
  central_fixture_patch (central, "P00002", "{\"lines\": \"none\"}");
  /* central sends the same pages again (each order twice, the cursor stuck) */
  central_fixture_fault (central, "{\"kind\": \"duplicate_page\", \"count\": 3, \"on\": \"pull\"}");
  sync = start_sync (fx, central, central_key);
  g_assert_true (wait_for_order (fx, "P00003", 1));
  g_assert_true (hub_spin_until (&watch.central_alert, 5000));
  /* many more pulls, then a restart of the sync: still counted once */
  hub_spin (1000);
  g_assert_cmpuint (curb_sync_get_rejected_orders (sync), ==, 1);
  stop_sync (fx, sync);
  g_clear_object (&sync);
  sync = start_sync (fx, central, central_key);
  hub_spin (500);
  g_assert_cmpuint (curb_sync_get_rejected_orders (sync), ==, 1);
  /* store IT reads it in the journal, once */
  g_assert_cmpuint (count_warnings ("Central sent order P00002, which the store cannot take"), ==, 1);
  g_assert_cmpuint (hub_raw (fx, "GET", "/metrics", NULL, NULL, 0, &metrics), ==, 200);
  g_assert_nonnull (strstr (metrics, "curbside_sync_rejected_orders 1\n"));
  g_assert_nonnull (strstr (metrics, "curbside_central_order_alerts 1\n"));

  watch.central_alert = FALSE;
  reply = hub_checkin (kiosk, token, "2", "refused-order-arrival", &body, &error);
  g_assert_null (reply);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_NEEDS_STAFF);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, "needs_staff");
  g_assert_true (hub_spin_until (&watch.central_alert, 5000));
  alerts = order_alerts (staging);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 1);
  alert = json_array_get_object_element (alerts, 0);
  g_assert_cmpstr (json_object_get_string_member (alert, "ref"), ==, "P00002");
  g_assert_nonnull (strstr (json_object_get_string_member (alert, "reason"), "lines"));
  g_assert_nonnull (json_object_get_string_member_with_default (alert, "shopper_seen", NULL));
  g_assert_cmpuint (count_warnings ("A shopper with a valid code for order P00002"), ==, 1);

  /* central corrects the order: it is taken, the alert ends, the shopper checks in */
  central_fixture_patch (central, "P00002", "{\"lines\": [{\"id\": \"L1\", \"name\": \"Eggs\", \"qty\": 1}]}");
  g_assert_true (wait_for_order (fx, "P00002", 3));
  g_clear_pointer (&alerts, json_array_unref);
  alerts = order_alerts (staging);
  g_assert_cmpuint (json_array_get_length (alerts), ==, 0);
  g_clear_error (&error);
  g_clear_pointer (&body, json_object_unref);
  reply = hub_checkin (kiosk, token, "2", "refused-order-arrival-2", &body, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (curb_sync_get_rejected_orders (sync), ==, 1);
  curb_hub_stream_stop (stream);
  stop_sync (fx, sync);
  g_ptr_array_unref (watch.kinds);
}

static gboolean
has_on_the_way (HubFixture *fx, const char *ref)
{
  g_autoptr(JsonObject) order = curb_store_get_order (fx->store, ref, NULL);

  return order != NULL && json_object_has_member (order, "on_the_way");
}

/* POST /v1/announce at central (the shopper's phone): the answer's status. */
static char *
central_announce (CentralFixture *central, const char *token, guint eta_minutes)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/v1/announce", central->url);
  g_autofree char *body = g_strdup_printf ("{\"token\": \"%s\", \"eta_minutes\": %u}", token, eta_minutes);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GAsyncResult *done = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, hub_store_result, &done);
  hub_wait (&done);
  answer = soup_session_send_and_read_finish (session, done, &error);
  g_object_unref (done);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (root), "status"));
}

static gint64
eta_of (HubFixture *fx, const char *ref)
{
  g_autoptr(JsonObject) order = curb_store_get_order (fx->store, ref, NULL);
  JsonNode *node = order != NULL ? json_object_get_member (order, "on_the_way") : NULL;
  gint64 ms = -1;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    curb_iso8601_to_ms (json_object_get_string_member (json_node_get_object (node), "eta"), &ms);
  return ms;
}

static void
wait_outbox_empty (CurbSync *sync)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  curb_sync_kick (sync);
  while (curb_sync_get_outbox_depth (sync) > 0 && g_get_monotonic_time () < until)
    hub_spin (10);
  g_assert_cmpuint (curb_sync_get_outbox_depth (sync), ==, 0);
}

/* Staff take the announced order on before the shopper arrives, through the
 * hub, which tells central; the shopper, running late, announces again and
 * central still takes it (a claim is no arrival); at check-in the kiosk is
 * told who is bringing the order; after that, announcements are ignored. */
static void
take_on_then_arrive (HubFixture *fx, CentralFixture *central, CurbSync *sync, const char *token)
{
  g_autoptr(CurbHubClient) kiosk = hub_fixture_device (fx, CURB_DEVICE_ROLE_KIOSK, NULL);
  g_autoptr(CurbHubClient) kim = NULL;
  g_autoptr(JsonObject) taken = NULL, checked_in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *late = NULL, *there = NULL;
  g_autofree char *kiosk_token = hub_fixture_token (fx, HUB_TEST_STORE_ID, "P00002",
                                                    g_get_real_time () / G_USEC_PER_SEC + 3600);
  JsonObject *order, *claimer;
  gint64 eta = eta_of (fx, "P00002"), until;

  hub_fixture_add_staff (fx, "st-2", "Kim", "7310");
  kim = hub_fixture_staff (fx, "st-2", "7310");
  taken = hub_action (kim, "P00002", CURB_HUB_ACTION_CLAIM, NULL, NULL, &error);
  g_assert_no_error (error);
  wait_outbox_empty (sync);

  late = central_announce (central, token, 40);
  g_assert_cmpstr (late, ==, "announced");
  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (eta_of (fx, "P00002") <= eta && g_get_monotonic_time () < until)
    hub_spin (5);
  g_assert_cmpint (eta_of (fx, "P00002"), >, eta);

  checked_in = hub_checkin (kiosk, kiosk_token, "2", NULL, NULL, &error);
  g_assert_no_error (error);
  order = json_object_get_object_member (checked_in, "order");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "claimed");
  claimer = json_object_get_object_member (order, "claimed_by");
  g_assert_nonnull (claimer);
  g_assert_cmpstr (json_object_get_string_member (claimer, "first_name"), ==, "Kim");
  wait_outbox_empty (sync);
  there = central_announce (central, token, 5);
  g_assert_cmpstr (there, ==, "ignored");
}

/* A shopper says "I'm on my way" at central: with central's change hint the
 * hub pulls at once (the poll here is a minute), and staging's stream hears
 * of the order; staff may then take it on (take_on_then_arrive). */
static void
test_announce_reaches_staging (HubFixture *fx, gconstpointer data)
{
  g_autoptr(CentralFixture) central = central_fixture_new (3);
  g_autoptr(CurbSigningKey) central_key = curb_signing_key_generate ("c9", NULL);
  g_autoptr(CurbSync) sync = NULL;
  g_autoptr(CurbHubClient) staging = hub_fixture_device (fx, CURB_DEVICE_ROLE_STAGING, NULL);
  g_autoptr(CurbHubStream) stream = curb_hub_client_open_stream (staging, 0);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = sign_token (central_key, "P00002");
  g_autofree char *hint_url = g_strdup_printf ("%s/v1/hints", fx->url);
  Watch watch = { g_ptr_array_new_with_free_func (g_free), FALSE, FALSE, FALSE, FALSE };
  g_autofree char *status = NULL;
  gint64 started, until;

  g_signal_connect (stream, "orders-changed", G_CALLBACK (on_orders_changed), &watch);
  g_signal_connect (stream, "connected", G_CALLBACK (on_connected), &watch);
  curb_hub_stream_start (stream);
  g_assert_true (hub_spin_until (&watch.connected, 5000));
  curb_central_server_set_hint_url (central->server, hint_url);
  sync = start_sync (fx, central, central_key);
  curb_sync_set_poll_interval_ms (sync, 60000);
  g_assert_true (wait_for_order (fx, "P00003", 1));
  hub_spin (300);

  watch.orders_changed = FALSE;
  started = g_get_monotonic_time ();
  status = central_announce (central, token, 12);
  g_assert_cmpstr (status, ==, "announced");
  until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!has_on_the_way (fx, "P00002") && g_get_monotonic_time () < until)
    hub_spin (5);
  g_assert_true (has_on_the_way (fx, "P00002"));
  g_assert_true (hub_spin_until (&watch.orders_changed, 5000));
  g_test_message ("announce -> hub with a hint: %.0f ms (poll 60 s)", (g_get_monotonic_time () - started) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 30 * G_USEC_PER_SEC);
  order = hub_call (staging, "GET", "/v1/orders/P00002", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (json_object_get_object_member (order, "order"),
                                                                                  "on_the_way"), "eta"));
  take_on_then_arrive (fx, central, sync, token);
  curb_hub_stream_stop (stream);
  stop_sync (fx, sync);
  g_ptr_array_unref (watch.kinds);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  warnings = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (capture_warnings, NULL, NULL);

#define ADD(name, func) g_test_add (name, HubFixture, NULL, hub_fixture_setup, func, hub_fixture_teardown)
  ADD ("/hub/sync/end-to-end", test_sync_end_to_end);
  ADD ("/hub/sync/offline", test_sync_offline);
  ADD ("/hub/sync/long-names-taken", test_long_names_are_taken);
  ADD ("/hub/sync/refused-order-alerts", test_refused_order_alerts);
  ADD ("/hub/sync/announce-reaches-staging", test_announce_reaches_staging);
#undef ADD
  return g_test_run ();
}
