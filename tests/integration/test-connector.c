#include "curbside-store.h"
#include "curb-central-connector.h"
#include "central-fixture.h"

/* CurbCentralConnector against the reference central on 127.0.0.1. */

typedef struct
{
  CentralFixture       *central;
  CurbCentralConnector *connector;
} Fixture;

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->central = central_fixture_new (GPOINTER_TO_UINT (data));
  fixture->connector = curb_central_connector_new (fixture->central->url, FIXTURE_STORE, FIXTURE_KEY, &error);
  g_assert_no_error (error);
  curb_central_connector_set_timeout (fixture->connector, 2);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->connector);
  central_fixture_free (fixture->central);
}

static CurbConnectorPage *
pull (Fixture     *fixture,
      const char  *cursor,
      guint        limit,
      gint64      *out_retry_after_ms,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  curb_connector_pull_async (CURB_CONNECTOR (fixture->connector), cursor, limit, NULL, on_ready, &result);
  return curb_connector_pull_finish (CURB_CONNECTOR (fixture->connector), wait_result (&result),
                                     out_retry_after_ms, error);
}

static JsonObject *
make_event (const char *id,
            const char *kind,
            const char *ref)
{
  g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"seq\":1,\"kind\":\"%s\",\"order_ref\":\"%s\","
                                           "\"at\":\"2026-11-27T15:04:00.000Z\",\"device\":\"kiosk-1\","
                                           "\"data\":{\"bay\":\"3\",\"source\":\"scan\"}}", id, kind, ref);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return json_object_ref (json_node_get_object (node));
}

static gboolean
push (Fixture     *fixture,
      JsonObject  *event,
      gboolean    *out_duplicate,
      gint64      *out_retry_after_ms,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  curb_connector_push_event_async (CURB_CONNECTOR (fixture->connector), event,
                                   json_object_get_string_member (event, "id"), NULL, on_ready, &result);
  return curb_connector_push_event_finish (CURB_CONNECTOR (fixture->connector), wait_result (&result),
                                           out_duplicate, out_retry_after_ms, error);
}

static void
test_pull_all_pages (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GHashTable) refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *cursor = NULL;
  guint pages = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbConnectorPage) page = pull (fixture, cursor, 100, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < page->orders->len; i++)
        g_hash_table_add (refs, g_strdup (json_object_get_string_member (g_ptr_array_index (page->orders, i), "ref")));
      g_free (cursor);
      cursor = g_strdup (page->next_cursor);
      more = page->has_more;
      pages++;
    }
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (g_hash_table_size (refs), ==, 250);
}

static void
test_pull_empty_after_end (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbConnectorPage) first = pull (fixture, NULL, 1000, NULL, &error);
  g_autoptr(CurbConnectorPage) again = NULL;

  g_assert_no_error (error);
  g_assert_false (first->has_more);
  again = pull (fixture, first->next_cursor, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->orders->len, ==, 0);
  g_assert_cmpstr (again->next_cursor, ==, first->next_cursor);
}

static void
test_push_and_duplicate (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) event = make_event ("ev-1", "arrived", "P00001");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) events = NULL;
  gboolean duplicate = TRUE;

  g_assert_true (push (fixture, event, &duplicate, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (duplicate);
  g_assert_true (push (fixture, event, &duplicate, NULL, &error));
  g_assert_true (duplicate);

  events = central_fixture_events (fixture->central);
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (events, 0), "deliveries"), ==, 2);
}

static void
test_push_refused_for_good (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(JsonObject) unknown_order = make_event ("ev-2", "arrived", "NOPE");
  g_autoptr(JsonObject) cancelled = make_event ("ev-3", "cancelled", "P00001");
  g_autoptr(JsonObject) reused = make_event ("ev-4", "arrived", "P00001");
  g_autoptr(GError) error = NULL;

  g_assert_false (push (fixture, unknown_order, NULL, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_true (curb_connector_error_is_permanent (error));
  g_assert_nonnull (strstr (error->message, "unknown_order"));
  g_clear_error (&error);

  g_assert_false (push (fixture, cancelled, NULL, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not_store_fact"));
  g_clear_error (&error);

  g_assert_true (push (fixture, reused, NULL, NULL, &error));
  json_object_set_string_member (reused, "kind", "no_show");
  g_assert_false (push (fixture, reused, NULL, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFLICT);
  g_assert_true (curb_connector_error_is_permanent (error));
}

static void
test_server_error_is_retryable (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbConnectorPage) page = NULL;
  gint64 retry_after = 0;

  central_fixture_fault (fixture->central, "{\"kind\":\"status\",\"status\":500}");
  page = pull (fixture, NULL, 10, &retry_after, &error);
  g_assert_null (page);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);
  g_assert_false (curb_connector_error_is_permanent (error));
  g_assert_cmpint (retry_after, ==, -1);
}

static void
test_rate_limit_carries_retry_after (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(JsonObject) event = make_event ("ev-5", "arrived", "P00002");
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbConnectorPage) page = NULL;
  g_autoptr(JsonArray) received = NULL;
  gint64 retry_after = 0;

  central_fixture_fault (fixture->central, "{\"kind\":\"rate_limit\",\"retry_after\":2,\"on\":\"push\"}");
  central_fixture_fault (fixture->central, "{\"kind\":\"unavailable\",\"retry_after\":5,\"on\":\"pull\"}");
  g_assert_false (push (fixture, event, NULL, &retry_after, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_RATE_LIMITED);
  g_assert_cmpint (retry_after, ==, 2000);
  g_clear_error (&error);

  page = pull (fixture, NULL, 10, &retry_after, &error);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);
  g_assert_cmpint (retry_after, ==, 5000);
  received = central_fixture_events (fixture->central);
  g_assert_cmpuint (json_array_get_length (received), ==, 0);
}

static void
test_broken_json_is_protocol_error (Fixture       *fixture,
                                    gconstpointer  data)
{
  const char *variants[] = { "truncated", "not_json", "wrong_shape" };

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *spec = g_strdup_printf ("{\"kind\":\"broken_json\",\"variant\":\"%s\"}", variants[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbConnectorPage) page = NULL;

      central_fixture_fault (fixture->central, spec);
      page = pull (fixture, NULL, 10, NULL, &error);
      g_assert_null (page);
      g_assert_error (error, CURB_ERROR, CURB_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "central sent"));
    }
}

static void
test_timeout_and_drop (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) event = make_event ("ev-6", "arrived", "P00003");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) events = NULL;
  gint64 started = g_get_monotonic_time ();

  central_fixture_fault (fixture->central, "{\"kind\":\"delay\",\"delay_ms\":4000,\"on\":\"push\"}");
  g_assert_false (push (fixture, event, NULL, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3900 * 1000);
  g_clear_error (&error);

  central_fixture_fault (fixture->central, "{\"kind\":\"drop\",\"on\":\"push\"}");
  g_assert_false (push (fixture, event, NULL, NULL, &error));
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);

  /* both times central applied the event before the answer was lost */
  events = central_fixture_events (fixture->central);
  g_assert_cmpuint (json_array_get_length (events), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (events, 0), "deliveries"), ==, 2);
}

static void
test_unreachable (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbConnectorPage) page = NULL;

  central_fixture_stop (fixture->central);
  page = pull (fixture, NULL, 10, NULL, &error);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "cannot reach central"));
}

static void
test_wrong_key (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CurbCentralConnector) other = NULL;
  g_autoptr(CurbCentralConnector) stranger = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) result2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbConnectorPage) page = NULL;

  other = curb_central_connector_new (fixture->central->url, FIXTURE_STORE, "other-store-key", &error);
  stranger = curb_central_connector_new (fixture->central->url, FIXTURE_STORE, "wrong", &error);
  curb_connector_pull_async (CURB_CONNECTOR (other), NULL, 10, NULL, on_ready, &result);
  page = curb_connector_pull_finish (CURB_CONNECTOR (other), wait_result (&result), NULL, &error);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_FORBIDDEN);
  g_clear_error (&error);
  curb_connector_pull_async (CURB_CONNECTOR (stranger), NULL, 10, NULL, on_ready, &result2);
  page = curb_connector_pull_finish (CURB_CONNECTOR (stranger), wait_result (&result2), NULL, &error);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_UNAUTHORIZED);
}

static void
test_fetch_keys (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonArray) served = json_array_new ();
  g_autoptr(JsonObject) key = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) keys = NULL;

  json_object_set_string_member (key, "kid", "demo-2026");
  json_object_set_string_member (key, "alg", "Ed25519");
  json_object_set_string_member (key, "public_key", "Zm9v");
  json_array_add_object_element (served, json_object_ref (key));
  curb_central_server_set_keys (fixture->central->server, served);

  curb_connector_fetch_keys_async (CURB_CONNECTOR (fixture->connector), NULL, on_ready, &result);
  keys = curb_connector_fetch_keys_finish (CURB_CONNECTOR (fixture->connector), wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (keys), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (keys, 0), "kid"), ==, "demo-2026");
}

static void
test_bad_config (void)
{
  const char *urls[] = { "", "ftp://x", "127.0.0.1:80", "http://", "http://h/?q=1" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CurbCentralConnector) connector = curb_central_connector_new (urls[i], "s", "k", &error);

      g_assert_null (connector);
      g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFIG);
    }
}

static void
test_name_and_description (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *description = curb_connector_get_description (CURB_CONNECTOR (fixture->connector));

  g_assert_cmpstr (curb_connector_get_name (CURB_CONNECTOR (fixture->connector)), ==, "curbside-central");
  g_assert_nonnull (strstr (description, fixture->central->url));
  g_assert_null (strstr (description, FIXTURE_KEY));
}

static CurbConnector *
connector_for_config (Fixture     *fixture,
                      const char  *kind,
                      const char  *credential,
                      GError     **error)
{
  g_autofree char *credentials = g_build_filename (fixture->central->dir, "central.credentials", NULL);
  g_autofree char *conf = g_strdup_printf ("[store]\nid = " FIXTURE_STORE "\nname = Test\n"
                                           "[central]\nconnector = %s\nurl = %s/v1/\n"
                                           "credentials-file = central.credentials\n",
                                           kind, fixture->central->url);
  g_autofree char *conf_path = g_build_filename (fixture->central->dir, "hub.conf", NULL);
  g_autoptr(CurbConfig) config = NULL;

  g_assert_true (g_file_set_contents (credentials, credential, -1, NULL));
  config = curb_config_load_data (CURB_CONFIG_ROLE_HUB, conf, -1, conf_path, error);
  g_assert_no_error (*error);
  return curb_connector_new_for_config (config, error);
}

static void
test_from_hub_config (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(CurbConnector) connector = NULL;
  g_autoptr(CurbConnector) empty = NULL;
  g_autoptr(CurbConnector) vendure = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CurbConnectorPage) page = NULL;
  g_autoptr(GError) error = NULL;

  connector = connector_for_config (fixture, "curbside", FIXTURE_KEY "\n# rotated 2026-11\n", &error);
  g_assert_no_error (error);
  curb_connector_pull_async (connector, NULL, 100, NULL, on_ready, &result);
  page = curb_connector_pull_finish (connector, wait_result (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->orders->len, ==, 5);

  empty = connector_for_config (fixture, "curbside", "  \n", &error);
  g_assert_null (empty);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFIG);
  g_clear_error (&error);
  vendure = connector_for_config (fixture, "vendure", FIXTURE_KEY, &error);
  g_assert_null (vendure);
  g_assert_error (error, CURB_ERROR, CURB_ERROR_CONFIG);
}

#define ADD(path, n, func) \
  g_test_add (path, Fixture, GUINT_TO_POINTER (n), fixture_set_up, func, fixture_tear_down)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD ("/connector/pull/all-pages", 250, test_pull_all_pages);
  ADD ("/connector/pull/empty-after-end", 20, test_pull_empty_after_end);
  ADD ("/connector/push/duplicate", 5, test_push_and_duplicate);
  ADD ("/connector/push/refused-for-good", 5, test_push_refused_for_good);
  ADD ("/connector/errors/server-error", 5, test_server_error_is_retryable);
  ADD ("/connector/errors/retry-after", 5, test_rate_limit_carries_retry_after);
  ADD ("/connector/errors/broken-json", 5, test_broken_json_is_protocol_error);
  ADD ("/connector/errors/timeout-and-drop", 5, test_timeout_and_drop);
  ADD ("/connector/errors/unreachable", 5, test_unreachable);
  ADD ("/connector/errors/wrong-key", 5, test_wrong_key);
  ADD ("/connector/keys", 0, test_fetch_keys);
  ADD ("/connector/from-hub-config", 5, test_from_hub_config);
  ADD ("/connector/name", 0, test_name_and_description);
  g_test_add_func ("/connector/bad-config", test_bad_config);
  return g_test_run ();
}
