#include <glib/gstdio.h>

#include "curbside-store.h"
#include "curb-test-helpers.h"

/* Initial sync of 5,000 orders from the reference central (a separate
 * curbside-central process, as a real central would be), against a baseline
 * measured in the same run: fetching the same pages without applying them. */

#define N_ORDERS 5000
#define PAGE_SIZE 500
#define N_EVENTS 500

typedef struct
{
  char                 *dir;
  GSubprocess          *central;
  CurbCentralConnector *connector;
} Bench;

static void
print_result (const char *name,
              double      value,
              const char *unit)
{
  g_print ("{\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", name, value, unit);
}

static void
start_central (Bench *bench)
{
  g_autofree char *program = curb_test_build_path ("central", "curbside-central");
  g_autofree char *db = g_build_filename (bench->dir, "central.db", NULL);
  g_autofree char *port_file = g_build_filename (bench->dir, "port", NULL);
  g_autofree char *port = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  bench->central = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, program,
                                     "--port", "0", "--port-file", port_file, "--db", db,
                                     "--store", "store-001:bench-key", "--seed-demo", G_STRINGIFY (N_ORDERS), NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < 500 && !g_file_get_contents (port_file, &port, NULL, NULL); i++)
    g_usleep (20 * 1000);
  g_assert_nonnull (port);
  url = g_strdup_printf ("http://127.0.0.1:%s", g_strstrip (port));
  bench->connector = curb_central_connector_new (url, "store-001", "bench-key", &error);
  g_assert_no_error (error);
}

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The baseline: every page over HTTP and parsed, nothing stored. */
static double
fetch_all_pages (Bench *bench,
                 guint *out_orders)
{
  g_autofree char *cursor = NULL;
  gint64 started = g_get_monotonic_time ();
  gboolean more = TRUE;

  *out_orders = 0;
  while (more)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(CurbConnectorPage) page = NULL;
      g_autoptr(GError) error = NULL;

      curb_connector_pull_async (CURB_CONNECTOR (bench->connector), cursor, PAGE_SIZE, NULL, on_ready, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      page = curb_connector_pull_finish (CURB_CONNECTOR (bench->connector), result, NULL, &error);
      g_assert_no_error (error);
      *out_orders += page->orders->len;
      g_free (cursor);
      cursor = g_strdup (page->next_cursor);
      more = page->has_more;
    }
  return (g_get_monotonic_time () - started) / 1e6;
}

static void
on_caught_up (CurbSync *sync,
              gboolean *done)
{
  *done = TRUE;
}

static double
initial_sync (Bench      *bench,
              CurbStore **out_store,
              guint      *out_orders)
{
  g_autofree char *path = g_build_filename (bench->dir, "store.db", NULL);
  g_autoptr(CurbStore) store = NULL;
  g_autoptr(CurbSync) sync = NULL;
  double seconds;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) orders = NULL;
  gboolean done = FALSE;
  gint64 started;

  store = curb_store_open (path, &error);
  g_assert_no_error (error);
  sync = curb_sync_new (store, CURB_CONNECTOR (bench->connector));
  curb_sync_set_page_size (sync, PAGE_SIZE);
  g_signal_connect (sync, "caught-up", G_CALLBACK (on_caught_up), &done);

  started = g_get_monotonic_time ();
  curb_sync_start (sync);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  seconds = (g_get_monotonic_time () - started) / 1e6;
  curb_sync_stop (sync);
  orders = curb_store_list_orders (store, CURB_ORDER_FILTER_ALL, &error);
  g_assert_no_error (error);
  *out_orders = json_array_get_length (orders);
  g_assert_cmpuint (curb_sync_get_pulled_orders (sync), ==, *out_orders);
  *out_store = g_steal_pointer (&store);
  return seconds;
}

static void
append_arrivals (CurbStore *store)
{
  for (guint i = 1; i <= N_EVENTS; i++)
    {
      g_autofree char *ref = g_strdup_printf ("P%05u", i);
      g_autoptr(JsonObject) data = json_object_new ();
      g_autoptr(CurbEvent) event = NULL;
      g_autoptr(GError) error = NULL;

      json_object_set_string_member (data, "bay", "2");
      json_object_set_string_member (data, "source", "scan");
      event = curb_event_new (CURB_EVENT_ARRIVED, ref, "kiosk-1", NULL, data);
      g_assert_true (curb_store_append_event (store, event, NULL, &error));
    }
}

/* A backlog after an outage: N_EVENTS events drained to central. */
static double
drain_outbox (Bench     *bench,
              CurbStore *store)
{
  g_autoptr(CurbSync) sync = curb_sync_new (store, CURB_CONNECTOR (bench->connector));
  gint64 started;
  double seconds;

  append_arrivals (store);
  started = g_get_monotonic_time ();
  curb_sync_start (sync);
  while (curb_sync_get_pushed_events (sync) < N_EVENTS)
    g_main_context_iteration (NULL, TRUE);
  seconds = (g_get_monotonic_time () - started) / 1e6;
  curb_sync_stop (sync);
  g_assert_cmpuint (curb_store_outbox_depth (store), ==, 0);
  return seconds;
}

int
main (int argc, char **argv)
{
  Bench bench = { 0 };
  g_autoptr(CurbStore) store = NULL;
  guint fetched, synced;
  double baseline, seconds, drain;

  g_test_init (&argc, &argv, NULL);
  bench.dir = curb_test_mkdtemp ();
  start_central (&bench);

  fetch_all_pages (&bench, &fetched);   /* warm-up: central's page cache, the connection */
  baseline = fetch_all_pages (&bench, &fetched);
  seconds = initial_sync (&bench, &store, &synced);
  drain = drain_outbox (&bench, store);
  g_assert_cmpuint (fetched, ==, N_ORDERS);
  g_assert_cmpuint (synced, ==, N_ORDERS);

  print_result ("sync_initial_5000_orders_seconds", seconds, "s");
  print_result ("sync_initial_orders_per_second", synced / seconds, "orders/s");
  print_result ("sync_fetch_only_5000_orders_seconds", baseline, "s");
  print_result ("sync_initial_vs_fetch_only_ratio", seconds / baseline, "x");
  print_result ("sync_push_500_events_seconds", drain, "s");
  print_result ("sync_push_events_per_second", N_EVENTS / drain, "events/s");

  g_subprocess_send_signal (bench.central, SIGTERM);
  g_subprocess_wait (bench.central, NULL, NULL);
  g_clear_object (&bench.central);
  g_clear_object (&bench.connector);
  g_clear_object (&store);
  curb_test_rmdir (bench.dir);
  g_free (bench.dir);
  return 0;
}
