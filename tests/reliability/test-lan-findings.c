/* The findings of issue 13 ("the store LAN is hostile"), one subtest each,
 * against the real curbside-hub process. Every subtest reproduces the probe
 * that found the defect and asserts the fixed behaviour; each failed on the
 * hub as it was when the issue was filed. */
#include <glib/gstdio.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "curb-hub-rig.h"
#include "curb-test-helpers.h"

typedef struct
{
  CurbHubRig *rig;
  char       *session;     /* st-1 signed in on staging 0 */
} Fixture;

static char *
sign_in (CurbHubRig *rig,
         guint       staging_index)
{
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint status = curb_hub_rig_raw (rig, "POST", "/v1/staff/session", rig->staging->pdata[staging_index], NULL,
                                   "{\"staff_id\": \"" CURB_RIG_STAFF_ID "\", \"pin\": \"" CURB_RIG_STAFF_PIN "\"}",
                                   -1, &body);

  g_assert_cmpuint (status, ==, 200);
  reply = json_from_string (body, NULL);
  return g_strdup (json_object_get_string_member (json_node_get_object (reply), "session"));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->rig = curb_hub_rig_new (2, 2, data);
  curb_hub_rig_add_orders (fixture->rig, 20);
  curb_hub_rig_start (fixture->rig);
  fixture->session = sign_in (fixture->rig, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  curb_hub_rig_free (fixture->rig);
  g_free (fixture->session);
}

static guint
call (Fixture    *fixture,
      const char *method,
      const char *path,
      const char *credential,
      const char *session,
      const char *body,
      char      **out_answer)
{
  return curb_hub_rig_raw (fixture->rig, method, path, credential, session, body, -1, out_answer);
}

static JsonObject *
get_order (Fixture    *fixture,
           const char *ref)
{
  g_autofree char *path = g_strconcat ("/v1/orders?view=board", NULL);
  g_autofree char *answer = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *orders;

  g_assert_cmpuint (call (fixture, "GET", path, fixture->rig->staging->pdata[0], fixture->session, NULL, &answer), ==, 200);
  node = json_from_string (answer, NULL);
  orders = json_object_get_array_member (json_node_get_object (node), "orders");
  for (guint i = 0; i < json_array_get_length (orders); i++)
    {
      JsonObject *order = json_array_get_object_element (orders, i);

      if (g_str_equal (json_object_get_string_member (order, "ref"), ref))
        return json_object_ref (order);
    }
  g_error ("order %s is not on the board", ref);
  return NULL;
}

/* --- 1: Content-Length and transfer encodings --- */

/* Sends @header and then up to @body_mib MiB of zeros: what the hub answers
 * and how far its memory grew meanwhile. */
static guint
send_unbounded (CurbHubRig *rig,
                const char *header,
                guint       body_mib,
                gint64     *out_growth_kib)
{
  g_autoptr(GIOStream) stream = curb_hub_rig_tls_connect (rig, 5);
  g_autofree char *head = g_strdup_printf ("POST /healthz HTTP/1.1\r\nHost: x\r\n%s\r\n\r\n", header);
  g_autofree char *zeros = g_malloc0 (64 * 1024);
  GOutputStream *out = g_io_stream_get_output_stream (stream);
  gint64 before = curb_hub_rig_rss_kib (rig), peak = before;
  guint64 sent = 0;
  guint status;

  g_assert_nonnull (stream);
  g_assert_true (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL));
  while (sent < (guint64) body_mib * 1024 * 1024
         && g_output_stream_write_all (out, zeros, 64 * 1024, NULL, NULL, NULL))
    {
      sent += 64 * 1024;
      if (sent % (4 * 1024 * 1024) == 0)
        peak = MAX (peak, curb_hub_rig_rss_kib (rig));
    }
  status = curb_hub_rig_read_status (stream, NULL);
  g_io_stream_close (stream, NULL, NULL);
  g_usleep (200000);
  peak = MAX (peak, curb_hub_rig_rss_kib (rig));
  g_test_message ("%-40s → %u after %" G_GUINT64_FORMAT " KiB sent; hub RSS %" G_GINT64_FORMAT
                  " → peak %" G_GINT64_FORMAT " KiB", header, status, sent / 1024, before, peak);
  *out_growth_kib = peak - before;
  return status;
}

static void
test_content_length (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *headers[] = {
    "Content-Length: -1",
    "Content-Length: 4294967296000",
    "Content-Length: 99999999999999999999999",
    "Content-Length: 18446744073709551615",
    "Content-Length: +12",
    "Content-Length: 12, 13",
    "Content-Length: 1e3",
    "Transfer-Encoding: chunked",
    "Transfer-Encoding: gzip",
    "Transfer-Encoding: identity\r\nContent-Length: 5",
  };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      gint64 growth;
      guint status = send_unbounded (fixture->rig, headers[i], i == 0 ? 48 : 8, &growth);

      /* 501: libsoup itself refuses an encoding it does not know */
      g_assert_true (status == 400 || status == 411 || status == 413 || status == 501);
      g_assert_cmpint (growth, <, 8 * 1024);
    }
  /* the hub still serves */
  g_assert_cmpuint (call (fixture, "GET", "/healthz", NULL, NULL, NULL, NULL), ==, 200);
}

/* --- 2: offline events take the same checks as the routes --- */

static char *
checkin_body (Fixture    *fixture,
              const char *ref,
              const char *event_id)
{
  g_autofree char *token = curb_hub_rig_token (fixture->rig, CURB_RIG_STORE_ID, ref);

  return g_strdup_printf ("{\"token\": \"%s\", \"bay\": \"3\", \"event_id\": \"%s\"}", token, event_id);
}


static char *
events_body (const char *id,
             const char *kind,
             const char *ref,
             const char *extra)
{
  g_autofree char *now = curb_iso8601_from_ms (curb_now_ms ());

  return g_strdup_printf ("{\"events\": [{\"id\": \"%s\", \"kind\": \"%s\", \"order_ref\": \"%s\","
                          " \"at\": \"%s\"%s}]}", id, kind, ref, now, extra);
}

/* The one result of a POST /v1/events: its status, and its error. */
static char *
post_event (Fixture    *fixture,
            const char *credential,
            const char *session,
            const char *body,
            guint      *out_http,
            char      **out_error)
{
  g_autofree char *answer = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *result;

  *out_http = call (fixture, "POST", "/v1/events", credential, session, body, &answer);
  *out_error = NULL;
  if (*out_http != 200)
    return g_strdup (answer);
  node = json_from_string (answer, NULL);
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (node), "results"), 0);
  *out_error = g_strdup (json_object_get_string_member_with_default (result, "error", ""));
  return g_strdup (json_object_get_string_member (result, "status"));
}

static void
assert_event (Fixture    *fixture,
              const char *what,
              const char *credential,
              const char *session,
              const char *body,
              guint       http,
              const char *status,
              const char *error)
{
  guint got_http;
  g_autofree char *got_error = NULL;
  g_autofree char *got = post_event (fixture, credential, session, body, &got_http, &got_error);

  g_test_message ("%-58s → %u %s %s", what, got_http, got_http == 200 ? got : "", got_error != NULL ? got_error : "");
  g_assert_cmpuint (got_http, ==, http);
  if (status != NULL)
    g_assert_cmpstr (got, ==, status);
  if (error != NULL)
    g_assert_cmpstr (got_error, ==, error);
}

static void
test_events_authorization (Fixture       *fixture,
                           gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  const char *kiosk = rig->kiosks->pdata[0], *other_kiosk = rig->kiosks->pdata[1];
  const char *staging = rig->staging->pdata[0];
  g_autofree char *checkin = checkin_body (fixture, "R00010", "e2-arrive");
  g_autofree char *claim_no_session = events_body ("e2-1", "claimed", "R00010",
                                                   ", \"staff\": \"st-1\", \"data\": {\"staff_name\": \"Mallory\"}");
  g_autofree char *handover_no_session = events_body ("e2-2", "handed_over", "R00010",
                                                      ", \"staff\": \"st-1\", \"data\": {\"id_checked\": true}");
  g_autofree char *no_show = events_body ("e2-3", "no_show", "R00011", ", \"staff\": \"st-1\"");
  g_autofree char *other_staff = events_body ("e2-4", "claimed", "R00010", ", \"staff\": \"st-9\"");
  g_autofree char *claim = events_body ("e2-5", "claimed", "R00010",
                                        ", \"staff\": \"st-1\", \"data\": {\"staff_name\": \"Mallory\"}");
  g_autofree char *decide = events_body ("e2-6", "substitution_decided", "R00010",
                                         ", \"data\": {\"substitution_id\": \"S1\", \"approved\": true}");
  g_autofree char *arrive_bare = events_body ("e2-7", "arrived", "R00012", ", \"data\": {\"bay\": \"4\"}");
  g_autofree char *token_12 = curb_hub_rig_token (rig, CURB_RIG_STORE_ID, "R00012");
  g_autofree char *token_13 = curb_hub_rig_token (rig, CURB_RIG_STORE_ID, "R00013");
  g_autofree char *with_token = g_strdup_printf (", \"token\": \"%s\", \"data\": {\"bay\": \"4\"}", token_12);
  g_autofree char *with_wrong_token = g_strdup_printf (", \"token\": \"%s\", \"data\": {\"bay\": \"4\"}", token_13);
  g_autofree char *arrive_wrong = events_body ("e2-8", "arrived", "R00012", with_wrong_token);
  g_autofree char *arrive = events_body ("e2-9", "arrived", "R00012", with_token);
  g_autoptr(JsonObject) order = NULL;

  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, checkin, NULL), ==, 200);
  /* staging without a staff session: nothing a staff member does */
  assert_event (fixture, "staging, no staff session: claimed as st-1", staging, NULL, claim_no_session,
                401, NULL, NULL);
  assert_event (fixture, "staging, no staff session: handed_over as st-1", staging, NULL, handover_no_session,
                401, NULL, NULL);
  assert_event (fixture, "staging, no staff session: no_show", staging, NULL, no_show, 401, NULL, NULL);
  /* signed in as st-1, recording for someone else */
  assert_event (fixture, "staging as st-1: claimed as st-9", staging, fixture->session, other_staff,
                200, "rejected", "forbidden");
  /* a kiosk: decisions only for a shopper it checked in, arrivals only with a token */
  assert_event (fixture, "other kiosk: substitution_decided", other_kiosk, NULL, decide, 200, "rejected", "forbidden");
  assert_event (fixture, "kiosk: arrived without a token", kiosk, NULL, arrive_bare, 200, "rejected", NULL);
  assert_event (fixture, "kiosk: arrived with another order's token", kiosk, NULL, arrive_wrong,
                200, "rejected", NULL);
  order = get_order (fixture, "R00012");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "pending");
  g_clear_pointer (&order, json_object_unref);
  order = get_order (fixture, "R00010");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "arrived");
  g_clear_pointer (&order, json_object_unref);
  /* what may go through does, under the signed-in staff member's own name */
  assert_event (fixture, "kiosk: arrived with its token", kiosk, NULL, arrive, 200, "applied", NULL);
  /* past the authorisation; refused by the order itself (it has no substitution S1) */
  assert_event (fixture, "kiosk that checked in: substitution_decided", kiosk, NULL, decide, 200, "rejected", "invalid");
  assert_event (fixture, "staging as st-1: claimed", staging, fixture->session, claim, 200, "applied", NULL);
  order = get_order (fixture, "R00010");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "claimed");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (order, "claimed_by"), "first_name"),
                   ==, "Robin");
}

/* --- 3: a lone surrogate escape --- */

static void
test_lone_surrogate (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *staging = fixture->rig->staging->pdata[0];
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autofree char *devices = NULL;

  g_assert_cmpuint (call (fixture, "POST", "/v1/orders/R00003/stage", staging, fixture->session,
                          "{\"locations\": [{\"zone\": \"A\", \"shelf\": \"2\", \"bin\": \"14 \\ud800 x\"}],"
                          " \"bags\": {\"ambient\": 2}}", &answer), ==, 400);
  g_assert_nonnull (strstr (answer, "malformed_json"));
  order = get_order (fixture, "R00003");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "pending");
  g_assert_false (json_object_get_boolean_member_with_default (order, "staged", FALSE));
  /* a heartbeat with one keeps the device's last status */
  g_assert_cmpuint (call (fixture, "POST", "/v1/heartbeat", staging, NULL, "{\"printer\": \"paper_low\"}", NULL), ==, 200);
  g_assert_cmpuint (call (fixture, "POST", "/v1/heartbeat", staging, NULL, "{\"printer\": \"ok \\udfff\"}", NULL), ==, 400);
  g_assert_cmpuint (call (fixture, "GET", "/v1/devices", staging, NULL, NULL, &devices), ==, 200);
  g_assert_nonnull (strstr (devices, "paper_low"));
  /* still a good stage afterwards */
  g_assert_cmpuint (call (fixture, "POST", "/v1/orders/R00003/stage", staging, fixture->session,
                          "{\"locations\": [{\"zone\": \"A\", \"shelf\": \"2\", \"bin\": \"14 \\u00e9 x\"}],"
                          " \"bags\": {\"ambient\": 2}}", NULL), ==, 200);
}

/* --- 4: the stream after a restore --- */

static void
on_event (CurbHubStream *stream,
          JsonObject    *event,
          GPtrArray     *ids)
{
  g_ptr_array_add (ids, g_strdup (json_object_get_string_member (event, "id")));
}

static gboolean
wait_for_id (GPtrArray  *ids,
             const char *id,
             guint       timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      for (guint i = 0; i < ids->len; i++)
        if (g_str_equal (ids->pdata[i], id))
          return TRUE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    }
  return FALSE;
}

static void
check_in_ok (Fixture    *fixture,
             const char *ref,
             const char *event_id)
{
  g_autofree char *body = checkin_body (fixture, ref, event_id);

  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", fixture->rig->kiosks->pdata[0], NULL, body, NULL), ==, 200);
}

static void
test_stream_after_restore (Fixture       *fixture,
                           gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  g_autofree char *backup = g_build_filename (rig->dir, "at-seq-3.db", NULL);
  g_autoptr(CurbHubClient) client = curb_hub_rig_client (rig, rig->staging->pdata[0]);
  g_autoptr(CurbHubStream) stream = curb_hub_client_open_stream (client, 0);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  g_signal_connect (stream, "event", G_CALLBACK (on_event), ids);
  curb_hub_stream_start (stream);
  check_in_ok (fixture, "R00001", "e4-1");
  check_in_ok (fixture, "R00002", "e4-2");
  check_in_ok (fixture, "R00003", "e4-3");
  g_assert_true (wait_for_id (ids, "e4-3", 10));
  g_assert_cmpint (curb_hub_rig_ctl (rig, NULL, "backup", "--db", rig->db, backup, NULL), ==, 0);
  check_in_ok (fixture, "R00004", "e4-4");
  check_in_ok (fixture, "R00005", "e4-5");
  g_assert_true (wait_for_id (ids, "e4-5", 10));
  g_assert_cmpint (curb_hub_stream_get_last_seq (stream), ==, 5);
  /* the store goes back to seq 3 */
  g_assert_true (curb_hub_rig_stop (rig, SIGTERM));
  g_assert_cmpint (curb_hub_rig_ctl (rig, NULL, "restore", "--db", rig->db, backup, NULL), ==, 0);
  curb_hub_rig_start (rig);
  curb_hub_rig_reset_session (rig, 10);
  /* the next arrival gets seq 4 again, and must ring */
  check_in_ok (fixture, "R00006", "e4-after-restore");
  g_assert_true (wait_for_id (ids, "e4-after-restore", 20));
  g_test_message ("after the restore the stream resumed at seq %" G_GINT64_FORMAT, curb_hub_stream_get_last_seq (stream));
  g_assert_cmpint (curb_hub_stream_get_last_seq (stream), ==, 4);
  curb_hub_stream_stop (stream);
}

/* --- 5: an event id names one event --- */

static void
test_event_id_bound (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *kiosk = fixture->rig->kiosks->pdata[0], *other_kiosk = fixture->rig->kiosks->pdata[1];
  g_autofree char *first = checkin_body (fixture, "R00015", "probe-5");
  g_autofree char *stolen = checkin_body (fixture, "R00016", "probe-5");
  g_autofree char *own = checkin_body (fixture, "R00016", "probe-5b");
  g_autofree char *answer = NULL;
  g_autoptr(JsonObject) order = NULL;
  g_autofree char *now = curb_iso8601_from_ms (curb_now_ms ());
  g_autofree char *other_kind = g_strdup_printf ("{\"events\": [{\"id\": \"probe-5\", \"kind\": \"substitution_decided\","
                                                 " \"order_ref\": \"R00015\", \"at\": \"%s\","
                                                 " \"data\": {\"substitution_id\": \"S1\", \"approved\": true}}]}", now);

  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, first, NULL), ==, 200);
  /* the same id for another order: a conflict, not a replay of R00015 */
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, stolen, &answer), ==, 409);
  g_assert_nonnull (strstr (answer, "\"conflict\""));
  g_assert_null (strstr (answer, "R00015"));
  order = get_order (fixture, "R00016");
  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, "pending");
  /* the same id and order from another device */
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", other_kiosk, NULL, first, &answer), ==, 409);
  /* another kind */
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (call (fixture, "POST", "/v1/events", kiosk, NULL, other_kind, &answer), ==, 200);
  g_assert_nonnull (strstr (answer, "\"rejected\""));
  g_assert_nonnull (strstr (answer, "\"conflict\""));
  /* a true replay is still a replay, and R00016 checks in with its own id */
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, first, &answer), ==, 200);
  g_assert_nonnull (strstr (answer, "\"replayed\":true"));
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, own, NULL), ==, 200);
}

/* --- 6: enrollment is limited per client address --- */

static void
test_enroll_limit (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (fixture->rig->db, &error);
  g_autofree char *code = NULL;
  g_autofree char *body = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *refused = NULL;
  guint limited = 0;

  g_assert_no_error (error);
  code = curb_store_create_enrollment_code (store, CURB_DEVICE_ROLE_KIOSK, 60000, &error);
  g_assert_no_error (error);
  /* someone on 127.0.0.3 guesses codes */
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *guess = g_strdup_printf ("{\"code\": \"ZZZZ%04u\", \"name\": \"evil\"}", i);
      g_autofree char *text = NULL;
      guint status = curb_hub_rig_raw_from (fixture->rig, "127.0.0.3", "POST", "/v1/enroll", NULL, guess, &text);

      if (status == 429)
        {
          limited++;
          g_free (refused);
          refused = g_steal_pointer (&text);
        }
      else
        g_assert_cmpuint (status, ==, 401);
    }
  g_test_message ("8 guesses from 127.0.0.3: %u refused with 429", limited);
  g_assert_cmpuint (limited, >=, 3);
  g_assert_nonnull (strstr (refused, "Retry-After: "));
  /* a real enrollment from another address still goes through */
  body = g_strdup_printf ("{\"code\": \"%s\", \"name\": \"Kiosk by door 3\"}", code);
  g_assert_cmpuint (curb_hub_rig_raw_from (fixture->rig, "127.0.0.4", "POST", "/v1/enroll", NULL, body, &answer), ==, 200);
  g_assert_nonnull (strstr (answer, "\"credential\""));
}

/* --- 7: staff sign-in: no timing oracle, off the main loop, locked out --- */

typedef struct
{
  gint64 started;
  gint64 finished;
} Timed;

static void
on_timed_done (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Timed *timed = data;
  g_autoptr(JsonObject) reply = curb_hub_client_request_finish (CURB_HUB_CLIENT (source), result, NULL);

  timed->finished = g_get_monotonic_time ();
}

static gdouble
sign_in_ms (CurbHubRig *rig,
            guint       staging_index,
            const char *staff_id,
            const char *pin,
            guint       expected)
{
  g_autofree char *body = g_strdup_printf ("{\"staff_id\": \"%s\", \"pin\": \"%s\"}", staff_id, pin);
  gint64 start = g_get_monotonic_time ();
  guint status = curb_hub_rig_raw (rig, "POST", "/v1/staff/session", rig->staging->pdata[staging_index], NULL,
                                   body, -1, NULL);

  g_assert_cmpuint (status, ==, expected);
  return (g_get_monotonic_time () - start) / 1000.0;
}

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static gdouble
median (gdouble *values,
        guint    n)
{
  qsort (values, n, sizeof *values, compare_doubles);
  return values[n / 2];
}

static void
test_pin (void)
{
  g_autoptr(CurbHubRig) rig = curb_hub_rig_new (1, 6, NULL);
  gdouble known[4], unknown[4];
  g_autoptr(CurbHubClient) health = NULL;
  CurbHubClient *stations[3];
  Timed signing[3] = { { 0 } }, probe = { 0 };
  g_autofree char *answer = NULL;

  curb_hub_rig_add_orders (rig, 1);
  curb_hub_rig_start (rig);
  /* warm the connection, then alternate a known id with a wrong PIN and an unknown id */
  g_assert_cmpuint (curb_hub_rig_raw (rig, "GET", "/healthz", NULL, NULL, NULL, -1, NULL), ==, 200);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *nobody = g_strdup_printf ("st-%u", 900 + i);

      known[i] = sign_in_ms (rig, i / 2, CURB_RIG_STAFF_ID, "1111", 401);
      unknown[i] = sign_in_ms (rig, i / 2 + 2, nobody, "1111", 401);
    }
  g_test_message ("wrong PIN: known id median %.1f ms, unknown id median %.1f ms",
                  median (known, 4), median (unknown, 4));
  g_assert_cmpfloat (median (unknown, 4), >=, 0.5 * median (known, 4));
  g_assert_cmpfloat (median (known, 4), >=, 0.5 * median (unknown, 4));

  /* three sign-ins under way do not hold up a health check */
  health = curb_hub_rig_client (rig, NULL);
  for (guint i = 0; i < 3; i++)
    {
      stations[i] = curb_hub_rig_client (rig, rig->staging->pdata[3 + i % 3]);
      signing[i].started = g_get_monotonic_time ();
      curb_hub_client_staff_sign_in_async (stations[i], "st-800", "1234", NULL, NULL, on_timed_done, &signing[i]);
    }
  g_usleep (30000);
  probe.started = g_get_monotonic_time ();
  curb_hub_client_get_status_async (health, NULL, on_timed_done, &probe);
  while (probe.finished == 0 || signing[0].finished == 0 || signing[1].finished == 0 || signing[2].finished == 0)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("health check answered after %.1f ms while 3 sign-ins took %.1f, %.1f, %.1f ms",
                  (probe.finished - probe.started) / 1000.0, (signing[0].finished - signing[0].started) / 1000.0,
                  (signing[1].finished - signing[1].started) / 1000.0, (signing[2].finished - signing[2].started) / 1000.0);
  g_assert_cmpint (probe.finished, <, MAX (signing[0].finished, MAX (signing[1].finished, signing[2].finished)));
  for (guint i = 0; i < 3; i++)
    g_object_unref (stations[i]);

  /* st-1 has failed 4 times; one more from a fresh station locks the id,
   * whichever station asks next, even with the right PIN */
  sign_in_ms (rig, 4, CURB_RIG_STAFF_ID, "1112", 401);
  g_assert_cmpuint (curb_hub_rig_raw_from (rig, NULL, "POST", "/v1/staff/session", rig->staging->pdata[5],
                                           "{\"staff_id\": \"" CURB_RIG_STAFF_ID "\", \"pin\": \"" CURB_RIG_STAFF_PIN "\"}",
                                           &answer), ==, 429);
  g_assert_nonnull (strstr (answer, "Retry-After: "));
}

/* --- 8: backups give nothing away --- */

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

/* What an attacker with the backup file alone reads from it. */
static void
assert_backup_gives_nothing (const char *backup)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint pins = 0;

  g_assert_cmpint (sqlite3_open_v2 (backup, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  /* no hashing key beside the hashes: the lookup hashes cannot be brute-forced;
   * no key of lookup tickets: a kiosk cannot forge one for any order */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT COUNT (*) FROM meta WHERE key LIKE '%key%'", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  /* and the staff PIN hashes are peppered with that key: the PIN is no guess */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT pin_hash FROM staff", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *hash = (const char *) sqlite3_column_text (stmt, 0);
      const char *argon = strchr (hash, '$') == hash ? hash : strchr (hash, '$') + 1;

      g_assert_cmpint (crypto_pwhash_str_verify (argon, CURB_RIG_STAFF_PIN, strlen (CURB_RIG_STAFF_PIN)), !=, 0);
      pins++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (pins, >, 0);
}

static void
test_backup (Fixture       *fixture,
             gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  g_autofree char *backup = g_build_filename (rig->dir, "backup.db", NULL);
  g_autofree char *lookup = g_strdup_printf ("{\"ref\": \"R00002\", \"surname\": \"%s\"}",
                                             (char *) rig->personal->pdata[2 * 3 + 1]);
  g_autofree char *wal = g_strconcat (rig->db, "-wal", NULL);
  g_autofree char *looked_up = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *checkin = NULL;

  /* a lookup before the backup: its ticket (and the key of tickets) exist */
  g_assert_cmpuint (call (fixture, "POST", "/v1/lookup", rig->kiosks->pdata[0], NULL, lookup, &looked_up), ==, 200);
  reply = json_from_string (looked_up, NULL);
  checkin = g_strdup_printf ("{\"ticket\": \"%s\", \"bay\": \"2\", \"event_id\": \"e8-ticket\"}",
                             json_object_get_string_member (json_node_get_object (reply), "ticket"));
  g_test_message ("store.db mode %o, its WAL %o", file_mode (rig->db), file_mode (wal));
  g_assert_cmpuint (file_mode (rig->db), ==, 0600);
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpint (curb_hub_rig_ctl (rig, NULL, "backup", "--db", rig->db, backup, NULL), ==, 0);
  g_test_message ("backup mode %o", file_mode (backup));
  g_assert_cmpuint (file_mode (backup), ==, 0600);
  assert_backup_gives_nothing (backup);
  /* restored on this hub, it works: the live database's key goes with it */
  g_assert_true (curb_hub_rig_stop (rig, SIGTERM));
  g_assert_cmpint (curb_hub_rig_ctl (rig, NULL, "restore", "--db", rig->db, backup, NULL), ==, 0);
  assert_backup_gives_nothing (backup);
  g_assert_cmpuint (file_mode (rig->db), ==, 0600);
  curb_hub_rig_start (rig);
  curb_hub_rig_reset_session (rig, 10);
  g_assert_cmpuint (call (fixture, "POST", "/v1/lookup", rig->kiosks->pdata[0], NULL, lookup, NULL), ==, 200);
  /* the ticket from before the restore holds (the live key of tickets is kept) */
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", rig->kiosks->pdata[0], NULL, checkin, NULL), ==, 200);
  g_free (sign_in (rig, 1));
}

/* --- 9: a lost device is revoked, at once --- */

static void
on_stream_closed (SoupWebsocketConnection *connection,
                  gpointer                 data)
{
  *(gushort *) data = soup_websocket_connection_get_close_code (connection);
}

static SoupWebsocketConnection *
open_stream (Fixture    *fixture,
             SoupSession *session,
             const char  *credential);

static void
test_device_revoke (Fixture       *fixture,
                    gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  const char *kiosk_id = rig->kiosk_ids->pdata[0], *staging_id = rig->staging_ids->pdata[1];
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupWebsocketConnection) stream = open_stream (fixture, session, rig->kiosks->pdata[0]);
  g_autofree char *listing = NULL;
  g_autofree char *after = NULL;
  g_autofree char *staging_session = sign_in (rig, 1);
  gushort close_code = 0;
  gint64 start;

  g_signal_connect (stream, "closed", G_CALLBACK (on_stream_closed), &close_code);
  g_assert_cmpint (curb_hub_rig_ctl (rig, &listing, "device", "list", "--db", rig->db, NULL), ==, 0);
  g_assert_nonnull (strstr (listing, kiosk_id));
  g_assert_cmpuint (call (fixture, "GET", "/v1/status", rig->kiosks->pdata[0], NULL, NULL, NULL), ==, 200);
  start = g_get_monotonic_time ();
  g_assert_cmpint (curb_hub_rig_ctl (rig, NULL, "device", "revoke", "--db", rig->db, kiosk_id, NULL), ==, 0);
  g_assert_cmpint (curb_hub_rig_ctl (rig, NULL, "device", "revoke", "--db", rig->db, staging_id, NULL), ==, 0);
  /* its credential stops working at once, its stream is closed within seconds */
  g_assert_cmpuint (call (fixture, "GET", "/v1/status", rig->kiosks->pdata[0], NULL, NULL, NULL), ==, 401);
  while (close_code == 0 && g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("stream of the revoked kiosk closed after %.1f s (code %u)",
                  (g_get_monotonic_time () - start) / 1e6, close_code);
  g_assert_cmpuint (close_code, ==, 4003);
  /* a revoked station's staff session is gone with it, restart or not */
  g_assert_cmpuint (call (fixture, "POST", "/v1/orders/R00001/no-show", rig->staging->pdata[1], staging_session,
                          "{}", NULL), ==, 401);
  g_assert_cmpint (curb_hub_rig_ctl (rig, &after, "device", "list", "--db", rig->db, NULL), ==, 0);
  g_assert_nonnull (strstr (after, "revoked"));
  /* an unknown id is an error */
  g_assert_cmpint (curb_hub_rig_ctl (rig, NULL, "device", "revoke", "--db", rig->db, "kiosk-nope", NULL), ==, 1);
  /* the others carry on */
  g_assert_cmpuint (call (fixture, "GET", "/v1/status", rig->kiosks->pdata[1], NULL, NULL, NULL), ==, 200);
}

/* --- 10 and 11: handshake and idle deadlines, streams per device --- */

#define SHORT_LIMITS "[limits]\nhandshake-timeout = 2\nidle-timeout = 5\n"

/* Seconds until the hub closes @stream (a read returns 0 or fails), at
 * most @limit_s. */
static gdouble
seconds_until_closed (GIOStream *stream,
                      guint      limit_s)
{
  gint64 start = g_get_monotonic_time ();
  char byte;

  while (g_get_monotonic_time () - start < (gint64) limit_s * G_USEC_PER_SEC)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (stream), &byte, 1, NULL, &error);

      if (n <= 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        break;
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
test_timeouts (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) silent = NULL;
  g_autoptr(GIOStream) idle = NULL;
  g_autoptr(GError) error = NULL;
  gdouble handshake_s, idle_s;

  /* connects and says nothing: closed at the handshake deadline (2 s) */
  silent = g_socket_client_connect_to_host (client, "127.0.0.1", fixture->rig->port, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (silent), 1);
  handshake_s = seconds_until_closed (G_IO_STREAM (silent), 30);
  /* finishes its handshake, then says nothing: closed when idle (5 s) */
  idle = curb_hub_rig_tls_connect (fixture->rig, 1);
  g_assert_nonnull (idle);
  idle_s = seconds_until_closed (idle, 30);
  g_test_message ("silent socket closed after %.1f s (limit 2 s), idle TLS connection after %.1f s (limit 5 s)",
                  handshake_s, idle_s);
  g_assert_cmpfloat (handshake_s, <, 25);
  g_assert_cmpfloat (idle_s, <, 25);
  g_assert_cmpfloat (idle_s, >=, 4);
}

static gboolean
on_accept_any_certificate (SoupMessage          *msg,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              data)
{
  return TRUE;
}

static void
on_websocket (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  SoupWebsocketConnection **slot = data;
  GError *error = NULL;

  *slot = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (*slot == NULL)
    g_error ("stream: %s", error->message);
}

static guint
stream_subscribers (Fixture *fixture)
{
  g_autofree char *answer = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_cmpuint (call (fixture, "GET", "/v1/status", fixture->rig->kiosks->pdata[1], NULL, NULL, &answer), ==, 200);
  node = json_from_string (answer, NULL);
  return json_object_get_int_member (json_node_get_object (node), "stream_subscribers");
}

static SoupWebsocketConnection *
open_stream (Fixture     *fixture,
             SoupSession *session,
             const char  *credential)
{
  g_autofree char *url = g_strconcat (fixture->rig->url, "/v1/stream?after=0", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", credential, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  SoupWebsocketConnection *stream = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_any_certificate), NULL);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, on_websocket, &stream);
  while (stream == NULL)
    g_main_context_iteration (NULL, TRUE);
  return stream;
}

static void
test_streams_per_device (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  SoupWebsocketConnection *streams[8] = { NULL };
  guint open = 0;

  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    streams[i] = open_stream (fixture, session, fixture->rig->kiosks->pdata[0]);
  for (gint64 until = g_get_monotonic_time () + 500000; g_get_monotonic_time () < until;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    open += soup_websocket_connection_get_state (streams[i]) == SOUP_WEBSOCKET_STATE_OPEN;
  g_test_message ("one kiosk opened 8 streams: %u still open, the hub counts %u (limit 4)", open,
                  stream_subscribers (fixture));
  g_assert_cmpuint (stream_subscribers (fixture), <=, 4);
  g_assert_cmpuint (open, <=, 4);
  /* the newest are the ones kept */
  g_assert_cmpint (soup_websocket_connection_get_state (streams[7]), ==, SOUP_WEBSOCKET_STATE_OPEN);
  g_assert_cmpint (soup_websocket_connection_get_state (streams[0]), !=, SOUP_WEBSOCKET_STATE_OPEN);
  for (guint i = 0; i < G_N_ELEMENTS (streams); i++)
    g_object_unref (streams[i]);
}

/* --- 11: a kiosk reads an order only with its pickup code, or after checking it in --- */

static guint
read_order (Fixture    *fixture,
            const char *credential,
            const char *ref,
            const char *token,
            char      **out_answer)
{
  g_autofree char *escaped = token != NULL ? g_uri_escape_string (token, NULL, FALSE) : NULL;
  g_autofree char *path = g_strdup_printf ("/v1/orders/%s%s%s", ref, escaped != NULL ? "?token=" : "",
                                           escaped != NULL ? escaped : "");

  return call (fixture, "GET", path, credential, NULL, NULL, out_answer);
}

static void
test_kiosk_reads (Fixture       *fixture,
                  gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  const char *kiosk = rig->kiosks->pdata[0], *other = rig->kiosks->pdata[1];
  g_autofree char *token = curb_hub_rig_token (rig, CURB_RIG_STORE_ID, "R00009");
  g_autofree char *wrong = curb_hub_rig_token (rig, CURB_RIG_STORE_ID, "R00008");
  g_autofree char *unknown = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *closed = NULL;
  g_autofree char *checkin = checkin_body (fixture, "R00009", "e11-read");

  /* by reference alone: the same answer as an order the store does not have */
  g_assert_cmpuint (read_order (fixture, kiosk, "R00009", NULL, &refused), ==, 404);
  g_assert_cmpuint (read_order (fixture, kiosk, "R99999", NULL, &unknown), ==, 404);
  g_assert_null (strstr (refused, "first_name"));
  g_assert_cmpuint (read_order (fixture, kiosk, "R00009", wrong, NULL), ==, 404);
  g_assert_cmpuint (read_order (fixture, kiosk, "R00009", token, NULL), ==, 200);
  /* staff screens read any order */
  g_assert_cmpuint (read_order (fixture, rig->staging->pdata[0], "R00009", NULL, NULL), ==, 200);
  /* the kiosk that checked the shopper in reads on (its receipt), no other */
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, checkin, NULL), ==, 200);
  g_assert_cmpuint (read_order (fixture, kiosk, "R00009", NULL, NULL), ==, 200);
  g_assert_cmpuint (read_order (fixture, other, "R00009", NULL, NULL), ==, 404);
  /* closed: one answer, nothing of the order */
  g_assert_cmpuint (call (fixture, "POST", "/v1/orders/R00009/claim", rig->staging->pdata[0], fixture->session,
                          "{}", NULL), ==, 200);
  g_assert_cmpuint (call (fixture, "POST", "/v1/orders/R00009/handover", rig->staging->pdata[0], fixture->session,
                          "{\"id_checked\": true}", NULL), ==, 200);
  g_assert_cmpuint (read_order (fixture, other, "R00009", token, &closed), ==, 409);
  g_assert_nonnull (strstr (closed, "order_closed"));
  g_assert_null (strstr (closed, "first_name"));
  /* the kiosk at the handoff still prints its receipt */
  g_assert_cmpuint (read_order (fixture, kiosk, "R00009", NULL, NULL), ==, 200);
}

/* --- 11: device names are plain text --- */

static void
test_device_names (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (fixture->rig->db, &error);
  const char *names[] = {
    "Kiosk \\u202egnp.exe",       /* right-to-left override */
    "Kiosk \\u2066door\\u2069",   /* isolates */
    "Kiosk\\u200f 2",             /* right-to-left mark */
    "Kiosk \\u0085 2",            /* a C1 control */
    "Kiosk \\u2028 2",            /* line separator */
    "Kiosk\\u0000 2",             /* NUL */
    "Kiosk\\t2",
  };

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *code = curb_store_create_enrollment_code (store, CURB_DEVICE_ROLE_KIOSK, 60000, &error);
      g_autofree char *body = g_strdup_printf ("{\"code\": \"%s\", \"name\": \"%s\"}", code, names[i]);
      g_autofree char *from = g_strdup_printf ("127.0.1.%u", i + 1);
      guint status = curb_hub_rig_raw_from (fixture->rig, from, "POST", "/v1/enroll", NULL, body, NULL);

      g_test_message ("enroll as \"%s\" → %u", names[i], status);
      g_assert_cmpuint (status, ==, 400);
    }
  {
    g_autofree char *code = curb_store_create_enrollment_code (store, CURB_DEVICE_ROLE_KIOSK, 60000, &error);
    g_autofree char *body = g_strdup_printf ("{\"code\": \"%s\", \"name\": \"Kiosk by door 2 — Señora\"}", code);

    g_assert_cmpuint (curb_hub_rig_raw_from (fixture->rig, "127.0.2.1", "POST", "/v1/enroll", NULL, body, NULL), ==, 200);
  }
}

/* --- 11: secrets come from libsodium, not GLib's generator --- */

/* A store's secrets, each drawn right after seeding GLib's generator. */
static void
draw_secrets (const char  *path,
              char       **out_code,
              char       **out_credential,
              char       **out_session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CurbStore) store = curb_store_open (path, &error);
  g_autofree char *device_id = NULL;

  g_assert_no_error (error);
  g_assert_true (curb_store_add_staff (store, "st-1", "Robin", CURB_STAFF_ROLE_STAFF, "2468", NULL, &error));
  g_random_set_seed (13);
  *out_code = curb_store_create_enrollment_code (store, CURB_DEVICE_ROLE_STAGING, 60000, &error);
  g_assert_no_error (error);
  g_random_set_seed (13);
  g_assert_true (curb_store_enroll_device (store, *out_code, "Station", &device_id, out_credential, NULL, &error));
  g_random_set_seed (13);
  *out_session = curb_store_open_staff_session (store, "st-1", device_id, 60000, 60000, &error);
  g_assert_no_error (error);
}

/* GLib's generator is a Mersenne Twister anyone in the process can seed: from
 * it, two stores seeded alike would hand out the same secrets. */
static void
test_secrets (void)
{
  g_autofree char *dir = curb_test_mkdtemp ();
  g_autofree char *first = g_build_filename (dir, "first.db", NULL);
  g_autofree char *second = g_build_filename (dir, "second.db", NULL);
  char *codes[2], *credentials[2], *sessions[2];

  draw_secrets (first, &codes[0], &credentials[0], &sessions[0]);
  draw_secrets (second, &codes[1], &credentials[1], &sessions[1]);
  g_test_message ("same GLib seed: codes %s / %s, sessions %s / %s", codes[0], codes[1], sessions[0], sessions[1]);
  g_assert_cmpstr (codes[0], !=, codes[1]);
  g_assert_cmpstr (credentials[0], !=, credentials[1]);
  g_assert_cmpstr (sessions[0], !=, sessions[1]);
  for (guint i = 0; i < 2; i++)
    {
      g_free (codes[i]);
      g_free (credentials[i]);
      g_free (sessions[i]);
    }
  curb_test_rmdir (dir);
}

/* --- issue 12 (hub side): a staff session outlives a hub restart --- */

static void
test_session_survives_restart (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *staging = fixture->rig->staging->pdata[0];
  g_autofree char *checkin = checkin_body (fixture, "R00007", "e12-arrive");

  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", fixture->rig->kiosks->pdata[0], NULL, checkin, NULL), ==, 200);
  g_assert_true (curb_hub_rig_stop (fixture->rig, SIGTERM));
  curb_hub_rig_start (fixture->rig);
  curb_hub_rig_reset_session (fixture->rig, 10);
  g_assert_cmpuint (call (fixture, "POST", "/v1/orders/R00007/claim", staging, fixture->session, "{}", NULL), ==, 200);
  /* the session stays this station's */
  g_assert_cmpuint (call (fixture, "POST", "/v1/orders/R00007/release", fixture->rig->staging->pdata[1],
                          fixture->session, "{}", NULL), ==, 401);
  /* signed out: gone for good */
  g_assert_cmpuint (call (fixture, "DELETE", "/v1/staff/session", staging, fixture->session, NULL, NULL), ==, 200);
  g_assert_cmpuint (call (fixture, "POST", "/v1/orders/R00007/release", staging, fixture->session, "{}", NULL), ==, 401);
}

/* --- 11: strict JSON, bounded times --- */

static void
test_strict_json (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *kiosk = fixture->rig->kiosks->pdata[0];
  const char *bodies[] = {
    "{}{}",
    "{\"camera\": \"ok\"} {\"camera\": \"bad\"}",
    "/* comment */ {\"camera\": \"ok\"}",
    "{\"camera\": \"ok\"} // comment",
    "\xef\xbb\xbf{\"camera\": \"ok\"}",
    "{\"camera\": \"ok\", \"camera\": \"failed\"}",
    "{\"camera\": \"ok\",}",
    "{\"camera\": \"a\\u0000b\"}",
  };
  g_autofree char *token = curb_hub_rig_token (fixture->rig, CURB_RIG_STORE_ID, "R00004");
  g_autofree char *future = g_strdup_printf ("{\"token\": \"%s\", \"bay\": \"1\", \"at\": \"9999-12-31T00:00:00.000Z\"}", token);
  g_autofree char *past = g_strdup_printf ("{\"token\": \"%s\", \"bay\": \"1\", \"at\": \"1970-01-01T00:00:00.000Z\"}", token);

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *answer = NULL;
      guint status = call (fixture, "POST", "/v1/heartbeat", kiosk, NULL, bodies[i], &answer);

      g_test_message ("heartbeat %s → %u", bodies[i], status);
      g_assert_cmpuint (status, ==, 400);
    }
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, future, NULL), ==, 400);
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, past, NULL), ==, 400);
}

/* --- round three: calls for help, heartbeat text --- */

static guint
call_for_help (Fixture    *fixture,
               const char *credential,
               const char *body,
               char      **out_answer)
{
  return call (fixture, "POST", "/v1/assistance", credential, NULL, body, out_answer);
}

/* One kiosk filled the store's 64 places for open calls (every other kiosk
 * got 429), the id of another kiosk's call answered that call, and the
 * order reference and language were any text. */
static void
test_assistance (Fixture       *fixture,
                 gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  const char *kiosk = rig->kiosks->pdata[0], *other = rig->kiosks->pdata[1];
  g_autofree char *stolen = NULL;
  guint accepted = 0;

  g_assert_cmpuint (call_for_help (fixture, kiosk, "{\"id\": \"call-r3-0001\", \"screen\": \"lookup\","
                                                   " \"order_ref\": \"R00002\", \"language\": \"es\"}", NULL), ==, 201);
  /* the same id: the same call for its kiosk (a retry), a conflict for another */
  g_assert_cmpuint (call_for_help (fixture, kiosk, "{\"id\": \"call-r3-0001\", \"screen\": \"lookup\"}", NULL), ==, 200);
  g_assert_cmpuint (call_for_help (fixture, other, "{\"id\": \"call-r3-0001\"}", &stolen), ==, 409);
  g_assert_null (strstr (stolen, "R00002"));
  /* one kiosk calling over and over holds at most two places */
  for (guint i = 0; i < 70; i++)
    accepted += call_for_help (fixture, kiosk, "{\"screen\": \"welcome\"}", NULL) == 201;
  g_test_message ("70 more calls from one kiosk: %u accepted", accepted);
  g_assert_cmpuint (accepted, <=, 1);
  g_assert_cmpuint (call_for_help (fixture, other, "{\"screen\": \"bay\"}", NULL), ==, 201);
  /* plain values only; a call comes from a kiosk */
  g_assert_cmpuint (call_for_help (fixture, other, "{\"order_ref\": \"../../x\"}", NULL), ==, 400);
  g_assert_cmpuint (call_for_help (fixture, other, "{\"language\": \"es\\u202e\"}", NULL), ==, 400);
  g_assert_cmpuint (call_for_help (fixture, other, "{\"id\": \"call\\u2066r3\\u2069x\"}", NULL), ==, 400);
  g_assert_cmpuint (call_for_help (fixture, rig->staging->pdata[0], "{\"screen\": \"welcome\"}", NULL), ==, 403);
}

/* Heartbeat status words are shown to staff (Devices page, curbside-ctl
 * status): they took bidi overrides and control characters, and any
 * outbox depth. */
static void
test_heartbeat_text (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *kiosk = fixture->rig->kiosks->pdata[0];
  const char *bodies[] = {
    "{\"camera\": \"ok\\u202e\"}",
    "{\"printer\": \"paper\\nout\"}",
    "{\"app_version\": \"1.0\\u0007\"}",
    "{\"detail\": \"\\u2066x\\u2069\"}",
    "{\"outbox_depth\": -5}",
    "{\"outbox_depth\": 4611686018427387904}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      guint status = call (fixture, "POST", "/v1/heartbeat", kiosk, NULL, bodies[i], NULL);

      g_test_message ("heartbeat %s → %u", bodies[i], status);
      g_assert_cmpuint (status, ==, 400);
    }
  g_assert_cmpuint (call (fixture, "POST", "/v1/heartbeat", kiosk, NULL,
                          "{\"camera\": \"ok\", \"printer\": \"paper_low\", \"detail\": \"Papel casi agotado\","
                          " \"outbox_depth\": 3, \"kind\": \"app\", \"app_version\": \"0.1.0\"}", NULL), ==, 200);
}


/* --- r4: check-in on the scan; the bay and "Not you?" after it --- */

static void
assert_order (Fixture    *fixture,
              const char *ref,
              const char *state,
              const char *bay)
{
  g_autoptr(JsonObject) order = get_order (fixture, ref);

  g_assert_cmpstr (json_object_get_string_member (order, "state"), ==, state);
  g_assert_cmpstr (json_object_get_string_member_with_default (order, "bay", NULL), ==, bay);
}

static void
test_bay_and_withdrawal (Fixture       *fixture,
                         gconstpointer  data)
{
  CurbHubRig *rig = fixture->rig;
  const char *kiosk = rig->kiosks->pdata[0], *other_kiosk = rig->kiosks->pdata[1];
  const char *staging = rig->staging->pdata[0];
  g_autofree char *token = curb_hub_rig_token (rig, CURB_RIG_STORE_ID, "R00014");
  g_autofree char *checkin = g_strdup_printf ("{\"token\": \"%s\", \"event_id\": \"e4-arrive\"}", token);
  g_autofree char *token_15 = curb_hub_rig_token (rig, CURB_RIG_STORE_ID, "R00015");
  g_autofree char *checkin_15 = g_strdup_printf ("{\"token\": \"%s\", \"event_id\": \"e4-arrive-15\"}", token_15);
  g_autofree char *bay = events_body ("e4-bay", "bay_chosen", "R00014", ", \"data\": {\"bay\": \"4\"}");
  g_autofree char *withdraw = events_body ("e4-withdraw", "withdrawn", "R00014", "");
  g_autofree char *reused_id = events_body ("e4-bay", "withdrawn", "R00014", "");
  g_autofree char *bad_bay = events_body ("e4-bad", "bay_chosen", "R00014", ", \"data\": {\"bay\": \"4; DROP\"}");
  g_autofree char *long_bay = events_body ("e4-long", "bay_chosen", "R00014",
                                           ", \"data\": {\"bay\": \"12345678901234567\"}");
  g_autofree char *late_bay = events_body ("e4-late", "bay_chosen", "R00014", ", \"data\": {\"bay\": \"5\"}");
  g_autofree char *withdraw_15 = events_body ("e4-withdraw-15", "withdrawn", "R00015", "");
  g_autofree char *token_16 = curb_hub_rig_token (rig, CURB_RIG_STORE_ID, "R00016");
  g_autofree char *checkin_16 = g_strdup_printf ("{\"token\": \"%s\", \"event_id\": \"e4-arrive-16\"}", token_16);
  g_autofree char *again_16 = g_strdup_printf ("{\"token\": \"%s\", \"event_id\": \"e4-arrive-16b\"}", token_16);
  g_autofree char *withdraw_16 = events_body ("e4-withdraw-16", "withdrawn", "R00016", "");
  g_autofree char *bay_16 = events_body ("e4-bay-16", "bay_chosen", "R00016", ", \"data\": {\"bay\": \"2\"}");
  g_autofree char *answer = NULL;
  const char broken[] = "{\"events\": [{\"id\": \"e4-utf8\", \"kind\": \"bay_chosen\", \"order_ref\": \"R00014\","
                        " \"data\": {\"bay\": \"\xff\xfe\"}}]}";

  /* checked in on the scan: no bay yet, the reply carries the order */
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, checkin, &answer), ==, 200);
  g_assert_nonnull (strstr (answer, "\"state\":\"arrived\""));
  assert_order (fixture, "R00014", "arrived", NULL);
  /* nobody but that kiosk gives the bay or takes the arrival back */
  assert_event (fixture, "no credential: bay_chosen", NULL, NULL, bay, 401, NULL, NULL);
  assert_event (fixture, "staging, no staff session: bay_chosen", staging, NULL, bay, 401, NULL, NULL);
  assert_event (fixture, "staging as st-1: bay_chosen", staging, fixture->session, bay, 200, "rejected", "forbidden");
  assert_event (fixture, "staging as st-1: withdrawn", staging, fixture->session, withdraw,
                200, "rejected", "forbidden");
  assert_event (fixture, "another kiosk: bay_chosen", other_kiosk, NULL, bay, 200, "rejected", "forbidden");
  assert_event (fixture, "another kiosk: withdrawn", other_kiosk, NULL, withdraw, 200, "rejected", "forbidden");
  /* a bay is 1 to 16 of A-Z a-z 0-9 '-' (the hub knows no other list of bays) */
  assert_event (fixture, "kiosk: bay_chosen \"4; DROP\"", kiosk, NULL, bad_bay, 200, "rejected", "invalid");
  assert_event (fixture, "kiosk: bay_chosen of 17 characters", kiosk, NULL, long_bay, 200, "rejected", "invalid");
  g_assert_cmpuint (curb_hub_rig_raw (rig, "POST", "/v1/events", kiosk, NULL, broken, sizeof broken - 1, &answer),
                    ==, 400);
  assert_order (fixture, "R00014", "arrived", NULL);
  /* the kiosk that checked in: once, a replay is a duplicate, the id names one event */
  assert_event (fixture, "kiosk: bay_chosen 4", kiosk, NULL, bay, 200, "applied", NULL);
  assert_event (fixture, "kiosk: bay_chosen 4 again (replay)", kiosk, NULL, bay, 200, "duplicate", NULL);
  assert_event (fixture, "kiosk: withdrawn under the bay's id", kiosk, NULL, reused_id, 200, "rejected", "conflict");
  assert_order (fixture, "R00014", "arrived", "4");
  assert_event (fixture, "kiosk: withdrawn", kiosk, NULL, withdraw, 200, "applied", NULL);
  assert_event (fixture, "kiosk: withdrawn again (replay)", kiosk, NULL, withdraw, 200, "duplicate", NULL);
  assert_order (fixture, "R00014", "pending", NULL);
  assert_event (fixture, "kiosk: bay_chosen after the withdrawal", kiosk, NULL, late_bay,
                200, "rejected", "illegal_transition");
  /* staff claimed first: the arrival stays */
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, checkin_15, NULL), ==, 200);
  g_assert_cmpuint (call (fixture, "POST", "/v1/orders/R00015/claim", staging, fixture->session, "{}", NULL), ==, 200);
  assert_event (fixture, "kiosk: withdrawn after a claim", kiosk, NULL, withdraw_15, 200, "rejected", "already_claimed");
  assert_order (fixture, "R00015", "claimed", NULL);
  /* taken back at one kiosk, checked in at the other: only the other gives its bay */
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", kiosk, NULL, checkin_16, NULL), ==, 200);
  assert_event (fixture, "kiosk: withdrawn (16)", kiosk, NULL, withdraw_16, 200, "applied", NULL);
  g_assert_cmpuint (call (fixture, "POST", "/v1/checkins", other_kiosk, NULL, again_16, NULL), ==, 200);
  assert_event (fixture, "first kiosk: bay_chosen of the other's arrival", kiosk, NULL, bay_16,
                200, "rejected", "forbidden");
  assert_event (fixture, "second kiosk: bay_chosen", other_kiosk, NULL, bay_16, 200, "applied", NULL);
  assert_order (fixture, "R00016", "arrived", "2");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/lan-findings/1-content-length", test_content_length);
  ADD ("/lan-findings/2-events-authorization", test_events_authorization);
  ADD ("/lan-findings/3-lone-surrogate", test_lone_surrogate);
  ADD ("/lan-findings/4-stream-after-restore", test_stream_after_restore);
  ADD ("/lan-findings/5-event-id-bound", test_event_id_bound);
  ADD ("/lan-findings/6-enroll-limit-per-address", test_enroll_limit);
  g_test_add_func ("/lan-findings/7-pin-timing-and-lockout", test_pin);
  ADD ("/lan-findings/8-backup", test_backup);
  ADD ("/lan-findings/9-device-revoke", test_device_revoke);
  g_test_add ("/lan-findings/10-handshake-and-idle-timeouts", Fixture, SHORT_LIMITS, fixture_set_up,
              test_timeouts, fixture_tear_down);
  ADD ("/lan-findings/11-streams-per-device", test_streams_per_device);
  ADD ("/lan-findings/11-kiosk-reads-need-the-code", test_kiosk_reads);
  ADD ("/lan-findings/11-device-names", test_device_names);
  g_test_add_func ("/lan-findings/11-secrets-from-libsodium", test_secrets);
  ADD ("/lan-findings/12-staff-session-survives-restart", test_session_survives_restart);
  ADD ("/lan-findings/11-strict-json-and-times", test_strict_json);
  ADD ("/lan-findings/r3-assistance-per-kiosk", test_assistance);
  ADD ("/lan-findings/r3-heartbeat-text", test_heartbeat_text);
  ADD ("/lan-findings/r4-bay-and-withdrawal", test_bay_and_withdrawal);
#undef ADD
  return g_test_run ();
}
