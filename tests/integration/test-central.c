#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "curbside-core.h"
#include "curb-test-helpers.h"

/* The real curbside-central program, spawned, spoken to over HTTP: the
 * protocol as docs/central-protocol.md states it. */

#define KEY "demo-store-key"

typedef struct
{
  char        *dir;
  GSubprocess *process;
  char        *url;
  SoupSession *session;
} Fixture;

typedef struct
{
  guint     status;
  JsonNode *body;
  char     *retry_after;
} Answer;

static void
answer_free (Answer *answer)
{
  g_clear_pointer (&answer->body, json_node_unref);
  g_free (answer->retry_after);
  g_free (answer);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Answer, answer_free)

static char *
wait_for_port (Fixture    *fixture,
               const char *port_file)
{
  g_autofree char *text = NULL;

  for (guint i = 0; i < 200 && !g_file_get_contents (port_file, &text, NULL, NULL); i++)
    g_usleep (20 * 1000);
  g_assert_nonnull (text);
  return g_strdup_printf ("http://127.0.0.1:%s", g_strstrip (text));
}

static void
start_central (Fixture     *fixture,
               const char  *extra_arg)
{
  g_autofree char *program = curb_test_build_path ("central", "curbside-central");
  g_autofree char *db = g_build_filename (fixture->dir, "central.db", NULL);
  g_autofree char *port_file = g_build_filename (fixture->dir, "port", NULL);
  g_autofree char *key_file = g_build_filename (fixture->dir, "issuer.key", NULL);
  g_autofree char *keyring = g_build_filename (fixture->dir, "keyring", NULL);
  g_autoptr(GError) error = NULL;

  g_unlink (port_file);
  fixture->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, program,
                                       "--port", "0", "--port-file", port_file, "--db", db,
                                       "--store", "store-001:" KEY, "--store", "store-002:other-key",
                                       "--issuer-key", key_file, "--write-keyring", keyring,
                                       extra_arg, NULL);
  g_assert_no_error (error);
  g_free (fixture->url);
  fixture->url = wait_for_port (fixture, port_file);
}

static void
stop_central (Fixture *fixture)
{
  /* hang up first, so central frees its side of the connections */
  soup_session_abort (fixture->session);
  g_usleep (50 * 1000);
  g_subprocess_send_signal (fixture->process, SIGTERM);
  g_subprocess_wait (fixture->process, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (fixture->process));
  g_assert_cmpint (g_subprocess_get_exit_status (fixture->process), ==, 0);
  g_clear_object (&fixture->process);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = curb_test_mkdtemp ();
  fixture->session = soup_session_new_with_options ("timeout", 10, NULL);
  start_central (fixture, data);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->process != NULL)
    stop_central (fixture);
  g_clear_object (&fixture->session);
  curb_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->url);
}

static Answer *
request (Fixture     *fixture,
         const char  *method,
         const char  *path,
         const char  *key,
         const char  *idempotency_key,
         const char  *body)
{
  g_autofree char *url = g_strconcat (fixture->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  Answer *answer = g_new0 (Answer, 1);

  if (key != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", key);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  answer->status = soup_message_get_status (msg);
  answer->retry_after = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                                "Retry-After"));
  {
    /* the body is not NUL-terminated */
    g_autofree char *text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
    answer->body = json_from_string (text, NULL);
  }
  return answer;
}

static JsonObject *
body_object (Answer *answer)
{
  g_assert_nonnull (answer->body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer->body));
  return json_node_get_object (answer->body);
}

static void
assert_error (Answer     *answer,
              guint       status,
              const char *reason)
{
  JsonObject *body = body_object (answer);

  g_assert_cmpuint (answer->status, ==, status);
  g_assert_cmpstr (json_object_get_string_member (body, "error"), ==, reason);
  g_assert_true (json_object_has_member (body, "message"));
}

static char *
event_json (const char *id,
            const char *kind,
            const char *ref,
            const char *data)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"seq\":7,\"kind\":\"%s\",\"order_ref\":\"%s\","
                          "\"at\":\"2026-11-27T15:04:00.000Z\",\"device\":\"kiosk-1\",\"data\":%s}",
                          id, kind, ref, data);
}

static Answer *
push (Fixture    *fixture,
      const char *id,
      const char *body)
{
  return request (fixture, "POST", "/v1/stores/store-001/events", KEY, id, body);
}

/* Pulls every page after @cursor; returns refs → version and the last cursor. */
static GHashTable *
pull_all (Fixture     *fixture,
          guint        limit,
          char       **inout_cursor,
          guint       *out_deliveries)
{
  GHashTable *versions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean more = TRUE;

  *out_deliveries = 0;
  while (more)
    {
      g_autofree char *path = g_strdup_printf ("/v1/stores/store-001/orders?cursor=%s&limit=%u",
                                               *inout_cursor ? *inout_cursor : "", limit);
      g_autoptr(Answer) answer = request (fixture, "GET", path, KEY, NULL, NULL);
      JsonObject *page = body_object (answer);
      JsonArray *orders = json_object_get_array_member (page, "orders");

      g_assert_cmpuint (answer->status, ==, 200);
      for (guint i = 0; i < json_array_get_length (orders); i++)
        {
          JsonObject *order = json_array_get_object_element (orders, i);
          g_hash_table_replace (versions, g_strdup (json_object_get_string_member (order, "ref")),
                                GINT_TO_POINTER (json_object_get_int_member (order, "version")));
        }
      *out_deliveries += json_array_get_length (orders);
      g_free (*inout_cursor);
      *inout_cursor = g_strdup (json_object_get_string_member (page, "next_cursor"));
      more = json_object_get_boolean_member (page, "has_more");
    }
  return versions;
}

static void
test_seeded_demo_orders (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(Answer) answer = request (fixture, "GET", "/v1/stores/store-001/orders?limit=1000", KEY, NULL, NULL);
  g_autoptr(Answer) keys = request (fixture, "GET", "/v1/keys", NULL, NULL, NULL);
  g_autoptr(CurbKeyring) keyring = curb_keyring_new ();
  g_autofree char *keyring_path = g_build_filename (fixture->dir, "keyring", NULL);
  g_autoptr(CurbKeyring) written = NULL;
  JsonObject *key = json_array_get_object_element (json_object_get_array_member (body_object (keys), "keys"), 0);
  JsonArray *orders = json_object_get_array_member (body_object (answer), "orders");
  gboolean jose = FALSE, frozen = FALSE, age = FALSE, substitution = FALSE, alternate = FALSE;
  g_autoptr(GError) error = NULL;

  g_assert_true (curb_keyring_add_base64 (keyring, json_object_get_string_member (key, "kid"),
                                          json_object_get_string_member (key, "public_key"), &error));
  g_assert_cmpuint (json_array_get_length (orders), ==, 30);
  written = curb_keyring_load (keyring_path, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (curb_keyring_lookup (written, "c1"), 32, curb_keyring_lookup (keyring, "c1"), 32);
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *order = json_array_get_object_element (orders, i);
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), order);
      g_autofree char *text = json_to_string (node, FALSE);

      jose |= g_str_equal (json_object_get_string_member (order, "first_name"), "José");
      frozen |= strstr (text, "\"frozen\"") != NULL;
      age |= json_object_get_boolean_member (order, "age_restricted");
      substitution |= strstr (text, "\"pending\"") != NULL;
      alternate |= !json_object_get_null_member (order, "alternate_pickup");
      g_assert_true (curb_order_ref_is_valid (json_object_get_string_member (order, "ref")));
      g_assert_true (curb_token_verify (keyring, json_object_get_string_member (order, "token"), "store-001",
                                        curb_now_ms () / 1000, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (jose && frozen && age && substitution && alternate);
}

static void
test_auth_and_bad_requests (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(Answer) no_key = request (fixture, "GET", "/v1/stores/store-001/orders", NULL, NULL, NULL);
  g_autoptr(Answer) bad_key = request (fixture, "GET", "/v1/stores/store-001/orders", "nope", NULL, NULL);
  g_autoptr(Answer) other = request (fixture, "GET", "/v1/stores/store-001/orders", "other-key", NULL, NULL);
  g_autoptr(Answer) cursor = request (fixture, "GET", "/v1/stores/store-001/orders?cursor=x'--", KEY, NULL, NULL);
  g_autoptr(Answer) limit = request (fixture, "GET", "/v1/stores/store-001/orders?limit=0", KEY, NULL, NULL);
  g_autoptr(Answer) path = request (fixture, "GET", "/v1/stores/store-001/nothing", KEY, NULL, NULL);
  g_autoptr(Answer) json = push (fixture, "e1", "{\"id\": \"e1\", ");
  g_autoptr(Answer) missing = push (fixture, NULL, "{}");

  assert_error (no_key, 401, "unauthorized");
  assert_error (bad_key, 401, "unauthorized");
  assert_error (other, 403, "forbidden");
  assert_error (cursor, 400, "invalid_cursor");
  assert_error (limit, 400, "invalid_limit");
  assert_error (path, 404, "not_found");
  assert_error (json, 400, "invalid_json");
  assert_error (missing, 400, "missing_idempotency_key");
}

static void
test_events_exactly_once (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *arrived = event_json ("e-1", "arrived", "P00001", "{\"bay\":\"3\",\"source\":\"scan\"}");
  g_autofree char *changed = event_json ("e-1", "no_show", "P00001", "{}");
  g_autofree char *cancel = event_json ("e-2", "cancelled", "P00001", "{\"reason\":\"x\"}");
  g_autofree char *unknown = event_json ("e-3", "arrived", "NOPE", "{}");
  g_autofree char *weird = event_json ("e-4", "teleported", "P00001", "{}");
  g_autoptr(Answer) first = push (fixture, "e-1", arrived);
  g_autoptr(Answer) again = push (fixture, "e-1", arrived);
  g_autoptr(Answer) third = push (fixture, "e-1", arrived);
  g_autoptr(Answer) reused = push (fixture, "e-1", changed);
  g_autoptr(Answer) mismatch = push (fixture, "e-9", arrived);
  g_autoptr(Answer) not_ours = push (fixture, "e-2", cancel);
  g_autoptr(Answer) no_order = push (fixture, "e-3", unknown);
  g_autoptr(Answer) no_kind = push (fixture, "e-4", weird);
  g_autoptr(Answer) events = request (fixture, "GET", "/admin/stores/store-001/events", NULL, NULL, NULL);
  JsonArray *list = json_object_get_array_member (body_object (events), "events");

  g_assert_cmpuint (first->status, ==, 201);
  g_assert_false (json_object_get_boolean_member (body_object (first), "duplicate"));
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (body_object (again), "duplicate"));
  g_assert_cmpuint (third->status, ==, 200);
  assert_error (reused, 409, "idempotency_key_reused");
  assert_error (mismatch, 400, "idempotency_key_mismatch");
  assert_error (not_ours, 422, "not_store_fact");
  assert_error (no_order, 422, "unknown_order");
  assert_error (no_kind, 422, "unknown_kind");

  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 0), "deliveries"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (body_object (events), "total_deliveries"), ==, 3);
}

static void
test_cursor_stable_under_changes (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(Answer) first = request (fixture, "GET", "/v1/stores/store-001/orders?limit=5", KEY, NULL, NULL);
  g_autofree char *cursor = g_strdup (json_object_get_string_member (body_object (first), "next_cursor"));
  g_autoptr(Answer) patch_seen = request (fixture, "PATCH", "/admin/stores/store-001/orders/P00002", NULL, NULL,
                                          "{\"first_name\": \"Samuel\"}");
  g_autoptr(Answer) patch_unseen = request (fixture, "PATCH", "/admin/stores/store-001/orders/P00020", NULL, NULL,
                                            "{\"first_name\": \"Robin\"}");
  g_autoptr(Answer) patch_twice = request (fixture, "PATCH", "/admin/stores/store-001/orders/P00020", NULL, NULL,
                                           "{\"first_name\": \"Robyn\"}");
  g_autoptr(GHashTable) rest = NULL;
  guint deliveries;

  g_assert_cmpuint (patch_seen->status, ==, 200);
  g_assert_cmpuint (patch_unseen->status, ==, 200);
  g_assert_cmpuint (patch_twice->status, ==, 200);
  rest = pull_all (fixture, 4, &cursor, &deliveries);
  /* 25 not yet seen, plus P00002 again; P00020 once, at its latest version */
  g_assert_cmpuint (g_hash_table_size (rest), ==, 26);
  g_assert_cmpuint (deliveries, ==, 26);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (rest, "P00002")), ==, 2);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (rest, "P00020")), ==, 3);
  g_assert_false (g_hash_table_contains (rest, "P00001"));
}

/* "Not you? Start over" at the kiosk: central records that the arrival was
 * taken back; where the car stands (bay_chosen) never leaves the store. */
static void
test_withdrawn_arrival (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *arrived = event_json ("w-1", "arrived", "P00002", "{\"source\":\"scan\"}");
  g_autofree char *withdrawn = event_json ("w-2", "withdrawn", "P00002", "{}");
  g_autofree char *bay = event_json ("w-3", "bay_chosen", "P00002", "{\"bay\":\"4\"}");
  g_autoptr(Answer) first = push (fixture, "w-1", arrived);
  g_autoptr(Answer) second = push (fixture, "w-2", withdrawn);
  g_autoptr(Answer) again = push (fixture, "w-2", withdrawn);
  g_autoptr(Answer) third = push (fixture, "w-3", bay);

  g_assert_cmpuint (first->status, ==, 201);
  g_assert_cmpuint (second->status, ==, 201);
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (body_object (again), "duplicate"));
  assert_error (third, 422, "unknown_kind");
}

static void
test_substitution_decision_is_content (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autofree char *cursor = NULL;
  g_autoptr(GHashTable) all = NULL;
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(Answer) put = request (fixture, "PUT", "/admin/stores/store-001/orders/SUB-1", NULL, NULL,
                                   "{\"first_name\":\"Ana\",\"last_initial\":\"C\",\"lines\":[],"
                                   "\"substitutions\":[{\"id\":\"S1\",\"line_id\":\"L1\",\"original\":\"a\","
                                   "\"replacement\":\"b\",\"qty\":1,\"status\":\"pending\"}]}");
  g_autofree char *decided = event_json ("e-s", "substitution_decided", "SUB-1",
                                         "{\"substitution_id\":\"S1\",\"approved\":true}");
  g_autoptr(Answer) answer = NULL;
  g_autoptr(Answer) order = NULL;
  g_autofree char *order_text = NULL;
  guint deliveries;

  g_assert_cmpuint (put->status, ==, 200);
  all = pull_all (fixture, 100, &cursor, &deliveries);
  answer = push (fixture, "e-s", decided);
  g_assert_cmpuint (answer->status, ==, 201);
  changed = pull_all (fixture, 100, &cursor, &deliveries);
  g_assert_cmpuint (g_hash_table_size (changed), ==, 1);
  g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (changed, "SUB-1")), ==, 2);
  order = request (fixture, "GET", "/admin/stores/store-001/orders/SUB-1", NULL, NULL, NULL);
  order_text = json_to_string (order->body, FALSE);
  g_assert_nonnull (strstr (order_text, "\"approved\""));
}

static void
test_faults (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(Answer) f1 = request (fixture, "POST", "/admin/faults", NULL, NULL, "{\"kind\":\"status\",\"status\":500,\"count\":2}");
  g_autoptr(Answer) a1 = request (fixture, "GET", "/v1/keys", NULL, NULL, NULL);
  g_autoptr(Answer) a2 = request (fixture, "GET", "/v1/stores/store-001/orders", KEY, NULL, NULL);
  g_autoptr(Answer) a3 = request (fixture, "GET", "/v1/keys", NULL, NULL, NULL);
  g_autoptr(Answer) f2 = request (fixture, "POST", "/admin/faults", NULL, NULL, "{\"kind\":\"rate_limit\",\"retry_after\":7,\"on\":\"push\"}");
  g_autoptr(Answer) a4 = request (fixture, "GET", "/v1/keys", NULL, NULL, NULL);
  g_autoptr(Answer) a5 = push (fixture, "x", "{}");
  g_autoptr(Answer) f3 = request (fixture, "POST", "/admin/faults", NULL, NULL, "{\"kind\":\"duplicate_page\",\"on\":\"pull\"}");
  g_autoptr(Answer) a6 = request (fixture, "GET", "/v1/stores/store-001/orders?cursor=c3&limit=2", KEY, NULL, NULL);
  g_autoptr(Answer) bad = request (fixture, "POST", "/admin/faults", NULL, NULL, "{\"kind\":\"meteor\"}");

  g_assert_cmpuint (f1->status, ==, 200);
  assert_error (a1, 500, "internal");
  assert_error (a2, 500, "internal");
  g_assert_cmpuint (a3->status, ==, 200);
  g_assert_cmpuint (f2->status, ==, 200);
  g_assert_cmpuint (a4->status, ==, 200);
  assert_error (a5, 429, "rate_limited");
  g_assert_cmpstr (a5->retry_after, ==, "7");
  g_assert_cmpuint (f3->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body_object (a6), "orders")), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (body_object (a6), "next_cursor"), ==, "c3");
  assert_error (bad, 400, "invalid");
}

static void
test_state_survives_restart (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *arrived = event_json ("e-r", "arrived", "P00004", "{\"bay\":\"1\",\"source\":\"scan\"}");
  g_autoptr(Answer) first = push (fixture, "e-r", arrived);
  g_autoptr(Answer) again = NULL;
  g_autoptr(Answer) orders = NULL;

  g_assert_cmpuint (first->status, ==, 201);
  stop_central (fixture);
  start_central (fixture, NULL);
  again = push (fixture, "e-r", arrived);
  g_assert_cmpuint (again->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (body_object (again), "duplicate"));
  orders = request (fixture, "GET", "/v1/stores/store-001/orders?limit=1000", KEY, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body_object (orders), "orders")), ==, 30);
}

static void
test_bad_arguments (void)
{
  g_autofree char *program = curb_test_build_path ("central", "curbside-central");
  const char *cases[][3] = {
    { "--port", "70000", NULL },
    { "--store", "no-colon", NULL },
    { "--seed-demo", "-1", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE
                                                         | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                                         program, cases[i][0], cases[i][1], NULL);

      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait (process, NULL, &error));
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
    }
}

static char *
sign_with (const char *key_path, const char *kid, const char *store, const char *ref, gint64 expires_s)
{
  g_autoptr(CurbSigningKey) key = key_path != NULL ? curb_signing_key_load (key_path, NULL)
                                                   : curb_signing_key_generate (kid, NULL);
  g_autoptr(CurbTokenClaims) claims = curb_token_claims_new (store, ref, expires_s);

  g_assert_nonnull (key);
  return curb_token_sign (key, claims, NULL);
}

static Answer *
announce (Fixture *fixture, const char *token, int eta_minutes)
{
  g_autofree char *body = g_strdup_printf ("{\"token\": \"%s\", \"eta_minutes\": %d}", token, eta_minutes);

  return request (fixture, "POST", "/v1/announce", NULL, NULL, body);
}

static JsonObject *
admin_order (Fixture *fixture, const char *ref)
{
  g_autofree char *path = g_strdup_printf ("/admin/stores/store-001/orders/%s", ref);
  g_autoptr(Answer) answer = request (fixture, "GET", path, NULL, NULL, NULL);

  g_assert_cmpuint (answer->status, ==, 200);
  return json_object_ref (body_object (answer));
}

static gint64
eta_ms (JsonObject *order)
{
  gint64 ms = 0;

  g_assert_true (curb_iso8601_to_ms (json_object_get_string_member (json_object_get_object_member (order, "on_the_way"),
                                                                    "eta"), &ms));
  return ms;
}

/* "I'm on my way" with the pickup token alone: announced, announced again
 * later, ignored after the shopper arrived, refused for a cancelled order
 * and for forged, expired and other-store codes. */
static void
test_announce (Fixture *fixture, gconstpointer data)
{
  g_autofree char *key_path = g_build_filename (fixture->dir, "issuer.key", NULL);
  g_autoptr(JsonObject) p1 = admin_order (fixture, "P00001");
  g_autoptr(JsonObject) p2 = admin_order (fixture, "P00002");
  g_autoptr(JsonObject) p3 = admin_order (fixture, "P00003");
  g_autoptr(JsonObject) after = NULL, later = NULL, p3_after = NULL;
  g_autoptr(CurbSigningKey) real = curb_signing_key_load (key_path, NULL);
  g_autofree char *forged = sign_with (NULL, curb_signing_key_get_key_id (real), "store-001", "P00001",
                                       g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_autofree char *expired = sign_with (key_path, NULL, "store-001", "P00001", g_get_real_time () / G_USEC_PER_SEC - 3600);
  g_autofree char *other_store = sign_with (key_path, NULL, "store-002", "P00001",
                                            g_get_real_time () / G_USEC_PER_SEC + 3600);
  g_autofree char *arrived = event_json ("0b1f6f5e-0000-4d1c-9a57-2a54c1e6a0d3", "arrived", "P00003",
                                         "{\"bay\": \"3\", \"source\": \"scan\"}");
  const char *token = json_object_get_string_member (p1, "token");
  gint64 now_ms = g_get_real_time () / 1000;

  {
    g_autoptr(Answer) answer = announce (fixture, token, 15);
    g_assert_cmpuint (answer->status, ==, 200);
    g_assert_true (json_object_get_boolean_member (body_object (answer), "accepted"));
    g_assert_cmpstr (json_object_get_string_member (body_object (answer), "status"), ==, "announced");
  }
  after = admin_order (fixture, "P00001");
  g_assert_cmpint (json_object_get_int_member (after, "version"), ==, json_object_get_int_member (p1, "version") + 1);
  g_assert_cmpint (eta_ms (after), >=, now_ms + 14 * 60 * 1000);
  g_assert_cmpint (eta_ms (after), <=, now_ms + 16 * 60 * 1000);
  {
    /* running late: the later announcement replaces the first */
    g_autoptr(Answer) answer = announce (fixture, token, 40);
    g_assert_cmpuint (answer->status, ==, 200);
  }
  later = admin_order (fixture, "P00001");
  g_assert_cmpint (eta_ms (later), >=, eta_ms (after) + 24 * 60 * 1000);

  {
    /* staff take the order on while the shopper is on the way: a claim is no
     * arrival, the shopper may still say they run late */
    g_autofree char *claimed = event_json ("0b1f6f5e-0000-4d1c-9a57-2a54c1e6a0d4", "claimed", "P00001",
                                           "{\"staff_name\": \"Ana\"}");
    g_autoptr(Answer) pushed = push (fixture, "0b1f6f5e-0000-4d1c-9a57-2a54c1e6a0d4", claimed);
    g_autoptr(Answer) answer = announce (fixture, token, 50);
    g_autoptr(JsonObject) taken_on = NULL;

    g_assert_cmpuint (pushed->status, ==, 201);
    g_assert_cmpuint (answer->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (body_object (answer), "status"), ==, "announced");
    taken_on = admin_order (fixture, "P00001");
    g_assert_cmpint (eta_ms (taken_on), >=, eta_ms (later) + 9 * 60 * 1000);
  }

  {
    g_autoptr(Answer) pushed = push (fixture, "0b1f6f5e-0000-4d1c-9a57-2a54c1e6a0d3", arrived);
    g_autoptr(Answer) answer = announce (fixture, json_object_get_string_member (p3, "token"), 10);
    g_assert_cmpuint (pushed->status, ==, 201);
    g_assert_cmpuint (answer->status, ==, 200);
    g_assert_false (json_object_get_boolean_member (body_object (answer), "accepted"));
    g_assert_cmpstr (json_object_get_string_member (body_object (answer), "status"), ==, "ignored");
  }
  p3_after = admin_order (fixture, "P00003");
  g_assert_cmpint (json_object_get_int_member (p3_after, "version"), ==, json_object_get_int_member (p3, "version"));
  g_assert_false (json_object_has_member (p3_after, "on_the_way"));

  {
    g_autoptr(Answer) cancelled = request (fixture, "POST", "/admin/stores/store-001/orders/P00002/cancel", NULL, NULL, "{}");
    g_autoptr(Answer) answer = announce (fixture, json_object_get_string_member (p2, "token"), 10);
    g_assert_cmpuint (cancelled->status, ==, 200);
    assert_error (answer, 409, "cancelled");
  }
  {
    g_autoptr(Answer) answer = announce (fixture, forged, 10);
    assert_error (answer, 422, "token_bad_signature");
  }
  {
    g_autoptr(Answer) answer = announce (fixture, expired, 10);
    assert_error (answer, 422, "token_expired");
  }
  {
    g_autoptr(Answer) answer = announce (fixture, other_store, 10);
    assert_error (answer, 422, "token_other_store");
  }
  {
    g_autoptr(Answer) answer = announce (fixture, token, 100000);
    assert_error (answer, 400, "invalid");
  }
}

/* The pickup message of the demo: the QR and an "I'm on my way" form that
 * announces through the same route. */
static void
test_pickup_message (Fixture *fixture, gconstpointer data)
{
  g_autoptr(JsonObject) p1 = admin_order (fixture, "P00001");
  g_autoptr(JsonObject) after = NULL;
  const char *token = json_object_get_string_member (p1, "token");
  g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
  g_autofree char *page_url = g_strdup_printf ("%s/pickup?t=%s", fixture->url, escaped);
  g_autofree char *post_url = g_strdup_printf ("%s/pickup/on-my-way", fixture->url);
  g_autofree char *form = g_strdup_printf ("t=%s&eta=10", escaped);
  g_autoptr(SoupMessage) get = soup_message_new ("GET", page_url);
  g_autoptr(SoupMessage) post = soup_message_new ("POST", post_url);
  g_autoptr(GBytes) form_bytes = g_bytes_new (form, strlen (form));
  g_autoptr(GBytes) page = NULL, answer = NULL;
  g_autoptr(GError) error = NULL;

  page = soup_session_send_and_read (fixture->session, get, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (get), ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (page, NULL), g_bytes_get_size (page), "<svg"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (page, NULL), g_bytes_get_size (page), "I'm on my way"));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (page, NULL), g_bytes_get_size (page), "action=\"/pickup/on-my-way\""));
  soup_message_set_request_body_from_bytes (post, "application/x-www-form-urlencoded", form_bytes);
  answer = soup_session_send_and_read (fixture->session, post, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (post), ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), "on your way"));
  after = admin_order (fixture, "P00001");
  g_assert_true (json_object_has_member (after, "on_the_way"));
}

#define ADD(path, arg, func) \
  g_test_add (path, Fixture, arg, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD ("/central/seeded-demo-orders", "--seed-demo=30", test_seeded_demo_orders);
  ADD ("/central/auth-and-bad-requests", "--seed-demo=3", test_auth_and_bad_requests);
  ADD ("/central/events-exactly-once", "--seed-demo=3", test_events_exactly_once);
  ADD ("/central/withdrawn-arrival", "--seed-demo=3", test_withdrawn_arrival);
  ADD ("/central/cursor-stable-under-changes", "--seed-demo=30", test_cursor_stable_under_changes);
  ADD ("/central/substitution-decision", "--seed-demo=3", test_substitution_decision_is_content);
  ADD ("/central/faults", "--seed-demo=10", test_faults);
  ADD ("/central/state-survives-restart", "--seed-demo=30", test_state_survives_restart);
  ADD ("/central/announce", "--seed-demo=3", test_announce);
  ADD ("/central/pickup-message", "--seed-demo=3", test_pickup_message);
  g_test_add_func ("/central/bad-arguments", test_bad_arguments);
  return g_test_run ();
}
