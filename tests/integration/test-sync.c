#include "curbside-store.h"
#include "curb-test-helpers.h"
#include "central-fixture.h"

/* CurbSync: a real store file, the reference central over real HTTP on
 * 127.0.0.1, faults injected at central; exactly-once checked on central's
 * side. */

typedef struct
{
  CentralFixture       *central;
  char                 *dir;
  CurbStore            *store;
  CurbCentralConnector *connector;
  CurbSync             *sync;
  guint                 caught_up;
  guint                 changed;
  guint                 cancelled;
  GPtrArray            *alerts;     /* refs */
  guint                 rejected;
  guint                 faults_before;
} Fixture;

static void
on_caught_up (CurbSync *sync,
              Fixture  *fixture)
{
  fixture->caught_up++;
}

static void
on_orders_stored (CurbSync  *sync,
                  GStrv      refs,
                  Fixture   *fixture)
{
  g_assert_nonnull (refs[0]);
  fixture->changed += g_strv_length (refs);
}

static void
on_order_cancelled (CurbSync  *sync,
                    CurbEvent *event,
                    Fixture   *fixture)
{
  g_assert_cmpint (curb_event_get_kind (event), ==, CURB_EVENT_CANCELLED);
  fixture->cancelled++;
}

static void
on_cancelled_after_arrival (CurbSync   *sync,
                            const char *ref,
                            CurbEvent  *event,
                            Fixture    *fixture)
{
  g_ptr_array_add (fixture->alerts, g_strdup (ref));
}

static void
on_event_rejected (CurbSync   *sync,
                   CurbEvent  *event,
                   const char *message,
                   Fixture    *fixture)
{
  fixture->rejected++;
}

static void
open_store (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;

  fixture->store = curb_store_open (path, &error);
  g_assert_no_error (error);
}

static void
new_sync (Fixture *fixture)
{
  fixture->sync = curb_sync_new (fixture->store, CURB_CONNECTOR (fixture->connector));
  curb_sync_set_page_size (fixture->sync, 100);
  curb_sync_set_poll_interval_ms (fixture->sync, 200);
  curb_sync_set_backoff (fixture->sync, 20, 200, 4242);
  g_signal_connect (fixture->sync, "caught-up", G_CALLBACK (on_caught_up), fixture);
  g_signal_connect (fixture->sync, "orders-stored", G_CALLBACK (on_orders_stored), fixture);
  g_signal_connect (fixture->sync, "order-cancelled", G_CALLBACK (on_order_cancelled), fixture);
  g_signal_connect (fixture->sync, "cancelled-after-arrival", G_CALLBACK (on_cancelled_after_arrival), fixture);
  g_signal_connect (fixture->sync, "event-rejected", G_CALLBACK (on_event_rejected), fixture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->central = central_fixture_new (GPOINTER_TO_UINT (data));
  fixture->dir = curb_test_mkdtemp ();
  fixture->alerts = g_ptr_array_new_with_free_func (g_free);
  open_store (fixture);
  fixture->connector = curb_central_connector_new (fixture->central->url, FIXTURE_STORE, FIXTURE_KEY, &error);
  g_assert_no_error (error);
  curb_central_connector_set_timeout (fixture->connector, 1);
  new_sync (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  curb_sync_stop (fixture->sync);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->sync);
  g_clear_object (&fixture->connector);
  g_clear_object (&fixture->store);
  central_fixture_free (fixture->central);
  curb_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_ptr_array_unref (fixture->alerts);
}

static gboolean
wait_until (gboolean (*done) (Fixture *), Fixture *fixture, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_GINT64_CONSTANT (1000);

  while (!done (fixture) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  return done (fixture);
}

static gboolean
is_caught_up (Fixture *fixture)
{
  return fixture->caught_up > 0;
}

static gboolean
outbox_empty (Fixture *fixture)
{
  return curb_sync_get_outbox_depth (fixture->sync) == 0;
}

static gboolean
is_offline (Fixture *fixture)
{
  return !curb_sync_get_online (fixture->sync) && curb_sync_get_offline_since (fixture->sync) > 0;
}

static gboolean
is_online (Fixture *fixture)
{
  return curb_sync_get_online (fixture->sync);
}

static guint
count_orders (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) orders = curb_store_list_orders (fixture->store, CURB_ORDER_FILTER_ALL, &error);

  g_assert_no_error (error);
  return json_array_get_length (orders);
}

static void
sync_until_caught_up (Fixture *fixture)
{
  fixture->caught_up = 0;
  curb_sync_start (fixture->sync);
  g_assert_true (wait_until (is_caught_up, fixture, 20000));
}

static CurbEvent *
append (Fixture       *fixture,
        CurbEventKind  kind,
        const char    *ref)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(CurbEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  const char *staff = NULL;

  if (kind == CURB_EVENT_ARRIVED)
    {
      json_object_set_string_member (data, "bay", "3");
      json_object_set_string_member (data, "source", "scan");
    }
  else if (kind == CURB_EVENT_CLAIMED)
    {
      json_object_set_string_member (data, "staff_name", "Alex");
      staff = "st-7";
    }
  event = curb_event_new (kind, ref, "kiosk-1", staff, data);
  g_assert_true (curb_store_append_event (fixture->store, event, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&event);
}

/* Central received each event exactly once, all of them, and each order's
 * events in the store's order. */
static void
assert_exactly_once (Fixture   *fixture,
                     GPtrArray *pushed)
{
  g_autoptr(JsonArray) received = central_fixture_events (fixture->central);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) last_seq = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (json_array_get_length (received), ==, pushed->len);
  for (guint i = 0; i < json_array_get_length (received); i++)
    {
      JsonObject *row = json_array_get_object_element (received, i);
      JsonObject *event = json_object_get_object_member (row, "event");
      const char *ref = json_object_get_string_member (row, "order_ref");
      gint64 seq = json_object_get_int_member (event, "seq");

      g_assert_true (g_hash_table_add (seen, (gpointer) json_object_get_string_member (row, "id")));
      g_assert_cmpint (seq, >, GPOINTER_TO_INT (g_hash_table_lookup (last_seq, ref)));
      g_hash_table_insert (last_seq, (gpointer) ref, GINT_TO_POINTER ((int) seq));
    }
  for (guint i = 0; i < pushed->len; i++)
    g_assert_true (g_hash_table_contains (seen, curb_event_get_id (g_ptr_array_index (pushed, i))));
}

static void
test_pull_all_pages (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  sync_until_caught_up (fixture);
  g_assert_cmpuint (count_orders (fixture), ==, 250);
  g_assert_cmpuint (curb_sync_get_pulled_orders (fixture->sync), ==, 250);
  g_assert_cmpuint (fixture->changed, ==, 250);
  g_assert_cmpuint (curb_sync_get_rejected_orders (fixture->sync), ==, 0);
  g_assert_true (curb_sync_get_online (fixture->sync));
  g_assert_cmpint (curb_sync_get_lag_s (fixture->sync), <=, 1);
  cursor = curb_store_get_meta (fixture->store, CURB_SYNC_CURSOR_META, &error);
  g_assert_cmpstr (cursor, ==, "c250");
}

static void
test_cursor_persists_across_restart (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) order = NULL;

  sync_until_caught_up (fixture);
  curb_sync_stop (fixture->sync);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->sync);
  g_assert_finalize_object (fixture->store);

  central_fixture_patch (fixture->central, "P00007", "{\"first_name\": \"Samantha\"}");
  open_store (fixture);
  new_sync (fixture);
  fixture->changed = 0;
  sync_until_caught_up (fixture);
  g_assert_cmpuint (fixture->changed, ==, 1);
  g_assert_cmpuint (curb_sync_get_pulled_orders (fixture->sync), ==, 1);
  order = curb_store_get_order (fixture->store, "P00007", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (order, "first_name"), ==, "Samantha");
  g_assert_cmpuint (count_orders (fixture), ==, 120);
}

static JsonObject *
stored_order (Fixture    *fixture,
              const char *ref)
{
  g_autoptr(GError) error = NULL;
  JsonObject *order = curb_store_get_order (fixture->store, ref, &error);

  g_assert_no_error (error);
  return order;
}

static void
test_duplicate_pages_apply_once (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbEvent) arrived = NULL;
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *cursor = NULL;

  central_fixture_fault (fixture->central, "{\"kind\":\"duplicate_page\",\"on\":\"pull\",\"count\":3}");
  sync_until_caught_up (fixture);
  g_assert_cmpuint (count_orders (fixture), ==, 120);
  /* three pages came twice, each order in them twice more */
  g_assert_cmpuint (fixture->changed, ==, 120 + 3 * 100 * 2);

  /* the shopper arrives; then everything is delivered again (a lost cursor)
   * and a newer version of the order comes along */
  arrived = append (fixture, CURB_EVENT_ARRIVED, "P00001");
  before = stored_order (fixture, "P00001");
  curb_sync_stop (fixture->sync);
  g_assert_true (curb_store_set_meta (fixture->store, CURB_SYNC_CURSOR_META, "", &error));
  central_fixture_patch (fixture->central, "P00009", "{\"first_name\": \"Jo\"}");
  sync_until_caught_up (fixture);

  after = stored_order (fixture, "P00001");
  g_assert_cmpuint (count_orders (fixture), ==, 120);
  g_assert_cmpstr (json_object_get_string_member (after, "state"), ==, "arrived");
  g_assert_true (json_node_equal (json_object_get_member (before, "lines"), json_object_get_member (after, "lines")));
  events = curb_store_list_order_events (fixture->store, "P00001", &error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (curb_store_get_last_seq (fixture->store), ==, 1);
  g_clear_pointer (&after, json_object_unref);
  after = stored_order (fixture, "P00009");
  g_assert_cmpstr (json_object_get_string_member (after, "first_name"), ==, "Jo");
  cursor = curb_store_get_meta (fixture->store, CURB_SYNC_CURSOR_META, &error);
  g_assert_cmpstr (cursor, ==, "c121");
}

static void
test_refused_cursor_restarts (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  g_assert_true (curb_store_set_meta (fixture->store, CURB_SYNC_CURSOR_META, "from-another-central", &error));
  sync_until_caught_up (fixture);
  g_assert_cmpuint (count_orders (fixture), ==, 30);
  cursor = curb_store_get_meta (fixture->store, CURB_SYNC_CURSOR_META, &error);
  g_assert_cmpstr (cursor, ==, "c30");
  /* The refusal was handled: nothing is wrong once central answered again. */
  g_assert_null (curb_sync_get_last_error (fixture->sync));
}

static void
test_broken_json_applies_nothing (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  central_fixture_fault (fixture->central, "{\"kind\":\"broken_json\",\"variant\":\"truncated\",\"on\":\"pull\"}");
  central_fixture_fault (fixture->central, "{\"kind\":\"broken_json\",\"variant\":\"wrong_shape\",\"on\":\"pull\"}");
  central_fixture_fault (fixture->central, "{\"kind\":\"broken_json\",\"variant\":\"not_json\",\"on\":\"pull\"}");
  curb_sync_set_backoff (fixture->sync, 300, 300, 1);
  curb_sync_start (fixture->sync);
  g_assert_true (wait_until (is_offline, fixture, 5000));
  g_assert_cmpuint (count_orders (fixture), ==, 0);
  cursor = curb_store_get_meta (fixture->store, CURB_SYNC_CURSOR_META, &error);
  g_assert_null (cursor);
  g_assert_nonnull (strstr (curb_sync_get_last_error (fixture->sync), "central sent"));

  g_assert_true (wait_until (is_caught_up, fixture, 10000));
  g_assert_cmpuint (count_orders (fixture), ==, 120);
}

static void
test_invalid_order_is_skipped (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;

  central_fixture_patch (fixture->central, "P00003", "{\"lines\": \"none\", \"first_name\": \"<b>x</b>\"}");
  central_fixture_patch (fixture->central, "P00004", "{\"window_start\": \"yesterday-ish\"}");
  sync_until_caught_up (fixture);
  g_assert_cmpuint (curb_sync_get_rejected_orders (fixture->sync), ==, 2);
  g_assert_cmpuint (count_orders (fixture), ==, 18);
  cursor = curb_store_get_meta (fixture->store, CURB_SYNC_CURSOR_META, &error);
  g_assert_cmpstr (cursor, ==, "c22");
}

static void
test_push_exactly_once_under_faults (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(GPtrArray) pushed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonArray) received = NULL;
  gint64 deliveries = 0;

  sync_until_caught_up (fixture);
  for (guint i = 1; i <= 8; i++)
    {
      g_autofree char *ref = g_strdup_printf ("P%05u", i);

      g_ptr_array_add (pushed, append (fixture, CURB_EVENT_ARRIVED, ref));
      g_ptr_array_add (pushed, append (fixture, CURB_EVENT_CLAIMED, ref));
    }
  central_fixture_fault (fixture->central, "{\"kind\":\"status\",\"status\":500,\"count\":2,\"on\":\"push\"}");
  central_fixture_fault (fixture->central, "{\"kind\":\"drop\",\"count\":2,\"on\":\"push\"}");
  central_fixture_fault (fixture->central, "{\"kind\":\"unavailable\",\"retry_after\":0,\"on\":\"push\"}");
  central_fixture_fault (fixture->central, "{\"kind\":\"delay\",\"delay_ms\":1500,\"on\":\"push\"}");
  central_fixture_fault (fixture->central, "{\"kind\":\"broken_json\",\"on\":\"push\"}");
  curb_sync_kick (fixture->sync);

  g_assert_true (wait_until (outbox_empty, fixture, 20000));
  assert_exactly_once (fixture, pushed);
  received = central_fixture_events (fixture->central);
  for (guint i = 0; i < json_array_get_length (received); i++)
    deliveries += json_object_get_int_member (json_array_get_object_element (received, i), "deliveries");
  /* drop ×2, delay and broken JSON: central applied, the answer was lost, the hub sent again */
  g_assert_cmpint (deliveries, ==, pushed->len + 4);
  g_assert_cmpuint (curb_sync_get_pushed_events (fixture->sync), ==, pushed->len);
  g_assert_true (curb_sync_get_online (fixture->sync));
}

static gboolean
central_has_one (Fixture *fixture)
{
  g_autoptr(JsonArray) received = central_fixture_events (fixture->central);

  return json_array_get_length (received) == 1;
}

static void
test_restart_mid_push (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) pushed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonArray) received = NULL;

  sync_until_caught_up (fixture);
  central_fixture_fault (fixture->central, "{\"kind\":\"delay\",\"delay_ms\":800,\"on\":\"push\"}");
  g_ptr_array_add (pushed, append (fixture, CURB_EVENT_ARRIVED, "P00002"));
  curb_sync_kick (fixture->sync);
  /* central applied it; the hub goes down before the answer comes */
  g_assert_true (wait_until (central_has_one, fixture, 5000));
  curb_sync_stop (fixture->sync);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->sync);
  g_assert_cmpuint (curb_store_outbox_depth (fixture->store), ==, 1);

  new_sync (fixture);
  g_ptr_array_add (pushed, append (fixture, CURB_EVENT_ARRIVED, "P00003"));
  curb_sync_start (fixture->sync);
  g_assert_true (wait_until (outbox_empty, fixture, 5000));
  assert_exactly_once (fixture, pushed);
  received = central_fixture_events (fixture->central);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (received, 0), "deliveries"), ==, 2);
}

static gboolean
pushed_one (Fixture *fixture)
{
  return curb_sync_get_pushed_events (fixture->sync) > 0;
}

static guint
faults_taken (Fixture *fixture)
{
  return curb_central_faults_get_taken (curb_central_server_get_faults (fixture->central->server));
}

static gboolean
fault_taken (Fixture *fixture)
{
  return faults_taken (fixture) > fixture->faults_before;
}

static void
test_retry_after_is_honoured (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(CurbEvent) event = NULL;
  gint64 started;

  sync_until_caught_up (fixture);
  central_fixture_fault (fixture->central, "{\"kind\":\"rate_limit\",\"retry_after\":2,\"on\":\"push\"}");
  event = append (fixture, CURB_EVENT_ARRIVED, "P00003");
  started = g_get_monotonic_time ();
  curb_sync_kick (fixture->sync);
  g_assert_true (wait_until (pushed_one, fixture, 10000));
  /* backoff alone would retry within 20 ms */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 2000 * 1000);
  g_assert_cmpuint (curb_store_outbox_get_attempts (fixture->store, curb_event_get_id (event)), ==, 0);

  /* Time from the 429 itself (a pull already in flight may still catch up
   * before it): central answers it in one main-loop turn, the sync reads the
   * answer and sets its timer in a later one, so nothing the sync does about
   * it can come before this check. */
  fixture->faults_before = faults_taken (fixture);
  central_fixture_fault (fixture->central, "{\"kind\":\"rate_limit\",\"retry_after\":1,\"on\":\"pull\"}");
  g_assert_true (wait_until (fault_taken, fixture, 10000));
  started = g_get_monotonic_time ();
  fixture->caught_up = 0;
  g_assert_true (wait_until (is_caught_up, fixture, 10000));
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 1000 * 1000);
}

static void
test_cancel_after_arrival_alerts (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(CurbEvent) arrived = NULL;
  g_autoptr(JsonArray) received = NULL;
  CurbOrderState state;

  sync_until_caught_up (fixture);
  arrived = append (fixture, CURB_EVENT_ARRIVED, "P00001");
  central_fixture_patch (fixture->central, "P00001", "{\"cancelled\": true}");
  central_fixture_patch (fixture->central, "P00002", "{\"cancelled\": true}");
  fixture->caught_up = 0;
  g_assert_true (wait_until (is_caught_up, fixture, 5000));
  g_assert_true (wait_until (outbox_empty, fixture, 5000));

  g_assert_cmpuint (fixture->cancelled, ==, 2);
  g_assert_cmpuint (fixture->alerts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->alerts, 0), ==, "P00001");
  g_assert_true (curb_store_get_order_state (fixture->store, "P00001", &state, NULL));
  g_assert_cmpint (state, ==, CURB_ORDER_STATE_CANCELLED);
  /* central's own cancellation is not pushed back to it */
  received = central_fixture_events (fixture->central);
  g_assert_cmpuint (json_array_get_length (received), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (received, 0), "kind"), ==, "arrived");
}

static void
test_offline_detected (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) pushed = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 lost;
  gint64 detect_ms;

  sync_until_caught_up (fixture);
  g_assert_true (curb_sync_get_online (fixture->sync));
  g_assert_cmpint (curb_sync_get_offline_since (fixture->sync), ==, 0);

  /* central hangs: every answer comes too late */
  central_fixture_fault (fixture->central, "{\"kind\":\"delay\",\"delay_ms\":3000,\"count\":1000}");
  lost = g_get_monotonic_time ();
  g_assert_true (wait_until (is_offline, fixture, 40000));
  g_assert_nonnull (curb_sync_get_last_error (fixture->sync));
  detect_ms = (g_get_monotonic_time () - lost) / 1000;
  g_test_message ("offline detected %" G_GINT64_FORMAT " ms after central started hanging", detect_ms);
  g_assert_cmpint (detect_ms, <, 40000);

  /* central gone: events wait in the outbox */
  central_fixture_stop (fixture->central);
  g_ptr_array_add (pushed, append (fixture, CURB_EVENT_ARRIVED, "P00004"));
  g_ptr_array_add (pushed, append (fixture, CURB_EVENT_ARRIVED, "P00005"));
  curb_sync_kick (fixture->sync);
  g_assert_false (wait_until (is_online, fixture, 500));
  g_assert_cmpuint (curb_sync_get_outbox_depth (fixture->sync), ==, 2);

  /* back: catches up exactly once */
  central_fixture_restart (fixture->central);
  curb_central_faults_clear (curb_central_server_get_faults (fixture->central->server));
  g_assert_true (wait_until (is_online, fixture, 10000));
  g_assert_true (wait_until (outbox_empty, fixture, 10000));
  assert_exactly_once (fixture, pushed);
  /* Store IT is not shown the outage as the last error once central is back. */
  g_assert_null (curb_sync_get_last_error (fixture->sync));
}

static void
test_refused_event_leaves_outbox (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) pushed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonObject) local_order = curb_central_seed_demo_order (900, curb_now_ms ());
  g_autoptr(CurbEvent) refused = NULL;
  g_autoptr(JsonArray) audit = NULL;
  g_autoptr(GError) error = NULL;

  sync_until_caught_up (fixture);
  /* an order central does not know: central will refuse its events for good */
  json_object_set_string_member (local_order, "store_id", FIXTURE_STORE);
  json_object_set_int_member (local_order, "version", 1);
  g_assert_true (curb_store_upsert_order (fixture->store, local_order, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  refused = append (fixture, CURB_EVENT_ARRIVED, "P00901");
  g_ptr_array_add (pushed, append (fixture, CURB_EVENT_ARRIVED, "P00002"));
  curb_sync_kick (fixture->sync);

  g_assert_true (wait_until (outbox_empty, fixture, 5000));
  g_assert_cmpuint (fixture->rejected, ==, 1);
  g_assert_cmpuint (curb_sync_get_rejected_events (fixture->sync), ==, 1);
  assert_exactly_once (fixture, pushed);
  audit = curb_store_list_audit (fixture->store, 0, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (audit), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (audit, 0), "action"), ==,
                   "central_rejected_event");
}

static gint64
stored_version (Fixture *fixture, const char *ref)
{
  g_autoptr(JsonObject) order = curb_store_get_order (fixture->store, ref, NULL);

  return order != NULL ? json_object_get_int_member (order, "version") : -1;
}

static gboolean
p00002_changed (Fixture *fixture)
{
  return stored_version (fixture, "P00002") >= 2;
}

static CurbEvent *
append_with (Fixture *fixture, CurbEventKind kind, const char *ref, const char *data_json, GError **error)
{
  g_autoptr(JsonNode) data = json_from_string (data_json, NULL);
  g_autoptr(CurbEvent) event = curb_event_new (kind, ref, "staging-1", "st-7", json_node_get_object (data));

  if (!curb_store_append_event (fixture->store, event, NULL, error))
    return NULL;
  return g_steal_pointer (&event);
}

/* Central changes an order after it was staged: the store shows what to
 * re-stage, and refuses the handoff until it is staged again (with a new
 * bag count), so no unit leaves that was never staged. */
/* P00002 offers a substitution (S1): the handoff carries the shopper's answer. */
#define P00002_HANDOFF "{\"id_checked\": true, \"substitutions\": [{\"substitution_id\": \"S1\", \"approved\": true}]}"

static void
test_change_after_staging_needs_restage (Fixture       *fixture,
                                         gconstpointer  data)
{
  const char *bags = "{\"locations\": [{\"zone\": \"A\", \"shelf\": \"1\", \"bin\": \"2\"}],"
                     " \"bags\": {\"ambient\": 1, \"chilled\": 0, \"frozen\": 0}}";
  const char *more_bags = "{\"locations\": [{\"zone\": \"A\", \"shelf\": \"1\", \"bin\": \"2\"}],"
                          " \"bags\": {\"ambient\": 2, \"chilled\": 0, \"frozen\": 0}}";
  g_autoptr(CurbEvent) staged = NULL, restaged = NULL, handed = NULL, refused = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *restage;
  JsonObject *change;

  sync_until_caught_up (fixture);
  staged = append_with (fixture, CURB_EVENT_STAGED, "P00002", bags, &error);
  g_assert_no_error (error);
  g_clear_object (&staged);
  append (fixture, CURB_EVENT_ARRIVED, "P00002");
  g_object_unref (append (fixture, CURB_EVENT_CLAIMED, "P00002"));
  order = curb_store_get_order (fixture->store, "P00002", &error);
  g_assert_false (json_object_has_member (order, "restage"));
  g_clear_pointer (&order, json_object_unref);

  central_fixture_patch (fixture->central, "P00002",
                         "{\"lines\": [{\"id\": \"L1\", \"name\": \"Whole Milk 1 L\", \"qty\": 5},"
                         " {\"id\": \"L9\", \"name\": \"Bread\", \"qty\": 1}]}");
  g_assert_true (wait_until (p00002_changed, fixture, 10000));
  order = curb_store_get_order (fixture->store, "P00002", &error);
  g_assert_no_error (error);
  restage = json_object_get_array_member (order, "restage");
  g_assert_cmpuint (json_array_get_length (restage), >=, 2);
  change = json_array_get_object_element (restage, 0);
  g_assert_cmpstr (json_object_get_string_member (change, "line_id"), ==, "L1");
  g_assert_cmpint (json_object_get_int_member (change, "qty"), ==, 5);

  refused = append_with (fixture, CURB_EVENT_HANDED_OVER, "P00002", P00002_HANDOFF, &error);
  g_assert_null (refused);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_RESTAGE_REQUIRED);
  g_assert_nonnull (strstr (error->message, "+1 \u00d7 Bread"));
  g_clear_error (&error);

  restaged = append_with (fixture, CURB_EVENT_STAGED, "P00002", more_bags, &error);
  g_assert_no_error (error);
  g_clear_pointer (&order, json_object_unref);
  order = curb_store_get_order (fixture->store, "P00002", &error);
  g_assert_false (json_object_has_member (order, "restage"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (order, "bags"), "ambient"), ==, 2);
  handed = append_with (fixture, CURB_EVENT_HANDED_OVER, "P00002", P00002_HANDOFF, &error);
  g_assert_no_error (error);
}

#define ADD(path, n, func) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (n), fixture_set_up, func, fixture_tear_down)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD ("/sync/pull/all-pages", 250, test_pull_all_pages);
  ADD ("/sync/pull/cursor-persists", 120, test_cursor_persists_across_restart);
  ADD ("/sync/pull/duplicate-pages", 120, test_duplicate_pages_apply_once);
  ADD ("/sync/pull/broken-json", 120, test_broken_json_applies_nothing);
  ADD ("/sync/pull/invalid-order-skipped", 20, test_invalid_order_is_skipped);
  ADD ("/sync/pull/refused-cursor", 30, test_refused_cursor_restarts);
  ADD ("/sync/push/exactly-once-under-faults", 10, test_push_exactly_once_under_faults);
  ADD ("/sync/push/retry-after", 5, test_retry_after_is_honoured);
  ADD ("/sync/push/restart-mid-push", 5, test_restart_mid_push);
  ADD ("/sync/push/refused-event", 5, test_refused_event_leaves_outbox);
  ADD ("/sync/cancel-after-arrival", 5, test_cancel_after_arrival_alerts);
  ADD ("/sync/offline-detected", 10, test_offline_detected);
  ADD ("/sync/change-after-staging", 5, test_change_after_staging_needs_restage);
  return g_test_run ();
}
