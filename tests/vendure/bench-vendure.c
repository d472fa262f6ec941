#include "curb-store.h"
#include "curb-sync.h"
#include "curb-test-helpers.h"
#include "curb-util.h"
#include "curb-vendure-connector.h"
#include "curb-vendure-order.h"
#include "vendure-fixture.h"

/* Initial sync of many pickup orders from a real Vendure, against Vendure's
 * raw page rate for the same query in the same run, and the steady-state lag
 * of a change. JSON lines on stdout. Env: BENCH_ORDERS (5000),
 * BENCH_POLL_S (2), BENCH_PAGE (500). Run by tests/vendure/bench-vendure.sh. */

#define RAW_QUERY \
  "query($store: String!, $take: Int!, $after: DateTime!) { orders(options: { take: $take," \
  " sort: { orderPlacedAt: ASC }, filter: { active: { eq: false }, orderPlacedAt: { after: $after }," \
  " pickupLocationCode: { eq: $store }, state: { in: " CURB_VENDURE_OPEN_STATES " } } }) { items { " \
  CURB_VENDURE_ORDER_FIELDS " } } }"

typedef struct
{
  CurbStore *store;
  CurbSync  *sync;
  gboolean   caught_up;
} Bench;

static guint
env_uint (const char *name, guint fallback)
{
  const char *value = g_getenv (name);

  return value != NULL && atoi (value) > 0 ? (guint) atoi (value) : fallback;
}

static void
report (const char *name, double value, const char *unit)
{
  g_print ("{\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\"}\n", name, value, unit);
}

/* Pages through the pickup orders as fast as Vendure serves them. */
static double
raw_rate (VendureFixture *vendure, guint page, guint expected)
{
  gint64 start = g_get_monotonic_time ();
  gint64 after = 0;
  guint total = 0;

  for (;;)
    {
      g_autoptr(JsonObject) variables = json_object_new ();
      g_autoptr(JsonObject) data = NULL;
      g_autofree char *since = curb_iso8601_from_ms (MAX (after - 1, 0));
      JsonArray *items;
      guint n;

      json_object_set_string_member (variables, "store", VENDURE_FIXTURE_STORE);
      json_object_set_int_member (variables, "take", page);
      json_object_set_string_member (variables, "after", since);
      data = vendure_fixture_query (vendure, RAW_QUERY, variables);
      items = json_object_get_array_member (json_object_get_object_member (data, "orders"), "items");
      n = json_array_get_length (items);
      total += n;
      if (n < page)
        break;
      after = curb_vendure_order_time_ms (json_array_get_object_element (items, n - 1), "orderPlacedAt") + 1;
    }
  g_assert_cmpuint (total, >=, expected);
  return total / ((g_get_monotonic_time () - start) / 1e6);
}

static void
on_caught_up (CurbSync *sync, gpointer user_data)
{
  ((Bench *) user_data)->caught_up = TRUE;
}

static gboolean
iterate_until (gboolean *flag, double timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return *flag;
}

static double
initial_sync_s (Bench *bench, VendureFixture *vendure, const char *dir, guint page, guint poll_s)
{
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbVendureConnector) connector = NULL;
  gint64 start;

  bench->store = curb_store_open (path, &error);
  g_assert_no_error (error);
  connector = curb_vendure_connector_new (vendure->url, VENDURE_FIXTURE_STORE, CURB_VENDURE_AUTH_PASSWORD,
                                          "superadmin:superadmin", CURB_VENDURE_PARTIAL_CANCEL, &error);
  g_assert_no_error (error);
  bench->sync = curb_sync_new (bench->store, CURB_CONNECTOR (connector));
  curb_sync_set_page_size (bench->sync, page);
  curb_sync_set_poll_interval_ms (bench->sync, poll_s * 1000);
  g_signal_connect (bench->sync, "caught-up", G_CALLBACK (on_caught_up), bench);
  start = g_get_monotonic_time ();
  curb_sync_start (bench->sync);
  g_assert_true (iterate_until (&bench->caught_up, 600));
  return (g_get_monotonic_time () - start) / 1e6;
}

static gboolean
cancelled_in_store (Bench *bench, const char *ref)
{
  CurbOrderState state = CURB_ORDER_STATE_PENDING;

  return curb_store_get_order_state (bench->store, ref, &state, NULL) && state == CURB_ORDER_STATE_CANCELLED;
}

/* Vendure cancels an order; how long until the store has it. */
static double
change_lag_s (Bench *bench, VendureFixture *vendure, JsonObject *order)
{
  g_autoptr(JsonObject) variables = json_object_new ();
  g_autoptr(JsonObject) data = NULL;
  const char *ref = json_object_get_string_member (order, "code");
  gint64 start, deadline;

  json_object_set_string_member (variables, "id", json_object_get_string_member (order, "id"));
  data = vendure_fixture_query (vendure,
      "mutation($id: ID!) { cancelOrder(input: { orderId: $id, reason: \"bench\" }) {"
      " ... on Order { state } ... on ErrorResult { errorCode } } }", variables);
  start = g_get_monotonic_time ();
  deadline = start + 120 * G_USEC_PER_SEC;
  while (!cancelled_in_store (bench, ref) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cancelled_in_store (bench, ref));
  g_printerr ("bench-vendure: %s cancelled in Vendure, in the store %.3f s later\n", ref,
              (g_get_monotonic_time () - start) / 1e6);
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int argc, char **argv)
{
  guint n = env_uint ("BENCH_ORDERS", 5000), poll_s = env_uint ("BENCH_POLL_S", 2), page = env_uint ("BENCH_PAGE", 500);
  g_autofree char *missing = vendure_fixture_missing ();
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autoptr(JsonArray) seeded = NULL;
  VendureFixture *vendure = NULL;
  Bench bench = { 0 };
  double raw_before, raw_after, sync_s, lag_max = 0;
  gint64 start;

  if (missing == NULL)
    vendure = vendure_fixture_new (&missing);
  if (vendure == NULL)
    {
      g_printerr ("bench-vendure: skipped: %s\n", missing);
      return 77;
    }
  start = g_get_monotonic_time ();
  seeded = vendure_fixture_seed (vendure, n);
  report ("vendure-seed-orders-per-s", n / ((g_get_monotonic_time () - start) / 1e6), "orders/s");

  raw_before = raw_rate (vendure, page, n);
  sync_s = initial_sync_s (&bench, vendure, dir, page, poll_s);
  raw_after = raw_rate (vendure, page, n);
  report ("vendure-raw-page-rate", (raw_before + raw_after) / 2, "orders/s");
  report ("vendure-initial-sync", sync_s, "s");
  report ("vendure-initial-sync-rate", n / sync_s, "orders/s");
  report ("vendure-sync-vs-raw", (n / sync_s) / ((raw_before + raw_after) / 2), "ratio");

  for (guint i = 0; i < 5; i++)
    {
      double lag = change_lag_s (&bench, vendure, json_array_get_object_element (seeded, i * (n / 5)));
      lag_max = MAX (lag_max, lag);
    }
  report ("vendure-poll-interval", poll_s, "s");
  report ("vendure-steady-lag-max", lag_max, "s");

  curb_sync_stop (bench.sync);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&bench.sync);
  g_clear_object (&bench.store);
  curb_test_rmdir (dir);
  vendure_fixture_free (vendure);
  return 0;
}
