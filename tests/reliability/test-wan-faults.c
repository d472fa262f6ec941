/* WAN faults between the store (CurbStore + CurbSync + the central
 * connector) and the reference central, through a fault-injecting proxy on
 * 127.0.0.1: latency, resets after central processed the request,
 * truncated bodies, 500, 429 + Retry-After, outages. Checked on central's
 * side: every store event exactly once, each order's events in store order;
 * on the store's side: offline visible within 40 s with the default
 * settings, the WAL stays bounded through a 72-hour outage (compressed).
 *
 * CURB_WAN_EVENTS (default 45) sets the events pushed through the fault
 * mix, CURB_WAN_COMPRESSION (default 20000) how much the 72 hours are
 * compressed, CURB_WAN_ALL_OUTAGES=1 measures a refused outage too;
 * tests/reliability/run-wan-faults.sh runs 600 events at 1000×. */
#include <sys/stat.h>

#include "central-fixture.h"
#include "curb-fault-proxy.h"
#include "curb-test-helpers.h"
#include "curbside-store.h"

#define N_ORDERS 240

typedef struct
{
  CentralFixture       *central;
  CurbFaultProxy       *proxy;
  char                 *dir;
  char                 *db_path;
  CurbStore            *store;
  CurbCentralConnector *connector;
  CurbSync             *sync;
  guint                 caught_up;
  guint                 next_order;
  gint64                wal_max;
} Fixture;

/* --- helpers --- */

static void
on_caught_up (CurbSync *sync,
              Fixture  *fixture)
{
  fixture->caught_up++;
}

static void
new_sync (Fixture *fixture,
          guint    poll_ms,
          guint    base_ms,
          guint    cap_ms,
          guint    timeout_s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", curb_fault_proxy_get_port (fixture->proxy));

  if (fixture->sync != NULL)
    {
      curb_sync_stop (fixture->sync);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_clear_object (&fixture->sync);
    }
  g_clear_object (&fixture->connector);
  fixture->connector = curb_central_connector_new (url, FIXTURE_STORE, FIXTURE_KEY, &error);
  g_assert_no_error (error);
  curb_central_connector_set_timeout (fixture->connector, timeout_s);
  fixture->sync = curb_sync_new (fixture->store, CURB_CONNECTOR (fixture->connector));
  curb_sync_set_page_size (fixture->sync, 100);
  curb_sync_set_poll_interval_ms (fixture->sync, poll_ms);
  curb_sync_set_backoff (fixture->sync, base_ms, cap_ms, 77);
  g_signal_connect (fixture->sync, "caught-up", G_CALLBACK (on_caught_up), fixture);
  curb_sync_start (fixture->sync);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->central = central_fixture_new (N_ORDERS);
  fixture->proxy = curb_fault_proxy_new (fixture->central->port);
  fixture->dir = curb_test_mkdtemp ();
  fixture->db_path = g_build_filename (fixture->dir, "store.db", NULL);
  fixture->store = curb_store_open (fixture->db_path, &error);
  g_assert_no_error (error);
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
  curb_fault_proxy_free (fixture->proxy);
  central_fixture_free (fixture->central);
  curb_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->db_path);
}

static void
sample_wal (Fixture *fixture)
{
  g_autofree char *wal = g_strconcat (fixture->db_path, "-wal", NULL);
  struct stat st;

  if (stat (wal, &st) == 0)
    fixture->wal_max = MAX (fixture->wal_max, (gint64) st.st_size);
}

/* Runs the main loop until @done or @timeout_ms; returns the time taken. */
static gint64
run_until (Fixture   *fixture,
           gboolean (*done) (Fixture *),
           guint      timeout_ms)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + timeout_ms * G_GINT64_CONSTANT (1000);

  while (!done (fixture) && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
  sample_wal (fixture);
  return done (fixture) ? (g_get_monotonic_time () - start) / 1000 : -1;
}

static gboolean
is_caught_up (Fixture *fixture)
{
  return fixture->caught_up > 0;
}

static gboolean
is_drained (Fixture *fixture)
{
  return curb_store_outbox_depth (fixture->store) == 0 && curb_sync_get_online (fixture->sync);
}

static gboolean
is_offline (Fixture *fixture)
{
  return !curb_sync_get_online (fixture->sync) && curb_sync_get_offline_since (fixture->sync) > 0;
}

/* The shopper's answer (yes) to every substitution still open: a handoff
 * carries them. */
static JsonArray *
open_questions_accepted (CurbStore  *store,
                         const char *ref)
{
  g_autoptr(JsonObject) order = curb_store_get_order (store, ref, NULL);
  JsonArray *answers = json_array_new ();
  JsonArray *substitutions = order != NULL && json_object_has_member (order, "substitutions")
                             ? json_object_get_array_member (order, "substitutions") : NULL;

  for (guint i = 0; substitutions != NULL && i < json_array_get_length (substitutions); i++)
    {
      JsonObject *substitution = json_array_get_object_element (substitutions, i);
      JsonObject *answer;

      if (g_strcmp0 (json_object_get_string_member_with_default (substitution, "status", NULL), "pending") != 0)
        continue;
      answer = json_object_new ();
      json_object_set_string_member (answer, "substitution_id", json_object_get_string_member (substitution, "id"));
      json_object_set_boolean_member (answer, "approved", TRUE);
      json_array_add_object_element (answers, answer);
    }
  return answers;
}

static void
append (Fixture       *fixture,
        CurbEventKind  kind,
        const char    *ref)
{
  g_autoptr(JsonObject) data = json_object_new ();
  g_autoptr(CurbEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  const char *staff = kind == CURB_EVENT_ARRIVED ? NULL : "st-7";

  if (kind == CURB_EVENT_ARRIVED)
    {
      json_object_set_string_member (data, "bay", "3");
      json_object_set_string_member (data, "source", "scan");
    }
  else if (kind == CURB_EVENT_CLAIMED)
    json_object_set_string_member (data, "staff_name", "Alex");
  else
    {
      json_object_set_boolean_member (data, "id_checked", TRUE);
      json_object_set_array_member (data, "substitutions", open_questions_accepted (fixture->store, ref));
    }
  event = curb_event_new (kind, ref, kind == CURB_EVENT_ARRIVED ? "kiosk-1" : "staging-1", staff, data);
  g_assert_true (curb_store_append_event (fixture->store, event, NULL, &error));
  g_assert_no_error (error);
  curb_sync_kick (fixture->sync);
}

/* One step of a pickup for the next orders: arrived, claimed, handed over. */
static void
pickup_step (Fixture *fixture,
             guint    step)
{
  static const CurbEventKind kinds[] = { CURB_EVENT_ARRIVED, CURB_EVENT_CLAIMED, CURB_EVENT_HANDED_OVER };
  g_autofree char *ref = g_strdup_printf ("P%05u", fixture->next_order + 1);

  append (fixture, kinds[step % 3], ref);
  if (step % 3 == 2)
    fixture->next_order++;
}

/* Central received every store event exactly once, each order's in store order. */
static guint64
check_exactly_once_in_order (Fixture *fixture)
{
  g_autoptr(JsonArray) received = central_fixture_events (fixture->central);
  g_autoptr(GPtrArray) sent = curb_store_list_events_since (fixture->store, 0, G_MAXINT, NULL);
  g_autoptr(GHashTable) seq_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) last_seq = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint64 redeliveries = 0;
  guint store_events = 0;

  for (guint i = 0; i < sent->len; i++)
    if (curb_event_kind_is_store_owned (curb_event_get_kind (sent->pdata[i])))
      {
        g_hash_table_insert (seq_of, (gpointer) curb_event_get_id (sent->pdata[i]),
                             GINT_TO_POINTER ((gint) curb_event_get_seq (sent->pdata[i])));
        store_events++;
      }
  g_assert_cmpuint (json_array_get_length (received), ==, store_events);
  for (guint i = 0; i < json_array_get_length (received); i++)
    {
      JsonObject *row = json_array_get_object_element (received, i);
      const char *id = json_object_get_string_member (row, "id");
      const char *ref = json_object_get_string_member (row, "order_ref");
      gint seq = GPOINTER_TO_INT (g_hash_table_lookup (seq_of, id));

      g_assert_cmpint (seq, >, 0);
      g_assert_true (g_hash_table_remove (seq_of, id));
      g_assert_cmpint (seq, >, GPOINTER_TO_INT (g_hash_table_lookup (last_seq, ref)));
      g_hash_table_insert (last_seq, g_strdup (ref), GINT_TO_POINTER (seq));
      redeliveries += json_object_get_int_member (row, "deliveries") - 1;
    }
  g_assert_cmpuint (g_hash_table_size (seq_of), ==, 0);
  return redeliveries;
}

static void
report_proxy (Fixture    *fixture,
              const char *phase)
{
  guint64 counts[CURB_PROXY_FAULT_COUNT], refused;
  g_autoptr(GString) line = g_string_new (NULL);

  curb_fault_proxy_get_counts (fixture->proxy, counts, &refused);
  for (guint i = 0; i < CURB_PROXY_FAULT_COUNT; i++)
    g_string_append_printf (line, "%s %" G_GUINT64_FORMAT ", ", curb_proxy_fault_to_string (i), counts[i]);
  g_test_message ("%s: requests through the proxy: %sturned away by outages %" G_GUINT64_FORMAT,
                  phase, line->str, refused);
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);

  return value != NULL ? MAX ((guint) g_ascii_strtoull (value, NULL, 10), 1) : fallback;
}

static guint
compression (void)
{
  return env_uint ("CURB_WAN_COMPRESSION", 20000);
}

/* --- tests --- */

static void
test_fault_mix (Fixture       *fixture,
                gconstpointer  data)
{
  const guint weights[CURB_PROXY_FAULT_COUNT] = { 40, 10, 15, 15, 10, 10 };
  gint64 start = g_get_monotonic_time ();
  g_autoptr(JsonArray) orders = NULL;
  guint n_events = MIN (env_uint ("CURB_WAN_EVENTS", 45), 3 * 40);
  guint64 redeliveries;

  curb_fault_proxy_set_mix (fixture->proxy, weights, 2026);
  curb_fault_proxy_set_latency (fixture->proxy, 300);
  new_sync (fixture, 200, 20, 400, 1);
  g_assert_cmpint (run_until (fixture, is_caught_up, 60000), >=, 0);
  for (guint step = 0; step < n_events; step++)
    {
      pickup_step (fixture, step);
      run_until (fixture, is_drained, 20);
    }
  g_assert_cmpint (run_until (fixture, is_drained, 90000), >=, 0);
  redeliveries = check_exactly_once_in_order (fixture);
  orders = curb_store_list_orders (fixture->store, CURB_ORDER_FILTER_ALL, NULL);
  g_assert_cmpuint (json_array_get_length (orders), ==, N_ORDERS);
  report_proxy (fixture, "fault mix");
  g_test_message ("fault mix: %u events, each at central exactly once and in order; %" G_GUINT64_FORMAT
                  " redeliveries absorbed by the idempotency key; %d orders pulled; %.1f s",
                  n_events, redeliveries, N_ORDERS, (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (redeliveries, >, 0);
}

static void
measure_offline (Fixture         *fixture,
                 CurbProxyOutage  outage,
                 const char      *name)
{
  gint64 took;

  curb_fault_proxy_set_outage (fixture->proxy, CURB_PROXY_UP);
  fixture->caught_up = 0;
  new_sync (fixture, CURB_SYNC_DEFAULT_POLL_INTERVAL_MS, CURB_SYNC_DEFAULT_BACKOFF_BASE_MS,
            CURB_SYNC_DEFAULT_BACKOFF_CAP_MS, CURB_CENTRAL_CONNECTOR_DEFAULT_TIMEOUT_S);
  g_assert_cmpint (run_until (fixture, is_caught_up, 30000), >=, 0);
  g_assert_true (curb_sync_get_online (fixture->sync));
  curb_fault_proxy_set_outage (fixture->proxy, outage);
  took = run_until (fixture, is_offline, 40000);
  g_test_message ("offline visible after %.1f s (%s, default poll %u s, timeout %u s)", took / 1000.0, name,
                  CURB_SYNC_DEFAULT_POLL_INTERVAL_MS / 1000, CURB_CENTRAL_CONNECTOR_DEFAULT_TIMEOUT_S);
  g_print ("# {\"name\": \"offline-visible-%s\", \"value\": %.1f, \"unit\": \"s\"}\n", name, took / 1000.0);
  g_assert_cmpint (took, >=, 0);
  g_assert_cmpint (took, <, 40000);
}

static void
test_offline_visible (Fixture       *fixture,
                      gconstpointer  data)
{
  /* the worst case: the central side goes silent while the store is idle */
  measure_offline (fixture, CURB_PROXY_DOWN_BLACKHOLE, "black-hole");
  if (g_getenv ("CURB_WAN_ALL_OUTAGES") != NULL)
    measure_offline (fixture, CURB_PROXY_DOWN_REFUSE, "refused");
}


static void
test_long_outage (Fixture       *fixture,
                  gconstpointer  data)
{
  const gint64 outage_ms = G_GINT64_CONSTANT (72) * 3600 * 1000 / compression ();
  const guint n_events = 3 * (N_ORDERS - 40);
  gint64 start, drained;
  guint64 redeliveries, refused, counts[CURB_PROXY_FAULT_COUNT];

  /* the defaults, every period divided by the compression */
  new_sync (fixture, MAX (CURB_SYNC_DEFAULT_POLL_INTERVAL_MS / compression (), 1),
            MAX (CURB_SYNC_DEFAULT_BACKOFF_BASE_MS / compression (), 1),
            MAX (CURB_SYNC_DEFAULT_BACKOFF_CAP_MS / compression (), 1), 2);
  g_assert_cmpint (run_until (fixture, is_caught_up, 60000), >=, 0);
  fixture->next_order = 40;  /* orders the fault mix may have used stay out */
  curb_fault_proxy_set_outage (fixture->proxy, CURB_PROXY_DOWN_REFUSE);
  start = g_get_monotonic_time ();
  for (guint step = 0; step < n_events; step++)
    {
      gint64 due = start + (outage_ms * 1000 / n_events) * (step + 1);
      pickup_step (fixture, step);
      while (g_get_monotonic_time () < due)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (200);
      sample_wal (fixture);
    }
  g_assert_true (is_offline (fixture));
  g_assert_cmpuint (curb_store_outbox_depth (fixture->store), ==, n_events);
  curb_fault_proxy_get_counts (fixture->proxy, counts, &refused);
  curb_fault_proxy_set_outage (fixture->proxy, CURB_PROXY_UP);
  drained = run_until (fixture, is_drained, 120000);
  g_assert_cmpint (drained, >=, 0);
  redeliveries = check_exactly_once_in_order (fixture);
  g_test_message ("72 h outage compressed %u×: %.1f s, %u events queued, %" G_GUINT64_FORMAT
                  " attempts refused, drained in %.1f s after central came back, %" G_GUINT64_FORMAT
                  " redeliveries; WAL max %.2f MiB", compression (), outage_ms / 1000.0, n_events, refused,
                  drained / 1000.0, redeliveries, fixture->wal_max / 1048576.0);
  g_print ("# {\"name\": \"outage-72h-wal-max\", \"value\": %" G_GINT64_FORMAT ", \"unit\": \"bytes\"}\n",
           fixture->wal_max);
  /* autocheckpoint at 1000 pages of 4 KiB: the WAL never holds the backlog */
  g_assert_cmpint (fixture->wal_max, <, 8 * 1024 * 1024);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/wan/fault-mix", Fixture, NULL, fixture_set_up, test_fault_mix, fixture_tear_down);
  g_test_add ("/wan/offline-visible", Fixture, NULL, fixture_set_up, test_offline_visible, fixture_tear_down);
  g_test_add ("/wan/outage-72h-compressed", Fixture, NULL, fixture_set_up, test_long_outage, fixture_tear_down);
  return g_test_run ();
}
