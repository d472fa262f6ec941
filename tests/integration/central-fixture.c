#include "curbside-core.h"
#include "curb-test-helpers.h"
#include "central-fixture.h"

static JsonObject *
object_from_text (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static void
start_server (CentralFixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->server = curb_central_server_new (fixture->db);
  g_assert_true (curb_central_server_listen (fixture->server, fixture->port, &error));
  g_assert_no_error (error);
  fixture->port = curb_central_server_get_port (fixture->server);
}

CentralFixture *
central_fixture_new (guint n_orders)
{
  CentralFixture *fixture = g_new0 (CentralFixture, 1);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = curb_test_mkdtemp ();
  path = g_build_filename (fixture->dir, "central.db", NULL);
  fixture->db = curb_central_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (curb_central_db_add_store (fixture->db, FIXTURE_STORE, FIXTURE_KEY, &error));
  g_assert_true (curb_central_db_add_store (fixture->db, "store-002", "other-store-key", &error));
  if (n_orders > 0)
    g_assert_true (curb_central_seed_demo (fixture->db, FIXTURE_STORE, n_orders, curb_now_ms (),
                                           NULL, NULL, &error));
  g_assert_no_error (error);
  start_server (fixture);
  fixture->url = g_strdup_printf ("http://127.0.0.1:%u", fixture->port);
  return fixture;
}

void
central_fixture_stop (CentralFixture *fixture)
{
  gint64 until = g_get_monotonic_time () + 50 * 1000;

  /* let the server see clients that already hung up, so it frees them */
  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_clear_object (&fixture->server);
}

void
central_fixture_restart (CentralFixture *fixture)
{
  central_fixture_stop (fixture);
  start_server (fixture);
}

void
central_fixture_free (CentralFixture *fixture)
{
  central_fixture_stop (fixture);
  g_clear_object (&fixture->db);
  curb_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->url);
  g_free (fixture);
}

void
central_fixture_fault (CentralFixture *fixture,
                       const char     *spec_json)
{
  g_autoptr(JsonObject) spec = object_from_text (spec_json);
  g_autoptr(GError) error = NULL;

  curb_central_faults_add_json (curb_central_server_get_faults (fixture->server), spec, &error);
  g_assert_no_error (error);
}

JsonArray *
central_fixture_events (CentralFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  JsonArray *events = curb_central_db_list_events (fixture->db, FIXTURE_STORE, &error);

  g_assert_no_error (error);
  return events;
}

JsonObject *
central_fixture_order (CentralFixture *fixture,
                       const char     *ref)
{
  g_autoptr(GError) error = NULL;
  JsonObject *order = curb_central_db_get_order (fixture->db, FIXTURE_STORE, ref, &error);

  g_assert_no_error (error);
  return order;
}

void
central_fixture_patch (CentralFixture *fixture,
                       const char     *ref,
                       const char     *fields_json)
{
  g_autoptr(JsonObject) fields = object_from_text (fields_json);
  g_autoptr(JsonObject) order = NULL;
  g_autoptr(GError) error = NULL;

  order = curb_central_db_patch_order (fixture->db, FIXTURE_STORE, ref, fields, &error);
  g_assert_no_error (error);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
central_fixture_wait_for (gboolean *flag,
                          guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, on_wait_timeout, &timed_out);

  while (!*flag && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *flag;
}
