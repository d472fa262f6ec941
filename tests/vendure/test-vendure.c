#include <string.h>
#include <sqlite3.h>
#include <libsoup/soup.h>

#include "curb-connector-config.h"
#include "curb-error.h"
#include "curb-event.h"
#include "curb-keyring.h"
#include "curb-signing-key.h"
#include "curb-store.h"
#include "curb-sync.h"
#include "curb-test-helpers.h"
#include "curb-token.h"
#include "curb-util.h"
#include "curb-vendure-connector.h"
#include "curb-vendure-push.h"
#include "fault-proxy.h"
#include "vendure-fixture.h"

/* The hub's sync against a real Vendure with the Curbside plugin. The cases
 * share one Vendure and one store and run in order, as a store's day does. */

#define N_SEEDED 6

typedef struct
{
  VendureFixture       *vendure;
  JsonArray            *seeded;
  char                 *dir;
  CurbStore            *store;
  CurbVendureConnector *connector;
  CurbSync             *sync;
  JsonArray            *keys;
  JsonArray            *more;
  guint                 caught_up;
  char                 *watched_ref;
  guint                 watched_updates;
} Hub;

static Hub hub;

/* Where the plugin posts its change hints: a SoupServer on a thread of its own
 * (the test's main context is not always running). */
typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GThread      *thread;
  gint          placed;
  gint          announced;
} HintSink;

static HintSink sink;

static void
on_hint (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (body->data != NULL && g_strstr_len (body->data, body->length, "\"type\":\"order.placed\"") != NULL)
    g_atomic_int_inc (&sink.placed);
  if (body->data != NULL && g_strstr_len (body->data, body->length, "\"type\":\"order.announced\"") != NULL)
    g_atomic_int_inc (&sink.announced);
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static gpointer
run_hint_sink (gpointer data)
{
  g_main_context_push_thread_default (sink.context);
  g_main_loop_run (sink.loop);
  g_main_context_pop_thread_default (sink.context);
  return NULL;
}

static void
hint_sink_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *url = NULL;
  GSList *listeners;

  sink.context = g_main_context_new ();
  sink.loop = g_main_loop_new (sink.context, FALSE);
  g_main_context_push_thread_default (sink.context);
  sink.server = soup_server_new (NULL, NULL);
  soup_server_add_handler (sink.server, "/hints", on_hint, NULL, NULL);
  g_assert_true (soup_server_listen_local (sink.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_main_context_pop_thread_default (sink.context);
  listeners = soup_server_get_listeners (sink.server);
  address = g_socket_get_local_address (listeners->data, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/hints", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)));
  g_setenv ("CURB_HINT_URL", url, TRUE);
  sink.thread = g_thread_new ("hint-sink", run_hint_sink, NULL);
}

static void
hint_sink_stop (void)
{
  g_main_loop_quit (sink.loop);
  g_thread_join (sink.thread);
  g_clear_object (&sink.server);
  g_main_loop_unref (sink.loop);
  g_main_context_unref (sink.context);
}

static gboolean
hints_arrived (void)
{
  return g_atomic_int_get (&sink.placed) > 0;
}

static gboolean
announce_hinted (void)
{
  return g_atomic_int_get (&sink.announced) > 0;
}

/* Helpers */

static const char *
seeded_code (guint i)
{
  return json_object_get_string_member (json_array_get_object_element (hub.seeded, i), "code");
}

static const char *
seeded_line (guint i, guint line)
{
  JsonArray *lines = json_object_get_array_member (json_array_get_object_element (hub.seeded, i), "lines");

  return json_object_get_string_member (json_array_get_object_element (lines, line), "id");
}

static gboolean
wait_until (gboolean (*done) (void), guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_GINT64_CONSTANT (1000);

  while (!done () && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  return done ();
}

static gboolean
is_caught_up (void)
{
  return hub.caught_up > 0;
}

static gboolean
outbox_empty (void)
{
  return curb_sync_get_outbox_depth (hub.sync) == 0 && curb_sync_get_online (hub.sync);
}

static gboolean
is_offline (void)
{
  return !curb_sync_get_online (hub.sync);
}

static void
on_caught_up (CurbSync *sync,
              gpointer  user_data)
{
  hub.caught_up++;
}

static void
on_orders_stored (CurbSync            *sync,
                  const char * const  *refs,
                  gpointer             user_data)
{
  if (hub.watched_ref != NULL && g_strv_contains (refs, hub.watched_ref))
    hub.watched_updates++;
}

/* The version the store keeps for @ref (read-only look into its database). */
static gint64
stored_version (const char *ref)
{
  g_autofree char *path = g_build_filename (hub.dir, "store.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT version FROM orders WHERE ref = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, ref, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return version;
}

static void
on_keys_fetched (CurbSync  *sync,
                 JsonArray *keys,
                 gpointer   user_data)
{
  g_clear_pointer (&hub.keys, json_array_unref);
  hub.keys = json_array_ref (keys);
}

static void
on_event_rejected (CurbSync   *sync,
                   CurbEvent  *event,
                   const char *message,
                   gpointer    user_data)
{
  g_error ("Vendure refused %s: %s", curb_event_kind_to_string (curb_event_get_kind (event)), message);
}

static void
drain (guint timeout_ms)
{
  curb_sync_kick (hub.sync);
  if (!wait_until (outbox_empty, timeout_ms))
    g_error ("the outbox did not drain (%u left): %s", curb_sync_get_outbox_depth (hub.sync),
             curb_sync_get_last_error (hub.sync));
}

static void
catch_up (void)
{
  hub.caught_up = 0;
  curb_sync_kick (hub.sync);
  g_assert_true (wait_until (is_caught_up, 30000));
}

static void
append (CurbEventKind  kind,
        const char    *ref,
        JsonObject    *data)
{
  g_autoptr(CurbEvent) event = curb_event_new (kind, ref, "staging-1", kind == CURB_EVENT_ARRIVED ? NULL : "st-7", data);
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_store_append_event (hub.store, event, NULL, &error));
  g_assert_no_error (error);
}

static JsonObject *
arrival_data (const char *bay)
{
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "bay", bay);
  json_object_set_string_member (data, "source", "scan");
  return data;
}

static JsonObject *
not_taken_data (const char *line_id, gint64 qty)
{
  JsonObject *data = json_object_new ();
  JsonArray *not_taken = json_array_new ();
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "line_id", line_id);
  json_object_set_int_member (entry, "qty", qty);
  json_object_set_string_member (entry, "reason", "damaged");
  json_array_add_object_element (not_taken, entry);
  json_object_set_boolean_member (data, "id_checked", FALSE);
  json_object_set_array_member (data, "not_taken", not_taken);
  return data;
}

static void
push_store_events (const char *ref)
{
  g_autoptr(JsonObject) arrival = arrival_data ("3");

  append (CURB_EVENT_ARRIVED, ref, arrival);
  append (CURB_EVENT_STAGED, ref, NULL);
  append (CURB_EVENT_CLAIMED, ref, NULL);
}

/* What Vendure has */

static const char *
custom_field (JsonObject *order, const char *name)
{
  JsonObject *fields = json_object_get_object_member (order, "customFields");

  return json_object_get_string_member_with_default (fields, name, NULL);
}

static guint
count_fulfillments (JsonObject *order, const char *state)
{
  JsonArray *fulfillments = json_object_get_array_member (order, "fulfillments");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (fulfillments); i++)
    {
      JsonObject *f = json_array_get_object_element (fulfillments, i);
      if (state == NULL || g_str_equal (json_object_get_string_member (f, "state"), state))
        n++;
    }
  return n;
}

static guint
count_notes (JsonObject *order, const char *text)
{
  JsonArray *items = json_object_get_array_member (json_object_get_object_member (order, "history"), "items");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *entry = json_array_get_object_element (items, i);
      JsonObject *data = json_object_get_object_member (entry, "data");
      const char *note = json_object_get_string_member_with_default (data, "note", NULL);

      if (note != NULL && strstr (note, text) != NULL)
        n++;
    }
  return n;
}

static gint64
line_quantity (JsonObject *order, const char *line_id)
{
  JsonArray *lines = json_object_get_array_member (order, "lines");

  for (guint i = 0; i < json_array_get_length (lines); i++)
    {
      JsonObject *line = json_array_get_object_element (lines, i);
      if (g_str_equal (json_object_get_string_member (line, "id"), line_id))
        return json_object_get_int_member (line, "quantity");
    }
  g_assert_not_reached ();
}

/* Cases */

static void
test_pull (void)
{
  g_autoptr(GError) error = NULL;

  catch_up ();
  g_test_message ("pulled %" G_GUINT64_FORMAT ", rejected %" G_GUINT64_FORMAT ", last error %s",
                  curb_sync_get_pulled_orders (hub.sync), curb_sync_get_rejected_orders (hub.sync),
                  curb_sync_get_last_error (hub.sync));
  g_assert_cmpuint (curb_sync_get_pulled_orders (hub.sync), >=, N_SEEDED);
  for (guint i = 0; i < N_SEEDED; i++)
    {
      JsonObject *seeded = json_array_get_object_element (hub.seeded, i);
      g_autoptr(JsonObject) order = curb_store_get_order (hub.store, seeded_code (i), &error);
      g_autofree char *token = curb_store_get_order_token (hub.store, seeded_code (i), &error);
      g_autofree char *initial = g_utf8_substring (json_object_get_string_member (seeded, "lastName"), 0, 1);
      JsonArray *lines;

      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "pending");
      g_assert_cmpstr (json_object_get_string_member (order, "first_name"), ==,
                       json_object_get_string_member (seeded, "firstName"));
      g_assert_cmpstr (json_object_get_string_member (order, "last_initial"), ==, initial);
      g_assert_false (json_object_has_member (order, "surname"));
      lines = json_object_get_array_member (order, "lines");
      g_assert_cmpuint (json_array_get_length (lines), ==,
                        json_array_get_length (json_object_get_array_member (seeded, "lines")));
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (lines, 0), "qty"), ==, 2);
      g_assert_cmpstr (token, ==, json_object_get_string_member (seeded, "token"));
    }
  /* The plugin tells the hub's hint URL about placed orders (fire and forget:
   * on a loaded machine some may time out, so one is enough here). */
  g_assert_true (wait_until (hints_arrived, 10000));
}

static gboolean
has_keys (void)
{
  return hub.keys != NULL;
}

/* A token the plugin issued verifies in C, and C signing the same claims
 * with the same key gives the very same text (Ed25519 is deterministic). */
static void
test_token (void)
{
  g_autofree char *key_path = g_build_filename (hub.vendure->data_dir, "pickup-token.key", NULL);
  g_autoptr(CurbSigningKey) key = curb_signing_key_load (key_path, NULL);
  g_autoptr(CurbKeyring) keyring = curb_keyring_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *fetched;

  g_assert_nonnull (key);
  g_assert_true (wait_until (has_keys, 10000));
  g_assert_cmpuint (json_array_get_length (hub.keys), ==, 1);
  fetched = json_array_get_object_element (hub.keys, 0);
  g_assert_cmpstr (json_object_get_string_member (fetched, "kid"), ==, curb_signing_key_get_key_id (key));
  g_assert_true (curb_keyring_add_base64 (keyring, json_object_get_string_member (fetched, "kid"),
                                          json_object_get_string_member (fetched, "public_key"), &error));
  g_assert_no_error (error);
  for (guint i = 0; i < N_SEEDED; i++)
    {
      const char *token = json_object_get_string_member (json_array_get_object_element (hub.seeded, i), "token");
      g_autoptr(CurbTokenClaims) claims = NULL;
      g_autofree char *again = NULL;

      g_assert_true (curb_token_verify (keyring, token, VENDURE_FIXTURE_STORE, g_get_real_time () / G_USEC_PER_SEC,
                                        &claims, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (claims->order_ref, ==, seeded_code (i));
      g_assert_cmpint (claims->expires_s, >, g_get_real_time () / G_USEC_PER_SEC + 13 * 24 * 3600);
      again = curb_token_sign (key, claims, &error);
      g_assert_cmpstr (again, ==, token);
      g_assert_false (curb_token_verify (keyring, token, "store-002", g_get_real_time () / G_USEC_PER_SEC, NULL, NULL));
    }
}

static void
test_full_handoff (void)
{
  const char *ref = seeded_code (0);
  g_autoptr(JsonObject) order = NULL;

  push_store_events (ref);
  append (CURB_EVENT_HANDED_OVER, ref, NULL);
  drain (30000);

  order = vendure_fixture_order (hub.vendure, ref);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "Delivered");
  g_assert_cmpstr (custom_field (order, "pickupStatus"), ==, "handed_over");
  g_assert_cmpstr (custom_field (order, "pickupBay"), ==, "3");
  g_assert_nonnull (custom_field (order, "customerArrivedAt"));
  g_assert_cmpuint (count_fulfillments (order, NULL), ==, 1);
  g_assert_cmpuint (count_fulfillments (order, "Delivered"), ==, 1);
  g_assert_cmpuint (count_notes (order, "customer arrived at bay 3"), ==, 1);
  g_assert_cmpuint (count_notes (order, "handed over"), ==, 1);
}

static void
test_arrival_and_staging (void)
{
  const char *ref = seeded_code (1);
  g_autoptr(JsonObject) order = NULL;

  push_store_events (ref);
  drain (30000);

  order = vendure_fixture_order (hub.vendure, ref);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "PaymentSettled");
  g_assert_cmpstr (custom_field (order, "pickupStatus"), ==, "claimed");
  g_assert_cmpstr (custom_field (order, "pickupBay"), ==, "3");
  g_assert_cmpuint (count_fulfillments (order, "Pending"), ==, 1);
}

/* The shopper takes the eggs, not the milk; the store's policy cancels the rest. */
static void
test_partial_cancel (void)
{
  const char *ref = seeded_code (1);
  g_autoptr(JsonObject) data = not_taken_data (seeded_line (1, 1), 1);
  g_autoptr(JsonObject) order = NULL;

  append (CURB_EVENT_PARTIALLY_HANDED_OVER, ref, data);
  drain (30000);

  order = vendure_fixture_order (hub.vendure, ref);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "Delivered");
  g_assert_cmpstr (custom_field (order, "pickupStatus"), ==, "partially_handed_over");
  g_assert_cmpuint (count_fulfillments (order, "Cancelled"), ==, 1);
  g_assert_cmpuint (count_fulfillments (order, "Delivered"), ==, 1);
  g_assert_cmpint (line_quantity (order, seeded_line (1, 0)), ==, 2);
  g_assert_cmpint (line_quantity (order, seeded_line (1, 1)), ==, 0);
}

/* Direct connector calls, as the sync makes them */

typedef struct
{
  gboolean       done;
  gboolean       ok;
  gboolean       duplicate;
  GError        *error;
  CurbConnector *connector;
} PushResult;

static void
on_pushed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PushResult *push = user_data;
  gint64 retry_after = -1;

  /* The Vendure connector's calls have no source object: work in flight never keeps it alive. */
  g_assert_null (source);
  push->ok = curb_connector_push_event_finish (push->connector, result, &push->duplicate, &retry_after,
                                               &push->error);
  push->done = TRUE;
}

static PushResult *pending_push;

static gboolean
push_done (void)
{
  return pending_push->done;
}

static void
push_direct (CurbConnector *connector, JsonObject *event, PushResult *result)
{
  pending_push = result;
  result->connector = connector;
  curb_connector_push_event_async (connector, event, json_object_get_string_member (event, "id"), NULL,
                                   on_pushed, result);
  g_assert_true (wait_until (push_done, 30000));
}

static JsonObject *
wire_event (const char *kind, const char *ref, JsonObject *data)
{
  JsonObject *event = json_object_new ();
  g_autofree char *id = g_uuid_string_random ();

  json_object_set_string_member (event, "id", id);
  json_object_set_string_member (event, "kind", kind);
  json_object_set_string_member (event, "order_ref", ref);
  json_object_set_string_member (event, "at", "2026-11-27T15:04:00.000Z");
  json_object_set_string_member (event, "device", "staging-1");
  if (data != NULL)
    json_object_set_object_member (event, "data", json_object_ref (data));
  return event;
}

/* Policy "keep": what was not taken stays open in Vendure. */
static void
test_partial_keep (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbVendureConnector) keep = curb_vendure_connector_new (hub.vendure->url, VENDURE_FIXTURE_STORE,
                                                                     CURB_VENDURE_AUTH_PASSWORD, "superadmin:superadmin",
                                                                     CURB_VENDURE_PARTIAL_KEEP, &error);
  const char *ref = seeded_code (2);
  g_autoptr(JsonObject) data = not_taken_data (seeded_line (2, 1), 1);
  g_autoptr(JsonObject) staged = wire_event ("staged", ref, NULL);
  g_autoptr(JsonObject) partial = wire_event ("partially_handed_over", ref, data);
  g_autoptr(JsonObject) order = NULL;
  PushResult first = { 0 }, second = { 0 }, again = { 0 };

  g_assert_no_error (error);
  push_direct (CURB_CONNECTOR (keep), staged, &first);
  push_direct (CURB_CONNECTOR (keep), partial, &second);
  push_direct (CURB_CONNECTOR (keep), partial, &again);
  g_assert_no_error (first.error);
  g_assert_no_error (second.error);
  g_assert_no_error (again.error);
  g_assert_false (second.duplicate);
  g_assert_true (again.duplicate);

  order = vendure_fixture_order (hub.vendure, ref);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "PartiallyDelivered");
  g_assert_cmpint (line_quantity (order, seeded_line (2, 1)), ==, 1);
  g_assert_cmpuint (count_fulfillments (order, "Delivered"), ==, 1);
}

/* The answer to a mutation is lost on the way back; the retry changes nothing twice. */
static void
test_retry_after_drop (void)
{
  g_autoptr(GError) error = NULL;
  FaultProxy *proxy = fault_proxy_new (hub.vendure->port);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", fault_proxy_get_port (proxy));
  g_autoptr(CurbVendureConnector) connector = curb_vendure_connector_new (url, VENDURE_FIXTURE_STORE,
                                                                          CURB_VENDURE_AUTH_PASSWORD,
                                                                          "superadmin:superadmin",
                                                                          CURB_VENDURE_PARTIAL_CANCEL, &error);
  const char *ref = seeded_code (3);
  g_autoptr(JsonObject) arrival = arrival_data ("5");
  g_autoptr(JsonObject) arrived = wire_event ("arrived", ref, arrival);
  g_autoptr(JsonObject) staged = wire_event ("staged", ref, NULL);
  g_autoptr(JsonObject) order = NULL;
  PushResult lost_note = { 0 }, note_again = { 0 }, lost = { 0 }, retried = { 0 };

  g_assert_no_error (error);
  fault_proxy_arm (proxy, "addNoteToOrder");
  push_direct (CURB_CONNECTOR (connector), arrived, &lost_note);
  g_assert_error (lost_note.error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);
  push_direct (CURB_CONNECTOR (connector), arrived, &note_again);
  g_assert_no_error (note_again.error);

  fault_proxy_arm (proxy, "addFulfillmentToOrder");
  push_direct (CURB_CONNECTOR (connector), staged, &lost);
  g_assert_error (lost.error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);
  push_direct (CURB_CONNECTOR (connector), staged, &retried);
  g_assert_no_error (retried.error);
  g_assert_cmpuint (fault_proxy_get_drops (proxy), ==, 2);

  order = vendure_fixture_order (hub.vendure, ref);
  g_assert_cmpuint (count_fulfillments (order, NULL), ==, 1);
  g_assert_cmpuint (count_notes (order, "customer arrived at bay 5"), ==, 1);
  g_assert_cmpuint (count_notes (order, "order staged"), ==, 1);
  g_clear_error (&lost_note.error);
  g_clear_error (&lost.error);
  g_clear_object (&connector);
  fault_proxy_free (proxy);
}

static gboolean
first_pushed (void)
{
  return curb_sync_get_outbox_depth (hub.sync) < 4;
}

/* Vendure dies while the hub has events in flight and new orders wait;
 * after it is back, each event is applied once and each order pulled once. */
static void
test_restart (void)
{
  const char *ref = seeded_code (4);
  JsonArray *more;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(GError) error = NULL;
  guint logins;

  push_store_events (ref);
  append (CURB_EVENT_HANDED_OVER, ref, NULL);
  curb_sync_kick (hub.sync);
  g_assert_true (wait_until (first_pushed, 30000));
  vendure_fixture_kill (hub.vendure);
  g_assert_true (wait_until (is_offline, 30000));
  logins = curb_vendure_connector_get_logins (hub.connector);
  vendure_fixture_forget_sessions (hub.vendure);

  vendure_fixture_start (hub.vendure);
  more = hub.more = vendure_fixture_seed (hub.vendure, 2);
  drain (60000);
  catch_up ();
  /* Central is back: its old error no longer shows (issue 15, item 5). */
  g_assert_true (curb_sync_get_online (hub.sync));
  g_assert_null (curb_sync_get_last_error (hub.sync));
  /* The old session was refused (FORBIDDEN): the connector logged in again. */
  g_assert_cmpuint (curb_vendure_connector_get_logins (hub.connector), ==, logins + 1);

  order = vendure_fixture_order (hub.vendure, ref);
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "Delivered");
  g_assert_cmpuint (count_fulfillments (order, NULL), ==, 1);
  g_assert_cmpuint (count_notes (order, "customer arrived at bay 3"), ==, 1);
  g_assert_cmpuint (count_notes (order, "claimed by staff"), ==, 1);
  g_assert_cmpuint (count_notes (order, "handed over"), ==, 1);
  for (guint i = 0; i < json_array_get_length (more); i++)
    {
      const char *code = json_object_get_string_member (json_array_get_object_element (more, i), "code");
      g_autoptr(JsonObject) pulled = curb_store_get_order (hub.store, code, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (json_object_get_string_member (pulled, "state"), ==, "pending");
    }
}

static gboolean
watched_updated (void)
{
  return hub.watched_updates > 0;
}

/* Staff fulfil an order in Vendure's admin: that does not move updatedAt, the
 * re-read of open orders notices it and the store gets a newer version. */
static void
test_fulfilled_in_vendure (void)
{
  JsonObject *order = json_array_get_object_element (hub.more, 0);
  JsonArray *lines = json_object_get_array_member (order, "lines");
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(JsonObject) before = vendure_fixture_order (hub.vendure, json_object_get_string_member (order, "code"));
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *line = g_strdup_printf ("{\"i\": {\"lines\": [{\"orderLineId\": \"%s\", \"quantity\": 1}],"
                                           " \"handler\": {\"code\": \"manual-fulfillment\", \"arguments\": [{\"name\": \"method\","
                                           " \"value\": \"Store staff\"}, {\"name\": \"trackingCode\", \"value\": \"\"}]}}}",
                                           json_object_get_string_member (json_array_get_object_element (lines, 0), "id"));
  g_autoptr(JsonNode) input = json_from_string (line, NULL);
  gint64 version;

  hub.watched_ref = g_strdup (json_object_get_string_member (order, "code"));
  hub.watched_updates = 0;
  version = stored_version (hub.watched_ref);
  g_assert_cmpint (version, >, 0);
  data = vendure_fixture_query (hub.vendure,
      "mutation($i: FulfillOrderInput!) { addFulfillmentToOrder(input: $i) {"
      " ... on Fulfillment { id state } ... on ErrorResult { errorCode message } } }",
      json_node_get_object (input));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (data, "addFulfillmentToOrder"), "state"),
                   ==, "Pending");
  after = vendure_fixture_order (hub.vendure, hub.watched_ref);
  g_assert_cmpstr (json_object_get_string_member (after, "updatedAt"), ==,
                   json_object_get_string_member (before, "updatedAt"));
  g_assert_true (wait_until (watched_updated, 30000));
  g_assert_cmpint (stored_version (hub.watched_ref), >, version);
  g_clear_pointer (&hub.watched_ref, g_free);
}

/* Vendure cancels an order: the store hears of it on the next pull. */
static void
test_cancelled_in_vendure (void)
{
  const char *ref = seeded_code (5);
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *seeded = json_array_get_object_element (hub.seeded, 5);
  CurbOrderState state = CURB_ORDER_STATE_PENDING;

  json_object_set_string_member (variables, "id", json_object_get_string_member (seeded, "id"));
  data = vendure_fixture_query (hub.vendure,
      "mutation($id: ID!) { cancelOrder(input: { orderId: $id, reason: \"out of stock\" }) {"
      " ... on Order { state } ... on ErrorResult { errorCode message } } }", variables);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (data, "cancelOrder"), "state"),
                   ==, "Cancelled");
  catch_up ();
  g_assert_true (curb_store_get_order_state (hub.store, ref, &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state, ==, CURB_ORDER_STATE_CANCELLED);
}

typedef struct
{
  gboolean           done;
  CurbConnectorPage *page;
  GError            *error;
  CurbConnector     *connector;
} PullResult;

static PullResult *pending_pull;

static gboolean
pull_done (void)
{
  return pending_pull->done;
}

static void
on_pulled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PullResult *pull = user_data;
  gint64 retry_after = -1;

  pull->page = curb_connector_pull_finish (pull->connector, result, &retry_after, &pull->error);
  pull->done = TRUE;
}


/* Issue 15: what the tests never saw */

static JsonObject *
shop_mutation (const char *query, JsonObject *variables)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autofree char *url = g_strconcat (hub.vendure->url, "/shop-api", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GBytes) body = NULL, reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *answer = NULL;
  g_autoptr(JsonNode) root = NULL;

  json_object_set_string_member (request, "query", query);
  if (variables != NULL)
    json_object_set_object_member (request, "variables", json_object_ref (variables));
  node = json_node_init_object (json_node_alloc (), request);
  text = json_to_string (node, FALSE);
  body = g_bytes_new (text, strlen (text));
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  answer = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  root = json_from_string (answer, &error);
  g_assert_no_error (error);
  if (json_object_has_member (json_node_get_object (root), "errors"))
    g_error ("shop API: %s", answer);
  return json_object_ref (json_object_get_object_member (json_node_get_object (root), "data"));
}

/* announcePickup(token, etaMinutes): the status, and the error when refused. */
static char *
announce_pickup (const char *token, gint64 eta_minutes, char **out_error)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonObject) data = NULL;
  JsonObject *result;

  json_object_set_string_member (variables, "t", token);
  json_object_set_int_member (variables, "m", eta_minutes);
  data = shop_mutation ("mutation($t: String!, $m: Int!) { announcePickup(token: $t, etaMinutes: $m) {"
                        " status error orderCode etaAt } }", variables);
  result = json_object_get_object_member (data, "announcePickup");
  if (out_error != NULL)
    *out_error = g_strdup (json_object_get_string_member_with_default (result, "error", NULL));
  return g_strdup (json_object_get_string_member (result, "status"));
}

static const char *stored_wanted;
static gint64 stored_version_wanted;

static gboolean
stored_newer (void)
{
  return stored_version (stored_wanted) > stored_version_wanted;
}

/* Waits until the store holds a newer version of @ref than @version. */
static void
wait_for_newer (const char *ref, gint64 version)
{
  stored_wanted = ref;
  stored_version_wanted = version;
  curb_sync_kick (hub.sync);
  if (!wait_until (stored_newer, 30000))
    g_error ("the store did not get a newer version of %s (has %" G_GINT64_FORMAT ")", ref, stored_version (ref));
}

static char *announced_ref;
static char *announced_token;

static const char *
order_state_name (const char *ref)
{
  CurbOrderState state = CURB_ORDER_STATE_PENDING;

  g_assert_true (curb_store_get_order_state (hub.store, ref, &state, NULL));
  return curb_order_state_to_string (state);
}

static gint64
store_eta_ms (const char *ref)
{
  g_autoptr(JsonObject) order = curb_store_get_order (hub.store, ref, NULL);
  JsonNode *node = order != NULL ? json_object_get_member (order, "on_the_way") : NULL;
  gint64 ms = -1;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    curb_iso8601_to_ms (json_object_get_string_member (json_node_get_object (node), "eta"), &ms);
  return ms;
}

static const char *eta_wanted_ref;
static gint64 eta_wanted_after;

static gboolean
eta_later (void)
{
  return store_eta_ms (eta_wanted_ref) > eta_wanted_after;
}

/* Waits until the store's ETA for @ref is later than @eta_ms. */
static void
wait_for_later_eta (const char *ref, gint64 eta_ms)
{
  eta_wanted_ref = ref;
  eta_wanted_after = eta_ms;
  curb_sync_kick (hub.sync);
  if (!wait_until (eta_later, 30000))
    g_error ("the store's ETA of %s stayed at %" G_GINT64_FORMAT, ref, store_eta_ms (ref));
}

/* Item 1: a 101-character surname and 34 CJK characters (102 bytes) as a
 * first name: Vendure issues the QR, and the store takes both orders, the
 * names clipped on character boundaries, the lookup by the whole surname. */
static void
test_long_names (void)
{
  g_autoptr(GString) surname = g_string_new ("W");
  g_autoptr(GString) cjk = g_string_new (NULL);
  g_autoptr(JsonArray) long_surname = NULL, long_first = NULL;
  g_autoptr(GError) error = NULL;
  guint64 rejected = curb_sync_get_rejected_orders (hub.sync);
  const char *ref_a, *ref_b;

  for (guint i = 0; i < 100; i++)
    g_string_append_c (surname, 'a' + i % 26);
  for (guint i = 0; i < 34; i++)
    g_string_append (cjk, "\u5c71");
  {
    const char *args_a[] = { "--last-name", surname->str, NULL };
    const char *args_b[] = { "--first-name", cjk->str, "--last-name", "\u7530\u4e2d", NULL };
    long_surname = vendure_fixture_seed_with (hub.vendure, 1, args_a);
    long_first = vendure_fixture_seed_with (hub.vendure, 1, args_b);
  }
  ref_a = json_object_get_string_member (json_array_get_object_element (long_surname, 0), "code");
  ref_b = json_object_get_string_member (json_array_get_object_element (long_first, 0), "code");
  g_assert_nonnull (json_object_get_string_member (json_array_get_object_element (long_surname, 0), "token"));
  wait_for_newer (ref_a, 0);
  wait_for_newer (ref_b, 0);
  {
    g_autoptr(JsonObject) a = curb_store_lookup (hub.store, ref_a, surname->str, &error);
    g_autoptr(JsonObject) b = curb_store_get_order (hub.store, ref_b, &error);
    const char *first = json_object_get_string_member (b, "first_name");

    g_assert_no_error (error);
    g_assert_cmpstr (json_object_get_string_member (a, "last_initial"), ==, "W");
    g_assert_true (g_utf8_validate (first, -1, NULL));
    g_assert_cmpuint (strlen (first), <=, 100);
    g_assert_true (g_str_has_prefix (first, "\u5c71\u5c71\u5c71"));
    g_assert_true (g_str_has_suffix (first, "\u2026"));
  }
  g_assert_cmpuint (curb_sync_get_rejected_orders (hub.sync), ==, rejected);
}

static gboolean delivery_seen;

static void
on_delivery_stored (CurbSync *sync, const char * const *refs, gpointer user_data)
{
  if (hub.watched_ref != NULL && g_strv_contains (refs, hub.watched_ref))
    delivery_seen = TRUE;
}

/* Item 3: a home-delivery order that also carries pickupLocationCode gets no
 * token and never reaches the store; a pickup order placed after it does. */
static void
test_delivery_is_not_pickup (void)
{
  const char *args[] = { "--shipping", "delivery", NULL };
  g_autoptr(JsonArray) delivery = vendure_fixture_seed_with (hub.vendure, 1, args);
  g_autoptr(JsonArray) pickup = vendure_fixture_seed (hub.vendure, 1);
  JsonObject *order = json_array_get_object_element (delivery, 0);
  const char *ref = json_object_get_string_member (order, "code");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stored = NULL;
  gulong handler = g_signal_connect (hub.sync, "orders-stored", G_CALLBACK (on_delivery_stored), NULL);

  g_assert_true (json_object_get_null_member (order, "token") || !json_object_has_member (order, "token")
                 || json_object_get_string_member (order, "token") == NULL);
  hub.watched_ref = g_strdup (ref);
  wait_for_newer (json_object_get_string_member (json_array_get_object_element (pickup, 0), "code"), 0);
  catch_up ();
  catch_up ();
  g_assert_false (delivery_seen);
  stored = curb_store_get_order (hub.store, ref, &error);
  g_assert_null (stored);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_NOT_FOUND);
  g_signal_handler_disconnect (hub.sync, handler);
  g_clear_pointer (&hub.watched_ref, g_free);
}

static JsonObject *
admin_mutation (const char *query, const char *variables_json)
{
  g_autoptr(JsonNode) variables = json_from_string (variables_json, NULL);

  return vendure_fixture_query (hub.vendure, query, json_node_get_object (variables));
}

static gint64
fulfilled_units (JsonObject *order)
{
  JsonArray *fulfillments = json_object_get_array_member (order, "fulfillments");
  gint64 units = 0;

  for (guint i = 0; i < json_array_get_length (fulfillments); i++)
    {
      JsonObject *f = json_array_get_object_element (fulfillments, i);
      JsonArray *lines = json_object_get_array_member (f, "lines");

      if (g_str_equal (json_object_get_string_member (f, "state"), "Cancelled"))
        continue;
      for (guint j = 0; j < json_array_get_length (lines); j++)
        units += json_object_get_int_member (json_array_get_object_element (lines, j), "quantity");
    }
  return units;
}

static const char *restaged_ref;

static gboolean
needs_restage (void)
{
  g_autoptr(JsonObject) order = curb_store_get_order (hub.store, restaged_ref, NULL);

  return order != NULL && json_object_has_member (order, "restage");
}

/* Item 4: staff changed the order in Vendure after the store staged it (3
 * more of a line): the store shows the re-stage, refuses the handoff until
 * the order is staged again, and what leaves is exactly what was staged. */
static void
test_changed_after_staging (void)
{
  g_autoptr(JsonArray) placed = vendure_fixture_seed (hub.vendure, 1);
  JsonObject *seeded = json_array_get_object_element (placed, 0);
  const char *ref = json_object_get_string_member (seeded, "code");
  const char *order_id = json_object_get_string_member (seeded, "id");
  const char *line_id = json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (seeded, "lines"), 1), "id");
  g_autofree char *modify = NULL, *id_only = NULL, *to_state = NULL, *payment = NULL;
  g_autoptr(JsonObject) arrival = arrival_data ("4");
  g_autoptr(JsonObject) order = NULL, vendure_order = NULL;
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL, r3 = NULL, r4 = NULL, r5 = NULL;
  g_autoptr(CurbEvent) handover = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *restage;
  gint64 version;

  wait_for_newer (ref, 0);
  append (CURB_EVENT_STAGED, ref, NULL);
  append (CURB_EVENT_ARRIVED, ref, arrival);
  append (CURB_EVENT_CLAIMED, ref, NULL);
  drain (30000);
  version = stored_version (ref);

  id_only = g_strdup_printf ("{\"id\": \"%s\", \"s\": \"Modifying\"}", order_id);
  r1 = admin_mutation ("mutation($id: ID!, $s: String!) { transitionOrderToState(id: $id, state: $s) {"
                       " ... on Order { state } ... on OrderStateTransitionError { errorCode message transitionError } } }", id_only);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (r1, "transitionOrderToState"), "state"), ==, "Modifying");
  modify = g_strdup_printf ("{\"i\": {\"dryRun\": false, \"orderId\": \"%s\", \"adjustOrderLines\":"
                            " [{\"orderLineId\": \"%s\", \"quantity\": 4}]}}", order_id, line_id);
  r2 = admin_mutation ("mutation($i: ModifyOrderInput!) { modifyOrder(input: $i) {"
                       " ... on Order { id } ... on ErrorResult { errorCode message } } }", modify);
  g_assert_nonnull (json_object_get_string_member_with_default (json_object_get_object_member (r2, "modifyOrder"), "id", NULL));
  to_state = g_strdup_printf ("{\"id\": \"%s\", \"s\": \"ArrangingAdditionalPayment\"}", order_id);
  r3 = admin_mutation ("mutation($id: ID!, $s: String!) { transitionOrderToState(id: $id, state: $s) {"
                       " ... on Order { state } ... on OrderStateTransitionError { errorCode message transitionError } } }", to_state);
  payment = g_strdup_printf ("{\"i\": {\"orderId\": \"%s\", \"method\": \"dummy\", \"transactionId\": \"extra-1\", \"metadata\": {}}}",
                             order_id);
  r4 = admin_mutation ("mutation($i: ManualPaymentInput!) { addManualPaymentToOrder(input: $i) {"
                       " ... on Order { state } ... on ErrorResult { errorCode message } } }", payment);
  g_free (to_state);
  to_state = g_strdup_printf ("{\"id\": \"%s\", \"s\": \"PaymentSettled\"}", order_id);
  r5 = admin_mutation ("mutation($id: ID!, $s: String!) { transitionOrderToState(id: $id, state: $s) {"
                       " ... on Order { state } ... on OrderStateTransitionError { errorCode message transitionError } } }", to_state);
  g_test_message ("modify: %s / %s / %s",
                  json_object_get_string_member_with_default (json_object_get_object_member (r3, "transitionOrderToState"), "state", "?"),
                  json_object_get_string_member_with_default (json_object_get_object_member (r4, "addManualPaymentToOrder"), "state", "?"),
                  json_object_get_string_member_with_default (json_object_get_object_member (r5, "transitionOrderToState"), "state", "?"));

  /* the versions of the store's own pushes may come first: wait for the change */
  restaged_ref = ref;
  curb_sync_kick (hub.sync);
  g_assert_true (wait_until (needs_restage, 30000));
  g_assert_cmpint (stored_version (ref), >, version);
  order = curb_store_get_order (hub.store, ref, &error);
  g_assert_no_error (error);
  restage = json_object_get_array_member (order, "restage");
  g_assert_cmpuint (json_array_get_length (restage), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (restage, 0), "staged_qty"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (restage, 0), "qty"), ==, 4);

  handover = curb_event_new (CURB_EVENT_HANDED_OVER, ref, "staging-1", "st-7", NULL);
  g_assert_false (curb_store_append_event (hub.store, handover, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_RESTAGE_REQUIRED);
  g_assert_nonnull (strstr (error->message, "+3 \u00d7"));
  g_clear_error (&error);

  append (CURB_EVENT_STAGED, ref, NULL);
  append (CURB_EVENT_HANDED_OVER, ref, NULL);
  drain (30000);
  vendure_order = vendure_fixture_order (hub.vendure, ref);
  g_assert_cmpstr (json_object_get_string_member (vendure_order, "state"), ==, "Delivered");
  /* 2 eggs + 4 milk (+ bread on some seeds), each unit in exactly one fulfilment */
  {
    JsonArray *lines = json_object_get_array_member (vendure_order, "lines");
    gint64 units = 0;

    for (guint i = 0; i < json_array_get_length (lines); i++)
      units += json_object_get_int_member (json_array_get_object_element (lines, i), "quantity");
    g_assert_cmpint (fulfilled_units (vendure_order), ==, units);
  }
}

/* Announce: "I'm on my way" through the Shop API with the pickup token alone. */
static void
test_announce (void)
{
  g_autoptr(JsonArray) placed = vendure_fixture_seed (hub.vendure, 1);
  const char *ref = json_object_get_string_member (json_array_get_object_element (placed, 0), "code");
  const char *token = json_object_get_string_member (json_array_get_object_element (placed, 0), "token");
  g_autofree char *status = NULL, *again = NULL, *error_code = NULL;
  gint64 now_ms = g_get_real_time () / 1000;
  gint64 first_eta;

  wait_for_newer (ref, 0);
  status = announce_pickup (token, 15, &error_code);
  g_assert_cmpstr (status, ==, "announced");
  wait_for_later_eta (ref, -1);
  first_eta = store_eta_ms (ref);
  g_assert_cmpint (first_eta, >=, now_ms + 14 * 60 * 1000);
  g_assert_cmpint (first_eta, <=, now_ms + 17 * 60 * 1000);

  /* running late: the later ETA replaces the first */
  g_usleep (1100 * 1000);
  again = announce_pickup (token, 45, NULL);
  g_assert_cmpstr (again, ==, "announced");
  wait_for_later_eta (ref, first_eta);
  g_assert_cmpint (store_eta_ms (ref), >=, first_eta + 29 * 60 * 1000);
  g_assert_true (wait_until (announce_hinted, 10000));
  announced_ref = g_strdup (ref);
  announced_token = g_strdup (token);
}

static const char *
store_claimer (const char *ref)
{
  static char name[64];
  g_autoptr(JsonObject) order = curb_store_get_order (hub.store, ref, NULL);
  JsonNode *node = order != NULL ? json_object_get_member (order, "claimed_by") : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  g_strlcpy (name, json_object_get_string_member_with_default (json_node_get_object (node), "first_name", ""),
             sizeof name);
  return name;
}

static JsonObject *
staff_data (const char *name)
{
  JsonObject *data = json_object_new ();

  json_object_set_string_member (data, "staff_name", name);
  return data;
}

/* Staff take on the announced order while its shopper is on the way: Vendure
 * says "taken_on" (not "claimed": the shopper has not arrived), so the
 * shopper can still announce a new ETA; a release before the arrival hands
 * it back; the arrival makes it claimed by whoever took it on, the name the
 * kiosk greets with, and only then are announcements ignored. */
static void
test_announce_taken_on (void)
{
  const char *ref = announced_ref;
  g_autoptr(JsonObject) ana = staff_data ("Ana");
  g_autoptr(JsonObject) arrival = arrival_data ("6");
  g_autoptr(JsonObject) taken = NULL, released = NULL, arrived = NULL;
  g_autofree char *late = NULL, *there = NULL;
  gint64 eta;

  g_assert_nonnull (ref);
  append (CURB_EVENT_CLAIMED, ref, ana);
  drain (30000);
  taken = vendure_fixture_order (hub.vendure, ref);
  g_assert_cmpstr (custom_field (taken, "pickupStatus"), ==, "taken_on");
  g_assert_null (custom_field (taken, "customerArrivedAt"));
  g_assert_cmpuint (count_notes (taken, "taken on by staff"), ==, 1);

  /* a newer version alone may be the echo of the store's own push: wait for the ETA */
  eta = store_eta_ms (ref);
  late = announce_pickup (announced_token, 60, NULL);
  g_assert_cmpstr (late, ==, "announced");
  wait_for_later_eta (ref, eta);
  g_assert_cmpstr (store_claimer (ref), ==, "Ana");

  append (CURB_EVENT_RELEASED, ref, NULL);
  drain (30000);
  released = vendure_fixture_order (hub.vendure, ref);
  g_assert_null (custom_field (released, "pickupStatus"));
  g_assert_null (store_claimer (ref));

  append (CURB_EVENT_CLAIMED, ref, ana);
  append (CURB_EVENT_ARRIVED, ref, arrival);
  drain (30000);
  g_assert_cmpstr (order_state_name (ref), ==, "claimed");
  g_assert_cmpstr (store_claimer (ref), ==, "Ana");
  arrived = vendure_fixture_order (hub.vendure, ref);
  g_assert_cmpstr (custom_field (arrived, "pickupStatus"), ==, "claimed");
  g_assert_cmpstr (custom_field (arrived, "pickupBay"), ==, "6");
  g_assert_nonnull (custom_field (arrived, "customerArrivedAt"));
  there = announce_pickup (announced_token, 5, NULL);
  g_assert_cmpstr (there, ==, "ignored");
}

/* An announcement after the shopper arrived changes nothing. */
static void
test_announce_after_arrival (void)
{
  g_autoptr(JsonArray) placed = vendure_fixture_seed (hub.vendure, 1);
  JsonObject *seeded = json_array_get_object_element (placed, 0);
  const char *ref = json_object_get_string_member (seeded, "code");
  g_autoptr(JsonObject) arrival = arrival_data ("2");
  g_autoptr(JsonObject) before = NULL, after = NULL;
  g_autofree char *status = NULL;

  wait_for_newer (ref, 0);
  append (CURB_EVENT_ARRIVED, ref, arrival);
  drain (30000);
  before = vendure_fixture_order (hub.vendure, ref);
  status = announce_pickup (json_object_get_string_member (seeded, "token"), 10, NULL);
  g_assert_cmpstr (status, ==, "ignored");
  after = vendure_fixture_order (hub.vendure, ref);
  g_assert_null (custom_field (after, "pickupEta"));
  g_assert_cmpstr (json_object_get_string_member (after, "updatedAt"), ==, json_object_get_string_member (before, "updatedAt"));
  g_assert_cmpint (store_eta_ms (ref), ==, -1);
}

/* Refused: a cancelled order, a forged code, an expired one, another store's. */
static void
test_announce_refused (void)
{
  g_autofree char *key_path = g_build_filename (hub.vendure->data_dir, "pickup-token.key", NULL);
  g_autoptr(CurbSigningKey) key = curb_signing_key_load (key_path, NULL);
  g_autoptr(CurbSigningKey) forger = curb_signing_key_generate (curb_signing_key_get_key_id (key), NULL);
  gint64 now_s = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(CurbTokenClaims) good = curb_token_claims_new (VENDURE_FIXTURE_STORE, seeded_code (2), now_s + 3600);
  g_autoptr(CurbTokenClaims) old = curb_token_claims_new (VENDURE_FIXTURE_STORE, seeded_code (2), now_s - 3600);
  g_autoptr(CurbTokenClaims) elsewhere = curb_token_claims_new ("store-002", seeded_code (2), now_s + 3600);
  g_autofree char *forged = curb_token_sign (forger, good, NULL);
  g_autofree char *expired = curb_token_sign (key, old, NULL);
  g_autofree char *other = curb_token_sign (key, elsewhere, NULL);
  struct { const char *token; const char *error; } cases[] = {
    { json_object_get_string_member (json_array_get_object_element (hub.seeded, 5), "token"), "cancelled" },
    { forged, "token_bad_signature" },
    { expired, "token_expired" },
    { other, "token_other_store" },
    { "NOT-A-TOKEN", "token_malformed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *error_code = NULL;
      g_autofree char *status = announce_pickup (cases[i].token, 10, &error_code);

      g_test_message ("%s → %s %s", cases[i].error, status, error_code);
      g_assert_cmpstr (status, ==, "refused");
      g_assert_cmpstr (error_code, ==, cases[i].error);
    }
  {
    g_autoptr(JsonObject) order = vendure_fixture_order (hub.vendure, seeded_code (2));
    g_assert_null (custom_field (order, "pickupEta"));
  }
}

static GBytes *
http_get (const char *url, guint *out_status, char **out_type)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  GBytes *body = soup_session_send_and_read (session, msg, NULL, &error);

  g_assert_no_error (error);
  *out_status = soup_message_get_status (msg);
  if (out_type != NULL)
    *out_type = g_strdup (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL));
  return body;
}

/* The order-confirmation e-mail Vendure's EmailPlugin wrote for @code. */
static char *
order_email (const char *code)
{
  g_autofree char *dir = g_build_filename (hub.vendure->data_dir, "emails", NULL);
  g_autoptr(GDir) emails = g_dir_open (dir, 0, NULL);
  const char *name;

  while (emails != NULL && (name = g_dir_read_name (emails)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL) && strstr (text, code) != NULL
          && strstr (text, "Order confirmation") != NULL)
        return g_steal_pointer (&text);
    }
  return NULL;
}

static char *wanted_email_code;

static gboolean
email_written (void)
{
  g_autofree char *text = order_email (wanted_email_code);

  return text != NULL;
}

/* The QR as the ZBar/zxing scanner of the kiosk reads it (curbside-ctl scan). */
static char *
scan_png (GBytes *png)
{
  g_autofree char *path = g_build_filename (hub.dir, "pickup-qr.png", NULL);
  g_autofree char *ctl = curb_test_build_path ("ctl", "curbside-ctl");
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), &error));
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                            ctl, "scan", path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error));
  return g_steal_pointer (&out);
}

static GBytes *
http_post_form (const char *url, const char *form, guint *out_status)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new (form, strlen (form));
  g_autoptr(GError) error = NULL;
  GBytes *answer;

  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (msg);
  return answer;
}

/* The pickup message: Vendure's order-confirmation e-mail carries the QR
 * image and the "I'm on my way" link; the image is the token's QR as the
 * kiosk reads it; the link shows a page (which announces nothing) whose
 * button, posting its form, announces. On an open order nobody announced. */
static void
test_pickup_message (void)
{
  JsonObject *seeded = json_array_get_object_element (hub.more, 1);
  const char *ref = json_object_get_string_member (seeded, "code");
  const char *token = json_object_get_string_member (seeded, "token");
  g_autofree char *post_url = g_strdup_printf ("%s/curbside/on-my-way", hub.vendure->url);
  g_autofree char *form = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonObject) after_page = NULL;
  gint64 now_ms;
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
  g_autofree char *qr_url = g_strdup_printf ("%s/curbside/pickup-qr.png?t=%s", hub.vendure->url, escaped);
  g_autofree char *page_url = g_strdup_printf ("%s/curbside/on-my-way?t=%s", hub.vendure->url, escaped);
  g_autofree char *email = NULL, *type = NULL, *scanned = NULL;
  g_autoptr(GBytes) png = NULL, page = NULL;
  guint status = 0;

  wanted_email_code = g_strdup (ref);
  g_assert_true (wait_until (email_written, 30000));
  email = order_email (ref);
  g_assert_nonnull (strstr (email, "Your pickup code"));
  g_assert_nonnull (strstr (email, "/curbside/pickup-qr.png?t="));
  g_assert_nonnull (strstr (email, "/curbside/on-my-way?t="));
  g_assert_nonnull (strstr (email, "on my way"));
  g_clear_pointer (&wanted_email_code, g_free);

  png = http_get (qr_url, &status, &type);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (type, ==, "image/png");
  scanned = scan_png (png);
  g_test_message ("scanned: %s", scanned);
  g_assert_nonnull (strstr (scanned, token));

  page = http_get (page_url, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (page, NULL), g_bytes_get_size (page), "name=\"eta\""));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (page, NULL), g_bytes_get_size (page), "action=\"on-my-way\""));
  after_page = vendure_fixture_order (hub.vendure, ref);
  g_assert_null (custom_field (after_page, "pickupEta"));

  /* the shopper taps "10 min": the browser posts the page's form */
  now_ms = g_get_real_time () / 1000;
  form = g_strdup_printf ("t=%s&eta=10", escaped);
  answer = http_post_form (post_url, form, &status);
  g_test_message ("on-my-way: %u %.*s", status, (int) MIN (g_bytes_get_size (answer), 400),
                  (const char *) g_bytes_get_data (answer, NULL));
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), "see you soon"));
  wait_for_later_eta (ref, -1);
  g_assert_cmpint (store_eta_ms (ref), >=, now_ms + 9 * 60 * 1000);
  g_assert_cmpint (store_eta_ms (ref), <=, now_ms + 12 * 60 * 1000);
}

/* hub.conf chooses the connector; here with a Vendure API key. */
static void
test_hub_config (void)
{
  g_autoptr(JsonObject) data = vendure_fixture_query (hub.vendure,
      "mutation { createApiKey(input: { roleIds: [\"1\"], translations: [{ languageCode: en, name: \"curbside hub\" }] })"
      " { apiKey } }", NULL);
  const char *api_key = json_object_get_string_member (json_object_get_object_member (data, "createApiKey"), "apiKey");
  g_autofree char *credentials = g_build_filename (hub.dir, "vendure.credentials", NULL);
  g_autofree char *text = g_strdup_printf ("[store]\nid = %s\nname = Demo\n[central]\nconnector = vendure\n"
                                           "url = %s/admin-api\ncredentials-file = %s\nvendure-auth = api-key\n"
                                           "partial-pickup = keep\n", VENDURE_FIXTURE_STORE, hub.vendure->url,
                                           credentials);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbConfig) config = NULL;
  g_autoptr(CurbConnector) connector = NULL;
  g_autoptr(GPtrArray) refs = NULL;
  PullResult pull = { 0 };

  g_assert_true (g_file_set_contents (credentials, api_key, -1, &error));
  config = curb_config_load_data (CURB_CONFIG_ROLE_HUB, text, -1, "hub.conf", &error);
  g_assert_no_error (error);
  connector = curb_connector_new_for_config (config, &error);
  g_assert_no_error (error);
  g_assert_true (CURB_IS_VENDURE_CONNECTOR (connector));
  g_assert_cmpstr (curb_connector_get_name (connector), ==, "vendure");
  g_assert_cmpint (curb_vendure_connector_get_partial_policy (CURB_VENDURE_CONNECTOR (connector)), ==,
                   CURB_VENDURE_PARTIAL_KEEP);
  pending_pull = &pull;
  pull.connector = connector;
  curb_connector_pull_async (connector, NULL, 100, NULL, on_pulled, &pull);
  g_assert_true (wait_until (pull_done, 30000));
  g_assert_no_error (pull.error);
  /* A new store gets the open orders (and what changed in the last seconds), not history. */
  refs = g_ptr_array_new ();
  for (guint i = 0; i < pull.page->orders->len; i++)
    g_ptr_array_add (refs, (gpointer) json_object_get_string_member (g_ptr_array_index (pull.page->orders, i), "ref"));
  g_ptr_array_add (refs, NULL);
  g_assert_true (g_strv_contains ((const char * const *) refs->pdata, seeded_code (2)));
  g_assert_true (g_strv_contains ((const char * const *) refs->pdata, seeded_code (3)));
  for (guint i = 0; i < json_array_get_length (hub.more); i++)
    g_assert_true (g_strv_contains ((const char * const *) refs->pdata,
                                    json_object_get_string_member (json_array_get_object_element (hub.more, i), "code")));
  g_assert_false (g_strv_contains ((const char * const *) refs->pdata, seeded_code (0)));
  g_assert_cmpuint (curb_vendure_connector_get_logins (CURB_VENDURE_CONNECTOR (connector)), ==, 0);
  curb_connector_page_free (pull.page);
}

/* Fixture */

static void
hub_start (void)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  hub.seeded = vendure_fixture_seed (hub.vendure, N_SEEDED);
  hub.dir = curb_test_mkdtemp ();
  path = g_build_filename (hub.dir, "store.db", NULL);
  hub.store = curb_store_open (path, &error);
  g_assert_no_error (error);
  hub.connector = curb_vendure_connector_new (hub.vendure->url, VENDURE_FIXTURE_STORE, CURB_VENDURE_AUTH_PASSWORD,
                                              "superadmin:superadmin", CURB_VENDURE_PARTIAL_CANCEL, &error);
  g_assert_no_error (error);
  hub.sync = curb_sync_new (hub.store, CURB_CONNECTOR (hub.connector));
  curb_sync_set_poll_interval_ms (hub.sync, 300);
  curb_sync_set_page_size (hub.sync, 100);
  curb_sync_set_backoff (hub.sync, 100, 1000, 7);
  g_signal_connect (hub.sync, "caught-up", G_CALLBACK (on_caught_up), NULL);
  g_signal_connect (hub.sync, "orders-stored", G_CALLBACK (on_orders_stored), NULL);
  g_signal_connect (hub.sync, "keys-fetched", G_CALLBACK (on_keys_fetched), NULL);
  g_signal_connect (hub.sync, "event-rejected", G_CALLBACK (on_event_rejected), NULL);
  curb_sync_start (hub.sync);
}

static void
hub_stop (void)
{
  curb_sync_stop (hub.sync);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (g_steal_pointer (&hub.sync));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (g_steal_pointer (&hub.connector));
  g_clear_object (&hub.store);
  g_clear_pointer (&hub.keys, json_array_unref);
  g_clear_pointer (&hub.seeded, json_array_unref);
  g_clear_pointer (&hub.more, json_array_unref);
  curb_test_rmdir (hub.dir);
  g_free (hub.dir);
  vendure_fixture_free (hub.vendure);
}

static void
skip (gconstpointer reason)
{
  g_test_skip (reason);
}

int
main (int argc, char **argv)
{
  g_autofree char *missing = vendure_fixture_missing ();
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Vendure's default page limit: the connector asks for more and learns it. */
  g_setenv ("VENDURE_LIST_LIMIT", "100", TRUE);
  if (missing != NULL)
    {
      g_test_add_data_func ("/vendure/skipped", missing, skip);
      return g_test_run ();
    }
  hint_sink_start ();
  hub.vendure = vendure_fixture_new (&missing);
  if (hub.vendure == NULL)
    {
      hint_sink_stop ();
      g_test_add_data_func ("/vendure/skipped", missing, skip);
      return g_test_run ();
    }
  hub_start ();
  g_test_add_func ("/vendure/pull", test_pull);
  g_test_add_func ("/vendure/token", test_token);
  g_test_add_func ("/vendure/full-handoff", test_full_handoff);
  g_test_add_func ("/vendure/arrival-and-staging", test_arrival_and_staging);
  g_test_add_func ("/vendure/partial-cancel", test_partial_cancel);
  g_test_add_func ("/vendure/partial-keep", test_partial_keep);
  g_test_add_func ("/vendure/retry-after-drop", test_retry_after_drop);
  g_test_add_func ("/vendure/restart", test_restart);
  g_test_add_func ("/vendure/fulfilled-in-vendure", test_fulfilled_in_vendure);
  g_test_add_func ("/vendure/cancelled-in-vendure", test_cancelled_in_vendure);
  g_test_add_func ("/vendure/hub-config", test_hub_config);
  g_test_add_func ("/vendure/long-names", test_long_names);
  g_test_add_func ("/vendure/delivery-is-not-pickup", test_delivery_is_not_pickup);
  g_test_add_func ("/vendure/changed-after-staging", test_changed_after_staging);
  g_test_add_func ("/vendure/announce", test_announce);
  g_test_add_func ("/vendure/announce-taken-on", test_announce_taken_on);
  g_test_add_func ("/vendure/announce-after-arrival", test_announce_after_arrival);
  g_test_add_func ("/vendure/announce-refused", test_announce_refused);
  g_test_add_func ("/vendure/pickup-message", test_pickup_message);
  status = g_test_run ();
  g_free (announced_ref);
  g_free (announced_token);
  hub_stop ();
  hint_sink_stop ();
  return status;
}
